package org.tiaokuai;

import com.sun.jna.IntegerType;
import com.sun.jna.Native;

/**
 * C's {@code size_t} for JNA. Internal: public only because JNA creates
 * return values by reflection.
 */
public final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    /** Zero. */
    public SizeT() {
        this(0);
    }

    /**
     * A size.
     *
     * @param value the value
     */
    public SizeT(long value) {
        super(Native.SIZE_T_SIZE, value, true);
    }
}
