package dev.llmgate.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * each wake costs the waking thread several µs on the benchmark machine ({@link ThreadWakeBenchmark}:
 * 7–8 µs; 15–18 µs in a standalone loop, docs/benchmarks.md), a cost in-process benchmarks never
 * see. The loopback stub's threads are in the same JVM, so their CPU shows as well: on two cores,
 * CPU spent by any helper thread is CPU the call or the stub waits for.
 *
 * <p>Runs the blocking calls of {@link GatewayOverheadBenchmark} and the streams of
 * {@link StreamingBenchmark} (each stream read to its end: the "µs/call" of a stream is the whole
 * stream, not its time to first token) against the same loopback stub: each variant {@code calls}
 * times to warm up, then three rounds of {@code calls} calls, printing one line per variant and
 * round with the mean wall time per call and, for every thread (group) that ran at least 0.5 µs or
 * switched at least 0.05 times per call, its CPU µs and switches per call. Deltas are taken per
 * thread id and grouped by the thread's name at the end of the round without its trailing number;
 * threads that ended during a round are not counted (the line says how many). Names are the
 * kernel's ({@code comm}): cut to 15 bytes ("llmgate-audit-w" is the audit writer), and the thread
 * that runs {@code main}, the caller, is "java". Linux only.
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

    private WakeCount() {}

    public static void main(String[] args) throws Exception {
        if (!Files.isDirectory(TASKS)) {
            System.err.println("WakeCount reads /proc/self/task and runs on Linux only");
            System.exit(2);
        }
        int calls = args.length > 0 ? callsArgument(args[0]) : 5_000;
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
            variants.put("(a) stream, by hand", () -> {
                Object first = streaming.a_ttft_directOkHttpSse();
                streaming.drain();
                return first;
            });
            variants.put("(c) stream, full chain", () -> {
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

    private static int callsArgument(String arg) {
        try {
            int calls = Integer.parseInt(arg.replace("_", ""));
            if (calls > 0) {
                return calls;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        System.err.println(
                "WakeCount [calls]: calls per round must be a positive whole number (such as 5000), was '" + arg + "'");
        System.exit(2);
        return 0;
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
                Map<String, Task> before = tasks();
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    sink = v.getValue().call();
                }
                long elapsed = System.nanoTime() - start;
                Map<String, Task> after = tasks();
                // Deltas per thread id (OkHttp renames its task threads while they run a task), grouped by the
                // name the thread has at the end; threads that ended meanwhile are left out and counted.
                Map<String, long[]> byName = new TreeMap<>();
                after.forEach((tid, now) -> {
                    Task then = before.get(tid);
                    long[] sum = byName.computeIfAbsent(now.group(), n -> new long[2]);
                    sum[0] += now.cpuNanos - (then == null ? 0 : then.cpuNanos);
                    sum[1] += now.switches - (then == null ? 0 : then.switches);
                });
                long ended = before.keySet().stream()
                        .filter(tid -> !after.containsKey(tid))
                        .count();
                StringBuilder line = new StringBuilder(String.format(
                        "round %d  %-28s %7.1f µs/call; per call, thread: CPU µs/switches:",
                        round, v.getKey(), elapsed / 1e3 / calls));
                byName.forEach((thread, d) -> {
                    double cpu = d[0] / 1e3 / calls;
                    double switches = d[1] / (double) calls;
                    if (cpu >= 0.5 || switches >= 0.05) {
                        line.append(String.format(" %s %.1f/%.2f", thread, cpu, switches));
                    }
                });
                if (ended > 0) {
                    line.append(" (").append(ended).append(" threads ended meanwhile, not counted)");
                }
                System.out.println(line);
            }
        }
        if (sink == null) {
            System.out.println("(no result)");
        }
    }

    /** One thread's counters so far: CPU time it has run (ns), voluntary context switches, its name now. */
    record Task(String name, long cpuNanos, long switches) {
        /** The name without its trailing number, so that numbered threads of one pool sum up. */
        String group() {
            return NUMBERED.matcher(name).replaceFirst("*");
        }
    }

    /** Every thread of this JVM by its thread id (the task directory's name). */
    static Map<String, Task> tasks() throws IOException {
        Map<String, Task> byId = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String name =
                            new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.ISO_8859_1).trim();
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    long cpu = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    long switches =
                            voluntarySwitches(Files.readAllLines(task.resolve("status"), StandardCharsets.ISO_8859_1));
                    byId.put(task.getFileName().toString(), new Task(name, cpu, switches));
                } catch (IOException ended) {
                    // the thread ended between listing and reading
                }
            }
        }
        return byId;
    }

    private static long voluntarySwitches(List<String> status) {
        for (String line : status) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(
                        line.substring("voluntary_ctxt_switches:".length()).trim());
            }
        }
        return 0;
    }
}
