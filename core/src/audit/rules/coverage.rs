//! C: organisational and work coverage (两个覆盖), branch sizes, and whether
//! every place has someone answering for it.

use crate::audit::{Context, Sink, cover, fact, id, label, links_in, links_out};
use crate::evidence::{Evidence, Fact};
use crate::model::{LinkId, LinkKind, Node, TerritoryKind, UnitKind};

pub(crate) fn run(ctx: &Context, sink: &mut Sink) {
    if sink.on(id::C001) || sink.on(id::C002) || sink.on(id::C003) {
        units(ctx, sink);
    }
    if sink.on(id::C004) || sink.on(id::C005) {
        branches(ctx, sink);
    }
    if sink.on(id::C006) || sink.on(id::C007) || sink.on(id::C008) {
        territories(ctx, sink);
    }
}

fn members_word(n: u32) -> &'static str {
    if n == 1 { "full member" } else { "full members" }
}

/// C001–C003: one pass over the units that are not Party organisations.
fn units(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    let min = ctx.config.thresholds.min_members_for_org;
    for u in ctx.units() {
        if ctx.is_party_org(u) {
            continue;
        }
        let flags = ctx.cover(u);
        let members = ctx.members(u).unwrap_or(0);
        if members >= min && flags & cover::OWN == 0 && sink.on(id::C001) {
            let mut evidence = vec![Fact::field(model, u, "members", members)];
            let joints: Vec<_> = links_in(model, u, &LinkKind::PartyOrgOf).collect();
            evidence.push(Fact::missing(model, u, "party_org_of from a Party organisation of its own", false));
            evidence.extend(joints.iter().map(|(l, _)| fact(model, *l)));
            let mut message = format!(
                "unit {} has {members} {} but no Party organisation of its own (Party Constitution art. 30 requires \
                 one from {min})",
                label(model, u),
                members_word(members)
            );
            if let Some((_, l)) = joints.first() {
                message.push_str(&format!("; it is only in joint branch {}", label(model, l.from)));
            }
            sink.push(id::C001, u, ctx.unit_township(u), message, evidence);
        }
        if (1..min).contains(&members) && flags & (cover::OWN | cover::JOINT) == 0 && sink.on(id::C002) {
            let evidence =
                vec![Fact::field(model, u, "members", members), Fact::missing(model, u, "party_org_of", false)];
            let message = format!(
                "unit {} has {members} {} and is in no joint Party branch (units with fewer than {min} join one, \
                 Branch Work Regulations 2018)",
                label(model, u),
                members_word(members)
            );
            sink.push(id::C002, u, ctx.unit_township(u), message, evidence);
        }
        if let Some(sector) = ctx.sector(u).filter(|s| s.is_non_public())
            && flags & (cover::OWN | cover::JOINT | cover::INSTRUCTED | cover::MASS) == 0
            && sink.on(id::C003)
        {
            let sector = sector.as_str();
            let evidence = vec![
                Fact::field(model, u, "sector", sector),
                Fact::missing(model, u, "party_org_of, instructs or mass_org_of", false),
            ];
            let message = format!(
                "{sector} unit {} has no Party organisation, no Party-building instructor (instructs) and no \
                 union or Youth League branch (mass_org_of): no work coverage",
                label(model, u)
            );
            sink.push(id::C003, u, ctx.unit_township(u), message, evidence);
        }
    }
}

