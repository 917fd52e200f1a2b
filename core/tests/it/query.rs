//! The accountability queries: chain, responsible_for, dispatch, and the node-level
//! `leadership_path` / `resolve_leads`, on small hand-made models and, differentially,
//! against a brute-force implementation on random models.

use proptest::prelude::*;
use tiaokuai::evidence::Fact;
use tiaokuai::*;

fn model(body: &str) -> Model {
    Model::from_json(&format!("{{\"format\": \"tiaokuai/1\", {body}}}")).unwrap()
}

fn ids<'a>(c: &'a Chain<'_>) -> Vec<&'a str> {
    c.ids().collect()
}

fn links(c: &Chain) -> Vec<Option<usize>> {
    c.steps.iter().map(|s| s.link).collect()
}

/// City → district → street → community, one Party organisation holding jurisdiction over each.
const FOUR_LEVELS: &str = r#"
  "territories": [
    {"id": "31", "name": "上海市", "kind": "city"},
    {"id": "310113", "name": "宝山区", "kind": "district", "parent": "31"},
    {"id": "s1", "name": "友谊路街道", "kind": "street", "parent": "310113"},
    {"id": "c1", "name": "一居民区", "kind": "community", "parent": "s1"},
    {"id": "g1", "name": "一号网格", "kind": "grid", "parent": "c1"}
  ],
  "units": [
    {"id": "sw", "name": "中共上海市委", "kind": "party_committee"},
    {"id": "qw", "name": "中共宝山区委", "kind": "party_committee"},
    {"id": "gw", "name": "友谊路街道党工委", "kind": "party_working_committee"},
    {"id": "jw", "name": "一居民区党总支", "kind": "party_general_branch"},
    {"id": "loose", "name": "无处可归", "kind": "party_branch"}
  ],
  "links": [
    {"from": "sw", "to": "31", "kind": "jurisdiction"},
    {"from": "qw", "to": "310113", "kind": "jurisdiction"},
    {"from": "gw", "to": "s1", "kind": "jurisdiction"},
    {"from": "jw", "to": "c1", "kind": "jurisdiction"},
    {"from": "sw", "to": "qw", "kind": "leads"},
    {"from": "qw", "to": "gw", "kind": "leads"},
    {"from": "gw", "to": "jw", "kind": "leads"}
  ]"#;

#[test]
fn leadership_chain_to_the_top_with_levels_and_grades() {
    let m = model(FOUR_LEVELS);
    let c = m.chain("jw", Line::Leadership).unwrap();
    assert_eq!(ids(&c), ["jw", "gw", "qw", "sw"]);
    assert_eq!(links(&c), [None, Some(6), Some(5), Some(4)]);
    assert_eq!(c.steps[1].via, Some(LinkKind::Leads));
    let grades: Vec<_> = c.steps.iter().map(|s| s.grade).collect();
    assert_eq!(grades, [Some(Grade::Specific), Some(Grade::Direct), Some(Grade::First), Some(Grade::Overall)]);
    let levels: Vec<_> = c.steps.iter().map(|s| s.level).collect();
    assert_eq!(levels, [Some(Level::Community), Some(Level::Street), Some(Level::District), Some(Level::City)]);
    assert_eq!(c.steps[0].name, "一居民区党总支");
    assert_eq!(c.steps[0].kind, "party_general_branch");
    assert!(c.branches.is_empty() && c.ambiguous.is_empty() && c.cycle.is_none());
    let facts: Vec<String> = c.evidence.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        facts,
        ["links[6]: gw -leads-> jw", "links[5]: qw -leads-> gw", "links[4]: sw -leads-> qw", "sw: no incoming leads"]
    );
    // Every line agrees where there is only leadership.
    for line in Line::ALL {
        assert_eq!(ids(&m.chain("jw", line).unwrap()), ["jw", "gw", "qw", "sw"], "{line}");
    }
}

#[test]
fn missing_levels_give_no_grade() {
    let m = model(FOUR_LEVELS);
    let c = m.chain("loose", Line::All).unwrap();
    assert_eq!(ids(&c), ["loose"]);
    assert_eq!((c.steps[0].level, c.steps[0].grade), (None, None));
    assert_eq!(
        c.evidence,
        [Fact::Missing {
            record: "loose".into(),
            missing: "leads, dispatches or guides".into(),
            direction: "in".into()
        }]
    );
}

