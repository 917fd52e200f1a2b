//! D: dual reporting-in (双报到): a unit's Party organisation registers with
//! the Party organisation of the place where the unit sits.

use crate::audit::text::Out;
use crate::audit::{Context, Seen, Sink, fact, id, links_out};
use crate::evidence::Fact;
use crate::metrics::Tally;
use crate::model::{LinkId, LinkKind, Node};

/// The places a unit located in `loc` may register in: `loc` and its
/// containing territories up to its street/town (`township`), nearest first.
fn places(ctx: &Context, loc: Node, township: Node, out: &mut Vec<Node>) {
    out.clear();
    for t in ctx.model.ancestors(loc) {
        out.push(t);
        if t == township {
            break;
        }
    }
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
}

/// The check of D001 for one unit P with `party_org_of` links: fills
/// `failing` with the (unit, located_in, street/town) of every unit P covers
/// that it is not registered for, and returns the row of the street/town of
/// the first covered unit that needs a registration (`None` when none does).
///
/// Work: O(|party_org_of(P)| × places per unit + |jurisdiction(P)| + the territories of
/// the organisations P registers with), with sets rather than list searches, so a joint
/// branch over every unit of the model, or holding every territory, stays linear.
fn check(
    ctx: &Context,
    p: Node,
    here: &mut Vec<Node>,
    marks: &mut Marks,
    failing: &mut Vec<(Node, Node, Node)>,
) -> Option<usize> {
    let mut row_first = None;
    failing.clear();
    marks.covered.clear();
    marks.held.clear();
    marks.registered.clear();
    for t in ctx.holds(p) {
        marks.held.insert(t);
    }
    let mut registered_filled = false;
    for u in ctx.org_of(p) {
        if !marks.covered.insert(u) {
            continue;
        }
        let Some(loc) = ctx.located_in(u) else { continue };
        let Some(row) = ctx.territory_row(loc) else { continue };
        let township = ctx.townships[row];
        places(ctx, loc, township, here);
        if here.iter().any(|&t| marks.held.contains(t)) {
            continue;
        }
        row_first.get_or_insert(row);
        if !registered_filled {
            registered_filled = true;
            for r in ctx.registers(p).filter(|&r| ctx.is_party_org(r)) {
                for t in ctx.holds(r) {
                    marks.registered.insert(t);
                }
            }
        }
        let registered = here.iter().any(|&t| marks.registered.contains(t));
        if !registered {
            failing.push((u, loc, township));
        }
    }
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
    for p in ctx.units() {
        if ctx.org_of(p).len() == 0 {
            continue;
        }
        let Some(row) = check(ctx, p, &mut here, &mut marks, &mut failing) else { continue };
        tally.rows[row].party_orgs_to_register += 1;
        match failing.first() {
            None => tally.rows[row].party_orgs_registered += 1,
            Some(&(_, _, township)) => sink.note(id::D001, p, Some(township)),
        }
    }
}

/// The message and evidence of the D001 finding about Party organisation `p`.
pub(crate) fn describe(ctx: &Context, p: Node, out: &mut Out) {
    let model = ctx.model;
    let mut failing = std::mem::take(&mut out.triples);
    let mut here = std::mem::take(&mut out.nodes);
    let mut marks = std::mem::take(&mut out.marks);
    check(ctx, p, &mut here, &mut marks, &mut failing);
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
        // The first party_org_of link to each unit, found in one pass (not one search per unit).
        let mut first: std::collections::HashMap<Node, LinkId> = std::collections::HashMap::new();
        for (l, link) in links_out(model, p, &LinkKind::PartyOrgOf) {
            first.entry(link.to).or_insert(l);
        }
        for &(u, loc, _) in &failing {
            if let Some(&l) = first.get(&u) {
                out.facts.push(fact(model, l));
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
