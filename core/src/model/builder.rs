//! Building a model record by record, validating as it goes.

use super::*;
use crate::error::{Error, Position, Result, article};

/// A territory to add to a [`ModelBuilder`]; references are by id.
///
/// # Example
/// ```
/// use tiaokuai::{TerritoryKind, TerritorySpec};
/// let street = TerritorySpec::new("310113003", "友谊路街道", TerritoryKind::Street).parent("310113");
/// assert_eq!(street.parent.as_deref(), Some("310113"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TerritorySpec {
    /// The unique id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The kind.
    pub kind: TerritoryKind,
    /// The id of the containing territory.
    pub parent: Option<String>,
    /// Free-form attributes.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl TerritorySpec {
    /// A territory with no parent, attrs or dates.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: TerritoryKind) -> Self {
        TerritorySpec {
            id: id.into(),
            name: name.into(),
            kind,
            parent: None,
            attrs: None,
            validity: Validity::default(),
        }
    }

    /// Sets the containing territory.
    pub fn parent(mut self, id: impl Into<String>) -> Self {
        self.parent = Some(id.into());
        self
    }

    /// Sets the attrs.
    pub fn attrs(mut self, attrs: Attrs) -> Self {
        self.attrs = Some(attrs);
        self
    }
}

/// A unit to add to a [`ModelBuilder`]; references are by id.
///
/// # Example
/// ```
/// use tiaokuai::{Sector, UnitKind, UnitSpec};
/// let firm = UnitSpec::new("acme", "某科技有限公司", UnitKind::Enterprise)
///     .sector(Sector::Private).located_in("yyl-c01").members(4);
/// assert_eq!(firm.members, Some(4));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnitSpec {
    /// The unique id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The kind.
    pub kind: UnitKind,
    /// The sector.
    pub sector: Option<Sector>,
    /// The id of the territory where the unit sits.
    pub located_in: Option<String>,
    /// Full Party members.
    pub members: Option<u32>,
    /// Staff.
    pub staff: Option<u32>,
    /// In-service Party members.
    pub in_service_members: Option<u32>,
    /// Free-form attributes.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl UnitSpec {
    /// A unit with only an id, a name and a kind.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: UnitKind) -> Self {
        UnitSpec {
            id: id.into(),
            name: name.into(),
            kind,
            sector: None,
            located_in: None,
            members: None,
            staff: None,
            in_service_members: None,
            attrs: None,
            validity: Validity::default(),
        }
    }

    /// Sets the sector.
    pub fn sector(mut self, sector: Sector) -> Self {
        self.sector = Some(sector);
        self
    }

    /// Sets where the unit sits.
    pub fn located_in(mut self, id: impl Into<String>) -> Self {
        self.located_in = Some(id.into());
        self
    }

    /// Sets the number of full Party members.
    pub fn members(mut self, n: u32) -> Self {
        self.members = Some(n);
        self
    }

    /// Sets the attrs.
    pub fn attrs(mut self, attrs: Attrs) -> Self {
        self.attrs = Some(attrs);
        self
    }
}

/// A matter to add to a [`ModelBuilder`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MatterSpec {
    /// The unique id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The duty list.
    pub list: MatterList,
    /// A free category.
    pub category: Option<String>,
    /// Free-form attributes.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl MatterSpec {
    /// A matter on a duty list.
    pub fn new(id: impl Into<String>, name: impl Into<String>, list: MatterList) -> Self {
        MatterSpec {
            id: id.into(),
            name: name.into(),
            list,
            category: None,
            attrs: None,
            validity: Validity::default(),
        }
    }

    /// Sets the category.
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }
}

/// An item (need, resource, project) to add to a [`ModelBuilder`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ItemSpec {
    /// The unique id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The list.
    pub list: ItemList,
    /// Free-form attributes.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl ItemSpec {
    /// An item on one of the three lists.
    pub fn new(id: impl Into<String>, name: impl Into<String>, list: ItemList) -> Self {
        ItemSpec { id: id.into(), name: name.into(), list, attrs: None, validity: Validity::default() }
    }
}

/// A person to add to a [`ModelBuilder`].
///
/// # Example
/// ```
/// use tiaokuai::{Date, PersonSpec, Validity};
/// let p = PersonSpec::new("p-0001").name("张三").validity(Validity::new("2015".parse().ok(), None));
/// assert_eq!(p.name.as_deref(), Some("张三"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PersonSpec {
    /// The unique id (may be pseudonymous).
    pub id: String,
    /// The name, optional.
    pub name: Option<String>,
    /// Free-form attributes.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl PersonSpec {
    /// A person with only an id.
    pub fn new(id: impl Into<String>) -> Self {
        PersonSpec { id: id.into(), name: None, attrs: None, validity: Validity::default() }
    }

    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the dates.
    pub fn validity(mut self, validity: Validity) -> Self {
        self.validity = validity;
        self
    }
}

