//! Bounded output and linear work on adversarial shapes (issue #20, parts 1–2).
//!
//! Each shape is built at two sizes, `n` and `4n`; the audit report and the query
//! answers are serialised to JSON and their bytes counted, and the heap allocations of
//! the audit and the queries are counted by the allocator of this test binary. Linear
//! growth gives ratios near 4; a finding or answer that repeats a chain per member, or a
//! de-duplication by list search that allocates per comparison, gives ratios near 16.
//! Nothing here measures time.
//!
//! The documented bound (docs/reliability.md): the JSON of an audit report is at most
//! `OUT_PER_INPUT` bytes per byte of the model's own JSON, plus a constant, for models
//! without matters (A001–A003 give one finding per (matter, street/town) pair, so
//! their output is bounded by matters × streets/towns, stated apart).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use proptest::prelude::*;
use tiaokuai::*;

/// Counts the allocations of the current thread (tests run on several threads at once).
struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        let _ = BYTES.try_with(|c| c.set(c.get() + layout.size() as u64));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        let _ = BYTES.try_with(|c| c.set(c.get() + new_size as u64));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations and allocated bytes of `f` on this thread, and its result.
fn counted<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let (a0, b0) = (ALLOCS.with(Cell::get), BYTES.with(Cell::get));
    let out = f();
    (out, ALLOCS.with(Cell::get) - a0, BYTES.with(Cell::get) - b0)
}

/// The output of an audit and of a few queries on one model.
#[derive(Debug, Clone, Copy)]
struct Measure {
    /// Bytes of the audit report's JSON.
    audit: usize,
    /// Bytes of the queries' JSON.
    queries: usize,
    /// Allocations of the audit and the queries (serialisation excluded).
    allocs: u64,
    /// Bytes allocated by them.
    alloc_bytes: u64,
}

/// Audits `model` and asks `queries` (unit ids for `chain`, territory ids for
/// `responsible`, (matter, territory) for `dispatch`).
fn measure(model: &Model, chains: &[&str], places: &[&str], dispatches: &[(&str, &str)]) -> Measure {
    let ((report, answers), allocs, alloc_bytes) = counted(|| {
        let report = model.audit(&Config::default());
        let mut answers = Vec::new();
        for &u in chains {
            for line in [Line::Leadership, Line::Strip, Line::All] {
                answers.push(serde_json::to_value(model.chain(u, line).unwrap()).unwrap());
            }
        }
        for &t in places {
            answers.push(serde_json::to_value(model.responsible_for(t).unwrap()).unwrap());
        }
        for &(m, t) in dispatches {
            answers.push(serde_json::to_value(model.dispatch(m, t).unwrap()).unwrap());
        }
        (report, answers)
    });
    let audit = serde_json::to_string(&report).unwrap().len();
    let queries = answers.iter().map(|a| a.to_string().len()).sum();
    Measure { audit, queries, allocs, alloc_bytes }
}

/// Asserts that every measure grows at most `limit` times from the model of size `n` to
/// the one of size `4n` (linear: about 4; quadratic: about 16).
#[track_caller]
fn grows_linearly(name: &str, small: Measure, big: Measure) {
    let limit = 5.5;
    let ratio = |a: f64, b: f64| b / a.max(1.0);
    let ratios = [
        ("audit bytes", ratio(small.audit as f64, big.audit as f64)),
        ("query bytes", ratio(small.queries as f64, big.queries as f64)),
        ("allocations", ratio(small.allocs as f64, big.allocs as f64)),
        ("allocated bytes", ratio(small.alloc_bytes as f64, big.alloc_bytes as f64)),
    ];
    eprintln!("{name}: {small:?} -> {big:?}: {ratios:?}");
    for (what, r) in ratios {
        assert!(r < limit, "{name}: {what} grew {r:.1} times from n to 4n ({small:?} -> {big:?})");
    }
}

