package dev.llmgate.core.internal;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The gate's default executor: virtual threads on JDK 21+, daemon platform threads on 17. */
public final class ThreadPools {
    private ThreadPools() {}

    public static ExecutorService newCallExecutor(String name) {
        return newOwnedCallExecutor(name).executor();
    }

    /** A call executor whose owner can shut it down and wait until its threads have ended. */
    public static Owned newOwnedCallExecutor(String name) {
        return new Owned(name);
    }

    /**
     * A call executor and the platform threads it started (none with virtual threads), so that
     * {@link #shutdownAndWait} can wait until they have ended, not only until their tasks have.
     */
    public static final class Owned {
        private final ExecutorService executor;
        private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        private Owned(String name) {
            ExecutorService virtual;
            try {
                Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
                virtual = (ExecutorService) m.invoke(null);
            } catch (ReflectiveOperationException e) {
                virtual = null;
            }
            if (virtual != null) {
                this.executor = virtual;
                return;
            }
            AtomicInteger n = new AtomicInteger();
            this.executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                threads.removeIf(old -> !old.isAlive());
                threads.add(t);
                return t;
            });
        }

        public ExecutorService executor() {
            return executor;
        }

        /**
         * Shuts the executor down and waits up to {@code timeout} until its tasks have finished and its
         * platform threads have ended; true if they did.
         */
        public boolean shutdownAndWait(long timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            executor.shutdown();
            if (!executor.awaitTermination(timeout, unit)) {
                return false;
            }
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return !t.isAlive();
                }
                TimeUnit.NANOSECONDS.timedJoin(t, left);
                if (t.isAlive()) {
                    return false;
                }
            }
            return true;
        }
    }
}
