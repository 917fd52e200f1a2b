//! People and posts: who holds which post in a unit at a date, every post of a person,
//! tenure, and the principal (第一责任人) of a unit that the chain, responsible and
//! dispatch answers name at each step.
//!
//! Every answer reads the model's view ([`Model::at`]): a `holds` link counts when it
//! and both its ends are in force (or possibly in force: then the answer says
//! `uncertain`) at the view's date. [`tenure`] reads the terms of the whole document up
//! to that date. A model without people answers with empty lists, and the chain,
//! responsible and dispatch answers then carry no `principal` field at all (their JSON
//! is what it was before people existed).
//!
//! # Example
//! ```
//! use tiaokuai::{Model, Post};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "units": [{"id": "dzb", "name": "党总支", "kind": "party_general_branch"}],
//!   "people": [{"id": "p1"}, {"id": "p2"}],
//!   "links": [{"from": "p1", "to": "dzb", "kind": "holds", "post": "secretary", "until": "2020-12-31"},
//!             {"from": "p2", "to": "dzb", "kind": "holds", "post": "secretary", "since": "2021-01-01"}]}"#)?;
//! let at = |d: &str| model.at(d.parse().unwrap());
//! assert_eq!(at("2019-05-01").holders("dzb")?[0].person, "p1");
//! assert_eq!(at("2022-05-01").principal_of("dzb")?.map(|p| p.person.into_owned()), Some("p2".to_string()));
//! # Ok::<(), tiaokuai::Error>(())
//! ```

mod metrics;
mod redact;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

pub use metrics::{PeopleArea, PeopleMetrics, metrics};
pub use redact::pseudonym;

use crate::error::Result;
use crate::model::{
    Band, Channel, Date, LinkId, LinkKind, Model, Node, Post, RecordType, SingleHolder, Status, UnitKind,
};

/// The post whose holder is a unit's principal (第一责任人): the secretary of a Party
/// organisation, the director of a residents', villagers' or owners' committee or joint
/// meeting, the head of any other unit (government, department, agency, enterprise …).
///
/// # Example
/// ```
/// use tiaokuai::{Post, UnitKind, people::principal_post};
/// assert_eq!(principal_post(&UnitKind::PartyBranch), Post::Secretary);
/// assert_eq!(principal_post(&UnitKind::ResidentsCommittee), Post::Director);
/// assert_eq!(principal_post(&UnitKind::Department), Post::Head);
/// ```
pub fn principal_post(kind: &UnitKind) -> Post {
    match kind {
        k if k.is_party_org() => Post::Secretary,
        UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee | UnitKind::OwnersCommittee => Post::Director,
        UnitKind::JointMeeting => Post::Director,
        _ => Post::Head,
    }
}

/// True for the kinds of unit that must have a principal (rule P001, and the units the
/// generator staffs): Party organisations, governments, departments, stationed agencies,
/// residents' and villagers' committees (the design's list).
///
/// # Example
/// ```
/// use tiaokuai::{UnitKind, people::needs_principal};
/// assert!(needs_principal(&UnitKind::PartyBranch) && needs_principal(&UnitKind::ResidentsCommittee));
/// assert!(!needs_principal(&UnitKind::Enterprise));
/// ```
pub fn needs_principal(kind: &UnitKind) -> bool {
    kind.is_party_org()
        || matches!(
            kind,
            UnitKind::Government
                | UnitKind::Department
                | UnitKind::DispatchedAgency
                | UnitKind::ResidentsCommittee
                | UnitKind::VillagersCommittee
        )
}

/// The person holding a unit's principal post at the view's date (see [`principal`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Principal<'m> {
    /// The person's id.
    pub person: Cow<'m, str>,
    /// The person's name (empty, and left out of the JSON, when the data has none).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub name: Cow<'m, str>,
    /// The post: secretary, director or head.
    pub post: Post,
    /// The index of the `holds` link in the model's `links` array.
    pub link: usize,
    /// True when the link or the person is only possibly in force at the date (a reduced date).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

impl Principal<'_> {
    /// The same principal owning its strings.
    pub fn into_owned(self) -> Principal<'static> {
        Principal { person: Cow::Owned(self.person.into_owned()), name: Cow::Owned(self.name.into_owned()), ..self }
    }
}

