package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
}
