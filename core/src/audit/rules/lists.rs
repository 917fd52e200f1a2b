//! L: the three lists of regional Party building — needs, resources, projects.

use crate::audit::text::Out;
use crate::audit::{Context, Sink, id};
use crate::evidence::Fact;
use crate::model::{ItemList, LinkKind, Node};

/// True when a project item links to `item` by a link of `kind`.
fn served_by_project(ctx: &Context, item: Node, kind: &LinkKind) -> bool {
    let model = ctx.model;
    model.in_degree(item, kind) > 0
        && model.sources(item, kind).any(|p| model.item(p).is_some_and(|i| i.list == ItemList::Project))
}

/// The street/town of the first unit that raised or offered the item.
fn township(ctx: &Context, item: Node, kind: &LinkKind) -> Option<Node> {
    ctx.model.sources(item, kind).find_map(|u| ctx.unit_township(u))
}

/// L001 (a need no project fulfils) and L002 (a resource no project uses).
pub(crate) fn run(ctx: &Context, sink: &mut Sink) {
    if !sink.on(id::L001) && !sink.on(id::L002) {
        return;
    }
    let model = ctx.model;
    for (i, item) in model.items() {
        match item.list {
            ItemList::Need if !served_by_project(ctx, i, &LinkKind::Fulfils) => {
                sink.note(id::L001, i, township(ctx, i, &LinkKind::Raises));
            }
            ItemList::Resource if !served_by_project(ctx, i, &LinkKind::Uses) => {
                sink.note(id::L002, i, township(ctx, i, &LinkKind::Offers));
            }
            _ => {}
        }
    }
}

/// The message and evidence of an L001 or L002 finding about item `i`.
pub(crate) fn describe(ctx: &Context, rule: usize, i: Node, out: &mut Out) {
    let model = ctx.model;
    if rule == id::L001 {
        out.s("need ").label(model, i).s(" is fulfilled by no project (fulfils)");
        out.facts.push(Fact::missing(model, i, "fulfils from a project", false));
    } else {
        out.s("resource ").label(model, i).s(" is used by no project (uses)");
        out.facts.push(Fact::missing(model, i, "uses from a project", false));
    }
}
