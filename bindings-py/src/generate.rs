//! `tiaokuai.generate`: the deterministic synthetic model generator.

use pyo3::prelude::*;
use tiaokuai::generate::{GenerateOptions, Scale};

use crate::errors::TkResult;
use crate::model::PyModel;

/// Generates a synthetic but realistic model on the real division skeleton, deterministically
/// for a seed: ``"district"`` (Baoshan, about 10,000 records), ``"city"`` (Shanghai, about
/// 300,000 units) or ``"national"`` (all of China, about 5 million units, several GB).
/// ``prefix`` generates on another part of the division tree (a 2-, 4-, 6- or 9-digit code)
/// at the scale's density. Records carrying a deliberate defect have ``attrs["gaps"]``.
/// ``history=True`` dates about a quarter of the links and a twelfth of the units, links
/// within their ends' lives but for a few T002 gaps (``tiaokuai generate --history``),
/// ``meetings=True`` adds the communities' meetings of 2021–2023 (``--meetings``),
/// ``people=True`` a principal for every Party organisation,
/// government, department, agency and committee with a decade of terms, and community
/// workers at 18 per 10,000 residents (``--people``; deliberate P-gaps marked on the
/// ``holds`` links and townships). Without them the model is the same as before.
/// The GIL is released.
///
/// Raises ``InvalidInputError`` for an unknown scale or division prefix.
#[pyfunction]
#[pyo3(signature = (scale = "district", seed = 0, *, prefix = None, history = false, meetings = false, people = false))]
pub fn generate(
    py: Python<'_>,
    scale: &str,
    seed: u64,
    prefix: Option<String>,
    history: bool,
    meetings: bool,
    people: bool,
) -> TkResult<PyModel> {
    let scale: Scale = scale.parse()?;
    let mut options = GenerateOptions::new(scale, seed).history(history).meetings(meetings).people(people);
    if let Some(p) = prefix {
        options = options.prefix(p);
    }
    let model = py.detach(move || options.generate())?;
    Ok(PyModel::wrap(model))
}
