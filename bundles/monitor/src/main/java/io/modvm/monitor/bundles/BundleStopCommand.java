package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Component;

/**
 * {@code __io.modvm_bundle-stop} (HMP {@code bundle_stop NAME}): finds a bundle as {@link BundleNames} does and
 * stops it; the devices it built are parked as for an update and leave the guest if no other bundle provides
 * their type in time.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=" + BundleStopCommand.NAME)
public final class BundleStopCommand extends BundleCommand {
    static final String NAME = "__io.modvm_bundle-stop";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "stop a bundle (its devices are parked for a new provider, then unplugged)";
    }

    @Override
    public String hmpName() {
        return "bundle_stop";
    }

    @Override
    String verb() {
        return "stop";
    }

    @Override
    void act(Bundle bundle, Map<String, Object> arguments) throws BundleException, MonitorException {
        BundleGuard.refuseEssential(bundle, context().getBundle(), verb());
        bundle.stop();
    }
}
