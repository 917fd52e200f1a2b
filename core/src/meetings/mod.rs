//! Meetings (三会, issue #15): hearings, coordination and evaluation meetings and the
//! consultations that gather their topics, held in a territory on a date.
//!
//! Meetings are a **side table** of the model, not records of its graph: a city holds
//! a hundred thousand a year, and no query about who is accountable walks through a
//! meeting. A model without meetings pays nothing but an empty table; a model with
//! them keeps each meeting once ([`Meeting`]: its kind, territory, date, convener and
//! topics as record handles) and two indexes built once when the model is built: the
//! meetings of each territory and the meetings on each topic, each in date order
//! ([`Meetings::of_territory`], [`Meetings::on_topic`]).
//!
//! The rules M001–M004 (`audit::rules::meetings`, `docs/rules.md`) read them, and
//! [`meetings_table`] counts them per community or street per year.
//!
//! # Example
//! ```
//! use tiaokuai::Model;
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "c1", "name": "友谊一村", "kind": "community"}],
//!   "items": [{"id": "p1", "name": "加装电梯", "list": "project", "since": "2023-05-01"}],
//!   "meetings": [{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2023-03-02", "topics": ["p1"]}]}"#)?;
//! let meetings = model.meetings();
//! assert_eq!(meetings.len(), 1);
//! let c1 = model.node("c1").unwrap();
//! let m = meetings.of_territory(c1).next().unwrap();
//! assert_eq!((&*m.id, m.kind.as_str(), m.date.to_string()), ("m1", "hearing", "2023-03-02".to_string()));
//! assert_eq!(meetings.on_topic(model.node("p1").unwrap()).count(), 1);
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::error::{Error, Position, Result};
use crate::model::{Attrs, Date, MeetingKind, Model, Node, RecordRef, RecordType, TerritoryKind};
use crate::table::{Column, ColumnData, Strings, Table};

/// One meeting: a row of the document's `meetings` array, with its references resolved.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Meeting {
    /// The meeting's id, unique in the document (records and meetings together).
    pub id: Box<str>,
    /// Hearing, coordination, evaluation, consultation or a custom `x-` kind.
    pub kind: MeetingKind,
    /// Where it was held: a territory (a community, village, grid, street …).
    pub territory: Node,
    /// When: a day, a month or a year.
    pub date: Date,
    /// The unit that convened it, when known.
    pub convener: Option<Node>,
    /// What it discussed: items (needs, projects …) or matters, as written.
    pub topics: Box<[Node]>,
    /// Free-form attributes, kept verbatim.
    pub attrs: Option<Attrs>,
}

/// What a meeting is made from: ids not yet resolved (see [`crate::ModelBuilder::meeting`]).
///
/// # Example
/// ```
/// use tiaokuai::*;
/// let mut b = Model::builder();
/// b.territory(TerritorySpec::new("c1", "友谊一村", TerritoryKind::Community))?;
/// b.meeting(MeetingSpec::new("m1", MeetingKind::Hearing, "c1", "2024-05".parse()?))?;
/// assert_eq!(b.build()?.meetings().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MeetingSpec {
    /// The id (not empty, unique among records and meetings).
    pub id: String,
    /// The kind.
    pub kind: MeetingKind,
    /// The id of the territory it was held in.
    pub territory: String,
    /// The date.
    pub date: Date,
    /// The id of the convening unit.
    pub convener: Option<String>,
    /// The ids of the items or matters discussed.
    pub topics: Vec<String>,
    /// Free-form attributes.
    pub attrs: Option<Attrs>,
}

impl MeetingSpec {
    /// A meeting of `kind` held in `territory` on `date`, without convener or topics.
    pub fn new(id: impl Into<String>, kind: MeetingKind, territory: impl Into<String>, date: Date) -> Self {
        MeetingSpec {
            id: id.into(),
            kind,
            territory: territory.into(),
            date,
            convener: None,
            topics: Vec::new(),
            attrs: None,
        }
    }

    /// Sets the convening unit.
    pub fn convener(mut self, id: impl Into<String>) -> Self {
        self.convener = Some(id.into());
        self
    }

    /// Adds a topic (an item or a matter).
    pub fn topic(mut self, id: impl Into<String>) -> Self {
        self.topics.push(id.into());
        self
    }

