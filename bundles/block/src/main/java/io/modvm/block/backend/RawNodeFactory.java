package io.modvm.block.backend;

import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import org.osgi.service.component.annotations.Component;

/** QEMU's {@code raw} format node over a file node. */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.BLOCK, BackendFactory.PROP_TYPE + "=raw"})
public final class RawNodeFactory extends FormatNodeFactory implements BackendFactory {
    @Override
    public String type() {
        return "raw";
    }

    @Override
    public String description() {
        return "a raw image on a file node (options: file, read-only, cache.direct, cache.no-flush, discard)";
    }
}
