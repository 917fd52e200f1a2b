//! T: time itself — dates that allow no day, links and places outside the dates of
//! what they join, gaps and overlaps in successions.
//!
//! These rules read the whole document (`document_records`, `document_links`), not the
//! view: they are about the dates themselves, and a record whose dates allow no day
//! (T001) is out of force at every date, so no view shows it. Their findings are the
//! same at every date the audit is run at.
//!
//! "On a day" is read with the bounds of reduced dates (a `2015` is some day of 2015):
//! a finding is reported when *every* reading of the dates gives such a day, so a
//! link `since 2015` to a unit `since 2015-03` is not reported (it may have started in
//! March), one `since 2015-01-01` is.

use crate::audit::{Context, Sink, id, label};
use crate::evidence::{Evidence, Fact};
use crate::model::{Date, LinkId, LinkKind, Model, Node, RecordType, Validity};

/// `links[3] "dw" -leads-> "gw"`.
fn link_label(model: &Model, id: LinkId) -> String {
    let l = model.link(id);
    format!("links[{}] {:?} -{}-> {:?}", id.index(), model.id(l.from), l.kind, model.id(l.to))
}

/// `from 2015-01-01 until 2020-05-31` (either part left out when absent).
fn span(v: Validity) -> String {
    match (v.since, v.until) {
        (Some(s), Some(u)) => format!("from {s} until {u}"),
        (Some(s), None) => format!("from {s}"),
        (None, Some(u)) => format!("until {u}"),
        (None, None) => "always".to_string(),
    }
}

fn dates(model: &Model, node: Node, v: Validity, out: &mut Evidence<'static>) {
    if let Some(s) = v.since {
        out.push(Fact::field(model, node, "since", s.to_string()));
    }
    if let Some(u) = v.until {
        out.push(Fact::field(model, node, "until", u.to_string()));
    }
}

/// Why `inner` is in force on a day `outer` is not, for every reading of both, comparing
/// only the bounds `inner` states when `stated_only` (a missing bound of `inner` then
/// follows `outer`); `None` when no such day is certain.
pub(crate) fn outside(inner: Validity, outer: Validity, stated_only: bool) -> Option<String> {
    if inner.never() || outer.never() {
        return None; // T001's business
    }
    // The latest reading of inner's start is before the earliest reading of outer's start.
    match (inner.since, outer.since) {
        (Some(i), Some(o)) if i.last_day() < o.first_day() => return Some(format!("from {i}|starts {o}")),
        (None, Some(o)) if !stated_only => return Some(format!("without a start|starts {o}")),
        _ => {}
    }
    match (inner.until, outer.until) {
        (Some(i), Some(o)) if i.first_day() > o.last_day() => return Some(format!("until {i}|ends {o}")),
        (None, Some(o)) if !stated_only => return Some(format!("without an end|ends {o}")),
        _ => {}
    }
    // Stated bounds of inner wholly outside outer.
    match (inner.until, outer.since) {
        (Some(i), Some(o)) if i.last_day() < o.first_day() => return Some(format!("until {i}|starts {o}")),
        _ => {}
    }
    match (inner.since, outer.until) {
        (Some(i), Some(o)) if i.first_day() > o.last_day() => Some(format!("from {i}|ends {o}")),
        _ => None,
    }
}

/// T001–T004. Reads the whole document whatever the view's date.
pub(crate) fn run(ctx: &Context, sink: &mut Sink) {
    run_records(ctx, sink);
    run_links(ctx, sink);
}

/// True when some T rule is on.
fn any_on(sink: &Sink) -> bool {
    [id::T001, id::T002, id::T003, id::T004].iter().any(|&r| sink.on(r))
}

/// The records' part of [`run`] (T001 and T003 of records): a job of its own in the parallel
/// audit, beside [`run_links`] (on a national model with history the two took 1.4 s as one).
pub(crate) fn run_records(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    if !any_on(sink) {
        return;
    }
    // Document order is type by type. Only territories and units have a place (T003); of
    // the other records only those with dates can be T001, read from their rows alone.
    for t in crate::model::TYPES {
        if !matches!(t, RecordType::Territory | RecordType::Unit) {
            model.each_dated_record(t, |n, v| empty_validity(model, sink, n, t, v));
            continue;
        }
        for (n, r) in model.document_typed(t) {
            let v = r.validity();
            empty_validity(model, sink, n, t, v);
            if !sink.on(id::T003) {
                continue;
            }
            let (field, place) = match r {
                crate::RecordRef::Territory(terr) => ("parent", terr.parent),
                crate::RecordRef::Unit(u) => ("located_in", u.located_in),
                _ => continue,
            };
            let Some(p) = place else { continue };
            if !ctx.dated(p) {
                continue; // in force whenever the record is: nothing to compare
            }
            let pv = model.record(p).validity();
            if !sink.text() {
                if outside(v, pv, false).is_some() {
                    sink.key(id::T003, n, None);
                }
            } else if let Some(why) = outside(v, pv, false) {
                let (mine, theirs) = why.split_once('|').unwrap_or((&why, ""));
                let mut ev = vec![Fact::field(model, n, field, model.id(p).to_string())];
                dates(model, n, v, &mut ev);
                dates(model, p, pv, &mut ev);
                let message = format!(
                    "{} {} is in force {mine} ({}) but its {field} {} {theirs} ({}): on some day it is in force \
                     and its {field} is not",
                    r.record_type(),
                    label(model, n),
                    span(v),
                    label(model, p),
                    span(pv)
                );
                sink.push(id::T003, n, None, message, ev);
            }
        }
    }
}

