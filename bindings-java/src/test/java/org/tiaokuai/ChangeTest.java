package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Change sets and what-if (issue #13): apply, diffJson, whatIfJson and the {@code rejected} error. */
class ChangeTest {
    /** Adds a street office the working committee leads and renames the committee. */
    static final String CHANGE = """
            {"format": "tiaokuai-change/1",
             "add": {"units": [{"id": "jb", "name": "友谊路街道办事处", "kind": "government", "sector": "government"}],
                     "links": [{"from": "gw", "to": "jb", "kind": "leads"}]},
             "update": [{"id": "gw", "set": {"name": "友谊路街道党工委(新)"}}]}""";

    /** Two problems: an update and a removal of ids the model lacks. */
    static final String BAD = """
            {"format": "tiaokuai-change/1",
             "update": [{"id": "no-such-unit", "set": {"name": "x"}}],
             "remove": [{"id": "no-such-matter"}]}""";

    @Test
    void applyGivesANewModelAndLeavesTheOld() {
        try (TiaokuaiModel before = TiaokuaiModel.fromJson(Fixtures.FIXTURE);
                TiaokuaiModel after = before.apply(CHANGE)) {
            assertNotSame(before, after);
            assertEquals("友谊路街道办事处", after.name("jb"));
            assertEquals("友谊路街道党工委(新)", after.name("gw"));
            assertEquals("友谊路街道党工委", before.name("gw"));
            assertFalse(before.contains("jb"));
            assertEquals(before.counts().units() + 1, after.counts().units());
            assertEquals(before.counts().links() + 1, after.counts().links());
        }
    }

    @Test
    void diffAppliedToTheFirstGivesTheSecond() {
        try (TiaokuaiModel before = TiaokuaiModel.fromJson(Fixtures.FIXTURE);
                TiaokuaiModel after = before.apply(CHANGE)) {
            String diff = before.diffJson(after);
            assertTrue(diff.contains("\"tiaokuai-change/1\""), diff);
            assertTrue(diff.contains("\"jb\""), diff);
            try (TiaokuaiModel again = before.apply(diff)) {
                assertEquals(after.toJson(), again.toJson());
            }
            String none = before.diffJson(before);
            assertFalse(none.contains("\"jb\"") || none.contains("(新)"), none);
        }
    }

    @Test
    void aChangeThatDoesNotApplyIsRejectedNamingEveryProblem() {
        try (TiaokuaiModel m = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> m.apply(BAD));
            assertEquals("rejected", e.kind());
            assertEquals(117, e.code());
            assertTrue(e.getMessage().contains("no-such-unit") && e.getMessage().contains("no-such-matter"),
                    e.getMessage());
            TiaokuaiException w = assertThrows(TiaokuaiException.class, () -> m.whatIfJson(BAD));
            assertEquals("rejected", w.kind());
            TiaokuaiException s = assertThrows(TiaokuaiException.class, () -> m.apply("{"));
            assertEquals("syntax", s.kind());
        }
    }

    @Test
    void whatIfNamesWhatTheChangeResolves() {
        // The sample's grid nobody holds: assigning it resolves its C008, and the what-if names the change.
        String change = """
                {"format": "tiaokuai-change/1", "add": {"links":
                  [{"from": "yyl-c03-rc", "to": "yyl-c03-g2", "kind": "jurisdiction"}]}}""";
        try (TiaokuaiModel m = TiaokuaiModel.load(Fixtures.sample())) {
            String before = m.toJson();
            String json = m.whatIfJson(change);
            assertTrue(json.contains("\"rule\": \"C008\""), json);
            assertTrue(json.contains("\"subject\": \"yyl-c03-g2\""), json);
            assertTrue(json.contains("\"section\": \"add.links\""), json);
            assertTrue(json.contains("\"introduced\": []"), json);
            assertEquals(before, m.toJson());
            assertTrue(m.audit().stream().anyMatch(f -> f.rule().equals("C008") && f.subject().equals("yyl-c03-g2")));
            // With the audit config: C008 off, so nothing of it is resolved; C008 as an error, resolved as one.
            String off = m.whatIfJson(change, "{\"rules\": {\"C008\": \"off\"}}");
            assertFalse(off.contains("\"rule\": \"C008\""), off);
            String error = m.whatIfJson(change, "{\"rules\": {\"C008\": \"error\"}}");
            assertTrue(error.contains("\"severity\": \"error\""), error);
            TiaokuaiException bad = assertThrows(TiaokuaiException.class, () -> m.whatIfJson(change, "{\"rules\": {\"C099\": \"off\"}}"));
            assertEquals("invalid", bad.kind());
        }
    }
}
