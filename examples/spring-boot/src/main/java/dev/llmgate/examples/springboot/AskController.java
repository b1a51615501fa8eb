package dev.llmgate.examples.springboot;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** {@code GET /ask?q=...}: the answer, streamed as plain text as it passes the gate's output policy. */
@RestController
public class AskController {
    private final LlmGate gate;

    public AskController(LlmGate gate) {
        this.gate = gate;
    }

    @GetMapping(value = "/ask", produces = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<StreamingResponseBody> ask(@RequestParam("q") String question) {
        ChatStream stream = gate.stream(ChatRequest.builder("assistant")
                .user(question)
                .maxOutputTokens(300)
                .build());
        // pull the first event here, so that a refusal (policy, budget) is an HTTP error, not a cut stream
        StreamEvent first = stream.hasNext() ? stream.next() : null;
        StreamingResponseBody body = (OutputStream out) -> {
            try (stream) {
                write(out, first);
                while (stream.hasNext()) {
                    write(out, stream.next());
                }
            }
        };
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
    }

    private static void write(OutputStream out, StreamEvent event) throws java.io.IOException {
        if (event instanceof StreamEvent.TextDelta t) {
            out.write(t.text().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @ExceptionHandler(PolicyBlockedException.class)
    public ResponseEntity<Map<String, Object>> blocked(PolicyBlockedException e) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .body(Map.of("error", "blocked by policy", "rules", e.ruleIds()));
    }

    @ExceptionHandler(BudgetExceededException.class)
    public ResponseEntity<Map<String, Object>> overBudget(BudgetExceededException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body(Map.of("error", "budget exceeded"));
    }
}