/// C004–C005: joint branches covering too many units, branches with too many members.
fn branches(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    let t = &ctx.config.thresholds;
    let mut covered: Vec<Node> = Vec::new();
    for b in ctx.units() {
        let Some(kind) = ctx.kind(b) else { continue };
        let limit = match kind {
            UnitKind::PartyBranch | UnitKind::JointPartyBranch => t.branch_max_members,
            UnitKind::PartyGeneralBranch => t.general_branch_max_members,
            _ => continue,
        };
        covered.clear();
        covered.extend(ctx.org_of.get(b));
        dedup(&mut covered);
        // The party_org_of links, once per covered unit (for the evidence: a cold path).
        let links = || {
            let mut seen: Vec<Node> = Vec::new();
            links_out(model, b, &LinkKind::PartyOrgOf)
                .filter(|(_, l)| {
                    let first = !seen.contains(&l.to);
                    seen.push(l.to);
                    first
                })
                .map(|(id, l)| (id, l.to))
                .collect::<Vec<(LinkId, Node)>>()
        };
        if *kind == UnitKind::JointPartyBranch && covered.len() > t.joint_branch_max_units as usize {
            let ids: Vec<&str> = covered.iter().map(|&n| model.id(n)).collect();
            let message = format!(
                "joint branch {} covers {} units ({}); a joint branch normally covers at most {} (Branch Work \
                 Regulations 2018)",
                label(model, b),
                covered.len(),
                ids.join(", "),
                t.joint_branch_max_units
            );
            let evidence = links().into_iter().map(|(l, _)| fact(model, l)).collect();
            sink.push(id::C004, b, ctx.unit_township(b), message, evidence);
        }
        let own = ctx.members(b);
        let members = match own {
            Some(m) => u64::from(m),
            None => covered.iter().map(|&n| u64::from(ctx.members(n).unwrap_or(0))).sum(),
        };
        if members > u64::from(limit) {
            let evidence: Evidence = match own {
                Some(m) => vec![Fact::field(model, b, "members", m)],
                None => links()
                    .into_iter()
                    .flat_map(|(l, n)| [fact(model, l), Fact::field(model, n, "members", ctx.members(n).unwrap_or(0))])
                    .collect(),
            };
            let general = *kind == UnitKind::PartyGeneralBranch;
            let what = if general { "general branch" } else { "branch" };
            let basis = if ctx.members(b).is_some() { "" } else { " in the units it covers" };
            let bigger = if general { "a Party committee" } else { "a general branch" };
            let message = format!(
                "{what} {} has {members} members{basis}; a {what} normally has at most {limit} and a larger one \
                 becomes {bigger} (Branch Work Regulations 2018)",
                label(model, b)
            );
            sink.push(id::C005, b, ctx.unit_township(b), message, evidence);
        }
    }
}

/// C006–C008: places nobody (no Party organisation, no self-governing
/// committee, no unit at all) holds jurisdiction over.
fn territories(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    let juris = LinkKind::Jurisdiction;
    for (t, terr) in model.territories() {
        let (c006, c007, c008) = match terr.kind {
            TerritoryKind::Community | TerritoryKind::Village => (true, true, false),
            TerritoryKind::Street | TerritoryKind::Town | TerritoryKind::Township | TerritoryKind::Zone => {
                (true, false, false)
            }
            TerritoryKind::Grid => (false, false, true),
            _ => continue,
        };
        let holders = ctx.held_by.get(t);
        let township = ctx.territory_township(t);
        let kind = terr.kind.as_str();
        if c006 && sink.on(id::C006) && !holders.clone().any(|u| ctx.is_party_org(u)) {
            let mut evidence: Evidence = links_in(model, t, &juris).map(|(l, _)| fact(model, l)).collect();
            evidence.push(Fact::missing(model, t, "jurisdiction from a Party organisation", false));
            let message = format!("{kind} {} has no Party organisation holding jurisdiction over it", label(model, t));
            sink.push(id::C006, t, township, message, evidence);
        }
        if c007 && sink.on(id::C007) {
            let committee = holders
                .clone()
                .any(|u| matches!(ctx.kind(u), Some(UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee)));
            if !committee {
                let mut evidence: Evidence = links_in(model, t, &juris).map(|(l, _)| fact(model, l)).collect();
                let wanted = if terr.kind == TerritoryKind::Village {
                    "villagers' committee (村委会)"
                } else {
                    "residents' committee (居委会)"
                };
                evidence.push(Fact::missing(model, t, "jurisdiction from a residents' or villagers' committee", false));
                let message = format!("{kind} {} has no {wanted} holding jurisdiction over it", label(model, t));
                sink.push(id::C007, t, township, message, evidence);
            }
        }
        if c008 && holders.len() == 0 && sink.on(id::C008) {
            let evidence = vec![Fact::missing(model, t, "jurisdiction", false)];
            let message = format!("grid {} has no unit holding jurisdiction over it", label(model, t));
            sink.push(id::C008, t, township, message, evidence);
        }
    }
}

/// Removes repeated records, keeping the first of each in place.
fn dedup(list: &mut Vec<Node>) {
    if list.len() < 2 {
        return;
    }
    if list.len() <= 32 {
        let mut i = 1;
        while i < list.len() {
            if list[..i].contains(&list[i]) {
                list.remove(i);
            } else {
                i += 1;
            }
        }
    } else {
        let mut seen = std::collections::HashSet::with_capacity(list.len());
        list.retain(|n| seen.insert(*n));
    }
}
