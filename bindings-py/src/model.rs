//! `Model`: loading, writing, lookups and views, and the conversions to and from NetworkX.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use tiaokuai::{Date, LinkKind, LoadOptions, Model, RecordType};

use crate::convert::{Seg, import_optional, json_loads, to_json_text_located};
use crate::errors::{TkResult, invalid};
use crate::records::{PyLink, PyLinkView, PyRecordView, link_fields, record_dict, record_object};
use crate::{audit, query};

pub(crate) fn options(max_bytes: Option<u64>) -> LoadOptions {
    match max_bytes {
        Some(limit) => LoadOptions::default().max_bytes(limit),
        None => LoadOptions::default(),
    }
}

/// A date argument: ``"2017"``, ``"2017-05"``, ``"2017-05-03"`` or a ``datetime.date`` (a
/// ``datetime.datetime`` counts as its day). A malformed date is an ``InvalidInputError``.
pub(crate) fn date_arg(date: &Bound<'_, PyAny>) -> TkResult<Date> {
    let text: String = if let Ok(s) = date.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if date.is_instance(&date.py().import("datetime")?.getattr("date")?)? {
        let d = date.getattr("timetuple")?.call0()?;
        let (y, m, day): (u32, u32, u32) =
            (d.getattr("tm_year")?.extract()?, d.getattr("tm_mon")?.extract()?, d.getattr("tm_mday")?.extract()?);
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        let type_name = date.get_type().name()?.to_string();
        return Err(PyTypeError::new_err(format!(
            "a date is a str (YYYY, YYYY-MM or YYYY-MM-DD) or a datetime.date, not {type_name}"
        ))
        .into());
    };
    text.parse::<Date>().map_err(|e| invalid("date", e))
}

/// A governance model: territories, units, matters, items and the typed links between them.
///
/// A model is immutable and safe to share between threads; loading, audits and queries
/// release the GIL. Create one with :func:`tiaokuai.load`, :meth:`Model.from_json`,
/// :meth:`Model.from_dict`, :func:`tiaokuai.from_networkx`, :func:`tiaokuai.generate` or
/// :func:`tiaokuai.import_divisions`.
///
/// It behaves as a read-only mapping from id to record: ``len(model)`` counts the records,
/// ``"id" in model`` tests for one, ``model["id"]`` returns it (``UnknownIdError``, a
/// ``KeyError``, when missing) and iterating yields the ids in document order.
#[pyclass(name = "Model", module = "tiaokuai", frozen)]
pub struct PyModel {
    pub(crate) inner: Arc<Model>,
}

impl PyModel {
    pub(crate) fn wrap(model: Model) -> Self {
        PyModel { inner: Arc::new(model) }
    }
}

/// A model given as Python values, as JSON text; a NaN or infinite number is an
/// `InvalidFieldError` naming the record (array, index, id) and the field that holds it.
fn model_text(obj: &Bound<'_, PyAny>) -> TkResult<String> {
    match to_json_text_located(obj, "model") {
        Ok(text) => Ok(text),
        Err(Err(e)) => Err(e.into()),
        Err(Ok(bad)) => {
            let message = format!("{} (at model{})", bad.message, bad.path);
            let err = match bad.segs.as_slice() {
                [Seg::Key(array), Seg::Index(i), Seg::Key(field), ..]
                    if ["territories", "units", "matters", "items", "links"].contains(&array.as_str()) =>
                {
                    let label = if array == "links" { "from" } else { "id" };
                    let id: Option<String> = obj
                        .get_item(array.as_str())
                        .and_then(|a| a.get_item(*i))
                        .and_then(|r| r.get_item(label))
                        .and_then(|v| v.extract())
                        .ok();
                    let at = if array == "links" {
                        tiaokuai::Position::link(*i, id.as_deref())
                    } else {
                        tiaokuai::Position::record(array, *i, id.as_deref())
                    };
                    tiaokuai::Error::InvalidField { at, field: field.clone(), message }
                }
                [Seg::Key(field), ..] if field == "meta" => tiaokuai::Error::InvalidField {
                    at: tiaokuai::Position::record("document", 0, None),
                    field: field.clone(),
                    message,
                },
                _ => tiaokuai::Error::Invalid { what: "model".into(), message },
            };
            Err(err.into())
        }
    }
}

/// Loads a model from JSON text or bytes (GIL released).
pub(crate) fn model_from_json(py: Python<'_>, data: &Bound<'_, PyAny>, max_bytes: Option<u64>) -> TkResult<PyModel> {
    let opts = options(max_bytes);
    let model = if let Ok(s) = data.cast::<PyString>() {
        let text = s.to_cow()?.into_owned();
        py.detach(move || Model::from_json_bytes_with(text.as_bytes(), &opts))?
    } else if let Ok(b) = data.cast::<PyBytes>() {
        let bytes = b.as_bytes().to_vec();
        py.detach(move || Model::from_json_bytes_with(&bytes, &opts))?
    } else {
        return Err(PyTypeError::new_err("Model.from_json() takes a str or bytes").into());
    };
    Ok(PyModel::wrap(model))
}

/// Reads a model image from bytes, a bytearray or a memoryview (GIL released). `bytes` are
/// immutable and held for the call, so the decoder reads them in place; the others are copied.
pub(crate) fn model_from_image(py: Python<'_>, data: &Bound<'_, PyAny>, max_bytes: Option<u64>) -> TkResult<PyModel> {
    let opts = options(max_bytes);
    let model = if let Ok(b) = data.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        py.detach(|| Model::from_image_with(bytes, &opts))?
    } else if let Ok(b) = data.cast::<PyByteArray>() {
        let bytes = b.to_vec();
        py.detach(move || Model::from_image_with(&bytes, &opts))?
    } else if data.is_instance(&py.import("builtins")?.getattr("memoryview")?)? {
        let copy = data.call_method0("tobytes")?;
        let bytes = copy.cast::<PyBytes>().map_err(PyErr::from)?.as_bytes();
        py.detach(|| Model::from_image_with(bytes, &opts))?
    } else {
        let type_name = data.get_type().name()?.to_string();
        return Err(PyTypeError::new_err(format!(
            "Model.from_image() takes bytes (a bytearray or memoryview too), not {type_name}: read an image file \
             with Model.open(path)"
        ))
        .into());
    };
    Ok(PyModel::wrap(model))
}

