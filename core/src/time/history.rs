//! The history of one record: its validity, the links it gained and lost, its
//! predecessors and successors.

use crate::{Date, Link, LinkId, LinkKind, Model, Node, Validity};

use super::succession::Succession;

/// A link a record gained (its `since`) or lost (its `until`, the last day it held).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LinkChange {
    /// The link.
    pub link: LinkId,
    /// The date: the link's `since` when gained, its `until` when lost.
    pub on: Date,
    /// True when the record gained the link on `on`, false when `on` is the last day it held.
    pub gained: bool,
}

/// The history of one record ([`history()`]): read from the whole document,
/// whatever the view's date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct History {
    /// The record.
    pub node: Node,
    /// Its `since` / `until`.
    pub validity: Validity,
    /// The links from or to it that start or end on a date, in date order (a link
    /// with both dates gives two changes).
    pub changes: Vec<LinkChange>,
    /// Its links without dates (held whenever it is), in document order.
    pub undated: Vec<LinkId>,
    /// What it succeeded, and what those succeeded, back to the first (nearest first).
    pub predecessors: Vec<Succession>,
    /// What succeeded it, and what succeeded those, to the last (nearest first).
    pub successors: Vec<Succession>,
}

/// The history of a record: its validity, the links it gained and lost with their
/// dates, and its predecessors and successors through `succeeded_by` links,
/// followed across the chain in both directions.
///
/// # Example
/// ```
/// use tiaokuai::{Model, time};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "old", "name": "旧", "kind": "street", "until": "2020-05-31"},
///                   {"id": "new", "name": "新", "kind": "street", "since": "2020-06-01"}],
///   "units": [{"id": "gw", "name": "党工委", "kind": "party_working_committee"}],
///   "links": [{"from": "gw", "to": "old", "kind": "jurisdiction", "since": "2015", "until": "2020-05-31"},
///             {"from": "old", "to": "new", "kind": "succeeded_by", "event": "merge"}]}"#)?;
/// let h = time::history(&model, model.find("old").unwrap());
/// assert_eq!(h.changes.len(), 2, "gained in 2015, lost after 2020-05-31");
/// assert_eq!(h.successors[0].sentence(&model), "old was merged into new on 2020-06-01");
/// assert!(h.render(&model).contains("2015  gained  gw -jurisdiction-> old"));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn history(model: &Model, node: Node) -> History {
    let mut changes = Vec::new();
    let mut undated = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let touching = model.document_links_from(node).chain(model.document_links_to(node));
    for (id, l) in touching {
        if l.kind == LinkKind::SucceededBy || !seen.insert(id) {
            continue;
        }
        let v = l.validity;
        if v.is_empty() {
            undated.push(id);
        }
        if let Some(on) = v.since {
            changes.push(LinkChange { link: id, on, gained: true });
        }
        if let Some(on) = v.until {
            changes.push(LinkChange { link: id, on, gained: false });
        }
    }
    // In date order: by first day, a gain before a loss on the same day, then document order.
    changes.sort_by_key(|c| (c.on.first_day(), c.on, !c.gained, c.link));
    undated.sort();
    let walk = |forward: bool| {
        let mut out: Vec<Succession> = Vec::new();
        let mut seen = vec![false; model.len()];
        seen[node.index()] = true;
        let mut queue = std::collections::VecDeque::from([node]);
        while let Some(n) = queue.pop_front() {
            let steps = if forward { model.successions(n) } else { model.predecessions(n) };
            for s in steps {
                let next = if forward { s.to } else { s.from };
                if !std::mem::replace(&mut seen[next.index()], true) {
                    queue.push_back(next);
                }
                out.push(s);
            }
        }
        out
    };
    History {
        node,
        validity: model.record(node).validity(),
        changes,
        undated,
        predecessors: walk(false),
        successors: walk(true),
    }
}

fn link_text(model: &Model, l: Link) -> String {
    format!("{} -{}-> {}", model.id(l.from), l.kind, model.id(l.to))
}

impl History {
    /// The history as a plain-text table (what `tiaokuai history` prints).
    pub fn render(&self, model: &Model) -> String {
        use std::fmt::Write;
        let r = model.record(self.node);
        let show = |d: Option<Date>| d.map_or_else(|| "…".to_string(), |d| d.to_string());
        let mut out = format!("{} {} ({})\n", r.record_type(), r.id(), r.name());
        let _ = writeln!(out, "in force: {} to {}", show(self.validity.since), show(self.validity.until));
        if !self.predecessors.is_empty() {
            out.push_str("\npredecessors:\n");
            for s in &self.predecessors {
                let _ = writeln!(out, "  {}", s.sentence(model));
            }
        }
        if !self.changes.is_empty() {
            out.push_str("\nlinks gained and lost:\n");
            for c in &self.changes {
                let word = if c.gained { "gained" } else { "lost  " };
                let after = if c.gained { "" } else { " (last day)" };
                let _ = writeln!(out, "  {}  {word}  {}{after}", c.on, link_text(model, model.link(c.link)));
            }
        }
        if !self.undated.is_empty() {
            out.push_str("\nundated links (held whenever it is in force):\n");
            for &id in &self.undated {
                let _ = writeln!(out, "  {}", link_text(model, model.link(id)));
            }
        }
        if !self.successors.is_empty() {
            out.push_str("\nsuccessors:\n");
            for s in &self.successors {
                let _ = writeln!(out, "  {}", s.sentence(model));
            }
        }
        out
    }

    /// The history as JSON (what `tiaokuai history --format json` prints).
    pub fn to_json(&self, model: &Model) -> serde_json::Value {
        use serde_json::json;
        let r = model.record(self.node);
        let link = |id: LinkId| {
            let l = model.link(id);
            json!({"link": id.index(), "from": model.id(l.from), "to": model.id(l.to), "kind": l.kind.as_str()})
        };
        let step = |s: &Succession| {
            json!({"from": model.id(s.from), "to": model.id(s.to),
                   "event": s.event.as_ref().map(|e| e.as_str()), "on": s.on.map(|d| d.to_string())})
        };
        json!({
            "id": r.id(),
            "type": r.record_type().as_str(),
            "name": r.name(),
            "since": self.validity.since.map(|d| d.to_string()),
            "until": self.validity.until.map(|d| d.to_string()),
            "changes": self.changes.iter().map(|c| {
                let mut v = link(c.link);
                v["on"] = json!(c.on.to_string());
                v["change"] = json!(if c.gained { "gained" } else { "lost" });
                v
            }).collect::<Vec<_>>(),
            "undated": self.undated.iter().map(|&id| link(id)).collect::<Vec<_>>(),
            "predecessors": self.predecessors.iter().map(step).collect::<Vec<_>>(),
            "successors": self.successors.iter().map(step).collect::<Vec<_>>(),
        })
    }
}
