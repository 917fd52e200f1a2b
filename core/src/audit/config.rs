//! The audit's configuration: which rules run, at what severity, with which thresholds.
//!
//! Read like a linter's config, from JSON or TOML (see `docs/rules.md` for the
//! full format):
//!
//! ```toml
//! [rules]
//! C003 = "off"                 # switch a rule off (also: false)
//! no-party-org = "error"       # re-grade a rule, by code or name (on, at this severity)
//! S002 = { enabled = true, severity = "info" }
//!
//! [thresholds]
//! min_members_for_org = 3      # Party Constitution art. 30
//! joint_branch_max_units = 5   # Branch Work Regulations (2018)
//! branch_max_members = 50
//! general_branch_max_members = 100
//! required_powers = ["assessment", "consent"]   # Shanghai street-office regulation (2016)
//! deliberation_kinds = ["hearing", "coordination", "evaluation"]   # M001: the three meetings (三会)
//! evaluation_within_days = 180                   # M003
//! chief_grades = [7, 18]       # P003: the career scale's generic scheme (三岗十八级)
//! deputy_grades = [4, 15]
//! other_grades = [1, 12]
//! workers_per_10000 = 18       # P004: Shanghai community-worker measures (2024)
//!
//! [profiles]
//! shanghai = true              # S004 ("1+2") and A004 (no investment attraction)
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;
use serde_json::value::RawValue;

use super::finding::{RULES, Rule, Severity};
use crate::error::{Error, Result};
use crate::format::LoadOptions;
use crate::format::json::count_text;
use crate::format::strict;
use crate::model::{MeetingKind, Power};

/// How the config changes one rule: switched on or off, re-graded. `None`
/// fields keep the default (on, unless its profile is off; the rule's default severity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RuleSetting {
    /// `Some(false)` switches the rule off, `Some(true)` on (even when its profile is off).
    pub enabled: Option<bool>,
    /// The severity to report its findings at.
    pub severity: Option<Severity>,
}

impl Serialize for RuleSetting {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let n = usize::from(self.enabled.is_some()) + usize::from(self.severity.is_some());
        let mut map = s.serialize_map(Some(n))?;
        if let Some(e) = self.enabled {
            map.serialize_entry("enabled", &e)?;
        }
        if let Some(sev) = self.severity {
            map.serialize_entry("severity", &sev)?;
        }
        map.end()
    }
}

/// The numbers the rules compare against, with their sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Thresholds {
    /// Full members from which a unit sets up its own Party organisation (C001, C002):
    /// 3, Party Constitution art. 30.
    pub min_members_for_org: u32,
    /// The most units a joint branch normally covers (C004): 5, Branch Work Regulations (2018).
    pub joint_branch_max_units: u32,
    /// The most members a branch normally has (C005): 50, Branch Work Regulations (2018).
    pub branch_max_members: u32,
    /// The most members a general branch normally has (C005): 100, Branch Work Regulations (2018).
    pub general_branch_max_members: u32,
    /// The powers a street must hold over each stationed agency (B001): assessment and consent,
    /// Shanghai street-office regulation (2016).
    pub required_powers: Vec<Power>,
    /// The kinds of meeting that count as deliberation for M001: hearing, coordination and
    /// evaluation, the three meetings (三会).
    pub deliberation_kinds: Vec<MeetingKind>,
    /// The days after a project's end by which an evaluation is due (M003): 180.
    pub evaluation_within_days: u32,
    /// The grades (lowest, highest) of band `chief` on the community workers' career scale
    /// (P003): 7–18, the published generic "三岗十八级" scheme.
    pub chief_grades: [u32; 2],
    /// The grades of band `deputy` (P003): 4–15, the same scheme.
    pub deputy_grades: [u32; 2],
    /// The grades of band `other` (P003): 1–12, the same scheme.
    pub other_grades: [u32; 2],
    /// The fewest community workers per 10,000 residents of a street or town (P004): 18,
    /// Shanghai community-worker measures (2024).
    pub workers_per_10000: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_members_for_org: 3,
            joint_branch_max_units: 5,
            branch_max_members: 50,
            general_branch_max_members: 100,
            required_powers: vec![Power::Assessment, Power::Consent],
            deliberation_kinds: vec![MeetingKind::Hearing, MeetingKind::Coordination, MeetingKind::Evaluation],
            evaluation_within_days: 180,
            chief_grades: [7, 18],
            deputy_grades: [4, 15],
            other_grades: [1, 12],
            workers_per_10000: 18,
        }
    }
}

