package dev.llmgate.policy.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.ToolCall;
import dev.llmgate.policy.Approval;
import dev.llmgate.policy.ApprovalRequest;
import dev.llmgate.policy.Channel;
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
import dev.llmgate.policy.detect.internal.BuiltInScans;
import dev.llmgate.policy.detect.internal.FusedScan;
import dev.llmgate.policy.detect.internal.MeteredScan;
import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.detect.internal.Recognizer;
import dev.llmgate.policy.detect.internal.ScanLimitExceededException;
import dev.llmgate.policy.redact.TokenVault;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Evaluates a {@link Policy}: detection, thresholds, rules, redaction, tool calls and approvals. Not API. */
public final class Engine {

    private final Policy policy;
    private final SecretKeySpec hmacKey;
    /** The policy's recognizer-backed detectors (PII, secrets) scanned in one shared pass, if it has several. */
    private final FusedScan fusedScan;
    /** Whether a detector of the policy reports {@code INJECTION_OBFUSCATION} (then hidden tag text is reported). */
    private final boolean readsInjection;
    /** Per detector of the policy (same order): its metered scan if it is a built-in one, else null (a custom detector). */
    private final MeteredScan[] meteredScans;
    /** Per finding type: the rules (bit r: {@code policy.rules().get(r)}) that select it. */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> ruleMasks =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final int MAX_CACHED_TYPES = 4096;

    /** The tool policy's allowed host globs, canonical ({@link EgressTargets#canonicalGlob}). */
    private final List<String> allowedHosts;

    public Engine(Policy policy, byte[] key) {
        this.policy = policy;
        List<String> globs = new ArrayList<>();
        for (String g : policy.toolPolicy().allowedHosts()) {
            globs.add(EgressTargets.canonicalGlob(g));
        }
        this.allowedHosts = List.copyOf(globs);
        this.fusedScan = FusedScan.of(policy.detectors()).orElse(null);
        this.readsInjection =
                policy.detectors().stream().anyMatch(d -> d.types().contains(FindingTypes.INJECTION_OBFUSCATION));
        this.meteredScans = new MeteredScan[policy.detectors().size()];
        for (int i = 0; i < meteredScans.length; i++) {
            meteredScans[i] =
                    BuiltInScans.meteredScan(policy.detectors().get(i)).orElse(null);
        }
        this.hmacKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * A decision and the findings a CONSTRAIN rule wants rewritten (non-overlapping, by position),
     * both in the coordinates of {@code view}'s text.
     */
    public record Evaluation(Decision decision, List<Finding> toRedact, ScanView view) {
        /** The decision with its findings' spans in the (only) source's coordinates. */
        public Decision sourceDecision() {
            if (view.isIdentity() || decision.findings().isEmpty()) {
                return decision;
            }
            List<Finding> mapped = new ArrayList<>(decision.findings().size());
            for (Finding f : decision.findings()) {
                int[] span = view.sourceSpan(f.start(), f.end());
                mapped.add(new Finding(f.type(), span[0], Math.max(span[0], span[1]), f.confidence(), f.detector()));
            }
            return new Decision(decision.stage(), decision.verdict(), decision.ruleIds(), mapped);
        }
    }

    /** How an approval ended: the verdict that applies (ALLOW or BLOCK) and the audit label. */
    public record ApprovalOutcome(Verdict verdict, String label) {}

    // ---- the scan's work bound (see docs/policy.md, "Linear time, counted and bounded") ----

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
     * The detectors' findings in {@code text}, whose counter the caller made, with no rules applied (tests read
     * the work counted); throws {@link ScanLimitExceededException} when the counter's limit is passed.
     */
    public List<Finding> findings(MeteredText text) {
        List<Finding> found = new ArrayList<>();
        detect(text, null, found);
        return found;
    }

    /** A request's definitions (tools, response schema) and their evaluation at INPUT. */
    public record Definitions(RequestView view, Evaluation evaluation) {}

    /** Evaluated definitions by {@link RequestView#definitionsKey}. */
    private final java.util.concurrent.ConcurrentHashMap<Object, Definitions> definitions =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final int MAX_CACHED_DEFINITIONS = 256;