/// A link to add to a [`ModelBuilder`]; endpoints are ids of records already added.
///
/// # Example
/// ```
/// use tiaokuai::{LinkKind, LinkSpec, Role};
/// let l = LinkSpec::new("bs-cgj", "illegal-construction", LinkKind::Responsible)
///     .role(Role::Lead).scope("310113003");
/// assert_eq!(l.role, Some(Role::Lead));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LinkSpec {
    /// The id of the record the link starts from.
    pub from: String,
    /// The id of the record the link points to.
    pub to: String,
    /// The kind.
    pub kind: LinkKind,
    /// For `leads`: primary leader of a dual-led unit.
    pub primary: Option<bool>,
    /// For `power`: which power.
    pub power: Option<Power>,
    /// For `responsible`: the role.
    pub role: Option<Role>,
    /// For `responsible`: the id of the territory it applies to.
    pub scope: Option<String>,
    /// For `registers_with`: members registered.
    pub members: Option<u32>,
    /// For `succeeded_by`: what happened.
    pub event: Option<SuccessionEvent>,
    /// For `holds`: the post, band, grade and channel (required on a `holds` link).
    pub holding: Option<Holding>,
    /// Free-form attributes.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl LinkSpec {
    /// A link of a kind between two ids.
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: LinkKind) -> Self {
        LinkSpec {
            from: from.into(),
            to: to.into(),
            kind,
            primary: None,
            power: None,
            role: None,
            scope: None,
            members: None,
            event: None,
            holding: None,
            attrs: None,
            validity: Validity::default(),
        }
    }

    /// Sets the post (band, grade, channel) of a `holds` link.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Holding, LinkKind, LinkSpec, Post};
    /// let l = LinkSpec::new("p-0001", "yyl-c01-dzb", LinkKind::Holds).holding(Holding::new(Post::Secretary));
    /// assert_eq!(l.holding.map(|h| h.post), Some(Post::Secretary));
    /// ```
    pub fn holding(mut self, holding: Holding) -> Self {
        self.holding = Some(holding);
        self
    }

    /// Marks a `leads` link primary (or explicitly not).
    pub fn primary(mut self, primary: bool) -> Self {
        self.primary = Some(primary);
        self
    }

    /// Sets the power of a `power` link.
    pub fn power(mut self, power: Power) -> Self {
        self.power = Some(power);
        self
    }

    /// Sets the role of a `responsible` link.
    pub fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }

    /// Sets the scope territory of a `responsible` link.
    pub fn scope(mut self, id: impl Into<String>) -> Self {
        self.scope = Some(id.into());
        self
    }

    /// Sets the members count of a `registers_with` link.
    pub fn members(mut self, n: u32) -> Self {
        self.members = Some(n);
        self
    }

    /// Sets the event of a `succeeded_by` link.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{LinkKind, LinkSpec, SuccessionEvent};
    /// let l = LinkSpec::new("310113003", "310113099", LinkKind::SucceededBy).event(SuccessionEvent::Merge);
    /// assert_eq!(l.event, Some(SuccessionEvent::Merge));
    /// ```
    pub fn event(mut self, event: SuccessionEvent) -> Self {
        self.event = Some(event);
        self
    }

    /// Sets the dates.
    pub fn validity(mut self, validity: Validity) -> Self {
        self.validity = validity;
        self
    }
}

/// The fields of a link other than its endpoints, with a borrowed scope id.
pub(crate) struct LinkFields<'a> {
    pub kind: LinkKind,
    pub primary: Option<bool>,
    pub power: Option<Power>,
    pub role: Option<Role>,
    pub scope: Option<&'a str>,
    pub members: Option<u32>,
    pub event: Option<SuccessionEvent>,
    pub holding: Option<Holding>,
    pub attrs: Option<Attrs>,
    pub validity: Validity,
}

impl<'a> LinkFields<'a> {
    /// The fields of a link spec (cloned; the scope borrowed).
    pub(crate) fn of(spec: &'a LinkSpec) -> LinkFields<'a> {
        LinkFields {
            kind: spec.kind,
            primary: spec.primary,
            power: spec.power,
            role: spec.role,
            scope: spec.scope.as_deref(),
            members: spec.members,
            event: spec.event,
            holding: spec.holding.clone(),
            attrs: spec.attrs.clone(),
            validity: spec.validity,
        }
    }
}

/// A link checked by [`ModelBuilder::prepare_link`], ready to add: the link and, for
/// `holds`, its post.
pub(crate) struct Prepared(pub Link, pub Option<Attrs>, pub Option<Holding>);

/// A reference resolved when the model is built (territories may name parents defined later).
struct Pending {
    node: Node,
    index: usize,
    field: &'static str,
    target: Box<str>,
}

/// Builds a [`Model`], validating each record and link as it is added.
///
/// Records must be added before the links that name them; a territory's
/// `parent` and a unit's `located_in` may name records added later, and are
/// checked by [`ModelBuilder::build`]. Errors name the record by its array
/// and index in insertion order, as the loaders do.
///
/// # Example
/// ```
/// use tiaokuai::*;
/// let mut b = Model::builder();
/// b.territory(TerritorySpec::new("31", "上海市", TerritoryKind::City))?;
/// b.territory(TerritorySpec::new("310113", "宝山区", TerritoryKind::District).parent("31"))?;
/// b.unit(UnitSpec::new("bs-dw", "中共宝山区委", UnitKind::PartyCommittee).sector(Sector::Party))?;
/// b.link(LinkSpec::new("bs-dw", "310113", LinkKind::Jurisdiction))?;
/// let err = b.link(LinkSpec::new("bs-dw", "ghost", LinkKind::Leads)).unwrap_err();
/// assert_eq!(err.to_string(), r#"links[1] (from "bs-dw"): "to" names "ghost" which does not exist"#);
/// let model = b.build()?;
/// assert_eq!(model.len(), 3);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[derive(Default)]
pub struct ModelBuilder {
    /// Each record's key (its type and place in its table), by node index.
    keys: Vec<RecordKey>,
    index: super::index::IdIndex,
    order: [Vec<Node>; 5],
    /// The links, in columns, and their holdings.
    link_sink: LinkSink,
    /// The records by type (`keys` says where each is).
    records: super::records::Records,
    meta: Option<Attrs>,
    pending: Vec<Pending>,
    links_seen: usize,
    /// Threads `build` may use (the loaders pass theirs on; the public builder uses one).
    threads: usize,
    /// Meetings (issue #15), resolved by `build` once every record is there.
    meetings: Vec<crate::meetings::MeetingSpec>,
    /// The meetings resolved ahead of `build` by [`ModelBuilder::drop_bad_meetings`].
    resolved: Option<crate::meetings::Meetings>,
    /// What the last `holds` link added one by one named ([`ModelBuilder::add_link`]).
    memo: LinkMemo,
}

impl ModelBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder with room for `records` records and `links` links.
    pub fn with_capacity(records: usize, links: usize) -> Self {
        ModelBuilder {
            keys: Vec::with_capacity(records),
            link_sink: LinkSink { links: super::links::LinkTable::with_capacity(links), ..Default::default() },
            index: super::index::IdIndex::with_capacity(records),
            ..Self::default()
        }
    }

