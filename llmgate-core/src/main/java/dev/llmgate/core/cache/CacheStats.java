package dev.llmgate.core.cache;

/**
 * Counters of one {@link ResponseCache} since it was built. A snapshot: the fields are read one by
 * one while calls may be running, so they need not add up exactly.
 *
 * @param hits              exact hits
 * @param semanticHits      semantic hits
 * @param coalesced         attempts answered by sharing an identical in-flight request
 * @param misses            attempts that called the provider (misses and refreshes)
 * @param stores            answers written to the store
 * @param notStored         answers the never-store rules kept out: complete answers with another finish reason
 *                          or a refusal, and answers that grew past {@code maximumAnswerChars} (counted when
 *                          they pass it)
 * @param waitingFollowers  attempts waiting right now for an identical in-flight request
 */
public record CacheStats(long hits, long semanticHits, long coalesced, long misses, long stores, long notStored,
                         int waitingFollowers) {
}
