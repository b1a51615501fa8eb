package dev.llmgate.core.audit.internal;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An entry numbered on the caller's thread and waiting for the writer, which builds its body,
 * chains and hashes it ({@link #chain}), signs it and stores it; or a marker (flush, close) in the
 * writer's queue. Not public API.
 */
public final class PendingEntry {
    /** Builds an entry's body on the writer thread; checkpoints read the chain so far. */
    public interface Body {
        TreeMap<String, Object> build(ChainHead chain);
    }

    public final String logId;
    public final long seq;
    public final String type;
    private final long tsMillis;
    private final Body source;
    /** Signs the canonical bytes, or null when the entry is not signed. */
    public final Function<byte[], byte[]> signer;
    /** True if this entry holds a queue permit that the writer releases once it is stored. */
    public final boolean holdsPermit;
    /** For a flush or close marker: completed when everything before it is stored and flushed. */
    public final CompletableFuture<Void> marker;

    public final boolean close;
    /** Set by {@link #chain}. */
    TreeMap<String, Object> body;

    byte[] canonical;
    byte[] hash;

    public PendingEntry(
            String logId,
            long seq,
            String type,
            long tsMillis,
            Body source,
            Function<byte[], byte[]> signer,
            boolean holdsPermit) {
        this.logId = logId;
        this.seq = seq;
        this.type = type;
        this.tsMillis = tsMillis;
        this.source = source;
        this.signer = signer;
        this.holdsPermit = holdsPermit;
        this.marker = null;
        this.close = false;
    }

    private PendingEntry(CompletableFuture<Void> marker, boolean close) {
        this.logId = null;
        this.seq = -1;
        this.type = null;
        this.tsMillis = 0;
        this.source = null;
        this.signer = null;
        this.holdsPermit = false;
        this.marker = marker;
        this.close = close;
    }

    public static PendingEntry flushMarker(CompletableFuture<Void> done) {
        return new PendingEntry(done, false);
    }

    public static PendingEntry closeMarker(CompletableFuture<Void> done) {
        return new PendingEntry(done, true);
    }

    public boolean isMarker() {
        return marker != null;
    }

    /**
     * Builds the body, links it to the entry before it ({@code type}, {@code seq}, {@code prev},
     * {@code ts}), serialises it canonically, hashes it and extends {@code head} by it. Called by the
     * writer thread, in sequence order.
     */
    void chain(ChainHead head) {
        TreeMap<String, Object> b = source.build(head);
        b.put("type", type);
        b.put("seq", seq);
        b.put("prev", Hex.encode(head.prevHash));
        b.put("ts", Timestamps.format(tsMillis));
        body = b;
        canonical = CanonicalJson.utf8(b);
        hash = Sha256.hash(canonical);
        head.frontier.append(Merkle.leafHash(hash));
        head.prevHash = hash;
        if ("checkpoint".equals(type) || "genesis".equals(type)) {
            head.lastCheckpointHash = hash;
        }
    }
}
