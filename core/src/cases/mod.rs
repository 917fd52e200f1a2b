//! Case logs against the model: the grid closed loop and the 12345 hotline.
//!
//! A case log is read as a stream (CSV or JSON Lines, one event per row, or the
//! one-row-per-case shorthand of public 311-style datasets; see docs/cases.md), and
//! every case is replayed against the model **as it stood on the case's report date**:
//! was it sent to the unit the duty lists name ([`Class::Right`]), to another
//! ([`Class::Misrouted`]), is there nobody to send it to ([`Class::GapNoLead`],
//! [`Class::GapSeveralLeads`]), or does the log name ids the model lacks
//! ([`Class::Unknown`])? Returns, re-dispatches and A→B→A cycles are counted; report →
//! dispatch and dispatch → close times, closure on time and satisfaction are averaged
//! per territory (every level), unit, matter, month and source (`hotline`, `patrol`, …),
//! each split by whether the
//! case's territory or lead unit carries audit findings at the case's date.
//!
//! Rows that cannot be used go to a problems table (row, case, what is wrong) and the
//! run finishes. Memory grows with the cases open at once, not with the log: a case is
//! folded into the tables when it closes and leaves memory.
//!
//! # Example
//! ```
//! use tiaokuai::{Model, cases::{self, Class, Options}};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "s", "name": "Street", "kind": "street"}],
//!   "units": [{"id": "u", "name": "Street office", "kind": "government"},
//!             {"id": "v", "name": "Water bureau", "kind": "department"}],
//!   "matters": [{"id": "m", "name": "Blocked drain", "list": "cooperating"}],
//!   "links": [{"from": "u", "to": "s", "kind": "jurisdiction"},
//!             {"from": "u", "to": "m", "kind": "responsible", "role": "lead"}]}"#)?;
//! let log = "case,at,event,matter,territory,unit,source,satisfaction\n\
//!            c1,2024-03-01T09:00,reported,m,s,,hotline,\n\
//!            c1,2024-03-01T10:00,dispatched,,,v,,\n\
//!            c1,2024-03-02T09:00,returned,,,v,,\n\
//!            c1,2024-03-02T10:00,dispatched,,,u,,\n\
//!            c1,2024-03-04T10:00,closed,,,,,5\n";
//! let result = cases::analyse(&model, log.as_bytes(), "log.csv", &Options::default())?;
//! assert_eq!(result.summary.all.right, 1);
//! assert_eq!(result.summary.all.returns, 1);
//! assert!(result.problems.is_empty());
//! # Ok::<(), tiaokuai::Error>(())
//! ```

mod generate;
mod pipe;
mod read;

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::Path;

use serde::Serialize;

pub use generate::{GenerateOptions, Generated, generate, generate_keyed, generate_to};
use pipe::{Batch, Handed, Ids, Key, NO_ID};
use read::{Row, Stamp};

use crate::audit::Config;
use crate::format::Progress;
use crate::model::Status;
use crate::table::{Categorical, Column, ColumnData, Strings, Table};
use crate::{Date, Error, Model, Node, RecordType, Role, resolve_leads};

/// How a log is analysed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// A case closes on time when report → close takes at most this many days (default 15).
    pub on_time_days: f64,
    /// The log's local time, in minutes east of UTC (default 480, China Standard Time):
    /// times with an offset are moved to it, times without one are read in it.
    pub utc_offset_minutes: i32,
    /// Keep one row per case ([`Analysis::cases`]): memory then grows with the log.
    pub keep_cases: bool,
    /// The audit configuration used to tell which territories and units carry findings.
    pub config: Config,
    /// Called as the log is read: `(bytes read, total bytes)` (total 0 when unknown),
    /// about a hundred times and once at the end.
    pub progress: Option<Progress>,
    /// The grouped tables to gather ([`CaseTable::Territory`], `Unit`, `Matter`, `Month`,
    /// `Source`): `None` (the default) for all of them. A grouped table left out comes
    /// back from [`Analysis::table`] with no rows; the summary and the findings,
    /// problems and cases tables are gathered whatever this says. Leaving out what a
    /// caller will not read spares the fold of every case into those groups.
    pub tables: Option<Vec<CaseTable>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            on_time_days: 15.0,
            utc_offset_minutes: 480,
            keep_cases: false,
            config: Config::default(),
            progress: None,
            tables: None,
        }
    }
}

impl Options {
    /// The on-time limit in days.
    ///
    /// ```
    /// assert_eq!(tiaokuai::cases::Options::default().on_time(7.0).on_time_days, 7.0);
    /// ```
    pub fn on_time(mut self, days: f64) -> Self {
        self.on_time_days = days;
        self
    }

    /// Keep one row per case ([`Analysis::cases`]).
    ///
    /// ```
    /// assert!(tiaokuai::cases::Options::default().keep_cases(true).keep_cases);
    /// ```
    pub fn keep_cases(mut self, keep: bool) -> Self {
        self.keep_cases = keep;
        self
    }

    /// Gathers only these grouped tables (see [`Options::tables`]).
    ///
    /// ```
    /// use tiaokuai::cases::{self, CaseTable, Options};
    /// let log = "case,at,event,matter,territory\nc1,2024-03-01T09:00,reported,m,t\n";
    /// let options = Options::default().tables([CaseTable::Findings]);
    /// let r = cases::analyse(&tiaokuai::Model::sample(), log.as_bytes(), "log.csv", &options)?;
    /// assert_eq!(r.table(CaseTable::Findings).rows(), 2);
    /// assert_eq!(r.table(CaseTable::Territory).rows(), 0, "not gathered");
    /// assert_eq!(r.summary.all.cases, 1);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn tables(mut self, tables: impl IntoIterator<Item = CaseTable>) -> Self {
        self.tables = Some(tables.into_iter().collect());
        self
    }

    /// True when the grouped table `which` is to be gathered.
    fn wants(&self, which: CaseTable) -> bool {
        self.tables.as_ref().is_none_or(|t| t.contains(&which))
    }

    /// A progress callback (see [`Options::progress`]).
    ///
    /// ```
    /// let o = tiaokuai::cases::Options::default().progress(|_done, _total| {});
    /// assert!(o.progress.is_some());
    /// ```
    pub fn progress(mut self, f: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Progress(std::sync::Arc::new(f)));
        self
    }
}

/// How a case is judged against the duty lists at its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// The unit that kept the case (the last dispatched to) is the matter's lead there.
    Right,
    /// The unit that kept the case is not the lead.
    Misrouted,
    /// No unit leads the matter at the case's territory or above it (rule A001's gap).
    GapNoLead,
    /// Several units lead it at the nearest territory with a lead (rule A002).
    GapSeveralLeads,
    /// The log names a matter, territory or unit the model lacks at the case's date.
    Unknown,
    /// There is a lead, but the case was never dispatched (still open, or closed without).
    Undispatched,
}

impl Class {
    /// Every class, in the tables' order.
    pub const ALL: [Class; 6] =
        [Class::Right, Class::Misrouted, Class::GapNoLead, Class::GapSeveralLeads, Class::Unknown, Class::Undispatched];

    /// The class's word: `right`, `misrouted`, `gap_no_lead`, `gap_several_leads`, `unknown`, `undispatched`.
    ///
    /// ```
    /// assert_eq!(tiaokuai::cases::Class::GapNoLead.as_str(), "gap_no_lead");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Right => "right",
            Class::Misrouted => "misrouted",
            Class::GapNoLead => "gap_no_lead",
            Class::GapSeveralLeads => "gap_several_leads",
            Class::Unknown => "unknown",
            Class::Undispatched => "undispatched",
        }
    }
}

/// The counts and sums of a group of cases (a territory, unit, matter, month, or all).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Measures {
    /// Cases.
    pub cases: u64,
    /// Cases of class right.
    pub right: u64,
    /// Cases of class misrouted.
    pub misrouted: u64,
    /// Cases with no lead unit (gap).
    pub gap_no_lead: u64,
    /// Cases with several lead units (gap).
    pub gap_several_leads: u64,
    /// Cases naming ids the model lacks.
    pub unknown: u64,
    /// Cases with a lead but never dispatched.
    pub undispatched: u64,
    /// Cases closed.
    pub closed: u64,
    /// Cases still open at the end of the log.
    pub open: u64,
    /// Cases returned at least once.
    pub returned_cases: u64,
    /// `returned` events.
    pub returns: u64,
    /// Dispatches after a case's first.
    pub redispatches: u64,
    /// Cases sent back to a unit that had it before, with another in between (A→B→A).
    pub cycles: u64,
    /// Cases with a report → first dispatch time, and the sum of those times in days.
    pub dispatched_n: u64,
    /// Sum of report → first dispatch, in days.
    pub dispatch_days: f64,
    /// Closed cases with a dispatch, and the sum of their first dispatch → close times in days.
    pub handled_n: u64,
    /// Sum of first dispatch → close, in days.
    pub close_days: f64,
    /// Closed cases whose report → close took at most the on-time limit.
    pub on_time: u64,
    /// Closed cases with a satisfaction score.
    pub satisfaction_n: u64,
    /// Sum of satisfaction scores.
    pub satisfaction_sum: u64,
}

