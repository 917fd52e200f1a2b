//! Records and links as small frozen Python objects, and the views over them
//! (`model.units`, `model.links` …).
//!
//! A record object holds the model (shared, immutable) and the record's handle;
//! its properties read the core record on access.

use std::sync::Arc;

use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyDict, PyList, PyString};
use tiaokuai::{
    ItemList, LinkId, LinkKind, MatterList, Model, Node, RecordRef, RecordType, Sector, TerritoryKind, UnitKind,
};

use crate::convert::{html_headline, html_table, html_table_truncated, json_loads, py_repr};
use crate::errors::{self, TkResult, invalid};
use crate::frames::{self, Library};

/// A record's `attrs` as a fresh Python dict (empty when it has none).
fn attrs_dict<'py>(py: Python<'py>, attrs: Option<&tiaokuai::Attrs>) -> PyResult<Bound<'py, PyAny>> {
    match attrs {
        Some(a) => json_loads(py, a.as_json()),
        None => Ok(PyDict::new(py).into_any()),
    }
}

/// The record in its `tiaokuai/1` form, as a Python dict (fields in the format's order, absent ones left out).
pub(crate) fn record_dict<'py>(py: Python<'py>, model: &Model, node: Node) -> PyResult<Bound<'py, PyDict>> {
    let r = model.record(node);
    let d = PyDict::new(py);
    d.set_item("id", r.id())?;
    d.set_item("name", r.name())?;
    match r {
        RecordRef::Territory(t) => {
            d.set_item("kind", t.kind.as_str())?;
            if let Some(p) = t.parent {
                d.set_item("parent", model.id(p))?;
            }
        }
        RecordRef::Unit(u) => {
            d.set_item("kind", u.kind.as_str())?;
            if let Some(s) = &u.sector {
                d.set_item("sector", s.as_str())?;
            }
            if let Some(t) = u.located_in {
                d.set_item("located_in", model.id(t))?;
            }
            for (field, v) in
                [("members", u.members()), ("staff", u.staff()), ("in_service_members", u.in_service_members())]
            {
                if let Some(v) = v {
                    d.set_item(field, v)?;
                }
            }
        }
        RecordRef::Matter(m) => {
            d.set_item("list", m.list.as_str())?;
            if let Some(c) = &m.category {
                d.set_item("category", &**c)?;
            }
        }
        RecordRef::Item(i) => d.set_item("list", i.list.as_str())?,
        _ => {}
    }
    if let Some(a) = r.attrs() {
        d.set_item("attrs", json_loads(py, a.as_json())?)?;
    }
    let v = r.validity();
    if let Some(s) = v.since {
        d.set_item("since", s.to_string())?;
    }
    if let Some(u) = v.until {
        d.set_item("until", u.to_string())?;
    }
    Ok(d)
}

/// The link in its `tiaokuai/1` form, as a Python dict.
pub(crate) fn link_dict<'py>(py: Python<'py>, model: &Model, id: LinkId) -> PyResult<Bound<'py, PyDict>> {
    link_fields(py, model, id, true)
}

/// The link's fields as a Python dict, with `from` and `to` when `ends` (as an edge's
/// attributes, without them).
pub(crate) fn link_fields<'py>(py: Python<'py>, model: &Model, id: LinkId, ends: bool) -> PyResult<Bound<'py, PyDict>> {
    let l = model.link(id);
    let d = PyDict::new(py);
    if ends {
        d.set_item("from", model.id(l.from))?;
        d.set_item("to", model.id(l.to))?;
    }
    d.set_item("kind", l.kind.as_str())?;
    if let Some(p) = l.primary {
        d.set_item("primary", p)?;
    }
    if let Some(p) = &l.power {
        d.set_item("power", p.as_str())?;
    }
    if let Some(r) = &l.role {
        d.set_item("role", r.as_str())?;
    }
    if let Some(s) = l.scope {
        d.set_item("scope", model.id(s))?;
    }
    if let Some(m) = l.members {
        d.set_item("members", m)?;
    }
    if let Some(e) = &l.event {
        d.set_item("event", e.as_str())?;
    }
    if let Some(h) = model.holding(id) {
        d.set_item("post", h.post.as_str())?;
        if let Some(b) = &h.band {
            d.set_item("band", b.as_str())?;
        }
        if let Some(g) = h.grade {
            d.set_item("grade", g)?;
        }
        if let Some(c) = &h.channel {
            d.set_item("channel", c.as_str())?;
        }
    }
    if let Some(a) = model.link_attrs(id) {
        d.set_item("attrs", json_loads(py, a.as_json())?)?;
    }
    if let Some(s) = l.validity.since {
        d.set_item("since", s.to_string())?;
    }
    if let Some(u) = l.validity.until {
        d.set_item("until", u.to_string())?;
    }
    Ok(d)
}

