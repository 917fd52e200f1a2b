//! The exception classes, and the one conversion from `tiaokuai::Error` to a Python exception.
//!
//! `TiaokuaiError(Exception)` is the base; each core error variant (by its
//! stable [`tiaokuai::Error::kind`] name) has a subclass that also derives from
//! the builtin that fits (`UnknownIdError(TiaokuaiError, KeyError)`,
//! `IoError(TiaokuaiError, OSError)`, itself refined by the I/O error kind into
//! `FileNotFoundIoError(IoError, FileNotFoundError)` …, the rest `ValueError`). The classes are
//! created once, when the module is first imported, because PyO3's
//! `create_exception!` cannot give a class two bases.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// One exception class: the core error kind, the Python class name, its builtin base and docstring.
struct ClassSpec {
    kind: &'static str,
    name: &'static str,
    builtin: &'static str,
    doc: &'static str,
    /// Extra attributes the instances carry (class-level default `None`).
    extra: &'static [&'static str],
}

const SPECS: &[ClassSpec] = &[
    ClassSpec {
        kind: "syntax",
        name: "JsonSyntaxError",
        builtin: "ValueError",
        doc: "The input is not well-formed JSON (or not UTF-8, or empty); `line` and `column` say where.",
        extra: &["line", "column"],
    },
    ClassSpec {
        kind: "format",
        name: "FormatError",
        builtin: "ValueError",
        doc: "The `format` field is missing or names a version this library does not read.",
        extra: &[],
    },
    ClassSpec {
        kind: "invalid_field",
        name: "InvalidFieldError",
        builtin: "ValueError",
        doc: "A field of a record or link has the wrong type, is missing, unknown, or has an invalid value.",
        extra: &[],
    },
    ClassSpec {
        kind: "invalid_count",
        name: "InvalidCountError",
        builtin: "ValueError",
        doc: "A count (`members`, `staff`, `in_service_members`) is negative, fractional, too large or not a number.",
        extra: &[],
    },
    ClassSpec {
        kind: "unknown_word",
        name: "UnknownWordError",
        builtin: "ValueError",
        doc: "A kind, sector, power, role or list is not part of its vocabulary (custom words start with `x-`).",
        extra: &[],
    },
    ClassSpec {
        kind: "duplicate_id",
        name: "DuplicateIdError",
        builtin: "ValueError",
        doc: "Two records share an id; `id` is the id.",
        extra: &[],
    },
    ClassSpec {
        kind: "dangling_reference",
        name: "DanglingReferenceError",
        builtin: "ValueError",
        doc: "A field names an id that no record has; `id` is the id named.",
        extra: &[],
    },
    ClassSpec {
        kind: "wrong_endpoint",
        name: "WrongEndpointError",
        builtin: "ValueError",
        doc: "A reference names a record of the wrong type for its link kind or field; `id` is the id named.",
        extra: &[],
    },
    ClassSpec {
        kind: "territory_cycle",
        name: "TerritoryCycleError",
        builtin: "ValueError",
        doc: "A territory's `parent` chain loops back on itself.",
        extra: &[],
    },
    ClassSpec {
        kind: "too_large",
        name: "TooLargeError",
        builtin: "ValueError",
        doc: "The input is larger than the size limit (`max_bytes`).",
        extra: &[],
    },
    ClassSpec {
        kind: "io",
        name: "IoError",
        builtin: "OSError",
        doc: "A file or folder could not be read or written; `filename` is the path.",
        extra: &[],
    },
    ClassSpec {
        kind: "csv",
        name: "CsvError",
        builtin: "ValueError",
        doc: "A CSV file of a bundle is malformed; `filename` is the file within the bundle, `line` the line.",
        extra: &["filename", "line"],
    },
    ClassSpec {
        kind: "unknown_id",
        name: "UnknownIdError",
        builtin: "KeyError",
        doc: "A query or lookup named an id that is not in the model; `id` is the id.",
        extra: &[],
    },
    ClassSpec {
        kind: "not_in_force",
        // A subclass of UnknownIdError (so of KeyError): the id is not in the model as read at its date.
        name: "NotInForceError",
        builtin: "UnknownIdError",
        doc: "A query or lookup named a record that is not in force at the date the model is read at; `id` is \
              the id, `date` the model's date, `validity` the record's dates (`2015 to 2020-05-31`).",
        extra: &["date", "validity"],
    },
    ClassSpec {
        kind: "wrong_record_type",
        name: "WrongRecordTypeError",
        builtin: "ValueError",
        doc: "A query named a record of the wrong type (a territory where a unit is needed …); `id` is the id.",
        extra: &[],
    },
    ClassSpec {
        kind: "changed",
        name: "ChangedError",
        builtin: "OSError",
        doc: "A file (or a CSV bundle's folder) changed while it was being read; nothing was loaded. \
              `filename` is the path: read it again once whatever writes it is done.",
        extra: &[],
    },
    ClassSpec {
        kind: "image",
        name: "ImageError",
        builtin: "ValueError",
        doc: "A model image (`.tkz`: `Model.open`, `Model.from_image`) cannot be read: it is not one, it is of \
              another layout, or it is damaged or truncated (its checksum or length do not match). Nothing was \
              loaded; rebuild the image from the model's JSON.",
        extra: &[],
    },
    ClassSpec {
        kind: "invalid",
        name: "InvalidInputError",
        builtin: "ValueError",
        doc: "Invalid input other than a model: a division code, an audit config, a scenario, a generator scale, \
              a vocabulary word given as an argument.",
        extra: &[],
    },
    ClassSpec {
        kind: "rejected",
        // A subclass of InvalidInputError (so of ValueError): refused input, every problem listed.
        name: "RejectedError",
        builtin: "InvalidInputError",
        doc: "An input was refused for several problems, all found at once (a change set that does not apply \
              to the model: an id that is not there, an id added twice, a result that is not a valid model). \
              `problems` lists every problem's message; nothing was changed.",
        extra: &["problems"],
    },
];

