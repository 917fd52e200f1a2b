package org.tiaokuai;

import static org.tiaokuai.LibTiaokuai.C;

import com.sun.jna.Pointer;

/**
 * A call into tiaokuai failed: the model could not be read, an id is unknown,
 * a config is invalid …
 *
 * <p>{@link #kind()} is the stable name of what went wrong ({@code "syntax"},
 * {@code "dangling_reference"}, {@code "unknown_id"} …: the same words as the
 * Rust library's {@code Error::kind()} and the C library's
 * {@code tiaokuai_result_name}), {@link #code()} the C result code; for errors
 * about a record, {@link #record()}, {@link #field()} and {@link #id()} say
 * which.
 */
public class TiaokuaiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String kind;
    private final String record;
    private final String field;
    private final String id;

    /**
     * An error with all its details.
     *
     * @param code the C result code ({@code enum tiaokuai_result})
     * @param kind the code's name ({@code "unknown_id"} …)
     * @param message the message for people
     * @param record where the record stands in the document ({@code units[3] (id "acme")}), or null
     * @param field the field, or null
     * @param id the id the error is about, or null
     */
    public TiaokuaiException(int code, String kind, String message, String record, String field, String id) {
        super(message);
        this.code = code;
        this.kind = kind;
        this.record = record;
        this.field = field;
        this.id = id;
    }

    /** Reads an error object's details and frees it. */
    static TiaokuaiException take(int result, Pointer error) {
        String kind = C.tiaokuai_result_name(result).getString(0, "UTF-8");
        if (error == null) {
            return new TiaokuaiException(result, kind, kind, null, null, null);
        }
        try {
            if (result == NotInForceException.CODE) {
                return new NotInForceException(
                        result,
                        kind,
                        Ffi.borrowed(C::tiaokuai_error_message, error),
                        Ffi.borrowed(C::tiaokuai_error_record, error),
                        Ffi.borrowed(C::tiaokuai_error_field, error),
                        Ffi.borrowed(C::tiaokuai_error_id, error));
            }
            return new TiaokuaiException(
                    result,
                    kind,
                    Ffi.borrowed(C::tiaokuai_error_message, error),
                    Ffi.borrowed(C::tiaokuai_error_record, error),
                    Ffi.borrowed(C::tiaokuai_error_field, error),
                    Ffi.borrowed(C::tiaokuai_error_id, error));
        } finally {
            C.tiaokuai_error_free(error);
        }
    }

    /**
     * The C result code: 100–199 for errors of the library ({@code 112} unknown id …), below 100 for the C
     * layer's own.
     *
     * @return the code
     */
    public int code() {
        return code;
    }

    /**
     * The stable name of the kind of error: {@code "syntax"}, {@code "format"}, {@code "invalid_field"},
     * {@code "dangling_reference"}, {@code "unknown_id"}, {@code "wrong_record_type"}, {@code "invalid"},
     * {@code "io"}, {@code "rejected"} (a change set that does not apply: the message names every problem),
     * {@code "image"} (a model image that is not one, of another layout, damaged or truncated) …
     *
     * @return the name
     */
    public String kind() {
        return kind;
    }

    /**
     * Where the record the error is about stands in the document ({@code units[3] (id "acme")},
     * {@code units.csv line 4}), for loading errors.
     *
     * @return the position, or null
     */
    public String record() {
        return record;
    }

    /**
     * The field the error is about ({@code "members"}, {@code "parent"} …).
     *
     * @return the field, or null
     */
    public String field() {
        return field;
    }

    /**
     * The id the error is about: the id asked for, the id a reference names, a duplicated id, or the record's own.
     *
     * @return the id, or null
     */
    public String id() {
        return id;
    }
}
