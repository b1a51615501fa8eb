package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.Headers;

/**
 * Turns an HTTP status and a vendor's error into the typed exception routing acts on. Vendors
 * disagree on codes, so context-length and content-filter errors are also recognised from the
 * words of their messages. Everything of the vendor's that the exception shows (message, code or
 * type, request id) is scrubbed by the provider's {@link Secrets}; the raw words are only classified.
 */
final class ErrorMapping {
    private static final Pattern CONTEXT_LENGTH = Pattern.compile(
            "context[_ ]length|context window|context size|maximum context|too many tokens|prompt is too long"
                    + "|input is too long|exceeds? the (?:model's )?(?:maximum|available)|token limit|reduce the length",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTENT_FILTER = Pattern.compile(
            "content[_ ]filter|content management policy|responsible ?ai|safety (?:system|filter)|blocked by safety",
            Pattern.CASE_INSENSITIVE);
    /**
     * A 429 that is not transient: OpenAI's {@code insufficient_quota} code. The wording "exceeded
     * your current quota" alone is not enough: Gemini uses it for its per-minute rate limits too.
     */
    private static final Pattern BILLING =
            Pattern.compile("insufficient_quota|billing_hard_limit", Pattern.CASE_INSENSITIVE);

    private ErrorMapping() {}

    /**
     * The exception for an error answer.
     *
     * @param status  the HTTP status; 200 for an error inside a successful response or stream
     * @param secrets the provider's scrubber: every upstream string shown (message, code or type, request id) passes it
     */
    public static LlmException map(
            String provider, int status, Headers headers, VendorError error, Clock clock, Secrets secrets) {
        return map(provider, status, headers, error, clock, secrets, RequestEcho.NONE);
    }

    /**
     * Like {@link #map(String, int, Headers, VendorError, Clock, Secrets)}; the vendor's message also passes
     * {@code echo}: runs of it that repeat the request's texts are masked (an echoed prompt stays out of the message).
     */
    public static LlmException map(
            String provider,
            int status,
            Headers headers,
            VendorError error,
            Clock clock,
            Secrets secrets,
            RequestEcho echo) {
        String requestId = secrets.scrub(
                firstHeader(headers, "x-request-id", "request-id", "apim-request-id", "x-goog-request-id"));
        ErrorDetails details = ErrorDetails.of(
                provider, status, secrets.scrub(error.code().isEmpty() ? error.type() : error.code()), requestId);
        String vendorText = echo.scrub(secrets.scrub(error.message()));
        String what = vendorText.isEmpty() ? "" : ": " + vendorText;
        String kind = (error.type() + " " + error.code()).toLowerCase(Locale.ROOT);
        String all = kind + " " + error.message();
        Optional<Duration> retryAfter = RetryAfter.from(headers, clock);
        if (retryAfter.isEmpty()) {
            retryAfter = error.retryDelay();
        }

        if (status == 401
                || kind.contains("authentication")
                || kind.contains("invalid_api_key")
                || kind.contains("api_key_invalid")
                || kind.contains("unauthenticated")) {
            return new AuthenticationException(
                    "the provider rejected the credentials: check the API key" + what, details);
        }
        if (CONTENT_FILTER.matcher(all).find() && (status == 400 || status == 200 || status == 403)) {
            return new ContentFilteredException(
                    "the provider's content filter blocked the request or answer" + what, details);
        }
        if ((status == 400 || status == 413 || status == 422 || status == 200)
                && CONTEXT_LENGTH.matcher(all).find()) {
            return new ContextLengthExceededException(
                    "the input does not fit the model's context window" + what, details);
        }
        if (status == 429 && BILLING.matcher(kind).find()) {
            return new PermissionDeniedException(
                    "the account's quota or billing limit is exhausted (not a transient rate limit)" + what, details);
        }
        switch (status) {
            case 400:
            case 404:
            case 405:
            case 413:
            case 415:
            case 422:
                return new InvalidRequestException(
                        "the provider rejected the request (HTTP " + status + ")" + what, details);
            case 402:
            case 403:
                return new PermissionDeniedException(
                        "the provider refused access (HTTP " + status + ")" + what, details);
            case 408:
            case 504:
                return new RequestTimeoutException("the provider timed out (HTTP " + status + ")" + what, details);
            case 429:
                return new RateLimitedException("rate limited by the provider" + what, details, retryAfter);
            case 503:
            case 529:
                return new OverloadedException(
                        "the provider is overloaded (HTTP " + status + ")" + what, details, retryAfter);
            default:
                break;
        }
        if (kind.contains("overloaded")) {
            return new OverloadedException("the provider is overloaded" + what, details, retryAfter);
        }
        if (kind.contains("rate_limit") || kind.contains("resource_exhausted")) {
            return new RateLimitedException("rate limited by the provider" + what, details, retryAfter);
        }
        if (kind.contains("invalid_request")) {
            return new InvalidRequestException("the provider rejected the request" + what, details);
        }
        boolean retryable = status >= 500 || status == 409 || status == 200;
        return new ProviderException("the provider failed (HTTP " + status + ")" + what, details, retryable);
    }

    private static String firstHeader(Headers headers, String... names) {
        for (String n : names) {
            String v = headers.get(n);
            if (v != null) {
                return v;
            }
        }
        return "";
    }
}
