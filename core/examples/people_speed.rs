//! People at scale (issue #14): the generator's model with and without `--people`
//! (same seed, same structure), measured in one run, alternating A and B so a loaded
//! machine slows both alike:
//!
//! - **load**: `Model::load` of each written JSON (median of 3), and the ratio; then
//!   `Model::open` of each model's image (`convert --to image`) likewise;
//! - **chain**: the leadership chain of the same units in both (ns per chain; with
//!   people each step names its principal), after the first principal asked for has
//!   gathered every unit's single-holder posts (timed on its own);
//! - **audit**: the people model audited with the P rules on and off (what P001–P005
//!   add; medians of 5, after an untimed audit of each model, the order of each pair
//!   alternating), and the model without people likewise (the P rules return at once: it
//!   pays nothing).
//!
//! Beside each wall-clock time it prints the CPU time spent (on Linux: the thread's for the
//! chain and the audit, the process's for the load), which a machine shared with other jobs
//! inflates far less than the wall clock.
//!
//! `cargo run --release -p tiaokuai --example people_speed -- [district|city|national] [SEED]`

use std::time::Instant;

use tiaokuai::generate::{GenerateOptions, Scale};
use tiaokuai::{Config, Line, Model, RecordType};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The CPU time of this thread (`thread`) or of the process, in seconds: `clock_gettime` with
/// Linux's per-thread and per-process CPU clocks, which count to the nanosecond (the
/// `/proc/thread-self/schedstat` read before only moved at the scheduler's tick, 4 ms here, so
/// ten thousand chains of a microsecond read as 0 or 800 ns); 0 elsewhere.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu(thread: bool) -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        // From the C library std already links; `clockid_t` is an `int` on Linux.
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    // CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID.
    let clock = if thread { 3 } else { 2 };
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `t` is a valid, writable timespec of the C layout (64-bit Linux: two 64-bit fields).
    if unsafe { clock_gettime(clock, &mut t) } != 0 {
        return 0.0;
    }
    t.sec as f64 + t.nsec as f64 / 1e9
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu(_thread: bool) -> f64 {
    0.0
}

/// Wall-clock and CPU seconds of `f` (the CPU time of this thread, or with `process` of all).
fn timed(process: bool, f: impl FnOnce()) -> (f64, f64) {
    let (t, c) = (Instant::now(), cpu(!process));
    f();
    (t.elapsed().as_secs_f64(), cpu(!process) - c)
}

fn secs(f: impl FnOnce()) -> f64 {
    timed(false, f).0
}

