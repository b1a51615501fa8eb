package dev.llmgate.policy.internal;

import dev.llmgate.policy.redact.TokenVault;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a vault's values back in place of its placeholders, optionally escaped for a JSON string and
 * optionally not inside URLs, continuing a URL state across a stream's chunks. Not API.
 */
public final class PlaceholderRestore {
    /** What a placeholder looks like: {@code [TYPE_n]}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[[A-Z][A-Z0-9_]{0,48}_\\d{1,6}\\]");

    private PlaceholderRestore() {}

    /**
     * {@code text} with {@code vault}'s placeholders replaced by their values, escaped for a JSON
     * string if {@code jsonEscaped}; placeholders inside a URL only if {@code insideUrls}, reading
     * {@code text} as the continuation of a text already read up to state {@code before}.
     */
    public static String restore(
            TokenVault vault, String text, boolean jsonEscaped, boolean insideUrls, UrlRun before) {
        if (text.indexOf('[') < 0 || vault.isEmpty()) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = null;
        int last = 0;
        UrlRun run = before;
        int read = 0;
        while (m.find()) {
            Optional<String> value = vault.valueOf(m.group());
            if (value.isEmpty()) {
                continue;
            }
            if (!insideUrls) {
                run = run.advance(text, read, m.start());
                read = m.start();
                if (run.inUrl()) {
                    continue;
                }
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 32);
            }
            out.append(text, last, m.start());
            out.append(jsonEscaped ? JsonStrings.escape(value.get()) : value.get());
            last = m.end();
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }
}
