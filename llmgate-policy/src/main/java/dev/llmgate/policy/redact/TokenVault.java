package dev.llmgate.policy.redact;

import dev.llmgate.policy.internal.PlaceholderRestore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The placeholder-to-value mapping of reversible tokenization, for one call. The same value of the
 * same type always gets the same placeholder within the vault. Held in memory only; never
 * serialised, logged or audited ({@link #toString()} shows only the number of entries). Thread-safe.
 */
public final class TokenVault {
    /** An empty vault, for one call. */
    public TokenVault() {}

    /** The longest a placeholder can be, in characters (streams hold back at least this much). */
    public static final int MAX_PLACEHOLDER_LENGTH = 60;

    private final Map<String, String> byPlaceholder = new HashMap<>();
    private final Map<String, String> byValue = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** The placeholder for {@code value} of {@code type}, creating it on first use. */
    public synchronized String tokenize(String type, String value) {
        String key = type + '\u0000' + value;
        String existing = byValue.get(key);
        if (existing != null) {
            return existing;
        }
        int n = counters.merge(type, 1, Integer::sum);
        String placeholder = "[" + type + "_" + n + "]";
        byValue.put(key, placeholder);
        byPlaceholder.put(placeholder.substring(1, placeholder.length() - 1), value);
        return placeholder;
    }

    /** True if no value was tokenized. */
    public synchronized boolean isEmpty() {
        return byPlaceholder.isEmpty();
    }

    /** The value behind {@code placeholder} ({@code "[EMAIL_1]"}), if this vault made it. */
    public synchronized Optional<String> valueOf(String placeholder) {
        String inner = placeholder.startsWith("[") && placeholder.endsWith("]")
                ? placeholder.substring(1, placeholder.length() - 1)
                : placeholder;
        return Optional.ofNullable(byPlaceholder.get(inner));
    }

    /** {@code text} with every placeholder of this vault replaced by its value; unknown placeholders stay. */
    public String restore(String text) {
        return restore(text, false, true);
    }

    /** Like {@link #restore(String)}, with restored values escaped for use inside a JSON string (tool-call arguments). */
    public String restoreInJson(String json) {
        return restore(json, true, true);
    }

    /**
     * {@code text} with this vault's placeholders replaced by their values, escaped for a JSON string (and
     * {@code text} read as JSON) if {@code jsonEscaped}; placeholders that do not stand in plain prose — in or near a
     * URL, in markup, touching characters other than punctuation (see {@link TokenRestore#URLS}) — only if
     * {@code insideUrls}.
     */
    public String restore(String text, boolean jsonEscaped, boolean insideUrls) {
        return PlaceholderRestore.restore(this, text, jsonEscaped, insideUrls);
    }

    /** Where in {@code text} a placeholder starts that may be incomplete at its end (an unclosed {@code [}), or -1. */
    public static int unfinishedPlaceholderStart(CharSequence text) {
        int from = Math.max(0, text.length() - MAX_PLACEHOLDER_LENGTH);
        for (int i = text.length() - 1; i >= from; i--) {
            char c = text.charAt(i);
            if (c == ']') {
                return -1;
            }
            if (c == '[') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public synchronized String toString() {
        return "TokenVault[" + byPlaceholder.size() + " placeholders]";
    }
}
