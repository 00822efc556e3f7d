package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** I/O BARs: allocated from 0xC000, decoded on the port bus while the command register's I/O bit is set. */
class PciIoBarTest {
    /** A {@link PciRootBusTest.RecordingHost} that records port claims too. */
    static final class PortHost extends PciRootBusTest.RecordingHost {
        final Map<String, long[]> ports = new HashMap<>();
        final Map<String, BusHandler> portHandlers = new HashMap<>();

        @Override
        public boolean mapIo(long base, long length, String owner, BusHandler handler) {
            ports.put(owner, new long[] {base, length});
            portHandlers.put(owner, handler);
            return true;
        }

        @Override
        public void unmapIo(String owner) {
            ports.remove(owner);
            portHandlers.remove(owner);
        }
    }

    private final PortHost host = new PortHost();
    private final PciRootBus bus = new PciRootBus(host, new PciRootBusTest.RecordingIntx(), 0xC000_0000L,
            0xFEC0_0000L);
    private final long[] lastWrite = new long[3];
    private final BusHandler ports = new BusHandler() {
        @Override
        public long read(long offset, int size) {
            return 0x40 + offset;
        }

        @Override
        public void write(long offset, int size, long value) {
            lastWrite[0] = offset;
            lastWrite[1] = size;
            lastWrite[2] = value;
        }
    };

    private int config(int slot, int reg) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | (reg & 0xFC));
        return (int) bus.dataPort().read(0, 4);
    }

    private void setConfig(int slot, int reg, int value) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | (reg & 0xFC));
        bus.dataPort().write(0, 4, value);
    }

    private PciFunctionSpec spec() {
        return new PciFunctionSpec(0x1af4, 0x1005, 0, 0x00ff00, 0x1af4, 4,
                List.of(PciBar.ioPorts(0, 64, ports), new PciBar(1, 0x1000, false, ports)), List.of(), 0, 0, 0, null);
    }

    @Test
    void anIoBarGetsPortsFrom0xC000AndIsDecodedOnlyWithIoDecodingOn() throws DeviceException {
        int a = bus.plug("a", spec()).slot();
        int b = bus.plug("b", spec()).slot();
        assertEquals(0xC001, config(a, 0x10), "port 0xC000, bit 0 set: an I/O BAR");
        assertEquals(0xC041, config(b, 0x10), "the next function's ports follow");
        assertEquals(0xC000_0000, config(a, 0x14), "its memory BAR is in the hole as before");

        setConfig(a, 0x04, 2);
        assertNull(host.ports.get("a#bar0"), "memory decoding alone leaves the ports unmapped");
        assertEquals(0xC000_0000L, host.mapped.get("a#bar1")[0]);
        setConfig(a, 0x04, 3);
        assertEquals(0xC000, host.ports.get("a#bar0")[0]);
        assertEquals(64, host.ports.get("a#bar0")[1]);

        host.portHandlers.get("a#bar0").write(0x10, 2, 7);
        assertEquals(0x10, lastWrite[0], "the device sees offsets from the BAR's start");
        assertEquals(0x52, host.portHandlers.get("a#bar0").read(0x12, 1));

        setConfig(a, 0x04, 2);
        assertNull(host.ports.get("a#bar0"), "I/O decoding off unmaps the ports");
    }

    @Test
    void sizingAndMovingAnIoBarKeepToSixteenBitPorts() throws DeviceException {
        int a = bus.plug("a", spec()).slot();
        setConfig(a, 0x04, 1);
        setConfig(a, 0x10, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFC1, config(a, 0x10), "64 ports: the low six address bits read 0, the rest as "
                + "written, so that a BIOS reads the size as QEMU's BARs give it");
        assertNull(host.ports.get("a#bar0"), "an address beyond the 64 KiB port space is not mapped");
        setConfig(a, 0x10, 0xD000);
        setConfig(a, 0x04, 1);
        assertEquals(0xD000, host.ports.get("a#bar0")[0]);
        assertFalse(host.mapped.containsKey("a#bar1"), "memory decoding is still off");
    }

    @Test
    void savedStateKeepsWhereTheGuestPutTheIoBar() throws DeviceException, StateException {
        PciDeviceFunction f = (PciDeviceFunction) bus.plug("a", spec());
        setConfig(f.slot(), 0x10, 0xE000);
        setConfig(f.slot(), 0x04, 1);
        StateRecord saved = f.saveState();
        f.reset();
        assertNull(host.ports.get("a#bar0"));
        f.restoreState(saved);
        assertEquals(0xE000, host.ports.get("a#bar0")[0]);
        assertEquals(0xE001, config(f.slot(), 0x10));
    }

    @Test
    void ioBarSizesAreThoseThePciSpecificationAllows() {
        assertThrows(IllegalArgumentException.class, () -> PciBar.ioPorts(0, 2, ports));
        assertThrows(IllegalArgumentException.class, () -> PciBar.ioPorts(0, 512, ports));
        assertThrows(IllegalArgumentException.class, () -> PciBar.ioPorts(0, 48, ports));
        assertThrows(IllegalArgumentException.class, () -> new PciBar(0, 64, true, ports, true));
        assertTrue(PciBar.ioPorts(5, 256, ports).io());
        assertFalse(new PciBar(0, 4096, false, ports).io(), "the old constructor still makes a memory BAR");
    }
}
