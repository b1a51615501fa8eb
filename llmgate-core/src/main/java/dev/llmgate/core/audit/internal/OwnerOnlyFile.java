package dev.llmgate.core.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Creates a file for a secret that only its owner may read and write, with those permissions from
 * the moment it exists: created exclusively (never an existing file, never through a symbolic link)
 * with the permissions given as an attribute of the creation itself, not set afterwards. On a POSIX
 * file system the mode is {@code 0600} (the process's umask can only remove bits); on one with ACLs
 * instead (Windows) the file's ACL has a single entry granting its owner access; on a file system
 * with neither, nothing is written and the caller gets an {@link IOException} saying so. On a POSIX
 * file system the permissions are also read back from the empty file before the secret is written,
 * and the file is removed if group or others may access it (a file system that ignores modes). Not
 * public API.
 */
public final class OwnerOnlyFile {
    private OwnerOnlyFile() {}

    /**
     * Creates {@code file} with {@code content}, readable and writable by its owner only, and forces it
     * to the device.
     *
     * @throws FileAlreadyExistsException if anything (a file, a link) exists at {@code file}
     * @throws IOException                if the file system cannot restrict the file at its creation
     */
    public static void create(Path file, byte[] content) throws IOException {
        FileAttribute<?> ownerOnly = ownerOnly(file);
        try (FileChannel ch = FileChannel.open(
                file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
            checkOwnerOnly(file);
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /**
     * A file system may accept the permissions and not apply them (on Linux every mount reports POSIX
     * permissions, a vfat mount takes its modes from mount options): read them back from the still empty
     * file, and remove it if group or others may access it.
     */
    private static void checkOwnerOnly(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> actual = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
                .containsAll(actual)) {
            Files.delete(file);
            throw new IOException("the file system of " + file
                    + " did not apply owner-only permissions (it made the file " + PosixFilePermissions.toString(actual)
                    + "): nothing was written; choose a directory on a local POSIX file system");
        }
    }

    private static FileAttribute<?> ownerOnly(Path file) throws IOException {
        Set<String> views = file.getFileSystem().supportedFileAttributeViews();
        if (views.contains("posix")) {
            return PosixFilePermissions.asFileAttribute(
                    EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        if (views.contains("acl")) {
            UserPrincipal owner = file.getFileSystem()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            AclEntry entry = AclEntry.newBuilder()
                    .setType(AclEntryType.ALLOW)
                    .setPrincipal(owner)
                    .setPermissions(EnumSet.allOf(AclEntryPermission.class))
                    .build();
            List<AclEntry> acl = List.of(entry);
            return new FileAttribute<List<AclEntry>>() {
                @Override
                public String name() {
                    return "acl:acl";
                }

                @Override
                public List<AclEntry> value() {
                    return acl;
                }
            };
        }
        throw new IOException(
                "the file system of " + file + " supports neither POSIX permissions nor ACLs, so a secret written there"
                        + " could not be kept from other users: nothing was written; choose a directory on a local POSIX or NTFS file system");
    }
}