/// Loads a model with a tqdm bar of the records and links added (`tiaokuai._progress.bar`:
/// shown by default only in a terminal or notebook, when tqdm is installed).
fn model_load_progress(
    py: Python<'_>,
    path: PathBuf,
    max_bytes: Option<u64>,
    progress: Option<bool>,
) -> TkResult<PyModel> {
    let mut opts = options(max_bytes);
    let bar = match progress {
        Some(false) => None,
        _ => Some(py.import("tiaokuai._progress")?.getattr("bar")?.call1((0, "load", progress))?)
            .filter(|b| !b.is_none())
            .map(Bound::unbind),
    };
    if let Some(bar) = &bar {
        let (bar, shown) = (bar.clone_ref(py), std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)));
        opts = opts.progress(move |done, total| {
            Python::attach(|py| {
                let b = bar.bind(py);
                let before = shown.swap(done, std::sync::atomic::Ordering::Relaxed);
                // A bar never raises into the load: a failing update only loses the display.
                let _ = b.setattr("total", total);
                let _ = b.call_method1("update", (done.saturating_sub(before),));
            })
        });
    }
    let model = py.detach(move || Model::load_with(&path, &opts));
    if let Some(bar) = bar {
        let _ = bar.bind(py).call_method0("close");
    }
    Ok(PyModel::wrap(model?))
}

#[pymethods]
impl PyModel {
    /// Loads a model from a path: a ``tiaokuai/1`` JSON file, a model image (``.tkz``, known by
    /// its first bytes, as :meth:`open` reads it), or a folder holding a CSV bundle.
    ///
    /// ``max_bytes`` limits the size of the input (default 4 GiB). Raises ``IoError`` when the
    /// path cannot be read and a subclass of ``TiaokuaiError`` naming the record, field and id
    /// for invalid content.
    ///
    /// ``at`` reads the model at a date (as :meth:`at`); by default it is read at the
    /// document's ``meta.as_of``, else with every record counting (never today's date).
    ///
    /// ``progress`` shows a tqdm bar of the records and links read from a JSON file: ``None``
    /// (the default) in a terminal or a notebook when tqdm is installed, ``True`` always
    /// (``ImportError`` without tqdm), ``False`` never.
    #[staticmethod]
    #[pyo3(signature = (path, *, max_bytes = None, at = None, progress = None))]
    fn load(
        py: Python<'_>,
        path: PathBuf,
        max_bytes: Option<u64>,
        at: Option<&Bound<'_, PyAny>>,
        progress: Option<bool>,
    ) -> TkResult<PyModel> {
        load_at(py, path, max_bytes, at, progress)
    }