/// Makes the Python object for a record: a `Territory`, `Unit`, `Matter` or `Item`.
pub(crate) fn record_object<'py>(py: Python<'py>, model: &Arc<Model>, node: Node) -> PyResult<Bound<'py, PyAny>> {
    let base = PyClassInitializer::from(PyRecord { model: Arc::clone(model), node });
    Ok(match model.record(node).record_type() {
        RecordType::Territory => Bound::new(py, base.add_subclass(PyTerritory))?.into_any(),
        RecordType::Unit => Bound::new(py, base.add_subclass(PyUnit))?.into_any(),
        RecordType::Matter => Bound::new(py, base.add_subclass(PyMatter))?.into_any(),
        RecordType::Item => Bound::new(py, base.add_subclass(PyItem))?.into_any(),
        RecordType::Person => Bound::new(py, base.add_subclass(PyPerson))?.into_any(),
    })
}

/// A record of a model: a territory, unit, matter or item (frozen).
///
/// Records compare equal when they have the same type and the same content
/// (``to_dict()``); they hash by type and id.
#[pyclass(name = "Record", module = "tiaokuai", frozen, subclass)]
pub struct PyRecord {
    pub(crate) model: Arc<Model>,
    pub(crate) node: Node,
}

impl PyRecord {
    fn record(&self) -> RecordRef<'_> {
        self.model.record(self.node)
    }
}

#[pymethods]
impl PyRecord {
    /// The unique id.
    #[getter]
    fn id(&self) -> &str {
        self.record().id()
    }

    /// The name.
    #[getter]
    fn name(&self) -> &str {
        self.record().name()
    }

    /// The kind as written in the format (for matters and items: their ``list``).
    #[getter]
    fn kind(&self) -> &str {
        self.record().kind_str()
    }

    /// The record type: ``"territory"``, ``"unit"``, ``"matter"`` or ``"item"``.
    #[getter]
    fn r#type(&self) -> &'static str {
        self.record().record_type().as_str()
    }

    /// The free-form ``attrs`` object, as a new dict (empty when there is none). Numbers come
    /// back exact: integers of any length as ``int`` (also beyond Python's 4300-digit limit on
    /// ``int(str)``), other numbers as ``float`` when a float holds them and as
    /// ``decimal.Decimal`` when one does not (``1e400`` is ``Decimal('1E+400')``, never ``inf``;
    /// ``1e-400`` is ``Decimal('1E-400')``, never ``0.0``). ``Model.from_dict`` writes a
    /// ``Decimal`` back exactly.
    #[getter]
    fn attrs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        attrs_dict(py, self.record().attrs())
    }

    /// The ``since`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), if any.
    #[getter]
    fn since(&self) -> Option<String> {
        self.record().validity().since.map(|d| d.to_string())
    }

    /// The ``until`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the last day in force), if any.
    #[getter]
    fn until(&self) -> Option<String> {
        self.record().validity().until.map(|d| d.to_string())
    }

    /// The level (``"city"``, ``"district"``, ``"street"``, ``"community"``, ``"grid"`` …): a
    /// territory's by its kind, a unit's by the highest territory it holds jurisdiction over or
    /// else where it is located; ``None`` for matters, items and records without one.
    #[getter]
    fn level(&self) -> Option<String> {
        self.model.level(self.node).map(|l| l.as_str().to_string())
    }

    /// The responsibility grade of the level (``"overall"``, ``"first"``, ``"direct"``, ``"specific"``).
    #[getter]
    fn grade(&self) -> Option<String> {
        self.model.grade(self.node).map(|g| g.as_str().to_string())
    }

    /// The record in its ``tiaokuai/1`` form (the dict ``Model.from_dict`` reads).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        record_dict(py, &self.model, self.node)
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let r = self.record();
        let mut rows = dict_rows(&record_dict(py, &self.model, self.node)?)?;
        if let Some(l) = self.model.level(self.node) {
            rows.push(vec!["level".into(), l.as_str().into()]);
        }
        if let Some(g) = self.model.grade(self.node) {
            rows.push(vec!["grade".into(), g.as_str().into()]);
        }
        let caption = format!("{} {} ({})", r.record_type().as_str(), r.name(), r.id());
        Ok(html_table(&caption, &["field", "value"], &rows))
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let class = slf.get_type().name()?;
        let r = this.record();
        let py = slf.py();
        Ok(format!(
            "{class}(id={}, name={}, kind={})",
            py_repr(py, r.id()),
            py_repr(py, r.name()),
            py_repr(py, r.kind_str())
        ))
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.record().record_type().hash(&mut h);
        self.record().id().hash(&mut h);
        h.finish()
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyRecord>() else {
            return Ok(py.NotImplemented());
        };
        let other = other.get();
        let equal = if Arc::ptr_eq(&self.model, &other.model) {
            self.node == other.node
        } else {
            self.record().record_type() == other.record().record_type()
                && record_dict(py, &self.model, self.node)?.eq(record_dict(py, &other.model, other.node)?)?
        };
        Ok(match op {
            CompareOp::Eq => equal.into_pyobject(py)?.to_owned().into_any().unbind(),
            CompareOp::Ne => (!equal).into_pyobject(py)?.to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        })
    }
}

/// A place some unit answers for: city, district, street, community, grid, building …
#[pyclass(name = "Territory", module = "tiaokuai", frozen, extends = PyRecord)]
pub struct PyTerritory;

#[pymethods]
impl PyTerritory {
    /// The id of the containing territory, if any.
    #[getter]
    fn parent(slf: PyRef<'_, Self>) -> Option<String> {
        let base = slf.as_super();
        base.model.parent(base.node).map(|p| base.model.id(p).to_string())
    }

