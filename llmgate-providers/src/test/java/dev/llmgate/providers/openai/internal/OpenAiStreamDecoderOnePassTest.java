package dev.llmgate.providers.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.testing.Fixtures;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/**
 * The decoder's one-pass reading of plain chunks gives exactly what reading every chunk as a tree
 * gives: the same events, the same final Finish, the same exceptions, on generated chunks of every
 * shape (plain text, refusals, finish reasons, tool calls, usage, errors, unexpected types,
 * repeated and unknown members, several choices, invalid JSON).
 */
class OpenAiStreamDecoderOnePassTest {
    private static final CallContext CALL = Fixtures.streaming();

    private static final String[] IDS = {"\"chatcmpl-abc\"", "\"\"", "null", "42", "{\"x\":1}"};
    private static final String[] MODELS = {"\"gpt-4o-mini-2024-07-18\"", "null", "\"\"", "true"};
    private static final String[] CONTENTS = {
        "\"Hello\"",
        "\" world\"",
        "\"\"",
        "null",
        "7",
        "\"caf\\u00e9 \\\"q\\\" \\n\"",
        "\"\\ud83d\\ude00\"",
        "[\"a\"]",
        "{\"a\":1}",
        "\"\\u00E9\\/\\b\\f\\r\\t\"",
        "\"\\ud800 lone\"",
        "\"\u00e9\u4e2d raw\"",
        "\"a\\u0041\\\\\""
    };
    private static final String[] REFUSALS = {"\"I can't\"", "null", "\"\"", "1"};
    private static final String[] TOOL_CALLS = {
        "null",
        "[]",
        "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]",
        "[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\"}}]",
        "{}"
    };
    private static final String[] FINISH = {
        "null", "\"stop\"", "\"length\"", "\"tool_calls\"", "\"content_filter\"", "3", "\"\""
    };
    private static final String[] USAGE = {
        "null", "{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}", "5"
    };
    private static final String[] EXTRA = {
        "\"object\":\"chat.completion.chunk\"",
        "\"created\":1694268190",
        "\"system_fingerprint\":\"fp_44709d6fcb\"",
        "\"service_tier\":\"default\"",
        "\"logprobs\":null",
        "\"n\":-0",
        "\"x\":1.5e-3",
        "\"y\":[true,false,null,{},[]]",
        "\"z\":\"\\\"}\"",
        "\"obfuscation\":\"aBc\"",
        "\"nested\":{\"a\":[1,{\"b\":null}]}",
        // names with escapes: one of the head's own members, a vendor's member, one the reader takes
        "\"obj\\u0065ct\":\"chat.completion.chunk\"",
        "\"cit\\u0061tions\":[\"https://a.example/1\"]",
        "\"\\u0063hoices\":[]",
        "\"provider\":\"Vendor\""
    };

