package dev.llmgate.policy.internal;

import java.util.Arrays;

/**
 * Where a streamed JSON answer stands after the text read so far: the objects and arrays still open, the key each is
 * the value of (its last {@value #KEY_MAX} characters, as written), and a key whose value comes next. A stream's
 * window holds only the last part of the answer, so the keys of long arrays and objects lie in text already released;
 * this is what the window's members reading needs to put them before their values ({@link ScanView.Builder#addJsonFragment}).
 * Read character by character, once, in constant memory per open container (at most {@value #DEPTH_MAX} remembered;
 * deeper ones are counted). Not thread-safe.
 */
final class JsonPath {
    static final int KEY_MAX = 24;
    private static final int DEPTH_MAX = 64;

    private int lexer = JsonTokens.OUTSIDE;
    private final StringBuilder current = new StringBuilder(KEY_MAX);
    private String lastString;
    private boolean afterString;
    private String pendingKey;
    private String[] keys = new String[8];
    private boolean[] arrays = new boolean[8];
    private int depth;
    /** Containers opened beyond {@link #DEPTH_MAX} and not yet closed (not remembered). */
    private int unremembered;

    /** Reads {@code s[from, to)}. */
    void advance(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (lexer == JsonTokens.AFTER_BACKSLASH) {
                keep(c);
                lexer = JsonTokens.IN_STRING;
            } else if (lexer == JsonTokens.IN_STRING) {
                if (c == '\\') {
                    keep(c);
                    lexer = JsonTokens.AFTER_BACKSLASH;
                } else if (c == '"') {
                    lexer = JsonTokens.OUTSIDE;
                    lastString = decoded(current);
                    afterString = true;
                } else {
                    keep(c);
                }
            } else {
                switch (c) {
                    case '"' -> {
                        lexer = JsonTokens.IN_STRING;
                        current.setLength(0);
                        afterString = false;
                    }
                    case ':' -> {
                        pendingKey = afterString ? lastString : null;
                        afterString = false;
                    }
                    case '{', '[' -> {
                        open(c == '[');
                        pendingKey = null;
                        afterString = false;
                    }
                    case '}', ']' -> {
                        close();
                        pendingKey = null;
                        afterString = false;
                    }
                    case ' ', '\t', '\n', '\r' -> {}
                    default -> { // a comma, or a number or literal (the value of the pending key)
                        pendingKey = null;
                        afterString = false;
                    }
                }
            }
        }
    }

    private void keep(char c) {
        if (current.length() == RAW_MAX) {
            current.deleteCharAt(0);
        }
        current.append(c);
    }

    /** Enough of a string as written to hold its last {@link #KEY_MAX} characters however they are escaped. */
    private static final int RAW_MAX = 6 * KEY_MAX;

    /** The last {@link #KEY_MAX} characters of a string written {@code raw} (its escapes decoded, as the reading does). */
    private static String decoded(StringBuilder raw) {
        String r = raw.toString();
        StringBuilder b = new StringBuilder(r.length());
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '\\') {
                long d = Escapes.json(r, i, r.length());
                if (d >= 0) {
                    b.appendCodePoint((int) (d >>> 32));
                    i = (int) d - 1;
                    continue;
                }
            }
            b.append(c);
        }
        return b.length() > KEY_MAX ? b.substring(b.length() - KEY_MAX) : b.toString();
    }

    private void open(boolean array) {
        if (depth == DEPTH_MAX) {
            unremembered++;
            return;
        }
        if (depth == keys.length) {
            keys = Arrays.copyOf(keys, depth * 2);
            arrays = Arrays.copyOf(arrays, depth * 2);
        }
        keys[depth] = pendingKey;
        arrays[depth++] = array;
    }

    private void close() {
        if (unremembered > 0) {
            unremembered--;
        } else if (depth > 0) {
            depth--;
        }
    }

    /** The keys of the open containers, outermost first (null: a container that is no member's value). */
    String[] keys() {
        return Arrays.copyOf(keys, unremembered > 0 ? 0 : depth);
    }

    /** Whether each open container ({@link #keys}) is an array. */
    boolean[] arrays() {
        return Arrays.copyOf(arrays, unremembered > 0 ? 0 : depth);
    }

    /**
     * The key whose value comes next, if the text read ends between a key's colon and its value, or a string that may
     * be a key (its colon not read yet: what follows decides, as a comma or a bracket forgets it); else null.
     */
    String pendingKey() {
        return afterString ? lastString : pendingKey;
    }
}
