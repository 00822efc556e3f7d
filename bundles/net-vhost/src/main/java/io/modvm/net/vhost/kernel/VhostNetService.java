package io.modvm.net.vhost.kernel;

import io.modvm.net.vhost.VhostNet;
import io.modvm.net.vhost.VhostNetOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** The {@link VhostNetOpener} service on the host's {@code /dev/vhost-net}. */
@Component(service = VhostNetOpener.class)
public final class VhostNetService implements VhostNetOpener {
    @Override
    public String unavailableReason() {
        return Files.exists(Path.of(KernelVhost.DEVICE)) ? null
                : KernelVhost.DEVICE + " does not exist (no vhost_net module on this host)";
    }

    @Override
    public VhostNet open(String owner, List<Integer> tapFds, boolean vnetHeader) throws IOException {
        List<KernelVhost> opened = new ArrayList<>();
        try {
            long features = -1;
            for (int i = 0; i < tapFds.size(); i++) {
                KernelVhost k = KernelVhost.open(owner);
                opened.add(k);
                features &= k.features();
            }
            return new VhostNetOffload(owner, opened, tapFds, features, vnetHeader);
        } catch (IOException | RuntimeException e) {
            opened.forEach(KernelVhost::close);
            throw e;
        }
    }
}
