//! Issue #12, succession and the T rules: `succeeded_by` links (load errors, round
//! trip, lookups that follow them, history) and a differential check of T001–T004
//! against a brute force that walks every day of a small calendar.

use proptest::prelude::*;
use serde_json::{Value, json};
use tiaokuai::{Config, Error, LinkKind, Model, RecordType, SuccessionEvent, time};

fn load(body: &str) -> Result<Model, Error> {
    Model::from_json(&format!(r#"{{"format": "tiaokuai/1", {body}}}"#))
}

const MERGE: &str = r#""meta": {"as_of": "2021-01-01"},
  "territories": [
    {"id": "310113", "name": "宝山区", "kind": "district"},
    {"id": "310113003", "name": "友谊路街道", "kind": "street", "parent": "310113", "until": "2020-05-31"},
    {"id": "310113004", "name": "吴淞街道", "kind": "street", "parent": "310113", "until": "2020-05-31"},
    {"id": "310113099", "name": "新街道", "kind": "street", "parent": "310113", "since": "2020-06-01"}],
  "units": [
    {"id": "gw", "name": "党工委", "kind": "party_working_committee", "until": "2020-05-31"},
    {"id": "gw2", "name": "新党工委", "kind": "party_working_committee", "since": "2020-06-01"}],
  "links": [
    {"from": "gw", "to": "310113003", "kind": "jurisdiction", "since": "2015", "until": "2020-05-31"},
    {"from": "gw2", "to": "310113099", "kind": "jurisdiction", "since": "2020-06-01"},
    {"from": "310113003", "to": "310113099", "kind": "succeeded_by", "event": "merge"},
    {"from": "310113004", "to": "310113099", "kind": "succeeded_by", "event": "merge"},
    {"from": "gw", "to": "gw2", "kind": "succeeded_by", "event": "rename"}]"#;

#[test]
fn succeeded_by_loads_writes_back_and_keeps_its_event() {
    let model = load(MERGE).unwrap();
    let json = model.to_json();
    assert_eq!(Model::from_json(&json).unwrap().to_json(), json, "round trip exact");
    assert!(json.contains(r#""kind":"succeeded_by","event":"merge""#), "{json}");
    let dir = std::env::temp_dir().join(format!("tiaokuai-succession-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    model.write_csv_dir(&dir).unwrap();
    let links = std::fs::read_to_string(dir.join("links.csv")).unwrap();
    assert!(links.starts_with("from,to,kind,primary,power,role,scope,members,event,since,until,attrs\n"));
    assert!(links.contains("310113003,310113099,succeeded_by,,,,,,merge,,,"), "{links}");
    assert_eq!(Model::from_csv_dir(&dir).unwrap().to_json(), json);
    std::fs::remove_dir_all(&dir).unwrap();
    let custom = MERGE.replace(r#""event": "rename""#, r#""event": "x-reorganise""#);
    let m = load(&custom).unwrap();
    assert!(m.to_json().contains(r#""event":"x-reorganise""#));
}

#[test]
fn bad_successions_are_clear_errors() {
    // An unknown event names the link, the field and the word.
    let bad = MERGE.replace(r#""event": "rename""#, r#""event": "renamed""#);
    let e = load(&bad).unwrap_err().to_string();
    assert!(e.starts_with(r#"links[4] (from "gw"): field "event": unknown succession event "renamed""#), "{e}");
    // An event on another kind of link.
    let e = load(&MERGE.replace(r#""jurisdiction", "since": "2020-06-01"}"#, r#""jurisdiction", "event": "merge"}"#))
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(e.contains(r#"field "event": only applies to "succeeded_by" links"#), "{e}");
    // Different record types at the two ends.
    let e = load(&MERGE.replace(r#""from": "gw", "to": "gw2""#, r#""from": "gw", "to": "310113099""#)).unwrap_err();
    assert!(matches!(e, Error::WrongEndpoint { expected: RecordType::Unit, found: RecordType::Territory, .. }), "{e}");
    assert!(
        e.to_string().starts_with(
            r#"links[4] (from "gw"): "to" names "310113099", a territory, but a "succeeded_by" link from a unit "gw" needs a unit"#
        ),
        "{e}"
    );
    // A loop of successions names the ids around it.
    let looped = MERGE.replace(
        r#"{"from": "gw", "to": "gw2", "kind": "succeeded_by", "event": "rename"}"#,
        r#"{"from": "310113099", "to": "310113004", "kind": "succeeded_by", "event": "split"}"#,
    );
    let e = load(&looped).unwrap_err().to_string();
    assert_eq!(
        e,
        r#"links[3] (from "310113004"): field "to": "succeeded_by" links loop: 310113099 -> 310113004 -> 310113099 (no record can succeed itself)"#
    );
}

#[test]
fn a_superseded_id_is_followed_to_its_successor_and_says_so() {
    let model = load(MERGE).unwrap(); // read at meta.as_of 2021-01-01
    let r = time::resolve(&model, "310113003").unwrap();
    assert_eq!(r.nodes, vec![model.find("310113099").unwrap()]);
    assert_eq!(r.note(&model).unwrap(), "310113003 was merged into 310113099 on 2020-06-01; answering for 310113099");
    assert_eq!(
        r.resolved_from(&model),
        json!({"id": "310113003", "via": [{"from": "310113003", "to": "310113099", "event": "merge", "on": "2020-06-01"}]})
    );
    // In force at the date: answered as asked, no note.
    let before = model.at("2019-06-30".parse().unwrap());
    let r = time::resolve(&before, "310113003").unwrap();
    assert!(!r.followed() && r.note(&before).is_none());
    assert_eq!(r.nodes, vec![before.find("310113003").unwrap()]);
    // Every record counting: nothing to follow.
    assert!(!time::resolve(&model.whole(), "310113003").unwrap().followed());
    assert!(matches!(time::resolve(&model, "nope"), Err(Error::UnknownId { .. })));
    // Across two steps (recode, then merge).
    let two = r#""territories": [
        {"id": "a", "name": "A", "kind": "street", "until": "2009-12-31"},
        {"id": "b", "name": "B", "kind": "street", "since": "2010-01-01", "until": "2020-05-31"},
        {"id": "c", "name": "C", "kind": "street", "since": "2020-06-01"}],
      "links": [{"from": "a", "to": "b", "kind": "succeeded_by", "event": "recode"},
                {"from": "b", "to": "c", "kind": "succeeded_by", "event": "merge"}]"#;
    let m = load(two).unwrap().at("2024".parse().unwrap());
    let r = time::resolve(&m, "a").unwrap();
    assert_eq!(
        r.note(&m).unwrap(),
        "a was recoded as b on 2010-01-01, then b was merged into c on 2020-06-01; answering for c"
    );
}

#[test]
fn history_lists_validity_link_changes_and_successions() {
    let model = load(MERGE).unwrap();
    let h = time::history(&model, model.find("310113003").unwrap());
    assert_eq!(h.validity.until.unwrap().to_string(), "2020-05-31");
    let changes: Vec<(String, bool)> = h.changes.iter().map(|c| (c.on.to_string(), c.gained)).collect();
    assert_eq!(changes, [("2015".to_string(), true), ("2020-05-31".to_string(), false)]);
    assert_eq!(h.successors.len(), 1);
    assert!(h.predecessors.is_empty());
    let new = time::history(&model, model.find("310113099").unwrap());
    assert_eq!(new.predecessors.len(), 2, "two streets merged into it");
    let text = new.render(&model);
    assert!(text.contains("310113004 was merged into 310113099 on 2020-06-01"), "{text}");
    let j = new.to_json(&model);
    assert_eq!(j["predecessors"][0]["from"], "310113003");
    assert_eq!(j["changes"][0]["change"], "gained");
}

// ---------------------------------------------------------------------------
// T001–T004 against a brute force over the days of a small calendar

/// Days are numbers 1..=30 standing for 2020-01-01 ..= 2020-01-30; 0 and 31 are the days
/// just outside, so open bounds reach past every stated one.
fn day(d: u32) -> String {
    format!("2020-01-{d:02}")
}

/// Optional `since` and `until`, as day numbers.
type Span = (Option<u32>, Option<u32>);
/// A link: (kind: 0 leads, 1 succeeded_by between units, 2 between territories; from; to; event; since; until).
type LinkPlan = (u8, usize, usize, usize, Option<u32>, Option<u32>);

#[derive(Debug, Clone)]
struct Plan {
    /// (parent choice, since, until) per territory; units the same with `located_in`.
    territories: Vec<(Option<usize>, Option<u32>, Option<u32>)>,
    units: Vec<(Option<usize>, Option<u32>, Option<u32>)>,
    links: Vec<LinkPlan>,
}

fn bound() -> impl Strategy<Value = Option<u32>> {
    prop::option::of(1u32..=30)
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        prop::collection::vec((prop::option::of(any::<usize>()), bound(), bound()), 1..6),
        prop::collection::vec((prop::option::of(any::<usize>()), bound(), bound()), 1..6),
        prop::collection::vec((0u8..3, any::<usize>(), any::<usize>(), 0usize..5, bound(), bound()), 0..10),
    )
        .prop_map(|(territories, units, links)| Plan { territories, units, links })
}

/// In force on day `d` by the given bounds (open when `None`).
fn holds(since: Option<u32>, until: Option<u32>, d: u32) -> bool {
    since.is_none_or(|s| s <= d) && until.is_none_or(|u| d <= u)
}

fn never(since: Option<u32>, until: Option<u32>) -> bool {
    !(0..=31).any(|d| holds(since, until, d))
}

impl Plan {
    fn document(&self) -> (String, Vec<(String, String)>) {
        let mut expected = Vec::new();
        let dated = |mut v: Value, s: Option<u32>, u: Option<u32>| {
            if let Some(s) = s {
                v["since"] = json!(day(s));
            }
            if let Some(u) = u {
                v["until"] = json!(day(u));
            }
            v
        };
        let mut territories = Vec::new();
        for (i, &(p, s, u)) in self.territories.iter().enumerate() {
            let mut t = json!({"id": format!("t{i}"), "name": "T", "kind": "street"});
            let parent = p.filter(|_| i > 0).map(|p| p % i);
            if let Some(p) = parent {
                t["parent"] = json!(format!("t{p}"));
            }
            territories.push(dated(t, s, u));
            if never(s, u) {
                expected.push(("T001".to_string(), format!("t{i}")));
            }
            if let Some(p) = parent {
                let (ps, pu) = (self.territories[p].1, self.territories[p].2);
                if !never(s, u) && !never(ps, pu) && (0..=31).any(|d| holds(s, u, d) && !holds(ps, pu, d)) {
                    expected.push(("T003".to_string(), format!("t{i}")));
                }
            }
        }
        let mut units = Vec::new();
        for (i, &(l, s, u)) in self.units.iter().enumerate() {
            let mut v = json!({"id": format!("u{i}"), "name": "U", "kind": "enterprise"});
            let loc = l.map(|l| l % self.territories.len());
            if let Some(t) = loc {
                v["located_in"] = json!(format!("t{t}"));
            }
            units.push(dated(v, s, u));
            if never(s, u) {
                expected.push(("T001".to_string(), format!("u{i}")));
            }
            if let Some(t) = loc {
                let (ps, pu) = (self.territories[t].1, self.territories[t].2);
                if !never(s, u) && !never(ps, pu) && (0..=31).any(|d| holds(s, u, d) && !holds(ps, pu, d)) {
                    expected.push(("T003".to_string(), format!("u{i}")));
                }
            }
        }
        let mut links = Vec::new();
        for &(kind, f, t, event, s, u) in &self.links {
            let (prefix, n, dates): (&str, usize, Vec<Span>) = match kind {
                2 => ("t", self.territories.len(), self.territories.iter().map(|x| (x.1, x.2)).collect()),
                _ => ("u", self.units.len(), self.units.iter().map(|x| (x.1, x.2)).collect()),
            };
            let (mut f, mut t) = (f % n, t % n);
            if kind > 0 {
                // Successions run forward in the list, so they never loop.
                if f == t {
                    continue;
                }
                if f > t {
                    std::mem::swap(&mut f, &mut t);
                }
            }
            let from = format!("{prefix}{f}");
            let mut l = json!({"from": from, "to": format!("{prefix}{t}")});
            if kind == 0 {
                l["kind"] = json!("leads");
                l = dated(l, s, u);
            } else {
                l["kind"] = json!("succeeded_by");
                l["event"] = json!(SuccessionEvent::WORDS[event]);
                l = dated(l, s, u);
            }
            links.push(l);
            if never(s, u) {
                expected.push(("T001".to_string(), from.clone()));
            }
            // T002: compare only the bounds the link states (a missing one follows the end), and
            // the link's stated dates must meet its end's.
            if (s.is_some() || u.is_some()) && !never(s, u) {
                let hit = [dates[f], dates[t]].iter().any(|&(es, eu)| {
                    let (ls, lu) = (s.or(es), u.or(eu));
                    !never(es, eu)
                        && ((0..=31).any(|d| holds(ls, lu, d) && !holds(es, eu, d))
                            || !(0..=31).any(|d| holds(s, u, d) && holds(es, eu, d)))
                });
                if hit {
                    expected.push(("T002".to_string(), from.clone()));
                }
            }
            // T004: a day between the predecessor's end and the successor's start; or, for
            // rename/recode, a day both are in force at the junction.
            if kind > 0 {
                let ((_, a_until), (b_since, _)) = (dates[f], dates[t]);
                if let (Some(end), Some(start)) = (a_until, b_since)
                    && !never(dates[f].0, dates[f].1)
                    && !never(dates[t].0, dates[t].1)
                {
                    let gap = (0..=31).any(|d| end < d && d < start);
                    let continuation = matches!(SuccessionEvent::WORDS[event], "rename" | "recode");
                    let overlap = continuation && (0..=31).any(|d| start <= d && d <= end);
                    if gap || overlap {
                        expected.push(("T004".to_string(), from.clone()));
                    }
                }
            }
        }
        let doc = json!({"format": "tiaokuai/1", "territories": territories, "units": units, "links": links});
        expected.sort();
        (doc.to_string(), expected)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The T rules equal a day-by-day brute force, at any view date (they read the document).
    #[test]
    fn time_rules_match_brute_force(plan in plan(), at in 0u32..=31) {
        let (doc, expected) = plan.document();
        let model = Model::from_json(&doc).unwrap();
        for view in [model.clone(), model.at(format!("2020-01-{:02}", at.clamp(1, 30)).parse().unwrap())] {
            let report = view.audit(&Config::default());
            let mut found: Vec<(String, String)> = report
                .findings
                .iter()
                .filter(|f| f.rule.starts_with('T'))
                .map(|f| (f.rule.to_string(), f.subject.clone()))
                .collect();
            found.sort();
            prop_assert_eq!(&found, &expected, "{}", doc);
        }
    }
}

#[test]
fn the_time_rules_are_in_the_catalogue() {
    let codes: Vec<&str> =
        tiaokuai::RULES.iter().filter(|r| r.family == tiaokuai::Family::Time).map(|r| r.code).collect();
    assert_eq!(codes, ["T001", "T002", "T003", "T004"]);
    assert_eq!(LinkKind::SucceededBy.as_str(), "succeeded_by");
}
