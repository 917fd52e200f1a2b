//! Conversions between Python objects and JSON: Python values to JSON text (for
//! `Model.from_dict`), and `serde_json` values (the core's `Serialize` answers) to Python.

use pyo3::exceptions::{PyImportError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// How deep JSON may nest before we stop (a guard against self-containing objects).
const MAX_DEPTH: usize = 256;

/// One step of a path into a Python value: a dict key or a list index.
#[derive(Debug, Clone)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Where in the object an error happened, innermost first.
struct PathError {
    path: Vec<String>,
    segs: Vec<Seg>,
    err: PyErr,
    /// True for a NaN or infinite number (a value error the model reader would name by record).
    non_finite: bool,
}

impl PathError {
    fn new(err: PyErr) -> Self {
        PathError { path: Vec::new(), segs: Vec::new(), err, non_finite: false }
    }

    fn at(mut self, segment: String, seg: Seg) -> Self {
        self.path.push(segment);
        self.segs.push(seg);
        self
    }
}

/// A NaN or infinite number where JSON wants a number: the message, the path as Python
/// writes it (`['units'][7]['attrs']['bad']`) and its steps, outermost first.
pub(crate) struct NonFinite {
    pub message: String,
    pub path: String,
    pub segs: Vec<Seg>,
}

/// [`to_json_text`], telling a NaN or infinite number apart (with its path) so that a
/// caller can name the record holding it; other errors come as from `to_json_text`.
pub(crate) fn to_json_text_located(obj: &Bound<'_, PyAny>, what: &str) -> Result<String, Result<NonFinite, PyErr>> {
    let mut out = String::with_capacity(4096);
    match write_value(obj, &mut out, 0) {
        Ok(()) => Ok(out),
        Err(e) if e.non_finite => {
            let message = e.err.value(obj.py()).str().map(|s| s.to_string()).unwrap_or_default();
            let path: String = e.path.iter().rev().map(String::as_str).collect();
            let segs = e.segs.into_iter().rev().collect();
            Err(Ok(NonFinite { message, path, segs }))
        }
        Err(_) => Err(Err(to_json_text(obj, what).err().unwrap_or_else(|| PyValueError::new_err("invalid value")))),
    }
}

/// Writes a Python value (dicts with string keys, lists, tuples, strings, ints,
/// floats, finite `decimal.Decimal`s, bools, None) as compact JSON text. `what` names the value in messages.
///
/// # Errors
/// `TypeError` for a value JSON cannot hold (a set, an object, a non-string key),
/// `ValueError` for a NaN or infinite float or a structure nested too deeply (or containing itself).
pub(crate) fn to_json_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let mut out = String::with_capacity(4096);
    write_value(obj, &mut out, 0).map_err(|e| {
        let mut path = what.to_string();
        for seg in e.path.iter().rev() {
            path.push_str(seg);
        }
        let py = obj.py();
        let message = e.err.value(py).str().map(|s| s.to_string()).unwrap_or_default();
        let new = if e.err.is_instance_of::<PyTypeError>(py) {
            PyTypeError::new_err(format!("{path}: {message}"))
        } else {
            PyValueError::new_err(format!("{path}: {message}"))
        };
        new.set_cause(py, Some(e.err));
        new
    })?;
    Ok(out)
}

fn write_str(s: &str, out: &mut String) {
    // Serialising a string to JSON cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string()));
}

