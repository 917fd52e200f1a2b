package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ErrorTest {
    private static TiaokuaiException loading(String json) {
        return assertThrows(TiaokuaiException.class, () -> TiaokuaiModel.fromJson(json).close());
    }

    @Test
    void malformedJsonIsASyntaxError() {
        TiaokuaiException e = loading("{\"format\": \"tiaokuai/1\",");
        assertEquals("syntax", e.kind());
        assertEquals(100, e.code());
        assertTrue(e.getMessage().startsWith("malformed JSON at line 1"), e.getMessage());
        assertEquals("syntax", loading("").kind());
    }

    @Test
    void aMissingFormatNamesTheField() {
        TiaokuaiException e = loading("{\"units\": []}");
        assertEquals("format", e.kind());
        assertEquals("format", e.field());
    }

    @Test
    void aDanglingReferenceNamesRecordFieldAndId() {
        TiaokuaiException e = loading("""
                {"format": "tiaokuai/1", "territories": [
                  {"id": "s", "name": "S", "kind": "street", "parent": "ghost"}]}""");
        assertEquals("dangling_reference", e.kind());
        assertEquals(106, e.code());
        assertEquals("territories[0] (id \"s\")", e.record());
        assertEquals("parent", e.field());
        assertEquals("ghost", e.id());
        assertEquals("territories[0] (id \"s\"): \"parent\" names \"ghost\" which does not exist", e.getMessage());
    }

    @Test
    void recordErrorsCarryTheirKinds() {
        TiaokuaiException dup = loading("""
                {"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise"},
                                                   {"id": "a", "name": "B", "kind": "enterprise"}]}""");
        assertEquals("duplicate_id", dup.kind());
        assertEquals("a", dup.id());
        assertEquals("units[1] (id \"a\")", dup.record());
        TiaokuaiException count = loading("""
                {"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": -1}]}""");
        assertEquals("invalid_count", count.kind());
        assertEquals("members", count.field());
        assertEquals("unknown_word", loading("""
                {"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "spaceship"}]}""").kind());
    }

    @Test
    void queriesNameTheIdAskedFor() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            TiaokuaiException unknown = assertThrows(TiaokuaiException.class, () -> model.name("ghost"));
            assertEquals("unknown_id", unknown.kind());
            assertEquals(112, unknown.code());
            assertEquals("ghost", unknown.id());
            assertNull(unknown.record());
            assertEquals("no record with id \"ghost\"", unknown.getMessage());
            TiaokuaiException wrong = assertThrows(TiaokuaiException.class, () -> model.chain("s"));
            assertEquals("wrong_record_type", wrong.kind());
            assertEquals("s", wrong.id());
            assertEquals("\"s\" is a territory, but chain needs a unit", wrong.getMessage());
            assertEquals("unknown_id",
                    assertThrows(TiaokuaiException.class, () -> model.dispatch("m", "nowhere")).kind());
            assertEquals("wrong_record_type",
                    assertThrows(TiaokuaiException.class, () -> model.responsibleFor("gw")).kind());
        }
    }

    @Test
    void badConfigsAreInvalid() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.ACME)) {
            TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> model.audit("{\"rules\": {\"X\": 1}}"));
            assertEquals("invalid", e.kind());
            assertTrue(e.getMessage().contains("unknown rule \"X\""), e.getMessage());
            assertEquals("invalid", assertThrows(TiaokuaiException.class, () -> model.metricsJson("[]")).kind());
        }
    }

    @Test
    void unreadableAndUnwritablePathsAreIoErrors() {
        TiaokuaiException e = assertThrows(TiaokuaiException.class,
                () -> TiaokuaiModel.load(Path.of("/nonexistent/tiaokuai.json")));
        assertEquals("io", e.kind());
        assertTrue(e.getMessage().contains("/nonexistent/tiaokuai.json"));
        assertEquals("io", assertThrows(TiaokuaiException.class,
                () -> TiaokuaiModel.fromCsvDir(Path.of("/nonexistent/bundle"))).kind());
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            assertEquals("io", assertThrows(TiaokuaiException.class,
                    () -> model.save(Path.of("/nonexistent/dir/model.json"))).kind());
        }
    }

    @Test
    void nullArgumentsAreNullPointerExceptions() {
        assertThrows(NullPointerException.class, () -> TiaokuaiModel.fromJson(null));
        assertThrows(NullPointerException.class, () -> TiaokuaiModel.load(null));
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            assertThrows(NullPointerException.class, () -> model.name(null));
            assertThrows(NullPointerException.class, () -> model.chain(null, Line.ALL));
            assertThrows(NullPointerException.class, () -> model.chain("gw", null));
            assertThrows(NullPointerException.class, () -> model.dispatch("m", null));
            assertThrows(NullPointerException.class, () -> model.responsibleFor(null));
            assertThrows(NullPointerException.class, () -> model.save(null));
        }
    }
}
