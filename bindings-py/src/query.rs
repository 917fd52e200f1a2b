//! Who is accountable: `Model.chain`, `Model.responsible_for`, `Model.dispatch`.
//!
//! Each answer is a small frozen class holding the core's answer; its fields
//! come out through the answer's serde form (`to_py`), so the Python values are
//! exactly the JSON the CLI prints.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use tiaokuai::{Chain, Dispatch, Line, Model, Responsibility};

use crate::convert::{html_escape, html_table, py_repr, to_py};
use crate::errors::TkResult;

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// The serde form of an answer as a dict.
fn as_dict<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyDict>> {
    Ok(to_py(py, value)?.cast_into::<PyDict>()?)
}

// ---------------------------------------------------------------------------
// Chain

/// The answer of :meth:`Model.chain`: the units from one unit up to the top, one step per link.
///
/// ``steps`` are dicts with ``id``, ``name``, ``kind``, ``via`` (the link kind followed into
/// the unit, None for the first), ``link`` (that link's index), ``level`` and ``grade``.
/// ``str(chain)`` is the plain-text table the CLI prints; notebooks show an HTML table.
#[pyclass(name = "Chain", module = "tiaokuai", frozen)]
pub struct PyChain {
    pub(crate) inner: Chain<'static>,
}

fn chain_html(c: &Chain<'_>) -> String {
    let rows: Vec<Vec<String>> = c
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let via = match (&s.via, s.link) {
                (Some(k), Some(l)) => format!("{k} links[{l}]"),
                _ => String::new(),
            };
            vec![
                i.to_string(),
                s.id.to_string(),
                s.name.to_string(),
                s.kind.to_string(),
                via,
                opt(&s.level),
                opt(&s.grade),
            ]
        })
        .collect();
    let caption = format!("{} chain of {} ({})", c.line, c.name, c.unit);
    let mut out = html_table(&caption, &["#", "id", "name", "kind", "via", "level", "grade"], &rows);
    let mut notes = Vec::new();
    for b in &c.branches {
        notes.push(format!("branch at {}: also {} by {} ({}), links[{}]", b.at, b.kind, b.name, b.leader, b.link));
    }
    for a in &c.ambiguous {
        notes.push(format!("ambiguous: {a} has several leaders and not exactly one primary; followed the first"));
    }
    if let Some(cycle) = &c.cycle {
        notes.push(format!("cycle: {}", cycle.join(" → ")));
    }
    if !notes.is_empty() {
        out.push_str(&format!("<ul class=\"{}\">", crate::convert::NO_MATH));
        for n in notes {
            out.push_str(&format!("<li>{}</li>", html_escape(&n)));
        }
        out.push_str("</ul>");
    }
    out
}

#[pymethods]
impl PyChain {
    /// The id of the unit the chain starts from.
    #[getter]
    fn unit(&self) -> &str {
        &self.inner.unit
    }

