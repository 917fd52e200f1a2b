//! tiaokuai's side of `make compare`: the comparison's operations on the public
//! API, on the model the CSV files of the other peers were exported from.
//!
//! `compare --json MODEL.json --data DIR --out FILE [--rounds N] [--runs N]`
//!
//! Measures loading (`Model::load`), the chain walk (`leadership_path`, and the
//! full answer `chain(…, Line::Leadership)`), the ancestors on the `leads` links
//! (a search over `Model::sources`: tiaokuai has no query of its own for it), the
//! dispatch-like lookup (`resolve_leads`, and the full answer `dispatch`),
//! `responsible_for`, the 2-rule coverage scan ([`tiaokuai_benches::coverage_scan`]),
//! the audit with rules C001 and C008 only, and the full audit. The operations
//! and the checks are those of `benches/compare/shared.py`; the query index is
//! built by the warm-up pass, before anything is timed.

use std::path::Path;
use std::time::Instant;

use serde_json::json;
use tiaokuai::{Config, Line, LinkKind, Model, Node, RULES, chain, dispatch, leadership_path, resolve_leads};
use tiaokuai_benches::compare::{self, Args, Report, csv_rows, req_u32};

/// Every unit reaching `unit` by `leads` links, `unit` excluded, on the public API;
/// `mark` (one slot per record) and `epoch` make the visited set.
fn ancestors(model: &Model, unit: Node, mark: &mut [u32], epoch: u32, stack: &mut Vec<Node>) -> Vec<Node> {
    let mut out = Vec::new();
    mark[unit.index()] = epoch;
    stack.clear();
    stack.push(unit);
    while let Some(x) = stack.pop() {
        for p in model.sources(x, &LinkKind::Leads) {
            if mark[p.index()] != epoch {
                mark[p.index()] = epoch;
                out.push(p);
                stack.push(p);
            }
        }
    }
    out
}

/// Checks that the CSV's node indices are tiaokuai's: the row of index i names the record `nodes[i]`.
fn check_indices(model: &Model, nodes: &[Option<Node>], data: &Path) -> Result<(), String> {
    let path = data.join("nodes.csv");
    let mut rows = 0;
    csv_rows(&path, 6, |line, f| {
        let i = req_u32(&path, line, "index", f[0])? as usize;
        match nodes.get(i).copied().flatten() {
            Some(n) if model.id(n) == f[1] => {
                rows += 1;
                Ok(())
            }
            _ => Err(compare::bad(&path, line, format!("record {i} is not {:?} in the model", f[1]))),
        }
    })?;
    if rows != model.len() {
        return Err(format!("{}: {rows} records, the model has {}", path.display(), model.len()));
    }
    Ok(())
}

fn ix(n: Node) -> u32 {
    n.index() as u32
}

