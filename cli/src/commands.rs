//! The commands behind the CLI. Each writes to standard output through [`Out`],
//! which turns a closed pipe (`tiaokuai audit | head`) into a quiet exit, and
//! escapes control characters in table output ([`tiaokuai::render::escape_terminal`]). Files and
//! folders (`-o`) are written through core's atomic writers
//! ([`tiaokuai::format::write_atomic`], [`tiaokuai::format::write_dir_atomic`]),
//! after the destination was checked ([`file_output`], [`folder_output`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;
use tiaokuai::audit::{Config, Severity};
use tiaokuai::export::{Subgraph, to_dot, to_graphml, write_edgelist_with, write_neo4j_with};
use tiaokuai::format::{CsvOptions, CsvWriter};
use tiaokuai::render::{Table, escape_terminal};
use tiaokuai::{Error, Level, LoadOptions, Model, RecordType};

mod report;

use crate::{Command, ConvertTo, CsvFormulas, ExportTo, FailOn, Format, MetricsLevel, RenderTo};

/// Why a command stopped.
#[derive(Debug)]
pub enum Failure {
    /// A message for stderr (exit status 1).
    Message(String),
    /// A usage error for stderr (exit status 2), such as a refused output path.
    Usage(String),
    /// Standard output was closed by the reader: stop quietly.
    BrokenPipe,
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Message(s)
    }
}

impl From<&str> for Failure {
    fn from(s: &str) -> Self {
        Failure::Message(s.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe { Failure::BrokenPipe } else { Failure::Message(e.to_string()) }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match &e {
            Error::Io { message, .. } if message.contains("Broken pipe") => Failure::BrokenPipe,
            _ => Failure::Message(e.to_string()),
        }
    }
}

type CmdResult = Result<ExitCode, Failure>;

/// Buffered standard output; `human` output (tables, summaries) goes through [`escape_terminal`].
struct Out {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
    human: bool,
}

impl Out {
    /// Output for programs (JSON, CSV, model documents): written exactly.
    fn new() -> Out {
        Out { w: std::io::BufWriter::new(std::io::stdout().lock()), human: false }
    }

    /// Output for people (tables, summaries): control characters escaped.
    fn human() -> Out {
        Out { human: true, ..Out::new() }
    }

    /// Output for people unless `format` is JSON: for commands whose only
    /// machine format is JSON (`test`, `validate`, `stats` print their table
    /// for `--format csv` too).
    fn unless_json(format: Format) -> Out {
        if format == Format::Json { Out::new() } else { Out::human() }
    }

    /// Output for people when `format` is a table, for programs otherwise.
    fn for_format(format: Format) -> Out {
        if format == Format::Table { Out::human() } else { Out::new() }
    }

    fn text(&mut self, s: &str) -> Result<(), Failure> {
        let s = if self.human { escape_terminal(s) } else { Cow::Borrowed(s) };
        self.w.write_all(s.as_bytes())?;
        Ok(())
    }

    fn line(&mut self, s: &str) -> Result<(), Failure> {
        self.text(s)?;
        self.text("\n")
    }

    fn json(&mut self, value: &impl serde::Serialize) -> Result<(), Failure> {
        let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
        self.line(&text)
    }

    fn done(mut self) -> Result<(), Failure> {
        self.w.flush()?;
        Ok(())
    }
}

/// Where a file output goes: `None` for standard output (no `-o`, or `-o -`),
/// else the path, once [`tiaokuai::format::check_output_file`] accepts it (a
/// symbolic link, folder, device or FIFO there is a usage error, left untouched).
fn file_output(output: Option<&str>) -> Result<Option<&str>, Failure> {
    match output {
        None | Some("-") => Ok(None),
        Some(path) => {
            tiaokuai::format::check_output_file(Path::new(path)).map_err(|e| Failure::Usage(e.to_string()))?;
            Ok(Some(path))
        }
    }
}

/// The folder of a folder output (`what`: `--to csv`, `--to neo4j`…), once
/// [`tiaokuai::format::check_output_folder`] accepts it: a usage error when
/// missing, `-`, a link, a file, a device or a folder with other files.
fn folder_output<'a>(output: Option<&'a str>, what: &str, kind: &str, names: &[&str]) -> Result<&'a str, Failure> {
    match output {
        None => Err(format!("{what} needs -o FOLDER").into()),
        Some("-") => {
            Err(Failure::Usage(format!("{what} writes a folder of files, not standard output: use -o FOLDER")))
        }
        Some(dir) => {
            tiaokuai::format::check_output_folder(Path::new(dir), kind, names)
                .map_err(|e| Failure::Usage(e.to_string()))?;
            Ok(dir)
        }
    }
}

