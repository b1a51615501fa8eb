package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.policy.internal.EgressTargets.Target;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on an egress allow-list of {@code *.example.com} (issue 18, item 4), written as the model would
 * write them in a decoded tool-call argument, plus the decisions the class javadoc documents.
 */
class EgressTargetsTest {

    private static final String[] ALLOW = {"*.example.com"};

    /** What the engine will do: every target must have a host and the host must match a glob. */
    private static boolean allowed(String value, String... globs) {
        for (Target t : EgressTargets.find(value)) {
            if (t.host().isEmpty()) {
                return false;
            }
            boolean ok = false;
            for (String g : globs) {
                ok |= EgressTargets.hostMatches(t.host().get(), g);
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static List<Optional<String>> hosts(String value) {
        return EgressTargets.find(value).stream().map(Target::host).toList();
    }

    // ------------------------------------------------------------------ the bypasses of issue 18

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.attacker.net/x", // decoded form of https:\/\/evil.attacker.net\/x
                "https:\\/\\/evil.attacker.net\\/x", // the JSON escapes left in the value (double-escaped)
                "https://api.example.com@evil.attacker.net/x", // userinfo
                "https://api.example.com:443@evil.attacker.net/x",
                "http://3232235777/", // decimal IPv4
                "http://0xC0A80101/", // hex IPv4
                "http://0300.0250.1.1/", // octal IPv4
                "http://192.168.257/", // short IPv4
                "http://0xc0.0250.257/",
                "//evil.attacker.net/x", // scheme-relative
                "\\\\evil.attacker.net\\x", // UNC / backslash scheme-relative
                "/\\evil.attacker.net/x",
                "https://evil\uFF0Eattacker\u3002net/", // full-width and ideographic dots
                "https://evil\uFF61attacker\uFF0Enet/",
                "evil\uFF0Eattacker\u3002net", // ... without a scheme
                "evil.attacker.zip", // bare host with a real TLD
                "please fetch evil.attacker.zip/payload and report",
                "https://api.example.com\\@evil.net/", // WHATWG: api.example.com, RFC 3986: evil.net
                "https:evil.net", // special scheme, no slashes
                "https:\\\\evil.net",
                "HTTPS://EVIL.NET/",
                "h\nttps:3232235777", // tab/newline inside the scheme
                "https://api.example.com\nhttp:3232235777", // a second URL on the next line
                "https://api.example.com\nhttps:evil.net",
                "ht\ttp://ev\til.net/",
                "https://api.example.com @evil.net", // whole-value parse puts "api.example.com " in userinfo
                "https://api.example.com\u00A0@evil.net",
                "https://api.example.com @3232235777", // ... where no bare-host rule would see the host
                "https://api.example.com\n.evil.net", // a browser removes the line break
                "https://api.example.com\t.evil.net x",
                "<a href=\"https://evil.net\"@api.example.com>", // the attribute value ends at the quote
                "https://api.example.com/?next=https://evil.net/", // nested URL
                "https://api.example.com/?next=//evil.net/",
                "ssh://evil.net/",
                "redis://evil.net:6379",
                "jdbc:mysql://evil.net:3306/db",
                "git+https://evil.net/r",
                "xhttp://evil.net/",
                "1http://3232235777/",
                "mail it to bob@evil.net",
                "http://[::ffff:c0a8:101]/",
                "[::1]:8080",
                "http://[::1]/",
                "fe80::1",
                "10.0.0.1",
                "connect 169.254.169.254 now",
                "0x7f.0.0.1",
                "metadata:80",
                "localhost:8080",
                "https://ev\u200Dil.net/", // ZWJ: IDNA2003 drops it, UTS 46 fails: unparseable
                "https://fa\u00DF.example.com/", // ß: IDNA2003 "fass", UTS 46 "xn--fa-hia": unparseable
                "https://api.example.com:99999/", // bad port
                "https://ho%2Fst.example.com/", // percent-decodes to a forbidden '/'
                "https://exa%zzmple.com/",
                "https://a.b@c@api.example.com/", // two '@': parsers disagree
                "https://xn--pokxncvks.example.com/", // invalid punycode
                "https://%65vil.net/", // percent-encoded host
                "https://\uFF45\uFF56\uFF49\uFF4C.net/", // full-width letters
            })
    void everyBypassIsBlocked(String value) {
        assertThat(allowed(value, ALLOW)).as(value).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://api.example.com/v1/items?q=1",
                "see https://api.example.com for details",
                "https://api.example.com.", // trailing dot
                "HTTPS://API.EXAMPLE.COM/",
                "https://user:pass@api.example.com:8443/x",
                "https://api.example.com/files/report.zip", // bare names in a URL path are not hosts
                "https://ap\u200Bi.example.com/", // ZWSP is ignored by UTS 46 (and stripped here)
                "https://api\uFF0Eexample\u3002com/",
                "https://\uFF41\uFF50\uFF49.example.com/", // full-width letters map to api
                "https://api.example.com/\nThanks", // the line break is in the path: no join
                "//cdn.example.com/lib.js",
                "a sentence with e.g. and i.e. and 3.14 and v1.2.3",
                "// a code comment",
                "path/to/file",
                "a//b",
                "C:\\Users\\bob",
                "std::vector<int> and 12:30:45 and 00:1a:2b:3c:4d:5e",
                "[link](https://docs.example.com/page)",
                "",
            })
    void legitimateValuesAreNotBlocked(String value) {
        assertThat(allowed(value, ALLOW)).as(value).isTrue();
    }

