//! D: dual reporting-in (双报到): a unit's Party organisation registers with
//! the Party organisation of the place where the unit sits.

use crate::audit::text::Out;
use crate::audit::{Context, Seen, Sink, Tour, fact, id, links_out};
use crate::evidence::Fact;
use crate::metrics::Tally;
use crate::model::{LinkId, LinkKind, Node};

/// The most steps from a unit's place up to its street/town walked one by one; a
/// place deeper than this is answered by a sweep over the territory tree's Euler tour
/// ([`deepest_marked`]), so a deep tree never costs units × depth.
const WALK: usize = 8;

/// The places a unit located in `loc` may register in: `loc` and its containing
/// territories up to its street/town (`township`), nearest first. False (and `out`
/// cut short) when the street/town is more than [`WALK`] steps up.
fn places(ctx: &Context, loc: Node, township: Node, out: &mut Vec<Node>) -> bool {
    out.clear();
    for t in ctx.model.ancestors(loc) {
        out.push(t);
        if t == township {
            return true;
        }
        if out.len() > WALK {
            return false;
        }
    }
    true
}

/// For each query place, the depth of the deepest of `marked` that contains it (or is
/// it), or `None`: one sweep over both sorted by pre-order, O((marked + queries) log).
/// `t` contains `u` exactly when `tin[t] <= tin[u] <= tout[t]`; containing intervals nest,
/// so a stack of the open ones holds, at its top, the deepest containing the query.
fn deepest_marked(tour: &Tour, marked: &mut Vec<Node>, queries: &[Node]) -> Vec<Option<u32>> {
    marked.sort_unstable_by_key(|t| tour.tin[t.index()]);
    marked.dedup();
    let mut order: Vec<usize> = (0..queries.len()).collect();
    order.sort_unstable_by_key(|&i| tour.tin[queries[i].index()]);
    let mut out = vec![None; queries.len()];
    let mut open: Vec<Node> = Vec::new();
    let mut next = 0;
    let closed = |open: &mut Vec<Node>, at: u32| {
        while open.last().is_some_and(|t| tour.tout[t.index()] < at) {
            open.pop();
        }
    };
    for i in order {
        let at = tour.tin[queries[i].index()];
        while next < marked.len() && tour.tin[marked[next].index()] <= at {
            closed(&mut open, tour.tin[marked[next].index()]);
            open.push(marked[next]);
            next += 1;
        }
        closed(&mut open, at);
        out[i] = open.last().map(|t| tour.depth[t.index()]);
    }
    out
}

/// True when one of `marked`'s deepest containing depths reaches down to the street/town.
fn on_path(tour: &Tour, deepest: Option<u32>, township: Node) -> bool {
    deepest.is_some_and(|d| d >= tour.depth[township.index()])
}

/// Scratch sets for [`check`], kept from one Party organisation to the next.
#[derive(Default)]
pub(crate) struct Marks {
    /// The units P covers, met so far.
    covered: Seen,
    /// The territories P holds jurisdiction over.
    held: Seen,
    /// The territories held by the Party organisations P registers with (filled on first need).
    registered: Seen,
    /// The covered units of P as (unit, located_in, street/town, its row, standing).
    seen: Vec<(Node, Node, Node, usize, Standing)>,
}

/// A covered unit's standing while [`check`] runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// P holds one of its places: exempt.
    Exempt,
    /// P registers with a holder of one of its places.
    Registered,
    /// Neither.
    Failing,
    /// Its street/town is more than [`WALK`] steps up: decided by the sweep.
    Deep,
}

/// The check of D001 for one unit P with `party_org_of` links: fills
/// `failing` with the (unit, located_in, street/town) of every unit P covers
/// that it is not registered for, and returns the row of the street/town of
/// the first covered unit that needs a registration (`None` when none does).
///
/// Work: O(|party_org_of(P)| × min(places per unit, [`WALK`]) + |jurisdiction(P)| + the
/// territories of the organisations P registers with), plus a sort of those when a unit
/// sits deeper than [`WALK`] below its street/town; sets rather than list searches, so a
/// joint branch over every unit of the model, holding every territory, or units at the
/// bottom of a 100,000-deep tree all stay (near-)linear.
fn check(
    ctx: &Context,
    p: Node,
    here: &mut Vec<Node>,
    marks: &mut Marks,
    failing: &mut Vec<(Node, Node, Node)>,
) -> Option<usize> {
    failing.clear();
    marks.covered.clear();
    marks.held.clear();
    marks.registered.clear();
    for t in ctx.holds(p) {
        marks.held.insert(t);
    }
    let mut registered_filled = false;
    let mut fill_registered = |marks: &mut Marks| {
        if !registered_filled {
            registered_filled = true;
            for r in ctx.registers(p).filter(|&r| ctx.is_party_org(r)) {
                for t in ctx.holds(r) {
                    marks.registered.insert(t);
                }
            }
        }
    };
    // (unit, located_in, street/town, its row, standing), in `party_org_of` order.
    let mut seen = std::mem::take(&mut marks.seen);
    seen.clear();
    let mut deep = 0;
    for u in ctx.org_of(p) {
        if !marks.covered.insert(u) {
            continue;
        }
        let Some(loc) = ctx.located_in(u) else { continue };
        let Some(row) = ctx.territory_row(loc) else { continue };
        let township = ctx.townships[row];
        let standing = if !places(ctx, loc, township, here) {
            deep += 1;
            Standing::Deep
        } else if here.iter().any(|&t| marks.held.contains(t)) {
            Standing::Exempt
        } else {
            fill_registered(marks);
            if here.iter().any(|&t| marks.registered.contains(t)) { Standing::Registered } else { Standing::Failing }
        };
        seen.push((u, loc, township, row, standing));
    }
    if deep > 0 {
        let tour = ctx.tour();
        let (idx, locs): (Vec<usize>, Vec<Node>) =
            seen.iter().enumerate().filter(|(_, e)| e.4 == Standing::Deep).map(|(i, e)| (i, e.1)).unzip();
        let mut held: Vec<Node> = ctx.holds(p).collect();
        let by_held = deepest_marked(tour, &mut held, &locs);
        let mut registered: Vec<Node> =
            ctx.registers(p).filter(|&r| ctx.is_party_org(r)).flat_map(|r| ctx.holds(r)).collect();
        let by_registered = deepest_marked(tour, &mut registered, &locs);
        for (k, &i) in idx.iter().enumerate() {
            let township = seen[i].2;
            seen[i].4 = if on_path(tour, by_held[k], township) {
                Standing::Exempt
            } else if on_path(tour, by_registered[k], township) {
                Standing::Registered
            } else {
                Standing::Failing
            };
        }
    }
    let mut row_first = None;
    for &(u, loc, township, row, standing) in &seen {
        if standing == Standing::Exempt {
            continue;
        }
        row_first.get_or_insert(row);
        if standing == Standing::Failing {
            failing.push((u, loc, township));
        }
    }
    marks.seen = seen;
    row_first
}

