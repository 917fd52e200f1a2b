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

mod cases;
mod change;
mod report;
pub(crate) mod whatif;

use crate::{
    AuditFormat, BaselineArgs, ColorArg, Command, ConvertTo, CsvFormulas, ExportTo, FailOn, Format, MetricsLevel,
    RenderTo,
};

/// Why a command stopped (exit status 2 either way: findings are an exit code, not a failure).
#[derive(Debug)]
pub enum Failure {
    /// An input error for stderr: a model, config or baseline that cannot be read, an unknown id.
    Message(String),
    /// A usage error for stderr, such as a refused output path.
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
            Error::Io { io_kind: std::io::ErrorKind::BrokenPipe, .. } => Failure::BrokenPipe,
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
            w.write_all(bytes).map_err(|e| Error::Io {
                path: path.to_string(),
                message: e.to_string(),
                io_kind: e.kind(),
            })
        })?),
        None => {
            let mut out = Out::new();
            out.w.write_all(bytes)?;
            out.done()
        }
    }
}

const SCHEMA: &str = include_str!("../docs/tiaokuai-1.schema.json");
const CHANGE_SCHEMA: &str = include_str!("../docs/tiaokuai-change-1.schema.json");

/// The loading options of this run (`--max-bytes`, `--threads`), set once by [`run`].
static LOAD_OPTIONS: std::sync::OnceLock<LoadOptions> = std::sync::OnceLock::new();

/// The date of `--at`, set once by [`run`]: every model loaded is read at it.
static AT: std::sync::OnceLock<Option<tiaokuai::Date>> = std::sync::OnceLock::new();

/// Loads the model named on the command line (`-` for standard input), or the embedded sample.
///
/// The model lives until the process exits: a command loads one model and ends, and freeing
/// a national model's millions of records one by one would only delay the exit (by about a
/// second), so it is leaked on purpose and the system takes the memory back at once.
fn load(file: Option<&str>) -> Result<&'static Model, Failure> {
    load_owned(file).map(|model| &*Box::leak(Box::new(model)))
}

fn load_owned(file: Option<&str>) -> Result<Model, Failure> {
    let model = load_document(file)?;
    Ok(match AT.get().copied().flatten() {
        Some(date) => model.at(date),
        None => model,
    })
}

fn load_document(file: Option<&str>) -> Result<Model, Failure> {
    let located = |path: &str, e: Error| match e {
        Error::Io { .. } | Error::Changed { .. } => e.to_string(),
        _ => format!("{path}: {e}"),
    };
    let options = LOAD_OPTIONS.get_or_init(LoadOptions::default);
    match file {
        None => Ok(Model::sample()),
        Some("-") => {
            let bytes = read_stdin(options.max_bytes)?;
            Ok(Model::from_json_bytes_with(&bytes, options).map_err(|e| located("stdin", e))?)
        }
        Some(path) => Ok(Model::load_with(path, options).map_err(|e| located(path, e))?),
    }
}

/// Standard input, never more than the limit (and one byte to tell) in memory.
fn read_stdin(max_bytes: u64) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let mut stdin = std::io::Read::take(std::io::stdin(), max_bytes.saturating_add(1));
    std::io::Read::read_to_end(&mut stdin, &mut bytes).map_err(|e| format!("stdin: {e}"))?;
    Ok(bytes)
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

/// The key of `--redact-people`: `--redact-key`, else `TIAOKUAI_REDACT_KEY`; refused
/// (exit 2) when neither gives one.
fn redaction_key(flag: Option<String>) -> Result<Vec<u8>, Failure> {
    let key = flag.or_else(|| std::env::var("TIAOKUAI_REDACT_KEY").ok()).unwrap_or_default();
    if key.is_empty() {
        return Err(Failure::Usage(
            "--redact-people needs a key: --redact-key KEY or the environment variable TIAOKUAI_REDACT_KEY \
             (an unkeyed hash of a short id is reversible by enumerating the ids)"
                .into(),
        ));
    }
    Ok(key.into_bytes())
}

fn write_model(output: ModelOutput<'_>, model: &Model) -> Result<(), Failure> {
    match output {
        ModelOutput::Json(out) => write_json(out, model),
        ModelOutput::Csv(dir) => Ok(model.write_csv_dir(dir)?),
    }
}

