//! One strict JSON reader for every input (issue #20): audit configs, scenarios
//! and inline models follow the model's rules (duplicate keys, byte-order mark,
//! depth, numbers), and one size limit bounds every file the library reads.

use tiaokuai::scenario::{run_file_with, run_str, run_str_with};
use tiaokuai::{Config, Error, LoadOptions, Model};

use crate::common;
use common::{config_error, scenario_error};

// ---------------------------------------------------------------------------
// Audit configs

#[test]
fn config_duplicate_keys_are_errors_naming_the_key_and_place() {
    let cases = [
        (
            "{\"rules\": {\"C003\": \"off\",\n  \"C003\": \"on\"}}",
            "duplicate key \"C003\" in rules at line 2 column 3: each key may appear once in an object",
        ),
        (
            r#"{"profiles": {"shanghai": false}, "profiles": {"shanghai": true}}"#,
            "duplicate key \"profiles\" at line 1 column 35: each key may appear once in an object",
        ),
        (
            r#"{"rules": {"S002": {"severity": "info", "severity": "error"}}}"#,
            "duplicate key \"severity\" in rules.S002 at line 1 column 41: each key may appear once in an object",
        ),
        (
            r#"{"thresholds": {"min_members_for_org": 4, "min_members_for_org": 3}}"#,
            "duplicate key \"min_members_for_org\" in thresholds at line 1 column 43",
        ),
    ];
    for (text, wanted) in cases {
        let message = config_error(Config::from_json_str(text));
        assert!(message.starts_with(wanted), "{text}: {message:?}");
    }
    // TOML refuses them itself.
    let message = config_error(Config::from_toml_str("[rules]\nC003 = \"off\"\nC003 = \"on\"\n"));
    assert!(message.contains("duplicate key `C003`") && message.contains("line 3"), "{message}");
}

#[test]
fn config_byte_order_mark_is_accepted_in_json_and_toml() {
    let json = Config::from_json_str("\u{feff}{\"rules\": {\"C003\": \"off\"}}").unwrap();
    let toml = Config::from_toml_str("\u{feff}[rules]\nC003 = \"off\"\n").unwrap();
    assert_eq!(json, toml);
    assert!(!json.is_enabled("C003"));
    let dir = common::TempDir::new("strict-bom");
    let path = dir.0.join("audit.json");
    std::fs::write(&path, b"\xEF\xBB\xBF{\"rules\": {\"C003\": \"off\"}}").unwrap();
    assert_eq!(Config::load(&path).unwrap(), json);
}

#[test]
fn config_depth_is_the_model_limit() {
    // 127 levels (the top-level object and 126 arrays) pass the reader and fail as a bad value;
    // 128 are refused by the reader, with a position.
    let nest = |n: usize| format!("{{\"rules\": {{\"C001\": {}{}}}}}", "[".repeat(n), "]".repeat(n));
    let message = config_error(Config::from_json_str(&nest(125)));
    assert!(message.starts_with("rules.C001: expected"), "{message}");
    let message = config_error(Config::from_json_str(&nest(126)));
    assert_eq!(
        message,
        "malformed JSON at line 1 column 145: recursion limit exceeded: arrays and objects nest more than 127 levels deep"
    );
}

