/** HMP, QEMU's human monitor: the line interpreter over the shared command table, and its console sessions. */
package io.modvm.monitor.hmp;