    // ------------------------------------------------------------------ canonical hosts

    @Test
    void numericIpv4FormsAreCanonicalisedToDottedDecimal() {
        assertThat(hosts("http://3232235777/")).containsExactly(Optional.of("192.168.1.1"));
        assertThat(hosts("http://0xC0A80101/")).containsExactly(Optional.of("192.168.1.1"));
        assertThat(hosts("http://0300.0250.1.1/")).containsExactly(Optional.of("192.168.1.1"));
        assertThat(hosts("http://192.168.257/")).containsExactly(Optional.of("192.168.1.1"));
        assertThat(hosts("http://127.1/")).containsExactly(Optional.of("127.0.0.1"));
        assertThat(hosts("http://4294967296/")).containsExactly(Optional.empty());
        assertThat(hosts("http://1.2.3.08/")).containsExactly(Optional.empty());
        assertThat(hosts("010.0.0.1")).containsExactly(Optional.of("8.0.0.1"));
    }

    @Test
    void ipv6IsRfc5952TextInBrackets() {
        assertThat(hosts("http://[2001:DB8:0:0:0:0:0:1]/")).containsExactly(Optional.of("[2001:db8::1]"));
        assertThat(hosts("http://[::127.0.0.1]/")).containsExactly(Optional.of("[::7f00:1]"));
        assertThat(hosts("[0:0:0:0:0:0:0:1]:443")).containsExactly(Optional.of("[::1]"));
        assertThat(hosts("2001:db8::1")).containsExactly(Optional.of("[2001:db8::1]"));
        assertThat(hosts("http://[1:2:3]/")).containsExactly(Optional.empty());
        assertThat(EgressTargets.canonicalHost("::1")).contains("[::1]");
        assertThat(EgressTargets.canonicalHost("[0::1]")).contains("[::1]");
    }

    @Test
    void idnaAndOddUnicode() {
        assertThat(hosts("https://b\u00FCcher.de/")).containsExactly(Optional.of("xn--bcher-kva.de"));
        assertThat(hosts("https://xn--bcher-kva.de/")).containsExactly(Optional.of("xn--bcher-kva.de"));
        assertThat(hosts("https://\u4F60\u597D\u4F60\u597D.com/")).containsExactly(Optional.of("xn--6qqa088eba.com"));
        assertThat(hosts("https://\uFF27\uFF4F.com/")).containsExactly(Optional.of("go.com"));
        assertThat(hosts("https://\uFF10\uFF38\uFF43\uFF10\uFF0E\uFF10\uFF12\uFF15\uFF10\uFF0E\uFF10\uFF11/"))
                .containsExactly(Optional.of("192.168.0.1"));
        assertThat(hosts("https://e\u00ADv\u2060i\uFEFFl.net/"))
                .containsExactly(Optional.of("evil.net")); // ignored code points: stripped
        assertThat(hosts("https://ev\u200Cil.net/")).containsExactly(Optional.empty()); // ZWNJ: unparseable
        assertThat(hosts("https://\u03C3\u03BF\u03C6\u03CC\u03C2.gr/"))
                .containsExactly(Optional.empty()); // final sigma: unparseable
        assertThat(hosts("https://\uD83D\uDCA9.la/")).containsExactly(Optional.empty()); // unassigned in Unicode 3.2
        assertThat(hosts("https://xn--zca.de/"))
                .containsExactly(Optional.empty()); // "ß" label: does not round-trip in IDNA2003
        assertThat(hosts("https://loC\uD835\uDC00\uD835\uDC0B\uD835\uDC07\uD835\uDC28\uD835\uDC2C\uD835\uDC2D:8080/"))
                .containsExactly(Optional.of("localhost")); // math bold letters
        assertThat(hosts("https://\u0660.example.com/"))
                .containsExactly(Optional.of("xn--8hb.example.com")); // Arabic-Indic digit stays a label
    }

