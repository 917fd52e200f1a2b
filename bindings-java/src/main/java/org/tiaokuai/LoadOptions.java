package org.tiaokuai;

import static org.tiaokuai.LibTiaokuai.C;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.function.Function;

/**
 * Options for reading input: one size limit for every input the library reads — model files, CSV bundles (all
 * their files together), JSON text, audit configs, scenario files and the model files scenarios name. A file is
 * never read past the limit, so a device such as {@code /dev/zero} or an endless pipe is refused at the limit
 * ({@code too_large}) rather than read until memory runs out; how many threads a load and an audit given
 * these options may use; and whether a model image is mapped. Immutable.
 *
 * <pre>{@code
 * LoadOptions small = LoadOptions.defaults().withMaxBytes(64L << 20);
 * try (TiaokuaiModel model = TiaokuaiModel.load(Path.of("model.json"), small)) { … }
 * }</pre>
 *
 * @param maxBytes the largest input read, in bytes (default 4 GiB)
 * @param threads how many threads a load and an audit may use: 0 (the default) one per core, at most 8 (an
 *     audit of a model under 100,000 records runs on the caller's thread alone); 1 the caller's only; larger
 *     counts are capped at 256. The answers are the same whatever the count; the threads end with the call.
 * @param map whether {@link TiaokuaiModel#open(Path, LoadOptions)} (and a load that meets a model image) maps the
 *     image's file: true (the default) points the model's largest tables into the file's pages, which every
 *     process that opens the same file shares ({@link TiaokuaiModel#mappedBytes()}); false reads it into memory.
 *     A mapped image must be replaced by renaming a new file over it, never written into: a file cut shorter
 *     under a mapping makes the process that maps it fault (SIGBUS) when it reads the missing pages.
 */
public record LoadOptions(long maxBytes, int threads, boolean map) {
    /** The default limit: 4 GiB. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;

    /**
     * Checks the limit and the thread count.
     *
     * @param maxBytes the largest input read, in bytes
     * @param threads how many threads a load and an audit may use (0: one per core)
     * @param map whether model images are mapped (true by default)
     * @throws IllegalArgumentException when {@code maxBytes} or {@code threads} is negative
     */
    public LoadOptions {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, not " + maxBytes);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative, not " + threads);
        }
    }

    /**
     * Options with a size limit and a thread count; model images are mapped.
     *
     * @param maxBytes the largest input read, in bytes
     * @param threads how many threads a load and an audit may use (0: one per core)
     * @throws IllegalArgumentException when {@code maxBytes} or {@code threads} is negative
     */
    public LoadOptions(long maxBytes, int threads) {
        this(maxBytes, threads, true);
    }

    /**
     * Options with a size limit and the default threads (one per core).
     *
     * @param maxBytes the largest input read, in bytes
     * @throws IllegalArgumentException when {@code maxBytes} is negative
     */
    public LoadOptions(long maxBytes) {
        this(maxBytes, 0);
    }

    /**
     * The defaults: a limit of 4 GiB, one thread per core, model images mapped.
     *
     * @return the default options
     */
    public static LoadOptions defaults() {
        return new LoadOptions(DEFAULT_MAX_BYTES);
    }

    /**
     * These options with another size limit.
     *
     * @param limit the largest input read, in bytes
     * @return the new options
     */
    public LoadOptions withMaxBytes(long limit) {
        return new LoadOptions(limit, threads, map);
    }

    /**
     * These options with another thread count: {@code withThreads(1)} keeps every load and audit on the
     * caller's thread.
     *
     * @param count how many threads a load and an audit may use (0: one per core)
     * @return the new options
     */
    public LoadOptions withThreads(int count) {
        return new LoadOptions(maxBytes, count, map);
    }

    /**
     * These options with model images mapped or not: {@code withMap(false)} reads an image into the process's own
     * memory, for a file that may be written into while the model is open.
     *
     * @param on whether to map model images
     * @return the new options
     */
    public LoadOptions withMap(boolean on) {
        return new LoadOptions(maxBytes, threads, on);
    }

    /** Runs {@code body} with a native {@code tiaokuai_load_options} holding these options, freed after. */
    <T> T withNative(Function<Pointer, T> body) {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Ffi.check(C.tiaokuai_load_options_new(out, err), err);
        Pointer options = out.getValue();
        try {
            Ffi.check(C.tiaokuai_load_options_set_max_bytes(options, maxBytes, err), err);
            Ffi.check(C.tiaokuai_load_options_set_threads(options, new SizeT(threads), err), err);
            Ffi.check(C.tiaokuai_load_options_set_map(options, (byte) (map ? 1 : 0), err), err);
            return body.apply(options);
        } finally {
            C.tiaokuai_load_options_free(options);
        }
    }
}
