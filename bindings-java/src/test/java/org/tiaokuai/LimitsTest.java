package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One size limit for every input (issue #20), and configs and scenarios as strict as models. */
class LimitsTest {
    @Test
    void theLimitBoundsModelsConfigsAndScenarios() {
        LoadOptions tiny = LoadOptions.defaults().withMaxBytes(100);
        assertEquals(4L << 30, LoadOptions.defaults().maxBytes());
        TiaokuaiException e = assertThrows(TiaokuaiException.class,
                () -> TiaokuaiModel.fromJson(Fixtures.FIXTURE, tiny));
        assertEquals("too_large", e.kind());
        assertThrows(TiaokuaiException.class, () -> TiaokuaiModel.load(Fixtures.sample(), tiny));
        try (TiaokuaiModel model = TiaokuaiModel.load(Fixtures.sample(), LoadOptions.defaults())) {
            String config = "{\"rules\": {\"C003\": \"off\"}}";
            TiaokuaiException big = assertThrows(TiaokuaiException.class,
                    () -> model.audit(config, LoadOptions.defaults().withMaxBytes(10)));
            assertEquals("too_large", big.kind());
            assertEquals(model.audit(config), model.audit(config, LoadOptions.defaults()));
        }
        String scenario = "{\"name\": \"s\", \"model\": {\"format\": \"tiaokuai/1\"}}";
        assertThrows(TiaokuaiException.class,
                () -> Scenario.runJson(scenario, null, LoadOptions.defaults().withMaxBytes(8)));
        assertTrue(Scenario.runJson(scenario, null, LoadOptions.defaults()).passed());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withMaxBytes(-1));
    }

    @Test
    void anEndlessScenarioOrModelFileStopsAtTheLimit(@TempDir Path dir) throws IOException {
        assumeTrue(Files.exists(Path.of("/dev/zero")));
        LoadOptions mib = LoadOptions.defaults().withMaxBytes(1 << 20);
        TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> Scenario.run(Path.of("/dev/zero"), mib));
        assertEquals("too_large", e.kind());
        assertTrue(e.getMessage().contains("input of 1048577 bytes is larger than the limit of 1048576 bytes"),
                e.getMessage());
        Path s = dir.resolve("s.json");
        Files.writeString(s, "{\"name\": \"zero\", \"model_file\": \"/dev/zero\"}");
        assertEquals("too_large", assertThrows(TiaokuaiException.class, () -> Scenario.run(s, mib)).kind());
    }

    @Test
    void duplicateKeysInConfigsAndScenariosAreErrors() {
        try (TiaokuaiModel model = TiaokuaiModel.sample()) {
            TiaokuaiException e = assertThrows(TiaokuaiException.class,
                    () -> model.audit("{\"rules\": {\"C003\": \"off\", \"C003\": \"on\"}}"));
            assertEquals("invalid", e.kind());
            assertTrue(e.getMessage().contains("duplicate key \"C003\" in rules"), e.getMessage());
        }
        TiaokuaiException e = assertThrows(TiaokuaiException.class,
                () -> Scenario.runJson("{\"name\": \"a\", \"name\": \"b\", \"model\": {\"format\": \"tiaokuai/1\"}}",
                        null));
        assertFalse(e.getMessage().isEmpty());
        assertTrue(e.getMessage().contains("duplicate key \"name\""), e.getMessage());
    }
}
