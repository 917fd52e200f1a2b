//! The change set types, reading them from JSON and writing them back.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::CHANGE_FORMAT;
use crate::error::{Error, Position, Result};
use crate::format::json::{self, At, OutLink, OutRecord, bare_message};
use crate::model::*;

/// One edit of a model (`tiaokuai-change/1`): what it adds, updates, ends and removes.
///
/// Built by [`ChangeSet::from_json`], by [`crate::change`]'s diff, or in code:
///
/// # Example
/// ```
/// use tiaokuai::change::{ChangeSet, Field, LinkAddress, Update, Value};
/// use tiaokuai::{LinkKind, Sector, UnitKind, UnitSpec};
/// let mut change = ChangeSet::new();
/// change.set_title("新河三居民区成立党支部");
/// change.add.units.push(UnitSpec::new("xh3-dzb", "新河三居民区党支部", UnitKind::PartyBranch).sector(Sector::Party));
/// change.update.push(Update::new("xh3-jwh").set(Field::Name, Value::Text("新河三居委会".into())).unset(Field::Attrs));
/// change.end_link(LinkAddress::new("a", "b", LinkKind::Leads), "2017-02-28".parse().unwrap());
/// change.remove_record("typo-unit");
/// assert_eq!(change.len(), 4);
/// let text = change.to_json();
/// assert_eq!(tiaokuai::change::ChangeSet::from_json(&text)?, change);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ChangeSet {
    /// The change set's own `meta` (`title`, `date`, `basis`, `reform`, and any other
    /// key), kept verbatim. See [`ChangeSet::title`] and its siblings.
    pub meta: Option<Attrs>,
    /// Records and links to add (the arrays of a model document).
    pub add: Additions,
    /// Fields to set or unset on records, by id.
    pub update: Vec<Update>,
    /// Records and links to close on a day (their `until`; history kept).
    pub end: Vec<End>,
    /// Records and links to delete (a correction; history not kept).
    pub remove: Vec<Removal>,
    /// A new `meta` object for the model (`Some(None)`: the model's `meta` goes);
    /// `None` leaves the model's `meta` as it is. Written as `"set_meta"`, a tiaokuai
    /// extension of the format that diffs need (a model's `meta.as_of` differs between
    /// two snapshots).
    pub set_meta: Option<Option<Attrs>>,
}

/// The records and links a change set adds, as a model document holds them: references
/// by id, which the apply resolves against the model after the change.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Additions {
    /// Territories, added after the model's territories.
    pub territories: Vec<TerritorySpec>,
    /// Units, added after the model's units.
    pub units: Vec<UnitSpec>,
    /// Matters, added after the model's matters.
    pub matters: Vec<MatterSpec>,
    /// Items, added after the model's items.
    pub items: Vec<ItemSpec>,
    /// People, added after the model's people (issue #14).
    pub people: Vec<PersonSpec>,
    /// Links, added after the model's links.
    pub links: Vec<LinkSpec>,
    /// Meetings (issue #15), added after the model's meetings. A meeting's id is unique
    /// among records and meetings together.
    pub meetings: Vec<crate::meetings::MeetingSpec>,
}

impl Additions {
    /// The number of records and links added.
    pub fn len(&self) -> usize {
        self.territories.len()
            + self.units.len()
            + self.matters.len()
            + self.items.len()
            + self.people.len()
            + self.links.len()
            + self.meetings.len()
    }

    /// True when nothing is added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A field of a record or meeting that an [`Update`] sets or unsets (never `id`: a record
/// keeps its id; remove it and add another to change one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// `name` (required: set, never unset).
    Name,
    /// `kind` of a territory or unit (required).
    Kind,
    /// `sector` of a unit.
    Sector,
    /// `parent` of a territory (an id).
    Parent,
    /// `located_in` of a unit (an id).
    LocatedIn,
    /// `members` of a unit.
    Members,
    /// `staff` of a unit.
    Staff,
    /// `in_service_members` of a unit.
    InServiceMembers,
    /// `list` of a matter or item (required).
    List,
    /// `category` of a matter.
    Category,
    /// `attrs` of any record.
    Attrs,
    /// `since` of any record.
    Since,
    /// `until` of any record.
    Until,
    /// `territory` of a meeting (an id; required).
    Territory,
    /// `date` of a meeting (required).
    Date,
    /// `convener` of a meeting (an id).
    Convener,
    /// `topics` of a meeting (ids of items or matters).
    Topics,
}

impl Field {
    /// Every field: the records' in the order the model's writer writes them, then the
    /// meetings' own.
    pub const ALL: [Field; 17] = [
        Field::Name,
        Field::Kind,
        Field::List,
        Field::Category,
        Field::Sector,
        Field::Parent,
        Field::LocatedIn,
        Field::Members,
        Field::Staff,
        Field::InServiceMembers,
        Field::Attrs,
        Field::Since,
        Field::Until,
        Field::Territory,
        Field::Date,
        Field::Convener,
        Field::Topics,
    ];

