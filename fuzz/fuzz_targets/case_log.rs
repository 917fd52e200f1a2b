//! Case logs on arbitrary bytes (CSV events, the one-row-per-case shorthand or JSON
//! Lines, as `cases::analyse` sniffs them) replayed against the small model of
//! tests/cases: a log is hostile input from outside the model's owner. Beyond "no
//! panic": the headline numbers add up, the problems counted are the problems
//! listed, and every table and the JSON report can be written.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tiaokuai::cases::{self, CaseTable};

static MODEL: LazyLock<tiaokuai::Model> = LazyLock::new(|| {
    tiaokuai::Model::from_json(include_str!("../../tests/cases/model.json")).expect("tests/cases/model.json loads")
});

fuzz_target!(|data: &[u8]| {
    let options = cases::Options::default().keep_cases(true);
    // Only an unreadable header is an error; every bad row is a problem.
    let Ok(r) = cases::analyse(&MODEL, data, "fuzz.log", &options) else { return };
    let s = &r.summary;
    assert_eq!(s.all.cases, s.with_findings.cases + s.without_findings.cases, "the findings split adds up");
    assert_eq!(s.problems, r.problems.len() as u64, "problems counted are problems listed");
    // A row is one event, or up to three in the shorthand (reported, dispatched, closed).
    assert!(s.events <= 3 * s.rows, "{} events from {} rows", s.events, s.rows);
    assert_eq!(r.cases.len() as u64, s.all.cases, "one kept row per case");
    for which in CaseTable::ALL {
        let mut out = Vec::new();
        r.table(which).write_csv(&mut out, tiaokuai::format::Formulas::Neutralise).expect("tables write");
    }
    serde_json::to_vec(&r.to_json()).expect("the report serialises");
});
