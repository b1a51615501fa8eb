package dev.llmgate.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#same} decides whether the gate forwards a client's or upstream's own bytes: it must say "same" exactly
 * when the two trees, with members that carry nothing under plain names taken away, are equal JSON.
 */
class JsonSameTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static JsonNode read(String json) throws Exception {
        return Json.EXACT.readTree(json);
    }

    @Test
    void membersThatCarryNothingCountAsAbsentOnlyUnderPlainNames() throws Exception {
        assertThat(Json.same(read("{\"a\":1,\"refusal\":null}"), read("{\"a\":1}")))
                .isTrue();
        assertThat(Json.same(read("{\"a\":1}"), read("{\"a\":1,\"annotations\":[]}")))
                .isTrue();
        assertThat(Json.same(read("{\"a\":1,\"x\":{\"y\":null,\"z\":{}}}"), read("{\"a\":1}")))
                .isTrue();
        // a name that is not plain is data: its member is never absent
        assertThat(Json.same(read("{\"a\":1,\"4111111111111111\":null}"), read("{\"a\":1}")))
                .isFalse();
        assertThat(Json.same(read("{\"a\":1}"), read("{\"a\":1,\"Refusal\":null}")))
                .isFalse();
        assertThat(Json.same(read("{\"a\":1,\"x\":{\"4111\":null}}"), read("{\"a\":1}")))
                .isFalse();
        // an empty string or zero carries something
        assertThat(Json.same(read("{\"a\":1,\"b\":\"\"}"), read("{\"a\":1}"))).isFalse();
        assertThat(Json.same(read("{\"a\":1,\"b\":0}"), read("{\"a\":1}"))).isFalse();
    }

    @Test
    void numbersByValueAndKindsApart() throws Exception {
        assertThat(Json.same(read("{\"n\":1}"), read("{\"n\":1.0}"))).isTrue();
        assertThat(Json.same(read("{\"n\":4111111111111111}"), read("{\"n\":4.111111111111111e15}")))
                .isTrue();
        assertThat(Json.same(read("{\"n\":4111111111111111}"), read("{\"n\":4111111111111112}")))
                .isFalse();
        assertThat(Json.same(read("{\"n\":1}"), read("{\"n\":\"1\"}"))).isFalse();
        assertThat(Json.same(read("{\"n\":[]}"), read("{\"n\":{}}"))).isTrue(); // both carry nothing
        assertThat(Json.same(read("{\"n\":[1]}"), read("{\"n\":{\"a\":1}}"))).isFalse();
        assertThat(Json.same(read("[1,2]"), read("[2,1]"))).isFalse();
        assertThat(Json.same(read("[null]"), read("[]"))).isFalse(); // array elements are never dropped
        assertThat(Json.same(read("{\"a\":{\"b\":1}}"), read("{\"a\":null}"))).isFalse();
    }

    @Test
    void agreesWithTheStrippedCopyDefinitionOnRandomTrees() {
        Random random = new Random(20261207);
        for (int i = 0; i < 20_000; i++) {
            JsonNode a = tree(random, 3);
            JsonNode b = random.nextInt(3) == 0 ? tree(random, 3) : mutate(a.deepCopy(), random);
            assertThat(Json.same(a, b)).as("%s vs %s", a, b).isEqualTo(reference(a, b));
            assertThat(Json.same(b, a)).as("%s vs %s", b, a).isEqualTo(reference(a, b));
        }
    }

    // the definition, written the slow way: strip both trees, then compare
    private static boolean reference(JsonNode a, JsonNode b) {
        return stripped(a)
                .equals(
                        (x, y) -> {
                            if (x.equals(y)) {
                                return 0;
                            }
                            return x.isNumber() && y.isNumber()
                                    ? x.decimalValue().compareTo(y.decimalValue())
                                    : 1;
                        },
                        stripped(b));
    }

    private static JsonNode stripped(JsonNode n) {
        if (n.isObject()) {
            ObjectNode out = F.objectNode();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                JsonNode v = stripped(e.getValue());
                if (!(v.isNull() || (v.isContainerNode() && v.isEmpty()))
                        || !e.getKey().matches("[a-z_]{1,64}")) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = F.arrayNode();
            n.forEach(v -> out.add(stripped(v)));
            return out;
        }
        return n;
    }

    private static final String[] NAMES = {"a", "b", "refusal", "tool_calls", "A", "4111", "x-y", ""};

    private static JsonNode tree(Random r, int depth) {
        switch (depth <= 0 ? r.nextInt(5) : r.nextInt(7)) {
            case 0:
                return F.nullNode();
            case 1:
                return F.numberNode(r.nextInt(3));
            case 2:
                return F.numberNode(new BigDecimal(r.nextInt(3) + ".0"));
            case 3:
                return F.textNode(r.nextBoolean() ? "" : "t");
            case 4:
                return F.booleanNode(r.nextBoolean());
            case 5: {
                ArrayNode a = F.arrayNode();
                for (int k = r.nextInt(3); k > 0; k--) {
                    a.add(tree(r, depth - 1));
                }
                return a;
            }
            default: {
                ObjectNode o = F.objectNode();
                for (int k = r.nextInt(4); k > 0; k--) {
                    o.set(NAMES[r.nextInt(NAMES.length)], tree(r, depth - 1));
                }
                return o;
            }
        }
    }

    /** A small change somewhere in {@code n}: a member added, removed or replaced, or a value swapped. */
    private static JsonNode mutate(JsonNode n, Random r) {
        if (n.isObject() && n.size() > 0 && r.nextBoolean()) {
            ObjectNode o = (ObjectNode) n;
            String name = o.fieldNames().next();
            switch (r.nextInt(3)) {
                case 0:
                    o.remove(name);
                    break;
                case 1:
                    o.set(NAMES[r.nextInt(NAMES.length)], tree(r, 1));
                    break;
                default:
                    o.set(name, mutate(o.get(name), r));
            }
            return o;
        }
        if (n.isArray() && n.size() > 0 && r.nextBoolean()) {
            ArrayNode a = (ArrayNode) n;
            a.set(0, mutate(a.get(0), r));
            return a;
        }
        return r.nextInt(4) == 0 ? tree(r, 2) : n;
    }
}