    /// The field's name in the format.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::change::Field;
    /// assert_eq!(Field::LocatedIn.as_str(), "located_in");
    /// assert_eq!("in_service_members".parse::<Field>(), Ok(Field::InServiceMembers));
    /// assert!("id".parse::<Field>().is_err());
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Kind => "kind",
            Field::Sector => "sector",
            Field::Parent => "parent",
            Field::LocatedIn => "located_in",
            Field::Members => "members",
            Field::Staff => "staff",
            Field::InServiceMembers => "in_service_members",
            Field::List => "list",
            Field::Category => "category",
            Field::Attrs => "attrs",
            Field::Since => "since",
            Field::Until => "until",
            Field::Territory => "territory",
            Field::Date => "date",
            Field::Convener => "convener",
            Field::Topics => "topics",
        }
    }

    /// True for the fields every record of a type must have (`name`, `kind`, `list`), and
    /// every meeting (`kind`, `territory`, `date`), which can be set but not unset.
    pub fn required(self) -> bool {
        matches!(self, Field::Name | Field::Kind | Field::List | Field::Territory | Field::Date)
    }

    /// True when records of this type have the field.
    pub fn applies_to(self, t: RecordType) -> bool {
        use RecordType::*;
        match self {
            Field::Name | Field::Attrs | Field::Since | Field::Until => true,
            Field::Kind => matches!(t, Territory | Unit),
            Field::Parent => t == Territory,
            Field::Sector | Field::LocatedIn | Field::Members | Field::Staff | Field::InServiceMembers => t == Unit,
            Field::List => matches!(t, Matter | Item),
            Field::Category => t == Matter,
            Field::Territory | Field::Date | Field::Convener | Field::Topics => false,
        }
    }

    /// True when meetings have the field: `kind`, `territory`, `date`, `convener`,
    /// `topics`, `attrs`.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::change::Field;
    /// assert!(Field::Topics.applies_to_meeting());
    /// assert!(!Field::Name.applies_to_meeting(), "a meeting has no name");
    /// ```
    pub fn applies_to_meeting(self) -> bool {
        matches!(self, Field::Kind | Field::Territory | Field::Date | Field::Convener | Field::Topics | Field::Attrs)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Field {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Field, String> {
        Field::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| {
            if s == "id" {
                "a record keeps its id: remove the record and add one with the new id".to_string()
            } else {
                let names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown field {s:?}; expected one of {}", names.join(", "))
            }
        })
    }
}

/// The new value of a field set by an [`Update`], checked against the field when the
/// change set is read (a word against its vocabulary when it is applied, where the
/// record's type is known).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `name`, `kind`, `sector`, `parent`, `located_in`, `list`, `category`, and a
    /// meeting's `territory` and `convener`.
    Text(String),
    /// `members`, `staff`, `in_service_members`.
    Count(u32),
    /// `since`, `until`, a meeting's `date`.
    Date(Date),
    /// `attrs`.
    Attrs(Attrs),
    /// A meeting's `topics`: ids.
    Ids(Vec<String>),
}

impl Value {
    /// Whether the value has the shape `field` takes.
    pub fn fits(&self, field: Field) -> bool {
        matches!(
            (self, field),
            (Value::Count(_), Field::Members | Field::Staff | Field::InServiceMembers)
                | (Value::Date(_), Field::Since | Field::Until | Field::Date)
                | (Value::Attrs(_), Field::Attrs)
                | (Value::Ids(_), Field::Topics)
                | (
                    Value::Text(_),
                    Field::Name
                        | Field::Kind
                        | Field::Sector
                        | Field::Parent
                        | Field::LocatedIn
                        | Field::List
                        | Field::Category
                        | Field::Territory
                        | Field::Convener
                )
        )
    }

    fn to_json(&self) -> String {
        match self {
            Value::Text(s) => serde_json::Value::String(s.clone()).to_string(),
            Value::Count(n) => n.to_string(),
            Value::Date(d) => format!("\"{d}\""),
            Value::Attrs(a) => a.as_json().to_string(),
            Value::Ids(ids) => serde_json::Value::from(ids.clone()).to_string(),
        }
    }
}

/// Sets and unsets fields of one record, by id.
///
/// # Example
/// ```
/// use tiaokuai::change::{Field, Update, Value};
/// let u = Update::new("yyl-gw").set(Field::Name, Value::Text("友谊路街道党工委(新)".into())).unset(Field::Attrs);
/// assert_eq!(u.set.len(), 1);
/// assert_eq!(u.unset, [Field::Attrs]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Update {
    /// The record's id.
    pub id: String,
    /// The fields set, in the order given.
    pub set: Vec<(Field, Value)>,
    /// The fields unset (optional fields only).
    pub unset: Vec<Field>,
}

impl Update {
    /// An update of the record `id` that changes nothing yet.
    pub fn new(id: impl Into<String>) -> Update {
        Update { id: id.into(), set: Vec::new(), unset: Vec::new() }
    }

    /// Sets a field.
    pub fn set(mut self, field: Field, value: Value) -> Update {
        self.set.push((field, value));
        self
    }