impl Measures {
    fn add(&mut self, o: &Outcome) {
        self.cases += 1;
        match o.class {
            Class::Right => self.right += 1,
            Class::Misrouted => self.misrouted += 1,
            Class::GapNoLead => self.gap_no_lead += 1,
            Class::GapSeveralLeads => self.gap_several_leads += 1,
            Class::Unknown => self.unknown += 1,
            Class::Undispatched => self.undispatched += 1,
        }
        if o.closed {
            self.closed += 1;
        } else {
            self.open += 1;
        }
        self.returned_cases += u64::from(o.returns > 0);
        self.returns += u64::from(o.returns);
        self.redispatches += u64::from(o.dispatches.saturating_sub(1));
        self.cycles += u64::from(o.cycle);
        if let Some(d) = o.dispatch_days {
            self.dispatched_n += 1;
            self.dispatch_days += d;
        }
        if let Some(d) = o.close_days {
            self.handled_n += 1;
            self.close_days += d;
        }
        self.on_time += u64::from(o.on_time == Some(true));
        if let Some(s) = o.satisfaction {
            self.satisfaction_n += 1;
            self.satisfaction_sum += u64::from(s);
        }
    }

    /// Mean report → first dispatch, in days.
    ///
    /// ```
    /// assert_eq!(tiaokuai::cases::Measures::default().mean_dispatch_days(), None);
    /// ```
    pub fn mean_dispatch_days(&self) -> Option<f64> {
        (self.dispatched_n > 0).then(|| self.dispatch_days / self.dispatched_n as f64)
    }

    /// Mean first dispatch → close, in days.
    ///
    /// ```
    /// assert_eq!(tiaokuai::cases::Measures::default().mean_close_days(), None);
    /// ```
    pub fn mean_close_days(&self) -> Option<f64> {
        (self.handled_n > 0).then(|| self.close_days / self.handled_n as f64)
    }

    /// The share of closed cases closed on time.
    ///
    /// ```
    /// assert_eq!(tiaokuai::cases::Measures::default().on_time_share(), None);
    /// ```
    pub fn on_time_share(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.on_time as f64 / self.closed as f64)
    }

    /// Mean satisfaction (1–5).
    ///
    /// ```
    /// assert_eq!(tiaokuai::cases::Measures::default().mean_satisfaction(), None);
    /// ```
    pub fn mean_satisfaction(&self) -> Option<f64> {
        (self.satisfaction_n > 0).then(|| self.satisfaction_sum as f64 / self.satisfaction_n as f64)
    }
}

/// One case, as judged (kept when [`Options::keep_cases`] is set).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CaseRow {
    /// The case id.
    pub case: String,
    /// The report date (the date the model is read at for this case).
    #[serde(serialize_with = "date_text")]
    pub date: Option<Date>,
    /// The matter id as the log gives it.
    pub matter: String,
    /// The territory id as the log gives it.
    pub territory: String,
    /// Where the case came from (the log's `source`: `hotline`, `patrol`, …), when given.
    pub source: Option<String>,
    /// The classification.
    pub class: Class,
    /// The lead units at the case's date (several for a gap of several leads).
    pub leads: Vec<String>,
    /// The unit that kept the case (the last dispatched to).
    pub unit: Option<String>,
    /// Dispatches.
    pub dispatches: u32,
    /// Returns.
    pub returns: u32,
    /// True when the case went back to a unit that had it before (A→B→A).
    pub cycle: bool,
    /// Report → first dispatch, in days.
    pub dispatch_days: Option<f64>,
    /// First dispatch → close, in days.
    pub close_days: Option<f64>,
    /// Closed in the log.
    pub closed: bool,
    /// Closed within the on-time limit (`None` when not closed).
    pub on_time: Option<bool>,
    /// Satisfaction, 1–5.
    pub satisfaction: Option<u8>,
    /// The case's territory or lead unit carries audit findings at its date.
    pub findings: bool,
}

/// A row of the log that could not be used (wholly or in part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CaseProblem {
    /// The row (1 = the first row after a CSV header, or the first line of JSON Lines).
    pub row: u64,
    /// The case id, when the row has one.
    pub case: String,
    /// What kind of problem: `unknown_id`, `out_of_order`, `closed_undispatched`,
    /// `duplicate`, `bad_time`, `truncated`, `malformed`, `bad_satisfaction`,
    /// `bad_event`, `missing_field`, `no_report`.
    pub kind: &'static str,
    /// What is wrong, naming the field and value.
    pub message: String,
}

/// The headline numbers of an analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Rows read (data rows of a CSV, lines of JSON Lines).
    pub rows: u64,
    /// Events used.
    pub events: u64,
    /// Every case.
    pub all: Measures,
    /// The cases whose territory or lead unit carries audit findings at their date.
    pub with_findings: Measures,
    /// The other cases.
    pub without_findings: Measures,
    /// Cases closed, reopened after their close was counted, and closed again (their
    /// second life is not counted again).
    pub reopened: u64,
    /// Problem rows.
    pub problems: u64,
    /// The most cases open at once while the log was read: what memory grows with.
    pub peak_open: u64,
    /// The distinct model views (dates at which the model differs) used.
    pub views: u64,
    /// The on-time limit, in days.
    pub on_time_days: f64,
}

/// Which table of an analysis: see [`Analysis::table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseTable {
    /// One row per territory at every level (grid and community cases roll up to street,
    /// district, city) and findings split.
    Territory,
    /// One row per unit that kept cases, and findings split.
    Unit,
    /// One row per matter, and findings split.
    Matter,
    /// One row per report month, and findings split.
    Month,
    /// One row per source (the log's `source` field: `hotline`, `patrol`, `grid`, …; an
    /// empty cell for cases without one), and findings split.
    Source,
    /// The two rows with and without findings.
    Findings,
    /// The problems.
    Problems,
    /// One row per case (only with [`Options::keep_cases`]).
    Cases,
}

impl CaseTable {
    /// Every table.
    pub const ALL: [CaseTable; 8] = [
        CaseTable::Territory,
        CaseTable::Unit,
        CaseTable::Matter,
        CaseTable::Month,
        CaseTable::Source,
        CaseTable::Findings,
        CaseTable::Problems,
        CaseTable::Cases,
    ];

    /// The table's word: `territory`, `unit`, `matter`, `month`, `source`, `findings`,
    /// `problems`, `cases`.
    ///
    /// ```
    /// assert_eq!(tiaokuai::cases::CaseTable::Month.as_str(), "month");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CaseTable::Territory => "territory",
            CaseTable::Unit => "unit",
            CaseTable::Matter => "matter",
            CaseTable::Month => "month",
            CaseTable::Source => "source",
            CaseTable::Findings => "findings",
            CaseTable::Problems => "problems",
            CaseTable::Cases => "cases",
        }
    }
}

impl std::str::FromStr for CaseTable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CaseTable::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("{s:?}: use one of {}", CaseTable::ALL.map(|t| t.as_str()).join(", ")))
    }
}

type Groups<K> = hashbrown::HashMap<(K, bool), Measures>;

/// The result of [`analyse`]: the summary, the problems, and the grouped measures
/// (as tables through [`Analysis::table`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Analysis {
    /// The headline numbers.
    pub summary: Summary,
    /// Every row that could not be used, in log order.
    pub problems: Vec<CaseProblem>,
    /// One row per case, in the order they closed (then the open ones, by report time and id), when
    /// [`Options::keep_cases`] is set; else empty.
    pub cases: Vec<CaseRow>,
    model: Model,
    territories: Groups<Option<Node>>,
    units: Groups<Option<Node>>,
    matters: Groups<Option<Node>>,
    months: Groups<u32>,
    sources: Groups<Option<u32>>,
    source_names: Vec<Box<str>>,
}

/// What a replayed case comes to.
struct Outcome {
    class: Class,
    closed: bool,
    returns: u32,
    dispatches: u32,
    cycle: bool,
    dispatch_days: Option<f64>,
    close_days: Option<f64>,
    on_time: Option<bool>,
    satisfaction: Option<u8>,
}

/// Who leads a case's matter at its territory and date.
#[derive(Debug, Clone, PartialEq)]
enum Lead {
    Unknown,
    None,
    Several(Vec<Node>),
    One(Node),
}

/// A case not yet closed.
struct Open {
    /// The case id.
    case: Key,
    reported: Stamp,
    matter: Option<Node>,
    chain: Chain,
    lead: Lead,
    /// `None` while the early audit runs ([`Views::flags`]): found when it is done.
    findings: Option<bool>,
    dispatches: Vec<Node>,
    unknown_unit: bool,
    first_dispatch: Option<Stamp>,
    returns: u32,
    last: (u8, Stamp, u64),
    satisfaction: Option<u8>,
    reopened: bool,
    source: Option<u32>,
    raw: Option<Box<(String, String)>>,
}

const EVENTS: [&str; 8] = ["reported", "filed", "dispatched", "returned", "handled", "verified", "closed", "reopened"];

/// The index of an event word in [`EVENTS`] (a match on the word: the replay asks for
/// every row).
fn event_code(word: &str) -> Option<u8> {
    Some(match word {
        "reported" => 0,
        "filed" => 1,
        "dispatched" => 2,
        "returned" => 3,
        "handled" => 4,
        "verified" => 5,
        "closed" => 6,
        "reopened" => 7,
        _ => return None,
    })
}

