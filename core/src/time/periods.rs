//! The audit over a span of dates: each finding once, with the periods in which it held.
//!
//! The model is evaluated at the start of the span and at every day within it on which
//! something changes ([`super::audit_change_days`]); a finding holds from the first of those
//! days it is found at through the day before the first one it is no longer found at.
//! Findings are the same finding at two dates when their rule, subject and street/town
//! are the same. Each finding's message and evidence are those of the first day it is
//! found; the findings' text is built once per such day, not once per day evaluated.
//!
//! # Example
//! ```
//! use tiaokuai::{Config, Model, time::audit_over};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "s", "name": "友谊路街道", "kind": "street"}],
//!   "units": [{"id": "a", "name": "A 公司", "kind": "enterprise", "sector": "private", "located_in": "s", "members": 5},
//!             {"id": "a-party", "name": "A 公司党支部", "kind": "party_branch", "sector": "party",
//!              "since": "2017-03-01", "until": "2020-12-31"}],
//!   "links": [{"from": "a-party", "to": "a", "kind": "party_org_of"}]}"#)?;
//! let report = audit_over(&model, &Config::default(), Some("2015".parse()?), None)?;
//! let gap = report.findings.iter().find(|f| f.finding.rule == "C001" && f.finding.subject == "a").unwrap();
//! assert_eq!(gap.describe_periods(), "2015-01-01 to 2017-02-28, and from 2021-01-01");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::audit::{Config, Finding, FindingKey, RULES, keys_only};
use crate::error::{Error, Result};
use crate::model::{Date, Model};
use crate::render::Table;

/// Days from `from` through `to`, both inclusive; `None` is open (before the first
/// day evaluated, or still holding at the end of the span).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Period {
    /// The first day, or `None` when it held from before any date of the document.
    pub from: Option<Date>,
    /// The last day, or `None` when it still holds at the end of the span.
    pub to: Option<Date>,
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Period", 2)?;
        st.serialize_field("from", &self.from.map(|d| d.to_string()))?;
        st.serialize_field("to", &self.to.map(|d| d.to_string()))?;
        st.end()
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.from, self.to) {
            (Some(a), Some(b)) if a == b => write!(f, "on {a}"),
            (Some(a), Some(b)) => write!(f, "{a} to {b}"),
            (Some(a), None) => write!(f, "from {a}"),
            (None, Some(b)) => write!(f, "until {b}"),
            (None, None) => write!(f, "throughout"),
        }
    }
}

/// A finding and the periods in which it held.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct HeldFinding {
    /// The finding as found on the first day it held.
    #[serde(flatten)]
    pub finding: Finding,
    /// The periods, in order, none touching the next.
    pub periods: Vec<Period>,
}

impl HeldFinding {
    /// The periods for people: "2016-03-01 to 2017-08-31, and from 2021-01-01".
    pub fn describe_periods(&self) -> String {
        let parts: Vec<String> = self.periods.iter().map(|p| p.to_string()).collect();
        match parts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}, and {last}", rest.join(", ")),
            _ => parts.join(""),
        }
    }
}

/// The result of [`audit_over`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PeriodReport {
    /// The first day of the span, if given.
    pub from: Option<Date>,
    /// The last day of the span, if given.
    pub to: Option<Date>,
    /// How many days were evaluated.
    pub days: usize,
    /// The findings, in report order (rule, subject, street/town).
    pub findings: Vec<HeldFinding>,
}

impl Serialize for PeriodReport {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("PeriodReport", 4)?;
        st.serialize_field("from", &self.from.map(|d| d.to_string()))?;
        st.serialize_field("to", &self.to.map(|d| d.to_string()))?;
        st.serialize_field("days", &self.days)?;
        st.serialize_field("findings", &self.findings)?;
        st.end()
    }
}

impl PeriodReport {
    /// The findings as a table for people: severity, rule, subject, street/town, periods, message.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["severity", "rule", "subject", "street/town", "periods", "message"]);
        for h in &self.findings {
            let f = &h.finding;
            t.row([
                f.severity.as_str(),
                f.rule,
                &f.subject,
                f.territory.as_deref().unwrap_or(""),
                &h.describe_periods(),
                &f.message,
            ]);
        }
        t
    }

    /// The report as pretty JSON: `{"from", "to", "days", "findings": [{…finding…,
    /// "periods": [{"from", "to"}]}]}`, `null` for an open end.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Audits `model` over the days from `from` (its first day) to `to` (its last day);
