#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! Query speed: chains, block chains, dispatch and territory walks over a fixed
//! pseudo-random sample of records, plus a two-rule coverage scan written
//! against the public API (the same work `compare/networkx_bench.py` does in
//! NetworkX).
//!
//! ```text
//! TIAOKUAI_BENCH_SCALE=national cargo bench -p tiaokuai-benches --bench query
//! ```
//!
//! Each bench cycles through [`SAMPLES`] records drawn with [`SAMPLE_SEED`]
//! (SplitMix64, indices into the document order of units, territories and
//! matters, so the Python side draws the very same records), one call per
//! iteration, so the figures include cache misses across a big model. The
//! query index is built before anything is measured. Output values are dropped
//! inside the timed loop: building and freeing an answer is part of its cost.
//!
//! With `--features mimalloc` the bench runs on mimalloc instead of the system
//! allocator: the owned answers are allocation-bound, and glibc's malloc is slow
//! on the fragmented heap a big model leaves behind (see docs/benchmarks.md).

use std::hint::black_box;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use tiaokuai::{Level, Line, Node, chain, dispatch, leadership_path, resolve_leads, responsible_for};

/// How many records each bench cycles through.
const SAMPLES: usize = 10_000;
/// The seed of the sample (shared with `compare/networkx_bench.py`).
const SAMPLE_SEED: u64 = 20_240_601;

/// SplitMix64, as in `compare/networkx_bench.py`.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (multiply-shift).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// `SAMPLES` picks from `pool`, with replacement.
fn pick<T: Copy>(rng: &mut SplitMix, pool: &[T]) -> Vec<T> {
    (0..SAMPLES).map(|_| pool[rng.below(pool.len())]).collect()
}

/// Runs `f` on the next sample at each iteration.
fn cycle<T: Copy, R>(samples: &[T], mut f: impl FnMut(T) -> R) -> impl FnMut() -> R {
    let mut i = 0;
    move || {
        let x = samples[i];
        i = if i + 1 == samples.len() { 0 } else { i + 1 };
        f(black_box(x))
    }
}

fn query(c: &mut Criterion) {
    let scale = tiaokuai_benches::scale_from_env();
    let model = tiaokuai_benches::model(scale);
    let units: Vec<Node> = model.units().map(|(n, _)| n).collect();
    let territories: Vec<Node> = model.territories().map(|(n, _)| n).collect();
    let townships: Vec<Node> = territories.iter().copied().filter(|&t| model.level(t) == Some(Level::Street)).collect();
    let matters: Vec<Node> = model.matters().map(|(n, _)| n).collect();

    let mut rng = SplitMix(SAMPLE_SEED);
    let unit_sample = pick(&mut rng, &units);
    let place_sample = pick(&mut rng, &territories);
    let pairs: Vec<(Node, Node)> =
        (0..SAMPLES).map(|_| (matters[rng.below(matters.len())], townships[rng.below(townships.len())])).collect();
    let any_pairs: Vec<(Node, Node)> =
        (0..SAMPLES).map(|_| (matters[rng.below(matters.len())], territories[rng.below(territories.len())])).collect();

    // Build the lazy query index outside the measurements; the sample's mean path length is
    // printed so the NetworkX side can be checked to walk the same chains.
    let paths: Vec<(Vec<Node>, bool)> = unit_sample.iter().map(|&u| leadership_path(&model, u)).collect();
    let steps: usize = paths.iter().map(|(p, _)| p.len()).sum();
    let cycles = paths.iter().filter(|(_, c)| *c).count();
    println!(
        "unit sample: {SAMPLES} units, mean leadership path {:.4} units, {cycles} ending in a cycle",
        steps as f64 / SAMPLES as f64
    );
    drop(paths);
    black_box(dispatch(&model, pairs[0].0, pairs[0].1));

    let mut g = c.benchmark_group(format!("query/{scale}"));
    g.bench_function("leadership_path", |b| b.iter(cycle(&unit_sample, |u| leadership_path(&model, u))));
    g.bench_function("chain_leadership", |b| b.iter(cycle(&unit_sample, |u| chain(&model, u, Line::Leadership))));
    g.bench_function("responsible_for", |b| b.iter(cycle(&place_sample, |t| responsible_for(&model, t))));
    g.bench_function("resolve_leads", |b| b.iter(cycle(&pairs, |(m, t)| resolve_leads(&model, m, t))));
    g.bench_function("dispatch", |b| b.iter(cycle(&pairs, |(m, t)| dispatch(&model, m, t))));
    g.bench_function("dispatch_any_place", |b| b.iter(cycle(&any_pairs, |(m, t)| dispatch(&model, m, t))));
    g.bench_function("ancestors", |b| b.iter(cycle(&place_sample, |t| model.ancestors(t).collect::<Vec<Node>>())));
    g.finish();

    let mut g = c.benchmark_group(format!("scan/{scale}"));
    g.sample_size(10);
    g.bench_function("coverage_2_rules", |b| b.iter(|| tiaokuai_benches::coverage_scan(&model)));
    g.finish();
    let (units_without_org, territories_without_holder) = tiaokuai_benches::coverage_scan(&model);
    println!(
        "coverage scan: {units_without_org} units with >= 3 members and no party_org_of, {territories_without_holder} leaf territories with no jurisdiction holder"
    );
}

criterion_group!(benches, query);
criterion_main!(benches);
