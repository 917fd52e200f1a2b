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
