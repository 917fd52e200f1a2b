//! A: matters and the duty lists — who leads each matter in each street/town.

use crate::audit::rules::balance::NAMED;
use crate::audit::{Context, Seen, Sink, fact, id, label, links_in, links_out, tclass};
use crate::evidence::{Evidence, Fact};
use crate::metrics::Tally;
use crate::model::{LinkId, LinkKind, MatterList, Node, Role};
use crate::query::index::{self, AppliedLink};

/// The category of the function Shanghai's street reform took from streets.
const INVESTMENT_ATTRACTION: &str = "investment_attraction";

/// A001–A003 for every (matter, street/town) pair, the matter-coverage counts
/// of the metrics, and A004.
pub(crate) fn run(ctx: &Context, sink: &mut Sink, tally: &mut Tally) {
    let model = ctx.model;
    let matters: Vec<Node> = model.matters().map(|(m, _)| m).collect();
    let a003 = sink.on(id::A003);
    let mut street: Vec<Node> = Vec::new();
    let mut roles: Vec<(Node, Role, Node)> = Vec::new(); // (matter, role, street unit)
    let mut seen = Seen::new(model.len());
    let mut resolver = Resolver::default();
    // (matter, territory where its leads apply) → the street/town whose A002 finding names them all.
    let mut named: std::collections::HashMap<(Node, Node), Node> = std::collections::HashMap::new();
    for (row, &t) in ctx.townships.iter().enumerate() {
        if tally.only.is_none() {
            tally.rows[row].matters += matters.len() as u64;
        } else {
            tally.rows[row].matters += matters.iter().filter(|&&m| tally.counts_pair(m, t)).count() as u64;
        }
        if matters.is_empty() {
            continue;
        }
        // "The street": the units holding jurisdiction over it, strips excepted, and
        // their responsibilities applying here (scope = t, or no scope).
        street.clear();
        roles.clear();
        if a003 {
            seen.clear();
            for s in ctx.held_by(t) {
                if !ctx.is_strip(s) && seen.insert(s) {
                    street.push(s);
                }
            }
            for &s in &street {
                for l in model.links_from(s, &LinkKind::Responsible) {
                    if l.scope.is_none_or(|scope| scope == t) {
                        roles.push((l.to, l.role.unwrap_or(Role::Supervise), s));
                    }
                }
            }
            // Stable: the street units' links stay in document order within a matter.
            roles.sort_by_key(|&(m, _, _)| m);
        }
        for &m in &matters {
            let (resolved_at, leads) = resolver.resolve(model, m, t);
            let leads: &[LinkId] = &leads;
            if leads.len() == 1 && tally.counts_pair(m, t) {
                tally.rows[row].matters_single_lead += 1;
            }
            if leads.is_empty() && sink.on(id::A001) {
                let message = format!(
                    "matter {} has no lead for {} {} or any territory containing it",
                    label(model, m),
                    kind_word(ctx, t),
                    label(model, t)
                );
                let evidence =
                    vec![Fact::missing(model, m, format!("responsible (lead) applying at {}", model.id(t)), false)];
                sink.push(id::A001, m, Some(t), message, evidence);
            }
            if leads.len() >= 2 && sink.on(id::A002) {
                let at = resolved_at.unwrap_or(t);
                // Many leads applying at one territory above many streets/towns are named in
                // the first finding for it only; the others name NAMED of them and refer to it.
                let first = if leads.len() > NAMED { *named.entry((m, at)).or_insert(t) } else { t };
                let shown = if first == t { leads.len() } else { NAMED };
                let mut names: Vec<String> =
                    leads[..shown].iter().map(|&l| label(model, model.link(l).from).to_string()).collect();
                if shown < leads.len() {
                    names.push(format!(
                        "and {} others, the same as in the A002 finding for {} (all listed by `dispatch {} {}`)",
                        leads.len() - shown,
                        label(model, first),
                        model.id(m),
                        model.id(t)
                    ));
                }
                let message = format!(
                    "matter {} has {} leads for {} {}, all applying at {}: {}",
                    label(model, m),
                    leads.len(),
                    kind_word(ctx, t),
                    label(model, t),
                    label(model, at),
                    names.join(", ")
                );
                let evidence = leads[..shown].iter().map(|&l| fact(model, l)).collect();
                sink.push(id::A002, m, Some(t), message, evidence);
            }
            if a003 {
                let start = roles.partition_point(|r| r.0 < m);
                let end = start + roles[start..].partition_point(|r| r.0 == m);
                duty_list(ctx, sink, m, t, leads, (&street, &seen), &roles[start..end]);
            }
        }
    }
    if sink.on(id::A004) {
        abolished(ctx, sink);
    }
}

