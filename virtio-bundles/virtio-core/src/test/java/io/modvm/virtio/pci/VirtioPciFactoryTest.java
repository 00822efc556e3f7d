package io.modvm.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.testing.StubDeviceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every virtio factory shares: the device is plugged new or restored, and closed if that fails. */
class VirtioPciFactoryTest {
    private static final long RAM = 1 << 20;

    private final HeapGuestMemory memory = new HeapGuestMemory().add(0, (int) RAM);
    private final StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci();
    private final List<String> events = new ArrayList<>();

    private final class ClosingDevice extends VirtioPciTransportTest.FakeDevice {
        @Override
        public void close() {
            events.add("closed");
        }
    }

    private class Factory extends VirtioPciFactory<ClosingDevice> {
        @Override
        public String type() {
            return "virtio-test-pci";
        }

        @Override
        public String description() {
            return "a test device";
        }

        @Override
        protected ClosingDevice newDevice(DeviceContext c, Map<String, String> properties) {
            events.add("built " + properties);
            return new ClosingDevice();
        }

        @Override
        protected void plugged(DeviceContext c, ClosingDevice device) {
            events.add("plugged");
        }
    }

    @Test
    void createBuildsAndPlugsTheDeviceThroughTheTransport() throws Exception {
        Device device = new Factory().create(context, Map.of("a", "1"));
        assertNotNull(context.pciSpec(), "a PCI function was plugged");
        assertEquals(VirtioPciTransport.VENDOR, context.pciSpec().vendorId());
        assertEquals(List.of("built {a=1}", "plugged"), events);
        device.close();
        assertEquals(List.of("built {a=1}", "plugged", "closed"), events);
    }

    @Test
    void aStateTheTransportRefusesClosesTheDevice() {
        StateRecord notPci = StateRecord.builder("virtio-mmio", 1).build();
        DeviceException e = assertThrows(DeviceException.class,
                () -> new Factory().restore(context, Map.of(), notPci));
        assertTrue(e.getMessage().contains("virtio-mmio"), e.getMessage());
        assertEquals(List.of("built {}", "closed"), events);
    }

    @Test
    void aFailedPlugClosesTheDevice() {
        Factory failing = new Factory() {
            @Override
            protected Device plugNew(DeviceContext c, ClosingDevice device) throws DeviceException {
                throw new DeviceException("no slot left");
            }
        };
        assertThrows(DeviceException.class, () -> failing.create(context, Map.of()));
        assertEquals(List.of("built {}", "closed"), events);
    }
}
