package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.JsonReader;
import dev.llmgate.core.audit.internal.LogEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Grammar-generated lines (canonical and near-canonical), plus multi-byte mutations of them,
 * must give the same hash, canonical bytes, sig and members on the one-pass path as on the parser
 * path, and the one-pass path must never accept a line the parser rejects.
 */
class VerifierFastPathDifferentialTest {
    private static final String[] NAMES = {
        "", "a", "aa", "ab", "b", "sig", "si", "sigg", "Sig", "s", "z", "~", "\u007f", "a b", "q\"", "x\\y"
    };
    private static final String[] STRING_PARTS = {
        "a",
        "0123456789abcdef",
        "\"",
        "\\",
        "/",
        "\b",
        "\f",
        "\n",
        "\r",
        "\t",
        "\u0000",
        "\u0001",
        "\u001f",
        "\u007f",
        " ",
        "?",
        "\u00e9",
        "\ud83d\ude00",
        "\ud800",
        "xxxxxxxxxxxxxxx"
    };
    private static final long[] NUMBERS = {
        0, 1, -1, 9, 10, -10, 123456789, 9007199254740991L, -9007199254740991L, 1000000000000000L
    };

    private static final Random RANDOM = new Random(424242);

    private static Object value(int depth) {
        int k = RANDOM.nextInt(depth > 6 ? 5 : 7);
        switch (k) {
            case 0:
                return NUMBERS[RANDOM.nextInt(NUMBERS.length)];
            case 1:
            case 2: {
                StringBuilder sb = new StringBuilder();
                for (int i = RANDOM.nextInt(6); i > 0; i--) {
                    sb.append(STRING_PARTS[RANDOM.nextInt(STRING_PARTS.length)]);
                }
                return sb.toString();
            }
            case 3:
                return RANDOM.nextBoolean();
            case 4:
                return null;
            case 5: {
                List<Object> l = new ArrayList<>();
                for (int i = RANDOM.nextInt(4); i > 0; i--) {
                    l.add(value(depth + 1));
                }
                return l;
            }
            default:
                return object(depth + 1, RANDOM.nextInt(5));
        }
    }