    /// Makes room for `n` more records of type `t` (the loaders know how many of each).
    pub(crate) fn reserve_records(&mut self, t: RecordType, n: usize) {
        self.records.reserve(t, n);
    }

    /// Lets [`ModelBuilder::build`] use up to `threads` threads (the loaders' setting).
    pub(crate) fn set_threads(&mut self, threads: usize) {
        self.threads = threads;
    }

    /// Sets the document's `meta` object.
    pub fn meta(&mut self, meta: Attrs) -> &mut Self {
        self.meta = Some(meta);
        self
    }

    /// The number of records added so far.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no record has been added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The record of a node added so far.
    fn rec(&self, node: Node) -> RecordRef<'_> {
        self.records.get(self.keys[node.index()])
    }

    fn position_of(&self, node: Node) -> Position {
        let record = self.rec(node);
        let t = record.record_type();
        let index = self.order[type_slot(t)].iter().position(|&n| n == node).unwrap_or(0);
        Position::record(t.array(), index, Some(record.id()))
    }

    pub(crate) fn add(&mut self, record: Record) -> Result<Node> {
        let (id, name, row) = record.into_parts();
        self.add_row(self.index.hash(&id), &id, &name, row)
    }

    /// Asks the processor for the id index's bucket where a record whose id hashes to `hash`
    /// goes (a hint for the loaders, which know the next records' hashes; no answer depends on it).
    pub(crate) fn prefetch_id(&self, hash: u64) {
        self.index.prefetch(hash);
    }

    /// [`ModelBuilder::id_hash`] for another thread.
    pub(crate) fn id_hasher(&self) -> impl Fn(&str) -> u64 + Send + Sync + 'static {
        self.index.hasher()
    }

    /// The hash of an id in the builder's index, for [`ModelBuilder::add_row`]: the loaders
    /// work it out on the parsing threads.
    pub(crate) fn id_hash(&self, id: &str) -> u64 {
        self.index.hash(id)
    }

    /// [`ModelBuilder::add`] of a record given as its id (whose hash is `hash`), name and row: the model
    /// keeps the id and name in its table's text, so a loader holding them in a buffer of its
    /// own (a batch's text) allocates nothing per record.
    pub(crate) fn add_row(&mut self, hash: u64, id: &str, name: &str, row: Row) -> Result<Node> {
        let t = row.record_type();
        let slot = type_slot(t);
        let at = || Position::record(t.array(), self.order[slot].len(), Some(id));
        if id.is_empty() {
            return Err(Error::InvalidField { at: at(), field: "id".into(), message: "must not be empty".into() });
        }
        if let Some(Err(message)) = row.attrs().map(|a| a.check(ATTRS_DEPTH)) {
            // Only attrs made by `Attrs::from_map` can be too deep; the loaders' are checked already.
            return Err(Error::InvalidField { at: at(), field: "attrs".into(), message });
        }
        // The builder never removes a node, so the next one added is at the node count: it is
        // indexed first, in the probe that finds the id is not taken.
        let next = Node::new(self.keys.len() as u32);
        if let Err(first) = self.index.insert_new(&self.records, hash, id, (next, self.records.next_key(t))) {
            return Err(Error::DuplicateId { id: id.to_string(), at: at(), first: self.position_of(first) });
        }
        let key = self.records.push_row(id, name, row);
        self.keys.push(key);
        self.order[slot].push(next);
        Ok(next)
    }

    /// Adds a territory.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id or attrs nested more than 124
    /// levels deep, [`Error::DuplicateId`].
    pub fn territory(&mut self, mut spec: TerritorySpec) -> Result<Node> {
        let (id, name) = (std::mem::take(&mut spec.id), std::mem::take(&mut spec.name));
        self.territory_named(self.index.hash(&id), &id, &name, spec, None)
    }

    /// The territory with this id among the records added so far. Only reads the builder, so
    /// the loaders resolve `parent` and `located_in` on several threads, ahead of adding.
    pub(crate) fn territory_node(&self, id: &str) -> Option<Node> {
        let entry = self.index.entry(&self.records, id);
        entry.filter(|(_, k)| k.record_type() == RecordType::Territory).map(|(n, _)| n)
    }

    /// [`ModelBuilder::territory`] with the id (whose hash is `hash`) and the name given apart
    /// (the spec's own are not read: see `format::json::Parsed`), and its parent possibly found
    /// already by [`ModelBuilder::territory_node`]: when `found` is given, `spec.parent` is not
    /// read (the loaders leave it empty); else it is looked up now, or at build.
    pub(crate) fn territory_named(
        &mut self,
        hash: u64,
        id: &str,
        name: &str,
        spec: TerritorySpec,
        found: Option<Node>,
    ) -> Result<Node> {
        let TerritorySpec { kind, parent, attrs, validity, .. } = spec;
        let row = Row::Territory(TerritoryRow { kind, parent: None, attrs, validity });
        let node = self.add_row(hash, id, name, row)?;
        self.refer(node, "parent", found, parent);
        Ok(node)
    }

    /// Adds a unit.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id or attrs nested more than 124
    /// levels deep, [`Error::DuplicateId`].
    pub fn unit(&mut self, mut spec: UnitSpec) -> Result<Node> {
        let (id, name) = (std::mem::take(&mut spec.id), std::mem::take(&mut spec.name));
        self.unit_named(self.index.hash(&id), &id, &name, spec, None)
    }

    /// [`ModelBuilder::unit`] with the id and name given apart and its `located_in` possibly
    /// found already, as for [`ModelBuilder::territory_named`].
    pub(crate) fn unit_named(
        &mut self,
        hash: u64,
        id: &str,
        name: &str,
        spec: UnitSpec,
        found: Option<Node>,
    ) -> Result<Node> {
        let UnitSpec { kind, sector, located_in, members, staff, in_service_members, attrs, validity, .. } = spec;
        let row = Row::Unit(UnitRow {
            kind,
            sector,
            located_in: None,
            counts: UnitCounts::new(members, staff, in_service_members),
            attrs,
            validity,
        });
        let node = self.add_row(hash, id, name, row)?;
        self.refer(node, "located_in", found, located_in);
        Ok(node)
    }

    /// Points the territory reference (`field`: a territory's `parent`, a unit's `located_in`)
    /// of the record just added at `found`, else at the territory named `target` when it was
    /// added already; else leaves the name for [`ModelBuilder::build`] to resolve.
    pub(crate) fn refer(&mut self, node: Node, field: &'static str, found: Option<Node>, target: Option<String>) {
        match (found.or_else(|| target.as_deref().and_then(|t| self.territory_node(t))), target) {
            (Some(t), _) => self.set_territory_ref(node, t),
            (None, Some(target)) => {
                let index = self.order[type_slot(self.rec(node).record_type())].len() - 1;
                self.pending.push(Pending { node, index, field, target: target.into() });
            }
            (None, None) => {}
        }
    }

    /// Sets a territory's `parent` or a unit's `located_in`.
    fn set_territory_ref(&mut self, node: Node, territory: Node) {
        let key = self.keys[node.index()];
        if let Some(t) = self.records.territory_mut(key) {
            t.parent = Some(territory);
        } else if let Some(u) = self.records.unit_mut(key) {
            u.located_in = Some(territory);
        }
    }

    /// Adds a matter.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id or attrs nested more than 124
    /// levels deep, [`Error::DuplicateId`].
    pub fn matter(&mut self, mut spec: MatterSpec) -> Result<Node> {
        let (id, name) = (std::mem::take(&mut spec.id), std::mem::take(&mut spec.name));
        self.matter_named(self.index.hash(&id), &id, &name, spec)
    }

    /// [`ModelBuilder::matter`] with the id and name given apart, as for
    /// [`ModelBuilder::territory_named`].
    pub(crate) fn matter_named(&mut self, hash: u64, id: &str, name: &str, spec: MatterSpec) -> Result<Node> {
        let MatterSpec { list, category, attrs, validity, .. } = spec;
        let row = Row::Matter(MatterRow { list, category: category.map(Into::into), attrs, validity });
        self.add_row(hash, id, name, row)
    }

    /// Adds an item.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id or attrs nested more than 124
    /// levels deep, [`Error::DuplicateId`].
    pub fn item(&mut self, mut spec: ItemSpec) -> Result<Node> {
        let (id, name) = (std::mem::take(&mut spec.id), std::mem::take(&mut spec.name));
        self.item_named(self.index.hash(&id), &id, &name, spec)
    }

    /// [`ModelBuilder::item`] with the id and name given apart, as for
    /// [`ModelBuilder::territory_named`].
    pub(crate) fn item_named(&mut self, hash: u64, id: &str, name: &str, spec: ItemSpec) -> Result<Node> {
        let ItemSpec { list, attrs, validity, .. } = spec;
        self.add_row(hash, id, name, Row::Item(ItemRow { list, attrs, validity }))
    }

    /// Adds a person.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id or attrs nested more than 124
    /// levels deep, [`Error::DuplicateId`].
    pub fn person(&mut self, mut spec: PersonSpec) -> Result<Node> {
        let (id, name) = (std::mem::take(&mut spec.id), spec.name.take());
        self.person_named(self.index.hash(&id), &id, name.as_deref().unwrap_or(""), spec)
    }

    /// [`ModelBuilder::person`] with the id and name given apart (an empty name for none), as
    /// for [`ModelBuilder::territory_named`].
    pub(crate) fn person_named(&mut self, hash: u64, id: &str, name: &str, spec: PersonSpec) -> Result<Node> {
        let PersonSpec { attrs, validity, .. } = spec;
        self.add_row(hash, id, name, Row::Person(PersonRow { attrs, validity }))
    }

    fn resolve(
        &self,
        at: &Position,
        field: &str,
        id: &str,
        expected: Option<RecordType>,
        context: &str,
    ) -> Result<Node> {
        let node = self.index.get(&self.records, id).ok_or_else(|| Error::DanglingReference {
            at: at.clone(),
            field: field.into(),
            id: id.into(),
        })?;
        let found = self.rec(node).record_type();
        match expected {
            Some(expected) if expected != found => Err(Error::WrongEndpoint {
                at: at.clone(),
                field: field.into(),
                id: id.into(),
                expected,
                found,
                context: context.into(),
            }),
            _ => Ok(node),
        }
    }

    /// Adds a link between two records already added.
    ///
    /// # Errors
    /// [`Error::DanglingReference`] when an endpoint or the scope does not
    /// exist, [`Error::WrongEndpoint`] when one is of the wrong record type for
    /// the kind, [`Error::InvalidField`] when a field does not belong to the
    /// kind (`power` on a `leads` link …) or a required one is missing, or
    /// when the attrs nest more than 124 levels deep.
    pub fn link(&mut self, spec: LinkSpec) -> Result<LinkId> {
        let LinkSpec { from, to, kind, primary, power, role, scope, members, event, holding, attrs, validity } = spec;
        let fields = LinkFields {
            kind,
            primary,
            power,
            role,
            scope: scope.as_deref(),
            members,
            event,
            holding,
            attrs,
            validity,
        };
        self.add_link(&from, &to, fields)
    }

    /// [`ModelBuilder::link`] with borrowed ids, for the loaders: no allocation
    /// on the way unless there is an error to report.
    pub(crate) fn add_link(&mut self, from_id: &str, to_id: &str, f: LinkFields<'_>) -> Result<LinkId> {
        let index = self.links_seen;
        let mut memo = self.memo;
        let prepared = self.prepare_link_memo(&mut memo, index, from_id, to_id, f);
        self.memo = memo;
        match prepared {
            Ok(link) => Ok(self.add_prepared(link)),
            Err(e) => {
                self.links_seen += 1;
                Err(e)
            }
        }
    }

    /// Adds a link [`ModelBuilder::prepare_link`] made.
    pub(crate) fn add_prepared(&mut self, prepared: Prepared) -> LinkId {
        self.links_seen += 1;
        self.link_sink.push(prepared)
    }

    /// Takes the builder's links (their table and holdings) out of it, so that links can be
    /// prepared from a shared builder on one thread while another adds them
    /// ([`LinkSink::push`]); [`ModelBuilder::put_links`] puts them back.
    pub(crate) fn take_links(&mut self) -> LinkSink {
        let mut sink = std::mem::take(&mut self.link_sink);
        sink.taken = sink.links.len();
        sink
    }

    /// Puts back the links [`ModelBuilder::take_links`] took, with those added meanwhile.
    pub(crate) fn put_links(&mut self, sink: LinkSink) {
        self.links_seen += sink.links.len() - sink.taken;
        self.link_sink = sink;
    }

    /// Checks a link against the records added so far and resolves its ends and scope, without
    /// adding it: `index` is its position in the `links` array, for errors. Only reads the
    /// builder, so the loaders prepare links on several threads and add them in order.
    pub(crate) fn prepare_link(&self, index: usize, from_id: &str, to_id: &str, f: LinkFields<'_>) -> Result<Prepared> {
        let look = |id: &str| self.index.entry(&self.records, id).map(|(n, k)| (n, self.records.get(k)));
        prepare_link_with(&look, index, from_id, to_id, f)
    }

    /// [`ModelBuilder::prepare_link`] for the next of a run of links, `memo` holding what the
    /// previous `holds` link of the run named: a `holds` link's person is usually that link's
    /// or the next person added, and its unit that link's half the time (the generator and
    /// the writer list a person's posts after the previous person's). Those records, at hand
    /// in the graph, are compared with the ids first, so most `holds` links need one look-up
    /// in the id index instead of two. The same answer: ids are unique, so a record whose
    /// id is the one asked for is the one the index gives.
    pub(crate) fn prepare_link_memo(
        &self,
        memo: &mut LinkMemo,
        index: usize,
        from_id: &str,
        to_id: &str,
        f: LinkFields<'_>,
    ) -> Result<Prepared> {
        if f.kind != LinkKind::Holds {
            return self.prepare_link(index, from_id, to_id, f);
        }
        let (keys, records) = (&self.keys, &self.records);
        let record = |n: u32| keys.get(n as usize).map(|&k| (Node::new(n), records.get(k)));
        let (person, unit) = (memo.person, memo.unit);
        let guess = |id: &str| {
            [person.and_then(|p| p.checked_add(1)), person, unit]
                .into_iter()
                .flatten()
                .filter_map(record)
                .find(|(_, r)| r.id() == id)
        };
        let look = |id: &str| guess(id).or_else(|| self.index.entry(records, id).map(|(n, k)| (n, records.get(k))));
        let prepared = prepare_link_with(&look, index, from_id, to_id, f)?;
        *memo = LinkMemo { person: Some(prepared.0.from.raw()), unit: Some(prepared.0.to.raw()) };
        Ok(prepared)
    }
}

