package dev.llmgate.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.providers.testing.KeyLeaks;
import java.io.IOException;
import java.net.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scrubbing rule itself: which echoes of a key are masked, and which text is left alone. */
class SecretsTest {
    static final String KEY = "sk-LEAKCHECK-1234567890";
    final Secrets secrets = Secrets.of(KEY);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sk-LEAKCHECK-1234567890", // whole
                "LEAKCHECK-1234567890", // without its prefix (as measured: not scrubbed before)
                "LEAKCHEC", // any 8 consecutive characters
                "K-123456",
                "34567890",
                "leakcheck-1234567890", // another case
                "LEAKCHECK-1234567890LEAKCHECK-1234567890", // twice, back to back
                "1234567890-LEAKCHECK", // two pieces of it, joined in another order
            })
    void everyRunOfEightOrMoreCharactersOfTheKeyIsMasked(String echo) {
        String out = secrets.scrub("the key " + echo + " is not valid");
        assertThat(out).startsWith("the key [REDACTED]").endsWith(" is not valid");
        KeyLeaks.assertNoKeyFragment(out, KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"LEAKCHE", "4567890", "sk-LEAK", "...7890"})
    void runsOfSevenOrFewerAreLeftAsTheyAre(String piece) {
        // vendors themselves show the last 4 characters of a key; seven of a 20-character random part are not a leak
        assertThat(secrets.scrub("key ending in " + piece)).isEqualTo("key ending in " + piece);
    }

    @Test
    void ordinaryTextIsUntouched() {
        String text =
                "Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000."
                        + " The task-manager's api quota";
        assertThat(secrets.scrub(text)).isEqualTo(text);
        assertThat(Secrets.NONE.scrub(text)).isEqualTo(text);
    }

    @Test
    void aKeyShorterThanEightCharactersIsMaskedWhereItOccursWhole() {
        Secrets s = Secrets.of("k3y-ab");
        assertThat(s.scrub("bad key k3y-ab here")).isEqualTo("bad key [REDACTED] here");
        assertThat(s.scrub("bad key k3y-a here")).isEqualTo("bad key k3y-a here");
    }

    @Test
    void credentialShapedTextIsMaskedWhoeverItBelongsTo() {
        String out = Secrets.NONE.scrub(
                "keys sk-proj-abcdefgh, AIzaSyA1234567890abcdefghijkl, Authorization: Bearer tok.en.value,"
                        + " eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl and api_key=abc123");
        assertThat(out)
                .doesNotContain("sk-proj-abcdefgh")
                .doesNotContain("AIzaSy")
                .doesNotContain("tok.en.value")
                .doesNotContain("eyJhbGci")
                .doesNotContain("abc123");
    }

    @Test
    void longTextIsCutSoThatItCannotCarryAPrompt() {
        String out = secrets.scrub("x".repeat(10_000));
        assertThat(out).hasSize(Secrets.MAX_TEXT + 3).endsWith("...");
    }

    @Test
    void aCauseThatLeaksIsReplacedByAScrubbedCopyWithTheSameStackTrace() {
        IOException inner = new IOException("socket to LEAKCHECK-1234567890 failed");
        ProtocolException outer = new ProtocolException("Unexpected status line: HTTP/1.1 2x0 " + KEY);
        outer.initCause(inner);
        outer.addSuppressed(new IllegalStateException("also " + KEY));

        Throwable scrubbed = secrets.cause(outer);

        assertThat(scrubbed)
                .isNotSameAs(outer)
                .isInstanceOf(Secrets.ScrubbedCause.class)
                .hasMessage("java.net.ProtocolException: Unexpected status line: HTTP/1.1 2x0 [REDACTED]");
        assertThat(scrubbed.getStackTrace()).isEqualTo(outer.getStackTrace());
        assertThat(scrubbed.getCause()).hasMessage("java.io.IOException: socket to [REDACTED] failed");
        assertThat(scrubbed.getSuppressed())
                .singleElement()
                .satisfies(s -> assertThat(s).hasMessage("java.lang.IllegalStateException: also [REDACTED]"));
        KeyLeaks.assertNothingReachableLeaks(scrubbed, KEY);
    }

    @Test
    void aCauseThatDoesNotLeakIsKeptAsItIs() {
        IOException e = new IOException("Connection reset");
        assertThat(secrets.cause(e)).isSameAs(e);
        assertThat(secrets.cause(null)).isNull();
    }

    @Test
    void aCyclicCauseChainDoesNotLoop() {
        IllegalStateException a = new IllegalStateException("a " + KEY);
        IllegalStateException b = new IllegalStateException("b");
        a.initCause(b);
        b.initCause(a);
        KeyLeaks.assertNothingReachableLeaks(secrets.cause(a), KEY);
    }

    @Test
    void anUnexpectedShapeKeepsItsCauseScrubbed() {
        ProviderErrors errors = new ProviderErrors("p", KEY);
        var e = Shapes.unexpected(errors, new NumberFormatException("For input string: \"LEAKCHECK-1234567890\""));
        assertThat(e.getCause()).hasMessageContaining("[REDACTED]");
        KeyLeaks.assertNothingReachableLeaks(e, KEY);
    }
}
