//! The NBS division importer on arbitrary tables: the input is split on 0xFF
//! bytes into provinces.csv, cities.csv, areas.csv, streets.csv and a code
//! prefix. Whatever parses is imported for "all", the prefix and every
//! province; the prefix is also tried against the embedded tables.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiaokuai::divisions::{self, Divisions};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xFF).map(String::from_utf8_lossy);
    let mut next = || parts.next().unwrap_or_default();
    let (p, c, a, s, prefix) = (next(), next(), next(), next(), next());

    // The embedded tables: a whole-country import is 45,000 rows, so only
    // prefixes that select a province or less (still exercising the checks).
    if (2..=12).contains(&prefix.trim().len())
        && let Ok(model) = divisions::import(&prefix)
    {
        assert!(!model.is_empty());
    }

    let Ok(d) = Divisions::from_csv(&p, &c, &a, &s) else { return };
    let mut prefixes = vec!["all".to_string(), prefix.into_owned()];
    prefixes.extend(d.provinces().iter().take(4).map(|r| r.code.to_string()));
    prefixes.extend(d.townships().iter().take(4).map(|r| r.code.to_string()));
    for prefix in &prefixes {
        let (Ok(tree), Ok(model)) = (d.tree(prefix), d.import(prefix)) else { continue };
        assert_eq!(tree.len(), model.len(), "the import of {prefix:?} is not its tree");
        let text = model.to_json();
        let again = tiaokuai::Model::from_json(&text).unwrap_or_else(|e| panic!("import does not reload: {e}\n{text}"));
        assert!(again == model, "the reloaded import differs\n{text}");
    }
});
