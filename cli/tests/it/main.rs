//! Every integration test of the command line in one binary (one link instead of one per file: CI time).

mod audit_formats;
mod cases;
mod change;
mod cli;
mod export_render;
mod outputs;
mod people;
mod redact;
mod report_html;
mod spreadsheets;
mod succession;
mod whatif;
