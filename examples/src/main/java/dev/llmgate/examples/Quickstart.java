package dev.llmgate.examples;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.LlmGate;

/**
 * The five-minute tour: build a gate, send a chat request, stream one, and show the chain the
 * calls passed. Runs with no API key (against the simulated local model), or against OpenAI or
 * Anthropic when {@code OPENAI_API_KEY} or {@code ANTHROPIC_API_KEY} is set.
 *
 * <pre>mvn -B -q -Pdemo -pl examples -am package -DskipTests</pre>
 */
public final class Quickstart {

    /** An application interceptor: sees every call once, before the built-in stages. */
    static final class ConsoleLog implements Interceptor {
        @Override
        public ChatResult intercept(Chain chain) {
            System.out.println("  [log] " + chain.call().callId() + " -> " + chain.request().model()
                    + (chain.call().streaming() ? " (stream)" : ""));
            return chain.proceed(chain.request());
        }

        @Override
        public String toString() {
            return "ConsoleLog (prints each call)";
        }
    }

    public static void main(String[] args) {
        try (DemoBackend backend = DemoBackend.detect();
             LlmGate gate = LlmGate.builder()
                     .provider(backend.providerName, backend.provider)
                     .alias("demo", backend.providerName + ":" + backend.model)
                     .addInterceptor(new ConsoleLog())
                     .build()) {

            System.out.println("llmgate quickstart");
            System.out.println("Provider: " + backend.describe());
            System.out.println("Chain (in call order):");
            int i = 1;
            for (String stage : gate.describeChain()) {
                System.out.println("  " + i++ + ". " + stage);
            }

            System.out.println("\n== chat ==");
            ChatResponse answer = gate.chat(ChatRequest.builder("demo")
                    .system("You are a concise assistant.")
                    .user("In one sentence: what does an AI gateway do?")
                    .maxOutputTokens(120)
                    .build());
            System.out.println(answer.text());
            System.out.println("  (" + answer.provider() + ":" + answer.model() + ", " + answer.usage().inputTokens() + " in / "
                    + answer.usage().outputTokens() + " out tokens, finish " + answer.finishReason() + ", "
                    + answer.timings().total().toMillis() + " ms)");

            System.out.println("\n== stream ==");
            ChatResponse streamed = gate.stream(ChatRequest.builder("demo")
                    .user("Name three things a gateway adds to LLM calls.")
                    .maxOutputTokens(120)
                    .build(), event -> {
                if (event instanceof StreamEvent.TextDelta d) {
                    System.out.print(d.text());
                    System.out.flush();
                }
            });
            System.out.println();
            System.out.println("  (" + streamed.usage().outputTokens() + " out tokens, finish " + streamed.finishReason()
                    + ", first token after " + streamed.timings().timeToFirstToken().map(d -> d.toMillis() + " ms").orElse("-") + ")");
            if (backend.simulated) {
                System.out.println("\nThese answers were SIMULATED. Set OPENAI_API_KEY or ANTHROPIC_API_KEY and run again to use a real model.");
            }
        }
    }
}
