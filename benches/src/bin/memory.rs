//! Measures memory with a counting allocator (live bytes and their peak):
//!
//! - the model's size per record: the bytes live after `Model::from_json` minus those before;
//! - the peak during loading, relative to the input's size: from text already in
//!   memory (`from_json`), and from a file (`Model::load`: the file's bytes are read
//!   into memory first, so they count), for the JSON file and the CSV bundle;
//! - with `words N`: what N distinct custom `x-` words cost, which the interner keeps
//!   for the life of the process (the words survive the model that brought them).
//!
//! `cargo run --release -p tiaokuai-benches --bin memory -- [district|city|national]`
//! `cargo run --release -p tiaokuai-benches --bin memory -- words 1000000`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f`, returning its result, the bytes it left live and its peak above the start.
/// The model's largest table read at random (the id index) lives in a mapping of its own on
/// Linux, which the allocator does not see: its bytes are added (to the peak as well, as held
/// at the end).
fn measure<T>(f: impl FnOnce() -> T) -> (T, isize, usize) {
    let tables = tiaokuai::model::huge::mapped_bytes;
    let before = LIVE.load(Ordering::Relaxed);
    let mapped = tables();
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    let after = LIVE.load(Ordering::Relaxed);
    let more = tables() as isize - mapped as isize;
    let peak = (PEAK.load(Ordering::Relaxed) - before) as isize + more.max(0);
    (out, after as isize - before as isize + more, peak as usize)
}

fn mb(bytes: impl TryInto<u64>) -> String {
    format!("{:.1} MB", bytes.try_into().unwrap_or(0) as f64 / 1e6)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("words") {
        let n = args.next().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
        return words(n);
    }
    let scale = first.and_then(|s| s.parse().ok()).unwrap_or_else(tiaokuai_benches::scale_from_env);
    // `people` and `history` after the scale: the generator's people and history layers.
    let layers: Vec<String> = args.collect();
    let layer = |l: &str| layers.iter().any(|a| a == l);
    let text = tiaokuai::generate::GenerateOptions::new(scale, tiaokuai_benches::SEED)
        .people(layer("people"))
        .history(layer("history"))
        .generate()
        .expect("the generator builds every built-in scale")
        .to_json();
    let size = text.len();
    let start = std::time::Instant::now();
    let (model, bytes, peak) = measure(|| tiaokuai::Model::from_json(&text).expect("generated models load"));
    let elapsed = start.elapsed();
    let records = model.len();
    let links = model.link_count();
    println!("scale {scale}: {records} records, {links} links, JSON {size} bytes");
    println!("load: {:.3} s", elapsed.as_secs_f64());
    println!(
        "model: {bytes} bytes = {:.1} bytes per record, {:.1} bytes per record+link",
        bytes as f64 / records as f64,
        bytes as f64 / (records + links) as f64
    );
    println!(
        "peak during from_json (text already in memory): {} = {:.2}x the JSON size",
        mb(peak),
        peak as f64 / size as f64
    );

    // From files: the bytes read count, as they do for a user.
    let dir = std::env::temp_dir().join(format!("tiaokuai-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let file = dir.join("model.json");
    std::fs::write(&file, &text).expect("the JSON file is written");
    let bundle = dir.join("bundle");
    model.write_csv_dir(&bundle).expect("the CSV bundle is written");
    drop((text, model));
    let (model, _, peak) = measure(|| tiaokuai::Model::load(&file).expect("the file loads"));
    println!("peak during load(file.json): {} = {:.2}x the file size", mb(peak), peak as f64 / size as f64);
    drop(model);
    let csv: u64 = std::fs::read_dir(&bundle)
        .expect("the bundle")
        .map(|e| e.map_or(0, |e| e.metadata().map_or(0, |m| m.len())))
        .sum();
    let (model, _, peak) = measure(|| tiaokuai::Model::load(&bundle).expect("the bundle loads"));
    println!("peak during load(bundle/): {} = {:.2}x the bundle's {} bytes", mb(peak), peak as f64 / csv as f64, csv);
    drop(model);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cost of `n` distinct custom words, which are never freed.
fn words(n: usize) {
    use tiaokuai::{CustomWord, Model, UnitKind, UnitSpec};
    // Interned directly.
    let (_, kept, _) = measure(|| {
        for i in 0..n {
            let _ = CustomWord::from(format!("x-word-{i:07}"));
        }
    });
    println!(
        "{n} distinct custom words interned: {} kept = {:.1} bytes per word (words of 13 bytes)",
        mb(kept),
        kept as f64 / n as f64
    );
    // Through a model: each unit of its own custom kind; the words outlive the model.
    let (_, kept, peak) = measure(|| {
        let mut b = Model::builder();
        for i in 0..n {
            let kind = UnitKind::Custom(CustomWord::from(format!("x-kind-{i:07}")));
            b.unit(UnitSpec::new(format!("u{i}"), "u", kind)).expect("distinct ids");
        }
        let model = b.build().expect("a valid model");
        drop(model);
    });
    println!(
        "a model of {n} units each of its own custom kind, built and dropped: {} still kept = {:.1} bytes per word (peak {})",
        mb(kept),
        kept as f64 / n as f64,
        mb(peak)
    );
}
