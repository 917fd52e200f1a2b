package org.tiaokuai;

/** Which links a chain follows upward. */
public enum Line {
    /** {@code leads} links into each unit's leader (领导). */
    LEADERSHIP(0),
    /** {@code dispatches} and {@code guides} (the strip, 条), then {@code leads}. */
    STRIP(1),
    /** {@code leads}, and the strip where a unit has no leader. */
    ALL(2);

    final int code;

    Line(int code) {
        this.code = code;
    }
}