/// Rule profiles: groups of rules that hold in one place only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Profiles {
    /// Shanghai's street reform: S004 ("1+2") and A004 (streets attract no investment). On by default.
    pub shanghai: bool,
}

impl Default for Profiles {
    fn default() -> Self {
        Profiles { shanghai: true }
    }
}

/// The audit's configuration.
///
/// # Example
/// ```
/// use tiaokuai::{Config, Severity};
/// let config = Config::from_toml_str(r#"
///     [rules]
///     C003 = "off"
///     no-party-org = "error"
///     [thresholds]
///     min_members_for_org = 4
///     [profiles]
///     shanghai = false
/// "#)?;
/// assert_eq!(config.severity("C001"), Some(Severity::Error));
/// assert_eq!(config.severity("C003"), None);
/// assert_eq!(config.severity("S004"), None); // the Shanghai profile is off
/// assert_eq!(config.thresholds.min_members_for_org, 4);
///
/// let err = Config::from_json_str(r#"{"thresholds": {"min_members": 3}}"#).unwrap_err();
/// assert!(err.to_string().contains("thresholds.min_members"));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Config {
    /// Per-rule settings, keyed by rule code.
    pub rules: BTreeMap<String, RuleSetting>,
    /// The thresholds.
    pub thresholds: Thresholds,
    /// The profiles.
    pub profiles: Profiles,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::Invalid { what: "audit config".to_string(), message: message.into() }
}

fn unknown_rule(key: &str, at: &str) -> Error {
    invalid(format!(
        "{at}: unknown rule {key:?}; expected a code S001 … M004 or a name such as \"no-party-org\" (see docs/rules.md)"
    ))
}

/// The kind of a raw JSON value, for messages (`a table` for an object).
fn type_name(v: &RawValue) -> &'static str {
    strict::kind_of(v.get(), "a table")
}

/// The entries of a raw JSON object, or an error naming `at` for anything else.
fn table<'a>(v: &'a RawValue, at: &str) -> Result<Vec<(String, &'a RawValue)>> {
    if !v.get().starts_with('{') {
        return Err(invalid(format!("{at}: expected a table, found {}", type_name(v))));
    }
    serde_json::from_str::<strict::Entries<'_>>(v.get()).map(|e| e.0).map_err(|e| invalid(format!("{at}: {e}")))
}

fn as_bool(v: &RawValue) -> Option<bool> {
    match v.get() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn as_string(v: &RawValue) -> Option<String> {
    v.get().starts_with('"').then(|| serde_json::from_str::<String>(v.get()).ok()).flatten()
}

/// A TOML value as JSON text, keeping what the count rule looks at: an
/// integer is written as an integer, a float with its decimal point or
/// exponent (`3.0` stays `3.0`, not `3`); `inf` and `nan` (which JSON cannot
/// hold) are refused, naming the key; a date-time becomes its text.
fn toml_to_json(v: &toml::Value, at: &str, out: &mut String) -> Result<()> {
    match v {
        toml::Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        toml::Value::Integer(i) => out.push_str(&i.to_string()),
        toml::Value::Float(f) if f.is_finite() => out.push_str(&format!("{f:?}")),
        toml::Value::Float(f) => {
            return Err(invalid(format!("{at}: {f} is not a finite number")));
        }
        toml::Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        toml::Value::Datetime(d) => out.push_str(&serde_json::to_string(&d.to_string()).unwrap_or_default()),
        toml::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                toml_to_json(item, &format!("{at}[{i}]"), out)?;
            }
            out.push(']');
        }
        toml::Value::Table(t) => toml_table_to_json(t, at, out)?,
    }
    Ok(())
}

fn toml_table_to_json(t: &toml::Table, at: &str, out: &mut String) -> Result<()> {
    out.push('{');
    for (i, (k, v)) in t.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(k).unwrap_or_default());
        out.push(':');
        let key = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
        toml_to_json(v, &key, out)?;
    }
    out.push('}');
    Ok(())
}