fn write_value(obj: &Bound<'_, PyAny>, out: &mut String, depth: usize) -> Result<(), PathError> {
    if depth > MAX_DEPTH {
        return Err(PathError::new(PyValueError::new_err(format!(
            "nested more than {MAX_DEPTH} levels deep (or contains itself)"
        ))));
    }
    if obj.is_none() {
        out.push_str("null");
    } else if let Ok(b) = obj.cast::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
    } else if obj.is_instance_of::<PyInt>() {
        // Most integers fit an i64 (extracted through __index__, so IntEnum members too).
        if let Ok(n) = obj.extract::<i64>() {
            out.push_str(&n.to_string());
            return Ok(());
        }
        // Through __index__ to a plain int, so big integers come out as digits.
        let int = obj.call_method0("__index__").map_err(PathError::new)?;
        int_text(&int, out).map_err(PathError::new)?;
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        let n = serde_json::Number::from_f64(v).ok_or_else(|| PathError {
            non_finite: true,
            ..PathError::new(PyValueError::new_err(format!("{v} is not a JSON number (NaN and infinities are not)")))
        })?;
        out.push_str(&n.to_string());
    } else if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow().map_err(PathError::new)?;
        write_str(&s, out);
    } else if let Ok(d) = obj.cast::<PyDict>() {
        out.push('{');
        for (i, (k, v)) in d.iter().enumerate() {
            let key = k.cast::<PyString>().map_err(|_| {
                let shown = k.repr().map(|r| r.to_string()).unwrap_or_else(|_| "?".into());
                PathError::new(PyTypeError::new_err(format!("key {shown} is not a string")))
            })?;
            let key = key.to_cow().map_err(PathError::new)?;
            if i > 0 {
                out.push(',');
            }
            write_str(&key, out);
            out.push(':');
            write_value(&v, out, depth + 1)
                .map_err(|e| e.at(format!("[{}]", py_repr(obj.py(), &key)), Seg::Key(key.to_string())))?;
        }
        out.push('}');
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        out.push('[');
        for (i, v) in obj.try_iter().map_err(PathError::new)?.enumerate() {
            let v = v.map_err(PathError::new)?;
            if i > 0 {
                out.push(',');
            }
            write_value(&v, out, depth + 1).map_err(|e| e.at(format!("[{i}]"), Seg::Index(i)))?;
        }
        out.push(']');
    } else if as_decimal(obj).map_err(PathError::new)? {
        // An exact number (as attrs give back beyond a float's range): its text, when finite.
        let finite = obj.call_method0("is_finite").and_then(|f| f.is_truthy()).map_err(PathError::new)?;
        let text = obj.str().map_err(PathError::new)?.to_string();
        if !finite {
            return Err(PathError {
                non_finite: true,
                ..PathError::new(PyValueError::new_err(format!(
                    "Decimal({text:?}) is not a JSON number (NaN and infinities are not)"
                )))
            });
        }
        out.push_str(&text);
    } else if is_mapping(obj).map_err(PathError::new)? {
        let d = PyDict::new(obj.py());
        d.update(obj.cast().map_err(|e| PathError::new(e.into()))?).map_err(PathError::new)?;
        write_value(d.as_any(), out, depth)?;
    } else {
        let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
        return Err(PathError::new(PyTypeError::new_err(format!(
            "a value of type {type_name} cannot be written as JSON (use dict, list, str, int, float, Decimal, bool or \
             None)"
        ))));
    }
    Ok(())
}

fn is_mapping(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    static MAPPING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = obj.py();
    let mapping =
        MAPPING.get_or_try_init(py, || py.import("collections.abc")?.getattr("Mapping").map(Bound::unbind))?;
    obj.is_instance(mapping.bind(py))
}

/// A `serde_json` value as a Python object: dicts (keys in order), lists, str, int, float, bool, None.
pub(crate) fn value_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, value_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Any `Serialize` value (a core answer) as a Python object, through its serde form.
pub(crate) fn to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value)
        .map_err(|e| PyValueError::new_err(format!("cannot convert the answer to Python: {e}")))?;
    value_to_py(py, &v)
}

/// Parses JSON text (attrs, meta) with Python's `json.loads`, keeping every number exact:
///
/// - integers of any size come back as `int`, also beyond Python's limit on converting
///   long digit strings (4300 digits), which would otherwise raise a plain `ValueError`;
/// - numbers with a fraction or exponent come back as `float` when a float holds them,
///   and as `decimal.Decimal` (exact) when one does not: beyond its range (`1e400`, which
///   would become `inf`) or so small that it would become `0.0` (`1e-400`).
///
/// Text in which no number can need the hooks (no run of more than 300 digits, no
/// exponent) goes to plain `json.loads`; the rest to one cached decoder with the hooks
/// (building a decoder per call, as `json.loads(text, parse_int=…)` does, cost more than
/// the parse).
pub(crate) fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static DECODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    if !needs_exact_hooks(text) {
        let loads = LOADS.get_or_try_init(py, || py.import("json")?.getattr("loads").map(Bound::unbind))?;
        return loads.bind(py).call1((text,));
    }
    let decode = DECODE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let hooks = PyDict::new(py);
        hooks.set_item("parse_int", pyo3::wrap_pyfunction!(parse_int, py)?)?;
        hooks.set_item("parse_float", pyo3::wrap_pyfunction!(parse_float, py)?)?;
        let decoder = py.import("json")?.getattr("JSONDecoder")?.call((), Some(&hooks))?;
        Ok(decoder.getattr("decode")?.unbind())
    })?;
    decode.bind(py).call1((text,))
}

