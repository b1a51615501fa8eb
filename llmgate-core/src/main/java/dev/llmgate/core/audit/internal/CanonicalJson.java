package dev.llmgate.core.audit.internal;

import dev.llmgate.core.internal.ByteScan;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON in the canonical form of RFC 8785 (JCS) for the value types audit entries use:
 * objects (maps with String keys), arrays (lists), strings, integers within +-(2^53 - 1), booleans
 * and null. Object members are sorted by their keys' UTF-16 code units (which is what
 * {@link String#compareTo} compares); strings are escaped as ECMAScript's {@code JSON.stringify}
 * escapes them; no whitespace. Non-integer numbers are rejected: audit entries carry decimals as
 * strings, so that no floating-point formatting is involved. Not public API.
 */
public final class CanonicalJson {
    /** The largest integer every JSON implementation represents exactly (2^53 - 1). */
    public static final long MAX_SAFE_INTEGER = 9007199254740991L;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {}

    /** The canonical text of {@code value}. */
    public static String write(Object value) {
        return new String(utf8(value), StandardCharsets.UTF_8);
    }

    /** The canonical text of {@code value}, as UTF-8: written straight to bytes, no intermediate text. */
    public static byte[] utf8(Object value) {
        Utf8 out = Utf8.borrow();
        try {
            write(value, out);
            return out.bytes();
        } finally {
            out.release();
        }
    }

    /** SHA-256 of {@code utf8(value)}, without copying the canonical bytes out of the writer's buffer. */
    public static byte[] sha256(Object value) {
        Utf8 out = Utf8.borrow();
        try {
            write(value, out);
            return Sha256.hash(out.buf, 0, out.len);
        } finally {
            out.release();
        }
    }

    /** HMAC of {@code utf8(value)} with {@code mac} (initialised, reset here), without copying the canonical bytes. */
    public static byte[] mac(Object value, javax.crypto.Mac mac) {
        Utf8 out = Utf8.borrow();
        try {
            write(value, out);
            mac.reset();
            mac.update(out.buf, 0, out.len);
            return mac.doFinal();
        } finally {
            out.release();
        }
    }

    /** Appends the canonical text of {@code value} to {@code sb}. */
    public static void write(Object value, StringBuilder sb) {
        sb.append(write(value));
    }

    /** Appends {@code s} as a JSON string, escaped as RFC 8785 (and ECMAScript JSON.stringify) escapes it. */
    public static void writeString(String s, StringBuilder sb) {
        Utf8 out = new Utf8();
        out.string(s);
        sb.append(new String(out.buf, 0, out.len, StandardCharsets.UTF_8));
    }

    private static void write(Object value, Utf8 out) {
        if (value == null) {
            out.ascii("null");
        } else if (value instanceof String) {
            out.string((String) value);
        } else if (value instanceof Boolean) {
            out.ascii(((Boolean) value) ? "true" : "false");
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            long n = ((Number) value).longValue();
            if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) {
                throw new IllegalArgumentException(
                        "integer " + n + " is outside +-(2^53 - 1): write it as a decimal string");
            }
            out.number(n);
        } else if (value instanceof Map) {
            writeObject((Map<?, ?>) value, out);
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            out.ascii('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.ascii(',');
                }
                write(list.get(i), out);
            }
            out.ascii(']');
        } else {
            throw new IllegalArgumentException(
                    "audit entries hold only strings, integers, booleans, null, lists and maps, not "
                            + value.getClass().getName() + " (write decimals as strings)");
        }
    }

    private static void writeObject(Map<?, ?> map, Utf8 out) {
        if (map instanceof java.util.SortedMap && ((java.util.SortedMap<?, ?>) map).comparator() == null) {
            // (a record's maps: already in the canonical order, String.compareTo's; read entry by entry, no lookups)
            out.ascii('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("object keys must be strings, was: " + e.getKey());
                }
                if (!first) {
                    out.ascii(',');
                }
                first = false;
                out.string((String) e.getKey());
                out.ascii(':');
                write(e.getValue(), out);
            }
            out.ascii('}');
            return;
        }
        String[] keys = new String[map.size()];
        int n = 0;
        for (Object k : map.keySet()) {
            if (!(k instanceof String)) {
                throw new IllegalArgumentException("object keys must be strings, was: " + k);
            }
            keys[n++] = (String) k;
        }
        Arrays.sort(keys);
        out.ascii('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.ascii(',');
            }
            out.string(keys[i]);
            out.ascii(':');
            write(map.get(keys[i]), out);
        }
        out.ascii('}');
    }

    /** A growable UTF-8 byte buffer that writes JSON tokens; one is kept per thread and reused. */
    private static final class Utf8 {
        /** A buffer grown past this is not kept for reuse (a record with a large captured content). */
        private static final int KEEP_LIMIT = 1 << 16;

        private static final ThreadLocal<Utf8> CACHED = new ThreadLocal<>();

        byte[] buf = new byte[1024];
        int len;

        /** This thread's buffer, emptied; or a new one if it is in use (never, as writing calls no foreign code). */
        static Utf8 borrow() {
            Utf8 u = CACHED.get();
            if (u == null) {
                return new Utf8();
            }
            CACHED.set(null);
            u.len = 0;
            return u;
        }

        void release() {
            if (buf.length <= KEEP_LIMIT) {
                CACHED.set(this);
            }
        }

        private void room(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        void ascii(char c) {
            room(1);
            buf[len++] = (byte) c;
        }

        void ascii(String s) {
            int n = s.length();
            room(n);
            for (int i = 0; i < n; i++) {
                buf[len++] = (byte) s.charAt(i);
            }
        }

        void number(long n) {
            if (n < 0) {
                ascii('-');
                n = -n; // within +-(2^53 - 1): no overflow
            }
            int digits = 1;
            for (long t = n; t >= 10; t /= 10) {
                digits++;
            }
            room(digits);
            int end = len + digits;
            for (int i = end - 1; i >= len; i--) {
                buf[i] = (byte) ('0' + (int) (n % 10));
                n /= 10;
            }
            len = end;
        }

        /** {@code s} as a JSON string: RFC 8785 escapes, everything else as UTF-8 (well-formed surrogate pairs as one code point). */
        void string(String s) {
            int n = s.length();
            if (n >= 16 && bulkString(s, n)) {
                return;
            }
            room(n + 2);
            buf[len++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    if (len == buf.length) {
                        room(1 + n - i);
                    }
                    buf[len++] = (byte) c;
                    continue;
                }
                if (shortEscape(c)) {
                    continue;
                }
                if (c < 0x20) {
                    unicodeEscape(c);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    codePoint(Character.toCodePoint(c, s.charAt(++i)));
                } else if (Character.isSurrogate(c)) {
                    unicodeEscape(c); // a lone surrogate
                } else {
                    codePoint(c);
                }
            }
            ascii('"');
        }

        /** Writes the two-character escape of {@code c} if it has one (RFC 8785: quote, backslash, b f n r t); else false. */
        private boolean shortEscape(char c) {
            switch (c) {
                case '"':
                    ascii("\\\"");
                    return true;
                case '\\':
                    ascii("\\\\");
                    return true;
                case '\b':
                    ascii("\\b");
                    return true;
                case '\f':
                    ascii("\\f");
                    return true;
                case '\n':
                    ascii("\\n");
                    return true;
                case '\r':
                    ascii("\\r");
                    return true;
                case '\t':
                    ascii("\\t");
                    return true;
                default:
                    return false;
            }
        }

        /**
         * {@link #string} for a string whose characters are all ASCII (or lone surrogates): the JDK's
         * bulk encoding, then only the bytes that need escaping looked at one by one. False (nothing
         * written) if the string has other characters.
         */
        private boolean bulkString(String s, int n) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length != n) {
                // some character took more than one byte: not ASCII. (Only ASCII characters and lone
                // surrogates, which the encoder replaces by '?', take exactly one byte each.)
                return false;
            }
            room(n + 2);
            buf[len++] = '"';
            int from = 0;
            while (true) {
                int i = ByteScan.firstSpecialOrQuestionMark(b, from, n);
                room(i - from + 1);
                System.arraycopy(b, from, buf, len, i - from);
                len += i - from;
                if (i == n) {
                    break;
                }
                char c = s.charAt(i); // one byte per character: byte i is character i
                if (c == '?') {
                    buf[len++] = '?';
                } else if (!shortEscape(c)) {
                    unicodeEscape(c); // another control character, or a lone surrogate
                }
                from = i + 1;
            }
            ascii('"');
            return true;
        }

        private void codePoint(int cp) {
            room(4);
            if (cp < 0x800) {
                buf[len++] = (byte) (0xC0 | (cp >> 6));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                buf[len++] = (byte) (0xE0 | (cp >> 12));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            }
        }

        private void unicodeEscape(char c) {
            room(6);
            buf[len++] = '\\';
            buf[len++] = 'u';
            buf[len++] = (byte) HEX[(c >> 12) & 0xf];
            buf[len++] = (byte) HEX[(c >> 8) & 0xf];
            buf[len++] = (byte) HEX[(c >> 4) & 0xf];
            buf[len++] = (byte) HEX[c & 0xf];
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }
}
