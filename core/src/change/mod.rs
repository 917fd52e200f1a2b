//! Change sets (`tiaokuai-change/1`): one edit of a model, applied all or nothing.
//!
//! A [`ChangeSet`] adds records and links (the arrays of a model document), updates
//! fields of records by id, ends records and links on a day (history kept) and removes
//! them (a correction: history not kept). [`ChangeSet::from_json`] reads one with
//! errors naming the section, the index, the id and the field, as a model's loader does;
//! [`ChangeSet::to_json`] writes it back. The format is documented in
//! [docs/change.md](https://github.com/tiaokuai/tiaokuai/blob/main/docs/change.md).
//!
//! # Example
//! ```
//! use tiaokuai::change::{ChangeSet, Target};
//! let change = ChangeSet::from_json(r#"{
//!   "format": "tiaokuai-change/1",
//!   "meta": {"title": "新河三居民区成立党支部", "date": "2017-03-01"},
//!   "add": {"units": [{"id": "xh3-dzb", "name": "新河三居民区党支部", "kind": "party_branch", "sector": "party"}]},
//!   "end": [{"id": "old-unit", "on": "2017-02-28"}]
//! }"#)?;
//! assert_eq!(change.title(), Some("新河三居民区成立党支部".into()));
//! assert_eq!(change.add.units[0].id, "xh3-dzb");
//! assert_eq!(change.end[0].target, Target::Record("old-unit".into()));
//! assert_eq!(ChangeSet::from_json(&change.to_json())?, change);
//! # Ok::<(), tiaokuai::Error>(())
//! ```

mod apply;
mod diff;
mod set;

pub use diff::{Summary, diff};

pub use set::*;

/// The format version of change sets this library reads and writes.
pub const CHANGE_FORMAT: &str = "tiaokuai-change/1";

/// What an apply did, change by change: the records and links each change touched, for
/// an audit delta to re-examine and to name the changes behind a finding
/// ([`crate::Model::apply_with_report`]).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Applied {
    /// One entry per change, in the order of the change set (`add` by array, then
    /// `update`, `end`, `remove`, `set_meta`).
    pub changes: Vec<Touched>,
    /// True when [`crate::Model::apply_in_place`] changed the model in place (work growing
    /// with the change set); false when the document was built again ([`crate::Model::apply`],
    /// or a change set or model the in-place path does not cover).
    pub in_place: bool,
}

/// The records and links one change touched.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Touched {
    /// The change.
    pub change: Option<ChangeRef>,
    /// The ids of the records it adds, updates, ends or removes, and of the records at the
    /// ends (and scope) of a link it adds, ends or removes.
    pub records: Vec<String>,
    /// The links of the model before the apply that it ends or removes.
    pub before: Vec<crate::LinkId>,
    /// The links of the model after the apply that it adds or ends.
    pub after: Vec<crate::LinkId>,
}

impl Applied {
    /// Every record id touched by some change, sorted, each once.
    pub fn records(&self) -> std::collections::BTreeSet<&str> {
        self.changes.iter().flat_map(|c| c.records.iter().map(String::as_str)).collect()
    }
}
