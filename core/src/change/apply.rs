//! Applying a change set to a model, all or nothing.

use std::collections::HashMap;

use super::set::relocate;
use super::{Applied, ChangeRef, ChangeSet, Field, Target, Touched, Update, Value};
use crate::error::{Error, Position, Result};
use crate::format::json::{At, Locate, word};
use crate::meetings::{MeetingSpec, spec_of};
use crate::model::builder::{LinkFields, Prepared};
use crate::model::*;

/// The section of the `add` array of a record type.
fn add_section(t: RecordType) -> &'static str {
    match t {
        RecordType::Territory => "add.territories",
        RecordType::Unit => "add.units",
        RecordType::Matter => "add.matters",
        RecordType::Item => "add.items",
        RecordType::Person => "add.people",
    }
}

const TYPES: [RecordType; 5] =
    [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person];

fn problem(section: &'static str, index: usize, id: &str, field: &str, message: impl Into<String>) -> Error {
    Error::InvalidField { at: Position::record(section, index, Some(id)), field: field.into(), message: message.into() }
}

/// A link as people read it in a message: `leads link "a" -> "b"`.
fn describe(model: &Model, l: Link) -> String {
    format!("{} link {:?} -> {:?}", l.kind.as_str(), model.id(l.from), model.id(l.to))
}

/// The state of an apply in progress: what the change set does to the old model's records
/// and links, by their old indices.
struct Plan<'m> {
    model: &'m Model,
    removed_nodes: Vec<bool>,
    removed_links: Vec<bool>,
    /// Records changed by `update` or `end`, by old index, with the change that last did.
    patched: HashMap<usize, Record>,
    /// `parent` / `located_in` set by id by an update: resolved when the model is built.
    refs: HashMap<usize, (&'static str, String, usize)>,
    /// Links ended, by old index: the new `until`.
    ended_links: HashMap<usize, Date>,
    /// The update that last changed each record (for errors found at build).
    updated_by: HashMap<usize, usize>,
    problems: Vec<Error>,
    touched: Vec<Touched>,
    /// Meetings removed, by position in the old model's `meetings`.
    removed_meetings: Vec<bool>,
    /// Meetings changed by `update`, by old position: the new spec and the last update.
    patched_meetings: HashMap<usize, (MeetingSpec, usize)>,
}

/// The ids a meeting names (itself, its territory, convener and topics): what a change of it
/// touches, for a what-if to re-examine.
fn meeting_ids(spec: &MeetingSpec) -> Vec<String> {
    let mut ids = vec![spec.id.clone(), spec.territory.clone()];
    ids.extend(spec.convener.iter().cloned());
    ids.extend(spec.topics.iter().cloned());
    ids
}

impl<'m> Plan<'m> {
    /// The one link (not removed yet) an address matches, or why there is none.
    fn find_link(&self, address: &super::LinkAddress) -> std::result::Result<LinkId, String> {
        let m = self.model;
        let Some(from) = m.find(&address.from) else {
            return Err(format!("{address}: \"from\" names {:?}, which is no record of the model", address.from));
        };
        let found: Vec<LinkId> = m
            .document_links_from(from)
            .filter(|(id, l)| !self.removed_links[id.index()] && address.matches(m, *l))
            .map(|(id, _)| id)
            .collect();
        match found.len() {
            1 => Ok(found[0]),
            0 => Err(format!("{address} matches no link of the model")),
            n => Err(format!(
                "{address} matches {n} links (links[{}]); add role, scope, power, since or until to tell them apart",
                found.iter().map(|l| l.index().to_string()).collect::<Vec<_>>().join("], links[")
            )),
        }
    }

    /// The record `id` names for a change of `section[index]`, when it exists and is not removed.
    fn live(&mut self, section: &'static str, index: usize, id: &str) -> Option<Node> {
        match self.model.find(id) {
            None => {
                let what = if section == "update" { "updates" } else { "ends" };
                self.problems.push(problem(
                    section,
                    index,
                    id,
                    "id",
                    format!("{what} {id:?}, which is no record of the model"),
                ));
                None
            }
            Some(n) if self.removed_nodes[n.index()] => {
                self.problems.push(problem(section, index, id, "id", format!("{id:?} is removed by this change set")));
                None
            }
            Some(n) => Some(n),
        }
    }

    fn record_mut(&mut self, node: Node) -> &mut Record {
        let model = self.model;
        self.patched.entry(node.index()).or_insert_with(|| model.record(node).to_record())
    }

    fn removals(&mut self, change: &ChangeSet) {
        let m = self.model;
        for (i, r) in change.remove.iter().enumerate() {
            let mut t = Touched { change: Some(ChangeRef::new("remove", i)), ..Touched::default() };
            match &r.target {
                Target::Record(id) => match m.find(id) {
                    None => match m.meetings().position(id) {
                        Some(k) if self.removed_meetings[k] => {
                            self.problems.push(problem("remove", i, id, "id", format!("{id:?} is removed twice")))
                        }
                        Some(k) => {
                            self.removed_meetings[k] = true;
                            let old = m.meetings().get(k).map(|x| spec_of(m, x));
                            t.records.extend(old.iter().flat_map(meeting_ids));
                        }
                        None => self.problems.push(problem(
                            "remove",
                            i,
                            id,
                            "id",
                            format!("removes {id:?}, which is no record of the model"),
                        )),
                    },
                    Some(n) if self.removed_nodes[n.index()] => {
                        self.problems.push(problem("remove", i, id, "id", format!("{id:?} is removed twice")))
                    }
                    Some(n) => {
                        self.removed_nodes[n.index()] = true;
                        t.records.push(id.clone());
                    }
                },
                Target::Link(address) => match self.find_link(address) {
                    Ok(l) => {
                        self.removed_links[l.index()] = true;
                        let link = m.link(l);
                        t.records.extend([m.id(link.from).to_string(), m.id(link.to).to_string()]);
                        t.before.push(l);
                    }
                    Err(message) => self.problems.push(problem("remove", i, &address.from, "link", message)),
                },
            }
            self.touched.push(t);
        }
    }

