package org.tiaokuai;

/**
 * One finding of the audit.
 *
 * @param rule the rule's code, e.g. {@code "C001"}
 * @param name the rule's name, e.g. {@code "no-party-org"}
 * @param severity {@code "error"}, {@code "warning"} or {@code "info"}
 * @param subject the id of the record the finding is about (for matter rules, the matter)
 * @param territory the id of the street/town the subject belongs to, or null when it cannot be told
 * @param message what is wrong, naming ids and names
 */
public record Finding(String rule, String name, String severity, String subject, String territory, String message) {}
