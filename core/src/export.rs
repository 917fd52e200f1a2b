//! Graph exports: GraphML (Gephi, yEd, Cytoscape, NetworkX) and Graphviz DOT,
//! of a whole model or of the part around one record; and, for models that
//! outgrow one machine, CSV folders for Neo4j's bulk importer
//! ([`write_neo4j`]) and edge lists for Spark GraphFrames, DuckDB or pandas
//! ([`write_edgelist`]); see `docs/scaling.md`.
//!
//! A [`Subgraph`] says which records and links to write; [`to_graphml`] and
//! [`to_dot`] write them. Besides the model's links, both formats carry one
//! edge of kind `parent` from each territory to its containing territory when
//! both are in the subgraph, so the territory tree is visible (in DOT with
//! clusters, the nesting shows it instead). Output is deterministic: records
//! in document order (territories, units, matters, items), then links in
//! document order, then the `parent` edges.
//!
//! Distinct records stay distinct nodes: ids are written with an injective
//! escape ([`escape_id`], in DOT [`dot_id`]) that [`unescape`] reverses, so
//! a control character, a non-character, a line ending or a backslash can
//! neither merge two records nor make the output unreadable (the SVG Graphviz
//! draws from the DOT is well-formed XML). See `docs/queries.md`, "Escaping".
//!
//! # Example
//! ```
//! use tiaokuai::{Model, export::{Subgraph, to_dot, to_graphml}};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "d", "name": "District & co", "kind": "district"}],
//!   "units": [{"id": "dw", "name": "<District committee>", "kind": "party_committee"}],
//!   "links": [{"from": "dw", "to": "d", "kind": "jurisdiction"}]}"#)?;
//! let whole = Subgraph::whole(&model);
//! let xml = to_graphml(&model, &whole);
//! assert!(xml.contains("District &amp; co") && xml.contains("&lt;District committee&gt;"));
//! assert_eq!(xml.matches("<node ").count(), 2);
//! assert!(to_dot(&model, &whole).contains(r#""dw" -> "d" [label="jurisdiction"]"#));
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::evidence::Fact;
use crate::format::{CsvOptions, CsvWriter};
use crate::model::{LinkId, LinkKind, Model, Node, RecordRef, RecordType};
use crate::query::{Chain, Line, chain, responsible_for};

/// What part of a model to export.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Focus<'m> {
    /// Every record and link.
    Whole,
    /// The units of a chain, the units of its branches, and the links it followed or reported.
    Chain(Box<Chain<'m>>),
    /// The part around one record:
    /// a territory, its containing territories and the units holding jurisdiction over them
    /// (its block chain, [`responsible_for`]); a unit and its chain on [`Line::All`];
    /// a matter or item, its links and the records at their other ends.
    Around(Node),
}

/// A set of records and links of a model, to export.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Subgraph {
    /// The records, in document order.
    pub nodes: Vec<Node>,
    /// The links, in document order; both ends of each are in `nodes`.
    pub links: Vec<LinkId>,
}

fn type_rank(model: &Model, n: Node) -> u8 {
    match model.record(n).record_type() {
        RecordType::Territory => 0,
        RecordType::Unit => 1,
        RecordType::Matter => 2,
        RecordType::Item => 3,
        RecordType::Person => 4,
    }
}

impl Subgraph {
    /// Every record and link of the model.
    pub fn whole(model: &Model) -> Subgraph {
        Subgraph { nodes: model.records().map(|(n, _)| n).collect(), links: model.links().map(|(id, _)| id).collect() }
    }

    /// The subgraph for a [`Focus`].
    pub fn new(model: &Model, focus: &Focus<'_>) -> Subgraph {
        match focus {
            Focus::Whole => Subgraph::whole(model),
            Focus::Chain(c) => Subgraph::of_chain(model, c),
            Focus::Around(n) => Subgraph::around(model, *n),
        }
    }

    /// The part around the record with this id (see [`Focus::Around`]).
    ///
    /// # Errors
    /// [`crate::Error::UnknownId`] when no record has the id.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, export::Subgraph};
    /// let model = Model::sample();
    /// let part = Subgraph::focus(&model, "310113003")?;
    /// assert!(part.nodes.contains(&model.node("310113").unwrap()));
    /// assert!(Subgraph::focus(&model, "ghost").is_err());
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn focus(model: &Model, id: &str) -> Result<Subgraph> {
        let node = model.node(id).ok_or_else(|| crate::Error::UnknownId { id: id.to_string() })?;
        Ok(Subgraph::around(model, node))
    }

    /// The units of a chain and of its branches, and the links in its evidence.
    pub fn of_chain(model: &Model, chain: &Chain<'_>) -> Subgraph {
        let nodes = chain.steps.iter().filter_map(|s| model.node(&s.id));
        let links = chain.evidence.iter().filter_map(|f| match f {
            Fact::Link { link, .. } if *link < model.link_count() => Some(link_id(model, *link)),
            _ => None,
        });
        Subgraph::from_parts(model, nodes, links)
    }

    fn around(model: &Model, node: Node) -> Subgraph {
        match model.record(node) {
            RecordRef::Territory(_) => {
                let r = responsible_for(model, node);
                let nodes = r
                    .blocks
                    .iter()
                    .flat_map(|b| std::iter::once(b.territory.as_ref()).chain(b.holders.iter().map(|h| h.id.as_ref())));
                let nodes: Vec<Node> = nodes.filter_map(|id| model.node(id)).collect();
                let links = r.blocks.iter().flat_map(|b| b.holders.iter().map(|h| link_id(model, h.link)));
                Subgraph::from_parts(model, nodes, links)
            }
            RecordRef::Unit(_) => Subgraph::of_chain(model, &chain(model, node, Line::All)),
            _ => {
                let links: Vec<LinkId> =
                    model.all_links_from(node).chain(model.all_links_to(node)).map(|(id, _)| id).collect();
                let ends = links.iter().flat_map(|&l| [model.link(l).from, model.link(l).to]);
                Subgraph::from_parts(model, std::iter::once(node).chain(ends).collect::<Vec<_>>(), links)
            }
        }
    }

    /// A subgraph of these records and links; the ends of the links are added to the records.
    /// Both come out sorted in document order, without duplicates.
    pub fn from_parts(
        model: &Model,
        nodes: impl IntoIterator<Item = Node>,
        links: impl IntoIterator<Item = LinkId>,
    ) -> Subgraph {
        let mut links: Vec<LinkId> = links.into_iter().collect();
        links.sort_unstable();
        links.dedup();
        let mut nodes: Vec<Node> = nodes.into_iter().collect();
        nodes.extend(links.iter().flat_map(|&l| [model.link(l).from, model.link(l).to]));
        nodes.sort_unstable_by_key(|&n| (type_rank(model, n), n));
        nodes.dedup();
        Subgraph { nodes, links }
    }

    /// The `parent` edges: (territory, containing territory) pairs with both ends in the subgraph.
    pub fn parent_edges(&self, model: &Model) -> Vec<(Node, Node)> {
        let set: HashSet<Node> = self.nodes.iter().copied().collect();
        self.nodes.iter().filter_map(|&n| model.parent(n).filter(|p| set.contains(p)).map(|p| (n, p))).collect()
    }
}

fn link_id(_model: &Model, index: usize) -> LinkId {
    // Link handles are positions in the `links` array.
    LinkId(index as u32)
}

