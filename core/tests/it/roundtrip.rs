//! Round trips: `tiaokuai/1` JSON and CSV bundles lose nothing.
//!
//! - write → load → write gives byte-identical JSON; load → write → load gives an equal model;
//! - loading then writing a document gives the same document (same JSON value), attrs and meta verbatim;
//! - the same through CSV bundles;
//! - all of it on the embedded sample, on a handcrafted document using every field, and on
//!   random valid models (proptest).

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value;
use tiaokuai::*;

/// A document that uses every field of every record type and every link kind,
/// custom kinds, attrs with big numbers, unicode, escapes and nesting, and dates.
const EVERY_FIELD: &str = r#"{
  "format": "tiaokuai/1",
  "meta": {"name": "每个字段 every field", "as_of": "2024-06-30", "big": 123456789012345678901234567890, "z": 1, "a": [true, null, -0.5e-3]},
  "territories": [
    {"id": "31", "name": "上海市", "kind": "city", "attrs": {"source": "NBS 2023 统计用区划代码"}},
    {"id": "310113", "name": "宝山区", "kind": "district", "parent": "31", "since": "1988-01-01"},
    {"id": "310113003", "name": "友谊路街道", "kind": "street", "parent": "310113", "since": "2000-02-29", "until": "9999-12-31"},
    {"id": "yyl-c01", "name": "\"引号\" & 逗号, 居民区", "kind": "community", "parent": "310113003", "attrs": {"households": 620, "big": -98765432109876543210987654321, "ratio": 1.0e400, "nested": {"a": [1, [2, {"b": "\u00e9\n\t\"\\"}]], "empty": {}}}},
    {"id": "yyl-g01", "name": "网格 1\nline two", "kind": "grid", "parent": "yyl-c01"},
    {"id": "bldg-1", "name": "🏢 Tower", "kind": "building", "parent": "yyl-g01"},
    {"id": "x-1", "name": "志愿服务区", "kind": "x-volunteer_zone", "parent": "310113003", "attrs": {}}
  ],
  "units": [
    {"id": "sw", "name": "中共上海市委", "kind": "party_committee", "sector": "party"},
    {"id": "bs-dw", "name": "中共宝山区委", "kind": "party_committee", "sector": "party", "members": 0},
    {"id": "yyl-gw", "name": "友谊路街道党工委", "kind": "party_working_committee", "sector": "party", "located_in": "310113003"},
    {"id": "yyl-ban", "name": "友谊路街道办事处", "kind": "government", "sector": "government", "located_in": "310113003", "staff": 4294967295},
    {"id": "bs-scjgj", "name": "宝山区市场监管局", "kind": "department", "sector": "government", "staff": 300},
    {"id": "yyl-scjgs", "name": "友谊路市场监管所", "kind": "dispatched_agency", "sector": "government", "located_in": "310113003"},
    {"id": "c01-dzb", "name": "第一居民区党总支", "kind": "party_general_branch", "sector": "party", "located_in": "yyl-c01", "members": 87, "in_service_members": 12, "since": "2019-03-01", "until": "2029-02-28"},
    {"id": "c01-jwh", "name": "第一居委会", "kind": "residents_committee", "sector": "self_governance", "located_in": "yyl-c01", "attrs": {"term": "2021-2026"}},
    {"id": "acme", "name": "某科技有限公司", "kind": "enterprise", "sector": "private", "located_in": "bldg-1", "members": 2, "staff": 45, "in_service_members": 1},
    {"id": "lh-zb", "name": "楼宇联合党支部", "kind": "joint_party_branch", "sector": "party", "located_in": "bldg-1", "members": 9},
    {"id": "union", "name": "楼宇工会", "kind": "mass_organization", "sector": "mass"},
    {"id": "lxh", "name": "党建联席会议", "kind": "joint_meeting"},
    {"id": "vol", "name": "志愿者队", "kind": "x-volunteer_team", "sector": "x-volunteer"}
  ],
  "matters": [
    {"id": "illegal-construction", "name": "违法建筑治理", "list": "cooperating", "category": "urban_management"},
    {"id": "garbage", "name": "垃圾分类", "list": "basic", "since": "2019-07-01"},
    {"id": "investment", "name": "招商引资", "list": "recalled", "category": "investment_attraction", "attrs": {"note": "取消"}}
  ],
  "items": [
    {"id": "need-eldercare", "name": "老年助餐", "list": "need"},
    {"id": "res-canteen", "name": "企业食堂", "list": "resource", "attrs": {"seats": 80}},
    {"id": "proj-meals", "name": "助餐点", "list": "project", "until": "2025-12-31"}
  ],
  "people": [
    {"id": "p-0001", "name": "张三", "since": "1970", "attrs": {"gender": "f"}},
    {"id": "p-0002"}
  ],
  "links": [
    {"from": "sw", "to": "bs-dw", "kind": "leads"},
    {"from": "bs-dw", "to": "yyl-gw", "kind": "leads", "primary": true},
    {"from": "bs-scjgj", "to": "yyl-scjgs", "kind": "leads", "primary": false},
    {"from": "yyl-gw", "to": "yyl-scjgs", "kind": "leads", "primary": true, "since": "2015-01-01"},
    {"from": "bs-scjgj", "to": "yyl-ban", "kind": "guides"},
    {"from": "bs-scjgj", "to": "yyl-scjgs", "kind": "dispatches"},
    {"from": "lh-zb", "to": "acme", "kind": "party_org_of"},
    {"from": "c01-dzb", "to": "c01-jwh", "kind": "instructs", "attrs": {"instructor": "王某"}},
    {"from": "union", "to": "acme", "kind": "mass_org_of"},
    {"from": "lh-zb", "to": "c01-dzb", "kind": "registers_with", "members": 9, "since": "2020-01-01", "until": "2024-12-31"},
    {"from": "c01-dzb", "to": "lh-zb", "kind": "reports_back"},
    {"from": "lh-zb", "to": "lxh", "kind": "member_of"},
    {"from": "yyl-gw", "to": "310113003", "kind": "jurisdiction"},
    {"from": "c01-dzb", "to": "yyl-c01", "kind": "jurisdiction"},
    {"from": "yyl-gw", "to": "yyl-scjgs", "kind": "power", "power": "assessment"},
    {"from": "yyl-gw", "to": "yyl-scjgs", "kind": "power", "power": "consent", "attrs": {"since_reform": "1+6"}},
    {"from": "bs-scjgj", "to": "illegal-construction", "kind": "responsible", "role": "lead", "scope": "310113003"},
    {"from": "yyl-ban", "to": "illegal-construction", "kind": "responsible", "role": "cooperate"},
    {"from": "bs-dw", "to": "garbage", "kind": "responsible", "role": "supervise", "scope": "310113"},
    {"from": "c01-jwh", "to": "need-eldercare", "kind": "raises"},
    {"from": "acme", "to": "res-canteen", "kind": "offers"},
    {"from": "proj-meals", "to": "need-eldercare", "kind": "fulfils"},
    {"from": "proj-meals", "to": "res-canteen", "kind": "uses"},
    {"from": "c01-dzb", "to": "proj-meals", "kind": "undertakes"},
    {"from": "yyl-g01", "to": "bldg-1", "kind": "succeeded_by", "event": "recode", "since": "2019"},
    {"from": "vol", "to": "need-eldercare", "kind": "x-volunteers_for", "attrs": {"hours": 12}},
    {"from": "x-1", "to": "garbage", "kind": "x-pilot"},
    {"from": "vol", "to": "yyl-scjgs", "kind": "dispatches"},
    {"from": "p-0001", "to": "c01-dzb", "kind": "holds", "post": "secretary", "band": "chief", "grade": 12, "channel": "grassroots", "since": "2021-01-01", "until": "2025-12-31"}
  ]
}
"#;