/// T001 of a record (of type `t`, with dates `v`).
fn empty_validity(model: &Model, sink: &mut Sink, n: Node, t: RecordType, v: Validity) {
    if !sink.on(id::T001) || !v.never() {
        return;
    }
    if !sink.text() {
        sink.key(id::T001, n, None);
        return;
    }
    let mut ev = Vec::new();
    dates(model, n, v, &mut ev);
    let (s, u) = (v.since.map(|d| d.to_string()), v.until.map(|d| d.to_string()));
    let message = format!(
        "{t} {} is in force from {} until {}: until (the last day in force) is before since, so it is never in \
         force",
        label(model, n),
        s.unwrap_or_default(),
        u.unwrap_or_default()
    );
    sink.push(id::T001, n, None, message, ev);
}

/// The links' part of [`run`] (T001 of links, T002, T004), found after the records' part:
/// [`run`] gives the records' findings first, and the parallel audit joins the two jobs in
/// that order.
pub(crate) fn run_links(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    if !any_on(sink) {
        return;
    }
    // T001 and T002 are about links with dates of their own, T004 about `succeeded_by` links:
    // the two lists merged in document order give each link's findings in the order a pass
    // over every link would (on a national model with history, 10 M of 17 M links are dated;
    // building every link to read its dates was half of the T rules' time).
    let successions: Vec<LinkId> = if sink.on(id::T004) {
        (0..model.link_count() as u32).map(LinkId).filter(|&l| model.link_kind(l) == LinkKind::SucceededBy).collect()
    } else {
        Vec::new()
    };
    let (mut dated, mut successions) = (model.dated_links().peekable(), successions.into_iter().peekable());
    loop {
        let next = match (dated.peek(), successions.peek()) {
            (Some(&(a, _)), Some(&b)) => a.min(b),
            (Some(&(a, _)), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        if let Some((lid, v)) = dated.next_if(|&(a, _)| a == next) {
            link_dates(ctx, sink, lid, v);
        }
        if successions.next_if(|&b| b == next).is_some() {
            succession(model, sink, next);
        }
    }
}

/// T001 and T002 of a link with dates of its own (`v`).
fn link_dates(ctx: &Context, sink: &mut Sink, lid: LinkId, v: Validity) {
    let model = ctx.model;
    let (from, to) = model.link_ends(lid);
    if sink.on(id::T001) && v.never() && !sink.text() {
        sink.key(id::T001, from, None);
    } else if sink.on(id::T001) && v.never() {
        let mut ev = vec![Fact::link(model, lid)];
        let show = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        ev.push(Fact::Field {
            record: model.id(from).to_string().into(),
            field: format!("links[{}].since/until", lid.index()).into(),
            value: serde_json::json!([show(v.since), show(v.until)]),
        });
        let message = format!(
            "link {} is in force from {} until {}: until (the last day in force) is before since, so it is \
             never in force",
            link_label(model, lid),
            show(v.since),
            show(v.until)
        );
        sink.push(id::T001, from, None, message, ev);
    }
    if sink.on(id::T002) && !v.is_empty() {
        for end in [from, to] {
            if !ctx.dated(end) {
                continue; // in force whenever the link is: nothing to compare
            }
            let ev_ = model.record(end).validity();
            if !sink.text() && outside(v, ev_, true).is_some() {
                sink.key(id::T002, from, None);
                break;
            }
            if let Some(why) = outside(v, ev_, true) {
                let (mine, theirs) = why.split_once('|').unwrap_or((&why, ""));
                let mut ev = vec![Fact::link(model, lid)];
                dates(model, end, ev_, &mut ev);
                let message = format!(
                    "link {} in force {mine} but {:?} {theirs} ({}): on some day the link is in force and \
                     its end is not",
                    link_label(model, lid),
                    model.id(end),
                    span(ev_)
                );
                sink.push(id::T002, from, None, message, ev);
                break;
            }
        }
    }
}

/// T004 of a `succeeded_by` link.
fn succession(model: &Model, sink: &mut Sink, lid: LinkId) {
    let l = model.link(lid);
    let (a, b) = (model.record(l.from).validity(), model.record(l.to).validity());
    let (Some(end), Some(start)) = (a.until, b.since) else { return };
    if a.never() || b.never() {
        return;
    }
    let event = l.event.as_ref();
    let word = event.map_or_else(|| "succeeded_by".to_string(), |e| e.to_string());
    let gap = end.last_day().next_day().is_some_and(|next| start.first_day() > next);
    let overlap = event.is_some_and(|e| e.is_continuation()) && start.last_day() <= end.first_day();
    let what = if gap {
        "starts later than the day after: on the days between neither is in force"
    } else if overlap {
        "starts on or before the last day of its predecessor: the same body is in force twice"
    } else {
        return;
    };
    if !sink.text() {
        sink.key(id::T004, l.from, None);
        return;
    }
    let mut ev = vec![Fact::link(model, lid)];
    dates(model, l.from, a, &mut ev);
    dates(model, l.to, b, &mut ev);
    let message = format!(
        "{} ends {end} and its successor {} ({word}) starts {start}: the successor {what}",
        label(model, l.from),
        label(model, l.to)
    );
    sink.push(id::T004, l.from, None, message, ev);
}
