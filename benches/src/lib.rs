//! Shared builders for the benches: models at district, city and national
//! scale from the deterministic generator, cached as JSON text; and what the
//! peer comparison's Rust binaries share ([`compare`]).

pub mod compare;

use tiaokuai::generate::{Scale, generate};
use tiaokuai::{LinkKind, Model};

/// The seed every bench uses, so runs compare like with like.
pub const SEED: u64 = 2024;

/// A generated model at a scale.
///
/// # Panics
/// When the generator fails (it does not for the built-in scales).
pub fn model(scale: Scale) -> Model {
    generate(scale, SEED).expect("the generator builds every built-in scale")
}

/// The scale named by the `TIAOKUAI_BENCH_SCALE` environment variable
/// (`district`, `city`, `national`), defaulting to `district` (fast: `cargo test --all-targets` runs each bench once).
pub fn scale_from_env() -> Scale {
    std::env::var("TIAOKUAI_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(Scale::District)
}

/// The two coverage rules of the peer comparison, on the public API: units with
/// three or more full members and no `party_org_of` link arriving, and territories
/// with no child territory and no `jurisdiction` link arriving. Returns the two
/// counts. (The query bench times it; `benches/compare/networkx_bench.py` and the
/// other peers of `make compare` do the same work.)
pub fn coverage_scan(model: &Model) -> (usize, usize) {
    let orphan_units = model
        .units()
        .filter(|&(n, u)| u.members().unwrap_or(0) >= 3 && model.in_degree(n, &LinkKind::PartyOrgOf) == 0)
        .count();
    let nobody = model
        .territories()
        .filter(|&(t, _)| model.children(t).next().is_none() && model.in_degree(t, &LinkKind::Jurisdiction) == 0)
        .count();
    (orphan_units, nobody)
}
