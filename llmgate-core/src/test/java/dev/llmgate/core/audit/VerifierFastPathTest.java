package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.parse;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static dev.llmgate.core.audit.AuditFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.JsonReader;
import dev.llmgate.core.audit.internal.LogEntry;
import dev.llmgate.core.audit.internal.LogFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier hashes a canonical line's bytes as stored and parses and re-serializes every other
 * line: both ways must give the same entry (hash, signed bytes, members) for every input, and a
 * non-canonical line must still be judged by its content (docs/audit-format.md section 2).
 */
class VerifierFastPathTest {
    private static List<String> original;

    @BeforeAll
    static void writeLog() {
        original = AuditFixtures.writeLog(KEY, 23, null);
    }

    /** The reference: parse, remove sig, re-serialize canonically. */
    private static LogEntry slow(byte[] line) {
        return LogEntry.parsed(new String(line, StandardCharsets.UTF_8));
    }

    /** Both paths give the same entry, or both reject the line. */
    private static void assertSameEntry(byte[] line, String what) {
        LogEntry fast;
        LogEntry reference;
        try {
            reference = slow(line);
        } catch (IllegalArgumentException e) {
            try {
                LogEntry.of(line);
            } catch (IllegalArgumentException expected) {
                return;
            }
            throw new AssertionError(what + ": the one-pass check accepted a line the parser rejects: "
                    + new String(line, StandardCharsets.UTF_8));
        }
        fast = LogEntry.of(line);
        assertThat(fast.hash()).as(what).isEqualTo(reference.hash());
        assertThat(fast.canonical()).as(what).isEqualTo(reference.canonical());
        assertThat(fast.sig()).as(what).isEqualTo(reference.sig());
        Map<String, Object> members = JsonReader.parseObject(new String(line, StandardCharsets.UTF_8));
        members.remove("sig");
        for (String name : members.keySet()) {
            assertThat(fast.get(name)).as(what + " member " + name).isEqualTo(reference.get(name));
        }
        assertThat(fast.get("sig")).isNull();
        assertThat(fast.get("no_such_member")).isNull();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyLineTheWriterWritesIsHashedAsStoredWithTheReserializedHash() {
        for (String line : original) {
            LogEntry e = LogEntry.of(utf8(line));
            assertThat(e.hashedAsStored()).as(line).isTrue();
            assertSameEntry(utf8(line), line);
        }
    }

    @Test
    void nonCanonicalSpellingsOfTheSameContentTakeTheParserPathAndGetTheSameHash() {
        String call = original.get(AuditLogTest.indexOfType(original, "call"));
        String checkpoint = original.get(AuditLogTest.indexOfType(original, "checkpoint"));
        byte[] expectedCall = LogEntry.of(utf8(call)).hash();
        List<String> spellings = List.of(
                call.replace("{\"attempts\"", "{ \"attempts\""), // whitespace
                "{\"type\":\"call\"," + call.substring(1).replace(",\"type\":\"call\"", ""), // unsorted members
                call.replace("\"test-gate\"", "\"test\\u002dgate\""), // an unneeded \\u escape
                call.replace("\"test-gate\"", "\"test-\\u0067ate\""),
                call.replace("\"acme\"", "\"\\u0061cme\""));
        for (String s : spellings) {
            LogEntry e = LogEntry.of(utf8(s));
            assertThat(e.hash()).as(s).isEqualTo(expectedCall);
            assertSameEntry(utf8(s), s);
        }
        assertThat(LogEntry.of(utf8(spellings.get(0))).hashedAsStored()).isFalse();
        assertThat(LogEntry.of(utf8(spellings.get(1))).hashedAsStored()).isFalse();
        assertThat(LogEntry.of(utf8(spellings.get(2))).hashedAsStored()).isFalse();

        // sig first, sig alone, sig not a string: same as the parser
        Map<String, Object> cp = parse(checkpoint);
        Object sig = cp.get("sig");
        assertSameEntry(utf8("{\"sig\":\"" + sig + "\",\"type\":\"checkpoint\"}"), "sig first");
        assertSameEntry(utf8("{\"sig\":\"" + sig + "\"}"), "sig alone");
        assertSameEntry(utf8("{\"seq\":1,\"sig\":5}"), "sig a number");
        assertSameEntry(utf8("{\"seq\":1,\"sig\":null}"), "sig null");
        assertSameEntry(utf8("{\"aa\":1,\"sig\":\"ab\\u0063d\"}"), "sig with an escape");
        assertSameEntry(
                utf8(
                        "{\"a\":\"/\\/\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\\u0008\\u000A\",\"b\":[],\"c\":{},\"d\":[{}]}"),
                "escapes");
        assertSameEntry(
                utf8("{\"a\":\"\u00e9\u20ac\ud83d\ude00\",\"\u00e9\":1,\"z\":\"\\ud800\\udc00\\ud800\"}"), "non-ASCII");
        assertSameEntry(utf8("{\"a\":-0,\"b\":-1,\"c\":9007199254740991,\"d\":-9007199254740991}"), "numbers");
        assertSameEntry(utf8("{\"a\":9007199254740992}"), "too large");
        assertSameEntry(utf8("{\"a\":1,\"a\":1}"), "duplicate");
        assertSameEntry(utf8("{\"b\":1,\"a\":1}"), "unsorted");
        assertSameEntry(utf8("{\"a\":1,\"ab\":1,\"b\":{\"y\":1,\"x\":2}}"), "nested unsorted");
        assertSameEntry(utf8("{}"), "empty");
        assertSameEntry(utf8("[]"), "not an object");
        assertSameEntry(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'}, "invalid UTF-8");
        assertSameEntry(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'},
                "encoded surrogate");
    }

    @Test
    void anyByteChangedInsertedOrDeletedGivesTheSameResultOnBothPaths() {
        Random random = new Random(20261124);
        byte[] interesting = utf8(" \t\r\n\"\\,:{}[]01-9.eEaAtrufnlsu/?");
        byte[] odd = {0, 0x1f, 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xa9, (byte) 0xed, (byte) 0xe2, (byte) 0xff};
        List<byte[]> lines = new ArrayList<>();
        for (String type : List.of("genesis", "call", "checkpoint")) {
            lines.add(utf8(original.get(AuditLogTest.indexOfType(original, type))));
        }
        lines.add(utf8("{\"a\":[1,-2,{\"b\":\"x\\n\\u0001\"},true,false,null],\"sig\":\"00ff\",\"z\":\"\"}"));
        for (int round = 0; round < 15_000; round++) {
            byte[] line = lines.get(random.nextInt(lines.size()));
            int at = random.nextInt(line.length);
            byte b = random.nextInt(4) == 0
                    ? odd[random.nextInt(odd.length)]
                    : interesting[random.nextInt(interesting.length)];
            byte[] changed;
            switch (random.nextInt(3)) {
                case 0:
                    changed = line.clone();
                    changed[at] = b;
                    break;
                case 1:
                    changed = new byte[line.length + 1];
                    System.arraycopy(line, 0, changed, 0, at);
                    changed[at] = b;
                    System.arraycopy(line, at, changed, at + 1, line.length - at);
                    break;
                default:
                    changed = new byte[line.length - 1];
                    System.arraycopy(line, 0, changed, 0, at);
                    System.arraycopy(line, at + 1, changed, at, line.length - at - 1);
            }
            assertSameEntry(changed, "round " + round + ": " + new String(changed, StandardCharsets.UTF_8));
        }
    }

    /** A line as another JSON writer might write it: members in reverse order, with spaces. Same content. */
    private static String rewrite(Map<String, Object> obj) {
        StringBuilder sb = new StringBuilder("{ ");
        List<String> names = new ArrayList<>(obj.keySet());
        names.sort(java.util.Comparator.reverseOrder());
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(" , ");
            }
            sb.append(CanonicalJson.write(names.get(i)))
                    .append(" : ")
                    .append(CanonicalJson.write(obj.get(names.get(i))));
        }
        return sb.append(" }").toString();
    }

