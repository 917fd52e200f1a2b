//! People and posts (#14): the `people` array and `holds` links in every format, the
//! checks on bad input, and the queries against brute-force answers.

use crate::common;

use serde_json::Value;
use tiaokuai::*;

/// A small street: a working committee, a street office, one community with its Party
/// branch and residents' committee, and people holding posts over a decade.
pub const PEOPLE_DOC: &str = r#"{
  "format": "tiaokuai/1",
  "meta": {"as_of": "2024-06-30"},
  "territories": [
    {"id": "st", "name": "某街道", "kind": "street", "attrs": {"population": 100000}},
    {"id": "c1", "name": "一居", "kind": "community", "parent": "st", "attrs": {"population": 5000}}
  ],
  "units": [
    {"id": "gw", "name": "街道党工委", "kind": "party_working_committee", "sector": "party", "located_in": "st"},
    {"id": "ban", "name": "街道办事处", "kind": "government", "sector": "government", "located_in": "st"},
    {"id": "c1-dzb", "name": "一居党总支", "kind": "party_general_branch", "sector": "party", "located_in": "c1"},
    {"id": "c1-jwh", "name": "一居居委会", "kind": "residents_committee", "sector": "self_governance", "located_in": "c1", "since": "2016-01-01"}
  ],
  "matters": [],
  "items": [],
  "people": [
    {"id": "p1", "name": "张三", "since": "1970"},
    {"id": "p2"},
    {"id": "p3", "name": "王五", "attrs": {"born": 1980}},
    {"id": "p4"}
  ],
  "links": [
    {"from": "gw", "to": "st", "kind": "jurisdiction"},
    {"from": "ban", "to": "st", "kind": "jurisdiction"},
    {"from": "c1-dzb", "to": "c1", "kind": "jurisdiction"},
    {"from": "gw", "to": "c1-dzb", "kind": "leads"},
    {"from": "c1-dzb", "to": "c1-jwh", "kind": "leads"},
    {"from": "p1", "to": "gw", "kind": "holds", "post": "secretary", "channel": "assigned", "since": "2015-03-01", "until": "2020-02-29"},
    {"from": "p3", "to": "gw", "kind": "holds", "post": "secretary", "since": "2020-03-01"},
    {"from": "p2", "to": "c1-dzb", "kind": "holds", "post": "secretary", "band": "chief", "grade": 12, "channel": "grassroots", "since": "2016-01-01", "until": "2020-12-31"},
    {"from": "p2", "to": "c1-dzb", "kind": "holds", "post": "secretary", "band": "chief", "grade": 13, "channel": "grassroots", "since": "2021-01-01"},
    {"from": "p2", "to": "c1-jwh", "kind": "holds", "post": "director", "band": "chief", "grade": 13, "since": "2021-01-01"},
    {"from": "p4", "to": "c1-jwh", "kind": "holds", "post": "community_worker", "band": "other", "grade": 3, "channel": "x-veteran", "since": "2019"}
  ]
}"#;

fn model() -> Model {
    Model::from_json(PEOPLE_DOC).expect("the people document loads")
}