const BASE_DOC: &str = "Base class of every error raised by tiaokuai.

Attributes (``None`` when they do not apply):

* ``kind``: the core error's stable name (``\"dangling_reference\"`` …);
* ``record``: the record the error is about, as the message names it
  (``'links[17] (from \"s1-gw\")'``);
* ``field``: the field (``\"to\"``, ``\"members\"`` …);
* ``id``: the offending id (the id named, duplicated or asked for), else the record's own id.";

struct Classes {
    base: Py<PyType>,
    by_kind: Vec<(&'static str, &'static str, Py<PyType>)>,
    /// Subclasses of `IoError` that are also the builtin `OSError` subclass of an I/O error kind.
    io_by_kind: Vec<(std::io::ErrorKind, &'static str, Py<PyType>)>,
}

/// The I/O error kinds with a builtin `OSError` subclass: the kind, the `IoError` subclass's
/// name, the builtin and the `errno` name (looked up in Python's `errno` module).
const IO_SPECS: &[(std::io::ErrorKind, &str, &str, &str)] = &[
    (std::io::ErrorKind::NotFound, "FileNotFoundIoError", "FileNotFoundError", "ENOENT"),
    (std::io::ErrorKind::PermissionDenied, "PermissionIoError", "PermissionError", "EACCES"),
    (std::io::ErrorKind::IsADirectory, "IsADirectoryIoError", "IsADirectoryError", "EISDIR"),
    (std::io::ErrorKind::NotADirectory, "NotADirectoryIoError", "NotADirectoryError", "ENOTDIR"),
    (std::io::ErrorKind::AlreadyExists, "FileExistsIoError", "FileExistsError", "EEXIST"),
];

/// Other kinds with an `errno` but no subclass of their own.
const IO_ERRNO: &[(std::io::ErrorKind, &str)] = &[
    (std::io::ErrorKind::StorageFull, "ENOSPC"),
    (std::io::ErrorKind::BrokenPipe, "EPIPE"),
    (std::io::ErrorKind::ReadOnlyFilesystem, "EROFS"),
    (std::io::ErrorKind::InvalidInput, "EINVAL"),
];

/// The `errno` of an I/O error kind, if Python's `errno` module knows one.
fn errno_of(py: Python<'_>, kind: std::io::ErrorKind) -> PyResult<Option<i64>> {
    let name = IO_SPECS
        .iter()
        .find(|(k, ..)| *k == kind)
        .map(|(.., e)| *e)
        .or_else(|| IO_ERRNO.iter().find(|(k, _)| *k == kind).map(|(_, e)| *e));
    match name {
        Some(n) => py.import("errno")?.getattr(n)?.extract().map(Some).or(Ok(None)),
        None => Ok(None),
    }
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn create(py: Python<'_>) -> PyResult<Classes> {
    let builtins = py.import("builtins")?;
    let type_ = builtins.getattr("type")?;
    let base_dict = PyDict::new(py);
    base_dict.set_item("__module__", "tiaokuai")?;
    base_dict.set_item("__doc__", BASE_DOC)?;
    for attr in ["kind", "record", "field", "id"] {
        base_dict.set_item(attr, py.None())?;
    }
    let bases = PyTuple::new(py, [py.get_type::<PyException>()])?;
    let base = type_.call1(("TiaokuaiError", bases, base_dict))?.cast_into::<PyType>()?;
    let plain_str = builtins.getattr("BaseException")?.getattr("__str__")?;
    let mut by_kind: Vec<(&'static str, &'static str, Py<PyType>)> = Vec::with_capacity(SPECS.len());
    for spec in SPECS {
        let dict = PyDict::new(py);
        dict.set_item("__module__", "tiaokuai")?;
        dict.set_item("__doc__", spec.doc)?;
        dict.set_item("kind", spec.kind)?;
        // KeyError and OSError would quote the message or prefix "[Errno None]": show it as written.
        dict.set_item("__str__", &plain_str)?;
        for attr in spec.extra {
            dict.set_item(*attr, py.None())?;
        }
        // A subclass of one of our classes (created earlier in SPECS), else of the base and a builtin.
        let bases = match by_kind.iter().find(|(_, name, _)| *name == spec.builtin) {
            Some((_, _, class)) => PyTuple::new(py, [class.bind(py).as_any()])?,
            None => PyTuple::new(py, [base.as_any(), &builtins.getattr(spec.builtin)?])?,
        };
        let class = type_.call1((spec.name, bases, dict))?.cast_into::<PyType>()?;
        by_kind.push((spec.kind, spec.name, class.unbind()));
    }
    let io = by_kind.iter().find(|(k, ..)| *k == "io").map(|(.., c)| c.clone_ref(py)).expect("IoError is in SPECS");
    let mut io_by_kind = Vec::with_capacity(IO_SPECS.len());
    for (kind, name, builtin, _) in IO_SPECS {
        let dict = PyDict::new(py);
        dict.set_item("__module__", "tiaokuai")?;
        dict.set_item(
            "__doc__",
            format!("An :class:`IoError` that is also a ``{builtin}``: catch either (``errno`` is set)."),
        )?;
        let bases = PyTuple::new(py, [io.bind(py).as_any(), &builtins.getattr(*builtin)?])?;
        let class = type_.call1((*name, bases, dict))?.cast_into::<PyType>()?;
        io_by_kind.push((*kind, *name, class.unbind()));
    }
    Ok(Classes { base: base.unbind(), by_kind, io_by_kind })
}

fn classes(py: Python<'_>) -> PyResult<&'static Classes> {
    CLASSES.get_or_try_init(py, || create(py))
}

/// Adds `TiaokuaiError` and every subclass to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = classes(py)?;
    m.add("TiaokuaiError", classes.base.bind(py))?;
    let io = classes.io_by_kind.iter().map(|(_, name, class)| (name, class));
    for (name, class) in classes.by_kind.iter().map(|(_, name, class)| (name, class)).chain(io) {
        m.add(*name, class.bind(py))?;
    }
    Ok(())
}

/// The Python exception for a core error: the class of its kind, with `kind`,
/// `record`, `field` and `id` set (and `line`, `column`, `filename` where they apply).
fn to_exception(py: Python<'_>, err: &tiaokuai::Error) -> PyResult<PyErr> {
    let classes = classes(py)?;
    let kind = err.kind();
    let io_kind = match err {
        tiaokuai::Error::Io { io_kind, .. } => Some(*io_kind),
        _ => None,
    };
    let class = io_kind
        .and_then(|k| classes.io_by_kind.iter().find(|(ik, ..)| *ik == k).map(|(.., c)| c))
        .or_else(|| classes.by_kind.iter().find(|(k, _, _)| *k == kind).map(|(_, _, c)| c))
        .unwrap_or(&classes.base);
    let exc = class.bind(py).call1((err.to_string(),))?;
    exc.setattr("kind", kind)?;
    exc.setattr("record", err.position().map(|p| p.to_string()))?;
    exc.setattr("field", err.field())?;
    exc.setattr("id", err.id())?;
    match err {
        tiaokuai::Error::Syntax { line, column, .. } => {
            exc.setattr("line", *line)?;
            exc.setattr("column", *column)?;
        }
        tiaokuai::Error::Io { path, message, io_kind } => {
            exc.setattr("filename", path)?;
            exc.setattr("strerror", message)?;
            exc.setattr("errno", errno_of(py, *io_kind)?)?;
        }
        tiaokuai::Error::Changed { path } => exc.setattr("filename", path)?,
        tiaokuai::Error::Csv { file, line, .. } => {
            exc.setattr("filename", file)?;
            exc.setattr("line", *line)?;
        }
        tiaokuai::Error::NotInForce { date, validity, .. } => {
            exc.setattr("date", date)?;
            exc.setattr("validity", validity)?;
        }
        tiaokuai::Error::Rejected { problems, .. } => {
            let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            exc.setattr("problems", messages)?;
        }
        _ => {}
    }
    Ok(PyErr::from_value(exc))
}

/// The error type of every binding function: a core error or a Python error.
///
/// `?` turns both into it, and PyO3 turns it into the Python exception: this
/// is the one place where core errors become Python exceptions.
#[derive(Debug)]
pub enum TkPyErr {
    /// An error of the core library.
    Core(tiaokuai::Error),
    /// An error raised by Python (a conversion, a missing optional dependency …).
    Py(PyErr),
}

impl From<tiaokuai::Error> for TkPyErr {
    fn from(err: tiaokuai::Error) -> Self {
        TkPyErr::Core(err)
    }
}

impl From<PyErr> for TkPyErr {
    fn from(err: PyErr) -> Self {
        TkPyErr::Py(err)
    }
}

impl From<TkPyErr> for PyErr {
    fn from(err: TkPyErr) -> PyErr {
        match err {
            TkPyErr::Py(e) => e,
            TkPyErr::Core(e) => Python::attach(|py| to_exception(py, &e).unwrap_or_else(|failure| failure)),
        }
    }
}

/// `Result` of the binding functions.
pub type TkResult<T> = Result<T, TkPyErr>;

/// The `UnknownIdError` (a `KeyError`, `id` set) for an id the model holds but a record view
/// leaves out, with `message` saying why in place of "no record with id".
pub(crate) fn not_in_view(id: &str, message: String) -> TkPyErr {
    let err = tiaokuai::Error::UnknownId { id: id.to_string() };
    TkPyErr::Py(
        Python::attach(|py| {
            let exc = to_exception(py, &err)?;
            exc.value(py).setattr("args", (message,))?;
            Ok(exc)
        })
        .unwrap_or_else(|failure: PyErr| failure),
    )
}

/// An [`tiaokuai::Error::Invalid`] for a bad argument (`what` names it).
pub(crate) fn invalid(what: &str, message: impl Into<String>) -> TkPyErr {
    TkPyErr::Core(tiaokuai::Error::Invalid { what: what.to_string(), message: message.into() })
}
