//! P: people and posts — vacant and duplicate principals, the career scale, the
//! community-worker ratio, cross-appointment.
//!
//! A model without people (no `people` array and no `holds` link) gets no P finding at
//! all: none of these rules runs. With people, P001 looks only at the kinds of unit the
//! data staffs at the date (some unit of the kind has a holder of its principal post)
//! and at units that had such a holder once, so a model that records, say, only
//! community secretaries is not told that every department lacks a head. The rules read the view at the audit's date, except P002,
//! which compares the terms of the whole document (two principals overlap on a day).

use crate::audit::{Context, Sink, id, label};
use crate::evidence::{Evidence, Fact};
use crate::model::{Band, Date, LinkKind, Model, Node, Post, PostTerm, SingleHolder, UnitKind, overlapping_terms};
use crate::people::{needs_principal, principal_post};

/// `at 2024-06-30` or `in the document` (a model read without a date).
fn when(model: &Model) -> String {
    model.date().map_or_else(|| "in the document (no date)".to_string(), |d| format!("at {d}"))
}

/// P001–P005: one pass over the units (P001, P002, and P005 for Party organisations)
/// reading each unit's single-holder posts from [`Model::single_holders`], and one pass
/// over the holdings side table (P003, P004) that reads no other link.
pub(crate) fn run(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    if !ctx.has_people() || ![id::P001, id::P002, id::P003, id::P004, id::P005].iter().any(|&r| sink.on(r)) {
        return;
    }
    let at = when(model);
    let (p001_on, p002_on, p005_on) = (sink.on(id::P001), sink.on(id::P002), sink.on(id::P005));
    // The unit kinds staffed at the date (some unit of the kind has a holder of its principal
    // post), by position in `UnitKind::ALL`, and the units needing a principal that have none,
    // with whether they ever had one. The units are read from the audit's kind column (a byte
    // per record) rather than their records: a custom kind needs no principal and is no Party
    // organisation, so P001 and P005 pass it by.
    let mut staffed = [false; 256];
    let mut vacant: Vec<(Node, u8, bool)> = Vec::new();
    // A buffer reused from unit to unit for P005's Party holders (an allocation per unit cost
    // more than the rule's own work on a national model's million staffed units).
    let mut party = Vec::new();
    if p001_on || p005_on {
        for n in ctx.units() {
            let Some((code, Some(kind))) = ctx.kind_code(n).map(|c| (c, UnitKind::ALL.get(usize::from(c)))) else {
                continue;
            };
            if p001_on && needs_principal(kind) {
                let post = SingleHolder::code(&principal_post(kind));
                let mut of_post = model.single_holders(n).iter().filter(|e| Some(e.post) == post).peekable();
                let ever = of_post.peek().is_some();
                if of_post.any(|e| model.link_in_view(e.link)) {
                    staffed[usize::from(code)] = true;
                } else {
                    vacant.push((n, code, ever));
                }
            }
            if p005_on && kind.is_party_org() {
                p005(ctx, sink, n, kind, &at, &mut party);
            }
        }
    }
    if let Some(whole) = ctx.whole {
        // A part of a model (the what-if's): the kinds the whole model staffs.
        for (s, &w) in staffed.iter_mut().zip(&whole.staffed) {
            *s = w;
        }
    }
    for (n, code, ever) in vacant {
        // Checked when the data staffs the kind at the date, or the unit had such a holder once.
        let Some(kind) = UnitKind::ALL.get(usize::from(code)) else { continue };
        if ever || staffed[usize::from(code)] {
            p001(ctx, sink, n, &principal_post(kind), &at);
        }
    }
    if p002_on {
        // The units with overlapping terms are known once per document (when the posts are
        // gathered); of those, the units in the view.
        let mut terms = Vec::new();
        for n in model.units_with_overlapping_terms() {
            if ctx.kind_code(n).is_some() {
                p002(ctx, sink, n, &mut terms);
            }
        }
    }
    if sink.on(id::P003) || sink.on(id::P004) {
        p003_p004(ctx, sink, &at);
    }
}

