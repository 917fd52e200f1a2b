//! Time (issue #12): the timeline of a model, as the core computes it.

use std::sync::Arc;

use pyo3::prelude::*;
use tiaokuai::time::{Every, Timeline};

use crate::convert::to_py;
use crate::errors::{TkResult, invalid};
use crate::frames::{self, Library};
use crate::model::date_arg;

/// The metrics and the findings counted by rule at a series of dates (:meth:`Model.timeline`).
///
/// ``rows`` are dicts (``date``, ``day``, ``errors``, ``warnings``, ``infos``,
/// ``findings`` by rule, ``counts``, ``rates``); ``to_pandas()`` gives one row per date with
/// ``day`` as a datetime, counts as ``Int64`` and rates as ``Float64``; ``plot()`` draws the
/// counts as lines over time.
#[pyclass(name = "Timeline", module = "tiaokuai", frozen)]
pub struct PyTimeline {
    inner: Arc<Timeline>,
}

impl PyTimeline {
    fn table(&self) -> tiaokuai::table::Table {
        tiaokuai::table::timeline_table(&self.inner)
    }
}

#[pymethods]
impl PyTimeline {
    /// The codes of the rules that fire at some date, in catalogue order.
    #[getter]
    fn rules(&self) -> Vec<&'static str> {
        self.inner.rules.clone()
    }

    /// The dates, as written (``"2019"``, ``"2019-06"``, ``"2020-06-01"``).
    #[getter]
    fn dates(&self) -> Vec<String> {
        self.inner.rows.iter().map(|r| r.date.to_string()).collect()
    }

    /// One dict per date: ``date``, ``day``, ``errors``, ``warnings``, ``infos``, ``findings``
    /// (by rule code), ``counts`` and ``rates`` (summed over the streets and towns).
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&*self.inner).unwrap_or_default();
        to_py(py, &value["rows"])
    }

    /// The timeline as a dict (``rules``, ``rows``): the JSON ``tiaokuai timeline --format json`` prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner)
    }

    /// The timeline as a pandas DataFrame indexed by ``date`` (as written), one row per date:
    /// ``day`` (the day it is read at, a datetime), ``errors``, ``warnings``, ``infos``, a
    /// column per rule (``Int64``) and the rates (``Float64``). Needs ``tiaokuai[pandas]``.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Pandas, Some("date"), "Timeline.to_pandas()")
    }

    /// The timeline as a polars DataFrame. Needs ``tiaokuai[polars]``.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Polars, None, "Timeline.to_polars()")
    }

    /// The timeline as a ``pyarrow.Table``. Needs ``tiaokuai[pyarrow]``.
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frames::frame(py, &self.table(), Library::Arrow, None, "Timeline.to_arrow()")
    }

    /// Draws findings over time on matplotlib axes (new ones unless ``ax`` is given): one
    /// line per column of ``columns`` (default: ``errors``, ``warnings``, ``infos``; any rule
    /// code or rate name of :meth:`to_pandas` may be given), and returns the axes. Needs
    /// matplotlib (``pip install 'tiaokuai[plot]'``); see :mod:`tiaokuai.plot`.
    #[pyo3(signature = (columns = None, ax = None))]
    fn plot<'py>(
        slf: &Bound<'py, Self>,
        columns: Option<Vec<String>>,
        ax: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::call_plot(slf.py(), "timeline", (slf, columns, ax))
    }

    fn __len__(&self) -> usize {
        self.inner.rows.len()
    }

    fn __repr__(&self) -> String {
        let span = match (self.inner.rows.first(), self.inner.rows.last()) {
            (Some(a), Some(b)) => format!(" from {} to {}", a.date, b.date),
            _ => String::new(),
        };
        format!("<Timeline: {} dates{span}, {} rules>", self.inner.rows.len(), self.inner.rules.len())
    }
}

/// `Model.timeline`: the dates from `from_`/`to`/`every` (see the core's `timeline_dates`), then the rows.
pub(crate) fn timeline(
    py: Python<'_>,
    model: &Arc<tiaokuai::Model>,
    config: tiaokuai::Config,
    from: Option<&Bound<'_, PyAny>>,
    to: Option<&Bound<'_, PyAny>>,
    every: Option<&str>,
    threads: usize,
) -> TkResult<PyTimeline> {
    let every = match every {
        None => None,
        Some("year") => Some(Every::Year),
        Some("quarter") => Some(Every::Quarter),
        Some("month") => Some(Every::Month),
        Some(other) => return Err(invalid("every", format!("{other:?}; expected year, quarter or month"))),
    };
    let from = from.filter(|d| !d.is_none()).map(date_arg).transpose()?;
    let to = to.filter(|d| !d.is_none()).map(date_arg).transpose()?;
    let dates = tiaokuai::time::timeline_dates(model, &config, from, to, every)?;
    let model = Arc::clone(model);
    let inner = py.detach(move || {
        let threads = tiaokuai::audit::threads_for(&model, threads);
        tiaokuai::time::timeline(&model, &config, &dates, threads)
    });
    Ok(PyTimeline { inner: Arc::new(inner) })
}