    /// Refuses removals of records that what stays still uses.
    fn check_uses(&mut self, change: &ChangeSet) {
        let m = self.model;
        if !self.removed_nodes.iter().any(|&r| r) {
            return;
        }
        // A removed record that what stays still uses: every user named (the first few).
        let index_of: HashMap<&str, usize> = change
            .remove
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.target {
                Target::Record(id) => Some((id.as_str(), i)),
                Target::Link(_) => None,
            })
            .collect();
        let readded: std::collections::HashSet<&str> = change
            .add
            .territories
            .iter()
            .map(|s| s.id.as_str())
            .chain(change.add.units.iter().map(|s| s.id.as_str()))
            .chain(change.add.matters.iter().map(|s| s.id.as_str()))
            .chain(change.add.items.iter().map(|s| s.id.as_str()))
            .collect();
        let mut users: Vec<(Node, Vec<String>)> = Vec::new();
        let mut user_list: HashMap<usize, usize> = HashMap::new();
        let mut note = |n: Node, what: String| {
            if readded.contains(m.id(n)) {
                return;
            }
            let slot = *user_list.entry(n.index()).or_insert_with(|| {
                users.push((n, Vec::new()));
                users.len() - 1
            });
            users[slot].1.push(what);
        };
        for (id, l) in m.document_links() {
            if self.removed_links[id.index()] {
                continue;
            }
            for end in [Some(l.from), Some(l.to), l.scope].into_iter().flatten() {
                if self.removed_nodes[end.index()] {
                    note(end, format!("links[{}] ({})", id.index(), describe(m, l)));
                }
            }
        }
        for (n, r) in m.document_records() {
            if self.removed_nodes[n.index()] {
                continue;
            }
            let (field, target) = match r {
                RecordRef::Territory(t) => ("parent", t.parent),
                RecordRef::Unit(u) => ("located_in", u.located_in),
                _ => continue,
            };
            if let Some(p) = target
                && self.removed_nodes[p.index()]
                && !self.refs.contains_key(&n.index())
            {
                note(p, format!("the {field} of {:?}", r.id()));
            }
        }
        users.sort_by_key(|(n, _)| n.index());
        for (n, uses) in users {
            let id = m.id(n);
            let i = index_of.get(id).copied().unwrap_or(0);
            let shown: Vec<&str> = uses.iter().take(3).map(String::as_str).collect();
            let more = if uses.len() > 3 { format!(" and {} more", uses.len() - 3) } else { String::new() };
            self.problems.push(problem(
                "remove",
                i,
                id,
                "id",
                format!(
                    "{id:?} is still used by {}{more}: remove or change those too (or end the record instead, keeping its history)",
                    shown.join(", ")
                ),
            ));
        }
    }

    fn updates(&mut self, change: &ChangeSet) {
        for (i, u) in change.update.iter().enumerate() {
            let mut t = Touched {
                change: Some(ChangeRef::new("update", i)),
                records: vec![u.id.clone()],
                ..Touched::default()
            };
            if self.model.find(&u.id).is_none()
                && let Some(k) = self.model.meetings().position(&u.id)
            {
                self.update_meeting(i, u, k, &mut t);
                self.touched.push(t);
                continue;
            }
            let Some(node) = self.live("update", i, &u.id) else {
                self.touched.push(t);
                continue;
            };
            self.updated_by.insert(node.index(), i);
            let rtype = self.model.record(node).record_type();
            let at = At { array: "update", index: i, id: &u.id };
            for (field, value) in &u.set {
                let path = format!("set.{field}");
                if !field.applies_to(rtype) {
                    self.problems.push(problem(
                        "update",
                        i,
                        &u.id,
                        &path,
                        format!("{:?} is {}, which has no \"{field}\"", u.id, article(rtype)),
                    ));
                    continue;
                }
                if let Err(e) = self.set_field(node, *field, value, &at, &path, i) {
                    self.problems.push(e);
                }
            }
            for field in &u.unset {
                if !field.applies_to(rtype) {
                    self.problems.push(problem(
                        "update",
                        i,
                        &u.id,
                        "unset",
                        format!("{:?} is {}, which has no \"{field}\"", u.id, article(rtype)),
                    ));
                    continue;
                }
                self.unset_field(node, *field);
            }
            let v = *self.record_mut(node).validity_mut();
            if v.never() {
                let (s, e) = (v.since.map(|d| d.to_string()), v.until.map(|d| d.to_string()));
                self.problems.push(problem(
                    "update",
                    i,
                    &u.id,
                    "set",
                    format!(
                        "leaves {:?} never in force: until {} is before since {}",
                        u.id,
                        e.unwrap_or_default(),
                        s.unwrap_or_default()
                    ),
                ));
            }
            t.records.dedup();
            self.touched.push(t);
        }
    }

    /// `update[i]` of the meeting at position `k` of the old model's `meetings`.
    fn update_meeting(&mut self, i: usize, u: &Update, k: usize, t: &mut Touched) {
        if self.removed_meetings[k] {
            self.problems.push(problem("update", i, &u.id, "id", format!("{:?} is removed by this change set", u.id)));
            return;
        }
        let m = self.model;
        let Some(old) = m.meetings().get(k) else { return };
        let mut problems = Vec::new();
        let entry = self.patched_meetings.entry(k).or_insert_with(|| (spec_of(m, old), i));
        entry.1 = i;
        let spec = &mut entry.0;
        t.records.extend(meeting_ids(spec));
        let at = At { array: "update", index: i, id: &u.id };
        for (field, value) in &u.set {
            let path = format!("set.{field}");
            match (field, value) {
                (Field::Kind, Value::Text(s)) => match word(&at, &path, s) {
                    Ok(kind) => spec.kind = kind,
                    Err(e) => problems.push(e),
                },
                (Field::Territory, Value::Text(s)) => spec.territory = s.clone(),
                (Field::Date, Value::Date(d)) => spec.date = *d,
                (Field::Convener, Value::Text(s)) => spec.convener = Some(s.clone()),
                (Field::Topics, Value::Ids(ids)) => spec.topics = ids.clone(),
                (Field::Attrs, Value::Attrs(a)) => spec.attrs = Some(a.clone()),
                (f, _) if !f.applies_to_meeting() => problems.push(problem(
                    "update",
                    i,
                    &u.id,
                    &path,
                    format!("{:?} is a meeting, which has no \"{field}\"", u.id),
                )),
                _ => problems.push(problem("update", i, &u.id, &path, format!("is not a value {field:?} takes"))),
            }
        }
        for field in &u.unset {
            match field {
                Field::Convener => spec.convener = None,
                Field::Topics => spec.topics.clear(),
                Field::Attrs => spec.attrs = None,
                f => problems.push(problem(
                    "update",
                    i,
                    &u.id,
                    "unset",
                    if f.applies_to_meeting() {
                        format!("{f:?} is required of a meeting and cannot be unset; set it instead")
                    } else {
                        format!("{:?} is a meeting, which has no \"{f}\"", u.id)
                    },
                )),
            }
        }
        t.records.extend(meeting_ids(spec));
        t.records.sort();
        t.records.dedup();
        self.problems.extend(problems);
    }

    fn set_field(&mut self, node: Node, field: Field, value: &Value, at: &At<'_>, path: &str, i: usize) -> Result<()> {
        let text = |v: &Value| match v {
            Value::Text(s) => Ok(s.clone()),
            _ => Err(Error::InvalidField { at: at.pos(), field: path.into(), message: "must be a string".into() }),
        };
        match field {
            Field::Parent | Field::LocatedIn => {
                let id = text(value)?;
                self.refs.insert(node.index(), (if field == Field::Parent { "parent" } else { "located_in" }, id, i));
                return Ok(());
            }
            _ => {}
        }
        let record = self.record_mut(node);
        match (record, field, value) {
            (r, Field::Name, Value::Text(s)) => *r.name_mut() = s.as_str().into(),
            (Record::Territory(t), Field::Kind, Value::Text(s)) => t.kind = word(at, path, s)?,
            (Record::Unit(u), Field::Kind, Value::Text(s)) => u.kind = word(at, path, s)?,
            (Record::Unit(u), Field::Sector, Value::Text(s)) => u.sector = Some(word(at, path, s)?),
            (Record::Unit(u), Field::Members, Value::Count(n)) => u.counts.set_members(Some(*n)),
            (Record::Unit(u), Field::Staff, Value::Count(n)) => u.counts.set_staff(Some(*n)),
            (Record::Unit(u), Field::InServiceMembers, Value::Count(n)) => u.counts.set_in_service_members(Some(*n)),
            (Record::Matter(m), Field::List, Value::Text(s)) => m.list = word(at, path, s)?,
            (Record::Item(it), Field::List, Value::Text(s)) => it.list = word(at, path, s)?,
            (Record::Matter(m), Field::Category, Value::Text(s)) => m.category = Some(s.as_str().into()),
            (r, Field::Attrs, Value::Attrs(a)) => *r.attrs_mut() = Some(a.clone()),
            (r, Field::Since, Value::Date(d)) => r.validity_mut().since = Some(*d),
            (r, Field::Until, Value::Date(d)) => r.validity_mut().until = Some(*d),
            _ => {
                return Err(Error::InvalidField {
                    at: at.pos(),
                    field: path.into(),
                    message: format!("is not a value {field:?} takes"),
                });
            }
        }
        Ok(())
    }

    fn unset_field(&mut self, node: Node, field: Field) {
        if matches!(field, Field::Parent | Field::LocatedIn) {
            self.refs.remove(&node.index());
        }
        match (self.record_mut(node), field) {
            (Record::Territory(t), Field::Parent) => t.parent = None,
            (Record::Unit(u), Field::LocatedIn) => u.located_in = None,
            (Record::Unit(u), Field::Sector) => u.sector = None,
            (Record::Unit(u), Field::Members) => u.counts.set_members(None),
            (Record::Unit(u), Field::Staff) => u.counts.set_staff(None),
            (Record::Unit(u), Field::InServiceMembers) => u.counts.set_in_service_members(None),
            (Record::Matter(m), Field::Category) => m.category = None,
            (r, Field::Attrs) => *r.attrs_mut() = None,
            (r, Field::Since) => r.validity_mut().since = None,
            (r, Field::Until) => r.validity_mut().until = None,
            _ => {}
        }
    }

    fn ends(&mut self, change: &ChangeSet) {
        let m = self.model;
        for (i, e) in change.end.iter().enumerate() {
            let mut t = Touched { change: Some(ChangeRef::new("end", i)), ..Touched::default() };
            let never = |v: Validity| v.since.filter(|_| v.never());
            match &e.target {
                Target::Record(id) if m.find(id).is_none() && m.meetings().position(id).is_some() => {
                    self.problems.push(problem(
                        "end",
                        i,
                        id,
                        "id",
                        format!(
                            "{id:?} is a meeting, an event of one date with no until: remove it, or update its date"
                        ),
                    ));
                }
                Target::Record(id) => {
                    t.records.push(id.clone());
                    if let Some(node) = self.live("end", i, id) {
                        let v = self.record_mut(node).validity_mut();
                        v.until = Some(e.on);
                        if let Some(since) = never(*v) {
                            self.problems.push(problem(
                                "end",
                                i,
                                id,
                                "on",
                                format!("ends {id:?} on {}, before its since {since}", e.on),
                            ));
                        }
                    }
                }
                Target::Link(address) => match self.find_link(address) {
                    Ok(l) => {
                        let link = m.link(l);
                        t.records.extend([m.id(link.from).to_string(), m.id(link.to).to_string()]);
                        t.before.push(l);
                        let v = Validity::new(link.validity.since, Some(e.on));
                        if let Some(since) = never(v) {
                            self.problems.push(problem(
                                "end",
                                i,
                                &address.from,
                                "on",
                                format!("ends the {} on {}, before its since {since}", describe(m, link), e.on),
                            ));
                        }
                        self.ended_links.insert(l.index(), e.on);
                    }
                    Err(message) => self.problems.push(problem("end", i, &address.from, "link", message)),
                },
            }
            self.touched.push(t);
        }
    }
}

