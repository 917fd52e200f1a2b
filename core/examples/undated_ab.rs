//! "A model with no dates pays nothing" (issue #12): load, audit and chain timings of an
//! undated model, printed as one line, so the same file built from the commit before the
//! time features and from this one can be run alternately on the same model (an A/B on a
//! shared machine; see docs/benchmarks.md, "Time"). Uses only API both versions have.
//!
//! `cargo run --release -p tiaokuai --example undated_ab -- city.json`

use std::time::Instant;

use tiaokuai::{Config, Line, Model};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn secs(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: undated_ab MODEL.json")?;
    let mut model = None;
    let load = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let m = Model::load(&path);
                let s = t.elapsed().as_secs_f64();
                model = Some(m);
                s
            })
            .collect(),
    );
    let model = model.ok_or("no model")??;
    let config = Config::default();
    let audit = median((0..5).map(|_| secs(|| drop(std::hint::black_box(model.audit(&config))))).collect());
    let units: Vec<String> = model.units().step_by(97).take(3000).map(|(n, _)| model.id(n).to_string()).collect();
    let chain = median(
        (0..7)
            .map(|_| {
                secs(|| {
                    for u in &units {
                        std::hint::black_box(model.chain(u, Line::Leadership).ok());
                    }
                })
            })
            .collect(),
    ) / units.len() as f64;
    println!("load {:.3} s audit {:.1} ms chain {:.0} ns", load, audit * 1e3, chain * 1e9);
    Ok(())
}
