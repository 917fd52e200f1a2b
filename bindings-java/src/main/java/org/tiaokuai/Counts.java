package org.tiaokuai;

/**
 * How many records of each type, and links, a model holds.
 *
 * @param territories territories
 * @param units units
 * @param matters matters
 * @param items items (needs, resources, projects)
 * @param links links
 */
public record Counts(long territories, long units, long matters, long items, long links) {}
