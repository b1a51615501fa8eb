package dev.llmgate.policy.detect.internal;

import java.util.function.IntPredicate;

/**
 * Reading an HTML start tag's attributes as the HTML tokenizer does, for the checks that must know whether a tag is
 * still open: a quote opens an attribute value only right after {@code =} (and spaces), and a {@code >} inside a quoted
 * value does not end the tag ({@code <img alt="a>b" src=...>}). Linear in what it reads. Not API.
 */
public final class HtmlTags {
    private HtmlTags() {}

    /**
     * Receives a region where an image tag is open: {@code start} is the {@code <} of its first tag, {@code end} the
     * index of the {@code >} that ends its last one (or the end of the range read, if none does).
     */
    public interface RegionSink {
        void region(int start, int end);
    }

    /** A tag's reading state: between attributes or in an unquoted value. */
    private static final int PLAIN = 1;
    /** Right after an {@code =} (and white space): a quote here opens a value. */
    private static final int AFTER_EQUALS = 2;

    private static final int IN_SINGLE = 4;
    private static final int IN_DOUBLE = 8;

    /**
     * The regions of {@code text[from, to)} where at least one image tag ({@code <img}, or {@code <image}, which an
     * HTML parser reads as {@code <img}; or another tag whose URLs a browser fetches without a click, such as
     * {@code <video poster>}, {@code <source srcset>}, {@code <iframe>}, {@code <link>}) is open, in order: from the {@code <} of the first to the {@code >} that
     * ends the last one still open ({@code to} if none does). Every {@code <img} counts until a {@code >} outside a
     * quoted value ends it, not only the last one, so an {@code <img} written where no parser sees a tag
     * (a code span, a comment, another tag's value) cannot hide a real one after it by a quote it leaves open.
     * Characters for which {@code decoded} holds (decoded from escapes: <code>&amp;#62;</code>, {@code %22}) are text to the
     * tokenizer: they start, open, close or end nothing. Tags in the same reading state go on alike, so the open
     * tags are a set of at most four states: one pass, linear in {@code to - from}.
     */
    public static void imageTagRegions(CharSequence text, int from, int to, IntPredicate decoded, RegionSink sink) {
        int live = 0;
        int pending = -1; // where the attributes of a tag just started begin
        int start = -1;
        int k = from;
        while (k < to) {
            if (live == 0 && pending < 0) {
                int j = nextImageTag(text, k, to, decoded);
                if (j < 0) {
                    return;
                }
                start = j;
                pending = j + tagNameLength(text, j, to);
                k = j;
            }
            if (k == pending) {
                live |= PLAIN;
                pending = -1;
            }
            char c = text.charAt(k);
            boolean d = decoded.test(k);
            if (c == '<' && !d && pending < 0 && startsImageTag(text, k, to)) {
                pending = k + tagNameLength(text, k, to);
            }
            live = step(live, c, d);
            if (live == 0 && pending < 0) {
                sink.region(start, k);
            }
            k++;
        }
        if (live != 0 || pending >= 0) {
            sink.region(start, to);
        }
    }

    private static int nextImageTag(CharSequence text, int from, int to, IntPredicate decoded) {
        for (int j = from; j < to; j++) {
            if (text.charAt(j) == '<' && !decoded.test(j) && startsImageTag(text, j, to)) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Start tags of the elements a browser fetches a URL of as the page renders, without a click, other than
     * {@code <img>}: media and their sources ({@code src}, {@code poster}, {@code srcset}), frames and embedded
     * objects, stylesheets and scripts, an image button, the document's base URL (relative image URLs resolve
     * against it), SVG references, and a refresh. The legacy {@code background} attribute of tables and their cells
     * is left out: those names are common words in prose about HTML, and an open one holds a stream.
     */
    private static final String[] FETCHING = {
        "<video",
        "<audio",
        "<source",
        "<track",
        "<input",
        "<iframe",
        "<frame",
        "<embed",
        "<object",
        "<link",
        "<script",
        "<base",
        "<use",
        "<feimage",
        "<meta"
    };

    private static boolean startsImageTag(CharSequence text, int j, int to) {
        return tagNameLength(text, j, to) > 0;
    }

    /**
     * The length of the {@code <} and name of the image or fetching tag at {@code j} (where its attributes begin), or 0
     * if none starts there: {@code <img} and {@code <image} are read as before any name that follows them (4), the
     * others only as whole names.
     */
    private static int tagNameLength(CharSequence text, int j, int to) {
        if (regionMatchesIgnoreCase(text, j, to, "<img") || regionMatchesIgnoreCase(text, j, to, "<image")) {
            return 4;
        }
        if (j + 1 >= to) {
            return 0;
        }
        char first = (char) (text.charAt(j + 1) | 0x20);
        for (String name : FETCHING) {
            if (name.charAt(1) == first && regionMatchesIgnoreCase(text, j, to, name)) {
                int after = j + name.length();
                if (after == to) {
                    return name.length(); // the name may go on: a tag still open
                }
                char c = text.charAt(after);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>') {
                    return name.length();
                }
            }
        }
        return 0;
    }

    private static boolean regionMatchesIgnoreCase(CharSequence text, int j, int to, String word) {
        if (j + word.length() > to) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            char c = text.charAt(j + i);
            if (c != word.charAt(i) && (c | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The reading states after character {@code c} ({@code decoded}: from an escape, so plain text). */
    private static int step(int live, char c, boolean decoded) {
        int next = 0;
        if ((live & IN_SINGLE) != 0) {
            next |= c == '\'' && !decoded ? PLAIN : IN_SINGLE;
        }
        if ((live & IN_DOUBLE) != 0) {
            next |= c == '"' && !decoded ? PLAIN : IN_DOUBLE;
        }
        int outside = live & (PLAIN | AFTER_EQUALS);
        if (outside == 0) {
            return next;
        }
        if (decoded) {
            return next | PLAIN;
        }
        if (c == '"' || c == '\'') {
            // a quote opens a value right after '=', and is a plain character elsewhere
            next |= (outside & AFTER_EQUALS) != 0 ? (c == '"' ? IN_DOUBLE : IN_SINGLE) : 0;
            next |= (outside & PLAIN) != 0 ? PLAIN : 0;
        } else if (c == '=') {
            // after an attribute name, '=' starts a value; elsewhere (a tag name, a value, after a value) it is a plain
            // character: both stay possible, so a view that adds or drops a character before it loses neither reading
            next |= ((outside & PLAIN) != 0 ? AFTER_EQUALS : 0) | PLAIN;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            next |= outside;
        } else if (c != '>') {
            next |= PLAIN; // ('>' ends the tag)
        }
        return next;
    }
}
