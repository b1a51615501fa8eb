package dev.llmgate.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Not a JMH benchmark: a diagnostic that shows, per call, which threads of this JVM a call keeps
 * busy and wakes. For every task under {@code /proc/self/task} it reads the CPU time the thread has
 * run ({@code schedstat}) and how often it gave up the CPU voluntarily
 * ({@code voluntary_ctxt_switches}); a thread that parks and is woken again counts one switch, and
 * each wake costs the waking thread 15–18 µs on the benchmark machine ({@link ThreadWakeBenchmark}),
 * a cost in-process benchmarks never see. The loopback stub's threads are in the same JVM, so their
 * CPU shows as well: on two cores, CPU spent by any helper thread is CPU the call or the stub waits
 * for.
 *
 * <p>Runs the blocking calls of {@link GatewayOverheadBenchmark} and the streams of
 * {@link StreamingBenchmark} against the same loopback stub: each variant {@code calls} times to
 * warm up, then three rounds of {@code calls} calls, printing one line per variant and round with
 * the mean wall time per call and, for every thread (group) that ran at least 0.5 µs or switched at
 * least 0.05 times per call, its CPU µs and switches per call. Thread names are grouped by
 * dropping trailing numbers. Linux only.
 *
 * <pre>java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.llmgate.benchmarks.WakeCount [calls]</pre>
 */
public final class WakeCount {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final Pattern NUMBERED = Pattern.compile("[-#]?\\d+$");

    /** One call of a variant; returns something so that the work is not optimised away. */
    @FunctionalInterface
    interface Call {
        Object call() throws Exception;
    }

    private WakeCount() {
    }

    public static void main(String[] args) throws Exception {
        if (!Files.isDirectory(TASKS)) {
            System.err.println("WakeCount reads /proc/self/task and runs on Linux only");
            System.exit(2);
        }
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        GatewayOverheadBenchmark blocking = new GatewayOverheadBenchmark();
        StreamingBenchmark streaming = new StreamingBenchmark();
        blocking.setUp();
        streaming.setUp();
        try {
            Map<String, Call> variants = new LinkedHashMap<>();
            variants.put("(a) blocking, by hand", blocking::a_directOkHttpJackson);
            variants.put("(b) blocking, gate", blocking::b_llmgateNoInterceptors);
            variants.put("(c) blocking, no policy", blocking::c_llmgateFullChainWithoutPolicy);
            variants.put("(c) blocking, full chain", blocking::c_llmgateFullChain);
            variants.put("(a) stream ttft, by hand", () -> {
                Object first = streaming.a_ttft_directOkHttpSse();
                streaming.drain();
                return first;
            });
            variants.put("(c) stream ttft, full chain", () -> {
                Object first = streaming.c_ttft_llmgateFullChain();
                streaming.drain();
                return first;
            });
            run(variants, calls);
        } finally {
            streaming.tearDown();
            blocking.tearDown();
        }
        System.exit(0); // the gate's daemon threads would end with the JVM anyway; do not wait for them
    }

    private static void run(Map<String, Call> variants, int calls) throws Exception {
        Object sink = null;
        for (Call c : variants.values()) {
            for (int i = 0; i < calls; i++) {
                sink = c.call();
            }
        }
        for (int round = 1; round <= 3; round++) {
            for (Map.Entry<String, Call> v : variants.entrySet()) {
                Map<String, long[]> before = byThread();
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    sink = v.getValue().call();
                }
                long elapsed = System.nanoTime() - start;
                Map<String, long[]> after = byThread();
                StringBuilder line = new StringBuilder(String.format("round %d  %-28s %7.1f µs/call; per call, thread: CPU µs/switches:",
                        round, v.getKey(), elapsed / 1e3 / calls));
                after.forEach((thread, now) -> {
                    long[] then = before.getOrDefault(thread, new long[2]);
                    double cpu = (now[0] - then[0]) / 1e3 / calls;
                    double switches = (now[1] - then[1]) / (double) calls;
                    if (cpu >= 0.5 || switches >= 0.05) {
                        line.append(String.format(" %s %.1f/%.2f", thread, cpu, switches));
                    }
                });
                System.out.println(line);
            }
        }
        if (sink == null) {
            System.out.println("(no result)");
        }
    }

    /**
     * {CPU ns run, voluntary context switches} so far, summed per thread name without its trailing
     * number.
     */
    static Map<String, long[]> byThread() throws IOException {
        Map<String, long[]> byName = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String name = NUMBERED.matcher(Files.readString(task.resolve("comm")).trim()).replaceFirst("*");
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    long cpu = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    long switches = voluntarySwitches(Files.readAllLines(task.resolve("status")));
                    long[] sum = byName.computeIfAbsent(name, n -> new long[2]);
                    sum[0] += cpu;
                    sum[1] += switches;
                } catch (IOException ended) {
                    // the thread ended between listing and reading: its switches are gone with it
                }
            }
        }
        return byName;
    }

    private static long voluntarySwitches(List<String> status) {
        for (String line : status) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring("voluntary_ctxt_switches:".length()).trim());
            }
        }
        return 0;
    }
}
