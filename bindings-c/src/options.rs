//! Load options: one size limit for every input the library reads (models, CSV
//! bundles, audit configs, scenarios and the model files they name), set in one
//! place and passed to the `_with_options` functions.

use std::ffi::c_char;
use std::path::Path;

use tiaokuai::scenario;
use tiaokuai::{LoadOptions, Model};

use crate::audit::tiaokuai_report;
use crate::error::{tiaokuai_error, tiaokuai_result};
use crate::ffi::{borrow, bytes_in, free_handle, guard, guard_or, into_handle, opt_str_in, out_ptr, str_in, write};
use crate::model::{deliver, tiaokuai_model};
use crate::scenario::tiaokuai_scenario;

/// Options for reading input: the size limit (default 4 GiB). Made by
/// `tiaokuai_load_options_new`, changed by its setters, freed with
/// `tiaokuai_load_options_free`. Every `_with_options` function takes it as
/// `const` (NULL there means the defaults), so one options object may be
/// shared by threads once it is set up.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone)]
pub struct tiaokuai_load_options {
    pub(crate) options: LoadOptions,
}

/// The options behind an optional pointer: NULL gives the defaults.
///
/// # Safety
/// `p` is NULL or a live options object.
unsafe fn options_in(p: *const tiaokuai_load_options) -> LoadOptions {
    // SAFETY: the caller's contract.
    unsafe { p.as_ref() }.map(|o| o.options.clone()).unwrap_or_default()
}

/// Makes an options object with the defaults (a size limit of 4 GiB).
///
/// On success writes it to `*out_options`, owned by the caller (free it with
/// `tiaokuai_load_options_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_new(
    out_options: *mut *mut tiaokuai_load_options,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_options = out_ptr(out_options, "out_options")?;
        // SAFETY: out_options checked.
        unsafe { write(out_options, into_handle(tiaokuai_load_options { options: LoadOptions::default() })) };
        Ok(())
    })
}

/// Sets the largest input read, in bytes: a larger model file, CSV bundle (all
/// its files together), JSON text, model image, audit config, scenario file or
/// model file a scenario names gives `TIAOKUAI_RESULT_TOO_LARGE`, and a file is
/// never read past the limit (a device such as `/dev/zero` or an endless pipe
/// is refused at the limit, not read until memory runs out).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_set_max_bytes(
    options: *mut tiaokuai_load_options,
    max_bytes: u64,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let options = out_ptr(options, "options")?;
        // SAFETY: not NULL, and the caller gives a live options object no other thread uses.
        let o = unsafe { &mut *options };
        o.options = o.options.clone().max_bytes(max_bytes);
        Ok(())
    })
}

/// The size limit of an options object, in bytes; 0 when `options` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_max_bytes(options: *const tiaokuai_load_options) -> u64 {
    // SAFETY: NULL or a live options object.
    guard_or(0, || unsafe { options.as_ref() }.map_or(0, |o| o.options.max_bytes))
}

/// Sets how many threads an operation given these options may use: a load
/// (`tiaokuai_model_load_with_options` and the others) and an audit
/// (`tiaokuai_model_audit_with_options`). 0 (the default) uses one per
/// available core, at most 8 (an audit of a model under 100,000 records runs
/// on the caller's thread alone); 1 uses none but the caller's; a larger count
/// is capped at 256. The threads are scoped to the call: none outlives it and
/// there is no pool. The answers are the same whatever the count (an audit's
/// findings come in the same order).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_set_threads(
    options: *mut tiaokuai_load_options,
    threads: usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let options = out_ptr(options, "options")?;
        // SAFETY: not NULL, and the caller gives a live options object no other thread uses.
        let o = unsafe { &mut *options };
        o.options = o.options.clone().threads(threads);
        Ok(())
    })
}

/// The thread count of an options object (0: one per core); 0 when `options`
/// is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_threads(options: *const tiaokuai_load_options) -> usize {
    // SAFETY: NULL or a live options object.
    guard_or(0, || unsafe { options.as_ref() }.map_or(0, |o| o.options.threads))
}

/// Sets whether `tiaokuai_model_open_with_options` (and a load that meets a
/// model image) maps the image's file: true (the default) points the model's
/// largest tables into the file's pages, which every process that opens the
/// same file shares (`tiaokuai_model_mapped_bytes`); false reads it into
/// memory. A mapped image must be replaced by renaming a new file over it,
/// never written into: a file cut shorter under a mapping makes the process
/// that maps it fault (SIGBUS) when it reads the missing pages.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_set_map(
    options: *mut tiaokuai_load_options,
    map: bool,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let options = out_ptr(options, "options")?;
        // SAFETY: not NULL, and the caller gives a live options object no other thread uses.
        let o = unsafe { &mut *options };
        o.options = o.options.clone().map(map);
        Ok(())
    })
}

/// Whether an options object maps model images; true (the default) when
/// `options` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_map(options: *const tiaokuai_load_options) -> bool {
    // SAFETY: NULL or a live options object.
    guard_or(true, || unsafe { options.as_ref() }.is_none_or(|o| o.options.map))
}

