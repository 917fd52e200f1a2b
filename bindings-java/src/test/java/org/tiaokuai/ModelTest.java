package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
    @Test
    void versionIsTheCratesVersion() {
        assertTrue(TiaokuaiModel.version().matches("\\d+\\.\\d+\\.\\d+.*"), TiaokuaiModel.version());
    }

    @Test
    void loadsFromJsonAndCounts() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            assertEquals(new Counts(3, 3, 1, 1, 7), model.counts());
        }
    }

    @Test
    void looksUpRecords() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            assertEquals("中共宝山区委", model.name("qw"));
            assertEquals("友谊路街道", model.name("s"));
            assertEquals("party_working_committee", model.kind("gw"));
            assertEquals("basic", model.kind("m"));
            assertEquals(RecordType.TERRITORY, model.recordType("d"));
            assertEquals(RecordType.UNIT, model.recordType("sw"));
            assertEquals(RecordType.MATTER, model.recordType("m"));
            assertEquals(RecordType.ITEM, model.recordType("n"));
            assertTrue(model.contains("qw"));
            assertFalse(model.contains("ghost"));
            assertFalse(model.contains(""));
        }
    }

    @Test
    void writesJsonThatReadsBack() {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            String json = model.toJson();
            assertTrue(json.contains("友谊路街道党工委"));
            try (TiaokuaiModel again = TiaokuaiModel.fromJson(json)) {
                assertEquals(json, again.toJson());
                assertEquals(model.counts(), again.counts());
            }
        }
    }

    @Test
    void savesAndLoadsFilesAndCsvBundles(@TempDir Path dir) throws IOException {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            Path file = dir.resolve("model.json");
            model.save(file);
            assertEquals(model.toJson(), Files.readString(file, StandardCharsets.UTF_8));
            try (TiaokuaiModel again = TiaokuaiModel.load(file)) {
                assertEquals(model.toJson(), again.toJson());
            }
            Path bundle = dir.resolve("bundle");
            Files.createDirectory(bundle);
            model.save(bundle);
            assertTrue(Files.exists(bundle.resolve("units.csv")));
            try (TiaokuaiModel fromCsv = TiaokuaiModel.fromCsvDir(bundle);
                    TiaokuaiModel loaded = TiaokuaiModel.load(bundle)) {
                assertEquals(model.counts(), fromCsv.counts());
                assertEquals(fromCsv.toJson(), loaded.toJson());
            }
        }
    }

    @Test
    void theSampleFileIsTheEmbeddedSample() {
        try (TiaokuaiModel file = TiaokuaiModel.load(Fixtures.sample());
                TiaokuaiModel embedded = TiaokuaiModel.sample()) {
            assertEquals(embedded.toJson(), file.toJson());
            assertTrue(embedded.counts().units() > 100);
        }
    }

    @Test
    void closingTwiceIsSafeAndUseAfterCloseThrows() {
        TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE);
        assertFalse(model.isClosed());
        model.close();
        model.close();
        assertTrue(model.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, model::counts);
        assertEquals("the model is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> model.chain("gw"));
        assertThrows(IllegalStateException.class, model::audit);
    }
}
