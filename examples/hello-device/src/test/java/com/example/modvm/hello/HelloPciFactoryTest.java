package com.example.modvm.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakePciFunction;
import io.modvm.testkit.device.LifecycleChecker;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** hello-pci against the test kit's fake machine: its PCI function, its registers, and the lifecycle contract. */
class HelloPciFactoryTest {
    private final HelloPciFactory factory = new HelloPciFactory();

    @Test
    void plugsOneFunctionWithItsIdsAndA4KiBBar() throws Exception {
        FakeDeviceContext machine = new FakeDeviceContext("h0");
        Device device = factory.create(machine, Map.of());
        PciFunctionSpec spec = machine.pci().spec();
        assertEquals(HelloPciFactory.VENDOR_ID, spec.vendorId());
        assertEquals(HelloPciFactory.DEVICE_ID, spec.deviceId());
        assertEquals(4096, spec.bars().get(0).size());
        assertEquals("h0", device.id());
        device.close();
    }

    @Test
    void theIdRegisterIsReadOnlyAndTheScratchRegisterKeepsWritesOfEveryWidth() throws Exception {
        FakeDeviceContext machine = new FakeDeviceContext();
        Device device = factory.create(machine, Map.of());
        FakePciFunction f = machine.pci();
        assertEquals(HelloPci.ID, (int) f.barRead(0, 0, 4));
        f.barWrite(0, 0, 4, 0);
        assertEquals(HelloPci.ID, (int) f.barRead(0, 0, 4));
        f.barWrite(0, 4, 4, 0xcafef00dL);
        f.barWrite(0, 5, 1, 0x5a);
        f.barWrite(0, 6, 2, 0x1234);
        assertEquals(0x12345a0d, (int) f.barRead(0, 4, 4));
        device.reset();
        assertEquals(0, f.barRead(0, 4, 4));
        device.close();
    }

    @Test
    void aPropertyIsRefusedInOneLineNamingIt() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> factory.create(new FakeDeviceContext(), Map.of("speed", "9")));
        assertTrue(e.getMessage().contains("speed"), e.getMessage());
    }

    @Test
    void keepsTheLifecycleContract() throws Exception {
        LifecycleChecker.of(factory).badProperties(Map.of("speed", "9")).checkAll();
    }
}
