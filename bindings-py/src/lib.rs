//! Python bindings of tiaokuai (条块): the native module `tiaokuai._tiaokuai`.
//!
//! The bindings convert arguments, call the core and map errors — nothing else.
//! Modules mirror the core's families: `model` (loading, writing, views),
//! `records`, `query`, `audit`, `divisions`, `generate`, `scenario`, `time`, `change`; `errors`
//! holds the exception classes and the one conversion from core errors.

use pyo3::prelude::*;

pub mod audit;
pub mod cases;
pub mod change;
pub mod convert;
pub mod divisions;
pub mod errors;
pub mod frames;
pub mod generate;
pub mod model;
pub mod query;
pub mod records;
pub mod scenario;
pub mod time;

/// The native module; `tiaokuai/__init__.py` re-exports everything from it.
#[pymodule]
fn _tiaokuai(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("FORMAT", tiaokuai::FORMAT)?;
    errors::register(m)?;
    m.add_class::<model::PyModel>()?;
    m.add_class::<records::PyRecord>()?;
    m.add_class::<records::PyTerritory>()?;
    m.add_class::<records::PyUnit>()?;
    m.add_class::<records::PyMatter>()?;
    m.add_class::<records::PyItem>()?;
    m.add_class::<records::PyPerson>()?;
    m.add_class::<records::PyLink>()?;
    m.add_class::<records::PyRecordView>()?;
    m.add_class::<records::PyLinkView>()?;
    // A record view is a read-only mapping from id to record.
    let mapping = m.py().import("collections.abc")?.getattr("Mapping")?;
    mapping.call_method1("register", (m.getattr("RecordView")?,))?;
    m.add_class::<query::PyChain>()?;
    m.add_class::<query::PyResponsibility>()?;
    m.add_class::<query::PyDispatch>()?;
    m.add_class::<audit::PyReport>()?;
    m.add_class::<audit::PyFinding>()?;
    m.add_class::<time::PyTimeline>()?;
    m.add_class::<cases::PyCases>()?;
    m.add_class::<scenario::PyOutcome>()?;
    m.add_class::<change::PyChangeSet>()?;
    m.add_function(wrap_pyfunction!(model::load, m)?)?;
    m.add_function(wrap_pyfunction!(model::sample, m)?)?;
    m.add_function(wrap_pyfunction!(model::from_networkx, m)?)?;
    m.add_function(wrap_pyfunction!(generate::generate, m)?)?;
    m.add_function(wrap_pyfunction!(cases::cases, m)?)?;
    m.add_function(wrap_pyfunction!(cases::generate_cases, m)?)?;
    m.add_function(wrap_pyfunction!(divisions::import_divisions, m)?)?;
    m.add_function(wrap_pyfunction!(audit::rules, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::run_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(change::diff, m)?)?;
    Ok(())
}
