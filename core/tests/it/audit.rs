//! The coverage audit: one tiny model per rule that triggers it exactly once
//! and a fixed version that does not; the config; the order of findings; the
//! embedded sample against its documented gaps; and a differential property
//! test against a brute-force audit written from the rule catalogue.

use std::collections::BTreeSet;

use tiaokuai::{Config, Error, Finding, Model, RULES, Report, Severity};

use crate::common;
use common::config_error;

/// A model from the inside of a `tiaokuai/1` document.
fn load(body: &str) -> Model {
    let text = format!(r#"{{"format": "tiaokuai/1", {body}}}"#);
    Model::from_json(&text).unwrap_or_else(|e| panic!("fixture does not load: {e}\n{text}"))
}

fn audit(model: &Model) -> Report {
    model.audit(&Config::default())
}

/// The findings of one rule, as (subject, street/town).
fn of(report: &Report, rule: &str) -> Vec<(String, Option<String>)> {
    report.findings_of(rule).map(|f| (f.subject.clone(), f.territory.clone())).collect()
}

fn subjects(report: &Report, rule: &str) -> Vec<String> {
    report.findings_of(rule).map(|f| f.subject.clone()).collect()
}

/// Asserts that `broken` triggers `rule` exactly once, on `subject`, and `fixed` never.
fn check(rule: &str, broken: &str, fixed: &str, subject: &str) -> Finding {
    let report = audit(&load(broken));
    let found: Vec<&Finding> = report.findings_of(rule).collect();
    assert_eq!(found.len(), 1, "{rule} should fire once on the broken model, got {found:#?}");
    assert_eq!(found[0].subject, subject);
    assert!(!found[0].message.is_empty() && !found[0].evidence.is_empty(), "{:?}", found[0]);
    let fixed_report = audit(&load(fixed));
    assert_eq!(subjects(&fixed_report, rule), Vec::<String>::new(), "{rule} fires on the fixed model");
    found[0].clone()
}

// ---------------------------------------------------------------------------
// S: structure
// ---------------------------------------------------------------------------

const TWO_UNITS: &str = r#""units": [{"id": "b", "name": "B 业主委员会", "kind": "owners_committee"},
                                      {"id": "a", "name": "A 物业", "kind": "property_manager"}]"#;

#[test]
fn s001_leadership_cycle() {
    let broken = format!(
        r#"{TWO_UNITS}, "links": [{{"from": "b", "to": "a", "kind": "leads"}}, {{"from": "a", "to": "b", "kind": "leads"}}]"#
    );
    let fixed = format!(r#"{TWO_UNITS}, "links": [{{"from": "b", "to": "a", "kind": "leads"}}]"#);
    let f = check("S001", &broken, &fixed, "a");
    // The subject is the smallest id on the cycle, even though "b" comes first in the document.
    assert!(f.message.contains("a -> b -> a"), "{}", f.message);
    assert_eq!(f.evidence.len(), 2);
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn s001_self_loop_and_one_finding_per_tangle() {
    let model = load(
        r#""units": [{"id": "x", "name": "X", "kind": "party_committee"},
                     {"id": "p", "name": "P", "kind": "party_committee"},
                     {"id": "q", "name": "Q", "kind": "party_committee"},
                     {"id": "r", "name": "R", "kind": "party_committee"}],
           "links": [{"from": "x", "to": "x", "kind": "leads"},
                     {"from": "p", "to": "q", "kind": "leads"}, {"from": "q", "to": "p", "kind": "leads"},
                     {"from": "q", "to": "r", "kind": "leads"}, {"from": "r", "to": "q", "kind": "leads"}]"#,
    );
    let report = audit(&model);
    assert_eq!(subjects(&report, "S001"), ["x", "p"]);
    let tangle = report.findings_of("S001").nth(1).unwrap();
    assert!(tangle.message.contains("3 units in all"), "{}", tangle.message);
    assert_eq!(tangle.evidence.len(), 4);
    assert!(report.findings_of("S001").next().unwrap().message.contains("leads itself"));
}

const DUAL: &str = r#""units": [{"id": "dept", "name": "区市场监管局", "kind": "department"},
                                {"id": "gov", "name": "街道办事处", "kind": "government"},
                                {"id": "station", "name": "市场监管所", "kind": "dispatched_agency"}]"#;

#[test]
fn s002_ambiguous_leader() {
    let broken = format!(
        r#"{DUAL}, "links": [{{"from": "dept", "to": "station", "kind": "leads"}},
                             {{"from": "gov", "to": "station", "kind": "leads"}}]"#
    );
    let fixed = format!(
        r#"{DUAL}, "links": [{{"from": "dept", "to": "station", "kind": "leads", "primary": true}},
                             {{"from": "gov", "to": "station", "kind": "leads"}}]"#
    );
    check("S002", &broken, &fixed, "station");
    let both = format!(
        r#"{DUAL}, "links": [{{"from": "dept", "to": "station", "kind": "leads", "primary": true}},
                             {{"from": "gov", "to": "station", "kind": "leads", "primary": true}}]"#
    );
    let report = audit(&load(&both));
    assert!(report.findings_of("S002").next().unwrap().message.contains("2 of them are marked primary"));
}

const FOUR_LEVELS: &str = r#""territories": [{"id": "c", "name": "上海市", "kind": "city"},
                    {"id": "d", "name": "宝山区", "kind": "district", "parent": "c"},
                    {"id": "s", "name": "友谊路街道", "kind": "street", "parent": "d"},
                    {"id": "r", "name": "某居民区", "kind": "community", "parent": "s"}],
    "units": [{"id": "sw", "name": "市委", "kind": "party_committee"},
              {"id": "qw", "name": "区委", "kind": "party_committee"},
              {"id": "gw", "name": "街道党工委", "kind": "party_working_committee"},
              {"id": "rp", "name": "居民区党总支", "kind": "party_general_branch"}]"#;

const FOUR_LEVEL_JURISDICTION: &str = r#"{"from": "sw", "to": "c", "kind": "jurisdiction"},
              {"from": "qw", "to": "d", "kind": "jurisdiction"},
              {"from": "gw", "to": "s", "kind": "jurisdiction"},
              {"from": "rp", "to": "r", "kind": "jurisdiction"},
              {"from": "sw", "to": "qw", "kind": "leads"}"#;

#[test]
fn s003_broken_chain() {
    // The community organisation is led straight from the district: no street level.
    let broken = format!(
        r#"{FOUR_LEVELS}, "links": [{FOUR_LEVEL_JURISDICTION}, {{"from": "qw", "to": "gw", "kind": "leads"}},
                                    {{"from": "qw", "to": "rp", "kind": "leads"}}]"#
    );
    let fixed = format!(
        r#"{FOUR_LEVELS}, "links": [{FOUR_LEVEL_JURISDICTION}, {{"from": "qw", "to": "gw", "kind": "leads"}},
                                    {{"from": "gw", "to": "rp", "kind": "leads"}}]"#
    );
    let f = check("S003", &broken, &fixed, "rp");
    assert!(f.message.contains("rp -> qw -> sw"), "{}", f.message);
    assert!(f.message.contains("a street-level"), "{}", f.message);
    assert_eq!(f.territory.as_deref(), Some("s"));
    // A chain that stops at the street.
    let stops = format!(
        r#"{FOUR_LEVELS}, "links": [{FOUR_LEVEL_JURISDICTION}, {{"from": "gw", "to": "rp", "kind": "leads"}}]"#
    );
    let f = audit(&load(&stops)).findings_of("S003").next().unwrap().clone();
    assert!(f.message.contains("stops at \"gw\""), "{}", f.message);
    assert!(f.message.contains("a district-level and a city-level"), "{}", f.message);
}

const ONE_PLUS_TWO: &str = r#""territories": [{"id": "s", "name": "吴淞街道", "kind": "street"}],
    "units": [{"id": "gw", "name": "吴淞街道党工委", "kind": "party_working_committee"},
              {"id": "sq", "name": "吴淞街道社区党委", "kind": "party_committee", "located_in": "s"},
              {"id": "xz", "name": "吴淞街道行政党组", "kind": "party_group"}]"#;

#[test]
fn s004_street_structure() {
    let broken = format!(
        r#"{ONE_PLUS_TWO}, "links": [{{"from": "gw", "to": "s", "kind": "jurisdiction"}},
                                     {{"from": "gw", "to": "sq", "kind": "leads"}}]"#
    );
    let fixed = format!(
        r#"{ONE_PLUS_TWO}, "links": [{{"from": "gw", "to": "s", "kind": "jurisdiction"}},
                                     {{"from": "gw", "to": "sq", "kind": "leads"}}, {{"from": "gw", "to": "xz", "kind": "leads"}}]"#
    );
    let f = check("S004", &broken, &fixed, "gw");
    assert!(f.message.contains("0 administrative Party groups"), "{}", f.message);
    assert_eq!(f.territory.as_deref(), Some("s"));
}

// ---------------------------------------------------------------------------
// C: coverage
// ---------------------------------------------------------------------------

const STREET: &str = r#""territories": [{"id": "s", "name": "友谊路街道", "kind": "street"}]"#;

