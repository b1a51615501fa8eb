package dev.llmgate.providers.testing;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Small policy, cache and audit interceptors for integration tests of the wrapping paths: they
 * prove that each kind of stage applies to wrapped traffic (rewrite the request, short-circuit,
 * observe the outcome, transform the answer) without depending on the real stages' modules.
 */
public final class StandInStages {
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]+");

    public final List<String> audit = new CopyOnWriteArrayList<>();
    public final Map<String, ChatResponse> cache = new ConcurrentHashMap<>();

    /** Redacts e-mail addresses; blocks any request that mentions "forbidden". */
    public Interceptor policy() {
        return chain -> {
            ChatRequest r = chain.request();
            if (r.lastUserText().contains("forbidden")) {
                throw new PolicyBlockedException("blocked by test policy", List.of("test.forbidden"));
            }
            ChatRequest redacted = r.withMessages(r.messages().stream()
                    .map(m -> m.mapText(t -> EMAIL.matcher(t).replaceAll("[EMAIL]")))
                    .toList());
            return chain.proceed(redacted).transform((event, out) -> {
                if (event instanceof StreamEvent.TextDelta d) {
                    out.accept(new StreamEvent.TextDelta(d.text().replace("secret", "[REDACTED]")));
                } else {
                    out.accept(event);
                }
            });
        };
    }

    /** Answers a repeated blocking request from memory. */
    public Interceptor cache() {
        return chain -> {
            String key = chain.request().model() + "|" + chain.request().messages();
            ChatResponse hit = cache.get(key);
            if (hit != null) {
                audit.add("cache-hit");
                return hit;
            }
            return chain.proceed(chain.request()).whenComplete(r -> cache.put(key, r), e -> {});
        };
    }

    /** Records each call's outcome. */
    public Interceptor audit() {
        return chain -> {
            try {
                ChatResult r = chain.proceed(chain.request());
                return r.whenComplete(
                        ok -> audit.add("ok:" + chain.request().model()),
                        e -> audit.add("failed:" + e.getClass().getSimpleName()));
            } catch (RuntimeException e) {
                audit.add("failed:" + e.getClass().getSimpleName());
                throw e;
            }
        };
    }
}