    /// Reads a model from ``tiaokuai/1`` JSON text (``str``, or UTF-8 ``bytes`` with or without BOM).
    #[staticmethod]
    #[pyo3(signature = (text, *, max_bytes = None))]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>, max_bytes: Option<u64>) -> TkResult<PyModel> {
        model_from_json(py, text, max_bytes)
    }

    /// Opens a model image file (``.tkz``: written by :meth:`write` to a path ending in
    /// ``.tkz``, or by ``tiaokuai convert MODEL --to image``), a cache of the model's JSON that
    /// opens without parsing it. :func:`tiaokuai.load` opens images too; this refuses anything
    /// else. The GIL is released while it is read.
    ///
    /// ``max_bytes`` limits the size of the file (default 4 GiB). Raises ``ImageError`` for a
    /// file that is not an image (a JSON model among them), an image of another layout, or a
    /// damaged or truncated one; ``IoError`` when it cannot be read.
    ///
    /// ``at`` reads the model at a date, as :meth:`load` does (checked before the file is read).
    ///
    /// ``map`` (default True) maps the file: the model's largest tables then point into its
    /// pages, which every process that opens the same file shares (see :attr:`mapped_bytes`;
    /// docs/format.md "Model images"). Replace a mapped image by renaming a new file over it,
    /// never by writing into it: a file cut shorter under a mapping crashes the process that
    /// maps it (SIGBUS). ``map=False`` reads it into memory instead.
    #[staticmethod]
    #[pyo3(signature = (path, *, max_bytes = None, at = None, map = true))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        max_bytes: Option<u64>,
        at: Option<&Bound<'_, PyAny>>,
        map: bool,
    ) -> TkResult<PyModel> {
        let date = at.map(date_arg).transpose()?;
        let opts = options(max_bytes).map(map);
        let model = py.detach(move || {
            Model::open_with(&path, &opts).map(|m| match date {
                Some(d) => m.at(d),
                None => m,
            })
        })?;
        Ok(PyModel::wrap(model))
    }

    /// Reads a model image from memory (``bytes``, as :meth:`to_image` gives them; a
    /// ``bytearray`` or ``memoryview`` too). The checksum is checked before anything is decoded,
    /// so a damaged or truncated image raises ``ImageError``, never gives a wrong model; so do
    /// bytes that are not an image and an image of another layout. A well-formed image whose
    /// document a JSON load would refuse raises what that JSON would. Anything else than bytes
    /// (a ``str`` among them) is a ``TypeError``. The GIL is released while it is decoded.
    #[staticmethod]
    #[pyo3(signature = (data, *, max_bytes = None))]
    fn from_image(py: Python<'_>, data: &Bound<'_, PyAny>, max_bytes: Option<u64>) -> TkResult<PyModel> {
        model_from_image(py, data, max_bytes)
    }

    /// Reads a model from a dict in the ``tiaokuai/1`` form (as returned by :meth:`to_dict`
    /// or ``json.load``). Any mapping, list, tuple, str, int, float, bool or None is accepted
    /// inside; other values raise ``TypeError`` naming where they are.
    ///
    /// A NaN or infinite float anywhere (a JSON document cannot hold one) raises
    /// ``InvalidFieldError`` (a ``ValueError``) naming the record, its id and the field, and
    /// the path (``model['units'][7]['attrs']['bad']``). ``decimal.Decimal`` values (what
    /// attrs give back for numbers beyond a float's range) are written exactly.
    #[staticmethod]
    #[pyo3(signature = (obj, *, max_bytes = None))]
    fn from_dict(py: Python<'_>, obj: &Bound<'_, PyAny>, max_bytes: Option<u64>) -> TkResult<PyModel> {
        let text = model_text(obj)?;
        let opts = options(max_bytes);
        let model = py.detach(move || Model::from_json_bytes_with(text.as_bytes(), &opts))?;
        Ok(PyModel::wrap(model))
    }

    /// The embedded sample model: Baoshan district (310113), Shanghai — real divisions,
    /// synthetic structure with deliberate gaps.
    #[staticmethod]
    fn sample(py: Python<'_>) -> TkResult<PyModel> {
        let model = py.detach(|| Model::from_json(tiaokuai::SAMPLE_JSON))?;
        Ok(PyModel::wrap(model))
    }

    /// The model as ``tiaokuai/1`` JSON text: deterministic, one record per line.
    fn to_json(&self, py: Python<'_>) -> String {
        let model = Arc::clone(&self.inner);
        py.detach(move || model.to_json())
    }

    /// The model as a model image (the bytes of a ``.tkz`` file): the whole document, history,
    /// people and meetings included. :meth:`from_image` reads them back into an equal model,
    /// whose :meth:`to_json` is the same text as this one's. The GIL is released while it is
    /// written.
    fn to_image<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let model = Arc::clone(&self.inner);
        let image = py.detach(move || model.to_image());
        PyBytes::new(py, &image)
    }

    /// The model as a dict in the ``tiaokuai/1`` form (integers in ``attrs`` of any size kept exactly).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self.to_json(py);
        json_loads(py, &text)
    }

    /// Writes the model to ``path``: as JSON to a file, as a model image (what :meth:`open`
    /// reads) when ``format="image"`` or the path ends in ``.tkz``, or as a CSV bundle when
    /// ``format="csv"`` or the path is an existing folder or ends with a path separator. A
    /// ``format`` given wins over the path's ending (``format="json"`` writes JSON to
    /// ``m.tkz``). Files are written to a temporary file and renamed into place. Raises
    /// ``IoError`` when writing fails.
    #[pyo3(signature = (path, *, format = None))]
    fn write(&self, py: Python<'_>, path: PathBuf, format: Option<&str>) -> TkResult<()> {
        let model = Arc::clone(&self.inner);
        match format {
            None => py.detach(move || model.save(&path))?,
            Some("csv") => py.detach(move || model.write_csv_dir(&path))?,
            Some(f @ ("json" | "image")) => {
                let image = f == "image";
                let text = path.to_string_lossy();
                if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
                    let what = if image { "a model image" } else { "a JSON model" };
                    return Err(tiaokuai::Error::Io {
                        path: text.into_owned(),
                        message: format!("is a folder; {what} is written to a file"),
                        io_kind: std::io::ErrorKind::IsADirectory,
                    }
                    .into());
                }
                // Not `save`: it would pick the format from the path's ending.
                py.detach(move || {
                    tiaokuai::format::write_atomic(&path, |w| {
                        if image { model.write_image(w) } else { model.write_json(w) }
                    })
                })?
            }
            Some(other) => {
                return Err(invalid("format", format!("{other:?} is not \"json\", \"csv\" or \"image\"")));
            }
        }
        Ok(())
    }

    /// The document's ``meta`` object as a dict, or None.
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.meta().map(|m| json_loads(py, m.as_json())).transpose()
    }

    /// The model's name (``meta.name``), or None.
    #[getter]
    fn title(&self) -> Option<String> {
        self.inner.title()
    }

    /// The bytes of the model's tables that point into a mapped model image (:meth:`open`),
    /// shared with every process that maps the same file: 0 for a model read from JSON, CSV,
    /// .xlsx or bytes, or opened with ``map=False``.
    #[getter]
    fn mapped_bytes(&self) -> usize {
        self.inner.mapped_bytes()
    }

    /// All records, in document order: territories, units, matters, items.
    #[getter]
    fn records(&self) -> PyRecordView {
        PyRecordView::new(&self.inner, None)
    }

    /// The territories, in document order.
    #[getter]
    fn territories(&self) -> PyRecordView {
        PyRecordView::new(&self.inner, Some(RecordType::Territory))
    }

    /// The units (organisations), in document order.
    #[getter]
    fn units(&self) -> PyRecordView {
        PyRecordView::new(&self.inner, Some(RecordType::Unit))
    }

    /// The matters (事项), in document order.
    #[getter]
    fn matters(&self) -> PyRecordView {
        PyRecordView::new(&self.inner, Some(RecordType::Matter))
    }

    /// The items of the three lists (needs, resources, projects), in document order.
    ///
    /// Named ``items`` before 0.2; that name clashes with ``Mapping.items()``.
    #[getter]
    fn list_items(&self) -> PyRecordView {
        PyRecordView::new(&self.inner, Some(RecordType::Item))
    }

    /// Deprecated alias of :attr:`list_items` (warns ``DeprecationWarning``; removed in the
    /// next release, when ``Model`` becomes a ``collections.abc.Mapping`` whose ``items()``
    /// gives ``(id, record)`` pairs).
    #[getter]
    fn items(&self, py: Python<'_>) -> PyResult<PyRecordView> {
        let category = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
        PyErr::warn(
            py,
            &category,
            c"Model.items is deprecated and will become Mapping.items(): use Model.list_items for the items of \
              the three lists",
            1,
        )?;
        Ok(self.list_items())
    }

    /// The meetings (三会: hearings, coordination and evaluation meetings, consultations), in
    /// document order, each a dict with the format's fields: ``id``, ``kind``, ``territory``,
    /// ``date`` (text, as written), and ``convener``, ``topics`` and ``attrs`` when given.
    /// Every meeting of the document, whatever date the model is read at.
    #[getter]
    fn meetings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.inner.meetings_json())
    }

    /// Meetings held per community (``by="community"``, the default) or street
    /// (``by="street"``) per year, one row per place and year with any meeting: the
    /// meetings of each kind (``hearing``, ``coordination``, ``evaluation``,
    /// ``consultation``, ``other``), all of them (``meetings``), and the projects heard
    /// and evaluated that year. ``year`` keeps one year. Meetings dated after the model's
    /// date are left out. ``library`` is ``"pandas"`` (the default), ``"polars"`` or
    /// ``"arrow"``; each needs its library.
    #[pyo3(signature = (by = "community", year = None, *, library = "pandas"))]
    fn meetings_frame<'py>(
        &self,
        py: Python<'py>,
        by: &str,
        year: Option<u32>,
        library: &str,
    ) -> TkResult<Bound<'py, PyAny>> {
        let by: tiaokuai::meetings::MeetingsBy = by.parse()?;
        let library = crate::frames::Library::parse(library)?;
        let table = tiaokuai::meetings::meetings_table(&self.inner, by, year);
        Ok(crate::frames::frame(py, &table, library, None, "Model.meetings_frame()")?)
    }

    /// The links, in document order.
    #[getter]
    fn links(&self) -> PyLinkView {
        PyLinkView::new(&self.inner)
    }

    /// The record with this id, or ``default``.
    #[pyo3(signature = (id, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner.node(id) {
            Some(n) => record_object(py, &self.inner, n).map(Some),
            None => Ok(default),
        }
    }

    /// The links leaving the record ``id``, of one kind or all (grouped by kind), in document order.
    #[pyo3(signature = (id, kind = None))]
    fn links_from(&self, id: &str, kind: Option<&str>) -> TkResult<Vec<PyLink>> {
        self.adjacent(id, kind, true)
    }

    /// The links arriving at the record ``id``, of one kind or all (grouped by kind), in document order.
    #[pyo3(signature = (id, kind = None))]
    fn links_to(&self, id: &str, kind: Option<&str>) -> TkResult<Vec<PyLink>> {
        self.adjacent(id, kind, false)
    }

    fn __len__(&self) -> usize {
        self.inner.count_records()
    }

    /// The model as it stood on ``date`` (``"2017"``, ``"2017-05"``, ``"2017-05-03"`` or a
    /// ``datetime.date``): records and links out of force at that date are left out of every
    /// lookup, query, audit and metric; those only possibly in force (a reduced date such as
    /// ``"2015"`` around it) stay, and answers resting on them list them in ``uncertain``.
    /// Cheap: the new model shares the document. Writing it writes the whole document (see
    /// :meth:`snapshot`).
    ///
    /// Raises ``InvalidInputError`` for a malformed date (``"2019-13"``, ``"20190101"``,
    /// ``"2019-02-30"``), ``TypeError`` for anything but a str or a date.
    fn at(&self, date: &Bound<'_, PyAny>) -> TkResult<PyModel> {
        let d = date_arg(date)?;
        Ok(PyModel::wrap(self.inner.at(d)))
    }

    /// The model with every record and link counting, whatever their dates (the reading of
    /// a document without ``meta.as_of``).
    fn whole(&self) -> PyModel {
        PyModel::wrap(self.inner.whole())
    }

    /// The date the model is read at, as written (``"2017-05-03"``, ``"2015"`` …): the one given
    /// to :meth:`at` (or ``load(at=)``), else the document's ``meta.as_of``; ``None`` when every
    /// record counts.
    #[getter]
    fn date(&self) -> Option<String> {
        self.inner.date().map(|d| d.to_string())
    }

    /// The document's ``meta.as_of`` when it is a date: the date a loaded model is read at;
    /// ``None`` otherwise.
    #[getter]
    fn as_of(&self) -> Option<String> {
        self.inner.as_of().map(|d| d.to_string())
    }

    /// The model as it stands at its date, as a document of its own: the records and links in
    /// force (or possibly in force) at :attr:`date`, with ``meta.as_of`` set to it. Writing the
    /// snapshot writes only what it holds; the queries on it answer as on the view.
    fn snapshot(&self, py: Python<'_>) -> TkResult<PyModel> {
        let m = Arc::clone(&self.inner);
        Ok(PyModel::wrap(py.detach(move || m.snapshot())?))
    }

    /// Rebuilds a pickled model: the document, read at `date` (``None``: with every record counting).
    #[staticmethod]
    fn _unpickle(py: Python<'_>, text: &Bound<'_, PyAny>, date: Option<&str>) -> TkResult<PyModel> {
        let model = model_from_json(py, text, None)?;
        Ok(PyModel::wrap(match date {
            Some(d) => model.inner.at(d.parse::<Date>().map_err(|e| invalid("date", e))?),
            None => model.inner.whole(),
        }))
    }

    fn __contains__(&self, id: &Bound<'_, PyAny>) -> bool {
        id.cast::<PyString>().is_ok_and(|s| s.to_cow().is_ok_and(|id| self.inner.contains(&id)))
    }

    fn __getitem__<'py>(&self, py: Python<'py>, id: &Bound<'py, PyAny>) -> TkResult<Bound<'py, PyAny>> {
        let Ok(s) = id.cast::<PyString>() else {
            let type_name = id.get_type().name()?.to_string();
            return Err(PyTypeError::new_err(format!("model ids are str, not {type_name}")).into());
        };
        let id = s.to_cow()?;
        // A record the document holds but the model's date leaves out is a NotInForceError.
        let t = self.inner.find(&id).map(|n| self.inner.record(n).record_type()).unwrap_or(RecordType::Unit);
        let node = self.inner.require(&id, t, "a lookup")?;
        Ok(record_object(py, &self.inner, node)?)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ids = PyList::new(py, self.inner.records().map(|(_, r)| r.id()))?;
        ids.try_iter().map(Bound::into_any)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyModel>().is_ok_and(|o| {
            let o = o.get();
            Arc::ptr_eq(&self.inner, &o.inner) || *self.inner == *o.inner
        })
    }

    fn _repr_html_(&self) -> String {
        let m = &self.inner;
        let headline = m.title().unwrap_or_else(|| "tiaokuai model".to_string());
        let counts = format!("{}, {} links", record_counts(m), m.count_links());
        let mut rows = Vec::new();
        for t in RecordType::ALL {
            if t == RecordType::Person && m.count(t) == 0 {
                continue;
            }
            let kinds = crate::records::kind_counts(
                m.records().filter(|(_, r)| r.record_type() == t).map(|(_, r)| r.kind_str()),
            );
            rows.push(vec![t.array().to_string(), m.count(t).to_string(), kinds]);
        }
        let link_kinds = crate::records::kind_counts(m.links().map(|(_, l)| l.kind.as_str()));
        rows.push(vec!["links".to_string(), m.count_links().to_string(), link_kinds]);
        let mut out = crate::convert::html_headline(&headline, &counts);
        out.push_str(&crate::convert::html_table("", &["", "count", "most frequent kinds"], &rows));
        out
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let m = &self.inner;
        let title = m.title().map(|t| format!(" {}", crate::convert::py_repr(py, &t))).unwrap_or_default();
        format!("<tiaokuai.Model{title}: {}, {} links>", record_counts(m), m.count_links())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        // The whole document, and the date the model is read at: unpickling gives the same view.
        let unpickle = slf.get_type().getattr("_unpickle")?;
        let text = slf.get().to_json(py).into_pyobject(py)?.into_any();
        let date = slf.get().inner.date().map(|d| d.to_string()).into_pyobject(py)?.into_any();
        PyTuple::new(py, [unpickle, PyTuple::new(py, [text, date])?.into_any()])
    }

    /// The chain of a unit, from it up to the top along ``line``: ``"leadership"`` (``leads``
    /// links; at a dual-led unit the primary leader, the others reported as branches),
    /// ``"strip"`` (``dispatches``, else ``guides``, up to the department, then ``leads``) or
    /// ``"all"`` (``leads``, and the strip where a unit has no leader). A cycle never loops:
    /// the chain stops and says where. The GIL is released.
    ///
    /// Raises ``UnknownIdError`` for an unknown id, ``WrongRecordTypeError`` when it is not a
    /// unit, ``InvalidInputError`` for an unknown line.
    #[pyo3(signature = (unit, line = "leadership"))]
    fn chain(&self, py: Python<'_>, unit: String, line: &str) -> TkResult<query::PyChain> {
        query::chain(py, &self.inner, unit, line)
    }

    /// The chains of many units along one line, in the order given (the GIL is released once for all).
    #[pyo3(signature = (units, line = "leadership"))]
    fn chains(&self, py: Python<'_>, units: Vec<String>, line: &str) -> TkResult<Vec<query::PyChain>> {
        query::chains(py, &self.inner, units, line)
    }

    /// The block chain of a territory: the units with jurisdiction over it and over each
    /// containing territory, nearest first, with their grades; territories nobody answers for
    /// are listed without holders. The GIL is released.
    ///
    /// Raises ``UnknownIdError`` for an unknown id, ``WrongRecordTypeError`` when it is not a territory.
    fn responsible_for(&self, py: Python<'_>, territory: String) -> TkResult<query::PyResponsibility> {
        query::responsible_for(py, &self.inner, territory)
    }

    /// Who handles ``matter`` in ``territory``: the lead(s) at the nearest level (the place or
    /// a territory containing it) where ``responsible`` links for the matter apply, the
    /// cooperators and supervisors, the chain above each lead and the block chain of the place.
    /// No lead, or several at one level, is reported in ``problem``. The GIL is released.
    ///
    /// Raises ``UnknownIdError`` for an unknown id, ``WrongRecordTypeError`` when ``matter`` is
    /// not a matter or ``territory`` not a territory.
    fn dispatch(&self, py: Python<'_>, matter: String, territory: String) -> TkResult<query::PyDispatch> {
        query::dispatch(py, &self.inner, matter, territory)
    }

    /// Who holds which post in ``unit`` at the model's date: a list of dicts (``person``,
    /// ``person_name``, ``unit``, ``unit_name``, ``post``, ``principal``, ``band``, ``grade``,
    /// ``channel``, ``since``, ``until``, ``link``, ``uncertain``; absent keys were not given).
    ///
    /// Raises ``UnknownIdError``, ``WrongRecordTypeError`` when it is not a unit,
    /// ``NotInForceError`` when the unit is out of force at the date.
    fn holders<'py>(&self, py: Python<'py>, unit: String) -> TkResult<Bound<'py, PyAny>> {
        let held = self.inner.holders(&unit)?;
        Ok(crate::convert::to_py(py, &held)?)
    }

    /// Every post ``person`` holds at the model's date (concurrent posts included), as
    /// :meth:`holders` gives them.
    ///
    /// Raises ``UnknownIdError``, ``WrongRecordTypeError`` when it is not a person,
    /// ``NotInForceError`` when the person is out of force at the date.
    fn posts<'py>(&self, py: Python<'py>, person: String) -> TkResult<Bound<'py, PyAny>> {
        let held = self.inner.posts(&person)?;
        Ok(crate::convert::to_py(py, &held)?)
    }

    /// Tenure up to the model's date, per person, unit and post: a list of dicts (``person``,
    /// ``unit``, ``unit_name``, ``post``, ``terms``, ``days``, ``years``, ``since``,
    /// ``current``), for one person and/or one unit when given.
    ///
    /// Raises ``UnknownIdError`` or ``WrongRecordTypeError`` for an id that names no person
    /// (no unit).
    #[pyo3(signature = (person = None, unit = None))]
    fn tenure<'py>(
        &self,
        py: Python<'py>,
        person: Option<String>,
        unit: Option<String>,
    ) -> TkResult<Bound<'py, PyAny>> {
        let t = self.inner.tenure(person.as_deref(), unit.as_deref())?;
        Ok(crate::convert::to_py(py, &t)?)
    }

    /// People metrics at the model's date, one dict per area of ``level`` (``"street"``:
    /// streets/towns, the default; ``"district"``; ``"city"``): ``id``, ``name``, ``kind``,
    /// ``principal_units`` and ``vacancies``, ``secretaries`` and ``secretary_days``,
    /// ``villages`` and ``one_shoulder`` (一肩挑), ``led_committees`` and ``cross_appointed``,
    /// ``community_workers``, ``bands`` (chief, deputy, other, none) and ``channels``
    /// (grassroots, open recruitment, assigned, other, none), and the rates
    /// ``vacancy_rate``, ``secretary_tenure_years``, ``one_shoulder_rate`` and
    /// ``cross_appointment_rate`` (None where the denominator is 0). A model without people
    /// gives zero counts and no rates; ``pandas.DataFrame(model.people_metrics())`` makes a
    /// frame. The GIL is released while they are counted.
    ///
    /// Raises ``InvalidInputError`` for another level.
    #[pyo3(signature = (level = "street"))]
    fn people_metrics<'py>(&self, py: Python<'py>, level: &str) -> TkResult<Bound<'py, PyAny>> {
        let level = match level {
            "street" => tiaokuai::Level::Street,
            "district" => tiaokuai::Level::District,
            "city" => tiaokuai::Level::City,
            other => {
                return Err(tiaokuai::Error::Invalid {
                    what: "people metrics level".into(),
                    message: format!("unknown level {other:?}; expected street, district or city"),
                }
                .into());
            }
        };
        let model = Arc::clone(&self.inner);
        let pm = py.detach(move || tiaokuai::people::metrics(&model));
        Ok(crate::convert::to_py(py, &pm.areas(level))?)
    }

    /// Runs the coverage audit — "where is nobody" — and returns the :class:`Report`.
    ///
    /// ``config`` is None (every rule at its default severity and thresholds), a dict in the
    /// audit config format (``{"rules": {"C003": "off", "no-party-org": "error"},
    /// "thresholds": {"min_members_for_org": 3}, "profiles": {"shanghai": True}}``) or the path
    /// of a ``.json`` or ``.toml`` config file. The GIL is released while the rules run.
    ///
    /// Raises ``InvalidInputError`` for an invalid config, ``IoError`` for an unreadable file.
    ///
    /// ``max_bytes`` limits the size of the config (a file is never read past it; default
    /// 4 GiB); the config follows the model's JSON rules (a key given twice, a byte-order
    /// mark, depth, counts): see ``docs/rules.md``.
    ///
    /// ``threads`` is the most threads the audit runs on: 0 (the default) one per core for a
    /// model of 100,000 records or more, 1 this thread alone. The report is the same whatever
    /// the number.
    #[pyo3(signature = (config = None, *, max_bytes = None, threads = 0))]
    fn audit(
        &self,
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        max_bytes: Option<u64>,
        threads: usize,
    ) -> TkResult<audit::PyReport> {
        audit::audit(py, &self.inner, config, &options(max_bytes), threads)
    }

    /// The metrics and the findings counted by rule at a series of dates: each ``every``
    /// (``"year"``, ``"quarter"`` or ``"month"``, read as the period's last day) from ``from_``
    /// to ``to``, or, without ``every``, every day on which some record or link changes
    /// (within ``from_`` … ``to`` when given). Dates are ``str`` (``"2014"``, ``"2014-06"``,
    /// ``"2014-06-30"``) or ``datetime.date``; ``config`` as for :meth:`audit`. Returns a
    /// :class:`Timeline` (``to_pandas()``, ``plot()``). The GIL is released while it runs.
    /// ``threads`` as for :meth:`audit` (the dates are shared between them; the same rows).
    #[pyo3(signature = (config = None, *, from_ = None, to = None, every = None, max_bytes = None, threads = 0))]
    #[allow(clippy::too_many_arguments)]
    fn timeline(
        &self,
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        every: Option<&str>,
        max_bytes: Option<u64>,
        threads: usize,
    ) -> TkResult<crate::time::PyTimeline> {
        let config = audit::config_from(py, config, &options(max_bytes))?;
        crate::time::timeline(py, &self.inner, config, from_, to, every, threads)
    }

    /// The model with a change set applied (``docs/change.md``): ``change`` is a
    /// :class:`ChangeSet`, a path to a ``tiaokuai-change/1`` file (``str`` or
    /// ``os.PathLike``), its JSON text (a ``str`` starting with ``{``, or ``bytes``) or a dict.
    /// Returns a new model; this one is untouched. A change that does not apply (an id that is
    /// not there, an id added twice, a result that is not a valid model) raises
    /// ``RejectedError`` whose ``problems`` lists every problem; a change set that cannot be
    /// read raises ``JsonSyntaxError``, ``InvalidFieldError`` … naming the section and field.
    fn apply(&self, py: Python<'_>, change: &Bound<'_, PyAny>) -> TkResult<PyModel> {
        let change = crate::change::change_arg(py, change)?;
        let model = Arc::clone(&self.inner);
        Ok(PyModel::wrap(py.detach(move || model.apply(&change))?))
    }

    /// What a change does to the gaps, without changing the model (``docs/whatif.md``):
    /// ``change`` as for :meth:`apply`, ``config`` as for :meth:`audit`. Returns a
    /// :class:`WhatIf`, a dict: ``resolved``, ``introduced`` and ``left`` (lists of finding
    /// dicts with ``to_pandas()``; each resolved or introduced finding names, under
    /// ``changes``, the changes that caused it), ``metrics_before``, ``metrics_after`` and
    /// ``examined`` (how it was computed), with ``.resolved``/``.introduced``/``.left``,
    /// ``.metrics()``, ``.summary()`` and an HTML view. Raises as :meth:`apply`.
    #[pyo3(signature = (change, config = None))]
    fn whatif<'py>(
        &self,
        py: Python<'py>,
        change: &Bound<'py, PyAny>,
        config: Option<&Bound<'py, PyAny>>,
    ) -> TkResult<Bound<'py, PyAny>> {
        let change = crate::change::change_arg(py, change)?;
        let config = audit::config_from(py, config, &LoadOptions::default())?;
        let model = Arc::clone(&self.inner);
        let text = py.detach(move || tiaokuai::whatif::whatif_change(&model, &change, &config).map(|w| w.to_json()))?;
        Ok(whatif_object(py, &text)?)
    }

    /// What happened to the gaps between two dates of this model (a reform as dated
    /// records): the same :class:`WhatIf` as :meth:`whatif`, the changes being the records and links
    /// whose standing differs between ``from_`` and ``to`` (``str`` such as ``"2014"`` or
    /// ``datetime.date``). ``config`` as for :meth:`audit`.
    #[pyo3(signature = (from_, to, config = None))]
    fn whatif_dates<'py>(
        &self,
        py: Python<'py>,
        from_: &Bound<'py, PyAny>,
        to: &Bound<'py, PyAny>,
        config: Option<&Bound<'py, PyAny>>,
    ) -> TkResult<Bound<'py, PyAny>> {
        let (from, to) = (date_arg(from_)?, date_arg(to)?);
        let config = audit::config_from(py, config, &LoadOptions::default())?;
        let model = Arc::clone(&self.inner);
        let text = py.detach(move || tiaokuai::whatif::whatif_dates(&model, from, to, &config).to_json());
        Ok(whatif_object(py, &text)?)
    }

    /// The model as a ``networkx.MultiDiGraph``: one node per record (keyed by id, in document
    /// order) and one edge per link (keyed by its index in ``links``).
    ///
    /// Node attributes: ``type`` (``"territory"`` …) and every field of the record as the
    /// format writes it (``name``, ``kind`` or ``list``, ``sector``, ``parent``, ``located_in``,
    /// ``members`` as int, ``attrs`` as dict …), plus the derived ``level`` and ``grade`` (None
    /// when there is none). Edge attributes: ``kind`` and the link's other fields (``primary``,
    /// ``power``, ``role``, ``scope``, ``members``, ``attrs``, ``since``, ``until``) when set.
    /// The graph's ``graph["meta"]`` is the model's meta. Meetings are neither records nor
    /// links: the graph does not carry them (``to_dict()`` does). Needs networkx
    /// (``pip install 'tiaokuai[networkx]'``).
    ///
    /// ``progress`` shows a tqdm bar (records, then links): ``None`` (the default) shows it
    /// in a terminal or a notebook when tqdm is installed, ``True`` always (``ImportError``
    /// without tqdm), ``False`` never.
    #[pyo3(signature = (*, progress = None))]
    fn to_networkx<'py>(&self, py: Python<'py>, progress: Option<bool>) -> PyResult<Bound<'py, PyAny>> {
        let nx = import_optional(py, "networkx", "Model.to_networkx()")?;
        let total = self.inner.count_records() + self.inner.count_links();
        let bar = py.import("tiaokuai._progress")?.getattr("bar")?.call1((total, "to_networkx", progress))?;
        let mut ticker = crate::convert::Ticker::new(&bar, total);
        let graph = crate::convert::without_gc(py, || self.networkx_graph(py, &nx, &mut ticker));
        ticker.close()?;
        graph
    }
}

