package io.modvm.devices.emulated.ide;

import io.modvm.api.device.DeviceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Builds {@code ide-hd}: an ATA disk on the PIIX IDE controller, as QEMU's {@code -hda} gives. */
@Component(service = DeviceFactory.class, property = {DeviceFactory.PROP_TYPE + "=" + IdeHdFactory.TYPE,
    DeviceFactory.PROP_BUS + "=ide"})
public final class IdeHdFactory extends IdeDriveFactory {
    static final String TYPE = "ide-hd";

    @Activate
    public IdeHdFactory(@Reference IdeControllers controllers) {
        super(controllers, false);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "virtual IDE disk on the PIIX IDE controller (properties: drive, bus, unit, serial, model, bootindex)";
    }
}
