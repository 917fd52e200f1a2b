//! Load, then every query: the audit (findings and metrics, rendered), the
//! chain of each unit along every line, the responsibility of each territory
//! and the dispatch of each matter in each territory. The records visited are
//! capped so one input runs in well under a second.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiaokuai::{Config, Line, Model};

/// The most units, territories and matters visited per input.
const CAP: usize = 48;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = Model::from_json_bytes(data) else { return };
    let config = Config::default();
    let report = model.audit(&config);
    let _ = report.render();
    let _ = report.to_json();
    assert_eq!(report.metrics, model.metrics(&config), "audit metrics differ from metrics()");

    for (node, _) in model.units().take(CAP) {
        let id = model.id(node);
        for line in Line::ALL {
            let chain = model.chain(id, line).expect("chain of a unit");
            let _ = chain.render();
            let _ = chain.to_table();
        }
        let _ = tiaokuai::leadership_path(&model, node);
    }
    let territories: Vec<_> = model.territories().take(CAP).map(|(n, _)| n).collect();
    for &t in &territories {
        let r = model.responsible_for(model.id(t)).expect("responsibility of a territory");
        let _ = r.render();
        let _ = r.to_table();
    }
    for (m, _) in model.matters().take(CAP / 4) {
        for &t in territories.iter().take(CAP / 4) {
            let d = model.dispatch(model.id(m), model.id(t)).expect("dispatch of a matter in a territory");
            let _ = d.render();
            let _ = d.to_table();
            let _ = tiaokuai::resolve_leads(&model, m, t);
        }
    }
});
