/**
 * Checked access to guest-physical memory: every address and length a guest supplies is validated here.
 */
@Export
@Version("1.3.0")
package io.modvm.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
