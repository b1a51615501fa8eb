package dev.llmgate.providers.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.RateLimitedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;

/**
 * Assertions that a key does not leak: no run of 8 characters of it (case-insensitive) in a text,
 * and none in anything an exception makes reachable (message, toString, printed stack trace with its
 * causes and suppressed exceptions, details).
 */
public final class KeyLeaks {
    private KeyLeaks() {}

    /** Fails if {@code text} holds 8 consecutive characters of {@code key} (or all of a shorter key). */
    public static void assertNoKeyFragment(String text, String key) {
        String t = text.toLowerCase(Locale.ROOT);
        String k = key.toLowerCase(Locale.ROOT);
        int n = Math.min(8, k.length());
        for (int i = 0; i + n <= k.length(); i++) {
            String piece = k.substring(i, i + n);
            if (t.contains(piece)) {
                fail("the text shows '" + key.substring(i, i + n) + "' of the key:\n" + text);
            }
        }
    }

    /** The exception's stack trace as {@code printStackTrace} prints it (causes, suppressed). */
    public static String printed(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Fails if anything reachable from {@code e} shows a fragment of {@code key}. */
    public static void assertNothingReachableLeaks(Throwable e, String key) {
        assertThat(e).isNotNull();
        StringBuilder all = new StringBuilder();
        all.append(e.getMessage())
                .append('\n')
                .append(e.getLocalizedMessage())
                .append('\n')
                .append(e)
                .append('\n')
                .append(printed(e));
        if (e instanceof LlmException le) {
            all.append('\n').append(le.details());
            le.details().errorCode().ifPresent(c -> all.append('\n').append(c));
            le.details().requestId().ifPresent(r -> all.append('\n').append(r));
            if (le instanceof RateLimitedException rl) {
                all.append('\n').append(rl.retryAfter());
            }
        }
        assertNoKeyFragment(all.toString(), key);
    }
}
