/**
 * Budgets and rate limits per tenant, user, key or globally, on requests, tokens and US dollars per
 * window: {@link dev.llmgate.core.budget.BudgetInterceptor} at {@code Stage.BUDGET}. See
 * {@code docs/budgets-and-cost.md}.
 */
package dev.llmgate.core.budget;
