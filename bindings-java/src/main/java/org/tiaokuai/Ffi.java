package org.tiaokuai;

import static org.tiaokuai.LibTiaokuai.C;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

/** Converting between Java and the C API: text in and out, result codes to exceptions. */
final class Ffi {
    private Ffi() {}

    /** UTF-8 bytes of a string, with one NUL after them so the pointer is never NULL, and their length. */
    record Utf8(byte[] bytes, SizeT len) {}

    static Utf8 utf8(String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[text.length + 1];
        System.arraycopy(text, 0, withNul, 0, text.length);
        return new Utf8(withNul, new SizeT(text.length));
    }

    private static final byte[] NO_BYTES = new byte[1];

    /**
     * Bytes to pass with their length: the array itself, or for an empty one a one-byte array (read as length 0),
     * so the pointer the library gets is never NULL.
     */
    static byte[] bytesIn(byte[] bytes) {
        return bytes.length == 0 ? NO_BYTES : bytes;
    }

    /** A place for the library to write one {@code size_t}. */
    static Memory sizeSlot() {
        Memory m = new Memory(Native.SIZE_T_SIZE);
        m.clear();
        return m;
    }

    static long readSize(Pointer slot) {
        return Native.SIZE_T_SIZE == 8 ? slot.getLong(0) : slot.getInt(0) & 0xFFFF_FFFFL;
    }

    /** Text of {@code len} bytes at {@code p}; null when {@code p} is NULL. */
    static String text(Pointer p, long len) {
        if (p == null) {
            return null;
        }
        if (len > Integer.MAX_VALUE) {
            throw new IllegalStateException("a text of " + len + " bytes does not fit a Java string");
        }
        return new String(p.getByteArray(0, (int) len), StandardCharsets.UTF_8);
    }

    /** Calls a getter returning text borrowed from {@code object}, and copies it. */
    static String borrowed(BiFunction<Pointer, Pointer, Pointer> getter, Pointer object) {
        Memory len = sizeSlot();
        Pointer p = getter.apply(object, len);
        return text(p, p == null ? 0 : readSize(len));
    }

    /** Copies a string the library handed over (through {@code out} and {@code len}) and frees it. */
    static String owned(PointerByReference out, Pointer len) {
        Pointer p = out.getValue();
        try {
            return text(p, readSize(len));
        } finally {
            C.tiaokuai_string_free(p);
        }
    }

    /** Copies a byte buffer the library handed over (through {@code out} and {@code len}) and frees it. */
    static byte[] ownedBytes(PointerByReference out, Pointer len) {
        Pointer p = out.getValue();
        try {
            long n = readSize(len);
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a buffer of " + n + " bytes does not fit a Java array");
            }
            return p.getByteArray(0, (int) n);
        } finally {
            C.tiaokuai_bytes_free(p);
        }
    }

    /** Throws the error a call reported; frees the error object. */
    static void check(int result, PointerByReference error) {
        if (result != 0) {
            throw TiaokuaiException.take(result, error.getValue());
        }
    }
}
