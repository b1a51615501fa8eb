package dev.llmgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.spi.Interceptor;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FakeChainTest {
    static final ChatRequest HI = ChatRequest.of("m", "hi");

    /** Rewrites the model, and retries once on an overloaded provider. */
    static final Interceptor RETRY_ONCE = chain -> {
        ChatRequest next = chain.request().withModel("bigger");
        try {
            return chain.proceed(next);
        } catch (OverloadedException e) {
            return chain.proceed(next);
        }
    };

    @Test
    void aBlockingCallGoesToChatAndTheChainRecordsWhatWasPassedOn() {
        ScriptedProvider model = ScriptedProvider.replying(Reply.text("Hello"));
        FakeChain chain = FakeChain.blocking(HI, model);
        ChatResult result = chain.run(RETRY_ONCE);
        assertThat(result).isInstanceOf(ChatResponse.class);
        assertThat(result.toResponse().text()).isEqualTo("Hello");
        assertThat(chain.proceededOnce().model()).isEqualTo("bigger");
        assertThat(model.requests()).isEqualTo(chain.proceeded());
        assertThat(chain.request()).isEqualTo(HI);
        assertThat(chain.call().streaming()).isFalse();
    }

    @Test
    void aStreamedCallGoesToStream() {
        ScriptedProvider model = ScriptedProvider.replying(Reply.chunks("Hel", "lo"));
        FakeChain chain = FakeChain.streaming(HI, model);
        ChatResult result = chain.run(RETRY_ONCE);
        assertThat(result).isInstanceOf(ChatStream.class);
        assertThat(((ChatStream) result).next()).isEqualTo(new StreamEvent.TextDelta("Hel"));
        ((ChatStream) result).close();
        assertThat(model.streamsReleased()).isEqualTo(1);
    }

    @Test
    void everyProceedIsRecordedEvenWhenDownstreamFails() {
        ScriptedProvider model = ScriptedProvider.replying(
                Reply.failure(new OverloadedException("busy", ErrorDetails.NONE, Optional.empty())),
                Reply.text("second time lucky"));
        FakeChain chain =
                FakeChain.of(HI, TestCallContext.builder().callId("c-9").build(), model);
        assertThat(chain.run(RETRY_ONCE).toResponse().text()).isEqualTo("second time lucky");
        assertThat(chain.proceeded()).hasSize(2);
        assertThatThrownBy(chain::proceededOnce)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 times");
        assertThat(chain.call().callId()).isEqualTo("c-9");

        ScriptedProvider down = ScriptedProvider.replying(
                Reply.failure(() -> new OverloadedException("busy", ErrorDetails.NONE, Optional.empty())));
        FakeChain failing = FakeChain.blocking(HI, down);
        assertThatThrownBy(() -> failing.run(RETRY_ONCE)).isInstanceOf(LlmException.class);
        assertThat(failing.proceeded()).hasSize(2);
    }

    @Test
    void aShortCircuitNeverProceeds() {
        ScriptedProvider model = ScriptedProvider.replying(Reply.text("never"));
        FakeChain chain = FakeChain.blocking(HI, model);
        chain.run(c -> ChatResponse.builder().text("cached").build());
        assertThat(chain.proceeded()).isEmpty();
        assertThat(model.calls()).isZero();
    }

    @Test
    void nullsAreRefusedAndNamed() {
        FakeChain chain = FakeChain.blocking(HI, ScriptedProvider.replying(Reply.text("x")));
        assertThatThrownBy(() -> chain.run(c -> null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("returned null");
        assertThatThrownBy(() -> chain.proceed(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null request");
        FakeChain toNull = FakeChain.blocking(HI, (request, call) -> null);
        assertThatThrownBy(() -> toNull.proceed(HI))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null response");
    }
}
