package dev.llmgate.spring.boot.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.config.ConfigKey;
import dev.llmgate.config.GateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Where the starter's gate configuration comes from: the file named by {@code llmgate.config-file}, or the other
 * {@code llmgate.*} properties bound as a tree with the file's keys (kebab-case accepted for every fixed key).
 */
public final class GateSource {
    /** The starter's own keys under llmgate: not part of the gate's configuration. */
    static final Set<String> STARTER_KEYS = Set.of("enabled", "config-file", "configFile", "spring-ai", "springAi");

    /** The policy file's camelCase keys (for kebab-case properties under llmgate.policy). */
    private static final List<String> POLICY_KEYS = List.of(
            "allowedHosts",
            "argumentVerdict",
            "defaultThreshold",
            "denyArgumentTypes",
            "denyList",
            "minCount",
            "restoreTokens",
            "scanRoles",
            "streamWindow");

    private static final Set<String> CAMEL_SEGMENTS = new HashSet<>();

    static {
        for (ConfigKey k : GateConfig.keys()) {
            for (String segment : k.path().split("\\.")) {
                String s = segment.replace("[]", "");
                if (!s.startsWith("<") && !s.isEmpty()) {
                    CAMEL_SEGMENTS.add(s);
                }
            }
        }
        CAMEL_SEGMENTS.addAll(POLICY_KEYS);
    }

    private GateSource() {}

    /** The {@code llmgate.config-file} location, if set. */
    public static String configFile(Environment env) {
        String v = env.getProperty("llmgate.config-file");
        return v == null || v.isBlank() ? "" : v.trim();
    }

    /**
     * The gate's keys set under {@code llmgate.*} (the starter's own keys left out), as a tree. The operating system's
     * environment is not read for them: a variable's name cannot spell the configuration's camelCase keys, and the
     * {@code LLMGATE_*} variables of other tools (and of llmgate's own scripts) would otherwise become unknown keys
     * and stop start-up. Take values from the environment with placeholders ({@code ${OPENAI_BASE_URL}}).
     */
    public static Map<String, Object> propertyTree(Environment env) {
        Binder binder = binder(env);
        Map<String, Object> bound = binder.bind("llmgate", Bindable.mapOf(String.class, Object.class))
                .orElse(Map.of());
        Map<String, Object> tree = new LinkedHashMap<>();
        bound.forEach((k, v) -> {
            if (!STARTER_KEYS.contains(k)) {
                String key = camel(k, "");
                tree.put(key, normalise(binder, "llmgate[" + k + "]", relist(binder, "llmgate[" + k + "]", v), key));
            }
        });
        return tree;
    }

