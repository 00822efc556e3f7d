package io.modvm.net.tap;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import io.modvm.net.vhost.VhostNet;
import io.modvm.net.vhost.VhostNetOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -netdev tap}, with QEMU's options: {@code ifname}, {@code fd}/{@code fds} (descriptors another process
 * opened, as libvirt passes them), {@code script}/{@code downscript} (QEMU's {@code /etc/qemu-ifup} and
 * {@code /etc/qemu-ifdown} unless {@code no}), {@code vnet_hdr}, {@code queues=N} (a multiqueue tap), and
 * {@code vhost}/{@code vhostforce} for the kernel's vhost-net datapath where the host has one (through the
 * {@link VhostNetOpener} service of the net-vhost bundle; when that goes away, open taps fall back to the userspace
 * datapath, the NIC taking its rings back first).
 */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.NETDEV, BackendFactory.PROP_TYPE + "=tap"})
public final class TapFactory implements BackendFactory {
    private static final Logger LOG = LoggerFactory.getLogger(TapFactory.class);
    static final Path DEFAULT_SCRIPT = Path.of("/etc/qemu-ifup");
    static final Path DEFAULT_DOWNSCRIPT = Path.of("/etc/qemu-ifdown");
    private static final Set<String> OPTIONS = Set.of("ifname", "fd", "fds", "script", "downscript", "vnet_hdr",
            "queues", "vhost", "vhostforce", "vhostfd", "vhostfds", "sndbuf", "poll-us", "br", "helper");

    private final List<TapBackend> withVhost = new CopyOnWriteArrayList<>();
    private volatile VhostNetOpener vhostNet;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setVhostNet(VhostNetOpener opener) {
        this.vhostNet = opener;
    }

    /** vhost-net goes away: every tap it serves takes the userspace datapath, its NIC taking the rings back. */
    void unsetVhostNet(VhostNetOpener opener) {
        if (this.vhostNet != opener) {
            return;
        }
        this.vhostNet = null;
        for (TapBackend b : withVhost) {
            b.dropOffload();
        }
        withVhost.clear();
    }

    @Override
    public String kind() {
        return BackendKinds.NETDEV;
    }

    @Override
    public String type() {
        return "tap";
    }

