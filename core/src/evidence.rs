//! Evidence: the facts an answer rests on, so a person can check it by hand.
//!
//! Every chain, dispatch answer and audit finding carries a list of facts:
//! the links it followed (with their index in the model's `links` array), the
//! fields it read, and the links it looked for and did not find.

use std::borrow::Cow;

use serde::Serialize;

use crate::model::{LinkId, Model, Node, Status};

/// One fact behind an answer.
///
/// The strings are [`Cow`]s: the facts of a query answer ([`crate::Chain`],
/// [`crate::Dispatch`], [`crate::Responsibility`]) borrow the ids from the model,
/// so building an answer copies no text; the facts of an audit finding own
/// theirs (`Fact<'static>`). [`Fact::into_owned`] turns one into the other.
///
/// Serialised as a small JSON object: `{"link": 17, "from": "a", "kind": "leads", "to": "b"}`,
/// `{"record": "acme", "field": "members", "value": 5}` or
/// `{"record": "acme", "missing": "party_org_of", "direction": "in"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Fact<'m> {
    /// A link that was followed.
    Link {
        /// The link's index in the model's `links` array.
        link: usize,
        /// The id it starts from.
        from: Cow<'m, str>,
        /// Its kind.
        kind: Cow<'m, str>,
        /// The id it points to.
        to: Cow<'m, str>,
    },
    /// A field that was read.
    Field {
        /// The record's id.
        record: Cow<'m, str>,
        /// The field.
        field: Cow<'m, str>,
        /// Its value, as JSON.
        value: serde_json::Value,
    },
    /// A link of some kind that was looked for and is not there.
    Missing {
        /// The record's id.
        record: Cow<'m, str>,
        /// The link kind (or a description of what is missing).
        missing: Cow<'m, str>,
        /// `"out"` for links leaving the record, `"in"` for links arriving.
        direction: Cow<'m, str>,
    },
}

impl Fact<'static> {
    /// The fact that the model's link `id` was followed.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, LinkKind, evidence::Fact};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "a", "name": "A", "kind": "party_committee"}, {"id": "b", "name": "B", "kind": "party_branch"}],
    ///   "links": [{"from": "a", "to": "b", "kind": "leads"}]}"#).unwrap();
    /// let (id, _) = model.links().next().unwrap();
    /// let fact = Fact::link(&model, id);
    /// assert_eq!(fact.to_string(), "links[0]: a -leads-> b");
    /// ```
    pub fn link(model: &Model, id: LinkId) -> Fact<'static> {
        let l = model.link(id);
        // The kind's word lives as long as the process (custom words are interned): only the
        // ids are copied (an audit writes hundreds of thousands of these).
        Fact::Link {
            link: id.index(),
            from: Cow::Owned(model.id(l.from).to_owned()),
            kind: Cow::Borrowed(l.kind.as_str()),
            to: Cow::Owned(model.id(l.to).to_owned()),
        }
    }

    /// The fact that a record's field has a value (a field name given as a literal is not copied).
    pub fn field(
        model: &Model,
        node: Node,
        field: impl Into<Cow<'static, str>>,
        value: impl Into<serde_json::Value>,
    ) -> Fact<'static> {
        Fact::Field { record: Cow::Owned(model.id(node).to_owned()), field: field.into(), value: value.into() }
    }

    /// The fact that a record has no link of a kind leaving it (`outgoing`) or arriving at it
    /// (what is missing given as a literal is not copied).
    pub fn missing(model: &Model, node: Node, what: impl Into<Cow<'static, str>>, outgoing: bool) -> Fact<'static> {
        Fact::Missing {
            record: Cow::Owned(model.id(node).to_owned()),
            missing: what.into(),
            direction: Cow::Borrowed(if outgoing { "out" } else { "in" }),
        }
    }
}

