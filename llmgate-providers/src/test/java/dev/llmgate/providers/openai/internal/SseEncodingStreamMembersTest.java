package dev.llmgate.providers.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.StreamDecoder;
import dev.llmgate.providers.internal.WrappedExchange;
import dev.llmgate.providers.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/** The members a wrapped stream's later chunks bring come from the upstream stream its chunks are labelled with. */
class SseEncodingStreamMembersTest {
    private static final CallContext CALL = Fixtures.streaming();

    private static String frame(String id, String members) {
        return "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," + members
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}";
    }

    private static StreamDecoder observed(WrappedExchange exchange) {
        WrappedExchange.LaterMembers later = new WrappedExchange.LaterMembers();
        return exchange.observing(
                new OpenAiStreamDecoder(new ProviderErrors("openai", ""), Headers.of(), CALL, later::put),
                Headers.of(),
                "[DONE]",
                later);
    }

    @Test
    void anotherAttemptReadLaterNeverLendsItsMembersToTheChunksWritten() throws IOException {
        WrappedExchange exchange = new WrappedExchange();
        StreamDecoder winner = observed(exchange);
        StreamDecoder loser = observed(exchange); // e.g. a hedge still read on another thread
        winner.decode("", frame("chatcmpl-winner", "\"citations\":[\"https://a.example/1\"],"), e -> {});
        Deque<Runnable> between = new ArrayDeque<>(List.of(
                () -> {
                    winner.decode("", frame("chatcmpl-winner", "\"citations\":[\"https://a.example/2\"],"), e -> {});
                    loser.decode("", frame("chatcmpl-loser", "\"search_results\":[\"loser-0\"],"), e -> {});
                    loser.decode("", frame("chatcmpl-loser", "\"search_results\":[\"loser-1\"],"), e -> {});
                },
                () -> {}));
        Deque<StreamEvent> events = new ArrayDeque<>(List.of(
                new StreamEvent.TextDelta("Hello"),
                new StreamEvent.TextDelta(" there"),
                StreamEvent.Finish.builder(FinishReason.STOP).build()));
        ChatStream chain = new ChatStream() {
            @Override
            public boolean hasNext() {
                return !events.isEmpty();
            }

            @Override
            public StreamEvent next() {
                if (events.size() < 3 && !between.isEmpty()) {
                    between.poll().run();
                }
                return events.poll();
            }

            @Override
            public void close() {}
        };
        String written;
        try (OpenAiBridge.SseEncodingStream s = new OpenAiBridge.SseEncodingStream(chain, exchange, "m", false)) {
            written = new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(written).contains("chatcmpl-winner").doesNotContain("chatcmpl-loser");
        assertThat(written).doesNotContain("search_results").doesNotContain("loser-");
        assertThat(written).contains("https://a.example/1").contains("https://a.example/2");
    }
}