    /// Its name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The line followed: ``"leadership"``, ``"strip"`` or ``"all"``.
    #[getter]
    fn line(&self) -> &'static str {
        self.inner.line.as_str()
    }

    /// The steps, starting with ``unit``: dicts with ``id``, ``name``, ``kind``, ``via``, ``link``,
    /// ``level`` and ``grade``.
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.steps)
    }

    /// The ids of the units on the chain, bottom first.
    #[getter]
    fn ids(&self) -> Vec<&str> {
        self.inner.ids().collect()
    }

    /// The id of the last unit reached (the top, or the unit before a cycle closes).
    #[getter]
    fn top(&self) -> Option<&str> {
        self.inner.steps.last().map(|s| &*s.id)
    }

    /// In a dispatch answer with several leads, the id of the unit where this chain joins
    /// a chain given earlier in the answer (its last step; the rest is there), else ``None``.
    #[getter]
    fn joins(&self) -> Option<&str> {
        self.inner.joins.as_deref()
    }

    /// Links upward not followed, at units with more than one of the kind followed: dicts
    /// with ``at``, ``leader``, ``name``, ``kind`` and ``link``.
    #[getter]
    fn branches<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.branches)
    }

    /// Ids of units on the chain with two or more leaders and not exactly one marked primary.
    #[getter]
    fn ambiguous(&self) -> Vec<String> {
        self.inner.ambiguous.iter().map(|a| a.to_string()).collect()
    }

    /// When the walk stopped at a cycle: the ids around it, the repeated unit first and last.
    #[getter]
    fn cycle(&self) -> Option<Vec<String>> {
        self.inner.cycle.as_ref().map(|c| c.iter().map(|a| a.to_string()).collect())
    }

    /// The facts the answer rests on: links followed (``{"link", "from", "kind", "to"}``),
    /// fields read and links looked for and missing.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.evidence)
    }

    /// The facts of this answer resting on a record or link only possibly in force at the
    /// model's date (a record's ``since``/``until``, a link), as a list of dicts like
    /// ``evidence``; empty when the answer rests on nothing doubtful.
    #[getter]
    fn uncertain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.uncertain)
    }

    /// The answer as a dict: the JSON the CLI prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        as_dict(py, &self.inner)
    }

    fn __len__(&self) -> usize {
        self.inner.steps.len()
    }

    fn __str__(&self) -> String {
        self.inner.render()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let ids: Vec<&str> = self.inner.ids().collect();
        let cycle = if self.inner.cycle.is_some() { " (cycle)" } else { "" };
        format!("<Chain {} of {}: {}{cycle}>", self.inner.line, py_repr(py, &self.inner.unit), ids.join(" -> "))
    }

    fn _repr_html_(&self) -> String {
        chain_html(&self.inner)
    }

    /// Draws the chain as a small graph on matplotlib axes (new ones unless ``ax`` is given):
    /// the units bottom to top coloured by responsibility grade and labelled by name and id,
    /// the other leaders of dual-led units as dashed branches, a legend for the grades.
    /// Returns the axes. Needs matplotlib (``pip install 'tiaokuai[plot]'``); see
    /// :mod:`tiaokuai.plot`.
    #[pyo3(signature = (ax = None))]
    fn plot<'py>(slf: &Bound<'py, Self>, ax: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::call_plot(slf.py(), "chain", (slf, ax))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyChain>().is_ok_and(|o| o.get().inner == self.inner)
    }
}

// ---------------------------------------------------------------------------
// Responsibility

/// The answer of :meth:`Model.responsible_for`: who answers for a place and for each
/// territory containing it, nearest first ("block chain").
///
/// ``blocks`` are dicts with ``territory``, ``name``, ``kind``, ``level``, ``grade`` and
/// ``holders`` (the units with ``jurisdiction``: ``id``, ``name``, ``kind``, ``level``,
/// ``grade``, ``link``); ``nobody`` lists the blocks without holders.
#[pyclass(name = "Responsibility", module = "tiaokuai", frozen)]
pub struct PyResponsibility {
    pub(crate) inner: Responsibility<'static>,
}

fn responsibility_rows(r: &Responsibility<'_>) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for b in &r.blocks {
        let place = [b.territory.to_string(), b.name.to_string(), b.kind.to_string(), opt(&b.grade)];
        if b.holders.is_empty() {
            rows.push(place.iter().cloned().chain(["(nobody)".to_string(), String::new(), String::new()]).collect());
        }
        for h in &b.holders {
            rows.push(
                place
                    .iter()
                    .cloned()
                    .chain([h.id.to_string(), h.name.to_string(), format!("{} links[{}]", h.kind, h.link)])
                    .collect(),
            );
        }
    }
    rows
}

fn responsibility_html(r: &Responsibility<'_>) -> String {
    let headline = format!("block chain of {} ({})", r.name, r.territory);
    let counts = format!("{} territories, {} with nobody", r.blocks.len(), r.nobody().count());
    let headers = ["territory", "name", "kind", "grade", "unit", "unit name", "unit kind / link"];
    let mut out = crate::convert::html_headline(&headline, &counts);
    out.push_str(&html_table("", &headers, &responsibility_rows(r)));
    out
}

#[pymethods]
impl PyResponsibility {
    /// The id of the territory asked about.
    #[getter]
    fn territory(&self) -> &str {
        &self.inner.territory
    }