/// The views of the model by the dates at which it changes, a few kept at once, and
/// which territories and units carry audit findings in each (kept for every view used).
struct Views<'m> {
    model: &'m Model,
    /// The whole document: an undated model's one view, shared with the early audit, so
    /// that the query tables both read are built once.
    whole: &'m Model,
    /// An undated model's view was asked for (and its flags looked after).
    whole_used: bool,
    days: Vec<Date>,
    cache: VecDeque<(usize, Model)>,
    flags: HashMap<usize, Flags>,
    config: Option<&'m Config>,
    /// The flags of an undated model's one view, audited on a thread of their own from the
    /// model's load on (see [`analyse_loading`]), while the replay starts: taken when
    /// a case's findings are first needed. The bool: the view was asked for.
    early: Option<(std::sync::mpsc::Receiver<Flags>, bool)>,
}

#[derive(Default)]
struct Flags {
    territories: hashbrown::HashSet<Node>,
    units: hashbrown::HashSet<Node>,
}

impl Flags {
    /// The territories and units that carry findings in a view: a finding's subject when
    /// it is a territory or unit in the view, else its street/town when that is in the view.
    ///
    /// From the audit's keys alone (rule, subject, street/town: the same findings as the
    /// report's, without writing their text), on this thread: the replay runs beside it.
    fn of(view: &Model, config: &Config) -> Flags {
        let (_, keys) = crate::audit::keys_only(view, config);
        let in_view = |n: Node| view.status(n) != Status::OutOfForce;
        let mut flags = Flags::default();
        for key in keys {
            let subject = Some(key.subject()).filter(|&n| in_view(n));
            match subject.map(|n| (n, view.record(n).record_type())) {
                Some((n, RecordType::Territory)) => {
                    flags.territories.insert(n);
                }
                Some((n, RecordType::Unit)) => {
                    flags.units.insert(n);
                }
                _ => {
                    if let Some(t) = key.territory().filter(|&t| in_view(t)) {
                        flags.territories.insert(t);
                    }
                }
            }
        }
        flags
    }
}

impl<'m> Views<'m> {
    /// `whole` is `model.whole()`.
    fn new(
        model: &'m Model,
        whole: &'m Model,
        config: Option<&'m Config>,
        early: Option<std::sync::mpsc::Receiver<Flags>>,
    ) -> Self {
        let days = if model.is_dated() { crate::time::change_days(model) } else { Vec::new() };
        // Only an undated model's one view is audited early.
        let early = early.filter(|_| days.is_empty() && config.is_some()).map(|rx| (rx, false));
        Views { model, whole, whole_used: false, days, cache: VecDeque::new(), flags: HashMap::new(), config, early }
    }

    /// The view a date falls in: the index of the last change day at or before it.
    fn epoch(&self, date: Date) -> usize {
        self.days.partition_point(|d| *d <= date)
    }

    /// The view of a moment's date ([`Views::view`]; an undated model's one view is
    /// found without working the date out).
    fn view_at(&mut self, at: Stamp) -> (usize, &Model) {
        if self.days.is_empty() {
            return self.undated();
        }
        self.view(at.date())
    }

    /// An undated model's one view (the whole document, [`Views::whole`]).
    fn undated(&mut self) -> (usize, &Model) {
        if !self.whole_used {
            self.whole_used = true;
            if let Some((_, asked)) = &mut self.early {
                // The flags come from the early audit.
                *asked = true;
            } else if let Some(config) = self.config {
                self.flags.insert(0, Flags::of(self.whole, config));
            }
        }
        (0, self.whole)
    }

    fn view(&mut self, date: Date) -> (usize, &Model) {
        if self.days.is_empty() {
            return self.undated();
        }
        let e = self.epoch(date);
        if let Some(i) = self.cache.iter().position(|(k, _)| *k == e) {
            let v = self.cache.remove(i).expect("present");
            self.cache.push_front(v);
        } else {
            let view = self.model.at(date);
            if let Some((_, asked)) = &mut self.early {
                // The flags come from the early audit.
                *asked = true;
            } else if let Some(config) = self.config
                && !self.flags.contains_key(&e)
            {
                self.flags.insert(e, Flags::of(&view, config));
            }
            self.cache.push_front((e, view));
            self.cache.truncate(4);
        }
        (e, &self.cache[0].1)
    }

    /// The flags of view `e` when they are known (`Some(None)`: no audit), `None` while
    /// the early audit runs (unless `wait`: then it is waited for).
    fn flags(&mut self, e: usize, wait: bool) -> Option<Option<&Flags>> {
        if let Some((rx, _)) = &self.early {
            let got = if wait { rx.recv().ok() } else { rx.try_recv().ok() };
            match got {
                Some(flags) => {
                    self.flags.insert(0, flags);
                    self.early = None;
                }
                // The audit's thread ended without flags only by panicking: raised as it joins.
                None if wait => self.early = None,
                None => return None,
            }
        }
        Some(self.flags.get(&e))
    }

    /// The views used (each audited once).
    fn used(&self) -> usize {
        self.flags.len() + usize::from(self.early.as_ref().is_some_and(|(_, asked)| *asked))
    }
}

/// Who leads `matter` at `territory` in a view: the distinct units of the lead links
/// [`resolve_leads`] finds.
fn lead_of(view: &Model, matter: Node, territory: Node) -> Lead {
    let r = resolve_leads(view, matter, territory);
    let mut units: Vec<Node> = r.leads.iter().map(|&l| view.link(l).from).collect();
    debug_assert!(r.leads.iter().all(|&l| view.link(l).role == Some(Role::Lead)));
    units.sort();
    units.dedup();
    match units.len() {
        0 => Lead::None,
        1 => Lead::One(units[0]),
        _ => Lead::Several(units),
    }
}

/// [`lead_of`] remembered in `memo` for the territory and those above it walked to find
/// the lead: where no lead link applies at a territory, its lead is its parent's (the walk
/// [`resolve_leads`] makes), so a territory's answer serves every territory below it.
fn lead_memo(memo: &mut Leads, view: &Model, epoch: usize, matter: Node, territory: Node) -> Lead {
    let applied = crate::query::index::applied(view);
    let (mut buf, mut walked) = (Vec::new(), Vec::new());
    let mut lead = Lead::None;
    let mut at = Some(territory);
    while let Some(t) = at {
        if let Some(known) = memo.get(epoch, matter, t) {
            lead = known;
            break;
        }
        walked.push(t);
        let here = applied.at(view, matter, t, &mut buf);
        let n = here.iter().take_while(|a| a.role == Role::Lead).count();
        if n > 0 {
            let mut units: Vec<Node> = here[..n].iter().map(|a| view.link(a.link).from).collect();
            units.sort();
            units.dedup();
            lead = match units.len() {
                1 => Lead::One(units[0]),
                _ => Lead::Several(units),
            };
            break;
        }
        at = view.parent(t);
    }
    for t in walked {
        memo.insert(epoch, matter, t, &lead);
    }
    debug_assert_eq!(lead, lead_of(view, matter, territory));
    lead
}

/// The memo of [`lead_memo`]: a (view, matter, territory)'s lead in 16 bytes a bucket (one
/// lead unit's index, [`Leads::NONE`], or [`Leads::SEVERAL`] and the index of a list of
/// several), so that the memo of a city's some hundred thousand places stays within the
/// caches better than with the [`Lead`]s themselves in it (48 bytes a bucket).
#[derive(Default)]
struct Leads {
    memo: hashbrown::HashMap<(u32, u32, u32), u32>,
    several: Vec<Vec<Node>>,
}

impl Leads {
    const NONE: u32 = u32::MAX;
    const SEVERAL: u32 = 1 << 31;

    fn get(&self, epoch: usize, matter: Node, territory: Node) -> Option<Lead> {
        let code = *self.memo.get(&(epoch as u32, matter.raw(), territory.raw()))?;
        Some(match code {
            Leads::NONE => Lead::None,
            c if c & Leads::SEVERAL != 0 => Lead::Several(self.several[(c & !Leads::SEVERAL) as usize].clone()),
            c => Lead::One(Node::new(c)),
        })
    }

    /// Remembers a lead (at most [`MAX_JUDGED`]; a model of more than 2³¹ records or a
    /// view number beyond 32 bits is not memoised).
    fn insert(&mut self, epoch: usize, matter: Node, territory: Node, lead: &Lead) {
        let (Ok(epoch), true) = (u32::try_from(epoch), self.memo.len() < MAX_JUDGED) else { return };
        let code = match lead {
            Lead::None => Leads::NONE,
            Lead::One(u) if u.raw() < Leads::SEVERAL => u.raw(),
            Lead::Several(units) if self.several.len() < Leads::SEVERAL as usize - 1 => {
                self.several.push(units.clone());
                Leads::SEVERAL | (self.several.len() - 1) as u32
            }
            _ => return,
        };
        self.memo.insert((epoch, matter.raw(), territory.raw()), code);
    }
}

