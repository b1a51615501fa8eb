package dev.llmgate.core.audit.internal;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An entry chained and hashed on the caller's thread, waiting for the writer to sign and store it;
 * or a marker (flush, close) in the writer's queue. Not public API.
 */
public final class PendingEntry {
    public final String logId;
    public final long seq;
    public final String type;
    public final TreeMap<String, Object> body;
    public final byte[] canonical;
    public final byte[] hash;
    /** Signs the canonical bytes, or null when the entry is not signed. */
    public final Function<byte[], byte[]> signer;
    /** True if this entry holds a queue permit that the writer releases once it is stored. */
    public final boolean holdsPermit;
    /** For a flush or close marker: completed when everything before it is stored and flushed. */
    public final CompletableFuture<Void> marker;
    public final boolean close;

    public PendingEntry(String logId, long seq, String type, TreeMap<String, Object> body, byte[] canonical, byte[] hash,
                        Function<byte[], byte[]> signer, boolean holdsPermit) {
        this.logId = logId;
        this.seq = seq;
        this.type = type;
        this.body = body;
        this.canonical = canonical;
        this.hash = hash;
        this.signer = signer;
        this.holdsPermit = holdsPermit;
        this.marker = null;
        this.close = false;
    }

    private PendingEntry(CompletableFuture<Void> marker, boolean close) {
        this.logId = null;
        this.seq = -1;
        this.type = null;
        this.body = null;
        this.canonical = null;
        this.hash = null;
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
}