    /**
     * The evaluation at INPUT of {@code request}'s definitions, or empty if it has none the policy
     * scans; kept for equal definitions (an application sends the same tools with most calls, and
     * scanning them is the larger part of such a call's scan). The same text always gets the same
     * evaluation, so keeping it changes no decision.
     */
    public Optional<Definitions> evaluateDefinitions(ChatRequest request) {
        if (request.tools().isEmpty() && !(request.responseFormat() instanceof ResponseFormat.JsonSchema)) {
            return Optional.empty();
        }
        Object key = RequestView.definitionsKey(request, policy);
        Definitions cached = definitions.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<RequestView> view = RequestView.definitions(request, policy);
        if (view.isEmpty()) {
            return Optional.empty();
        }
        Definitions d = new Definitions(view.get(), evaluate(view.get().view(), PolicyStage.INPUT, 0));
        if (definitions.size() >= MAX_CACHED_DEFINITIONS) {
            definitions.clear();
        }
        definitions.put(key, d);
        return Optional.of(d);
    }

    /** Evaluates free text; findings starting before {@code ignoreBefore} (already judged context) are ignored. */
    public Evaluation evaluate(CharSequence text, PolicyStage stage, int ignoreBefore) {
        ScanView view = ScanView.of(
                stage == PolicyStage.INPUT ? Channel.MESSAGES : Channel.ANSWER_TEXT,
                text.toString(),
                ScanView.Kind.PLAIN);
        int from = ignoreBefore <= 0 ? 0 : viewPosition(view, ignoreBefore);
        return evaluate(view, stage, from);
    }

