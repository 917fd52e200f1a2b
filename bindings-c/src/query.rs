//! Who is accountable: `chain`, `responsible_for` and `dispatch`, answered as
//! a list of steps (for C programs to walk) and as JSON (the whole answer with
//! its evidence, the same document the CLI and the Python package give).

use std::ffi::{c_char, c_int};

use tiaokuai::{Chain, Dispatch, Line, Responsibility};

use crate::error::{Failure, tiaokuai_error, tiaokuai_result};
use crate::ffi::{
    Text, borrow, free_handle, guard, guard_or, into_handle, lend, out_ptr, str_in, write, write_len, write_string,
};
use crate::model::tiaokuai_model;

/// Which links a chain follows upward (passed as an `int`; other numbers give
/// `TIAOKUAI_RESULT_INVALID_ARGUMENT`).
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tiaokuai_line {
    /// `leads` links into each unit's leader (领导).
    Leadership = 0,
    /// `dispatches` and `guides` (the strip, 条), then `leads`.
    Strip = 1,
    /// `leads`, and the strip where a unit has no leader.
    All = 2,
}

fn line_of(n: c_int) -> Result<Line, Failure> {
    match n {
        0 => Ok(Line::Leadership),
        1 => Ok(Line::Strip),
        2 => Ok(Line::All),
        _ => Err(Failure::invalid_argument(format!(
            "line: {n} is not an enum tiaokuai_line (0 leadership, 1 strip, 2 all)"
        ))),
    }
}

/// One row of an answer (see `struct tiaokuai_answer` for what a row is in each query).
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct tiaokuai_step {
    unit: Option<Text>,
    name: Option<Text>,
    kind: Option<Text>,
    via: Option<Text>,
    territory: Option<Text>,
    level: Option<Text>,
    grade: Option<Text>,
    link: Option<usize>,
}