impl Config {
    /// Reads a config from JSON text.
    ///
    /// The text is read by the rules of every JSON input (see `docs/format.md`):
    /// a byte-order mark at the start is skipped; a key given twice in one
    /// object, nesting deeper than 127 levels and malformed JSON are errors
    /// with a line and column; counts follow the model's count rule.
    ///
    /// # Errors
    /// [`Error::Invalid`] (`what` = `"audit config"`) for malformed JSON, a
    /// duplicate key, unknown keys, unknown rule codes or names, bad
    /// severities and out-of-range thresholds; the message names the key.
    ///
    /// # Example
    /// ```
    /// let err = tiaokuai::Config::from_json_str(r#"{"rules": {"C003": "off", "C003": "on"}}"#).unwrap_err();
    /// assert!(err.to_string().contains(r#"duplicate key "C003" in rules"#), "{err}");
    /// ```
    pub fn from_json_str(text: &str) -> Result<Config> {
        Config::from_json_str_with(text, &LoadOptions::default())
    }

    /// [`Config::from_json_str`] with options: text longer than
    /// [`LoadOptions::max_bytes`] is refused.
    ///
    /// # Errors
    /// As [`Config::from_json_str`], and [`Error::TooLarge`] over the size limit.
    pub fn from_json_str_with(text: &str, options: &LoadOptions) -> Result<Config> {
        Config::from_json_bytes_with(text.as_bytes(), options)
    }

    /// Reads a config from JSON bytes (UTF-8, with or without a byte-order mark) with options.
    ///
    /// # Errors
    /// As [`Config::from_json_str_with`], and [`Error::Invalid`] for invalid UTF-8.
    pub fn from_json_bytes_with(bytes: &[u8], options: &LoadOptions) -> Result<Config> {
        let text = decode(bytes, options, "JSON")?;
        let raw = strict::parse_document(text).map_err(invalid)?;
        strict::check_depth_and_keys(text, None).map_err(invalid)?;
        Config::from_raw(raw)
    }

    /// Reads a config from TOML text. A byte-order mark at the start is
    /// skipped; TOML itself refuses a key given twice.
    ///
    /// # Errors
    /// As [`Config::from_json_str`], for malformed TOML too, and for `inf`
    /// or `nan` (which a config never needs), naming the key.
    pub fn from_toml_str(text: &str) -> Result<Config> {
        Config::from_toml_str_with(text, &LoadOptions::default())
    }

    /// [`Config::from_toml_str`] with options: text longer than
    /// [`LoadOptions::max_bytes`] is refused.
    ///
    /// # Errors
    /// As [`Config::from_toml_str`], and [`Error::TooLarge`] over the size limit.
    pub fn from_toml_str_with(text: &str, options: &LoadOptions) -> Result<Config> {
        Config::from_toml_bytes_with(text.as_bytes(), options)
    }