impl ModelBuilder {
    /// The id of a node added so far.
    pub(crate) fn id_at(&self, node: Node) -> &str {
        self.rec(node).id()
    }

    /// [`ModelBuilder::prepare_link`] of a link whose ends (and scope) are nodes added
    /// already, not ids: a model image names records by their place. The same checks and
    /// messages; the ids are the records' own, found again without the index.
    pub(crate) fn prepare_link_nodes<'s>(
        &'s self,
        index: usize,
        from: Node,
        to: Node,
        scope: Option<Node>,
        mut f: LinkFields<'s>,
    ) -> Result<Prepared> {
        // Most links join records of the types their kind asks for: their types, in the
        // nodes' keys, are all the records need to say (the ids only name an error). The
        // rest — a scope, a `dispatches` link (its unit's kind is read), an end of another
        // type — go the way a document's links go, for the same checks and messages.
        let type_of = |n: Node| self.keys[n.index()].record_type();
        let fits = scope.is_none()
            && f.kind != LinkKind::Dispatches
            && match f.kind.endpoints() {
                Some((a, b)) => type_of(from) == a && type_of(to) == b,
                None => !f.kind.same_type() || type_of(from) == type_of(to),
            };
        if fits {
            check_link_fields(&|| Position::link(index, Some(self.id_at(from))), &f)?;
            return Ok(Prepared::new(from, to, None, f));
        }
        let ends = [Some(from), Some(to), scope].map(|n| n.map(|n| (n, self.rec(n))));
        f.scope = scope.map(|s| self.rec(s).id());
        // Each id handed to `look` below is one of these records' own (the same text, not a
        // copy), so comparing addresses finds it; anything else goes to the index.
        let look = |id: &str| {
            ends.iter()
                .flatten()
                .find(|(_, r)| std::ptr::eq(r.id(), id))
                .copied()
                .or_else(|| self.index.entry(&self.records, id).map(|(n, k)| (n, self.records.get(k))))
        };
        prepare_link_with(&look, index, self.rec(from).id(), self.rec(to).id(), f)
    }
}