impl PyModel {
    /// The body of [`PyModel::to_networkx`].
    fn networkx_graph<'py>(
        &self,
        py: Python<'py>,
        nx: &Bound<'py, PyModule>,
        ticker: &mut crate::convert::Ticker<'_, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let g = nx.getattr("MultiDiGraph")?.call0()?;
        let m = &self.inner;
        if let Some(meta) = self.meta(py)? {
            g.getattr("graph")?.set_item("meta", meta)?;
        }
        let node_attrs = |n: tiaokuai::Node| -> PyResult<Bound<'py, PyDict>> {
            let d = record_dict(py, m, n)?;
            d.del_item("id")?;
            d.set_item("type", m.record(n).record_type().as_str())?;
            d.set_item("level", m.level(n).map(|l| l.as_str().to_string()))?;
            d.set_item("grade", m.grade(n).map(|g| g.as_str().to_string()))?;
            Ok(d)
        };
        // NetworkX's own add_nodes_from / add_edges_from check every node and edge in Python
        // (about 10 s on the city model). A plain MultiDiGraph keeps its nodes and adjacency
        // in dicts (`_node`, `_succ`, `_pred`, the inner key dicts shared between `_succ[u][v]`
        // and `_pred[v][u]`): those are filled here directly, in one pass. Any other layout
        // (a future NetworkX) goes through the public methods.
        let internals = (g.getattr("_node"), g.getattr("_succ"), g.getattr("_pred"));
        if let (Ok(node), Ok(succ), Ok(pred)) = internals
            && let (Ok(node), Ok(succ), Ok(pred)) =
                (node.cast::<PyDict>(), succ.cast::<PyDict>(), pred.cast::<PyDict>())
            && node.is_empty()
            && succ.is_empty()
            && pred.is_empty()
        {
            let count = m.len();
            let mut ids: Vec<Option<Bound<'py, PyString>>> = vec![None; count];
            let mut succ_of: Vec<Option<Bound<'py, PyDict>>> = vec![None; count];
            let mut pred_of: Vec<Option<Bound<'py, PyDict>>> = vec![None; count];
            for (n, r) in m.records() {
                let id = PyString::new(py, r.id());
                node.set_item(&id, node_attrs(n)?)?;
                let (s, p) = (PyDict::new(py), PyDict::new(py));
                succ.set_item(&id, &s)?;
                pred.set_item(&id, &p)?;
                ticker.tick()?;
                let i = n.index();
                ids[i] = Some(id);
                succ_of[i] = Some(s);
                pred_of[i] = Some(p);
            }
            let missing = || pyo3::exceptions::PyRuntimeError::new_err("a link names a record the model lacks");
            for (lid, l) in m.links() {
                ticker.tick()?;
                let (u, v) = (l.from.index(), l.to.index());
                let (Some(Some(su)), Some(Some(pv)), Some(Some(uid)), Some(Some(vid))) =
                    (succ_of.get(u), pred_of.get(v), ids.get(u), ids.get(v))
                else {
                    return Err(missing());
                };
                let keys = match su.get_item(vid)? {
                    Some(k) => k.cast_into::<PyDict>()?,
                    None => {
                        let k = PyDict::new(py);
                        su.set_item(vid, &k)?;
                        pv.set_item(uid, &k)?;
                        k
                    }
                };
                keys.set_item(lid.index(), link_fields(py, m, lid, false)?)?;
            }
            return Ok(g);
        }
        let nodes = PyList::empty(py);
        for (n, r) in m.records() {
            nodes.append((r.id(), node_attrs(n)?))?;
        }
        g.call_method1("add_nodes_from", (nodes,))?;
        let edges = PyList::empty(py);
        for (id, l) in m.links() {
            edges.append((m.id(l.from), m.id(l.to), id.index(), link_fields(py, m, id, false)?))?;
        }
        g.call_method1("add_edges_from", (edges,))?;
        Ok(g)
    }

    fn adjacent(&self, id: &str, kind: Option<&str>, outgoing: bool) -> TkResult<Vec<PyLink>> {
        let m = &self.inner;
        let node = m.node(id).ok_or_else(|| tiaokuai::Error::UnknownId { id: id.to_string() })?;
        let link = |id| PyLink { model: Arc::clone(m), id };
        let kind = kind.map(|k| k.parse::<LinkKind>().map_err(|e| invalid("link kind", e.to_string()))).transpose()?;
        let ids: Vec<_> = match (&kind, outgoing) {
            (None, true) => m.all_links_from(node).map(|(id, _)| id).collect(),
            (None, false) => m.all_links_to(node).map(|(id, _)| id).collect(),
            (Some(k), true) => m.all_links_from(node).filter(|(_, l)| &l.kind == k).map(|(id, _)| id).collect(),
            (Some(k), false) => m.all_links_to(node).filter(|(_, l)| &l.kind == k).map(|(id, _)| id).collect(),
        };
        Ok(ids.into_iter().map(link).collect())
    }
}