    /// Reads a config from TOML bytes (UTF-8, with or without a byte-order mark) with options.
    ///
    /// # Errors
    /// As [`Config::from_toml_str_with`], and [`Error::Invalid`] for invalid UTF-8.
    pub fn from_toml_bytes_with(bytes: &[u8], options: &LoadOptions) -> Result<Config> {
        let text = decode(bytes, options, "TOML")?;
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| strict::line_col(text.as_bytes(), s.start));
            invalid(format!("malformed TOML at line {line} column {column}: {}", e.message().trim()))
        })?;
        let mut json = String::with_capacity(text.len() + 16);
        toml_table_to_json(&table, "", &mut json)?;
        let raw: &RawValue = serde_json::from_str(&json).map_err(|e| invalid(format!("malformed TOML: {e}")))?;
        Config::from_raw(raw)
    }

    /// Reads a config file: TOML when the name ends in `.toml`, JSON when in `.json`.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; [`Error::Invalid`] for another
    /// extension and for every error of [`Config::from_json_str`] (the message
    /// starts with the path).
    ///
    /// # Example
    /// ```no_run
    /// let config = tiaokuai::Config::load("audit.toml")?;
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        Config::load_with(path, &LoadOptions::default())
    }

    /// [`Config::load`] with options: the file is never read past
    /// [`LoadOptions::max_bytes`] (so `/dev/zero` or an endless pipe is
    /// refused at the limit, not read until memory runs out), and a file that
    /// changes while it is read is reported, as for models.
    ///
    /// # Errors
    /// As [`Config::load`], [`Error::TooLarge`] over the size limit and
    /// [`Error::Changed`] for a file that changed while it was read.
    ///
    /// # Example
    /// ```no_run
    /// let options = tiaokuai::LoadOptions::default().max_bytes(1 << 20);
    /// let config = tiaokuai::Config::load_with("audit.toml", &options)?;
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn load_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Config> {
        let path = path.as_ref();
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let toml = match ext.as_deref() {
            Some("toml") => true,
            Some("json") => false,
            _ => {
                return Err(invalid(format!(
                    "{}: cannot tell the format; the file name must end in .toml or .json",
                    path.display()
                )));
            }
        };
        let bytes = crate::format::read_checked(path, 0, options.max_bytes, &mut |_| {})?;
        let parsed = if toml {
            Config::from_toml_bytes_with(&bytes, options)
        } else {
            Config::from_json_bytes_with(&bytes, options)
        };
        parsed.map_err(|e| match e {
            Error::Invalid { what, message } => {
                Error::Invalid { what, message: format!("{}: {message}", path.display()) }
            }
            other => other,
        })
    }

    /// Reads a config from a JSON value (what [`Config::from_json_str`] parses).
    ///
    /// # Errors
    /// As [`Config::from_json_str`].
    pub fn from_value(value: &Value) -> Result<Config> {
        let text = serde_json::to_string(value).map_err(|e| invalid(e.to_string()))?;
        Config::from_json_str(&text)
    }

    /// Reads a config from raw JSON whose whole document was checked (syntax,
    /// depth, duplicate keys) by the caller: a scenario's `config`.
    pub(crate) fn from_raw(value: &RawValue) -> Result<Config> {
        if !value.get().starts_with('{') {
            return Err(invalid(format!("expected a table at the top level, found {}", type_name(value))));
        }
        let mut config = Config::default();
        for (key, v) in table(value, "(top level)")? {
            match key.as_str() {
                "rules" => config.rules = parse_rules(v)?,
                "thresholds" => config.thresholds = parse_thresholds(v)?,
                "profiles" => config.profiles = parse_profiles(v)?,
                _ => {
                    return Err(invalid(format!("unknown key {key:?}; expected one of rules, thresholds, profiles")));
                }
            }
        }
        Ok(config)
    }

    /// The config as JSON text in the format [`Config::from_json_str`] reads.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The severity a rule (by code or name) reports at, or `None` when it is switched off.
    /// Unknown rules give `None`.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        Rule::find(rule).and_then(|r| self.effective(r))
    }

    /// True when the rule (by code or name) runs.
    pub fn is_enabled(&self, rule: &str) -> bool {
        self.severity(rule).is_some()
    }

    pub(crate) fn effective(&self, rule: &Rule) -> Option<Severity> {
        let setting = self.rules.get(rule.code).copied().unwrap_or_default();
        let by_profile = match rule.profile {
            Some("shanghai") => self.profiles.shanghai,
            _ => true,
        };
        setting.enabled.unwrap_or(by_profile).then(|| setting.severity.unwrap_or(rule.default_severity))
    }

    fn setting(&mut self, rule: &str) -> Result<&mut RuleSetting> {
        let r = Rule::find(rule).ok_or_else(|| unknown_rule(rule, "rules"))?;
        Ok(self.rules.entry(r.code.to_string()).or_default())
    }

    /// Switches a rule (by code or name) off.
    ///
    /// # Errors
    /// [`Error::Invalid`] when no rule has that code or name.
    ///
    /// # Example
    /// ```
    /// let mut config = tiaokuai::Config::default();
    /// config.disable("C003")?.set_severity("C001", tiaokuai::Severity::Error)?;
    /// assert!(!config.is_enabled("no-work-coverage"));
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn disable(&mut self, rule: &str) -> Result<&mut Config> {
        self.setting(rule)?.enabled = Some(false);
        Ok(self)
    }

    /// Switches a rule (by code or name) on, even when its profile is off.
    ///
    /// # Errors
    /// [`Error::Invalid`] when no rule has that code or name.
    pub fn enable(&mut self, rule: &str) -> Result<&mut Config> {
        self.setting(rule)?.enabled = Some(true);
        Ok(self)
    }

    /// Re-grades a rule (by code or name). Does not switch it on or off.
    ///
    /// # Errors
    /// [`Error::Invalid`] when no rule has that code or name.
    pub fn set_severity(&mut self, rule: &str, severity: Severity) -> Result<&mut Config> {
        self.setting(rule)?.severity = Some(severity);
        Ok(self)
    }
}

