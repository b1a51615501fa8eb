package dev.llmgate.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The eight-at-a-time scans agree with a plain loop at every offset and length, for bytes of every value. */
class ByteScanTest {
    private static final byte[] INTERESTING = {
        0, 1, 0x1f, 0x20, '"', '\\', '?', '\n', 'a', 0x7f, (byte) 0x80, (byte) 0xff, '>', '@'
    };

    @Test
    void agreesWithAPlainLoop() {
        SplittableRandom random = new SplittableRandom(20261205);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(0, 40)];
            int density = random.nextInt(1, 20);
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(density) == 0
                        ? INTERESTING[random.nextInt(INTERESTING.length)]
                        : (byte) random.nextInt(0x21, 0x7f);
            }
            int from = b.length == 0 ? 0 : random.nextInt(0, b.length + 1);
            int to = random.nextInt(from, b.length + 1);
            assertThat(ByteScan.firstSpecial(b, from, to)).isEqualTo(plain(b, from, to, false));
            boolean ascii = true;
            for (int i = from; i < to; i++) {
                ascii &= b[i] >= 0;
            }
            if (ascii) {
                assertThat(ByteScan.firstSpecialOrQuestionMark(b, from, to)).isEqualTo(plain(b, from, to, true));
            }
            assertThat(ByteScan.indexOfNewline(b, from, to)).isEqualTo(index(b, from, to, (byte) '\n'));
            byte value = INTERESTING[random.nextInt(INTERESTING.length)];
            assertThat(ByteScan.indexOf(b, from, to, value)).isEqualTo(index(b, from, to, value));
        }
    }

    private static int plain(byte[] b, int from, int to, boolean questionMark) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || (questionMark && c == '?')) {
                return i;
            }
        }
        return to;
    }

    private static int index(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return to;
    }
}
