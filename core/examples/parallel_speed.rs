//! Timing of the parallel audit and timeline (issue #19), for docs/benchmarks.md:
//!
//! ```text
//! tiaokuai generate --scale national --seed 2024 -o national.json
//! cargo run --release -p tiaokuai --example parallel_speed -- national.json audit
//! tiaokuai generate --scale national --seed 2024 --history -o national-h.json
//! cargo run --release -p tiaokuai --example parallel_speed -- national-h.json timeline
//! ```
//!
//! *audit*: the full audit with metrics (`Model::audit_on`) on 1 and on 2 threads, run
//! alternately five times, medians (so the ratio holds on a loaded machine); the freeing of
//! each report is timed apart. *timeline*: the
//! timeline of 11 yearly dates (2014–2024) on 1 and on 2 threads, alternately twice, the
//! faster of each. *audit2*: as *audit*, with only rules C001 and C008 enabled (the audit
//! row of `make compare` beside the flat arrays' two-rule scan). *rules=T001,T002*: as
//! *audit*, with only the rules named (one family's cost, beside the audit's context and
//! metrics). The reports (and rows) of both thread counts are checked equal. *first*: the first
//! audit of the process on 2 threads alone, timed (what `tiaokuai audit` does: every table of
//! the audit is memory the process has not touched yet, where the repeated runs reuse the
//! pages the previous run freed); the other parts also print it, before their repeated runs.

use std::time::Instant;

use tiaokuai::time::{Every, timeline, timeline_dates};
use tiaokuai::{Config, Model};

fn secs(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path =
        args.next().ok_or("usage: parallel_speed MODEL.json [first] [audit] [audit2] [timeline] [rules=CODE,…]")?;
    let parts: Vec<String> = args.collect();
    let run = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    let t = Instant::now();
    let model = Model::load(&path)?;
    println!(
        "load {:.2} s; {} records; {} cores",
        t.elapsed().as_secs_f64(),
        model.len(),
        std::thread::available_parallelism()?
    );
    let mut two_rules = Config::default();
    for rule in tiaokuai::audit::RULES.iter().filter(|r| !matches!(r.code, "C001" | "C008")) {
        two_rules.disable(rule.code)?;
    }
    let config = Config::default();
    if run("first") || run("audit") {
        // First, while the process has touched no audit table yet.
        let t = Instant::now();
        let report = std::hint::black_box(model.audit_on(&config, 2));
        println!(
            "first audit of the process, 2 threads: {:.0} ms ({} findings)",
            t.elapsed().as_secs_f64() * 1e3,
            report.findings.len()
        );
        if parts.iter().all(|p| p == "first") {
            return Ok(());
        }
    }
    for (part, config) in [("audit", &config), ("audit2", &two_rules)] {
        if run(part) {
            time_audit(&model, part, config);
        }
    }
    // `rules=T001,T002`: the audit with only those rules (a family's own cost, the audit's
    // context and metrics included).
    for part in parts.iter().filter(|p| p.starts_with("rules=")) {
        let on: Vec<&str> = part["rules=".len()..].split(',').collect();
        let mut some = Config::default();
        for rule in tiaokuai::audit::RULES.iter().filter(|r| !on.contains(&r.code)) {
            some.disable(rule.code)?;
        }
        time_audit(&model, part, &some);
    }
    if run("timeline") {
        let years = timeline_dates(&model, &config, Some("2014".parse()?), Some("2024".parse()?), Some(Every::Year))?;
        let (mut a, mut b) = (f64::INFINITY, f64::INFINITY);
        let mut rows = None;
        for _ in 0..2 {
            let mut one = None;
            a = a.min(secs(|| one = Some(timeline(&model, &config, &years, 1))));
            let mut two = None;
            b = b.min(secs(|| two = Some(timeline(&model, &config, &years, 2))));
            assert!(one == two, "the same timeline on 1 and 2 threads");
            rows = one.map(|t| t.rows.len());
        }
        println!(
            "timeline of {} yearly dates: 1 thread {:.2} s, 2 threads {:.2} s ({:.2}x)",
            rows.unwrap_or(0),
            a,
            b,
            b / a
        );
    }
    Ok(())
}

/// The audit under `config` on 1 and 2 threads, alternately five times: medians.
fn time_audit(model: &Model, part: &str, config: &Config) {
    let (one, two) = (model.audit_on(config, 1), model.audit_on(config, 2));
    assert!(one == two, "the same report on 1 and 2 threads");
    println!("{} findings", one.findings.len());
    drop((one, two));
    // The audit's time, not the freeing of its report (timed apart, as the criterion
    // bench of the audit does): the caller keeps the report.
    let (mut a, mut b, mut freeing) = (Vec::new(), Vec::new(), Vec::new());
    let audit = |threads: usize, times: &mut Vec<f64>, freeing: &mut Vec<f64>| {
        let mut report = None;
        times.push(secs(|| report = Some(std::hint::black_box(model.audit_on(config, threads)))));
        freeing.push(secs(|| drop(report)));
    };
    for _ in 0..5 {
        audit(1, &mut a, &mut freeing);
        audit(2, &mut b, &mut freeing);
    }
    freeing.sort_by(f64::total_cmp);
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    println!(
        "{part} with metrics: 1 thread {:.0} ms, 2 threads {:.0} ms ({:.2}x); runs 1: {:?} 2: {:?}",
        a[2] * 1e3,
        b[2] * 1e3,
        b[2] / a[2],
        a.iter().map(|x| (x * 1e3) as u64).collect::<Vec<_>>(),
        b.iter().map(|x| (x * 1e3) as u64).collect::<Vec<_>>()
    );
    println!("freeing a report: median {:.0} ms", freeing[freeing.len() / 2] * 1e3);
}
