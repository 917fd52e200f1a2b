package org.tiaokuai;

/**
 * One step of an {@link Answer}.
 *
 * <ul>
 *   <li>chain: one step per unit, the unit asked about first; {@code via} is the kind of link followed into it
 *       (null for the first), {@code level}/{@code grade} the unit's, {@code territory} null;
 *   <li>responsibleFor: one step per unit holding jurisdiction over the place and each territory containing it,
 *       nearest first; {@code territory} is that territory, {@code via} {@code "jurisdiction"}, {@code level} and
 *       {@code grade} the territory's. A territory nobody holds gives a step with a null {@code unit}
 *       ({@link #isNobody()});
 *   <li>dispatch: the leads, then the cooperators, then the supervisors; {@code via} is the role
 *       ({@code "lead"}, {@code "cooperate"}, {@code "supervise"}), {@code territory} where it applies.
 * </ul>
 *
 * @param unit the unit's id, or null
 * @param name the unit's name, or null
 * @param kind the unit's kind, or null
 * @param via how the step was reached, or null
 * @param territory the territory, or null
 * @param level the level ({@code "street"} …), or null
 * @param grade the responsibility grade ({@code "direct"} …), or null
 * @param link the index of the link behind the step in the model's {@code links} array, or null
 */
public record Step(
        String unit, String name, String kind, String via, String territory, String level, String grade,
        Long link) {

    /**
     * True for a territory of a block chain that nobody holds jurisdiction over.
     *
     * @return whether the step has no unit
     */
    public boolean isNobody() {
        return unit == null;
    }
}
