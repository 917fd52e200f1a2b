//! M: the three meetings (三会) and self-governance projects (issue #15).
//!
//! The rules stay silent for a model that records no meeting at all: a model built
//! before meetings were recorded would otherwise get an M001 on every community and an
//! M002 on every project, which says nothing about the place and everything about the
//! data. Meetings dated after the view's date have not happened at that date and are
//! not counted.
//!
//! Dates are read leniently where a meeting's date or a project's is reduced (`2023`):
//! a hearing counts as "before the start" when some reading of both dates puts it on or
//! before the start, and a year counts as "in force" only when every reading of the
//! community's dates does, so a finding never rests on how a reduced date is read.

use std::collections::HashMap;

use crate::audit::{Context, Sink, id, label};
use crate::evidence::Fact;
use crate::meetings::{Meeting, MeetingsBy, place_of};
use crate::model::{Date, ItemList, LinkKind, MeetingKind, Node, RecordRef, TerritoryKind, Validity};

/// The street/town of a project: of the first unit undertaking it, else of the first
/// meeting held on it.
fn project_township(ctx: &Context, p: Node) -> Option<Node> {
    let model = ctx.model;
    model
        .sources(p, &LinkKind::Undertakes)
        .find_map(|u| ctx.unit_township(u))
        .or_else(|| model.meetings().on_topic(p).find_map(|m| ctx.territory_township(m.territory)))
}

fn meeting_fact(m: &Meeting) -> Fact<'static> {
    Fact::Field {
        record: m.id.to_string().into(),
        field: "date".into(),
        value: serde_json::Value::String(format!("{} ({})", m.date, m.kind)),
    }
}

/// `from 2015 until 2020-05-31`, or `always`.
fn span(v: Validity) -> String {
    match (v.since, v.until) {
        (Some(s), Some(u)) => format!("from {s} until {u}"),
        (Some(s), None) => format!("from {s}"),
        (None, Some(u)) => format!("until {u}"),
        (None, None) => "always".to_string(),
    }
}

/// True when every reading of `v` puts the record in force on some day of `year`.
fn in_force_in(v: Validity, year: u32) -> bool {
    let (Some(first), Some(last)) = (Date::new(year, 1, 1), Date::new(year, 12, 31)) else { return false };
    !v.never() && v.since.is_none_or(|s| s.last_day() <= last) && v.until.is_none_or(|u| u.first_day() >= first)
}

/// M001–M004.
pub(crate) fn run(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    let meetings = model.meetings();
    if !ctx.has_meetings() || ![id::M001, id::M002, id::M003, id::M004].iter().any(|&r| sink.on(r)) {
        return;
    }
    let today = model.date().map(|d| d.last_day());
    let happened = |m: &Meeting| today.is_none_or(|t| m.date.first_day() <= t);
    if sink.on(id::M004) {
        out_of_force(ctx, sink, happened);
    }
    if sink.on(id::M001) {
        no_deliberation(ctx, sink, today, happened);
    }
    if sink.on(id::M002) {
        for (p, item) in model.items().filter(|(_, i)| i.list == ItemList::Project) {
            let start = item.validity.since;
            let heard = meetings.on_topic(p).any(|m| {
                m.kind == MeetingKind::Hearing
                    && happened(m)
                    && start.is_none_or(|s| m.date.first_day() <= s.last_day())
            });
            if heard {
                continue;
            }
            let when = match start {
                Some(s) => format!("started {s} with no hearing on it held on or before that day"),
                None => "is under way with no hearing on it".to_string(),
            };
            let message =
                format!("project {} {when} (a meeting of kind hearing listing it in topics)", label(model, p));
            let mut ev = vec![Fact::missing(model, p, "a hearing listing it in topics", false)];
            if let Some(s) = start {
                ev.push(Fact::field(model, p, "since", s.to_string()));
            }
            sink.push(id::M002, p, project_township(ctx, p), message, ev);
        }
    }
    if sink.on(id::M003)
        && let Some(today) = today
    {
        let days = i64::from(ctx.config.thresholds.evaluation_within_days);
        for (p, r) in model.document_records() {
            let RecordRef::Item(item) = r else { continue };
            let Some(end) = item.validity.until else { continue };
            if item.list != ItemList::Project || item.validity.never() || end.last_day().days() + days >= today.days() {
                continue;
            }
            if meetings.on_topic(p).any(|m| m.kind == MeetingKind::Evaluation && happened(m)) {
                continue;
            }
            let message = format!(
                "project {} ended {end}, more than {days} days before {today}, with no evaluation meeting on it \
                 (a meeting of kind evaluation listing it in topics)",
                label(model, p)
            );
            let ev = vec![
                Fact::field(model, p, "until", end.to_string()),
                Fact::missing(model, p, "an evaluation listing it in topics", false),
            ];
            sink.push(id::M003, p, project_township(ctx, p), message, ev);
        }
    }
}

