/**
 * A simulated, deterministic model server on loopback in OpenAI's wire format: the embedded
 * default that lets the demo and tests run the whole stack without an API key or network.
 */
package dev.llmgate.providers.local;