// ---------------------------------------------------------------------------
// Escaping. Ids are keys: two distinct ids must give two distinct node ids in
// every format, and the id must be recoverable. XML 1.0 cannot hold most
// control characters even as character references, Graphviz passes them into
// SVG and JSON unescaped, and tools differ on the rest, so the exports write
// them as `\uXXXX` (and `\\` for the backslash itself), which [`unescape`]
// reverses.

/// True for the characters the exports write as `\uXXXX` in ids: every
/// control character (U+0000–U+001F, U+007F–U+009F) and every non-character
/// (U+FDD0–U+FDEF and the last two code points of each plane, U+FFFE, U+FFFF,
/// U+1FFFE …). In text values (names, kinds) tab, line feed and carriage
/// return are kept (`keep_whitespace`).
fn must_escape(c: char, keep_whitespace: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => !keep_whitespace,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fdd0}'..='\u{fdef}' => true,
        c => (c as u32) & 0xfffe == 0xfffe,
    }
}

/// Writes `\uXXXX` (four upper-case hex digits) for a character of the Basic
/// Multilingual Plane, `\UXXXXXXXX` (eight) beyond it.
fn push_code(out: &mut String, c: char) {
    let n = c as u32;
    let _ = if n <= 0xffff { write!(out, "\\u{n:04X}") } else { write!(out, "\\U{n:08X}") };
}

fn push_escaped(out: &mut String, text: &str, keep_whitespace: bool) {
    for c in text.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if must_escape(c, keep_whitespace) {
            push_code(out, c);
        } else {
            out.push(c);
        }
    }
}

/// An id as the GraphML and DOT exports write it (before XML or DOT quoting):
/// a backslash becomes `\\`; a control character (U+0000–U+001F, U+007F–U+009F,
/// so also tab, line feed and carriage return) or a non-character (U+FDD0–U+FDEF,
/// U+FFFE, U+FFFF and the same in every plane) becomes `\u` and four upper-case
/// hex digits (`\U` and eight beyond U+FFFF); everything else is kept. The
/// mapping is injective, so distinct ids stay distinct, and [`unescape`]
/// gives the id back. Ids without a backslash or such a character are
/// unchanged. (DOT additionally writes `&` as `\u0026`; see [`dot_id`].)
///
/// # Example
/// ```
/// use tiaokuai::export::{escape_id, unescape};
/// assert_eq!(escape_id("310113"), "310113");
/// assert_eq!(escape_id("a\u{1}b\\c\r\n"), r"a\u0001b\\c\u000D\u000A");
/// assert_ne!(escape_id("a\u{1}"), escape_id("a\u{2}"));
/// assert_eq!(unescape(&escape_id("a\u{1}b\\c\r\n")).as_deref(), Some("a\u{1}b\\c\r\n"));
/// ```
pub fn escape_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    push_escaped(&mut out, id, false);
    out
}

/// A text value (a name, a kind, a title) as the GraphML export writes it
/// (before XML quoting): as [`escape_id`], except that tab, line feed and
/// carriage return are kept (XML carries them as character references).
/// [`unescape`] gives the text back.
///
/// # Example
/// ```
/// use tiaokuai::export::{escape_text, unescape};
/// assert_eq!(escape_text("友谊路街道"), "友谊路街道");
/// assert_eq!(escape_text("a\r\nb\u{0}\\"), "a\r\nb\\u0000\\\\");
/// assert_eq!(unescape(&escape_text("a\r\nb\u{0}\\")).as_deref(), Some("a\r\nb\u{0}\\"));
/// ```
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text, true);
    out
}

/// Reverses [`escape_id`], [`escape_text`] and [`dot_id`]'s escaping: `\\`
/// becomes `\`, `\uXXXX` and `\UXXXXXXXX` (hex digits, either case) the
/// character with that code. `None` when the text holds another backslash
/// sequence or a code that is not a character, which those functions never
/// write.
///
/// The same in Python, for ids read back with `networkx.read_graphml`:
/// ```python
/// import re
/// def unescape(s):
///     return re.sub(r"\\(\\|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})",
///                   lambda m: "\\" if m[1] == "\\" else chr(int(m[1][1:], 16)), s)
/// ```
///
/// # Example
/// ```
/// use tiaokuai::export::unescape;
/// assert_eq!(unescape(r"a\u0001\\u0001\U0001FFFE").as_deref(), Some("a\u{1}\\u0001\u{1fffe}"));
/// assert_eq!(unescape(r"a\x"), None);
/// ```
pub fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let (digits, skip) = match tail.as_bytes().first() {
            Some(b'\\') => {
                out.push('\\');
                rest = &tail[1..];
                continue;
            }
            Some(b'u') => (4, 1),
            Some(b'U') => (8, 1),
            _ => return None,
        };
        let hex = tail.get(skip..skip + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
        rest = &tail[skip + digits..];
    }
    out.push_str(rest);
    Some(out)
}

/// Escapes text for XML 1.0 content and attribute values: `&`, `<`, `>`, `"`
/// and `'` become entities, tab, line feed and carriage return character
/// references (so attribute values keep them). Characters XML 1.0 cannot
/// carry at all (other control characters, U+FFFE, U+FFFF) become U+FFFD, so
/// this alone can merge distinct texts; the GraphML export first applies
/// [`escape_id`] or [`escape_text`], which leave none of them.
///
/// # Example
/// ```
/// assert_eq!(tiaokuai::export::xml_escape("a<b & \"c\"\n\u{1}"), "a&lt;b &amp; &quot;c&quot;&#10;\u{fffd}");
/// ```
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_xml(&mut out, text);
    out
}

fn push_xml(out: &mut String, text: &str) {
    for c in text.chars() {
        push_xml_char(out, c);
    }
}

fn push_xml_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&apos;"),
        '\t' => out.push_str("&#9;"),
        '\n' => out.push_str("&#10;"),
        '\r' => out.push_str("&#13;"),
        c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
        c => out.push(c),
    }
}

/// Writes `text` escaped by [`escape_id`] (`keep_whitespace` false) or
/// [`escape_text`] (true), then XML-escaped, without an intermediate string.
fn push_graphml(out: &mut String, text: &str, keep_whitespace: bool) {
    for c in text.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if must_escape(c, keep_whitespace) {
            push_code(out, c);
        } else {
            push_xml_char(out, c);
        }
    }
}

/// The GraphML `<key>` declarations: (key id, for, attr.name, attr.type).
const GRAPHML_KEYS: &[(&str, &str, &str, &str)] = &[
    ("g_name", "graph", "name", "string"),
    ("n_id", "node", "id", "string"),
    ("n_name", "node", "name", "string"),
    ("n_type", "node", "type", "string"),
    ("n_kind", "node", "kind", "string"),
    ("n_sector", "node", "sector", "string"),
    ("n_members", "node", "members", "int"),
    ("n_level", "node", "level", "string"),
    ("n_grade", "node", "grade", "string"),
    ("e_kind", "edge", "kind", "string"),
    ("e_link", "edge", "link", "int"),
    ("e_primary", "edge", "primary", "boolean"),
    ("e_power", "edge", "power", "string"),
    ("e_role", "edge", "role", "string"),
    ("e_scope", "edge", "scope", "string"),
    ("e_members", "edge", "members", "int"),
];

/// A `<data>` element holding a text value ([`escape_text`]).
fn data(out: &mut String, key: &str, value: &str) {
    data_with(out, key, value, true);
}

