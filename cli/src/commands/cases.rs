//! `tiaokuai cases MODEL LOG` and `tiaokuai generate-cases MODEL`: case logs against the model.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use tiaokuai::Model;
use tiaokuai::cases::{self, Analysis, CaseTable, Measures, Options};

use super::{CmdResult, Failure, Out, file_output, load, load_config};
use crate::{CsvFormulas, Format};

/// What `cases` was asked for.
pub struct CasesArgs<'a> {
    pub model: &'a str,
    pub log: &'a str,
    pub format: Format,
    pub table: Option<CaseTable>,
    pub on_time: f64,
    pub config: Option<&'a str>,
    pub output: Option<&'a str>,
    pub formulas: CsvFormulas,
    pub progress: bool,
}

/// A progress line on standard error, when it is a terminal.
fn progress_bar(log: &str) -> Option<impl Fn(u64, u64) + Send + Sync + 'static> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let name = tiaokuai::render::escape_terminal(log).into_owned();
    Some(move |done: u64, total: u64| {
        let mb = |b: u64| b as f64 / (1u64 << 20) as f64;
        let line = if total > 0 {
            let share = (done as f64 / total as f64).min(1.0);
            let filled = (share * 30.0) as usize;
            format!(
                "\r{name} [{}{}] {:>3.0}% {:.0}/{:.0} MB",
                "#".repeat(filled),
                " ".repeat(30 - filled),
                share * 100.0,
                mb(done),
                mb(total)
            )
        } else {
            format!("\r{name}: {:.0} MB read", mb(done))
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        if total > 0 && done >= total {
            let _ = err.write_all(b"\r\x1b[2K");
        }
        let _ = err.flush();
    })
}

