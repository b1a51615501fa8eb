package dev.llmgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.internal.ThreadPools;
import dev.llmgate.testing.ScriptedProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LlmGateConcurrencyTest {

    /** Uses virtual threads where the JDK has them (21+), platform threads otherwise. */
    @Test
    void aThousandConcurrentCallersEachGetTheirOwnAnswerAndContext() throws Exception {
        CallContext.Key<String> mine = CallContext.Key.of("prompt", String.class);
        AtomicInteger mismatches = new AtomicInteger();
        Interceptor stamp = chain -> {
            chain.call().put(mine, chain.request().lastUserText());
            ChatResult r = chain.proceed(chain.request());
            if (!chain.call().get(mine).orElse("").equals(chain.request().lastUserText())) {
                mismatches.incrementAndGet();
            }
            return r;
        };
        Set<String> callIds = ConcurrentHashMap.newKeySet();
        Interceptor ids = chain -> {
            callIds.add(chain.call().callId());
            return chain.proceed(chain.request());
        };
        ScriptedProvider provider = ScriptedProvider.answering(LlmGateChainTest::echo);
        int n = 1000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = ThreadPools.newCallExecutor("test");
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .alias("fast", "p:m")
                .addInterceptor(ids)
                .addInterceptor(Stage.POLICY, stamp)
                .build()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String prompt = "prompt-" + i;
                boolean stream = i % 2 == 0;
                results.add(threads.submit(() -> {
                    start.await();
                    ChatRequest request = ChatRequest.of("fast", prompt);
                    ChatResponse r = stream ? gate.stream(request).collect() : gate.chat(request);
                    return r.text();
                }));
            }
            start.countDown();
            for (int i = 0; i < n; i++) {
                assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("echo: prompt-" + i);
            }
        } finally {
            threads.shutdown();
        }
        assertThat(mismatches.get()).isZero();
        assertThat(callIds).hasSize(n);
        assertThat(provider.requests()).hasSize(n);
        assertThat(provider.streamsReleased()).isEqualTo(n / 2);
    }
}
