package dev.llmgate.policy.detect.internal;

import java.util.List;
import java.util.Locale;

/**
 * Which keyword groups occur in a text, as {@code text.toString().toLowerCase(Locale.ROOT)
 * .contains(keyword)} for any keyword of the group would say. Immutable and thread-safe.
 */
public final class KeywordScan {
    private final String[][] groups;

    public KeywordScan(List<String[]> groups) {
        if (groups.size() > 64) {
            throw new IllegalArgumentException("at most 64 keyword groups");
        }
        this.groups = groups.toArray(new String[0][]);
    }

    /** Bit {@code g} is set if group {@code g} has a keyword in the lower-cased text. */
    public long presentGroups(CharSequence text) {
        String lower = text.toString().toLowerCase(Locale.ROOT);
        long present = 0;
        for (int g = 0; g < groups.length; g++) {
            if (Recognizer.containsAny(lower, groups[g])) {
                present |= 1L << g;
            }
        }
        return present;
    }
}
