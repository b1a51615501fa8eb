/** Implementation of the response cache. Not API: may change in any release. */
package dev.llmgate.core.cache.internal;
