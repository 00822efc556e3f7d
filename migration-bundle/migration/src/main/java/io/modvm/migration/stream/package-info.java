/**
 * The migration stream: what a snapshot file and a live migration carry, whatever the transport. See
 * {@link io.modvm.migration.stream.StreamFormat}.
 */
package io.modvm.migration.stream;
