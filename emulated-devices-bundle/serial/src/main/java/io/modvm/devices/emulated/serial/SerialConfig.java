package io.modvm.devices.emulated.serial;

import io.modvm.api.device.DeviceException;
import io.modvm.devices.emulated.support.DeviceProperties;
import java.util.List;
import java.util.Map;

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

    static SerialConfig parse(Map<String, String> properties) throws DeviceException {
        DeviceProperties props = DeviceProperties.of(TYPE, properties, "chardev", "index", "iobase", "irq");
        int index = (int) props.number("index", 0, 0, PC_PORTS.size() - 1, false);
        int iobase = (int) props.number("iobase", PC_PORTS.get(index), 0, LAST_BASE, true);
        int irq = (int) props.number("irq", PC_IRQS.get(index), 0, 15, false);
        return new SerialConfig(iobase, irq, props.text("chardev", "null"));
    }
}
