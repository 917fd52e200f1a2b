//! What the Rust peers of `make compare` share with the Python ones (`benches/compare/shared.py`):
//! the data files, the timing protocol, the answer checks and the result file.
//!
//! The operations and the files are defined in `benches/compare/shared.py`; this
//! module follows it exactly, so that the figures and checks of every system
//! compare like with like.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value, json};

/// Queries per timed batch: the median is taken over batch means (as in `shared.py`).
pub const BATCH: usize = 100;

/// One entry of `sample.csv`: a unit, and a (matter, territory) pair, as node indices.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// A unit (for the chain walk and the ancestors).
    pub unit: u32,
    /// A matter (for the dispatch-like lookup).
    pub matter: u32,
    /// A territory (for the dispatch-like lookup).
    pub territory: u32,
}

/// An error reading the comparison's data, naming the file and line.
pub fn bad(path: &Path, line: usize, message: impl std::fmt::Display) -> String {
    format!("{}:{line}: {message}", path.display())
}

/// The lines of a CSV file after its header, split on commas (the data step never quotes),
/// each with its 1-based line number; every row must have `columns` fields.
///
/// # Errors
/// When the file cannot be read or a row has another number of fields.
pub fn csv_rows(
    path: &Path,
    columns: usize,
    mut row: impl FnMut(usize, &[&str]) -> Result<(), String>,
) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| format!("{}: {e}", path.display()))? == 0 {
            return Ok(());
        }
        number += 1;
        if number == 1 {
            continue;
        }
        // Up to 8 fields without allocating: the comparison's files have 6 or 7.
        let mut fields = [""; 8];
        let mut count = 0;
        for f in line.trim_end_matches(['\n', '\r']).split(',') {
            if count < fields.len() {
                fields[count] = f;
            }
            count += 1;
        }
        if count != columns || columns > fields.len() {
            return Err(bad(path, number, format!("expected {columns} fields, found {count}")));
        }
        row(number, &fields[..count])?;
    }
}

/// A field as a number, or `None` when empty.
///
/// # Errors
/// When the field is neither empty nor a number.
pub fn opt_u32(path: &Path, line: usize, name: &str, field: &str) -> Result<Option<u32>, String> {
    if field.is_empty() {
        return Ok(None);
    }
    field.parse().map(Some).map_err(|_| bad(path, line, format!("{name}: expected a number, found {field:?}")))
}

/// A field as a number.
///
/// # Errors
/// When the field is not a number.
pub fn req_u32(path: &Path, line: usize, name: &str, field: &str) -> Result<u32, String> {
    opt_u32(path, line, name, field)?.ok_or_else(|| bad(path, line, format!("{name}: missing")))
}

/// The sample every system queries (`sample.csv` in the data folder).
///
/// # Errors
/// When the file cannot be read or a field is not a number.
pub fn read_sample(data: &Path) -> Result<Vec<Sample>, String> {
    let path = data.join("sample.csv");
    let mut out = Vec::new();
    csv_rows(&path, 7, |line, f| {
        out.push(Sample {
            unit: req_u32(&path, line, "unit", f[1])?,
            matter: req_u32(&path, line, "matter", f[3])?,
            territory: req_u32(&path, line, "territory", f[5])?,
        });
        Ok(())
    })?;
    Ok(out)
}

/// Median time per query, in ns: `rounds` passes over `items` in batches of [`BATCH`]
/// consecutive queries, the median of the batches' mean time per query. The answer of
/// each query is passed to [`black_box`] and dropped inside the timed loop.
pub fn time_queries<T: Copy, R>(items: &[T], rounds: usize, mut f: impl FnMut(T) -> R) -> f64 {
    let mut per = Vec::with_capacity(rounds * items.len() / BATCH);
    for _ in 0..rounds {
        for batch in items.chunks_exact(BATCH) {
            let start = Instant::now();
            for &x in batch {
                black_box(f(black_box(x)));
            }
            per.push(start.elapsed().as_nanos() as f64 / batch.len() as f64);
        }
    }
    median(&mut per)
}

/// Median wall time of `runs` calls of `f`, in ns (the answer is dropped inside the timing).
pub fn time_runs<R>(runs: usize, mut f: impl FnMut() -> R) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_nanos() as f64
        })
        .collect();
    median(&mut times)
}

