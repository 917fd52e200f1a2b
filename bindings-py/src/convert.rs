//! Conversions between Python objects and JSON: Python values to JSON text (for
//! `Model.from_dict`), and `serde_json` values (the core's `Serialize` answers) to Python.

use pyo3::exceptions::{PyImportError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// How deep JSON may nest before we stop (a guard against self-containing objects).
const MAX_DEPTH: usize = 256;

/// Where in the object an error happened, innermost last.
struct PathError {
    path: Vec<String>,
    err: PyErr,
}

impl PathError {
    fn new(err: PyErr) -> Self {
        PathError { path: Vec::new(), err }
    }

    fn at(mut self, segment: String) -> Self {
        self.path.push(segment);
        self
    }
}

/// Writes a Python value (dicts with string keys, lists, tuples, strings, ints,
/// floats, bools, None) as compact JSON text. `what` names the value in messages.
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
        // Through __index__ to a plain int, so IntEnum members and big integers come out as digits.
        let text = obj.call_method0("__index__").and_then(|i| i.str()).map_err(PathError::new)?;
        out.push_str(&text.to_string());
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        let n = serde_json::Number::from_f64(v).ok_or_else(|| {
            PathError::new(PyValueError::new_err(format!("{v} is not a JSON number (NaN and infinities are not)")))
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
            write_value(&v, out, depth + 1).map_err(|e| e.at(format!("[{}]", py_repr(obj.py(), &key))))?;
        }
        out.push('}');
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        out.push('[');
        for (i, v) in obj.try_iter().map_err(PathError::new)?.enumerate() {
            let v = v.map_err(PathError::new)?;
            if i > 0 {
                out.push(',');
            }
            write_value(&v, out, depth + 1).map_err(|e| e.at(format!("[{i}]")))?;
        }
        out.push(']');
    } else if is_mapping(obj).map_err(PathError::new)? {
        let d = PyDict::new(obj.py());
        d.update(obj.cast().map_err(|e| PathError::new(e.into()))?).map_err(PathError::new)?;
        write_value(d.as_any(), out, depth)?;
    } else {
        let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
        return Err(PathError::new(PyTypeError::new_err(format!(
            "a value of type {type_name} cannot be written as JSON (use dict, list, str, int, float, bool or None)"
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

/// Parses JSON text with Python's `json.loads`, so integers of any size stay exact.
pub(crate) fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || py.import("json")?.getattr("loads").map(Bound::unbind))?;
    loads.bind(py).call1((text,))
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

/// Escapes text for HTML.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table: a caption, headers and rows of cells (escaped here).
pub(crate) fn html_table(caption: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table class=\"tiaokuai\">");
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

/// A string as Python's `repr` shows it (`'宝山区'`).
pub(crate) fn py_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s).repr().map(|r| r.to_string()).unwrap_or_else(|_| format!("{s:?}"))
}
