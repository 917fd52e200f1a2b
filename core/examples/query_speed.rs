//! The full answers of the queries on a big model, each over a fixed set of questions
//! (issue #19's "every query figure no worse"), for A/B runs of two builds.
//!
//! `query_speed MODEL [KINDS] [ROUNDS]` loads MODEL, then for each kind in KINDS
//! (comma-separated, default `chain,responsible,dispatch`) answers 10,000 questions ROUNDS + 1
//! times (default 20; the first pass, which builds the query tables, is not counted) and
//! prints the best pass's time per answer:
//! - `chain`: the leadership chain of every 487th unit;
//! - `responsible`: `responsible_for` of every 125th territory;
//! - `dispatch`: `dispatch` of those territories, with the model's matters in turn.
//!
//! An image is opened with its columns mapped; `QS_NOMAP=1` in the environment opens it
//! into the heap instead (`LoadOptions::map(false)`), to tell the mapping's cost apart.
//!
//! The figures of docs/benchmarks.md ("Answers' cache lines and the 2-thread audit") come
//! from this loop. On a VM whose memory latency drifts, run the two builds alternately.
//!
//! `cargo run --release -p tiaokuai --example query_speed -- national.tkz chain,responsible 20`

use std::hint::black_box;
use std::time::Instant;

use tiaokuai::{Line, Model, Node};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: query_speed MODEL [chain,responsible,dispatch] [ROUNDS]");
        std::process::exit(2);
    };
    let kinds = args.get(1).map_or("chain,responsible,dispatch", String::as_str);
    let rounds: usize = match args.get(2).map(|r| r.parse()) {
        None => 20,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("ROUNDS: {e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let options = tiaokuai::LoadOptions::default().map(std::env::var_os("QS_NOMAP").is_none());
    let model = Model::load_with(path, &options).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    println!("load {:.2} s", start.elapsed().as_secs_f64());
    let units: Vec<Node> = model.units().step_by(487).take(10_000).map(|(n, _)| n).collect();
    let territories: Vec<Node> = model.territories().step_by(125).take(10_000).map(|(n, _)| n).collect();
    let matters: Vec<Node> = model.matters().map(|(n, _)| n).collect();
    for kind in kinds.split(',') {
        // Answers per pass, and a count from them so that no pass can be optimised away.
        let pass = || -> (usize, usize) {
            match kind {
                "chain" => (
                    units.len(),
                    units.iter().map(|&u| black_box(tiaokuai::chain(&model, u, Line::Leadership)).steps.len()).sum(),
                ),
                "responsible" => (
                    territories.len(),
                    territories.iter().map(|&t| black_box(tiaokuai::responsible_for(&model, t)).blocks.len()).sum(),
                ),
                "dispatch" if !matters.is_empty() => (
                    territories.len(),
                    territories
                        .iter()
                        .enumerate()
                        .map(|(i, &t)| black_box(tiaokuai::dispatch(&model, matters[i % matters.len()], t)).leads.len())
                        .sum(),
                ),
                "dispatch" => (0, 0),
                other => {
                    eprintln!("unknown kind {other:?}: chain, responsible or dispatch");
                    std::process::exit(2);
                }
            }
        };
        let (mut best, mut count) = (f64::INFINITY, 0);
        for round in 0..=rounds {
            let t = Instant::now();
            let (n, c) = pass();
            let ns = t.elapsed().as_secs_f64() * 1e9 / n.max(1) as f64;
            if round > 0 {
                best = best.min(ns);
            }
            count = c;
        }
        println!("{kind}: best {best:.0} ns per answer over {rounds} passes (check {count})");
    }
}
