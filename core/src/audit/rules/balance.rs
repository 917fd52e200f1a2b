//! B: strips and blocks (条块) — stationed agencies and the street's powers over them.

use crate::audit::text::Out;
use crate::audit::{Context, Seen, Sink, fact, id, label, links_in};
use crate::evidence::{Evidence, Fact};
use crate::metrics::Tally;
use crate::model::{LinkId, LinkKind, Node, Power, UnitKind};

/// The bit of a power in a mask.
fn bit(p: Power) -> u8 {
    1 << Power::ALL.iter().position(|&x| x == p).unwrap_or(0)
}

/// The row of the street/town a stationed agency serves: where it is located,
/// else the street/town of a non-strip unit that leads it or holds a power over it.
fn served_row(ctx: &Context, a: Node, located_in: Option<Node>) -> Option<usize> {
    let model = ctx.model;
    if let Some(r) = located_in.and_then(|l| ctx.territory_row(l)) {
        return Some(r);
    }
    let from_street = |kind: &LinkKind| -> Option<usize> {
        model
            .sources(a, kind)
            .filter(|&s| !ctx.is_strip(s))
            .find_map(|s| ctx.holds(s).find_map(|t| ctx.territory_row(t)))
    };
    from_street(&LinkKind::Leads).or_else(|| from_street(&LinkKind::Power))
}

/// How many units of "the street" a B002 message names before it gives the count of the others.
pub(crate) const NAMED: usize = 8;

/// True when `unit` is one of "the street" `t`: it holds jurisdiction over it and is not a strip.
fn in_block(ctx: &Context, unit: Node, t: Node) -> bool {
    !ctx.is_strip(unit) && ctx.holds_at(unit, t)
}

/// The units of "the street": holders of jurisdiction over it, strips excepted, once
/// each in link order; at most `limit` of them. Returns how many there are in all.
fn block_of(ctx: &Context, t: Node, block: &mut Vec<Node>, seen: &mut Seen, limit: usize) -> usize {
    block.clear();
    seen.clear();
    let mut all = 0;
    for s in ctx.held_by(t) {
        if !ctx.is_strip(s) && seen.insert(s) {
            all += 1;
            if block.len() < limit {
                block.push(s);
            }
        }
    }
    all
}

/// The mask of the powers the street `t` holds over agency `a`, and the `power` links that give them.
/// O(power links into `a`), whatever the number of units holding the street.
fn powers(ctx: &Context, a: Node, t: Node, links: &mut Vec<LinkId>) -> u8 {
    let mut mask = 0u8;
    links.clear();
    for (lid, l) in links_in(ctx.model, a, &LinkKind::Power) {
        if in_block(ctx, l.from, t)
            && let Some(p) = l.power
        {
            mask |= bit(p);
            links.push(lid);
        }
    }
    mask
}