/// Replays a case log against a model: see the [module](self) documentation.
///
/// `name` names the log in errors. Only a log that cannot be read at all (an I/O error,
/// a CSV header without the required columns) is an error; bad rows are
/// [`Analysis::problems`].
///
/// # Errors
/// [`Error::Io`] when reading fails, [`Error::Csv`] when the header lacks `case`, `at`
/// or `event` (or, for the shorthand, `case`, `matter`, `territory`, `reported`).
///
/// # Example
/// See the [module](self) documentation.
pub fn analyse(model: &Model, log: impl Read, name: &str, options: &Options) -> Result<Analysis, Error> {
    analyse_sized(model, log, name, 0, options)
}

/// [`analyse`] on a file (progress is reported against its size).
///
/// # Errors
/// As [`analyse`]; [`Error::Io`] names the path when it cannot be opened.
///
/// # Example
/// ```no_run
/// let result = tiaokuai::cases::analyse_path(&tiaokuai::Model::sample(), "log.csv", &Default::default())?;
/// println!("{} cases", result.summary.all.cases);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn analyse_path(model: &Model, path: impl AsRef<Path>, options: &Options) -> Result<Analysis, Error> {
    let (file, name, size) = open_log(path.as_ref())?;
    analyse_sized(model, file, &name, size, options)
}

/// [`analyse_path`] while the model is still to be loaded: `load` runs on a second thread
/// while this one starts reading and parsing the log, so that loading a large model and
/// reading the log overlap (what `tiaokuai cases` does). The log's rows wait for the
/// model in a bounded buffer (a few tens of megabytes at most), whatever the log's size.
///
/// # Errors
/// `load`'s error when it fails (also when the log cannot be opened: the model's error
/// comes first), else as [`analyse_path`], converted into `E`.
///
/// # Example
/// ```no_run
/// use tiaokuai::{Model, cases};
/// let model = std::sync::OnceLock::new();
/// let result = cases::analyse_path_loading(
///     || Model::load("city.json").map(|m| &*model.get_or_init(|| m)),
///     "log.csv",
///     &Default::default(),
/// )?;
/// println!("{} cases", result.summary.all.cases);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn analyse_path_loading<'m, E: From<Error> + Send>(
    load: impl FnOnce() -> Result<&'m Model, E> + Send,
    path: impl AsRef<Path>,
    options: &Options,
) -> Result<Analysis, E> {
    let (file, name, size) = match open_log(path.as_ref()) {
        Ok(opened) => opened,
        Err(e) => {
            load()?;
            return Err(e.into());
        }
    };
    analyse_loading(load, file, &name, size, options)
}

/// A log file opened for reading, its name for errors, and its size.
fn open_log(path: &Path) -> Result<(std::fs::File, String, u64), Error> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| Error::Io { path: name.clone(), message: e.to_string(), io_kind: e.kind() };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(Error::Io {
            path: name.clone(),
            message: "not a regular file".into(),
            io_kind: std::io::ErrorKind::InvalidInput,
        });
    }
    Ok((file, name, meta.len()))
}

/// A reader that counts its bytes and tells a [`Progress`].
struct Counting<'a, R> {
    inner: R,
    done: u64,
    next: u64,
    total: u64,
    progress: Option<&'a Progress>,
    /// Set when the replay cannot run (the model failed to load): reading stops.
    stop: &'a std::sync::atomic::AtomicBool,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(std::io::Error::other("the replay stopped"));
        }
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if let Some(p) = self.progress
            && (self.done >= self.next || n == 0)
        {
            (p.0)(self.done, self.total);
            self.next = self.done + (self.total / 100).max(1 << 20);
        }
        Ok(n)
    }
}

/// A fixed hash of a unit's text (FNV-1a), to tell a repeated row from the one before.
fn hash_text(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

struct Replay<'m> {
    whole: Model,
    views: Views<'m>,
    options: &'m Options,
    /// The open cases by the slot the reader gave their id (see [`Ids::case`]).
    open: Vec<Option<Open>>,
    /// How many of [`Replay::open`] are some.
    open_n: usize,
    /// Slots whose case this batch's rows left not open (given back with the batch).
    freed: Vec<u32>,
    summary: Summary,
    problems: Vec<CaseProblem>,
    cases: Vec<CaseRow>,
    /// The cases finished since the last batch was given back, for the fold ([`Tables`]).
    done: Vec<Done>,
    /// The chains numbered since the last batch was given back, for the fold.
    new_chains: Vec<Box<[Node]>>,
    /// How many chains are numbered.
    chains: u32,
    /// The distinct sources the log names, in the order first seen (an index into this is a case's source).
    source_names: Vec<Box<str>>,
    source_index: hashbrown::HashMap<Box<str>, u32>,
    /// The document's node for each id the log names (ids repeat: one index lookup each).
    ids: hashbrown::HashMap<Key, Option<Typed>>,
    /// What [`Replay::interned_node`] found for each number the reader gave a text.
    id_nodes: Vec<Option<Option<Typed>>>,
    /// What the reader found for the numbers it gave ([`pipe::Found`]).
    found: &'m pipe::Found,
    /// What [`Replay::interned_source`] found for each number the reader gave a text.
    id_sources: Vec<Option<Option<u32>>>,
    /// The chain (by number) of each (view, territory) asked, and whether a territory of
    /// it carries findings.
    places: hashbrown::HashMap<(usize, Node), (u32, u8)>,
    /// The chains numbered while the early audit ran (their flags found when it is done).
    early_chains: Vec<Box<[Node]>>,
    /// The cases finished while the early audit ran, or after one that did, in order, each
    /// with its lead unit and whether it carries findings when that is known: handed to
    /// the fold once the audit is done, before any case finished after them.
    deferred: Vec<(Done, Option<Node>, Option<bool>)>,
    /// The lead of each (view, matter, territory) asked, and of the territories above
    /// them walked to find it ([`lead_memo`]).
    leads: Leads,
}

/// The measures of groups keyed by a record (or none) and findings, found by the record's
/// index in a vector instead of by hashing: every case adds to several of them.
#[derive(Default)]
struct NodeGroups {
    /// For each record index + 1 (0: none), twice (without and with findings): the row, or `u32::MAX`.
    slots: Vec<u32>,
    rows: Vec<((Option<Node>, bool), Measures)>,
}

impl NodeGroups {
    fn get(&mut self, node: Option<Node>, findings: bool) -> &mut Measures {
        let i = node.map_or(0, |n| n.index() + 1) * 2 + usize::from(findings);
        if i >= self.slots.len() {
            self.slots.resize(i + 1, u32::MAX);
        }
        if self.slots[i] == u32::MAX {
            self.slots[i] = self.rows.len() as u32;
            self.rows.push(((node, findings), Measures::default()));
        }
        &mut self.rows[self.slots[i] as usize].1
    }

    fn into_groups(self) -> Groups<Option<Node>> {
        self.rows.into_iter().collect()
    }
}

/// A record of the whole document and its type.
type Typed = (Node, RecordType);

/// A case's territory chain as the replay hands it to the fold of the tables
/// ([`Tables`]): one the fold was given before, by its number (the chains of the judged
/// (view, matter, territory) triples), or the case's own.
#[derive(Clone)]
enum Chain {
    Shared(u32),
    Own(Box<[Node]>),
}

/// A case replayed to its end, as the replay hands it to the fold of the tables on the
/// reader's thread (with the batch it gives back).
pub(crate) struct Done {
    outcome: Outcome,
    chain: Chain,
    unit: Option<Node>,
    matter: Option<Node>,
    /// Year × 100 + month of the report.
    month: u32,
    source: Option<u32>,
    findings: bool,
}

/// The measures of every group, folded from the finished cases on the reader's thread
/// (which has time to spare while the replay, the slower side, runs), in the order the
/// replay finished them: the same sums as folding them in the replay.
#[derive(Default)]
struct Tables {
    /// Which grouped tables are gathered: territory, unit, matter, month, source.
    skip: [bool; 5],
    all: Measures,
    with_findings: Measures,
    without_findings: Measures,
    territories: NodeGroups,
    units: NodeGroups,
    matters: NodeGroups,
    months: Groups<u32>,
    sources: Groups<Option<u32>>,
    /// The chains handed so far, by number.
    chains: Vec<Box<[Node]>>,
}

impl Tables {
    /// Folds what a batch brings back: the new chains first, then the finished cases.
    fn take(&mut self, chains: &mut Vec<Box<[Node]>>, done: &mut Vec<Done>) {
        self.chains.append(chains);
        // By reference: a finished case is some 100 bytes, not worth moving out.
        for d in done.iter() {
            self.fold(d);
        }
        done.clear();
    }

    fn fold(&mut self, d: &Done) {
        let (o, f) = (&d.outcome, d.findings);
        self.all.add(o);
        if f {
            self.with_findings.add(o);
        } else {
            self.without_findings.add(o);
        }
        let [territory, unit, matter, month, source] = self.skip;
        if !territory {
            let chain = match &d.chain {
                Chain::Shared(i) => &self.chains[*i as usize],
                Chain::Own(c) => c,
            };
            if chain.is_empty() {
                self.territories.get(None, f).add(o);
            }
            for &t in chain.iter() {
                self.territories.get(Some(t), f).add(o);
            }
        }
        if !unit {
            self.units.get(d.unit, f).add(o);
        }
        if !matter {
            self.matters.get(d.matter, f).add(o);
        }
        if !month {
            self.months.entry((d.month, f)).or_default().add(o);
        }
        if !source {
            self.sources.entry((d.source, f)).or_default().add(o);
        }
    }
}

