package dev.llmgate.policy.internal;

/**
 * Whether a placeholder in an answer stands in plain prose, where restoring its value hands it to the reader and to
 * nothing that fetches or follows a URL. Decided from what the text is, not from what a URL looks like (renderers
 * decode entities and escapes, and a URL's container — an attribute, a link destination — decides where it ends), so
 * a placeholder is restored only when all of these hold:
 * <ul>
 *   <li>no HTML syntax came before it in the answer: a {@code <} followed by a letter, {@code /}, {@code !} or
 *       {@code ?} (a tag, a comment, an autolink) — an attribute value may run over any number of lines, so this
 *       holds for the rest of the answer;</li>
 *   <li>no markdown link syntax ({@code ](}, {@code ]:}, {@code ][}) came before it since the last blank line (a
 *       link destination or a reference definition does not span one);</li>
 *   <li>it is a word of its own: between it and the white space before it, only opening punctuation
 *       (<code>( [ &#123; " ' `</code>, emphasis marks, typographic quotes, dashes, no-break spaces, CJK brackets);
 *       between it and the white space after it, only closing punctuation (<code>) ] &#125; " ' ` . , ; : ! ?</code>,
 *       emphasis marks and the typographic and CJK forms), after an optional possessive
 *       {@code 's} — so no character of
 *       a URL, a path, an escape or an entity touches it;</li>
 *   <li>in text: it is not in a fenced code block or an inline code span that holds more than it (a command),
 *       not in a double-quoted string that holds a URL ({@code ://}, {@code www.}), and the word before it does not
 *       end with one of {@code = ? & / # %} (a URL's parameter or path left open: {@code ?e= [EMAIL_1]}) — a URL
 *       broken by a space goes on where a string (YAML, CSS, JSON inside text) or a link's text (wiki, BBCode)
 *       holds it, and code is run;</li>
 *   <li>in JSON (a JSON answer, tool-call arguments), the string that holds it contains none of
 *       {@code / \ ? = & % # < > @}, no colon followed by anything but white space ({@code http:host}) and no
 *       escape but those of white space and the quote: a client may use a string value as a URL whole, spaces
 *       included (escaped line breaks and tabs are white space between words).</li>
 * </ul>
 * White space here is ASCII white space (space, tab, line feed, carriage return, form feed): other spaces do not end
 * a run. The text is read as the continuation of what was read before, so a stream's pieces are judged as the whole
 * answer would be; what follows a placeholder is looked for in the piece and then in {@code after} (text not yet
 * released), and a placeholder whose word or JSON string is not complete there is not restored unless the text is
 * complete. Mutable, one per answer; not thread-safe.
 */
public final class ProseContext {
    private final boolean json;
    private boolean stopped;
    /** In a JSON string: its first characters (lower case, white space left out), to tell a script scheme. */
    private final StringBuilder head = new StringBuilder(12);
    /** HTML syntax seen: nothing more is restored. */
    private boolean html;
    /** Markdown link syntax seen since the last blank line. */
    private boolean link;
    /** The current line has only white space so far (after at least one line break). */
    private boolean blankSoFar;
    /** The characters since the last white space are all opening punctuation (true at a run's start). */
    private boolean openersOnly = true;
    /** In JSON: inside a string, after a backslash in one, and whether the string so far holds a URL character. */
    private boolean inString;

    private boolean escaped;
    private boolean stringUrlish;
    /** In a JSON string: the last character was a colon. */
    private boolean colon;
    /** The last character read (0 at the start). */
    private char previous;
    /** Text only: inside a fenced code block, or an inline code span of the current line. */
    private boolean fenced;

    private boolean inlineCode;
    /** Text only: the fence characters at the current line's start so far (a line of three or more opens or closes a block). */
    private int fenceRun;

    private boolean lineStart = true;

    private char fenceChar;
    /** Text only: inside an inline code span that holds more than opening marks so far (a command, not a word). */
    private boolean codeWords;
    /** Text only: a double quote is open on this line (or an indented line continuing it), and it holds a URL. */
    private boolean quoteOpen;

    private boolean quoteUrl;
    /** Text only: the last character of the last word (before the latest white space). */
    private char wordBeforeEnd;
    /** Text only: a line break was read; the next character says whether the line goes on (indented) or not. */
    private boolean lineBroken;

