package dev.llmgate.benchmarks;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What handing work to a parked thread costs the thread that hands it over: each operation first
 * lets 50 µs pass (as an HTTP call would, long enough for the other thread to park again), then
 * adds one element to a {@link LinkedBlockingQueue} whose consumer waits in {@code take()}, which
 * must wake it. The baseline does the same with a {@link ConcurrentLinkedQueue} nobody waits on.
 * The difference is the cost of one wake-up on the caller's path, which in-process benchmarks
 * (where the other thread never gets to park) do not see; it is why the audit writer and the call
 * time limits avoid waking a thread per call (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ThreadWakeBenchmark {
    private static final long PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final Object ITEM = new Object();

    final LinkedBlockingQueue<Object> blocking = new LinkedBlockingQueue<>();
    final ConcurrentLinkedQueue<Object> plain = new ConcurrentLinkedQueue<>();
    Thread consumer;

    @Setup(Level.Trial)
    public void setUp() {
        consumer = new Thread(
                () -> {
                    try {
                        while (true) {
                            blocking.take();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "bench-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        consumer.interrupt();
    }

    private static void pause() {
        long end = System.nanoTime() + PAUSE_NANOS;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /** 50 µs, then an add to a queue nobody waits on (and its removal). */
    @Benchmark
    public Object baseline_pauseThenAddNoWake() {
        pause();
        plain.add(ITEM);
        return plain.poll();
    }

    /** 50 µs, then an add that wakes the consumer parked in {@code take()}. */
    @Benchmark
    public boolean pauseThenWakeParkedThread() {
        pause();
        return blocking.add(ITEM);
    }
}
