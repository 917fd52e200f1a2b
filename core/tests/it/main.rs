//! Every integration test of the core in one binary (one link instead of one per file: CI time).
//! `bounds.rs` stays apart: it installs a counting global allocator for the whole process.

mod adversarial;
mod apply_in_place;
mod audit;
mod bad_input;
#[cfg(feature = "divisions")]
mod cases;
mod change;
mod common;
mod csv_strict;
#[cfg(feature = "divisions")]
mod divisions;
mod durability;
#[cfg(feature = "divisions")]
mod export;
mod export_distinct;
#[cfg(feature = "divisions")]
mod generate;
mod image;
mod meetings;
mod metrics;
#[cfg(feature = "divisions")]
mod outputs;
mod parallel;
#[cfg(feature = "divisions")]
mod parallel_load;
mod people;
mod problems;
mod query;
mod redact;
#[cfg(feature = "divisions")]
mod roundtrip;
mod scenarios;
mod schema;
mod spreadsheets;
mod strict;
mod suggest;
#[cfg(feature = "divisions")]
mod time;
mod time_rules;
#[cfg(feature = "divisions")]
mod timeline;
mod whatif;