/// A `<data>` element holding an id ([`escape_id`]), so it equals the node id it names.
fn data_id(out: &mut String, key: &str, id: &str) {
    data_with(out, key, id, false);
}

fn data_with(out: &mut String, key: &str, value: &str, keep_whitespace: bool) {
    let _ = write!(out, "      <data key=\"{key}\">");
    push_graphml(out, value, keep_whitespace);
    out.push_str("</data>\n");
}

/// Ends an element opening such as `<node id="…">` or `<edge id="l1" source="…" target="…">`
/// with each (attribute, id) pair, the id escaped by [`escape_id`], and `>`.
fn close_with_ids(out: &mut String, ids: &[(&str, &str)]) {
    for (attribute, id) in ids {
        let _ = write!(out, " {attribute}=\"");
        push_graphml(out, id, false);
        out.push('"');
    }
    out.push_str(">\n");
}

/// The subgraph as a GraphML document (directed), readable by Gephi, yEd,
/// Cytoscape and NetworkX (`networkx.read_graphml`).
///
/// Node ids are the record ids escaped by [`escape_id`] (unchanged unless they
/// hold a backslash, a control character or a non-character), so distinct
/// records are distinct nodes and [`unescape`] gives each id back; edge
/// `source`, `target` and `scope` use the same form. Text values (names,
/// kinds, the title) are escaped by [`escape_text`]. Node attributes: `id`,
/// `name`, `type` (territory, unit, matter, item), `kind` (for matters and
/// items, their list), `sector`, `members`, `level`, `grade`. Edge ids are
/// `l<index>` for the model's links and `p<n>` for the `parent` edges; edge
/// attributes: `kind`, `link` (the index in the model's `links` array),
/// `primary`, `power`, `role`, `scope`, `members`. Absent values are left out.
///
/// # Complexity
/// O(records + links of the subgraph), plus a hash set of its records for the `parent` edges.
pub fn to_graphml(model: &Model, sub: &Subgraph) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, target, name, ty) in GRAPHML_KEYS {
        let _ = writeln!(out, "  <key id=\"{id}\" for=\"{target}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>");
    }
    out.push_str("  <graph id=\"tiaokuai\" edgedefault=\"directed\">\n");
    if let Some(title) = model.title() {
        out.push_str("    <data key=\"g_name\">");
        push_graphml(&mut out, &title, true);
        out.push_str("</data>\n");
    }
    for &n in &sub.nodes {
        let r = model.record(n);
        out.push_str("    <node");
        close_with_ids(&mut out, &[("id", r.id())]);
        data_id(&mut out, "n_id", r.id());
        data(&mut out, "n_name", r.name());
        data(&mut out, "n_type", r.record_type().as_str());
        data(&mut out, "n_kind", r.kind_str());
        if let Some(u) = r.as_unit() {
            if let Some(s) = &u.sector {
                data(&mut out, "n_sector", s.as_str());
            }
            if let Some(m) = u.members() {
                data(&mut out, "n_members", &m.to_string());
            }
        }
        if let Some(l) = model.level(n) {
            data(&mut out, "n_level", l.as_str());
            data(&mut out, "n_grade", l.grade().as_str());
        }
        out.push_str("    </node>\n");
    }
    for &id in &sub.links {
        let l = model.link(id);
        let _ = write!(out, "    <edge id=\"l{}\"", id.index());
        close_with_ids(&mut out, &[("source", model.id(l.from)), ("target", model.id(l.to))]);
        data(&mut out, "e_kind", l.kind.as_str());
        data(&mut out, "e_link", &id.index().to_string());
        if let Some(p) = l.primary {
            data(&mut out, "e_primary", if p { "true" } else { "false" });
        }
        if let Some(p) = &l.power {
            data(&mut out, "e_power", p.as_str());
        }
        if let Some(r) = &l.role {
            data(&mut out, "e_role", r.as_str());
        }
        if let Some(s) = l.scope {
            data_id(&mut out, "e_scope", model.id(s));
        }
        if let Some(m) = l.members {
            data(&mut out, "e_members", &m.to_string());
        }
        out.push_str("    </edge>\n");
    }
    for (i, (child, parent)) in sub.parent_edges(model).into_iter().enumerate() {
        let _ = write!(out, "    <edge id=\"p{i}\"");
        close_with_ids(&mut out, &[("source", model.id(child)), ("target", model.id(parent))]);
        data(&mut out, "e_kind", "parent");
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// Options for [`to_dot_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DotOptions {
    /// Draw each territory as a cluster nested in its containing territory's
    /// cluster, holding the territory and the units placed in it (the first
    /// territory of the subgraph a unit holds jurisdiction over, else where it
    /// is located); the `parent` edges are then left out.
    pub clusters: bool,
}

impl DotOptions {
    /// Options with territory clusters on or off.
    pub fn clusters(clusters: bool) -> Self {
        DotOptions { clusters }
    }
}

/// A record id as a quoted DOT node name: the id escaped by [`escape_id`],
/// with `&` also written `\u0026` (Graphviz reads `&…;` as an HTML entity when
/// it writes SVG, so `a&amp;b` and `a&b` would look the same there, and
/// `&#1;` would make the SVG malformed), then quoted, `"` as `\"`. Graphviz
/// keeps `\\` and `\u` as they are in names, so the node name it reads (`dot
/// -Tjson`'s `name`, `-Tcanon`, SVG `<title>`) is exactly the escaped id:
/// distinct ids give distinct nodes, and [`unescape`] of the name gives the id back.
///
/// # Example
/// ```
/// use tiaokuai::export::dot_id;
/// assert_eq!(dot_id("310113"), r#""310113""#);
/// assert_eq!(dot_id("a\"b\\c&d\r"), r#""a\"b\\c\u0026d\u000D""#);
/// ```
pub fn dot_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 2);
    out.push('"');
    push_dot_name(&mut out, id);
    out.push('"');
    out
}

/// The inside of a quoted DOT name for an id; see [`dot_id`].
fn push_dot_name(out: &mut String, id: &str) {
    for c in id.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("\\u0026"),
            c if must_escape(c, false) => push_code(out, c),
            c => out.push(c),
        }
    }
}

/// Quotes text as a DOT label, for reading: a line feed becomes a line break
/// (`\n`); a backslash, `"` and `&` are escaped so Graphviz shows them as
/// they are (`\\`, `\"`, `&amp;`), not as its label escapes (`\N`, `\l`) or
/// HTML entities; every other control character and non-character is shown
/// as `\uXXXX`, so none reaches an SVG or JSON rendering. Labels are not
/// keys: the node name ([`dot_id`]) is what tells records apart.
///
/// # Example
/// ```
/// assert_eq!(tiaokuai::export::dot_quote("a \"b\"\\\nc & \u{1}"), r#""a \"b\"\\\nc &amp; \\u0001""#);
/// ```
pub fn dot_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    push_dot_label(&mut out, text);
    out.push('"');
    out
}

/// The inside of a quoted DOT label; see [`dot_quote`].
fn push_dot_label(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '&' => out.push_str("&amp;"),
            c if must_escape(c, false) => {
                out.push('\\'); // shown as a backslash: the label reads `\u0001`
                push_code(out, c);
            }
            c => out.push(c),
        }
    }
}