fn uncertain(model: &Model, id: LinkId, person: Node) -> bool {
    model.link_status(id) == Status::Possibly || model.status(person) == Status::Possibly
}

/// The principal of a unit at the view's date: the holder of its [`principal_post`].
/// When several hold it (rule P002), the one whose term started last (then the first
/// in document order); `None` when nobody holds it, when the record is not a unit, or
/// in a model without people.
///
/// # Complexity
/// O(the unit's single-holder `holds` links: secretaries, directors, heads, past ones
/// included), usually O(1): they are gathered for every unit on first use, latest start
/// first, and the first of the principal post in the view is the answer; the first of the
/// principal post is kept per unit, so when it is in the view (always in a view without a
/// date) the answer is one read of that table and the person's record.
pub fn principal(model: &Model, unit: Node) -> Option<Principal<'_>> {
    if !model.has_people() {
        return None;
    }
    let entry = principal_entry(model, unit, model.principal_slot(unit))?;
    Some(principal_answer(model, entry))
}

/// The entry of `unit`'s principal, `slot` being [`Model::principal_slot`]: that holder when
/// its link is in the view, else the next of the unit's single-holder posts of the same
/// (principal) post that is.
#[inline]
fn principal_entry(model: &Model, unit: Node, slot: Option<SingleHolder>) -> Option<SingleHolder> {
    let first = slot?;
    if model.link_in_view(first.link) {
        return Some(first);
    }
    let code = first.post;
    // Latest start first, then link order: the first in the view is the one whose term
    // started last (then the first in document order).
    model.single_holders(unit).iter().find(|e| e.post == code && model.link_in_view(e.link)).copied()
}

fn principal_answer(model: &Model, e: SingleHolder) -> Principal<'_> {
    let record = model.record(e.person);
    Principal {
        person: Cow::Borrowed(record.id()),
        name: Cow::Borrowed(record.name()),
        post: match e.post {
            0 => Post::Secretary,
            1 => Post::Director,
            _ => Post::Head,
        },
        link: e.link.index(),
        uncertain: uncertain(model, e.link, e.person),
    }
}

/// [`principal`] of each of `units` (a chain's steps), looked up stage by stage: first
/// every unit's principal slot, then every principal's entry, then every person, so that the cache
/// misses of one unit overlap with those of the others instead of following each other
/// (a national model's units, posts and people are far apart in memory). Empty (nothing
/// allocated) for a model without people.
pub(crate) fn principals<'m>(model: &'m Model, units: &[Node]) -> Vec<Option<Principal<'m>>> {
    if !model.has_people() {
        return Vec::new();
    }
    for &u in units {
        model.prefetch_principal_slot(u);
    }
    let slots: Vec<Option<SingleHolder>> = units.iter().map(|&u| model.principal_slot(u)).collect();
    let entries: Vec<Option<SingleHolder>> =
        units.iter().zip(slots).map(|(&u, slot)| principal_entry(model, u, slot)).collect();
    for e in entries.iter().flatten() {
        model.prefetch_labels(e.person);
    }
    entries.into_iter().map(|e| e.map(|e| principal_answer(model, e))).collect()
}

/// One post held: a `holds` link as an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct HeldPost<'m> {
    /// The person's id.
    pub person: Cow<'m, str>,
    /// The person's name (empty, and left out of the JSON, when the data has none).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub person_name: Cow<'m, str>,
    /// The unit's id.
    pub unit: Cow<'m, str>,
    /// The unit's name.
    pub unit_name: Cow<'m, str>,
    /// The post.
    pub post: Post,
    /// True when the post is the unit's principal one ([`principal_post`]).
    pub principal: bool,
    /// The career-scale band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
    /// The career-scale grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<u8>,
    /// How the holder came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The term's first date.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_date")]
    pub since: Option<Date>,
    /// The term's last date.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_date")]
    pub until: Option<Date>,
    /// The index of the `holds` link in the model's `links` array.
    pub link: usize,
    /// True when the link or an end is only possibly in force at the date.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

fn opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

