/**
 * The running machine as other bundles (monitor, migration) see it.
 */
@Export
@Version("1.3.0")
package io.modvm.api.machine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