/// True when a number in `text` may be one plain `json.loads` gets wrong: an integer
/// past Python's 4300-digit limit, or a float beyond `float`'s range (both need more
/// than 300 digits, or an exponent). A digit run or an `e` inside a string only sends
/// the text the slower, equally exact way.
fn needs_exact_hooks(text: &str) -> bool {
    let mut run = 0usize;
    for &b in text.as_bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run > 300 {
                return true;
            }
        } else {
            if (b == b'e' || b == b'E') && run > 0 {
                return true;
            }
            run = 0;
        }
    }
    false
}

/// Digits converted by Python's `int(str)` in one piece: below its default limit (4300).
const INT_CHUNK: usize = 4000;

/// `json.loads`'s `parse_int` hook: the integer, exactly, whatever its length.
#[pyfunction]
fn parse_int<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(n) = text.parse::<i64>() {
        return Ok(n.into_pyobject(py)?.into_any());
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let n = big_int(py, digits)?;
    if negative { n.call_method0("__neg__") } else { Ok(n) }
}

/// A non-negative decimal integer of any length, split in halves and joined as
/// `high * 10**k + low`: each piece stays under `int(str)`'s limit, and Python's
/// multiplication of big integers is sub-quadratic.
fn big_int<'py>(py: Python<'py>, digits: &str) -> PyResult<Bound<'py, PyAny>> {
    let int = py.get_type::<PyInt>();
    if digits.len() <= INT_CHUNK {
        return int.call1((digits,)).map(Bound::into_any);
    }
    let k = digits.len() / 2;
    let (high, low) = digits.split_at(digits.len() - k);
    let scale = 10u32.into_pyobject(py)?.call_method1("__pow__", (k,))?;
    big_int(py, high)?.call_method1("__mul__", (scale,))?.call_method1("__add__", (big_int(py, low)?,))
}

/// Writes an integer's decimal digits, also beyond Python's 4300-digit limit on `str(int)`:
/// a big one is split with `divmod` by a power of ten into halves written in turn
/// (sub-quadratic, as Python's division of big integers is).
fn int_text(int: &Bound<'_, PyAny>, out: &mut String) -> PyResult<()> {
    let py = int.py();
    let bits: usize = int.call_method0("bit_length")?.extract()?;
    // 13,000 bits are fewer than 4,000 digits: `str` converts them in one piece.
    if bits <= 13_000 {
        out.push_str(&int.str()?.to_cow()?);
        return Ok(());
    }
    if int.lt(0)? {
        out.push('-');
        return int_text(&int.call_method0("__neg__")?, out);
    }
    // About bits * log10(2) digits; the low half gets exactly `k` of them, zero-padded.
    let k = bits * 30103 / 100_000 / 2;
    let scale = 10u32.into_pyobject(py)?.call_method1("__pow__", (k,))?;
    let (high, low): (Bound<'_, PyAny>, Bound<'_, PyAny>) = int.call_method1("__divmod__", (scale,))?.extract()?;
    int_text(&high, out)?;
    let mut tail = String::new();
    int_text(&low, &mut tail)?;
    out.extend(std::iter::repeat_n('0', k.saturating_sub(tail.len())));
    out.push_str(&tail);
    Ok(())
}

/// `json.loads`'s `parse_float` hook: a `float` when it holds the number (correctly rounded,
/// as Python's `float(str)`), else a `decimal.Decimal` with the exact value.
#[pyfunction]
fn parse_float<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let v: f64 = text.parse().unwrap_or(f64::INFINITY);
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let underflow = v == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
    if v.is_finite() && !underflow {
        return Ok(PyFloat::new(py, v).into_any());
    }
    decimal_type(py)?.call1((text,))
}

/// Python's `decimal.Decimal`, imported once.
fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static DECIMAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    Ok(DECIMAL.get_or_try_init(py, || py.import("decimal")?.getattr("Decimal").map(Bound::unbind))?.bind(py))
}

/// True for a `decimal.Decimal`.
fn as_decimal(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    obj.is_instance(decimal_type(obj.py())?)
}

/// Imports an optional dependency, or raises an `ImportError` naming the extra that installs it.
pub(crate) fn import_optional<'py>(py: Python<'py>, module: &str, needed_for: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|e| {
        if e.is_instance_of::<PyImportError>(py) {
            let new = PyImportError::new_err(format!(
                "{needed_for} needs {module}, an optional dependency of tiaokuai: \
                 install it with `pip install 'tiaokuai[{module}]'` (or `pip install {module}`)"
            ));
            new.set_cause(py, Some(e));
            new
        } else {
            e
        }
    })
}

