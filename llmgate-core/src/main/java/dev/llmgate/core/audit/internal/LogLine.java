package dev.llmgate.core.audit.internal;

import java.nio.charset.StandardCharsets;

/**
 * One line of a log source, without its terminator: the bytes as read (for a file), decoded to
 * text only when asked. Not public API.
 */
public final class LogLine {
    private final byte[] utf8;
    private String text;
    private final String source;
    private final int number;
    private final boolean complete;

    private LogLine(byte[] utf8, String text, String source, int number, boolean complete) {
        this.utf8 = utf8;
        this.text = text;
        this.source = source;
        this.number = number;
        this.complete = complete;
    }

    /** A line read from a file: its bytes as stored. */
    static LogLine ofBytes(byte[] utf8, String source, int number, boolean complete) {
        return new LogLine(utf8, null, source, number, complete);
    }

    /**
     * A line given as text (from a database or memory), always complete. Its bytes are its UTF-8,
     * unless the text does not survive a UTF-8 round trip (a lone surrogate): then it has only text.
     */
    static LogLine ofText(String text, String source, int number) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        boolean exact = new String(utf8, StandardCharsets.UTF_8).equals(text);
        return new LogLine(exact ? utf8 : null, text, source, number, true);
    }

    /** The line's bytes, or null if it has only text. Callers must not change them. */
    public byte[] utf8() {
        return utf8;
    }

    /** The line as text (invalid UTF-8 decoded as U+FFFD, as {@link String#String(byte[], java.nio.charset.Charset)} does). */
    public String text() {
        if (text == null) {
            text = new String(utf8, StandardCharsets.UTF_8);
        }
        return text;
    }

    /** The length of the line in characters (for messages about a torn line). */
    public int length() {
        return text().length();
    }

    /** {@code file:line}. */
    public String location() {
        return source + ":" + number;
    }

    /** Whether the line ended with {@code '\n'}. */
    public boolean complete() {
        return complete;
    }

    /** Whether the line is empty. */
    public boolean isEmpty() {
        return utf8 != null ? utf8.length == 0 : text.isEmpty();
    }
}