    /// The ids of the territories directly inside this one, in document order.
    #[getter]
    fn children(slf: PyRef<'_, Self>) -> Vec<String> {
        let base = slf.as_super();
        base.model.children(base.node).map(|c| base.model.id(c).to_string()).collect()
    }
}

/// An organisation: a Party organisation, a government body, a department, an enterprise …
#[pyclass(name = "Unit", module = "tiaokuai", frozen, extends = PyRecord)]
pub struct PyUnit;

fn unit_of(base: &PyRecord) -> tiaokuai::UnitRef<'_> {
    base.model.unit(base.node).expect("a Unit object holds a unit")
}

#[pymethods]
impl PyUnit {
    /// The sector (``"party"``, ``"private"`` …), if given.
    #[getter]
    fn sector(slf: PyRef<'_, Self>) -> Option<String> {
        unit_of(slf.as_super()).sector.as_ref().map(|s| s.as_str().to_string())
    }

    /// True for the in-system (体制内) sectors (party, government, public institution,
    /// state-owned), False for the others, None when the sector is not given.
    #[getter]
    fn in_system(slf: PyRef<'_, Self>) -> Option<bool> {
        unit_of(slf.as_super()).sector.as_ref().map(Sector::is_in_system)
    }

    /// The id of the territory where the unit sits, if given.
    #[getter]
    fn located_in(slf: PyRef<'_, Self>) -> Option<String> {
        let base = slf.as_super();
        unit_of(base).located_in.map(|t| base.model.id(t).to_string())
    }

    /// Full Party members (正式党员), if given.
    #[getter]
    fn members(slf: PyRef<'_, Self>) -> Option<u32> {
        unit_of(slf.as_super()).members()
    }

    /// Staff, if given.
    #[getter]
    fn staff(slf: PyRef<'_, Self>) -> Option<u32> {
        unit_of(slf.as_super()).staff()
    }

    /// In-service Party members (在职党员), if given.
    #[getter]
    fn in_service_members(slf: PyRef<'_, Self>) -> Option<u32> {
        unit_of(slf.as_super()).in_service_members()
    }

    /// True for the kinds that are Party organisations (committee, working committee, group, branches).
    #[getter]
    fn is_party_org(slf: PyRef<'_, Self>) -> bool {
        unit_of(slf.as_super()).kind.is_party_org()
    }
}

/// An administrative matter (事项) on a duty list.
#[pyclass(name = "Matter", module = "tiaokuai", frozen, extends = PyRecord)]
pub struct PyMatter;

#[pymethods]
impl PyMatter {
    /// The duty list: ``"basic"``, ``"cooperating"`` or ``"recalled"``.
    #[getter]
    fn list(slf: PyRef<'_, Self>) -> String {
        let base = slf.as_super();
        base.model.matter(base.node).map(|m| m.list.as_str().to_string()).unwrap_or_default()
    }

    /// The free category (``"urban_management"`` …), if given.
    #[getter]
    fn category(slf: PyRef<'_, Self>) -> Option<String> {
        let base = slf.as_super();
        base.model.matter(base.node).and_then(|m| m.category.as_deref().map(str::to_string))
    }
}

/// An item of the three lists: a need, a resource or a project.
#[pyclass(name = "Item", module = "tiaokuai", frozen, extends = PyRecord)]
pub struct PyItem;

#[pymethods]
impl PyItem {
    /// The list: ``"need"``, ``"resource"`` or ``"project"``.
    #[getter]
    fn list(slf: PyRef<'_, Self>) -> String {
        let base = slf.as_super();
        base.model.item(base.node).map(|i| i.list.as_str().to_string()).unwrap_or_default()
    }
}

/// A person who holds posts in units (people data is personal data: the id may be
/// pseudonymous and ``name`` is ``""`` when the data gives none).
#[pyclass(name = "Person", module = "tiaokuai", frozen, extends = PyRecord)]
pub struct PyPerson;

#[pymethods]
impl PyPerson {
    /// The posts the person holds at the model's date, as dicts (``unit``, ``post``,
    /// ``band``, ``grade``, ``channel``, ``since``, ``until``, ``link`` …).
    #[getter]
    fn posts<'py>(slf: PyRef<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let base = slf.as_super();
        let py = slf.py();
        let answer = tiaokuai::people::posts(&base.model, base.node);
        crate::convert::to_py(py, &answer)
    }
}

/// A typed link between two records (frozen). ``source`` and ``target`` are the
/// format's ``from`` and ``to`` ids; ``index`` is its position in the model's ``links``.
#[pyclass(name = "Link", module = "tiaokuai", frozen)]
pub struct PyLink {
    pub(crate) model: Arc<Model>,
    pub(crate) id: LinkId,
}

impl PyLink {
    fn link(&self) -> tiaokuai::Link {
        self.model.link(self.id)
    }
}

#[pymethods]
impl PyLink {
    /// The link's index in the model's ``links`` array.
    #[getter]
    fn index(&self) -> usize {
        self.id.index()
    }

    /// The id of the record the link starts from (the format's ``from``).
    #[getter]
    fn source(&self) -> &str {
        self.model.id(self.link().from)
    }

    /// The id of the record the link points to (the format's ``to``).
    #[getter]
    fn target(&self) -> &str {
        self.model.id(self.link().to)
    }