/// see the [module documentation](self). Without `from`, the span starts before the
/// document's first date (periods open at the start); without `to`, it runs for good.
///
/// # Errors
/// [`Error::Invalid`] when `to` is before `from`, or the span holds more than
/// [`super::timeline::MAX_DATES`] days of change.
pub fn audit_over(model: &Model, config: &Config, from: Option<Date>, to: Option<Date>) -> Result<PeriodReport> {
    let invalid = |message: String| Error::Invalid { what: "audit over a span".to_string(), message };
    if let (Some(a), Some(b)) = (from, to)
        && b.last_day() < a.first_day()
    {
        return Err(invalid(format!("--to {b} is before --from {a}")));
    }
    let (start, end) = (from.map(Date::first_day), to.map(Date::last_day));
    let changes = super::audit_change_days(model, config);
    // The days evaluated, and the first day of the period each stands for (`None`: open).
    let mut days: Vec<(Date, Option<Date>)> = Vec::new();
    match start {
        Some(s) => days.push((s, Some(s))),
        // Before the first change: any day earlier than it.
        None => days.extend(changes.first().and_then(|d| d.prev_day()).map(|d| (d, None))),
    }
    days.extend(
        changes.iter().filter(|&&d| start.is_none_or(|s| d > s) && end.is_none_or(|e| d <= e)).map(|&d| (d, Some(d))),
    );
    if days.is_empty() {
        // No date at all: the model is the same every day.
        days.push((Date::year_of(1).expect("year 1"), None));
    }
    if days.len() > super::timeline::MAX_DATES {
        return Err(invalid(format!(
            "{} days of change: more than {}; choose a shorter span",
            days.len(),
            super::timeline::MAX_DATES
        )));
    }
    struct Held {
        periods: Vec<Period>,
        open: Option<Option<Date>>,
        first: usize,
    }
    let mut held: HashMap<FindingKey, Held> = HashMap::new();
    let mut prev: Vec<FindingKey> = Vec::new();
    for (i, &(day, label)) in days.iter().enumerate() {
        let (_, mut keys) = keys_only(&model.at(day), config);
        // One rule can find the same subject at one street/town twice (M004: two meetings of
        // one community on days its convener was not in force): one finding, one set of periods.
        keys.dedup();
        // Keys are sorted: walk both lists to see what started and what ended.
        let (mut a, mut b) = (0, 0);
        while a < prev.len() || b < keys.len() {
            match (prev.get(a), keys.get(b)) {
                (Some(p), Some(k)) if p == k => {
                    a += 1;
                    b += 1;
                }
                (Some(p), k) if k.is_none_or(|k| p < k) => {
                    if let Some(h) = held.get_mut(p)
                        && let Some(from) = h.open.take()
                    {
                        h.periods.push(Period { from, to: day.prev_day() });
                    }
                    a += 1;
                }
                (_, Some(k)) => {
                    let h = held.entry(*k).or_insert(Held { periods: Vec::new(), open: None, first: i });
                    h.open = Some(label);
                    b += 1;
                }
                (_, None) => unreachable!("one list is left"),
            }
        }
        prev = keys;
    }
    for h in held.values_mut() {
        if let Some(from) = h.open.take() {
            h.periods.push(Period { from, to: None });
        }
    }
    // The text of each finding, from a full audit on the first day it held.
    let mut by_day: Vec<Vec<FindingKey>> = vec![Vec::new(); days.len()];
    for (k, h) in &held {
        by_day[h.first].push(*k);
    }
    let mut findings: Vec<(FindingKey, HeldFinding)> = Vec::with_capacity(held.len());
    for (i, keys) in by_day.iter().enumerate() {
        if keys.is_empty() {
            continue;
        }
        let view = model.at(days[i].0);
        let report = view.audit(config);
        let mut text: HashMap<(&str, &str, Option<&str>), &Finding> = HashMap::new();
        for f in &report.findings {
            text.entry((f.rule, f.subject.as_str(), f.territory.as_deref())).or_insert(f);
        }
        for &k in keys {
            let id = (RULES[k.rule()].code, model.id(k.subject()), k.territory().map(|t| model.id(t)));
            let Some(f) = text.get(&id) else {
                continue; // a rule keyed a finding it did not report: cannot happen, never invented
            };
            let periods = held.remove(&k).map(|h| h.periods).unwrap_or_default();
            findings.push((k, HeldFinding { finding: (*f).clone(), periods }));
        }
    }
    findings.sort_by_key(|(k, _)| *k);
    Ok(PeriodReport {
        from: start,
        to: end,
        days: days.len(),
        findings: findings.into_iter().map(|(_, f)| f).collect(),
    })
}

impl Model {
    /// The audit over a span; see [`audit_over`].
    ///
    /// # Errors
    /// As [`audit_over`].
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Config, Model};
    /// let report = Model::sample().audit_over(&Config::default(), Some("2014".parse()?), Some("2024".parse()?))?;
    /// assert!(report.findings.iter().all(|f| !f.periods.is_empty()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn audit_over(&self, config: &Config, from: Option<Date>, to: Option<Date>) -> Result<PeriodReport> {
        audit_over(self, config, from, to)
    }
}