    @Test
    void aLogRewrittenNonCanonicallyStillVerifiesAndAChangeInItIsStillDetected(@TempDir Path dir) throws IOException {
        List<String> rewritten = new ArrayList<>();
        for (String line : original) {
            rewritten.add(rewrite(parse(line)));
        }
        assertThat(rewritten).doesNotContainAnyElementsOf(original);
        VerificationReport r = verifier(KEY).verifyLines(rewritten, "log");
        assertThat(r.valid()).as(r.summary()).isTrue();
        Path file = dir.resolve("rewritten.jsonl");
        Files.write(file, rewritten);
        VerificationReport fromFile = verifier(KEY).verify(List.of(file));
        assertThat(fromFile.valid()).as(fromFile.summary()).isTrue();

        for (int i = 0; i < original.size(); i++) {
            Map<String, Object> obj = parse(original.get(i));
            if (!"call".equals(obj.get("type"))) {
                continue;
            }
            obj.put("tenant", "someone-else");
            List<String> changed = new ArrayList<>(rewritten);
            changed.set(i, rewrite(obj));
            VerificationReport bad = verifier(KEY).verifyLines(changed, "log");
            assertThat(bad.failure()).as("record %d", i).isPresent();
            assertThat(bad.failure().get().seq()).isEqualTo(i);
        }
    }

