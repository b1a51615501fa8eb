package dev.llmgate.core.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * A model catalog TSV file could not be read. The message names the source, the line number, the
 * column and what was expected there, e.g.
 * {@code "models.tsv line 12, column 'input_usd_per_mtok': expected a price in USD per million tokens such as 2.50 ..."}.
 *
 * <p>Guarantees: {@link #lineNumber()} is 1-based and counts every line of the file, comments and
 * blank lines included, so it matches what an editor shows.
 */
public final class ModelCatalogParseException extends RuntimeException {

    private final String source;
    private final int lineNumber;
    private final String column;

    /**
     * @param source     the file's name, for the message
     * @param lineNumber the 1-based line number
     * @param column     the column's header name, or empty when the problem is the whole line
     * @param problem    what is wrong and what was expected
     */
    public ModelCatalogParseException(String source, int lineNumber, Optional<String> column, String problem) {
        super(message(source, lineNumber, column, problem));
        this.source = Objects.requireNonNull(source, "source");
        this.lineNumber = lineNumber;
        this.column =
                Objects.requireNonNull(column, "column: use Optional.empty()").orElse(null);
    }

    private static String message(String source, int lineNumber, Optional<String> column, String problem) {
        Objects.requireNonNull(column, "column: use Optional.empty()");
        return source + " line " + lineNumber
                + column.map(c -> ", column '" + c + "'").orElse("") + ": "
                + Objects.requireNonNull(problem, "problem");
    }

    /** The name of the file that failed, as given to {@link ModelCatalog#fromTsv(java.io.Reader, String)}. */
    public String source() {
        return source;
    }

    /** The 1-based line number of the problem. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The header name of the column with the problem; empty when the line as a whole is wrong. */
    public Optional<String> column() {
        return Optional.ofNullable(column);
    }
}