/// The medians of the wall-clock and the CPU times.
fn medians(xs: Vec<(f64, f64)>) -> (f64, f64) {
    (median(xs.iter().map(|x| x.0).collect()), median(xs.iter().map(|x| x.1).collect()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let scale: Scale = args.next().as_deref().unwrap_or("city").parse()?;
    let seed: u64 = args.next().as_deref().unwrap_or("2024").parse()?;
    let dir = std::env::temp_dir().join(format!("tiaokuai-people-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (a_path, b_path) = (dir.join("plain.json"), dir.join("people.json"));
    let t = Instant::now();
    GenerateOptions::new(scale, seed).generate()?.save(&a_path)?;
    let gen_a = t.elapsed().as_secs_f64();
    let t = Instant::now();
    GenerateOptions::new(scale, seed).people(true).generate()?.save(&b_path)?;
    let gen_b = t.elapsed().as_secs_f64();
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        la.push(timed(true, || drop(Model::load(&a_path))));
        lb.push(timed(true, || drop(Model::load(&b_path))));
    }
    let ((la, la_cpu), (lb, lb_cpu)) = (medians(la), medians(lb));
    let a = Model::load(&a_path)?;
    let b = Model::load(&b_path)?;
    // The same models as images (`tiaokuai convert --to image`), opened alternately.
    let (a_image, b_image) = (dir.join("plain.tkz"), dir.join("people.tkz"));
    a.write_image(std::fs::File::create(&a_image)?)?;
    b.write_image(std::fs::File::create(&b_image)?)?;
    let (mut oa, mut ob) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        oa.push(timed(true, || drop(Model::open(&a_image))));
        ob.push(timed(true, || drop(Model::open(&b_image))));
    }
    let ((oa, oa_cpu), (ob, ob_cpu)) = (medians(oa), medians(ob));
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{scale} seed {seed}: without people {} records, {} links; with people {} records ({} people), {} links",
        a.len(),
        a.link_count(),
        b.len(),
        b.count(RecordType::Person),
        b.link_count()
    );
    println!("generate+save: {gen_a:.2} s without, {gen_b:.2} s with people");
    println!("load: {la:.3} s without, {lb:.3} s with people: ratio {:.3}", lb / la);
    println!("load, CPU time: {la_cpu:.2} s without, {lb_cpu:.2} s with people: ratio {:.3}", lb_cpu / la_cpu);
    println!("image open: {oa:.3} s without, {ob:.3} s with people: ratio {:.3}", ob / oa);
    println!("image open, CPU time: {oa_cpu:.2} s without, {ob_cpu:.2} s with people: ratio {:.3}", ob_cpu / oa_cpu);
    let units: Vec<String> = a.units().step_by(97).take(10_000).map(|(n, _)| a.id(n).to_string()).collect();
    let chain = |m: &Model| {
        let (wall, cpu) = timed(false, || {
            for u in &units {
                std::hint::black_box(m.chain(u, Line::Leadership).ok());
            }
        });
        (wall / units.len() as f64, cpu / units.len() as f64)
    };
    // The first principal asked for gathers every unit's single-holder posts (once per document).
    let first = secs(|| drop(std::hint::black_box(b.principal_of(&units[0]))));
    println!("first principal (gathers the posts of every unit once): {:.1} ms", first * 1e3);
    let (mut ca, mut cb) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        ca.push(chain(&a));
        cb.push(chain(&b));
    }
    let ((ca, ca_cpu), (cb, cb_cpu)) = (medians(ca), medians(cb));
    println!(
        "chain ({} units): {:.0} ns without, {:.0} ns with principals: ratio {:.3}",
        units.len(),
        ca * 1e9,
        cb * 1e9,
        cb / ca
    );
    println!(
        "chain, CPU time: {:.0} ns without, {:.0} ns with principals: ratio {:.3}",
        ca_cpu * 1e9,
        cb_cpu * 1e9,
        cb_cpu / ca_cpu
    );
    let on = Config::default();
    let off = Config::from_json_str(
        r#"{"rules": {"P001": "off", "P002": "off", "P003": "off", "P004": "off", "P005": "off"}}"#,
    )?;
    // On one thread: on several, the P rules run beside the other families and their cost hides.
    let audit = |m: &Model, c: &Config| timed(false, || drop(std::hint::black_box(m.audit_on(c, 1))));
    // The first audits of a model in a process are slower (the memory they allocate is fresh
    // pages, then reused), and whichever of a pair runs first pays more of that: one audit of
    // each model first, untimed, then the pairs in alternating order (on-off, off-on, …).
    audit(&b, &on);
    audit(&a, &on);
    let (mut b_on, mut b_off, mut a_on, mut a_off) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..5 {
        if round % 2 == 0 {
            b_on.push(audit(&b, &on));
            b_off.push(audit(&b, &off));
            a_on.push(audit(&a, &on));
            a_off.push(audit(&a, &off));
        } else {
            a_off.push(audit(&a, &off));
            a_on.push(audit(&a, &on));
            b_off.push(audit(&b, &off));
            b_on.push(audit(&b, &on));
        }
    }
    let ((b_on, b_on_cpu), (b_off, b_off_cpu)) = (medians(b_on), medians(b_off));
    let ((a_on, a_on_cpu), (a_off, a_off_cpu)) = (medians(a_on), medians(a_off));
    println!(
        "audit with people: {:.0} ms P rules on, {:.0} ms off: the P rules add {:.1} %",
        b_on * 1e3,
        b_off * 1e3,
        (b_on / b_off - 1.0) * 100.0
    );
    println!(
        "audit without people: {:.0} ms P rules on, {:.0} ms off: ratio {:.3}",
        a_on * 1e3,
        a_off * 1e3,
        a_on / a_off
    );
    println!(
        "audit, CPU time: with people {:.0} / {:.0} ms (P rules add {:.1} %); without people {:.0} / {:.0} ms (ratio {:.3})",
        b_on_cpu * 1e3,
        b_off_cpu * 1e3,
        (b_on_cpu / b_off_cpu - 1.0) * 100.0,
        a_on_cpu * 1e3,
        a_off_cpu * 1e3,
        a_on_cpu / a_off_cpu
    );
    Ok(())
}