    /// The kind (``"leads"``, ``"jurisdiction"`` …).
    #[getter]
    fn kind(&self) -> &str {
        self.link().kind.as_str()
    }

    /// For ``leads``: whether this is the primary leader of a dual-led unit, as written.
    #[getter]
    fn primary(&self) -> Option<bool> {
        self.link().primary
    }

    /// For ``power``: which of the five powers.
    #[getter]
    fn power(&self) -> Option<&str> {
        self.link().power.as_ref().map(|p| p.as_str())
    }

    /// For ``responsible``: the role (``"lead"``, ``"cooperate"``, ``"supervise"``).
    #[getter]
    fn role(&self) -> Option<&str> {
        self.link().role.as_ref().map(|r| r.as_str())
    }

    /// For ``responsible``: the id of the territory the responsibility applies to.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.link().scope.map(|s| self.model.id(s))
    }

    /// For ``registers_with``: how many members registered.
    #[getter]
    fn members(&self) -> Option<u32> {
        self.link().members
    }

    /// For ``succeeded_by``: the event (``"merge"``, ``"split"``, ``"rename"``, ``"recode"``,
    /// ``"absorb"`` or an ``x-`` word).
    #[getter]
    fn event(&self) -> Option<&str> {
        self.link().event.as_ref().map(|e| e.as_str())
    }

    /// For ``holds``: the post (``"secretary"``, ``"director"``, ``"head"`` …).
    #[getter]
    fn post(&self) -> Option<&str> {
        self.model.holding(self.id).map(|h| h.post.as_str())
    }

    /// The free-form ``attrs`` object, as a new dict (empty when there is none). Numbers come
    /// back exact: integers of any length as ``int`` (also beyond Python's 4300-digit limit on
    /// ``int(str)``), other numbers as ``float`` when a float holds them and as
    /// ``decimal.Decimal`` when one does not (``1e400`` is ``Decimal('1E+400')``, never ``inf``;
    /// ``1e-400`` is ``Decimal('1E-400')``, never ``0.0``). ``Model.from_dict`` writes a
    /// ``Decimal`` back exactly.
    #[getter]
    fn attrs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        attrs_dict(py, self.model.link_attrs(self.id))
    }

    /// The ``since`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), if any.
    #[getter]
    fn since(&self) -> Option<String> {
        self.link().validity.since.map(|d| d.to_string())
    }

    /// The ``until`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the last day in force), if any.
    #[getter]
    fn until(&self) -> Option<String> {
        self.link().validity.until.map(|d| d.to_string())
    }

    /// The link in its ``tiaokuai/1`` form (with ``from`` and ``to``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        link_dict(py, &self.model, self.id)
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let l = self.link();
        let rows = dict_rows(&link_dict(py, &self.model, self.id)?)?;
        let caption = format!(
            "links[{}]: {} ({}) -{}-> {} ({})",
            self.id.index(),
            self.model.record(l.from).name(),
            self.source(),
            self.kind(),
            self.model.record(l.to).name(),
            self.target()
        );
        Ok(html_table(&caption, &["field", "value"], &rows))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Link({} -{}-> {}, index={})",
            py_repr(py, self.source()),
            self.kind(),
            py_repr(py, self.target()),
            self.id.index()
        )
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.source(), self.kind(), self.target(), self.id.index()).hash(&mut h);
        h.finish()
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyLink>() else {
            return Ok(py.NotImplemented());
        };
        let other = other.get();
        let equal = if Arc::ptr_eq(&self.model, &other.model) {
            self.id == other.id
        } else {
            self.id == other.id && link_dict(py, &self.model, self.id)?.eq(link_dict(py, &other.model, other.id)?)?
        };
        Ok(match op {
            CompareOp::Eq => equal.into_pyobject(py)?.to_owned().into_any().unbind(),
            CompareOp::Ne => (!equal).into_pyobject(py)?.to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        })
    }
}

// ---------------------------------------------------------------------------
// Views

/// What a record view keeps: the record type (None for all), and a kind and sector filter.
#[derive(Clone, Default)]
struct RecordFilter {
    rtype: Option<RecordType>,
    kind: Option<String>,
    sector: Option<String>,
}

impl RecordFilter {
    fn matches(&self, r: RecordRef<'_>) -> bool {
        if self.kind.as_deref().is_some_and(|k| r.kind_str() != k) {
            return false;
        }
        if let Some(s) = self.sector.as_deref() {
            let sector = r.as_unit().and_then(|u| u.row().sector.as_ref()).map(|x| x.as_str());
            if sector != Some(s) {
                return false;
            }
        }
        true
    }

    fn is_plain(&self) -> bool {
        self.kind.is_none() && self.sector.is_none()
    }
}