    /// Unsets a field.
    pub fn unset(mut self, field: Field) -> Update {
        self.unset.push(field);
        self
    }
}

/// What an `end` or `remove` is about: a record by id, or a link by its address.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Target {
    /// The record with this id.
    Record(String),
    /// The one link this address matches.
    Link(LinkAddress),
}

impl Target {
    /// The id of the record, or the `from` id of the link.
    pub fn id(&self) -> &str {
        match self {
            Target::Record(id) => id,
            Target::Link(a) => &a.from,
        }
    }
}

/// A link named by its ends and kind, plus the fields that tell it from another link
/// between the same records: `role`, `scope`, `power` (the format's), and `since` /
/// `until` (a tiaokuai extension, for the same link held twice: a secretary's two
/// terms). A field left out matches any value; the address must match exactly one link.
///
/// # Example
/// ```
/// use tiaokuai::change::LinkAddress;
/// use tiaokuai::{LinkKind, Role};
/// let a = LinkAddress::new("bs-cgj", "illegal-construction", LinkKind::Responsible).role(Role::Lead).scope("310113003");
/// assert_eq!(a.to_string(), r#"responsible link "bs-cgj" -> "illegal-construction" (role lead, scope "310113003")"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LinkAddress {
    /// The `from` id.
    pub from: String,
    /// The `to` id.
    pub to: String,
    /// The kind.
    pub kind: LinkKind,
    /// The role (`responsible` links).
    pub role: Option<Role>,
    /// The scope territory's id (`responsible` links).
    pub scope: Option<String>,
    /// The power (`power` links).
    pub power: Option<Power>,
    /// The link's `since`, when needed to tell it apart.
    pub since: Option<Date>,
    /// The link's `until`, when needed to tell it apart.
    pub until: Option<Date>,
}

impl LinkAddress {
    /// The address of the link of `kind` from `from` to `to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: LinkKind) -> LinkAddress {
        LinkAddress {
            from: from.into(),
            to: to.into(),
            kind,
            role: None,
            scope: None,
            power: None,
            since: None,
            until: None,
        }
    }

    /// Narrows the address to a role.
    pub fn role(mut self, role: Role) -> LinkAddress {
        self.role = Some(role);
        self
    }

    /// Narrows the address to a scope territory.
    pub fn scope(mut self, id: impl Into<String>) -> LinkAddress {
        self.scope = Some(id.into());
        self
    }

    /// Narrows the address to a power.
    pub fn power(mut self, power: Power) -> LinkAddress {
        self.power = Some(power);
        self
    }

    /// Narrows the address to links with these dates (`None`: any).
    pub fn dates(mut self, since: Option<Date>, until: Option<Date>) -> LinkAddress {
        self.since = since;
        self.until = until;
        self
    }

    /// True when the link of `model` matches the address.
    pub fn matches(&self, model: &Model, link: Link) -> bool {
        link.kind == self.kind
            && model.id(link.from) == self.from
            && model.id(link.to) == self.to
            && self.role.as_ref().is_none_or(|r| link.role.as_ref() == Some(r))
            && self.power.as_ref().is_none_or(|p| link.power.as_ref() == Some(p))
            && self.scope.as_deref().is_none_or(|s| link.scope.map(|n| model.id(n)) == Some(s))
            && self.since.is_none_or(|d| link.validity.since == Some(d))
            && self.until.is_none_or(|d| link.validity.until == Some(d))
    }
}

impl fmt::Display for LinkAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} link {:?} -> {:?}", self.kind.as_str(), self.from, self.to)?;
        let mut extra = Vec::new();
        if let Some(r) = &self.role {
            extra.push(format!("role {}", r.as_str()));
        }
        if let Some(s) = &self.scope {
            extra.push(format!("scope {s:?}"));
        }
        if let Some(p) = &self.power {
            extra.push(format!("power {}", p.as_str()));
        }
        if let Some(d) = self.since {
            extra.push(format!("since {d}"));
        }
        if let Some(d) = self.until {
            extra.push(format!("until {d}"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

/// Closes a record or link on a day: its `until` becomes `on` (the last day in force).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct End {
    /// The record or link.
    pub target: Target,
    /// The last day in force.
    pub on: Date,
}

/// Deletes a record or link (a correction: no history kept).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Removal {
    /// The record or link.
    pub target: Target,
}

/// Where a change stands in its change set: the section (`add.units`, `update`, `end`,
/// `remove`, `set_meta`) and the index in it, as errors name it.
///
/// # Example
/// ```
/// use tiaokuai::change::ChangeRef;
/// assert_eq!(ChangeRef::new("update", 3).to_string(), "update[3]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChangeRef {
    /// The section: `add.territories`, `add.units`, `add.matters`, `add.items`, `add.links`,
    /// `update`, `end`, `remove` or `set_meta`.
    pub section: &'static str,
    /// The index in the section (0 for `set_meta`).
    pub index: usize,
}