/// A place's flag while the early audit runs ([`Replay::places`]: 0 or 1 once known).
const UNKNOWN: u8 = 2;

/// At most this many (view, territory) chains and (view, matter, territory) leads are kept.
const MAX_JUDGED: usize = 1 << 18;

/// At most this many distinct sources are told apart; the cases of any further ones are
/// counted under [`OTHER_SOURCE`].
const MAX_SOURCES: usize = 1 << 12;

/// The source the cases of sources beyond the first 4,096 distinct ones are counted under
/// in [`CaseTable::Source`].
///
/// ```
/// assert_eq!(tiaokuai::cases::OTHER_SOURCE, "(other)");
/// ```
pub const OTHER_SOURCE: &str = "(other)";

/// At most this many distinct ids are remembered (a log of random ids cannot grow it without end).
const MAX_IDS: usize = 1 << 20;

fn analyse_sized(model: &Model, log: impl Read, name: &str, total: u64, options: &Options) -> Result<Analysis, Error> {
    analyse_loading(|| Ok::<_, Error>(model), log, name, total, options)
}

/// The replay, with the model still to load: `load` runs on the replay's thread while
/// this one reads the log.
fn analyse_loading<'m, E: From<Error> + Send>(
    load: impl FnOnce() -> Result<&'m Model, E> + Send,
    log: impl Read,
    name: &str,
    total: u64,
    options: &Options,
) -> Result<Analysis, E> {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let reader = Counting { inner: log, done: 0, next: 0, total, progress: options.progress.as_ref(), stop: &stop };
    // The log is read and parsed on this thread while the replay runs on another.
    // The reader's thread also folds the finished cases into the tables, as batches come back.
    let grouped = [CaseTable::Territory, CaseTable::Unit, CaseTable::Matter, CaseTable::Month, CaseTable::Source];
    let mut tables = Tables { skip: grouped.map(|t| !options.wants(t)), ..Tables::default() };
    let (found, loaded) = (&pipe::Found::new(), &pipe::Loaded::new());
    let (shape, replayed) = pipe::run(
        options.utc_offset_minutes,
        loaded,
        found,
        |f| read::read_log(reader, name, f),
        |batch| tables.take(&mut batch.chains, &mut batch.done),
        |next, give_back| {
            let model = match load() {
                Ok(model) => model,
                Err(e) => {
                    // Nothing to replay against: the reader stops at its next read.
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                    return Err(e);
                }
            };
            // The reader looks the texts it numbers up in the model from now on.
            let _ = loaded.set(model);
            let whole = &model.whole();
            std::thread::scope(|s| {
                // An undated model has one view: its audit (which cases carry findings) runs on
                // a thread of its own while the replay starts, instead of before it.
                let early = (!model.is_dated()).then(|| {
                    let (tx, rx) = std::sync::mpsc::sync_channel(1);
                    let config = &options.config;
                    s.spawn(move || {
                        let _ = tx.send(Flags::of(whole, config));
                    });
                    rx
                });
                let mut r = Replay::new(model, whole, options, early, found);
                let mut last_row = 0;
                while let Some(mut batch) = next() {
                    batch.drain(|item| match item {
                        Handed::Event(row, ev, at, ids) => {
                            if row != last_row {
                                r.summary.rows += 1;
                                last_row = row;
                            }
                            r.event(row, ev, at, ids);
                            if ids.case != NO_ID {
                                r.freed.push(ids.case);
                            }
                        }
                        Handed::Bad { row, case, kind, message } => {
                            if row != last_row {
                                r.summary.rows += 1;
                                last_row = row;
                            }
                            r.problem(row, case, kind, message);
                        }
                    });
                    r.hand_back(&mut batch);
                    give_back(batch);
                }
                let mut last = Batch::default();
                let analysis = r.into_analysis(&mut last);
                give_back(last);
                Ok(analysis)
            })
        },
    );
    let analysis = replayed?;
    shape?;
    Ok(analysis.with_tables(tables))
}

impl<'m> Replay<'m> {
    /// `whole` is `model.whole()`, shared with the early audit.
    fn new(
        model: &'m Model,
        whole: &'m Model,
        options: &'m Options,
        early: Option<std::sync::mpsc::Receiver<Flags>>,
        found: &'m pipe::Found,
    ) -> Self {
        Replay {
            found,
            // A second handle on the same whole view: its levels are shared, not computed again.
            whole: whole.whole(),
            views: Views::new(model, whole, Some(&options.config), early),
            options,
            open: Vec::new(),
            open_n: 0,
            freed: Vec::new(),
            summary: Summary { on_time_days: options.on_time_days, ..Summary::default() },
            problems: Vec::new(),
            cases: Vec::new(),
            done: Vec::new(),
            new_chains: Vec::new(),
            chains: 0,
            source_names: Vec::new(),
            source_index: hashbrown::HashMap::new(),
            ids: hashbrown::HashMap::new(),
            id_nodes: Vec::new(),
            id_sources: Vec::new(),
            places: hashbrown::HashMap::new(),
            early_chains: Vec::new(),
            deferred: Vec::new(),
            leads: Leads::default(),
        }
    }

    /// Hands what the batch's rows finished to the fold, with the batch.
    fn hand_back(&mut self, batch: &mut Batch) {
        self.hand_deferred(false);
        // The slots of the batch's cases that are not open now go back to the reader.
        let open = &self.open;
        self.freed.retain(|&s| open.get(s as usize).is_none_or(Option::is_none));
        std::mem::swap(&mut batch.freed, &mut self.freed);
        std::mem::swap(&mut batch.done, &mut self.done);
        std::mem::swap(&mut batch.chains, &mut self.new_chains);
    }

    /// Whether a case carries findings, from its chain and lead unit, the early audit's
    /// flags waited for (an undated model's one view: its chains numbered while the audit
    /// ran are kept in [`Replay::early_chains`]).
    fn late_findings(&mut self, chain: &Chain, lead_unit: Option<Node>) -> bool {
        let Some(Some(flags)) = self.views.flags(0, true) else { return false };
        let chain = match chain {
            Chain::Shared(i) => &self.early_chains[*i as usize],
            Chain::Own(c) => c,
        };
        chain.iter().any(|n| flags.territories.contains(n)) || lead_unit.is_some_and(|u| flags.units.contains(&u))
    }

    /// Hands the deferred cases to the fold once the early audit is done (`wait`: waiting
    /// for it), in the order they finished, after those finished before them.
    fn hand_deferred(&mut self, wait: bool) {
        if self.deferred.is_empty() || (!wait && self.views.flags(0, false).is_none()) {
            return;
        }
        let mut deferred = std::mem::take(&mut self.deferred);
        for (done, lead_unit, known) in &mut deferred {
            done.findings = match known {
                Some(f) => *f,
                None => self.late_findings(&done.chain, *lead_unit),
            };
        }
        // What `done` holds finished before the first deferred case (a case finishing
        // after one is deferred too).
        self.done.extend(deferred.into_iter().map(|(d, _, _)| d));
    }

    /// Counts the cases still open at the end of the log (handed to the fold in `last`),
    /// and hands the rest over; the fold's [`Tables`] are added by [`Analysis::with_tables`].
    fn into_analysis(mut self, last: &mut Batch) -> Analysis {
        // Cases open at the end of the log are counted as open, in report order.
        let mut left: Vec<Open> = std::mem::take(&mut self.open).into_iter().flatten().collect();
        left.sort_by(|a, b| (a.reported.secs, a.case.as_str()).cmp(&(b.reported.secs, b.case.as_str())));
        for o in left {
            let case = o.case.clone();
            self.finish(case.as_str(), o, None, None);
        }
        self.hand_deferred(true);
        self.hand_back(last);
        self.summary.problems = self.problems.len() as u64;
        self.summary.views = self.views.used() as u64;
        Analysis {
            summary: self.summary,
            problems: self.problems,
            cases: self.cases,
            model: self.whole,
            territories: Groups::new(),
            units: Groups::new(),
            matters: Groups::new(),
            months: Groups::new(),
            sources: Groups::new(),
            source_names: self.source_names,
        }
    }
}

