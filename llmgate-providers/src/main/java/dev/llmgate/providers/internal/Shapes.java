package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;
import java.util.function.Supplier;

/**
 * The boundary between a vendor's bytes and llmgate's types: whatever shape a server's JSON has, a
 * parser either returns or throws a typed {@link LlmException}. An untyped failure while reading an
 * answer of unexpected shape (a null where an object was expected, a negative token count) becomes a
 * retryable {@link ProviderException} with the cause kept, scrubbed by the provider's {@link Secrets}
 * (a parser's message can quote the upstream's text). Found by fuzzing the parsers.
 */
public final class Shapes {
    private Shapes() {}

    /** Runs a parser of a provider's answer. */
    public static <T> T parse(ProviderErrors errors, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (LlmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unexpected(errors, e);
        }
    }

    /** The typed error for an answer or stream event of unexpected shape. */
    public static ProviderException unexpected(ProviderErrors errors, RuntimeException cause) {
        return new ProviderException(
                "the provider's answer has an unexpected shape ("
                        + cause.getClass().getSimpleName() + ")",
                ErrorDetails.of(errors.provider()),
                true,
                errors.secrets().cause(cause));
    }
}
