package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.providers.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes the chain's stream events as a streamed Responses answer: {@code response.created}, a message
 * item with one {@code output_text} part whose deltas are the chain's text, one {@code function_call}
 * item per tool call with its argument deltas, and {@code response.completed} whose {@code response}
 * is upstream's completed object with the chain's text and arguments written in place (or, for a stream
 * upstream did not produce, one written anew). Every event carries a {@code sequence_number}. One per stream.
 */
final class ResponsesSseEncoder {
    private final Supplier<Optional<JsonNode>> upstreamCreated;
    private final Supplier<Optional<JsonNode>> upstreamCompleted;
    private final String model;
    private int sequence;
    private boolean started;
    private boolean done;
    private int nextOutput;
    private int messageOutput = -1;
    private boolean messageClosed;
    private final String messageId = "msg_llmgate_" + Long.toHexString(System.nanoTime());
    private final StringBuilder text = new StringBuilder();
    private final List<Call> calls = new ArrayList<>();
    private Usage usage = Usage.of(0, 0);
    private String responseId = "resp_llmgate_" + Long.toHexString(System.nanoTime());

    /** One function call being written. */
    private static final class Call {
        final int output;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();
        boolean closed;

        Call(int output, String callId, String name) {
            this.output = output;
            this.callId = callId;
            this.name = name;
        }

        String itemId() {
            return "fc_" + callId;
        }
    }

    ResponsesSseEncoder(
            String model,
            Supplier<Optional<JsonNode>> upstreamCreated,
            Supplier<Optional<JsonNode>> upstreamCompleted) {
        this.model = model;
        this.upstreamCreated = upstreamCreated;
        this.upstreamCompleted = upstreamCompleted;
    }

    boolean done() {
        return done;
    }

    byte[] encode(StreamEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        if (done) {
            return out.toByteArray();
        }
        start(out);
        if (event instanceof StreamEvent.TextDelta d) {
            openMessage(out);
            text.append(d.text());
            ObjectNode e = event("response.output_text.delta");
            e.put("item_id", messageId);
            e.put("output_index", messageOutput);
            e.put("content_index", 0);
            e.put("delta", d.text());
            e.putArray("logprobs");
            write(out, e);
        } else if (event instanceof StreamEvent.ToolCallDelta t) {
            closeMessage(out);
            while (calls.size() <= t.index()) {
                Call c = new Call(
                        nextOutput++,
                        t.id().orElse("call_llmgate_" + calls.size()),
                        t.name().orElse(""));
                calls.add(c);
                ObjectNode e = event("response.output_item.added");
                e.put("output_index", c.output);
                e.set("item", callItem(c, "in_progress"));
                write(out, e);
            }
            Call c = calls.get(t.index());
            if (!t.argumentsDelta().isEmpty()) {
                c.arguments.append(t.argumentsDelta());
                ObjectNode e = event("response.function_call_arguments.delta");
                e.put("item_id", c.itemId());
                e.put("output_index", c.output);
                e.put("delta", t.argumentsDelta());
                write(out, e);
            }
        } else if (event instanceof StreamEvent.UsageUpdate u) {
            usage = u.usage();
        } else if (event instanceof StreamEvent.Finish f) {
            if (messageOutput < 0 && calls.isEmpty()) {
                openMessage(out);
            }
            closeMessage(out);
            for (Call c : calls) {
                closeCall(out, c);
            }
            if (!f.responseId().isEmpty()) {
                responseId = f.responseId();
            }
            List<ToolCall> toolCalls = new ArrayList<>();
            for (Call c : calls) {
                toolCalls.add(new ToolCall(c.callId, c.name, c.arguments.toString()));
            }
            ChatResponse answer = ChatResponse.builder()
                    .id(responseId)
                    .model(f.model().isEmpty() ? model : f.model())
                    .text(text.toString())
                    .toolCalls(toolCalls)
                    .refusal(f.refusal())
                    .finishReason(f.reason())
                    .usage(usage)
                    .build();
            Optional<JsonNode> completed = upstreamCompleted.get();
            byte[] response = completed.isPresent()
                    ? ResponsesServerSide.patchResponse(completed.get(), answer)
                    : ResponsesServerSide.writeResponse(answer, Instant.now());
            String type = f.reason() == FinishReason.LENGTH ? "response.incomplete" : "response.completed";
            String head = "event: " + type + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":" + sequence++
                    + ",\"response\":";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(response);
            out.writeBytes("}\n\n".getBytes(StandardCharsets.UTF_8));
            done = true;
        }
        return out.toByteArray();
    }

