//! S: the leadership structure — cycles (S001), ambiguous leaders (S002), the
//! four-level chain (S003) and Shanghai's "1+2" (S004).

use std::collections::{HashMap, VecDeque};

use crate::audit::{Context, NONE, Sink, fact, id, is_party_org, label, links_in, links_out};
use crate::evidence::{Evidence, Fact};
use crate::model::{Level, LinkId, LinkKind, Model, Node, TerritoryKind, UnitKind};
use crate::query::leadership_path;

pub(crate) fn run(ctx: &Context, sink: &mut Sink) {
    if sink.on(id::S001) {
        cycles(ctx, sink);
    }
    if sink.on(id::S002) {
        ambiguous(ctx, sink);
    }
    if sink.on(id::S003) {
        broken_chains(ctx, sink);
    }
    if sink.on(id::S004) {
        one_plus_two(ctx, sink);
    }
}

/// S001: one finding per strongly connected component of the `leads` graph
/// that holds a cycle (two or more units, or one unit leading itself).
/// Iterative Tarjan, O(units + leads links).
fn cycles(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    let leads = LinkKind::Leads;
    let mut t = Tarjan::new(model);
    let mut components: Vec<Vec<Node>> = Vec::new();
    for (start, _) in model.units() {
        if t.index[start.index()] != NONE || model.out_degree(start, &leads) == 0 || model.in_degree(start, &leads) == 0
        {
            continue;
        }
        t.visit(start);
        while let Some(top) = t.frames.last_mut() {
            let v = top.node;
            if top.next < top.end {
                let w = t.succ[top.next];
                top.next += 1;
                if t.index[w.index()] == NONE {
                    t.visit(w);
                } else if t.on_stack[w.index()] {
                    t.low[v.index()] = t.low[v.index()].min(t.index[w.index()]);
                }
                continue;
            }
            let frame = t.frames.pop().expect("a frame is on the stack");
            t.succ.truncate(frame.first);
            if let Some(parent) = t.frames.last() {
                t.low[parent.node.index()] = t.low[parent.node.index()].min(t.low[v.index()]);
            }
            if t.low[v.index()] == t.index[v.index()] {
                let mut comp = Vec::new();
                loop {
                    let w = t.stack.pop().expect("the component's root is on the stack");
                    t.on_stack[w.index()] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 || model.targets(v, &leads).any(|x| x == v) {
                    components.push(comp);
                }
            }
        }
    }
    for comp in components {
        report_cycle(ctx, sink, comp);
    }
}

struct Frame {
    node: Node,
    /// The position of the next successor to look at in `succ`.
    next: usize,
    /// The end of this node's successors in `succ`.
    end: usize,
    /// The start of this node's successors in `succ`.
    first: usize,
}

struct Tarjan<'m> {
    model: &'m Model,
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<Node>,
    succ: Vec<Node>,
    frames: Vec<Frame>,
    counter: u32,
}

