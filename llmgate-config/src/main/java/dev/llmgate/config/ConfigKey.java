package dev.llmgate.config;

import java.util.Objects;

/**
 * One key of the gate configuration file, as {@link GateConfig#keys()} lists them: the reference in
 * docs/configuration.md and the Spring Boot starter's property metadata are checked against this list, so neither can
 * drift from what the loader accepts.
 *
 * @param path        the key's path: {@code <name>} stands for a name you choose (a provider, route or alias),
 *                    {@code []} for an item of a list, e.g. {@code routes.<alias>.deployments[].weight}
 * @param type        what the value is: {@code string}, {@code integer}, {@code number}, {@code boolean},
 *                    {@code duration} ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601),
 *                    {@code path}, one of a list of words ({@code openai | anthropic | ...}), {@code mapping} or
 *                    {@code list}
 * @param description what it sets, its default, and what it requires
 */
public record ConfigKey(String path, String type, String description) {
    public ConfigKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
    }
}
