//! `tiaokuai`: audit, query, convert and generate governance models from the command line.
//!
//! With no FILE, commands use the sample model compiled into the binary
//! (Baoshan district, Shanghai). Errors go to stderr, one line per problem;
//! exit codes, as linters have them: 0 clean, 1 findings (audit findings at
//! the `--fail-on` level, an invalid model for `validate`, a failing
//! scenario for `test`), 2 usage or input errors: an unknown option or
//! value, a value out of range, a model, config or baseline that cannot be
//! read, an unknown id, or an output path that is refused (a symbolic link, a
//! device, a FIFO, a folder where a file is written, a folder holding files
//! that are not a previous output of the same kind). See docs/cli.md.
//!
//! Outputs (`-o`) are written atomically: into a temporary file or folder
//! beside the target, synced, then renamed into place, so an interrupted or
//! failed write leaves the previous output whole. `-o -` is standard output.
//! Table output escapes control characters and bidirectional overrides in
//! names, ids and messages (`\e`, `\u{202e}`); JSON and CSV keep them exact.

mod audit_out;
mod baseline;
mod commands;
mod locate;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Strips and blocks (条块): who is accountable, and where is nobody.
///
/// Commands that take an optional FILE use the embedded sample model
/// (Baoshan district, Shanghai) when it is omitted; FILE may be a tiaokuai/1
/// JSON file, a CSV bundle folder, or - for JSON on standard input.
///
/// Exit status: 0 clean, 1 findings (audit findings at --fail-on, an invalid
/// model for validate, a failing scenario for test), 2 usage or input errors.
#[derive(Parser, Debug)]
#[command(name = "tiaokuai", version, about, long_about, propagate_version = true)]
pub struct Cli {
    /// The largest input read, in bytes (`500M`, `2G`: K, M, G are powers of 1024): a
    /// larger model file, CSV bundle, standard input, audit config, scenario file or a
    /// scenario's model file is refused (never read past the limit). At least 1; default 4G.
    #[arg(long, global = true, value_name = "BYTES", value_parser = parse_size)]
    max_bytes: Option<u64>,
    /// Threads a load, the audit (`audit`, `report`) and `timeline` may use, 0 to 256: 0
    /// for one per core (at most 8, the default; the audit and the timeline of a model
    /// under 100,000 records use one), 1 for one thread. The output is the same whatever
    /// the number. Queries run on one thread.
    #[arg(long, global = true, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
    /// Read the model as it stood on this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or
    /// month is read as its last day): records and links out of force then are left out
    /// and answers resting on a possibly-in-force one list it under `uncertain`. Default:
    /// the model's `meta.as_of`, else every record counts. `convert --at` writes the
    /// records in force at the date.
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    at: Option<tiaokuai::Date>,
    /// Colour output for people by severity: auto (when standard output is a terminal and
    /// `NO_COLOR` is unset), always (even with `NO_COLOR`) or never.
    #[arg(long, global = true, value_enum, default_value_t)]
    color: ColorArg,
    /// The encoding of CSV bundle files without a byte-order mark (UTF-8 by default; a
    /// UTF-8 or GB18030 mark is always honoured). gb18030 also reads GBK and GB2312,
    /// what Excel in mainland China saves CSV in.
    #[arg(long, global = true, value_enum)]
    encoding: Option<EncodingArg>,
    #[command(subcommand)]
    command: Command,
}

/// A date of the format: YYYY, YYYY-MM or YYYY-MM-DD.
fn parse_date(text: &str) -> Result<tiaokuai::Date, String> {
    text.trim().parse()
}

/// A thread count from 0 to [`tiaokuai::format::MAX_THREADS`].
fn parse_threads(text: &str) -> Result<usize, String> {
    let max = tiaokuai::format::MAX_THREADS;
    match text.trim().parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("{text:?}: use a number of threads from 0 (one per core) to {max}")),
    }
}

/// A size in bytes, at least 1, with an optional K, M or G suffix (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let n = parse_bytes(text)?;
    if n == 0 {
        return Err(format!("{text:?}: the limit must be at least 1 byte (0 would refuse every model)"));
    }
    Ok(n)
}

fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("{text:?}: use a number of bytes, optionally with K, M or G")),
    };
    let n: u64 =
        digits.trim().parse().map_err(|_| format!("{text:?}: use a number of bytes, optionally with K, M or G"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("{text:?} is too large"))
}

