package dev.llmgate.policy;

import dev.llmgate.policy.internal.EgressTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Action-side policy: what happens to the tool calls a model asks for, before the application
 * runs them. Three checks, the most severe verdict wins:
 * <ol>
 *   <li>the tool's name against {@link #rules()} (first match), else {@link #defaultVerdict()};</li>
 *   <li>the arguments scanned by the policy's detectors: findings of {@link #argumentTypes()}
 *       give {@link #argumentVerdict()} (rule id {@code tool.arguments});</li>
 *   <li>when {@link #allowedHosts()} is not empty, any URL or host in the arguments' decoded string
 *       values, parsed as a browser would (userinfo, backslashes, numeric IPv4, IPv6, IDNA, full-width
 *       dots, scheme-relative and bare hosts), whose host matches none of them, or that cannot be
 *       parsed unambiguously, blocks the call (rule id {@code tool.external-host}).</li>
 * </ol>
 *
 * @param rules           name rules, first match wins
 * @param defaultVerdict  for tools no rule names
 * @param argumentTypes   finding types (or globs) that must not appear in arguments
 * @param argumentVerdict the verdict for such findings
 * @param allowedHosts    host globs tool arguments may point at ({@code "*.internal.example.com"}, {@code "api.example.com"},
 *                        {@code "10.0.0.*"}); empty = no host check
 */
public record ToolPolicy(
        List<ToolRule> rules,
        Verdict defaultVerdict,
        List<String> argumentTypes,
        Verdict argumentVerdict,
        List<String> allowedHosts) {

    /** No tool-call checks. */
    public static final ToolPolicy NONE = new ToolPolicy(List.of(), Verdict.ALLOW, List.of(), Verdict.ALLOW, List.of());

    public ToolPolicy {
        rules = List.copyOf(rules);
        Objects.requireNonNull(defaultVerdict, "defaultVerdict");
        argumentTypes = List.copyOf(argumentTypes);
        Objects.requireNonNull(argumentVerdict, "argumentVerdict");
        allowedHosts = List.copyOf(allowedHosts);
        if (defaultVerdict == Verdict.CONSTRAIN || argumentVerdict == Verdict.CONSTRAIN) {
            throw new IllegalArgumentException(
                    "tool policy verdicts must be ALLOW, ALLOW_LOG, REQUIRE_APPROVAL or BLOCK, not CONSTRAIN");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * True if {@code host} (any form a URL may give it: upper case, IDN, numeric IPv4, a trailing
     * dot) matches one of {@link #allowedHosts()}, both compared in their canonical WHATWG form;
     * {@code *.example.com} matches the hosts below example.com, not example.com itself. A host
     * that cannot be parsed matches nothing.
     */
    public boolean hostAllowed(String host) {
        java.util.Optional<String> canonical = EgressTargets.canonicalHost(host);
        if (canonical.isEmpty()) {
            return false;
        }
        for (String glob : allowedHosts) {
            if (EgressTargets.hostMatches(canonical.get(), glob)) {
                return true;
            }
        }
        return false;
    }

    /** True if anything is checked. */
    public boolean isActive() {
        return !rules.isEmpty()
                || defaultVerdict != Verdict.ALLOW
                || (!argumentTypes.isEmpty() && argumentVerdict != Verdict.ALLOW)
                || !allowedHosts.isEmpty();
    }

    /** Builds a {@link ToolPolicy}; defaults: no rules, ALLOW by default, no argument or host checks. */
    public static final class Builder {
        private final List<ToolRule> rules = new ArrayList<>();
        private Verdict defaultVerdict = Verdict.ALLOW;
        private final List<String> argumentTypes = new ArrayList<>();
        private Verdict argumentVerdict = Verdict.BLOCK;
        private final List<String> allowedHosts = new ArrayList<>();

        private Builder() {}

        public Builder rule(ToolRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Shorthand: {@code rule(new ToolRule("tool." + glob, glob, verdict))}. */
        public Builder rule(String toolNameGlob, Verdict verdict) {
            return rule(new ToolRule("tool." + toolNameGlob, toolNameGlob, verdict));
        }

        public Builder defaultVerdict(Verdict value) {
            this.defaultVerdict = Objects.requireNonNull(value, "defaultVerdict");
            return this;
        }

        /** Finding types (or globs) that must not appear in arguments, and what happens when they do. */
        public Builder denyArgumentTypes(Verdict verdict, String... types) {
            this.argumentVerdict = Objects.requireNonNull(verdict, "verdict");
            argumentTypes.addAll(List.of(types));
            return this;
        }

        /** Host globs that arguments may point at; any other URL or IP address blocks the call. */
        public Builder allowHosts(String... hostGlobs) {
            allowedHosts.addAll(List.of(hostGlobs));
            return this;
        }

        public ToolPolicy build() {
            return new ToolPolicy(rules, defaultVerdict, argumentTypes, argumentVerdict, allowedHosts);
        }
    }
}
