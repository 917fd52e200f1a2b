//! The change set from one model to another.

use std::collections::HashMap;

use super::{ChangeSet, Field, LinkAddress, Update, Value};
use crate::meetings::{MeetingSpec, spec_of as meeting_spec};
use crate::model::*;

/// How many of a's links after the last one matched are compared with each link of b
/// before looking further.
const LOOKAHEAD: usize = 8;
/// A record with at most this many links has them compared one by one; beyond, a table of
/// a's links by their fields is built (once).
const FEW_LINKS: usize = 64;

const TYPES: [RecordType; 5] =
    [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person];

/// The change set from `a` to `b`: applied to `a`, it gives `b` exactly (the same document,
/// record for record and link for link, in the same order, with the same `meta`).
///
/// Records are matched by id, links by their fields. A record or link in both is kept:
/// its changed fields become an `update`, an `until` it gained an `end`. What only `a`
/// has is removed, what only `b` has is added. As an apply adds records after the
/// records of their type (and links after the links), a record of `b` that comes after
/// one that `a` lacks, or out of `a`'s order, is removed and added again; in models
/// edited by change sets, which append, that does not happen. Both models are read as
/// whole documents, whatever date they are read at; for one model at two dates, diff
/// their [`Model::snapshot`]s.
///
/// Linear in the records and links of both (hash maps by id and by link fields).
///
/// # Example
/// ```
/// use tiaokuai::Model;
/// // The sample before and after the 2015 street reform (snapshots from before 2022 hold
/// // none of its meetings, which change sets do not carry).
/// let sample = Model::sample();
/// let a = sample.at("2016".parse()?).snapshot()?;
/// let b = sample.at("2014".parse()?).snapshot()?;
/// let change = tiaokuai::change::diff(&a, &b);
/// assert_eq!(a.apply(&change)?.to_json(), b.to_json());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff(a: &Model, b: &Model) -> ChangeSet {
    let mut change = ChangeSet::new();
    if a.meta() != b.meta() {
        change.set_meta = Some(b.meta().cloned());
    }
    // Records: per type, the longest run of b's records from its start that a holds in the
    // same order is kept; the rest of b is added (removed first when a holds it).
    let mut kept_nodes = vec![false; a.len()];
    // Each record's place among a's records of its type (one table for every type: a
    // record has one type, checked on lookup).
    let mut position = vec![0usize; a.len()];
    for t in TYPES {
        for (k, (n, _)) in a.document_typed(t).enumerate() {
            position[n.index()] = k;
        }
    }
    for t in TYPES {
        let mut last: Option<usize> = None;
        let mut adding = false;
        for (_, rb) in b.document_typed(t) {
            let in_a = a.find(rb.id()).filter(|&n| a.record(n).record_type() == t).map(|n| (n, position[n.index()]));
            match in_a {
                Some((n, k)) if !adding && last.is_none_or(|l| k > l) => {
                    last = Some(k);
                    kept_nodes[n.index()] = true;
                    compare(a, n, b, rb, &mut change);
                }
                _ => {
                    adding = true;
                    add_record(b, rb, &mut change);
                }
            }
        }
    }
    for (n, r) in a.document_records() {
        if !kept_nodes[n.index()] {
            change.remove_record(r.id());
        }
    }
    // Meetings: likewise, by id (their ids are unique among records and meetings).
    let mut kept_meetings = vec![false; a.meetings().len()];
    let mut last: Option<usize> = None;
    let mut adding = false;
    for mb in b.meetings().iter() {
        match a.meetings().position(&mb.id) {
            Some(k) if !adding && last.is_none_or(|l| k > l) => {
                last = Some(k);
                kept_meetings[k] = true;
                if let Some(ma) = a.meetings().get(k) {
                    let (set, unset) = meeting_changes(&meeting_spec(a, ma), &meeting_spec(b, mb));
                    if !set.is_empty() || !unset.is_empty() {
                        let mut update = Update::new(&*mb.id);
                        update.set = set;
                        update.unset = unset;
                        change.update.push(update);
                    }
                }
            }
            _ => {
                adding = true;
                change.add.meetings.push(meeting_spec(b, mb));
            }
        }
    }
    for (k, ma) in a.meetings().iter().enumerate() {
        if !kept_meetings[k] {
            change.remove_record(&*ma.id);
        }
    }
    // Links: likewise, matched by their fields (an `until` gained is an end). Each link of b
    // takes the first link of a at or after the last one taken that agrees with it. In a
    // diff of a model and its edit that is almost always a's next link, so a's next few
    // links are tried first; then the links leaving the same record, when it has few; a
    // table of a's links by their fields is built only for the rest (records with many
    // links, such as a city's), once, if ever needed.
    let candidate = |i: usize| {
        let l = a.link(LinkId(i as u32));
        kept_nodes[l.from.index()] && kept_nodes[l.to.index()] && l.scope.is_none_or(|s| kept_nodes[s.index()])
    };
    let agrees = |i: usize, idb: LinkId, lb: Link| {
        let la = a.link(LinkId(i as u32));
        candidate(i)
            && same_link(a, LinkId(i as u32), la, b, idb, lb)
            && (la.validity.until == lb.validity.until || (la.validity.until.is_none() && lb.validity.until.is_some()))
    };
    let mut by_key: Option<HashMap<LinkKey, Vec<usize>>> = None;
    let mut kept_links = vec![false; a.link_count()];
    let mut next = 0usize;
    let mut adding = false;
    let mut ends = Vec::new();
    for (idb, lb) in b.document_links() {
        let from_a = a.find(b.id(lb.from)).filter(|n| kept_nodes[n.index()]);
        let found = match from_a {
            _ if adding => None,
            // Its start is not a record both keep: no link of a can be it.
            None => None,
            Some(from) => {
                let window = next..(next + LOOKAHEAD).min(a.link_count());
                window.clone().find(|&i| agrees(i, idb, lb)).or_else(|| {
                    if a.document_links_from(from).nth(FEW_LINKS).is_none() {
                        a.document_links_from(from)
                            .map(|(i, _)| i.index())
                            .filter(|&i| i >= window.end && agrees(i, idb, lb))
                            .min()
                    } else {
                        let table = by_key.get_or_insert_with(|| {
                            let mut table: HashMap<LinkKey, Vec<usize>> = HashMap::new();
                            for (id, l) in a.document_links() {
                                if candidate(id.index()) {
                                    table.entry(LinkKey::of(a, id, l)).or_default().push(id.index());
                                }
                            }
                            table
                        });
                        table.get(&LinkKey::of(b, idb, lb)).and_then(|list| {
                            let start = list.partition_point(|&i| i < window.end);
                            list[start..].iter().copied().find(|&i| agrees(i, idb, lb))
                        })
                    }
                })
            }
        };
        match found {
            Some(i) => {
                kept_links[i] = true;
                next = i + 1;
                let la = a.link(LinkId(i as u32));
                if la.validity.until != lb.validity.until
                    && let Some(on) = lb.validity.until
                {
                    ends.push((i, on));
                }
            }
            None => {
                adding = true;
                change.add.links.push(link_spec(b, idb, lb));
            }
        }
    }
    // Addresses name each link among those still there when its turn comes: removals go
    // first, in order, then ends.
    let mut gone = vec![false; a.link_count()];
    for (id, _) in a.document_links() {
        if !kept_links[id.index()] {
            let address = address(a, id, &gone);
            gone[id.index()] = true;
            change.remove_link(address);
        }
    }
    for (i, on) in ends {
        let address = address(a, LinkId(i as u32), &gone);
        change.end_link(address, on);
    }
    change
}

