package dev.llmgate.policy.internal;

import static dev.llmgate.policy.internal.MarkdownImageSyntax.blankLine;
import static dev.llmgate.policy.internal.MarkdownImageSyntax.labelEnd;
import static dev.llmgate.policy.internal.MarkdownImageSyntax.labelStartsLine;
import static dev.llmgate.policy.internal.MarkdownImageSyntax.normalLabel;
import static dev.llmgate.policy.internal.MarkdownImageSyntax.urlLike;

import dev.llmgate.policy.Channel;

/**
 * What a stream's released text left behind that a later image may use: the link reference definitions released so
 * far, the released lines of the current paragraph and the current line (a definition may be cut by a release), and
 * the labels of the reference images released so far (a definition may come after its image). Bounded: past
 * {@value #MAX_REFERENCES} characters of definitions, a definition line longer than {@value #MAX_DEFINITION_LINE}
 * or more than {@value #MAX_IMAGE_LABELS} image labels it reports an overflow, and the guard fails closed for the
 * images that may need what was forgotten. One per stream; not thread-safe.
 */
final class ReleasedReferences {
    /** The most characters of link reference definitions a stream remembers; past it, a held reference image fails closed. */
    static final int MAX_REFERENCES = 8_192;

    /** The longest link reference definition line remembered whole; a longer one fails closed. */
    static final int MAX_DEFINITION_LINE = 4_096;

    /**
     * Link reference definitions released so far (each line that holds {@code ]:} followed by what may be a URL),
     * one per line. A reference image held later may use one released long before; scanned again before each window
     * that holds an image, they let the detector join them as a whole answer's scan does. (An image released first is
     * held until its definition comes: see {@link MarkdownImageSyntax#openImage}.)
     */
    private final StringBuilder references = new StringBuilder();

    /** The released text's current line (up to {@link #MAX_DEFINITION_LINE} characters). */
    private final StringBuilder releasedLine = new StringBuilder();

    /** Whether the released text's current line holds {@code ]:}. */
    private boolean lineDefines;

    /** The previous released line held {@code ]:} with nothing after it (its destination may be on this line). */
    private boolean destinationNext;

    private boolean referencesOverflow;

    /** The released lines of the current paragraph (since a blank line) before the current one, the last 4 KB of them. */
    private final StringBuilder paragraph = new StringBuilder();

    /** The last character released (a {@code ]:} is seen past the line's cap). */
    private char lastReleased;

    /** Whether the current released line has outgrown {@link #releasedLine}'s cap. */
    private boolean lineTooLong;

    /** The most reference image labels a stream remembers; past it, a held definition fails closed. */
    static final int MAX_IMAGE_LABELS = 256;

    /**
     * The labels (normalised) of the reference images released so far: a definition that comes after its image (which
     * a line that only looked like its definition, or the end of a hold, released) is judged with it.
     */
    private final java.util.Set<String> releasedImageLabels = new java.util.LinkedHashSet<>();

    private boolean imageLabelsOverflow;

    /** The remembered link reference definitions, one per line (empty if none; read before the next release). */
    CharSequence definitions() {
        return references;
    }

    /** Whether definitions are remembered. */
    boolean hasDefinitions() {
        return references.length() > 0;
    }

    /** Whether definitions were too many or too long to remember (a held reference image then fails closed). */
    boolean overflow() {
        return referencesOverflow;
    }

    /** Whether more reference image labels were released than remembered (a held definition then fails closed). */
    boolean labelsOverflow() {
        return imageLabelsOverflow;
    }

    /**
     * Whether held text {@code heldRead} (as a client reads it) holds a reference image that something released may
     * serve: a remembered definition, or a definition begun in the released part of its paragraph.
     */
    boolean mayServeImageIn(String heldRead) {
        return (references.length() > 0 || paragraph.length() > 0 || releasedLine.length() > 0)
                && MarkdownImageSyntax.holdsReferenceImage(heldRead);
    }

    /**
     * Whether held text {@code heldRead} (or the released part of its paragraph before it) defines a label that a
     * released reference image uses; with more labels released than remembered, whether it defines any.
     */
    boolean definesReleasedImageIn(String heldRead) {
        return imageLabelsOverflow
                ? heldRead.indexOf("]:") >= 0 || lineDefines || paragraph.indexOf("]:") >= 0
                : !releasedImageLabels.isEmpty()
                        && definesReleasedLabel(paragraph.toString() + releasedLine + heldRead);
    }

    /**
     * {@code heldRead} after everything released that an image in it, or one it defines, may use, as one text (as a
     * whole answer is read): one shortcut image line per released image label, the remembered definitions, the
     * released lines of the current paragraph and the current line as far as it was released.
     */
    String before(String heldRead) {
        StringBuilder joined = new StringBuilder();
        for (String label : releasedImageLabels) {
            joined.append("![image][").append(label).append("]\n"); // the released images a held definition may serve
        }
        return joined.append(references)
                .append(paragraph)
                .append(releasedLine)
                .append(heldRead)
                .toString();
    }

