//! Where is nobody: `Model.audit` and its `Report`, `Finding` and the rule catalogue.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use tiaokuai::{Area, Config, Finding, Level, LoadOptions, Model, RULES, Report, Severity};

use crate::convert::{html_table, import_optional, py_repr, to_json_text, to_py};
use crate::errors::{TkResult, invalid};

/// How many findings the HTML view of a report shows before it says "… and N more".
const HTML_ROWS: usize = 200;

/// Reads the `config` argument of `Model.audit`: None, a dict in the config format, or the
/// path of a `.json` or `.toml` config file.
pub(crate) fn config_from(
    py: Python<'_>,
    config: Option<&Bound<'_, PyAny>>,
    options: &LoadOptions,
) -> TkResult<Config> {
    let Some(config) = config.filter(|c| !c.is_none()) else {
        return Ok(Config::default());
    };
    if config.is_instance_of::<PyString>() || config.hasattr("__fspath__")? {
        let path: PathBuf = config.extract()?;
        let options = options.clone();
        return Ok(py.detach(move || Config::load_with(&path, &options))?);
    }
    if config.cast::<pyo3::types::PyMapping>().is_ok() {
        let text = to_json_text(config, "config")?;
        return Ok(Config::from_json_str_with(&text, options)?);
    }
    let type_name = config.get_type().name()?.to_string();
    Err(PyTypeError::new_err(format!(
        "config must be None, a dict in the audit config format, or the path of a .json or .toml file, not {type_name}"
    ))
    .into())
}

/// Runs the audit (GIL released).
pub(crate) fn audit(
    py: Python<'_>,
    model: &Arc<Model>,
    config: Option<&Bound<'_, PyAny>>,
    options: &LoadOptions,
) -> TkResult<PyReport> {
    let config = config_from(py, config, options)?;
    let model = Arc::clone(model);
    let audited = Arc::clone(&model);
    let report = py.detach(move || audited.audit(&config));
    Ok(PyReport { inner: Arc::new(report), model })
}

// ---------------------------------------------------------------------------
// Finding

/// One finding of the audit: a rule, the record it is about, and the evidence (frozen).
#[pyclass(name = "Finding", module = "tiaokuai", frozen)]
pub struct PyFinding {
    report: Arc<Report>,
    index: usize,
}

impl PyFinding {
    fn finding(&self) -> &Finding {
        &self.report.findings[self.index]
    }
}

#[pymethods]
impl PyFinding {
    /// The rule's code, e.g. ``"C001"``.
    #[getter]
    fn rule(&self) -> &'static str {
        self.finding().rule
    }

    /// The rule's name, e.g. ``"no-party-org"``.
    #[getter]
    fn name(&self) -> &'static str {
        self.finding().name
    }

    /// ``"error"``, ``"warning"`` or ``"info"``.
    #[getter]
    fn severity(&self) -> &'static str {
        self.finding().severity.as_str()
    }

    /// The id of the record the finding is about (for A001–A004, the matter).
    #[getter]
    fn subject(&self) -> &str {
        &self.finding().subject
    }

    /// The id of the street/town the subject belongs to, when one can be told.
    #[getter]
    fn territory(&self) -> Option<&str> {
        self.finding().territory.as_deref()
    }

    /// What is wrong, in plain English, naming ids and names.
    #[getter]
    fn message(&self) -> &str {
        &self.finding().message
    }

    /// The links and fields the finding rests on, and the links looked for and not found.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.finding().evidence)
    }

    /// The finding as a dict: the JSON the CLI prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.finding())
    }

    fn __str__(&self) -> String {
        self.finding().to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let f = self.finding();
        format!("<Finding {} {} {} {}>", f.severity, f.rule, f.name, py_repr(py, &f.subject))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyFinding>().is_ok_and(|o| o.get().finding() == self.finding())
    }
}

// ---------------------------------------------------------------------------
// Report

/// The result of :meth:`Model.audit`: the findings (by rule code, then the subject's document
/// order), a summary with counts by severity and rule, and the per-territory metrics.
///
/// ``str(report)`` is the table the CLI prints; notebooks show an HTML table.
#[pyclass(name = "Report", module = "tiaokuai", frozen)]
pub struct PyReport {
    inner: Arc<Report>,
    /// The model audited, for `to_html` (shared, not copied).
    model: Arc<Model>,
}

