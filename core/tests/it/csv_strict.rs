//! CSV without silent loss or blow-ups (issue #20): a bundle is read strictly
//! (every way a cell could be dropped or a file misread is an error naming the
//! file, line and column), CSV is written in linear time whatever a cell holds,
//! and the CSV exports neutralise cells a spreadsheet would run as formulas
//! while keeping distinct records distinct, read back by Python's csv module.

use std::path::Path;

use tiaokuai::export::{Subgraph, write_edgelist, write_edgelist_with, write_neo4j};
use tiaokuai::format::{CsvOptions, CsvWriter, Formulas};
use tiaokuai::*;

use crate::common;
use common::TempDir;

/// A bundle folder holding these files.
fn bundle(tag: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new(tag);
    for (name, text) in files {
        std::fs::write(dir.0.join(name), text).unwrap();
    }
    dir
}

fn load_err(dir: &Path) -> Error {
    Model::from_csv_dir(dir).expect_err("the bundle must be refused")
}

fn csv_err(file: &str, line: u64, message: &str) -> Error {
    Error::Csv { file: file.into(), line, message: message.into() }
}

const TERRITORIES: &str = "id,name,kind\nd,D,district\n";

// ---------------------------------------------------------------------------------------------
// Reading

#[cfg(unix)]
#[test]
fn a_dangling_or_looping_symbolic_link_is_an_error_not_an_absent_file() {
    let dir = bundle("links", &[("territories.csv", TERRITORIES)]);
    let units = dir.0.join("units.csv");
    // Dangling: before, the model loaded without its units and reported success.
    std::os::unix::fs::symlink(dir.0.join("gone.csv"), &units).unwrap();
    match load_err(&dir.0) {
        Error::Io { path, message, .. } => {
            assert_eq!(path, units.display().to_string());
            assert!(message.starts_with("a symbolic link that leads to no readable file: "), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Looping.
    std::fs::remove_file(&units).unwrap();
    std::os::unix::fs::symlink("units.csv", &units).unwrap();
    assert!(matches!(load_err(&dir.0), Error::Io { message, .. } if message.contains("symbolic link")));
    // A bundle whose only file is a dangling link is not "not a bundle" either.
    let lonely = TempDir::new("links-lonely");
    std::os::unix::fs::symlink(lonely.0.join("nowhere"), lonely.0.join("territories.csv")).unwrap();
    assert!(matches!(load_err(&lonely.0), Error::Io { message, .. } if message.contains("symbolic link")));
    // meta.json too.
    let meta = bundle("links-meta", &[("territories.csv", TERRITORIES)]);
    std::os::unix::fs::symlink(meta.0.join("nowhere"), meta.0.join("meta.json")).unwrap();
    assert!(matches!(load_err(&meta.0), Error::Io { message, .. } if message.contains("symbolic link")));
    // A link to a real file is read through.
    let good = bundle("links-good", &[("real.csv", TERRITORIES)]);
    std::os::unix::fs::symlink("real.csv", good.0.join("territories.csv")).unwrap();
    assert_eq!(Model::from_csv_dir(&good.0).unwrap().len(), 1);
}

#[test]
fn a_repeated_or_unnamed_column_is_an_error() {
    // Before, the second `name` column silently replaced nothing: its cells were never read.
    let dir = bundle("dup", &[("territories.csv", "id,name,kind,name\nd,D,district,Other\n")]);
    assert_eq!(
        load_err(&dir.0),
        csv_err("territories.csv", 1, "column 4 repeats the name \"name\" of column 2; one of them would be lost")
    );
    // Names are compared once trimmed, as they are matched.
    let dir = bundle("dup-trim", &[("territories.csv", "id,name,kind, note,note \nd,D,district,a,b\n")]);
    assert_eq!(
        load_err(&dir.0),
        csv_err("territories.csv", 1, "column 5 repeats the name \"note\" of column 4; one of them would be lost")
    );
    // Before, the cells of an unnamed column became an attribute named "".
    let dir = bundle("unnamed", &[("territories.csv", "id,name,kind,\nd,D,district,x\n")]);
    assert_eq!(
        load_err(&dir.0),
        csv_err("territories.csv", 1, "column 4 has no name; every column needs one (its cells would be lost)")
    );
}

#[test]
fn an_unclosed_quote_is_an_error_at_its_line_and_column() {
    let message = |column: usize| {
        format!(
            "column {column}: the quote that opens this cell is never closed, so the cell would run to the end of \
             the file; close it with \" (and double every \" inside it)"
        )
    };
    // Before: one unit, whose note held the rest of the file, and success.
    let dir = bundle(
        "unclosed",
        &[
            ("territories.csv", TERRITORIES),
            ("units.csv", "id,name,kind,note\nu1,单位,enterprise,\"first\nu2,B,enterprise,x\n"),
        ],
    );
    assert_eq!(load_err(&dir.0), csv_err("units.csv", 2, &message(18)), "columns count characters");
    // A quote closed over a line break earlier in the same record: the line of the open quote.
    let dir = bundle(
        "unclosed-later",
        &[("territories.csv", TERRITORIES), ("units.csv", "id,name,kind,note\nu1,\"A\nB\",enterprise,\"x\n")],
    );
    assert_eq!(load_err(&dir.0), csv_err("units.csv", 3, &message(15)));
    // Swallowing the following rows made a row of the wrong length: the quote is the cause named.
    let dir = bundle(
        "unclosed-short",
        &[("territories.csv", TERRITORIES), ("units.csv", "id,name,kind\nu1,\"A,enterprise\nu2,B,enterprise\n")],
    );
    assert_eq!(load_err(&dir.0), csv_err("units.csv", 2, &message(4)));
    // In the header.
    let dir = bundle("unclosed-header", &[("territories.csv", "id,name,\"kind\nd,D,district\n")]);
    assert_eq!(load_err(&dir.0), csv_err("territories.csv", 1, &message(9)));
    // Quotes closed, doubled, or inside an unquoted cell are fine; so is a cell ending the file.
    let dir = bundle(
        "closed",
        &[
            ("territories.csv", TERRITORIES),
            ("units.csv", "id,name,kind,note\nu1,\"A \"\"x\"\"\nB\",enterprise,a\"b\nu2,B,enterprise,\"\""),
        ],
    );
    let model = Model::from_csv_dir(&dir.0).unwrap();
    let u1 = model.record(model.node("u1").unwrap());
    assert_eq!(u1.name(), "A \"x\"\nB");
    assert_eq!(u1.attrs().unwrap().as_json(), r#"{"note":"a\"b"}"#);
}

#[test]
fn a_column_named_like_a_key_of_the_rows_attrs_is_an_error() {
    // Before, the column's value replaced the attrs value without a word.
    let dir = bundle(
        "clash",
        &[(
            "territories.csv",
            "id,name,kind,attrs,phone\nd,D,district,\"{\"\"phone\"\":\"\"021\"\",\"\"n\"\":1}\",022\n",
        )],
    );
    assert_eq!(
        load_err(&dir.0).to_string(),
        "territories.csv line 2 (id \"d\"): field \"phone\": is a column and also a key of this row's attrs; one \
         of the two values would be lost"
    );
    // Without the clash the column is merged after the attrs keys, as documented; big numbers keep their text.
    let dir = bundle(
        "merge",
        &[(
            "territories.csv",
            "id,name,kind,attrs,phone\nd,D,district,\"{\"\"n\"\":123456789012345678901234567890}\",022\n",
        )],
    );
    let model = Model::from_csv_dir(&dir.0).unwrap();
    let d = model.record(model.node("d").unwrap());
    assert_eq!(d.attrs().unwrap().as_json(), r#"{"n":123456789012345678901234567890,"phone":"022"}"#);
}

#[test]
fn a_bundle_rewritten_in_place_while_it_is_read_is_reported() {
    // Each file is whole and unchanged while it is read, and the folder's own time does not
    // move (no file is renamed), but the files read come from two versions of the bundle.
    let v2_territories = "id,name,kind\nd,Second version of D,district\n";
    let v2_matters = "id,name,list\nm2,Second matter,basic\n";
    let dir = bundle(
        "in-place",
        &[
            ("territories.csv", TERRITORIES),
            ("units.csv", "id,name,kind,located_in\nu1,U,enterprise,d\n"),
            ("matters.csv", "id,name,list\nm1,First,basic\n"),
        ],
    );
    // File times tick coarsely: start from a time well in the past.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for name in ["territories.csv", "units.csv", "matters.csv"] {
        std::fs::File::options().append(true).open(dir.0.join(name)).unwrap().set_modified(past).unwrap();
    }
    std::fs::File::open(&dir.0).unwrap().set_modified(past).unwrap();
    let units = dir.0.join("units.csv");
    let err = Model::load_with_hook(&dir.0, &LoadOptions::default(), &mut |path| {
        if path == units {
            std::fs::write(path.with_file_name("territories.csv"), v2_territories).unwrap();
            std::fs::write(path.with_file_name("matters.csv"), v2_matters).unwrap();
        }
    })
    .unwrap_err();
    assert_eq!(err, Error::Changed { path: dir.0.join("territories.csv").display().to_string() });
    // Read again once the writer is done: the second version, whole.
    let model = Model::from_csv_dir(&dir.0).unwrap();
    assert_eq!(model.name(model.node("d").unwrap()), "Second version of D");
    assert!(model.node("m2").is_some() && model.node("m1").is_none());
}

// ---------------------------------------------------------------------------------------------
// Writing

/// A model whose ids and names are what a spreadsheet would run, or what quoting must carry.
fn awkward() -> Model {
    let mut b = Model::builder();
    b.territory(TerritorySpec::new("=d", "=HYPERLINK(\"http://x\",\"y\")", TerritoryKind::District)).unwrap();
    b.territory(TerritorySpec::new("'=d", "'quoted", TerritoryKind::Street).parent("=d")).unwrap();
    let names = ["+1", "-1", "@SUM(A1)", "\tTab", "\rReturn", "line\nbreak, \"and\" comma", "普通"];
    for (i, name) in names.iter().enumerate() {
        let id = if i % 2 == 0 { format!("-{i}") } else { format!("u{i}") };
        b.unit(UnitSpec::new(id, *name, UnitKind::Enterprise).located_in("'=d").members(i as u32)).unwrap();
    }
    b.link(LinkSpec::new("-0", "u1", LinkKind::Leads)).unwrap();
    b.link(LinkSpec::new("u1", "=d", LinkKind::Jurisdiction)).unwrap();
    b.build().unwrap()
}

/// The rows of a CSV file as Python's csv module reads them.
fn python_rows(file: &Path) -> Vec<Vec<String>> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import csv, json, sys\n\
             with open(sys.argv[1], newline='', encoding='utf-8') as f:\n    \
             print(json.dumps([row for row in csv.reader(f)]))",
        ])
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The cell as it was before the formula guard: one leading `'` removed.
fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

#[test]
fn exports_neutralise_formulas_and_python_reads_back_every_record_distinct() {
    let model = awkward();
    let dir = TempDir::new("formulas");
    let written = write_edgelist(&model, &Subgraph::whole(&model), &dir.0).unwrap();
    assert!(written.multiline);
    let rows = python_rows(&dir.0.join("vertices.csv"));
    assert_eq!(rows.len(), model.len() + 1, "one row per record, the header first");
    let (id, name, members) = (0, 2, 7);
    assert_eq!(rows[0][members], "members");
    for row in &rows[1..] {
        for cell in [&row[id], &row[name]] {
            // Nothing a spreadsheet would run is left at the start of a text cell.
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
        }
        let node = model.node(unguard(&row[id])).unwrap_or_else(|| panic!("{row:?}"));
        assert_eq!(unguard(&row[name]), model.name(node), "names round-trip once unguarded");
        if let Some(m) = model.record(node).as_unit().and_then(|u| u.members()) {
            assert_eq!(row[members], m.to_string(), "counts are numbers, never guarded");
        }
    }
    let ids: std::collections::HashSet<&str> = rows[1..].iter().map(|r| r[id].as_str()).collect();
    assert_eq!(ids.len(), model.len(), "\"=d\" and \"'=d\" stay two records");
    // Edges name their ends as the vertices do.
    let edges = python_rows(&dir.0.join("edges.csv"));
    assert_eq!(edges[1][..3], ["'-0", "u1", "leads"]);
    assert_eq!(edges[2][..3], ["u1", "'=d", "jurisdiction"]);
    assert!(edges[1..].iter().all(|e| ids.contains(e[0].as_str()) && ids.contains(e[1].as_str())));

    // Neo4j: the same rule.
    let neo = TempDir::new("formulas-neo4j");
    write_neo4j(&model, &Subgraph::whole(&model), &neo.0).unwrap();
    let nodes = python_rows(&neo.0.join("nodes.csv"));
    assert_eq!(nodes[1][..3], ["'=d", "Territory;Record", "'=HYPERLINK(\"http://x\",\"y\")"]);
    assert_eq!(nodes[2][..3], ["''=d", "Territory;Record", "''quoted"]);

    // Kept: the exact text, for tools that are not spreadsheets.
    let kept = TempDir::new("formulas-kept");
    write_edgelist_with(&model, &Subgraph::whole(&model), &kept.0, &CsvOptions::formulas(Formulas::Keep)).unwrap();
    let rows = python_rows(&kept.0.join("vertices.csv"));
    let mut names: Vec<&str> = rows[1..].iter().map(|r| r[name].as_str()).collect();
    let mut expected: Vec<&str> = model.records().map(|(_, r)| r.name()).collect();
    names.sort_unstable();
    expected.sort_unstable();
    assert_eq!(names, expected);
}

#[test]
fn a_bundle_is_not_guarded_and_round_trips_exactly_through_python_and_the_reader() {
    let model = awkward();
    let dir = TempDir::new("bundle-exact");
    model.write_csv_dir(&dir.0).unwrap();
    assert_eq!(Model::from_csv_dir(&dir.0).unwrap(), model, "the lossless format keeps every cell");
    let rows = python_rows(&dir.0.join("units.csv"));
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    let expected: Vec<&str> = model.units().map(|(_, u)| u.name()).collect();
    assert_eq!(names, expected, "Python reads the very names, unguarded");
}

/// One unit whose name is `name`, written as a bundle and as an edge list: the bytes written.
fn written_bytes(name: String) -> u64 {
    let mut b = Model::builder();
    b.unit(UnitSpec::new("u", name, UnitKind::Enterprise)).unwrap();
    let model = b.build().unwrap();
    let dir = TempDir::new("linear");
    model.write_csv_dir(dir.0.join("bundle")).unwrap();
    write_edgelist(&model, &Subgraph::whole(&model), dir.0.join("edges")).unwrap();
    let size = |f: &str| std::fs::metadata(dir.0.join(f)).unwrap().len();
    assert_eq!(Model::from_csv_dir(dir.0.join("bundle")).unwrap(), model);
    size("bundle/units.csv") + size("edges/vertices.csv")
}

#[test]
fn writing_a_long_cell_is_linear_in_its_length() {
    // The csv crate's writer rescanned the rest of a quoted cell for the next quote each time
    // its 8 KB buffer filled: a 64 MB cell of line breaks took 20 s. Ours looks at each byte
    // at most twice: counted, at two sizes, for every kind of cell.
    for fill in ["a", "\"", "\n", ",", "=\r\n\","] {
        let work = |n: usize| {
            let cell = fill.repeat(n / fill.len());
            let mut w = CsvWriter::new(std::io::sink(), Formulas::Neutralise);
            w.text(&cell).unwrap();
            w.end_record().unwrap();
            (w.scanned(), cell.len() as u64)
        };
        let (small, small_len) = work(1 << 20);
        let (large, large_len) = work(16 << 20);
        assert!(small <= 2 * small_len && large <= 2 * large_len, "{fill:?}: {small} {large}");
        assert!(large * small_len <= small * large_len * 11 / 10, "{fill:?}: work grows linearly");
    }
    // And the files written grow with the cell, no more: a cell of quotes doubles, at most.
    for fill in ["a", "\"", "\n"] {
        let small = written_bytes(fill.repeat(1 << 16));
        let large = written_bytes(fill.repeat(1 << 20));
        assert!(large <= small * 17, "{fill:?}: {small} -> {large}");
        assert!(large <= 2 * 2 * (1 << 20) + 1000, "{fill:?}: {large}");
    }
}
