/**
 * Test doubles for code that extends llmgate: everything a test of a custom
 * {@link dev.llmgate.api.spi.Interceptor} or {@link dev.llmgate.api.spi.ModelProvider} needs, with no
 * network and no sleeping. Add {@code dev.llmgate:llmgate-testing} with test scope.
 *
 * <ul>
 *   <li>{@link dev.llmgate.testing.TestCallContext}: a call context to pass to an interceptor or provider
 *       directly, which the test can cancel;</li>
 *   <li>{@link dev.llmgate.testing.FakeChain}: the rest of the chain behind one interceptor, recording
 *       what it passed on;</li>
 *   <li>{@link dev.llmgate.testing.ScriptedProvider} and {@link dev.llmgate.testing.Reply}: a provider
 *       answering scripted text, chunks, tool calls, usage and failures, blocking or streamed;</li>
 *   <li>{@link dev.llmgate.testing.Hold}: a barrier the test opens by hand, to order concurrent calls;</li>
 *   <li>{@link dev.llmgate.testing.MutableClock}: a clock the test moves;</li>
 *   <li>{@link dev.llmgate.testing.LocalModelServer}: a simulated model over real HTTP on loopback in
 *       OpenAI's wire format, for tests (and demos) of the whole stack.</li>
 * </ul>
 *
 * <p>This module depends on {@code llmgate-api} only (and Jackson, for the simulated server), so it
 * fits the tests of a provider or interceptor library that does not use {@code llmgate-core}.
 * See {@code docs/testing-your-extensions.md}.
 */
package dev.llmgate.testing;