fn value(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// A fresh temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tiaokuai-roundtrip-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every round trip a model must survive; returns its JSON text.
#[track_caller]
fn assert_round_trips(model: &Model, tag: &str) -> String {
    // JSON: write → load → write is byte-identical, and the models are equal.
    let text = model.to_json();
    let again = Model::from_json(&text).unwrap_or_else(|e| panic!("reloading the written JSON: {e}\n{text}"));
    assert_eq!(&again, model, "JSON load of the written model");
    assert_eq!(again.to_json(), text, "JSON write → load → write");
    // write_json to a writer gives the same bytes as to_json.
    let mut bytes = Vec::new();
    model.write_json(&mut bytes).unwrap();
    assert_eq!(bytes, text.as_bytes());

    // Model image: write → load gives an equal model, hence byte-identical JSON; writing the
    // loaded model gives the same image (its layout is deterministic).
    let image = model.to_image();
    let from_image = Model::from_image(&image).unwrap_or_else(|e| panic!("reloading the written image: {e}"));
    assert_eq!(&from_image, model, "image load of the written model");
    assert_eq!(from_image.to_json(), text, "image write → load → JSON write");
    assert_eq!(from_image.to_image(), image, "image write → load → image write");
    assert_eq!(Model::from_image(&again.to_image()).as_ref(), Ok(model), "JSON → image → model");

    // CSV bundle: write → load gives an equal model, hence the same JSON.
    let dir = TempDir::new(tag);
    model.write_csv_dir(&dir.0).unwrap();
    let from_csv = Model::from_csv_dir(&dir.0).unwrap_or_else(|e| panic!("reloading the written CSV bundle: {e}"));
    assert_eq!(&from_csv, model, "CSV load of the written bundle");
    assert_eq!(from_csv.to_json(), text, "CSV write → load → JSON write");
    spreadsheet_round_trips(model, &dir.0, tag);
    if tag != "prop" {
        // Writing the same model over an existing bundle changes nothing (skipped for random
        // models to keep the suite fast: each file is written with an fsync).
        let first: Vec<Vec<u8>> = bundle_files(&dir.0);
        from_csv.write_csv_dir(&dir.0).unwrap();
        assert_eq!(bundle_files(&dir.0), first, "CSV write is deterministic");
    }
    text
}

/// What spreadsheet users hand back (issue #17): the bundle `dir` of `model` with a UTF-8
/// byte-order mark (as written for Excel), the same files in GB18030 with and without
/// GB18030's mark, and the model as an .xlsx bundle, all load as `model`; and an .xlsx
/// bundle written from the loaded one loads as `model` again.
#[track_caller]
fn spreadsheet_round_trips(model: &Model, dir: &std::path::Path, tag: &str) {
    use tiaokuai::format::{BundleOptions, Encoding};
    let bom = TempDir::new(&format!("{tag}-bom"));
    model.write_csv_dir_with(&bom.0, &BundleOptions::default().bom(true)).unwrap();
    assert!(std::fs::read(bom.0.join("links.csv")).unwrap().starts_with(b"\xEF\xBB\xBF"));
    let back = Model::from_csv_dir(&bom.0).unwrap_or_else(|e| panic!("reloading the bundle with a mark: {e}"));
    assert_eq!(&back, model, "CSV bundle with a UTF-8 byte-order mark");

    let gb = TempDir::new(&format!("{tag}-gb"));
    let marked = TempDir::new(&format!("{tag}-gbmark"));
    std::fs::create_dir_all(&gb.0).unwrap();
    std::fs::create_dir_all(&marked.0).unwrap();
    for file in ["territories.csv", "units.csv", "matters.csv", "items.csv", "people.csv", "meetings.csv", "links.csv"]
    {
        if !dir.join(file).exists() {
            continue; // people.csv, meetings.csv: only for a model with people, with meetings
        }
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable, "{file} holds a character GB18030 cannot write");
        std::fs::write(gb.0.join(file), &bytes).unwrap();
        std::fs::write(marked.0.join(file), [&b"\x84\x31\x95\x33"[..], &bytes].concat()).unwrap();
    }
    if dir.join("meta.json").exists() {
        std::fs::copy(dir.join("meta.json"), gb.0.join("meta.json")).unwrap();
        std::fs::copy(dir.join("meta.json"), marked.0.join("meta.json")).unwrap();
    }
    let options = LoadOptions::default().encoding(Encoding::Gb18030);
    let back = Model::from_csv_dir_with(&gb.0, &options).unwrap_or_else(|e| panic!("reloading in GB18030: {e}"));
    assert_eq!(&back, model, "CSV bundle in GB18030, read with the encoding");
    let back = Model::from_csv_dir(&marked.0).unwrap_or_else(|e| panic!("reloading GB18030 with its mark: {e}"));
    assert_eq!(&back, model, "CSV bundle in GB18030 with its byte-order mark");

    let bytes = model.to_xlsx_bytes().unwrap();
    let back = Model::from_xlsx_bytes_with(&bytes, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("reloading the .xlsx bundle: {e}"));
    assert_eq!(&back, model, ".xlsx bundle");
    let again = Model::from_xlsx_bytes_with(&back.to_xlsx_bytes().unwrap(), &LoadOptions::default()).unwrap();
    assert_eq!(&again, model, ".xlsx write → load → write → load");
}

