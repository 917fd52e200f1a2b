package org.tiaokuai;

import static org.tiaokuai.LibTiaokuai.C;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.function.Function;

/**
 * Options for reading input: one size limit for every input the library reads — model files, CSV bundles (all
 * their files together), JSON text, audit configs, scenario files and the model files scenarios name. A file is
 * never read past the limit, so a device such as {@code /dev/zero} or an endless pipe is refused at the limit
 * ({@code too_large}) rather than read until memory runs out. Immutable.
 *
 * <pre>{@code
 * LoadOptions small = LoadOptions.defaults().withMaxBytes(64L << 20);
 * try (TiaokuaiModel model = TiaokuaiModel.load(Path.of("model.json"), small)) { … }
 * }</pre>
 *
 * @param maxBytes the largest input read, in bytes (default 4 GiB)
 */
public record LoadOptions(long maxBytes) {
    /** The default limit: 4 GiB. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;

    /**
     * Checks the limit.
     *
     * @param maxBytes the largest input read, in bytes
     * @throws IllegalArgumentException when {@code maxBytes} is negative
     */
    public LoadOptions {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, not " + maxBytes);
        }
    }

    /**
     * The defaults: a limit of 4 GiB.
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
        return new LoadOptions(limit);
    }

    /** Runs {@code body} with a native {@code tiaokuai_load_options} holding these options, freed after. */
    <T> T withNative(Function<Pointer, T> body) {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Ffi.check(C.tiaokuai_load_options_new(out, err), err);
        Pointer options = out.getValue();
        try {
            Ffi.check(C.tiaokuai_load_options_set_max_bytes(options, maxBytes, err), err);
            return body.apply(options);
        } finally {
            C.tiaokuai_load_options_free(options);
        }
    }
}