/// [`crate::query::resolve_leads`] for every (matter, street/town) pair, with the leads
/// found above street/town level kept per (matter, territory): many streets/towns under
/// one district share its answer instead of each copying its leads (which, for a
/// district with n leads over n streets, was n² work).
#[derive(Default)]
struct Resolver {
    above: std::collections::HashMap<(Node, Node), std::rc::Rc<[LinkId]>>,
    buf: Vec<AppliedLink>,
}

impl Resolver {
    fn resolve(&mut self, model: &crate::model::Model, m: Node, t: Node) -> (Option<Node>, std::rc::Rc<[LinkId]>) {
        let applied = index::applied(model);
        for (k, anc) in model.ancestors(t).enumerate() {
            let leads = if k == 0 {
                applied
                    .at(model, m, anc, &mut self.buf)
                    .iter()
                    .take_while(|a| a.role == Role::Lead)
                    .map(|a| a.link)
                    .collect()
            } else {
                let (applied, buf) = (applied, &mut self.buf);
                self.above
                    .entry((m, anc))
                    .or_insert_with(|| {
                        applied
                            .at(model, m, anc, buf)
                            .iter()
                            .take_while(|a| a.role == Role::Lead)
                            .map(|a| a.link)
                            .collect()
                    })
                    .clone()
            };
            if !leads.is_empty() {
                return (Some(anc), leads);
            }
        }
        (None, std::rc::Rc::from(Vec::new()))
    }
}

/// The kind word of a street/town (`street`, `town`, `township`, `zone` …).
fn kind_word<'a>(ctx: &'a Context, t: Node) -> &'a str {
    ctx.model.labels(t).2
}

