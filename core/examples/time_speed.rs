//! Timing of the time features (issue #12) on a generated model with `--history`, for
//! docs/benchmarks.md: `cargo run --release -p tiaokuai --example time_speed -- city-h.json`.
//!
//! Static and dated figures are taken alternately in one run (A/B), median of the runs.

use std::time::Instant;

use tiaokuai::time::{Every, timeline, timeline_dates};
use tiaokuai::{Config, Model};

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
    let path = std::env::args().nth(1).ok_or("usage: time_speed MODEL.json")?;
    let t = Instant::now();
    let model = Model::load(&path)?.whole();
    println!("load {:.2} s", t.elapsed().as_secs_f64());
    let dated = model.document_links().filter(|(_, l)| !l.validity.is_empty()).count();
    println!(
        "links {} dated {} ({:.1} %)",
        model.link_count(),
        dated,
        100.0 * dated as f64 / model.link_count() as f64
    );
    let date = "2019-06-30".parse()?;
    let config = Config::default();

    let view = median((0..15).map(|_| secs(|| drop(std::hint::black_box(model.at(date))))).collect());
    println!("view at a date: {:.1} ms", view * 1e3);

    let at = model.at(date);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        a.push(secs(|| drop(std::hint::black_box(model.audit(&config)))));
        b.push(secs(|| drop(std::hint::black_box(at.audit(&config)))));
    }
    let (sa, sb) = (median(a), median(b));
    println!("audit static {:.1} ms, at a date {:.1} ms ({:.2}x)", sa * 1e3, sb * 1e3, sb / sa);

    let units: Vec<String> = at.units().step_by(97).take(3000).map(|(n, _)| at.id(n).to_string()).collect();
    let line = tiaokuai::query::Line::Leadership;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        a.push(secs(|| {
            for u in &units {
                std::hint::black_box(model.chain(u, line).ok());
            }
        }));
        b.push(secs(|| {
            for u in &units {
                std::hint::black_box(at.chain(u, line).ok());
            }
        }));
    }
    let n = units.len() as f64;
    let (ca, cb) = (median(a) / n, median(b) / n);
    println!("chain static {:.0} ns, at a date {:.0} ns ({:.2}x)", ca * 1e9, cb * 1e9, cb / ca);

    let years = timeline_dates(&model, Some("2014".parse()?), Some("2024".parse()?), Some(Every::Year))?;
    let naive = secs(|| {
        for &y in &years {
            drop(std::hint::black_box(model.at(y).audit(&config)));
        }
    });
    let t1 =
        median((0..3).map(|_| secs(|| drop(std::hint::black_box(timeline(&model, &config, &years, 1))))).collect());
    let t2 =
        median((0..3).map(|_| secs(|| drop(std::hint::black_box(timeline(&model, &config, &years, 2))))).collect());
    println!(
        "timeline of 11 yearly dates: {:.2} s on 1 thread, {:.2} s on 2 (eleven full audits at the dates: {:.2} s)",
        t1, t2, naive
    );
    Ok(())
}