impl<'m> Fact<'m> {
    /// The fact that the model's link `id` was followed, borrowing the ids from the model.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, evidence::Fact};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "a", "name": "A", "kind": "party_committee"}, {"id": "b", "name": "B", "kind": "party_branch"}],
    ///   "links": [{"from": "a", "to": "b", "kind": "leads"}]}"#).unwrap();
    /// let (id, _) = model.links().next().unwrap();
    /// assert_eq!(Fact::link_in(&model, id), Fact::link(&model, id));
    /// ```
    pub fn link_in(model: &'m Model, id: LinkId) -> Fact<'m> {
        let l = model.link(id);
        Fact::Link {
            link: id.index(),
            from: Cow::Borrowed(model.id(l.from)),
            kind: Cow::Borrowed(l.kind.as_str()),
            to: Cow::Borrowed(model.id(l.to)),
        }
    }

    /// The fact that a record has no link of a kind leaving it (`outgoing`) or arriving at it,
    /// borrowing the record's id from the model.
    pub fn missing_in(model: &'m Model, node: Node, what: impl Into<Cow<'m, str>>, outgoing: bool) -> Fact<'m> {
        Fact::Missing {
            record: Cow::Borrowed(model.id(node)),
            missing: what.into(),
            direction: Cow::Borrowed(if outgoing { "out" } else { "in" }),
        }
    }

    /// The same fact owning its strings, independent of the model.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, evidence::Fact};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "a", "name": "A", "kind": "party_committee"}]}"#).unwrap();
    /// let fact: Fact<'static> = Fact::missing_in(&model, model.node("a").unwrap(), "leads", false).into_owned();
    /// drop(model);
    /// assert_eq!(fact.to_string(), "a: no incoming leads");
    /// ```
    pub fn into_owned(self) -> Fact<'static> {
        let own = |s: Cow<'m, str>| Cow::Owned(s.into_owned());
        match self {
            Fact::Link { link, from, kind, to } => Fact::Link { link, from: own(from), kind: own(kind), to: own(to) },
            Fact::Field { record, field, value } => Fact::Field { record: own(record), field: own(field), value },
            Fact::Missing { record, missing, direction } => {
                Fact::Missing { record: own(record), missing: own(missing), direction: own(direction) }
            }
        }
    }
}

impl std::fmt::Display for Fact<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fact::Link { link, from, kind, to } => write!(f, "links[{link}]: {from} -{kind}-> {to}"),
            Fact::Field { record, field, value } => write!(f, "{record}.{field} = {value}"),
            Fact::Missing { record, missing, direction } => {
                let arrow = if direction == "out" { "no outgoing" } else { "no incoming" };
                write!(f, "{record}: {arrow} {missing}")
            }
        }
    }
}

/// The facts behind one answer, in the order they were established.
pub type Evidence<'m> = Vec<Fact<'m>>;

/// The facts of an answer that rest on a record or link only possibly in force at the
/// view's date ([`Model::at`]): for each such record, its `since` and `until` (as
/// [`Fact::Field`]s); for each such link, the link. `subjects` are ids the answer is
/// about besides its evidence (a finding's subject and street/town). Empty when the
/// view doubts nothing, which costs one check.
///
/// # Example
/// ```
/// use tiaokuai::{Model, evidence};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1", "meta": {"as_of": "2015-06-30"},
///   "units": [{"id": "a", "name": "A", "kind": "party_committee"},
///             {"id": "b", "name": "B", "kind": "party_branch", "since": "2015"}],
///   "links": [{"from": "a", "to": "b", "kind": "leads"}]}"#)?;
/// let chain = model.chain("b", tiaokuai::Line::Leadership)?;
/// let doubt: Vec<String> = chain.uncertain.iter().map(|f| f.to_string()).collect();
/// assert_eq!(doubt, [r#"b.since = "2015""#]);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn uncertain<'a>(
    model: &Model,
    subjects: impl IntoIterator<Item = &'a str>,
    evidence: &[Fact<'_>],
) -> Evidence<'static> {
    if !model.has_uncertain() {
        return Vec::new();
    }
    let nodes: Vec<Node> = subjects.into_iter().filter_map(|id| model.find(id)).collect();
    uncertain_nodes(model, &nodes, evidence)
}

