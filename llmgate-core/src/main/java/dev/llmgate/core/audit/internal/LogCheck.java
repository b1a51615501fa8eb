package dev.llmgate.core.audit.internal;

import dev.llmgate.core.audit.VerificationReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies one log, entry by entry, as docs/audit-format.md ("Verification") specifies: sequence,
 * chain, genesis, signatures, checkpoints (count, Merkle root, checkpoint chain), key rotations, the
 * external checkpoint copy, and the tail. Stops at the first failure. Not public API.
 */
public final class LogCheck {
    private static final String ZERO_HASH = "0".repeat(64);

    /** An entry of the external checkpoint copy. */
    @SuppressWarnings("ArrayRecordComponent") // read once by the verifier, never compared or hashed
    public record External(
            long seq, String hash, String logId, String keyId, byte[] canonical, String sig, String location) {}

    /**
     * What a check found, as {@link VerificationReport} (whose constructor takes this) shows it: see its accessors
     * for each value.
     */
    public record Summary(
            String logId,
            List<String> sources,
            long entries,
            long callRecords,
            Optional<Instant> firstTimestamp,
            Optional<Instant> lastTimestamp,
            long checkpoints,
            long lastCheckpointSeq,
            String lastCheckpointHash,
            boolean finalCheckpoint,
            List<String> keys,
            int externalMatched,
            Optional<VerificationReport.Failure> failure,
            Optional<String> tornTail,
            List<String> warnings) {}

    /**
     * What the auditor knows independently of the log, each optional: a checkpoint seen before
     * ({@code checkpointSeq} &ge; 0 with its hash), a number of call records the log must hold at least
     * ({@code minCallRecords} &ge; 0), and whether the log must end with a final checkpoint.
     */
    public record Expectations(long checkpointSeq, String checkpointHash, long minCallRecords, boolean requireFinal) {
        public static final Expectations NONE = new Expectations(-1, "", -1, false);
    }

    /**
     * Where a log that verified ends, for continuing its chain: the next seq, the last entry's hash,
     * the Merkle frontier over every entry, the last checkpoint's (or genesis') hash, the call
     * counts, the current key, whether the last entry is a final checkpoint (the log was closed), and
     * the genesis's declared settings.
     */
    @SuppressWarnings("ArrayRecordComponent") // read once by the verifier, never compared or hashed
    public record Tail(
            String logId,
            long nextSeq,
            byte[] lastHash,
            Merkle.Frontier frontier,
            byte[] lastCheckpointHash,
            long calls,
            long callsSinceCheckpoint,
            String currentKeyId,
            boolean closed,
            Map<String, Object> genesis) {}

    private final Set<String> trustedKeys;
    private final Map<String, Map<Long, External>> allExternal;
    private Map<Long, External> external = new LinkedHashMap<>();
    private final Optional<String> expectedLogId;
    private final Expectations expectations;
    /** Reopening a log: its own genesis key is trusted (the writer reads back what it wrote; auditors trust keys). */
    private final boolean trustGenesisKey;

    private final Map<String, Object> genesisSettings = new java.util.TreeMap<>();

    private long expectedSeq;
    private String prevHash = ZERO_HASH;
    private LogLine prevLine;
    private ParsedLines.Parsed nextLine;
    private final Merkle.Frontier frontier = new Merkle.Frontier();
    private final Map<String, byte[]> keys = new HashMap<>();
    private final List<String> keyHistory = new ArrayList<>();
    private String currentKeyId;
    private String logId = "";
    private boolean recordSignatures;
    private long intervalMs;
    private String lastCheckpointHash;
    private long lastCheckpointSeq = -1;
    private long checkpoints;
    private long callRecords;
    private long callsSince;
    private boolean finalSeen;
    private boolean expectedCheckpointSeen;
    private Instant first;
    private Instant last;
    private int externalMatched;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> sources;
    private VerificationReport.Failure failure;
    private String tornTail;
    private java.util.function.Consumer<LogEntry> onCallRecord = e -> {};

