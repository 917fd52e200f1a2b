//! Keeps `docs/tiaokuai-1.schema.json` in step with the code, and checks
//! documents against it.
//!
//! - every vocabulary in the schema equals the code's `WORDS`, in order, and
//!   allows `x-` custom words exactly where the code does;
//! - every record's and link's properties equal the CSV columns and the fields
//!   the JSON loader accepts, and the required ones are those the loader requires;
//! - the sample, the example of `docs/format.md` and a document using every field
//!   validate; documents the loader rejects for reasons a schema can express are
//!   rejected by the schema too.
//!
//! The validator below is a small one written for this schema (draft 2020-12:
//! `$ref` to `$defs`, `type`, `enum`, `const`, `pattern`, `minLength`, `minimum`,
//! `maximum`, `format: date`, `properties`, `required`, `additionalProperties`,
//! `items`, `anyOf`, `allOf`, `not`, `if`/`then`); it panics on any other keyword
//! or pattern, so the schema cannot silently outgrow it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use tiaokuai::*;

const SCHEMA: &str = include_str!("../../docs/tiaokuai-1.schema.json");
const FORMAT_DOC: &str = include_str!("../../docs/format.md");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("the schema is valid JSON")
}

fn def<'a>(schema: &'a Value, name: &str) -> &'a Value {
    &schema["$defs"][name]
}

// ---------------------------------------------------------------------------
// A validator for the subset of JSON Schema the schema uses

const ANNOTATIONS: &[&str] = &["$schema", "$id", "$comment", "$defs", "title", "description", "examples"];

struct Validator<'s> {
    root: &'s Value,
}

