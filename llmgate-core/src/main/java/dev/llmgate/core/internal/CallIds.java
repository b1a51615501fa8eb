package dev.llmgate.core.internal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Unique, cheap call ids: a random per-gate prefix and a counter (no SecureRandom per call). */
public final class CallIds {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public CallIds() {
        long r = new SecureRandom().nextLong() & 0x7fff_ffff_ffffL;
        this.prefix = "call_" + Long.toString(r, 36) + "_";
    }

    public String next() {
        return prefix + Long.toString(counter.incrementAndGet(), 36);
    }
}
