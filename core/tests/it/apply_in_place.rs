//! `Model::apply_in_place` against `Model::apply` (issue #13): on random change sets of
//! the sample and of generated district models (with people and history), the model
//! changed in place must write the same document byte for byte, compare equal, and give
//! the same report, audit, metrics and answers as the model built again; a change set with
//! a problem must leave it unchanged with the same error.

use tiaokuai::change::{ChangeSet, Field, LinkAddress, Update, Value as V};
use tiaokuai::{
    Config, Holding, ItemList, ItemSpec, LinkKind, LinkSpec, MatterList, MatterSpec, Model, Node, PersonSpec, Post,
    RecordType, Role, TerritoryKind, TerritorySpec, UnitKind, UnitSpec,
};

/// A small deterministic generator (xorshift64*), so a failing case can be replayed.
use crate::common;
use common::Rng;

/// One random change (most of the kinds the in-place path covers, some it leaves to the
/// rebuild, and some that do not apply).
fn change(model: &Model, cs: &mut ChangeSet, rng: &mut Rng, serial: usize) -> Option<()> {
    let of = |t: RecordType| model.records().filter(|(_, r)| r.record_type() == t).map(|(n, _)| n).collect::<Vec<_>>();
    let (terrs, units, matters, people) =
        (of(RecordType::Territory), of(RecordType::Unit), of(RecordType::Matter), of(RecordType::Person));
    let pick = |rng: &mut Rng, xs: &[Node]| xs.get(rng.below(xs.len())).copied();
    let id = |n: Node| model.id(n).to_string();
    let new_id = |what: &str| format!("new-{what}-{serial}");
    let date = |s: &str| s.parse().ok();
    match rng.below(18) {
        0 => {
            let mut t = TerritorySpec::new(new_id("t"), "新社区", TerritoryKind::Community);
            t = match rng.below(3) {
                0 => t.parent(id(pick(rng, &terrs)?)),
                1 if serial > 0 => t.parent(format!("new-t-{}", serial - 1)), // maybe added, maybe not
                _ => t,
            };
            cs.add.territories.push(t);
        }
        1 | 2 => {
            let kinds =
                [UnitKind::Enterprise, UnitKind::PartyBranch, UnitKind::Department, UnitKind::ResidentsCommittee];
            let mut u = UnitSpec::new(new_id("u"), "新单位", kinds[rng.below(kinds.len())]).members(3);
            if rng.below(3) > 0 {
                u = u.located_in(id(pick(rng, &terrs)?));
            }
            if rng.below(4) == 0 {
                u.validity = tiaokuai::Validity::new(date("2016"), None);
            }
            cs.add.units.push(u);
            if rng.below(2) == 0 {
                cs.add.links.push(LinkSpec::new(id(pick(rng, &units)?), new_id("u"), LinkKind::Leads));
            }
        }
        3 => cs.add.matters.push(MatterSpec::new(new_id("m"), "新事项", MatterList::Cooperating)),
        4 => cs.add.items.push(ItemSpec::new(new_id("i"), "新事项", ItemList::Project)),
        5 => {
            cs.add.people.push(PersonSpec::new(new_id("p")).name("张三"));
            let posts = [Post::Secretary, Post::Director, Post::CommunityWorker];
            let h = Holding::new(posts[rng.below(posts.len())]);
            let mut l = LinkSpec::new(new_id("p"), id(pick(rng, &units)?), LinkKind::Holds).holding(h);
            l.validity = tiaokuai::Validity::new(date("2021-03-01"), None);
            cs.add.links.push(l);
        }
        6 => {
            let kinds = [LinkKind::Leads, LinkKind::Guides, LinkKind::Jurisdiction, LinkKind::Dispatches];
            let kind = kinds[rng.below(kinds.len())];
            let to = if kind == LinkKind::Jurisdiction { pick(rng, &terrs)? } else { pick(rng, &units)? };
            cs.add.links.push(LinkSpec::new(id(pick(rng, &units)?), id(to), kind));
        }
        7 => {
            let roles = [Role::Lead, Role::Cooperate, Role::Supervise];
            let mut l = LinkSpec::new(id(pick(rng, &units)?), id(pick(rng, &matters)?), LinkKind::Responsible)
                .role(roles[rng.below(3)]);
            if rng.below(2) == 0 {
                l = l.scope(id(pick(rng, &terrs)?));
            }
            cs.add.links.push(l);
        }
        8 => {
            // Successions between territories: a loop now and then.
            let (a, b) = (pick(rng, &terrs)?, pick(rng, &terrs)?);
            cs.add.links.push(LinkSpec::new(id(a), id(b), LinkKind::SucceededBy));
            if rng.below(3) == 0 {
                cs.add.links.push(LinkSpec::new(id(b), id(a), LinkKind::SucceededBy));
            }
        }
        9 => cs.update.push(Update::new(id(pick(rng, &units)?)).set(Field::Name, V::Text("改名".into()))),
        10 => {
            let kinds = ["enterprise", "party_branch", "department", "residents_committee"];
            cs.update.push(Update::new(id(pick(rng, &units)?)).set(Field::Kind, V::Text(kinds[rng.below(4)].into())));
        }
        11 => {
            let t = pick(rng, &terrs)?;
            let kinds = ["street", "town", "community", "village"];
            let u = match rng.below(3) {
                0 => Update::new(id(t)).set(Field::Kind, V::Text(kinds[rng.below(4)].into())),
                // A move: under any territory (a loop now and then), or an added one.
                1 => Update::new(id(t)).set(Field::Parent, V::Text(id(pick(rng, &terrs)?))),
                _ => Update::new(id(t)).set(Field::Parent, V::Text(new_id("t"))),
            };
            cs.update.push(u);
        }
        12 => {
            let n = pick(rng, &units)?;
            let u = match rng.below(3) {
                0 => Update::new(id(n)).set(Field::Since, V::Date(date("2018-01-01")?)),
                1 => Update::new(id(n)).unset(Field::Since).unset(Field::Until),
                _ => Update::new(id(n)).set(Field::Members, V::Count(rng.below(50) as u32)).unset(Field::Sector),
            };
            cs.update.push(u);
        }
        13 => {
            let n = if rng.below(2) == 0 { pick(rng, &units)? } else { pick(rng, &people).or(pick(rng, &terrs))? };
            let on = if rng.below(5) == 0 { "1990-01-01" } else { "2022-06-30" };
            cs.end_record(id(n), date(on)?);
        }
        14 => {
            let u = pick(rng, &units)?;
            let links: Vec<_> = model.all_links_from(u).collect();
            let (_, l) = links.get(rng.below(links.len()))?;
            let address = LinkAddress::new(id(l.from), id(l.to), l.kind);
            cs.end_link(address, date(if rng.below(6) == 0 { "1980" } else { "2023-12-31" })?);
        }
        15 => {
            // Ones the rebuild alone applies, and ones that do not apply.
            match rng.below(4) {
                0 => cs
                    .update
                    .push(Update::new(id(pick(rng, &units)?)).set(Field::LocatedIn, V::Text(id(pick(rng, &terrs)?)))),
                1 => {
                    let u = pick(rng, &units)?;
                    let (_, l) = model.all_links_from(u).next()?;
                    cs.remove_link(LinkAddress::new(id(l.from), id(l.to), l.kind));
                }
                2 => cs.add.units.push(UnitSpec::new(id(pick(rng, &units)?), "重复", UnitKind::Enterprise)),
                _ => cs.add.links.push(LinkSpec::new("ghost", id(pick(rng, &units)?), LinkKind::Leads)),
            };
        }
        16 => {
            // The same id twice, and a link to a record added by the same change set.
            cs.add.units.push(UnitSpec::new(new_id("dup"), "甲", UnitKind::Enterprise));
            cs.add.units.push(UnitSpec::new(
                new_id(if rng.below(3) == 0 { "dup" } else { "dup2" }),
                "乙",
                UnitKind::Enterprise,
            ));
            cs.add.links.push(LinkSpec::new(new_id("dup"), id(pick(rng, &terrs)?), LinkKind::Jurisdiction));
        }
        _ => cs.update.push(Update::new("ghost").set(Field::Name, V::Text("x".into()))),
    }
    Some(())
}

