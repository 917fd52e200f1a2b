//! Change sets (issue #13): `ChangeSet`, `diff`, and the what-if of an edit.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyMapping, PyString};
use tiaokuai::Model;
use tiaokuai::change::{ChangeSet, LinkAddress, Summary};

use crate::convert::{json_loads, to_json_text};
use crate::errors::{TkResult, invalid};
use crate::model::PyModel;

/// A change set (``tiaokuai-change/1``, ``docs/change.md``): records and links to add,
/// fields to update, records and links to end or remove. Made by :meth:`ChangeSet.load`,
/// :meth:`ChangeSet.from_json` or :func:`diff`; applied with :meth:`Model.apply`.
/// ``len()`` is the number of changes. Immutable.
#[pyclass(name = "ChangeSet", module = "tiaokuai", frozen)]
pub struct PyChangeSet {
    pub(crate) inner: Arc<ChangeSet>,
    /// The two models of a diff (`a`, `b`), for its summary.
    between: Option<(Arc<Model>, Arc<Model>)>,
}

#[pymethods]
impl PyChangeSet {
    /// Reads a change set from a ``tiaokuai-change/1`` JSON file. Raises ``IoError`` when it
    /// cannot be read, and ``JsonSyntaxError``, ``InvalidFieldError`` … naming the section,
    /// index, id and field for invalid content.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> TkResult<PyChangeSet> {
        let change = py.detach(move || ChangeSet::load(&path))?;
        Ok(PyChangeSet::wrap(change))
    }

    /// Reads a change set from ``tiaokuai-change/1`` JSON text (``str``, or UTF-8 ``bytes``).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> TkResult<PyChangeSet> {
        from_json_value(py, text)
    }

    /// The change set as ``tiaokuai-change/1`` JSON text: deterministic, one change per line.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The change set as a dict in the ``tiaokuai-change/1`` form.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.inner.to_json())
    }

    /// Writes the change set to ``path`` as JSON, atomically (a temporary file renamed into
    /// place). Raises ``IoError`` when writing fails.
    fn save(&self, py: Python<'_>, path: PathBuf) -> TkResult<()> {
        let change = Arc::clone(&self.inner);
        py.detach(move || change.save(&path))?;
        Ok(())
    }

    /// What the change does, grouped for people: a dict with ``added``, ``removed`` (record
    /// ids), ``ended`` (``{"id", "on"}``), ``changed`` (``{"id", "fields"}``), ``links_added``,
    /// ``links_removed`` (links as ``"from -kind-> to"`` text) and ``links_ended``
    /// (``{"link", "on"}``).
    ///
    /// A change set made by :func:`diff` knows its two models; for any other, pass the
    /// ``model`` it applies to (it is applied to a copy: ``RejectedError`` when it does not
    /// apply). Without either, ``InvalidInputError``.
    #[pyo3(signature = (model = None))]
    fn summary<'py>(&self, py: Python<'py>, model: Option<&PyModel>) -> TkResult<Bound<'py, PyDict>> {
        let summary = match (model, &self.between) {
            (Some(m), _) => {
                let (a, change) = (Arc::clone(&m.inner), Arc::clone(&self.inner));
                py.detach(move || a.apply(&change).map(|b| Summary::of(&a, &b, &change)))?
            }
            (None, Some((a, b))) => Summary::of(a, b, &self.inner),
            (None, None) => {
                return Err(invalid(
                    "summary",
                    "a change set not made by diff() needs the model it applies to: summary(model)",
                ));
            }
        };
        Ok(summary_dict(py, &summary)?)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyChangeSet>().is_ok_and(|o| *o.get().inner == *self.inner)
    }

    fn __repr__(&self) -> String {
        let title = self.inner.title().map(|t| format!(" {t:?}")).unwrap_or_default();
        format!("<ChangeSet{title}: {} changes>", self.inner.len())
    }
}

impl PyChangeSet {
    pub(crate) fn wrap(change: ChangeSet) -> Self {
        PyChangeSet { inner: Arc::new(change), between: None }
    }
}

fn link_text(a: &LinkAddress) -> String {
    a.to_string()
}

