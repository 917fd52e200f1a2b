package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** People and posts (issue #14): holders, posts and tenure at a date, and redaction, through the C API. */
class PeopleTest {
    /** A street and one community with people over a decade, read at 2024-06-30 (cli/tests/people.json). */
    private static TiaokuaiModel model() {
        return TiaokuaiModel.load(Fixtures.root().resolve("cli/tests/people.json"));
    }

    @Test
    void holdersAnswerAtTheModelsDateAndAtAnother() {
        try (TiaokuaiModel m = model()) {
            String now = m.holdersJson("gw", null);
            assertTrue(now.contains("\"person\": \"p3\"") && !now.contains("\"p1\""), now);
            String then = m.holdersJson("gw", "2018-01-01");
            assertTrue(then.contains("\"person\": \"p1\"") && then.contains("张三"), then);
            TiaokuaiException bad = assertThrows(TiaokuaiException.class, () -> m.holdersJson("gw", "2018-13"));
            assertEquals("invalid_date", bad.kind());
            TiaokuaiException unknown = assertThrows(TiaokuaiException.class, () -> m.holdersJson("nope", null));
            assertEquals("unknown_id", unknown.kind());
        }
    }

    @Test
    void postsListConcurrentPostsAndTenureCountsTerms() {
        try (TiaokuaiModel m = model()) {
            String posts = m.postsJson("p2", null);
            assertTrue(posts.contains("\"unit\": \"c1-dzb\"") && posts.contains("\"unit\": \"c1-jwh\""), posts);
            assertEquals("[]", m.postsJson("p2", "2015").strip());
            TiaokuaiException wrong = assertThrows(TiaokuaiException.class, () -> m.postsJson("gw", null));
            assertEquals("wrong_record_type", wrong.kind());
            String tenure = m.tenureJson("p2", "c1-dzb", null);
            assertTrue(tenure.contains("\"terms\": 2"), tenure);
            assertTrue(m.tenureJson(null, null, null).contains("\"person\": \"p4\""));
        }
    }

    @Test
    void redactionDropsNamesAndKeepsJoins() {
        try (TiaokuaiModel m = model(); TiaokuaiModel r = m.redactPeople("secret")) {
            String json = r.toJson();
            assertFalse(json.contains("张三") || json.contains("\"p1\""), json);
            try (TiaokuaiModel again = m.redactPeople("secret")) {
                assertEquals(json, again.toJson());
            }
            assertTrue(r.holdersJson("gw", null).contains("\"person\": \"p-"));
            TiaokuaiException empty = assertThrows(TiaokuaiException.class, () -> m.redactPeople(""));
            assertEquals("invalid", empty.kind());
        }
    }
}
