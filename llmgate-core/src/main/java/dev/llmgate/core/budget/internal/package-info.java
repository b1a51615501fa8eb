/** Implementation of budgets; not API, may change in any release. */
package dev.llmgate.core.budget.internal;