/// [`uncertain_nodes`] for the many answers of one view whose link facts were built from
/// the view's own links ([`Fact::link`]: their `from` and `to` are the link's ends), as an
/// audit's are. Built once for an audit, from the possibly-in-force records alone, it
/// answers the common fact (nothing doubtful in it) with bit tests and no record read:
/// - a subject is tested with one bit of the view's possibly-in-force records, and a link
///   fact with one bit over the document's links (set when the link or one of its ends is
///   possibly in force): only then is the link read, to find its ends;
/// - a record named by a field or missing fact is looked up only when its id's hash is
///   one of those of the possibly-in-force records (a filter of a few bits per such
///   record; a false hit only costs the lookup the fact cost before).
///
/// Reading every link and looking up every named id took 16 %, then 8 % (comparing ids
/// only for an end possibly in force), of a national audit at a date. Gives exactly what
/// [`uncertain_nodes`] gives for such facts (debug builds check that the ids are the ends').
pub(crate) struct Doubts<'m> {
    model: &'m Model,
    /// One bit per record of the document: set when it is possibly in force.
    nodes: &'m [u64],
    /// One bit per link of the document: set when it or an end is possibly in force.
    links: Vec<u64>,
    /// One bit per value of `hash & mask`, set for the id hash of each possibly-in-force record.
    ids: Vec<u64>,
    mask: u64,
}

impl<'m> Doubts<'m> {
    /// The doubts of `model`'s answers.
    pub fn new(model: &'m Model) -> Doubts<'m> {
        let mut doubts = Doubts { model, nodes: &[], links: Vec::new(), ids: Vec::new(), mask: 0 };
        let Some((nodes, links)) = model.possibly_bits() else { return doubts };
        doubts.nodes = nodes;
        doubts.links = links.to_vec();
        doubts.links.resize(model.link_count().div_ceil(64), 0);
        let possibly: Vec<Node> = model.possibly_nodes().collect();
        // At least 16 bits per record: about one false hit in 16 for an id not among them.
        let bits = (possibly.len() * 16).next_power_of_two().max(64);
        doubts.mask = bits as u64 - 1;
        doubts.ids = vec![0; bits / 64];
        for &n in &possibly {
            let h = model.id_hash(model.id(n)) & doubts.mask;
            doubts.ids[(h / 64) as usize] |= 1 << (h % 64);
            for (l, _) in model.document_links_from(n).chain(model.document_links_to(n)) {
                doubts.links[l.index() / 64] |= 1 << (l.index() % 64);
            }
        }
        doubts
    }

    /// Whether the document's link `i` or one of its ends is possibly in force.
    #[inline]
    fn link_doubtful(&self, i: usize) -> bool {
        self.links.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 != 0)
    }

