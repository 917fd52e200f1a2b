//! Timing of the time features (issue #12) on a generated model with `--history`, for
//! docs/benchmarks.md:
//!
//! ```text
//! tiaokuai generate --scale city --seed 2024 --history -o city-h.json
//! cargo run --release -p tiaokuai --example time_speed -- city-h.json [view] [audit] [chain] [timeline]
//! ```
//!
//! With no part named, every part runs. Each figure is given with its ratio to the
//! figure it is measured against, taken alternately in the same run (so a ratio holds
//! on a loaded machine when the absolute figures do not); medians of the runs.
//!
//! - *view*: building `Model::at(date)`.
//! - *audit*, *chain*: at a date against the same question on the model as it stood
//!   that day with no dates to check: the view's snapshot ([`Model::snapshot`]) read
//!   whole, so both give the same answers and only the cost of reading at a date differs.
//!   The whole model (every record counting, more findings) is shown for reference.
//! - *timeline*: 11 yearly dates (2014–2024), on one thread, against eleven full audits
//!   at the dates and eleven static audits.
//! - *chain-alone*: with *chain*, 2,000 more passes of the chains at the date (for a profiler).
//! - *audit-static-alone*, *audit-at-alone*: the static audit, or the audit at the date,
//!   three times and nothing else, after printing `audits start` (for a profiler to attach).
//! - *timeline-alone*: the timeline five times and nothing else (for a profiler).
//! - *timeline-once*: one audit at the date, the timeline once, one audit of the whole
//!   model (for the national model, where eleven audits take minutes).
//!
//! *chain* also splits a chain into its id lookup and the walk from a handle, and measures
//! both against the same document read whole ([`Model::whole`]): the same memory as the
//! view, where the snapshot is a second document laid out afresh.

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

/// Runs `a` and `b` alternately `n` times; their medians.
fn ab(n: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut xa, mut xb) = (Vec::new(), Vec::new());
    for _ in 0..n {
        xa.push(secs(&mut a));
        xb.push(secs(&mut b));
    }
    (median(xa), median(xb))
}