/// What a model answers, beyond its document: each unit's level, territory's parent and
/// children, every record's links by kind, the people's posts, each unit's principal, and at
/// its date.
fn answers(m: &Model) -> String {
    let mut out = String::new();
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "date {:?} dated {} people {} count {} links {}",
        m.date(),
        m.is_dated(),
        m.has_people(),
        m.len(),
        m.link_count()
    );
    for t in [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person] {
        let _ = write!(out, "{} ", m.count(t));
    }
    for (n, r) in m.records() {
        let ids = |it: &mut dyn Iterator<Item = Node>| it.map(|x| m.id(x).to_string()).collect::<Vec<_>>().join(",");
        let _ = write!(
            out,
            "\n{} {:?} {:?} parent [{}] children [{}] status {:?}",
            r.id(),
            m.level(n),
            m.grade(n),
            ids(&mut m.parent(n).into_iter()),
            ids(&mut m.children(n)),
            m.status(n)
        );
        for kind in [
            LinkKind::Leads,
            LinkKind::Jurisdiction,
            LinkKind::Holds,
            LinkKind::SucceededBy,
            LinkKind::Responsible,
            LinkKind::Guides,
        ] {
            let _ = write!(
                out,
                " {}>[{}] <[{}]",
                kind.as_str(),
                ids(&mut m.targets(n, &kind)),
                ids(&mut m.sources(n, &kind))
            );
        }
        for (l, link) in m.all_links_from(n) {
            let _ = write!(out, " {:?}:{:?}:{:?}", l.index(), m.link_status(l), m.holding(l).map(|h| h.post));
            let _ = link;
        }
        if let Some(p) = tiaokuai::people::principal(m, n) {
            let _ = write!(out, " principal {}:{}", p.person, p.link);
        }
    }
    out
}

