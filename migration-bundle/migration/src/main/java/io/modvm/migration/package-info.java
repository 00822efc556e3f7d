/**
 * modvm's migration: live pre-copy migration, incoming migration, and the parameters, capabilities and progress
 * that QEMU's migration commands show. Transports come from {@link io.modvm.api.migration.MigrationTransport}
 * services; the machine from the core's {@link io.modvm.api.migration.MigratableMachine}.
 */
package io.modvm.migration;
