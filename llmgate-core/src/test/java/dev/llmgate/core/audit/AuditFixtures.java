package dev.llmgate.core.audit;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.Ed25519;
import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.JsonReader;
import dev.llmgate.core.audit.internal.Merkle;
import dev.llmgate.core.audit.internal.Sha256;
import dev.llmgate.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared helpers of the audit tests. */
final class AuditFixtures {
    /** A fixed key, so that failures are reproducible. */
    static final AuditSigningKey KEY = AuditSigningKey.fromSeed(seed(1));

    static final AuditSigningKey OTHER_KEY = AuditSigningKey.fromSeed(seed(2));

    private AuditFixtures() {}

    static byte[] seed(int n) {
        byte[] s = new byte[32];
        for (int i = 0; i < 32; i++) {
            s[i] = (byte) (n * 31 + i);
        }
        return s;
    }

    /** An echo provider. */
    static ModelProvider echo() {
        return (request, call) -> ChatResponse.builder()
                .text("echo: " + request.lastUserText())
                .usage(Usage.of(10, 5))
                .build();
    }

    /** A log with a manual timer and a controlled clock. */
    static AuditLog.Builder log(AuditSink sink, AuditSigningKey key, MutableClock clock) {
        return AuditLog.builder(sink, key)
                .clock(clock)
                .scheduleCheckpoints(false)
                .checkpointEveryRecords(5)
                .checkpointInterval(Duration.ofSeconds(10))
                .retryBackoff(Duration.ZERO)
                .instanceId("test-gate");
    }

    static LlmGate gate(AuditLog audit, ModelProvider provider, MutableClock clock) {
        return LlmGate.builder()
                .provider("p", provider)
                .alias("fast", "p:m")
                .clock(clock)
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .build();
    }

    /** A closed log of {@code calls} calls, as lines; its control entries are copied to {@code checkpointCopy}. */
    static List<String> writeLog(AuditSigningKey key, int calls, InMemoryAuditSink checkpointCopy) {
        InMemoryAuditSink sink = new InMemoryAuditSink();
        MutableClock clock = new MutableClock();
        AuditSink target = checkpointCopy == null
                ? sink
                : FanOutAuditSink.builder()
                        .add(sink)
                        .addCheckpointCopy(checkpointCopy)
                        .build();
        AuditLog audit = log(target, key, clock).build();
        try (LlmGate gate = gate(audit, echo(), clock)) {
            for (int i = 0; i < calls; i++) {
                clock.advance(Duration.ofMillis(100));
                gate.chat(ChatRequest.builder("fast")
                        .user("question " + i)
                        .tenant("acme")
                        .build());
            }
        }
        audit.close();
        return sink.lines();
    }

    static AuditVerifier verifier(AuditSigningKey key) {
        return AuditVerifier.builder().trustKey(key.publicKeyHex()).build();
    }

    static Map<String, Object> parse(String line) {
        return JsonReader.parseObject(line);
    }

    static String write(Map<String, Object> obj) {
        return CanonicalJson.write(obj);
    }

    /**
     * Re-chains {@code lines} as someone holding {@code key} would (or, with a null key, as someone
     * without it: signatures are left as they were): sequence numbers, prev links, checkpoint
     * counts, roots and links recomputed; genesis, checkpoints and rotations re-signed.
     */
    static List<String> rechain(List<String> lines, AuditSigningKey key) {
        List<String> out = new ArrayList<>();
        Merkle.Frontier frontier = new Merkle.Frontier();
        String prev = "0".repeat(64);
        String lastCheckpoint = null;
        long calls = 0;
        long since = 0;
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> obj = parse(lines.get(i));
            Object oldSig = obj.remove("sig");
            obj.put("seq", (long) i);
            obj.put("prev", prev);
            String type = (String) obj.get("type");
            if (key != null && type.equals("genesis")) {
                obj.put("public_key", key.publicKeyHex());
                obj.put("key_id", key.keyId());
            }
            if (type.equals("call")) {
                calls++;
                since++;
            }
            if (type.equals("checkpoint")) {
                obj.put("tree_size", (long) i);
                obj.put("root", Hex.encode(frontier.root()));
                obj.put("prev_checkpoint", lastCheckpoint);
                obj.put("calls", calls);
                obj.put("calls_since", since);
                if (key != null) {
                    obj.put("key_id", key.keyId());
                }
                since = 0;
            }
            if (key != null && type.equals("call") && !obj.containsKey("log_id")) {
                throw new IllegalStateException("unexpected record");
            }
            byte[] canonical = CanonicalJson.utf8(obj);
            String hash = Hex.encode(Sha256.hash(canonical));
            if (type.equals("genesis") || type.equals("checkpoint")) {
                lastCheckpoint = hash;
            }
            if (!type.equals("call")) {
                obj.put("sig", key != null ? Hex.encode(sign(key, canonical)) : oldSig);
            }
            out.add(CanonicalJson.write(obj));
            frontier.append(Merkle.leafHash(Hex.decode(hash)));
            prev = hash;
        }
        return out;
    }

    static byte[] sign(AuditSigningKey key, byte[] message) {
        return Ed25519.sign(key.parameters(), message);
    }
}
