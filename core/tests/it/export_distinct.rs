//! Exports keep distinct records distinct (issue #20): ids that differ only in a control
//! character, a non-character, a line ending, a backslash, a quote, `&` or `<` stay distinct
//! nodes in GraphML and DOT (and distinct clusters), the original ids come back after
//! unescaping, and the SVG that Graphviz draws from the DOT is well-formed XML.
//!
//! Each export is read back by a real parser: networkx's `read_graphml`, Graphviz's `dot
//! -Tjson`, Python's `xml.etree` for SVG (`core/tests/data/readback.py` does the reading and
//! the comparison). When python3, networkx or dot is missing these tests say so on stderr and
//! skip, unless `TIAOKUAI_REQUIRE_TOOLS=1`, which makes a missing tool a failure.

use crate::common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::TempDir;
use tiaokuai::export::{DotOptions, Subgraph, to_dot_with, to_graphml};
use tiaokuai::{Model, Node};

/// What tells the ids of the fixture apart: each is appended to `t` (a territory) and `u`
/// (a unit). Control characters (C0, DEL, C1, NUL), non-characters, line endings, and what
/// XML, DOT, Graphviz labels and the escape itself treat specially.
const VARIANTS: &[&str] = &[
    "",
    "\u{0}",
    "\u{1}",
    "\u{2}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{1f}",
    "\u{7f}",
    "\u{80}",
    "\u{85}",
    "\u{9f}",
    "\u{fdd0}",
    "\u{fdef}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{fffd}",
    "\u{1fffe}",
    "\u{10ffff}",
    "\r",
    "\n",
    "\r\n",
    "\n\r",
    "\t",
    " ",
    "\\",
    "\\\\",
    "\"",
    "\\\"",
    "'",
    "&",
    "&amp;",
    "&#1;",
    "&#38;",
    "<",
    ">",
    "<b>",
    "\\u0001",
    "\\U0001FFFE",
    "\\u0026",
    "\\n",
    "\\N",
    "\\l",
    "\\\n",
];

