//! `format::problems`: every problem of a document in one pass, the first of them the
//! loader's own error, and nothing reported twice because a record was left out.

use tiaokuai::format::problems;
use tiaokuai::{LoadOptions, Model};

fn all(text: &str) -> Vec<tiaokuai::Error> {
    problems(text.as_bytes(), &LoadOptions::default())
}

#[test]
fn a_valid_model_has_no_problems() {
    assert!(all(tiaokuai::SAMPLE_JSON).is_empty());
    assert!(all(r#"{"format": "tiaokuai/1"}"#).is_empty());
}

#[test]
fn every_record_problem_is_found_in_one_run_in_document_order() {
    let text = r#"{"format": "tiaokuai/1",
      "territories": [{"id": "s", "name": "S", "kind": "street", "parent": "nowhere"},
                      {"id": "bad", "name": "B", "kind": "planet"},
                      {"id": "c", "name": "C", "kind": "community", "parent": "bad"}],
      "units": [{"id": "u1", "name": "U1", "kind": "enterprise", "members": -3},
                {"id": "u2", "name": "U2", "kind": "enterprise", "located_in": "s"},
                {"id": "u2", "name": "again", "kind": "enterprise"}],
      "links": [{"from": "u1", "to": "u2", "kind": "leads"},
                {"from": "u2", "to": "ghost", "kind": "leads"},
                {"from": "u2", "to": "s", "kind": "leads", "power": "consent"}]}"#;
    let found = all(text);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    // bad kind, negative members, duplicate id, link to a missing record, link to the wrong
    // record type, dangling parent; not: c's parent "bad" or the link from u1 (both left out already).
    assert_eq!(found.len(), 6, "{shown:#?}");
    let first = Model::from_json(text).unwrap_err();
    assert_eq!(found[0], first, "the first problem is the loader's error");
    let ids: Vec<Option<&str>> = found.iter().map(|e| e.position().and_then(|p| p.id.as_deref())).collect();
    assert_eq!(ids, [Some("bad"), Some("u1"), Some("u2"), Some("u2"), Some("u2"), Some("s")], "{shown:#?}");
    assert_eq!(found[1].field(), Some("members"));
    assert!(matches!(found[2], tiaokuai::Error::DuplicateId { .. }), "{shown:#?}");
    assert_eq!(found[3].id(), Some("ghost"));
    assert!(matches!(found[4], tiaokuai::Error::WrongEndpoint { .. }), "a leads link to a territory: {shown:#?}");
    assert_eq!((found[5].field(), found[5].id()), (Some("parent"), Some("nowhere")));
}

#[test]
fn a_problem_of_the_document_itself_ends_the_search() {
    let found = all("{\"format\": \"tiaokuai/1\",\n \"units\": [");
    assert_eq!(found.len(), 1);
    assert!(matches!(found[0], tiaokuai::Error::Syntax { line: 2, .. }), "{:?}", found[0]);
    let found = all(r#"{"format": "tiaokuai/9", "units": [{"id": "a", "name": "A", "kind": "nope"}]}"#);
    assert_eq!(found.len(), 1);
    assert!(matches!(found[0], tiaokuai::Error::Format { .. }));
    let found = problems(tiaokuai::SAMPLE_JSON.as_bytes(), &LoadOptions::default().max_bytes(100));
    assert!(matches!(found[..], [tiaokuai::Error::TooLarge { .. }]), "{found:?}");
}

#[test]
fn the_first_problem_is_always_the_loaders_error() {
    // One bad field at a time in the sample: the same error first, and only it.
    let cases = [
        ("\"kind\": \"street\"", "\"kind\": \"streat\""),
        ("\"members\": 5", "\"members\": -5"),
        ("\"kind\": \"leads\"", "\"kind\": \"leeds\""),
    ];
    for (from, to) in cases {
        let text = tiaokuai::SAMPLE_JSON.replacen(from, to, 1);
        assert_ne!(text, tiaokuai::SAMPLE_JSON, "{from}");
        let found = all(&text);
        assert_eq!(found.first(), Model::from_json(&text).err().as_ref(), "{to}");
        assert_eq!(found.len(), 1, "{to}: {found:?}");
    }
}