impl Replay<'_> {
    /// The record of the whole document with this id, and its type.
    fn node(&mut self, id: &str) -> Option<Typed> {
        if let Some(&n) = self.ids.get(id) {
            return n;
        }
        let n = self.typed(id);
        if self.ids.len() < MAX_IDS {
            self.ids.insert(id.into(), n);
        }
        n
    }

    /// The record with this id and its type (kept with the node, so that a row's ids are
    /// checked without reading their records).
    fn typed(&self, id: &str) -> Option<Typed> {
        self.whole.node(id).map(|n| (n, self.whole.record(n).record_type()))
    }

    /// [`Replay::node`] of a text the reader numbered `n` (see [`Ids`]).
    fn interned_node(&mut self, n: u32, id: &str) -> Option<Typed> {
        if n == NO_ID {
            return self.node(id);
        }
        let i = n as usize;
        if i >= self.id_nodes.len() {
            self.id_nodes.resize(i + 1, None);
        }
        if let Some(found) = self.id_nodes[i] {
            return found;
        }
        let found = match self.found.get(n) {
            Some(found) => found,
            None => self.typed(id),
        };
        self.id_nodes[i] = Some(found);
        found
    }

    /// [`Replay::source`] of a text the reader numbered `n` (see [`Ids`]).
    fn interned_source(&mut self, n: u32, text: &str) -> Option<u32> {
        if n == NO_ID {
            return self.source(text);
        }
        let i = n as usize;
        if i >= self.id_sources.len() {
            self.id_sources.resize(i + 1, None);
        }
        if let Some(found) = self.id_sources[i] {
            return found;
        }
        let found = self.source(text);
        self.id_sources[i] = Some(found);
        found
    }

    /// The index of a source (`None` for an empty cell).
    fn source(&mut self, text: &str) -> Option<u32> {
        if text.is_empty() {
            return None;
        }
        if let Some(&i) = self.source_index.get(text) {
            return Some(i);
        }
        let name = if self.source_names.len() < MAX_SOURCES { text } else { OTHER_SOURCE };
        if let Some(&i) = self.source_index.get(name) {
            return Some(i);
        }
        let i = self.source_names.len() as u32;
        self.source_names.push(name.into());
        self.source_index.insert(name.into(), i);
        Some(i)
    }

    fn problem(&mut self, row: u64, case: &str, kind: &'static str, message: String) {
        self.problems.push(CaseProblem { row, case: case.to_string(), kind, message });
    }

    /// Replays an event whose time (`at`) the reader has parsed.
    fn event(&mut self, row: u64, ev: Row<'_>, at: Result<Stamp, &'static str>, ids: Ids) {
        if ev.case.is_empty() {
            return self.problem(row, "", "missing_field", "the row has no case id".into());
        }
        let code = match event_code(ev.event) {
            Some(i) => i,
            None if ev.event.starts_with("x-") => u8::MAX,
            None if ev.event.is_empty() => {
                return self.problem(row, ev.case, "missing_field", "the row has no event".into());
            }
            None => {
                return self.problem(
                    row,
                    ev.case,
                    "bad_event",
                    format!("event {:?} is not one of {} (or an x- word)", ev.event, EVENTS.join(", ")),
                );
            }
        };
        let at = match at {
            Ok(at) => at,
            Err(why) if ev.at.is_empty() => {
                let _ = why;
                return self.problem(row, ev.case, "missing_field", "the row has no time (at)".into());
            }
            Err(why) => return self.problem(row, ev.case, "bad_time", format!("at {:?}: {why}", ev.at)),
        };
        let unit_hash = hash_text(ev.unit);
        // What needs the replay as a whole comes first, so that the case is looked up once.
        let unit = if code == 2 && !ev.unit.is_empty() {
            self.interned_node(ids.unit, ev.unit).filter(|&(_, t)| t == RecordType::Unit).map(|(n, _)| n)
        } else {
            None
        };
        let source = if ev.source.is_empty() { None } else { self.interned_source(ids.source, ev.source) };
        let slot = ids.case as usize;
        if slot >= self.open.len() {
            self.open.resize_with(slot + 1, || None);
        }
        let Some(o) = self.open[slot].as_mut() else {
            match code {
                0 | 1 => return self.open_case(row, ev, at, code, unit_hash, ids, source),
                7 => {
                    // Reopened after its close was counted: follow it to its next close.
                    let o = Open {
                        case: ev.case.into(),
                        reported: at,
                        matter: None,
                        chain: Chain::Own(Box::from([])),
                        lead: Lead::Unknown,
                        findings: Some(false),
                        dispatches: Vec::new(),
                        unknown_unit: false,
                        first_dispatch: None,
                        returns: 0,
                        last: (code, at, unit_hash),
                        satisfaction: None,
                        reopened: true,
                        source: None,
                        raw: None,
                    };
                    self.summary.events += 1;
                    self.open[slot] = Some(o);
                    self.open_n += 1;
                    return;
                }
                _ => {
                    return self.problem(
                        row,
                        ev.case,
                        "no_report",
                        format!(
                            "{} for a case no reported or filed row opened (or one closed earlier in the log)",
                            ev.event
                        ),
                    );
                }
            }
        };
        if o.last == (code, at, unit_hash) {
            return self.problem(row, ev.case, "duplicate", format!("the same {} row as before", ev.event));
        }
        if at.before(o.last.1) {
            return self.problem(
                row,
                ev.case,
                "out_of_order",
                format!("{} at {} comes before the case's previous event", ev.event, ev.at),
            );
        }
        self.summary.events += 1;
        let mut problem = None;
        o.last = (code, at, unit_hash);
        if o.source.is_none() {
            o.source = source;
        }
        match code {
            2 => {
                if ev.unit.is_empty() {
                    problem = Some(("missing_field", "dispatched without a unit".to_string()));
                } else {
                    match unit {
                        Some(n) => {
                            let (_, view) = self.views.view_at(o.reported);
                            if view.status(n) == Status::OutOfForce {
                                o.unknown_unit = true;
                                let date = o.reported.date();
                                problem = Some((
                                    "unknown_id",
                                    format!("unit {:?} is not in force at the case's date {date}", ev.unit),
                                ));
                            }
                            o.dispatches.push(n);
                        }
                        None => {
                            o.unknown_unit = true;
                            problem = Some(("unknown_id", format!("unit {:?} is not in the model", ev.unit)));
                        }
                    }
                    if o.first_dispatch.is_none() {
                        o.first_dispatch = Some(at);
                    }
                }
            }
            3 => o.returns += 1,
            6 => {
                let sat = if ev.satisfaction.is_empty() {
                    None
                } else {
                    match ev.satisfaction.parse::<u8>() {
                        Ok(s @ 1..=5) => Some(s),
                        _ => {
                            problem = Some((
                                "bad_satisfaction",
                                format!("satisfaction {:?} is not a whole number from 1 to 5", ev.satisfaction),
                            ));
                            None
                        }
                    }
                };
                o.satisfaction = sat;
                if o.first_dispatch.is_none() && !o.reopened {
                    problem = Some(("closed_undispatched", "closed but never dispatched".to_string()));
                }
            }
            _ => {}
        }
        if let Some((kind, message)) = problem {
            self.problem(row, ev.case, kind, message);
        }
        if code == 6 {
            let o = self.open[slot].take().expect("open");
            self.open_n -= 1;
            self.finish(ev.case, o, Some(at), None);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn open_case(&mut self, row: u64, ev: Row<'_>, at: Stamp, code: u8, unit_hash: u64, ids: Ids, source: Option<u32>) {
        self.summary.events += 1;
        let date = at.date();
        let lookup = |r: &mut Self, n: u32, id: &str| if id.is_empty() { None } else { r.interned_node(n, id) };
        let (m, t) = (lookup(self, ids.matter, ev.matter), lookup(self, ids.territory, ev.territory));
        let (epoch, view) = self.views.view(date);
        let mut problems = Vec::new();
        let mut find = |id: &str, node: Option<Typed>, field: &str, rtype: RecordType| -> Option<Node> {
            if id.is_empty() {
                problems.push(("missing_field", format!("{} without a {field}", ev.event)));
                return None;
            }
            match node {
                Some((_, t)) if t != rtype => {
                    problems.push(("unknown_id", format!("{field} {id:?} is not a {field} in the model")));
                    None
                }
                Some((n, _)) if view.status(n) != Status::OutOfForce => Some(n),
                Some(_) => {
                    problems.push(("unknown_id", format!("{field} {id:?} is not in force at the case's date {date}")));
                    None
                }
                None => {
                    problems.push(("unknown_id", format!("{field} {id:?} is not in the model")));
                    None
                }
            }
        };
        let matter = find(ev.matter, m, "matter", RecordType::Matter);
        let territory = find(ev.territory, t, "territory", RecordType::Territory);
        // A case's chain depends only on its view and territory, its lead on the view,
        // matter and territory (and the lead above it when none applies there): each
        // found once.
        let (chain, lead, findings) = match (matter, territory) {
            (Some(m), Some(t)) => {
                let place = self.places.get(&(epoch, t)).copied();
                // Walked once per (view, territory), and again while its flag is not known.
                let walked: Option<Box<[Node]>> = match place {
                    Some((_, flagged)) if flagged != UNKNOWN => None,
                    _ => Some(view.ancestors(t).collect()),
                };
                let lead = lead_memo(&mut self.leads, view, epoch, m, t);
                // `None` while the early audit runs.
                let flags = self.views.flags(epoch, false);
                let flag_of = |chain: &[Node]| match flags {
                    Some(f) => u8::from(f.is_some_and(|f| chain.iter().any(|n| f.territories.contains(n)))),
                    None => UNKNOWN,
                };
                let (chain, flagged) = match (place, walked) {
                    (Some((i, flagged)), None) => (Chain::Shared(i), flagged),
                    (Some((i, _)), Some(chain)) => {
                        let flagged = flag_of(&chain);
                        if flagged != UNKNOWN {
                            self.places.insert((epoch, t), (i, flagged));
                        }
                        (Chain::Shared(i), flagged)
                    }
                    (None, chain) => {
                        let chain = chain.unwrap_or_default();
                        let flagged = flag_of(&chain);
                        if self.places.len() < MAX_JUDGED {
                            // The fold is given the chain once, with the batch, and then its number.
                            let i = self.chains;
                            self.chains += 1;
                            if flags.is_none() {
                                self.early_chains.push(chain.clone());
                            }
                            self.new_chains.push(chain);
                            self.places.insert((epoch, t), (i, flagged));
                            (Chain::Shared(i), flagged)
                        } else {
                            (Chain::Own(chain), flagged)
                        }
                    }
                };
                let findings = flags.map(|flags| {
                    flagged == 1 || matches!(lead, Lead::One(u) if flags.is_some_and(|f| f.units.contains(&u)))
                });
                (chain, lead, findings)
            }
            _ => (Chain::Own(Box::from([])), Lead::Unknown, Some(false)),
        };
        let raw = self.options.keep_cases.then(|| Box::new((ev.matter.to_string(), ev.territory.to_string())));
        let o = Open {
            case: ev.case.into(),
            reported: at,
            matter,
            chain,
            lead,
            findings,
            dispatches: Vec::new(),
            unknown_unit: false,
            first_dispatch: None,
            returns: 0,
            last: (code, at, unit_hash),
            satisfaction: None,
            reopened: false,
            source,
            raw,
        };
        self.open[ids.case as usize] = Some(o);
        self.open_n += 1;
        self.summary.peak_open = self.summary.peak_open.max(self.open_n as u64);
        for (kind, message) in problems {
            self.problem(row, ev.case, kind, message);
        }
    }

    /// Folds a case into the tables (`closed`: when it closed; `None`: open at the end).
    fn finish(&mut self, case: &str, o: Open, closed: Option<Stamp>, _: Option<()>) {
        if o.reopened {
            if closed.is_some() {
                self.summary.reopened += 1;
            }
            return;
        }
        let class = match &o.lead {
            _ if o.unknown_unit => Class::Unknown,
            Lead::Unknown => Class::Unknown,
            Lead::None => Class::GapNoLead,
            Lead::Several(_) => Class::GapSeveralLeads,
            Lead::One(u) => match o.dispatches.last() {
                None => Class::Undispatched,
                Some(last) if last == u => Class::Right,
                Some(_) => Class::Misrouted,
            },
        };
        let cycle = o.dispatches.iter().enumerate().any(|(i, u)| {
            o.dispatches[..i]
                .iter()
                .rposition(|x| x == u)
                .is_some_and(|j| o.dispatches[j + 1..i].iter().any(|x| x != u))
        });
        let days = |a: Stamp, b: Stamp| (b.secs - a.secs).max(0) as f64 / 86_400.0;
        let dispatch_days = o.first_dispatch.map(|d| days(o.reported, d));
        let close_days = o.first_dispatch.zip(closed).map(|(d, c)| days(d, c));
        let on_time = closed.map(|c| days(o.reported, c) <= self.options.on_time_days);
        let outcome = Outcome {
            class,
            closed: closed.is_some(),
            returns: o.returns,
            dispatches: o.dispatches.len() as u32,
            cycle,
            dispatch_days,
            close_days,
            on_time,
            satisfaction: if closed.is_some() { o.satisfaction } else { None },
        };
        let unit = o.dispatches.last().copied();
        let lead_unit = match o.lead {
            Lead::One(u) => Some(u),
            _ => None,
        };
        // Known unless the early audit ran when the case opened: then found as it ends
        // (the case row needs it now), or later ([`Replay::deferred`]).
        let known = match o.findings {
            None if self.options.keep_cases => Some(self.late_findings(&o.chain, lead_unit)),
            f => f,
        };
        let f = known.unwrap_or(false);
        let date = o.reported.date();
        let keep = self.options.keep_cases.then_some((
            outcome.dispatches,
            outcome.returns,
            outcome.closed,
            outcome.satisfaction,
        ));
        let done = Done {
            outcome,
            chain: o.chain,
            unit,
            matter: o.matter,
            month: date.year() * 100 + date.month().unwrap_or(1),
            source: o.source,
            findings: f,
        };
        if known.is_none() || !self.deferred.is_empty() {
            self.deferred.push((done, lead_unit, known));
        } else {
            self.done.push(done);
        }
        if let Some((dispatches, returns, closed, satisfaction)) = keep {
            let id = |n: Node| self.whole.id(n).to_string();
            let (matter, territory) = o.raw.map(|b| *b).unwrap_or_default();
            self.cases.push(CaseRow {
                case: case.to_string(),
                date: Some(date),
                matter,
                territory,
                source: o.source.map(|i| self.source_names[i as usize].to_string()),
                class,
                leads: match &o.lead {
                    Lead::One(u) => vec![id(*u)],
                    Lead::Several(us) => us.iter().map(|&u| id(u)).collect(),
                    _ => Vec::new(),
                },
                unit: unit.map(id),
                dispatches,
                returns,
                cycle,
                dispatch_days,
                close_days,
                closed,
                on_time,
                satisfaction,
                findings: f,
            });
        }
    }
}

fn date_text<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

type GroupRow<'a> = (&'a (Option<Node>, bool), &'a Measures);

fn node_rows(g: &Groups<Option<Node>>) -> Vec<GroupRow<'_>> {
    let mut rows: Vec<GroupRow<'_>> = g.iter().collect();
    rows.sort_by_key(|((n, f), _)| (n.map(|n| n.index()).unwrap_or(usize::MAX), *f));
    rows
}

