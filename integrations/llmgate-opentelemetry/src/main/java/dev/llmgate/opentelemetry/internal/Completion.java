package dev.llmgate.opentelemetry.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;

/**
 * Reports the end of a call's result exactly once: the answer (for a stream without text capture, its shape only:
 * id, provider, model, finish reason and usage, no text), the failure, or a stream closed by its consumer before its
 * end. A stream without text capture is watched by a stream that keeps two references, not the text.
 */
final class Completion {
    private Completion() {}

    /** What happens at the end. Implementations must not throw (they are called from a consumer's thread). */
    interface Ending {
        void succeeded(ChatResponse answer);

        void failed(Throwable error);

        void closedEarly();
    }

    static ChatResult observe(ChatResult result, boolean withText, Ending ending) {
        if (result instanceof ChatResponse response) {
            ending.succeeded(response);
            return response;
        }
        ChatStream stream = (ChatStream) result;
        if (withText) {
            return stream.whenComplete(ending::succeeded, e -> {
                if (e instanceof StreamInterruptedException
                        && e.getMessage() != null
                        && e.getMessage().startsWith("the consumer closed")) {
                    ending.closedEarly();
                } else {
                    ending.failed(e);
                }
            });
        }
        return new Watched(stream, ending);
    }

    private static final class Watched extends AbstractChatStream {
        private final ChatStream upstream;
        private final Ending ending;
        private Usage usage = Usage.ZERO;
        private boolean reported;

        Watched(ChatStream upstream, Ending ending) {
            this.upstream = upstream;
            this.ending = ending;
        }

        @Override
        protected StreamEvent produce() {
            StreamEvent event;
            try {
                if (!upstream.hasNext()) {
                    throw new StreamInterruptedException(
                            "the stream ended without a terminal event", ErrorDetails.NONE);
                }
                event = upstream.next();
            } catch (RuntimeException | Error e) {
                if (!reported) {
                    reported = true;
                    ending.failed(e);
                }
                throw e;
            }
            if (event instanceof StreamEvent.UsageUpdate u) {
                usage = u.usage();
            } else if (event instanceof StreamEvent.Finish f && !reported) {
                reported = true;
                ending.succeeded(ChatResponse.builder()
                        .id(f.responseId())
                        .provider(f.provider())
                        .model(f.model())
                        .finishReason(f.reason())
                        .usage(usage)
                        .build());
            }
            return event;
        }

        @Override
        protected void release() {
            try {
                upstream.close();
            } finally {
                if (!reported) {
                    reported = true;
                    ending.closedEarly();
                }
            }
        }
    }
}
