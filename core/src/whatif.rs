//! What-if: what an edit does to the gaps before it is saved (issue #13).
//!
//! [`whatif`] takes a model before and after an edit, and the edit's [`Change`]s (each
//! with the ids it touches), and gives a [`WhatIf`]: the findings the edit resolves,
//! introduces and leaves, keyed like baselines by rule, subject and street/town
//! ([`Finding::key`]), each resolved or introduced finding naming the changes that
//! caused it (attribution, below), and the metrics before and after.
//!
//! # Re-examining only what the edit can reach
//! Two full audits of a national model take about two seconds. A what-if re-examines
//! only the subjects whose findings the edit can change: the *reach* of the touched
//! records, computed in both models and united —
//! - the touched records and the records one link away whose findings read what changed
//!   about them (every one when a record is new or gone or changed its kind, place, dates
//!   or standing; for a `members` change only the Party organisations of the unit (C005);
//!   for `jurisdiction` links also those registering with it (D001), the stationed
//!   agencies linked to it (B001/B002) and, for S004 alone, the working committees
//!   leading it; for the other link kinds the rules read only their two ends; see
//!   `Ring` and docs/whatif.md, "Which neighbours");
//! - the items (three lists) one link away from those (an item's street/town is its
//!   units', and a Party organisation placed nowhere takes its units');
//! - every unit below a touched unit along `leads` (the leadership chains of S003 and
//!   the cycles of S001 pass through it);
//! - for a territory whose parent, kind or dates changed, every territory below it and
//!   the units located there (their street/town or T003 can change).
//!
//! It then audits a *part* of each model: the reach and every record the rules read
//! about it (neighbours, their places and jurisdictions, the Party organisations'
//! units and registrations, the leadership ancestors, the holders of the streets and
//! towns that stationed agencies of the reach serve, the territory chains up to the
//! root), and keeps the findings whose
//! subject is in the reach. Findings outside the reach are the same before and after.
//!
//! The matter rules (A001–A004, keyed by matter *and* street/town) are re-examined by
//! (matter, street/town) pair: a changed `responsible` link reaches its matter in the
//! streets/towns where it applies or its unit holds, a changed `jurisdiction` link over T
//! reaches the unit's matters in the streets/towns at or below T, a unit new or gone (or
//! whose kind, dates or standing changed) all its matters where its links apply; the part
//! holds the links applying at each pair's street/town and the territories containing it
//! (docs/whatif.md, "The matter rules").
//!
//! The people and meeting rules (P, M) are re-examined in part too, for the reach and for
//! subjects reached for them alone (the Party organisations leading a committee whose
//! holders changed, the holders of the reach's units, a changed meeting's territory,
//! community and topics, the territories of meetings a touched record convened), each part
//! holding the holders, posts and meetings those rules read. What they read of the whole
//! model (which unit kinds are staffed, for P001; each street/town's distinct community
//! workers, for P004; the meetings' first and last years, for M001) is given to the part's
//! audit: kept with the model before (`PeopleMemo`, like its metrics) and moved by the
//! reach's units for the model after. When the kinds staffed or the meetings' years differ
//! between the two models, the two families run on both whole models instead (one pass over
//! the units, holdings and meetings each) and the findings that differ are kept. See
//! docs/whatif.md, "The people and meeting rules".
//!
//! Some edits reach every street or town: a change to a matter itself (A001–A004 resolve
//! every matter in every street/town), to a territory at street/town level or above (or
//! of a custom kind), a reach larger than an eighth of the model, or more than 4,096
//! (matter, street/town) pairs.
//! Those are answered by two full audits ([`Examined::incremental`] is false, with the
//! reason), so the answer is always the same as comparing two full audits (checked by
//! `tests/whatif.rs` on random edits). [`whatif_full`] always takes that path.
//!
//! What differs from two full audits: [`WhatIf::left`] lists the findings in the reach
//! that stay (the full path lists all of them); an S003 finding whose chain joins one an
//! earlier S003 finding explained spells its chain out where the full report refers to
//! the earlier finding (its key is the same); likewise an A002 finding naming more than 8
//! leads applying above its street/town may name them all where the full report refers
//! to an earlier street/town's finding.
//!
//! # The metrics
//! The metrics after the edit are the metrics before moved by the reach's counts: what the
//! reach's units, Party organisations, stationed agencies and (matter, street/town) pairs
//! add to their streets/towns, counted in the part before and the part after; the moved
//! streets/towns, their roll-ups and urban/rural groups have their rates recomputed from
//! the counts. The metrics before are computed once per model and kept with it (dropped by
//! [`Model::apply_in_place`]). An edit that moves a
//! territory with a street/town or a roll-up area below it computes the metrics after on
//! the whole model. See docs/whatif.md, "The metrics before and after".
//!
//! # Attribution
//! A resolved or introduced finding names the changes that caused it: every change that
//! touches the finding's subject, its street/town, or a record or link named in its
//! evidence (the evidence of the report it is in: before for a resolved finding, after
//! for an introduced one). When no change does (a finding reached through a chain), it
//! names the changes whose own reach holds the subject. See docs/change.md, "What-if".
//!
//! # Example
//! ```
//! use tiaokuai::{Config, Model, whatif::{Change, whatif}};
//! let json = |extra: &str| format!(r#"{{"format": "tiaokuai/1",
//!   "territories": [{{"id": "s", "name": "友谊路街道", "kind": "street"}}],
//!   "units": [{{"id": "acme", "name": "某科技有限公司", "kind": "enterprise", "sector": "private",
//!              "located_in": "s", "members": 5}}{extra}]}}"#);
//! let before = Model::from_json(&json(""))?;
//! let after = Model::from_json(&json(r#", {"id": "acme-party", "name": "党支部", "kind": "party_branch"}],
//!   "links": [{"from": "acme-party", "to": "acme", "kind": "party_org_of"}"#))?;
//! let changes = [Change::new("add.units", 0, "acme-party", ["acme-party"]),
//!                Change::new("add.links", 0, "acme-party -party_org_of-> acme", ["acme-party", "acme"])];
//! let w = whatif(&before, &after, &changes, &Config::default());
//! let closed: Vec<&str> = w.resolved.iter().map(|a| a.finding.rule).collect();
//! assert_eq!(closed, ["C001", "C003"]);
//! assert_eq!(w.resolved[0].changes[0].index, 0, "the new link's end names the added unit too");
//! assert!(w.introduced.iter().all(|a| a.finding.rule != "C001"));
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::audit::{Config, Finding, RULES, Severity};
use crate::evidence::Fact;
use crate::metrics::Metrics;
use crate::model::{Level, LinkKind, Model, Node, Post, RecordRef, RecordType, Status, UnitKind};

/// One change of an edit, as the what-if attributes findings to it: where it stands in
/// its change set (`section` such as `add.units`, `update`, `end`, `remove`, and its
/// index there), the id it is about (a record's id, or a link written `from -kind-> to`),
/// and the ids of the records it touches (a record itself; a link's two ends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The section of the change set: `add.territories`, `add.units`, `add.matters`,
    /// `add.items`, `add.people`, `add.links`, `add.meetings`, `update`, `end` or `remove`.
    pub section: String,
    /// The index of the change in its section.
    pub index: usize,
    /// The record's id, or the link as `from -kind-> to`.
    pub id: String,
    /// The ids of the records the change touches.
    #[serde(skip)]
    pub touches: Vec<String>,
}

impl Change {
    /// A change at `section[index]` about `id`, touching the records `touches`.
    ///
    /// # Example
    /// ```
    /// let c = tiaokuai::whatif::Change::new("end", 2, "310113003", ["310113003"]);
    /// assert_eq!((c.section.as_str(), c.index, c.touches.len()), ("end", 2, 1));
    /// ```
    pub fn new<S: Into<String>>(
        section: impl Into<String>,
        index: usize,
        id: impl Into<String>,
        touches: impl IntoIterator<Item = S>,
    ) -> Change {
        Change { section: section.into(), index, id: id.into(), touches: touches.into_iter().map(Into::into).collect() }
    }
}

/// A change named by an attributed finding (a [`Change`] without its touched ids).
///
/// Serialised as `{"section", "index", "id"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// The section of the change set.
    pub section: String,
    /// The index in the section.
    pub index: usize,
    /// The record's id, or the link as `from -kind-> to`.
    pub id: String,
}

/// A finding the edit resolves or introduces, with the changes that caused it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attributed {
    /// The finding (from the report before the edit when resolved, after it when introduced).
    #[serde(flatten)]
    pub finding: Finding,
    /// The changes that caused it (see the [module documentation](self)); empty only when
    /// no change's reach holds the subject.
    pub changes: Vec<Cause>,
}

/// How a what-if was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Examined {
    /// True when only the reach was re-examined; false for two full audits.
    pub incremental: bool,
    /// Why two full audits were run, when they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The subjects re-examined (the reach, plus the (matter, street/town) pairs of A001–A004;
    /// for full audits, every record of the larger model).
    pub subjects: usize,
    /// The records audited (the two parts together; for full audits, both models).
    pub records: usize,
}

/// The effect of an edit on the audit: see the [module documentation](self).
///
/// Serialised as `{"resolved", "introduced", "left", "metrics_before", "metrics_after",
/// "examined"}` (the metrics only when computed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// Findings before the edit that are gone after it, in the before report's order.
    pub resolved: Vec<Attributed>,
    /// Findings after the edit that were not there before, in the after report's order.
    pub introduced: Vec<Attributed>,
    /// Findings the edit leaves (as they read after it): those in the reach when
    /// [`Examined::incremental`], every one otherwise.
    pub left: Vec<Finding>,
    /// The metrics before the edit (`None` when [`Options::metrics`] is off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_before: Option<Metrics>,
    /// The metrics after the edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_after: Option<Metrics>,
    /// How it was answered.
    pub examined: Examined,
}

impl WhatIf {
    /// The number of introduced findings at `severity` or more serious.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Config, Model, Severity, whatif::whatif};
    /// let m = Model::sample();
    /// let w = whatif(&m, &m, &[], &Config::default());
    /// assert_eq!(w.introduced_at_least(Severity::Info), 0);
    /// ```
    pub fn introduced_at_least(&self, severity: Severity) -> usize {
        self.introduced.iter().filter(|a| a.finding.severity <= severity).count()
    }

