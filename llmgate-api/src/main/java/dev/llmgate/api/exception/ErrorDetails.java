package dev.llmgate.api.exception;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where an error came from: the provider, the HTTP status, the vendor's error code and request id.
 * Never holds an API key or prompt text.
 *
 * @param provider   the configured provider name, or empty when the error did not come from a provider
 * @param httpStatus the HTTP status, when there was a response
 * @param errorCode  the vendor's error code or type, e.g. {@code "context_length_exceeded"}
 * @param requestId  the vendor's request id (e.g. {@code x-request-id}), useful in a support ticket
 */
public record ErrorDetails(
        Optional<String> provider, OptionalInt httpStatus, Optional<String> errorCode, Optional<String> requestId) {

    /** No details: the error did not come from a provider. */
    public static final ErrorDetails NONE =
            new ErrorDetails(Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty());

    public ErrorDetails {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(httpStatus, "httpStatus");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(requestId, "requestId");
    }

    /** Details naming only the provider. */
    public static ErrorDetails of(String provider) {
        return new ErrorDetails(Optional.of(provider), OptionalInt.empty(), Optional.empty(), Optional.empty());
    }

    /** Details of an HTTP error response. Blank code or request id count as absent. */
    public static ErrorDetails of(String provider, int httpStatus, String errorCode, String requestId) {
        return new ErrorDetails(
                Optional.of(provider), OptionalInt.of(httpStatus), nonBlank(errorCode), nonBlank(requestId));
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    /** A short suffix for exception messages, e.g. {@code " [provider=openai, status=429, code=rate_limit_exceeded]"}. */
    String suffix() {
        if (this.equals(NONE)) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" [");
        provider.ifPresent(p -> sb.append("provider=").append(p).append(", "));
        httpStatus.ifPresent(s -> sb.append("status=").append(s).append(", "));
        errorCode.ifPresent(c -> sb.append("code=").append(c).append(", "));
        requestId.ifPresent(r -> sb.append("request-id=").append(r).append(", "));
        sb.setLength(sb.length() - 2);
        return sb.append(']').toString();
    }
}