impl HeldPost<'_> {
    /// The same answer owning its strings.
    pub fn into_owned(self) -> HeldPost<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        HeldPost {
            person: own(self.person),
            person_name: own(self.person_name),
            unit: own(self.unit),
            unit_name: own(self.unit_name),
            ..self
        }
    }
}

fn held(model: &Model, id: LinkId) -> Option<HeldPost<'_>> {
    let l = model.link(id);
    let h = model.holding(id)?;
    let unit = model.unit(l.to)?;
    Some(HeldPost {
        person: Cow::Borrowed(model.id(l.from)),
        person_name: Cow::Borrowed(model.name(l.from)),
        unit: Cow::Borrowed(unit.id()),
        unit_name: Cow::Borrowed(unit.name()),
        post: h.post,
        principal: h.post == principal_post(&unit.kind),
        band: h.band,
        grade: h.grade,
        channel: h.channel,
        since: l.validity.since,
        until: l.validity.until,
        link: id.index(),
        uncertain: uncertain(model, id, l.from) || model.status(l.to) == Status::Possibly,
    })
}

/// Who holds which post in a unit at the view's date, in document order.
///
/// # Complexity
/// O(the unit's `holds` links).
pub fn holders(model: &Model, unit: Node) -> Vec<HeldPost<'_>> {
    model.holders_of(unit).filter_map(|(id, _)| held(model, id)).collect()
}

/// Every post a person holds at the view's date (concurrent posts: 兼任, 交叉任职, 一肩挑),
/// in document order.
///
/// # Complexity
/// O(the person's `holds` links).
pub fn posts(model: &Model, person: Node) -> Vec<HeldPost<'_>> {
    model.posts_of(person).filter_map(|(id, _)| held(model, id)).collect()
}

/// How long a person has held a post in a unit, up to the view's date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Tenure<'m> {
    /// The person's id.
    pub person: Cow<'m, str>,
    /// The unit's id.
    pub unit: Cow<'m, str>,
    /// The unit's name.
    pub unit_name: Cow<'m, str>,
    /// The post.
    pub post: Post,
    /// The terms served (started on or before the date): one per `holds` link.
    pub terms: usize,
    /// The days in post, counting each day once however terms overlap, up to the date;
    /// `None` when a term has no start, or no end and the view no date.
    pub days: Option<i64>,
    /// `days` in years of 365.2425 days, to two decimals.
    pub years: Option<f64>,
    /// The first term's start.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_date")]
    pub since: Option<Date>,
    /// True when the person holds the post at the date.
    pub current: bool,
}

impl Tenure<'_> {
    /// The same answer owning its strings.
    pub fn into_owned(self) -> Tenure<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Tenure { person: own(self.person), unit: own(self.unit), unit_name: own(self.unit_name), ..self }
    }
}

/// The tenure of every (person, unit, post) among the document's `holds` links, for one
/// person and/or one unit when given, up to the view's date (a term is counted when it
/// starts on or before the date, its days up to the date; a reduced date is read as its
/// widest: a `since` from its first day, an `until` to its last). Sorted by person, then
/// unit, then post. A model read without a date counts every term to its `until`.
///
/// # Complexity
/// O(the `holds` links read, log of the groups).
pub fn tenure(model: &Model, person: Option<Node>, unit: Option<Node>) -> Vec<Tenure<'_>> {
    let day = model.date().map(Date::last_day);
    let links: Box<dyn Iterator<Item = (LinkId, crate::Link)>> = match (person, unit) {
        (Some(p), _) => Box::new(model.document_links_from(p).filter(|(_, l)| l.kind == LinkKind::Holds)),
        (None, Some(u)) => Box::new(model.document_links_to(u).filter(|(_, l)| l.kind == LinkKind::Holds)),
        (None, None) => Box::new(model.document_links().filter(|(_, l)| l.kind == LinkKind::Holds)),
    };
    // (person, unit, post) → the terms as (first day, last day or None, link).
    let mut groups: BTreeMap<(&str, &str, &str), Group> = BTreeMap::new();
    for (id, l) in links {
        if unit.is_some_and(|u| l.to != u) {
            continue;
        }
        let Some(h) = model.holding(id) else { continue };
        let v = l.validity;
        if v.never() || day.is_some_and(|d| v.since.is_some_and(|s| s.first_day() > d)) {
            continue;
        }
        let key = (model.id(l.from), model.id(l.to), h.post.as_str());
        let entry = groups.entry(key).or_insert_with(|| (l.from, l.to, h.post, Vec::new()));
        entry.3.push((v.since.map(Date::first_day), v.until.map(Date::last_day)));
    }
    groups
        .into_values()
        .map(|(p, u, post, mut terms)| {
            let current =
                day.is_some_and(|d| terms.iter().any(|(s, e)| s.is_none_or(|s| s <= d) && e.is_none_or(|e| e >= d)));
            let days = union_days(&mut terms, day);
            Tenure {
                person: Cow::Borrowed(model.id(p)),
                unit: Cow::Borrowed(model.id(u)),
                unit_name: Cow::Borrowed(model.name(u)),
                post,
                terms: terms.len(),
                days,
                years: days.map(|d| (d as f64 / 365.2425 * 100.0).round() / 100.0),
                since: terms.iter().filter_map(|(s, _)| *s).min(),
                current,
            }
        })
        .collect()
}

