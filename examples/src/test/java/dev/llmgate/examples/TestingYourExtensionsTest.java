package dev.llmgate.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Message;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.Detector;
import dev.llmgate.policy.redact.RedactionMode;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.testing.FakeChain;
import dev.llmgate.testing.Hold;
import dev.llmgate.testing.LocalModelServer;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import dev.llmgate.testing.TestCallContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The code of docs/testing-your-extensions.md, compiled and run by the build: every {@code java}
 * block of the page is an excerpt of this file ({@link #everyCodeBlockOfThePageIsInThisFile}).
 */
class TestingYourExtensionsTest {

    // ---- 1. An interceptor ---------------------------------------------------------------------

    /** Asks for plain answers, marks every answer as AI-generated, and records that it did. */
    static final class HouseStyle implements Interceptor {
        static final CallContext.Key<String> STYLE = CallContext.Key.of("house-style", String.class);

        @Override
        public ChatResult intercept(Chain chain) {
            chain.call().put(STYLE, "plain");
            List<Message> messages = new ArrayList<>();
            messages.add(Message.system("Answer plainly."));
            messages.addAll(chain.request().messages());
            return chain.proceed(chain.request().withMessages(messages)).transform((event, out) -> {
                if (event instanceof StreamEvent.Finish) {
                    out.accept(new StreamEvent.TextDelta(" [AI-generated]"));
                }
                out.accept(event);
            });
        }
    }

    @Test
    void theInterceptorRewritesTheRequestAndMarksTheAnswer() {
        ScriptedProvider model = ScriptedProvider.replying(Reply.text("Hello."));
        FakeChain chain = FakeChain.blocking(ChatRequest.of("m", "hi"), model);

        ChatResponse answer = chain.run(new HouseStyle()).toResponse();

        ChatRequest passedOn = chain.proceededOnce();
        assertThat(passedOn.messages().get(0).text()).isEqualTo("Answer plainly.");
        assertThat(passedOn.lastUserText()).isEqualTo("hi");
        assertThat(answer.text()).isEqualTo("Hello. [AI-generated]");
        assertThat(chain.call().get(HouseStyle.STYLE)).contains("plain");
    }

    @Test
    void theInterceptorMarksAStreamedAnswerBeforeItsFinish() {
        ScriptedProvider model = ScriptedProvider.replying(Reply.chunks("Hel", "lo."));
        FakeChain chain = FakeChain.streaming(ChatRequest.of("m", "hi"), model);

        List<String> deltas = new ArrayList<>();
        try (ChatStream stream = chain.run(new HouseStyle()).toStream()) {
            stream.forEachRemaining(e -> {
                if (e instanceof StreamEvent.TextDelta d) {
                    deltas.add(d.text());
                }
            });
        }
        assertThat(deltas).containsExactly("Hel", "lo.", " [AI-generated]");
        assertThat(model.streamsReleased()).isEqualTo(1);
    }

    @Test
    void theInterceptorLetsProviderErrorsThroughTyped() {
        OverloadedException busy = new OverloadedException("busy", ErrorDetails.of("p"), Optional.empty());
        FakeChain failing =
                FakeChain.blocking(ChatRequest.of("m", "hi"), ScriptedProvider.replying(Reply.failure(busy)));
        assertThatThrownBy(() -> failing.run(new HouseStyle())).isSameAs(busy);

        NetworkException reset = new NetworkException("connection reset", ErrorDetails.of("p"));
        ScriptedProvider cutShort =
                ScriptedProvider.replying(Reply.chunks("Hel", "lo.").failingAfter(1, reset));
        try (ChatStream stream = FakeChain.streaming(ChatRequest.of("m", "hi"), cutShort)
                .run(new HouseStyle())
                .toStream()) {
            assertThat(stream.next()).isEqualTo(new StreamEvent.TextDelta("Hel"));
            assertThatThrownBy(stream::hasNext).isSameAs(reset);
        }
    }

    @Test
    void theInterceptorInsideAGate() {
        MutableClock clock = new MutableClock();
        ScriptedProvider model =
                ScriptedProvider.replying(Reply.text("Hello.").withLatency(clock, Duration.ofMillis(300)));
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", model)
                .addInterceptor(new HouseStyle())
                .build()) {
            ChatResponse answer = gate.chat(ChatRequest.of("p:m", "hi"));

            assertThat(answer.text()).isEqualTo("Hello. [AI-generated]");
            assertThat(answer.provider()).isEqualTo("p");
            assertThat(answer.timings().total()).isEqualTo(Duration.ofMillis(300));
            assertThat(model.lastRequest().model())
                    .as("the gate passes the bare model name")
                    .isEqualTo("m");
        }
    }

    // ---- 2. A model provider -------------------------------------------------------------------

    /** An in-house completion service: stands in for any SDK a provider wraps. */
    interface CompletionService {
        Completion start(String model, String prompt);

        /** A completion in progress. */
        interface Completion {
            String await() throws TimeoutException;

            void abort();
        }
    }

    /** A provider over it: typed errors, and cancelling the call aborts the completion. */
    static final class InHouseProvider implements ModelProvider {
        private final CompletionService service;

        InHouseProvider(CompletionService service) {
            this.service = service;
        }

        @Override
        public ChatResponse chat(ChatRequest request, CallContext call) {
            CompletionService.Completion completion = service.start(request.model(), request.lastUserText());
            call.onCancel(completion::abort);
            try {
                return ChatResponse.builder()
                        .model(request.model())
                        .text(completion.await())
                        .build();
            } catch (TimeoutException e) {
                throw new RequestTimeoutException(
                        "the in-house service did not answer in time", ErrorDetails.of("in-house"));
            }
        }
    }

    /** A completion that answers {@code text} at once. */
    static CompletionService answering(String text) {
        return (model, prompt) -> new CompletionService.Completion() {
            @Override
            public String await() {
                return text;
            }

            @Override
            public void abort() {}
        };
    }

    @Test
    void theProviderAnswersACall() {
        ModelProvider provider = new InHouseProvider(answering("42"));

        ChatResponse answer =
                provider.chat(ChatRequest.of("deep-thought", "the question"), TestCallContext.blockingCall());

        assertThat(answer.text()).isEqualTo("42");
        assertThat(answer.model()).isEqualTo("deep-thought");
    }

    @Test
    void cancellingTheCallAbortsTheCompletion() {
        TestCallContext call = TestCallContext.blockingCall();
        AtomicBoolean aborted = new AtomicBoolean();
        CompletionService service = (model, prompt) -> new CompletionService.Completion() {
            @Override
            public String await() {
                call.cancel(); // the caller gives up while the completion runs
                return "too late";
            }

            @Override
            public void abort() {
                aborted.set(true);
            }
        };

        new InHouseProvider(service).chat(ChatRequest.of("m", "hi"), call);

        assertThat(aborted).isTrue();
    }

    @Test
    void aTimeoutIsTypedSoThatRoutingFallsOver() {
        CompletionService slow = (model, prompt) -> new CompletionService.Completion() {
            @Override
            public String await() throws TimeoutException {
                throw new TimeoutException("no answer in 30 s");
            }

            @Override
            public void abort() {}
        };
        ScriptedProvider backup = ScriptedProvider.replying(Reply.text("from the backup"));
        Router router = Router.builder()
                .noCircuitBreaker()
                .route(Route.builder("smart")
                        .deployment("in-house:m")
                        .deployment("backup:m")
                        .retry(RetryPolicy.NONE)
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("in-house", new InHouseProvider(slow))
                .provider("backup", backup)
                .addInterceptor(Stage.ROUTING, router)
                .build()) {
            ChatResponse answer = gate.chat(ChatRequest.of("smart", "hi"));

            assertThat(answer.provider()).isEqualTo("backup");
            assertThat(answer.text()).isEqualTo("from the backup");
        }
        assertThatThrownBy(
                        () -> new InHouseProvider(slow).chat(ChatRequest.of("m", "hi"), TestCallContext.blockingCall()))
                .isInstanceOf(RequestTimeoutException.class);
    }

    // ---- 3. A detector -------------------------------------------------------------------------

    /** Employee ids such as EMP-004217 (the detector of CustomPolicyExample). */
    static final Detector EMPLOYEE_IDS = new CustomPolicyExample.EmployeeIdDetector();

    @Test
    void theDetectorReportsSpansNotValues() {
        List<Finding> findings = new ArrayList<>();

        EMPLOYEE_IDS.detect("Refund EMP-004217 and EMP-000001, not EMP-12.", findings::add);

        assertThat(findings)
                .extracting(Finding::type, Finding::start, Finding::end)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("EMPLOYEE_ID", 7, 17),
                        org.assertj.core.groups.Tuple.tuple("EMPLOYEE_ID", 22, 32));
    }

    @Test
    void inAPolicyTheModelNeverSeesAnIdAndTheAnswerGetsItBack() {
        Policy policy = Policy.builder()
                .detector(EMPLOYEE_IDS)
                .rule(Rule.of("employee-ids", Verdict.CONSTRAIN, "EMPLOYEE_ID"))
                .redaction("EMPLOYEE_ID", RedactionMode.TOKENIZE)
                .build();
        // the model repeats the placeholder it was sent, split over two chunks
        ScriptedProvider model = ScriptedProvider.replying(Reply.chunks("Refunded [EMPLOY", "EE_ID_1]."));
        FakeChain chain = FakeChain.streaming(ChatRequest.of("m", "Refund EMP-004217"), model);

        ChatResponse answer = chain.run(policy.interceptor()).toStream().collect();

        assertThat(model.lastRequest().lastUserText()).isEqualTo("Refund [EMPLOYEE_ID_1]");
        assertThat(answer.text()).isEqualTo("Refunded EMP-004217.");
        assertThat(chain.call().list(CallFacts.POLICY))
                .extracting(PolicyRecord::ruleIds)
                .contains(List.of("employee-ids"));
    }

    // ---- 4. Concurrent calls, and the whole stack over HTTP ------------------------------------

    @Test
    void twoCallsInsideTheProviderAtOnce() throws Exception {
        Hold hold = new Hold();
        ScriptedProvider model = ScriptedProvider.replying(Reply.text("ok")).holdCalls(hold);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (LlmGate gate = LlmGate.builder().provider("p", model).build()) {
            Future<ChatResponse> a = threads.submit(() -> gate.chat(ChatRequest.of("p:m", "a")));
            Future<ChatResponse> b = threads.submit(() -> gate.chat(ChatRequest.of("p:m", "b")));
            hold.awaitArrivals(2); // both calls are in flight: check what your code does now
            assertThat(a).isNotDone();
            hold.release();
            assertThat(a.get(30, TimeUnit.SECONDS).text()).isEqualTo("ok");
            assertThat(b.get(30, TimeUnit.SECONDS).text()).isEqualTo("ok");
        } finally {
            hold.release();
            threads.shutdownNow();
        }
    }

    @Test
    void theWholeStackAgainstTheSimulatedModel() {
        try (LocalModelServer server = LocalModelServer.start()) {
            ModelProvider local = OpenAiCompatibleProvider.builder(server.baseUrl())
                    .name("local")
                    .build();
            try (LlmGate gate = LlmGate.builder()
                    .provider("local", local)
                    .addInterceptor(new HouseStyle())
                    .build()) {
                ChatResponse answer = gate.chat(ChatRequest.of("local:" + LocalModelServer.MODEL, "hi"));

                assertThat(answer.text()).startsWith("[simulated]").endsWith("[AI-generated]");
                assertThat(server.requestCount()).isEqualTo(1);
            }
        }
    }

    // ---- the page mirrors this file ------------------------------------------------------------

    @Test
    void everyCodeBlockOfThePageIsInThisFile() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String page = Files.readString(root.resolve("docs/testing-your-extensions.md"));
        String source = lines(Files.readString(
                root.resolve("examples/src/test/java/dev/llmgate/examples/TestingYourExtensionsTest.java")));
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(page);
        int blocks = 0;
        while (block.find()) {
            blocks++;
            assertThat(source)
                    .as("code block %d of docs/testing-your-extensions.md", blocks)
                    .contains(lines(block.group(1)));
        }
        assertThat(blocks).isGreaterThanOrEqualTo(6);
    }

    /** The non-blank lines of {@code code}, each stripped of its indentation. */
    private static String lines(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