    /// Sets the attrs.
    pub fn attrs(mut self, attrs: Attrs) -> Self {
        self.attrs = Some(attrs);
        self
    }
}

/// The meetings of a model, in document order, with their indexes by territory and by
/// topic. Empty (and costing a few empty vectors) for a model that records none.
#[derive(Debug, Clone, Default)]
pub struct Meetings {
    list: Vec<Meeting>,
    /// (territory, meeting) pairs ordered by territory, then date, then document order.
    by_territory: Vec<(u32, u32)>,
    /// (topic, meeting) pairs ordered likewise.
    by_topic: Vec<(u32, u32)>,
    ids: HashTable<u32>,
    state: hashbrown::DefaultHashBuilder,
}

impl PartialEq for Meetings {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

/// The entries of a sorted pair table whose first element is `key`.
fn range(table: &[(u32, u32)], key: u32) -> &[(u32, u32)] {
    let start = table.partition_point(|&(k, _)| k < key);
    let end = start + table[start..].partition_point(|&(k, _)| k == key);
    &table[start..end]
}

impl Meetings {
    /// Indexes meetings already resolved (the builder's last step).
    pub(crate) fn new(list: Vec<Meeting>) -> Meetings {
        let mut by_territory: Vec<(u32, u32)> =
            list.iter().enumerate().map(|(i, m)| (m.territory.raw(), i as u32)).collect();
        let date_of = |&(k, i): &(u32, u32)| (k, list[i as usize].date.first_day(), i);
        by_territory.sort_unstable_by_key(date_of);
        let mut by_topic: Vec<(u32, u32)> =
            list.iter().enumerate().flat_map(|(i, m)| m.topics.iter().map(move |t| (t.raw(), i as u32))).collect();
        by_topic.sort_unstable_by_key(date_of);
        by_topic.dedup();
        let state = hashbrown::DefaultHashBuilder::default();
        let mut ids = HashTable::with_capacity(list.len());
        for (i, m) in list.iter().enumerate() {
            // The builder checked the ids are distinct.
            ids.insert_unique(state.hash_one(&*m.id), i as u32, |&j| state.hash_one(&*list[j as usize].id));
        }
        Meetings { list, by_territory, by_topic, ids, state }
    }

    /// The number of meetings.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when the model records no meeting (then the M rules stay silent).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every meeting, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, Meeting> {
        self.list.iter()
    }

    /// The meeting at a position of the document's `meetings` array.
    pub fn get(&self, index: usize) -> Option<&Meeting> {
        self.list.get(index)
    }

    /// The position in the document's `meetings` array of the meeting with this id.
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "territories": [{"id": "c1", "name": "友谊一村", "kind": "community"}],
    ///   "meetings": [{"id": "m1", "kind": "hearing", "territory": "c1", "date": "2023-03-02"}]}"#)?;
    /// assert_eq!(model.meetings().position("m1"), Some(0));
    /// assert_eq!(model.meetings().position("c1"), None);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn position(&self, id: &str) -> Option<usize> {
        let list = &self.list;
        self.ids.find(self.state.hash_one(id), |&i| &*list[i as usize].id == id).map(|&i| i as usize)
    }

    /// The meeting with this id.
    pub fn find(&self, id: &str) -> Option<&Meeting> {
        let list = &self.list;
        self.ids.find(self.state.hash_one(id), |&i| &*list[i as usize].id == id).map(|&i| &list[i as usize])
    }

    /// The meetings held in this territory itself (not below it), oldest first.
    pub fn of_territory(&self, territory: Node) -> impl Iterator<Item = &Meeting> + '_ {
        range(&self.by_territory, territory.raw()).iter().map(|&(_, i)| &self.list[i as usize])
    }

    /// The meetings that list this item or matter among their topics, oldest first.
    pub fn on_topic(&self, topic: Node) -> impl Iterator<Item = &Meeting> + '_ {
        range(&self.by_topic, topic.raw()).iter().map(|&(_, i)| &self.list[i as usize])
    }

    /// The earliest and latest dates of the meetings (first days), when there are any.
    pub fn span(&self) -> Option<(Date, Date)> {
        let mut dates = self.list.iter().map(|m| m.date.first_day());
        let first = dates.next()?;
        Some(dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d))))
    }
}

