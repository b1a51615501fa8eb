/** Loading policies from YAML or JSON files, with optional hot reload. */
package dev.llmgate.policy.config;
