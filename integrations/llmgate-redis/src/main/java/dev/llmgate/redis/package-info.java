/** {@link dev.llmgate.redis.RedisStateStore}: budgets, rate limits and breaker state shared through Redis. */
package dev.llmgate.redis;
