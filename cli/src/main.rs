//! `tiaokuai`: audit, query, convert and generate governance models from the command line.
//!
//! With no FILE, commands use the sample model compiled into the binary
//! (Baoshan district, Shanghai). Errors go to stderr, one line per problem;
//! exit codes: 0 ok, 1 invalid input (or findings at the `--fail-on` level),
//! 2 usage: an unknown option or value, a value out of range, or an output
//! path that is refused (a symbolic link, a device, a FIFO, a folder where a
//! file is written, a folder holding files that are not a previous output of
//! the same kind).
//!
//! Outputs (`-o`) are written atomically: into a temporary file or folder
//! beside the target, synced, then renamed into place, so an interrupted or
//! failed write leaves the previous output whole. `-o -` is standard output.
//! Table output escapes control characters and bidirectional overrides in
//! names, ids and messages (`\e`, `\u{202e}`); JSON and CSV keep them exact.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Strips and blocks (条块): who is accountable, and where is nobody.
///
/// Commands that take an optional FILE use the embedded sample model
/// (Baoshan district, Shanghai) when it is omitted; FILE may be a tiaokuai/1
/// JSON file, a CSV bundle folder, or - for JSON on standard input.
#[derive(Parser, Debug)]
#[command(name = "tiaokuai", version, about, long_about, propagate_version = true)]
pub struct Cli {
    /// The largest input read, in bytes (`500M`, `2G`: K, M, G are powers of 1024): a
    /// larger model file, CSV bundle, standard input, audit config, scenario file or a
    /// scenario's model file is refused (never read past the limit). At least 1; default 4G.
    #[arg(long, global = true, value_name = "BYTES", value_parser = parse_size)]
    max_bytes: Option<u64>,
    /// Threads a load may use, 0 to 256: 0 for one per core (at most 8, the default),
    /// 1 to load on one thread. Queries and the audit run on one thread either way.
    #[arg(long, global = true, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
    /// The encoding of CSV bundle files without a byte-order mark (UTF-8 by default; a
    /// UTF-8 or GB18030 mark is always honoured). gb18030 also reads GBK and GB2312,
    /// what Excel in mainland China saves CSV in.
    #[arg(long, global = true, value_enum)]
    encoding: Option<EncodingArg>,
    #[command(subcommand)]
    command: Command,
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

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the coverage audit: every enabled rule, findings by severity, and the metrics.
    Audit {
        /// The model; the embedded sample when omitted.
        file: Option<String>,
        /// An audit config (JSON or TOML): enable/disable rules, severities, thresholds, profiles.
        #[arg(long)]
        config: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Exit with status 1 when there are findings of this severity or worse.
        #[arg(long, value_enum, default_value_t)]
        fail_on: FailOn,
        /// CSV output (`--format csv`): neutralise text cells that spreadsheets would run as formulas, or keep them.
        #[arg(long, value_enum, default_value_t)]
        csv_formulas: CsvFormulas,
    },
    /// The accountability chain of a unit, from the unit up to the top.
    Chain {
        /// The model.
        file: String,
        /// The unit's id.
        unit: String,
        /// The line to follow.
        #[arg(long, value_enum, default_value_t)]
        line: LineArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The block chain of a place: who holds jurisdiction over it, level by level.
    Responsible {
        /// The model.
        file: String,
        /// The territory's id.
        territory: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Who handles a matter in a place: lead, cooperators, supervisors, the chains above.
    Dispatch {
        /// The model.
        file: String,
        /// The matter's id.
        matter: String,
        /// The territory's id.
        territory: String,
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
    /// Export the model, or the part around one record: GraphML, Graphviz DOT, Neo4j, edge list.
    Export {
        /// The model.
        file: String,
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
    /// Check a model and report the problem that stops it from loading.
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
    /// Convert a model between JSON, a CSV bundle folder and an .xlsx bundle.
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
    },
    /// Build the territory tree of China's real administrative divisions (NBS 2023) for a code prefix.
    ImportDivisions {
        /// A code prefix: "31" (Shanghai), "310113" (Baoshan), "all" for all of China.
        #[arg(long)]
        code: String,
        /// Where to write the model: a JSON file (stdout when omitted or `-`), or a CSV
        /// bundle folder when the path ends in /. Written atomically, as for convert.
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Generate a synthetic model on the real division skeleton.
    Generate {
        /// The size of the model.
        #[arg(long, value_enum)]
        scale: ScaleArg,
        /// The seed: the same seed gives the same model.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the model: a JSON file (stdout when omitted or `-`), or a CSV
        /// bundle folder when the path ends in /. Written atomically, as for convert.
        #[arg(short, long)]
        output: Option<String>,
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
    /// Print the JSON Schema of the tiaokuai/1 format.
    Schema,
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
    match commands::run(cli.command, options) {
        Ok(code) => code,
        Err(commands::Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(commands::Failure::Message(e)) => {
            for line in e.lines() {
                eprintln!("error: {}", tiaokuai::render::escape_terminal(line));
            }
            ExitCode::from(1)
        }
        Err(commands::Failure::Usage(e)) => {
            for line in e.lines() {
                eprintln!("error: {}", tiaokuai::render::escape_terminal(line));
            }
            ExitCode::from(2)
        }
    }
}