    private char beforePrevious;

    /** A context for an answer that is JSON (then string values are judged whole) or text. */
    public ProseContext(boolean json) {
        this.json = json;
    }

    /** Restores nothing more (a stream that looked like JSON and is not strict JSON: see PlaceholderRestore.restoreAnswer). */
    public void stop() {
        stopped = true;
    }

    static boolean asciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean opener(char c) {
        return "([{\"'`*_~\u201c\u2018\u00ab\u00bf\u00a1\u2014\u2013\u00a0\u202f\u300c\u300e\uff08".indexOf(c) >= 0;
    }

    private static boolean closer(char c) {
        return ")]}\"'`*_~.,;:!?\u201d\u2019\u00bb\u2026\u2014\u2013\u00a0\u202f\u300d\u300f\uff09\u3002\uff0c\uff01\uff1f"
                        .indexOf(c)
                >= 0;
    }

    private static boolean urlish(char c) {
        return "/\\?=&%#<>@".indexOf(c) >= 0;
    }

    /** Reads {@code s[from, to)}, placeholders included (as the model wrote them). */
    public void read(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (previous == '<' && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z' || c == '/' || c == '!' || c == '?')) {
                html = true;
            }
            if (previous == ']' && (c == '(' || c == ':' || c == '[')) {
                link = true;
            }
            if (c == '\n') {
                if (blankSoFar) {
                    link = false; // a blank line: no link destination or definition goes on past it
                }
                blankSoFar = true;
            } else if (!asciiSpace(c)) {
                blankSoFar = false;
            }
            openersOnly = asciiSpace(c) || (openersOnly && opener(c));
            if (json) {
                readJson(c);
            } else {
                readText(c);
            }
            beforePrevious = previous;
            previous = c;
        }
    }

    /**
     * The text part of {@link #read}: code (a fenced block, an inline code span: code is run or parsed, not read) and
     * URLs on the current line (a URL broken by a space goes on: {@code "https://x/?e= [EMAIL_1]"} in YAML, CSS, a
     * wiki link, an indented continuation line).
     */
    private void readText(char c) {
        if (lineBroken && c != '\n') {
            lineBroken = false;
            if (c != ' ' && c != '\t') {
                quoteOpen = false; // a line that is not indented does not continue the one before
                quoteUrl = false;
            }
        }
        if (asciiSpace(c) && !asciiSpace(previous) && previous != 0) {
            wordBeforeEnd = previous;
        }
        if (c == '\n') {
            if (fenceRun >= 3) {
                fenced = !fenced; // a line that is a fence opens or closes a block
            }
            fenceRun = 0;
            lineStart = true;
            inlineCode = false;
            codeWords = false;
            lineBroken = true;
            return;
        }
        if (lineStart) {
            if ((c == '`' || c == '~') && (fenceRun == 0 || c == fenceChar)) {
                fenceChar = c;
                fenceRun++;
                return; // a fence or inline code marks: told at the line's first other character
            }
            if (fenceRun == 0 && (c == ' ' || c == '\t')) {
                return; // indentation
            }
            lineStart = false;
            if (fenceRun < 3) {
                if (fenceChar == '`' && !fenced && (fenceRun & 1) == 1) {
                    inlineCode = !inlineCode;
                    codeWords = false;
                }
                fenceRun = 0;
            }
        }
        if (c == '`' && !fenced && fenceRun < 3) {
            inlineCode = !inlineCode;
            codeWords = false;
        } else if (inlineCode && !asciiSpace(c) && !opener(c)) {
            codeWords = true;
        }
        if (c == '"') {
            quoteOpen = !quoteOpen;
            quoteUrl = false;
        }
        if (quoteOpen
                && ((c == '/' && previous == '/' && beforePrevious == ':')
                        || (c == '.' && previous == 'w' && beforePrevious == 'w'))) {
            quoteUrl = true;
        }
    }

    /** The JSON part of {@link #read}: string boundaries, escapes and URL characters in strings. */
    private void readJson(char c) {
        if (!inString) {
            if (c == '"') {
                inString = true;
                stringUrlish = false;
                colon = false;
                head.setLength(0);
                openersOnly = true; // a string's opening quote starts a run
            }
            return;
        }
        if (!escaped && c != '\\' && !asciiSpace(c) && head.length() < 12) {
            head.append(Character.toLowerCase(c));
            if (head.length() >= 5 && SCRIPT_SCHEMES.matcher(head).lookingAt()) {
                stringUrlish = true; // "javascript: location.assign(...)": code, not prose
            }
        }
        if (colon && !asciiSpace(c)) {
            stringUrlish = true; // "http:host": a colon with no space after it may end a scheme
        }
        colon = false;
        if (escaped) {
            escaped = false;
            if (WHITE_ESCAPES.indexOf(c) >= 0) {
                openersOnly = true; // an escaped line break or tab is white space to whoever reads the string
            } else if (c != '"') {
                stringUrlish = true; // a slash, a backslash or a unicode escape, which can stand for any character
            }
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            inString = false;
        } else if (c == ':') {
            colon = true;
        } else if (urlish(c)) {
            stringUrlish = true;
        }
    }

    /** Schemes whose URL is code or content rather than a place: a string that begins with one is no prose. */
    private static final java.util.regex.Pattern SCRIPT_SCHEMES =
            java.util.regex.Pattern.compile("(?:javascript|vbscript|data|livescript):");

    /** JSON escapes that stand for white space. */
    private static final String WHITE_ESCAPES = "ntrf";

    /**
     * Whether the placeholder {@code s[start, end)} may be restored, this context having read {@code s} up to
     * {@code start}; {@code after} continues {@code s} (text not yet released), and {@code complete} says that nothing
     * follows it.
     */
    public boolean mayRestore(CharSequence s, int start, int end, CharSequence after, boolean complete) {
        if (stopped || html || link || !openersOnly || (json && inString && stringUrlish)) {
            return false;
        }
        if (!json
                && (fenced
                        || fenceRun >= 3
                        || (inlineCode && codeWords)
                        || quoteUrl
                        || (wordBeforeEnd != 0 && "=?&/#%".indexOf(wordBeforeEnd) >= 0))) {
            // in a code block or a command, in a quoted URL, or after a word that leaves a URL's parameter open
            // ("?e= [EMAIL_1]"): a URL broken by a space goes on where a string or a link's text holds it
            return false;
        }
        // the rest of the word: an optional possessive, then closing punctuation only, up to white space or the end
        int n = s.length() + after.length();
        int i = end;
        if (i < n
                && (at(s, after, i) == '\'' || at(s, after, i) == '\u2019')
                && i + 1 < n
                && at(s, after, i + 1) == 's') {
            i += 2;
        }
        for (; i < n; i++) {
            char c = at(s, after, i);
            if (asciiSpace(c) || (json && inString && (c == '"' || whiteEscape(s, after, i, n)))) {
                break; // (in a JSON string, its closing quote or an escaped line break ends the run too)
            }
            if (!closer(c)) {
                return false;
            }
        }
        if (i == n && !complete) {
            return false; // the word goes on in text not seen yet
        }
        if (!json || !inString) {
            return true;
        }
        // in a JSON string: the rest of the string holds no URL character (nor an escape other than white space)
        for (int k = end; k < n; k++) {
            char c = at(s, after, k);
            if (c == '"') {
                return true;
            }
            if (c == '\\') {
                if (!whiteEscape(s, after, k, n) && !(k + 1 < n && at(s, after, k + 1) == '"')) {
                    return false;
                }
                k++;
            } else if (urlish(c) || (c == ':' && k + 1 < n && !asciiSpace(at(s, after, k + 1)))) {
                return false;
            }
        }
        return complete;
    }

    /** Whether a JSON escape of white space ({@code \\n}, {@code \\t} ...) starts at {@code i}. */
    private static boolean whiteEscape(CharSequence s, CharSequence after, int i, int n) {
        return at(s, after, i) == '\\' && i + 1 < n && WHITE_ESCAPES.indexOf(at(s, after, i + 1)) >= 0;
    }

    private static char at(CharSequence s, CharSequence after, int i) {
        return i < s.length() ? s.charAt(i) : after.charAt(i - s.length());
    }
}