    /** An {@code error} event for a failure after the stream began; ends the stream. */
    byte[] error(LlmException e, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        if (!done) {
            ObjectNode node = event("error");
            node.put("code", e.getClass().getSimpleName());
            node.put("message", message);
            node.putNull("param");
            write(out, node);
            done = true;
        }
        return out.toByteArray();
    }

    private void start(ByteArrayOutputStream out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode e = event("response.created");
        Optional<JsonNode> created = upstreamCreated.get();
        ObjectNode response;
        if (created.isPresent() && created.get().path("response").isObject()) {
            response = ((ObjectNode) created.get().path("response")).deepCopy();
            response.putArray("output"); // (empty when a stream begins; anything in it was not examined)
            responseId = Json.text(response, "id").isEmpty() ? responseId : Json.text(response, "id");
        } else {
            response = Json.MAPPER.createObjectNode();
            response.put("id", responseId);
            response.put("object", "response");
            response.put("created_at", Instant.now().getEpochSecond());
            response.put("status", "in_progress");
            response.put("model", model);
            response.putArray("output");
        }
        e.set("response", response);
        write(out, e);
    }

    private void openMessage(ByteArrayOutputStream out) {
        if (messageOutput >= 0) {
            return;
        }
        messageOutput = nextOutput++;
        ObjectNode added = event("response.output_item.added");
        added.put("output_index", messageOutput);
        added.set("item", messageItem("in_progress", null));
        write(out, added);
        ObjectNode part = event("response.content_part.added");
        part.put("item_id", messageId);
        part.put("output_index", messageOutput);
        part.put("content_index", 0);
        part.set("part", textPart(""));
        write(out, part);
    }

    private void closeMessage(ByteArrayOutputStream out) {
        if (messageOutput < 0 || messageClosed) {
            return;
        }
        messageClosed = true;
        ObjectNode textDone = event("response.output_text.done");
        textDone.put("item_id", messageId);
        textDone.put("output_index", messageOutput);
        textDone.put("content_index", 0);
        textDone.put("text", text.toString());
        write(out, textDone);
        ObjectNode partDone = event("response.content_part.done");
        partDone.put("item_id", messageId);
        partDone.put("output_index", messageOutput);
        partDone.put("content_index", 0);
        partDone.set("part", textPart(text.toString()));
        write(out, partDone);
        ObjectNode itemDone = event("response.output_item.done");
        itemDone.put("output_index", messageOutput);
        itemDone.set("item", messageItem("completed", text.toString()));
        write(out, itemDone);
    }

    private void closeCall(ByteArrayOutputStream out, Call c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        ObjectNode argsDone = event("response.function_call_arguments.done");
        argsDone.put("item_id", c.itemId());
        argsDone.put("output_index", c.output);
        argsDone.put("arguments", c.arguments.toString());
        write(out, argsDone);
        ObjectNode itemDone = event("response.output_item.done");
        itemDone.put("output_index", c.output);
        itemDone.set("item", callItem(c, "completed"));
        write(out, itemDone);
    }

    private ObjectNode messageItem(String status, String content) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("id", messageId);
        item.put("type", "message");
        item.put("status", status);
        item.put("role", "assistant");
        ArrayNode parts = item.putArray("content");
        if (content != null) {
            parts.add(textPart(content));
        }
        return item;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        return part;
    }

    private static ObjectNode callItem(Call c, String status) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("id", c.itemId());
        item.put("type", "function_call");
        item.put("status", status);
        item.put("call_id", c.callId);
        item.put("name", c.name);
        item.put("arguments", c.arguments.toString());
        return item;
    }

    private ObjectNode event(String type) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("type", type);
        e.put("sequence_number", sequence++);
        return e;
    }

    private static void write(ByteArrayOutputStream out, ObjectNode event) {
        try {
            out.writeBytes(("event: " + Json.text(event, "type") + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(Json.MAPPER.writeValueAsBytes(event));
            out.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