fn article(t: RecordType) -> String {
    crate::error::article(t)
}

/// Where a problem found while building the new model belongs in the change set: an added
/// record by its id, an updated one by its update.
struct Blame {
    added: HashMap<String, (&'static str, usize)>,
    updated: HashMap<String, usize>,
    kept_links: usize,
}

impl Blame {
    fn place(&self, e: Error) -> Error {
        let Some(at) = e.position().cloned() else { return e };
        if at.array == "links" {
            if at.index >= self.kept_links {
                return move_to(e, "add.links", at.index - self.kept_links);
            }
            return e;
        }
        let Some(id) = at.id.as_deref() else { return e };
        if let Some(&(section, i)) = self.added.get(id) {
            return move_to(e, section, i);
        }
        if let Some(&i) = self.updated.get(id) {
            return move_to(e, "update", i);
        }
        e
    }
}

fn move_to(e: Error, section: &str, index: usize) -> Error {
    let mut e = relocate(e, section);
    match &mut e {
        Error::InvalidField { at, .. }
        | Error::InvalidCount { at, .. }
        | Error::UnknownWord { at, .. }
        | Error::DuplicateId { at, .. }
        | Error::DanglingReference { at, .. }
        | Error::WrongEndpoint { at, .. }
        | Error::TerritoryCycle { at, .. } => at.index = index,
        _ => {}
    }
    e
}

impl Model {
    /// The model after a change set, all or nothing: `self` is left as it is (an embedding
    /// system keeps serving it while the new model is built), and a change set with any
    /// problem gives no model but every problem.
    ///
    /// Removals go first, then updates, ends, and the additions (each added record after
    /// the records of its type, each added link after the links). The result is checked as
    /// a loaded document is. The new model is read at its `meta.as_of` (as a loaded one),
    /// or at the date `self` is read at when that is another.
    ///
    /// # Errors
    /// [`Error::Rejected`] listing every problem, each naming the section, the index, the id
    /// and the field: an added id already in use, an update or end of a missing or removed
    /// record, an end before the record's `since`, a link address that matches no link or
    /// several, a removal of a record that remaining links or records still use, and any
    /// way the result would not load.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::change::ChangeSet;
    /// let model = tiaokuai::Model::sample();
    /// let change = ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
    ///   "add": {"units": [{"id": "new-firm", "name": "某新公司", "kind": "enterprise", "located_in": "310113003"}]},
    ///   "end": [{"id": "310113003", "on": "2020-05-31"}]}"#)?;
    /// let after = model.apply(&change)?;
    /// assert_eq!(after.len(), model.len() + 1);
    /// assert!(model.find("new-firm").is_none(), "the old model is untouched");
    /// let bad = ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
    ///   "update": [{"id": "ghost", "set": {"name": "x"}}], "remove": [{"id": "310113"}]}"#)?;
    /// let err = model.apply(&bad).unwrap_err();
    /// let tiaokuai::Error::Rejected { problems, .. } = &err else { panic!() };
    /// assert!(problems.len() >= 2, "{err}");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn apply(&self, change: &ChangeSet) -> Result<Model> {
        self.apply_with_report(change).map(|(m, _)| m)
    }

