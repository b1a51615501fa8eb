package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgate.core.audit.internal.OwnerOnlyFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keygen} writes the secret seed only into a file it creates itself, readable by its owner
 * only from its creation: never into a file or link that already exists (which someone else may
 * hold open or point elsewhere), never on a file system that cannot restrict it.
 */
class KeygenPermissionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int keygen(Path dir) {
        return AuditVerifierCli.run(
                new String[] {"keygen", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static boolean posix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void theSeedIsOwnerOnlyAndThePublicKeyMatchesIt(@TempDir Path dir) throws IOException {
        assumeTrue(posix(dir), "a POSIX file system");
        assertThat(keygen(dir)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path seed = dir.resolve("audit-key.seed");
        assertThat(Files.getPosixFilePermissions(seed))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        AuditSigningKey key = AuditSigningKey.fromSeedHex(Files.readString(seed));
        assertThat(Files.readString(dir.resolve("audit-key.pub")).trim()).isEqualTo(key.publicKeyHex());
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(key.keyId())
                .doesNotContain(Files.readString(seed).trim());
    }

    @Test
    void anExistingWorldReadableSeedFileIsNeverWrittenInto(@TempDir Path dir) throws IOException {
        assumeTrue(posix(dir), "a POSIX file system");
        // someone prepared the file (and may hold it open): writing the secret into it and restricting it afterwards is
        // too late
        Path seed = Files.writeString(dir.resolve("audit-key.seed"), "prepared\n");
        Files.setPosixFilePermissions(seed, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(keygen(dir)).isEqualTo(AuditVerifierCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("exists already")
                .contains("never overwrites");
        assertThat(Files.readString(seed)).isEqualTo("prepared\n");
        assertThat(dir.resolve("audit-key.pub")).doesNotExist();
    }

    @Test
    void aSymbolicLinkInPlaceOfTheSeedIsNotFollowed(@TempDir Path dir) throws IOException {
        Path elsewhere = Files.writeString(dir.resolve("readable-by-all.txt"), "");
        Path keys = Files.createDirectory(dir.resolve("keys"));
        try {
            Files.createSymbolicLink(keys.resolve("audit-key.seed"), elsewhere);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "symbolic links: " + e);
        }
        assertThat(keygen(keys)).isEqualTo(AuditVerifierCli.EXIT_USAGE);
        assertThat(Files.readString(elsewhere))
                .as("the secret went through the link")
                .isEmpty();
        assertThat(Files.isSymbolicLink(keys.resolve("audit-key.seed"))).isTrue();
    }

    @Test
    void theOwnerOnlyFileIsCreatedExclusivelyWithItsPermissionsAsACreationAttribute(@TempDir Path dir)
            throws IOException {
        assumeTrue(posix(dir), "a POSIX file system");
        Path file = dir.resolve("secret");
        OwnerOnlyFile.create(file, "s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThatThrownBy(() -> OwnerOnlyFile.create(file, new byte[1]))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("s3cret");
    }

    @Test
    void onAFileSystemWithNeitherPosixPermissionsNorAclsNothingIsWritten(@TempDir Path dir) throws IOException {
        // a zip file system has neither (unless asked for POSIX attributes)
        URI zip = URI.create("jar:" + dir.resolve("keys.zip").toUri());
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Path file = fs.getPath("/audit-key.seed");
            assertThat(fs.supportedFileAttributeViews()).doesNotContain("posix", "acl");
            assertThatThrownBy(() -> OwnerOnlyFile.create(file, "s3cret".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("neither POSIX permissions nor ACLs")
                    .hasMessageContaining("nothing was written");
            assertThat(Files.exists(file)).isFalse();
        }
    }
}
