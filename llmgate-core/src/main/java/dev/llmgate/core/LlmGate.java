package dev.llmgate.core;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.api.spi.StagedInterceptor;
import dev.llmgate.core.events.ObservedStart;
import dev.llmgate.core.internal.AliasResolver;
import dev.llmgate.core.internal.CallIds;
import dev.llmgate.core.internal.DefaultCallContext;
import dev.llmgate.core.internal.EmbeddingCall;
import dev.llmgate.core.internal.InFlightCalls;
import dev.llmgate.core.internal.ModelAddress;
import dev.llmgate.core.internal.ObservingInterceptor;
import dev.llmgate.core.internal.ProviderStage;
import dev.llmgate.core.internal.RealChain;
import dev.llmgate.core.internal.StampingStream;
import dev.llmgate.core.internal.ThreadPools;
import dev.llmgate.core.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * An AI gateway inside the application: one client in front of every configured provider, with an
 * interceptor chain that every call passes. Build one with {@link #builder()}, share it, and
 * {@link #close()} it on shutdown.
 *
 * <p>Guarantees: a gate is immutable and thread-safe once built, cheap to call from many platform or
 * virtual threads (no lock on the call path); its chain runs in the documented, deterministic order
 * of {@link Stage}; every failure reaches the caller as an
 * {@link dev.llmgate.api.exception.LlmException}; and a streamed answer either ends with a finish
 * event or throws, never ends silently.
 */
public final class LlmGate implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LlmGate.class.getName());

    private final String gateId;
    private final Map<String, ModelProvider> providers;
    private final Map<String, String> aliases;
    private final Interceptor[] chain;
    private final List<String> chainDescription;
    private final ProviderStage providerStage;
    private final Clock clock;
    private final Executor executor;
    private final ThreadPools.Owned ownedExecutor;
    private final CallIds callIds = new CallIds();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The gate whose own executor runs the current task, if any. */
    private static final ThreadLocal<LlmGate> RUNNING_ON_OWN_EXECUTOR = new ThreadLocal<>();
    /** How long {@link #close()} waits for the gate's own executor to finish its tasks once the providers are closed. */
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final InFlightCalls inFlight = new InFlightCalls();
    private final Duration closeTimeout;
    private final Set<String> routeNames;

    private LlmGate(Builder b, List<Interceptor> interceptors, List<String> description) {
        this.gateId = b.gateId;
        this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(b.providers));
        this.aliases = Collections.unmodifiableMap(new LinkedHashMap<>(b.aliases));
        this.providerStage = new ProviderStage(providers, aliases);
        List<Interceptor> all = new ArrayList<>(interceptors);
        all.add(providerStage);
        this.chain = all.toArray(new Interceptor[0]);
        List<String> desc = new ArrayList<>(description);
        desc.add("provider: calls the provider named by \"provider:model\"");
        this.chainDescription = List.copyOf(desc);
        this.clock = b.clock;
        this.closeTimeout = b.closeTimeout;
        Set<String> routes = new LinkedHashSet<>();
        for (Interceptor i : interceptors) {
            if (i instanceof Router router) {
                routes.addAll(router.routes().keySet());
            }
        }
        this.routeNames = Collections.unmodifiableSet(routes);
        if (b.executor == null) {
            this.ownedExecutor = ThreadPools.newOwnedCallExecutor("llmgate-" + gateId);
            ExecutorService own = ownedExecutor.executor();
            // marks the gate's own workers, so that close() called from one (e.g. in a future's callback) does not wait
            // for itself
            this.executor = task -> own.execute(() -> {
                RUNNING_ON_OWN_EXECUTOR.set(this);
                try {
                    task.run();
                } finally {
                    RUNNING_ON_OWN_EXECUTOR.remove();
                }
            });
        } else {
            this.ownedExecutor = null;
            this.executor = b.executor;
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a request and waits for the complete answer.
     *
     * @throws LlmException for every failure, typed by cause
     */
    public ChatResponse chat(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        enter();
        try {
            DefaultCallContext context = newContext(request, false);
            return priced(
                    new RealChain(chain, 0, request, context).proceed(request).toResponse(), context);
        } finally {
            inFlight.exit();
        }
    }

    /** Shorthand for {@code chat(ChatRequest.of(model, prompt))}. */
    public ChatResponse chat(String model, String prompt) {
        return chat(ChatRequest.of(model, prompt));
    }

    /**
     * Sends a request and returns its answer as a stream of events, pulled by the caller. Close the
     * stream if you stop reading early: until it ends or is closed, the call is in flight and
     * {@link #close()} waits for it.
     */
    public ChatStream stream(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        enter();
        return openStream(request, inFlight::exit);
    }

    /** The call's stream; {@code onEnd} runs once when it ends, fails or is closed (or at once if it cannot be opened). */
    private ChatStream openStream(ChatRequest request, Runnable onEnd) {
        try {
            DefaultCallContext context = newContext(request, true);
            return new StampingStream(
                    new RealChain(chain, 0, request, context).proceed(request).toStream(), context, onEnd);
        } catch (RuntimeException | Error e) {
            onEnd.run();
            throw e;
        }
    }

    /**
     * Streams a request to {@code listener} on the calling thread and returns the collected answer.
     * If the stream fails, the listener sees a final {@link StreamEvent.Error} and the exception is
     * thrown: a failed stream is never reported as complete.
     */
    public ChatResponse stream(ChatRequest request, Consumer<StreamEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return consume(() -> stream(request), listener);
    }

    private static ChatResponse consume(Supplier<ChatStream> open, Consumer<StreamEvent> listener) {
        dev.llmgate.api.StreamAccumulator acc = new dev.llmgate.api.StreamAccumulator();
        ChatStream stream;
        try {
            stream = open.get();
        } catch (LlmException e) {
            listener.accept(new StreamEvent.Error(e));
            throw e;
        }
        try (stream) {
            while (stream.hasNext()) {
                StreamEvent event = stream.next();
                acc.accept(event);
                listener.accept(event);
            }
            if (!acc.isComplete()) {
                throw new dev.llmgate.api.exception.StreamInterruptedException(
                        "the stream was closed before its finish event", dev.llmgate.api.exception.ErrorDetails.NONE);
            }
        } catch (LlmException e) {
            listener.accept(new StreamEvent.Error(e));
            throw e;
        }
        return acc.toResponse();
    }

    /**
     * {@link #chat(ChatRequest)} on the gate's executor (virtual threads where the JDK has them).
     * Cancelling the future cancels the call, including its HTTP request.
     */
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        enter();
        DefaultCallContext context;
        try {
            context = newContext(request, false);
        } catch (RuntimeException e) {
            inFlight.exit();
            throw e;
        }
        CompletableFuture<ChatResponse> future = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                // Mark the future first: cancelling the HTTP call makes the worker fail at once, and
                // that failure must not win the race to complete the future.
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                context.cancel();
                return cancelled;
            }
        };
        execute(() -> {
            if (future.isDone()) {
                return;
            }
            try {
                future.complete(priced(
                        new RealChain(chain, 0, request, context)
                                .proceed(request)
                                .toResponse(),
                        context));
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** Runs an entered call's task on the executor; the call exits when the task ends (or is refused). */
    private void execute(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    inFlight.exit();
                }
            });
        } catch (RuntimeException e) {
            inFlight.exit();
            throw e;
        }
    }

    /** {@link #stream(ChatRequest, Consumer)} on the gate's executor. */
    public CompletableFuture<ChatResponse> streamAsync(ChatRequest request, Consumer<StreamEvent> listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        enter();
        CompletableFuture<ChatResponse> future = new CompletableFuture<>();
        execute(() -> {
            try {
                future.complete(consume(() -> openStream(request, () -> {}), listener));
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /**
     * Runs an existing LLM call through this gate's whole chain (policy, cache, audit, ...): the
     * chain's last stage calls {@code call} instead of a configured provider. The provider name
     * recorded is the part of {@code request.model()} before a colon, or {@code "wrapped"}; the
     * request {@code call} receives carries the part after it. Same as
     * {@link #wrap(ChatRequest, String, ModelProvider) wrap(request, name, call)} with that name.
     */
    public ChatResponse wrap(ChatRequest request, ModelProvider call) {
        Objects.requireNonNull(request, "request");
        return wrap(request, wrappedName(request), call);
    }

    /**
     * Runs an existing LLM call, recorded as provider {@code providerName}, through this gate's whole
     * chain. {@code request.model()} may be an address {@code "providerName:<model>"} (one attempt, as
     * for any address) or the alias of a route of the gate's {@link Router} (the route's retries,
     * fallback, breakers and hedging apply). The chain's last stage sends each attempt to:
     * <ul>
     *   <li>{@code call}, with the bare model, when the attempt's address names {@code providerName}
     *       (or is not an address at all);</li>
     *   <li>the configured provider, when a route's deployment names one (a fallback from the wrapped
     *       client to a provider of the gate);</li>
     * </ul>
     * and refuses an address that names neither.
     *
     * @throws IllegalArgumentException if {@code providerName} is blank or contains {@code ':'}
     */
    public ChatResponse wrap(ChatRequest request, String providerName, ModelProvider call) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(call, "call");
        checkWrappedName(providerName);
        enter();
        try {
            DefaultCallContext context = newContext(request, false);
            return priced(runWrapped(request, providerName, call, context).toResponse(), context);
        } finally {
            inFlight.exit();
        }
    }

    /** {@link #wrap(ChatRequest, ModelProvider)} for a streamed call: the chain's last stage calls {@code call.stream(...)}. */
    public ChatStream wrapStream(ChatRequest request, ModelProvider call) {
        Objects.requireNonNull(request, "request");
        return wrapStream(request, wrappedName(request), call);
    }

    /** {@link #wrap(ChatRequest, String, ModelProvider)} for a streamed call: attempts call {@code call.stream(...)}. */
    public ChatStream wrapStream(ChatRequest request, String providerName, ModelProvider call) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(call, "call");
        checkWrappedName(providerName);
        enter();
        try {
            DefaultCallContext context = newContext(request, true);
            return new StampingStream(
                    runWrapped(request, providerName, call, context).toStream(), context, inFlight::exit);
        } catch (RuntimeException | Error e) {
            inFlight.exit();
            throw e;
        }
    }

    /**
     * The aliases of the routes of this gate's {@link Router} (empty without one): the names a wrapped
     * client's requests may be mapped to.
     */
    public Set<String> routeNames() {
        return routeNames;
    }

    private static String wrappedName(ChatRequest request) {
        return ModelAddress.parse(request.model()).map(ModelAddress::provider).orElse("wrapped");
    }

    private static void checkWrappedName(String providerName) {
        Objects.requireNonNull(providerName, "providerName");
        if (providerName.isBlank() || providerName.indexOf(':') >= 0) {
            throw new IllegalArgumentException(
                    "providerName must be a non-blank name without ':', e.g. \"openai\"; was '" + providerName + "'");
        }
    }

    private ChatResult runWrapped(
            ChatRequest request, String providerName, ModelProvider call, DefaultCallContext context) {
        return runWrapped(request, providerName, call, context, false);
    }

    private ChatResult runWrapped(
            ChatRequest request,
            String providerName,
            ModelProvider call,
            DefaultCallContext context,
            boolean embedding) {
        Interceptor[] wrapped = chain.clone();
        wrapped[wrapped.length - 1] = c -> {
            if (!embedding && c.call().get(EmbeddingCall.SPEC).isPresent()) {
                // wrap() never makes an embedding call: refuse rather than send texts to the wrapped client's chat
                throw new IllegalStateException("a wrapped call's chain cannot run an embedding call");
            }
            ChatRequest attempt = c.request();
            Optional<ModelAddress> address = ModelAddress.parse(attempt.model());
            if (address.isEmpty()) {
                return ProviderStage.invoke(providerName, call, attempt, c.call());
            }
            ModelAddress a = address.get();
            if (a.provider().equals(providerName)) {
                return ProviderStage.invoke(providerName, call, attempt.withModel(a.model()), c.call());
            }
            return providerStage.intercept(c);
        };
        return new RealChain(wrapped, 0, request, context).proceed(request);
    }

    /**
     * Runs an existing embedding call, recorded as provider {@code providerName}, through this gate's
     * whole chain exactly as {@link #embed} runs one (policy on the inputs, budgets, routing, audit
     * with a digest of the vectors; never cached), except that the chain's last stage sends each
     * attempt whose address names {@code providerName} (or is not an address) to
     * {@code call.embed(...)} with the bare model and the inputs as the chain left them (e.g. redacted);
     * a route's deployment that names a provider configured in the gate goes to that provider.
     *
     * @throws IllegalArgumentException if {@code providerName} is blank or contains {@code ':'}
     */
    public EmbeddingResponse wrapEmbed(EmbeddingRequest request, String providerName, ModelProvider call) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(call, "call");
        checkWrappedName(providerName);
        enter();
        try {
            ChatRequest asChat = EmbeddingCall.chatRequest(request);
            DefaultCallContext context = newContext(asChat, false);
            EmbeddingCall.mark(context, request);
            ChatResponse answer =
                    runWrapped(asChat, providerName, call, context, true).toResponse();
            return EmbeddingCall.resultOf(context, answer)
                    .orElseThrow(() -> new dev.llmgate.api.exception.InvalidRequestException(
                            "the wrapped embedding call to '" + request.model() + "' was answered without reaching"
                                    + " a provider (an interceptor answered it itself), so it has no vectors",
                            dev.llmgate.api.exception.ErrorDetails.NONE));
        } finally {
            inFlight.exit();
        }
    }

    /**
     * Embeds texts with the provider that {@code request.model()} (an alias, a route of the gate's
     * {@link Router} or {@code "provider:model"}) names, through the gate's whole chain, as a
     * blocking call: application interceptors, audit, policy, budgets, routing (retries, fallback,
     * breakers) and attempt interceptors see it as a chat call whose request has one user message
     * per input, in order, and the request's metadata, marked with {@link CallFacts#EMBEDDINGS}.
     * Policy scans the inputs: a block throws {@link dev.llmgate.api.exception.PolicyBlockedException}
     * before any provider call, and a redaction is what gets embedded (the vector is that of the
     * redacted text). The response cache passes embedding calls through. The vectors never pass
     * through the chain; the returned response carries them with the provider and model that
     * answered and the provider's usage.
     *
     * @throws LlmException for every failure, typed by cause; a
     *     {@link dev.llmgate.api.exception.ProviderException} if the provider returned another number
     *     of vectors than inputs, an {@link dev.llmgate.api.exception.InvalidRequestException} if an
     *     interceptor answered the call itself (there are no vectors to return)
     */
    public EmbeddingResponse embed(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        enter();
        try {
            ChatRequest asChat = EmbeddingCall.chatRequest(request);
            DefaultCallContext context = newContext(asChat, false);
            EmbeddingCall.mark(context, request);
            ChatResponse answer =
                    new RealChain(chain, 0, asChat, context).proceed(asChat).toResponse();
            return EmbeddingCall.resultOf(context, answer)
                    .orElseThrow(() -> new dev.llmgate.api.exception.InvalidRequestException(
                            "the embedding call to '" + request.model() + "' was answered without reaching a"
                                    + " provider (an interceptor answered it itself), so it has no vectors",
                            dev.llmgate.api.exception.ErrorDetails.NONE));
        } finally {
            inFlight.exit();
        }
    }

    /** The chain's stages in call order, one line each, e.g. for a start-up log or a demo. */
    public List<String> describeChain() {
        return chainDescription;
    }

    /** This gate's id, in call ids and audit records. */
    public String gateId() {
        return gateId;
    }

    /** The configured provider names. */
    public java.util.Set<String> providerNames() {
        return providers.keySet();
    }

    /** The configured aliases and the {@code "provider:model"} each names. */
    public Map<String, String> aliases() {
        return aliases;
    }

    /**
     * Refuses new calls, waits until the calls in flight have ended (a blocking call returned, a
     * stream ended, failed or was closed, an async call completed), for at most the
     * {@link Builder#closeTimeout close timeout}, then closes every provider (which cancels the calls
     * still running, logged as a WARNING, and closes their connections) and the gate's own executor,
     * waiting up to 10 s until its threads have ended (unless called from one of them). An executor
     * passed to {@link Builder#executor} is left alone. Idempotent; a second call returns at once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            long left = inFlight.closeAndAwait(closeTimeout);
            if (left > 0) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        left + " calls of gate " + gateId + " were still in flight " + closeTimeout.toMillis()
                                + " ms after close() began (streams not closed by their consumers?); their providers are closed under them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map.Entry<String, ModelProvider> e : providers.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "closing provider '" + e.getKey() + "' failed", ex);
            }
        }
        if (ownedExecutor != null) {
            if (RUNNING_ON_OWN_EXECUTOR.get() == this) {
                ownedExecutor.executor().shutdown();
            } else {
                try {
                    if (!ownedExecutor.shutdownAndWait(CLOSE_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "the gate's executor still runs tasks " + CLOSE_WAIT_SECONDS
                                        + " s after close(): a provider call that ignores cancellation?");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The answer with the call's facts and its cost, when a stage (routing, cache) priced it. */
    private static ChatResponse priced(ChatResponse response, CallContext context) {
        return dev.llmgate.core.internal.AnswerStamp.stamp(response, context);
    }

    private DefaultCallContext newContext(ChatRequest request, boolean streaming) {
        Objects.requireNonNull(request, "request");
        DefaultCallContext context = new DefaultCallContext(callIds.next(), streaming, clock);
        context.put(CallFacts.REQUESTED_MODEL, request.model());
        return context;
    }

    /** Registers a call in flight, or refuses it once close() began. */
    private void enter() {
        if (!inFlight.enter()) {
            throw new IllegalStateException("this LlmGate is closed: build a new one");
        }
    }

    /**
     * Configures a {@link LlmGate}. Every problem is collected and reported together by
     * {@link #build()} as a {@link ConfigurationException} that says how to fix each.
     *
     * <p>Built-in stage components (the {@link dev.llmgate.core.routing.Router}, the budget, cache,
     * policy and audit interceptors) are {@link StagedInterceptor}s and are registered one way:
     * {@code addInterceptor(component)}, which places each at its own {@link Stage}. {@link #build()}
     * refuses a component at any other stage or among the attempt interceptors, one component
     * registered twice, and an alias with the name of a route of the router.
     */
    public static final class Builder {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

        private final Map<String, ModelProvider> providers = new LinkedHashMap<>();
        private final Map<String, String> aliases = new LinkedHashMap<>();
        private final List<Interceptor> application = new ArrayList<>();
        /** What was added for the built-in stages, in the order added. */
        private final List<StageEntry> staged = new ArrayList<>();

        private final List<Interceptor> attempt = new ArrayList<>();
        private final List<dev.llmgate.core.events.CallObserver> observers = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private String gateId = "gate-" + Long.toString(System.nanoTime() & 0xffffffL, 36);
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /**
         * Registers a provider under {@code name}; requests address its models as {@code "name:model"}.
         * Names are letters, digits, '.', '_' or '-', and unique.
         */
        public Builder provider(String name, ModelProvider provider) {
            Objects.requireNonNull(name, "provider name");
            Objects.requireNonNull(provider, "provider '" + name + "' must not be null");
            if (!NAME.matcher(name).matches()) {
                problems.add(
                        "provider name '" + name + "' is not allowed: use letters, digits, '.', '_' or '-' (no ':'),"
                                + " starting with a letter or digit");
            } else if (providers.containsKey(name)) {
                problems.add("provider name '" + name + "' is registered twice: give each provider a unique name");
            } else {
                providers.put(name, provider);
            }
            return this;
        }

        /**
         * Defines an alias such as {@code "fast"} for a {@code "provider:model"} target. Routing
         * (fallback, load balancing) over several targets is configured in a
         * {@link dev.llmgate.core.routing.Router}; an alias may not have the name of one of its routes
         * (aliases are resolved first and would hide the route: {@link #build()} fails).
         */
        public Builder alias(String alias, String target) {
            Objects.requireNonNull(alias, "alias");
            Objects.requireNonNull(target, "target of alias '" + alias + "'");
            if (!NAME.matcher(alias).matches()) {
                problems.add("alias '" + alias + "' is not allowed: use letters, digits, '.', '_' or '-' (no ':')");
            } else if (aliases.containsKey(alias)) {
                problems.add("alias '" + alias + "' is defined twice: define each alias once");
            } else {
                aliases.put(alias, target);
            }
            return this;
        }

        /**
         * Adds an interceptor. A built-in stage component (a {@link StagedInterceptor}: the router,
         * {@code budgets}, {@code cache.interceptor()}, {@code policy.interceptor()},
         * {@code audit.interceptor()}, ...) is placed at its own stage, as
         * {@code addInterceptor(its stage, component)} would. Any other interceptor is an application
         * interceptor: it runs once per call, before every built-in stage, and sees the request as the
         * caller made it (aliases unresolved). Each kind runs in the order added.
         */
        public Builder addInterceptor(Interceptor interceptor) {
            Objects.requireNonNull(interceptor, "interceptor");
            if (interceptor instanceof StagedInterceptor) {
                staged.add(new StageEntry(Optional.empty(), interceptor));
            } else {
                application.add(interceptor);
            }
            return this;
        }

        /**
         * Adds an interceptor of your own to a built-in stage; within a stage, interceptors run in the
         * order added. A {@link StagedInterceptor} is accepted at its own stage only: anywhere else,
         * {@link #build()} fails saying where it belongs (add built-ins with
         * {@link #addInterceptor(Interceptor)}, without a stage).
         */
        public Builder addInterceptor(Stage stage, Interceptor interceptor) {
            Objects.requireNonNull(stage, "stage");
            staged.add(new StageEntry(Optional.of(stage), Objects.requireNonNull(interceptor, "interceptor")));
            return this;
        }

        /**
         * Adds an attempt interceptor: it runs once per attempt that routing makes (retries and
         * fallbacks included), after every built-in stage, and sees the resolved
         * {@code "provider:model"}. Runs in the order added. A {@link StagedInterceptor} is refused
         * here by {@link #build()}.
         */
        public Builder addAttemptInterceptor(Interceptor interceptor) {
            attempt.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Adds an observer of every call and every attempt (traces, metrics: see
         * {@link dev.llmgate.core.events.CallObserver}). Observers wrap the whole chain: a call is observed before
         * every interceptor (so blocked and refused calls are seen) and an attempt right before its provider (after
         * every attempt interceptor). Observers run in the order added.
         */
        public Builder observer(dev.llmgate.core.events.CallObserver value) {
            observers.add(Objects.requireNonNull(value, "observer"));
            return this;
        }

        /** The clock for timings and time-based policies (inject a fixed one in tests). Default: system UTC. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * The executor of {@code chatAsync}/{@code streamAsync}; the gate does not shut it down.
         * Default: a virtual thread per task on JDK 21+, else a cached pool of daemon threads.
         */
        public Builder executor(Executor value) {
            this.executor = Objects.requireNonNull(value, "executor");
            return this;
        }

        /**
         * How long {@link LlmGate#close()} waits for the calls in flight to end before it closes the
         * providers under them; default 30 s.
         */
        public Builder closeTimeout(Duration value) {
            Objects.requireNonNull(value, "closeTimeout");
            if (value.isNegative()) {
                problems.add("closeTimeout must not be negative, was " + value);
            } else {
                this.closeTimeout = value;
            }
            return this;
        }

        /** An id for this gate instance, recorded in call ids and audit records. */
        public Builder gateId(String value) {
            Objects.requireNonNull(value, "gateId");
            if (!NAME.matcher(value).matches()) {
                problems.add("gateId '" + value + "' is not allowed: use letters, digits, '.', '_' or '-'");
            } else {
                this.gateId = value;
            }
            return this;
        }

        /**
         * Builds the gate.
         *
         * @throws ConfigurationException listing every configuration problem
         */
        public LlmGate build() {
            List<String> found = new ArrayList<>(problems);
            for (Map.Entry<String, String> e : aliases.entrySet()) {
                String alias = e.getKey();
                String target = e.getValue();
                Optional<ModelAddress> address = ModelAddress.parse(target);
                if (address.isEmpty()) {
                    found.add("alias '" + alias
                            + "' must point to \"provider:model\" (e.g. \"openai:gpt-4o-mini\"), was '" + target + "'");
                } else if (!providers.containsKey(address.get().provider())) {
                    found.add("alias '" + alias + "' points to provider '"
                            + address.get().provider() + "', which is not configured"
                            + suggestion(address.get().provider()) + "; configured providers: " + providers.keySet()
                            + ". Register it with .provider(\"" + address.get().provider()
                            + "\", ...) or fix the alias");
                }
                if (providers.containsKey(alias)) {
                    found.add("alias '" + alias
                            + "' has the same name as a provider: rename one of them to keep addresses unambiguous");
                }
            }
            Map<Stage, List<Interceptor>> stages = placeStages(found);
            for (Interceptor i : attempt) {
                if (i instanceof StagedInterceptor s) {
                    ownStage(s, found)
                            .ifPresent(own ->
                                    found.add(describe(i) + " was added as an attempt interceptor, but it belongs"
                                            + " at stage " + own
                                            + ": add it with .addInterceptor(component), without a stage, and the gate places it"
                                            + " at " + own));
                }
            }
            checkAliasesAgainstRoutes(stages.getOrDefault(Stage.ROUTING, List.of()), found);
            if (!found.isEmpty()) {
                throw new ConfigurationException(found);
            }
            List<Interceptor> all = new ArrayList<>();
            List<String> description = new ArrayList<>();
            if (!observers.isEmpty()) {
                all.add(new ObservingInterceptor(observers, ObservedStart.Kind.CALL));
                description.add("call observers: " + observers);
            }
            for (Interceptor i : application) {
                all.add(i);
                description.add("application: " + describe(i));
            }
            for (Stage stage : Stage.values()) {
                if (stage == Stage.ROUTING) {
                    AliasResolver resolver = new AliasResolver(aliases);
                    all.add(resolver);
                    description.add("ROUTING: " + resolver);
                }
                for (Interceptor i : stages.getOrDefault(stage, List.of())) {
                    all.add(i);
                    description.add(stage + ": " + describe(i));
                }
            }
            for (Interceptor i : attempt) {
                all.add(i);
                description.add("attempt: " + describe(i));
            }
            if (!observers.isEmpty()) {
                all.add(new ObservingInterceptor(observers, ObservedStart.Kind.ATTEMPT));
                description.add("attempt observers: " + observers);
            }
            return new LlmGate(this, all, description);
        }

        /** Each stage's interceptors in the order added; every misplaced or twice-registered component is a problem. */
        private Map<Stage, List<Interceptor>> placeStages(List<String> found) {
            Map<Stage, List<Interceptor>> placed = new EnumMap<>(Stage.class);
            Set<Interceptor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (StageEntry entry : staged) {
                Interceptor i = entry.interceptor();
                Stage at;
                if (i instanceof StagedInterceptor s) {
                    Optional<Stage> declared = ownStage(s, found);
                    if (declared.isEmpty()) {
                        continue;
                    }
                    Stage own = declared.get();
                    if (!seen.add(i)) {
                        found.add(describe(i)
                                + " is registered twice: register each component once (.addInterceptor(component)"
                                + " places it at " + own + ")");
                        continue;
                    }
                    if (entry.requested().isPresent() && entry.requested().get() != own) {
                        found.add(describe(i) + " was added at stage "
                                + entry.requested().get() + ", but it belongs at stage " + own
                                + ": add it with .addInterceptor(component), without a stage, and the gate places it at "
                                + own);
                        continue;
                    }
                    at = own;
                } else {
                    at = entry.requested().orElseThrow();
                }
                placed.computeIfAbsent(at, s -> new ArrayList<>()).add(i);
            }
            return placed;
        }

        /** The stage {@code s} names; empty (and a problem recorded) if it names none. */
        private static Optional<Stage> ownStage(StagedInterceptor s, List<String> found) {
            String name = s.stageName();
            for (Stage stage : Stage.values()) {
                if (stage.name().equals(name)) {
                    return Optional.of(stage);
                }
            }
            found.add(describe(s) + " names stage '" + name
                    + "' in stageName(), which a gate does not have: return one of " + Arrays.toString(Stage.values()));
            return Optional.empty();
        }

        /** The alias resolver runs before routing: an alias named like a route would hide the route. */
        private void checkAliasesAgainstRoutes(List<Interceptor> routing, List<String> found) {
            for (Interceptor i : routing) {
                if (i instanceof Router router) {
                    for (String route : router.routes().keySet()) {
                        String target = aliases.get(route);
                        if (target != null) {
                            found.add("alias '" + route + "' (pointing to " + target + ") has the name of the route '"
                                    + route + "' of "
                                    + describe(router)
                                    + ": aliases are resolved before routing, so the route's deployments would"
                                    + " never be used; remove .alias(\"" + route + "\", ...) (make " + target
                                    + " a deployment of the"
                                    + " route to use it) or rename the alias or the route");
                        }
                    }
                }
            }
        }

        /** An interceptor added for the built-in stages, with the stage it was added at (empty: its own). */
        private record StageEntry(Optional<Stage> requested, Interceptor interceptor) {}

        private String suggestion(String name) {
            String best = null;
            int bestDistance = 3;
            for (String candidate : providers.keySet()) {
                int d = levenshtein(name, candidate);
                if (d < bestDistance) {
                    best = candidate;
                    bestDistance = d;
                }
            }
            return best == null ? "" : " (did you mean '" + best + "'?)";
        }

        private static int levenshtein(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }

        private static String describe(Interceptor i) {
            String s = i.toString();
            String cls = i.getClass().getName();
            if (s.startsWith(cls + "@") || i.getClass().isSynthetic() || cls.contains("$$Lambda")) {
                return i.getClass().isSynthetic() || cls.contains("$$Lambda")
                        ? "lambda interceptor"
                        : i.getClass().getSimpleName();
            }
            return s;
        }
    }
}
