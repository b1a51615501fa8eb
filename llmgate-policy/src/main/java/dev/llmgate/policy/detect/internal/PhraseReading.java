package dev.llmgate.policy.detect.internal;

import java.util.Set;

/**
 * The normal form of a text as a model reads its words: inline markup left out, and the punctuation, quotes,
 * brackets, symbols and emoji between words read as one space, with a map back to the normal form. Derived from
 * the grammar of markdown and HTML and from Unicode character categories, not from lists of strings:
 *
 * <ul>
 *   <li>left out (a word goes on through them): markdown emphasis, strikethrough and code marks ({@code *},
 *       {@code _}, {@code ~}, backticks) that open and close as markdown pairs them (a run that can open — followed
 *       by a word — closed by a later run of the same character that can close — preceded by one; {@code _} not
 *       inside a word); inline HTML tags ({@code <b>}, {@code </em>}, {@code <span class="x">}, ...); the delimiters
 *       of comments, CDATA, declarations and processing instructions (their content is read; one that holds
 *       nothing but white space or one short word is left out whole);
 *   <li>a space, anywhere between the words of a phrase: quotes (initial and final punctuation {@code Pi}/{@code
 *       Pf}, {@code "}, {@code '} not inside a word, low quotes), and brackets around one word ({@code (all)}); an
 *       apostrophe-like quote inside a word ({@code don’t}) reads as {@code '};
 *   <li>a space that separates ({@linkplain #separators separator}): the other punctuation between words
 *       ({@code , ; :}, an ellipsis, dashes and a hyphen standing alone, brackets around more than a word, other
 *       {@code Po}, {@code Pc}), symbols ({@code Sm}, {@code Sc}, {@code Sk}, {@code So}: arrows, emoji, also as
 *       surrogate pairs and unassigned code points), other HTML tags ({@code <br>}, {@code <p>}), unpaired markdown
 *       marks;
 *   <li>kept: letters, digits, whitespace (one space or line break per run), a full stop, {@code !} and {@code ?}
 *       (sentence ends: a phrase does not read across them), {@code '}, {@code -} and {@code _} inside a word.
 * </ul>
 *
 * <p>One pass over the normal form (and one over its markdown marks, which are paired with a stack): linear time.
 * The prompt-injection detector matches its phrases in this reading too (a phrase found only here counts as
 * obfuscation). Immutable.
 */
public final class PhraseReading {
    public final String text;
    /** The text's characters as bytes when they are all ASCII, else null. */
    public final byte[] ascii;
    /**
     * Where {@link #text} is a copy of the normal form, piece by piece: per piece (in increasing order), its first
     * position in {@link #text} in the upper 32 bits and, in the lower, how far ahead in the normal form its
     * characters come from (a piece ends where something is left out or stands for more than itself).
     */
    private final long[] pieces;

    private final int pieceCount;
    /** Positions of {@link #text} where it differs from the normal form (a space that stands for something, or where something was left out), increasing. */
    private final int[] folds;

    private final int foldCount;
    /** Positions of {@link #text} whose space stands for separating punctuation or a symbol, increasing. */
    private final int[] separators;
    /** Per separator, the offset in the normal form of the (first) character it stands for. */
    private final int[] separatorChars;

    private final int separatorCount;

    private PhraseReading(
            String text,
            byte[] ascii,
            long[] pieces,
            int pieceCount,
            int[] folds,
            int foldCount,
            int[] separators,
            int[] separatorChars,
            int sepCount) {
        this.text = text;
        this.ascii = ascii;
        this.pieces = pieces;
        this.pieceCount = pieceCount;
        this.folds = folds;
        this.foldCount = foldCount;
        this.separators = separators;
        this.separatorChars = separatorChars;
        this.separatorCount = sepCount;
    }

    /** The offset in the normal form of position {@code i} of {@link #text}. */
    public int normalStart(int i) {
        return i < text.length() ? normal(i) : (text.isEmpty() ? 0 : normal(text.length() - 1) + 1);
    }

