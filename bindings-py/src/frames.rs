//! Core [`Table`]s as data frames, column by column.
//!
//! A table crosses into Python as one tuple per column, `(name, type, len, a, b, c, d)`, with
//! every value packed in Arrow's layout (native-endian buffers, validity bitmaps with bit i
//! set when value i is present; no Python object per cell), which `tiaokuai/_frames.py` hands
//! to pyarrow without a copy (and from there to pandas and polars), or wraps with numpy when
//! pyarrow is not installed:
//!
//! | type       | a                        | b                  | c                   | d                  |
//! |------------|--------------------------|--------------------|---------------------|--------------------|
//! | `str`      | UTF-8 bytes              | i64 offsets (n+1)  | validity            |                    |
//! | `json`     | UTF-8 bytes (JSON text)  | i64 offsets        | validity            | parsed, for pandas |
//! | `int`      | i64 values               | validity           |                     |                    |
//! | `float`    | f64 values               | validity           |                     |                    |
//! | `bool`     | value bitmap             | validity           |                     |                    |
//! | `date`     | i32 days from 1970-01-01 | validity           |                     |                    |
//! | `category` | i32 codes (-1 missing)   | validity           | list of categories  | ordered            |

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use tiaokuai::table::{ColumnData, Strings, Table, date_days};

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

/// Arrow's validity bitmap: bit i (least significant first) set when value i is present.
fn bitmap(present: impl Iterator<Item = bool>, len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len.div_ceil(8)];
    for (i, p) in present.enumerate() {
        if p {
            out[i / 8] |= 1 << (i % 8);
        }
    }
    out
}

fn validity<T>(values: &[Option<T>]) -> Vec<u8> {
    bitmap(values.iter().map(Option::is_some), values.len())
}

/// Strings as Arrow's `large_string` buffers: UTF-8 bytes end to end and `len + 1` i64 offsets.
fn string_buffers(values: &Strings) -> Vec<u8> {
    let mut offsets = Vec::with_capacity((values.len() + 1) * 8);
    offsets.extend_from_slice(&0i64.to_ne_bytes());
    for &end in values.ends() {
        offsets.extend_from_slice(&(end as i64).to_ne_bytes());
    }
    offsets
}

/// The JSON cells parsed in one call (one JSON array of them all), numbers exact as `attrs` gives them.
fn parse_json_cells<'py>(py: Python<'py>, values: &Strings) -> PyResult<Bound<'py, PyAny>> {
    let mut text = String::with_capacity(values.data().len() + values.len() * 5 + 2);
    text.push('[');
    for i in 0..values.len() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(values.get(i).unwrap_or("null"));
    }
    text.push(']');
    json_loads(py, &text)
}

/// The table's columns in the form `_frames.py` reads (see the module docs). With
/// `parse_json`, JSON columns also carry their cells as Python objects.
pub(crate) fn columns<'py>(py: Python<'py>, table: &Table, parse_json: bool) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let none = || py.None().into_bound(py);
    let bytes = |b: &[u8]| PyBytes::new(py, b).into_any();
    for col in table.columns() {
        let n = col.data.len();
        let (a, b, c, d): (Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>) = match &col.data
        {
            ColumnData::Str(v) | ColumnData::Json(v) => {
                let offsets = string_buffers(v);
                let objects = match &col.data {
                    ColumnData::Json(v) if parse_json => parse_json_cells(py, v)?,
                    _ => none(),
                };
                let present = bitmap(v.present().iter().copied(), v.len());
                (bytes(v.data().as_bytes()), bytes(&offsets), bytes(&present), objects)
            }
            ColumnData::Int(v) => (
                bytes(&bytes_of(v.iter().map(|x| x.unwrap_or(0)), n, i64::to_ne_bytes)),
                bytes(&validity(v)),
                none(),
                none(),
            ),
            ColumnData::Float(v) => (
                bytes(&bytes_of(v.iter().map(|x| x.unwrap_or(f64::NAN)), n, f64::to_ne_bytes)),
                bytes(&validity(v)),
                none(),
                none(),
            ),
            ColumnData::Bool(v) => {
                (bytes(&bitmap(v.iter().map(|x| x.unwrap_or(false)), n)), bytes(&validity(v)), none(), none())
            }
            ColumnData::Date(v) => (
                bytes(&bytes_of(v.iter().map(|x| x.map_or(0, date_days)), n, i32::to_ne_bytes)),
                bytes(&validity(v)),
                none(),
                none(),
            ),
            ColumnData::Category(cat) => (
                bytes(&bytes_of(cat.codes.iter().map(|c| c.map_or(-1, |c| c as i32)), n, i32::to_ne_bytes)),
                bytes(&validity(&cat.codes)),
                PyList::new(py, &cat.categories)?.into_any(),
                pyo3::types::PyBool::new(py, cat.ordered).to_owned().into_any(),
            ),
        };
        let name = col.name.as_str().into_pyobject(py)?.into_any();
        let ty = col.data.type_name().into_pyobject(py)?.into_any();
        let n = n.into_pyobject(py)?.into_any();
        out.append(PyTuple::new(py, [name, ty, n, a, b, c, d])?)?;
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
