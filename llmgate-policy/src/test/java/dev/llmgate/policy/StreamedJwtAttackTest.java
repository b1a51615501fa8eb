package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.policy.preset.CompliancePreset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bare JSON Web Token in a streamed answer (red-team round 8, high): the pattern needed the header, the payload and
 * the signature, which a stream's window of 256 characters never holds for a token of 300 characters or more (real ID
 * and access tokens are 300–1,500), so the token streamed through whole under AGENT and SOC 2 while a blocking answer
 * with it was blocked. The header and the payload are enough now.
 */
class StreamedJwtAttackTest {
    static final Policy AGENT = Policy.builder().preset(CompliancePreset.AGENT).build();
    static final Policy SOC2 = Policy.builder().preset(CompliancePreset.SOC2).build();

    /** A token whose payload is {@code claims} long (base64url, no padding) with an RS256-sized signature. */
    static String jwt(int claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes());
        StringBuilder payload = new StringBuilder("{\"sub\":\"1234567890\",\"name\":\"Jane Roe\",\"scope\":\"");
        while (payload.length() < claims) {
            payload.append("read:orders write:orders ");
        }
        payload.append("\"}");
        String signature = b64.encodeToString(new byte[256]).replace('A', 'x').substring(0, 342);
        return header + "." + b64.encodeToString(payload.toString().getBytes()) + "." + signature;
    }

    @Test
    void aLongTokenInAStreamIsBlockedAsInABlockingAnswer() {
        for (Policy policy : List.of(AGENT, SOC2)) {
            for (int claims : new int[] {40, 200, 600}) {
                String token = jwt(claims);
                for (String answer : List.of(
                        "Here: " + token + " ok, and that is all.",
                        "Session cookie value: " + token,
                        "Open https://app.example.com/cb?jwt=" + token + " to continue.")) {
                    assertThat(policy.evaluate(answer, PolicyStage.OUTPUT).verdict())
                            .isEqualTo(Verdict.BLOCK);
                    for (int size : new int[] {1, 3, 7, 64, 1000}) {
                        assertThatThrownBy(() -> PolicyInterceptorTest.streamed(policy, answer, size))
                                .as("a token of %d characters in chunks of %d", token.length(), size)
                                .isInstanceOf(PolicyBlockedException.class);
                    }
                }
            }
        }
    }

    @Test
    void theHeaderAndPayloadAloneAreAToken() {
        String token = jwt(40);
        String unsigned = token.substring(0, token.lastIndexOf('.') + 1); // "alg": "none" leaves the signature empty
        assertThat(AGENT.evaluate("token " + unsigned, PolicyStage.INPUT).findings())
                .anyMatch(f -> f.type().equals(FindingTypes.SECRET_JWT));
        // base64 of JSON alone is no token
        assertThat(AGENT.evaluate("data eyJhbGciOiJSUzI1NiJ9 here", PolicyStage.INPUT)
                        .findings())
                .noneMatch(f -> f.type().equals(FindingTypes.SECRET_JWT));
    }
}
