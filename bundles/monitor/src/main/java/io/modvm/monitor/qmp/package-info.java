/** QMP: the per-client session (greeting, negotiation, dispatch, responses) and event broadcast. */
package io.modvm.monitor.qmp;
