package dev.llmgate.examples;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.catalog.ModelCatalog;
import dev.llmgate.core.catalog.ModelInfo;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.ResponseCheck;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.testing.LocalModelServer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * "Cheap model first, frontier model when the cheap answer is not good enough": a route whose first
 * deployment is a small model and whose second is a frontier model, with a {@link ResponseCheck}
 * that sends the request on when the cheap answer fails validation, and a context window that keeps
 * long documents away from the small model. Prints every attempt and the call's cost.
 *
 * <p>Runs without an API key against two simulated local models (answers are canned and labelled
 * as simulated; prices are made up for the demo); with {@code OPENAI_API_KEY} set it uses
 * gpt-4o-mini and gpt-4o.
 *
 * <pre>mvn -B -q -Pdemo -Ddemo.main=dev.llmgate.examples.CheapFirstFallback -pl examples -am package -DskipTests</pre>
 */
public final class CheapFirstFallback {
    private static final Pattern CONFIDENCE = Pattern.compile("\"confidence\"\\s*:\\s*(0(\\.\\d+)?|1(\\.0+)?)");

    /** Accepts a JSON answer that reports a confidence of at least 0.7 (a user-supplied validator). */
    static boolean confidentJson(ChatResponse r) {
        var m = CONFIDENCE.matcher(r.text());
        return m.find() && Double.parseDouble(m.group(1)) >= 0.7;
    }

    public static void main(String[] args) {
        boolean real = System.getenv("OPENAI_API_KEY") != null
                && !System.getenv("OPENAI_API_KEY").isBlank();
        LocalModelServer cheapServer = real ? null : LocalModelServer.start("", 200); // a small model: 200-token window
        LocalModelServer frontierServer = real ? null : LocalModelServer.start("", 100_000);
        try {
            LlmGate.Builder gateBuilder = LlmGate.builder();
            Deployment cheap;
            Deployment frontier;
            ModelCatalog catalog = ModelCatalog.defaults();
            if (real) {
                gateBuilder.provider("openai", OpenAiProvider.fromEnv());
                cheap = Deployment.builder("openai", "gpt-4o-mini").build();
                frontier = Deployment.builder("openai", "gpt-4o").build();
            } else {
                gateBuilder
                        .provider("cheap", DemoBackend.localProvider(cheapServer, "cheap"))
                        .provider("frontier", DemoBackend.localProvider(frontierServer, "frontier"));
                cheap = Deployment.builder("cheap", "sim-mini")
                        .catalogProvider("local")
                        .contextWindow(200)
                        .build();
                frontier = Deployment.builder("frontier", "sim-large")
                        .catalogProvider("local")
                        .contextWindow(100_000)
                        .build();
                // made-up prices, so that the simulated models have a cost to show
                catalog = catalog.with(
                        ModelInfo.builder("local", "sim-mini")
                                .inputUsdPerMillion("0.15")
                                .outputUsdPerMillion("0.60")
                                .build(),
                        ModelInfo.builder("local", "sim-large")
                                .inputUsdPerMillion("2.50")
                                .outputUsdPerMillion("10")
                                .build());
            }
            Router router = Router.builder()
                    .catalog(catalog)
                    .route(Route.builder("answer")
                            .deployment(cheap)
                            .deployment(frontier)
                            .responseCheck(ResponseCheck.nonEmpty().and(ResponseCheck.finishedNormally()))
                            .build())
                    .route(Route.builder("structured")
                            .deployment(cheap)
                            .deployment(frontier)
                            .responseCheck(ResponseCheck.of("low_confidence", CheapFirstFallback::confidentJson))
                            .build())
                    .build();
            AtomicReference<CallContext> lastCall = new AtomicReference<>();
            try (LlmGate gate = gateBuilder
                    .addInterceptor(chain -> {
                        lastCall.set(chain.call());
                        return chain.proceed(chain.request());
                    })
                    .addInterceptor(router)
                    .build()) {
                System.out.println("cheap model first, frontier model when the cheap answer is not good enough"
                        + (real ? " (OpenAI)" : " (SIMULATED local models: canned answers, made-up prices)"));

                run(
                        gate,
                        lastCall,
                        "1. an easy question: the cheap answer passes the check",
                        ChatRequest.builder("answer")
                                .user("What is an AI gateway, in one sentence?")
                                .maxOutputTokens(120)
                                .build());

                run(
                        gate,
                        lastCall,
                        "2. a JSON answer must report confidence >= 0.7: the cheap answer is rejected (the last deployment's answer is returned as it is)",
                        ChatRequest.builder("structured")
                                .user(
                                        "Classify this ticket as bug/feature/question and answer as JSON with fields label and confidence.")
                                .responseFormat(ResponseFormat.jsonObject())
                                .maxOutputTokens(120)
                                .build());

                run(
                        gate,
                        lastCall,
                        "3. a long document: it does not fit the cheap model's window, so only the frontier model is asked",
                        ChatRequest.builder("answer")
                                .user("Summarize: " + "All work and no play. ".repeat(60))
                                .maxOutputTokens(120)
                                .build());

                System.out.println("\ndeployment health:");
                router.health()
                        .forEach(h -> System.out.println("  " + h.deployment() + " " + h.state()
                                + h.latency()
                                        .map(l -> ", latency ~" + l.toMillis() + " ms")
                                        .orElse("")));
            }
        } finally {
            if (cheapServer != null) {
                cheapServer.close();
            }
            if (frontierServer != null) {
                frontierServer.close();
            }
        }
    }

    private static void run(LlmGate gate, AtomicReference<CallContext> lastCall, String title, ChatRequest request) {
        System.out.println("\n" + title);
        ChatResponse answer = gate.chat(request);
        String text = answer.text().replace('\n', ' ');
        System.out.println("  answer from " + answer.provider() + ":" + answer.model() + ": "
                + (text.length() > 100 ? text.substring(0, 100) + "..." : text));
        for (AttemptRecord a : lastCall.get().list(CallFacts.ATTEMPTS)) {
            System.out.println("  attempt " + a.provider() + ":" + a.model() + "  reason=" + a.reason() + "  outcome="
                    + a.outcome() + "  tokens=" + a.usage().inputTokens() + "/"
                    + a.usage().outputTokens());
        }
        System.out.println("  cost: "
                + lastCall.get()
                        .get(CallFacts.COST_USD)
                        .map(c -> "$" + c.toPlainString())
                        .orElse("unknown"));
    }
}
