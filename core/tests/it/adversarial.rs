//! Adversarial and pathological inputs: huge chains, huge fan-outs, dense rings,
//! deep territory trees, deep nesting, huge strings, hostile ids and numbers at
//! the edges of their types, and the input size limit.
//!
//! Each case asserts that loading, the queries, the audit and the exports finish
//! (without recursion deep enough to overflow a stack, without quadratic work)
//! and give the right answer, or that loading fails with a clear error naming
//! the record and field. Times are not asserted; the suite runs them all in a
//! few seconds with the dev profile of the workspace (`opt-level = 2` for this
//! crate).

use std::fmt::Write as _;

use tiaokuai::export::{Subgraph, to_dot};
use tiaokuai::*;

use crate::common;
use common::TempDir;

/// A `tiaokuai/1` document from the JSON text of its arrays (each a comma-separated list of records).
fn doc(territories: &str, units: &str, links: &str) -> String {
    format!(
        "{{\"format\": \"tiaokuai/1\",\n\"territories\": [{territories}],\n\"units\": [{units}],\n\"links\": [{links}]}}"
    )
}

/// Loads a document that must fail and returns the error, checking its kind.
#[track_caller]
fn fails(text: &str, kind: &str) -> Error {
    match Model::from_json(text) {
        Ok(m) => panic!("expected a {kind} error, but the document loaded ({} records)", m.len()),
        Err(e) => {
            assert_eq!(e.kind(), kind, "{e}");
            e
        }
    }
}

/// JSON → model → JSON is byte-identical, and so is JSON → CSV bundle → model → JSON.
#[track_caller]
fn round_trips(model: &Model, tag: &str) -> String {
    let text = model.to_json();
    let again = Model::from_json(&text).unwrap_or_else(|e| panic!("reloading the written JSON: {e}"));
    assert_eq!(again.to_json(), text, "JSON write → load → write");
    let dir = TempDir::new(tag);
    model.write_csv_dir(&dir.0).unwrap();
    let from_csv = Model::from_csv_dir(&dir.0).unwrap_or_else(|e| panic!("reloading the CSV bundle: {e}"));
    assert_eq!(from_csv.to_json(), text, "CSV write → load → JSON write");
    text
}

// ---------------------------------------------------------------------------------------------
// Big shapes

