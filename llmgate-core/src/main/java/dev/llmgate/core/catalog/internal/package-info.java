/**
 * Implementation of the model catalog (TSV reading and writing, snapshot id matching). Not API: may
 * change without notice.
 */
package dev.llmgate.core.catalog.internal;
