//! Scenario files on arbitrary text, with inline models only: a `model_file`
//! would read any path (the fuzzer could name /dev/zero), so those inputs are
//! skipped. Running a scenario loads, audits and queries its model.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(text)
        && doc.contains_key("model_file")
    {
        return;
    }
    if let Ok(outcome) = tiaokuai::scenario::run_str(text, None) {
        let report = outcome.render();
        assert!(report.contains(&outcome.name));
        assert_eq!(outcome.passed(), outcome.failures() == 0);
    }
});
