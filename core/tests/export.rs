//! GraphML and DOT exports: whole models and focused parts, escaping, and a read-back check.

use tiaokuai::export::{DotOptions, Focus, Subgraph, to_dot, to_dot_with, to_graphml};
use tiaokuai::*;

fn model(body: &str) -> Model {
    Model::from_json(&format!("{{\"format\": \"tiaokuai/1\", {body}}}")).unwrap()
}

/// Awkward ids and names: XML and DOT metacharacters, quotes, backslashes, a line break, a control character.
const AWKWARD: &str = r#"
  "meta": {"name": "A <test> & \"model\""},
  "territories": [
    {"id": "d", "name": "District \"D\" & <co>", "kind": "district"},
    {"id": "s&1", "name": "Street\\one\nnew line", "kind": "street", "parent": "d"}
  ],
  "units": [
    {"id": "u\"1", "name": "Unit 'one'", "kind": "party_committee", "sector": "party", "members": 12},
    {"id": "u<2>", "name": "控制\u0001字符", "kind": "government"}
  ],
  "matters": [{"id": "m", "name": "Matter", "list": "basic"}],
  "links": [
    {"from": "u\"1", "to": "d", "kind": "jurisdiction"},
    {"from": "u\"1", "to": "u<2>", "kind": "leads", "primary": true},
    {"from": "u<2>", "to": "s&1", "kind": "jurisdiction"},
    {"from": "u<2>", "to": "m", "kind": "responsible", "role": "lead", "scope": "s&1"}
  ]"#;

/// A minimal XML well-formedness scan: every tag closes in order, attribute values are quoted,
/// no raw `<` or `&` outside markup and entities. Returns the element names met, in order.
fn scan_xml(xml: &str) -> Vec<String> {
    let body = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let close = rest[open..].find('>').expect("tag closes") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "raw < inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "closing tag matches");
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().unwrap().to_string();
            check_attributes(&tag[name.len()..]);
            names.push(name.clone());
            if !self_closing {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    names
}

fn check_text(text: &str) {
    let mut parts = text.split('&');
    parts.next();
    for p in parts {
        let entity = &p[..p.find(';').expect("entity ends with ;")];
        assert!(
            ["amp", "lt", "gt", "quot", "apos"].contains(&entity) || entity.starts_with('#'),
            "unknown entity &{entity};"
        );
    }
    assert!(text.chars().all(|c| c >= ' ' || c == '\n'), "control character in {text:?}");
}

fn check_attributes(mut attrs: &str) {
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            return;
        }
        let eq = attrs.find('=').expect("attribute has =");
        let value = attrs[eq + 1..].strip_prefix('"').expect("attribute value quoted");
        let end = value.find('"').expect("attribute value closes");
        check_text(&value[..end]);
        assert!(!value[..end].contains('\n'), "raw newline in attribute");
        attrs = &value[end + 1..];
    }
}