    public LogCheck(
            Set<String> trustedPublicKeysHex,
            Map<String, Map<Long, External>> external,
            Optional<String> expectedLogId,
            List<String> sources) {
        this(trustedPublicKeysHex, external, expectedLogId, Expectations.NONE, sources, false);
    }

    public LogCheck(
            Set<String> trustedPublicKeysHex,
            Map<String, Map<Long, External>> external,
            Optional<String> expectedLogId,
            Expectations expectations,
            List<String> sources) {
        this(trustedPublicKeysHex, external, expectedLogId, expectations, sources, false);
    }

    private LogCheck(
            Set<String> trustedPublicKeysHex,
            Map<String, Map<Long, External>> external,
            Optional<String> expectedLogId,
            Expectations expectations,
            List<String> sources,
            boolean trustGenesisKey) {
        this.trustedKeys = trustedPublicKeysHex;
        this.allExternal = external;
        this.expectedLogId = expectedLogId;
        this.expectations = expectations;
        this.sources = sources;
        this.trustGenesisKey = trustGenesisKey;
    }

    /** A check of log {@code logId} read back by its writer to continue it: the genesis's own key is trusted. */
    public static LogCheck forReopening(String logId, String source) {
        return new LogCheck(Set.of(), Map.of(), Optional.of(logId), Expectations.NONE, List.of(source), true);
    }

    /** After {@link #run}: where the log ends, if it verified (a torn tail is not part of it). */
    public Optional<Tail> tail() {
        if (failure != null || expectedSeq == 0) {
            return Optional.empty();
        }
        return Optional.of(new Tail(
                logId,
                expectedSeq,
                Hex.decode(prevHash),
                frontier,
                Hex.decode(lastCheckpointHash == null ? genesisHashOrZero() : lastCheckpointHash),
                callRecords,
                callsSince,
                currentKeyId,
                finalSeen,
                Map.copyOf(genesisSettings)));
    }

    /** Hands every call record that passed its checks to {@code consumer}, in order (the evidence report's tally). */
    public LogCheck onCallRecord(java.util.function.Consumer<LogEntry> consumer) {
        this.onCallRecord = java.util.Objects.requireNonNull(consumer, "consumer");
        return this;
    }

    /** Verifies the lines, parsing them on this thread. */
    public Summary run(Iterator<LogLine> source) {
        try (ParsedLines lines = ParsedLines.inline(source)) {
            return run(lines);
        }
    }

    /** Verifies the lines, parsed (possibly ahead, on another thread) by {@code lines}; the checks run here, in order. */
    public Summary run(ParsedLines lines) {
        Iterator<ParsedLines.Parsed> it = lines;
        ParsedLines.Parsed pending = it.hasNext() ? it.next() : null;
        while (failure == null && pending != null) {
            ParsedLines.Parsed parsed = pending;
            LogLine line = parsed.line();
            pending = it.hasNext() ? it.next() : null;
            nextLine = pending;
            boolean lastLine = pending == null;
            if (line.isEmpty() && line.complete()) {
                fail(line.location(), "empty line");
                break;
            }
            LogEntry obj = parsed.entry();
            if (obj == null) {
                IllegalArgumentException e = parsed.error();
                if (lastLine) {
                    tornTail = line.location() + ": the last line (" + line.length()
                            + " characters) is not a complete entry (" + e.getMessage() + "); it is not accepted";
                } else {
                    fail(line.location(), "not a valid JSON entry: " + e.getMessage());
                }
                break;
            }
            if (!line.complete()) {
                if (lastLine) {
                    tornTail = line.location()
                            + ": the last line has no line terminator (a torn write); it is not accepted";
                } else {
                    fail(
                            line.location(),
                            "the line has no line terminator but is not the last line of the log (a torn write that"
                                    + " later entries follow, or files joined or cut)");
                }
                break;
            }
            entry(obj, line);
        }
        finish();
        List<String> keyList = new ArrayList<>(keyHistory);
        return new Summary(
                logId,
                sources,
                expectedSeq,
                callRecords,
                Optional.ofNullable(first),
                Optional.ofNullable(last),
                checkpoints,
                lastCheckpointSeq,
                lastCheckpointSeq < 0 ? "" : lastCheckpointHash,
                finalSeen,
                keyList,
                externalMatched,
                Optional.ofNullable(failure),
                Optional.ofNullable(tornTail),
                warnings);
    }