/// A JSON string literal for any text.
fn json(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The fixture: a district `d`; one street `t<V>` in it and one unit `u<V>` (named `n<V>`)
/// holding jurisdiction over it, led by `top`, for every variant; a matter `m` the unit with
/// the NUL id is responsible for, scoped to the street with the NUL id.
fn fixture() -> Model {
    let mut territories = vec![r#"{"id": "d", "name": "District", "kind": "district"}"#.to_string()];
    let mut units = vec![r#"{"id": "top", "name": "Top", "kind": "party_committee"}"#.to_string()];
    let mut links = Vec::new();
    for v in VARIANTS {
        let (t, u) = (format!("t{v}"), format!("u{v}"));
        territories.push(format!(
            r#"{{"id": {}, "name": {}, "kind": "street", "parent": "d"}}"#,
            json(&t),
            json(&format!("street{v}"))
        ));
        units.push(format!(r#"{{"id": {}, "name": {}, "kind": "government"}}"#, json(&u), json(&format!("n{v}"))));
        links.push(format!(r#"{{"from": {}, "to": {}, "kind": "jurisdiction"}}"#, json(&u), json(&t)));
        links.push(format!(r#"{{"from": "top", "to": {}, "kind": "leads"}}"#, json(&u)));
    }
    links.push(r#"{"from": "u\u0000", "to": "m", "kind": "responsible", "role": "lead", "scope": "t\u0000"}"#.into());
    let text = format!(
        r#"{{"format": "tiaokuai/1", "meta": {{"name": "Distinct\u0001ids & <co>"}},
            "territories": [{}], "units": [{}],
            "matters": [{{"id": "m", "name": "Matter\u0002", "list": "basic"}}],
            "links": [{}]}}"#,
        territories.join(",\n"),
        units.join(",\n"),
        links.join(",\n")
    );
    let model = Model::from_json(&text).expect("the fixture loads");
    assert_eq!(model.len(), 3 + 2 * VARIANTS.len(), "every variant is a record of its own");
    model
}

fn hex(text: &str) -> String {
    text.bytes().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// What a reader must find: `N id name` per record, `E from to` per edge (the links, and the
/// `parent` edges unless the DOT has clusters), `C id` per territory cluster.
fn expected(model: &Model, sub: &Subgraph, clusters: bool) -> String {
    let mut out = String::new();
    for &n in &sub.nodes {
        let _ = writeln!(out, "N {} {}", hex(model.id(n)), hex(model.name(n)));
    }
    let mut edge = |from: Node, to: Node| {
        let _ = writeln!(out, "E {} {}", hex(model.id(from)), hex(model.id(to)));
    };
    for &l in &sub.links {
        edge(model.link(l).from, model.link(l).to);
    }
    if !clusters {
        for (child, parent) in sub.parent_edges(model) {
            edge(child, parent);
        }
    } else {
        for &n in &sub.nodes {
            if model.territory(n).is_some() {
                let _ = writeln!(out, "C {}", hex(model.id(n)));
            }
        }
    }
    out
}

fn tool_present(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok_and(|o| o.status.success())
}

/// True when the tools are there; otherwise says which is missing and skips (or fails when
/// `TIAOKUAI_REQUIRE_TOOLS=1`).
fn tools(test: &str, need_python: bool, need_dot: bool) -> bool {
    let mut missing = Vec::new();
    if need_python && !tool_present("python3", &["-c", "import networkx"]) {
        missing.push("python3 with networkx");
    }
    if need_dot && !tool_present("dot", &["-V"]) {
        missing.push("Graphviz dot");
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!("SKIPPED {test}: {} not installed", missing.join(" and "));
    assert!(std::env::var_os("TIAOKUAI_REQUIRE_TOOLS").is_none_or(|v| v != "1"), "{message}");
    eprintln!("{message}");
    false
}

/// Runs `readback.py FORMAT FILE EXPECTED`; returns its `ok …` line.
fn read_back(format: &str, file: &Path, expected: &str, dir: &Path) -> String {
    let expected_path = dir.join(format!("{format}.expected"));
    std::fs::write(&expected_path, expected).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/readback.py");
    let out = Command::new("python3").arg(script).arg(format).arg(file).arg(&expected_path).output().unwrap();
    assert!(
        out.status.success(),
        "{format} read back from {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The parts exported in every test: the whole model, the part around a unit with a NUL in
/// its id (its chain), around a street with a CR in its id (its block chain), around the
/// matter (its links and their other ends).
fn parts(model: &Model) -> Vec<(&'static str, Subgraph)> {
    vec![
        ("whole", Subgraph::whole(model)),
        ("unit", Subgraph::focus(model, "u\u{0}").unwrap()),
        ("territory", Subgraph::focus(model, "t\r").unwrap()),
        ("matter", Subgraph::focus(model, "m").unwrap()),
    ]
}

#[test]
fn networkx_reads_graphml_with_every_record_a_node_of_its_own() {
    if !tools("networkx_reads_graphml_with_every_record_a_node_of_its_own", true, false) {
        return;
    }
    let model = fixture();
    let dir = TempDir::new("distinct-graphml");
    for (name, sub) in parts(&model) {
        let path = dir.0.join(format!("{name}.graphml"));
        std::fs::write(&path, to_graphml(&model, &sub)).unwrap();
        let edges = sub.links.len() + sub.parent_edges(&model).len();
        let ok = read_back("graphml", &path, &expected(&model, &sub, false), &dir.0);
        assert_eq!(ok, format!("ok {} {edges} 0", sub.nodes.len()), "{name}");
    }
}

#[test]
fn graphviz_reads_dot_with_every_record_a_node_of_its_own() {
    if !tools("graphviz_reads_dot_with_every_record_a_node_of_its_own", true, true) {
        return;
    }
    let model = fixture();
    let dir = TempDir::new("distinct-dot");
    for (name, sub) in parts(&model) {
        for clusters in [false, true] {
            let path = dir.0.join(format!("{name}-{clusters}.dot"));
            std::fs::write(&path, to_dot_with(&model, &sub, &DotOptions::clusters(clusters))).unwrap();
            let ok = read_back("dot", &path, &expected(&model, &sub, clusters), &dir.0);
            let edges = sub.links.len() + if clusters { 0 } else { sub.parent_edges(&model).len() };
            let territories = sub.nodes.iter().filter(|&&n| model.territory(n).is_some()).count();
            let clusters = if clusters { territories } else { 0 };
            assert_eq!(ok, format!("ok {} {edges} {clusters}", sub.nodes.len()), "{name}");
        }
    }
}

#[test]
fn svg_drawn_from_the_dot_is_well_formed_xml() {
    if !tools("svg_drawn_from_the_dot_is_well_formed_xml", true, true) {
        return;
    }
    let model = fixture();
    let dir = TempDir::new("distinct-svg");
    for (name, sub) in parts(&model) {
        for clusters in [false, true] {
            let dot = dir.0.join(format!("{name}-{clusters}.dot"));
            let svg = dir.0.join(format!("{name}-{clusters}.svg"));
            std::fs::write(&dot, to_dot_with(&model, &sub, &DotOptions::clusters(clusters))).unwrap();
            let out = Command::new("dot").arg("-Tsvg").arg(&dot).arg("-o").arg(&svg).output().unwrap();
            assert!(out.status.success(), "dot -Tsvg: {}", String::from_utf8_lossy(&out.stderr));
            let ok = read_back("svg", &svg, &expected(&model, &sub, clusters), &dir.0);
            assert_eq!(ok, format!("ok {} 0 0", sub.nodes.len()), "{name}");
        }
    }
}

mod escaping {
    use proptest::prelude::*;
    use tiaokuai::export::{dot_id, escape_id, escape_text, unescape};

    /// Any character, often one the escaping treats specially.
    fn character() -> impl Strategy<Value = char> {
        prop_oneof![
            any::<char>(),
            prop::sample::select(vec![
                '\\',
                'u',
                'U',
                '0',
                'F',
                '"',
                '&',
                '<',
                '\0',
                '\u{1}',
                '\t',
                '\n',
                '\r',
                '\u{7f}',
                '\u{85}',
                '\u{fdd0}',
                '\u{fffe}',
                '\u{ffff}',
                '\u{1fffe}',
                '\u{10ffff}',
            ]),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(character(), 0..24).prop_map(|v| v.into_iter().collect())
    }

    /// Control characters and non-characters: what no escaped id may hold.
    fn forbidden(c: char) -> bool {
        let n = c as u32;
        c.is_control() || (0xfdd0..=0xfdef).contains(&n) || n & 0xfffe == 0xfffe
    }

    /// The inside of a DOT name as Graphviz reads it: `\"` is a quote, `\\` stays two backslashes.
    fn graphviz_name(quoted: &str) -> String {
        let inner = &quoted[1..quoted.len() - 1];
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match (c, chars.clone().next()) {
                ('\\', Some('"')) => {
                    out.push('"');
                    chars.next();
                }
                ('\\', Some('\\')) => {
                    out.push_str("\\\\");
                    chars.next();
                }
                (c, _) => out.push(c),
            }
        }
        out
    }

    proptest! {
        #[test]
        fn escaping_is_reversible_and_leaves_no_control_character(s in text()) {
            let id = escape_id(&s);
            prop_assert_eq!(unescape(&id), Some(s.clone()));
            prop_assert!(!id.chars().any(forbidden), "{:?} -> {:?}", s, id);
            let t = escape_text(&s);
            prop_assert_eq!(unescape(&t), Some(s.clone()));
            prop_assert!(!t.chars().any(|c| forbidden(c) && !matches!(c, '\t' | '\n' | '\r')));
            let name = graphviz_name(&dot_id(&s));
            prop_assert!(!name.contains('&') && !name.chars().any(forbidden), "{:?}", name);
            prop_assert_eq!(unescape(&name), Some(s.clone()));
        }

        #[test]
        fn distinct_ids_stay_distinct(a in text(), b in text()) {
            prop_assume!(a != b);
            prop_assert_ne!(escape_id(&a), escape_id(&b));
            prop_assert_ne!(escape_text(&a), escape_text(&b));
            prop_assert_ne!(dot_id(&a), dot_id(&b));
        }
    }

    #[test]
    fn unescape_refuses_what_the_escaping_never_writes() {
        for bad in [r"\", r"a\x", r"\u12", r"\u12G4", r"\uD800", r"\U00110000", r"\U0001FFF"] {
            assert_eq!(unescape(bad), None, "{bad}");
        }
        assert_eq!(unescape(r"\u00e9\U0001F600\\").as_deref(), Some("é😀\\"));
    }
}

/// Escaping keeps output linear: each character of an id or name becomes at most 11 bytes in
/// any one place (`\uXXXX` is 6, `\UXXXXXXXX` 10, one more in a DOT label, which doubles the
/// backslash; XML's `&quot;` is 6), counted here on ids and names of n, 2n and 3n control
/// characters.
#[test]
fn escaped_output_grows_linearly_with_the_ids() {
    let sizes = |n: usize| {
        let id = "\u{1}".repeat(n);
        let text = format!(
            r#"{{"format": "tiaokuai/1", "territories": [{{"id": "{0}", "name": "{0}", "kind": "district"}}]}}"#,
            id.replace('\u{1}', "\\u0001")
        );
        let m = Model::from_json(&text).unwrap();
        let whole = Subgraph::whole(&m);
        (to_graphml(&m, &whole).len(), to_dot_with(&m, &whole, &DotOptions::clusters(true)).len())
    };
    let (g1, d1) = sizes(1000);
    let (g2, d2) = sizes(2000);
    let (g3, d3) = sizes(3000);
    // Exactly linear: the same number of bytes per 1000 characters each time.
    assert_eq!(g2 - g1, g3 - g2);
    assert_eq!(d2 - d1, d3 - d2);
    // GraphML: the id twice (node id, `id` key) and the name once, 6 bytes a character.
    assert_eq!(g2 - g1, 3 * 6 * 1000);
    // DOT with clusters: node name and cluster name 6 bytes a character; the label's name
    // line and the cluster label 7 (`\\u0001`, shown as `\u0001`), its id line 7.
    assert_eq!(d2 - d1, (2 * 6 + 3 * 7) * 1000);
}
