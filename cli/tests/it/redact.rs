//! `tiaokuai convert --redact-people`.

use std::process::{Command, Output};

const DOC: &str = r#"{"format": "tiaokuai/1",
  "units": [{"id": "jwh", "name": "某居委会", "kind": "residents_committee"}],
  "people": [{"id": "p-0001", "name": "张三"}],
  "links": [{"from": "p-0001", "to": "jwh", "kind": "holds", "post": "director"}]}"#;

fn run(args: &[&str], env_key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tiaokuai"));
    cmd.args(args).env_remove("TIAOKUAI_REDACT_KEY");
    if let Some(key) = env_key {
        cmd.env("TIAOKUAI_REDACT_KEY", key);
    }
    cmd.output().expect("the tiaokuai binary runs")
}

fn fixture(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("tiaokuai-cli-redact-{}-{name}.json", std::process::id()));
    std::fs::write(&path, DOC).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn convert_redacts_with_a_key_from_the_flag_or_the_environment() {
    let file = fixture("keys");
    let by_flag = run(&["convert", &file, "--to", "json", "--redact-people", "--redact-key", "k1"], None);
    assert_eq!(by_flag.status.code(), Some(0), "{}", String::from_utf8_lossy(&by_flag.stderr));
    let text = String::from_utf8(by_flag.stdout).unwrap();
    assert!(!text.contains("张三") && !text.contains("p-0001"), "{text}");
    assert!(text.contains(&tiaokuai::people::pseudonym(b"k1", "p-0001")), "{text}");
    assert!(text.contains("某居委会"));
    let by_env = run(&["convert", &file, "--to", "json", "--redact-people"], Some("k1"));
    assert_eq!(String::from_utf8(by_env.stdout).unwrap(), text);
    let other = run(&["convert", &file, "--to", "json", "--redact-people", "--redact-key", "k2"], None);
    assert_ne!(String::from_utf8(other.stdout).unwrap(), text);
    // Without --redact-people the names stay.
    let plain = run(&["convert", &file, "--to", "json"], None);
    assert!(String::from_utf8(plain.stdout).unwrap().contains("张三"));
    std::fs::remove_file(file).unwrap();
}

#[test]
fn convert_without_a_key_is_refused_with_exit_2() {
    let file = fixture("nokey");
    let o = run(&["convert", &file, "--to", "json", "--redact-people"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("TIAOKUAI_REDACT_KEY") && err.contains("enumerat"), "{err}");
    assert!(o.stdout.is_empty());
    std::fs::remove_file(file).unwrap();
}

#[test]
fn export_redacts_too() {
    let file = fixture("export");
    let o = run(&["export", &file, "--to", "graphml", "--redact-people", "--redact-key", "k1"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains("张三") && !text.contains("p-0001"), "{text}");
    assert!(text.contains(&tiaokuai::people::pseudonym(b"k1", "p-0001")), "{text}");
    let plain = run(&["export", &file, "--to", "graphml"], None);
    assert!(String::from_utf8(plain.stdout).unwrap().contains("张三"));
    let nokey = run(&["export", &file, "--to", "graphml", "--redact-people"], None);
    assert_eq!(nokey.status.code(), Some(2));
    std::fs::remove_file(file).unwrap();
}
