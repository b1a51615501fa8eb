/** Implementation of routing; not API, may change in any release. */
package dev.llmgate.core.routing.internal;
