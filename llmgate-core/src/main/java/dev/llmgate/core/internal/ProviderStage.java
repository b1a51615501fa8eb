package dev.llmgate.core.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Timings;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The last stage of every chain: finds the provider named by the request's {@code "provider:model"}
 * address, calls it with the bare model name, and stamps the answer with the provider's configured
 * name and the attempt's timings. An embedding call ({@link EmbeddingCall#SPEC}) calls the
 * provider's {@code embed} with the text of the request's user messages instead
 * ({@link EmbeddingCall}).
 */
public final class ProviderStage implements Interceptor {
    /**
     * Set on a call once a provider was called for it (its request sent), so that a stage above can
     * tell a stream that reached a provider from one closed before anything was sent.
     */
    public static final CallContext.Key<Boolean> PROVIDER_CALLED =
            CallContext.Key.of("llmgate.provider_called", Boolean.class);

    private final Map<String, ModelProvider> providers;
    private final Map<String, String> aliases;

    public ProviderStage(Map<String, ModelProvider> providers, Map<String, String> aliases) {
        this.providers = providers;
        this.aliases = aliases;
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        ModelAddress address = resolve(request.model());
        ModelProvider provider = providers.get(address.provider());
        if (provider == null) {
            throw new InvalidRequestException(
                    "model '" + request.model() + "' names provider '" + address.provider()
                            + "', which is not configured; configured providers: " + new TreeSet<>(providers.keySet())
                            + ". Add it with LlmGate.builder().provider(\"" + address.provider() + "\", ...)",
                    ErrorDetails.NONE);
        }
        return invoke(address.provider(), provider, request.withModel(address.model()), chain.call());
    }

    /** Parses a concrete address, explaining what is wrong with one that is not. */
    public ModelAddress resolve(String model) {
        Optional<ModelAddress> address = ModelAddress.parse(model);
        if (address.isEmpty()) {
            throw new InvalidRequestException(
                    "model '" + model + "' is neither \"provider:model\" (e.g. \"openai:gpt-4o-mini\") nor a"
                            + " configured alias; aliases: " + new TreeSet<>(aliases.keySet()),
                    ErrorDetails.NONE);
        }
        return address.get();
    }

    /** Calls {@code provider} in the call's mode and stamps name and timings on the result. */
    public static ChatResult invoke(
            String providerName, ModelProvider provider, ChatRequest bareRequest, CallContext call) {
        Optional<EmbeddingCall.Spec> embedding = call.get(EmbeddingCall.SPEC);
        if (embedding.isPresent()) {
            return EmbeddingCall.invoke(providerName, provider, bareRequest, call, embedding.get());
        }
        Clock clock = call.clock();
        long start = clock.millis();
        call.put(PROVIDER_CALLED, Boolean.TRUE);
        if (call.streaming()) {
            ChatStream stream = provider.stream(bareRequest, call);
            if (stream == null) {
                throw new NullPointerException("provider '" + providerName + "' returned a null stream");
            }
            return new StampedStream(stream, providerName, bareRequest.model(), clock, start, call);
        }
        ChatResponse response = provider.chat(bareRequest, call);
        if (response == null) {
            throw new NullPointerException("provider '" + providerName + "' returned a null response");
        }
        answeredBy(call, providerName + ":" + bareRequest.model());
        return response.toBuilder()
                .facts(AnswerFacts.NONE)
                .provider(providerName)
                .model(response.model().isEmpty() ? bareRequest.model() : response.model())
                .id(response.id().isEmpty() ? call.callId() : response.id())
                .timings(Timings.of(Duration.ofMillis(clock.millis() - start)))
                .build();
    }

    /**
     * Records the deployment that answered, unless one is recorded already: with routing, the router records the
     * deployment of the answer it returns (a rejected answer's is replaced then), and a hedge's loser that answers
     * after the winner must not replace it.
     */
    private static void answeredBy(CallContext call, String address) {
        synchronized (call) {
            if (call.get(CallFacts.DEPLOYMENT).isEmpty()) {
                call.put(CallFacts.DEPLOYMENT, address);
            }
        }
    }

    /** Measures time to first token and stamps the finish event. */
    private static final class StampedStream extends AbstractChatStream {
        private final ChatStream upstream;
        private final String providerName;
        private final String model;
        private final Clock clock;
        private final long start;
        private final CallContext call;
        private long firstToken = -1;

        StampedStream(
                ChatStream upstream, String providerName, String model, Clock clock, long start, CallContext call) {
            this.upstream = upstream;
            this.providerName = providerName;
            this.model = model;
            this.clock = clock;
            this.start = start;
            this.call = call;
        }

        @Override
        protected StreamEvent produce() {
            if (!upstream.hasNext()) {
                throw new StreamInterruptedException(
                        "provider '" + providerName + "' ended its stream without a finish event",
                        ErrorDetails.of(providerName));
            }
            StreamEvent event = upstream.next();
            if (firstToken < 0
                    && (event instanceof StreamEvent.TextDelta || event instanceof StreamEvent.ToolCallDelta)) {
                firstToken = clock.millis();
            }
            if (event instanceof StreamEvent.Finish f) {
                long end = clock.millis();
                Optional<Duration> ttft =
                        firstToken < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(firstToken - start));
                answeredBy(call, providerName + ":" + model);
                return f.toBuilder()
                        .responseId(f.responseId().isEmpty() ? call.callId() : f.responseId())
                        .provider(providerName)
                        .model(f.model().isEmpty() ? model : f.model())
                        .timings(new Timings(Duration.ofMillis(end - start), ttft))
                        .costUsd(Optional.empty())
                        .facts(AnswerFacts.NONE)
                        .build();
            }
            return event;
        }

        @Override
        protected void release() {
            upstream.close();
        }
    }
}
