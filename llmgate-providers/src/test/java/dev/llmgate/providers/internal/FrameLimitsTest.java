package dev.llmgate.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.providers.ResponseLimits;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** The exact bounds of the stream readers: what fits a limit is read, one byte more fails naming the limit. */
class FrameLimitsTest {
    static final int EVENT = 64;
    static final ResponseLimits LIMITS =
            ResponseLimits.DEFAULTS.withMaxEventBytes(EVENT).withMaxStreamBytes(1024);

    private static SseReader sse(String body) {
        return new SseReader(new Buffer().writeUtf8(body), "p", LIMITS);
    }

    private static NdjsonReader ndjson(String body) {
        return new NdjsonReader(new Buffer().writeUtf8(body), "p", LIMITS);
    }

    private static String line(int bytes) {
        return "data: " + "x".repeat(bytes - 6);
    }

    @Test
    void anSseDataLineOfExactlyTheLimitIsReadWithEitherLineEnd() throws Exception {
        for (String end : new String[] {"\n", "\r\n"}) {
            SseReader r = sse(line(EVENT) + end + end);
            assertThat(r.next()).isTrue();
            assertThat(r.data()).hasSize(EVENT - 6);
        }
    }

    @Test
    void anSseLineOneByteOverTheLimitFailsNamingIt() {
        assertThatThrownBy(() -> sse(line(EVENT + 1) + "\n\n").next())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("stream event larger than " + EVENT + " bytes")
                .hasMessageContaining("ResponseLimits.maxEventBytes")
                .hasMessageContaining(".responseLimits(ResponseLimits.DEFAULTS.withMaxEventBytes(...))")
                .satisfies(
                        e -> assertThat(((ProviderException) e).isRetryable()).isFalse())
                .satisfies(e ->
                        assertThat(((ProviderException) e).details().provider()).hasValue("p"));
    }

    @Test
    void anSseLineWithoutAnyLineEndFailsAtTheLimit() {
        SseReader r = sse("data: " + "x".repeat(10_000));
        assertThatThrownBy(r::next).isInstanceOf(ProviderException.class).hasMessageContaining("maxEventBytes");
    }

    /** As measured: endless data lines without the blank line that ends an event. */
    @Test
    void anSseEventWhoseDataLinesTogetherExceedTheLimitFails() throws Exception {
        // two lines of 32 bytes: exactly the limit, dispatched
        SseReader fits = sse(line(32) + "\n" + line(32) + "\n\n");
        assertThat(fits.next()).isTrue();
        assertThat(fits.data()).hasSize(2 * 26 + 1);
        // a third line, no blank line: over the limit although every line is short
        assertThatThrownBy(() ->
                        sse(line(32) + "\n" + line(32) + "\n" + "data: x\n").next())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("ResponseLimits.maxEventBytes");
    }

    @Test
    void theLimitIsPerEvent() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            body.append(line(EVENT)).append("\n\n");
        }
        SseReader r = sse(body.toString());
        for (int i = 0; i < 10; i++) {
            assertThat(r.next()).isTrue();
        }
        assertThat(r.next()).isFalse();
    }

    @Test
    void commentsAndOtherFieldsDoNotAddUpButEachLineIsBounded() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            body.append(": keep-alive ").append("y".repeat(40)).append('\n').append("event: e\n");
        }
        body.append("data: d\n\n");
        SseReader r = sse(body.toString());
        assertThat(r.next()).isTrue();
        assertThat(r.data()).isEqualTo("d");
        assertThatThrownBy(() -> sse(": " + "z".repeat(EVENT) + "\n").next()).hasMessageContaining("maxEventBytes");
    }

    @Test
    void aWholeStreamOverItsLimitFailsNamingIt() throws Exception {
        StringBuilder body = new StringBuilder();
        while (body.length() <= 1024) {
            body.append(line(20)).append("\n\n");
        }
        SseReader r = sse(body.toString());
        int read = 0;
        ProviderException failure = null;
        try {
            while (r.next()) {
                read++;
            }
        } catch (ProviderException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        assertThat(failure)
                .hasMessageContaining("streamed answer larger than 1024 bytes")
                .hasMessageContaining("ResponseLimits.maxStreamBytes")
                .hasMessageContaining("withMaxStreamBytes(...)");
        assertThat(read).isEqualTo(1024 / 22);
    }

    @Test
    void anNdjsonLineOfExactlyTheLimitIsReadAndOneByteMoreFails() throws Exception {
        String fits = "{\"a\":\"" + "x".repeat(EVENT - 8) + "\"}";
        assertThat(fits).hasSize(EVENT);
        NdjsonReader r = ndjson(fits + "\n");
        assertThat(r.next()).isTrue();
        assertThat(r.data()).isEqualTo(fits);
        String over = "{\"a\":\"" + "x".repeat(EVENT - 7) + "\"}";
        assertThatThrownBy(() -> ndjson(over + "\n").next())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("ResponseLimits.maxEventBytes");
        // also as the last line, without its newline
        assertThatThrownBy(() -> ndjson(over).next()).isInstanceOf(ProviderException.class);
        assertThat(ndjson(fits).next()).isTrue();
    }

    @Test
    void limitsMustBePositiveAndTheStreamAtLeastOneEvent() {
        assertThatThrownBy(() -> ResponseLimits.DEFAULTS.withMaxEventBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseLimits.DEFAULTS.withMaxBodyBytes(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseLimits.DEFAULTS.withMaxStreamBytes(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least maxEventBytes");
    }
}
