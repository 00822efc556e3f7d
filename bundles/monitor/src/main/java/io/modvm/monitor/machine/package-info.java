/** The commands that drive the running {@link io.modvm.api.machine.Machine}, each a DS component. */
package io.modvm.monitor.machine;
