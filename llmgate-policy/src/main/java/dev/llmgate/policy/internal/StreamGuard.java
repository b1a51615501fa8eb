package dev.llmgate.policy.internal;

import static dev.llmgate.policy.internal.MarkdownImageSyntax.dataImage;
import static dev.llmgate.policy.internal.MarkdownImageSyntax.openImage;
import static dev.llmgate.policy.internal.MarkdownImageSyntax.openMarkdownImage;
import static dev.llmgate.policy.internal.MarkdownImageSyntax.undefinedReference;

import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.StreamTransformer;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.policy.Channel;
import dev.llmgate.policy.Decision;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.ExfiltrationDetector;
import dev.llmgate.policy.redact.TokenRestore;
import dev.llmgate.policy.redact.TokenVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The streaming output stage: holds back at most the policy's window of text, scans it (as a
 * {@link ScanView}: folded and decoded like any other text) with the last {@value #CONTEXT}
 * emitted characters as context, and releases the part that can no longer be the start of a
 * finding, a placeholder or an escape. Findings up to half the window long are caught however the
 * chunks split them. The first release comes as soon as more than half a window is held (so the
 * first token waits for half a window of text, not a whole one), later ones each time a whole
 * window is held (so a stream is scanned about twice per window of text); longer ones are rewritten
 * as far as they were seen, and at most {@code window} characters are ever held — except an image not yet closed
 * (markdown or {@code <img>}), held whole up to {@value #IMAGE_HOLD} characters so that its URL is scanned with all its
 * data before the client can fetch it (past that, with the exfiltration detector in the policy, it is reported as
 * exfiltration: fail closed). Tool-call deltas
 * are held until the stream finishes; then the refusal and the tool calls are scanned together
 * (as {@link AnswerView} does for a blocking answer), redacted, checked by the tool policy and
 * released before the finish. One instance per stream; not thread-safe (the stream contract calls
 * it from one thread).
 */
public final class StreamGuard implements StreamTransformer {
    /** Characters of already released text kept as context for the next scan. */
    static final int CONTEXT = 64;
    /**
     * The longest escape the view decodes (<code>&amp;NegativeVeryThinSpace;</code>, 23; {@code \}{@code
     * uD83D\}{@code uDE00}, 12); a release never cuts one.
     */
    private static final int LONGEST_ESCAPE = Escapes.LONGEST_NAME + 2;

    /**
     * The longest numeric reference a release holds back while it may still grow (<code>&amp;#</code>, leading zeros,
     * digits): one padded further is released as it comes (a stream's documented limit).
     */
    static final int MAX_NUMERIC_RUN = 64;

    private final Policy policy;
    private final Engine engine;
    private final CallContext call;
    private final TokenVault vault;
    private final int window;
    private final boolean restoreText;
    private final boolean restoreUrls;
    private final boolean scanText;
    /** Whether the policy reads personal data (then an HL7 segment too long to hold fails the stream closed). */
    private final boolean readsPii;

    /** Whether the policy runs the exfiltration detector (then an image open too long is reported: see withOverlongImage). */
    private final boolean readsExfiltration;
    /** Whether the answer is JSON (asked for, or the text begins with '{' or '['): then scanned as JSON values. Null until known. */
    private Boolean json;
    /** The JSON lexer state at the start of {@link #context} (see {@link JsonTokens}). */
    private int contextState = JsonTokens.OUTSIDE;
    /** Where a JSON answer stands at the start of {@link #context}: the keys of the containers still open. */
    private final JsonPath contextPath = new JsonPath();

    private final StringBuilder held = new StringBuilder();
    private final StringBuilder context = new StringBuilder(CONTEXT * 2);
    private final Map<Integer, PartialCall> toolCalls = new TreeMap<>();
    private Decision aggregate = Decision.allow(PolicyStage.STREAM);
    /** Finding type to the count of findings released rewritten so far (the stream decision's redacted counts). */
    private final Map<String, Integer> rewritten = new java.util.TreeMap<>();

    private boolean approved;
    /**
     * How many held characters start the next release: the first comes at half a window, later ones at a whole window;
     * while an image not yet closed is held, half a window of text after the last release (so the held image is scanned
     * again once per half window of new text, not once per chunk).
     */
    private int releaseAt;
    /** What the released text is around a placeholder (restored only in plain prose); made at the first restore. */
    private ProseContext prose;

    /** The answer looked like JSON (asked for, or it began with '{' or '[') and is not: nothing more is restored. */
    private boolean notJson;

    /** A guard for a stream of {@code policy} (evaluated by {@code engine}) whose answer was asked for as JSON when {@code jsonAnswer}. */
    public StreamGuard(Policy policy, Engine engine, CallContext call, TokenVault vault, boolean jsonAnswer) {
        this.json = jsonAnswer ? Boolean.TRUE : null;
        this.policy = policy;
        this.engine = engine;
        this.call = call;
        this.vault = vault;
        this.window = policy.streamWindow();
        this.releaseAt = window / 2 + 1;
        this.restoreText = policy.restoreTokens().contains(TokenRestore.ANSWER_TEXT);
        this.restoreUrls = policy.restoreTokens().contains(TokenRestore.URLS);
        this.scanText = policy.channels().contains(Channel.ANSWER_TEXT);
        this.readsExfiltration = policy.detectors().stream().anyMatch(ExfiltrationDetector.class::isInstance);
        this.readsPii = policy.detectors().stream().anyMatch(dev.llmgate.policy.detect.PiiDetector.class::isInstance);
    }

    @Override
    public void onEvent(StreamEvent event, Consumer<StreamEvent> downstream) {
        if (event instanceof StreamEvent.TextDelta d) {
            held.append(d.text());
            if (held.length() >= releaseAt) {
                release(false, downstream);
            }
        } else if (event instanceof StreamEvent.ToolCallDelta d) {
            PartialCall p = toolCalls.computeIfAbsent(d.index(), i -> new PartialCall());
            d.id().ifPresent(id -> p.id = id);
            d.name().ifPresent(n -> p.name = n);
            p.arguments.append(d.argumentsDelta());
        } else if (event instanceof StreamEvent.Finish f) {
            release(true, downstream);
            StreamEvent.Finish finish = finishChannels(f);
            recordStreamDecision();
            releaseToolCalls(downstream);
            downstream.accept(finish);
        } else if (event instanceof StreamEvent.LogprobsDelta && scanText) {
            // the tokens are the answer's text before masking, and not aligned with the held-back window: dropped
        } else {
            downstream.accept(event);
        }
    }

    private void release(boolean last, Consumer<StreamEvent> downstream) {
        if (held.length() == 0) {
            return;
        }
        releaseAt = window;
        if (json == null) {
            json = startsAsJson(held);
        }
        String recent = context.toString() + held;
        if (Boolean.TRUE.equals(json)) {
            JsonTokens tokens = JsonTokens.of(recent, contextState); // lexed once for both questions below
            if (!strictSoFar(recent, tokens)) {
                // a raw control character in a string: lenient JSON at best, nothing more restored
                notJson = true;
                if (prose != null) {
                    prose.stop();
                }
            }
            if (!jsonSoFar(recent, tokens)) {
                // not JSON after all (an answer that begins with '[' or '{', or JSON followed by text): read as text
                // from here on, as a whole answer's scan reads it (read as JSON values, text outside them went
                // unexamined)
                json = Boolean.FALSE;
                notJson = true;
                if (prose != null) {
                    prose.stop();
                }
            }
        }
        boolean asJson = Boolean.TRUE.equals(json);
        // before the held text: the link reference definitions released so far (for a held image that uses one) and
        // the last released characters
        // (only when the held text holds an image: a window without one scans no more than before)
        String memory = !asJson && remembersReferences() && references.hasDefinitions() && held.indexOf("![") >= 0
                ? references.definitions().toString()
                : "";
        windowText = null; // (set below for a scanned JSON window)
        String before = context.toString();
        // an HL7 message that declared its own separators: its MSH's separators stand before the window, so that the
        // segments after it are read with them once the MSH has left the window
        String encoding = asJson || held.indexOf("MSH") < 0 ? null : Hl7Fields.lastEncoding(held);
        if (encoding != null) {
            hl7Encoding = encoding;
        }
        String hl7Memory = asJson || hl7Encoding.equals(DEFAULT_HL7_ENCODING) ? "" : "MSH" + hl7Encoding + "\n";
        int offset = memory.length() + hl7Memory.length() + before.length();
        String scanned = memory + hl7Memory + before + held;
        if (!scanText) {
            // not scanned, but placeholders are restored: the last word is kept, so that one in it is judged with
            // what follows it (a word as long as all the held text goes as it is)
            int cut = held.length();
            if (!last && restoreText) {
                int k = cut;
                while (k > 0 && !ProseContext.asciiSpace(held.charAt(k - 1))) {
                    k--;
                }
                cut = k > 0 ? k : cut;
            }
            emit(
                    scanned,
                    ScanView.of(Channel.ANSWER_TEXT, scanned, ScanView.Kind.PLAIN),
                    List.of(),
                    offset,
                    cut,
                    last,
                    downstream);
            return;
        }
        ScanView view;
        Engine.Evaluation ev;
        if (asJson) {
            ScanView.Builder b = ScanView.builder();
            b.addJsonFragment(Channel.ANSWER_TEXT, scanned, contextState, contextPath);
            view = b.build();
            ScanView v = view;
            ev = engine.evaluate(view, PolicyStage.STREAM, f -> v.sourceSpan(f.start(), f.end())[0] >= offset);
        } else if (offset == 0 && Boolean.TRUE.equals(startsAsJson(held))) {
            // an answer that began as JSON and is not JSON after all (a value then text, comments), nothing of it
            // released yet: read as the whole answer's scan reads it (the value's decoded values, its fields joined,
            // then the rest as text), not only as text, where values split over fields are not joined
            view = ScanView.of(Channel.ANSWER_TEXT, scanned, ScanView.Kind.JSON);
            ev = engine.evaluate(view, PolicyStage.STREAM, 0);
        } else {
            view = ScanView.of(Channel.ANSWER_TEXT, scanned, ScanView.Kind.PLAIN);
            int ignoreBefore = Engine.viewPosition(view, offset);
            if (!memory.isEmpty()) {
                // exfiltration found in the remembered definitions counts: with the held image they make a new one
                int memoryEnd = Engine.viewPosition(view, memory.length());
                ScanView v = view;
                boolean rereads = view.rereads().length > 0;
                ev = engine.evaluate(
                        view,
                        PolicyStage.STREAM,
                        f -> (f.start() >= ignoreBefore && (!rereads || v.sourceSpan(f.start(), f.end())[0] >= offset))
                                || (f.start() < memoryEnd && f.type().startsWith(EXFILTRATION)));
                ev = withoutReleasedFindings(view, ev, ignoreBefore);
            } else if (view.rereads().length > 0) {
                // a second reading (tag characters decoded) stands after the held text in the view:
                // its findings in the released text were counted when that was released
                ScanView v = view;
                ev = engine.evaluate(view, PolicyStage.STREAM, f -> v.sourceSpan(f.start(), f.end())[0] >= offset);
            } else {
                ev = engine.evaluate(view, PolicyStage.STREAM, ignoreBefore);
            }
        }
        // a JSON window's strings, decoded in document order (keys too): what order and lines mean for images
        windowText = asJson && readsExfiltration ? JsonWindowText.of(scanned, contextState) : null;
        if (readsExfiltration) {
            judgeWithReleasedReferences(heldAsRead(offset));
        }
        if (!last && readsExfiltration) {
            ev = withOverlongImage(view, ev, offset);
        }
        if (remembersReferences() && references.overflow() && openMarkdownImage(heldAsRead(offset), 0, "", true) >= 0) {
            ev = withHeldExfiltration(view, ev, offset); // references too many or too long to remember: fail closed
        }
        Decision d = ev.decision();
        if (d.verdict() == Verdict.BLOCK || (d.verdict() == Verdict.REQUIRE_APPROVAL && !approved)) {
            Decision merged = aggregate.merge(d);
            if (d.verdict() == Verdict.BLOCK) {
                Enforcement.decide(engine, call, merged, Optional.empty(), PolicyStage.STREAM, rewritten());
                throw Enforcement.blocked(policy, PolicyStage.STREAM, merged);
            }
            Verdict outcome =
                    Enforcement.decide(engine, call, merged, Optional.empty(), PolicyStage.STREAM, rewritten());
            if (outcome == Verdict.BLOCK) {
                throw Enforcement.blocked(policy, PolicyStage.STREAM, merged);
            }
            approved = true;
        }
        // findings as spans of the held text
        List<int[]> spans = new ArrayList<>(d.findings().size());
        for (Finding f : d.findings()) {
            int[] s = view.sourceSpan(f.start(), f.end());
            spans.add(new int[] {s[0] - offset, s[1] - offset});
        }
        // half a window (and a window) of what the detectors read, not of characters: invisible characters dropped
        // from the view (zero-width padding between the digits of a card) do not count towards either
        int keep = window / 2;
        int bound = window;
        if (!last && !view.isIdentity()) {
            keep = Math.max(keep, held.length() - (view.lastReadCharacters(offset, window / 2) - offset));
            bound = Math.max(bound, held.length() - (view.lastReadCharacters(offset, window) - offset));
            if (bound - window > INVISIBLE_HOLD && view.paddingCharacters(offset) <= INVISIBLE_HOLD) {
                // white space between a JSON answer's tokens (deeply indented JSON): no padding, the usual bound
                // with room for the white space, and the longest findings rewritten as far as seen
                bound = window + INVISIBLE_HOLD;
                keep = Math.min(keep, window / 2 + INVISIBLE_HOLD);
            }
            if (bound - window > INVISIBLE_HOLD) {
                // more invisible characters than any text holds (Zalgo text aside): what they pad cannot be judged
                // within the bound, so the stream fails closed
                Decision limit = aggregate.merge(
                        new Decision(PolicyStage.STREAM, Verdict.BLOCK, List.of(Engine.SCAN_LIMIT_RULE), List.of()));
                Enforcement.decide(engine, call, limit, Optional.empty(), PolicyStage.STREAM, rewritten());
                throw Enforcement.blocked(policy, PolicyStage.STREAM, limit);
            }
        }
        int cut = last ? held.length() : held.length() - keep;
        boolean forced = false;
        // JSON objects and arrays that begin lines of a prose answer (jsonAt): one not yet closed is held
        // below; the usual cut inside one that has closed moves to its end, so that the part after the cut is not
        // read again in the next window without the keys before it
        int[] json = last || asJson
                ? NO_JSON
                : jsonAt(scanned, offset, offset == 0 || lineBreakBefore(scanned, offset), cut);
        if (json[1] > cut) {
            cut = json[1];
        }
        if (!last) {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (int[] s : spans) {
                    // a finding that starts in the released text (found again there, or one over the whole text,
                    // as hidden tag text is) cannot be held back: it does not move the cut
                    if (s[0] >= 0 && s[0] < cut && s[1] > cut) {
                        cut = s[0];
                        moved = true;
                    }
                }
                int safe = safeCut(scanned, offset, cut);
                if (safe != cut) {
                    cut = safe;
                    moved = true;
                }
            }
            int open = TokenVault.unfinishedPlaceholderStart(held.subSequence(0, cut));
            if (open >= 0) {
                cut = open;
            }
            // an image not yet closed stays held whole (up to IMAGE_HOLD characters): its URL is scanned with all its
            // data, before the client could fetch it
            int image = openImageInHeld(offset, Math.max(0, held.length() - IMAGE_HOLD));
            boolean holdImage = image >= 0 && held.length() - image <= IMAGE_HOLD;
            if (holdImage && image < cut) {
                cut = image;
            }
            // an HL7 v2 segment that identifies a person is not released in part (up to SEGMENT_HOLD characters): its
            // fields are named by their positions, counted from the segment's start, which the next window must hold
            int segment = asJson ? -1 : segmentAt(cut, offset == 0 || lineBreakBefore(scanned, offset));
            if (segment >= 0 && held.length() - segment <= SEGMENT_HOLD) {
                holdImage = true;
                cut = segment;
            } else if (segment >= 0 && readsPii) {
                // a segment longer than the hold: released in part, its rest could not be read as a segment's fields
                // any more, so the stream fails closed (as for an image held too long)
                Decision limit = aggregate.merge(
                        new Decision(PolicyStage.STREAM, Verdict.BLOCK, List.of(Engine.SCAN_LIMIT_RULE), List.of()));
                Enforcement.decide(engine, call, limit, Optional.empty(), PolicyStage.STREAM, rewritten());
                throw Enforcement.blocked(policy, PolicyStage.STREAM, limit);
            }
            // a JSON object or array that begins a line of a prose answer (a record shown in a code block) is not
            // released before it closes (up to JSON_HOLD characters), so that its members are read under their keys;
            // a longer one is released in part: what is released was read under its keys, an open value's members as
            // far as they came; its rest is read from the lines that begin in the next windows (a deliberate limit:
            // failing closed blocked lockfiles and catalogues in code blocks)
            boolean holdJson = false;
            if (json[0] >= 0 && json[0] < cut && held.length() - json[0] <= JSON_HOLD) {
                holdImage = true;
                holdJson = true;
                cut = json[0];
            }
            // the next release: at a whole window as usual, or while the image stays held, after half a window more;
            // while a JSON value is held, once the held text has doubled (a value of 16 KB is scanned a few times, not
            // at every half window)
            if (holdImage) {
                releaseAt = Math.max(window, held.length() - cut + window / 2);
            }
            if (holdJson) {
                releaseAt = Math.max(releaseAt, Math.min(2 * (held.length() - cut), JSON_HOLD + window / 2));
            }
            if (held.length() - cut > bound && !holdImage) {
                // a finding longer than half the window straddles the cut: keep the bound, release up to the usual cut
                // and rewrite the straddling findings' released part (the rest cannot be recognised any more)
                cut = safeCut(scanned, offset, held.length() - keep);
                forced = true;
            }
            if (keep > window / 2 && !holdImage) {
                // invisible characters held on top: the next release once about half a window more of what the
                // detectors read has come (as many characters again as now hold half a window), not at every chunk
                releaseAt = Math.max(window, held.length() - cut + keep);
            }
        }
        // account for the findings in the released part only, so overlapping scans do not count twice
        List<Finding> released = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            if (spans.get(i)[0] < cut) {
                released.add(d.findings().get(i));
            }
        }
        List<Finding> redact = new ArrayList<>();
        for (Finding f : ev.toRedact()) {
            int[] s = view.sourceSpan(f.start(), f.end());
            if (s[1] - offset <= cut || (forced && s[0] - offset < cut)) {
                redact.add(f);
            }
        }
        if (!released.isEmpty()) {
            aggregate = aggregate.merge(new Decision(
                    PolicyStage.STREAM,
                    d.verdict() == Verdict.REQUIRE_APPROVAL ? Verdict.ALLOW : d.verdict(),
                    d.ruleIds(),
                    released));
        }
        Enforcement.addByType(rewritten, redact);
        emit(scanned, view, redact, offset, cut, last, downstream);
    }

    /**
     * The most invisible characters held on top of a window (between what the detectors read); beyond it a stream
     * fails closed.
     */
    static final int INVISIBLE_HOLD = 4096;

    /** The prefix of the exfiltration finding types. */
    private static final String EXFILTRATION = "EXFILTRATION_";

    /** What released text left behind that a later image may use (remembered with the exfiltration detector only). */
    private final ReleasedReferences references = new ReleasedReferences();

    private boolean remembersReferences() {
        return readsExfiltration;
    }

    /**
     * The strings of the JSON window scanned last, decoded in document order ({@link JsonWindowText}); null for a text
     * window (or without the exfiltration detector).
     */
    private JsonWindowText windowText;

    /**
     * The held text as a client reads it: in a JSON window, its strings decoded in document order (an image may be
     * written with its exclamation mark escaped, <code>&#92;u0021[...</code>; a line break {@code \n}); else the held
     * text itself. ({@code offset}: where the held text starts in the scanned window.)
     */
    private String heldAsRead(int offset) {
        return windowText == null ? held.toString() : windowText.text.substring(windowText.from(offset));
    }

    /**
     * Where an image not yet closed starts in the held text, looked for from held position {@code from} on (see
     * {@link MarkdownImageSyntax#openImage}); in a JSON window also in its decoded strings, mapped back to the held text (the earlier of
     * the two readings).
     */
    private int openImageInHeld(int offset, int from) {
        int raw = openImage(held, from, references.definitions());
        if (windowText == null) {
            return raw;
        }
        int heldStart = windowText.from(offset);
        String decoded = windowText.text.substring(heldStart);
        int d = openImage(decoded, windowText.from(offset + from) - heldStart, references.definitions());
        if (d < 0) {
            return raw;
        }
        int at = Math.max(0, windowText.rawOf(heldStart + d) - offset);
        return raw < 0 ? at : Math.min(raw, at);
    }

    /**
     * Held text (as read) that holds a reference image, or a definition (in it, or begun in the released part of its
     * paragraph) of a label that a released reference image uses: it is read after what was released before it that
     * such an image may use — the released images' labels, the remembered link reference definitions, the released
     * lines of the current paragraph and the current line as far as it was released (a definition cut by a release:
     * its label released, its destination held) — as one text, as a whole answer is read; exfiltration found there
     * blocks the stream (released text cannot be rewritten: fail closed), unless a rule only logs it or it was
     * approved.
     */
    private void judgeWithReleasedReferences(String heldRead) {
        // (only where a remembered text may make a new image: a reference image held, or a definition of a label a
        // released reference image uses — not at every "]:" of code, not for inline images, scanned whole when held)
        boolean image = references.mayServeImageIn(heldRead);
        boolean definition = references.definesReleasedImageIn(heldRead);
        if (!image && !definition) {
            return;
        }
        ScanView together = ScanView.of(Channel.ANSWER_TEXT, references.before(heldRead), ScanView.Kind.PLAIN);
        Engine.Evaluation ev =
                engine.evaluate(together, PolicyStage.STREAM, f -> f.type().startsWith(EXFILTRATION));
        if (definition && references.labelsOverflow()) {
            // more reference images released than remembered: a held definition may serve one forgotten (fail closed)
            ev = withHeldExfiltration(together, ev, 0);
        }
        Decision r = ev.decision();
        if (r.findings().isEmpty()
                || r.verdict() == Verdict.ALLOW
                || r.verdict() == Verdict.ALLOW_LOG
                || (r.verdict() == Verdict.REQUIRE_APPROVAL && approved)) {
            return;
        }
        Decision blocked = aggregate.merge(new Decision(PolicyStage.STREAM, Verdict.BLOCK, r.ruleIds(), r.findings()));
        Enforcement.decide(engine, call, blocked, Optional.empty(), PolicyStage.STREAM, rewritten());
        throw Enforcement.blocked(policy, PolicyStage.STREAM, blocked);
    }

    /**
     * {@code ev} decided without the findings in the released text before the held one ({@code ignoreBefore}, a view
     * position): those cannot be rewritten any more, so one that a rule would block, rewrite or ask approval for
     * blocks the stream (fail closed); the others were recorded when their text was released.
     */
    private Engine.Evaluation withoutReleasedFindings(ScanView view, Engine.Evaluation ev, int ignoreBefore) {
        List<Finding> released = new ArrayList<>();
        List<Finding> rest = new ArrayList<>();
        for (Finding f : ev.decision().findings()) {
            (f.start() < ignoreBefore ? released : rest).add(f);
        }
        if (released.isEmpty()) {
            return ev;
        }
        Decision r = engine.decide(view, PolicyStage.STREAM, released).decision();
        if (r.verdict() != Verdict.ALLOW
                && r.verdict() != Verdict.ALLOW_LOG
                && !(r.verdict() == Verdict.REQUIRE_APPROVAL && approved)) {
            Decision blocked =
                    aggregate.merge(new Decision(PolicyStage.STREAM, Verdict.BLOCK, r.ruleIds(), r.findings()));
            Enforcement.decide(engine, call, blocked, Optional.empty(), PolicyStage.STREAM, rewritten());
            throw Enforcement.blocked(policy, PolicyStage.STREAM, blocked);
        }
        return engine.decide(view, PolicyStage.STREAM, rest);
    }

    /**
     * {@code ev} with an {@link FindingTypes#EXFILTRATION_URL} finding (0.8) from {@code scannedFrom} (a position of
     * the scanned text) to the end: fail closed.
     */
    private Engine.Evaluation withHeldExfiltration(ScanView view, Engine.Evaluation ev, int scannedFrom) {
        Finding f = new Finding(
                FindingTypes.EXFILTRATION_URL,
                Engine.viewPosition(view, scannedFrom),
                view.text().length(),
                0.8,
                "exfiltration");
        if (f.confidence() < policy.threshold(f.type())) {
            return ev;
        }
        List<Finding> found = new ArrayList<>(ev.decision().findings());
        found.add(f);
        return engine.decide(view, PolicyStage.STREAM, found);
    }

    private Map<String, Integer> rewritten() {
        return Map.copyOf(rewritten);
    }

    /** The most a stream holds back for one image not yet closed (markdown {@code ![..](..)} or {@code <img ...>}). */
    static final int IMAGE_HOLD = 4096;

    /** The most a stream holds back for one HL7 v2 segment not yet ended ({@link Hl7Fields}). */
    static final int SEGMENT_HOLD = 4096;

    /**
     * Where the line that a release of {@code cut} held characters would split begins, if it is an HL7 v2 segment that
     * {@link Hl7Fields} reads (its name and the field separator; ended or not), else -1. {@code lineStart}: the held
     * text begins a line.
     */
    private int segmentAt(int cut, boolean lineStart) {
        if (cut <= 0 || cut > held.length() || held.charAt(cut - 1) == '\r' || held.charAt(cut - 1) == '\n') {
            return -1; // no line split
        }
        int start = cut;
        while (start > 0 && held.charAt(start - 1) != '\r' && held.charAt(start - 1) != '\n') {
            start--;
        }
        if (start == 0 && !lineStart) {
            return -1; // the line began in released text
        }
        char field = hl7Encoding.charAt(0);
        return Hl7Fields.startsSegment(held, start, field)
                        && Hl7Fields.fieldsSoFar(held, Hl7Fields.afterPrefix(held, start, held.length()), field)
                ? start
                : -1;
    }

    /** The most a prose stream holds back for one JSON object or array not yet closed ({@link #jsonAt}). */
    static final int JSON_HOLD = 16384;

    private static final int[] NO_JSON = {-1, -1};

    /**
     * The JSON objects and arrays that begin lines of the held text (which begins at {@code offset} of {@code
     * scanned}; {@code lineStart}: it begins a line) and are JSON so far, as {@link ScanView} reads a value inside a
     * text: where the line of one not yet closed begins, or -1; and where one that begins before {@code cut} and has
     * closed after it ends, or -1 (positions in the held text).
     */
    private static int[] jsonAt(String scanned, int offset, boolean lineStart, int cut) {
        int n = scanned.length();
        if (scanned.indexOf('{', offset) < 0 && scanned.indexOf('[', offset) < 0) {
            return NO_JSON;
        }
        int closedEnd = -1;
        int line = lineStart ? offset : nextLine(scanned, offset);
        while (line >= 0) {
            int k = JsonTokens.leadInEnd(scanned, line, n);
            int next = k;
            if (k < n && (scanned.charAt(k) == '{' || scanned.charAt(k) == '[')) {
                JsonTokens tokens = JsonTokens.valueAt(scanned, k);
                if (!tokens.hasOther && tokens.firstValueEnd < 0) {
                    return new int[] {line - offset, closedEnd}; // open to the end of what came so far
                }
                if (!tokens.hasOther && k - offset < cut && tokens.firstValueEnd - offset > cut) {
                    closedEnd = tokens.firstValueEnd - offset;
                }
                next = Math.max(tokens.stop, k + 1);
            }
            line = next >= n ? -1 : nextLine(scanned, next);
        }
        return closedEnd < 0 ? NO_JSON : new int[] {-1, closedEnd};
    }

    /** Where the line after the one holding {@code i} begins, or -1 if there is none yet. */
    private static int nextLine(String s, int i) {
        int b = s.indexOf('\n', i);
        return b < 0 ? -1 : b + 1;
    }

    /** The separators of an HL7 v2 message that declares none ({@code MSH-1} and {@code MSH-2}). */
    private static final String DEFAULT_HL7_ENCODING = "|^~\\&";

    /** The separators the last {@code MSH} segment of the answer declared ({@link #DEFAULT_HL7_ENCODING} if none). */
    private String hl7Encoding = DEFAULT_HL7_ENCODING;

    private static boolean lineBreakBefore(String scanned, int offset) {
        char c = scanned.charAt(offset - 1);
        return c == '\r' || c == '\n';
    }

    /**
     * {@code ev}, with an {@link FindingTypes#EXFILTRATION_URL} finding (0.8) added over an image that is still open
     * after {@link #IMAGE_HOLD} characters, unless it is a markdown image whose destination is a {@code data:} URL
     * ({@link MarkdownImageSyntax#dataImage}) or a reference image whose definition has not come ({@link MarkdownImageSyntax#undefinedReference}: released,
     * its label is remembered and a definition that comes later is judged with it): it cannot be held any longer, and
     * released open, its URL would reach the client before the detector read all of it (or read without the tag that
     * makes it an image). Fails closed: a policy that blocks exfiltration blocks the stream.
     */
    private Engine.Evaluation withOverlongImage(ScanView view, Engine.Evaluation ev, int offset) {
        int image = openImageInHeld(offset, 0);
        while (image >= 0 && held.length() - image > IMAGE_HOLD) {
            if (dataImage(held, image)) {
                image = openImageInHeld(offset, image + 2); // inline content; the next one still open
                continue;
            }
            if (!undefinedReference(held, image)) {
                return withHeldExfiltration(view, ev, offset + image);
            }
            image = openImageInHeld(offset, image + 2); // the next one still open
        }
        return ev;
    }

    /** Releases {@code cut} held characters, with {@code redact}'s pieces among them rewritten ({@code last}: all of them). */
    private void emit(
            String scanned,
            ScanView view,
            List<Finding> redact,
            int offset,
            int cut,
            boolean last,
            Consumer<StreamEvent> downstream) {
        if (cut <= 0) {
            return;
        }
        String out = engine.redactRange(view, redact, Optional.empty(), offset, offset + cut);
        context.append(scanned, offset, offset + cut);
        if (remembersReferences()) {
            // a JSON window's definitions stand in its decoded strings (a line break written \n)
            references.release(
                    windowText != null
                            ? windowText.text.substring(windowText.from(offset), windowText.from(offset + cut))
                            : out);
        }
        if (context.length() > CONTEXT) {
            int drop = context.length() - CONTEXT;
            int state = JsonTokens.stateAfter(context, 0, drop, contextState);
            if (state != JsonTokens.OUTSIDE) {
                // not inside a short string (a key cut in two would lose the label it gives its values): from its
                // opening quote on, it stays
                int quote = openingQuote(context, drop);
                if (quote != drop) {
                    drop = quote;
                    state = JsonTokens.stateAfter(context, 0, drop, contextState);
                }
            }
            contextState = state;
            contextPath.advance(context, 0, drop);
            context.delete(0, drop);
        }
        held.delete(0, cut);
        String text = out;
        if (restoreText && json != null) { // (json is null while all released text is white space: nothing to restore)
            boolean asJson = json;
            if (prose == null) {
                prose = new ProseContext(asJson);
                if (notJson) {
                    prose.stop(); // it looked like JSON and is not: lenient readers read strings the rules cannot see
                }
            }
            // a JSON answer stays JSON; what follows is the text still held
            text = PlaceholderRestore.restore(vault, out, asJson, restoreUrls, prose, held, last);
        }
        if (restoreText && !text.equals(out)) {
            call.put(dev.llmgate.api.spi.CallFacts.TOKENS_RESTORED, Boolean.TRUE); // the audit must not store it
        }
        if (!text.isEmpty()) {
            downstream.accept(new StreamEvent.TextDelta(text));
        }
    }

    /**
     * Whether {@code text}, a window of a stream that begins in lexer state {@code state}, holds nothing but JSON
     * tokens — apart from a literal cut at either end ({@code ue} after the context's start, {@code fal} at the end).
     */
    static boolean jsonSoFar(String text, int state) {
        return jsonSoFar(text, JsonTokens.of(text, state));
    }

    /** Like {@link #jsonSoFar(String, int)}, with {@code text} already lexed into {@code t}. */
    private static boolean jsonSoFar(String text, JsonTokens t) {
        for (int k = 0; k < t.count; k++) {
            if (t.type[k] != JsonTokens.OTHER) {
                continue;
            }
            String token = text.substring(t.start[k], t.end[k]);
            boolean cutAtStart =
                    t.start[k] == 0 && ("true".endsWith(token) || "false".endsWith(token) || "null".endsWith(token));
            boolean cutAtEnd = t.end[k] == text.length()
                    && ("true".startsWith(token) || "false".startsWith(token) || "null".startsWith(token));
            if (!cutAtStart && !cutAtEnd) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code window} holds no raw control character but white space outside strings (strict JSON so far). */
    private static boolean strictSoFar(String window, JsonTokens t) {
        for (int i = 0; i < window.length(); i++) {
            char c = window.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                return false;
            }
        }
        // a line break or tab inside a string: read the strings of the window (t: its tokens)
        for (int k = 0; k < t.count; k++) {
            if (t.type[k] == JsonTokens.STRING) {
                for (int i = t.start[k]; i < t.end[k]; i++) {
                    if (window.charAt(i) < 0x20) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Whether the text looks like JSON ({@link PlaceholderRestore#looksLikeJson}); null while that is not known. */
    private static Boolean startsAsJson(CharSequence text) {
        return PlaceholderRestore.looksLikeJson(text);
    }

    /**
     * {@code cut} (in held characters), moved back so that the released text does not end inside an
     * escape the view decodes ({@code \}{@code u0034}, <code>&amp;#52;</code>, {@code %34}) or a surrogate pair:
     * otherwise its two halves would never be read together.
     */
    static int safeCut(String scanned, int offset, int cut) {
        int at = offset + cut;
        if (cut <= 0 || at >= scanned.length()) {
            return cut;
        }
        if (Character.isLowSurrogate(scanned.charAt(at)) && Character.isHighSurrogate(scanned.charAt(at - 1))) {
            return cut - 1;
        }
        int earliest = -1; // the earliest escape that the cut would split (a surrogate pair's first half included)
        for (int i = at - 1; i >= Math.max(offset, at - LONGEST_ESCAPE); i--) {
            char c = scanned.charAt(i);
            if (c == '\\' || c == '&' || c == '%') {
                // an escape starting at i that is, or may still become, longer than at - i characters
                if (escapeEnd(scanned, i) > at) {
                    earliest = i;
                }
            }
        }
        int numeric = numericReferenceAround(scanned, offset, at);
        if (numeric >= 0 && (earliest < 0 || numeric < earliest)) {
            earliest = numeric;
        }
        return earliest >= 0 ? earliest - offset : cut;
    }

    /**
     * Where a numeric reference starts that a cut at {@code at} would split, however long its leading zeros make it
     * (HTML reads any number: <code>&amp;#0000000052;</code>), or -1: the run of digits before {@code at} is walked
     * back to its {@code &#} or {@code &#x}.
     */
    private static int numericReferenceAround(String s, int offset, int at) {
        int k = at - 1;
        while (k >= offset && Character.digit(s.charAt(k), 16) >= 0) {
            k--;
        }
        if (k >= offset && (s.charAt(k) == 'x' || s.charAt(k) == 'X')) {
            k--;
        }
        if (k < offset + 1 || s.charAt(k) != '#' || s.charAt(k - 1) != '&' || at - (k - 1) <= LONGEST_ESCAPE) {
            return -1; // (a short one: the look-back above has it)
        }
        int start = k - 1;
        return escapeEnd(s, start) > at ? start : -1;
    }

    /**
     * Where the escape at {@code i} ends ({@code Integer.MAX_VALUE} if more text could still make it longer: one that
     * reaches the end of the text without its closing character, such as <code>&amp;#5</code>, which HTML reads
     * without ';' but which may yet become <code>&amp;#52;</code>), or -1 if there is none.
     */
    private static int escapeEnd(String s, int i) {
        char c = s.charAt(i);
        long whole = c == '\\'
                ? Escapes.backslash(s, i, s.length())
                : c == '&' ? Escapes.htmlReference(s, i, s.length()) : Escapes.percent(s, i, s.length());
        if (whole >= 0 && ((int) whole < s.length() || !mayGrow(s, i))) {
            return (int) whole;
        }
        return mayGrow(s, i) ? Integer.MAX_VALUE : -1;
    }

    /** Whether the text from {@code i} to its end is an incomplete escape that more text could complete. */
    private static boolean mayGrow(String s, int i) {
        int n = s.length() - i;
        char c = s.charAt(i);
        if (n >= LONGEST_ESCAPE && !(c == '&' && n > 1 && s.charAt(i + 1) == '#')) {
            return false;
        }
        if (c == '%') {
            return n < 3;
        }
        if (c == '&') {
            if (n == 1) {
                return true;
            }
            if (s.charAt(i + 1) == '#') {
                // "&#", "&#x", then digits (leading zeros, then at most seven more): more digits or the ';' may follow.
                // Bounded (MAX_NUMERIC_RUN): a longer run is released as it comes, not held to the end of the stream.
                int k = i + 2;
                if (k < s.length() && (s.charAt(k) == 'x' || s.charAt(k) == 'X')) {
                    k++;
                }
                int significant = 0;
                while (k < s.length() && Character.digit(s.charAt(k), 16) >= 0) {
                    if (significant > 0 || s.charAt(k) != '0') {
                        significant++;
                    }
                    k++;
                }
                return k == s.length() && significant <= 7 && k - i <= MAX_NUMERIC_RUN;
            }
            for (int k = i + 1; k < s.length(); k++) { // a name so far: a named reference may still follow
                if (!Escapes.nameChar(s.charAt(k), k == i + 1)) {
                    return false;
                }
            }
            return n <= Escapes.LONGEST_NAME + 1;
        }
        if (n == 1) {
            return true;
        }
        if (s.charAt(i + 1) != 'u') {
            return false;
        }
        for (int k = i + 2; k < s.length() && k < i + 6; k++) { // \\u then hex digits: may still become an escape
            if (Character.digit(s.charAt(k), 16) < 0) {
                return false;
            }
        }
        return n < 12; // \\uD83D\\uDE00 at most
    }

    /** The held tool calls (redacted at the end), and their stream indexes. */
    private List<ToolCall> calls = List.of();

    private final List<Integer> indexes = new ArrayList<>();

    /**
     * At the end of the stream: the refusal and the held tool calls scanned together and redacted;
     * returns the finish to pass on.
     */
    private StreamEvent.Finish finishChannels(StreamEvent.Finish finish) {
        calls = new ArrayList<>(toolCalls.size());
        for (Map.Entry<Integer, PartialCall> e : toolCalls.entrySet()) {
            PartialCall p = e.getValue();
            calls.add(new ToolCall(p.id, p.name, p.arguments.length() == 0 ? "{}" : p.arguments.toString()));
            indexes.add(e.getKey());
        }
        StreamEvent.Finish out = finish;
        if (finish.refusal().isPresent() || !calls.isEmpty()) {
            AnswerView answer = AnswerView.of("", finish.refusal(), calls, policy);
            if (!answer.isEmpty()) {
                Engine.Evaluation ev = engine.evaluate(answer.view(), PolicyStage.STREAM, 0);
                Decision d = ev.decision();
                if (d.verdict() == Verdict.BLOCK || (d.verdict() == Verdict.REQUIRE_APPROVAL && !approved)) {
                    Decision merged = aggregate.merge(d);
                    Verdict outcome =
                            Enforcement.decide(engine, call, merged, Optional.empty(), PolicyStage.STREAM, rewritten());
                    if (outcome == Verdict.BLOCK) {
                        throw Enforcement.blocked(policy, PolicyStage.STREAM, merged);
                    }
                    approved = true;
                }
                if (!d.findings().isEmpty()) {
                    aggregate = aggregate.merge(new Decision(
                            PolicyStage.STREAM,
                            d.verdict() == Verdict.REQUIRE_APPROVAL ? Verdict.ALLOW : d.verdict(),
                            d.ruleIds(),
                            d.findings()));
                }
                String[] redacted = engine.redact(answer.view(), ev.toRedact(), Optional.empty());
                Enforcement.addByType(rewritten, ev.toRedact());
                Optional<String> refusal = answer.refusal(redacted, finish.refusal());
                if (refusal.isPresent() && policy.restoreTokens().contains(TokenRestore.REFUSAL)) {
                    refusal = Optional.of(vault.restore(refusal.get(), false, restoreUrls));
                }
                if (!refusal.equals(finish.refusal())) {
                    out = finish.toBuilder().refusal(refusal).build();
                }
                calls = answer.calls(redacted);
            }
        }
        return out;
    }

    /** The tool calls, checked by the tool policy, as deltas (one per call). */
    private void releaseToolCalls(Consumer<StreamEvent> downstream) {
        if (calls.isEmpty()) {
            return;
        }
        List<ToolCall> checked = Enforcement.checkToolCalls(policy, engine, call, calls, vault);
        for (int i = 0; i < checked.size(); i++) {
            ToolCall tc = checked.get(i);
            downstream.accept(new StreamEvent.ToolCallDelta(
                    indexes.get(i),
                    tc.id().isEmpty() ? Optional.empty() : Optional.of(tc.id()),
                    Optional.of(tc.name()),
                    tc.argumentsJson()));
        }
    }

    private void recordStreamDecision() {
        Enforcement.decide(engine, call, aggregate, Optional.empty(), PolicyStage.STREAM, rewritten());
    }

    private static final class PartialCall {
        String id = "";
        String name = "";
        final StringBuilder arguments = new StringBuilder();
    }

    /**
     * Where the string that position {@code drop} of {@code text} stands inside begins (its opening quote: the last
     * unescaped quote before it), if within {@value #STRING_KEPT} characters; else {@code drop}.
     */
    private static int openingQuote(CharSequence text, int drop) {
        for (int i = drop - 1; i >= 0 && drop - i <= STRING_KEPT; i--) {
            if (text.charAt(i) == '"') {
                int backslashes = 0;
                while (i - 1 - backslashes >= 0 && text.charAt(i - 1 - backslashes) == '\\') {
                    backslashes++;
                }
                if (backslashes % 2 == 0) {
                    return i;
                }
            }
        }
        return drop;
    }

    private static final int STRING_KEPT = 64;
}
