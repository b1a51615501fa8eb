package dev.llmgate.core.audit.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing: leaf hash {@code SHA-256(0x00 || data)}, node hash
 * {@code SHA-256(0x01 || left || right)}, the tree of n leaves split at the largest power of two
 * smaller than n. {@link Frontier} keeps the running root in O(log n) memory. Not public API.
 */
public final class Merkle {
    private static final byte[] EMPTY_ROOT = Sha256.hash(new byte[0]);

    private Merkle() {}

    public static byte[] leafHash(byte[] data) {
        return Sha256.hash((byte) 0, data, null);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        return Sha256.hash((byte) 1, left, right);
    }

    /** The root over leaf hashes {@code leaves[from, to)}. */
    public static byte[] root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return EMPTY_ROOT.clone();
        }
        if (n == 1) {
            return leaves.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(root(leaves, from, from + k), root(leaves, from + k, to));
    }

    /** The audit path (RFC 6962 PATH) of leaf {@code index} in the tree of the first {@code size} leaves. */
    public static List<byte[]> inclusionPath(List<byte[]> leaves, int index, int size) {
        if (index < 0 || index >= size || size > leaves.size()) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size + " leaves");
        }
        List<byte[]> path = new ArrayList<>();
        path(leaves, index, 0, size, path);
        return path;
    }

    private static void path(List<byte[]> leaves, int m, int from, int to, List<byte[]> out) {
        int n = to - from;
        if (n <= 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(leaves, m, from, from + k, out);
            out.add(root(leaves, from + k, to));
        } else {
            path(leaves, m - k, from + k, to, out);
            out.add(root(leaves, from, from + k));
        }
    }

    /** Checks an inclusion proof as RFC 9162 section 2.1.3.2 describes. */
    public static boolean verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    /** The running root of an append-only tree: the roots of its perfect subtrees, largest first. Not thread-safe. */
    public static final class Frontier {
        private final List<byte[]> hashes = new ArrayList<>();
        private final List<Long> sizes = new ArrayList<>();
        private long size;

        public void append(byte[] leafHash) {
            byte[] h = leafHash;
            long s = 1;
            while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == s) {
                h = nodeHash(hashes.remove(hashes.size() - 1), h);
                s += sizes.remove(sizes.size() - 1);
            }
            hashes.add(h);
            sizes.add(s);
            size++;
        }

        public long size() {
            return size;
        }

        public byte[] root() {
            if (hashes.isEmpty()) {
                return EMPTY_ROOT.clone();
            }
            byte[] r = hashes.get(hashes.size() - 1);
            for (int i = hashes.size() - 2; i >= 0; i--) {
                r = nodeHash(hashes.get(i), r);
            }
            return r;
        }
    }
}