impl ChangeRef {
    /// The change at `index` of `section`.
    pub fn new(section: &'static str, index: usize) -> ChangeRef {
        ChangeRef { section, index }
    }
}

impl fmt::Display for ChangeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.section, self.index)
    }
}

impl ChangeSet {
    /// An empty change set.
    pub fn new() -> ChangeSet {
        ChangeSet::default()
    }

    /// The number of changes: records and links added, updates, ends and removals (and
    /// the `set_meta`, when there is one).
    pub fn len(&self) -> usize {
        self.add.len() + self.update.len() + self.end.len() + self.remove.len() + usize::from(self.set_meta.is_some())
    }

    /// True when the change set changes nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn meta_str(&self, key: &str) -> Option<String> {
        match self.meta.as_ref()?.get(key)? {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// `meta.title`: what the edit is ("友谊路街道与吴淞街道合并").
    pub fn title(&self) -> Option<String> {
        self.meta_str("title")
    }

    /// `meta.date`: the day the edit takes effect (checked to be a date when read).
    pub fn date(&self) -> Option<Date> {
        self.meta_str("date").and_then(|s| s.parse().ok())
    }

    /// `meta.basis`: the document the edit rests on ("沪府〔2020〕XX号").
    pub fn basis(&self) -> Option<String> {
        self.meta_str("basis")
    }

    /// `meta.reform`: the reform the edit belongs to, so that the edits of one reform can be
    /// gathered.
    pub fn reform(&self) -> Option<String> {
        self.meta_str("reform")
    }

    fn set_meta_key(&mut self, key: &str, value: serde_json::Value) {
        let mut map = self.meta.as_ref().map(Attrs::to_map).unwrap_or_default();
        map.insert(key.to_string(), value);
        self.meta = Some(Attrs::from_map(&map));
    }

    /// Sets `meta.title`.
    pub fn set_title(&mut self, title: &str) -> &mut Self {
        self.set_meta_key("title", title.into());
        self
    }

    /// Sets `meta.date`.
    pub fn set_date(&mut self, date: Date) -> &mut Self {
        self.set_meta_key("date", date.to_string().into());
        self
    }

    /// Sets `meta.basis`.
    pub fn set_basis(&mut self, basis: &str) -> &mut Self {
        self.set_meta_key("basis", basis.into());
        self
    }

    /// Sets `meta.reform`.
    pub fn set_reform(&mut self, reform: &str) -> &mut Self {
        self.set_meta_key("reform", reform.into());
        self
    }

    /// Ends the record `id` on `on`.
    pub fn end_record(&mut self, id: impl Into<String>, on: Date) -> &mut Self {
        self.end.push(End { target: Target::Record(id.into()), on });
        self
    }

    /// Ends the link at `address` on `on`.
    pub fn end_link(&mut self, address: LinkAddress, on: Date) -> &mut Self {
        self.end.push(End { target: Target::Link(address), on });
        self
    }

    /// Removes the record `id`.
    pub fn remove_record(&mut self, id: impl Into<String>) -> &mut Self {
        self.remove.push(Removal { target: Target::Record(id.into()) });
        self
    }

    /// Removes the link at `address`.
    pub fn remove_link(&mut self, address: LinkAddress) -> &mut Self {
        self.remove.push(Removal { target: Target::Link(address) });
        self
    }

    /// Loads a change set from a file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::TooLarge`] past 4 GiB, and
    /// those of [`ChangeSet::from_json`].
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<ChangeSet> {
        let path = path.as_ref();
        let bytes = crate::format::read_checked(path, 0, 4 << 30, &mut |_| {})?;
        ChangeSet::from_json_bytes(&bytes)
    }

    /// Reads a change set from JSON bytes (UTF-8, with or without a byte-order mark).
    ///
    /// # Errors
    /// As [`ChangeSet::from_json`], and [`Error::Syntax`] for invalid UTF-8.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<ChangeSet> {
        let text = crate::format::strict::decode(bytes, u64::MAX)?;
        ChangeSet::from_json(text)
    }

    /// Reads a change set from `tiaokuai-change/1` JSON text.
    ///
    /// The records and links of `add` are read by the model's own reader, so their errors
    /// are a model's, with the section in front (`add.units[2] (id "x"): field "kind": …`).
    ///
    /// # Errors
    /// [`Error::Syntax`] for malformed JSON, [`Error::Format`] for a missing or other
    /// `format`, [`Error::Invalid`] for an unknown top-level field, and
    /// [`Error::InvalidField`] (or the other record errors) naming the section, the index,
    /// the id and the field.
    ///
    /// # Example
    /// ```
    /// let err = tiaokuai::change::ChangeSet::from_json(r#"{"format": "tiaokuai-change/1",
    ///   "update": [{"id": "a", "set": {"members": -1}}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), r#"update[0] (id "a"): field "set.members": -1 is not a valid count: must not be negative"#);
    /// ```
    pub fn from_json(text: &str) -> Result<ChangeSet> {
        read(text)
    }

