//! Case logs against the model (issue #15): `tiaokuai.cases(model, log_path, ...)`.

use std::path::PathBuf;

use pyo3::prelude::*;
use tiaokuai::cases::{Analysis, CaseTable, Options};

use crate::convert::to_py;
use crate::errors::{TkResult, invalid};
use crate::frames::{self, Library};
use crate::model::PyModel;

/// The result of :func:`cases`: the summary, the problem rows, and the tables as frames.
///
/// Tables (``table=``): ``"territory"`` (every level: grid and community cases roll up),
/// ``"unit"`` (the unit that kept the case), ``"matter"``, ``"month"``, ``"source"``
/// (the log's ``source``: ``hotline``, ``patrol``, …; each with a
/// ``findings`` column splitting the cases whose territory or lead unit carries audit
/// findings), ``"findings"`` (the two rows), ``"problems"`` and ``"cases"`` (one row per
/// case, only with ``keep_cases=True``). See docs/cases.md for every measure.
#[pyclass(name = "Cases", module = "tiaokuai", frozen)]
pub struct PyCases {
    inner: Analysis,
}

fn which(table: &str) -> TkResult<CaseTable> {
    table.parse::<CaseTable>().map_err(|e| invalid("table", e))
}

#[pymethods]
impl PyCases {
    /// The headline numbers as a dict: ``rows``, ``events``, ``all``, ``with_findings``,
    /// ``without_findings`` (each a dict of counts and sums), ``reopened``, ``problems``,
    /// ``peak_open``, ``views``, ``on_time_days``.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.summary)
    }

    /// The rows that could not be used: dicts with ``row``, ``case``, ``kind``, ``message``.
    #[getter]
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.problems)
    }

    /// One table as a pandas DataFrame (typed columns: counts ``Int64``, means ``Float64``,
    /// ``findings`` boolean, ``level``/``class``/``kind`` categorical). Needs ``tiaokuai[pandas]``.
    ///
    /// Raises ``InvalidInputError`` for an unknown table name.
    #[pyo3(signature = (table = "territory"))]
    fn to_pandas<'py>(&self, py: Python<'py>, table: &str) -> TkResult<Bound<'py, PyAny>> {
        let t = self.inner.table(which(table)?);
        Ok(frames::frame(py, &t, Library::Pandas, None, "Cases.to_pandas()")?)
    }

    /// One table as a polars DataFrame. Needs ``tiaokuai[polars]``.
    #[pyo3(signature = (table = "territory"))]
    fn to_polars<'py>(&self, py: Python<'py>, table: &str) -> TkResult<Bound<'py, PyAny>> {
        let t = self.inner.table(which(table)?);
        Ok(frames::frame(py, &t, Library::Polars, None, "Cases.to_polars()")?)
    }

    /// One table as a ``pyarrow.Table`` (the columns of :meth:`to_pandas`: counts ``int64``,
    /// means ``float64``, ``level``/``class``/``kind`` dictionary arrays, dates ``date32``).
    /// Needs pyarrow (``pip install 'tiaokuai[pyarrow]'``): without it, ``ImportError``
    /// names the extra.
    ///
    /// Raises ``InvalidInputError`` for an unknown table name.
    #[pyo3(signature = (table = "territory"))]
    fn to_arrow<'py>(&self, py: Python<'py>, table: &str) -> TkResult<Bound<'py, PyAny>> {
        let t = self.inner.table(which(table)?);
        Ok(frames::frame(py, &t, Library::Arrow, None, "Cases.to_arrow()")?)
    }

    fn __repr__(&self) -> String {
        let s = &self.inner.summary;
        format!(
            "<Cases: {} cases, {} right, {} misrouted, {} problems>",
            s.all.cases, s.all.right, s.all.misrouted, s.problems
        )
    }
}

/// Replays a case log (CSV with one event per row or one row per case, or JSON Lines)
/// against ``model``, each case at its report date: classified right, misrouted, gap
/// (no lead, several leads), unknown or undispatched, with returns, A→B→A cycles, times,
/// on-time closure (``on_time`` days, report → close) and satisfaction. Bad rows are
/// listed in ``problems``, never raised. ``keep_cases=True`` keeps one row per case (the
/// ``"cases"`` table; memory then grows with the log). ``config`` is an audit config (a
/// path or dict) for the findings split. The GIL is released.
///
/// Raises ``IoError`` when the log cannot be read, ``CsvError`` when its header lacks the
/// required columns.
#[pyfunction]
#[pyo3(signature = (model, log_path, *, on_time = 15.0, keep_cases = false, config = None))]
pub fn cases(
    py: Python<'_>,
    model: &PyModel,
    log_path: PathBuf,
    on_time: f64,
    keep_cases: bool,
    config: Option<&Bound<'_, PyAny>>,
) -> TkResult<PyCases> {
    if !(on_time.is_finite() && on_time >= 0.0) {
        return Err(invalid("on_time", format!("{on_time}: use a number of days, 0 or more")));
    }
    let mut options = Options::default().on_time(on_time).keep_cases(keep_cases);
    options.config = crate::audit::config_from(py, config, &crate::model::options(None))?;
    let model = std::sync::Arc::clone(&model.inner);
    let inner = py.detach(move || tiaokuai::cases::analyse_path(&model, &log_path, &options))?;
    Ok(PyCases { inner })
}

/// Writes a synthetic case log for ``model`` to ``log_path`` (CSV, one event per row, in
/// time order): ``cases`` cases reported over ``days`` days from 2024-01-01, with known
/// shares of gaps, misrouted, returned and A→B→A cases, and, when ``key_path`` is given,
/// the answer key there (``case, class, leads, unit, returns, cycle, closed``). Returns
/// the counts written (``cases``, ``events``, ``returns``, ``cycles``, ``open`` and one per
/// class). Files are written atomically. The GIL is released.
///
/// Raises ``InvalidInputError`` for a model without matters, territories or two units.
#[pyfunction]
#[pyo3(signature = (model, log_path, cases, *, seed = 1, days = 365, key_path = None))]
pub fn generate_cases<'py>(
    py: Python<'py>,
    model: &PyModel,
    log_path: PathBuf,
    cases: u64,
    seed: u64,
    days: u32,
    key_path: Option<PathBuf>,
) -> TkResult<Bound<'py, PyAny>> {
    let mut options = tiaokuai::cases::GenerateOptions::new(cases, seed);
    options.days = days;
    let model = std::sync::Arc::clone(&model.inner);
    let made = py.detach(move || tiaokuai::cases::generate_to(&model, &options, &log_path, key_path.as_deref()))?;
    Ok(to_py(py, &made.to_json())?)
}