/// Builds a model from a NetworkX graph shaped like :meth:`Model.to_networkx`'s: every node
/// needs a ``type`` attribute (``"territory"``, ``"unit"``, ``"matter"`` or ``"item"``); the
/// other node attributes are the record's fields (``level`` and ``grade`` are derived and
/// ignored); every edge's attributes are the link's fields, with ``kind`` required. Records
/// keep the graph's node order; links are ordered by integer edge keys when the graph is a
/// multigraph keyed by integers, else in the graph's edge order. ``graph["meta"]`` becomes
/// the meta. Raises ``InvalidInputError`` naming the node for a missing or unknown ``type``,
/// and for an undirected graph (``nx.Graph``, ``nx.MultiGraph``: an edge without a direction
/// cannot say which end leads); ``InvalidFieldError`` naming the record and field for a NaN
/// or infinite float; the usual loading errors for invalid fields; and ``TypeError`` for what
/// is not a graph. ``max_bytes`` limits the size of the model's JSON form, as for :func:`load`.
#[pyfunction]
#[pyo3(signature = (graph, *, max_bytes = None))]
pub fn from_networkx(py: Python<'_>, graph: &Bound<'_, PyAny>, max_bytes: Option<u64>) -> TkResult<PyModel> {
    for needed in ["graph", "nodes", "edges", "is_multigraph", "is_directed"] {
        if !graph.hasattr(needed)? {
            let type_name = graph.get_type().name()?.to_string();
            return Err(PyTypeError::new_err(format!(
                "from_networkx needs a networkx graph (Graph, DiGraph, MultiDiGraph …), not {type_name}"
            ))
            .into());
        }
    }
    if !graph.call_method0("is_directed")?.is_truthy()? {
        // An undirected edge has no `from` and `to`: which unit leads which would be a guess.
        let type_name = graph.get_type().name()?.to_string();
        return Err(invalid(
            "networkx graph",
            format!(
                "from_networkx needs a directed graph (DiGraph or MultiDiGraph), not an undirected {type_name}: \
                 every link has a direction (from, to), which an undirected edge does not keep"
            ),
        ));
    }
    let doc = PyDict::new(py);
    doc.set_item("format", tiaokuai::FORMAT)?;
    let graph_attrs = graph.getattr("graph")?;
    if let Ok(Some(meta)) = graph_attrs.call_method1("get", ("meta",)).map(|m| (!m.is_none()).then_some(m)) {
        doc.set_item("meta", meta)?;
    }
    let arrays: Vec<(RecordType, Bound<'_, PyList>)> =
        RecordType::ALL.into_iter().map(|t| (t, PyList::empty(py))).collect();
    let nodes = graph.call_method("nodes", (), Some(&[("data", true)].into_py_dict(py)?))?;
    for pair in nodes.try_iter()? {
        let (id, data): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
        let shown = || id.repr().map(|r| r.to_string()).unwrap_or_else(|_| "?".into());
        let data = data.cast::<PyDict>().map_err(|_| PyTypeError::new_err("node data is not a dict"))?;
        let Some(type_) = data.get_item("type")? else {
            return Err(invalid(
                "networkx graph",
                format!("node {} has no \"type\" attribute (territory, unit, matter, item or person)", shown()),
            ));
        };
        let type_: String = type_.extract().unwrap_or_default();
        let Some((_, array)) = arrays.iter().find(|(t, _)| t.as_str() == type_) else {
            return Err(invalid(
                "networkx graph",
                format!("node {}: \"type\" {type_:?} is not territory, unit, matter, item or person", shown()),
            ));
        };
        let record = PyDict::new(py);
        record.set_item("id", &id)?;
        for (k, v) in data.iter() {
            let key: String = k.extract().map_err(|_| PyTypeError::new_err("node attribute names must be str"))?;
            if matches!(key.as_str(), "type" | "level" | "grade" | "id") {
                continue;
            }
            record.set_item(k, v)?;
        }
        array.append(record)?;
    }
    for (t, array) in &arrays {
        // `people` only when the graph has some: a model without people reads as before.
        if *t != RecordType::Person || !array.is_empty() {
            doc.set_item(t.array(), array)?;
        }
    }
    let multi = graph.call_method0("is_multigraph")?.is_truthy()?;
    let kwargs = [("data", true)].into_py_dict(py)?;
    if multi {
        kwargs.set_item("keys", true)?;
    }
    let mut edges: Vec<(Option<i64>, Bound<'_, PyDict>)> = Vec::new();
    for edge in graph.call_method("edges", (), Some(&kwargs))?.try_iter()? {
        let edge = edge?;
        let (u, v, key, data): (Bound<'_, PyAny>, Bound<'_, PyAny>, Option<Bound<'_, PyAny>>, Bound<'_, PyAny>) =
            if multi {
                let (u, v, k, d) = edge.extract()?;
                (u, v, Some(k), d)
            } else {
                let (u, v, d) = edge.extract()?;
                (u, v, None, d)
            };
        let data = data.cast::<PyDict>().map_err(|_| PyTypeError::new_err("edge data is not a dict"))?;
        let link = PyDict::new(py);
        link.set_item("from", &u)?;
        link.set_item("to", &v)?;
        for (k, v) in data.iter() {
            let key: String = k.extract().map_err(|_| PyTypeError::new_err("edge attribute names must be str"))?;
            if matches!(key.as_str(), "from" | "to") {
                continue;
            }
            link.set_item(k, v)?;
        }
        let key = key.and_then(|k| if k.is_instance_of::<pyo3::types::PyInt>() { k.extract().ok() } else { None });
        edges.push((key, link));
    }
    if edges.iter().all(|(k, _)| k.is_some()) {
        edges.sort_by_key(|(k, _)| *k);
    }
    let links = PyList::new(py, edges.into_iter().map(|(_, d)| d))?;
    doc.set_item("links", links)?;
    PyModel::from_dict(py, doc.as_any(), max_bytes)
}

/// Loads a model from a path: a ``tiaokuai/1`` JSON file, a model image (``.tkz``), or a
/// folder holding a CSV bundle.
///
/// ``max_bytes`` limits the size of the input (default 4 GiB). Raises ``IoError`` when the
/// path cannot be read, and a subclass of ``TiaokuaiError`` naming the record, field and id
/// for invalid content.
#[pyfunction]
#[pyo3(signature = (path, *, max_bytes = None, at = None, progress = None))]
pub fn load(
    py: Python<'_>,
    path: PathBuf,
    max_bytes: Option<u64>,
    at: Option<&Bound<'_, PyAny>>,
    progress: Option<bool>,
) -> TkResult<PyModel> {
    load_at(py, path, max_bytes, at, progress)
}

/// Loads a model and reads it at `at` when given (the date is checked before the file is read).
fn load_at(
    py: Python<'_>,
    path: PathBuf,
    max_bytes: Option<u64>,
    at: Option<&Bound<'_, PyAny>>,
    progress: Option<bool>,
) -> TkResult<PyModel> {
    let date = at.map(date_arg).transpose()?;
    let model = model_load_progress(py, path, max_bytes, progress)?;
    Ok(match date {
        Some(d) => PyModel::wrap(model.inner.at(d)),
        None => model,
    })
}

/// The embedded sample model: Baoshan district (310113), Shanghai.
#[pyfunction]
pub fn sample(py: Python<'_>) -> TkResult<PyModel> {
    PyModel::sample(py)
}

/// The what-if's JSON as a ``tiaokuai._whatif.WhatIf`` (a dict with views for people).
fn whatif_object<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let data = json_loads(py, text)?;
    py.import("tiaokuai._whatif")?.getattr("WhatIf")?.call1((data,))
}

/// The record counts a model's repr and HTML view start with: every record type, people only
/// when the model records some (a model without people reads as before people existed).
fn record_counts(m: &Model) -> String {
    RecordType::ALL
        .into_iter()
        .filter(|&t| t != RecordType::Person || m.count(t) > 0)
        .map(|t| format!("{} {}", m.count(t), t.array()))
        .collect::<Vec<_>>()
        .join(", ")
}
