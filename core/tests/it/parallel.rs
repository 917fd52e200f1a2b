//! The parallel audit and timeline (issue #19): the same report, in the same order,
//! whatever the number of threads.

use tiaokuai::{Config, Model};

/// Audits on 1, 2, 4 and 9 threads (9: more threads than rule families) give one report,
/// which the default audit gives too.
fn same_on_any_threads(model: &Model, config: &Config, what: &str) {
    let one = model.audit_on(config, 1);
    for n in [2, 4, 9] {
        let many = model.audit_on(config, n);
        assert_eq!(many.findings.len(), one.findings.len(), "{what} on {n} threads");
        for (i, (a, b)) in many.findings.iter().zip(&one.findings).enumerate() {
            assert_eq!(a, b, "{what} on {n} threads: finding {i}");
        }
        assert_eq!(many, one, "{what} on {n} threads");
    }
    assert_eq!(model.audit(config), one, "{what} by default");
}

#[test]
fn the_sample_audits_alike_on_any_threads() {
    let sample = Model::sample();
    same_on_any_threads(&sample, &Config::default(), "sample");
    for date in ["2014", "2016-06", "2019-06-30", "2024"] {
        same_on_any_threads(&sample.at(date.parse().unwrap()), &Config::default(), &format!("sample at {date}"));
    }
}

/// The T rules run as two jobs on several threads (the records, then the links): a record
/// never in force and a link from it never in force are two T001 findings on one subject, in
/// the order the one-thread audit gives them (the record's first), whatever the threads.
#[test]
fn the_time_rules_of_records_and_links_join_in_order() {
    let model = Model::from_json(
        r#"{"format": "tiaokuai/1",
          "territories": [{"id": "s", "name": "Street", "kind": "street", "since": "2020", "until": "2022"}],
          "units": [{"id": "a", "name": "A", "kind": "government", "since": "2021", "until": "2019"},
                    {"id": "b", "name": "B", "kind": "department", "located_in": "s", "since": "2018"}],
          "links": [{"from": "a", "to": "b", "kind": "leads", "since": "2023", "until": "2020"},
                    {"from": "b", "to": "s", "kind": "jurisdiction", "since": "2010"}]}"#,
    )
    .unwrap();
    same_on_any_threads(&model, &Config::default(), "records and links never in force");
    let report = model.audit_on(&Config::default(), 2);
    let t001: Vec<&str> =
        report.findings.iter().filter(|f| f.rule == "T001").map(|f| f.message.split(' ').next().unwrap()).collect();
    assert_eq!(t001, ["unit", "link"], "{:#?}", report.findings);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).filter(|r| r.starts_with('T')).collect();
    assert!(rules.contains(&"T002") && rules.contains(&"T003"), "{rules:?}");
}

/// Generated models need the embedded division tables (the default `divisions` feature).
#[cfg(feature = "divisions")]
mod generated {
    use super::*;
    use proptest::prelude::*;
    use tiaokuai::generate::{GenerateOptions, Scale};
    use tiaokuai::time::{Every, timeline, timeline_dates};

    #[test]
    fn generated_models_audit_alike_on_any_threads() {
        let district = GenerateOptions::new(Scale::District, 11).generate().unwrap();
        let audit = district.audit_on(&Config::default(), 4);
        assert!(
            audit.findings.len() > 4 * 256,
            "the findings' text is written in several slices: {}",
            audit.findings.len()
        );
        same_on_any_threads(&district, &Config::default(), "district");
        let history = GenerateOptions::new(Scale::District, 12).history(true).generate().unwrap();
        let view = history.at("2019-06-30".parse().unwrap());
        assert!(view.has_uncertain());
        same_on_any_threads(&view, &Config::default(), "district with history at 2019-06-30");
        same_on_any_threads(&history, &Config::default(), "district with history, whole");
    }

    #[test]
    fn timelines_are_alike_on_any_threads() {
        let history = GenerateOptions::new(Scale::District, 13).history(true).generate().unwrap();
        let config = Config::default();
        let years = timeline_dates(
            &history,
            &config,
            Some("2014".parse().unwrap()),
            Some("2024".parse().unwrap()),
            Some(Every::Year),
        )
        .unwrap();
        let one = timeline(&history, &config, &years, 1);
        assert_eq!(one.rows.len(), 11);
        for n in [0, 2, 4, 16] {
            assert_eq!(timeline(&history, &config, &years, n), one, "on {n} threads");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

        /// Random small models (generated from a random seed, with or without history, read at
        /// a random date) under a random config (some rules off) audit alike on 1, 2 and 3 threads.
        #[test]
        fn random_models_audit_alike_on_any_threads(
            seed in 0u64..1_000_000,
            history in any::<bool>(),
            year in 2012u32..2025,
            off in proptest::collection::vec(0usize..tiaokuai::RULES.len(), 0..6),
        ) {
            let model = GenerateOptions::new(Scale::District, seed).history(history).generate().unwrap();
            let view = model.at(format!("{year}-06-30").parse().unwrap());
            let mut config = Config::default();
            for r in off {
                config.disable(tiaokuai::RULES[r].code).unwrap();
            }
            let one = view.audit_on(&config, 1);
            for n in [2, 3] {
                prop_assert_eq!(&view.audit_on(&config, n), &one, "seed {} on {} threads", seed, n);
            }
        }
    }
}