/// The text encoding of CSV files (`--encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030 (and so GBK and GB2312).
    #[value(alias = "gbk")]
    Gb18030,
}

impl From<EncodingArg> for tiaokuai::format::Encoding {
    fn from(e: EncodingArg) -> Self {
        match e {
            EncodingArg::Utf8 => tiaokuai::format::Encoding::Utf8,
            EncodingArg::Gb18030 => tiaokuai::format::Encoding::Gb18030,
        }
    }
}

/// Output format of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned tables for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
    /// CSV (audit findings and metrics).
    Csv,
}

/// Output format of `audit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum AuditFormat {
    /// One line per finding (`FILE:LINE: severity[RULE name] subject @street: message`),
    /// then the counts and a short metrics summary.
    #[default]
    Concise,
    /// The wide table of findings, then the counts and a short metrics summary.
    Table,
    /// One JSON document: summary, findings, suppressed findings, baseline, metrics.
    Json,
    /// One JSON object per finding and line (suppressed ones carry `suppressed`).
    JsonLines,
    /// CSV, one row per finding (suppressed ones with their reason in `suppressed`).
    Csv,
    /// SARIF 2.1.0, for code-scanning services (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=…,line=…::…`).
    Github,
}

/// When output for people is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorArg {
    /// When standard output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always, even into a pipe or with `NO_COLOR`.
    Always,
    /// Never.
    Never,
}

/// When `audit` exits with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Any finding of severity error.
    Error,
    /// Any finding of severity error or warning.
    Warning,
    /// Never: report only.
    #[default]
    Never,
}

/// The places `meetings` counts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum MeetingsByArg {
    /// Communities and villages.
    #[default]
    Community,
    /// Streets, towns, townships and zones.
    Street,
}

/// When `whatif` exits with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOnNew {
    /// The edit introduces a finding of severity error.
    Error,
    /// It introduces a finding of severity error or warning.
    Warning,
    /// It introduces any finding.
    Info,
    /// Never: report only.
    #[default]
    Never,
}

/// The level metrics are shown at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum MetricsLevel {
    /// Each street, town, township or zone.
    #[default]
    Street,
    /// Each district or county.
    District,
    /// Each city.
    City,
    /// Urban streets against rural towns and townships.
    Urban,
}

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportTo {
    /// GraphML: Gephi, yEd, Cytoscape, NetworkX.
    Graphml,
    /// Graphviz DOT.
    Dot,
    /// A folder for Neo4j 5's bulk importer (`neo4j-admin database import full`) or LOAD CSV.
    Neo4j,
    /// A folder of `vertices.csv` and `edges.csv`: Spark GraphFrames, pandas, Polars, DuckDB.
    Edgelist,
}

/// What CSV output does with text cells a spreadsheet would read as formulas
/// (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum CsvFormulas {
    /// Put a `'` in front (and one more in front of a cell already beginning with `'`), so
    /// spreadsheets show the text instead of running it (OWASP "CSV injection").
    #[default]
    Neutralise,
    /// Write the cells as they are, for tools that are not spreadsheets.
    Keep,
}

impl From<CsvFormulas> for tiaokuai::format::Formulas {
    fn from(f: CsvFormulas) -> Self {
        match f {
            CsvFormulas::Neutralise => tiaokuai::format::Formulas::Neutralise,
            CsvFormulas::Keep => tiaokuai::format::Formulas::Keep,
        }
    }
}

/// What `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConvertTo {
    /// A tiaokuai/1 JSON document.
    Json,
    /// A CSV bundle folder.
    Csv,
    /// An .xlsx bundle: one workbook, one sheet per table of the CSV bundle.
    Xlsx,
    /// A model image (.tkz): the whole model in a compact binary file that every command
    /// opens several times faster than its JSON. A cache: rebuild it from the JSON.
    Image,
}

/// Which line `chain` follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum LineArg {
    /// `leads` links (领导).
    #[default]
    Leadership,
    /// `dispatches` and `guides` (the strip, 条), then `leads`.
    Strip,
    /// `leads`, and the strip where a unit has no leader.
    All,
}

