package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Component;

/**
 * {@code __io.modvm_bundle-start} (HMP {@code bundle_start NAME}): finds a bundle as {@link BundleNames} does and
 * starts it; a device bundle's types become available, and devices that waited for them are plugged.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=" + BundleStartCommand.NAME)
public final class BundleStartCommand extends BundleCommand {
    static final String NAME = "__io.modvm_bundle-start";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "start a bundle (by symbolic name, jar file name or id)";
    }

    @Override
    public String hmpName() {
        return "bundle_start";
    }

    @Override
    String verb() {
        return "start";
    }

    @Override
    void act(Bundle bundle, Map<String, Object> arguments) throws BundleException, MonitorException {
        bundle.start();
    }
}