    /// [`Model::apply`], with what each change touched ([`Applied`]): the record ids, the
    /// links of `self` it ends or removes, the links of the new model it adds or ends.
    ///
    /// # Errors
    /// As [`Model::apply`].
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let change = tiaokuai::change::ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
    ///   "end": [{"link": {"from": "bs-dw", "to": "yyl-gw", "kind": "leads"}, "on": "2020-05-31"}]}"#)?;
    /// let (after, applied) = model.apply_with_report(&change)?;
    /// assert_eq!(applied.records().into_iter().collect::<Vec<_>>(), ["bs-dw", "yyl-gw"]);
    /// let l = applied.changes[0].after[0];
    /// assert_eq!(after.link(l).validity.until.unwrap().to_string(), "2020-05-31");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn apply_with_report(&self, change: &ChangeSet) -> Result<(Model, Applied)> {
        let (n, links) = (self.len(), self.link_count());
        let mut plan = Plan {
            model: self,
            removed_nodes: vec![false; n],
            removed_links: vec![false; links],
            patched: HashMap::new(),
            refs: HashMap::new(),
            ended_links: HashMap::new(),
            updated_by: HashMap::new(),
            problems: Vec::new(),
            touched: Vec::new(),
            removed_meetings: vec![false; self.meetings().len()],
            patched_meetings: HashMap::new(),
        };
        plan.removals(change);
        plan.updates(change);
        plan.ends(change);
        plan.check_uses(change);
        let Plan {
            removed_nodes,
            removed_links,
            mut patched,
            refs,
            ended_links,
            updated_by,
            mut problems,
            touched,
            removed_meetings,
            mut patched_meetings,
            ..
        } = plan;
        let meeting_in_use = |id: &str| self.meetings().position(id).is_some_and(|k| !removed_meetings[k]);
        // Ids the additions take: not one in use after the removals, nor one given twice.
        let mut added: HashMap<String, (&'static str, usize)> = HashMap::new();
        let add_ids = |t: RecordType| -> Vec<&str> {
            match t {
                RecordType::Territory => change.add.territories.iter().map(|s| s.id.as_str()).collect(),
                RecordType::Unit => change.add.units.iter().map(|s| s.id.as_str()).collect(),
                RecordType::Matter => change.add.matters.iter().map(|s| s.id.as_str()).collect(),
                RecordType::Item => change.add.items.iter().map(|s| s.id.as_str()).collect(),
                RecordType::Person => change.add.people.iter().map(|s| s.id.as_str()).collect(),
            }
        };
        let mut skip: [Vec<bool>; 5] = Default::default();
        for (slot, t) in TYPES.into_iter().enumerate() {
            let section = add_section(t);
            for (i, id) in add_ids(t).into_iter().enumerate() {
                let clash = match self.find(id) {
                    Some(old) if !removed_nodes[old.index()] => {
                        let r = self.record(old);
                        Some(format!(
                            "adds {id:?}, which is already the id of {} of the model",
                            article(r.record_type())
                        ))
                    }
                    _ if meeting_in_use(id) => {
                        Some(format!("adds {id:?}, which is already the id of a meeting of the model"))
                    }
                    _ => added.get(id).map(|(s, j)| format!("adds {id:?} a second time (first at {s}[{j}])")),
                };
                skip[slot].push(clash.is_some());
                match clash {
                    Some(message) => problems.push(Error::InvalidField {
                        at: Position::record(section, i, Some(id)),
                        field: "id".into(),
                        message,
                    }),
                    None => {
                        added.insert(id.to_string(), (section, i));
                    }
                }
            }
        }
        // Meetings added: their ids are unique among records and meetings together.
        let mut skip_meetings = Vec::with_capacity(change.add.meetings.len());
        for (i, spec) in change.add.meetings.iter().enumerate() {
            let id = spec.id.as_str();
            let clash = match self.find(id) {
                Some(old) if !removed_nodes[old.index()] => Some(format!(
                    "adds {id:?}, which is already the id of {} of the model",
                    article(self.record(old).record_type())
                )),
                _ if meeting_in_use(id) => {
                    Some(format!("adds {id:?}, which is already the id of a meeting of the model"))
                }
                _ => added.get(id).map(|(s, j)| format!("adds {id:?} a second time (first at {s}[{j}])")),
            };
            skip_meetings.push(clash.is_some());
            match clash {
                Some(message) => problems.push(Error::InvalidField {
                    at: Position::record("add.meetings", i, Some(id)),
                    field: "id".into(),
                    message,
                }),
                None => {
                    added.insert(id.to_string(), ("add.meetings", i));
                }
            }
        }
        // The new document: each type's kept records in order, then its additions.
        let mut remap: Vec<Option<Node>> = vec![None; n];
        let mut next = 0u32;
        for (slot, t) in TYPES.into_iter().enumerate() {
            for (node, _) in self.document_typed(t) {
                if !removed_nodes[node.index()] {
                    remap[node.index()] = Some(Node::new(next));
                    next += 1;
                }
            }
            next += skip[slot].iter().filter(|s| !**s).count() as u32;
        }
        let kept_links = removed_links.iter().filter(|r| !**r).count();
        let mut b = ModelBuilder::with_capacity(next as usize, kept_links + change.add.links.len());
        b.set_threads(crate::format::parallel::threads(0));
        match &change.set_meta {
            Some(Some(meta)) => {
                b.meta(meta.clone());
            }
            Some(None) => {}
            None => {
                if let Some(meta) = self.meta() {
                    b.meta(meta.clone());
                }
            }
        }
        let territory_ref = |r: Option<Node>| r.and_then(|p| remap[p.index()]);
        for (slot, t) in TYPES.into_iter().enumerate() {
            for (node, record) in self.document_typed(t) {
                if removed_nodes[node.index()] {
                    continue;
                }
                let mut record = patched.remove(&node.index()).unwrap_or_else(|| record.to_record());
                let mut by_id = refs.get(&node.index()).map(|(f, id, _)| (*f, id.clone()));
                // A parent removed and added again in this change set is found again by its id.
                let old_ref = match &record {
                    Record::Territory(terr) => terr.parent.map(|p| ("parent", p)),
                    Record::Unit(u) => u.located_in.map(|p| ("located_in", p)),
                    _ => None,
                };
                if let Some((field, p)) = old_ref
                    && by_id.is_none()
                    && remap[p.index()].is_none()
                    && added.contains_key(self.id(p))
                {
                    by_id = Some((field, self.id(p).to_string()));
                }
                match &mut record {
                    Record::Territory(terr) => {
                        terr.parent = if by_id.is_some() { None } else { territory_ref(terr.parent) }
                    }
                    Record::Unit(u) => u.located_in = if by_id.is_some() { None } else { territory_ref(u.located_in) },
                    _ => {}
                }
                match b.add(record) {
                    Ok(new) => {
                        if let Some((field, id)) = by_id {
                            b.refer(new, field, None, Some(id));
                        }
                    }
                    Err(e) => problems.push(e),
                }
            }
            let section = add_section(t);
            let result = |r: Result<Node>, i: usize| r.map(drop).map_err(|e| move_to(e, section, i));
            let a = &change.add;
            let results: Vec<Result<()>> = match t {
                RecordType::Territory => a
                    .territories
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !skip[slot][*i])
                    .map(|(i, s)| result(b.territory(s.clone()), i))
                    .collect(),
                RecordType::Unit => a
                    .units
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !skip[slot][*i])
                    .map(|(i, s)| result(b.unit(s.clone()), i))
                    .collect(),
                RecordType::Matter => a
                    .matters
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !skip[slot][*i])
                    .map(|(i, s)| result(b.matter(s.clone()), i))
                    .collect(),
                RecordType::Item => a
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !skip[slot][*i])
                    .map(|(i, s)| result(b.item(s.clone()), i))
                    .collect(),
                RecordType::Person => a
                    .people
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !skip[slot][*i])
                    .map(|(i, s)| result(b.person(s.clone()), i))
                    .collect(),
            };
            problems.extend(results.into_iter().filter_map(Result::err));
        }
        // Links: the kept ones (those touching an updated record checked again), then the added.
        let mut link_remap: Vec<Option<LinkId>> = vec![None; links];
        let mut new_index = 0usize;
        for (id, link) in self.document_links() {
            if removed_links[id.index()] {
                continue;
            }
            let holding = self.holding(id).cloned();
            let mut l = Prepared(link, self.link_attrs(id).cloned(), holding.clone());
            if let Some(&on) = ended_links.get(&id.index()) {
                l.0.validity.until = Some(on);
            }
            let recheck = [link.from, link.to].into_iter().find_map(|n| updated_by.get(&n.index()).copied());
            // An end removed and added again in this change set is found again by its id.
            let ends = (remap[link.from.index()], remap[link.to.index()], link.scope.map(|s| remap[s.index()]));
            let readded = |n: Node| remap[n.index()].is_some() || added.contains_key(self.id(n));
            if ![Some(link.from), Some(link.to), link.scope].into_iter().flatten().all(readded) {
                continue; // its removed end was reported
            }
            match ends {
                (Some(from), Some(to), None | Some(Some(_))) if recheck.is_none() => {
                    l.0.from = from;
                    l.0.to = to;
                    l.0.scope = territory_ref(link.scope);
                }
                _ => {
                    let fields = LinkFields {
                        kind: l.0.kind,
                        primary: l.0.primary,
                        power: l.0.power,
                        role: l.0.role,
                        scope: link.scope.map(|s| self.id(s)),
                        members: l.0.members,
                        event: l.0.event,
                        holding,
                        attrs: l.1.clone(),
                        validity: l.0.validity,
                    };
                    match b.prepare_link(new_index, self.id(link.from), self.id(link.to), fields) {
                        Ok(prepared) => l = prepared,
                        Err(e) => {
                            let message = format!("leaves links[{}] invalid: {e}", id.index());
                            problems.push(match recheck {
                                Some(i) => problem("update", i, &change.update[i].id, "set", message),
                                None => Error::Invalid { what: "change set".into(), message },
                            });
                            continue;
                        }
                    }
                }
            }
            link_remap[id.index()] = Some(b.add_prepared(l));
            new_index += 1;
        }
        let first_added = new_index;
        let mut added_links: Vec<Option<LinkId>> = Vec::new();
        for (i, spec) in change.add.links.iter().enumerate() {
            let fields = LinkFields::of(spec);
            match b.prepare_link(first_added + i, &spec.from, &spec.to, fields) {
                Ok(l) => added_links.push(Some(b.add_prepared(l))),
                Err(e) => {
                    added_links.push(None);
                    problems.push(move_to(e, "add.links", i));
                }
            }
        }
        let blame = Blame {
            added,
            updated: updated_by.iter().map(|(&n, &i)| (self.record(Node::new(n as u32)).id().to_string(), i)).collect(),
            kept_links: first_added,
        };
        b.resolve_pending(&mut |e| problems.push(blame.place(e)));
        if problems.is_empty() {
            if let Err(e) = b.check_territory_tree() {
                problems.push(blame.place(e));
            }
            if let Err(e) = b.check_successions() {
                problems.push(blame.place(e));
            }
        }
        // The meetings (issue #15): the kept ones (as updated), then the added, their
        // references found again by id: a meeting naming a record the change removes is a
        // problem like a link that does. A problem of an updated or added meeting is placed
        // at its change; one of a meeting the change set left alone is something it leaves.
        if !self.meetings().is_empty() || !change.add.meetings.is_empty() {
            let mut origin: Vec<Option<(&'static str, usize)>> = Vec::new();
            for (k, m) in self.meetings().iter().enumerate() {
                if removed_meetings[k] {
                    continue;
                }
                let (spec, by) = match patched_meetings.remove(&k) {
                    Some((spec, j)) => (spec, Some(("update", j))),
                    None => (spec_of(self, m), None),
                };
                match b.meeting(spec) {
                    Ok(()) => origin.push(by),
                    Err(e) => problems.push(match by {
                        Some((section, j)) => move_to(e, section, j),
                        None => e,
                    }),
                }
            }
            for (j, spec) in change.add.meetings.iter().enumerate() {
                if skip_meetings[j] {
                    continue;
                }
                match b.meeting(spec.clone()) {
                    Ok(()) => origin.push(Some(("add.meetings", j))),
                    Err(e) => problems.push(move_to(e, "add.meetings", j)),
                }
            }
            b.drop_bad_meetings(&mut |e| {
                let by = e.position().filter(|p| p.array == "meetings").and_then(|p| origin.get(p.index).copied());
                problems.push(match by.flatten() {
                    Some((section, j)) => move_to(e, section, j),
                    None => Error::Invalid { what: "change set".into(), message: format!("leaves {e}") },
                })
            });
        }
        if !problems.is_empty() {
            let what = match change.title() {
                Some(t) => format!("change set {t:?}"),
                None => "change set".to_string(),
            };
            return Err(Error::Rejected { what, problems });
        }
        let mut model = b.finish();
        if let Some(d) = self.date()
            && model.date() != Some(d)
        {
            model = model.at(d);
        }
        // What each change touched, in the new model's links.
        let mut report = Applied::default();
        let mut adds: Vec<Touched> = Vec::new();
        for t in TYPES {
            for (i, id) in add_ids(t).into_iter().enumerate() {
                adds.push(Touched {
                    change: Some(ChangeRef::new(add_section(t), i)),
                    records: vec![id.to_string()],
                    ..Touched::default()
                });
            }
        }
        for (i, (spec, l)) in change.add.links.iter().zip(&added_links).enumerate() {
            let mut records = vec![spec.from.clone(), spec.to.clone()];
            records.extend(spec.scope.clone());
            adds.push(Touched {
                change: Some(ChangeRef::new("add.links", i)),
                records,
                after: l.iter().copied().collect(),
                ..Touched::default()
            });
        }
        for (i, spec) in change.add.meetings.iter().enumerate() {
            adds.push(Touched {
                change: Some(ChangeRef::new("add.meetings", i)),
                records: meeting_ids(spec),
                ..Touched::default()
            });
        }
        report.changes = adds;
        for mut t in touched {
            if t.change.is_some_and(|c| c.section == "end") {
                t.after = t.before.iter().filter_map(|l| link_remap[l.index()]).collect();
            }
            report.changes.push(t);
        }
        if change.set_meta.is_some() {
            report.changes.push(Touched { change: Some(ChangeRef::new("set_meta", 0)), ..Touched::default() });
        }
        Ok((model, report))
    }
}

