package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link WhatwgHost#hostnameOfUrl} against a subset of the Web Platform Tests' urltestdata.json (see
 * {@code wpt/README.md} beside the data): for special schemes our host must equal WPT's {@code hostname},
 * and a WPT failure must be a failure here. Cases are skipped only for the reasons counted in
 * {@link #SKIP_REASONS}, and the test asserts how many were compared so a skip rule cannot silently
 * swallow the data.
 */
class WhatwgHostWptTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String NON_SPECIAL =
            "non-special scheme: WHATWG gives an opaque (percent-encoded) host; we deliberately parse it as a special host";
    static final String RELATIVE =
            "relative to its base (no scheme, or same scheme without '//'): EgressTargets only reads absolute and '//'-relative references";
    static final String DEVIATION =
            "UTS 46 deviation character (ß, ς, ZWJ, ZWNJ): deliberately unparseable here, see WhatwgHost";
    static final Map<String, Integer> SKIP_REASONS = new TreeMap<>();

    @Test
    void hostsEqualWptHostnameForSpecialSchemes() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        int failuresCompared = 0;
        for (JsonNode c : load()) {
            String input = c.get("input").asText();
            String base = c.get("base").isNull() ? null : c.get("base").asText();
            String url = absolute(input, base);
            if (url == null) {
                skip(RELATIVE);
                continue;
            }
            String scheme = schemeOf(url);
            if (!scheme.equals("file") && !WhatwgHost.isSpecialNonFile(scheme)) {
                skip(NON_SPECIAL);
                continue;
            }
            if (input.codePoints().anyMatch(WhatwgHost::isDeviation)) {
                skip(DEVIATION);
                assertThat(WhatwgHost.hostnameOfUrl(url))
                        .as("deviation %s", input)
                        .isEmpty();
                continue;
            }
            boolean failure = c.has("failure") && c.get("failure").asBoolean();
            Optional<String> ours = WhatwgHost.hostnameOfUrl(url);
            compared++;
            if (failure) {
                failuresCompared++;
                if (ours.isPresent()) {
                    mismatches.add(show(input) + " expected failure, got " + ours.get());
                }
            } else if (!ours.equals(Optional.of(c.get("hostname").asText()))) {
                mismatches.add(show(input) + " expected " + c.get("hostname").asText() + ", got " + ours);
            }
        }
        assertThat(mismatches).as("WPT cases that differ").isEmpty();
        assertThat(compared).as("cases compared; skipped: %s", SKIP_REASONS).isGreaterThanOrEqualTo(330);
        assertThat(failuresCompared).isGreaterThanOrEqualTo(150);
    }

    private static void skip(String reason) {
        SKIP_REASONS.merge(reason, 1, Integer::sum);
    }

    /** The absolute URL WHATWG would resolve {@code input} to for its host, or null if that depends on the base. */
    private static String absolute(String input, String base) {
        String s = WhatwgHost.stripForUrl(input);
        String scheme = schemeOf(s);
        if (scheme != null) {
            String rest = s.substring(scheme.length() + 1);
            boolean twoSlashes = rest.length() >= 2 && isSlash(rest.charAt(0)) && isSlash(rest.charAt(1));
            if (base != null && scheme.equals(schemeOf(base)) && !twoSlashes) {
                return null; // "http:foo" against an http base is relative to the base
            }
            return s;
        }
        if (base != null && s.length() >= 2 && isSlash(s.charAt(0)) && isSlash(s.charAt(1))) {
            String baseScheme = schemeOf(base);
            if (baseScheme != null && (baseScheme.equals("file") || WhatwgHost.isSpecialNonFile(baseScheme))) {
                return baseScheme + ":" + s;
            }
        }
        return null;
    }

    private static boolean isSlash(char c) {
        return c == '/' || c == '\\';
    }

    private static String schemeOf(String s) {
        if (s.isEmpty() || !WhatwgHost.isAsciiAlpha(s.charAt(0))) {
            return null;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                return s.substring(0, i).toLowerCase(Locale.ROOT);
            }
            if (!WhatwgHost.isSchemeChar(c)) {
                return null;
            }
        }
        return null;
    }

    private static String show(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp >= 0x7F) {
                b.append(String.format("\\u%04X", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    static List<JsonNode> load() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        try (InputStream in = WhatwgHostWptTest.class.getResourceAsStream("wpt/urltestdata-hosts.jsonl");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    cases.add(JSON.readTree(line));
                }
            }
        }
        return cases;
    }

    @Test
    void everyWptCaseThroughTheScannerNeverAllowsWhatWhatwgRejects() throws IOException {
        // The scanner reads the same absolute URLs; where WHATWG fails, the scanner must not hand out a host.
        for (JsonNode c : load()) {
            String input = c.get("input").asText();
            String base = c.get("base").isNull() ? null : c.get("base").asText();
            String url = absolute(input, base);
            if (url == null || !(c.has("failure") && c.get("failure").asBoolean())) {
                continue;
            }
            String scheme = schemeOf(url);
            if (!scheme.equals("file") && !WhatwgHost.isSpecialNonFile(scheme)) {
                continue;
            }
            for (EgressTargets.Target t : EgressTargets.find(input)) {
                if (t.start() == 0 && t.host().isPresent()) {
                    // a host may only come from an alternative reading that is itself a valid URL prefix
                    assertThat(WhatwgHost.hostnameOfUrl(input.substring(0, t.end())))
                            .as(show(input))
                            .isPresent();
                }
            }
        }
    }
}