/// A hash of the fields of a link other than `until`, with ids for its ends (candidates
/// with the same hash are compared field by field: [`same_link`]).
#[derive(Hash, PartialEq, Eq, Clone, Copy)]
struct LinkKey(u64);

impl LinkKey {
    fn of(m: &Model, id: LinkId, l: Link) -> LinkKey {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h =
            std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().build_hasher();
        l.kind.as_str().hash(&mut h);
        m.id(l.from).hash(&mut h);
        m.id(l.to).hash(&mut h);
        l.scope.map(|s| m.id(s)).hash(&mut h);
        (l.primary, l.members, l.validity.since).hash(&mut h);
        m.link_attrs(id).map(|a| a.as_json()).hash(&mut h);
        LinkKey(h.finish())
    }
}

/// True when two links (of `a` and `b`) agree in every field but `until`.
fn same_link(a: &Model, ia: LinkId, la: Link, b: &Model, ib: LinkId, lb: Link) -> bool {
    let (holding_a, holding_b) = (a.holding(ia), b.holding(ib));
    la.kind == lb.kind
        && a.id(la.from) == b.id(lb.from)
        && a.id(la.to) == b.id(lb.to)
        && la.primary == lb.primary
        && la.power == lb.power
        && la.role == lb.role
        && la.scope.map(|s| a.id(s)) == lb.scope.map(|s| b.id(s))
        && la.members == lb.members
        && la.event == lb.event
        && holding_a == holding_b
        && a.link_attrs(ia) == b.link_attrs(ib)
        && la.validity.since == lb.validity.since
}