    /// The what-if as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// What a what-if computes besides the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Compute the metrics before and after. Default on. The metrics before are computed
    /// by the first what-if on a model (one pass over it: O(model)) and kept with it; the
    /// metrics after are those moved by the reach's counts (see the
    /// [module documentation](self)).
    pub metrics: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { metrics: true }
    }
}

impl Options {
    /// Options with the metrics on or off.
    ///
    /// # Example
    /// ```
    /// assert!(!tiaokuai::whatif::Options::with_metrics(false).metrics);
    /// ```
    pub fn with_metrics(metrics: bool) -> Options {
        Options { metrics }
    }
}

/// The changes of a change set as the what-if attributes findings to them, in the
/// order of the document (`add` by array, then `update`, `end`, `remove`): each with the
/// ids it touches (a record's own id; a link's ends and scope; a meeting's territory and
/// convener).
///
/// # Example
/// ```
/// use tiaokuai::change::ChangeSet;
/// let cs = ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
///   "add": {"links": [{"from": "a", "to": "b", "kind": "leads"}]}, "update": [{"id": "c", "set": {"name": "C"}}]}"#)?;
/// let changes = tiaokuai::whatif::changes_of(&cs);
/// assert_eq!(changes[0].id, "a -leads-> b");
/// assert_eq!(changes[0].touches, ["a", "b"]);
/// assert_eq!((changes[1].section.as_str(), changes[1].index, changes[1].id.as_str()), ("update", 0, "c"));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn changes_of(cs: &crate::change::ChangeSet) -> Vec<Change> {
    use crate::change::Target;
    let mut out = Vec::with_capacity(cs.len());
    let record = |section: &str, i: usize, id: &str| Change::new(section, i, id, [id]);
    let link = |section: &str, i: usize, from: &str, kind: &LinkKind, to: &str, scope: Option<&String>| {
        let mut touches = vec![from.to_string(), to.to_string()];
        touches.extend(scope.cloned());
        Change::new(section, i, format!("{from} -{kind}-> {to}"), touches)
    };
    let add = &cs.add;
    out.extend(add.territories.iter().enumerate().map(|(i, t)| record("add.territories", i, &t.id)));
    out.extend(add.units.iter().enumerate().map(|(i, u)| record("add.units", i, &u.id)));
    out.extend(add.matters.iter().enumerate().map(|(i, m)| record("add.matters", i, &m.id)));
    out.extend(add.items.iter().enumerate().map(|(i, m)| record("add.items", i, &m.id)));
    out.extend(add.people.iter().enumerate().map(|(i, p)| record("add.people", i, &p.id)));
    out.extend(
        add.links.iter().enumerate().map(|(i, l)| link("add.links", i, &l.from, &l.kind, &l.to, l.scope.as_ref())),
    );
    // A meeting touches its territory (M001/M004 are about it), its convener and its topics
    // (M002/M003 are about the projects it discussed).
    out.extend(add.meetings.iter().enumerate().map(|(i, m)| {
        let touches = [m.id.as_str(), m.territory.as_str()].into_iter().chain(m.convener.as_deref());
        Change::new("add.meetings", i, &m.id, touches.chain(m.topics.iter().map(String::as_str)))
    }));
    out.extend(cs.update.iter().enumerate().map(|(i, u)| record("update", i, &u.id)));
    let target = |section: &str, i: usize, t: &Target| match t {
        Target::Record(id) => record(section, i, id),
        Target::Link(a) => link(section, i, &a.from, &a.kind, &a.to, a.scope.as_ref()),
    };
    out.extend(cs.end.iter().enumerate().map(|(i, e)| target("end", i, &e.target)));
    out.extend(cs.remove.iter().enumerate().map(|(i, r)| target("remove", i, &r.target)));
    out
}

/// The what-if between one model read at two dates (a reform recorded as dates): the
/// changes are the records and links in force at one date and not the other (sections
/// `records` and `links`, indexed by document position), so a finding names the records
/// and links whose dates opened or closed it.
///
/// # Example
/// ```
/// use tiaokuai::{Config, Model, whatif::whatif_dates};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "c", "name": "新河三居民区", "kind": "community"}],
///   "units": [{"id": "c-dzb", "name": "党支部", "kind": "party_branch", "since": "2017-03-01"}],
///   "links": [{"from": "c-dzb", "to": "c", "kind": "jurisdiction", "since": "2017-03-01"}]}"#)?;
/// let w = whatif_dates(&model, "2016".parse()?, "2018".parse()?, &Config::default());
/// assert_eq!(w.resolved[0].finding.rule, "C006");
/// // The link arriving at the community's subject is what closed it.
/// assert_eq!(w.resolved[0].changes[0].section, "links");
/// assert_eq!(w.resolved[0].changes[0].id, "c-dzb -jurisdiction-> c");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn whatif_dates(model: &Model, from: crate::model::Date, to: crate::model::Date, config: &Config) -> WhatIf {
    let (before, after) = (model.at(from), model.at(to));
    let mut changes = Vec::new();
    for (i, (n, r)) in model.document_records().enumerate() {
        if before.status(n) != after.status(n) {
            changes.push(Change::new("records", i, r.id(), [r.id()]));
        }
    }
    for (i, (l, link)) in model.document_links().enumerate() {
        if before.link_status(l) != after.link_status(l) {
            let (f, t) = (model.id(link.from), model.id(link.to));
            changes.push(Change::new("links", i, format!("{f} -{}-> {t}", link.kind), [f, t]));
        }
    }
    run(&before, &after, &changes, config, Options::default(), true)
}

/// [`Finding::key`], owned.
type Key = (&'static str, String, Option<String>);

fn key(f: &Finding) -> Key {
    let (rule, subject, territory) = f.key();
    (rule, subject.to_string(), territory.map(str::to_string))
}

/// The what-if of the edit that turned `before` into `after`; see the [module documentation](self).
pub fn whatif(before: &Model, after: &Model, changes: &[Change], config: &Config) -> WhatIf {
    whatif_with(before, after, changes, config, Options::default())
}

/// [`whatif`] with [`Options`].
pub fn whatif_with(before: &Model, after: &Model, changes: &[Change], config: &Config, options: Options) -> WhatIf {
    run(before, after, changes, config, options, false)
}

/// The what-if of applying a change set to `model`, without writing anything: the change
/// set is applied ([`Model::apply`]: all or nothing; `model` is untouched) and the edit's
/// reach re-examined.
///
/// # Errors
/// The errors of [`Model::apply`] when the change set does not apply; nothing is audited.
///
/// # Example
/// ```
/// use tiaokuai::{Config, Model, change::ChangeSet, whatif::whatif_change};
/// let change = ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
///   "add": {"links": [{"from": "yyl-c03-rc", "to": "yyl-c03-g2", "kind": "jurisdiction"}]}}"#)?;
/// let w = whatif_change(&Model::sample(), &change, &Config::default())?;
/// assert_eq!(w.resolved[0].finding.rule, "C008");
/// assert_eq!(w.resolved[0].changes[0].section, "add.links");
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn whatif_change(model: &Model, change: &crate::change::ChangeSet, config: &Config) -> crate::Result<WhatIf> {
    let after = model.apply(change)?;
    Ok(whatif(model, &after, &changes_of(change), config))
}

/// `dated`: the two models are two dates of one document and `changes` hold every record
/// and link whose standing differs.
fn run(before: &Model, after: &Model, changes: &[Change], config: &Config, options: Options, dated: bool) -> WhatIf {
    let touched: Vec<&str> = changes.iter().flat_map(|c| c.touches.iter().map(String::as_str)).collect();
    let plan = match plan(before, after, &touched, dated) {
        Ok(plan) => plan,
        Err(reason) => return full(before, after, changes, config, options, Some(reason)),
    };
    let sub_before = before.induced(&plan.before_part, &plan.before_meetings);
    let sub_after = after.induced(&plan.after_part, &plan.after_meetings);
    // The P and M rules in part, with what they read of the whole models (`None`: on both
    // whole models, below).
    let people = has_people_or_meetings(before) || has_people_or_meetings(after);
    let inputs =
        if people { whole_inputs(before, after, &plan, &sub_before.0, &sub_after.0, config, dated) } else { None };
    let (kb, ka) = match &inputs {
        Some((wb, wa, streets)) => (Some((wb, streets)), Some((wa, streets))),
        None => (None, None),
    };
    let (mut fb, cb) = part(before, sub_before, &plan, config, options.metrics, kb);
    let (mut fa, ca) = part(after, sub_after, &plan, config, options.metrics, ka);
    if people && inputs.is_none() {
        whole_families(before, after, &plan, config, &mut fb, &mut fa);
    }
    let records = plan.before_part.len() + plan.after_part.len();
    let subjects = plan.reach.len() + plan.pairs.len();
    let mut w = compare(before, after, fb, fa, changes);
    w.examined = Examined { incremental: true, reason: None, subjects, records };
    if options.metrics {
        // Two copies of the kept metrics (a national model has 40,000 streets/towns): the
        // answer's before, and the after moved from them.
        let kept = memoised_metrics(before, config);
        let moved = if plan.metrics_local { moved_metrics(after, &kept.1, &cb, &ca) } else { None };
        w.metrics_after = Some(moved.unwrap_or_else(|| after.metrics(config)));
        w.metrics_before = Some(kept.1.clone());
    }
    w
}

/// The metrics of `model` under `config` (with the config), computed once per model and view
/// and kept with it ([`Model`]'s memo, dropped when the model is changed in place): a server
/// answering what-ifs on the model it serves pays for one whole pass, at the first. Another
/// config than the kept one's is computed each time, and not kept.
fn memoised_metrics(model: &Model, config: &Config) -> std::sync::Arc<(Config, Metrics)> {
    if let Some(kept) = model.metrics_memo.get().filter(|kept| &kept.0 == config) {
        return kept.clone();
    }
    let computed = std::sync::Arc::new((config.clone(), model.metrics(config)));
    if model.metrics_memo.get().is_none() {
        let _ = model.metrics_memo.set(computed.clone());
    }
    computed
}

/// The metrics' counts of the reach in one part: per street/town id, and the units placed
/// nowhere (what the reach's units, Party organisations, stationed agencies and (matter,
/// street/town) pairs add to the metrics of their model).
#[derive(Debug, Default)]
struct Counted {
    rows: HashMap<String, crate::metrics::Counts>,
    unplaced: u64,
}

/// The metrics after the edit: those before with the reach's counts before taken away and
/// its counts after added, in its streets/towns, their roll-ups (every district, city,
/// province and country that sums them) and the urban/rural groups, the rates recomputed
/// from the counts. The subjects outside the reach count the same in both models (what the
/// plan re-examines is every subject whose findings, and so whose counts, an edit can
/// change), and the streets/towns and roll-ups are the same areas (an edit changing the
/// territory tree at street/town level or above is `broad`, or not `metrics_local`).
/// `None` when something does not add up (a street/town the metrics do not have, a count
/// below zero): the caller then computes the whole metrics.
fn moved_metrics(after: &Model, before: &Metrics, cb: &Counted, ca: &Counted) -> Option<Metrics> {
    use crate::metrics::{Counts, NOT_FOUND, Ups, group};
    let mut out = before.clone();
    out.unplaced_units = out.unplaced_units.checked_sub(cb.unplaced)?.checked_add(ca.unplaced)?;
    // Per level (0 the streets/towns, 1–4 district, city, province, country) the areas moved,
    // by id, with the reach's counts (before, after) summed into them.
    let mut moves: [HashMap<String, (Counts, Counts)>; 5] = Default::default();
    let mut groups = [(Counts::default(), Counts::default()); 3];
    let mut ups = Ups::new();
    let mut ids: Vec<&String> = cb.rows.keys().chain(ca.rows.keys()).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let (b, a) = (cb.rows.get(id).copied().unwrap_or_default(), ca.rows.get(id).copied().unwrap_or_default());
        if a == b {
            continue;
        }
        let t = after.node(id)?;
        let kind = &after.territory(t)?.kind;
        let mut into = |level: usize, id: &str| {
            let e = moves[level].entry(id.to_string()).or_default();
            e.0 += b;
            e.1 += a;
        };
        into(0, id);
        // The nearest ancestor of each roll-up level (what `Metrics::finish` sums into).
        for (slot, &p) in ups.of(after, t).iter().enumerate() {
            if p != NOT_FOUND {
                into(slot + 1, after.id(Node::new(p)));
            }
        }
        let g = &mut groups[group(kind)];
        g.0 += b;
        g.1 += a;
    }
    let levels = [&mut out.townships, &mut out.districts, &mut out.cities, &mut out.provinces, &mut out.countries];
    for (areas, moved) in levels.into_iter().zip(&moves) {
        let mut done = 0;
        for area in areas.iter_mut() {
            if let Some((b, a)) = moved.get(&area.id) {
                area.shift(b, a)?;
                done += 1;
            }
        }
        if done != moved.len() {
            return None;
        }
    }
    for (area, (b, a)) in out.comparison.iter_mut().zip(&groups) {
        if b != a {
            area.shift(b, a)?;
        }
    }
    Some(out)
}

