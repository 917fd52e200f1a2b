#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! The coverage audit: every rule of the default config with the metrics
//! (`Model::audit`), each rule family alone (a config with only that family's
//! rules on; the shared tables and metrics are still built), and the metrics
//! alone (`Model::metrics`), single-threaded on the system allocator.
//!
//! ```text
//! TIAOKUAI_BENCH_SCALE=national cargo bench -p tiaokuai-benches --bench audit
//! ```
//!
//! The report is dropped inside the timed loop: building and freeing the
//! findings is part of the cost. Criterion's warm-up runs the audit first, so
//! the query index `resolve_leads` uses is already built when it measures.

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use tiaokuai::Config;
use tiaokuai::audit::{Family, RULES};

fn audit(c: &mut Criterion) {
    let scale = tiaokuai_benches::scale_from_env();
    let model = tiaokuai_benches::model(scale);
    let config = Config::default();
    let mut g = c.benchmark_group(format!("audit/{scale}"));
    g.sample_size(10);
    // One audit of a big model takes about a second: a fixed number of iterations per sample.
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("audit", |b| b.iter(|| black_box(model.audit(&config))));
    for family in
        [Family::Structure, Family::Coverage, Family::Registration, Family::Matters, Family::Balance, Family::Lists]
    {
        let mut only = Config::default();
        for rule in RULES.iter().filter(|r| r.family != family) {
            only.disable(rule.code).expect("a rule of the catalogue");
        }
        g.bench_function(format!("family/{}", family.as_str()), |b| b.iter(|| black_box(model.audit(&only))));
    }
    g.bench_function("metrics", |b| b.iter(|| black_box(model.metrics(&config))));
    g.finish();
}

criterion_group!(benches, audit);
criterion_main!(benches);