/// The links a builder has added: their table and their holdings. Taken out of the builder
/// ([`ModelBuilder::take_links`]) while its records are read on another thread.
#[derive(Debug, Default)]
pub(crate) struct LinkSink {
    pub(crate) links: super::links::LinkTable,
    pub(crate) holdings: super::links::Sparse<Holding>,
    /// How many links there were when the builder's links were taken.
    taken: usize,
}

impl LinkSink {
    /// Adds a link [`ModelBuilder::prepare_link`] made; gives its id.
    pub(crate) fn push(&mut self, prepared: Prepared) -> LinkId {
        let Prepared(link, attrs, holding) = prepared;
        let id = LinkId(self.links.len() as u32);
        self.links.push(&link, attrs);
        if let Some(h) = holding {
            self.holdings.push(id.0, h);
        }
        id
    }
}

/// What the previous `holds` link of a run named (node indices), for
/// [`ModelBuilder::prepare_link_memo`]; empty at the start of a run.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct LinkMemo {
    person: Option<u32>,
    unit: Option<u32>,
}

/// Looks up an id with `look`: `Err(None)` when absent, `Err(Some(found))` when of the wrong type.
fn find_with<'r>(
    look: &dyn Fn(&str) -> Option<(Node, RecordRef<'r>)>,
    id: &str,
    expected: Option<RecordType>,
) -> std::result::Result<Node, Option<RecordType>> {
    let (node, record) = look(id).ok_or(None)?;
    let found = record.record_type();
    match expected {
        Some(e) if e != found => Err(Some(found)),
        _ => Ok(node),
    }
}