/// Splits `[FILE] ID…` positionals: the file when all `ids` are given after it, else none.
fn file_and_ids<const N: usize>(args: &[String]) -> (Option<&str>, [&str; N]) {
    let (file, ids) = if args.len() > N { (Some(args[0].as_str()), &args[1..]) } else { (None, args) };
    (file, std::array::from_fn(|i| ids[i].as_str()))
}

/// Names the command the user typed in a wrong-record-type error, not the library function.
fn as_command(e: Error, command: &str) -> Error {
    match e {
        Error::WrongRecordType { id, expected, found, .. } => {
            Error::WrongRecordType { id, expected, found, context: format!("`tiaokuai {command}`") }
        }
        other => other,
    }
}

/// Runs one command.
pub fn run(command: Command, options: LoadOptions, color: ColorArg, at: Option<tiaokuai::Date>) -> CmdResult {
    let _ = LOAD_OPTIONS.set(options);
    let _ = AT.set(at);
    if at.is_some()
        && matches!(command, Command::ImportDivisions { .. } | Command::Generate { .. } | Command::Schema { .. })
    {
        return Err(Failure::Usage("--at reads a model at a date: this command reads no model".into()));
    }
    if at.is_some() && matches!(command, Command::Cases { .. } | Command::GenerateCases { .. }) {
        return Err(Failure::Usage("--at: case logs read the model at each case's own report date".into()));
    }
    match command {
        Command::Audit { file, config, format, csv_formulas, from, to, .. } if from.is_some() || to.is_some() => {
            let format = match format {
                AuditFormat::Concise | AuditFormat::Table => Format::Table,
                AuditFormat::Json => Format::Json,
                AuditFormat::Csv => Format::Csv,
                other => {
                    return Err(Failure::Usage(format!(
                        "--from/--to report findings with their periods as concise, table, csv or json, not {}",
                        clap::ValueEnum::to_possible_value(&other)
                            .map_or_else(String::new, |v| v.get_name().to_string())
                    )));
                }
            };
            audit_over(file.as_deref(), config.as_deref(), format, csv_formulas, from, to)
        }
        Command::Audit { file, config, format, fail_on, csv_formulas, baseline, suggest, .. } => {
            if let Some(path) = &suggest {
                tiaokuai::format::check_output_file(Path::new(path))
                    .or_else(|_| tiaokuai::format::check_output_folder(Path::new(path), "suggestions", &[]))
                    .map_err(|e| Failure::Usage(e.to_string()))?;
            }
            audit(
                file.as_deref(),
                config.as_deref(),
                format,
                fail_on,
                csv_formulas,
                &baseline,
                color,
                suggest.as_deref(),
            )
        }
        Command::Whatif { args, config, from, to, format, fail_on_new } => {
            whatif::whatif(&args, config.as_deref(), from, to, format, fail_on_new)
        }
        Command::Timeline { file, config, from, to, every, format, csv_formulas } => {
            timeline(file.as_deref(), config.as_deref(), from, to, every.map(Into::into), format, csv_formulas)
        }
        // Issue #12: a superseded id is answered for its successors in force, with a note.
        Command::Chain { args, line, format } => {
            let (file, [unit]) = file_and_ids::<1>(&args);
            let model = load(file)?;
            let line = line.into();
            answers_for(model, unit, format, |id| {
                let c = model.chain(id, line).map_err(|e| as_command(e, "chain"))?;
                Ok((json_of(&c), c.render()))
            })
        }
        Command::Responsible { args, format } => {
            let (file, [territory]) = file_and_ids::<1>(&args);
            let model = load(file)?;
            answers_for(model, territory, format, |id| {
                let r = model.responsible_for(id).map_err(|e| as_command(e, "responsible"))?;
                Ok((json_of(&r), r.render()))
            })
        }
        Command::Dispatch { args, format } => {
            let (file, [matter, territory]) = file_and_ids::<2>(&args);
            let model = load(file)?;
            // The place is followed across successions; the matter is asked for as given.
            answers_for(model, territory, format, |id| {
                let d = model.dispatch(matter, id).map_err(|e| as_command(e, "dispatch"))?;
                Ok((json_of(&d), d.render()))
            })
        }
        Command::Holders { args, format } => {
            let (file, [unit]) = file_and_ids::<1>(&args);
            let model = load(file)?;
            let held = model.holders(unit).map_err(|e| as_command(e, "holders"))?;
            answer(&held, &held_table(&held), format)
        }
        Command::Posts { args, format } => {
            let (file, [person]) = file_and_ids::<1>(&args);
            let model = load(file)?;
            let held = model.posts(person).map_err(|e| as_command(e, "posts"))?;
            answer(&held, &held_table(&held), format)
        }
        Command::Tenure { file, person, unit, format } => {
            let model = load(file.as_deref())?;
            let t = model.tenure(person.as_deref(), unit.as_deref()).map_err(|e| as_command(e, "tenure"))?;
            let mut table =
                tiaokuai::render::Table::new(["person", "unit", "post", "terms", "years", "since", "current"]);
            for r in &t {
                table.row([
                    r.person.to_string(),
                    format!("{} ({})", r.unit, r.unit_name),
                    r.post.to_string(),
                    r.terms.to_string(),
                    r.years.map_or_else(|| "?".to_string(), |y| format!("{y:.2}")),
                    r.since.map(|d| d.to_string()).unwrap_or_default(),
                    if r.current { "yes" } else { "" }.to_string(),
                ]);
            }
            answer(&t, &table.to_string(), format)
        }
        Command::History { args, format } => {
            let (file, [id]) = file_and_ids::<1>(&args);
            history(file, id, format)
        }
        Command::Metrics { file, level, config, format, csv_formulas } => {
            metrics(file.as_deref(), level, config.as_deref(), format, csv_formulas)
        }
        Command::Meetings { file, by, year, format, csv_formulas } => {
            meetings(file.as_deref(), by, year, format, csv_formulas)
        }
        Command::Export { file, to, focus, render, output, csv_formulas, redact_people, redact_key } => {
            let redact = if redact_people { Some(redaction_key(redact_key)?) } else { None };
            export(file.as_deref(), to, focus.as_deref(), render, output.as_deref(), csv_formulas, redact)
        }
        Command::Test { scenarios, format } => test(&scenarios, format),
        Command::Validate { file, format } => validate(file.as_deref(), format),
        Command::Stats { file, format } => stats(file.as_deref(), format),
        Command::Convert { file, to, output, excel, redact_people, redact_key } => {
            if excel && to != ConvertTo::Csv {
                return Err(Failure::Usage("--excel applies to --to csv only".into()));
            }
            let redact = if redact_people { Some(redaction_key(redact_key)?) } else { None };
            // The format follows --to, never what is at the path: checked before loading.
            let output = match to {
                ConvertTo::Json | ConvertTo::Xlsx | ConvertTo::Image => {
                    ModelOutput::Json(file_output(output.as_deref())?)
                }
                ConvertTo::Csv => ModelOutput::Csv(folder_output(
                    output.as_deref(),
                    "--to csv",
                    "CSV bundle",
                    &tiaokuai::format::BUNDLE_FILES,
                )?),
            };
            // Files only, refused before loading.
            if to == ConvertTo::Xlsx && matches!(output, ModelOutput::Json(None)) {
                return Err(Failure::Usage(
                    "--to xlsx writes a workbook, not standard output: use -o FILE.xlsx".into(),
                ));
            }
            if to == ConvertTo::Image && matches!(output, ModelOutput::Json(None)) {
                return Err(Failure::Usage(
                    "--to image writes a binary file, not standard output: use -o FILE.tkz".into(),
                ));
            }
            // Every --to takes this one path: only the writing differs. The writers write a
            // model's whole document (a view at a date included: a bundle holds the
            // history), so the date of --at is applied here, by writing the snapshot.
            let model = load(Some(&file))?;
            // With --at, the records in force at the date; else the whole document.
            let model = if AT.get().copied().flatten().is_some() { &model.snapshot()? } else { model };
            // Redacted after the snapshot: what is redacted is the document written.
            let model = match &redact {
                Some(key) => &model.redact_people(key)?,
                None => model,
            };
            match output {
                ModelOutput::Json(Some(path)) if to == ConvertTo::Image => {
                    tiaokuai::format::write_atomic(Path::new(path), |w| model.write_image(w))?
                }
                ModelOutput::Json(Some(path)) if to == ConvertTo::Xlsx => model.write_xlsx(path)?,
                ModelOutput::Csv(dir) if excel => {
                    model.write_csv_dir_with(dir, &tiaokuai::format::BundleOptions::default().bom(true))?
                }
                output => write_model(output, model)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportDivisions { code, tables, previous, changed_on, output } => {
            let output = model_output(output.as_deref())?;
            let previous = match (previous, changed_on) {
                (Some(dir), Some(on)) => Some((dir, on)),
                (None, None) => None,
                (Some(_), None) => {
                    return Err(Failure::Usage(
                        "--previous needs --changed-on DATE: the day the new codes took effect".into(),
                    ));
                }
                (None, Some(_)) => {
                    return Err(Failure::Usage(
                        "--changed-on needs --previous DIR: the division list in force before that day".into(),
                    ));
                }
            };
            let owned;
            let divisions = match tables {
                Some(dir) => {
                    owned = tiaokuai::divisions::Divisions::from_dir(&dir)?;
                    &owned
                }
                None => tiaokuai::divisions::Divisions::embedded(),
            };
            let model = match previous {
                None => divisions.import(&code)?,
                Some((dir, on)) => {
                    let old = tiaokuai::divisions::Divisions::from_dir(&dir)?;
                    let (model, changes) = divisions.import_changes(&old, &code, on)?;
                    eprintln!("{}", escape_terminal(&changes.summary()));
                    model
                }
            };
            write_model(output, &model)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { scale, seed, history, meetings, people, output, cases: n, log, key } => {
            let model_to_stdout = matches!(output.as_deref(), None | Some("-"));
            let output = model_output(output.as_deref())?;
            // Every path is checked before the model is generated (minutes at national scale).
            let (log, key) = (file_output(log.as_deref())?, file_output(key.as_deref())?);
            if n.is_some() && log.is_none() && model_to_stdout {
                return Err(Failure::Usage(
                    "--log -: the model goes to standard output already; write one of them to a file (-o or --log)"
                        .into(),
                ));
            }
            let model = tiaokuai::generate::GenerateOptions::new(scale.into(), seed)
                .history(history)
                .meetings(meetings)
                .people(people)
                .generate()?;
            write_model(output, &model)?;
            match n {
                // The model in memory is the one the saved file loads as (read at its `meta.as_of`),
                // so this is the log `generate-cases` writes for the file (a CLI test compares them).
                Some(n) => cases::generate_for(&model, &tiaokuai::cases::GenerateOptions::new(n, seed), log, key),
                None => Ok(ExitCode::SUCCESS),
            }
        }
        Command::Report { file, config, output, max_details, title } => {
            report::report(file.as_deref(), config.as_deref(), output.as_deref(), max_details, title.as_deref())
        }
        Command::Cases { model, log, format, table, on_time, config, output, csv_formulas, no_progress } => {
            cases::cases(cases::CasesArgs {
                model: &model,
                log: &log,
                format,
                table,
                on_time,
                config: config.as_deref(),
                output: output.as_deref(),
                formulas: csv_formulas,
                progress: !no_progress,
            })
        }
        Command::GenerateCases { model, cases: n, seed, start, days, output, key } => {
            let mut options = tiaokuai::cases::GenerateOptions::new(n, seed);
            if let Some(start) = start {
                options.start = start.first_day();
            }
            options.days = days;
            cases::generate(&model, &options, output.as_deref(), key.as_deref())
        }
        Command::Apply { model, change, output } => change::apply(&model, &change, output.as_deref()),
        Command::Diff { a, b, to, format, output } => {
            change::diff_cmd(&a, b.as_deref(), to, at, format, output.as_deref())
        }
        Command::Schema { change } => {
            let mut out = Out::new();
            out.text(if change { CHANGE_SCHEMA } else { SCHEMA })?;
            out.done()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints a query's answer as a table or JSON.
fn json_of(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Answers a question about `id` at the model's date. When the record is out of
/// force there and has successors in force (`succeeded_by`), prints a note on
/// standard error and answers for each successor, its JSON answer carrying
/// `resolved_from` (several successors, after a split: a JSON array, tables one after
/// the other). Never silent; without successors the question goes as asked (and
/// fails as not in force).
fn answers_for(
    model: &Model,
    id: &str,
    format: Format,
    ask: impl Fn(&str) -> Result<(Value, String), Failure>,
) -> CmdResult {
    let resolution = match tiaokuai::time::resolve(model, id) {
        Ok(r) if r.followed() => r,
        _ => {
            let (json, table) = ask(id)?;
            return answer(&json, &table, format);
        }
    };
    if let Some(note) = resolution.note(model) {
        eprintln!("note: {}", escape_terminal(&note));
    }
    let from = resolution.resolved_from(model);
    let mut jsons = Vec::new();
    let mut tables = Vec::new();
    for &n in &resolution.nodes {
        let (mut json, table) = ask(model.id(n))?;
        if let Value::Object(map) = &mut json {
            map.insert("resolved_from".into(), from.clone());
        }
        jsons.push(json);
        tables.push(table);
    }
    let json = if jsons.len() == 1 { jsons.remove(0) } else { Value::Array(jsons) };
    answer(&json, &tables.join("\n"), format)
}

/// `tiaokuai history FILE ID`: a record's validity, links gained and lost, predecessors
/// and successors (read from the whole document; `--at` does not hide any of it).
fn history(file: Option<&str>, id: &str, format: Format) -> CmdResult {
    let model = load(file)?;
    let node = model.find(id).ok_or_else(|| Failure::from(Error::UnknownId { id: id.to_string() }))?;
    let h = tiaokuai::time::history(model, node);
    answer(&h.to_json(model), &h.render(model), format)
}

/// The table of `holders` and `posts`: one row per post held.
fn held_table(held: &[tiaokuai::people::HeldPost<'_>]) -> String {
    let mut table =
        tiaokuai::render::Table::new(["person", "unit", "post", "band", "grade", "channel", "since", "until"]);
    for h in held {
        let person =
            if h.person_name.is_empty() { h.person.to_string() } else { format!("{} ({})", h.person, h.person_name) };
        let principal = if h.principal { " (principal)" } else { "" };
        table.row([
            person,
            format!("{} ({})", h.unit, h.unit_name),
            format!("{}{principal}", h.post),
            h.band.map(|b| b.to_string()).unwrap_or_default(),
            h.grade.map(|g| g.to_string()).unwrap_or_default(),
            h.channel.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            h.since.map(|d| d.to_string()).unwrap_or_default(),
            h.until.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    table.to_string()
}

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

#[allow(clippy::too_many_arguments)]
fn audit(
    file: Option<&str>,
    config: Option<&str>,
    format: AuditFormat,
    fail_on: FailOn,
    formulas: CsvFormulas,
    baseline: &BaselineArgs,
    color: ColorArg,
    suggest: Option<&str>,
) -> CmdResult {
    let options = LOAD_OPTIONS.get_or_init(LoadOptions::default);
    // The baseline is read (and its output path checked) before the model is loaded.
    let (path, explicit) = match &baseline.baseline {
        Some(p) => (std::path::PathBuf::from(p), true),
        None => (crate::baseline::Baseline::default_path(file), false),
    };
    let base = if baseline.no_baseline {
        crate::baseline::Baseline::default()
    } else {
        crate::baseline::Baseline::read(&path, explicit, options.max_bytes)?
    };
    if baseline.write_baseline {
        tiaokuai::format::check_output_file(&path).map_err(|e| Failure::Usage(e.to_string()))?;
    }
    let model = load(file)?;
    let config = load_config(config)?;
    let report = model.audit_on(&config, threads());
    if let Some(path) = suggest {
        let n = whatif::write_suggestions(path, model, &report)?;
        eprintln!("wrote {n} suggested change sets to {}", escape_terminal(path));
    }
    let today = crate::baseline::today();
    let written;
    let base = if baseline.write_baseline {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_string());
        let entries = base.rewritten(
            &report.findings,
            baseline.reason.as_deref().unwrap_or("known gap, accepted when the baseline was written"),
            baseline.accepted_by.as_deref().unwrap_or(&user),
            baseline.expires.as_deref(),
        );
        let n = entries.len();
        crate::baseline::write(&path, entries)?;
        eprintln!("wrote {n} accepted findings to the baseline {}", escape_terminal(&path.display().to_string()));
        written = crate::baseline::Baseline::read(&path, true, options.max_bytes)?;
        &written
    } else {
        &base
    };
    let (marks, applied) = base.apply(&report.findings, &today);
    let located = matches!(format, AuditFormat::Concise | AuditFormat::Sarif | AuditFormat::Github);
    let locator = if located {
        crate::locate::Locator::new(model, file, report.findings.iter().map(|f| f.subject.as_str()), options.max_bytes)
    } else {
        crate::locate::Locator::default()
    };
    let title = model.title().unwrap_or_else(|| file.unwrap_or("model").to_string());
    let audited = crate::audit_out::Audited { model, file, title, report: &report, marks, applied, locator };
    if !matches!(format, AuditFormat::Concise | AuditFormat::Table | AuditFormat::Github) {
        // Machine outputs carry the baseline in their documents; people reading stderr see expiries too.
        for e in &audited.applied.expired {
            eprintln!(
                "warning: baseline entry {} {} expired on {}: the finding counts again",
                escape_terminal(&e.rule),
                escape_terminal(&e.subject),
                e.expires.as_deref().unwrap_or("")
            );
        }
    }
    audited.print(format, color, formulas)?;
    let failed = match fail_on {
        FailOn::Never => false,
        FailOn::Error => audited.count_new(Severity::Error) > 0,
        FailOn::Warning => audited.count_new(Severity::Error) + audited.count_new(Severity::Warning) > 0,
    };
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `--threads` as given, set once by `main`: the audit and the timeline run on them.
static THREADS: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();

/// The threads of the audit and the timeline: `--threads`, else 0 (one per core for a
/// large model, see `tiaokuai::audit::threads_for`); 1 is the serial path.
pub(crate) fn threads() -> usize {
    THREADS.get().copied().flatten().unwrap_or(0)
}

/// Records `--threads` for the commands that run on several threads besides loading.
pub fn set_threads(threads: Option<usize>) {
    let _ = THREADS.set(threads);
}

/// A span of dates reads the model at many dates: `--at` names one.
fn no_at(what: &str) -> Result<(), Failure> {
    match AT.get().copied().flatten() {
        Some(_) => Err(Failure::Usage(format!("{what} reads the model at many dates: use --from/--to, not --at"))),
        None => Ok(()),
    }
}

fn audit_over(
    file: Option<&str>,
    config: Option<&str>,
    format: Format,
    formulas: CsvFormulas,
    from: Option<tiaokuai::Date>,
    to: Option<tiaokuai::Date>,
) -> CmdResult {
    no_at("audit --from/--to")?;
    let model = load(file)?;
    let config = load_config(config)?;
    let report = model.audit_over(&config, from, to)?;
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
                periods: String,
                message: &'a str,
            }
            let rows: Vec<Row<'_>> = report
                .findings
                .iter()
                .map(|h| Row {
                    rule: h.finding.rule,
                    name: h.finding.name,
                    severity: h.finding.severity,
                    subject: &h.finding.subject,
                    territory: h.finding.territory.as_deref().unwrap_or(""),
                    periods: h.describe_periods(),
                    message: &h.finding.message,
                })
                .collect();
            write_csv(&rows, &mut out, formulas)?;
        }
        Format::Table => {
            let title = model.title().unwrap_or_else(|| file.unwrap_or("model").to_string());
            let span = |d: Option<tiaokuai::Date>| d.map_or("open".to_string(), |d| d.to_string());
            out.line(&format!(
                "Audit of {title} from {} to {} ({} days of change evaluated)\n",
                span(report.from),
                span(report.to),
                report.days
            ))?;
            if report.findings.is_empty() {
                out.line("no findings")?;
            } else {
                out.text(&report.to_table().render())?;
            }
            out.line(&format!("\n{} findings", report.findings.len()))?;
        }
    }
    out.done()?;
    Ok(ExitCode::SUCCESS)
}

fn timeline(
    file: Option<&str>,
    config: Option<&str>,
    from: Option<tiaokuai::Date>,
    to: Option<tiaokuai::Date>,
    every: Option<tiaokuai::time::Every>,
    format: Format,
    formulas: CsvFormulas,
) -> CmdResult {
    no_at("timeline")?;
    let model = load(file)?;
    let config = load_config(config)?;
    let dates = tiaokuai::time::timeline_dates(model, &config, from, to, every)?;
    let threads = tiaokuai::audit::threads_for(model, threads());
    let timeline = tiaokuai::time::timeline(model, &config, &dates, threads);
    let mut out = Out::for_format(format);
    match format {
        Format::Json => out.line(&timeline.to_json())?,
        Format::Csv => {
            let mut w = CsvWriter::new(&mut out.w, formulas.into());
            w.record(timeline.columns().iter().map(String::as_str))?;
            for row in timeline.cells() {
                for (i, cell) in row.iter().enumerate() {
                    // The two dates are text; counts and rates are numbers.
                    if i < 2 { w.text(cell)? } else { w.value(cell)? }
                }
                w.end_record()?;
            }
            w.flush()?;
        }
        Format::Table => {
            if timeline.rows.is_empty() {
                out.line("no dates: the model has none in the span (give --from, or --every with --from and --to)")?;
            } else {
                out.text(&timeline.to_table().render())?;
            }
        }
    }
    out.done()?;
    Ok(ExitCode::SUCCESS)
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
    // With people: each area gains its people metrics (`people`; not for the urban/rural comparison).
    let people_level = match level {
        MetricsLevel::Street => Some(Level::Street),
        MetricsLevel::District => Some(Level::District),
        MetricsLevel::City => Some(Level::City),
        MetricsLevel::Urban => None,
    };
    let people = people_level.filter(|_| model.has_people()).map(|l| (l, tiaokuai::people::metrics(model)));
    let mut out = Out::for_format(format);
    match (format, &people) {
        (Format::Json | Format::Csv, Some((l, pm))) => {
            let by_id: std::collections::HashMap<&str, &tiaokuai::people::PeopleArea> =
                pm.areas(*l).iter().map(|a| (a.id.as_str(), a)).collect();
            let mut rows = Vec::with_capacity(areas.len());
            for area in areas {
                let mut v = serde_json::to_value(area).map_err(|e| e.to_string())?;
                let id = v.get("id").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
                if let (Some(obj), Some(p)) = (v.as_object_mut(), by_id.get(id.as_str())) {
                    let mut p = serde_json::to_value(p).map_err(|e| e.to_string())?;
                    if let Some(p) = p.as_object_mut() {
                        for k in ["id", "name", "kind"] {
                            p.remove(k);
                        }
                    }
                    obj.insert("people".into(), p);
                }
                rows.push(v);
            }
            if format == Format::Json {
                out.json(&rows)?;
            } else {
                write_csv(&rows, &mut out, formulas)?;
            }
        }
        (Format::Json, None) => out.json(&areas)?,
        (Format::Csv, None) => write_csv(areas, &mut out, formulas)?,
        (Format::Table, _) => {
            let table = match level {
                MetricsLevel::Street => metrics.to_table(Level::Street),
                MetricsLevel::District => metrics.to_table(Level::District),
                MetricsLevel::City => metrics.to_table(Level::City),
                MetricsLevel::Urban => metrics.comparison_table(),
            };
            out.text(&table.render())?;
            if let Some((l, pm)) = &people {
                out.text("\nPeople\n")?;
                out.text(&pm.to_table(*l).render())?;
            }
        }
    }
    out.done()?;
    Ok(ExitCode::SUCCESS)
}

/// `tiaokuai meetings`: the table of [`tiaokuai::meetings::meetings_table`].
fn meetings(
    file: Option<&str>,
    by: crate::MeetingsByArg,
    year: Option<u32>,
    format: Format,
    formulas: CsvFormulas,
) -> CmdResult {
    let model = load(file)?;
    let by = match by {
        crate::MeetingsByArg::Community => tiaokuai::meetings::MeetingsBy::Community,
        crate::MeetingsByArg::Street => tiaokuai::meetings::MeetingsBy::Street,
    };
    let table = tiaokuai::meetings::meetings_table(model, by, year);
    let mut out = Out::for_format(format);
    match format {
        // The rows as C's `tiaokuai_model_meetings_table_json` gives them: one writer for both.
        Format::Json => out.json(&table.to_json_rows())?,
        Format::Csv => table.write_csv(&mut out.w, formulas.into())?,
        Format::Table => {
            if model.meetings().is_empty() {
                out.line("no meetings: the model records none (see docs/format.md, \"Meetings\")")?;
            } else {
                let mut t = tiaokuai::render::Table::new(table.columns().iter().map(|c| c.name.clone()));
                for i in 0..table.rows() {
                    t.row(table.columns().iter().map(|c| c.data.text(i)));
                }
                out.text(&t.render())?;
            }
        }
    }
    out.done()?;
    Ok(ExitCode::SUCCESS)
}

fn export(
    file: Option<&str>,
    to: ExportTo,
    focus: Option<&str>,
    render: Option<RenderTo>,
    output: Option<&str>,
    formulas: CsvFormulas,
    redact: Option<Vec<u8>>,
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
    let model = load(file)?;
    let redacted;
    let model = match redact {
        Some(key) => {
            redacted = model.redact_people(&key)?;
            &redacted
        }
        None => model,
    };
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
    let options = LOAD_OPTIONS.get_or_init(LoadOptions::default);
    let mut stdin = Vec::new();
    let loaded = match file {
        None => Ok(Model::sample()),
        Some("-") => {
            stdin = read_stdin(options.max_bytes)?;
            Model::from_json_bytes_with(&stdin, options)
        }
        Some(path) => Model::load_with(path, options),
    };
    let first = match loaded {
        Ok(model) => {
            if format == Format::Json {
                out.json(&serde_json::json!({
                    "file": name, "valid": true, "records": model.len(), "links": model.link_count(), "problems": []
                }))?;
            } else {
                out.line(&format!("{name}: valid ({} records, {} links)", model.len(), model.link_count()))?;
            }
            out.done()?;
            return Ok(ExitCode::SUCCESS);
        }
        // A model that cannot be read at all is an input error (exit 2).
        Err(e @ (Error::Io { .. } | Error::Changed { .. })) => return Err(e.to_string().into()),
        Err(e @ Error::TooLarge { .. }) => return Err(format!("{name}: {e}").into()),
        Err(e) => e,
    };
    // The load stopped at the first problem; the document is read once more for all of them
    // (valid models never pay for this).
    let bundle = file.filter(|p| *p != "-" && Path::new(p).is_dir());
    let bytes = match file {
        Some("-") => Some(std::borrow::Cow::Borrowed(&stdin[..])),
        Some(path) if !Path::new(path).is_dir() => {
            crate::baseline::read_bounded(Path::new(path), options.max_bytes).ok().map(std::borrow::Cow::Owned)
        }
        _ => None,
    };
    let mut problems = match bundle {
        Some(dir) => tiaokuai::format::bundle_problems(dir, options),
        None => bytes.map(|b| tiaokuai::format::problems(&b, options)).unwrap_or_default(),
    };
    if problems.first() != Some(&first) {
        // The file changed in between: the loader's error stands alone.
        problems = vec![first];
    }
    if format == Format::Json {
        let list: Vec<Value> = problems
            .iter()
            .map(|e| {
                let at = e.position();
                serde_json::json!({
                    "record": at.map(|p| format!("{}[{}]", p.array, p.index)),
                    "field": e.field(),
                    "id": e.id(),
                    "message": e.to_string(),
                })
            })
            .collect();
        out.json(&serde_json::json!({
            "file": name, "valid": false, "error": format!("{name}: {}", problems[0]), "problems": list
        }))?;
        out.done()?;
    } else {
        // Buffered: a broken model can have a problem per record.
        let mut err = std::io::BufWriter::new(std::io::stderr().lock());
        for e in &problems {
            writeln!(err, "error: {}", escape_terminal(&format!("{name}: {e}")))?;
        }
        let n = problems.len();
        writeln!(err, "{}: {n} {}", escape_terminal(name), if n == 1 { "problem" } else { "problems" })?;
        err.flush()?;
    }
    Ok(ExitCode::from(1))
}

/// Counts for `tiaokuai stats`.
#[derive(serde::Serialize)]
struct Stats {
    name: Option<String>,
    /// The date the model is read at (`--at`, else `meta.as_of`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<String>,
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
        at: model.date().map(|d| d.to_string()),
        // Every record, people included (as `validate` counts them).
        records: model.count_records(),
        links: model.count_links(),
        by_type: BTreeMap::new(),
        territories_by_kind: BTreeMap::new(),
        units_by_kind: BTreeMap::new(),
        units_by_level: BTreeMap::new(),
        links_by_kind: BTreeMap::new(),
    };
    for t in RecordType::ALL {
        // `people` only when the model has some: a model without people prints what it did.
        if t != RecordType::Person || model.count(t) > 0 {
            s.by_type.insert(t.array().to_string(), model.count(t));
        }
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
        let at = s.at.as_deref().map(|d| format!(" at {d}")).unwrap_or_default();
        out.line(&format!("{}{at}: {} records, {} links\n", s.name.as_deref().unwrap_or("model"), s.records, s.links))?;
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
