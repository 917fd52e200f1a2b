//! Change sets (`tiaokuai-change/1`, issue #13): reading, writing, errors.

use tiaokuai::change::{ChangeSet, Field, LinkAddress, Target, Update, Value};
use tiaokuai::{Error, LinkKind, Role, TerritoryKind, TerritorySpec};

const MERGE: &str = include_str!("../changes/merge.json");

fn err(text: &str) -> String {
    ChangeSet::from_json(text).unwrap_err().to_string()
}

fn doc(body: &str) -> String {
    format!(r#"{{"format": "tiaokuai-change/1", {body}}}"#)
}

#[test]
fn reads_every_section_of_the_design_example() {
    let c = ChangeSet::from_json(MERGE).unwrap();
    assert_eq!(c.title().as_deref(), Some("友谊路街道与吴淞街道合并"));
    assert_eq!(c.date().map(|d| d.to_string()).as_deref(), Some("2020-06-01"));
    assert_eq!(c.basis().as_deref(), Some("沪府〔2020〕XX号"));
    assert_eq!(c.reform().as_deref(), Some("2020 street merger"));
    assert_eq!(c.add.territories.len(), 1);
    assert_eq!(c.add.territories[0].parent.as_deref(), Some("310113"));
    assert_eq!(c.add.territories[0].kind, TerritoryKind::Street);
    assert_eq!(c.add.links[0].kind, LinkKind::SucceededBy);
    assert_eq!(
        c.update,
        [Update::new("yyl-gw").set(Field::Name, Value::Text("友谊路街道党工委(新)".into())).unset(Field::Attrs)]
    );
    assert_eq!(c.end[0].target, Target::Record("310113003".into()));
    assert_eq!(c.end[1].target, Target::Link(LinkAddress::new("bs-dw", "yyl-gw", LinkKind::Leads)));
    assert_eq!(c.end[1].on.to_string(), "2020-05-31");
    assert_eq!(c.remove[1].target, Target::Link(LinkAddress::new("a", "b", LinkKind::Guides)));
    assert_eq!(c.len(), 7);
}

#[test]
fn writing_then_reading_gives_the_same_change_set_and_text() {
    let c = ChangeSet::from_json(MERGE).unwrap();
    let text = c.to_json();
    let again = ChangeSet::from_json(&text).unwrap();
    assert_eq!(again, c);
    assert_eq!(again.to_json(), text, "the writer is deterministic");
    // Only the sections that hold something are written.
    let empty = ChangeSet::new().to_json();
    assert_eq!(empty, "{\n  \"format\": \"tiaokuai-change/1\"\n}\n");
    assert_eq!(ChangeSet::from_json(&empty).unwrap(), ChangeSet::new());
}

#[test]
fn built_in_code_round_trips() {
    let mut c = ChangeSet::new();
    c.set_title("t").set_date("2020".parse().unwrap()).set_reform("r");
    let mut t = TerritorySpec::new("n", "新", TerritoryKind::Street).parent("p");
    t.attrs = Some(tiaokuai::Attrs::from_json(r#"{"big": 123456789012345678901234567890}"#).unwrap());
    c.add.territories.push(t);
    c.update.push(
        Update::new("u")
            .set(Field::Members, Value::Count(7))
            .set(Field::Since, Value::Date("2015-06".parse().unwrap()))
            .set(Field::Attrs, Value::Attrs(tiaokuai::Attrs::from_json(r#"{"a": [1, {"b": null}]}"#).unwrap())),
    );
    let addr = LinkAddress::new("x", "y", LinkKind::Responsible)
        .role(Role::Lead)
        .scope("s")
        .dates(None, Some("2019".parse().unwrap()));
    c.end_link(addr.clone(), "2020-01-31".parse().unwrap());
    c.remove_link(addr);
    c.set_meta = Some(None);
    let text = c.to_json();
    assert_eq!(ChangeSet::from_json(&text).unwrap(), c, "{text}");
    assert!(text.contains("123456789012345678901234567890"), "attrs kept verbatim: {text}");
}

#[test]
fn records_of_add_get_the_model_readers_errors_in_their_section() {
    let e = err(&doc(
        r#""add": {"units": [{"id": "ok", "name": "A", "kind": "enterprise"}, {"id": "x", "name": "X", "kind": "no-such"}]}"#,
    ));
    assert!(e.starts_with(r#"add.units[1] (id "x"): field "kind": unknown unit kind "no-such""#), "{e}");
    let e = err(&doc(r#""add": {"territories": [{"id": "t", "name": "T", "kind": "street", "parnet": "p"}]}"#));
    assert!(e.starts_with(r#"add.territories[0] (id "t"): field "parnet": unknown field"#), "{e}");
    let e = err(&doc(
        r#""add": {"links": [{"from": "a", "to": "b", "kind": "power"}, {"from": "c", "to": "d", "kind": "leads", "members": 1.5}]}"#,
    ));
    assert_eq!(e, r#"add.links[1] (from "c"): field "members": 1.5 is not a valid count: must be a whole number"#);
    let e = err(&doc(r#""add": {"matters": [{"id": "m", "name": "M", "list": "basic", "since": "2019-02-30"}]}"#));
    assert!(e.starts_with(r#"add.matters[0] (id "m"): field "since": "2019-02-30" is not a date"#), "{e}");
}

#[test]
fn updates_ends_and_removals_are_checked_when_read() {
    let cases = [
        (
            r#""update": [{"id": "a", "set": {"id": "b"}}]"#,
            r#"update[0] (id "a"): field "set.id": a record keeps its id"#,
        ),
        (
            r#""update": [{"id": "a", "set": {"colour": "red"}}]"#,
            r#"update[0] (id "a"): field "set.colour": unknown field "colour""#,
        ),
        (r#""update": [{"id": "a", "set": {"name": 3}}]"#, r#"update[0] (id "a"): field "set.name": must be a string"#),
        (
            r#""update": [{"id": "a", "set": {"until": "2020-13"}}]"#,
            r#"update[0] (id "a"): field "set.until": "2020-13" is not a date"#,
        ),
        (r#""update": [{"id": "a", "set": {"name": null}}]"#, r#"update[0] (id "a"): field "set.name": is null"#),
        (r#""update": [{"id": "a", "unset": ["name"]}]"#, r#"update[0] (id "a"): field "unset": "name" is required"#),
        (
            r#""update": [{"id": "a"}]"#,
            r#"update[0] (id "a"): field "set": an update sets or unsets at least one field"#,
        ),
        (
            r#""update": [{"id": "a", "set": {"attrs": [1]}}]"#,
            r#"update[0] (id "a"): field "set.attrs": must be a JSON object"#,
        ),
        (r#""end": [{"id": "a"}]"#, r#"end[0] (id "a"): field "on": is required"#),
        (r#""end": [{"id": "a", "on": "tomorrow"}]"#, r#"end[0] (id "a"): field "on": "tomorrow" is not a date"#),
        (r#""end": [{"on": "2020"}]"#, r#"end[0]: field "id": give "id" (a record) or "link" (a link)"#),
        (
            r#""end": [{"link": {"from": "a", "to": "b", "kind": "leeds"}, "on": "2020"}]"#,
            r#"end[0] (id "a"): field "link.kind": unknown link kind "leeds""#,
        ),
        (
            r#""end": [{"link": {"from": "a", "kind": "leads"}, "on": "2020"}]"#,
            r#"end[0]: field "link.to": is required"#,
        ),
        (r#""remove": [{"id": "a", "on": "2020"}]"#, r#"remove[0] (id "a"): field "on": a removal has no day"#),
        (
            r#""remove": [{"id": "a", "link": {"from": "a", "to": "b", "kind": "leads"}}]"#,
            r#"remove[0] (id "a"): field "link": give "id" (a record) or "link" (a link), not both"#,
        ),
        (r#""meta": {"date": "June"}"#, r#"document: field "meta.date": "June" is not a date"#),
    ];
    for (body, expected) in cases {
        let e = err(&doc(body));
        assert!(e.starts_with(expected), "{body}\n  got:      {e}\n  expected: {expected}");
    }
}

#[test]
fn document_level_errors() {
    assert!(
        matches!(ChangeSet::from_json(r#"{"format": "tiaokuai/1"}"#), Err(Error::Format { found: Some(f) }) if f == "tiaokuai/1")
    );
    assert!(matches!(ChangeSet::from_json(r#"{"add": {}}"#), Err(Error::Format { found: None })));
    assert!(matches!(ChangeSet::from_json(r#"{"format": "tiaokuai-change/1", "#), Err(Error::Syntax { .. })));
    let e = err(&doc(r#""links": []"#));
    assert!(e.starts_with(r#"change set: unknown field "links""#), "{e}");
    let e = err(&doc(r#""add": {"routes": []}"#));
    assert!(e.contains(r#"unknown field "routes""#), "{e}");
    assert!(matches!(ChangeSet::from_json("  "), Err(Error::Syntax { .. })));
    let deep =
        format!(r#"{{"format": "tiaokuai-change/1", "meta": {{"x": {}1{}}}}}"#, "[".repeat(200), "]".repeat(200));
    assert!(matches!(ChangeSet::from_json(&deep), Err(Error::Syntax { .. })));
}

// ---------------------------------------------------------------------------
// Apply

use tiaokuai::Model;

fn change(body: &str) -> ChangeSet {
    ChangeSet::from_json(&doc(body)).unwrap()
}

/// The problems of a refused apply, as text; the model is checked to be unchanged.
fn refused(model: &Model, c: &ChangeSet) -> Vec<String> {
    let before = model.to_json();
    let err = model.apply(c).unwrap_err();
    assert_eq!(model.to_json(), before, "a refused apply leaves the model as it was");
    match err {
        Error::Rejected { problems, .. } => problems.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected Rejected, got {other}"),
    }
}

#[test]
fn apply_does_every_section_and_leaves_the_old_model_untouched() {
    let model = Model::sample();
    let before = model.to_json();
    let c = change(
        r#""meta": {"title": "友谊路街道与吴淞街道合并", "date": "2020-06-01"},
        "add": {
          "territories": [{"id": "310113099", "name": "新街道", "kind": "street", "parent": "310113", "since": "2020-06-01"}],
          "units": [{"id": "new-gw", "name": "新街道党工委", "kind": "party_working_committee", "sector": "party", "located_in": "310113099"}],
          "links": [{"from": "310113003", "to": "310113099", "kind": "succeeded_by", "event": "merge"},
                    {"from": "new-gw", "to": "310113099", "kind": "jurisdiction"}]
        },
        "update": [{"id": "yyl-gw", "set": {"name": "友谊路街道党工委(新)", "attrs": {"note": 1}}, "unset": ["since"]}],
        "end": [{"id": "310113003", "on": "2020-05-31"},
                {"link": {"from": "bs-dw", "to": "yyl-gw", "kind": "leads"}, "on": "2020-05-31"}]"#,
    );
    let after = model.apply(&c).unwrap();
    assert_eq!(model.to_json(), before, "the old model is untouched");
    assert_eq!(after.len(), model.len() + 2);
    assert_eq!(after.link_count(), model.link_count() + 2);
    let street = after.find("310113099").unwrap();
    assert_eq!(after.parent(street).map(|p| after.id(p)), Some("310113"));
    let gw = after.find("new-gw").unwrap();
    assert_eq!(after.unit(gw).unwrap().located_in, Some(street));
    let yyl = after.get("yyl-gw").unwrap();
    assert_eq!(yyl.name(), "友谊路街道党工委(新)");
    assert_eq!(yyl.attrs().unwrap().as_json(), r#"{"note":1}"#);
    assert_eq!(yyl.validity().since, None);
    let old_street = after.find("310113003").unwrap();
    assert_eq!(after.record(old_street).validity().until.unwrap().to_string(), "2020-05-31");
    let ended: Vec<_> = after
        .document_links_from(after.find("bs-dw").unwrap())
        .filter(|(_, l)| after.id(l.to) == "yyl-gw" && l.kind == LinkKind::Leads)
        .map(|(_, l)| l.validity.until.map(|d| d.to_string()))
        .collect();
    assert_eq!(ended, [Some("2020-05-31".to_string())]);
    // The added records come after their type's records, the added links after the links.
    let text = after.to_json();
    assert!(text.find("\"310113099\"").unwrap() > text.find("\"310113501\"").unwrap());
    let last_link = after.document_links().last().unwrap().1;
    assert_eq!((after.id(last_link.from), after.id(last_link.to)), ("new-gw", "310113099"));
    // It reloads as written, and the meta is the model's own (not the change set's).
    assert_eq!(Model::from_json(&text).unwrap(), after);
    assert_eq!(after.meta(), model.meta());
}

#[test]
fn a_removal_takes_the_record_and_the_links_named_with_it() {
    let model = Model::sample();
    let uses: Vec<String> = model
        .document_links()
        .filter(|(_, l)| model.id(l.from) == "yyl-xzdz" || model.id(l.to) == "yyl-xzdz")
        .map(|(_, l)| {
            // A person's terms in one post are links of one kind between the same two
            // records: their dates tell them apart.
            let dates: String = [("since", l.validity.since), ("until", l.validity.until)]
                .iter()
                .filter_map(|(k, d)| d.map(|d| format!(r#", "{k}": "{d}""#)))
                .collect();
            format!(
                r#"{{"link": {{"from": "{}", "to": "{}", "kind": "{}"{dates}}}}}"#,
                model.id(l.from),
                model.id(l.to),
                l.kind.as_str()
            )
        })
        .collect();
    assert!(!uses.is_empty());
    // Alone, the removal is refused: the links still use the record.
    let alone = refused(&model, &change(r#""remove": [{"id": "yyl-xzdz"}]"#));
    assert_eq!(alone.len(), 1, "{alone:?}");
    assert!(
        alone[0].starts_with(r#"remove[0] (id "yyl-xzdz"): field "id": "yyl-xzdz" is still used by links["#),
        "{alone:?}"
    );
    let c = change(&format!(r#""remove": [{{"id": "yyl-xzdz"}}, {}]"#, uses.join(", ")));
    let after = model.apply(&c).unwrap();
    assert!(after.find("yyl-xzdz").is_none());
    assert_eq!(after.len(), model.len() - 1);
    assert_eq!(after.link_count(), model.link_count() - uses.len());
    assert_eq!(Model::from_json(&after.to_json()).unwrap(), after);
}

#[test]
fn every_bad_change_is_named_with_section_index_and_id() {
    let model = Model::sample();
    let c = change(
        r#""add": {"units": [{"id": "bs-dw", "name": "dup", "kind": "enterprise"},
                            {"id": "twice", "name": "a", "kind": "enterprise"},
                            {"id": "twice", "name": "b", "kind": "enterprise"}],
                  "links": [{"from": "twice", "to": "ghost", "kind": "leads"}]},
        "update": [{"id": "ghost", "set": {"name": "x"}},
                   {"id": "yyl-gw", "set": {"kind": "no-such-kind"}},
                   {"id": "310113003", "set": {"members": 3}}],
        "end": [{"id": "yyl-gw", "on": "2014-06-30"},
                {"link": {"from": "bs-dw", "to": "nobody", "kind": "leads"}, "on": "2020"}],
        "remove": [{"id": "310113"}, {"link": {"from": "bs-dw", "to": "yyl-gw", "kind": "guides"}}]"#,
    );
    let found = refused(&model, &c);
    let expect = [
        r#"remove[0] (id "310113"): field "id": "310113" is still used by"#,
        r#"remove[1] (id "bs-dw"): field "link": guides link "bs-dw" -> "yyl-gw" matches no link"#,
        r#"update[0] (id "ghost"): field "id": updates "ghost", which is no record"#,
        r#"update[1] (id "yyl-gw"): field "set.kind": unknown unit kind "no-such-kind""#,
        r#"update[2] (id "310113003"): field "set.members": "310113003" is a territory, which has no "members""#,
        r#"end[0] (id "yyl-gw"): field "on": ends "yyl-gw" on 2014-06-30, before its since 2015"#,
        r#"end[1] (id "bs-dw"): field "link": leads link "bs-dw" -> "nobody" matches no link"#,
        r#"add.units[0] (id "bs-dw"): field "id": adds "bs-dw", which is already the id of a unit"#,
        r#"add.units[2] (id "twice"): field "id": adds "twice" a second time (first at add.units[1])"#,
        r#"add.links[0] (from "twice"): "to" names "ghost" which does not exist"#,
        // The sample's district hearing is held in 310113: removing it would leave the meeting dangling.
        r#"change set: leaves meetings[0] (id "m-bs-2022-jobs"): "territory" names "310113" which does not exist"#,
    ];
    for e in expect {
        assert!(found.iter().any(|f| f.starts_with(e)), "missing: {e}\nfound:\n{}", found.join("\n"));
    }
    assert_eq!(found.len(), expect.len(), "{}", found.join("\n"));
}

#[test]
fn an_address_matching_several_links_is_refused_and_dates_tell_them_apart() {
    let model = Model::from_json(
        r#"{"format": "tiaokuai/1",
        "units": [{"id": "a", "name": "A", "kind": "party_committee"}, {"id": "b", "name": "B", "kind": "party_committee"}],
        "links": [{"from": "a", "to": "b", "kind": "leads", "since": "2010", "until": "2015"},
                  {"from": "a", "to": "b", "kind": "leads", "since": "2018"}]}"#,
    )
    .unwrap();
    let found =
        refused(&model, &change(r#""end": [{"link": {"from": "a", "to": "b", "kind": "leads"}, "on": "2021"}]"#));
    assert!(found[0].contains("matches 2 links (links[0], links[1])"), "{found:?}");
    let after = model
        .apply(&change(
            r#""end": [{"link": {"from": "a", "to": "b", "kind": "leads", "since": "2018"}, "on": "2021"}]"#,
        ))
        .unwrap();
    let untils: Vec<_> = after.document_links().map(|(_, l)| l.validity.until.map(|d| d.to_string())).collect();
    assert_eq!(untils, [Some("2015".to_string()), Some("2021".to_string())]);
}

#[test]
fn a_result_that_would_not_load_is_refused() {
    let model = Model::sample();
    // A parent loop made by an update, and an added dispatches link from a non-department.
    let found = refused(
        &model,
        &change(
            r#""update": [{"id": "310113", "set": {"parent": "310113003"}}],
            "add": {"links": [{"from": "bs-dw", "to": "yyl-gw", "kind": "dispatches"}]}"#,
        ),
    );
    assert!(
        found.iter().any(|f| f
            .starts_with(r#"add.links[0] (from "bs-dw"): field "from": a "dispatches" link starts from a department"#)),
        "{found:?}"
    );
    let loop_only = refused(&model, &change(r#""update": [{"id": "310113", "set": {"parent": "310113003"}}]"#));
    assert!(loop_only[0].starts_with(r#"update[0] (id "310113"): territory parent chain loops"#), "{loop_only:?}");
    let dangling = refused(&model, &change(r#""update": [{"id": "yyl-sqdw", "set": {"located_in": "nowhere"}}]"#));
    assert_eq!(dangling, [r#"update[0] (id "yyl-sqdw"): "located_in" names "nowhere" which does not exist"#]);
}

#[test]
fn the_report_names_what_each_change_touched() {
    let model = Model::sample();
    let c = change(
        r#""add": {"links": [{"from": "bs-dw", "to": "ws-gw", "kind": "guides"}]},
        "update": [{"id": "yyl-gw", "set": {"name": "x"}}],
        "end": [{"link": {"from": "bs-dw", "to": "yyl-gw", "kind": "leads"}, "on": "2020-05-31"}]"#,
    );
    let (after, applied) = model.apply_with_report(&c).unwrap();
    let refs: Vec<String> = applied.changes.iter().map(|t| t.change.unwrap().to_string()).collect();
    assert_eq!(refs, ["add.links[0]", "update[0]", "end[0]"]);
    assert_eq!(applied.records().into_iter().collect::<Vec<_>>(), ["bs-dw", "ws-gw", "yyl-gw"]);
    let added = applied.changes[0].after[0];
    assert_eq!(after.id(after.link(added).to), "ws-gw");
    let end = &applied.changes[2];
    assert_eq!(model.link(end.before[0]).validity.until, None);
    assert_eq!(after.link(end.after[0]).validity.until.map(|d| d.to_string()).as_deref(), Some("2020-05-31"));
}

// ---------------------------------------------------------------------------
// Diff

use proptest::prelude::*;
use tiaokuai::change::diff;

/// `a.apply(diff(a, b))` gives `b`'s document exactly.
fn assert_diff_round_trip(a: &Model, b: &Model) -> ChangeSet {
    let d = diff(a, b);
    let applied = a.apply(&d).unwrap_or_else(|e| panic!("{e}\n{}", d.to_json()));
    assert_eq!(applied.to_json(), b.to_json(), "{}", d.to_json());
    // The change set survives its own JSON.
    assert_eq!(ChangeSet::from_json(&d.to_json()).unwrap(), d);
    d
}

/// A hub (a street office with 100 `guides` links) and a small record (a unit with 3), each
/// with links moved, removed and duplicated: the diff finds them whether it
/// matches a link among a's next few, among its record's few links, or in the table of a
/// hub's links, and its apply gives the second model exactly.
#[test]
fn links_of_hubs_and_small_records_are_matched_wherever_they_moved() {
    let doc = |order: &dyn Fn(Vec<String>) -> Vec<String>| {
        let units: Vec<String> = (0..100)
            .map(|k| format!(r#"{{"id": "u{k}", "name": "单位{k}", "kind": "enterprise", "located_in": "s"}}"#))
            .collect();
        let mut links: Vec<String> =
            (0..100).map(|k| format!(r#"{{"from": "s-o", "to": "u{k}", "kind": "guides"}}"#)).collect();
        for k in 0..3 {
            links.push(format!(r#"{{"from": "u1", "to": "u{}", "kind": "leads", "since": "201{k}"}}"#, k + 2));
        }
        Model::from_json(&format!(
            r#"{{"format": "tiaokuai/1",
                "territories": [{{"id": "s", "name": "一街道", "kind": "street"}}],
                "units": [{{"id": "s-o", "name": "街道办", "kind": "government", "located_in": "s"}}, {}],
                "links": [{}]}}"#,
            units.join(","),
            order(links).join(",")
        ))
        .unwrap()
    };
    let a = doc(&|links| links);
    // Removed from the middle (the next few links of a are the match).
    let b = doc(&|mut links| {
        links.remove(50);
        links.remove(100);
        links
    });
    assert_eq!(assert_diff_round_trip(&a, &b).remove.len(), 2);
    // Far moves: a hub's link and a small record's link taken from the start to the end.
    let b = doc(&|mut links| {
        let hub = links.remove(3);
        let small = links.remove(99);
        links.extend([hub, small]);
        links
    });
    assert_diff_round_trip(&a, &b);
    // A copy of a link gained far from it (each copy is its own link), and a stretch of the
    // hub's links reversed. (Removing one of two identical links is another matter: no
    // address tells them apart.)
    let b = doc(&|mut links| {
        links.insert(90, links[7].clone());
        links[92..97].reverse();
        links
    });
    assert_diff_round_trip(&a, &b);
    let c = doc(&|mut links| {
        links[20..40].reverse();
        links
    });
    assert_diff_round_trip(&c, &a);
}

#[test]
fn diff_of_a_model_with_itself_is_empty() {
    let m = Model::sample();
    assert!(diff(&m, &m).is_empty());
}

#[test]
fn diff_between_the_samples_dates_round_trips_and_is_small() {
    // Meetings are not part of change sets (docs/change.md): the sample's are left out, so
    // that the diff between the whole sample and a snapshot round-trips.
    let mut doc: serde_json::Value = serde_json::from_str(&Model::sample().to_json()).unwrap();
    doc.as_object_mut().unwrap().remove("meetings").expect("the sample records meetings");
    let sample = Model::from_json(&doc.to_string()).unwrap();
    let at = |y: &str| sample.at(y.parse().unwrap()).snapshot().unwrap();
    let (y2014, y2016) = (at("2014"), at("2016"));
    let d = assert_diff_round_trip(&y2014, &y2016);
    assert!(!d.add.units.is_empty(), "the 2015 reform added units: {}", d.to_json());
    assert!(d.set_meta.is_some(), "meta.as_of differs");
    assert_diff_round_trip(&y2016, &y2014);
    assert_diff_round_trip(&sample, &y2014);
    assert_diff_round_trip(&y2014, &sample);
}

#[test]
fn an_until_gained_is_an_end_and_a_changed_field_an_update() {
    let a = Model::sample();
    let c = change(
        r#""update": [{"id": "yyl-gw", "set": {"name": "新名", "members": 5}, "unset": ["since"]}],
        "end": [{"id": "310113003", "on": "2020-05-31"}, {"link": {"from": "bs-dw", "to": "yyl-gw", "kind": "leads"}, "on": "2020-05-31"}]"#,
    );
    let b = a.apply(&c).unwrap();
    let d = assert_diff_round_trip(&a, &b);
    assert_eq!(d.end.len(), 2, "{}", d.to_json());
    assert_eq!(d.update.len(), 1);
    assert_eq!(d.update[0].unset, [Field::Since]);
    assert!(d.add.is_empty() && d.remove.is_empty(), "{}", d.to_json());
}

/// The sample's document as JSON, mutated by `ops` (each an operation and an index): names,
/// attrs, dates changed, links and units removed (with their links), units added, two
/// records of a type swapped, links moved to the end.
fn mutate(ops: &[(u8, usize)]) -> Option<Model> {
    let mut doc: serde_json::Value = serde_json::from_str(tiaokuai::SAMPLE_JSON).unwrap();
    for (k, &(op, i)) in ops.iter().enumerate() {
        let arrays = ["territories", "units", "matters", "items"];
        let array = arrays[i % 4];
        let len = doc[array].as_array().unwrap().len();
        let links = doc["links"].as_array().unwrap().len();
        if len == 0 || links == 0 {
            continue;
        }
        let j = i / 4 % len;
        let l = i % links;
        match op % 10 {
            0 => doc[array][j]["name"] = format!("改名{k}").into(),
            1 => {
                let r = doc[array][j].as_object_mut().unwrap();
                if r.remove("attrs").is_none() {
                    r.insert("attrs".into(), serde_json::json!({"k": k, "nested": [1, {"x": null}]}));
                }
            }
            2 => doc[array][j]["until"] = "2099-12-31".into(),
            3 => doc["links"][l]["until"] = "2099".into(),
            4 => {
                doc["links"].as_array_mut().unwrap().remove(l);
            }
            5 => {
                // A unit goes with every link naming it.
                let units = doc["units"].as_array().unwrap().len();
                let gone = doc["units"].as_array_mut().unwrap().remove(i % units)["id"].clone();
                doc["links"].as_array_mut().unwrap().retain(|l| l["from"] != gone && l["to"] != gone);
            }
            6 => {
                let id = format!("new-{k}");
                doc["units"].as_array_mut().unwrap().push(
                    serde_json::json!({"id": id, "name": "新单位", "kind": "enterprise", "located_in": "310113003"}),
                );
                doc["links"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({"from": "bs-dw", "to": id, "kind": "guides"}));
            }
            8 => {
                // A meeting on an item (issue #15), in the first territory.
                let territory = doc["territories"][0]["id"].clone();
                let items = doc["items"].as_array().unwrap();
                let topic = items[i % items.len()]["id"].clone();
                let meetings = doc.as_object_mut().unwrap().entry("meetings").or_insert(serde_json::json!([]));
                meetings.as_array_mut().unwrap().push(serde_json::json!(
                    {"id": format!("m-{k}"), "kind": "hearing", "territory": territory, "date": "2023-04-02", "topics": [topic]}
                ));
            }
            9 => {
                // A meeting changed (date, kind, topics, attrs), removed or moved to the end.
                let Some(list) = doc.get_mut("meetings").and_then(|m| m.as_array_mut()).filter(|m| !m.is_empty())
                else {
                    continue;
                };
                let j = i % list.len();
                match i / 7 % 5 {
                    0 => list[j]["date"] = "2024-01".into(),
                    1 => list[j]["kind"] = "evaluation".into(),
                    2 => {
                        list[j].as_object_mut().unwrap().remove("topics");
                    }
                    3 => {
                        list.remove(j);
                    }
                    _ => {
                        let moved = list.remove(j);
                        list.push(moved);
                        list.last_mut().unwrap()["attrs"] = serde_json::json!({"k": k});
                    }
                }
            }
            _ => {
                let list = doc[array].as_array_mut().unwrap();
                list.swap(j, (j + 1 + i % 3) % len);
                let moved = doc["links"].as_array_mut().unwrap().remove(l);
                doc["links"].as_array_mut().unwrap().push(moved);
            }
        }
    }
    Model::from_json(&doc.to_string()).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// For random pairs of edited samples, applying the diff to the first gives the second,
    /// document for document.
    #[test]
    fn applying_the_diff_gives_the_second_model(
        ops_a in prop::collection::vec((any::<u8>(), any::<usize>()), 0..6),
        ops_b in prop::collection::vec((any::<u8>(), any::<usize>()), 0..12),
    ) {
        let (Some(a), Some(b)) = (mutate(&ops_a), mutate(&ops_b)) else { return Ok(()) };
        assert_diff_round_trip(&a, &b);
    }
}

// ---------------------------------------------------------------------------
// With people (issue #14) and meetings (issue #15)

fn model_json(body: &str) -> Model {
    Model::from_json(&format!(r#"{{"format": "tiaokuai/1", {body}}}"#)).unwrap()
}

const STAFFED: &str = r#""territories": [{"id": "c", "name": "一村", "kind": "community"}],
    "units": [{"id": "dzb", "name": "一村党总支", "kind": "party_general_branch", "located_in": "c"},
              {"id": "rc", "name": "一村居委会", "kind": "residents_committee", "located_in": "c"}],
    "items": [{"id": "p-lift", "name": "加装电梯", "list": "project", "since": "2023-05"}],
    "people": [{"id": "p1", "name": "张三"}, {"id": "p2"}],
    "links": [{"from": "dzb", "to": "rc", "kind": "leads"},
              {"from": "p1", "to": "dzb", "kind": "holds", "post": "secretary", "since": "2019"},
              {"from": "p2", "to": "rc", "kind": "holds", "post": "community_worker", "band": "deputy", "grade": 6}]"#;

#[test]
fn people_and_their_posts_are_added_diffed_and_kept() {
    let a = model_json(STAFFED);
    let c = change(
        r#""add": {"people": [{"id": "p3", "name": "李四", "since": "2024-01-01"}],
                   "links": [{"from": "p3", "to": "rc", "kind": "holds", "post": "director", "channel": "open_recruitment"}]},
           "end": [{"link": {"from": "p1", "to": "dzb", "kind": "holds"}, "on": "2023-12-31"}]"#,
    );
    assert_eq!(ChangeSet::from_json(&c.to_json()).unwrap(), c, "add.people and the post survive the JSON");
    let b = a.apply(&c).unwrap();
    let director = b.document_links().find(|(_, l)| b.id(l.from) == "p3").map(|(id, _)| id).unwrap();
    assert_eq!(b.holding(director).map(|h| h.post.as_str()), Some("director"));
    // The kept holds links keep their posts, band and grade.
    let json = b.to_json();
    assert!(json.contains(r#""post":"community_worker","band":"deputy","grade":6"#), "{json}");
    assert!(json.contains(r#""post":"secretary""#) && json.contains(r#""until":"2023-12-31""#), "{json}");
    // The diff finds the person, the post and the end, and gives b back exactly.
    let d = assert_diff_round_trip(&a, &b);
    assert_eq!((d.add.people.len(), d.add.links.len(), d.end.len()), (1, 1, 1));
    // A post changed on an otherwise equal link is a change too.
    let promoted = model_json(&STAFFED.replace(r#""grade": 6"#, r#""grade": 7"#));
    assert!(!diff(&a, &promoted).is_empty());
    assert_diff_round_trip(&a, &promoted);
}

#[test]
fn apply_keeps_the_meetings_and_refuses_to_remove_what_they_name() {
    let with_meetings = format!(
        r#"{STAFFED}, "meetings": [{{"id": "m1", "kind": "hearing", "territory": "c", "date": "2023-04-02",
                                    "convener": "rc", "topics": ["p-lift"]}}]"#
    );
    let a = model_json(&with_meetings);
    let b = a.apply(&change(r#""update": [{"id": "rc", "set": {"name": "一村居民委员会"}}]"#)).unwrap();
    assert_eq!(b.meetings().len(), 1);
    assert_eq!(b.id(b.meetings().iter().next().unwrap().convener.unwrap()), "rc");
    assert_eq!(b.to_json(), a.to_json().replace("一村居委会", "一村居民委员会"));
    let problems = refused(&a, &change(r#""remove": [{"id": "p-lift"}]"#));
    assert!(problems.iter().any(|p| p.contains("m1") && p.contains("p-lift")), "{problems:?}");
}

const MET: &str = r#", "meetings": [
    {"id": "m1", "kind": "hearing", "territory": "c", "date": "2023-04-02", "convener": "rc", "topics": ["p-lift"]},
    {"id": "m2", "kind": "coordination", "territory": "c", "date": "2023-06"}]"#;

#[test]
fn meetings_are_added_updated_and_removed_by_id() {
    let a = model_json(&format!("{STAFFED}{MET}"));
    let c = change(
        r#""add": {"meetings": [{"id": "m3", "kind": "evaluation", "territory": "c", "date": "2024-03-01",
                                 "convener": "dzb", "topics": ["p-lift"], "attrs": {"votes": 31}}]},
           "update": [{"id": "m1", "set": {"date": "2023-04-09", "kind": "consultation"}, "unset": ["convener", "topics"]},
                      {"id": "m2", "set": {"topics": ["p-lift"], "convener": "rc"}}],
           "remove": [{"id": "m2"}]"#,
    );
    // The meetings survive the change set's JSON.
    assert_eq!(c.add.meetings.len(), 1);
    assert_eq!(
        c.update[0].set,
        [(Field::Date, Value::Date("2023-04-09".parse().unwrap())), (Field::Kind, Value::Text("consultation".into()))]
    );
    assert_eq!(c.update[1].set[0], (Field::Topics, Value::Ids(vec!["p-lift".into()])));
    assert_eq!(ChangeSet::from_json(&c.to_json()).unwrap(), c);
    // m2 is both updated and removed: the removal goes first, so the update is refused.
    let problems = refused(&a, &c);
    assert_eq!(problems, [r#"update[1] (id "m2"): field "id": "m2" is removed by this change set"#], "{problems:?}");
    let mut c = c;
    c.update.pop();
    let (b, applied) = a.apply_with_report(&c).unwrap();
    let ids: Vec<&str> = b.meetings().iter().map(|m| &*m.id).collect();
    assert_eq!(ids, ["m1", "m3"], "kept meetings in order, then the added");
    let m1 = b.meetings().find("m1").unwrap();
    assert_eq!(
        (m1.kind.as_str(), m1.date.to_string(), m1.convener, m1.topics.len()),
        ("consultation", "2023-04-09".to_string(), None, 0)
    );
    let m3 = b.meetings().find("m3").unwrap();
    assert_eq!(b.id(m3.convener.unwrap()), "dzb");
    assert_eq!(m3.attrs.as_ref().unwrap().as_json(), r#"{"votes":31}"#);
    assert!(a.meetings().find("m3").is_none(), "the old model is untouched");
    // The report names the records each meeting change touches (for the what-if).
    let touched =
        |section: &str| applied.changes.iter().find(|t| t.change.unwrap().section == section).unwrap().records.clone();
    assert!(touched("add.meetings").iter().any(|r| r == "dzb"));
    assert!(touched("update").iter().any(|r| r == "rc"), "the convener m1 had");
    assert!(touched("remove").iter().any(|r| r == "m2"));
    // The diff gives the meetings' changes back, and b exactly.
    let d = assert_diff_round_trip(&a, &b);
    assert_eq!((d.add.meetings.len(), d.update.len(), d.remove.len()), (1, 1, 1), "{}", d.to_json());
    assert_diff_round_trip(&b, &a);
    let s = tiaokuai::change::Summary::of(&a, &b, &d);
    assert_eq!(
        (s.meetings_added.clone(), s.meetings_removed.clone()),
        (vec!["m3".to_string()], vec!["m2".to_string()])
    );
    assert_eq!(
        s.meetings_changed,
        [("m1".to_string(), vec![Field::Kind, Field::Date, Field::Convener, Field::Topics])]
    );
    assert!(s.added.is_empty() && s.removed.is_empty(), "meetings are not records: {s:?}");
}

#[test]
fn every_bad_meeting_change_is_named_with_section_index_and_id() {
    let a = model_json(&format!("{STAFFED}{MET}"));
    let c = change(
        r#""add": {"units": [{"id": "m1", "name": "重名", "kind": "enterprise"}],
                   "meetings": [{"id": "m2", "kind": "hearing", "territory": "c", "date": "2024"},
                                {"id": "rc", "kind": "hearing", "territory": "c", "date": "2024"},
                                {"id": "m4", "kind": "hearing", "territory": "ghost", "date": "2024"},
                                {"id": "m5", "kind": "hearing", "territory": "c", "date": "2024", "topics": ["dzb"]}]},
           "update": [{"id": "m1", "set": {"name": "听证会"}},
                      {"id": "m2", "set": {"territory": "rc"}},
                      {"id": "m1", "unset": ["attrs"], "set": {"kind": "hearings"}}],
           "end": [{"id": "m2", "on": "2024-01-01"}]"#,
    );
    let problems = refused(&a, &c);
    let expect = [
        r#"update[0] (id "m1"): field "set.name": "m1" is a meeting, which has no "name""#,
        r#"update[2] (id "m1"): field "set.kind": unknown meeting kind "hearings""#,
        r#"end[0] (id "m2"): field "id": "m2" is a meeting, an event of one date with no until: remove it, or update its date"#,
        r#"add.units[0] (id "m1"): field "id": adds "m1", which is already the id of a meeting of the model"#,
        r#"add.meetings[0] (id "m2"): field "id": adds "m2", which is already the id of a meeting of the model"#,
        r#"add.meetings[1] (id "rc"): field "id": adds "rc", which is already the id of a unit of the model"#,
    ];
    for e in expect {
        assert!(problems.iter().any(|p| p.starts_with(e)), "missing {e}\n{problems:#?}");
    }
    // Found when the new model is built: placed at the change that made them.
    assert!(
        problems.iter().any(|p| p.starts_with(r#"update[1] (id "m2")"#) && p.contains("territory") && p.contains("rc")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with(r#"add.meetings[2] (id "m4")"#) && p.contains("ghost")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with(r#"add.meetings[3] (id "m5")"#) && p.contains("dzb")),
        "{problems:#?}"
    );
    // Read errors: a meeting's required fields cannot be unset, topics are ids.
    assert!(err(&doc(r#""update": [{"id": "m1", "unset": ["date"]}]"#)).contains("is required"));
    assert_eq!(
        err(&doc(r#""update": [{"id": "m1", "set": {"topics": "p-lift"}}]"#)),
        r#"update[0] (id "m1"): field "set.topics": must be an array of ids (strings)"#
    );
    assert!(
        err(&doc(r#""add": {"meetings": [{"id": "m9", "kind": "hearing", "territory": "c"}]}"#))
            .starts_with("add.meetings[0]")
    );
}
