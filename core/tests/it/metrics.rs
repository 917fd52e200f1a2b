//! The balance metrics: hand-computed counts on a small model, roll-ups that
//! equal the sum of their parts, and a brute-force check on random models.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::json;
use tiaokuai::{Area, Config, Counts, Level, Metrics, Model};

const SMALL: &str = r#"{"format": "tiaokuai/1",
  "territories": [
    {"id": "c", "name": "City", "kind": "city"},
    {"id": "d", "name": "District", "kind": "district", "parent": "c"},
    {"id": "s", "name": "Street", "kind": "street", "parent": "d"},
    {"id": "t", "name": "Town", "kind": "town", "parent": "d"},
    {"id": "z", "name": "Zone", "kind": "zone", "parent": "d"},
    {"id": "r", "name": "Community", "kind": "community", "parent": "s"},
    {"id": "d2", "name": "District 2", "kind": "district", "parent": "c"},
    {"id": "s2", "name": "Street 2", "kind": "street", "parent": "d2"}],
  "units": [
    {"id": "gw", "name": "街道党工委", "kind": "party_working_committee", "sector": "party"},
    {"id": "rp", "name": "居民区党支部", "kind": "party_branch", "sector": "party"},
    {"id": "gov", "name": "街道办事处", "kind": "government", "sector": "government", "located_in": "s"},
    {"id": "tgov", "name": "镇政府", "kind": "government", "sector": "government", "located_in": "t"},
    {"id": "a1", "name": "派出所", "kind": "dispatched_agency", "sector": "government", "located_in": "s"},
    {"id": "a2", "name": "市场监管所", "kind": "dispatched_agency", "sector": "government", "located_in": "t"},
    {"id": "firm1", "name": "一号公司", "kind": "enterprise", "sector": "private", "located_in": "r", "members": 4},
    {"id": "f1p", "name": "一号公司党支部", "kind": "party_branch", "sector": "party"},
    {"id": "firm2", "name": "二号公司", "kind": "enterprise", "sector": "private", "located_in": "r", "members": 1},
    {"id": "jb", "name": "联合党支部", "kind": "joint_party_branch", "sector": "party"},
    {"id": "firm3", "name": "社会组织", "kind": "social_organization", "sector": "social", "located_in": "s", "members": 0},
    {"id": "zds", "name": "党建指导站", "kind": "x-instructor_station"},
    {"id": "firm4", "name": "外资公司", "kind": "enterprise", "sector": "foreign", "located_in": "t", "members": 2},
    {"id": "soe", "name": "国企", "kind": "enterprise", "sector": "state_owned", "located_in": "t", "members": 10},
    {"id": "soep", "name": "国企党委", "kind": "party_committee", "sector": "party"},
    {"id": "rc", "name": "居委会", "kind": "residents_committee", "sector": "self_governance", "located_in": "r"},
    {"id": "jm", "name": "联席会议", "kind": "joint_meeting", "located_in": "s"},
    {"id": "dept", "name": "城管局", "kind": "department", "sector": "government"},
    {"id": "dept2", "name": "公安分局", "kind": "department", "sector": "government"}],
  "matters": [
    {"id": "m1", "name": "占道经营", "list": "basic"},
    {"id": "m2", "name": "噪声扰民", "list": "cooperating"}],
  "links": [
    {"from": "gw", "to": "s", "kind": "jurisdiction"},
    {"from": "rp", "to": "r", "kind": "jurisdiction"},
    {"from": "gov", "to": "s", "kind": "jurisdiction"},
    {"from": "tgov", "to": "t", "kind": "jurisdiction"},
    {"from": "rc", "to": "r", "kind": "jurisdiction"},
    {"from": "dept", "to": "d", "kind": "jurisdiction"},
    {"from": "dept2", "to": "d", "kind": "jurisdiction"},
    {"from": "f1p", "to": "firm1", "kind": "party_org_of"},
    {"from": "jb", "to": "firm2", "kind": "party_org_of"},
    {"from": "soep", "to": "soe", "kind": "party_org_of"},
    {"from": "zds", "to": "firm3", "kind": "instructs"},
    {"from": "f1p", "to": "rp", "kind": "registers_with"},
    {"from": "gov", "to": "a1", "kind": "power", "power": "consent"},
    {"from": "gov", "to": "a1", "kind": "power", "power": "assessment"},
    {"from": "tgov", "to": "a2", "kind": "power", "power": "consent"},
    {"from": "gov", "to": "m1", "kind": "responsible", "role": "lead"},
    {"from": "tgov", "to": "m1", "kind": "responsible", "role": "lead"},
    {"from": "dept", "to": "m2", "kind": "responsible", "role": "lead", "scope": "s"},
    {"from": "dept2", "to": "m2", "kind": "responsible", "role": "lead", "scope": "s"}]}"#;