    /// The change set as `tiaokuai-change/1` JSON text: deterministic, one change per line,
    /// the sections that hold something in a fixed order (`meta`, `set_meta`, `add`,
    /// `update`, `end`, `remove`).
    pub fn to_json(&self) -> String {
        write(self)
    }

    /// Writes the change set atomically to a file ([`crate::format::write_atomic`]).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written or is refused.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let text = self.to_json();
        let path = path.as_ref();
        crate::format::write_atomic(path, |w| {
            use std::io::Write;
            w.write_all(text.as_bytes()).map_err(|e| Error::io(path, &e))
        })
    }
}

// ---------------------------------------------------------------------------
// Reading

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeRaw<'a> {
    #[serde(borrow, default)]
    format: Option<&'a RawValue>,
    #[serde(borrow, default)]
    meta: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    set_meta: Option<Option<&'a RawValue>>,
    #[serde(borrow, default)]
    add: Option<AddRaw<'a>>,
    #[serde(borrow, default)]
    update: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    end: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    remove: Vec<&'a RawValue>,
}

/// A field that is present, `null` or not: `Some(None)` for `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Option<&'de RawValue>>, D::Error> {
    let raw: &'de RawValue = Deserialize::deserialize(d)?;
    Ok(Some(if raw.get() == "null" { None } else { Some(raw) }))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AddRaw<'a> {
    #[serde(borrow, default)]
    territories: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    units: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    matters: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    items: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    people: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    links: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    meetings: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateRaw<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    set: Option<&'a RawValue>,
    #[serde(borrow, default)]
    unset: Vec<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetRaw<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    link: Option<&'a RawValue>,
    #[serde(borrow, default)]
    on: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressRaw<'a> {
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    scope: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    power: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
}

/// An error of a record read by the model's reader, moved into a change set's section.
pub(crate) fn relocate(e: Error, section: &str) -> Error {
    let mut e = e;
    let at = match &mut e {
        Error::InvalidField { at, .. }
        | Error::InvalidCount { at, .. }
        | Error::UnknownWord { at, .. }
        | Error::DuplicateId { at, .. }
        | Error::DanglingReference { at, .. }
        | Error::WrongEndpoint { at, .. }
        | Error::TerritoryCycle { at, .. } => at,
        _ => return e,
    };
    at.array = section.to_string();
    e
}

fn invalid(section: &str, index: usize, id: Option<&str>, field: &str, message: impl Into<String>) -> Error {
    Error::InvalidField { at: Position::record(section, index, id), field: field.into(), message: message.into() }
}

