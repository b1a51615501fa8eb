package dev.llmgate.policy.detect;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.detect.internal.BuiltInScans;
import dev.llmgate.policy.detect.internal.HtmlTags;
import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.detect.internal.NormalizedText;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shapes that carry conversation data out through a URL, the way indirect prompt injection exfiltrates it: a
 * markdown image or HTML {@code <img>} whose URL carries data (a browser or chat client fetches it without a click;
 * likewise the URLs of other tags fetched as a page renders, such as {@code <video poster>}, {@code <source srcset>},
 * {@code <iframe src>} or {@code <link href>}, and a CSS {@code url(...)}),
 * any URL with a template placeholder waiting to be filled ({@code https://x.example/?q={conversation}},
 * {@code [DATA]}, {@code $SECRET}, {@code %s}), and instructions to put the conversation, a secret or the user's
 * data into a URL, link or image, in English, German, French and Spanish.
 *
 * <p>Findings and their confidence:
 * <ul>
 *   <li>{@link FindingTypes#EXFILTRATION_URL} — 0.9 for an image URL with a placeholder, 0.85 for any other URL with one; 0.8 for an image
 *       URL with a query value or path segment that looks encoded (24 or more characters of percent escapes or of
 *       characters outside ASCII, which a browser sends percent-encoded, form-encoded words, base64 or hex), 0.45 when that value is a signature parameter ({@code X-Amz-Signature},
 *       {@code sig}, {@code token}, ...: a pre-signed image, counted only where a policy lowers the threshold); 0.4
 *       for a link (not an image) with such a value; 0.8 for an image whose host name has a label of data (28 or more
 *       letters, digits and underscores, no hyphen, at least four letters and two digits), the generated names of
 *       content-addressed and storage hosts excepted.</li>
 *   <li>{@link FindingTypes#EXFILTRATION_INSTRUCTION} — 0.85.</li>
 * </ul>
 * Linear in the text's length: URLs are found with {@link String#indexOf(String, int)} and read once; the
 * instruction patterns run only on text that names a URL, link or image. Immutable and thread-safe.
 */
public final class ExfiltrationDetector implements Detector {
    private static final String URL = FindingTypes.EXFILTRATION_URL;
    private static final String TEMPLATE = FindingTypes.EXFILTRATION_TEMPLATE;
    private static final String INSTRUCTION = FindingTypes.EXFILTRATION_INSTRUCTION;

    private static final Set<String> TYPES = Set.of(URL, TEMPLATE, INSTRUCTION);

    private static final ExfiltrationDetector INSTANCE = new ExfiltrationDetector();

    /** Words that name where data would go; text without any of them skips the instruction patterns. */
    private static final List<String> CARRIERS =
            List.of("url", "link", "image", "markdown", "query", "webhook", "bild", "lien", "enlace", "imagen", "http");

    private static final String GAP = "(?:[ \\n][\\w'/.:-]+){0,8}?";

    private static final Pattern INSTRUCTIONS = Pattern.compile("\\b(?:append|add|include|put|insert|embed|encode"
            + "|attach|concatenate|send|pass|place)\\b" + GAP
            + "[ \\n](?:the |all |any |every |our |this )?(?:conversation|chat(?: history| log)?|previous messages"
            + "|messages so far|user'?s? (?:data|messages?|input|email|name|password|details)|personal data|secrets?"
            + "|passwords?|api keys?|credentials|system prompt)\\b" + GAP
            + "[ \\n](?:to|in|into|as|at the end of|inside)[ \\n](?:(?:the |a |an |this |that |your |our )?(?:[\\w-]+ )?"
            + "(?:url|link|image|markdown image|query(?: string| parameter)?|webhook)s?\\b|https?:)"
            // German, French, Spanish: a verb of attaching, the data, then the carrier
            + "|\\b(?:hang\\w*|fug\\w*|bett\\w*|kodier\\w*)\\b" + GAP
            + "[ \\n](?:den |die |das |alle |deine |ihre )?(?:unterhaltung|chatverlauf|verlauf|nachrichten|passwort\\w*"
            + "|geheimnis\\w*|systemprompt|zugangsdaten|personlichen daten)\\b" + GAP
            + "[ \\n](?:an|in|als)[ \\n](?:die |den |das |eine |einen |ein )?(?:url|link|bild)\\b"
            + "|\\b(?:ajoute\\w*|inclu\\w*|insere\\w*|encode\\w*|mets|mettez|integre\\w*)\\b" + GAP
            + "[ \\n](?:la |le |les |l'|toute la |tout l'|tes |vos )?(?:conversation|historique|messages|mot de passe"
            + "|mots de passe|donnees personnelles|secrets?|prompt systeme|identifiants)\\b" + GAP
            + "[ \\n](?:a|dans|en)[ \\n](?:l'|la |le |une |un )?(?:url|lien|image)\\b"
            + "|\\b(?:anade\\w*|incluye\\w*|inserta\\w*|codifica\\w*|agrega\\w*)\\b" + GAP
            + "[ \\n](?:la |el |los |las |toda la |todo el |tus |sus )?(?:conversacion|historial|mensajes|contrasenas?"
            + "|datos personales|secretos?|prompt del sistema|credenciales)\\b" + GAP
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
        long[] read = {0};
        ImageSyntax labels = new ImageSyntax(text, metered);
        List<Integer> read1 = new ArrayList<>(); // the spans of the URLs the first pass read (start, end, ...)
        try {
            int from = 0;
            while (from < size) {
                // "://" of a URL, or the "//" of a scheme-relative one right after "](" or "=" (a markdown or <img>
                // source)
                int sep = text.indexOf("//", from);
                read[0] += (sep < 0 ? size : sep) - from + 1;
                if (sep < 0) {
                    break;
                }
                from = sep + 2;
                int start;
                if (sep > 0 && text.charAt(sep - 1) == ':') {
                    start = httpScheme(text, sep - 1);
                    if (start < 0) {
                        continue;
                    }
                } else if (sep > 0
                        && (text.charAt(sep - 1) == '('
                                || text.charAt(sep - 1) == '='
                                || quoteAfterEquals(text, sep)
                                // in an image or fetching tag: any value or srcset entry ("= \"//", "1x, //")
                                || (" \t\n\r\f\"',".indexOf(text.charAt(sep - 1)) >= 0 && labels.inImageTag(sep)))) {
                    start = sep;
                } else {
                    continue;
                }
                int end = examine(text, metered, start, sep + 2, labels, read, sink);
                read1.add(start);
                read1.add(end);
                from = Math.max(end, sep + 2);
            }
            // http and https URLs without "//", as a browser reads them: "https:\\host", "https:/\\host", "http:host"
            // (a special scheme's slashes and backslashes after the colon are all ignored)
            from = 0;
            int span = 0; // the next URL of the first pass
            while (from < size) {
                int colon = text.indexOf(':', from);
                read[0] += (colon < 0 ? size : colon) - from + 1;
                if (colon < 0) {
                    break;
                }
                from = colon + 1;
                while (span < read1.size() && read1.get(span + 1) <= colon) {
                    span += 2;
                }
                if (span < read1.size() && read1.get(span) <= colon) {
                    continue; // inside a URL the first pass read (its query may hold "http:")
                }
                int start = httpScheme(text, colon);
                if (start < 0 || text.startsWith("//", colon + 1)) {
                    continue; // not http(s), or read above
                }
                // the URL parser skips any slashes and backslashes after a special scheme, and tabs and line breaks
                int host = colon + 1;
                while (host < size && "/\\\t\r\n".indexOf(text.charAt(host)) >= 0) {
                    host++;
                }
                if (host >= size || urlEnd(text, metered, host) || "/?#".indexOf(text.charAt(host)) >= 0) {
                    continue;
                }
                read[0] += host - colon;
                from = Math.max(examine(text, metered, start, host, labels, read, sink), host);
            }
        } finally {
            metered.charge(read[0] + labels.read);
        }
    }

    /** Where the http or https scheme whose colon is at {@code colon} starts (a word of its own), else -1. */
    private static int httpScheme(String text, int colon) {
        int start = colon;
        while (start > 0 && Character.isLetter(text.charAt(start - 1)) && colon - start < 10) {
            start--;
        }
        int n = colon - start; // compared in place: every ':' of every scanned text comes here, no copy per colon
        return (n == 4 || n == 5) && text.regionMatches(true, start, "https", 0, n) ? start : -1;
    }

    /**
     * Reads the URL that starts at {@code start} and whose host starts at {@code host}, reports what it carries, and
     * returns where it ends.
     */
    private int examine(
            String text,
            MeteredText metered,
            int start,
            int host,
            ImageSyntax labels,
            long[] read,
            Consumer<Finding> sink) {
        int size = text.length();
        int end = host;
        while (end < size && !urlEnd(text, metered, end) && !linkTextEnd(text, metered, end)) {
            end++;
        }
        read[0] += end - host;
        read[0] += 20; // the look back for the markdown image syntax before the URL (bounded)
        boolean image = image(text, start, labels) || referenceImage(text, start, labels);
        if (image && markdown(text, start) && start >= 1 && text.charAt(start - 1) == '<') {
            end = extend(text, metered, host, end, '>'); // ![..](<url>): spaces and all, to its '>'
        } else if (image && markdown(text, start)) {
            // a markdown image's URL runs to its ')' past the characters that end a bare URL (quotes, angle brackets)
            end = extend(text, metered, host, end, ')');
        } else if (image && start >= 1 && (text.charAt(start - 1) == '"' || text.charAt(start - 1) == '\'')) {
            end = extend(text, metered, host, end, text.charAt(start - 1)); // <img src="...">: to the closing quote
        }
        read[0] += 3L * (end - host + 2); // read, split into parts, each part checked once
        double confidence = urlConfidence(text, host, end, image);
        if (confidence > 0) {
            sink.accept(new Finding(URL, start, end, confidence, id()));
        }
        double template = templateConfidence(text, host, end, image);
        if (template > 0) {
            sink.accept(new Finding(TEMPLATE, start, end, template, id()));
        }
        return end;
    }

    /** Whether a markdown link's text ends at {@code i} ("](" written as such). */
    private static boolean linkTextEnd(String text, MeteredText metered, int i) {
        return text.charAt(i) == ']'
                && i + 1 < text.length()
                && text.charAt(i + 1) == '('
                && !metered.disguised(i)
                && !metered.disguised(i + 1);
    }

    /** Whether {@code sep} follows {@code ="} or {@code ='} (an HTML attribute's quoted value). */
    private static boolean quoteAfterEquals(String text, int sep) {
        return sep >= 2 && (text.charAt(sep - 1) == '"' || text.charAt(sep - 1) == '\'') && text.charAt(sep - 2) == '=';
    }

    /**
     * From {@code end}, on to {@code close} (the URL's characters that end a bare URL but not this one: quotes, angle
     * brackets, and in an HTML attribute spaces), a line break, or a markdown title. A markdown destination also ends at
     * white space and does not run into another image's or link's syntax ({@code ![}, {@code ](}), all written as
     * themselves: a renderer that ends it there parses what follows on its own, and so must the detector.
     */
    private static int extend(String text, MeteredText metered, int sep, int end, char close) {
        int size = text.length();
        boolean markdown = close == ')';
        // a markdown destination's parentheses nest: "(1)" in it does not end it (those read before end count too)
        int depth = 0;
        if (markdown) {
            for (int k = sep; k < end; k++) {
                if (text.charAt(k) == '(' && !metered.disguised(k) && !backslashed(text, metered, k)) {
                    depth++;
                } else if (text.charAt(k) == ')'
                        && !metered.disguised(k)
                        && depth > 0
                        && !backslashed(text, metered, k)) {
                    depth--;
                }
            }
        }
        int i = end;
        while (i < size && i - sep < 4096) {
            char c = text.charAt(i);
            boolean real = !metered.disguised(i);
            if (markdown && real && c == '(' && !backslashed(text, metered, i)) {
                depth++;
            } else if (markdown && real && c == ')' && depth > 0 && !escaped(text, metered, i, close)) {
                depth--;
                i++;
                continue;
            }
            if (real && (c == close || c == '\n') && !escaped(text, metered, i, close)) {
                break;
            }
            if (title(text, metered, i)) {
                break;
            }
            if (markdown
                    && real
                    && (Character.isWhitespace(c)
                            || (c == '!' && i + 1 < size && text.charAt(i + 1) == '[')
                            || linkTextEnd(text, metered, i))) {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * Whether the markdown close {@code )} at {@code i} is escaped ({@code \)} is a ')' of the URL): an odd run of
     * backslashes written as themselves before it (one decoded from {@code %5C} escapes nothing for the renderer).
     */
    private static boolean escaped(String text, MeteredText metered, int i, char close) {
        if (close != ')' || text.charAt(i) != ')') {
            return false;
        }
        return backslashed(text, metered, i);
    }

    /** Whether the character at {@code i} follows an odd run of backslashes written as themselves. */
    private static boolean backslashed(String text, MeteredText metered, int i) {
        int k = i - 1;
        while (k >= 0 && i - k <= 64 && text.charAt(k) == '\\' && !metered.disguised(k)) {
            k--;
        }
        return ((i - 1 - k) & 1) == 1;
    }

    /**
     * Whether a URL ends at {@code i}: whitespace, a quote, or the bracket that closes markdown or HTML around it —
     * written as itself, not disguised (an escape such as {@code %22} or <code>&amp;#41;</code>, or a look-alike such
     * as a full-width quote, that the policy's view reads as the character: the client's renderer does not end the URL
     * there, so neither does the detector).
     */
    private static boolean urlEnd(String text, MeteredText metered, int i) {
        char c = text.charAt(i);
        return (Character.isWhitespace(c) || c == '"' || c == '\'' || c == ')' || c == '<' || c == '>' || c == '`')
                && !metered.disguised(i);
    }

    /** The path, query and fragment of the URL whose host starts at {@code host}. */
    private static int pathStart(String text, int host, int end) {
        int p = host;
        // a special scheme reads a backslash as '/': "https://data.evil.example\@ok.example/" is at the first host
        while (p < end && "/?#\\".indexOf(text.charAt(p)) < 0) {
            p++;
        }
        return p;
    }

    /** 0.8 for an image whose URL carries encoded data (0.45 a signature), 0.4 for a link that does, else 0. */
    private static double urlConfidence(String text, int host, int end, boolean image) {
        int path = pathStart(text, host, end);
        double carried = carriedData(text, path, end, image);
        if (image && carried < 0.8 && dataInHost(text, host, path)) {
            carried = 0.8;
        }
        if (carried == 0) {
            return 0;
        }
        return image ? carried : 0.4;
    }

    /** The shortest host label read as data (see {@link #dataInHost}). */
    static final int DATA_LABEL = 28;

    /**
     * Whether the host {@code [host, end)} (userinfo and port included, as written) has a label, left of the last two,
     * that carries data as DNS exfiltration writes it: {@value #DATA_LABEL} or more letters, digits and underscores, no
     * hyphen, with at least four letters and two digits (hex, base32 or base64 of a value). Host names people choose
     * are words, with hyphens between them; generated ones of CDNs are shorter ({@code d111111abcdef8.cloudfront.net})
     * or hyphenated ({@code pub-...r2.dev}), and the domains of {@link #GENERATED_NAME_SUFFIXES} are not read.
     */
    private static boolean dataInHost(String text, int host, int end) {
        int h = host;
        for (int k = host; k < end; k++) {
            if (text.charAt(k) == '@') {
                h = k + 1; // the host follows userinfo
            }
        }
        int e = h;
        while (e < end && text.charAt(e) != ':') {
            e++; // the port is not the host
        }
        if (generatedNames(text, h, e)) {
            return false;
        }
        int dots = 0;
        for (int k = h; k < e; k++) {
            if (text.charAt(k) == '.') {
                dots++;
            }
        }
        int label = h;
        for (int d = 0; d < dots - 1; d++) {
            int next = text.indexOf('.', label);
            int letters = 0;
            int digits = 0;
            boolean other = false;
            for (int k = label; k < next; k++) {
                char c = text.charAt(k);
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
                    letters++;
                } else if (c >= '0' && c <= '9') {
                    digits++;
                } else {
                    other = true;
                }
            }
            if (!other && next - label >= DATA_LABEL && letters >= 4 && digits >= 2) {
                return true;
            }
            label = next + 1;
        }
        return false;
    }

    /**
     * Domains whose labels are generated identifiers by design (an account, a bucket, a function, a content id), run by
     * their provider (whose name servers, not an attacker's, see the look-ups): Cloudflare R2's and DigitalOcean's
     * storage endpoints, Google Cloud Storage, Azure blob storage, Amazon (S3, API Gateway, ...), AWS Lambda function
     * URLs, and the public IPFS subdomain gateways.
     */
    private static final List<String> GENERATED_NAME_SUFFIXES = List.of(
            ".r2.cloudflarestorage.com",
            ".digitaloceanspaces.com",
            ".storage.googleapis.com",
            ".blob.core.windows.net",
            ".amazonaws.com",
            ".on.aws",
            ".dweb.link",
            ".w3s.link",
            ".nftstorage.link",
            ".cf-ipfs.com",
            ".inbrowser.link");

    private static boolean generatedNames(String text, int h, int e) {
        for (String suffix : GENERATED_NAME_SUFFIXES) {
            int from = e - suffix.length();
            if (from >= h && text.regionMatches(true, from, suffix, 0, suffix.length())) {
                return true;
            }
        }
        return false;
    }

    /** 0.9 for an image URL with a placeholder for conversation data, 0.85 for any other URL with one, else 0. */
    private static double templateConfidence(String text, int host, int end, boolean image) {
        if (!dataPlaceholder(text, pathStart(text, host, end), end)) {
            return 0;
        }
        return image ? 0.9 : 0.85;
    }

    /** Whether a markdown link title ({@code  "..."} or {@code  '...'}) starts at {@code i}, both characters written as themselves. */
    private static boolean title(String text, MeteredText metered, int i) {
        return text.charAt(i) == ' '
                && i + 1 < text.length()
                && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\'')
                && !metered.disguised(i)
                && !metered.disguised(i + 1);
    }

    /** Whether the URL at {@code urlStart} follows a markdown {@code ](} (after optional spaces and {@code <}). */
    private static boolean markdown(String text, int urlStart) {
        int i = beforeDestination(text, urlStart);
        return i >= 1 && text.charAt(i) == '(' && text.charAt(i - 1) == ']';
    }

    /**
     * The position before the white space (spaces, tabs, line breaks) and {@code <} that may stand between a markdown
     * {@code (} or a reference definition's {@code :} and its destination.
     */
    private static int beforeDestination(String text, int urlStart) {
        int i = urlStart - 1;
        while (i >= 0 && " \t\n\r<".indexOf(text.charAt(i)) >= 0) {
            i--; // (the run of white space before one URL is walked for that URL only: linear)
        }
        return i;
    }

    /**
     * Whether the URL at {@code urlStart} is the source of a markdown image {@code ![..](url)} or an HTML {@code <img>}
     * ({@code src = "url"}, {@code srcset="... url 2x"}).
     */
    static boolean image(String text, int urlStart, ImageSyntax images) {
        int i = beforeDestination(text, urlStart);
        if (i >= 1 && text.charAt(i) == '(' && text.charAt(i - 1) == ']') {
            // the "](" that closes an image's alt text (its "![" found in one pass over the text, however long the alt)
            return images.inlineEnds().get(i - 1);
        }
        // a CSS url(...) (a style attribute or a <style> block: fetched as the page renders)
        if (cssUrl(text, urlStart)) {
            return true;
        }
        // inside an <img ...> tag, or another tag whose URLs are fetched without a click (however long its attributes
        // before the URL): see ImageSyntax.inImageTag
        return images.inImageTag(urlStart);
    }

    /** Whether the URL at {@code urlStart} is the argument of a CSS {@code url(}, quoted or not. */
    private static boolean cssUrl(String text, int urlStart) {
        int i = urlStart - 1;
        while (i >= 0 && " \t\n\r\f\"'".indexOf(text.charAt(i)) >= 0) {
            i--; // (the run before one URL is walked for that URL only: linear)
        }
        return i >= 3 && text.charAt(i) == '(' && text.regionMatches(true, i - 3, "url", 0, 3);
    }

    /**
     * Whether the URL at {@code urlStart} is a markdown reference definition ({@code [label]: url}) and the text has a
     * reference image with that label ({@code ![alt][label]}): the image is fetched like an inline one.
     */
    private static boolean referenceImage(String text, int urlStart, ImageSyntax images) {
        int i = beforeDestination(text, urlStart);
        if (i < 1 || text.charAt(i) != ':' || text.charAt(i - 1) != ']') {
            return false;
        }
        int open = i - 2;
        while (open >= 0 && i - 1 - open <= ImageSyntax.LONGEST_LABEL && text.charAt(open) != '[') {
            open--;
        }
        if (open < 0 || text.charAt(open) != '[') {
            return false;
        }
        return images.labels().contains(ImageSyntax.label(text, open + 1, i - 1));
    }

    /**
     * The text's image syntax, markdown and HTML. Its markdown images, read in one pass when first needed: where each
     * inline image's alt text ends (its
     * {@code ](}), however long the alt text, and the labels its reference images use — full {@code ![alt][label]},
     * collapsed {@code ![alt][]} and shortcut {@code ![alt]} — normalised as CommonMark matches labels (case-folded,
     * runs of white space as one space, trimmed); and, in another pass when first needed, the spans of its HTML image
     * tags.
     */
    private static final class ImageSyntax {
        /** The longest label read (CommonMark allows 999 characters; an alt text used as a label rarely nears this). */
        static final int LONGEST_LABEL = 500;

        private final String text;
        private final MeteredText metered;
        private Set<String> labels;
        private java.util.BitSet inlineEnds;
        /** The HTML image tags, as pairs: where each {@code <img} starts and where it ends (its {@code >}, or the text's end). */
        private int[] tags;

        private int tagCount;
        long read;

        ImageSyntax(String text, MeteredText metered) {
            this.text = text;
            this.metered = metered;
        }

        /** A label as CommonMark matches it: {@code [from, to)} case-folded, white space collapsed and trimmed. */
        static String label(String text, int from, int to) {
            StringBuilder b = new StringBuilder(to - from);
            boolean space = false;
            for (int k = from; k < to; k++) {
                char c = text.charAt(k);
                if (Character.isWhitespace(c)) {
                    space = b.length() > 0;
                } else {
                    if (space) {
                        b.append(' ');
                        space = false;
                    }
                    b.append(c);
                }
            }
            // case-folded as CommonMark does (Unicode case fold: "ẞ" and "SS" match); approximated by lower, upper,
            // lower
            return b.toString()
                    .toLowerCase(Locale.ROOT)
                    .toUpperCase(Locale.ROOT)
                    .toLowerCase(Locale.ROOT);
        }

        /**
         * Whether {@code urlStart} is inside an HTML image tag: after an {@code <img} (or {@code <image}) that no
         * {@code >} has ended before it, however long its attributes, as {@link HtmlTags#imageTagRegions} reads
         * them (every {@code <img} counts, not only the last; characters the view decoded from escapes are text).
         * The regions are found in one pass when first needed.
         */
        boolean inImageTag(int urlStart) {
            if (tags == null) {
                scanTags();
            }
            // the last region that starts before the URL
            int lo = 0;
            int hi = tagCount - 1;
            int last = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (tags[2 * mid] < urlStart) {
                    last = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return last >= 0 && urlStart <= tags[2 * last + 1];
        }

        /** The regions where an image tag is open ({@link HtmlTags#imageTagRegions}), in one pass. */
        private void scanTags() {
            tags = new int[8];
            int n = text.length();
            read += n;
            HtmlTags.imageTagRegions(text, 0, n, metered::disguised, (start, end) -> {
                if (2 * tagCount + 2 > tags.length) {
                    tags = java.util.Arrays.copyOf(tags, tags.length * 2);
                }
                tags[2 * tagCount] = start;
                tags[2 * tagCount + 1] = end;
                tagCount++;
            });
        }

        /** The positions of the {@code ]} of every {@code ](} that closes an image's alt text ({@code ![...](}). */
        java.util.BitSet inlineEnds() {
            if (inlineEnds == null) {
                scan();
            }
            return inlineEnds;
        }

        Set<String> labels() {
            if (labels == null) {
                scan();
            }
            return labels;
        }

        /** One pass: brackets matched with a stack (an image's "![" marked), images' ends and labels recorded. */
        private void scan() {
            inlineEnds = new java.util.BitSet();
            labels = new HashSet<>();
            int n = text.length();
            read += n;
            if (text.indexOf("![") < 0) {
                return;
            }
            int[] open = new int[16]; // positions of the unmatched '[' (negative: opened by "![")
            int depth = 0;
            for (int k = 0; k < n; k++) {
                char c = text.charAt(k);
                if (metered.disguised(k)) {
                    continue; // a bracket or backslash the view decoded ("&rsqb;", "\\\\") is no markdown syntax
                }
                if (c == '\\') {
                    k++; // an escaped character is no bracket
                } else if (c == '[') {
                    if (depth == open.length) {
                        open = java.util.Arrays.copyOf(open, depth * 2);
                    }
                    open[depth++] = k > 0 && text.charAt(k - 1) == '!' ? -k - 1 : k;
                } else if (c == ']' && depth > 0) {
                    int o = open[--depth];
                    if (o >= 0) {
                        continue;
                    }
                    int start = -o - 1; // the image's '['
                    if (k + 1 < n && text.charAt(k + 1) == '(') {
                        inlineEnds.set(k);
                    } else if (k + 1 < n && text.charAt(k + 1) == '[') {
                        int end = k + 2;
                        while (end < n && end - k - 2 <= LONGEST_LABEL && text.charAt(end) != ']') {
                            end++;
                        }
                        read += end - k;
                        if (end < n && text.charAt(end) == ']') {
                            if (end > k + 2) {
                                labels.add(label(text, k + 2, end)); // full: its label
                            } else if (k - start - 1 <= LONGEST_LABEL) {
                                labels.add(label(text, start + 1, k)); // collapsed ("[]"): the alt text
                            }
                        }
                    } else if (k - start - 1 <= LONGEST_LABEL) {
                        labels.add(label(text, start + 1, k)); // shortcut: the alt text is the label
                    }
                    read += Math.min(k - start, LONGEST_LABEL);
                }
            }
        }
    }

    /** Words that name what a placeholder in an exfiltration URL is filled with (lower case). */
    private static final List<String> DATA_WORDS = List.of(
            "conversation",
            "chat",
            "history",
            "message",
            "secret",
            "password",
            "passwd",
            "prompt",
            "context",
            "memory",
            "summary",
            "email",
            "token",
            "credential",
            "cookie",
            "session",
            "ssn",
            "card",
            "phone",
            "address",
            "pii",
            "transcript",
            "data",
            "api_key",
            "apikey",
            "private",
            "personal");

    /**
     * A template placeholder for conversation data in the URL's path, query or fragment: {@code {..}}, {@code [..]},
     * {@code <..>}, {@code $NAME}, {@code ${..}} whose name holds one of {@link #DATA_WORDS} ({@code {conversation}},
     * {@code [DATA]}, {@code $SECRET}); URI templates of APIs ({@code {id}}, {@code {/number}}, {@code ${userId}}) are
     * not.
     */
    private static boolean dataPlaceholder(String text, int from, int end) {
        for (int i = from; i < end; i++) {
            char c = text.charAt(i);
            int nameStart;
            int nameEnd;
            if (c == '{' || c == '[' || c == '<') {
                char close = c == '{' ? '}' : c == '[' ? ']' : '>';
                nameStart = i + 1;
                nameEnd = nameStart;
                while (nameEnd < end && nameEnd - nameStart < 64 && text.charAt(nameEnd) != close) {
                    nameEnd++;
                }
            } else if (c == '$' && i + 1 < end) {
                nameStart = text.charAt(i + 1) == '{' ? i + 2 : i + 1;
                nameEnd = nameStart;
                while (nameEnd < end
                        && nameEnd - nameStart < 64
                        && (Character.isLetterOrDigit(text.charAt(nameEnd)) || text.charAt(nameEnd) == '_')) {
                    nameEnd++;
                }
            } else {
                continue;
            }
            String name = text.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
            for (String w : DATA_WORDS) {
                if (name.contains(w)) {
                    return true;
                }
            }
            i = Math.max(i, nameEnd - 1);
        }
        return false;
    }

    private static final Set<String> IMAGE_EXTENSIONS =
            Set.of("png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp", "ico");

    /** Image file name endings: a long path segment that ends in one is a file name, not data. */
    private static boolean imageFileName(String text, int from, int to) {
        int dot = text.lastIndexOf('.', to - 1);
        if (dot < from || to - dot > 5) {
            return false;
        }
        String ext = text.substring(dot + 1, to).toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.contains(ext);
    }

    /**
     * 0.8 if a query value (24 or more characters) or an image's path segment (32 or more, not an image file name) looks
     * encoded, 0.45 if only signature parameters do, else 0.
     */
    private static double carriedData(String text, int from, int end, boolean image) {
        double best = 0;
        int i = from;
        boolean query = false;
        boolean nested = false; // after a "//" in the query: a URL inside this one, whose path segments count too
        while (i < end) {
            char c = text.charAt(i);
            if (c == '?' || c == '&' || c == '#' || c == ';') {
                query = c != '#' || query;
                i++;
                continue;
            }
            if (c == '/') {
                if (query && i + 1 < end && text.charAt(i + 1) == '/') {
                    nested = true;
                }
                i++;
                continue;
            }
            int partEnd = i;
            int eq = -1;
            while (partEnd < end && "/?&#;".indexOf(text.charAt(partEnd)) < 0) {
                if (eq < 0 && text.charAt(partEnd) == '=') {
                    eq = partEnd;
                }
                partEnd++;
            }
            if (query && eq >= 0) {
                String name = text.substring(i, eq).toLowerCase(Locale.ROOT);
                if (partEnd - eq - 1 >= 24 && encoded(text, eq + 1, partEnd)) {
                    best = Math.max(best, SIGNATURE_PARAMETERS.contains(name) ? 0.45 : 0.8);
                }
            } else if (query && partEnd - i >= 24 && encoded(text, i, partEnd)) {
                best = Math.max(best, 0.8); // a query part without a name ("?QWxpY2U...", ";...")
            }
            if (image
                    && (!query || nested)
                    && partEnd - i >= 32
                    && !imageFileName(text, i, partEnd)
                    && encoded(text, i, partEnd)) {
                best = Math.max(best, 0.8);
            }
            i = partEnd;
        }
        return best;
    }

    /**
     * Percent escapes (three or more), 24 or more characters outside ASCII (which the browser sends percent-encoded),
     * form-encoded or spaced words (four or more), or base64 (upper, lower and digits).
     */
    private static boolean encoded(String text, int from, int to) {
        int percents = 0;
        int outsideAscii = 0;
        int pluses = 0; // form-encoded words, or (in a decoded view) spaces between them
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                percents++;
            } else if (c >= 0x80) {
                outsideAscii++; // sent as percent escapes of its UTF-8 bytes
            } else if (c == '+' || c == ' ') {
                pluses++;
            }
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
        }
        // (hex alone is not read as data: content hashes and cache busters look the same)
        return percents >= 3 || outsideAscii >= 24 || pluses >= 3 || (upper && lower && digit);
    }

    private void instructions(String text, MeteredText metered, Consumer<Finding> sink) {
        // the normal form (lower case, folded) once: it answers the carrier check and is what the patterns read
        NormalizedText norm = NormalizedText.of(text);
        String n = norm.text();
        metered.charge((long) text.length() + n.length() + (long) CARRIERS.size() * n.length());
        boolean carrier = false;
        for (String w : CARRIERS) {
            if (n.contains(w)) {
                carrier = true;
                break;
            }
        }
        if (!carrier) {
            return;
        }
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
