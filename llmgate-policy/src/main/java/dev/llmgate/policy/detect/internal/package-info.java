/** Detector internals (checksums, normalisation, recognizers). Not API: may change in any release. */
package dev.llmgate.policy.detect.internal;