    private void entry(LogEntry obj, LogLine at) {
        Object sigValue = obj.sig();
        if (sigValue != null && !(sigValue instanceof String)) {
            fail(at, "\"sig\" must be a string of hex digits");
            return;
        }
        String sig = (String) sigValue;
        String hash = obj.hashHex();
        Object seqValue = obj.get("seq");
        if (!(seqValue instanceof Long)) {
            fail(at, "the entry has no integer \"seq\"");
            return;
        }
        long seq = (Long) seqValue;
        if (seq != expectedSeq) {
            fail(
                    at,
                    seq < expectedSeq
                            ? "entry out of order or repeated: expected seq " + expectedSeq + ", found seq " + seq
                            : "entries missing: expected seq " + expectedSeq + ", found seq " + seq);
            return;
        }
        if (seq > 0 && !logId.equals(obj.get("log_id"))) {
            fail(
                    at,
                    "the entry belongs to log " + obj.get("log_id") + ", not to log " + logId
                            + " (a segment of another log?)");
            return;
        }
        if (!prevHash.equals(obj.get("prev"))) {
            if (seq == 0) {
                fail(at, "the genesis entry's \"prev\" must be 64 zeros");
            } else if (nextLinksTo(hash, sig, obj)) {
                failure = new VerificationReport.Failure(
                        seq - 1,
                        location(prevLine),
                        "chain broken: entry " + (seq - 1)
                                + " does not hash to the \"prev\" that entry " + seq + " (" + at.location()
                                + ") records, while the chain from entry "
                                + seq + " on is intact: entry " + (seq - 1) + " was changed");
            } else {
                fail(
                        at,
                        "chain broken: entry " + seq + "'s \"prev\" is not the hash of entry " + (seq - 1) + ": entry "
                                + seq + " was changed, inserted or replaced");
            }
            return;
        }
        String type = str(obj, "type");
        Instant ts;
        try {
            ts = Timestamps.parse(str(obj, "ts"));
        } catch (DateTimeParseException e) {
            fail(at, "\"ts\" is not a timestamp");
            return;
        }
        if (seq == 0 && !"genesis".equals(type)) {
            fail(at, "the log does not start with a genesis entry");
            return;
        }
        switch (type) {
            case "genesis":
                if (!genesis(obj, obj.canonical(), sig, at)) {
                    return;
                }
                genesisHash = hash;
                break;
            case "call":
                if (recordSignatures && sig == null) {
                    fail(at, "the log signs every record (record_signatures) but this record has no signature");
                    return;
                }
                if (sig != null && !verifySig(currentKeyId, obj.canonical(), sig)) {
                    fail(at, "the record's signature is not valid for key " + currentKeyId);
                    return;
                }
                callRecords++;
                callsSince++;
                onCallRecord.accept(obj);
                break;
            case "checkpoint":
                if (!checkpoint(obj, obj.canonical(), sig, hash, seq, at)) {
                    return;
                }
                break;
            case "key_rotation":
                if (!rotation(obj, obj.canonical(), sig, seq, at)) {
                    return;
                }
                break;
            default:
                fail(at, "unknown entry type \"" + type + "\"");
                return;
        }
        if (finalSeen && !"checkpoint".equals(type)) {
            fail(at, "an entry follows the final checkpoint");
            return;
        }
        if (seq == expectations.checkpointSeq()) {
            if (!"checkpoint".equals(type)) {
                fail(
                        at,
                        "the entry at seq " + seq + " is a " + type
                                + ", not the expected checkpoint: the log was rewritten");
                return;
            }
            if (!hash.equals(expectations.checkpointHash())) {
                fail(
                        at,
                        "the checkpoint at seq " + seq + " is not the expected one (hash "
                                + expectations.checkpointHash() + ", found " + hash + "): the log was rewritten");
                return;
            }
            expectedCheckpointSeen = true;
        }
        External ext = external.remove(seq);
        if (ext != null) {
            if (!ext.hash().equals(hash)) {
                fail(
                        at,
                        "the entry differs from the copy kept elsewhere (" + ext.location()
                                + "): the log's history was rewritten");
                return;
            }
            externalMatched++;
        }
        if (last != null && intervalMs > 0 && ts.toEpochMilli() - last.toEpochMilli() > 2 * intervalMs + 1000) {
            warnings.add("silent gap: " + (ts.toEpochMilli() - last.toEpochMilli()) / 1000
                    + " s without any entry before seq " + seq + " (checkpoint interval " + intervalMs / 1000
                    + " s): the writer was not running");
        }
        if (first == null || ts.isBefore(first)) {
            first = ts;
        }
        if (last == null || ts.isAfter(last)) {
            last = ts;
        }
        frontier.append(obj.leafHash());
        prevHash = hash;
        prevLine = at;
        expectedSeq++;
    }

