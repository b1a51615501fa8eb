package dev.llmgate.policy;

import dev.llmgate.api.Role;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.policy.detect.Detector;
import dev.llmgate.policy.internal.Engine;
import dev.llmgate.policy.internal.Glob;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.policy.redact.RedactionMode;
import dev.llmgate.policy.redact.TokenRestore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A deterministic policy: detectors that find things, rules that turn findings into verdicts,
 * per-type thresholds and redaction modes, tool-call rules and an optional approval callback. No
 * model in the loop: the same input always gets the same decision. Immutable and thread-safe;
 * build once and share.
 *
 * <pre>{@code
 * Policy policy = Policy.builder()
 *         .preset(CompliancePreset.HIPAA)
 *         .rule(Rule.of("no-secrets", Verdict.BLOCK, "SECRET_*"))
 *         .redaction(FindingTypes.PERSON_NAME, RedactionMode.TOKENIZE)
 *         .build();
 * LlmGate gate = LlmGate.builder()...addInterceptor(policy.interceptor()).build();
 * }</pre>
 *
 * <p>Use {@link #evaluate} to check text outside a gate, and {@link #interceptor()} to enforce the
 * policy on every call of a gate (input, output, streamed output and tool calls).
 */
public final class Policy {
    /** The threshold of a finding type that has none of its own. */
    public static final double DEFAULT_THRESHOLD = 0.5;
    /** Characters a stream holds back by default. */
    public static final int DEFAULT_STREAM_WINDOW = 256;
    /** The smallest allowed stream window. */
    public static final int MIN_STREAM_WINDOW = 128;

    private final String name;
    private final List<Detector> detectors;
    private final List<Rule> rules;
    private final Map<String, Double> thresholds;
    private final double defaultThreshold;
    private final List<Map.Entry<String, RedactionMode>> redactions;
    private final int streamWindow;
    private final Set<Role> scanRoles;
    private final Set<Channel> channels;
    private final Set<TokenRestore> restore;
    private final ToolPolicy toolPolicy;
    private final Optional<Approval> approval;
    private final Engine engine;
    private final java.util.concurrent.ConcurrentHashMap<String, RedactionMode> modeCache =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Policy(Builder b, List<Detector> detectors) {
        this.name = b.name;
        this.detectors = List.copyOf(detectors);
        this.rules = List.copyOf(b.rules);
        this.thresholds = Map.copyOf(b.thresholds);
        this.defaultThreshold = b.defaultThreshold;
        this.redactions = List.copyOf(b.redactions);
        this.streamWindow = b.streamWindow;
        this.scanRoles = Set.copyOf(b.scanRoles);
        this.channels = Set.copyOf(b.channels);
        this.restore = Set.copyOf(b.restore);
        this.toolPolicy = b.toolPolicy;
        this.approval = Optional.ofNullable(b.approval);
        byte[] key = b.hmacKey != null ? b.hmacKey.clone() : randomKey();
        this.engine = new Engine(this, key);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** A builder of an empty policy (no detectors, no rules: everything allowed). */
    public static Builder builder() {
        return new Builder();
    }

    /** The policy's name, used in error messages. */
    public String name() {
        return name;
    }

    public List<Detector> detectors() {
        return detectors;
    }

    public List<Rule> rules() {
        return rules;
    }

    public ToolPolicy toolPolicy() {
        return toolPolicy;
    }

    public Optional<Approval> approval() {
        return approval;
    }

    /** How many characters of a streamed answer are held back for scanning, at most. */
    public int streamWindow() {
        return streamWindow;
    }

    /**
     * The message roles whose messages are scanned at input (default USER, TOOL, ASSISTANT; the
     * HIPAA, PCI DSS and GDPR presets add SYSTEM and DEVELOPER).
     */
    public Set<Role> scanRoles() {
        return scanRoles;
    }

    /** The channels scanned (all by default); see {@link Channel}. */
    public Set<Channel> channels() {
        return channels;
    }

    /** Where tokenized values are restored for the caller (default: the answer's text and refusal, outside URLs). */
    public Set<TokenRestore> restoreTokens() {
        return restore;
    }

    /** The confidence a finding of {@code type} needs to count. */
    public double threshold(String type) {
        Double t = thresholds.get(type);
        return t != null ? t : defaultThreshold;
    }

    /** How findings of {@code type} are redacted when a CONSTRAIN rule fires (the last matching entry; MASK if none). */
    public RedactionMode redactionMode(String type) {
        RedactionMode cached = modeCache.get(type);
        if (cached != null) {
            return cached;
        }
        RedactionMode mode = RedactionMode.MASK;
        for (int i = redactions.size() - 1; i >= 0; i--) {
            if (Glob.matches(redactions.get(i).getKey(), type)) {
                mode = redactions.get(i).getValue();
                break;
            }
        }
        modeCache.put(type, mode);
        return mode;
    }

    /** The decision on {@code text} at {@code stage} ({@link PolicyStage#INPUT} or {@link PolicyStage#OUTPUT}). */
    public Decision evaluate(CharSequence text, PolicyStage stage) {
        return engine.evaluate(text, stage, 0).sourceDecision();
    }

    /** The text with every finding of a fired CONSTRAIN rule redacted ({@link RedactionMode#TOKENIZE} falls back to MASK here). */
    public String redact(String text, PolicyStage stage) {
        Engine.Evaluation ev = engine.evaluate(text, stage, 0);
        return engine.redact(text, ev.toRedact(), Optional.empty());
    }

    /**
     * An interceptor that enforces this policy; register it with
     * {@code builder.addInterceptor(policy.interceptor())}, which places it at {@code Stage.POLICY}.
     */
    public PolicyInterceptor interceptor() {
        return PolicyInterceptor.of(this);
    }

    /** The engine behind this policy (the interceptor's and tests'). */
    Engine engine() {
        return engine;
    }

    @Override
    public String toString() {
        return "Policy[" + name + ", " + detectors.size() + " detectors, " + rules.size() + " rules]";
    }

    /** Builds a {@link Policy}; every problem is reported together by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private String name = "policy";
        private final List<Detector> detectors = new ArrayList<>();
        private final List<Rule> rules = new ArrayList<>();
        private final Map<String, Double> thresholds = new LinkedHashMap<>();
        private double defaultThreshold = DEFAULT_THRESHOLD;
        private final List<Map.Entry<String, RedactionMode>> redactions = new ArrayList<>();
        private byte[] hmacKey;
        private int streamWindow = DEFAULT_STREAM_WINDOW;
        private Set<Role> scanRoles = EnumSet.of(Role.USER, Role.TOOL, Role.ASSISTANT);
        private Set<Channel> channels = EnumSet.allOf(Channel.class);
        private Set<TokenRestore> restore = EnumSet.of(TokenRestore.ANSWER_TEXT, TokenRestore.REFUSAL);
        private ToolPolicy toolPolicy = ToolPolicy.NONE;
        private Approval approval;
        private final List<String> presets = new ArrayList<>();

        private Builder() {}

        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /**
         * Adds a detector. A second detector with the same id replaces the first if it reports a
         * superset of its types and is ignored if it reports a subset (so presets can share one).
         */
        public Builder detector(Detector detector) {
            Objects.requireNonNull(detector, "detector");
            for (int i = 0; i < detectors.size(); i++) {
                Detector d = detectors.get(i);
                if (d.id().equals(detector.id())) {
                    if (d.types().containsAll(detector.types())) {
                        return this;
                    }
                    if (detector.types().containsAll(d.types())) {
                        detectors.set(i, detector);
                        return this;
                    }
                }
            }
            detectors.add(detector);
            return this;
        }

        /** Adds a rule; rules are evaluated in the order added. */
        public Builder rule(Rule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** The confidence findings of {@code type} need (0 to 1). */
        public Builder threshold(String type, double value) {
            thresholds.put(Objects.requireNonNull(type, "type"), value);
            return this;
        }

        /** The threshold of types without their own (default {@value #DEFAULT_THRESHOLD}). */
        public Builder defaultThreshold(double value) {
            this.defaultThreshold = value;
            return this;
        }

        /** How findings of {@code typeGlob} are redacted; the last matching entry wins (so yours override a preset's), MASK by default. */
        public Builder redaction(String typeGlob, RedactionMode mode) {
            redactions.add(
                    Map.entry(Objects.requireNonNull(typeGlob, "typeGlob"), Objects.requireNonNull(mode, "mode")));
            return this;
        }

        /** The key of {@link RedactionMode#HASH} (at least 16 bytes); a random per-policy key by default. */
        public Builder hmacKey(byte[] key) {
            this.hmacKey = Objects.requireNonNull(key, "key").clone();
            return this;
        }

        /** The most characters a streamed answer is held back for scanning (default {@value #DEFAULT_STREAM_WINDOW}). */
        public Builder streamWindow(int chars) {
            this.streamWindow = chars;
            return this;
        }

        /**
         * The roles whose messages are scanned at input, replacing the current set (default USER,
         * TOOL, ASSISTANT; the HIPAA, PCI DSS and GDPR presets add SYSTEM and DEVELOPER, so call this
         * after a preset to narrow it).
         */
        public Builder scanRoles(Role... roles) {
            this.scanRoles = roles.length == 0 ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(Arrays.asList(roles));
            return this;
        }

        /** Adds roles to those scanned at input. */
        public Builder alsoScanRoles(Role... roles) {
            EnumSet<Role> set = scanRoles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(scanRoles);
            set.addAll(Arrays.asList(roles));
            this.scanRoles = set;
            return this;
        }

        /** The channels scanned, replacing the current set (default all of {@link Channel}). */
        public Builder channels(Channel... value) {
            this.channels = value.length == 0 ? EnumSet.noneOf(Channel.class) : EnumSet.copyOf(Arrays.asList(value));
            return this;
        }

        /**
         * Where tokenized values are restored for the caller, replacing the current set (default
         * ANSWER_TEXT and REFUSAL); read {@link TokenRestore} before adding TOOL_CALL_ARGUMENTS or URLS.
         */
        public Builder restoreTokens(TokenRestore... value) {
            this.restore =
                    value.length == 0 ? EnumSet.noneOf(TokenRestore.class) : EnumSet.copyOf(Arrays.asList(value));
            return this;
        }

        public Builder tools(ToolPolicy value) {
            this.toolPolicy = Objects.requireNonNull(value, "toolPolicy");
            return this;
        }

        public Builder approval(Approval value) {
            this.approval = Objects.requireNonNull(value, "approval");
            return this;
        }

        /** Adds a compliance preset's detectors, rules and redaction modes (see docs/policy-presets.md). */
        public Builder preset(CompliancePreset preset) {
            presets.add(preset.name());
            preset.applyTo(this);
            return this;
        }

        /**
         * The policy.
         *
         * @throws ConfigurationException listing every problem: unknown finding types in rules, duplicate
         *                                rule ids, thresholds out of range, REQUIRE_APPROVAL without an approval, a too small window
         */
        public Policy build() {
            List<String> problems = new ArrayList<>();
            Set<String> known = new TreeSet<>();
            for (Detector d : detectors) {
                known.addAll(d.types());
            }
            Set<String> ids = new HashSet<>();
            boolean needsApproval = false;
            for (Rule r : rules) {
                if (!ids.add(r.id())) {
                    problems.add("two rules have the id '" + r.id() + "': rule ids must be unique");
                }
                for (String glob : r.types()) {
                    if (known.stream().noneMatch(t -> Glob.matches(glob, t))) {
                        problems.add("rule '" + r.id() + "' selects type '" + glob
                                + "', which no detector of this policy reports; add the "
                                + "detector or fix the type (known types: " + known + ")");
                    }
                }
                needsApproval |= r.verdict() == Verdict.REQUIRE_APPROVAL;
            }
            for (ToolRule r : toolPolicy.rules()) {
                needsApproval |= r.verdict() == Verdict.REQUIRE_APPROVAL;
            }
            needsApproval |= toolPolicy.defaultVerdict() == Verdict.REQUIRE_APPROVAL
                    || (!toolPolicy.argumentTypes().isEmpty()
                            && toolPolicy.argumentVerdict() == Verdict.REQUIRE_APPROVAL);
            for (String glob : toolPolicy.argumentTypes()) {
                if (known.stream().noneMatch(t -> Glob.matches(glob, t))) {
                    problems.add("tool policy denies argument type '" + glob
                            + "', which no detector of this policy reports (known types: " + known + ")");
                }
            }
            for (String glob : toolPolicy.allowedHosts()) {
                try {
                    dev.llmgate.policy.internal.EgressTargets.canonicalGlob(glob);
                } catch (IllegalArgumentException e) {
                    problems.add("tool policy allows host '" + glob + "', which is no host glob: " + e.getMessage());
                }
            }
            if (needsApproval && approval == null) {
                problems.add(
                        "a rule requires approval but no approval is configured: add .approval(Approval.of(handler, timeout, default))");
            }
            for (Map.Entry<String, Double> e : thresholds.entrySet()) {
                if (!(e.getValue() >= 0 && e.getValue() <= 1)) {
                    problems.add("threshold of " + e.getKey() + " must be between 0 and 1, was " + e.getValue());
                }
            }
            if (!(defaultThreshold >= 0 && defaultThreshold <= 1)) {
                problems.add("defaultThreshold must be between 0 and 1, was " + defaultThreshold);
            }
            if (streamWindow < MIN_STREAM_WINDOW) {
                problems.add("streamWindow must be at least " + MIN_STREAM_WINDOW
                        + " characters (so placeholders and findings that " + "straddle chunks are caught), was "
                        + streamWindow);
            }
            if (hmacKey != null && hmacKey.length < 16) {
                problems.add("hmacKey must be at least 16 bytes, was " + hmacKey.length);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new Policy(this, detectors);
        }
    }
}
