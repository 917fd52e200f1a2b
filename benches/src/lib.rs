//! Shared builders for the benches: models at district, city and national
//! scale from the deterministic generator, cached as JSON text.

use tiaokuai::Model;
use tiaokuai::generate::{Scale, generate};

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