/// The median of some numbers (the mean of the middle two for an even count; 0 for none).
pub fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// The peak resident memory of this process so far, in MiB (`VmHWM` of `/proc/self/status`), if readable.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The check of the chain walk over the sample: paths of node indices with their cycle flags.
pub fn chain_check<'a>(paths: impl IntoIterator<Item = (&'a [u32], bool)>) -> Value {
    let (mut walks, mut units, mut cycles, mut sum) = (0u64, 0u64, 0u64, 0u64);
    for (p, cycle) in paths {
        walks += 1;
        units += p.len() as u64;
        cycles += u64::from(cycle);
        sum += p.iter().map(|&x| u64::from(x)).sum::<u64>();
    }
    json!({"walks": walks, "units": units, "cycles": cycles, "index_sum": sum})
}

/// The check of the ancestors query over the sample: each answer a set of node indices.
pub fn ancestors_check<'a>(sets: impl IntoIterator<Item = &'a [u32]>) -> Value {
    let (mut queries, mut units, mut sum) = (0u64, 0u64, 0u64);
    for s in sets {
        queries += 1;
        units += s.len() as u64;
        sum += s.iter().map(|&x| u64::from(x)).sum::<u64>();
    }
    json!({"queries": queries, "units": units, "index_sum": sum})
}

/// The check of the dispatch-like lookup: each answer a territory (or none) and the lead links there.
pub fn dispatch_check<'a>(answers: impl IntoIterator<Item = (Option<u32>, &'a [u32])>) -> Value {
    let (mut queries, mut resolved, mut at_sum, mut leads, mut link_sum) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for (at, links) in answers {
        queries += 1;
        if let Some(t) = at {
            resolved += 1;
            at_sum += u64::from(t);
        }
        leads += links.len() as u64;
        link_sum += links.iter().map(|&x| u64::from(x)).sum::<u64>();
    }
    json!({"queries": queries, "resolved": resolved, "at_sum": at_sum, "leads": leads, "link_sum": link_sum})
}

/// What a peer reports, written as JSON for `benches/compare/run.py`.
#[derive(Debug)]
pub struct Report {
    doc: Map<String, Value>,
    ops: Map<String, Value>,
    notes: Vec<Value>,
}

impl Report {
    /// A report for a system at a version.
    pub fn new(system: &str, version: &str) -> Report {
        let mut doc = Map::new();
        doc.insert("system".into(), system.into());
        doc.insert("version".into(), version.into());
        Report { doc, ops: Map::new(), notes: Vec::new() }
    }

    /// Sets a top-level field (`load_s`, `peak_rss_mib`, …).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.doc.insert(key.into(), value.into());
    }

    /// Records an operation's median time per query (ns) and its check (or `Value::Null`).
    pub fn op(&mut self, name: &str, median_ns: f64, check: Value) {
        let mut entry = Map::new();
        entry.insert("median_ns".into(), median_ns.into());
        if !check.is_null() {
            entry.insert("check".into(), check);
        }
        self.ops.insert(name.into(), Value::Object(entry));
    }

    /// Adds a note shown under the table.
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(Value::String(text.into()));
    }

    /// Writes the report to a file.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(mut self, path: &Path) -> Result<(), String> {
        self.doc.insert("ops".into(), Value::Object(self.ops));
        self.doc.insert("notes".into(), Value::Array(self.notes));
        let text = serde_json::to_string_pretty(&Value::Object(self.doc)).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The command line the comparison's Rust peers take: `--data DIR --out FILE [--rounds N] [--runs N] [--json FILE]`.
#[derive(Debug, Clone)]
pub struct Args {
    /// The data folder (nodes.csv, edges.csv, sample.csv).
    pub data: std::path::PathBuf,
    /// Where to write the report.
    pub out: std::path::PathBuf,
    /// The model as tiaokuai/1 JSON (tiaokuai only).
    pub json: Option<std::path::PathBuf>,
    /// Passes over the sample per timed query.
    pub rounds: usize,
    /// Timed runs of each scan and audit.
    pub runs: usize,
}

impl Args {
    /// Parses the process's arguments.
    ///
    /// # Errors
    /// On an unknown option or a missing or malformed value.
    pub fn parse() -> Result<Args, String> {
        let mut args = std::env::args().skip(1);
        let (mut data, mut out, mut json) = (None, None, None);
        let (mut rounds, mut runs) = (20, 11);
        while let Some(a) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
            match a.as_str() {
                "--data" => data = Some(value()?.into()),
                "--out" => out = Some(value()?.into()),
                "--json" => json = Some(value()?.into()),
                "--rounds" => rounds = value()?.parse().map_err(|_| "--rounds: expected a number".to_string())?,
                "--runs" => runs = value()?.parse().map_err(|_| "--runs: expected a number".to_string())?,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(Args {
            data: data.ok_or("--data DIR is required")?,
            out: out.ok_or("--out FILE is required")?,
            json,
            rounds: rounds.max(1),
            runs: runs.max(1),
        })
    }
}
