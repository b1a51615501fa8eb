package dev.llmgate.providers;

/**
 * How much of a provider's answer llmgate will read, so that an upstream that sends without end (a
 * runaway or hostile server, a broken proxy) costs a bounded amount of memory. Exceeding a limit fails
 * the call with a {@link dev.llmgate.api.exception.ProviderException} (not retryable) whose message
 * names the limit, the provider and how to raise it. A blocking answer is not read past its limit (plus
 * I/O buffering); a stream holds at most about twice {@code maxEventBytes} at a time (the event being
 * assembled and its current line). Sizes are bytes as received (after any {@code Content-Encoding} is undone).
 *
 * <p>Error answers are read up to a fixed 64 KiB (not configurable): only their beginning is used, for the
 * message and code, so a larger error body is cut there and still mapped by its HTTP status.
 *
 * @param maxBodyBytes   the largest blocking (non-streamed) answer
 * @param maxEventBytes  the largest stream frame: any single line of a streamed body, and the {@code data:}
 *                       lines of one Server-Sent Event together (each counted whole, field name included,
 *                       line ends not), and one NDJSON line (Ollama); also the most refusal text one
 *                       streamed answer may carry
 * @param maxStreamBytes the most a whole streamed answer may send, all lines and line ends counted
 */
public record ResponseLimits(long maxBodyBytes, int maxEventBytes, long maxStreamBytes) {

    /** 32 MiB per blocking answer, 8 MiB per stream event or line, 256 MiB per streamed answer. */
    public static final ResponseLimits DEFAULTS = new ResponseLimits(32L << 20, 8 << 20, 256L << 20);

    /** @throws IllegalArgumentException if a limit is not positive, or a stream's limit is below its event limit */
    public ResponseLimits {
        if (maxBodyBytes < 1 || maxEventBytes < 1 || maxStreamBytes < 1) {
            throw new IllegalArgumentException("response limits must be positive, were maxBodyBytes=" + maxBodyBytes
                    + ", maxEventBytes=" + maxEventBytes + ", maxStreamBytes=" + maxStreamBytes);
        }
        if (maxStreamBytes < maxEventBytes) {
            throw new IllegalArgumentException("maxStreamBytes (" + maxStreamBytes
                    + ") must be at least maxEventBytes (" + maxEventBytes + "): a stream holds at least one event");
        }
    }

    public ResponseLimits withMaxBodyBytes(long value) {
        return new ResponseLimits(value, maxEventBytes, maxStreamBytes);
    }

    public ResponseLimits withMaxEventBytes(int value) {
        return new ResponseLimits(maxBodyBytes, value, maxStreamBytes);
    }

    public ResponseLimits withMaxStreamBytes(long value) {
        return new ResponseLimits(maxBodyBytes, maxEventBytes, value);
    }
}