/// Runs `a` and `b` alternately `n` times; the fastest run of each.
fn ab_min(n: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut xa, mut xb) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..n {
        xa = xa.min(secs(&mut a));
        xb = xb.min(secs(&mut b));
    }
    (xa, xb)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: time_speed MODEL.json [view] [audit] [chain] [timeline]")?;
    let parts: Vec<String> = args.collect();
    let run = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    let t = Instant::now();
    let model = Model::load(&path)?.whole();
    println!("load {:.2} s", t.elapsed().as_secs_f64());
    let dated = model.document_links().filter(|(_, l)| !l.validity.is_empty()).count();
    println!(
        "records {} links {} dated links {} ({:.1} %)",
        model.len(),
        model.link_count(),
        dated,
        100.0 * dated as f64 / model.link_count() as f64
    );
    let date = "2019-06-30".parse()?;
    let config = Config::default();

    if run("view") {
        let view = median((0..15).map(|_| secs(|| drop(std::hint::black_box(model.at(date))))).collect());
        println!("view at {date}: {:.1} ms", view * 1e3);
    }
    let at = model.at(date);
    let alone = |part: &str| parts.iter().any(|p| p == part);
    let needs_static = run("audit") || run("chain") || alone("audit-static-alone");
    let t = Instant::now();
    let fixed = if needs_static { Some(at.snapshot()?.whole()) } else { None };
    if let Some(fixed) = &fixed {
        println!(
            "static model of {date} (snapshot read whole): {} records, {} links, built in {:.2} s",
            fixed.len(),
            fixed.link_count(),
            t.elapsed().as_secs_f64()
        );
    }

    if let (true, Some(fixed)) = (run("audit"), &fixed) {
        let findings = |m: &Model| m.audit_on(&config, 1).findings.len();
        let (sa, sb) = ab(
            5,
            || drop(std::hint::black_box(fixed.audit_on(&config, 1))),
            || drop(std::hint::black_box(at.audit_on(&config, 1))),
        );
        println!(
            "audit static {:.1} ms ({} findings), at {date} {:.1} ms ({} findings): {:.2}x",
            sa * 1e3,
            findings(fixed),
            sb * 1e3,
            findings(&at),
            sb / sa
        );
        let (wa, wb) = ab(
            3,
            || drop(std::hint::black_box(model.audit_on(&config, 1))),
            || drop(std::hint::black_box(at.audit_on(&config, 1))),
        );
        println!(
            "  for reference, the whole model (every record counting): {:.1} ms ({} findings); at {date} {:.1} ms",
            wa * 1e3,
            findings(&model),
            wb * 1e3
        );
    }

    // For a profiler: one kind of audit three times and nothing else.
    if let (true, Some(fixed)) = (alone("audit-static-alone"), &fixed) {
        println!("audits start");
        for _ in 0..3 {
            drop(std::hint::black_box(fixed.audit_on(&config, 1)));
        }
    }
    if alone("audit-at-alone") {
        println!("audits start");
        for _ in 0..3 {
            drop(std::hint::black_box(at.audit_on(&config, 1)));
        }
    }

    if let (true, Some(fixed)) = (run("chain"), &fixed) {
        let units: Vec<String> = at.units().step_by(97).take(3000).map(|(n, _)| at.id(n).to_string()).collect();
        let line = tiaokuai::query::Line::Leadership;
        let chains = |m: &Model| {
            for u in &units {
                std::hint::black_box(m.chain(u, line).ok());
            }
        };
        chains(fixed); // the query tables of each model, built on first use
        chains(&at);
        // Each pass takes a few milliseconds, less than a time slice of a loaded machine: the
        // fastest of many alternate passes is the undisturbed time of each.
        let (ca, cb) = ab_min(41, || chains(fixed), || chains(&at));
        let n = units.len() as f64;
        let (ca, cb) = (ca / n, cb / n);
        let doubt: usize = units.iter().filter_map(|u| at.chain(u, line).ok()).map(|c| c.uncertain.len()).sum();
        println!(
            "chain static {:.0} ns, at {date} {:.0} ns: {:.2}x ({} units; at the date {:.2} facts of `uncertain` per chain)",
            ca * 1e9,
            cb * 1e9,
            cb / ca,
            units.len(),
            doubt as f64 / n
        );
        // The same split in two: the id lookups alone, and the chains from handles.
        let finds = |m: &Model| {
            for u in &units {
                std::hint::black_box(m.find(u));
            }
        };
        let (fa, fb) = ab_min(41, || finds(fixed), || finds(&at));
        let handles = |m: &Model| -> Vec<tiaokuai::Node> { units.iter().filter_map(|u| m.find(u)).collect() };
        let (na, nb) = (handles(fixed), handles(&at));
        let walks = |m: &Model, nodes: &[tiaokuai::Node]| {
            for &u in nodes {
                std::hint::black_box(tiaokuai::chain(m, u, line));
            }
        };
        let (wa, wb) = ab_min(41, || walks(fixed, &na), || walks(&at, &nb));
        println!(
            "  of which id lookups: static {:.0} ns, at {date} {:.0} ns ({:.2}x); chains from handles: static {:.0} ns, \
             at {date} {:.0} ns ({:.2}x)",
            fa / n * 1e9,
            fb / n * 1e9,
            fb / fa,
            wa / n * 1e9,
            wb / n * 1e9,
            wb / wa
        );
        // The same document read whole (every record counting, no dates to check): the same
        // memory as the view, so what differs is the view's work alone. Its chains may differ
        // from those at the date where a link is out of force then.
        chains(&model);
        let (xa, xb) = ab_min(41, || chains(&model), || chains(&at));
        let nw = handles(&model);
        let (ya, yb) = ab_min(41, || walks(&model, &nw), || walks(&at, &nb));
        println!(
            "  against the same document read whole: chain {:.0} ns, at {date} {:.0} ns ({:.2}x); chains from handles \
             {:.0} ns, at {date} {:.0} ns ({:.2}x)",
            xa / n * 1e9,
            xb / n * 1e9,
            xb / xa,
            ya / n * 1e9,
            yb / n * 1e9,
            yb / ya
        );
        if parts.iter().any(|p| p == "chain-alone") {
            for _ in 0..2000 {
                chains(&at);
            }
        }
    }
    drop(fixed);

    if parts.iter().any(|p| p == "timeline-once") {
        // For the national model, where eleven audits take minutes: one audit at a date,
        // the timeline once, one static audit, one thread, alternately.
        let years = timeline_dates(
            &model,
            &Config::default(),
            Some("2014".parse()?),
            Some("2024".parse()?),
            Some(Every::Year),
        )?;
        let one = secs(|| drop(std::hint::black_box(at.audit_on(&config, 1))));
        let t = secs(|| drop(std::hint::black_box(timeline(&model, &config, &years, 1))));
        let whole = secs(|| drop(std::hint::black_box(model.audit_on(&config, 1))));
        println!(
            "timeline of {} yearly dates, 1 thread: {:.2} s; one audit at {date} {:.2} s (eleven: {:.2}x the \
             timeline); one audit of the whole model {:.2} s",
            years.len(),
            t,
            one,
            11.0 * one / t,
            whole
        );
    }
    if parts.iter().any(|p| p == "timeline-alone") {
        let years = timeline_dates(
            &model,
            &Config::default(),
            Some("2014".parse()?),
            Some("2024".parse()?),
            Some(Every::Year),
        )?;
        let t =
            median((0..5).map(|_| secs(|| drop(std::hint::black_box(timeline(&model, &config, &years, 1))))).collect());
        println!("timeline of {} yearly dates, 1 thread: {:.2} s", years.len(), t);
    }
    if run("timeline") {
        let years = timeline_dates(
            &model,
            &Config::default(),
            Some("2014".parse()?),
            Some("2024".parse()?),
            Some(Every::Year),
        )?;
        let naive = secs(|| {
            for &y in &years {
                drop(std::hint::black_box(model.at(y).audit_on(&config, 1)));
            }
        });
        let whole = secs(|| {
            for _ in &years {
                drop(std::hint::black_box(model.audit_on(&config, 1)));
            }
        });
        let t1 =
            median((0..3).map(|_| secs(|| drop(std::hint::black_box(timeline(&model, &config, &years, 1))))).collect());
        println!(
            "timeline of {} yearly dates, 1 thread: {:.2} s; eleven full audits at the dates {:.2} s ({:.2}x); \
             eleven audits of the whole model {:.2} s ({:.2}x)",
            years.len(),
            t1,
            naive,
            t1 / naive,
            whole,
            t1 / whole
        );
    }
    Ok(())
}
