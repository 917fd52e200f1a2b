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
    // Text values double the backslash and write what XML 1.0 cannot hold as `\uXXXX`
    // (export::escape_text), so distinct names stay distinct.
    assert!(xml.contains("<data key=\"n_name\">Street\\\\one&#10;new line</data>"), "{xml}");
    assert!(xml.contains("<data key=\"n_name\">控制\\u0001字符</data>"));
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
    // The sample is read at its as_of: the export holds the records and links of that view.
    let records: usize =
        [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person]
            .iter()
            .map(|&t| m.count(t))
            .sum();
    assert!(records < m.len(), "the sample has history out of force at its as_of");
    assert_eq!(names.iter().filter(|n| *n == "node").count(), records);
    assert_eq!(names.iter().filter(|n| *n == "edge").count(), m.count_links() + parents);
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
print(g.number_of_nodes(), g.number_of_edges(), g.nodes['u"1']["members"], g.nodes["s&1"]["name"] == "Street\\\\one\nnew line", ",".join(kinds))
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
    assert!(dot.starts_with("digraph tiaokuai {\n  label=\"A <test> &amp; \\\"model\\\"\";"), "{dot}");
    // Node names are export::dot_id (`&` as `\u0026`); labels show `&` as `&amp;`.
    assert!(dot.contains(r#""s\u00261" [label="Street\\one\nnew line\ns&amp;1", shape=folder];"#), "{dot}");
    assert!(dot.contains(r#""u\"1" -> "u<2>" [label="leads (primary)"];"#), "{dot}");
    assert!(dot.contains(r#""u<2>" -> "m" [label="responsible: lead @ s&amp;1"];"#), "{dot}");
    assert!(dot.contains(r#""s\u00261" -> "d" [label="parent", style=dashed];"#), "{dot}");
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
    let s = dot.find("subgraph \"cluster_s\\u00261\" {").expect("cluster for s&1");
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
    let sub = Subgraph::new(&m, &Focus::Chain(Box::new(c)));
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

// --- Neo4j and edge-list folders ---------------------------------------------

use tiaokuai::export::{
    EDGE_COLUMNS, NEO4J_NODE_COLUMNS, NEO4J_RELATIONSHIP_COLUMNS, VERTEX_COLUMNS, Written, relationship_type,
    write_edgelist, write_neo4j,
};

/// Ids with a comma, quotes, a line break, a carriage return, non-ASCII text and
/// spaces at the ends; custom kinds; every typed field of records and links.
const AWKWARD_CSV: &str = r#"
  "territories": [
    {"id": "d,1", "name": "District \"D\", one", "kind": "district", "since": "2020-01-02"},
    {"id": "s\"1\"", "name": "Street\nline two", "kind": "street", "parent": "d,1", "attrs": {"big": 123456789012345678901234567890, "nested": {"a": [1, "x,y"]}}},
    {"id": "社区\r\n一", "name": " 友谊路 ", "kind": "x-自然村", "parent": "s\"1\""}
  ],
  "units": [
    {"id": "u\n1", "name": "Unit, one", "kind": "party_committee", "sector": "party", "located_in": "d,1", "members": 4294967295, "staff": 0, "in_service_members": 7},
    {"id": " u2 ", "name": "\"quoted\"", "kind": "x-volunteer team", "located_in": "社区\r\n一", "until": "2030-12-31"},
    {"id": "gov", "name": "Government", "kind": "government"}
  ],
  "matters": [{"id": "m;1", "name": "Matter; one", "list": "basic", "category": "urban, management"}],
  "items": [{"id": "i1", "name": "Need", "list": "need", "attrs": {}}],
  "links": [
    {"from": "u\n1", "to": "d,1", "kind": "jurisdiction"},
    {"from": "u\n1", "to": " u2 ", "kind": "leads", "primary": false, "since": "2021-03-04"},
    {"from": "u\n1", "to": " u2 ", "kind": "x-co-op team", "attrs": {"note": "a \"b\", c\nd"}},
    {"from": "gov", "to": "u\n1", "kind": "power", "power": "assessment"},
    {"from": "u\n1", "to": "m;1", "kind": "responsible", "role": "lead", "scope": "s\"1\""},
    {"from": " u2 ", "to": "u\n1", "kind": "registers_with", "members": 3},
    {"from": " u2 ", "to": "i1", "kind": "raises"}
  ]"#;

fn temp_dir(name: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("tiaokuai-export-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A CSV file read back with the csv crate: the header and the rows as maps
/// from column name (without a Neo4j `:type` suffix) to value.
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<std::collections::HashMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let names: Vec<String> = header
        .iter()
        .map(|h| match h.as_str() {
            "id:ID" => "id".into(),
            ":LABEL" => "type".into(),
            ":START_ID" => "src".into(),
            ":END_ID" => "dst".into(),
            ":TYPE" => "TYPE".into(),
            other => other.split(':').next().unwrap().to_string(),
        })
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(r.len(), names.len(), "{}: every row has every column", path.display());
            names.iter().cloned().zip(r.iter().map(String::from)).collect()
        })
        .collect();
    (header, rows)
}

/// Rebuilds a model document from exported node and edge rows: `parent` and
/// `located_in` edges become fields, the other edges links (in `link` order).
fn rebuild(
    nodes: &[std::collections::HashMap<String, String>],
    edges: &[std::collections::HashMap<String, String>],
) -> Model {
    use serde_json::{Map, Value, json};
    let mut arrays: Map<String, Value> = Map::new();
    let mut index: std::collections::HashMap<String, (String, usize)> = std::collections::HashMap::new();
    // Attrs go in verbatim (a `Value` would round numbers beyond 64 bits): a placeholder now, the text at the end.
    let mut raw: Vec<String> = Vec::new();
    let mut set = |o: &mut Map<String, Value>, key: &str, v: &str, number: bool| {
        if !v.is_empty() {
            let value = if key == "attrs" {
                raw.push(v.to_string());
                json!(format!("@@attrs-{}@@", raw.len() - 1))
            } else if number {
                json!(v.parse::<u64>().unwrap())
            } else if key == "primary" {
                json!(v.parse::<bool>().unwrap())
            } else {
                json!(v)
            };
            o.insert(key.into(), value);
        }
    };
    for row in nodes {
        let ty = row["type"].split(';').next().unwrap().to_lowercase();
        let array = match ty.as_str() {
            "territory" => "territories",
            "unit" => "units",
            "matter" => "matters",
            "item" => "items",
            other => panic!("unknown type {other}"),
        };
        let mut o = Map::new();
        o.insert("id".into(), json!(row["id"]));
        o.insert("name".into(), json!(row["name"]));
        let kind_key = if matches!(array, "matters" | "items") { "list" } else { "kind" };
        o.insert(kind_key.into(), json!(row["kind"]));
        for key in ["sector", "category", "since", "until", "attrs"] {
            set(&mut o, key, &row[key], false);
        }
        for key in ["members", "staff", "in_service_members"] {
            set(&mut o, key, &row[key], true);
        }
        let list = arrays.entry(array).or_insert_with(|| json!([])).as_array_mut().unwrap();
        index.insert(row["id"].clone(), (array.to_string(), list.len()));
        list.push(Value::Object(o));
    }
    let mut links = Vec::new();
    for row in edges {
        match row["kind"].as_str() {
            "parent" | "located_in" => {
                assert_eq!(row["link"], "", "field edges have no link index");
                let (array, i) = &index[&row["src"]];
                arrays[array.as_str()][*i].as_object_mut().unwrap().insert(row["kind"].clone(), json!(row["dst"]));
            }
            _ => {
                assert_eq!(row["link"], links.len().to_string(), "links in document order");
                let mut o = Map::new();
                o.insert("from".into(), json!(row["src"]));
                o.insert("to".into(), json!(row["dst"]));
                o.insert("kind".into(), json!(row["kind"]));
                for key in ["primary", "role", "power", "scope", "since", "until", "attrs"] {
                    set(&mut o, key, &row[key], false);
                }
                set(&mut o, "members", &row["members"], true);
                links.push(Value::Object(o));
            }
        }
    }
    arrays.insert("links".into(), Value::Array(links));
    arrays.insert("format".into(), json!("tiaokuai/1"));
    let mut text = Value::Object(arrays).to_string();
    for (i, attrs) in raw.iter().enumerate() {
        text = text.replacen(&format!("\"@@attrs-{i}@@\""), attrs, 1);
    }
    Model::from_json(&text).unwrap()
}

fn check_counts(m: &Model, sub: &Subgraph, written: &Written, nodes: usize, edges: usize) {
    let inside = |n: Option<Node>| n.is_some_and(|n| sub.nodes.contains(&n));
    let parents = sub.nodes.iter().filter(|&&n| inside(m.territory(n).and_then(|t| t.parent))).count();
    let located = sub.nodes.iter().filter(|&&n| inside(m.unit(n).and_then(|u| u.located_in))).count();
    assert_eq!((written.nodes, nodes), (sub.nodes.len(), sub.nodes.len()));
    assert_eq!(written.links, sub.links.len());
    assert_eq!((written.edges, edges), (sub.links.len() + parents + located, sub.links.len() + parents + located));
}

#[test]
fn neo4j_folder_reads_back_with_every_field() {
    let m = model(AWKWARD_CSV);
    let dir = temp_dir("neo4j");
    let whole = Subgraph::whole(&m);
    let written = write_neo4j(&m, &whole, &dir).unwrap();
    let names: Vec<_> = written.files.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect();
    assert_eq!(names, ["nodes.csv", "relationships.csv", "import.sh", "load.cypher", "README.md"]);
    let (header, nodes) = read_csv(&dir.join("nodes.csv"));
    assert_eq!(header, NEO4J_NODE_COLUMNS);
    let (header, rels) = read_csv(&dir.join("relationships.csv"));
    assert_eq!(header, NEO4J_RELATIONSHIP_COLUMNS);
    check_counts(&m, &whole, &written, nodes.len(), rels.len());
    assert_eq!(nodes.len(), m.len());
    assert_eq!(rels.iter().filter(|r| !r["link"].is_empty()).count(), m.link_count());
    // The rows give back the same model, field by field.
    assert_eq!(rebuild(&nodes, &rels), m);
    // Labels, levels, relationship types.
    assert_eq!(nodes[0]["type"], "Territory;Record");
    assert_eq!((nodes[0]["level"].as_str(), nodes[0]["grade"].as_str()), ("district", "first"));
    assert_eq!(nodes[3]["id"], "u\n1");
    assert_eq!((nodes[3]["type"].as_str(), nodes[3]["members"].as_str()), ("Unit;Record", "4294967295"));
    for r in &rels {
        assert_eq!(r["TYPE"], relationship_type(&r["kind"]));
        assert!(r["TYPE"].chars().all(|c| c.is_alphanumeric() || c == '_'), "{}", r["TYPE"]);
    }
    let types: Vec<&str> = rels.iter().map(|r| r["TYPE"].as_str()).collect();
    assert_eq!(
        types,
        [
            "JURISDICTION",
            "LEADS",
            "X_CO_OP_TEAM",
            "POWER",
            "RESPONSIBLE",
            "REGISTERS_WITH",
            "RAISES",
            "PARENT",
            "PARENT",
            "LOCATED_IN",
            "LOCATED_IN"
        ]
    );
    assert_eq!(rels[1]["primary"], "false");
    // A line break in a value: the bulk importer needs --multiline-fields.
    assert!(written.multiline);
    let sh = std::fs::read_to_string(dir.join("import.sh")).unwrap();
    assert!(sh.starts_with("#!/bin/sh\n"), "{sh}");
    assert!(sh.contains("neo4j-admin\" database import full \"$db\""), "{sh}");
    assert!(sh.contains("--nodes=\"$here/nodes.csv\"") && sh.contains("--relationships=\"$here/relationships.csv\""));
    assert!(sh.contains("--multiline-fields=true"), "{sh}");
    let cypher = std::fs::read_to_string(dir.join("load.cypher")).unwrap();
    for ty in ["X_CO_OP_TEAM", "PARENT", "LOCATED_IN", "JURISDICTION"] {
        assert!(cypher.contains(&format!("row.`:TYPE` = '{ty}'")) && cypher.contains(&format!("[r:`{ty}`]")), "{ty}");
    }
    assert_eq!(cypher.matches("LOAD CSV WITH HEADERS").count(), 4 + 9, "one per label and per type");
    // Deterministic.
    let again = temp_dir("neo4j-again");
    write_neo4j(&m, &whole, &again).unwrap();
    for f in ["nodes.csv", "relationships.csv", "import.sh", "load.cypher", "README.md"] {
        assert_eq!(std::fs::read(dir.join(f)).unwrap(), std::fs::read(again.join(f)).unwrap(), "{f}");
    }
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&again).ok();
}

#[test]
fn edgelist_folder_reads_back_with_every_field() {
    let m = model(AWKWARD_CSV);
    let dir = temp_dir("edgelist");
    let whole = Subgraph::whole(&m);
    let written = write_edgelist(&m, &whole, &dir).unwrap();
    let (header, vertices) = read_csv(&dir.join("vertices.csv"));
    assert_eq!(header, VERTEX_COLUMNS);
    let (header, edges) = read_csv(&dir.join("edges.csv"));
    assert_eq!(header, EDGE_COLUMNS);
    check_counts(&m, &whole, &written, vertices.len(), edges.len());
    assert_eq!(rebuild(&vertices, &edges), m);
    let types: Vec<&str> = vertices.iter().map(|v| v["type"].as_str()).collect();
    assert_eq!(types, ["territory", "territory", "territory", "unit", "unit", "unit", "matter", "item"]);
    assert_eq!(edges[2]["kind"], "x-co-op team");
    assert_eq!(edges[2]["attrs"], r#"{"note":"a \"b\", c\nd"}"#);
    assert!(std::fs::read_to_string(dir.join("README.md")).unwrap().contains("GraphFrame(v, e)"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn folder_exports_of_a_focus_keep_only_its_part() {
    let m = Model::sample();
    for id in ["310113003", "yyl-c01-party", "illegal-construction"] {
        let sub = Subgraph::focus(&m, id).unwrap();
        let dir = temp_dir("focus");
        let written = write_neo4j(&m, &sub, dir.join("neo4j")).unwrap();
        let (_, nodes) = read_csv(&dir.join("neo4j/nodes.csv"));
        let (_, rels) = read_csv(&dir.join("neo4j/relationships.csv"));
        check_counts(&m, &sub, &written, nodes.len(), rels.len());
        let written = write_edgelist(&m, &sub, dir.join("edges")).unwrap();
        let (_, vertices) = read_csv(&dir.join("edges/vertices.csv"));
        let (_, edges) = read_csv(&dir.join("edges/edges.csv"));
        check_counts(&m, &sub, &written, vertices.len(), edges.len());
        assert!(!written.multiline);
        let ids: std::collections::HashSet<&str> = vertices.iter().map(|v| v["id"].as_str()).collect();
        assert!(ids.contains(id));
        assert!(edges.iter().all(|e| ids.contains(e["src"].as_str()) && ids.contains(e["dst"].as_str())));
        let links: Vec<String> = sub.links.iter().map(|l| l.index().to_string()).collect();
        let written_links: Vec<String> =
            edges.iter().filter(|e| !e["link"].is_empty()).map(|e| e["link"].clone()).collect();
        assert_eq!(written_links, links);
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn folder_exports_name_the_path_they_cannot_write() {
    let m = model(AWKWARD_CSV);
    let dir = temp_dir("blocked");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    for err in [
        write_neo4j(&m, &Subgraph::whole(&m), file.join("out")).unwrap_err(),
        write_edgelist(&m, &Subgraph::whole(&m), &file).unwrap_err(),
    ] {
        assert_eq!(err.kind(), "io", "{err}");
        assert!(err.to_string().contains("a-file"), "{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_generated_district_exports_with_counts_equal_to_the_model() {
    let m = tiaokuai::generate::generate(tiaokuai::generate::Scale::District, 3).unwrap();
    let dir = temp_dir("district");
    let whole = Subgraph::whole(&m);
    let written = write_edgelist(&m, &whole, &dir).unwrap();
    let (_, vertices) = read_csv(&dir.join("vertices.csv"));
    let (_, edges) = read_csv(&dir.join("edges.csv"));
    assert_eq!(vertices.len(), m.len());
    assert_eq!(edges.iter().filter(|e| !e["link"].is_empty()).count(), m.link_count());
    check_counts(&m, &whole, &written, vertices.len(), edges.len());
    let without_meta: serde_json::Value = {
        let mut doc: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
        doc.as_object_mut().unwrap().remove("meta");
        doc
    };
    assert_eq!(rebuild(&vertices, &edges), Model::from_json(&without_meta.to_string()).unwrap());
    let written = write_neo4j(&m, &whole, dir.join("neo4j")).unwrap();
    let (_, nodes) = read_csv(&dir.join("neo4j/nodes.csv"));
    let (_, rels) = read_csv(&dir.join("neo4j/relationships.csv"));
    check_counts(&m, &whole, &written, nodes.len(), rels.len());
    assert!(!written.multiline);
    assert!(!std::fs::read_to_string(dir.join("neo4j/import.sh")).unwrap().contains("multiline"));
    std::fs::remove_dir_all(&dir).ok();
}