impl From<LineArg> for tiaokuai::query::Line {
    fn from(line: LineArg) -> Self {
        match line {
            LineArg::Leadership => tiaokuai::query::Line::Leadership,
            LineArg::Strip => tiaokuai::query::Line::Strip,
            LineArg::All => tiaokuai::query::Line::All,
        }
    }
}

/// What `export --render` makes with Graphviz.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderTo {
    /// Scalable vector graphics.
    Svg,
    /// A PNG image.
    Png,
    /// A PDF document.
    Pdf,
}

/// The step of `timeline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EveryArg {
    /// Each year.
    Year,
    /// Each quarter.
    Quarter,
    /// Each month.
    Month,
}

impl From<EveryArg> for tiaokuai::time::Every {
    fn from(every: EveryArg) -> Self {
        match every {
            EveryArg::Year => tiaokuai::time::Every::Year,
            EveryArg::Quarter => tiaokuai::time::Every::Quarter,
            EveryArg::Month => tiaokuai::time::Every::Month,
        }
    }
}

/// The size of a generated model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScaleArg {
    /// Baoshan district: about 10,000 records.
    District,
    /// Shanghai: about 300,000 units.
    City,
    /// All of China: about 5 million units.
    National,
}

impl From<ScaleArg> for tiaokuai::generate::Scale {
    fn from(scale: ScaleArg) -> Self {
        match scale {
            ScaleArg::District => tiaokuai::generate::Scale::District,
            ScaleArg::City => tiaokuai::generate::Scale::City,
            ScaleArg::National => tiaokuai::generate::Scale::National,
        }
    }
}

