package io.modvm.core.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.core.memory.E820Entry;
import io.modvm.core.memory.HeapRam;
import io.modvm.core.memory.MemoryLayout;
import io.modvm.core.memory.RamGuestMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PvhLoaderTest {
    private static final int RAM = 4 << 20;
    private final HeapRam ram = new HeapRam(RAM);
    private final RamGuestMemory memory = new RamGuestMemory.Builder().add(0, ram, 0, RAM).build();
    private final MemoryLayout layout = new MemoryLayout(RAM);
    private final byte[] code = {(byte) 0xF4, 1, 2, 3, 4, 5, 6, 7};

    @TempDir
    Path dir;

    private PvhLoader loader(ByteBuffer elf, String cmdline, ByteBuffer initrd) throws BootException {
        return new PvhLoader(ElfImage.parse(elf, "k"), elf, "k", cmdline, initrd);
    }

    @Test
    void loadsSegmentsZeroesBssAndFillsStartInfo() throws BootException {
        memory.fill(0x100000, 0x3000, (byte) 0x5A);
        ByteBuffer elf = TestElf.build(0x100000, code, 0x2000, 0x100004L);
        BootState state = loader(elf, "console=ttyS0 count=5", null).load(memory, layout, 0);

        assertEquals(CpuMode.PROTECTED, state.mode());
        assertEquals(0x100004, state.entry());
        assertEquals(BootLayout.START_INFO, state.rbx());
        assertEquals(BootLayout.GDT, state.gdtBase());
        assertEquals(0x00CF9A000000FFFFL, memory.readLong(BootLayout.GDT + BootState.CODE_SELECTOR));
        assertEquals(0x00CF92000000FFFFL, memory.readLong(BootLayout.GDT + BootState.DATA_SELECTOR));
        assertEquals((byte) 0xF4, memory.readByte(0x100000));
        assertEquals(7, memory.readByte(0x100007));
        assertEquals(0, memory.readLong(0x101FF8), "bss is zeroed");
        assertEquals(0x5A, memory.readByte(0x102000), "nothing past memsz is touched");

        long si = BootLayout.START_INFO;
        assertEquals(PvhLoader.START_INFO_MAGIC, memory.readInt(si));
        assertEquals(1, memory.readInt(si + 4), "version 1 carries the memory map");
        assertEquals(0, memory.readInt(si + 12), "no modules without an initrd");
        long cmdline = memory.readLong(si + 24);
        byte[] text = new byte[21];
        memory.read(cmdline, text, 0, text.length);
        assertEquals("console=ttyS0 count=5", new String(text, StandardCharsets.US_ASCII));
        assertEquals(0, memory.readByte(cmdline + 21));

        List<E820Entry> e820 = layout.e820();
        assertEquals(e820.size(), memory.readInt(si + 48));
        long map = memory.readLong(si + 40);
        for (int i = 0; i < e820.size(); i++) {
            assertEquals(e820.get(i).address(), memory.readLong(map + 24L * i));
            assertEquals(e820.get(i).size(), memory.readLong(map + 24L * i + 8));
            assertEquals(e820.get(i).type(), memory.readInt(map + 24L * i + 16));
        }
    }

    @Test
    void aKernelIsLinuxWhenItCarriesANoteOwnedByLinux() throws BootException {
        assertTrue(loader(TestElf.buildLinux(0x100000, code, 8, 0x100000L), "", null).bootsLinux(),
                "a vmlinux has notes owned by Linux");
        assertEquals(0x100000, loader(TestElf.buildLinux(0x100000, code, 8, 0x100000L), "", null)
                .load(memory, layout, 0).entry(), "the PVH note is still found beside a Linux note");
        assertFalse(loader(TestElf.build(0x100000, code, 8, 0x100000L), "", null).bootsLinux(),
                "a PVH kernel with no Linux note, such as a tiny test guest, is not Linux");
    }

    @Test
    void initrdGoesPageAlignedToTheTopOfLowRamAsModuleZero() throws BootException {
        ByteBuffer initrd = ByteBuffer.wrap(new byte[10000]);
        initrd.put(0, (byte) 0x42);
        loader(TestElf.build(0x100000, code, code.length, 0x100000L), "", initrd).load(memory, layout, 0);
        long si = BootLayout.START_INFO;
        assertEquals(1, memory.readInt(si + 12));
        long modlist = memory.readLong(si + 16);
        long address = memory.readLong(modlist);
        assertEquals(10000, memory.readLong(modlist + 8));
        assertEquals(0, address & 0xFFF);
        assertTrue(address + 10000 <= RAM && address + 10000 > RAM - 0x1000 - 10000);
        assertEquals(0x42, memory.readByte(address));
    }

    @Test
    void imagesThatCannotBootAreRefusedWithTheReason() throws IOException, BootException {
        BootException noNote = assertThrows(BootException.class,
                () -> loader(TestElf.build(0x100000, code, 8, null), "", null).load(memory, layout, 0));
        assertTrue(noNote.getMessage().contains("PVH"), noNote.getMessage());

        BootException tooBig = assertThrows(BootException.class,
                () -> loader(TestElf.build(0x100000, code, 8L << 20, 0x100000L), "", null).load(memory, layout, 0));
        assertTrue(tooBig.getMessage().contains("use a larger -m"), tooBig.getMessage());

        BootException overlap = assertThrows(BootException.class,
                () -> loader(TestElf.build(0x6000, code, 8, 0x6000L), "", null).load(memory, layout, 0));
        assertTrue(overlap.getMessage().contains("boot data"), overlap.getMessage());

        ByteBuffer truncated = TestElf.build(0x100000, code, 8, 0x100000L);
        truncated.putLong(64 + 32, 1 << 20);
        BootException outside = assertThrows(BootException.class, () -> ElfImage.parse(truncated, "k"));
        assertTrue(outside.getMessage().contains("outside the file"), outside.getMessage());

        ByteBuffer elf32 = TestElf.build(0x100000, code, 8, 0x100000L);
        elf32.put(4, (byte) 1);
        assertThrows(BootException.class, () -> ElfImage.parse(elf32, "k"));

        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        BootException notKernel = assertThrows(BootException.class,
                () -> KernelImages.loaderFor(text, "", null));
        assertTrue(notKernel.getMessage().contains("is not a kernel"), notKernel.getMessage());

        byte[] bz = new byte[0x400];
        bz[0x202] = 'H';
        bz[0x203] = 'd';
        bz[0x204] = 'r';
        bz[0x205] = 'S';
        Path bzImage = Files.write(dir.resolve("bzImage"), bz);
        BootException bzErr = assertThrows(BootException.class, () -> KernelImages.loaderFor(bzImage, "", null));
        assertTrue(bzErr.getMessage().contains("bzImage"), bzErr.getMessage());

        BootException missing = assertThrows(BootException.class,
                () -> KernelImages.loaderFor(dir.resolve("nope"), "", null));
        assertEquals("kernel '" + dir.resolve("nope") + "' does not exist; check the path, or leave -kernel out to "
                + "boot the default guest", missing.getMessage());

        BootException directory = assertThrows(BootException.class, () -> KernelImages.loaderFor(dir, "", null));
        assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());

        Path fromFile = Files.write(dir.resolve("vmlinux"), TestElf.build(0x100000, code, 8, 0x100000L).array());
        assertEquals(0x100000, KernelImages.loaderFor(fromFile, "", null).load(memory, layout, 0).entry(),
                "a kernel read from a file (big-endian buffer) parses the same");

        BootException longCmdline = assertThrows(BootException.class,
                () -> loader(TestElf.build(0x100000, code, 8, 0x100000L), "x".repeat(70000), null)
                        .load(memory, layout, 0));
        assertTrue(longCmdline.getMessage().contains("command line"), longCmdline.getMessage());
    }
}
