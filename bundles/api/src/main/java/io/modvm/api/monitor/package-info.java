/**
 * The monitor SPI: commands as services (QMP, HMP and Gogo all dispatch to them), their errors, and the event sink
 * that the monitor bundle provides.
 */
@Export
@Version("1.3.0")
package io.modvm.api.monitor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
