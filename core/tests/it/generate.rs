//! The synthetic model generator: determinism, sizes, proportions, and a
//! brute-force check that the structure is what the docs say and that every
//! deliberate imperfection is marked (and nothing unmarked is imperfect).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use tiaokuai::generate::{GenerateOptions, Scale, generate};
use tiaokuai::{
    Error, Level, LinkKind, MatterList, Model, Node, Power, RecordRef, RecordType, Role, TerritoryKind, UnitKind,
};

/// The district model for seed 11, generated once for the tests that only read it.
fn district() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| generate(Scale::District, 11).unwrap())
}

/// The gap codes in a record's or link's attrs.
fn codes(attrs: Option<&tiaokuai::Attrs>) -> Vec<String> {
    match attrs.and_then(|a| a.get("gaps")) {
        Some(serde_json::Value::Array(list)) => list.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        _ => Vec::new(),
    }
}

fn marked(model: &Model, n: Node, code: &str) -> bool {
    codes(model.record(n).attrs()).iter().any(|c| c == code)
}

fn unit_kind(model: &Model, n: Node) -> &UnitKind {
    &model.unit(n).unwrap().row().kind
}

fn is_member_unit(kind: &UnitKind) -> bool {
    matches!(kind, UnitKind::Enterprise | UnitKind::SocialOrganization | UnitKind::PublicInstitution)
}

fn townships(model: &Model) -> Vec<Node> {
    model.territories().filter(|(_, t)| t.kind.is_township_level()).map(|(n, _)| n).collect()
}

/// The township containing a territory.
fn township_of(model: &Model, t: Node) -> Node {
    model.ancestors(t).find(|&a| model.territory(a).unwrap().kind.is_township_level()).unwrap()
}

#[test]
fn same_seed_same_json_other_seed_other_json() {
    let a = generate(Scale::District, 11).unwrap().to_json();
    assert_eq!(a, district().to_json());
    let b = generate(Scale::District, 12).unwrap().to_json();
    assert_ne!(a, b);
    // Only the synthetic part differs: the real territories are the same.
    let model_b = Model::from_json(&b).unwrap();
    for n in townships(district()) {
        assert!(model_b.contains(district().id(n)));
    }
}

#[test]
fn district_size_is_in_band() {
    let m = district();
    let records = m.len();
    assert!((7_000..=14_000).contains(&records), "{records} records");
    assert!((6_000..=12_000).contains(&m.count(RecordType::Unit)), "{} units", m.count(RecordType::Unit));
    assert_eq!(m.count(RecordType::Matter), 12);
    assert!(m.count(RecordType::Item) >= 3 * 4, "each of the 3 streets has needs, resources and projects");
    assert!(m.link_count() > records, "{} links", m.link_count());
    assert_eq!(townships(m).len(), 13);
    let meta = m.meta().unwrap();
    assert_eq!(meta.get("scale"), Some(serde_json::json!("district")));
    assert_eq!(meta.get("seed"), Some(serde_json::json!(11)));
    assert_eq!(meta.get("prefix"), Some(serde_json::json!("310113")));
    assert_eq!(m.title().as_deref(), Some("上海市宝山区 (synthetic, district scale, seed 11)"));
}