    @Test
    void trailingDotIsRemovedForComparison() {
        assertThat(hosts("https://api.example.com./x")).containsExactly(Optional.of("api.example.com"));
        assertThat(hosts("http://./")).containsExactly(Optional.empty());
        assertThat(EgressTargets.canonicalHost("Example.COM.")).contains("example.com");
    }

    // ------------------------------------------------------------------ ambiguity

    @Test
    void whatwgAndRfc3986DisagreeingIsUnparseable() {
        assertThat(hosts("https://api.example.com\\@evil.net/")).containsExactly(Optional.empty());
        assertThat(hosts("https://a@b@example.com/")).containsExactly(Optional.empty());
        assertThat(hosts("ftp://api.example.com\\x@evil.net")).containsExactly(Optional.empty());
        // a backslash without '@' after it gives the same host in both readings
        assertThat(hosts("https://api.example.com\\path")).containsExactly(Optional.of("api.example.com"));
    }

    @Test
    void alternativeReadingsAreExtraTargets() {
        assertThat(hosts("https://api.example.com\n.evil.net"))
                .containsExactly(Optional.of("api.example.com"), Optional.of("api.example.com.evil.net"));
        assertThat(hosts("https://api.example.com\n.evil.net\n.example.com"))
                .contains(Optional.of("api.example.com.evil.net"), Optional.of("api.example.com.evil.net.example.com"));
        assertThat(hosts("https://api.example.com x@3232235777")).contains(Optional.of("192.168.1.1"));
        // documented false positive: a path-less URL and text on the next line
        assertThat(hosts("https://example.com\nThanks")).contains(Optional.of("example.comthanks"));
        // a line break before a port keeps the host
        assertThat(hosts("https://api.example.com\n:443/x")).containsExactly(Optional.of("api.example.com"));
    }

    @Test
    void tooManyReadingsIsUnparseable() {
        String v = "https://api.example.com\"a\"b\"c\"d\"e\"f\"g\"h\"i\"j/";
        assertThat(hosts(v)).contains(Optional.empty());
    }

    @Test
    void hugeAuthorityIsUnparseable() {
        String v = "https://" + "a".repeat(EgressTargets.MAX_AUTHORITY + 10) + ".com/";
        assertThat(hosts(v)).containsExactly(Optional.empty());
    }

    // ------------------------------------------------------------------ what is and is not a target

    @Test
    void bareHostsNeedARealTld() {
        assertThat(hosts("evil.attacker.zip")).containsExactly(Optional.of("evil.attacker.zip"));
        assertThat(hosts("config.yaml and notes.txt and foo.bar.baz")).isEmpty();
        assertThat(hosts("api.example.com:8443/x")).containsExactly(Optional.of("api.example.com"));
        assertThat(hosts("evil.attacker.zip...")).containsExactly(Optional.of("evil.attacker.zip"));
        assertThat(hosts("evil.attacker.\uFF5A\uFF49\uFF50")).containsExactly(Optional.of("evil.attacker.zip"));
        assertThat(hosts("shop.\u043E\u043D\u043B\u0430\u0439\u043D"))
                .containsExactly(Optional.of("shop.xn--80asehdb"));
    }

    @Test
    void emailDomainsAreTargetsButLocalPartsAreNot() {
        assertThat(hosts("write to alice.app@corp.example.com")).containsExactly(Optional.of("corp.example.com"));
    }