    private static Map<String, Object> object(int depth, int size) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            String name = NAMES[RANDOM.nextInt(NAMES.length)];
            m.put(name, name.equals("sig") && depth == 0 && RANDOM.nextInt(4) != 0 ? hexSig() : value(depth));
        }
        return m;
    }

    private static String hexSig() {
        StringBuilder sb = new StringBuilder();
        for (int i = RANDOM.nextInt(130); i > 0; i--) {
            sb.append("0123456789abcdef".charAt(RANDOM.nextInt(16)));
        }
        return sb.toString();
    }

    private static void assertSame(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        LogEntry reference;
        try {
            reference = LogEntry.parsed(text);
        } catch (IllegalArgumentException | StackOverflowError e) {
            try {
                LogEntry.of(line);
            } catch (IllegalArgumentException | StackOverflowError expected) {
                return;
            }
            throw new AssertionError("the one-pass check accepted a line the parser rejects: " + text);
        }
        LogEntry fast = LogEntry.of(line);
        assertThat(fast.hash()).as(text).isEqualTo(reference.hash());
        assertThat(fast.canonical()).as(text).isEqualTo(reference.canonical());
        assertThat(fast.sig()).as(text).isEqualTo(reference.sig());
        Map<String, Object> members = JsonReader.parseObject(text);
        for (String name : members.keySet()) {
            assertThat(fast.get(name)).as(text + " member " + name).isEqualTo(reference.get(name));
            assertThat(fast.str(name)).as(text + " member " + name).isEqualTo(reference.str(name));
        }
        if (fast.hashedAsStored()) {
            // a line hashed as stored must be exactly canonical(e) of its parse (sig included)
            assertThat(CanonicalJson.utf8(members)).as(text).isEqualTo(line);
        }
    }

    @Test
    void generatedLinesAndTheirMutationsGiveTheSameEntryOnBothPaths() {
        byte[] alphabet = " \t\r\n\"\\,:{}[]0123456789-+.eEtrufalsn/uU".getBytes(StandardCharsets.US_ASCII);
        byte[] odd = {
            0,
            0x1f,
            0x7f,
            (byte) 0x80,
            (byte) 0xc3,
            (byte) 0xa9,
            (byte) 0xed,
            (byte) 0xa0,
            (byte) 0xff,
            'A',
            'F',
            'a',
            'f',
            '0',
            '1'
        };
        int fastHits = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] line = CanonicalJson.utf8(object(0, RANDOM.nextInt(8)));
            assertSame(line);
            if (LogEntry.of(line).hashedAsStored()) {
                fastHits++;
            }
            byte[] changed = line;
            for (int m = 1 + RANDOM.nextInt(3); m > 0 && changed.length > 1; m--) {
                int at = RANDOM.nextInt(changed.length);
                byte b = RANDOM.nextInt(3) == 0
                        ? odd[RANDOM.nextInt(odd.length)]
                        : alphabet[RANDOM.nextInt(alphabet.length)];
                switch (RANDOM.nextInt(4)) {
                    case 0: {
                        changed = changed.clone();
                        changed[at] = b;
                        break;
                    }
                    case 1: {
                        byte[] c = new byte[changed.length + 1];
                        System.arraycopy(changed, 0, c, 0, at);
                        c[at] = b;
                        System.arraycopy(changed, at, c, at + 1, changed.length - at);
                        changed = c;
                        break;
                    }
                    case 2: {
                        byte[] c = new byte[changed.length - 1];
                        System.arraycopy(changed, 0, c, 0, at);
                        System.arraycopy(changed, at + 1, c, at, changed.length - at - 1);
                        changed = c;
                        break;
                    }
                    default: {
                        // duplicate a slice (repeats members, brackets, commas)
                        int to = Math.min(changed.length, at + 1 + RANDOM.nextInt(12));
                        byte[] c = new byte[changed.length + (to - at)];
                        System.arraycopy(changed, 0, c, 0, to);
                        System.arraycopy(changed, at, c, to, changed.length - at);
                        changed = c;
                    }
                }
            }
            assertSame(changed);
        }
        assertThat(fastHits).isGreaterThan(1_000); // the generator does reach the fast path
    }

    @Test
    void handPickedAdversarialLines() {
        String sig = "ab".repeat(64);
        String[] lines = {
            "{\"sig\":\"" + sig + "\",\"sig\":\"" + sig + "\"}", // duplicate sig
            "{\"a\":1,\"sig\":\"x\",\"sig\":\"y\"}",
            "{\"a\":{\"sig\":\"x\"},\"sig\":\"" + sig + "\"}", // nested sig is content
            "{\"a\":[{\"b\":1,\"b\":2}],\"c\":1}", // nested duplicate
            "{\"a\":{\"b\":1},\"a\":{\"b\":1}}",
            "{\"a\":\"\\u00E9\"}",
            "{\"a\":\"\\u001F\"}",
            "{\"a\":\"\\u001f\"}",
            "{\"a\":\"\\u007f\"}",
            "{\"a\":\"\\u0020\"}",
            "{\"a\":\"\\u000a\"}",
            "{\"a\":\"\\u0008\"}",
            "{\"a\":\"\\/\"}",
            "{\"a\":\"\\u00\"}",
            "{\"a\":\"\\u",
            "{\"a\":\"\\",
            "{\"a\":-0}",
            "{\"a\":00}",
            "{\"a\":-01}",
            "{\"a\":1e3}",
            "{\"a\":1.0}",
            "{\"a\":+1}",
            "{\"a\":-}",
            "{\"a\":9007199254740992}",
            "{\"a\":-9007199254740992}",
            "{\"a\":99999999999999999999}",
            "{\"a\":0000000000000000001}",
            "{\"a\":tru}",
            "{\"a\":truee}",
            "{\"a\":nul}",
            "{\"a\":null,\"b\":null}",
            "{\"a\":1,}",
            "{,\"a\":1}",
            "{\"a\":1}}",
            "{\"a\":1} ",
            " {\"a\":1}",
            "{\"a\":1}\r",
            "\ufeff{\"a\":1}",
            "{\"a\":[1,]}",
            "{\"a\":[,1]}",
            "{\"a\":[]}",
            "{\"a\":{}}",
            "{}",
            "{\"\":1}",
            "{\"\":1,\"\":2}",
            "{\"sig\":\"\"}",
            "{\"sig\":\"\",\"z\":1}",
            "{\"a\":1,\"sig\":\"\"}",
            "{\"a\":1,\"sig\":\"\",\"z\":1}",
            "{\"sig\":1}",
            "{\"sig\":[\"x\"]}",
            "{\"sig\":{}}",
            "{\"sig\":true}",
            "{\"a\":\"" + "x".repeat(7) + "\\\"" + "y".repeat(9) + "\"}",
            "{\"A\":1,\"a\":1}",
            "{\"a\":1,\"A\":1}",
            "{\"a\u0000\":1}",
            "{\"a\":\"\u0000\"}",
            "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}",
            "{\"a\":" + "{\"b\":".repeat(31) + "1" + "}".repeat(31) + "}",
            "{\"a\":" + "{\"b\":".repeat(30) + "1" + "}".repeat(30) + "}",
        };
        for (String l : lines) {
            assertSame(l.getBytes(StandardCharsets.UTF_8));
        }
        // invalid UTF-8 and an over-long encoding of '"' inside a string
        assertSame(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xa2, '"', '}'});
        assertSame(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'
                });
    }
}