fn dot_shape(r: RecordRef<'_>) -> &'static str {
    match r.record_type() {
        RecordType::Territory => "folder",
        RecordType::Unit => match r.as_unit().map(|u| u.kind.is_party_org()) {
            Some(true) => "box",
            _ => "ellipse",
        },
        RecordType::Matter => "diamond",
        RecordType::Item => "note",
        RecordType::Person => "egg",
    }
}

fn dot_node(out: &mut String, model: &Model, n: Node, indent: usize) {
    let r = model.record(n);
    let _ = write!(out, "{:indent$}\"", "");
    push_dot_name(out, r.id());
    out.push_str("\" [label=\"");
    push_dot_label(out, r.name());
    out.push_str("\\n");
    push_dot_label(out, &escape_id(r.id()));
    let _ = writeln!(out, "\", shape={}];", dot_shape(r));
}

fn edge_label(model: &Model, id: LinkId) -> String {
    let l = model.link(id);
    let mut label = l.kind.as_str().to_string();
    if let Some(p) = &l.power {
        let _ = write!(label, ": {p}");
    }
    if let Some(r) = &l.role {
        let _ = write!(label, ": {r}");
    }
    if let Some(s) = l.scope {
        let _ = write!(label, " @ {}", escape_id(model.id(s)));
    }
    if l.is_primary() {
        label.push_str(" (primary)");
    }
    label
}

/// The subgraph as a Graphviz DOT `digraph`, without clusters; see [`to_dot_with`].
pub fn to_dot(model: &Model, sub: &Subgraph) -> String {
    to_dot_with(model, sub, &DotOptions::default())
}

/// The subgraph as a Graphviz DOT `digraph`. Node names are the record ids as
/// [`dot_id`] writes them (distinct records stay distinct nodes; [`unescape`]
/// of a name gives the id back), cluster names `cluster_` and the same;
/// labels are quoted by [`dot_quote`], so no control character reaches an
/// SVG rendering. Nodes are labelled with the record's name above its id
/// ([`escape_id`]); shapes: territory
/// `folder`, Party organisation `box`, other unit `ellipse`, matter `diamond`,
/// item `note`. Edges are labelled with the link kind and its power, role,
/// scope or primary mark. With [`DotOptions::clusters`], territories become
/// nested clusters (written iteratively, so any depth works).
///
/// # Complexity
/// O(records + links of the subgraph).
///
/// # Example
/// ```
/// use tiaokuai::{Model, export::{DotOptions, Subgraph, to_dot_with}};
/// let model = Model::sample();
/// let part = Subgraph::focus(&model, "310113003")?;
/// let dot = to_dot_with(&model, &part, &DotOptions::clusters(true));
/// assert!(dot.starts_with("digraph tiaokuai {") && dot.contains("subgraph \"cluster_310113\""));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn to_dot_with(model: &Model, sub: &Subgraph, options: &DotOptions) -> String {
    let mut out = String::from("digraph tiaokuai {\n");
    if let Some(title) = model.title() {
        let _ = writeln!(out, "  label={};", dot_quote(&title));
    }
    out.push_str("  rankdir=BT;\n  node [fontsize=10];\n  edge [fontsize=8];\n");
    if options.clusters {
        write_clusters(&mut out, model, sub);
    } else {
        for &n in &sub.nodes {
            dot_node(&mut out, model, n, 2);
        }
    }
    for &id in &sub.links {
        let l = model.link(id);
        dot_edge(&mut out, model, l.from, l.to);
        let _ = writeln!(out, " [label={}];", dot_quote(&edge_label(model, id)));
    }
    if !options.clusters {
        for (child, parent) in sub.parent_edges(model) {
            dot_edge(&mut out, model, child, parent);
            out.push_str(" [label=\"parent\", style=dashed];\n");
        }
    }
    out.push_str("}\n");
    out
}

/// `  "from" -> "to"`, the names as [`dot_id`] writes them.
fn dot_edge(out: &mut String, model: &Model, from: Node, to: Node) {
    out.push_str("  \"");
    push_dot_name(out, model.id(from));
    out.push_str("\" -> \"");
    push_dot_name(out, model.id(to));
    out.push('"');
}

/// Writes the nodes inside nested territory clusters, iteratively.
fn write_clusters(out: &mut String, model: &Model, sub: &Subgraph) {
    let position: std::collections::HashMap<Node, usize> = sub.nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let is_territory = |n: Node| model.territory(n).is_some();
    // Members of each territory's cluster: the territories inside it and the units placed in it.
    let mut inside: Vec<Vec<Node>> = vec![Vec::new(); sub.nodes.len()];
    let mut top: Vec<Node> = Vec::new();
    for &n in &sub.nodes {
        let home = if is_territory(n) {
            model.parent(n).filter(|p| position.contains_key(p))
        } else if model.unit(n).is_some() {
            model
                .targets(n, &LinkKind::Jurisdiction)
                .find(|t| position.contains_key(t))
                .or_else(|| model.unit(n).and_then(|u| u.located_in).filter(|t| position.contains_key(t)))
        } else {
            None
        };
        match home {
            Some(h) => inside[position[&h]].push(n),
            None => top.push(n),
        }
    }
    // An explicit stack: `Some(node)` writes a record (a territory opens a cluster), `None` closes one.
    let mut stack: Vec<(Option<Node>, usize)> = top.iter().rev().map(|&n| (Some(n), 2)).collect();
    while let Some((item, indent)) = stack.pop() {
        match item {
            None => {
                let _ = writeln!(out, "{:indent$}}}", "");
            }
            Some(n) if is_territory(n) => {
                let _ = write!(out, "{:indent$}subgraph \"cluster_", "");
                push_dot_name(out, model.id(n));
                out.push_str("\" {\n");
                let _ = writeln!(out, "{:width$}label={};", "", dot_quote(model.name(n)), width = (indent + 2).min(34));
                dot_node(out, model, n, (indent + 2).min(34));
                stack.push((None, indent));
                // Indentation stops growing at 16 levels, so a deep tree does not give quadratic output.
                let inner = (indent + 2).min(34);
                for &m in inside[position[&n]].iter().rev() {
                    stack.push((Some(m), inner));
                }
            }
            Some(n) => dot_node(out, model, n, indent),
        }
    }
}

// ---------------------------------------------------------------------------
// Folder exports for tools beyond one machine: Neo4j and edge lists (Spark
// GraphFrames, pandas, Polars, DuckDB).

/// The header of `nodes.csv` written by [`write_neo4j`], in the Neo4j 5 import
/// header format (`name:type`). Counts are `long` because Neo4j's `int` is a
/// signed 32-bit number and counts go up to 4,294,967,295.
pub const NEO4J_NODE_COLUMNS: &[&str] = &[
    "id:ID",
    ":LABEL",
    "name",
    "kind",
    "level",
    "grade",
    "sector",
    "members:long",
    "staff:long",
    "in_service_members:long",
    "category",
    "since:date",
    "until:date",
    "attrs",
];

/// The header of `relationships.csv` written by [`write_neo4j`].
pub const NEO4J_RELATIONSHIP_COLUMNS: &[&str] = &[
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "kind",
    "link:long",
    "primary:boolean",
    "role",
    "power",
    "scope",
    "members:long",
    "since:date",
    "until:date",
    "attrs",
];

/// The header of `vertices.csv` written by [`write_edgelist`] (GraphFrames needs `id`).
pub const VERTEX_COLUMNS: &[&str] = &[
    "id",
    "type",
    "name",
    "kind",
    "level",
    "grade",
    "sector",
    "members",
    "staff",
    "in_service_members",
    "category",
    "since",
    "until",
    "attrs",
];

