//! Case logs against the model (issue #15): the shared fixture under tests/cases/ and
//! generated logs whose answer key the replay must recover exactly.

use std::collections::BTreeMap;

use tiaokuai::Model;
use tiaokuai::cases::{self, CaseTable, Class, GenerateOptions, Options};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/case-logs/");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURE}{name}")).unwrap()
}

fn model() -> Model {
    Model::load(format!("{FIXTURE}model.json")).unwrap()
}

fn read_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    // Flexible: the log fixture ends in a truncated row on purpose.
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    r.records().map(|row| h.iter().zip(row.unwrap().iter()).map(|(k, v)| (k.into(), v.into())).collect()).collect()
}

/// (class, returns, cycle, closed) per case, as the replay found them.
fn judged(r: &cases::Analysis) -> BTreeMap<String, (String, String, String, String)> {
    r.cases
        .iter()
        .map(|c| {
            (
                c.case.clone(),
                (c.class.as_str().into(), c.returns.to_string(), c.cycle.to_string(), c.closed.to_string()),
            )
        })
        .collect()
}

fn expected() -> BTreeMap<String, (String, String, String, String)> {
    read_csv(&fixture("expected.csv"))
        .into_iter()
        .map(|r| {
            (r["case"].clone(), (r["class"].clone(), r["returns"].clone(), r["cycle"].clone(), r["closed"].clone()))
        })
        .collect()
}

fn problems(r: &cases::Analysis) -> Vec<(String, String, String)> {
    r.problems.iter().map(|p| (p.row.to_string(), p.case.clone(), p.kind.to_string())).collect()
}

#[test]
fn fixture_cases_are_classified_as_expected() {
    let r = cases::analyse_path(&model(), format!("{FIXTURE}log.csv"), &Options::default().keep_cases(true)).unwrap();
    assert_eq!(judged(&r), expected());
    let want: Vec<_> = read_csv(&fixture("problems.csv"))
        .into_iter()
        .map(|r| (r["row"].clone(), r["case"].clone(), r["kind"].clone()))
        .collect();
    assert_eq!(problems(&r), want);
    let s = &r.summary;
    assert_eq!(s.rows, 42);
    assert_eq!(
        (s.all.cases, s.all.right, s.all.misrouted, s.all.gap_no_lead, s.all.gap_several_leads),
        (12, 5, 1, 1, 1,)
    );
    assert_eq!((s.all.unknown, s.all.undispatched, s.all.open, s.all.returns, s.all.cycles), (3, 1, 4, 3, 1));
    assert_eq!(s.problems, 10);
}

#[test]
fn fixture_times_and_rollups() {
    let r = cases::analyse_path(&model(), format!("{FIXTURE}log.csv"), &Options::default().keep_cases(true)).unwrap();
    let case = |id: &str| r.cases.iter().find(|c| c.case == id).unwrap();
    // A1: reported 09:00, dispatched 10:00, closed three days later at 10:00.
    let a1 = case("A1");
    assert!((a1.dispatch_days.unwrap() - 1.0 / 24.0).abs() < 1e-9);
    assert!((a1.close_days.unwrap() - 3.0).abs() < 1e-9);
    assert_eq!((a1.on_time, a1.satisfaction), (Some(true), Some(5)));
    // A4 took 24 days: late against the default 15, on time against 30.
    assert_eq!(case("A4").on_time, Some(false));
    // A6 was reported at 01:00 UTC, 09:00 in UTC+8: dispatched an hour later.
    assert!((case("A6").dispatch_days.unwrap() - 1.0 / 24.0).abs() < 1e-9);
    // A bad satisfaction is dropped, the case kept.
    assert_eq!(case("A10").satisfaction, None);
    let late = cases::analyse_path(&model(), format!("{FIXTURE}log.csv"), &Options::default().on_time(30.0)).unwrap();
    assert_eq!(late.summary.all.on_time, r.summary.all.on_time + 1);

    // Grid and community cases roll up to their street, district and city.
    let t = r.table(CaseTable::Territory);
    let ids = t.column("territory").unwrap();
    let counts = t.column("cases").unwrap();
    let mut per: BTreeMap<String, i64> = BTreeMap::new();
    for i in 0..t.rows() {
        *per.entry(ids.data.text(i)).or_default() += counts.data.text(i).parse::<i64>().unwrap();
    }
    assert_eq!((per["s1"], per["s2"], per["d"], per["city"], per["g1"], per[""]), (6, 4, 10, 10, 2, 2));
    assert_eq!(t.column("level").unwrap().data.text(0), "city");
    // Findings split: the two rows add up to every case.
    let f = r.table(CaseTable::Findings);
    let n: i64 = (0..2).map(|i| f.column("cases").unwrap().data.text(i).parse::<i64>().unwrap()).sum();
    assert_eq!(n, 12);
    assert_eq!(r.summary.with_findings.cases + r.summary.without_findings.cases, 12);
    assert!(r.summary.with_findings.cases > 0, "the gaps of noise and parking are findings in both streets");
    // One month, split by findings.
    let m = r.table(CaseTable::Month);
    assert!((0..m.rows()).all(|i| m.column("month").unwrap().data.text(i) == "2024-03"));
    assert_eq!(r.table(CaseTable::Problems).rows(), 10);
    assert_eq!(r.table(CaseTable::Cases).rows(), 12);
}

