package dev.llmgate.policy.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds every place in one string value (an already-decoded JSON string from tool-call arguments) that
 * points at a network host, and gives each one's canonical host, so an egress allow-list compares what the
 * application would connect to rather than the raw text.
 *
 * <h2>What is a target</h2>
 * <ol>
 *   <li><b>A URL with a scheme</b> ({@code [A-Za-z][A-Za-z0-9+.-]*:}). For the special schemes http, https,
 *       ws, wss and ftp any run of {@code /} and {@code \} (including none: {@code https:evil.net}) leads to
 *       the authority, as in a browser; {@code file:} needs two slashes and has no userinfo or port; any
 *       other scheme needs {@code //}. The authority is read by the WHATWG URL Standard ({@link WhatwgHost}):
 *       userinfo up to the last {@code @} dropped, tab/LF/CR removed, host percent-decoded, IDNA, numeric
 *       IPv4 forms, IPv6. Non-special schemes ({@code ssh://}, {@code redis://}, {@code jdbc:mysql://}) are
 *       read the same way (see {@link WhatwgHost#hostnameOfUrl}). Nested URLs (in a path or query) are
 *       targets too; bare host names inside a URL's path are not ({@code /files/report.zip}).</li>
 *   <li><b>A scheme-relative reference</b>: two or more {@code /} or {@code \} not preceded by a path
 *       character ({@code //evil.net/x}, {@code \\server\share}, {@code ?next=//evil.net}).</li>
 *   <li><b>A bare host</b>: a run of label characters and dots (including U+3002, U+FF0E, U+FF61) whose
 *       last label, mapped to ASCII, is a top-level domain of the IANA root zone (the list ships as
 *       {@code iana-tlds.txt}, version line inside), e.g. {@code evil.attacker.zip},
 *       {@code api.example.com/path}, {@code example.com:8080}, the domain of an e-mail address; a
 *       dotted quad in any WHATWG IPv4 notation with exactly four parts ({@code 10.0.0.1},
 *       {@code 0x7f.0.0.1}); an IPv6 address in brackets ({@code [::1]:8080}) or bare with {@code ::} or
 *       all eight groups; a single-label {@code name:port} with a 2-5 digit port ({@code redis:6379},
 *       {@code localhost:8080}).</li>
 * </ol>
 * Not targets (known false negatives, stated plainly): a single word without port or scheme
 * ({@code localhost}, {@code metadata}); a bare number ({@code 3232235777}) or a dotted number with fewer
 * than four parts ({@code 192.168.257}) outside a URL; hosts spelled out in words, split over several
 * values, or percent-encoded inside another URL's query ({@code ?u=https%3A%2F%2Fevil.net}); a run
 * preceded by {@code /} or {@code \} (a relative path) or followed by {@code @} (userinfo / an e-mail's
 * local part). Known false positives: file names whose extension is a TLD ({@code report.zip},
 * {@code main.py}, {@code readme.md}), version numbers with four parts, {@code word:12} pairs.
 *
 * <h2>Canonical host</h2>
 * The WHATWG host serialisation (lower-case ASCII, IDNA applied, IPv4 dotted decimal, IPv6 in RFC 5952
 * section 4 text <em>with brackets</em>, e.g. {@code [::1]}) with one trailing dot removed
 * ({@code example.com.} compares as {@code example.com}). Zero-width characters UTS 46 ignores (U+200B,
 * U+2060, U+FEFF, U+00AD, ...) are removed; ZWJ/ZWNJ, ß and ς make the host unparseable (see
 * {@link WhatwgHost} for IDNA2003 versus UTS 46).
 *
 * <h2>Ambiguity rule: an empty host means BLOCK</h2>
 * {@link Target#host()} is empty when the target "cannot be parsed unambiguously":
 * <ul>
 *   <li>the WHATWG parse of its authority fails (bad port, forbidden code point, invalid IPv4/IPv6,
 *       percent-decoding to a forbidden character or to invalid UTF-8, IDNA failure, host above
 *       {@value WhatwgHost#MAX_HOST_CHARS} characters, authority above {@value #MAX_AUTHORITY} characters);</li>
 *   <li>an RFC 3986 reading of the same text gives a different host, e.g. {@code https://a.com\@evil.net/}
 *       (WHATWG: host a.com, since {@code \} ends a special authority; RFC 3986: userinfo {@code a.com\},
 *       host evil.net), or the authority holds more than one {@code @} (parsers disagree on which wins);</li>
 *   <li>a per-URL bound on alternative readings (below) is exceeded.</li>
 * </ul>
 * <b>Alternative readings are extra targets.</b> A value is text; a consumer may cut a URL out of it in more
 * than one way, and every cut that makes a different, valid host is reported as another target with that
 * host (all must be allowed): a URL whose authority is cut by a tab or line break is also read with the
 * break removed (as a browser does, {@code https://api.example.com\n.evil.net} names
 * {@code api.example.com.evil.net}); a reading may end at a quote, bracket or angle bracket
 * ({@code https://evil.net"@api.example.com} in an HTML attribute names evil.net); and when an authority is
 * cut by white space, every {@code @} after it up to the next {@code /?#} starts a reading, because a
 * WHATWG parse of the whole value puts everything before the last {@code @} in the userinfo
 * ({@code https://api.example.com @evil.net} names evil.net). Consequence, deliberate and fail-closed: a
 * URL without a path directly followed by a line break and more text on the next line
 * ({@code https://example.com\nThanks}) also yields the joined host ({@code example.comthanks}) and is
 * blocked unless that is allowed; so is a path-less URL followed later in the same value by an
 * {@code @} with no {@code /?#} in between.
 *
 * <p>Spans: {@link Target#start()} is where the scheme, the slashes or the bare host begins;
 * {@link Target#end()} is the end of the authority (or of the reading's text).
 *
 * <p>Cost: linear in the value's length. One left-to-right pass; each URL's authority is read once, at
 * most {@value #MAX_EXTRA_READINGS} alternative readings per URL each bounded by the authority plus
 * {@value #JOIN_CAP} characters, and the {@code @} readings after a URL are shared between URLs so every
 * character is examined a bounded number of times. No regular expressions.
 */
public final class EgressTargets {

    /** Authorities longer than this are not parsed (the target is reported unparseable). */
    static final int MAX_AUTHORITY = 4096;
    /** How far past a tab or line break a joined reading may reach before the URL is reported unparseable. */
    static final int JOIN_CAP = 128;
    /** Alternative readings per URL before the URL is reported unparseable. */
    static final int MAX_EXTRA_READINGS = 8;

    private static final int MAX_SCHEME = 32;

    private EgressTargets() {}

    /**
     * One place in a value that points at a network host.
     *
     * @param start index of the first character (scheme, slashes or host)
     * @param end   index after the authority
     * @param host  canonical host (see the class doc), or empty when it cannot be parsed unambiguously:
     *              the caller must treat an empty host as not allowed
     */
    public record Target(int start, int end, Optional<String> host) {
        public Target {
            Objects.requireNonNull(host, "host");
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("bad span " + start + ".." + end);
            }
        }
    }

    /** Every target in {@code value}, in order of their start (alternative readings follow their URL). */
    public static List<Target> find(String value) {
        return find(value, null);
    }

    /** As {@link #find(String)}; if {@code steps} is given, {@code steps[0]} is increased by the work done. */
    static List<Target> find(String value, long[] steps) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            return List.of();
        }
        return new Scan(value, steps).run();
    }

    /**
     * The canonical form {@link #find} gives for a host written on its own ({@code "API.Example.com."},
     * {@code "3232235777"}, {@code "::1"} or {@code "[::1]"}, {@code "ｅｘａｍｐｌｅ．ｃｏｍ"}); empty if it is
     * not a valid host.
     */
    public static Optional<String> canonicalHost(String host) {
        Objects.requireNonNull(host, "host");
        String h = host;
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return Optional.ofNullable(canonical(WhatwgHost.parseOrNull(h)));
    }

    /**
     * Canonicalises an allow-list glob: {@code *} (any host), {@code *.domain} (any host <em>below</em>
     * domain, not domain itself) or one exact host (name, IPv4 in any notation, IPv6 with or without
     * brackets), each canonicalised like a host. Throws {@link IllegalArgumentException} naming the glob and
     * what to write instead when it is none of these (a scheme, a port, a path, a {@code *} elsewhere, an
     * IP after {@code *.}).
     */
    public static String canonicalGlob(String glob) {
        Objects.requireNonNull(glob, "glob");
        String g = glob.strip();
        if (g.equals("*")) {
            return "*";
        }
        if (g.startsWith("*.")) {
            String suffix = g.substring(2);
            if (suffix.indexOf('*') >= 0) {
                throw badGlob(glob, "'*' may only stand alone or as the first label");
            }
            String c = canonical(WhatwgHost.parseOrNull(suffix));
            if (c == null || c.startsWith("[") || isIpv4(c)) {
                throw badGlob(glob, "what follows '*.' is not a domain name");
            }
            return "*." + c;
        }
        if (g.indexOf('*') >= 0) {
            throw badGlob(glob, "'*' may only stand alone or as the first label");
        }
        if (g.contains("/") || g.contains("@")) {
            throw badGlob(glob, "it looks like a URL; write the host only");
        }
        return canonicalHost(g)
                .orElseThrow(() -> badGlob(glob, "it is not a valid host name or IP address (a port is not allowed)"));
    }

    private static IllegalArgumentException badGlob(String glob, String why) {
        return new IllegalArgumentException("Host glob \"" + glob + "\" is not usable: " + why
                + ". Write an exact host (api.example.com, 10.0.0.1, [::1]), *.domain for the hosts below a domain"
                + " (list the domain itself too if it is allowed), or * for any host.");
    }

    /**
     * True if {@code canonicalHost} (a host from {@link #find}) is matched by {@code glob} after
     * {@link #canonicalGlob canonicalising} it. {@code *.example.com} matches {@code api.example.com} and
     * {@code a.b.example.com} but neither {@code example.com} itself, nor {@code evilexample.com}, nor
     * {@code example.com.evil.net}; IP globs match only the same address. An invalid glob matches nothing.
     */
    public static boolean hostMatches(String canonicalHost, String glob) {
        Objects.requireNonNull(canonicalHost, "canonicalHost");
        String g;
        try {
            g = canonicalGlob(glob);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (g.equals("*")) {
            return true;
        }
        if (g.startsWith("*.")) {
            String suffix = g.substring(1);
            return canonicalHost.length() > suffix.length()
                    && canonicalHost.endsWith(suffix)
                    && !canonicalHost.startsWith("[")
                    && canonicalHost.charAt(canonicalHost.length() - suffix.length() - 1) != '.';
        }
        return canonicalHost.equals(g);
    }

    /** Strips one trailing dot; null for null, empty or all-dots results. */
    static String canonical(String whatwgHost) {
        if (whatwgHost == null) {
            return null;
        }
        String h = whatwgHost;
        if (h.length() > 1 && h.endsWith(".") && !h.startsWith("[")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.equals(".")) {
            return null;
        }
        return h;
    }

    private static boolean isIpv4(String c) {
        int dots = 0;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == '.') {
                dots++;
            } else if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    /** True if {@code asciiLowerLabel} is a top-level domain of the shipped IANA list. */
    static boolean isTld(String asciiLowerLabel) {
        return Tlds.SET.contains(asciiLowerLabel);
    }

    /** The IANA root-zone TLD list, loaded once. */
    static final class Tlds {
        static final Set<String> SET = load();
        static final String VERSION = versionLine();

        private static InputStream open() {
            InputStream in = EgressTargets.class.getResourceAsStream("iana-tlds.txt");
            if (in == null) {
                throw new IllegalStateException(
                        "iana-tlds.txt is missing from the llmgate-policy jar; egress host checks cannot run");
            }
            return in;
        }

        private static Set<String> load() {
            Set<String> set = new HashSet<>(2048);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(open(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                    line = line.strip();
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        set.add(line.toLowerCase(Locale.ROOT));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read iana-tlds.txt", e);
            }
            return Collections.unmodifiableSet(set);
        }

        private static String versionLine() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(open(), StandardCharsets.US_ASCII))) {
                return r.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read iana-tlds.txt", e);
            }
        }
    }

    // ==================================================================== character classes

    static boolean isTlc(char c) {
        return c == '\t' || c == '\n' || c == '\r';
    }

    /** Where a consumer that cuts text into words would cut: white space and control characters. */
    static boolean isTextBreak(char c) {
        return c <= 0x20
                || c == 0x7F
                || (c >= 0x80 && c <= 0x9F)
                || Character.isWhitespace(c)
                || Character.isSpaceChar(c);
    }

    /** Characters that end a URL embedded in markup or code: quotes, brackets, angle brackets. */
    static boolean isMarkup(char c) {
        switch (c) {
            case '"':
            case '\'':
            case '`':
            case '<':
            case '>':
            case '(':
            case ')':
            case '[':
            case ']':
            case '{':
            case '}':
                return true;
            default:
                return false;
        }
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || WhatwgHost.isAsciiAlpha(c);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A code point that can be part of a host label as written in text (before IDNA). */
    static boolean isLabelCodePoint(int cp) {
        if (cp < 0x80) {
            return isAsciiAlnum((char) cp) || cp == '-' || cp == '_';
        }
        if (WhatwgHost.isIgnored(cp) || WhatwgHost.isDeviation(cp)) {
            return true;
        }
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int t = Character.getType(cp);
        if ((t == Character.OTHER_SYMBOL || t == Character.LETTER_NUMBER) && compatibilityBlock(cp)) {
            // a compatibility form of letters or digits (circled letters, "㏄", "℡"): the host parser maps it (UTS 46)
            String k =
                    java.text.Normalizer.normalize(new String(Character.toChars(cp)), java.text.Normalizer.Form.NFKC);
            if (k.isEmpty()) {
                return false;
            }
            for (int i = 0; i < k.length(); i++) {
                if (k.charAt(i) >= 0x80 || !isAsciiAlnum(k.charAt(i))) {
                    return false;
                }
            }
            return true;
        }
        return t == Character.NON_SPACING_MARK
                || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK
                || t == Character.OTHER_NUMBER;
    }

    /**
     * The blocks whose symbols have compatibility forms of letters and digits (letterlike symbols and number forms,
     * enclosed alphanumerics, enclosed CJK letters and CJK compatibility, enclosed alphanumeric supplement): only
     * these are normalised, so an emoji costs no NFKC.
     */
    private static boolean compatibilityBlock(int cp) {
        return (cp >= 0x2100 && cp <= 0x218F)
                || (cp >= 0x2460 && cp <= 0x24FF)
                || (cp >= 0x3200 && cp <= 0x33FF)
                || (cp >= 0x1F100 && cp <= 0x1F1FF);
    }

    // ==================================================================== the scan

    private static final class Scan {
        private final String s;
        private final int n;
        private final long[] steps;
        private final List<Target> out = new ArrayList<>(4);
        /** Every '@' before this index has had its readings (see atRegion). */
        private int atFrontier;
        // per-candidate de-duplication
        private final List<String> seen = new ArrayList<>(4);
        private boolean seenEmpty;
        private int extraReadings;
        private final char[] schemeBuf = new char[MAX_SCHEME];

        Scan(String s, long[] steps) {
            this.s = s;
            this.n = s.length();
            this.steps = steps;
        }

        private void step(long k) {
            if (steps != null) {
                steps[0] += k;
            }
        }

        List<Target> run() {
            boolean inUrl = false;
            int i = 0;
            while (i < n) {
                step(1);
                char c = s.charAt(i);
                if (isTextBreak(c)) {
                    inUrl = false;
                    i++;
                    continue;
                }
                int next = -1;
                if (WhatwgHost.isAsciiAlpha(c) && !schemeCharBefore(i)) {
                    next = schemeUrl(i);
                }
                if (next < 0 && (c == '/' || c == '\\') && slashStartOk(i)) {
                    next = schemeRelative(i);
                }
                if (next > i) {
                    i = next;
                    inUrl = true;
                    continue;
                }
                if (!inUrl) {
                    if (c == '[') {
                        next = bracketedIpv6(i);
                    } else if ((isHex(c) || c == ':') && !ipv6CharBefore(i)) {
                        next = bareIpv6(i);
                    }
                    if (next > i) {
                        i = next;
                        continue;
                    }
                    int cp = s.codePointAt(i);
                    if (isLabelCodePoint(cp) && !hostCharBefore(i)) {
                        i = bareRun(i);
                        continue;
                    }
                }
                i++;
            }
            return out;
        }

        // ------------------------------------------------------------ emission

        private void newCandidate() {
            seen.clear();
            seenEmpty = false;
            extraReadings = 0;
        }

        private void emit(int start, int end, String host) {
            if (host == null) {
                if (seenEmpty) {
                    return;
                }
                seenEmpty = true;
            } else {
                if (seen.contains(host)) {
                    return;
                }
                seen.add(host);
            }
            out.add(new Target(start, end, Optional.ofNullable(host)));
        }

        /** Counts one alternative reading; false (and an unparseable target) once the bound is passed. */
        private boolean allowExtra(int start, int end) {
            if (++extraReadings > MAX_EXTRA_READINGS) {
                emit(start, end, null);
                return false;
            }
            return true;
        }

        // ------------------------------------------------------------ scheme URLs

        /**
         * True if the character just before {@code i} continues a scheme. A tab or line break does not: a
         * consumer that splits lines sees a new URL there ({@code "a.com\nhttp:3232235777"}), while the
         * forward scan of {@link #schemeUrl} skips tab/LF/CR inside a scheme as a browser does.
         */
        private boolean schemeCharBefore(int i) {
            return i > 0 && WhatwgHost.isSchemeChar(s.charAt(i - 1));
        }

        /** A URL with a scheme at {@code i}: the index to continue from, or -1 if there is none. */
        private int schemeUrl(int i) {
            char[] buf = schemeBuf;
            int len = 0;
            int j = i;
            while (j < n && j - i < 2 * MAX_SCHEME) {
                step(1);
                char c = s.charAt(j);
                if (isTlc(c)) {
                    j++;
                } else if (WhatwgHost.isSchemeChar(c) && len < MAX_SCHEME) {
                    buf[len++] = Character.toLowerCase(c);
                    j++;
                } else {
                    break;
                }
            }
            if (j >= n || s.charAt(j) != ':' || len == 0) {
                return -1;
            }
            int afterColon = j + 1;
            String scheme = new String(buf, 0, len);
            int k = afterColon;
            if (WhatwgHost.isSpecialNonFile(scheme)) {
                while (k < n && (s.charAt(k) == '/' || s.charAt(k) == '\\' || isTlc(s.charAt(k)))) {
                    step(1);
                    k++;
                }
                return Math.max(afterColon, candidate(i, k, WhatwgHost.Authority.Mode.SPECIAL));
            }
            int slashes = 0;
            while (k < n && slashes < 2 && (s.charAt(k) == '/' || s.charAt(k) == '\\' || isTlc(s.charAt(k)))) {
                step(1);
                if (!isTlc(s.charAt(k))) {
                    if (!scheme.equals("file") && s.charAt(k) == '\\') {
                        break;
                    }
                    slashes++;
                }
                k++;
            }
            if (scheme.equals("file")) {
                if (slashes < 2) {
                    return afterColon;
                }
                return Math.max(afterColon, candidate(i, k, WhatwgHost.Authority.Mode.FILE));
            }
            if (slashes < 2) {
                return -1;
            }
            if (k < n && s.charAt(k) == '/') {
                return k; // "foo:///path": empty host
            }
            return Math.max(afterColon, candidate(i, k, WhatwgHost.Authority.Mode.SPECIAL));
        }

        // ------------------------------------------------------------ scheme-relative

        private boolean slashStartOk(int i) {
            if (i == 0) {
                return true;
            }
            char prev = s.charAt(i - 1);
            if (isTextBreak(prev)) {
                return true;
            }
            if (isAsciiAlnum(prev) || "._-~%/\\+".indexOf(prev) >= 0) {
                return false;
            }
            return prev < 0x80 || !Character.isLetterOrDigit(prev);
        }

        private int schemeRelative(int i) {
            int k = i;
            int slashes = 0;
            while (k < n) {
                char c = s.charAt(k);
                if (c == '/' || c == '\\') {
                    slashes++;
                } else if (!isTlc(c)) {
                    break;
                }
                step(1);
                k++;
            }
            if (slashes < 2) {
                return -1;
            }
            return Math.max(k, candidate(i, k, WhatwgHost.Authority.Mode.SPECIAL));
        }

        // ------------------------------------------------------------ one URL's authority and its readings

        /**
         * Reads the authority starting at {@code a} of the URL starting at {@code p}: the token reading (up to
         * the first delimiter or break), its RFC 3986 cross-check, readings that end at markup characters,
         * readings that join across tab/LF/CR, and the readings that start at an '@' after a break.
         * Returns the end of the token reading's authority.
         */
        private int candidate(int p, int a, WhatwgHost.Authority.Mode mode) {
            newCandidate();
            int k = a;
            int e1 = -1;
            while (k < n) {
                char c = s.charAt(k);
                if (isTextBreak(c) || c == '/' || c == '?' || c == '#') {
                    break;
                }
                if (c == '\\' && e1 < 0) {
                    e1 = k;
                }
                k++;
            }
            step(k - a);
            int e2 = k;
            if (e1 < 0) {
                e1 = e2;
            }
            if (e2 - a > MAX_AUTHORITY) {
                emit(p, e1, null);
                return e1;
            }
            String token = s.substring(a, e1);
            step(2L * (e2 - a));
            WhatwgHost.Authority h1 = WhatwgHost.Authority.parse(token, mode);
            WhatwgHost.Authority h2 = WhatwgHost.Authority.parseRfc3986(s.substring(a, e2));
            String host1 = h1.kind == WhatwgHost.Authority.Kind.HOST ? canonical(h1.host) : null;
            boolean ambiguous;
            if (mode == WhatwgHost.Authority.Mode.FILE && h1.kind != WhatwgHost.Authority.Kind.HOST) {
                ambiguous = h2 == null;
            } else {
                ambiguous = h2 == null
                        || (h2.kind == WhatwgHost.Authority.Kind.HOST && !Objects.equals(canonical(h2.host), host1));
            }
            if (h1.kind == WhatwgHost.Authority.Kind.FAILED || ambiguous) {
                emit(p, e1, null);
            } else if (h1.kind == WhatwgHost.Authority.Kind.HOST) {
                emit(p, e1, host1);
            }
            // readings that end at a quote or bracket inside the token
            for (int q = a + 1; q < e1; q++) {
                if (isMarkup(s.charAt(q))) {
                    if (!allowExtra(p, e1)) {
                        break;
                    }
                    reading(p, a, q, mode);
                }
            }
            step(e1 - a);
            // readings across tab/LF/CR (a browser removes them)
            if (e1 == e2 && e1 < n && isTlc(s.charAt(e1))) {
                joinReadings(p, a, e1, mode);
            }
            // readings that start at an '@' after the authority was cut by a break
            if (e2 < n && isTextBreak(s.charAt(e2))) {
                atRegion(p, e2);
            }
            return e1;
        }

        private void joinReadings(int p, int a, int e1, WhatwgHost.Authority.Mode mode) {
            int k = e1;
            while (k < n) {
                char c = s.charAt(k);
                if (c == '/' || c == '\\' || c == '?' || c == '#' || (isTextBreak(c) && !isTlc(c))) {
                    break;
                }
                if (k - e1 > JOIN_CAP) {
                    emit(p, k, null);
                    step(k - e1);
                    return;
                }
                if (k > e1 && (isTlc(c) || isMarkup(c)) && !isTlc(s.charAt(k - 1))) {
                    if (!allowExtra(p, k)) {
                        step(k - e1);
                        return;
                    }
                    reading(p, a, k, mode);
                }
                k++;
            }
            step(k - e1);
            if (k > e1 && !isTlc(s.charAt(k - 1)) && allowExtra(p, k)) {
                reading(p, a, k, mode);
            }
        }

        /** The WHATWG reading of {@code s[a, end)} with tab/LF/CR removed; emitted if it names a host. */
        private void reading(int p, int a, int end, WhatwgHost.Authority.Mode mode) {
            if (end - a > MAX_AUTHORITY + JOIN_CAP) {
                return;
            }
            step(2L * (end - a));
            WhatwgHost.Authority r = WhatwgHost.Authority.parse(withoutTlc(a, end), mode);
            if (r.kind == WhatwgHost.Authority.Kind.HOST) {
                emit(p, end, canonical(r.host));
            }
        }

        private String withoutTlc(int from, int to) {
            StringBuilder b = new StringBuilder(to - from);
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (!isTlc(c)) {
                    b.append(c);
                }
            }
            return b.toString();
        }

        /**
         * From {@code from} to the next '/', '?' or '#': every '@' starts a host reading (a WHATWG parse of the
         * whole text puts everything before the last '@' into the userinfo). Each character is examined once
         * over the whole scan: positions before {@link #atFrontier} were handled for an earlier URL, and a
         * region's readings do not depend on the URL that reached it.
         */
        private void atRegion(int p, int from) {
            int k = Math.max(from, atFrontier);
            int start = k;
            int lastAt = -1;
            while (k < n) {
                char c = s.charAt(k);
                if (c == '/' || c == '?' || c == '#') {
                    break;
                }
                if (c == '@') {
                    lastAt = k;
                } else if (lastAt >= 0 && (isTextBreak(c) || isMarkup(c) || c == '\\')) {
                    if (!isTlc(s.charAt(k - 1)) || !isTlc(c)) {
                        if (allowExtra(p, k)) {
                            atReading(p, lastAt + 1, k);
                        }
                    }
                    if (isTextBreak(c) && !isTlc(c)) {
                        lastAt = -1;
                    }
                }
                k++;
            }
            if (lastAt >= 0 && allowExtra(p, k)) {
                atReading(p, lastAt + 1, k);
            }
            step(k - start);
            atFrontier = Math.max(atFrontier, k);
        }

        private void atReading(int p, int from, int to) {
            if (to <= from || to - from > MAX_AUTHORITY) {
                return;
            }
            step(2L * (to - from));
            WhatwgHost.Authority r =
                    WhatwgHost.Authority.parse(withoutTlc(from, to), WhatwgHost.Authority.Mode.SPECIAL);
            if (r.kind == WhatwgHost.Authority.Kind.HOST) {
                emit(p, to, canonical(r.host));
            }
        }

        // ------------------------------------------------------------ IPv6 outside URLs

        private int bracketedIpv6(int i) {
            int k = i + 1;
            boolean colon = false;
            while (k < n && k - i <= 64) {
                char c = s.charAt(k);
                if (c == ':') {
                    colon = true;
                } else if (!isHex(c) && c != '.') {
                    break;
                }
                k++;
            }
            step(k - i);
            if (!colon || k >= n || s.charAt(k) != ']') {
                return -1;
            }
            int[] pieces = WhatwgHost.parseIpv6(s, i + 1, k);
            if (pieces == null) {
                return -1;
            }
            newCandidate();
            int end = portEnd(k + 1);
            emit(i, end, "[" + WhatwgHost.serializeIpv6(pieces) + "]");
            return end;
        }

        private boolean ipv6CharBefore(int i) {
            if (i == 0) {
                return false;
            }
            char prev = s.charAt(i - 1);
            return isAsciiAlnum(prev) || prev == ':' || prev == '.' || prev == '_' || prev == '-' || prev == '[';
        }

        private int bareIpv6(int i) {
            int k = i;
            int colons = 0;
            boolean hex = false;
            boolean doubleColon = false;
            while (k < n && k - i <= 64) {
                char c = s.charAt(k);
                if (c == ':') {
                    colons++;
                    doubleColon |= k > i && s.charAt(k - 1) == ':';
                } else if (isHex(c)) {
                    hex = true;
                } else if (c != '.') {
                    break;
                }
                k++;
            }
            step(k - i);
            if (colons < 2 || !hex || !(doubleColon || colons == 7) || k - i > 64) {
                return -1;
            }
            if (k < n && (isLabelCodePoint(s.codePointAt(k)) || s.charAt(k) == ':')) {
                return -1;
            }
            int[] pieces = WhatwgHost.parseIpv6(s, i, k);
            if (pieces == null) {
                return -1;
            }
            newCandidate();
            emit(i, k, "[" + WhatwgHost.serializeIpv6(pieces) + "]");
            return k;
        }

        // ------------------------------------------------------------ bare hosts

        private boolean hostCharBefore(int i) {
            if (i == 0) {
                return false;
            }
            int cp = Character.codePointBefore(s, i);
            return isLabelCodePoint(cp) || WhatwgHost.isDot(cp);
        }

        /** Index after a ":port" (1-5 digits not followed by a label character) at {@code k}, else {@code k}. */
        private int portEnd(int k) {
            if (k >= n || s.charAt(k) != ':') {
                return k;
            }
            int j = k + 1;
            while (j < n && j - k <= 5 && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                j++;
            }
            int digits = j - k - 1;
            if (digits == 0
                    || digits > 5
                    || (j < n && (isLabelCodePoint(s.codePointAt(j)) || s.charAt(j) == ':' || s.charAt(j) == '.'))) {
                return k;
            }
            return j;
        }

        /** Consumes the run of label characters and dots at {@code i} and reports it if it is a host. */
        private int bareRun(int i) {
            int j = i;
            int lastDot = -1;
            while (j < n) {
                int cp = s.codePointAt(j);
                if (WhatwgHost.isDot(cp)) {
                    lastDot = j;
                } else if (!isLabelCodePoint(cp)) {
                    break;
                }
                j += Character.charCount(cp);
            }
            step(j - i);
            int end = j;
            if ((end < n && s.charAt(end) == '@') || (i > 0 && (s.charAt(i - 1) == '/' || s.charAt(i - 1) == '\\'))) {
                return end;
            }
            int k = end;
            while (k > i && WhatwgHost.isDot(s.charAt(k - 1))) {
                k--;
            }
            if (lastDot >= k) {
                lastDot = -1;
                for (int d = k - 1; d >= i; d--) {
                    if (WhatwgHost.isDot(s.charAt(d))) {
                        lastDot = d;
                        break;
                    }
                }
                step(k - i);
            }
            if (k == i) {
                return end;
            }
            newCandidate();
            if (lastDot < 0) {
                return singleLabelWithPort(i, k, end);
            }
            String last = s.substring(lastDot + 1, k);
            String tld = lastLabelToAscii(last);
            if (tld == null) {
                return end;
            }
            int hostEnd = k == end ? portEnd(end) : end;
            if (k - i > WhatwgHost.MAX_HOST_CHARS) {
                if (isTld(tld)) {
                    emit(i, hostEnd, null);
                }
                return Math.max(end, hostEnd);
            }
            if (isTld(tld)) {
                step(2L * (k - i));
                emit(i, hostEnd, canonical(WhatwgHost.parseOrNull(s.substring(i, k))));
                return Math.max(end, hostEnd);
            }
            if (isNumberLabel(tld)) {
                String core = s.substring(i, k);
                int dots = 0;
                for (int d = i; d < k; d++) {
                    if (WhatwgHost.isDot(s.charAt(d))) {
                        dots++;
                    }
                }
                step(3L * (k - i));
                String h = dots == 3 ? canonical(WhatwgHost.parseOrNull(core)) : null;
                if (h != null && isIpv4(h)) {
                    emit(i, hostEnd, h);
                    return Math.max(end, hostEnd);
                }
            }
            return end;
        }

        private static boolean isNumberLabel(String label) {
            if (label.isEmpty()) {
                return false;
            }
            int from = 0;
            int radix = 10;
            if (label.length() >= 2 && label.charAt(0) == '0' && label.charAt(1) == 'x') {
                from = 2;
                radix = 16;
            }
            for (int i = from; i < label.length(); i++) {
                if (Character.digit(label.charAt(i), radix) < 0) {
                    return false;
                }
            }
            return true;
        }

        /** The last label mapped to lower-case ASCII as the host parser would, or null. */
        private String lastLabelToAscii(String label) {
            if (label.length() > 255) {
                return null;
            }
            boolean ascii = true;
            for (int i = 0; i < label.length(); i++) {
                ascii &= label.charAt(i) < 0x80;
            }
            if (ascii) {
                return label.toLowerCase(Locale.ROOT);
            }
            // reuse the host parser on the label alone; a numeric result means the label was a number
            String h = WhatwgHost.parseOrNull(label);
            if (h == null) {
                return null;
            }
            if (isIpv4(h)) {
                return "0"; // a number written in non-ASCII digits: treated as a number label
            }
            return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        }

        /** {@code name:port} for a single ASCII label starting with a letter and a 2-5 digit port. */
        private int singleLabelWithPort(int i, int k, int end) {
            if (k != end || !WhatwgHost.isAsciiAlpha(s.charAt(i))) {
                return end;
            }
            for (int d = i; d < k; d++) {
                char c = s.charAt(d);
                if (!isAsciiAlnum(c) && c != '-') {
                    return end;
                }
            }
            int pe = portEnd(end);
            if (pe - end - 1 < 2) {
                return end;
            }
            String label = s.substring(i, k).toLowerCase(Locale.ROOT);
            emit(i, pe, label);
            return pe;
        }
    }
}
