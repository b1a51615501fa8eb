package dev.llmgate.policy.detect;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.detect.internal.BuiltInScans;
import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.detect.internal.NormalizedText;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shapes that carry conversation data out through a URL, the way indirect prompt injection exfiltrates it: a
 * markdown image or HTML {@code <img>} whose URL carries data (a browser or chat client fetches it without a click),
 * any URL with a template placeholder waiting to be filled ({@code https://x.example/?q={conversation}},
 * {@code [DATA]}, {@code $SECRET}, {@code %s}), and instructions to put the conversation, a secret or the user's
 * data into a URL, link or image, in English, German, French and Spanish.
 *
 * <p>Findings and their confidence:
 * <ul>
 *   <li>{@link FindingTypes#EXFILTRATION_URL} — 0.9 for an image URL with a placeholder, 0.85 for any other URL with one; 0.8 for an image
 *       URL with a query value or path segment that looks encoded (24 or more characters of percent escapes,
 *       form-encoded words, base64 or hex), 0.45 when that value is a signature parameter ({@code X-Amz-Signature},
 *       {@code sig}, {@code token}, ...: a pre-signed image, counted only where a policy lowers the threshold); 0.4
 *       for a link (not an image) with such a value.</li>
 *   <li>{@link FindingTypes#EXFILTRATION_INSTRUCTION} — 0.85.</li>
 * </ul>
 * Linear in the text's length: URLs are found with {@link String#indexOf(String, int)} and read once; the
 * instruction patterns run only on text that names a URL, link or image. Immutable and thread-safe.
 */
public final class ExfiltrationDetector implements Detector {
    private static final String URL = FindingTypes.EXFILTRATION_URL;
    private static final String INSTRUCTION = FindingTypes.EXFILTRATION_INSTRUCTION;

    private static final Set<String> TYPES = Set.of(URL, INSTRUCTION);

    private static final ExfiltrationDetector INSTANCE = new ExfiltrationDetector();

    /** Words that name where data would go; text without any of them skips the instruction patterns. */
    private static final List<String> CARRIERS = List.of(
            "url",
            "link",
            "image",
            "markdown",
            "query",
            "webhook",
            "endpoint",
            "bild",
            "lien",
            "enlace",
            "imagen",
            "http");

    private static final String GAP = "(?:[ \\n][\\w'/.:-]+){0,8}?";

    private static final Pattern INSTRUCTIONS =
            Pattern.compile("\\b(?:append|add|include|put|insert|embed|encode|attach"
                    + "|concatenate|send|pass|place)\\b" + GAP
                    + "[ \\n](?:the |all |any |every |our |this )?(?:conversation|chat(?: history| log)?|previous messages|messages so far"
                    + "|user'?s? (?:data|messages?|input|email|name|password|details)|personal data|secrets?|passwords?|api keys?"
                    + "|credentials|system prompt|context|tokens?|session)\\b" + GAP
                    + "[ \\n](?:to|in|into|as|at the end of|inside)[ \\n](?:the |a |an |this |that |your |our )?(?:[\\w-]+ )?(?:url|link|image"
                    + "|markdown image|query(?: string| parameter)?|request|webhook|endpoint)s?\\b"
                    // German, French, Spanish: a verb of attaching, the data, then the carrier
                    + "|\\b(?:hang\\w*|fug\\w*|bett\\w*|kodier\\w*|schreib\\w*|sende\\w*)\\b" + GAP
                    + "[ \\n](?:den |die |das |alle |deine |ihre )?(?:unterhaltung|chatverlauf|verlauf|nachrichten|passwort\\w*|daten"
                    + "|geheimnis\\w*|systemprompt|zugangsdaten)\\b" + GAP
                    + "[ \\n](?:an|in|als)[ \\n](?:die |den |das |eine |einen |ein )?(?:url|link|bild)\\b"
                    + "|\\b(?:ajoute\\w*|inclu\\w*|insere\\w*|encode\\w*|mets|mettez|envoie\\w*|integre\\w*)\\b" + GAP
                    + "[ \\n](?:la |le |les |l'|toute la |tout l'|tes |vos )?(?:conversation|historique|messages|mot de passe|mots de passe"
                    + "|donnees|secrets?|prompt systeme|identifiants)\\b" + GAP
                    + "[ \\n](?:a|dans|en)[ \\n](?:l'|la |le |une |un )?(?:url|lien|image)\\b"
                    + "|\\b(?:anade\\w*|incluye\\w*|inserta\\w*|codifica\\w*|pon|ponga|envia\\w*|agrega\\w*)\\b" + GAP
                    + "[ \\n](?:la |el |los |las |toda la |todo el |tus |sus )?(?:conversacion|historial|mensajes|contrasenas?|datos"
                    + "|secretos?|prompt del sistema|credenciales)\\b" + GAP
                    + "[ \\n](?:a|en|al)[ \\n](?:la |el |una |un )?(?:url|enlace|imagen)\\b");

    /** Query parameters that sign a URL rather than carry data (pre-signed object storage, CDN tokens). */
    private static final Set<String> SIGNATURE_PARAMETERS = Set.of(
            "sig",
            "signature",
            "x-amz-signature",
            "x-amz-credential",
            "x-amz-security-token",
            "x-goog-signature",
            "x-goog-credential",
            "token",
            "se",
            "sp",
            "sv",
            "st",
            "sr",
            "skoid",
            "sktid",
            "skt",
            "ske",
            "sks",
            "skv",
            "expires",
            "key-pair-id",
            "policy",
            "hmac",
            "hash",
            "v",
            "auth",
            "access_token");

    static {
        BuiltInScans.metered(ExfiltrationDetector.class, ExfiltrationDetector::detectMetered);
    }

    private ExfiltrationDetector() {}

    /** The detector. */
    public static ExfiltrationDetector all() {
        return INSTANCE;
    }

    @Override
    public String id() {
        return "exfiltration";
    }

    @Override
    public Set<String> types() {
        return TYPES;
    }

    @Override
    public void detect(CharSequence text, Consumer<Finding> sink) {
        detectMetered(MeteredText.unlimited(text), sink);
    }

    private void detectMetered(MeteredText metered, Consumer<Finding> sink) {
        String text = metered.string();
        urls(text, metered, sink);
        instructions(text, metered, sink);
    }

    private void urls(String text, MeteredText metered, Consumer<Finding> sink) {
        int size = text.length();
        long read = 0;
        try {
            int from = 0;
            while (from < size) {
                int sep = text.indexOf("://", from);
                read += (sep < 0 ? size : sep) - from + 1;
                if (sep < 0) {
                    break;
                }
                int start = sep;
                while (start > 0 && Character.isLetter(text.charAt(start - 1)) && sep - start < 10) {
                    start--;
                }
                String scheme = text.substring(start, sep).toLowerCase(Locale.ROOT);
                int end = sep + 3;
                while (end < size
                        && !urlEnd(text.charAt(end))
                        && !(text.charAt(end) == ']' && end + 1 < size && text.charAt(end + 1) == '(')) {
                    end++; // (a markdown link's text ends at "](")
                }
                boolean image = image(text, start);
                if (image && markdown(text, start)) {
                    // policy scans read percent escapes decoded: a markdown image's URL runs to its ')', spaces and all
                    int close = end;
                    while (close < size
                            && close - sep < 4096
                            && text.charAt(close) != ')'
                            && text.charAt(close) != '\n'
                            && !title(text, close)) {
                        close++;
                    }
                    end = close;
                }
                read += end - sep;
                from = Math.max(end, sep + 3);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    continue;
                }
                double confidence = urlConfidence(text, start, end, image);
                if (confidence > 0) {
                    sink.accept(new Finding(URL, start, end, confidence, id()));
                }
            }
        } finally {
            metered.charge(read);
        }
    }

    /** A URL's end: whitespace, a quote, or the bracket that closes markdown or HTML around it. */
    private static boolean urlEnd(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == ')' || c == '<' || c == '>' || c == '`';
    }

    private static double urlConfidence(String text, int start, int end, boolean image) {
        int host = text.indexOf("://", start) + 3;
        int pathStart = host;
        while (pathStart < end && "/?#".indexOf(text.charAt(pathStart)) < 0) {
            pathStart++;
        }
        if (placeholder(text, pathStart, end)) {
            return image ? 0.9 : 0.85;
        }
        double carried = carriedData(text, pathStart, end, image);
        if (carried == 0) {
            return 0;
        }
        return image ? carried : 0.4;
    }

    /** Whether a markdown link title ({@code  "..."} or {@code  '...'}) starts at {@code i}. */
    private static boolean title(String text, int i) {
        return text.charAt(i) == ' '
                && i + 1 < text.length()
                && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\'');
    }

    /** Whether the URL at {@code urlStart} follows a markdown {@code ](} (after optional spaces and {@code <}). */
    private static boolean markdown(String text, int urlStart) {
        int i = urlStart - 1;
        while (i >= 0 && (text.charAt(i) == ' ' || text.charAt(i) == '<')) {
            i--;
        }
        return i >= 1 && text.charAt(i) == '(' && text.charAt(i - 1) == ']';
    }

    /** Whether the URL at {@code urlStart} is the source of a markdown image {@code ![..](url)} or an HTML {@code <img>}. */
    static boolean image(String text, int urlStart) {
        int i = urlStart - 1;
        while (i >= 0 && (text.charAt(i) == ' ' || text.charAt(i) == '<')) {
            i--;
        }
        if (i >= 1 && text.charAt(i) == '(' && text.charAt(i - 1) == ']') {
            // the alt text: back to its '[' (at most 500 characters, no line break), preceded by '!'
            for (int j = i - 2, k = 0; j >= 0 && k < 500; j--, k++) {
                char c = text.charAt(j);
                if (c == '[') {
                    return j >= 1 && text.charAt(j - 1) == '!';
                }
                if (c == '\n' || c == ']') {
                    return false;
                }
            }
            return false;
        }
        // <img ... src="url": an '=' then back to "<img" without a '>' between (at most 500 characters)
        if (i >= 0 && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
            i--;
        }
        if (i < 0 || text.charAt(i) != '=') {
            return false;
        }
        for (int j = i - 1, k = 0; j >= 3 && k < 500; j--, k++) {
            char c = text.charAt(j);
            if (c == '>') {
                return false;
            }
            if (c == '<') {
                return text.regionMatches(true, j, "<img", 0, 4);
            }
        }
        return false;
    }

    /** A template placeholder in the URL's path, query or fragment: {@code {..}}, {@code [..]}, {@code $NAME}, {@code %s}. */
    private static boolean placeholder(String text, int from, int end) {
        for (int i = from; i < end; i++) {
            char c = text.charAt(i);
            if (c == '{' || c == '}' || c == '[' || c == ']') {
                return true;
            }
            if (c == '$' && i + 1 < end && (text.charAt(i + 1) == '{' || Character.isLetter(text.charAt(i + 1)))) {
                return true;
            }
            if (c == '%' && i + 1 < end && (text.charAt(i + 1) == 's' || text.charAt(i + 1) == '%')) {
                return true;
            }
        }
        return false;
    }

    /**
     * 0.8 if a query value (24 or more characters) or an image's path segment (32 or more) looks encoded, 0.45 if
     * only signature parameters do, else 0.
     */
    private static double carriedData(String text, int from, int end, boolean image) {
        double best = 0;
        int i = from;
        boolean query = false;
        while (i < end) {
            char c = text.charAt(i);
            if (c == '?' || c == '&' || c == '#' || c == ';') {
                query = c != '#' || query;
                i++;
                continue;
            }
            if (c == '/') {
                i++;
                continue;
            }
            int partEnd = i;
            while (partEnd < end && "/?&#;".indexOf(text.charAt(partEnd)) < 0) {
                partEnd++;
            }
            int eq = query ? text.indexOf('=', i) : -1;
            if (eq >= 0 && eq < partEnd) {
                String name = text.substring(i, eq).toLowerCase(Locale.ROOT);
                if (partEnd - eq - 1 >= 24 && encoded(text, eq + 1, partEnd)) {
                    best = Math.max(best, SIGNATURE_PARAMETERS.contains(name) ? 0.45 : 0.8);
                }
            } else if (image && !query && partEnd - i >= 32 && encoded(text, i, partEnd)) {
                best = Math.max(best, 0.8);
            }
            i = partEnd;
        }
        return best;
    }

    /** Percent escapes (three or more), form-encoded words (four or more), or base64 / hex (upper, lower and digits). */
    private static boolean encoded(String text, int from, int to) {
        int percents = 0;
        int pluses = 0; // form-encoded words, or (in a decoded view) spaces between them
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        boolean hexOnly = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                percents++;
            } else if (c == '+' || c == ' ') {
                pluses++;
            }
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
            hexOnly &= Character.digit(c, 16) >= 0;
        }
        return percents >= 3 || pluses >= 3 || (upper && lower && digit) || hexOnly;
    }

    private void instructions(String text, MeteredText metered, Consumer<Finding> sink) {
        String lower = text.toLowerCase(Locale.ROOT);
        metered.charge(text.length());
        boolean carrier = false;
        for (String w : CARRIERS) {
            if (lower.contains(w)) {
                carrier = true;
                break;
            }
        }
        metered.charge((long) CARRIERS.size() * text.length());
        if (!carrier) {
            return;
        }
        NormalizedText norm = NormalizedText.of(text);
        String n = norm.text();
        metered.charge((long) text.length() + n.length());
        Matcher m = INSTRUCTIONS.matcher(metered.view(n));
        while (m.find()) {
            int start = norm.originalStart(m.start());
            sink.accept(new Finding(INSTRUCTION, start, Math.max(start, norm.originalEnd(m.end())), 0.85, id()));
        }
    }

    @Override
    public String toString() {
        return "ExfiltrationDetector";
    }
}