/// An added record, before it is appended: its node, its record (references unresolved) and
/// the id of the territory it names (`parent` or `located_in`).
struct Addition {
    node: Node,
    record: Record,
    territory: Option<String>,
}

impl Model {
    /// [`Model::apply`] changing `self` in place: the work grows with the change set, not
    /// with the model, when `self` alone holds its document (no other [`Model`] shares it:
    /// no view made by [`Model::at`] or a clone is alive). The result is the same model
    /// [`Model::apply`] gives (the same document, written byte for byte the same; the same
    /// answers), read at the same date; handles ([`Node`], [`LinkId`]) of `self` stay valid
    /// and name the same records and links (an added record's [`Node`] may differ from the
    /// one [`Model::apply`] gives it).
    ///
    /// All or nothing: the change set is checked whole first (ids, types, references, link
    /// kinds and their fields, territory and succession loops, dates); on any problem
    /// `self` is unchanged and the error is the one [`Model::apply`] gives. Change sets
    /// this path does not cover (removals, meetings, `set_meta`), a shared document, or any
    /// problem fall back to [`Model::apply`]'s rebuild, and `self` is replaced by its result.
    ///
    /// # Errors
    /// As [`Model::apply`]; `self` is then unchanged.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::change::ChangeSet;
    /// let mut model = tiaokuai::Model::sample();
    /// let change = ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
    ///   "add": {"units": [{"id": "new-firm", "name": "某新公司", "kind": "enterprise", "located_in": "310113003"}]},
    ///   "update": [{"id": "yyl-gw", "set": {"name": "友谊路街道党工委(新)"}}]}"#)?;
    /// let expected = model.apply(&change)?;
    /// let applied = model.apply_in_place(&change)?;
    /// assert!(model == expected);
    /// assert_eq!(applied.changes.len(), 2);
    /// let bad = ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
    ///   "update": [{"id": "ghost", "set": {"name": "x"}}]}"#)?;
    /// assert!(model.apply_in_place(&bad).is_err());
    /// assert!(model == expected, "unchanged by a change set that does not apply");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn apply_in_place(&mut self, change: &ChangeSet) -> Result<Applied> {
        if let Some(applied) = self.apply_fast(change) {
            return Ok(applied);
        }
        let (model, applied) = self.apply_with_report(change)?;
        *self = model;
        Ok(applied)
    }

    /// The change set applied in place when every check passes on the records and links it
    /// touches; `None` (and `self` unchanged) when it is not one this path covers or when
    /// it has a problem (the rebuild then reports it).
    fn apply_fast(&mut self, change: &ChangeSet) -> Option<Applied> {
        if !change.remove.is_empty()
            || !change.add.meetings.is_empty()
            || change.set_meta.is_some()
            || !self.owns_document()
        {
            return None;
        }
        let date = self.date().or(self.as_of());
        let (patch, report) = self.plan_in_place(change)?;
        let patch = crate::model::Patch { date, ..patch };
        self.patch(patch).then_some(report)
    }

    fn plan_in_place(&self, change: &ChangeSet) -> Option<(crate::model::Patch, Applied)> {
        use crate::model::ATTRS_DEPTH;
        let m = self;
        let mut plan = Plan {
            model: m,
            removed_nodes: vec![false; m.len()],
            removed_links: vec![false; m.link_count()],
            patched: HashMap::new(),
            refs: HashMap::new(),
            ended_links: HashMap::new(),
            updated_by: HashMap::new(),
            problems: Vec::new(),
            touched: Vec::new(),
            removed_meetings: vec![false; m.meetings().len()],
            patched_meetings: HashMap::new(),
        };
        plan.updates(change);
        plan.ends(change);
        if !plan.problems.is_empty() || !plan.patched_meetings.is_empty() {
            return None;
        }
        let Plan { mut patched, refs, ended_links, updated_by, touched, .. } = plan;
        if patched.values().any(|r| matches!(r.attrs().map(|a| a.check(ATTRS_DEPTH)), Some(Err(_)))) {
            return None;
        }
        // The added records, in the order the rebuild appends them: by type, then as listed.
        let a = &change.add;
        let mut additions: Vec<Addition> = Vec::new();
        let mut added: HashMap<&str, usize> = HashMap::new();
        let specs = a
            .territories
            .iter()
            .map(|s| (s.id.as_str(), s.parent.clone(), Record::Territory(territory_of(s))))
            .chain(a.units.iter().map(|s| (s.id.as_str(), s.located_in.clone(), Record::Unit(unit_of(s)))))
            .chain(a.matters.iter().map(|s| (s.id.as_str(), None, Record::Matter(matter_of(s)))))
            .chain(a.items.iter().map(|s| (s.id.as_str(), None, Record::Item(item_of(s)))))
            .chain(a.people.iter().map(|s| (s.id.as_str(), None, Record::Person(person_of(s)))));
        for (k, (id, territory, record)) in specs.enumerate() {
            if id.is_empty()
                || m.find(id).is_some()
                || m.meetings().position(id).is_some()
                || added.insert(id, k).is_some()
                || matches!(record.attrs().map(|a| a.check(ATTRS_DEPTH)), Some(Err(_)))
            {
                return None;
            }
            additions.push(Addition { node: m.next_node(k), record, territory });
        }
        // Moves (`parent`, `located_in` set by id): to a territory of the new model.
        let mut moved: Vec<Node> = Vec::new();
        for (&n, (_, id, _)) in &refs {
            let target = match added.get(id.as_str()) {
                Some(&k) if additions[k].record.record_type() == RecordType::Territory => additions[k].node,
                Some(_) => return None,
                None => m.find(id).filter(|&t| m.record(t).record_type() == RecordType::Territory)?,
            };
            match patched.get_mut(&n) {
                Some(Record::Territory(t)) => {
                    t.parent = Some(target);
                    moved.push(Node::new(n as u32));
                }
                Some(Record::Unit(u)) => u.located_in = Some(target),
                _ => return None,
            }
        }
        // Ids as the new model will resolve them.
        let look = |id: &str| -> Option<(Node, RecordRef<'_>)> {
            if let Some(&k) = added.get(id) {
                let x = &additions[k];
                return Some((x.node, x.record.as_ref()));
            }
            let n = m.find(id)?;
            Some((n, patched.get(&n.index()).map_or_else(|| m.record(n), Record::as_ref)))
        };
        let mut resolved: Vec<Option<Node>> = Vec::with_capacity(additions.len());
        for x in &additions {
            resolved.push(match &x.territory {
                None => None,
                Some(id) => match look(id) {
                    Some((n, r)) if r.record_type() == RecordType::Territory => Some(n),
                    _ => return None,
                },
            });
        }
        // A loop of parents can only run through added territories (the others' are as loaded).
        let base = m.len();
        for (k, x) in additions.iter().enumerate() {
            if x.record.record_type() != RecordType::Territory {
                continue;
            }
            let mut cur = resolved[k];
            let mut steps = 0;
            while let Some(p) = cur.filter(|p| p.index() >= base) {
                steps += 1;
                if steps > additions.len() {
                    return None;
                }
                cur = resolved[p.index() - base];
            }
        }
        // A moved territory may close a loop: walk up from each through the new parents.
        let parent_of = |n: Node| -> Option<Node> {
            if n.index() >= base {
                return resolved[n.index() - base];
            }
            match patched.get(&n.index()) {
                Some(r) => r.as_territory().and_then(|t| t.parent),
                None => m.record(n).as_territory().and_then(|t| t.parent),
            }
        };
        for &start in &moved {
            let mut seen = std::collections::HashSet::new();
            let mut cur = Some(start);
            while let Some(n) = cur {
                if !seen.insert(n) {
                    return None;
                }
                cur = parent_of(n);
            }
        }
        // The links of updated records, checked again as the rebuild does, then the added ones.
        let fields_of = |id: LinkId, l: Link, holding: Option<Holding>| LinkFields {
            kind: l.kind,
            primary: l.primary,
            power: l.power,
            role: l.role,
            scope: l.scope.map(|s| m.id(s)),
            members: l.members,
            event: l.event,
            holding,
            attrs: m.link_attrs(id).cloned(),
            validity: l.validity,
        };
        for &n in updated_by.keys() {
            let node = Node::new(n as u32);
            for (id, l) in m.document_links_from(node).chain(m.document_links_to(node)) {
                let f = fields_of(id, l, m.holding(id).cloned());
                crate::model::builder::prepare_link_with(&look, id.index(), m.id(l.from), m.id(l.to), f).ok()?;
            }
        }
        let mut links = Vec::with_capacity(a.links.len());
        for (i, spec) in a.links.iter().enumerate() {
            let f = LinkFields::of(spec);
            let Prepared(link, attrs, holding) =
                crate::model::builder::prepare_link_with(&look, m.link_count() + i, &spec.from, &spec.to, f).ok()?;
            links.push((link, attrs, holding));
        }
        // A loop of successions runs through an added `succeeded_by` link: from its `to`,
        // no chain of successions may reach its `from`.
        let succ: Vec<(Node, Node)> =
            links.iter().filter(|(l, ..)| l.kind == LinkKind::SucceededBy).map(|(l, ..)| (l.from, l.to)).collect();
        for &(from, to) in &succ {
            let mut seen = std::collections::HashSet::new();
            let mut stack = vec![to];
            while let Some(n) = stack.pop() {
                if n == from {
                    return None;
                }
                if !seen.insert(n) {
                    continue;
                }
                if n.index() < base {
                    stack.extend(
                        m.document_links_from(n).filter(|(_, l)| l.kind == LinkKind::SucceededBy).map(|(_, l)| l.to),
                    );
                }
                stack.extend(succ.iter().filter(|(f, _)| *f == n).map(|&(_, t)| t));
            }
        }
        // What each change touched, as the rebuild reports it.
        let mut report = Applied::default();
        let sections = [
            ("add.territories", a.territories.iter().map(|s| s.id.as_str()).collect::<Vec<_>>()),
            ("add.units", a.units.iter().map(|s| s.id.as_str()).collect()),
            ("add.matters", a.matters.iter().map(|s| s.id.as_str()).collect()),
            ("add.items", a.items.iter().map(|s| s.id.as_str()).collect()),
            ("add.people", a.people.iter().map(|s| s.id.as_str()).collect()),
        ];
        for (section, ids) in sections {
            for (i, id) in ids.into_iter().enumerate() {
                report.changes.push(Touched {
                    change: Some(ChangeRef::new(section, i)),
                    records: vec![id.to_string()],
                    ..Touched::default()
                });
            }
        }
        for (i, spec) in a.links.iter().enumerate() {
            let mut records = vec![spec.from.clone(), spec.to.clone()];
            records.extend(spec.scope.clone());
            report.changes.push(Touched {
                change: Some(ChangeRef::new("add.links", i)),
                records,
                after: vec![m.next_link(i)],
                ..Touched::default()
            });
        }
        for mut t in touched {
            if t.change.is_some_and(|c| c.section == "end") {
                t.after = t.before.clone();
            }
            report.changes.push(t);
        }
        let dates_removed =
            change.update.iter().any(|u| u.unset.iter().any(|f| matches!(f, Field::Since | Field::Until)));
        let added = additions
            .into_iter()
            .zip(resolved)
            .map(|(x, r)| match x.record {
                Record::Territory(mut t) => {
                    t.parent = r;
                    Record::Territory(t)
                }
                Record::Unit(mut u) => {
                    u.located_in = r;
                    Record::Unit(u)
                }
                other => other,
            })
            .collect();
        let mut records: Vec<(Node, Record)> = patched.into_iter().map(|(n, r)| (Node::new(n as u32), r)).collect();
        records.sort_by_key(|(n, _)| *n);
        let mut ends: Vec<(LinkId, Date)> = ended_links.into_iter().map(|(l, d)| (LinkId(l as u32), d)).collect();
        ends.sort_by_key(|(l, _)| *l);
        report.in_place = true;
        let patch = crate::model::Patch { records, ends, added, links, dates_removed, date: None };
        Some((patch, report))
    }
}