/// D001, and the dual-registration counts of the metrics.
///
/// For every unit P with `party_org_of` links (own organisations and joint
/// branches alike) and every unit U it covers that is located at or below a
/// street/town: P must have a `registers_with` link to a Party organisation
/// holding jurisdiction over U's `located_in` territory or a containing one up
/// to the street/town. Exempt: P itself holds jurisdiction over one of those
/// places (it is the territorial organisation). One finding per P, noted here
/// and described when the report is built ([`describe`]).
pub(crate) fn run(ctx: &Context, sink: &mut Sink, tally: &mut Tally) {
    let mut here: Vec<Node> = Vec::new();
    let mut marks = Marks::default();
    let mut failing: Vec<(Node, Node, Node)> = Vec::new();
    let mut kept: Vec<u32> = Vec::new();
    for p in ctx.units() {
        if ctx.org_of(p).len() == 0 {
            continue;
        }
        let Some(row) = check(ctx, p, &mut here, &mut marks, &mut failing) else { continue };
        let counted = tally.counts(p);
        if counted {
            tally.rows[row].party_orgs_to_register += 1;
        }
        match failing.first() {
            None if counted => tally.rows[row].party_orgs_registered += 1,
            None => {}
            Some(&(_, _, township)) => {
                // The describer gets the failing units back instead of running the check again.
                kept.clear();
                kept.extend(failing.iter().flat_map(|&(u, loc, t)| [u, loc, t].map(|n| n.index() as u32)));
                sink.note_kept(id::D001, p, Some(township), &kept);
            }
        }
    }
}

/// The message and evidence of the D001 finding about Party organisation `p`, from the
/// (unit, located_in, street/town) triples [`run`] kept (`kept`, flat), or found again.
pub(crate) fn describe(ctx: &Context, p: Node, kept: Option<&[u32]>, out: &mut Out) {
    let model = ctx.model;
    let mut failing = std::mem::take(&mut out.triples);
    let mut here = std::mem::take(&mut out.nodes);
    let mut marks = std::mem::take(&mut out.marks);
    match kept {
        Some(kept) => {
            failing.clear();
            failing.extend(kept.chunks_exact(3).map(|t| (Node::new(t[0]), Node::new(t[1]), Node::new(t[2]))));
        }
        None => {
            check(ctx, p, &mut here, &mut marks, &mut failing);
        }
    }
    if let Some(&(_, loc0, township0)) = failing.first() {
        let plural = if failing.len() == 1 { "" } else { "s" };
        out.s("Party organisation ").label(model, p).s(" of unit").s(plural).s(" ");
        for (i, &(u, _, _)) in failing.iter().enumerate() {
            if i > 0 {
                out.s(", ");
            }
            out.label(model, u);
        }
        out.s(" does not register (registers_with) with a Party organisation holding jurisdiction where the unit \
               sits: ");
        out.label(model, loc0).s(" or a containing territory up to street/town ").label(model, township0);
        out.s(" (dual reporting-in, 双报到)");
        // The first party_org_of link to each unit, found in one pass and a sort (not one
        // search per unit: a joint branch may cover thousands); the sort is stable, so the
        // first link to a unit stays first.
        let mut first: Vec<(Node, LinkId)> =
            links_out(model, p, &LinkKind::PartyOrgOf).map(|(l, link)| (link.to, l)).collect();
        first.sort_by_key(|&(to, _)| to);
        first.dedup_by_key(|&mut (to, _)| to);
        for &(u, loc, _) in &failing {
            if let Ok(i) = first.binary_search_by_key(&u, |&(to, _)| to) {
                out.facts.push(fact(model, first[i].1));
            }
            out.facts.push(Fact::field(model, u, "located_in", model.id(loc)));
        }
        out.facts.extend(links_out(model, p, &LinkKind::RegistersWith).map(|(l, _)| fact(model, l)));
        out.facts.push(Fact::missing(
            model,
            p,
            "registers_with to a Party organisation holding jurisdiction there",
            true,
        ));
    }
    (out.triples, out.nodes, out.marks) = (failing, here, marks);
}