#[test]
fn json_lines_give_the_same_answers() {
    let csv = cases::analyse_path(&model(), format!("{FIXTURE}log.csv"), &Options::default().keep_cases(true)).unwrap();
    let jsonl =
        cases::analyse_path(&model(), format!("{FIXTURE}log.jsonl"), &Options::default().keep_cases(true)).unwrap();
    assert_eq!(judged(&jsonl), judged(&csv));
    assert_eq!(problems(&jsonl), problems(&csv));
    assert!(jsonl.problems.last().unwrap().message.contains("middle of a JSON object"));
}

#[test]
fn the_one_row_per_case_shorthand_is_read_from_its_header() {
    let r =
        cases::analyse_path(&model(), format!("{FIXTURE}per-case.csv"), &Options::default().keep_cases(true)).unwrap();
    let classes: Vec<_> = r.cases.iter().map(|c| (c.case.as_str(), c.class, c.closed)).collect();
    assert_eq!(
        classes,
        [
            ("B1", Class::Right, true),
            ("B3", Class::GapNoLead, true),
            ("B4", Class::GapSeveralLeads, true),
            ("B2", Class::Misrouted, false)
        ]
    );
    assert_eq!(problems(&r), [("3".to_string(), "B3".to_string(), "closed_undispatched".to_string())]);
    assert_eq!(r.summary.rows, 4);
}

#[test]
fn a_log_without_the_required_columns_is_an_error_naming_them() {
    let e = cases::analyse(&model(), "id,when,what\n1,2024-01-01,reported\n".as_bytes(), "x.csv", &Options::default())
        .unwrap_err();
    assert!(e.to_string().contains("x.csv") && e.to_string().contains("\"case\""), "{e}");
    let e = cases::analyse_path(&model(), format!("{FIXTURE}missing.csv"), &Options::default()).unwrap_err();
    assert!(e.to_string().contains("missing.csv"), "{e}");
}

fn key_of(text: &[u8]) -> BTreeMap<String, (String, String, String, String)> {
    read_csv(std::str::from_utf8(text).unwrap())
        .into_iter()
        .map(|r| {
            (r["case"].clone(), (r["class"].clone(), r["returns"].clone(), r["cycle"].clone(), r["closed"].clone()))
        })
        .collect()
}

