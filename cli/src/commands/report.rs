//! `tiaokuai report`: the audit as one self-contained HTML page ([`tiaokuai::html`]).

use std::process::ExitCode;

use tiaokuai::html::{HtmlOptions, to_html};

use super::{CmdResult, file_output, load, load_config, write_output};

/// Audits the model (the sample when `file` is `None`) and writes the HTML report to
/// `output` (a file, written atomically; standard output when `None` or `-`).
/// The output path is checked before the model is loaded.
pub(super) fn report(
    file: Option<&str>,
    config: Option<&str>,
    output: Option<&str>,
    max_details: usize,
    title: Option<&str>,
) -> CmdResult {
    let output = file_output(output)?;
    let model = load(file)?;
    let config = load_config(config)?;
    let report = model.audit_on(&config, super::threads());
    let mut options = HtmlOptions::default().max_details(max_details);
    if let Some(title) = title {
        options = options.title(title);
    }
    write_output(output, to_html(model, &report, &options).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