    /** The file path (lines parsed ahead on a second thread) reports exactly what the in-memory path reports. */
    @Test
    void verifyingFilesReportsTheSameFailuresAsVerifyingLines(@TempDir Path dir) throws IOException {
        List<List<String>> cases = new ArrayList<>();
        for (int i = 0; i < original.size(); i++) {
            Map<String, Object> obj = parse(original.get(i));
            obj.put("ts", "x" + obj.get("ts"));
            List<String> lines = new ArrayList<>(original);
            lines.set(i, write(obj));
            cases.add(lines);
            List<String> deleted = new ArrayList<>(original);
            deleted.remove(i);
            cases.add(deleted);
            List<String> broken = new ArrayList<>(original);
            broken.set(i, original.get(i).substring(0, original.get(i).length() / 2));
            cases.add(broken);
        }
        List<String> empty = new ArrayList<>(original);
        empty.add(3, "");
        cases.add(empty);
        int n = 0;
        for (List<String> lines : cases) {
            Path file = dir.resolve("case-" + n++ + ".jsonl");
            Files.write(file, lines);
            VerificationReport fromLines = verifier(KEY).verifyLines(lines, file.toString());
            VerificationReport fromFile = verifier(KEY).verify(List.of(file));
            assertThat(fromFile.failure()).as("case %d", n).isEqualTo(fromLines.failure());
            assertThat(fromFile.tornTail()).isEqualTo(fromLines.tornTail());
            assertThat(fromFile.summary()).isEqualTo(fromLines.summary());
        }
        // a torn last line, only in a file
        Path torn = dir.resolve("torn.jsonl");
        String last = original.get(original.size() - 1);
        Files.writeString(
                torn, String.join("\n", original.subList(0, original.size() - 1)) + "\n" + last.substring(0, 40));
        VerificationReport r = verifier(KEY).verify(List.of(torn));
        assertThat(r.failure()).isEmpty();
        assertThat(r.tornTail()).hasValueSatisfying(t -> assertThat(t).contains("is not a complete entry"));
    }

    @Test
    void inMemoryLinesThatDoNotSurviveUtf8AreParsedFromTheirText() {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("a", "x\ud800y");
        String canonical = write(obj);
        assertThat(canonical).isEqualTo("{\"a\":\"x\\ud800y\"}");
        String raw = "{\"a\":\"x\ud800y\"}"; // a lone surrogate as a character, not escaped
        LogEntry fromText = LogEntry.of(LogFiles.lines(List.of(raw), "mem").next());
        assertThat(fromText.hashedAsStored()).isFalse();
        assertThat(fromText.hash())
                .isEqualTo(LogEntry.of(utf8(canonical)).hash())
                .isEqualTo(LogEntry.parsed(raw).hash());
        assertThat(fromText.get("a")).isEqualTo("x\ud800y");
        assertThat(LogEntry.of(LogFiles.lines(List.of(canonical), "mem").next()).hashedAsStored())
                .as("a \\u escape of a surrogate is left to the parser")
                .isFalse();
        assertThat(LogEntry.of(LogFiles.lines(List.of(original.get(1)), "mem").next())
                        .hashedAsStored())
                .isTrue();
    }
}
