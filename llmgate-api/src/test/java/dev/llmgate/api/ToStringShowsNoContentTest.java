package dev.llmgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code toString()} of the value types that carry content shows sizes and names, never the content. */
class ToStringShowsNoContentTest {
    private static final String PROMPT = "Patient SSN 536-22-8174, card 4111 1111 1111 1111";

    @Test
    void anEmbeddingRequestShowsItsModelAndSizesNotItsInputs() {
        EmbeddingRequest one = EmbeddingRequest.of("openai:text-embedding-3-small", PROMPT);
        assertThat(one.toString())
                .isEqualTo("EmbeddingRequest[model=openai:text-embedding-3-small, inputs=1 (" + PROMPT.length()
                        + " chars)]");

        EmbeddingRequest two = new EmbeddingRequest(
                "m", List.of(PROMPT, "secret second"), OptionalInt.of(256), Metadata.EMPTY.withUser("u-1"));
        assertThat(two.toString())
                .doesNotContain("536-22-8174")
                .doesNotContain("secret")
                .isEqualTo(
                        "EmbeddingRequest[model=m, inputs=2 (" + (PROMPT.length() + 13) + " chars), dimensions=256]");
    }

    @Test
    void anImageUrlShowsItsSchemeAndHostNotItsPathQueryOrData() {
        ContentPart.ImageUrl web = new ContentPart.ImageUrl(
                "https://svc:pw-SECRET@evil.example:8443/p.png?d=SSN-536-22-8174#x", ContentPart.ImageDetail.AUTO);
        assertThat(web.toString())
                .isEqualTo("ImageUrl[https://evil.example:8443, 65 chars, AUTO]")
                .doesNotContain("SECRET")
                .doesNotContain("536");

        ContentPart.ImageUrl data =
                new ContentPart.ImageUrl("data:image/png;base64,U1NOIDUzNi0yMi04MTc0", ContentPart.ImageDetail.HIGH);
        assertThat(data.toString()).isEqualTo("ImageUrl[data:image/png, 42 chars, HIGH]");

        assertThat(new ContentPart.ImageUrl("data:" + PROMPT + ",x", ContentPart.ImageDetail.AUTO).toString())
                .doesNotContain("536");
        assertThat(new ContentPart.ImageUrl(PROMPT, ContentPart.ImageDetail.LOW).toString())
                .isEqualTo("ImageUrl[" + PROMPT.length() + " chars, LOW]");
        assertThat(new ContentPart.ImageUrl("https://x/" + PROMPT, ContentPart.ImageDetail.LOW).toString())
                .startsWith("ImageUrl[https://x, ")
                .doesNotContain("536");
    }

    @Test
    void metadataShowsAttributeNamesNotTheirValuesNorTheUser() {
        Metadata md = Metadata.EMPTY
                .withTenant("acme")
                .withUser("jane@example.com")
                .withTag("batch")
                .withAttribute("api_key", "sk-proj-LEAKCHECK1234567890")
                .withAttribute("llmgate.wire.note", PROMPT);

        assertThat(md.toString())
                .isEqualTo("Metadata[tenant=acme, user=(set), tags=[batch], attributes=[api_key, llmgate.wire.note]]")
                .doesNotContain("jane")
                .doesNotContain("LEAKCHECK")
                .doesNotContain("536");
        assertThat(Metadata.EMPTY.toString()).isEqualTo("Metadata[tenant=, user=, tags=[], attributes=[]]");
    }

    @Test
    void aStreamErrorShowsTheExceptionsTypeNotItsMessage() {
        StreamEvent.Error e = new StreamEvent.Error(new InvalidRequestException(
                "upstream said: '" + PROMPT + "'", ErrorDetails.of("openai", 400, "bad", "req-1")));
        assertThat(e.toString()).isEqualTo("Error[InvalidRequestException, openai, HTTP 400]");

        assertThat(new StreamEvent.Error(new InvalidRequestException(PROMPT, ErrorDetails.NONE)).toString())
                .isEqualTo("Error[InvalidRequestException]");
    }
}
