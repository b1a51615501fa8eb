package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.providers.ResponseLimits;
import java.io.IOException;
import okio.BufferedSource;

/**
 * Bounded reading of response bodies ({@link ResponseLimits}): a blocking answer whole, up to its
 * limit; an error answer only up to {@link #ERROR_BODY_BYTES}; and the one error a limit raises.
 */
public final class Bodies {
    /** How much of an error answer is read: its message and code are at the start. */
    public static final int ERROR_BODY_BYTES = 64 * 1024;

    private Bodies() {}

    /**
     * The whole body as text.
     *
     * @throws ProviderException (not retryable) if it is longer than {@code limits.maxBodyBytes()}; nothing beyond is read
     */
    public static String whole(BufferedSource source, String provider, ResponseLimits limits) throws IOException {
        long max = limits.maxBodyBytes();
        if (source.request(max + 1)) {
            throw tooLarge(provider, "an answer", max, "maxBodyBytes", "withMaxBodyBytes");
        }
        return source.readUtf8();
    }

    /** The first {@link #ERROR_BODY_BYTES} bytes of an error answer (all of it if shorter); the rest is never read. */
    public static String errorPrefix(BufferedSource source) throws IOException {
        source.request(ERROR_BODY_BYTES);
        return source.readUtf8(Math.min(source.getBuffer().size(), ERROR_BODY_BYTES));
    }

    /** The error for a response that exceeds one of the {@link ResponseLimits}. */
    static ProviderException tooLarge(String provider, String what, long limit, String component, String wither) {
        return new ProviderException(
                "the provider sent " + what + " larger than " + limit + " bytes, the limit set by ResponseLimits."
                        + component + "; if it legitimately sends that much (e.g. inline images), raise the limit with"
                        + " .responseLimits(ResponseLimits.DEFAULTS." + wither + "(...)) on the provider's builder",
                ErrorDetails.of(provider),
                false);
    }
}