    /** The offset in the normal form of the character at position {@code p} of {@link #text}. */
    private int normal(int p) {
        int lo = 0;
        int hi = pieceCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if ((int) (pieces[mid] >>> 32) <= p) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return p + (int) pieces[lo - 1];
    }

    /** The end offset in the normal form of end position {@code e} of {@link #text}. */
    public int normalEnd(int e) {
        return e == 0 ? 0 : normal(e - 1) + 1;
    }

    /**
     * How the match {@code [s, e)} of {@link #text} reads: {@link #NOT_READ_THROUGH} if it reads through nothing
     * folded (no fold within it or at either edge, where {@code \b} looks: the normal form has it too);
     * {@link #READ} if the separators inside it are where a phrase can be set off — only right after its first
     * word ("Ignore: all previous instructions", "Ignore → previous instructions") or between every two of its
     * words ("Ignore → all → previous → instructions"); else {@link #SEPARATED}: a separator further in is a clause
     * boundary of prose ("Skip this step, the instructions are optional") unless the phrase's own grammar has that
     * punctuation there (see {@link #withPunctuation}).
     */
    public int readsThrough(int s, int e, MeteredText metered) {
        int f = firstAtLeast(folds, foldCount, s - 1);
        if (f >= foldCount || folds[f] > e) {
            return NOT_READ_THROUGH;
        }
        int first = firstAtLeast(separators, separatorCount, s + 1);
        if (first >= separatorCount || separators[first] >= e) {
            return READ; // no separator inside
        }
        int wordEnd = s;
        while (wordEnd < e && text.charAt(wordEnd) != ' ' && text.charAt(wordEnd) != '\n') {
            wordEnd++;
        }
        int inside = 0;
        boolean onlyAfterFirstWord = true;
        for (int i = first; i < separatorCount && separators[i] < e; i++) {
            inside++;
            onlyAfterFirstWord &= separators[i] == wordEnd;
        }
        if (onlyAfterFirstWord) {
            return READ;
        }
        int spaces = 0;
        for (int i = s + 1; i < e; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n') {
                spaces++;
            }
        }
        metered.charge(e - s);
        return spaces == inside ? READ : SEPARATED;
    }

    /**
     * The match {@code [s, e)} of {@link #text} with the punctuation its separators stand for put back (a
     * separator for one ASCII punctuation character of the normal form {@code n}, such as the comma of "from now
     * on, you are"), so that a phrase whose grammar has that punctuation can be tried on it; the end of the last
     * separator in it is {@code lastSeparator[0]}.
     */
    public String withPunctuation(String n, int s, int e, int[] lastSeparator) {
        StringBuilder b = new StringBuilder(e - s + 8);
        int sep = firstAtLeast(separators, separatorCount, s);
        for (int i = s; i < e; i++) {
            if (sep < separatorCount && separators[sep] == i) {
                int at = separatorChars[sep++];
                b.append(n.charAt(at));
                if (Character.isHighSurrogate(n.charAt(at)) && at + 1 < n.length()) {
                    b.append(n.charAt(at + 1));
                }
                b.append(text.charAt(i));
                lastSeparator[0] = b.length();
            } else {
                b.append(text.charAt(i));
            }
        }
        return b.toString();
    }

    /**
     * How far ahead of a start {@link PatternStarts} looks to decide it (the preceding character, and a prefix of at most
     * {@code PatternStarts.MAX_DEPTH} characters), with room to spare.
     */
    private static final int LOOKAHEAD = 16;

    /**
     * The candidate starts in this reading of the patterns of {@code starts} in the set {@code readThrough} (a bit per
     * pattern), from their candidates in the normal form ({@code written}): where the reading's text around a start is the normal form's, the start is decided the
     * same way, so only the word starts with a fold at most {@link #LOOKAHEAD} characters ahead (or right before)
     * are looked up again; the normal form's candidates are mapped over (a superset of the rest is enough:
     * trying a phrase where it cannot start finds nothing). Each position is looked at once at most: linear.
     */
    public PatternStarts.Candidates candidates(
            PatternStarts starts, long readThrough, PatternStarts.Candidates written, MeteredText metered) {
        int phrases = written.ownCounts().length;
        // word starts near a fold, and the read-through phrases that can start there
        int[] near = new int[16];
        long[] nearMasks = new long[16];
        int nearCount = 0;
        int checked = 0; // positions before this one were looked at
        long read = 0;
        int size = text.length();
        for (int f = 0; f < foldCount; f++) {
            int q = folds[f];
            int from = Math.max(checked, q - LOOKAHEAD);
            int to = Math.min(size - 1, q + 1);
            for (int p = from; p <= to; p++) {
                read++;
                if (!wordChar(text.charAt(p)) || (p > 0 && wordChar(text.charAt(p - 1)))) {
                    continue;
                }
                long mask = starts.at(text, p) & readThrough;
                read += LOOKAHEAD;
                if (mask != 0) {
                    if (nearCount == near.length) {
                        near = java.util.Arrays.copyOf(near, nearCount * 2);
                        nearMasks = java.util.Arrays.copyOf(nearMasks, nearCount * 2);
                    }
                    near[nearCount] = p;
                    nearMasks[nearCount++] = mask;
                }
            }
            checked = Math.max(checked, to + 1);
        }
        int[] shared = new int[written.sharedCount()];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = position(written.shared()[i]);
        }
        int[][] own = new int[phrases][];
        int[] ownCounts = new int[phrases];
        for (int k = 0; k < phrases; k++) {
            if ((readThrough & (1L << k)) == 0) {
                own[k] = new int[0];
                continue;
            }
            int[] mine = written.own(k);
            int mineCount = written.ownCount(k);
            int[] merged = new int[mineCount + nearCount];
            int count = 0;
            int a = 0;
            int b = 0;
            while (a < mineCount || b < nearCount) {
                int next;
                if (b >= nearCount || (a < mineCount && position(mine[a]) <= near[b])) {
                    next = position(mine[a++]);
                } else if ((nearMasks[b] & (1L << k)) != 0) {
                    next = near[b++];
                } else {
                    b++;
                    continue;
                }
                if (count == 0 || merged[count - 1] != next) {
                    merged[count++] = next;
                }
            }
            own[k] = merged;
            ownCounts[k] = count;
        }
        metered.charge(read + 8L * (written.sharedCount() + nearCount));
        return new PatternStarts.Candidates(own, ownCounts, shared, shared.length);
    }

    /** The position of this reading's text that normal-form offset {@code i} reads as (the first at or after it). */
    private int position(int i) {
        // the last piece that starts at or before i in the normal form
        int lo = 0;
        int hi = pieceCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long piece = pieces[mid];
            if ((int) (piece >>> 32) + (int) piece <= i) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            return 0;
        }
        int p = i - (int) pieces[lo - 1];
        int pieceEnd = lo < pieceCount ? (int) (pieces[lo] >>> 32) : text.length();
        return Math.min(p, pieceEnd);
    }

    /** {@link #readsThrough}: found as written (or not a phrase); read through; through a separator in prose. */
    public static final int NOT_READ_THROUGH = 0;

    public static final int READ = 1;
    public static final int SEPARATED = 2;

    private static int firstAtLeast(int[] a, int count, int value) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Markdown marks: left out when paired. */
    private static boolean mark(char c) {
        return c == '*' || c == '_' || c == '~' || c == '`';
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\n';
    }

    private static boolean wordChar(char c) {
        return c < 0x80
                ? (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
                : Character.isLetterOrDigit(c) || Character.isSurrogate(c);
    }

    /** Markdown's "punctuation" next to a mark: neither a word character nor whitespace. */
    private static boolean punct(char c) {
        return !blank(c) && !wordChar(c);
    }

    /** Inline HTML elements (phrasing content that formats text), by name. */
    private static final Set<String> INLINE_TAGS = Set.of(
            "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
            "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "var");

    /** A tag longer than this is not read as one. */
    private static final int MAX_TAG = 256;

    /**
     * Per character of {@code n}, 1 where a markdown mark is left out (paired as markdown pairs emphasis, code
     * and strikethrough marks, simplified: a closing run closes the nearest open run of its character among the
     * last four open runs, and those above it are dropped); null when no mark pairs.
     */
    private static byte[] pairedMarks(String n, long[] read) {
        int size = n.length();
        if (n.indexOf('*') < 0 && n.indexOf('_') < 0 && n.indexOf('~') < 0 && n.indexOf('`') < 0) {
            read[0] += 4L * size;
            return null;
        }
        byte[] out = null;
        int[] openAt = new int[16];
        int[] openLen = new int[16];
        int open = 0;
        int i = 0;
        while (i < size) {
            char c = n.charAt(i);
            if (!mark(c)) {
                i++;
                continue;
            }
            int j = i;
            while (j < size && n.charAt(j) == c) {
                j++;
            }
            char before = i == 0 ? ' ' : n.charAt(i - 1);
            char after = j == size ? ' ' : n.charAt(j);
            boolean left = !blank(after) && (!punct(after) || blank(before) || punct(before));
            boolean right = !blank(before) && (!punct(before) || blank(after) || punct(after));
            boolean canOpen = c == '_' ? left && (!right || punct(before)) : left;
            boolean canClose = c == '_' ? right && (!left || punct(after)) : right;
            boolean closed = false;
            if (canClose) {
                for (int d = open - 1; d >= Math.max(0, open - 4); d--) {
                    int at = openAt[d];
                    if (n.charAt(at) == c && (c != '`' || openLen[d] == j - i)) {
                        if (out == null) {
                            out = new byte[size];
                        }
                        java.util.Arrays.fill(out, at, at + openLen[d], (byte) 1);
                        java.util.Arrays.fill(out, i, j, (byte) 1);
                        open = d;
                        closed = true;
                        break;
                    }
                }
            }
            if (!closed && canOpen) {
                if (open == openAt.length) {
                    openAt = java.util.Arrays.copyOf(openAt, open * 2);
                    openLen = java.util.Arrays.copyOf(openLen, open * 2);
                }
                openAt[open] = i;
                openLen[open++] = j - i;
            }
            i = j;
        }
        read[0] += 5L * size;
        return out;
    }

    /** The reading of normal form {@code n} ({@code ascii}: its bytes, or null), or null if it reads as it is. */
    public static PhraseReading of(String n, byte[] ascii, MeteredText metered) {
        long[] read = {0};
        try {
            return build(n, ascii, read);
        } finally {
            metered.charge(read[0]);
        }
    }

    private static PhraseReading build(String n, byte[] ascii, long[] read) {
        int size = n.length();
        if (!mayFold(n, read)) {
            return null;
        }
        byte[] marks = null; // paired markdown marks: looked for at the first mark
        boolean marksRead = false;
        // the reading, as bytes when the normal form is ASCII (so is the reading), else as characters
        byte[] bytes = ascii != null ? new byte[size + 1] : null;
        char[] out = ascii != null ? null : new char[size + 1];
        char last = ' '; // the last character written
        long[] pieces = new long[16];
        int pieceCount = 0;
        int[] folds = new int[16];
        int[] seps = new int[16];
        int[] sepChars = new int[16];
        int len = 0;
        int foldCount = 0;
        int sepCount = 0;
        int neutralClose = -1; // the closing bracket of a bracket around one word
        boolean allAscii = true;
        int i = 0;
        while (i < size) {
            char c = n.charAt(i);
            if (c < 0x80 && PLAIN[c]) {
                // a run of letters, digits, sentence ends and single spaces: as it is
                int from = i;
                i = ascii != null ? asciiRunEnd(ascii, i) : runEnd(n, i);
                if (pieceCount == 0 || (int) pieces[pieceCount - 1] != from - len) {
                    pieces = add(pieces, pieceCount++, (long) len << 32 | (from - len));
                }
                if (bytes != null) {
                    System.arraycopy(ascii, from, bytes, len, i - from);
                } else {
                    n.getChars(from, i, out, len);
                }
                len += i - from;
                last = n.charAt(i - 1);
                read[0] += i - from;
                if (i == size) {
                    break;
                }
                c = n.charAt(i);
            }
            if (!marksRead && mark(c)) {
                marks = pairedMarks(n, read);
                marksRead = true;
            }
            int kind; // KEEP, LEAVE_OUT (of `next` characters), SPACE (neutral), SEPARATOR
            int next = i + 1;
            char emit = c;
            if ((c == '?' && i + 1 < size && n.charAt(i + 1) == '>') || (c == ']' && n.startsWith("]]>", i))) {
                kind = LEAVE_OUT; // the end of a processing instruction, of CDATA (the content was read)
                next = c == '?' ? i + 2 : i + 3;
            } else if (c < 0x80 && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' || c == '?')) {
                kind = KEEP;
            } else if (c == ' ' || c == '\n') {
                kind = BLANK;
            } else if (marks != null && marks[i] != 0) {
                kind = LEAVE_OUT;
            } else if (c < 0x80) {
                switch (c) {
                    case '\'':
                        kind = inWord(last, len, n, i + 1) ? KEEP : SPACE;
                        break;
                    case '-':
                        if (n.startsWith("-->", i)) {
                            kind = LEAVE_OUT; // the end of a comment (its content is read)
                            next = i + 3;
                        } else {
                            kind = inWord(last, len, n, i + 1) ? KEEP : SEPARATOR;
                        }
                        break;
                    case '_':
                        kind = KEEP; // not a pair: a word character, as in identifiers (_id, snake_case)
                        break;
                    case '.':
                        if (i + 1 < size && n.charAt(i + 1) == '.') {
                            while (next < size && n.charAt(next) == '.') {
                                next++;
                            }
                            kind = SEPARATOR; // an ellipsis
                        } else {
                            kind = KEEP;
                        }
                        break;
                    case '"':
                        kind = SPACE;
                        break;
                    case '(':
                    case '[':
                    case '{':
                        neutralClose = aroundOneWord(n, i, read);
                        kind = neutralClose > 0 ? SPACE : SEPARATOR;
                        break;
                    case ')':
                    case ']':
                    case '}':
                        kind = i == neutralClose ? SPACE : SEPARATOR;
                        break;
                    case '<':
                        int opening = commentOpening(n, i);
                        int tagEnd = opening > 0 ? -1 : tag(n, i, read);
                        if (opening > 0) {
                            // the start of a comment, a declaration, CDATA: left out, the content read (a model reads
                            // it; the normal form is read for phrases as written too)
                            kind = LEAVE_OUT;
                            next = i + opening;
                        } else if (tagEnd > 0) {
                            kind = inlineTag(n, i, tagEnd) ? LEAVE_OUT : SEPARATOR;
                            next = tagEnd;
                        } else {
                            kind = SEPARATOR;
                        }
                        break;
                    default:
                        kind = SEPARATOR;
                }
            } else if (Character.isHighSurrogate(c) && i + 1 < size && Character.isLowSurrogate(n.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, n.charAt(i + 1));
                next = i + 2;
                kind = Character.isLetterOrDigit(cp) ? KEEP : SEPARATOR; // an emoji, a symbol outside the BMP
            } else {
                switch (Character.getType(c)) {
                    case Character.INITIAL_QUOTE_PUNCTUATION:
                    case Character.FINAL_QUOTE_PUNCTUATION:
                        if (inWord(last, len, n, i + 1)) {
                            kind = KEEP;
                            emit = '\''; // an apostrophe written as a quote: don’t
                        } else {
                            kind = SPACE;
                        }
                        break;
                    case Character.START_PUNCTUATION:
                        if (c == '\u201A' || c == '\u201E' || c == '\u2E42') {
                            kind = SPACE; // low quotes
                        } else {
                            neutralClose = aroundOneWord(n, i, read);
                            kind = neutralClose > 0 ? SPACE : SEPARATOR;
                        }
                        break;
                    case Character.END_PUNCTUATION:
                        kind = i == neutralClose ? SPACE : SEPARATOR;
                        break;
                    case Character.DASH_PUNCTUATION:
                        kind = inWord(last, len, n, i + 1) ? KEEP : SEPARATOR;
                        break;
                    case Character.OTHER_PUNCTUATION:
                    case Character.MATH_SYMBOL:
                    case Character.CURRENCY_SYMBOL:
                    case Character.MODIFIER_SYMBOL:
                    case Character.OTHER_SYMBOL:
                    case Character.UNASSIGNED:
                    case Character.PRIVATE_USE:
                    case Character.SURROGATE:
                    case Character.CONTROL:
                        kind = SEPARATOR;
                        break;
                    default:
                        kind = KEEP; // letters, digits, numbers, marks; connectors (\u203F), word characters as _
                    // is
                }
            }
            read[0] += next - i;
            if (kind == KEEP) {
                if (pieceCount == 0 || (int) pieces[pieceCount - 1] != i - len) {
                    pieces = add(pieces, pieceCount++, (long) len << 32 | (i - len));
                }
                for (int k = i; k < next; k++) {
                    char w = k == i ? emit : n.charAt(k);
                    allAscii &= w < 0x80;
                    len = put(bytes, out, len, w);
                    last = w;
                }
                if (emit != c) {
                    folds = add(folds, foldCount++, len - 1);
                }
            } else if (kind == BLANK) {
                if (len > 0 && blank(last)) {
                    if (c == '\n') {
                        put(bytes, out, len - 1, '\n');
                        last = '\n';
                    }
                } else {
                    if (pieceCount == 0 || (int) pieces[pieceCount - 1] != i - len) {
                        pieces = add(pieces, pieceCount++, (long) len << 32 | (i - len));
                    }
                    len = put(bytes, out, len, c);
                    last = c;
                }
            } else if (kind == LEAVE_OUT) {
                if (foldCount == 0 || folds[foldCount - 1] != len) {
                    folds = add(folds, foldCount++, len);
                }
            } else {
                int at;
                if (len > 0 && blank(last)) {
                    at = len - 1;
                } else {
                    at = len;
                    if (pieceCount == 0 || (int) pieces[pieceCount - 1] != i - len) {
                        pieces = add(pieces, pieceCount++, (long) len << 32 | (i - len));
                    }
                    len = put(bytes, out, len, ' ');
                    last = ' ';
                }
                if (foldCount == 0 || folds[foldCount - 1] != at) {
                    folds = add(folds, foldCount++, at);
                }
                if (kind == SEPARATOR && (sepCount == 0 || seps[sepCount - 1] != at)) {
                    seps = add(seps, sepCount, at);
                    sepChars = add(sepChars, sepCount++, i);
                }
            }
            i = next;
        }
        if (foldCount == 0) {
            return null;
        }
        String text;
        if (bytes != null) {
            bytes = java.util.Arrays.copyOf(bytes, len);
            text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        } else {
            text = new String(out, 0, len);
            if (allAscii) {
                bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
        return new PhraseReading(text, bytes, pieces, pieceCount, folds, foldCount, seps, sepChars, sepCount);
    }

    /** Per ASCII character: a lower-case letter or a digit (the normal form is lower-cased). */
    private static final boolean[] PLAIN = new boolean[128];

    /** {@link #PLAIN}, {@code !} and {@code ?}. */
    private static final boolean[] PLAIN_OR_END = new boolean[128];

    /** Per byte, how {@link #asciiRunEnd} takes it. */
    private static final byte[] RUN = new byte[256];

    private static final byte RUN_END = 0;
    private static final byte RUN_COPY = 1;
    private static final byte RUN_SPACE = 2;
    private static final byte RUN_DOT = 3;

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            PLAIN[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            PLAIN[c] = true;
        }
        System.arraycopy(PLAIN, 0, PLAIN_OR_END, 0, 128);
        PLAIN_OR_END['!'] = true;
        PLAIN_OR_END['?'] = true;
        for (int c = 0; c < 128; c++) {
            RUN[c] = PLAIN_OR_END[c] ? RUN_COPY : RUN_END;
        }
        RUN[' '] = RUN_SPACE;
        RUN['.'] = RUN_DOT;
    }

    /** Whether {@code n} has a character this reading may fold (one pass, no allocation: most text has one early). */
    private static boolean mayFold(String n, long[] read) {
        int size = n.length();
        for (int i = 0; i < size; i++) {
            char c = n.charAt(i);
            if (c < 0x80) {
                if (PLAIN[c] || c == ' ' || c == '\n' || c == '!' || c == '?') {
                    continue;
                }
                boolean between = i > 0 && i + 1 < size && wordChar(n.charAt(i - 1)) && wordChar(n.charAt(i + 1));
                if ((c == '.' && (i + 1 == size || n.charAt(i + 1) != '.'))
                        || ((c == '\'' || c == '-' || c == '_') && between)) {
                    continue;
                }
            } else if (Character.isLetterOrDigit(c)) {
                continue;
            }
            read[0] += i + 1;
            return true;
        }
        read[0] += size;
        return false;
    }

    private static final int KEEP = 0;
    private static final int BLANK = 1;
    private static final int LEAVE_OUT = 2;
    private static final int SPACE = 3;
    private static final int SEPARATOR = 4;

    private static int[] add(int[] a, int count, int value) {
        int[] b = count == a.length ? java.util.Arrays.copyOf(a, count * 2) : a;
        b[count] = value;
        return b;
    }

    /** Writes {@code c} at {@code at} of the reading ({@code bytes} if ASCII, else {@code chars}); returns {@code at + 1}. */
    private static int put(byte[] bytes, char[] chars, int at, char c) {
        if (bytes != null) {
            bytes[at] = (byte) c;
        } else {
            chars[at] = c;
        }
        return at + 1;
    }

    private static long[] add(long[] a, int count, long value) {
        long[] b = count == a.length ? java.util.Arrays.copyOf(a, count * 2) : a;
        b[count] = value;
        return b;
    }

    /**
     * The end of the run from {@code i} (a letter or digit) that the reading copies as it is: letters, digits,
     * {@code !}, {@code ?}, a full stop not followed by another and a space after anything but a space (what
     * {@link #build} keeps or writes as one blank, one character for one).
     */
    private static int runEnd(String n, int i) {
        int size = n.length();
        while (++i < size) {
            char c = n.charAt(i);
            if (c >= 0x80 || !copied(c, n.charAt(i - 1), i + 1 < size ? n.charAt(i + 1) : ' ')) {
                return i;
            }
        }
        return i;
    }

    /** {@link #runEnd} over the normal form's bytes (all ASCII). */
    private static int asciiRunEnd(byte[] ascii, int i) {
        int size = ascii.length;
        while (++i < size) {
            byte kind = RUN[ascii[i] & 0xFF];
            if (kind != RUN_COPY
                    && (kind == RUN_END
                            || (kind == RUN_SPACE ? ascii[i - 1] == ' ' : i + 1 < size && ascii[i + 1] == '.'))) {
                return i;
            }
        }
        return i;
    }

    private static boolean copied(char c, char before, char after) {
        return c == ' ' ? before != ' ' : c == '.' ? after != '.' : PLAIN_OR_END[c];
    }

    /** Whether the character written last and the one at {@code next} of {@code n} are word characters: inside a word. */
    private static boolean inWord(char last, int len, String n, int next) {
        return len > 0 && wordChar(last) && next < n.length() && wordChar(n.charAt(next));
    }

    /** The position of the closing bracket if the bracket at {@code i} encloses one word ({@code (all)}), else -1. */
    private static int aroundOneWord(String n, int i, long[] read) {
        int j = i + 1;
        int size = n.length();
        while (j < size && (wordChar(n.charAt(j)) || n.charAt(j) == '\'' || n.charAt(j) == '-')) {
            j++;
        }
        read[0] += j - i;
        if (j == i + 1 || j >= size) {
            return -1;
        }
        char c = n.charAt(j);
        boolean closing =
                c < 0x80 ? c == ')' || c == ']' || c == '}' : Character.getType(c) == Character.END_PUNCTUATION;
        return closing ? j : -1;
    }

    /**
     * The end of the HTML tag at {@code i} ({@code <name ...>}, {@code </name>}, {@code <name/>}: a letter after
     * {@code <} or {@code </}, a {@code >} within {@link #MAX_TAG} characters and before the next {@code <}; line
     * breaks between attributes allowed, as CommonMark's raw HTML allows them), or -1. A {@code >} inside a quoted
     * attribute value ends the tag here (what follows is read). Stopping at the next {@code <} keeps a run of
     * unterminated tags linear.
     */
    private static int tag(String n, int i, long[] read) {
        int size = n.length();
        int j = i + 1;
        if (j < size && n.charAt(j) == '/') {
            j++;
        }
        if (j >= size || n.charAt(j) < 'a' || n.charAt(j) > 'z') {
            return -1;
        }
        int limit = Math.min(size, i + MAX_TAG);
        for (int k = j; k < limit; k++) {
            char c = n.charAt(k);
            if (c == '>') {
                read[0] += k - i;
                return k + 1;
            }
            if (c == '<') {
                read[0] += k - i;
                return -1;
            }
        }
        read[0] += limit - i;
        return -1;
    }

    /**
     * The length of the opening of an HTML comment ({@code <!--}), CDATA ({@code <![CDATA[}), a declaration or a
     * processing instruction ({@code <!}, {@code <?}) at {@code i} of {@code n}, or 0: left out of the reading, as their
     * closings are, while what they enclose is read (a model reads it). One that holds nothing but white space, or one
     * word of at most {@value #SHORT_MARKUP} characters ({@code <!-- -->}, {@code <?x?>}, {@code <!x>}), is left out
     * whole: the length of all of it.
     */
    private static int commentOpening(String n, int i) {
        int size = n.length();
        if (i + 1 >= size) {
            return 0;
        }
        char c = n.charAt(i + 1);
        if (c != '!' && c != '?') {
            return 0;
        }
        boolean comment = n.startsWith("!--", i + 1);
        int opening = comment ? 4 : n.startsWith("![cdata[", i + 1) ? 9 : 2;
        // what it holds, up to its closing, if short
        int j = i + opening;
        int limit = Math.min(size, j + SHORT_MARKUP + 2);
        boolean blank = true;
        boolean space = false;
        for (int k = j; k < limit; k++) {
            char x = n.charAt(k);
            if (comment ? n.startsWith("-->", k) : x == '>') {
                return blank || !space ? k + (comment ? 3 : 1) - i : opening;
            }
            if (x == ' ' || x == '\n') {
                space = true;
            } else {
                blank = false;
            }
        }
        return opening;
    }

    /** The most characters a comment or a declaration left out whole may hold ({@link #commentOpening}). */
    private static final int SHORT_MARKUP = 32;

    /** Whether the tag {@code [i, end)} of {@code n} is an inline formatting element ({@link #INLINE_TAGS}). */
    private static boolean inlineTag(String n, int i, int end) {
        int j = i + 1;
        if (n.charAt(j) == '/') {
            j++;
        }
        int k = j;
        while (k < end && ((n.charAt(k) >= 'a' && n.charAt(k) <= 'z') || (n.charAt(k) >= '0' && n.charAt(k) <= '9'))) {
            k++;
        }
        char after = n.charAt(k);
        return (after == '>' || after == ' ' || after == '/' || after == '\n')
                && INLINE_TAGS.contains(n.substring(j, k));
    }
}
