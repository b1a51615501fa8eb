package dev.llmgate.core.cache.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.core.internal.ByteScan;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * Derives cache keys: SHA-256 over a canonical serialization of the <em>whole</em> request: the values
 * of {@link ChatRequest} (listed in {@link #CHAT_REQUEST_VALUES}, since it is a final class, not a
 * record), then, walked generically, the record components of every record, enum, sealed type, list,
 * map and optional reachable from it. A value is keyed unless it is listed in {@link #EXCLUDED}, so a
 * field added to a nested record is keyed automatically; a field added to {@code ChatRequest} must
 * be listed in {@link #CHAT_REQUEST_VALUES} or {@link #EXCLUDED}, and a test that compares that list
 * with the class's fields (and one that snapshots the request's shape) fails until someone decides.
 *
 * <p>Canonical form: every value is written with a type tag; strings as their length in chars, then each char
 * as one byte if it is ASCII, else as 0x80 followed by its two UTF-16 bytes (injective, and half the bytes to hash
 * for ASCII text);
 * records (and the request) with their class name and each component's name; maps sorted by key; sets sorted by
 * their elements' encodings; JSON numbers (in provider options) normalized so that {@code 1},
 * {@code 1L} and {@code 1.0} are equal; {@code -0.0} equals {@code 0.0}. A value of a type the
 * walker does not know fails with {@link UnsupportedValueException}: such a request is not cached
 * rather than keyed incompletely.
 */
public final class RequestDigest {

    /** Written first into every digest; bump it when the canonical form changes. */
    public static final String KEY_VERSION = "llmgate-cache-key/1";

    /**
     * Record components left out of the key, by record type, each for a reason given in
     * docs/caching.md. {@code ChatRequest.metadata}: tenant, user, tags and attributes never reach the
     * provider; the namespace derived from it is keyed separately.
     */
    public static final Map<Class<?>, Set<String>> EXCLUDED = Map.of(ChatRequest.class, Set.of("metadata"));

    /** Metadata attributes named so carry wire details of the request (a provider adapter writes them): keyed. */
    public static final String WIRE_ATTRIBUTE_PREFIX = "llmgate.wire.";

    /**
     * How the key reads a {@link ChatRequest}: each value's name and accessor, in the canonical order (the
     * order of its components when it was a record, so that keys stay the same across that change).
     * A value added to {@code ChatRequest} goes at the end, or into {@link #EXCLUDED}.
     */
    private static final Map<String, Function<ChatRequest, Object>> CHAT_REQUEST_READERS = chatRequestReaders();

    /** The names of {@link ChatRequest}'s values, in canonical order, excluded ones included. */
    public static final List<String> CHAT_REQUEST_VALUES = List.copyOf(CHAT_REQUEST_READERS.keySet());

    private static Map<String, Function<ChatRequest, Object>> chatRequestReaders() {
        Map<String, Function<ChatRequest, Object>> m = new LinkedHashMap<>();
        m.put("model", ChatRequest::model);
        m.put("messages", ChatRequest::messages);
        m.put("tools", ChatRequest::tools);
        m.put("toolChoice", ChatRequest::toolChoice);
        m.put("parallelToolCalls", ChatRequest::parallelToolCalls);
        m.put("responseFormat", ChatRequest::responseFormat);
        m.put("temperature", ChatRequest::temperature);
        m.put("topP", ChatRequest::topP);
        m.put("maxOutputTokens", ChatRequest::maxOutputTokens);
        m.put("stop", ChatRequest::stop);
        m.put("seed", ChatRequest::seed);
        m.put("providerOptions", ChatRequest::providerOptions);
        m.put("metadata", ChatRequest::metadata);
        return m;
    }

    private static final Component[] CHAT_REQUEST = CHAT_REQUEST_READERS.entrySet().stream()
            .filter(e -> !EXCLUDED.get(ChatRequest.class).contains(e.getKey()))
            .map(e -> new Component(e.getKey(), r -> e.getValue().apply((ChatRequest) r)))
            .toArray(Component[]::new);

    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final ClassValue<Component[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> type) {
            RecordComponent[] rc = type.getRecordComponents();
            Set<String> excluded = EXCLUDED.getOrDefault(type, Set.of());
            List<Component> list = new ArrayList<>(rc.length);
            for (RecordComponent c : rc) {
                if (!excluded.contains(c.getName())) {
                    Method accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    String name = type.getName() + "." + c.getName();
                    list.add(new Component(c.getName(), r -> {
                        try {
                            return accessor.invoke(r);
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException("cannot read " + name, e);
                        } catch (InvocationTargetException e) {
                            throw new IllegalStateException("reading " + name + " failed", e.getCause());
                        }
                    }));
                }
            }
            return list.toArray(new Component[0]);
        }
    };

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestDigest() {}

    /**
     * The hex SHA-256 of {@code domain}, {@code namespace} and the canonical form of {@code request}.
     *
     * @throws UnsupportedValueException if the request holds a value of a type the walker does not know
     */
    public static String digest(String domain, String namespace, ChatRequest request) {
        MessageDigest md;
        try {
            md = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        Writer w = new Writer(md);
        w.string(KEY_VERSION);
        w.string(domain);
        w.string(namespace);
        w.value(request, "request");
        // metadata is not keyed, except the wire details a provider-neutral request cannot hold (such as Anthropic's
        // is_error on a tool result), which change what is sent: keyed only when present, so other keys stay the same
        Map<String, String> wire = null;
        for (Map.Entry<String, String> a : request.metadata().attributes().entrySet()) {
            if (a.getKey().startsWith(WIRE_ATTRIBUTE_PREFIX)) {
                if (wire == null) {
                    wire = new java.util.TreeMap<>();
                }
                wire.put(a.getKey(), a.getValue());
            }
        }
        if (wire != null) {
            w.string("wire");
            w.value(wire, "wire");
        }
        byte[] hash = w.finish();
        char[] out = new char[hash.length * 2];
        for (int i = 0; i < hash.length; i++) {
            out[2 * i] = HEX[(hash[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[hash[i] & 0xf];
        }
        return new String(out);
    }

    /** Thrown when a request holds a value the canonical form has no encoding for; names the path, never the value. */
    public static final class UnsupportedValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedValueException(Object path, Class<?> type) {
            super("cannot derive a cache key: " + path + " is a " + type.getName()
                    + ", which the key derivation does not know; teach RequestDigest to encode it");
        }
    }

    private record Component(String name, Function<Object, Object> reader) {}

    /** Where a value sits in the request, for error messages only: built lazily, never on the hot path. */
    private record Path(Object parent, String name) {
        @Override
        public String toString() {
            return parent + "." + name;
        }
    }

    /** Streams the canonical form into a digest through a small buffer. */
    private static final class Writer {
        private static final byte NULL = 0,
                STRING = 1,
                TRUE = 2,
                FALSE = 3,
                INT = 4,
                LONG = 5,
                DOUBLE = 6,
                NUMBER = 7,
                ENUM = 8,
                RECORD = 9,
                LIST = 10,
                MAP = 11,
                SET = 12,
                EMPTY = 13,
                PRESENT = 14,
                BYTES = 15;

        private final MessageDigest md;
        private final byte[] buf = new byte[512]; // (allocated per key: long ASCII strings bypass it)
        private int pos;

        Writer(MessageDigest md) {
            this.md = md;
        }

        byte[] finish() {
            flush();
            return md.digest();
        }

        void value(Object v, Object path) {
            if (v == null) {
                tag(NULL);
            } else if (v instanceof String s) {
                string(s);
            } else if (v instanceof Boolean b) {
                tag(b ? TRUE : FALSE);
            } else if (v instanceof ChatRequest r) {
                structure(r, ChatRequest.class, CHAT_REQUEST, path);
            } else if (v instanceof Record r) {
                structure(r, r.getClass(), COMPONENTS.get(r.getClass()), path);
            } else if (v instanceof Enum<?> e) {
                tag(ENUM);
                string(e.getDeclaringClass().getName());
                string(e.name());
            } else if (v instanceof List<?> l) {
                tag(LIST);
                int32(l.size());
                for (int i = 0; i < l.size(); i++) {
                    value(l.get(i), path);
                }
            } else if (v instanceof Map<?, ?> m) {
                map(m, path);
            } else if (v instanceof Set<?> s) {
                set(s, path);
            } else if (v instanceof Optional<?> o) {
                if (o.isPresent()) {
                    tag(PRESENT);
                    value(o.get(), path);
                } else {
                    tag(EMPTY);
                }
            } else if (v instanceof OptionalDouble o) {
                if (o.isPresent()) {
                    tag(DOUBLE);
                    double d = o.getAsDouble();
                    int64(d == 0.0 ? 0L : Double.doubleToLongBits(d));
                } else {
                    tag(EMPTY);
                }
            } else if (v instanceof OptionalInt o) {
                if (o.isPresent()) {
                    tag(INT);
                    int32(o.getAsInt());
                } else {
                    tag(EMPTY);
                }
            } else if (v instanceof OptionalLong o) {
                if (o.isPresent()) {
                    tag(LONG);
                    int64(o.getAsLong());
                } else {
                    tag(EMPTY);
                }
            } else if (v instanceof Number n) {
                tag(NUMBER);
                string(canonicalNumber(n, path));
            } else if (v instanceof byte[] bytes) {
                tag(BYTES);
                int32(bytes.length);
                flush();
                md.update(bytes);
            } else {
                throw new UnsupportedValueException(path, v.getClass());
            }
        }

        /** A record, or the request: its class name, then each component's name and value. */
        private void structure(Object r, Class<?> type, Component[] components, Object path) {
            tag(RECORD);
            string(type.getName());
            int32(components.length);
            for (Component c : components) {
                string(c.name);
                Object v = c.reader.apply(r);
                if (v instanceof Integer i) {
                    tag(INT);
                    int32(i);
                } else if (v instanceof Long l) {
                    tag(LONG);
                    int64(l);
                } else if (v instanceof Double d) {
                    tag(DOUBLE);
                    int64(d == 0.0 ? 0L : Double.doubleToLongBits(d));
                } else {
                    value(v, new Path(path, c.name));
                }
            }
        }

        private void map(Map<?, ?> m, Object path) {
            tag(MAP);
            int32(m.size());
            String[] keys = new String[m.size()];
            int i = 0;
            for (Object k : m.keySet()) {
                if (!(k instanceof String s)) {
                    throw new UnsupportedValueException(path + " (a map key)", k == null ? Object.class : k.getClass());
                }
                keys[i++] = s;
            }
            Arrays.sort(keys);
            for (String k : keys) {
                string(k);
                value(m.get(k), new Path(path, k));
            }
        }

        private void set(Collection<?> s, Object path) {
            tag(SET);
            int32(s.size());
            List<byte[]> encoded = new ArrayList<>(s.size());
            for (Object e : s) {
                MessageDigest sub;
                try {
                    sub = (MessageDigest) PROTOTYPE.clone();
                } catch (CloneNotSupportedException ex) {
                    throw new IllegalStateException(ex);
                }
                Writer w = new Writer(sub);
                w.value(e, path);
                encoded.add(w.finish());
            }
            encoded.sort(Arrays::compare);
            flush();
            for (byte[] b : encoded) {
                md.update(b);
            }
        }

        private static String canonicalNumber(Number n, Object path) {
            BigDecimal d;
            if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
                return Long.toString(n.longValue());
            } else if (n instanceof BigInteger bi) {
                d = new BigDecimal(bi);
            } else if (n instanceof BigDecimal bd) {
                d = bd;
            } else if (n instanceof Double || n instanceof Float) {
                double v = n.doubleValue();
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    return Double.toString(v);
                }
                d = new BigDecimal(n.toString());
            } else {
                throw new UnsupportedValueException(path, n.getClass());
            }
            if (d.signum() == 0) {
                return "0";
            }
            return d.stripTrailingZeros().toPlainString();
        }

        void string(String s) {
            tag(STRING);
            int n = s.length();
            int32(n);
            if (n >= 64 && asciiInBulk(s, n)) {
                return;
            }
            int i = 0;
            while (i < n) {
                if (pos + 3 > buf.length) {
                    flush();
                }
                int end = Math.min(n, i + (buf.length - pos) / 3);
                byte[] b = buf;
                int p = pos;
                for (; i < end; i++) {
                    char c = s.charAt(i);
                    if (c < 0x80) {
                        b[p++] = (byte) c;
                    } else {
                        b[p++] = (byte) 0x80;
                        b[p++] = (byte) (c >> 8);
                        b[p++] = (byte) c;
                    }
                }
                pos = p;
            }
        }

        /**
         * For a string of ASCII characters only: hashes its bytes straight from the JDK's bulk
         * encoding, which are exactly what the loop of {@link #string} writes for it (one byte per
         * character); false (nothing written) for any other string.
         */
        private boolean asciiInBulk(String s, int n) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length != n) {
                return false; // a character took more than one byte
            }
            // only ASCII characters and lone surrogates (encoded as '?') take one byte each
            for (int i = ByteScan.indexOf(b, 0, n, (byte) '?'); i < n; i = ByteScan.indexOf(b, i + 1, n, (byte) '?')) {
                if (s.charAt(i) != '?') {
                    return false;
                }
            }
            flush();
            md.update(b);
            return true;
        }

        private void tag(byte t) {
            if (pos + 1 > buf.length) {
                flush();
            }
            buf[pos++] = t;
        }

        private void int32(int v) {
            if (pos + 4 > buf.length) {
                flush();
            }
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        private void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        private void flush() {
            if (pos > 0) {
                md.update(buf, 0, pos);
                pos = 0;
            }
        }
    }
}
