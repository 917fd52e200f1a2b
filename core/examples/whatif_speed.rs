//! Timing of the what-if (issue #13) for docs/benchmarks.md:
//! `cargo run --release -p tiaokuai --example whatif_speed -- city 100 [SEED] [people]` (or
//! `national`; `people`: the generated model with people and meetings).
//!
//! Generates the model, builds random change sets of N changes (links added and removed,
//! members and places updated, units added; with `people`, one change in three of the people
//! and meetings, as the what-if tests make them: tests/it/common/people_changes.rs), applies
//! each, and times in one run, alternately: the what-if without and with the metrics, and two full audits (before and after). Prints
//! the medians and the ratio, and how many change sets took the incremental path. The model's
//! metrics are computed by the first what-if with metrics and kept with the model: the
//! median is that of the later ones, the first is printed apart. `WHATIF_CHECK=1` compares
//! each answer (findings and metrics) with two full audits. `WHATIF_DUMP=1` prints each
//! answer's JSON length and hash (`DUMP round w|m len hash`): two builds of the same
//! toolchain give the same lines when their answers are byte for byte the same.

use std::time::Instant;

use tiaokuai::change::{ChangeSet, Field, LinkAddress, Update, Value};
use tiaokuai::generate::Scale;
use tiaokuai::whatif::{Options, changes_of, whatif_with};
use tiaokuai::{Config, LinkKind, LinkSpec, Model, Node, UnitKind, UnitSpec};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() { f64::NAN } else { xs[xs.len() / 2] }
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
}

// The people and meeting edits of the what-if tests (meetings on the day of another here: the
// years the model records meetings stay the same, as in a day's edits).
#[path = "../tests/it/common/people_changes.rs"]
mod people_changes;