/// The header of `edges.csv` written by [`write_edgelist`] (GraphFrames needs `src` and `dst`).
pub const EDGE_COLUMNS: &[&str] =
    &["src", "dst", "kind", "link", "primary", "role", "power", "scope", "members", "since", "until", "attrs"];

/// What [`write_neo4j`] or [`write_edgelist`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Written {
    /// The files written, data files first.
    pub files: Vec<PathBuf>,
    /// Node (vertex) rows: the records of the subgraph.
    pub nodes: usize,
    /// Relationship (edge) rows: [`Written::links`] plus the `parent` and `located_in` edges.
    pub edges: usize,
    /// Edge rows that are links of the model (their `link` column is set).
    pub links: usize,
    /// True when some value holds a line break, so that Neo4j's bulk import
    /// needs `--multiline-fields=true` (the written `import.sh` passes it then).
    pub multiline: bool,
}

/// The Neo4j relationship type for a link kind: upper-cased, with every
/// character other than a letter, a digit or `_` replaced by `_`, so it can be
/// used in Cypher without quoting. Distinct custom kinds may share a type
/// (`x-a.b` and `x-a_b`); the `kind` property keeps the kind as written.
///
/// # Example
/// ```
/// use tiaokuai::export::relationship_type;
/// assert_eq!(relationship_type("party_org_of"), "PARTY_ORG_OF");
/// assert_eq!(relationship_type("x-co-op team"), "X_CO_OP_TEAM");
/// assert_eq!(relationship_type("x-协管"), "X_协管");
/// ```
pub fn relationship_type(kind: &str) -> String {
    let mut out = String::with_capacity(kind.len());
    push_relationship_type(&mut out, kind);
    out
}

fn push_relationship_type(out: &mut String, kind: &str) {
    for c in kind.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.extend(c.to_uppercase());
        } else {
            out.push('_');
        }
    }
}

/// The two flavours of folder export, which differ only in headers and a few values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Neo4j,
    EdgeList,
}

/// The Neo4j labels of a record: its type, and `Record` for every record (one
/// uniqueness constraint on `Record.id` then serves lookups across types).
fn neo4j_label(t: RecordType) -> &'static str {
    match t {
        RecordType::Territory => "Territory;Record",
        RecordType::Unit => "Unit;Record",
        RecordType::Matter => "Matter;Record",
        RecordType::Item => "Item;Record",
        RecordType::Person => "Person;Record",
    }
}

/// The rows of a folder export: text cells neutralised per the formula option, numbers as they are.
struct Rows<W: std::io::Write> {
    out: CsvWriter<W>,
    number: String,
}

impl<W: std::io::Write> Rows<W> {
    fn new(w: W, options: &CsvOptions) -> Self {
        Rows { out: CsvWriter::new(w, options.formulas), number: String::new() }
    }

    fn text(&mut self, value: &str) -> std::io::Result<()> {
        self.out.text(value)
    }

    fn opt(&mut self, value: Option<&str>) -> std::io::Result<()> {
        self.text(value.unwrap_or(""))
    }

    fn num(&mut self, value: Option<impl std::fmt::Display>) -> std::io::Result<()> {
        self.number.clear();
        if let Some(v) = value {
            let _ = write!(self.number, "{v}");
        }
        self.out.value(&self.number)
    }

    fn relationship_type(&mut self, kind: &str) -> std::io::Result<()> {
        self.number.clear();
        push_relationship_type(&mut self.number, kind);
        self.out.text(&self.number)
    }

    fn end(&mut self) -> std::io::Result<()> {
        self.out.end_record()
    }
}

fn write_node<W: std::io::Write>(rows: &mut Rows<W>, model: &Model, n: Node, flavour: Flavour) -> std::io::Result<()> {
    let r = model.record(n);
    rows.text(r.id())?;
    rows.text(match flavour {
        Flavour::Neo4j => neo4j_label(r.record_type()),
        Flavour::EdgeList => r.record_type().as_str(),
    })?;
    rows.text(r.name())?;
    rows.text(r.kind_str())?;
    let level = model.level(n);
    let grade = level.map(|l| l.grade());
    rows.opt(level.as_ref().map(|l| l.as_str()))?;
    rows.opt(grade.as_ref().map(|g| g.as_str()))?;
    let unit = r.as_unit();
    rows.opt(unit.and_then(|u| u.row().sector.as_ref()).map(|s| s.as_str()))?;
    rows.num(unit.and_then(|u| u.members()))?;
    rows.num(unit.and_then(|u| u.staff()))?;
    rows.num(unit.and_then(|u| u.in_service_members()))?;
    rows.opt(r.as_matter().and_then(|m| m.row().category.as_deref()))?;
    let validity = r.validity();
    rows.num(validity.since)?;
    rows.num(validity.until)?;
    rows.opt(r.attrs().map(|a| a.as_json()))?;
    rows.end()
}

fn write_link<W: std::io::Write>(
    rows: &mut Rows<W>,
    model: &Model,
    id: LinkId,
    flavour: Flavour,
) -> std::io::Result<()> {
    let l = model.link(id);
    rows.text(model.id(l.from))?;
    rows.text(model.id(l.to))?;
    if flavour == Flavour::Neo4j {
        rows.relationship_type(l.kind.as_str())?;
    }
    rows.text(l.kind.as_str())?;
    rows.num(Some(id.index()))?;
    rows.num(l.primary)?;
    rows.opt(l.role.as_ref().map(|r| r.as_str()))?;
    rows.opt(l.power.as_ref().map(|p| p.as_str()))?;
    rows.opt(l.scope.map(|s| model.id(s)))?;
    rows.num(l.members)?;
    rows.num(l.validity.since)?;
    rows.num(l.validity.until)?;
    rows.opt(model.link_attrs(id).map(|a| a.as_json()))?;
    rows.end()
}

/// An edge that is a field of a record: `parent` or `located_in`.
fn write_field_edge<W: std::io::Write>(
    rows: &mut Rows<W>,
    model: &Model,
    (from, to): (Node, Node),
    kind: &str,
    flavour: Flavour,
) -> std::io::Result<()> {
    rows.text(model.id(from))?;
    rows.text(model.id(to))?;
    if flavour == Flavour::Neo4j {
        rows.relationship_type(kind)?;
    }
    rows.text(kind)?;
    // link, primary, role, power, scope, members, since, until, attrs: all empty.
    for _ in 0..9 {
        rows.out.value("")?;
    }
    rows.end()
}

/// Edges that are fields of records, as (from, to) pairs.
type Pairs = Vec<(Node, Node)>;

/// The `parent` edges (territory → containing territory) and `located_in`
/// edges (unit → territory) with both ends in the subgraph.
fn field_edges(model: &Model, sub: &Subgraph) -> (Pairs, Pairs) {
    let mut inside = vec![false; model.len()];
    for &n in &sub.nodes {
        inside[n.index()] = true;
    }
    let mut parents = Vec::new();
    let mut located = Vec::new();
    for &n in &sub.nodes {
        match model.record(n) {
            RecordRef::Territory(t) => parents.extend(t.parent.filter(|p| inside[p.index()]).map(|p| (n, p))),
            RecordRef::Unit(u) => located.extend(u.located_in.filter(|p| inside[p.index()]).map(|p| (n, p))),
            _ => {}
        }
    }
    (parents, located)
}