fn level_of(level: &str) -> TkResult<Option<Level>> {
    Ok(Some(match level {
        "street" | "township" | "townships" => Level::Street,
        "district" | "districts" => Level::District,
        "city" | "cities" => Level::City,
        "province" | "provinces" => Level::Province,
        "country" | "countries" => Level::Country,
        "comparison" => return Ok(None),
        other => {
            return Err(invalid(
                "metrics level",
                format!("{other:?}; expected street, district, city, province, country or comparison"),
            ));
        }
    }))
}

const COUNT_FIELDS: &[&str] = &[
    "units",
    "units_with_own_org",
    "units_in_joint_branch",
    "units_covered",
    "units_with_members",
    "units_with_members_covered",
    "in_system_units",
    "in_system_covered",
    "out_of_system_units",
    "out_of_system_covered",
    "out_of_system_work_covered",
    "party_orgs_to_register",
    "party_orgs_registered",
    "agencies",
    "agencies_with_assessment",
    "agencies_with_consent",
    "agencies_with_required_powers",
    "matters",
    "matters_single_lead",
];

const RATE_FIELDS: &[&str] = &[
    "org_coverage",
    "org_coverage_with_members",
    "org_coverage_in_system",
    "org_coverage_out_of_system",
    "work_coverage",
    "dual_registration",
    "block_power",
    "matter_coverage",
];

/// One area as a flat dict: id, name, kind, parent, townships, then every count and rate.
fn area_row<'py>(py: Python<'py>, area: &Area) -> PyResult<Bound<'py, PyDict>> {
    let nested = to_py(py, area)?.cast_into::<PyDict>()?;
    let row = PyDict::new(py);
    for key in ["id", "name", "kind", "parent", "townships"] {
        row.set_item(key, nested.get_item(key)?)?;
    }
    for group in ["counts", "rates"] {
        if let Some(inner) = nested.get_item(group)? {
            row.update(inner.cast::<pyo3::types::PyMapping>()?)?;
        }
    }
    Ok(row)
}

#[pymethods]
impl PyReport {
    /// The findings, in a stable order.
    #[getter]
    fn findings(&self) -> Vec<PyFinding> {
        (0..self.inner.findings.len()).map(|index| PyFinding { report: Arc::clone(&self.inner), index }).collect()
    }