/// [`ModelBuilder::prepare_link`] over any id lookup (`look` gives the node and the record an
/// id names): the builder's own tables, or a model and the records a change set adds
/// ([`Model::apply_in_place`] checks added links with the very same rules and messages).
pub(crate) fn prepare_link_with<'r>(
    look: &dyn Fn(&str) -> Option<(Node, RecordRef<'r>)>,
    index: usize,
    from_id: &str,
    to_id: &str,
    f: LinkFields<'_>,
) -> Result<Prepared> {
    {
        let at = || Position::link(index, Some(from_id));
        let endpoint_error =
            |field: &str, id: &str, expected: Option<RecordType>, found: Option<RecordType>| match found {
                None => Error::DanglingReference { at: at(), field: field.into(), id: id.into() },
                Some(found) => Error::WrongEndpoint {
                    at: at(),
                    field: field.into(),
                    id: id.into(),
                    expected: expected.unwrap_or(found),
                    found,
                    context: if field == "scope" {
                        "\"scope\"".into()
                    } else if f.kind.same_type() {
                        format!("a {:?} link from {} {from_id:?}", f.kind.as_str(), article(expected.unwrap_or(found)))
                    } else {
                        format!("a {:?} link", f.kind.as_str())
                    },
                },
            };
        let ends = f.kind.endpoints();
        let from = find_with(look, from_id, ends.map(|e| e.0))
            .map_err(|t| endpoint_error("from", from_id, ends.map(|e| e.0), t))?;
        // A `succeeded_by` link joins two records of the same type: its `to` must be of `from`'s.
        let to_type = if f.kind.same_type() { look(from_id).map(|(_, r)| r.record_type()) } else { ends.map(|e| e.1) };
        let to = find_with(look, to_id, to_type).map_err(|t| endpoint_error("to", to_id, to_type, t))?;
        check_link_fields(&at, &f)?;
        let invalid = |field: &str, message: String| Error::InvalidField { at: at(), field: field.into(), message };
        if f.kind == LinkKind::Dispatches {
            let unit = look(from_id).and_then(|(_, r)| r.as_unit());
            if let Some(u) = unit
                && u.kind != UnitKind::Department
                && !u.kind.is_custom()
            {
                return Err(invalid(
                    "from",
                    format!(
                        "a \"dispatches\" link starts from a department, but {:?} is of kind {:?}",
                        from_id,
                        u.kind.as_str()
                    ),
                ));
            }
        }
        let scope = match f.scope {
            Some(s) => Some(
                find_with(look, s, Some(RecordType::Territory))
                    .map_err(|t| endpoint_error("scope", s, Some(RecordType::Territory), t))?,
            ),
            None => None,
        };
        Ok(Prepared::new(from, to, scope, f))
    }
}

impl Prepared {
    /// The link `f` describes between `from` and `to` (within `scope`), checked already.
    fn new(from: Node, to: Node, scope: Option<Node>, f: LinkFields<'_>) -> Prepared {
        let link = Link {
            from,
            to,
            kind: f.kind,
            primary: f.primary,
            power: f.power,
            role: f.role,
            scope,
            members: f.members,
            event: f.event,
            validity: f.validity,
        };
        Prepared(link, f.attrs, f.holding)
    }
}

