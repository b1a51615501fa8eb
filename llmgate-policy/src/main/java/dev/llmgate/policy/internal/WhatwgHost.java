package dev.llmgate.policy.internal;

import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The host parser of the WHATWG URL Standard (https://url.spec.whatwg.org/#host-parsing) for special
 * schemes, and a no-base URL parser on top of it that reports a URL's {@code hostname}. JDK only,
 * linear in the input (hosts longer than {@value #MAX_HOST_CHARS} characters are refused outright).
 *
 * <p>What {@link #parse(String)} does, in the standard's order: a host in brackets is parsed as IPv6
 * and serialised in the standard's text form (RFC 5952 section 4: lower case, no leading zeros, the first
 * longest run of two or more zero groups compressed; an embedded IPv4 tail is serialised as hex, not
 * dotted), <em>with</em> its brackets, e.g. {@code [::7f00:1]}; anything else is UTF-8 percent-decoded,
 * mapped to ASCII ("domain to ASCII", below), checked for forbidden domain code points, and if its last
 * label is a number, parsed as IPv4 in any of the forms browsers accept (decimal {@code 3232235777}, hex
 * {@code 0xC0A80101}, octal {@code 0300.0250.1.1}, short {@code 192.168.257}) and serialised dotted decimal.
 *
 * <p><b>Domain to ASCII: IDNA2003 (java.net.IDN) instead of UTS 46.</b> Browsers apply UTS 46
 * (non-transitional, CheckBidi, CheckJoiners, no STD3 rules); the JDK only has IDNA2003 (RFC 3490 with
 * Nameprep, Unicode 3.2). To make the two agree wherever we return a host, this class first does what
 * UTS 46 does and IDNA2003 does differently, and refuses what it cannot reproduce:
 * <ul>
 *   <li>U+3002, U+FF0E and U+FF61 become {@code '.'} (both standards treat them as label separators);</li>
 *   <li>the code points UTS 46 maps to nothing ("ignored": U+00AD, U+034F, U+180B..U+180D, U+180F,
 *       U+200B, U+2060, U+2064, U+FE00..U+FE0F, U+FEFF, U+1BCA0..U+1BCA3, U+E0100..U+E01EF) are removed,
 *       so {@code evil\u200B.net} is {@code evil.net} as in a browser;</li>
 *   <li>the four "deviation" characters U+00DF (ß), U+03C2 (ς), U+200C (ZWNJ) and U+200D (ZWJ) make the
 *       host <b>fail</b>: IDNA2003 maps ß to "ss", ς to σ and drops the joiners, UTS 46 keeps them (or,
 *       for misplaced joiners, fails), so {@code faß.de} would name a different host here than in a browser;</li>
 *   <li>code points unassigned in Unicode 3.2 (emoji, newer scripts) fail here; browsers may accept them.</li>
 *   <li>an {@code xn--} label must decode (IDN.toUnicode) and round-trip, otherwise the host fails;
 *       labels that UTS 46 accepts but IDNA2003 does not round-trip (e.g. {@code xn--zca}, "ß") fail here.</li>
 * </ul>
 * Every remaining difference is one where this class fails and a browser succeeds, or both fail; a caller
 * that blocks on failure is therefore never more permissive than a browser. Other intentional deviations:
 * hosts longer than {@value #MAX_HOST_CHARS} characters fail (DNS names are at most 253), and a label that
 * maps to something containing a dot (U+2024 and the like, which UTS 46 disallows) fails.
 */
final class WhatwgHost {

    /** Longest host (after percent-decoding) this parser accepts; longer ones fail. */
    public static final int MAX_HOST_CHARS = 1024;

    private static final int MAX_LABEL_CHARS = 255;

    private WhatwgHost() {}

    /**
     * Parses {@code input} as the host of a special URL (http, https, ws, wss, ftp, file); tab, LF and CR
     * must already be removed. Returns the WHATWG serialisation (lower-case ASCII domain, trailing dot kept;
     * dotted-decimal IPv4; bracketed IPv6) or empty if the standard's host parser fails or the input hits one
     * of the deviations documented on the class.
     */
    public static Optional<String> parse(String input) {
        return Optional.ofNullable(parseOrNull(input));
    }

    static String parseOrNull(String input) {
        if (input.isEmpty() || input.length() > 3 * MAX_HOST_CHARS) {
            return null;
        }
        if (input.charAt(0) == '[') {
            if (input.charAt(input.length() - 1) != ']') {
                return null;
            }
            int[] pieces = parseIpv6(input, 1, input.length() - 1);
            return pieces == null ? null : "[" + serializeIpv6(pieces) + "]";
        }
        String domain = percentDecode(input);
        if (domain == null || domain.isEmpty() || domain.length() > MAX_HOST_CHARS) {
            return null;
        }
        String ascii = domainToAscii(domain);
        if (ascii == null) {
            return null;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (isForbiddenDomainCodePoint(ascii.charAt(i))) {
                return null;
            }
        }
        if (endsInANumber(ascii)) {
            long v = parseIpv4(ascii);
            return v < 0 ? null : serializeIpv4(v);
        }
        return ascii;
    }

    /**
     * The host a browser would connect to for {@code url}, parsed as the WHATWG URL parser does with no base
     * URL: leading and trailing C0 controls and spaces are stripped, tab/LF/CR removed everywhere, the scheme
     * read, and for special schemes any run of {@code /} and {@code \} skipped before the authority (so
     * {@code https:evil.net} and {@code https:\\evil.net} both name evil.net). Userinfo (up to the last
     * {@code @}) and the port (digits, at most 65535) are validated and dropped.
     *
     * <p>Returns empty when the URL fails to parse (no scheme, empty or invalid host, bad port), {@code ""}
     * when it parses but has no host ({@code file:///x}, {@code file://localhost/}, {@code mailto:x},
     * {@code foo:/x}), else the host as {@link #parse(String)} serialises it. Non-special schemes with an
     * authority ({@code ssh://h/}, {@code redis://h:6379}) are <b>not</b> given the standard's opaque host:
     * their host is parsed as a special host (percent-decoded, IDNA, numeric IPv4), because the programs
     * that use such URLs resolve the name with the system resolver, which also accepts numeric IPv4 forms.
     */
    public static Optional<String> hostnameOfUrl(String url) {
        String s = stripForUrl(url);
        int colon = schemeEnd(s);
        if (colon < 0) {
            return Optional.empty();
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        int p = colon + 1;
        if (scheme.equals("file")) {
            if (p + 1 < s.length() && isSlash(s.charAt(p)) && isSlash(s.charAt(p + 1))) {
                int start = p + 2;
                int end = start;
                while (end < s.length() && "/\\?#".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
                Authority a = Authority.parse(s.substring(start, end), Authority.Mode.FILE);
                return a.kind == Authority.Kind.FAILED
                        ? Optional.empty()
                        : Optional.of(a.kind == Authority.Kind.HOST ? a.host : "");
            }
            return Optional.of("");
        }
        boolean special = isSpecialNonFile(scheme);
        if (special) {
            while (p < s.length() && isSlash(s.charAt(p))) {
                p++;
            }
        } else if (s.startsWith("//", p)) {
            p += 2;
        } else {
            return Optional.of("");
        }
        int end = p;
        while (end < s.length() && (special ? "/\\?#" : "/?#").indexOf(s.charAt(end)) < 0) {
            end++;
        }
        Authority a = Authority.parse(s.substring(p, end), Authority.Mode.SPECIAL);
        if (a.kind == Authority.Kind.HOST) {
            return Optional.of(a.host);
        }
        if (a.kind == Authority.Kind.EMPTY && !special) {
            return Optional.of("");
        }
        return Optional.empty();
    }

    static boolean isSpecialNonFile(String lowerScheme) {
        switch (lowerScheme) {
            case "http":
            case "https":
            case "ws":
            case "wss":
            case "ftp":
                return true;
            default:
                return false;
        }
    }

    private static boolean isSlash(char c) {
        return c == '/' || c == '\\';
    }

    /** Index of the ':' ending a valid scheme at the start of {@code s}, or -1. */
    private static int schemeEnd(String s) {
        if (s.isEmpty() || !isAsciiAlpha(s.charAt(0))) {
            return -1;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                return i;
            }
            if (!isSchemeChar(c)) {
                return -1;
            }
        }
        return -1;
    }

    static String stripForUrl(String url) {
        int from = 0;
        int to = url.length();
        while (from < to && url.charAt(from) <= 0x20) {
            from++;
        }
        while (to > from && url.charAt(to - 1) <= 0x20) {
            to--;
        }
        StringBuilder b = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = url.charAt(i);
            if (c != '\t' && c != '\n' && c != '\r') {
                b.append(c);
            }
        }
        return b.toString();
    }

    static boolean isAsciiAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isSchemeChar(char c) {
        return isAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    }

    /** WHATWG forbidden domain code point: forbidden host code points, C0 controls, '%' and DEL. */
    static boolean isForbiddenDomainCodePoint(char c) {
        if (c <= 0x20 || c == 0x7F) {
            return true;
        }
        switch (c) {
            case '#':
            case '%':
            case '/':
            case ':':
            case '<':
            case '>':
            case '?':
            case '@':
            case '[':
            case '\\':
            case ']':
            case '^':
            case '|':
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- percent-decoding

    /** UTF-8 percent-decode; null if the bytes are not well-formed UTF-8 (WHATWG would get U+FFFD, which then fails). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length];
        int n = 0;
        for (int i = 0; i < utf8.length; i++) {
            byte b = utf8[i];
            if (b == '%' && i + 2 < utf8.length && hexValue(utf8[i + 1]) >= 0 && hexValue(utf8[i + 2]) >= 0) {
                out[n++] = (byte) (hexValue(utf8[i + 1]) * 16 + hexValue(utf8[i + 2]));
                i += 2;
            } else {
                out[n++] = b;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int hexValue(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    // ---------------------------------------------------------------- domain to ASCII

    /** True for a dot UTS 46 and IDNA2003 both treat as a label separator. */
    static boolean isDot(int cp) {
        return cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61;
    }

    /** Code points UTS 46 maps to nothing ("ignored"). */
    static boolean isIgnored(int cp) {
        return cp == 0x00AD
                || cp == 0x034F
                || (cp >= 0x180B && cp <= 0x180D)
                || cp == 0x180F
                || cp == 0x200B
                || cp == 0x2060
                || cp == 0x2064
                || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFEFF
                || (cp >= 0x1BCA0 && cp <= 0x1BCA3)
                || (cp >= 0xE0100 && cp <= 0xE01EF);
    }

    /** The UTS 46 deviation characters, which IDNA2003 maps differently: refused. */
    static boolean isDeviation(int cp) {
        return cp == 0x00DF || cp == 0x03C2 || cp == 0x200C || cp == 0x200D;
    }

    private static String domainToAscii(String domain) {
        StringBuilder mapped = new StringBuilder(domain.length());
        boolean ascii = true;
        for (int i = 0; i < domain.length(); ) {
            int cp = domain.codePointAt(i);
            i += Character.charCount(cp);
            if (isDeviation(cp)) {
                return null;
            }
            if (isIgnored(cp)) {
                continue;
            }
            if (isDot(cp)) {
                mapped.append('.');
            } else {
                mapped.appendCodePoint(cp);
                ascii &= cp < 0x80;
            }
        }
        if (mapped.length() == 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(mapped.length());
        int start = 0;
        int len = mapped.length();
        while (true) {
            int dot = mapped.indexOf(".", start);
            int end = dot < 0 ? len : dot;
            String label = mapped.substring(start, end);
            String a = ascii ? label.toLowerCase(Locale.ROOT) : labelToAscii(label);
            if (a == null) {
                return null;
            }
            if (a.length() >= 4 && a.regionMatches(true, 0, "xn--", 0, 4) && !validPunycodeLabel(a)) {
                return null;
            }
            out.append(a);
            if (dot < 0) {
                break;
            }
            out.append('.');
            start = dot + 1;
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static String labelToAscii(String label) {
        if (label.isEmpty()) {
            return label;
        }
        boolean ascii = true;
        for (int i = 0; i < label.length(); i++) {
            ascii &= label.charAt(i) < 0x80;
        }
        if (ascii) {
            return label.toLowerCase(Locale.ROOT);
        }
        if (label.length() > MAX_LABEL_CHARS) {
            return null;
        }
        String a;
        try {
            a = IDN.toASCII(label, 0);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (a.isEmpty() || a.indexOf('.') >= 0) {
            return null;
        }
        return a.toLowerCase(Locale.ROOT);
    }

    private static boolean validPunycodeLabel(String label) {
        if (label.length() > 63) {
            return false;
        }
        String decoded = IDN.toUnicode(label, 0);
        return !decoded.equalsIgnoreCase(label);
    }

    // ---------------------------------------------------------------- IPv4

    /** The standard's "ends in a number" checker. */
    static boolean endsInANumber(String s) {
        int end = s.length();
        if (end > 0 && s.charAt(end - 1) == '.') {
            end--; // parts = [..., last, ""]: the standard drops the empty last part (a lone "." leaves one empty part)
        }
        int start = s.lastIndexOf('.', end - 1) + 1;
        if (start == end) {
            return false;
        }
        boolean digits = true;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            digits &= c >= '0' && c <= '9';
        }
        return digits || parseIpv4Number(s, start, end) >= 0;
    }

    /** Parses an IPv4 number part; -1 on failure, values above 2^32 are clamped to 2^32 + 1. */
    static long parseIpv4Number(String s, int from, int to) {
        if (from >= to) {
            return -1;
        }
        int radix = 10;
        if (to - from >= 2 && s.charAt(from) == '0' && (s.charAt(from + 1) == 'x' || s.charAt(from + 1) == 'X')) {
            radix = 16;
            from += 2;
        } else if (to - from >= 2 && s.charAt(from) == '0') {
            radix = 8;
            from += 1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0 || s.charAt(i) >= 0x80) {
                return -1;
            }
            v = v * radix + d;
            if (v > (1L << 32)) {
                v = (1L << 32) + 1;
            }
        }
        return v;
    }

    /** The standard's IPv4 parser on an ASCII domain that ends in a number; -1 on failure. */
    static long parseIpv4(String s) {
        int end = s.length();
        int parts = 1;
        for (int i = 0; i < end; i++) {
            if (s.charAt(i) == '.') {
                parts++;
            }
        }
        if (s.charAt(end - 1) == '.' && parts > 1) {
            end--;
            parts--;
        }
        if (parts > 4) {
            return -1;
        }
        long[] numbers = new long[parts];
        int start = 0;
        for (int k = 0; k < parts; k++) {
            int dot = k == parts - 1 ? end : s.indexOf('.', start);
            long v = parseIpv4Number(s, start, dot);
            if (v < 0) {
                return -1;
            }
            numbers[k] = v;
            start = dot + 1;
        }
        for (int k = 0; k < parts - 1; k++) {
            if (numbers[k] > 255) {
                return -1;
            }
        }
        if (numbers[parts - 1] >= 1L << (8 * (5 - parts))) {
            return -1;
        }
        long ipv4 = numbers[parts - 1];
        for (int k = 0; k < parts - 1; k++) {
            ipv4 += numbers[k] << (8 * (3 - k));
        }
        return ipv4;
    }

    static String serializeIpv4(long v) {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }

    // ---------------------------------------------------------------- IPv6

    /** The standard's IPv6 parser over {@code s[from, to)}; eight 16-bit pieces, or null on failure. */
    static int[] parseIpv6(String s, int from, int to) {
        int[] address = new int[8];
        int pieceIndex = 0;
        int compress = -1;
        int p = from;
        if (p < to && s.charAt(p) == ':') {
            if (p + 1 >= to || s.charAt(p + 1) != ':') {
                return null;
            }
            p += 2;
            pieceIndex++;
            compress = pieceIndex;
        }
        while (p < to) {
            if (pieceIndex == 8) {
                return null;
            }
            if (s.charAt(p) == ':') {
                if (compress != -1) {
                    return null;
                }
                p++;
                pieceIndex++;
                compress = pieceIndex;
                continue;
            }
            int value = 0;
            int length = 0;
            while (length < 4 && p < to && hexValue(s.charAt(p)) >= 0) {
                value = value * 16 + hexValue(s.charAt(p));
                p++;
                length++;
            }
            if (p < to && s.charAt(p) == '.') {
                if (length == 0) {
                    return null;
                }
                p -= length;
                if (pieceIndex > 6) {
                    return null;
                }
                int numbersSeen = 0;
                while (p < to) {
                    int ipv4Piece = -1;
                    if (numbersSeen > 0) {
                        if (s.charAt(p) == '.' && numbersSeen < 4) {
                            p++;
                        } else {
                            return null;
                        }
                    }
                    if (p >= to || s.charAt(p) < '0' || s.charAt(p) > '9') {
                        return null;
                    }
                    while (p < to && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                        int number = s.charAt(p) - '0';
                        if (ipv4Piece == -1) {
                            ipv4Piece = number;
                        } else if (ipv4Piece == 0) {
                            return null;
                        } else {
                            ipv4Piece = ipv4Piece * 10 + number;
                        }
                        if (ipv4Piece > 255) {
                            return null;
                        }
                        p++;
                    }
                    address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
                    numbersSeen++;
                    if (numbersSeen == 2 || numbersSeen == 4) {
                        pieceIndex++;
                    }
                }
                if (numbersSeen != 4) {
                    return null;
                }
                break;
            } else if (p < to && s.charAt(p) == ':') {
                p++;
                if (p >= to) {
                    return null;
                }
            } else if (p < to) {
                return null;
            }
            address[pieceIndex] = value;
            pieceIndex++;
        }
        if (compress != -1) {
            int swaps = pieceIndex - compress;
            pieceIndex = 7;
            while (pieceIndex != 0 && swaps > 0) {
                int t = address[pieceIndex];
                address[pieceIndex] = address[compress + swaps - 1];
                address[compress + swaps - 1] = t;
                pieceIndex--;
                swaps--;
            }
        } else if (pieceIndex != 8) {
            return null;
        }
        return address;
    }

    /** The standard's IPv6 serializer (no brackets). */
    static String serializeIpv6(int[] a) {
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (a[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && a[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        boolean ignore0 = false;
        for (int i = 0; i < 8; i++) {
            if (ignore0 && a[i] == 0) {
                continue;
            }
            ignore0 = false;
            if (bestStart == i) {
                b.append(i == 0 ? "::" : ":");
                ignore0 = true;
                continue;
            }
            b.append(Integer.toHexString(a[i]));
            if (i != 7) {
                b.append(':');
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- authority

    /** An authority (userinfo@host:port) parsed by the WHATWG rules, or by an RFC 3986 reading of the same text. */
    static final class Authority {
        enum Kind {
            HOST,
            EMPTY,
            FAILED
        }

        enum Mode {
            SPECIAL,
            FILE
        }

        static final Authority EMPTY = new Authority(Kind.EMPTY, null);
        static final Authority FAILED = new Authority(Kind.FAILED, null);

        final Kind kind;
        final String host;

        private Authority(Kind kind, String host) {
            this.kind = kind;
            this.host = host;
        }

        /**
         * WHATWG reading of an authority whose tab/LF/CR are already removed: userinfo up to the last '@',
         * port after the first ':' outside brackets (digits only, at most 65535). FILE mode has neither.
         */
        static Authority parse(String text, Mode mode) {
            if (mode == Mode.FILE) {
                if (text.isEmpty()) {
                    return EMPTY;
                }
                if (text.length() == 2
                        && isAsciiAlpha(text.charAt(0))
                        && (text.charAt(1) == ':' || text.charAt(1) == '|')) {
                    return EMPTY;
                }
                String h = parseOrNull(text);
                if (h == null) {
                    return FAILED;
                }
                return h.equals("localhost") ? EMPTY : new Authority(Kind.HOST, h);
            }
            int at = text.lastIndexOf('@');
            String hostPort = at >= 0 ? text.substring(at + 1) : text;
            if (hostPort.isEmpty()) {
                return at >= 0 ? FAILED : EMPTY;
            }
            int colon = -1;
            boolean brackets = false;
            for (int i = 0; i < hostPort.length(); i++) {
                char c = hostPort.charAt(i);
                if (c == '[') {
                    brackets = true;
                } else if (c == ']') {
                    brackets = false;
                } else if (c == ':' && !brackets) {
                    colon = i;
                    break;
                }
            }
            String host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            if (colon >= 0 && !validPort(hostPort, colon + 1, hostPort.length())) {
                return FAILED;
            }
            if (host.isEmpty()) {
                return FAILED;
            }
            String h = parseOrNull(host);
            return h == null ? FAILED : new Authority(Kind.HOST, h);
        }

        /**
         * An RFC 3986 reading: userinfo must not contain '@' (more than one '@' returns null, "ambiguous"),
         * the host is an IP literal in brackets or runs to the first ':', the port is digits. The host is then
         * canonicalised like a WHATWG host so the two readings can be compared.
         */
        static Authority parseRfc3986(String text) {
            int at = text.indexOf('@');
            if (at >= 0 && text.indexOf('@', at + 1) >= 0) {
                return null;
            }
            String hostPort = at >= 0 ? text.substring(at + 1) : text;
            if (hostPort.isEmpty()) {
                return EMPTY;
            }
            String host;
            int portFrom;
            if (hostPort.charAt(0) == '[') {
                int close = hostPort.indexOf(']');
                if (close < 0) {
                    return FAILED;
                }
                host = hostPort.substring(0, close + 1);
                portFrom = close + 1;
                if (portFrom < hostPort.length() && hostPort.charAt(portFrom) != ':') {
                    return FAILED;
                }
            } else {
                int colon = hostPort.indexOf(':');
                host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
                portFrom = colon >= 0 ? colon : hostPort.length();
            }
            for (int i = portFrom + 1; i < hostPort.length(); i++) {
                char c = hostPort.charAt(i);
                if (c < '0' || c > '9') {
                    return FAILED;
                }
            }
            if (host.isEmpty()) {
                return FAILED;
            }
            String h = parseOrNull(host);
            return h == null ? FAILED : new Authority(Kind.HOST, h);
        }

        private static boolean validPort(String s, int from, int to) {
            long v = 0;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
                v = Math.min(v * 10 + (c - '0'), 1_000_000);
            }
            return v <= 65535;
        }
    }
}