/// Writes `bytes` to a checked file output ([`file_output`]) atomically, or to standard output.
fn write_output(output: Option<&str>, bytes: &[u8]) -> Result<(), Failure> {
    match output {
        Some(path) => Ok(tiaokuai::format::write_atomic(Path::new(path), |w| {
            w.write_all(bytes).map_err(|e| Error::Io { path: path.to_string(), message: e.to_string() })
        })?),
        None => {
            let mut out = Out::new();
            out.w.write_all(bytes)?;
            out.done()
        }
    }
}

const SCHEMA: &str = include_str!("../../docs/tiaokuai-1.schema.json");

/// The loading options of this run (`--max-bytes`, `--threads`), set once by [`run`].
static LOAD_OPTIONS: std::sync::OnceLock<LoadOptions> = std::sync::OnceLock::new();

/// Loads the model named on the command line (`-` for standard input), or the embedded sample.
///
/// The model lives until the process exits: a command loads one model and ends, and freeing
/// a national model's millions of records one by one would only delay the exit (by about a
/// second), so it is leaked on purpose and the system takes the memory back at once.
fn load(file: Option<&str>) -> Result<&'static Model, Failure> {
    load_owned(file).map(|model| &*Box::leak(Box::new(model)))
}

fn load_owned(file: Option<&str>) -> Result<Model, Failure> {
    let located = |path: &str, e: Error| match e {
        Error::Io { .. } | Error::Changed { .. } => e.to_string(),
        _ => format!("{path}: {e}"),
    };
    let options = LOAD_OPTIONS.get_or_init(LoadOptions::default);
    match file {
        None => Ok(Model::sample()),
        Some("-") => {
            // Never more than the limit (and one byte to tell) in memory.
            let mut bytes = Vec::new();
            let mut stdin = std::io::Read::take(std::io::stdin(), options.max_bytes.saturating_add(1));
            std::io::Read::read_to_end(&mut stdin, &mut bytes).map_err(|e| format!("stdin: {e}"))?;
            Ok(Model::from_json_bytes_with(&bytes, options).map_err(|e| located("stdin", e))?)
        }
        Some(path) => Ok(Model::load_with(path, options).map_err(|e| located(path, e))?),
    }
}

fn load_config(path: Option<&str>) -> Result<Config, Failure> {
    match path {
        None => Ok(Config::default()),
        // --max-bytes bounds the config too: /dev/zero or an endless pipe is refused at the limit.
        // Io, Changed and Invalid errors name the file already.
        Some(p) => Ok(Config::load_with(p, LOAD_OPTIONS.get_or_init(LoadOptions::default)).map_err(|e| match e {
            Error::Io { .. } | Error::Changed { .. } | Error::Invalid { .. } => e.to_string(),
            _ => format!("{p}: {e}"),
        })?),
    }
}

/// Writes a model as JSON to a checked file output ([`file_output`]) atomically, or to standard output.
fn write_json(output: Option<&str>, model: &Model) -> Result<(), Failure> {
    match output {
        None => {
            let mut out = Out::new();
            model.write_json(&mut out.w)?;
            out.done()
        }
        Some(path) => Ok(tiaokuai::format::write_atomic(Path::new(path), |w| model.write_json(w))?),
    }
}

/// Where `generate` and `import-divisions` write: a CSV bundle when the path
/// ends in `/` (the name asks for a folder), else JSON to a file or standard
/// output. Checked before the model is made.
enum ModelOutput<'a> {
    Json(Option<&'a str>),
    Csv(&'a str),
}

fn model_output(output: Option<&str>) -> Result<ModelOutput<'_>, Failure> {
    match output {
        Some(dir) if dir.ends_with('/') || dir.ends_with(std::path::MAIN_SEPARATOR) => {
            Ok(ModelOutput::Csv(folder_output(Some(dir), "-o FOLDER/", "CSV bundle", &tiaokuai::format::BUNDLE_FILES)?))
        }
        other => Ok(ModelOutput::Json(file_output(other)?)),
    }
}