/// The what-if by two full audits (the reference [`whatif`] is checked against).
pub fn whatif_full(before: &Model, after: &Model, changes: &[Change], config: &Config) -> WhatIf {
    full(before, after, changes, config, Options::default(), None)
}

fn full(
    before: &Model,
    after: &Model,
    changes: &[Change],
    config: &Config,
    options: Options,
    reason: Option<String>,
) -> WhatIf {
    let rb = before.audit(config);
    let ra = after.audit(config);
    let (mb, ma) = (rb.metrics.clone(), ra.metrics.clone());
    let mut w = compare(before, after, rb.findings, ra.findings, changes);
    w.examined = Examined {
        incremental: false,
        reason: Some(reason.unwrap_or_else(|| "asked for two full audits".to_string())),
        subjects: before.len().max(after.len()),
        records: before.len() + after.len(),
    };
    if options.metrics {
        w.metrics_before = Some(mb);
        w.metrics_after = Some(ma);
    }
    w
}

/// Splits two lists of findings (each in report order) into resolved, introduced and left,
/// and attributes the first two.
fn compare<'a>(
    before: &'a Model,
    after: &'a Model,
    fb: Vec<Finding>,
    fa: Vec<Finding>,
    changes: &'a [Change],
) -> WhatIf {
    let kb: HashSet<Key> = fb.iter().map(key).collect();
    let ka: HashSet<Key> = fa.iter().map(key).collect();
    let mut resolved = Vec::new();
    for f in fb {
        if !ka.contains(&key(&f)) {
            resolved.push(f);
        }
    }
    let (mut introduced, mut left) = (Vec::new(), Vec::new());
    for f in fa {
        if kb.contains(&key(&f)) { left.push(f) } else { introduced.push(f) }
    }
    let mut attrib = Attribution::new(changes);
    let resolved = resolved.into_iter().map(|f| attrib.attribute(before, f)).collect();
    let introduced = introduced.into_iter().map(|f| attrib.attribute(after, f)).collect();
    WhatIf {
        resolved,
        introduced,
        left,
        metrics_before: None,
        metrics_after: None,
        examined: Examined { incremental: false, reason: None, subjects: 0, records: 0 },
    }
}

/// Attributes findings to changes: directly (the change touches the subject, the
/// street/town or a record or link of the evidence), else through each change's reach.
struct Attribution<'c> {
    changes: &'c [Change],
    /// Touched id → the changes touching it.
    by_id: HashMap<&'c str, Vec<usize>>,
    /// Per change, its reach: records of the model it was computed in, the first that needed
    /// it (computed on first need; a subject is looked for by id).
    reaches: Vec<Option<(&'c Model, HashSet<u32>)>>,
}

