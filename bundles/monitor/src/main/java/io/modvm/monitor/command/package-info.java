/**
 * The command table that QMP, HMP and Gogo share, the argument checks with QEMU's wording, and the commands that
 * belong to the monitor itself (negotiation, version, command list, HMP passthrough).
 */
package io.modvm.monitor.command;
