//! S: the leadership structure — cycles (S001), ambiguous leaders (S002), the
//! four-level chain (S003) and Shanghai's "1+2" (S004).

use std::collections::{HashMap, VecDeque};

use crate::audit::{
    Context, NONE, PRIMARY, Rel, Seen, Sink, fact, flag, id, label, link_id, links_in, links_out, tclass,
};
use crate::evidence::{Evidence, Fact};
use crate::model::{Level, LinkId, LinkKind, Node, UnitKind};

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

/// Units that both lead and are led: only they can be on a cycle.
const BOTH: u8 = flag::LEADS_IN | flag::LEADS_OUT;

/// S001: one finding per strongly connected component of the `leads` graph
/// that holds a cycle (two or more units, or one unit leading itself).
/// Iterative Tarjan over the units that both lead and are led, O(units + leads links).
fn cycles(ctx: &Context, sink: &mut Sink) {
    let n = ctx.model.len();
    let inner: Vec<(u32, u32, u32)> = ctx
        .leads
        .iter()
        .copied()
        .filter(|&(f, t, _)| ctx.has(Node::new(f), BOTH) && ctx.has(Node::new(t), BOTH))
        .collect();
    if inner.is_empty() {
        return;
    }
    let rel = Rel::build(n, &inner);
    drop(inner);
    let mut components: Vec<Vec<Node>> = Vec::new();
    let mut t = Tarjan {
        index: vec![NONE; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        succ: Vec::new(),
        frames: Vec::new(),
        counter: 0,
    };
    for start in ctx.units() {
        if t.index[start.index()] != NONE || !ctx.has(start, BOTH) {
            continue;
        }
        t.visit(&rel, start);
        while let Some(top) = t.frames.last_mut() {
            let v = top.node;
            if top.next < top.end {
                let w = t.succ[top.next];
                top.next += 1;
                if t.index[w.index()] == NONE {
                    t.visit(&rel, w);
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
                if comp.len() > 1 || rel.get(v).any(|x| x == v) {
                    components.push(comp);
                }
            }
        }
    }
    for comp in components {
        report_cycle(ctx, sink, &rel, comp);
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

struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<Node>,
    succ: Vec<Node>,
    frames: Vec<Frame>,
    counter: u32,
}

impl Tarjan {
    fn visit(&mut self, rel: &Rel, w: Node) {
        self.index[w.index()] = self.counter;
        self.low[w.index()] = self.counter;
        self.counter += 1;
        self.stack.push(w);
        self.on_stack[w.index()] = true;
        let first = self.succ.len();
        self.succ.extend(rel.get(w));
        self.frames.push(Frame { node: w, next: first, end: self.succ.len(), first });
    }
}

/// One S001 finding; `rel` holds the `leads` links between units that both lead and are led.
fn report_cycle(ctx: &Context, sink: &mut Sink, rel: &Rel, mut comp: Vec<Node>) {
    let model = ctx.model;
    comp.sort_unstable();
    let subject = *comp.iter().min_by_key(|&&n| model.id(n)).expect("a component has a unit");
    let inside = |n: Node| comp.binary_search(&n).is_ok();
    let mut links: Vec<LinkId> = Vec::new();
    for &m in &comp {
        links.extend(rel.get_links(m).filter(|&(to, _)| inside(to)).map(|(_, l)| link_id(l)));
    }
    links.sort_unstable();
    links.dedup();
    // The shortest cycle through the subject, for the message.
    let mut parent: HashMap<Node, Node> = HashMap::new();
    let mut queue = VecDeque::from([subject]);
    let mut last = None;
    'bfs: while let Some(v) = queue.pop_front() {
        for w in rel.get(v) {
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
///
/// One pass over the `leads` links marks the candidates: units led by someone
/// other than the leader their leadership line follows (so by two or more),
/// where that leader is not on a primary link or another primary link arrives
/// from someone else. Only they are checked link by link.
fn ambiguous(ctx: &Context, sink: &mut Sink) {
    const OTHER: u8 = 1;
    const OTHER_PRIMARY: u8 = 2;
    let model = ctx.model;
    let mut marks = crate::model::pages::zeroed::<u8>(model.len());
    for &(f, t, slot) in &ctx.leads {
        let led = Node::new(t);
        if ctx.leader(led) != Some(Node::new(f)) {
            marks[t as usize] |= if slot & PRIMARY != 0 { OTHER | OTHER_PRIMARY } else { OTHER };
        }
    }
    let mut leaders: Vec<Node> = Vec::new();
    let mut primary: Vec<Node> = Vec::new();
    // De-duplication in O(1) per link: a unit may have any number of leaders.
    let (mut seen, mut seen_primary) = (Seen::new(model.len()), Seen::new(model.len()));
    for u in ctx.units() {
        let m = marks[u.index()];
        if m & OTHER == 0 || (ctx.leader_is_primary(u) && m & OTHER_PRIMARY == 0) {
            continue;
        }
        leaders.clear();
        primary.clear();
        seen.clear();
        seen_primary.clear();
        for l in model.links_to(u, &LinkKind::Leads) {
            if seen.insert(l.from) {
                leaders.push(l.from);
            }
            if l.is_primary() && seen_primary.insert(l.from) {
                primary.push(l.from);
            }
        }
        if leaders.len() < 2 || primary.len() == 1 {
            continue;
        }
        if !sink.text() {
            sink.key(id::S002, u, ctx.unit_township(u));
            continue;
        }
        let names: Vec<String> = leaders.iter().map(|&l| label(model, l).to_string()).collect();
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
        let evidence = links_in(model, u, &LinkKind::Leads).map(|(l, _)| fact(model, l)).collect();
        sink.push(id::S002, u, ctx.unit_township(u), message, evidence);
    }
}

/// The stage of the S003 check after passing `unit`: 0 nothing yet, 1 a
/// street-level Party organisation, 2 then a district-level one, 3 then one at
/// city level or above (done).
fn step(ctx: &Context, stage: u8, unit: Node) -> u8 {
    if !ctx.is_party_org(unit) {
        return stage;
    }
    match (stage, ctx.model.level(unit)) {
        (0, Some(Level::Street)) => 1,
        (1, Some(Level::District)) => 2,
        (2, Some(l)) if l <= Level::City => 3,
        _ => stage,
    }
}

/// Whether the leadership path from `start` (itself included), entered at
/// `stage`, reaches stage 3; memoised per (unit, stage) for paths that end
/// without a cycle, so shared upper chains are walked once.
struct Chains {
    /// Per record: bit `s` = known for stage s, bit `4 + s` = reaches stage 3.
    memo: Vec<u8>,
    walk: Vec<Node>,
    /// The units on `walk` (a set: a path may be as long as the model).
    on_walk: Seen,
}

impl Chains {
    fn reaches(&mut self, ctx: &Context, start: Node, stage: u8) -> bool {
        // Walk up until a memoised unit, the top, or a unit already on the walk (a cycle).
        self.walk.clear();
        self.on_walk.clear();
        let mut cur = Some(start);
        let mut cycle = false;
        while let Some(u) = cur {
            if self.memo[u.index()] & 0b111 != 0 {
                break;
            }
            if !self.on_walk.insert(u) {
                cycle = true;
                break;
            }
            self.walk.push(u);
            cur = ctx.leader(u);
        }
        if cycle {
            // Not memoised: follow the path exactly as it runs from `start`.
            let mut s = stage;
            for &u in &self.walk {
                s = step(ctx, s, u);
                if s == 3 {
                    return true;
                }
            }
            return false;
        }
        // Fill the memo backwards for every stage, then read it forwards.
        let top = cur;
        for i in (0..self.walk.len()).rev() {
            let u = self.walk[i];
            let mut bits = 0b111u8;
            for s in 0..3u8 {
                let next = step(ctx, s, u);
                let ok = next == 3
                    || match top.filter(|_| i + 1 == self.walk.len()) {
                        Some(t) => self.memo[t.index()] & (16 << next) != 0,
                        None => self.walk.get(i + 1).is_some_and(|&p| self.memo[p.index()] & (16 << next) != 0),
                    };
                if ok {
                    bits |= 16 << s;
                }
            }
            self.memo[u.index()] = bits;
        }
        self.memo[start.index()] & (16 << stage) != 0
    }
}

/// A leadership chain of up to this many units (the community-level organisation
/// included) is written out in full in its S003 finding; a longer one is written out
/// until it reaches a unit an earlier S003 finding already explained, and refers to that
/// finding. Every unit is then written out in full at most once beyond these first
/// units, so S003's output is at most `FULL + 1` ids and facts per finding plus one per
/// unit: linear in the model, where a chain repeated per member grew with its square.
pub(crate) const FULL: usize = 16;

/// How an S003 chain ends in its finding.
enum End {
    /// At a unit with no leader.
    Top,
    /// Before a unit already on it (a cycle).
    Cycle,
    /// At a unit an earlier S003 finding explained: the subject of that finding.
    Joins(Node),
}

/// S003: community-level Party organisations whose leadership path (primary
/// leader first) does not pass, in order, a street-level Party organisation, a
/// district-level one and one at city level or above.
///
/// The check walks the leadership line itself (memoised, so shared upper
/// chains are walked once); each finding's message and evidence come from
/// [`bounded_path`], which follows the same line as
/// [`crate::query::leadership_path`] without building the query index, and
/// stops a long chain where it joins one an earlier finding explained (see [`FULL`]).
fn broken_chains(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    const NEEDS: [&str; 3] = ["a street-level", "a district-level", "a city-level"];
    let mut chains =
        Chains { memo: crate::model::pages::zeroed(model.len()), walk: Vec::new(), on_walk: Seen::new(model.len()) };
    let mut explained = vec![NONE; model.len()];
    let mut on_path = Seen::new(model.len());
    // Per unit: the link its chain follows up (the first primary one from its leader), NONE, or UNKNOWN.
    const UNKNOWN: u32 = NONE - 1;
    let mut link_up = vec![UNKNOWN; model.len()];
    for u in ctx.units() {
        if !ctx.is_party_org(u) || model.level(u) != Some(Level::Community) {
            continue;
        }
        // A path through `u` again would stop before it; `u` itself (community level) never
        // moves the check on, so its leader's path gives the answer either way.
        if ctx.leader(u).is_some_and(|l| chains.reaches(ctx, l, 0)) {
            continue;
        }
        let (path, end) = bounded_path(ctx, u, &explained, &mut on_path);
        for &p in &path {
            if explained[p.index()] == NONE {
                explained[p.index()] = u.index() as u32;
            }
        }
        let above = &path[1..];
        let mut stage = 0u8;
        for &p in above {
            stage = step(ctx, stage, p);
            if stage == 3 {
                break;
            }
        }
        debug_assert!(stage < 3, "S003 walk and leadership_path disagree for {}", model.id(u));
        if stage >= 3 {
            continue;
        }
        if !sink.text() {
            sink.key(id::S003, u, ctx.unit_township(u));
            continue;
        }
        let missing = NEEDS[stage as usize..].join(" and ");
        let mut evidence: Evidence = Vec::new();
        for pair in path.windows(2) {
            // The link each unit's chain follows is looked up once per audit: a unit with many
            // leaders may sit on the first FULL units of every finding's chain.
            let slot = &mut link_up[pair[0].index()];
            if *slot == UNKNOWN {
                let mut found: Vec<(LinkId, bool)> = links_in(model, pair[0], &LinkKind::Leads)
                    .filter(|(_, l)| l.from == pair[1])
                    .map(|(id, l)| (id, l.is_primary()))
                    .collect();
                found.sort_by_key(|&(_, primary)| !primary);
                *slot = found.first().map_or(NONE, |&(l, _)| l.0);
            }
            if *slot != NONE {
                evidence.push(fact(model, LinkId(*slot)));
            }
        }
        let last = *path.last().expect("the chain holds the unit");
        let message = if above.is_empty() {
            evidence.push(Fact::missing(model, u, "leads", false));
            format!(
                "community-level Party organisation {} has no leader, so its chain never reaches {missing} Party \
                 organisation (four-level chain)",
                label(model, u)
            )
        } else {
            let ids: Vec<&str> = path.iter().map(|&n| model.id(n)).collect();
            let stop = match end {
                End::Cycle => format!("runs into a leadership cycle at {}", label(model, last)),
                End::Top => {
                    evidence.push(Fact::missing(model, last, "leads", false));
                    format!("stops at {}, which has no leader", label(model, last))
                }
                End::Joins(by) => {
                    let message = format!(
                        "the leadership chain of community-level Party organisation {} ({}) joins at {} the chain \
                         explained in the S003 finding on {}, and does not pass a street-level, a district-level \
                         and a city-level Party organisation in turn (four-level chain)",
                        label(model, u),
                        ids.join(" -> "),
                        label(model, last),
                        label(model, by)
                    );
                    sink.push(id::S003, u, ctx.unit_township(u), message, evidence);
                    continue;
                }
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

/// The leadership path from `unit` (itself first) as its S003 finding writes it, and how it ends.
///
/// A path of at most [`FULL`] units is given whole, as [`leadership_path`] gives it. A
/// longer one stops at the first unit after `unit` that an earlier finding explained
/// (`explained` holds, per unit, the subject of the first finding that wrote it out, or
/// [`NONE`]), that unit included. Work: O(FULL + the units written out).
fn bounded_path(ctx: &Context, unit: Node, explained: &[u32], on_path: &mut Seen) -> (Vec<Node>, End) {
    // First the short case, searched in place: at most FULL units.
    let mut path = vec![unit];
    let mut cur = unit;
    loop {
        let Some(next) = ctx.leader(cur) else { return (path, End::Top) };
        if path.contains(&next) {
            return (path, End::Cycle);
        }
        if path.len() == FULL {
            break;
        }
        path.push(next);
        cur = next;
    }
    // A long chain: walk again, stopping where an earlier finding takes over.
    path.truncate(1);
    on_path.clear();
    on_path.insert(unit);
    let mut cur = unit;
    while let Some(next) = ctx.leader(cur) {
        if on_path.contains(next) {
            return (path, End::Cycle);
        }
        path.push(next);
        let by = explained[next.index()];
        if by != NONE {
            return (path, End::Joins(Node::new(by)));
        }
        on_path.insert(next);
        cur = next;
    }
    (path, End::Top)
}

/// The leadership path from `unit` (itself first), one leader at a time along
/// [`Context::leader`], and whether it stopped before a unit already on it (a
/// cycle) rather than at a unit with no leader: what [`crate::query::leadership_path`] gives.
#[cfg(test)]
fn leadership_path(ctx: &Context, unit: Node) -> (Vec<Node>, bool) {
    let mut path = vec![unit];
    let mut seen: std::collections::HashSet<Node> = std::collections::HashSet::new();
    let mut cur = unit;
    while let Some(next) = ctx.leader(cur) {
        // Short paths are searched in place; long ones get a set, so the walk stays linear.
        let on_path = if path.len() <= 32 {
            path.contains(&next)
        } else {
            if seen.is_empty() {
                seen.extend(path.iter().copied());
            }
            !seen.insert(next)
        };
        if on_path {
            return (path, true);
        }
        path.push(next);
        cur = next;
    }
    (path, false)
}

/// S004 (Shanghai): a `party_working_committee` holding jurisdiction over a
/// street must lead exactly one community Party committee (a `party_committee`
/// not at community or grid level) and one administrative Party group (`party_group`).
fn one_plus_two(ctx: &Context, sink: &mut Sink) {
    let model = ctx.model;
    let mut committees: Vec<(LinkId, Node)> = Vec::new();
    let mut groups: Vec<(LinkId, Node)> = Vec::new();
    // A working committee may lead any number of units: de-duplicate in O(1) per link.
    let mut seen = Seen::new(model.len());
    for w in ctx.units_of(&UnitKind::PartyWorkingCommittee) {
        let Some(street) = ctx.holds(w).find(|&t| ctx.territory_class(t) == tclass::STREET) else {
            continue;
        };
        committees.clear();
        groups.clear();
        seen.clear();
        for (slot, link) in links_out(model, w, &LinkKind::Leads) {
            let led = link.to;
            let list = match ctx.kind(led) {
                Some(UnitKind::PartyCommittee) if !matches!(model.level(led), Some(Level::Community | Level::Grid)) => {
                    &mut committees
                }
                Some(UnitKind::PartyGroup) => &mut groups,
                _ => continue,
            };
            if seen.insert(led) {
                list.push((slot, led));
            }
        }
        if committees.len() == 1 && groups.len() == 1 {
            continue;
        }
        if !sink.text() {
            sink.key(id::S004, w, Some(street));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Config;
    use crate::model::{LinkSpec, Model, UnitKind, UnitSpec};

    /// The audit's own walk gives the query's leadership path, cycles included.
    #[test]
    fn leadership_path_follows_the_query() {
        // A cycle of 40 units (longer than the walk searches in place), a self-loop, and dual leaders.
        let mut b = Model::builder();
        for i in 0..44 {
            b.unit(UnitSpec::new(format!("u{i}"), format!("单位{i}"), UnitKind::PartyBranch)).unwrap();
        }
        for i in 0..39 {
            b.link(LinkSpec::new(format!("u{}", i + 1), format!("u{i}"), LinkKind::Leads)).unwrap();
        }
        b.link(LinkSpec::new("u0", "u39", LinkKind::Leads)).unwrap();
        b.link(LinkSpec::new("u40", "u40", LinkKind::Leads)).unwrap();
        b.link(LinkSpec::new("u41", "u43", LinkKind::Leads)).unwrap();
        b.link(LinkSpec::new("u42", "u43", LinkKind::Leads).primary(true)).unwrap();
        let built = b.build().unwrap();
        let u5 = built.node("u5").unwrap();
        let (path, cycle) = crate::query::leadership_path(&built, u5);
        assert!(cycle && path.len() == 40, "the fixture has its long cycle");
        for model in [built, Model::sample()] {
            let config = Config::default();
            let ctx = Context::new(&model, &config);
            for (u, _) in model.units() {
                assert_eq!(leadership_path(&ctx, u), crate::query::leadership_path(&model, u), "{}", model.id(u));
            }
        }
    }
}