#[derive(Debug)]
enum Answer {
    Chain(Chain<'static>),
    Responsibility(Responsibility<'static>),
    Dispatch(Dispatch<'static>),
}

/// The answer of `tiaokuai_model_chain`, `tiaokuai_model_responsible_for` or
/// `tiaokuai_model_dispatch`: its steps, what is wrong with it (if anything),
/// and the whole answer as JSON. Owned by the caller, freed with
/// `tiaokuai_answer_free`; immutable, so any thread may read it.
///
/// The steps of each answer:
/// - chain: one step per unit from the unit asked about up to the top; `via`
///   is the kind of link followed into it (NULL for the first step); `level`
///   and `grade` are the unit's; `territory` is NULL.
/// - responsible_for: one step per unit holding `jurisdiction` over the place
///   and over each territory containing it, nearest first; `territory` is that
///   territory, `via` is `"jurisdiction"`, `level` and `grade` are the
///   territory's. A territory nobody holds gives one step whose `unit`,
///   `name`, `kind`, `via` and link are absent: that is "where is nobody".
/// - dispatch: one step per lead, then per cooperator, then per supervisor;
///   `via` is the role (`"lead"`, `"cooperate"`, `"supervise"`), `territory`
///   the territory where the responsibility applies, `level` and `grade` the unit's.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct tiaokuai_answer {
    answer: Answer,
    steps: Vec<tiaokuai_step>,
    problem: Option<Text>,
}

fn text(s: impl AsRef<str>) -> Option<Text> {
    Some(Text::new(s.as_ref()))
}

fn word<T: AsRef<str>>(w: Option<T>) -> Option<Text> {
    w.as_ref().map(|w| Text::new(w.as_ref()))
}

impl tiaokuai_answer {
    fn chain(c: Chain<'_>) -> Self {
        let steps = c
            .steps
            .iter()
            .map(|s| tiaokuai_step {
                unit: text(&s.id),
                name: text(&s.name),
                kind: text(&s.kind),
                via: word(s.via.as_ref().map(|v| v.as_str())),
                territory: None,
                level: word(s.level.as_ref().map(|l| l.as_str())),
                grade: word(s.grade.as_ref().map(|g| g.as_str())),
                link: s.link,
            })
            .collect();
        tiaokuai_answer { answer: Answer::Chain(c.into_owned()), steps, problem: None }
    }

    fn responsibility(r: Responsibility<'_>) -> Self {
        let mut steps = Vec::new();
        for b in &r.blocks {
            let place = |unit: Option<&tiaokuai::Holder>| tiaokuai_step {
                unit: unit.and_then(|h| text(&h.id)),
                name: unit.and_then(|h| text(&h.name)),
                kind: unit.and_then(|h| text(&h.kind)),
                via: unit.and_then(|_| text("jurisdiction")),
                territory: text(&b.territory),
                level: word(b.level.as_ref().map(|l| l.as_str())),
                grade: word(b.grade.as_ref().map(|g| g.as_str())),
                link: unit.map(|h| h.link),
            };
            if b.holders.is_empty() {
                steps.push(place(None));
            }
            steps.extend(b.holders.iter().map(|h| place(Some(h))));
        }
        tiaokuai_answer { answer: Answer::Responsibility(r.into_owned()), steps, problem: None }
    }

    fn dispatch(d: Dispatch<'_>) -> Self {
        let steps = [&d.leads, &d.cooperators, &d.supervisors]
            .into_iter()
            .flatten()
            .map(|a| tiaokuai_step {
                unit: text(&a.unit),
                name: text(&a.name),
                kind: text(&a.kind),
                via: text(a.role.as_str()),
                territory: text(&a.at),
                level: word(a.level.as_ref().map(|l| l.as_str())),
                grade: word(a.grade.as_ref().map(|g| g.as_str())),
                link: Some(a.link),
            })
            .collect();
        let problem = d.problem.map(|p| Text::new(&p.to_string()));
        tiaokuai_answer { answer: Answer::Dispatch(d.into_owned()), steps, problem }
    }

    fn to_json(&self) -> String {
        let json = match &self.answer {
            Answer::Chain(c) => serde_json::to_string_pretty(c),
            Answer::Responsibility(r) => serde_json::to_string_pretty(r),
            Answer::Dispatch(d) => serde_json::to_string_pretty(d),
        };
        json.expect("answers serialise: they hold strings, numbers and words only")
    }
}

/// Hands an answer to C.
///
/// # Safety
/// `out_answer` was checked and is valid for writing a pointer.
unsafe fn deliver(out_answer: *mut *mut tiaokuai_answer, answer: tiaokuai_answer) {
    // SAFETY: forwarded contract.
    unsafe { write(out_answer, into_handle(answer)) }
}

/// The chain of the unit `unit_id` (`unit_id_len` bytes of UTF-8) upward
/// along `line` (an `enum tiaokuai_line`): one step per unit, the unit first.
/// A cycle never loops: the chain stops, and the JSON's `"cycle"` says where.
///
/// On success writes a new answer to `*out_answer`, owned by the caller (free
/// it with `tiaokuai_answer_free`). `TIAOKUAI_RESULT_UNKNOWN_ID` when no
/// record has the id, `TIAOKUAI_RESULT_WRONG_RECORD_TYPE` when it is not a
/// unit, `TIAOKUAI_RESULT_INVALID_ARGUMENT` for an unknown `line`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_chain(
    model: *const tiaokuai_model,
    unit_id: *const c_char,
    unit_id_len: usize,
    line: c_int,
    out_answer: *mut *mut tiaokuai_answer,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_answer = out_ptr(out_answer, "out_answer")?;
        // SAFETY: inputs as documented; out_answer checked.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let unit = str_in(unit_id, unit_id_len, "unit_id")?;
            let line = line_of(line)?;
            deliver(out_answer, tiaokuai_answer::chain(model.chain(unit, line)?));
        }
        Ok(())
    })
}

