package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;

import java.util.function.Supplier;

/**
 * The boundary between a vendor's bytes and llmgate's types: whatever shape a server's JSON has, a
 * parser either returns or throws a typed {@link LlmException}. An untyped failure while reading an
 * answer of unexpected shape (a null where an object was expected, a negative token count) becomes a
 * retryable {@link ProviderException} with the cause kept. Found by fuzzing the parsers.
 */
public final class Shapes {
    private Shapes() {
    }

    /** Runs a parser of a provider's answer. */
    public static <T> T parse(String provider, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (LlmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unexpected(provider, e);
        }
    }

    /** The typed error for an answer or stream event of unexpected shape. */
    public static ProviderException unexpected(String provider, RuntimeException cause) {
        return new ProviderException("the provider's answer has an unexpected shape (" + cause.getClass().getSimpleName() + ")",
                ErrorDetails.of(provider), true, cause);
    }
}