/// The model's petgraph graph, edge by edge: each end's id, the kind, and each node's type
/// (the graph is built on the first call and must follow a change made in place).
fn graph(m: &Model) -> String {
    use petgraph::visit::{EdgeRef, IntoEdgeReferences};
    let g = m.graph();
    let mut out = format!("{} nodes {} edges", g.node_count(), g.edge_count());
    for e in g.edge_references() {
        let (a, b) = (m.node_at(e.source().index()).unwrap(), m.node_at(e.target().index()).unwrap());
        out += &format!("\n{} {} -{}-> {}", e.id().index(), m.id(a), e.weight().as_str(), m.id(b));
    }
    for (n, r) in m.document_records() {
        assert_eq!(g[petgraph::graph::NodeIndex::new(n.index())].record_type(), r.record_type(), "node {}", r.id());
    }
    out
}

/// A model of its own (sharing its document with no other), built from `base`.
fn owned(base: &Model) -> Model {
    base.apply(&ChangeSet::new()).unwrap()
}

/// Runs `cases` random change sets on `base`, each applied both ways and compared.
/// Returns how many applied in place.
fn differential(base: &Model, seed: u64, cases: usize, max_changes: usize, audit: bool) -> (usize, usize) {
    let config = Config::default();
    let mut rng = Rng(seed);
    let (mut in_place, mut refused) = (0, 0);
    let expected_before = base.to_json();
    for case in 0..cases {
        let mut cs = ChangeSet::new();
        for serial in 0..1 + rng.below(max_changes) {
            change(base, &mut cs, &mut rng, serial);
        }
        let ctx = format!("seed {seed:#x}, case {case}: {}", cs.to_json());
        let mut model = owned(base);
        // The principals asked for before the change (their per-unit table is built), so the
        // answers after it show whether the change in place dropped what it made stale.
        for (n, _) in model.units() {
            std::hint::black_box(tiaokuai::people::principal(&model, n));
        }
        std::hint::black_box(model.graph());
        let got = model.apply_in_place(&cs);
        match base.apply_with_report(&cs) {
            Err(e) => {
                refused += 1;
                let got = got.expect_err(&ctx);
                assert_eq!(got.to_string(), e.to_string(), "{ctx}");
                assert_eq!(model.to_json(), expected_before, "unchanged after a refusal, {ctx}");
            }
            Ok((expected, report)) => {
                let got = got.unwrap_or_else(|e| panic!("{e}: {ctx}"));
                in_place += usize::from(got.in_place);
                assert_eq!(got.changes, report.changes, "{ctx}");
                assert!(model == expected, "{ctx}");
                assert_eq!(model.to_json(), expected.to_json(), "{ctx}");
                assert_eq!(answers(&model), answers(&expected), "{ctx}");
                assert_eq!(graph(&model), graph(&expected), "{ctx}");
                assert_eq!(answers(&model.whole()), answers(&expected.whole()), "{ctx}");
                if audit {
                    assert_eq!(model.audit(&config).to_json(), expected.audit(&config).to_json(), "{ctx}");
                }
                // Applied again in place (the document is its own now), still the same.
                let mut again = ChangeSet::new();
                again.update.push(
                    Update::new(model.records().next().map(|(n, _)| model.id(n).to_string()).unwrap())
                        .set(Field::Name, V::Text("再".into())),
                );
                let (e2, _) = expected.apply_with_report(&again).unwrap();
                assert!(model.apply_in_place(&again).unwrap().in_place, "{ctx}");
                assert_eq!(model.to_json(), e2.to_json(), "second apply, {ctx}");
                assert_eq!(answers(&model), answers(&e2), "second apply, {ctx}");
            }
        }
    }
    eprintln!("{cases} cases: {in_place} in place, {refused} refused");
    (in_place, refused)
}

