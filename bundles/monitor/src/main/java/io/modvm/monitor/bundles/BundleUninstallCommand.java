package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Component;

/**
 * {@code __io.modvm_bundle-uninstall} (HMP {@code bundle_uninstall NAME}): finds a bundle as {@link BundleNames}
 * does and uninstalls it (stopping it first, as {@code bundle_stop} does), as Gogo's {@code uninstall} does.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=" + BundleUninstallCommand.NAME)
public final class BundleUninstallCommand extends BundleCommand {
    static final String NAME = "__io.modvm_bundle-uninstall";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "uninstall a bundle (by symbolic name, jar file name or id)";
    }

    @Override
    public String hmpName() {
        return "bundle_uninstall";
    }

    @Override
    String verb() {
        return "uninstall";
    }

    @Override
    void act(Bundle bundle, Map<String, Object> arguments) throws BundleException, MonitorException {
        BundleGuard.refuseEssential(bundle, context().getBundle(), verb());
        bundle.uninstall();
    }
}