fn run() -> Result<(), String> {
    let args = Args::parse()?;
    let json_path = args.json.clone().ok_or("--json MODEL.json is required")?;
    let start = Instant::now();
    let model = Model::load(&json_path).map_err(|e| e.to_string())?;
    let load_s = start.elapsed().as_secs_f64();
    let mut nodes: Vec<Option<Node>> = vec![None; model.len()];
    for (n, _) in model.records() {
        nodes[n.index()] = Some(n);
    }
    let node = |i: u32| nodes.get(i as usize).copied().flatten().ok_or(format!("sample: no record {i} in the model"));
    let sample = compare::read_sample(&args.data)?;
    let mut units = Vec::with_capacity(sample.len());
    let mut pairs = Vec::with_capacity(sample.len());
    for s in &sample {
        units.push(node(s.unit)?);
        pairs.push((node(s.matter)?, node(s.territory)?));
    }
    let places: Vec<Node> = pairs.iter().map(|&(_, t)| t).collect();

    let mut report = Report::new("tiaokuai", env!("CARGO_PKG_VERSION"));
    report.set("load_s", load_s);
    report.set("records", model.len());
    report.set("links", model.link_count());

    // Warm-up passes (they build the query index); their answers are the checks.
    let paths: Vec<(Vec<u32>, bool)> = units
        .iter()
        .map(|&u| {
            let (p, cycle) = leadership_path(&model, u);
            (p.into_iter().map(ix).collect(), cycle)
        })
        .collect();
    let chain_check = compare::chain_check(paths.iter().map(|(p, c)| (&p[..], *c)));
    let full: Vec<Vec<u32>> = units
        .iter()
        .map(|&u| {
            let c = chain(&model, u, Line::Leadership);
            let ids: Vec<u32> = c.ids().filter_map(|id| model.node(id)).map(ix).collect();
            assert_eq!(ids.len(), c.steps.len(), "every step of a chain names a record");
            ids
        })
        .collect();
    // The full answers walk the same paths (their cycle flags are those of the node walk).
    let full_check = compare::chain_check(full.iter().zip(&paths).map(|(p, (_, c))| (&p[..], *c)));
    let mut mark = vec![0u32; model.len()];
    let mut stack = Vec::new();
    let mut epoch = 0u32;
    let sets: Vec<Vec<u32>> = units
        .iter()
        .map(|&u| {
            epoch += 1;
            ancestors(&model, u, &mut mark, epoch, &mut stack).into_iter().map(ix).collect()
        })
        .collect();
    let ancestors_check = compare::ancestors_check(sets.iter().map(|s| &s[..]));
    let answers: Vec<(Option<u32>, Vec<u32>)> = pairs
        .iter()
        .map(|&(m, t)| {
            let r = resolve_leads(&model, m, t);
            (r.at.map(ix), r.leads.iter().map(|l| l.index() as u32).collect())
        })
        .collect();
    let dispatch_check = compare::dispatch_check(answers.iter().map(|(at, l)| (*at, &l[..])));
    for &(m, t) in &pairs {
        drop(dispatch(&model, m, t));
    }
    for &t in &places {
        drop(tiaokuai::responsible_for(&model, t));
    }
    drop((paths, full, sets, answers));

    let rounds = args.rounds;
    report.op("chain", compare::time_queries(&units, rounds, |u| leadership_path(&model, u)), chain_check);
    report.op("chain_full", compare::time_queries(&units, rounds, |u| chain(&model, u, Line::Leadership)), full_check);
    let ns = compare::time_queries(&units, rounds, |u| {
        epoch = epoch.wrapping_add(1).max(1);
        ancestors(&model, u, &mut mark, epoch, &mut stack)
    });
    report.op("ancestors", ns, ancestors_check);
    report.op("dispatch", compare::time_queries(&pairs, rounds, |(m, t)| resolve_leads(&model, m, t)), dispatch_check);
    report.op("dispatch_full", compare::time_queries(&pairs, rounds, |(m, t)| dispatch(&model, m, t)), json!(null));
    let ns = compare::time_queries(&places, rounds, |t| tiaokuai::responsible_for(&model, t));
    report.op("responsible_for", ns, json!(null));
    let counts = tiaokuai_benches::coverage_scan(&model);
    report.op("scan", compare::time_runs(args.runs, || tiaokuai_benches::coverage_scan(&model)), json!(counts));

    let mut two = Config::default();
    for rule in RULES.iter().filter(|r| !matches!(r.code, "C001" | "C008")) {
        two.disable(rule.code).map_err(|e| e.to_string())?;
    }
    let r = model.audit(&two);
    let (c001, c008) = (r.findings_of("C001").count(), r.findings_of("C008").count());
    let found = json!({"C001": c001, "C008": c008, "findings": r.findings.len()});
    drop(r);
    report.op("audit_2", compare::time_runs(args.runs, || model.audit(&two)), found);
    let all = Config::default();
    let findings = model.audit(&all).findings.len();
    report.op("audit_full", compare::time_runs(args.runs.min(5), || model.audit(&all)), json!({"findings": findings}));
    report.set("peak_rss_mib", compare::peak_rss_mib().unwrap_or(0.0));

    check_indices(&model, &nodes, &args.data)?;
    report.note(
        "tiaokuai: ancestors are a search over Model::sources(…, leads) with an epoch-marked visited array \
         (no query of tiaokuai's own)",
    );
    report.write(&args.out)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("compare: {e}");
        std::process::exit(1);
    }
}