fn area<'a>(areas: &'a [Area], id: &str) -> &'a Area {
    areas.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("no area {id}"))
}

fn small() -> Metrics {
    Model::from_json(SMALL).unwrap().metrics(&Config::default())
}

#[test]
fn hand_computed_street() {
    let m = small();
    let ids: Vec<&str> = m.townships.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["s", "t", "z", "s2"]);
    let s = area(&m.townships, "s");
    assert_eq!((s.kind.as_str(), s.parent.as_deref(), s.townships), ("street", Some("d"), 1));
    let mut want = Counts::default();
    // gov, a1, firm1, firm2, firm3, rc: Party organisations and the joint meeting are not units.
    want.units = 6;
    want.units_with_own_org = 1; // firm1
    want.units_in_joint_branch = 1; // firm2
    want.units_covered = 2;
    want.units_with_members = 2; // firm1 (4), firm2 (1)
    want.units_with_members_covered = 2;
    want.in_system_units = 2; // gov, a1
    want.in_system_covered = 0;
    want.out_of_system_units = 3; // firm1, firm2, firm3 (rc is self-governance: neither)
    want.out_of_system_covered = 2;
    want.out_of_system_work_covered = 3; // firm3 has an instructor
    want.party_orgs_to_register = 2; // f1p (registered with rp), jb (not)
    want.party_orgs_registered = 1;
    want.agencies = 1;
    want.agencies_with_assessment = 1;
    want.agencies_with_consent = 1;
    want.agencies_with_required_powers = 1;
    want.matters = 2;
    want.matters_single_lead = 1; // m1; m2 has two leads here
    assert_eq!(s.counts, want);
    assert_eq!(s.rates.org_coverage, Some(2.0 / 6.0));
    assert_eq!(s.rates.org_coverage_in_system, Some(0.0));
    assert_eq!(s.rates.work_coverage, Some(1.0));
    assert_eq!(s.rates.dual_registration, Some(0.5));
    assert_eq!(s.rates.block_power, Some(1.0));
    assert_eq!(s.rates.matter_coverage, Some(0.5));
}

#[test]
fn hand_computed_town_and_empty_areas() {
    let m = small();
    let t = area(&m.townships, "t");
    let mut want = Counts::default();
    want.units = 4; // tgov, a2, firm4, soe
    want.units_with_own_org = 1;
    want.units_covered = 1;
    want.units_with_members = 2;
    want.units_with_members_covered = 1;
    want.in_system_units = 3;
    want.in_system_covered = 1;
    want.out_of_system_units = 1;
    want.party_orgs_to_register = 1; // soep, not registered
    want.agencies = 1;
    want.agencies_with_consent = 1;
    want.matters = 2;
    want.matters_single_lead = 1;
    assert_eq!(t.counts, want);
    assert_eq!(t.rates.block_power, Some(0.0));
    assert_eq!(t.rates.work_coverage, Some(0.0));
    let z = area(&m.townships, "z");
    assert_eq!((z.counts.units, z.counts.matters, z.counts.matters_single_lead), (0, 2, 0));
    assert_eq!(z.rates.org_coverage, None);
    assert_eq!(z.rates.matter_coverage, Some(0.0));
    // zds, dept and dept2 sit nowhere.
    assert_eq!(m.unplaced_units, 3);
}

#[test]
fn roll_ups_are_sums_of_their_parts() {
    let m = small();
    let sum = |ids: &[&str]| {
        let mut c = Counts::default();
        for id in ids {
            c += area(&m.townships, id).counts;
        }
        c
    };
    assert_eq!(m.districts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["d", "d2"]);
    let d = area(&m.districts, "d");
    assert_eq!((d.counts, d.townships, d.parent.as_deref()), (sum(&["s", "t", "z"]), 3, Some("c")));
    assert_eq!(area(&m.districts, "d2").counts, sum(&["s2"]));
    let c = area(&m.cities, "c");
    assert_eq!((c.counts, c.townships, c.parent.as_deref()), (sum(&["s", "t", "z", "s2"]), 4, None));
    assert_eq!(c.rates, c.counts.rates());
    assert!(m.provinces.is_empty() && m.countries.is_empty());
    let groups: Vec<(&str, Counts)> = m.comparison.iter().map(|a| (a.id.as_str(), a.counts)).collect();
    assert_eq!(groups, [("urban", sum(&["s", "s2"])), ("rural", sum(&["t"])), ("other", sum(&["z"]))]);
}

