//! The timeline: the metrics and the findings counted by rule at a series of dates.
//!
//! Each date is read as a view ([`Model::at`]; a year or month is read as its last
//! day, as yearbooks count) and audited without building any finding's text, so a
//! row costs about one audit's rule passes and nothing more. With more than one
//! thread the dates are shared out between scoped threads; the rows are the same
//! whatever the number.
//!
//! # Example
//! ```
//! use tiaokuai::{Config, Model, time::{Every, timeline, timeline_dates}};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "s", "name": "友谊路街道", "kind": "street"}],
//!   "units": [{"id": "a", "name": "A 公司", "kind": "enterprise", "sector": "private", "located_in": "s"},
//!             {"id": "a-party", "name": "A 公司党支部", "kind": "party_branch", "sector": "party", "since": "2017-03-01"}],
//!   "links": [{"from": "a-party", "to": "a", "kind": "party_org_of", "since": "2017-03-01"}]}"#)?;
//! let dates = timeline_dates(&model, &Config::default(), Some("2015".parse()?), Some("2018".parse()?), Some(Every::Year))?;
//! let t = timeline(&model, &Config::default(), &dates, 1);
//! let coverage: Vec<Option<f64>> = t.rows.iter().map(|r| r.counts.rates().org_coverage).collect();
//! assert_eq!(coverage, [Some(0.0), Some(0.0), Some(1.0), Some(1.0)]);
//! assert_eq!(t.rows[0].date.to_string(), "2015");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::audit::{Config, RULES, Severity, counts_without_time_rules, time_rule_counts};
use crate::error::{Error, Result};
use crate::metrics::Counts;
use crate::model::{Date, Model};
use crate::render::Table;

/// The most dates one timeline evaluates: each costs about an audit.
pub const MAX_DATES: usize = 10_000;

/// The step of a timeline's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Each year (`YYYY`, read as 31 December).
    Year,
    /// Each quarter (`YYYY-03`, `-06`, `-09`, `-12`, read as the quarter's last day).
    Quarter,
    /// Each month (`YYYY-MM`, read as its last day).
    Month,
}

/// One date of a [`Timeline`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TimelineRow {
    /// The date as asked (a year or month is read as its last day).
    pub date: Date,
    /// Findings at severity error.
    pub errors: usize,
    /// Findings at severity warning.
    pub warnings: usize,
    /// Findings at severity info.
    pub infos: usize,
    /// Findings per rule, parallel to [`Timeline::rules`].
    pub findings: Vec<usize>,
    /// The metrics' counts summed over every street/town.
    pub counts: Counts,
}

/// The metrics and findings by rule at a series of dates; see the [module documentation](self).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Timeline {
    /// The codes of the rules that give a finding at some date, in catalogue order.
    pub rules: Vec<&'static str>,
    /// One row per date, in the order asked.
    pub rows: Vec<TimelineRow>,
}

type Rate = fn(&crate::metrics::Rates) -> Option<f64>;

/// The rates a timeline shows, by column name.
const RATES: [(&str, Rate); 5] = [
    ("org_coverage", |r| r.org_coverage),
    ("work_coverage", |r| r.work_coverage),
    ("dual_registration", |r| r.dual_registration),
    ("block_power", |r| r.block_power),
    ("matter_coverage", |r| r.matter_coverage),
];