/// B001 and B002 for every `dispatched_agency`, and the strip/block counts of the metrics.
pub(crate) fn run(ctx: &Context, sink: &mut Sink, tally: &mut Tally) {
    let model = ctx.model;
    let required = &ctx.config.thresholds.required_powers;
    let required_mask = required.iter().fold(0u8, |m, &p| m | bit(p));
    let mut block: Vec<Node> = Vec::new();
    let mut seen = Seen::new(model.len());
    let mut power_links = Vec::new();
    for a in ctx.units_of(&UnitKind::DispatchedAgency) {
        let located_in = ctx.located_in(a);
        let Some(row) = served_row(ctx, a, located_in) else {
            if sink.on(id::B002) {
                let message = format!(
                    "stationed agency {} is located in no street or town, and no street or town unit leads it or \
                     holds a power over it: it answers to no block (条块结合、以块为主)",
                    label(model, a)
                );
                let evidence = vec![
                    Fact::missing(model, a, "located_in a street or town", true),
                    Fact::missing(model, a, "leads or power from a street or town unit", false),
                ];
                sink.push(id::B002, a, None, message, evidence);
            }
            continue;
        };
        let t = ctx.townships[row];
        let mask = powers(ctx, a, t, &mut power_links);
        // A power of the street is a link to it; look at every link only when there is none.
        let linked = !power_links.is_empty()
            || model.all_links_from(a).any(|(_, l)| in_block(ctx, l.to, t))
            || model.all_links_to(a).any(|(_, l)| in_block(ctx, l.from, t));
        if tally.counts(a) {
            let counts = &mut tally.rows[row];
            counts.agencies += 1;
            counts.agencies_with_assessment += u64::from(mask & bit(Power::Assessment) != 0);
            counts.agencies_with_consent += u64::from(mask & bit(Power::Consent) != 0);
            counts.agencies_with_required_powers += u64::from(mask & required_mask == required_mask);
        }

        let place = || format!("{} {}", model.labels(t).2, label(model, t));
        if !linked && sink.on(id::B002) {
            // At most NAMED units are named (a street may have any number of holders);
            // `responsible_for` on the street lists them all.
            let all = block_of(ctx, t, &mut block, &mut seen, NAMED);
            let mut ids: Vec<String> = block.iter().map(|&s| model.id(s).to_string()).collect();
            if all > block.len() {
                ids.push(format!(
                    "and {} other units (all listed by `responsible {}`)",
                    all - block.len(),
                    model.id(t)
                ));
            }
            let who = if ids.is_empty() {
                "nobody holds jurisdiction over it".to_string()
            } else {
                format!("no link of any kind joins the agency to {}", ids.join(", "))
            };
            let message = format!(
                "stationed agency {} has no link to {}, the street/town it serves: {who} (条块结合、以块为主)",
                label(model, a),
                place()
            );
            let mut evidence: Evidence = Vec::new();
            if let Some(loc) = located_in {
                evidence.push(Fact::field(model, a, "located_in", model.id(loc)));
            }
            evidence.push(Fact::missing(
                model,
                a,
                format!("link to or from a unit holding jurisdiction over {}", model.id(t)),
                false,
            ));
            sink.push(id::B002, a, Some(t), message, evidence);
        }
        if mask & required_mask != required_mask {
            sink.note(id::B001, a, Some(t));
        }
    }
}

/// The message and evidence of the B001 finding about agency `a` and the street/town `t` it serves.
pub(crate) fn describe(ctx: &Context, a: Node, t: Option<Node>, out: &mut Out) {
    let model = ctx.model;
    let Some(t) = t else { return };
    let required = &ctx.config.thresholds.required_powers;
    let mut links = std::mem::take(&mut out.links);
    let mask = powers(ctx, a, t, &mut links);
    out.s(model.labels(t).2).s(" ").label(model, t).s(" lacks ");
    for (i, p) in required.iter().filter(|&&p| mask & bit(p) == 0).enumerate() {
        if i > 0 {
            out.s(" and ");
        }
        out.s(p.as_str());
    }
    out.s(" power over stationed agency ").label(model, a).s(" (it holds ");
    if mask == 0 {
        out.s("no power at all");
    }
    for (i, p) in Power::ALL.iter().filter(|&&p| mask & bit(p) != 0).enumerate() {
        if i > 0 {
            out.s(", ");
        }
        out.s(p.as_str());
    }
    out.s("); the street's powers over stationed agencies come from the Shanghai street-office regulation (2016) \
           (条强块弱)");
    out.facts.extend(links.iter().map(|&l| fact(model, l)));
    for p in required.iter().filter(|&&p| mask & bit(p) == 0) {
        out.what.clear();
        out.what.push_str("power (");
        out.what.push_str(p.as_str());
        out.what.push_str(") from ");
        out.what.push_str(model.id(t));
        out.facts.push(Fact::missing(model, a, out.what.clone(), false));
    }
    out.links = links;
}