/// The narrowest address that names link `id` of `a` alone among the links not `gone`:
/// its ends and kind, then its role, scope and power, then its dates.
fn address(a: &Model, id: LinkId, gone: &[bool]) -> LinkAddress {
    let l = a.link(id);
    let mut address = LinkAddress::new(a.id(l.from), a.id(l.to), l.kind);
    let unique = |address: &LinkAddress| {
        a.document_links_from(l.from).filter(|(i, o)| !gone[i.index()] && address.matches(a, *o)).count() <= 1
    };
    if unique(&address) {
        return address;
    }
    address.role = l.role;
    address.power = l.power;
    address.scope = l.scope.map(|s| a.id(s).to_string());
    if unique(&address) {
        return address;
    }
    address.since = l.validity.since;
    address.until = l.validity.until;
    address
}

fn link_spec(m: &Model, id: LinkId, l: Link) -> LinkSpec {
    let mut spec = LinkSpec::new(m.id(l.from), m.id(l.to), l.kind);
    spec.holding = m.holding(id).cloned();
    spec.primary = l.primary;
    spec.power = l.power;
    spec.role = l.role;
    spec.scope = l.scope.map(|s| m.id(s).to_string());
    spec.members = l.members;
    spec.event = l.event;
    spec.attrs = m.link_attrs(id).cloned();
    spec.validity = l.validity;
    spec
}

fn add_record(m: &Model, r: RecordRef<'_>, change: &mut ChangeSet) {
    let id = |n: Option<Node>| n.map(|n| m.id(n).to_string());
    match r {
        RecordRef::Territory(t) => {
            let mut s = TerritorySpec::new(t.id(), t.name(), t.kind);
            s.parent = id(t.parent);
            s.attrs = t.attrs.clone();
            s.validity = t.validity;
            change.add.territories.push(s);
        }
        RecordRef::Unit(u) => {
            let mut s = UnitSpec::new(u.id(), u.name(), u.kind);
            s.sector = u.sector;
            s.located_in = id(u.located_in);
            s.members = u.members();
            s.staff = u.staff();
            s.in_service_members = u.in_service_members();
            s.attrs = u.attrs.clone();
            s.validity = u.validity;
            change.add.units.push(s);
        }
        RecordRef::Matter(x) => {
            let mut s = MatterSpec::new(x.id(), x.name(), x.list);
            s.category = x.category.as_deref().map(str::to_string);
            s.attrs = x.attrs.clone();
            s.validity = x.validity;
            change.add.matters.push(s);
        }
        RecordRef::Item(x) => {
            let mut s = ItemSpec::new(x.id(), x.name(), x.list);
            s.attrs = x.attrs.clone();
            s.validity = x.validity;
            change.add.items.push(s);
        }
        RecordRef::Person(x) => {
            let mut s = PersonSpec::new(x.id());
            s.name = (!x.name().is_empty()).then(|| x.name().to_string());
            s.attrs = x.attrs.clone();
            s.validity = x.validity;
            change.add.people.push(s);
        }
    }
}

