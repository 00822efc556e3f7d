package io.modvm.core.testing;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceFactory;
import java.util.Map;

/** A factory that has a type and builds nothing: for tests of what catalogs and listings do with factories. */
public final class TypeOnlyFactory implements DeviceFactory {
    private final String type;

    public TypeOnlyFactory(String type) {
        this.type = type;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String description() {
        return type;
    }

    @Override
    public Device create(DeviceContext context, Map<String, String> properties) {
        throw new UnsupportedOperationException();
    }
}
