//! Opening a model image (issue #19): the time from nothing to the first answer.
//!
//! `image_open MODEL [UNIT]` opens MODEL (a `.tkz` image, or any model `Model::load` reads,
//! for comparison), answers the leadership chain of UNIT (the middle unit when not given),
//! and prints one line of JSON: the open and the first answer in milliseconds, and the
//! process's resident and proportional set sizes (Linux: `/proc/self/smaps_rollup`).
//! With `--hold` it then waits for its standard input to close, so that a driver can measure
//! several processes holding the model at once (benches/image/pss.py); with `--no-map` an
//! image is read into memory rather than mapped (`LoadOptions::map(false)`). The line also
//! gives the bytes of the model's tables that point into the mapped file.
//!
//! `cargo run --release -p tiaokuai --example image_open -- national.tkz`

use std::time::Instant;

use tiaokuai::{Line, LoadOptions, Model, RecordType};

/// `Rss` and `Pss` of this process in kB, from `/proc/self/smaps_rollup` (0 elsewhere).
fn rss_pss() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hold = args.iter().any(|a| a == "--hold");
    let map = !args.iter().any(|a| a == "--no-map");
    let args: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: image_open MODEL [UNIT] [--hold] [--no-map]");
        std::process::exit(2);
    };
    let start = Instant::now();
    let model = Model::load_with(path, &LoadOptions::default().map(map)).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let opened = start.elapsed();
    let unit = match args.get(1) {
        Some(id) => id.to_string(),
        None => {
            let n = model.count(RecordType::Unit);
            model.units().nth(n / 2).map(|(_, u)| u.id().to_string()).unwrap_or_default()
        }
    };
    let chain = model.chain(&unit, Line::Leadership).map(|c| c.steps.len()).unwrap_or(0);
    let answered = start.elapsed();
    let (rss, pss) = rss_pss();
    println!(
        "{{\"open_ms\": {:.1}, \"first_answer_ms\": {:.1}, \"chain_steps\": {chain}, \"rss_kb\": {rss}, \"pss_kb\": {pss}, \"mapped_bytes\": {}}}",
        opened.as_secs_f64() * 1e3,
        answered.as_secs_f64() * 1e3,
        model.mapped_bytes()
    );
    if hold {
        use std::io::Read;
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
    }
}
