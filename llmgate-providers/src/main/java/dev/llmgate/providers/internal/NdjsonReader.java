package dev.llmgate.providers.internal;

import okio.BufferedSource;

import java.io.IOException;

/** Reads newline-delimited JSON (Ollama's stream format), skipping blank lines. */
public final class NdjsonReader implements FrameReader {
    private final BufferedSource source;
    private String line = "";

    public NdjsonReader(BufferedSource source) {
        this.source = source;
    }

    /**
     * Advances to the next non-blank line. A last line without its newline counts only if it is a
     * whole JSON object ({...}); a line cut mid-way ends the stream, which the stream then reports
     * as interrupted rather than malformed.
     */
    @Override
    public boolean next() throws IOException {
        while (true) {
            boolean hasNewline = source.indexOf((byte) '\n', 0, Lines.MAX_LINE) >= 0;
            String l = Lines.next(source);
            if (l == null) {
                return false;
            }
            if (l.isBlank()) {
                continue;
            }
            if (!hasNewline && !wholeObject(l)) {
                return false;
            }
            line = l;
            return true;
        }
    }

    private static boolean wholeObject(String l) {
        String t = l.strip();
        return t.startsWith("{") && t.endsWith("}");
    }

    @Override
    public String event() {
        return "";
    }

    @Override
    public String data() {
        return line;
    }
}