/// Writes the two CSV files of a folder export; returns the summary without
/// the extra files, and whether there were `parent` and `located_in` edges.
fn write_tables(
    model: &Model,
    sub: &Subgraph,
    dir: &Path,
    flavour: Flavour,
    options: &CsvOptions,
) -> Result<(Written, bool, bool)> {
    let (node_file, edge_file, node_columns, edge_columns) = match flavour {
        Flavour::Neo4j => ("nodes.csv", "relationships.csv", NEO4J_NODE_COLUMNS, NEO4J_RELATIONSHIP_COLUMNS),
        Flavour::EdgeList => ("vertices.csv", "edges.csv", VERTEX_COLUMNS, EDGE_COLUMNS),
    };
    let mut written = Written::default();
    let csv_error = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| crate::Error::io(&path, &e)
    };

    let path = dir.join(node_file);
    crate::format::write_new(&path, |w| {
        let err = csv_error(&path);
        let mut rows = Rows::new(w, options);
        rows.out.record(node_columns.iter().copied()).map_err(&err)?;
        for &n in &sub.nodes {
            write_node(&mut rows, model, n, flavour).map_err(&err)?;
        }
        rows.out.flush().map_err(|e| crate::Error::io(&path, &e))?;
        written.multiline |= rows.out.multiline();
        Ok(())
    })?;
    written.nodes = sub.nodes.len();
    written.files.push(path);

    let (parents, located) = field_edges(model, sub);
    let path = dir.join(edge_file);
    crate::format::write_new(&path, |w| {
        let err = csv_error(&path);
        let mut rows = Rows::new(w, options);
        rows.out.record(edge_columns.iter().copied()).map_err(&err)?;
        for &id in &sub.links {
            write_link(&mut rows, model, id, flavour).map_err(&err)?;
        }
        for &pair in &parents {
            write_field_edge(&mut rows, model, pair, "parent", flavour).map_err(&err)?;
        }
        for &pair in &located {
            write_field_edge(&mut rows, model, pair, "located_in", flavour).map_err(&err)?;
        }
        rows.out.flush().map_err(|e| crate::Error::io(&path, &e))?;
        written.multiline |= rows.out.multiline();
        Ok(())
    })?;
    written.links = sub.links.len();
    written.edges = sub.links.len() + parents.len() + located.len();
    written.files.push(path);
    Ok((written, !parents.is_empty(), !located.is_empty()))
}

fn write_text(dir: &Path, name: &str, text: &str, written: &mut Written) -> Result<()> {
    let path = dir.join(name);
    crate::format::write_new(&path, |w| {
        use std::io::Write as _;
        w.write_all(text.as_bytes()).map_err(|e| crate::Error::io(&path, &e))
    })?;
    written.files.push(path);
    Ok(())
}

/// Writes a subgraph as a folder for Neo4j 5's bulk importer
/// (`neo4j-admin database import full`), or for `LOAD CSV` on small models.
///
/// The folder gets:
/// - `nodes.csv`: one row per record, header [`NEO4J_NODE_COLUMNS`]. Labels
///   `Territory`, `Unit`, `Matter` or `Item`, and `Record` on every node.
///   `kind` is the record's kind (for matters and items, their list); `level`
///   and `grade` are derived as in [`Model::level`]; `attrs` is the record's
///   attrs as a JSON string (`apoc.convert.fromJsonMap` reads it).
/// - `relationships.csv`: one row per link of the subgraph, header
///   [`NEO4J_RELATIONSHIP_COLUMNS`], type [`relationship_type`] of its kind,
///   `link` its index in the model's `links` array, `scope` the id of its
///   scope territory; then a `PARENT` relationship from each territory to its
///   containing territory and a `LOCATED_IN` one from each unit to where it
///   is located, when both ends are in the subgraph (their `link` is empty).
/// - `import.sh`: the `neo4j-admin database import full` command for this
///   folder (with `--multiline-fields=true` when some value holds a line break).
/// - `load.cypher`: the same data through `LOAD CSV`, one statement per label
///   and relationship type present, for small models and running servers.
/// - `README.md`: what the files hold and how to load them.
///
/// The CSV files are RFC 4180 (fields with commas, quotes or line breaks are
/// quoted, quotes doubled), UTF-8, with empty fields for absent values, which
/// both importers skip. Rows come in document order. The folder is written
/// whole into a temporary folder beside `dir` and renamed into place
/// ([`crate::format::write_dir_atomic`]): an existing `dir` is replaced only
/// when it is empty or holds nothing but these five files (a previous export);
/// one holding anything else, a symbolic link, a file or a device is refused
/// and left as it was. Text cells that a
/// spreadsheet would read as formulas (beginning with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) get a `'` in front, as do cells beginning with
/// `'` (see [`Formulas`](crate::format::Formulas)); [`write_neo4j_with`] can turn that off. Writing is
/// linear in the size of the cells, however long one is.
///
/// # Errors
/// [`crate::Error::Io`] naming the folder or file that could not be written.
///
/// # Complexity
/// O(records + links of the subgraph) time; memory O(records of the model)
/// bits for the `PARENT`/`LOCATED_IN` check, rows are streamed.
///
/// # Example
/// ```
/// use tiaokuai::{Model, export::{Subgraph, write_neo4j}};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "d", "name": "District, \"D\"", "kind": "district"}],
///   "units": [{"id": "dw", "name": "Committee", "kind": "party_committee", "members": 12}],
///   "links": [{"from": "dw", "to": "d", "kind": "jurisdiction"}]}"#)?;
/// let dir = std::env::temp_dir().join(format!("tk-doc-neo4j-{}", std::process::id()));
/// let written = write_neo4j(&model, &Subgraph::whole(&model), &dir)?;
/// assert_eq!((written.nodes, written.edges), (2, 1));
/// let nodes = std::fs::read_to_string(dir.join("nodes.csv")).unwrap();
/// assert!(nodes.starts_with("id:ID,:LABEL,name,kind,"));
/// assert!(nodes.contains(r#"d,Territory;Record,"District, ""D""",district,"#));
/// let rels = std::fs::read_to_string(dir.join("relationships.csv")).unwrap();
/// assert!(rels.lines().nth(1).unwrap().starts_with("dw,d,JURISDICTION,jurisdiction,0,"));
/// assert!(std::fs::read_to_string(dir.join("import.sh")).unwrap().contains("database import full"));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn write_neo4j(model: &Model, sub: &Subgraph, dir: impl AsRef<Path>) -> Result<Written> {
    write_neo4j_with(model, sub, dir, &CsvOptions::default())
}

/// [`write_neo4j`] with options: [`CsvOptions::formulas`] says whether text
/// cells that a spreadsheet would read as formulas get a `'` in front (the
/// default, [`Formulas::Neutralise`](crate::format::Formulas::Neutralise)) or are written as they are
/// ([`Formulas::Keep`](crate::format::Formulas::Keep)). Ids are text cells like any other, so a guarded id
/// is guarded the same way wherever it appears (`id:ID`, `:START_ID`,
/// `:END_ID`, `scope`) and relationships still meet their nodes.
///
/// # Errors
/// As [`write_neo4j`].
///
/// # Example
/// ```
/// use tiaokuai::{Model, export::{Subgraph, write_neo4j_with}, format::{CsvOptions, Formulas}};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "d", "name": "=1+1", "kind": "district"}]}"#)?;
/// let dir = std::env::temp_dir().join(format!("tk-doc-neo4j-with-{}", std::process::id()));
/// write_neo4j_with(&model, &Subgraph::whole(&model), &dir, &CsvOptions::default())?;
/// assert!(std::fs::read_to_string(dir.join("nodes.csv")).unwrap().contains(r#",Territory;Record,"'=1+1","#));
/// write_neo4j_with(&model, &Subgraph::whole(&model), &dir, &CsvOptions::formulas(Formulas::Keep))?;
/// assert!(std::fs::read_to_string(dir.join("nodes.csv")).unwrap().contains(",Territory;Record,=1+1,"));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn write_neo4j_with(model: &Model, sub: &Subgraph, dir: impl AsRef<Path>, options: &CsvOptions) -> Result<Written> {
    write_folder(dir.as_ref(), "Neo4j export", &NEO4J_FILES, |tmp| write_neo4j_into(model, sub, tmp, options))
}

