package org.tiaokuai;

/** The record types of a model. */
public enum RecordType {
    /** A place: city, district, street, community, grid … */
    TERRITORY,
    /** An organisation. */
    UNIT,
    /** An administrative matter on a duty list. */
    MATTER,
    /** A need, resource or project. */
    ITEM,
    /** A person who holds posts in units. */
    PERSON;

    static RecordType of(int code) {
        return values()[code];
    }
}
