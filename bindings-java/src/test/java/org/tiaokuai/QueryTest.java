package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryTest {
    /** A community nobody holds, a dual-led branch, a matter with two leads. */
    private static final String GAPS = """
            {"format": "tiaokuai/1",
             "territories": [{"id": "c", "name": "City", "kind": "city"},
                             {"id": "s", "name": "Street", "kind": "street", "parent": "c"},
                             {"id": "k", "name": "Community", "kind": "community", "parent": "s"}],
             "units": [{"id": "sw", "name": "City committee", "kind": "party_committee"},
                       {"id": "gw", "name": "Street committee", "kind": "party_working_committee"},
                       {"id": "zf", "name": "Street office", "kind": "government"},
                       {"id": "br", "name": "Branch", "kind": "party_branch"}],
             "matters": [{"id": "m2", "name": "Two leads", "list": "basic"}],
             "links": [{"from": "sw", "to": "c", "kind": "jurisdiction"},
                       {"from": "gw", "to": "s", "kind": "jurisdiction"},
                       {"from": "zf", "to": "s", "kind": "jurisdiction"},
                       {"from": "sw", "to": "gw", "kind": "leads"},
                       {"from": "gw", "to": "br", "kind": "leads"},
                       {"from": "zf", "to": "br", "kind": "leads"},
                       {"from": "gw", "to": "m2", "kind": "responsible", "role": "lead"},
                       {"from": "zf", "to": "m2", "kind": "responsible", "role": "lead"}]}
            """;

    @Test
    void chainClimbsTheLeadershipLine() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            Answer a = model.chain("gw", Line.LEADERSHIP);
            assertEquals(List.of(
                    new Step("gw", "友谊路街道党工委", "party_working_committee", null, null, "street", "direct", null),
                    new Step("qw", "中共宝山区委", "party_committee", "leads", null, "district", "first", 4L),
                    new Step("sw", "中共上海市委", "party_committee", "leads", null, "city", "overall", 3L)),
                    a.steps());
            assertNull(a.problem());
            assertTrue(a.json().contains("\"line\": \"leadership\""), a.json());
            assertTrue(a.json().contains("\"evidence\""));
            assertEquals(a, model.chain("gw"));
            for (Line line : Line.values()) {
                assertEquals(List.of("sw"), model.chain("sw", line).units());
            }
            assertThrows(UnsupportedOperationException.class, () -> a.steps().clear());
        }
    }

    @Test
    void chainReportsBranchesInItsJson() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(GAPS)) {
            Answer a = model.chain("br");
            assertEquals(List.of("br", "gw", "sw"), a.units());
            assertTrue(a.json().contains("\"leader\": \"zf\""), a.json());
        }
    }

    @Test
    void responsibleForListsHoldersNearestFirstAndNobody() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            Answer a = model.responsibleFor("s");
            assertEquals(List.of("gw", "qw", "sw"), a.units());
            assertEquals(List.of("s", "d", "c"), a.steps().stream().map(Step::territory).toList());
            assertEquals(List.of("direct", "first", "overall"), a.steps().stream().map(Step::grade).toList());
            assertEquals(List.of(2L, 1L, 0L), a.steps().stream().map(Step::link).toList());
        }
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(GAPS)) {
            Answer a = model.responsibleFor("k");
            assertEquals(Arrays.asList(null, "gw", "zf", "sw"), a.units());
            Step nobody = a.steps().get(0);
            assertTrue(nobody.isNobody());
            assertEquals(new Step(null, null, null, null, "k", "community", "specific", null), nobody);
        }
    }

    @Test
    void dispatchFindsTheLeadOrSaysWhatIsWrong() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            Answer a = model.dispatch("m", "s");
            assertEquals(List.of(new Step("gw", "友谊路街道党工委", "party_working_committee", "lead", "s", "street",
                    "direct", 5L)), a.steps());
            assertNull(a.problem());
            assertTrue(a.json().contains("\"resolved_at\": \"s\""), a.json());
            Answer none = model.dispatch("m", "d");
            assertEquals(List.of(), none.steps());
            assertEquals("no_lead", none.problem());
        }
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(GAPS)) {
            Answer two = model.dispatch("m2", "k");
            assertEquals(List.of("gw", "zf"), two.units());
            assertEquals("several_leads", two.problem());
        }
    }
}