#[test]
fn tables_and_json() {
    let m = small();
    let table = m.to_table(Level::Street).render();
    let first = table.lines().nth(2).unwrap();
    assert!(first.starts_with("s "), "{table}");
    assert!(first.contains("33.3% (2/6)"), "{first}");
    assert_eq!(m.to_table(Level::District).len(), 2);
    assert_eq!(m.to_table(Level::City).len(), 1);
    assert!(m.to_table(Level::Grid).is_empty());
    assert_eq!(m.comparison_table().len(), 3);
    let json = serde_json::to_value(&m).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["townships", "districts", "cities", "provinces", "countries", "comparison", "unplaced_units"]);
    assert_eq!(json["townships"][0]["counts"]["units"], 6);
    assert_eq!(json["townships"][2]["rates"]["org_coverage"], serde_json::Value::Null);
    // The audit report carries the same metrics.
    let report = Model::from_json(SMALL).unwrap().audit(&Config::default());
    assert_eq!(report.metrics, m);
}

#[test]
fn required_powers_come_from_the_config() {
    let model = Model::from_json(SMALL).unwrap();
    let config = Config::from_toml_str("[thresholds]\nrequired_powers = [\"consent\"]\n").unwrap();
    let m = model.metrics(&config);
    assert_eq!(area(&m.townships, "t").counts.agencies_with_required_powers, 1);
}

#[test]
fn sample_roll_up_is_exact() {
    let m = Model::sample().metrics(&Config::default());
    assert_eq!(m.townships.len(), 13);
    let mut total = Counts::default();
    for a in &m.townships {
        assert_eq!(a.parent.as_deref(), Some("310113"));
        total += a.counts;
    }
    assert_eq!(m.districts.len(), 1);
    assert_eq!(m.districts[0].counts, total);
    assert_eq!(m.cities[0].counts, total);
    assert_eq!(m.districts[0].parent.as_deref(), Some("31"));
    let groups: Vec<(&str, u64)> = m.comparison.iter().map(|a| (a.id.as_str(), a.townships)).collect();
    assert_eq!(groups, [("urban", 3), ("rural", 9), ("other", 1)]);
    assert_eq!(total.agencies, 60);
    assert_eq!(total.matters, 13 * 14);
}

#[test]
fn documented_sample_row_is_current() {
    let doc = include_str!("../../docs/metrics.md");
    let shown = doc.split("```text\n").nth(1).unwrap().split("```").next().unwrap();
    let table = Model::sample().metrics(&Config::default()).to_table(Level::District).render();
    assert_eq!(shown, table, "docs/metrics.md shows an out-of-date table");
}

#[test]
fn matter_gaps_are_the_a001_a002_findings() {
    let model = Model::from_json(SMALL).unwrap();
    let report = model.audit(&Config::default());
    for a in &report.metrics.townships {
        let findings = report
            .findings
            .iter()
            .filter(|f| matches!(f.rule, "A001" | "A002") && f.territory.as_deref() == Some(a.id.as_str()))
            .count() as u64;
        assert_eq!(a.counts.matters - a.counts.matters_single_lead, findings, "{}", a.id);
    }
}

// ---------------------------------------------------------------------------
// Random models: roll-ups and unit counts against a brute-force count
// ---------------------------------------------------------------------------

const T_KINDS: &[&str] = &["district", "street", "town", "zone", "community", "grid", "city", "township"];
const U_KINDS: &[&str] = &["enterprise", "party_branch", "joint_party_branch", "government", "joint_meeting", "x-cell"];
const SECTORS: &[Option<&str>] =
    &[None, Some("private"), Some("foreign"), Some("social"), Some("state_owned"), Some("party"), Some("mass")];
const L_KINDS: &[&str] = &["party_org_of", "instructs", "mass_org_of"];

type Spec = (Vec<(usize, usize)>, Vec<(usize, usize, Option<usize>, Option<u32>)>, Vec<(usize, usize, usize)>);

fn spec() -> impl Strategy<Value = Spec> {
    (
        vec((0..T_KINDS.len(), any::<usize>()), 0..14),
        vec((0..U_KINDS.len(), 0..SECTORS.len(), option::of(any::<usize>()), option::of(0u32..5)), 0..20),
        vec((0..L_KINDS.len(), any::<usize>(), any::<usize>()), 0..25),
    )
}

