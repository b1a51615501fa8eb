package dev.llmgate.policy.detect.internal;

import dev.llmgate.policy.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a fixed list of recognizers over a text with shared prefilters: the character features and
 * the keyword prefilters are computed once per text, and one {@link StartIndex} pass finds the
 * positions where each recognizer's pattern can start, so a pattern is tried at a few candidate
 * positions instead of at every character. Findings are exactly those of running each recognizer's
 * {@code find()} loop in list order. Immutable and thread-safe.
 */
public final class RecognizerSet {
    private final Recognizer[] recognizers;
    private final StartIndex index;
    private final KeywordScan keywords;
    private final int[] keywordGroup;

    private final String[] ids;

    public RecognizerSet(List<Recognizer> list) {
        this(list, null);
    }

    /** A set whose recognizers report under their own detector ids ({@code ids}, parallel to {@code list}; null: the id given to {@link #scan}). */
    public RecognizerSet(List<Recognizer> list, List<String> ids) {
        this.recognizers = list.toArray(new Recognizer[0]);
        this.ids = ids == null ? null : ids.toArray(new String[0]);
        List<Starts> starts = new ArrayList<>();
        List<String[]> groups = new ArrayList<>();
        keywordGroup = new int[recognizers.length];
        for (int r = 0; r < recognizers.length; r++) {
            starts.add(recognizers[r].starts());
            String[] k = recognizers[r].keywords();
            keywordGroup[r] = k == null ? -1 : groups.size();
            if (k != null) {
                groups.add(k);
            }
        }
        this.index = new StartIndex(starts);
        this.keywords = groups.isEmpty() ? null : new KeywordScan(groups);
    }

    /** Adds the findings of every recognizer in {@code text} to {@code out}, recognizer by recognizer. */
    public void scan(CharSequence text, String detectorId, List<Finding> out) {
        scan(MeteredText.unlimited(text), detectorId, out);
    }

    /** Like {@link #scan(CharSequence, String, List)}, counting the work on {@code text}'s counter. */
    public void scan(MeteredText text, String detectorId, List<Finding> out) {
        String chars = text.string();
        // one byte per char of the text ('?' for characters outside Latin-1), read by every pass below
        text.charge(2L * chars.length()); // the copy and the features pass
        byte[] latin1 = Latin1Copy.of(chars);
        int features = Recognizer.features(latin1);
        long active = 0;
        for (int r = 0; r < recognizers.length; r++) {
            if (recognizers[r].applies(features, true, Integer.MAX_VALUE)) {
                active |= 1L << r;
            }
        }
        if (active == 0) {
            return;
        }
        StartIndex.Candidates c = index.scan(chars, latin1, active, text);
        long present = 0;
        long wanted = 0;
        for (int r = 0; r < recognizers.length; r++) {
            if (keywordGroup[r] >= 0 && (active & (1L << r)) != 0 && (!index.indexed(r) || c.count(r) > 0)) {
                wanted |= 1L << keywordGroup[r];
            }
        }
        boolean keywordsScanned = false;
        for (int r = 0; r < recognizers.length; r++) {
            if ((active & (1L << r)) == 0 || !recognizers[r].applies(features, true, c.maxDigitRun)) {
                continue;
            }
            boolean indexed = index.indexed(r);
            if (indexed && c.count(r) == 0) {
                continue;
            }
            if (keywordGroup[r] >= 0) {
                // the keyword pass runs once per text, and only when a keyword-gated recognizer has candidates
                if (!keywordsScanned) {
                    present = keywords.presentGroups(chars, latin1, wanted, text);
                    keywordsScanned = true;
                }
                if ((present & (1L << keywordGroup[r])) == 0) {
                    continue;
                }
            }
            String id = ids == null ? detectorId : ids[r];
            if (indexed) {
                recognizers[r].scanAt(text, c.of(r), c.count(r), id, out);
            } else {
                recognizers[r].scanAll(text, id, out);
            }
        }
    }
}
