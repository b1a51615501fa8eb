package dev.llmgate.policy.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tool-call ids as a redaction rewrote them, kept apart: the same original id becomes the same rewritten id wherever
 * it stands (a call and the tool result that answers it still answer each other), and two different ids never become
 * one, nor one of the ids already there (two ids each holding a card number are both rewritten to
 * {@code call_redacted}: the second gets {@code _2}; one already named {@code call_redacted} keeps its name and the
 * rewritten one gets {@code _2}).
 * One per request or answer being rebuilt; not thread-safe.
 */
final class RedactedIds {
    private final Map<String, String> byOriginal = new HashMap<>();
    private final Set<String> taken;

    /** {@code existing}: the ids the request or answer holds (a rewritten id never becomes one of them). */
    RedactedIds(java.util.Collection<String> existing) {
        taken = new HashSet<>(existing);
    }

    /** The id to write for {@code original}, which the redaction rewrote as {@code redacted}. */
    String rewrite(String original, String redacted) {
        String known = byOriginal.get(original);
        if (known != null) {
            return known;
        }
        String id = redacted;
        for (int n = 2; !taken.add(id); n++) {
            id = redacted + "_" + n;
        }
        byOriginal.put(original, id);
        return id;
    }

    /**
     * {@code value}, a comma-separated list, with each id this rewrote replaced by its rewritten id (a wire detail that
     * names tool-call ids, such as Anthropic's failed tool results, follows the ids it names).
     */
    String rewriteList(String value) {
        if (byOriginal.isEmpty() || value.isEmpty()) {
            return value;
        }
        String[] items = value.split(",", -1);
        for (int i = 0; i < items.length; i++) {
            items[i] = byOriginal.getOrDefault(items[i], items[i]);
        }
        return String.join(",", items);
    }
}
