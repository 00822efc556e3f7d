package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciConfigRegisters;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A function's own configuration registers after its capabilities: served by the device, guarded as its writer is. */
class PciConfigRegistersTest {
    private final PciRootBus bus = new PciRootBus(new PciRootBusTest.RecordingHost(),
            new PciRootBusTest.RecordingIntx(), 0xC000_0000L, 0xFEC0_0000L);
    private final List<String> writes = new ArrayList<>();
    private boolean broken;
    private final PciConfigRegisters registers = new PciConfigRegisters() {
        @Override
        public int read(int offset) {
            if (broken) {
                throw new IllegalStateException("device bug");
            }
            return 0x1000_0000 | offset;
        }

        @Override
        public void write(int offset, int size, int value) {
            writes.add(Integer.toHexString(offset) + "/" + size + "=" + Integer.toHexString(value));
        }
    };

    private int config(int slot, int reg) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | (reg & 0xFC));
        return (int) bus.dataPort().read(reg & 3, 4);
    }

    private void setConfig(int slot, int reg, int size, int value) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | (reg & 0xFC));
        bus.dataPort().write(reg & 3, size, value);
    }

    private PciFunctionSpec spec(List<PciCapability> capabilities, PciConfigRegisters r) {
        return new PciFunctionSpec(0x8086, 0x7010, 0, 0x010180, 0, 0, List.of(), capabilities, 0, 0, 0, null,
                PciFunctionSpec.NO_INTERRUPT_PIN, r);
    }

    @Test
    void theDeviceServesEverythingFrom0x40WithoutCapabilities() throws DeviceException {
        int slot = bus.plug("ide", spec(List.of(), registers)).slot();
        assertEquals(0x1000_0040, config(slot, 0x40));
        assertEquals(0x1000_00FC, config(slot, 0xFC));
        assertEquals(0, config(slot, 0x34), "no capability list");
        setConfig(slot, 0x41, 1, 0x80);
        assertEquals(List.of("41/1=80"), writes);
    }

    @Test
    void capabilitiesComeFirstAndTheRegistersFollowThem() throws DeviceException {
        int slot = bus.plug("dev", spec(List.of(new PciCapability(PciCapability.VENDOR_SPECIFIC, new byte[] {6, 1, 2,
            3})), registers)).slot();
        assertEquals(PciCapability.VENDOR_SPECIFIC | 6 << 16 | 1 << 24, config(slot, 0x40), "the capability");
        assertEquals(0x1000_0048, config(slot, 0x48), "the device's registers after it");
    }

    @Test
    void withoutRegistersTheAreaReadsZeroAsBefore() throws DeviceException {
        int slot = bus.plug("plain", spec(List.of(), null)).slot();
        setConfig(slot, 0x40, 4, 0x1234);
        assertEquals(0, config(slot, 0x40));
    }

    @Test
    void aThrowingDeviceIsFencedAndReadsAllOnes() throws DeviceException {
        int slot = bus.plug("bad", spec(List.of(), registers)).slot();
        broken = true;
        assertEquals(-1, config(slot, 0x40));
        broken = false;
        assertEquals(-1, config(slot, 0x44), "fenced: the device is not asked again");
        setConfig(slot, 0x44, 4, 1);
        assertEquals(List.of(), writes);
        assertEquals(0x7010_8086, config(slot, 0), "the header still answers");
    }
}
