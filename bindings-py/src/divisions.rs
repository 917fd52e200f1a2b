//! `tiaokuai.import_divisions`: China's administrative divisions (NBS 2023 codes) as a model.

use pyo3::prelude::*;

use crate::errors::TkResult;
use crate::model::PyModel;

/// Imports the territory tree of a division code prefix from the embedded NBS 2023 tables:
/// ``"all"`` (or ``""``) for all of China, or a 2-, 4-, 6- or 9-digit code (``"31"`` is
/// Shanghai, ``"310113"`` Baoshan district). The model holds territories only; its ``meta``
/// names the source. The GIL is released.
///
/// Raises ``InvalidInputError`` for a malformed or unknown code.
#[pyfunction]
#[pyo3(signature = (code = "all"))]
pub fn import_divisions(py: Python<'_>, code: &str) -> TkResult<PyModel> {
    let code = code.to_string();
    let model = py.detach(move || tiaokuai::divisions::import(&code))?;
    Ok(PyModel::wrap(model))
}
