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

    @Override
    public boolean next() throws IOException {
        String l;
        while ((l = source.readUtf8Line()) != null) {
            if (!l.isBlank()) {
                line = l;
                return true;
            }
        }
        return false;
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
