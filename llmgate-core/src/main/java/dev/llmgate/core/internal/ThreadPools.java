package dev.llmgate.core.internal;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The gate's default executor: virtual threads on JDK 21+, daemon platform threads on 17. */
public final class ThreadPools {
    private ThreadPools() {
    }

    public static ExecutorService newCallExecutor(String name) {
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException e) {
            AtomicInteger n = new AtomicInteger();
            return Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }
}