    private static String pick(Random r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String delta(Random r) {
        List<String> m = new ArrayList<>();
        if (r.nextInt(3) == 0) {
            m.add("\"role\":\"assistant\"");
        }
        if (r.nextInt(5) != 0) {
            m.add("\"content\":" + pick(r, CONTENTS));
        }
        if (r.nextInt(6) == 0) {
            m.add("\"refusal\":" + pick(r, REFUSALS));
        }
        if (r.nextInt(6) == 0) {
            m.add("\"tool_calls\":" + pick(r, TOOL_CALLS));
        }
        if (r.nextInt(20) == 0 && !m.isEmpty()) {
            m.add(m.get(r.nextInt(m.size()))); // a repeated member
        }
        Collections.shuffle(m, r);
        return "{" + String.join(",", m) + "}";
    }

    private static String choice(Random r) {
        List<String> m = new ArrayList<>();
        m.add("\"index\":0");
        int d = r.nextInt(10);
        m.add(d == 0 ? "\"delta\":null" : d == 1 ? "\"delta\":\"x\"" : "\"delta\":" + delta(r));
        if (r.nextInt(3) != 0) {
            m.add("\"finish_reason\":" + pick(r, FINISH));
        }
        if (r.nextInt(4) == 0) {
            m.add("\"logprobs\":null");
        }
        if (r.nextInt(25) == 0) {
            m.add(m.get(r.nextInt(m.size())));
        }
        Collections.shuffle(m, r);
        return "{" + String.join(",", m) + "}";
    }

    private static String chunk(Random r) {
        if (r.nextInt(60) == 0) {
            return pick(r, new String[] {
                "not json", "[1,2]", "\"text\"", "{\"id\":\"x\"", "{} {}", "{\"id\":\"a\"} x", "null"
            });
        }
        List<String> m = new ArrayList<>();
        if (r.nextInt(8) != 0) {
            m.add("\"id\":" + pick(r, IDS));
        }
        if (r.nextInt(8) != 0) {
            m.add("\"model\":" + pick(r, MODELS));
        }
        int c = r.nextInt(12);
        if (c == 0) {
            m.add("\"choices\":[]");
        } else if (c == 1) {
            m.add("\"choices\":null");
        } else if (c == 2) {
            m.add("\"choices\":[" + choice(r) + "," + choice(r) + "]");
        } else if (c == 3) {
            m.add("\"choices\":[1]");
        } else if (c == 4) {
            m.add("\"choices\":{}");
        } else if (c != 5) {
            m.add("\"choices\":[" + choice(r) + "]");
        }
        if (r.nextInt(6) == 0) {
            m.add("\"usage\":" + pick(r, USAGE));
        }
        if (r.nextInt(40) == 0) {
            m.add(
                    "\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}");
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            m.add(pick(r, EXTRA));
        }
        if (r.nextInt(30) == 0 && !m.isEmpty()) {
            m.add(m.get(r.nextInt(m.size())));
        }
        Collections.shuffle(m, r);
        String sep = r.nextInt(5) == 0 ? ", " : r.nextInt(10) == 0 ? "\n,\t" : ",";
        String chunk = (r.nextInt(5) == 0 ? " {" : "{") + String.join(sep, m) + "}";
        return r.nextInt(3) == 0 ? mutate(chunk, r) : chunk;
    }

    private static final String[] EDITS = {
        " ", "\t", "\n", "\"", "\\", "\\u", "\\u00e9", "\\x", ",", ":", "{", "}", "[", "]", "0", "01", "-", "-0", "1e5",
        "1.", ".5", "1E+2", "e", "null", "nul", "true", "x", "\u00e9", "\u0001", "\uD83D", "\uFF10", "//", "'", "NaN"
    };

    /** One to three random edits: an insertion, a deletion or a replacement of a few characters. */
    private static String mutate(String chunk, Random r) {
        StringBuilder sb = new StringBuilder(chunk);
        for (int k = 1 + r.nextInt(3); k > 0 && sb.length() > 0; k--) {
            int at = r.nextInt(sb.length());
            switch (r.nextInt(3)) {
                case 0 -> sb.insert(at, pick(r, EDITS));
                case 1 -> sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(3)));
                default -> sb.replace(at, Math.min(sb.length(), at + 1), pick(r, EDITS));
            }
        }
        return sb.toString();
    }

    private static List<String> run(List<String> chunks, boolean onePass) {
        return run(chunks, onePass, false);
    }

    /** The events, and with {@code members} the members of later chunks reported for a wrapped client, in order. */
    private static List<String> run(List<String> chunks, boolean onePass, boolean members) {
        List<String> seen = new ArrayList<>();
        OpenAiStreamDecoder d = new OpenAiStreamDecoder(
                new ProviderErrors("openai", ""),
                Headers.of(),
                CALL,
                onePass,
                members ? (name, value) -> seen.add("member " + name + "=" + value) : null);
        for (String data : chunks) {
            try {
                d.decode("", data, (StreamEvent e) -> seen.add(render(e)));
            } catch (RuntimeException e) {
                seen.add(e.getClass().getName() + ": " + e.getMessage());
                return seen;
            }
        }
        return seen;
    }

    /** Every component of an event (its toString hides the text). */
    private static String render(Object record) {
        if (record instanceof StreamEvent.Finish f) {
            return "Finish(reason=" + f.reason() + ";responseId=" + f.responseId() + ";provider=" + f.provider()
                    + ";model=" + f.model() + ";refusal=" + f.refusal() + ";timings=" + render(f.timings())
                    + ";costUsd=" + f.costUsd() + ";)";
        }
        StringBuilder sb = new StringBuilder(record.getClass().getSimpleName()).append('(');
        try {
            for (RecordComponent c : record.getClass().getRecordComponents()) {
                Object v = c.getAccessor().invoke(record);
                sb.append(c.getName())
                        .append('=')
                        .append(v != null && v.getClass().isRecord() ? render(v) : String.valueOf(v))
                        .append(';');
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return sb.append(')').toString();
    }

    @Test
    void onePassAndTreeReadingAgreeOnEveryGeneratedStream() {
        Random r = new Random(2026);
        int plain = 0;
        for (int round = 0; round < 60_000; round++) {
            List<String> chunks = new ArrayList<>();
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                chunks.add(chunk(r));
            }
            chunks.add("[DONE]");
            assertThat(run(chunks, true)).as("%s", chunks).isEqualTo(run(chunks, false));
            if (!chunks.get(0).contains("tool_calls\":[{") && !chunks.get(0).contains("usage\":{")) {
                plain++;
            }
        }
        assertThat(plain).isGreaterThan(20_000);
    }

    @Test
    void withAWrappedClientsMemberSinkOnePassAndTreeReportTheSameLaterMembers() {
        // a chunk with a member llmgate does not know is left to the tree, which reports it: one pass never skips one
        Random r = new Random(2027);
        int reported = 0;
        for (int round = 0; round < 30_000; round++) {
            List<String> chunks = new ArrayList<>();
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                chunks.add(chunk(r));
            }
            chunks.add("[DONE]");
            List<String> onePass = run(chunks, true, true);
            assertThat(onePass).as("%s", chunks).isEqualTo(run(chunks, false, true));
            reported +=
                    (int) onePass.stream().filter(e -> e.startsWith("member ")).count();
        }
        assertThat(reported).isGreaterThan(1_000);
    }

    @Test
    void laterMembersAreReportedOnlyWhenTheirValueChanges() {
        String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",";
        String tail = "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}";
        List<String> chunks = List.of(
                head + "\"citations\":[\"a\"],\"provider\":\"V\",\"obfuscation\":\"p1\"," + tail,
                head + "\"provider\":\"V\",\"citations\":[\"a\"],\"obfuscation\":\"p2\"," + tail,
                head + "\"citations\":[\"a\",\"b\"],\"search_results\":{\"n\":1}," + tail,
                head + "\"citations\":[\"a\",\"b\"]," + tail,
                "[DONE]");
        List<String> members = run(chunks, true, true).stream()
                .filter(e -> e.startsWith("member "))
                .toList();
        // the first chunk's members are read from the chunk itself; padding is per chunk, never passed on
        assertThat(members).containsExactly("member citations=[\"a\",\"b\"]", "member search_results={\"n\":1}");
    }

    @Test
    void aRecordedStreamDecodesTheSameEitherWay() {
        List<String> chunks = List.of(
                "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\","
                        + "\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                        + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\","
                        + "\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,"
                        + "\"finish_reason\":null}],\"usage\":null}",
                "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\","
                        + "\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                        + "\"finish_reason\":\"stop\"}],\"usage\":null}",
                "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\","
                        + "\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,"
                        + "\"total_tokens\":10}}",
                "[DONE]");
        List<String> onePass = run(chunks, true);
        assertThat(onePass).isEqualTo(run(chunks, false));
        assertThat(onePass).hasSize(3);
        assertThat(onePass.get(0)).contains("Hello");
        assertThat(onePass.get(2)).contains("STOP").contains("chatcmpl-123").contains("gpt-4o-mini");
    }
}
