package dev.llmgate.examples;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.LlmGate;
import java.util.regex.Pattern;

/**
 * Runs an LLM call the application already has (here a stand-in for any SDK) through a gate's
 * chain, so that an interceptor (here a toy e-mail redactor) applies to it unchanged.
 *
 * <pre>mvn -B -q -Pdemo -Ddemo.main=dev.llmgate.examples.WrapExistingCall -pl examples -am package -DskipTests</pre>
 */
public final class WrapExistingCall {

    /** Stands in for an SDK client the application already uses. */
    static final class ExistingSdk {
        String complete(String model, String prompt) {
            return "(" + model + ") I received: " + prompt;
        }
    }

    /** A deliberately simple redactor; llmgate-policy provides real detectors. */
    static final class RedactEmails implements Interceptor {
        private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]+");

        @Override
        public ChatResult intercept(Chain chain) {
            ChatRequest r = chain.request();
            ChatRequest redacted = r.withMessages(r.messages().stream()
                    .map(m -> m.mapText(t -> EMAIL.matcher(t).replaceAll("[EMAIL]")))
                    .toList());
            return chain.proceed(redacted);
        }

        @Override
        public String toString() {
            return "RedactEmails";
        }
    }

    public static void main(String[] args) {
        ExistingSdk sdk = new ExistingSdk();
        try (LlmGate gate = LlmGate.builder().addInterceptor(new RedactEmails()).build()) {
            ChatRequest request = ChatRequest.of("my-sdk:gpt-4o-mini", "Please email jane.doe@example.com the report.");
            ChatResponse answer = gate.wrap(
                    request,
                    (req, call) -> ChatResponse.builder()
                            .text(sdk.complete(req.model(), req.lastUserText()))
                            .usage(Usage.of(12, 9))
                            .build());
            System.out.println("Chain: " + gate.describeChain());
            System.out.println("Answer from " + answer.provider() + ": " + answer.text());
        }
    }
}
