package dev.llmgate.core.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.spi.Interceptor;
import java.util.Map;

/** The default ROUTING stage: replaces an alias with the {@code "provider:model"} it names. */
public final class AliasResolver implements Interceptor {
    private final Map<String, String> aliases;

    public AliasResolver(Map<String, String> aliases) {
        this.aliases = aliases;
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        String target = aliases.get(request.model());
        return chain.proceed(target == null ? request : request.withModel(target));
    }

    @Override
    public String toString() {
        return "AliasResolver" + aliases;
    }
}