    /** The first view position whose source position is at or after {@code sourcePos} (single-source views). */
    static int viewPosition(ScanView view, int sourcePos) {
        if (view.isIdentity()) {
            return sourcePos;
        }
        String t = view.text();
        int lo = 0;
        // source positions grow with view positions in a single plain source, up to its second reading (tag
        // characters decoded), which starts from its beginning again
        int hi = view.rereads().length > 0 ? view.rereads()[0] : t.length();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int s = view.sourceStart(mid);
            if (s >= 0 && s < sourcePos) {
                lo = mid + 1;
            } else if (s < 0) {
                // a separator: look at the nearest real character before it
                int k = mid - 1;
                while (k >= lo && view.sourceStart(k) < 0) {
                    k--;
                }
                if (k >= lo && view.sourceStart(k) < sourcePos) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Evaluates {@code view}: every detector over its text, then over the text around each junction
     * joined directly (findings that cross the junction are added unless one of the same type is
     * already there); findings starting before view position {@code ignoreBefore} are ignored.
     */
    public Evaluation evaluate(ScanView view, PolicyStage stage, int ignoreBefore) {
        return evaluate(view, stage, ignoreBefore <= 0 ? null : f -> f.start() >= ignoreBefore);
    }

    /** Like {@link #evaluate(ScanView, PolicyStage, int)}, keeping only the findings {@code keep} accepts (null: all). */
    public Evaluation evaluate(ScanView view, PolicyStage stage, java.util.function.Predicate<Finding> keep) {
        try {
            return evaluate(
                    view, MeteredText.of(view.text(), scanLimit(view.text().length()), view.disguised()), stage, keep);
        } catch (ScanLimitExceededException e) {
            // fail closed: whatever the scan had not looked at yet may hold anything
            return new Evaluation(
                    new Decision(stage, Verdict.BLOCK, List.of(SCAN_LIMIT_RULE), List.of()), List.of(), view);
        }
    }

    /**
     * Evaluates free text counting the work on {@code text}'s counter (tests read it); throws
     * {@link ScanLimitExceededException} when the counter's limit is passed instead of deciding BLOCK.
     */
    public Evaluation evaluate(MeteredText text, PolicyStage stage, int ignoreBefore) {
        ScanView view = ScanView.of(Channel.MESSAGES, text.string(), ScanView.Kind.PLAIN);
        return evaluate(view, text.view(view.text()), stage, ignoreBefore <= 0 ? null : f -> f.start() >= ignoreBefore);
    }

    /**
     * Drops from {@code found} each finding in a span of {@code view} that reads a source again as text
     * ({@link ScanView#rereads}) whose every source piece lies within a piece of a finding of the same type found
     * outside such spans (the source's values reading): one value read twice is counted (and redacted) once. A
     * finding the second reading alone found, or that covers any source character the first did not, stays.
     */
    static void dropRereadDuplicates(ScanView view, List<Finding> found) {
        int[] rereads = view.rereads();
        int n = found.size();
        boolean[] inReread = new boolean[n];
        List<SourcePiece> first = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Finding f = found.get(i);
            int k = Arrays.binarySearch(rereads, f.start());
            // [from, to) pairs: an exact hit on a pair's start, or an insertion point after one, is inside
            inReread[i] = k >= 0 ? (k & 1) == 0 : ((-k - 1) & 1) == 1;
            if (!inReread[i]) {
                for (ScanView.Piece p : view.pieces(f.start(), f.end())) {
                    first.add(new SourcePiece(f.type(), p.source(), p.start(), p.end()));
                }
            }
        }
        if (first.isEmpty()) {
            dropRepeatedRereads(view, found, inReread);
            return;
        }
        first.sort(SourcePiece.ORDER);
        // per (type, source), in order of start: the furthest end reached by a piece so far
        int[] reach = new int[first.size()];
        for (int j = 0; j < reach.length; j++) {
            SourcePiece p = first.get(j);
            reach[j] = j > 0 && first.get(j - 1).sameGroup(p) ? Math.max(reach[j - 1], p.end()) : p.end();
        }
        int w = 0;
        for (int i = 0; i < n; i++) {
            Finding f = found.get(i);
            boolean covered = inReread[i];
            if (covered) {
                List<ScanView.Piece> pieces = view.pieces(f.start(), f.end());
                covered = !pieces.isEmpty();
                for (int q = 0; q < pieces.size() && covered; q++) {
                    ScanView.Piece p = pieces.get(q);
                    SourcePiece probe = new SourcePiece(f.type(), p.source(), p.start(), p.end());
                    // the last first-reading piece of the same group starting at or before this one
                    int lo = 0;
                    int hi = first.size() - 1;
                    int last = -1;
                    while (lo <= hi) {
                        int mid = (lo + hi) >>> 1;
                        if (SourcePiece.ORDER.compare(first.get(mid), probe) <= 0) {
                            last = mid;
                            lo = mid + 1;
                        } else {
                            hi = mid - 1;
                        }
                    }
                    covered = last >= 0 && first.get(last).sameGroup(probe) && reach[last] >= p.end();
                }
            }
            if (!covered) {
                inReread[w] = inReread[i];
                found.set(w++, f);
            }
        }
        found.subList(w, n).clear();
        dropRepeatedRereads(view, found, inReread);
    }

    /**
     * Drops a finding of a second reading that covers the same source pieces with the same type as an earlier one (a
     * JSON member read as written and as its words: {@code x-client: "…"}, {@code x client: "…"}).
     */
    private static void dropRepeatedRereads(ScanView view, List<Finding> found, boolean[] inReread) {
        java.util.Set<List<Object>> seen = null;
        int w = 0;
        for (int i = 0; i < found.size(); i++) {
            Finding f = found.get(i);
            if (inReread[i]) {
                if (seen == null) {
                    seen = new java.util.HashSet<>();
                }
                List<Object> key = new ArrayList<>();
                key.add(f.type());
                key.addAll(view.pieces(f.start(), f.end()));
                if (!seen.add(key)) {
                    continue;
                }
            }
            found.set(w++, f);
        }
        found.subList(w, found.size()).clear();
    }

    /** A piece of a source a finding of {@code type} covers (for {@link #dropRereadDuplicates}). */
    private record SourcePiece(String type, int source, int start, int end) {
        static final java.util.Comparator<SourcePiece> ORDER = java.util.Comparator.comparing(SourcePiece::type)
                .thenComparingInt(SourcePiece::source)
                .thenComparingInt(SourcePiece::start);

        boolean sameGroup(SourcePiece o) {
            return type.equals(o.type) && source == o.source;
        }
    }

    /** The evaluation of {@code view} whose text, metered, is {@code metered}. */
    private Evaluation evaluate(
            ScanView view, MeteredText metered, PolicyStage stage, java.util.function.Predicate<Finding> keep) {
        String text = view.text();
        List<Finding> found = new ArrayList<>();
        detect(metered, keep, found);
        int[] junctions = view.junctions();
        if (junctions.length > 0) {
            junctionFindings(text, junctions, view.disguised(), keep, found);
        }
        if (view.rereads().length > 0 && found.size() > 1) {
            dropRereadDuplicates(view, found);
        }
        if (view.invisibles() > 0 && !found.isEmpty()) {
            obfuscation(found);
        }
        if (view.hiddenTagText() && readsInjection) {
            hiddenText(text, found);
        }
        return decide(view, stage, found);
    }

    /**
     * The evaluation of {@code found} (view findings, already at their thresholds) under the policy's rules: what a
     * scan of {@code view} that found them decides.
     */
    public Evaluation decide(ScanView view, PolicyStage stage, List<Finding> found) {
        if (found.isEmpty()) {
            return new Evaluation(Decision.allow(stage), List.of(), view);
        }
        found.sort((a, b) ->
                a.start() != b.start() ? Integer.compare(a.start(), b.start()) : Integer.compare(b.end(), a.end()));
        List<Rule> rules = policy.rules();
        if (rules.size() > 64) {
            return decide(stage, found, rules, view);
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
                continue; // (minCount is at least 1)
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
        List<Finding> toRedact = redact == null ? List.of() : Recognizer.forRedaction(new ArrayList<>(redact));
        return new Evaluation(new Decision(stage, verdict, fired, found), toRedact, view);
    }

    /**
     * Runs every detector over {@code text} (the built-in ones count their work on its counter and stop past its
     * limit), adding the findings at their thresholds that {@code keep} accepts (null: all).
     */
    private void detect(MeteredText text, java.util.function.Predicate<Finding> keep, List<Finding> found) {
        Map<String, List<Finding>> shared = fusedScan == null ? null : fusedScan.scan(text);
        Consumer<Finding> sink = f -> {
            if (f.confidence() >= policy.threshold(f.type()) && (keep == null || keep.test(f))) {
                found.add(f);
            }
        };
        List<Detector> detectors = policy.detectors();
        for (int i = 0; i < detectors.size(); i++) {
            Detector d = detectors.get(i);
            MeteredScan metered = meteredScans[i];
            if (shared != null && fusedScan.covers(d)) {
                for (Finding f : shared.getOrDefault(fusedScan.idOf(d), List.of())) {
                    sink.accept(f);
                }
            } else if (metered != null) {
                metered.detect(text, sink);
            } else {
                d.detect(text.string(), sink); // a custom detector: its own patterns, not counted
            }
        }
    }

    /**
     * {@link #detect(MeteredText, java.util.function.Predicate, List)} on a text of its own, with its own bound;
     * {@code disguised}: its positions of characters a view decoded or folded ({@link ScanView#disguised()}).
     */
    private void detect(String text, int[] disguised, java.util.function.Predicate<Finding> keep, List<Finding> found) {
        detect(MeteredText.of(text, scanLimit(text.length()), disguised), keep, found);
    }

    private static final int[] NONE = new int[0];

    /**
     * The positions of {@code disguised} (view positions, increasing) in a text made of the view without the
     * characters at {@code removed} (increasing), keeping only those in {@code [from, to)} and counting from
     * {@code from}. Linear in the two arrays' lengths; no allocation when nothing is disguised.
     */
    static int[] disguisedIn(int[] disguised, int[] removed, int from, int to) {
        // only the slice in [from, to): a window per junction must not walk the whole array (many junctions, many
        // disguised characters: quadratic)
        int lo = countBelow(disguised, from);
        int hi = countBelow(disguised, to);
        if (lo == hi) {
            return NONE;
        }
        int[] out = new int[hi - lo];
        int n = 0;
        int r = countBelow(removed, disguised[lo]);
        int belowFrom = countBelow(removed, from);
        for (int k = lo; k < hi; k++) {
            int p = disguised[k];
            while (r < removed.length && removed[r] < p) {
                r++;
            }
            if (r < removed.length && removed[r] == p) {
                continue;
            }
            out[n++] = p - from - (r - belowFrom);
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** How many of {@code sorted} (increasing, distinct) lie before {@code p}. */
    private static int countBelow(int[] sorted, int p) {
        int i = java.util.Arrays.binarySearch(sorted, p);
        return i >= 0 ? i : -i - 1;
    }

    /** Characters on each side of a junction scanned joined directly. */
    static final int JUNCTION_REACH = 64;

    private void junctionFindings(
            String text,
            int[] junctions,
            int[] disguised,
            java.util.function.Predicate<Finding> keep,
            List<Finding> found) {
        List<Finding> crossing = new ArrayList<>();
        if ((long) junctions.length * (2 * JUNCTION_REACH + 1) >= 2L * text.length()) {
            // many junctions (a JSON text of short values): two scans of the whole text, one with every other junction
            // joined, so that each junction is joined with its neighbours kept apart, as the per-junction scan below
            // does
            for (int parity = 0; parity < 2 && parity < junctions.length; parity++) {
                int[] joinedAt = new int[(junctions.length + 1 - parity) / 2];
                for (int k = parity, n = 0; k < junctions.length; k += 2) {
                    joinedAt[n++] = junctions[k];
                }
                StringBuilder joined = new StringBuilder(text.length());
                int last = 0;
                for (int j : joinedAt) {
                    joined.append(text, last, j);
                    last = j + 1;
                }
                joined.append(text, last, text.length());
                List<Finding> local = new ArrayList<>();
                detect(joined.toString(), disguisedIn(disguised, joinedAt, 0, text.length()), null, local);
                for (Finding f : local) {
                    // joined position p is view position p + (joined junctions before it)
                    int start = f.start() + countBefore(joinedAt, f.start(), true);
                    int end = f.end() + countBefore(joinedAt, f.end(), false);
                    if (junctionsBelow(joinedAt, end) > junctionsBelow(joinedAt, start)) {
                        crossing.add(new Finding(f.type(), start, end, f.confidence(), f.detector()));
                    }
                }
            }
        } else {
            StringBuilder window = new StringBuilder(2 * JUNCTION_REACH);
            List<Finding> local = new ArrayList<>();
            for (int j : junctions) {
                int from = Math.max(0, j - JUNCTION_REACH);
                int to = Math.min(text.length(), j + 1 + JUNCTION_REACH);
                window.setLength(0);
                window.append(text, from, j).append(text, j + 1, to);
                int left = j - from;
                local.clear();
                detect(
                        window.toString(),
                        disguised.length == 0 ? NONE : disguisedIn(disguised, new int[] {j}, from, to),
                        null,
                        local);
                for (Finding f : local) {
                    if (f.start() < left
                            && f.end() > left) { // crosses the junction (the view's own scan has the others)
                        crossing.add(new Finding(
                                f.type(), from + f.start(), j + 1 + (f.end() - left), f.confidence(), f.detector()));
                    }
                }
            }
        }
        if (crossing.isEmpty()) {
            return;
        }
        SpanIndex known = new SpanIndex(found);
        for (Finding f : crossing) {
            if ((keep == null || keep.test(f)) && !known.overlaps(f)) {
                found.add(f);
            }
        }
    }

    /**
     * How many junctions lie before joined-text position {@code p} (view positions: junction
     * {@code k} sits at joined position {@code junctions[k] - k}); {@code atStart} counts a junction
     * exactly at {@code p} too (a finding that starts right after a joined junction starts after it).
     */
    private static int countBefore(int[] junctions, int p, boolean atStart) {
        int lo = 0;
        int hi = junctions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int joinedPos = junctions[mid] - mid;
            if (joinedPos < p || (atStart && joinedPos == p)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** How many junctions (view positions) lie below {@code v}. */
    private static int junctionsBelow(int[] junctions, int v) {
        int i = java.util.Arrays.binarySearch(junctions, v);
        return i >= 0 ? i : -i - 1;
    }

    /** Findings by type, sorted by start with the running maximum end: whether a span overlaps one of a type, in O(log n). */
    private static final class SpanIndex {
        private final Map<String, int[][]> byType = new java.util.HashMap<>();

        SpanIndex(List<Finding> findings) {
            Map<String, List<Finding>> groups = new java.util.HashMap<>();
            for (Finding f : findings) {
                groups.computeIfAbsent(f.type(), k -> new ArrayList<>()).add(f);
            }
            for (Map.Entry<String, List<Finding>> e : groups.entrySet()) {
                List<Finding> list = e.getValue();
                list.sort((a, b) -> Integer.compare(a.start(), b.start()));
                int[] starts = new int[list.size()];
                int[] maxEnds = new int[list.size()];
                int max = Integer.MIN_VALUE;
                for (int i = 0; i < starts.length; i++) {
                    starts[i] = list.get(i).start();
                    max = Math.max(max, list.get(i).end());
                    maxEnds[i] = max;
                }
                byType.put(e.getKey(), new int[][] {starts, maxEnds});
            }
        }

        boolean overlaps(Finding f) {
            int[][] t = byType.get(f.type());
            if (t == null) {
                return false;
            }
            // the findings that start before f ends: does the furthest-reaching of them end after f starts?
            int lo = 0;
            int hi = t[0].length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (t[0][mid] < f.end()) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo > 0 && t[1][lo - 1] > f.start();
        }
    }

    /**
     * Text hidden in tag characters (see {@link ScanView#hiddenTagText()}): instructions a model may read that no one
     * reviewing the text can see, reported as obfuscation over the whole text (the tags have no width in the view).
     */
    private void hiddenText(String text, List<Finding> found) {
        for (Finding f : found) {
            if (f.type().equals(FindingTypes.INJECTION_OBFUSCATION)) {
                return;
            }
        }
        if (0.8 >= policy.threshold(FindingTypes.INJECTION_OBFUSCATION)) {
            found.add(new Finding(FindingTypes.INJECTION_OBFUSCATION, 0, text.length(), 0.8, "prompt-injection"));
        }
    }

    /**
     * Invisible characters were dropped from a text in which an injection phrase was found: that
     * is obfuscation (the injection detector itself sees the folded text and cannot tell).
     */
    private void obfuscation(List<Finding> found) {
        Finding first = null;
        for (Finding f : found) {
            if (f.type().startsWith("INJECTION_")) {
                if (f.type().equals(FindingTypes.INJECTION_OBFUSCATION)) {
                    return;
                }
                if (first == null) {
                    first = f;
                }
            }
        }
        if (first != null && 0.8 >= policy.threshold(FindingTypes.INJECTION_OBFUSCATION)) {
            found.add(
                    new Finding(FindingTypes.INJECTION_OBFUSCATION, first.start(), first.end(), 0.8, first.detector()));
        }
    }

    /** Whether a finding equal to {@code found[i]} was added (equal findings share a span: neighbours in the sorted list). */
    private static boolean equalOneAdded(List<Finding> found, boolean[] added, int i) {
        Finding f = found.get(i);
        for (int j = i - 1;
                j >= 0 && found.get(j).start() == f.start() && found.get(j).end() == f.end();
                j--) {
            if (added[j] && found.get(j).equals(f)) {
                return true;
            }
        }
        for (int j = i + 1;
                j < found.size()
                        && found.get(j).start() == f.start()
                        && found.get(j).end() == f.end();
                j++) {
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
    private Evaluation decide(PolicyStage stage, List<Finding> found, List<Rule> rules, ScanView view) {
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
        List<Finding> toRedact = redact == null ? List.of() : Recognizer.forRedaction(new ArrayList<>(redact));
        return new Evaluation(new Decision(stage, verdict, fired, found), toRedact, view);
    }

    /**
     * {@code text} (one plain source) with {@code findings} (in its coordinates) rewritten by their
     * types' redaction modes. With a vault, TOKENIZE findings become placeholders; without one they
     * are masked.
     */
    public String redact(String text, List<Finding> findings, Optional<TokenVault> vault) {
        if (findings.isEmpty()) {
            return text;
        }
        return redact(ScanView.of(Channel.ANSWER_TEXT, text, ScanView.Kind.PLAIN), findings, vault)[0];
    }

    /**
     * The sources of {@code view} with {@code findings} (view coordinates, non-overlapping)
     * rewritten by their types' redaction modes, each in its source's form (JSON-escaped inside a
     * JSON string, a JSON number replaced by a string, percent-encoded in a URL, a plain word in a
     * name). A value split over several pieces is replaced in its first piece and removed from the
     * others. An untouched source is returned as the same string.
     */
    public String[] redact(ScanView view, List<Finding> findings, Optional<TokenVault> vault) {
        List<ScanView.Source> sources = view.sources();
        String[] out = new String[sources.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sources.get(i).text();
        }
        if (findings.isEmpty()) {
            return out;
        }
        List<List<Replacement>> bySource = replacements(view, findings, vault);
        for (int i = 0; i < out.length; i++) {
            List<Replacement> r = bySource.get(i);
            if (r != null) {
                out[i] = apply(out[i], r, 0, out[i].length());
            }
        }
        return out;
    }

    /**
     * Source 0 of {@code view}, between {@code from} and {@code to}, with the pieces of
     * {@code findings} that lie in that range rewritten (a piece that crosses a bound is cut at it).
     */
    public String redactRange(ScanView view, List<Finding> findings, Optional<TokenVault> vault, int from, int to) {
        String source = view.sources().get(0).text();
        if (findings.isEmpty()) {
            return source.substring(from, to);
        }
        List<Replacement> r = replacements(view, findings, vault).get(0);
        return r == null ? source.substring(from, to) : apply(source, r, from, to);
    }

    /** Rewrites {@code [start, end)} of a source. */
    private record Replacement(int start, int end, String text) {}

    private List<List<Replacement>> replacements(ScanView view, List<Finding> findings, Optional<TokenVault> vault) {
        List<ScanView.Source> sources = view.sources();
        List<List<Replacement>> bySource = new ArrayList<>(Collections.nCopies(sources.size(), null));
        Mac mac = null;
        for (Finding f : findings) {
            List<ScanView.Piece> pieces = view.pieces(f.start(), f.end());
            if (pieces.isEmpty()) {
                continue;
            }
            String value = view.value(f.start(), f.end());
            String type = f.type();
            String masked = switch (policy.redactionMode(type)) {
                case TOKENIZE -> {
                    if (vault.isPresent()) {
                        ScanView.Piece only = pieces.get(0);
                        boolean exact =
                                pieces.size() == 1 && sources.get(only.source()).kind() == ScanView.Kind.PLAIN;
                        yield vault.get()
                                .tokenize(
                                        type,
                                        exact
                                                ? sources.get(only.source())
                                                        .text()
                                                        .substring(only.start(), only.end())
                                                : value);
                    }
                    yield "[" + type + "]";
                }
                case HASH -> {
                    if (mac == null) {
                        mac = newMac();
                    }
                    yield "[" + type + ":" + hash(mac, value, 0, value.length()) + "]";
                }
                case LAST_FOUR -> "[" + type + lastFour(value, 0, value.length()) + "]";
                default -> "[" + type + "]";
            };
            for (int k = 0; k < pieces.size(); k++) {
                ScanView.Piece p = pieces.get(k);
                String text = k == 0 ? masked : "";
                String encoded = switch (sources.get(p.source()).kind()) {
                    case JSON -> p.number() ? "\"" + JsonStrings.escape(text) + "\"" : JsonStrings.escape(text);
                    case NAME -> k == 0 ? "redacted" : "";
                    case URL ->
                        java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
                                .replace("+", "%20");
                    default -> text;
                };
                List<Replacement> list = bySource.get(p.source());
                if (list == null) {
                    list = new ArrayList<>(2);
                    bySource.set(p.source(), list);
                }
                list.add(new Replacement(p.start(), p.end(), encoded));
            }
        }
        return bySource;
    }

    /** {@code text[from, to)} with the replacements (clipped to the range; overlapping ones after the first skipped). */
    private static String apply(String text, List<Replacement> replacements, int from, int to) {
        replacements.sort((a, b) -> Integer.compare(a.start(), b.start()));
        StringBuilder out = new StringBuilder(to - from + 16 * replacements.size());
        int last = from;
        for (Replacement r : replacements) {
            int s = Math.max(r.start(), from);
            int e = Math.min(r.end(), to);
            if (e <= s && !(r.start() == r.end() && s >= from && s < to)) {
                continue;
            }
            if (s < last) {
                continue;
            }
            out.append(text, last, s).append(r.text());
            last = e;
        }
        return out.append(text, last, to).toString();
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

    /**
     * The decision on one tool call whose arguments (as the caller will get them) are
     * {@code arguments}: its name against the tool rules; the arguments' decoded JSON values (keys
     * included, values split across fields caught at their junctions) against the denied finding
     * types; and, with an egress allow-list, every URL or host in every decoded string value, parsed
     * as a browser would ({@link EgressTargets}): a host that matches no allowed glob, or a URL that
     * cannot be parsed unambiguously, blocks the call (rule {@code tool.external-host}). Findings of
     * the egress check are spans of the raw arguments, typed URL.
     */
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
            ScanView view = ScanView.of(Channel.TOOL_CALL_ARGUMENTS, arguments, ScanView.Kind.JSON);
            List<Finding> found = new ArrayList<>();
            detect(view.text(), view.disguised(), null, found);
            if (view.junctions().length > 0) {
                junctionFindings(view.text(), view.junctions(), view.disguised(), null, found);
            }
            boolean hit = false;
            for (Finding f : found) {
                for (String glob : tools.argumentTypes()) {
                    if (Glob.matches(glob, f.type())) {
                        int[] span = view.sourceSpan(f.start(), f.end());
                        findings.add(new Finding(
                                f.type(), span[0], Math.max(span[0], span[1]), f.confidence(), f.detector()));
                        hit = true;
                        break;
                    }
                }
            }
            if (hit) {
                fired.add("tool.arguments");
                verdict = verdict.max(tools.argumentVerdict());
            }
        }
        if (!allowedHosts.isEmpty()) {
            boolean external = false;
            for (JsonStrings.Value value : JsonStrings.values(arguments)) {
                for (EgressTargets.Target t : EgressTargets.find(value.text())) {
                    if (t.host().isEmpty() || !hostAllowed(t.host().get())) {
                        external = true;
                        findings.add(new Finding(FindingTypes.URL, value.start(), value.end(), 1.0, "tool-policy"));
                        break;
                    }
                }
            }
            if (external) {
                fired.add("tool.external-host");
                verdict = Verdict.BLOCK;
            }
        }
        Collections.sort(findings, (x, y) -> Integer.compare(x.start(), y.start()));
        return new Decision(PolicyStage.TOOL, verdict, fired, findings);
    }

    /** Whether canonical {@code host} matches one of the allowed host globs. */
    private boolean hostAllowed(String host) {
        for (String glob : allowedHosts) {
            if (EgressTargets.hostMatches(host, glob)) {
                return true;
            }
        }
        return false;
    }

    /** Asks the approval handler and waits for its answer, the timeout or its failure, whichever comes first. */
    public ApprovalOutcome approve(String callId, Decision decision, Optional<ToolCall> toolCall) {
        Optional<Approval> configured = policy.approval();
        if (configured.isEmpty()) {
            return new ApprovalOutcome(Verdict.BLOCK, "REQUIRE_APPROVAL:NO_HANDLER:BLOCK");
        }
        Approval approval = configured.get();
        Verdict fallback = approval.onTimeout();
        ApprovalRequest request =
                new ApprovalRequest(callId, decision.stage(), decision.ruleIds(), decision.findingCounts(), toolCall);
        CompletableFuture<Verdict> answer;
        try {
            answer = approval.handler().decide(request).toCompletableFuture();
        } catch (RuntimeException e) {
            return new ApprovalOutcome(fallback, "REQUIRE_APPROVAL:ERROR:" + fallback);
        }
        if (!answer.isDone()) {
            CompletableFuture<?> timer =
                    approval.timer().after(approval.timeout()).toCompletableFuture();
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
