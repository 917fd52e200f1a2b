package org.tiaokuai;

import java.util.List;

/**
 * The answer of {@link TiaokuaiModel#chain}, {@link TiaokuaiModel#responsibleFor} or
 * {@link TiaokuaiModel#dispatch}.
 *
 * @param steps the steps (see {@link Step} for what a step is in each query), immutable
 * @param problem for dispatch: {@code "no_lead"} or {@code "several_leads"}; null when exactly one lead applies,
 *     and for chains and block chains
 * @param json the whole answer as JSON, with its evidence (the same document the CLI and Python give)
 */
public record Answer(List<Step> steps, String problem, String json) {
    /**
     * Copies the steps so the answer is immutable.
     *
     * @param steps the steps
     * @param problem the problem, or null
     * @param json the JSON
     */
    public Answer {
        steps = List.copyOf(steps);
    }

    /**
     * The unit ids of the steps, in order (null for territories nobody holds).
     *
     * @return the ids
     */
    public List<String> units() {
        return steps.stream().map(Step::unit).toList();
    }
}
