//! `responsible_for(territory)`: the block chain of a place.

use std::fmt;

use serde::Serialize;

use super::chain::{opt, touch};
use crate::evidence::{Evidence, Fact};
use crate::model::{Grade, Level, LinkKind, Model, Node};
use crate::render::Table;

/// A unit holding `jurisdiction` over a territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Holder {
    /// The unit's id.
    pub id: String,
    /// The unit's name.
    pub name: String,
    /// The unit's kind.
    pub kind: String,
    /// The unit's own level ([`Model::level`]: that of the highest territory it holds).
    pub level: Option<Level>,
    /// The unit's responsibility grade.
    pub grade: Option<Grade>,
    /// The index of the `jurisdiction` link in the model's `links` array.
    pub link: usize,
}

/// One territory of a block chain and the units answering for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Block {
    /// The territory's id.
    pub territory: String,
    /// The territory's name.
    pub name: String,
    /// The territory's kind (`street`, `community` …).
    pub kind: String,
    /// The territory's level.
    pub level: Option<Level>,
    /// The responsibility grade of that level (grid and community specific,
    /// street direct, district first, city overall).
    pub grade: Option<Grade>,
    /// The units with `jurisdiction` over the territory, in document order of
    /// the links (one entry per link); empty where nobody answers for it.
    pub holders: Vec<Holder>,
}

/// The answer of [`responsible_for()`]: who answers for a place and for each
/// territory containing it, nearest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Responsibility {
    /// The id of the territory asked about.
    pub territory: String,
    /// Its name.
    pub name: String,
    /// The territory and each containing territory, nearest first.
    pub blocks: Vec<Block>,
    /// The `jurisdiction` links read, and for each territory with nobody, the
    /// fact that no `jurisdiction` link arrives there.
    pub evidence: Evidence,
}

impl Responsibility {
    /// The territories of the chain that nobody holds jurisdiction over: "where is nobody".
    pub fn nobody(&self) -> impl Iterator<Item = &Block> + '_ {
        self.blocks.iter().filter(|b| b.holders.is_empty())
    }

    /// One row per holder, the territory's columns on its first row only, and one
    /// row reading `(nobody)` per territory with no holder.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["territory", "name", "kind", "grade", "unit", "unit name", "unit kind", "link"]);
        for b in &self.blocks {
            let place = [b.territory.clone(), b.name.clone(), b.kind.clone(), opt(b.grade)];
            if b.holders.is_empty() {
                t.row(place.iter().cloned().chain(["(nobody)".to_string()]));
            }
            for (i, h) in b.holders.iter().enumerate() {
                let place = if i == 0 { place.clone() } else { Default::default() };
                t.row(place.into_iter().chain([
                    h.id.clone(),
                    h.name.clone(),
                    h.kind.clone(),
                    format!("links[{}]", h.link),
                ]));
            }
        }
        t
    }

    /// The block chain for people: a heading and the table.
    pub fn render(&self) -> String {
        format!("block chain of {} ({})\n{}", self.name, self.territory, self.to_table().render())
    }
}

impl fmt::Display for Responsibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// The block chain of a place: for the territory and each territory
/// containing it (nearest first), the units holding `jurisdiction` over it,
/// with the territory's level and grade (grid → community specific → street
/// direct → district first → city overall) and each unit's own level and grade.
///
/// Territories nobody holds jurisdiction over are listed with no holders: that
/// is the "where is nobody" answer for this place. A record that is not a
/// territory gives one block for itself.
///
/// # Complexity
/// O(d + the links arriving at the d territories on the way up).
///
/// # Example
/// ```
/// use tiaokuai::{Model, responsible_for};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "s", "name": "Street", "kind": "street"},
///                   {"id": "c", "name": "Community", "kind": "community", "parent": "s"}],
///   "units": [{"id": "gw", "name": "Street working committee", "kind": "party_working_committee"}],
///   "links": [{"from": "gw", "to": "s", "kind": "jurisdiction"}]}"#)?;
/// let r = responsible_for(&model, model.node("c").unwrap());
/// assert_eq!(r.blocks.len(), 2);
/// assert!(r.blocks[0].holders.is_empty()); // nobody for the community
/// assert_eq!(r.blocks[1].holders[0].id, "gw");
/// assert_eq!(r.nobody().next().unwrap().territory, "c");
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn responsible_for(model: &Model, territory: Node) -> Responsibility {
    // A first walk up the tree reads every record the answer needs (see `chain::touch`: the
    // loads of different holders overlap). The vectors grow as usual: sizing them exactly
    // spreads them over more allocator size classes, which glibc's malloc serves more slowly.
    for t in model.ancestors(territory) {
        let jurisdiction = model.all_links_to(t).filter(|(_, l)| l.kind == LinkKind::Jurisdiction);
        touch(model, std::iter::once(t).chain(jurisdiction.map(|(_, l)| l.from)));
    }
    let mut blocks = Vec::new();
    let mut evidence = Vec::new();
    for t in model.ancestors(territory) {
        let record = model.record(t);
        let id = record.id().to_string();
        let mut holders = Vec::new();
        for (link, l) in model.all_links_to(t).filter(|(_, l)| l.kind == LinkKind::Jurisdiction) {
            let unit = model.record(l.from);
            let level = model.level(l.from);
            let unit_id = unit.id().to_string();
            evidence.push(Fact::Link {
                link: link.index(),
                from: unit_id.clone(),
                kind: LinkKind::Jurisdiction.as_str().to_string(),
                to: id.clone(),
            });
            holders.push(Holder {
                id: unit_id,
                name: unit.name().to_string(),
                kind: unit.kind_str().to_string(),
                level,
                grade: level.map(|l| l.grade()),
                link: link.index(),
            });
        }
        if holders.is_empty() {
            evidence.push(Fact::Missing {
                record: id.clone(),
                missing: LinkKind::Jurisdiction.as_str().to_string(),
                direction: "in".to_string(),
            });
        }
        let level = model.level(t);
        blocks.push(Block {
            territory: id,
            name: record.name().to_string(),
            kind: record.kind_str().to_string(),
            level,
            grade: level.map(|l| l.grade()),
            holders,
        });
    }
    Responsibility { territory: blocks[0].territory.clone(), name: blocks[0].name.clone(), blocks, evidence }
}