/// What unit `u` adds to the P rules' whole-model inputs: its kind code to `staffed` when a
/// holder of its principal post is in the view (P001 reports a kind's vacancies only when
/// some unit of the kind is staffed), and `worker(street/town, person)` for each
/// community-worker post held in it in the view (P004 counts the distinct workers of a
/// street/town). The same tests as [`run`]'s passes, one unit at a time: the what-if keeps
/// the totals of a model and moves them by the units an edit reaches.
///
/// `ctx` places the unit (its kind, its street/town): the whole model's or a part's that
/// places it as the whole model does; the posts are read from `whole` (the same view), where
/// the unit is `w`, so a part need not hold a street office's thousand workers.
pub(crate) fn unit_inputs(
    ctx: &Context,
    u: Node,
    whole: &Model,
    w: Node,
    staffed: &mut Vec<u8>,
    worker: &mut dyn FnMut(Node, Node),
) {
    let Some(code) = ctx.kind_code(u) else { return };
    let posts = || {
        whole
            .document_links_to(w)
            .filter(|(lid, l)| l.kind == LinkKind::Holds && whole.link_in_view(*lid))
            .filter_map(|(lid, l)| Some((whole.holding(lid)?, l.from)))
    };
    if let Some(kind) = UnitKind::ALL.get(usize::from(code))
        && needs_principal(kind)
    {
        // `Model::single_holders` holds the single-holder posts.
        let post = principal_post(kind);
        if post.is_single_holder() && posts().any(|(h, _)| h.post == post) {
            staffed.push(code);
        }
    }
    let Some(row) = ctx.unit_row(u) else { return };
    for (_, person) in posts().filter(|(h, _)| h.post == Post::CommunityWorker) {
        worker(ctx.townships[row], person);
    }
}

fn p001(ctx: &Context, sink: &mut Sink, unit: Node, post: &Post, at: &str) {
    let model = ctx.model;
    // The last holder in the document whose term ended, to say since when the post is vacant.
    let last = model
        .document_links_to(unit)
        .filter(|(lid, l)| l.kind == LinkKind::Holds && model.holding(*lid).is_some_and(|h| &h.post == post))
        .filter_map(|(lid, l)| l.validity.until.map(|u| (u, lid, l.from)))
        .filter(|(u, ..)| model.date().is_none_or(|d| u.last_day() < d.last_day()))
        .max_by_key(|(u, ..)| u.last_day());
    let mut ev: Evidence<'static> = vec![Fact::missing(model, unit, format!("holds (post {post})"), false)];
    let mut message = format!("unit {} has no {post} {at}", label(model, unit));
    if let Some((until, lid, person)) = last {
        ev.push(Fact::link(model, lid));
        message.push_str(&format!(": the last, {:?}, held the post until {until}", model.id(person)));
    }
    sink.push(id::P001, unit, ctx.unit_township(unit), message, ev);
}

/// Two people's terms in one single-holder post of `unit` overlapping on a day, whatever
/// the reduced dates stand for (the later start's last reading on or before the earlier
/// end's first). One finding per unit and post, naming the first overlap.
/// `terms` is a buffer, left empty.
fn p002<'m>(ctx: &Context<'m>, sink: &mut Sink, unit: Node, terms: &mut Vec<Term<'m>>) {
    let model = ctx.model;
    terms.clear();
    terms.extend(model.single_holders(unit).iter().filter_map(|e| {
        let l = model.link(e.link);
        let h = model.holding(e.link)?;
        (!l.validity.never()).then(|| {
            let v = l.validity;
            (&h.post, v.since.map(Date::last_day), v.until.map(Date::first_day), e.link, l.from)
        })
    }));
    p002_terms(ctx, sink, unit, terms);
    terms.clear();
}

