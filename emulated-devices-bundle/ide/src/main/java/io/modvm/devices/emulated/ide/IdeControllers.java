package io.modvm.devices.emulated.ide;

import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciFunction;
import org.osgi.service.component.annotations.Component;

/**
 * The machine's PIIX IDE controller, shared by its {@code ide-hd} and {@code ide-cd} drives: made when the first
 * drive is plugged, with that drive's context (the PCI function, the channels' ports and interrupt lines are then
 * held under its id), and dropped when that drive goes. IDE drives are not hot-pluggable, in QEMU either, so the
 * first drive normally lives as long as the machine. One VMM process runs one machine, and the bundle's factories
 * share this one component.
 */
@Component(service = IdeControllers.class)
public final class IdeControllers {
    /** Where a drive went: the controller, the channel and the unit, and whether its device owns the controller. */
    record Placement(PiixIde controller, IdeChannel channel, int unit, boolean owner) {
    }

    private PiixIde controller;
    private String owner;

    /**
     * Plugs {@code drive} where {@code config} asks (or the first free place), making the controller first if there
     * is none.
     *
     * @throws DeviceException if the place is taken, or the controller's function, ports or lines could not be had
     */
    synchronized Placement plug(DeviceContext context, IdeConfig config, IdeDrive drive, String type)
            throws DeviceException {
        boolean made = false;
        if (controller == null) {
            controller = create(context, type);
            owner = context.deviceId();
            made = true;
        }
        int bus = config.bus();
        int unit = config.unit();
        if (bus < 0) {
            bus = 1;
            for (int b = 0; b < 2; b++) {
                IdeChannel c = controller.channel(b);
                if (unit >= 0 ? c.hasFree(unit) : c.hasFree(0) || c.hasFree(1)) {
                    bus = b;
                    break;
                }
            }
        }
        IdeChannel channel = controller.channel(bus);
        if (unit < 0) {
            unit = channel.hasFree(0) ? 0 : 1;
        }
        if (!channel.hasFree(unit)) {
            if (made) {
                controller = null;
                owner = null;
            }
            throw new DeviceException(type + ": ide." + bus + " unit " + unit + " is taken" + (config.bus() < 0
                    ? "; every IDE unit is" : "; give another bus= or unit="));
        }
        channel.plug(unit, drive);
        return new Placement(controller, channel, unit, made);
    }

    private static PiixIde create(DeviceContext context, String type) throws DeviceException {
        PiixIde ide = new PiixIde(context::memory, new Complaints("piix3-ide"));
        PciFunction function = context.plugPci(ide.spec());
        ide.attach(function);
        for (int i = 0; i < 2; i++) {
            IdeChannel c = ide.channel(i);
            context.mapPio(PiixIde.COMMAND_PORTS[i], 8, c.commandBlock);
            context.mapPio(PiixIde.CONTROL_PORTS[i], 1, c.controlBlock);
            c.connect(context.irqLine(PiixIde.IRQS[i]));
        }
        return ide;
    }

    /** The drive's device is gone: its unit is free again, and the controller goes with the device that made it. */
    synchronized void unplug(Placement p, String deviceId) {
        p.channel().unplug(p.unit());
        if (p.controller() == controller && deviceId.equals(owner)) {
            controller = null;
            owner = null;
        }
    }
}