    /**
     * A bound list (a map keyed {@code [0]}, {@code [1]}, ...) bound again as a list, so that it takes Spring's list
     * semantics: the list of the highest-precedence source that has one replaces the others (binding a map merges the
     * items of every source, so a profile's shorter list of deployments would keep the base's extra ones).
     */
    @SuppressWarnings("unchecked")
    private static Object relist(Binder binder, String path, Object v) {
        if (!(v instanceof Map<?, ?> m) || m.isEmpty()) {
            return v;
        }
        boolean list = true;
        boolean maps = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            list &= stripIndex(String.valueOf(e.getKey())).matches("\\d+");
            maps &= e.getValue() instanceof Map<?, ?>;
        }
        if (!list) {
            return v;
        }
        ResolvableType element = maps
                ? ResolvableType.forClassWithGenerics(Map.class, String.class, Object.class)
                : ResolvableType.forClass(String.class);
        Bindable<List<Object>> bindable = Bindable.of(ResolvableType.forClassWithGenerics(List.class, element));
        List<Object> items = binder.bind(path, bindable).orElse(null);
        if (items == null) {
            return v;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item instanceof Map<?, ?> im) {
                Map<String, Object> fixed = new LinkedHashMap<>();
                int index = i;
                ((Map<String, Object>) im)
                        .forEach((k, x) -> fixed.put(k, relist(binder, path + "[" + index + "][" + k + "]", x)));
                item = fixed;
            }
            out.add(item);
        }
        return out;
    }

    /**
     * Kebab-case keys as the configuration's camelCase keys, at fixed-key positions only: names you choose
     * (providers, aliases, routes, headers, identifier types) are left as written.
     */
    @SuppressWarnings("unchecked")
    private static Object normalise(Binder binder, String path, Object v, String schemaPath) {
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(normalise(binder, path + "[" + i + "]", l.get(i), schemaPath + "[]"));
            }
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            return v;
        }
        boolean named = NAMED.contains(schemaPath)
                || schemaPath.endsWith(".thresholds")
                || schemaPath.endsWith(".redaction")
                || schemaPath.endsWith(".regex")
                || schemaPath.endsWith(".headers");
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<String, Object>) m).forEach((k, x) -> {
            String key = stripIndex(k);
            String fixed = named ? key : camel(key, schemaPath);
            String childSchema = named ? schemaPath + ".<name>" : schemaPath + "." + fixed;
            out.put(
                    fixed,
                    normalise(binder, path + "[" + key + "]", relist(binder, path + "[" + key + "]", x), childSchema));
        });
        return out;
    }

    private static Binder binder(Environment env) {
        if (!(env instanceof ConfigurableEnvironment configurable)) {
            return Binder.get(env);
        }
        List<PropertySource<?>> sources = new ArrayList<>();
        for (PropertySource<?> source : configurable.getPropertySources()) {
            if (source instanceof SystemEnvironmentPropertySource
                    || StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName())
                    || ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
                continue;
            }
            sources.add(source);
        }
        return new Binder(
                ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(configurable));
    }

    /** Schema positions whose keys are names the user chooses. */
    private static final Set<String> NAMED = Set.of("providers", "aliases", "routes");

    /** {@code [0]} (how some binders name list items) as {@code 0}. */
    private static String stripIndex(String k) {
        return k.startsWith("[") && k.endsWith("]") ? k.substring(1, k.length() - 1) : k;
    }

    /** {@code close-timeout} as {@code closeTimeout} when that is one of the configuration's fixed keys. */
    static String camel(String key, String schemaPath) {
        if (key.indexOf('-') < 0) {
            return key;
        }
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '-') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        String camel = sb.toString();
        return CAMEL_SEGMENTS.contains(camel) ? camel : key;
    }

    /** Whether the application configured a gate at all (a file, or any of the gate's keys). */
    public static boolean configured(Environment env) {
        return !configFile(env).isEmpty() || !propertyTree(env).isEmpty();
    }

    /** The top-level sections the configuration has (providers, routes, audit, ...), without starting anything. */
    public static Set<String> sections(Environment env, ResourceLoader loader) {
        String file = configFile(env);
        if (file.isEmpty()) {
            return propertyTree(env).keySet();
        }
        try {
            String content = read(file, loader);
            ObjectMapper mapper = yaml(file) ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
            Map<?, ?> top = mapper.readValue(content, Map.class);
            Set<String> out = new HashSet<>();
            if (top != null) {
                top.keySet().forEach(k -> out.add(String.valueOf(k)));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return Set.of(); // the gate's own start reports what is wrong with the file
        }
    }

    private static boolean yaml(String file) {
        String f = file.toLowerCase(Locale.ROOT);
        return f.endsWith(".yaml") || f.endsWith(".yml");
    }

    private static String read(String file, ResourceLoader loader) throws IOException {
        if (!file.startsWith("classpath:")) {
            String path = file.startsWith("file:") ? file.substring("file:".length()) : file;
            return java.nio.file.Files.readString(Path.of(path), StandardCharsets.UTF_8);
        }
        Resource r = loader.getResource(file);
        try (InputStream in = r.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The configuration, read and checked (nothing started). */
    public static GateConfig load(Environment env, ResourceLoader loader) {
        String file = configFile(env);
        Map<String, Object> tree = propertyTree(env);
        if (!file.isEmpty()) {
            if (!tree.isEmpty()) {
                throw new ConfigurationException("llmgate.config-file (" + file + ") is set, and so are llmgate."
                        + String.join(", llmgate.", tree.keySet()) + ": configure the gate in the file or in"
                        + " properties, not both");
            }
            if (!file.startsWith("classpath:")) {
                String path = file.startsWith("file:") ? file.substring("file:".length()) : file;
                return GateConfig.load(Path.of(path));
            }
            String name = file.substring("classpath:".length());
            if (!yaml(name) && !name.toLowerCase(Locale.ROOT).endsWith(".json")) {
                throw new ConfigurationException("llmgate.config-file " + file
                        + " must end in .yaml, .yml or .json (the format is chosen by it)");
            }
            try {
                return GateConfig.parse(read(file, loader), yaml(name), name);
            } catch (IOException e) {
                throw new ConfigurationException("llmgate.config-file: cannot read " + file + ": "
                        + e.getClass().getSimpleName());
            }
        }
        return GateConfig.fromTree(tree, "Spring properties", "llmgate.");
    }
}
