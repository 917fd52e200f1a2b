//! Building findings' text cheaply: messages are written into one reused
//! buffer with plain pushes (no `format!`, no intermediate strings) and copied
//! out once at their exact length; evidence is gathered in one reused list and
//! moved out at its exact length.

use std::fmt::Write as _;

use crate::evidence::Fact;
use crate::model::{LinkId, Model, Node};

/// True when an id is written between quotes as it is (printable ASCII without
/// `"` or `\`); other ids are written as Rust's `Debug` quotes them.
fn plain(id: &str) -> bool {
    id.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

/// Appends `"id" (name)`, the way messages name a record (the text of [`super::Label`]).
pub(crate) fn push_label(s: &mut String, model: &Model, node: Node) {
    let (id, name) = model.id_name(node);
    if plain(id) {
        s.push('"');
        s.push_str(id);
        s.push('"');
    } else {
        let _ = write!(s, "{id:?}");
    }
    s.push_str(" (");
    s.push_str(name);
    s.push(')');
}

/// Appends a number in decimal.
pub(crate) fn push_num(s: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // The bytes are ASCII digits.
    s.push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
}

/// The reused buffers a finding is described into, and scratch lists the
/// rules' describers share.
#[derive(Default)]
pub(crate) struct Out {
    /// The message.
    pub msg: String,
    /// The evidence.
    pub facts: Vec<Fact<'static>>,
    /// Scratch text (a fact's description).
    pub what: String,
    /// Scratch records.
    pub nodes: Vec<Node>,
    /// Scratch sets of the D001 check.
    pub marks: crate::audit::rules::registration::Marks,
    /// Scratch (unit, located_in, street/town) triples.
    pub triples: Vec<(Node, Node, Node)>,
    /// Scratch links.
    pub links: Vec<LinkId>,
}

impl Out {
    /// Empties the message and the evidence for the next finding.
    pub fn clear(&mut self) {
        self.msg.clear();
        self.facts.clear();
    }

    /// The message and the evidence, each allocated at its exact length.
    pub fn take(&mut self) -> (String, Vec<Fact<'static>>) {
        (self.msg.as_str().to_owned(), self.facts.drain(..).collect())
    }

    /// Appends a piece of text to the message.
    pub fn s(&mut self, text: &str) -> &mut Out {
        self.msg.push_str(text);
        self
    }

    /// Appends a record's label to the message.
    pub fn label(&mut self, model: &Model, node: Node) -> &mut Out {
        push_label(&mut self.msg, model, node);
        self
    }

    /// Appends a number to the message.
    pub fn num(&mut self, n: impl Into<u64>) -> &mut Out {
        push_num(&mut self.msg, n.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_labels_match_display() {
        for n in [0u64, 7, 10, 99, 12345, u64::from(u32::MAX), u64::MAX] {
            let mut s = String::new();
            push_num(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        let model = Model::from_json(
            r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "甲", "kind": "enterprise"},
                {"id": "b\"c", "name": "乙", "kind": "enterprise"}, {"id": "宝山", "name": "", "kind": "enterprise"}]}"#,
        )
        .unwrap();
        for (n, _) in model.units() {
            let mut s = String::new();
            push_label(&mut s, &model, n);
            assert_eq!(s, super::super::label(&model, n).to_string());
        }
    }
}