#[test]
fn c001_no_party_org() {
    let firm = r#"{"id": "acme", "name": "某科技有限公司", "kind": "enterprise", "sector": "private", "located_in": "s", "members": 5}"#;
    let broken = format!(r#"{STREET}, "units": [{firm}]"#);
    let fixed = format!(
        r#"{STREET}, "units": [{firm}, {{"id": "acme-party", "name": "某科技有限公司党支部", "kind": "party_branch"}}],
           "links": [{{"from": "acme-party", "to": "acme", "kind": "party_org_of"}}]"#
    );
    let f = check("C001", &broken, &fixed, "acme");
    assert_eq!(
        f.message,
        r#"unit "acme" (某科技有限公司) has 5 full members but no Party organisation of its own (Party Constitution art. 30 requires one from 3)"#
    );
    assert_eq!(f.territory.as_deref(), Some("s"));
    // A joint branch is not an organisation of its own.
    let joint = format!(
        r#"{STREET}, "units": [{firm}, {{"id": "jb", "name": "联合党支部", "kind": "joint_party_branch"}}],
           "links": [{{"from": "jb", "to": "acme", "kind": "party_org_of"}}]"#
    );
    let report = audit(&load(&joint));
    assert_eq!(subjects(&report, "C001"), ["acme"]);
    assert!(report.findings_of("C001").next().unwrap().message.contains("only in joint branch \"jb\""));
}

#[test]
fn c002_small_unit_uncovered() {
    let small = r#"{"id": "shop", "name": "某便利店", "kind": "enterprise", "sector": "private", "located_in": "s", "members": 2}"#;
    let broken = format!(r#"{STREET}, "units": [{small}]"#);
    let fixed = format!(
        r#"{STREET}, "units": [{small}, {{"id": "jb", "name": "联合党支部", "kind": "joint_party_branch"}}],
           "links": [{{"from": "jb", "to": "shop", "kind": "party_org_of"}}]"#
    );
    check("C002", &broken, &fixed, "shop");
}

#[test]
fn c003_no_work_coverage() {
    let firm = r#"{"id": "firm", "name": "某贸易公司", "kind": "enterprise", "sector": "foreign", "located_in": "s", "members": 0}"#;
    let broken = format!(r#"{STREET}, "units": [{firm}]"#);
    let fixed = format!(
        r#"{STREET}, "units": [{firm}, {{"id": "zds", "name": "党建指导站", "kind": "x-instructor_station"}}],
           "links": [{{"from": "zds", "to": "firm", "kind": "instructs"}}]"#
    );
    check("C003", &broken, &fixed, "firm");
    let union = format!(
        r#"{STREET}, "units": [{firm}, {{"id": "gh", "name": "楼宇工会", "kind": "mass_organization"}}],
           "links": [{{"from": "gh", "to": "firm", "kind": "mass_org_of"}}]"#
    );
    assert!(subjects(&audit(&load(&union)), "C003").is_empty());
    // In-system units are not checked for work coverage.
    let soe = firm.replace("foreign", "state_owned");
    assert!(subjects(&audit(&load(&format!(r#"{STREET}, "units": [{soe}]"#))), "C003").is_empty());
}

fn joint_branch(units: usize) -> String {
    let mut us = vec![r#"{"id": "jb", "name": "楼宇联合党支部", "kind": "joint_party_branch"}"#.to_string()];
    let mut ls = Vec::new();
    for i in 1..=units {
        us.push(format!(
            r#"{{"id": "u{i}", "name": "企业{i}", "kind": "enterprise", "sector": "private", "located_in": "s", "members": 1}}"#
        ));
        ls.push(format!(r#"{{"from": "jb", "to": "u{i}", "kind": "party_org_of"}}"#));
    }
    format!(r#"{STREET}, "units": [{}], "links": [{}]"#, us.join(", "), ls.join(", "))
}

#[test]
fn c004_joint_branch_too_wide() {
    let f = check("C004", &joint_branch(6), &joint_branch(5), "jb");
    assert!(f.message.contains("covers 6 units"), "{}", f.message);
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.evidence.len(), 6);
}

#[test]
fn c005_branch_too_large() {
    let branch = |kind: &str, members: u32| {
        format!(r#""units": [{{"id": "b", "name": "某党组织", "kind": "{kind}", "members": {members}}}]"#)
    };
    check("C005", &branch("party_branch", 51), &branch("party_branch", 50), "b");
    check("C005", &branch("party_general_branch", 101), &branch("party_general_branch", 100), "b");
    // A committee may be larger.
    assert!(subjects(&audit(&load(&branch("party_committee", 500))), "C005").is_empty());
    // Without its own count, a branch counts the members of the units it covers.
    let covered = |a: u32, b: u32| {
        format!(
            r#"{STREET}, "units": [{{"id": "jb", "name": "联合党支部", "kind": "joint_party_branch"}},
                {{"id": "x", "name": "X", "kind": "enterprise", "members": {a}}},
                {{"id": "y", "name": "Y", "kind": "enterprise", "members": {b}}}],
               "links": [{{"from": "jb", "to": "x", "kind": "party_org_of"}}, {{"from": "jb", "to": "y", "kind": "party_org_of"}}]"#
        )
    };
    let f = check("C005", &covered(30, 25), &covered(30, 20), "jb");
    assert!(f.message.contains("55 members in the units it covers"), "{}", f.message);
}

const COMMUNITY: &str = r#""territories": [{"id": "s", "name": "友谊路街道", "kind": "street"},
                                  {"id": "r", "name": "某居民区", "kind": "community", "parent": "s"},
                                  {"id": "g", "name": "第1网格", "kind": "grid", "parent": "r"}]"#;
const COMMUNITY_UNITS: &str = r#""units": [{"id": "gw", "name": "街道党工委", "kind": "party_working_committee"},
                  {"id": "rp", "name": "居民区党总支", "kind": "party_general_branch"},
                  {"id": "rc", "name": "居委会", "kind": "residents_committee"}]"#;

fn community(links: &[(&str, &str)]) -> String {
    let ls: Vec<String> =
        links.iter().map(|(f, t)| format!(r#"{{"from": "{f}", "to": "{t}", "kind": "jurisdiction"}}"#)).collect();
    format!(r#"{COMMUNITY}, {COMMUNITY_UNITS}, "links": [{}]"#, ls.join(", "))
}

#[test]
fn c006_territory_without_party_org() {
    let broken = community(&[("gw", "s"), ("rc", "r"), ("rc", "g")]);
    let fixed = community(&[("gw", "s"), ("rc", "r"), ("rc", "g"), ("rp", "r")]);
    let f = check("C006", &broken, &fixed, "r");
    assert_eq!(f.territory.as_deref(), Some("s"));
    // The street itself needs one too.
    let report = audit(&load(&community(&[("rc", "r"), ("rc", "g"), ("rp", "r")])));
    assert_eq!(subjects(&report, "C006"), ["s"]);
}

#[test]
fn c007_community_without_committee() {
    let broken = community(&[("gw", "s"), ("rp", "r"), ("rp", "g")]);
    let fixed = community(&[("gw", "s"), ("rp", "r"), ("rc", "r"), ("rc", "g")]);
    check("C007", &broken, &fixed, "r");
}

#[test]
fn c008_grid_unassigned() {
    let broken = community(&[("gw", "s"), ("rp", "r"), ("rc", "r")]);
    let fixed = community(&[("gw", "s"), ("rp", "r"), ("rc", "r"), ("rc", "g")]);
    let f = check("C008", &broken, &fixed, "g");
    assert_eq!(f.territory.as_deref(), Some("s"));
}

// ---------------------------------------------------------------------------
// D: registration
// ---------------------------------------------------------------------------

fn registration(extra_links: &str) -> String {
    format!(
        r#""territories": [{{"id": "s", "name": "吴淞街道", "kind": "street"}},
                          {{"id": "r", "name": "某居民区", "kind": "community", "parent": "s"}},
                          {{"id": "b", "name": "某大厦", "kind": "building", "parent": "r"}},
                          {{"id": "r2", "name": "另一居民区", "kind": "community", "parent": "s"}}],
           "units": [{{"id": "rp", "name": "居民区党总支", "kind": "party_general_branch"}},
                     {{"id": "rp2", "name": "另一居民区党总支", "kind": "party_general_branch"}},
                     {{"id": "rc", "name": "居委会", "kind": "residents_committee"}},
                     {{"id": "firm", "name": "某公司", "kind": "enterprise", "sector": "private", "located_in": "b", "members": 4}},
                     {{"id": "fp", "name": "某公司党支部", "kind": "party_branch"}}],
           "links": [{{"from": "rp", "to": "r", "kind": "jurisdiction"}}, {{"from": "rp2", "to": "r2", "kind": "jurisdiction"}},
                     {{"from": "rc", "to": "r", "kind": "jurisdiction"}},
                     {{"from": "fp", "to": "firm", "kind": "party_org_of"}}{extra_links}]"#
    )
}

#[test]
fn d001_not_registered() {
    let fixed = registration(r#", {"from": "fp", "to": "rp", "kind": "registers_with", "members": 4}"#);
    let f = check("D001", &registration(""), &fixed, "fp");
    assert_eq!(f.territory.as_deref(), Some("s"));
    // Registering elsewhere, or with a unit that is not a Party organisation, does not count.
    let elsewhere = registration(
        r#", {"from": "fp", "to": "rp2", "kind": "registers_with"}, {"from": "fp", "to": "rc", "kind": "registers_with"}"#,
    );
    assert_eq!(subjects(&audit(&load(&elsewhere)), "D001"), ["fp"]);
}

// ---------------------------------------------------------------------------
// A: matters
// ---------------------------------------------------------------------------

fn matters(list: &str, category: &str, responsible: &[(&str, &str, Option<&str>)]) -> String {
    let ls: Vec<String> = responsible
        .iter()
        .map(|(from, role, scope)| match scope {
            Some(s) => {
                format!(r#"{{"from": "{from}", "to": "m", "kind": "responsible", "role": "{role}", "scope": "{s}"}}"#)
            }
            None => format!(r#"{{"from": "{from}", "to": "m", "kind": "responsible", "role": "{role}"}}"#),
        })
        .collect();
    format!(
        r#""territories": [{{"id": "d", "name": "宝山区", "kind": "district"}},
                          {{"id": "s", "name": "张庙街道", "kind": "street", "parent": "d"}}],
           "units": [{{"id": "gov", "name": "张庙街道办事处", "kind": "government"}},
                     {{"id": "cgj", "name": "区城管执法局", "kind": "department"}},
                     {{"id": "gaj", "name": "区公安分局", "kind": "department"}}],
           "matters": [{{"id": "m", "name": "某事项", "list": "{list}", "category": "{category}"}}],
           "links": [{{"from": "gov", "to": "s", "kind": "jurisdiction"}}, {{"from": "cgj", "to": "d", "kind": "jurisdiction"}},
                     {{"from": "gaj", "to": "d", "kind": "jurisdiction"}}{}{}]"#,
        if ls.is_empty() { "" } else { ", " },
        ls.join(", ")
    )
}

#[test]
fn a001_matter_without_lead() {
    let broken = matters("basic", "x", &[("gov", "cooperate", None)]);
    let fixed = matters("basic", "x", &[("gov", "lead", None)]);
    let f = check("A001", &broken, &fixed, "m");
    assert_eq!(f.territory.as_deref(), Some("s"));
    // A lead at district level reaches the street.
    let district = matters("recalled", "x", &[("cgj", "lead", None)]);
    assert!(subjects(&audit(&load(&district)), "A001").is_empty());
}

#[test]
fn a002_matter_with_several_leads() {
    let broken = matters("cooperating", "x", &[("cgj", "lead", Some("s")), ("gaj", "lead", Some("s"))]);
    let fixed = matters("cooperating", "x", &[("cgj", "lead", Some("s")), ("gaj", "cooperate", Some("s"))]);
    let f = check("A002", &broken, &fixed, "m");
    assert!(f.message.contains(r#""cgj" (区城管执法局), "gaj" (区公安分局)"#), "{}", f.message);
    // Two leads at different levels are not ambiguous: the nearest wins.
    let nested = matters("cooperating", "x", &[("cgj", "lead", Some("s")), ("gaj", "lead", None)]);
    assert!(subjects(&audit(&load(&nested)), "A002").is_empty());
}

#[test]
fn a003_duty_list_mismatch() {
    // Basic: the street leads.
    check(
        "A003",
        &matters("basic", "x", &[("cgj", "lead", None)]),
        &matters("basic", "x", &[("gov", "lead", None), ("cgj", "supervise", None)]),
        "m",
    );
    // Cooperating: a department leads, the street cooperates.
    let f = check(
        "A003",
        &matters("cooperating", "x", &[("cgj", "lead", Some("s"))]),
        &matters("cooperating", "x", &[("cgj", "lead", Some("s")), ("gov", "cooperate", None)]),
        "m",
    );
    assert!(f.message.contains("has no cooperation"), "{}", f.message);
    let street_leads = matters("cooperating", "x", &[("gov", "lead", None), ("gov", "cooperate", None)]);
    let report = audit(&load(&street_leads));
    assert!(report.findings_of("A003").next().unwrap().message.contains("is led by the street/town itself"));
    // Recalled: no street role at all.
    check(
        "A003",
        &matters("recalled", "x", &[("cgj", "lead", None), ("gov", "supervise", None)]),
        &matters("recalled", "x", &[("cgj", "lead", None)]),
        "m",
    );
}

#[test]
fn a004_abolished_function() {
    let broken = matters("recalled", "investment_attraction", &[("cgj", "lead", None), ("gov", "cooperate", None)]);
    let fixed = matters("recalled", "investment_attraction", &[("cgj", "lead", None)]);
    let f = check("A004", &broken, &fixed, "m");
    assert_eq!(f.territory.as_deref(), Some("s"));
    // Towns keep the function.
    let town = broken.replace(r#""kind": "street""#, r#""kind": "town""#);
    assert!(subjects(&audit(&load(&town)), "A004").is_empty());
}

// ---------------------------------------------------------------------------
// B: balance
// ---------------------------------------------------------------------------

fn agency(links: &str) -> String {
    format!(
        r#""territories": [{{"id": "s", "name": "顾村镇", "kind": "town"}}],
           "units": [{{"id": "gov", "name": "顾村镇人民政府", "kind": "government"}},
                     {{"id": "gaj", "name": "区公安分局", "kind": "department"}},
                     {{"id": "pcs", "name": "顾村派出所", "kind": "dispatched_agency", "located_in": "s"}}],
           "links": [{{"from": "gov", "to": "s", "kind": "jurisdiction"}},
                     {{"from": "gaj", "to": "pcs", "kind": "dispatches"}},
                     {{"from": "gaj", "to": "pcs", "kind": "leads", "primary": true}}{links}]"#
    )
}

#[test]
fn b001_strip_without_block_power() {
    let consent = r#", {"from": "gov", "to": "pcs", "kind": "leads"}, {"from": "gov", "to": "pcs", "kind": "power", "power": "consent"}"#;
    let both = format!(r#"{consent}, {{"from": "gov", "to": "pcs", "kind": "power", "power": "assessment"}}"#);
    let f = check("B001", &agency(consent), &agency(&both), "pcs");
    assert!(f.message.contains("lacks assessment power"), "{}", f.message);
    assert_eq!(f.territory.as_deref(), Some("s"));
}

#[test]
fn b002_agency_without_block() {
    let f = check("B002", &agency(""), &agency(r#", {"from": "gov", "to": "pcs", "kind": "leads"}"#), "pcs");
    assert_eq!(f.severity, Severity::Error);
    // Without a link the street holds no power either.
    assert_eq!(subjects(&audit(&load(&agency(""))), "B001"), ["pcs"]);
}

// ---------------------------------------------------------------------------
// L: lists
// ---------------------------------------------------------------------------

fn lists(links: &str) -> String {
    format!(
        r#""items": [{{"id": "need", "name": "老年助餐", "list": "need"}},
                    {{"id": "res", "name": "企业食堂", "list": "resource"}},
                    {{"id": "proj", "name": "助餐点", "list": "project"}}],
           "links": [{links}]"#
    )
}

#[test]
fn l001_unmet_need() {
    check(
        "L001",
        &lists(r#"{"from": "proj", "to": "res", "kind": "uses"}"#),
        &lists(r#"{"from": "proj", "to": "res", "kind": "uses"}, {"from": "proj", "to": "need", "kind": "fulfils"}"#),
        "need",
    );
}

#[test]
fn l002_idle_resource() {
    check(
        "L002",
        &lists(r#"{"from": "proj", "to": "need", "kind": "fulfils"}"#),
        &lists(r#"{"from": "proj", "to": "need", "kind": "fulfils"}, {"from": "proj", "to": "res", "kind": "uses"}"#),
        "res",
    );
}

// ---------------------------------------------------------------------------
// T: time (issue #12); date-independent, read from the whole document
// ---------------------------------------------------------------------------

#[test]
fn t001_empty_validity_record_and_link() {
    let broken = r#""territories": [{"id": "s", "name": "街道", "kind": "street", "since": "2020-06-01", "until": "2020-05-31"}]"#;
    let fixed = r#""territories": [{"id": "s", "name": "街道", "kind": "street", "since": "2020-05-31", "until": "2020-05-31"}]"#;
    let f = check("T001", broken, fixed, "s");
    assert!(f.message.contains("from 2020-06-01 until 2020-05-31"), "{}", f.message);
    assert_eq!(f.severity, Severity::Error);
    // A reduced until that some reading leaves a day for is not T001: "2020-06" to "2020".
    let reduced =
        r#""territories": [{"id": "s", "name": "街道", "kind": "street", "since": "2020-06", "until": "2020"}]"#;
    assert_eq!(subjects(&audit(&load(reduced)), "T001"), Vec::<String>::new());
    // A link, named by its position, found at any view date (the view never shows it).
    let link = format!(
        r#"{TWO_UNITS}, "links": [{{"from": "b", "to": "a", "kind": "leads", "since": "2021", "until": "2019"}}]"#
    );
    for model in [load(&link), load(&link).at("2020".parse().unwrap()), load(&link).at("1990".parse().unwrap())] {
        let report = audit(&model);
        let found: Vec<&Finding> = report.findings_of("T001").collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("links[0]") && found[0].message.contains("from 2021 until 2019"));
    }
}

#[test]
fn t002_link_outside_ends() {
    let doc = |since: &str| {
        format!(
            r#""units": [{{"id": "dw", "name": "区委", "kind": "party_committee"}},
                         {{"id": "gw", "name": "党工委", "kind": "party_working_committee", "since": "2016-03"}}],
               "links": [{{"from": "dw", "to": "gw", "kind": "leads", "since": "{since}"}}]"#
        )
    };
    let f = check("T002", &doc("2015-01-01"), &doc("2016-03-01"), "dw");
    assert!(f.message.contains("from 2015-01-01") && f.message.contains("starts 2016-03"), "{}", f.message);
    // Reduced dates are spans: "since 2016" may be March or later, so no finding; "2016-02" is certain.
    assert_eq!(subjects(&audit(&load(&doc("2016"))), "T002"), Vec::<String>::new());
    assert_eq!(subjects(&audit(&load(&doc("2016-02"))), "T002"), vec!["dw".to_string()]);
    // An undated link follows its ends: no finding.
    let undated = doc("2016-03").replace(r#", "since": "2016-03"}]"#, "}]");
    assert_eq!(subjects(&audit(&load(&undated)), "T002"), Vec::<String>::new());
    // Ends: a link stated until after its end's until.
    let late = r#""units": [{"id": "dw", "name": "区委", "kind": "party_committee"},
                           {"id": "gw", "name": "党工委", "kind": "party_working_committee", "until": "2020-05-31"}],
                "links": [{"from": "dw", "to": "gw", "kind": "leads", "until": "2020-06"}]"#;
    assert_eq!(subjects(&audit(&load(late)), "T002"), vec!["dw".to_string()]);
}

#[test]
fn t003_parent_outside() {
    let doc = |child: &str| {
        format!(
            r#""territories": [{{"id": "s", "name": "旧街道", "kind": "street", "until": "2020-05-31"}},
                               {{"id": "c", "name": "居民区", "kind": "community", "parent": "s"{child}}}]"#
        )
    };
    let f = check("T003", &doc(""), &doc(r#", "until": "2020-05-31""#), "c");
    assert!(f.message.contains("ends 2020-05-31"), "{}", f.message);
    // A reduced until within the parent's last month is not certain to outlive it.
    assert_eq!(subjects(&audit(&load(&doc(r#", "until": "2020-05""#))), "T003"), Vec::<String>::new());
    // "until 2020" may be any day of 2020, January too: not certain either; "2021" is.
    assert_eq!(subjects(&audit(&load(&doc(r#", "until": "2020""#))), "T003"), Vec::<String>::new());
    assert_eq!(subjects(&audit(&load(&doc(r#", "until": "2021""#))), "T003"), vec!["c".to_string()]);
    // A unit located_in a place that is not yet in force.
    let unit = r#""territories": [{"id": "s", "name": "新街道", "kind": "street", "since": "2020-06-01"}],
                "units": [{"id": "u", "name": "某公司", "kind": "enterprise", "located_in": "s", "since": "2019"}]"#;
    assert_eq!(subjects(&audit(&load(unit)), "T003"), vec!["u".to_string()]);
}

#[test]
fn t004_succession_gap_and_overlap() {
    let doc = |event: &str, since: &str| {
        format!(
            r#""territories": [{{"id": "a", "name": "旧", "kind": "street", "until": "2020-05-31"}},
                               {{"id": "b", "name": "新", "kind": "street", "since": "{since}"}}],
               "links": [{{"from": "a", "to": "b", "kind": "succeeded_by", "event": "{event}"}}]"#
        )
    };
    let f = check("T004", &doc("merge", "2020-07-01"), &doc("merge", "2020-06-01"), "a");
    assert!(f.message.contains("ends 2020-05-31") && f.message.contains("starts 2020-07-01"), "{}", f.message);
    // Reduced: "2020-06" may be June 1st: no certain gap.
    assert_eq!(subjects(&audit(&load(&doc("merge", "2020-06"))), "T004"), Vec::<String>::new());
    // A recode starting before the old code ends is an overlap; a merge may overlap (the new street is set up first).
    assert_eq!(subjects(&audit(&load(&doc("recode", "2020-05-01"))), "T004"), vec!["a".to_string()]);
    assert_eq!(subjects(&audit(&load(&doc("merge", "2020-05-01"))), "T004"), Vec::<String>::new());
    // Switched off by the config like any rule.
    let mut config = Config::default();
    config.disable("T004").unwrap();
    assert_eq!(load(&doc("merge", "2021")).audit(&config).findings_of("T004").count(), 0);
}

// ---------------------------------------------------------------------------
// M: meetings (more in core/tests/meetings.rs)
// ---------------------------------------------------------------------------

#[test]
fn m001_no_deliberation() {
    let doc = |kind: &str| {
        format!(
            r#""territories": [{{"id": "c", "name": "一村", "kind": "community"}}],
               "meetings": [{{"id": "m1", "kind": "hearing", "territory": "c", "date": "2022-04-01"}},
                            {{"id": "m2", "kind": "{kind}", "territory": "c", "date": "2023-03-01"}}]"#
        )
    };
    let f = check("M001", &doc("consultation"), &doc("evaluation"), "c");
    assert!(f.message.contains("in 2023"), "{}", f.message);
}

#[test]
fn m002_project_without_hearing() {
    let doc = |date: &str| {
        format!(
            r#""territories": [{{"id": "c", "name": "一村", "kind": "community"}}],
               "items": [{{"id": "p", "name": "加装电梯", "list": "project", "since": "2024-05-01"}}],
               "meetings": [{{"id": "m1", "kind": "hearing", "territory": "c", "date": "{date}", "topics": ["p"]}}]"#
        )
    };
    check("M002", &doc("2024-06-10"), &doc("2024-05-01"), "p");
    // A reduced date that may be on or before the start counts.
    assert_eq!(subjects(&audit(&load(&doc("2024-05"))), "M002"), Vec::<String>::new());
}

#[test]
fn m003_project_without_evaluation() {
    let doc = |kind: &str, until: &str| {
        format!(
            r#""meta": {{"as_of": "2024-12-31"}},
               "territories": [{{"id": "c", "name": "一村", "kind": "community"}}],
               "items": [{{"id": "p", "name": "加装电梯", "list": "project", "since": "2023-11", "until": "{until}"}}],
               "meetings": [{{"id": "m1", "kind": "{kind}", "territory": "c", "date": "2023-10-08", "topics": ["p"]}}]"#
        )
    };
    check("M003", &doc("hearing", "2024-01-31"), &doc("evaluation", "2024-01-31"), "p");
    // 180 days are not over yet.
    assert_eq!(subjects(&audit(&load(&doc("hearing", "2024-07-31"))), "M003"), Vec::<String>::new());
}

#[test]
fn m004_meeting_out_of_force() {
    let doc = |date: &str| {
        format!(
            r#""territories": [{{"id": "c", "name": "新建社区", "kind": "community", "since": "2023-01-01"}}],
               "meetings": [{{"id": "m1", "kind": "coordination", "territory": "c", "date": "{date}"}}]"#
        )
    };
    check("M004", &doc("2022-05-05"), &doc("2023-05-05"), "c");
    // A year that may include a day in force is not certain.
    assert_eq!(subjects(&audit(&load(&doc("2023"))), "M004"), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// P: people (more in tests/people.rs)
// ---------------------------------------------------------------------------

#[test]
fn p001_to_p005_fire_on_a_broken_model_and_not_on_the_fixed_one() {
    let two = r#""units": [{"id": "a", "name": "甲党支部", "kind": "party_branch"}, {"id": "b", "name": "乙党支部", "kind": "party_branch"}],
        "people": [{"id": "p1"}, {"id": "p2"}]"#;
    let f = check(
        "P001",
        &format!(r#"{two}, "links": [{{"from": "p1", "to": "a", "kind": "holds", "post": "secretary"}}]"#),
        &format!(
            r#"{two}, "links": [{{"from": "p1", "to": "a", "kind": "holds", "post": "secretary"}},
                               {{"from": "p2", "to": "b", "kind": "holds", "post": "secretary"}}]"#
        ),
        "b",
    );
    assert!(f.message.contains("no secretary"), "{}", f.message);
    let f = check(
        "P002",
        &format!(
            r#"{two}, "links": [{{"from": "p1", "to": "a", "kind": "holds", "post": "secretary", "until": "2020-06"}},
                               {{"from": "p2", "to": "a", "kind": "holds", "post": "secretary", "since": "2020-05-15"}}]"#
        ),
        &format!(
            r#"{two}, "links": [{{"from": "p1", "to": "a", "kind": "holds", "post": "secretary", "until": "2020-06"}},
                               {{"from": "p2", "to": "a", "kind": "holds", "post": "secretary", "since": "2020-07"}}]"#
        ),
        "a",
    );
    assert!(f.message.contains("\"p1\" and \"p2\""), "{}", f.message);
    let worker = |band: &str, grade: u32| {
        format!(
            r#"{two}, "links": [{{"from": "p1", "to": "a", "kind": "holds", "post": "community_worker",
                                 "band": "{band}", "grade": {grade}}}]"#
        )
    };
    check("P003", &worker("deputy", 3), &worker("deputy", 4), "p1");
    let street = |pop: u32| {
        format!(
            r#""territories": [{{"id": "s", "name": "街道", "kind": "street", "attrs": {{"population": {pop}}}}}],
               "units": [{{"id": "rc", "name": "居委会", "kind": "residents_committee", "located_in": "s"}}],
               "people": [{{"id": "p1"}}, {{"id": "p2"}}],
               "links": [{{"from": "p1", "to": "rc", "kind": "holds", "post": "community_worker"}},
                         {{"from": "p2", "to": "rc", "kind": "holds", "post": "community_worker"}}]"#
        )
    };
    check("P004", &street(1112), &street(1111), "s");
    let cross = |director: &str| {
        format!(
            r#""units": [{{"id": "dzb", "name": "党总支", "kind": "party_general_branch"}},
                         {{"id": "rc", "name": "居委会", "kind": "residents_committee"}}],
               "people": [{{"id": "p1"}}, {{"id": "p2"}}, {{"id": "p3"}}],
               "links": [{{"from": "dzb", "to": "rc", "kind": "leads"}},
                         {{"from": "p1", "to": "dzb", "kind": "holds", "post": "secretary"}},
                         {{"from": "p2", "to": "dzb", "kind": "holds", "post": "committee_member"}},
                         {{"from": "{director}", "to": "rc", "kind": "holds", "post": "director"}}]"#
        )
    };
    check("P005", &cross("p3"), &cross("p2"), "dzb");
}

#[test]
fn every_rule_has_a_fixture_above() {
    // Keep this list in step with the tests above: one per rule.
    let tested = [
        "S001", "S002", "S003", "S004", "C001", "C002", "C003", "C004", "C005", "C006", "C007", "C008", "D001", "A001",
        "A002", "A003", "A004", "B001", "B002", "L001", "L002", "T001", "T002", "T003", "T004", "M001", "M002", "M003",
        "M004", "P001", "P002", "P003", "P004", "P005",
    ];
    let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    assert_eq!(codes, tested);
}

/// Every rule's example in docs/rules.md triggers it exactly once.
#[test]
fn documented_examples_trigger_their_rule() {
    let doc = include_str!("../../docs/rules.md");
    let mut checked = Vec::new();
    for section in doc.split("\n### ").skip(1) {
        let code = &section[..4];
        let Some(rule) = tiaokuai::Rule::find(code) else { continue };
        let start = section.find("```json\n").unwrap_or_else(|| panic!("{code}: no example")) + 8;
        let end = start + section[start..].find("```").unwrap();
        let model = load(&section[start..end]);
        let report = audit(&model);
        assert_eq!(report.findings_of(code).count(), 1, "{code}: {:#?}", report.findings);
        checked.push(rule.code);
    }
    assert_eq!(checked, RULES.iter().map(|r| r.code).collect::<Vec<_>>());
    // The config examples are the same config, and valid.
    let toml = doc.split("```toml\n").nth(1).unwrap().split("```").next().unwrap();
    let json =
        doc.split("## The config").nth(1).unwrap().split("```json\n").nth(1).unwrap().split("```").next().unwrap();
    let (a, b) = (Config::from_toml_str(toml).unwrap(), Config::from_json_str(json).unwrap());
    assert_eq!(a, b);
    assert_eq!(a.severity("C001"), Some(Severity::Error));
    assert_eq!(a.severity("C003"), None);
    assert_eq!(a.severity("S002"), Some(Severity::Info));
    assert_eq!(a.thresholds, Config::default().thresholds);
}

/// The error table in docs/rules.md gives the library's exact messages.
#[test]
fn documented_config_errors_are_exact() {
    let doc = include_str!("../../docs/rules.md");
    let table = doc.split("| input | message |").nth(1).unwrap();
    let mut rows = 0;
    for line in table.lines().skip(2) {
        if !line.starts_with("| `") {
            break;
        }
        let cells: Vec<&str> = line.split(" | ").collect();
        let input = cells[0].trim_start_matches("| `").trim_end_matches('`');
        let message = cells[1].trim_start_matches('`').trim_end_matches(" |").trim_end_matches('`');
        assert_eq!(config_error(Config::from_json_str(input)), message, "{input}");
        rows += 1;
    }
    assert_eq!(rows, 8);
}

// ---------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------

fn firm_model(members: u32) -> Model {
    load(&format!(
        r#"{STREET}, "units": [{{"id": "acme", "name": "某科技有限公司", "kind": "enterprise", "sector": "private",
                                 "located_in": "s", "members": {members}}}]"#
    ))
}

#[test]
fn config_disables_and_regrades() {
    let model = firm_model(5);
    let config = Config::from_toml_str("[rules]\nC003 = \"off\"\nno-party-org = \"error\"\nC006 = false\n").unwrap();
    let report = model.audit(&config);
    let found: Vec<(&str, Severity)> = report.findings.iter().map(|f| (f.rule, f.severity)).collect();
    assert_eq!(found, [("C001", Severity::Error)]);
    assert_eq!(report.summary.errors, 1);
    let c003 = report.summary.rules.iter().find(|r| r.code == "C003").unwrap();
    assert_eq!((c003.severity, c003.findings), (None, 0));

    let mut config = Config::default();
    config.disable("no-work-coverage").unwrap().set_severity("C001", Severity::Info).unwrap();
    let report = model.audit(&config);
    assert_eq!(of(&report, "C003"), []);
    assert_eq!(report.findings_of("C001").next().unwrap().severity, Severity::Info);
    assert!(config.disable("C999").is_err());
}

#[test]
fn config_thresholds() {
    let model = firm_model(3);
    let report = audit(&model);
    assert_eq!((subjects(&report, "C001").len(), subjects(&report, "C002").len()), (1, 0));
    let config = Config::from_json_str(r#"{"thresholds": {"min_members_for_org": 4}}"#).unwrap();
    let report = model.audit(&config);
    assert_eq!((subjects(&report, "C001").len(), subjects(&report, "C002").len()), (0, 1));
    assert!(report.findings_of("C002").next().unwrap().message.contains("fewer than 4"));

    let wide = load(&joint_branch(6));
    let config = Config::from_json_str(r#"{"thresholds": {"joint_branch_max_units": 6}}"#).unwrap();
    assert!(subjects(&wide.audit(&config), "C004").is_empty());

    let consent_only = load(&agency(
        r#", {"from": "gov", "to": "pcs", "kind": "leads"}, {"from": "gov", "to": "pcs", "kind": "power", "power": "consent"}"#,
    ));
    let config = Config::from_toml_str("[thresholds]\nrequired_powers = [\"consent\"]\n").unwrap();
    assert!(subjects(&consent_only.audit(&config), "B001").is_empty());
    let config = Config::from_toml_str("[thresholds]\nrequired_powers = [\"consent\", \"advice\"]\n").unwrap();
    assert_eq!(subjects(&consent_only.audit(&config), "B001"), ["pcs"]);
}

#[test]
fn config_profile_off_disables_shanghai_rules() {
    let broken = load(&format!(r#"{ONE_PLUS_TWO}, "links": [{{"from": "gw", "to": "s", "kind": "jurisdiction"}}]"#));
    assert_eq!(subjects(&audit(&broken), "S004"), ["gw"]);
    let off = Config::from_toml_str("[profiles]\nshanghai = false\n").unwrap();
    assert!(subjects(&broken.audit(&off), "S004").is_empty());
    assert_eq!(off.severity("A004"), None);
    // An explicit rule setting wins over the profile.
    let back = Config::from_toml_str("[profiles]\nshanghai = false\n[rules]\nS004 = \"info\"\n").unwrap();
    assert_eq!(subjects(&broken.audit(&back), "S004"), ["gw"]);
    assert_eq!(back.severity("A004"), None);
}

#[test]
fn config_errors_name_the_key() {
    let cases: &[(&str, &str)] = &[
        (r#"{"rule": {}}"#, r#"unknown key "rule""#),
        (r#"{"rules": {"C099": "off"}}"#, r#"unknown rule "C099""#),
        (r#"{"rules": {"C001": "loud"}}"#, r#"rules.C001: unknown severity "loud""#),
        (r#"{"rules": {"C001": 3}}"#, "rules.C001: expected"),
        (r#"{"rules": {"C001": {"severity": "info", "colour": "red"}}}"#, r#"rules.C001: unknown key "colour""#),
        (r#"{"rules": {"C001": "off", "no-party-org": "error"}}"#, "name the same rule C001"),
        (
            r#"{"thresholds": {"min_members_for_org": "three"}}"#,
            "thresholds.min_members_for_org: expected a whole number",
        ),
        (r#"{"thresholds": {"min_members_for_org": 0}}"#, "thresholds.min_members_for_org"),
        (r#"{"thresholds": {"min_members_for_org": 2.5}}"#, "thresholds.min_members_for_org"),
        (r#"{"thresholds": {"required_powers": ["veto"]}}"#, "thresholds.required_powers[0]"),
        (r#"{"thresholds": {"max_units": 5}}"#, r#"unknown key "thresholds.max_units""#),
        (r#"{"profiles": {"beijing": true}}"#, r#"unknown key "profiles.beijing""#),
        (r#"{"profiles": {"shanghai": "yes"}}"#, "profiles.shanghai: expected true or false"),
        (r#"[1, 2]"#, "expected a table at the top level"),
        (r#"{"rules": "#, "malformed JSON"),
    ];
    for (text, wanted) in cases {
        let message = config_error(Config::from_json_str(text));
        assert!(message.contains(wanted), "{text}: {message:?} lacks {wanted:?}");
    }
    let message = config_error(Config::from_toml_str("[rules]\nC001 = "));
    assert!(message.starts_with("malformed TOML"), "{message}");
    let message = config_error(Config::from_toml_str("[thresholds]\nbranch_max_members = -1\n"));
    assert!(message.contains("thresholds.branch_max_members"), "{message}");
}

#[test]
fn config_files_by_extension() {
    let dir = std::env::temp_dir().join(format!("tiaokuai-audit-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml = dir.join("audit.toml");
    std::fs::write(&toml, "[rules]\nL001 = \"off\"\n").unwrap();
    assert!(!Config::load(&toml).unwrap().is_enabled("L001"));
    let json = dir.join("audit.json");
    std::fs::write(&json, r#"{"rules": {"L002": "error"}}"#).unwrap();
    assert_eq!(Config::load(&json).unwrap().severity("L002"), Some(Severity::Error));
    let bad = dir.join("audit.json");
    std::fs::write(&bad, r#"{"rules": {"L003": "off"}}"#).unwrap();
    let message = config_error(Config::load(&bad));
    assert!(message.starts_with(&bad.display().to_string()) && message.contains("L003"), "{message}");
    let yaml = dir.join("audit.yaml");
    std::fs::write(&yaml, "rules: {}").unwrap();
    assert!(config_error(Config::load(&yaml)).contains(".toml or .json"));
    assert!(matches!(Config::load(dir.join("missing.toml")), Err(Error::Io { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn default_severities_and_profiles_are_documented_choices() {
    let config = Config::default();
    for r in RULES {
        assert_eq!(config.severity(r.code), Some(r.default_severity), "{}", r.code);
    }
    let errors: Vec<&str> = RULES.iter().filter(|r| r.default_severity == Severity::Error).map(|r| r.code).collect();
    assert_eq!(errors, ["S001", "S003", "A001", "A002", "B002", "T001"]);
    let shanghai: Vec<&str> = RULES.iter().filter(|r| r.profile == Some("shanghai")).map(|r| r.code).collect();
    assert_eq!(shanghai, ["S004", "A004"]);
}

// ---------------------------------------------------------------------------
// Order and output
// ---------------------------------------------------------------------------

#[test]
fn findings_come_in_a_stable_order() {
    let model = load(
        r#""territories": [{"id": "z", "name": "Z 街道", "kind": "street"},
                          {"id": "a", "name": "A 镇", "kind": "town"},
                          {"id": "g2", "name": "网格2", "kind": "grid", "parent": "a"},
                          {"id": "g1", "name": "网格1", "kind": "grid", "parent": "z"}],
           "units": [{"id": "u2", "name": "U2", "kind": "enterprise", "sector": "private", "located_in": "a", "members": 4},
                     {"id": "u1", "name": "U1", "kind": "enterprise", "sector": "social", "located_in": "z", "members": 1}],
           "matters": [{"id": "m2", "name": "M2", "list": "basic"}, {"id": "m1", "name": "M1", "list": "basic"}],
           "items": [{"id": "n", "name": "N", "list": "need"}]"#,
    );
    let report = audit(&model);
    let keys: Vec<(&str, &str, Option<&str>)> =
        report.findings.iter().map(|f| (f.rule, f.subject.as_str(), f.territory.as_deref())).collect();
    assert_eq!(
        keys,
        [
            ("C001", "u2", Some("a")),
            ("C002", "u1", Some("z")),
            ("C003", "u2", Some("a")),
            ("C003", "u1", Some("z")),
            ("C006", "z", Some("z")),
            ("C006", "a", Some("a")),
            ("C008", "g2", Some("a")),
            ("C008", "g1", Some("z")),
            ("A001", "m2", Some("z")),
            ("A001", "m2", Some("a")),
            ("A001", "m1", Some("z")),
            ("A001", "m1", Some("a")),
            ("L001", "n", None),
        ]
    );
    assert_eq!(audit(&model), report);
    assert_eq!(audit(&model).to_json(), report.to_json());
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["summary", "findings", "metrics"]);
    assert_eq!(json["findings"][0]["rule"], "C001");
    assert_eq!(json["findings"][0]["severity"], "warning");
    assert_eq!(json["findings"][0]["evidence"][0], serde_json::json!({"record": "u2", "field": "members", "value": 4}));
    let table = report.to_table().render();
    assert!(table.starts_with("severity"), "{table}");
    assert!(report.render().ends_with("13 findings: 4 errors, 8 warnings, 1 infos\n"), "{}", report.render());
}

// ---------------------------------------------------------------------------
// The embedded sample against data/samples/README.md
// ---------------------------------------------------------------------------

/// The (rule, subject, street/town) rows of the gap table in `data/samples/README.md`.
fn documented_gaps() -> BTreeSet<(String, String)> {
    let readme = include_str!("../../data/samples/README.md");
    let mut out = BTreeSet::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 || cells[1].len() != 4 || !RULES.iter().any(|r| r.code == cells[1]) {
            continue;
        }
        out.insert((cells[1].to_string(), cells[2].trim_matches('`').to_string()));
    }
    out
}

#[test]
fn sample_findings_match_the_documented_gaps() {
    let report = audit(&Model::sample());
    let found: BTreeSet<(String, String)> =
        report.findings.iter().map(|f| (f.rule.to_string(), f.subject.clone())).collect();
    let documented = documented_gaps();
    assert!(documented.len() >= 21, "the README gap table was not found: {documented:?}");
    assert_eq!(
        found,
        documented,
        "sample audit differs from data/samples/README.md:\n  documented, not found: {:?}\n  found, not documented: {:?}",
        documented.difference(&found).collect::<Vec<_>>(),
        found.difference(&documented).collect::<Vec<_>>()
    );
    // One finding per documented row (the A rules per street/town).
    assert_eq!(report.findings.len(), 38);
    let a004 = report.findings_of("A004").next().unwrap();
    assert_eq!(a004.territory.as_deref(), Some("310113008"));
    assert!(a004.message.contains("zm-gov"));
    for f in &report.findings {
        assert!(!f.evidence.is_empty(), "{f}");
    }
}

// ---------------------------------------------------------------------------
// Differential: the audit against a brute-force reading of the catalogue
// ---------------------------------------------------------------------------

mod differential {
    use proptest::prelude::*;

    use super::brute;
    use tiaokuai::{Config, Model};

    proptest! {
        // 300 cases by default; set PROPTEST_CASES for a longer run.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(300)
        ))]

        #[test]
        fn audit_matches_brute_force(spec in brute::spec()) {
            let text = brute::document(&spec);
            let model = Model::from_json(&text).unwrap();
            let report = model.audit(&Config::default());
            let found = brute::keys(&report);
            let expected = brute::audit(&model);
            prop_assert_eq!(&found, &expected, "model: {}", text);
        }
    }

    /// The random models exercise every rule, both ways.
    #[test]
    fn random_models_trigger_every_rule() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let mut seen = std::collections::BTreeMap::new();
        for _ in 0..300 {
            let spec = brute::spec().new_tree(&mut runner).unwrap().current();
            let model = Model::from_json(&brute::document(&spec)).unwrap();
            for (rule, _, _) in brute::audit(&model) {
                *seen.entry(rule).or_insert(0usize) += 1;
            }
        }
        // The T rules (dates) have their own differential on random dated models: core/tests/time_rules.rs;
        // the M rules (meetings) their own tests: core/tests/meetings.rs; the P rules need people,
        // which these models lack: core/tests/people.rs checks them.
        for r in tiaokuai::RULES.iter().filter(|r| {
            !matches!(r.family, tiaokuai::Family::Time | tiaokuai::Family::Meetings | tiaokuai::Family::People)
        }) {
            let n = seen.get(r.code).copied().unwrap_or(0);
            assert!(n >= 3, "{} fired {n} times in 300 random models: {seen:?}", r.code);
        }
    }
}

/// A brute-force audit written from the rule catalogue (docs/rules.md): every
/// check scans all the model's links, and the walks are spelled out again.
mod brute {
    use std::collections::{BTreeSet, HashSet};

    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;
    use proptest::sample::select;
    use serde_json::{Value, json};
    use tiaokuai::{Link, LinkKind, Model, Node, Report};

    const T_KINDS: &[&str] =
        &["street", "town", "zone", "township", "community", "village", "grid", "building", "district", "community"];
    const U_KINDS: &[&str] = &[
        "party_committee",
        "party_working_committee",
        "party_group",
        "party_general_branch",
        "party_branch",
        "joint_party_branch",
        "government",
        "department",
        "dispatched_agency",
        "residents_committee",
        "villagers_committee",
        "enterprise",
        "public_institution",
        "social_organization",
        "mass_organization",
        "x-instructor_station",
    ];
    const SECTORS: &[Option<&str>] = &[
        None,
        Some("party"),
        Some("government"),
        Some("public_institution"),
        Some("state_owned"),
        Some("private"),
        Some("foreign"),
        Some("social"),
        Some("self_governance"),
    ];
    const PARTY: &[&str] = &[
        "party_committee",
        "party_working_committee",
        "party_group",
        "party_general_branch",
        "party_branch",
        "joint_party_branch",
    ];
    const POWERS: &[&str] = &["advice", "consent", "assessment", "participation", "comprehensive"];
    const ROLES: &[&str] = &["lead", "cooperate", "supervise"];
    const LISTS: &[&str] = &["basic", "cooperating", "recalled"];
    const ITEM_LISTS: &[&str] = &["need", "resource", "project"];
    const LINK_KINDS: &[&str] = &[
        "leads",
        "party_org_of",
        "instructs",
        "mass_org_of",
        "registers_with",
        "jurisdiction",
        "power",
        "responsible",
        "fulfils",
        "uses",
        "raises",
        "offers",
        "dispatches",
        "jurisdiction",
        "leads",
        "party_org_of",
        "responsible",
        "power",
    ];

    /// A random model, as choices (indices are taken modulo the lengths).
    #[derive(Debug, Clone)]
    pub struct Spec {
        territories: Vec<(usize, usize)>,
        units: Vec<(usize, usize, Option<usize>, Option<u32>)>,
        matters: Vec<(usize, bool)>,
        items: Vec<usize>,
        links: Vec<(usize, usize, usize, usize, Option<usize>)>,
        /// Start from a well-formed four-level skeleton (so that rules also get to pass).
        skeleton: bool,
        /// `party_org_of` fans from a joint branch: (branch choice, first unit, count).
        fans: Vec<(usize, usize, usize)>,
    }

    /// A well-formed skeleton: city, district, street and community with their Party
    /// organisations, "1+2", a government, a department and a dual-led agency, a joint branch.
    const SKELETON_TERRITORIES: &[(&str, &str, Option<&str>)] = &[
        ("t0", "city", None),
        ("t1", "district", Some("t0")),
        ("t2", "street", Some("t1")),
        ("t3", "community", Some("t2")),
    ];
    const SKELETON_UNITS: &[(&str, Option<&str>)] = &[
        ("party_committee", None),
        ("party_committee", None),
        ("party_working_committee", None),
        ("party_committee", Some("t2")),
        ("party_group", None),
        ("party_branch", None),
        ("government", Some("t2")),
        ("dispatched_agency", Some("t2")),
        ("department", None),
        ("joint_party_branch", None),
        ("residents_committee", Some("t3")),
    ];
    const SKELETON_LINKS: &[(usize, &str, &str, &str)] = &[
        (0, "t0", "jurisdiction", ""),
        (1, "t1", "jurisdiction", ""),
        (2, "t2", "jurisdiction", ""),
        (5, "t3", "jurisdiction", ""),
        (6, "t2", "jurisdiction", ""),
        (8, "t1", "jurisdiction", ""),
        (10, "t3", "jurisdiction", ""),
        (0, "u1", "leads", ""),
        (1, "u2", "leads", ""),
        (2, "u3", "leads", ""),
        (2, "u4", "leads", ""),
        (3, "u5", "leads", ""),
        (8, "u7", "dispatches", ""),
        (8, "u7", "leads", "primary"),
        (6, "u7", "leads", ""),
        (6, "u7", "power", "consent"),
        (6, "u7", "power", "assessment"),
    ];

    pub fn spec() -> impl Strategy<Value = Spec> {
        (
            vec((0..T_KINDS.len(), any::<usize>()), 0..12),
            vec(
                (
                    0..U_KINDS.len(),
                    0..SECTORS.len(),
                    option::of(any::<usize>()),
                    option::of(select(vec![0u32, 1, 2, 3, 4, 6, 30, 51, 101])),
                ),
                0..20,
            ),
            vec((0..LISTS.len(), any::<bool>()), 0..4),
            vec(0..ITEM_LISTS.len(), 0..5),
            vec(
                (0..LINK_KINDS.len(), any::<usize>(), any::<usize>(), any::<usize>(), option::of(any::<usize>())),
                0..70,
            ),
            any::<bool>(),
            vec((any::<usize>(), any::<usize>(), 0..8usize), 0..3),
        )
            .prop_map(|(territories, units, matters, items, links, skeleton, fans)| Spec {
                territories,
                units,
                matters,
                items,
                links,
                skeleton,
                fans,
            })
    }

    /// The spec as a `tiaokuai/1` document.
    pub fn document(spec: &Spec) -> String {
        let mut territories = Vec::new();
        let fixed = if spec.skeleton { SKELETON_TERRITORIES } else { &SKELETON_TERRITORIES[..2] };
        for &(id, kind, parent) in fixed {
            let mut t = json!({"id": id, "name": id.to_uppercase(), "kind": kind});
            if let Some(p) = parent {
                t["parent"] = json!(p);
            }
            territories.push(t);
        }
        let skip = territories.len();
        for (i, &(k, p)) in spec.territories.iter().enumerate() {
            let id = i + skip;
            let mut t = json!({"id": format!("t{id}"), "name": format!("T{id}"), "kind": T_KINDS[k]});
            let parent = p % (id + 1);
            if parent < id {
                t["parent"] = json!(format!("t{parent}"));
            }
            territories.push(t);
        }
        let nt = territories.len();
        let mut units = Vec::new();
        let mut kinds: Vec<&str> = Vec::new();
        if spec.skeleton {
            for (i, &(kind, loc)) in SKELETON_UNITS.iter().enumerate() {
                let mut u = json!({"id": format!("u{i}"), "name": format!("U{i}"), "kind": kind});
                if let Some(l) = loc {
                    u["located_in"] = json!(l);
                }
                units.push(u);
                kinds.push(kind);
            }
        }
        let skip = units.len();
        for (i, &(k, s, loc, members)) in spec.units.iter().enumerate() {
            let i = i + skip;
            kinds.push(U_KINDS[k]);
            let mut u = json!({"id": format!("u{i}"), "name": format!("U{i}"), "kind": U_KINDS[k]});
            if let Some(s) = SECTORS[s] {
                u["sector"] = json!(s);
            }
            if let Some(l) = loc {
                u["located_in"] = json!(format!("t{}", l % nt));
            }
            if let Some(m) = members {
                u["members"] = json!(m);
            }
            units.push(u);
        }
        let matters: Vec<Value> = spec
            .matters
            .iter()
            .enumerate()
            .map(|(i, &(l, invest))| {
                let category = if invest { "investment_attraction" } else { "urban_management" };
                json!({"id": format!("m{i}"), "name": format!("M{i}"), "list": LISTS[l], "category": category})
            })
            .collect();
        let items: Vec<Value> = spec
            .items
            .iter()
            .enumerate()
            .map(|(i, &l)| json!({"id": format!("i{i}"), "name": format!("I{i}"), "list": ITEM_LISTS[l]}))
            .collect();
        let (nu, nm, ni) = (units.len(), matters.len(), items.len());
        let mut links = Vec::new();
        if spec.skeleton {
            for &(from, to, kind, extra) in SKELETON_LINKS {
                let mut l = json!({"from": format!("u{from}"), "to": to, "kind": kind});
                match (kind, extra) {
                    ("leads", "primary") => l["primary"] = json!(true),
                    ("power", p) => l["power"] = json!(p),
                    _ => {}
                }
                links.push(l);
            }
        }
        let joint: Vec<usize> = (0..nu).filter(|&i| kinds[i] == "joint_party_branch").collect();
        for &(b, start, count) in &spec.fans {
            if joint.is_empty() {
                break;
            }
            let from = joint[b % joint.len()];
            for j in 0..count {
                let to = (start + j) % nu;
                links.push(json!({"from": format!("u{from}"), "to": format!("u{to}"), "kind": "party_org_of"}));
            }
        }
        for &(k, f, t, extra, scope) in &spec.links {
            let kind = LINK_KINDS[k];
            if kind == "dispatches" && (nu == 0 || kinds[f % nu] != "department") {
                continue; // the format: a dispatches link starts from a department
            }
            let (from, to) = match kind {
                "jurisdiction" if nu > 0 => (format!("u{}", f % nu), format!("t{}", t % nt)),
                "responsible" if nu > 0 && nm > 0 => (format!("u{}", f % nu), format!("m{}", t % nm)),
                "fulfils" | "uses" if ni > 0 => (format!("i{}", f % ni), format!("i{}", t % ni)),
                "raises" | "offers" if nu > 0 && ni > 0 => (format!("u{}", f % nu), format!("i{}", t % ni)),
                "jurisdiction" | "responsible" | "fulfils" | "uses" | "raises" | "offers" => continue,
                _ if nu > 0 => (format!("u{}", f % nu), format!("u{}", t % nu)),
                _ => continue,
            };
            let mut l = json!({"from": from, "to": to, "kind": kind});
            match kind {
                "leads" if extra % 3 == 0 => l["primary"] = json!(true),
                "power" => l["power"] = json!(POWERS[extra % POWERS.len()]),
                "responsible" => {
                    l["role"] = json!(ROLES[extra % ROLES.len()]);
                    if let Some(s) = scope {
                        l["scope"] = json!(format!("t{}", s % nt));
                    }
                }
                "registers_with" if extra % 2 == 0 => l["members"] = json!(extra % 7),
                _ => {}
            }
            links.push(l);
        }
        json!({"format": "tiaokuai/1", "territories": territories, "units": units, "matters": matters,
               "items": items, "links": links})
        .to_string()
    }

    /// (rule, subject, street/town for the A rules).
    pub type Key = (String, String, Option<String>);

    pub fn keys(report: &Report) -> BTreeSet<Key> {
        report
            .findings
            .iter()
            .map(|f| {
                let t = if f.rule.starts_with('A') { f.territory.clone() } else { None };
                (f.rule.to_string(), f.subject.clone(), t)
            })
            .collect()
    }

    struct B<'m> {
        m: &'m Model,
        links: Vec<Link>,
    }

    impl<'m> B<'m> {
        fn of(&self, kind: LinkKind) -> impl Iterator<Item = &Link> + '_ {
            self.links.iter().filter(move |l| l.kind == kind)
        }
        fn kind(&self, n: Node) -> &'m str {
            self.m.record(n).kind_str()
        }
        fn party(&self, n: Node) -> bool {
            PARTY.contains(&self.kind(n))
        }
        fn strip(&self, n: Node) -> bool {
            matches!(self.kind(n), "department" | "dispatched_agency")
        }
        fn holds(&self, u: Node, t: Node) -> bool {
            self.of(LinkKind::Jurisdiction).any(|l| l.from == u && l.to == t)
        }
        fn township(&self, t: Node) -> Option<Node> {
            let mut cur = Some(t);
            while let Some(c) = cur {
                if matches!(self.kind(c), "street" | "town" | "township" | "zone") {
                    return Some(c);
                }
                cur = self.m.territory(c).unwrap().parent;
            }
            None
        }
        fn territory_level(&self, t: Node) -> Option<u8> {
            Some(match self.kind(t) {
                "country" => 0,
                "province" => 1,
                "city" => 2,
                "district" => 3,
                "street" | "town" | "township" | "zone" => 4,
                "community" | "village" => 5,
                "grid" | "building" | "park" | "market" | "platform" => 6,
                _ => return None,
            })
        }
        fn unit_level(&self, u: Node) -> Option<u8> {
            let held = self
                .of(LinkKind::Jurisdiction)
                .filter(|l| l.from == u)
                .filter_map(|l| self.territory_level(l.to))
                .min();
            held.or_else(|| self.m.unit(u).unwrap().located_in.and_then(|t| self.territory_level(t)))
        }
        fn id(&self, n: Node) -> String {
            self.m.id(n).to_string()
        }
        fn reach(&self, from: Node) -> HashSet<Node> {
            let mut seen = HashSet::new();
            let mut todo = vec![from];
            while let Some(x) = todo.pop() {
                for l in self.of(LinkKind::Leads) {
                    if l.from == x && seen.insert(l.to) {
                        todo.push(l.to);
                    }
                }
            }
            seen
        }
        fn members(&self, u: Node) -> u32 {
            self.m.unit(u).unwrap().members().unwrap_or(0)
        }
    }

    pub fn audit(model: &Model) -> BTreeSet<Key> {
        let b = B { m: model, links: model.links().map(|(_, l)| l).collect() };
        let mut out: BTreeSet<Key> = BTreeSet::new();
        let mut add = |rule: &str, subject: String, t: Option<String>| {
            out.insert((rule.to_string(), subject, t));
        };
        let units: Vec<Node> = model.units().map(|(n, _)| n).collect();
        let territories: Vec<Node> = model.territories().map(|(n, _)| n).collect();

        // S001: units on a cycle, grouped by mutual reachability, the smallest id of each group.
        let reach: Vec<HashSet<Node>> = units.iter().map(|&u| b.reach(u)).collect();
        for (i, &u) in units.iter().enumerate() {
            if reach[i].contains(&u) {
                let group = units.iter().enumerate().filter(|&(j, &v)| reach[i].contains(&v) && reach[j].contains(&u));
                let min = group.map(|(_, &v)| b.id(v)).min().unwrap();
                add("S001", min, None);
            }
        }
        for &u in &units {
            let into: Vec<&Link> = b.of(LinkKind::Leads).filter(|l| l.to == u).collect();
            // S002
            let leaders: BTreeSet<Node> = into.iter().map(|l| l.from).collect();
            let primary: BTreeSet<Node> = into.iter().filter(|l| l.primary == Some(true)).map(|l| l.from).collect();
            if leaders.len() >= 2 && primary.len() != 1 {
                add("S002", b.id(u), None);
            }
            // S003
            if b.party(u) && b.unit_level(u) == Some(5) {
                let mut path = vec![u];
                loop {
                    let cur = *path.last().unwrap();
                    let ls: Vec<&Link> = b.of(LinkKind::Leads).filter(|l| l.to == cur).collect();
                    let Some(pick) = ls.iter().find(|l| l.primary == Some(true)).or(ls.first()) else { break };
                    if path.contains(&pick.from) {
                        break;
                    }
                    path.push(pick.from);
                }
                let mut stage = 0;
                for &p in &path[1..] {
                    if !b.party(p) {
                        continue;
                    }
                    let lv = b.unit_level(p);
                    if stage == 0 && lv == Some(4) {
                        stage = 1;
                    } else if stage == 1 && lv == Some(3) {
                        stage = 2;
                    } else if stage == 2 && lv.is_some_and(|l| l <= 2) {
                        stage = 3;
                    }
                }
                if stage < 3 {
                    add("S003", b.id(u), None);
                }
            }
            // S004
            if b.kind(u) == "party_working_committee"
                && b.of(LinkKind::Jurisdiction).any(|l| l.from == u && b.kind(l.to) == "street")
            {
                let led: BTreeSet<Node> = b.of(LinkKind::Leads).filter(|l| l.from == u).map(|l| l.to).collect();
                let committees = led
                    .iter()
                    .filter(|&&x| b.kind(x) == "party_committee" && !matches!(b.unit_level(x), Some(5 | 6)))
                    .count();
                let groups = led.iter().filter(|&&x| b.kind(x) == "party_group").count();
                if (committees, groups) != (1, 1) {
                    add("S004", b.id(u), None);
                }
            }
            // C001–C003
            let orgs: Vec<Node> = b.of(LinkKind::PartyOrgOf).filter(|l| l.to == u).map(|l| l.from).collect();
            let own = orgs.iter().any(|&o| b.kind(o) != "joint_party_branch");
            let joint = orgs.iter().any(|&o| b.kind(o) == "joint_party_branch");
            let m = b.members(u);
            if !b.party(u) {
                if m >= 3 && !own {
                    add("C001", b.id(u), None);
                }
                if (1..=2).contains(&m) && !own && !joint {
                    add("C002", b.id(u), None);
                }
                let sector = model.unit(u).unwrap().sector.as_ref().map(|s| s.as_str().to_string());
                let work = !orgs.is_empty()
                    || b.of(LinkKind::Instructs).any(|l| l.to == u)
                    || b.of(LinkKind::MassOrgOf).any(|l| l.to == u);
                if matches!(sector.as_deref(), Some("private" | "foreign" | "social")) && !work {
                    add("C003", b.id(u), None);
                }
            }
            // C004, C005
            let covered: BTreeSet<Node> = b.of(LinkKind::PartyOrgOf).filter(|l| l.from == u).map(|l| l.to).collect();
            if b.kind(u) == "joint_party_branch" && covered.len() > 5 {
                add("C004", b.id(u), None);
            }
            let limit = match b.kind(u) {
                "party_branch" | "joint_party_branch" => Some(50),
                "party_general_branch" => Some(100),
                _ => None,
            };
            if let Some(limit) = limit {
                let size = match model.unit(u).unwrap().members() {
                    Some(n) => n,
                    None => covered.iter().map(|&c| b.members(c)).sum(),
                };
                if size > limit {
                    add("C005", b.id(u), None);
                }
            }
            // D001
            let mut failing = false;
            for &c in &covered {
                let Some(loc) = model.unit(c).unwrap().located_in else { continue };
                let Some(township) = b.township(loc) else { continue };
                let mut places = vec![loc];
                let mut cur = loc;
                while cur != township {
                    cur = model.territory(cur).unwrap().parent.unwrap();
                    places.push(cur);
                }
                if places.iter().any(|&p| b.holds(u, p)) {
                    continue;
                }
                let registered = b
                    .of(LinkKind::RegistersWith)
                    .any(|l| l.from == u && b.party(l.to) && places.iter().any(|&p| b.holds(l.to, p)));
                failing |= !registered;
            }
            if failing {
                add("D001", b.id(u), None);
            }
            // B001, B002
            if b.kind(u) == "dispatched_agency" {
                let via = |kind: LinkKind| {
                    b.of(kind).filter(|l| l.to == u && !b.strip(l.from)).find_map(|l| {
                        b.of(LinkKind::Jurisdiction).filter(|j| j.from == l.from).find_map(|j| b.township(j.to))
                    })
                };
                let served = model
                    .unit(u)
                    .unwrap()
                    .located_in
                    .and_then(|t| b.township(t))
                    .or_else(|| via(LinkKind::Leads))
                    .or_else(|| via(LinkKind::Power));
                match served {
                    None => add("B002", b.id(u), None),
                    Some(t) => {
                        let block: Vec<Node> = b
                            .of(LinkKind::Jurisdiction)
                            .filter(|l| l.to == t && !b.strip(l.from))
                            .map(|l| l.from)
                            .collect();
                        let linked = b
                            .links
                            .iter()
                            .any(|l| (l.from == u && block.contains(&l.to)) || (l.to == u && block.contains(&l.from)));
                        let powers: Vec<&str> = b
                            .of(LinkKind::Power)
                            .filter(|l| l.to == u && block.contains(&l.from))
                            .map(|l| l.power.as_ref().unwrap().as_str())
                            .collect();
                        if !powers.contains(&"assessment") || !powers.contains(&"consent") {
                            add("B001", b.id(u), None);
                        }
                        if !linked {
                            add("B002", b.id(u), None);
                        }
                    }
                }
            }
        }
        // C006–C008
        for &t in &territories {
            let holders: Vec<Node> = b.of(LinkKind::Jurisdiction).filter(|l| l.to == t).map(|l| l.from).collect();
            let k = b.kind(t);
            if matches!(k, "community" | "village" | "street" | "town" | "township" | "zone")
                && !holders.iter().any(|&h| b.party(h))
            {
                add("C006", b.id(t), None);
            }
            if matches!(k, "community" | "village")
                && !holders.iter().any(|&h| matches!(b.kind(h), "residents_committee" | "villagers_committee"))
            {
                add("C007", b.id(t), None);
            }
            if k == "grid" && holders.is_empty() {
                add("C008", b.id(t), None);
            }
        }
        // A001–A004
        let townships: Vec<Node> = territories
            .iter()
            .copied()
            .filter(|&t| matches!(b.kind(t), "street" | "town" | "township" | "zone"))
            .collect();
        let all: Vec<(usize, Link)> = model.links().map(|(id, l)| (id.index(), l)).collect();
        for (m, matter) in model.matters() {
            let resp: Vec<(usize, &Link)> = all
                .iter()
                .map(|(i, l)| (*i, l))
                .filter(|(_, l)| l.kind == LinkKind::Responsible && l.to == m)
                .collect();
            let applies = |l: &Link, at: Node| l.scope == Some(at) || (l.scope.is_none() && b.holds(l.from, at));
            for &t in &townships {
                let mut leads: Vec<&Link> = Vec::new();
                let mut cur = Some(t);
                while let Some(at) = cur {
                    leads = resp
                        .iter()
                        .filter(|(_, l)| l.role.as_ref().map(|r| r.as_str()) == Some("lead") && applies(l, at))
                        .map(|&(_, l)| l)
                        .collect();
                    if !leads.is_empty() {
                        break;
                    }
                    cur = model.territory(at).unwrap().parent;
                }
                let tid = Some(b.id(t));
                if leads.is_empty() {
                    add("A001", b.id(m), tid.clone());
                }
                if leads.len() >= 2 {
                    add("A002", b.id(m), tid.clone());
                }
                let street: Vec<Node> =
                    b.of(LinkKind::Jurisdiction).filter(|l| l.to == t && !b.strip(l.from)).map(|l| l.from).collect();
                let roles: Vec<&str> = resp
                    .iter()
                    .filter(|(_, l)| street.contains(&l.from) && (l.scope.is_none() || l.scope == Some(t)))
                    .map(|(_, l)| l.role.as_ref().map(|r| r.as_str()).unwrap())
                    .collect();
                let bad = match matter.list.as_str() {
                    "basic" => leads.iter().any(|l| !street.contains(&l.from)),
                    "cooperating" => roles.contains(&"lead") || !roles.contains(&"cooperate"),
                    _ => !roles.is_empty(),
                };
                if bad {
                    add("A003", b.id(m), tid);
                }
            }
            if matter.category.as_deref() == Some("investment_attraction") {
                for (_, l) in &resp {
                    if b.strip(l.from) {
                        continue;
                    }
                    for j in b.of(LinkKind::Jurisdiction).filter(|j| j.from == l.from && b.kind(j.to) == "street") {
                        add("A004", b.id(m), Some(b.id(j.to)));
                    }
                }
            }
        }
        // L001, L002
        for (i, item) in model.items() {
            let project = |kind: LinkKind| {
                b.of(kind).any(|l| l.to == i && model.item(l.from).is_some_and(|p| p.list.as_str() == "project"))
            };
            match item.list.as_str() {
                "need" if !project(LinkKind::Fulfils) => add("L001", b.id(i), None),
                "resource" if !project(LinkKind::Uses) => add("L002", b.id(i), None),
                _ => {}
            }
        }
        out
    }
}