/// A record's fields as (field, value), ids for references, as an update writes them.
pub(crate) fn fields(m: &Model, r: RecordRef<'_>) -> Vec<(Field, Value)> {
    let text = |s: &str| Value::Text(s.to_string());
    // A person's name is optional (empty when absent).
    let mut out = if matches!(r, RecordRef::Person(_)) && r.name().is_empty() {
        Vec::new()
    } else {
        vec![(Field::Name, text(r.name()))]
    };
    let id = |n: Option<Node>| n.map(|n| Value::Text(m.id(n).to_string()));
    match r {
        RecordRef::Territory(t) => {
            out.push((Field::Kind, text(t.kind.as_str())));
            out.extend(id(t.parent).map(|v| (Field::Parent, v)));
        }
        RecordRef::Unit(u) => {
            out.push((Field::Kind, text(u.kind.as_str())));
            out.extend(u.sector.as_ref().map(|s| (Field::Sector, text(s.as_str()))));
            out.extend(id(u.located_in).map(|v| (Field::LocatedIn, v)));
            out.extend(u.members().map(|n| (Field::Members, Value::Count(n))));
            out.extend(u.staff().map(|n| (Field::Staff, Value::Count(n))));
            out.extend(u.in_service_members().map(|n| (Field::InServiceMembers, Value::Count(n))));
        }
        RecordRef::Matter(x) => {
            out.push((Field::List, text(x.list.as_str())));
            out.extend(x.category.as_deref().map(|c| (Field::Category, text(c))));
        }
        RecordRef::Item(x) => out.push((Field::List, text(x.list.as_str()))),
        RecordRef::Person(_) => {}
    }
    out.extend(r.attrs().map(|a| (Field::Attrs, Value::Attrs(a.clone()))));
    let v = r.validity();
    out.extend(v.since.map(|d| (Field::Since, Value::Date(d))));
    out.extend(v.until.map(|d| (Field::Until, Value::Date(d))));
    out
}

/// The fields that differ between a record of `a` and the record of `b` with its id:
/// set (with the new value) and unset.
pub(crate) fn field_changes(
    a: &Model,
    ra: RecordRef<'_>,
    b: &Model,
    rb: RecordRef<'_>,
) -> (Vec<(Field, Value)>, Vec<Field>) {
    let fa = fields(a, ra);
    let fb = fields(b, rb);
    let get = |f: &[(Field, Value)], field: Field| f.iter().find(|(k, _)| *k == field).map(|(_, v)| v.clone());
    let (mut set, mut unset) = (Vec::new(), Vec::new());
    for field in Field::ALL {
        match (get(&fa, field), get(&fb, field)) {
            (x, Some(y)) if x.as_ref() != Some(&y) => set.push((field, y)),
            (Some(_), None) => unset.push(field),
            _ => {}
        }
    }
    (set, unset)
}

/// The fields that differ between two meetings: set (with the new value) and unset.
pub(crate) fn meeting_changes(a: &MeetingSpec, b: &MeetingSpec) -> (Vec<(Field, Value)>, Vec<Field>) {
    let (mut set, mut unset) = (Vec::new(), Vec::new());
    if a.kind != b.kind {
        set.push((Field::Kind, Value::Text(b.kind.as_str().to_string())));
    }
    if a.territory != b.territory {
        set.push((Field::Territory, Value::Text(b.territory.clone())));
    }
    if a.date != b.date {
        set.push((Field::Date, Value::Date(b.date)));
    }
    match (&a.convener, &b.convener) {
        (x, Some(y)) if x.as_ref() != Some(y) => set.push((Field::Convener, Value::Text(y.clone()))),
        (Some(_), None) => unset.push(Field::Convener),
        _ => {}
    }
    if a.topics != b.topics {
        if b.topics.is_empty() {
            unset.push(Field::Topics);
        } else {
            set.push((Field::Topics, Value::Ids(b.topics.clone())));
        }
    }
    match (&a.attrs, &b.attrs) {
        (x, Some(y)) if x.as_ref() != Some(y) => set.push((Field::Attrs, Value::Attrs(y.clone()))),
        (Some(_), None) => unset.push(Field::Attrs),
        _ => {}
    }
    (set, unset)
}

