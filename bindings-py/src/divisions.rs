//! `tiaokuai.import_divisions`: China's administrative divisions (NBS 2023 codes) as a model.

use std::path::PathBuf;

use pyo3::prelude::*;
use tiaokuai::divisions::Divisions;

use crate::errors::{TkResult, invalid};
use crate::model::{PyModel, date_arg};

/// Imports the territory tree of a division code prefix from the embedded NBS 2023 tables:
/// ``"all"`` (or ``""``) for all of China, or a 2-, 4-, 6- or 9-digit code (``"31"`` is
/// Shanghai, ``"310113"`` Baoshan district). The model holds territories only; its ``meta``
/// names the source. The GIL is released.
///
/// ``tables`` reads the division list from a folder instead (``provinces.csv``,
/// ``cities.csv``, ``areas.csv``, ``streets.csv``, the layout of ``data/divisions/``).
/// ``previous`` (a folder of the same layout) and ``changed_on`` (the day the new codes took
/// effect, a ``str`` or ``datetime.date``) go together: the model then also records what
/// changed since the previous list. Codes only in it end the day before ``changed_on``,
/// codes only in the new list start that day, a renamed code keeps ``former_name`` in its
/// attrs, and ``succeeded_by`` links say ``recode``, ``merge`` or ``split`` where the names
/// show it. What the names cannot settle is left unlinked and listed in
/// ``meta["unmatched"]``.
///
/// Raises ``InvalidInputError`` for a malformed or unknown code, a malformed ``changed_on``,
/// or ``previous`` without ``changed_on`` (or the reverse); ``IoError`` for an unreadable
/// folder and ``CsvError`` for a malformed table (naming the file and line).
#[pyfunction]
#[pyo3(signature = (code = "all", *, tables = None, previous = None, changed_on = None))]
pub fn import_divisions(
    py: Python<'_>,
    code: &str,
    tables: Option<PathBuf>,
    previous: Option<PathBuf>,
    changed_on: Option<&Bound<'_, PyAny>>,
) -> TkResult<PyModel> {
    let changed_on = changed_on.filter(|d| !d.is_none()).map(date_arg).transpose()?;
    let previous = match (previous, changed_on) {
        (Some(dir), Some(on)) => Some((dir, on)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(invalid("import_divisions", "previous needs changed_on: the day the new codes took effect"));
        }
        (None, Some(_)) => {
            return Err(invalid(
                "import_divisions",
                "changed_on needs previous: the division list in force before that day",
            ));
        }
    };
    let code = code.to_string();
    let model = py.detach(move || -> tiaokuai::Result<tiaokuai::Model> {
        let owned;
        let divisions = match tables {
            Some(dir) => {
                owned = Divisions::from_dir(dir)?;
                &owned
            }
            None => Divisions::embedded(),
        };
        match previous {
            None => divisions.import(&code),
            Some((dir, on)) => Ok(divisions.import_changes(&Divisions::from_dir(dir)?, &code, on)?.0),
        }
    })?;
    Ok(PyModel::wrap(model))
}