impl<'m> Tarjan<'m> {
    fn new(model: &'m Model) -> Self {
        let n = model.len();
        Tarjan {
            model,
            index: vec![NONE; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            succ: Vec::new(),
            frames: Vec::new(),
            counter: 0,
        }
    }

    fn visit(&mut self, w: Node) {
        self.index[w.index()] = self.counter;
        self.low[w.index()] = self.counter;
        self.counter += 1;
        self.stack.push(w);
        self.on_stack[w.index()] = true;
        let first = self.succ.len();
        self.succ.extend(self.model.targets(w, &LinkKind::Leads));
        self.frames.push(Frame { node: w, next: first, end: self.succ.len(), first });
    }
}

fn report_cycle(ctx: &Context, sink: &mut Sink, mut comp: Vec<Node>) {
    let model = ctx.model;
    comp.sort_unstable();
    let subject = *comp.iter().min_by_key(|&&n| model.id(n)).expect("a component has a unit");
    let inside = |n: Node| comp.binary_search(&n).is_ok();
    let mut links: Vec<LinkId> = Vec::new();
    for &m in &comp {
        links.extend(links_out(model, m, &LinkKind::Leads).filter(|(_, l)| inside(l.to)).map(|(id, _)| id));
    }
    links.sort_unstable();
    links.dedup();
    // The shortest cycle through the subject, for the message.
    let mut parent: HashMap<Node, Node> = HashMap::new();
    let mut queue = VecDeque::from([subject]);
    let mut last = None;
    'bfs: while let Some(v) = queue.pop_front() {
        for w in model.targets(v, &LinkKind::Leads) {
            if w == subject {
                last = Some(v);
                break 'bfs;
            }
            if inside(w) && !parent.contains_key(&w) {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    let mut cycle = vec![subject];
    let mut cur = last.unwrap_or(subject);
    while cur != subject {
        cycle.push(cur);
        cur = parent[&cur];
    }
    cycle.push(subject);
    let len = cycle.len();
    cycle[1..len - 1].reverse();
    let path: Vec<&str> = cycle.iter().map(|&n| model.id(n)).collect();
    let mut message = match cycle.len() {
        2 => format!("unit {} leads itself", label(model, subject)),
        3 => format!(
            "units {} and {} lead each other in a cycle: {}",
            label(model, subject),
            label(model, cycle[1]),
            path.join(" -> ")
        ),
        _ => format!("leadership cycle through unit {}: {}", label(model, subject), path.join(" -> ")),
    };
    if comp.len() + 1 > cycle.len() {
        let mut ids: Vec<&str> = comp.iter().map(|&n| model.id(n)).collect();
        ids.sort_unstable();
        message.push_str(&format!("; {} units in all are caught in cycles ({})", comp.len(), ids.join(", ")));
    }
    let evidence = links.into_iter().map(|l| fact(model, l)).collect();
    sink.push(id::S001, subject, ctx.unit_township(subject), message, evidence);
}

/// S002: a unit with two or more distinct leaders and not exactly one of them on a primary link.
fn ambiguous(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    for (u, _) in model.units() {
        if model.in_degree(u, &LinkKind::Leads) < 2 {
            continue;
        }
        let links: Vec<_> = links_in(model, u, &LinkKind::Leads).collect();
        let mut leaders: Vec<Node> = links.iter().map(|(_, l)| l.from).collect();
        leaders.sort_unstable();
        leaders.dedup();
        if leaders.len() < 2 {
            continue;
        }
        let mut primary: Vec<Node> = links.iter().filter(|(_, l)| l.is_primary()).map(|(_, l)| l.from).collect();
        primary.sort_unstable();
        primary.dedup();
        if primary.len() == 1 {
            continue;
        }
        let mut names: Vec<String> = Vec::new();
        for (_, l) in &links {
            let name = label(model, l.from);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let problem = if primary.is_empty() {
            "none of the leads links is marked primary".to_string()
        } else {
            format!("{} of them are marked primary", primary.len())
        };
        let message = format!(
            "unit {} has {} leaders ({}) and {problem}, so its chain of command is ambiguous",
            label(model, u),
            leaders.len(),
            names.join(", ")
        );
        let evidence = links.iter().map(|(id, _)| fact(model, *id)).collect();
        sink.push(id::S002, u, ctx.unit_township(u), message, evidence);
    }
}

/// The `leads` link from `leader` into `unit`, the primary one first.
fn leads_link(model: &Model, leader: Node, unit: Node) -> Option<LinkId> {
    let mut found = None;
    for (id, l) in links_in(model, unit, &LinkKind::Leads) {
        if l.from == leader {
            if l.is_primary() {
                return Some(id);
            }
            found = found.or(Some(id));
        }
    }
    found
}

/// S003: community-level Party organisations whose leadership path (primary
/// leader first) does not pass, in order, a street-level Party organisation, a
/// district-level one and one at city level or above.
fn broken_chains(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    const NEEDS: [&str; 3] = ["a street-level", "a district-level", "a city-level"];
    for (u, unit) in model.units() {
        if !unit.kind.is_party_org() || model.level(u) != Some(Level::Community) {
            continue;
        }
        let (path, cycle) = leadership_path(model, u);
        let above = if path.first() == Some(&u) { &path[1..] } else { &path[..] };
        let mut stage = 0;
        for &p in above {
            if !is_party_org(model, p) {
                continue;
            }
            match (stage, model.level(p)) {
                (0, Some(Level::Street)) => stage = 1,
                (1, Some(Level::District)) => stage = 2,
                (2, Some(l)) if l <= Level::City => {
                    stage = 3;
                    break;
                }
                _ => {}
            }
        }
        if stage == 3 {
            continue;
        }
        let missing = NEEDS[stage..].join(" and ");
        let mut evidence: Evidence = Vec::new();
        let mut chain = vec![u];
        chain.extend(above.iter().copied());
        for pair in chain.windows(2) {
            if let Some(l) = leads_link(model, pair[1], pair[0]) {
                evidence.push(fact(model, l));
            }
        }
        let end = *chain.last().expect("the chain holds the unit");
        let message = if above.is_empty() {
            evidence.push(Fact::missing(model, u, "leads", false));
            format!(
                "community-level Party organisation {} has no leader, so its chain never reaches {missing} Party \
                 organisation (four-level chain)",
                label(model, u)
            )
        } else {
            let ids: Vec<&str> = chain.iter().map(|&n| model.id(n)).collect();
            let stop = if cycle {
                format!("runs into a leadership cycle at {}", label(model, end))
            } else {
                evidence.push(Fact::missing(model, end, "leads", false));
                format!("stops at {}, which has no leader", label(model, end))
            };
            format!(
                "the leadership chain of community-level Party organisation {} ({}) {stop}, without passing {missing} \
                 Party organisation in turn (four-level chain)",
                label(model, u),
                ids.join(" -> ")
            )
        };
        sink.push(id::S003, u, ctx.unit_township(u), message, evidence);
    }
}

/// S004 (Shanghai): a `party_working_committee` holding jurisdiction over a
/// street must lead exactly one community Party committee (a `party_committee`
/// not at community or grid level) and one administrative Party group (`party_group`).
fn one_plus_two(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    for (w, unit) in model.units() {
        if unit.kind != UnitKind::PartyWorkingCommittee {
            continue;
        }
        let Some(street) = model
            .targets(w, &LinkKind::Jurisdiction)
            .find(|&t| model.territory(t).is_some_and(|t| t.kind == TerritoryKind::Street))
        else {
            continue;
        };
        let mut committees: Vec<(LinkId, Node)> = Vec::new();
        let mut groups: Vec<(LinkId, Node)> = Vec::new();
        for (lid, l) in links_out(model, w, &LinkKind::Leads) {
            let Some(led) = model.unit(l.to) else { continue };
            let list = match led.kind {
                UnitKind::PartyCommittee if !matches!(model.level(l.to), Some(Level::Community | Level::Grid)) => {
                    &mut committees
                }
                UnitKind::PartyGroup => &mut groups,
                _ => continue,
            };
            if !list.iter().any(|&(_, n)| n == l.to) {
                list.push((lid, l.to));
            }
        }
        if committees.len() == 1 && groups.len() == 1 {
            continue;
        }
        let describe = |list: &[(LinkId, Node)], one: &str, many: &str| {
            let ids: Vec<&str> = list.iter().map(|&(_, n)| model.id(n)).collect();
            let noun = if list.len() == 1 { one } else { many };
            if ids.is_empty() { format!("0 {noun}") } else { format!("{} {noun} ({})", list.len(), ids.join(", ")) }
        };
        let message = format!(
            "street working committee {} leads {} and {}; Shanghai's \"1+2\" system wants exactly one of each",
            label(model, w),
            describe(&committees, "community Party committee", "community Party committees"),
            describe(&groups, "administrative Party group", "administrative Party groups"),
        );
        let mut evidence: Evidence = committees.iter().chain(&groups).map(|&(l, _)| fact(model, l)).collect();
        if committees.is_empty() {
            evidence.push(Fact::missing(model, w, "leads to a community party_committee", true));
        }
        if groups.is_empty() {
            evidence.push(Fact::missing(model, w, "leads to a party_group", true));
        }
        sink.push(id::S004, w, Some(street), message, evidence);
    }
}
