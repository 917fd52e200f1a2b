package org.tiaokuai;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C functions of {@code tiaokuai.h}, one to one. Text goes in as UTF-8 bytes
 * with a length, and so do bytes (a model image); {@code bool} results are read as
 * {@code byte} (C's {@code bool} is one byte). Everything else in this package is built on these.
 */
interface LibTiaokuai extends Library {
    /** The library, found on {@code jna.library.path} or the system's library path. */
    LibTiaokuai C = Native.load("tiaokuai", LibTiaokuai.class);

    Pointer tiaokuai_version();

    Pointer tiaokuai_result_name(int result);

    void tiaokuai_string_free(Pointer s);

    void tiaokuai_bytes_free(Pointer bytes);

    // Errors.
    int tiaokuai_error_code(Pointer error);

    Pointer tiaokuai_error_message(Pointer error, Pointer outLen);

    Pointer tiaokuai_error_record(Pointer error, Pointer outLen);

    Pointer tiaokuai_error_field(Pointer error, Pointer outLen);

    Pointer tiaokuai_error_id(Pointer error, Pointer outLen);

    void tiaokuai_error_free(Pointer error);

    // The model.
    int tiaokuai_model_from_json(byte[] json, SizeT len, PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_load(byte[] path, SizeT len, PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_open(byte[] path, SizeT len, PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_from_image(byte[] image, SizeT len, PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_from_csv_dir(byte[] path, SizeT len, PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_sample(PointerByReference outModel, PointerByReference outError);

    void tiaokuai_model_free(Pointer model);

    int tiaokuai_model_to_json(Pointer model, PointerByReference outJson, Pointer outLen, PointerByReference outError);

    int tiaokuai_model_to_image(Pointer model, PointerByReference outImage, Pointer outLen,
            PointerByReference outError);

    int tiaokuai_model_save(Pointer model, byte[] path, SizeT len, PointerByReference outError);

    int tiaokuai_model_counts(Pointer model, Pointer outCounts, PointerByReference outError);

    // Views at a date.
    int tiaokuai_model_at(Pointer model, byte[] date, SizeT len, PointerByReference outModel,
            PointerByReference outError);

    int tiaokuai_model_whole(Pointer model, PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_snapshot(Pointer model, PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_date(Pointer model, PointerByReference outDate, Pointer outLen, PointerByReference outError);

    SizeT tiaokuai_model_mapped_bytes(Pointer model);

    int tiaokuai_model_as_of(Pointer model, PointerByReference outDate, Pointer outLen, PointerByReference outError);

    int tiaokuai_model_record_type(Pointer model, byte[] id, SizeT len, IntByReference outType,
            PointerByReference outError);

    int tiaokuai_model_record_name(Pointer model, byte[] id, SizeT len, PointerByReference outName, Pointer outLen,
            PointerByReference outError);

    int tiaokuai_model_record_kind(Pointer model, byte[] id, SizeT len, PointerByReference outKind, Pointer outLen,
            PointerByReference outError);

    // The audit.
    int tiaokuai_model_audit(Pointer model, byte[] config, SizeT len, PointerByReference outReport,
            PointerByReference outError);

    int tiaokuai_model_metrics_json(Pointer model, byte[] config, SizeT len, PointerByReference outJson,
            Pointer outLen, PointerByReference outError);

    int tiaokuai_model_timeline_json(Pointer model, byte[] options, SizeT len, PointerByReference outJson,
            Pointer outLen, PointerByReference outError);
    // People and posts (issue #14).
    int tiaokuai_model_holders_json(Pointer model, byte[] unit, SizeT unitLen, byte[] date, SizeT dateLen,
            PointerByReference outJson, Pointer outLen, PointerByReference outError);

    int tiaokuai_model_posts_json(Pointer model, byte[] person, SizeT personLen, byte[] date, SizeT dateLen,
            PointerByReference outJson, Pointer outLen, PointerByReference outError);

    int tiaokuai_model_tenure_json(Pointer model, byte[] person, SizeT personLen, byte[] unit, SizeT unitLen,
            byte[] date, SizeT dateLen, PointerByReference outJson, Pointer outLen, PointerByReference outError);

    int tiaokuai_model_redact_people(Pointer model, byte[] key, SizeT keyLen, PointerByReference outModel,
            PointerByReference outError);

    // Case logs (issue #15).
    int tiaokuai_cases_json(Pointer model, byte[] logPath, SizeT logPathLen, byte[] options, SizeT optionsLen,
            PointerByReference outJson, Pointer outLen, PointerByReference outError);

    // Meetings (issue #15).
    int tiaokuai_model_meetings_json(Pointer model, PointerByReference outJson, Pointer outLen,
            PointerByReference outError);

    int tiaokuai_model_meetings_table_json(Pointer model, byte[] by, SizeT byLen, int year,
            PointerByReference outJson, Pointer outLen, PointerByReference outError);

    int tiaokuai_generate_cases(Pointer model, byte[] logPath, SizeT logPathLen, byte[] keyPath, SizeT keyPathLen,
            long cases, byte[] options, SizeT optionsLen, PointerByReference outJson, Pointer outLen,
            PointerByReference outError);

    // Change sets and what-if (issue #13).
    int tiaokuai_model_apply(Pointer model, byte[] change, SizeT len, PointerByReference outModel,
            PointerByReference outError);

    int tiaokuai_diff_json(Pointer a, Pointer b, PointerByReference outJson, Pointer outLen,
            PointerByReference outError);

    int tiaokuai_whatif_json(Pointer model, byte[] change, SizeT changeLen, byte[] config, SizeT configLen,
            PointerByReference outJson, Pointer outLen, PointerByReference outError);

    SizeT tiaokuai_report_len(Pointer report);

    Pointer tiaokuai_report_finding(Pointer report, SizeT index);

    int tiaokuai_report_summary(Pointer report, Pointer outSummary, PointerByReference outError);

    int tiaokuai_report_to_json(Pointer report, PointerByReference outJson, Pointer outLen,
            PointerByReference outError);

    void tiaokuai_report_free(Pointer report);

    Pointer tiaokuai_finding_rule(Pointer finding, Pointer outLen);

    Pointer tiaokuai_finding_name(Pointer finding, Pointer outLen);

    Pointer tiaokuai_finding_severity(Pointer finding, Pointer outLen);

    Pointer tiaokuai_finding_subject(Pointer finding, Pointer outLen);

    Pointer tiaokuai_finding_territory(Pointer finding, Pointer outLen);

    Pointer tiaokuai_finding_message(Pointer finding, Pointer outLen);

    // Queries.
    int tiaokuai_model_chain(Pointer model, byte[] unit, SizeT len, int line, PointerByReference outAnswer,
            PointerByReference outError);

    int tiaokuai_model_responsible_for(Pointer model, byte[] territory, SizeT len, PointerByReference outAnswer,
            PointerByReference outError);

    int tiaokuai_model_dispatch(Pointer model, byte[] matter, SizeT matterLen, byte[] territory,
            SizeT territoryLen, PointerByReference outAnswer, PointerByReference outError);

    SizeT tiaokuai_answer_len(Pointer answer);

    Pointer tiaokuai_answer_step(Pointer answer, SizeT index);

    Pointer tiaokuai_answer_problem(Pointer answer, Pointer outLen);

    int tiaokuai_answer_to_json(Pointer answer, PointerByReference outJson, Pointer outLen,
            PointerByReference outError);

    void tiaokuai_answer_free(Pointer answer);

    Pointer tiaokuai_step_unit(Pointer step, Pointer outLen);

    Pointer tiaokuai_step_name(Pointer step, Pointer outLen);

    Pointer tiaokuai_step_kind(Pointer step, Pointer outLen);

    Pointer tiaokuai_step_via(Pointer step, Pointer outLen);

    Pointer tiaokuai_step_territory(Pointer step, Pointer outLen);

    Pointer tiaokuai_step_level(Pointer step, Pointer outLen);

    Pointer tiaokuai_step_grade(Pointer step, Pointer outLen);

    byte tiaokuai_step_link(Pointer step, Pointer outIndex);

    // Scenarios.
    int tiaokuai_scenario_run_file(byte[] path, SizeT len, PointerByReference outScenario,
            PointerByReference outError);

    int tiaokuai_scenario_run_json(byte[] json, SizeT len, byte[] baseDir, SizeT baseLen,
            PointerByReference outScenario, PointerByReference outError);

    byte tiaokuai_scenario_passed(Pointer scenario);

    Pointer tiaokuai_scenario_name(Pointer scenario, Pointer outLen);

    Pointer tiaokuai_scenario_report(Pointer scenario, Pointer outLen);

    SizeT tiaokuai_scenario_len(Pointer scenario);

    Pointer tiaokuai_scenario_check(Pointer scenario, SizeT index);

    int tiaokuai_scenario_to_json(Pointer scenario, PointerByReference outJson, Pointer outLen,
            PointerByReference outError);

    void tiaokuai_scenario_free(Pointer scenario);

    Pointer tiaokuai_check_what(Pointer check, Pointer outLen);

    byte tiaokuai_check_passed(Pointer check);

    Pointer tiaokuai_check_expected(Pointer check, Pointer outLen);

    Pointer tiaokuai_check_actual(Pointer check, Pointer outLen);

    // Load options.
    int tiaokuai_load_options_new(PointerByReference outOptions, PointerByReference outError);

    int tiaokuai_load_options_set_max_bytes(Pointer options, long maxBytes, PointerByReference outError);

    long tiaokuai_load_options_max_bytes(Pointer options);

    int tiaokuai_load_options_set_threads(Pointer options, SizeT threads, PointerByReference outError);

    SizeT tiaokuai_load_options_threads(Pointer options);

    /** {@code map} is a C {@code bool}: one byte, 0 or 1. */
    int tiaokuai_load_options_set_map(Pointer options, byte map, PointerByReference outError);

    byte tiaokuai_load_options_map(Pointer options);

    void tiaokuai_load_options_free(Pointer options);

    int tiaokuai_model_from_json_with_options(byte[] json, SizeT len, Pointer options, PointerByReference outModel,
            PointerByReference outError);

    int tiaokuai_model_load_with_options(byte[] path, SizeT len, Pointer options, PointerByReference outModel,
            PointerByReference outError);

    int tiaokuai_model_open_with_options(byte[] path, SizeT len, Pointer options, PointerByReference outModel,
            PointerByReference outError);

    int tiaokuai_model_from_image_with_options(byte[] image, SizeT len, Pointer options,
            PointerByReference outModel, PointerByReference outError);

    int tiaokuai_model_audit_with_options(Pointer model, byte[] config, SizeT len, Pointer options,
            PointerByReference outReport, PointerByReference outError);

    int tiaokuai_scenario_run_file_with_options(byte[] path, SizeT len, Pointer options,
            PointerByReference outScenario, PointerByReference outError);

    int tiaokuai_scenario_run_json_with_options(byte[] json, SizeT len, byte[] baseDir, SizeT baseLen,
            Pointer options, PointerByReference outScenario, PointerByReference outError);
}
