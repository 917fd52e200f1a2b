//! Case logs (issue #15): the time of [`tiaokuai::cases::analyse_path`] alone, the model
//! loaded once, median of 5 runs, with the model's load beside it.
//!
//! `cargo run --release -p tiaokuai --example cases_speed -- MODEL.json LOG.csv`

use std::time::Instant;

use tiaokuai::Model;
use tiaokuai::cases::{self, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (model, log) = match (args.next(), args.next()) {
        (Some(m), Some(l)) => (m, l),
        _ => return Err("usage: cases_speed MODEL.json LOG.csv".into()),
    };
    let t = Instant::now();
    let model = Model::load(&model)?;
    println!("load: {:.3} s", t.elapsed().as_secs_f64());
    let mut times = Vec::new();
    let mut cases = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let r = cases::analyse_path(&model, &log, &Options::default())?;
        times.push(t.elapsed().as_secs_f64());
        cases = r.summary.all.cases;
    }
    times.sort_by(f64::total_cmp);
    println!("analyse: {:.3} s median of 5 (min {:.3}), {cases} cases", times[2], times[0]);
    Ok(())
}
