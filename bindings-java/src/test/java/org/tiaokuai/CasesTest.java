package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Case logs against the model (issue #15) on the shared fixture in tests/cases/, the generator, and meetings. */
class CasesTest {
    static Path fixture(String name) {
        return Fixtures.root().resolve("tests/cases").resolve(name);
    }

    @Test
    void fixtureCasesAreClassifiedAsExpected() throws IOException {
        try (TiaokuaiModel model = TiaokuaiModel.load(fixture("model.json"))) {
            String json = model.cases(fixture("log.csv"), "{\"keep_cases\": true}");
            assertTrue(json.contains("\"cases\": 12"), json);
            String table = json.substring(json.indexOf("\"cases\": ["));
            List<String> expected = Files.readAllLines(fixture("expected.csv"));
            for (String line : expected.subList(1, expected.size())) {
                String[] f = line.split(",");
                Matcher row = Pattern.compile("\\{[^}]*\"case\": \"" + f[0] + "\"[^}]*\\}").matcher(table);
                assertTrue(row.find(), f[0]);
                assertTrue(row.group().contains("\"class\": \"" + f[1] + "\""), row.group());
                assertTrue(row.group().contains("\"returns\": " + f[2]), row.group());
            }
            assertEquals(12, expected.size() - 1);
            assertTrue(json.contains("\"kind\": \"duplicate\""), json);
            String defaults = model.cases(fixture("log.jsonl"));
            assertFalse(defaults.contains("\"cases\": ["));
            assertTrue(defaults.contains("\"on_time_days\": 15.0"), defaults);
        }
    }

    /** A generated log of the sample is judged as its answer key says, case by case. */
    @Test
    void aGeneratedLogIsJudgedAsItsKeySays(@TempDir Path dir) throws IOException {
        try (TiaokuaiModel model = TiaokuaiModel.load(Fixtures.sample())) {
            Path log = dir.resolve("log.csv");
            Path key = dir.resolve("key.csv");
            String counts = model.generateCases(log, key, 300, "{\"seed\": 4, \"days\": 90}");
            assertTrue(counts.contains("\"cases\":300"), counts);
            String json = model.cases(log, "{\"keep_cases\": true}");
            String table = json.substring(json.indexOf("\"cases\": ["));
            List<String> lines = Files.readAllLines(key);
            assertEquals(301, lines.size());
            // Every column of the key (case, class, leads, unit, returns, cycle, closed) as the
            // replay's row of that case has it.
            String[] names = lines.get(0).split(",");
            assertEquals(List.of("case", "class", "leads", "unit", "returns", "cycle", "closed"), List.of(names));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                assertEquals(names.length, f.length, line);
                Matcher row = Pattern.compile("\\{[^}]*\"case\": \"" + f[0] + "\"[^}]*\\}").matcher(table);
                assertTrue(row.find(), f[0]);
                for (int i = 1; i < names.length; i++) {
                    boolean bare = f[i].matches("true|false|[0-9]+");
                    String value = bare ? f[i] : "\"" + f[i] + "\"";
                    assertTrue(Pattern.compile(Pattern.quote("\"" + names[i] + "\": " + value) + "[,\\n}]")
                            .matcher(row.group()).find(), f[0] + " " + names[i] + " " + f[i] + ": " + row.group());
                }
            }
            // The same seed gives the same log; bad options write nothing.
            Path again = dir.resolve("again.csv");
            model.generateCases(again, null, 300, "{\"seed\": 4, \"days\": 90}");
            assertEquals(Files.readString(log), Files.readString(again));
            Path none = dir.resolve("none.csv");
            assertEquals("invalid", assertThrows(TiaokuaiException.class,
                    () -> model.generateCases(none, null, 10, "{\"days\": 0}")).kind());
            assertFalse(Files.exists(none));
        }
    }

    /** The sample's meetings (三会): the records, and the table per community or street per year. */
    @Test
    void meetingsAndTheirTable() {
        try (TiaokuaiModel model = TiaokuaiModel.load(Fixtures.sample())) {
            String meetings = model.meetingsJson();
            assertEquals(191, count(meetings, "\"kind\":"));
            assertTrue(meetings.startsWith("[{\"id\":\"m-bs-2022-jobs\",\"kind\":\"hearing\""), meetings);
            assertEquals(124, count(model.meetingsTableJson(null, 0), "\"territory_name\":"));
            String streets = model.meetingsTableJson("street", 2023);
            assertEquals(13, count(streets, "\"territory_name\":"));
            assertEquals(13, count(streets, "\"year\": 2023"));
            assertTrue(streets.contains("\"territory\": \"310113003\""), streets);
            assertEquals("[]", model.meetingsTableJson("street", 1990));
            TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> model.meetingsTableJson("grid", 0));
            assertEquals("invalid", e.kind());
            assertTrue(e.getMessage().contains("grid"), e.getMessage());
        }
    }

    static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void errorsAreExceptionsAndBadRowsAreNot() {
        try (TiaokuaiModel model = TiaokuaiModel.load(fixture("model.json"))) {
            assertEquals("io", assertThrows(TiaokuaiException.class, () -> model.cases(fixture("none.csv"))).kind());
            assertEquals("invalid",
                    assertThrows(TiaokuaiException.class, () -> model.cases(fixture("log.csv"), "{\"x\": 1}")).kind());
        }
    }
}
