//! D: dual reporting-in (双报到): a unit's Party organisation registers with
//! the Party organisation of the place where the unit sits.

use crate::audit::{Context, Sink, fact, id, label, links_out};
use crate::evidence::{Evidence, Fact};
use crate::metrics::Tally;
use crate::model::{LinkKind, Node};

/// The places a unit located in `loc` may register in: `loc` and its
/// containing territories up to its street/town (`township`), nearest first.
fn places(ctx: &Context, loc: Node, township: Node, out: &mut Vec<Node>) {
    out.clear();
    for t in ctx.ancestors(loc) {
        out.push(t);
        if t == township {
            break;
        }
    }
}

/// D001, and the dual-registration counts of the metrics.
///
/// For every unit P with `party_org_of` links (own organisations and joint
/// branches alike) and every unit U it covers that is located at or below a
/// street/town: P must have a `registers_with` link to a Party organisation
/// holding jurisdiction over U's `located_in` territory or a containing one up
/// to the street/town. Exempt: P itself holds jurisdiction over one of those
/// places (it is the territorial organisation). One finding per P.
pub(crate) fn run(ctx: &Context, sink: &mut Sink, tally: &mut Tally) {
    let model = ctx.model;
    let org_of = LinkKind::PartyOrgOf;
    let mut here: Vec<Node> = Vec::new();
    let mut seen: Vec<Node> = Vec::new();
    let mut failing: Vec<(Node, Node, Node)> = Vec::new(); // (unit, located_in, township)
    for p in ctx.units() {
        let covered = ctx.org_of.get(p);
        if covered.len() == 0 {
            continue;
        }
        let mut row_first = None;
        failing.clear();
        seen.clear();
        for u in covered {
            if seen.contains(&u) {
                continue;
            }
            seen.push(u);
            let Some(loc) = ctx.located_in(u) else { continue };
            let Some(row) = ctx.territory_row(loc) else { continue };
            let township = ctx.townships[row];
            places(ctx, loc, township, &mut here);
            if ctx.holds.get(p).any(|t| here.contains(&t)) {
                continue;
            }
            row_first.get_or_insert(row);
            let registered =
                ctx.registers.get(p).any(|r| ctx.is_party_org(r) && ctx.holds.get(r).any(|t| here.contains(&t)));
            if !registered {
                failing.push((u, loc, township));
            }
        }
        let Some(row) = row_first else { continue };
        tally.rows[row].party_orgs_to_register += 1;
        if failing.is_empty() {
            tally.rows[row].party_orgs_registered += 1;
            continue;
        }
        if !sink.on(id::D001) {
            continue;
        }
        let (_, loc0, township0) = failing[0];
        let units: Vec<String> = failing.iter().map(|&(u, _, _)| label(model, u).to_string()).collect();
        let plural = if units.len() == 1 { "" } else { "s" };
        let message = format!(
            "Party organisation {} of unit{plural} {} does not register (registers_with) with a Party organisation \
             holding jurisdiction where the unit sits: {} or a containing territory up to street/town {} (dual \
             reporting-in, 双报到)",
            label(model, p),
            units.join(", "),
            label(model, loc0),
            label(model, township0)
        );
        let mut evidence: Evidence = Vec::new();
        for &(u, loc, _) in &failing {
            if let Some((l, _)) = links_out(model, p, &org_of).find(|(_, l)| l.to == u) {
                evidence.push(fact(model, l));
            }
            evidence.push(Fact::field(model, u, "located_in", model.id(loc)));
        }
        evidence.extend(links_out(model, p, &LinkKind::RegistersWith).map(|(l, _)| fact(model, l)));
        evidence.push(Fact::missing(
            model,
            p,
            "registers_with to a Party organisation holding jurisdiction there",
            true,
        ));
        sink.push(id::D001, p, Some(township0), message, evidence);
    }
}