/// Checks a kind word against the vocabulary of the view's record type.
fn check_kind(rtype: Option<RecordType>, kind: &str) -> TkResult<()> {
    let result = match rtype {
        Some(RecordType::Territory) => kind.parse::<TerritoryKind>().map(drop),
        Some(RecordType::Unit) => kind.parse::<UnitKind>().map(drop),
        Some(RecordType::Matter) => kind.parse::<MatterList>().map(drop),
        Some(RecordType::Item) => kind.parse::<ItemList>().map(drop),
        Some(RecordType::Person) => {
            return Err(invalid("kind", format!("{kind:?}: people have no kind")));
        }
        None => {
            let ok = kind.parse::<TerritoryKind>().is_ok()
                || kind.parse::<UnitKind>().is_ok()
                || kind.parse::<MatterList>().is_ok()
                || kind.parse::<ItemList>().is_ok();
            if ok {
                Ok(())
            } else {
                return Err(invalid(
                    "kind",
                    format!("{kind:?} is not a territory or unit kind, nor a matter or item list"),
                ));
            }
        }
    };
    result.map_err(|e| invalid("kind", e.to_string()))
}

/// "street 9, town 4, …": the kinds among `kinds` with their counts, most frequent first
/// (ties in order of first appearance), at most six named.
pub(crate) fn kind_counts<'a>(kinds: impl Iterator<Item = &'a str>) -> String {
    // A map to each kind's place in `counts`: linear even with one custom (`x-…`) kind per record.
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for k in kinds {
        match at.get(k) {
            Some(&i) => counts[i].1 += 1,
            None => {
                at.insert(k, counts.len());
                counts.push((k, 1));
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let mut parts: Vec<String> = counts.iter().take(6).map(|(k, n)| format!("{k} {n}")).collect();
    if counts.len() > 6 {
        parts.push(format!("… ({} kinds)", counts.len()));
    }
    parts.join(", ")
}

/// One record as a row of an HTML view: id, name, type, kind, level, grade.
fn record_row(model: &Model, node: Node) -> Vec<String> {
    let r = model.record(node);
    vec![
        r.id().to_string(),
        r.name().to_string(),
        r.record_type().as_str().to_string(),
        r.kind_str().to_string(),
        model.level(node).map(|l| l.as_str().to_string()).unwrap_or_default(),
        model.grade(node).map(|g| g.as_str().to_string()).unwrap_or_default(),
    ]
}

/// A record's or link's `tiaokuai/1` dict as field/value rows (values as ``str()`` shows them).
fn dict_rows(d: &Bound<'_, PyDict>) -> PyResult<Vec<Vec<String>>> {
    d.iter().map(|(k, v)| Ok(vec![k.str()?.to_string(), v.str()?.to_string()])).collect()
}

/// `collections.abc.Mapping`, imported once.
fn mapping_abc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static MAPPING: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    Ok(MAPPING.get_or_try_init(py, || py.import("collections.abc")?.getattr("Mapping").map(Bound::unbind))?.bind(py))
}

/// A `collections.abc` mapping view (`KeysView`, `ValuesView`, `ItemsView`) of a record view.
fn abc_view<'py>(slf: &Bound<'py, PyRecordView>, class: &str) -> PyResult<Bound<'py, PyAny>> {
    slf.py().import("collections.abc")?.getattr(class)?.call1((slf,))
}

fn nodes_of(model: &Model, rtype: Option<RecordType>) -> Box<dyn Iterator<Item = Node> + '_> {
    match rtype {
        Some(RecordType::Territory) => Box::new(model.territories().map(|(n, _)| n)),
        Some(RecordType::Unit) => Box::new(model.units().map(|(n, _)| n)),
        Some(RecordType::Matter) => Box::new(model.matters().map(|(n, _)| n)),
        Some(RecordType::Item) => Box::new(model.items().map(|(n, _)| n)),
        Some(RecordType::Person) => Box::new(model.people().map(|(n, _)| n)),
        None => Box::new(model.records().map(|(n, _)| n)),
    }
}

/// A live, read-only view of some records of a model: iterable, sized, indexable by id or
/// position, filterable by kind (and, for units, sector). Views are cheap: they hold no copy.
#[pyclass(name = "RecordView", module = "tiaokuai", frozen)]
pub struct PyRecordView {
    model: Arc<Model>,
    filter: RecordFilter,
}

impl PyRecordView {
    /// The view's records as a core table (all of a type in one pass when unfiltered).
    fn table(&self) -> tiaokuai::table::Table {
        if self.filter.is_plain() {
            tiaokuai::table::records_table(&self.model, self.filter.rtype, None)
        } else {
            let nodes: Vec<Node> = self.matching().collect();
            tiaokuai::table::records_table(&self.model, self.filter.rtype, Some(&nodes))
        }
    }

    pub(crate) fn new(model: &Arc<Model>, rtype: Option<RecordType>) -> Self {
        PyRecordView { model: Arc::clone(model), filter: RecordFilter { rtype, ..Default::default() } }
    }

    fn matching(&self) -> impl Iterator<Item = Node> + '_ {
        nodes_of(&self.model, self.filter.rtype).filter(|&n| self.filter.matches(self.model.record(n)))
    }

    fn find(&self, id: &str) -> Option<Node> {
        let node = self.model.node(id)?;
        let r = self.model.record(node);
        let type_ok = self.filter.rtype.is_none_or(|t| t == r.record_type());
        (type_ok && self.filter.matches(r)).then_some(node)
    }

    fn what(&self) -> String {
        let mut what = match self.filter.rtype {
            Some(t) => t.array().to_string(),
            None => "records".to_string(),
        };
        if let Some(k) = &self.filter.kind {
            what.push_str(&format!(" of kind '{k}'"));
        }
        if let Some(s) = &self.filter.sector {
            what.push_str(&format!(" of sector '{s}'"));
        }
        what
    }
}