    @Override
    public String description() {
        return "a host tap device (options: ifname, fd, fds, script, downscript, vnet_hdr, queues, vhost, "
                + "vhostforce)";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        String type = "tap " + context.backendId();
        BackendOptions options = new BackendOptions(type, properties, OPTIONS);
        for (String unsupported : List.of("br", "helper", "vhostfd", "vhostfds")) {
            if (options.has(unsupported)) {
                throw new DeviceException(type + ": option '" + unsupported + "' is not supported; make the tap "
                        + "yourself (ip tuntap add) and give ifname=, or use -netdev user");
            }
        }
        VhostNetOpener vhost = vhostWanted(type, options) ? vhostNet : null;
        boolean force = options.flag("vhostforce", false);
        List<Integer> given = descriptors(type, options);
        boolean vnetHeader = options.flag("vnet_hdr", given.isEmpty() ? TapOpener.vnetHeaderSupported()
                : TapOpener.opensWithVnetHeader(given.get(0)));
        int queues = given.isEmpty() ? options.number("queues", 1, 1, 64) : given.size();
        String ifname = options.has("ifname") ? options.get("ifname") : "";
        List<TapQueue> opened = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        try {
            if (given.isEmpty()) {
                for (int i = 0; i < queues; i++) {
                    opened.add(new TapQueue(TapOpener.open(i == 0 ? ifname : name.toString(), vnetHeader,
                            queues > 1, name)));
                }
            } else {
                for (int fd : given) {
                    opened.add(new TapQueue(TapOpener.adopt(fd, vnetHeader, name)));
                }
            }
        } catch (DeviceException e) {
            opened.forEach(q -> TapOpener.closeQuietly(q.fd()));
            throw new DeviceException(type + ": " + e.getMessage(), e);
        }
        String actual = name.toString();
        Path up = given.isEmpty() ? script(options, "script", DEFAULT_SCRIPT) : null;
        Path down = given.isEmpty() ? script(options, "downscript", DEFAULT_DOWNSCRIPT) : null;
        if (up != null) {
            try {
                IfScript.run(up, actual);
            } catch (DeviceException e) {
                opened.forEach(q -> TapOpener.closeQuietly(q.fd()));
                throw new DeviceException(type + ": " + e.getMessage(), e);
            }
        }
        String description = given.isEmpty()
                ? "ifname=" + actual + ",script=" + (up == null ? "no" : up) + ",downscript="
                        + (down == null ? "no" : down)
                : "fd=" + given.get(0);
        Runnable downScript = () -> {
            if (down != null) {
                try {
                    IfScript.run(down, actual);
                } catch (DeviceException e) {
                    LOG.warn("{}: {}", type, e.getMessage());
                }
            }
        };
        VhostNet offload = null;
        if (vhost != null) {
            try {
                offload = vhost.open(type, opened.stream().map(TapQueue::fd).toList(), vnetHeader);
            } catch (IOException e) {
                if (force) {
                    downScript.run();
                    opened.forEach(q -> TapOpener.closeQuietly(q.fd()));
                    throw new DeviceException(type + ": vhostforce=on but " + e.getMessage(), e);
                }
                LOG.warn("{}: vhost=on but {}; the userspace datapath moves this tap's frames", type, e.getMessage());
            }
        }
        LOG.info("{}: {} open, {} queue(s), vnet_hdr={}, datapath {}", type, actual, queues, vnetHeader ? "on" : "off",
                offload != null ? "vhost-net" : "userspace");
        TapBackend[] self = new TapBackend[1];
        TapBackend backend = new TapBackend(actual, opened, vnetHeader, description, () -> {
            withVhost.remove(self[0]);
            downScript.run();
        }, offload);
        self[0] = backend;
        if (offload != null) {
            withVhost.add(backend);
        }
        return backend;
    }

    /**
     * Whether vhost-net will be tried for the tap. It needs /dev/vhost-net and the net-vhost bundle; where either is
     * missing, {@code vhost=on} says so in one warning and the frames go through userspace, as QEMU does, and
     * {@code vhostforce=on} makes that an error.
     */
    private boolean vhostWanted(String type, BackendOptions options) throws DeviceException {
        boolean force = options.flag("vhostforce", false);
        if (!options.flag("vhost", force)) {
            return false;
        }
        VhostNetOpener opener = vhostNet;
        String why = opener == null ? "modvm's vhost-net bundle (io.modvm.net.vhost) is not running"
                : opener.unavailableReason();
        if (why == null) {
            return true;
        }
        if (force) {
            throw new DeviceException(type + ": vhostforce=on but vhost-net cannot be used: " + why
                    + "; use vhost=on without vhostforce, or vhost=off");
        }
        LOG.warn("{}: vhost=on but vhost-net cannot be used: {}; the userspace datapath moves this tap's frames",
                type, why);
        return false;
    }

    private static List<Integer> descriptors(String type, BackendOptions options) throws DeviceException {
        List<Integer> fds = new ArrayList<>();
        String text = options.has("fds") ? options.get("fds") : options.get("fd");
        if (text == null) {
            return fds;
        }
        if (options.has("fd") && options.has("fds")) {
            throw new DeviceException(type + ": give fd= or fds=, not both");
        }
        if (options.has("ifname") || options.has("queues")) {
            throw new DeviceException(type + ": fd=/fds= name taps that are open already; leave ifname= and "
                    + "queues= out");
        }
        for (String part : text.split(":")) {
            try {
                fds.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                throw new DeviceException(type + ": '" + part + "' is not a file descriptor number");
            }
        }
        return fds;
    }

    /** The script {@code option} names: QEMU's default unless {@code no}; null for none. */
    private static Path script(BackendOptions options, String option, Path otherwise) {
        String text = options.get(option);
        if (text == null) {
            return otherwise;
        }
        return text.isEmpty() || text.equals("no") ? null : Path.of(text);
    }
}