    /// Its name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The territory and each containing territory, nearest first, with their holders.
    #[getter]
    fn blocks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.blocks)
    }

    /// The blocks nobody holds jurisdiction over: "where is nobody".
    #[getter]
    fn nobody<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let blocks: Vec<_> = self.inner.nobody().collect();
        to_py(py, &blocks)
    }

    /// The ids of the units holding jurisdiction, nearest territory first, each once.
    #[getter]
    fn holders(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for b in &self.inner.blocks {
            for h in &b.holders {
                if !out.contains(&&*h.id) {
                    out.push(&h.id);
                }
            }
        }
        out
    }

    /// The facts the answer rests on.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.evidence)
    }

    /// The facts of this answer resting on a record or link only possibly in force at the
    /// model's date (a record's ``since``/``until``, a link), as a list of dicts like
    /// ``evidence``; empty when the answer rests on nothing doubtful.
    #[getter]
    fn uncertain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.uncertain)
    }

    /// The answer as a dict: the JSON the CLI prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        as_dict(py, &self.inner)
    }

    fn __str__(&self) -> String {
        self.inner.render()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let held = self.inner.blocks.iter().filter(|b| !b.holders.is_empty()).count();
        format!(
            "<Responsibility for {}: {} territories, {} with nobody>",
            py_repr(py, &self.inner.territory),
            self.inner.blocks.len(),
            self.inner.blocks.len() - held
        )
    }

    fn _repr_html_(&self) -> String {
        responsibility_html(&self.inner)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyResponsibility>().is_ok_and(|o| o.get().inner == self.inner)
    }
}

// ---------------------------------------------------------------------------
// Dispatch

/// The answer of :meth:`Model.dispatch`: who handles a matter in a place.
///
/// ``leads``, ``cooperators`` and ``supervisors`` are dicts with ``unit``, ``name``, ``kind``,
/// ``role``, ``at`` (where the link applies), ``at_name``, ``basis`` (``"scope"`` or
/// ``"jurisdiction"``), ``link``, ``level`` and ``grade``. ``problem`` is None when exactly
/// one lead applies, else ``"no_lead"`` or ``"several_leads"``.
#[pyclass(name = "Dispatch", module = "tiaokuai", frozen)]
pub struct PyDispatch {
    pub(crate) inner: Dispatch<'static>,
}

#[pymethods]
impl PyDispatch {
    /// The matter's id.
    #[getter]
    fn matter(&self) -> &str {
        &self.inner.matter
    }

    /// The matter's name.
    #[getter]
    fn matter_name(&self) -> &str {
        &self.inner.matter_name
    }

    /// The id of the place asked about.
    #[getter]
    fn territory(&self) -> &str {
        &self.inner.territory
    }

    /// Its name.
    #[getter]
    fn territory_name(&self) -> &str {
        &self.inner.territory_name
    }

    /// The id of the nearest territory (the place or one containing it) where a lead applies.
    #[getter]
    fn resolved_at(&self) -> Option<&str> {
        self.inner.resolved_at.as_deref()
    }