    @Test
    void documentedNonTargets() {
        assertThat(hosts("localhost")).isEmpty();
        assertThat(hosts("3232235777")).isEmpty();
        assertThat(hosts("version 1.2.3")).isEmpty();
        assertThat(hosts("docs/readme.md")).isEmpty();
        assertThat(hosts("file:///etc/passwd")).isEmpty();
        assertThat(hosts("file://localhost/etc/passwd")).isEmpty();
        assertThat(hosts("mailto:")).isEmpty();
    }

    @Test
    void fileUrlsWithAHostAreTargets() {
        assertThat(hosts("file://fileserver.example.com/share")).containsExactly(Optional.of("fileserver.example.com"));
        assertThat(hosts("file://evil.net@x/")).containsExactly(Optional.empty());
    }

    @Test
    void spansPointAtTheText() {
        String v = "a https://api.example.com/x b";
        Target t = EgressTargets.find(v).get(0);
        assertThat(v.substring(t.start(), t.end())).isEqualTo("https://api.example.com");
        String w = "x evil.attacker.zip:8080 y";
        Target u = EgressTargets.find(w).get(0);
        assertThat(w.substring(u.start(), u.end())).isEqualTo("evil.attacker.zip:8080");
    }

    // ------------------------------------------------------------------ globs

    @Test
    void wildcardGlobsMatchSubdomainsOnly() {
        assertThat(EgressTargets.hostMatches("api.example.com", "*.example.com"))
                .isTrue();
        assertThat(EgressTargets.hostMatches("a.b.example.com", "*.example.com"))
                .isTrue();
        assertThat(EgressTargets.hostMatches("example.com", "*.example.com")).isFalse();
        assertThat(EgressTargets.hostMatches("evilexample.com", "*.example.com"))
                .isFalse();
        assertThat(EgressTargets.hostMatches("example.com.evil.net", "*.example.com"))
                .isFalse();
        assertThat(EgressTargets.hostMatches("api.example.com", "*.EXAMPLE.com."))
                .isTrue();
        assertThat(EgressTargets.hostMatches("api.example.com", "*.\uFF45xample.com"))
                .isTrue();
        assertThat(EgressTargets.hostMatches("anything.net", "*")).isTrue();
    }

    @Test
    void exactAndIpGlobsAreCanonicalised() {
        assertThat(EgressTargets.hostMatches("192.168.1.1", "3232235777")).isTrue();
        assertThat(EgressTargets.hostMatches("192.168.1.1", "0xC0A80101")).isTrue();
        assertThat(EgressTargets.hostMatches("[::1]", "::1")).isTrue();
        assertThat(EgressTargets.hostMatches("[::1]", "[0:0::1]")).isTrue();
        assertThat(EgressTargets.hostMatches("xn--bcher-kva.de", "b\u00FCcher.de"))
                .isTrue();
        assertThat(EgressTargets.hostMatches("api.example.com", "API.Example.COM."))
                .isTrue();
        assertThat(EgressTargets.hostMatches("api.example.com", "example.com")).isFalse();
    }

    @Test
    void unusableGlobsAreRefusedWithAClearMessage() {
        for (String bad : new String[] {
            "https://api.example.com", "api.example.com:443", "*.0.0.1", "api.*.com", "a*", "", "exa mple.com"
        }) {
            assertThatThrownBy(() -> EgressTargets.canonicalGlob(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Host glob \"" + bad + "\"")
                    .hasMessageContaining("*.domain");
            assertThat(EgressTargets.hostMatches("api.example.com", bad))
                    .as(bad)
                    .isFalse();
        }
        assertThat(EgressTargets.canonicalGlob(" *.Example.COM ")).isEqualTo("*.example.com");
    }

    // ------------------------------------------------------------------ the shipped TLD list

    @Test
    void tldListIsTheIanaRootZoneFile() {
        assertThat(EgressTargets.Tlds.VERSION).startsWith("# Version 2024110800");
        assertThat(EgressTargets.Tlds.SET)
                .hasSizeGreaterThan(1400)
                .contains("com", "net", "zip", "io", "dev", "py", "md", "xn--p1ai")
                .doesNotContain("internal", "local", "localhost", "txt", "json");
    }
}
