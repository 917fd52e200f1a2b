package org.tiaokuai;

import static org.tiaokuai.LibTiaokuai.C;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of running a scenario: a model with expected answers ({@code tests/scenarios/*.json}).
 *
 * @param name the scenario's name
 * @param passed whether every expectation held
 * @param report a report for people: {@code ok   name (N checks)} or {@code FAIL name …} with each failed check
 * @param checks every check, in the order of the file
 */
public record Scenario(String name, boolean passed, String report, List<Check> checks) {
    /**
     * Copies the checks so the outcome is immutable.
     *
     * @param name the name
     * @param passed whether it passed
     * @param report the report
     * @param checks the checks
     */
    public Scenario {
        checks = List.copyOf(checks);
    }

    /**
     * Reads and runs a scenario file. Failed expectations are not an exception: see {@link #passed()}.
     *
     * @param path the scenario file
     * @return the outcome
     * @throws TiaokuaiException when the scenario cannot be run: unreadable ({@code io}), malformed
     *     ({@code invalid}), a bad model, an expectation naming an unknown id
     */
    public static Scenario run(Path path) {
        return runFile(Objects.requireNonNull(path, "path"), null);
    }

    /**
     * Runs a scenario given as JSON text; a {@code "model_file"} in it is resolved against {@code baseDir}.
     *
     * @param json the scenario
     * @param baseDir the folder for {@code "model_file"}, or null for the working directory
     * @return the outcome
     * @throws TiaokuaiException as {@link #run(Path)}
     */
    public static Scenario runJson(String json, Path baseDir) {
        return runText(Objects.requireNonNull(json, "json"), baseDir, null);
    }

    /**
     * Reads and runs a scenario file with options: the scenario file and the model file it names are each read at
     * most to {@link LoadOptions#maxBytes()}.
     *
     * @param path the scenario file
     * @param options the options (the size limit)
     * @return the outcome
     * @throws TiaokuaiException {@code too_large} over the limit; as {@link #run(Path)}
     */
    public static Scenario run(Path path, LoadOptions options) {
        Objects.requireNonNull(path, "path");
        return Objects.requireNonNull(options, "options").withNative(o -> runFile(path, o));
    }

    /**
     * Runs a scenario given as JSON text with options: text longer than {@link LoadOptions#maxBytes()} is
     * refused, and a {@code "model_file"} is read at most to it.
     *
     * @param json the scenario
     * @param baseDir the folder for {@code "model_file"}, or null for the working directory
     * @param options the options (the size limit)
     * @return the outcome
     * @throws TiaokuaiException {@code too_large} over the limit; as {@link #run(Path)}
     */
    public static Scenario runJson(String json, Path baseDir, LoadOptions options) {
        Objects.requireNonNull(json, "json");
        return Objects.requireNonNull(options, "options").withNative(o -> runText(json, baseDir, o));
    }

    /** Runs a scenario file with the native options (null: the defaults). */
    private static Scenario runFile(Path path, Pointer options) {
        Ffi.Utf8 p = Ffi.utf8(path.toString());
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Ffi.check(C.tiaokuai_scenario_run_file_with_options(p.bytes(), p.len(), options, out, err), err);
        return take(out.getValue());
    }

    /** Runs a scenario given as JSON text with the native options (null: the defaults). */
    private static Scenario runText(String json, Path baseDir, Pointer options) {
        Ffi.Utf8 j = Ffi.utf8(json);
        Ffi.Utf8 b = baseDir == null ? null : Ffi.utf8(baseDir.toString());
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        int rc = C.tiaokuai_scenario_run_json_with_options(j.bytes(), j.len(),
                b == null ? null : b.bytes(), b == null ? new SizeT(0) : b.len(), options, out, err);
        Ffi.check(rc, err);
        return take(out.getValue());
    }

    /** Copies a scenario outcome out of the library and frees it. */
    private static Scenario take(Pointer s) {
        try {
            long n = C.tiaokuai_scenario_len(s).longValue();
            List<Check> checks = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                Pointer c = C.tiaokuai_scenario_check(s, new SizeT(i));
                checks.add(new Check(
                        Ffi.borrowed(C::tiaokuai_check_what, c),
                        C.tiaokuai_check_passed(c) != 0,
                        Ffi.borrowed(C::tiaokuai_check_expected, c),
                        Ffi.borrowed(C::tiaokuai_check_actual, c)));
            }
            return new Scenario(
                    Ffi.borrowed(C::tiaokuai_scenario_name, s),
                    C.tiaokuai_scenario_passed(s) != 0,
                    Ffi.borrowed(C::tiaokuai_scenario_report, s),
                    checks);
        } finally {
            C.tiaokuai_scenario_free(s);
        }
    }
}
