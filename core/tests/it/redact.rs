//! `Model::redact_people`: names dropped, ids replaced by keyed pseudonyms, links still join.

use crate::common;

use tiaokuai::Model;
use tiaokuai::people::pseudonym;

const DOC: &str = r#"{"format": "tiaokuai/1",
  "units": [{"id": "dzb", "name": "某党总支", "kind": "party_general_branch"},
            {"id": "jwh", "name": "某居委会", "kind": "residents_committee"}],
  "people": [{"id": "p-0001", "name": "张三", "attrs": {"note": "kept"}},
             {"id": "p-0002", "name": "李四"}],
  "links": [{"from": "p-0001", "to": "dzb", "kind": "holds", "post": "secretary", "since": "2021-01-01"},
            {"from": "p-0001", "to": "jwh", "kind": "holds", "post": "director", "since": "2021-01-01"},
            {"from": "p-0002", "to": "jwh", "kind": "holds", "post": "community_worker",
             "band": "other", "grade": 4, "channel": "open_recruitment"}]}"#;

#[test]
fn names_are_gone_and_ids_replaced() {
    let model = Model::from_json(DOC).unwrap();
    let text = model.redact_people(b"key one").unwrap().to_json();
    for secret in ["张三", "李四", "p-0001", "p-0002"] {
        assert!(!text.contains(secret), "{secret} still in {text}");
    }
    // Units keep their names, people their attrs.
    assert!(text.contains("某居委会"));
    assert!(text.contains("\"kept\""));
}

#[test]
fn same_key_same_pseudonyms_other_key_others() {
    let model = Model::from_json(DOC).unwrap();
    let a = model.redact_people(b"key one").unwrap().to_json();
    let b = Model::from_json(DOC).unwrap().redact_people(b"key one").unwrap().to_json();
    let c = model.redact_people(b"key two").unwrap().to_json();
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.contains(&pseudonym(b"key one", "p-0001")));
    assert!(c.contains(&pseudonym(b"key two", "p-0001")));
    assert_ne!(pseudonym(b"key one", "p-0001"), pseudonym(b"key one", "p-0002"));
}

#[test]
fn links_still_join_and_the_round_trip_loads() {
    let model = Model::from_json(DOC).unwrap();
    let redacted = model.redact_people(b"key one").unwrap();
    let p1 = pseudonym(b"key one", "p-0001");
    let posts: Vec<String> = redacted.posts(&p1).unwrap().iter().map(|h| h.unit.to_string()).collect();
    assert_eq!(posts, ["dzb", "jwh"]);
    let holders = redacted.holders("jwh").unwrap();
    assert_eq!(holders.len(), 2);
    // The redacted JSON and CSV bundle load back to the same model.
    let again = Model::from_json(&redacted.to_json()).unwrap();
    assert_eq!(again, redacted);
    let dir = std::env::temp_dir().join(format!("tiaokuai-redact-{}", std::process::id()));
    redacted.write_csv_dir(&dir).unwrap();
    let from_csv = Model::load(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(from_csv.to_json(), redacted.to_json());
}

#[test]
fn an_empty_key_is_refused_and_a_model_without_people_is_unchanged() {
    let model = Model::from_json(DOC).unwrap();
    let err = model.redact_people(b"").unwrap_err().to_string();
    assert!(err.contains("enumeration"), "{err}");
    let sample = common::sample_without_people_or_meetings();
    assert_eq!(sample.redact_people(b"k").unwrap().to_json(), sample.to_json());
}