fn bundle_files(dir: &std::path::Path) -> Vec<Vec<u8>> {
    ["territories.csv", "units.csv", "matters.csv", "items.csv", "links.csv", "meta.json"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap_or_default())
        .collect()
}

#[test]
fn sample_round_trips() {
    let model = Model::sample();
    let text = assert_round_trips(&model, "sample");
    // Loading then writing gives the same document (the same JSON value).
    assert_eq!(value(&text), value(SAMPLE_JSON));
    // And the sample's own attrs and meta are kept verbatim (key order included).
    assert_eq!(Model::from_json(&text).unwrap().meta().map(Attrs::as_json), model.meta().map(Attrs::as_json));
}

#[test]
fn every_field_round_trips() {
    let model = Model::from_json(EVERY_FIELD).unwrap();
    assert_eq!(model.count(RecordType::Territory), 7);
    assert_eq!(model.count(RecordType::Unit), 13);
    assert_eq!(model.link_count(), 29);
    assert_eq!(model.count(RecordType::Person), 2);
    let text = assert_round_trips(&model, "every-field");
    // (serde_json's Value cannot hold 1.0e400, which the attrs keep verbatim, so compare it as a string.)
    let unbounded = |t: &str| value(&t.replace("1.0e400", "\"1.0e400\""));
    assert_eq!(unbounded(&text), unbounded(EVERY_FIELD), "load → write gives the same document");
    // Every link kind and every unit kind of the document is used.
    let kinds: std::collections::BTreeSet<&str> = model.links().map(|(_, l)| l.kind.as_str()).collect();
    for k in LinkKind::WORDS {
        assert!(kinds.contains(k), "link kind {k} is exercised");
    }
}