/// The dates of a timeline. With `every`, each year, quarter or month from `from`
/// to `to` (both needed), as reduced dates (period ends). Without it, every day on
/// an audit under `config` can change ([`super::audit_change_days`]) within `from`..`to`, after
/// `from`'s first day itself when it is given.
///
/// # Errors
/// [`Error::Invalid`] when `to` is before `from`, `every` lacks `from` or `to`, or
/// the dates would be more than [`MAX_DATES`].
///
/// # Example
/// ```
/// use tiaokuai::{Config, Model, time::{Every, timeline_dates}};
/// let model = Model::sample();
/// let q = timeline_dates(&model, &Config::default(), Some("2019-02".parse()?), Some("2019-12-31".parse()?), Some(Every::Quarter))?;
/// let q: Vec<String> = q.iter().map(|d| d.to_string()).collect();
/// assert_eq!(q, ["2019-03", "2019-06", "2019-09", "2019-12"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn timeline_dates(
    model: &Model,
    config: &Config,
    from: Option<Date>,
    to: Option<Date>,
    every: Option<Every>,
) -> Result<Vec<Date>> {
    let invalid = |message: String| Error::Invalid { what: "timeline".to_string(), message };
    if let (Some(a), Some(b)) = (from, to)
        && b.last_day() < a.first_day()
    {
        return Err(invalid(format!("--to {b} is before --from {a}")));
    }
    let too_many = || invalid(format!("more than {MAX_DATES} dates: choose a shorter span or a longer step"));
    let Some(every) = every else {
        let start = from.map(Date::first_day);
        let mut dates: Vec<Date> = start.into_iter().collect();
        let end = to.map(Date::last_day);
        dates.extend(
            super::audit_change_days(model, config)
                .into_iter()
                .filter(|&d| start.is_none_or(|s| d > s) && end.is_none_or(|e| d <= e)),
        );
        return if dates.len() > MAX_DATES { Err(too_many()) } else { Ok(dates) };
    };
    let (Some(from), Some(to)) = (from, to) else {
        return Err(invalid("--every needs --from and --to".to_string()));
    };
    let (a, b) = (from.first_day(), to.last_day());
    let months = |d: Date| d.year() as usize * 12 + d.month().unwrap_or(1) as usize - 1;
    let step = match every {
        Every::Year => 12,
        Every::Quarter => 3,
        Every::Month => 1,
    };
    // The first period end on or after `a`, then every `step` months up to the one holding `b`.
    let first = (months(a) / step) * step + step - 1;
    let last = (months(b) / step) * step + step - 1;
    if (last - first) / step >= MAX_DATES {
        return Err(too_many());
    }
    let mut dates = Vec::new();
    let mut m = first;
    while m <= last {
        let (year, month) = ((m / 12) as u32, (m % 12) as u32 + 1);
        let d = if every == Every::Year { Date::year_of(year) } else { Date::month_of(year, month) };
        dates.extend(d);
        m += step;
    }
    Ok(dates)
}

/// The timeline of `model` at `dates` under `config`, on up to `threads` threads (0 or
/// 1: this one); see the [module documentation](self).
pub fn timeline(model: &Model, config: &Config, dates: &[Date], threads: usize) -> Timeline {
    let severities: Vec<Option<Severity>> = RULES.iter().map(|r| config.effective(r)).collect();
    // The T rules read the whole document: their counts are the same at every date.
    let time_counts = time_rule_counts(model, config);
    let row = |date: Date| {
        let view = model.at(date);
        let (metrics, mut findings) = counts_without_time_rules(&view, config);
        for (n, t) in findings.iter_mut().zip(&time_counts) {
            *n += t;
        }
        let mut counts = Counts::default();
        for area in &metrics.townships {
            counts += area.counts;
        }
        let (mut errors, mut warnings, mut infos) = (0, 0, 0);
        for (i, &n) in findings.iter().enumerate() {
            match severities[i] {
                Some(Severity::Error) => errors += n,
                Some(Severity::Warning) => warnings += n,
                Some(Severity::Info) => infos += n,
                None => {}
            }
        }
        TimelineRow { date, errors, warnings, infos, findings, counts }
    };
    let threads = threads.clamp(1, dates.len().clamp(1, crate::format::MAX_THREADS));
    let mut rows: Vec<TimelineRow> = if threads == 1 {
        dates.iter().map(|&d| row(d)).collect()
    } else {
        let chunk = dates.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> =
                dates.chunks(chunk).map(|part| s.spawn(|| part.iter().map(|&d| row(d)).collect::<Vec<_>>())).collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        })
    };
    let fired: Vec<usize> = (0..RULES.len()).filter(|&i| rows.iter().any(|r| r.findings[i] > 0)).collect();
    for r in &mut rows {
        r.findings = fired.iter().map(|&i| r.findings[i]).collect();
    }
    Timeline { rules: fired.iter().map(|&i| RULES[i].code).collect(), rows }
}

