/** A module that reaches into an internal package: must not compile. */
module com.example.sneaky {
    requires dev.llmgate.core;
}
