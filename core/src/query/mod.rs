//! Who is accountable: chains, the block chain of a place, and matter dispatch.
//!
//! Three questions, each answered with ids and names (so the answer is
//! self-contained JSON) and the evidence it rests on. The answers borrow their
//! strings from the model (`Chain<'m>` …), so a query copies no text and makes
//! a handful of allocations; `into_owned()` detaches an answer from the model
//! (see docs/architecture.md, "Answers borrow from the model"):
//!
//! * [`chain`]: from a unit up to the top, one step per link ([`Line`] says which links);
//! * [`responsible_for`]: the block chain of a place — who holds jurisdiction over it
//!   and over each containing territory, nearest first, and where that is nobody;
//! * [`dispatch`]: for a matter in a place, the lead(s), cooperators and
//!   supervisors, the chain above each lead and the block chain of the place.
//!
//! Two node-level functions serve the audit without building answers:
//! [`leadership_path`] and [`resolve_leads`].
//!
//! The id-based forms ([`Model::chain`], [`Model::responsible_for`],
//! [`Model::dispatch`]) check the ids and are what the CLI and bindings call.
//!
//! All walks are iterative: a chain of a million steps needs no more stack than
//! one of five. The lookup tables the queries use are built once per model, on
//! first use, in O(records + links) time; see each function's `# Complexity`.
//!
//! Links' `since` / `until` dates are not consulted: a model describes one moment.
//!
//! # Example
//! ```
//! use tiaokuai::{Line, Model};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "c", "name": "City", "kind": "city"},
//!                   {"id": "d", "name": "District", "kind": "district", "parent": "c"}],
//!   "units": [{"id": "sw", "name": "City committee", "kind": "party_committee"},
//!             {"id": "qw", "name": "District committee", "kind": "party_committee"}],
//!   "links": [{"from": "sw", "to": "c", "kind": "jurisdiction"},
//!             {"from": "qw", "to": "d", "kind": "jurisdiction"},
//!             {"from": "sw", "to": "qw", "kind": "leads"}]}"#)?;
//! let chain = model.chain("qw", Line::Leadership)?;
//! let ids: Vec<&str> = chain.steps.iter().map(|s| s.id.as_ref()).collect();
//! assert_eq!(ids, ["qw", "sw"]);
//! assert_eq!(chain.steps[1].grade, Some(tiaokuai::Grade::Overall));
//! # Ok::<(), tiaokuai::Error>(())
//! ```

mod chain;
mod dispatch;
pub(crate) mod index;
mod responsible;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

pub use chain::{Branch, Chain, Step, chain, leadership_path};
pub use dispatch::{Assignment, Basis, Dispatch, Problem, Resolution, dispatch, resolve_leads};
pub(crate) use index::QueryIndex;
pub use responsible::{Block, Holder, Responsibility, responsible_for};

use crate::error::{Error, Result};
use crate::model::{Model, RecordType};

/// Which links a [`chain`] follows upward.
///
/// | line | at each unit it follows |
/// |---|---|
/// | `leadership` | `leads` into the unit's leader |
/// | `strip` | `dispatches` into the department that stationed it, else `guides` into the unit guiding it, else `leads` |
/// | `all` | `leads`, else `dispatches`, else `guides` |
///
/// So `strip` climbs the functional line (agency → department → guiding
/// department …) and then the top department's leadership; `all` is the
/// leadership line, continued along the strip where a unit has no leader.
///
/// # Example
/// ```
/// use tiaokuai::Line;
/// let line: Line = "strip".parse()?;
/// assert_eq!(line, Line::Strip);
/// assert_eq!(line.to_string(), "strip");
/// assert!("sideways".parse::<Line>().is_err());
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Line {
    /// Follow `leads` links (领导).
    #[default]
    Leadership,
    /// Follow `dispatches` and `guides` (the strip, 条), then `leads`.
    Strip,
    /// Follow `leads`, and the strip where a unit has no leader.
    All,
}

impl Line {
    /// Every line, in documented order.
    pub const ALL: [Line; 3] = [Line::Leadership, Line::Strip, Line::All];

    /// The word for the line: `leadership`, `strip` or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            Line::Leadership => "leadership",
            Line::Strip => "strip",
            Line::All => "all",
        }
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Line {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Line::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| Error::Invalid {
            what: "line".to_string(),
            message: format!("unknown line {s:?}; expected one of leadership, strip, all"),
        })
    }
}

impl Model {
    /// The chain of the unit with this id, upward along `line`; see [`chain()`].
    ///
    /// # Errors
    /// [`Error::UnknownId`] when no record has the id, [`Error::WrongRecordType`]
    /// when it is not a unit.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Line, Model};
    /// let model = Model::sample();
    /// let err = model.chain("310113", Line::All).unwrap_err();
    /// assert_eq!(err.to_string(), r#""310113" is a territory, but chain needs a unit"#);
    /// ```
    pub fn chain(&self, unit: &str, line: Line) -> Result<Chain<'_>> {
        let node = self.require(unit, RecordType::Unit, "chain")?;
        Ok(chain(self, node, line))
    }

    /// The block chain of the territory with this id; see [`responsible_for()`].
    ///
    /// # Errors
    /// [`Error::UnknownId`] when no record has the id, [`Error::WrongRecordType`]
    /// when it is not a territory.
    pub fn responsible_for(&self, territory: &str) -> Result<Responsibility<'_>> {
        let node = self.require(territory, RecordType::Territory, "responsible_for")?;
        Ok(responsible_for(self, node))
    }

    /// Who handles the matter with id `matter` in the territory with id
    /// `territory`; see [`dispatch()`].
    ///
    /// # Errors
    /// [`Error::UnknownId`] when no record has one of the ids,
    /// [`Error::WrongRecordType`] when `matter` is not a matter or `territory`
    /// not a territory.
    pub fn dispatch(&self, matter: &str, territory: &str) -> Result<Dispatch<'_>> {
        let m = self.require(matter, RecordType::Matter, "dispatch")?;
        let t = self.require(territory, RecordType::Territory, "dispatch")?;
        Ok(dispatch(self, m, t))
    }
}