#[test]
fn attrs_and_meta_are_kept_verbatim() {
    let model = Model::from_json(EVERY_FIELD).unwrap();
    let c01 = model.get("yyl-c01").unwrap().attrs().unwrap().as_json();
    assert_eq!(
        c01,
        r#"{"households":620,"big":-98765432109876543210987654321,"ratio":1.0e400,"nested":{"a":[1,[2,{"b":"\u00e9\n\t\"\\"}]],"empty":{}}}"#
    );
    let meta = model.meta().unwrap().as_json();
    assert_eq!(
        meta,
        r#"{"name":"每个字段 every field","as_of":"2024-06-30","big":123456789012345678901234567890,"z":1,"a":[true,null,-0.5e-3]}"#
    );
    let text = model.to_json();
    assert!(text.contains(
        r#""meta": {"name":"每个字段 every field","as_of":"2024-06-30","big":123456789012345678901234567890"#
    ));
    assert!(text.contains(r#""attrs":{"households":620,"big":-98765432109876543210987654321,"ratio":1.0e400,"#));
    // Through CSV too.
    let dir = TempDir::new("verbatim");
    model.write_csv_dir(&dir.0).unwrap();
    let back = Model::from_csv_dir(&dir.0).unwrap();
    assert_eq!(back.get("yyl-c01").unwrap().attrs().unwrap().as_json(), c01);
    assert_eq!(back.meta().unwrap().as_json(), meta);
}

#[test]
fn optional_fields_load_as_written() {
    let model = Model::from_json(EVERY_FIELD).unwrap();
    let links: Vec<Link> = model.links().map(|(_, l)| l).collect();
    assert_eq!(links[1].primary, Some(true));
    assert_eq!(links[2].primary, Some(false), "primary: false is kept, not dropped");
    assert_eq!(links[0].primary, None);
    assert_eq!(links[9].members, Some(9));
    assert_eq!(links[9].validity, Validity::new("2020-01-01".parse().ok(), "2024-12-31".parse().ok()));
    assert_eq!(links[16].scope.map(|s| model.id(s)), Some("310113003"));
    let staff = model.unit(model.node("yyl-ban").unwrap()).unwrap().staff();
    assert_eq!(staff, Some(u32::MAX));
    let vol = model.unit(model.node("vol").unwrap()).unwrap();
    assert_eq!((vol.kind.as_str(), vol.sector.as_ref().map(|s| s.as_str())), ("x-volunteer_team", Some("x-volunteer")));
    let leap = model.get("310113003").unwrap().validity();
    assert_eq!(leap.since.map(|d| d.to_string()).as_deref(), Some("2000-02-29"));
}

#[test]
fn the_writer_layout() {
    let text = r#"{"links": [{"kind": "leads", "to": "b", "from": "a", "primary": false}],
        "units": [{"name": "B", "id": "b", "kind": "party_branch", "members": 3, "sector": null},
                  {"id": "a", "kind": "party_committee", "name": "A", "attrs": { "k" : [ 1 , 2 ] }}],
        "meta": {"name": "小", "as_of": "2024-06-30"}, "format": "tiaokuai/1"}"#;
    let model = Model::from_json(text).unwrap();
    // All five arrays, in a fixed order; meta second; one record per line; fields in a fixed order;
    // attrs and meta compact; nulls and absent fields left out.
    let expected = r#"{
  "format": "tiaokuai/1",
  "meta": {"name":"小","as_of":"2024-06-30"},
  "territories": [],
  "units": [
    {"id":"b","name":"B","kind":"party_branch","members":3},
    {"id":"a","name":"A","kind":"party_committee","attrs":{"k":[1,2]}}
  ],
  "matters": [],
  "items": [],
  "links": [
    {"from":"a","to":"b","kind":"leads","primary":false}
  ]
}
"#;
    assert_eq!(model.to_json(), expected);
}

