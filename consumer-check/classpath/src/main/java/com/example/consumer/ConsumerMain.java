package com.example.consumer;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.models.models.ModelListPage;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.testing.LocalModelServer;
import dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an application does first, against the embedded simulated model (no key, no network): a gate
 * with a policy, a call through it, the openai-java SDK routed through the same gate, and an
 * anthropic-java client making a request, all on the one OkHttp the classpath holds; every gate call is
 * recorded in a signed audit log under the directory given as the first argument ({@code log/}, and the
 * public key in {@code audit-key.pub}) for the published verifier jar to check. Exits non-zero if
 * anything is off.
 */
public final class ConsumerMain {

    public static void main(String[] args) throws IOException {
        Path auditDir = Path.of(args[0]);
        AuditSigningKey key = AuditSigningKey.generate();
        Files.createDirectories(auditDir);
        Files.writeString(auditDir.resolve("audit-key.pub"), key.publicKeyHex());

        // Closed in reverse order: the gate first (no call still recording), then the log (final checkpoint).
        try (LocalModelServer server = LocalModelServer.start();
             AuditLog audit = AuditLog.builder(JsonLinesFileSink.builder(auditDir.resolve("log")).build(), key).build();
             LlmGate gate = LlmGate.builder()
                     .provider("local", OpenAiCompatibleProvider.builder(server.baseUrl()).name("local").build())
                     .alias("fast", "local:" + LocalModelServer.MODEL)
                     .addInterceptor(Stage.POLICY, Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                     .addInterceptor(Stage.AUDIT, audit.interceptor())
                     .build()) {

            // The simulated model quotes the prompt: the address must have been masked before it left.
            ChatResponse answer = gate.chat(ChatRequest.of("fast", "Please e-mail the results to ann.lee@example.org"));
            check(!answer.text().isBlank(), "the gate returned an empty answer");
            check(!answer.text().contains("ann.lee@example.org"), "the e-mail address reached the model: " + answer.text());
            System.out.println("llmgate:        " + answer.provider() + ":" + answer.model() + " -> " + answer.text());

            // openai-java (compiled against OkHttp 4) sends its Chat Completions call through the gate.
            OpenAIClient openai = new OpenAIClientImpl(ClientOptions.builder()
                    .httpClient(LlmGateOpenAiHttpClient.wrap(gate, "local", com.openai.client.okhttp.OkHttpClient.builder().build()))
                    .baseUrl(server.baseUrl())
                    .apiKey("sk-consumer-check")
                    .maxRetries(0)
                    .build());
            try {
                ChatCompletion completion = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model(LocalModelServer.MODEL)
                        .addUserMessage("Hello from openai-java")
                        .build());
                String text = completion.choices().get(0).message().content().orElse("");
                check(text.contains("Hello from openai-java"), "openai-java got an unexpected answer: " + text);
                System.out.println("openai-java:    " + completion.model() + " -> " + text);
            } finally {
                openai.close();
            }

            // anthropic-java (also compiled against OkHttp 4) makes a real HTTP request on OkHttp 5. The simulated
            // model speaks OpenAI's format only, so the check is the status line, not the parsed body.
            AnthropicClient anthropic = AnthropicOkHttpClient.builder()
                    .baseUrl(server.baseUrl().replace("/v1", ""))
                    .apiKey("sk-ant-consumer-check")
                    .maxRetries(0)
                    .build();
            try (HttpResponseFor<ModelListPage> raw = anthropic.withRawResponse().models().list()) {
                check(raw.statusCode() == 200, "anthropic-java got HTTP " + raw.statusCode());
                System.out.println("anthropic-java: GET /v1/models -> HTTP " + raw.statusCode());
            } finally {
                anthropic.close();
            }
            // Counts chat calls: the gate's and the SDK's, each sent once.
            check(server.requestCount() == 2, "the simulated model got " + server.requestCount() + " chat calls, expected 2");
        }
        System.out.println("consumer check: passed");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            System.out.println("consumer check: FAILED: " + message);
            System.exit(1);
        }
    }
}