impl<'c> Attribution<'c> {
    fn new(changes: &'c [Change]) -> Attribution<'c> {
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, c) in changes.iter().enumerate() {
            for t in &c.touches {
                let list = by_id.entry(t.as_str()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        Attribution { changes, by_id, reaches: vec![None; changes.len()] }
    }

    fn attribute(&mut self, model: &'c Model, finding: Finding) -> Attributed {
        let mut hit: Vec<usize> = Vec::new();
        let add = |id: &str, hit: &mut Vec<usize>| {
            if let Some(list) = self.by_id.get(id) {
                hit.extend(list);
            }
        };
        add(&finding.subject, &mut hit);
        if let Some(t) = &finding.territory {
            add(t, &mut hit);
        }
        for fact in &finding.evidence {
            match fact {
                Fact::Link { from, to, .. } => {
                    add(from, &mut hit);
                    add(to, &mut hit);
                }
                Fact::Field { record, .. } | Fact::Missing { record, .. } => add(record, &mut hit),
            }
        }
        if hit.is_empty() {
            // By id in the document, in the view or not (as the reach's ids were).
            let here = model.find(&finding.subject);
            for i in 0..self.changes.len() {
                let (m, reach) = self.reaches[i].get_or_insert_with(|| {
                    let touched: Vec<&str> = self.changes[i].touches.iter().map(String::as_str).collect();
                    (model, reach_nodes(model, &touched))
                });
                let subject = if std::ptr::eq(*m, model) { here } else { m.find(&finding.subject) };
                if subject.is_some_and(|n| reach.contains(&n.raw())) {
                    hit.push(i);
                }
            }
        }
        hit.sort_unstable();
        hit.dedup();
        let changes = hit
            .into_iter()
            .map(|i| {
                let c = &self.changes[i];
                Cause { section: c.section.clone(), index: c.index, id: c.id.clone() }
            })
            .collect();
        Attributed { finding, changes }
    }
}

/// The reach (records of `model`) of touched ids in one model, without the size limit.
fn reach_nodes(model: &Model, touched: &[&str]) -> HashSet<u32> {
    let seeds: Vec<Node> = touched.iter().filter_map(|id| model.node(id)).collect();
    let mut r = Reach::default();
    r.grow(model, &seeds, &|_| false, &|_| true, &|_| Ring::All);
    r.set
}

/// What the incremental path audits: the reach (ids, both models) and the part of each model.
struct Plan {
    reach: HashSet<String>,
    /// Subjects re-examined for S004 alone ([`Reach::s004`]).
    s004: HashSet<String>,
    /// The (matter, street/town) pairs re-examined for A001–A004 ([`a_pairs`]).
    pairs: HashSet<Pair>,
    /// Subjects re-examined for the P and M rules alone ([`pm_reach`]).
    pm: HashSet<String>,
    before_part: Vec<Node>,
    after_part: Vec<Node>,
    /// The meetings of each part (positions in the model's meetings).
    before_meetings: Vec<usize>,
    after_meetings: Vec<usize>,
    /// True when the metrics after the edit are those before moved by the reach's counts
    /// ([`moved_metrics`]): false when a territory that moved (parent, kind, dates or
    /// standing) has a street/town or a roll-up area at or below it, which changes what
    /// sums into what.
    metrics_local: bool,
}

/// Why the edit needs two full audits, if it does: it changes a matter itself (new or
/// gone, its list, category, dates or standing: A001–A004 of that matter in every
/// street/town and T001 read it) or touches a territory at street/town level or above, or
/// of a custom kind. A matter touched only through its `responsible` links is not: the
/// matter rules' pairs ([`a_pairs`]) follow the units at the links' other ends.
fn broad(model: &Model, other: &Model, node: Node) -> Option<String> {
    let id = model.id(node);
    match model.record(node) {
        RecordRef::Matter(_) if matter_changed(model, other, node) => {
            Some(format!("it changes matter {id:?} (A001–A004 resolve every matter in every street/town)"))
        }
        RecordRef::Territory(t) => match t.kind.level() {
            Some(l) if l > Level::Street => None,
            _ => Some(format!(
                "it touches territory {id:?} of kind {} (at street/town level or above, or of a custom kind)",
                t.kind
            )),
        },
        _ => None,
    }
}

/// True when matter `m` of `model` is new or gone in `other`, or its list, category, dates
/// or standing differ (what any rule reads of a matter besides its links).
fn matter_changed(model: &Model, other: &Model, m: Node) -> bool {
    let Some(o) = other.node(model.id(m)) else { return true };
    match (model.matter(m), other.matter(o)) {
        (Some(a), Some(b)) => {
            a.list != b.list
                || a.category != b.category
                || a.validity != b.validity
                || model.status(m) != other.status(o)
        }
        _ => true,
    }
}

/// The most (matter, street/town) pairs an incremental what-if re-examines for A001–A004.
const A_PAIRS: usize = 4096;

/// True when territory `t` of `model` is new or gone in `other`, or its name, kind, dates,
/// attributes, parent, standing or any link with it as an end differ.
fn territory_changed(model: &Model, other: &Model, t: Node) -> bool {
    let Some(o) = other.node(model.id(t)) else { return true };
    let (Some(a), Some(b)) = (model.territory(t), other.territory(o)) else { return true };
    let parent = |m: &Model, n: Node| m.any_parent(n).map(|p| m.id(p).to_string());
    a.name() != b.name()
        || a.kind != b.kind
        || a.validity != b.validity
        || a.attrs != b.attrs
        || parent(model, t) != parent(other, o)
        || model.status(t) != other.status(o)
        || !changed_links(model, other, t, o).is_empty()
}

/// (matter id, street/town id): the key of an A001–A004 finding without its rule.
type Pair = (String, String);

/// The (matter, street/town) pairs whose A001–A004 findings the touched units of `model`
/// can change (`other` is the model on the other side of the edit), added to `pairs`.
///
/// A `responsible` link of unit U to matter M applies at its `scope`, or without one at
/// every territory U holds; A001/A002 of (M, T) read the links applying at T and the
/// territories containing it, A003 of (M, T) the links of the units holding T, A004 of (M, T)
/// the links of the units holding street T. So a changed `responsible` link reaches M in the
/// streets/towns at or below where it applies and those U holds; a changed `jurisdiction`
/// link of U over T reaches every matter U has a `responsible` link to, in the streets/towns
/// at or below T; a unit new or gone, or whose kind (strips are not "the street"), dates
/// or standing changed, reaches all its matters wherever its links apply and where it
/// holds. Other changes (members, places, names, other link kinds) reach no pair. Matters
/// themselves never change here (a changed matter takes two full audits, [`broad`]).
fn a_pairs(model: &Model, other: &Model, seeds: &[Node], pairs: &mut HashSet<Pair>) {
    for &u in seeds {
        let Some(unit) = model.unit(u) else { continue };
        let responsible: Vec<crate::model::LinkId> =
            model.any_links_of(u, &LinkKind::Responsible, false).map(|(l, _)| l).collect();
        let whole = match other.node(model.id(u)) {
            None => true,
            Some(o) => other.unit(o).is_none_or(|b| {
                b.kind != unit.kind || b.validity != unit.validity || model.status(u) != other.status(o)
            }),
        };
        let held: Vec<Node> = model.targets(u, &LinkKind::Jurisdiction).collect();
        let reach = |m: Node, at: &[Node], pairs: &mut HashSet<Pair>| {
            for &t in at.iter().chain(&held) {
                for s in townships_under(model, t) {
                    pairs.insert((model.id(m).to_string(), model.id(s).to_string()));
                }
            }
        };
        let applies = |l: crate::model::LinkId| -> Vec<Node> { model.link(l).scope.into_iter().collect() };
        if whole {
            for &l in &responsible {
                reach(model.link(l).to, &applies(l), pairs);
            }
            continue;
        }
        if responsible.is_empty() {
            // No link of U applies anywhere in this model; a link or holding only the other
            // model has is followed when the other model is read (each side reads its own).
            continue;
        }
        let o = other.node(model.id(u)).expect("checked above");
        for (l, kind) in changed_links(model, other, u, o) {
            match (l, kind) {
                (Some(l), LinkKind::Responsible) if model.link(l).from == u => {
                    reach(model.link(l).to, &applies(l), pairs);
                }
                (Some(l), LinkKind::Jurisdiction) if model.link(l).from == u => {
                    let t = model.link(l).to;
                    for &r in &responsible {
                        for s in townships_under(model, t) {
                            pairs.insert((model.id(model.link(r).to).to_string(), model.id(s).to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The street/town-level territories at or below territory `t` (none when `t` lies below
/// street/town level or is not a territory), whatever their dates.
fn townships_under(model: &Model, t: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![t];
    while let Some(c) = stack.pop() {
        let Some(terr) = model.territory(c) else { continue };
        match terr.kind.level() {
            Some(Level::Street) => out.push(c),
            Some(l) if l > Level::Street => {}
            _ => stack.extend(model.all_children(c)),
        }
    }
    out
}

/// The records of a model, by node, whose findings the touched records can change.
#[derive(Default)]
struct Reach {
    set: HashSet<u32>,
    /// Working committees whose S004 alone can change (they lead a unit whose level can):
    /// re-examined for that rule only, so their hundreds of other links stay out of the part.
    s004: HashSet<u32>,
    /// The seeds, and the territories and units below a moved territory.
    first: Vec<Node>,
}

impl Reach {
    fn add(&mut self, n: Node) -> bool {
        self.set.insert(n.raw())
    }

    /// Grows the reach from `seeds`; `moved(t)` says whether territory `t` changed its
    /// parent, kind or dates (then every territory and unit below it is reached).
    /// `chained(u)` says whether unit `u`'s place in the leadership lines may have changed
    /// (its leaders, kind, level or standing): then every unit below it is reached.
    /// `ring(s)` says which records one link away from seed `s` can see their findings change
    /// (see [`ring_of`]); records reached otherwise (below a moved territory) take them all.
    fn grow(
        &mut self,
        model: &Model,
        seeds: &[Node],
        moved: &dyn Fn(Node) -> bool,
        chained: &dyn Fn(Node) -> bool,
        ring_of: &dyn Fn(Node) -> Ring,
    ) {
        let seed_set: HashSet<u32> = seeds.iter().map(|n| n.raw()).collect();
        let mut first: Vec<Node> = Vec::new();
        let push = |r: &mut Reach, n: Node, list: &mut Vec<Node>| {
            if r.add(n) {
                list.push(n);
            }
        };
        let mut below: Vec<Node> = Vec::new();
        for &s in seeds {
            push(self, s, &mut first);
            if let RecordRef::Territory(_) = model.record(s)
                && moved(s)
            {
                below.push(s);
            }
        }
        // Territories whose place in the tree or dates changed: everything below them.
        if !below.is_empty() {
            let mut stack = below.clone();
            let mut subtree: HashSet<u32> = HashSet::new();
            while let Some(t) = stack.pop() {
                if subtree.insert(t.raw()) {
                    push(self, t, &mut first);
                    stack.extend(model.all_children(t));
                }
            }
            for (u, unit) in model.units() {
                if unit.located_in.is_some_and(|l| subtree.contains(&l.raw())) {
                    push(self, u, &mut first);
                }
            }
        }
        // One link away (any kind, either way), a unit's place, a territory's parent and children.
        let mut ring: Vec<Node> = Vec::new();
        for &n in &first.clone() {
            let narrow = if seed_set.contains(&n.raw()) { ring_of(n) } else { Ring::All };
            if let Ring::Narrow { members, juris } = narrow {
                // Only the neighbours whose findings read what changed (docs/whatif.md).
                if members || juris {
                    for (l, other) in model.any_links(n) {
                        let link = model.link(l);
                        let org = link.to == n && link.from == other && link.kind == LinkKind::PartyOrgOf;
                        if juris
                            && link.to == n
                            && link.kind == LinkKind::Leads
                            && model.unit(other).is_some_and(|u| u.kind == UnitKind::PartyWorkingCommittee)
                        {
                            self.s004.insert(other.raw());
                        }
                        let take = org
                            || (juris
                                && ((link.to == n && link.kind == LinkKind::RegistersWith)
                                    || model.unit(other).is_some_and(|u| u.kind == UnitKind::DispatchedAgency)));
                        if take {
                            push(self, other, &mut ring);
                        }
                    }
                }
                continue;
            }
            for (_, other) in model.any_links(n) {
                push(self, other, &mut ring);
            }
            match model.record(n) {
                RecordRef::Unit(u) => {
                    if let Some(l) = u.located_in {
                        push(self, l, &mut ring);
                    }
                }
                RecordRef::Territory(_) => {
                    if let Some(p) = model.any_parent(n) {
                        push(self, p, &mut ring);
                    }
                    for c in model.all_children(n) {
                        push(self, c, &mut ring);
                    }
                }
                _ => {}
            }
        }
        // Items one link further (their street/town is their units'): through the links whose
        // kind may have an item at the other end (`LinkKind::endpoints`), the others unread.
        let near: Vec<Node> = first.iter().chain(&ring).copied().collect();
        let may_item: Vec<[bool; 2]> = (0..=LinkKind::ALL.len())
            .map(|slot| match LinkKind::ALL.get(slot).and_then(LinkKind::endpoints) {
                Some((from, to)) => [to == RecordType::Item, from == RecordType::Item],
                None => [true, true],
            })
            .collect();
        let may_item = |slot: usize, incoming: bool| may_item.get(slot).is_none_or(|m| m[usize::from(incoming)]);
        for &n in &near {
            for (_, other) in model.any_links_where(n, &may_item) {
                if model.record(other).record_type() == RecordType::Item {
                    let mut sink = Vec::new();
                    push(self, other, &mut sink);
                }
            }
        }
        self.first.extend(&first);
        // Every unit below a touched unit whose place in the leadership lines changed, along `leads`.
        let mut stack: Vec<Node> = first
            .iter()
            .copied()
            .filter(|&n| model.record(n).record_type() == RecordType::Unit && chained(n))
            .collect();
        let mut seen: HashSet<u32> = stack.iter().map(|n| n.raw()).collect();
        while let Some(u) = stack.pop() {
            for (_, other) in model.any_links_of(u, &LinkKind::Leads, false) {
                if seen.insert(other.raw()) {
                    self.add(other);
                    stack.push(other);
                }
            }
        }
    }
}

/// Which records one link away from a touched record can see their findings change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ring {
    /// Every record one link away (the record is new or gone, or changed in a way many
    /// rules read: kind, sector, place, dates, standing, a territory's fields, links of
    /// kinds the narrow cases do not cover).
    All,
    /// Only: when `members`, the Party organisations of the unit (C005 sums the members of
    /// the units a branch without its own covers); when `juris` (the unit's `jurisdiction`
    /// links changed), the Party organisations of the unit (their street/town when placed
    /// nowhere), those registering with it (D001 reads the places their registrations
    /// hold), its leaders (S004 reads the level of the units a working committee leads, and
    /// a unit's level is the highest territory it holds) and the stationed agencies linked
    /// to it (B001/B002 read who holds their street). Nothing more for changes to `leads`, `party_org_of`, `registers_with`,
    /// `instructs`, `mass_org_of`, `power`, `guides`, `dispatches`, `reports_back` and
    /// `member_of` links: only their two ends (both touched) read them, and the leadership
    /// lines below are followed apart (`chained`). Nor for `holds` links, or anything about a
    /// person: only the P rules read them, and what those read of the other records is
    /// re-examined for them alone (`pm_reach`).
    Narrow { members: bool, juris: bool },
}

/// What about touched record `t` of `model` differs in `other`, as a [`Ring`].
fn ring_of(model: &Model, other: &Model, t: Node) -> Ring {
    let Some(o) = other.node(model.id(t)) else { return Ring::All };
    if model.person(t).is_some() && other.person(o).is_some() {
        // A person's posts and dates are read by the P rules alone: of the person (touched)
        // and of the units they hold, re-examined for those rules alone (`pm_reach`).
        return Ring::Narrow { members: false, juris: false };
    }
    if model.status(t) != other.status(o) {
        return Ring::All;
    }
    let mut members = false;
    let mut juris = false;
    match (model.record(t), other.record(o)) {
        (RecordRef::Unit(a), RecordRef::Unit(b)) => {
            let place = |m: &Model, x: crate::model::UnitRef<'_>| x.located_in.map(|l| m.id(l).to_string());
            if a.kind != b.kind
                || a.sector != b.sector
                || a.validity != b.validity
                || place(model, a) != place(other, b)
            {
                return Ring::All;
            }
            members = a.members() != b.members();
        }
        (RecordRef::Territory(a), RecordRef::Territory(b)) => {
            let parent = |m: &Model, n: Node| m.any_parent(n).map(|p| m.id(p).to_string());
            if a.kind != b.kind
                || a.validity != b.validity
                || a.attrs != b.attrs
                || parent(model, t) != parent(other, o)
            {
                return Ring::All;
            }
        }
        _ => return Ring::All,
    }
    let kinds: Vec<LinkKind> = changed_links(model, other, t, o).into_iter().map(|(_, k)| k).collect();
    for kind in kinds {
        match kind {
            LinkKind::Jurisdiction => juris = true,
            LinkKind::Leads
            | LinkKind::PartyOrgOf
            | LinkKind::RegistersWith
            | LinkKind::Instructs
            | LinkKind::MassOrgOf
            | LinkKind::Power
            | LinkKind::Guides
            | LinkKind::Dispatches
            | LinkKind::ReportsBack
            | LinkKind::MemberOf
            | LinkKind::Responsible
            | LinkKind::Holds => {}
            _ => return Ring::All,
        }
    }
    if juris && model.territory(t).is_some() {
        // A territory's holders are read by its own findings (C006–C008) and by those of
        // the units holding it (both ends of the link, touched).
        juris = false;
    }
    Ring::Narrow { members, juris }
}

/// The links of record `t` of `model` (`o` in `other`) whose ends, kind, scope or fields
/// differ between the two models: matched by (direction, kind, other end, scope), in
/// document order among equals. Each as the link of `model` (`Some`) or, for a link only
/// `other` has, `None`, with its kind.
fn changed_links(model: &Model, other: &Model, t: Node, o: Node) -> Vec<(Option<crate::model::LinkId>, LinkKind)> {
    type Sig<'a> = (bool, &'a str, &'a str, Option<&'a str>, crate::model::LinkId);
    let mut out = Vec::new();
    let (sa, sb) = (link_sigs(model, t), link_sigs(other, o));
    let (mut i, mut j) = (0, 0);
    let same = |x: &Sig, y: &Sig| {
        let (p, q) = (model.link(x.4), other.link(y.4));
        p.primary == q.primary
            && p.power == q.power
            && p.role == q.role
            && p.members == q.members
            && p.event == q.event
            && model.link_attrs(x.4) == other.link_attrs(y.4)
            && p.validity == q.validity
            && model.link_status(x.4) == other.link_status(y.4)
    };
    fn key<'s>(s: &Sig<'s>) -> (bool, &'s str, &'s str, Option<&'s str>) {
        (s.0, s.1, s.2, s.3)
    }
    while i < sa.len() || j < sb.len() {
        match (sa.get(i), sb.get(j)) {
            (Some(x), Some(y)) if key(x) == key(y) => {
                if !same(x, y) {
                    out.push((Some(x.4), model.link(x.4).kind));
                }
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if key(x) < key(y) => {
                out.push((Some(x.4), model.link(x.4).kind));
                i += 1;
            }
            (Some(x), None) => {
                out.push((Some(x.4), model.link(x.4).kind));
                i += 1;
            }
            (_, Some(y)) => {
                out.push((None, other.link(y.4).kind));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The links of record `n`, as (leaves `n`, kind, other end's id, scope's id, link), sorted.
fn link_sigs(m: &Model, n: Node) -> Vec<(bool, &str, &str, Option<&str>, crate::model::LinkId)> {
    let mut v: Vec<_> = m
        .any_links(n)
        .map(|(l, other)| {
            let link = m.link(l);
            (link.from == n, link.kind.as_str(), m.id(other), link.scope.map(|s| m.id(s)), l)
        })
        .collect();
    v.sort_by(|a, b| (a.0, a.1, a.2, a.3, a.4.index()).cmp(&(b.0, b.1, b.2, b.3, b.4.index())));
    v
}

/// The reach of the touched ids in both models, or why two full audits are needed.
fn plan(before: &Model, after: &Model, touched: &[&str], dated: bool) -> Result<Plan, String> {
    if before.date() != after.date() && !dated {
        return Err("the two models are read at different dates".to_string());
    }
    let mut reach: HashSet<String> = HashSet::new();
    let mut s004: HashSet<String> = HashSet::new();
    let mut pairs: HashSet<Pair> = HashSet::new();
    let mut pm: HashSet<String> = HashSet::new();
    let limit = |m: &Model| (m.len() / 8).max(64);
    let mut metrics_local = true;
    for (model, other) in [(before, after), (after, before)] {
        // A territory touched only as a link's `scope` (or not changed at all) is no seed: a
        // scope is read by the matter rules alone, through the unit's changed link.
        let seeds: Vec<Node> = touched
            .iter()
            .filter_map(|id| model.node(id))
            .filter(|&n| model.territory(n).is_none() || territory_changed(model, other, n))
            .collect();
        for &s in &seeds {
            if let Some(reason) = broad(model, other, s) {
                return Err(reason);
            }
        }
        // A matter touched only through its links: its findings are the matter rules' pairs.
        let seeds: Vec<Node> = seeds.into_iter().filter(|&n| model.matter(n).is_none()).collect();
        a_pairs(model, other, &seeds, &mut pairs);
        if pairs.len() > A_PAIRS {
            return Err(format!(
                "it reaches {} (matter, street/town) pairs of the matter rules (more than {A_PAIRS})",
                pairs.len()
            ));
        }
        let moved = |t: Node| {
            let Some(terr) = model.territory(t) else { return false };
            let Some(o) = other.node(model.id(t)).and_then(|o| other.territory(o).map(|x| (o, x))) else {
                return true;
            };
            let parent = |m: &Model, n: Node| m.any_parent(n).map(|p| m.id(p).to_string());
            terr.kind != o.1.kind
                || terr.validity != o.1.validity
                || model.status(t) != other.status(o.0)
                || parent(model, t) != parent(other, o.0)
        };
        // A unit whose leaders, kind, level, place, dates or standing differ between the models.
        let chained = |u: Node| {
            let Some(o) = other.node(model.id(u)) else { return true };
            let (Some(a), Some(b)) = (model.unit(u), other.unit(o)) else { return true };
            let place = |m: &Model, x: crate::model::UnitRef<'_>| x.located_in.map(|l| m.id(l).to_string());
            let leaders = |m: &Model, n: Node| -> Vec<(String, bool, Status)> {
                m.all_links_to(n)
                    .filter(|(_, l)| l.kind == LinkKind::Leads)
                    .map(|(id, l)| (m.id(l.from).to_string(), l.is_primary(), m.link_status(id)))
                    .collect()
            };
            let held = |m: &Model, n: Node| -> Vec<String> {
                let mut v: Vec<String> = m.targets(n, &LinkKind::Jurisdiction).map(|t| m.id(t).to_string()).collect();
                v.sort_unstable();
                v
            };
            a.kind != b.kind
                || a.validity != b.validity
                || model.status(u) != other.status(o)
                || model.level(u) != other.level(o)
                || place(model, a) != place(other, b)
                || leaders(model, u) != leaders(other, o)
                || held(model, u) != held(other, o)
        };
        if seeds.iter().any(|&s| moved(s) && area_at_or_below(model, s)) {
            metrics_local = false;
        }
        let mut r = Reach::default();
        let ring = |t: Node| ring_of(model, other, t);
        r.grow(model, &seeds, &moved, &chained, &ring);
        // Matters are subjects of A001–A004 alone (by pair, above) and of T001 (their own
        // dates: a changed matter is `broad`).
        r.set.retain(|&n| model.matter(Node::new(n)).is_none());
        if r.set.len() > limit(model) {
            return Err(format!("its reach ({} records) is more than an eighth of the model", r.set.len()));
        }
        if has_people_or_meetings(model) {
            // The units whose street/town may have moved: below a moved territory, or touched
            // with more than their `members` or links of the kinds only their ends read.
            let seed_set: HashSet<u32> = seeds.iter().map(|n| n.raw()).collect();
            let placed: Vec<Node> = r
                .first
                .iter()
                .copied()
                .filter(|&n| {
                    model.unit(n).is_some()
                        && (!seed_set.contains(&n.raw()) || !matches!(ring(n), Ring::Narrow { juris: false, .. }))
                })
                .collect();
            pm_reach(model, touched, &placed, &mut pm);
        }
        reach.extend(r.set.iter().map(|&n| model.id(Node::new(n)).to_string()));
        s004.extend(r.s004.iter().map(|&n| model.id(Node::new(n)).to_string()));
    }
    s004.retain(|id| !reach.contains(id));
    pm.retain(|id| !reach.contains(id));
    let (mut before_part, before_meetings) = context(before, &reach, &s004, &pairs, &pm);
    let (mut after_part, after_meetings) = context(after, &reach, &s004, &pairs, &pm);
    if has_people_or_meetings(before) || has_people_or_meetings(after) {
        // P004 of a street/town is re-examined in both parts: each holds the streets/towns of
        // the other (with their chains up to the root).
        let streets = |m: &Model, part: &[Node]| -> Vec<String> {
            part.iter()
                .filter(|&&n| m.territory(n).is_some_and(|t| t.kind.is_township_level()))
                .map(|&n| m.id(n).to_string())
                .collect()
        };
        let (sb, sa) = (streets(before, &before_part), streets(after, &after_part));
        add_territories(before, &mut before_part, &sa);
        add_territories(after, &mut after_part, &sb);
    }
    Ok(Plan { reach, s004, pairs, pm, before_part, after_part, before_meetings, after_meetings, metrics_local })
}

/// True when territory `t` or a territory below it is a street/town or above (an area of
/// the metrics, or a roll-up of them).
fn area_at_or_below(model: &Model, t: Node) -> bool {
    let mut stack = vec![t];
    let mut seen: HashSet<u32> = HashSet::new();
    while let Some(c) = stack.pop() {
        if !seen.insert(c.raw()) {
            continue;
        }
        if model.territory(c).and_then(|x| x.kind.level()).is_some_and(|l| l <= Level::Street) {
            return true;
        }
        stack.extend(model.all_children(c));
    }
    false
}

/// The part of a model the rules read about the reach (see the [module documentation](self)).
fn context(
    model: &Model,
    reach: &HashSet<String>,
    s004: &HashSet<String>,
    pairs: &HashSet<Pair>,
    pm: &HashSet<String>,
) -> (Vec<Node>, Vec<usize>) {
    let mut set: HashSet<u32> = HashSet::new();
    let mut list: Vec<Node> = Vec::new();
    let put = |set: &mut HashSet<u32>, list: &mut Vec<Node>, n: Node| {
        if set.insert(n.raw()) {
            list.push(n);
        }
    };
    let r: Vec<Node> = reach.iter().filter_map(|id| model.node(id)).collect();
    for &n in &r {
        put(&mut set, &mut list, n);
    }
    // One link away, and the scopes of those links; a unit's holders only as the P rules read
    // them (`pm_inputs`: a street office may have a thousand community workers).
    for &n in &r {
        for (l, other) in model.any_links(n) {
            if model.link(l).kind == LinkKind::Holds && model.link(l).to == n {
                continue;
            }
            put(&mut set, &mut list, other);
            if let Some(s) = model.link(l).scope {
                put(&mut set, &mut list, s);
            }
        }
    }
    // A unit's place and jurisdictions: all of them for the reach's units; for the others
    // what their level and street/town read (the highest territory held, and the held
    // territories in link order up to the first inside a street/town).
    let place = |model: &Model, u: Node, all: bool, set: &mut HashSet<u32>, list: &mut Vec<Node>| {
        if let Some(l) = model.unit(u).and_then(|x| x.located_in) {
            put(set, list, l);
        }
        let mut top: Option<(Level, Node)> = None;
        for (l, other) in model.any_links_of(u, &LinkKind::Jurisdiction, false) {
            if all {
                put(set, list, other);
                continue;
            }
            if let Some(level) = model.territory(other).and_then(|t| t.kind.level())
                && top.is_none_or(|(best, _)| level < best)
            {
                top = Some((level, other));
            }
            put(set, list, other);
            let placed = model.ancestors(other).any(|t| model.territory(t).is_some_and(|x| x.kind.is_township_level()));
            if placed && model.link_status(l) != Status::OutOfForce {
                break;
            }
        }
        if let Some((_, t)) = top {
            put(set, list, t);
        }
    };
    // S004 of a working committee: the street it holds (all its jurisdictions), the units it
    // leads with their kinds and levels (a unit's level is the highest territory it holds,
    // else its place's), added below with their places.
    let mut led: Vec<Node> = Vec::new();
    for w in s004.iter().filter_map(|id| model.node(id)) {
        put(&mut set, &mut list, w);
        for (_, other) in model.any_links_of(w, &LinkKind::Jurisdiction, false) {
            put(&mut set, &mut list, other);
        }
        for (_, other) in model.any_links_of(w, &LinkKind::Leads, false) {
            put(&mut set, &mut list, other);
            led.push(other);
        }
    }
    // The P and M rules: of the reach and of the subjects reached for them alone, what they
    // read (`pm_inputs`), with the meetings.
    let meetings = if has_people_or_meetings(model) {
        let extra: Vec<Node> = pm.iter().filter_map(|id| model.node(id)).collect();
        for &n in &extra {
            put(&mut set, &mut list, n);
        }
        let mut meetings = Vec::new();
        for &n in r.iter().chain(&extra) {
            pm_inputs(model, n, &mut |x| put(&mut set, &mut list, x), &mut meetings);
        }
        meetings.sort_unstable();
        meetings.dedup();
        for &i in &meetings {
            if let Some(m) = model.meetings().get(i) {
                put(&mut set, &mut list, m.territory);
                if let Some(c) = m.convener {
                    put(&mut set, &mut list, c);
                }
            }
        }
        meetings
    } else {
        Vec::new()
    };
    let in_reach: HashSet<u32> = r.iter().map(|n| n.raw()).collect();
    let level1: Vec<Node> = list.clone();
    for &u in &level1 {
        if model.unit(u).is_none() {
            continue;
        }
        let mine = in_reach.contains(&u.raw());
        place(model, u, mine, &mut set, &mut list);
        for kind in [LinkKind::PartyOrgOf, LinkKind::RegistersWith] {
            for (_, other) in model.any_links_of(u, &kind, false) {
                put(&mut set, &mut list, other);
                place(model, other, false, &mut set, &mut list);
            }
        }
        // D001 of a unit of the reach with `party_org_of` links: the places of its units up to
        // their street/town, and every territory held by the organisations it registers with
        // (the check asks whether one of those is one of these places; nobody else's
        // jurisdiction is read, so a street's thousands of holders stay out).
        if mine && model.any_links_of(u, &LinkKind::PartyOrgOf, false).next().is_some() {
            for c in model.targets(u, &LinkKind::PartyOrgOf) {
                let Some(at) = model.unit(c).and_then(|x| x.located_in) else { continue };
                for t in model.ancestors(at) {
                    put(&mut set, &mut list, t);
                    if model.territory(t).is_some_and(|x| x.kind.is_township_level()) {
                        break;
                    }
                }
            }
            for (_, r) in model.any_links_of(u, &LinkKind::RegistersWith, false) {
                place(model, r, true, &mut set, &mut list);
            }
        }
    }
    for u in led {
        if model.unit(u).is_some() {
            place(model, u, true, &mut set, &mut list);
        }
    }
    // The leadership ancestors of the reach's units, with their places and jurisdictions.
    let mut stack: Vec<Node> = r.iter().copied().filter(|&n| model.unit(n).is_some()).collect();
    let mut up: HashSet<u32> = stack.iter().map(|n| n.raw()).collect();
    while let Some(u) = stack.pop() {
        for (_, other) in model.any_links_of(u, &LinkKind::Leads, true) {
            if up.insert(other.raw()) {
                put(&mut set, &mut list, other);
                place(model, other, false, &mut set, &mut list);
                stack.push(other);
            }
        }
    }
    // The streets/towns a stationed agency of the reach may serve (B001 and B002 read who
    // holds it, "the block"): above its place, and above the territories held by the units
    // leading it or holding a power over it.
    let mut served: Vec<Node> = Vec::new();
    for &a in &r {
        if model.unit(a).is_none_or(|x| x.kind != UnitKind::DispatchedAgency) {
            continue;
        }
        let mut from: Vec<Node> = model.unit(a).and_then(|x| x.located_in).into_iter().collect();
        for kind in [LinkKind::Leads, LinkKind::Power] {
            for (_, s) in model.any_links_of(a, &kind, true) {
                from.extend(model.targets(s, &LinkKind::Jurisdiction));
            }
        }
        for t in from {
            if let Some(town) =
                model.ancestors(t).find(|&c| model.territory(c).is_some_and(|x| x.kind.is_township_level()))
            {
                served.push(town);
            }
        }
    }
    for town in served {
        put(&mut set, &mut list, town);
        for (_, other) in model.any_links_of(town, &LinkKind::Jurisdiction, true) {
            put(&mut set, &mut list, other);
        }
    }
    // A001–A004 of the pairs: the matter, the street/town and every territory containing it,
    // and the units whose `responsible` links to the matter apply at one of those (by scope,
    // or holding it), with every scope of their links to the matter (a scope left out of the
    // part would make its link apply wherever the unit holds).
    let mut by_matter: HashMap<Node, Vec<Node>> = HashMap::new();
    for (m, t) in pairs {
        if let (Some(m), Some(t)) = (model.node(m), model.node(t)) {
            by_matter.entry(m).or_default().push(t);
        }
    }
    let mut by_matter: Vec<(Node, Vec<Node>)> = by_matter.into_iter().collect();
    by_matter.sort_unstable_by_key(|(m, _)| m.index());
    for (m, ts) in by_matter {
        put(&mut set, &mut list, m);
        // A003 of a cooperating matter without cooperation names the street's first units
        // and counts the others: every holder of the street/town.
        let cooperating = model.matter(m).is_some_and(|x| x.list == crate::model::MatterList::Cooperating);
        let mut chain: HashSet<u32> = HashSet::new();
        for t in ts {
            if cooperating {
                for (_, u) in model.any_links_of(t, &LinkKind::Jurisdiction, true) {
                    put(&mut set, &mut list, u);
                }
            }
            let mut cur = Some(t);
            while let Some(c) = cur {
                if !chain.insert(c.raw()) {
                    break;
                }
                cur = model.any_parent(c);
            }
        }
        let mut holders: HashSet<u32> = HashSet::new();
        for &a in &chain {
            put(&mut set, &mut list, Node::new(a));
            for (_, u) in model.any_links_of(Node::new(a), &LinkKind::Jurisdiction, true) {
                holders.insert(u.raw());
            }
        }
        let links: Vec<(Node, Option<Node>)> =
            model.any_links_of(m, &LinkKind::Responsible, true).map(|(l, u)| (u, model.link(l).scope)).collect();
        let mut units: HashSet<u32> = HashSet::new();
        for &(u, scope) in &links {
            if holders.contains(&u.raw()) || scope.is_some_and(|s| chain.contains(&s.raw())) {
                units.insert(u.raw());
                put(&mut set, &mut list, u);
            }
        }
        for &(u, scope) in &links {
            if let Some(s) = scope.filter(|_| units.contains(&u.raw())) {
                put(&mut set, &mut list, s);
            }
        }
    }
    // Every territory's chain to the root.
    let territories: Vec<Node> = list.iter().copied().filter(|&n| model.territory(n).is_some()).collect();
    for t in territories {
        let mut cur = Some(t);
        while let Some(c) = cur {
            if !set.insert(c.raw()) && c != t {
                break;
            }
            if c != t {
                list.push(c);
            }
            cur = model.any_parent(c);
        }
    }
    // Places of the holders just added.
    let units: Vec<Node> = list.iter().copied().filter(|&n| model.unit(n).is_some()).collect();
    for u in units {
        if let Some(l) = model.unit(u).and_then(|x| x.located_in) {
            push_with_ancestors(model, &mut set, &mut list, l);
        }
    }
    (list, meetings)
}

/// Pushes territory `t` of `model` and its chain up (whatever the view's date) onto `list`,
/// up to the first one `set` already holds (whose chain is then held too).
fn push_with_ancestors(model: &Model, set: &mut HashSet<u32>, list: &mut Vec<Node>, t: Node) {
    let mut cur = Some(t);
    while let Some(c) = cur {
        if !set.insert(c.raw()) {
            break;
        }
        list.push(c);
        cur = model.any_parent(c);
    }
}

/// Adds the territories `ids` of `model` missing from `part`, with their chains up to the root.
fn add_territories(model: &Model, part: &mut Vec<Node>, ids: &[String]) {
    let mut set: HashSet<u32> = part.iter().map(|n| n.raw()).collect();
    for t in ids.iter().filter_map(|id| model.node(id)) {
        push_with_ancestors(model, &mut set, part, t);
    }
}

/// True when the model has people, `holds` links or meetings (the P and M rules run).
fn has_people_or_meetings(model: &Model) -> bool {
    model.has_people() || !model.meetings().is_empty()
}

/// The subjects whose P and M findings the touched records can change beyond the reach (they
/// are re-examined for those rules alone), added to `pm`:
/// - the units a touched person holds a post in (P001, P002; the person's other findings are
///   the P rules' alone, so a person's neighbours are not in the reach: [`ring_of`]);
/// - the Party organisations leading a residents' or villagers' committee whose holders may
///   have changed (a touched committee, or one held by a touched person): P005 compares the
///   organisation's Party posts with the committee's holders;
/// - the holders of the units whose street/town may have moved (`placed`: a touched unit whose
///   place, jurisdictions, kind, dates or standing changed, a unit below a moved territory)
///   and of the Party organisations of those units (one placed nowhere takes its unit's):
///   P003 of a person is placed in the street/town of the unit whose post it is about;
/// - for a touched meeting (in this model), its territory (M004), the community or village it
///   counts for (M001) and its topics (M002, M003);
/// - the territories of the meetings convened by a touched record (M004 reads the convener's
///   dates).
fn pm_reach(model: &Model, touched: &[&str], placed: &[Node], pm: &mut HashSet<String>) {
    let id = |n: Node| model.id(n).to_string();
    let committee = |n: Node| {
        model.unit(n).is_some_and(|u| matches!(u.kind, UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee))
    };
    let ends = |n: Node, kind: LinkKind, incoming: bool| -> Vec<Node> {
        model.any_links_of(n, &kind, incoming).map(|(_, o)| o).collect()
    };
    let mut seeds: Vec<u32> = Vec::new();
    for &t in touched {
        if let Some(n) = model.node(t) {
            seeds.push(n.raw());
            let held = match model.record(n) {
                RecordRef::Person(_) => ends(n, LinkKind::Holds, false),
                RecordRef::Unit(_) => vec![n],
                _ => Vec::new(),
            };
            for u in held {
                if model.person(n).is_some() {
                    pm.insert(id(u));
                }
                if committee(u) {
                    pm.extend(ends(u, LinkKind::Leads, true).into_iter().map(id));
                }
            }
        }
        if let Some(m) = model.meetings().find(t) {
            pm.insert(id(m.territory));
            if let Some(c) = crate::meetings::place_of(model, m.territory, crate::meetings::MeetingsBy::Community) {
                pm.insert(id(c));
            }
            pm.extend(m.topics.iter().map(|&p| id(p)));
        }
    }
    for &n in placed {
        if model.unit(n).is_some() {
            pm.extend(ends(n, LinkKind::Holds, true).into_iter().map(id));
            // A Party organisation placed nowhere takes the street/town of its first unit.
            for o in ends(n, LinkKind::PartyOrgOf, true) {
                pm.extend(ends(o, LinkKind::Holds, true).into_iter().map(id));
            }
        }
    }
    if !seeds.is_empty() {
        // One pass over the meetings, the seeds as bits by node index (a few kilobytes for a
        // city model) so that each meeting costs one test, not a hash or a search.
        let top = seeds.iter().copied().max().unwrap_or(0) as usize;
        let mut bits = vec![0u64; top / 64 + 1];
        for &n in &seeds {
            bits[n as usize / 64] |= 1 << (n % 64);
        }
        let seeded = |n: usize| bits.get(n / 64).is_some_and(|w| w & (1 << (n % 64)) != 0);
        for m in model.meetings().iter() {
            if m.convener.is_some_and(|c| seeded(c.index())) {
                pm.insert(id(m.territory));
            }
        }
    }
}

/// What the P and M rules read about subject `n` of `model` besides what `context` adds for
/// every subject: a unit's holders (P001, P002) and, for a Party organisation, the committees
/// it leads with their holders (P005); a person's units (P003, placed by their street/town);
/// a territory's meetings (M004) and, for a community or village, every territory below it
/// with theirs (M001 counts the meetings held there); a project's meetings and the units
/// undertaking it (M002, M003, placed by those). Records through `put`, meetings (positions)
/// into `meetings`.
fn pm_inputs(model: &Model, n: Node, put: &mut dyn FnMut(Node), meetings: &mut Vec<usize>) {
    let holds = |u: Node, put: &mut dyn FnMut(Node)| {
        for (_, p) in model.any_links_of(u, &LinkKind::Holds, true) {
            put(p);
        }
    };
    let table = model.meetings();
    let mut add = |m: &crate::meetings::Meeting| meetings.extend(table.position(&m.id));
    match model.record(n) {
        RecordRef::Unit(u) => {
            // The single-holder posts (P001, P002) and the Party posts (P005); the community
            // workers (P004) are counted on the whole model (`whole_inputs`).
            for (l, p) in model.any_links_of(n, &LinkKind::Holds, true) {
                let post = model.holding(l).map(|h| &h.post);
                if post.is_some_and(|p| {
                    p.is_single_holder() || matches!(p, Post::Secretary | Post::DeputySecretary | Post::CommitteeMember)
                }) {
                    put(p);
                }
            }
            if u.kind.is_party_org() {
                for (_, c) in model.any_links_of(n, &LinkKind::Leads, false) {
                    let committee = model
                        .unit(c)
                        .is_some_and(|x| matches!(x.kind, UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee));
                    put(c);
                    if committee {
                        holds(c, put);
                    }
                }
            }
        }
        RecordRef::Person(_) => {
            for (_, u) in model.any_links_of(n, &LinkKind::Holds, false) {
                put(u);
            }
        }
        RecordRef::Territory(t) => {
            table.of_territory(n).for_each(&mut add);
            if matches!(t.kind, crate::model::TerritoryKind::Community | crate::model::TerritoryKind::Village) {
                let mut stack: Vec<Node> = model.all_children(n).collect();
                while let Some(c) = stack.pop() {
                    put(c);
                    table.of_territory(c).for_each(&mut add);
                    stack.extend(model.all_children(c));
                }
            }
        }
        RecordRef::Item(_) => {
            table.on_topic(n).for_each(&mut add);
            for (_, u) in model.any_links_of(n, &LinkKind::Undertakes, true) {
                put(u);
            }
        }
        _ => {}
    }
}

/// What the P and M rules read of the two whole models, for the audits of their parts (each
/// model's), and the streets/towns whose P004 findings are re-examined; `None` when those
/// rules must run on the whole models instead: the two models read at two dates (every
/// meeting between them happens), one of them without people or meetings, the years of the
/// meetings differ (M001 of every community reads the first), or the unit kinds staffed
/// differ (P001 of every unit of the kind reads it).
///
/// The kinds staffed and each street/town's community workers of the model before are kept
/// with it ([`PeopleMemo`], one pass over its units on the first what-if); those after are
/// moved by what the units of the reach add in the part before and the part after (every
/// unit whose principal post, community workers or street/town an edit can change is in the
/// reach). The years are the meetings' own, one pass over them (no record is read).
fn whole_inputs(
    before: &Model,
    after: &Model,
    plan: &Plan,
    sub_before: &Model,
    sub_after: &Model,
    config: &Config,
    dated: bool,
) -> Option<(crate::audit::Whole, crate::audit::Whole, HashSet<String>)> {
    if dated || before.has_people() != after.has_people() || before.meetings().is_empty() != after.meetings().is_empty()
    {
        return None;
    }
    let years = crate::audit::meeting_years(before);
    if years != crate::audit::meeting_years(after) {
        return None;
    }
    let people = before.has_people();
    let whole = |staffed: Vec<bool>, workers: HashMap<String, u64>| crate::audit::Whole {
        people,
        meetings: !before.meetings().is_empty(),
        staffed,
        years,
        workers,
    };
    if !people {
        return Some((
            whole(vec![false; 256], HashMap::new()),
            whole(vec![false; 256], HashMap::new()),
            HashSet::new(),
        ));
    }
    let units = || plan.reach.iter().chain(&plan.pm);
    let (codes_b, workers_b) = crate::audit::people_inputs(sub_before, before, config, units());
    let (codes_a, workers_a) = crate::audit::people_inputs(sub_after, after, config, units());
    let memo = people_memo(before, config);
    let mut counts = memo.staffed.clone();
    for c in codes_b {
        counts[usize::from(c)] = counts[usize::from(c)].checked_sub(1)?;
    }
    for c in codes_a {
        counts[usize::from(c)] += 1;
    }
    let staffed_b: Vec<bool> = memo.staffed.iter().map(|&c| c > 0).collect();
    let staffed_a: Vec<bool> = counts.iter().map(|&c| c > 0).collect();
    if staffed_b != staffed_a {
        return None;
    }
    // Per street/town met: its workers before (kept), then moved.
    let mut moved: HashMap<&str, HashMap<&str, i64>> = HashMap::new();
    for (street, person) in &workers_b {
        *moved.entry(street).or_default().entry(person).or_default() -= 1;
    }
    for (street, person) in &workers_a {
        *moved.entry(street).or_default().entry(person).or_default() += 1;
    }
    let (mut wb, mut wa) = (HashMap::new(), HashMap::new());
    for (street, delta) in moved {
        let kept = memo.workers.get(street);
        let count = |p: &str| kept.and_then(|k| k.get(p)).map_or(0, |&c| i64::from(c));
        let distinct_before = kept.map_or(0, |k| k.values().filter(|&&c| c > 0).count());
        let mut distinct_after = distinct_before as i64;
        for (person, d) in delta {
            let (was, now) = (count(person), count(person) + d);
            if now < 0 {
                return None;
            }
            distinct_after += i64::from(now > 0) - i64::from(was > 0);
        }
        wb.insert(street.to_string(), distinct_before as u64);
        wa.insert(street.to_string(), u64::try_from(distinct_after).ok()?);
    }
    let streets: HashSet<String> = wb.keys().cloned().collect();
    Some((whole(staffed_b, wb), whole(staffed_a, wa), streets))
}

/// What the P rules read of a whole model and the what-if moves by the reach: per unit kind
/// code, the units staffed at the date (P001), and per street/town id, the community-worker
/// posts held there per person id (P004 counts the distinct people). Kept with the model by
/// the first what-if on it (`Model::people_memo`), dropped by a change in place.
#[derive(Debug)]
pub(crate) struct PeopleMemo {
    staffed: Vec<u32>,
    workers: HashMap<String, HashMap<String, u32>>,
}

/// The [`PeopleMemo`] of `model`, computed on first need (one pass over its units and the
/// links to them) and kept.
fn people_memo(model: &Model, config: &Config) -> std::sync::Arc<PeopleMemo> {
    model
        .people_memo
        .get_or_init(|| {
            let (staffed, workers) = crate::audit::people_totals(model, config);
            std::sync::Arc::new(PeopleMemo { staffed, workers })
        })
        .clone()
}

/// Audits the part `nodes` of `model` and keeps the findings about the reach (A001–A004:
/// those of the plan's (matter, street/town) pairs),
/// with the link positions in their evidence and messages those of `model`, in the
/// order of `model`'s report.
/// `people`: what the P and M rules read of the whole model, and the streets/towns whose P004
/// is kept; `None` when those rules run on the whole models (`whole_families`) or the models
/// have no people and no meetings.
fn part(
    model: &Model,
    (sub, links): (Model, Vec<crate::model::LinkId>),
    plan: &Plan,
    config: &Config,
    metrics: bool,
    people: Option<(&crate::audit::Whole, &HashSet<String>)>,
) -> (Vec<Finding>, Counted) {
    let reach = &plan.reach;
    // The metrics' counts of the reach's subjects and pairs in the part (none without metrics).
    let mut only = crate::metrics::Only::default();
    if metrics && plan.metrics_local {
        only.subjects = reach.iter().filter_map(|id| sub.node(id)).map(|n| n.raw()).collect();
        only.pairs = plan.pairs.iter().filter_map(|(m, t)| Some((sub.node(m)?.raw(), sub.node(t)?.raw()))).collect();
    }
    let keep = |rule: &'static str, subject: Node, territory: Option<Node>| {
        kept(plan, people, rule, sub.id(subject), territory.map(|t| sub.id(t)))
    };
    let (findings, rows, unplaced) = crate::audit::audit_counting(&sub, config, only, people.map(|p| p.0), &keep);
    let mut counted = Counted { rows: HashMap::new(), unplaced };
    for (t, c) in rows {
        if c != crate::metrics::Counts::default() {
            counted.rows.insert(sub.id(t).to_string(), c);
        }
    }
    let mut out: Vec<((usize, usize, usize), Finding)> = Vec::new();
    for mut f in findings {
        // The P and M rules: those about the reach and the subjects reached for them alone, with
        // P004 of the streets/towns whose community workers an edit moves (given the whole
        // model's count); none when they run on the whole models (`whole_families`).
        if !kept(plan, people, f.rule, &f.subject, f.territory.as_deref()) {
            continue;
        }
        let relink = |i: usize| links.get(i).map_or(i, |l| l.index());
        for fact in f.evidence.iter_mut().chain(f.uncertain.iter_mut()) {
            match fact {
                Fact::Link { link, .. } => *link = relink(*link),
                Fact::Field { field, .. } if field.starts_with("links[") => {
                    *field = relink_text(field, &relink).into();
                }
                _ => {}
            }
        }
        if f.rule.starts_with('T') {
            f.message = relink_text(&f.message, &relink);
        }
        out.push((report_key(model, &f), f));
    }
    out.sort_by_key(|(k, _)| *k);
    (out.into_iter().map(|(_, f)| f).collect(), counted)
}

/// True when the part's finding of `rule` about `subject` (in `territory`) is one the
/// what-if keeps: the P and M rules' about the reach and the subjects reached for them alone,
/// with P004 of the streets/towns whose community workers an edit moves (given the whole
/// model's count; none when those rules run on the whole models, `whole_families`); the
/// matter rules' of the plan's (matter, street/town) pairs; the others' about the reach (and
/// S004 of the working committees reached for it alone).
fn kept(
    plan: &Plan,
    people: Option<(&crate::audit::Whole, &HashSet<String>)>,
    rule: &str,
    subject: &str,
    territory: Option<&str>,
) -> bool {
    if rule.starts_with('P') || rule.starts_with('M') {
        match people {
            None => false,
            Some((_, streets)) if rule == "P004" => streets.contains(subject),
            Some(_) => plan.reach.contains(subject) || plan.pm.contains(subject),
        }
    } else if rule.starts_with('A') {
        // A (matter, street/town) pair: the key without its rule.
        territory.is_some_and(|t| plan.pairs.contains(&(subject.to_string(), t.to_string())))
    } else {
        plan.reach.contains(subject) || (rule == "S004" && plan.s004.contains(subject))
    }
}

/// Where a finding of `model`'s audit comes in the report: its rule's place in the catalogue,
/// then its subject's and its street/town's places in the model.
fn report_key(model: &Model, f: &Finding) -> (usize, usize, usize) {
    let rule_index = RULES.iter().position(|r| r.code == f.rule).unwrap_or(usize::MAX);
    let at = |id: &str| model.node(id).map_or(usize::MAX, |n| n.index());
    (rule_index, at(&f.subject), f.territory.as_deref().map_or(0, |t| at(t).wrapping_add(1)))
}

/// Adds the P and M findings of both whole models to the parts' findings (`fb`, `fa`, kept in
/// report order): those that differ, and those that stay whose subject is in the reach. Run
/// when the parts cannot answer them ([`whole_inputs`] is `None`: the kinds staffed or the
/// meetings' years differ between the models, and the like): one pass over the units, the
/// holdings and the meetings of each model.
fn whole_families(
    before: &Model,
    after: &Model,
    plan: &Plan,
    config: &Config,
    fb: &mut Vec<Finding>,
    fa: &mut Vec<Finding>,
) {
    // The two models' passes side by side when the audit would use threads for the model (a
    // large one, several cores): the same findings, each list from its own model.
    let (pb, pa) = if crate::audit::threads_for(before, 0) >= 2 {
        std::thread::scope(|s| {
            let other = s.spawn(|| crate::audit::people_and_meetings_findings(after, config));
            let pb = crate::audit::people_and_meetings_findings(before, config);
            (pb, other.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })
    } else {
        (
            crate::audit::people_and_meetings_findings(before, config),
            crate::audit::people_and_meetings_findings(after, config),
        )
    };
    if pb.is_empty() && pa.is_empty() {
        return;
    }
    let (kb, ka): (HashSet<Key>, HashSet<Key>) = (pb.iter().map(key).collect(), pa.iter().map(key).collect());
    let keep = |f: &Finding, other: &HashSet<Key>| !other.contains(&key(f)) || plan.reach.contains(&f.subject);
    for (model, found, other, into) in [(before, pb, &ka, fb), (after, pa, &kb, fa)] {
        into.extend(found.into_iter().filter(|f| keep(f, other)));
        into.sort_by_cached_key(|f| report_key(model, f));
    }
}

/// `text` with every `links[N]` renumbered by `relink`.
fn relink_text(text: &str, relink: &dyn Fn(usize) -> usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("links[") {
        let after = &rest[i + 6..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..i + 6]);
        match after[..digits].parse::<usize>() {
            Ok(n) if after[digits..].starts_with(']') => out.push_str(&relink(n).to_string()),
            _ => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {}
