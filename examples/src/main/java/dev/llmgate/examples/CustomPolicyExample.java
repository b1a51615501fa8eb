package dev.llmgate.examples;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.Detector;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.policy.redact.RedactionMode;
import dev.llmgate.testing.LocalModelServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Custom policy, two ways, next to a built-in preset: (1) a custom {@link Detector} plugged into a
 * {@link Policy} (employee ids, tokenized before the model sees them and restored in the answer);
 * (2) a hand-written policy {@link Interceptor} at {@code Stage.POLICY} that blocks requests of
 * unknown tenants and records its decision for audit. Runs offline against the simulated local model.
 *
 * <pre>mvn -B -q -Pdemo -Ddemo.main=dev.llmgate.examples.CustomPolicyExample -pl examples -am package -DskipTests</pre>
 */
public final class CustomPolicyExample {

    /** (1) A custom detector: employee ids such as EMP-004217. Compile the pattern once; report spans, never values. */
    static final class EmployeeIdDetector implements Detector {
        private static final Pattern ID = Pattern.compile("\\bEMP-\\d{6}\\b");

        @Override
        public String id() {
            return "employee-id";
        }

        @Override
        public Set<String> types() {
            return Set.of("EMPLOYEE_ID");
        }

        @Override
        public void detect(CharSequence text, Consumer<Finding> sink) {
            Matcher m = ID.matcher(text);
            while (m.find()) {
                sink.accept(new Finding("EMPLOYEE_ID", m.start(), m.end(), 0.95, id()));
            }
        }
    }

    /** (2) A hand-written policy interceptor: only known tenants may call; every decision is recorded, without values. */
    static final class TenantAllowList implements Interceptor {
        private final Set<String> tenants;

        TenantAllowList(Set<String> tenants) {
            this.tenants = Set.copyOf(tenants);
        }

        @Override
        public ChatResult intercept(Chain chain) {
            String tenant = chain.request().metadata().tenant().orElse("");
            boolean allowed = tenants.contains(tenant);
            chain.call()
                    .append(
                            CallFacts.POLICY,
                            new PolicyRecord(
                                    "input", allowed ? "ALLOW" : "BLOCK", List.of("tenant-allow-list"), Map.of()));
            if (!allowed) {
                throw new PolicyBlockedException(
                        "tenant is not allowed to use this gate", List.of("tenant-allow-list"));
            }
            return chain.proceed(chain.request());
        }

        @Override
        public String toString() {
            return "TenantAllowList";
        }
    }

    public static void main(String[] args) {
        Policy policy = Policy.builder()
                .name("example")
                .preset(CompliancePreset.PCI_DSS) // PAN masked, CVV blocked, credentials blocked
                .detector(new EmployeeIdDetector())
                .rule(Rule.of("employee-ids", Verdict.CONSTRAIN, "EMPLOYEE_ID"))
                .redaction("EMPLOYEE_ID", RedactionMode.TOKENIZE) // placeholder for the model, restored for us
                .build();

        try (LocalModelServer server = LocalModelServer.start();
                LlmGate gate = LlmGate.builder()
                        .provider("local", DemoBackend.localProvider(server, "local"))
                        .addInterceptor(Stage.POLICY, new TenantAllowList(Set.of("acme")))
                        .addInterceptor(policy.interceptor()) // a built-in: placed at POLICY, after the allow-list
                        .addAttemptInterceptor(
                                chain -> { // what the model actually receives
                                    System.out.println("  [sent to model] "
                                            + chain.request().lastUserText());
                                    return chain.proceed(chain.request());
                                })
                        .addInterceptor(
                                chain -> { // show what the policy recorded
                                    ChatResult result = chain.proceed(chain.request());
                                    return result.whenComplete(
                                            r -> {
                                                for (PolicyRecord rec :
                                                        chain.call().list(CallFacts.POLICY)) {
                                                    System.out.println("  [audit] " + rec.stage() + " " + rec.verdict()
                                                            + " " + rec.ruleIds() + " " + rec.findings());
                                                }
                                            },
                                            e -> {});
                                })
                        .build()) {

            String model = "local:" + LocalModelServer.MODEL;
            System.out.println(
                    "== tokenized employee id, masked card (the simulated model quotes what it received) ==");
            ChatResponse answer = gate.chat(ChatRequest.builder(model)
                    .tenant("acme")
                    .user("Refund card 4111 1111 1111 1111 for EMP-004217, please.")
                    .build());
            System.out.println(answer.text());

            System.out.println("\n== streamed ==");
            StringBuilder streamed = new StringBuilder();
            gate.stream(
                    ChatRequest.builder(model)
                            .tenant("acme")
                            .user("Status of EMP-004217?")
                            .build(),
                    e -> {
                        if (e instanceof StreamEvent.TextDelta d) {
                            streamed.append(d.text());
                        }
                    });
            System.out.println(streamed);

            System.out.println("\n== blocked: CVV ==");
            try {
                gate.chat(ChatRequest.builder(model)
                        .tenant("acme")
                        .user("card 4111111111111111 CVV: 123")
                        .build());
            } catch (PolicyBlockedException e) {
                System.out.println("blocked: " + e.getMessage());
            }

            System.out.println("\n== blocked: unknown tenant ==");
            try {
                gate.chat(ChatRequest.builder(model)
                        .tenant("globex")
                        .user("hello")
                        .build());
            } catch (PolicyBlockedException e) {
                System.out.println("blocked: " + e.getMessage() + " " + e.ruleIds());
            }
        }
    }
}