#[test]
fn every_link_survives_a_reload() {
    // The builder validated every link as it was added; the loaders validate them again.
    let m = district();
    let back = Model::from_json(&m.to_json()).unwrap();
    assert_eq!(&back, m);
    let dir = std::env::temp_dir().join(format!("tiaokuai-generate-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    m.write_csv_dir(&dir).unwrap();
    let from_csv = Model::from_csv_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(&from_csv.unwrap(), m);
}

#[test]
fn proportions_are_realistic() {
    let m = district();
    let units: Vec<_> = m.units().filter(|(_, u)| is_member_unit(&u.kind)).map(|(_, u)| u).collect();
    let share = |pred: &dyn Fn(&&tiaokuai::UnitRef<'_>) -> bool| {
        let (hit, all) = (units.iter().filter(|u| pred(u)).count(), units.len());
        hit as f64 / all as f64
    };
    let three = share(&|u| u.members().unwrap() >= 3);
    assert!((0.20..=0.45).contains(&three), "share with ≥3 members: {three}");
    // 体制内强于体制外: in-system units more often have three or more members.
    let in_three = units.iter().filter(|u| u.sector.as_ref().unwrap().is_in_system());
    let (a, b) = in_three.fold((0, 0), |(h, n), u| (h + usize::from(u.members().unwrap() >= 3), n + 1));
    let out = units.iter().filter(|u| u.sector.as_ref().unwrap().is_non_public());
    let (c, d) = out.fold((0, 0), |(h, n), u| (h + usize::from(u.members().unwrap() >= 3), n + 1));
    assert!(a as f64 / b as f64 > c as f64 / d as f64 + 0.2, "{a}/{b} vs {c}/{d}");
    // Coverage: most units with ≥3 members have their own organisation, most small ones a joint branch.
    let own = |n: Node| m.in_degree(n, &LinkKind::PartyOrgOf) > 0;
    let big: Vec<Node> =
        m.units().filter(|(_, u)| is_member_unit(&u.kind) && u.members().unwrap() >= 3).map(|(n, _)| n).collect();
    let covered = big.iter().filter(|&&n| own(n)).count() as f64 / big.len() as f64;
    assert!((0.9..1.0).contains(&covered), "own organisation: {covered}");
    let small: Vec<Node> = m
        .units()
        .filter(|(_, u)| is_member_unit(&u.kind) && (1..=2).contains(&u.members().unwrap()))
        .map(|(n, _)| n)
        .collect();
    let joint = small.iter().filter(|&&n| own(n)).count() as f64 / small.len() as f64;
    assert!((0.8..1.0).contains(&joint), "joint branches: {joint}");
    // Streets have communities, towns mostly... both kinds of place appear.
    assert!(m.territories_of_kind(&TerritoryKind::Community).count() > 150);
    assert!(m.territories_of_kind(&TerritoryKind::Village).count() > 20);
    assert!(m.territories_of_kind(&TerritoryKind::Grid).count() > 300);
}

/// Runs every structural check on a model.
fn check_all(m: &Model) {
    check_blocks(m);
    check_communities(m);
    check_coverage(m);
    check_leadership(m);
    check_matters(m);
    check_items(m);
    check_markers(m);
}

#[test]
fn block_structure_of_every_township() {
    check_blocks(district());
    let m = district();
    let dw = m.node("310113-dw").unwrap();
    let dgov = m.node("310113-gov").unwrap();
    assert_eq!(m.sources(dw, &LinkKind::Leads).map(|n| m.id(n)).collect::<Vec<_>>(), ["31-sw"]);
    assert_eq!(m.sources(dgov, &LinkKind::Leads).map(|n| m.id(n)).collect::<Vec<_>>(), ["31-gov"]);
    assert_eq!(m.units_of_kind(&UnitKind::Department).count(), 10);
}

fn check_blocks(m: &Model) {
    for (d, _) in m.territories_of_kind(&TerritoryKind::District) {
        let dw = m.node(&format!("{}-dw", m.id(d))).unwrap();
        let dgov = m.node(&format!("{}-gov", m.id(d))).unwrap();
        let departments: Vec<Node> =
            m.sources(d, &LinkKind::Jurisdiction).filter(|&n| unit_kind(m, n) == &UnitKind::Department).collect();
        assert_eq!(departments.len(), 10);
        for &dept in &departments {
            let leader = m.sources(dept, &LinkKind::Leads).next().unwrap();
            assert!(leader == dw || leader == dgov);
        }
    }
    for t in townships(m) {
        let code = m.id(t).to_string();
        let d = m.parent(t).unwrap();
        let dw = m.node(&format!("{}-dw", m.id(d))).unwrap();
        let dgov = m.node(&format!("{}-gov", m.id(d))).unwrap();
        let street = m.territory(t).unwrap().kind == TerritoryKind::Street;
        // Exactly one Party organisation and one government hold the township.
        let holders: Vec<Node> = m.sources(t, &LinkKind::Jurisdiction).collect();
        assert_eq!(holders.len(), 2, "{code}");
        let party = holders.iter().copied().find(|&h| unit_kind(m, h).is_party_org()).unwrap();
        let gov = holders.iter().copied().find(|&h| unit_kind(m, h) == &UnitKind::Government).unwrap();
        let expected = if street { UnitKind::PartyWorkingCommittee } else { UnitKind::PartyCommittee };
        assert_eq!(unit_kind(m, party), &expected, "{code}");
        assert_eq!(m.sources(party, &LinkKind::Leads).collect::<Vec<_>>(), [dw]);
        assert_eq!(m.sources(gov, &LinkKind::Leads).collect::<Vec<_>>(), [dgov]);
        assert_eq!(m.level(party), Some(Level::Street));
        // "1+2" in streets (one street in ~30 lacks the Party group, marked S004).
        let led: Vec<&UnitKind> = m.targets(party, &LinkKind::Leads).map(|n| unit_kind(m, n)).collect();
        if street {
            let want: &[UnitKind] = if marked(m, party, "S004") {
                &[UnitKind::PartyCommittee]
            } else {
                &[UnitKind::PartyCommittee, UnitKind::PartyGroup]
            };
            assert_eq!(led, want.iter().collect::<Vec<_>>(), "{code}");
        } else {
            assert!(!marked(m, party, "S004"));
        }
        // 3–5 stationed agencies, dually led.
        let agencies: Vec<Node> = m
            .units_of_kind(&UnitKind::DispatchedAgency)
            .filter(|(_, u)| u.located_in == Some(t))
            .map(|(n, _)| n)
            .collect();
        assert!((3..=5).contains(&agencies.len()), "{code}: {} agencies", agencies.len());
        for a in agencies {
            let id = m.id(a);
            let dispatchers: Vec<Node> = m.sources(a, &LinkKind::Dispatches).collect();
            assert_eq!(dispatchers.len(), 1, "{id}");
            assert_eq!(unit_kind(m, dispatchers[0]), &UnitKind::Department);
            let leads: Vec<_> = m.links_to(a, &LinkKind::Leads).collect();
            let from_dept = leads.iter().find(|l| l.from == dispatchers[0]).unwrap();
            assert_eq!(!from_dept.is_primary(), marked(m, a, "S002"), "{id}");
            let from_street = leads.iter().any(|l| l.from == gov);
            assert_eq!(!from_street, marked(m, a, "B002"), "{id}");
            let powers: HashSet<Power> = m
                .links_to(a, &LinkKind::Power)
                .inspect(|l| assert_eq!(l.from, gov))
                .map(|l| l.power.unwrap())
                .collect();
            let strong = powers.contains(&Power::Consent) && powers.contains(&Power::Assessment);
            assert_eq!(!strong, marked(m, a, "B001"), "{id}");
        }
    }
}

#[test]
fn communities_grids_and_their_holders() {
    check_communities(district());
}

fn check_communities(m: &Model) {
    for (c, t) in m.territories().filter(|(_, t)| t.kind.level() == Some(Level::Community)) {
        let id = t.id();
        assert!(m.territory(m.parent(c).unwrap()).unwrap().kind.is_township_level(), "{id}");
        let holders: Vec<Node> = m.sources(c, &LinkKind::Jurisdiction).collect();
        let party: Vec<Node> = holders.iter().copied().filter(|&h| unit_kind(m, h).is_party_org()).collect();
        assert_eq!(party.len(), usize::from(!marked(m, c, "C006")), "{id}");
        let committee =
            if t.kind == TerritoryKind::Village { UnitKind::VillagersCommittee } else { UnitKind::ResidentsCommittee };
        let committees = holders.iter().filter(|&&h| unit_kind(m, h) == &committee).count();
        assert_eq!(committees, usize::from(!marked(m, c, "C007")), "{id}");
        for p in party {
            let leaders: Vec<Node> = m.sources(p, &LinkKind::Leads).collect();
            assert_eq!(leaders.len(), usize::from(!marked(m, p, "S003")), "{id}");
            let members = m.unit(p).unwrap().members().unwrap();
            let limit = match unit_kind(m, p) {
                UnitKind::PartyBranch => 50,
                UnitKind::PartyGeneralBranch => 100,
                _ => u32::MAX,
            };
            assert!(members <= limit, "{id}: {members} members");
        }
        for g in m.children(c) {
            assert_eq!(m.territory(g).unwrap().kind, TerritoryKind::Grid);
            let n = m.in_degree(g, &LinkKind::Jurisdiction);
            assert_eq!(n, usize::from(!marked(m, g, "C008")), "{}", m.id(g));
        }
        assert!(m.children(c).count() >= 1);
    }
}

#[test]
fn coverage_markers_match_the_structure() {
    check_coverage(district());
}

/// The brute-force coverage of each member unit, against its markers.
fn check_coverage(m: &Model) {
    for (n, u) in m.units().filter(|(_, u)| is_member_unit(&u.kind)) {
        let id = u.id();
        let members = u.members().unwrap();
        let orgs: Vec<Node> = m.sources(n, &LinkKind::PartyOrgOf).collect();
        assert!(orgs.len() <= 1, "{id}");
        let own = orgs.iter().any(|&o| unit_kind(m, o) != &UnitKind::JointPartyBranch);
        let joint = orgs.iter().any(|&o| unit_kind(m, o) == &UnitKind::JointPartyBranch);
        let work = m.in_degree(n, &LinkKind::Instructs) + m.in_degree(n, &LinkKind::MassOrgOf) > 0;
        assert_eq!(members >= 3 && !own, marked(m, n, "C001"), "{id}");
        assert_eq!((1..=2).contains(&members) && !joint, marked(m, n, "C002"), "{id}");
        let non_public = u.sector.as_ref().unwrap().is_non_public();
        assert_eq!(non_public && orgs.is_empty() && !work, marked(m, n, "C003"), "{id}");
        if own {
            assert!(members >= 3, "{id}");
        }
        if joint {
            assert!((1..=2).contains(&members), "{id}");
        }
        // Every Party organisation of a unit is led from the township and registers where the unit sits (双报到).
        for o in orgs {
            let located = u.located_in.unwrap();
            let leaders: Vec<Node> = m.sources(o, &LinkKind::Leads).collect();
            assert_eq!(leaders.len(), 1, "{}", m.id(o));
            assert_eq!(m.level(leaders[0]), Some(Level::Street), "{}", m.id(o));
            let registered = m
                .targets(o, &LinkKind::RegistersWith)
                .any(|r| m.targets(r, &LinkKind::Jurisdiction).any(|held| m.ancestors(located).any(|a| a == held)));
            assert_eq!(!registered, marked(m, o, "D001"), "{}", m.id(o));
        }
    }
    for (jb, u) in m.units_of_kind(&UnitKind::JointPartyBranch) {
        let covered: Vec<Node> = m.targets(jb, &LinkKind::PartyOrgOf).collect();
        assert!(covered.len() >= 2, "{}", u.id());
        assert_eq!(covered.len() > 5, marked(m, jb, "C004"), "{} covers {}", u.id(), covered.len());
        let total: u32 = covered.iter().map(|&c| m.unit(c).unwrap().members().unwrap()).sum();
        assert_eq!(u.members(), Some(total));
        assert!(total >= 3);
        // All in one township.
        let towns: HashSet<Node> =
            covered.iter().map(|&c| township_of(m, m.unit(c).unwrap().located_in.unwrap())).collect();
        assert_eq!(towns.len(), 1);
    }
    for (o, u) in m.units().filter(|(_, u)| u.kind == UnitKind::PartyBranch || u.kind == UnitKind::PartyGeneralBranch) {
        let limit = if u.kind == UnitKind::PartyBranch { 50 } else { 100 };
        assert_eq!(u.members().unwrap() > limit, marked(m, o, "C005"), "{}", u.id());
    }
}

#[test]
fn leadership_cycles_are_exactly_the_marked_ones() {
    let m = district();
    check_leadership(m);
    let cycles = m.units().filter(|(n, _)| marked(m, *n, "S001")).count();
    assert!(cycles >= 2, "about one cycle per 2,000 units");
}

/// Leadership: the only cycles are the marked ones, and every community-level
/// Party organisation that is led at all reaches the top Party committee
/// through a street-level and a district-level one.
fn check_leadership(m: &Model) {
    // Nodes on a leads cycle: those from which a leads path returns to themselves.
    let mut on_cycle = HashSet::new();
    for (n, _) in m.units() {
        let mut seen = HashSet::new();
        let mut stack: Vec<Node> = m.targets(n, &LinkKind::Leads).collect();
        while let Some(x) = stack.pop() {
            if x == n {
                on_cycle.insert(n);
                break;
            }
            if seen.insert(x) {
                stack.extend(m.targets(x, &LinkKind::Leads));
            }
        }
    }
    let marked_s001: HashSet<Node> = m.units().filter(|(n, _)| marked(m, *n, "S001")).map(|(n, _)| n).collect();
    assert_eq!(on_cycle, marked_s001);
    assert_eq!(on_cycle.len() % 2, 0);

    let root = m.territories().next().unwrap().0;
    let top = m.sources(root, &LinkKind::Jurisdiction).find(|&n| unit_kind(m, n).is_party_org()).unwrap();
    for (n, u) in m.units().filter(|(_, u)| u.kind.is_party_org()) {
        if m.level(n) != Some(Level::Community) || marked(m, n, "S003") {
            continue;
        }
        let mut levels = Vec::new();
        let mut cur = n;
        while let Some(up) = m.sources(cur, &LinkKind::Leads).next() {
            levels.push(m.level(up));
            cur = up;
        }
        assert_eq!(cur, top, "{}", u.id());
        assert!(levels.contains(&Some(Level::Street)) && levels.contains(&Some(Level::District)), "{}", u.id());
    }
}

#[test]
fn matters_have_one_lead_per_township_unless_marked() {
    check_matters(district());
}

fn check_matters(m: &Model) {
    assert_eq!(m.matters().filter(|(_, x)| x.list == MatterList::Basic).count(), 4);
    assert_eq!(m.matters().filter(|(_, x)| x.list == MatterList::Cooperating).count(), 4);
    assert_eq!(m.matters().filter(|(_, x)| x.list == MatterList::Recalled).count(), 4);
    for (matter, x) in m.matters() {
        // scope → (leads, cooperators, any link marked), where scope defaults to the holder's jurisdiction.
        let mut by_scope: HashMap<Node, (Vec<Node>, Vec<Node>, bool)> = HashMap::new();
        for (id, l) in m.all_links_to(matter).filter(|(_, l)| l.kind == LinkKind::Responsible) {
            let scopes: Vec<Node> = match l.scope {
                Some(s) => vec![s],
                None => m.targets(l.from, &LinkKind::Jurisdiction).collect(),
            };
            for s in scopes {
                let e = by_scope.entry(s).or_default();
                match l.role.unwrap() {
                    Role::Lead => e.0.push(l.from),
                    Role::Cooperate => e.1.push(l.from),
                    _ => {}
                }
                e.2 |= !codes(m.link_attrs(id)).is_empty();
            }
        }
        for (district, _) in m.territories_of_kind(&TerritoryKind::District) {
            let at_district = by_scope.get(&district).map_or(0, |e| e.0.len());
            assert_eq!(at_district, usize::from(x.list == MatterList::Recalled), "{}", x.id());
        }
        for t in townships(m) {
            let (leads, coops, flagged) = by_scope.get(&t).cloned().unwrap_or_default();
            let street_leads = leads.iter().any(|&u| m.level(u) == Some(Level::Street));
            let expected_ok = match x.list {
                MatterList::Basic => leads.len() == 1 && street_leads,
                MatterList::Cooperating => leads.len() == 1 && !street_leads && coops.len() == 1,
                _ => leads.is_empty() && coops.is_empty(),
            };
            assert_eq!(!expected_ok, flagged, "{} in {}", x.id(), m.id(t));
        }
    }
}

#[test]
fn items_are_met_and_used_unless_marked() {
    check_items(district());
}

fn check_items(m: &Model) {
    for (n, i) in m.items() {
        match i.list {
            tiaokuai::ItemList::Need => {
                assert_eq!(m.in_degree(n, &LinkKind::Fulfils) == 0, marked(m, n, "L001"), "{}", i.id());
                assert_eq!(m.in_degree(n, &LinkKind::Raises), 1);
            }
            tiaokuai::ItemList::Resource => {
                assert_eq!(m.in_degree(n, &LinkKind::Uses) == 0, marked(m, n, "L002"), "{}", i.id());
                assert_eq!(m.in_degree(n, &LinkKind::Offers), 1);
            }
            _ => {
                assert_eq!(m.in_degree(n, &LinkKind::Undertakes), 1);
                assert_eq!(m.out_degree(n, &LinkKind::Fulfils), 1);
            }
        }
    }
}

#[test]
fn every_marker_is_a_known_rule_code_on_the_expected_record_type() {
    let seen = check_markers(district());
    for common in ["C001", "C002", "C003", "D001", "S001"] {
        assert!(seen.contains_key(common), "{common} never injected: {seen:?}");
    }
}

fn check_markers(m: &Model) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (_, r) in m.records() {
        for c in codes(r.attrs()) {
            let ok = match c.as_str() {
                "C006" | "C007" | "C008" => matches!(r, RecordRef::Territory(_)),
                "L001" | "L002" => matches!(r, RecordRef::Item(_)),
                _ => matches!(r, RecordRef::Unit(_)),
            };
            assert!(ok, "{c} on {}", r.id());
            *seen.entry(c).or_default() += 1;
        }
    }
    for (id, _) in m.links() {
        for c in codes(m.link_attrs(id)) {
            assert!(["A001", "A002", "A003", "A004"].contains(&c.as_str()), "{c}");
            *seen.entry(c).or_default() += 1;
        }
    }
    seen
}

#[test]
fn national_density_elsewhere_passes_every_check() {
    // 长安区 (Shijiazhuang), 仙桃市 (a county-level city directly under Hubei), 延庆区 (Beijing).
    for (prefix, seed) in [("130102", 1), ("429004", 2), ("110119", 3), ("310113003", 4)] {
        let m = GenerateOptions::new(Scale::National, seed).prefix(prefix).generate().unwrap();
        check_all(&m);
        let units: Vec<_> = m.units().filter(|(_, u)| is_member_unit(&u.kind)).collect();
        assert!(!units.is_empty(), "{prefix}");
    }
    // Under a "省直辖县级行政区划" row, the county is led by the province directly.
    let m = GenerateOptions::new(Scale::National, 2).prefix("429004").generate().unwrap();
    let dw = m.node("429004-dw").unwrap();
    assert_eq!(m.sources(dw, &LinkKind::Leads).map(|n| m.id(n)).collect::<Vec<_>>(), ["42-sw"]);
    assert!(!m.contains("4290-sw"));
    assert!(m.contains("4290"));
}

#[test]
fn many_seeds_pass_every_check() {
    for seed in 100..106 {
        let m = GenerateOptions::new(Scale::District, seed)
            .prefix(["310113003", "310113101", "310113501"][seed as usize % 3])
            .generate()
            .unwrap();
        check_all(&m);
    }
}

#[test]
fn a_township_is_generated_the_same_on_its_own() {
    // Each township draws from its own random stream, so a smaller prefix reproduces it.
    let alone = GenerateOptions::new(Scale::District, 11).prefix("310113003").generate().unwrap();
    assert_eq!(townships(&alone).len(), 1);
    let lines = |m: &Model| -> Vec<String> {
        m.to_json().lines().filter(|l| l.contains("\"310113003-")).map(str::to_string).collect()
    };
    let mine = lines(&alone);
    let theirs = lines(district());
    assert!(mine.len() > 500);
    for (a, b) in mine.iter().zip(&theirs) {
        assert_eq!(a.trim_end_matches(','), b.trim_end_matches(','));
    }
    assert_eq!(mine.len(), theirs.len());
}

#[test]
fn scale_words_and_options() {
    for s in Scale::ALL {
        assert_eq!(s.to_string().parse::<Scale>().unwrap(), s);
    }
    assert_eq!(Scale::City.prefix(), "31");
    let err = "province".parse::<Scale>().unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert!(matches!(&err, Error::Invalid { what, .. } if what == "generator scale"));
    let err = GenerateOptions::new(Scale::District, 1).prefix("31x").generate().unwrap_err();
    assert!(matches!(&err, Error::Invalid { what, .. } if what == "division code"), "{err}");
}

#[test]
fn the_whole_city_in_band() {
    let m = generate(Scale::City, 3).unwrap();
    let units = m.count(RecordType::Unit);
    assert!((250_000..=350_000).contains(&units), "{units} units");
    assert_eq!(m.territories_of_kind(&TerritoryKind::District).count(), 16);
    let township_govs =
        m.units_of_kind(&UnitKind::Government).filter(|(n, _)| m.level(*n) == Some(Level::Street)).count();
    assert_eq!(township_govs, 234);
    let (big, all) = m
        .units()
        .filter(|(_, u)| is_member_unit(&u.kind))
        .fold((0, 0), |(b, a), (_, u)| (b + usize::from(u.members().unwrap() >= 3), a + 1));
    let share = big as f64 / all as f64;
    assert!((0.20..=0.45).contains(&share), "{share}");
}