fn recovered(model: &Model, options: &GenerateOptions, gaps: bool) {
    let (mut log, mut key) = (Vec::new(), Vec::new());
    let made = cases::generate(model, options, &mut log, Some(&mut key)).unwrap();
    // The log is in time order, as systems write them.
    let text = std::str::from_utf8(&log).unwrap();
    let times: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "the generated log is not in time order");
    let r = cases::analyse(model, log.as_slice(), "generated.csv", &Options::default().keep_cases(true)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", &r.problems[..r.problems.len().min(3)]);
    assert_eq!(judged(&r), key_of(&key));
    let s = &r.summary.all;
    assert_eq!(s.cases, made.cases);
    for class in Class::ALL {
        let found = match class {
            Class::Right => s.right,
            Class::Misrouted => s.misrouted,
            Class::GapNoLead => s.gap_no_lead,
            Class::GapSeveralLeads => s.gap_several_leads,
            Class::Unknown => s.unknown,
            Class::Undispatched => s.undispatched,
        };
        assert_eq!(found, made.count(class), "{class:?}");
    }
    assert_eq!((s.returns, s.cycles, s.open), (made.returns, made.cycles, made.open));
    assert_eq!(r.summary.events, made.events);
    // Every kind the generator was asked for is there.
    assert!(s.misrouted > 0 && s.cycles > 0 && s.returns > s.cycles);
    assert_eq!(s.gap_no_lead + s.gap_several_leads > 0, gaps);
    // Memory follows the open cases, not the log: reports spread over a year, each
    // case closed within about three weeks.
    assert!(r.summary.peak_open * 4 < made.cases, "{} open at once of {}", r.summary.peak_open, made.cases);
}

#[test]
fn generated_logs_are_recovered_exactly_on_the_sample() {
    recovered(&Model::sample(), &GenerateOptions::new(1500, 3), true);
}

#[test]
fn generated_logs_are_recovered_exactly_on_a_generated_district() {
    let model = tiaokuai::generate::generate(tiaokuai::generate::Scale::District, 5).unwrap();
    // The generator covers every matter everywhere: no gaps to find.
    recovered(&model, &GenerateOptions::new(1000, 9), false);
}

