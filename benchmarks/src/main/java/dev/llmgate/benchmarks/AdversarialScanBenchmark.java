package dev.llmgate.benchmarks;

import dev.llmgate.policy.Decision;
import dev.llmgate.policy.PolicyStage;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The input scan of all four presets together (HIPAA, PCI DSS, GDPR, SOC 2) over 256 KB of an
 * adversarial shape: a short unit repeated, of the kinds that once made a pattern backtrack, retry
 * from every position or resolve overlaps pair by pair (64 KB of "A C G T " took 7-8 s of CPU, 1 MB
 * of "a@a.a" 8.7 s). Beside it, one precompiled {@code Pattern.find} loop (a US SSN pattern) over
 * the same text. Time per scan; docs/benchmarks.md converts it to MB/s. Target: 20 MB/s per shape.
 * The counted work of the same shapes (and more) is asserted linear by LinearScanWorkTest.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AdversarialScanBenchmark {
    static final int BYTES = 256 * 1024;

    /** The shapes by name: the repeated unit. */
    static final Map<String, String> SHAPES = Map.ofEntries(
            Map.entry("spacedACGT", "A C G T "),
            Map.entry("spacedAlphabet", "a b c d e f g h i j k l m n o p q r s t u v w x y z "),
            Map.entry("emails", "a@a.a"),
            Map.entry("honorifics", "Mr "),
            Map.entry("patientLabels", "Patient: John "),
            Map.entry("keyBegins", "-----BEGIN PRIVATE KEY-----"),
            Map.entry("digits", "1"),
            Map.entry("digitsSpaced", "1 "),
            Map.entry("digitsDashed", "1-"),
            Map.entry("digitGroups", "1234 "),
            Map.entry("phonePrefixes", "+1 "),
            Map.entry("colons", ":"),
            Map.entry("ignorePrefixes", "ignore "),
            Map.entry("httpRepeats", "http://a"),
            Map.entry("zeroWidth", "\u200B"),
            Map.entry("base64", "QUJD"),
            Map.entry("hexPairs", "4a6b "),
            Map.entry("gdprStems", "diagnos "),
            Map.entry("cyrillic", "\u0430"),
            Map.entry("emoji", "\uD83D\uDE00 "),
            Map.entry("jsonLines", "{\"memberId\": \"A1234\", \"lastName\": \"Doe\"}\n"),
            Map.entry("jsonArrayLines", "[{\"family\": \"Doe\", \"given\": [\"Jo\"]},\n"));

    @Param({
        "spacedACGT", "spacedAlphabet", "emails", "honorifics", "patientLabels", "keyBegins", "digits", "digitsSpaced",
                "digitsDashed",
        "digitGroups", "phonePrefixes", "colons", "ignorePrefixes", "httpRepeats", "zeroWidth", "base64", "hexPairs",
                "gdprStems",
        "cyrillic", "emoji", "jsonLines", "jsonArrayLines"
    })
    public String shape;

    String text;
    Pattern ssn;

    @Setup(Level.Trial)
    public void setUp() {
        String unit = SHAPES.get(shape);
        if (unit == null) {
            throw new IllegalArgumentException("unknown shape " + shape + "; known: " + SHAPES.keySet());
        }
        text = unit.repeat(BYTES / unit.length() + 1).substring(0, BYTES);
        ssn = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
        Decision d = PolicyScanBenchmark.ALL_PRESETS.evaluate(text, PolicyStage.INPUT);
        if (d.ruleIds().contains("policy.scan-limit")) {
            throw new IllegalStateException("the shape " + shape + " passed the scan's work bound");
        }
    }

    @Benchmark
    public Decision allPresetsInputScan() {
        return PolicyScanBenchmark.ALL_PRESETS.evaluate(text, PolicyStage.INPUT);
    }

    @Benchmark
    public int baseline_singlePatternFind() {
        Matcher m = ssn.matcher(text);
        int found = 0;
        while (m.find()) {
            found++;
        }
        return found;
    }
}