#[test]
fn empty_model_round_trips() {
    let model = Model::from_json(r#"{"format": "tiaokuai/1"}"#).unwrap();
    let text = assert_round_trips(&model, "empty");
    assert_eq!(
        text,
        "{\n  \"format\": \"tiaokuai/1\",\n  \"territories\": [],\n  \"units\": [],\n  \"matters\": [],\n  \"items\": [],\n  \"links\": []\n}\n"
    );
}

#[test]
fn csv_bundle_layout() {
    let model = Model::from_json(EVERY_FIELD).unwrap();
    let dir = TempDir::new("layout");
    model.write_csv_dir(&dir.0).unwrap();
    let read = |f: &str| std::fs::read_to_string(dir.0.join(f)).unwrap();
    let header = |f: &str| read(f).lines().next().unwrap().to_string();
    assert_eq!(header("territories.csv"), format::TERRITORY_COLUMNS.join(","));
    assert_eq!(header("units.csv"), format::UNIT_COLUMNS.join(","));
    assert_eq!(header("matters.csv"), format::MATTER_COLUMNS.join(","));
    assert_eq!(header("items.csv"), format::ITEM_COLUMNS.join(","));
    assert_eq!(header("links.csv"), format::LINK_COLUMNS.join(","));
    let units = read("units.csv");
    assert!(units.contains("\nacme,某科技有限公司,enterprise,private,bldg-1,2,45,1,,,\n"), "{units}");
    assert!(units.contains(
        "\nc01-jwh,第一居委会,residents_committee,self_governance,yyl-c01,,,,,,\"{\"\"term\"\":\"\"2021-2026\"\"}\"\n"
    ));
    let links = read("links.csv");
    // With people, links.csv has the four columns of `holds` links (post, band, grade, channel).
    assert!(links.contains("\nbs-scjgj,illegal-construction,responsible,,,lead,310113003,,,,,,,,,\n"), "{links}");
    assert!(links.contains("\nbs-scjgj,yyl-scjgs,leads,false,,,,,,,,,,,,\n"));
    assert!(links.contains("\np-0001,c01-dzb,holds,,,,,,,secretary,chief,12,grassroots,2021-01-01,2025-12-31,\n"));
    assert_eq!(
        read("people.csv"),
        "id,name,since,until,attrs\np-0001,张三,1970,,\"{\"\"gender\"\":\"\"f\"\"}\"\np-0002,,,,\n"
    );
    let territories = read("territories.csv");
    assert!(territories.contains("\nyyl-g01,\"网格 1\nline two\",grid,yyl-c01,,,\n"), "{territories}");
    assert_eq!(read("meta.json"), format!("{}\n", model.meta().unwrap().as_json()));
}

#[test]
fn csv_bundle_written_by_hand() {
    // Columns in any order, missing optional columns, extra columns as string attrs, BOMs, CRLF line ends.
    let dir = TempDir::new("by-hand");
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(dir.0.join("territories.csv"), "\u{feff}kind,id,name\r\ndistrict,310113,宝山区\r\n").unwrap();
    std::fs::write(dir.0.join("meta.json"), "\u{feff}{ \"name\": \"手工\" }\r\n").unwrap();
    std::fs::write(
        dir.0.join("units.csv"),
        "id,name,kind,located_in,members,phone,attrs\nacme,某公司,enterprise,310113,4,021-5555,\"{\"\"floor\"\": 3}\"\n",
    )
    .unwrap();
    let model = Model::from_csv_dir(&dir.0).unwrap();
    let expected = Model::from_json(
        r#"{"format": "tiaokuai/1", "meta": {"name": "手工"},
            "territories": [{"id": "310113", "name": "宝山区", "kind": "district"}],
            "units": [{"id": "acme", "name": "某公司", "kind": "enterprise", "located_in": "310113", "members": 4,
                       "attrs": {"floor": 3, "phone": "021-5555"}}]}"#,
    )
    .unwrap();
    assert_eq!(model, expected);
    assert_round_trips(&model, "by-hand");
}

#[test]
fn null_fields_and_missing_arrays_normalise() {
    // Loading then writing gives the same document: nulls are absent fields, missing arrays are empty.
    let text = r#"{"format": "tiaokuai/1", "meta": null, "units": [{"id": "a", "name": "A", "kind": "enterprise", "sector": null, "members": null, "located_in": null, "attrs": null, "since": null, "until": null}]}"#;
    let model = Model::from_json(text).unwrap();
    assert_eq!(
        model.to_json(),
        "{\n  \"format\": \"tiaokuai/1\",\n  \"territories\": [],\n  \"units\": [\n    {\"id\":\"a\",\"name\":\"A\",\"kind\":\"enterprise\"}\n  ],\n  \"matters\": [],\n  \"items\": [],\n  \"links\": []\n}\n"
    );
}

