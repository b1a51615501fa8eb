package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.Merkle;
import dev.llmgate.core.audit.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTest {

    private static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Merkle.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void emptyTreeRootIsTheHashOfNothingAndOneLeafIsItsOwnRoot() {
        assertThat(Hex.encode(new Merkle.Frontier().root())).isEqualTo(Hex.encode(Sha256.hash(new byte[0])));
        List<byte[]> one = leaves(1);
        assertThat(Merkle.root(one, 0, 1)).isEqualTo(one.get(0));
    }

    @Test
    void threeLeavesFollowRfc6962Split() {
        List<byte[]> l = leaves(3);
        byte[] expected = Merkle.nodeHash(Merkle.nodeHash(l.get(0), l.get(1)), l.get(2));
        assertThat(Merkle.root(l, 0, 3)).isEqualTo(expected);
    }

    @Test
    void frontierRootEqualsRecursiveRootForEverySize() {
        List<byte[]> all = leaves(70);
        Merkle.Frontier f = new Merkle.Frontier();
        for (int n = 1; n <= all.size(); n++) {
            f.append(all.get(n - 1));
            assertThat(f.root()).as("size %d", n).isEqualTo(Merkle.root(all, 0, n));
        }
    }

    @Test
    void everyInclusionProofVerifiesAndAWrongOneDoesNot() {
        List<byte[]> all = leaves(40);
        for (int size = 1; size <= all.size(); size++) {
            byte[] root = Merkle.root(all, 0, size);
            for (int i = 0; i < size; i++) {
                List<byte[]> path = Merkle.inclusionPath(all, i, size);
                assertThat(Merkle.verifyInclusion(all.get(i), i, size, path, root))
                        .as("leaf %d of %d", i, size)
                        .isTrue();
                if (size > 1) {
                    assertThat(Merkle.verifyInclusion(all.get((i + 1) % size), i, size, path, root))
                            .isFalse();
                    assertThat(Merkle.verifyInclusion(all.get(i), (i + 1) % size, size, path, root))
                            .isFalse();
                }
            }
        }
    }
}