    /**
     * After a broken link at this entry: whether this entry itself is intact, judged by the next
     * entry linking to it (or, for the last entry, by its own valid signature).
     */
    private boolean nextLinksTo(String hash, String sig, LogEntry entry) {
        if (nextLine == null) {
            return sig != null && currentKeyId != null && verifySig(currentKeyId, entry.canonical(), sig);
        }
        return nextLine.entry() != null && hash.equals(nextLine.entry().get("prev"));
    }

    private boolean genesis(LogEntry obj, byte[] canonical, String sig, LogLine at) {
        if (!"llmgate-audit/1".equals(obj.get("format"))) {
            return fail(at, "unsupported format " + obj.get("format") + " (this verifier reads llmgate-audit/1)");
        }
        if (expectedSeq != 0) {
            return fail(at, "a second genesis entry: a segment of another log was inserted");
        }
        logId = str(obj, "log_id");
        external = new LinkedHashMap<>(allExternal.getOrDefault(logId, Map.of()));
        if (expectedLogId.isPresent() && !expectedLogId.get().equals(logId)) {
            return fail(at, "this is log " + logId + ", not the expected log " + expectedLogId.get());
        }
        String pub = str(obj, "public_key");
        byte[] pubBytes;
        try {
            pubBytes = Hex.decode(pub);
        } catch (IllegalArgumentException e) {
            return fail(at, "the genesis public key is not hex");
        }
        String keyId = Ed25519.keyId(pubBytes);
        if (!keyId.equals(obj.get("key_id"))) {
            return fail(at, "the genesis key_id does not match its public key");
        }
        if (!trustGenesisKey && !trustedKeys.contains(pub.toLowerCase(java.util.Locale.ROOT))) {
            return fail(
                    at,
                    "the log is signed by key " + keyId
                            + ", which is not a trusted key (wrong key, or a log forged with " + "another key)");
        }
        keys.put(keyId, pubBytes);
        currentKeyId = keyId;
        keyHistory.add(keyId + " from seq 0");
        if (sig == null || !verifySig(keyId, canonical, sig)) {
            return fail(at, "the genesis signature is missing or not valid for key " + keyId);
        }
        recordSignatures = Boolean.TRUE.equals(obj.get("record_signatures"));
        for (String setting : List.of(
                "gate",
                "digest",
                "digest_key_id",
                "record_signatures",
                "content_capture",
                "checkpoint_every_records",
                "checkpoint_interval_ms")) {
            Object v = obj.get(setting);
            if (v != null) {
                genesisSettings.put(setting, v);
            }
        }
        intervalMs = obj.get("checkpoint_interval_ms") instanceof Long ? (Long) obj.get("checkpoint_interval_ms") : 0;
        lastCheckpointHash = null;
        return true;
    }