fn strs<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> ColumnData {
    ColumnData::Str(Strings::from_iter(values))
}

fn push(t: &mut Table, name: &str, data: ColumnData) {
    t.push(Column::new(name, data)).expect("every column has one value per row");
}

fn measure_columns(t: &mut Table, rows: &[&Measures]) {
    let int = |f: fn(&Measures) -> u64| ColumnData::Int(rows.iter().map(|m| i64::try_from(f(m)).ok()).collect());
    let float = |f: fn(&Measures) -> Option<f64>| ColumnData::Float(rows.iter().map(|m| f(m)).collect());
    push(t, "cases", int(|m| m.cases));
    push(t, "right", int(|m| m.right));
    push(t, "misrouted", int(|m| m.misrouted));
    push(t, "gap_no_lead", int(|m| m.gap_no_lead));
    push(t, "gap_several_leads", int(|m| m.gap_several_leads));
    push(t, "unknown", int(|m| m.unknown));
    push(t, "undispatched", int(|m| m.undispatched));
    push(t, "closed", int(|m| m.closed));
    push(t, "open", int(|m| m.open));
    push(t, "returned_cases", int(|m| m.returned_cases));
    push(t, "returns", int(|m| m.returns));
    push(t, "redispatches", int(|m| m.redispatches));
    push(t, "cycles", int(|m| m.cycles));
    push(t, "dispatch_days", float(Measures::mean_dispatch_days));
    push(t, "dispatched_n", int(|m| m.dispatched_n));
    push(t, "close_days", float(Measures::mean_close_days));
    push(t, "handled_n", int(|m| m.handled_n));
    push(t, "on_time", int(|m| m.on_time));
    push(t, "on_time_share", float(Measures::mean_on_time));
    push(t, "satisfaction", float(Measures::mean_satisfaction));
    push(t, "satisfaction_n", int(|m| m.satisfaction_n));
}

impl Measures {
    fn mean_on_time(&self) -> Option<f64> {
        self.on_time_share()
    }
}

impl Analysis {
    /// The analysis with the measures the fold gathered.
    fn with_tables(mut self, t: Tables) -> Self {
        self.summary.all = t.all;
        self.summary.with_findings = t.with_findings;
        self.summary.without_findings = t.without_findings;
        self.territories = t.territories.into_groups();
        self.units = t.units.into_groups();
        self.matters = t.matters.into_groups();
        self.months = t.months;
        self.sources = t.sources;
        self
    }