#[test]
fn sample_change_sets_in_place_match_the_rebuild() {
    let base = Model::sample();
    let (in_place, refused) = differential(&base, 0x1a_0001, 60, 6, true);
    assert!(in_place >= 15, "only {in_place} of 60 applied in place");
    assert!(refused >= 5, "only {refused} of 60 refused");
}

#[cfg(feature = "divisions")]
#[test]
fn district_change_sets_in_place_match_the_rebuild() {
    let base = tiaokuai::generate::GenerateOptions::new(tiaokuai::generate::Scale::District, 3)
        .people(true)
        .history(true)
        .generate()
        .unwrap();
    let (in_place, refused) = differential(&base, 0x1a_0002, 12, 8, true);
    assert!(in_place >= 3, "only {in_place} of 12 applied in place");
    assert!(refused >= 1, "only {refused} of 12 refused");
}

#[test]
fn a_shared_document_is_rebuilt_and_the_other_model_untouched() {
    let base = Model::sample();
    let mut model = base.clone();
    let mut cs = ChangeSet::new();
    cs.add.units.push(UnitSpec::new("fresh", "新单位", UnitKind::Enterprise));
    let applied = model.apply_in_place(&cs).unwrap();
    assert!(!applied.in_place, "the document is shared with `base`");
    assert!(base.find("fresh").is_none());
    assert!(model.find("fresh").is_some());
    // Now the document is the model's own: the next change set is applied in place.
    let mut cs = ChangeSet::new();
    cs.add.units.push(UnitSpec::new("fresh2", "新单位", UnitKind::Enterprise));
    cs.add.links.push(LinkSpec::new("fresh", "fresh2", LinkKind::Leads));
    let view = model.at("2016".parse().unwrap());
    assert!(!model.apply_in_place(&cs).unwrap().in_place, "a view shares the document");
    drop(view);
    let mut cs = ChangeSet::new();
    cs.add.units.push(UnitSpec::new("fresh3", "新单位", UnitKind::Enterprise));
    assert!(model.apply_in_place(&cs).unwrap().in_place);
    assert_eq!(model.targets(model.find("fresh").unwrap(), &LinkKind::Leads).count(), 1);
}

/// A territory moved under its own child, or under a territory added below it: a loop,
/// refused as the rebuild refuses it, the model unchanged.
#[test]
fn a_move_that_closes_a_territory_loop_is_refused_in_place() {
    let base = Model::sample();
    let (parent, child) = base
        .territories()
        .find_map(|(t, _)| base.children(t).next().map(|c| (base.id(t).to_string(), base.id(c).to_string())))
        .unwrap();
    let direct = {
        let mut cs = ChangeSet::new();
        cs.update.push(Update::new(&parent).set(Field::Parent, V::Text(child.clone())));
        cs
    };
    let through_added = {
        let mut cs = ChangeSet::new();
        cs.add.territories.push(TerritorySpec::new("below", "新社区", TerritoryKind::Community).parent(&child));
        cs.update.push(Update::new(&parent).set(Field::Parent, V::Text("below".into())));
        cs
    };
    for cs in [direct, through_added] {
        let expected = base.apply(&cs).unwrap_err().to_string();
        assert!(expected.contains("loops"), "{expected}");
        let mut model = owned(&base);
        let before = model.to_json();
        assert_eq!(model.apply_in_place(&cs).unwrap_err().to_string(), expected);
        assert_eq!(model.to_json(), before);
    }
    // The same move without the loop applies in place.
    let mut cs = ChangeSet::new();
    cs.add.territories.push(TerritorySpec::new("aside", "新社区", TerritoryKind::Community));
    cs.update.push(Update::new(&child).set(Field::Parent, V::Text("aside".into())));
    let mut model = owned(&base);
    assert!(model.apply_in_place(&cs).unwrap().in_place);
    assert_eq!(model.to_json(), base.apply(&cs).unwrap().to_json());
    assert_eq!(model.parent(model.find(&child).unwrap()).map(|p| model.id(p).to_string()).as_deref(), Some("aside"));
}
