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
//! ([`audit_change_days`]): between two of them every record and link keeps its status,
//! no meeting happens, no year ends and no project's evaluation falls due, so nothing else
//! can change an answer.

pub mod history;
pub mod periods;
pub mod succession;
pub mod timeline;

pub use history::{History, LinkChange, history};
pub use periods::{HeldFinding, Period, PeriodReport, audit_over};
pub use succession::{Resolution, Succession, resolve};
pub use timeline::{Every, Timeline, TimelineRow, timeline, timeline_dates};

use crate::Config;
use crate::model::{Date, ItemList, Model, RecordRef, Validity};

/// The days on which some record or link of the document changes status, sorted and
/// without repeats: for each `since`, its first day (it may be in force) and last day (it
/// is); for each `until`, the day after its first day (it may have ended) and the day
/// after its last day (it has). A full date gives one day for each. (The days on which
/// an audit can change are [`audit_change_days`].)
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

/// The days on which an audit of the document under `config` can change: the
/// [`change_days`] of its records and links, and with meetings also each meeting's (first)
/// day, from which it has happened (M001, M002, M004); every 31 December from the first
/// meeting's year to the year after the document's last date, the day a calendar year is
/// complete (M001); and the first day on which a project's end is more than
/// `thresholds.evaluation_within_days` behind (M003). Between two of them every finding
/// and metric stays the same; the timeline and the periods evaluate these days.
///
/// # Example
/// ```
/// use tiaokuai::{Config, Model, time::audit_change_days};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "c", "name": "友谊一村", "kind": "community"}],
///   "items": [{"id": "p", "name": "加装电梯", "list": "project", "since": "2023-03", "until": "2023-06-30"}],
///   "meetings": [{"id": "m", "kind": "hearing", "territory": "c", "date": "2023-02-20", "topics": ["p"]}]}"#)?;
/// let days: Vec<String> = audit_change_days(&model, &Config::default()).iter().map(|d| d.to_string()).collect();
/// // The hearing, the project's bounds, the year ends, and M003 due 181 days after its end.
/// assert_eq!(days, ["2023-02-20", "2023-03-01", "2023-03-31", "2023-07-01", "2023-12-28", "2023-12-31", "2024-12-31"]);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn audit_change_days(model: &Model, config: &Config) -> Vec<Date> {
    let mut days = change_days(model);
    let meetings = model.meetings();
    if meetings.is_empty() {
        return days;
    }
    let (mut first, mut last) = (u32::MAX, 0);
    for m in meetings.iter() {
        days.push(m.date.first_day());
        first = first.min(m.date.year());
        last = last.max(m.date.last_day().year());
    }
    let within = i64::from(config.thresholds.evaluation_within_days);
    for (_, r) in model.document_records() {
        if let RecordRef::Item(item) = r
            && item.list == ItemList::Project
            && let Some(end) = item.validity.until
        {
            days.extend(Date::from_days(end.last_day().days() + within + 1));
        }
    }
    last = days.iter().map(|d| d.year()).max().unwrap_or(last).max(last);
    days.extend((first..=last.saturating_add(1)).filter_map(|y| Date::new(y, 12, 31)));
    days.sort_unstable();
    days.dedup();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_go_back_to_their_days() {
        for text in ["0001-01-01", "1999-12-31", "2000-02-29", "2023-03-01", "2024-12-31", "9999-12-31"] {
            let d: Date = text.parse().unwrap();
            assert_eq!(Date::from_days(d.days()), Some(d), "{text}");
        }
        let mut d: Date = "2019-12-25".parse().unwrap();
        for _ in 0..800 {
            let next = d.next_day().unwrap();
            assert_eq!(Date::from_days(d.days() + 1), Some(next), "after {d}");
            d = next;
        }
        assert_eq!(Date::from_days(-1), None);
        assert_eq!(Date::from_days("9999-12-31".parse::<Date>().unwrap().days() + 1), None);
    }
}