#[test]
fn generation_is_deterministic_by_seed() {
    let model = Model::sample();
    let run = |seed| {
        let mut log = Vec::new();
        cases::generate(&model, &GenerateOptions::new(50, seed), &mut log, None).unwrap();
        log
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn progress_is_reported_to_the_end() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    let options = Options::default().progress(move |done, total| s.lock().unwrap().push((done, total)));
    cases::analyse_path(&model(), format!("{FIXTURE}log.csv"), &options).unwrap();
    let size = std::fs::metadata(format!("{FIXTURE}log.csv")).unwrap().len();
    assert_eq!(seen.lock().unwrap().last().copied(), Some((size, size)));
}

/// (source, cases, right, misrouted) per source, summed over the findings split.
fn per_source(r: &cases::Analysis) -> BTreeMap<String, (i64, i64, i64)> {
    let t = r.table(CaseTable::Source);
    let col = |name: &str, i: usize| t.column(name).unwrap().data.text(i);
    let num = |name: &str, i: usize| col(name, i).parse::<i64>().unwrap();
    let mut per: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for i in 0..t.rows() {
        let e = per.entry(col("source", i)).or_default();
        e.0 += num("cases", i);
        e.1 += num("right", i);
        e.2 += num("misrouted", i);
    }
    per
}

#[test]
fn measures_are_split_per_source() {
    let r = cases::analyse_path(&model(), format!("{FIXTURE}log.csv"), &Options::default().keep_cases(true)).unwrap();
    // The source of each case as the fixture's report rows give it, counted independently.
    let log = read_csv(&fixture("log.csv"));
    let kept = expected();
    let mut want: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for row in log.iter().filter(|r| r["event"] == "reported" && kept.contains_key(&r["case"])) {
        let class = &kept[&row["case"]].0;
        let e = want.entry(row["source"].clone()).or_default();
        e.0 += 1;
        e.1 += i64::from(class == "right");
        e.2 += i64::from(class == "misrouted");
    }
    assert_eq!(want.keys().collect::<Vec<_>>(), ["hotline", "patrol"]);
    assert_eq!(per_source(&r), want);
    // Each kept case carries its source.
    for c in &r.cases {
        let reported = log.iter().find(|l| l["case"] == c.case && l["event"] == "reported").unwrap();
        assert_eq!(c.source.as_deref(), Some(reported["source"].as_str()), "{}", c.case);
    }
    // The same from JSON Lines; the shorthand carries its source column.
    let jsonl = cases::analyse_path(&model(), format!("{FIXTURE}log.jsonl"), &Options::default()).unwrap();
    assert_eq!(per_source(&jsonl), want);
    let short = cases::analyse_path(&model(), format!("{FIXTURE}per-case.csv"), &Options::default()).unwrap();
    assert_eq!(
        per_source(&short).into_iter().map(|(k, v)| (k, v.0)).collect::<Vec<_>>(),
        [("hotline".to_string(), 3), ("patrol".to_string(), 1)]
    );
    // A case without a source is counted under an empty cell, and one whose later row names
    // the source takes it from there.
    let log = "case,at,event,matter,territory,unit,source,satisfaction\n\
               x,2024-03-01T09:00,reported,drain,g1,,,\n\
               y,2024-03-01T09:00,reported,drain,g1,,,\n\
               y,2024-03-01T10:00,dispatched,,,water,grid,\n";
    let r = cases::analyse(&model(), log.as_bytes(), "log.csv", &Options::default()).unwrap();
    assert_eq!(
        per_source(&r).into_iter().map(|(k, v)| (k, v.0)).collect::<Vec<_>>(),
        [(String::new(), 1), ("grid".to_string(), 1)]
    );
    assert!(r.to_json()["tables"]["source"].as_array().is_some_and(|a| a.len() == 2));
}

#[test]
fn generated_sources_are_recovered() {
    let model = Model::sample();
    let mut log = Vec::new();
    let made = cases::generate(&model, &GenerateOptions::new(300, 4), &mut log, None).unwrap();
    let r = cases::analyse(&model, log.as_slice(), "generated.csv", &Options::default()).unwrap();
    // The generator writes every third case as a patrol find, the rest as hotline calls.
    let patrol = (0..made.cases).filter(|i| i.is_multiple_of(3)).count() as i64;
    let per = per_source(&r);
    assert_eq!((per["patrol"].0, per["hotline"].0), (patrol, made.cases as i64 - patrol));
    assert_eq!(per.len(), 2);
}

#[test]
fn loading_the_model_beside_the_log_gives_the_same_answers() {
    // A generated log of some 10,000 rows: more than two of the reader's batches of 4,096.
    let model = Model::sample();
    let dir = std::env::temp_dir().join(format!("tiaokuai-cases-loading-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("log.csv");
    let (mut log, mut key) = (Vec::new(), Vec::new());
    let made = cases::generate(&model, &GenerateOptions::new(2_500, 7), &mut log, Some(&mut key)).unwrap();
    assert!(made.events > 2 * 4_096, "{} rows", made.events);
    std::fs::write(&path, &log).unwrap();
    let options = Options::default().keep_cases(true);
    let before = cases::analyse_path(&model, &path, &options).unwrap();
    let beside = cases::analyse_path_loading(|| Ok::<_, tiaokuai::Error>(&model), &path, &options).unwrap();
    assert_eq!(before.summary, beside.summary);
    assert_eq!(before.summary.all.cases, made.cases);
    assert_eq!(judged(&beside), key_of(&key), "the generator's answers, case by case");
    assert_eq!(before.cases, beside.cases);
    assert_eq!(before.to_json(), beside.to_json());

    // The model's error comes first, also when the log is missing too; then the log's.
    let failed = || {
        Err(tiaokuai::Error::Io {
            path: "m.json".into(),
            message: "gone".into(),
            io_kind: std::io::ErrorKind::NotFound,
        })
    };
    for log in [path.clone(), dir.join("missing.csv")] {
        let e = cases::analyse_path_loading(failed, &log, &options).unwrap_err();
        assert!(e.to_string().contains("m.json"), "{e}");
    }
    let e = cases::analyse_path_loading(|| Ok::<_, tiaokuai::Error>(&model), dir.join("missing.csv"), &options)
        .unwrap_err();
    assert!(e.to_string().contains("missing.csv"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn case_ids_named_again_after_their_close_stay_apart_across_batches() {
    // The reader numbers the cases and the replay gives a number back once its case is no
    // longer open; rows naming a closed case again (some batches later, or right after
    // its close) must reach that case, never a new one holding a reused number.
    let model = Model::from_json(
        r#"{"format": "tiaokuai/1",
        "territories": [{"id": "s", "name": "Street", "kind": "street"}],
        "units": [{"id": "u", "name": "Street office", "kind": "government"},
                  {"id": "v", "name": "Water bureau", "kind": "department"}],
        "matters": [{"id": "m", "name": "Blocked drain", "list": "cooperating"}],
        "links": [{"from": "u", "to": "s", "kind": "jurisdiction"},
                  {"from": "u", "to": "m", "kind": "responsible", "role": "lead"}]}"#,
    )
    .unwrap();
    let n = 3_000;
    let mut log = String::from("case,at,event,matter,territory,unit,source,satisfaction\n");
    // One row a minute from 2024-01-01 (30,000 rows: 21 days); returns the row's number.
    let mut minute = 0;
    let mut row = |log: &mut String, case: &str, event: &str, unit: &str| {
        let (m, t) = if event == "reported" { ("m", "s") } else { ("", "") };
        let at = format!("2024-01-{:02}T{:02}:{:02}", 1 + minute / 1440, minute / 60 % 24, minute % 60);
        minute += 1;
        log.push_str(&format!("{case},{at},{event},{m},{t},{unit},hotline,\n"));
        minute
    };
    let mut no_report = Vec::new();
    // The first cases, each closed at once by the lead: right.
    for i in 0..n {
        let c = format!("A{i}");
        row(&mut log, &c, "reported", "");
        row(&mut log, &c, "dispatched", "u");
        row(&mut log, &c, "closed", "");
    }
    // Then each first case is named again (two batches and more after its close) beside a
    // new case sent to the wrong unit, whose close is repeated at once.
    for i in 0..n {
        let (a, b) = (format!("A{i}"), format!("B{i}"));
        no_report.push((row(&mut log, &a, "returned", "").to_string(), a.clone()));
        row(&mut log, &b, "reported", "");
        row(&mut log, &a, "reopened", "");
        row(&mut log, &b, "dispatched", "v");
        row(&mut log, &a, "closed", "");
        row(&mut log, &b, "closed", "");
        no_report.push((row(&mut log, &b, "closed", "").to_string(), b.clone()));
    }
    let r = cases::analyse(&model, log.as_bytes(), "log.csv", &Options::default()).unwrap();
    let s = &r.summary;
    assert_eq!(s.rows, 3 * n + 7 * n);
    assert_eq!((s.all.cases, s.all.right, s.all.misrouted, s.all.closed), (2 * n, n, n, 2 * n));
    assert_eq!(s.reopened, n);
    let found: Vec<_> = r.problems.iter().map(|p| (p.row.to_string(), p.case.clone())).collect();
    assert_eq!(found, no_report);
    assert!(r.problems.iter().all(|p| p.kind == "no_report"));
}

#[test]
fn case_ids_named_again_a_batch_after_their_close_keep_their_own_case() {
    // Each case reopened some 4,000 rows (about one of the reader's batches of 4,096) after
    // its close and closed again some 80,000 rows later (beyond the 16 batches in flight),
    // while new cases keep coming: a number given back while a batch still in flight names
    // its id would pass to a new case, and the old case's later rows to another number.
    let model = Model::from_json(
        r#"{"format": "tiaokuai/1",
        "territories": [{"id": "s", "name": "Street", "kind": "street"}],
        "units": [{"id": "u", "name": "Street office", "kind": "government"}],
        "matters": [{"id": "m", "name": "Blocked drain", "list": "cooperating"}],
        "links": [{"from": "u", "to": "s", "kind": "jurisdiction"},
                  {"from": "u", "to": "m", "kind": "responsible", "role": "lead"}]}"#,
    )
    .unwrap();
    let (m, t, u) = ("m", "s", "u");
    let (n, later, last) = (20_000, 1_000, 16_000);
    let mut log = String::from("case,at,event,matter,territory,unit,source,satisfaction\n");
    // One row a minute from 2024-01-01 (86,000 rows: 60 days).
    let mut minute = 0u32;
    let mut row = |log: &mut String, case: usize, event: &str| {
        let day = 1 + minute / 1440;
        let (month, day) = if day > 31 { (2, day - 31) } else { (1, day) };
        let at = format!("2024-{month:02}-{day:02}T{:02}:{:02}", minute / 60 % 24, minute % 60);
        minute += 1;
        let (mm, tt, uu) = match event {
            "reported" => (m, t, ""),
            "dispatched" => ("", "", u),
            _ => ("", "", ""),
        };
        log.push_str(&format!("C{case},{at},{event},{mm},{tt},{uu},hotline,\n"));
    };
    for i in 0..n {
        row(&mut log, i, "reported");
        row(&mut log, i, "dispatched");
        row(&mut log, i, "closed");
        if i >= later {
            row(&mut log, i - later, "reopened");
        }
        if i >= last {
            row(&mut log, i - last, "closed");
        }
    }
    let r = cases::analyse(&model, log.as_bytes(), "log.csv", &Options::default()).unwrap();
    assert!(r.problems.is_empty(), "{:?}", &r.problems[..r.problems.len().min(3)]);
    let s = &r.summary;
    assert_eq!((s.all.cases, s.all.right, s.all.closed, s.all.open), (n as u64, n as u64, n as u64, 0));
    assert_eq!(s.reopened, (n - last) as u64);
    assert_eq!(s.events, (3 * n + (n - later) + (n - last)) as u64);
}

#[test]
fn gathering_some_tables_gives_those_tables_and_the_summary_unchanged() {
    // The fixture's messy log (every kind of bad row) and a generated one of several
    // batches: asked for one grouped table (as the CLI asks for the table it writes),
    // the analysis gives that table, the summary, findings and problems as the whole
    // analysis does, byte for byte, and the tables not asked for empty.
    let sample = Model::sample();
    let mut generated = Vec::new();
    cases::generate(&sample, &GenerateOptions::new(2_500, 3), &mut generated, None).unwrap();
    let fixture_model = model();
    let fixture_log = fixture("log.csv");
    let grouped = [CaseTable::Territory, CaseTable::Unit, CaseTable::Matter, CaseTable::Month, CaseTable::Source];
    for (model, log) in [(&fixture_model, fixture_log.as_bytes()), (&sample, &generated[..])] {
        let whole = cases::analyse(model, log, "log.csv", &Options::default()).unwrap();
        assert!(grouped.iter().all(|&t| whole.table(t).rows() > 0));
        let json = |r: &cases::Analysis, t: CaseTable| serde_json::to_string(&r.table(t).to_json_rows()).unwrap();
        let asks: Vec<Vec<CaseTable>> = grouped
            .iter()
            .map(|&t| vec![t])
            .chain([vec![], vec![CaseTable::Findings], vec![CaseTable::Unit, CaseTable::Month]])
            .collect();
        for ask in asks {
            let some = cases::analyse(model, log, "log.csv", &Options::default().tables(ask.clone())).unwrap();
            assert_eq!(some.summary, whole.summary, "{ask:?}");
            for t in [CaseTable::Findings, CaseTable::Problems] {
                assert_eq!(json(&some, t), json(&whole, t), "{ask:?} {t:?}");
            }
            for t in grouped {
                if ask.contains(&t) {
                    assert_eq!(json(&some, t), json(&whole, t), "{ask:?} {t:?}");
                } else {
                    assert_eq!(some.table(t).rows(), 0, "{ask:?} {t:?} not asked for");
                }
            }
        }
    }
}
