//! `tiaokuai cases` and `tiaokuai generate-cases` (issue #15) on the shared fixture in
//! tests/cases/ and on a generated log with its answer key.

use std::path::Path;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/case-logs").join(name).display().to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiaokuai")).args(args).output().expect("tiaokuai runs")
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn the_summary_counts_classes_and_lists_problems() {
    let out = stdout(&run(&["cases", &fixture("model.json"), &fixture("log.csv")]));
    assert!(out.contains("42 rows, 12 cases"), "{out}");
    assert!(out.lines().any(|l| l.trim_start().starts_with("right") && l.contains(" 5 ")), "{out}");
    assert!(out.contains("A→B→A cycles 1"), "{out}");
    assert!(out.contains("problems: unknown_id 3"), "{out}");
    assert!(out.contains("row 25 case \"A7\": territory \"k9\" is not in the model"), "{out}");
}

#[test]
fn csv_and_json_tables() {
    let (model, log) = (fixture("model.json"), fixture("log.csv"));
    let csv = stdout(&run(&["cases", &model, &log, "--format", "csv", "--table", "cases"]));
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let h = r.headers().unwrap().clone();
    let class = h.iter().position(|c| c == "class").unwrap();
    let got: Vec<(String, String)> =
        r.records().map(|x| x.unwrap()).map(|x| (x[0].to_string(), x[class].to_string())).collect();
    let mut want = csv::Reader::from_path(fixture("expected.csv")).unwrap();
    let mut want: Vec<(String, String)> =
        want.records().map(|x| x.unwrap()).map(|x| (x[0].to_string(), x[1].to_string())).collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    want.sort();
    assert_eq!(got_sorted, want);

    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["cases", &model, &log, "--format", "json", "--on-time", "30"]))).unwrap();
    assert_eq!(json["summary"]["all"]["cases"], 12);
    assert_eq!(json["summary"]["on_time_days"], 30.0);
    assert_eq!(json["tables"]["problems"].as_array().unwrap().len(), 10);
    let city: i64 = json["tables"]["territory"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["territory"] == "city")
        .map(|r| r["cases"].as_i64().unwrap())
        .sum();
    assert_eq!(city, 10);
}

#[test]
fn each_table_written_alone_is_the_whole_analysis_table() {
    // The CLI gathers only the grouped table it writes: each, written alone, must be the
    // whole analysis's, on the fixture's log with every kind of bad row.
    let (model, log) = (fixture("model.json"), fixture("log.csv"));
    let whole: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["cases", &model, &log, "--format", "json"]))).unwrap();
    for table in ["territory", "unit", "matter", "month", "source", "findings", "problems"] {
        let alone: serde_json::Value =
            serde_json::from_str(&stdout(&run(&["cases", &model, &log, "--format", "json", "--table", table])))
                .unwrap();
        assert!(!alone.as_array().unwrap().is_empty(), "{table}");
        assert_eq!(alone, whole["tables"][table], "{table}");
        let csv = stdout(&run(&["cases", &model, &log, "--format", "csv", "--table", table]));
        assert_eq!(csv.lines().count(), 1 + alone.as_array().unwrap().len(), "{table}");
    }
    let default_csv = stdout(&run(&["cases", &model, &log, "--format", "csv"]));
    assert_eq!(default_csv, stdout(&run(&["cases", &model, &log, "--format", "csv", "--table", "territory"])));
}

