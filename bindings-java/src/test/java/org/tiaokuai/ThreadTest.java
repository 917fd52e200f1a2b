package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ThreadTest {
    /** Eight threads ask the same questions of one model and must get the answers the main thread got. */
    @Test
    void oneModelServesEightThreads() throws Exception {
        try (TiaokuaiModel model = TiaokuaiModel.sample()) {
            List<Finding> findings = model.audit();
            Map<String, Supplier<Object>> questions = new LinkedHashMap<>();
            questions.put("audit", model::audit);
            questions.put("block 310113003", () -> model.responsibleFor("310113003"));
            for (Finding f : findings.subList(0, Math.min(findings.size(), 30))) {
                RecordType type = model.recordType(f.subject());
                if (type == RecordType.UNIT) {
                    for (Line line : Line.values()) {
                        questions.put("chain " + f.subject() + " " + line, () -> model.chain(f.subject(), line));
                    }
                    questions.put("name " + f.subject(), () -> model.name(f.subject()));
                } else if (type == RecordType.TERRITORY) {
                    questions.put("block " + f.subject(), () -> model.responsibleFor(f.subject()));
                } else if (type == RecordType.MATTER) {
                    questions.put("dispatch " + f.subject(), () -> model.dispatch(f.subject(), "310113003"));
                }
            }
            Map<String, Object> expected = new LinkedHashMap<>();
            questions.forEach((k, q) -> expected.put(k, q.get()));
            assertFalse(expected.isEmpty());

            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Map<String, Object>>> runs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    runs.add(pool.submit(() -> {
                        Map<String, Object> got = new LinkedHashMap<>();
                        for (int round = 0; round < 3; round++) {
                            questions.forEach((k, q) -> got.put(k, q.get()));
                        }
                        return got;
                    }));
                }
                for (Future<Map<String, Object>> run : runs) {
                    assertEquals(expected, run.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