fn read(text: &str) -> Result<ChangeSet> {
    if text.trim_matches([' ', '\n', '\r', '\t']).is_empty() {
        return Err(Error::Syntax { message: "the document is empty".into(), line: 1, column: 1 });
    }
    if let Some(offset) = crate::model::too_deep(text) {
        let (line, column) = crate::format::strict::line_col(text.as_bytes(), offset);
        return Err(Error::Syntax { message: crate::model::too_deep_message(), line, column });
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(Error::Syntax { message: bare_message(&e), line: e.line(), column: e.column() });
    }
    let doc: ChangeRaw<'_> = serde_json::from_str(text).map_err(|e| {
        let mut message = bare_message(&e);
        if let Some(rest) = message.strip_prefix("unknown field `") {
            let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
            message = format!("unknown field {name:?}; {}", expected.trim_start_matches(", ").replace('`', ""));
        } else {
            let mut de = serde_json::Deserializer::from_str(text);
            if let Err(pe) = serde_path_to_error::deserialize::<_, ChangeRaw<'_>>(&mut de) {
                let path = pe.path().to_string();
                if !path.is_empty() && path != "." {
                    message = format!("field {path:?}: {message}");
                }
            }
        }
        Error::Invalid { what: "change set".into(), message: format!("{message} (line {})", e.line()) }
    })?;
    match doc.format.map(|raw| serde_json::from_str::<Cow<'_, str>>(raw.get())) {
        None => return Err(Error::Format { found: None }),
        Some(Ok(s)) if s == CHANGE_FORMAT => {}
        Some(Ok(s)) => return Err(Error::Format { found: Some(s.into_owned()) }),
        Some(Err(_)) => return Err(Error::Format { found: doc.format.map(|r| r.get().to_string()) }),
    }
    let mut change = ChangeSet::new();
    if let Some(meta) = doc.meta {
        let m = Attrs::from_raw(meta, META_DEPTH).map_err(|m| invalid("document", 0, None, "meta", m))?;
        let map = m.to_map();
        for key in ["title", "basis", "reform", "date"] {
            match map.get(key) {
                None | Some(serde_json::Value::String(_)) => {}
                Some(_) => return Err(invalid("document", 0, None, &format!("meta.{key}"), "must be a string")),
            }
        }
        if let Some(serde_json::Value::String(d)) = map.get("date") {
            d.parse::<Date>().map_err(|m| invalid("document", 0, None, "meta.date", m))?;
        }
        change.meta = Some(m);
    }
    if let Some(set_meta) = doc.set_meta {
        change.set_meta = Some(
            set_meta
                .map(|raw| Attrs::from_raw(raw, META_DEPTH).map_err(|m| invalid("document", 0, None, "set_meta", m)))
                .transpose()?,
        );
    }
    let add = doc.add.unwrap_or_default();
    let empty = ModelBuilder::new();
    for (i, raw) in add.territories.iter().enumerate() {
        let (_, parsed) = json::territory_spec(&empty, i, raw.get()).map_err(|e| relocate(e, "add.territories"))?;
        change.add.territories.push(parsed.into_spec());
    }
    for (i, raw) in add.units.iter().enumerate() {
        let (_, parsed) = json::unit_spec(&empty, i, raw.get()).map_err(|e| relocate(e, "add.units"))?;
        change.add.units.push(parsed.into_spec());
    }
    for (i, raw) in add.matters.iter().enumerate() {
        change
            .add
            .matters
            .push(json::matter_spec(&empty, i, raw.get()).map_err(|e| relocate(e, "add.matters"))?.into_spec());
    }
    for (i, raw) in add.items.iter().enumerate() {
        change.add.items.push(json::item_spec(&empty, i, raw.get()).map_err(|e| relocate(e, "add.items"))?.into_spec());
    }
    for (i, raw) in add.people.iter().enumerate() {
        change
            .add
            .people
            .push(json::person_spec(&empty, i, raw.get()).map_err(|e| relocate(e, "add.people"))?.into_spec());
    }
    for (i, raw) in add.links.iter().enumerate() {
        change.add.links.push(json::link_spec(i, raw.get()).map_err(|e| relocate(e, "add.links"))?);
    }
    for (i, raw) in add.meetings.iter().enumerate() {
        change.add.meetings.push(json::meeting_spec(i, raw.get()).map_err(|e| relocate(e, "add.meetings"))?);
    }
    for (i, raw) in doc.update.iter().enumerate() {
        change.update.push(read_update(i, raw)?);
    }
    for (i, raw) in doc.end.iter().enumerate() {
        let (target, on) = read_target("end", i, raw)?;
        let Some(on) = on else {
            return Err(invalid("end", i, Some(target.id()), "on", "is required: the last day in force"));
        };
        change.end.push(End { target, on });
    }
    for (i, raw) in doc.remove.iter().enumerate() {
        let (target, on) = read_target("remove", i, raw)?;
        if on.is_some() {
            return Err(invalid(
                "remove",
                i,
                Some(target.id()),
                "on",
                "a removal has no day: to close a record on a day and keep its history, use \"end\"",
            ));
        }
        change.remove.push(Removal { target });
    }
    Ok(change)
}

fn read_update(i: usize, raw: &RawValue) -> Result<Update> {
    let r: UpdateRaw<'_> = json::parse_record("update", i, raw.get())?;
    let id = r.id.as_ref();
    let bad = |field: &str, message: String| invalid("update", i, Some(id), field, message);
    let mut update = Update::new(id);
    if let Some(set) = r.set {
        let entries = serde_json::from_str::<crate::model::RawEntries>(set.get())
            .map_err(|_| bad("set", "must be an object of fields and their new values".into()))?;
        let mut seen = std::collections::HashSet::new();
        for (name, value) in entries.0 {
            let path = format!("set.{name}");
            let field: Field = name.parse().map_err(|m| bad(&path, m))?;
            if !seen.insert(field) {
                return Err(bad(&path, "is given twice".into()));
            }
            let text = value.get();
            if text == "null" {
                return Err(bad(&path, format!("is null: to remove the field, list it in \"unset\": [{name:?}]")));
            }
            let value = match field {
                Field::Members | Field::Staff | Field::InServiceMembers => {
                    let n = json::count_text(&value).map_err(|(value, reason)| Error::InvalidCount {
                        at: Position::record("update", i, Some(id)),
                        field: path.clone(),
                        value,
                        reason: reason.into(),
                    })?;
                    Value::Count(n)
                }
                Field::Attrs => Value::Attrs(Attrs::from_raw(&value, ATTRS_DEPTH).map_err(|m| bad(&path, m))?),
                Field::Topics => Value::Ids(
                    serde_json::from_str(text).map_err(|_| bad(&path, "must be an array of ids (strings)".into()))?,
                ),
                _ => {
                    let s: String = serde_json::from_str(text).map_err(|_| bad(&path, "must be a string".into()))?;
                    if matches!(field, Field::Since | Field::Until | Field::Date) {
                        Value::Date(s.parse().map_err(|m| bad(&path, m))?)
                    } else {
                        Value::Text(s)
                    }
                }
            };
            update.set.push((field, value));
        }
    }
    for name in &r.unset {
        let field: Field = name.parse().map_err(|m| bad("unset", m))?;
        if field.required() {
            return Err(bad("unset", format!("{name:?} is required and cannot be unset; set it instead")));
        }
        if update.set.iter().any(|(f, _)| *f == field) || update.unset.contains(&field) {
            return Err(bad("unset", format!("{name:?} is set or unset twice")));
        }
        update.unset.push(field);
    }
    if update.set.is_empty() && update.unset.is_empty() {
        return Err(bad("set", "an update sets or unsets at least one field".into()));
    }
    Ok(update)
}