    /// Whether the record `n` is possibly in force.
    #[inline]
    fn node_doubtful(&self, n: Node) -> bool {
        let i = n.index();
        self.nodes.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 != 0)
    }

    /// The record of a field or missing fact when it may be possibly in force: `None` when
    /// its id is surely not one of theirs (then the fact adds no doubt), or no record has it.
    #[inline]
    fn doubtful_record(&self, id: &str, hints: &[Node]) -> Option<Node> {
        let model = self.model;
        let hash = model.id_hash(id);
        let h = hash & self.mask;
        if self.ids[(h / 64) as usize] >> (h % 64) & 1 == 0 {
            return None;
        }
        hints.iter().copied().find(|&n| model.id(n) == id).or_else(|| model.find_hashed(hash, id))
    }

    /// [`uncertain_nodes`] of the model, for evidence whose link facts name their link's ends.
    pub fn of(&self, subjects: &[Node], evidence: &[Fact<'_>]) -> Evidence<'static> {
        let model = self.model;
        let mut out = Vec::new();
        if !model.has_uncertain() {
            return out;
        }
        let mut named = Named::default();
        for &n in subjects {
            if self.node_doubtful(n) {
                named.record(model, n, &mut out);
            }
        }
        for fact in evidence {
            match fact {
                Fact::Link { link, from, to, .. } if *link < model.link_count() => {
                    // One bit for the common link, neither possibly in force nor ending at one.
                    if !self.link_doubtful(*link) {
                        continue;
                    }
                    let id = LinkId(*link as u32);
                    named.link(model, id, &mut out);
                    let l = model.link(id);
                    debug_assert!(
                        model.id(l.from) == from && model.id(l.to) == to,
                        "a link fact names its link's ends"
                    );
                    for (end, id) in [(l.from, from), (l.to, to)] {
                        if model.status(end) == Status::Possibly
                            && let Some(n) = [end].into_iter().find(|&h| model.id(h) == id).or_else(|| model.find(id))
                        {
                            named.record(model, n, &mut out);
                        }
                    }
                }
                Fact::Link { from, to, .. } => {
                    for id in [from, to] {
                        if let Some(n) = model.find(id) {
                            named.record(model, n, &mut out);
                        }
                    }
                }
                Fact::Field { record: r, .. } | Fact::Missing { record: r, .. } => {
                    if let Some(n) = self.doubtful_record(r, subjects) {
                        named.record(model, n, &mut out);
                    }
                }
            }
        }
        out
    }
}

/// The possibly-in-force records and links an answer's doubts already name. Sets, not
/// lists: an answer may name thousands of them, and a list search per fact would make it
/// quadratic (the sets allocate only when something is doubtful).
#[derive(Default)]
struct Named {
    records: std::collections::HashSet<Node>,
    links: std::collections::HashSet<LinkId>,
}

impl Named {
    /// A possibly-in-force record's dates, the first time it is met.
    fn record(&mut self, model: &Model, n: Node, out: &mut Evidence<'static>) {
        if model.status(n) != Status::Possibly || !self.records.insert(n) {
            return;
        }
        let v = model.record(n).validity();
        for (field, date) in [("since", v.since), ("until", v.until)] {
            if let Some(d) = date {
                out.push(Fact::field(model, n, field, d.to_string()));
            }
        }
    }

    /// A possibly-in-force link, the first time it is met.
    fn link(&mut self, model: &Model, id: LinkId, out: &mut Evidence<'static>) {
        if model.link_status(id) == Status::Possibly && self.links.insert(id) {
            out.push(Fact::link(model, id));
        }
    }
}

/// [`uncertain`] for subjects given as handles. A link's ends are read from the link and
/// a record named by a fact is first compared with the subjects, so the common answer
/// (a chain, a finding about its subject) costs a bit test per record and link and no
/// id lookup.
pub(crate) fn uncertain_nodes(model: &Model, subjects: &[Node], evidence: &[Fact<'_>]) -> Evidence<'static> {
    let mut out = Vec::new();
    if !model.has_uncertain() {
        return out;
    }
    let mut named = Named::default();
    // The record with this id: one of `hints` when its id is this one (the same text, as a
    // fact borrowing the id from the model has, or equal text), else looked up.
    let find = |id: &str, hints: &[Node]| {
        let same = |h: Node| {
            let own = model.id(h);
            std::ptr::eq(own, id) || own == id
        };
        hints.iter().copied().find(|&h| same(h)).or_else(|| model.find(id))
    };
    for &n in subjects {
        named.record(model, n, &mut out);
    }
    for fact in evidence {
        match fact {
            Fact::Link { link, from, to, .. } => {
                let ends = if *link < model.link_count() {
                    let l = model.link(LinkId(*link as u32));
                    named.link(model, LinkId(*link as u32), &mut out);
                    [l.from, l.to]
                } else {
                    [Node::new(u32::MAX); 2]
                };
                for (id, hint) in [(from, ends[0]), (to, ends[1])] {
                    let hint = if hint.index() < model.len() { std::slice::from_ref(&hint) } else { &[] };
                    if let Some(n) = find(id, hint) {
                        named.record(model, n, &mut out);
                    }
                }
            }
            Fact::Field { record: r, .. } | Fact::Missing { record: r, .. } => {
                if let Some(n) = find(r, subjects) {
                    named.record(model, n, &mut out);
                }
            }
        }
    }
    out
}