    private boolean checkpoint(LogEntry obj, byte[] canonical, String sig, String hash, long seq, LogLine at) {
        if (!currentKeyId.equals(obj.get("key_id"))) {
            return fail(
                    at,
                    "the checkpoint names key " + obj.get("key_id") + " but the log's current key is " + currentKeyId);
        }
        if (sig == null || !verifySig(currentKeyId, canonical, sig)) {
            return fail(
                    at,
                    "the checkpoint signature is missing or not valid for key " + currentKeyId
                            + " (forged signature?)");
        }
        if (!Long.valueOf(seq).equals(obj.get("tree_size"))) {
            return fail(
                    at,
                    "the checkpoint's tree_size " + obj.get("tree_size") + " is not the number of entries before it ("
                            + seq + ")");
        }
        if (!Hex.encode(frontier.root()).equals(obj.get("root"))) {
            return fail(at, "the checkpoint's Merkle root does not match the entries before it");
        }
        String expectedPrevCheckpoint = lastCheckpointHash == null ? genesisHashOrZero() : lastCheckpointHash;
        if (!expectedPrevCheckpoint.equals(obj.get("prev_checkpoint"))) {
            return fail(at, "the checkpoint's prev_checkpoint is not the hash of the previous checkpoint");
        }
        if (!Long.valueOf(callRecords).equals(obj.get("calls"))
                || !Long.valueOf(callsSince).equals(obj.get("calls_since"))) {
            return fail(
                    at,
                    "the checkpoint's call counts (" + obj.get("calls") + ", " + obj.get("calls_since")
                            + ") do not match the records before it (" + callRecords + ", " + callsSince + ")");
        }
        if (Boolean.TRUE.equals(obj.get("resumed"))) {
            // a new writer continued the log here: after a final checkpoint (a clean close), or after a writer that
            // stopped
            if (!finalSeen) {
                warnings.add(
                        "reopened at seq " + seq
                                + " after the writer stopped without closing the log (a crash or a kill):"
                                + " calls acknowledged before the stop may have no record unless the log acknowledged calls only once durable");
            }
            finalSeen = false;
        }
        lastCheckpointHash = hash;
        lastCheckpointSeq = seq;
        checkpoints++;
        callsSince = 0;
        if (Boolean.TRUE.equals(obj.get("final"))) {
            finalSeen = true;
        }
        return true;
    }

    private String genesisHash;

    private String genesisHashOrZero() {
        return genesisHash == null ? ZERO_HASH : genesisHash;
    }

    private boolean rotation(LogEntry obj, byte[] canonical, String sig, long seq, LogLine at) {
        if (!currentKeyId.equals(obj.get("key_id"))) {
            return fail(
                    at, "the key rotation names key " + obj.get("key_id") + " but the current key is " + currentKeyId);
        }
        if (sig == null || !verifySig(currentKeyId, canonical, sig)) {
            return fail(at, "the key rotation is not signed by the current key " + currentKeyId);
        }
        byte[] newKey;
        try {
            newKey = Hex.decode(str(obj, "new_public_key"));
        } catch (IllegalArgumentException e) {
            return fail(at, "the new public key is not hex");
        }
        String newId = Ed25519.keyId(newKey);
        if (!newId.equals(obj.get("new_key_id")) || newKey.length != 32) {
            return fail(at, "the new key id does not match the new public key");
        }
        keys.put(newId, newKey);
        currentKeyId = newId;
        keyHistory.add(newId + " from seq " + (seq + 1));
        return true;
    }