#[pymethods]
impl PyRecordView {
    fn __len__(&self) -> usize {
        if self.filter.is_plain() {
            match self.filter.rtype {
                Some(t) => self.model.count(t),
                None => self.model.count_records(),
            }
        } else {
            self.matching().count()
        }
    }

    /// Iterates over the ids, in document order (a view is a mapping from id to record:
    /// :meth:`values` gives the records, :meth:`items` the ``(id, record)`` pairs).
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ids = PyList::new(py, self.matching().map(|n| self.model.id(n)))?;
        ids.try_iter().map(Bound::into_any)
    }

    /// The ids, as a ``KeysView`` (set-like, in document order).
    fn keys<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        abc_view(slf, "KeysView")
    }

    /// The records, in document order, as a ``ValuesView``.
    fn values<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        abc_view(slf, "ValuesView")
    }

    /// The ``(id, record)`` pairs, in document order, as an ``ItemsView``.
    fn items<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        abc_view(slf, "ItemsView")
    }

    /// The record with this id when the view holds it, else ``default``.
    #[pyo3(signature = (id, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        id: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Ok(s) = id.cast::<PyString>() else { return Ok(default) };
        match self.find(&s.to_cow()?) {
            Some(node) => record_object(py, &self.model, node).map(Some),
            None => Ok(default),
        }
    }

    /// The records as an iterator (faster than ``values()`` for a large view).
    fn records(&self) -> RecordIter {
        let nodes: Vec<Node> = self.matching().collect();
        RecordIter { model: Arc::clone(&self.model), nodes, pos: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// Equal to any mapping with the same ids and equal records (as ``Mapping`` compares).
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        if !other.is_instance(mapping_abc(py)?)? {
            return Ok(false);
        }
        if other.len()? != self.__len__() {
            return Ok(false);
        }
        let missing = py.None();
        for n in self.matching() {
            let theirs = other.call_method1("get", (self.model.id(n), &missing))?;
            if theirs.is_none() || !record_object(py, &self.model, n)?.eq(theirs)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn __contains__(&self, item: &Bound<'_, PyAny>) -> bool {
        if let Ok(s) = item.cast::<PyString>() {
            return s.to_cow().is_ok_and(|id| self.find(&id).is_some());
        }
        if let Ok(r) = item.cast::<PyRecord>() {
            let r = r.get();
            return Arc::ptr_eq(&r.model, &self.model) && self.find(r.record().id()) == Some(r.node);
        }
        false
    }

    /// ``view["id"]`` is the record with that id (``UnknownIdError`` when it is not in the view,
    /// saying what the record is when the model holds it: ``"310113" is a territory of kind
    /// 'district', not one of these units``);
    /// ``view[i]`` the i-th record in document order (negative counts from the end).
    fn __getitem__<'py>(&self, py: Python<'py>, key: &Bound<'py, PyAny>) -> TkResult<Bound<'py, PyAny>> {
        if let Ok(s) = key.cast::<PyString>() {
            let id = s.to_cow()?;
            return match (self.find(&id), self.model.node(&id)) {
                (Some(node), _) => Ok(record_object(py, &self.model, node)?),
                (None, None) => Err(tiaokuai::Error::UnknownId { id: id.to_string() }.into()),
                // In the model, not in this view: say what the record is instead of "no record".
                (None, Some(node)) => {
                    let r = self.model.record(node);
                    let what = match r {
                        RecordRef::Unit(u) => format!("a unit of kind '{}'", u.kind),
                        RecordRef::Territory(t) => format!("a territory of kind '{}'", t.kind),
                        RecordRef::Matter(m) => format!("a matter of list '{}'", m.list),
                        RecordRef::Item(i) => format!("an item of list '{}'", i.list),
                        _ => format!("one of {}", r.record_type().array()),
                    };
                    Err(errors::not_in_view(&id, format!("{id:?} is {what}, not one of these {}", self.what())))
                }
            };
        }
        if let Ok(i) = key.extract::<isize>() {
            let len = self.__len__() as isize;
            let at = if i < 0 { i + len } else { i };
            if at < 0 || at >= len {
                return Err(PyIndexError::new_err(format!("index {i} out of range for {} {}", len, self.what())).into());
            }
            let node = self.matching().nth(at as usize).expect("index checked against len");
            return Ok(record_object(py, &self.model, node)?);
        }
        Err(PyTypeError::new_err("a record view is indexed by id (str) or position (int)").into())
    }

    /// The records of one kind (for matters and items: one list), as a new view.
    ///
    /// Raises ``InvalidInputError`` when the word is not in the vocabulary.
    fn of_kind(&self, kind: &str) -> TkResult<PyRecordView> {
        self.filter(Some(kind), None)
    }

    /// The records matching every criterion given, as a new view: ``kind`` (a kind, or a matter or
    /// item list) and ``sector`` (units only).
    ///
    /// Raises ``InvalidInputError`` when a word is not in its vocabulary.
    #[pyo3(signature = (*, kind = None, sector = None))]
    fn filter(&self, kind: Option<&str>, sector: Option<&str>) -> TkResult<PyRecordView> {
        let mut filter = self.filter.clone();
        if let Some(k) = kind {
            check_kind(filter.rtype, k)?;
            filter.kind = Some(k.to_string());
        }
        if let Some(s) = sector {
            s.parse::<Sector>().map_err(|e| invalid("sector", e.to_string()))?;
            filter.sector = Some(s.to_string());
        }
        Ok(PyRecordView { model: Arc::clone(&self.model), filter })
    }

    /// The ids of the records in the view, in document order.
    fn ids(&self) -> Vec<&str> {
        self.matching().map(|n| self.model.id(n)).collect()
    }

    /// The records as ``tiaokuai/1`` dicts, in document order.
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for n in self.matching() {
            list.append(record_dict(py, &self.model, n)?)?;
        }
        Ok(list)
    }

    /// The records as a pandas DataFrame indexed by id, built column by column: ``name``,
    /// ``type`` (for ``model.records``), the type's fields with the names beside the ids they
    /// hold (``located_in`` and ``located_in_name`` …), ``level`` and ``grade`` (ordered
    /// categoricals, top first), ``attrs`` (dicts), ``since`` and ``until`` (dates). Counts are
    /// nullable integers (``Int64``), kinds, sectors and lists categoricals. Needs pandas
    /// (``pip install 'tiaokuai[pandas]'``).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Pandas, Some("id"), "RecordView.to_pandas()")
    }

    /// The records as a polars DataFrame: the columns of :meth:`to_pandas` with ``id`` first,
    /// categoricals as ``Enum``, dates as ``Date``, ``attrs`` as JSON text. Needs polars
    /// (``pip install 'tiaokuai[polars]'``).
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Polars, None, "RecordView.to_polars()")
    }

    /// The records as a ``pyarrow.Table``: the columns of :meth:`to_polars`, categoricals as
    /// dictionary arrays, dates as ``date32``. Needs pyarrow (``pip install 'tiaokuai[arrow]'``).
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Arrow, None, "RecordView.to_arrow()")
    }

    fn __repr__(&self) -> String {
        format!("<RecordView: {} {}>", self.__len__(), self.what())
    }

    fn _repr_html_(&self) -> String {
        let total = self.__len__();
        let kinds = kind_counts(self.matching().map(|n| self.model.record(n).kind_str()));
        let mut out = html_headline(&format!("{total} {}", self.what()), &kinds);
        out.push_str(&html_table_truncated(
            "",
            &["id", "name", "type", "kind", "level", "grade"],
            self.matching().map(|n| record_row(&self.model, n)),
            total,
            "<code>view.to_pandas()</code>",
        ));
        out
    }
}

