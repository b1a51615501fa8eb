package dev.llmgate.core.audit.internal;

/**
 * One line of a log source.
 *
 * @param text     the line without its terminator
 * @param location {@code file:line}
 * @param complete whether the line ended with {@code '\n'}
 */
public record LogLine(String text, String location, boolean complete) {
}
