package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way in which a call can fail gives a {@link TiaokuaiException} with its kind and code (or, for a misuse
 * of the Java API, a Java exception saying what is wrong) — never a crash of the JVM.
 */
class ReliabilityTest {
    private static final int UNKNOWN_ID = 112;
    private static final int WRONG_RECORD_TYPE = 113;
    private static final int INVALID = 114;
    private static final int IO = 110;

    /** Runs {@code call} expecting a TiaokuaiException of {@code kind} and {@code code}. */
    private static TiaokuaiException fails(String what, String kind, int code, Runnable call) {
        TiaokuaiException e = assertThrows(TiaokuaiException.class, call::run, what);
        assertEquals(kind, e.kind(), what + ": " + e.getMessage());
        assertEquals(code, e.code(), what);
        assertFalse(e.getMessage() == null || e.getMessage().isEmpty(), what);
        return e;
    }

    @Test
    void everyQueryNamesAnUnknownId() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            Map<String, Function<TiaokuaiModel, Object>> queries = new LinkedHashMap<>();
            queries.put("name", m -> m.name("ghost"));
            queries.put("kind", m -> m.kind("ghost"));
            queries.put("recordType", m -> m.recordType("ghost"));
            for (Line line : Line.values()) {
                queries.put("chain " + line, m -> m.chain("ghost", line));
            }
            queries.put("chain", m -> m.chain("ghost"));
            queries.put("responsibleFor", m -> m.responsibleFor("ghost"));
            queries.put("dispatch (matter)", m -> m.dispatch("ghost", "s"));
            queries.put("dispatch (territory)", m -> m.dispatch("m", "ghost"));
            queries.forEach((what, query) -> {
                TiaokuaiException e = fails(what, "unknown_id", UNKNOWN_ID, () -> query.apply(model));
                assertEquals("ghost", e.id(), what);
                assertEquals("no record with id \"ghost\"", e.getMessage(), what);
                assertNull(e.record(), what);
            });
            assertEquals(10, queries.size());
            assertFalse(model.contains("ghost"));
            assertTrue(model.contains("gw"));
        }
    }

    @Test
    void everyQueryNamesARecordOfTheWrongType() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            for (Line line : Line.values()) {
                TiaokuaiException e = fails("chain of a territory", "wrong_record_type", WRONG_RECORD_TYPE,
                        () -> model.chain("s", line));
                assertEquals("s", e.id());
            }
            assertEquals("\"gw\" is a unit, but responsible_for needs a territory",
                    fails("block chain of a unit", "wrong_record_type", WRONG_RECORD_TYPE,
                            () -> model.responsibleFor("gw")).getMessage());
            assertEquals("m", fails("block chain of a matter", "wrong_record_type", WRONG_RECORD_TYPE,
                    () -> model.responsibleFor("m")).id());
            assertEquals("gw", fails("dispatch of a unit", "wrong_record_type", WRONG_RECORD_TYPE,
                    () -> model.dispatch("gw", "s")).id());
            assertEquals("n", fails("dispatch in an item", "wrong_record_type", WRONG_RECORD_TYPE,
                    () -> model.dispatch("m", "n")).id());
        }
    }

    @Test
    void everyKindOfBadDocument() {
        // document, kind, code, field (null: not checked)
        String[][] cases = {
            {"", "syntax", "100", null},
            {"{", "syntax", "100", null},
            {"{\"format\": \"tiaokuai/1\",}", "syntax", "100", null},
            {"{\"format\": \"tiaokuai/1\"} trailing", "syntax", "100", null},
            {"{\"units\": []}", "format", "101", "format"},
            {"{\"format\": 1}", "format", "101", "format"},
            {"[1, 2]", "invalid", "114", null},
            {"null", "invalid", "114", null},
            {"{\"format\": \"tiaokuai/1\", \"colour\": 1}", "invalid", "114", null},
            {"{\"format\": \"tiaokuai/1\", \"territories\": {}}", "invalid", "114", null},
            {"{\"format\": \"tiaokuai/1\", \"units\": [5]}", "invalid_field", "102", null},
            {"{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": 5, \"name\": \"x\", \"kind\": \"enterprise\"}]}",
                "invalid_field", "102", "id"},
            {"{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": 5, \"kind\": \"enterprise\"}]}",
                "invalid_field", "102", "name"},
            {"{\"format\": \"tiaokuai/1\", \"links\": [{\"from\": \"a\", \"kind\": \"leads\"}]}",
                "invalid_field", "102", "to"},
            {"{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"enterprise\","
                + " \"staff\": 2.5}]}", "invalid_count", "103", "staff"},
            {"{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"enterprise\","
                + " \"sector\": \"public\"}]}", "unknown_word", "104", "sector"},
            {"{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"enterprise\"}],"
                + " \"items\": [{\"id\": \"a\", \"name\": \"B\", \"list\": \"need\"}]}", "duplicate_id", "105", "id"},
            {"{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"enterprise\","
                + " \"located_in\": \"atlantis\"}]}", "dangling_reference", "106", "located_in"},
            {"{\"format\": \"tiaokuai/1\", \"territories\": [{\"id\": \"t\", \"name\": \"T\", \"kind\": \"street\"}],"
                + " \"units\": [{\"id\": \"u\", \"name\": \"U\", \"kind\": \"enterprise\"}],"
                + " \"links\": [{\"from\": \"u\", \"to\": \"u\", \"kind\": \"jurisdiction\"}]}",
                "wrong_endpoint", "107", "to"},
            {"{\"format\": \"tiaokuai/1\", \"territories\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"street\","
                + " \"parent\": \"a\"}]}", "territory_cycle", "108", "parent"},
        };
        for (String[] c : cases) {
            TiaokuaiException e = fails(c[0], c[1], Integer.parseInt(c[2]), () -> TiaokuaiModel.fromJson(c[0]).close());
            if (c[3] != null) {
                assertEquals(c[3], e.field(), c[0]);
            }
        }
    }

    @Test
    void everyKindOfBadConfig() {
        String[] configs = {
            "{\"rules\": {\"X\": {}}}",
            "{\"rules\": {\"C999\": \"off\"}}",
            "{\"rules\": []}",
            "{\"rules\": {\"C001\": {\"severity\": 5}}}",
            "{\"rules\": {\"C001\": {\"severity\": \"fatal\"}}}",
            "{\"colour\": 1}",
            "{\"thresholds\": {\"nope\": 1}}",
            "{\"thresholds\": {\"min_members_for_org\": -1}}",
            "{\"profiles\": {\"shanghai\": \"yes\"}}",
            "[]",
            "{",
            "",
        };
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.ACME)) {
            for (String config : configs) {
                fails("audit " + config, "invalid", INVALID, () -> model.audit(config));
                fails("auditJson " + config, "invalid", INVALID, () -> model.auditJson(config));
                fails("metricsJson " + config, "invalid", INVALID, () -> model.metricsJson(config));
            }
            // null is the default config, not an error.
            assertEquals(model.audit(), model.audit(null));
        }
    }

    @Test
    void filesThatAreMissingEmptyOrFolders(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.json");
        assertTrue(fails("load missing", "io", IO, () -> TiaokuaiModel.load(missing)).getMessage()
                .contains(missing.toString()));
        fails("csv missing", "io", IO, () -> TiaokuaiModel.fromCsvDir(missing));
        fails("scenario missing", "io", IO, () -> Scenario.run(missing));

        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        fails("load empty", "syntax", 100, () -> TiaokuaiModel.load(empty));

        // A folder is read as a CSV bundle; one holding none of its files says so.
        Path folder = Files.createDirectory(dir.resolve("folder.json"));
        assertTrue(fails("load a folder", "io", IO, () -> TiaokuaiModel.load(folder)).getMessage()
                .contains("not a CSV bundle"));
        fails("csv of an empty folder", "io", IO, () -> TiaokuaiModel.fromCsvDir(folder));
        fails("scenario that is a folder", "io", IO, () -> Scenario.run(folder));

        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            fails("save into a missing folder", "io", IO, () -> model.save(dir.resolve("no/such/model.json")));
            Path blocker = Files.writeString(dir.resolve("file"), "x");
            fails("save under a file", "io", IO, () -> model.save(blocker.resolve("model.json")));
        }
    }

    @Test
    void everyKindOfBadScenario(@TempDir Path dir) throws IOException {
        String tiny = "{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"u\", \"name\": \"U\", \"kind\": \"enterprise\"}]}";
        // scenario, kind, code
        String[][] cases = {
            {"{", "invalid", "114"},
            {"[1]", "invalid", "114"},
            {"{\"name\": \"x\", \"model\": " + tiny + ", \"expectations\": {}}", "invalid", "114"},
            {"{\"name\": \"x\", \"model\": " + tiny + ", \"model_file\": \"m.json\", \"expect\": {}}", "invalid", "114"},
            {"{\"name\": \"x\", \"model\": " + tiny + ", \"expect\": {\"findings\": 5}}", "invalid", "114"},
            {"{\"name\": \"x\", \"model\": " + tiny + ", \"expect\": {\"findings\": [{\"rule\": \"X999\"}]}}",
                "invalid", "114"},
            {"{\"name\": \"x\", \"model\": " + tiny + ", \"config\": {\"rules\": {\"X\": {}}}, \"expect\": {}}",
                "invalid", "114"},
            {"{\"name\": \"x\", \"model\": " + tiny + ", \"expect\": {\"chains\": [{\"unit\": \"ghost\", \"steps\": []}]}}",
                "unknown_id", "112"},
            {"{\"name\": \"x\", \"model\": " + tiny
                + ", \"expect\": {\"responsible\": [{\"territory\": \"u\", \"holders\": []}]}}",
                "wrong_record_type", "113"},
            {"{\"name\": \"x\", \"model\": {\"format\": \"tiaokuai/0\"}, \"expect\": {}}", "format", "101"},
            {"{\"name\": \"x\", \"model_file\": \"nope.json\", \"expect\": {}}", "io", "110"},
        };
        Path file = dir.resolve("scenario.json");
        for (String[] c : cases) {
            fails("runJson " + c[0], c[1], Integer.parseInt(c[2]), () -> Scenario.runJson(c[0], dir));
            Files.writeString(file, c[0], StandardCharsets.UTF_8);
            fails("run " + c[0], c[1], Integer.parseInt(c[2]), () -> Scenario.run(file));
        }
    }

    @Test
    void closingTwiceIsSafeAndEveryUseAfterCloseThrows(@TempDir Path dir) {
        TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE);
        model.close();
        model.close();
        try (model) {
            assertTrue(model.isClosed());
        }
        assertTrue(model.isClosed());
        Map<String, Runnable> uses = new LinkedHashMap<>();
        uses.put("counts", model::counts);
        uses.put("toJson", model::toJson);
        uses.put("save", () -> model.save(dir.resolve("m.json")));
        uses.put("name", () -> model.name("gw"));
        uses.put("kind", () -> model.kind("gw"));
        uses.put("recordType", () -> model.recordType("gw"));
        uses.put("contains", () -> model.contains("gw"));
        uses.put("audit", model::audit);
        uses.put("audit(config)", () -> model.audit("{}"));
        uses.put("auditJson", () -> model.auditJson(null));
        uses.put("metricsJson", () -> model.metricsJson(null));
        uses.put("cases", () -> model.cases(dir.resolve("log.csv")));
        uses.put("chain", () -> model.chain("gw"));
        uses.put("chain(line)", () -> model.chain("gw", Line.ALL));
        uses.put("responsibleFor", () -> model.responsibleFor("s"));
        uses.put("dispatch", () -> model.dispatch("m", "s"));
        uses.forEach((what, use) -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run, what);
            assertEquals("the model is closed", e.getMessage(), what);
        });
        assertFalse(Files.exists(dir.resolve("m.json")));
    }

    @Test
    void answersAndFindingsOutliveTheirModel() {
        Answer chain;
        Answer dispatch;
        List<Finding> findings;
        String json;
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE);
                TiaokuaiModel acme = TiaokuaiModel.fromJson(Fixtures.ACME)) {
            chain = model.chain("gw");
            dispatch = model.dispatch("m", "s");
            findings = acme.audit();
            json = acme.toJson();
        }
        // Copies: nothing in them points into freed native memory.
        assertEquals(List.of("gw", "qw", "sw"), chain.units());
        assertTrue(chain.json().contains("\"evidence\""));
        assertEquals("gw", dispatch.steps().get(0).unit());
        assertFalse(findings.isEmpty());
        assertEquals("acme", findings.get(0).subject());
        try (TiaokuaiModel again = TiaokuaiModel.fromJson(json)) {
            assertEquals(findings, again.audit());
        }
    }

    @Test
    void closingWhileOtherThreadsQueryNeverCrashes() throws Exception {
        for (int round = 0; round < 5; round++) {
            TiaokuaiModel model = TiaokuaiModel.sample();
            Answer expected = model.chain("yyl-c01-party", Line.ALL);
            int threads = 8;
            CountDownLatch started = new CountDownLatch(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<int[]>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        int answered = 0;
                        int wrong = 0;
                        started.countDown();
                        while (true) {
                            try {
                                if (!model.chain("yyl-c01-party", Line.ALL).equals(expected)) {
                                    wrong++;
                                }
                                answered++;
                            } catch (IllegalStateException closed) {
                                return new int[] {answered, wrong};
                            }
                        }
                    }));
                }
                started.await();
                Thread.sleep(20);
                model.close();
                int answered = 0;
                for (Future<int[]> f : futures) {
                    int[] r = f.get();
                    assertEquals(0, r[1], "a wrong answer while closing");
                    answered += r[0];
                }
                assertTrue(answered > 0);
                assertTrue(model.isClosed());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void nullArgumentsAreNullPointerExceptionsNamingTheArgument() {
        assertEquals("path", assertThrows(NullPointerException.class, () -> Scenario.run(null)).getMessage());
        assertEquals("json", assertThrows(NullPointerException.class, () -> Scenario.runJson(null, null))
                .getMessage());
        assertEquals("folder", assertThrows(NullPointerException.class, () -> TiaokuaiModel.fromCsvDir(null))
                .getMessage());
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            assertEquals("id", assertThrows(NullPointerException.class, () -> model.kind(null)).getMessage());
            assertEquals("id", assertThrows(NullPointerException.class, () -> model.recordType(null)).getMessage());
            assertEquals("id", assertThrows(NullPointerException.class, () -> model.contains(null)).getMessage());
            assertEquals("matter", assertThrows(NullPointerException.class, () -> model.dispatch(null, "s"))
                    .getMessage());
            assertEquals("unit", assertThrows(NullPointerException.class, () -> model.chain(null)).getMessage());
            // The model is still usable after all of that.
            assertEquals(List.of("gw", "qw", "sw"), model.chain("gw").units());
        }
    }
}
