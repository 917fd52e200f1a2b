//! Change sets (`tiaokuai-change/1`, issue #13): reading, writing, errors.

use tiaokuai::change::{ChangeSet, Field, LinkAddress, Target, Update, Value};
use tiaokuai::{Error, LinkKind, Role, TerritoryKind, TerritorySpec};

const MERGE: &str = include_str!("../../tests/changes/merge.json");

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