fn read_target(section: &'static str, i: usize, raw: &RawValue) -> Result<(Target, Option<Date>)> {
    let r: TargetRaw<'_> = json::parse_record(section, i, raw.get())?;
    let on = |id: Option<&str>| -> Result<Option<Date>> {
        r.on.as_deref().map(|s| s.parse::<Date>().map_err(|m| invalid(section, i, id, "on", m))).transpose()
    };
    match (&r.id, r.link) {
        (Some(id), None) => Ok((Target::Record(id.to_string()), on(Some(id))?)),
        (None, Some(link)) => {
            let a: AddressRaw<'_> = json::parse_record(section, i, link.get()).map_err(|e| match e {
                Error::InvalidField { at, field, message } => {
                    Error::InvalidField { at, field: format!("link.{field}"), message }
                }
                other => other,
            })?;
            let at = At { array: section, index: i, id: &a.from };
            let field = |name: &str| format!("link.{name}");
            let address = LinkAddress {
                kind: json::word(&at, &field("kind"), &a.kind)?,
                role: a.role.as_deref().map(|s| json::word(&at, &field("role"), s)).transpose()?,
                power: a.power.as_deref().map(|s| json::word(&at, &field("power"), s)).transpose()?,
                scope: a.scope.as_deref().map(str::to_string),
                since: json::date(&at, &field("since"), a.since.clone())?,
                until: json::date(&at, &field("until"), a.until.clone())?,
                from: a.from.to_string(),
                to: a.to.to_string(),
            };
            Ok((Target::Link(address), on(Some(&a.from))?))
        }
        (Some(id), Some(_)) => {
            Err(invalid(section, i, Some(id), "link", "give \"id\" (a record) or \"link\" (a link), not both"))
        }
        (None, None) => Err(invalid(section, i, None, "id", "give \"id\" (a record) or \"link\" (a link)")),
    }
}

// ---------------------------------------------------------------------------
// Writing

/// A record of `add` in the model writer's shape (same fields, same order).
pub(crate) fn record_json(spec: RecordSpecRef<'_>) -> String {
    let v = spec.validity();
    let mut out = OutRecord {
        id: "",
        name: None,
        kind: None,
        list: None,
        category: None,
        sector: None,
        parent: None,
        located_in: None,
        members: None,
        staff: None,
        in_service_members: None,
        attrs: None,
        since: v.since.map(|d| d.to_string()),
        until: v.until.map(|d| d.to_string()),
    };
    let raw;
    match spec {
        RecordSpecRef::Territory(t) => {
            raw = t.attrs.as_ref().map(Attrs::raw);
            out.id = &t.id;
            out.name = Some(&t.name);
            out.kind = Some(t.kind.as_str());
            out.parent = t.parent.as_deref();
        }
        RecordSpecRef::Unit(u) => {
            raw = u.attrs.as_ref().map(Attrs::raw);
            out.id = &u.id;
            out.name = Some(&u.name);
            out.kind = Some(u.kind.as_str());
            out.sector = u.sector.as_ref().map(|s| s.as_str());
            out.located_in = u.located_in.as_deref();
            out.members = u.members;
            out.staff = u.staff;
            out.in_service_members = u.in_service_members;
        }
        RecordSpecRef::Matter(m) => {
            raw = m.attrs.as_ref().map(Attrs::raw);
            out.id = &m.id;
            out.name = Some(&m.name);
            out.list = Some(m.list.as_str());
            out.category = m.category.as_deref();
        }
        RecordSpecRef::Item(it) => {
            raw = it.attrs.as_ref().map(Attrs::raw);
            out.id = &it.id;
            out.name = Some(&it.name);
            out.list = Some(it.list.as_str());
        }
        RecordSpecRef::Person(p) => {
            raw = p.attrs.as_ref().map(Attrs::raw);
            out.id = &p.id;
            out.name = p.name.as_deref();
        }
    }
    out.attrs = raw;
    serde_json::to_string(&out).unwrap_or_default()
}

