package dev.llmgate.policy.detect.internal;

import dev.llmgate.policy.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One precompiled pattern for one finding type, with a validator/scorer and optional context words
 * that raise confidence (and may refine the type, e.g. a date near "date of birth"). Immutable and
 * thread-safe; a scan allocates one {@link Matcher} per pattern.
 */
public final class Recognizer {

    /** Scores a match: confidence 0..1, or a negative value to reject it. May shrink {@code span} ({start, end}). */
    @FunctionalInterface
    public interface Scorer {
        double score(CharSequence text, int[] span, Matcher m);
    }

    /**
     * A hand-written recognizer for identifiers a single regex cannot validate in linear time (a
     * card number in any grouping, checked at every group-aligned sub-run): reports each match's
     * span and score. Given the candidate starts of its {@link Starts} (or every position when
     * {@code candidates} is null), it must report exactly what it would report from every position.
     */
    @FunctionalInterface
    public interface TextScanner {
        void scan(CharSequence text, int[] candidates, int count, Found found);
    }

    /** Receives one match of a {@link TextScanner}: {@code [start, end)} with its score (negative: rejected). */
    @FunctionalInterface
    public interface Found {
        void accept(int start, int end, double score);
    }

    /** Characters a text must contain for this recognizer to run (a cheap prefilter computed once per text). */
    public static final int NEEDS_DIGIT = 1;

    public static final int NEEDS_AT = 2;
    public static final int NEEDS_COLON = 4;
    public static final int NEEDS_DOT = 8;
    public static final int NEEDS_DASH = 16;

    /** Findings scored below this are never reported (weak patterns without context words). */
    public static final double MIN_REPORTED = 0.25;

    /** How far before a match context words are looked for, in characters. */
    public static final int CONTEXT_WINDOW = 48;

    private final String type;
    private final Pattern pattern;
    private final int group;
    private final Scorer scorer;
    private final Pattern context;
    private final ContextStarts contextStarts;
    private final double boost;
    private final String contextType;
    private final int needs;
    private final String[] keywords;
    private final Starts starts;
    private final int minDigitRun;
    /** A hand-written recognizer with no pattern at all (it scores its own matches), or null. */
    private final TextScanner scanner;
    /** A hand-written replacement of {@link #pattern}'s find() loop (same matches, linear time), or null. */
    private final Finder finder;
    /** A hand-written replacement of {@link #pattern}'s {@code lookingAt} at a candidate start, or null. */
    private final MatchAt matchAt;

    private Recognizer(
            String type,
            Pattern pattern,
            int group,
            Scorer scorer,
            Pattern context,
            double boost,
            String contextType,
            int needs) {
        this(type, pattern, group, scorer, context, boost, contextType, needs, null, null, 0, null);
    }

    private Recognizer(
            String type,
            Pattern pattern,
            int group,
            Scorer scorer,
            Pattern context,
            double boost,
            String contextType,
            int needs,
            String[] keywords,
            Starts starts,
            int minDigitRun,
            Finder finder) {
        this(
                type,
                pattern,
                group,
                scorer,
                context,
                boost,
                contextType,
                needs,
                keywords,
                starts,
                minDigitRun,
                finder,
                null,
                null);
    }

    private Recognizer(
            String type,
            Pattern pattern,
            int group,
            Scorer scorer,
            Pattern context,
            double boost,
            String contextType,
            int needs,
            String[] keywords,
            Starts starts,
            int minDigitRun,
            Finder finder,
            MatchAt matchAt,
            TextScanner scanner) {
        if (finder != null && (group != 0 || starts != null)) {
            throw new IllegalArgumentException("a finder reports whole matches and replaces the start index");
        }
        this.finder = finder;
        this.matchAt = matchAt;
        this.scanner = scanner;
        this.keywords = keywords;
        this.starts = starts;
        this.minDigitRun = minDigitRun;
        this.type = type;
        this.pattern = pattern;
        this.group = group;
        this.scorer = scorer;
        this.context = context;
        this.contextStarts = context == null ? null : contextStarts(context);
        this.boost = boost;
        this.contextType = contextType;
        this.needs = needs;
    }

