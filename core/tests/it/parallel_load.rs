//! Loading on several threads gives the same model, and the same first error, as on one.

use tiaokuai::generate::{Scale, generate};
use tiaokuai::{LoadOptions, Model};

fn load(text: &str, threads: usize) -> Result<Model, tiaokuai::Error> {
    Model::from_json_bytes_with(text.as_bytes(), &LoadOptions::default().threads(threads))
}

#[test]
fn any_thread_count_loads_the_same_model() {
    let text = generate(Scale::District, 3).unwrap().to_json();
    let one = load(&text, 1).unwrap();
    assert!(one.len() > 8_000 && one.link_count() > 8_000, "big enough to be split: {}", one.len());
    for threads in [2, 3, 8, 0] {
        let many = load(&text, threads).unwrap();
        assert_eq!(many, one, "{threads} threads");
        assert_eq!(many.to_json(), text, "{threads} threads");
    }
}

#[test]
fn any_thread_count_reports_the_same_first_error() {
    let text = generate(Scale::District, 3).unwrap().to_json();
    let lines: Vec<&str> = text.lines().collect();
    // Break a late unit (a field error), and make a later link and an earlier-in-the-array one dangle:
    // the first of them in document order must be reported, whichever thread parsed it.
    let unit = lines.iter().rposition(|l| l.contains("\"kind\":\"enterprise\"")).unwrap();
    let links: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].contains("\"from\":")).collect();
    let cases: Vec<Vec<(usize, String)>> = vec![
        vec![(unit, lines[unit].replacen("\"kind\":\"enterprise\"", "\"kind\":\"enterprize\"", 1))],
        vec![
            (links[links.len() / 2], lines[links[links.len() / 2]].replacen("\"from\":\"", "\"from\":\"nobody-", 1)),
            (links[links.len() - 3], lines[links[links.len() - 3]].replacen("\"to\":\"", "\"to\":\"nobody-", 1)),
        ],
    ];
    for case in cases {
        let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (i, line) in &case {
            assert_ne!(&broken[*i], line, "the edit applies");
            broken[*i] = line.clone();
        }
        let broken = broken.join("\n");
        let want = load(&broken, 1).unwrap_err().to_string();
        for threads in [2, 3, 8] {
            assert_eq!(load(&broken, threads).unwrap_err().to_string(), want, "{threads} threads");
        }
    }
}

/// A model with more links than the size at which the adjacency tables are built on two
/// threads (65,536): links of several kinds, with hubs, in an order unrelated to their ends.
fn many_links() -> Model {
    use tiaokuai::{LinkKind, LinkSpec, TerritoryKind, TerritorySpec, UnitKind, UnitSpec};
    let mut b = Model::builder();
    b.territory(TerritorySpec::new("t0", "t0", TerritoryKind::District)).unwrap();
    for t in 1..200 {
        b.territory(TerritorySpec::new(format!("t{t}"), "t", TerritoryKind::Street).parent("t0")).unwrap();
    }
    let units = 20_000u64;
    for u in 0..units {
        b.unit(UnitSpec::new(format!("u{u}"), "u", UnitKind::Enterprise).located_in(format!("t{}", u % 200))).unwrap();
    }
    let kinds = [LinkKind::Leads, LinkKind::Jurisdiction];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..80_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let kind = kinds[(x % 2) as usize];
        let from = format!("u{}", if x.is_multiple_of(5) { 7 } else { (x >> 8) % units });
        let to = match kind {
            LinkKind::Jurisdiction => format!("t{}", (x >> 20) % 200),
            _ => format!("u{}", (x >> 20) % units),
        };
        b.link(LinkSpec::new(from, to, kind)).unwrap();
    }
    b.build().unwrap()
}

/// Every record's links in and out, as the adjacency tables list them.
fn adjacency(m: &Model) -> Vec<(Vec<u32>, Vec<u32>)> {
    let ids =
        |it: &mut dyn Iterator<Item = (tiaokuai::LinkId, tiaokuai::Link)>| it.map(|(l, _)| l.index() as u32).collect();
    m.records().map(|(n, _)| (ids(&mut m.all_links_from(n)), ids(&mut m.all_links_to(n)))).collect()
}

#[test]
fn adjacency_built_on_two_threads_is_the_same() {
    let model = many_links();
    assert!(model.link_count() > 1 << 16);
    let text = model.to_json();
    let one = load(&text, 1).unwrap();
    let expected = adjacency(&one);
    assert_eq!(expected, adjacency(&model), "the builder's model (one thread) and a one-thread load agree");
    let two = load(&text, 2).unwrap();
    assert_eq!(adjacency(&two), expected, "JSON, 2 threads");
    // A CSV bundle builds its tables on two threads too.
    let dir = std::env::temp_dir().join(format!("tiaokuai-parallel-csv-{}", std::process::id()));
    one.write_csv_dir(&dir).unwrap();
    for threads in [1, 2] {
        let csv = Model::from_csv_dir_with(&dir, &LoadOptions::default().threads(threads)).unwrap();
        assert_eq!(csv, one, "CSV, {threads} threads");
        assert_eq!(adjacency(&csv), expected, "CSV, {threads} threads");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Units name their territory in runs (the loader remembers the previous unit's), alternate
/// between two, name one with an escape in its id (not remembered), or name none: each unit
/// is where the builder, given the same units one by one, puts it, on any thread count.
#[test]
fn units_in_runs_of_one_territory_are_located_as_one_by_one() {
    use tiaokuai::{TerritoryKind, TerritorySpec, UnitKind, UnitSpec};
    let places = ["t0", "t1", "t\"2"];
    let place = |u: usize| match u % 97 {
        0..=40 => Some(places[(u / 41) % 2]),
        41..=70 => Some(places[u % 2]),
        71..=80 => Some(places[2]),
        _ => None,
    };
    let mut b = Model::builder();
    let mut json = String::from("{\"format\": \"tiaokuai/1\", \"territories\": [\n");
    for (i, t) in places.iter().enumerate() {
        b.territory(TerritorySpec::new(*t, "T", TerritoryKind::Street)).unwrap();
        let sep = if i + 1 < places.len() { "," } else { "" };
        json.push_str(&format!(
            "{{\"id\": {}, \"name\": \"T\", \"kind\": \"street\"}}{sep}\n",
            serde_json::to_string(t).unwrap()
        ));
    }
    json.push_str("], \"units\": [\n");
    let n = 9_000;
    for u in 0..n {
        let mut spec = UnitSpec::new(format!("u{u}"), "U", UnitKind::Enterprise);
        let located = match place(u) {
            Some(t) => {
                spec = spec.located_in(t);
                format!(", \"located_in\": {}", serde_json::to_string(t).unwrap())
            }
            None => String::new(),
        };
        b.unit(spec).unwrap();
        let sep = if u + 1 < n { "," } else { "" };
        json.push_str(&format!("{{\"id\": \"u{u}\", \"name\": \"U\", \"kind\": \"enterprise\"{located}}}{sep}\n"));
    }
    json.push_str("]}\n");
    let built = b.build().unwrap();
    for threads in [1, 2, 3] {
        let loaded = load(&json, threads).unwrap();
        assert_eq!(loaded, built, "{threads} threads");
        let t1 = loaded.find("t1").unwrap();
        assert_eq!(loaded.unit(loaded.find("u41").unwrap()).and_then(|u| u.located_in), Some(t1), "{threads} threads");
    }
}