/// The checks of a link's fields that do not read the records (a field only some kinds take,
/// one a kind requires, a grade off the scale, attrs nested too deeply), in the order
/// [`prepare_link_with`] makes them after finding the link's ends; `at` places an error.
fn check_link_fields(at: &dyn Fn() -> Position, f: &LinkFields<'_>) -> Result<()> {
    let invalid = |field: &str, message: String| Error::InvalidField { at: at(), field: field.into(), message };
    let only = |field: &str, present: bool, kind: LinkKind| -> Result<()> {
        if present && f.kind != kind {
            return Err(invalid(
                field,
                format!("only applies to {:?} links, not {:?}", kind.as_str(), f.kind.as_str()),
            ));
        }
        Ok(())
    };
    if let Some(Err(message)) = f.attrs.as_ref().map(|a| a.check(ATTRS_DEPTH)) {
        return Err(invalid("attrs", message));
    }
    only("primary", f.primary.is_some(), LinkKind::Leads)?;
    only("power", f.power.is_some(), LinkKind::Power)?;
    only("role", f.role.is_some(), LinkKind::Responsible)?;
    only("scope", f.scope.is_some(), LinkKind::Responsible)?;
    only("members", f.members.is_some(), LinkKind::RegistersWith)?;
    only("event", f.event.is_some(), LinkKind::SucceededBy)?;
    if f.kind != LinkKind::Holds
        && let Some(h) = &f.holding
    {
        let field = if h.band.is_some() {
            "band"
        } else if h.grade.is_some() {
            "grade"
        } else if h.channel.is_some() {
            "channel"
        } else {
            "post"
        };
        only(field, true, LinkKind::Holds)?;
    }
    if f.kind == LinkKind::Holds {
        match &f.holding {
            None => {
                return Err(invalid(
                    "post",
                    "is required on a \"holds\" link (secretary, deputy_secretary, committee_member, director, \
                         deputy_director, head, deputy_head, community_worker, grid_worker, instructor, or x-…)"
                        .into(),
                ));
            }
            Some(Holding { grade: Some(g), .. }) if !(1..=18).contains(g) => {
                return Err(invalid("grade", format!("must be a grade of the career scale, 1 to 18, not {g}")));
            }
            Some(_) => {}
        }
    }
    if f.kind == LinkKind::Power && f.power.is_none() {
        return Err(invalid(
            "power",
            "is required on a \"power\" link (advice, consent, assessment, participation or comprehensive)".into(),
        ));
    }
    if f.kind == LinkKind::Responsible && f.role.is_none() {
        return Err(invalid("role", "is required on a \"responsible\" link (lead, cooperate or supervise)".into()));
    }
    Ok(())
}

