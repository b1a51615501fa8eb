package dev.llmgate.core.audit;

import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.JsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Evidence that one record is part of a log, checkable without the rest of the log: the record's
 * line, a signed checkpoint's line, and the RFC 6962 audit path from the record's leaf to the
 * checkpoint's Merkle root. Produce one with {@link AuditVerifier#proveInclusion}, check it with
 * {@link AuditVerifier#checkProof}. Immutable; {@link #toJson()} and {@link #fromJson(String)} give
 * the exchange format of docs/audit-format.md.
 *
 * @param leafIndex  the record's sequence number (its leaf index)
 * @param treeSize   the checkpoint's {@code tree_size}
 * @param path       the audit path, hashes as 64 hex digits, from the leaf's sibling upwards
 * @param record     the record's line, exactly as stored
 * @param checkpoint the checkpoint's line, exactly as stored
 */
public record InclusionProof(long leafIndex, long treeSize, List<String> path, String record, String checkpoint) {
    public InclusionProof {
        path = List.copyOf(path);
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** The proof as one canonical JSON object (record and checkpoint embedded as JSON objects). */
    public String toJson() {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("type", "inclusion_proof");
        m.put("leaf_index", leafIndex);
        m.put("tree_size", treeSize);
        m.put("path", new ArrayList<Object>(path));
        m.put("record", JsonReader.parse(record));
        m.put("checkpoint", JsonReader.parse(checkpoint));
        return CanonicalJson.write(m);
    }

    /**
     * Reads a proof written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a proof
     */
    public static InclusionProof fromJson(String json) {
        Map<String, Object> m = JsonReader.parseObject(json);
        if (!"inclusion_proof".equals(m.get("type"))) {
            throw new IllegalArgumentException("not an inclusion proof: its \"type\" must be \"inclusion_proof\"");
        }
        List<String> path = new ArrayList<>();
        Object p = m.get("path");
        if (!(p instanceof List)) {
            throw new IllegalArgumentException("an inclusion proof needs a \"path\" array");
        }
        for (Object o : (List<?>) p) {
            path.add(String.valueOf(o));
        }
        if (!(m.get("leaf_index") instanceof Long)
                || !(m.get("tree_size") instanceof Long)
                || !(m.get("record") instanceof Map)
                || !(m.get("checkpoint") instanceof Map)) {
            throw new IllegalArgumentException("an inclusion proof needs leaf_index, tree_size, record and checkpoint");
        }
        return new InclusionProof(
                (Long) m.get("leaf_index"),
                (Long) m.get("tree_size"),
                path,
                CanonicalJson.write(m.get("record")),
                CanonicalJson.write(m.get("checkpoint")));
    }
}
