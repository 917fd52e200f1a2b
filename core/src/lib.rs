//! # tiaokuai (条块): strips and blocks
//!
//! Models how a city is governed — organisations, the territories they answer
//! for, the vertical departments ("strips", 条) and territorial authorities
//! ("blocks", 块) with their dual-reporting links — as a typed graph, and
//! answers the two questions its users ask: **who is accountable** for this
//! unit, place or matter, and **where is nobody** (coverage gaps).
//!
//! ```
//! use tiaokuai::{Model, RecordType};
//! // The embedded sample: Baoshan district, Shanghai (real divisions, synthetic structure).
//! let model = Model::sample();
//! assert!(model.count(RecordType::Unit) > 100);
//! let text = model.to_json();
//! assert_eq!(Model::from_json(&text)?, model);
//! # Ok::<(), tiaokuai::Error>(())
//! ```
//!
//! The model format `tiaokuai/1` is documented in
//! [docs/format.md](https://github.com/tiaokuai/tiaokuai/blob/main/docs/format.md); every
//! loading error names the record, its id and the field.
//!
//! # Cargo features
//! - `divisions` (default): China's administrative divisions (NBS 2023, 1.7 MB) embedded,
//!   for [`divisions::import`] and [`generate::generate`]. Without it, the same work is done
//!   on tables you supply ([`divisions::Divisions::from_dir`]).

pub mod audit;
pub mod cases;
pub mod change;
pub mod divisions;
mod error;
pub mod evidence;
pub mod export;
pub mod format;
pub mod generate;
pub mod html;
pub mod meetings;
pub mod metrics;
pub mod model;
pub mod people;
pub mod query;
pub mod render;
pub mod scenario;
pub mod suggest;
pub mod table;
pub mod time;
pub mod whatif;

pub use audit::{
    Config, Family, Finding, Profiles, RULES, Report, Rule, RuleCount, RuleSetting, Severity, Summary, Thresholds,
    audit,
};
pub use error::{Error, Position, Result};
pub use format::{FORMAT, LoadOptions};
pub use meetings::{Meeting, MeetingSpec, Meetings};
pub use metrics::{Area, Counts, Metrics, Rates};
pub use model::*;
pub use query::{
    Assignment, Basis, Block, Branch, Chain, Dispatch, Holder, Line, Problem, Resolution, Responsibility, Step, chain,
    dispatch, leadership_path, resolve_leads, responsible_for,
};

/// The text of the embedded sample model (`data/samples/baoshan.json`).
pub const SAMPLE_JSON: &str = include_str!("../data/samples/baoshan.json");

impl Model {
    /// The embedded sample model: Baoshan district (310113), Shanghai, with its
    /// 13 real township-level units and a synthetic structure inside them that
    /// contains deliberate gaps (see `data/samples/README.md`).
    ///
    /// # Panics
    /// Never in a released build: the sample is loaded by the test suite.
    pub fn sample() -> Model {
        Model::from_json(SAMPLE_JSON).expect("the embedded sample model is valid")
    }
}
