/** Compliance presets (HIPAA, PCI DSS, GDPR, SOC 2); each rule is documented in docs/policy-presets.md. */
package dev.llmgate.policy.preset;
