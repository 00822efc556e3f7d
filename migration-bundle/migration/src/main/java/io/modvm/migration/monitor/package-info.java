/** QEMU's migration commands for QMP and HMP, served from the migration bundle. */
package io.modvm.migration.monitor;
