package io.modvm.net.vhost.user;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.backend.UnixSocketAddress;
import io.modvm.api.device.DeviceException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code -netdev vhost-user,id=n0,chardev=c0[,queues=N]}, with QEMU's options: the chardev is a
 * {@code -chardev socket,id=c0,path=P} whose path the back-end listens on; modvm connects as the front-end (QEMU's
 * default client mode), once at start, and again after the back-end went away ({@code reconnect=N} on the
 * chardev, every second otherwise). The socket is opened here rather than through the chardev's stream because
 * vhost-user passes descriptors (guest RAM, eventfds) with its messages.
 */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.NETDEV, BackendFactory.PROP_TYPE + "=vhost-user"})
public final class VhostUserFactory implements BackendFactory {
    private static final Set<String> OPTIONS = Set.of("chardev", "queues", "vhostforce");

    @Override
    public String kind() {
        return BackendKinds.NETDEV;
    }

    @Override
    public String type() {
        return "vhost-user";
    }

    @Override
    public String description() {
        return "a vhost-user back-end on a unix socket (options: chardev, queues)";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        String type = "vhost-user " + context.backendId();
        BackendOptions options = new BackendOptions(type, properties, OPTIONS);
        options.flag("vhostforce", true);
        String chardev = options.required("chardev", "chardev=c0 with -chardev socket,id=c0,path=/tmp/vu.sock");
        int queues = options.number("queues", 1, 1, 64);
        Backend socket = context.backend(BackendKinds.CHARDEV, chardev, Backend.class);
        if (!(socket instanceof UnixSocketAddress address)) {
            throw new DeviceException(type + ": chardev '" + chardev + "' is not a socket modvm connects to; give "
                    + "-chardev socket,id=" + chardev + ",path=PATH (without server=on): the vhost-user back-end "
                    + "listens on PATH");
        }
        VhostUserClient client;
        try {
            client = VhostUserClient.connect(address.path());
        } catch (IOException e) {
            throw new DeviceException(type + ": " + e.getMessage() + "; start the vhost-user back-end first, "
                    + "listening on that path", e);
        }
        // GET_QUEUE_NUM counts queue pairs for a net back-end, as QEMU and DPDK read it.
        if (queues > 1 && client.queueNum() < queues) {
            int offered = client.queueNum();
            client.close();
            throw new DeviceException(type + ": queues=" + queues + " but the back-end serves " + offered
                    + " queue pair(s); give queues=" + Math.max(1, offered) + " or start the back-end with more");
        }
        return new VhostUserBackend(type, chardev, client, queues, address.reconnectSeconds());
    }
}