/// The baseline options of `audit` (accepted findings; see docs/cli.md).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct BaselineArgs {
    /// The baseline file of accepted findings. Default: `tiaokuai-baseline.json` beside the
    /// model file (in the working directory for the sample or standard input), read when present.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
    /// Read no baseline: report every finding as new.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,
    /// Write every current finding into the baseline file (atomically), keeping the reason,
    /// acceptor and expiry of entries already there; then report as usual.
    #[arg(long, conflicts_with = "no_baseline")]
    pub write_baseline: bool,
    /// With --write-baseline: the reason recorded for new entries.
    #[arg(long, requires = "write_baseline", value_name = "TEXT")]
    pub reason: Option<String>,
    /// With --write-baseline: who accepted the new entries (default: $USER).
    #[arg(long, requires = "write_baseline", value_name = "NAME")]
    pub accepted_by: Option<String>,
    /// With --write-baseline: the date (YYYY-MM-DD) after which new entries stop suppressing.
    #[arg(long, requires = "write_baseline", value_name = "DATE", value_parser = baseline::parse_date)]
    pub expires: Option<String>,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the coverage audit: every enabled rule, findings by severity, and a metrics summary.
    Audit {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// An audit config (JSON or TOML): enable/disable rules, severities, thresholds, profiles.
        #[arg(long)]
        config: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: AuditFormat,
        /// Exit with status 1 when there are findings of this severity or worse (findings
        /// accepted in the baseline do not count).
        #[arg(long, value_enum, default_value_t)]
        fail_on: FailOn,
        /// CSV output (`--format csv`): neutralise text cells that spreadsheets would run as formulas, or keep them.
        #[arg(long, value_enum, default_value_t)]
        csv_formulas: CsvFormulas,
        /// The baseline: accepted findings.
        #[command(flatten, next_help_heading = "Baseline")]
        baseline: BaselineArgs,
        /// Write a suggested change set for each finding with a mechanical remedy (C001, D001,
        /// C008, S002), atomically: into FILE.json as one document, or into the folder DIR
        /// one change set per file, ready for `tiaokuai apply` once reviewed.
        #[arg(long, value_name = "DIR|FILE", conflicts_with_all = ["from", "to"])]
        suggest: Option<String>,
        /// Audit over a span from this date (its first day): each finding once, with the
        /// periods in which it held (with --to, or alone for a span without end).
        #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "fail_on")]
        from: Option<tiaokuai::Date>,
        /// Audit over a span up to this date (its last day); see --from.
        #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "fail_on")]
        to: Option<tiaokuai::Date>,
    },
    /// What an edit does to the gaps, without writing anything: the findings a change set
    /// (or the span between two dates) resolves, introduces and leaves, each with the
    /// changes that caused it, and the metrics before and after.
    Whatif {
        /// `[MODEL] CHANGE`: the model (the embedded sample when omitted) and the change set
        /// (`tiaokuai-change/1`); with --from/--to, the model alone.
        #[arg(value_name = "[MODEL] CHANGE", num_args = 0..=2)]
        args: Vec<String>,
        /// An audit config (JSON or TOML).
        #[arg(long)]
        config: Option<String>,
        /// A reform recorded as dates: the model at this date is the "before" …
        #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "to")]
        from: Option<tiaokuai::Date>,
        /// … and at this date the "after".
        #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "from")]
        to: Option<tiaokuai::Date>,
        /// Output format (table: a summary for people; json: everything).
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Exit with status 1 when the edit introduces a finding of this severity or worse.
        #[arg(long, value_enum, default_value_t)]
        fail_on_new: FailOnNew,
    },
    /// The metrics and the findings counted by rule at a series of dates: each year,
    /// quarter or month from --from to --to (read as the period's last day), or, without
    /// --every, every day on which something changes.
    Timeline {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// An audit config (JSON or TOML).
        #[arg(long)]
        config: Option<String>,
        /// The first date (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: Option<tiaokuai::Date>,
        /// The last date.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<tiaokuai::Date>,
        /// A row each year, quarter or month (needs --from and --to).
        #[arg(long, value_enum)]
        every: Option<EveryArg>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// CSV output (`--format csv`): neutralise text cells that spreadsheets would run as formulas, or keep them.
        #[arg(long, value_enum, default_value_t)]
        csv_formulas: CsvFormulas,
    },
    /// The accountability chain of a unit, from the unit up to the top.
    Chain {
        /// `[FILE] UNIT`: the model (the embedded sample when omitted) and the unit's id.
        #[arg(value_name = "[FILE] UNIT", num_args = 1..=2, required = true)]
        args: Vec<String>,
        /// The line to follow.
        #[arg(long, value_enum, default_value_t)]
        line: LineArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The block chain of a place: who holds jurisdiction over it, level by level.
    Responsible {
        /// `[FILE] TERRITORY`: the model (the embedded sample when omitted) and the territory's id.
        #[arg(value_name = "[FILE] TERRITORY", num_args = 1..=2, required = true)]
        args: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Who handles a matter in a place: lead, cooperators, supervisors, the chains above.
    Dispatch {
        /// `[FILE] MATTER TERRITORY`: the model (the embedded sample when omitted), the matter's
        /// id and the territory's id.
        #[arg(value_name = "[FILE] MATTER TERRITORY", num_args = 2..=3, required = true)]
        args: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Who holds which post in a unit at the date (`--at`, else the model's `meta.as_of`).
    Holders {
        /// `[FILE] UNIT`: the model (the embedded sample when omitted) and the unit's id.
        #[arg(value_name = "[FILE] UNIT", num_args = 1..=2, required = true)]
        args: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Every post a person holds at the date (concurrent posts included).
    Posts {
        /// `[FILE] PERSON`: the model (the embedded sample when omitted) and the person's id.
        #[arg(value_name = "[FILE] PERSON", num_args = 1..=2, required = true)]
        args: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Tenure: terms served and days and years in post, per person, unit and post, up to the date.
    Tenure {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// Only this person's posts.
        #[arg(long)]
        person: Option<String>,
        /// Only the posts in this unit.
        #[arg(long)]
        unit: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The history of one record: its dates, the links it gained and lost, what it succeeded and what succeeded it.
    History {
        /// `[FILE] ID`: the model (the embedded sample when omitted) and the record's id (any type).
        #[arg(value_name = "[FILE] ID", num_args = 1..=2, required = true)]
        args: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Coverage, dual registration, strip/block balance and matter coverage per area.
    Metrics {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// The level to show.
        #[arg(long, value_enum, default_value_t)]
        level: MetricsLevel,
        /// An audit config (thresholds used by the metrics).
        #[arg(long)]
        config: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// CSV output (`--format csv`): neutralise text cells that spreadsheets would run as formulas, or keep them.
        #[arg(long, value_enum, default_value_t)]
        csv_formulas: CsvFormulas,
    },
    /// Meetings (三会) held per community or street per year, by kind, with the projects heard and evaluated.
    Meetings {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// Count by community (and village) or by street (town, township, zone).
        #[arg(long, value_enum, default_value_t)]
        by: MeetingsByArg,
        /// Only this year.
        #[arg(long)]
        year: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// CSV output (`--format csv`): neutralise text cells that spreadsheets would run as formulas, or keep them.
        #[arg(long, value_enum, default_value_t)]
        csv_formulas: CsvFormulas,
    },
    /// Export the model, or the part around one record: GraphML, Graphviz DOT, Neo4j, edge list.
    Export {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// What to write.
        #[arg(long, value_enum)]
        to: ExportTo,
        /// Only the part around this id: a territory and what answers for it, or a unit and its chain.
        #[arg(long)]
        focus: Option<String>,
        /// Render with Graphviz's `dot` (must be installed) instead of writing the source (needs --to dot).
        #[arg(long, value_enum)]
        render: Option<RenderTo>,
        /// Where to write: a file (graphml, dot, --render; stdout when omitted or `-`), a
        /// folder for neo4j and edgelist. Written atomically; a symbolic link, device or
        /// FIFO is refused, and an existing folder is replaced only when it is empty or
        /// holds nothing but a previous export of the same kind.
        #[arg(short, long)]
        output: Option<String>,
        /// neo4j and edgelist: neutralise text cells that spreadsheets would run as formulas, or keep them.
        #[arg(long, value_enum, default_value_t)]
        csv_formulas: CsvFormulas,
        /// Drop people's names and replace their ids by keyed pseudonyms, as for
        /// `convert --redact-people` (--focus then takes a person's pseudonym).
        #[arg(long)]
        redact_people: bool,
        /// The key of --redact-people (else the environment variable TIAOKUAI_REDACT_KEY).
        #[arg(long, value_name = "KEY", requires = "redact_people")]
        redact_key: Option<String>,
    },
    /// Run scenario files (models with expected answers) and print what differs.
    Test {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check a model and report the problems that stop it from loading (exit 1 when invalid).
    Validate {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Counts by record type and kind, and units per level.
    Stats {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Convert a model between JSON, a CSV bundle folder, an .xlsx bundle and a model image.
    Convert {
        /// The model to read (JSON file, CSV folder, or .xlsx bundle).
        file: String,
        /// What to write.
        #[arg(long, value_enum)]
        to: ConvertTo,
        /// Where to write: a file for JSON (stdout when omitted or `-`), a folder for CSV,
        /// a file for xlsx.
        /// Written atomically; a symbolic link, device or FIFO is refused, a folder is never
        /// taken for JSON, and an existing folder is replaced by a CSV bundle only when it
        /// is empty or holds nothing but a previous bundle.
        #[arg(short, long)]
        output: Option<String>,
        /// With --to csv: start each file with UTF-8's byte-order mark, so Excel shows
        /// Chinese names right (the loader skips the mark).
        #[arg(long)]
        excel: bool,
        /// Write people without their names and with their ids replaced by keyed
        /// pseudonyms (`p-` and 16 hex digits of HMAC-SHA256(key, id)): the same person
        /// gets the same pseudonym in every file written with the same key, so links
        /// still join. Needs --redact-key or TIAOKUAI_REDACT_KEY.
        #[arg(long)]
        redact_people: bool,
        /// The key of --redact-people (else the environment variable
        /// TIAOKUAI_REDACT_KEY). Keep it secret: whoever has it can test guessed ids.
        #[arg(long, value_name = "KEY", requires = "redact_people")]
        redact_key: Option<String>,
    },
    /// Build the territory tree of China's real administrative divisions (NBS 2023) for a code prefix.
    ///
    /// With --previous and --changed-on, also record the code changes since an older list:
    /// codes only in the old list end the day before, codes only in the new one start that
    /// day, and `succeeded_by` links say recode, merge or split where the names show it.
    /// What the names cannot settle is left unlinked and listed on standard error.
    ImportDivisions {
        /// A code prefix: "31" (Shanghai), "310113" (Baoshan), "all" for all of China.
        #[arg(long)]
        code: String,
        /// Read the division list from this folder (provinces.csv, cities.csv, areas.csv,
        /// streets.csv, as in data/divisions/) instead of the embedded NBS 2023 tables.
        #[arg(long, value_name = "DIR")]
        tables: Option<String>,
        /// An older division list (a folder of the same four files): record what changed
        /// between it and the list imported. Needs --changed-on.
        #[arg(long, value_name = "DIR")]
        previous: Option<String>,
        /// The day the new codes took effect (YYYY-MM-DD; a year or month when only that is
        /// known). Only with --previous.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        changed_on: Option<tiaokuai::Date>,
        /// Where to write the model: a JSON file (stdout when omitted or `-`), or a CSV
        /// bundle folder when the path ends in /. Written atomically, as for convert.
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Replay a case log (grid or 12345 cases) against the model, each case at its
    /// report date: right, misrouted, gap (no lead, several leads) or unknown ids;
    /// returns, re-dispatches and A→B→A cycles; report → dispatch → close times, on-time
    /// closure and satisfaction, per territory (every level), unit, matter, month and source, split
    /// by whether the case's territory or lead unit carries audit findings. Bad rows are
    /// listed (--table problems), never fatal. See docs/cases.md.
    Cases {
        /// The model (a tiaokuai/1 JSON file or CSV bundle folder).
        model: String,
        /// The log: CSV (one event per row, or one row per case) or JSON Lines; - for stdin.
        log: String,
        /// Output: a short summary (table), or one table as CSV, or JSON (the summary and
        /// every table, or the one --table names).
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// The table for --format csv or json: territory (default for CSV), unit, matter,
        /// month, source (hotline, patrol, …), findings, problems, or cases (one row per case).
        #[arg(long, value_parser = |s: &str| s.parse::<tiaokuai::cases::CaseTable>())]
        table: Option<tiaokuai::cases::CaseTable>,
        /// A case closes on time when report → close takes at most this many days.
        #[arg(long, value_name = "DAYS", default_value_t = 15.0)]
        on_time: f64,
        /// An audit config (JSON or TOML) for telling which territories and units carry findings.
        #[arg(long)]
        config: Option<String>,
        /// Write the output here (atomically) instead of standard output.
        #[arg(short, long)]
        output: Option<String>,
        /// CSV output: neutralise text cells that spreadsheets would run as formulas, or keep them.
        #[arg(long, value_enum, default_value_t)]
        csv_formulas: CsvFormulas,
        /// No progress bar (it is drawn on standard error only when that is a terminal).
        #[arg(long)]
        no_progress: bool,
    },
    /// Write a synthetic case log for a model (CSV, one event per row, in time order) with
    /// known shares of misrouted, returned and cycling cases and cases in gap areas, and
    /// optionally its answer key: what `cases` must find.
    GenerateCases {
        /// The model.
        model: String,
        /// The number of cases.
        #[arg(long)]
        cases: u64,
        /// The seed: the same model and seed give the same log.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The first report day.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        start: Option<tiaokuai::Date>,
        /// Reports spread over this many days.
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Where to write the log (stdout when omitted or -).
        #[arg(short, long)]
        output: Option<String>,
        /// Where to write the answer key (CSV: case, class, leads, unit, returns, cycle, closed).
        #[arg(long)]
        key: Option<String>,
    },
    /// Generate a synthetic model on the real division skeleton.
    Generate {
        /// The size of the model.
        #[arg(long, value_enum)]
        scale: ScaleArg,
        /// The seed: the same seed gives the same model.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Dated history: about a quarter of the links and a twelfth of the units start,
        /// end, or both within 2008–2023, links within their ends' lives but for a few
        /// deliberate T002 gaps (deterministic by seed).
        #[arg(long)]
        history: bool,
        /// Meetings (三会): each community holds one to three a year in 2021–2023, with a
        /// few deliberate gaps for the M rules (deterministic by seed).
        #[arg(long)]
        meetings: bool,
        /// People: a principal (secretary, head, director) with a decade of terms for every
        /// Party organisation, government, department, agency and committee, 一肩挑 and
        /// cross-appointments, community workers at 18 per 10,000 residents, a few marked
        /// P-gaps (deterministic by seed; pseudonymous ids, no names).
        #[arg(long)]
        people: bool,
        /// Where to write the model: a JSON file (stdout when omitted or `-`), or a CSV
        /// bundle folder when the path ends in /. Written atomically, as for convert.
        #[arg(short, long)]
        output: Option<String>,
        /// Also write a synthetic case log of N cases against the generated model, to `--log`:
        /// the log `generate-cases` writes for the saved model with the same `--seed`.
        #[arg(long, value_name = "N", requires = "log")]
        cases: Option<u64>,
        /// Where to write the log of `--cases` (CSV; `-` for stdout when the model goes to a file).
        #[arg(long, value_name = "FILE", requires = "cases")]
        log: Option<String>,
        /// Where to write the answer key of `--cases` (CSV: case, class, leads, unit, returns,
        /// cycle, closed).
        #[arg(long, value_name = "FILE", requires = "cases")]
        key: Option<String>,
    },
    /// Write the audit as one self-contained HTML page to hand on: drill-down city → district →
    /// street → community with totals, filters by rule and severity, evidence, charts, chains.
    Report {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// An audit config (JSON or TOML), as for `audit`.
        #[arg(long)]
        config: Option<String>,
        /// Where to write the page (standard output when omitted or `-`). Written atomically;
        /// a symbolic link, folder, device or FIFO is refused.
        #[arg(short, long)]
        output: Option<String>,
        /// Findings (worst first) embedded with message and evidence; the rest are listed by
        /// rule, subject and place and counted everywhere (keeps a national report small).
        #[arg(long, value_name = "N", default_value_t = 20_000)]
        max_details: usize,
        /// The page's title (default: the model's meta.name).
        #[arg(long)]
        title: Option<String>,
    },
    /// Print the JSON Schema of the tiaokuai/1 format (`--change`: of tiaokuai-change/1).
    Schema {
        /// The schema of change sets (tiaokuai-change/1) instead of models.
        #[arg(long)]
        change: bool,
    },
    /// Apply a change set (tiaokuai-change/1) to a model, all or nothing, and write the result.
    /// A change set with problems writes nothing and lists every problem on stderr (exit 2).
    Apply {
        /// The model.
        model: String,
        /// The change set (a tiaokuai-change/1 JSON file, or - for standard input).
        change: String,
        /// Where to write the new model (JSON; standard output when omitted or `-`). Written
        /// atomically; a symbolic link, folder, device or FIFO is refused.
        #[arg(short, long)]
        output: Option<String>,
    },
    /// What differs between two models, or one model at two dates (`diff A --at D1 --to D2`):
    /// records added, ended, removed and changed, and links, for people; `--format json` gives
    /// the change set that turns the first into the second (`tiaokuai apply A` it to get B).
    Diff {
        /// The first model.
        a: String,
        /// The second model; omit it with `--to` to compare the first with itself at two dates.
        b: Option<String>,
        /// With one model: the second date (the first is `--at`, else the model's whole
        /// document). The records in force at each date are compared.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<tiaokuai::Date>,
        /// Output format: table (for people) or json (the change set).
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Where to write (standard output when omitted or `-`), atomically.
        #[arg(short, long)]
        output: Option<String>,
    },
}

/// Parses the command line; a usage error quoting an argument that holds
/// control characters is printed escaped ([`tiaokuai::render::escape_terminal`]).
fn parse() -> Result<Cli, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(e) => {
            let raw = std::env::args_os().any(|a| {
                let a = a.to_string_lossy();
                matches!(tiaokuai::render::escape_terminal(&a), std::borrow::Cow::Owned(_))
            });
            if !raw || !e.use_stderr() {
                e.exit();
            }
            eprint!("{}", tiaokuai::render::escape_terminal(&e.render().to_string()));
            Err(ExitCode::from(2))
        }
    }
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let mut options = tiaokuai::LoadOptions::default();
    if let Some(limit) = cli.max_bytes {
        options = options.max_bytes(limit);
    }
    if let Some(threads) = cli.threads {
        options = options.threads(threads);
    }
    if let Some(encoding) = cli.encoding {
        options = options.encoding(encoding.into());
    }
    commands::set_threads(cli.threads);
    match commands::run(cli.command, options, cli.color, cli.at) {
        Ok(code) => code,
        Err(commands::Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(commands::Failure::Message(e) | commands::Failure::Usage(e)) => {
            for line in e.lines() {
                eprintln!("error: {}", tiaokuai::render::escape_terminal(line));
            }
            ExitCode::from(2)
        }
    }
}