fn territory_of(s: &TerritorySpec) -> Territory {
    Territory {
        id: s.id.as_str().into(),
        name: s.name.as_str().into(),
        row: TerritoryRow { kind: s.kind, parent: None, attrs: s.attrs.clone(), validity: s.validity },
    }
}

fn unit_of(s: &UnitSpec) -> Unit {
    Unit {
        id: s.id.as_str().into(),
        name: s.name.as_str().into(),
        row: UnitRow {
            kind: s.kind,
            sector: s.sector,
            located_in: None,
            counts: UnitCounts::new(s.members, s.staff, s.in_service_members),
            attrs: s.attrs.clone(),
            validity: s.validity,
        },
    }
}

fn matter_of(s: &MatterSpec) -> Matter {
    Matter {
        id: s.id.as_str().into(),
        name: s.name.as_str().into(),
        row: MatterRow {
            list: s.list,
            category: s.category.as_deref().map(Into::into),
            attrs: s.attrs.clone(),
            validity: s.validity,
        },
    }
}

fn item_of(s: &ItemSpec) -> Item {
    Item {
        id: s.id.as_str().into(),
        name: s.name.as_str().into(),
        row: ItemRow { list: s.list, attrs: s.attrs.clone(), validity: s.validity },
    }
}

fn person_of(s: &PersonSpec) -> Person {
    Person {
        id: s.id.as_str().into(),
        name: s.name.clone().unwrap_or_default().into(),
        row: PersonRow { attrs: s.attrs.clone(), validity: s.validity },
    }
}
