//! `tiaokuai.run_scenario`: the shared scenario files (a model and its expected answers).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use tiaokuai::scenario::{self, Outcome};

use crate::convert::{html_headline, html_table_truncated, py_repr, to_py};
use crate::errors::TkResult;

/// The result of one scenario: every expectation checked, with what was expected and found.
///
/// ``bool(outcome)`` is ``outcome.passed``; ``str(outcome)`` names the scenario and, for each
/// failed check, the expected and actual values.
#[pyclass(name = "ScenarioOutcome", module = "tiaokuai", frozen)]
pub struct PyOutcome {
    inner: Outcome,
}

#[pymethods]
impl PyOutcome {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The file it came from, if any.
    #[getter]
    fn path(&self) -> Option<&str> {
        self.inner.path.as_deref()
    }

    /// True when every check passed.
    #[getter]
    fn passed(&self) -> bool {
        self.inner.passed()
    }

    /// The number of failed checks.
    #[getter]
    fn failures(&self) -> usize {
        self.inner.failures()
    }

    /// Every check, in the order of the file: dicts with ``what``, ``passed``, ``expected``
    /// and ``actual``.
    #[getter]
    fn checks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.checks)
    }

    /// The outcome as a dict (``name``, ``path``, ``checks``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(to_py(py, &self.inner)?.cast_into::<PyDict>()?)
    }

    fn __bool__(&self) -> bool {
        self.inner.passed()
    }

    fn __str__(&self) -> String {
        self.inner.render()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let status = if self.inner.passed() { "passed" } else { "FAILED" };
        format!(
            "<ScenarioOutcome {}: {status}, {} checks, {} failed>",
            py_repr(py, &self.inner.name),
            self.inner.checks.len(),
            self.inner.failures()
        )
    }

    fn _repr_html_(&self) -> String {
        let o = &self.inner;
        let status = if o.passed() { "passed" } else { "FAILED" };
        let mut out = html_headline(
            &format!("{}: {status}", o.name),
            &format!("{} checks, {} failed", o.checks.len(), o.failures()),
        );
        // the failed checks first, each group in the scenario's order
        let failed = o.checks.iter().filter(|c| !c.passed);
        let rows = failed.chain(o.checks.iter().filter(|c| c.passed)).map(|c| {
            vec![
                if c.passed { "ok" } else { "FAIL" }.to_string(),
                c.what.clone(),
                c.expected.to_string(),
                c.actual.to_string(),
            ]
        });
        out.push_str(&html_table_truncated(
            "",
            &["", "check", "expected", "actual"],
            rows,
            o.checks.len(),
            "<code>outcome.checks</code>",
        ));
        out
    }
}

/// Reads and runs a scenario file: a model (inline, or ``model_file`` relative to the
/// scenario) with its expected findings, chains, block chains, dispatches and metrics. The
/// GIL is released. A scenario whose expectations fail is not an error: check
/// ``outcome.passed`` (or ``bool(outcome)``).
///
/// ``max_bytes`` limits the size of the scenario file and of the model file it names (each is
/// never read past it; default 4 GiB). The scenario follows the model's JSON rules (a key
/// given twice is an error naming it, a byte-order mark is skipped, at most 127 levels
/// deep), and an inline model is read exactly as a model file is.
///
/// Raises ``IoError`` when the file cannot be read, ``InvalidInputError`` for a malformed
/// scenario, ``TooLargeError`` over ``max_bytes``, and the model's loading errors.
#[pyfunction]
#[pyo3(signature = (path, *, max_bytes = None))]
pub fn run_scenario(py: Python<'_>, path: PathBuf, max_bytes: Option<u64>) -> TkResult<PyOutcome> {
    let options = crate::model::options(max_bytes);
    let inner = py.detach(move || scenario::run_file_with(&path, &options))?;
    Ok(PyOutcome { inner })
}
