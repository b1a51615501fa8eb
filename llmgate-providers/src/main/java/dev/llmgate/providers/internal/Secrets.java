package dev.llmgate.providers.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place where text that came from an upstream is made safe to show: every vendor error field
 * (message, type, code, ...), response header value and I/O failure message passes through
 * {@link #scrub} before it reaches an exception message, {@link dev.llmgate.api.exception.ErrorDetails},
 * a cause or a log; exception causes pass through {@link #cause}. One instance per provider (its key).
 *
 * <p>What is masked, as {@code [REDACTED]}:
 * <ul>
 *   <li>every run of {@value #MIN_FRAGMENT} or more characters that also occurs in the provider's key,
 *       compared case-insensitively: the whole key, the key without its prefix ({@code LEAKCHECK-1234567890}
 *       for {@code sk-LEAKCHECK-1234567890}) and any long piece of it (a key shorter than
 *       {@value #MIN_FRAGMENT} characters is masked where it occurs whole);</li>
 *   <li>anything shaped like a credential, whoever's: {@code sk-...} keys, Google {@code AIza...} keys,
 *       {@code Bearer ...} values, JSON Web Tokens (Entra ID tokens) and {@code api_key=...} pairs.</li>
 * </ul>
 * Why {@value #MIN_FRAGMENT}: vendors themselves show the last 4 characters of a key in their errors
 * ({@code sk-proj-...abcd}), so a shorter run is not treated as a leak, while 8 is short enough that any
 * echo of the key's random part, whole or cut at either end, is caught; a run of 7 or fewer characters
 * leaves more than 200 unknown bits of a modern key (OpenAI, Anthropic and Google keys carry 32 or more
 * random characters). The rule is about echoes: an upstream received the key, and one that deliberately
 * re-encoded it could always show it.
 *
 * <p>{@link #scrub} also cuts text to {@value #MAX_TEXT} characters, so that a vendor echoing request
 * content cannot carry a prompt into a log. Runs on error paths only; thread-safe and immutable.
 */
public final class Secrets {
    /** The shortest run of the key's characters that is masked. */
    public static final int MIN_FRAGMENT = 8;
    /** The longest upstream text kept (before masking). */
    public static final int MAX_TEXT = 400;

    static final String MASK = "[REDACTED]";

    private static final Pattern KEY_LIKE = Pattern.compile(
            "(?<![A-Za-z0-9])sk-[A-Za-z0-9_*\\-]{6,}"
                    + "|AIza[0-9A-Za-z_\\-]{20,}"
                    + "|Bearer\\s+\\S+"
                    + "|eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]*"
                    + "|api[-_]?key[\"']?\\s*[=:]\\s*\\S+",
            Pattern.CASE_INSENSITIVE);

    /** Masks only credential-shaped text: for places that know no key. */
    public static final Secrets NONE = new Secrets("");

    private final char[] key;
    private final int minRun;

    private Secrets(String apiKey) {
        this.key = new char[apiKey.length()];
        for (int i = 0; i < key.length; i++) {
            key[i] = Character.toLowerCase(apiKey.charAt(i));
        }
        this.minRun = Math.min(MIN_FRAGMENT, key.length);
    }

    /** The scrubber for a provider that sends {@code apiKey} ({@code ""}: none). */
    public static Secrets of(String apiKey) {
        return apiKey.isEmpty() ? NONE : new Secrets(apiKey);
    }

    /** {@code text} cut to {@value #MAX_TEXT} characters, with the key's fragments and credential-shaped tokens masked. */
    public String scrub(String text) {
        String s = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
        return KEY_LIKE.matcher(maskKey(s)).replaceAll(MASK);
    }

    /** Whether {@code text} holds anything {@link #scrub} would mask. */
    public boolean leaks(String text) {
        return hasKeyRun(text) || KEY_LIKE.matcher(text).find();
    }

    /**
     * {@code cause} itself when no message in its chain (causes and suppressed exceptions) leaks;
     * otherwise a copy of the chain, each link a {@link ScrubbedCause} naming the original class, with
     * its message scrubbed and its stack trace kept.
     */
    public Throwable cause(Throwable cause) {
        if (cause == null || !chainLeaks(cause, new IdentityHashMap<>())) {
            return cause;
        }
        return copy(cause, new IdentityHashMap<>());
    }

    private boolean chainLeaks(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        String m = t.getMessage();
        if (m != null && leaks(m)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (chainLeaks(s, seen)) {
                return true;
            }
        }
        return chainLeaks(t.getCause(), seen);
    }

    private Throwable copy(Throwable t, Map<Throwable, Throwable> copies) {
        if (t == null) {
            return null;
        }
        Throwable done = copies.get(t);
        if (done != null) {
            return done;
        }
        String m = t.getMessage();
        ScrubbedCause c = new ScrubbedCause(t.getClass().getName() + (m == null ? "" : ": " + scrub(m)));
        copies.put(t, c);
        c.setStackTrace(t.getStackTrace());
        Throwable inner = copy(t.getCause(), copies);
        if (inner != null) {
            c.initCause(inner);
        }
        for (Throwable s : t.getSuppressed()) {
            c.addSuppressed(copy(s, copies));
        }
        return c;
    }

    private String maskKey(String s) {
        if (minRun == 0 || s.length() < minRun) {
            return s;
        }
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        while (i <= s.length() - minRun) {
            int len = runAt(s, i);
            if (len == 0) {
                i++;
                continue;
            }
            int end = i + len;
            int next;
            // the run may go on with another piece of the key (the key echoed twice, or cut and joined): mask it all
            while (end <= s.length() - minRun && (next = runAt(s, end)) > 0) {
                end += next;
            }
            if (out == null) {
                out = new StringBuilder(s.length());
            }
            out.append(s, copied, i).append(MASK);
            copied = end;
            i = end;
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    private boolean hasKeyRun(String s) {
        for (int i = 0; i <= s.length() - minRun && minRun > 0; i++) {
            if (runAt(s, i) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The length of the longest run of characters starting at {@code s[i]} that occurs somewhere in the
     * key (case-insensitively), if it is at least {@link #minRun} long; else 0.
     */
    private int runAt(String s, int i) {
        char c = Character.toLowerCase(s.charAt(i));
        int best = 0;
        for (int j = 0; j <= key.length - minRun; j++) {
            if (key[j] != c) {
                continue;
            }
            int len = 1;
            while (i + len < s.length()
                    && j + len < key.length
                    && key[j + len] == Character.toLowerCase(s.charAt(i + len))) {
                len++;
            }
            best = Math.max(best, len);
        }
        return best >= minRun ? best : 0;
    }

    /**
     * A cause whose message held a secret: the original class's name and the scrubbed message, with
     * the original stack trace.
     */
    public static final class ScrubbedCause extends Exception {
        private static final long serialVersionUID = 1L;

        ScrubbedCause(String message) {
            super(message);
        }
    }
}
