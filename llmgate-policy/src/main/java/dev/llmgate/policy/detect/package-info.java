/** The {@link dev.llmgate.policy.detect.Detector} SPI and the built-in detectors: PII, secrets, prompt injection, deny lists. */
package dev.llmgate.policy.detect;
