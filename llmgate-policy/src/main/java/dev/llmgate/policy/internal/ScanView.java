package dev.llmgate.policy.internal;

import dev.llmgate.policy.Channel;
import dev.llmgate.policy.detect.internal.AsciiLanes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The text the detectors scan for one decision, built from one or more sources (a message's text, a
 * tool call's JSON arguments, a URL ...), with a map from every character back to where it came
 * from. Three things happen on the way in:
 * <ul>
 *   <li><b>folding</b>: each code point reads as {@link UnicodeFold} says (zero-width characters
 *       dropped, digits of every script, full-width forms and Unicode spaces and dashes made ASCII);</li>
 *   <li><b>decoding</b>: {@code \}{@code uXXXX} and the other backslash escapes, HTML numeric
 *       references (<code>&amp;#52;</code>, <code>&amp;#x34;</code>) and percent-encoded ASCII ({@code %34}) read as
 *       the character they encode (one level); a {@link Kind#JSON} source (an object or array with
 *       nothing but JSON tokens) is read as its decoded
 *       values: string values and numbers in document order, then the object keys, each piece
 *       separated by a line break, and a run of single-digit array elements ({@code [4,1,1,1]}) as
 *       one number; one with other tokens inside ({@code NaN}, comments: what lenient readers take) is read
 *       both ways, its values so and then its whole text as text ({@link #rereads}); anything else as text;
 *       and at the end, the members of every JSON source once more, each as {@code key: value} (so that a value
 *       has its label in front of it: {@code {"password": "…"}}), also a {@link #rereads} span;</li>
 *   <li><b>joining</b>: the sources follow each other in the order they were added, separated by a
 *       line break that stands for no source character. Where such a separator falls between two
 *       letters or digits it is a <em>junction</em>: the engine also scans the text around it
 *       joined directly, so a value split in the middle is found.</li>
 * </ul>
 * A finding's span in the view maps back to one or more pieces of the sources ({@link #pieces});
 * redaction rewrites those pieces only, so JSON stays JSON. A single plain source with nothing to
 * fold or decode is its own view (no copy, no map). Immutable once built; not thread-safe to build.
 */
final class ScanView {

    /** How a source's text is read. */
    public enum Kind {
        /** Free text. */
        PLAIN,
        /** JSON text (tool-call arguments, schemas, a structured answer): read as its decoded values. */
        JSON,
        /** A name that must stay an identifier ({@code [A-Za-z0-9_-]}): redacted to a plain word. */
        NAME,
        /** A URL: redaction is percent-encoded. */
        URL
    }

    /** One source of the view: where it came from, its text and how it is read. */
    public record Source(Channel channel, String text, Kind kind) {}

    /** A piece of one source that a span of the view covers: {@code [start, end)} of source {@code source}. */
    public record Piece(int source, int start, int end, boolean number) {}

    static final byte LINEAR = 0; // view char i maps to source char from + (i - viewStart)
    static final byte FOLDED = 1; // every view char of the run maps to the whole source range [from, to)
    static final byte DROPPED = 2; // no view chars: source chars [from, to) were dropped
    static final byte VIRTUAL = 3; // a separator that stands for no source character
    static final byte NUMBER = 4; // LINEAR, and the whole run is one JSON number token

    private final String text;
    private final List<Source> sources;
    private final int runs;
    private final int[] runView;
    private final int[] runSrc;
    private final int[] runFrom;
    private final int[] runTo;
    private final byte[] runType;
    private final int[] junctions;
    private final int invisibles;

    private final boolean hiddenTagText;

    /** Tag characters in a text that make a hidden text ({@link #hiddenTagText()}). */
    static final int HIDDEN_TAG_COUNT = 4;

    private final int[] disguised;
    private final int[] rereads;

    private ScanView(
            String text,
            List<Source> sources,
            int runs,
            int[] runView,
            int[] runSrc,
            int[] runFrom,
            int[] runTo,
            byte[] runType,
            int[] junctions,
            int invisibles,
            boolean hiddenTagText,
            int[] disguised,
            int[] rereads) {
        this.hiddenTagText = hiddenTagText;
        this.text = text;
        this.rereads = rereads;
        this.sources = sources;
        this.runs = runs;
        this.runView = runView;
        this.runSrc = runSrc;
        this.runFrom = runFrom;
        this.runTo = runTo;
        this.runType = runType;
        this.junctions = junctions;
        this.invisibles = invisibles;
        this.disguised = disguised;
    }

    private static final int[] NONE = new int[0];

    /** The view of one source. */
    public static ScanView of(Channel channel, String text, Kind kind) {
        Builder b = new Builder();
        b.add(channel, text, kind);
        return b.build();
    }

    /** A builder that joins sources in the order they are added. */
    public static Builder builder() {
        return new Builder();
    }

    /** What the detectors scan. */
    public String text() {
        return text;
    }

    public List<Source> sources() {
        return sources;
    }

    /** View positions of the separators that fall between two letters or digits (see the class comment). */
    public int[] junctions() {
        return junctions;
    }

    /**
     * The view spans, as pairs {@code [from, to)} in increasing order, where a source is read a second time: JSON with
     * tokens no strict reader takes ({@code NaN}, comments) as text, the members of JSON sources as {@code key:
     * value}, text with hidden tag characters with the tags decoded. A value found there may have been found in the
     * first reading too, and is counted once.
     */
    public int[] rereads() {
        return rereads;
    }

    /**
     * View positions (increasing) of the white space, quotes, brackets and backslashes that the source wrote
     * otherwise: decoded from an escape of free text ({@code %22}, <code>&amp;#41;</code>, {@code \}{@code u0020}) or
     * folded from a look-alike (a full-width quote, an ideographic space). They do not end a URL or a value where the
     * source is read (a browser, a markdown renderer), so the detectors must not end one there. Not listed: a JSON string escape (the
     * character itself to whoever reads the JSON, unless folded) and a quote escaped with a backslash in free text
     * ({@code \"}: HTML does not read backslash escapes, the quote ends an attribute there).
     */
    public int[] disguised() {
        return disguised; // (internal: not copied, as junctions())
    }

    /**
     * Whether the sources hold {@value #HIDDEN_TAG_COUNT} or more tag characters (U+E0020..U+E007E) in all, in a row or
     * not (the flags of England, Scotland and Wales aside): an invisible copy of ASCII text that a model may read and
     * a person cannot see ("ASCII smuggling"). They are dropped from the view like every invisible character (tags
     * put inside a value cannot break it), and the sources that hold them are read again with the tags decoded
     * ({@link #rereads}); such a text is reported as obfuscation where the injection detector runs.
     */
    public boolean hiddenTagText() {
        return hiddenTagText;
    }

    /** How many invisible characters (format characters, combining marks, tags) were dropped. */
    public int invisibles() {
        return invisibles;
    }

    /** True if the view is exactly the text of its only source (nothing folded, decoded or joined). */
    public boolean isIdentity() {
        return sources.size() == 1
                && runs == 1
                && runType[0] == LINEAR
                && text.length() == sources.get(0).text().length();
    }

    private int runAt(int viewPos) {
        int lo = 0;
        int hi = runs - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (runView[mid] <= viewPos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * The start of the shortest end piece {@code [p, length)} of source 0 (from {@code from} on) that holds at least
     * {@code n} characters as the detectors read them, or {@code from} if {@code [from, length)} holds fewer: how far
     * back from its end a text must be kept to keep {@code n} such characters. A character the first reading drops
     * (zero-width characters, combining marks, tags) counts nothing; an escape or a look-alike counts as what it reads
     * as (a backslash escape, a numeric reference: one); a character the view leaves out (a JSON window's punctuation and
     * white space between tokens) counts one, a run of white space among them one in all. Linear in the source's
     * length.
     */
    public int lastReadCharacters(int from, int n) {
        int end = sources.get(0).text().length();
        if (end - from <= n) {
            return from;
        }
        int size = end - from;
        int[] weight = new int[size];
        boolean[] covered = new boolean[size];
        // the first reading's runs (those dropped at its very end stand at the text's length)
        int limit = rereads.length > 0 ? rereads[0] : text.length() + 1;
        for (int r = 0; r < runs && runView[r] < limit; r++) {
            byte type = runType[r];
            if (runSrc[r] != 0 || type == VIRTUAL) {
                continue;
            }
            int a = Math.max(from, runFrom[r]);
            int b = Math.min(end, type == DROPPED || type == FOLDED ? runTo[r] : runFrom[r] + runLength(r));
            for (int k = a; k < b; k++) {
                covered[k - from] = true;
                weight[k - from] = type == DROPPED || type == FOLDED ? 0 : 1;
            }
            if (type == FOLDED && runFrom[r] >= from && runFrom[r] < end) {
                weight[runFrom[r] - from] = runLength(r);
            }
        }
        String source = sources.get(0).text();
        int count = 0;
        for (int p = end - 1; p >= from; p--) {
            int i = p - from;
            if (!covered[i]) {
                boolean space = Character.isWhitespace(source.charAt(p));
                // a run of white space the view leaves out counts once
                weight[i] = space && i + 1 < size && !covered[i + 1] && Character.isWhitespace(source.charAt(p + 1))
                        ? 0
                        : 1;
            }
            count += weight[i];
            if (count >= n) {
                return p;
            }
        }
        return from;
    }

    /**
     * How many characters of source 0 from {@code from} on the first reading reads as nothing: invisible characters
     * dropped, and the characters of an escape or a look-alike beyond the ones it reads as (a numeric reference padded with zeros reads as
     * one character). White space a JSON window leaves out between tokens is not counted.
     */
    public int paddingCharacters(int from) {
        int limit = rereads.length > 0 ? rereads[0] : text.length() + 1;
        int padding = 0;
        for (int r = 0; r < runs && runView[r] < limit; r++) {
            if (runSrc[r] != 0 || runTo[r] <= from) {
                continue;
            }
            if (runType[r] == DROPPED) {
                padding += runTo[r] - Math.max(from, runFrom[r]);
            } else if (runType[r] == FOLDED && runFrom[r] >= from) {
                padding += Math.max(0, runTo[r] - runFrom[r] - runLength(r));
            }
        }
        return padding;
    }

    /** The view length of run {@code r}. */
    private int runLength(int r) {
        return (r + 1 < runs ? runView[r + 1] : text.length()) - runView[r];
    }

    /**
     * The pieces of the sources that view span {@code [start, end)} covers, in view order, adjacent
     * pieces of one source merged (source characters dropped between two covered ones included).
     */
    public List<Piece> pieces(int start, int end) {
        List<Piece> out = new ArrayList<>(2);
        if (end <= start || runs == 0) {
            return out;
        }
        int r = runAt(start);
        // a dropped run exactly at start belongs to the text before it: skip it
        while (r < runs && runView[r] < end) {
            int len = runLength(r);
            int vs = runView[r];
            byte type = runType[r];
            if (type == DROPPED) {
                // dropped characters strictly inside the span join the pieces around them
                if (vs > start && vs < end) {
                    add(out, runSrc[r], runFrom[r], runTo[r], false);
                }
            } else if (type != VIRTUAL && vs + len > start) {
                int a = Math.max(start, vs);
                int b = Math.min(end, vs + len);
                if (type == FOLDED) {
                    add(out, runSrc[r], runFrom[r], runTo[r], false);
                } else if (type == NUMBER) {
                    add(out, runSrc[r], runFrom[r], runTo[r], true); // a number is rewritten whole
                } else {
                    add(out, runSrc[r], runFrom[r] + (a - vs), runFrom[r] + (b - vs), false);
                }
            }
            r++;
        }
        return out;
    }

    private static void add(List<Piece> out, int src, int from, int to, boolean number) {
        if (!out.isEmpty()) {
            Piece last = out.get(out.size() - 1);
            if (last.source() == src && !last.number() && !number && from <= last.end() && to >= last.start()) {
                out.set(out.size() - 1, new Piece(src, Math.min(from, last.start()), Math.max(to, last.end()), false));
                return;
            }
            if (last.source() == src && last.number() == number && from == last.start() && to == last.end()) {
                return;
            }
        }
        out.add(new Piece(src, from, to, number));
    }

    /** The view text of {@code [start, end)} without the separators that stand for no source text. */
    public String value(int start, int end) {
        StringBuilder sb = null;
        int copied = start;
        for (int r = runAt(start); r < runs && runView[r] < end; r++) {
            if (runType[r] == VIRTUAL && runView[r] >= start) {
                if (sb == null) {
                    sb = new StringBuilder(end - start);
                }
                sb.append(text, copied, runView[r]);
                copied = runView[r] + 1;
            }
        }
        if (sb == null) {
            return text.substring(start, end);
        }
        return sb.append(text, Math.min(copied, end), end).toString();
    }

    /** The source position of view position {@code viewPos}'s first character (for a span's start), or -1 for a separator. */
    public int sourceStart(int viewPos) {
        if (viewPos >= text.length()) {
            return -1;
        }
        int r = runAt(viewPos);
        while (r < runs && (runType[r] == DROPPED || runLength(r) == 0)) {
            r++;
        }
        if (r >= runs || runType[r] == VIRTUAL) {
            return -1;
        }
        return runType[r] == FOLDED || runType[r] == NUMBER ? runFrom[r] : runFrom[r] + (viewPos - runView[r]);
    }

    /** The source index of view position {@code viewPos}, or -1 for a separator. */
    public int sourceOf(int viewPos) {
        int r = runAt(Math.min(viewPos, Math.max(0, text.length() - 1)));
        while (r < runs && (runType[r] == DROPPED || runLength(r) == 0)) {
            r++;
        }
        return r < runs && runType[r] != VIRTUAL ? runSrc[r] : -1;
    }

    /**
     * For a single-source view: the source span of view span {@code [start, end)} (from its first
     * piece's start to its last piece's end).
     */
    public int[] sourceSpan(int start, int end) {
        List<Piece> p = pieces(start, end);
        if (p.isEmpty()) {
            return new int[] {0, 0};
        }
        int s = Integer.MAX_VALUE;
        int e = 0;
        for (Piece x : p) {
            s = Math.min(s, x.start());
            e = Math.max(e, x.end());
        }
        return new int[] {s, e};
    }

    @Override
    public String toString() {
        return "ScanView[" + sources.size() + " sources, " + text.length() + " chars, " + junctions.length
                + " junctions]";
    }

    /** Builds a {@link ScanView}. */
    public static final class Builder {
        private final StringBuilder out = new StringBuilder();
        private final List<Source> sources = new ArrayList<>(4);
        private int runs;
        private int[] runView = new int[8];
        private int[] runSrc = new int[8];
        private int[] runFrom = new int[8];
        private int[] runTo = new int[8];
        private byte[] runType = new byte[8];
        private int[] junctions = new int[0];
        private int junctionCount;
        private int invisibles;
        /** Tag characters counted so far (not those of the flags of England, Scotland and Wales). */
        private int tagCount;
        /** The sources that hold counted tag characters, in order, and how many. */
        private int[] tagSources = NONE;

        private int tagSourceCount;
        /** In source {@link #flagSource}, where the tag characters of a flag start and end ({@link #flagTagsEnd}). */
        private int flagSource = -1;

        private int flagStart = -1;
        private int flagEnd = -1;
        private boolean hiddenTagText;
        /** While a source is read again: tag characters read as the ASCII they copy instead of dropped. */
        private boolean decodeTags;
        /** While the members of JSON sources are read again ({@link #readMembersAgain}): nothing is counted twice. */
        private boolean rereading;
        /** The JSON sources read as values, for their members' reading. */
        private final List<JsonReading> jsonReadings = new ArrayList<>(2);
        /** The plain sources that may hold HL7 v2 segments ({@link #readHl7Again}). */
        private final List<Integer> hl7Sources = new ArrayList<>(1);

        /** A source read as JSON values: its index, text and tokens, the tokens read (before {@code limit}) and whether other runs count. */
        private static final class JsonReading {
            private final int src;
            private final String text;
            private final JsonTokens tokens;
            private final int limit;
            private final boolean withOther;
            private final String[] outerKeys;
            private final boolean[] outerArrays;
            private final String outerPending;
            /** Where the JSON begins in {@link #text} (0, or a value standing inside a text: {@link #jsonInText}). */
            private final int from;

            JsonReading(
                    int src,
                    String text,
                    JsonTokens tokens,
                    int limit,
                    boolean withOther,
                    String[] outerKeys,
                    boolean[] outerArrays,
                    String outerPending) {
                this(src, text, tokens, 0, limit, withOther, outerKeys, outerArrays, outerPending);
            }

            JsonReading(
                    int src,
                    String text,
                    JsonTokens tokens,
                    int from,
                    int limit,
                    boolean withOther,
                    String[] outerKeys,
                    boolean[] outerArrays,
                    String outerPending) {
                this.from = from;
                this.src = src;
                this.text = text;
                this.tokens = tokens;
                this.limit = limit;
                this.withOther = withOther;
                this.outerKeys = outerKeys;
                this.outerArrays = outerArrays;
                this.outerPending = outerPending;
            }

            int src() {
                return src;
            }

            String text() {
                return text;
            }

            JsonTokens tokens() {
                return tokens;
            }

            int limit() {
                return limit;
            }

            boolean withOther() {
                return withOther;
            }

            String[] outerKeys() {
                return outerKeys;
            }

            boolean[] outerArrays() {
                return outerArrays;
            }

            String outerPending() {
                return outerPending;
            }

            int from() {
                return from;
            }
        }

        private static final String[] NO_KEYS = new String[0];
        private static final boolean[] NO_ARRAYS = new boolean[0];

        /** The JSON path a fragment begins in (a stream window's: {@link JsonPath}); none for a whole text. */
        private String[] fragmentKeys = NO_KEYS;

        private boolean[] fragmentArrays = NO_ARRAYS;
        private String fragmentPending;

        private int[] disguised = NONE;
        private int disguisedCount;
        private int[] rereads = NONE;
        private int rereadCount;
        /** The view position of a separator that waits to learn whether it is a junction, or -1. */
        private int pendingSeparator = -1;
        /**
         * The text of the first source while it is the whole view and read one for one (not yet
         * copied into {@link #out}: a view of one plain source is that source, without a copy).
         */
        private String deferred;

        private Builder() {}

        /** Adds a source; returns its index. */
        public int add(Channel channel, String text, Kind kind) {
            int index = sources.size();
            if (index > 0) {
                separator();
            }
            materialize();
            if (index == 0 && kind != Kind.JSON && plainAscii(text)) {
                sources.add(new Source(channel, text, kind));
                run(0, 0, text.length(), LINEAR);
                deferred = text;
                membersOfJsonText(index, text, kind);
                segmentsOfHl7Text(index, text, kind);
                return index;
            }
            JsonTokens tokens = kind == Kind.JSON && startsLikeJson(text) ? JsonTokens.of(text) : null;
            if (tokens != null && !tokens.hasOther) {
                sources.add(new Source(channel, text, Kind.JSON));
                appendJson(index, text, tokens, text.length(), true);
            } else if (tokens != null && tokens.valueThenOther()) {
                // a JSON value, then other text: a lenient reader (Jackson's default) takes the value and ignores the
                // rest, so the value is read as JSON and the rest as text
                sources.add(new Source(channel, text, Kind.JSON));
                appendJson(index, text, tokens, tokens.firstValueEnd, true);
                separator();
                appendText(index, text, tokens.firstValueEnd, text.length());
                jsonInText(index, text, tokens.firstValueEnd); // (a record shown after a status object)
            } else if (tokens != null) {
                // JSON with tokens no strict reader takes inside (NaN, comments, single quotes): a lenient reader takes
                // its values and drops the rest, so they are read as values (the other tokens left out, values split
                // over fields joined as in strict JSON); and in case it is no JSON at all (a model's broken
                // arguments, prose), the whole text is read again as text, escaped for a JSON string if redacted
                sources.add(new Source(channel, text, Kind.JSON));
                appendJson(index, text, tokens, text.length(), false);
                separator();
                int from = out.length();
                appendText(index, text, 0, text.length());
                reread(from, out.length());
                jsonInText(index, text, 0);
            } else {
                // not JSON after all (prose): read as text, escaped for a JSON string if redacted
                sources.add(new Source(channel, text, kind));
                appendText(index, text, 0, text.length());
                membersOfJsonText(index, text, kind);
                segmentsOfHl7Text(index, text, kind);
            }
            return index;
        }

        /**
         * A text that is itself JSON (a user pasting a payload, {@code {"password": "…"}}) is read as text, and its
         * members are read again as {@code key: "value"} as a JSON source's are ({@link #readMembersAgain}).
         */
        private void membersOfJsonText(int index, String text, Kind kind) {
            if (kind == Kind.PLAIN && startsLikeJson(text)) {
                JsonTokens tokens = JsonTokens.of(text);
                if (!tokens.hasOther) {
                    jsonReadings.add(
                            new JsonReading(index, text, tokens, text.length(), true, NO_KEYS, NO_ARRAYS, null));
                    return;
                }
            }
            if (kind == Kind.PLAIN || kind == Kind.JSON) {
                jsonInText(index, text, 0); // (JSON: an answer that was to be JSON and is prose)
            }
        }

        /**
         * The JSON objects and arrays inside a text (a payload pasted into a question, a FHIR resource in a fenced code
         * block, a model's answer that shows a record): each one that begins a line (<code>{</code> or <code>[</code> after the
         * line's white space) and is JSON up to its end (no run of characters that is no JSON token) is read as a JSON
         * text's members are ({@link #readMembersAgain}). One pass: a value read, or a line found to be no JSON, is
         * passed over, so no character is lexed twice.
         */
        private void jsonInText(int index, String text, int from) {
            int n = text.length();
            if (text.indexOf('{', from) < 0 && text.indexOf('[', from) < 0) {
                return;
            }
            int lineStart = from;
            while (lineStart < n) {
                int k = JsonTokens.leadInEnd(text, lineStart, n);
                int next;
                if (k < n && (text.charAt(k) == '{' || text.charAt(k) == '[')) {
                    JsonTokens tokens = JsonTokens.valueAt(text, k);
                    if (!tokens.hasOther && tokens.count > 0) {
                        // closed, or open to the text's end (a stream's held value, an answer cut off): read as far
                        // as it goes
                        int end = tokens.firstValueEnd > 0 ? tokens.firstValueEnd : n;
                        jsonReadings.add(new JsonReading(index, text, tokens, k, end, true, NO_KEYS, NO_ARRAYS, null));
                    }
                    next = Math.max(tokens.stop, k + 1);
                } else {
                    next = k;
                }
                int lineEnd = text.indexOf('\n', next);
                if (lineEnd < 0) {
                    return;
                }
                lineStart = lineEnd + 1;
            }
        }

        /**
         * A source read as text (plain, or an answer that was to be JSON and is not) that may hold HL7 v2 segments
         * ({@link Hl7Fields}): its fields are read again at the end.
         */
        private void segmentsOfHl7Text(int index, String text, Kind kind) {
            if ((kind == Kind.PLAIN || kind == Kind.JSON) && Hl7Fields.mayHold(text)) {
                hl7Sources.add(index);
            }
        }

        /**
         * The fields of the HL7 v2 segments of plain sources that identify a person, read again each as {@code label:
         * "value"} on a line of its own, the label the standard gives the field ({@code PID|1||00482913^^^HOSP^MR||
         * WHITFIELD^MARGARET||19560314|…} as {@code patient id: "00482913"}, {@code full name: "WHITFIELD MARGARET"},
         * {@code date of birth: "19560314"}): a segment names its values by position only, so no detector that needs a
         * label could read them. Counted once with the first reading ({@link #rereads}).
         */
        private void readHl7Again() {
            if (hl7Sources.isEmpty() && jsonReadings.isEmpty()) {
                return;
            }
            int[] from = {-1};
            rereading = true;
            try {
                // HL7 v2 in a JSON string ({"message": "MSH|...\rPID|..."}: a tool's argument or result): its decoded
                // text read the same way, each piece mapped back to the string's source characters
                for (JsonReading j : jsonReadings) {
                    JsonTokens tokens = j.tokens();
                    String text = j.text();
                    for (int t = 0; t < tokens.count && tokens.start[t] < j.limit(); t++) {
                        if (tokens.type[t] == JsonTokens.STRING
                                && !tokens.key[t]
                                && holdsSegmentName(text, tokens.start[t], tokens.end[t])) {
                            materialize();
                            hl7InJsonString(j.src(), text, tokens.start[t], tokens.end[t], from);
                        }
                    }
                }
                if (!hl7Sources.isEmpty()) {
                    materialize();
                }
                for (int index : hl7Sources) {
                    String text = sources.get(index).text();
                    Hl7Fields.read(text, new FieldLines(from, (a, b) -> linear(index, text, a, b)));
                }
            } finally {
                rereading = false;
            }
            settlePending();
            if (from[0] >= 0) {
                reread(from[0], out.length());
            }
        }

        /** Writes a piece {@code [a, b)} of what {@link Hl7Fields} reads into the view, mapped to its source. */
        private interface PieceWriter {
            void write(int a, int b);
        }

        /**
         * Writes the fields {@link Hl7Fields} reads as lines of the view, {@code label: "value"}, each piece by
         * {@code pieces}; {@code first} receives where the first line starts.
         */
        private final class FieldLines implements Hl7Fields.Sink {
            private final int[] first;
            private final PieceWriter pieces;

            FieldLines(int[] first, PieceWriter pieces) {
                this.first = first;
                this.pieces = pieces;
            }

            @Override
            public void line(String label) {
                separator();
                pendingSeparator = -1; // no junction: each field stands alone
                out.append(";\n");
                if (first[0] < 0) {
                    first[0] = out.length();
                }
                run(-1, 0, 0, VIRTUAL);
                out.append(label).append(": \"");
            }

            @Override
            public void piece(int a, int b, String before) {
                if (!before.isEmpty()) {
                    run(-1, 0, 0, VIRTUAL);
                    out.append(before);
                }
                pieces.write(a, b);
            }

            @Override
            public void end() {
                run(-1, 0, 0, VIRTUAL);
                out.append('"');
            }
        }

        /** Whether {@code [from, to)} of {@code s} holds a field separator right after a segment's name, or an MSH. */
        private static boolean holdsSegmentName(String s, int from, int to) {
            // (searched within the string only: a search to the end of the text for each string would be quadratic)
            for (int p = from + 3; p < to; p++) {
                if (s.charAt(p) == '|' && Hl7Fields.startsSegment(s.subSequence(p - 3, p + 1), 0)) {
                    return true;
                }
            }
            for (int p = from; p + 3 <= to; p++) {
                if (s.charAt(p) == 'M' && s.charAt(p + 1) == 'S' && s.charAt(p + 2) == 'H') {
                    return true; // (a message that declares its own separators)
                }
            }
            return false;
        }

        /** Whether {@code [from, to)} of {@code s} holds {@code c}. */
        private static boolean holds(String s, int from, int to, char c) {
            for (int p = from; p < to; p++) {
                if (s.charAt(p) == c) {
                    return true;
                }
            }
            return false;
        }

        /** The HL7 v2 fields of JSON string {@code [from, to)} of source {@code src}, decoded, read as plain text's. */
        private void hl7InJsonString(int src, String s, int from, int to, int[] first) {
            StringBuilder decoded = new StringBuilder(to - from);
            int[] srcStart = new int[to - from + 1];
            int[] srcEnd = new int[to - from + 1];
            for (int i = from; i < to; ) {
                int next = i + 1;
                int cp = s.charAt(i);
                if (cp == '\\') {
                    long d = Escapes.json(s, i, to);
                    if (d >= 0) {
                        cp = (int) (d >>> 32);
                        next = (int) d;
                    }
                }
                for (char c : Character.toChars(cp)) {
                    srcStart[decoded.length()] = i;
                    srcEnd[decoded.length()] = next;
                    decoded.append(c);
                }
                i = next;
            }
            String text = decoded.toString();
            if (!Hl7Fields.mayHold(text)) {
                return;
            }
            Hl7Fields.read(text, new FieldLines(first, (a, b) -> appendJsonString(src, s, srcStart[a], srcEnd[b - 1])));
        }

        /**
         * The members of the JSON sources read again, each as {@code key: value} on a line of its own (the elements of
         * an array under the array's key), after everything else: the values reading puts the keys after all values
         * (so that a value split over fields is joined), which leaves a value without the label a detector needs
         * ({@code {"password": "…"}}, {@code {"ssn": 536221234}}, {@code {"name": "…"}}); here the key stands before
         * its value as it does in a YAML or {@code key: value} text. A value found in both readings is counted once
         * ({@link #rereads}); nothing is counted as dropped or hidden twice.
         */
        private void readMembersAgain() {
            if (jsonReadings.isEmpty()) {
                return;
            }
            materialize();
            int[] from = {-1};
            rereading = true;
            try {
                for (JsonReading j : jsonReadings) {
                    appendMembers(j, from);
                }
            } finally {
                rereading = false;
            }
            settlePending();
            if (from[0] >= 0) {
                reread(from[0], out.length());
            }
        }

        /**
         * Writes key {@code code} of {@code j}'s members reading: a key token's last {@value #MEMBER_LABEL_MAX}
         * characters, mapped to them; or a key of the path a fragment begins in ({@code -2 - k}), which stands in text
         * already released: written as a separator that stands for no source character.
         */
        private void appendLabel(JsonReading j, JsonTokens tokens, int code, boolean words) {
            if (code >= 0) {
                int from = Math.max(tokens.start[code], tokens.end[code] - MEMBER_LABEL_MAX);
                if (words) {
                    appendKeyWords(j.src(), j.text(), from, tokens.end[code]);
                } else {
                    appendJsonString(j.src(), j.text(), from, tokens.end[code]);
                }
                return;
            }
            int k = -2 - code;
            String key = k < j.outerKeys().length ? j.outerKeys()[k] : j.outerPending();
            run(-1, 0, 0, VIRTUAL);
            if (words) {
                for (int i = 0; i < key.length(); ) {
                    int end = keyWordEnd(key, i, key.length());
                    if (end > i) {
                        if (i > 0) {
                            out.append(' ');
                        }
                        out.append(key, i, end);
                    }
                    i = Math.max(end, i + 1);
                }
            } else {
                out.append(key);
            }
        }

        /**
         * Whether key {@code code} (its last {@value #MEMBER_LABEL_MAX} characters) is a compound name that reads as
         * words ({@link #keyWordEnd}): {@code firstName}, {@code date_of_birth}, {@code member-id}. A key with an
         * escape is not (it is read as written only).
         */
        private static boolean compoundKey(JsonReading j, JsonTokens tokens, int code) {
            String s;
            int from;
            int to;
            if (code >= 0) {
                s = j.text();
                to = tokens.end[code];
                from = Math.max(tokens.start[code], to - MEMBER_LABEL_MAX);
            } else {
                int k = -2 - code;
                s = k < j.outerKeys().length ? j.outerKeys()[k] : j.outerPending();
                from = 0;
                to = s.length();
            }
            if (holds(s, from, to, '\\')) {
                return false;
            }
            return keyWordEnd(s, from, to) < to;
        }

        /**
         * Where the word of a key that starts at {@code i} ends: at a separator ({@code _ - .} or a space), before a
         * capital that follows a small letter or a digit ({@code firstName}: {@code first}, then {@code Name}), or
         * before the last capital of a run of capitals that a small letter follows ({@code CVVCode}: {@code CVV}, then
         * {@code Code}).
         */
        private static int keyWordEnd(String s, int i, int to) {
            for (int k = i; k < to; k++) {
                char c = s.charAt(k);
                if (c == '_' || c == '-' || c == '.' || c == ' ') {
                    return k;
                }
                if (k > i && c >= 'A' && c <= 'Z') {
                    char p = s.charAt(k - 1);
                    if ((p >= 'a' && p <= 'z') || (p >= '0' && p <= '9')) {
                        return k;
                    }
                    if (p >= 'A'
                            && p <= 'Z'
                            && k + 1 < to
                            && s.charAt(k + 1) >= 'a'
                            && s.charAt(k + 1) <= 'z'
                            && !acronymPlural(s, k + 1, to)) {
                        return k;
                    }
                }
            }
            return to;
        }

        /** Whether the {@code s} at {@code i} ends a word: an acronym's plural ({@code MRNs}, {@code IDs}), one word. */
        private static boolean acronymPlural(String s, int i, int to) {
            if (s.charAt(i) != 's') {
                return false;
            }
            if (i + 1 >= to) {
                return true;
            }
            char n = s.charAt(i + 1);
            return !(n >= 'a' && n <= 'z');
        }

        /** Words that name a person as a label of their own; after another word they name something else. */
        private static final java.util.Set<String> PERSON_WORDS =
                java.util.Set.of("patient", "client", "paciente", "patientin", "patiente");

        /**
         * Whether compound key {@code code} ends in one of {@link #PERSON_WORDS} after another word ({@code
         * httpClient}, {@code defaultPatient}): not read as its words, where the word would label a person.
         */
        private static boolean modifiedPersonWord(JsonReading j, JsonTokens tokens, int code) {
            String s;
            int from;
            int to;
            if (code >= 0) {
                s = j.text();
                to = tokens.end[code];
                from = Math.max(tokens.start[code], to - MEMBER_LABEL_MAX);
            } else {
                int k = -2 - code;
                s = k < j.outerKeys().length ? j.outerKeys()[k] : j.outerPending();
                from = 0;
                to = s.length();
            }
            int last = from;
            for (int i = from; i < to; ) {
                int end = keyWordEnd(s, i, to);
                if (end > i) {
                    last = i;
                }
                i = Math.max(end, i + 1);
            }
            return last > from && PERSON_WORDS.contains(s.substring(last, to).toLowerCase(java.util.Locale.ROOT));
        }

        /**
         * Writes key {@code [from, to)} of {@code s} (no escape in it) as its words separated by single spaces, each
         * word mapped to its source characters ({@code firstName}: {@code first Name}; {@code date_of_birth}: {@code
         * date of birth}): the words a label is written in, which the detectors read.
         */
        private void appendKeyWords(int src, String s, int from, int to) {
            boolean first = true;
            for (int i = from; i < to; ) {
                int end = keyWordEnd(s, i, to);
                if (end > i) {
                    if (!first) {
                        run(-1, 0, 0, VIRTUAL);
                        out.append(' ');
                    }
                    // a plural last word read as the label it is the plural of: patientNames as "patient Name" (the
                    // labels of identifiers take a plural themselves: memberIds, MRNs)
                    boolean names = end == to && end - i == 5 && s.regionMatches(true, i, "names", 0, 5);
                    appendJsonString(src, s, i, names ? end - 1 : end);
                    first = false;
                }
                i = Math.max(end, i + 1);
            }
        }

        /** The most characters of a key written before its value (its end: the label a detector reads). */
        private static final int MEMBER_LABEL_MAX = 24;

        /** Values shorter than this (source characters) are not read again: the shortest labelled value is a CVV. */
        private static final int MEMBER_VALUE_MIN = 3;

        /** Appends {@code key: value} for each value of {@code j} that has a key (see {@link #readMembersAgain}). */
        private void appendMembers(JsonReading j, int[] from) {
            JsonTokens tokens = j.tokens();
            String s = j.text();
            // per open object or array: the key it is the value of (a token; -2 - k: key k of the path the fragment
            // begins in), or -1
            String[] outerKeys = j.outerKeys();
            int[] keys = new int[Math.max(8, outerKeys.length + 1)];
            // per depth: the key of the container there or, if it has none, of the nearest one further out (so that a
            // value finds it in one step however deep it stands)
            int[] nearest = new int[keys.length];
            boolean[] arrays = new boolean[keys.length];
            int depth = outerKeys.length;
            for (int d = 0; d < depth; d++) {
                keys[d] = outerKeys[d] == null ? -1 : -2 - d;
                nearest[d] = keys[d] != -1 ? keys[d] : d > 0 ? nearest[d - 1] : -1;
                arrays[d] = j.outerArrays()[d];
            }
            // the key whose value comes next, or -1 (-2 - outerKeys.length: the path's pending key)
            int pendingKey = j.outerPending() == null ? -1 : -2 - outerKeys.length;
            int pos = j.from();
            for (int t = 0; t < tokens.count && tokens.start[t] < j.limit(); t++) {
                // the structure between the previous token and this one (quotes, punctuation, literals, white space)
                for (int i = pos; i < tokens.start[t]; i++) {
                    char c = s.charAt(i);
                    if (c == '{' || c == '[') {
                        if (depth == keys.length) {
                            keys = Arrays.copyOf(keys, depth * 2);
                            nearest = Arrays.copyOf(nearest, depth * 2);
                            arrays = Arrays.copyOf(arrays, depth * 2);
                        }
                        keys[depth] = pendingKey;
                        nearest[depth] = pendingKey != -1 ? pendingKey : depth > 0 ? nearest[depth - 1] : -1;
                        arrays[depth++] = c == '[';
                        pendingKey = -1;
                    } else if (c == '}' || c == ']') {
                        depth = Math.max(0, depth - 1);
                        pendingKey = -1;
                    } else if (c == ',' || (c >= 'a' && c <= 'z')) {
                        pendingKey = -1; // the next member, or a literal (true, false, null) was the value
                    }
                }
                pos = Math.max(pos, tokens.end[t]);
                if (tokens.key[t]) {
                    pendingKey = t;
                    continue;
                }
                // the key of the container nearest up (an array's elements, nested arrays: [[...]]; an object that is
                // a member's value: {"db_password": {"value": "..."}} is read as db_password-value: "...")
                int outer = depth > 0 ? nearest[depth - 1] : -1;
                int label;
                int prefix;
                boolean pendingKeyWas = pendingKey != -1;
                if (pendingKey != -1) {
                    label = pendingKey;
                    prefix = outer;
                } else {
                    label = depth > 0 && arrays[depth - 1] ? outer : -1;
                    prefix = -1;
                }
                pendingKey = -1;
                if (label == -1
                        || (!j.withOther() && tokens.type[t] == JsonTokens.OTHER)
                        || tokens.end[t] - tokens.start[t] < MEMBER_VALUE_MIN) {
                    continue; // (a value of one or two characters needs no label: no identifier is that short)
                }
                appendMember(j, tokens, prefix, label, t, false, from);
                // the key of the array the value's object stands in ({"name": [{"family": …}]}), or, for an array's
                // element ({"given": ["…"]}), of the array the array's object stands in
                int context = pendingKeyWas
                        ? dataTypeKey(j, tokens, keys, arrays, depth - 1)
                        : depth >= 1 && arrays[depth - 1] ? dataTypeKey(j, tokens, keys, arrays, depth - 2) : -1;
                int part = humanNamePart(j, tokens, label, context);
                if (part >= 0) {
                    // FHIR's HumanName ({"name": [{"family": "…", "given": ["…"]}]}, a Patient's, a Practitioner's, a
                    // RelatedPerson's), Identifier and ContactPoint: their parts read as the labels they are
                    appendMember(j, tokens, HUMAN_NAME_LABELS[part], t, from);
                } else if ((compoundKey(j, tokens, label) && !modifiedPersonWord(j, tokens, label))
                        || (prefix != -1 && compoundKey(j, tokens, prefix))) {
                    // a compound key once more as words (firstName: first Name, date_of_birth: date of birth), as a
                    // label is written in prose: the line as written keeps what configuration names need (api_key)
                    appendMember(j, tokens, prefix, label, t, true, from);
                }
            }
        }

        /**
         * The key that names the FHIR data type whose object stands at depth {@code d}: the key of the array it is an
         * element of ({@code "name": [{…}]}), or its own key when it is a member of an element of a {@code contact}
         * array ({@code "contact": [{"name": {…}}]}, a Patient's or an Organization's contact's single HumanName); else
         * -1 (an object that is a member of another, {@code {"font": {"name": {…}}}}, {@code {"results": [{"name":
         * {…}}]}}, is no such type).
         */
        private static int dataTypeKey(JsonReading j, JsonTokens tokens, int[] keys, boolean[] arrays, int d) {
            if (d < 1 || arrays[d]) {
                return -1;
            }
            if (keys[d] == -1) {
                return arrays[d - 1] ? keys[d - 1] : -1;
            }
            return d >= 2
                            && keys[d - 1] == -1
                            && arrays[d - 2]
                            && keys[d - 2] != -1
                            && keyEquals(j, tokens, keys[d - 2], "contact")
                    ? keys[d]
                    : -1;
        }

        /**
         * FHIR's data types that name or identify a person, by the key of the member that holds one and the key of the
         * part: a HumanName's family and given names, an Identifier's value, a ContactPoint's value (R4, section 2.24;
         * not a HumanName's text, which localised product names share);
         * parallel to {@link #HUMAN_NAME_LABELS}, the labels they are read under.
         */
        private static final String[][] HUMAN_NAME_PARTS = {
            {"name", "family"}, {"name", "given"}, {"identifier", "value"}, {"telecom", "value"}
        };

        private static final String[] HUMAN_NAME_LABELS = {"family name", "given name", "patient id", "phone"};

        /**
         * Which of {@link #HUMAN_NAME_PARTS} key {@code label} is in a container whose key is {@code context}, or -1.
         */
        private static int humanNamePart(JsonReading j, JsonTokens tokens, int label, int context) {
            if (label == -1 || context == -1) {
                return -1;
            }
            for (int p = 0; p < HUMAN_NAME_PARTS.length; p++) {
                if (keyEquals(j, tokens, label, HUMAN_NAME_PARTS[p][1])
                        && keyEquals(j, tokens, context, HUMAN_NAME_PARTS[p][0])) {
                    return p;
                }
            }
            return -1;
        }

        /** Whether key {@code code} (as {@link #appendLabel} reads it) is {@code word}, as written. */
        private static boolean keyEquals(JsonReading j, JsonTokens tokens, int code, String word) {
            if (code >= 0) {
                int from = tokens.start[code];
                int to = tokens.end[code];
                return to - from == word.length() && j.text().startsWith(word, from);
            }
            int k = -2 - code;
            return word.equals(k < j.outerKeys().length ? j.outerKeys()[k] : j.outerPending());
        }

        /** Writes the line of value token {@code t} under {@code label} (text that stands for no source character). */
        private void appendMember(JsonReading j, JsonTokens tokens, String label, int t, int[] from) {
            separator();
            pendingSeparator = -1;
            out.append(";\n");
            if (from[0] < 0) {
                from[0] = out.length();
            }
            run(-1, 0, 0, VIRTUAL);
            out.append(label).append(": ");
            appendValue(j, tokens, t);
        }

        /** Appends value token {@code t}, a string in quotes as written. */
        private void appendValue(JsonReading j, JsonTokens tokens, int t) {
            boolean string = tokens.type[t] == JsonTokens.STRING;
            if (string) {
                // quoted as written: a value holding '#' or spaces is one value, not one cut by a comment
                run(-1, 0, 0, VIRTUAL);
                out.append('"');
            }
            appendToken(j.src(), j.text(), tokens, t);
            if (string) {
                run(-1, 0, 0, VIRTUAL);
                out.append('"');
            }
        }

        /**
         * Writes the line of value token {@code t}: {@code prefix.label: "value"} ({@code words}: each key as its
         * words, {@link #appendKeyWords}).
         */
        private void appendMember(
                JsonReading j, JsonTokens tokens, int prefix, int label, int t, boolean words, int[] from) {
            separator();
            pendingSeparator = -1; // no junction: each member stands alone
            // a line no value can start with: a label before it (the last key of the values reading, an empty
            // value) cannot take the next member's line as its value and hide it
            out.append(";\n");
            if (from[0] < 0) {
                from[0] = out.length();
            }
            // each value on a line of its own, right after its key (a password, a CVV, a record number is read only
            // there); the key's last characters only, so that a long key before each element of a long array
            // keeps the view linear in the text
            if (prefix != -1) {
                appendLabel(j, tokens, prefix, words);
                run(-1, 0, 0, VIRTUAL);
                // (joined by '-', not '.': "parameters.in", "mail.app" would read as a host name and be masked in the
                // key; nor by '_', a word character, after which no label begins: patient_mrn)
                out.append(words ? ' ' : '-');
            }
            appendLabel(j, tokens, label, words);
            run(-1, 0, 0, VIRTUAL);
            out.append(": ");
            appendValue(j, tokens, t);
        }

        /**
         * If the sources hold hidden tag text ({@value #HIDDEN_TAG_COUNT} or more tag characters in all): what a model
         * that reads tags as ASCII reads, read again as text with the tags decoded — each source that holds tags, in
         * order, joined as the first reading joins them — so that a card number, a key or an instruction written in
         * tags is found there and redacted in the tags; counted once with what the first reading found
         * ({@link #rereads}).
         */
        private void readTagsAgain() {
            if (tagCount < HIDDEN_TAG_COUNT) {
                return;
            }
            hiddenTagText = true;
            materialize();
            int from = -1;
            decodeTags = true;
            try {
                for (int k = 0; k < tagSourceCount; k++) {
                    separator();
                    if (from < 0) {
                        pendingSeparator = -1; // not a junction: the sources do not continue into their second reading
                        from = out.length();
                    }
                    int index = tagSources[k];
                    String text = sources.get(index).text();
                    appendText(index, text, 0, text.length());
                }
            } finally {
                decodeTags = false;
            }
            settlePending();
            reread(from, out.length());
        }

        private void reread(int from, int to) {
            if (rereadCount + 2 > rereads.length) {
                rereads = Arrays.copyOf(rereads, Math.max(4, rereadCount * 2));
            }
            rereads[rereadCount++] = from;
            rereads[rereadCount++] = to;
        }

        /**
         * Adds a piece of JSON text that begins in lexer state {@code state} of {@link JsonTokens} (a
         * window of a streamed JSON answer): read as its values, then its keys; a run that is no JSON
         * token (a literal cut at the window's end) is read as text. Returns the source's index.
         */
        public int addJsonFragment(Channel channel, String text, int state) {
            return addJsonFragment(channel, text, state, new JsonPath());
        }

        /**
         * Like {@link #addJsonFragment(Channel, String, int)}, for a fragment that begins where {@code path} stands
         * (the keys of the containers still open before it): its members reading puts those keys before the values
         * they label, as the whole answer's reading does.
         */
        public int addJsonFragment(Channel channel, String text, int state, JsonPath path) {
            materialize();
            int index = sources.size();
            if (index > 0) {
                separator();
            }
            sources.add(new Source(channel, text, Kind.JSON));
            fragmentKeys = path.keys();
            fragmentArrays = path.arrays();
            fragmentPending = path.pendingKey();
            try {
                appendJson(index, text, JsonTokens.of(text, state), text.length(), true);
            } finally {
                fragmentKeys = NO_KEYS;
                fragmentArrays = NO_ARRAYS;
                fragmentPending = null;
            }
            return index;
        }

        /** Copies a deferred first source into the view's text, before anything is added after it. */
        private void materialize() {
            if (deferred != null) {
                out.append(deferred);
                deferred = null;
            }
        }

        /** Whether {@code s} has no character the view would fold or decode (ASCII, no {@code \ & %}). */
        private static boolean plainAscii(String s) {
            if (s.indexOf('\\') >= 0 || s.indexOf('&') >= 0 || s.indexOf('%') >= 0) {
                return false; // (the JDK's vectorised searches)
            }
            // the JDK's intrinsic copy (or encoding) and a pass eight bytes at a time: a loop over charAt here ran
            // about
            // four times slower inlined into add than alone
            return AsciiLanes.isAscii(s, s.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Adds a separator standing for no source text (between two pieces of one source, for example). */
        public void separator() {
            materialize();
            settlePending();
            if (out.length() == 0) {
                return;
            }
            pendingSeparator = out.length();
            run(-1, 0, 0, VIRTUAL);
            out.append('\n');
        }

        private void settlePending() {
            if (pendingSeparator < 0) {
                return;
            }
            int p = pendingSeparator;
            pendingSeparator = -1;
            if (p > 0
                    && p + 1 < out.length()
                    && Character.isLetterOrDigit(out.charAt(p - 1))
                    && Character.isLetterOrDigit(out.charAt(p + 1))) {
                if (junctionCount == junctions.length) {
                    junctions = Arrays.copyOf(junctions, Math.max(8, junctionCount * 2));
                }
                junctions[junctionCount++] = p;
            }
        }

        public ScanView build() {
            readMembersAgain();
            readHl7Again();
            readTagsAgain();
            settlePending();
            String text;
            if (deferred != null) {
                text = deferred; // the identity view: no copy
            } else if (sources.size() == 1
                    && runs == 1
                    && runType[0] == LINEAR
                    && out.length() == sources.get(0).text().length()) {
                text = sources.get(0).text();
            } else {
                text = out.toString();
            }
            if (runs == 0) {
                run(0, 0, 0, LINEAR);
            }
            return new ScanView(
                    text,
                    List.copyOf(sources),
                    runs,
                    runView,
                    runSrc,
                    runFrom,
                    runTo,
                    runType,
                    Arrays.copyOf(junctions, junctionCount),
                    invisibles,
                    hiddenTagText,
                    disguisedCount == 0 ? NONE : Arrays.copyOf(disguised, disguisedCount),
                    rereadCount == 0 ? NONE : Arrays.copyOf(rereads, rereadCount));
        }

        private void run(int src, int from, int to, byte type) {
            if (runs == runView.length) {
                int n = runs * 2;
                runView = Arrays.copyOf(runView, n);
                runSrc = Arrays.copyOf(runSrc, n);
                runFrom = Arrays.copyOf(runFrom, n);
                runTo = Arrays.copyOf(runTo, n);
                runType = Arrays.copyOf(runType, n);
            }
            runView[runs] = out.length();
            runSrc[runs] = src;
            runFrom[runs] = from;
            runTo[runs] = to;
            runType[runs] = type;
            runs++;
        }

        /** Appends source characters {@code [from, to)} one for one. */
        private void linear(int src, String s, int from, int to) {
            if (to <= from) {
                return;
            }
            int last = runs - 1;
            if (last >= 0
                    && runType[last] == LINEAR
                    && runSrc[last] == src
                    && runTo[last] == from
                    && runView[last] + (runTo[last] - runFrom[last]) == out.length()) {
                runTo[last] = to;
            } else {
                run(src, from, to, LINEAR);
            }
            out.append(s, from, to);
        }

        /**
         * Appends code point {@code cp}, which stands for source characters {@code [from, to)}, folded. {@code
         * literal}: the source means {@code cp} itself to its reader (a JSON string escape), else {@code cp} is only
         * what an escape or a look-alike reads as ({@link #disguised}).
         */
        private void codePoint(int src, String s, int cp, int from, int to, boolean literal) {
            if (cp == BLACK_FLAG) {
                int end = flagTagsEnd(s, to);
                if (end > to) {
                    flagSource = src;
                    flagStart = to;
                    flagEnd = end;
                }
            }
            String f = UnicodeFold.of(cp);
            if (f == null) {
                if (to - from == Character.charCount(cp) && s.codePointAt(from) == cp) {
                    linear(src, s, from, to);
                } else {
                    run(src, from, to, FOLDED);
                    if (!literal) {
                        disguise(cp, 0);
                    }
                    out.appendCodePoint(cp);
                }
            } else if (f.isEmpty() && decodeTags && cp >= 0xE0020 && cp <= 0xE007E) {
                run(src, from, to, FOLDED);
                out.append((char) (cp - 0xE0000));
            } else if (f.isEmpty()) {
                if (!decodeTags && !rereading) {
                    invisibles++; // (counted once, in the first reading)
                }
                if (cp >= 0xE0020
                        && cp <= 0xE007E
                        && !rereading
                        && !(src == flagSource && from >= flagStart && from < flagEnd)) {
                    // a tag copies an ASCII character invisibly: tags are text a model may read and a person cannot
                    // see ("ASCII smuggling"), wherever they stand (in a row, between other invisible characters or
                    // spaces, over several parts); dropped here (so that tags put inside a value cannot break it)
                    // and counted
                    tagCount++;
                    if (tagSourceCount == 0 || tagSources[tagSourceCount - 1] != src) {
                        if (tagSourceCount == tagSources.length) {
                            tagSources = Arrays.copyOf(tagSources, Math.max(4, tagSourceCount * 2));
                        }
                        tagSources[tagSourceCount++] = src;
                    }
                }
                run(src, from, to, DROPPED);
            } else {
                run(src, from, to, FOLDED);
                for (int k = 0; k < f.length(); k++) {
                    disguise(f.charAt(k), k); // (a fold may give several characters: "(a)" for U+249C)
                }
                out.append(f);
            }
        }

        /**
         * Records view position {@code out.length() + offset} if {@code c}, the character to be appended there, is
         * white space, a quote, a bracket or a backslash (see {@link ScanView#disguised()}).
         */
        private void disguise(int c, int offset) {
            if (c <= ' ' || (c < 0x80 && "\"'`()<>[]\\".indexOf(c) >= 0)) {
                if (disguisedCount == disguised.length) {
                    disguised = Arrays.copyOf(disguised, Math.max(8, disguisedCount * 2));
                }
                disguised[disguisedCount++] = out.length() + offset;
            }
        }

        /**
         * The end of the tag characters of one of the three recommended subdivision flags (England, Scotland, Wales:
         * the emoji tag sequences of Unicode's emoji-sequences.txt, U+1F3F4, then the tags of {@code gbeng}, {@code
         * gbsct} or {@code gbwls}, then U+E007F) if they follow position {@code i} of {@code s}, else {@code i}: the
         * only tags in ordinary text, visible as a flag, and not counted as hidden text.
         */
        private static int flagTagsEnd(String s, int i) {
            for (String flag : FLAG_TAGS) {
                if (s.startsWith(flag, i)) {
                    return i + flag.length() - 2; // the tags, not the cancel tag (which is no ASCII copy)
                }
            }
            return i;
        }

        private static final int BLACK_FLAG = 0x1F3F4;

        private static final List<String> FLAG_TAGS = List.of(tags("gbeng"), tags("gbsct"), tags("gbwls"));

        /** {@code ascii} in tag characters, then the cancel tag U+E007F. */
        private static String tags(String ascii) {
            StringBuilder b = new StringBuilder();
            ascii.chars().forEach(c -> b.appendCodePoint(0xE0000 + c));
            return b.appendCodePoint(0xE007F).toString();
        }

        /** Appends source text {@code [from, to)} folded and decoded (see the class comment). */
        private void appendText(int src, String s, int from, int to) {
            int i = from;
            while (i < to) {
                int j = i;
                while (j < to) {
                    char c = s.charAt(j);
                    if (c >= 0x80 || c == '\\' || c == '&' || c == '%') {
                        break;
                    }
                    j++;
                }
                linear(src, s, i, j);
                if (j >= to) {
                    break;
                }
                i = special(src, s, j, to);
            }
            settlePendingAfterContent();
        }

        private void settlePendingAfterContent() {
            if (pendingSeparator >= 0 && out.length() > pendingSeparator + 1) {
                settlePending();
            }
        }

        /** Handles the character at {@code i} (non-ASCII, or the start of an escape); returns where to continue. */
        private int special(int src, String s, int i, int to) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                int cp = s.codePointAt(i);
                int n = Character.charCount(cp);
                if (i + n > to) {
                    n = 1;
                    cp = c;
                }
                codePoint(src, s, cp, i, i + n, false);
                return i + n;
            }
            long decoded = c == '\\'
                    ? Escapes.backslash(s, i, to)
                    : c == '&' ? Escapes.htmlReference(s, i, to) : Escapes.percent(s, i, to);
            if (decoded < 0) {
                linear(src, s, i, i + 1);
                return i + 1;
            }
            int cp = (int) (decoded >>> 32);
            int end = (int) decoded;
            // a quote escaped with a backslash (\" \') is still a quote to HTML, which does not read backslash escapes
            boolean literal = c == '\\' && end - i == 2 && (cp == '"' || cp == '\'');
            codePoint(src, s, cp, i, end, literal);
            return end;
        }

        // ---- JSON ----

        private static boolean startsLikeJson(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '{' || c == '[') {
                    return true;
                }
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return false;
                }
            }
            return false;
        }

        /**
         * Appends a JSON source's tokens before {@code limit}: values in document order, then the object keys; the
         * runs that are no JSON token only if {@code withOther}.
         */
        private void appendJson(int src, String s, JsonTokens tokens, int limit, boolean withOther) {
            jsonReadings.add(
                    new JsonReading(src, s, tokens, limit, withOther, fragmentKeys, fragmentArrays, fragmentPending));
            boolean any = false;
            int previousDigit = -1; // end of the previous value if it was a one-digit number, else -1
            for (int t = 0; t < tokens.count; t++) {
                if (tokens.key[t] || tokens.start[t] >= limit || (!withOther && tokens.type[t] == JsonTokens.OTHER)) {
                    continue;
                }
                int a = tokens.start[t];
                int b = tokens.end[t];
                boolean digit = tokens.type[t] == JsonTokens.NUMBER && b - a == 1;
                if (any && !(digit && previousDigit >= 0 && onlyCommas(s, previousDigit, a))) {
                    separator();
                }
                appendToken(src, s, tokens, t);
                any = true;
                previousDigit = digit ? b : -1;
            }
            for (int t = 0; t < tokens.count; t++) {
                if (!tokens.key[t] || tokens.start[t] >= limit) {
                    continue;
                }
                if (any) {
                    separator();
                }
                appendToken(src, s, tokens, t);
                any = true;
            }
        }

        private static boolean onlyCommas(String s, int from, int to) {
            boolean comma = false;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c == ',') {
                    if (comma) {
                        return false;
                    }
                    comma = true;
                } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return false;
                }
            }
            return comma;
        }

        private void appendToken(int src, String s, JsonTokens tokens, int t) {
            int a = tokens.start[t];
            int b = tokens.end[t];
            switch (tokens.type[t]) {
                case JsonTokens.STRING:
                    appendJsonString(src, s, a, b);
                    break;
                case JsonTokens.NUMBER:
                    run(src, a, b, NUMBER);
                    String integer = integerForm(s, a, b);
                    if (integer != null) {
                        out.append(integer); // (a number run maps to its whole token, whatever its length in the view)
                    } else {
                        out.append(s, a, b);
                    }
                    settlePendingAfterContent();
                    break;
                default:
                    appendText(src, s, a, b);
            }
        }

        /**
         * The digits of a JSON number written with a fraction or an exponent whose value is an integer of at most 19
         * digits ({@code 4.1111111111111110E15}, {@code 41111111111111110e-1}, {@code 4111111111111111.0}: the card
         * number a JSON reader gets), or null: the number is read as written.
         */
        static String integerForm(String s, int a, int b) {
            // one pass over the token, however long (a card number padded with a thousand zeros is still one): its
            // sign, digits, where the fraction starts, and its exponent
            int k = a;
            boolean negative = k < b && s.charAt(k) == '-';
            if (k < b && (s.charAt(k) == '-' || s.charAt(k) == '+')) {
                k++;
            }
            int firstDigit = k;
            int fractionDigits = 0;
            int digits = 0;
            boolean fraction = false;
            boolean written = false; // a fraction or an exponent (a plain integer is read as written)
            long exponent = 0;
            for (; k < b; k++) {
                char c = s.charAt(k);
                if (c >= '0' && c <= '9') {
                    digits++;
                    if (fraction) {
                        fractionDigits++;
                    }
                } else if (c == '.' && !fraction) {
                    fraction = true;
                    written = true;
                } else if (c == 'e' || c == 'E') {
                    written = true;
                    int e = k + 1;
                    boolean negativeExponent = e < b && s.charAt(e) == '-';
                    if (e < b && (s.charAt(e) == '-' || s.charAt(e) == '+')) {
                        e++;
                    }
                    if (e >= b) {
                        return null; // no exponent digits
                    }
                    while (e + 1 < b && s.charAt(e) == '0') {
                        e++; // leading zeros of the exponent mean nothing (e-0000000001 is e-1)
                    }
                    if (b - e > 9) {
                        return null; // an exponent no identifier has
                    }
                    for (; e < b; e++) {
                        char d = s.charAt(e);
                        if (d < '0' || d > '9') {
                            return null;
                        }
                        exponent = exponent * 10 + (d - '0');
                    }
                    exponent = negativeExponent ? -exponent : exponent;
                    break;
                } else {
                    return null;
                }
            }
            int end = k; // the digits (and the point) are [firstDigit, end)
            if (!written || digits == 0) {
                return null;
            }
            // the significant digits, without leading and trailing zeros; the power of ten after them
            StringBuilder significant = new StringBuilder();
            int trailingZeros = 0;
            for (int i = firstDigit; i < end; i++) {
                char c = s.charAt(i);
                if (c == '.') {
                    continue;
                }
                if (c == '0') {
                    if (significant.length() > 0) {
                        trailingZeros++;
                    }
                } else {
                    if (significant.length() + trailingZeros > 19) {
                        return asDouble(s, a, b); // more digits than any identifier, unless a double rounds them off
                    }
                    significant.append("0".repeat(trailingZeros)).append(c);
                    trailingZeros = 0;
                }
            }
            if (significant.length() == 0) {
                return "0";
            }
            long power = exponent - fractionDigits + trailingZeros;
            if (power < 0) {
                return asDouble(s, a, b); // a fraction, unless a reader that rounds to a double gets an integer
            }
            if (significant.length() + power > 19) {
                return null; // more digits than any identifier (and 1e999999999 is never expanded)
            }
            return (negative ? "-" : "") + significant + "0".repeat((int) power);
        }

        /**
         * The integer a reader that rounds to a double gets from the number token {@code s[a, b)} (JavaScript,
         * Python's float, Jackson into a {@code double}: {@code 4.1111111111111110000001e15} is
         * {@code 4111111111111111}), if it is one of 12 to 19 digits (a card number's); else null.
         */
        private static String asDouble(String s, int a, int b) {
            double d;
            try {
                d = Double.parseDouble(s.substring(a, b));
            } catch (NumberFormatException e) {
                return null;
            }
            double magnitude = Math.abs(d);
            if (magnitude < 1e11 || magnitude >= 1e19 || d != Math.rint(d)) {
                return null; // (a smaller number keeps its fraction in a double)
            }
            return new java.math.BigDecimal(d).toBigInteger().toString();
        }

        /** The content of a JSON string ({@code [from, to)} without the quotes): JSON escapes decoded, then folded. */
        private void appendJsonString(int src, String s, int from, int to) {
            int i = from;
            while (i < to) {
                int j = i;
                while (j < to) {
                    char c = s.charAt(j);
                    if (c >= 0x80 || c == '\\' || c == '&' || c == '%') {
                        break;
                    }
                    j++;
                }
                linear(src, s, i, j);
                if (j >= to) {
                    break;
                }
                if (s.charAt(j) == '\\') {
                    long decoded = Escapes.json(s, j, to);
                    if (decoded < 0) {
                        linear(src, s, j, j + 1);
                        i = j + 1;
                    } else {
                        codePoint(src, s, (int) (decoded >>> 32), j, (int) decoded, true);
                        i = (int) decoded;
                    }
                } else {
                    i = special(src, s, j, to);
                }
            }
            settlePendingAfterContent();
        }
    }
}