#[test]
fn whole_model_graphml_is_well_formed_and_complete() {
    let m = model(AWKWARD);
    let xml = to_graphml(&m, &Subgraph::whole(&m));
    let names = scan_xml(&xml);
    assert_eq!(names.iter().filter(|n| *n == "node").count(), m.len());
    // Every link, plus one `parent` edge per territory whose parent is in the graph.
    assert_eq!(names.iter().filter(|n| *n == "edge").count(), m.link_count() + 1);
    assert_eq!(names.iter().filter(|n| *n == "key").count(), 16);
    assert!(xml.contains(r#"<node id="u&quot;1">"#), "{xml}");
    assert!(xml.contains(r#"<edge id="l1" source="u&quot;1" target="u&lt;2&gt;">"#));
    assert!(xml.contains("<data key=\"n_name\">Street\\one&#10;new line</data>"));
    assert!(xml.contains("<data key=\"n_name\">控制\u{fffd}字符</data>"));
    assert!(xml.contains("<data key=\"e_primary\">true</data>"));
    assert!(xml.contains("<data key=\"e_scope\">s&amp;1</data>"));
    assert!(xml.contains("<data key=\"n_members\">12</data>"));
    assert!(xml.contains("<data key=\"g_name\">A &lt;test&gt; &amp; &quot;model&quot;</data>"));
    // Deterministic.
    assert_eq!(xml, to_graphml(&m, &Subgraph::whole(&m)));
}

#[test]
fn sample_graphml_counts_match_the_model() {
    let m = Model::sample();
    let sub = Subgraph::whole(&m);
    let xml = to_graphml(&m, &sub);
    let names = scan_xml(&xml);
    let parents = m.territories().filter(|(_, t)| t.parent.is_some()).count();
    assert_eq!(names.iter().filter(|n| *n == "node").count(), m.len());
    assert_eq!(names.iter().filter(|n| *n == "edge").count(), m.link_count() + parents);
}

#[test]
fn networkx_reads_the_graphml_when_available() {
    let has_networkx = std::process::Command::new("python3")
        .args(["-c", "import networkx"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !has_networkx {
        eprintln!("python3 with networkx not available: skipped");
        return;
    }
    let m = model(AWKWARD);
    let dir = std::env::temp_dir().join(format!("tiaokuai-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("awkward.graphml");
    std::fs::write(&path, to_graphml(&m, &Subgraph::whole(&m))).unwrap();
    let script = r#"
import sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
kinds = sorted(d["kind"] for _, _, d in g.edges(data=True))
print(g.number_of_nodes(), g.number_of_edges(), g.nodes['u"1']["members"], g.nodes["s&1"]["name"] == "Street\\one\nnew line", ",".join(kinds))
"#;
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "5 5 12 True jurisdiction,jurisdiction,leads,parent,responsible"
    );
}

#[test]
fn dot_quotes_everything() {
    let m = model(AWKWARD);
    let dot = to_dot(&m, &Subgraph::whole(&m));
    assert!(dot.starts_with("digraph tiaokuai {\n  label=\"A <test> & \\\"model\\\"\";"), "{dot}");
    assert!(dot.contains(r#""s&1" [label="Street\\one\nnew line\ns&1", shape=folder];"#), "{dot}");
    assert!(dot.contains(r#""u\"1" -> "u<2>" [label="leads (primary)"];"#), "{dot}");
    assert!(dot.contains(r#""u<2>" -> "m" [label="responsible: lead @ s&1"];"#), "{dot}");
    assert!(dot.contains(r#""s&1" -> "d" [label="parent", style=dashed];"#), "{dot}");
    assert!(dot.ends_with("}\n"));
    // Every quote in the output is either escaped or part of a balanced pair on its line.
    for line in dot.lines() {
        let unescaped = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
    }
}

#[test]
fn dot_clusters_nest_territories() {
    let m = model(AWKWARD);
    let dot = to_dot_with(&m, &Subgraph::whole(&m), &DotOptions::clusters(true));
    let d = dot.find("subgraph \"cluster_d\" {").expect("cluster for d");
    let s = dot.find("subgraph \"cluster_s&1\" {").expect("cluster for s&1");
    assert!(d < s);
    // The unit holding jurisdiction over the street sits inside the street's cluster.
    let u2 = dot.find("\"u<2>\" [label=").unwrap();
    assert!(s < u2);
    assert!(!dot.contains("style=dashed"));
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
}

#[test]
fn focus_around_a_territory_is_its_block_chain() {
    let m = Model::sample();
    let sub = Subgraph::focus(&m, "310113003").unwrap();
    let r = m.responsible_for("310113003").unwrap();
    let holders: usize = r.blocks.iter().map(|b| b.holders.len()).sum();
    assert_eq!(sub.links.len(), holders);
    for b in &r.blocks {
        assert!(sub.nodes.contains(&m.node(&b.territory).unwrap()));
    }
    let xml = to_graphml(&m, &sub);
    let names = scan_xml(&xml);
    assert_eq!(names.iter().filter(|n| *n == "node").count(), sub.nodes.len());
    assert_eq!(names.iter().filter(|n| *n == "edge").count(), sub.links.len() + r.blocks.len() - 1);
}

#[test]
fn focus_on_a_chain_and_on_a_unit() {
    let m = model(AWKWARD);
    let c = m.chain("u<2>", Line::Leadership).unwrap();
    let sub = Subgraph::new(&m, &Focus::Chain(c));
    let ids: Vec<&str> = sub.nodes.iter().map(|&n| m.id(n)).collect();
    assert_eq!(ids, ["u\"1", "u<2>"]);
    assert_eq!(sub.links.iter().map(|l| l.index()).collect::<Vec<_>>(), [1]);
    let around = Subgraph::new(&m, &Focus::Around(m.node("u<2>").unwrap()));
    assert_eq!(around, sub);
    let matter = Subgraph::focus(&m, "m").unwrap();
    assert_eq!(matter.nodes.iter().map(|&n| m.id(n)).collect::<Vec<_>>(), ["u<2>", "m"]);
    assert_eq!(Subgraph::new(&m, &Focus::Whole), Subgraph::whole(&m));
    assert_eq!(Subgraph::focus(&m, "nope").unwrap_err(), Error::UnknownId { id: "nope".into() });
}
