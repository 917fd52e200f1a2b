//! Evidence: the facts an answer rests on, so a person can check it by hand.
//!
//! Every chain, dispatch answer and audit finding carries a list of facts:
//! the links it followed (with their index in the model's `links` array), the
//! fields it read, and the links it looked for and did not find.

use serde::Serialize;

use crate::model::{LinkId, Model, Node};

/// One fact behind an answer.
///
/// Serialised as a small JSON object: `{"link": 17, "from": "a", "kind": "leads", "to": "b"}`,
/// `{"record": "acme", "field": "members", "value": 5}` or
/// `{"record": "acme", "missing": "party_org_of", "direction": "in"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Fact {
    /// A link that was followed.
    Link {
        /// The link's index in the model's `links` array.
        link: usize,
        /// The id it starts from.
        from: String,
        /// Its kind.
        kind: String,
        /// The id it points to.
        to: String,
    },
    /// A field that was read.
    Field {
        /// The record's id.
        record: String,
        /// The field.
        field: String,
        /// Its value, as JSON.
        value: serde_json::Value,
    },
    /// A link of some kind that was looked for and is not there.
    Missing {
        /// The record's id.
        record: String,
        /// The link kind (or a description of what is missing).
        missing: String,
        /// `"out"` for links leaving the record, `"in"` for links arriving.
        direction: String,
    },
}

impl Fact {
    /// The fact that the model's link `id` was followed.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, LinkKind, evidence::Fact};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "a", "name": "A", "kind": "party_committee"}, {"id": "b", "name": "B", "kind": "party_branch"}],
    ///   "links": [{"from": "a", "to": "b", "kind": "leads"}]}"#).unwrap();
    /// let (id, _) = model.links().next().unwrap();
    /// let fact = Fact::link(&model, id);
    /// assert_eq!(fact.to_string(), "links[0]: a -leads-> b");
    /// ```
    pub fn link(model: &Model, id: LinkId) -> Fact {
        let l = model.link(id);
        Fact::Link {
            link: id.index(),
            from: model.id(l.from).to_string(),
            kind: l.kind.as_str().to_string(),
            to: model.id(l.to).to_string(),
        }
    }

    /// The fact that a record's field has a value.
    pub fn field(model: &Model, node: Node, field: &str, value: impl Into<serde_json::Value>) -> Fact {
        Fact::Field { record: model.id(node).to_string(), field: field.to_string(), value: value.into() }
    }

    /// The fact that a record has no link of a kind leaving it (`outgoing`) or arriving at it.
    pub fn missing(model: &Model, node: Node, what: &str, outgoing: bool) -> Fact {
        Fact::Missing {
            record: model.id(node).to_string(),
            missing: what.to_string(),
            direction: if outgoing { "out" } else { "in" }.to_string(),
        }
    }
}

impl std::fmt::Display for Fact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fact::Link { link, from, kind, to } => write!(f, "links[{link}]: {from} -{kind}-> {to}"),
            Fact::Field { record, field, value } => write!(f, "{record}.{field} = {value}"),
            Fact::Missing { record, missing, direction } => {
                let arrow = if direction == "out" { "no outgoing" } else { "no incoming" };
                write!(f, "{record}: {arrow} {missing}")
            }
        }
    }
}

/// The facts behind one answer, in the order they were established.
pub type Evidence = Vec<Fact>;
