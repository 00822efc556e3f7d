package io.modvm.core.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.core.memory.E820Entry;
import io.modvm.core.memory.HeapRam;
import io.modvm.core.memory.MemoryLayout;
import io.modvm.core.memory.RamGuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BzImageLoaderTest {
    private static final int RAM = 64 << 20;
    private final HeapRam ram = new HeapRam(RAM);
    private final RamGuestMemory memory = new RamGuestMemory.Builder().add(0, ram, 0, RAM).build();
    private final MemoryLayout layout = new MemoryLayout(RAM);

    /** A bzImage with 4 setup sectors, protocol 2.15, a 64-bit entry and a 64 KiB payload. */
    static ByteBuffer image(int version, int xloadflags, long prefAddress, long initSize) {
        int setupSects = 4;
        int payload = 0x10000;
        ByteBuffer b = ByteBuffer.allocate((setupSects + 1) * 512 + payload).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSects);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x201, (byte) 0x6A);
        b.put(0x202, (byte) 'H').put(0x203, (byte) 'd').put(0x204, (byte) 'r').put(0x205, (byte) 'S');
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) 1);
        b.putInt(0x22C, 0x7FFFFFFF);
        b.putInt(0x230, 0x200000);
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, 2047);
        b.putLong(0x258, prefAddress);
        b.putInt(0x260, (int) initSize);
        b.put((setupSects + 1) * 512, (byte) 0xE9);
        b.put((setupSects + 1) * 512 + payload - 1, (byte) 0x77);
        return b;
    }

    private static ByteBuffer standard() {
        return image(0x020F, 1, 0x1000000, 0x200000);
    }

    @Test
    void aBzImageIsLinux() throws BootException {
        assertTrue(new BzImageLoader(standard(), "k", "", null).bootsLinux(), "the boot protocol is Linux's own");
    }

    @Test
    void fillsTheZeroPageAndEntersLongModeAt0x200() throws BootException {
        ByteBuffer initrd = ByteBuffer.wrap(new byte[5000]);
        BootState s = new BzImageLoader(standard(), "k", "console=ttyS0 root=/dev/vda", initrd).load(memory, layout,
                0xF0000);
        assertEquals(CpuMode.LONG, s.mode());
        assertEquals(0x1000000 + 0x200, s.entry());
        assertEquals(BzImageLoader.BOOT_PARAMS, s.rsi());
        assertEquals(IdentityPageTables.PML4, s.pageTableRoot());
        assertEquals((byte) 0xE9, memory.readByte(0x1000000), "the protected-mode kernel starts the load");
        assertEquals(0x77, memory.readByte(0x1000000 + 0x10000 - 1));

        long bp = BzImageLoader.BOOT_PARAMS;
        assertEquals((short) 0xAA55, memory.readShort(bp + 0x1FE), "setup header copied");
        assertEquals(0x020F, memory.readShort(bp + 0x206));
        assertEquals((byte) 0xFF, memory.readByte(bp + BootParams.TYPE_OF_LOADER));
        assertEquals((byte) 0x81, memory.readByte(bp + BootParams.LOADFLAGS), "LOADED_HIGH | CAN_USE_HEAP");
        assertEquals(0xF0000, memory.readLong(bp + BootParams.ACPI_RSDP_ADDR));
        long cmd = memory.readInt(bp + BootParams.CMD_LINE_PTR) & 0xFFFFFFFFL;
        byte[] text = new byte[27];
        memory.read(cmd, text, 0, text.length);
        assertEquals("console=ttyS0 root=/dev/vda", new String(text, StandardCharsets.US_ASCII));

        long rd = memory.readInt(bp + BootParams.RAMDISK_IMAGE) & 0xFFFFFFFFL;
        assertEquals(5000, memory.readInt(bp + BootParams.RAMDISK_SIZE));
        assertEquals(0, rd & 0xFFF);
        assertTrue(rd + 5000 <= RAM && rd >= RAM - 0x3000, "initrd at the top of low RAM");

        List<E820Entry> e820 = layout.e820();
        assertEquals(e820.size(), memory.readByte(bp + BootParams.E820_ENTRIES));
        for (int i = 0; i < e820.size(); i++) {
            long at = bp + BootParams.E820_TABLE + 20L * i;
            assertEquals(e820.get(i).address(), memory.readLong(at));
            assertEquals(e820.get(i).size(), memory.readLong(at + 8));
            assertEquals(e820.get(i).type(), memory.readInt(at + 16));
        }
        assertEquals(0x00AF9A000000FFFFL, memory.readLong(BootLayout.GDT + BootState.CODE_SELECTOR),
                "64-bit code segment at __BOOT_CS");
    }

    @Test
    void aKernelWithoutA64BitEntryEntersAtCode32StartInProtectedMode() throws BootException {
        ByteBuffer i386 = image(0x020F, 0, 0x1000000, 0x200000);
        i386.putInt(0x214, 0x100000);
        ByteBuffer initrd = ByteBuffer.wrap(new byte[5000]);
        BootState s = new BzImageLoader(i386, "k", "console=ttyS0", initrd).load(memory, layout, 0xF0000);
        assertEquals(CpuMode.PROTECTED, s.mode(), "paging off, flat 4 GiB segments");
        assertEquals(0x100000, s.entry(), "the 32-bit entry is the start of the loaded kernel");
        assertEquals(BzImageLoader.BOOT_PARAMS, s.rsi(), "ESI points at boot_params");
        assertEquals(0, s.rbx(), "EBX is zero, as the protocol asks");
        assertEquals((byte) 0xE9, memory.readByte(0x100000), "the protected-mode kernel is loaded at code32_start");
        assertEquals(0x77, memory.readByte(0x100000 + 0x10000 - 1));
        long bp = BzImageLoader.BOOT_PARAMS;
        assertEquals(0x100000, memory.readInt(bp + BootParams.CODE32_START));
        assertEquals((byte) 0x81, memory.readByte(bp + BootParams.LOADFLAGS));
        long cmd = memory.readInt(bp + BootParams.CMD_LINE_PTR) & 0xFFFFFFFFL;
        byte[] text = new byte[13];
        memory.read(cmd, text, 0, text.length);
        assertEquals("console=ttyS0", new String(text, StandardCharsets.US_ASCII));
        long rd = memory.readInt(bp + BootParams.RAMDISK_IMAGE) & 0xFFFFFFFFL;
        assertTrue(rd >= 0x1000000 + 0x200000, "the initrd stays clear of where the kernel decompresses itself");
        assertEquals(0x00CF9A000000FFFFL, memory.readLong(BootLayout.GDT + BootState.CODE_SELECTOR),
                "32-bit code segment at __BOOT_CS");
        assertEquals(0x00CF92000000FFFFL, memory.readLong(BootLayout.GDT + BootState.DATA_SELECTOR),
                "data segment at __BOOT_DS");
    }

    @Test
    void aKernelOlderThanProtocol212TakesThe32BitEntryWhateverTheBytesOfXloadflagsHold() throws BootException {
        ByteBuffer old = image(0x020A, 1, 0x1000000, 0x200000);
        old.putInt(0x214, 0x100000);
        BootState s = new BzImageLoader(old, "k", "", null).load(memory, layout, 0);
        assertEquals(CpuMode.PROTECTED, s.mode(), "before 2.12 the header cannot promise a 64-bit entry");
        assertEquals(0x100000, s.entry());
        assertTrue(assertThrows(BootException.class, () -> new BzImageLoader(old, "k", "", null)
                .load(memory, new MemoryLayout(16 << 20), 0)).getMessage().contains("use a larger -m"),
                "it decompresses to its preferred address, which must be RAM");
    }

    @Test
    void identityMapsTheFirstFourGiB() {
        IdentityPageTables.write(memory);
        long pdpt = memory.readLong(IdentityPageTables.PML4) & ~0xFFFL;
        for (int gib = 0; gib < 4; gib++) {
            long pd = memory.readLong(pdpt + 8L * gib) & ~0xFFFL;
            assertEquals(((long) gib << 30) | 0x83, memory.readLong(pd));
            assertEquals(((long) gib << 30) + (511L << 21) | 0x83, memory.readLong(pd + 511 * 8));
        }
    }

    @Test
    void imagesItCannotBootAreRefused() {
        assertTrue(assertThrows(BootException.class, () -> new BzImageLoader(image(0x0209, 1, 0x1000000, 0), "k",
                "", null)).getMessage().contains("needs 2.10"));
        assertTrue(assertThrows(BootException.class, () -> new BzImageLoader(standard(), "k", "", null)
                .load(memory, new MemoryLayout(16 << 20), 0)).getMessage().contains("use a larger -m"));
        assertTrue(assertThrows(BootException.class, () -> new BzImageLoader(standard(), "k", "x".repeat(3000),
                null).load(memory, layout, 0)).getMessage().contains("at most 2047"));
        ByteBuffer truncated = ByteBuffer.wrap(java.util.Arrays.copyOf(standard().array(), 0x300));
        assertTrue(assertThrows(BootException.class, () -> new BzImageLoader(truncated, "k", "", null))
                .getMessage().contains("truncated"));
    }
}
