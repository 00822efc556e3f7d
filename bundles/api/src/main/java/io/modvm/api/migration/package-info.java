/**
 * Snapshots and migration: the machine's side ({@link io.modvm.api.migration.MigratableMachine}, registered by the
 * core while a machine runs) and the carriers of a migration stream ({@link io.modvm.api.migration.MigrationTransport}
 * services, one per URI scheme, each in a bundle of its own). The stream's format belongs to the migration bundle;
 * a transport only moves bytes.
 */
@Export
@Version("1.2.0")
package io.modvm.api.migration;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