fn write_model(output: ModelOutput<'_>, model: &Model) -> Result<(), Failure> {
    match output {
        ModelOutput::Json(out) => write_json(out, model),
        ModelOutput::Csv(dir) => Ok(model.write_csv_dir(dir)?),
    }
}

/// Runs one command.
pub fn run(command: Command, options: LoadOptions) -> CmdResult {
    let _ = LOAD_OPTIONS.set(options);
    match command {
        Command::Audit { file, config, format, fail_on, csv_formulas } => {
            audit(file.as_deref(), config.as_deref(), format, fail_on, csv_formulas)
        }
        Command::Chain { file, unit, line, format } => {
            let model = load(Some(&file))?;
            let chain = model.chain(&unit, line.into())?;
            answer(&chain, &chain.render(), format)
        }
        Command::Responsible { file, territory, format } => {
            let model = load(Some(&file))?;
            let r = model.responsible_for(&territory)?;
            answer(&r, &r.render(), format)
        }
        Command::Dispatch { file, matter, territory, format } => {
            let model = load(Some(&file))?;
            let d = model.dispatch(&matter, &territory)?;
            answer(&d, &d.render(), format)
        }
        Command::Metrics { file, level, config, format, csv_formulas } => {
            metrics(file.as_deref(), level, config.as_deref(), format, csv_formulas)
        }
        Command::Export { file, to, focus, render, output, csv_formulas } => {
            export(&file, to, focus.as_deref(), render, output.as_deref(), csv_formulas)
        }
        Command::Test { scenarios, format } => test(&scenarios, format),
        Command::Validate { file, format } => validate(file.as_deref(), format),
        Command::Stats { file, format } => stats(file.as_deref(), format),
        Command::Convert { file, to, output, excel } => {
            if excel && to != ConvertTo::Csv {
                return Err(Failure::Usage("--excel applies to --to csv only".into()));
            }
            // The format follows --to, never what is at the path: checked before loading.
            let output = match to {
                ConvertTo::Json | ConvertTo::Xlsx => ModelOutput::Json(file_output(output.as_deref())?),
                ConvertTo::Csv => ModelOutput::Csv(folder_output(
                    output.as_deref(),
                    "--to csv",
                    "CSV bundle",
                    &tiaokuai::format::BUNDLE_FILES,
                )?),
            };
            if to == ConvertTo::Xlsx {
                let ModelOutput::Json(Some(path)) = output else {
                    return Err(Failure::Usage(
                        "--to xlsx writes a workbook, not standard output: use -o FILE.xlsx".into(),
                    ));
                };
                let model = load(Some(&file))?;
                model.write_xlsx(path)?;
                return Ok(ExitCode::SUCCESS);
            }
            let model = load(Some(&file))?;
            match output {
                ModelOutput::Csv(dir) if excel => {
                    model.write_csv_dir_with(dir, &tiaokuai::format::BundleOptions::default().bom(true))?
                }
                output => write_model(output, model)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportDivisions { code, output } => {
            let output = model_output(output.as_deref())?;
            let model = tiaokuai::divisions::import(&code)?;
            write_model(output, &model)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { scale, seed, output } => {
            let output = model_output(output.as_deref())?;
            let model = tiaokuai::generate::generate(scale.into(), seed)?;
            write_model(output, &model)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { file, config, output, max_details, title } => {
            report::report(file.as_deref(), config.as_deref(), output.as_deref(), max_details, title.as_deref())
        }
        Command::Schema => {
            let mut out = Out::new();
            out.text(SCHEMA)?;
            out.done()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints a query's answer as a table or JSON.
fn answer(value: &impl serde::Serialize, table: &str, format: Format) -> CmdResult {
    let mut out = Out::for_format(format);
    match format {
        Format::Json => out.json(value)?,
        Format::Csv => return Err("--format csv applies to audit and metrics; use table or json".into()),
        Format::Table => out.text(table)?,
    }
    out.done()?;
    Ok(ExitCode::SUCCESS)
}

/// One flattened CSV cell: text (a string of the answer, guarded against formulas) or a
/// value (a number, boolean or null, written as it is: a negative count stays a number).
enum Cell {
    Text(String),
    Value(String),
}

/// Flattens a JSON object into `prefix.key` columns, for CSV output.
fn flatten(prefix: &str, value: &Value, into: &mut Vec<(String, Cell)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, into);
            }
        }
        Value::Null => into.push((prefix.to_string(), Cell::Value(String::new()))),
        Value::String(s) => into.push((prefix.to_string(), Cell::Text(s.clone()))),
        other => into.push((prefix.to_string(), Cell::Value(other.to_string()))),
    }
}

/// Writes rows of serialisable values as CSV with flattened columns; text cells that would
/// run as spreadsheet formulas are neutralised unless `formulas` is `keep`.
fn write_csv<T: serde::Serialize>(rows: &[T], out: &mut Out, formulas: CsvFormulas) -> Result<(), Failure> {
    let mut w = CsvWriter::new(&mut out.w, formulas.into());
    let mut header_written = false;
    for row in rows {
        let value = serde_json::to_value(row).map_err(|e| e.to_string())?;
        let mut cells = Vec::new();
        flatten("", &value, &mut cells);
        if !header_written {
            w.record(cells.iter().map(|(k, _)| k.as_str()))?;
            header_written = true;
        }
        for (_, cell) in &cells {
            match cell {
                Cell::Text(t) => w.text(t)?,
                Cell::Value(v) => w.value(v)?,
            }
        }
        w.end_record()?;
    }
    w.flush()?;
    Ok(())
}

fn audit(
    file: Option<&str>,
    config: Option<&str>,
    format: Format,
    fail_on: FailOn,
    formulas: CsvFormulas,
) -> CmdResult {
    let model = load(file)?;
    let config = load_config(config)?;
    let report = model.audit(&config);
    let mut out = Out::for_format(format);
    match format {
        Format::Json => out.line(&report.to_json())?,
        Format::Csv => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                rule: &'a str,
                name: &'a str,
                severity: Severity,
                subject: &'a str,
                territory: &'a str,
                message: &'a str,
            }
            let rows: Vec<Row<'_>> = report
                .findings
                .iter()
                .map(|f| Row {
                    rule: f.rule,
                    name: f.name,
                    severity: f.severity,
                    subject: &f.subject,
                    territory: f.territory.as_deref().unwrap_or(""),
                    message: &f.message,
                })
                .collect();
            write_csv(&rows, &mut out, formulas)?;
        }
        Format::Table => {
            let title = model.title().unwrap_or_else(|| file.unwrap_or("model").to_string());
            out.line(&format!("Audit of {title}: {} records, {} links\n", model.len(), model.link_count()))?;
            out.text(&report.render())?;
        }
    }
    out.done()?;
    let failed = match fail_on {
        FailOn::Never => false,
        FailOn::Error => report.count(Severity::Error) > 0,
        FailOn::Warning => report.count(Severity::Error) + report.count(Severity::Warning) > 0,
    };
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn metrics(
    file: Option<&str>,
    level: MetricsLevel,
    config: Option<&str>,
    format: Format,
    formulas: CsvFormulas,
) -> CmdResult {
    let model = load(file)?;
    let config = load_config(config)?;
    let metrics = model.metrics(&config);
    let areas = match level {
        MetricsLevel::Street => metrics.areas(Level::Street),
        MetricsLevel::District => metrics.areas(Level::District),
        MetricsLevel::City => metrics.areas(Level::City),
        MetricsLevel::Urban => &metrics.comparison,
    };
    let mut out = Out::for_format(format);
    match format {
        Format::Json => out.json(&areas)?,
        Format::Csv => write_csv(areas, &mut out, formulas)?,
        Format::Table => {
            let table = match level {
                MetricsLevel::Street => metrics.to_table(Level::Street),
                MetricsLevel::District => metrics.to_table(Level::District),
                MetricsLevel::City => metrics.to_table(Level::City),
                MetricsLevel::Urban => metrics.comparison_table(),
            };
            out.text(&table.render())?;
        }
    }
    out.done()?;
    Ok(ExitCode::SUCCESS)
}

fn export(
    file: &str,
    to: ExportTo,
    focus: Option<&str>,
    render: Option<RenderTo>,
    output: Option<&str>,
    formulas: CsvFormulas,
) -> CmdResult {
    let csv = CsvOptions::formulas(formulas.into());
    if render.is_some() && to != ExportTo::Dot {
        return Err("--render needs --to dot".into());
    }
    // The destination is checked before the model is loaded: the format follows --to.
    let folder = |what, kind, names| folder_output(output, what, kind, names);
    let dest = match to {
        ExportTo::Neo4j => Dest::Folder(folder("--to neo4j", "Neo4j export", &tiaokuai::export::NEO4J_FILES)?),
        ExportTo::Edgelist => {
            Dest::Folder(folder("--to edgelist", "edge-list export", &tiaokuai::export::EDGELIST_FILES)?)
        }
        ExportTo::Graphml | ExportTo::Dot => Dest::File(file_output(output)?),
    };
    let model = load(Some(file))?;
    let sub = match focus {
        Some(id) => Subgraph::focus(model, id)?,
        None => Subgraph::whole(model),
    };
    let text = match (to, dest) {
        (ExportTo::Neo4j, Dest::Folder(dir)) => return export_folder(dir, || write_neo4j_with(model, &sub, dir, &csv)),
        (ExportTo::Edgelist, Dest::Folder(dir)) => {
            return export_folder(dir, || write_edgelist_with(model, &sub, dir, &csv));
        }
        (ExportTo::Graphml, _) => to_graphml(model, &sub),
        _ => to_dot(model, &sub),
    };
    let output = match dest {
        Dest::File(output) => output,
        Dest::Folder(_) => unreachable!("folder exports returned above"),
    };
    let Some(fmt) = render else {
        write_output(output, text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    };
    let fmt = match fmt {
        RenderTo::Svg => "svg",
        RenderTo::Png => "png",
        RenderTo::Pdf => "pdf",
    };
    // dot writes to a pipe, never to the output path itself: the rendering is
    // written atomically (or to standard output) once dot has succeeded.
    let mut child = std::process::Command::new("dot")
        .arg(format!("-T{fmt}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run Graphviz's `dot` ({e}); install graphviz, or export --to dot and render elsewhere")
        })?;
    let mut stdin = child.stdin.take().ok_or("no stdin for dot")?;
    // Fed on its own thread, so that dot's output never fills the pipe while we still write.
    let feeder = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let rendered = child.wait_with_output()?;
    let fed = feeder.join().map_err(|_| "the thread feeding dot failed")?;
    if !rendered.status.success() {
        return Err(format!("dot failed with {}", rendered.status).into());
    }
    fed?;
    write_output(output, &rendered.stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// Where an export goes, checked before the model is loaded.
#[derive(Clone, Copy)]
enum Dest<'a> {
    /// A file (`None`: standard output).
    File(Option<&'a str>),
    /// A folder (neo4j, edgelist).
    Folder(&'a str),
}

/// Writes a folder export (`--to neo4j`, `--to edgelist`) and says what it wrote on stderr.
fn export_folder(dir: &str, write: impl FnOnce() -> tiaokuai::Result<tiaokuai::export::Written>) -> CmdResult {
    let written = write()?;
    eprintln!(
        "wrote {} nodes and {} edges ({} links of the model) to {}; see {}",
        written.nodes,
        written.edges,
        written.links,
        escape_terminal(dir),
        escape_terminal(&Path::new(dir).join("README.md").display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

fn test(paths: &[String], format: Format) -> CmdResult {
    let mut outcomes = Vec::new();
    for path in paths {
        // --max-bytes bounds each scenario file and the model file it names; --threads its model's load.
        let options = LOAD_OPTIONS.get_or_init(LoadOptions::default);
        outcomes.push(tiaokuai::scenario::run_file_with(path, options).map_err(|e| format!("{path}: {e}"))?);
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let mut out = Out::unless_json(format);
    if format == Format::Json {
        out.json(&outcomes)?;
    } else {
        for o in &outcomes {
            out.text(&o.render())?;
        }
        out.line(&format!("\nscenarios: {} passed, {} failed", outcomes.len() - failed, failed))?;
    }
    out.done()?;
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn validate(file: Option<&str>, format: Format) -> CmdResult {
    let name = file.unwrap_or("(embedded sample)");
    let mut out = Out::unless_json(format);
    match load(file) {
        Ok(model) => {
            if format == Format::Json {
                out.json(&serde_json::json!({
                    "file": name, "valid": true, "records": model.len(), "links": model.link_count()
                }))?;
            } else {
                out.line(&format!("{name}: valid ({} records, {} links)", model.len(), model.link_count()))?;
            }
            out.done()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(Failure::Message(message)) if format == Format::Json => {
            out.json(&serde_json::json!({"file": name, "valid": false, "error": message}))?;
            out.done()?;
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e),
    }
}

/// Counts for `tiaokuai stats`.
#[derive(serde::Serialize)]
struct Stats {
    name: Option<String>,
    records: usize,
    links: usize,
    by_type: BTreeMap<String, usize>,
    territories_by_kind: BTreeMap<String, usize>,
    units_by_kind: BTreeMap<String, usize>,
    units_by_level: BTreeMap<String, usize>,
    links_by_kind: BTreeMap<String, usize>,
}

fn stats(file: Option<&str>, format: Format) -> CmdResult {
    let model = load(file)?;
    let mut s = Stats {
        name: model.title(),
        records: model.len(),
        links: model.link_count(),
        by_type: BTreeMap::new(),
        territories_by_kind: BTreeMap::new(),
        units_by_kind: BTreeMap::new(),
        units_by_level: BTreeMap::new(),
        links_by_kind: BTreeMap::new(),
    };
    for t in [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item] {
        s.by_type.insert(t.array().to_string(), model.count(t));
    }
    // Counted by borrowed words, then named: no allocation per record.
    fn named(counts: BTreeMap<&str, usize>) -> BTreeMap<String, usize> {
        counts.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
    let mut by_kind = BTreeMap::new();
    for (_, t) in model.territories() {
        *by_kind.entry(t.kind.as_str()).or_default() += 1;
    }
    s.territories_by_kind = named(by_kind);
    let (mut by_kind, mut by_level) = (BTreeMap::new(), std::collections::HashMap::new());
    for (n, u) in model.units() {
        *by_kind.entry(u.kind.as_str()).or_default() += 1;
        *by_level.entry(model.level(n)).or_insert(0usize) += 1;
    }
    s.units_by_kind = named(by_kind);
    s.units_by_level =
        by_level.into_iter().map(|(l, v)| (l.map_or_else(|| "(none)".to_string(), |l| l.to_string()), v)).collect();
    let mut by_kind = BTreeMap::new();
    for (_, l) in model.links() {
        *by_kind.entry(l.kind.as_str()).or_default() += 1;
    }
    s.links_by_kind = named(by_kind);
    let mut out = Out::unless_json(format);
    if format == Format::Json {
        out.json(&s)?;
    } else {
        out.line(&format!("{}: {} records, {} links\n", s.name.as_deref().unwrap_or("model"), s.records, s.links))?;
        let sections = [
            ("records", &s.by_type),
            ("territory kind", &s.territories_by_kind),
            ("unit kind", &s.units_by_kind),
            ("unit level", &s.units_by_level),
            ("link kind", &s.links_by_kind),
        ];
        for (title, map) in sections {
            let mut t = Table::new([title, "count"]);
            for (k, v) in map {
                t.row([k.clone(), v.to_string()]);
            }
            out.line(&t.render())?;
        }
    }
    out.done()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use tiaokuai::render::escape_terminal;

    #[test]
    fn escapes_what_a_terminal_acts_on_and_nothing_else() {
        assert!(matches!(escape_terminal("友谊路街道 (310113003)\nnext"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape_terminal("a\x1b[31mb\x07"), "a\\e[31mb\\u{7}");
        assert_eq!(escape_terminal("\t\r\x7f\u{9b}2J"), "\\t\\r\\u{7f}\\u{9b}2J");
        assert_eq!(escape_terminal("x\u{202e}y\u{2066}z\u{200f}"), "x\\u{202e}y\\u{2066}z\\u{200f}");
    }
}
