package com.example.modvm.hello;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes {@code -device hello-pci[,scratch=N]}: one PCI function whose BAR 0 holds the registers of {@link HelloPci}.
 * Its one property is declared, so modvm checks it, lists it ({@code -device hello-pci,help}) and hands it over
 * typed.
 */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + HelloPciFactory.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class HelloPciFactory implements DeviceFactory {
    static final String TYPE = "hello-pci";
    /** Red Hat's PCI vendor ID, which QEMU uses for its own devices, with a device ID QEMU does not use. */
    static final int VENDOR_ID = 0x1b36;
    static final int DEVICE_ID = 0x7e57;
    /** Class 0xff: a device that fits no defined class, so no guest driver claims it. */
    private static final int CLASS_CODE = 0xff0000;
    private static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.integer("scratch", "the scratch register's value at power-on and reset")
                    .range(0, 0xffff_ffffL).withDefault(0));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "example PCI device: BAR 0 holds a read-only ID register and a 32-bit scratch register";
    }

    @Override
    public List<DeviceProperty> properties() {
        return PROPERTIES;
    }

    /** For callers that did not check the values, such as a unit test: checks them as modvm does. */
    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return create(context, DeviceProperties.parse(TYPE, PROPERTIES, properties));
    }

    /** modvm calls this one, with the values already checked against {@link #properties()}. */
    @Override
    public Device create(DeviceContext context, DeviceProperties properties) throws DeviceException {
        HelloPci device = new HelloPci(context.deviceId(), (int) properties.integer("scratch"));
        PciBar bar0 = new PciBar(0, 4096, false, device);
        context.plugPci(new PciFunctionSpec(VENDOR_ID, DEVICE_ID, 1, CLASS_CODE, VENDOR_ID, DEVICE_ID,
                List.of(bar0), List.of(), 0, 0, 0, null));
        return device;
    }
}
