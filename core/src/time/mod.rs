//! Time (issue #12): successions of records and the history of one record.
//!
//! Views at a date are [`crate::Model::at`]; this module holds what reads the
//! document across dates: [`succession`] follows `succeeded_by` links from a
//! superseded id to the records in force, [`history()`] tells one record's story.

pub mod history;
pub mod succession;

pub use history::{History, LinkChange, history};
pub use succession::{Resolution, Succession, resolve};
