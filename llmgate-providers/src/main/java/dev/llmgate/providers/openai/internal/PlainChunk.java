package dev.llmgate.providers.openai.internal;

/**
 * One pass over a {@code chat.completion.chunk} of the plain shape (text, refusal, finish reason;
 * no tool calls, no usage, no error, no log-probabilities), without a parser object or a tree: the fields the decoder
 * needs are taken, every other value is checked to be valid JSON and skipped.
 *
 * <p>{@link #read} accepts only strict RFC 8259 JSON of that shape (members of the root object and
 * of the first choice and its delta, each at most once; ids, models, texts and finish reasons as
 * strings or null) and returns false for anything else, including input Jackson would also accept
 * (tool calls, usage, an error, a number where a string is expected, repeated members, nesting
 * deeper than 64): the decoder then reads the chunk as a tree, so the result is always what the
 * tree gives. Not thread-safe; one per stream. Not public API.
 */
final class PlainChunk {
    private static final int MAX_DEPTH = 64;

    /** Fields read; null where the chunk does not have them ({@code ""} for JSON null). */
    String id;

    String model;
    boolean hasChoice;
    String content;
    String refusal;
    String finishReason;

    /** The chunk's characters (a reused buffer) and their count. */
    private char[] buf = new char[512];

    private int n;
    private int pos;
    /** Whether the last {@link #next} stopped at its closing bracket. */
    private boolean lastClosed;

    private final StringBuilder sb = new StringBuilder();

    /**
     * Whether a root member that is neither read here nor one every chunk repeats ({@code object}, {@code created},
     * ...; {@link OpenAiServerSide.ChunkHead#OWN}) makes the chunk not plain: a wrapped client's stream passes such a
     * vendor member on, which the tree reads.
     */
    private final boolean refuseUnknownRootMembers;

    /** The last member name read: its characters in {@link #buf} (start inclusive, end exclusive), or decoded. */
    private int nameStart;

    private int nameEnd;
    private String nameDecoded;

    PlainChunk() {
        this(false);
    }

    PlainChunk(boolean refuseUnknownRootMembers) {
        this.refuseUnknownRootMembers = refuseUnknownRootMembers;
    }

    /** Reads {@code json} into the fields; false (fields then meaningless) if it is not a plain chunk. */
    boolean read(String json) {
        id = null;
        model = null;
        hasChoice = false;
        content = null;
        refusal = null;
        finishReason = null;
        n = json.length();
        if (buf.length < n) {
            buf = new char[Math.max(n, 2 * buf.length)];
        }
        json.getChars(0, n, buf, 0);
        pos = 0;
        ws();
        if (!root()) {
            return false;
        }
        ws();
        return pos == n;
    }

    /** The objects whose members this reader takes: the root, the first choice, its delta. */
    private static final int ROOT = 0;

    private static final int CHOICE = 1;
    private static final int DELTA_OBJECT = 2;
    /** The nesting depth of each of those objects' values (for {@link #skipValue}). */
    private static final int[] DEPTH = {1, 3, 4};

    private boolean root() {
        return object(ROOT);
    }

    /**
     * An object at pos whose members {@link #member} reads; a known member given twice is refused
     * (the tree keeps the last one: leave it to the tree).
     */
    private boolean object(int level) {
        if (!eat('{')) {
            return false;
        }
        long seen = 0;
        ws();
        if (eat('}')) {
            return true;
        }
        while (true) {
            int name = name();
            if (name == INVALID || !colon()) {
                return false;
            }
            int known = member(level, name);
            if (known < 0) {
                return false;
            }
            if (known > 0) {
                if ((seen & (1L << known)) != 0) {
                    return false;
                }
                seen |= 1L << known;
            }
            if (!next('}')) {
                return lastClosed;
            }
        }
    }

