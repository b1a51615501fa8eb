package dev.llmgate.providers.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;

/**
 * Reads how long a provider asked us to wait, from (in this order) {@code retry-after-ms},
 * {@code retry-after} (seconds or an HTTP date), OpenAI's {@code x-ratelimit-reset-requests} /
 * {@code x-ratelimit-reset-tokens} ("1s", "6m0s", "20ms") and Anthropic's
 * {@code anthropic-ratelimit-*-reset} (RFC 3339 instants). Values that cannot be read are ignored.
 */
final class RetryAfter {
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    private static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {}

    public static Optional<Duration> from(Headers headers, Clock clock) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                return clamp(Duration.ofNanos((long) (Double.parseDouble(ms.trim()) * 1_000_000)));
            } catch (NumberFormatException ignored) {
                // fall through to the next header
            }
        }
        String ra = headers.get("retry-after");
        if (ra != null) {
            String v = ra.trim();
            try {
                return clamp(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant();
                    return clamp(Duration.between(clock.instant(), at));
                } catch (DateTimeParseException ignored) {
                    // fall through
                }
            }
        }
        Optional<Duration> longest = Optional.empty();
        for (String name : headers.names()) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            String value = headers.get(name);
            Optional<Duration> d = Optional.empty();
            if (lower.startsWith("x-ratelimit-reset")) {
                d = goDuration(value);
            } else if (lower.startsWith("anthropic-ratelimit-") && lower.endsWith("-reset")) {
                try {
                    d = clamp(Duration.between(
                            clock.instant(), OffsetDateTime.parse(value.trim()).toInstant()));
                } catch (DateTimeParseException ignored) {
                    // not a timestamp
                }
            }
            if (d.isPresent() && (longest.isEmpty() || d.get().compareTo(longest.get()) > 0)) {
                longest = d;
            }
        }
        return longest;
    }

    /** Parses Go-style durations such as {@code "6m0s"}, {@code "1.5s"}, {@code "20ms"}. */
    public static Optional<Duration> goDuration(String value) {
        Matcher m = GO_DURATION.matcher(value.trim());
        long nanos = 0;
        int end = 0;
        boolean any = false;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            any = true;
            double n = Double.parseDouble(m.group(1));
            switch (m.group(2)) {
                case "h":
                    nanos += (long) (n * 3_600_000_000_000L);
                    break;
                case "m":
                    nanos += (long) (n * 60_000_000_000L);
                    break;
                case "s":
                    nanos += (long) (n * 1_000_000_000L);
                    break;
                default:
                    nanos += (long) (n * 1_000_000L);
                    break;
            }
            end = m.end();
        }
        return any && end == value.trim().length() ? clamp(Duration.ofNanos(nanos)) : Optional.empty();
    }

    private static Optional<Duration> clamp(Duration d) {
        if (d.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(d.compareTo(MAX) > 0 ? MAX : d);
    }
}
