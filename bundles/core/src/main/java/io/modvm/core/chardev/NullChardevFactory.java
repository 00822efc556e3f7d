package io.modvm.core.chardev;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** {@code -chardev null}: output goes nowhere, input never comes. */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.CHARDEV, BackendFactory.PROP_TYPE + "=null"})
public final class NullChardevFactory implements BackendFactory {
    @Override
    public String kind() {
        return BackendKinds.CHARDEV;
    }

    @Override
    public String type() {
        return "null";
    }

    @Override
    public String description() {
        return "discards output, no input";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        new BackendOptions("chardev " + type(), properties, Set.of("logfile", "logappend"));
        return new NullBackend();
    }
}
