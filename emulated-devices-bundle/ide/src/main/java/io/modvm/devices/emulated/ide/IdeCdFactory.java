package io.modvm.devices.emulated.ide;

import io.modvm.api.device.DeviceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Builds {@code ide-cd}: an ATAPI CD/DVD-ROM drive on the PIIX IDE controller, as QEMU's {@code -cdrom} gives. */
@Component(service = DeviceFactory.class, property = {DeviceFactory.PROP_TYPE + "=" + IdeCdFactory.TYPE,
    DeviceFactory.PROP_BUS + "=ide"})
public final class IdeCdFactory extends IdeDriveFactory {
    static final String TYPE = "ide-cd";

    @Activate
    public IdeCdFactory(@Reference IdeControllers controllers) {
        super(controllers, true);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "virtual IDE CD-ROM on the PIIX IDE controller, read-only, 2048-byte sectors (properties: drive, bus, "
                + "unit, serial, model, bootindex)";
    }
}
