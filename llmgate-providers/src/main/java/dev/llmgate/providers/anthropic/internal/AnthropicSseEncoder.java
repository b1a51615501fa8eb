package dev.llmgate.providers.anthropic.internal;

import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.providers.internal.Secrets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Encodes a gate's {@link StreamEvent}s as the Messages API's server-sent events, the stream a client of
 * {@code POST /v1/messages} with {@code "stream": true} expects. One instance per stream; not thread-safe.
 *
 * <p>The sequence it writes, each event as {@code event: <type>\ndata: <json>\n\n}:
 * <ol>
 *   <li>{@code message_start}, before the first content (or at {@link #start}): the upstream's message id,
 *       model and {@code usage} object as its own {@code message_start} said them, when the upstream was
 *       Anthropic and its start is known; otherwise a new {@code msg_llmgate_...} id, the model given to the
 *       constructor and the usage seen so far (usually none: 0).</li>
 *   <li>For each run of text, a {@code text} block: {@code content_block_start}, {@code text_delta}s,
 *       {@code content_block_stop}. For each tool call, a {@code tool_use} block with its id and name, an
 *       {@code input_json_delta} right away (empty if the first delta carried no arguments, as Anthropic's own
 *       stream does, so that a call without arguments still has one) and one per later arguments delta, then
 *       {@code content_block_stop}. Blocks are numbered from 0 and never overlap.</li>
 *   <li>At the {@link StreamEvent.Finish}: {@code message_delta} with the {@code stop_reason} (the upstream's
 *       own, with its {@code stop_sequence}, when it maps to the same finish reason; else {@code end_turn},
 *       {@code max_tokens}, {@code tool_use} or {@code refusal}) and the last usage seen, then
 *       {@code message_stop}.</li>
 *   <li>At a {@link StreamEvent.Error}, or {@link #error}: an {@code error} event (the type and message of
 *       {@link AnthropicServerSide#error}) and nothing after it, never a clean end.</li>
 * </ol>
 * A delta for a tool call whose block was already closed (another block started after it) cannot be written
 * in this format; it ends the stream with an {@code api_error} event rather than be dropped. Events after
 * the end write nothing. Only what the gate's events carry is written: an upstream's empty text block,
 * thinking blocks and citations have no event of the gate's and do not reappear.
 *
 * <p>Frames are written into one reused buffer with a hand-written JSON string writer (no tree, no
 * generator): an event costs no allocation beyond the buffer's growth, besides a map entry per tool call.
 */
public final class AnthropicSseEncoder {
    private static final byte[] CONTENT_BLOCK_DELTA_TEXT =
            bytes("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":");
    private static final byte[] TEXT_DELTA = bytes(",\"delta\":{\"type\":\"text_delta\",\"text\":");
    private static final byte[] INPUT_JSON_DELTA = bytes(",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":");
    private static final byte[] DELTA_END = bytes("}}\n\n");
    private static final byte[] BLOCK_START =
            bytes("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":");
    private static final byte[] TEXT_BLOCK = bytes(",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    private static final byte[] TOOL_BLOCK_ID = bytes(",\"content_block\":{\"type\":\"tool_use\",\"id\":");
    private static final byte[] TOOL_BLOCK_NAME = bytes(",\"name\":");
    private static final byte[] TOOL_BLOCK_END = bytes(",\"input\":{}}}\n\n");
    private static final byte[] BLOCK_STOP =
            bytes("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":");
    private static final byte[] OBJECT_END = bytes("}\n\n");
    private static final byte[] MESSAGE_START_ID =
            bytes("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":");
    private static final byte[] MESSAGE_START_MODEL = bytes(",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
    private static final byte[] MESSAGE_START_REST =
            bytes(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":");
    private static final byte[] MESSAGE_START_END = bytes("}}\n\n");
    private static final byte[] MESSAGE_DELTA =
            bytes("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
    private static final byte[] STOP_SEQUENCE = bytes(",\"stop_sequence\":");
    private static final byte[] USAGE = bytes("},\"usage\":");
    private static final byte[] MESSAGE_STOP = bytes("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    private static final byte[] ERROR = bytes("event: error\ndata: ");
    private static final byte[] FRAME_END = bytes("\n\n");
    private static final byte[] NULL = bytes("null");
    private static final byte[] HEX = bytes("0123456789abcdef");

    private static final int NO_BLOCK = -1;

    private final String model;
    private final Supplier<Optional<AnthropicStreamDecoder.MessageStart>> upstreamStart;
    private final Supplier<Optional<AnthropicStreamDecoder.Stop>> upstreamStop;
    private final Map<Integer, Integer> blockByTool = new HashMap<>();
    private byte[] buf = new byte[512];
    private int len;
    private boolean started;
    private boolean done;
    private int nextBlock;
    private int openBlock = NO_BLOCK;
    private boolean openIsTool;
    private Usage usage;

    /**
     * An encoder whose {@code message_start} and {@code stop_reason} come from the upstream's own stream where
     * known: both suppliers are asked lazily (at the first event and at the finish), so they may be a live
     * decoder's {@code AnthropicStreamDecoder::messageStart} and {@code ::stop}.
     *
     * @param model         the model to name when no upstream start is known (the model the client asked for)
     * @param upstreamStart what the upstream's {@code message_start} said, if it was Anthropic and said it
     * @param upstreamStop  what the upstream's {@code message_delta} said about the stop, if anything
     */
    public AnthropicSseEncoder(
            String model,
            Supplier<Optional<AnthropicStreamDecoder.MessageStart>> upstreamStart,
            Supplier<Optional<AnthropicStreamDecoder.Stop>> upstreamStop) {
        this.model = model;
        this.upstreamStart = upstreamStart;
        this.upstreamStop = upstreamStop;
    }

    /** An encoder that synthesises the message's start and stop (a cached replay, another provider's answer). */
    public static AnthropicSseEncoder synthesised(String model) {
        return new AnthropicSseEncoder(model, Optional::empty, Optional::empty);
    }

    /** Whether the stream's end (a finish or an error) has been written. */
    public boolean done() {
        return done;
    }

    /** Writes the frames of one event to {@code out} (none for a usage update, or after the end). */
    public void encode(StreamEvent event, OutputStream out) throws IOException {
        len = 0;
        append(event);
        out.write(buf, 0, len);
    }

    /** The frames of one event, as new bytes. */
    public byte[] encode(StreamEvent event) {
        len = 0;
        append(event);
        return Arrays.copyOf(buf, len);
    }

    /** The {@code message_start} frame now, if it was not written yet (e.g. to answer at once); else nothing. */
    public byte[] start() {
        len = 0;
        if (!done) {
            ensureStarted();
        }
        return Arrays.copyOf(buf, len);
    }

    /** The {@code error} frame for a failure after the stream began, with the client's key masked; ends the stream. */
    public byte[] error(LlmException e, Secrets secrets) {
        len = 0;
        if (!done) {
            writeError(e, secrets);
        }
        return Arrays.copyOf(buf, len);
    }

    private void append(StreamEvent event) {
        if (done) {
            return;
        }
        if (event instanceof StreamEvent.UsageUpdate) {
            usage = ((StreamEvent.UsageUpdate) event).usage();
        } else if (event instanceof StreamEvent.TextDelta) {
            text(((StreamEvent.TextDelta) event).text());
        } else if (event instanceof StreamEvent.ToolCallDelta) {
            tool((StreamEvent.ToolCallDelta) event);
        } else if (event instanceof StreamEvent.Finish) {
            finish((StreamEvent.Finish) event);
        } else if (event instanceof StreamEvent.Error) {
            writeError(((StreamEvent.Error) event).error(), Secrets.NONE);
        }
    }

    private void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        ensureStarted();
        if (openBlock == NO_BLOCK || openIsTool) {
            closeBlock();
            openBlock = nextBlock++;
            openIsTool = false;
            raw(BLOCK_START);
            number(openBlock);
            raw(TEXT_BLOCK);
        }
        raw(CONTENT_BLOCK_DELTA_TEXT);
        number(openBlock);
        raw(TEXT_DELTA);
        string(text);
        raw(DELTA_END);
    }

    private void tool(StreamEvent.ToolCallDelta d) {
        ensureStarted();
        Integer block = blockByTool.get(d.index());
        if (block == null) {
            closeBlock();
            openBlock = nextBlock++;
            openIsTool = true;
            blockByTool.put(d.index(), openBlock);
            raw(BLOCK_START);
            number(openBlock);
            raw(TOOL_BLOCK_ID);
            string(d.id().orElseGet(() -> AnthropicServerSide.newId("toolu_llmgate_")));
            raw(TOOL_BLOCK_NAME);
            string(d.name().orElse(""));
            raw(TOOL_BLOCK_END);
            inputDelta(d.argumentsDelta());
            return;
        }
        if (block != openBlock) {
            writeError(
                    "the answer's tool calls arrived interleaved (a delta for a call whose block was closed),"
                            + " which the Anthropic stream format cannot carry",
                    "api_error");
            return;
        }
        if (!d.argumentsDelta().isEmpty()) {
            inputDelta(d.argumentsDelta());
        }
    }

    private void inputDelta(String json) {
        raw(CONTENT_BLOCK_DELTA_TEXT);
        number(openBlock);
        raw(INPUT_JSON_DELTA);
        string(json);
        raw(DELTA_END);
    }

    private void finish(StreamEvent.Finish f) {
        ensureStarted();
        closeBlock();
        String reason = AnthropicServerSide.stopReason(f.reason());
        Optional<String> sequence = Optional.empty();
        Optional<AnthropicStreamDecoder.Stop> stop = upstreamStop.get();
        if (stop.isPresent() && AnthropicWire.finishReason(stop.get().reason(), !blockByTool.isEmpty()) == f.reason()) {
            reason = stop.get().reason();
            sequence = stop.get().sequence();
        }
        raw(MESSAGE_DELTA);
        string(reason);
        raw(STOP_SEQUENCE);
        if (sequence.isPresent()) {
            string(sequence.get());
        } else {
            raw(NULL);
        }
        if (f.reason() == FinishReason.CONTENT_FILTER && f.refusal().isPresent()) {
            plain(",\"stop_details\":{\"type\":\"refusal\",\"explanation\":");
            string(f.refusal().get());
            plain("}");
        }
        raw(USAGE);
        usage(usage == null ? Usage.ZERO : usage);
        raw(OBJECT_END);
        raw(MESSAGE_STOP);
        done = true;
    }

    private void ensureStarted() {
        if (started) {
            return;
        }
        started = true;
        Optional<AnthropicStreamDecoder.MessageStart> up = upstreamStart.get();
        raw(MESSAGE_START_ID);
        string(up.isPresent() ? up.get().id() : AnthropicServerSide.newId("msg_llmgate_"));
        raw(MESSAGE_START_MODEL);
        string(up.isPresent() ? up.get().model() : model);
        raw(MESSAGE_START_REST);
        if (up.isPresent()) {
            plain(up.get().usage().toString());
        } else {
            usage(usage == null ? Usage.ZERO : usage);
        }
        raw(MESSAGE_START_END);
    }

    private void closeBlock() {
        if (openBlock != NO_BLOCK) {
            raw(BLOCK_STOP);
            number(openBlock);
            raw(OBJECT_END);
            openBlock = NO_BLOCK;
        }
    }

    private void usage(Usage u) {
        plain("{\"input_tokens\":");
        number(AnthropicServerSide.plainInput(u));
        plain(",\"cache_creation_input_tokens\":");
        number(u.cacheWriteTokens());
        plain(",\"cache_read_input_tokens\":");
        number(u.cachedInputTokens());
        plain(",\"output_tokens\":");
        number(u.outputTokens());
        plain("}");
    }

    private void writeError(LlmException e, Secrets secrets) {
        AnthropicServerSide.ErrorKind kind = AnthropicServerSide.kind(e);
        raw(ERROR);
        raw(AnthropicServerSide.errorBody(e, kind, secrets));
        raw(FRAME_END);
        done = true;
    }

    private void writeError(String message, String type) {
        raw(ERROR);
        plain("{\"type\":\"error\",\"error\":{\"type\":");
        string(type);
        plain(",\"message\":");
        string(message);
        plain("},\"request_id\":null}");
        raw(FRAME_END);
        done = true;
    }

    // ------------------------------------------------------------------------------------------------
    // The buffer

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** Text known to be ASCII (constants, numbers, a JSON tree's own serialisation escaped to ASCII below). */
    private void plain(String s) {
        if (!isAscii(s)) {
            raw(s.getBytes(StandardCharsets.UTF_8));
            return;
        }
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private void number(long n) {
        if (n >= 0 && n < 10) {
            ensure(1);
            buf[len++] = (byte) ('0' + n);
            return;
        }
        plain(Long.toString(n));
    }

    /**
     * A JSON string: quotes, backslash and control characters escaped, everything else UTF-8; a lone
     * surrogate (which has no UTF-8 form) is written as its {@code \\u} escape, so no character is lost.
     */
    private void string(String s) {
        int n = s.length();
        ensure(n * 3 + 2);
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    buf[len++] = (byte) c;
                } else {
                    escape(c, n - i);
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xc0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xf0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                escape(c, n - i);
            } else {
                buf[len++] = (byte) (0xe0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        ensure(1);
        buf[len++] = '"';
    }

    /**
     * Writes {@code c} escaped (up to 6 bytes), keeping room for 3 bytes per char for the {@code left - 1}
     * chars after it and the closing quote.
     */
    private void escape(char c, int left) {
        ensure(6 + 3 * left);
        buf[len++] = '\\';
        switch (c) {
            case '"':
                buf[len++] = '"';
                return;
            case '\\':
                buf[len++] = '\\';
                return;
            case '\n':
                buf[len++] = 'n';
                return;
            case '\r':
                buf[len++] = 'r';
                return;
            case '\t':
                buf[len++] = 't';
                return;
            default:
                buf[len++] = 'u';
                buf[len++] = HEX[(c >> 12) & 0xf];
                buf[len++] = HEX[(c >> 8) & 0xf];
                buf[len++] = HEX[(c >> 4) & 0xf];
                buf[len++] = HEX[c & 0xf];
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
