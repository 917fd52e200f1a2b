//! Where is nobody: `Model.audit` and its `Report`, `Finding` and the rule catalogue.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use tiaokuai::{Config, Finding, Level, LoadOptions, Model, RULES, Report, Severity};

use crate::convert::{html_headline, html_table, html_table_truncated, py_repr, to_json_text, to_py};
use crate::errors::{TkResult, invalid};
use crate::frames::{self, Library};

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
    threads: usize,
) -> TkResult<PyReport> {
    let config = config_from(py, config, options)?;
    let model = Arc::clone(model);
    let audited = Arc::clone(&model);
    let report = py.detach(move || audited.audit_on(&config, threads));
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

    /// The facts of this finding resting on a record or link only possibly in force at the
    /// model's date, as a list of dicts like ``evidence``; empty when none.
    #[getter]
    fn uncertain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.finding().uncertain)
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

    fn _repr_html_(&self) -> String {
        let f = self.finding();
        let evidence: Vec<String> = f.evidence.iter().map(|fact| fact.to_string()).collect();
        let rows = [
            ("severity", f.severity.to_string()),
            ("rule", format!("{} {}", f.rule, f.name)),
            ("subject", f.subject.clone()),
            ("street/town", f.territory.clone().unwrap_or_default()),
            ("message", f.message.clone()),
        ]
        .into_iter()
        .map(|(k, v)| vec![k.to_string(), v])
        .chain(evidence.iter().enumerate().map(|(i, e)| vec![format!("evidence[{i}]"), e.clone()]));
        html_table_truncated(
            &format!("{}[{} {}] {}", f.severity, f.rule, f.name, f.subject),
            &["field", "value"],
            rows,
            5 + evidence.len(),
            "<code>finding.evidence</code>",
        )
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

impl PyReport {
    fn findings_table(&self) -> tiaokuai::table::Table {
        tiaokuai::table::findings_table(&self.inner, Some(self.model.as_ref()))
    }
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
            return Err(invalid("rule", format!("unknown rule {rule:?}; expected a code S001 … M004 or a rule name")));
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

    /// The findings as a pandas DataFrame, one row per finding, built column by column:
    /// ``rule``, ``name``, ``severity`` (an ordered categorical ``error < warning < info``, so
    /// ``sort_values("severity")`` puts errors first), ``subject``, ``subject_name``,
    /// ``territory``, ``territory_name``, ``message`` and ``evidence`` (a dict). Needs pandas
    /// (``pip install 'tiaokuai[pandas]'``).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.findings_table(), Library::Pandas, None, "Report.to_pandas()")
    }

    /// The findings as a polars DataFrame (the columns of :meth:`to_pandas`; ``severity`` an
    /// ``Enum`` in that order, ``evidence`` JSON text). Needs polars (``pip install 'tiaokuai[polars]'``).
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.findings_table(), Library::Polars, None, "Report.to_polars()")
    }

    /// The findings as a ``pyarrow.Table`` (the columns of :meth:`to_polars`). Needs pyarrow
    /// (``pip install 'tiaokuai[arrow]'``).
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.findings_table(), Library::Arrow, None, "Report.to_arrow()")
    }

    /// The metrics of one level as a frame, one row per area, one column per count
    /// (``Int64``) and rate (``Float64``, missing where the denominator is 0): ``level`` is
    /// ``"street"`` (streets/towns, the default), ``"district"``, ``"city"``, ``"province"``,
    /// ``"country"`` or ``"comparison"`` (urban vs rural). ``library`` is ``"pandas"`` (the
    /// default; indexed by territory id), ``"polars"`` or ``"arrow"``; each needs its library.
    #[pyo3(signature = (level = "street", *, library = "pandas"))]
    fn metrics_frame<'py>(&self, py: Python<'py>, level: &str, library: &str) -> TkResult<Bound<'py, PyAny>> {
        let areas = match level_of(level)? {
            Some(l) => self.inner.metrics.areas(l),
            None => &self.inner.metrics.comparison[..],
        };
        let library = Library::parse(library)?;
        let index = (library == Library::Pandas).then_some("id");
        Ok(frames::frame(py, &tiaokuai::table::areas_table(areas), library, index, "Report.metrics_frame()")?)
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
        let mut out = html_headline(
            &format!("{} findings", r.findings.len()),
            &format!(
                "{} errors, {} warnings, {} infos; {} streets/towns measured",
                s.errors,
                s.warnings,
                s.infos,
                r.metrics.townships.len()
            ),
        );
        let by_rule: Vec<Vec<String>> = s
            .rules
            .iter()
            .filter(|c| c.findings > 0)
            .map(|c| {
                let severity = c.severity.map(|v| v.to_string()).unwrap_or_default();
                vec![severity, c.code.to_string(), c.name.to_string(), c.findings.to_string()]
            })
            .collect();
        if !by_rule.is_empty() {
            out.push_str(&html_table("by rule", &["severity", "rule", "name", "findings"], &by_rule));
        }
        let rows = r.findings.iter().map(|f| {
            vec![
                f.severity.to_string(),
                f.rule.to_string(),
                f.name.to_string(),
                f.subject.clone(),
                f.territory.clone().unwrap_or_default(),
                f.message.clone(),
            ]
        });
        out.push_str(&html_table_truncated(
            "findings",
            &["severity", "rule", "name", "subject", "street/town", "message"],
            rows,
            r.findings.len(),
            "<code>report.findings</code> or <code>report.to_pandas()</code>",
        ));
        out
    }

    /// Draws the findings by rule, one bar per rule split by severity, on matplotlib axes
    /// (new ones unless ``ax`` is given) and returns the axes. Needs matplotlib
    /// (``pip install 'tiaokuai[plot]'``); see :mod:`tiaokuai.plot`.
    #[pyo3(signature = (ax = None))]
    fn plot<'py>(slf: &Bound<'py, Self>, ax: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::call_plot(slf.py(), "report", (slf, ax))
    }

    /// Draws one rate (``rate``, default ``"org_coverage"``) of the metrics of one ``level``
    /// (as :meth:`metrics_frame`) as bars per area, split in-system vs out-of-system for the
    /// organisational coverage, labelled by the areas' names, and returns the axes. Needs
    /// matplotlib (``pip install 'tiaokuai[plot]'``); see :mod:`tiaokuai.plot`.
    #[pyo3(signature = (level = "street", rate = "org_coverage", ax = None))]
    fn plot_metrics<'py>(
        slf: &Bound<'py, Self>,
        level: &str,
        rate: &str,
        ax: Option<&Bound<'py, PyAny>>,
    ) -> TkResult<Bound<'py, PyAny>> {
        level_of(level)?;
        // The rates as the core names them (its serde form), in its order.
        let rates = match serde_json::to_value(tiaokuai::Rates::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        if !rates.iter().any(|r| r == rate) {
            return Err(invalid("rate", format!("{rate:?}; expected one of {}", rates.join(", "))));
        }
        Ok(crate::convert::call_plot(slf.py(), "metrics", (slf, level, rate, ax))?)
    }
}

/// The rule catalogue: one dict per rule, in catalogue order (S, C, D, A, B, L, T), with ``code``,
/// ``name``, ``family``, ``default_severity``, ``profile``, ``summary`` and ``source``.
#[pyfunction]
pub fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py(py, &RULES)
}
