package dev.llmgate.policy.internal;

import dev.llmgate.api.ToolCall;
import dev.llmgate.policy.Approval;
import dev.llmgate.policy.ApprovalRequest;
import dev.llmgate.policy.Decision;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.ToolPolicy;
import dev.llmgate.policy.ToolRule;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.Detector;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.detect.internal.FusedScan;
import dev.llmgate.policy.detect.internal.MeteredScan;
import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.detect.internal.Recognizer;
import dev.llmgate.policy.detect.internal.ScanLimitExceededException;
import dev.llmgate.policy.redact.RedactionMode;
import dev.llmgate.policy.redact.TokenVault;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/** Evaluates a {@link Policy}: detection, thresholds, rules, redaction, tool calls and approvals. Not API. */
public final class Engine {
    private static final PiiDetector HOSTS = PiiDetector.of(FindingTypes.URL, FindingTypes.IP_ADDRESS);

    private final Policy policy;
    private final SecretKeySpec hmacKey;
    /** The policy's recognizer-backed detectors (PII, secrets) scanned in one shared pass, if it has several. */
    private final FusedScan fusedScan;
    /** Per finding type: the rules (bit r: {@code policy.rules().get(r)}) that select it. */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> ruleMasks = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED_TYPES = 4096;

    public Engine(Policy policy, byte[] key) {
        this.policy = policy;
        this.fusedScan = FusedScan.of(policy.detectors()).orElse(null);
        this.hmacKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** A decision and the findings a CONSTRAIN rule wants rewritten (non-overlapping, by position). */
    public record Evaluation(Decision decision, List<Finding> toRedact) {
    }

    /** How an approval ended: the verdict that applies (ALLOW or BLOCK) and the audit label. */
    public record ApprovalOutcome(Verdict verdict, String label) {
    }

    // ---- the scan's work bound (see docs/policy.md, "Performance") ----

    /** The rule id of the BLOCK decision taken when a scan passes its work bound. */
    public static final String SCAN_LIMIT_RULE = "policy.scan-limit";
    /** The work bound of a scan of n characters: {@value #SCAN_STEPS_PER_CHAR} steps per character... */
    static final long SCAN_STEPS_PER_CHAR = 1_000;
    /** ... plus {@value #SCAN_STEPS_CONSTANT} steps. */
    static final long SCAN_STEPS_CONSTANT = 1_000_000;
    private volatile long scanStepsPerChar = SCAN_STEPS_PER_CHAR;
    private volatile long scanStepsConstant = SCAN_STEPS_CONSTANT;

    /** Tests only: lowers (or restores) this engine's work bound to {@code perChar * length + constant} steps. */
    void limitScanSteps(long perChar, long constant) {
        this.scanStepsPerChar = perChar;
        this.scanStepsConstant = constant;
    }

    /** The most steps a scan of {@code length} characters may count. */
    public long scanLimit(int length) {
        return scanStepsPerChar * length + scanStepsConstant;
    }

    /**
     * Evaluates {@code text}; findings starting before {@code ignoreBefore} (already judged context) are ignored. A scan
     * that counts more work than {@link #scanLimit} stops and is decided BLOCK by rule {@value #SCAN_LIMIT_RULE}.
     */
    public Evaluation evaluate(CharSequence text, PolicyStage stage, int ignoreBefore) {
        MeteredText metered = MeteredText.of(text, scanLimit(text.length()));
        try {
            return evaluate(metered, stage, ignoreBefore);
        } catch (ScanLimitExceededException e) {
            // fail closed: whatever the scan had not looked at yet may hold anything
            return new Evaluation(new Decision(stage, Verdict.BLOCK, List.of(SCAN_LIMIT_RULE), List.of()), List.of());
        }
    }

    /**
     * Like {@link #evaluate(CharSequence, PolicyStage, int)} on a text whose counter the caller made (tests read the
     * work counted); throws {@link ScanLimitExceededException} when the counter's limit is passed.
     */
    public Evaluation evaluate(MeteredText text, PolicyStage stage, int ignoreBefore) {
        List<Finding> found = new ArrayList<>();
        Map<String, List<Finding>> shared = fusedScan == null ? null : fusedScan.scan(text);
        for (Detector d : policy.detectors()) {
            if (shared != null && fusedScan.covers(d)) {
                for (Finding f : shared.getOrDefault(fusedScan.idOf(d), List.of())) {
                    if (f.start() >= ignoreBefore && f.confidence() >= policy.threshold(f.type())) {
                        found.add(f);
                    }
                }
                continue;
            }
            Consumer<Finding> sink = f -> {
                if (f.start() >= ignoreBefore && f.confidence() >= policy.threshold(f.type())) {
                    found.add(f);
                }
            };
            if (d instanceof MeteredScan metered) {
                metered.detect(text, sink);
            } else {
                d.detect(text.string(), sink);   // a custom detector: its own patterns, not counted
            }
        }
        if (found.isEmpty()) {
            return new Evaluation(Decision.allow(stage), List.of());
        }
        found.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start()) : Integer.compare(b.end(), a.end()));
        List<Rule> rules = policy.rules();
        if (rules.size() > 64) {
            return decide(stage, found, rules);
        }
        // which rules select each finding's type: looked up once per finding instead of matching every rule's globs
        long[] masks = new long[found.size()];
        long any = 0;
        for (int i = 0; i < masks.length; i++) {
            masks[i] = ruleMask(found.get(i).type());
            any |= masks[i];
        }
        // findings per rule, counted in one pass over the masks (not one pass per rule)
        int[] counts = new int[rules.size()];
        for (long m : masks) {
            for (long b = m; b != 0; b &= b - 1) {
                counts[Long.numberOfTrailingZeros(b)]++;
            }
        }
        List<String> fired = new ArrayList<>();
        Verdict verdict = Verdict.ALLOW;
        List<Finding> redact = null;
        boolean[] added = null;
        for (int r = 0; r < rules.size(); r++) {
            Rule rule = rules.get(r);
            long bit = 1L << r;
            if ((any & bit) == 0 || !rule.appliesTo(stage)) {
                continue;   // (minCount is at least 1)
            }
            if (counts[r] >= rule.minCount()) {
                fired.add(rule.id());
                verdict = verdict.max(rule.verdict());
                if (rule.verdict() == Verdict.CONSTRAIN) {
                    if (redact == null) {
                        redact = new ArrayList<>();
                        added = new boolean[masks.length];
                    }
                    // each finding once, in the order rules and positions first select it (as a LinkedHashSet would)
                    for (int i = 0; i < masks.length; i++) {
                        if ((masks[i] & bit) != 0 && !added[i] && !equalOneAdded(found, added, i)) {
                            added[i] = true;
                            redact.add(found.get(i));
                        }
                    }
                }
            }
        }
        List<Finding> toRedact = redact == null ? List.of() : Recognizer.resolveOverlaps(redact);
        return new Evaluation(new Decision(stage, verdict, fired, found), toRedact);
    }

    /** Whether a finding equal to {@code found[i]} was added (equal findings share a span: neighbours in the sorted list). */
    private static boolean equalOneAdded(List<Finding> found, boolean[] added, int i) {
        Finding f = found.get(i);
        for (int j = i - 1; j >= 0 && found.get(j).start() == f.start() && found.get(j).end() == f.end(); j--) {
            if (added[j] && found.get(j).equals(f)) {
                return true;
            }
        }
        for (int j = i + 1; j < found.size() && found.get(j).start() == f.start() && found.get(j).end() == f.end(); j++) {
            if (added[j] && found.get(j).equals(f)) {
                return true;
            }
        }
        return false;
    }

    /** Bit {@code r} set if rule {@code r} (of at most 64) selects findings of {@code type}; cached per type. */
    private long ruleMask(String type) {
        Long cached = ruleMasks.get(type);
        if (cached != null) {
            return cached;
        }
        List<Rule> rules = policy.rules();
        long mask = 0;
        for (int r = 0; r < rules.size(); r++) {
            if (rules.get(r).selects(type)) {
                mask |= 1L << r;
            }
        }
        if (ruleMasks.size() < MAX_CACHED_TYPES) {
            ruleMasks.put(type, mask);
        }
        return mask;
    }

    /** The decision on {@code found} (sorted), matching each rule's globs (policies with more than 64 rules). */
    private Evaluation decide(PolicyStage stage, List<Finding> found, List<Rule> rules) {
        List<String> fired = new ArrayList<>();
        Verdict verdict = Verdict.ALLOW;
        java.util.Set<Finding> redact = null;
        for (Rule r : rules) {
            if (!r.appliesTo(stage)) {
                continue;
            }
            int count = 0;
            for (Finding f : found) {
                if (r.selects(f.type())) {
                    count++;
                }
            }
            if (count >= r.minCount()) {
                fired.add(r.id());
                verdict = verdict.max(r.verdict());
                if (r.verdict() == Verdict.CONSTRAIN) {
                    if (redact == null) {
                        redact = new java.util.LinkedHashSet<>();
                    }
                    for (Finding f : found) {
                        if (r.selects(f.type())) {
                            redact.add(f);
                        }
                    }
                }
            }
        }
        List<Finding> toRedact = redact == null ? List.of() : Recognizer.resolveOverlaps(new ArrayList<>(redact));
        return new Evaluation(new Decision(stage, verdict, fired, found), toRedact);
    }

    /**
     * {@code text} with {@code findings} rewritten by their types' redaction modes. With a vault,
     * TOKENIZE findings become placeholders; without one they are masked.
     */
    public String redact(String text, List<Finding> findings, Optional<TokenVault> vault) {
        if (findings.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16 * findings.size());
        Mac mac = null;
        int last = 0;
        for (Finding f : findings) {
            if (f.start() < last || f.end() > text.length()) {
                continue;
            }
            out.append(text, last, f.start());
            String type = f.type();
            RedactionMode mode = policy.redactionMode(type);
            switch (mode) {
                case TOKENIZE:
                    if (vault.isPresent()) {
                        out.append(vault.get().tokenize(type, text.substring(f.start(), f.end())));
                    } else {
                        out.append('[').append(type).append(']');
                    }
                    break;
                case HASH:
                    if (mac == null) {
                        mac = newMac();
                    }
                    out.append('[').append(type).append(':').append(hash(mac, text, f.start(), f.end())).append(']');
                    break;
                case LAST_FOUR:
                    out.append('[').append(type).append(lastFour(text, f.start(), f.end())).append(']');
                    break;
                default:
                    out.append('[').append(type).append(']');
            }
            last = f.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String hash(Mac mac, String text, int start, int end) {
        byte[] digest = mac.doFinal(text.substring(start, end).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(12);
        for (int i = 0; i < 6; i++) {
            hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16)).append(Character.forDigit(digest[i] & 0xF, 16));
        }
        return hex.toString();
    }

    private static String lastFour(String text, int start, int end) {
        char[] keep = new char[4];
        int n = 0;
        int total = 0;
        for (int i = end - 1; i >= start; i--) {
            if (Character.isLetterOrDigit(text.charAt(i))) {
                if (n < 4) {
                    keep[3 - n] = text.charAt(i);
                    n++;
                }
                total++;
            }
        }
        if (total < 8 || n < 4) {
            return "";
        }
        return " ****" + new String(keep);
    }

    /** The decision on one tool call whose arguments (placeholders already restored) are {@code arguments}. */
    public Decision evaluateToolCall(ToolCall call, String arguments) {
        ToolPolicy tools = policy.toolPolicy();
        List<String> fired = new ArrayList<>();
        Verdict verdict = Verdict.ALLOW;
        ToolRule matched = null;
        for (ToolRule r : tools.rules()) {
            if (r.matches(call.name())) {
                matched = r;
                break;
            }
        }
        if (matched != null) {
            fired.add(matched.id());
            verdict = matched.verdict();
        } else if (tools.defaultVerdict() != Verdict.ALLOW) {
            fired.add("tool.default");
            verdict = tools.defaultVerdict();
        }
        List<Finding> findings = new ArrayList<>();
        if (!tools.argumentTypes().isEmpty()) {
            boolean hit = false;
            for (Detector d : policy.detectors()) {
                List<Finding> local = new ArrayList<>();
                d.detect(arguments, f -> {
                    if (f.confidence() >= policy.threshold(f.type())) {
                        local.add(f);
                    }
                });
                for (Finding f : local) {
                    for (String glob : tools.argumentTypes()) {
                        if (Glob.matches(glob, f.type())) {
                            findings.add(f);
                            hit = true;
                            break;
                        }
                    }
                }
            }
            if (hit) {
                fired.add("tool.arguments");
                verdict = verdict.max(tools.argumentVerdict());
            }
        }
        if (!tools.allowedHosts().isEmpty()) {
            List<Finding> hosts = new ArrayList<>();
            HOSTS.detect(arguments, hosts::add);
            boolean external = false;
            for (Finding f : hosts) {
                if (f.confidence() < policy.threshold(f.type())) {
                    continue;
                }
                String host = host(arguments.substring(f.start(), f.end()), f.type());
                if (!tools.hostAllowed(host)) {
                    external = true;
                    findings.add(f);
                }
            }
            if (external) {
                fired.add("tool.external-host");
                verdict = Verdict.BLOCK;
            }
        }
        Collections.sort(findings, (a, b) -> Integer.compare(a.start(), b.start()));
        return new Decision(PolicyStage.TOOL, verdict, fired, findings);
    }

    /** The host of a URL or IP finding's text. */
    static String host(String value, String type) {
        if (type.equals(FindingTypes.IP_ADDRESS)) {
            return value;
        }
        String s = value;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int at = s.indexOf('@');
        int slash = indexOfAny(s, "/?#");
        if (at >= 0 && (slash < 0 || at < slash)) {
            s = s.substring(at + 1);
            slash = indexOfAny(s, "/?#");
        }
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return close > 0 ? s.substring(1, close) : s;
        }
        int colon = s.indexOf(':');
        if (colon >= 0) {
            s = s.substring(0, colon);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Asks the approval handler and waits for its answer, the timeout or its failure, whichever comes first. */
    public ApprovalOutcome approve(String callId, Decision decision, Optional<ToolCall> toolCall) {
        Optional<Approval> configured = policy.approval();
        if (configured.isEmpty()) {
            return new ApprovalOutcome(Verdict.BLOCK, "REQUIRE_APPROVAL:NO_HANDLER:BLOCK");
        }
        Approval approval = configured.get();
        Verdict fallback = approval.onTimeout();
        ApprovalRequest request = new ApprovalRequest(callId, decision.stage(), decision.ruleIds(), decision.findingCounts(), toolCall);
        CompletableFuture<Verdict> answer;
        try {
            answer = approval.handler().decide(request).toCompletableFuture();
        } catch (RuntimeException e) {
            return new ApprovalOutcome(fallback, "REQUIRE_APPROVAL:ERROR:" + fallback);
        }
        if (!answer.isDone()) {
            CompletableFuture<?> timer = approval.timer().after(approval.timeout()).toCompletableFuture();
            try {
                CompletableFuture.anyOf(answer, timer).join();
            } catch (CompletionException | java.util.concurrent.CancellationException ignored) {
                // inspected below
            }
        }
        if (!answer.isDone()) {
            answer.cancel(false);
            return new ApprovalOutcome(fallback, "REQUIRE_APPROVAL:TIMEOUT:" + fallback);
        }
        if (answer.isCompletedExceptionally()) {
            return new ApprovalOutcome(fallback, "REQUIRE_APPROVAL:ERROR:" + fallback);
        }
        Verdict v = answer.join();
        Verdict outcome = v == Verdict.BLOCK || v == null ? Verdict.BLOCK : Verdict.ALLOW;
        return new ApprovalOutcome(outcome, "REQUIRE_APPROVAL:" + outcome);
    }
}
