package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Timings;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.audit.internal.CallRecords;
import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.Digests;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of one call record built from a request, a response and two attempts: the audit
 * format (docs/audit-format.md) does not depend on how the API's value types are implemented, so a
 * change of their shape (records to classes with builders) leaves every record byte-identical.
 */
class CallRecordPinTest {

    @Test
    void aCallRecordIsByteIdenticalAcrossApiTypeChanges() {
        ChatRequest request = ChatRequest.builder("smart")
                .system("be brief")
                .user("what is 6 x 7?")
                .temperature(0.2)
                .maxOutputTokens(50)
                .tenant("acme")
                .endUser("u-1")
                .build();
        ChatResponse response = ChatResponse.builder()
                .id("resp-1")
                .provider("oai")
                .model("gpt-4o-mini-2024-07-18")
                .text("42")
                .toolCalls(List.of(new ToolCall("c1", "calc", "{\"a\":6,\"b\":7}")))
                .finishReason(FinishReason.TOOL_CALLS)
                .usage(new Usage(120, 8, 100, 0, 0))
                .timings(new Timings(Duration.ofMillis(321), Optional.of(Duration.ofMillis(45))))
                .costUsd(Optional.of(new BigDecimal("0.0000228")))
                .build();
        AttemptRecord failed =
                attempt("oai", "gpt-4o", "RateLimitedException", 12, Optional.empty(), Usage.ZERO, "primary", false);
        AttemptRecord ok = attempt(
                "oai",
                "gpt-4o-mini",
                "success",
                321,
                Optional.of(Duration.ofMillis(45)),
                new Usage(120, 8, 100, 0, 0),
                "fallback:rate_limited",
                true);
        CallRecords.Facts facts = new CallRecords.Facts(
                "call-1",
                true,
                1_700_000_000_000L,
                1_700_000_000_400L,
                Optional.of("smart"),
                false,
                List.of(failed, ok),
                List.of(new PolicyRecord("request", "redacted", List.of("pii.email"), Map.of("EMAIL", 1))),
                Optional.of(new BigDecimal("0.0000228")),
                Optional.of(request),
                Optional.empty(),
                false,
                Optional.empty(),
                false);
        String json = CanonicalJson.write(CallRecords.build(
                "gate-1",
                new Digests(null),
                true,
                facts,
                request,
                CallRecords.Outcome.SUCCESS,
                response,
                null,
                null,
                null));
        assertThat(json).isEqualTo(PINNED);
    }

    static AttemptRecord attempt(
            String provider,
            String model,
            String outcome,
            long latencyMs,
            Optional<Duration> ttft,
            Usage usage,
            String reason,
            boolean estimated) {
        return AttemptRecord.builder(provider, model)
                .outcome(outcome)
                .latency(Duration.ofMillis(latencyMs))
                .timeToFirstToken(ttft)
                .usage(usage)
                .reason(reason)
                .usageEstimated(estimated)
                .build();
    }

    static final String PINNED = """
            {"attempts":[{"latency_ms":12,"model":"gpt-4o","outcome":"RateLimitedException","provider":"oai","reason":"primary","usage":{"cache_write":0,"cached_input":0,"input":0,"output":0,"reasoning":0}},{"latency_ms":321,"model":"gpt-4o-mini","outcome":"success","provider":"oai","reason":"fallback:rate_limited","ttft_ms":45,"usage":{"cache_write":0,"cached_input":100,"input":120,"output":8,"reasoning":0},"usage_estimated":true}],"cache_hit":false,"call_id":"call-1","cost_usd":"0.0000228","duration_ms":400,"finish_reason":"tool_calls","gate":"gate-1","mode":"stream","outcome":"success","policy":[{"findings":{"EMAIL":1},"rules":["pii.email"],"stage":"request","verdict":"redacted"}],"request_content":[{"role":"system","text":"be brief"},{"role":"user","text":"what is 6 x 7?"}],"request_digest":"sha256:ac6440e05da23660fce7110c0527ac5bdd407cb292a0382fff141feb92b1c44d","requested_model":"smart","response_content":"42","response_digest":"sha256:4ffc45f0f980ddfb05ed507e0b23c000c9af4cc9bff69989e52fa3db1b9d96df","started":"2023-11-14T22:13:20.000Z","tenant":"acme","usage":{"cache_write":0,"cached_input":100,"input":120,"output":8,"reasoning":0},"user":"u-1"}""";
}
