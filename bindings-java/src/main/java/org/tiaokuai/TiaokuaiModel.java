package org.tiaokuai;

import static org.tiaokuai.LibTiaokuai.C;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A governance model: territories, units, matters, items and the typed links between them, loaded into the
 * tiaokuai library, and the questions its users ask of it — who is accountable ({@link #chain},
 * {@link #responsibleFor}, {@link #dispatch}) and where is nobody ({@link #audit()}).
 *
 * <p>A model is immutable once loaded: any number of threads may query it at once. It holds native memory, so
 * close it (try-with-resources); closing twice is harmless, and using a closed model throws
 * {@link IllegalStateException}. Closing waits for queries running on other threads.
 *
 * <pre>{@code
 * try (TiaokuaiModel model = TiaokuaiModel.load(Path.of("data/samples/baoshan.json"))) {
 *     for (Finding f : model.audit()) {
 *         System.out.println(f.severity() + " " + f.rule() + " " + f.subject() + ": " + f.message());
 *     }
 * }
 * }</pre>
 *
 * <p>Every failure of the library is a {@link TiaokuaiException} naming what went wrong; a null argument is a
 * {@link NullPointerException}.
 */
public final class TiaokuaiModel implements AutoCloseable {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private Pointer handle;

    private TiaokuaiModel(Pointer handle) {
        this.handle = handle;
    }

    /**
     * The version of the native library, e.g. {@code "0.1.0"}.
     *
     * @return the version
     */
    public static String version() {
        return C.tiaokuai_version().getString(0, "UTF-8");
    }

    /**
     * Loads a model from a path: a {@code tiaokuai/1} JSON file, a model image (known by its first bytes, as
     * {@link #open(Path)} reads it), or a folder holding a CSV bundle.
     *
     * @param path the file or folder
     * @return the model
     * @throws TiaokuaiException {@code io} when it cannot be read; the loading errors of {@link #fromJson}
     */
    public static TiaokuaiModel load(Path path) {
        Ffi.Utf8 p = Ffi.utf8(Objects.requireNonNull(path, "path").toString());
        return make((out, err) -> C.tiaokuai_model_load(p.bytes(), p.len(), out, err));
    }

    /**
     * Loads a model from a path with options: the file, or a CSV bundle's files together, are read at most to
     * {@link LoadOptions#maxBytes()}.
     *
     * @param path the file or folder
     * @param options the options (the size limit)
     * @return the model
     * @throws TiaokuaiException {@code too_large} over the limit; as {@link #load(Path)}
     */
    public static TiaokuaiModel load(Path path, LoadOptions options) {
        Ffi.Utf8 p = Ffi.utf8(Objects.requireNonNull(path, "path").toString());
        return Objects.requireNonNull(options, "options").withNative(o ->
                make((out, err) -> C.tiaokuai_model_load_with_options(p.bytes(), p.len(), o, out, err)));
    }

    /**
     * Reads a model from {@code tiaokuai/1} JSON text with options: text longer than
     * {@link LoadOptions#maxBytes()} (in UTF-8 bytes) is refused.
     *
     * @param json the document
     * @param options the options (the size limit)
     * @return the model
     * @throws TiaokuaiException {@code too_large} over the limit; as {@link #fromJson(String)}
     */
    public static TiaokuaiModel fromJson(String json, LoadOptions options) {
        Ffi.Utf8 j = Ffi.utf8(Objects.requireNonNull(json, "json"));
        return Objects.requireNonNull(options, "options").withNative(o ->
                make((out, err) -> C.tiaokuai_model_from_json_with_options(j.bytes(), j.len(), o, out, err)));
    }

    /**
     * Opens a model image file ({@code .tkz}: written by {@link #save(Path)} to a path ending in {@code .tkz}, by
     * {@link #toImage()}, or by {@code tiaokuai convert MODEL --to image}), a cache of the model's JSON that opens
     * without parsing it. {@link #load(Path)} opens images too; this refuses anything else.
     *
     * @param path the image file
     * @return the model
     * @throws TiaokuaiException {@code image} for a file that is not an image (a JSON model among them), an image
     *     of another layout, or a damaged or truncated one; {@code io} when it cannot be read, {@code changed} when
     *     it changed while it was read
     */
    public static TiaokuaiModel open(Path path) {
        Ffi.Utf8 p = Ffi.utf8(Objects.requireNonNull(path, "path").toString());
        return make((out, err) -> C.tiaokuai_model_open(p.bytes(), p.len(), out, err));
    }

    /**
     * Opens a model image file with options: it is read at most to {@link LoadOptions#maxBytes()}, and its tables
     * are built on {@link LoadOptions#threads()}.
     *
     * @param path the image file
     * @param options the options (the size limit, the threads)
     * @return the model
     * @throws TiaokuaiException {@code too_large} over the limit; as {@link #open(Path)}
     */
    public static TiaokuaiModel open(Path path, LoadOptions options) {
        Ffi.Utf8 p = Ffi.utf8(Objects.requireNonNull(path, "path").toString());
        return Objects.requireNonNull(options, "options").withNative(o ->
                make((out, err) -> C.tiaokuai_model_open_with_options(p.bytes(), p.len(), o, out, err)));
    }

    /**
     * Reads a model image from memory, as {@link #toImage()} wrote it. The checksum is checked before anything is
     * decoded, so a damaged or truncated image is refused, never read into a wrong model.
     *
     * @param image the image's bytes
     * @return the model
     * @throws TiaokuaiException {@code image} for bytes that are not an image, an image of another layout, or a
     *     damaged or truncated one; for a well-formed image whose document a JSON load would refuse, the same
     *     error as that JSON
     */
    public static TiaokuaiModel fromImage(byte[] image) {
        byte[] b = Ffi.bytesIn(Objects.requireNonNull(image, "image"));
        SizeT len = new SizeT(image.length);
        return make((out, err) -> C.tiaokuai_model_from_image(b, len, out, err));
    }

    /**
     * Reads a model image from memory with options: an image longer than {@link LoadOptions#maxBytes()} is
     * refused.
     *
     * @param image the image's bytes
     * @param options the options (the size limit, the threads)
     * @return the model
     * @throws TiaokuaiException {@code too_large} over the limit; as {@link #fromImage(byte[])}
     */
    public static TiaokuaiModel fromImage(byte[] image, LoadOptions options) {
        byte[] b = Ffi.bytesIn(Objects.requireNonNull(image, "image"));
        SizeT len = new SizeT(image.length);
        return Objects.requireNonNull(options, "options").withNative(o ->
                make((out, err) -> C.tiaokuai_model_from_image_with_options(b, len, o, out, err)));
    }

    /**
     * Loads a model from a folder holding a CSV bundle ({@code territories.csv}, {@code units.csv} …).
     *
     * @param folder the folder
     * @return the model
     * @throws TiaokuaiException {@code io}, {@code csv}, or a record error positioned at a file and line
     */
    public static TiaokuaiModel fromCsvDir(Path folder) {
        Ffi.Utf8 p = Ffi.utf8(Objects.requireNonNull(folder, "folder").toString());
        return make((out, err) -> C.tiaokuai_model_from_csv_dir(p.bytes(), p.len(), out, err));
    }

    /**
     * Reads a model from {@code tiaokuai/1} JSON text.
     *
     * @param json the document
     * @return the model
     * @throws TiaokuaiException {@code syntax}, {@code format}, {@code invalid_field}, {@code dangling_reference}
     *     … naming the record, field and id
     */
    public static TiaokuaiModel fromJson(String json) {
        Ffi.Utf8 j = Ffi.utf8(Objects.requireNonNull(json, "json"));
        return make((out, err) -> C.tiaokuai_model_from_json(j.bytes(), j.len(), out, err));
    }

    /**
     * The embedded sample model: Baoshan district, Shanghai (real divisions, synthetic structure with deliberate
     * gaps).
     *
     * @return the model
     */
    public static TiaokuaiModel sample() {
        return make(C::tiaokuai_model_sample);
    }

    private interface Opener {
        int call(PointerByReference out, PointerByReference err);
    }

    private static TiaokuaiModel make(Opener opener) {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Ffi.check(opener.call(out, err), err);
        return new TiaokuaiModel(out.getValue());
    }

    /** Runs {@code body} with the live handle, holding the read lock so {@link #close()} waits for it. */
    private <T> T with(Function<Pointer, T> body) {
        lock.readLock().lock();
        try {
            if (handle == null) {
                throw new IllegalStateException("the model is closed");
            }
            return body.apply(handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Frees the model's native memory. Safe to call more than once.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (handle != null) {
                C.tiaokuai_model_free(handle);
                handle = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * True once {@link #close()} was called.
     *
     * @return whether the model is closed
     */
    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return handle == null;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * How many records of each type, and links, the model holds.
     *
     * @return the counts
     */
    public Counts counts() {
        return with(m -> {
            int size = Native.SIZE_T_SIZE;
            Memory out = new Memory(5L * size);
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_model_counts(m, out, err), err);
            long[] v = new long[5];
            for (int i = 0; i < 5; i++) {
                v[i] = Ffi.readSize(out.share((long) i * size));
            }
            return new Counts(v[0], v[1], v[2], v[3], v[4]);
        });
    }

    /**
     * The model as it stood on a date ({@code "2017"}, {@code "2017-05"}, {@code "2017-05-03"}): records and links
     * out of force at that date are left out of every lookup, count, query and audit; those only possibly in force
     * stay, and the JSON answers resting on them list them under {@code "uncertain"}. The new model shares the
     * document (nothing is copied) and is closed on its own.
     *
     * @param date the date
     * @return a new model, read at {@code date}
     * @throws TiaokuaiException {@code invalid_date} for a malformed date ({@code 2019-13}, {@code 20190101},
     *     {@code 2019-02-30})
     */
    public TiaokuaiModel at(String date) {
        Ffi.Utf8 d = Ffi.utf8(Objects.requireNonNull(date, "date"));
        return with(m -> make((out, err) -> C.tiaokuai_model_at(m, d.bytes(), d.len(), out, err)));
    }

    /**
     * The model with every record and link counting, whatever their dates.
     *
     * @return a new model
     */
    public TiaokuaiModel whole() {
        return with(m -> make((out, err) -> C.tiaokuai_model_whole(m, out, err)));
    }

    /**
     * The model at its date as a document of its own ({@code meta.as_of} set to the date): {@link #toJson()} on it
     * writes only the records and links in force (or possibly in force) then.
     *
     * @return a new model
     */
    public TiaokuaiModel snapshot() {
        return with(m -> make((out, err) -> C.tiaokuai_model_snapshot(m, out, err)));
    }

    private interface DateGetter {
        int call(Pointer m, PointerByReference out, Pointer len, PointerByReference err);
    }

    private String dateOf(DateGetter getter) {
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(getter.call(m, out, len, err), err);
            return out.getValue() == null ? null : Ffi.owned(out, len);
        });
    }

    /**
     * The date the model is read at, as written: the one given to {@link #at(String)}, else the document's
     * {@code meta.as_of}.
     *
     * @return the date, or null when every record counts
     */
    public String date() {
        return dateOf(C::tiaokuai_model_date);
    }

    /**
     * The document's {@code meta.as_of} when it is a date (the date a loaded model is read at).
     *
     * @return the date, or null
     */
    public String asOf() {
        return dateOf(C::tiaokuai_model_as_of);
    }

    /**
     * The bytes of the model's tables that point into a mapped model image ({@link #open(Path)}), shared with every
     * process that maps the same file: 0 for a model read from JSON, CSV, .xlsx or memory, or opened with
     * {@link LoadOptions#withMap(boolean) withMap(false)}.
     *
     * @return the mapped bytes
     */
    public long mappedBytes() {
        return with(m -> C.tiaokuai_model_mapped_bytes(m).longValue());
    }

    /**
     * The model as {@code tiaokuai/1} JSON text ({@link #fromJson} reads it back into an equal model).
     *
     * @return the document
     */
    public String toJson() {
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_model_to_json(m, out, len, err), err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * The model as a model image (the bytes of a {@code .tkz} file): the whole document, history, people and
     * meetings included. {@link #fromImage(byte[])} reads it back into an equal model, whose {@link #toJson()} is
     * the same text as this one's.
     *
     * @return the image
     * @throws IllegalStateException for an image too large for a Java array (2 GiB): {@link #save(Path)} it to a
     *     {@code .tkz} file instead
     */
    public byte[] toImage() {
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_model_to_image(m, out, len, err), err);
            return Ffi.ownedBytes(out, len);
        });
    }

    /**
     * Saves the model: as a JSON file, as a model image when the path ends in {@code .tkz} (what
     * {@link #open(Path)} reads), or as a CSV bundle when the path is an existing folder or ends with {@code /}.
     * Written beside its target and renamed into place.
     *
     * @param path where to save
     * @throws TiaokuaiException {@code io} when it cannot be written
     */
    public void save(Path path) {
        Objects.requireNonNull(path, "path");
        with(m -> {
            Ffi.Utf8 p = Ffi.utf8(path.toString());
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_model_save(m, p.bytes(), p.len(), err), err);
            return null;
        });
    }

    private interface IdText {
        int call(Pointer model, byte[] id, SizeT len, PointerByReference out, Pointer outLen,
                PointerByReference err);
    }

    private String idText(String id, IdText getter) {
        Ffi.Utf8 i = Ffi.utf8(Objects.requireNonNull(id, "id"));
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(getter.call(m, i.bytes(), i.len(), out, len, err), err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * The name of the record with this id.
     *
     * @param id the id
     * @return the name
     * @throws TiaokuaiException {@code unknown_id}
     */
    public String name(String id) {
        return idText(id, C::tiaokuai_model_record_name);
    }

    /**
     * The kind of the record with this id as written in the format ({@code "street"}, {@code "party_committee"};
     * for matters and items their list).
     *
     * @param id the id
     * @return the kind
     * @throws TiaokuaiException {@code unknown_id}
     */
    public String kind(String id) {
        return idText(id, C::tiaokuai_model_record_kind);
    }

    /**
     * The type of the record with this id.
     *
     * @param id the id
     * @return the type
     * @throws TiaokuaiException {@code unknown_id}
     */
    public RecordType recordType(String id) {
        Ffi.Utf8 i = Ffi.utf8(Objects.requireNonNull(id, "id"));
        return with(m -> {
            IntByReference out = new IntByReference();
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_model_record_type(m, i.bytes(), i.len(), out, err), err);
            return RecordType.of(out.getValue());
        });
    }

    /**
     * True when a record has this id.
     *
     * @param id the id
     * @return whether it exists
     */
    public boolean contains(String id) {
        try {
            recordType(id);
            return true;
        } catch (TiaokuaiException e) {
            if (e.kind().equals("unknown_id")) {
                return false;
            }
            throw e;
        }
    }

    // The audit.

    /**
     * Runs the coverage audit with the default config.
     *
     * @return the findings, by rule code, then the subject's document order
     */
    public List<Finding> audit() {
        return audit(null);
    }

    /**
     * Runs the coverage audit with a config given as JSON, e.g.
     * {@code {"rules": {"C001": {"severity": "error"}, "C004": {"enabled": false}}, "thresholds": {…}}}.
     *
     * @param configJson the config, or null for the defaults
     * @return the findings, by rule code, then the subject's document order
     * @throws TiaokuaiException {@code invalid} for a bad config, naming the key
     */
    public List<Finding> audit(String configJson) {
        return withReport(configJson, null, TiaokuaiModel::findings);
    }

    /** The findings of a native report, copied out. */
    private static List<Finding> findings(Pointer report) {
        long n = C.tiaokuai_report_len(report).longValue();
        List<Finding> findings = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            Pointer f = C.tiaokuai_report_finding(report, new SizeT(i));
            findings.add(new Finding(
                    Ffi.borrowed(C::tiaokuai_finding_rule, f),
                    Ffi.borrowed(C::tiaokuai_finding_name, f),
                    Ffi.borrowed(C::tiaokuai_finding_severity, f),
                    Ffi.borrowed(C::tiaokuai_finding_subject, f),
                    Ffi.borrowed(C::tiaokuai_finding_territory, f),
                    Ffi.borrowed(C::tiaokuai_finding_message, f)));
        }
        return List.copyOf(findings);
    }

    /**
     * Runs the coverage audit with a config given as JSON and options: a config longer than
     * {@link LoadOptions#maxBytes()} is refused. Configs follow the model's JSON rules: a key given twice is
     * {@code invalid}, naming it and where.
     *
     * @param configJson the config, or null for the defaults
     * @param options the options (the size limit)
     * @return the findings, by rule code, then the subject's document order
     * @throws TiaokuaiException {@code too_large} over the limit, {@code invalid} for a bad config
     */
    public List<Finding> audit(String configJson, LoadOptions options) {
        Objects.requireNonNull(options, "options");
        return options.withNative(o -> withReport(configJson, o, TiaokuaiModel::findings));
    }

    /**
     * The whole audit report as JSON: {@code {"summary", "findings" (with their evidence), "metrics"}}.
     *
     * @param configJson the config, or null for the defaults
     * @return the report
     * @throws TiaokuaiException {@code invalid} for a bad config
     */
    public String auditJson(String configJson) {
        return withReport(configJson, null, report -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_report_to_json(report, out, len, err), err);
            return Ffi.owned(out, len);
        });
    }

    /** Runs the audit with the config and the native options (null: the defaults), then {@code body} on the report. */
    private <T> T withReport(String configJson, Pointer options, Function<Pointer, T> body) {
        Ffi.Utf8 c = configJson == null ? null : Ffi.utf8(configJson);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_model_audit_with_options(
                    m, c == null ? null : c.bytes(), c == null ? new SizeT(0) : c.len(), options, out, err);
            Ffi.check(rc, err);
            try {
                return body.apply(out.getValue());
            } finally {
                C.tiaokuai_report_free(out.getValue());
            }
        });
    }

    /**
     * The balance metrics as JSON: per street/town, rolled up per district, city …, and the urban/rural
     * comparison.
     *
     * @param configJson the config (its thresholds), or null for the defaults
     * @return the metrics
     * @throws TiaokuaiException {@code invalid} for a bad config
     */
    public String metricsJson(String configJson) {
        Ffi.Utf8 c = configJson == null ? null : Ffi.utf8(configJson);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_model_metrics_json(
                    m, c == null ? null : c.bytes(), c == null ? new SizeT(0) : c.len(), out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /** A bytes-and-length pair for an optional string: null with 0 when absent. */
    private static byte[] bytesOrNull(Ffi.Utf8 u) {
        return u == null ? null : u.bytes();
    }

    private static SizeT lenOrZero(Ffi.Utf8 u) {
        return u == null ? new SizeT(0) : u.len();
    }

    /**
     * Who holds which post in a unit at a date, as JSON: the array of {@code tiaokuai holders --format json}, one
     * object per post held ({@code person}, {@code person_name}, {@code unit}, {@code unit_name}, {@code post},
     * {@code principal}, {@code band}, {@code grade}, {@code channel}, {@code since}, {@code until}, {@code link},
     * {@code uncertain}; absent keys were not given).
     *
     * @param unit the unit's id
     * @param date the day asked about ({@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD}), or null for the
     *     model's own date
     * @return the posts held as JSON
     * @throws TiaokuaiException {@code unknown_id}, {@code wrong_record_type} when it is not a unit,
     *     {@code not_in_force} when the unit is out of force at the date, {@code invalid_date}
     */
    public String holdersJson(String unit, String date) {
        Ffi.Utf8 u = Ffi.utf8(Objects.requireNonNull(unit, "unit"));
        Ffi.Utf8 d = date == null ? null : Ffi.utf8(date);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_model_holders_json(m, u.bytes(), u.len(), bytesOrNull(d), lenOrZero(d), out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * Every post a person holds at a date (concurrent posts included), as JSON like {@link #holdersJson}.
     *
     * @param person the person's id
     * @param date the day asked about, or null for the model's own date
     * @return the posts as JSON
     * @throws TiaokuaiException {@code unknown_id}, {@code wrong_record_type} when it is not a person,
     *     {@code not_in_force}, {@code invalid_date}
     */
    public String postsJson(String person, String date) {
        Ffi.Utf8 p = Ffi.utf8(Objects.requireNonNull(person, "person"));
        Ffi.Utf8 d = date == null ? null : Ffi.utf8(date);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_model_posts_json(m, p.bytes(), p.len(), bytesOrNull(d), lenOrZero(d), out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * Tenure up to a date per person, unit and post, as JSON: objects with {@code person}, {@code unit},
     * {@code unit_name}, {@code post}, {@code terms}, {@code days} (null when unknown), {@code years},
     * {@code since}, {@code current}.
     *
     * @param person one person's id, or null for every person
     * @param unit one unit's id, or null for every unit
     * @param date the day asked about, or null for the model's own date
     * @return the tenure as JSON
     * @throws TiaokuaiException {@code unknown_id} or {@code wrong_record_type} for an id naming no person (no
     *     unit), {@code invalid_date}
     */
    public String tenureJson(String person, String unit, String date) {
        Ffi.Utf8 p = person == null ? null : Ffi.utf8(person);
        Ffi.Utf8 u = unit == null ? null : Ffi.utf8(unit);
        Ffi.Utf8 d = date == null ? null : Ffi.utf8(date);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_model_tenure_json(m, bytesOrNull(p), lenOrZero(p), bytesOrNull(u), lenOrZero(u),
                    bytesOrNull(d), lenOrZero(d), out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * The model with its people redacted ({@code tiaokuai convert --redact-people}): names dropped, every person's
     * id replaced by {@code p-} and the first 16 hex digits of HMAC-SHA256(key, id) everywhere it appears, so files
     * redacted with the same key still join. This model is not changed.
     *
     * @param key the secret key (UTF-8; keep it as secret as the names)
     * @return a new model
     * @throws TiaokuaiException {@code invalid} for an empty key
     */
    public TiaokuaiModel redactPeople(String key) {
        Ffi.Utf8 k = Ffi.utf8(Objects.requireNonNull(key, "key"));
        return with(m -> make((out, err) -> C.tiaokuai_model_redact_people(m, k.bytes(), k.len(), out, err)));
    }

    /**
     * The timeline: the metrics and the findings counted by rule at a series of dates, as JSON
     * {@code {"rules": ["C001", …], "rows": [{"date", "day", "errors", "warnings", "infos", "findings":
     * {"C001": n, …}, "counts": {…}, "rates": {…}}]}} (the JSON of {@code tiaokuai timeline --format json}).
     * A year or month is read as its last day; {@code rules} lists the rules that give a finding at some date.
     *
     * @param optionsJson null for every day on which some record or link starts or ends, or an object with any
     *     of {@code "from"} and {@code "to"} (dates: {@code YYYY}, {@code YYYY-MM}, {@code YYYY-MM-DD}),
     *     {@code "every"} ({@code "year"}, {@code "quarter"} or {@code "month"}: each period end from
     *     {@code from} to {@code to}, both then needed), {@code "config"} (an audit config object) and
     *     {@code "threads"} (the dates shared out between them: 0, the default, one per core for large models;
     *     the same rows whatever the count), e.g. {@code {"from": "2014", "to": "2024", "every": "year"}}
     * @return the timeline
     * @throws TiaokuaiException {@code invalid_date} for a malformed date, {@code invalid_argument} for an
     *     unknown key or a bad {@code every}, {@code invalid} for {@code to} before {@code from}, {@code every}
     *     without both, or a bad config
     */
    public String timelineJson(String optionsJson) {
        Ffi.Utf8 o = optionsJson == null ? null : Ffi.utf8(optionsJson);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_model_timeline_json(
                    m, o == null ? null : o.bytes(), o == null ? new SizeT(0) : o.len(), out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * The timeline at each year, quarter or month end from {@code from} to {@code to}; see
     * {@link #timelineJson(String)}.
     *
     * @param from the first date ({@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD})
     * @param to the last date
     * @param every {@code "year"}, {@code "quarter"} or {@code "month"}
     * @return the timeline as JSON
     * @throws TiaokuaiException as for {@link #timelineJson(String)}
     */
    public String timelineJson(String from, String to, String every) {
        return timelineJson("{\"from\": " + jsonString(from) + ", \"to\": " + jsonString(to) + ", \"every\": "
                + jsonString(every) + "}");
    }

    /**
     * Replays a case log (CSV with one event per row or one row per case, or JSON Lines) against the model, each
     * case at its report date: classified right, misrouted, gap (no lead, several leads), unknown or undispatched,
     * with returns, A→B→A cycles, times, on-time closure and satisfaction, in tables per territory, unit, matter and
     * month split by audit findings (docs/cases.md). Bad rows of the log are rows of the {@code problems} table.
     *
     * @param log the log file
     * @return the result as JSON: {@code {"summary": {…}, "tables": {"territory": [rows…], …}}}
     * @throws TiaokuaiException {@code io} when the log cannot be read, {@code csv} when its header lacks the
     *     required columns
     */
    public String cases(Path log) {
        return cases(log, null);
    }

    /**
     * {@link #cases(Path)} with options.
     *
     * @param log the log file
     * @param optionsJson {@code {"on_time": 15, "keep_cases": false, "config": {…}}} (every key optional), or null
     * @return the result as JSON
     * @throws TiaokuaiException as {@link #cases(Path)}; {@code invalid} for bad options
     */
    public String cases(Path log, String optionsJson) {
        Ffi.Utf8 p = Ffi.utf8(Objects.requireNonNull(log, "log").toString());
        Ffi.Utf8 o = optionsJson == null ? null : Ffi.utf8(optionsJson);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_cases_json(m, p.bytes(), p.len(), o == null ? null : o.bytes(),
                    o == null ? new SizeT(0) : o.len(), out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * The meetings (三会: hearings, coordination and evaluation meetings, consultations) as a JSON array, in
     * document order, one object per meeting with the format's fields ({@code id}, {@code kind}, {@code territory},
     * {@code date} as written, and {@code convener}, {@code topics} and {@code attrs} when given). Every meeting of
     * the document, whatever date the model is read at; {@code []} without meetings.
     *
     * @return the meetings as JSON
     */
    public String meetingsJson() {
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_model_meetings_json(m, out, len, err), err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * Meetings held per community or street per year, as {@code tiaokuai meetings --format json} prints them: one
     * row per place and year with any meeting ({@code territory}, {@code territory_name}, {@code year}, the meetings
     * of each kind, {@code meetings}, {@code projects_heard}, {@code projects_evaluated}). Meetings dated after the
     * model's date are left out.
     *
     * @param by {@code "community"} or {@code "street"}, or null for {@code "community"}
     * @param year one year, or 0 for every year
     * @return the rows as a JSON array
     * @throws TiaokuaiException {@code invalid} for another {@code by}
     */
    public String meetingsTableJson(String by, int year) {
        Ffi.Utf8 b = by == null ? null : Ffi.utf8(by);
        if (year < 0) {
            throw new IllegalArgumentException("year: " + year + " is negative");
        }
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_model_meetings_table_json(m, bytesOrNull(b), b == null ? new SizeT(0) : b.len(), year,
                    out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * Writes a synthetic case log for this model (CSV, one event per row, in time order, as {@code tiaokuai
     * generate-cases} does): {@code cases} cases with known shares of gaps, misrouted, returned and A→B→A cases,
     * and, when {@code key} is not null, its answer key ({@code case, class, leads, unit, returns, cycle, closed}):
     * what {@link #cases(Path, String)} must find. Both files are written atomically.
     *
     * @param log where to write the log
     * @param key where to write the answer key, or null for none
     * @param cases the number of cases
     * @param optionsJson {@code {"seed": 1, "days": 365, "start": "2024-01-01"}} (every key optional), or null; the
     *     same model, options and seed give the same log
     * @return the counts written, as JSON: {@code {"cases", "events", "returns", "cycles", "open", "right", …}}
     * @throws TiaokuaiException {@code invalid} for bad options or a model without matters, territories or units;
     *     {@code io} when a file cannot be written
     */
    public String generateCases(Path log, Path key, long cases, String optionsJson) {
        Ffi.Utf8 l = Ffi.utf8(Objects.requireNonNull(log, "log").toString());
        Ffi.Utf8 k = key == null ? null : Ffi.utf8(key.toString());
        Ffi.Utf8 o = optionsJson == null ? null : Ffi.utf8(optionsJson);
        if (cases < 0) {
            throw new IllegalArgumentException("cases: " + cases + " is negative");
        }
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            int rc = C.tiaokuai_generate_cases(m, l.bytes(), l.len(), k == null ? null : k.bytes(),
                    k == null ? new SizeT(0) : k.len(), cases, o == null ? null : o.bytes(),
                    o == null ? new SizeT(0) : o.len(), out, len, err);
            Ffi.check(rc, err);
            return Ffi.owned(out, len);
        });
    }

    /**
     * The model with a change set applied (issue #13, {@code docs/change.md}). This model is untouched.
     *
     * @param changeJson a {@code tiaokuai-change/1} document
     * @return a new model (close it)
     * @throws TiaokuaiException {@code rejected} when the change does not apply (an id that is not there, an id
     *     added twice, a result that is not a valid model: the message names every problem); {@code syntax},
     *     {@code invalid_field} … naming the section and field when it cannot be read
     */
    public TiaokuaiModel apply(String changeJson) {
        Ffi.Utf8 c = Ffi.utf8(Objects.requireNonNull(changeJson, "changeJson"));
        return with(m -> make((out, err) -> C.tiaokuai_model_apply(m, c.bytes(), c.len(), out, err)));
    }

    /**
     * The change set that turns this model into {@code other}, as {@code tiaokuai-change/1} JSON:
     * {@link #apply(String)} of it on this model gives a model equal to {@code other}.
     *
     * @param other the model to reach
     * @return the change set as JSON (no changes when the two are equal)
     */
    public String diffJson(TiaokuaiModel other) {
        Objects.requireNonNull(other, "other");
        return with(a -> other.with(b -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(C.tiaokuai_diff_json(a, b, out, len, err), err);
            return Ffi.owned(out, len);
        }));
    }

    /**
     * What a change does to the gaps, without changing the model ({@code docs/whatif.md}), with the default
     * config: JSON with {@code "resolved"}, {@code "introduced"} and {@code "left"} (findings; each resolved or
     * introduced one names under {@code "changes"} the changes that caused it), {@code "metrics_before"},
     * {@code "metrics_after"} and {@code "examined"}.
     *
     * @param changeJson a {@code tiaokuai-change/1} document
     * @return the what-if as JSON
     * @throws TiaokuaiException as {@link #apply(String)}
     */
    public String whatIfJson(String changeJson) {
        return whatIfJson(changeJson, null);
    }

    /**
     * {@link #whatIfJson(String)} with an audit config, as {@link #auditJson(String)} takes it: the findings
     * before and after are those of the audit with that config.
     *
     * @param changeJson a {@code tiaokuai-change/1} document
     * @param configJson the audit config (JSON or TOML text, as for {@link #auditJson(String)}), or null for the
     *     defaults
     * @return the what-if as JSON
     * @throws TiaokuaiException as {@link #apply(String)}, and {@code invalid} for a bad config
     */
    public String whatIfJson(String changeJson, String configJson) {
        Ffi.Utf8 c = Ffi.utf8(Objects.requireNonNull(changeJson, "changeJson"));
        Ffi.Utf8 k = configJson == null ? null : Ffi.utf8(configJson);
        return with(m -> {
            PointerByReference out = new PointerByReference();
            Memory len = Ffi.sizeSlot();
            PointerByReference err = new PointerByReference();
            Ffi.check(
                    C.tiaokuai_whatif_json(m, c.bytes(), c.len(), k == null ? null : k.bytes(),
                            k == null ? new SizeT(0) : k.len(), out, len, err),
                    err);
            return Ffi.owned(out, len);
        });
    }

    /** A Java string as a JSON string literal (null as {@code null}). */
    private static String jsonString(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // Queries.

    /**
     * The chain of a unit upward along a line: one step per unit, the unit first. A cycle never loops: the chain
     * stops, and the JSON's {@code "cycle"} says where.
     *
     * @param unit the unit's id
     * @param line which links to follow
     * @return the answer
     * @throws TiaokuaiException {@code unknown_id}, {@code wrong_record_type} (not a unit)
     */
    public Answer chain(String unit, Line line) {
        Ffi.Utf8 u = Ffi.utf8(Objects.requireNonNull(unit, "unit"));
        int code = Objects.requireNonNull(line, "line").code;
        return answer((m, out, err) -> C.tiaokuai_model_chain(m, u.bytes(), u.len(), code, out, err));
    }

    /**
     * The chain of a unit along the leadership line.
     *
     * @param unit the unit's id
     * @return the answer
     * @throws TiaokuaiException {@code unknown_id}, {@code wrong_record_type} (not a unit)
     */
    public Answer chain(String unit) {
        return chain(unit, Line.LEADERSHIP);
    }

    /**
     * The block chain of a place: who holds jurisdiction over it and over each territory containing it, nearest
     * first; territories nobody holds are steps without a unit.
     *
     * @param territory the territory's id
     * @return the answer
     * @throws TiaokuaiException {@code unknown_id}, {@code wrong_record_type} (not a territory)
     */
    public Answer responsibleFor(String territory) {
        Ffi.Utf8 t = Ffi.utf8(Objects.requireNonNull(territory, "territory"));
        return answer((m, out, err) -> C.tiaokuai_model_responsible_for(m, t.bytes(), t.len(), out, err));
    }

    /**
     * Who handles a matter in a place: the lead(s) at the nearest level where one applies, the cooperators and
     * the supervisors. No lead, or several, is reported in {@link Answer#problem()}, not thrown.
     *
     * @param matter the matter's id
     * @param territory the territory's id
     * @return the answer
     * @throws TiaokuaiException {@code unknown_id}, {@code wrong_record_type}
     */
    public Answer dispatch(String matter, String territory) {
        Ffi.Utf8 mt = Ffi.utf8(Objects.requireNonNull(matter, "matter"));
        Ffi.Utf8 t = Ffi.utf8(Objects.requireNonNull(territory, "territory"));
        return answer((m, out, err) ->
                C.tiaokuai_model_dispatch(m, mt.bytes(), mt.len(), t.bytes(), t.len(), out, err));
    }

    private interface Query {
        int call(Pointer model, PointerByReference out, PointerByReference err);
    }

    private Answer answer(Query query) {
        return with(m -> {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            Ffi.check(query.call(m, out, err), err);
            Pointer a = out.getValue();
            try {
                long n = C.tiaokuai_answer_len(a).longValue();
                List<Step> steps = new ArrayList<>((int) n);
                Memory index = Ffi.sizeSlot();
                for (long i = 0; i < n; i++) {
                    Pointer s = C.tiaokuai_answer_step(a, new SizeT(i));
                    Long link = C.tiaokuai_step_link(s, index) != 0 ? Ffi.readSize(index) : null;
                    steps.add(new Step(
                            Ffi.borrowed(C::tiaokuai_step_unit, s),
                            Ffi.borrowed(C::tiaokuai_step_name, s),
                            Ffi.borrowed(C::tiaokuai_step_kind, s),
                            Ffi.borrowed(C::tiaokuai_step_via, s),
                            Ffi.borrowed(C::tiaokuai_step_territory, s),
                            Ffi.borrowed(C::tiaokuai_step_level, s),
                            Ffi.borrowed(C::tiaokuai_step_grade, s),
                            link));
                }
                PointerByReference json = new PointerByReference();
                Memory len = Ffi.sizeSlot();
                PointerByReference err2 = new PointerByReference();
                Ffi.check(C.tiaokuai_answer_to_json(a, json, len, err2), err2);
                return new Answer(steps, Ffi.borrowed(C::tiaokuai_answer_problem, a), Ffi.owned(json, len));
            } finally {
                C.tiaokuai_answer_free(a);
            }
        });
    }
}
