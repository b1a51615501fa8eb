package dev.llmgate.core.audit.internal;

/**
 * The end of an audit log's hash chain, as the writer thread extends it: the latest entry's hash,
 * the Merkle frontier over every entry so far and the latest checkpoint's (or the genesis') hash.
 * Owned by the writer thread alone. Not public API.
 */
public final class ChainHead {
    byte[] prevHash = new byte[32];
    final Merkle.Frontier frontier;
    byte[] lastCheckpointHash = new byte[32];

    /** The head of a new log, before its genesis. */
    public ChainHead() {
        this.frontier = new Merkle.Frontier();
    }

    /** The head of a log being continued: where {@code tail} (read back and verified) ends. */
    public ChainHead(LogCheck.Tail tail) {
        this.prevHash = tail.lastHash().clone();
        this.frontier = tail.frontier();
        this.lastCheckpointHash = tail.lastCheckpointHash().clone();
    }

    /** The Merkle root over every entry chained so far. */
    public byte[] root() {
        return frontier.root();
    }

    /** The hash of the latest checkpoint (or of the genesis entry before the first checkpoint). */
    public byte[] lastCheckpointHash() {
        return lastCheckpointHash;
    }
}
