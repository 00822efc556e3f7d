/**
 * The monitor bundle: QMP and HMP servers and Gogo commands over the {@link io.modvm.api.monitor.MonitorCommand}
 * services. Nothing here is exported; other bundles see only the {@code io.modvm.api.monitor} SPI.
 */
package io.modvm.monitor;
