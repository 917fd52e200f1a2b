//! Graph exports: GraphML (Gephi, yEd, Cytoscape, NetworkX) and Graphviz DOT,
//! of a whole model or of the part around one record.
//!
//! A [`Subgraph`] says which records and links to write; [`to_graphml`] and
//! [`to_dot`] write them. Besides the model's links, both formats carry one
//! edge of kind `parent` from each territory to its containing territory when
//! both are in the subgraph, so the territory tree is visible (in DOT with
//! clusters, the nesting shows it instead). Output is deterministic: records
//! in document order (territories, units, matters, items), then links in
//! document order, then the `parent` edges.
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

use crate::error::Result;
use crate::evidence::Fact;
use crate::model::{LinkId, LinkKind, Model, Node, Record, RecordType};
use crate::query::{Chain, Line, chain, responsible_for};

/// What part of a model to export.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Focus<'m> {
    /// Every record and link.
    Whole,
    /// The units of a chain, the units of its branches, and the links it followed or reported.
    Chain(Chain<'m>),
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
            Record::Territory(_) => {
                let r = responsible_for(model, node);
                let nodes = r
                    .blocks
                    .iter()
                    .flat_map(|b| std::iter::once(b.territory.as_ref()).chain(b.holders.iter().map(|h| h.id.as_ref())));
                let nodes: Vec<Node> = nodes.filter_map(|id| model.node(id)).collect();
                let links = r.blocks.iter().flat_map(|b| b.holders.iter().map(|h| link_id(model, h.link)));
                Subgraph::from_parts(model, nodes, links)
            }
            Record::Unit(_) => Subgraph::of_chain(model, &chain(model, node, Line::All)),
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

/// Escapes text for XML 1.0 content and attribute values. Characters XML 1.0
/// cannot carry at all (control characters other than tab, newline and
/// carriage return, U+FFFE, U+FFFF) become U+FFFD; tab, newline and carriage
/// return become character references so attribute values keep them.
///
/// # Example
/// ```
/// assert_eq!(tiaokuai::export::xml_escape("a<b & \"c\"\n\u{1}"), "a&lt;b &amp; &quot;c&quot;&#10;\u{fffd}");
/// ```
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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
    out
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

fn data(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", xml_escape(value));
}

/// The subgraph as a GraphML document (directed), readable by Gephi, yEd,
/// Cytoscape and NetworkX (`networkx.read_graphml`).
///
/// Node ids are the record ids. Node attributes: `id`, `name`, `type`
/// (territory, unit, matter, item), `kind` (for matters and items, their
/// list), `sector`, `members`, `level`, `grade`. Edge ids are `l<index>` for
/// the model's links and `p<n>` for the `parent` edges; edge attributes:
/// `kind`, `link` (the index in the model's `links` array), `primary`,
/// `power`, `role`, `scope`, `members`. Absent values are left out.
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
        let _ = writeln!(out, "    <data key=\"g_name\">{}</data>", xml_escape(&title));
    }
    for &n in &sub.nodes {
        let r = model.record(n);
        let _ = writeln!(out, "    <node id=\"{}\">", xml_escape(r.id()));
        data(&mut out, "n_id", r.id());
        data(&mut out, "n_name", r.name());
        data(&mut out, "n_type", r.record_type().as_str());
        data(&mut out, "n_kind", r.kind_str());
        if let Some(u) = r.as_unit() {
            if let Some(s) = &u.sector {
                data(&mut out, "n_sector", s.as_str());
            }
            if let Some(m) = u.members {
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
        let _ = writeln!(
            out,
            "    <edge id=\"l{}\" source=\"{}\" target=\"{}\">",
            id.index(),
            xml_escape(model.id(l.from)),
            xml_escape(model.id(l.to))
        );
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
            data(&mut out, "e_scope", model.id(s));
        }
        if let Some(m) = l.members {
            data(&mut out, "e_members", &m.to_string());
        }
        out.push_str("    </edge>\n");
    }
    for (i, (child, parent)) in sub.parent_edges(model).into_iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"p{i}\" source=\"{}\" target=\"{}\">",
            xml_escape(model.id(child)),
            xml_escape(model.id(parent))
        );
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

/// Quotes text as a DOT string (ids and labels): backslashes and double
/// quotes are escaped, line breaks become `\n`.
///
/// # Example
/// ```
/// assert_eq!(tiaokuai::export::dot_quote("a \"b\"\\\nc"), r#""a \"b\"\\\nc""#);
/// ```
pub fn dot_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dot_shape(r: &Record) -> &'static str {
    match r.record_type() {
        RecordType::Territory => "folder",
        RecordType::Unit => match r.as_unit().map(|u| u.kind.is_party_org()) {
            Some(true) => "box",
            _ => "ellipse",
        },
        RecordType::Matter => "diamond",
        RecordType::Item => "note",
    }
}

fn dot_node(out: &mut String, model: &Model, n: Node, indent: usize) {
    let r = model.record(n);
    let label = format!("{}\n{}", r.name(), r.id());
    let _ = writeln!(out, "{:indent$}{} [label={}, shape={}];", "", dot_quote(r.id()), dot_quote(&label), dot_shape(r));
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
        let _ = write!(label, " @ {}", model.id(s));
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

/// The subgraph as a Graphviz DOT `digraph`. Every id and label is quoted;
/// nodes are labelled with the record's name above its id; shapes: territory
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
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            dot_quote(model.id(l.from)),
            dot_quote(model.id(l.to)),
            dot_quote(&edge_label(model, id))
        );
    }
    if !options.clusters {
        for (child, parent) in sub.parent_edges(model) {
            let _ = writeln!(
                out,
                "  {} -> {} [label=\"parent\", style=dashed];",
                dot_quote(model.id(child)),
                dot_quote(model.id(parent))
            );
        }
    }
    out.push_str("}\n");
    out
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
                let _ = writeln!(out, "{:indent$}subgraph {} {{", "", dot_quote(&format!("cluster_{}", model.id(n))));
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