#[test]
fn config_counts_follow_the_model_count_rule_and_quote_the_text() {
    let cases = [
        ("3.0", "found 3.0: must be written as a whole number, without a decimal point or exponent"),
        ("1e400", "found 1e400: larger than 4294967295"),
        ("18446744073709551617", "found 18446744073709551617: larger than 4294967295"),
        ("4294967296", "found 4294967296: larger than 4294967295"),
        ("-1", "found -1: must not be negative"),
        ("2.5", "found 2.5: must be a whole number"),
    ];
    for (number, wanted) in cases {
        let text = format!(r#"{{"thresholds": {{"branch_max_members": {number}}}}}"#);
        let message = config_error(Config::from_json_str(&text));
        assert_eq!(message, format!("thresholds.branch_max_members: expected a whole number of at least 1, {wanted}"));
    }
    // TOML: a float stays a float (3.0 is not a count), and inf or nan is refused naming the key.
    let message = config_error(Config::from_toml_str("[thresholds]\nbranch_max_members = 3.0\n"));
    assert!(message.ends_with("found 3.0: must be written as a whole number, without a decimal point or exponent"));
    let message = config_error(Config::from_toml_str("[thresholds]\nbranch_max_members = inf\n"));
    assert_eq!(message, "thresholds.branch_max_members: inf is not a finite number");
    let ok = Config::from_toml_str("[thresholds]\nbranch_max_members = 40\n").unwrap();
    assert_eq!(ok.thresholds.branch_max_members, 40);
}

#[test]
fn config_size_limit_applies_to_files_and_text() {
    let small = LoadOptions::default().max_bytes(16);
    let text = r#"{"rules": {"C003": "off"}}"#;
    assert!(matches!(Config::from_json_str_with(text, &small), Err(Error::TooLarge { size: 26, limit: 16 })));
    assert!(Config::from_json_str_with(text, &LoadOptions::default().max_bytes(26)).is_ok());
    let dir = common::TempDir::new("strict-config-size");
    let path = dir.0.join("audit.json");
    std::fs::write(&path, text).unwrap();
    assert!(matches!(Config::load_with(&path, &small), Err(Error::TooLarge { limit: 16, .. })));
}

#[cfg(unix)]
#[test]
fn config_from_an_endless_device_stops_at_the_limit() {
    // /dev/zero has no end: the reader must stop one byte past the limit.
    let dir = common::TempDir::new("strict-dev-zero");
    let link = dir.0.join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let options = LoadOptions::default().max_bytes(1 << 20);
    match Config::load_with(&link, &options) {
        Err(Error::TooLarge { size, limit }) => assert_eq!((size, limit), ((1 << 20) + 1, 1 << 20)),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Scenarios

const MODEL: &str = r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise"}]}"#;

#[test]
fn scenario_duplicate_keys_are_errors_naming_the_key_and_place() {
    let message = scenario_error(&format!("{{\"name\": \"x\",\n \"name\": \"y\", \"model\": {MODEL}}}"));
    assert_eq!(message, "duplicate key \"name\" at line 2 column 2: each key may appear once in an object");
    let message = scenario_error(&format!(
        r#"{{"model": {MODEL}, "expect": {{"chains": [{{"unit": "a", "steps": ["a"], "steps": []}}]}}}}"#
    ));
    assert!(message.starts_with("duplicate key \"steps\" in expect.chains[0] at line 1 column "), "{message}");
    // In the scenario's config too: the config's own reader would say the same.
    let message =
        scenario_error(&format!(r#"{{"model": {MODEL}, "config": {{"rules": {{"C003": "off", "C003": "on"}}}}}}"#));
    assert!(message.starts_with("duplicate key \"C003\" in config.rules at line 1"), "{message}");
}

#[test]
fn scenario_byte_order_mark_and_depth() {
    let ok = format!("\u{feff}{{\"name\": \"bom\", \"model\": {MODEL}}}");
    assert!(run_str(&ok, None).unwrap().passed());
    let dir = common::TempDir::new("strict-scenario-bom");
    let path = dir.0.join("s.json");
    std::fs::write(&path, format!("\u{feff}{{\"name\": \"bom\", \"model\": {MODEL}}}")).unwrap();
    assert!(run_file_with(&path, &LoadOptions::default()).unwrap().passed());
    // Deeper than 127 outside the model: refused by the reader, with a position.
    let deep = format!(r#"{{"model": {MODEL}, "description": {}{}}}"#, "[".repeat(127), "]".repeat(127));
    let message = scenario_error(&deep);
    assert!(message.contains("nest more than 127 levels deep"), "{message}");
}

/// The errors of a model document loaded as a file and as a scenario's inline model.
fn both(model: &str) -> (Result<Model, Error>, Result<(), Error>) {
    let file = Model::from_json(model);
    let inline = run_str(&format!("{{\"name\": \"inline\", \"model\": {model}}}"), None).map(drop);
    (file, inline)
}

#[test]
fn an_inline_model_loads_exactly_as_a_model_file() {
    let unit = |fields: &str| {
        format!(r#"{{"format": "tiaokuai/1", "units": [{{"id": "a", "name": "A", "kind": "enterprise", {fields}}}]}}"#)
    };
    // Each of these documents is refused by `validate`; each was accepted inline (the scenario
    // re-serialised the model through serde_json::Value: the last duplicate won, and numbers
    // changed) or refused with another message.
    let refused = [
        unit(r#""members": -1, "members": 3"#),
        unit(r#""sector": "private", "sector": "x""#),
        unit(r#""attrs": {"k": 1, "k": 2}"#),
        unit(r#""staff": 1e3"#),
        unit(r#""staff": 18446744073709551617"#),
        r#"{"format": "tiaokuai/1", "format": "tiaokuai/1"}"#.to_string(),
        r#"{"format": "tiaokuai/1", "meta": {"a": 1, "a": 2}, "units": []}"#.to_string(),
        format!(r#"{{"format": "tiaokuai/1", "meta": {{"x": {}{}}}}}"#, "[".repeat(126), "]".repeat(126)),
    ];
    for model in &refused {
        let (file, inline) = both(model);
        let (file, inline) = (file.unwrap_err(), inline.unwrap_err());
        assert_eq!(file.kind(), inline.kind(), "{model}");
        match (&file, &inline) {
            // Positions are counted in the scenario: the model starts at column 29 of line 1.
            (Error::Syntax { message: a, line: 1, column: c }, Error::Syntax { message: b, line: 1, column: d }) => {
                assert_eq!((a, c + 28), (b, *d), "{model}")
            }
            _ => assert_eq!(file.to_string(), inline.to_string(), "{model}"),
        }
    }
    // Accepted by both: numbers beyond f64 and integers beyond u64 in attrs (the scenario used to
    // refuse 1e400 as malformed JSON), and a model nested exactly 127 deep.
    let accepted = [
        unit(r#""attrs": {"big": 1e400, "n": 123456789012345678901234567890}"#),
        format!(r#"{{"format": "tiaokuai/1", "meta": {{"x": {}{}}}}}"#, "[".repeat(125), "]".repeat(125)),
    ];
    for model in &accepted {
        let (file, inline) = both(model);
        assert!(file.is_ok(), "{model}: {file:?}");
        assert!(inline.is_ok(), "{model}: {inline:?}");
    }
}

#[test]
fn a_scenario_number_beyond_f64_is_refused_naming_the_key() {
    let message = scenario_error(&format!(
        r#"{{"model": {MODEL}, "expect": {{"metrics": [{{"area": "a", "metric": "org_coverage", "value": 1e400}}]}}}}"#
    ));
    assert!(message.starts_with("\"expect\": number out of range at line 1 column "), "{message}");
}

#[test]
fn scenario_size_limit_applies_to_the_scenario_and_its_model_file() {
    let text = format!("{{\"name\": \"x\", \"model\": {MODEL}}}");
    let limit = text.len() as u64;
    assert!(run_str_with(&text, None, &LoadOptions::default().max_bytes(limit)).is_ok());
    assert!(matches!(
        run_str_with(&text, None, &LoadOptions::default().max_bytes(limit - 1)),
        Err(Error::TooLarge { .. })
    ));
    let dir = common::TempDir::new("strict-scenario-size");
    std::fs::write(dir.0.join("m.json"), MODEL).unwrap();
    let scenario = dir.0.join("s.json");
    std::fs::write(&scenario, r#"{"name": "file", "model_file": "m.json"}"#).unwrap();
    assert!(run_file_with(&scenario, &LoadOptions::default()).unwrap().passed());
    // The scenario (41 bytes) fits, its model file (87 bytes) does not.
    let options = LoadOptions::default().max_bytes(64);
    match run_file_with(&scenario, &options) {
        Err(Error::TooLarge { size, limit }) => assert_eq!((size, limit), (MODEL.len() as u64, 64)),
        other => panic!("expected TooLarge for the model file, got {other:?}"),
    }
    let options = LoadOptions::default().max_bytes(16);
    assert!(matches!(run_file_with(&scenario, &options), Err(Error::TooLarge { limit: 16, .. })));
}

#[cfg(unix)]
#[test]
fn scenario_and_model_file_from_an_endless_device_stop_at_the_limit() {
    let options = LoadOptions::default().max_bytes(1 << 20);
    match run_file_with("/dev/zero", &options) {
        Err(Error::TooLarge { size, .. }) => assert_eq!(size, (1 << 20) + 1),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let dir = common::TempDir::new("strict-scenario-zero");
    let scenario = dir.0.join("s.json");
    std::fs::write(&scenario, r#"{"name": "zero", "model_file": "/dev/zero"}"#).unwrap();
    match run_file_with(&scenario, &options) {
        Err(Error::TooLarge { size, .. }) => assert_eq!(size, (1 << 20) + 1),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Models: attrs and meta follow the same duplicate rule in JSON and in CSV cells

#[test]
fn duplicate_keys_in_attrs_and_meta_are_refused_naming_the_record() {
    let err = Model::from_json(
        r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise",
            "attrs": {"p": {"k": 1, "k": 2}}}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"units[0] (id "a"): field "attrs": duplicate key "k" in p: each key may appear once in an object"#
    );
    let err = Model::from_json(r#"{"format": "tiaokuai/1", "meta": {"as_of": "2024", "as_of": "2025"}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"document: field "meta": duplicate key "as_of": each key may appear once in an object"#
    );
    assert!(tiaokuai::Attrs::from_json(r#"{"a": [1, {"b": 1, "b": 1}]}"#).unwrap_err().contains("in a[1]"));
    let dir = common::TempDir::new("strict-csv-attrs");
    std::fs::write(dir.0.join("units.csv"), "id,name,kind,attrs\na,A,enterprise,\"{\"\"k\"\": 1, \"\"k\"\": 2}\"\n")
        .unwrap();
    let err = Model::load(&dir.0).unwrap_err();
    assert!(
        err.to_string().contains(r#"field "attrs": invalid JSON: duplicate key "k""#)
            || err.to_string().contains(r#"duplicate key "k""#),
        "{err}"
    );
}
