package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.langchain4j.GateChatModel;
import dev.llmgate.langchain4j.GateStreamingChatModel;
import dev.llmgate.langchain4j.LangChain4jProvider;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** LangChain4j on a gate, and an existing LangChain4j model behind one, against the real llama-server. */
class LangChain4jIT {

    interface Assistant {
        String chat(String message);

        TokenStream stream(String message);
    }

    static LlmGate gate() {
        return LlmGate.builder()
                .provider(
                        "llama",
                        OpenAiCompatibleProvider.builder(LlamaServer.URL + "/v1")
                                .name("llama")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .build())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .build();
    }

    @Test
    void aiServicesOnAGateBlockingAndStreamed() throws Exception {
        try (LlmGate gate = gate()) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(GateChatModel.builder(gate)
                            .model("llama:" + LlamaServer.MODEL)
                            .build())
                    .streamingChatModel(GateStreamingChatModel.of(gate, "llama:" + LlamaServer.MODEL))
                    .build();
            assertThat(assistant.chat("Hello")).isEqualTo(LlamaServer.REPLY);
            StringBuilder text = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            assistant.stream("Hello")
                    .onPartialResponse(text::append)
                    .onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally)
                    .start();
            ChatResponse r = done.get(60, TimeUnit.SECONDS);
            assertThat(text.toString())
                    .isEqualTo(LlamaServer.REPLY)
                    .isEqualTo(r.aiMessage().text());
            assertThat(r.tokenUsage().outputTokenCount()).isPositive();
        }
    }

    @Test
    void anExistingLangChain4jModelBehindAGate() {
        OpenAiChatModel existing = OpenAiChatModel.builder()
                .baseUrl(LlamaServer.URL + "/v1")
                .apiKey(LlamaServer.KEY)
                .modelName(LlamaServer.MODEL)
                .temperature(0.0)
                .maxRetries(0)
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("lc4j", LangChain4jProvider.of("lc4j", existing))
                .addInterceptor(Router.builder()
                        .route(Route.builder("assistant")
                                .deployment("lc4j:default")
                                .build())
                        .build())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .build()) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(GateChatModel.builder(gate).model("assistant").build())
                    .build();
            assertThat(assistant.chat("Hello")).isEqualTo(LlamaServer.REPLY);
        }
    }
}