/// Every file [`write_neo4j`] writes: what it may replace in an existing folder.
pub const NEO4J_FILES: [&str; 5] = ["nodes.csv", "relationships.csv", "import.sh", "load.cypher", "README.md"];

/// Every file [`write_edgelist`] writes: what it may replace in an existing folder.
pub const EDGELIST_FILES: [&str; 3] = ["vertices.csv", "edges.csv", "README.md"];

/// Writes a folder export atomically ([`crate::format::write_dir_atomic`]) and
/// names the files as they are once the folder is in place.
fn write_folder(
    dir: &Path,
    kind: &str,
    names: &[&str],
    write: impl FnOnce(&Path) -> Result<Written>,
) -> Result<Written> {
    let mut written = crate::format::write_dir_atomic(dir, kind, names, write)?;
    for f in &mut written.files {
        if let Some(name) = f.file_name() {
            *f = dir.join(name);
        }
    }
    Ok(written)
}

fn write_neo4j_into(model: &Model, sub: &Subgraph, dir: &Path, options: &CsvOptions) -> Result<Written> {
    let (mut written, parents, located) = write_tables(model, sub, dir, Flavour::Neo4j, options)?;
    let mut labels: Vec<RecordType> = sub.nodes.iter().map(|&n| model.record(n).record_type()).collect();
    labels.dedup(); // nodes come sorted by type
    let kinds: HashSet<LinkKind> = sub.links.iter().map(|&l| model.link(l).kind).collect();
    let mut types: std::collections::BTreeSet<String> =
        kinds.into_iter().map(|k| relationship_type(k.as_str())).collect();
    if parents {
        types.insert("PARENT".into());
    }
    if located {
        types.insert("LOCATED_IN".into());
    }
    let types: Vec<String> = types.into_iter().collect();
    write_text(dir, "import.sh", &neo4j_import_sh(&written), &mut written)?;
    write_text(dir, "load.cypher", &neo4j_load_cypher(&labels, &types), &mut written)?;
    write_text(dir, "README.md", &neo4j_readme(&written), &mut written)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("import.sh");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| crate::Error::io(&path, &e))?;
    }
    Ok(written)
}

fn neo4j_import_sh(w: &Written) -> String {
    let multiline = if w.multiline { "  --multiline-fields=true \\\n" } else { "" };
    format!(
        r#"#!/bin/sh
# Bulk import of this folder into a new Neo4j 5 database; written by `tiaokuai export --to neo4j`.
# {nodes} nodes, {edges} relationships ({links} links of the model, the rest PARENT and LOCATED_IN).
#
#   NEO4J_HOME=/path/to/neo4j sh import.sh [DATABASE] [more neo4j-admin options]
#
# DATABASE defaults to neo4j. The database must be stopped (Community edition: stop the server)
# and must not exist, or pass --overwrite-destination=true to replace it. Then start Neo4j and run
#   CREATE CONSTRAINT record_id IF NOT EXISTS FOR (n:Record) REQUIRE n.id IS UNIQUE;
set -eu
here=$(cd "$(dirname "$0")" && pwd)
db=${{1:-neo4j}}
[ $# -gt 0 ] && shift
"${{NEO4J_HOME:+$NEO4J_HOME/bin/}}neo4j-admin" database import full "$db" \
  --nodes="$here/nodes.csv" \
  --relationships="$here/relationships.csv" \
  --id-type=string \
{multiline}  "$@"
"#,
        nodes = w.nodes,
        edges = w.edges,
        links = w.links,
    )
}

/// `CASE` around a column so an empty value (`''` or null, depending on the
/// Neo4j version) sets nothing; `convert` wraps the value (`toInteger(…)`).
fn cypher_value(column: &str, convert: &str) -> String {
    let value = format!("row.`{column}`");
    let converted = if convert.is_empty() { value.clone() } else { format!("{convert}({value})") };
    format!("CASE WHEN {value} <> '' THEN {converted} END")
}

fn cypher_properties(variable: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| {
            let (name, ty) = c.split_once(':').unwrap_or((c, ""));
            let convert = match ty {
                "long" => "toInteger",
                "boolean" => "toBoolean",
                "date" => "date",
                _ => "",
            };
            format!("{variable}.`{name}` = {}", cypher_value(c, convert))
        })
        .collect::<Vec<_>>()
        .join(",\n      ")
}

fn neo4j_load_cypher(labels: &[RecordType], types: &[String]) -> String {
    let mut out = String::from(
        "// Loads nodes.csv and relationships.csv with LOAD CSV, for small models or a running server;\n\
         // written by `tiaokuai export --to neo4j`. Copy the two CSV files into Neo4j's import folder,\n\
         // then: cypher-shell -u neo4j -p PASSWORD -f load.cypher\n\
         // (in Neo4j Browser, prefix each statement with :auto). Large models: use import.sh instead.\n\n\
         CREATE CONSTRAINT record_id IF NOT EXISTS FOR (n:Record) REQUIRE n.id IS UNIQUE;\n",
    );
    for &t in labels {
        let label = neo4j_label(t);
        let name = label.split(';').next().unwrap_or(label);
        let _ = write!(
            out,
            "\nLOAD CSV WITH HEADERS FROM 'file:///nodes.csv' AS row\n\
             WITH row WHERE row.`:LABEL` = '{label}'\n\
             CALL {{\n  WITH row\n  CREATE (n:Record:{name} {{id: row.`id:ID`}})\n  SET {}\n}} IN TRANSACTIONS OF 10000 ROWS;\n",
            cypher_properties("n", &NEO4J_NODE_COLUMNS[2..])
        );
    }
    for ty in types {
        let _ = write!(
            out,
            "\nLOAD CSV WITH HEADERS FROM 'file:///relationships.csv' AS row\n\
             WITH row WHERE row.`:TYPE` = '{ty}'\n\
             CALL {{\n  WITH row\n  MATCH (a:Record {{id: row.`:START_ID`}}), (b:Record {{id: row.`:END_ID`}})\n  \
             CREATE (a)-[r:`{ty}`]->(b)\n  SET {}\n}} IN TRANSACTIONS OF 10000 ROWS;\n",
            cypher_properties("r", &NEO4J_RELATIONSHIP_COLUMNS[3..])
        );
    }
    out
}

