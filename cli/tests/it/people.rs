//! Issue #14: `holders`, `posts` and `tenure`, and principals in the chain.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// A street and one community with people over a decade, read at `meta.as_of` 2024-06-30
/// (the same document as core/tests/people.rs).
const FIXTURE: &str = "tests/people.json";

fn tiaokuai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("the tiaokuai binary runs")
}

fn run(args: &[&str]) -> String {
    let o = tiaokuai(args);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(0), "tiaokuai {args:?}: {err}");
    String::from_utf8(o.stdout).unwrap()
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&run(&all)).unwrap()
}

#[test]
fn holders_answers_at_the_models_date_and_at_another() {
    let v = json(&["holders", FIXTURE, "gw"]);
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["person"], "p3");
    assert_eq!(v[0]["principal"], true);
    let v = json(&["--at", "2018-01-01", "holders", FIXTURE, "gw"]);
    assert_eq!(v[0]["person"], "p1");
    assert_eq!(v[0]["person_name"], "张三");
    let table = run(&["holders", FIXTURE, "c1-jwh"]);
    assert!(table.contains("director (principal)") && table.contains("community_worker"), "{table}");
}

#[test]
fn posts_lists_concurrent_posts() {
    let v = json(&["posts", FIXTURE, "p2"]);
    let units: Vec<&str> = v.as_array().unwrap().iter().map(|p| p["unit"].as_str().unwrap()).collect();
    assert_eq!(units, ["c1-dzb", "c1-jwh"]);
    let o = tiaokuai(&["posts", FIXTURE, "gw"]);
    assert_ne!(o.status.code(), Some(0));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("gw") && err.contains("tiaokuai posts"), "{err}");
}

#[test]
fn tenure_counts_terms_and_years() {
    let v = json(&["tenure", FIXTURE, "--person", "p2", "--unit", "c1-dzb"]);
    assert_eq!(v[0]["terms"], 2);
    assert_eq!(v[0]["current"], true);
    assert_eq!(v[0]["since"], "2016-01-01");
    let table = run(&["tenure", FIXTURE]);
    assert!(table.lines().count() >= 6, "{table}");
}

#[test]
fn the_chain_names_each_steps_principal() {
    let v = json(&["--at", "2018-01-01", "chain", FIXTURE, "c1-dzb"]);
    assert_eq!(v["steps"][0]["principal"]["person"], "p2");
    assert_eq!(v["steps"][1]["principal"]["person"], "p1");
}

/// `metrics` gains each area's people metrics when the model has people (JSON `people`,
/// CSV `people.*` columns, a second table), and is unchanged without.
#[test]
fn metrics_gain_people_per_area_when_the_model_has_them() {
    let v = json(&["metrics", FIXTURE]);
    let st = &v[0]["people"];
    assert_eq!((st["principal_units"].as_u64(), st["vacancies"].as_u64()), (Some(4), Some(1)), "{v}");
    assert_eq!(st["vacancy_rate"], 0.25);
    assert_eq!(st["community_workers"], 1);
    let csv = run(&["metrics", FIXTURE, "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.contains("people.vacancies") && header.contains("people.secretary_tenure_years"), "{header}");
    let table = run(&["metrics", FIXTURE]);
    assert!(table.contains("People") && table.contains("25.0% (1/4)"), "{table}");
    // Without people: no `people` key, no second table.
    let plain = json(&["metrics", "tests/succession.json"]);
    assert!(plain.as_array().unwrap().iter().all(|a| a.get("people").is_none()), "{plain}");
    assert!(!run(&["metrics", "tests/succession.json"]).contains("People"));
}

/// `generate --people` writes people and `holds` links; without the flag there are none.
#[test]
fn generate_people_writes_people_only_when_asked() {
    let with = run(&["generate", "--scale", "district", "--seed", "5", "--people"]);
    let v: Value = serde_json::from_str(&with).unwrap();
    assert!(v["people"].as_array().is_some_and(|p| p.len() > 1000));
    assert!(v["links"].as_array().unwrap().iter().any(|l| l["kind"] == "holds" && l["post"] == "community_worker"));
    let without: Value = serde_json::from_str(&run(&["generate", "--scale", "district", "--seed", "5"])).unwrap();
    assert!(without.get("people").is_none());
    let holds = v["links"].as_array().unwrap().iter().filter(|l| l["kind"] == "holds").count();
    assert_eq!(v["links"].as_array().unwrap().len(), without["links"].as_array().unwrap().len() + holds);
}