pub fn cases(args: CasesArgs<'_>) -> CmdResult {
    if !(args.on_time.is_finite() && args.on_time >= 0.0) {
        return Err(Failure::Usage(format!("--on-time {}: use a number of days, 0 or more", args.on_time)));
    }
    let output = file_output(args.output)?;
    let mut options = Options::default().on_time(args.on_time).keep_cases(args.table == Some(CaseTable::Cases));
    options.config = load_config(args.config)?;
    // Only the grouped table written is gathered: the summary (and the findings,
    // problems and cases tables) come whatever is asked, the other groups' fold is spared.
    options = match (args.format, args.table) {
        (Format::Table, _) => options.tables([]),
        (Format::Csv, which) => options.tables([which.unwrap_or(CaseTable::Territory)]),
        (Format::Json, Some(which)) => options.tables([which]),
        (Format::Json, None) => options,
    };
    if args.progress
        && let Some(bar) = progress_bar(args.log)
    {
        options = options.progress(bar);
    }
    let result = if args.log == "-" {
        cases::analyse(load(Some(args.model))?, std::io::stdin().lock(), "stdin", &options)?
    } else {
        // The model loads on a second thread while the log is read.
        cases::analyse_path_loading(|| load(Some(args.model)), args.log, &options)?
    };
    let mut bytes = Vec::new();
    match args.format {
        Format::Table => summary(&mut bytes, args.log, &result)?,
        Format::Csv => {
            let t = result.table(args.table.unwrap_or(CaseTable::Territory));
            t.write_csv(&mut bytes, args.formulas.into())?;
        }
        Format::Json => {
            let value = match args.table {
                Some(which) => result.table(which).to_json_rows(),
                None => result.to_json(),
            };
            bytes = serde_json::to_vec_pretty(&value).map_err(|e| e.to_string())?;
            bytes.push(b'\n');
        }
    }
    match output {
        Some(path) => tiaokuai::format::write_atomic(Path::new(path), |w| {
            w.write_all(&bytes).map_err(|e| tiaokuai::Error::Io {
                path: path.to_string(),
                message: e.to_string(),
                io_kind: e.kind(),
            })
        })?,
        None => {
            let mut out = if args.format == Format::Table { Out::human() } else { Out::new() };
            out.text(&String::from_utf8_lossy(&bytes))?;
            out.done()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn share(n: u64, of: u64) -> String {
    if of == 0 { "-".into() } else { format!("{:.1}%", n as f64 * 100.0 / of as f64) }
}

fn days(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |d| format!("{d:.2} days"))
}

fn line_of(m: &Measures) -> String {
    format!(
        "{} cases, misrouted {}, gaps {}, returns {:.2} a case, dispatch → close {}, on time {}",
        thousands(m.cases),
        share(m.misrouted, m.cases),
        share(m.gap_no_lead + m.gap_several_leads, m.cases),
        if m.cases == 0 { 0.0 } else { m.returns as f64 / m.cases as f64 },
        days(m.mean_close_days()),
        m.on_time_share().map_or_else(|| "-".into(), |s| format!("{:.1}%", s * 100.0)),
    )
}

/// The short summary for people.
fn summary(w: &mut Vec<u8>, log: &str, r: &Analysis) -> Result<(), Failure> {
    let s = &r.summary;
    let a = &s.all;
    writeln!(
        w,
        "{log}: {} rows, {} cases judged against {} view(s) of the model, {} problem row(s)",
        thousands(s.rows),
        thousands(a.cases),
        s.views,
        thousands(s.problems)
    )?;
    for (name, n) in [
        ("right", a.right),
        ("misrouted", a.misrouted),
        ("gap: no lead", a.gap_no_lead),
        ("gap: several leads", a.gap_several_leads),
        ("unknown ids", a.unknown),
        ("never dispatched", a.undispatched),
    ] {
        writeln!(w, "  {name:<20}{:>12}  {:>6}", thousands(n), share(n, a.cases))?;
    }
    writeln!(
        w,
        "returns {} ({} cases), re-dispatches {}, A→B→A cycles {}",
        thousands(a.returns),
        thousands(a.returned_cases),
        thousands(a.redispatches),
        thousands(a.cycles)
    )?;
    writeln!(
        w,
        "report → dispatch {}, dispatch → close {} (means); closed {}, on time (≤ {} days) {}; open at the end {}",
        days(a.mean_dispatch_days()),
        days(a.mean_close_days()),
        thousands(a.closed),
        s.on_time_days,
        share(a.on_time, a.closed),
        thousands(a.open)
    )?;
    if let Some(sat) = a.mean_satisfaction() {
        writeln!(w, "satisfaction {sat:.2} of 5 ({} scored)", thousands(a.satisfaction_n))?;
    }
    writeln!(w, "territory or lead unit with audit findings: {}", line_of(&s.with_findings))?;
    writeln!(w, "without findings:                           {}", line_of(&s.without_findings))?;
    if !r.problems.is_empty() {
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for p in &r.problems {
            match kinds.iter_mut().find(|(k, _)| *k == p.kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((p.kind, 1)),
            }
        }
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(w, "problems: {}", list.join(", "))?;
        for p in r.problems.iter().take(5) {
            writeln!(w, "  row {} case {:?}: {}", p.row, p.case, p.message)?;
        }
        if r.problems.len() > 5 {
            writeln!(w, "  … {} more: --format csv --table problems", r.problems.len() - 5)?;
        }
    }
    Ok(())
}

/// `generate-cases MODEL --cases N`.
pub fn generate(model: &str, options: &cases::GenerateOptions, output: Option<&str>, key: Option<&str>) -> CmdResult {
    let output = file_output(output)?;
    let key = file_output(key)?;
    generate_for(load(Some(model))?, options, output, key)
}

/// Writes a log of `options.cases` cases for `model` to `output` (standard output when
/// `None`) and its answer key to `key`, each atomically: `generate-cases`, and
/// `generate --cases` for the model it has just generated. The paths are checked already.
pub fn generate_for(
    model: &Model,
    options: &cases::GenerateOptions,
    output: Option<&str>,
    key: Option<&str>,
) -> CmdResult {
    let key = key.map(Path::new);
    let made = match output {
        Some(path) => cases::generate_to(model, options, Path::new(path), key)?,
        None => {
            let mut out = Out::new();
            let made = cases::generate_keyed(model, options, &mut out.w, key)?;
            out.done()?;
            made
        }
    };
    eprintln!("{} cases, {} events written", made.cases, made.events);
    Ok(ExitCode::SUCCESS)
}
