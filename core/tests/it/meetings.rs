//! Meetings (issue #15): the `meetings` array in every format, its bad input, the rules
//! M001–M004 and the table of meetings per community or street per year.
//! Fixture: `tests/data/meetings.json` (read at its `as_of`, 2024-09-30).

use crate::common;

use tiaokuai::meetings::{MeetingsBy, meetings_table};
use tiaokuai::{Config, Error, Model};

fn fixture_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/meetings.json")).unwrap()
}

fn fixture() -> Model {
    Model::from_json(&fixture_text()).unwrap()
}

/// The M findings as (code, subject, first words of the message).
fn m_findings(model: &Model, config: &Config) -> Vec<(String, String)> {
    model
        .audit(config)
        .findings
        .iter()
        .filter(|f| f.rule.starts_with('M'))
        .map(|f| (f.rule.to_string(), f.subject.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn meetings_load_with_their_references_resolved() {
    let model = fixture();
    let meetings = model.meetings();
    assert_eq!(meetings.len(), 5);
    let m1 = meetings.find("m1").unwrap();
    assert_eq!(m1.kind.as_str(), "hearing");
    assert_eq!(model.id(m1.territory), "c1");
    assert_eq!(m1.convener.map(|c| model.id(c)), Some("c1-jw"));
    assert_eq!(
        m1.topics.iter().map(|&t| model.id(t)).collect::<Vec<_>>(),
        ["p-heard", "p-done", "p-unevaluated", "p-recent"]
    );
    assert_eq!(m1.date.to_string(), "2022-03-01");
    // Indexes: by territory (itself, not below) and by topic, oldest first.
    let c1 = model.node("c1").unwrap();
    assert_eq!(meetings.of_territory(c1).map(|m| &*m.id).collect::<Vec<_>>(), ["m1", "m3"]);
    let done = model.whole().node("p-done").unwrap(); // ended before as_of: out of the view
    assert_eq!(meetings.on_topic(done).map(|m| &*m.id).collect::<Vec<_>>(), ["m1", "m3"]);
    assert!(meetings.find("c1").is_none(), "records are not meetings");
    // Meetings are not records: the graph is what it was.
    assert_eq!(model.len(), 11);
    assert!(model.node("m1").is_none());
}

#[test]
fn json_csv_and_xlsx_round_trip() {
    let model = fixture();
    let text = model.to_json();
    assert!(text.contains("\"meetings\": [\n    {\"id\":\"m1\",\"kind\":\"hearing\",\"territory\":\"c1\",\"date\":\"2022-03-01\",\"convener\":\"c1-jw\",\"topics\":[\"p-heard\""));
    let again = Model::from_json(&text).unwrap();
    assert_eq!(again, model);
    assert_eq!(again.to_json(), text, "write → load → write is byte-identical");

    let dir = std::env::temp_dir().join(format!("tk-meetings-csv-{}", std::process::id()));
    model.write_csv_dir(&dir).unwrap();
    let csv = std::fs::read_to_string(dir.join("meetings.csv")).unwrap();
    assert!(csv.starts_with("id,kind,territory,date,convener,topics,attrs\nm1,hearing,c1,2022-03-01,c1-jw,p-heard;p-done;p-unevaluated;p-recent,\n"), "{csv}");
    assert_eq!(Model::from_csv_dir(&dir).unwrap(), model);
    std::fs::remove_dir_all(&dir).ok();

    #[cfg(feature = "xlsx")]
    {
        let bytes = model.to_xlsx_bytes().unwrap();
        let back = Model::from_xlsx_bytes_with(&bytes, &Default::default()).unwrap();
        assert_eq!(back, model);
    }
}

#[test]
fn a_model_without_meetings_is_written_as_before() {
    let model = common::sample_without_people_or_meetings();
    assert!(model.meetings().is_empty());
    assert!(!model.to_json().contains("meetings"));
    let dir = std::env::temp_dir().join(format!("tk-meetings-none-{}", std::process::id()));
    model.write_csv_dir(&dir).unwrap();
    assert!(!dir.join("meetings.csv").exists());
    std::fs::remove_dir_all(&dir).ok();
    // And the M rules stay silent: no M001 on every community.
    assert!(m_findings(&model, &Config::default()).is_empty());
}

fn load_err(meetings: &str) -> String {
    let text = fixture_text();
    let start = text.find("\"meetings\": [").unwrap();
    let end = start + text[start..].find("\n  ],").unwrap() + 5;
    let doc = format!("{}\"meetings\": [{meetings}],{}", &text[..start], &text[end..]);
    Model::from_json(&doc).map(|_| ()).unwrap_err().to_string()
}

#[test]
fn bad_meetings_are_clear_errors_naming_meeting_field_and_id() {
    let cases = [
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "ghost", "date": "2024"}"#,
            r#"meetings[0] (id "m1"): "territory" names "ghost" which does not exist"#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1-jw", "date": "2024"}"#,
            r#"meetings[0] (id "m1"): "territory" names "c1-jw", a unit, but a meeting's "territory" needs a territory"#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2024", "convener": "c2"}"#,
            r#"meetings[0] (id "m1"): "convener" names "c2", a territory, but a meeting's "convener" needs a unit"#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2024", "topics": ["p-late", "c1-jw"]}"#,
            r#"meetings[0] (id "m1"): field "topics": "c1-jw" is a unit; a meeting's topics are items or matters"#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2024", "topics": ["nope"]}"#,
            r#"meetings[0] (id "m1"): "topics" names "nope" which does not exist"#,
        ),
        (
            r#"{"id": "m1", "kind": "hearings", "territory": "c1", "date": "2024"}"#,
            r#"meetings[0] (id "m1"): field "kind": unknown meeting kind "hearings"; expected one of hearing, coordination, evaluation, consultation, or a custom value starting with "x-""#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2024-13"}"#,
            r#"meetings[0] (id "m1"): field "date": "#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1"}"#,
            r#"meetings[0] (id "m1"): field "date": is required"#,
        ),
        (
            r#"{"id": "c1", "kind": "hearing", "territory": "c1", "date": "2024"}"#,
            r#"meetings[0] (id "c1"): duplicate id "c1", first used by territories[1] (id "c1")"#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2024"}, {"id": "m1", "kind": "hearing", "territory": "c2", "date": "2024"}"#,
            r#"meetings[1] (id "m1"): duplicate id "m1", first used by meetings[0] (id "m1")"#,
        ),
        (
            r#"{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2024", "where": "c1"}"#,
            r#"meetings[0] (id "m1"): field "where": unknown field; expected one of id, kind, territory, date, convener, topics, attrs"#,
        ),
    ];
    for (meeting, expected) in cases {
        let err = load_err(meeting);
        assert!(err.starts_with(expected), "{meeting}\n got: {err}\nwant: {expected}");
    }
}

#[test]
fn a_bad_meeting_row_in_a_bundle_names_file_and_line() {
    let model = fixture();
    let dir = std::env::temp_dir().join(format!("tk-meetings-bad-{}", std::process::id()));
    model.write_csv_dir(&dir).unwrap();
    let path = dir.join("meetings.csv");
    let csv = std::fs::read_to_string(&path).unwrap().replace("m4,consultation,c2", "m4,consultation,ghost");
    std::fs::write(&path, csv).unwrap();
    let err = Model::from_csv_dir(&dir).unwrap_err();
    assert_eq!(err.to_string(), r#"meetings.csv line 5 (id "m4"): "territory" names "ghost" which does not exist"#);
    assert!(matches!(err, Error::DanglingReference { .. }));
    // Collecting problems reports it and goes on.
    let problems = tiaokuai::format::bundle_problems(&dir, &Default::default());
    assert_eq!(problems.len(), 1, "{problems:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_topic_a_spreadsheet_cannot_keep_is_refused_not_lost() {
    let text = fixture_text().replace("\"p-late\"", "\"p;late\"");
    let model = Model::from_json(&text).unwrap();
    let dir = std::env::temp_dir().join(format!("tk-meetings-semi-{}", std::process::id()));
    let err = model.write_csv_dir(&dir).unwrap_err().to_string();
    assert!(err.contains(r#"field "topics": topic "p;late""#), "{err}");
    assert!(!dir.exists());
    #[cfg(feature = "xlsx")]
    assert!(model.to_xlsx_bytes().is_err());
}

#[test]
fn the_m_rules_find_what_the_fixture_holds() {
    let model = fixture();
    assert_eq!(
        m_findings(&model, &Config::default()),
        pairs(&[("M001", "c2"), ("M001", "c3"), ("M002", "p-late"), ("M003", "p-unevaluated"), ("M004", "c3")])
    );
    let report = model.audit(&Config::default());
    let c2 = report.findings.iter().find(|f| f.rule == "M001" && f.subject == "c2").unwrap();
    assert!(c2.message.contains("in any year from 2022 to 2023"), "{}", c2.message);
    assert_eq!(c2.territory.as_deref(), Some("s"));
    let c3 = report.findings.iter().find(|f| f.rule == "M001" && f.subject == "c3").unwrap();
    assert!(c3.message.contains("in 2023 "), "c3 was not in force in 2022: {}", c3.message);
    let m4 = report.findings.iter().find(|f| f.rule == "M004").unwrap();
    assert!(
        m4.message.starts_with(r#"meeting "m5" (coordination, 2022-05-05) is held in territory "c3""#),
        "{}",
        m4.message
    );
}

#[test]
fn the_m_rules_follow_their_thresholds_and_the_date() {
    let model = fixture();
    let config = Config::from_toml_str(
        "[thresholds]\nevaluation_within_days = 30\ndeliberation_kinds = [\"hearing\", \"consultation\"]\n",
    )
    .unwrap();
    let found = m_findings(&model, &config);
    // A consultation now counts for c2 in 2023; c1's evaluation alone would not, but its hearings do.
    assert!(found.contains(&("M001".into(), "c2".into())), "2022 is still empty: {found:?}");
    assert!(found.contains(&("M003".into(), "p-recent".into())), "{found:?}");
    let c2 = model.audit(&config).findings.into_iter().find(|f| f.rule == "M001" && f.subject == "c2").unwrap();
    assert!(c2.message.contains("in 2022 "), "{}", c2.message);
    // Read in 2023-06-30: years up to 2022; p-late not started yet, so not under way.
    let earlier = model.at("2023-04-30".parse().unwrap());
    let found = m_findings(&earlier, &Config::default());
    assert!(!found.iter().any(|(r, s)| r == "M002" && s == "p-late"), "{found:?}");
    assert!(found.contains(&("M001".into(), "c2".into())));
    assert!(!found.iter().any(|(r, _)| r == "M003"), "nothing ended 180 days before: {found:?}");
    // Switched off, one by one.
    let off = Config::from_toml_str("[rules]\nM001 = \"off\"\nM004 = \"off\"\n").unwrap();
    assert_eq!(m_findings(&model, &off), pairs(&[("M002", "p-late"), ("M003", "p-unevaluated")]));
    assert!(Config::from_toml_str("[thresholds]\ndeliberation_kinds = [\"hearings\"]\n").is_err());
}

#[test]
fn meetings_are_counted_per_community_and_street_per_year() {
    let model = fixture();
    let t = meetings_table(&model, MeetingsBy::Community, None);
    let col = |name: &str| (0..t.rows()).map(|i| t.column(name).unwrap().data.text(i)).collect::<Vec<_>>();
    assert_eq!(col("territory"), ["c1", "c1", "c2", "c3"]);
    assert_eq!(col("year"), ["2022", "2023", "2023", "2022"]);
    assert_eq!(col("hearing"), ["1", "1", "0", "0"]);
    assert_eq!(col("evaluation"), ["0", "1", "0", "0"]);
    assert_eq!(col("consultation"), ["0", "0", "1", "0"]);
    assert_eq!(col("projects_heard"), ["4", "1", "0", "0"]);
    assert_eq!(col("projects_evaluated"), ["0", "1", "0", "0"]);
    let t = meetings_table(&model, MeetingsBy::Street, Some(2023));
    assert_eq!(t.rows(), 1);
    assert_eq!(t.column("meetings").unwrap().data.text(0), "3");
    // At an earlier date, later meetings have not happened.
    let early = meetings_table(&model.at("2022-12-31".parse().unwrap()), MeetingsBy::Street, None);
    assert_eq!(early.rows(), 1);
    assert_eq!(early.column("meetings").unwrap().data.text(0), "2");
}

#[test]
fn a_snapshot_keeps_the_meetings_held_by_its_day() {
    let model = fixture();
    let snap = model.at("2022-12-31".parse().unwrap()).snapshot().unwrap();
    let ids: Vec<&str> = snap.meetings().iter().map(|m| &*m.id).collect();
    assert_eq!(ids, ["m1", "m5"]);
    // m5's territory c3 (not yet in force) is kept with its dates, so the snapshot loads.
    assert!(snap.whole().node("c3").is_some());
}

/// The generator's meetings (`generate --meetings`): M001 finds exactly the community-years
/// without one of the three meetings, counted here by brute force from the meetings, and
/// M002 exactly the projects no hearing lists.
#[cfg(feature = "divisions")] // the generator places its model on the embedded division tables
#[test]
fn generated_meetings_and_their_gaps_are_found_exactly() {
    use std::collections::{BTreeSet, HashSet};
    use tiaokuai::generate::{GenerateOptions, Scale};
    let model = GenerateOptions::new(Scale::District, 3).meetings(true).generate().unwrap();
    assert!(model.meetings().len() > 1000);
    let three = ["hearing", "coordination", "evaluation"];
    let held: HashSet<(String, u32)> = model
        .meetings()
        .iter()
        .filter(|m| three.contains(&m.kind.as_str()))
        .map(|m| (model.id(m.territory).to_string(), m.date.year()))
        .collect();
    let mut gaps = BTreeSet::new();
    for (c, t) in model.territories() {
        if matches!(t.kind, tiaokuai::TerritoryKind::Community | tiaokuai::TerritoryKind::Village) {
            for y in 2021..=2023 {
                if !held.contains(&(model.id(c).to_string(), y)) {
                    gaps.insert(model.id(c).to_string());
                }
            }
        }
    }
    let report = model.audit(&Config::default());
    let m001: BTreeSet<String> = report.findings_of("M001").map(|f| f.subject.clone()).collect();
    assert!(!gaps.is_empty());
    assert_eq!(m001, gaps);
    let heard: HashSet<String> = model
        .meetings()
        .iter()
        .filter(|m| m.kind.as_str() == "hearing")
        .flat_map(|m| m.topics.iter().map(|&t| model.id(t).to_string()))
        .collect();
    let unheard: BTreeSet<String> = model
        .items()
        .filter(|(p, i)| i.list == tiaokuai::ItemList::Project && !heard.contains(model.id(*p)))
        .map(|(p, _)| model.id(p).to_string())
        .collect();
    let m002: BTreeSet<String> = report.findings_of("M002").map(|f| f.subject.clone()).collect();
    assert!(!unheard.is_empty());
    assert_eq!(m002, unheard);
    assert_eq!(report.findings_of("M004").count(), 0);
    // Same seed, same meetings; without --meetings, the same records and links.
    let again = GenerateOptions::new(Scale::District, 3).meetings(true).generate().unwrap();
    assert_eq!(again.meetings_json(), model.meetings_json());
    let plain = GenerateOptions::new(Scale::District, 3).generate().unwrap();
    assert_eq!((plain.len(), plain.link_count()), (model.len(), model.link_count()));
}
