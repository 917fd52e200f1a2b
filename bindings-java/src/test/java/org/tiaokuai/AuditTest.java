package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditTest {
    @Test
    void findsTheGapsOfASmallModel() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.ACME)) {
            List<Finding> findings = model.audit();
            assertEquals(List.of("C001", "C003", "C006"), findings.stream().map(Finding::rule).toList());
            Finding c001 = findings.get(0);
            assertEquals("no-party-org", c001.name());
            assertEquals("warning", c001.severity());
            assertEquals("acme", c001.subject());
            assertEquals("s", c001.territory());
            assertTrue(c001.message().contains("has 5 full members but no Party organisation"), c001.message());
            assertThrows(UnsupportedOperationException.class, findings::clear);
        }
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            List<Finding> findings = model.audit();
            assertEquals(List.of("S004", "L001"), findings.stream().map(Finding::rule).toList());
            assertEquals(null, findings.get(1).territory());
            assertEquals("info", findings.get(1).severity());
        }
    }

    @Test
    void theAuditAndTimelineAreTheSameOnAnyNumberOfThreads() {
        try (TiaokuaiModel model = TiaokuaiModel.sample()) {
            List<Finding> serial = model.audit(null, LoadOptions.defaults().withThreads(1));
            assertTrue(serial.size() > 30, "the sample's deliberate gaps: " + serial.size());
            for (int threads : new int[] {0, 2, 4}) {
                assertEquals(serial, model.audit(null, LoadOptions.defaults().withThreads(threads)), "threads " + threads);
            }
            String years = "{\"from\": \"2013\", \"to\": \"2023\", \"every\": \"year\", \"threads\": ";
            assertEquals(model.timelineJson(years + "1}"), model.timelineJson(years + "4}"));
            TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> model.timelineJson("{\"threads\": -1}"));
            assertEquals("invalid_argument", e.kind());
        }
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withThreads(-1));
        assertEquals(3, LoadOptions.defaults().withMaxBytes(10).withThreads(3).threads());
        assertEquals(10, LoadOptions.defaults().withThreads(3).withMaxBytes(10).maxBytes());
    }

    @Test
    void theConfigRegradesAndSwitchesOffRules() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.ACME)) {
            List<Finding> findings = model.audit("""
                    {"rules": {"C001": {"severity": "error"}, "territory-without-party-org": {"enabled": false}}}""");
            assertEquals(List.of("C001", "C003"), findings.stream().map(Finding::rule).toList());
            assertEquals("error", findings.get(0).severity());
            assertEquals(model.audit(), model.audit("{}"));
        }
    }

    @Test
    void theReportAndMetricsComeAsJson() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.ACME)) {
            String report = model.auditJson(null);
            assertTrue(report.contains("\"summary\"") && report.contains("\"metrics\""), report);
            assertTrue(report.contains("\"rule\": \"C001\""));
            String metrics = model.metricsJson(null);
            assertTrue(metrics.contains("\"townships\"") && metrics.contains("\"comparison\""), metrics);
        }
    }

    @Test
    void theSampleHasFindingsOfEverySeverity() {
        try (TiaokuaiModel model = TiaokuaiModel.sample()) {
            List<Finding> findings = model.audit();
            for (String severity : List.of("error", "warning", "info")) {
                assertTrue(findings.stream().anyMatch(f -> f.severity().equals(severity)), severity);
            }
            assertFalse(findings.stream().anyMatch(f -> f.subject() == null || f.message() == null));
        }
    }

    /** The number after {@code "key": } in the timeline row of {@code date}, or -1 when the row has none. */
    static int rowValue(String json, String date, String key) {
        int row = json.indexOf("\"date\": \"" + date + "\"");
        assertTrue(row >= 0, "no row " + date + " in " + json);
        int next = json.indexOf("\"date\": ", row + 1);
        String part = next < 0 ? json.substring(row) : json.substring(row, next);
        Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(part);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void theTimelineOfTheSampleMatchesItsReadme() {
        // The findings at each year end: data/samples/README.md, "The sample in time".
        try (TiaokuaiModel model = TiaokuaiModel.sample()) {
            String json = model.timelineJson("2013", "2023", "year");
            assertEquals(11, json.split("\"date\": ", -1).length - 1, json);
            assertEquals(28, rowValue(json, "2013", "C001"));
            assertEquals(58, rowValue(json, "2013", "C002"));
            assertEquals(3, rowValue(json, "2013", "S004"));
            assertEquals(1, rowValue(json, "2015", "S004")); // 3 in 2013: the 2015 reform
            assertEquals(45, rowValue(json, "2017", "C002"));
            assertEquals(3, rowValue(json, "2023", "C001"));
            int total = rowValue(json, "2023", "errors") + rowValue(json, "2023", "warnings")
                    + rowValue(json, "2023", "infos");
            assertEquals(38, total);
            String off = model.timelineJson("{\"from\": \"2013\", \"to\": \"2013\", \"every\": \"year\","
                    + " \"config\": {\"rules\": {\"C001\": {\"enabled\": false}}}}");
            assertEquals(-1, rowValue(off, "2013", "C001"));
            assertEquals(58, rowValue(off, "2013", "C002"));
            TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> model.timelineJson("2019-13", "2020", "year"));
            assertEquals("invalid_date", e.kind());
            e = assertThrows(TiaokuaiException.class, () -> model.timelineJson("2013", "2014", "week"));
            assertEquals("invalid_argument", e.kind());
            e = assertThrows(TiaokuaiException.class, () -> model.timelineJson("2020", "2019", "year"));
            assertEquals("invalid", e.kind());
        }
    }
}