/// True when two records (of `a` and `b`) are the same in every field, references by id:
/// the quick test that spares most records the field-by-field comparison.
fn same_record(a: &Model, ra: RecordRef<'_>, b: &Model, rb: RecordRef<'_>) -> bool {
    let same_refs = |x: Option<Node>, y: Option<Node>| match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => a.id(x) == b.id(y),
        _ => false,
    };
    ra.name() == rb.name()
        && ra.attrs() == rb.attrs()
        && ra.validity() == rb.validity()
        && match (ra, rb) {
            (RecordRef::Territory(x), RecordRef::Territory(y)) => x.kind == y.kind && same_refs(x.parent, y.parent),
            (RecordRef::Unit(x), RecordRef::Unit(y)) => {
                x.kind == y.kind
                    && x.sector == y.sector
                    && x.members() == y.members()
                    && x.staff() == y.staff()
                    && x.in_service_members() == y.in_service_members()
                    && same_refs(x.located_in, y.located_in)
            }
            (RecordRef::Matter(x), RecordRef::Matter(y)) => x.list == y.list && x.category == y.category,
            (RecordRef::Item(x), RecordRef::Item(y)) => x.list == y.list,
            _ => false,
        }
}

fn compare(a: &Model, n: Node, b: &Model, rb: RecordRef<'_>, change: &mut ChangeSet) {
    let ra = a.record(n);
    if same_record(a, ra, b, rb) {
        return;
    }
    let (mut set, unset) = field_changes(a, ra, b, rb);
    // An `until` gained (the record closed) is an end.
    if ra.validity().until.is_none()
        && let Some(pos) = set.iter().position(|(f, _)| *f == Field::Until)
        && let (_, Value::Date(on)) = set.remove(pos)
    {
        change.end_record(rb.id(), on);
    }
    if set.is_empty() && unset.is_empty() {
        return;
    }
    let mut update = Update::new(rb.id());
    update.set = set;
    update.unset = unset;
    change.update.push(update);
}

/// What a diff changed, grouped for people: records added, ended, removed and changed
/// (with the fields), links added, ended and removed. A record or link that the change
/// set removes and adds again unchanged (a move) is in no group; one that `a` has and
/// `b` lacks is *ended* rather than removed when its `until` falls before the date `b`
/// is read at (two snapshots of one model).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Summary {
    /// Ids of the records only `b` has.
    pub added: Vec<String>,
    /// Ids of the records closed (their `until` gained, or past `b`'s date), with the day.
    pub ended: Vec<(String, Date)>,
    /// Ids of the records only `a` has.
    pub removed: Vec<String>,
    /// Ids of the records in both whose fields differ, with those fields.
    pub changed: Vec<(String, Vec<Field>)>,
    /// The links only `b` has.
    pub links_added: Vec<LinkSpec>,
    /// The links closed, with the day.
    pub links_ended: Vec<(LinkAddress, Date)>,
    /// The links only `a` has.
    pub links_removed: Vec<LinkAddress>,
    /// Ids of the meetings only `b` has.
    pub meetings_added: Vec<String>,
    /// Ids of the meetings only `a` has.
    pub meetings_removed: Vec<String>,
    /// Ids of the meetings in both whose fields differ, with those fields.
    pub meetings_changed: Vec<(String, Vec<Field>)>,
}

