package io.modvm.core.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.core.bus.IoBus;
import io.modvm.core.devices.PluggedDevice;
import io.modvm.core.testing.TypeOnlyFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryQtreeCommandTest {
    @Test
    void devicesHangUnderTheirBusesWithTheirAddressesAndBundles() {
        IoBus.Range com1 = new IoBus.Range(0x3f8, 8, "serial0", null, false);
        IoBus.Range hpet = new IoBus.Range(0xfed00000L, 0x400, "timer0", null, false);
        QueryQtreeCommand qtree = new QueryQtreeCommand(() -> List.of(
                new PluggedDevice("serial0", "isa-serial", new TypeOnlyFactory("isa-serial"), false, List.of(),
                        List.of(com1), List.of()),
                new PluggedDevice("rng0", "virtio-rng-pci", new TypeOnlyFactory("virtio-rng-pci"), true, List.of(3),
                        List.of(), List.of()),
                new PluggedDevice("timer0", "timer", new TypeOnlyFactory("timer"), false, List.of(), List.of(),
                        List.of(hpet))));
        assertEquals("""
                bus: main-system-bus\r
                  type System\r
                  dev: timer, id "timer0"\r
                    mmio 00000000fed00000/0000000000000400\r
                    bundle = unknown 0.0.0\r
                  bus: pci.0\r
                    type PCI\r
                    dev: virtio-rng-pci, id "rng0"\r
                      addr = 03.0\r
                      bundle = unknown 0.0.0 (left; parked for a new provider of the type)\r
                  bus: isa.0\r
                    type ISA\r
                    dev: isa-serial, id "serial0"\r
                      ioport 03f8/0008\r
                      bundle = unknown 0.0.0\r
                """, qtree.formatHmp(qtree.execute(Map.of())));
    }
}
