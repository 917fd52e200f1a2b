//! Timing of apply and diff (issue #13) for docs/benchmarks.md:
//! `cargo run --release -p tiaokuai --example change_speed -- MODEL.json`
//! (or a scale, `city` or `national`, generated in memory with seed 1).
//!
//! A change set of 100 changes (40 units added with a link each, 10 updates, 10 ends) is
//! applied to the model, rebuilt (`Model::apply`) and in place (`Model::apply_in_place`, on a
//! copy of the model of its own); then the model is diffed with the result. On Linux the diff's own
//! memory is printed too: the peak resident size is reset before it (`/proc/self/clear_refs`)
//! and read after it, less what the two models already held.

use std::time::Instant;

use tiaokuai::change::{ChangeSet, Field, Update, Value, diff};
use tiaokuai::{LinkKind, LinkSpec, Model, UnitKind, UnitSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = std::env::args().nth(1).ok_or("usage: change_speed MODEL.json | district | city | national")?;
    let t = Instant::now();
    let model = match arg.as_str() {
        "district" => tiaokuai::generate::generate(tiaokuai::generate::Scale::District, 1)?,
        "city" => tiaokuai::generate::generate(tiaokuai::generate::Scale::City, 1)?,
        "national" => tiaokuai::generate::generate(tiaokuai::generate::Scale::National, 1)?,
        path => Model::load(path)?,
    };
    println!("load {:.2} s ({} records, {} links)", t.elapsed().as_secs_f64(), model.len(), model.link_count());
    let units: Vec<String> = model
        .units()
        .step_by((model.count(tiaokuai::RecordType::Unit) / 50).max(1))
        .map(|(_, u)| u.id().to_string())
        .collect();
    let mut change = ChangeSet::new();
    for i in 0..40 {
        let id = format!("bench-new-{i}");
        change.add.units.push(UnitSpec::new(&id, "新单位", UnitKind::Enterprise));
        change.add.links.push(LinkSpec::new(&units[i % units.len()], &id, LinkKind::Guides));
    }
    for id in units.iter().take(10) {
        change.update.push(Update::new(id).set(Field::Name, Value::Text("改名".into())));
    }
    for id in units.iter().skip(10).take(10) {
        change.end_record(id, "2099-12-31".parse()?);
    }
    println!("change set of {} changes", change.len());
    let t = Instant::now();
    let after = model.apply(&change)?;
    println!("apply {:.3} s (rebuilt: the old model kept)", t.elapsed().as_secs_f64());
    // In place: a model of its own (the one just built), changed by the same change set.
    let mut owned = model.apply(&ChangeSet::new())?;
    let t = Instant::now();
    let applied = owned.apply_in_place(&change)?;
    println!("apply_in_place {:.3} s (in place: {})", t.elapsed().as_secs_f64(), applied.in_place);
    assert!(owned == after, "apply_in_place gives the model apply gives");
    drop(owned);
    let before = resident_kb("VmRSS:");
    // Writing 5 resets the peak resident size (Linux 4.0 and later).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let t = Instant::now();
    let d = diff(&model, &after);
    println!("diff {:.3} s ({} changes)", t.elapsed().as_secs_f64(), d.len());
    if let (Some(before), Some(peak), true) = (before, resident_kb("VmHWM:"), reset) {
        println!(
            "resident before the diff (both models) {:.0} MB; peak during the diff {:.0} MB: the diff's own {:.0} MB",
            before as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(before) as f64 / 1024.0
        );
    }
    Ok(())
}

/// A field of `/proc/self/status` in kB (`None` where there is no such file).
fn resident_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}