/// The block chain of the territory `territory_id`: the units holding
/// jurisdiction over it and over each territory containing it, nearest first,
/// with each territory's level and grade (grid → community specific → street
/// direct → district first → city overall); territories with nobody are
/// steps without a unit. `TIAOKUAI_RESULT_UNKNOWN_ID`,
/// `TIAOKUAI_RESULT_WRONG_RECORD_TYPE` (not a territory). Ownership as for
/// `tiaokuai_model_chain`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_responsible_for(
    model: *const tiaokuai_model,
    territory_id: *const c_char,
    territory_id_len: usize,
    out_answer: *mut *mut tiaokuai_answer,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_answer = out_ptr(out_answer, "out_answer")?;
        // SAFETY: inputs as documented; out_answer checked.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let territory = str_in(territory_id, territory_id_len, "territory_id")?;
            deliver(out_answer, tiaokuai_answer::responsibility(model.responsible_for(territory)?));
        }
        Ok(())
    })
}

/// Who handles the matter `matter_id` in the territory `territory_id`: the
/// lead(s) at the nearest level where one applies, the cooperators and the
/// supervisors (the JSON adds the chain above each lead and the block chain of
/// the place). No lead anywhere, or several at that level, is not an error:
/// `tiaokuai_answer_problem` says `"no_lead"` or `"several_leads"`.
/// `TIAOKUAI_RESULT_UNKNOWN_ID`, `TIAOKUAI_RESULT_WRONG_RECORD_TYPE` (not a
/// matter, not a territory). Ownership as for `tiaokuai_model_chain`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_dispatch(
    model: *const tiaokuai_model,
    matter_id: *const c_char,
    matter_id_len: usize,
    territory_id: *const c_char,
    territory_id_len: usize,
    out_answer: *mut *mut tiaokuai_answer,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_answer = out_ptr(out_answer, "out_answer")?;
        // SAFETY: inputs as documented; out_answer checked.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let matter = str_in(matter_id, matter_id_len, "matter_id")?;
            let territory = str_in(territory_id, territory_id_len, "territory_id")?;
            deliver(out_answer, tiaokuai_answer::dispatch(model.dispatch(matter, territory)?));
        }
        Ok(())
    })
}

/// The number of steps of an answer; 0 when `answer` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_answer_len(answer: *const tiaokuai_answer) -> usize {
    // SAFETY: NULL or a live answer.
    guard_or(0, || unsafe { answer.as_ref() }.map_or(0, |a| a.steps.len()))
}

/// The step at `index` (0-based), borrowed from the answer (valid until
/// `tiaokuai_answer_free`); NULL when `answer` is NULL or `index` is not
/// below `tiaokuai_answer_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_answer_step(answer: *const tiaokuai_answer, index: usize) -> *const tiaokuai_step {
    // SAFETY: NULL or a live answer.
    guard_or(std::ptr::null(), || {
        unsafe { answer.as_ref() }.and_then(|a| a.steps.get(index)).map_or(std::ptr::null(), |s| s as *const _)
    })
}

/// What is wrong with a dispatch answer: `"no_lead"` or `"several_leads"`;
/// NULL when exactly one lead applies, for chains and block chains, and when
/// `answer` is NULL. Borrowed from the answer; length to `out_len` when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_answer_problem(answer: *const tiaokuai_answer, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live answer; out_len NULL or writable.
    guard_or(std::ptr::null(), || unsafe { lend(answer.as_ref().and_then(|a| a.problem.as_ref()), out_len) })
}

/// The whole answer as pretty-printed JSON, with its evidence (the links
/// followed, by their index in the model's `links` array). A new string owned
/// by the caller (free it with `tiaokuai_string_free`); its length to
/// `*out_len` when `out_len` is not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_answer_to_json(
    answer: *const tiaokuai_answer,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: answer NULL or live; outputs checked or optional.
        unsafe {
            let answer = borrow(answer, "answer")?;
            write_string(out_json, out_len, &answer.to_json());
        }
        Ok(())
    })
}