#[test]
fn bad_ids_are_errors_naming_the_id() {
    let m = model(FOUR_LEVELS);
    assert_eq!(m.chain("ghost", Line::All).unwrap_err(), Error::UnknownId { id: "ghost".into() });
    let e = m.chain("c1", Line::All).unwrap_err();
    assert_eq!(e.to_string(), r#""c1" is a territory, but chain needs a unit"#);
    assert_eq!(m.responsible_for("jw").unwrap_err().kind(), "wrong_record_type");
    assert_eq!(m.dispatch("c1", "c1").unwrap_err().to_string(), r#""c1" is a territory, but dispatch needs a matter"#);
    assert!(matches!(m.dispatch("ghost", "c1"), Err(Error::UnknownId { .. })));
}

#[test]
fn line_words() {
    for line in Line::ALL {
        assert_eq!(line.to_string().parse::<Line>().unwrap(), line);
        assert_eq!(serde_json::to_value(line).unwrap(), serde_json::json!(line.as_str()));
    }
    let err = "up".parse::<Line>().unwrap_err();
    assert_eq!(err.to_string(), r#"line: unknown line "up"; expected one of leadership, strip, all"#);
}

const DUAL: &str = r#"
  "units": [
    {"id": "a", "name": "A", "kind": "party_committee"},
    {"id": "b", "name": "B", "kind": "government"},
    {"id": "x", "name": "X", "kind": "dispatched_agency"}
  ],
  "links": [
    {"from": "a", "to": "x", "kind": "leads"LINK0},
    {"from": "b", "to": "x", "kind": "leads"LINK1}
  ]"#;

fn dual(p0: &str, p1: &str) -> Model {
    model(&DUAL.replace("LINK0", p0).replace("LINK1", p1))
}

#[test]
fn dual_leadership_follows_the_primary_and_reports_the_other() {
    let m = dual("", r#", "primary": true"#);
    let c = m.chain("x", Line::Leadership).unwrap();
    assert_eq!(ids(&c), ["x", "b"]);
    assert!(c.ambiguous.is_empty());
    assert_eq!(c.branches.len(), 1);
    let b = &c.branches[0];
    assert_eq!((&*b.at, &*b.leader, &*b.name, b.link), ("x", "a", "A", 0));
    assert_eq!(b.kind, LinkKind::Leads);
    assert_eq!(c.evidence.len(), 3); // the link followed, the branch, and no leader above b
    assert!(c.render().contains("branch at x: A (a) also leads it, links[0]"));
    let (path, cycle) = leadership_path(&m, m.node("x").unwrap());
    assert_eq!((path, cycle), (vec![m.node("x").unwrap(), m.node("b").unwrap()], false));
}

#[test]
fn dual_leadership_without_primary_follows_the_first_and_says_so() {
    for (p0, p1) in [("", ""), (r#", "primary": false"#, r#", "primary": false"#)] {
        let m = dual(p0, p1);
        let c = m.chain("x", Line::Leadership).unwrap();
        assert_eq!(ids(&c), ["x", "a"]);
        assert_eq!(c.ambiguous, ["x"]);
        assert_eq!(c.branches[0].leader, "b");
        assert!(c.render().contains("ambiguous: x"));
    }
    // Two primaries: the first primary is followed, and it is ambiguous too.
    let m = dual(r#", "primary": true"#, r#", "primary": true"#);
    let c = m.chain("x", Line::Leadership).unwrap();
    assert_eq!((ids(&c), c.ambiguous.clone()), (vec!["x", "a"], vec!["x".into()]));
}

#[test]
fn cycles_stop_the_walk_and_say_where() {
    let m = model(
        r#""units": [
        {"id": "d", "name": "D", "kind": "party_branch"},
        {"id": "c", "name": "C", "kind": "party_committee"},
        {"id": "b", "name": "B", "kind": "party_committee"},
        {"id": "s", "name": "S", "kind": "party_committee"}],
      "links": [
        {"from": "c", "to": "d", "kind": "leads"},
        {"from": "b", "to": "c", "kind": "leads"},
        {"from": "c", "to": "b", "kind": "leads"},
        {"from": "s", "to": "s", "kind": "leads"}]"#,
    );
    for line in Line::ALL {
        let c = m.chain("d", line).unwrap();
        assert_eq!(ids(&c), ["d", "c", "b"]);
        assert_eq!(c.cycle, Some(vec!["c".into(), "b".into(), "c".into()]));
        assert_eq!(c.evidence.last().unwrap().to_string(), "links[2]: c -leads-> b");
        assert!(c.render().contains("cycle: c -> b -> c"));
    }
    let (path, cycle) = leadership_path(&m, m.node("d").unwrap());
    assert_eq!((path.len(), cycle), (3, true));
    let own = m.chain("s", Line::Leadership).unwrap();
    assert_eq!((ids(&own), own.cycle.clone()), (vec!["s"], Some(vec!["s".into(), "s".into()])));
    assert_eq!(leadership_path(&m, m.node("s").unwrap()), (vec![m.node("s").unwrap()], true));
}

/// A stationed agency under a district department (strip) and a street (block);
/// the district department is guided by the city department and led by the district government.
const STRIP: &str = r#"
  "units": [
    {"id": "sj-dept", "name": "市市场监管局", "kind": "department"},
    {"id": "sj-gov", "name": "市政府", "kind": "government"},
    {"id": "qu-gov", "name": "区政府", "kind": "government"},
    {"id": "qu-dept", "name": "区市场监管局", "kind": "department"},
    {"id": "street", "name": "街道党工委", "kind": "party_working_committee"},
    {"id": "station", "name": "市场监管所", "kind": "dispatched_agency"},
    {"id": "other-dept", "name": "另一部门", "kind": "department"},
    {"id": "orphan", "name": "无领导部门", "kind": "department"}
  ],
  "links": [
    {"from": "qu-dept", "to": "station", "kind": "dispatches"},
    {"from": "street", "to": "station", "kind": "leads"},
    {"from": "sj-dept", "to": "qu-dept", "kind": "guides"},
    {"from": "qu-gov", "to": "qu-dept", "kind": "leads"},
    {"from": "sj-gov", "to": "sj-dept", "kind": "leads"},
    {"from": "other-dept", "to": "station", "kind": "dispatches"},
    {"from": "sj-dept", "to": "orphan", "kind": "guides"}
  ]"#;

#[test]
fn strip_line_follows_dispatches_and_guides_then_leads() {
    let m = model(STRIP);
    let strip = m.chain("station", Line::Strip).unwrap();
    assert_eq!(ids(&strip), ["station", "qu-dept", "sj-dept", "sj-gov"]);
    let via: Vec<_> = strip.steps.iter().map(|s| s.via).collect();
    assert_eq!(via, [None, Some(LinkKind::Dispatches), Some(LinkKind::Guides), Some(LinkKind::Leads)]);
    // The other stationing department is a branch of the same kind; the street's leadership is another line.
    assert_eq!(strip.branches.len(), 1);
    assert_eq!((&*strip.branches[0].leader, strip.branches[0].kind), ("other-dept", LinkKind::Dispatches));
    assert!(strip.ambiguous.is_empty());

    let lead = m.chain("station", Line::Leadership).unwrap();
    assert_eq!(ids(&lead), ["station", "street"]);
    let all = m.chain("station", Line::All).unwrap();
    assert_eq!(ids(&all), ["station", "street"]);
    // Where a unit has no leader, `all` continues along the strip.
    let orphan = m.chain("orphan", Line::All).unwrap();
    assert_eq!(ids(&orphan), ["orphan", "sj-dept", "sj-gov"]);
    assert_eq!(ids(&m.chain("orphan", Line::Leadership).unwrap()), ["orphan"]);
    assert_eq!(ids(&m.chain("qu-dept", Line::All).unwrap()), ["qu-dept", "qu-gov"]);
}

#[test]
fn chain_serialises_in_a_stable_self_contained_shape() {
    let m = model(FOUR_LEVELS);
    let c = m.chain("gw", Line::Leadership).unwrap();
    let json = serde_json::to_string(&c).unwrap();
    assert!(
        json.starts_with(r#"{"unit":"gw","name":"友谊路街道党工委","line":"leadership","steps":[{"id":"gw","#),
        "{json}"
    );
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["steps"][1]["via"], "leads");
    assert_eq!(v["steps"][1]["link"], 5);
    assert_eq!(v["steps"][2]["grade"], "overall");
    assert_eq!(v["cycle"], serde_json::Value::Null);
    assert_eq!(v["evidence"][0], serde_json::json!({"link": 5, "from": "qw", "kind": "leads", "to": "gw"}));
    let table = c.to_table().render();
    assert!(table.lines().nth(2).unwrap().contains("gw  友谊路街道党工委"), "{table}");
    assert_eq!(c.to_table().len(), 3);
}

#[test]
fn responsible_for_lists_every_level_and_where_nobody_is() {
    let m = model(FOUR_LEVELS);
    let r = m.responsible_for("g1").unwrap();
    let places: Vec<&str> = r.blocks.iter().map(|b| &*b.territory).collect();
    assert_eq!(places, ["g1", "c1", "s1", "310113", "31"]);
    let holders: Vec<Vec<&str>> = r.blocks.iter().map(|b| b.holders.iter().map(|h| &*h.id).collect()).collect();
    assert_eq!(holders, [vec![], vec!["jw"], vec!["gw"], vec!["qw"], vec!["sw"]]);
    let grades: Vec<_> = r.blocks.iter().map(|b| b.grade).collect();
    assert_eq!(
        grades,
        [Some(Grade::Specific), Some(Grade::Specific), Some(Grade::Direct), Some(Grade::First), Some(Grade::Overall)]
    );
    assert_eq!(r.blocks[2].holders[0].link, 2);
    assert_eq!(r.blocks[2].holders[0].grade, Some(Grade::Direct));
    assert_eq!(r.nobody().map(|b| &*b.territory).collect::<Vec<_>>(), ["g1"]);
    assert_eq!(r.evidence[0].to_string(), "g1: no incoming jurisdiction");
    assert_eq!(r.evidence.len(), 5);
    let text = r.render();
    assert!(text.contains("g1         一号网格") && text.contains("(nobody)"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("c1 ") && l.contains(" jw ") && l.contains("links[3]")), "{text}");
}

/// Two streets of a district; the street office leads its own street by jurisdiction,
/// the district bureau leads in street s2 by scope, a district-level lead exists for
/// matter `m2` only, and `m3` has nobody leading.
const MATTERS: &str = r#"
  "territories": [
    {"id": "d", "name": "区", "kind": "district"},
    {"id": "s1", "name": "一街道", "kind": "street", "parent": "d"},
    {"id": "s2", "name": "二街道", "kind": "street", "parent": "d"},
    {"id": "c1", "name": "一社区", "kind": "community", "parent": "s1"},
    {"id": "c2", "name": "二社区", "kind": "community", "parent": "s2"}
  ],
  "units": [
    {"id": "qw", "name": "区委", "kind": "party_committee"},
    {"id": "bureau", "name": "区城管局", "kind": "department"},
    {"id": "s1-gov", "name": "一街道办", "kind": "government"},
    {"id": "s2-gov", "name": "二街道办", "kind": "government"},
    {"id": "c1-jw", "name": "一居委", "kind": "residents_committee"},
    {"id": "police", "name": "派出所", "kind": "dispatched_agency"},
    {"id": "dgov", "name": "区政府", "kind": "government"}
  ],
  "matters": [
    {"id": "m1", "name": "违法建筑", "list": "cooperating"},
    {"id": "m2", "name": "垃圾分类", "list": "basic"},
    {"id": "m3", "name": "无人管", "list": "basic"}
  ],
  "links": [
    {"from": "dgov", "to": "d", "kind": "jurisdiction"},
    {"from": "s1-gov", "to": "s1", "kind": "jurisdiction"},
    {"from": "s2-gov", "to": "s2", "kind": "jurisdiction"},
    {"from": "c1-jw", "to": "c1", "kind": "jurisdiction"},
    {"from": "s1-gov", "to": "m1", "kind": "responsible", "role": "lead"},
    {"from": "bureau", "to": "m1", "kind": "responsible", "role": "lead", "scope": "s2"},
    {"from": "c1-jw", "to": "m1", "kind": "responsible", "role": "cooperate"},
    {"from": "police", "to": "m1", "kind": "responsible", "role": "cooperate", "scope": "s1"},
    {"from": "dgov", "to": "m1", "kind": "responsible", "role": "supervise"},
    {"from": "dgov", "to": "m2", "kind": "responsible", "role": "lead"},
    {"from": "s2-gov", "to": "m2", "kind": "responsible", "role": "lead", "scope": "c2"},
    {"from": "bureau", "to": "m2", "kind": "responsible", "role": "lead", "scope": "c2"},
    {"from": "c1-jw", "to": "m3", "kind": "responsible", "role": "cooperate"},
    {"from": "dgov", "to": "m3", "kind": "responsible", "role": "supervise"},
    {"from": "qw", "to": "dgov", "kind": "leads"},
    {"from": "dgov", "to": "s1-gov", "kind": "leads"},
    {"from": "dgov", "to": "bureau", "kind": "leads"}
  ]"#;

fn leads<'a>(d: &'a Dispatch<'_>) -> Vec<(&'a str, &'a str, Basis)> {
    d.leads.iter().map(|a| (&*a.unit, &*a.at, a.basis)).collect()
}

#[test]
fn dispatch_by_jurisdiction_with_cooperators_below_and_not_above() {
    let m = model(MATTERS);
    let d = m.dispatch("m1", "c1").unwrap();
    assert_eq!(d.resolved_at.as_deref(), Some("s1"));
    assert_eq!(leads(&d), [("s1-gov", "s1", Basis::Jurisdiction)]);
    assert_eq!(d.problem, None);
    // The residents' committee cooperates in the community, the police station in the street (by scope);
    // the district government supervises above the resolved level, so it is not part of the answer.
    let coop: Vec<_> = d.cooperators.iter().map(|a| (&*a.unit, &*a.at, a.basis)).collect();
    assert_eq!(coop, [("c1-jw", "c1", Basis::Jurisdiction), ("police", "s1", Basis::Scope)]);
    assert!(d.supervisors.is_empty());
    assert_eq!(d.chains.len(), 1);
    assert_eq!(ids(&d.chains[0]), ["s1-gov", "dgov", "qw"]);
    assert_eq!(d.block.blocks.len(), 3);
    // Evidence: each responsible link, then the jurisdiction link that makes it apply.
    let facts: Vec<String> = d.evidence.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        facts,
        [
            "links[4]: s1-gov -responsible-> m1",
            "links[1]: s1-gov -jurisdiction-> s1",
            "links[6]: c1-jw -responsible-> m1",
            "links[3]: c1-jw -jurisdiction-> c1",
            "links[7]: police -responsible-> m1",
        ]
    );
    let r = resolve_leads(&m, m.node("m1").unwrap(), m.node("c1").unwrap());
    assert_eq!((r.at, r.leads.iter().map(|l| l.index()).collect::<Vec<_>>()), (m.node("s1"), vec![4]));
}

#[test]
fn dispatch_by_scope() {
    let m = model(MATTERS);
    let d = m.dispatch("m1", "c2").unwrap();
    assert_eq!(d.resolved_at.as_deref(), Some("s2"));
    assert_eq!(leads(&d), [("bureau", "s2", Basis::Scope)]);
    assert!(d.cooperators.is_empty());
    assert_eq!(ids(&d.chains[0]), ["bureau", "dgov", "qw"]);
    // At the district itself nobody leads m1: the street office's jurisdiction is s1 only, the bureau's scope s2.
    let top = m.dispatch("m1", "d").unwrap();
    assert_eq!((top.resolved_at.clone(), top.problem), (None, Some(Problem::NoLead)));
    assert_eq!(top.supervisors[0].unit, "dgov");
}

#[test]
fn several_leads_at_the_same_level_are_reported() {
    let m = model(MATTERS);
    let d = m.dispatch("m2", "c2").unwrap();
    assert_eq!(d.resolved_at.as_deref(), Some("c2"));
    assert_eq!(leads(&d), [("s2-gov", "c2", Basis::Scope), ("bureau", "c2", Basis::Scope)]);
    assert_eq!(d.problem, Some(Problem::SeveralLeads));
    assert_eq!(d.chains.len(), 2);
    assert!(d.render().contains("problem: 2 leads at the same level"));
    assert_eq!(serde_json::to_value(&d).unwrap()["problem"], "several_leads");
    // Elsewhere the district government's own jurisdiction resolves it, one level up.
    let d1 = m.dispatch("m2", "c1").unwrap();
    assert_eq!((d1.resolved_at.as_deref(), leads(&d1)), (Some("d"), vec![("dgov", "d", Basis::Jurisdiction)]));
    assert_eq!(d1.problem, None);
}

#[test]
fn no_lead_anywhere_collects_cooperators_all_the_way_up() {
    let m = model(MATTERS);
    let d = m.dispatch("m3", "c1").unwrap();
    assert_eq!(d.resolved_at, None);
    assert!(d.leads.is_empty() && d.chains.is_empty());
    assert_eq!(d.problem, Some(Problem::NoLead));
    assert_eq!(d.cooperators[0].unit, "c1-jw");
    assert_eq!(d.supervisors[0].unit, "dgov");
    assert_eq!(d.supervisors[0].at, "d");
    assert!(matches!(&d.evidence[0], Fact::Missing { record, .. } if record == "m3"));
    let text = d.render();
    assert!(text.contains("problem: no lead") && text.contains("resolved at: nowhere"), "{text}");
    assert!(text.contains("cooperate  c1-jw  一居委"), "{text}");
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["problem"], "no_lead");
    assert_eq!(v["resolved_at"], serde_json::Value::Null);
    let r = resolve_leads(&m, m.node("m3").unwrap(), m.node("c1").unwrap());
    assert_eq!((r.at, r.leads.len()), (None, 0));
}

#[test]
fn sample_model_answers() {
    let m = Model::sample();
    for (n, _) in m.units() {
        for line in Line::ALL {
            let c = chain(&m, n, line);
            assert_eq!(c.steps[0].id, m.id(n));
            if line == Line::Leadership {
                let (path, _) = leadership_path(&m, n);
                assert_eq!(path.len(), c.steps.len());
            }
        }
    }
    for (t, _) in m.territories() {
        assert_eq!(responsible_for(&m, t).blocks.len(), m.ancestors(t).count());
        for (matter, _) in m.matters() {
            let d = dispatch(&m, matter, t);
            assert_eq!(d.leads.len(), resolve_leads(&m, matter, t).leads.len());
        }
    }
}

fn long_chain(n: usize) -> Model {
    let mut b = ModelBuilder::with_capacity(n + 1, n);
    for i in 0..=n {
        b.unit(UnitSpec::new(format!("u{i}"), format!("unit {i}"), UnitKind::PartyBranch)).unwrap();
    }
    for i in 0..n {
        b.link(LinkSpec::new(format!("u{}", i + 1), format!("u{i}"), LinkKind::Leads)).unwrap();
    }
    b.build().unwrap()
}

fn check_long_chain(n: usize) {
    let m = long_chain(n);
    let bottom = m.node("u0").unwrap();
    let (path, cycle) = leadership_path(&m, bottom);
    assert_eq!((path.len(), cycle), (n + 1, false));
    for line in Line::ALL {
        let c = chain(&m, bottom, line);
        assert_eq!(c.steps.len(), n + 1);
        assert_eq!(c.steps.last().unwrap().id, format!("u{n}"));
    }
}

#[test]
fn a_long_chain_needs_no_recursion() {
    check_long_chain(200_000);
}

#[test]
fn a_million_step_chain() {
    check_long_chain(1_000_000);
}

// ---------------------------------------------------------------------------------------------
// Differential test: a deliberately simple implementation that scans every link at every step.

#[derive(Debug, Clone)]
enum L {
    Leads(usize, usize, Option<bool>),
    Dispatches(usize, usize),
    Guides(usize, usize),
    Jurisdiction(usize, usize),
    Responsible(usize, usize, Role, Option<usize>),
}

#[derive(Debug, Clone)]
struct World {
    parents: Vec<Option<usize>>,
    departments: Vec<bool>,
    matters: usize,
    links: Vec<L>,
}

const TKINDS: [TerritoryKind; 5] = [
    TerritoryKind::City,
    TerritoryKind::District,
    TerritoryKind::Street,
    TerritoryKind::Community,
    TerritoryKind::Grid,
];

impl World {
    fn build(&self) -> Model {
        let mut b = Model::builder();
        for (i, p) in self.parents.iter().enumerate() {
            let mut t = TerritorySpec::new(format!("t{i}"), format!("T{i}"), TKINDS[i % 5]);
            if let Some(p) = p {
                t = t.parent(format!("t{p}"));
            }
            b.territory(t).unwrap();
        }
        for (i, &dept) in self.departments.iter().enumerate() {
            let kind = if dept { UnitKind::Department } else { UnitKind::PartyCommittee };
            b.unit(UnitSpec::new(format!("u{i}"), format!("U{i}"), kind)).unwrap();
        }
        for i in 0..self.matters {
            b.matter(MatterSpec::new(format!("m{i}"), format!("M{i}"), MatterList::Basic)).unwrap();
        }
        for l in &self.links {
            let spec = match l {
                L::Leads(a, b, p) => {
                    let s = LinkSpec::new(format!("u{a}"), format!("u{b}"), LinkKind::Leads);
                    match p {
                        Some(p) => s.primary(*p),
                        None => s,
                    }
                }
                L::Dispatches(a, b) => LinkSpec::new(format!("u{a}"), format!("u{b}"), LinkKind::Dispatches),
                L::Guides(a, b) => LinkSpec::new(format!("u{a}"), format!("u{b}"), LinkKind::Guides),
                L::Jurisdiction(u, t) => LinkSpec::new(format!("u{u}"), format!("t{t}"), LinkKind::Jurisdiction),
                L::Responsible(u, m, r, s) => {
                    let spec = LinkSpec::new(format!("u{u}"), format!("m{m}"), LinkKind::Responsible).role(*r);
                    match s {
                        Some(s) => spec.scope(format!("t{s}")),
                        None => spec,
                    }
                }
            };
            b.link(spec).unwrap();
        }
        b.build().unwrap()
    }

    /// The link a line follows into unit `u`'s superior, and the others of its kind there.
    fn pick(&self, u: usize, line: Line) -> Option<(usize, Vec<usize>, bool)> {
        let arriving = |f: &dyn Fn(&L) -> bool| -> Vec<usize> {
            self.links.iter().enumerate().filter(|(_, l)| f(l)).map(|(i, _)| i).collect()
        };
        let leads = arriving(&|l| matches!(l, L::Leads(_, b, _) if *b == u));
        let disp = arriving(&|l| matches!(l, L::Dispatches(_, b) if *b == u));
        let guides = arriving(&|l| matches!(l, L::Guides(_, b) if *b == u));
        let by_leads = || -> Option<(usize, Vec<usize>, bool)> {
            let primaries: Vec<usize> =
                leads.iter().copied().filter(|&i| matches!(self.links[i], L::Leads(_, _, Some(true)))).collect();
            let chosen = *primaries.first().or(leads.first())?;
            Some((chosen, leads.clone(), leads.len() >= 2 && primaries.len() != 1))
        };
        let by = |group: &Vec<usize>| group.first().map(|&c| (c, group.clone(), false));
        match line {
            Line::Leadership => by_leads(),
            Line::Strip => by(&disp).or_else(|| by(&guides)).or_else(by_leads),
            Line::All => by_leads().or_else(|| by(&disp)).or_else(|| by(&guides)),
        }
    }

    fn source_of(&self, link: usize) -> usize {
        match self.links[link] {
            L::Leads(a, ..) | L::Dispatches(a, _) | L::Guides(a, _) => a,
            _ => unreachable!(),
        }
    }

    /// (steps as (unit, link into it)), branches (at, leader, link), ambiguous units, cycle.
    #[allow(clippy::type_complexity)]
    fn chain(
        &self,
        start: usize,
        line: Line,
    ) -> (Vec<(String, Option<usize>)>, Vec<(String, String, usize)>, Vec<String>, Option<Vec<String>>) {
        let mut path = vec![start];
        let mut into = vec![None];
        let mut branches = Vec::new();
        let mut ambiguous = Vec::new();
        let mut cycle = None;
        while let Some((link, group, amb)) = self.pick(*path.last().unwrap(), line) {
            let at = *path.last().unwrap();
            if amb {
                ambiguous.push(format!("u{at}"));
            }
            for &o in group.iter().filter(|&&o| o != link) {
                branches.push((format!("u{at}"), format!("u{}", self.source_of(o)), o));
            }
            let next = self.source_of(link);
            if let Some(p) = path.iter().position(|&x| x == next) {
                let mut ids: Vec<String> = path[p..].iter().map(|x| format!("u{x}")).collect();
                ids.push(format!("u{next}"));
                cycle = Some(ids);
                break;
            }
            path.push(next);
            into.push(Some(link));
        }
        let steps = path.iter().zip(into).map(|(u, l)| (format!("u{u}"), l)).collect();
        (steps, branches, ambiguous, cycle)
    }

    fn ancestors(&self, t: usize) -> Vec<usize> {
        let mut out = vec![t];
        while let Some(p) = self.parents[*out.last().unwrap()] {
            out.push(p);
        }
        out
    }

    fn holds(&self, u: usize, t: usize) -> bool {
        self.links.iter().any(|l| matches!(l, L::Jurisdiction(a, b) if *a == u && *b == t))
    }

    /// The responsible links for matter `m` with a role applying at territory `t`.
    fn applying(&self, m: usize, t: usize, role: Role) -> Vec<usize> {
        (0..self.links.len())
            .filter(|&i| match self.links[i] {
                L::Responsible(u, mm, r, scope) => {
                    mm == m && r == role && if let Some(s) = scope { s == t } else { self.holds(u, t) }
                }
                _ => false,
            })
            .collect()
    }

    /// resolved_at, leads, cooperators (link, at), supervisors (link, at).
    #[allow(clippy::type_complexity)]
    fn dispatch(&self, m: usize, t: usize) -> (Option<usize>, Vec<usize>, Vec<(usize, usize)>, Vec<(usize, usize)>) {
        let up = self.ancestors(t);
        let mut resolved = None;
        let mut leads = Vec::new();
        for &a in &up {
            leads = self.applying(m, a, Role::Lead);
            if !leads.is_empty() {
                resolved = Some(a);
                break;
            }
        }
        let mut coop: Vec<(usize, usize)> = Vec::new();
        let mut sup: Vec<(usize, usize)> = Vec::new();
        for &a in &up {
            for l in self.applying(m, a, Role::Cooperate) {
                if !coop.iter().any(|&(x, _)| x == l) {
                    coop.push((l, a));
                }
            }
            for l in self.applying(m, a, Role::Supervise) {
                if !sup.iter().any(|&(x, _)| x == l) {
                    sup.push((l, a));
                }
            }
            if Some(a) == resolved {
                break;
            }
        }
        (resolved, leads, coop, sup)
    }
}

fn world() -> impl Strategy<Value = World> {
    (1usize..9, 1usize..10, 1usize..4)
        .prop_flat_map(|(nt, nu, nm)| {
            let parents = proptest::collection::vec(0usize..100, nt);
            let departments = proptest::collection::vec(prop::bool::weighted(0.3), nu);
            let links = proptest::collection::vec((0u8..10, 0usize..100, 0usize..100, 0usize..100, 0u8..6), 0..30);
            (parents, departments, Just(nm), links)
        })
        .prop_map(|(p, departments, matters, raw)| {
            let nt = p.len();
            let nu = departments.len();
            let parents =
                p.iter().enumerate().map(|(i, &r)| if i == 0 || r % 5 == 0 { None } else { Some(r % i) }).collect();
            let depts: Vec<usize> = (0..nu).filter(|&i| departments[i]).collect();
            let links = raw
                .into_iter()
                .map(|(k, a, b, c, x)| match k {
                    0..=2 => L::Leads(a % nu, b % nu, [None, Some(true), Some(false)][x as usize % 3]),
                    3 if !depts.is_empty() => L::Dispatches(depts[a % depts.len()], b % nu),
                    3 | 4 => L::Guides(a % nu, b % nu),
                    5 | 6 => L::Jurisdiction(a % nu, b % nt),
                    _ => {
                        let role = [Role::Lead, Role::Lead, Role::Cooperate, Role::Supervise][x as usize % 4];
                        let scope = if x >= 3 { Some(c % nt) } else { None };
                        L::Responsible(a % nu, b % matters, role, scope)
                    }
                })
                .collect();
            World { parents, departments, matters, links }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn queries_agree_with_brute_force(w in world()) {
        let m = w.build();
        for u in 0..w.departments.len() {
            let node = m.node(&format!("u{u}")).unwrap();
            for line in Line::ALL {
                let c = chain(&m, node, line);
                let (steps, branches, ambiguous, cycle) = w.chain(u, line);
                let got: Vec<(String, Option<usize>)> = c.steps.iter().map(|s| (s.id.to_string(), s.link)).collect();
                prop_assert_eq!(got, steps, "{} chain of u{}", line, u);
                let got: Vec<(String, String, usize)> =
                    c.branches.iter().map(|b| (b.at.to_string(), b.leader.to_string(), b.link)).collect();
                prop_assert_eq!(got, branches);
                prop_assert_eq!(c.ambiguous.iter().map(|a| a.to_string()).collect::<Vec<_>>(), ambiguous);
                prop_assert_eq!(c.cycle.as_ref().map(|c| c.iter().map(|a| a.to_string()).collect::<Vec<_>>()), cycle.clone());
                if line == Line::Leadership {
                    let (path, is_cycle) = leadership_path(&m, node);
                    let path: Vec<&str> = path.iter().map(|&n| m.id(n)).collect();
                    prop_assert_eq!(path, c.ids().collect::<Vec<_>>());
                    prop_assert_eq!(is_cycle, cycle.is_some());
                }
            }
        }
        for t in 0..w.parents.len() {
            let node = m.node(&format!("t{t}")).unwrap();
            let r = responsible_for(&m, node);
            let got: Vec<(String, Vec<usize>)> =
                r.blocks.iter().map(|b| (b.territory.to_string(), b.holders.iter().map(|h| h.link).collect())).collect();
            let want: Vec<(String, Vec<usize>)> = w
                .ancestors(t)
                .into_iter()
                .map(|a| {
                    let held = w.links.iter().enumerate()
                        .filter(|(_, l)| matches!(l, L::Jurisdiction(_, x) if *x == a))
                        .map(|(i, _)| i).collect();
                    (format!("t{a}"), held)
                })
                .collect();
            prop_assert_eq!(got, want);
            for mi in 0..w.matters {
                let matter = m.node(&format!("m{mi}")).unwrap();
                let (resolved, leads, coop, sup) = w.dispatch(mi, t);
                let r = resolve_leads(&m, matter, node);
                prop_assert_eq!(r.at.map(|n| m.id(n).to_string()), resolved.map(|a| format!("t{a}")));
                prop_assert_eq!(r.leads.iter().map(|l| l.index()).collect::<Vec<_>>(), leads.clone());
                let d = dispatch(&m, matter, node);
                prop_assert_eq!(d.resolved_at.as_ref().map(|a| a.to_string()), resolved.map(|a| format!("t{a}")));
                prop_assert_eq!(d.leads.iter().map(|a| a.link).collect::<Vec<_>>(), leads.clone());
                let pairs = |v: &[Assignment<'_>]| v.iter().map(|a| (a.link, a.at.to_string())).collect::<Vec<_>>();
                let want = |v: &[(usize, usize)]| v.iter().map(|&(l, a)| (l, format!("t{a}"))).collect::<Vec<_>>();
                prop_assert_eq!(pairs(&d.cooperators), want(&coop));
                prop_assert_eq!(pairs(&d.supervisors), want(&sup));
                let problem = match leads.len() { 0 => Some(Problem::NoLead), 1 => None, _ => Some(Problem::SeveralLeads) };
                prop_assert_eq!(d.problem, problem);
                prop_assert_eq!(d.chains.len(), leads.len());
            }
        }
    }
}

/// Answers borrow their strings from the model; `into_owned` detaches them without changing a
/// thing: the same value, the same JSON, the same text, for every record of the sample.
#[test]
fn owned_answers_equal_borrowed_ones() {
    let m = Model::sample();
    let (mut chains, mut blocks, mut dispatches) = (0, 0, 0);
    for (node, record) in m.records() {
        match record.record_type() {
            RecordType::Unit => {
                for line in Line::ALL {
                    let c = chain(&m, node, line);
                    let owned: Chain<'static> = c.clone().into_owned();
                    assert_eq!(owned, c);
                    assert_eq!(serde_json::to_string(&owned).unwrap(), serde_json::to_string(&c).unwrap());
                    assert_eq!(owned.render(), c.render());
                    chains += 1;
                }
            }
            RecordType::Territory => {
                let r = responsible_for(&m, node);
                let owned: Responsibility<'static> = r.clone().into_owned();
                assert_eq!(serde_json::to_string(&owned).unwrap(), serde_json::to_string(&r).unwrap());
                assert_eq!(owned, r);
                blocks += 1;
                for (matter, _) in m.records().filter(|(_, r)| r.record_type() == RecordType::Matter) {
                    let d = dispatch(&m, matter, node);
                    let owned: Dispatch<'static> = d.clone().into_owned();
                    assert_eq!(serde_json::to_string(&owned).unwrap(), serde_json::to_string(&d).unwrap());
                    assert_eq!(owned.render(), d.render());
                    assert_eq!(owned, d);
                    dispatches += 1;
                }
            }
            _ => {}
        }
    }
    assert!(chains > 30 && blocks >= 10 && dispatches > 50, "{chains} {blocks} {dispatches}");
}

/// `targets` and `sources` read the ends' column (no link put together): the same
/// neighbours as the links themselves give, for built-in and custom kinds, in the whole
/// model and in a view at a date that leaves links out.
#[test]
fn targets_and_sources_are_the_links_ends() {
    let dated = model(
        r#""territories": [{"id": "s", "name": "S", "kind": "street"}],
        "units": [
          {"id": "a", "name": "A", "kind": "party_working_committee"},
          {"id": "b", "name": "B", "kind": "party_committee", "until": "2019"},
          {"id": "c", "name": "C", "kind": "government"}],
        "links": [
          {"from": "a", "to": "b", "kind": "leads"},
          {"from": "a", "to": "c", "kind": "leads", "since": "2020-01-01"},
          {"from": "a", "to": "c", "kind": "x-mentors"},
          {"from": "b", "to": "c", "kind": "x-audits"},
          {"from": "a", "to": "b", "kind": "x-mentors", "until": "2018"},
          {"from": "c", "to": "s", "kind": "jurisdiction"}]"#,
    );
    let kinds: Vec<LinkKind> = ["leads", "jurisdiction", "holds", "x-mentors", "x-audits", "x-none"]
        .iter()
        .map(|k| k.parse().unwrap())
        .collect();
    for m in
        [Model::sample(), dated.clone(), dated.at("2018-06-01".parse().unwrap()), dated.at("2021".parse().unwrap())]
    {
        let mut seen = 0;
        for (n, _) in m.records() {
            for kind in kinds.iter().chain(LinkKind::ALL.iter()) {
                let to: Vec<Node> = m.links_from(n, kind).map(|l| l.to).collect();
                let from: Vec<Node> = m.links_to(n, kind).map(|l| l.from).collect();
                assert_eq!(m.targets(n, kind).collect::<Vec<_>>(), to, "{} -{kind}->", m.id(n));
                assert_eq!(m.sources(n, kind).collect::<Vec<_>>(), from, "-{kind}-> {}", m.id(n));
                seen += to.len();
            }
        }
        assert!(seen > 0);
    }
    // The custom kinds are told apart, and the view leaves out what is not in force.
    let at = dated.at("2021".parse().unwrap());
    let (a, b, c) = (at.node("a").unwrap(), dated.node("b").unwrap(), at.node("c").unwrap());
    assert_eq!(at.targets(a, &"x-mentors".parse().unwrap()).collect::<Vec<_>>(), [c]);
    assert_eq!(dated.targets(a, &"x-mentors".parse().unwrap()).collect::<Vec<_>>(), [c, b]);
    assert_eq!(at.targets(a, &LinkKind::Leads).collect::<Vec<_>>(), [c]);
}
