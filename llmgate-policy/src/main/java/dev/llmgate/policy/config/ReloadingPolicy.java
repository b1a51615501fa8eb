package dev.llmgate.policy.config;

import dev.llmgate.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A policy file that is re-read when it changes (opt-in hot reload): at most once per
 * {@code checkEvery}, the first call after that interval compares the file's modification time and
 * size and, if they changed, loads it again. A file that no longer loads keeps the last good policy
 * in force and is reported by {@link #lastError()}. No background thread; pass it to
 * {@link dev.llmgate.policy.PolicyInterceptor#of(Supplier)}. Thread-safe.
 */
public final class ReloadingPolicy implements Supplier<Policy> {
    private final Path file;
    private final UnaryOperator<Policy.Builder> customizer;
    private final Clock clock;
    private final Duration checkEvery;
    private volatile Policy current;
    private volatile Instant nextCheck;
    private volatile FileTime modified;
    private volatile long size;
    private volatile Optional<RuntimeException> lastError = Optional.empty();

    private ReloadingPolicy(Path file, UnaryOperator<Policy.Builder> customizer, Clock clock, Duration checkEvery) {
        this.file = file;
        this.customizer = customizer;
        this.clock = clock;
        this.checkEvery = checkEvery;
        this.current = customizer.apply(PolicyLoader.load(file)).build();
        stamp();
        this.nextCheck = clock.instant().plus(checkEvery);
    }

    /**
     * Loads {@code file} now (failing with its problems if it is invalid) and re-reads it when it changes.
     *
     * @param customizer adds what a file cannot hold (approval callback, custom detectors) to each loaded builder
     * @param clock      the clock that times the checks (the gate's, or a test's)
     * @param checkEvery how often the file's modification time is checked
     */
    public static ReloadingPolicy watch(
            Path file, UnaryOperator<Policy.Builder> customizer, Clock clock, Duration checkEvery) {
        return new ReloadingPolicy(
                Objects.requireNonNull(file, "file"),
                Objects.requireNonNull(customizer, "customizer"),
                Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(checkEvery, "checkEvery"));
    }

    @Override
    public Policy get() {
        Instant now = clock.instant();
        if (!now.isBefore(nextCheck)) {
            synchronized (this) {
                if (!now.isBefore(nextCheck)) {
                    nextCheck = now.plus(checkEvery);
                    reloadIfChanged();
                }
            }
        }
        return current;
    }

    /** Why the last reload failed, if it did (cleared by the next successful one). */
    public Optional<RuntimeException> lastError() {
        return lastError;
    }

    private void reloadIfChanged() {
        try {
            FileTime m = Files.getLastModifiedTime(file);
            long s = Files.size(file);
            if (m.equals(modified) && s == size) {
                return;
            }
            modified = m;
            size = s;
        } catch (IOException e) {
            lastError = Optional.of(
                    new IllegalStateException("cannot read policy file " + file + ": " + e.getMessage(), e));
            return;
        }
        try {
            current = customizer.apply(PolicyLoader.load(file)).build();
            lastError = Optional.empty();
        } catch (RuntimeException e) {
            lastError = Optional.of(e);
        }
    }

    private void stamp() {
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (IOException e) {
            modified = null;
        }
    }

    @Override
    public String toString() {
        return "ReloadingPolicy[" + file + "]";
    }
}