/// Frees an answer and its steps. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_answer_free(answer: *mut tiaokuai_answer) {
    // SAFETY: NULL or an answer made by this library, not yet freed.
    guard_or((), || unsafe { free_handle(answer) })
}

/// Lends one text field of a step.
///
/// # Safety
/// `step` is NULL or a live step; `out_len` NULL or writable.
unsafe fn step_text(
    step: *const tiaokuai_step,
    out_len: *mut usize,
    field: fn(&tiaokuai_step) -> Option<&Text>,
) -> *const c_char {
    // SAFETY: forwarded contract.
    guard_or(std::ptr::null(), || unsafe { lend(step.as_ref().and_then(field), out_len) })
}

/// The id of the step's unit; NULL for a territory nobody holds.
///
/// Borrowed from the answer (valid until `tiaokuai_answer_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `step` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_unit(step: *const tiaokuai_step, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live step; out_len NULL or writable.
    unsafe { step_text(step, out_len, |s| s.unit.as_ref()) }
}

/// The name of the step's unit; NULL for a territory nobody holds.
///
/// Borrowed from the answer (valid until `tiaokuai_answer_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `step` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_name(step: *const tiaokuai_step, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live step; out_len NULL or writable.
    unsafe { step_text(step, out_len, |s| s.name.as_ref()) }
}

/// The kind of the step's unit (`"party_committee"` …); NULL for a territory nobody holds.
///
/// Borrowed from the answer (valid until `tiaokuai_answer_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `step` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_kind(step: *const tiaokuai_step, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live step; out_len NULL or writable.
    unsafe { step_text(step, out_len, |s| s.kind.as_ref()) }
}

/// How the step was reached: the kind of link followed into it (chain; NULL
/// for the first step), `"jurisdiction"` (block chain; NULL for a territory
/// nobody holds), or the role (dispatch: `"lead"`, `"cooperate"`, `"supervise"`).
///
/// Borrowed from the answer (valid until `tiaokuai_answer_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `step` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_via(step: *const tiaokuai_step, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live step; out_len NULL or writable.
    unsafe { step_text(step, out_len, |s| s.via.as_ref()) }
}

/// The territory of the step (block chain, dispatch); NULL in a chain.
///
/// Borrowed from the answer (valid until `tiaokuai_answer_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `step` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_territory(step: *const tiaokuai_step, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live step; out_len NULL or writable.
    unsafe { step_text(step, out_len, |s| s.territory.as_ref()) }
}

/// The level (`"city"`, `"district"`, `"street"`, `"community"`, `"grid"` …); NULL
/// when it has none.
///
/// Borrowed from the answer (valid until `tiaokuai_answer_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `step` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_level(step: *const tiaokuai_step, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live step; out_len NULL or writable.
    unsafe { step_text(step, out_len, |s| s.level.as_ref()) }
}

/// The responsibility grade of that level (`"overall"`, `"first"`, `"direct"`,
/// `"specific"`); NULL when it has none.
///
/// Borrowed from the answer (valid until `tiaokuai_answer_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `step` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_grade(step: *const tiaokuai_step, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live step; out_len NULL or writable.
    unsafe { step_text(step, out_len, |s| s.grade.as_ref()) }
}

/// The index, in the model's `links` array, of the link behind the step,
/// written to `*out_index`. Returns false (and writes nothing) when the step
/// has no link (the first step of a chain, a territory with nobody) or `step`
/// or `out_index` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_step_link(step: *const tiaokuai_step, out_index: *mut usize) -> bool {
    // SAFETY: NULL or a live step; out_index NULL or writable.
    guard_or(false, || match (unsafe { step.as_ref() }.and_then(|s| s.link), out_index.is_null()) {
        (Some(link), false) => {
            unsafe { write_len(out_index, link) };
            true
        }
        _ => false,
    })
}
