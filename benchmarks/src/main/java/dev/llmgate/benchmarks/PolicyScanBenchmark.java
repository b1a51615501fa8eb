package dev.llmgate.benchmarks;

import dev.llmgate.policy.Decision;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.preset.CompliancePreset;
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
 * The full HIPAA input scan ({@code Policy.evaluate(text, PolicyStage.INPUT)} of the preset used by
 * {@link FullChain}) over realistic English text of 2 KB and 64 KB: a clinic's visit notes, mostly
 * prose, with a few identifiers (a name after "Patient:", a date of birth, a phone number, an
 * e-mail address) per kilobyte or so; and the same input scan with all four presets together
 * (HIPAA, PCI DSS, GDPR, SOC 2: the GDPR special-category topics and the other detectors in one
 * policy). Beside them, the baseline: one precompiled {@code Pattern.matcher(text).find()} loop
 * (a US SSN pattern) over the same text. Time per scan; docs/benchmarks.md converts it to MB/s
 * (text bytes, UTF-8 = chars here). Targets: HIPAA 100 MB/s per core, all four presets 40 MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1) // the policy scanners need about 8 s of JIT warm-up to reach steady state
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PolicyScanBenchmark {
    static final String[] NOTE = {
        "The patient reports that the cough has improved over the last two weeks, although she still wakes up once or twice a night. ",
        "She has been taking the prescribed medication with meals and has not noticed any side effects so far. ",
        "On examination the lungs were clear, the heart sounds were normal and there was no swelling in the legs. ",
        "We discussed the results of the blood tests, which were within the normal range except for a slightly raised cholesterol. ",
        "The plan is to continue the current treatment, review the diet, and book a follow-up appointment in six weeks. ",
        "If the symptoms return or get worse, she should call the clinic or visit the emergency department. ",
        "Her husband, who came with her today, asked about travel; there is no reason to cancel the planned holiday. ",
        "Patient: Maria Gonzalez, date of birth 04/12/1987, phone (555) 201-7788, e-mail maria.gonzalez@example.com. ",
    };

    /** All four presets in one policy. */
    static final Policy ALL_PRESETS = Policy.builder()
            .name("bench-all")
            .preset(CompliancePreset.HIPAA)
            .preset(CompliancePreset.PCI_DSS)
            .preset(CompliancePreset.GDPR)
            .preset(CompliancePreset.SOC2)
            .build();

    @Param({"2048", "65536"})
    public int bytes;

    String text;
    Pattern ssn;

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder sb = new StringBuilder(bytes);
        for (int i = 0; sb.length() < bytes; i++) {
            sb.append(NOTE[i % NOTE.length]);
        }
        text = sb.substring(0, bytes);
        ssn = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
        Decision d = FullChain.HIPAA.evaluate(text, PolicyStage.INPUT);
        if (d.findings().isEmpty()) {
            throw new IllegalStateException("the sample text should contain identifiers the preset finds");
        }
    }

    @Benchmark
    public Decision hipaaInputScan() {
        return FullChain.HIPAA.evaluate(text, PolicyStage.INPUT);
    }

    @Benchmark
    public Decision allPresetsInputScan() {
        return ALL_PRESETS.evaluate(text, PolicyStage.INPUT);
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