#[test]
fn save_and_load_by_path() {
    let model = Model::from_json(EVERY_FIELD).unwrap();
    let dir = TempDir::new("save");
    std::fs::create_dir_all(&dir.0).unwrap();
    let file = dir.0.join("model.json");
    model.save(&file).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), model.to_json());
    assert_eq!(Model::load(&file).unwrap(), model);
    let bundle = dir.0.join("bundle/");
    model.save(&bundle).unwrap();
    assert!(bundle.join("units.csv").is_file());
    assert_eq!(Model::load(&bundle).unwrap(), model);
}

// ---------------------------------------------------------------------------
// Random valid models

/// Text with the characters that stress JSON escaping and CSV quoting.
fn text() -> impl Strategy<Value = String> {
    "[a-z0-9 ,;\"'\\\\\n\r\t\u{1}\u{7f}é\u{4e00}-\u{4e0f}\u{2028}\u{1F600}-\u{1F602}-]{0,8}"
}

/// JSON text of a random value; numbers include integers far beyond 64 bits.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "-?[1-9][0-9]{20,30}",
        "-?[0-9]\\.[0-9]{1,3}[eE][+-]?[0-9]{1,2}",
        text().prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just(r#""\u00e9\ud83d\ude00\/""#.to_string()),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            object(inner),
        ]
    })
}

/// JSON text of an object whose values come from `values`, with random whitespace
/// (each key once: a key given twice is refused, see `docs/format.md`).
fn object(values: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop::collection::vec((text(), values, "[ \n\t]{0,2}"), 0..4).prop_map(|entries| {
        let mut seen = std::collections::HashSet::new();
        let body: Vec<String> = entries
            .iter()
            .filter(|(k, ..)| seen.insert(k.clone()))
            .map(|(k, v, ws)| format!("{ws}{}{ws}:{ws}{v}", serde_json::to_string(k).unwrap()))
            .collect();
        format!("{{{}}}", body.join(","))
    })
}

fn attrs() -> impl Strategy<Value = Option<Attrs>> {
    prop::option::of(object(json_value()).prop_map(|t| Attrs::from_json(&t).expect("generated attrs are an object")))
}

fn date() -> impl Strategy<Value = Option<Date>> {
    prop::option::of((1u32..=9999, 1u32..=12, 1u32..=31)).prop_map(|d| d.and_then(|(y, m, day)| Date::new(y, m, day)))
}

fn validity() -> impl Strategy<Value = Validity> {
    (date(), date()).prop_map(|(s, u)| Validity::new(s, u))
}

/// A word of a vocabulary, or (when `custom`) sometimes a custom `x-` word.
fn word(words: &'static [&'static str], custom: bool) -> impl Strategy<Value = String> {
    let built_in = prop::sample::select(words).prop_map(str::to_string);
    if custom {
        prop_oneof![4 => built_in, 1 => "[a-z_\u{4e00}-\u{4e05}]{1,6}".prop_map(|s| format!("x-{s}"))].boxed()
    } else {
        built_in.boxed()
    }
}

fn count() -> impl Strategy<Value = Option<u32>> {
    prop::option::of(prop_oneof![0u32..100, Just(u32::MAX), any::<u32>()])
}

#[derive(Debug, Clone)]
struct TerritoryPlan {
    name: String,
    kind: String,
    /// Index of an earlier territory in tree order, so the tree has no loop.
    parent: Option<prop::sample::Index>,
    attrs: Option<Attrs>,
    validity: Validity,
}

#[derive(Debug, Clone)]
struct UnitPlan {
    name: String,
    kind: String,
    sector: Option<String>,
    located_in: Option<prop::sample::Index>,
    counts: [Option<u32>; 3],
    attrs: Option<Attrs>,
    validity: Validity,
}

#[derive(Debug, Clone)]
struct OtherPlan {
    name: String,
    list: String,
    category: Option<String>,
    attrs: Option<Attrs>,
    validity: Validity,
}

#[derive(Debug, Clone)]
struct LinkPlan {
    kind: String,
    from: prop::sample::Index,
    to: prop::sample::Index,
    primary: Option<bool>,
    power: String,
    role: String,
    scope: Option<prop::sample::Index>,
    members: Option<u32>,
    attrs: Option<Attrs>,
    validity: Validity,
}

#[derive(Debug, Clone)]
struct Plan {
    meta: Option<Attrs>,
    id_suffix: String,
    territories: Vec<TerritoryPlan>,
    /// The document order of the territories (a permutation of tree order): parents may come later.
    order: Vec<usize>,
    units: Vec<UnitPlan>,
    matters: Vec<OtherPlan>,
    items: Vec<OtherPlan>,
    links: Vec<LinkPlan>,
    /// Dual leadership: units each led by two units, with the `primary` of each link.
    duals: Vec<DualPlan>,
}

