package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ScenarioTest {
    /** Every tests/scenarios/*.json must pass, one test each. */
    @TestFactory
    Stream<DynamicTest> sharedScenariosPass() throws IOException {
        if (!Files.isDirectory(Fixtures.scenarios())) {
            return Stream.empty(); // an empty folder is not kept by git
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(Fixtures.scenarios())) {
            files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Scenario s = Scenario.run(file);
            assertFalse(s.checks().isEmpty(), "a scenario checks something");
            assertTrue(s.passed(), s.report());
        }));
    }

    @Test
    void passingAndFailingScenarios() {
        Scenario ok = Scenario.runJson("""
                {"name": "a firm with 4 members and no branch",
                 "model": {"format": "tiaokuai/1", "units": [
                   {"id": "acme", "name": "Acme", "kind": "enterprise", "sector": "private", "members": 4}]},
                 "expect": {"findings": [{"rule": "C001", "subject": "acme"}]}}""", null);
        assertTrue(ok.passed(), ok.report());
        assertEquals("a firm with 4 members and no branch", ok.name());
        assertEquals(1, ok.checks().size());
        assertTrue(ok.report().startsWith("ok"));

        Scenario fail = Scenario.runJson("""
                {"name": "wrong", "model": {"format": "tiaokuai/1", "units": [
                   {"id": "acme", "name": "Acme", "kind": "enterprise", "members": 1}]},
                 "expect": {"findings": [{"rule": "C001", "subject": "acme"}]}}""", null);
        assertFalse(fail.passed());
        assertFalse(fail.checks().get(0).passed());
        assertTrue(fail.report().startsWith("FAIL"), fail.report());
    }

    @Test
    void modelFilesAreResolvedAgainstTheBaseFolder() {
        Scenario s = Scenario.runJson("""
                {"name": "the sample", "model_file": "baoshan.json",
                 "expect": {"chains": []}}""", Fixtures.sample().getParent());
        assertTrue(s.passed(), s.report());
    }

    @Test
    void scenariosThatCannotRunThrow() {
        assertEquals("invalid", assertThrows(TiaokuaiException.class, () -> Scenario.runJson("{\"modle\": {}}", null))
                .kind());
        assertEquals("io", assertThrows(TiaokuaiException.class,
                () -> Scenario.run(Path.of("/nonexistent/scenario.json"))).kind());
        TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> Scenario.runJson("""
                {"model": {"format": "tiaokuai/1"}, "expect": {"chains": [{"unit": "nobody", "steps": []}]}}""",
                null));
        assertEquals("unknown_id", e.kind());
        assertEquals("nobody", e.id());
    }
}
