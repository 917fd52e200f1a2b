//! Output stays linear in the input: whatever loads, the audit report and every answer
//! asked are serialised, and their sizes checked against the documented bound
//! (docs/reliability.md, "Bounded output"):
//!
//! * the audit report's JSON, leaving out the per-(matter, street/town) findings
//!   A001–A003, is at most `C × (input bytes + records + links) + FIXED` bytes;
//! * A001–A003 give at most 3 findings per (matter, street/town) pair, each at most
//!   `C × (input bytes + records + links)` bytes;
//! * each query answer (chain, block chain, dispatch) is at most
//!   `C × (input bytes + records + links) + FIXED` bytes.
//!
//! `C` = 64: the committed seeds (scenario models and 400-unit adversarial shapes) stay
//! under 6; an id is written out in the message and two evidence facts of each of the at
//! most 17 S003 findings whose first 16 chain units it is on (see
//! `audit::rules::structure::FULL`), about 50 times what its record and link take in the
//! input. The old quadratic output (a chain repeated per member) passed 100 on the
//! 400-unit seeds. The rendered table for people is at most the findings' own text plus
//! `render::MAX_PAD + 2` characters per cell (a wider cell no longer pads its whole
//! column, which made it rows × widest id). The records visited by the
//! queries are capped so one input runs in well under a second.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiaokuai::{Config, Line, Model};

/// Bytes of output allowed per byte of input, record and link.
const C: usize = 64;
/// The report's fixed part (summary of 21 rules, metrics headings, comparison groups).
const FIXED: usize = 64 * 1024;
/// The most units, territories and matters visited by the queries per input.
const CAP: usize = 32;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = Model::from_json_bytes(data) else { return };
    let (records, links) = (model.len(), model.link_count());
    let size = data.len() + records + links;
    let report = model.audit(&Config::default());

    let per_pair = ["A001", "A002", "A003"];
    let mut rest = report.clone();
    rest.findings.retain(|f| !per_pair.contains(&f.rule));
    let bytes = serde_json::to_string(&rest).expect("a report serialises").len();
    assert!(
        bytes <= C * size + FIXED,
        "audit report of {bytes} bytes for input {} + {records} records + {links} links",
        data.len()
    );

    let findings_json = serde_json::to_string(&report.findings).expect("findings serialise").len();
    let table = report.render().len();
    let cells = (report.findings.len() + 2) * 6;
    assert!(
        table <= findings_json + cells * (tiaokuai::render::MAX_PAD + 2) + FIXED,
        "audit table of {table} bytes for {findings_json} bytes of findings"
    );

    let townships = report.metrics.townships.len();
    let matters = model.matters().count();
    let pairs = report.findings.iter().filter(|f| per_pair.contains(&f.rule)).count();
    assert!(
        pairs <= 3 * matters * townships,
        "{pairs} A001-A003 findings for {matters} matters x {townships} streets/towns"
    );
    for f in report.findings.iter().filter(|f| per_pair.contains(&f.rule)) {
        let b = serde_json::to_string(f).expect("a finding serialises").len();
        assert!(b <= C * size, "{} finding of {b} bytes for input size {size}", f.rule);
    }

    let answer = |what: &str, json: String| {
        assert!(json.len() <= C * size + FIXED, "{what} answer of {} bytes for input size {size}", json.len());
    };
    for (node, _) in model.units().take(CAP) {
        for line in Line::ALL {
            let chain = model.chain(model.id(node), line).expect("chain of a unit");
            answer("chain", serde_json::to_string(&chain).expect("a chain serialises"));
        }
    }
    let territories: Vec<_> = model.territories().take(CAP).map(|(n, _)| n).collect();
    for &t in &territories {
        let r = model.responsible_for(model.id(t)).expect("responsibility of a territory");
        answer("responsible", serde_json::to_string(&r).expect("an answer serialises"));
    }
    for (m, _) in model.matters().take(CAP / 4) {
        for &t in territories.iter().take(CAP / 4) {
            let d = model.dispatch(model.id(m), model.id(t)).expect("dispatch of a matter in a territory");
            answer("dispatch", serde_json::to_string(&d).expect("an answer serialises"));
        }
    }
});
