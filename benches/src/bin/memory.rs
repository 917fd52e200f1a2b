//! Measures the memory a built model takes per record: a counting allocator
//! records the bytes live after `Model::from_json` minus those before it.
//!
//! `cargo run --release -p tiaokuai-benches --bin memory -- [district|city|national]`

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

fn main() {
    let scale = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(tiaokuai_benches::scale_from_env);
    let text = tiaokuai_benches::model(scale).to_json();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = std::time::Instant::now();
    let model = tiaokuai::Model::from_json(&text).expect("generated models load");
    let elapsed = start.elapsed();
    let after = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    let records = model.len();
    let links = model.link_count();
    let bytes = after - before;
    println!("scale {scale}: {records} records, {links} links, JSON {} bytes", text.len());
    println!("load: {:.3} s", elapsed.as_secs_f64());
    println!(
        "model: {bytes} bytes = {:.1} bytes per record, {:.1} bytes per record+link",
        bytes as f64 / records as f64,
        bytes as f64 / (records + links) as f64
    );
    println!(
        "peak during load: {} bytes = {:.2}x the JSON size",
        peak - before,
        (peak - before) as f64 / text.len() as f64
    );
    drop(model);
}