    /**
     * Remembers the link reference definitions of released text {@code out} ({@link #references}): every line that
     * holds {@code ]:} (a definition may stand in a block quote or a list item, and its label may run over lines)
     * followed by something URL-like ({@link MarkdownImageSyntax#urlLike}), and every line that ends with {@code ]:} together with the
     * next (its destination); such a line longer than {@link #MAX_DEFINITION_LINE}, or more than
     * {@link #MAX_REFERENCES} of them, make a held reference image fail closed.
     */
    void release(String out) {
        // (a release may cut an image between its text and its label, or inside a text over lines)
        String before = paragraph.toString() + releasedLine;
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (c == '\n' || c == '\r') {
                // a line ends at a line feed, a carriage return, or both (as CommonMark reads line endings)
                if (!(c == '\n' && lastReleased == '\r')) {
                    endLine();
                }
                lastReleased = c;
                continue;
            }
            if (releasedLine.length() < MAX_DEFINITION_LINE) {
                releasedLine.append(c);
            } else {
                lineTooLong = true;
            }
            if (c == ':' && lastReleased == ']') {
                lineDefines = true; // (seen past the cap too)
            }
            lastReleased = c;
        }
        String released = before + out;
        rememberImageLabels(released);
        String decoded = decoded(released);
        if (!decoded.equals(released)) {
            rememberImageLabels(decoded);
        }
    }

    /** Remembers the labels of the reference images in released text {@code out} ({@link #releasedImageLabels}). */
    private void rememberImageLabels(String out) {
        for (int i = out.indexOf("!["); i >= 0; i = out.indexOf("![", i + 2)) {
            int end = labelEnd(out, i + 1);
            if (end < 0 || (end < out.length() && out.charAt(end) == '(')) {
                continue; // an inline image (its URL was scanned whole), or one whose text never ended
            }
            String label = out.substring(i + 2, end - 1);
            if (end < out.length() && out.charAt(end) == '[') {
                int close = labelEnd(out, end);
                if (close > end + 2) {
                    label = out.substring(end + 1, close - 1);
                }
            }
            String normal = normalLabel(label);
            if (releasedImageLabels.size() >= MAX_IMAGE_LABELS && !releasedImageLabels.contains(normal)) {
                imageLabelsOverflow = true;
                return;
            }
            releasedImageLabels.add(normal);
        }
    }

    /**
     * The released text's current line ended: remembered if it defines a link (see {@link #release}), with
     * the lines of its paragraph before it when its label began there; a line that ends with {@code ]:} is remembered
     * together with the next line that is not blank (its destination), whatever that holds. The first {@code ]:} of a
     * line is its definition's (a title may hold another).
     */
    private void endLine() {
        String line = releasedLine.toString();
        boolean blank = blankLine(line);
        if (destinationNext) {
            if (!blank) {
                destinationNext = false;
                remember(paragraph + line);
            }
        } else {
            int colon = line.indexOf("]:");
            int open = colon < 0 ? -1 : line.lastIndexOf('[', colon);
            if (colon >= 0
                    && line.substring(colon + 2).isBlank()
                    && (open >= 0 ? labelStartsLine(line, open) : paragraphLabelStartsLine())) {
                destinationNext = true; // remembered with the next line
            } else if (colon >= 0 && urlLike(line.substring(colon + 2).trim())) {
                if (open >= 0 ? labelStartsLine(line, open) : paragraphLabelStartsLine()) {
                    remember(open < 0 ? paragraph + line : line); // (a label begun on a line before)
                }
            }
        }
        if (lineTooLong && lineDefines) {
            referencesOverflow = true; // too long to remember whole
        }
        if (blank && !destinationNext) {
            paragraph.setLength(0);
        } else {
            paragraph.append(line).append('\n');
            if (paragraph.length() > MAX_DEFINITION_LINE) {
                paragraph.delete(0, paragraph.length() - MAX_DEFINITION_LINE);
            }
        }
        releasedLine.setLength(0);
        lineDefines = false;
        lineTooLong = false;
    }

    /**
     * Whether {@code t} has a {@code ]:} whose label (from the {@code [} before it) is a released image's label, in
     * {@code t} as written or as the policy's view decodes it (references, escapes).
     */
    private boolean definesReleasedLabel(String t) {
        return definesReleasedLabelIn(t) || definesReleasedLabelIn(decoded(t));
    }

    /** {@code t} as the policy's view reads it (decoded and folded), or {@code t} itself where nothing changes. */
    private static String decoded(String t) {
        return ScanView.of(Channel.ANSWER_TEXT, t, ScanView.Kind.PLAIN).text();
    }

    private boolean definesReleasedLabelIn(String t) {
        for (int k = t.indexOf("]:"); k >= 0; k = t.indexOf("]:", k + 2)) {
            int open = t.lastIndexOf('[', k);
            if (open >= 0 && k - open <= 1_000 && releasedImageLabels.contains(normalLabel(t.substring(open + 1, k)))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last {@code [} of the released paragraph so far begins its line (a label over several lines). */
    private boolean paragraphLabelStartsLine() {
        int open = paragraph.lastIndexOf("[");
        if (open < 0) {
            return false;
        }
        int lineStart = paragraph.lastIndexOf("\n", open) + 1;
        return labelStartsLine(paragraph.substring(lineStart), open - lineStart);
    }

    private void remember(String reference) {
        if (references.length() + reference.length() + 1 > MAX_REFERENCES) {
            referencesOverflow = true;
            return;
        }
        references.append(reference).append('\n');
    }
}
