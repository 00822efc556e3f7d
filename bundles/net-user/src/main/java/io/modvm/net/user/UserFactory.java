package io.modvm.net.user;

import com.sun.jna.LastErrorException;
import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -netdev user}: QEMU's user-mode network through libslirp. The guest gets a private network (10.0.2.0/24 by
 * default) with a DHCP server, a DNS forwarder at 10.0.2.3 and a gateway at 10.0.2.2 that is the host itself; its
 * connections leave through the host's own sockets, so it needs no privileges. {@code hostfwd=} lets the host
 * reach the guest's ports.
 */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.NETDEV, BackendFactory.PROP_TYPE + "=user"})
public final class UserFactory implements BackendFactory {
    private static final Logger LOG = LoggerFactory.getLogger(UserFactory.class);

    private final SlirpRuntime runtime;

    public UserFactory() {
        this(new SlirpRuntime(SlirpLib.LIBRARY));
    }

    /** With a runtime of its own: a test's, or one naming a library this host lacks. */
    UserFactory(SlirpRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String kind() {
        return BackendKinds.NETDEV;
    }

    @Override
    public String type() {
        return "user";
    }

    @Override
    public String description() {
        return "user-mode network through libslirp, no privileges needed (options: net, host, dhcpstart, dns, "
                + "hostname, domainname, dnssearch, restrict, hostfwd, ipv4, ipv6, ipv6-net, ipv6-host, ipv6-dns)";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        String name = "user " + context.backendId();
        UserConfig config = UserConfig.parse(name, new BackendOptions(name, properties, UserConfig.OPTIONS));
        runtime.requireLibrary();
        FrameQueue frames = null;
        SlirpStack stack;
        try {
            frames = new FrameQueue();
            stack = SlirpStack.open(name, runtime, config, frames);
        } catch (DeviceException | RuntimeException e) {
            if (frames != null) {
                frames.close();
            }
            if (e instanceof LastErrorException errno) {
                throw new DeviceException(name + ": could not make an eventfd (errno " + errno.getErrorCode()
                        + "); the process may be out of file descriptors (ulimit -n)", e);
            }
            throw e;
        }
        SlirpPollLoop loop = new SlirpPollLoop(name, stack);
        loop.start();
        LOG.info("{}: {}, host {}, DHCP from {}, DNS {}{}", name, config.describe(), Ipv4.format(config.host()),
                Ipv4.format(config.dhcpStart()), Ipv4.format(config.dns()),
                config.forwards().isEmpty() ? "" : ", " + config.forwards().size() + " host forward(s)");
        return new UserBackend(name, config, stack, loop, frames);
    }
}