impl ModelBuilder {
    /// Adds a meeting (issue #15). Its territory, convener and topics may name records
    /// added later: [`ModelBuilder::build`] resolves them.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id or attrs nested too deeply.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::*;
    /// let mut b = Model::builder();
    /// b.meeting(MeetingSpec::new("m1", MeetingKind::Hearing, "ghost", "2024".parse()?))?;
    /// let err = b.build().unwrap_err();
    /// assert_eq!(err.to_string(), r#"meetings[0] (id "m1"): "territory" names "ghost" which does not exist"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn meeting(&mut self, spec: crate::meetings::MeetingSpec) -> Result<()> {
        let at = || Position::record("meetings", self.meetings.len(), Some(&spec.id));
        if spec.id.is_empty() {
            return Err(Error::InvalidField { at: at(), field: "id".into(), message: "must not be empty".into() });
        }
        if let Some(Err(message)) = spec.attrs.as_ref().map(|a| a.check(ATTRS_DEPTH)) {
            return Err(Error::InvalidField { at: at(), field: "attrs".into(), message });
        }
        self.meetings.push(spec);
        Ok(())
    }

    /// Resolves the meetings against the records: the first problem is the error, or,
    /// with `problem`, each bad meeting is handed to it and left out.
    fn resolve_meetings(&mut self, mut problem: Option<&mut dyn FnMut(Error)>) -> Result<crate::meetings::Meetings> {
        let specs = std::mem::take(&mut self.meetings);
        if specs.is_empty() {
            return Ok(crate::meetings::Meetings::default());
        }
        let find = |id: &str| self.index.entry(&self.records, id).map(|(n, k)| (n, k.record_type()));
        let mut seen: hashbrown::HashMap<String, usize> = hashbrown::HashMap::with_capacity(specs.len());
        let mut list = Vec::with_capacity(specs.len());
        for (i, spec) in specs.into_iter().enumerate() {
            let at = Position::record("meetings", i, Some(&spec.id));
            let dup = if let Some(n) = self.index.get(&self.records, &spec.id) {
                Some(Error::DuplicateId { id: spec.id.clone(), at, first: self.position_of(n) })
            } else if let Some(&j) = seen.get(&spec.id) {
                Some(Error::DuplicateId {
                    id: spec.id.clone(),
                    at,
                    first: Position::record("meetings", j, Some(&spec.id)),
                })
            } else {
                seen.insert(spec.id.clone(), i);
                None
            };
            let result = match dup {
                Some(e) => Err(e),
                None => crate::meetings::resolve(i, spec, &find),
            };
            match (result, problem.as_deref_mut()) {
                (Ok(m), _) => list.push(m),
                (Err(e), Some(p)) => p(e),
                (Err(e), None) => return Err(e),
            }
        }
        Ok(crate::meetings::Meetings::new(list))
    }

    /// Resolves the meetings now, handing each bad one to `problem` and leaving it out
    /// (the loaders' problem-collecting mode).
    pub(crate) fn drop_bad_meetings(&mut self, problem: &mut dyn FnMut(Error)) {
        if let Ok(m) = self.resolve_meetings(Some(problem)) {
            self.resolved = Some(m);
        }
    }

    /// Resolves the pending references, checks the territory tree and builds the model.
    ///
    /// # Errors
    /// [`Error::DanglingReference`] or [`Error::WrongEndpoint`] for a `parent`
    /// or `located_in` that names no territory, [`Error::TerritoryCycle`] when
    /// a parent chain loops, [`Error::InvalidField`] when the meta object nests
    /// more than 126 levels deep.
    pub fn build(mut self) -> Result<Model> {
        if let Some(Err(message)) = self.meta.as_ref().map(|a| a.check(META_DEPTH)) {
            let at = Position::record("document", 0, None);
            return Err(Error::InvalidField { at, field: "meta".into(), message });
        }
        let mut first = None;
        self.resolve_pending(&mut |e| {
            first.get_or_insert(e);
        });
        if let Some(e) = first {
            return Err(e);
        }
        self.check_territory_tree()?;
        self.check_successions()?;
        if self.resolved.is_none() {
            self.resolved = Some(self.resolve_meetings(None)?);
        }
        Ok(self.finish())
    }

    /// The model, once every check has passed (a change set's apply runs them itself, to
    /// collect every problem).
    pub(crate) fn finish(mut self) -> Model {
        let meetings = self.resolved.take().unwrap_or_default();
        Model::assemble(
            self.keys,
            self.records,
            self.link_sink.links,
            self.index,
            self.order,
            self.link_sink.holdings,
            self.meta,
            self.threads,
            meetings,
        )
    }

    /// Resolves the `parent` and `located_in` names left for [`ModelBuilder::build`], handing
    /// each that names no territory to `problem` (in document order) and going on.
    pub(crate) fn resolve_pending(&mut self, problem: &mut dyn FnMut(Error)) {
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            let target = match self.index.get(&self.records, &p.target) {
                Some(t) if self.rec(t).as_territory().is_some() => t,
                _ => {
                    let record = self.rec(p.node);
                    let at = Position::record(record.record_type().array(), p.index, Some(record.id()));
                    let context = format!("{:?}", p.field);
                    match self.resolve(&at, p.field, &p.target, Some(RecordType::Territory), &context) {
                        Ok(t) => t,
                        Err(e) => {
                            problem(e);
                            continue;
                        }
                    }
                }
            };
            self.set_territory_ref(p.node, target);
        }
    }

    /// Refuses `succeeded_by` links that loop (a → b → … → a): no record can be its own
    /// successor. Names the link that closes the loop and the ids around it. Linear in
    /// the number of links (each record is walked once).
    pub(crate) fn check_successions(&self) -> Result<()> {
        // The `succeeded_by` links as (from, link, to), by `from` and, for each record, the
        // newest first: the walk below pops each record's list from its end, oldest first.
        let slot = LinkKind::SucceededBy.slot();
        let table = &self.link_sink.links;
        let mut links: Vec<(usize, usize, usize)> = (0..table.len() as u32)
            .filter(|&l| table.slot(l) == slot)
            .map(|l| {
                let (from, to) = table.ends(l);
                (from.index(), l as usize, to.index())
            })
            .collect();
        if links.is_empty() {
            return Ok(());
        }
        links.sort_unstable_by_key(|&(from, link, _)| (from, std::cmp::Reverse(link)));
        let succ = |n: usize| {
            let first = links.partition_point(|&(from, _, _)| from < n);
            links[first..].iter().take_while(move |&&(from, _, _)| from == n).map(|&(_, link, to)| (link, to))
        };
        // Iterative depth-first search: 0 = unvisited, 1 = on the path, 2 = done. A loop passes
        // only through records with a `succeeded_by` link of their own, so the walks start
        // there (`links` is sorted by `from`), not at every record of the model: a national
        // model with one such link walked, and allocated a stack for, each of its millions.
        let mut state = vec![0u8; self.keys.len()];
        for start in links.iter().map(|&(from, _, _)| from) {
            // A record with several links is met again once walked (its state is then 2).
            if state[start] != 0 {
                continue;
            }
            // Stack of (node, its successor links still to walk).
            let mut stack: Vec<(usize, Vec<(usize, usize)>)> = vec![(start, succ(start).collect())];
            state[start] = 1;
            while let Some((node, next)) = stack.last_mut() {
                let node = *node;
                match next.pop() {
                    Some((edge, to)) => match state[to] {
                        0 => {
                            state[to] = 1;
                            let more = succ(to).collect();
                            stack.push((to, more));
                        }
                        1 => {
                            let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                            let id = |n: usize| self.rec(Node::new(n as u32)).id().to_string();
                            let mut cycle: Vec<String> = stack[from..].iter().map(|(n, _)| id(*n)).collect();
                            cycle.push(id(to));
                            let from_id = id(node);
                            return Err(Error::InvalidField {
                                at: Position::link(edge, Some(&from_id)),
                                field: "to".into(),
                                message: format!(
                                    "\"succeeded_by\" links loop: {} (no record can succeed itself)",
                                    cycle.join(" -> ")
                                ),
                            });
                        }
                        _ => {}
                    },
                    None => {
                        state[node] = 2;
                        stack.pop();
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn check_territory_tree(&self) -> Result<()> {
        // 0 = unvisited, 1 = on the current path, 2 = known to reach a root.
        let mut state = vec![0u8; self.keys.len()];
        let parent_of = |n: Node| self.rec(n).as_territory().and_then(|t| t.parent);
        for &start in &self.order[0] {
            let mut path = Vec::new();
            let mut cur = Some(start);
            while let Some(n) = cur {
                match state[n.index()] {
                    2 => break,
                    1 => {
                        let from = path.iter().position(|&p| p == n).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            path[from..].iter().map(|&p: &Node| self.rec(p).id().to_string()).collect();
                        cycle.push(self.rec(n).id().to_string());
                        return Err(Error::TerritoryCycle { at: self.position_of(n), cycle });
                    }
                    _ => {
                        state[n.index()] = 1;
                        path.push(n);
                        cur = parent_of(n);
                    }
                }
            }
            for p in path {
                state[p.index()] = 2;
            }
        }
        Ok(())
    }
}
