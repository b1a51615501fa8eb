package dev.llmgate.providers.internal;

import java.util.regex.Pattern;

/**
 * Keeps secrets out of messages: vendor error texts can echo (part of) an API key, e.g. OpenAI's
 * "Incorrect API key provided: sk-abc***xyz". Everything that looks like a key is replaced, and long
 * texts are cut so that a vendor echoing request content cannot carry a prompt into a log.
 */
public final class Secrets {
    private static final Pattern KEY_LIKE = Pattern.compile(
            "(sk-[A-Za-z0-9_*\\-]{6,}|AIza[0-9A-Za-z_\\-]{20,}|Bearer\\s+\\S+|api[-_]?key[=:]\\s*\\S+)", Pattern.CASE_INSENSITIVE);
    private static final int MAX = 400;

    private Secrets() {
    }

    /** {@code text} with key-like tokens and {@code apiKey} itself masked, at most 400 characters. */
    public static String scrub(String text, String apiKey) {
        String s = text;
        if (!apiKey.isEmpty()) {
            s = s.replace(apiKey, "[REDACTED]");
        }
        s = KEY_LIKE.matcher(s).replaceAll("[REDACTED]");
        if (s.length() > MAX) {
            s = s.substring(0, MAX) + "...";
        }
        return s;
    }
}