    /** Reads the value of member {@code name} of an object at {@code level}: the name if taken, 0 if skipped, -1 if not plain. */
    private int member(int level, int name) {
        if (level == ROOT) {
            switch (name) {
                case ID:
                    return (id = textOrNull()) == null ? -1 : ID;
                case MODEL:
                    return (model = textOrNull()) == null ? -1 : MODEL;
                case CHOICES:
                    return choices() ? CHOICES : -1;
                case USAGE:
                    return literal("null") ? USAGE : -1;
                case ERROR:
                    return -1;
                default:
                    if (refuseUnknownRootMembers && !ownName()) {
                        return -1; // a vendor's member: the tree reads it
                    }
                    break;
            }
        } else if (level == CHOICE) {
            if (name == DELTA) {
                return literal("null") || object(DELTA_OBJECT) ? DELTA : -1;
            }
            if (name == FINISH_REASON) {
                return (finishReason = textOrNull()) == null ? -1 : FINISH_REASON;
            }
            if (name == LOGPROBS) {
                return literal("null") ? LOGPROBS : -1; // log-probabilities are left to the tree
            }
        } else {
            switch (name) {
                case CONTENT:
                    return (content = textOrNull()) == null ? -1 : CONTENT;
                case REFUSAL:
                    return (refusal = textOrNull()) == null ? -1 : REFUSAL;
                case TOOL_CALLS:
                    return literal("null") ? TOOL_CALLS : -1; // tool calls are left to the tree
                default:
                    break;
            }
        }
        return skipValue(DEPTH[level]) ? 0 : -1;
    }

    /**
     * After a member or element: true if a comma follows (another one comes); false at the closing
     * bracket (then {@link #lastClosed} is set) or on anything else.
     */
    private boolean next(char close) {
        ws();
        lastClosed = false;
        if (eat(',')) {
            ws();
            return true;
        }
        if (eat(close)) {
            lastClosed = true;
        }
        return false;
    }

    private boolean choices() {
        if (literal("null")) {
            return true;
        }
        if (!eat('[')) {
            return false;
        }
        ws();
        if (eat(']')) {
            return true;
        }
        if (pos >= n || buf[pos] != '{') {
            return false;
        }
        hasChoice = true;
        if (!object(CHOICE)) {
            return false;
        }
        // other choices (n > 1): only the first is used
        while (true) {
            ws();
            if (eat(']')) {
                return true;
            }
            if (!eat(',')) {
                return false;
            }
            ws();
            if (!skipValue(2)) {
                return false;
            }
        }
    }

    /** A string's text, {@code ""} for null, or null for anything else. */
    private String textOrNull() {
        if (literal("null")) {
            return "";
        }
        return pos < n && buf[pos] == '"' ? string() : null;
    }

    private boolean colon() {
        ws();
        if (!eat(':')) {
            return false;
        }
        ws();
        return true;
    }

    private static final int INVALID = -1;
    private static final int OTHER = 0;
    private static final int ID = 1;
    private static final int MODEL = 2;
    private static final int CHOICES = 3;
    private static final int USAGE = 4;
    private static final int ERROR = 5;
    private static final int DELTA = 6;
    private static final int FINISH_REASON = 7;
    private static final int CONTENT = 8;
    private static final int REFUSAL = 9;
    private static final int TOOL_CALLS = 10;
    private static final int LOGPROBS = 11;
    private static final String[] NAMES = {
        "",
        "id",
        "model",
        "choices",
        "usage",
        "error",
        "delta",
        "finish_reason",
        "content",
        "refusal",
        "tool_calls",
        "logprobs"
    };

    /** A member name at pos: which of the names the reader knows it is, {@link #OTHER}, or {@link #INVALID}. */
    private int name() {
        int start = pos + 1;
        if (!skipString()) {
            return INVALID;
        }
        int end = pos - 1;
        nameStart = start;
        nameEnd = end;
        nameDecoded = null;
        if (!plainRun) {
            // escapes in a name: decode (rare)
            pos = start - 1;
            String decoded = string();
            nameDecoded = decoded;
            for (int k = 1; k < NAMES.length; k++) {
                if (NAMES[k].equals(decoded)) {
                    return k;
                }
            }
            return OTHER;
        }
        int candidate;
        switch (end - start) {
            case 2:
                candidate = ID;
                break;
            case 5:
                char f = buf[start];
                candidate = f == 'm' ? MODEL : f == 'u' ? USAGE : f == 'e' ? ERROR : f == 'd' ? DELTA : OTHER;
                break;
            case 7:
                char g = buf[start];
                candidate = g == 'c' ? (buf[start + 1] == 'h' ? CHOICES : CONTENT) : g == 'r' ? REFUSAL : OTHER;
                break;
            case 8:
                candidate = LOGPROBS;
                break;
            case 10:
                candidate = TOOL_CALLS;
                break;
            case 13:
                candidate = FINISH_REASON;
                break;
            default:
                return OTHER;
        }
        return candidate != OTHER && regionIs(start, NAMES[candidate]) ? candidate : OTHER;
    }

