/**
 * The one state format of modvm: versioned, self-describing {@link io.modvm.api.state.StateRecord}s and the
 * {@link io.modvm.api.state.StateCodec} that turns them into bytes and back. Snapshots, live migration and the
 * hand-over of a device across a bundle update all carry these records.
 */
@Export
@Version("1.0.0")
package io.modvm.api.state;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