fn document((ts, us, ls): &Spec) -> String {
    let mut territories = vec![json!({"id": "t0", "name": "T0", "kind": "province"})];
    for (i, &(k, p)) in ts.iter().enumerate() {
        let id = i + 1;
        let mut t = json!({"id": format!("t{id}"), "name": format!("T{id}"), "kind": T_KINDS[k]});
        if p % (id + 1) < id {
            t["parent"] = json!(format!("t{}", p % (id + 1)));
        }
        territories.push(t);
    }
    let units: Vec<_> = us
        .iter()
        .enumerate()
        .map(|(i, &(k, s, loc, members))| {
            let mut u = json!({"id": format!("u{i}"), "name": format!("U{i}"), "kind": U_KINDS[k]});
            if let Some(s) = SECTORS[s] {
                u["sector"] = json!(s);
            }
            if let Some(l) = loc {
                u["located_in"] = json!(format!("t{}", l % territories.len()));
            }
            if let Some(m) = members {
                u["members"] = json!(m);
            }
            u
        })
        .collect();
    let links: Vec<_> = if units.is_empty() {
        Vec::new()
    } else {
        ls.iter()
            .map(|&(k, f, t)| {
                json!({"from": format!("u{}", f % units.len()), "to": format!("u{}", t % units.len()), "kind": L_KINDS[k]})
            })
            .collect()
    };
    json!({"format": "tiaokuai/1", "territories": territories, "units": units, "links": links}).to_string()
}

proptest! {
    #[test]
    fn random_roll_ups_and_unit_counts(spec in spec()) {
        let model = Model::from_json(&document(&spec)).unwrap();
        let m = model.metrics(&Config::default());
        let township_kinds = ["street", "town", "township", "zone"];
        // Brute force: the street/town of a territory, walking up its parents.
        let township = |mut t: tiaokuai::Node| loop {
            if township_kinds.contains(&model.record(t).kind_str()) {
                return Some(t);
            }
            t = model.parent(t)?;
        };
        let party = ["party_branch", "joint_party_branch"];
        let mut placed = 0u64;
        for a in &m.townships {
            let tw = model.node(&a.id).unwrap();
            let (mut units, mut covered, mut work, mut non_public) = (0u64, 0u64, 0u64, 0u64);
            for (u, unit) in model.units() {
                let kind = unit.kind.as_str();
                if party.contains(&kind) || kind == "joint_meeting" {
                    continue;
                }
                if unit.located_in.and_then(township) != Some(tw) {
                    continue;
                }
                units += 1;
                let incoming = |k: &str| model.links().filter(|(_, l)| l.to == u && l.kind.as_str() == k).count();
                let org = incoming("party_org_of") > 0;
                covered += u64::from(org);
                if unit.sector.as_ref().is_some_and(|s| matches!(s.as_str(), "private" | "foreign" | "social")) {
                    non_public += 1;
                    work += u64::from(org || incoming("instructs") > 0 || incoming("mass_org_of") > 0);
                }
            }
            placed += units;
            prop_assert_eq!(a.counts.units, units);
            prop_assert_eq!(a.counts.units_covered, covered);
            prop_assert_eq!(a.counts.out_of_system_units, non_public);
            prop_assert_eq!(a.counts.out_of_system_work_covered, work);
            prop_assert_eq!(a.counts.units_covered, a.counts.units_with_own_org + a.counts.units_in_joint_branch);
        }
        let countable = model.units().filter(|(_, u)| !party.contains(&u.kind.as_str()) && u.kind.as_str() != "joint_meeting").count();
        prop_assert_eq!(placed + m.unplaced_units, countable as u64);
        // Every roll-up area is the sum of the streets/towns that have it as an ancestor.
        for level in [Level::District, Level::City, Level::Province] {
            for area in m.areas(level) {
                let node = model.node(&area.id).unwrap();
                let mut sum = Counts::default();
                let mut n = 0;
                for a in &m.townships {
                    let tw = model.node(&a.id).unwrap();
                    let mut up = model.ancestors(tw).skip(1).filter(|&x| model.record(x).kind_str() == model.record(node).kind_str());
                    if up.next() == Some(node) {
                        sum += a.counts;
                        n += 1;
                    }
                }
                prop_assert_eq!(area.counts, sum);
                prop_assert_eq!(area.townships, n);
            }
        }
        let mut all = Counts::default();
        for a in &m.comparison {
            all += a.counts;
        }
        let mut parts = Counts::default();
        for a in &m.townships {
            parts += a.counts;
        }
        prop_assert_eq!(all, parts);
    }
}