/// A random change set of about `n` changes that applies to `model`.
fn change_set(model: &Model, n: usize, rng: &mut Rng, serial: usize) -> ChangeSet {
    let units: Vec<Node> = model.units().map(|(u, _)| u).collect();
    let grids: Vec<Node> = model.territories().filter(|(_, t)| t.kind.to_string() == "grid").map(|(t, _)| t).collect();
    let orgs: Vec<Node> = model.units().filter(|(_, u)| u.kind.is_party_org()).map(|(u, _)| u).collect();
    let mut cs = ChangeSet::new();
    let mut removed = std::collections::HashSet::new();
    let mut updated = std::collections::HashSet::new();
    let pick = |rng: &mut Rng, xs: &[Node]| xs[rng.below(xs.len())];
    let mut used = std::collections::BTreeSet::new();
    let people = model.has_people();
    for i in 0..n {
        // With people and meetings, one change in three is of them.
        if people && rng.below(3) == 0 {
            people_changes::people_change(model, &mut cs, rng, &format!("{serial}-{i}"), &mut used, false);
            continue;
        }
        match rng.below(5) {
            0 => {
                let (f, t) = (pick(rng, &orgs), pick(rng, &units));
                cs.add.links.push(LinkSpec::new(model.id(f), model.id(t), LinkKind::PartyOrgOf));
            }
            1 if !grids.is_empty() => {
                let (f, t) = (pick(rng, &units), pick(rng, &grids));
                cs.add.links.push(LinkSpec::new(model.id(f), model.id(t), LinkKind::Jurisdiction));
            }
            2 => {
                // Remove a link that its address names alone (no responsibilities, as in the figures of
                // docs/benchmarks.md before the matter rules were re-examined by pair).
                let u = pick(rng, &units);
                let Some((_, l)) = model.all_links_from(u).find(|(_, l)| l.kind != LinkKind::Responsible) else {
                    continue;
                };
                let same = model.all_links_from(u).filter(|(_, m)| m.to == l.to && m.kind == l.kind).count();
                if same == 1 && removed.insert((l.from, l.to, l.kind)) {
                    cs.remove_link(LinkAddress::new(model.id(l.from), model.id(l.to), l.kind));
                }
            }
            3 => {
                let u = pick(rng, &units);
                if updated.insert(u) {
                    cs.update.push(Update::new(model.id(u)).set(Field::Members, Value::Count(rng.below(60) as u32)));
                }
            }
            _ => {
                let id = format!("whatif-new-{serial}-{i}");
                let mut spec = UnitSpec::new(&id, "新企业", UnitKind::Enterprise).members(rng.below(9) as u32);
                if let Some(g) = grids.get(rng.below(grids.len().max(1))) {
                    spec = spec.located_in(model.id(*g));
                }
                cs.add.units.push(spec);
            }
        }
    }
    cs
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let scale = match args.next().as_deref() {
        Some("national") => Scale::National,
        Some("district") => Scale::District,
        _ => Scale::City,
    };
    let n: usize = args.next().map_or(Ok(100), |s| s.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |s| s.parse())?;
    // `people`: the model with people and meetings (the P and M rules run on whole models).
    let people = args.next().as_deref() == Some("people");
    let t = Instant::now();
    let model = tiaokuai::generate::GenerateOptions::new(scale, seed).people(people).meetings(people).generate()?;
    println!(
        "{}: {} records, {} links, generated in {:.1} s",
        scale.as_str(),
        model.len(),
        model.link_count(),
        t.elapsed().as_secs_f64()
    );
    let config = Config::default();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (mut fast, mut with_metrics, mut full, mut apply) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut incremental = 0;
    let rounds = if scale == Scale::National { 5 } else { 11 };
    for round in 0..rounds {
        let cs = change_set(&model, n, &mut rng, round);
        let t = Instant::now();
        let after = model.apply(&cs)?;
        apply.push(t.elapsed().as_secs_f64());
        let changes = changes_of(&cs);
        let t = Instant::now();
        let w = whatif_with(&model, &after, &changes, &config, Options::with_metrics(false));
        fast.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let m = whatif_with(&model, &after, &changes, &config, Options::with_metrics(true));
        with_metrics.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (a, b) = (model.audit(&config), after.audit(&config));
        full.push(t.elapsed().as_secs_f64());
        assert_eq!(w.introduced.len(), m.introduced.len());
        if std::env::var_os("WHATIF_DUMP").is_some() {
            use std::hash::{Hash, Hasher};
            for (what, x) in [("w", &w), ("m", &m)] {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                x.to_json().hash(&mut h);
                println!("DUMP {round} {what} {} {:016x}", x.to_json().len(), h.finish());
            }
        }
        if std::env::var_os("WHATIF_CHECK").is_some() {
            // The metrics, moved by the reach's counts: those of the two full audits.
            if m.metrics_before.as_ref() != Some(&a.metrics) || m.metrics_after.as_ref() != Some(&b.metrics) {
                println!("  METRICS DIFFER from the full audits'");
            }
            let slow = tiaokuai::whatif::whatif_full(&model, &after, &changes, &config);
            let keys = |xs: &[tiaokuai::whatif::Attributed]| -> std::collections::BTreeSet<String> {
                xs.iter()
                    .map(|a| format!("{} {} {:?}", a.finding.rule, a.finding.subject, a.finding.territory))
                    .collect()
            };
            for (what, f, s) in [
                ("resolved", keys(&w.resolved), keys(&slow.resolved)),
                ("introduced", keys(&w.introduced), keys(&slow.introduced)),
            ] {
                for k in s.difference(&f) {
                    println!("  MISSING {what}: {k}");
                }
                for k in f.difference(&s) {
                    println!("  EXTRA {what}: {k}");
                }
            }
            // The findings themselves (text, evidence) and their attribution, but for S003's
            // reference to an earlier chain.
            let pairs = w.resolved.iter().zip(&slow.resolved).chain(w.introduced.iter().zip(&slow.introduced));
            for (a, b) in pairs.filter(|(a, _)| a.finding.rule != "S003") {
                if a != b {
                    println!("  DIFFERS: {:?}\n    vs {:?}", a, b);
                }
            }
        }
        if w.examined.incremental {
            incremental += 1;
        } else {
            println!("  round {round}: two full audits ({})", w.examined.reason.as_deref().unwrap_or(""));
        }
        println!(
            "  round {round}: {} changes, {} resolved, {} introduced, reach {} subjects, parts {} records; full audits {} -> {} findings",
            changes.len(),
            w.resolved.len(),
            w.introduced.len(),
            w.examined.subjects,
            w.examined.records,
            a.findings.len(),
            b.findings.len()
        );
    }
    let first = with_metrics.first().copied().unwrap_or(f64::NAN);
    let (f, wm, fa, ap) = (median(fast), median(with_metrics), median(full), median(apply));
    println!("what-if (findings, attribution): {:.1} ms median", f * 1e3);
    println!(
        "what-if with metrics before/after: {:.1} ms median (the first, which computes the model's metrics once: \
         {:.1} ms)",
        wm * 1e3,
        first * 1e3
    );
    println!("two full audits: {:.1} ms median ({:.0}x the what-if, {:.1}x with metrics)", fa * 1e3, fa / f, fa / wm);
    println!("apply (not part of the what-if): {:.1} ms median", ap * 1e3);
    println!("incremental path: {incremental} of {rounds} change sets");
    Ok(())
}
