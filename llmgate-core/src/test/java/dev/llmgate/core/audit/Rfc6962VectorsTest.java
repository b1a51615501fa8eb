package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.Merkle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Merkle tree of audit-format.md section 5 is RFC 6962's, pinned to published values: the hasher
 * vectors and the eight-leaf tree (its leaf inputs, every complete subtree's hash, the root of every
 * size and inclusion proofs) that the RFC 6962 reference implementations test against (Google's
 * certificate-transparency-go, now transparency-dev/merkle: {@code rfc6962_test.go},
 * {@code testonly/constants.go}, {@code proof/verify_test.go}). Any other leaf or node prefix, split
 * rule or proof order changes these values.
 */
class Rfc6962VectorsTest {
    /** The leaf inputs of the reference tree, in hex. */
    private static final String[] LEAF_INPUTS = {
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"
    };

    /** Hashes of every complete subtree: level 0 (leaves) to level 3 (the root of all eight). */
    private static final String[][] NODE_HASHES = {
        {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"
        },
        {
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
        },
        {
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"
        },
        {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"}
    };

    /** The root of the first n leaves, n = 0 .. 8. */
    private static final String[] ROOTS = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    };

    /** Published inclusion proofs: leaf index (0-based), tree size, audit path from the leaf's sibling up. */
    private record Vector(int index, int size, List<String> path) {}

    private static final List<Vector> INCLUSION = List.of(
            new Vector(0, 1, List.of()),
            new Vector(
                    0,
                    8,
                    List.of(
                            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new Vector(
                    5,
                    8,
                    List.of(
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new Vector(2, 3, List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
            new Vector(
                    1,
                    5,
                    List.of(
                            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));

    private static List<byte[]> leaves() {
        List<byte[]> out = new ArrayList<>();
        for (String input : LEAF_INPUTS) {
            out.add(Merkle.leafHash(Hex.decode(input)));
        }
        return out;
    }

    @Test
    void hasherVectors() {
        // SHA-256(0x00 || "") is not the empty tree's root SHA-256("")
        assertThat(Hex.encode(Merkle.leafHash(new byte[0])))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        assertThat(Hex.encode(new Merkle.Frontier().root()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Hex.encode(Merkle.leafHash("L123456".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
        assertThat(Hex.encode(Merkle.nodeHash(
                        "N123".getBytes(StandardCharsets.US_ASCII), "N456".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb");
    }

    @Test
    void everyLeafAndCompleteSubtreeHashOfTheReferenceTree() {
        List<byte[]> leaves = leaves();
        for (int level = 0; level < NODE_HASHES.length; level++) {
            int width = 1 << level;
            for (int i = 0; i < NODE_HASHES[level].length; i++) {
                assertThat(Hex.encode(Merkle.root(leaves, i * width, (i + 1) * width)))
                        .as("level %d node %d", level, i)
                        .isEqualTo(NODE_HASHES[level][i]);
            }
        }
    }

    @Test
    void theRootOfEverySizeRecursiveAndIncremental() {
        List<byte[]> leaves = leaves();
        Merkle.Frontier frontier = new Merkle.Frontier();
        assertThat(Hex.encode(Merkle.root(leaves, 0, 0))).isEqualTo(ROOTS[0]);
        for (int n = 1; n <= leaves.size(); n++) {
            frontier.append(leaves.get(n - 1));
            assertThat(Hex.encode(Merkle.root(leaves, 0, n))).as("size %d", n).isEqualTo(ROOTS[n]);
            assertThat(Hex.encode(frontier.root())).as("frontier size %d", n).isEqualTo(ROOTS[n]);
        }
    }

    @Test
    void publishedInclusionProofsAreProducedAndVerified() {
        List<byte[]> leaves = leaves();
        for (Vector v : INCLUSION) {
            List<String> produced = new ArrayList<>();
            for (byte[] h : Merkle.inclusionPath(leaves, v.index(), v.size())) {
                produced.add(Hex.encode(h));
            }
            assertThat(produced)
                    .as("path of leaf %d in %d", v.index(), v.size())
                    .isEqualTo(v.path());
            List<byte[]> path = new ArrayList<>();
            for (String h : v.path()) {
                path.add(Hex.decode(h));
            }
            byte[] root = Hex.decode(ROOTS[v.size()]);
            assertThat(Merkle.verifyInclusion(leaves.get(v.index()), v.index(), v.size(), path, root))
                    .isTrue();
            // the same path for a neighbouring index, another size or with one bit flipped does not verify
            if (v.size() > 1) {
                assertThat(Merkle.verifyInclusion(leaves.get(v.index()), v.index() ^ 1, v.size(), path, root))
                        .isFalse();
                assertThat(Merkle.verifyInclusion(leaves.get(v.index()), v.index(), v.size() * 2L, path, root))
                        .isFalse();
                List<byte[]> flipped = new ArrayList<>(path);
                byte[] first = flipped.get(0).clone();
                first[0] ^= 8;
                flipped.set(0, first);
                assertThat(Merkle.verifyInclusion(leaves.get(v.index()), v.index(), v.size(), flipped, root))
                        .isFalse();
            }
        }
    }
}