/// A term of a single-holder post for P002: (post, latest start, earliest end, link,
/// person); `None` is no bound.
type Term<'a> = PostTerm<&'a Post>;

fn p002_terms(ctx: &Context<'_>, sink: &mut Sink, unit: Node, terms: &mut [Term<'_>]) {
    let model = ctx.model;
    for (i, j) in overlapping_terms(terms) {
        let (a, b) = (&terms[i], &terms[j]);
        let from = b.1.map_or_else(|| "the start".to_string(), |d| d.to_string());
        let until = match (a.2, b.2) {
            (Some(x), Some(y)) => x.min(y).to_string(),
            (Some(x), None) | (None, Some(x)) => x.to_string(),
            (None, None) => "now".to_string(),
        };
        let message = format!(
            "unit {} has two people in its single-holder post {} on the same days: {:?} and {:?}, both from {from} \
             until {until}",
            label(model, unit),
            a.0,
            model.id(a.4),
            model.id(b.4),
        );
        let ev = vec![Fact::link(model, a.3), Fact::link(model, b.3)];
        sink.push(id::P002, unit, ctx.unit_township(unit), message, ev);
    }
}

/// P003 and P004 in one pass over the holdings of the view, in link order.
fn p003_p004(ctx: &Context, sink: &mut Sink, at: &str) {
    let model = ctx.model;
    let t = &ctx.config.thresholds;
    let (p003_on, p004_on) = (sink.on(id::P003), sink.on(id::P004));
    // (street/town row, person) of each community worker's post.
    let mut workers: Vec<(u32, u32)> = Vec::new();
    // The street/town row of the last unit asked for: a unit's workers' links mostly follow
    // each other.
    let mut last: Option<(Node, Option<usize>)> = None;
    for (lid, h) in model.document_holdings() {
        if !model.link_in_view(lid) {
            continue;
        }
        if p004_on && h.post == Post::CommunityWorker {
            let (person, unit) = model.link_ends(lid);
            let row = match last {
                Some((u, row)) if u == unit => row,
                _ => ctx.unit_row(unit),
            };
            last = Some((unit, row));
            if let Some(row) = row {
                workers.push((row as u32, person.raw()));
            }
        }
        let (true, Some(band), Some(grade)) = (p003_on, h.band, h.grade) else { continue };
        let [lo, hi] = match band {
            Band::Chief => t.chief_grades,
            Band::Deputy => t.deputy_grades,
            Band::Other => t.other_grades,
        };
        if (lo..=hi).contains(&u32::from(grade)) {
            continue;
        }
        let l = model.link(lid);
        let message = format!(
            "person {:?} holds post {} in {} at grade {grade}, outside band {band} (grades {lo}–{hi})",
            model.id(l.from),
            h.post,
            label(model, l.to)
        );
        sink.push(id::P003, l.from, ctx.unit_township(l.to), message, vec![Fact::link(model, lid)]);
    }
    if p004_on {
        p004(ctx, sink, at, workers);
    }
}

/// The population a territory's `attrs.population` states, when it is a whole number.
fn population(model: &Model, t: Node) -> Option<u64> {
    model.record(t).attrs()?.get("population")?.as_u64()
}

/// Distinct community workers per street/town row, from (row, person) pairs: grouped by row
/// (a counting sort), each row's people sorted and each counted once: no array the size of
/// the model (a stamp per record took 51 MB nationally with people; as fast, measured).
fn distinct_per_row(rows: usize, pairs: &[(u32, u32)]) -> Vec<u64> {
    let mut start = vec![0u32; rows + 1];
    for &(r, _) in pairs {
        start[r as usize + 1] += 1;
    }
    for i in 0..rows {
        start[i + 1] += start[i];
    }
    let mut grouped = vec![0u32; pairs.len()];
    let mut next = start.clone();
    for &(r, p) in pairs {
        grouped[next[r as usize] as usize] = p;
        next[r as usize] += 1;
    }
    start
        .windows(2)
        .map(|w| {
            let people = &mut grouped[w[0] as usize..w[1] as usize];
            people.sort_unstable();
            people.chunk_by(|a, b| a == b).count() as u64
        })
        .collect()
}

