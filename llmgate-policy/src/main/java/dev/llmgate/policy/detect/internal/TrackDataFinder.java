package dev.llmgate.policy.detect.internal;

/**
 * The matches of the magnetic-stripe pattern
 * {@code %?B\d{13,19}\^[A-Za-z /.'\-,]{2,26}\^\d{7,40}\??|;?\d{13,19}[=D]\d{7,40}\??} ({@link #PATTERN}), as its
 * {@code find()} loop finds them, in linear time. The regex has no anchor to start from: its
 * {@code find()} tries every position, and inside a long run of digits each try reads 19 digits
 * and backtracks. Here each run of digits is read once: a track-2 match can only start where
 * 13 to 19 digits remain before the run's end, which must be followed by {@code =}; a track-1 match
 * only at {@code %} or {@code B}. Immutable and thread-safe. Not API.
 */
final class TrackDataFinder implements Recognizer.Finder {
    /** The pattern this finder replaces (the reference of the tests). */
    public static final String PATTERN =
            "%?B\\d{13,19}\\^[A-Za-z /.'\\-,]{2,26}\\^\\d{7,40}\\??|;?\\d{13,19}[=D]\\d{7,40}\\??";

    @Override
    public void findAll(MeteredText metered, Recognizer.MatchSink sink) {
        String t = metered.string();
        int n = t.length();
        long read = n;
        try {
            int runEnd = -1; // the end of the run of digits the position is in, once read
            int p = 0;
            while (p < n) {
                char c = t.charAt(p);
                int end = -1;
                if (c >= '0' && c <= '9') {
                    if (runEnd <= p) {
                        runEnd = p + 1;
                        while (runEnd < n && digit(t.charAt(runEnd))) {
                            runEnd++;
                        }
                        read += runEnd - p;
                    }
                    int left = runEnd - p;
                    if (left > 19) {
                        p = runEnd - 19; // \d{13,19} then '=' cannot match with more than 19 digits left in the run
                        continue;
                    }
                    if (left >= 13 && runEnd < n && separator(t.charAt(runEnd))) {
                        end = tail(t, runEnd + 1);
                        read += 42;
                    }
                    if (end < 0) {
                        p = runEnd; // every later start in this run fails the same way (or has fewer than 13 digits)
                        continue;
                    }
                } else if (c == '%' || c == 'B') {
                    int q = c == '%' ? p + 1 : p;
                    if (q < n && t.charAt(q) == 'B') {
                        end = track1(t, q + 1);
                        read += 90;
                    }
                } else if (c == ';') {
                    end = track2(t, p + 1);
                    read += 62;
                }
                if (end < 0) {
                    p++;
                    continue;
                }
                sink.match(p, end);
                p = end;
            }
        } finally {
            metered.charge(read);
        }
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The length of the run of digits at {@code i}, counting at most {@code max + 1} of them. */
    private static int digits(String t, int i, int max) {
        int k = 0;
        while (i + k < t.length() && k <= max && digit(t.charAt(i + k))) {
            k++;
        }
        return k;
    }

    /** {@code \d{13,19}\^[A-Za-z /.'\-,]{2,26}\^\d{7,40}\??} at {@code i}: its end, or -1. */
    private static int track1(String t, int i) {
        int d = digits(t, i, 19);
        int at = i + d;
        if (d < 13 || d > 19 || at >= t.length() || t.charAt(at) != '^') {
            return -1;
        }
        at++;
        int name = 0;
        while (at + name < t.length() && name <= 26 && nameChar(t.charAt(at + name))) {
            name++;
        }
        at += name;
        if (name < 2 || name > 26 || at >= t.length() || t.charAt(at) != '^') {
            return -1;
        }
        return tail(t, at + 1);
    }

    /** {@code \d{13,19}[=D]\d{7,40}\??} at {@code i}: its end, or -1. */
    private static int track2(String t, int i) {
        int d = digits(t, i, 19);
        int at = i + d;
        if (d < 13 || d > 19 || at >= t.length() || !separator(t.charAt(at))) {
            return -1;
        }
        return tail(t, at + 1);
    }

    /** {@code \d{7,40}\??} at {@code i} (greedy: at most 40 digits, then an optional '?'): its end, or -1. */
    private static int tail(String t, int i) {
        int d = Math.min(digits(t, i, 40), 40);
        if (d < 7) {
            return -1;
        }
        int at = i + d;
        return at < t.length() && t.charAt(at) == '?' ? at + 1 : at;
    }

    private static boolean nameChar(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || c == ' '
                || c == '/'
                || c == '.'
                || c == '\''
                || c == '-'
                || c == ',';
    }

    /** Track 2's field separator: {@code =} on the stripe, {@code D} in EMV's Track 2 Equivalent Data (tag 57). */
    private static boolean separator(char c) {
        return c == '=' || c == 'D';
    }
}