    /** Whether the last name read is one of the root members every chunk may carry ({@link OpenAiServerSide.ChunkHead#OWN}). */
    private boolean ownName() {
        if (nameDecoded != null) {
            return OpenAiServerSide.ChunkHead.OWN.contains(nameDecoded);
        }
        // compared in place (every chunk has several): the members of OWN that reach here (id, model, choices and
        // usage are read by member())
        switch (nameEnd - nameStart) {
            case 6:
                return regionIs(nameStart, "object");
            case 7:
                return regionIs(nameStart, "created");
            case 11:
                return regionIs(nameStart, "obfuscation");
            case 12:
                return regionIs(nameStart, "service_tier");
            case 18:
                return regionIs(nameStart, "system_fingerprint");
            default:
                return false;
        }
    }

    private boolean regionIs(int start, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (buf[start + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the last string skipped had no escapes. */
    private boolean plainRun;

    /** Skips a valid string at pos (validated as {@link #string} decodes it), without building it. */
    private boolean skipString() {
        if (!eat('"')) {
            return false;
        }
        plainRun = true;
        while (pos < n) {
            char c = buf[pos++];
            if (c == '"') {
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c == '\\') {
                plainRun = false;
                if (pos >= n) {
                    return false;
                }
                char e = buf[pos++];
                if (e == 'u') {
                    if (pos + 4 > n) {
                        return false;
                    }
                    for (int k = 0; k < 4; k++) {
                        if (hex(buf[pos++]) < 0) {
                            return false;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return false;
                }
            }
        }
        return false;
    }

    /** A string at pos, decoded; null if there is none or it is invalid. */
    private String string() {
        if (!eat('"')) {
            return null;
        }
        int start = pos;
        // plain run: no escapes
        while (pos < n) {
            char c = buf[pos];
            if (c == '"') {
                return new String(buf, start, pos++ - start);
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            pos++;
        }
        sb.setLength(0);
        sb.append(buf, start, pos - start);
        while (pos < n) {
            char c = buf[pos++];
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                return null;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= n) {
                return null;
            }
            char e = buf[pos++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    sb.append(e);
                    break;
                case 'b':
                    sb.append('\b');
                    break;
                case 'f':
                    sb.append('\f');
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                case 'r':
                    sb.append('\r');
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'u':
                    if (pos + 4 > n) {
                        return null;
                    }
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = hex(buf[pos++]);
                        if (d < 0) {
                            return null;
                        }
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    /** Skips one valid JSON value; false if there is none. */
    private boolean skipValue(int depth) {
        if (pos >= n) {
            return false;
        }
        char c = buf[pos];
        switch (c) {
            case '"':
                return skipString();
            case '{':
            case '[':
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                pos++;
                char close = c == '{' ? '}' : ']';
                ws();
                if (eat(close)) {
                    return true;
                }
                while (true) {
                    if (c == '{' && (!skipString() || !colon())) {
                        return false;
                    }
                    if (!skipValue(depth + 1)) {
                        return false;
                    }
                    if (!next(close)) {
                        return lastClosed;
                    }
                }
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, at most 1,000 characters (Jackson's default limit). */
    private boolean number() {
        int start = pos;
        if (!numberGrammar()) {
            return false;
        }
        return pos - start <= 1000;
    }

    private boolean numberGrammar() {
        if (pos < n && buf[pos] == '-') {
            pos++;
        }
        if (pos >= n) {
            return false;
        }
        char c = buf[pos];
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            while (pos < n && isDigit(buf[pos])) {
                pos++;
            }
        } else {
            return false;
        }
        if (pos < n && buf[pos] == '.') {
            pos++;
            if (!digits()) {
                return false;
            }
        }
        if (pos < n && (buf[pos] == 'e' || buf[pos] == 'E')) {
            pos++;
            if (pos < n && (buf[pos] == '+' || buf[pos] == '-')) {
                pos++;
            }
            if (!digits()) {
                return false;
            }
        }
        // a number must end at a delimiter (Jackson rejects "1x")
        return pos >= n || delimiter(buf[pos]);
    }

    private boolean digits() {
        int start = pos;
        while (pos < n && isDigit(buf[pos])) {
            pos++;
        }
        return pos > start;
    }

    /** The value of an ASCII hex digit, or -1 (only these, as JSON allows). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private boolean literal(String word) {
        int end = pos + word.length();
        if (end > n) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (buf[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        if (end < n && !delimiter(buf[end])) {
            return false; // "nullx", "truee"
        }
        pos = end;
        return true;
    }

    private static boolean delimiter(char c) {
        return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private boolean eat(char c) {
        if (pos < n && buf[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void ws() {
        while (pos < n) {
            char c = buf[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