    /** Context-word start tables by pattern text (derived once per pattern, shared by the copies a builder chain makes). */
    private static final java.util.concurrent.ConcurrentHashMap<String, ContextStarts> CONTEXT_STARTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static ContextStarts contextStarts(Pattern context) {
        return CONTEXT_STARTS.computeIfAbsent(
                context.pattern() + '\0' + context.flags(), k -> new ContextStarts(context));
    }

    /** A recognizer of {@code type} whose whole match is the finding. */
    public static Recognizer of(String type, String regex, int needs, Scorer scorer) {
        return new Recognizer(type, Pattern.compile(regex), 0, scorer, null, 0, null, needs);
    }

    /** A recognizer of {@code type} that finds and scores its matches with a hand-written {@code scanner}, without a pattern. */
    public static Recognizer scanning(String type, int needs, TextScanner scanner) {
        return new Recognizer(type, null, 0, null, null, 0, null, needs, null, null, 0, null, null, scanner);
    }

    /** A recognizer of {@code type} whose capturing group {@code group} is the finding (the rest is a label). */
    public static Recognizer labelled(String type, String regex, int group, int needs, double confidence) {
        return new Recognizer(type, Pattern.compile(regex), group, (t, s, m) -> confidence, null, 0, null, needs);
    }

    /** Like {@link #labelled(String, String, int, int, double)}, each match scored by {@code scorer}. */
    public static Recognizer labelled(String type, String regex, int group, int needs, Scorer scorer) {
        return new Recognizer(type, Pattern.compile(regex), group, scorer, null, 0, null, needs);
    }

    /** This recognizer with context words: when {@code contextRegex} matches just before a finding, confidence rises by {@code boost}. */
    public Recognizer withContext(String contextRegex, double boostBy) {
        return new Recognizer(
                type,
                pattern,
                group,
                scorer,
                Pattern.compile(contextRegex),
                boostBy,
                contextType,
                needs,
                keywords,
                starts,
                minDigitRun,
                finder,
                matchAt,
                scanner);
    }

    /** This recognizer with context words that also change the finding's type (e.g. DATE to DATE_OF_BIRTH). */
    public Recognizer withContext(String contextRegex, double boostBy, String typeInContext) {
        return new Recognizer(
                type,
                pattern,
                group,
                scorer,
                Pattern.compile(contextRegex),
                boostBy,
                typeInContext,
                needs,
                keywords,
                starts,
                minDigitRun,
                finder,
                matchAt,
                scanner);
    }

    /**
     * This recognizer, run only on texts that contain one of {@code lowerCaseKeywords} (a cheap
     * prefilter for labelled and context-only patterns: every match must contain one of them).
     */
    public Recognizer onlyWith(String... lowerCaseKeywords) {
        return new Recognizer(
                type,
                pattern,
                group,
                scorer,
                context,
                boost,
                contextType,
                needs,
                lowerCaseKeywords.clone(),
                starts,
                minDigitRun,
                finder,
                matchAt,
                scanner);
    }

    /**
     * This recognizer, tried only at the candidate starts {@code where} describes (a superset of
     * the positions where its pattern can match), instead of at every position of the text.
     */
    public Recognizer startingAt(Starts where) {
        return new Recognizer(
                type,
                pattern,
                group,
                scorer,
                context,
                boost,
                contextType,
                needs,
                keywords,
                where,
                minDigitRun,
                finder,
                matchAt,
                scanner);
    }

    /** This recognizer, run only on texts with a run of at least {@code digits} ASCII digits (every match contains one). */
    public Recognizer withDigitRun(int digits) {
        return new Recognizer(
                type,
                pattern,
                group,
                scorer,
                context,
                boost,
                contextType,
                needs,
                keywords,
                starts,
                digits,
                finder,
                matchAt,
                scanner);
    }

    /**
     * This recognizer with its pattern's {@code find()} loop replaced by {@code f}, which must report
     * exactly the same matches (whole matches, no start index): for patterns whose backtracking
     * cannot be bounded by a constant per position. The pattern stays the reference
     * ({@link #scan}) that tests compare {@code f} with.
     */
    public Recognizer withFinder(Finder f) {
        return new Recognizer(
                type,
                pattern,
                group,
                scorer,
                context,
                boost,
                contextType,
                needs,
                keywords,
                starts,
                minDigitRun,
                f,
                matchAt,
                scanner);
    }

