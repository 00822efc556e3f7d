package io.modvm.devices.emulated.serial;

import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import java.util.List;

/**
 * Where an {@code isa-serial} sits and what it talks to.
 *
 * @param iobase first of its eight ports
 * @param irq ISA interrupt line
 * @param chardev character backend spec, as {@code -serial}/{@code -chardev} give it
 */
record SerialConfig(int iobase, int irq, String chardev) {
    static final String TYPE = "isa-serial";

    /** COM1..COM4 as a PC BIOS assigns them; {@code index} picks one, as in QEMU. */
    private static final List<Integer> PC_PORTS = List.of(0x3f8, 0x2f8, 0x3e8, 0x2e8);
    private static final List<Integer> PC_IRQS = List.of(4, 3, 4, 3);
    private static final int LAST_BASE = 0x10000 - Uart16550.PORT_COUNT;
    /** iobase and irq default to COM1's, as index does; with index, to that port's. */
    static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.string("chardev", "ID of a chardev to use as a backend").withDefault("null"),
            DeviceProperty.integer("index", "which PC serial port: 0 for COM1 to 3 for COM4")
                    .range(0, PC_PORTS.size() - 1).withDefault(0),
            DeviceProperty.integer("iobase", "first of its eight ports; by default the port of COM<index+1>")
                    .range(0, LAST_BASE).hex().withDefault(PC_PORTS.get(0)),
            DeviceProperty.integer("irq", "ISA interrupt line; by default that of COM<index+1>").range(0, 15)
                    .withDefault(PC_IRQS.get(0)));

    static SerialConfig parse(DeviceProperties properties) {
        int index = (int) properties.integer("index");
        int iobase = properties.isSet("iobase") ? (int) properties.integer("iobase") : PC_PORTS.get(index);
        int irq = properties.isSet("irq") ? (int) properties.integer("irq") : PC_IRQS.get(index);
        return new SerialConfig(iobase, irq, properties.string("chardev"));
    }
}