#[test]
fn usage_errors_exit_2() {
    let (model, log) = (fixture("model.json"), fixture("log.csv"));
    for args in [
        vec!["--at", "2024", "cases", &model, &log],
        vec!["cases", &model, &log, "--table", "nope"],
        vec!["cases", &model, &log, "--on-time", "-1"],
        vec!["cases", &model, "no-such-log.csv"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn a_generated_log_is_judged_as_its_key_says() {
    let dir = std::env::temp_dir().join(format!("tiaokuai-cases-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (log, key) = (dir.join("log.csv"), dir.join("key.csv"));
    let (log, key) = (log.to_str().unwrap(), key.to_str().unwrap());
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/baoshan.json").display().to_string();
    let o = run(&["generate-cases", &sample, "--cases", "300", "--seed", "4", "-o", log, "--key", key]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = stdout(&run(&["cases", &sample, log, "--format", "csv", "--table", "cases"]));
    let read = |text: &str, cols: [&str; 2]| {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let h = r.headers().unwrap().clone();
        let idx = cols.map(|c| h.iter().position(|x| x == c).unwrap());
        let mut v: Vec<(String, String)> =
            r.records().map(|x| x.unwrap()).map(|x| (x[idx[0]].to_string(), x[idx[1]].to_string())).collect();
        v.sort();
        v
    };
    let want = read(&std::fs::read_to_string(key).unwrap(), ["case", "class"]);
    assert_eq!(want.len(), 300);
    assert_eq!(read(&csv, ["case", "class"]), want);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `generate --cases N --log L` writes, beside the model, the log (and key) that
/// `generate-cases` writes for the saved model with the same seed; and the log is judged as
/// its key says. With history, so the model in memory must be the one read back at its
/// `meta.as_of`.
#[test]
fn generate_with_cases_writes_the_model_and_its_log() {
    let dir = std::env::temp_dir().join(format!("tiaokuai-generate-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (model, log, key) = (path("model.json"), path("log.csv"), path("key.csv"));
    let o = run(&[
        "generate",
        "--scale",
        "district",
        "--seed",
        "3",
        "--history",
        "--people",
        "-o",
        &model,
        "--cases",
        "400",
        "--log",
        &log,
        "--key",
        &key,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("400 cases"), "{}", String::from_utf8_lossy(&o.stderr));
    let (log2, key2) = (path("log2.csv"), path("key2.csv"));
    let o = run(&["generate-cases", &model, "--cases", "400", "--seed", "3", "-o", &log2, "--key", &key2]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |p: &str| std::fs::read_to_string(p).unwrap();
    assert!(read(&log).lines().count() > 400, "a log of 400 cases has more rows than cases");
    assert_eq!(read(&log), read(&log2));
    assert_eq!(read(&key), read(&key2));
    // The log to standard output when the model goes to a file.
    let o =
        run(&["generate", "--scale", "district", "--seed", "3", "-o", &path("m2.json"), "--cases", "5", "--log", "-"]);
    assert!(stdout(&o).starts_with("case,"), "{}", String::from_utf8_lossy(&o.stdout));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--cases` needs `--log`, and the model and the log cannot both go to standard output.
#[test]
fn generate_with_cases_refuses_what_it_cannot_write() {
    let o = run(&["generate", "--scale", "district", "--cases", "5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--log"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["generate", "--scale", "district", "--cases", "5", "--log", "-"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("standard output"), "{err}");
    let o = run(&["generate", "--scale", "district", "--log", "x.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--cases"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn per_source_tables_in_csv_and_json() {
    let (model, log) = (fixture("model.json"), fixture("log.csv"));
    // The sources of the counted cases' report rows, counted from the fixture itself.
    let counted: std::collections::BTreeSet<String> =
        csv::Reader::from_path(fixture("expected.csv")).unwrap().records().map(|r| r.unwrap()[0].to_string()).collect();
    let mut want: std::collections::BTreeMap<String, i64> = Default::default();
    for r in csv::ReaderBuilder::new().flexible(true).from_path(&log).unwrap().records().map(|r| r.unwrap()) {
        if &r[2] == "reported" && counted.contains(&r[0]) {
            *want.entry(r[6].to_string()).or_default() += 1;
        }
    }
    let csv = stdout(&run(&["cases", &model, &log, "--format", "csv", "--table", "source"]));
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let h = r.headers().unwrap().clone();
    assert_eq!((&h[0], &h[1], &h[2]), ("source", "findings", "cases"));
    let mut got: std::collections::BTreeMap<String, i64> = Default::default();
    for x in r.records().map(|x| x.unwrap()) {
        *got.entry(x[0].to_string()).or_default() += x[2].parse::<i64>().unwrap();
    }
    assert_eq!(got, want);
    assert_eq!(want.keys().collect::<Vec<_>>(), ["hotline", "patrol"]);
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["cases", &model, &log, "--format", "json"]))).unwrap();
    let n: i64 = json["tables"]["source"].as_array().unwrap().iter().map(|r| r["cases"].as_i64().unwrap()).sum();
    assert_eq!(n, 12);
}
