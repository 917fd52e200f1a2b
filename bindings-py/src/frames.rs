//! Core [`Table`]s as data frames, column by column.
//!
//! A table crosses into Python as one tuple per column, `(name, type, a, b, c)`, with the
//! numbers packed in native-endian buffers (no Python object per cell) that
//! `tiaokuai/_frames.py` wraps with numpy and hands to pandas, polars or pyarrow:
//!
//! | type       | a                          | b                              | c       |
//! |------------|----------------------------|--------------------------------|---------|
//! | `str`      | list of str or None        |                                |         |
//! | `json`     | list of str or None (text), or of parsed objects for pandas |  |         |
//! | `int`      | i64 values                 | u8 mask, 1 = missing           |         |
//! | `float`    | f64 values                 | u8 mask                        |         |
//! | `bool`     | u8 values                  | u8 mask                        |         |
//! | `date`     | i32 days from 1970-01-01   | u8 mask                        |         |
//! | `category` | list of the categories     | i32 codes, -1 = missing        | ordered |

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use tiaokuai::table::{ColumnData, Table, date_days};

use crate::convert::{import_optional, json_loads};

/// The frame libraries a table can become.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Library {
    Pandas,
    Polars,
    Arrow,
}

impl Library {
    /// The module to import, and the name of the function of `tiaokuai._frames`.
    fn module(self) -> &'static str {
        match self {
            Library::Pandas => "pandas",
            Library::Polars => "polars",
            Library::Arrow => "pyarrow",
        }
    }

    fn builder(self) -> &'static str {
        match self {
            Library::Pandas => "to_pandas",
            Library::Polars => "to_polars",
            Library::Arrow => "to_arrow",
        }
    }

    /// The library named by a user (`"pandas"`, `"polars"`, `"arrow"`).
    pub(crate) fn parse(name: &str) -> crate::errors::TkResult<Library> {
        match name {
            "pandas" => Ok(Library::Pandas),
            "polars" => Ok(Library::Polars),
            "arrow" | "pyarrow" => Ok(Library::Arrow),
            other => {
                Err(crate::errors::invalid("frame library", format!("{other:?}; expected pandas, polars or arrow")))
            }
        }
    }
}

fn bytes_of<T: Copy, const N: usize>(values: impl Iterator<Item = T>, len: usize, to: fn(T) -> [u8; N]) -> Vec<u8> {
    let mut out = Vec::with_capacity(len * N);
    for v in values {
        out.extend_from_slice(&to(v));
    }
    out
}

fn mask<T>(values: &[Option<T>]) -> Vec<u8> {
    values.iter().map(|v| u8::from(v.is_none())).collect()
}

/// The table's columns in the form `_frames.py` reads (see the module docs). With
/// `parse_json`, JSON cells become Python objects (numbers exact, as `attrs` gives them).
pub(crate) fn columns<'py>(py: Python<'py>, table: &Table, parse_json: bool) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let none = || py.None().into_bound(py);
    for col in table.columns() {
        let name = col.name.as_str();
        let ty = col.data.type_name();
        let n = col.data.len();
        let (a, b, c): (Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>) = match &col.data {
            ColumnData::Str(v) => (PyList::new(py, v.iter().map(|s| s.as_deref()))?.into_any(), none(), none()),
            ColumnData::Json(v) if parse_json => {
                let list = PyList::empty(py);
                for s in v {
                    match s {
                        Some(text) => list.append(json_loads(py, text)?)?,
                        None => list.append(py.None())?,
                    }
                }
                (list.into_any(), none(), none())
            }
            ColumnData::Json(v) => (PyList::new(py, v.iter().map(|s| s.as_deref()))?.into_any(), none(), none()),
            ColumnData::Int(v) => (
                PyBytes::new(py, &bytes_of(v.iter().map(|x| x.unwrap_or(0)), n, i64::to_ne_bytes)).into_any(),
                PyBytes::new(py, &mask(v)).into_any(),
                none(),
            ),
            ColumnData::Float(v) => (
                PyBytes::new(py, &bytes_of(v.iter().map(|x| x.unwrap_or(f64::NAN)), n, f64::to_ne_bytes)).into_any(),
                PyBytes::new(py, &mask(v)).into_any(),
                none(),
            ),
            ColumnData::Bool(v) => (
                PyBytes::new(py, &v.iter().map(|x| u8::from(x.unwrap_or(false))).collect::<Vec<u8>>()).into_any(),
                PyBytes::new(py, &mask(v)).into_any(),
                none(),
            ),
            ColumnData::Date(v) => (
                PyBytes::new(py, &bytes_of(v.iter().map(|x| x.map_or(0, date_days)), n, i32::to_ne_bytes)).into_any(),
                PyBytes::new(py, &mask(v)).into_any(),
                none(),
            ),
            ColumnData::Category(cat) => (
                PyList::new(py, &cat.categories)?.into_any(),
                PyBytes::new(py, &bytes_of(cat.codes.iter().map(|c| c.map_or(-1, |c| c as i32)), n, i32::to_ne_bytes))
                    .into_any(),
                pyo3::types::PyBool::new(py, cat.ordered).to_owned().into_any(),
            ),
        };
        out.append(PyTuple::new(py, [name.into_pyobject(py)?.into_any(), ty.into_pyobject(py)?.into_any(), a, b, c])?)?;
    }
    Ok(out)
}

/// The table as a frame of `library`; for pandas, indexed by the column `index` when given.
/// `what` names the method in the error raised when the library is not installed.
pub(crate) fn frame<'py>(
    py: Python<'py>,
    table: &Table,
    library: Library,
    index: Option<&str>,
    what: &str,
) -> PyResult<Bound<'py, PyAny>> {
    import_optional(py, library.module(), what)?;
    let cols = columns(py, table, library == Library::Pandas)?;
    let build = py.import("tiaokuai._frames")?.getattr(library.builder())?;
    match library {
        Library::Pandas => build.call1((cols, index)),
        _ => build.call1((cols,)),
    }
}
