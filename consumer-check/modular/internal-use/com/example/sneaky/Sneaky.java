package com.example.sneaky;

import dev.llmgate.core.internal.CallIds;

/** Uses a type of a package llmgate-core does not export. */
public final class Sneaky {
    public static String id() {
        return new CallIds().next();
    }
}