    /**
     * This recognizer with its pattern's {@code lookingAt} at a candidate start replaced by {@code m}, which must
     * match exactly where the pattern does (with transparent bounds) and report the same spans of group 0 and 1:
     * for patterns whose regex costs most of a scan where findings are dense. The scorer then gets no
     * {@link Matcher}: the spans of groups 0 and 1 follow the finding's span in its {@code span} array (indexes 2 to 5).
     * The pattern stays the reference ({@link #scan}) that tests compare {@code m} with.
     */
    public Recognizer withMatchAt(MatchAt m) {
        return new Recognizer(
                type,
                pattern,
                group,
                scorer,
                context,
                boost,
                contextType,
                needs,
                keywords,
                starts,
                minDigitRun,
                finder,
                m,
                scanner);
    }

    /** A hand-written {@code lookingAt} of one recognizer's pattern at a start, reading the text through its counter. */
    @FunctionalInterface
    public interface MatchAt {
        /** Whether the pattern matches at {@code start}; if so {@code groups} gets {start0, end0, start1, end1} (-1: no group 1). */
        boolean match(CharSequence text, int start, int[] groups);
    }

    /**
     * A hand-written matcher of one recognizer's pattern: the matches of a {@code find()} loop over
     * the whole text, in order, in time linear in the text's length, charging what it reads to the
     * text's counter.
     */
    @FunctionalInterface
    public interface Finder {
        /** Reports each match as {@code sink.match(start, end)}, in increasing order. */
        void findAll(MeteredText text, MatchSink sink);
    }

    /** Receives the matches of a {@link Finder}. */
    @FunctionalInterface
    public interface MatchSink {
        void match(int start, int end);
    }

    /** The pattern (the reference of a {@link Finder} or {@link MatchAt} replacing it; for tests). */
    public Pattern pattern() {
        return pattern;
    }

    /** The context-word pattern, or null (for tests of the context prefilter). */
    public Pattern contextPattern() {
        return context;
    }

    /** Where matches can start, or null if anywhere. */
    public Starts starts() {
        return starts;
    }

    /** The lower-case keywords of which the text must contain one, or null. */
    public String[] keywords() {
        return keywords;
    }

    /** True if {@code lower} contains one of {@code keywords}. */
    public static boolean containsAny(String lower, String[] keywords) {
        for (String k : keywords) {
            if (lower.contains(k)) {
                return true;
            }
        }
        return false;
    }

    public String type() {
        return type;
    }

    public String contextType() {
        return contextType;
    }

    /** The prefilter flag of character {@code c} (0 for a character no recognizer needs). */
    private static int flag(int c) {
        if (c >= '0' && c <= '9') {
            return NEEDS_DIGIT;
        }
        return switch (c) {
            case '@' -> NEEDS_AT;
            case ':' -> NEEDS_COLON;
            case '.' -> NEEDS_DOT;
            case '-' -> NEEDS_DASH;
            default -> 0;
        };
    }

