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

/**
 * {@code -chardev stdio}: the terminal, in raw mode when it is one, with QEMU's Ctrl-A keys. There is one terminal, so
 * one stdio backend at a time.
 */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.CHARDEV, BackendFactory.PROP_TYPE + "=stdio"})
public final class StdioChardevFactory implements BackendFactory {
    private String holder;

    @Override
    public String kind() {
        return BackendKinds.CHARDEV;
    }

    @Override
    public String type() {
        return "stdio";
    }

    @Override
    public String description() {
        return "the terminal, raw, Ctrl-A x quits (options: signal, mux=off)";
    }

    @Override
    public synchronized Backend open(BackendContext context, Map<String, String> properties)
            throws DeviceException {
        BackendOptions options = new BackendOptions("chardev " + type(), properties,
                Set.of("signal", "mux", "logfile", "logappend"));
        if (options.flag("mux", false)) {
            throw new DeviceException("chardev stdio: mux=on is not supported; give the monitor a socket of its own");
        }
        if (holder != null) {
            throw new DeviceException("stdio is already the console of chardev '" + holder + "'; give this one "
                    + "file:PATH or null");
        }
        String id = context.backendId();
        holder = id;
        return new StdioBackend(System.in, context::requestQuit, () -> released(id));
    }

    private synchronized void released(String id) {
        if (id.equals(holder)) {
            holder = null;
        }
    }
}