impl Validator<'_> {
    /// The errors of `v` against `schema`, each with the JSON path where it was found.
    fn errors(&self, schema: &Value, v: &Value, path: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.check(schema, v, path, &mut out);
        out
    }

    fn valid(&self, schema: &Value, v: &Value) -> bool {
        self.errors(schema, v, "").is_empty()
    }

    fn check(&self, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
        let s = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => return out.push(format!("{path}: not allowed")),
            Value::Object(s) => s,
            other => panic!("a schema is an object or a boolean, not {other}"),
        };
        for (key, arg) in s {
            match key.as_str() {
                k if ANNOTATIONS.contains(&k) => {}
                "$ref" => {
                    let name = arg.as_str().and_then(|r| r.strip_prefix("#/$defs/")).expect("local $ref");
                    let target = &self.root["$defs"][name];
                    assert!(!target.is_null(), "$ref to a missing definition {name}");
                    self.check(target, v, path, out);
                }
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                        _ => panic!("bad type {arg}"),
                    };
                    if !types.iter().any(|t| has_type(v, t)) {
                        out.push(format!("{path}: {v} is not of type {}", types.join(" or ")));
                    }
                }
                "enum" => {
                    if !arg.as_array().unwrap().contains(v) {
                        out.push(format!("{path}: {v} is not one of {arg}"));
                    }
                }
                "const" => {
                    if arg != v {
                        out.push(format!("{path}: {v} is not {arg}"));
                    }
                }
                "pattern" => {
                    if let Value::String(text) = v
                        && !matches_pattern(arg.as_str().unwrap(), text)
                    {
                        out.push(format!("{path}: {text:?} does not match {arg}"));
                    }
                }
                "format" => {
                    assert_eq!(arg, "date", "only the date format is supported");
                    if let Value::String(text) = v
                        && text.parse::<Date>().is_err()
                    {
                        out.push(format!("{path}: {text:?} is not a date"));
                    }
                }
                "minLength" => {
                    if let Value::String(text) = v
                        && (text.chars().count() as u64) < arg.as_u64().unwrap()
                    {
                        out.push(format!("{path}: {text:?} is too short"));
                    }
                }
                "minimum" | "maximum" => {
                    if let Value::Number(n) = v {
                        let bound = arg.as_u64().expect("integer bounds") as f64;
                        let x = n.as_f64().unwrap();
                        let ok = if key == "minimum" { x >= bound } else { x <= bound };
                        // Exact for integers in u64 range: 4294967296 as f64 is exact.
                        if !ok {
                            out.push(format!("{path}: {n} is out of range ({key} {arg})"));
                        }
                    }
                }
                "required" => {
                    if let Value::Object(o) = v {
                        for name in arg.as_array().unwrap() {
                            if !o.contains_key(name.as_str().unwrap()) {
                                out.push(format!("{path}: missing {name}"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Value::Object(o) = v {
                        for (name, sub) in arg.as_object().unwrap() {
                            if let Some(x) = o.get(name) {
                                self.check(sub, x, &format!("{path}/{name}"), out);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Value::Object(o) = v {
                        let known = s.get("properties").and_then(Value::as_object);
                        for (name, x) in o {
                            if !known.is_some_and(|k| k.contains_key(name)) {
                                let mut sub = Vec::new();
                                self.check(arg, x, &format!("{path}/{name}"), &mut sub);
                                if !sub.is_empty() {
                                    out.push(format!("{path}: unknown property {name:?}"));
                                }
                            }
                        }
                    }
                }
                "items" => {
                    if let Value::Array(a) = v {
                        for (i, x) in a.iter().enumerate() {
                            self.check(arg, x, &format!("{path}/{i}"), out);
                        }
                    }
                }
                "anyOf" => {
                    if !arg.as_array().unwrap().iter().any(|sub| self.valid(sub, v)) {
                        out.push(format!("{path}: {v} matches none of the alternatives"));
                    }
                }
                "allOf" => {
                    for sub in arg.as_array().unwrap() {
                        self.check(sub, v, path, out);
                    }
                }
                "not" => {
                    if self.valid(arg, v) {
                        out.push(format!("{path}: {v} must not match {arg}"));
                    }
                }
                "if" => {
                    let branch = if self.valid(arg, v) { s.get("then") } else { s.get("else") };
                    if let Some(branch) = branch {
                        self.check(branch, v, path, out);
                    }
                }
                "then" | "else" => assert!(s.contains_key("if"), "{key} without if"),
                other => panic!("the test validator does not support the keyword {other:?}; extend it"),
            }
        }
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        // JSON Schema: any number with a zero fractional part is an integer (3.0 too).
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0) || v.is_u64() || v.is_i64(),
        other => panic!("unknown type {other}"),
    }
}

/// The patterns the schema uses, implemented by hand (ECMA-262 semantics: unanchored unless `^`/`$`).
fn matches_pattern(pattern: &str, text: &str) -> bool {
    match pattern {
        // A date of the format's three precisions: YYYY, YYYY-MM, YYYY-MM-DD (shape only).
        "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" => {
            let b = text.as_bytes();
            matches!(b.len(), 4 | 7 | 10)
                && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
        }
        // "x-" and at least one more character of any kind.
        "^x-[\\s\\S]" => text.starts_with("x-") && text.chars().count() > 2,
        other => panic!("the test validator does not know the pattern {other:?}; extend it"),
    }
}

#[track_caller]
fn assert_valid(schema: &Value, doc: &Value) {
    let errors = Validator { root: schema }.errors(schema, doc, "");
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
}

#[track_caller]
fn assert_invalid(schema: &Value, doc: &Value) -> Vec<String> {
    let errors = Validator { root: schema }.errors(schema, doc, "");
    assert!(!errors.is_empty(), "the schema accepts {doc}");
    errors
}

// ---------------------------------------------------------------------------
// In step with the code

/// The built-in words of a vocabulary definition, and whether it allows `x-` words.
fn vocabulary(schema: &Value, name: &str) -> (Vec<String>, bool) {
    let d = def(schema, name);
    let (words, custom) = match d.get("anyOf") {
        Some(alts) => {
            let alts = alts.as_array().unwrap();
            assert_eq!(alts.len(), 2, "{name}: built-in words or a custom word");
            assert_eq!(alts[1], serde_json::json!({"$ref": "#/$defs/custom_word"}), "{name}");
            (&alts[0]["enum"], true)
        }
        None => (&d["enum"], false),
    };
    let words = words.as_array().unwrap_or_else(|| panic!("{name} has an enum")).iter();
    (words.map(|w| w.as_str().unwrap().to_string()).collect(), custom)
}

#[test]
fn vocabularies_equal_the_code() {
    let s = schema();
    let check = |name: &str, words: &[&str], custom: bool| {
        let (schema_words, schema_custom) = vocabulary(&s, name);
        assert_eq!(schema_words, words, "schema $defs/{name} vs the code's WORDS");
        assert_eq!(schema_custom, custom, "$defs/{name}: x- custom words allowed");
    };
    // Whether the code accepts a custom word, asked of the code itself.
    check("territory_kind", TerritoryKind::WORDS, "x-a".parse::<TerritoryKind>().is_ok());
    check("unit_kind", UnitKind::WORDS, "x-a".parse::<UnitKind>().is_ok());
    check("sector", Sector::WORDS, "x-a".parse::<Sector>().is_ok());
    check("link_kind", LinkKind::WORDS, "x-a".parse::<LinkKind>().is_ok());
    check("power", Power::WORDS, "x-a".parse::<Power>().is_ok());
    check("role", Role::WORDS, "x-a".parse::<Role>().is_ok());
    check("matter_list", MatterList::WORDS, "x-a".parse::<MatterList>().is_ok());
    check("item_list", ItemList::WORDS, "x-a".parse::<ItemList>().is_ok());
    check("meeting_kind", tiaokuai::MeetingKind::WORDS, "x-a".parse::<tiaokuai::MeetingKind>().is_ok());
    check("post", Post::WORDS, "x-a".parse::<Post>().is_ok());
    check("band", Band::WORDS, "x-a".parse::<Band>().is_ok());
    check("channel", Channel::WORDS, "x-a".parse::<Channel>().is_ok());
    assert_eq!(("x-a".parse::<Power>().is_ok(), "x-a".parse::<UnitKind>().is_ok()), (false, true));
}

#[test]
fn custom_word_pattern_agrees_with_the_code() {
    let s = schema();
    let v = Validator { root: &s };
    for word in ["x-a", "x-volunteer_team", "x-志愿", "x- ", "x-\n", "x-", "x", "", "y-a", "X-a", " x-a"] {
        let schema_ok = v.valid(def(&s, "unit_kind"), &Value::String(word.into()));
        let code_ok = word.parse::<UnitKind>().is_ok();
        assert_eq!(schema_ok, code_ok, "custom word {word:?}");
    }
}

fn property_names(schema: &Value, def_name: &str) -> BTreeSet<String> {
    let d = def(schema, def_name);
    assert_eq!(d["additionalProperties"], false, "{def_name} has additionalProperties: false");
    d["properties"].as_object().unwrap().keys().cloned().collect()
}

fn required_names(schema: &Value, def_name: &str) -> BTreeSet<String> {
    def(schema, def_name)["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect()
}

fn set(words: &[&str]) -> BTreeSet<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// The fields the JSON loader accepts for a record, read from its own message for an unknown field.
fn loader_fields(array: &str, record: &str) -> BTreeSet<String> {
    let text = format!(r#"{{"format": "tiaokuai/1", "{array}": [{{"zzz_unknown": 1, {record}}}]}}"#);
    let err = Model::from_json(&text).unwrap_err();
    let Error::InvalidField { field, message, .. } = &err else { panic!("unexpected {err}") };
    assert_eq!(field, "zzz_unknown");
    let list = message.strip_prefix("unknown field; expected one of ").unwrap_or_else(|| panic!("{message}"));
    list.split(", ").map(str::to_string).collect()
}

const RECORDS: [(&str, &str, &str); 6] = [
    ("territory", "territories", r#""id": "t", "name": "T", "kind": "city""#),
    ("unit", "units", r#""id": "u", "name": "U", "kind": "enterprise""#),
    ("matter", "matters", r#""id": "m", "name": "M", "list": "basic""#),
    ("item", "items", r#""id": "i", "name": "I", "list": "need""#),
    ("person", "people", r#""id": "p""#),
    ("link", "links", r#""from": "u", "to": "u", "kind": "x-self""#),
];

#[test]
fn record_properties_equal_the_csv_columns_and_the_loader_fields() {
    let s = schema();
    let columns: [&[&str]; 6] = [
        format::TERRITORY_COLUMNS,
        format::UNIT_COLUMNS,
        format::MATTER_COLUMNS,
        format::ITEM_COLUMNS,
        format::PERSON_COLUMNS,
        format::LINK_COLUMNS,
    ];
    for ((def_name, array, minimal), columns) in RECORDS.iter().zip(columns) {
        let props = property_names(&s, def_name);
        assert_eq!(props, set(columns), "schema $defs/{def_name} properties vs the CSV columns of {array}.csv");
        assert_eq!(props, loader_fields(array, minimal), "schema $defs/{def_name} properties vs the JSON loader");
    }
}

#[test]
fn top_level_properties_equal_the_loader_fields() {
    let s = schema();
    let props: BTreeSet<String> = s["properties"].as_object().unwrap().keys().cloned().collect();
    let err = Model::from_json(r#"{"format": "tiaokuai/1", "zzz": 1}"#).unwrap_err();
    let Error::Invalid { message, .. } = &err else { panic!("unexpected {err}") };
    let list = message.split("expected one of ").nth(1).unwrap().split(" (line").next().unwrap();
    assert_eq!(props, list.split(", ").map(str::to_string).collect());
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(s["properties"]["format"]["const"], FORMAT);
}

#[test]
fn required_properties_equal_what_the_loader_requires() {
    let s = schema();
    let full = |def_name: &str| -> Map<String, Value> {
        let (_, _, minimal) = RECORDS.iter().find(|r| r.0 == def_name).unwrap();
        serde_json::from_str(&format!("{{{minimal}}}")).unwrap()
    };
    for (def_name, array, _) in RECORDS {
        let required = required_names(&s, def_name);
        let record = full(def_name);
        for field in record.keys() {
            let mut without = record.clone();
            without.remove(field);
            let mut units = vec![];
            if def_name == "link" {
                units.push(serde_json::json!({"id": "u", "name": "U", "kind": "enterprise"}));
            }
            let mut doc = serde_json::json!({"format": "tiaokuai/1", "units": units});
            doc[array] = Value::Array(vec![Value::Object(without)]);
            let loaded = Model::from_json(&doc.to_string());
            let is_required = matches!(&loaded, Err(Error::InvalidField { field: f, message, .. }) if f == field && message == "is required");
            assert_eq!(is_required, required.contains(field), "{def_name}.{field}: required? loader says {loaded:?}");
        }
        // And the minimal record carries exactly the required fields.
        assert_eq!(record.keys().cloned().collect::<BTreeSet<_>>(), required, "{def_name}");
    }
}

#[test]
fn link_field_rules_match_the_loader() {
    // For every built-in link kind and every kind-specific field: the schema allows the field
    // on the kind exactly when the loader does.
    let s = schema();
    let v = Validator { root: &s };
    let fields = [
        ("primary", serde_json::json!(true)),
        ("power", serde_json::json!("advice")),
        ("role", serde_json::json!("lead")),
        ("scope", serde_json::json!("t")),
        ("members", serde_json::json!(3)),
        ("event", serde_json::json!("merge")),
        ("post", serde_json::json!("secretary")),
        ("band", serde_json::json!("chief")),
        ("grade", serde_json::json!(9)),
        ("channel", serde_json::json!("assigned")),
    ];
    let records = r#""territories": [{"id": "t", "name": "T", "kind": "district"}],
        "units": [{"id": "a", "name": "A", "kind": "department"}, {"id": "b", "name": "B", "kind": "enterprise"}],
        "matters": [{"id": "m", "name": "M", "list": "basic"}],
        "items": [{"id": "i", "name": "I", "list": "project"}, {"id": "j", "name": "J", "list": "need"}],
        "people": [{"id": "p"}]"#;
    let mut kinds: Vec<String> = LinkKind::WORDS.iter().map(|w| w.to_string()).collect();
    kinds.push("x-custom".into());
    for kind in &kinds {
        let (from, to) = match kind.parse::<LinkKind>().unwrap().endpoints() {
            Some((RecordType::Unit, RecordType::Territory)) => ("a", "t"),
            Some((RecordType::Unit, RecordType::Matter)) => ("a", "m"),
            Some((RecordType::Unit, RecordType::Item)) => ("a", "i"),
            Some((RecordType::Item, RecordType::Item)) => ("i", "j"),
            Some((RecordType::Person, RecordType::Unit)) => ("p", "b"),
            _ => ("a", "b"),
        };
        let base = serde_json::json!({"from": from, "to": to, "kind": kind});
        // The required fields of the kind, found by asking the loader.
        let mut link = base.clone();
        for (field, value) in &fields {
            let mut with = base.clone();
            with[field] = value.clone();
            let alone =
                |l: &Value| Model::from_json(&format!(r#"{{"format": "tiaokuai/1", {records}, "links": [{l}]}}"#));
            if alone(&base).is_err() && alone(&with).is_ok() {
                link[field] = value.clone();
            }
        }
        let load = |l: &Value| Model::from_json(&format!(r#"{{"format": "tiaokuai/1", {records}, "links": [{l}]}}"#));
        assert!(load(&link).is_ok(), "{link}: {:?}", load(&link));
        assert!(v.valid(def(&s, "link"), &link), "schema rejects {link}");
        for (field, value) in &fields {
            let mut with = link.clone();
            with[field] = value.clone();
            let code = load(&with).is_ok();
            let schema_ok = v.valid(def(&s, "link"), &with);
            assert_eq!(schema_ok, code, "{kind} with {field}: schema {schema_ok}, loader {code}");
            // A null is an absent field, for both.
            let mut null = link.clone();
            if !link.as_object().unwrap().contains_key(*field) {
                null[field] = Value::Null;
                assert!(load(&null).is_ok() && v.valid(def(&s, "link"), &null), "{kind} with {field}: null");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Documents against the schema

#[test]
fn the_sample_validates() {
    assert_valid(&schema(), &serde_json::from_str(SAMPLE_JSON).unwrap());
    assert_valid(&schema(), &serde_json::from_str(&Model::sample().to_json()).unwrap());
}

/// The ```json blocks of docs/format.md that are whole documents (they start with `{` and hold "format").
fn documented_examples() -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = FORMAT_DOC;
    while let Some(start) = rest.find("```json\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed code block");
        let block = &body[..end];
        if block.trim_start().starts_with('{') && block.contains("\"format\"") {
            out.push(block.to_string());
        }
        rest = &body[end + 3..];
    }
    out
}

#[test]
fn the_documented_examples_load_and_validate() {
    let examples = documented_examples();
    assert!(!examples.is_empty(), "docs/format.md has a complete example document");
    for example in examples {
        let model = Model::from_json(&example).unwrap_or_else(|e| panic!("docs/format.md example: {e}\n{example}"));
        assert_valid(&schema(), &serde_json::from_str(&example).unwrap());
        assert_eq!(Model::from_json(&model.to_json()).unwrap(), model);
    }
}

#[test]
fn a_document_with_every_field_validates() {
    let doc = serde_json::json!({
        "format": "tiaokuai/1",
        "meta": {"name": "x", "as_of": "2024-06-30"},
        "territories": [
            {"id": "d", "name": "宝山区", "kind": "district", "since": "1988-01-01", "until": null, "attrs": {"a": 1}},
            {"id": "s", "name": "街道", "kind": "street", "parent": "d"},
            {"id": "z", "name": "自定义", "kind": "x-zone", "parent": null}
        ],
        "units": [
            {"id": "gw", "name": "党工委", "kind": "party_working_committee", "sector": "party", "located_in": "s",
             "members": 0, "staff": 4294967295_u64, "in_service_members": null, "attrs": {}, "since": "2020-02-29"},
            {"id": "ju", "name": "局", "kind": "department", "sector": "x-other"},
            {"id": "suo", "name": "所", "kind": "x-station"}
        ],
        "matters": [{"id": "m", "name": "事项", "list": "basic", "category": "urban_management", "until": "2030-12-31"}],
        "items": [{"id": "p", "name": "项目", "list": "project"}, {"id": "n", "name": "需求", "list": "need", "attrs": null}],
        "links": [
            {"from": "gw", "to": "suo", "kind": "leads", "primary": false},
            {"from": "ju", "to": "suo", "kind": "dispatches"},
            {"from": "gw", "to": "suo", "kind": "power", "power": "comprehensive"},
            {"from": "ju", "to": "m", "kind": "responsible", "role": "cooperate", "scope": "s"},
            {"from": "suo", "to": "gw", "kind": "registers_with", "members": 12, "since": "2021-01-01", "until": "2021-12-31"},
            {"from": "gw", "to": "s", "kind": "jurisdiction"},
            {"from": "p", "to": "n", "kind": "fulfils", "attrs": {"k": [1, 2]}},
            {"from": "z", "to": "m", "kind": "x-any"}
        ]
    });
    Model::from_json(&doc.to_string()).expect("the loader accepts it");
    assert_valid(&schema(), &doc);
}

/// Documents that both the loader and the schema reject.
#[test]
fn documents_rejected_by_both() {
    let s = schema();
    let unit = |fields: Value| {
        let mut u = serde_json::json!({"id": "u", "name": "U", "kind": "enterprise"});
        for (k, v) in fields.as_object().unwrap() {
            u[k] = v.clone();
        }
        serde_json::json!({"format": "tiaokuai/1", "units": [u, {"id": "v", "name": "V", "kind": "department"}]})
    };
    let link = |l: Value| {
        let mut d = unit(serde_json::json!({}));
        d["matters"] = serde_json::json!([{"id": "m", "name": "M", "list": "basic"}]);
        d["links"] = Value::Array(vec![l]);
        d
    };
    let cases = [
        serde_json::json!({"units": []}),
        serde_json::json!({"format": "tiaokuai/2"}),
        serde_json::json!({"format": 1}),
        serde_json::json!({"format": "tiaokuai/1", "unit": []}),
        serde_json::json!({"format": "tiaokuai/1", "meta": "x"}),
        serde_json::json!({"format": "tiaokuai/1", "units": {"id": "u"}}),
        serde_json::json!({"format": "tiaokuai/1", "units": ["u"]}),
        serde_json::json!({"format": "tiaokuai/1", "territories": [{"id": "t", "name": "T", "kind": "county"}]}),
        serde_json::json!({"format": "tiaokuai/1", "territories": [{"id": "t", "name": "T", "kind": "street", "parnet": "d"}]}),
        serde_json::json!({"format": "tiaokuai/1", "matters": [{"id": "m", "name": "M", "list": "x-extra"}]}),
        serde_json::json!({"format": "tiaokuai/1", "items": [{"id": "i", "name": "I", "list": "wish"}]}),
        unit(serde_json::json!({"kind": "x-"})),
        unit(serde_json::json!({"kind": "company"})),
        unit(serde_json::json!({"sector": "public"})),
        unit(serde_json::json!({"id": ""})),
        unit(serde_json::json!({"name": 42})),
        unit(serde_json::json!({"members": -1})),
        unit(serde_json::json!({"members": 2.5})),
        unit(serde_json::json!({"staff": 4294967296_u64})),
        unit(serde_json::json!({"staff": "4"})),
        unit(serde_json::json!({"staff": true})),
        unit(serde_json::json!({"attrs": [1]})),
        unit(serde_json::json!({"since": "2024-6-1"})),
        unit(serde_json::json!({"since": "2024-0230"})),
        unit(serde_json::json!({"until": 20240601})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "controls"})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "power"})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "power", "power": "veto"})),
        link(serde_json::json!({"from": "v", "to": "m", "kind": "responsible"})),
        link(serde_json::json!({"from": "v", "to": "m", "kind": "responsible", "role": "owner"})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "leads", "role": "lead"})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "guides", "primary": true})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "leads", "primary": "yes"})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "leads", "primray": true})),
        link(serde_json::json!({"from": "v", "to": "u", "kind": "x-mentors", "members": 3})),
        link(serde_json::json!({"from": "v", "to": "u"})),
    ];
    for doc in cases {
        assert!(Model::from_json(&doc.to_string()).is_err(), "the loader accepts {doc}");
        assert_invalid(&s, &doc);
    }
}

/// What only the loader can check: the schema looks at one record at a time.
#[test]
fn documents_only_the_loader_rejects() {
    let s = schema();
    let cases = [
        // duplicate ids, a dangling parent, a parent loop
        r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise"}, {"id": "a", "name": "B", "kind": "enterprise"}]}"#,
        r#"{"format": "tiaokuai/1", "territories": [{"id": "s", "name": "S", "kind": "street", "parent": "d"}]}"#,
        r#"{"format": "tiaokuai/1", "territories": [{"id": "s", "name": "S", "kind": "street", "parent": "s"}]}"#,
        // a link to a record of the wrong type, a dispatches link from an enterprise
        r#"{"format": "tiaokuai/1", "territories": [{"id": "t", "name": "T", "kind": "city"}], "units": [{"id": "a", "name": "A", "kind": "enterprise"}], "links": [{"from": "a", "to": "t", "kind": "leads"}]}"#,
        r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise"}], "links": [{"from": "a", "to": "a", "kind": "dispatches"}]}"#,
        // counts written with a decimal point or an exponent are integers to JSON Schema
        r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": 3.0}]}"#,
        r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": 1e3}]}"#,
        // dates of the right shape that are not dates (the pattern admits three precisions)
        r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "since": "2024-02-30"}]}"#,
        r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "until": "2019-13"}]}"#,
    ];
    for text in cases {
        assert!(Model::from_json(text).is_err(), "the loader accepts {text}");
        assert_valid(&s, &serde_json::from_str(text).unwrap());
    }
}

#[test]
fn meeting_properties_equal_the_csv_columns_and_the_loader_fields() {
    let s = schema();
    let props = property_names(&s, "meeting");
    assert_eq!(props, set(tiaokuai::meetings::MEETING_COLUMNS), "schema $defs/meeting vs meetings.csv");
    let minimal = r#""id": "m", "kind": "hearing", "territory": "t", "date": "2024""#;
    assert_eq!(props, loader_fields("meetings", minimal), "schema $defs/meeting vs the JSON loader");
    assert_eq!(required_names(&s, "meeting"), set(&["id", "kind", "territory", "date"]));
    // The fixture with meetings validates.
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/meetings.json")).unwrap(),
    )
    .unwrap();
    let v = Validator { root: &s };
    assert_eq!(v.errors(&s, &doc, ""), Vec::<String>::new());
    let mut bad = doc.clone();
    bad["meetings"][0]["kind"] = Value::String("hearings".into());
    assert!(!v.valid(&s, &bad));
}
