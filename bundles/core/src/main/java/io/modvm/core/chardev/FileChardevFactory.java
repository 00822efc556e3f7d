package io.modvm.core.chardev;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** {@code -chardev file,path=P}: guest output to a file, as QEMU's; no input. */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.CHARDEV, BackendFactory.PROP_TYPE + "=file"})
public final class FileChardevFactory implements BackendFactory {
    @Override
    public String kind() {
        return BackendKinds.CHARDEV;
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String description() {
        return "guest output to a file (options: path, append)";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        BackendOptions options = new BackendOptions("chardev " + type(), properties,
                Set.of("path", "append", "logfile", "logappend"));
        return new FileBackend(Path.of(options.required("path", "path=/tmp/console.log")),
                options.flag("append", false));
    }
}
