package dev.llmgate.policy.internal;

/**
 * The fields of HL7 version 2 segments that identify a person, each with the label a reader of the segment gives it
 * (HL7 v2.5.1, chapters 3 and 6): the patient ({@code PID}), next of kin ({@code NK1}), guarantor ({@code GT1}) and
 * the insured ({@code IN1}) — identifier lists, names, dates of birth, addresses, telephone numbers, the social
 * security, driver's licence, account, policy and member numbers. A segment stands at the start of a line (segments are
 * ended by a carriage return, or by a line break as they are pasted), after white space, a quote's or a list's marks
 * at most; its fields are separated by the field separator
 * and their parts by the component and repetition separators that an {@code MSH} segment declares ({@code |^~} when
 * there is none). Names are read with their parts joined by spaces ({@code WHITFIELD^MARGARET^A}: {@code WHITFIELD
 * MARGARET A}), identifiers by their first component ({@code 00482913^^^HOSP^MR}), addresses as street, city, state
 * and postal code, dates of birth by their first eight digits. Stateless; linear in the text.
 */
final class Hl7Fields {
    private Hl7Fields() {}

    /** Receives a segment's fields: a line per value, its pieces of the text with what stands before each. */
    interface Sink {
        /** Starts the line of a value labelled {@code label}. */
        void line(String label);

        /** Appends {@code [from, to)} of the text, after {@code before} (text that stands for no source character). */
        void piece(int from, int to, String before);

        /** Ends the line. */
        void end();
    }

    private static final int ID = 0;
    private static final int NAME = 1;
    private static final int BIRTH = 2;
    private static final int ADDRESS = 3;
    private static final int PHONE = 4;
    private static final int WHOLE = 5;

    /** Per segment: field number, kind, label. */
    private static final Object[][] PID = {
        {2, ID, "patient id"},
        {3, ID, "patient id"},
        {4, ID, "patient id"},
        {5, NAME, "full name"},
        {6, NAME, "full name"},
        {7, BIRTH, "date of birth"},
        {9, NAME, "full name"},
        {11, ADDRESS, "address"},
        {13, PHONE, "phone"},
        {14, PHONE, "phone"},
        {18, ID, "account number"},
        {19, WHOLE, "social security number"},
        {20, ID, "driver license number"},
        {21, ID, "patient id"},
    };

    private static final Object[][] NK1 = {
        {2, NAME, "full name"}, {4, ADDRESS, "address"}, {5, PHONE, "phone"}, {6, PHONE, "phone"},
    };

    private static final Object[][] GT1 = {
        {3, NAME, "full name"},
        {5, ADDRESS, "address"},
        {6, PHONE, "phone"},
        {7, PHONE, "phone"},
        {8, BIRTH, "date of birth"},
        {12, WHOLE, "social security number"},
    };

    private static final Object[][] IN1 = {
        {16, NAME, "full name"},
        {18, BIRTH, "date of birth"},
        {19, ADDRESS, "address"},
        {36, ID, "policy number"},
        {49, ID, "member id"},
    };

    /**
     * Whether {@code text} may hold a segment this class reads (a cheap test: a segment's name and the field
     * separator, or an {@code MSH} segment that declares another separator).
     */
    static boolean mayHold(String text) {
        for (int p = text.indexOf('|'); p >= 0; p = text.indexOf('|', p + 1)) {
            if (p >= 3 && segment(text, p - 3) != null && lineStartBefore(text, p - 3)) {
                return true;
            }
        }
        for (int p = text.indexOf("MSH"); p >= 0; p = text.indexOf("MSH", p + 1)) {
            if (declaresEncoding(text, p, lineEnd(text, p)) && lineStartBefore(text, p)) {
                return true;
            }
        }
        return false;
    }

    /** Where the line holding {@code i} ends (its line break, or the end of {@code s}). */
    private static int lineEnd(CharSequence s, int i) {
        int n = s.length();
        int k = i;
        while (k < n && !lineBreak(s.charAt(k))) {
            k++;
        }
        return k;
    }

    /**
     * Whether an {@code MSH} at {@code at} (its line ending at {@code end}) declares the message's separators as the
     * standard lays them out: {@code MSH-1}, a field separator, then {@code MSH-2}, three to five encoding characters
     * (the escape character doubled in a JSON string counts once), each a separator and all different, then the field
     * separator again (or the line's end: a stream may not have the rest yet). {@code MSH.9 message type} or {@code MSH: the header} declares nothing.
     */
    static boolean declaresEncoding(CharSequence s, int at, int end) {
        return encodingEnd(s, at, end) >= 0;
    }

