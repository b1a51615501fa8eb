package dev.llmgate.core.audit;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.Ed25519;
import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.JsonReader;
import dev.llmgate.core.audit.internal.LogCheck;
import dev.llmgate.core.audit.internal.LogEntry;
import dev.llmgate.core.audit.internal.LogFiles;
import dev.llmgate.core.audit.internal.LogLine;
import dev.llmgate.core.audit.internal.Merkle;
import dev.llmgate.core.audit.internal.ParsedLines;
import dev.llmgate.core.audit.internal.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies audit logs offline, with nothing but the trusted public key(s): sequence continuity,
 * chain links, the genesis, every signature, every checkpoint (count, Merkle root, link to the
 * previous checkpoint), key rotations, and, given a copy of the checkpoints kept elsewhere, that
 * the log was neither truncated nor rewritten. Reports the first bad entry precisely, a torn last
 * line as such, and a summary for compliance evidence. Immutable and thread-safe.
 *
 * <pre>{@code
 * VerificationReport report = AuditVerifier.builder().trustKey(publicKeyHex).build().verify(List.of(logDir));
 * System.out.println(report.summary());
 * }</pre>
 */
public final class AuditVerifier {
    private final Set<String> trustedKeys;
    private final List<Path> externalPaths;
    private final List<String> externalLines;
    private final Optional<String> expectedLogId;
    private final LogCheck.Expectations expectations;

    private AuditVerifier(Builder b) {
        this.trustedKeys = Set.copyOf(b.trustedKeys);
        this.externalPaths = List.copyOf(b.externalPaths);
        this.externalLines = List.copyOf(b.externalLines);
        this.expectedLogId = Optional.ofNullable(b.expectedLogId);
        this.expectations =
                new LogCheck.Expectations(b.checkpointSeq, b.checkpointHash, b.minCallRecords, b.requireFinal);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies one log stored as JSON Lines: files in the order given, directories replaced by their
     * {@code *.jsonl} files in name order (a rotated set). For a directory holding several logs, use
     * {@link #verifyEach(List)}. On a machine with more than one core, a second (daemon) thread reads,
     * parses and hashes lines ahead while the calling thread checks the entries in order; it ends when
     * this method returns.
     *
     * @throws IOException if a file cannot be read
     */
    public VerificationReport verify(List<Path> filesOrDirectories) throws IOException {
        List<Path> files = LogFiles.expand(filesOrDirectories);
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            names.add(f.toString());
        }
        Map<String, Map<Long, LogCheck.External>> ext = external();
        try (ParsedLines lines = ParsedLines.inBackground(LogFiles.lines(files))) {
            return new VerificationReport(
                    new LogCheck(trustedKeys, ext, expectedLogId, expectations, names).run(lines));
        }
    }

    /**
     * Verifies every log found among the files, grouping them by the log id in their names
     * ({@code <prefix>-<logId>-<NNNNNN>.jsonl}), one report per log.
     */
    public Map<String, VerificationReport> verifyEach(List<Path> filesOrDirectories) throws IOException {
        Map<String, VerificationReport> out = new LinkedHashMap<>();
        Map<String, Map<Long, LogCheck.External>> ext = external();
        for (Map.Entry<String, List<Path>> group :
                LogFiles.byLog(LogFiles.expand(filesOrDirectories)).entrySet()) {
            List<String> names = new ArrayList<>();
            for (Path f : group.getValue()) {
                names.add(f.toString());
            }
            VerificationReport r;
            try (ParsedLines lines = ParsedLines.inBackground(LogFiles.lines(group.getValue()))) {
                r = new VerificationReport(
                        new LogCheck(trustedKeys, ext, expectedLogId, expectations, names).run(lines));
            }
            out.put(r.logId().isEmpty() ? group.getKey() : r.logId(), r);
        }
        return out;
    }

    /**
     * Verifies one log as {@link #verify(List)} does and, in the same pass, counts what its verified call records
     * show, for an auditor to file ({@link EvidenceReport}: JSON and Markdown). A log that fails verification gives a
     * report that says so first and holds no figures.
     *
     * @throws IOException if a file cannot be read
     */
    public EvidenceReport evidence(List<Path> filesOrDirectories) throws IOException {
        List<Path> files = LogFiles.expand(filesOrDirectories);
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            names.add(f.toString());
        }
        dev.llmgate.core.audit.internal.EvidenceTally tally = new dev.llmgate.core.audit.internal.EvidenceTally();
        try (ParsedLines lines = ParsedLines.inBackground(LogFiles.lines(files))) {
            VerificationReport report =
                    new VerificationReport(new LogCheck(trustedKeys, external(), expectedLogId, expectations, names)
                            .onCallRecord(tally)
                            .run(lines));
            return new EvidenceReport(report, fingerprints(), tally);
        }
    }

