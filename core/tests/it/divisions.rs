//! The division importer: counts, kinds, the municipalities' "市辖区" rows,
//! prefixes, custom tables and round trips.

use std::collections::BTreeMap;

use tiaokuai::divisions::{self, Divisions};
use tiaokuai::{Error, Level, Model, RecordType, TerritoryKind};

use crate::common;
use common::TempDir;

fn kind_counts(model: &Model) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (_, t) in model.territories() {
        *counts.entry(t.kind.to_string()).or_insert(0) += 1;
    }
    counts
}

fn kind_of<'a>(model: &'a Model, id: &str) -> &'a TerritoryKind {
    &model.territory(model.node(id).unwrap()).unwrap().row().kind
}

fn parent_id<'a>(model: &'a Model, id: &str) -> Option<&'a str> {
    model.parent(model.node(id).unwrap()).map(|p| model.id(p))
}

#[test]
fn all_of_china_keeps_every_row_but_the_five_groupings() {
    let model = divisions::import("all").unwrap();
    assert_eq!(model.count(RecordType::Territory), 31 + (342 - 5) + 2978 + 41352 + 1);
    assert_eq!(model.count(RecordType::Unit), 0);
    assert_eq!(model.link_count(), 0);
    let counts = kind_counts(&model);
    let expected: BTreeMap<String, usize> = [
        ("country", 1),
        ("province", 27),
        ("city", 4 + 337),
        ("district", 2978),
        ("street", 9067),
        ("town", 21377),
        ("township", 8147 + 51),
        ("zone", 2128 + 582),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, expected);
    // "" means the same as "all".
    assert_eq!(divisions::import("").unwrap().len(), model.len());
    // The root is the country; every province hangs from it.
    assert_eq!(model.id(model.territories().next().unwrap().0), "CN");
    assert_eq!(model.name(model.node("CN").unwrap()), "中华人民共和国");
    assert_eq!(parent_id(&model, "13"), Some("CN"));
    assert_eq!(parent_id(&model, "31"), Some("CN"));
}

#[test]
fn every_township_hangs_from_a_district_and_every_district_from_a_city_or_province() {
    let model = divisions::import("all").unwrap();
    for (n, t) in model.territories() {
        let parent = model.parent(n).map(|p| &model.territory(p).unwrap().row().kind);
        match t.kind {
            TerritoryKind::Country => assert_eq!(parent, None),
            TerritoryKind::Province => assert_eq!(parent, Some(&TerritoryKind::Country)),
            TerritoryKind::District => {
                assert!(matches!(parent, Some(TerritoryKind::City | TerritoryKind::Province)), "{}", t.id())
            }
            TerritoryKind::City => {
                assert!(matches!(parent, Some(TerritoryKind::Country | TerritoryKind::Province)), "{}", t.id())
            }
            _ => {
                assert!(t.kind.is_township_level(), "{}", t.id());
                assert_eq!(parent, Some(&TerritoryKind::District), "{}", t.id());
                assert!(t.id().starts_with(model.id(model.parent(n).unwrap())));
                assert_eq!(model.level(n), Some(Level::Street));
            }
        }
    }
}

#[test]
fn baoshan_has_three_streets_nine_towns_and_one_zone() {
    let model = divisions::import("310113").unwrap();
    let ids: Vec<&str> = model.territories().map(|(n, _)| model.id(n)).collect();
    assert_eq!(ids.len(), 15);
    assert_eq!(&ids[..3], ["31", "310113", "310113003"]);
    let counts = kind_counts(&model);
    assert_eq!(counts["street"], 3);
    assert_eq!(counts["town"], 9);
    assert_eq!(counts["zone"], 1);
    assert_eq!(kind_of(&model, "31"), &TerritoryKind::City);
    assert_eq!(kind_of(&model, "310113501"), &TerritoryKind::Zone);
    assert_eq!(model.name(model.node("310113003").unwrap()), "友谊路街道");
    assert_eq!(model.name(model.node("310113501").unwrap()), "宝山工业园区");
    assert_eq!(parent_id(&model, "31"), None);
    assert_eq!(parent_id(&model, "310113"), Some("31"));
    let meta = model.meta().unwrap();
    assert_eq!(
        meta.as_json(),
        r#"{"name":"上海市宝山区","source":"NBS 2023 statistical division codes","prefix":"310113"}"#
    );
}

