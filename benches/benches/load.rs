#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! Loading and writing: tiaokuai's JSON loader against serde_json parsing the
//! same bytes into `serde_json::Value` (the target: at least a third of its speed).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tiaokuai::Model;

fn load(c: &mut Criterion) {
    let scale = tiaokuai_benches::scale_from_env();
    let model = tiaokuai_benches::model(scale);
    let text = model.to_json();
    let mut g = c.benchmark_group(format!("load/{scale}"));
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("tiaokuai::Model::from_json", |b| b.iter(|| Model::from_json(&text).unwrap()));
    g.bench_function("serde_json::Value", |b| b.iter(|| serde_json::from_str::<serde_json::Value>(&text).unwrap()));
    g.bench_function("write_json", |b| b.iter(|| model.to_json()));
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