fn parse_rules(v: &RawValue) -> Result<BTreeMap<String, RuleSetting>> {
    let mut out: BTreeMap<String, RuleSetting> = BTreeMap::new();
    let mut keys: BTreeMap<&'static str, String> = BTreeMap::new();
    for (key, val) in table(v, "rules")? {
        let rule = Rule::find(&key).ok_or_else(|| unknown_rule(&key, "rules"))?;
        if let Some(first) = keys.insert(rule.code, key.clone()) {
            return Err(invalid(format!("rules: {first:?} and {key:?} name the same rule {}", rule.code)));
        }
        let at = format!("rules.{key}");
        let setting = if let Some(b) = as_bool(val) {
            RuleSetting { enabled: Some(b), severity: None }
        } else if let Some(s) = as_string(val) {
            match s.as_str() {
                "off" => RuleSetting { enabled: Some(false), severity: None },
                "on" => RuleSetting { enabled: Some(true), severity: None },
                word => RuleSetting { enabled: Some(true), severity: Some(parse_severity(word, &at)?) },
            }
        } else if val.get().starts_with('{') {
            let mut s = RuleSetting::default();
            for (k, x) in table(val, &at)? {
                match k.as_str() {
                    "enabled" => {
                        s.enabled = Some(as_bool(x).ok_or_else(|| {
                            invalid(format!("{at}.enabled: expected true or false, found {}", type_name(x)))
                        })?)
                    }
                    "severity" => {
                        let w = as_string(x).ok_or_else(|| {
                            invalid(format!(
                                "{at}.severity: expected \"error\", \"warning\" or \"info\", found {}",
                                type_name(x)
                            ))
                        })?;
                        s.severity = Some(parse_severity(&w, &format!("{at}.severity"))?)
                    }
                    _ => return Err(invalid(format!("{at}: unknown key {k:?}; expected enabled, severity"))),
                }
            }
            s
        } else {
            return Err(invalid(format!(
                "{at}: expected \"off\", \"on\", a severity (\"error\", \"warning\", \"info\"), true/false or a \
                 table, found {}",
                type_name(val)
            )));
        };
        out.insert(rule.code.to_string(), setting);
    }
    Ok(out)
}

fn parse_severity(word: &str, at: &str) -> Result<Severity> {
    word.parse::<Severity>().map_err(|_| {
        invalid(format!(
            "{at}: unknown severity {word:?}; expected \"off\", \"on\", \"error\", \"warning\" or \"info\""
        ))
    })
}

/// A threshold, by the model's count rule (a whole number written without a
/// decimal point or exponent, at most 4294967295; the value quoted as
/// written), and at least `min`.
fn parse_count(v: &RawValue, at: &str, min: u32) -> Result<u32> {
    let expected = || format!("{at}: expected a whole number of at least {min}, found {}", v.get());
    match count_text(v) {
        Ok(n) if n >= min => Ok(n),
        Ok(_) => Err(invalid(expected())),
        Err((_, reason)) => Err(invalid(format!("{}: {reason}", expected()))),
    }
}

/// A band's grades: `[lowest, highest]`, two whole numbers 1–18, the first not above the second.
fn parse_grades(v: &RawValue, at: &str) -> Result<[u32; 2]> {
    let bad = || invalid(format!("{at}: expected [lowest, highest], two grades 1 to 18, found {}", v.get()));
    if !v.get().starts_with('[') {
        return Err(bad());
    }
    let arr: Vec<&RawValue> = serde_json::from_str(v.get()).map_err(|_| bad())?;
    let [lo, hi] = arr.as_slice() else { return Err(bad()) };
    let (lo, hi) = (parse_count(lo, at, 1)?, parse_count(hi, at, 1)?);
    if hi > 18 || lo > hi {
        return Err(bad());
    }
    Ok([lo, hi])
}