fn p004(ctx: &Context, sink: &mut Sink, at: &str, workers: Vec<(u32, u32)>) {
    let model = ctx.model;
    let per = u64::from(ctx.config.thresholds.workers_per_10000);
    let counts = distinct_per_row(ctx.townships.len(), &workers);
    drop(workers);
    for (row, &street) in ctx.townships.iter().enumerate() {
        let Some(pop) = population(model, street) else { continue };
        // A part of a model (the what-if's): the street/town's workers in the whole model.
        let whole = ctx.whole.and_then(|w| w.workers.get(model.id(street)));
        let have = whole.copied().unwrap_or(counts[row]);
        if have * 10_000 >= per * pop {
            continue;
        }
        let need = (per * pop).div_ceil(10_000);
        let message = format!(
            "{} {} has {have} community workers {at} for {pop} residents: fewer than {per} per 10,000 (at least \
             {need})",
            model.record(street).kind_str(),
            label(model, street)
        );
        let ev = vec![Fact::field(model, street, "attrs.population", pop)];
        sink.push(id::P004, street, Some(street), message, ev);
    }
}

/// The Party posts that count for cross-appointment.
fn party_post(p: &Post) -> bool {
    matches!(p, Post::Secretary | Post::DeputySecretary | Post::CommitteeMember)
}

/// P005 for one Party organisation `org` (the units pass calls it for each).
/// `buffer` is scratch space for the Party holders (cleared first).
fn p005(ctx: &Context, sink: &mut Sink, org: Node, kind: &UnitKind, at: &str, buffer: &mut Vec<Node>) {
    let model = ctx.model;
    // The holders of its Party posts, read once, when it leads a committee.
    buffer.clear();
    let mut read = false;
    for led in model.targets(org, &LinkKind::Leads) {
        // The kind from the audit's column: a byte, where the unit's record is a cache miss.
        let Some(c) = ctx.kind(led) else { continue };
        if !matches!(c, UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee) {
            continue;
        }
        if !read {
            read = true;
            buffer.extend(
                model
                    .holder_ends(org)
                    .filter(|(lid, _)| model.holding(*lid).is_some_and(|h| party_post(&h.post)))
                    .map(|(_, person)| person),
            );
            buffer.sort_unstable();
            buffer.dedup();
        }
        let party = &*buffer;
        let mut committee = model.holder_ends(led).map(|(_, person)| person).peekable();
        // Nothing to judge without holders on both sides (P001 speaks of vacancies).
        if party.is_empty() || committee.peek().is_none() || committee.any(|p| party.binary_search(&p).is_ok()) {
            continue;
        }
        let message = format!(
            "{} {} leads {} {} but none of its {} secretary and committee members holds a post there {at} \
             (no cross-appointment, 交叉任职)",
            kind,
            label(model, org),
            c,
            label(model, led),
            party.len()
        );
        let ev = vec![Fact::missing(model, led, "holds from a member of the Party organisation", false)];
        sink.push(id::P005, org, ctx.unit_township(org), message, ev);
    }
}

#[cfg(test)]
mod tests {
    /// A person with several community-worker posts counts once per street/town, in each
    /// street/town where they hold one, whatever the order of the posts.
    #[test]
    fn workers_are_counted_once_per_row() {
        let pairs = [(0, 5), (1, 5), (0, 5), (2, 7), (0, 7), (1, 5), (0, 9)];
        assert_eq!(super::distinct_per_row(3, &pairs), [3, 1, 1]);
        assert_eq!(super::distinct_per_row(2, &[]), [0, 0]);
    }
}
