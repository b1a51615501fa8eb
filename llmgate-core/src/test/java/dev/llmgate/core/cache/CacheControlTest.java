package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.exception.InvalidRequestException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheControlTest {

    @Test
    void controlsRoundTripThroughMetadataAttributesAndKeepOtherMetadata() {
        Metadata base = Metadata.EMPTY.withTenant("t").withAttribute("trace", "abc");
        CacheControl control =
                CacheControl.refresh().withTtl(Duration.ofMinutes(5)).withNamespace("team-a");
        Metadata m = control.applyTo(base);
        assertThat(m.attributes())
                .containsEntry("llmgate.cache", "refresh")
                .containsEntry("llmgate.cache.ttl", "PT5M")
                .containsEntry("llmgate.cache.namespace", "team-a")
                .containsEntry("trace", "abc");
        assertThat(m.tenant()).contains("t");
        assertThat(CacheControl.from(m)).isEqualTo(control);
        assertThat(CacheControl.from(CacheControl.DEFAULT.applyTo(m)).mode()).isEqualTo(CacheControl.Mode.DEFAULT);
        assertThat(CacheControl.from(Metadata.EMPTY)).isSameAs(CacheControl.DEFAULT);
        ChatRequest r = CacheControl.noStore().applyTo(ChatRequest.of("p:m", "hi"));
        assertThat(CacheControl.from(r.metadata()).mode()).isEqualTo(CacheControl.Mode.NO_STORE);
    }

    @Test
    void attributeValuesAreParsedLeniently() {
        Metadata m = new Metadata(
                Optional.empty(),
                Optional.empty(),
                java.util.Set.of(),
                Map.of("llmgate.cache", " No-Store ", "llmgate.cache.ttl", "PT30S"));
        CacheControl c = CacheControl.from(m);
        assertThat(c.mode()).isEqualTo(CacheControl.Mode.NO_STORE);
        assertThat(c.ttl()).contains(Duration.ofSeconds(30));
    }

    @Test
    void invalidValuesAreRejectedWithHowToFixThem() {
        assertThatThrownBy(() -> CacheControl.from(Metadata.EMPTY.withAttribute("llmgate.cache.ttl", "PT0S")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("positive")
                .hasMessageContaining("no-store");
        assertThatThrownBy(() -> CacheControl.from(Metadata.EMPTY.withAttribute("llmgate.cache.namespace", " ")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> CacheControl.ttl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noStore()");
    }
}