/// Frees an options object. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_load_options_free(options: *mut tiaokuai_load_options) {
    // SAFETY: NULL or an options object from tiaokuai_load_options_new, not yet freed.
    guard_or((), || unsafe { free_handle(options) })
}

/// `tiaokuai_model_from_json` with options (NULL: the defaults).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_from_json_with_options(
    json: *const c_char,
    json_len: usize,
    options: *const tiaokuai_load_options,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: json gives json_len readable bytes; options NULL or live; out_model checked.
        unsafe {
            let json = str_in(json, json_len, "json")?;
            let options = options_in(options);
            deliver(out_model, Model::from_json_bytes_with(json.as_bytes(), &options))
        }
    })
}

/// `tiaokuai_model_load` with options (NULL: the defaults): the file, or the
/// CSV bundle's files together, are read at most to the size limit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_load_with_options(
    path: *const c_char,
    path_len: usize,
    options: *const tiaokuai_load_options,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: as tiaokuai_model_from_json_with_options.
        unsafe {
            let path = str_in(path, path_len, "path")?;
            let options = options_in(options);
            deliver(out_model, Model::load_with(path, &options))
        }
    })
}

/// `tiaokuai_model_open` with options (NULL: the defaults): the file is read
/// at most to the size limit, and its tables are built on the options' threads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_open_with_options(
    path: *const c_char,
    path_len: usize,
    options: *const tiaokuai_load_options,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: as tiaokuai_model_from_json_with_options.
        unsafe {
            let path = str_in(path, path_len, "path")?;
            let options = options_in(options);
            deliver(out_model, Model::open_with(path, &options))
        }
    })
}

/// `tiaokuai_model_from_image` with options (NULL: the defaults): an image
/// longer than the size limit gives `TIAOKUAI_RESULT_TOO_LARGE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_from_image_with_options(
    image: *const u8,
    image_len: usize,
    options: *const tiaokuai_load_options,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: image gives image_len readable bytes; options NULL or live; out_model checked.
        unsafe {
            let image = bytes_in(image.cast::<c_char>(), image_len, "image")?;
            let options = options_in(options);
            deliver(out_model, Model::from_image_with(image, &options))
        }
    })
}

/// `tiaokuai_model_audit` with options (NULL: the defaults): a config longer
/// than the size limit gives `TIAOKUAI_RESULT_TOO_LARGE`. The config follows
/// the model's JSON rules: a key given twice is `TIAOKUAI_RESULT_INVALID`
/// naming it, a byte-order mark is skipped. The audit runs on the options'
/// threads (`tiaokuai_load_options_set_threads`), with the same report
/// whatever their number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_audit_with_options(
    model: *const tiaokuai_model,
    config_json: *const c_char,
    config_len: usize,
    options: *const tiaokuai_load_options,
    out_report: *mut *mut tiaokuai_report,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_report = out_ptr(out_report, "out_report")?;
        // SAFETY: inputs as documented; out_report checked.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let options = options_in(options);
            let config = crate::audit::config_in(config_json, config_len, &options)?;
            write(out_report, into_handle(tiaokuai_report::new(model.audit_on(&config, options.threads))));
        }
        Ok(())
    })
}

/// `tiaokuai_scenario_run_file` with options (NULL: the defaults): the
/// scenario file and the model file it names are each read at most to the
/// size limit, and the model is loaded with these options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_run_file_with_options(
    path: *const c_char,
    path_len: usize,
    options: *const tiaokuai_load_options,
    out_scenario: *mut *mut tiaokuai_scenario,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_scenario = out_ptr(out_scenario, "out_scenario")?;
        // SAFETY: path gives path_len readable bytes; options NULL or live; out_scenario checked.
        unsafe {
            let path = str_in(path, path_len, "path")?;
            let options = options_in(options);
            let outcome = scenario::run_file_with(path, &options)?;
            write(out_scenario, into_handle(tiaokuai_scenario::new(outcome)));
        }
        Ok(())
    })
}

/// `tiaokuai_scenario_run_json` with options (NULL: the defaults): text longer
/// than the size limit gives `TIAOKUAI_RESULT_TOO_LARGE`, and a `model_file`
/// is read at most to it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_run_json_with_options(
    json: *const c_char,
    json_len: usize,
    base_dir: *const c_char,
    base_len: usize,
    options: *const tiaokuai_load_options,
    out_scenario: *mut *mut tiaokuai_scenario,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_scenario = out_ptr(out_scenario, "out_scenario")?;
        // SAFETY: buffers as documented; options NULL or live; out_scenario checked.
        unsafe {
            let json = str_in(json, json_len, "json")?;
            let base = opt_str_in(base_dir, base_len, "base_dir")?;
            let options = options_in(options);
            let outcome = scenario::run_str_with(json, base.map(Path::new), &options)?;
            write(out_scenario, into_handle(tiaokuai_scenario::new(outcome)));
        }
        Ok(())
    })
}
