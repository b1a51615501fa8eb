package dev.llmgate.policy.internal;

/** Tests only: reaches the package-private hook that lowers an engine's work bound. */
public final class ScanLimits {
    private ScanLimits() {}

    /** Lowers {@code engine}'s bound to {@code perChar * length + constant} steps. */
    public static void lower(Engine engine, long perChar, long constant) {
        engine.limitScanSteps(perChar, constant);
    }

    /** Restores {@code engine}'s default bound. */
    public static void restore(Engine engine) {
        engine.limitScanSteps(Engine.SCAN_STEPS_PER_CHAR, Engine.SCAN_STEPS_CONSTANT);
    }
}
