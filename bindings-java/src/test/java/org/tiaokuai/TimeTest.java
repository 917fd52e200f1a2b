package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Views at a date (issue #12): at, whole, snapshot, date, asOf, NotInForceException, uncertain. */
class TimeTest {
    /** old leads b until 2020-05-31, new from 2020-06-01; top leads new from some day of 2020. */
    static final String DATED = """
            {"format": "tiaokuai/1",
             "units": [{"id": "top", "name": "T", "kind": "party_committee"},
                       {"id": "old", "name": "O", "kind": "party_working_committee", "until": "2020-05-31"},
                       {"id": "new", "name": "N", "kind": "party_working_committee", "since": "2020-06-01"},
                       {"id": "b", "name": "B", "kind": "party_branch"}],
             "links": [{"from": "top", "to": "old", "kind": "leads"},
                       {"from": "top", "to": "new", "kind": "leads", "since": "2020"},
                       {"from": "old", "to": "b", "kind": "leads", "until": "2020-05-31"},
                       {"from": "new", "to": "b", "kind": "leads", "since": "2020-06-01"}]}""";

    @Test
    void viewsAnswerAtTheirDate() {
        try (TiaokuaiModel m = TiaokuaiModel.fromJson(DATED);
                TiaokuaiModel v2019 = m.at("2019-05-03");
                TiaokuaiModel v2020 = m.at("2020-08");
                TiaokuaiModel whole = v2019.whole()) {
            assertNull(m.date());
            assertNull(m.asOf());
            assertEquals("2019-05-03", v2019.date());
            assertEquals("2020-08", v2020.date());
            assertNull(whole.date());
            assertEquals(3, v2019.counts().units());
            assertEquals(2, v2019.counts().links());
            assertEquals(4, whole.counts().units());
            assertEquals(List.of("b", "old", "top"), v2019.chain("b").units());
            assertFalse(v2019.chain("b").json().contains("uncertain"));
            assertEquals(List.of("b", "new", "top"), v2020.chain("b").units());
            assertTrue(v2020.chain("b").json().contains("\"uncertain\""), v2020.chain("b").json());
            NotInForceException e = assertThrows(NotInForceException.class, () -> v2019.chain("new"));
            assertEquals("not_in_force", e.kind());
            assertEquals(116, e.code());
            assertEquals("new", e.id());
            assertTrue(e.getMessage().contains("not in force at 2019-05-03"), e.getMessage());
            assertInstanceOf(TiaokuaiException.class, e);
        }
    }

    @Test
    void aViewOutlivesTheModelItCameFrom() {
        TiaokuaiModel m = TiaokuaiModel.fromJson(DATED);
        try (TiaokuaiModel v = m.at("2021")) {
            m.close();
            assertEquals(List.of("b", "new", "top"), v.chain("b").units());
        }
    }

    @Test
    void malformedDatesAreClearErrors() {
        try (TiaokuaiModel m = TiaokuaiModel.fromJson(DATED)) {
            for (String bad : List.of("2019-13", "20190101", "2019-02-30", "")) {
                TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> m.at(bad));
                assertEquals("invalid_date", e.kind(), bad);
                assertEquals(5, e.code());
                assertTrue(e.getMessage().contains("YYYY, YYYY-MM or YYYY-MM-DD"), e.getMessage());
            }
        }
    }

    /** Differential: every unit's chain at a date equals its chain on the snapshot of that date. */
    @Test
    void aViewAnswersAsItsSnapshot() {
        try (TiaokuaiModel m = TiaokuaiModel.fromJson(DATED)) {
            for (String date : List.of("2014", "2019-05-03", "2020", "2020-05-31", "2020-06-01", "2020-08", "2030")) {
                try (TiaokuaiModel view = m.at(date);
                        TiaokuaiModel snap = view.snapshot()) {
                    assertEquals(date, snap.asOf());
                    assertEquals(view.counts(), snap.counts(), date);
                    for (String unit : List.of("top", "old", "new", "b")) {
                        List<String> a;
                        try {
                            a = view.chain(unit).units();
                        } catch (NotInForceException e) {
                            TiaokuaiException s = assertThrows(TiaokuaiException.class, () -> snap.chain(unit));
                            assertEquals("unknown_id", s.kind(), date + " " + unit);
                            continue;
                        }
                        assertEquals(a, snap.chain(unit).units(), date + " " + unit);
                        assertEquals(view.chain(unit).json().contains("\"uncertain\""),
                                snap.chain(unit).json().contains("\"uncertain\""), date + " " + unit);
                    }
                }
            }
        }
    }
}
