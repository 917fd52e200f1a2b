//! Suggested fixes (issue #13): the what-if of each suggestion closes its finding and
//! opens none, on the sample and on a generated district.

use crate::common;

use tiaokuai::suggest::suggest;
use tiaokuai::whatif::whatif_change;
use tiaokuai::{Config, Model};

/// Checks up to `per_rule` suggestions of each rule (each what-if applies the change set to
/// the whole model: a debug build keeps the count small).
fn check(model: &Model, per_rule: usize) -> Vec<&'static str> {
    let config = Config::default();
    let report = model.audit(&config);
    let suggestions = suggest(model, &report);
    let mut rules = Vec::new();
    for s in &suggestions {
        if rules.iter().filter(|&&r| r == s.rule).count() >= per_rule {
            continue;
        }
        let w = whatif_change(model, &s.change, &config).unwrap_or_else(|e| panic!("{} {}: {e}", s.rule, s.subject));
        let closed = w
            .resolved
            .iter()
            .any(|a| a.finding.rule == s.rule && a.finding.subject == s.subject && a.finding.territory == s.territory);
        assert!(closed, "{} {} is not closed by\n{}", s.rule, s.subject, s.to_json());
        assert!(
            w.introduced.is_empty(),
            "{} {} opens {:?}\n{}",
            s.rule,
            s.subject,
            w.introduced.iter().map(|a| a.finding.to_string()).collect::<Vec<_>>(),
            s.to_json()
        );
        let meta = s.change.meta.as_ref().unwrap();
        assert_eq!(meta.get("suggestion"), Some(serde_json::Value::Bool(true)));
        rules.push(s.rule);
    }
    rules
}

#[test]
fn every_suggestion_on_the_sample_closes_its_finding_and_opens_none() {
    let rules = check(&common::sample_without_people_or_meetings(), usize::MAX);
    for rule in ["C001", "D001", "C008", "S002"] {
        assert!(rules.contains(&rule), "no {rule} suggestion: {rules:?}");
    }
}

#[cfg(feature = "divisions")] // the generator places its model on the embedded division tables
#[test]
fn every_suggestion_on_a_district_closes_its_finding_and_opens_none() {
    let model = tiaokuai::generate::generate(tiaokuai::generate::Scale::District, 3).unwrap();
    let rules = check(&model, 3);
    assert!(rules.len() >= 6, "{rules:?}");
}

#[test]
fn a_choice_filled_by_the_user_still_closes_the_finding() {
    let model = common::sample_without_people_or_meetings();
    let config = Config::default();
    let report = model.audit(&config);
    let s = suggest(&model, &report);
    let c001 = s.iter().find(|s| s.rule == "C001").unwrap();
    let filled = c001.with_choice("add.units[0].id", "new-branch-1").unwrap();
    let filled = filled.with_choice("add.units[0].name", "新党支部").unwrap();
    assert_eq!(filled.change.add.units[0].id, "new-branch-1");
    let w = whatif_change(&model, &filled.change, &config).unwrap();
    assert!(w.resolved.iter().any(|a| a.finding.rule == "C001" && a.finding.subject == c001.subject));
    assert!(w.introduced.is_empty());
    assert!(c001.with_choice("add.units[9].id", "x").is_err());
}