/// M004: a meeting dated on a day its territory or convener was certainly not in force.
fn out_of_force(ctx: &Context, sink: &mut Sink, happened: impl Fn(&Meeting) -> bool) {
    let model = ctx.model;
    for m in model.meetings().iter().filter(|m| happened(m)) {
        let ends = std::iter::once(("held in", m.territory)).chain(m.convener.map(|c| ("convened by", c)));
        for (role, n) in ends {
            let v = model.record(n).validity();
            let before = v.since.is_some_and(|s| s.first_day() > m.date.last_day());
            let after = v.until.is_some_and(|u| u.last_day() < m.date.first_day());
            if v.never() || !(before || after) {
                continue; // T001 reports a record never in force
            }
            let message = format!(
                "meeting {:?} ({}, {}) is {role} {} {}, which is in force {}: not on the meeting's day",
                &*m.id,
                m.kind,
                m.date,
                model.record(n).record_type(),
                label(model, n),
                span(v)
            );
            let mut ev = vec![meeting_fact(m)];
            let (field, date) = if before { ("since", v.since) } else { ("until", v.until) };
            if let Some(d) = date {
                ev.push(Fact::field(model, n, field, d.to_string()));
            }
            sink.push(id::M004, m.territory, ctx.territory_township(m.territory), message, ev);
        }
    }
}

/// The first and last years of the meetings of `model` that have happened at its date
/// (M001 reads its years from the first).
pub(crate) fn years(model: &crate::model::Model) -> Option<(u32, u32)> {
    let today = model.date().map(|d| d.last_day());
    let mut years =
        model.meetings().iter().filter(|m| today.is_none_or(|t| m.date.first_day() <= t)).map(|m| m.date.year());
    let first = years.next()?;
    Some(years.fold((first, first), |(lo, hi), y| (lo.min(y), hi.max(y))))
}

/// M001: per community or village in the view, the runs of whole calendar years in which it
/// was in force and held no deliberation meeting, from the first year the model records any
/// meeting to the last year complete at the view's date (undated: the last year with one).
/// One finding per run of years, so the report stays linear in the meetings.
fn no_deliberation(ctx: &Context, sink: &mut Sink, today: Option<Date>, happened: impl Fn(&Meeting) -> bool) {
    let model = ctx.model;
    let config = &ctx.config.thresholds;
    let meetings = model.meetings();
    // A part of a model (the what-if's): the years of the whole model's meetings.
    let range = match ctx.whole {
        Some(w) => w.years,
        None => years(model),
    };
    let Some((first, max)) = range else { return };
    let last = match today {
        Some(t) if t.month() == Some(12) && t.day() == Some(31) => t.year(),
        Some(t) => t.year().saturating_sub(1),
        None => max,
    };
    if last < first {
        return;
    }
    // The years with a deliberation meeting, per community.
    let mut held: HashMap<u32, Vec<u32>> = HashMap::new();
    for m in meetings.iter().filter(|m| happened(m) && config.deliberation_kinds.contains(&m.kind)) {
        if let Some(c) = place_of(model, m.territory, MeetingsBy::Community) {
            held.entry(c.raw()).or_default().push(m.date.year());
        }
    }
    for list in held.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    let kinds = config.deliberation_kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
    for (c, t) in model.territories() {
        if !matches!(t.kind, TerritoryKind::Community | TerritoryKind::Village) {
            continue;
        }
        let v = t.validity;
        let years: &[u32] = held.get(&c.raw()).map_or(&[], Vec::as_slice);
        // Walk the years in force between first and last, one run of empty years at a time.
        let from = v.since.map_or(first, |s| first.max(s.last_day().year()));
        let to = v.until.map_or(last, |u| last.min(u.first_day().year()));
        let mut y = from;
        let mut next_held = years.iter().copied().skip_while(|&h| h < from).peekable();
        while y <= to {
            if next_held.peek() == Some(&y) {
                next_held.next();
                y += 1;
                continue;
            }
            // A run of years without a meeting: up to the next year with one, or the end.
            let end = next_held.peek().map_or(to, |&h| (h - 1).min(to));
            let run: Vec<u32> = (y..=end).filter(|&yy| in_force_in(v, yy)).collect();
            if let (Some(&a), Some(&b)) = (run.first(), run.last()) {
                let when = if a == b { format!("in {a}") } else { format!("in any year from {a} to {b}") };
                let message = format!(
                    "{} {} held no meeting of the kinds {kinds} {when} (the model records meetings from {first})",
                    t.kind,
                    label(model, c)
                );
                let ev = vec![Fact::missing(model, c, format!("a meeting ({kinds}) {when}"), false)];
                sink.push(id::M001, c, ctx.territory_township(c), message, ev);
            }
            y = end + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_in_force_is_certain() {
        let v = |s: Option<&str>, u: Option<&str>| {
            Validity::new(s.map(|s| s.parse().unwrap()), u.map(|u| u.parse().unwrap()))
        };
        assert!(in_force_in(v(None, None), 2020));
        assert!(in_force_in(v(Some("2020-12-31"), None), 2020));
        assert!(!in_force_in(v(Some("2021"), None), 2020));
        assert!(in_force_in(v(Some("2020"), None), 2020), "some day of 2020 whatever the reading");
        assert!(!in_force_in(v(None, Some("2019-12-31")), 2020));
        assert!(!in_force_in(v(Some("2021"), Some("2020")), 2020), "never in force");
    }
}