    /// The per-territory metrics as a dict: ``townships``, ``districts``, ``cities``,
    /// ``provinces``, ``countries`` (lists of areas with ``id``, ``name``, ``kind``,
    /// ``parent``, ``townships``, ``counts`` and ``rates``), ``comparison`` (urban streets vs
    /// rural towns) and ``unplaced_units``.
    #[getter]
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.metrics)
    }

    /// True when some finding has severity error.
    #[getter]
    fn has_errors(&self) -> bool {
        self.inner.has_errors()
    }

    /// Counts by severity (``errors``, ``warnings``, ``infos``) and, under ``rules``, every rule
    /// of the catalogue with the severity it ran at (None when switched off) and its findings.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.summary)
    }

    /// The number of findings at a severity (``"error"``, ``"warning"`` or ``"info"``).
    fn count(&self, severity: &str) -> TkResult<usize> {
        let s: Severity = severity.parse()?;
        Ok(self.inner.count(s))
    }

    /// The findings of one rule, by code (``"C001"``) or name (``"no-party-org"``).
    fn findings_of(&self, rule: &str) -> TkResult<Vec<PyFinding>> {
        let Some(r) = tiaokuai::Rule::find(rule) else {
            return Err(invalid("rule", format!("unknown rule {rule:?}; expected a code S001 … L002 or a rule name")));
        };
        Ok(self
            .inner
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.rule == r.code)
            .map(|(index, _)| PyFinding { report: Arc::clone(&self.inner), index })
            .collect())
    }

    /// The report as a dict (``summary``, ``findings``, ``metrics``): the JSON the CLI prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner)
    }

    /// The report as pretty JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The report as one self-contained HTML page (what ``tiaokuai report`` writes):
    /// drill-down by place with totals, filters, evidence, charts and chains, nothing
    /// fetched. ``max_details`` findings (worst first) carry message and evidence;
    /// ``title`` defaults to the model's ``meta.name``. The GIL is released.
    #[pyo3(signature = (*, max_details = 20_000, title = None))]
    fn to_html(&self, py: Python<'_>, max_details: usize, title: Option<String>) -> String {
        let mut options = tiaokuai::html::HtmlOptions::default().max_details(max_details);
        if let Some(title) = title {
            options = options.title(title);
        }
        let (model, report) = (Arc::clone(&self.model), Arc::clone(&self.inner));
        py.detach(move || tiaokuai::html::to_html(&model, &report, &options))
    }

    /// The findings as a pandas DataFrame: one row per finding with ``rule``, ``name``,
    /// ``severity``, ``subject``, ``territory``, ``message`` and ``evidence`` (a list of dicts).
    /// Needs pandas (``pip install 'tiaokuai[pandas]'``).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = import_optional(py, "pandas", "Report.to_pandas()")?;
        let rows = to_py(py, &self.inner.findings)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", ["rule", "name", "severity", "subject", "territory", "message", "evidence"])?;
        pd.getattr("DataFrame")?.call((rows,), Some(&kwargs))
    }

    /// The metrics of one level as a pandas DataFrame indexed by territory id, one column per
    /// count and rate: ``level`` is ``"street"`` (streets/towns, the default), ``"district"``,
    /// ``"city"``, ``"province"``, ``"country"`` or ``"comparison"`` (urban vs rural).
    /// Needs pandas (``pip install 'tiaokuai[pandas]'``).
    #[pyo3(signature = (level = "street"))]
    fn metrics_frame<'py>(&self, py: Python<'py>, level: &str) -> TkResult<Bound<'py, PyAny>> {
        let areas = match level_of(level)? {
            Some(l) => self.inner.metrics.areas(l),
            None => &self.inner.metrics.comparison[..],
        };
        let pd = import_optional(py, "pandas", "Report.metrics_frame()")?;
        let rows = PyList::empty(py);
        for a in areas {
            rows.append(area_row(py, a)?)?;
        }
        let columns: Vec<&str> = ["id", "name", "kind", "parent", "townships"]
            .into_iter()
            .chain(COUNT_FIELDS.iter().copied())
            .chain(RATE_FIELDS.iter().copied())
            .collect();
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", columns)?;
        let frame = pd.getattr("DataFrame")?.call((rows,), Some(&kwargs))?;
        Ok(frame.call_method1("set_index", ("id",))?)
    }

    fn __len__(&self) -> usize {
        self.inner.findings.len()
    }

    fn __str__(&self) -> String {
        self.inner.render()
    }

    fn __repr__(&self) -> String {
        let s = &self.inner.summary;
        format!(
            "<Report: {} findings ({} errors, {} warnings, {} infos), {} streets/towns>",
            self.inner.findings.len(),
            s.errors,
            s.warnings,
            s.infos,
            self.inner.metrics.townships.len()
        )
    }

    fn _repr_html_(&self) -> String {
        let r = &self.inner;
        let s = &r.summary;
        let mut out = format!(
            "<p><b>{} findings</b>: {} errors, {} warnings, {} infos</p>",
            r.findings.len(),
            s.errors,
            s.warnings,
            s.infos
        );
        let rows: Vec<Vec<String>> = r
            .findings
            .iter()
            .take(HTML_ROWS)
            .map(|f| {
                vec![
                    f.severity.to_string(),
                    f.rule.to_string(),
                    f.name.to_string(),
                    f.subject.clone(),
                    f.territory.clone().unwrap_or_default(),
                    f.message.clone(),
                ]
            })
            .collect();
        out.push_str(&html_table("", &["severity", "rule", "name", "subject", "street/town", "message"], &rows));
        if r.findings.len() > HTML_ROWS {
            out.push_str(&format!(
                "<p>… and {} more (see <code>report.findings</code> or <code>report.to_pandas()</code>)</p>",
                r.findings.len() - HTML_ROWS
            ));
        }
        out
    }
}

/// The rule catalogue: one dict per rule, in catalogue order (S, C, D, A, B, L), with ``code``,
/// ``name``, ``family``, ``default_severity``, ``profile``, ``summary`` and ``source``.
#[pyfunction]
pub fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py(py, &RULES)
}
