package dev.llmgate.core.audit.internal;

import dev.llmgate.core.internal.ByteScan;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One log entry as the verifier sees it: its top-level members without {@code sig}, its {@code sig}
 * value, {@code hash(e) = SHA-256(canonical(e \ sig))} and the signed bytes {@code canonical(e \ sig)}
 * (docs/audit-format.md, sections 2 and 3).
 *
 * <p>Two ways to get there, with the same results. A line that is already in canonical form (as the
 * writer always writes it) is checked for that in one pass over its bytes and hashed as it is, with
 * the {@code sig} member's bytes left out: for such a line, those bytes are exactly what parsing and
 * re-serializing would produce. Any other line, including every line the one-pass check is not sure
 * about (non-ASCII text, {@code \\u} escapes other than of control characters, whitespace, unsorted
 * or duplicate names, a non-string {@code sig}, invalid JSON), is parsed and re-serialized
 * canonically, so a line rewritten non-canonically still gets the hash of its content, and invalid
 * JSON is reported by the parser as before. The hashes are computed when first asked for (or by
 * {@link #prepare}). Not thread-safe: an entry is used by one thread at a time (handed over through a
 * queue by {@link ParsedLines}). Not public API.
 */
public final class LogEntry {
    private static final ThreadLocal<Scanner> SCANNER = ThreadLocal.withInitial(Scanner::new);
    /** Deeper nesting than this is left to the parser. */
    private static final int MAX_DEPTH = 32;

    /** Fast form: the line and its top-level members' offsets; null for the parsed form. */
    private final byte[] line;
    /** Per member: name start, name end, value start, value end (names without their quotes). */
    private final int[] members;

    private final int memberCount;
    /** The bytes of the {@code sig} member (with one adjoining comma) left out of the canonical form; cut == resume if none. */
    private final int cut;

    private final int resume;

    /** Parsed form: the members without sig. */
    private final Map<String, Object> map;

    private final Object sig;
    private byte[] hash;
    private byte[] canonical;
    private String hashHex;
    private byte[] leafHash;

    private LogEntry(byte[] line, int[] members, int memberCount, int cut, int resume, Object sig) {
        this.line = line;
        this.members = members;
        this.memberCount = memberCount;
        this.cut = cut;
        this.resume = resume;
        this.map = null;
        this.sig = sig;
    }

    private LogEntry(Map<String, Object> map, Object sig) {
        this.line = null;
        this.members = null;
        this.memberCount = 0;
        this.cut = 0;
        this.resume = 0;
        this.map = map;
        this.sig = sig;
        this.canonical = CanonicalJson.utf8(map);
        this.hash = Sha256.hash(canonical);
    }

    /**
     * The entry on a line.
     *
     * @throws IllegalArgumentException if the line is not a JSON object (the parser's message)
     */
    public static LogEntry of(LogLine line) {
        byte[] bytes = line.utf8();
        if (bytes != null) {
            LogEntry fast = ifCanonical(bytes);
            if (fast != null) {
                return fast;
            }
        }
        return parsed(line.text());
    }

    /** The entry on a line given as its bytes (as read from a file, without the terminator). */
    public static LogEntry of(byte[] utf8) {
        return of(LogLine.ofBytes(utf8, "", 0, true));
    }

    /** The entry of a line given as text, parsed and re-serialized (for lines that are not read in bulk). */
    public static LogEntry parsed(String text) {
        Map<String, Object> obj = JsonReader.parseObject(text);
        Object sig = obj.remove("sig");
        return new LogEntry(obj, sig);
    }

    /** True if this entry was hashed from its line's bytes as they are (the line was canonical). For tests. */
    public boolean hashedAsStored() {
        return line != null;
    }

    /**
     * A top-level member's value as the parser gives it ({@code String}, {@code Long}, {@code Boolean},
     * a map, a list), or null if absent (or JSON null); never {@code sig}.
     */
    public Object get(String name) {
        if (map != null) {
            return map.get(name);
        }
        int m = find(name);
        return m < 0 ? null : value(members[4 * m + 2], members[4 * m + 3]);
    }

    /** A top-level string member, or {@code ""} if it is absent or not a string. */
    public String str(String name) {
        Object v = get(name);
        return v instanceof String ? (String) v : "";
    }

    /** The {@code sig} member's value as parsed (a String if well-formed), or null if absent. */
    public Object sig() {
        return sig;
    }

    /** {@code hash(e)}: SHA-256 of the canonical form without {@code sig}. Callers must not change it. */
    public byte[] hash() {
        if (hash == null) {
            hash = cut == resume ? Sha256.hash(line) : Sha256.hashWithout(line, cut, resume);
        }
        return hash;
    }

    /** {@link #hash()} as 64 lowercase hex digits. */
    public String hashHex() {
        if (hashHex == null) {
            hashHex = Hex.encode(hash());
        }
        return hashHex;
    }

    /** The entry's Merkle leaf hash, {@code SHA-256(0x00 || hash(e))}. Callers must not change it. */
    public byte[] leafHash() {
        if (leafHash == null) {
            leafHash = Merkle.leafHash(hash());
        }
        return leafHash;
    }

    /**
     * Computes the hashes ({@link #hash}, {@link #hashHex}, {@link #leafHash}) now rather than when
     * first asked, e.g. on a thread that parses ahead. Returns this entry.
     */
    LogEntry prepare() {
        hashHex();
        leafHash();
        return this;
    }

    /** {@code canonical(e \ sig)}, the bytes that are hashed and signed. Callers must not change them. */
    public byte[] canonical() {
        if (canonical == null) {
            byte[] out = new byte[line.length - (resume - cut)];
            System.arraycopy(line, 0, out, 0, cut);
            System.arraycopy(line, resume, out, cut, line.length - resume);
            canonical = out;
        }
        return canonical;
    }

    private int find(String name) {
        int n = name.length();
        for (int m = 0; m < memberCount; m++) {
            int start = members[4 * m];
            if (members[4 * m + 1] - start != n) {
                continue;
            }
            boolean same = true;
            for (int i = 0; i < n; i++) {
                if (line[start + i] != name.charAt(i)) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return m;
            }
        }
        return -1;
    }

    private Object value(int start, int end) {
        byte first = line[start];
        if (first == '"') {
            boolean plain = true;
            for (int i = start + 1; i < end - 1; i++) {
                if (line[i] == '\\') {
                    plain = false;
                    break;
                }
            }
            if (plain) {
                return new String(line, start + 1, end - start - 2, StandardCharsets.ISO_8859_1); // checked: ASCII
            }
        } else if (first == '-' || (first >= '0' && first <= '9')) {
            return number(line, start, end);
        } else if (first == 't') {
            return Boolean.TRUE;
        } else if (first == 'f') {
            return Boolean.FALSE;
        } else if (first == 'n') {
            return null;
        }
        return JsonReader.parse(new String(line, start, end - start, StandardCharsets.ISO_8859_1));
    }

    private static Long number(byte[] b, int start, int end) {
        boolean negative = b[start] == '-';
        long v = 0;
        for (int i = negative ? start + 1 : start; i < end; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return negative ? -v : v;
    }

    // ---- the one-pass canonical check -------------------------------------------------------------

    /** The entry of a line whose bytes are canonical, or null if they are not (or the check is not sure). */
    static LogEntry ifCanonical(byte[] b) {
        Scanner s = SCANNER.get();
        s.reset(b);
        if (b.length < 2 || b[0] != '{' || s.object(0, 0) != b.length) {
            return null;
        }
        int sigMember = -1;
        for (int m = 0; m < s.count; m++) {
            int start = s.members[4 * m];
            if (s.members[4 * m + 1] - start == 3 && b[start] == 's' && b[start + 1] == 'i' && b[start + 2] == 'g') {
                sigMember = m;
                break;
            }
        }
        if (sigMember < 0) {
            return new LogEntry(b, java.util.Arrays.copyOf(s.members, 4 * s.count), s.count, 0, 0, null);
        }
        int valueStart = s.members[4 * sigMember + 2];
        int valueEnd = s.members[4 * sigMember + 3];
        if (b[valueStart] != '"') {
            return null; // the parser's path reports a non-string sig
        }
        for (int i = valueStart + 1; i < valueEnd - 1; i++) {
            if (b[i] == '\\') {
                return null;
            }
        }
        Object sig = new String(b, valueStart + 1, valueEnd - valueStart - 2, StandardCharsets.ISO_8859_1);
        int memberStart = s.members[4 * sigMember] - 1; // the name's opening quote
        int cut;
        int resume;
        if (sigMember > 0) {
            cut = memberStart - 1; // with the comma before it
            resume = valueEnd;
        } else if (s.count > 1) {
            cut = memberStart;
            resume = valueEnd + 1; // with the comma after it
        } else {
            cut = memberStart;
            resume = valueEnd;
        }
        // the sig member is left out of get(): drop it from the table
        int[] members = new int[4 * (s.count - 1)];
        System.arraycopy(s.members, 0, members, 0, 4 * sigMember);
        System.arraycopy(s.members, 4 * (sigMember + 1), members, 4 * sigMember, 4 * (s.count - sigMember - 1));
        return new LogEntry(b, members, s.count - 1, cut, resume, sig);
    }

    /**
     * Checks canonical JSON (docs/audit-format.md section 2) restricted to what it can be sure of:
     * ASCII only, names without escapes, string escapes only in the forms RFC 8785 writes. Each
     * method returns the index after the value it checked, or -1 if it is not (surely) canonical.
     */
    private static final class Scanner {
        private byte[] b;
        int[] members = new int[4 * 32];
        int count;

        void reset(byte[] line) {
            this.b = line;
            this.count = 0;
        }

        /** An object at {@code i} (where {@code b[i]} is an opening brace); records its members at depth 0. */
        int object(int i, int depth) {
            int n = b.length;
            i++;
            if (i < n && b[i] == '}') {
                return i + 1;
            }
            int prevStart = -1;
            int prevEnd = -1;
            while (true) {
                if (i >= n || b[i] != '"') {
                    return -1;
                }
                int nameStart = i + 1;
                int nameEnd = ByteScan.firstSpecial(b, nameStart, n);
                if (nameEnd >= n
                        || b[nameEnd] != '"'
                        || (prevStart >= 0 && compare(prevStart, prevEnd, nameStart, nameEnd) >= 0)) {
                    // unterminated, an escape, a control or non-ASCII character (left to the parser), or
                    // not strictly after the previous name (unsorted or repeated)
                    return -1;
                }
                i = nameEnd + 1;
                if (i >= n || b[i] != ':') {
                    return -1;
                }
                int valueStart = i + 1;
                i = value(valueStart, depth);
                if (i < 0) {
                    return -1;
                }
                if (depth == 0) {
                    if (4 * count + 4 > members.length) {
                        members = java.util.Arrays.copyOf(members, members.length * 2);
                    }
                    members[4 * count] = nameStart;
                    members[4 * count + 1] = nameEnd;
                    members[4 * count + 2] = valueStart;
                    members[4 * count + 3] = i;
                    count++;
                }
                prevStart = nameStart;
                prevEnd = nameEnd;
                if (i >= n) {
                    return -1;
                }
                if (b[i] == '}') {
                    return i + 1;
                }
                if (b[i] != ',') {
                    return -1;
                }
                i++;
            }
        }

        /** Compares two ASCII names (for ASCII, byte order is UTF-16 code unit order). */
        private int compare(int aStart, int aEnd, int bStart, int bEnd) {
            int la = aEnd - aStart;
            int lb = bEnd - bStart;
            int len = Math.min(la, lb);
            for (int k = 0; k < len; k++) {
                int d = b[aStart + k] - b[bStart + k];
                if (d != 0) {
                    return d;
                }
            }
            return la - lb;
        }

        private int value(int i, int depth) {
            if (i >= b.length) {
                return -1;
            }
            switch (b[i]) {
                case '"':
                    return string(i);
                case '{':
                    return depth + 1 >= MAX_DEPTH ? -1 : object(i, depth + 1);
                case '[':
                    return depth + 1 >= MAX_DEPTH ? -1 : array(i, depth + 1);
                case 't':
                    return literal(i, "true");
                case 'f':
                    return literal(i, "false");
                case 'n':
                    return literal(i, "null");
                default:
                    return number(i);
            }
        }

        private int array(int i, int depth) {
            int n = b.length;
            i++;
            if (i < n && b[i] == ']') {
                return i + 1;
            }
            while (true) {
                i = value(i, depth);
                if (i < 0 || i >= n) {
                    return -1;
                }
                if (b[i] == ']') {
                    return i + 1;
                }
                if (b[i] != ',') {
                    return -1;
                }
                i++;
            }
        }

        private int string(int i) {
            int n = b.length;
            i++;
            while (true) {
                i = ByteScan.firstSpecial(b, i, n);
                if (i >= n) {
                    return -1;
                }
                byte c = b[i];
                if (c == '"') {
                    return i + 1;
                }
                if (c != '\\' || i + 1 >= n) {
                    return -1; // a control character (invalid) or a non-ASCII byte: left to the parser
                }
                switch (b[i + 1]) {
                    case '"':
                    case '\\':
                    case 'b':
                    case 'f':
                    case 'n':
                    case 'r':
                    case 't':
                        i += 2;
                        break;
                    case 'u':
                        // canonical only for a control character without a short form: backslash-u 00 then 2 lowercase
                        // hex digits
                        if (i + 5 >= n || b[i + 2] != '0' || b[i + 3] != '0' || (b[i + 4] != '0' && b[i + 4] != '1')) {
                            return -1;
                        }
                        int low = hexDigit(b[i + 5]);
                        if (low < 0) {
                            return -1;
                        }
                        int ch = (b[i + 4] - '0') * 16 + low;
                        if (ch == '\b' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r') {
                            return -1;
                        }
                        i += 6;
                        break;
                    default:
                        return -1; // "\/" or an invalid escape
                }
            }
        }

        private static int hexDigit(byte c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            return -1;
        }

        private int literal(int i, String word) {
            int len = word.length();
            if (i + len > b.length) {
                return -1;
            }
            for (int k = 0; k < len; k++) {
                if (b[i + k] != word.charAt(k)) {
                    return -1;
                }
            }
            return i + len;
        }

        /** A canonical integer: no sign but '-', no leading zero, not -0, at most 2^53 - 1 in magnitude. */
        private int number(int i) {
            int n = b.length;
            boolean negative = i < n && b[i] == '-';
            int digits = negative ? i + 1 : i;
            int end = digits;
            long v = 0;
            while (end < n && b[end] >= '0' && b[end] <= '9') {
                if (end - digits >= 16) {
                    return -1;
                }
                v = v * 10 + (b[end] - '0');
                end++;
            }
            if (end == digits
                    || (b[digits] == '0' && (end - digits > 1 || negative))
                    || v > CanonicalJson.MAX_SAFE_INTEGER) {
                return -1;
            }
            return end;
        }
    }
}