/// A city, a district, a street and a community, each holding the next.
fn places(b: &mut ModelBuilder) {
    b.territory(TerritorySpec::new("city", "市", TerritoryKind::City)).unwrap();
    b.territory(TerritorySpec::new("dist", "区", TerritoryKind::District).parent("city")).unwrap();
    b.territory(TerritorySpec::new("st", "街道", TerritoryKind::Street).parent("dist")).unwrap();
    b.territory(TerritorySpec::new("comm", "社区", TerritoryKind::Community).parent("st")).unwrap();
}

/// `n` community-level Party branches in one leadership chain (`c{i+1}` leads `c{i}`),
/// closed into a cycle when `cycle`: every one is an S003 finding whose chain is the rest.
fn long_chain(n: usize, cycle: bool) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    for i in 0..n {
        b.unit(UnitSpec::new(format!("c{i}"), format!("支部{i}"), UnitKind::PartyBranch).located_in("comm")).unwrap();
    }
    for i in 0..n - 1 {
        b.link(LinkSpec::new(format!("c{}", i + 1), format!("c{i}"), LinkKind::Leads)).unwrap();
    }
    if cycle {
        b.link(LinkSpec::new("c0", format!("c{}", n - 1), LinkKind::Leads)).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn s003_long_chain_is_explained_once() {
    let m = |n| long_chain(n, false);
    let (a, b) = (m(300), m(1200));
    let q = |m: &Model| measure(m, &["c0"], &["comm"], &[]);
    grows_linearly("S003 long chain", q(&a), q(&b));
    // Every member still has its finding, and the later ones refer to an earlier one.
    let report = b.audit(&Config::default());
    let s003: Vec<&Finding> = report.findings_of("S003").collect();
    assert_eq!(s003.len(), 1200);
    assert!(s003[0].message.contains("stops at"), "{}", s003[0].message);
    assert!(s003[1].message.contains("explained in the S003 finding on \"c0\""), "{}", s003[1].message);
    assert!(s003[1..].iter().all(|f| f.evidence.len() <= 16), "at most FULL links per finding after the first");
}

#[test]
fn s001_and_s003_big_cycle_are_explained_once() {
    let m = |n| long_chain(n, true);
    let (a, b) = (m(300), m(1200));
    let q = |m: &Model| measure(m, &["c0"], &["comm"], &[]);
    grows_linearly("S001/S003 big cycle", q(&a), q(&b));
    let report = b.audit(&Config::default());
    assert_eq!(report.findings_of("S001").count(), 1);
    assert_eq!(report.findings_of("S003").count(), 1200);
}

/// A unit with `n` leaders, none primary (S002), each a Party committee in the district.
fn fan_in(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.unit(UnitSpec::new("led", "被领导", UnitKind::PartyBranch).located_in("comm")).unwrap();
    for i in 0..n {
        b.unit(UnitSpec::new(format!("l{i}"), format!("领导{i}"), UnitKind::PartyCommittee).located_in("st")).unwrap();
        b.link(LinkSpec::new(format!("l{i}"), "led", LinkKind::Leads)).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn s002_huge_fan_in_is_linear() {
    let (a, b) = (fan_in(2000), fan_in(8000));
    let q = |m: &Model| measure(m, &["led"], &["comm"], &[]);
    grows_linearly("S002 fan-in", q(&a), q(&b));
    let report = b.audit(&Config::default());
    let s002: Vec<&Finding> = report.findings_of("S002").collect();
    assert_eq!(s002.len(), 1);
    assert!(s002[0].message.contains("has 8000 leaders"));
}

/// A street working committee holding the street that leads `n` community Party committees
/// and `n` Party groups (S004), and `n` agencies stationed in the street held by `n` units (B001, B002).
fn fan_out(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.unit(UnitSpec::new("w", "街道工委", UnitKind::PartyWorkingCommittee)).unwrap();
    b.link(LinkSpec::new("w", "st", LinkKind::Jurisdiction)).unwrap();
    for i in 0..n {
        b.unit(UnitSpec::new(format!("pc{i}"), format!("社区党委{i}"), UnitKind::PartyCommittee).located_in("st"))
            .unwrap();
        b.unit(UnitSpec::new(format!("pg{i}"), format!("党组{i}"), UnitKind::PartyGroup)).unwrap();
        b.link(LinkSpec::new("w", format!("pc{i}"), LinkKind::Leads)).unwrap();
        b.link(LinkSpec::new("w", format!("pg{i}"), LinkKind::Leads)).unwrap();
        b.unit(UnitSpec::new(format!("gov{i}"), format!("办事处{i}"), UnitKind::Government)).unwrap();
        b.link(LinkSpec::new(format!("gov{i}"), "st", LinkKind::Jurisdiction)).unwrap();
        b.unit(UnitSpec::new(format!("ag{i}"), format!("派出机构{i}"), UnitKind::DispatchedAgency).located_in("st"))
            .unwrap();
    }
    b.build().unwrap()
}

#[test]
fn s004_b001_b002_huge_fan_out_is_linear() {
    let (a, b) = (fan_out(500), fan_out(2000));
    let q = |m: &Model| measure(m, &["ag0", "pc0"], &["st"], &[]);
    grows_linearly("S004/B fan-out", q(&a), q(&b));
    let report = b.audit(&Config::default());
    assert_eq!(report.findings_of("S004").count(), 1);
    assert_eq!(report.findings_of("B002").count(), 2000);
    let b002 = report.findings_of("B002").next().unwrap();
    assert!(b002.message.contains("and 1993 other units (all listed by `responsible st`)"), "{}", b002.message);
}

/// One joint branch covering `n` enterprises of 1 member each (C004, C005, D001), and a
/// unit holding jurisdiction over `n` grids it registers nothing for.
fn joint_everything(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.unit(UnitSpec::new("jb", "联合支部", UnitKind::JointPartyBranch).located_in("comm")).unwrap();
    for i in 0..n {
        b.unit(
            UnitSpec::new(format!("e{i}"), format!("企业{i}"), UnitKind::Enterprise)
                .sector(Sector::Private)
                .located_in("comm")
                .members(60),
        )
        .unwrap();
        b.link(LinkSpec::new("jb", format!("e{i}"), LinkKind::PartyOrgOf)).unwrap();
        b.territory(TerritorySpec::new(format!("g{i}"), format!("网格{i}"), TerritoryKind::Grid).parent("comm"))
            .unwrap();
        b.link(LinkSpec::new("jb", format!("g{i}"), LinkKind::Jurisdiction)).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn c004_c005_d001_joint_branch_over_everything_is_linear() {
    let (a, b) = (joint_everything(1000), joint_everything(4000));
    let q = |m: &Model| measure(m, &["jb"], &["g0"], &[]);
    grows_linearly("joint branch over everything", q(&a), q(&b));
    let report = b.audit(&Config::default());
    assert_eq!(report.findings_of("C004").count(), 1);
    assert_eq!(report.findings_of("C005").count(), 1);
}

/// A chain of `n` Party committees above `n` departments that each lead matter `m` at the street.
fn many_leads(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.matter(MatterSpec::new("m", "事项", MatterList::Cooperating)).unwrap();
    for i in 0..n {
        b.unit(UnitSpec::new(format!("top{i}"), format!("党委{i}"), UnitKind::PartyCommittee)).unwrap();
        if i > 0 {
            b.link(LinkSpec::new(format!("top{i}"), format!("top{}", i - 1), LinkKind::Leads)).unwrap();
        }
    }
    for i in 0..n {
        b.unit(UnitSpec::new(format!("d{i}"), format!("部门{i}"), UnitKind::Department)).unwrap();
        b.link(LinkSpec::new("top0", format!("d{i}"), LinkKind::Leads)).unwrap();
        b.link(LinkSpec::new(format!("d{i}"), "m", LinkKind::Responsible).role(Role::Lead).scope("st")).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn dispatch_with_many_leads_explains_the_chain_above_once() {
    let (a, b) = (many_leads(300), many_leads(1200));
    let q = |m: &Model| measure(m, &["d0"], &["comm"], &[("m", "comm"), ("m", "st")]);
    grows_linearly("dispatch many leads", q(&a), q(&b));
    let d = b.dispatch("m", "comm").unwrap();
    assert_eq!(d.chains.len(), 1200);
    assert_eq!(d.chains[0].steps.len(), 1201);
    assert!(d.chains[0].joins.is_none());
    assert_eq!(d.chains[1].ids().collect::<Vec<_>>(), ["d1", "top0"]);
    assert_eq!(d.chains[1].joins.as_deref(), Some("top0"));
}

/// Units `0..n` in a line along `guides` with every one also guided by `hub`: a chain with a
/// branch at every step, on the strip line.
fn branchy(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.unit(UnitSpec::new("hub", "枢纽", UnitKind::Department)).unwrap();
    for i in 0..n {
        b.unit(UnitSpec::new(format!("u{i}"), format!("单位{i}"), UnitKind::Department)).unwrap();
        b.link(LinkSpec::new(format!("u{i}"), "comm", LinkKind::Jurisdiction)).unwrap();
    }
    for i in 0..n - 1 {
        b.link(LinkSpec::new(format!("u{}", i + 1), format!("u{i}"), LinkKind::Guides)).unwrap();
        b.link(LinkSpec::new("hub", format!("u{i}"), LinkKind::Guides)).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn chain_with_branches_and_crowded_block_are_linear() {
    let (a, b) = (branchy(1000), branchy(4000));
    let q = |m: &Model| measure(m, &["u0"], &["comm"], &[]);
    grows_linearly("chain with branches", q(&a), q(&b));
}

/// A generated model: `units` Party branches at community level with random leaders
/// (some primary), random joint-branch coverage, and random jurisdictions.
fn generated(units: usize, links: &[(usize, usize, u8)]) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    for i in 0..units {
        let kind = match i % 5 {
            0 => UnitKind::JointPartyBranch,
            1 => UnitKind::Enterprise,
            _ => UnitKind::PartyBranch,
        };
        let mut spec = UnitSpec::new(format!("u{i}"), format!("单位{i}"), kind).located_in("comm");
        if i % 5 == 1 {
            spec = spec.members(3).sector(Sector::Private);
        }
        b.unit(spec).unwrap();
    }
    for &(f, t, k) in links {
        let (f, t) = (f % units, t % units);
        let spec = match k % 4 {
            0 | 1 => LinkSpec::new(format!("u{f}"), format!("u{t}"), LinkKind::Leads).primary(k % 8 == 1),
            2 if f % 5 == 0 && t % 5 == 1 => LinkSpec::new(format!("u{f}"), format!("u{t}"), LinkKind::PartyOrgOf),
            _ => LinkSpec::new(format!("u{f}"), "comm", LinkKind::Jurisdiction),
        };
        b.link(spec).unwrap();
    }
    b.build().unwrap()
}

/// The documented bound: audit JSON bytes per byte of the model's JSON (models without matters).
const OUT_PER_INPUT: usize = 64;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random large shapes: the audit's JSON stays within OUT_PER_INPUT bytes per byte of the
    /// model's JSON, plus the report's fixed part, and every dispatch and chain within one model.
    #[test]
    fn audit_output_is_linear_in_the_model(
        units in 200usize..2000,
        links in prop::collection::vec((0usize..100_000, 0usize..100_000, 0u8..8), 0..4000),
    ) {
        let model = generated(units, &links);
        let input = model.to_json().len();
        let report = serde_json::to_string(&model.audit(&Config::default())).unwrap().len();
        prop_assert!(report <= OUT_PER_INPUT * input + 20_000, "report {report} bytes for a {input}-byte model");
        for (u, _) in model.units().take(50) {
            let c = serde_json::to_string(&chain(&model, u, Line::All)).unwrap().len();
            prop_assert!(c <= 4 * input + 1_000, "chain {c} bytes for a {input}-byte model");
        }
    }

    /// Long chains with a tail of community organisations hanging off every member: S003's
    /// output grows with the chain, not its square.
    #[test]
    fn s003_stays_linear_on_generated_chains(n in 100usize..1500, back in prop::option::of(0usize..100)) {
        let model = long_chain(n, back.is_some());
        let input = model.to_json().len();
        let report = serde_json::to_string(&model.audit(&Config::default())).unwrap().len();
        prop_assert!(report <= OUT_PER_INPUT * input, "report {report} bytes for a {input}-byte model");
    }
}

/// The check of the `output_linear` fuzz target (fuzz/fuzz_targets/output_linear.rs), with
/// its constants: bytes per byte of input, record and link, and the report's fixed part.
fn output_linear(data: &[u8]) {
    const C: usize = 64;
    const FIXED: usize = 64 * 1024;
    let Ok(model) = Model::from_json_bytes(data) else { return };
    let size = data.len() + model.len() + model.link_count();
    let report = model.audit(&Config::default());
    let per_pair = ["A001", "A002", "A003"];
    let mut rest = report.clone();
    rest.findings.retain(|f| !per_pair.contains(&f.rule));
    let bytes = serde_json::to_string(&rest).unwrap().len();
    assert!(bytes <= C * size + FIXED, "report of {bytes} bytes for input size {size}");
    for (node, _) in model.units().take(32) {
        for line in [Line::Leadership, Line::Strip, Line::All] {
            let b = serde_json::to_string(&chain(&model, node, line)).unwrap().len();
            assert!(b <= C * size + FIXED, "chain of {b} bytes for input size {size}");
        }
    }
    let places: Vec<Node> = model.territories().take(32).map(|(t, _)| t).collect();
    for (m, _) in model.matters().take(8) {
        for &t in places.iter().take(8) {
            let b = serde_json::to_string(&dispatch(&model, m, t)).unwrap().len();
            assert!(b <= C * size + FIXED, "dispatch of {b} bytes for input size {size}");
        }
    }
}

/// The committed seeds of the `output_linear` fuzz target pass its check (the adversarial
/// ones, 400 units each, broke it several times over before output was bounded).
#[test]
fn output_linear_seeds_respect_the_bound() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/output_linear");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        output_linear(&std::fs::read(&path).unwrap());
        seen += 1;
    }
    assert!(seen >= 6, "the seeds are in {}", dir.display());
}

/// `n` streets under one district and `n` departments holding the district, each leading
/// the basic matter `m` there: an A002 and an A003 finding per street, each about all `n` leads.
fn leads_over_streets(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.matter(MatterSpec::new("m", "事项", MatterList::Basic)).unwrap();
    for i in 0..n {
        b.territory(TerritorySpec::new(format!("s{i}"), format!("街道{i}"), TerritoryKind::Street).parent("dist"))
            .unwrap();
        b.unit(UnitSpec::new(format!("d{i}"), format!("部门{i}"), UnitKind::Department)).unwrap();
        b.link(LinkSpec::new(format!("d{i}"), "dist", LinkKind::Jurisdiction)).unwrap();
        b.link(LinkSpec::new(format!("d{i}"), "m", LinkKind::Responsible).role(Role::Lead)).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn a002_a003_many_leads_over_many_streets_are_named_once() {
    let (a, b) = (leads_over_streets(200), leads_over_streets(800));
    let q = |m: &Model| measure(m, &["d0"], &["s0"], &[("m", "s0")]);
    grows_linearly("A002/A003 leads over streets", q(&a), q(&b));
    let report = b.audit(&Config::default());
    let a002: Vec<&Finding> = report.findings_of("A002").collect();
    assert_eq!(a002.len(), 801, "every street/town, the first street of places() included");
    assert!(a002.iter().filter(|f| f.evidence.len() == 800).count() == 1, "the leads are listed once");
    assert!(a002.iter().all(|f| f.evidence.len() == 800 || f.evidence.len() == 8));
    assert!(a002[1].message.contains("and 792 others, the same as in the A002 finding for"), "{}", a002[1].message);
}

/// One unit holding `n` grids with an unscoped `responsible` link to each of `n` matters:
/// each link applies at every grid, n² (matter, territory) pairs, which the query index
/// used to table one by one (a 1 MB model could ask for gigabytes).
fn one_unit_everywhere(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.unit(UnitSpec::new("gov", "政府", UnitKind::Government)).unwrap();
    for i in 0..n {
        b.territory(TerritorySpec::new(format!("g{i}"), format!("网格{i}"), TerritoryKind::Grid).parent("comm"))
            .unwrap();
        b.link(LinkSpec::new("gov", format!("g{i}"), LinkKind::Jurisdiction)).unwrap();
        b.matter(MatterSpec::new(format!("m{i}"), format!("事项{i}"), MatterList::Basic)).unwrap();
        b.link(LinkSpec::new("gov", format!("m{i}"), LinkKind::Responsible).role(Role::Lead)).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn unscoped_links_over_many_territories_are_not_tabled_pair_by_pair() {
    let (a, b) = (one_unit_everywhere(500), one_unit_everywhere(2000));
    let q = |m: &Model| measure(m, &["gov"], &["g0"], &[("m0", "g0"), ("m1", "g1")]);
    grows_linearly("unscoped links everywhere", q(&a), q(&b));
    let d = b.dispatch("m7", "g1999").unwrap();
    assert_eq!((d.resolved_at.as_deref(), d.leads.len()), (Some("g1999"), 1));
    assert_eq!(d.evidence.len(), 2, "the responsible link and the jurisdiction link that makes it apply");
}

/// `n` enterprises of 3 members with no Party organisation (a C001 finding each), one of
/// them with an id of `10 n` characters: the audit table for people.
fn long_id_among_many(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    for i in 0..n {
        let id = if i == 0 { "e".repeat(10 * n) } else { format!("e{i}") };
        b.unit(UnitSpec::new(id, format!("企业{i}"), UnitKind::Enterprise).members(3).located_in("comm")).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn audit_table_with_one_very_long_id_is_linear() {
    // Before render::MAX_PAD every row was padded to the longest subject: n rows x 10 n.
    let table = |n| long_id_among_many(n).audit(&Config::default()).render().len();
    let (small, big) = (table(500), table(2_000));
    assert!(
        big < small * 6,
        "the table grew {:.1} times from n to 4n ({small} -> {big} bytes)",
        big as f64 / small as f64
    );
}

/// A street with a chain of `n` grids below it (`g0` inside the street, `g{i+1}` inside
/// `g{i}`), a second street beside it, and for each grid `g{i}` a firm located there with
/// its own Party branch `p{i}`. Branch `p{i}` registers with a community committee `r{i}`
/// holding grid `g{h(i)}` (or the other street when `h(i)` is `None`), and every fifth
/// branch holds a grid itself. Returns the model and the branches D001 must name,
/// worked out by walking each path by hand.
fn deep_registrations(n: usize) -> (Model, Vec<String>) {
    let mut b = ModelBuilder::new();
    places(&mut b);
    b.territory(TerritorySpec::new("st2", "另一街道", TerritoryKind::Street).parent("dist")).unwrap();
    for i in 0..n {
        let parent = if i == 0 { "st".to_string() } else { format!("g{}", i - 1) };
        b.territory(TerritorySpec::new(format!("g{i}"), format!("网格{i}"), TerritoryKind::Grid).parent(parent))
            .unwrap();
    }
    let mut expected = Vec::new();
    let mut x: u64 = 7;
    for i in 0..n {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        // Registered at a grid somewhere in the chain (above or below the firm), or elsewhere.
        let h = if r.is_multiple_of(7) { None } else { Some(r % n) };
        // Every fifth branch holds a grid itself (above or below its firm).
        let holds = i.is_multiple_of(5).then(|| (r / 7) % n);
        b.unit(
            UnitSpec::new(format!("f{i}"), format!("企业{i}"), UnitKind::Enterprise)
                .members(3)
                .located_in(format!("g{i}")),
        )
        .unwrap();
        b.unit(UnitSpec::new(format!("p{i}"), format!("支部{i}"), UnitKind::PartyBranch).located_in(format!("g{i}")))
            .unwrap();
        b.unit(UnitSpec::new(format!("r{i}"), format!("社区党委{i}"), UnitKind::PartyCommittee)).unwrap();
        b.link(LinkSpec::new(format!("p{i}"), format!("f{i}"), LinkKind::PartyOrgOf)).unwrap();
        b.link(LinkSpec::new(format!("p{i}"), format!("r{i}"), LinkKind::RegistersWith)).unwrap();
        let held = h.map_or("st2".to_string(), |h| format!("g{h}"));
        b.link(LinkSpec::new(format!("r{i}"), held, LinkKind::Jurisdiction)).unwrap();
        if let Some(t) = holds {
            b.link(LinkSpec::new(format!("p{i}"), format!("g{t}"), LinkKind::Jurisdiction)).unwrap();
        }
        // The firm's places are g{i}, g{i-1}, ..., g0 and the street: grid g{k} is one for k <= i.
        let exempt = holds.is_some_and(|t| t <= i);
        let registered = h.is_some_and(|h| h <= i);
        if !exempt && !registered {
            expected.push(format!("p{i}"));
        }
    }
    expected.sort();
    (b.build().unwrap(), expected)
}

#[test]
fn d001_under_a_deep_territory_tree_is_exact() {
    // Firms 0..8 below the street are walked; deeper ones answered by the Euler-tour sweep.
    for n in [3, 9, 10, 40, 300] {
        let (model, expected) = deep_registrations(n);
        let report = model.audit(&Config::default());
        let mut got: Vec<String> = report.findings_of("D001").map(|f| f.subject.clone()).collect();
        got.sort();
        assert_eq!(got, expected, "n = {n}");
    }
}

#[test]
fn d001_under_a_100000_deep_territory_tree_finishes() {
    // Walking every firm's places up to the street was 100,000 x 50,000 steps: 28 s of this
    // debug suite before the sweep, 0.6 s with it (measured once, not asserted).
    let (model, expected) = deep_registrations(100_000);
    let report = model.audit(&Config::default());
    assert_eq!(report.findings_of("D001").count(), expected.len());
}

/// `n` subjects of each rule not covered by a shape above: firms of 5 members with no
/// Party organisation (C001, C003), firms of 2 in no joint branch (C002), communities held
/// by nobody (C006, C007), grids held by nobody (C008), basic matters led by nobody
/// (A001), needs no project fulfils (L001) and resources no project uses (L002).
fn many_subjects(n: usize) -> Model {
    let mut b = ModelBuilder::new();
    places(&mut b);
    for i in 0..n {
        b.unit(
            UnitSpec::new(format!("f{i}"), format!("企业{i}"), UnitKind::Enterprise)
                .sector(Sector::Private)
                .members(5)
                .located_in("comm"),
        )
        .unwrap();
        b.unit(
            UnitSpec::new(format!("s{i}"), format!("小企业{i}"), UnitKind::Enterprise).members(2).located_in("comm"),
        )
        .unwrap();
        b.territory(TerritorySpec::new(format!("c{i}"), format!("社区{i}"), TerritoryKind::Community).parent("st"))
            .unwrap();
        b.territory(TerritorySpec::new(format!("g{i}"), format!("网格{i}"), TerritoryKind::Grid).parent("comm"))
            .unwrap();
        b.matter(MatterSpec::new(format!("m{i}"), format!("事项{i}"), MatterList::Basic)).unwrap();
        b.item(ItemSpec::new(format!("need{i}"), format!("需求{i}"), ItemList::Need)).unwrap();
        b.item(ItemSpec::new(format!("res{i}"), format!("资源{i}"), ItemList::Resource)).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn every_other_rule_is_linear_in_its_subjects() {
    let q = |m: &Model| measure(m, &["f0", "s0"], &["g0", "c0", "comm"], &[("m0", "st"), ("m0", "g0")]);
    let (a, b) = (many_subjects(300), many_subjects(1_200));
    grows_linearly("C001-C003, C006-C008, A001, L001, L002 subjects", q(&a), q(&b));
    let report = b.audit(&Config::default());
    for rule in ["C001", "C002", "C003", "C006", "C007", "C008", "A001", "L001", "L002"] {
        assert!(report.findings_of(rule).count() >= 1_200, "{rule} fires for every subject");
    }
}