/// A003 for one (matter, street/town): `leads` resolved there, `street` the
/// street's units (in link order, and as a set), `roles` their (role, unit) for the
/// matter applying there.
fn duty_list(
    ctx: &Context,
    sink: &mut Sink,
    m: Node,
    t: Node,
    leads: &[LinkId],
    (street, in_street): (&[Node], &Seen),
    roles: &[(Node, Role, Node)],
) {
    let model = ctx.model;
    let Some(matter) = model.matter(m) else { return };
    let street_lead = roles.iter().any(|r| r.1 == Role::Lead);
    let cooperates = roles.iter().any(|r| r.1 == Role::Cooperate);
    let wrong = match matter.list {
        MatterList::Basic => leads.iter().any(|&l| !in_street.contains(model.link(l).from)),
        MatterList::Cooperating => street_lead || !cooperates,
        MatterList::Recalled => !roles.is_empty(),
    };
    if !wrong {
        return;
    }
    // A cold path from here on: build the message and find the links for the evidence.
    let role_links = |role: Option<Role>| -> Vec<LinkId> {
        let mut units: Vec<Node> = roles.iter().filter(|r| role.is_none_or(|x| x == r.1)).map(|r| r.2).collect();
        units.dedup();
        let mut out = Vec::new();
        for s in units {
            out.extend(
                links_out(model, s, &LinkKind::Responsible)
                    .filter(|(_, l)| {
                        l.to == m
                            && l.scope.is_none_or(|x| x == t)
                            && role.is_none_or(|x| l.role.unwrap_or(Role::Supervise) == x)
                    })
                    .map(|(id, _)| id),
            );
        }
        out.sort_unstable();
        out
    };
    let place = format!("{} {}", kind_word(ctx, t), label(model, t));
    let mut evidence: Evidence = Vec::new();
    let message = match matter.list {
        MatterList::Basic => {
            // At most NAMED leads are named and given as evidence (one territory above many
            // streets/towns may have any number); `dispatch` lists them all.
            let outside = leads.iter().map(|&l| model.link(l).from).filter(|&u| !in_street.contains(u));
            let count = outside.clone().count();
            let mut others: Vec<String> = outside.take(NAMED).map(|u| label(model, u).to_string()).collect();
            if count > NAMED {
                others.push(format!(
                    "and {} others (all listed by `dispatch {} {}`)",
                    count - NAMED,
                    model.id(m),
                    model.id(t)
                ));
            }
            evidence.extend(leads.iter().take(NAMED).map(|&l| fact(model, l)));
            format!(
                "basic matter {} is led in {place} by {}, not by the street/town itself (basic duties are the \
                 street's own, duty lists 2024–25)",
                label(model, m),
                others.join(", ")
            )
        }
        MatterList::Cooperating => {
            let mut problems = Vec::new();
            if street_lead {
                let links = role_links(Some(Role::Lead));
                let names: Vec<String> = links.iter().map(|&l| label(model, model.link(l).from).to_string()).collect();
                problems.push(format!("is led by the street/town itself ({})", names.join(", ")));
                evidence.extend(links.iter().map(|&l| fact(model, l)));
            }
            if !cooperates {
                problems.push("has no cooperation from it (no street unit has a cooperate role there)".to_string());
                evidence.extend(leads.iter().map(|&l| fact(model, l)));
                for &s in street.iter().take(NAMED) {
                    let what = format!("responsible (cooperate) to {}", model.id(m));
                    evidence.push(Fact::missing(model, s, what, true));
                }
                if street.len() > NAMED {
                    let what = format!(
                        "responsible (cooperate) to {} from the {} other units holding jurisdiction over it",
                        model.id(m),
                        street.len() - NAMED
                    );
                    evidence.push(Fact::missing(model, t, what, false));
                }
                if street.is_empty() {
                    evidence.push(Fact::missing(model, t, "jurisdiction from a street/town unit", false));
                }
            }
            format!(
                "cooperating matter {} in {place} {} (cooperating duties are led by a department with the street \
                 cooperating, duty lists 2024–25)",
                label(model, m),
                problems.join(" and ")
            )
        }
        MatterList::Recalled => {
            let links = role_links(None);
            let names: Vec<String> = links
                .iter()
                .map(|&l| {
                    let link = model.link(l);
                    let role = link.role.as_ref().map(|r| r.as_str()).unwrap_or("no role");
                    format!("{} ({role})", label(model, link.from))
                })
                .collect();
            evidence.extend(links.iter().map(|&l| fact(model, l)));
            format!(
                "recalled matter {} still has a street role in {place}: {} (recalled duties have no street role, \
                 duty lists 2024–25)",
                label(model, m),
                names.join(", ")
            )
        }
    };
    sink.push(id::A003, m, Some(t), message, evidence);
}

/// A004 (Shanghai): a unit holding jurisdiction over a street (街道; not towns)
/// with a `responsible` link of any role to a matter of category
/// `investment_attraction`. One finding per (matter, street).
fn abolished(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    for (m, matter) in model.matters() {
        if matter.category.as_deref() != Some(INVESTMENT_ATTRACTION) {
            continue;
        }
        let mut by_street: std::collections::HashMap<Node, Vec<LinkId>> = std::collections::HashMap::new();
        for (lid, l) in links_in(model, m, &LinkKind::Responsible) {
            if ctx.is_strip(l.from) {
                continue;
            }
            for s in ctx.holds(l.from) {
                if ctx.territory_class(s) != tclass::STREET {
                    continue;
                }
                // A map, not a search of the list: a unit may hold any number of streets.
                let links = by_street.entry(s).or_default();
                // Links come in order, so a repeat (two jurisdiction links to one street) is the last.
                if links.last() != Some(&lid) {
                    links.push(lid);
                }
            }
        }
        let mut by_street: Vec<(Node, Vec<LinkId>)> = by_street.into_iter().collect();
        by_street.sort_by_key(|(s, _)| *s);
        for (s, links) in by_street {
            let holders: Vec<String> = links
                .iter()
                .map(|&l| {
                    let link = model.link(l);
                    format!(
                        "{} ({})",
                        label(model, link.from),
                        link.role.as_ref().map(|r| r.as_str()).unwrap_or("no role")
                    )
                })
                .collect();
            let message = format!(
                "street {} holds a responsibility for matter {} of category {INVESTMENT_ATTRACTION}: {}; Shanghai's \
                 street reform (2014–15) abolished the street's investment-attraction function (取消招商引资)",
                label(model, s),
                label(model, m),
                holders.join(", ")
            );
            let evidence = links.iter().map(|&l| fact(model, l)).collect();
            sink.push(id::A004, m, Some(s), message, evidence);
        }
    }
}