/// A chain of `n` `leads` links: `u{i+1}` leads `u{i}`, written as JSON text.
fn chain_document(n: usize) -> String {
    let mut units = String::with_capacity(n * 48);
    let mut links = String::with_capacity(n * 48);
    for i in 0..=n {
        let kind = if i == n { "party_committee" } else { "party_branch" };
        let sep = if i == 0 { "" } else { ",\n" };
        write!(units, r#"{sep}{{"id":"u{i}","name":"单位{i}","kind":"{kind}"}}"#).unwrap();
    }
    for i in 0..n {
        let sep = if i == 0 { "" } else { ",\n" };
        write!(links, r#"{sep}{{"from":"u{}","to":"u{i}","kind":"leads"}}"#, i + 1).unwrap();
    }
    doc("", &units, &links)
}

#[test]
fn a_million_step_leadership_chain() {
    const N: usize = 1_000_000;
    let text = chain_document(N);
    let model = Model::from_json(&text).unwrap();
    drop(text);
    assert_eq!((model.len(), model.link_count()), (N + 1, N));
    for line in Line::ALL {
        let c = model.chain("u0", line).unwrap();
        assert_eq!(c.steps.len(), N + 1, "{line:?}");
        assert_eq!(c.steps.last().unwrap().id, format!("u{N}"));
        assert_eq!(c.cycle, None);
    }
    let (path, cycle) = leadership_path(&model, model.node("u0").unwrap());
    assert_eq!((path.len(), cycle), (N + 1, false));
    // Nothing in the chain is ambiguous or cyclic: no S001/S002 findings.
    let report = model.audit(&Config::default());
    assert!(!report.findings.iter().any(|f| f.rule == "S001" || f.rule == "S002"), "{:?}", report.summary);
}

#[test]
fn one_unit_leading_a_million_branches() {
    const N: usize = 1_000_000;
    let mut units = String::from(r#"{"id":"hub","name":"中共某区委","kind":"party_committee","sector":"party"}"#);
    let mut links = String::with_capacity(N * 48);
    for i in 0..N {
        write!(units, r#",{{"id":"b{i}","name":"支部{i}","kind":"party_branch","sector":"party"}}"#).unwrap();
        let sep = if i == 0 { "" } else { ",\n" };
        write!(links, r#"{sep}{{"from":"hub","to":"b{i}","kind":"leads"}}"#).unwrap();
    }
    let model = Model::from_json(&doc("", &units, &links)).unwrap();
    let hub = model.node("hub").unwrap();
    assert_eq!(model.out_degree(hub, &LinkKind::Leads), N);
    assert_eq!(model.links_from(hub, &LinkKind::Leads).count(), N);

    let leaf = model.chain("b654321", Line::Leadership).unwrap();
    assert_eq!(leaf.ids().collect::<Vec<_>>(), ["b654321", "hub"]);
    let top = model.chain("hub", Line::All).unwrap();
    assert_eq!(top.steps.len(), 1);

    let report = model.audit(&Config::default());
    assert!(!report.findings.iter().any(|f| f.rule == "S001" || f.rule == "S002"));

    // DOT around the leaf and around the hub: the chain's units only, not the million branches.
    for id in ["b654321", "hub"] {
        let part = Subgraph::focus(&model, id).unwrap();
        assert!(part.nodes.len() <= 2, "{id}: {} nodes", part.nodes.len());
        let dot = to_dot(&model, &part);
        assert!(dot.starts_with("digraph") && dot.contains("中共某区委"), "{dot}");
    }
}

#[test]
fn a_ring_where_every_unit_leads_every_other() {
    const N: usize = 300;
    let mut units = String::new();
    let mut links = String::with_capacity(N * N * 40);
    for i in 0..N {
        let sep = if i == 0 { "" } else { "," };
        write!(units, r#"{sep}{{"id":"r{i}","name":"环{i}","kind":"party_committee","sector":"party"}}"#).unwrap();
        for j in (0..N).filter(|&j| j != i) {
            let sep = if links.is_empty() { "" } else { ",\n" };
            write!(links, r#"{sep}{{"from":"r{i}","to":"r{j}","kind":"leads"}}"#).unwrap();
        }
    }
    let model = Model::from_json(&doc("", &units, &links)).unwrap();
    assert_eq!(model.link_count(), N * (N - 1));
    for line in Line::ALL {
        let c = model.chain("r0", line).unwrap();
        let cycle = c.cycle.as_ref().unwrap_or_else(|| panic!("{line:?}: a cycle is reported"));
        assert_eq!(cycle.first(), cycle.last());
        assert!(c.steps.len() <= N, "{line:?}: the walk stops at the first repeat");
    }
    let chain = model.chain("r0", Line::Leadership).unwrap();
    // At r0 the first leader in document order (r1) is followed; the other 298 are branches.
    assert_eq!(chain.ids().collect::<Vec<_>>(), ["r0", "r1"]);
    let cycle: Vec<String> = chain.cycle.iter().flatten().map(|id| id.to_string()).collect();
    assert_eq!(cycle, ["r0", "r1", "r0"]);
    assert!(chain.ambiguous.iter().any(|id| *id == "r0"));

    let report = model.audit(&Config::default());
    let s001: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == "S001").collect();
    assert_eq!(s001.len(), 1, "one strongly connected component, one S001 finding");
    let s002 = report.findings.iter().filter(|f| f.rule == "S002").count();
    assert_eq!(s002, N, "every unit has 299 leaders and no primary");
    let part = Subgraph::focus(&model, "r0").unwrap();
    assert!(!to_dot(&model, &part).is_empty());
}

#[test]
fn a_hundred_thousand_territories_in_one_parent_chain() {
    const N: usize = 100_000;
    let kinds = ["city", "district", "street", "community"];
    let mut territories = String::with_capacity(N * 64);
    for i in 0..N {
        let kind = kinds.get(i).copied().unwrap_or("grid");
        let sep = if i == 0 { "" } else { ",\n" };
        let parent = if i == 0 { String::new() } else { format!(r#","parent":"t{}""#, i - 1) };
        write!(territories, r#"{sep}{{"id":"t{i}","name":"地{i}","kind":"{kind}"{parent}}}"#).unwrap();
    }
    let deepest = format!("t{}", N - 1);
    let units = format!(
        r#"{{"id":"gw","name":"街道党工委","kind":"party_working_committee","sector":"party","located_in":"t2"}},
           {{"id":"jw","name":"居委会","kind":"residents_committee","sector":"self_governance","located_in":"{deepest}"}},
           {{"id":"firm","name":"企业","kind":"enterprise","sector":"private","located_in":"{deepest}","staff":10}}"#
    );
    let links = format!(
        r#"{{"from":"gw","to":"t2","kind":"jurisdiction"}},{{"from":"jw","to":"{deepest}","kind":"jurisdiction"}}"#
    );
    let model = Model::from_json(&doc(&territories, &units, &links)).unwrap();
    let bottom = model.node(&deepest).unwrap();
    assert_eq!(model.ancestors(bottom).count(), N);
    assert_eq!(model.level(bottom), Some(Level::Grid));

    let r = model.responsible_for(&deepest).unwrap();
    assert_eq!(r.blocks.len(), N);
    assert_eq!(r.blocks[0].holders[0].id, "jw");

    let metrics = model.metrics(&Config::default());
    assert!(!metrics.areas(Level::Street).is_empty());
    let report = model.audit(&Config::default());
    assert!(!report.findings.is_empty(), "the firm without a Party organisation is a finding");
    let part = Subgraph::focus(&model, &deepest).unwrap();
    assert_eq!(part.nodes.iter().filter(|&&n| model.territory(n).is_some()).count(), N);
}

// ---------------------------------------------------------------------------------------------
// Deep nesting

/// An attrs value nested `depth` arrays deep.
fn deep_attrs(depth: usize) -> String {
    format!(r#"{{"x":{}{}}}"#, "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn attrs_nested_ten_thousand_deep_are_refused_when_loading() {
    let units = format!(r#"{{"id":"a","name":"A","kind":"enterprise","attrs":{}}}"#, deep_attrs(10_000));
    let err = fails(&doc("", &units, ""), "syntax");
    assert!(err.to_string().contains("nest more than 127 levels deep"), "{err}");
    // meta too.
    let text = format!(r#"{{"format": "tiaokuai/1", "meta": {}}}"#, deep_attrs(10_000));
    assert!(fails(&text, "syntax").to_string().contains("nest more than 127 levels deep"));
}

#[test]
fn attrs_nested_ten_thousand_deep_are_refused_by_the_builder_api() {
    let err = Attrs::from_json(&deep_attrs(10_000)).unwrap_err();
    assert_eq!(err, ATTRS_TOO_DEEP);
    // The limit is the loader's, less the three levels around attrs in a document:
    // whatever the builder accepts, the loader reads back.
    let ok = Attrs::from_json(&deep_attrs(123)).unwrap();
    assert!(Attrs::from_json(&deep_attrs(124)).is_err());
    let mut b = Model::builder();
    b.unit(UnitSpec::new("a", "A", UnitKind::Enterprise).attrs(ok.clone())).unwrap();
    let mut link = LinkSpec::new("a", "a", LinkKind::Leads);
    link.attrs = Some(ok.clone());
    b.link(link).unwrap();
    b.meta(Attrs::from_json(&deep_attrs(123)).unwrap());
    let model = b.build().unwrap();
    assert_eq!(Model::from_json(&model.to_json()).unwrap(), model);
    let dir = TempDir::new("deep-ok");
    model.write_csv_dir(&dir.0).unwrap();
    assert_eq!(Model::from_csv_dir(&dir.0).unwrap(), model);
    // A CSV cell one level deeper is refused (it would make a JSON document that does not load).
    std::fs::write(
        dir.0.join("units.csv"),
        format!("id,name,kind,attrs\na,A,enterprise,\"{}\"\n", deep_attrs(124).replace('"', "\"\"")),
    )
    .unwrap();
    let err = Model::from_csv_dir(&dir.0).unwrap_err();
    assert_eq!(err.to_string(), format!(r#"units.csv line 2 (id "a"): field "attrs": {ATTRS_TOO_DEEP}"#));

    // Attrs made from a map are checked by the builder, which names the record and the field.
    // `from_map` itself writes without recursion, so even 10,000 levels are safe there.
    let mut value = serde_json::Value::Null;
    for _ in 0..10_000 {
        value = serde_json::Value::Array(vec![value]);
    }
    let mut map = serde_json::Map::new();
    map.insert("x".into(), value);
    let attrs = Attrs::from_map(&map);
    let text = attrs.as_json().to_string();
    // Reading it back as a map does not recurse without bound either: what is too deep stays text.
    assert!(matches!(attrs.get("x"), Some(serde_json::Value::Array(_))));
    assert_eq!(text, format!(r#"{{"x":{}null{}}}"#, "[".repeat(10_000), "]".repeat(10_000)));
    // (serde_json drops a value recursively: give it room.)
    std::thread::Builder::new().stack_size(256 << 20).spawn(move || drop(map)).unwrap().join().unwrap();

    let mut value = serde_json::Value::Null;
    for _ in 0..200 {
        value = serde_json::Value::Array(vec![value]);
    }
    let mut map = serde_json::Map::new();
    map.insert("x".into(), value);
    let deep = Attrs::from_map(&map);
    let mut b = Model::builder();
    b.unit(UnitSpec::new("a", "A", UnitKind::Enterprise)).unwrap();
    let err = b.unit(UnitSpec::new("b", "B", UnitKind::Enterprise).attrs(deep.clone())).unwrap_err();
    assert_eq!(err.to_string(), format!(r#"units[1] (id "b"): field "attrs": {ATTRS_TOO_DEEP}"#));
    assert_eq!((err.kind(), err.field(), err.id()), ("invalid_field", Some("attrs"), Some("b")));
    let err = b.territory(TerritorySpec::new("t", "T", TerritoryKind::City).attrs(deep.clone())).unwrap_err();
    assert_eq!(err.position().map(|p| p.to_string()).as_deref(), Some(r#"territories[0] (id "t")"#));
    let mut spec = LinkSpec::new("a", "a", LinkKind::Leads);
    spec.attrs = Some(deep.clone());
    let err = b.link(spec).unwrap_err();
    assert_eq!(err.to_string(), format!(r#"links[0] (from "a"): field "attrs": {ATTRS_TOO_DEEP}"#));
    b.meta(deep);
    let err = b.build().unwrap_err();
    assert_eq!(err.to_string(), format!(r#"document: field "meta": {META_TOO_DEEP}"#));
}

const ATTRS_TOO_DEEP: &str = "recursion limit exceeded: arrays and objects nest more than 124 levels deep in attrs \
     (127 in a whole document, counting the levels around attrs)";
const META_TOO_DEEP: &str = "recursion limit exceeded: arrays and objects nest more than 126 levels deep in meta \
     (127 in a whole document, counting the levels around meta)";
const DOCUMENT_TOO_DEEP: &str = "recursion limit exceeded: arrays and objects nest more than 127 levels deep";

#[test]
fn deep_nesting_in_a_csv_bundle_is_refused() {
    let dir = TempDir::new("deep-csv");
    std::fs::write(dir.0.join("units.csv"), "id,name,kind\na,A,enterprise\n").unwrap();
    std::fs::write(dir.0.join("meta.json"), deep_attrs(10_000)).unwrap();
    let err = Model::from_csv_dir(&dir.0).unwrap_err();
    assert_eq!(err.to_string(), format!(r#"meta.json: field "meta": invalid JSON: {DOCUMENT_TOO_DEEP}"#));
}

// ---------------------------------------------------------------------------------------------
// Huge strings and hostile text

#[test]
fn a_fifty_megabyte_name_round_trips_byte_identical() {
    let piece = "名字🙂\u{202e}\"\\\n";
    let name = piece.repeat((50 << 20) / piece.len() + 1);
    assert!(name.len() > 50 << 20);
    let mut b = Model::builder();
    b.territory(TerritorySpec::new("t", name.clone(), TerritoryKind::City)).unwrap();
    let model = b.build().unwrap();
    let text = round_trips(&model, "big-name");
    let back = Model::from_json(&text).unwrap();
    assert!(back.get("t").unwrap().name() == name, "the name survives");
    // The same name written by hand, unescaped where JSON allows it.
    let plain = "名字🙂".repeat((50 << 20) / 10 + 1);
    let text = doc(&format!(r#"{{"id":"t","name":{},"kind":"city"}}"#, serde_json::to_string(&plain).unwrap()), "", "");
    assert!(Model::from_json(&text).unwrap().get("t").unwrap().name() == plain);
}

/// Ids a careless system would mangle: NUL, bidi overrides, combining marks, emoji, lookalikes.
const HOSTILE_IDS: [&str; 10] = [
    "nul\u{0}inside",
    "\u{202e}evil\u{202c}",
    "e\u{301}\u{301}\u{301}",
    "é",
    "e\u{301}",
    "🏢\u{200d}🔥",
    " leading and trailing ",
    "comma,\"quote\"\nnewline",
    "\u{feff}bom",
    "\u{2028}\u{2029}\u{85}",
];

#[test]
fn hostile_ids_load_and_round_trip_through_json_and_csv() {
    let mut b = Model::builder();
    b.territory(TerritorySpec::new("root", "Root", TerritoryKind::City)).unwrap();
    for (i, id) in HOSTILE_IDS.iter().enumerate() {
        b.unit(UnitSpec::new(*id, format!("名{i}{id}"), UnitKind::PartyBranch).located_in("root")).unwrap();
    }
    for pair in HOSTILE_IDS.windows(2) {
        b.link(LinkSpec::new(pair[1], pair[0], LinkKind::Leads)).unwrap();
    }
    let model = b.build().unwrap();
    // "é" and "e\u{301}" are different ids: no normalisation.
    assert_ne!(model.node("é"), model.node("e\u{301}"));
    let text = round_trips(&model, "hostile-ids");
    let back = Model::from_json(&text).unwrap();
    assert_eq!(back, model);
    for id in HOSTILE_IDS {
        assert_eq!(back.get(id).map(RecordRef::id), Some(id));
    }
    let c = back.chain(HOSTILE_IDS[0], Line::Leadership).unwrap();
    assert_eq!(c.ids().collect::<Vec<_>>(), HOSTILE_IDS);
    // And by hand: escapes in the document give the same ids.
    let text = doc("", r#"{"id":"a\u0000b\u202e\ud83c\udfe2","name":"x","kind":"enterprise"}"#, "");
    assert!(Model::from_json(&text).unwrap().contains("a\u{0}b\u{202e}🏢"));
}

#[test]
fn lone_surrogates_are_a_clear_error() {
    let err = fails(&doc("", r#"{"id":"a\ud800","name":"x","kind":"enterprise"}"#, ""), "invalid_field");
    assert_eq!(err.position().map(|p| p.to_string()).as_deref(), Some("units[0]"));
    assert_eq!(err.field(), Some("id"), "{err}");
    assert!(err.to_string().contains("surrogate"), "{err}");
    let err = fails(&doc("", r#"{"id":"a","name":"\udc00x","kind":"enterprise"}"#, ""), "invalid_field");
    assert_eq!((err.field(), err.id()), (Some("name"), Some("a")), "{err}");
    let err = fails(
        &doc("", r#"{"id":"a","name":"x","kind":"enterprise"}"#, r#"{"from":"a\udbff","to":"a","kind":"leads"}"#),
        "invalid_field",
    );
    assert_eq!(err.field(), Some("from"), "{err}");
    // In attrs (kept as text, never decoded on loading) a lone surrogate is refused too:
    // Rust strings cannot hold one, so `Attrs::get` and the bindings could not show it.
    let err =
        fails(&doc("", r#"{"id":"a","name":"x","kind":"enterprise","attrs":{"k":"\ud800"}}"#, ""), "invalid_field");
    assert_eq!(err.to_string(), r#"units[0] (id "a"): field "attrs": invalid unicode escape \ud800: a lone surrogate"#);
    let err = fails(&doc("", r#"{"id":"a","name":"x","kind":"enterprise","attrs":{"\udfff":1}}"#, ""), "invalid_field");
    assert_eq!(err.field(), Some("attrs"));
    let text = r#"{"format": "tiaokuai/1", "meta": {"k": "\ud83d\u0041"}}"#;
    assert_eq!(fails(text, "invalid_field").field(), Some("meta"));
    // A proper pair is kept verbatim.
    let ok = doc("", r#"{"id":"a","name":"x","kind":"enterprise","attrs":{"k":"\ud83d\ude00"}}"#, "");
    let model = Model::from_json(&ok).unwrap();
    assert_eq!(model.get("a").unwrap().attrs().unwrap().as_json(), r#"{"k":"\ud83d\ude00"}"#);
    assert_eq!(model.get("a").unwrap().attrs().unwrap().get("k"), Some(serde_json::json!("😀")));
    assert_eq!(Attrs::from_json(r#"{"k":"\uD800"}"#).unwrap_err(), r"invalid unicode escape \uD800: a lone surrogate");
}

// ---------------------------------------------------------------------------------------------
// Numbers at the edges

#[test]
fn counts_past_their_range_name_record_field_and_value() {
    let cases = [
        ("18446744073709551615", "larger than 4294967295"),
        ("18446744073709551616", "larger than 4294967295"),
        ("4294967296", "larger than 4294967295"),
        ("-1", "must not be negative"),
        ("-0.5", "must not be negative"),
        ("1e400", "larger than 4294967295"),
        ("-1e400", "must not be negative"),
        ("1.5", "must be a whole number"),
        ("1.0", "must be written as a whole number, without a decimal point or exponent"),
        ("\"3\"", "must be a number"),
    ];
    for (value, reason) in cases {
        for field in ["members", "staff", "in_service_members"] {
            let units = format!(
                r#"{{"id":"u","name":"U","kind":"enterprise"}},{{"id":"a","name":"A","kind":"enterprise","{field}":{value}}}"#
            );
            let err = fails(&doc("", &units, ""), "invalid_count");
            // The value exactly as written, quotes included.
            let shown = value;
            assert_eq!(
                err.to_string(),
                format!(r#"units[1] (id "a"): field "{field}": {shown} is not a valid count: {reason}"#)
            );
            assert_eq!((err.field(), err.id()), (Some(field), Some("a")));
        }
        let units = r#"{"id":"u","name":"U","kind":"party_branch"},{"id":"v","name":"V","kind":"party_branch"}"#;
        let link = format!(r#"{{"from":"u","to":"v","kind":"registers_with","members":{value}}}"#);
        let err = fails(&doc("", units, &link), "invalid_count");
        assert!(err.to_string().starts_with(r#"links[0] (from "u"): field "members": "#), "{err}");
        // The same in a CSV bundle (cells are text, quoted in the message; "3" is a fine cell).
        if value.starts_with('"') {
            continue;
        }
        let dir = TempDir::new("csv-count");
        let cell = value.trim_matches('"');
        std::fs::write(dir.0.join("units.csv"), format!("id,name,kind,members\na,A,enterprise,{cell}\n")).unwrap();
        let err = Model::from_csv_dir(&dir.0).unwrap_err();
        assert_eq!(err.kind(), "invalid_count", "{err}");
        assert!(err.to_string().starts_with(&format!(r#"units.csv line 2 (id "a"): field "members": "{cell}""#)));
    }
    // The largest count loads.
    let units = r#"{"id":"a","name":"A","kind":"enterprise","members":4294967295}"#;
    let model = Model::from_json(&doc("", units, "")).unwrap();
    assert_eq!(model.unit(model.node("a").unwrap()).unwrap().members(), Some(u32::MAX));
}

#[test]
fn numbers_in_attrs_keep_their_exact_text() {
    let attrs = r#"{"max":18446744073709551615,"over":18446744073709551616,"neg":-1,"huge":1e400,"tiny":-1e-400,"half":1.5,"zero":-0.0,"long":3.14159265358979323846264338327950288}"#;
    let units = format!(r#"{{"id":"a","name":"A","kind":"enterprise","attrs":{attrs}}}"#);
    let model = Model::from_json(&doc("", &units, "")).unwrap();
    let a = model.get("a").unwrap().attrs().unwrap();
    assert_eq!(a.as_json(), attrs);
    assert!(model.to_json().contains(attrs));
    let text = round_trips(&model, "attrs-numbers");
    assert!(text.contains(attrs));
    // Values serde_json can hold are readable one by one even next to ones it cannot (1e400).
    assert_eq!(a.get("neg"), Some(serde_json::json!(-1)));
    assert_eq!(a.get("max"), Some(serde_json::json!(u64::MAX)));
    assert_eq!(a.get("half"), Some(serde_json::json!(1.5)));
}

#[test]
fn csv_extra_columns_keep_the_attrs_column_exact() {
    // Extra columns are merged into attrs as strings; the attrs column's numbers keep their text
    // (they used to go through serde_json's Value: 2^64 became a float, and 1e400 emptied the attrs).
    let dir = TempDir::new("csv-extra");
    // (A column named like one of the row's attrs keys is an error, see csv_strict.rs.)
    let attrs = r#"{"big":18446744073709551616,"huge":1e400,"n":[1.50,-0]}"#;
    let cell = attrs.replace('"', "\"\"");
    std::fs::write(
        dir.0.join("units.csv"),
        format!("id,name,kind,attrs,phone,floor\na,A,enterprise,\"{cell}\",021-5555,3\n"),
    )
    .unwrap();
    let model = Model::from_csv_dir(&dir.0).unwrap();
    let got = model.get("a").unwrap().attrs().unwrap();
    assert_eq!(
        got.as_json(),
        r#"{"big":18446744073709551616,"huge":1e400,"n":[1.50,-0],"phone":"021-5555","floor":"3"}"#
    );
    assert_eq!(got.get("floor"), Some(serde_json::json!("3")));
    // 1e400 does not fit serde_json's Value: `get` gives its text rather than nothing.
    assert_eq!(got.get("huge"), Some(serde_json::json!("1e400")));
    round_trips(&model, "csv-extra");
}

// ---------------------------------------------------------------------------------------------
// The size limit

#[test]
fn the_size_limit_applies_to_json_and_csv_alike() {
    let model = Model::sample();
    let dir = TempDir::new("limit");
    let file = dir.0.join("model.json");
    model.save(&file).unwrap();
    let size = std::fs::metadata(&file).unwrap().len();
    let limit = LoadOptions::default().max_bytes(size - 1);
    let err = Model::load_with(&file, &limit).unwrap_err();
    assert_eq!(err, Error::TooLarge { size, limit: size - 1 });
    assert_eq!(err.kind(), "too_large");
    assert_eq!(Model::load_with(&file, &LoadOptions::default().max_bytes(size)).unwrap(), model);
    let bytes = std::fs::read(&file).unwrap();
    assert!(matches!(Model::from_json_bytes_with(&bytes, &limit), Err(Error::TooLarge { .. })));

    let bundle = dir.0.join("bundle");
    model.write_csv_dir(&bundle).unwrap();
    let total: u64 = std::fs::read_dir(&bundle).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    let err = Model::load_with(&bundle, &LoadOptions::default().max_bytes(total - 1)).unwrap_err();
    assert_eq!(err.kind(), "too_large", "{err}");
    assert!(matches!(err, Error::TooLarge { limit, .. } if limit == total - 1));
    assert_eq!(Model::load_with(&bundle, &LoadOptions::default().max_bytes(total)).unwrap(), model);
    // meta.json counts too.
    let meta = std::fs::metadata(bundle.join("meta.json")).unwrap().len();
    assert!(meta > 0);
    let err = Model::from_csv_dir_with(&bundle, &LoadOptions::default().max_bytes(total - meta)).unwrap_err();
    assert_eq!(err.kind(), "too_large", "{err}");
    // A tiny limit stops before reading a big file: the error gives the file's size.
    let err = Model::load_with(&file, &LoadOptions::default().max_bytes(10)).unwrap_err();
    assert_eq!(err, Error::TooLarge { size, limit: 10 });
}