impl Model {
    /// The timeline of this model at `dates`; see [`timeline()`].
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Config, Model};
    /// let model = Model::sample();
    /// let t = model.timeline(&Config::default(), &["2020".parse()?, "2024".parse()?]);
    /// assert_eq!(t.rows.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timeline(&self, config: &Config, dates: &[Date]) -> Timeline {
        timeline(self, config, dates, 1)
    }
}

impl TimelineRow {
    /// The number of findings of a rule at this date (0 for a rule that never fires).
    pub fn count(&self, timeline: &Timeline, code: &str) -> usize {
        timeline.rules.iter().position(|&c| c == code).map_or(0, |i| self.findings[i])
    }
}

impl Timeline {
    /// The column names of [`Timeline::cells`]: date, day, errors, warnings, infos, a
    /// column per rule that fires, then the rates (org_coverage, work_coverage,
    /// dual_registration, block_power, matter_coverage).
    pub fn columns(&self) -> Vec<String> {
        let mut c: Vec<String> = ["date", "day", "errors", "warnings", "infos"].map(String::from).into();
        c.extend(self.rules.iter().map(|r| r.to_string()));
        c.extend(RATES.iter().map(|(n, _)| n.to_string()));
        c
    }

    /// Each row as text cells, in the order of [`Timeline::columns`] (a rate with no
    /// denominator is empty; rates have four decimals).
    pub fn cells(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| {
                let mut c = vec![
                    r.date.to_string(),
                    r.date.last_day().to_string(),
                    r.errors.to_string(),
                    r.warnings.to_string(),
                    r.infos.to_string(),
                ];
                c.extend(r.findings.iter().map(|n| n.to_string()));
                let rates = r.counts.rates();
                c.extend(RATES.iter().map(|(_, f)| f(&rates).map_or(String::new(), |x| format!("{x:.4}"))));
                c
            })
            .collect()
    }

    /// The timeline as a table for people.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(self.columns());
        for row in self.cells() {
            t.row(row);
        }
        t
    }

    /// The timeline as pretty JSON: `{"rules": [...], "rows": [{"date", "day",
    /// "errors", "warnings", "infos", "findings": {code: n}, "counts": {...},
    /// "rates": {...}}]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Serialize for Timeline {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct Row<'a>(&'a Timeline, &'a TimelineRow);
        struct ByRule<'a>(&'a Timeline, &'a TimelineRow);
        impl Serialize for ByRule<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.rules.len()))?;
                for (code, n) in self.0.rules.iter().zip(&self.1.findings) {
                    m.serialize_entry(code, n)?;
                }
                m.end()
            }
        }
        impl Serialize for Row<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let r = self.1;
                let mut st = s.serialize_struct("TimelineRow", 8)?;
                st.serialize_field("date", &r.date.to_string())?;
                st.serialize_field("day", &r.date.last_day().to_string())?;
                st.serialize_field("errors", &r.errors)?;
                st.serialize_field("warnings", &r.warnings)?;
                st.serialize_field("infos", &r.infos)?;
                st.serialize_field("findings", &ByRule(self.0, r))?;
                st.serialize_field("counts", &r.counts)?;
                st.serialize_field("rates", &r.counts.rates())?;
                st.end()
            }
        }
        let rows: Vec<Row<'_>> = self.rows.iter().map(|r| Row(self, r)).collect();
        let mut st = s.serialize_struct("Timeline", 2)?;
        st.serialize_field("rules", &self.rules)?;
        st.serialize_field("rows", &rows)?;
        st.end()
    }
}