/// A link of `add` in the model writer's shape.
pub(crate) fn link_json(l: &LinkSpec) -> String {
    let out = OutLink {
        from: &l.from,
        to: &l.to,
        kind: l.kind.as_str(),
        primary: l.primary,
        power: l.power.as_ref().map(|p| p.as_str()),
        role: l.role.as_ref().map(|r| r.as_str()),
        scope: l.scope.as_deref(),
        members: l.members,
        event: l.event.as_ref().map(|e| e.as_str()),
        post: l.holding.as_ref().map(|h| h.post.as_str()),
        band: l.holding.as_ref().and_then(|h| h.band.as_ref()).map(|b| b.as_str()),
        grade: l.holding.as_ref().and_then(|h| h.grade),
        channel: l.holding.as_ref().and_then(|h| h.channel.as_ref()).map(|c| c.as_str()),
        attrs: l.attrs.as_ref().map(Attrs::raw),
        since: l.validity.since.map(|d| d.to_string()),
        until: l.validity.until.map(|d| d.to_string()),
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// A borrowed spec of any record type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecordSpecRef<'a> {
    Territory(&'a TerritorySpec),
    Unit(&'a UnitSpec),
    Matter(&'a MatterSpec),
    Item(&'a ItemSpec),
    Person(&'a PersonSpec),
}

impl RecordSpecRef<'_> {
    fn validity(&self) -> Validity {
        match self {
            RecordSpecRef::Territory(s) => s.validity,
            RecordSpecRef::Unit(s) => s.validity,
            RecordSpecRef::Matter(s) => s.validity,
            RecordSpecRef::Item(s) => s.validity,
            RecordSpecRef::Person(s) => s.validity,
        }
    }
}

fn address_json(a: &LinkAddress) -> String {
    let mut m = serde_json::Map::new();
    m.insert("from".into(), a.from.clone().into());
    m.insert("to".into(), a.to.clone().into());
    m.insert("kind".into(), a.kind.as_str().into());
    if let Some(r) = &a.role {
        m.insert("role".into(), r.as_str().into());
    }
    if let Some(s) = &a.scope {
        m.insert("scope".into(), s.clone().into());
    }
    if let Some(p) = &a.power {
        m.insert("power".into(), p.as_str().into());
    }
    if let Some(d) = a.since {
        m.insert("since".into(), d.to_string().into());
    }
    if let Some(d) = a.until {
        m.insert("until".into(), d.to_string().into());
    }
    serde_json::Value::Object(m).to_string()
}

fn target_json(t: &Target) -> String {
    match t {
        Target::Record(id) => format!("\"id\":{}", serde_json::Value::String(id.clone())),
        Target::Link(a) => format!("\"link\":{}", address_json(a)),
    }
}

fn write(c: &ChangeSet) -> String {
    let mut sections: Vec<String> = vec![format!("  \"format\": \"{CHANGE_FORMAT}\"")];
    if let Some(meta) = &c.meta {
        sections.push(format!("  \"meta\": {}", meta.as_json()));
    }
    if let Some(set_meta) = &c.set_meta {
        sections.push(format!("  \"set_meta\": {}", set_meta.as_ref().map_or("null", |m| m.as_json())));
    }
    let list = |name: &str, indent: &str, lines: Vec<String>| {
        format!("{indent}\"{name}\": [\n{indent}  {}\n{indent}]", lines.join(&format!(",\n{indent}  ")))
    };
    let a = &c.add;
    let arrays: [(&str, Vec<String>); 7] = [
        ("territories", a.territories.iter().map(|s| record_json(RecordSpecRef::Territory(s))).collect()),
        ("units", a.units.iter().map(|s| record_json(RecordSpecRef::Unit(s))).collect()),
        ("matters", a.matters.iter().map(|s| record_json(RecordSpecRef::Matter(s))).collect()),
        ("items", a.items.iter().map(|s| record_json(RecordSpecRef::Item(s))).collect()),
        ("people", a.people.iter().map(|s| record_json(RecordSpecRef::Person(s))).collect()),
        ("links", a.links.iter().map(link_json).collect()),
        ("meetings", a.meetings.iter().map(crate::meetings::spec_json).collect()),
    ];
    let add: Vec<String> =
        arrays.into_iter().filter(|(_, l)| !l.is_empty()).map(|(name, l)| list(name, "    ", l)).collect();
    if !add.is_empty() {
        sections.push(format!("  \"add\": {{\n{}\n  }}", add.join(",\n")));
    }
    if !c.update.is_empty() {
        let lines = c
            .update
            .iter()
            .map(|u| {
                let mut s = format!("{{\"id\":{}", serde_json::Value::String(u.id.clone()));
                if !u.set.is_empty() {
                    let fields: Vec<String> =
                        u.set.iter().map(|(f, v)| format!("\"{}\":{}", f.as_str(), v.to_json())).collect();
                    s.push_str(&format!(",\"set\":{{{}}}", fields.join(",")));
                }
                if !u.unset.is_empty() {
                    let fields: Vec<String> = u.unset.iter().map(|f| format!("\"{}\"", f.as_str())).collect();
                    s.push_str(&format!(",\"unset\":[{}]", fields.join(",")));
                }
                s.push('}');
                s
            })
            .collect();
        sections.push(list("update", "  ", lines));
    }
    if !c.end.is_empty() {
        let lines = c.end.iter().map(|e| format!("{{{},\"on\":\"{}\"}}", target_json(&e.target), e.on)).collect();
        sections.push(list("end", "  ", lines));
    }
    if !c.remove.is_empty() {
        let lines = c.remove.iter().map(|r| format!("{{{}}}", target_json(&r.target))).collect();
        sections.push(list("remove", "  ", lines));
    }
    format!("{{\n{}\n}}\n", sections.join(",\n"))
}