fn parse_thresholds(v: &RawValue) -> Result<Thresholds> {
    let mut t = Thresholds::default();
    for (key, val) in table(v, "thresholds")? {
        let at = format!("thresholds.{key}");
        match key.as_str() {
            "min_members_for_org" => t.min_members_for_org = parse_count(val, &at, 1)?,
            "joint_branch_max_units" => t.joint_branch_max_units = parse_count(val, &at, 1)?,
            "branch_max_members" => t.branch_max_members = parse_count(val, &at, 1)?,
            "general_branch_max_members" => t.general_branch_max_members = parse_count(val, &at, 1)?,
            "evaluation_within_days" => t.evaluation_within_days = parse_count(val, &at, 0)?,
            "deliberation_kinds" => {
                if !val.get().starts_with('[') {
                    return Err(invalid(format!("{at}: expected an array of meeting kinds, found {}", type_name(val))));
                }
                let arr: Vec<&RawValue> = serde_json::from_str(val.get()).map_err(|e| invalid(format!("{at}: {e}")))?;
                let mut kinds: Vec<MeetingKind> = Vec::new();
                for (i, k) in arr.iter().enumerate() {
                    let word = as_string(k).ok_or_else(|| {
                        invalid(format!("{at}[{i}]: expected a meeting kind, found {}", type_name(k)))
                    })?;
                    let kind = word.parse::<MeetingKind>().map_err(|e| invalid(format!("{at}[{i}]: {e}")))?;
                    if kinds.contains(&kind) {
                        return Err(invalid(format!("{at}[{i}]: {word:?} is listed twice")));
                    }
                    kinds.push(kind);
                }
                t.deliberation_kinds = kinds;
            }
            "required_powers" => {
                if !val.get().starts_with('[') {
                    return Err(invalid(format!("{at}: expected an array of powers, found {}", type_name(val))));
                }
                let arr: Vec<&RawValue> = serde_json::from_str(val.get()).map_err(|e| invalid(format!("{at}: {e}")))?;
                let mut powers = Vec::new();
                for (i, p) in arr.iter().enumerate() {
                    let word = as_string(p)
                        .ok_or_else(|| invalid(format!("{at}[{i}]: expected a power word, found {}", type_name(p))))?;
                    let power = word.parse::<Power>().map_err(|e| invalid(format!("{at}[{i}]: {e}")))?;
                    // At most the few powers there are, so this search stays short.
                    if powers.contains(&power) {
                        return Err(invalid(format!("{at}[{i}]: {word:?} is listed twice")));
                    }
                    powers.push(power);
                }
                t.required_powers = powers;
            }
            "chief_grades" => t.chief_grades = parse_grades(val, &at)?,
            "deputy_grades" => t.deputy_grades = parse_grades(val, &at)?,
            "other_grades" => t.other_grades = parse_grades(val, &at)?,
            "workers_per_10000" => t.workers_per_10000 = parse_count(val, &at, 0)?,
            _ => {
                return Err(invalid(format!(
                    "unknown key {at:?}; expected one of min_members_for_org, joint_branch_max_units, \
                     branch_max_members, general_branch_max_members, required_powers, deliberation_kinds, \
                     evaluation_within_days, chief_grades, deputy_grades, other_grades, workers_per_10000"
                )));
            }
        }
    }
    Ok(t)
}

fn parse_profiles(v: &RawValue) -> Result<Profiles> {
    let mut p = Profiles::default();
    for (key, val) in table(v, "profiles")? {
        match key.as_str() {
            "shanghai" => {
                p.shanghai = as_bool(val).ok_or_else(|| {
                    invalid(format!("profiles.shanghai: expected true or false, found {}", type_name(val)))
                })?
            }
            _ => return Err(invalid(format!("unknown key \"profiles.{key}\"; expected shanghai"))),
        }
    }
    Ok(p)
}

/// Decodes a config's bytes: the size limit, a byte-order mark skipped, UTF-8.
fn decode<'a>(bytes: &'a [u8], options: &LoadOptions, format: &str) -> Result<&'a str> {
    strict::decode(bytes, options.max_bytes).map_err(|e| match e {
        Error::Syntax { message, line, column } => {
            invalid(format!("malformed {format} at line {line} column {column}: {message}"))
        }
        other => other,
    })
}

/// The effective severity of every rule, by index in [`RULES`] (`None` = off).
pub(crate) fn effective_all(config: &Config) -> Vec<Option<Severity>> {
    RULES.iter().map(|r| config.effective(r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let mut c = Config::default();
        c.disable("C003").unwrap().set_severity("A002", Severity::Warning).unwrap();
        c.thresholds.required_powers = vec![Power::Consent];
        c.profiles.shanghai = false;
        let back = Config::from_json_str(&c.to_json()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn severity_string_switches_on() {
        let c = Config::from_json_str(r#"{"profiles": {"shanghai": false}, "rules": {"S004": "info"}}"#).unwrap();
        assert_eq!(c.severity("S004"), Some(Severity::Info));
        assert_eq!(c.severity("A004"), None);
    }
}