impl Summary {
    /// The groups for a diff `change` from `a` to `b` ([`diff`]).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, change::{Summary, diff}};
    /// let sample = Model::sample();
    /// let (y2014, y2016) = (sample.at("2014".parse()?).snapshot()?, sample.at("2016".parse()?).snapshot()?);
    /// let s = Summary::of(&y2014, &y2016, &diff(&y2014, &y2016));
    /// assert!(s.added.iter().any(|id| id == "yyl-gw"), "the 2015 reform set up the street Party working committees");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(a: &Model, b: &Model, change: &ChangeSet) -> Summary {
        let mut s = Summary::default();
        let cutoff = b.date().or(b.as_of()).map(|d| d.first_day());
        let gone_before = |v: Validity| v.until.filter(|u| cutoff.is_some_and(|c| u.last_day() < c));
        for (_, rb) in b.document_records() {
            match a.find(rb.id()) {
                Some(n) if a.record(n).record_type() == rb.record_type() => {
                    let ra = a.record(n);
                    let (mut set, unset) = field_changes(a, ra, b, rb);
                    if ra.validity().until.is_none()
                        && let Some(on) = rb.validity().until
                    {
                        set.retain(|(f, _)| *f != Field::Until);
                        s.ended.push((rb.id().to_string(), on));
                    }
                    let mut fields: Vec<Field> = set.into_iter().map(|(f, _)| f).chain(unset).collect();
                    fields.sort();
                    if !fields.is_empty() {
                        s.changed.push((rb.id().to_string(), fields));
                    }
                }
                _ => s.added.push(rb.id().to_string()),
            }
        }
        for (_, ra) in a.document_records() {
            let same = b.find(ra.id()).is_some_and(|n| b.record(n).record_type() == ra.record_type());
            if !same {
                match gone_before(ra.validity()) {
                    Some(on) => s.ended.push((ra.id().to_string(), on)),
                    None => s.removed.push(ra.id().to_string()),
                }
            }
        }
        // Links: what the change set removes and adds again unchanged is a move, not a change.
        let spec_of = |m: &Model, id: LinkId| link_spec(m, id, m.link(id));
        let removed: Vec<(LinkAddress, Option<LinkSpec>)> = change
            .remove
            .iter()
            .filter_map(|r| match &r.target {
                super::Target::Link(address) => {
                    let found = a
                        .find(&address.from)
                        .and_then(|n| a.document_links_from(n).find(|(_, l)| address.matches(a, *l)).map(|(id, _)| id));
                    Some((address.clone(), found.map(|id| spec_of(a, id))))
                }
                super::Target::Record(_) => None,
            })
            .collect();
        let mut moved = vec![false; removed.len()];
        for spec in &change.add.links {
            match removed.iter().enumerate().position(|(i, (_, r))| !moved[i] && r.as_ref() == Some(spec)) {
                Some(i) => moved[i] = true,
                None => s.links_added.push(spec.clone()),
            }
        }
        for ((address, spec), moved) in removed.into_iter().zip(moved) {
            if moved {
                continue;
            }
            match spec.and_then(|sp| gone_before(sp.validity)) {
                Some(on) => s.links_ended.push((address, on)),
                None => s.links_removed.push(address),
            }
        }
        for e in &change.end {
            if let super::Target::Link(address) = &e.target {
                s.links_ended.push((address.clone(), e.on));
            }
        }
        for mb in b.meetings().iter() {
            match a.meetings().find(&mb.id) {
                Some(ma) => {
                    let (set, unset) = meeting_changes(&meeting_spec(a, ma), &meeting_spec(b, mb));
                    let mut fields: Vec<Field> = set.into_iter().map(|(f, _)| f).chain(unset).collect();
                    fields.sort();
                    if !fields.is_empty() {
                        s.meetings_changed.push((mb.id.to_string(), fields));
                    }
                }
                None => s.meetings_added.push(mb.id.to_string()),
            }
        }
        for ma in a.meetings().iter() {
            if b.meetings().find(&ma.id).is_none() {
                s.meetings_removed.push(ma.id.to_string());
            }
        }
        s
    }
}