/// A (person, unit, post) group of [`tenure`]: the person, the unit, the post and the terms
/// as (first day, last day), `None` for no bound.
type Group = (Node, Node, Post, Vec<(Option<Date>, Option<Date>)>);

/// The days covered by terms `[since, until]` clipped to `day`, each day once; `None` when a
/// term has no start, or no end and there is no `day`.
fn union_days(terms: &mut [(Option<Date>, Option<Date>)], day: Option<Date>) -> Option<i64> {
    let mut spans = Vec::with_capacity(terms.len());
    for &(s, e) in terms.iter() {
        let s = s?.days();
        let e = match (e, day) {
            (Some(e), Some(d)) => e.min(d).days(),
            (Some(e), None) => e.days(),
            (None, Some(d)) => d.days(),
            (None, None) => return None,
        };
        if e >= s {
            spans.push((s, e));
        }
    }
    spans.sort_unstable();
    let (mut total, mut reach) = (0i64, i64::MIN);
    for (s, e) in spans {
        let start = s.max(reach + 1);
        if e >= start {
            total += e - start + 1;
        }
        reach = reach.max(e);
    }
    Some(total)
}

impl Model {
    /// [`holders`] by unit id: who holds which post in the unit at the view's date.
    ///
    /// # Errors
    /// [`crate::Error::UnknownId`], [`crate::Error::WrongRecordType`] when the id is not a
    /// unit, [`crate::Error::NotInForce`] when the unit is out of force at the date.
    pub fn holders(&self, unit: &str) -> Result<Vec<HeldPost<'_>>> {
        let u = self.require(unit, RecordType::Unit, "holders")?;
        Ok(holders(self, u))
    }

    /// [`posts`] by person id: every post the person holds at the view's date.
    ///
    /// # Errors
    /// As [`Model::holders`], for a person.
    pub fn posts(&self, person: &str) -> Result<Vec<HeldPost<'_>>> {
        let p = self.require(person, RecordType::Person, "posts")?;
        Ok(posts(self, p))
    }

    /// [`principal`] by unit id.
    ///
    /// # Errors
    /// As [`Model::holders`].
    pub fn principal_of(&self, unit: &str) -> Result<Option<Principal<'_>>> {
        let u = self.require(unit, RecordType::Unit, "principal")?;
        Ok(principal(self, u))
    }

    /// [`tenure`] by ids: of one person, of one unit's holders, or (both `None`) of everyone.
    ///
    /// # Errors
    /// [`crate::Error::UnknownId`] or [`crate::Error::WrongRecordType`] for an id that
    /// names no person (no unit); a record out of force at the date is allowed (its past
    /// terms count).
    pub fn tenure(&self, person: Option<&str>, unit: Option<&str>) -> Result<Vec<Tenure<'_>>> {
        let whole = |id: &str, t: RecordType, what: &str| self.whole().require(id, t, what);
        let p = person.map(|id| whole(id, RecordType::Person, "tenure")).transpose()?;
        let u = unit.map(|id| whole(id, RecordType::Unit, "tenure")).transpose()?;
        Ok(tenure(self, p, u))
    }
}
