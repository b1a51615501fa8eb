package dev.llmgate.policy;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Offline providers for policy tests: a scripted answer, streamed in the chunks a test chooses. */
final class TestProviders {
    private TestProviders() {
    }

    /** A provider that records requests and answers with {@code answer(request)}, streamed in {@code chunks} pieces. */
    static final class Scripted implements ModelProvider {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        final Function<ChatRequest, List<StreamEvent>> answer;
        volatile int pulled;

        Scripted(Function<ChatRequest, List<StreamEvent>> answer) {
            this.answer = answer;
        }

        /** Answers with these text chunks (and a finish). */
        static Scripted chunks(String... chunks) {
            return new Scripted(r -> {
                List<StreamEvent> events = new ArrayList<>();
                for (String c : chunks) {
                    events.add(new StreamEvent.TextDelta(c));
                }
                events.add(finish());
                return events;
            });
        }

        /** Echoes the last user message (what the provider saw). */
        static Scripted echo() {
            return new Scripted(r -> List.of(new StreamEvent.TextDelta("you said: " + r.lastUserText()), finish()));
        }

        @Override
        public ChatResponse chat(ChatRequest request, CallContext call) {
            requests.add(request);
            return new ScriptedStream(answer.apply(request), this).collect();
        }

        @Override
        public ChatStream stream(ChatRequest request, CallContext call) {
            requests.add(request);
            return new ScriptedStream(answer.apply(request), this);
        }
    }

    static StreamEvent.Finish finish() {
        return new StreamEvent.Finish(FinishReason.STOP, "resp-1", "p", "m", Optional.empty());
    }

    static StreamEvent usage() {
        return new StreamEvent.UsageUpdate(Usage.of(10, 5));
    }

    static final class ScriptedStream extends AbstractChatStream {
        private final ArrayDeque<StreamEvent> events;
        private final Scripted owner;

        ScriptedStream(List<StreamEvent> events, Scripted owner) {
            this.events = new ArrayDeque<>(events);
            this.owner = owner;
        }

        @Override
        protected StreamEvent produce() {
            owner.pulled++;
            return events.poll();
        }

        @Override
        protected void release() {
        }
    }
}
