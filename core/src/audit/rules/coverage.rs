//! C: organisational and work coverage (两个覆盖), branch sizes, and whether
//! every place has someone answering for it.

use crate::audit::text::Out;
use crate::audit::{Context, Sink, cover, fact, id, label, links_in, links_out, tclass};
use crate::evidence::{Evidence, Fact};
use crate::metrics::Tally;
use crate::model::{LinkId, LinkKind, Node, UnitKind};

pub(crate) fn run(ctx: &Context, sink: &mut Sink, tally: &mut Tally) {
    units(ctx, sink, tally);
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

/// C001–C003 and the coverage counts of the metrics: one pass over the units
/// that are not Party organisations. The findings are noted and described when
/// the report is built ([`describe`]).
fn units(ctx: &Context, sink: &mut Sink, tally: &mut Tally) {
    let min = ctx.config.thresholds.min_members_for_org;
    let (c001, c002, c003) = (sink.on(id::C001), sink.on(id::C002), sink.on(id::C003));
    for u in ctx.units() {
        if ctx.is_party_org(u) {
            continue;
        }
        let flags = ctx.cover(u);
        let members = ctx.members(u).unwrap_or(0);
        if ctx.kind(u) != Some(&UnitKind::JointMeeting) {
            let row = ctx.located_in(u).and_then(|l| ctx.territory_row(l));
            tally.unit(u, row, ctx.sector(u), members > 0, flags);
        }
        let r1 = c001 && members >= min && flags & cover::OWN == 0;
        let r2 = c002 && (1..min).contains(&members) && flags & (cover::OWN | cover::JOINT) == 0;
        let r3 = c003 && flags == 0 && ctx.sector(u).is_some_and(|s| s.is_non_public());
        if !(r1 || r2 || r3) {
            continue;
        }
        let township = ctx.unit_township(u);
        if r1 {
            sink.note(id::C001, u, township);
        }
        if r2 {
            sink.note(id::C002, u, township);
        }
        if r3 {
            sink.note(id::C003, u, township);
        }
    }
}

/// The message and evidence of a C001–C003 or C006–C008 finding about `subject`.
pub(crate) fn describe(ctx: &Context, rule: usize, subject: Node, out: &mut Out) {
    let model = ctx.model;
    let u = subject;
    let min = ctx.config.thresholds.min_members_for_org;
    match rule {
        id::C001 => {
            let members = ctx.members(u).unwrap_or(0);
            out.s("unit ").label(model, u).s(" has ").num(members).s(" ").s(members_word(members));
            out.s(" but no Party organisation of its own (Party Constitution art. 30 requires one from ")
                .num(min)
                .s(")");
            out.facts.push(Fact::field(model, u, "members", members));
            out.facts.push(Fact::missing(model, u, "party_org_of from a Party organisation of its own", false));
            let mut joint = None;
            for (l, link) in links_in(model, u, &LinkKind::PartyOrgOf) {
                joint.get_or_insert(link.from);
                out.facts.push(fact(model, l));
            }
            if let Some(j) = joint {
                out.s("; it is only in joint branch ").label(model, j);
            }
        }
        id::C002 => {
            let members = ctx.members(u).unwrap_or(0);
            out.s("unit ").label(model, u).s(" has ").num(members).s(" ").s(members_word(members));
            out.s(" and is in no joint Party branch (units with fewer than ").num(min);
            out.s(" join one, Branch Work Regulations 2018)");
            out.facts.push(Fact::field(model, u, "members", members));
            out.facts.push(Fact::missing(model, u, "party_org_of", false));
        }
        id::C003 => {
            let sector = ctx.sector(u).map_or("", |s| s.as_str());
            out.s(sector).s(" unit ").label(model, u);
            out.s(" has no Party organisation, no Party-building instructor (instructs) and no union or Youth League \
                   branch (mass_org_of): no work coverage");
            out.facts.push(Fact::field(model, u, "sector", sector));
            out.facts.push(Fact::missing(model, u, "party_org_of, instructs or mass_org_of", false));
        }
        _ => territory(ctx, rule, subject, out),
    }
}

/// C004–C005: joint branches covering too many units, branches with too many members.
fn branches(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    let t = &ctx.config.thresholds;
    let (c004, c005) = (sink.on(id::C004), sink.on(id::C005));
    let mut covered: Vec<Node> = Vec::new();
    for b in ctx.units() {
        let Some(kind) = ctx.kind(b) else { continue };
        let limit = match kind {
            UnitKind::PartyBranch | UnitKind::JointPartyBranch => t.branch_max_members,
            UnitKind::PartyGeneralBranch => t.general_branch_max_members,
            _ => continue,
        };
        let own = ctx.members(b);
        let joint = *kind == UnitKind::JointPartyBranch;
        // The covered units, once each: for C004 (joint branches covering more than the limit
        // before removing repeats) and for C005 when the branch has no `members` of its own.
        let wide = joint && c004 && ctx.org_of(b).len() > t.joint_branch_max_units as usize;
        if !wide && !(c005 && (own.is_none() || own.is_some_and(|m| m > limit))) {
            continue;
        }
        covered.clear();
        if wide || own.is_none() {
            covered.extend(ctx.org_of(b));
            dedup(&mut covered);
        }
        // The party_org_of links, once per covered unit (for the evidence: a cold path).
        let links = || {
            // A set, not a list search: a joint branch may cover every unit of the model.
            let mut seen = std::collections::HashSet::with_capacity(covered.len());
            links_out(model, b, &LinkKind::PartyOrgOf)
                .filter(|(_, l)| seen.insert(l.to))
                .map(|(id, l)| (id, l.to))
                .collect::<Vec<(LinkId, Node)>>()
        };
        if wide && covered.len() > t.joint_branch_max_units as usize {
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
        let members = match own {
            Some(m) => u64::from(m),
            None => covered.iter().map(|&n| u64::from(ctx.members(n).unwrap_or(0))).sum(),
        };
        if c005 && members > u64::from(limit) {
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
/// committee, no unit at all) holds jurisdiction over. The findings are noted
/// and described when the report is built ([`describe`]).
fn territories(ctx: &Context, sink: &mut Sink) {
    let (on6, on7, on8) = (sink.on(id::C006), sink.on(id::C007), sink.on(id::C008));
    for (t, class) in ctx.territories() {
        let (c006, c007, c008) = match class {
            tclass::COMMUNITY | tclass::VILLAGE => (on6, on7, false),
            tclass::STREET | tclass::TOWN => (on6, false, false),
            tclass::GRID => (false, false, on8),
            _ => continue,
        };
        let holders = ctx.held_by(t);
        if c006 && !holders.clone().any(|u| ctx.is_party_org(u)) {
            sink.note(id::C006, t, ctx.territory_township(t));
        }
        if c007
            && !holders
                .clone()
                .any(|u| matches!(ctx.kind(u), Some(UnitKind::ResidentsCommittee | UnitKind::VillagersCommittee)))
        {
            sink.note(id::C007, t, ctx.territory_township(t));
        }
        if c008 && holders.len() == 0 {
            sink.note(id::C008, t, ctx.territory_township(t));
        }
    }
}

/// The message and evidence of a C006–C008 finding about territory `t`.
fn territory(ctx: &Context, rule: usize, t: Node, out: &mut Out) {
    let model = ctx.model;
    let kind = model.labels(t).2;
    let juris = LinkKind::Jurisdiction;
    match rule {
        id::C006 => {
            out.s(kind).s(" ").label(model, t).s(" has no Party organisation holding jurisdiction over it");
            out.facts.extend(links_in(model, t, &juris).map(|(l, _)| fact(model, l)));
            out.facts.push(Fact::missing(model, t, "jurisdiction from a Party organisation", false));
        }
        id::C007 => {
            let village = ctx.territory_class(t) == tclass::VILLAGE;
            let wanted = if village { "villagers' committee (村委会)" } else { "residents' committee (居委会)" };
            out.s(kind).s(" ").label(model, t).s(" has no ").s(wanted).s(" holding jurisdiction over it");
            out.facts.extend(links_in(model, t, &juris).map(|(l, _)| fact(model, l)));
            out.facts.push(Fact::missing(model, t, "jurisdiction from a residents' or villagers' committee", false));
        }
        _ => {
            out.s("grid ").label(model, t).s(" has no unit holding jurisdiction over it");
            out.facts.push(Fact::missing(model, t, "jurisdiction", false));
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