/// An iterator over records.
#[pyclass(name = "RecordIterator", module = "tiaokuai", frozen)]
pub struct RecordIter {
    model: Arc<Model>,
    nodes: Vec<Node>,
    pos: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl RecordIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let i = self.pos.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match self.nodes.get(i) {
            Some(&n) => Ok(Some(record_object(py, &self.model, n)?)),
            None => Ok(None),
        }
    }

    fn __length_hint__(&self) -> usize {
        self.nodes.len().saturating_sub(self.pos.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// What a link view keeps: kind, source and target filters.
#[derive(Clone, Default)]
struct LinkFilter {
    kind: Option<LinkKind>,
    source: Option<Node>,
    target: Option<Node>,
}

/// A live, read-only view of some links of a model, in document order: iterable, sized,
/// indexable by position, filterable by kind, source and target.
#[pyclass(name = "LinkView", module = "tiaokuai", frozen)]
pub struct PyLinkView {
    model: Arc<Model>,
    filter: LinkFilter,
}

impl PyLinkView {
    /// The view's links as a core table.
    fn table(&self) -> tiaokuai::table::Table {
        tiaokuai::table::links_table(&self.model, Some(&self.matching()))
    }

    pub(crate) fn new(model: &Arc<Model>) -> Self {
        PyLinkView { model: Arc::clone(model), filter: LinkFilter::default() }
    }

    fn matching(&self) -> Vec<LinkId> {
        let f = &self.filter;
        let keep = |id: &LinkId| {
            let l = self.model.link(*id);
            f.kind.as_ref().is_none_or(|k| &l.kind == k)
                && f.source.is_none_or(|s| l.from == s)
                && f.target.is_none_or(|t| l.to == t)
        };
        let mut ids: Vec<LinkId> = match (f.source, f.target) {
            (Some(s), _) => self.model.all_links_from(s).map(|(id, _)| id).filter(keep).collect(),
            (None, Some(t)) => self.model.all_links_to(t).map(|(id, _)| id).filter(keep).collect(),
            (None, None) => self.model.links().map(|(id, _)| id).filter(keep).collect(),
        };
        ids.sort_unstable();
        ids
    }
}

#[pymethods]
impl PyLinkView {
    fn __len__(&self) -> usize {
        let f = &self.filter;
        if f.kind.is_none() && f.source.is_none() && f.target.is_none() {
            self.model.count_links()
        } else {
            self.matching().len()
        }
    }

    fn __iter__(&self) -> LinkIter {
        LinkIter { model: Arc::clone(&self.model), ids: self.matching(), pos: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// ``view[i]``: the i-th link of the view (negative counts from the end).
    fn __getitem__(&self, i: isize) -> PyResult<PyLink> {
        let ids = self.matching();
        let len = ids.len() as isize;
        let at = if i < 0 { i + len } else { i };
        if at < 0 || at >= len {
            return Err(PyIndexError::new_err(format!("index {i} out of range for {len} links")));
        }
        Ok(PyLink { model: Arc::clone(&self.model), id: ids[at as usize] })
    }

    /// The links of one kind (``"leads"``, ``"x-custom"`` …), as a new view.
    fn of_kind(&self, kind: &str) -> TkResult<PyLinkView> {
        self.filter(Some(kind), None, None)
    }

    /// The links matching every criterion given, as a new view: ``kind``, ``source`` (the id
    /// they start from) and ``target`` (the id they point to).
    ///
    /// Raises ``InvalidInputError`` for an unknown kind, ``UnknownIdError`` for an unknown id.
    #[pyo3(signature = (*, kind = None, source = None, target = None))]
    fn filter(&self, kind: Option<&str>, source: Option<&str>, target: Option<&str>) -> TkResult<PyLinkView> {
        let mut filter = self.filter.clone();
        if let Some(k) = kind {
            filter.kind = Some(k.parse::<LinkKind>().map_err(|e| invalid("link kind", e.to_string()))?);
        }
        let node = |id: &str| self.model.node(id).ok_or_else(|| tiaokuai::Error::UnknownId { id: id.to_string() });
        if let Some(s) = source {
            filter.source = Some(node(s)?);
        }
        if let Some(t) = target {
            filter.target = Some(node(t)?);
        }
        Ok(PyLinkView { model: Arc::clone(&self.model), filter })
    }

    /// The links as ``tiaokuai/1`` dicts, in document order.
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for id in self.matching() {
            list.append(link_dict(py, &self.model, id)?)?;
        }
        Ok(list)
    }

    /// The links as a pandas DataFrame indexed by link index, built column by column:
    /// ``from``, ``from_name``, ``to``, ``to_name``, ``kind`` (categorical), ``primary``
    /// (nullable boolean), ``power``, ``role`` (categoricals), ``scope``, ``scope_name``,
    /// ``members`` (``Int64``), ``attrs`` (dicts), ``since`` and ``until`` (dates). Needs pandas
    /// (``pip install 'tiaokuai[pandas]'``).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Pandas, Some("index"), "LinkView.to_pandas()")
    }

    /// The links as a polars DataFrame (the columns of :meth:`to_pandas` with ``index``
    /// first). Needs polars (``pip install 'tiaokuai[polars]'``).
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Polars, None, "LinkView.to_polars()")
    }

    /// The links as a ``pyarrow.Table`` (the columns of :meth:`to_polars`). Needs pyarrow
    /// (``pip install 'tiaokuai[arrow]'``).
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Arrow, None, "LinkView.to_arrow()")
    }

    fn __repr__(&self) -> String {
        let mut what = String::from("links");
        if let Some(k) = &self.filter.kind {
            what.push_str(&format!(" of kind '{}'", k.as_str()));
        }
        if let Some(s) = self.filter.source {
            what.push_str(&format!(" from '{}'", self.model.id(s)));
        }
        if let Some(t) = self.filter.target {
            what.push_str(&format!(" to '{}'", self.model.id(t)));
        }
        format!("<LinkView: {} {}>", self.__len__(), what)
    }

    fn _repr_html_(&self) -> String {
        let ids = self.matching();
        let m = &self.model;
        let kinds = kind_counts(ids.iter().map(|&id| m.link(id).kind.as_str()));
        let mut out = html_headline(&format!("{} links", ids.len()), &kinds);
        let rows = ids.iter().map(|&id| {
            let l = m.link(id);
            let detail = [
                l.role.as_ref().map(|r| format!("role {}", r.as_str())),
                l.power.as_ref().map(|p| format!("power {}", p.as_str())),
                l.scope.map(|s| format!("scope {}", m.id(s))),
                l.primary.map(|p| format!("primary {p}")),
                l.members.map(|n| format!("members {n}")),
            ];
            vec![
                id.index().to_string(),
                m.id(l.from).to_string(),
                m.record(l.from).name().to_string(),
                l.kind.as_str().to_string(),
                m.id(l.to).to_string(),
                m.record(l.to).name().to_string(),
                detail.into_iter().flatten().collect::<Vec<_>>().join(", "),
            ]
        });
        out.push_str(&html_table_truncated(
            "",
            &["index", "from", "from name", "kind", "to", "to name", "details"],
            rows,
            ids.len(),
            "<code>list(view)</code> or <code>view.to_pandas()</code>",
        ));
        out
    }
}

/// An iterator over links.
#[pyclass(name = "LinkIterator", module = "tiaokuai", frozen)]
pub struct LinkIter {
    model: Arc<Model>,
    ids: Vec<LinkId>,
    pos: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl LinkIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self) -> Option<PyLink> {
        let i = self.pos.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.ids.get(i).map(|&id| PyLink { model: Arc::clone(&self.model), id })
    }

    fn __length_hint__(&self) -> usize {
        self.ids.len().saturating_sub(self.pos.load(std::sync::atomic::Ordering::Relaxed))
    }
}