    /// The whole result as JSON: `{"summary", "tables": {"territory": [rows…], "unit",
    /// "matter", "month", "source", "findings", "problems", and "cases" when kept}}`, each table as
    /// [`Table::to_json_rows`] writes it. What `tiaokuai cases --format json` prints and
    /// the C and Java bindings return.
    ///
    /// ```
    /// let r = tiaokuai::cases::analyse(&tiaokuai::Model::sample(), "case,at,event\n".as_bytes(), "log", &Default::default())?;
    /// let v = r.to_json();
    /// assert_eq!(v["summary"]["all"]["cases"], 0);
    /// assert_eq!(v["tables"]["findings"].as_array().unwrap().len(), 2);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut tables = serde_json::Map::new();
        for which in CaseTable::ALL {
            if which != CaseTable::Cases || !self.cases.is_empty() {
                tables.insert(which.as_str().into(), self.table(which).to_json_rows());
            }
        }
        serde_json::json!({"summary": self.summary, "tables": tables})
    }

    /// One of the result tables (typed columns, for CSV and data frames).
    ///
    /// The grouped tables (territory, unit, matter, month, source) have one row per group and
    /// findings split (`findings`: true for the cases whose territory or lead unit
    /// carries audit findings), then the measures: `cases`, one count per class,
    /// `closed`, `open`, `returned_cases`, `returns`, `redispatches`, `cycles`,
    /// `dispatch_days` and `close_days` (means, in days) each followed by the number of
    /// cases behind it (`dispatched_n`, `handled_n`: to weigh means when combining rows),
    /// `on_time`, `on_time_share`
    /// (of the closed cases), `satisfaction` (mean) and `satisfaction_n`.
    ///
    /// ```
    /// use tiaokuai::cases::{self, CaseTable};
    /// let model = tiaokuai::Model::sample();
    /// let log = "case,matter,territory,source,reported,dispatched_to,dispatched,closed,satisfaction\n";
    /// let r = cases::analyse(&model, log.as_bytes(), "log.csv", &Default::default())?;
    /// assert_eq!(r.table(CaseTable::Territory).rows(), 0);
    /// assert_eq!(r.table(CaseTable::Findings).rows(), 2);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn table(&self, which: CaseTable) -> Table {
        let m = &self.model;
        let mut t = Table::new();
        let node_table = |t: &mut Table, key: &str, rows: &[GroupRow<'_>], level: bool| {
            push(t, key, strs(rows.iter().map(|((n, _), _)| n.map(|n| m.id(n)))));
            push(t, "name", strs(rows.iter().map(|((n, _), _)| n.map(|n| m.name(n)))));
            if level {
                let mut c = Categorical::new(crate::Level::WORDS, true);
                for ((n, _), _) in rows {
                    c.push(n.and_then(|n| m.level(n)).map(|l| l.to_string()).as_deref());
                }
                push(t, "level", ColumnData::Category(c));
            }
            push(t, "findings", ColumnData::Bool(rows.iter().map(|((_, f), _)| Some(*f)).collect()));
            measure_columns(t, &rows.iter().map(|(_, v)| *v).collect::<Vec<_>>());
        };
        match which {
            CaseTable::Territory => node_table(&mut t, "territory", &node_rows(&self.territories), true),
            CaseTable::Unit => node_table(&mut t, "unit", &node_rows(&self.units), false),
            CaseTable::Matter => node_table(&mut t, "matter", &node_rows(&self.matters), false),
            CaseTable::Month => {
                let mut rows: Vec<_> = self.months.iter().collect();
                rows.sort_by_key(|(k, _)| **k);
                let names: Vec<String> =
                    rows.iter().map(|((ym, _), _)| format!("{}-{:02}", ym / 100, ym % 100)).collect();
                push(&mut t, "month", strs(names.iter().map(|s| Some(s.as_str()))));
                push(&mut t, "findings", ColumnData::Bool(rows.iter().map(|((_, f), _)| Some(*f)).collect()));
                measure_columns(&mut t, &rows.iter().map(|(_, v)| *v).collect::<Vec<_>>());
            }
            CaseTable::Source => {
                let mut rows: Vec<_> = self.sources.iter().collect();
                let name = |s: &Option<u32>| s.map(|i| &*self.source_names[i as usize]);
                rows.sort_by(|((a, f), _), ((b, g), _)| {
                    (name(a).is_none(), name(a), f).cmp(&(name(b).is_none(), name(b), g))
                });
                push(&mut t, "source", strs(rows.iter().map(|((s, _), _)| name(s))));
                push(&mut t, "findings", ColumnData::Bool(rows.iter().map(|((_, f), _)| Some(*f)).collect()));
                measure_columns(&mut t, &rows.iter().map(|(_, v)| *v).collect::<Vec<_>>());
            }
            CaseTable::Findings => {
                push(&mut t, "findings", ColumnData::Bool(vec![Some(false), Some(true)]));
                measure_columns(&mut t, &[&self.summary.without_findings, &self.summary.with_findings]);
            }
            CaseTable::Problems => {
                let p = &self.problems;
                push(&mut t, "row", ColumnData::Int(p.iter().map(|p| i64::try_from(p.row).ok()).collect()));
                push(&mut t, "case", strs(p.iter().map(|p| Some(p.case.as_str()))));
                let mut kinds = Categorical::new(PROBLEM_KINDS, false);
                for x in p {
                    kinds.push(Some(x.kind));
                }
                push(&mut t, "kind", ColumnData::Category(kinds));
                push(&mut t, "message", strs(p.iter().map(|p| Some(p.message.as_str()))));
            }
            CaseTable::Cases => {
                let c = &self.cases;
                push(&mut t, "case", strs(c.iter().map(|c| Some(c.case.as_str()))));
                push(&mut t, "date", ColumnData::Date(c.iter().map(|c| c.date).collect()));
                push(&mut t, "matter", strs(c.iter().map(|c| Some(c.matter.as_str()))));
                push(&mut t, "territory", strs(c.iter().map(|c| Some(c.territory.as_str()))));
                push(&mut t, "source", strs(c.iter().map(|c| c.source.as_deref())));
                let mut classes = Categorical::new(Class::ALL.map(Class::as_str), false);
                for x in c {
                    classes.push(Some(x.class.as_str()));
                }
                push(&mut t, "class", ColumnData::Category(classes));
                let leads: Vec<String> = c.iter().map(|c| c.leads.join(";")).collect();
                push(&mut t, "leads", strs(leads.iter().map(|s| Some(s.as_str()))));
                push(&mut t, "unit", strs(c.iter().map(|c| c.unit.as_deref())));
                push(&mut t, "dispatches", ColumnData::Int(c.iter().map(|c| Some(i64::from(c.dispatches))).collect()));
                push(&mut t, "returns", ColumnData::Int(c.iter().map(|c| Some(i64::from(c.returns))).collect()));
                push(&mut t, "cycle", ColumnData::Bool(c.iter().map(|c| Some(c.cycle)).collect()));
                push(&mut t, "dispatch_days", ColumnData::Float(c.iter().map(|c| c.dispatch_days).collect()));
                push(&mut t, "close_days", ColumnData::Float(c.iter().map(|c| c.close_days).collect()));
                push(&mut t, "closed", ColumnData::Bool(c.iter().map(|c| Some(c.closed)).collect()));
                push(&mut t, "on_time", ColumnData::Bool(c.iter().map(|c| c.on_time).collect()));
                push(
                    &mut t,
                    "satisfaction",
                    ColumnData::Int(c.iter().map(|c| c.satisfaction.map(i64::from)).collect()),
                );
                push(&mut t, "findings", ColumnData::Bool(c.iter().map(|c| Some(c.findings)).collect()));
            }
        }
        t
    }
}

/// The kinds of [`CaseProblem`], in the problems table's category order.
pub const PROBLEM_KINDS: [&str; 11] = [
    "unknown_id",
    "out_of_order",
    "closed_undispatched",
    "duplicate",
    "bad_time",
    "truncated",
    "malformed",
    "bad_satisfaction",
    "bad_event",
    "missing_field",
    "no_report",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_codes_are_the_words_indices() {
        for (i, word) in EVENTS.iter().enumerate() {
            assert_eq!(event_code(word), Some(i as u8), "{word}");
        }
        for other in ["", "Closed", "x-note", "reported ", "close"] {
            assert_eq!(event_code(other), None, "{other:?}");
        }
    }

    /// The flags as they were found from the full report: each finding's subject by its id,
    /// else its street/town by its id, when in the view.
    fn flags_from_the_report(view: &Model, config: &Config) -> (Vec<Node>, Vec<Node>) {
        let (mut territories, mut units) = (Vec::new(), Vec::new());
        for f in &crate::audit(view, config).findings {
            match view.node(&f.subject).map(|n| (n, view.record(n).record_type())) {
                Some((n, RecordType::Territory)) => territories.push(n),
                Some((n, RecordType::Unit)) => units.push(n),
                _ => territories.extend(f.territory.as_deref().and_then(|t| view.node(t))),
            }
        }
        for v in [&mut territories, &mut units] {
            v.sort();
            v.dedup();
        }
        (territories, units)
    }

    #[test]
    #[cfg(feature = "divisions")]
    fn the_flags_from_the_audit_keys_are_those_of_the_report() {
        // The sample (undated) and a generated district with history, at dates where records
        // are out of force: the same territories and units carry findings either way.
        let history = crate::generate::GenerateOptions::new(crate::generate::Scale::District, 3)
            .history(true)
            .generate()
            .unwrap();
        let config = Config::default();
        let mut seen = [0; 2];
        for (model, dates) in
            [(Model::sample(), vec![None]), (history, vec![Some("2012"), Some("2019-06-30"), Some("2024")])]
        {
            for date in dates {
                let view = match date {
                    Some(d) => model.at(d.parse().unwrap()),
                    None => model.whole(),
                };
                let flags = Flags::of(&view, &config);
                let sorted = |s: &hashbrown::HashSet<Node>| {
                    let mut v: Vec<Node> = s.iter().copied().collect();
                    v.sort();
                    v
                };
                let want = flags_from_the_report(&view, &config);
                assert_eq!((sorted(&flags.territories), sorted(&flags.units)), want, "at {date:?}");
                seen[0] += want.0.len();
                seen[1] += want.1.len();
            }
        }
        assert!(seen[0] > 10 && seen[1] > 10, "{seen:?}");
    }
}
