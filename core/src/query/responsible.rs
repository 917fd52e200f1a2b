//! `responsible_for(territory)`: the block chain of a place.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use super::chain::{opt, own, touch};
use super::index;
use crate::evidence::{Evidence, Fact};
use crate::model::{Grade, Level, LinkKind, Model, Node};
use crate::render::Table;

/// A unit holding `jurisdiction` over a territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Holder<'m> {
    /// The unit's id.
    pub id: Cow<'m, str>,
    /// The unit's name.
    pub name: Cow<'m, str>,
    /// The unit's kind.
    pub kind: Cow<'m, str>,
    /// The unit's own level ([`Model::level`]: that of the highest territory it holds).
    pub level: Option<Level>,
    /// The unit's responsibility grade.
    pub grade: Option<Grade>,
    /// The index of the `jurisdiction` link in the model's `links` array.
    pub link: usize,
    /// The unit's principal at the date ([`crate::people::principal`]), when the model has
    /// people and the data names one; left out of the JSON otherwise.
    /// Boxed: most answers have none, and a 72-byte principal inline made every entry
    /// 64 bytes larger, copied on each push.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Box<crate::people::Principal<'m>>>,
}

/// One territory of a block chain and the units answering for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Block<'m> {
    /// The territory's id.
    pub territory: Cow<'m, str>,
    /// The territory's name.
    pub name: Cow<'m, str>,
    /// The territory's kind (`street`, `community` …).
    pub kind: Cow<'m, str>,
    /// The territory's level.
    pub level: Option<Level>,
    /// The responsibility grade of that level (grid and community specific,
    /// street direct, district first, city overall).
    pub grade: Option<Grade>,
    /// The units with `jurisdiction` over the territory, in document order of
    /// the links (one entry per link); empty where nobody answers for it.
    pub holders: Vec<Holder<'m>>,
}

/// The answer of [`responsible_for()`]: who answers for a place and for each
/// territory containing it, nearest first.
///
/// The strings are borrowed from the model (`'m`);
/// [`Responsibility::into_owned`] gives an answer independent of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Responsibility<'m> {
    /// The id of the territory asked about.
    pub territory: Cow<'m, str>,
    /// Its name.
    pub name: Cow<'m, str>,
    /// The territory and each containing territory, nearest first.
    pub blocks: Vec<Block<'m>>,
    /// The `jurisdiction` links read, and for each territory with nobody, the
    /// fact that no `jurisdiction` link arrives there.
    pub evidence: Evidence<'m>,
    /// In a view at a date, the territories, holders and links of the answer only
    /// possibly in force then; empty, and left out of the JSON, otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Evidence<'static>,
}

impl Holder<'_> {
    /// The same holder owning its strings.
    pub fn into_owned(self) -> Holder<'static> {
        Holder {
            id: own(self.id),
            name: own(self.name),
            kind: own(self.kind),
            principal: self.principal.map(|p| Box::new(p.into_owned())),
            ..self
        }
    }
}

impl Block<'_> {
    /// The same block owning its strings.
    pub fn into_owned(self) -> Block<'static> {
        Block {
            territory: own(self.territory),
            name: own(self.name),
            kind: own(self.kind),
            level: self.level,
            grade: self.grade,
            holders: self.holders.into_iter().map(Holder::into_owned).collect(),
        }
    }
}

impl<'m> Responsibility<'m> {
    /// The territories of the chain that nobody holds jurisdiction over: "where is nobody".
    pub fn nobody(&self) -> impl Iterator<Item = &Block<'m>> + '_ {
        self.blocks.iter().filter(|b| b.holders.is_empty())
    }

    /// One row per holder, the territory's columns on its first row only, and one
    /// row reading `(nobody)` per territory with no holder.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["territory", "name", "kind", "grade", "unit", "unit name", "unit kind", "link"]);
        for b in &self.blocks {
            let place = [b.territory.to_string(), b.name.to_string(), b.kind.to_string(), opt(b.grade)];
            if b.holders.is_empty() {
                t.row(place.iter().cloned().chain(["(nobody)".to_string()]));
            }
            for (i, h) in b.holders.iter().enumerate() {
                let place = if i == 0 { place.clone() } else { Default::default() };
                t.row(place.into_iter().chain([
                    h.id.to_string(),
                    h.name.to_string(),
                    h.kind.to_string(),
                    format!("links[{}]", h.link),
                ]));
            }
        }
        t
    }

    /// The same answer owning its strings, independent of the model.
    pub fn into_owned(self) -> Responsibility<'static> {
        Responsibility {
            territory: own(self.territory),
            name: own(self.name),
            blocks: self.blocks.into_iter().map(Block::into_owned).collect(),
            evidence: self.evidence.into_iter().map(Fact::into_owned).collect(),
            uncertain: self.uncertain,
        }
    }

    /// The block chain for people: a heading and the table.
    pub fn render(&self) -> String {
        format!("block chain of {} ({})\n{}", self.name, self.territory, self.to_table().render())
    }
}

impl fmt::Display for Responsibility<'_> {
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
pub fn responsible_for(model: &Model, territory: Node) -> Responsibility<'_> {
    // A first walk up the tree asks for every record the answer needs (see `chain::touch`:
    // their cache misses overlap) and counts the blocks and facts, so those two vectors are
    // allocated once. With people, it also gathers the holders, whose principals are then
    // looked up stage by stage ([`crate::people::principals`]), not one holder after another.
    let table = index::holders(model);
    let people = model.has_people();
    let (mut depth, mut facts, mut units) = (0, 0, Vec::new());
    for t in model.ancestors(territory) {
        let holders = table.of(t).map(|(unit, _)| unit).inspect(|&unit| {
            if people {
                units.push(unit);
            }
        });
        let n = touch(model, std::iter::once(t).chain(holders)) - 1;
        depth += 1;
        facts += n.max(1);
    }
    let mut principals = crate::people::principals(model, &units).into_iter();
    let mut blocks = Vec::with_capacity(depth);
    let mut evidence = Vec::with_capacity(facts);
    for t in model.ancestors(territory) {
        let (id, name, kind) = model.labels(t);
        let id = Cow::Borrowed(id);
        let held = table.of(t);
        let mut holders = Vec::with_capacity(held.len());
        for (from, link) in held {
            let (unit_id, unit_name, unit_kind) = model.labels(from);
            let level = model.level(from);
            let unit_id = Cow::Borrowed(unit_id);
            evidence.push(Fact::Link {
                link: link.index(),
                from: unit_id.clone(),
                kind: Cow::Borrowed(LinkKind::Jurisdiction.as_str()),
                to: id.clone(),
            });
            holders.push(Holder {
                id: unit_id,
                name: Cow::Borrowed(unit_name),
                kind: Cow::Borrowed(unit_kind),
                level,
                grade: level.map(|l| l.grade()),
                link: link.index(),
                principal: principals.next().flatten().map(Box::new),
            });
        }
        if holders.is_empty() {
            evidence.push(Fact::Missing {
                record: id.clone(),
                missing: Cow::Borrowed(LinkKind::Jurisdiction.as_str()),
                direction: Cow::Borrowed("in"),
            });
        }
        let level = model.level(t);
        blocks.push(Block {
            territory: id,
            name: Cow::Borrowed(name),
            kind: Cow::Borrowed(kind),
            level,
            grade: level.map(|l| l.grade()),
            holders,
        });
    }
    let uncertain = crate::evidence::uncertain(model, blocks.iter().map(|b| b.territory.as_ref()), &evidence);
    Responsibility { territory: blocks[0].territory.clone(), name: blocks[0].name.clone(), blocks, evidence, uncertain }
}
