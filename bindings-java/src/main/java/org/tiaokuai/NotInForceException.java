package org.tiaokuai;

/**
 * A query named a record that is not in force at the date the model is read at ({@link TiaokuaiModel#at(String)},
 * or the document's {@code meta.as_of}): {@link #id()} is the id, {@link #kind()} is {@code "not_in_force"} and
 * {@link #code()} 116. The message names the date and the record's own dates.
 */
public class NotInForceException extends TiaokuaiException {
    private static final long serialVersionUID = 1L;

    /** The C result code of this error ({@code TIAOKUAI_RESULT_NOT_IN_FORCE}). */
    public static final int CODE = 116;

    /**
     * An error with all its details.
     *
     * @param code the C result code (116)
     * @param kind the code's name ({@code "not_in_force"})
     * @param message the message for people
     * @param record where the record stands in the document, or null
     * @param field the field, or null
     * @param id the id asked for
     */
    public NotInForceException(int code, String kind, String message, String record, String field, String id) {
        super(code, kind, message, record, field, id);
    }
}
