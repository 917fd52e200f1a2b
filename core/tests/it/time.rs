//! Dates and views at a date (issue #12): the date forms, the truth table of
//! docs/format.md, and the differential check that a view at a date answers as a
//! model filtered by hand to that date does.

use crate::common;

use serde_json::{Value, json};
use tiaokuai::evidence::Fact;
use tiaokuai::{Config, Date, Line, Model, Precision, RecordType, Status, Validity};

fn date(s: &str) -> Date {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------
// Dates

#[test]
fn three_precisions_parse_bound_and_write_back() {
    for (text, precision, first, last) in [
        ("2015", Precision::Year, "2015-01-01", "2015-12-31"),
        ("2019-07", Precision::Month, "2019-07-01", "2019-07-31"),
        ("2023-02", Precision::Month, "2023-02-01", "2023-02-28"),
        ("2024-02", Precision::Month, "2024-02-01", "2024-02-29"),
        ("2024-02-29", Precision::Day, "2024-02-29", "2024-02-29"),
        ("0001", Precision::Year, "0001-01-01", "0001-12-31"),
        ("9999-12", Precision::Month, "9999-12-01", "9999-12-31"),
    ] {
        let d = date(text);
        assert_eq!(d.precision(), precision, "{text}");
        assert_eq!(d.to_string(), text);
        assert_eq!(d.first_day().to_string(), first, "{text}");
        assert_eq!(d.last_day().to_string(), last, "{text}");
    }
    for bad in [
        "2019-13",
        "2019-00",
        "20190101",
        "2019-02-30",
        "2023-02-29",
        "2019-1",
        "2019-01-1",
        "0000",
        "99999",
        "",
        "2019-",
        " 2019",
    ] {
        assert!(bad.parse::<Date>().is_err(), "{bad:?} parsed");
    }
}

#[test]
fn day_arithmetic_agrees_with_a_day_count() {
    // next_day and prev_day step by one in days(), across months, leap days and years.
    let mut d = date("1999-12-25");
    for _ in 0..800 {
        let next = d.next_day().unwrap();
        assert_eq!(next.days(), d.days() + 1, "{d} -> {next}");
        assert_eq!(next.prev_day(), Some(d));
        d = next;
    }
    assert_eq!(d.to_string(), "2002-03-04");
    assert_eq!(date("9999-12-31").next_day(), None);
    assert_eq!(date("0001-01-01").prev_day(), None);
}

/// Every row of the truth table in docs/format.md, read from the docs, holds.
#[test]
fn the_truth_table_in_the_docs_holds() {
    let docs = include_str!("../../docs/format.md");
    let start = docs.find("| `since` / `until` |").expect("the truth table is in docs/format.md");
    let mut lines = docs[start..].lines();
    let header: Vec<&str> = lines.next().unwrap().split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
    let days: Vec<Date> = header[1..].iter().map(|d| date(d)).collect();
    lines.next(); // |---|
    let mut rows = 0;
    for line in lines.take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
        let bound = |part: &str| -> Option<Date> {
            let part = part.trim();
            (part != "—").then(|| date(part.trim_matches('`').split_whitespace().next().unwrap().trim_matches('`')))
        };
        let (since, until) = cells[0].split_once(" / ").unwrap();
        let v = Validity::new(bound(since), bound(until.split(" (").next().unwrap()));
        for (day, expected) in days.iter().zip(&cells[1..]) {
            let want = match *expected {
                "in force" => Status::InForce,
                "possibly" => Status::Possibly,
                "out" => Status::OutOfForce,
                other => panic!("unknown cell {other:?}"),
            };
            assert_eq!(v.status_at(*day), want, "row {:?} at {day}", cells[0]);
        }
        rows += 1;
    }
    assert!(rows >= 8, "read {rows} rows");
}

