package dev.llmgate.policy.internal;

/**
 * How a stream's held and released text is read for images a client would fetch: markdown images (inline, reference
 * and shortcut ones, their labels matched as CommonMark matches them, their destinations closed as CommonMark closes
 * them), {@code <img>} tags (through {@code HtmlTags}) and CSS {@code url(}; which of them are still open, and which
 * lines define a label. Pure functions of the text; used by {@link StreamGuard} (what to hold) and
 * {@link ReleasedReferences} (what to remember). Not public API.
 */
final class MarkdownImageSyntax {
    private MarkdownImageSyntax() {}

    /** Whether {@code t} holds a markdown image that is not an inline one (its label, or what follows it, may need a definition). */
    static boolean holdsReferenceImage(String t) {
        for (int i = t.indexOf("!["); i >= 0; i = t.indexOf("![", i + 2)) {
            int end = labelEnd(t, i + 1);
            if (end < 0 || end >= t.length() || t.charAt(end) != '(') {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code line} is blank as CommonMark reads it: spaces and tabs only (not other Unicode spaces). */
    static boolean blankLine(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the {@code [} at {@code open} begins {@code line} as a definition's label does: after at most three
     * spaces, block-quote markers and list markers ({@code -}, {@code *}, {@code +}, {@code 1.}, {@code 1)}). (Code
     * such as {@code for row in data["rows"]:} defines nothing.)
     */
    static boolean labelStartsLine(String line, int open) {
        int i = 0;
        while (i < open) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '>' || c == '-' || c == '*' || c == '+') {
                i++;
            } else if (c >= '0' && c <= '9') {
                int j = i;
                while (j < open && line.charAt(j) >= '0' && line.charAt(j) <= '9') {
                    j++;
                }
                if (j >= open || (line.charAt(j) != '.' && line.charAt(j) != ')')) {
                    return false;
                }
                i = j + 1;
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code s} may begin with a URL (a destination): its first word holds {@code / . : \\ & % #} (an escape or
     * a reference may stand for any of them).
     */
    static boolean urlLike(String s) {
        int end = s.indexOf(' ');
        String first = end < 0 ? s : s.substring(0, end);
        for (int i = 0; i < first.length(); i++) {
            if ("/.:\\&%#".indexOf(first.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the open image at {@code image} is a reference or shortcut image whose text and label have ended
     * ({@code ![sic]}, {@code ![alt][label]}, Rust's {@code vec![1, 2]}): all of it is there, only its definition may
     * still come.
     */
    static boolean undefinedReference(CharSequence held, int image) {
        String t = held.toString();
        if (!t.startsWith("![", image)) {
            return false;
        }
        int end = labelEnd(t, image + 1);
        if (end < 0 || end >= t.length() || t.charAt(end) == '(') {
            return false;
        }
        return t.charAt(end) != '[' || labelEnd(t, end) >= 0;
    }

    /**
     * Whether the open image at {@code image} is a markdown image whose destination is a {@code data:} URL (inline
     * content, nothing fetched: released open, see {@link StreamGuard}). Any other image still open past the
     * hold fails closed: an {@code <img>} (its source may come after attributes of any length, and {@code srcset}
     * overrides {@code src}), and a markdown image whose destination has not begun.
     */
    static boolean dataImage(CharSequence held, int image) {
        String t = held.toString();
        if (!t.startsWith("![", image)) {
            return false;
        }
        int end = labelEnd(t, image + 1); // the image's own text ("![a [b](data:,) c](https://...)" is not data)
        if (end < 0 || end >= t.length() || t.charAt(end) != '(') {
            return false;
        }
        int p = end + 1;
        while (p < t.length() && (Character.isWhitespace(t.charAt(p)) || t.charAt(p) == '<')) {
            p++;
        }
        return t.regionMatches(true, p, "data:", 0, 5);
    }

    /**
     * Where in {@code text} an image starts that is not closed yet, looked for from {@code from} on: a markdown image
     * {@code ![} without its URL's closing {@code )} after it (or, a reference image, without its definition in
     * {@code text} or in {@code definitions}, those released before), or an {@code <img} without its {@code >}; -1 if
     * none.
     */
    static int openImage(CharSequence text, int from, CharSequence definitions) {
        String t = text.toString();
        int markdown = openMarkdownImage(t, from, definitions);
        // an "<img" (or "<image") still open at the end, as the tokenizer reads attributes ("alt='a>b'"): every one
        // counts, so an earlier one that leaves a quote open cannot make a later real one look closed
        int[] open = {-1};
        dev.llmgate.policy.detect.internal.HtmlTags.imageTagRegions(
                t, from, t.length(), i -> false, (start, end) -> open[0] = end == t.length() ? start : -1);
        // both open: the earlier one is held from (a "![" inside an open tag's value does not release the tag)
        int image = open[0] < 0 ? markdown : markdown < 0 ? open[0] : Math.min(markdown, open[0]);
        // a CSS "url(" without its ")" (a style attribute or block: fetched as the page renders)
        int css = openCssUrl(t, from);
        return css < 0 ? image : image < 0 ? css : Math.min(image, css);
    }

    /** The first CSS {@code url(} (any case) in {@code t} from {@code from} on with no {@code )} after it, or -1. */
    static int openCssUrl(String t, int from) {
        int close = t.lastIndexOf(')');
        for (int i = t.indexOf('(', Math.max(from + 3, close + 1)); i >= 0; i = t.indexOf('(', i + 1)) {
            if (t.regionMatches(true, i - 3, "url", 0, 3)) {
                return i - 3;
            }
        }
        return -1;
    }

    /**
     * The earliest markdown image in {@code t} from {@code from} on that is not closed yet, or -1: one pass with a
     * bracket stack (an image's text nests brackets: {@code ![a [b] c](...)}; every image counts, not only the last):
     * an image whose text has not ended, or has ended at the end of {@code t}; an inline one whose destination has no
     * {@code )} after it; a reference or shortcut one whose label has no definition in {@code t} (a complete line) or
     * in {@code definitions} (see {@link #definedLabels}) — its URL is there, held until it comes.
     */
    static int openMarkdownImage(String t, int from, CharSequence definitions) {
        return openMarkdownImage(t, from, definitions, false);
    }

    /** Like {@link #openMarkdownImage(String, int, CharSequence)}; {@code referencesOnly}: inline images do not count. */
    static int openMarkdownImage(String t, int from, CharSequence definitions, boolean referencesOnly) {
        int n = t.length();
        java.util.Set<String> defined = null;
        java.util.BitSet closedParens = null;
        int[] stack = new int[16];
        int depth = 0;
        int earliest = -1;
        for (int i = from; i < n; i++) {
            char c = t.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                if (depth == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, depth * 2);
                }
                stack[depth++] = i;
            } else if (c == ']' && depth > 0) {
                int open = stack[--depth];
                if (open - 1 < from || t.charAt(open - 1) != '!') {
                    continue;
                }
                int end = i + 1;
                boolean isOpen;
                if (end == n) {
                    isOpen = true; // what follows its text is not known yet
                } else if (t.charAt(end) == '(') {
                    if (closedParens == null) {
                        closedParens = closedParentheses(t, from);
                    }
                    isOpen = !referencesOnly && !closedParens.get(end);
                } else {
                    String label = t.substring(open + 1, i);
                    int close = t.charAt(end) == '[' ? labelEnd(t, end) : -2;
                    if (close == -1) {
                        isOpen = true; // its label has not ended
                    } else {
                        if (close > end + 2) {
                            label = t.substring(end + 1, close - 1);
                        }
                        if (defined == null) {
                            defined = definedLabels(t, definitions);
                        }
                        isOpen = !defined.contains(normalLabel(label));
                    }
                }
                if (isOpen && (earliest < 0 || open - 1 < earliest)) {
                    earliest = open - 1;
                }
            }
        }
        for (int k = 0; k < depth; k++) { // images whose text has not ended (the stack is in increasing order)
            int open = stack[k];
            if (open - 1 >= from && t.charAt(open - 1) == '!') {
                return earliest < 0 ? open - 1 : Math.min(earliest, open - 1);
            }
        }
        return earliest;
    }

    /**
     * The labels (normalised) that link reference definitions define in {@code definitions} and in the complete lines
     * of {@code t}: a line holding {@code [label]:} with something after it, or whose destination is on the next
     * line, complete too (until a definition's line ends, its URL may still grow). A label may begin on the line
     * before.
     */
    static java.util.Set<String> definedLabels(String t, CharSequence definitions) {
        java.util.Set<String> labels = new java.util.HashSet<>();
        addDefinedLabels(definitions.toString() + "\n", labels);
        addDefinedLabels(t, labels);
        return labels;
    }

    private static void addDefinedLabels(String t, java.util.Set<String> labels) {
        int lineStart = 0;
        String previous = "";
        String pending = null; // a label whose definition's destination is on the next line
        for (int nl = t.indexOf('\n'); nl >= 0; nl = t.indexOf('\n', lineStart)) {
            String line = t.substring(lineStart, nl);
            if (pending != null && !line.isBlank()) {
                labels.add(pending);
            }
            pending = null;
            int colon = line.lastIndexOf("]:");
            if (colon >= 0) {
                String head = line.substring(0, colon);
                int open = head.lastIndexOf('[');
                String label;
                if (open >= 0) {
                    label = head.substring(open + 1);
                } else {
                    int before = previous.lastIndexOf('['); // a label begun on the line before
                    label = (before >= 0 ? previous.substring(before + 1) : "") + " " + head;
                }
                if (line.substring(colon + 2).isBlank()) {
                    pending = normalLabel(label);
                } else {
                    labels.add(normalLabel(label));
                }
            }
            previous = line;
            lineStart = nl + 1;
        }
    }

    /**
     * White space in a label for some renderer: Java's, and the Unicode spaces a JavaScript {@code \s} or
     * {@code trim()} removes (no-break spaces, the byte order mark).
     */
    static boolean labelSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
    }

    /**
     * A label as CommonMark matches labels, read as the exfiltration detector reads it: case-folded (lower, upper,
     * lower: {@code ẞ} and {@code SS} match), runs of white space ({@link #labelSpace}) one space, trimmed.
     * (Where the two readings differ, the broader one: more labels match, so more is held or judged.)
     */
    static String normalLabel(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (labelSpace(c)) {
                space = b.length() > 0;
                continue;
            }
            if (space) {
                b.append(' ');
                space = false;
            }
            b.append(c);
        }
        return b.toString()
                .toLowerCase(java.util.Locale.ROOT)
                .toUpperCase(java.util.Locale.ROOT)
                .toLowerCase(java.util.Locale.ROOT)
                .trim();
    }

    /**
     * The {@code (} of {@code t} (from {@code from} on) whose closing {@code )} is in {@code t}, as CommonMark reads
     * an inline destination and title: a backslash escapes the next character, parentheses nest, a destination written
     * in {@code <...>} (on one line) may hold any parenthesis, and a quoted title (after white space) may hold any. One
     * pass for all the images of a window.
     */
    static java.util.BitSet closedParentheses(String t, int from) {
        java.util.BitSet closed = new java.util.BitSet();
        int n = t.length();
        int[] stack = new int[16];
        int depth = 0;
        for (int i = from; i < n; i++) {
            char c = t.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                if (depth == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, depth * 2);
                }
                stack[depth++] = i;
                int k = i + 1;
                while (k < n && (t.charAt(k) == ' ' || t.charAt(k) == '\t')) {
                    k++;
                }
                if (k < n && t.charAt(k) == '<') { // a <...> destination: to its '>' on this line
                    int e = k + 1;
                    while (e < n && t.charAt(e) != '>' && t.charAt(e) != '\n' && t.charAt(e) != '\r') {
                        e += t.charAt(e) == '\\' ? 2 : 1;
                    }
                    if (e >= n) {
                        return closed; // not ended yet: what follows is unknown
                    }
                    i = t.charAt(e) == '>' ? e : i;
                }
            } else if (c == ')' && depth > 0) {
                closed.set(stack[--depth]);
            } else if ((c == '"' || c == '\'') && depth > 0 && i > 0 && Character.isWhitespace(t.charAt(i - 1))) {
                int e = i + 1; // a title: to its closing quote
                while (e < n && t.charAt(e) != c) {
                    e += t.charAt(e) == '\\' ? 2 : 1;
                }
                if (e >= n) {
                    return closed;
                }
                i = e;
            }
        }
        return closed;
    }

    /**
     * Where the bracketed text that opens at {@code open} (a {@code [}) ends, after its {@code ]}: brackets nest and a
     * backslash escapes one, as in a markdown link text; -1 if it does not end in {@code t}.
     */
    static int labelEnd(CharSequence t, int open) {
        return closing(t, open, 0, '[', ']');
    }

    /**
     * Reading {@code t} from {@code from} at nesting {@code depth} of {@code open}/{@code close} pairs (a backslash
     * escapes the next character): the index after the {@code close} that brings the depth to 0, or -1 if none does.
     */
    static int closing(CharSequence t, int from, int depth, char open, char close) {
        int d = depth;
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == open) {
                d++;
            } else if (c == close && --d == 0) {
                return i + 1;
            }
        }
        return -1;
    }
}