#[derive(Debug, Clone)]
struct DualPlan {
    unit: prop::sample::Index,
    leaders: [prop::sample::Index; 2],
    primary: [Option<bool>; 2],
}

fn plan() -> impl Strategy<Value = Plan> {
    let territory =
        (text(), word(TerritoryKind::WORDS, true), prop::option::of(any::<prop::sample::Index>()), attrs(), validity())
            .prop_map(|(name, kind, parent, attrs, validity)| TerritoryPlan { name, kind, parent, attrs, validity });
    let unit = (
        text(),
        word(UnitKind::WORDS, true),
        prop::option::of(word(Sector::WORDS, true)),
        prop::option::of(any::<prop::sample::Index>()),
        [count(), count(), count()],
        attrs(),
        validity(),
    )
        .prop_map(|(name, kind, sector, located_in, counts, attrs, validity)| UnitPlan {
            name,
            kind,
            sector,
            located_in,
            counts,
            attrs,
            validity,
        });
    let other = |lists: &'static [&'static str]| {
        // A category is never empty: an empty CSV cell means "absent" (see docs/format.md).
        (text(), word(lists, false), prop::option::of("[a-z_\u{4e00}-\u{4e05}]{1,8}"), attrs(), validity())
            .prop_map(|(name, list, category, attrs, validity)| OtherPlan { name, list, category, attrs, validity })
    };
    let link = (
        word(LinkKind::WORDS, true),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop::option::of(any::<bool>()),
        word(Power::WORDS, false),
        word(Role::WORDS, false),
        prop::option::of(any::<prop::sample::Index>()),
        count(),
        attrs(),
        validity(),
    )
        .prop_map(|(kind, from, to, primary, power, role, scope, members, attrs, validity)| LinkPlan {
            kind,
            from,
            to,
            primary,
            power,
            role,
            scope,
            members,
            attrs,
            validity,
        });
    let dual = (
        any::<prop::sample::Index>(),
        [any::<prop::sample::Index>(), any::<prop::sample::Index>()],
        [prop::option::of(any::<bool>()), prop::option::of(any::<bool>())],
    )
        .prop_map(|(unit, leaders, primary)| DualPlan { unit, leaders, primary });
    (
        prop::option::of(object(json_value())),
        // Ids with what careless systems mangle: NUL, a bidi override, a combining mark, emoji, a line break.
        "[a-z,\" \u{4e00}\u{0}\u{202e}\u{301}\u{1F600}\n]{0,4}",
        prop::collection::vec(territory, 0..8),
        prop::collection::vec(unit, 0..10),
        prop::collection::vec(other(MatterList::WORDS), 0..4),
        prop::collection::vec(other(ItemList::WORDS), 0..4),
        prop::collection::vec(link, 0..16),
        prop::collection::vec(dual, 0..3),
    )
        .prop_flat_map(|(meta, id_suffix, territories, units, matters, items, links, duals)| {
            let order = Just((0..territories.len()).collect::<Vec<_>>()).prop_shuffle();
            (Just((meta, id_suffix, territories, units, matters, items, links, duals)), order)
        })
        .prop_map(|((meta, id_suffix, territories, units, matters, items, links, duals), order)| Plan {
            meta: meta.map(|m| Attrs::from_json(&m).unwrap()),
            id_suffix,
            territories,
            order,
            units,
            matters,
            items,
            links,
            duals,
        })
}