fn neo4j_readme(w: &Written) -> String {
    let multiline = if w.multiline { " --multiline-fields=true" } else { "" };
    format!(
        r#"# A tiaokuai model for Neo4j 5

Written by `tiaokuai export --to neo4j`: {nodes} nodes, {edges} relationships
({links} links of the model; the rest are `PARENT`, territory to containing
territory, and `LOCATED_IN`, unit to the territory where it sits).

- `nodes.csv`: one row per record. Labels `Territory`, `Unit`, `Matter`, `Item`,
  and `Record` on all. Properties `id`, `name`, `kind` (for matters and items,
  their list), `level`, `grade`, `sector`, `members`, `staff`,
  `in_service_members`, `category`, `since`, `until`, and `attrs` (a JSON string).
- `relationships.csv`: type = the link kind upper-cased (`LEADS`,
  `JURISDICTION`, custom `x-` kinds with other characters made `_`); properties
  `kind` (as written), `link` (index in the model's `links` array), `primary`,
  `role`, `power`, `scope` (a territory id), `members`, `since`, `until`, `attrs`.

## Bulk import (any size; the database offline)

    NEO4J_HOME=/path/to/neo4j sh import.sh neo4j

runs

    neo4j-admin database import full neo4j --nodes=nodes.csv --relationships=relationships.csv --id-type=string{multiline}

(with absolute paths). The database must not exist; add
`--overwrite-destination=true` to replace it. Then start Neo4j and create the
lookup constraint:

    CREATE CONSTRAINT record_id IF NOT EXISTS FOR (n:Record) REQUIRE n.id IS UNIQUE;

## LOAD CSV (small models; the server running)

Copy `nodes.csv` and `relationships.csv` into Neo4j's `import` folder, then

    cypher-shell -u neo4j -p PASSWORD -f load.cypher

## Queries

    // who leads this unit, up to the top
    MATCH p = (:Unit {{id: $id}})<-[:LEADS*]-(top:Unit) WHERE NOT ()-[:LEADS]->(top) RETURN p;
    // who holds jurisdiction over a territory and the territories containing it
    MATCH (:Territory {{id: $id}})-[:PARENT*0..]->(t)<-[:JURISDICTION]-(u:Unit) RETURN t.id, u.id, u.name;
"#,
        nodes = w.nodes,
        edges = w.edges,
        links = w.links,
    )
}

/// Writes a subgraph as an edge list for Spark GraphFrames, pandas, Polars or
/// DuckDB: `vertices.csv` (header [`VERTEX_COLUMNS`]: `id`, `type` —
/// territory, unit, matter, item — and the same properties as
/// [`write_neo4j`]'s nodes), `edges.csv` (header [`EDGE_COLUMNS`]: `src`,
/// `dst`, `kind`, `link` … the links of the subgraph, then the `parent` and
/// `located_in` edges as in [`write_neo4j`], with an empty `link`), and a
/// `README.md` with the code to load them.
///
/// The CSV files are RFC 4180 and UTF-8; empty fields are absent values.
/// Formula-like text cells are neutralised as in [`write_neo4j`]
/// ([`write_edgelist_with`] can turn that off). Readers should take ids as strings (NBS codes look like numbers) and be
/// told the quoting, which their sniffers can miss when the first rows hold no
/// quotes: Spark `multiLine=True, escape='"'`; pandas `dtype=str,
/// keep_default_na=False`; DuckDB `all_varchar=true, quote='"', escape='"'`.
///
/// The folder is written whole and renamed into place, as [`write_neo4j`]'s:
/// an existing `dir` is replaced only when empty or holding nothing but these
/// three files.
///
/// # Errors
/// [`crate::Error::Io`] naming the folder or file that could not be written,
/// or the folder that is refused.
///
/// # Example
/// ```
/// use tiaokuai::{Model, export::{Subgraph, write_edgelist}};
/// let model = Model::sample();
/// let dir = std::env::temp_dir().join(format!("tk-doc-edges-{}", std::process::id()));
/// let written = write_edgelist(&model, &Subgraph::focus(&model, "yyl-c01-party")?, &dir)?;
/// let edges = std::fs::read_to_string(dir.join("edges.csv")).unwrap();
/// assert!(edges.starts_with("src,dst,kind,link,"));
/// assert_eq!(edges.lines().count(), written.edges + 1);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn write_edgelist(model: &Model, sub: &Subgraph, dir: impl AsRef<Path>) -> Result<Written> {
    write_edgelist_with(model, sub, dir, &CsvOptions::default())
}

/// [`write_edgelist`] with options: whether formula-like text cells are
/// neutralised (the default) or kept; see [`write_neo4j_with`].
///
/// # Errors
/// As [`write_edgelist`].
pub fn write_edgelist_with(
    model: &Model,
    sub: &Subgraph,
    dir: impl AsRef<Path>,
    options: &CsvOptions,
) -> Result<Written> {
    write_folder(dir.as_ref(), "edge-list export", &EDGELIST_FILES, |dir| {
        let (mut written, ..) = write_tables(model, sub, dir, Flavour::EdgeList, options)?;
        write_text(dir, "README.md", &edgelist_readme(&written), &mut written)?;
        Ok(written)
    })
}

fn edgelist_readme(w: &Written) -> String {
    format!(
        r#"# A tiaokuai model as an edge list

Written by `tiaokuai export --to edgelist`: {nodes} vertices, {edges} edges
({links} links of the model; the rest are `parent`, territory to containing
territory, and `located_in`, unit to the territory where it sits).

- `vertices.csv`: `id`, `type` (territory, unit, matter, item), `name`, `kind`,
  `level`, `grade`, `sector`, `members`, `staff`, `in_service_members`,
  `category`, `since`, `until`, `attrs` (a JSON string).
- `edges.csv`: `src`, `dst`, `kind`, `link` (index in the model's `links`
  array), `primary`, `role`, `power`, `scope` (a territory id), `members`,
  `since`, `until`, `attrs`.

RFC 4180 CSV in UTF-8: values with commas, quotes or line breaks are quoted,
quotes doubled. Read ids as strings (territory ids are NBS codes such as
`310113003`, which look like numbers), and name the quoting: sniffers that
look at the first rows only (DuckDB's) can miss it when those hold no quotes.

## Spark GraphFrames

    pip install pyspark graphframes-py
    pyspark --packages io.graphframes:graphframes-spark3_2.12:0.9.2   # Spark 3.5; match yours, see graphframes.io

```python
from graphframes import GraphFrame
opts = dict(header=True, multiLine=True, escape='"')   # RFC 4180 quotes, line breaks in values
v = spark.read.options(**opts).csv("vertices.csv")
e = spark.read.options(**opts).csv("edges.csv")
g = GraphFrame(v, e)
spark.sparkContext.setCheckpointDir("/tmp/graphframes-checkpoints")
g.connectedComponents().groupBy("component").count().orderBy("count", ascending=False).show()
# the leadership line above a unit: BFS along `leads` edges reversed
up = GraphFrame(v, e.where("kind = 'leads'").selectExpr("dst AS src", "src AS dst"))
up.bfs("id = 'SOME-UNIT-ID'", "level = 'district'", maxPathLength=8).show()
```

## pandas, Polars

```python
import pandas as pd
v = pd.read_csv("vertices.csv", dtype=str, keep_default_na=False)
e = pd.read_csv("edges.csv", dtype=str, keep_default_na=False)
import polars as pl
e = pl.read_csv("edges.csv", infer_schema=False)
```

## DuckDB

    duckdb -c "SELECT kind, count(*) FROM read_csv('edges.csv', header=true, all_varchar=true, quote='\"', escape='\"') GROUP BY kind ORDER BY 2 DESC"
"#,
        nodes = w.nodes,
        edges = w.edges,
        links = w.links,
    )
}
