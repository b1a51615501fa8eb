package dev.llmgate.policy.internal;

import dev.llmgate.policy.redact.TokenVault;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a vault's values back in place of its placeholders, optionally escaped for a JSON string, and by default only
 * where a placeholder stands in plain prose ({@link ProseContext}), continuing the context across a stream's pieces.
 * Not API.
 */
public final class PlaceholderRestore {
    /** What a placeholder looks like: {@code [TYPE_n]}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[[A-Z][A-Z0-9_]{0,48}_\\d{1,6}\\]");

    private PlaceholderRestore() {}

    /**
     * An answer's {@code text} with {@code vault}'s placeholders restored ({@code anywhere}: also where they do not
     * stand in plain prose): an answer that is strict JSON by the JSON rules (values JSON-escaped); one that looks
     * like JSON ({@code jsonAsked}, or {@link #looksLikeJson}) but is not strict JSON, not at all unless
     * {@code anywhere} (a lenient reader — single quotes, comments, raw line breaks — reads strings the rules cannot
     * see); any other as text.
     */
    public static String restoreAnswer(TokenVault vault, String text, boolean jsonAsked, boolean anywhere) {
        if (JsonTokens.strict(text)) {
            return restore(vault, text, true, anywhere);
        }
        if ((jsonAsked || Boolean.TRUE.equals(looksLikeJson(text))) && !anywhere) {
            return text;
        }
        return restore(vault, text, false, anywhere);
    }

    /**
     * Whether {@code text} looks like JSON: it begins, after white space (and a byte order mark), with <code>&#123;</code>, or with {@code [}
     * and then a JSON value's first character ({@code [simulated]} or {@code [note]} is text, {@code [1]} or
     * {@code ["a"} JSON); null while it is all white space, or ends after the {@code [}.
     */
    static Boolean looksLikeJson(CharSequence text) {
        int i = 0;
        // (a byte order mark first is skipped as JSON readers skip it: Jackson, Python, a browser's fetch().json())
        while (i < text.length()
                && (ProseContext.asciiSpace(text.charAt(i)) || (i == 0 && text.charAt(i) == '\uFEFF'))) {
            i++;
        }
        if (i == text.length()) {
            return null;
        }
        char c = text.charAt(i);
        if (c != '[') {
            return c == '{';
        }
        i++;
        while (i < text.length() && ProseContext.asciiSpace(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return null;
        }
        char v = text.charAt(i);
        if ("\"'{[]-0123456789".indexOf(v) >= 0) {
            return true;
        }
        for (String literal : new String[] {"true", "false", "null"}) {
            if (text.length() - i >= literal.length()
                    && text.subSequence(i, i + literal.length()).toString().equals(literal)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code text} (complete: nothing follows it) with {@code vault}'s placeholders replaced by their values, escaped
     * for a JSON string if {@code json} (which also reads {@code text} as JSON); placeholders that do not stand in
     * plain prose only if {@code anywhere}.
     */
    public static String restore(TokenVault vault, String text, boolean json, boolean anywhere) {
        return restore(vault, text, json, anywhere, new ProseContext(json), "", true);
    }

    /**
     * Like {@link #restore(TokenVault, String, boolean, boolean)}, reading {@code text} as the continuation of what
     * {@code context} has read (it reads {@code text} too), with {@code after} the text that follows it so far and
     * {@code complete} whether more may come after that.
     */
    public static String restore(
            TokenVault vault,
            String text,
            boolean json,
            boolean anywhere,
            ProseContext context,
            CharSequence after,
            boolean complete) {
        if (text.indexOf('[') < 0 || vault.isEmpty()) {
            context.read(text, 0, text.length());
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = null;
        int last = 0;
        int read = 0;
        while (m.find()) {
            context.read(text, read, m.start());
            read = m.start();
            Optional<String> value = vault.valueOf(m.group());
            if (value.isEmpty() || !(anywhere || context.mayRestore(text, m.start(), m.end(), after, complete))) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 32);
            }
            out.append(text, last, m.start());
            out.append(json ? JsonStrings.escape(value.get()) : value.get());
            last = m.end();
        }
        context.read(text, read, text.length());
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }
}