    private void finish() {
        if (failure != null) {
            return;
        }
        if (expectedSeq == 0 && tornTail == null) {
            fail("(start)", "the log is empty");
            return;
        }
        for (External ext : external.values()) {
            if (ext.seq() < expectedSeq) {
                continue;
            }
            if (ext.sig() == null
                    || !keys.containsKey(ext.keyId())
                    || !verifySig(ext.keyId(), ext.canonical(), ext.sig())) {
                warnings.add("the external copy's entry at " + ext.location()
                        + " is not validly signed by a key of this log; ignored");
                continue;
            }
            fail(
                    ext.location(),
                    "the log ends at seq " + (expectedSeq - 1) + " but a signed entry kept elsewhere has seq "
                            + ext.seq() + ": the log was truncated");
            return;
        }
        if (expectations.checkpointSeq() >= 0 && !expectedCheckpointSeen) {
            fail(
                    "(end)",
                    "the log ends at seq " + (expectedSeq - 1) + ", before the expected checkpoint at seq "
                            + expectations.checkpointSeq() + ": the log was truncated");
            return;
        }
        if (expectations.minCallRecords() >= 0 && callRecords < expectations.minCallRecords()) {
            fail(
                    "(end)",
                    "the log holds " + callRecords + " call records, at least " + expectations.minCallRecords()
                            + " were expected:"
                            + " records are missing (cut from the end, or never stored: a crash in asynchronous mode)");
            return;
        }
        if (expectations.requireFinal() && !finalSeen) {
            fail(
                    "(end)",
                    "the log does not end with a final checkpoint, and one was required: its end was cut, or it was not closed");
            return;
        }
        if (!finalSeen) {
            warnings.add("no final checkpoint: the log was not closed cleanly (crash?) or its tail is missing;"
                    + " use an external checkpoint copy to tell them apart");
        }
        long unsealed = expectedSeq - 1 - lastCheckpointSeq;
        if (unsealed > 0) {
            warnings.add(unsealed + " entries after the last checkpoint (seq " + lastCheckpointSeq
                    + ") are chained but not covered by" + " a signature");
        }
    }

    private boolean verifySig(String keyId, byte[] canonical, String sigHex) {
        byte[] key = keys.get(keyId);
        if (key == null) {
            return false;
        }
        try {
            return Ed25519.verify(key, canonical, Hex.decode(sigHex));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean fail(String at, String reason) {
        if (failure == null) {
            failure = new VerificationReport.Failure(expectedSeq, at, reason);
        }
        return false;
    }

    private boolean fail(LogLine at, String reason) {
        return fail(at.location(), reason);
    }

    private static String location(LogLine line) {
        return line == null ? "(start)" : line.location();
    }

    private static String str(LogEntry obj, String key) {
        Object v = obj.get(key);
        return v instanceof String ? (String) v : "";
    }

    /** Reads an external copy's entries, by log id and then seq; torn or malformed lines are skipped. */
    public static void readExternal(Iterator<LogLine> lines, Map<String, Map<Long, External>> out) {
        while (lines.hasNext()) {
            LogLine l = lines.next();
            if (!l.complete() && !lines.hasNext()) {
                break;
            }
            LogEntry obj;
            try {
                obj = LogEntry.of(l);
            } catch (IllegalArgumentException e) {
                continue;
            }
            Object sig = obj.sig();
            String log = str(obj, "log_id");
            if (!(obj.get("seq") instanceof Long)) {
                continue;
            }
            byte[] canonical = obj.canonical();
            out.computeIfAbsent(log, k -> new LinkedHashMap<>())
                    .put(
                            (Long) obj.get("seq"),
                            new External(
                                    (Long) obj.get("seq"),
                                    obj.hashHex(),
                                    log,
                                    str(obj, "key_id"),
                                    canonical,
                                    sig instanceof String ? (String) sig : null,
                                    l.location()));
        }
    }
}
