package dev.llmgate.core.catalog.internal;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Matches a vendor's snapshot id (a base id plus a date or version suffix) to its base entry:
 * {@code gpt-4o-2024-08-06} to {@code gpt-4o}, {@code claude-sonnet-4-5-20250929} to
 * {@code claude-sonnet-4-5}, {@code claude-sonnet-4-5@20250929} (Vertex AI) to {@code claude-sonnet-4-5},
 * {@code gemini-2.0-flash-001} to {@code gemini-2.0-flash}, {@code claude-3-7-sonnet-latest} to
 * {@code claude-3-7-sonnet}.
 *
 * <p>The longest known prefix wins, and only if the rest of the id is made of snapshot segments, each
 * introduced by {@code '-'} or {@code '@'}: a date {@code YYYY-MM-DD}, a date {@code YYYYMMDD}, a
 * 3- or 4-digit version or {@code MMDD} date ({@code 001}, {@code 0613}), or {@code latest}. So a
 * different model that merely starts like a known one ({@code o3-pro}, {@code gpt-4o-mini},
 * {@code gemini-2.5-flash-lite}, {@code claude-sonnet-4-5} when only {@code claude-sonnet-4} is known)
 * never borrows that model's prices.
 */
public final class SnapshotIds {

    private static final Pattern SUFFIX = Pattern.compile("(?:[-@](?:\\d{4}-\\d{2}-\\d{2}|\\d{8}|\\d{3,4}|latest))+");

    private SnapshotIds() {}

    /** True if {@code suffix} (starting with '-' or '@') consists only of snapshot segments. */
    public static boolean isSnapshotSuffix(String suffix) {
        return SUFFIX.matcher(suffix).matches();
    }

    /**
     * The entry for {@code model}: its exact entry, else the entry of its longest known prefix that is
     * followed only by snapshot segments.
     */
    public static <T> Optional<T> find(Map<String, T> models, String model) {
        T exact = models.get(model);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (int i = model.length() - 1; i > 0; i--) {
            char c = model.charAt(i);
            if (c != '-' && c != '@') {
                continue;
            }
            T candidate = models.get(model.substring(0, i));
            if (candidate != null && isSnapshotSuffix(model.substring(i))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
