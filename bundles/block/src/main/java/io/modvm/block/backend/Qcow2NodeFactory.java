package io.modvm.block.backend;

import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import org.osgi.service.component.annotations.Component;

/** QEMU's {@code qcow2} format node over a file node; its backing chain opens read-only unless backing=null. */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.BLOCK, BackendFactory.PROP_TYPE + "=qcow2"})
public final class Qcow2NodeFactory extends FormatNodeFactory implements BackendFactory {
    @Override
    public String type() {
        return "qcow2";
    }

    @Override
    public String description() {
        return "a qcow2 image on a file node (options: file, read-only, backing=null, cache.direct, discard)";
    }
}
