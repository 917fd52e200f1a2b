package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model images ({@code .tkz}): toImage / fromImage / open, and the {@code image} error. */
class ImageTest {
    /** The first eight bytes of every image. */
    static final byte[] MAGIC = {(byte) 0x89, 'T', 'K', 'Z', '\r', '\n', 0x1a, '\n'};

    static TiaokuaiException imageError(byte[] bytes) {
        TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> TiaokuaiModel.fromImage(bytes));
        assertEquals("image", e.kind());
        assertEquals(118, e.code());
        assertTrue(e.getMessage().startsWith("model image: "), e.getMessage());
        return e;
    }

    @Test
    void theSampleRoundTripsThroughAnImage() {
        try (TiaokuaiModel sample = TiaokuaiModel.sample()) {
            byte[] image = sample.toImage();
            assertArrayEquals(MAGIC, Arrays.copyOf(image, MAGIC.length));
            try (TiaokuaiModel again = TiaokuaiModel.fromImage(image)) {
                assertEquals(sample.counts(), again.counts());
                // The same document, byte for byte.
                assertEquals(sample.toJson(), again.toJson());
                // And the same image again.
                assertArrayEquals(image, again.toImage());
                assertEquals(sample.chain("yyl-c01-party", Line.LEADERSHIP).json(),
                        again.chain("yyl-c01-party", Line.LEADERSHIP).json());
            }
        }
    }

    @Test
    void savingToTkzWritesTheImageThatOpenAndLoadRead(@TempDir Path dir) throws IOException {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            Path file = dir.resolve("model.tkz");
            model.save(file);
            assertArrayEquals(model.toImage(), Files.readAllBytes(file));
            try (TiaokuaiModel opened = TiaokuaiModel.open(file);
                    TiaokuaiModel loaded = TiaokuaiModel.load(file)) {
                assertEquals(model.toJson(), opened.toJson());
                assertEquals(model.toJson(), loaded.toJson());
                assertEquals(new Counts(3, 3, 1, 1, 7), opened.counts());
                // Opened, the file is mapped: its tables are shared with other processes that open it.
                assertTrue(opened.mappedBytes() > 0, "mapped " + opened.mappedBytes());
                assertEquals(opened.mappedBytes(), loaded.mappedBytes());
                assertEquals(0, model.mappedBytes());
            }
            LoadOptions read = LoadOptions.defaults().withMap(false);
            assertTrue(LoadOptions.defaults().map());
            assertFalse(read.map());
            try (TiaokuaiModel opened = TiaokuaiModel.open(file, read)) {
                assertEquals(model.toJson(), opened.toJson());
                assertEquals(0, opened.mappedBytes());
            }
        }
    }

    @Test
    void openRefusesJsonAndReportsAMissingFile(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("model.json");
        Files.writeString(json, Fixtures.FIXTURE);
        TiaokuaiException e = assertThrows(TiaokuaiException.class, () -> TiaokuaiModel.open(json));
        assertEquals("image", e.kind());
        assertTrue(e.getMessage().contains("is not a model image"), e.getMessage());
        // load reads the same file as JSON.
        try (TiaokuaiModel loaded = TiaokuaiModel.load(json)) {
            assertEquals(new Counts(3, 3, 1, 1, 7), loaded.counts());
        }
        assertEquals("io", assertThrows(TiaokuaiException.class,
                () -> TiaokuaiModel.open(dir.resolve("missing.tkz"))).kind());
    }

    @Test
    void damagedTruncatedAndForeignBytesAreImageErrors(@TempDir Path dir) throws IOException {
        byte[] image;
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            image = model.toImage();
        }
        assertTrue(imageError(Arrays.copyOf(image, image.length - 1)).getMessage().contains("truncated"));
        byte[] flipped = image.clone();
        flipped[image.length / 2] ^= 1;
        assertTrue(imageError(flipped).getMessage().contains("checksum"));
        imageError(Fixtures.FIXTURE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        imageError(new byte[0]);
        // A damaged file: open and load refuse it alike.
        Path file = dir.resolve("flipped.tkz");
        Files.write(file, flipped);
        assertEquals("image", assertThrows(TiaokuaiException.class, () -> TiaokuaiModel.open(file)).kind());
        assertEquals("image", assertThrows(TiaokuaiException.class, () -> TiaokuaiModel.load(file)).kind());
    }

    @Test
    void theSizeLimitBoundsImages(@TempDir Path dir) {
        try (TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE)) {
            byte[] image = model.toImage();
            Path file = dir.resolve("model.tkz");
            model.save(file);
            LoadOptions exact = LoadOptions.defaults().withMaxBytes(image.length).withThreads(1);
            try (TiaokuaiModel a = TiaokuaiModel.fromImage(image, exact);
                    TiaokuaiModel b = TiaokuaiModel.open(file, exact)) {
                assertEquals(model.toJson(), a.toJson());
                assertEquals(model.toJson(), b.toJson());
            }
            LoadOptions under = exact.withMaxBytes(image.length - 1);
            assertEquals("too_large", assertThrows(TiaokuaiException.class,
                    () -> TiaokuaiModel.fromImage(image, under)).kind());
            assertEquals("too_large", assertThrows(TiaokuaiException.class,
                    () -> TiaokuaiModel.open(file, under)).kind());
        }
    }

    @Test
    void nullArgumentsAndClosedModelsThrow() {
        assertThrows(NullPointerException.class, () -> TiaokuaiModel.fromImage(null));
        assertThrows(NullPointerException.class, () -> TiaokuaiModel.open(null));
        assertThrows(NullPointerException.class, () -> TiaokuaiModel.fromImage(MAGIC, null));
        TiaokuaiModel model = TiaokuaiModel.fromJson(Fixtures.FIXTURE);
        model.close();
        assertThrows(IllegalStateException.class, model::toImage);
    }
}
