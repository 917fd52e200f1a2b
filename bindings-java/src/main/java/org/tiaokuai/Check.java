package org.tiaokuai;

/**
 * One expectation of a scenario, checked.
 *
 * @param what what was checked ({@code finding {"rule":"C004"}}, {@code chain br (leadership)} …)
 * @param passed whether it held
 * @param expected the expected value, as JSON
 * @param actual the value found, as JSON
 */
public record Check(String what, boolean passed, String expected, String actual) {}
