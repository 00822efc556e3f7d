package io.modvm.core.boot;

import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.memory.E820Entry;
import io.modvm.core.memory.MemoryLayout;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Boots an ELF kernel through its PVH entry: the segments go to their physical addresses, an hvm_start_info
 * block (version 1, with the e820 map, command line and initrd as module 0) goes to
 * {@link BootLayout#START_INFO}, and the boot vCPU enters in 32-bit protected mode with EBX pointing at it.
 */
public final class PvhLoader implements KernelLoader {
    static final int START_INFO_MAGIC = 0x336EC578;

    private final ElfImage elf;
    private final ByteBuffer file;
    private final String name;
    private final String cmdline;
    private final ByteBuffer initrd;

    public PvhLoader(ElfImage elf, ByteBuffer file, String name, String cmdline, ByteBuffer initrd) {
        this.elf = elf;
        this.file = file;
        this.name = name;
        this.cmdline = cmdline;
        this.initrd = initrd;
    }

    @Override
    public boolean bootsLinux() {
        return elf.isLinux();
    }

    @Override
    public BootState load(GuestMemory memory, MemoryLayout layout, long rsdp) throws BootException {
        long entry = elf.pvhEntry().orElseThrow(() -> new BootException(name
                + " is an ELF file without a PVH entry note (Xen ELF note 18); build Linux with CONFIG_PVH=y"));
        long kernelEnd = 0;
        for (ElfImage.Segment s : elf.segments()) {
            checkPlacement(layout, s);
            byte[] bytes = new byte[(int) s.fileSize()];
            file.get((int) s.offset(), bytes);
            memory.write(s.physicalAddress(), bytes, 0, bytes.length);
            memory.fill(s.physicalAddress() + s.fileSize(), s.memorySize() - s.fileSize(), (byte) 0);
            kernelEnd = Math.max(kernelEnd, s.physicalAddress() + s.memorySize());
        }
        BootGdt.write(memory, CpuMode.PROTECTED);
        byte[] command = BootCommandLine.encode(cmdline);
        if (command.length >= BootLayout.CMDLINE_MAX) {
            throw new BootException("the kernel command line is " + command.length + " bytes; the limit is "
                    + (BootLayout.CMDLINE_MAX - 1));
        }
        BootCommandLine.write(memory, command);

        List<E820Entry> e820 = layout.e820();
        for (int i = 0; i < e820.size(); i++) {
            long at = BootLayout.MEMMAP + 24L * i;
            memory.writeLong(at, e820.get(i).address());
            memory.writeLong(at + 8, e820.get(i).size());
            memory.writeInt(at + 16, e820.get(i).type());
            memory.writeInt(at + 20, 0);
        }
        int modules = 0;
        if (initrd != null) {
            long address = InitrdPlacement.load(memory, layout, initrd, kernelEnd, 0xFFFF_FFFFL);
            memory.writeLong(BootLayout.MODLIST, address);
            memory.writeLong(BootLayout.MODLIST + 8, initrd.remaining());
            memory.writeLong(BootLayout.MODLIST + 16, 0);
            memory.writeLong(BootLayout.MODLIST + 24, 0);
            modules = 1;
        }
        long si = BootLayout.START_INFO;
        memory.fill(si, 0x40, (byte) 0);
        memory.writeInt(si, START_INFO_MAGIC);
        memory.writeInt(si + 4, 1);
        memory.writeInt(si + 8, 0);
        memory.writeInt(si + 12, modules);
        memory.writeLong(si + 16, modules > 0 ? BootLayout.MODLIST : 0);
        memory.writeLong(si + 24, BootLayout.CMDLINE);
        memory.writeLong(si + 32, rsdp);
        memory.writeLong(si + 40, BootLayout.MEMMAP);
        memory.writeInt(si + 48, e820.size());
        return new BootState(CpuMode.PROTECTED, entry, 0, 0, si, 0, BootLayout.GDT, BootLayout.GDT_LIMIT);
    }

    private void checkPlacement(MemoryLayout layout, ElfImage.Segment s) throws BootException {
        if (!layout.isUsableRam(s.physicalAddress(), s.memorySize())) {
            throw new BootException(String.format("%s: segment at 0x%x of %d KiB does not fit in guest RAM of "
                    + "%d MiB; use a larger -m", name, s.physicalAddress(), s.memorySize() >> 10,
                    layout.ramSize() >> 20));
        }
        for (long[] reserved : BootLayout.RESERVED) {
            if (s.physicalAddress() < reserved[1] && s.physicalAddress() + s.memorySize() > reserved[0]) {
                throw new BootException(String.format("%s: segment at 0x%x overlaps the boot data at 0x%x-0x%x",
                        name, s.physicalAddress(), reserved[0], reserved[1] - 1));
            }
        }
    }
}
