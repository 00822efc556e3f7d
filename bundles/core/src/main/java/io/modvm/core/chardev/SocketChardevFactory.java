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

/**
 * {@code -chardev socket,path=P,server=on[,wait=off]}: a unix socket modvm listens on, one client at a time, as
 * QEMU's. Without {@code server=on} it is a socket to connect to ({@link UnixSocketClient}), which only a backend
 * that opens the socket itself takes ({@code -netdev vhost-user}); modvm has no TCP sockets yet.
 */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.CHARDEV, BackendFactory.PROP_TYPE + "=socket"})
public final class SocketChardevFactory implements BackendFactory {
    private static final String USAGE = "use socket,path=PATH,server=on,wait=off";

    @Override
    public String kind() {
        return BackendKinds.CHARDEV;
    }

    @Override
    public String type() {
        return "socket";
    }

    @Override
    public String description() {
        return "a unix socket modvm listens on (options: path, server=on, wait, nowait), or, without server=on, one "
                + "-netdev vhost-user connects to (options: path, reconnect)";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        BackendOptions options = new BackendOptions("chardev " + type(), properties,
                Set.of("path", "server", "wait", "nowait", "host", "port", "logfile", "logappend", "reconnect"));
        if (properties.containsKey("host") || properties.containsKey("port")) {
            throw new DeviceException("chardev socket: TCP sockets are not supported; " + USAGE);
        }
        String path = options.required("path", "path=/tmp/console.sock");
        if (!options.flag("server", false)) {
            return new UnixSocketClient(Path.of(path), options.number("reconnect", 0, 0, 3600));
        }
        boolean wait = options.flag("wait", true) && !options.flag("nowait", false);
        return UnixSocketBackend.open(Path.of(path), wait);
    }
}