/// Escapes text for HTML: the core's escape, which the HTML report uses.
pub(crate) use tiaokuai::html::escape as html_escape;

/// An HTML table: a caption, headers and rows of cells (escaped here).
pub(crate) fn html_table(caption: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table class=\"tiaokuai {NO_MATH}\">");
    if !caption.is_empty() {
        out.push_str(&format!("<caption style=\"text-align:left\">{}</caption>", html_escape(caption)));
    }
    out.push_str("<thead><tr>");
    for h in headers {
        out.push_str(&format!("<th style=\"text-align:left\">{}</th>", html_escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td style=\"text-align:left\">{}</td>", html_escape(cell)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The classes that keep MathJax (2 and 3) off an HTML view: user data such as `$x$` in a
/// name must show as written, not as mathematics (pandas' `display.html.use_mathjax` does the same).
pub(crate) const NO_MATH: &str = "tex2jax_ignore mathjax_ignore";

/// How many rows an HTML view (`_repr_html_`) shows before it says "… and N more of TOTAL".
pub(crate) const HTML_ROWS: usize = 50;

/// The counts line an HTML view starts with: `headline` in bold, then `detail` (both escaped).
pub(crate) fn html_headline(headline: &str, detail: &str) -> String {
    if detail.is_empty() {
        format!("<p class=\"{NO_MATH}\"><b>{}</b></p>", html_escape(headline))
    } else {
        format!("<p class=\"{NO_MATH}\"><b>{}</b>: {}</p>", html_escape(headline), html_escape(detail))
    }
}

/// An HTML table of at most [`HTML_ROWS`] rows of `total`; when rows are left out, a line
/// says how many and where to find them all (`more` is trusted HTML, e.g. `<code>…</code>`).
pub(crate) fn html_table_truncated(
    caption: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    total: usize,
    more: &str,
) -> String {
    let rows: Vec<Vec<String>> = rows.take(HTML_ROWS).collect();
    let mut out = html_table(caption, headers, &rows);
    if total > rows.len() {
        out.push_str(&format!("<p>… and {} more of {total} (see {more})</p>", total - rows.len()));
    }
    out
}

/// Calls `tiaokuai.plot.<name>(*args)`: the plots are written in Python, on matplotlib.
pub(crate) fn call_plot<'py>(
    py: Python<'py>,
    name: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    py.import("tiaokuai.plot")?.getattr(name)?.call1(args)
}

/// A string as Python's `repr` shows it (`'宝山区'`).
pub(crate) fn py_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s).repr().map(|r| r.to_string()).unwrap_or_else(|_| format!("{s:?}"))
}

/// Runs `f` with Python's cyclic garbage collector paused (and restored after, also on
/// error). Building hundreds of thousands of dicts (a graph's nodes and edges) otherwise
/// triggers full collections that walk every object made so far, again and again: the
/// time grows faster than the input. The objects made hold no cycles.
pub(crate) fn without_gc<'py, T>(py: Python<'py>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    let gc = py.import("gc")?;
    let was_enabled = gc.call_method0("isenabled")?.is_truthy()?;
    if was_enabled {
        gc.call_method0("disable")?;
    }
    let result = f();
    if was_enabled {
        gc.call_method0("enable")?;
    }
    result
}

/// Reports progress of `total` steps to a tqdm bar (or to nothing when `bar` is None), calling
/// it at most about 100 times, so that counting costs nothing.
pub(crate) struct Ticker<'a, 'py> {
    bar: Option<&'a Bound<'py, PyAny>>,
    step: usize,
    done: usize,
    reported: usize,
}

impl<'a, 'py> Ticker<'a, 'py> {
    pub(crate) fn new(bar: &'a Bound<'py, PyAny>, total: usize) -> Self {
        Ticker { bar: (!bar.is_none()).then_some(bar), step: total.div_ceil(100).max(1), done: 0, reported: 0 }
    }

    /// One step done.
    pub(crate) fn tick(&mut self) -> PyResult<()> {
        self.done += 1;
        if let Some(bar) = self.bar
            && self.done - self.reported >= self.step
        {
            bar.call_method1("update", (self.done - self.reported,))?;
            self.reported = self.done;
        }
        Ok(())
    }

    /// Reports the rest and closes the bar.
    pub(crate) fn close(self) -> PyResult<()> {
        if let Some(bar) = self.bar {
            if self.done > self.reported {
                bar.call_method1("update", (self.done - self.reported,))?;
            }
            bar.call_method0("close")?;
        }
        Ok(())
    }
}