#[test]
fn shanghai_has_16_districts_and_234_townships() {
    let model = divisions::import("31").unwrap();
    let counts = kind_counts(&model);
    assert_eq!(counts["city"], 1);
    assert_eq!(counts["district"], 16);
    let townships: usize = ["street", "town", "township", "zone"].iter().map(|k| counts.get(*k).unwrap_or(&0)).sum();
    assert_eq!(townships, 234);
    assert_eq!(model.len(), 1 + 16 + 234);
    // No "市辖区" territory; each district keeps the prefecture code in attrs.
    assert!(!model.contains("3101"));
    for (n, t) in model.territories_of_kind(&TerritoryKind::District) {
        assert_eq!(model.id(model.parent(n).unwrap()), "31");
        assert_eq!(t.attrs.as_ref().unwrap().get("prefecture_code"), Some(serde_json::json!("3101")));
    }
    assert_eq!(model.title().as_deref(), Some("上海市"));
}

#[test]
fn municipality_groupings_are_dropped_and_recorded() {
    let model = divisions::import("all").unwrap();
    for code in ["1101", "1201", "3101", "5001", "5002"] {
        assert!(!model.contains(code), "{code}");
    }
    // Chongqing's counties (5002xx) hang from 50 and remember "5002".
    let wuxi = model.node("500238").unwrap();
    assert_eq!(model.name(wuxi), "巫溪县");
    assert_eq!(parent_id(&model, "500238"), Some("50"));
    let attrs = model.territory(wuxi).unwrap().row().attrs.as_ref().unwrap();
    assert_eq!(attrs.as_json(), r#"{"prefecture_code":"5002"}"#);
    // Ordinary prefectures are kept, without attrs; so are the provinces' "直辖" groupings.
    let shijiazhuang = model.node("1301").unwrap();
    assert_eq!(model.territory(shijiazhuang).unwrap().kind, TerritoryKind::City);
    assert_eq!(model.territory(model.node("130102").unwrap()).unwrap().attrs, None);
    assert_eq!(parent_id(&model, "130102"), Some("1301"));
    assert_eq!(model.name(model.node("4290").unwrap()), "省直辖县级行政区划");
    // Exactly the counties of the four municipalities carry the attribute.
    let with_attr = model.territories().filter(|(_, t)| t.attrs.is_some()).count();
    let municipal = Divisions::embedded()
        .counties()
        .iter()
        .filter(|c| ["11", "12", "31", "50"].iter().any(|m| c.code.starts_with(m)))
        .count();
    assert_eq!(with_attr, municipal);
}

#[test]
fn selecting_a_grouping_row_gives_its_counties_under_the_municipality() {
    let model = divisions::import("5002").unwrap();
    assert_eq!(model.id(model.territories().next().unwrap().0), "50");
    assert!(!model.contains("5002"));
    assert!(!model.contains("500101"), "5001's districts are not part of 5002");
    assert_eq!(parent_id(&model, "500238"), Some("50"));
    assert_eq!(model.title().as_deref(), Some("重庆市"));
}

#[test]
fn a_prefecture_and_a_single_township() {
    let model = divisions::import("1301").unwrap();
    assert_eq!(model.id(model.territories().next().unwrap().0), "13");
    assert_eq!(kind_of(&model, "13"), &TerritoryKind::Province);
    assert_eq!(model.title().as_deref(), Some("河北省石家庄市"));
    assert!(model.territories().all(|(n, _)| { model.id(n) == "13" || model.id(n).starts_with("1301") }));

    let street = divisions::import("310113003").unwrap();
    let ids: Vec<&str> = street.territories().map(|(n, _)| street.id(n)).collect();
    assert_eq!(ids, ["31", "310113", "310113003"]);
    assert_eq!(street.title().as_deref(), Some("上海市宝山区友谊路街道"));
    assert_eq!(street.meta().unwrap().get("prefix"), Some(serde_json::json!("310113003")));
}

#[test]
fn township_kind_follows_the_seventh_digit() {
    let d = Divisions::embedded();
    let model = divisions::import("all").unwrap();
    for row in d.townships() {
        let expected = match &row.code[6..7] {
            "0" => TerritoryKind::Street,
            "1" => TerritoryKind::Town,
            "2" | "3" => TerritoryKind::Township,
            _ => TerritoryKind::Zone,
        };
        assert_eq!(kind_of(&model, &row.code), &expected, "{}", row.code);
        assert_eq!(model.name(model.node(&row.code).unwrap()), &*row.name);
    }
    assert_eq!(divisions::township_kind("310113003"), Some(TerritoryKind::Street));
    assert_eq!(divisions::township_kind("310113103"), Some(TerritoryKind::Town));
    assert_eq!(divisions::township_kind("110229203"), Some(TerritoryKind::Township));
    assert_eq!(divisions::township_kind("310113501"), Some(TerritoryKind::Zone));
    assert_eq!(divisions::township_kind("310113901"), None);
    assert_eq!(divisions::township_kind("3101"), None);
}

#[test]
fn bad_prefixes_are_invalid_division_codes() {
    let cases = [
        ("9999", r#"no division has code prefix "9999""#),
        (
            "31011",
            r#""31011" has 5 digits; a division code has 2 (province), 4 (prefecture), 6 (county) or 9 (township) digits"#,
        ),
        (
            "3",
            r#""3" has 1 digits; a division code has 2 (province), 4 (prefecture), 6 (county) or 9 (township) digits"#,
        ),
        ("310113999", r#"no division has code prefix "310113999""#),
        ("shanghai", r#""shanghai" is not a division code: use digits only"#),
        ("31-01", r#""31-01" is not a division code"#),
        ("３１", r#""３１" is not a division code"#),
    ];
    for (prefix, message) in cases {
        let err = divisions::import(prefix).unwrap_err();
        match &err {
            Error::Invalid { what, message: m } => {
                assert_eq!(what, "division code");
                assert!(m.starts_with(message), "{prefix}: {m}");
            }
            other => panic!("{prefix}: unexpected {other:?}"),
        }
        assert_eq!(err.kind(), "invalid");
    }
    // Surrounding spaces and any case of "all" are accepted.
    assert_eq!(divisions::import(" 310113 ").unwrap().len(), 15);
    assert_eq!(divisions::import("ALL").unwrap().len(), 44_699);
}

#[test]
fn json_round_trip_of_a_province() {
    let model = divisions::import("44").unwrap();
    assert!(model.len() > 1_700);
    let text = model.to_json();
    let back = Model::from_json(&text).unwrap();
    assert_eq!(back, model);
    assert_eq!(back.to_json(), text);
}

#[test]
fn csv_round_trip_of_a_municipality() {
    let model = divisions::import("31").unwrap();
    let dir = TempDir::new("csv-round-trip");
    model.write_csv_dir(&dir.0).unwrap();
    let back = Model::from_csv_dir(&dir.0).unwrap();
    assert_eq!(back, model);
}

#[test]
fn the_embedded_tables_read_from_a_folder_give_the_same_tree() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/divisions");
    let d = Divisions::from_dir(&dir).unwrap();
    assert_eq!(d.len(), 31 + 342 + 2978 + 41352);
    assert!(d.source().starts_with("division codes from"));
    let a = d.import("31").unwrap();
    let b = divisions::import("31").unwrap();
    assert_eq!(a.to_json().replace(d.source(), divisions::SOURCE), b.to_json());
}

const PROVINCES: &str = "code,name\n31,\"上海市\"\n13,\"河北省\"\n";
const CITIES: &str = "code,name,provinceCode\n3101,\"市辖区\",31\n1301,\"石家庄市\",13\n";
const AREAS: &str = "code,name,cityCode,provinceCode\n310113,\"宝山区\",3101,31\n130102,\"长安区\",1301,13\n";
const STREETS: &str = "code,name,areaCode,provinceCode,cityCode\n\
    310113003,\"友谊路街道\",310113,31,3101\n\
    310113501,\"宝山工业园区\",310113,31,3101\n\
    130102001,\"建北街道\",130102,13,1301\n";

fn custom(p: &str, c: &str, a: &str, s: &str) -> Result<Divisions, Error> {
    Divisions::from_csv(p, c, a, s)
}

#[test]
fn a_custom_dataset_is_sorted_by_code_and_imported() {
    let d = custom(PROVINCES, CITIES, AREAS, STREETS).unwrap();
    assert_eq!(d.len(), 2 + 2 + 2 + 3);
    let model = d.import("all").unwrap();
    let ids: Vec<&str> = model.territories().map(|(n, _)| model.id(n)).collect();
    assert_eq!(ids, ["CN", "13", "1301", "130102", "130102001", "31", "310113", "310113003", "310113501"]);
    assert_eq!(model.meta().unwrap().get("source"), Some(serde_json::json!("custom division codes")));
    assert_eq!(kind_of(&model, "31"), &TerritoryKind::City);
    assert_eq!(kind_of(&model, "13"), &TerritoryKind::Province);
}

fn csv_error(result: Result<Divisions, Error>) -> (String, u64, String) {
    match result.unwrap_err() {
        Error::Csv { file, line, message } => (file, line, message),
        other => panic!("expected a CSV error, got {other:?}"),
    }
}

#[test]
fn malformed_rows_name_the_file_and_line() {
    let bad_streets = STREETS.replace("310113501,", "31011350x,");
    let (file, line, message) = csv_error(custom(PROVINCES, CITIES, AREAS, &bad_streets));
    assert_eq!((file.as_str(), line), ("streets.csv", 3));
    assert_eq!(message, r#"code "31011350x" must be 9 digits"#);

    let short_row = AREAS.replace(",3101,31\n", ",3101\n");
    let (file, line, message) = csv_error(custom(PROVINCES, CITIES, &short_row, STREETS));
    assert_eq!((file.as_str(), line), ("areas.csv", 2));
    assert_eq!(message, "has 3 fields, but the header has 4");

    let orphan = AREAS.replace("130102,\"长安区\",1301", "130102,\"长安区\",1302");
    let (file, line, message) = csv_error(custom(PROVINCES, CITIES, &orphan, STREETS));
    assert_eq!((file.as_str(), line), ("areas.csv", 3));
    assert_eq!(message, r#"code "130102": cityCode "1302" names no row of cities.csv"#);

    let disagree = STREETS.replace("130102,13,1301", "130102,31,1301");
    let (file, line, message) = csv_error(custom(PROVINCES, CITIES, AREAS, &disagree));
    assert_eq!((file.as_str(), line), ("streets.csv", 4));
    assert_eq!(message, r#"code "130102001": provinceCode "31" disagrees with areaCode "130102", which lies in "13""#);

    let wrong_city = STREETS.replace("130102,13,1301", "130102,13,1302");
    let (_, _, message) = csv_error(custom(PROVINCES, CITIES, AREAS, &wrong_city));
    assert_eq!(message, r#"code "130102001": cityCode "1302" disagrees with areaCode "130102", which lies in "1301""#);

    let duplicate = format!("{PROVINCES}31,\"又一个\"\n");
    let (file, line, message) = csv_error(custom(&duplicate, CITIES, AREAS, STREETS));
    assert_eq!((file.as_str(), line), ("provinces.csv", 4));
    assert_eq!(message, r#"duplicate code "31", first on line 2"#);

    let missing = CITIES.replace("provinceCode", "province");
    let (file, line, message) = csv_error(custom(PROVINCES, &missing, AREAS, STREETS));
    assert_eq!((file.as_str(), line), ("cities.csv", 1));
    assert_eq!(message, r#"missing column "provinceCode" (the header has: code, name, province)"#);

    let empty_name = PROVINCES.replace("\"河北省\"", "\"\"");
    let (_, line, message) = csv_error(custom(&empty_name, CITIES, AREAS, STREETS));
    assert_eq!((line, message.as_str()), (3, r#"code "13": the name is empty"#));

    let digit = STREETS.replace("310113501", "310113901");
    let (_, _, message) = csv_error(custom(PROVINCES, CITIES, AREAS, &digit));
    assert_eq!(message, r#"code "310113901": unknown township type digit "9" (7th digit; expected 0–5)"#);
}

#[test]
fn from_dir_reports_a_missing_file_and_bad_rows_with_their_file() {
    let dir = TempDir::new("from-dir");
    std::fs::write(dir.0.join("provinces.csv"), PROVINCES).unwrap();
    std::fs::write(dir.0.join("cities.csv"), CITIES).unwrap();
    std::fs::write(dir.0.join("areas.csv"), AREAS).unwrap();
    let err = Divisions::from_dir(&dir.0).unwrap_err();
    assert_eq!(err.kind(), "io");
    assert!(err.to_string().contains("streets.csv"), "{err}");

    std::fs::write(dir.0.join("streets.csv"), STREETS.replace("310113003,", "3101130,")).unwrap();
    let err = Divisions::from_dir(&dir.0).unwrap_err();
    assert_eq!(err.to_string(), r#"streets.csv line 2: code "3101130" must be 9 digits"#);

    let mut latin1 = STREETS.as_bytes().to_vec();
    latin1.extend_from_slice(b"130102002,\"\xe9\",130102,13,1301\n");
    std::fs::write(dir.0.join("streets.csv"), latin1).unwrap();
    let err = Divisions::from_dir(&dir.0).unwrap_err();
    assert_eq!(err.to_string(), "streets.csv line 5: is not valid UTF-8");

    std::fs::write(dir.0.join("streets.csv"), STREETS).unwrap();
    let d = Divisions::from_dir(&dir.0).unwrap();
    let model = d.import("310113").unwrap();
    assert_eq!(model.len(), 4);
    assert_eq!(parent_id(&model, "310113"), Some("31"));
    assert_eq!(d.import("130102001").unwrap().title().as_deref(), Some("河北省石家庄市长安区建北街道"));
}

#[test]
fn the_tree_lists_ancestors_first_then_depth_first_by_code() {
    let d = Divisions::embedded();
    let tree = d.tree("1301").unwrap();
    assert_eq!(tree[0].id, "13");
    assert_eq!(tree[1].id, "1301");
    for pair in tree.windows(2) {
        assert!(pair[0].id < pair[1].id, "{} {}", pair[0].id, pair[1].id);
    }
    // Each entry's parent comes before it.
    let mut seen = std::collections::HashSet::new();
    for e in &tree {
        if let Some(p) = e.parent {
            assert!(seen.contains(p), "{} before its parent {p}", e.id);
        }
        seen.insert(e.id);
    }
}

// --- Code changes between two lists (core/tests/data/divisions-old → -new, see its README) ---

fn fixture(which: &str) -> Divisions {
    Divisions::from_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(which)).unwrap()
}

fn changes_at(changed_on: &str) -> (Model, divisions::DivisionChanges) {
    fixture("divisions-new").import_changes(&fixture("divisions-old"), "310199", changed_on.parse().unwrap()).unwrap()
}

/// `(since, until)` of a record, as text.
fn dates(model: &Model, id: &str) -> (Option<String>, Option<String>) {
    let v = model.record(model.node(id).unwrap_or_else(|| panic!("{id} is missing"))).validity();
    (v.since.map(|d| d.to_string()), v.until.map(|d| d.to_string()))
}

/// The `succeeded_by` links of the model as `(from, to, event)`, sorted.
fn successions(model: &Model) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = model
        .links()
        .filter(|(_, l)| l.kind == tiaokuai::LinkKind::SucceededBy)
        .map(|(_, l)| {
            let event = l.event.as_ref().map_or("", |e| e.as_str()).to_string();
            (model.id(l.from).to_string(), model.id(l.to).to_string(), event)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn import_changes_links_recode_merge_and_split_and_dates_both_sides() {
    let (model, changes) = changes_at("2021-06-01");
    let s = |a: &str, b: &str, e: &str| (a.to_string(), b.to_string(), e.to_string());
    assert_eq!(
        successions(&model),
        [
            s("310199101", "310199106", "recode"),
            s("310199102", "310199107", "merge"),
            s("310199103", "310199003", "split"),
            s("310199103", "310199108", "split"),
            s("310199201", "310199107", "merge"),
        ]
    );
    assert_eq!(changes.successions.len(), 5);
    let ended = (None, Some("2021-05-31".to_string()));
    let started = (Some("2021-06-01".to_string()), None);
    for old in ["310199101", "310199102", "310199103", "310199104", "310199105", "310199201", "310199202"] {
        assert_eq!(dates(&model, old), ended, "{old}");
    }
    for new in ["310199003", "310199004", "310199005", "310199106", "310199107", "310199108", "310199109"] {
        assert_eq!(dates(&model, new), started, "{new}");
    }
    // Unchanged and renamed rows are one record each, without dates; the rename keeps the old name.
    for same in ["31", "310199", "310199001", "310199002"] {
        assert_eq!(dates(&model, same), (None, None), "{same}");
    }
    let renamed = model.record(model.node("310199001").unwrap());
    assert_eq!(renamed.name(), "友谊街道");
    assert_eq!(renamed.attrs().unwrap().as_json(), r#"{"former_name":"友谊路街道","renamed_on":"2021-06-01"}"#);
    assert_eq!(changes.renamed, ["310199001"]);
    assert_eq!(changes.unchanged, 3); // 31, 310199, 310199002
    // 2 + 2×1 + 9 + 9 − 2 shared township codes: every row of both lists is there once.
    assert_eq!(model.count(RecordType::Territory), 2 + 9 + 9 - 2);
    // A lookup of the recoded town after the change follows the link and says so.
    let step = &model.successions(model.node("310199101").unwrap())[0];
    assert_eq!(step.sentence(&model), "310199101 was recoded as 310199106 on 2021-06-01");
}

#[test]
fn import_changes_reports_what_it_left_unmatched_and_never_guesses() {
    let (model, changes) = changes_at("2021-06-01");
    assert_eq!(changes.ended, ["310199105"]);
    assert_eq!(changes.started, ["310199005"]);
    assert_eq!(changes.ambiguous.len(), 1);
    assert_eq!(changes.ambiguous[0].old, ["310199104", "310199202"]);
    assert_eq!(changes.ambiguous[0].new, ["310199004", "310199109"]);
    assert!(!changes.all_matched());
    // No link touches the ambiguous group or the unmatched rows.
    for id in ["310199104", "310199202", "310199004", "310199109", "310199105", "310199005"] {
        assert!(successions(&model).iter().all(|(a, b, _)| a != id && b != id), "{id}");
    }
    let meta = model.meta().unwrap();
    assert_eq!(meta.get("changed_on").unwrap(), "2021-06-01");
    let unmatched = meta.get("unmatched").unwrap();
    assert_eq!(unmatched["ambiguous"][0]["new"][1], "310199109");
    assert_eq!(unmatched["ended"][0], "310199105");
    let summary = changes.summary();
    assert!(summary.contains("1 recode, 2 merge and 2 split links"), "{summary}");
    assert!(summary.contains("ambiguous, not linked: 310199104, 310199202 → 310199004, 310199109"), "{summary}");
}

#[test]
fn import_changes_audits_clean_of_time_rules_and_round_trips() {
    for on in ["2021-06-01", "2021-01-01", "2021-06", "2021"] {
        let (model, _) = changes_at(on);
        let report = model.audit(&tiaokuai::Config::default());
        let t: Vec<_> = report.findings.iter().filter(|f| f.rule.starts_with('T')).map(|f| &f.message).collect();
        assert!(t.is_empty(), "{on}: {t:#?}");
        let again = Model::from_json(&model.to_json()).unwrap();
        assert_eq!(successions(&again), successions(&model), "{on}");
        // Before the change the old towns are there, after it the new ones.
        let before = model.at("2020-12-31".parse().unwrap());
        let after = model.at("2022-01-01".parse().unwrap());
        assert!(before.node("310199101").is_some() && before.node("310199106").is_none(), "{on}");
        assert!(after.node("310199101").is_none() && after.node("310199106").is_some(), "{on}");
    }
    // A reduced day of change is both sides' date: "some day of 2021".
    let (model, _) = changes_at("2021");
    assert_eq!(dates(&model, "310199101"), (None, Some("2021".into())));
    assert_eq!(dates(&model, "310199106"), (Some("2021".into()), None));
    let (model, _) = changes_at("2021-01-01");
    assert_eq!(dates(&model, "310199101"), (None, Some("2020-12-31".into())));
}

#[test]
fn import_changes_follows_a_recoded_parent_and_names_the_previous_list_in_errors() {
    let p = "code,name\n31,\"上海市\"\n";
    let c = "code,name,provinceCode\n3101,\"市辖区\",31\n";
    let areas = |code: &str| format!("code,name,cityCode,provinceCode\n{code},\"新河区\",3101,31\n");
    let streets = |rows: &str| format!("code,name,areaCode,provinceCode,cityCode\n{rows}");
    let old = Divisions::from_csv(p, c, &areas("310198"), &streets("310198101,\"罗店镇\",310198,31,3101\n")).unwrap();
    let new = Divisions::from_csv(p, c, &areas("310199"), &streets("310199101,\"罗店镇\",310199,31,3101\n")).unwrap();
    let (model, changes) = new.import_changes(&old, "31", "2021-06-01".parse().unwrap()).unwrap();
    assert_eq!(
        successions(&model),
        [
            ("310198".to_string(), "310199".to_string(), "recode".to_string()),
            ("310198101".to_string(), "310199101".to_string(), "recode".to_string()),
        ]
    );
    assert!(changes.all_matched());
    assert_eq!(parent_id(&model, "310198101"), Some("310198"));
    let err = new.import_changes(&old, "310199", "2021-06-01".parse().unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"division code: in the previous list (custom division codes): no division has code prefix "310199""#
    );
}
