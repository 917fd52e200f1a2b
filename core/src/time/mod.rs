//! Time (issue #12): the model across dates.
//!
//! Views at a date are [`crate::Model::at`]; this module holds what reads the document
//! across dates:
//! - [`mod@timeline`]: the metrics and the findings counted by rule at a series of dates.
//! - [`mod@periods`]: the audit over a span, each finding once with the periods in which it held.
//! - [`mod@succession`]: follows `succeeded_by` links from a superseded id to the records in force.
//! - [`mod@history`]: one record's story.
//!
//! The timeline and the periods evaluate the model at the days on which something changes
//! ([`change_days`]): between two of them every record and link keeps its status, so nothing
//! else can change an answer.

pub mod history;
pub mod periods;
pub mod succession;
pub mod timeline;

pub use history::{History, LinkChange, history};
pub use periods::{HeldFinding, Period, PeriodReport, audit_over};
pub use succession::{Resolution, Succession, resolve};
pub use timeline::{Every, Timeline, TimelineRow, timeline, timeline_dates};

use crate::model::{Date, Model, Validity};

/// The days on which some record or link of the document changes status, sorted and
/// without repeats: for each `since`, its first day (it may be in force) and last day (it
/// is); for each `until`, the day after its first day (it may have ended) and the day
/// after its last day (it has). A full date gives one day for each.
///
/// # Example
/// ```
/// use tiaokuai::{Model, time::change_days};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1", "territories": [
///   {"id": "old", "name": "旧街道", "kind": "street", "until": "2020-05-31"},
///   {"id": "new", "name": "新街道", "kind": "street", "since": "2019"}]}"#)?;
/// let days: Vec<String> = change_days(&model).iter().map(|d| d.to_string()).collect();
/// assert_eq!(days, ["2019-01-01", "2019-12-31", "2020-06-01"]);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn change_days(model: &Model) -> Vec<Date> {
    let mut days = Vec::new();
    let mut add = |v: Validity| {
        if v.never() {
            return; // never in force: out of force at every date
        }
        if let Some(s) = v.since {
            days.push(s.first_day());
            days.push(s.last_day());
        }
        if let Some(u) = v.until {
            days.extend(u.first_day().next_day());
            days.extend(u.last_day().next_day());
        }
    };
    for (_, r) in model.document_records() {
        add(r.validity());
    }
    for (_, l) in model.document_links() {
        add(l.validity);
    }
    days.sort_unstable();
    days.dedup();
    days
}
