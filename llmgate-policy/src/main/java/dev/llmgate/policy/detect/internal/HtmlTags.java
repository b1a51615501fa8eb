package dev.llmgate.policy.detect.internal;

/**
 * Reading an HTML start tag's attributes as the HTML tokenizer does, for the checks that must know whether a tag is
 * still open: a quote opens an attribute value only right after {@code =} (and spaces), and a {@code >} inside a quoted
 * value does not end the tag ({@code <img alt="a>b" src=...>}). Linear in what it reads. Not API.
 */
public final class HtmlTags {
    private HtmlTags() {}

    /**
     * Where the tag whose attributes start at {@code from} ends (the index of its {@code >}) before {@code to}, or -1 if
     * it is still open at {@code to}.
     */
    public static int tagEnd(CharSequence text, int from, int to) {
        char quote = 0;
        boolean afterEquals = false;
        for (int q = from; q < to; q++) {
            char c = text.charAt(q);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && afterEquals) {
                quote = c;
                afterEquals = false;
            } else if (c == '>') {
                return q;
            } else if (c == '=') {
                afterEquals = true;
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                afterEquals = false;
            }
        }
        return -1;
    }
}
