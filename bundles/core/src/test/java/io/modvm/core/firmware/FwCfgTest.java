package io.modvm.core.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.device.BusHandler;
import io.modvm.core.memory.HeapRam;
import io.modvm.core.memory.E820Entry;
import io.modvm.core.memory.MemoryLayout;
import io.modvm.core.memory.RamGuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FwCfgTest {
    private static final int RAM = 1 << 20;
    private final RamGuestMemory memory = new RamGuestMemory.Builder().add(0, new HeapRam(RAM), 0, RAM).build();
    private final FwCfg fwCfg = new FwCfg(new FwCfgItems().put(FwCfgItems.NB_CPUS, FwCfgItems.le16(2))
            .file("etc/zeta", new byte[] {9}).file("etc/alpha", "hello".getBytes(StandardCharsets.US_ASCII)),
            () -> memory);
    private final BusHandler ports = fwCfg.ports();
    private final BusHandler dma = fwCfg.dma();

    private byte[] readItem(int selector, int length) {
        ports.write(0, 2, selector);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) ports.read(1, 1);
        }
        return out;
    }

    @Test
    void signatureIdAndItemsThroughTheDataPort() {
        assertEquals("QEMU", new String(readItem(FwCfgItems.SIGNATURE, 4), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {3, 0, 0, 0}, readItem(FwCfgItems.ID, 4), "traditional and DMA");
        assertArrayEquals(new byte[] {2, 0, 0}, readItem(FwCfgItems.NB_CPUS, 3), "past the end reads zeros");
        assertArrayEquals(new byte[] {0, 0}, readItem(0x1234, 2), "an unknown item reads zeros");
    }

    @Test
    void fileDirectoryIsSortedByNameWithSelectorsFrom0x20() {
        ByteBuffer dir = ByteBuffer.wrap(readItem(FwCfgItems.FILE_DIR, 4 + 2 * 64)).order(ByteOrder.BIG_ENDIAN);
        assertEquals(2, dir.getInt(0));
        assertEquals(5, dir.getInt(4));
        assertEquals(0x20, dir.getShort(8));
        assertEquals("etc/alpha", new String(dir.array(), 12, 9, StandardCharsets.US_ASCII));
        assertEquals(1, dir.getInt(4 + 64));
        assertEquals(0x21, dir.getShort(4 + 64 + 4));
        assertEquals("hello", new String(readItem(0x20, 5), StandardCharsets.US_ASCII));
    }

    @Test
    void dmaSelectsAndReadsIntoGuestMemoryAndClearsControl() {
        long descriptor = 0x1000;
        long target = 0x2000;
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        d.putInt(0x20 << 16 | FwCfg.CTL_SELECT | FwCfg.CTL_READ).putInt(7).putLong(target);
        memory.write(descriptor, d.array(), 0, 16);
        dma.write(0, 4, 0);
        dma.write(4, 4, Integer.reverseBytes((int) descriptor) & 0xFFFFFFFFL);
        byte[] got = new byte[7];
        memory.read(target, got, 0, 7);
        assertArrayEquals(new byte[] {'h', 'e', 'l', 'l', 'o', 0, 0}, got);
        assertEquals(0, memory.readInt(descriptor), "control cleared: done, no error");
    }

    @Test
    void dmaWriteIsRefusedWithTheErrorBit() {
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        d.putInt(0x20 << 16 | FwCfg.CTL_SELECT | FwCfg.CTL_WRITE).putInt(1).putLong(0x2000);
        memory.write(0x1000, d.array(), 0, 16);
        dma.write(0, 8, Long.reverseBytes(0x1000));
        assertEquals(Integer.reverseBytes(FwCfg.CTL_ERROR), memory.readInt(0x1000));
        assertEquals("hello", new String(readItem(0x20, 5), StandardCharsets.US_ASCII), "item unchanged");
    }

    @Test
    void dmaSignatureReadsAsQemuCfg() {
        assertEquals(FwCfg.DMA_SIGNATURE, Long.reverseBytes(dma.read(0, 8)));
    }

    @Test
    void acpiTablesAreHandedOverWithRelocationsAndChecksums() {
        long rsdp = io.modvm.core.acpi.FirmwareTables.write(memory, 2, true);
        java.util.Map<String, byte[]> files = AcpiHandover.read(memory, rsdp);
        byte[] tables = files.get(AcpiHandover.TABLES);
        byte[] loader = files.get(AcpiHandover.LOADER);
        assertEquals(0, loader.length % AcpiHandover.ENTRY_SIZE);
        String all = new String(tables, StandardCharsets.US_ASCII);
        for (String signature : List.of("FACS", "DSDT", "FACP", "APIC", "XSDT")) {
            assertEquals(true, all.contains(signature), signature);
        }
        ByteBuffer r = ByteBuffer.wrap(files.get(AcpiHandover.RSDP)).order(ByteOrder.LITTLE_ENDIAN);
        int xsdt = (int) r.getLong(24);
        assertEquals("XSDT", all.substring(xsdt, xsdt + 4), "the RSDP points to the XSDT by offset");
        ByteBuffer t = ByteBuffer.wrap(tables).order(ByteOrder.LITTLE_ENDIAN);
        int fadt = (int) t.getLong(xsdt + 36);
        assertEquals("FACP", all.substring(fadt, fadt + 4));
        int dsdt = t.getInt(fadt + 40);
        assertEquals("DSDT", all.substring(dsdt, dsdt + 4));
        assertEquals(dsdt, (int) t.getLong(fadt + 140), "X_DSDT relocated too");
        assertEquals("FACS", all.substring(t.getInt(fadt + 36), t.getInt(fadt + 36) + 4));
        ByteBuffer first = ByteBuffer.wrap(loader).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(AcpiHandover.CMD_ALLOCATE, first.getInt(0));
        assertEquals(AcpiHandover.RSDP, new String(loader, 4, AcpiHandover.RSDP.length(), StandardCharsets.US_ASCII));
        assertEquals(AcpiHandover.ZONE_FSEG, loader[4 + 56 + 4]);
    }

    @Test
    void e820ItemIsQemusLayout() {
        List<E820Entry> ram = new MemoryLayout(256L << 20).ramRanges();
        assertEquals(List.of(new E820Entry(0, 256L << 20, E820Entry.RAM)), ram);
        ByteBuffer b = ByteBuffer.wrap(FirmwareLoader.e820(ram)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(20, b.capacity());
        assertEquals(256L << 20, b.getLong(8));
        assertEquals(1, b.getInt(16));
    }
}