    /** {@link #evidence(List)} for a log given as its lines (from a database or memory). */
    public EvidenceReport evidenceLines(List<String> lines, String source) {
        dev.llmgate.core.audit.internal.EvidenceTally tally = new dev.llmgate.core.audit.internal.EvidenceTally();
        try {
            VerificationReport report = new VerificationReport(
                    new LogCheck(trustedKeys, external(), expectedLogId, expectations, List.of(source))
                            .onCallRecord(tally)
                            .run(LogFiles.lines(lines, source)));
            return new EvidenceReport(report, fingerprints(), tally);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> fingerprints() {
        List<String> out = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(trustedKeys)) {
            out.add(dev.llmgate.core.audit.internal.Hex.encode(
                    dev.llmgate.core.audit.internal.Sha256.hash(dev.llmgate.core.audit.internal.Hex.decode(key))));
        }
        return out;
    }

    /** Verifies one log given as its lines (from a database or memory); {@code source} names it in locations. */
    public VerificationReport verifyLines(List<String> lines, String source) {
        try {
            return new VerificationReport(
                    new LogCheck(trustedKeys, external(), expectedLogId, expectations, List.of(source))
                            .run(LogFiles.lines(lines, source)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, Map<Long, LogCheck.External>> external() throws IOException {
        Map<String, Map<Long, LogCheck.External>> out = new HashMap<>();
        if (!externalPaths.isEmpty()) {
            LogCheck.readExternal(LogFiles.lines(LogFiles.expand(externalPaths)), out);
        }
        if (!externalLines.isEmpty()) {
            LogCheck.readExternal(LogFiles.lines(externalLines, "external"), out);
        }
        return out;
    }

    /**
     * Produces the inclusion proof of the entry with sequence number {@code seq} against the first
     * checkpoint that covers it. Verify the log first: this method trusts what it reads.
     *
     * @throws IllegalArgumentException if there is no such entry, or no checkpoint covers it yet
     */
    public static InclusionProof proveInclusion(List<Path> filesOrDirectories, long seq) throws IOException {
        return prove(LogFiles.lines(LogFiles.expand(filesOrDirectories)), seq);
    }

    /** {@link #proveInclusion(List, long)} for a log given as its lines. */
    public static InclusionProof proveInclusion(List<String> lines, String source, long seq) {
        return prove(LogFiles.lines(lines, source), seq);
    }

    private static InclusionProof prove(Iterator<LogLine> lines, long seq) {
        List<byte[]> leaves = new ArrayList<>();
        String record = null;
        while (lines.hasNext()) {
            LogLine line = lines.next();
            if (!line.complete()) {
                break;
            }
            LogEntry obj = LogEntry.of(line);
            long s = leaves.size();
            leaves.add(Merkle.leafHash(obj.hash()));
            if (s == seq) {
                record = line.text();
            }
            if (record != null
                    && "checkpoint".equals(obj.get("type"))
                    && obj.get("tree_size") instanceof Long
                    && (Long) obj.get("tree_size") > seq) {
                int size = (int) (long) (Long) obj.get("tree_size");
                List<String> path = new ArrayList<>();
                for (byte[] h : Merkle.inclusionPath(leaves, (int) seq, size)) {
                    path.add(Hex.encode(h));
                }
                return new InclusionProof(seq, size, path, record, line.text());
            }
        }
        if (record == null) {
            throw new IllegalArgumentException("the log has no entry with seq " + seq);
        }
        throw new IllegalArgumentException(
                "no checkpoint covers seq " + seq + " yet: wait for the next checkpoint, or write one");
    }

    /**
     * Checks an inclusion proof against this verifier's trusted keys: the checkpoint's signature (by
     * a trusted key: after a rotation, trust the new key too), the record's place in the log, and the
     * audit path up to the checkpoint's Merkle root.
     *
     * @return empty if the proof holds; otherwise why not
     */
    public Optional<String> checkProof(InclusionProof proof) {
        Objects.requireNonNull(proof, "proof");
        Map<String, Object> record;
        Map<String, Object> checkpoint;
        try {
            record = JsonReader.parseObject(proof.record());
            checkpoint = JsonReader.parseObject(proof.checkpoint());
        } catch (IllegalArgumentException e) {
            return Optional.of("the proof's record or checkpoint is not valid JSON: " + e.getMessage());
        }
        record.remove("sig");
        Object sig = checkpoint.remove("sig");
        if (!"checkpoint".equals(checkpoint.get("type"))) {
            return Optional.of("the proof's checkpoint is not a checkpoint entry");
        }
        byte[] checkpointBytes = CanonicalJson.utf8(checkpoint);
        boolean signed = false;
        for (String key : trustedKeys) {
            byte[] k = Hex.decode(key);
            if (Ed25519.keyId(k).equals(checkpoint.get("key_id")) && sig instanceof String) {
                try {
                    signed = Ed25519.verify(k, checkpointBytes, Hex.decode((String) sig));
                } catch (IllegalArgumentException e) {
                    signed = false;
                }
            }
        }
        if (!signed) {
            return Optional.of("the checkpoint is not validly signed by a trusted key (it names key "
                    + checkpoint.get("key_id") + ")");
        }
        if (!Objects.equals(record.get("log_id"), checkpoint.get("log_id")) && !"genesis".equals(record.get("type"))) {
            return Optional.of("the record and the checkpoint belong to different logs");
        }
        if (!Long.valueOf(proof.leafIndex()).equals(record.get("seq"))) {
            return Optional.of(
                    "the proof's leaf index " + proof.leafIndex() + " is not the record's seq " + record.get("seq"));
        }
        if (!Long.valueOf(proof.treeSize()).equals(checkpoint.get("tree_size"))) {
            return Optional.of("the proof's tree size is not the checkpoint's tree_size");
        }
        List<byte[]> path = new ArrayList<>();
        try {
            for (String h : proof.path()) {
                path.add(Hex.decode(h));
            }
        } catch (IllegalArgumentException e) {
            return Optional.of("the audit path holds a hash that is not hex");
        }
        Object root = checkpoint.get("root");
        if (!(root instanceof String)) {
            return Optional.of("the checkpoint has no root");
        }
        byte[] leaf = Merkle.leafHash(Sha256.hash(CanonicalJson.utf8(record)));
        if (!Merkle.verifyInclusion(leaf, proof.leafIndex(), proof.treeSize(), path, Hex.decode((String) root))) {
            return Optional.of("the audit path does not lead from the record to the checkpoint's Merkle root");
        }
        return Optional.empty();
    }

    /** Configures an {@link AuditVerifier}. */
    public static final class Builder {
        private final Set<String> trustedKeys = new LinkedHashSet<>();
        private final List<Path> externalPaths = new ArrayList<>();
        private final List<String> externalLines = new ArrayList<>();
        private String expectedLogId;
        private long checkpointSeq = -1;
        private String checkpointHash = "";
        private long minCallRecords = -1;
        private boolean requireFinal;
        private final List<String> problems = new ArrayList<>();

        private Builder() {}

        /** Trusts the Ed25519 public key given as 64 hex digits (the genesis must name a trusted key). */
        public Builder trustKey(String publicKeyHex) {
            Objects.requireNonNull(publicKeyHex, "publicKeyHex");
            String k = publicKeyHex.trim().toLowerCase(Locale.ROOT);
            if (!k.matches("[0-9a-f]{64}")) {
                problems.add("a trusted public key must be 64 hex digits (a raw Ed25519 key), was " + k.length()
                        + " characters");
            } else {
                trustedKeys.add(k);
            }
            return this;
        }

        /**
         * A copy of the log's control entries (genesis, checkpoints, key rotations) kept elsewhere, as
         * files or directories: each must match the log's entry of the same seq, and a signed one past
         * the log's end proves the log was truncated.
         */
        public Builder externalCheckpoints(Path fileOrDirectory) {
            externalPaths.add(Objects.requireNonNull(fileOrDirectory, "fileOrDirectory"));
            return this;
        }

        /** Like {@link #externalCheckpoints(Path)}, for a copy held as lines (a database, memory). */
        public Builder externalCheckpointLines(List<String> lines) {
            externalLines.addAll(lines);
            return this;
        }

        /** Requires the log to have this id (replayed logs are rejected). */
        public Builder expectLogId(String logId) {
            this.expectedLogId = Objects.requireNonNull(logId, "logId");
            return this;
        }

        /**
         * Requires the log to hold this checkpoint: the entry at {@code seq} must be a checkpoint with
         * this entry hash (64 hex digits), as an earlier verification reported it
         * ({@link VerificationReport#lastCheckpointHash()}) or a monitor recorded it. A log cut before
         * it, or rewritten up to it (even by the key holder, who can re-sign), then fails. Entries after
         * it are not covered: combine with {@link #expectCallRecords} or an external checkpoint copy.
         */
        public Builder expectCheckpoint(long seq, String hashHex) {
            Objects.requireNonNull(hashHex, "hashHex");
            String h = hashHex.trim().toLowerCase(Locale.ROOT);
            if (seq < 1 || !h.matches("[0-9a-f]{64}")) {
                problems.add("an expected checkpoint needs a seq of at least 1 and an entry hash of 64 hex digits, was "
                        + seq + ":" + h.length() + " characters");
            } else {
                this.checkpointSeq = seq;
                this.checkpointHash = h;
            }
            return this;
        }

        /**
         * Requires the log to hold at least {@code n} call records, for example the number of calls
         * your application counted ({@link AuditLog.Stats#callRecords()}) or an earlier verification
         * reported. A log whose end was cut, by anyone, below that number then fails.
         */
        public Builder expectCallRecords(long n) {
            if (n < 0) {
                problems.add("an expected number of call records must not be negative, was " + n);
            } else {
                this.minCallRecords = n;
            }
            return this;
        }

        /**
         * Requires the log to end with the final checkpoint of a clean close: for a log you know was
         * closed, so that a cut end (which otherwise looks like a crash) fails.
         */
        public Builder requireFinalCheckpoint() {
            this.requireFinal = true;
            return this;
        }

        /**
         * Builds the verifier.
         *
         * @throws ConfigurationException without a trusted key or with a malformed one
         */
        public AuditVerifier build() {
            List<String> found = new ArrayList<>(problems);
            if (trustedKeys.isEmpty() && problems.isEmpty()) {
                found.add("a verifier needs at least one trusted public key: add it with trustKey(hex)");
            }
            if (!found.isEmpty()) {
                throw new ConfigurationException(found);
            }
            return new AuditVerifier(this);
        }
    }
}