fn summary_dict<'py>(py: Python<'py>, s: &Summary) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("added", &s.added)?;
    let ended = PyList::empty(py);
    for (id, on) in &s.ended {
        let e = PyDict::new(py);
        e.set_item("id", id)?;
        e.set_item("on", on.to_string())?;
        ended.append(e)?;
    }
    d.set_item("ended", ended)?;
    d.set_item("removed", &s.removed)?;
    let changed = PyList::empty(py);
    for (id, fields) in &s.changed {
        let e = PyDict::new(py);
        e.set_item("id", id)?;
        e.set_item("fields", fields.iter().map(|f| f.as_str()).collect::<Vec<_>>())?;
        changed.append(e)?;
    }
    d.set_item("changed", changed)?;
    let added: Vec<String> =
        s.links_added.iter().map(|l| link_text(&LinkAddress::new(l.from.clone(), l.to.clone(), l.kind))).collect();
    d.set_item("links_added", added)?;
    let links_ended = PyList::empty(py);
    for (a, on) in &s.links_ended {
        let e = PyDict::new(py);
        e.set_item("link", link_text(a))?;
        e.set_item("on", on.to_string())?;
        links_ended.append(e)?;
    }
    d.set_item("links_ended", links_ended)?;
    d.set_item("links_removed", s.links_removed.iter().map(link_text).collect::<Vec<_>>())?;
    d.set_item("meetings_added", &s.meetings_added)?;
    d.set_item("meetings_removed", &s.meetings_removed)?;
    let meetings_changed = PyList::empty(py);
    for (id, fields) in &s.meetings_changed {
        let e = PyDict::new(py);
        e.set_item("id", id)?;
        e.set_item("fields", fields.iter().map(|f| f.as_str()).collect::<Vec<_>>())?;
        meetings_changed.append(e)?;
    }
    d.set_item("meetings_changed", meetings_changed)?;
    Ok(d)
}

/// A change set from JSON text or bytes.
fn from_json_value(py: Python<'_>, data: &Bound<'_, PyAny>) -> TkResult<PyChangeSet> {
    let change = if let Ok(s) = data.cast::<PyString>() {
        let text = s.to_cow()?.into_owned();
        py.detach(move || ChangeSet::from_json_bytes(text.as_bytes()))?
    } else if let Ok(b) = data.cast::<PyBytes>() {
        let bytes = b.as_bytes().to_vec();
        py.detach(move || ChangeSet::from_json_bytes(&bytes))?
    } else {
        return Err(PyTypeError::new_err("ChangeSet.from_json() takes a str or bytes").into());
    };
    Ok(PyChangeSet::wrap(change))
}

/// A change argument: a `ChangeSet`, a path (`os.PathLike`, or a `str` not starting with
/// `{`), JSON text (a `str` starting with `{`, or `bytes`) or a dict in the
/// `tiaokuai-change/1` form.
pub(crate) fn change_arg(py: Python<'_>, change: &Bound<'_, PyAny>) -> TkResult<Arc<ChangeSet>> {
    if let Ok(c) = change.cast::<PyChangeSet>() {
        return Ok(Arc::clone(&c.get().inner));
    }
    if let Ok(s) = change.cast::<PyString>() {
        let text = s.to_cow()?;
        if !text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
            let path = PathBuf::from(text.into_owned());
            return Ok(Arc::new(py.detach(move || ChangeSet::load(&path))?));
        }
    }
    if change.is_instance_of::<PyString>() || change.is_instance_of::<PyBytes>() {
        return Ok(from_json_value(py, change)?.inner);
    }
    if change.hasattr("__fspath__")? {
        let path: PathBuf = change.extract()?;
        return Ok(Arc::new(py.detach(move || ChangeSet::load(&path))?));
    }
    if change.cast::<PyMapping>().is_ok() {
        let text = to_json_text(change, "change")?;
        return Ok(Arc::new(py.detach(move || ChangeSet::from_json(&text))?));
    }
    Err(PyTypeError::new_err(format!(
        "a change must be a ChangeSet, a path, JSON text or a dict, not {}",
        change.get_type().name()?
    ))
    .into())
}

/// The change set that turns model ``a`` into model ``b``: applying it to ``a`` gives a
/// model equal to ``b`` (``docs/change.md``). Neither model is changed; the GIL is
/// released while it runs. Its :meth:`ChangeSet.summary` groups what changed.
#[pyfunction]
pub fn diff(py: Python<'_>, a: &PyModel, b: &PyModel) -> PyChangeSet {
    let (a, b) = (Arc::clone(&a.inner), Arc::clone(&b.inner));
    let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
    let change = py.detach(move || tiaokuai::change::diff(&a2, &b2));
    PyChangeSet { inner: Arc::new(change), between: Some((a, b)) }
}
