package dev.llmgate.core.audit;

import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.OwnerOnlyFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line verifier for auditors (see docs/audit.md):
 *
 * <pre>
 * java -jar llmgate-core-VERSION-verifier.jar verify --key KEY [--key KEY2] [--checkpoints PATH]... [--log-id ID]
 *          [--expect-checkpoint SEQ:HASH] [--expect-records N] [--require-final] PATH...
 * java -jar llmgate-core-VERSION-verifier.jar report --key KEY [verify's expectations] [--json FILE] [--markdown FILE] PATH...
 *          (verifies one log and writes the evidence report; Markdown to standard output without --markdown)
 * java -jar llmgate-core-VERSION-verifier.jar prove --seq N PATH...           (prints an inclusion proof)
 * java -jar llmgate-core-VERSION-verifier.jar check-proof --key KEY PROOF.json
 * java -jar llmgate-core-VERSION-verifier.jar keygen DIRECTORY               (audit-key.seed, audit-key.pub)
 * </pre>
 * KEY is 64 hex digits or a file holding them. Exit status: 0 valid, 1 invalid, 2 usage error,
 * 3 torn tail (the intact prefix verified; the last line is torn).
 */
public final class AuditVerifierCli {
    /** Every log verified. */
    public static final int EXIT_VALID = 0;
    /** A log failed verification (or a proof did not hold). */
    public static final int EXIT_INVALID = 1;
    /** Bad arguments or unreadable input. */
    public static final int EXIT_USAGE = 2;
    /** The intact prefix verified but the last line is torn (e.g. after a crash). */
    public static final int EXIT_TORN_TAIL = 3;

    private AuditVerifierCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit status (for embedding and tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return usage(err, "no command given");
        }
        try {
            switch (args[0]) {
                case "verify":
                    return verify(args, out, err);
                case "report":
                    return report(args, out, err);
                case "prove":
                    return prove(args, out, err);
                case "check-proof":
                    return checkProof(args, out, err);
                case "keygen":
                    return keygen(args, out, err);
                default:
                    return usage(err, "unknown command '" + args[0] + "'");
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    private static int verify(String[] args, PrintStream out, PrintStream err) throws IOException {
        AuditVerifier.Builder b = AuditVerifier.builder();
        List<Path> paths = new ArrayList<>();
        boolean key = false;
        for (int i = 1; i < args.length; i++) {
            int next = verifierOption(args, i, b, err);
            if (next == USAGE_ERROR) {
                return EXIT_USAGE;
            }
            if (next > i || args[i].equals("--require-final")) {
                key |= args[i].equals("--key");
                i = next;
                continue;
            }
            paths.add(Path.of(args[i]));
        }
        if (!key) {
            return usage(err, "verify needs the public key: --key HEX_OR_FILE");
        }
        if (paths.isEmpty()) {
            return usage(err, "verify needs the log: one or more files or directories");
        }
        Map<String, VerificationReport> reports = b.build().verifyEach(paths);
        if (reports.isEmpty()) {
            return usage(err, "no *.jsonl audit files found in " + paths);
        }
        int status = EXIT_VALID;
        for (VerificationReport r : reports.values()) {
            out.print(r.summary());
            if (r.failure().isPresent()) {
                status = EXIT_INVALID;
            } else if (r.tornTail().isPresent() && status == EXIT_VALID) {
                status = EXIT_TORN_TAIL;
            }
        }
        return status;
    }

    private static int report(String[] args, PrintStream out, PrintStream err) throws IOException {
        AuditVerifier.Builder b = AuditVerifier.builder();
        List<Path> paths = new ArrayList<>();
        Path json = null;
        Path markdown = null;
        boolean key = false;
        for (int i = 1; i < args.length; i++) {
            int next = verifierOption(args, i, b, err);
            if (next == USAGE_ERROR) {
                return EXIT_USAGE;
            }
            if (next > i || args[i].equals("--require-final")) {
                key |= args[i].equals("--key");
                i = next;
                continue;
            }
            switch (args[i]) {
                case "--json":
                    json = Path.of(value(args, ++i, "--json"));
                    break;
                case "--markdown":
                    markdown = Path.of(value(args, ++i, "--markdown"));
                    break;
                default:
                    paths.add(Path.of(args[i]));
            }
        }
        if (!key) {
            return usage(err, "report needs the public key: --key HEX_OR_FILE");
        }
        if (paths.isEmpty()) {
            return usage(err, "report needs one log: its files or its directory");
        }
        EvidenceReport report = b.build().evidence(paths);
        if (report.verification().entries() == 0
                && report.verification().failure().isEmpty()) {
            return usage(err, "no audit entries found in " + paths);
        }
        if (json != null) {
            Files.writeString(json, report.toJson() + "\n", StandardCharsets.UTF_8);
        }
        if (markdown != null) {
            Files.writeString(markdown, report.toMarkdown(), StandardCharsets.UTF_8);
        } else {
            out.print(report.toMarkdown());
        }
        if (json != null || markdown != null) {
            out.println("evidence report: " + report.result() + (json != null ? ", JSON in " + json : "")
                    + (markdown != null ? ", Markdown in " + markdown : ""));
        }
        return report.verification().failure().isPresent()
                ? EXIT_INVALID
                : report.verification().tornTail().isPresent() ? EXIT_TORN_TAIL : EXIT_VALID;
    }

    private static final int USAGE_ERROR = -1;

    /**
     * Reads one option that {@code verify} and {@code report} share ({@code --key}, {@code --checkpoints},
     * {@code --log-id}, {@code --expect-checkpoint}, {@code --expect-records}, {@code --require-final}) into
     * {@code b}: the index of its last argument, {@code i} for anything else, {@link #USAGE_ERROR} after printing a
     * usage error.
     */
    private static int verifierOption(String[] args, int i, AuditVerifier.Builder b, PrintStream err)
            throws IOException {
        switch (args[i]) {
            case "--key":
                b.trustKey(readKey(value(args, i + 1, "--key")));
                return i + 1;
            case "--checkpoints":
                b.externalCheckpoints(Path.of(value(args, i + 1, "--checkpoints")));
                return i + 1;
            case "--log-id":
                b.expectLogId(value(args, i + 1, "--log-id"));
                return i + 1;
            case "--expect-checkpoint": {
                String v = value(args, i + 1, "--expect-checkpoint");
                int colon = v.indexOf(':');
                if (colon < 1 || !v.substring(0, colon).matches("\\d{1,18}")) {
                    usage(
                            err,
                            "--expect-checkpoint needs SEQ:HASH (as the summary's \"last checkpoint\" line prints it), was '"
                                    + v + "'");
                    return USAGE_ERROR;
                }
                b.expectCheckpoint(Long.parseLong(v.substring(0, colon)), v.substring(colon + 1));
                return i + 1;
            }
            case "--expect-records": {
                String v = value(args, i + 1, "--expect-records");
                if (!v.matches("\\d{1,18}")) {
                    usage(err, "--expect-records needs a number of call records, was '" + v + "'");
                    return USAGE_ERROR;
                }
                b.expectCallRecords(Long.parseLong(v));
                return i + 1;
            }
            case "--require-final":
                b.requireFinalCheckpoint();
                return i;
            default:
                return i;
        }
    }

    private static int prove(String[] args, PrintStream out, PrintStream err) throws IOException {
        long seq = -1;
        List<Path> paths = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--seq")) {
                seq = Long.parseLong(value(args, ++i, "--seq"));
            } else {
                paths.add(Path.of(args[i]));
            }
        }
        if (seq < 0 || paths.isEmpty()) {
            return usage(err, "prove needs --seq N and the log's files");
        }
        out.println(AuditVerifier.proveInclusion(paths, seq).toJson());
        return EXIT_VALID;
    }

    private static int checkProof(String[] args, PrintStream out, PrintStream err) throws IOException {
        AuditVerifier.Builder b = AuditVerifier.builder();
        Path proofFile = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--key")) {
                b.trustKey(readKey(value(args, ++i, "--key")));
            } else {
                proofFile = Path.of(args[i]);
            }
        }
        if (proofFile == null) {
            return usage(err, "check-proof needs --key and the proof file");
        }
        InclusionProof proof = InclusionProof.fromJson(Files.readString(proofFile, StandardCharsets.UTF_8));
        Optional<String> problem = b.build().checkProof(proof);
        if (problem.isPresent()) {
            out.println("proof INVALID: " + problem.get());
            return EXIT_INVALID;
        }
        out.println("proof VALID: record seq " + proof.leafIndex() + " is entry " + proof.leafIndex() + " of the "
                + proof.treeSize() + " entries covered by the signed checkpoint");
        return EXIT_VALID;
    }

    private static int keygen(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length != 2) {
            return usage(err, "keygen needs one directory");
        }
        Path dir = Files.createDirectories(Path.of(args[1]));
        Path seed = dir.resolve("audit-key.seed");
        Path pub = dir.resolve("audit-key.pub");
        for (Path p : List.of(seed, pub)) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                err.println("error: " + p
                        + " exists already: keygen never overwrites a key; move it away or choose another directory");
                return EXIT_USAGE;
            }
        }
        AuditSigningKey key = AuditSigningKey.generate();
        try {
            // created readable by its owner only, from the start (never written first and restricted afterwards)
            OwnerOnlyFile.create(seed, (Hex.encode(key.seed()) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            err.println("error: " + seed
                    + " exists already: keygen never overwrites a key; move it away or choose another directory");
            return EXIT_USAGE;
        }
        Files.writeString(
                pub,
                key.publicKeyHex() + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        out.println("key id " + key.keyId() + ": secret seed in " + seed
                + " (readable by its owner only), public key in " + pub);
        return EXIT_VALID;
    }

    private static String readKey(String value) throws IOException {
        Path p = Path.of(value);
        if (!value.matches("[0-9a-fA-F]{64}") && Files.isRegularFile(p)) {
            return Files.readString(p, StandardCharsets.UTF_8).trim();
        }
        return value;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int usage(PrintStream err, String problem) {
        err.println("error: " + problem);
        err.println("usage: verify --key KEY [--key KEY]... [--checkpoints PATH]... [--log-id ID]");
        err.println("              [--expect-checkpoint SEQ:HASH] [--expect-records N] [--require-final] PATH...");
        err.println("       report --key KEY [--checkpoints PATH]... [--log-id ID] [--expect-checkpoint SEQ:HASH]");
        err.println("              [--expect-records N] [--require-final] [--json FILE] [--markdown FILE] PATH...");
        err.println("       prove --seq N PATH...");
        err.println("       check-proof --key KEY PROOF.json");
        err.println("       keygen DIRECTORY");
        err.println("KEY: 64 hex digits or a file holding them. Exit: 0 valid, 1 invalid, 2 usage, 3 torn tail.");
        return EXIT_USAGE;
    }
}