    /** The prefilter flags of {@code text}. */
    public static int features(CharSequence text) {
        int f = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c <= '@') {
                f |= flag(c);
            }
        }
        return f;
    }

    /**
     * The prefilter flags of a text from its ISO-8859-1 encoding (the {@code '?'} that stands for a
     * character outside Latin-1 is no flagged character, nor is the character it stands for).
     */
    public static int features(byte[] latin1) {
        // eight bytes at a time, branch-free: which of the flagged characters occur at all
        long digits = 0;
        long at = 0;
        long colon = 0;
        long dot = 0;
        long dash = 0;
        int n = latin1.length;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = AsciiLanes.load(latin1, i);
            digits |= AsciiLanes.digitBytes(x);
            at |= AsciiLanes.bytesEqual(x, '@');
            colon |= AsciiLanes.bytesEqual(x, ':');
            dot |= AsciiLanes.bytesEqual(x, '.');
            dash |= AsciiLanes.bytesEqual(x, '-');
        }
        int f = (digits != 0 ? NEEDS_DIGIT : 0)
                | (at != 0 ? NEEDS_AT : 0)
                | (colon != 0 ? NEEDS_COLON : 0)
                | (dot != 0 ? NEEDS_DOT : 0)
                | (dash != 0 ? NEEDS_DASH : 0);
        for (; i < n; i++) {
            f |= flag(latin1[i]);
        }
        return f;
    }

    /** Scans {@code text} (whose {@link #features} are {@code textFeatures}) and adds findings to {@code out}. */
    public void scan(CharSequence text, int textFeatures, String detectorId, List<Finding> out) {
        scan(text, textFeatures, null, detectorId, out);
    }

    /** Like {@link #scan(CharSequence, int, String, List)}, with the text lower-cased once by the caller for keyword prefilters. */
    public void scan(CharSequence text, int textFeatures, String lower, String detectorId, List<Finding> out) {
        if ((textFeatures & needs) != needs) {
            return;
        }
        if (keywords != null
                && !containsAny(lower != null ? lower : text.toString().toLowerCase(java.util.Locale.ROOT), keywords)) {
            return;
        }
        if (scanner != null) {
            scanAll(text, detectorId, out);
            return;
        }
        Matcher m = pattern.matcher(text);
        Matcher[] ctx = new Matcher[1];
        int[] span = new int[2];
        while (m.find()) {
            accept(text, m, m.start(group), m.end(group), span, ctx, detectorId, out);
        }
    }

    /** Whether this recognizer can match a text with these prefilter results (features, keywords present, longest digit run). */
    public boolean applies(int textFeatures, boolean keywordPresent, int maxDigitRun) {
        return (textFeatures & needs) == needs && (keywords == null || keywordPresent) && maxDigitRun >= minDigitRun;
    }

    /**
     * Scans {@code text} trying the pattern only at the first {@code count} positions of
     * {@code candidates} (increasing; a superset of the match starts), which gives exactly the
     * matches of a {@code find()} loop over the whole text. The caller has checked {@link #applies}.
     */
    public void scanAt(CharSequence text, int[] candidates, int count, String detectorId, List<Finding> out) {
        if (count == 0) {
            return;
        }
        if (scanner != null) {
            Matcher[] ctx = new Matcher[1];
            scanner.scan(text, candidates, count, (s, e, score) -> acceptSpan(text, s, e, score, ctx, detectorId, out));
            return;
        }
        if (matchAt != null) {
            int[] g = new int[4];
            int[] span = new int[6];
            Matcher[] ctx = new Matcher[1];
            int next = 0;
            for (int k = 0; k < count; k++) {
                int s = candidates[k];
                if (s < next || !matchAt.match(text, s, g)) {
                    continue;
                }
                next = g[1] == g[0] ? g[1] + 1 : g[1];
                System.arraycopy(g, 0, span, 2, 4);
                accept(text, null, g[2 * group], g[2 * group + 1], span, ctx, detectorId, out);
            }
            return;
        }
        Matcher m = pattern.matcher(text);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        Matcher[] ctx = new Matcher[1];
        int[] span = new int[2];
        int n = text.length();
        int next = 0;
        for (int k = 0; k < count; k++) {
            int s = candidates[k];
            if (s < next) {
                continue;
            }
            m.region(s, n);
            if (!m.lookingAt()) {
                continue;
            }
            next = m.end() == m.start() ? m.end() + 1 : m.end();
            accept(text, m, m.start(group), m.end(group), span, ctx, detectorId, out);
        }
    }

    /** Scans the whole text with {@code find()} (for recognizers without start candidates), after {@link #applies}. */
    public void scanAll(CharSequence text, String detectorId, List<Finding> out) {
        Matcher[] ctx = new Matcher[1];
        if (scanner != null) {
            scanner.scan(text, null, 0, (s, e, score) -> acceptSpan(text, s, e, score, ctx, detectorId, out));
            return;
        }
        int[] span = new int[2];
        if (finder != null) {
            finder.findAll(
                    MeteredText.unlimited(text),
                    (start, end) -> accept(text, null, start, end, span, ctx, detectorId, out));
            return;
        }
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            accept(text, m, m.start(group), m.end(group), span, ctx, detectorId, out);
        }
    }

    private void accept(
            CharSequence text,
            Matcher m,
            int start,
            int end,
            int[] span,
            Matcher[] ctxHolder,
            String detectorId,
            List<Finding> out) {
        {
            span[0] = start;
            span[1] = end;
            if (span[0] < 0) {
                return;
            }
            double score = scorer.score(text, span, m);
            if (score < 0 || span[1] <= span[0]) {
                return;
            }
            String t = type;
            if (context != null) {
                Matcher ctx = ctxHolder[0];
                if (ctx == null) {
                    ctx = context.matcher(text);
                    ctx.useTransparentBounds(true);
                    ctxHolder[0] = ctx;
                }
                int matchStart = m != null ? m.start() : span.length > 2 ? span[2] : start;
                if (contextStarts.find(text, ctx, Math.max(0, matchStart - CONTEXT_WINDOW), matchStart)) {
                    score += boost;
                    if (contextType != null) {
                        t = contextType;
                    }
                }
            }
            if (score >= MIN_REPORTED) {
                out.add(new Finding(t, span[0], span[1], Math.min(1.0, score), detectorId));
            }
        }
    }

    /** Like {@link #accept} for a {@link TextScanner}'s match {@code [start, end)} scored {@code score}. */
    private void acceptSpan(
            CharSequence text,
            int start,
            int end,
            double score,
            Matcher[] ctxHolder,
            String detectorId,
            List<Finding> out) {
        if (score < 0 || end <= start) {
            return;
        }
        String t = type;
        if (context != null) {
            Matcher ctx = ctxHolder[0];
            if (ctx == null) {
                ctx = context.matcher(text);
                ctx.useTransparentBounds(true);
                ctxHolder[0] = ctx;
            }
            if (contextStarts.find(text, ctx, Math.max(0, start - CONTEXT_WINDOW), start)) {
                score += boost;
                if (contextType != null) {
                    t = contextType;
                }
            }
        }
        if (score >= MIN_REPORTED) {
            out.add(new Finding(t, start, end, Math.min(1.0, score), detectorId));
        }
    }

    /**
     * Resolves overlapping findings: keeps the most confident (then the longest, then the first),
     * drops any finding that overlaps one already kept, except that a finding lying wholly inside
     * one of another type (or holding only kept findings of other types, wholly) is kept as well: a
     * card number or an e-mail address inside a URL is still a card number or an e-mail address.
     * Returns the kept findings ordered by start.
     *
     * <p>O(k log k) for k findings plus, when some overlap, the length of the findings in 64-character
     * words: findings that neither overlap nor share a start (the usual case) are only sorted by start;
     * otherwise the kept spans are marked in bit sets of the text's positions, so that a finding is
     * compared with the positions it covers instead of with every kept finding (which was O(k^2):
     * 1 MB of "a@a.a" took seconds).
     */
    public static List<Finding> resolveOverlaps(List<Finding> findings) {
        List<Finding> kept = resolve(findings, BY_STRENGTH);
        if (kept.size() == findings.size()) {
            return kept;
        }
        // the kept findings do not overlap each other, so those of positive length have increasing starts and ends
        // (found
        // by binary search); one of length zero at a overlaps [c, d) exactly when c < a < d. A dropped finding is kept
        // too if
        // every kept finding it overlaps nests with it and is of another type.
        List<Finding> positive = new ArrayList<>();
        List<Finding> empty = new ArrayList<>();
        for (Finding x : kept) {
            (x.length() > 0 ? positive : empty).add(x);
        }
        int[] ends = new int[positive.size()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = positive.get(i).end();
        }
        int[] points = new int[empty.size()];
        for (int i = 0; i < points.length; i++) {
            points[i] = empty.get(i).start();
        }
        java.util.Set<Finding> primary = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        primary.addAll(kept);
        List<Finding> nested = new ArrayList<>();
        for (Finding f : findings) {
            if (primary.contains(f)) {
                continue;
            }
            boolean any = false;
            boolean all = true;
            for (int j = firstAbove(ends, f.start());
                    j < ends.length && positive.get(j).start() < f.end() && all;
                    j++) {
                Finding x = positive.get(j);
                if (x.overlaps(f)) {
                    any = true;
                    all = nestedOfAnotherType(x, f);
                }
            }
            for (int j = firstAbove(points, f.start()); j < points.length && points[j] < f.end() && all; j++) {
                Finding x = empty.get(j);
                if (x.overlaps(f)) {
                    any = true;
                    all = nestedOfAnotherType(x, f);
                }
            }
            if (any && all) {
                nested.add(f);
            }
        }
        if (nested.isEmpty()) {
            return kept;
        }
        List<Finding> out = new ArrayList<>(kept);
        out.addAll(nested);
        out.sort((x, y) -> Integer.compare(x.start(), y.start()));
        return out;
    }

    /** The first index of {@code sorted} (ascending) whose value is above {@code v}. */
    private static int firstAbove(int[] sorted, int v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Whether one of two overlapping findings of different types lies wholly inside the other. */
    static boolean nestedOfAnotherType(Finding a, Finding b) {
        if (a.type().equals(b.type())) {
            return false;
        }
        if (isUrl(a) != isUrl(b)) {
            return true; // a value that runs out of a URL ("?c=4111 1111 1111 1111") is a value all the same
        }
        return (a.start() <= b.start() && b.end() <= a.end()) || (b.start() <= a.start() && a.end() <= b.end());
    }

    private static boolean isUrl(Finding f) {
        return f.type().equals(dev.llmgate.policy.FindingTypes.URL);
    }

    /**
     * The findings to rewrite, none overlapping another: the longest first (so a URL that holds a
     * card number is rewritten whole), then the most confident, then the first; what a dropped
     * finding covers beyond the kept ones is rewritten as well, as its type. Ordered by start;
     * O(k log k) like {@link #resolveOverlaps}.
     */
    public static List<Finding> forRedaction(List<Finding> findings) {
        List<Finding> kept = resolve(findings, BY_LENGTH);
        if (kept.size() == findings.size()) {
            return kept;
        }
        // the parts of a dropped finding that no kept one covers are rewritten too, as that finding's type: a value
        // that
        // runs out of a URL (the URL rewritten whole, the value's rest after it) leaves nothing of itself behind.
        // Covered ranges are kept merged (start -> end), so each is walked once: O(k log k) in all.
        java.util.TreeMap<Integer, Integer> covered = new java.util.TreeMap<>();
        java.util.TreeSet<Integer> points = new java.util.TreeSet<>(); // kept findings of length zero: never covered
        for (Finding x : kept) {
            if (x.length() > 0) {
                covered.merge(x.start(), x.end(), Math::max);
            } else {
                points.add(x.start());
            }
        }
        java.util.Set<Finding> primary = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        primary.addAll(kept);
        List<Finding> dropped = new ArrayList<>();
        for (Finding f : findings) {
            if (!primary.contains(f) && f.length() > 0) {
                dropped.add(f);
            }
        }
        dropped.sort(BY_LENGTH);
        List<Finding> out = new ArrayList<>(kept);
        for (Finding f : dropped) {
            int from = f.start();
            int to = f.end();
            java.util.Map.Entry<Integer, Integer> before = covered.floorEntry(from);
            int at = before != null && before.getValue() > from ? before.getValue() : from;
            int unionStart = before != null && before.getValue() >= from ? before.getKey() : from;
            int unionEnd = Math.max(to, at);
            // the gaps in [at, to), split at zero-length findings, become pieces; the ranges inside are merged away
            while (at < to) {
                java.util.Map.Entry<Integer, Integer> next = covered.ceilingEntry(at);
                int gapEnd = next == null ? to : Math.min(to, next.getKey());
                for (int p = at; p < gapEnd; ) {
                    Integer point = points.higher(p);
                    int pieceEnd = point == null || point >= gapEnd ? gapEnd : point;
                    out.add(new Finding(f.type(), p, pieceEnd, f.confidence(), f.detector()));
                    p = pieceEnd;
                }
                if (next == null || next.getKey() >= to) {
                    break;
                }
                unionEnd = Math.max(unionEnd, next.getValue());
                covered.remove(next.getKey());
                at = next.getValue();
            }
            if (before != null && before.getValue() >= from) {
                covered.remove(before.getKey());
            }
            java.util.Map.Entry<Integer, Integer> touching = covered.ceilingEntry(unionStart);
            while (touching != null && touching.getKey() <= unionEnd) {
                unionEnd = Math.max(unionEnd, touching.getValue());
                covered.remove(touching.getKey());
                touching = covered.ceilingEntry(unionStart);
            }
            covered.put(unionStart, unionEnd);
        }
        out.sort(BY_START_THEN_END);
        return out;
    }

    private static final java.util.Comparator<Finding> BY_LENGTH = (a, b) -> {
        int c = Integer.compare(b.length(), a.length());
        if (c != 0) {
            return c;
        }
        c = Double.compare(b.confidence(), a.confidence());
        return c != 0 ? c : Integer.compare(a.start(), b.start());
    };

    private static List<Finding> resolve(List<Finding> findings, java.util.Comparator<Finding> order) {
        int k = findings.size();
        if (k < 2) {
            return findings;
        }
        List<Finding> byStart = new ArrayList<>(findings);
        byStart.sort(BY_START_THEN_END);
        if (disjointWithDistinctStarts(byStart)) {
            return byStart; // nothing overlaps: every finding is kept, and the kept ones ordered by start are these
        }
        List<Finding> byStrength = new ArrayList<>(findings);
        byStrength.sort(order);
        List<Finding> kept = new ArrayList<>(k);
        if (k <= 32) {
            for (Finding f : byStrength) {
                boolean clash = false;
                for (Finding x : kept) {
                    if (x.overlaps(f)) {
                        clash = true;
                        break;
                    }
                }
                if (!clash) {
                    kept.add(f);
                }
            }
        } else {
            int end = 0;
            for (Finding f : findings) {
                end = Math.max(end, f.end());
            }
            int words = (end >>> 6) + 1;
            long[] covered = new long[words]; // positions inside a kept finding of positive length
            long[] starts = new long[words]; // where such a finding starts
            long[] empty = new long[words]; // where a kept finding of length zero is
            for (Finding f : byStrength) {
                int a = f.start();
                int b = f.end();
                if (a == b) {
                    // [a, a) overlaps [c, d) exactly when c < a < d: a inside a kept finding that does not start there
                    if (bit(covered, a) && !bit(starts, a)) {
                        continue;
                    }
                    empty[a >>> 6] |= 1L << a;
                } else {
                    if (anyBit(covered, a, b) || anyBit(empty, a + 1, b)) {
                        continue;
                    }
                    setBits(covered, a, b);
                    starts[a >>> 6] |= 1L << a;
                }
                kept.add(f);
            }
        }
        kept.sort((x, y) -> Integer.compare(x.start(), y.start()));
        return kept;
    }

    private static final java.util.Comparator<Finding> BY_START_THEN_END = (a, b) ->
            a.start() != b.start() ? Integer.compare(a.start(), b.start()) : Integer.compare(a.end(), b.end());

    private static final java.util.Comparator<Finding> BY_STRENGTH = (a, b) -> {
        int c = Double.compare(b.confidence(), a.confidence());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(b.length(), a.length());
        return c != 0 ? c : Integer.compare(a.start(), b.start());
    };

    /**
     * Whether findings ordered by (start, end) have distinct starts and no two overlap: a finding overlaps
     * an earlier one exactly when it starts before the furthest end of the earlier ones of positive length
     * (one of length zero overlaps only a finding that strictly contains its position).
     */
    private static boolean disjointWithDistinctStarts(List<Finding> byStart) {
        int furthest = Integer.MIN_VALUE;
        int previous = -1;
        for (Finding f : byStart) {
            if (f.start() == previous || f.start() < furthest) {
                return false;
            }
            previous = f.start();
            if (f.end() > f.start()) {
                furthest = Math.max(furthest, f.end());
            }
        }
        return true;
    }

    private static boolean bit(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    /** Whether a bit in {@code [from, to)} is set. */
    private static boolean anyBit(long[] bits, int from, int to) {
        if (from >= to) {
            return false;
        }
        int w = from >>> 6;
        int last = (to - 1) >>> 6;
        long first = -1L << from;
        long end = -1L >>> (63 - ((to - 1) & 63));
        if (w == last) {
            return (bits[w] & first & end) != 0;
        }
        if ((bits[w] & first) != 0) {
            return true;
        }
        for (int x = w + 1; x < last; x++) {
            if (bits[x] != 0) {
                return true;
            }
        }
        return (bits[last] & end) != 0;
    }

    /** Sets the bits {@code [from, to)}. */
    private static void setBits(long[] bits, int from, int to) {
        int w = from >>> 6;
        int last = (to - 1) >>> 6;
        long first = -1L << from;
        long end = -1L >>> (63 - ((to - 1) & 63));
        if (w == last) {
            bits[w] |= first & end;
            return;
        }
        bits[w] |= first;
        for (int x = w + 1; x < last; x++) {
            bits[x] = -1L;
        }
        bits[last] |= end;
    }

    @Override
    public String toString() {
        return "Recognizer[" + type + "]";
    }
}
