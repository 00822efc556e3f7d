/** The disks a migration carries (block migration) or a snapshot goes to, as the machine's block nodes give them. */
package io.modvm.migration.disks;