impl Plan {
    /// Builds the model through the builder API (not the loader), skipping links that cannot be made valid.
    fn build(&self) -> Model {
        let id = |prefix: &str, i: usize| format!("{prefix}{i}-{}", self.id_suffix);
        let mut b = Model::builder();
        if let Some(meta) = &self.meta {
            b.meta(meta.clone());
        }
        let territory_ids: Vec<String> = (0..self.territories.len()).map(|i| id("t", i)).collect();
        for &i in &self.order {
            let t = &self.territories[i];
            let mut spec = TerritorySpec::new(&territory_ids[i], &t.name, t.kind.parse().unwrap());
            if let Some(p) = &t.parent
                && i > 0
            {
                spec.parent = Some(territory_ids[p.index(i)].clone());
            }
            spec.attrs = t.attrs.clone();
            spec.validity = t.validity;
            b.territory(spec).unwrap();
        }
        let mut departments = Vec::new();
        let mut unit_ids = Vec::new();
        for (i, u) in self.units.iter().enumerate() {
            let kind: UnitKind = u.kind.parse().unwrap();
            if kind == UnitKind::Department || kind.is_custom() {
                departments.push(id("u", i));
            }
            let mut spec = UnitSpec::new(id("u", i), &u.name, kind);
            spec.sector = u.sector.as_deref().map(|s| s.parse().unwrap());
            if !territory_ids.is_empty() {
                spec.located_in = u.located_in.as_ref().map(|p| territory_ids[p.index(territory_ids.len())].clone());
            }
            [spec.members, spec.staff, spec.in_service_members] = u.counts;
            spec.attrs = u.attrs.clone();
            spec.validity = u.validity;
            b.unit(spec).unwrap();
            unit_ids.push(id("u", i));
        }
        let mut matter_ids = Vec::new();
        for (i, m) in self.matters.iter().enumerate() {
            let mut spec = MatterSpec::new(id("m", i), &m.name, m.list.parse().unwrap());
            spec.category = m.category.clone();
            spec.attrs = m.attrs.clone();
            spec.validity = m.validity;
            b.matter(spec).unwrap();
            matter_ids.push(id("m", i));
        }
        let mut item_ids = Vec::new();
        for (i, it) in self.items.iter().enumerate() {
            let mut spec = ItemSpec::new(id("i", i), &it.name, it.list.parse().unwrap());
            spec.attrs = it.attrs.clone();
            spec.validity = it.validity;
            b.item(spec).unwrap();
            item_ids.push(id("i", i));
        }
        let all: Vec<String> =
            [&territory_ids, &unit_ids, &matter_ids, &item_ids].into_iter().flat_map(|v| v.iter().cloned()).collect();
        // People and their `holds` links have their own tests (tests/people.rs): none here.
        let no_people: Vec<String> = Vec::new();
        for l in &self.links {
            let kind: LinkKind = l.kind.parse().unwrap();
            let ids_of = |t: RecordType| match t {
                RecordType::Territory => &territory_ids,
                RecordType::Unit => &unit_ids,
                RecordType::Matter => &matter_ids,
                RecordType::Item => &item_ids,
                RecordType::Person => &no_people,
            };
            let (froms, tos) = match kind.endpoints() {
                _ if kind == LinkKind::Dispatches => (&departments, &unit_ids),
                _ if kind == LinkKind::SucceededBy => (&unit_ids, &unit_ids),
                Some((f, t)) => (ids_of(f), ids_of(t)),
                None => (&all, &all),
            };
            if froms.is_empty() || tos.is_empty() {
                continue;
            }
            let (mut from, mut to) = (l.from.get(froms), l.to.get(tos));
            if kind == LinkKind::SucceededBy {
                // Successions run forward in the unit list, so they never loop (a loop is a load error).
                let pos = |s: &String| unit_ids.iter().position(|u| u == s);
                if from == to {
                    continue;
                }
                if pos(from) > pos(to) {
                    std::mem::swap(&mut from, &mut to);
                }
            }
            let mut spec = LinkSpec::new(from, to, kind);
            match kind {
                LinkKind::SucceededBy => spec.event = Some(SuccessionEvent::ALL[l.members.unwrap_or(0) as usize % 5]),
                LinkKind::Leads => spec.primary = l.primary,
                LinkKind::Power => spec.power = Some(l.power.parse().unwrap()),
                LinkKind::Responsible => {
                    spec.role = Some(l.role.parse().unwrap());
                    if !territory_ids.is_empty() {
                        spec.scope = l.scope.as_ref().map(|s| s.get(&territory_ids).clone());
                    }
                }
                LinkKind::RegistersWith => spec.members = l.members,
                _ => {}
            }
            spec.attrs = l.attrs.clone();
            spec.validity = l.validity;
            b.link(spec).unwrap();
        }
        for d in &self.duals {
            if unit_ids.is_empty() {
                break;
            }
            for (leader, primary) in d.leaders.iter().zip(d.primary) {
                let mut spec = LinkSpec::new(leader.get(&unit_ids), d.unit.get(&unit_ids), LinkKind::Leads);
                spec.primary = primary;
                b.link(spec).unwrap();
            }
        }
        b.build().unwrap()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_models_round_trip(plan in plan()) {
        let model = plan.build();
        assert_round_trips(&model, "prop");
    }

    #[test]
    fn random_models_load_as_written(plan in plan()) {
        // Loading then writing gives the same JSON value, field by field.
        let model = plan.build();
        let text = model.to_json();
        let reloaded = Model::from_json(&text).unwrap();
        prop_assert_eq!(value(&reloaded.to_json()), value(&text));
        prop_assert_eq!(reloaded.len(), model.len());
        prop_assert_eq!(reloaded.link_count(), model.link_count());
        for ((_, a), (_, b)) in model.records().zip(reloaded.records()) {
            prop_assert_eq!(a.attrs().map(Attrs::as_json), b.attrs().map(Attrs::as_json));
        }
    }
}