fn value(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn people_and_holds_round_trip_through_json() {
    let m = model();
    assert_eq!(m.count(RecordType::Person), 4);
    assert!(m.has_people());
    let p2 = m.node("p2").unwrap();
    assert_eq!(m.person(p2).unwrap().name(), "", "a person without a name");
    let written = m.to_json();
    assert_eq!(value(&written), value(PEOPLE_DOC), "load then write gives the same document");
    assert_eq!(Model::from_json(&written).unwrap(), m);
    assert!(!written.contains(r#""name":"""#), "a person without a name is written without one");
}

#[test]
fn holdings_are_read_with_their_post_band_grade_and_channel() {
    let m = model();
    let holds: Vec<(String, String, Holding)> = m
        .links()
        .filter(|(_, l)| l.kind == LinkKind::Holds)
        .map(|(id, l)| (m.id(l.from).to_string(), m.id(l.to).to_string(), m.holding(id).unwrap().clone()))
        .collect();
    assert_eq!(holds.len(), 4, "at the as_of date 2024-06-30 four holds are in force: {holds:?}");
    let worker = holds.iter().find(|(p, ..)| p == "p4").unwrap();
    assert_eq!(worker.2.post, Post::CommunityWorker);
    assert_eq!(worker.2.band, Some(Band::Other));
    assert_eq!(worker.2.grade, Some(3));
    assert_eq!(worker.2.channel.as_ref().map(|c| c.as_str()), Some("x-veteran"));
    // Every other link has no holding.
    assert!(m.links().filter(|(_, l)| l.kind != LinkKind::Holds).all(|(id, _)| m.holding(id).is_none()));
}

#[test]
fn people_round_trip_through_csv_and_xlsx() {
    let m = model();
    let dir = common::TempDir::new("people-csv");
    let bundle = dir.0.join("bundle");
    m.write_csv_dir(&bundle).unwrap();
    let people = std::fs::read_to_string(bundle.join("people.csv")).unwrap();
    assert!(people.starts_with("id,name,since,until,attrs\n"), "{people}");
    let links = std::fs::read_to_string(bundle.join("links.csv")).unwrap();
    assert!(links.starts_with("from,to,kind,primary,power,role,scope,members,event,post,band,grade,channel,"));
    assert!(links.contains("p2,c1-dzb,holds,,,,,,,secretary,chief,12,grassroots,2016-01-01,2020-12-31,"), "{links}");
    let back = Model::from_csv_dir(&bundle).unwrap();
    assert_eq!(back, m);
    assert_eq!(value(&back.to_json()), value(PEOPLE_DOC));
    #[cfg(feature = "xlsx")]
    {
        let xlsx = Model::from_xlsx_bytes_with(&m.to_xlsx_bytes().unwrap(), &format::LoadOptions::default()).unwrap();
        assert_eq!(xlsx, m);
    }
}

#[test]
fn a_model_without_people_writes_what_it_wrote_before() {
    let m = common::sample_without_people_or_meetings();
    assert!(!m.has_people());
    let json = m.to_json();
    assert!(!json.contains("\"people\""), "no empty people array");
    let dir = common::TempDir::new("people-none");
    let bundle = dir.0.join("bundle");
    m.write_csv_dir(&bundle).unwrap();
    assert!(!bundle.join("people.csv").exists());
    let links = std::fs::read_to_string(bundle.join("links.csv")).unwrap();
    assert!(links.starts_with("from,to,kind,primary,power,role,scope,members,event,since,until,attrs\n"), "{links}");
    assert_eq!(Model::from_csv_dir(&bundle).unwrap(), m);
}

/// The error of loading the people document with `from` replaced by `to` (once).
fn error_with(from: &str, to: &str) -> String {
    assert!(PEOPLE_DOC.contains(from), "{from}");
    Model::from_json(&PEOPLE_DOC.replacen(from, to, 1)).unwrap_err().to_string()
}

#[test]
fn bad_people_input_is_a_clear_error_naming_record_field_and_id() {
    let grade = error_with(r#""grade": 12"#, r#""grade": 19"#);
    assert!(grade.contains("links[7]") && grade.contains("\"p2\"") && grade.contains("grade"), "{grade}");
    assert!(grade.contains("1 to 18, not 19"), "{grade}");
    let zero = error_with(r#""grade": 12"#, r#""grade": 0"#);
    assert!(zero.contains("not 0"), "{zero}");
    let negative = error_with(r#""grade": 12"#, r#""grade": -2"#);
    assert!(negative.contains("grade"), "{negative}");
    let band = error_with(r#""band": "chief", "grade": 12"#, r#""band": "x-senior", "grade": 12"#);
    assert!(band.contains("unknown band \"x-senior\"") && band.contains("links[7]"), "{band}");
    let channel = error_with(r#""channel": "grassroots""#, r#""channel": "elected""#);
    assert!(channel.contains("unknown channel \"elected\"") && channel.contains("x-"), "{channel}");
    let post = error_with(r#""post": "director""#, r#""post": "chairman""#);
    assert!(post.contains("unknown post \"chairman\""), "{post}");
    let missing = error_with(r#""post": "secretary", "since": "2020-03-01""#, r#""since": "2020-03-01""#);
    assert!(missing.contains("links[6]") && missing.contains("\"post\"") && missing.contains("required"), "{missing}");
    let band_without_post = error_with(r#""post": "director", "#, "");
    assert!(band_without_post.contains("links[9]") && band_without_post.contains("post"), "{band_without_post}");
    let from_unit = error_with(r#"{"from": "p4", "to": "c1-jwh""#, r#"{"from": "gw", "to": "c1-jwh""#);
    assert!(from_unit.contains("\"gw\"") && from_unit.contains("person") && from_unit.contains("from"), "{from_unit}");
    let to_place = error_with(r#"{"from": "p4", "to": "c1-jwh""#, r#"{"from": "p4", "to": "c1""#);
    assert!(to_place.contains("\"c1\"") && to_place.contains("unit") && to_place.contains("to"), "{to_place}");
    let on_leads = error_with(r#""kind": "leads"}"#, r#""kind": "leads", "post": "head"}"#);
    assert!(on_leads.contains("post") && on_leads.contains("only applies to \"holds\""), "{on_leads}");
    let band_alone = error_with(r#""kind": "leads"}"#, r#""kind": "leads", "band": "chief"}"#);
    assert!(band_alone.contains("band"), "{band_alone}");
    let person_id = error_with(r#"{"id": "p2"}"#, r#"{"id": ""}"#);
    assert!(person_id.contains("people[1]") && person_id.contains("id"), "{person_id}");
    let dup = error_with(r#"{"id": "p2"}"#, r#"{"id": "gw"}"#);
    assert!(dup.contains("gw") && dup.contains("people[1]"), "{dup}");
    let unknown = error_with(r#"{"id": "p2"}"#, r#"{"id": "p2", "kind": "x"}"#);
    assert!(unknown.contains("people[1]") && unknown.contains("kind"), "{unknown}");
}

#[test]
fn bad_people_input_in_a_csv_bundle_names_file_and_line() {
    let dir = common::TempDir::new("people-bad-csv");
    let bundle = dir.0.join("bundle");
    model().write_csv_dir(&bundle).unwrap();
    let links = std::fs::read_to_string(bundle.join("links.csv")).unwrap();
    std::fs::write(bundle.join("links.csv"), links.replacen(",chief,12,", ",chief,40,", 1)).unwrap();
    let err = Model::from_csv_dir(&bundle).unwrap_err().to_string();
    assert!(err.contains("links.csv") && err.contains("grade") && err.contains("not 40"), "{err}");
}

#[test]
fn the_builder_takes_people_and_holdings() {
    let mut b = Model::builder();
    b.unit(UnitSpec::new("u", "U", UnitKind::PartyBranch)).unwrap();
    b.person(PersonSpec::new("p").name("甲")).unwrap();
    b.link(LinkSpec::new("p", "u", LinkKind::Holds).holding(Holding::new(Post::Secretary).grade(7))).unwrap();
    let err = b.link(LinkSpec::new("p", "u", LinkKind::Holds).holding(Holding::new(Post::Secretary).grade(0)));
    assert!(err.unwrap_err().to_string().contains("grade"), "grade 0 refused");
    let err = b.link(LinkSpec::new("p", "u", LinkKind::Holds)).unwrap_err().to_string();
    assert!(err.contains("post") && err.contains("required"), "{err}");
    let m = b.build().unwrap();
    let (id, _) = m.links().next().unwrap();
    assert_eq!(m.holding(id), Some(&Holding::new(Post::Secretary).grade(7)));
}

#[test]
fn people_are_records_seen_by_views_and_the_graph() {
    let m = model();
    // p1 is in force from 1970: not in a view of 1960; its holds link is out as well.
    let old = m.at("1960".parse().unwrap());
    assert!(old.node("p1").is_none());
    assert_eq!(old.count(RecordType::Person), 3);
    let p1 = m.node("p1").unwrap();
    assert_eq!(m.graph()[petgraph_index(p1)].record_type(), RecordType::Person);
    assert!(matches!(m.record(p1), RecordRef::Person(_)));
    assert_eq!(m.record(p1).record_type().array(), "people");
}

fn petgraph_index(n: Node) -> petgraph::stable_graph::NodeIndex<u32> {
    petgraph::stable_graph::NodeIndex::new(n.index())
}

// ---------------------------------------------------------------------------
// Queries against brute force: the document's JSON read with date arithmetic of our own.

/// The first and last day a date of the format stands for, as (year, month, day).
fn bounds(s: &str) -> ((u32, u32, u32), (u32, u32, u32)) {
    let parts: Vec<u32> = s.split('-').map(|p| p.parse().unwrap()).collect();
    let leap = |y: u32| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let last_of = |y: u32, m: u32| match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match parts.as_slice() {
        [y] => ((*y, 1, 1), (*y, 12, 31)),
        [y, m] => ((*y, *m, 1), (*y, *m, last_of(*y, *m))),
        [y, m, d] => ((*y, *m, *d), (*y, *m, *d)),
        _ => panic!("{s}"),
    }
}

/// Not out of force on `day`: some reading of the dates covers it.
fn kept(v: &Value, day: (u32, u32, u32)) -> bool {
    let since = v.get("since").and_then(Value::as_str).is_none_or(|s| bounds(s).0 <= day);
    let until = v.get("until").and_then(Value::as_str).is_none_or(|u| bounds(u).1 >= day);
    since && until
}

fn doc() -> Value {
    value(PEOPLE_DOC)
}

fn record<'a>(doc: &'a Value, id: &str) -> &'a Value {
    ["territories", "units", "people"].iter().flat_map(|a| doc[*a].as_array().unwrap()).find(|r| r["id"] == id).unwrap()
}

/// (person, unit, post, link index) of the holds links kept on `day`, by brute force.
fn brute_holds(day: (u32, u32, u32)) -> Vec<(String, String, String, usize)> {
    let d = doc();
    d["links"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, l)| l["kind"] == "holds")
        .filter(|(_, l)| {
            kept(l, day)
                && kept(record(&d, l["from"].as_str().unwrap()), day)
                && kept(record(&d, l["to"].as_str().unwrap()), day)
        })
        .map(|(i, l)| {
            let s = |k: &str| l[k].as_str().unwrap().to_string();
            (s("from"), s("to"), s("post"), i)
        })
        .collect()
}

const DAYS: [&str; 9] = [
    "2014-06-01",
    "2015-03-01",
    "2016-01-01",
    "2019-06-30",
    "2020-02-29",
    "2020-03-01",
    "2020-12-31",
    "2021-01-01",
    "2024-06-30",
];

fn ymd(s: &str) -> (u32, u32, u32) {
    bounds(s).0
}

#[test]
fn holders_and_posts_match_brute_force_at_every_date() {
    let m = model();
    for day in DAYS {
        let view = m.at(day.parse().unwrap());
        let expected = brute_holds(ymd(day));
        for unit in ["gw", "ban", "c1-dzb", "c1-jwh"] {
            let want: Vec<_> =
                expected.iter().filter(|e| e.1 == unit).map(|e| (e.0.clone(), e.2.clone(), e.3)).collect();
            let got = match view.holders(unit) {
                Ok(h) => h.iter().map(|h| (h.person.to_string(), h.post.to_string(), h.link)).collect(),
                Err(Error::NotInForce { .. }) => vec![],
                Err(e) => panic!("{e}"),
            };
            assert_eq!(got, want, "holders of {unit} at {day}");
        }
        for person in ["p1", "p2", "p3", "p4"] {
            let want: Vec<_> =
                expected.iter().filter(|e| e.0 == person).map(|e| (e.1.clone(), e.2.clone(), e.3)).collect();
            let got = match view.posts(person) {
                Ok(h) => h.iter().map(|h| (h.unit.to_string(), h.post.to_string(), h.link)).collect(),
                Err(Error::NotInForce { .. }) => vec![],
                Err(e) => panic!("{e}"),
            };
            assert_eq!(got, want, "posts of {person} at {day}");
        }
    }
}

#[test]
fn concurrent_posts_are_all_listed() {
    // 一肩挑: p2 is both secretary of the branch and director of the committee in 2024.
    let m = model();
    let posts = m.posts("p2").unwrap();
    let held: Vec<(&str, String)> = posts.iter().map(|p| (p.unit.as_ref(), p.post.to_string())).collect();
    assert_eq!(held, [("c1-dzb", "secretary".to_string()), ("c1-jwh", "director".to_string())]);
    assert!(posts.iter().all(|p| p.principal));
    let json = serde_json::to_value(&posts).unwrap();
    assert_eq!(json[0]["grade"], 13);
    assert!(json[0].get("person_name").is_none(), "no name, no field: {json}");
}

/// Days covered by some term of the group, day by day, up to `day`.
fn brute_days(person: &str, unit: &str, post: &str, day: &str) -> i64 {
    let d = doc();
    let terms: Vec<&Value> = d["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "holds" && l["from"] == person && l["to"] == unit && l["post"] == post)
        .collect();
    let mut count = 0;
    let mut cur: Date = "2000-01-01".parse().unwrap();
    let end: Date = day.parse().unwrap();
    while cur <= end {
        let c = ymd(&cur.to_string());
        if terms.iter().any(|t| kept(t, c)) {
            count += 1;
        }
        cur = cur.next_day().unwrap();
    }
    count
}

#[test]
fn tenure_matches_day_by_day_counting() {
    let m = model();
    for day in ["2019-06-30", "2021-01-01", "2024-06-30"] {
        let view = m.at(day.parse().unwrap());
        for t in view.tenure(None, None).unwrap() {
            let want = brute_days(&t.person, &t.unit, t.post.as_str(), day);
            assert_eq!(t.days, Some(want), "{t:?} at {day}");
        }
    }
    let view = m.at("2024-06-30".parse().unwrap());
    let p2 = view.tenure(Some("p2"), Some("c1-dzb")).unwrap();
    assert_eq!(p2.len(), 1);
    assert_eq!((p2[0].terms, p2[0].current), (2, true), "two terms as secretary");
    assert_eq!(p2[0].since.map(|d| d.to_string()).as_deref(), Some("2016-01-01"));
    let p1 = view.tenure(Some("p1"), None).unwrap();
    assert!(!p1[0].current, "p1 left in 2020");
    assert_eq!(
        p1[0].years,
        Some(((brute_days("p1", "gw", "secretary", "2024-06-30") as f64) / 365.2425 * 100.0).round() / 100.0)
    );
    assert!(matches!(view.tenure(Some("gw"), None), Err(Error::WrongRecordType { .. })));
}

#[test]
fn chains_and_blocks_name_each_steps_principal_at_the_date() {
    let m = model();
    for day in DAYS {
        let view = m.at(day.parse().unwrap());
        let Ok(chain) = view.chain("c1-dzb", Line::Leadership) else { continue };
        let brute = brute_holds(ymd(day));
        for step in &chain.steps {
            let unit = view.get(&step.id).unwrap().as_unit().unwrap();
            let post = tiaokuai::people::principal_post(&unit.kind).to_string();
            let mut want: Vec<_> = brute.iter().filter(|b| b.1 == *step.id && b.2 == post).collect();
            // Several holders (P002): the latest start, then the first link.
            want.sort_by_key(|b| b.3);
            let got = step.principal.as_ref().map(|p| (p.person.to_string(), p.link));
            assert_eq!(got.is_some(), !want.is_empty(), "{} at {day}", step.id);
            if want.len() == 1 {
                assert_eq!(got, Some((want[0].0.clone(), want[0].3)), "{} at {day}", step.id);
            }
        }
    }
    let at2018 = m.at("2018-01-01".parse().unwrap());
    let chain = at2018.chain("c1-dzb", Line::Leadership).unwrap();
    let names: Vec<_> = chain.steps.iter().map(|s| s.principal.as_ref().map(|p| p.person.to_string())).collect();
    assert_eq!(names, [Some("p2".into()), Some("p1".into())]);
    let block = at2018.responsible_for("c1").unwrap();
    assert_eq!(block.blocks[0].holders[0].principal.as_ref().map(|p| p.person.as_ref()), Some("p2"));
    let json = serde_json::to_value(&chain).unwrap();
    assert_eq!(json["steps"][1]["principal"]["post"], "secretary");
    assert_eq!(json["steps"][1]["principal"]["name"], "张三");
}

#[test]
fn answers_of_a_model_without_people_have_no_principal_field() {
    let m = common::sample_without_people_or_meetings();
    let (unit, _) = m.units().next().unwrap();
    let chain = m.chain(m.id(unit), Line::All).unwrap();
    assert!(!serde_json::to_string(&chain).unwrap().contains("principal"));
    let t = m.territories().last().unwrap().0;
    let block = m.responsible_for(m.id(t)).unwrap();
    assert!(!serde_json::to_string(&block).unwrap().contains("principal"));
}

// ---------------------------------------------------------------------------
// Rules P001–P005

fn findings(m: &Model, config: &Config, rule: &str) -> Vec<(String, String)> {
    m.audit(config).findings_of(rule).map(|f| (f.subject.clone(), f.message.clone())).collect()
}

#[test]
fn p001_finds_a_vacant_principal_at_the_date_only_for_staffed_kinds() {
    let m = model();
    let c = Config::default();
    assert!(findings(&m, &c, "P001").is_empty(), "every staffed unit has its principal in 2024");
    let f = findings(&m.at("2015-06-01".parse().unwrap()), &c, "P001");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "c1-dzb");
    assert!(f[0].1.contains("no secretary at 2015-06-01"), "{}", f[0].1);
    // The street office has no head, but no government is staffed in this data: no finding.
    assert!(!findings(&m, &c, "P001").iter().any(|(s, _)| s == "ban"));
    // Vacant after a term ended: the message says who held it last and until when.
    let gap = Model::from_json(
        &PEOPLE_DOC
            .replace(r#""post": "secretary", "since": "2020-03-01""#, r#""post": "secretary", "since": "2020-09-01""#),
    )
    .unwrap();
    let f = findings(&gap.at("2020-06-01".parse().unwrap()), &c, "P001");
    // gw between its secretaries; c1-jwh before its first director (2021), which it had later.
    assert_eq!(f.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["gw", "c1-jwh"], "{f:?}");
    assert!(f[0].1.contains("the last, \"p1\", held the post until 2020-02-29"), "{}", f[0].1);
}

#[test]
fn p002_finds_two_principals_on_the_same_day() {
    let c = Config::default();
    assert!(findings(&model(), &c, "P002").is_empty());
    let overlap = Model::from_json(
        &PEOPLE_DOC
            .replace(r#""post": "secretary", "since": "2020-03-01""#, r#""post": "secretary", "since": "2019-07-01""#),
    )
    .unwrap();
    let f = findings(&overlap, &c, "P002");
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].1.contains("two people in its single-holder post secretary"), "{}", f[0].1);
    assert!(f[0].1.contains("from 2019-07-01 until 2020-02-29"), "{}", f[0].1);
    // The same person's consecutive terms are not two principals.
    assert!(!findings(&model(), &c, "P002").iter().any(|(s, _)| s == "c1-dzb"));
}

#[test]
fn p003_checks_grades_against_the_configured_bands() {
    let m = model();
    assert!(findings(&m, &Config::default(), "P003").is_empty());
    let high =
        Model::from_json(&PEOPLE_DOC.replace(r#""band": "other", "grade": 3"#, r#""band": "other", "grade": 13"#))
            .unwrap();
    let f = findings(&high, &Config::default(), "P003");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "p4");
    assert!(f[0].1.contains("grade 13, outside band other (grades 1–12)"), "{}", f[0].1);
    let strict = Config::from_toml_str("[thresholds]\nother_grades = [1, 2]\n").unwrap();
    assert_eq!(findings(&m, &strict, "P003").len(), 1);
    let bad = Config::from_toml_str("[thresholds]\nother_grades = [5, 2]\n").unwrap_err().to_string();
    assert!(bad.contains("thresholds.other_grades"), "{bad}");
}

#[test]
fn p004_compares_community_workers_with_residents() {
    let m = model();
    let f = findings(&m, &Config::default(), "P004");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "st");
    assert!(f[0].1.contains("has 1 community workers at 2024-06-30 for 100000 residents"), "{}", f[0].1);
    assert!(f[0].1.contains("at least 180"), "{}", f[0].1);
    let lax = Config::from_toml_str("[thresholds]\nworkers_per_10000 = 0\n").unwrap();
    assert!(findings(&m, &lax, "P004").is_empty());
}

#[test]
fn p005_finds_a_committee_without_cross_appointment() {
    let c = Config::default();
    assert!(findings(&model(), &c, "P005").is_empty(), "p2 is secretary and director (一肩挑)");
    let apart =
        Model::from_json(&PEOPLE_DOC.replace(r#"{"from": "p2", "to": "c1-jwh""#, r#"{"from": "p3", "to": "c1-jwh""#))
            .unwrap();
    let f = findings(&apart, &c, "P005");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "c1-dzb");
    // p2 is still the director but no longer the secretary at the date, and the branch's
    // committee member p1 holds nothing in the committee: a secretary out of the view does not
    // make the committee cross-appointed.
    let term = r#""grade": 13, "channel": "grassroots", "since": "2021-01-01"}"#;
    let ended = PEOPLE_DOC.replace(
        term,
        r#""grade": 13, "channel": "grassroots", "since": "2021-01-01", "until": "2023-12-31"},
    {"from": "p1", "to": "c1-dzb", "kind": "holds", "post": "committee_member", "since": "2021-01-01"}"#,
    );
    assert_ne!(ended, PEOPLE_DOC);
    let ended = Model::from_json(&ended).unwrap();
    let f = findings(&ended, &c, "P005");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "c1-dzb");
    // While both terms ran (2022), p2 was secretary and director: nothing to report.
    assert!(findings(&ended.at("2022-06-30".parse().unwrap()), &c, "P005").is_empty());
}

#[test]
fn a_model_without_people_gets_no_p_findings() {
    let report = common::sample_without_people_or_meetings().audit(&Config::default());
    assert!(report.findings.iter().all(|f| !f.rule.starts_with('P')));
    // The people document with its people and holds removed: still none.
    let mut d = doc();
    d.as_object_mut().unwrap().remove("people");
    let links: Vec<Value> = d["links"].as_array().unwrap().iter().filter(|l| l["kind"] != "holds").cloned().collect();
    d["links"] = Value::Array(links);
    let bare = Model::from_json(&d.to_string()).unwrap();
    assert!(bare.audit(&Config::default()).findings.iter().all(|f| !f.rule.starts_with('P')));
}

#[test]
fn a_post_in_a_unit_that_did_not_exist_then_is_t002() {
    let early = Model::from_json(
        &PEOPLE_DOC.replace(r#""channel": "x-veteran", "since": "2019""#, r#""channel": "x-veteran", "since": "2015""#),
    )
    .unwrap();
    let f = findings(&early, &Config::default(), "T002");
    assert!(f.iter().any(|(s, m)| s == "p4" && m.contains("c1-jwh")), "{f:?}");
}

// ---------------------------------------------------------------------------
// Metrics

#[test]
fn people_metrics_count_vacancies_tenure_one_shoulder_and_mixes() {
    let m = model();
    let pm = tiaokuai::people::metrics(&m);
    assert_eq!(pm.townships.len(), 1);
    let st = &pm.townships[0];
    // gw, ban (government: no head), c1-dzb, c1-jwh.
    assert_eq!((st.principal_units, st.vacancies), (4, 1));
    // Secretaries of gw (p3 since 2020-03-01) and c1-dzb (p2, two terms from 2016-01-01).
    assert_eq!(st.secretaries, 2);
    let want =
        brute_days("p3", "gw", "secretary", "2024-06-30") + brute_days("p2", "c1-dzb", "secretary", "2024-06-30");
    assert_eq!(st.secretary_days as i64, want);
    assert_eq!((st.led_committees, st.cross_appointed), (1, 1));
    assert_eq!((st.villages, st.one_shoulder), (0, 0), "a residents' committee is not a village");
    assert_eq!(st.community_workers, 1);
    assert_eq!(st.bands, [0, 0, 1, 0]);
    assert_eq!(st.channels, [0, 0, 0, 1, 0]);
    assert_eq!(st.vacancy_rate, Some(0.25));
    // A village: the committee becomes a villagers' committee, its director the secretary (一肩挑).
    let village =
        Model::from_json(&PEOPLE_DOC.replace(r#""kind": "residents_committee""#, r#""kind": "villagers_committee""#))
            .unwrap();
    let v = &tiaokuai::people::metrics(&village).townships[0];
    assert_eq!((v.villages, v.one_shoulder, v.one_shoulder_rate), (1, 1, Some(1.0)));
    // Without people: zero counts, no rates.
    let none = tiaokuai::people::metrics(&common::sample_without_people_or_meetings());
    assert!(none.townships.iter().all(|a| a.secretaries == 0 && a.vacancy_rate.is_none()));
}

// ---------------------------------------------------------------------------
// The generator (`generate --people`)

/// The ids a gap code marks: on a `holds` link, its unit (`to`) or, for P003, its person
/// (`from`); on a record, the record.
#[cfg(feature = "divisions")]
fn marked(model: &Model, code: &str) -> std::collections::BTreeSet<String> {
    let has = |a: Option<&Attrs>| {
        a.and_then(|a| a.get("gaps")).and_then(|g| g.as_array().cloned()).is_some_and(|g| g.iter().any(|c| c == code))
    };
    let mut out = std::collections::BTreeSet::new();
    for (id, l) in model.document_links() {
        if l.kind == LinkKind::Holds && has(model.link_attrs(id)) {
            out.insert(model.id(if code == "P003" { l.from } else { l.to }).to_string());
        }
    }
    for (n, t) in model.territories() {
        if has(t.attrs.as_ref()) {
            out.insert(model.id(n).to_string());
        }
    }
    out
}

/// `generate --people`: the audit at a date finds exactly the P-gaps the generator marks,
/// every principal unit but the marked vacancies has its principal, the workers meet the
/// Shanghai ratio except in the marked townships, and villages are mostly 一肩挑.
#[cfg(feature = "divisions")]
#[test]
fn generated_people_and_their_p_gaps_are_found_exactly() {
    use std::collections::BTreeSet;
    use tiaokuai::generate::{GenerateOptions, Scale};
    // The first seed from 5 whose 13 townships include a short one (P004 is drawn per township, 4 %).
    let (seed, full) = (5..30)
        .map(|seed| (seed, GenerateOptions::new(Scale::District, seed).people(true).generate().unwrap()))
        .find(|(_, m)| !marked(m, "P004").is_empty())
        .expect("a seed with a P004 gap");
    assert!(full.has_people());
    let model = full.at("2024-06-30".parse().unwrap());
    let report = model.audit(&Config::default());
    for code in ["P001", "P002", "P003", "P004", "P005"] {
        let found: BTreeSet<String> = report.findings_of(code).map(|f| f.subject.clone()).collect();
        let want = marked(&full, code);
        assert!(!want.is_empty(), "seed {seed} has {code} gaps");
        assert_eq!(found, want, "{code}");
    }
    let pm = tiaokuai::people::metrics(&model);
    let city = &pm.cities[0];
    assert!(city.principal_units > 1000 && city.vacancies == marked(&full, "P001").len() as u64);
    assert!(city.one_shoulder_rate.unwrap() > 0.3 && city.cross_appointment_rate.unwrap() > 0.9);
    assert!(city.secretary_tenure_years.unwrap() > 1.0);
    // Every township's workers meet 18 per 10,000 residents unless marked P004.
    let short = marked(&full, "P004");
    for t in &pm.townships {
        let pop = full.record(full.node(&t.id).unwrap()).attrs().unwrap().get("population").unwrap().as_u64().unwrap();
        assert_eq!(t.community_workers * 10_000 >= 18 * pop, !short.contains(&t.id), "{}", t.id);
    }
    assert_eq!(city.bands.iter().sum::<u64>(), city.community_workers);
    // Same seed, same people.
    let again = GenerateOptions::new(Scale::District, seed).people(true).generate().unwrap();
    assert_eq!(again.to_json(), full.to_json());
}

/// Without `--people` the generator's output is byte for byte what it was before people
/// existed (SHA-256 of `tiaokuai generate --scale district --seed 1` at commit 090fb2a),
/// and with it the other records and links are those of the model without people.
#[cfg(feature = "divisions")]
#[test]
fn generating_without_people_is_unchanged() {
    use sha2::{Digest, Sha256};
    use tiaokuai::generate::{GenerateOptions, Scale};
    let plain = GenerateOptions::new(Scale::District, 1).generate().unwrap();
    let json = plain.to_json();
    let hex: String = Sha256::digest(json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "63b67df6b6c59d6c99479409c26094eb409f9101a05707f4496cf26d610e8a09");
    assert!(!plain.has_people());
    let people = GenerateOptions::new(Scale::District, 1).people(true).generate().unwrap();
    let holds = people.document_links().filter(|(_, l)| l.kind == LinkKind::Holds).count();
    assert_eq!(people.link_count(), plain.link_count() + holds);
    assert_eq!(people.len(), plain.len() + people.count(RecordType::Person));
}

/// The holding of every link of a generated model with people, read through the dense
/// side table, is the one its JSON gives (`post`, `band`, `grade`, `channel` on exactly the
/// `holds` links): links on both sides of every 64-link word boundary included.
#[cfg(feature = "divisions")]
#[test]
fn every_links_holding_is_the_one_its_json_gives() {
    use tiaokuai::generate::{GenerateOptions, Scale};
    let model = GenerateOptions::new(Scale::District, 3).people(true).generate().unwrap();
    let doc = value(&model.to_json());
    let links = doc["links"].as_array().unwrap();
    assert_eq!(links.len(), model.link_count());
    assert!(links.len() > 1000, "many words of 64 links");
    let mut holds = 0;
    for (id, l) in model.document_links() {
        let json = &links[id.index()];
        let got = model.holding(id).map(|h| {
            (
                Value::from(h.post.as_str()),
                h.band.map_or(Value::Null, |b| Value::from(b.as_str())),
                h.grade.map_or(Value::Null, Value::from),
                h.channel.as_ref().map_or(Value::Null, |c| Value::from(c.as_str())),
            )
        });
        let want = (l.kind == LinkKind::Holds)
            .then(|| (json["post"].clone(), json["band"].clone(), json["grade"].clone(), json["channel"].clone()));
        assert_eq!(got, want, "links[{}]", id.index());
        holds += usize::from(want.is_some());
    }
    assert!(holds > 100 && holds < links.len(), "both kinds of link");
}

/// The principal of every unit of a generated model, at dates before, during and after the
/// changes of hands and in the whole document, is the brute-force answer: among the unit's
/// `holds` links of its principal post in the view, the latest start (no start earliest),
/// then the first in document order.
#[cfg(feature = "divisions")]
#[test]
fn every_units_principal_matches_brute_force_at_several_dates() {
    use tiaokuai::generate::{GenerateOptions, Scale};
    let full = GenerateOptions::new(Scale::District, 3).people(true).generate().unwrap();
    let views = [
        full.whole(),
        full.at("2011-06-30".parse().unwrap()),
        full.at("2014".parse().unwrap()),
        full.at("2019-06-30".parse().unwrap()),
        full.at("2024-06-30".parse().unwrap()),
    ];
    let (mut named, mut holders) = (0, 0);
    for view in &views {
        for (n, u) in view.units() {
            let post = tiaokuai::people::principal_post(&u.kind);
            let want = view
                .all_links_to(n)
                .filter(|(id, l)| l.kind == LinkKind::Holds && view.holding(*id).is_some_and(|h| h.post == post))
                .max_by_key(|(id, l)| (l.validity.since.map(|d| d.first_day()), std::cmp::Reverse(id.index())))
                .map(|(id, l)| (view.id(l.from).to_string(), id.index()));
            let got = tiaokuai::people::principal(view, n).map(|p| (p.person.to_string(), p.link));
            assert_eq!(got, want, "{} at {:?}", view.id(n), view.date());
            named += usize::from(got.is_some());
        }
        // A chain names each step's principal: the same answer, looked up for all steps at once.
        for (n, _) in view.units().step_by(7) {
            let chain = tiaokuai::query::chain(view, n, Line::Leadership);
            for step in &chain.steps {
                let unit = view.node(&step.id).unwrap();
                assert_eq!(
                    step.principal.as_deref(),
                    tiaokuai::people::principal(view, unit).as_ref(),
                    "{} at {:?}",
                    step.id,
                    view.date()
                );
            }
        }
        // So does a place's block chain, for each holder of each block.
        for (t, _) in view.territories().step_by(5) {
            for block in tiaokuai::query::responsible_for(view, t).blocks {
                for holder in &block.holders {
                    let unit = view.node(&holder.id).unwrap();
                    let want = tiaokuai::people::principal(view, unit);
                    assert_eq!(holder.principal.as_deref(), want.as_ref(), "{} at {:?}", holder.id, view.date());
                    holders += usize::from(want.is_some());
                }
            }
        }
    }
    assert!(named > 1000, "principals named: {named}");
    assert!(holders > 100, "holders with a principal: {holders}");
    p002_units_match_a_pairwise_brute_force_at_several_dates(&full);
    p005_matches_a_brute_force_at_several_dates(&full);
}

/// P002's units, which the audit now takes from the posts gathered once per document, are
/// those where a brute-force comparison of every pair of terms finds two people in one
/// single-holder post on a day (the whole document's terms, a reduced date read as its
/// latest start and earliest end), among the units of the view, at several dates.
/// (Called by `every_units_principal_matches_brute_force_at_several_dates`, on its model:
/// one generated model for both.)
#[cfg(feature = "divisions")]
fn p002_units_match_a_pairwise_brute_force_at_several_dates(full: &Model) {
    use std::collections::BTreeSet;
    let whole = full.whole();
    // Per unit: (post, latest start, earliest end, link, person) of its single-holder terms.
    let mut terms: std::collections::BTreeMap<Node, Vec<_>> = Default::default();
    for (id, l) in whole.links() {
        let Some(h) = whole.holding(id) else { continue };
        if !matches!(h.post, Post::Secretary | Post::Director | Post::Head) || l.validity.never() {
            continue;
        }
        let v = l.validity;
        let term = (h.post, v.since.map(|d| d.last_day()), v.until.map(|d| d.first_day()), id.index(), l.from);
        terms.entry(l.to).or_default().push(term);
    }
    let overlapping: BTreeSet<Node> = terms
        .iter()
        .filter(|(_, ts)| {
            ts.iter().enumerate().any(|(i, x)| {
                ts[i + 1..].iter().any(|y| {
                    // The earlier of the two by start (no start first), then link; the later
                    // overlaps it when it may start on or before the earlier may end.
                    let (a, b) = if (x.1, x.3) <= (y.1, y.3) { (x, y) } else { (y, x) };
                    a.0 == b.0 && a.4 != b.4 && b.1.zip(a.2).is_none_or(|(s, e)| s <= e)
                })
            })
        })
        .map(|(&u, _)| u)
        .collect();
    assert!(!overlapping.is_empty());
    for view in [full.whole(), full.at("2014".parse().unwrap()), full.at("2024-06-30".parse().unwrap())] {
        let found: BTreeSet<String> =
            view.audit(&Config::default()).findings_of("P002").map(|f| f.subject.clone()).collect();
        let want: BTreeSet<String> =
            view.units().filter(|(n, _)| overlapping.contains(n)).map(|(n, _)| view.id(n).to_string()).collect();
        assert_eq!(found, want, "at {:?}", view.date());
    }
}

/// P005 reports a Party organisation once for each residents' or villagers' committee it
/// leads in the view where it and the committee both have holders in the view and none of its
/// Party holders (secretary, deputy secretary, committee member) holds a post in the
/// committee: the same findings as that definition read link by link, at several dates.
/// (Called by `every_units_principal_matches_brute_force_at_several_dates`, on its model.)
#[cfg(feature = "divisions")]
fn p005_matches_a_brute_force_at_several_dates(full: &Model) {
    use std::collections::BTreeSet;
    let holders = |view: &Model, unit: Node, party: bool| -> BTreeSet<Node> {
        view.all_links_to(unit)
            .filter(|(id, l)| {
                l.kind == LinkKind::Holds
                    && (!party
                        || view.holding(*id).is_some_and(|h| {
                            matches!(h.post, Post::Secretary | Post::DeputySecretary | Post::CommitteeMember)
                        }))
            })
            .map(|(_, l)| l.from)
            .collect()
    };
    let mut reported = 0;
    for view in [full.whole(), full.at("2014".parse().unwrap()), full.at("2024-06-30".parse().unwrap())] {
        let mut want = Vec::new();
        for (org, _) in view.units().filter(|(_, u)| u.kind.is_party_org()) {
            let party = holders(&view, org, true);
            for led in view.targets(org, &LinkKind::Leads) {
                let Some(c) = view.record(led).as_unit() else { continue };
                if !matches!(c.kind, UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee) {
                    continue;
                }
                let committee = holders(&view, led, false);
                if !party.is_empty() && !committee.is_empty() && party.is_disjoint(&committee) {
                    want.push(view.id(org).to_string());
                }
            }
        }
        let mut found: Vec<String> =
            view.audit(&Config::default()).findings_of("P005").map(|f| f.subject.clone()).collect();
        want.sort();
        found.sort();
        assert_eq!(found, want, "at {:?}", view.date());
        reported += found.len();
    }
    assert!(reported > 0, "the generated model has P005 gaps");
}

/// Every link of a generated model with people names, once loaded, the records its JSON
/// names, whatever the order of the `holds` links (as written: each person's posts after the
/// previous person's, which the loader's memo of the last person and unit expects; reversed;
/// shuffled) and on any number of threads; and a `holds` link naming, at either end, the
/// record the memo holds (the previous link's person or unit, the next person) where the
/// other type belongs is refused with the error the id index gives (the same link alone).
#[cfg(feature = "divisions")]
#[test]
fn holds_links_name_the_records_their_json_names_in_any_order() {
    use tiaokuai::generate::{GenerateOptions, Scale};
    let model = GenerateOptions::new(Scale::District, 5).people(true).generate().unwrap();
    let doc = value(&model.to_json());
    let links = doc["links"].as_array().unwrap().clone();
    let with_links = |links: Vec<Value>| {
        let mut d = doc.clone();
        d["links"] = Value::Array(links);
        serde_json::to_string(&d).unwrap()
    };
    let load = |text: &str, threads: usize| {
        Model::from_json_bytes_with(text.as_bytes(), &LoadOptions::default().threads(threads))
    };
    let is_holds = |l: &Value| l["kind"] == "holds";
    let reversed: Vec<Value> = links.iter().rev().cloned().collect();
    // A fixed shuffle of the `holds` links among themselves (the other links stay in place).
    let mut holds: Vec<Value> = links.iter().filter(|l| is_holds(l)).cloned().collect();
    let mut state = 12345u64;
    for i in (1..holds.len()).rev() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        holds.swap(i, (state >> 33) as usize % (i + 1));
    }
    let mut next = holds.into_iter();
    let shuffled: Vec<Value> =
        links.iter().map(|l| if is_holds(l) { next.next().unwrap() } else { l.clone() }).collect();
    for (name, order) in [("as written", links.clone()), ("reversed", reversed), ("shuffled", shuffled)] {
        let text = with_links(order.clone());
        for threads in [1, 2, 3] {
            let m = load(&text, threads).unwrap();
            assert_eq!(m.link_count(), order.len());
            for (id, l) in m.document_links() {
                let json = &order[id.index()];
                assert_eq!((m.id(l.from), m.id(l.to)), (json["from"].as_str().unwrap(), json["to"].as_str().unwrap()));
                assert_eq!(m.holding(id).is_some(), is_holds(json), "{name}, links[{}]", id.index());
            }
        }
    }
    // Bad ends that the memo holds: the previous `holds` link's unit as the person, its
    // person as the unit, the next person as the unit.
    let at: Vec<usize> =
        (1..links.len()).filter(|&i| is_holds(&links[i]) && is_holds(&links[i - 1])).take(40).collect();
    assert!(at.len() == 40, "consecutive holds links");
    let people: Vec<&str> = doc["people"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    let mut cases = 0;
    for (n, &i) in at.iter().enumerate() {
        let prev = &links[i - 1];
        let (field, id) = match n % 3 {
            0 => ("from", prev["to"].as_str().unwrap()),
            1 => ("to", prev["from"].as_str().unwrap()),
            _ => {
                let p = people.iter().position(|&p| p == prev["from"]).unwrap();
                ("to", people.get(p + 1).copied().unwrap_or(people[0]))
            }
        };
        let mut bad = links[i].clone();
        bad[field] = Value::from(id);
        let mut order = links.clone();
        order[i] = bad.clone();
        let text = with_links(order);
        let alone = load(&with_links(vec![bad]), 1).unwrap_err().to_string();
        let want = alone.replacen("links[0]", &format!("links[{i}]"), 1);
        assert!(want.contains("names") && want.contains(id), "{want}");
        for threads in [1, 2, 3] {
            assert_eq!(load(&text, threads).unwrap_err().to_string(), want, "{threads} threads");
        }
        cases += 1;
    }
    assert_eq!(cases, 40);
}

/// A person's id already taken (by an earlier person, near or far, or by a unit) is reported
/// at its first repeat, naming the record that holds it first, on any number of threads
/// (the loader hashes the ids on the parsing threads and indexes each in the probe that
/// finds it free).
#[test]
fn a_taken_person_id_is_reported_at_its_first_repeat_on_any_thread_count() {
    let people = |ids: &[(usize, &str)]| {
        let mut list: Vec<String> = (0..10_000).map(|i| format!("p{i}")).collect();
        for &(i, id) in ids {
            list[i] = id.to_string();
        }
        let people: Vec<String> = list.iter().map(|id| format!("{{\"id\":\"{id}\"}}")).collect();
        format!(
            r#"{{"format": "tiaokuai/1", "units": [{{"id": "u", "name": "U", "kind": "enterprise"}}], "people": [{}], "links": []}}"#,
            people.join(",\n")
        )
    };
    for (ids, at, first) in [
        (vec![(7000, "p123"), (9000, "u")], "people[7000]", "people[123]"),
        (vec![(130, "p123"), (7000, "p5")], "people[130]", "people[123]"),
        (vec![(9999, "u")], "people[9999]", "units[0]"),
        (vec![(5001, "p5000")], "people[5001]", "people[5000]"),
    ] {
        let text = people(&ids);
        let one = Model::from_json_bytes_with(text.as_bytes(), &LoadOptions::default().threads(1)).unwrap_err();
        assert!(matches!(one, Error::DuplicateId { .. }), "{one}");
        let message = one.to_string();
        assert!(message.contains(at) && message.contains(first), "{message}");
        for threads in [2, 3, 8] {
            let many =
                Model::from_json_bytes_with(text.as_bytes(), &LoadOptions::default().threads(threads)).unwrap_err();
            assert_eq!(many.to_string(), message, "{threads} threads");
        }
    }
}