#[test]
fn reduced_dates_round_trip_as_written() {
    let text = r#"{"format": "tiaokuai/1", "meta": {"as_of": "2019"},
      "territories": [{"id": "t", "name": "T", "kind": "street", "since": "2015", "until": "2020-05"}],
      "units": [{"id": "u", "name": "U", "kind": "party_committee", "since": "2015-06-01"}],
      "links": [{"from": "u", "to": "t", "kind": "jurisdiction", "since": "2016"}]}"#;
    let model = Model::from_json(text).unwrap();
    let written = model.to_json();
    assert!(written.contains(r#""since":"2015","until":"2020-05""#), "{written}");
    assert!(written.contains(r#""kind":"jurisdiction","since":"2016""#), "{written}");
    let again = Model::from_json(&written).unwrap();
    assert_eq!(again, model);
    assert_eq!(again.to_json(), written);
    // The CSV bundle keeps them too.
    let dir = std::env::temp_dir().join(format!("tiaokuai-time-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    model.write_csv_dir(&dir).unwrap();
    let from_csv = Model::from_csv_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(from_csv, model);
}

// ---------------------------------------------------------------------------
// Views

/// The two examples of the issue: successive leaders are not an ambiguous pair, and a
/// merged street and its successor do not both need covering.
fn history() -> Model {
    Model::from_json(
        r#"{"format": "tiaokuai/1",
      "territories": [
        {"id": "d", "name": "区", "kind": "district"},
        {"id": "old", "name": "旧街道", "kind": "street", "parent": "d", "until": "2020-05-31"},
        {"id": "new", "name": "新街道", "kind": "street", "parent": "d", "since": "2020-06-01"}],
      "units": [
        {"id": "dw", "name": "区委", "kind": "party_committee"},
        {"id": "dw2", "name": "区委(新)", "kind": "party_committee", "since": "2018"},
        {"id": "gw-old", "name": "旧党工委", "kind": "party_working_committee", "until": "2020-05-31"},
        {"id": "gw", "name": "党工委", "kind": "party_working_committee", "since": "2020-06-01"}],
      "links": [
        {"from": "dw", "to": "gw-old", "kind": "leads", "until": "2017-12-31"},
        {"from": "dw2", "to": "gw-old", "kind": "leads", "since": "2018"},
        {"from": "dw", "to": "d", "kind": "jurisdiction"},
        {"from": "gw-old", "to": "old", "kind": "jurisdiction"},
        {"from": "gw", "to": "new", "kind": "jurisdiction"}]}"#,
    )
    .unwrap()
}

fn codes(model: &Model) -> Vec<(String, String)> {
    model.audit(&Config::default()).findings.iter().map(|f| (f.rule.to_string(), f.subject.clone())).collect()
}

#[test]
fn successive_leaders_are_not_ambiguous_at_a_date() {
    let model = history();
    let s002 = |m: &Model| codes(m).iter().filter(|(r, _)| r == "S002").count();
    assert_eq!(s002(&model), 1, "read whole, the two leaders of gw-old look like an ambiguous pair");
    assert_eq!(s002(&model.at(date("2017-06-30"))), 0);
    // In 2018 the new leader's `since` is a year: on 2018-06-30 it is only possibly in force.
    let mid = model.at(date("2018-06-30"));
    assert_eq!(s002(&mid), 0);
    let chain = mid.chain("gw-old", Line::Leadership).unwrap();
    assert_eq!(chain.ids().collect::<Vec<_>>(), ["gw-old", "dw2"]);
    let doubt: Vec<String> = chain.uncertain.iter().map(|f| f.to_string()).collect();
    assert_eq!(doubt, [r#"dw2.since = "2018""#, r#"links[1]: dw2 -leads-> gw-old"#]);
    let json = serde_json::to_value(&chain).unwrap();
    assert_eq!(json["uncertain"][0], json!({"record": "dw2", "field": "since", "value": "2018"}));
    // At the end of 2018 nothing is in doubt, and the JSON has no `uncertain`.
    let end = model.at(date("2018"));
    let chain = end.chain("gw-old", Line::Leadership).unwrap();
    assert!(chain.uncertain.is_empty());
    assert!(serde_json::to_value(&chain).unwrap().get("uncertain").is_none());
}

#[test]
fn a_merged_street_and_its_successor_are_covered_each_in_its_time() {
    let model = history();
    let c006 =
        |m: &Model| -> Vec<String> { codes(m).into_iter().filter(|(r, _)| r == "C006").map(|(_, s)| s).collect() };
    assert!(c006(&model).is_empty());
    for at in ["2019-12-31", "2020-05-31", "2020-06-01", "2024"] {
        let view = model.at(date(at));
        assert!(c006(&view).is_empty(), "{at}");
        assert_eq!(view.count(RecordType::Territory), 2, "{at}");
    }
    assert!(model.at(date("2020-05-31")).node("new").is_none());
    assert!(model.at(date("2020-06-01")).node("old").is_none());
    let err = model.at(date("2021")).responsible_for("old").unwrap_err();
    assert_eq!(err.to_string(), r#""old" is not in force at 2021 (its dates: … to 2020-05-31)"#);
    assert_eq!(err.kind(), "not_in_force");
    assert_eq!(err.id(), Some("old"));
}

#[test]
fn a_finding_resting_on_a_possibly_in_force_record_says_so() {
    let model = Model::from_json(
        r#"{"format": "tiaokuai/1", "meta": {"as_of": "2017-03-01"},
      "territories": [{"id": "c", "name": "新河三居民区", "kind": "community", "since": "2017"}]}"#,
    )
    .unwrap();
    assert_eq!(model.date(), Some(date("2017-03-01")), "a model is read at meta.as_of");
    let report = model.audit(&Config::default());
    let c006 = report.findings_of("C006").next().expect("the community has no Party organisation");
    let doubt: Vec<String> = c006.uncertain.iter().map(|f| f.to_string()).collect();
    assert_eq!(doubt, [r#"c.since = "2017""#]);
    let json = serde_json::to_value(c006).unwrap();
    assert_eq!(json["uncertain"], json!([{"record": "c", "field": "since", "value": "2017"}]));
    // Read whole, or at a date when the community surely exists, nothing is uncertain.
    assert!(model.whole().audit(&Config::default()).findings.iter().all(|f| f.uncertain.is_empty()));
    assert!(model.at(date("2018")).audit(&Config::default()).findings.iter().all(|f| f.uncertain.is_empty()));
    assert!(model.at(date("2016")).audit(&Config::default()).findings.is_empty());
}

#[test]
fn a_view_writes_its_whole_document_and_a_snapshot_the_view() {
    let model = history();
    let view = model.at(date("2019"));
    assert_eq!(view.to_json(), model.to_json(), "writing a view loses no history");
    // CSV bundles and workbooks too.
    let dir = std::env::temp_dir().join(format!("tiaokuai-time-view-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    view.write_csv_dir(&dir).unwrap();
    let from_csv = Model::from_csv_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(from_csv, model);
    let book = view.to_xlsx_bytes().unwrap();
    assert_eq!(Model::from_xlsx_bytes_with(&book, &tiaokuai::LoadOptions::default()).unwrap(), model);
    let snap = view.snapshot().unwrap();
    assert_eq!(snap.as_of(), Some(date("2019")));
    assert_eq!(snap.date(), Some(date("2019")));
    let ids: Vec<&str> = snap.records().map(|(n, _)| snap.id(n)).collect();
    assert_eq!(ids, ["d", "old", "dw", "dw2", "gw-old"]);
    assert_eq!(snap.count_links(), 3);
    assert_eq!(snap.audit(&Config::default()), view.audit(&Config::default()).clone());
}

#[test]
fn an_undated_model_pays_nothing_for_a_view() {
    let model = tiaokuai::generate::generate(tiaokuai::generate::Scale::District, 1).unwrap();
    assert!(!model.is_dated());
    let view = model.at(date("1990"));
    assert_eq!(view.count(RecordType::Unit), model.count(RecordType::Unit));
    assert_eq!(view.count_links(), model.link_count());
    assert!(!view.has_uncertain());
    assert_eq!(view.audit(&Config::default()).findings, model.audit(&Config::default()).findings);
}

// ---------------------------------------------------------------------------
// Differential: a view against the model filtered by hand

/// The first and last day of a date, computed here independently of the library.
fn bounds(text: &str) -> (String, String) {
    let parts: Vec<u32> = text.split('-').map(|p| p.parse().unwrap()).collect();
    let dim = |y: u32, m: u32| match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match parts[..] {
        [y] => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
        [y, m] => (format!("{y:04}-{m:02}-01"), format!("{y:04}-{m:02}-{:02}", dim(y, m))),
        [y, m, d] => {
            let s = format!("{y:04}-{m:02}-{d:02}");
            (s.clone(), s)
        }
        _ => unreachable!(),
    }
}

/// Out of force at `day` (a full date), by the rule of docs/format.md, on the text.
fn out_by_hand(rec: &Value, day: &str) -> bool {
    let since = rec.get("since").and_then(Value::as_str).map(bounds);
    let until = rec.get("until").and_then(Value::as_str).map(bounds);
    if let (Some(s), Some(u)) = (&since, &until)
        && u.1 < s.0
    {
        return true;
    }
    let may_start = since.as_ref().is_none_or(|s| s.0.as_str() <= day);
    let may_end = until.as_ref().is_none_or(|u| day <= u.1.as_str());
    !(may_start && may_end)
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn date(&mut self) -> String {
        let y = 2010 + self.below(12);
        match self.below(3) {
            0 => format!("{y}"),
            1 => format!("{y}-{:02}", 1 + self.below(12)),
            _ => format!("{y}-{:02}-{:02}", 1 + self.below(12), 1 + self.below(28)),
        }
    }
}

/// Gives about half of the units, matters, items and links random dates (territories stay
/// undated, so no kept record refers to a dropped one).
fn add_dates(doc: &mut Value, rng: &mut Rng) {
    for array in ["units", "matters", "items", "links"] {
        let Some(list) = doc.get_mut(array).and_then(Value::as_array_mut) else { continue };
        for rec in list {
            let obj = rec.as_object_mut().unwrap();
            match rng.below(6) {
                0 => {
                    obj.insert("since".into(), rng.date().into());
                }
                1 => {
                    obj.insert("until".into(), rng.date().into());
                }
                2 => {
                    obj.insert("since".into(), rng.date().into());
                    obj.insert("until".into(), rng.date().into());
                }
                _ => {}
            }
        }
    }
}

/// The document without what is out of force at `day`, and without dates.
fn filter_by_hand(doc: &Value, day: &str) -> Value {
    let mut out = doc.clone();
    out.as_object_mut().unwrap().remove("meta");
    let mut dropped = std::collections::HashSet::new();
    for array in ["territories", "units", "matters", "items"] {
        let Some(list) = out.get_mut(array).and_then(Value::as_array_mut) else { continue };
        list.retain(|r| {
            let gone = out_by_hand(r, day);
            if gone {
                dropped.insert(r["id"].as_str().unwrap().to_string());
            }
            !gone
        });
        for r in list.iter_mut() {
            let o = r.as_object_mut().unwrap();
            o.remove("since");
            o.remove("until");
        }
    }
    if let Some(list) = out.get_mut("links").and_then(Value::as_array_mut) {
        list.retain(|l| {
            !out_by_hand(l, day)
                && !dropped.contains(l["from"].as_str().unwrap())
                && !dropped.contains(l["to"].as_str().unwrap())
                && l.get("scope").and_then(Value::as_str).is_none_or(|s| !dropped.contains(s))
        });
        for l in list.iter_mut() {
            let o = l.as_object_mut().unwrap();
            o.remove("since");
            o.remove("until");
        }
    }
    out
}

/// A fact without the link's index (which differs between the two documents).
fn fact_key(f: &Fact<'_>) -> String {
    match f {
        Fact::Link { from, kind, to, .. } => format!("{from} -{kind}-> {to}"),
        other => other.to_string(),
    }
}

/// Compares a view with the model filtered by hand; the number of chains with some
/// `uncertain` fact (so the caller can see the doubt was exercised).
fn compare(view: &Model, filtered: &Model, what: &str) -> usize {
    // The T rules are about the dates themselves and read the whole document, whatever
    // the view (core/tests/time_rules.rs checks them); every other rule sees the view.
    let mut config = Config::default();
    for r in tiaokuai::RULES.iter().filter(|r| r.family == tiaokuai::Family::Time) {
        config.disable(r.code).unwrap();
    }
    let (a, b) = (view.audit(&config), filtered.audit(&config));
    type Key = (String, String, Option<String>, String, Vec<String>);
    let key = |r: &tiaokuai::Report| -> Vec<Key> {
        r.findings
            .iter()
            .map(|f| {
                (
                    f.rule.to_string(),
                    f.subject.clone(),
                    f.territory.clone(),
                    f.message.clone(),
                    f.evidence.iter().map(fact_key).collect(),
                )
            })
            .collect()
    };
    assert_eq!(key(&a), key(&b), "{what}: findings differ");
    assert_eq!(a.summary, b.summary, "{what}");
    assert_eq!(a.metrics, b.metrics, "{what}: metrics differ");
    // A finding's doubts are those of the general pass over its subject, street/town and
    // evidence (the audit looks them up in a table of the view's doubtful records).
    let mut doubted = 0;
    for f in &a.findings {
        let doubt = tiaokuai::evidence::uncertain(
            view,
            [f.subject.as_str()].into_iter().chain(f.territory.as_deref()),
            &f.evidence,
        );
        assert_eq!(f.uncertain, doubt, "{what}: uncertain of {} {}", f.rule, f.subject);
        doubted += usize::from(!doubt.is_empty());
    }
    // Every query, on every record of the filtered model.
    for (n, u) in filtered.units() {
        for line in Line::ALL {
            let (x, y) = (view.chain(u.id(), line).unwrap(), filtered.chain(u.id(), line).unwrap());
            assert_eq!(x.ids().collect::<Vec<_>>(), y.ids().collect::<Vec<_>>(), "{what}: chain of {}", filtered.id(n));
            assert_eq!(
                x.evidence.iter().map(fact_key).collect::<Vec<_>>(),
                y.evidence.iter().map(fact_key).collect::<Vec<_>>()
            );
            // The chain tests its records and links as it builds (and skips the pass over its
            // evidence when none is in doubt): the doubt of the general pass, every time.
            let doubt = tiaokuai::evidence::uncertain(view, x.ids(), &x.evidence);
            assert_eq!(x.uncertain, doubt, "{what}: uncertain of the chain of {}", filtered.id(n));
            doubted += usize::from(!doubt.is_empty());
        }
    }
    let townships: Vec<String> =
        filtered.territories().filter(|(_, t)| t.kind.is_township_level()).map(|(_, t)| t.id().to_string()).collect();
    for (_, t) in filtered.territories() {
        let (x, y) = (view.responsible_for(t.id()).unwrap(), filtered.responsible_for(t.id()).unwrap());
        let blocks = |r: &tiaokuai::Responsibility<'_>| {
            let mut v = serde_json::to_value(&r.blocks).unwrap();
            for b in v.as_array_mut().unwrap() {
                for h in b["holders"].as_array_mut().unwrap() {
                    h.as_object_mut().unwrap().remove("link"); // indices differ between the documents
                }
            }
            v
        };
        assert_eq!(blocks(&x), blocks(&y), "{what}: {}", t.id());
    }
    for (_, m) in filtered.matters().take(20) {
        for t in townships.iter().take(10) {
            let (x, y) = (view.dispatch(m.id(), t).unwrap(), filtered.dispatch(m.id(), t).unwrap());
            let ids = |d: &tiaokuai::Dispatch<'_>| d.leads.iter().map(|a| a.unit.to_string()).collect::<Vec<_>>();
            assert_eq!(ids(&x), ids(&y), "{what}: dispatch {} in {t}", m.id());
            assert_eq!(x.problem, y.problem);
        }
    }
    // Whatever is out of force is absent from the view.
    for (_, r) in view.records() {
        assert!(filtered.contains(r.id()), "{what}: {} in the view only", r.id());
    }
    assert_eq!(view.count_links(), filtered.link_count(), "{what}: links");
    doubted
}

#[test]
fn views_answer_as_models_filtered_by_hand() {
    let district = tiaokuai::generate::generate(tiaokuai::generate::Scale::District, 3).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut doubted = 0;
    // The sample without its people and meetings: filter_by_hand reads records and links only.
    for (name, base) in [("sample", common::sample_without_people_or_meetings()), ("district", district)] {
        let rounds = if name == "sample" { 6 } else { 2 };
        for round in 0..rounds {
            let mut doc: Value = serde_json::from_str(&base.to_json()).unwrap();
            doc.as_object_mut().unwrap().remove("meta");
            add_dates(&mut doc, &mut rng);
            let model = Model::from_json(&doc.to_string()).unwrap();
            for day in ["2012-03-15", "2015-12-31", "2018-07-01", "2021-01-31"] {
                let view = model.at(date(day));
                let filtered = Model::from_json(&filter_by_hand(&doc, day).to_string()).unwrap();
                doubted += compare(&view, &filtered, &format!("{name} round {round} at {day}"));
            }
        }
    }
    assert!(doubted > 0, "some chains and findings rest on a record or link possibly in force");
}

// ---------------------------------------------------------------------------
// The sample in time

/// The findings at each date of the table in data/samples/README.md ("The sample in
/// time"), which the sample script's independent reference audit wrote, are the
/// library's at those dates; coverage rises and the 2015 reform shows.
#[test]
fn the_sample_in_time_matches_its_documented_table() {
    let readme = include_str!("../../data/samples/README.md");
    let start = readme.find("| date | findings |").expect("the timeline table is in data/samples/README.md");
    let mut lines = readme[start..].lines();
    let header: Vec<&str> = lines.next().unwrap().split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
    lines.next();
    let model = Model::sample();
    assert_eq!(model.date(), Some(date("2024-06-30")), "the sample is read at its as_of");
    let mut totals = Vec::new();
    let mut rows = 0;
    for line in lines.take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
        let report = model.at(date(cells[0])).audit(&Config::default());
        assert_eq!(report.findings.len().to_string(), cells[1], "findings at {}", cells[0]);
        for (rule, want) in header[2..].iter().zip(&cells[2..]) {
            assert_eq!(report.findings_of(rule).count().to_string(), *want, "{rule} at {}", cells[0]);
        }
        totals.push(report.findings.len());
        rows += 1;
    }
    assert_eq!(rows, 12);
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "coverage never falls back: {totals:?}");
    assert!(totals[0] > 4 * totals[rows - 1], "{totals:?}");
    // During 2015 the new committees are only possibly in force ("since": "2015").
    let mid = model.at(date("2015-06-30"));
    let chain = mid.chain("yyl-sqdw", Line::Leadership).unwrap();
    assert!(chain.uncertain.iter().any(|f| f.to_string() == r#"yyl-gw.since = "2015""#), "{:?}", chain.uncertain);
    // Before the reform the street's community Party working committee led it.
    let before = model.at(date("2014-06-30"));
    let c = before.responsible_for("310113003").unwrap();
    let holders: Vec<&str> = c.blocks[0].holders.iter().map(|h| h.id.as_ref()).collect();
    assert!(holders.contains(&"yyl-sqgw") && !holders.contains(&"yyl-gw"), "{holders:?}");
}