impl Model {
    /// The meetings the document records (all of them, whatever date the model is
    /// read at: a meeting is an event of the history, not a state).
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// assert_eq!(model.meetings().len(), 191); // the sample's, from 2022 (data/samples/README.md)
    /// assert!(tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1"}"#)?.meetings().is_empty());
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn meetings(&self) -> &Meetings {
        self.meetings_table()
    }

    /// The meetings as one JSON object per meeting, in document order and the
    /// format's field order (what the bindings hand out as records).
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let meetings: serde_json::Value = serde_json::from_str(&model.meetings_json()).unwrap();
    /// assert_eq!(meetings[0]["kind"], "hearing");
    /// assert_eq!(tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1"}"#)?.meetings_json(), "[]");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn meetings_json(&self) -> String {
        let rows: Vec<serde_json::Value> = self.meetings().iter().map(|m| meeting_value(self, m)).collect();
        serde_json::Value::Array(rows).to_string()
    }
}

/// A meeting as the format writes it.
#[derive(serde::Serialize)]
pub(crate) struct OutMeeting<'a> {
    id: &'a str,
    kind: &'a str,
    territory: &'a str,
    date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    convener: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topics: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attrs: Option<&'a serde_json::value::RawValue>,
}

impl<'a> OutMeeting<'a> {
    pub(crate) fn new(model: &'a Model, m: &'a Meeting) -> Self {
        OutMeeting {
            id: &m.id,
            kind: m.kind.as_str(),
            territory: model.id(m.territory),
            date: m.date.to_string(),
            convener: m.convener.map(|c| model.id(c)),
            topics: m.topics.iter().map(|&t| model.id(t)).collect(),
            attrs: m.attrs.as_ref().map(Attrs::raw),
        }
    }
}