    /** Where the encoding characters an {@code MSH} at {@code at} declares end ({@link #declaresEncoding}), or -1. */
    private static int encodingEnd(CharSequence s, int at, int end) {
        if (at + 6 > end || s.charAt(at) != 'M' || s.charAt(at + 1) != 'S' || s.charAt(at + 2) != 'H') {
            return -1;
        }
        char field = s.charAt(at + 3);
        if (!separator(field)) {
            return -1;
        }
        int k = at + 4;
        int count = 0;
        while (k < end && k < at + 4 + ENCODING_MAX && s.charAt(k) != field) {
            char c = s.charAt(k);
            if (!separator(c)) {
                return -1;
            }
            if (c == '\\' && k > at + 4 && s.charAt(k - 1) == '\\') {
                k++; // the escape character doubled in a JSON string: one
                continue;
            }
            for (int j = at + 4; j < k; j++) {
                if (s.charAt(j) == c) {
                    return -1; // each separator is a different character ("MSH:...", "**MSH:**" declare none)
                }
            }
            count++;
            k++;
        }
        return count >= ENCODING_MIN && (k == end || s.charAt(k) == field) ? k : -1;
    }

    /** The fewest encoding characters an {@code MSH-2} declares (component, repetition, escape; subcomponent since). */
    private static final int ENCODING_MIN = 3;

    /**
     * The most encoding characters in {@code MSH-2}: component, repetition, escape, subcomponent, truncation, and the
     * escape character doubled in a JSON string.
     */
    private static final int ENCODING_MAX = 6;

    /** A character that can separate fields: printable ASCII, not a letter, a digit or a space. */
    private static boolean separator(char c) {
        return c > ' ' && c < 127 && !Character.isLetterOrDigit(c);
    }

    /** The most characters before a segment's name on its line ({@link #linePrefix}). */
    private static final int PREFIX_MAX = 24;

    /**
     * Whether only a line's lead-in stands before {@code i} on its line: white space, markdown's quote marks and list
     * markers ({@code >}, {@code 1.}, {@code -}, {@code *}), a byte order mark — a segment pasted into a note, a
     * quote or a list is a segment.
     */
    private static boolean lineStartBefore(CharSequence s, int i) {
        for (int k = i - 1; k >= 0 && k >= i - PREFIX_MAX; k--) {
            char c = s.charAt(k);
            if (lineBreak(c)) {
                return true;
            }
            if (!linePrefix(c)) {
                return false;
            }
        }
        return i <= PREFIX_MAX || lineBreak(s.charAt(i - PREFIX_MAX - 1));
    }

    private static boolean linePrefix(char c) {
        return c == ' '
                || c == '\t'
                || c == '>'
                || c == '\uFEFF'
                || c == '+'
                || c == '.'
                || c == ')'
                || c == '-'
                || c == '*'
                || (c >= '0' && c <= '9');
    }

    /** Where a line that begins at {@code start} (before {@code end}) has its first character after its lead-in. */
    static int afterPrefix(CharSequence s, int start, int end) {
        int k = start;
        while (k < end && k - start < PREFIX_MAX && linePrefix(s.charAt(k))) {
            k++;
        }
        return k < end && !linePrefix(s.charAt(k)) ? k : start;
    }

    /**
     * Whether a segment this class reads begins on the line that starts at {@code i} of {@code s} (after its lead-in:
     * its name, then {@code |}).
     */
    static boolean startsSegment(CharSequence s, int i) {
        return startsSegment(s, i, '|');
    }

    /** Like {@link #startsSegment(CharSequence, int)}, with {@code field} as the field separator. */
    static boolean startsSegment(CharSequence s, int i, char field) {
        int k = afterPrefix(s, i, s.length());
        if (k + 4 > s.length() || s.charAt(k + 3) != field) {
            return false;
        }
        return segment(s, k) != null;
    }

    /** The first characters of a segment's line in which a segment has {@value #FIELDS_IN_HEAD} field separators. */
    static final int HEAD = 64;

    private static final int FIELDS_IN_HEAD = 3;

    /**
     * Whether the line that starts at {@code i} may still be a segment by its fields: shorter than {@value #HEAD}
     * characters so far, or {@value #FIELDS_IN_HEAD} field separators among its first (a process table's {@code
     * PID|COMMAND|…} line is none).
     */
    static boolean fieldsSoFar(CharSequence s, int i, char field) {
        int end = Math.min(s.length(), i + HEAD);
        int count = 0;
        for (int k = i; k < end; k++) {
            char c = s.charAt(k);
            if (c == '\r' || c == '\n') {
                return true; // the line ended: as long as it is
            }
            if (c == field && ++count >= FIELDS_IN_HEAD) {
                return true;
            }
        }
        return end - i < HEAD;
    }

    /**
     * The separators ({@code MSH-1} and {@code MSH-2}, as declared: {@link #declaresEncoding}) of the last {@code MSH}
     * segment of {@code s}, or null if it holds none.
     */
    static String lastEncoding(CharSequence s) {
        String text = s.toString();
        for (int p = text.lastIndexOf("MSH"); p >= 0; p = p == 0 ? -1 : text.lastIndexOf("MSH", p - 1)) {
            int k = encodingEnd(text, p, lineEnd(text, p));
            if (k >= 0 && lineStartBefore(text, p)) {
                return text.substring(p + 3, k);
            }
        }
        return null;
    }