    /// The leads applying at ``resolved_at``, in document order of the links.
    #[getter]
    fn leads<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.leads)
    }

    /// The cooperators from the place up to ``resolved_at``, nearest first.
    #[getter]
    fn cooperators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.cooperators)
    }

    /// The supervisors, gathered like the cooperators.
    #[getter]
    fn supervisors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.supervisors)
    }

    /// The leadership chain above each lead, in the order of ``leads``.
    #[getter]
    fn chains(&self) -> Vec<PyChain> {
        self.inner.chains.iter().map(|c| PyChain { inner: c.clone() }).collect()
    }

    /// The block chain of the place (as :meth:`Model.responsible_for` returns it).
    #[getter]
    fn block(&self) -> PyResponsibility {
        PyResponsibility { inner: self.inner.block.clone() }
    }

    /// None when exactly one lead applies; else ``"no_lead"`` or ``"several_leads"``.
    #[getter]
    fn problem(&self) -> Option<String> {
        self.inner.problem.map(|p| p.to_string())
    }

    /// The facts the answer rests on.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.evidence)
    }

    /// The facts of this answer resting on a record or link only possibly in force at the
    /// model's date (a record's ``since``/``until``, a link), as a list of dicts like
    /// ``evidence``; empty when the answer rests on nothing doubtful.
    #[getter]
    fn uncertain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.uncertain)
    }

    /// The answer as a dict: the JSON the CLI prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        as_dict(py, &self.inner)
    }

    fn __str__(&self) -> String {
        self.inner.render()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let leads: Vec<&str> = self.inner.leads.iter().map(|a| &*a.unit).collect();
        let problem = self.inner.problem.map(|p| format!(", problem={p}")).unwrap_or_default();
        format!(
            "<Dispatch of {} in {}: leads=[{}]{problem}>",
            py_repr(py, &self.inner.matter),
            py_repr(py, &self.inner.territory),
            leads.join(", ")
        )
    }

    fn _repr_html_(&self) -> String {
        let d = &self.inner;
        let mut out = format!(
            "<p class=\"{}\"><b>dispatch of {} ({}) in {} ({})</b><br>",
            crate::convert::NO_MATH,
            html_escape(&d.matter_name),
            html_escape(&d.matter),
            html_escape(&d.territory_name),
            html_escape(&d.territory)
        );
        match (&d.resolved_at, d.leads.first()) {
            (Some(at), Some(lead)) => {
                out.push_str(&format!("resolved at: {} ({})", html_escape(&lead.at_name), html_escape(at)))
            }
            _ => out.push_str("resolved at: nowhere (no lead at this place or above)"),
        }
        if let Some(p) = d.problem {
            out.push_str(&format!("<br><b style=\"color:#b00\">problem: {p}</b>"));
        }
        out.push_str("</p>");
        let rows: Vec<Vec<String>> = d
            .leads
            .iter()
            .chain(&d.cooperators)
            .chain(&d.supervisors)
            .map(|a| {
                vec![
                    a.role.to_string(),
                    a.unit.to_string(),
                    a.name.to_string(),
                    a.kind.to_string(),
                    format!("{} ({})", a.at_name, a.at),
                    a.basis.to_string(),
                    format!("links[{}]", a.link),
                    opt(&a.grade),
                ]
            })
            .collect();
        out.push_str(&html_table("", &["role", "unit", "name", "kind", "at", "basis", "link", "grade"], &rows));
        for c in &d.chains {
            out.push_str(&chain_html(c));
        }
        out.push_str(&responsibility_html(&d.block));
        out
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyDispatch>().is_ok_and(|o| o.get().inner == self.inner)
    }
}

// ---------------------------------------------------------------------------
// The queries, called by `Model`'s methods (the GIL is released while they run)

/// `Model.chain`.
pub(crate) fn chain(py: Python<'_>, model: &Arc<Model>, unit: String, line: &str) -> TkResult<PyChain> {
    let line: Line = line.parse()?;
    let model = Arc::clone(model);
    let inner = py.detach(move || model.chain(&unit, line).map(Chain::into_owned))?;
    Ok(PyChain { inner })
}

/// `Model.chains`.
pub(crate) fn chains(py: Python<'_>, model: &Arc<Model>, units: Vec<String>, line: &str) -> TkResult<Vec<PyChain>> {
    let line: Line = line.parse()?;
    let model = Arc::clone(model);
    let chains = py.detach(move || {
        units.iter().map(|u| model.chain(u, line).map(Chain::into_owned)).collect::<Result<Vec<_>, _>>()
    })?;
    Ok(chains.into_iter().map(|inner| PyChain { inner }).collect())
}

/// `Model.responsible_for`.
pub(crate) fn responsible_for(py: Python<'_>, model: &Arc<Model>, territory: String) -> TkResult<PyResponsibility> {
    let model = Arc::clone(model);
    let inner = py.detach(move || model.responsible_for(&territory).map(Responsibility::into_owned))?;
    Ok(PyResponsibility { inner })
}

/// `Model.dispatch`.
pub(crate) fn dispatch(py: Python<'_>, model: &Arc<Model>, matter: String, territory: String) -> TkResult<PyDispatch> {
    let model = Arc::clone(model);
    let inner = py.detach(move || model.dispatch(&matter, &territory).map(Dispatch::into_owned))?;
    Ok(PyDispatch { inner })
}
