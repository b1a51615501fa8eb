package dev.llmgate.springai.internal;

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

    /** {@code text} cut to {@value #MAX_TEXT} characters, with credential-shaped tokens masked. */
    public static String scrub(String text) {
        String s = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
        return KEY_LIKE.matcher(s).replaceAll("[REDACTED]");
    }
}