    private static boolean lineBreak(char c) {
        return c == '\r' || c == '\n';
    }

    /** The fields read of the segment named at {@code i}, or null. */
    private static Object[][] segment(CharSequence s, int i) {
        if (i + 3 > s.length()) {
            return null;
        }
        char a = s.charAt(i);
        char b = s.charAt(i + 1);
        char c = s.charAt(i + 2);
        if (a == 'P' && b == 'I' && c == 'D') {
            return PID;
        }
        if (a == 'N' && b == 'K' && c == '1') {
            return NK1;
        }
        if (a == 'G' && b == 'T' && c == '1') {
            return GT1;
        }
        if (a == 'I' && b == 'N' && c == '1') {
            return IN1;
        }
        return null;
    }

    /** Reads every segment of {@code text} this class knows, in order, into {@code sink}. */
    static void read(String text, Sink sink) {
        int n = text.length();
        char field = '|';
        char component = '^';
        char repetition = '~';
        for (int start = 0; start < n; ) {
            int end = start;
            while (end < n && !lineBreak(text.charAt(end))) {
                end++;
            }
            int at = afterPrefix(text, start, end);
            if (declaresEncoding(text, at, end)) {
                // MSH-1 and MSH-2: the separators this message uses
                field = text.charAt(at + 3);
                component = text.charAt(at + 4);
                repetition = text.charAt(at + 5);
            } else if (end - at > 4 && text.charAt(at + 3) == field) {
                Object[][] wanted = segment(text, at);
                if (wanted != null) {
                    readSegment(text, at + 4, end, field, component, repetition, wanted, sink);
                }
            }
            start = end + 1;
        }
    }

    private static void readSegment(
            String s, int from, int end, char field, char component, char repetition, Object[][] wanted, Sink sink) {
        int number = 1;
        int w = 0;
        for (int f = from; f <= end && w < wanted.length; number++) {
            int fe = f;
            while (fe < end && s.charAt(fe) != field) {
                fe++;
            }
            if (number == (Integer) wanted[w][0]) {
                int kind = (Integer) wanted[w][1];
                String label = (String) wanted[w][2];
                w++;
                // each repetition of the field a value of its own
                for (int r = f; r < fe; ) {
                    int re = r;
                    while (re < fe && s.charAt(re) != repetition) {
                        re++;
                    }
                    value(s, r, re, kind, label, component, sink);
                    r = re + 1;
                }
            }
            f = fe + 1;
        }
    }

    private static void value(String s, int from, int to, int kind, String label, char component, Sink sink) {
        if (to <= from) {
            return;
        }
        // the components' bounds (up to seven)
        int[] c = new int[16];
        int count = 0;
        int p = from;
        while (count < 8) {
            int e = p;
            while (e < to && s.charAt(e) != component) {
                e++;
            }
            c[2 * count] = p;
            c[2 * count + 1] = e;
            count++;
            if (e >= to) {
                break;
            }
            p = e + 1;
        }
        switch (kind) {
            case ID -> one(c[0], c[1], label, sink);
            case WHOLE -> one(from, to, label, sink);
            case BIRTH -> {
                int e = c[0];
                int d = e;
                while (d < c[1] && d - e < 8 && s.charAt(d) >= '0' && s.charAt(d) <= '9') {
                    d++;
                }
                if (d - e == 8) {
                    one(e, d, label, sink);
                }
            }
            case NAME -> joined(c, Math.min(count, 5), label, " ", sink);
            case ADDRESS -> joined(c, Math.min(count, 5), label, ", ", sink);
            case PHONE -> {
                one(c[0], c[1], label, sink);
                if (count >= 4) {
                    one(c[6], c[7], label, sink); // an e-mail address
                }
                if (count >= 7 && c[11] > c[10] && c[13] > c[12]) {
                    // area code and local number, written as a number is dialled: (217) 555-0142
                    sink.line(label);
                    sink.piece(c[10], c[11], "(");
                    if (c[13] - c[12] == 7) {
                        sink.piece(c[12], c[12] + 3, ") ");
                        sink.piece(c[12] + 3, c[13], "-");
                    } else {
                        sink.piece(c[12], c[13], ") ");
                    }
                    sink.end();
                }
            }
            default -> throw new IllegalStateException("kind " + kind);
        }
    }

    private static void one(int from, int to, String label, Sink sink) {
        if (to - from < 2) {
            return;
        }
        sink.line(label);
        sink.piece(from, to, "");
        sink.end();
    }

    private static void joined(int[] c, int count, String label, String joiner, Sink sink) {
        boolean any = false;
        for (int k = 0; k < count; k++) {
            if (c[2 * k + 1] > c[2 * k]) {
                if (!any) {
                    sink.line(label);
                }
                sink.piece(c[2 * k], c[2 * k + 1], any ? joiner : "");
                any = true;
            }
        }
        if (any) {
            sink.end();
        }
    }
}
