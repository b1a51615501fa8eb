package dev.llmgate.langchain4j.internal;

import java.util.regex.Pattern;

/**
 * Text a wrapped model's exception carries (often the upstream's whole HTTP error body, which can echo
 * the API key or the prompt), made safe for the gate's exception messages the way llmgate's own providers
 * make vendor error text safe ({@code dev.llmgate.providers.internal.Secrets} without a key, which this
 * module cannot see and does not depend on): cut to {@value #MAX_TEXT} characters, then every
 * credential-shaped token ({@code sk-...}, Google {@code AIza...}, {@code Bearer ...}, JSON Web Tokens,
 * {@code api_key=...}) masked as {@code [REDACTED]}. A test keeps the two in step.
 */
public final class UpstreamText {
    /** The longest upstream text kept, as the providers keep. */
    public static final int MAX_TEXT = 400;

    private static final Pattern KEY_LIKE = Pattern.compile(
            "(?<![A-Za-z0-9])sk-[A-Za-z0-9_*\\-]{6,}"
                    + "|AIza[0-9A-Za-z_\\-]{20,}"
                    + "|Bearer\\s+\\S+"
                    + "|eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]*"
                    + "|api[-_]?key[\"']?\\s*[=:]\\s*\\S+",
            Pattern.CASE_INSENSITIVE);

    private UpstreamText() {}

    /**
     * {@code cause} to keep as an exception's cause: itself when no message in its chain (causes and suppressed ones
     * included) changes under {@link #scrub}, else a copy of the chain whose every throwable is a
     * {@link RuntimeException} named after the original's class, with the message scrubbed and the stack trace kept
     * (a printed stack trace shows the causes' messages, which can quote the upstream's error body).
     */
    public static Throwable cause(Throwable cause) {
        if (cause == null || !changes(cause, new java.util.IdentityHashMap<>())) {
            return cause;
        }
        return copy(cause, new java.util.IdentityHashMap<>());
    }

    private static boolean changes(Throwable t, java.util.Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        String m = t.getMessage();
        if (m != null && !scrub(m).equals(m)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (changes(s, seen)) {
                return true;
            }
        }
        return changes(t.getCause(), seen);
    }

    private static Throwable copy(Throwable t, java.util.Map<Throwable, Throwable> copies) {
        if (t == null) {
            return null;
        }
        Throwable done = copies.get(t);
        if (done != null) {
            return done;
        }
        String m = t.getMessage();
        RuntimeException c = new RuntimeException(t.getClass().getName() + (m == null ? "" : ": " + scrub(m)));
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

    /** {@code text} cut to {@value #MAX_TEXT} characters, with credential-shaped tokens masked. */
    public static String scrub(String text) {
        String s = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
        return KEY_LIKE.matcher(s).replaceAll("[REDACTED]");
    }
}