/// A meeting spec as the format writes a meeting (a change set's `add.meetings`).
pub(crate) fn spec_json(spec: &MeetingSpec) -> String {
    let out = OutMeeting {
        id: &spec.id,
        kind: spec.kind.as_str(),
        territory: &spec.territory,
        date: spec.date.to_string(),
        convener: spec.convener.as_deref(),
        topics: spec.topics.iter().map(String::as_str).collect(),
        attrs: spec.attrs.as_ref().map(Attrs::raw),
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// The spec a meeting of `model` is made from: its references by id.
pub(crate) fn spec_of(model: &Model, m: &Meeting) -> MeetingSpec {
    let mut spec = MeetingSpec::new(&*m.id, m.kind, model.id(m.territory), m.date);
    spec.convener = m.convener.map(|c| model.id(c).to_string());
    spec.topics = m.topics.iter().map(|&t| model.id(t).to_string()).collect();
    spec.attrs = m.attrs.clone();
    spec
}

fn meeting_value(model: &Model, m: &Meeting) -> serde_json::Value {
    serde_json::to_value(OutMeeting::new(model, m)).unwrap_or(serde_json::Value::Null)
}

/// The CSV cells of a meeting, in the order of [`MEETING_COLUMNS`]: topics joined by `;`.
pub(crate) fn meeting_row(model: &Model, m: &Meeting) -> Vec<String> {
    vec![
        m.id.to_string(),
        m.kind.to_string(),
        model.id(m.territory).to_string(),
        m.date.to_string(),
        m.convener.map(|c| model.id(c).to_string()).unwrap_or_default(),
        m.topics.iter().map(|&t| model.id(t)).collect::<Vec<_>>().join(";"),
        m.attrs.as_ref().map(|a| a.as_json().to_string()).unwrap_or_default(),
    ]
}

/// The columns of `meetings.csv` (and of the `meetings` sheet).
pub const MEETING_COLUMNS: &[&str] = &["id", "kind", "territory", "date", "convener", "topics", "attrs"];

/// Splits a `topics` cell: ids separated by `;`, blanks around them trimmed, empty parts
/// left out (an id holding `;` cannot be written in a CSV bundle; see docs/format.md).
pub(crate) fn split_topics(cell: &str) -> Vec<String> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Refuses to write a table of meetings whose `topics` cell could not be read back: a
/// topic id holding `;` or starting or ending with a blank would come back split or trimmed.
pub(crate) fn check_topic_ids(model: &Model) -> Result<()> {
    for (i, m) in model.meetings().iter().enumerate() {
        for &t in m.topics.iter() {
            let id = model.id(t);
            if id.contains(';') || id.trim() != id {
                return Err(Error::InvalidField {
                    at: Position::record("meetings", i, Some(&m.id)),
                    field: "topics".into(),
                    message: format!(
                        "topic {id:?} holds a \";\" or blanks at its ends, which a spreadsheet's topics cell \
                         cannot keep; write this model as JSON"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Resolves one meeting spec against the records (`find` looks an id up), naming the
/// meeting (`meetings[i] (id "…")`) and the field in every error.
pub(crate) fn resolve(
    i: usize,
    spec: MeetingSpec,
    find: &dyn Fn(&str) -> Option<(Node, RecordType)>,
) -> Result<Meeting> {
    let at = || Position::record("meetings", i, Some(&spec.id));
    let lookup = |field: &str, id: &str| {
        find(id).ok_or_else(|| Error::DanglingReference { at: at(), field: field.into(), id: id.into() })
    };
    let expect = |field: &str, id: &str, want: RecordType| -> Result<Node> {
        let (node, found) = lookup(field, id)?;
        if found != want {
            return Err(Error::WrongEndpoint {
                at: at(),
                field: field.into(),
                id: id.into(),
                expected: want,
                found,
                context: format!("a meeting's {field:?}"),
            });
        }
        Ok(node)
    };
    let territory = expect("territory", &spec.territory, RecordType::Territory)?;
    let convener = spec.convener.as_deref().map(|c| expect("convener", c, RecordType::Unit)).transpose()?;
    let mut topics = Vec::with_capacity(spec.topics.len());
    for t in &spec.topics {
        let (node, found) = lookup("topics", t)?;
        if !matches!(found, RecordType::Item | RecordType::Matter) {
            return Err(Error::InvalidField {
                at: at(),
                field: "topics".into(),
                message: format!("{t:?} is {}; a meeting's topics are items or matters", article(found)),
            });
        }
        topics.push(node);
    }
    Ok(Meeting {
        id: spec.id.into_boxed_str(),
        kind: spec.kind,
        territory,
        date: spec.date,
        convener,
        topics: topics.into_boxed_slice(),
        attrs: spec.attrs,
    })
}

fn article(t: RecordType) -> &'static str {
    match t {
        RecordType::Territory => "a territory",
        RecordType::Unit => "a unit",
        RecordType::Matter => "a matter",
        RecordType::Item => "an item",
        RecordType::Person => "a person",
    }
}

/// The places meetings are counted by in [`meetings_table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MeetingsBy {
    /// Communities and villages (社区、村): meetings held in them or in a grid below.
    Community,
    /// Streets, towns, townships and zones: meetings held in them or anywhere below.
    Street,
}

impl std::str::FromStr for MeetingsBy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "community" => Ok(MeetingsBy::Community),
            "street" => Ok(MeetingsBy::Street),
            _ => Err(Error::Invalid {
                what: "meetings by".into(),
                message: format!("unknown level {s:?}; expected community or street"),
            }),
        }
    }
}

/// True for a territory meetings are counted by at `by`.
pub(crate) fn is_place(kind: &TerritoryKind, by: MeetingsBy) -> bool {
    match by {
        MeetingsBy::Community => matches!(kind, TerritoryKind::Community | TerritoryKind::Village),
        MeetingsBy::Street => kind.is_township_level(),
    }
}

/// The nearest territory at or above `t` that meetings are counted by at `by` (the
/// document's territory tree, whatever the view: a meeting stays where it was held).
pub(crate) fn place_of(model: &Model, t: Node, by: MeetingsBy) -> Option<Node> {
    let mut cur = Some(t);
    // The tree has no cycle (the builder refuses one), so the walk ends.
    while let Some(n) = cur {
        match model.record(n) {
            RecordRef::Territory(terr) if is_place(&terr.kind, by) => return Some(n),
            RecordRef::Territory(terr) => cur = terr.parent,
            _ => return None,
        }
    }
    None
}

/// Meetings held per community (or street) per year, by kind, and the projects heard
/// (a hearing lists them among its topics) and evaluated (an evaluation does) that year,
/// counted once each per row. One row per place and year with any meeting, places in
/// document order, years ascending; `year` keeps one year. Meetings dated after the
/// view's date are left out (they have not happened at that date). Linear in the
/// meetings and their topics, plus the walk from each meeting's territory up to its
/// community or street.
///
/// Columns: `territory`, `territory_name`, `year`, `hearing`, `coordination`,
/// `evaluation`, `consultation`, `other` (custom kinds), `meetings` (all),
/// `projects_heard`, `projects_evaluated`.
///
/// # Example
/// ```
/// use tiaokuai::{Model, meetings::{meetings_table, MeetingsBy}};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "s", "name": "街道", "kind": "street"},
///                   {"id": "c", "name": "社区", "kind": "community", "parent": "s"}],
///   "items": [{"id": "p", "name": "项目", "list": "project"}],
///   "meetings": [{"id": "m1", "kind": "hearing", "territory": "c", "date": "2023-03", "topics": ["p"]},
///                {"id": "m2", "kind": "evaluation", "territory": "c", "date": "2024-01-05", "topics": ["p"]}]}"#)?;
/// let t = meetings_table(&model, MeetingsBy::Street, None);
/// assert_eq!(t.rows(), 2);
/// let heard = t.column("projects_heard").unwrap();
/// assert_eq!((heard.data.text(0), heard.data.text(1)), ("1".into(), "0".into()));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn meetings_table(model: &Model, by: MeetingsBy, year: Option<u32>) -> Table {
    #[derive(Default, Clone)]
    struct Row {
        kinds: [i64; 5],
        heard: Vec<u32>,
        evaluated: Vec<u32>,
    }
    let until = model.date().map(|d| d.last_day());
    let mut rows: std::collections::HashMap<(u32, u32), Row> = std::collections::HashMap::new();
    for m in model.meetings().iter() {
        if until.is_some_and(|u| m.date.first_day() > u) || year.is_some_and(|y| m.date.year() != y) {
            continue;
        }
        let Some(place) = place_of(model, m.territory, by) else { continue };
        let row = rows.entry((place.raw(), m.date.year())).or_default();
        let k = match m.kind {
            MeetingKind::Hearing => 0,
            MeetingKind::Coordination => 1,
            MeetingKind::Evaluation => 2,
            MeetingKind::Consultation => 3,
            _ => 4,
        };
        row.kinds[k] += 1;
        let projects = m
            .topics
            .iter()
            .filter(|&&t| model.record(t).as_item().is_some_and(|i| i.list == crate::model::ItemList::Project));
        match k {
            0 => row.heard.extend(projects.map(|t| t.raw())),
            2 => row.evaluated.extend(projects.map(|t| t.raw())),
            _ => {}
        }
    }
    let mut keys: Vec<(u32, u32)> = rows.keys().copied().collect();
    keys.sort_unstable();
    let (mut ids, mut names) = (Strings::new(), Strings::new());
    let mut years = Vec::with_capacity(keys.len());
    let mut counts: [Vec<Option<i64>>; 8] = Default::default();
    for key in &keys {
        let row = rows.get_mut(key).expect("a key of the map");
        let node = Node::new(key.0);
        ids.push(Some(model.id(node)));
        names.push(Some(model.name(node)));
        years.push(Some(i64::from(key.1)));
        for (c, v) in row.kinds.iter().enumerate() {
            counts[c].push(Some(*v));
        }
        counts[5].push(Some(row.kinds.iter().sum()));
        for (c, list) in [(6, &mut row.heard), (7, &mut row.evaluated)] {
            list.sort_unstable();
            list.dedup();
            counts[c].push(Some(list.len() as i64));
        }
    }
    let mut t = Table::new();
    let names_of = [
        "hearing",
        "coordination",
        "evaluation",
        "consultation",
        "other",
        "meetings",
        "projects_heard",
        "projects_evaluated",
    ];
    // Every column has one value per row: pushing cannot fail.
    let _ = t.push(Column::new("territory", ColumnData::Str(ids)));
    let _ = t.push(Column::new("territory_name", ColumnData::Str(names)));
    let _ = t.push(Column::new("year", ColumnData::Int(years)));
    for (name, data) in names_of.iter().zip(counts) {
        let _ = t.push(Column::new(*name, ColumnData::Int(data)));
    }
    t
}
