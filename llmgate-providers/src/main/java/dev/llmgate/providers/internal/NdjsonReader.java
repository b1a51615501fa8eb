package dev.llmgate.providers.internal;

import dev.llmgate.providers.ResponseLimits;
import java.io.IOException;
import okio.BufferedSource;

/**
 * Reads newline-delimited JSON (Ollama's stream format), skipping blank lines. Bounded by
 * {@link ResponseLimits}: no line longer than {@code maxEventBytes}, the body no longer than
 * {@code maxStreamBytes}; beyond a limit a {@link dev.llmgate.api.exception.ProviderException} naming it.
 */
public final class NdjsonReader implements FrameReader {
    private final Lines lines;
    private String line = "";

    public NdjsonReader(BufferedSource source, String provider, ResponseLimits limits) {
        this.lines = new Lines(source, provider, limits);
    }

    /**
     * Advances to the next non-blank line. A last line without its newline counts only if it is a
     * whole JSON object ({...}); a line cut mid-way ends the stream, which the stream then reports
     * as interrupted rather than malformed.
     */
    @Override
    public boolean next() throws IOException {
        while (true) {
            String l = lines.next();
            if (l == null) {
                return false;
            }
            if (l.isBlank()) {
                continue;
            }
            if (!lines.lastTerminated() && !wholeObject(l)) {
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
