package io.modvm.core.boot;

import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.memory.E820Entry;
import io.modvm.core.memory.MemoryLayout;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Boots a bzImage through the Linux 64-bit or 32-bit boot protocol; a zero page (boot_params) carries the setup
 * header, e820 map, command line, initrd and RSDP either way. A kernel whose header says it has a 64-bit entry goes
 * to its preferred address, and the boot vCPU enters at load address + 0x200 in long mode, with identity page
 * tables. Any other (an i386 kernel, or a 64-bit one older than protocol 2.12) goes to its code32_start (1 MiB), and
 * the vCPU enters there in 32-bit protected mode with paging and interrupts off. In both, RSI/ESI points at the
 * zero page, and the flat GDT has the protocol's __BOOT_CS (0x10) and __BOOT_DS (0x18).
 */
public final class BzImageLoader implements KernelLoader {
    public static final long BOOT_PARAMS = 0x7000;
    static final int E820_MAX = 128;
    private static final long DEFAULT_LOAD = 0x100_0000L;

    private final ByteBuffer image;
    private final SetupHeader header;
    private final String name;
    private final String cmdline;
    private final ByteBuffer initrd;

    public BzImageLoader(ByteBuffer image, String name, String cmdline, ByteBuffer initrd) throws BootException {
        this.image = image;
        this.header = SetupHeader.parse(image, name);
        this.name = name;
        this.cmdline = cmdline;
        this.initrd = initrd;
    }

    /** The 64-bit boot protocol is Linux's own. */
    @Override
    public boolean bootsLinux() {
        return true;
    }

    @Override
    public BootState load(GuestMemory memory, MemoryLayout layout, long rsdp) throws BootException {
        boolean longMode = header.has64BitEntry();
        long preferred = header.prefAddress() >= MemoryLayout.ONE_MIB ? header.prefAddress() : DEFAULT_LOAD;
        long load = longMode ? preferred
                : header.code32Start() >= MemoryLayout.ONE_MIB ? header.code32Start() : SetupHeader.CODE32_DEFAULT;
        long kernelSize = image.limit() - header.kernelOffset();
        // A 32-bit entry decompresses the kernel to its preferred address: init_size counts from there.
        long footprint = Math.max(load + kernelSize, (longMode ? load : Math.max(load, preferred))
                + header.initSize()) - load;
        if (!layout.isUsableRam(load, footprint)) {
            throw new BootException(String.format("%s needs %d MiB of RAM from 0x%x; use a larger -m", name,
                    (footprint + (1 << 20) - 1) >> 20, load));
        }
        byte[] kernel = new byte[(int) kernelSize];
        image.duplicate().position((int) header.kernelOffset()).get(kernel);
        memory.write(load, kernel, 0, kernel.length);

        byte[] command = BootCommandLine.encode(cmdline);
        long limit = Math.min(header.cmdlineSize(), BootLayout.CMDLINE_MAX - 1);
        if (command.length > limit) {
            throw new BootException("the kernel command line is " + command.length + " bytes; " + name
                    + " takes at most " + limit);
        }
        BootCommandLine.write(memory, command);

        memory.fill(BOOT_PARAMS, 0x1000, (byte) 0);
        byte[] setup = new byte[header.headerEnd() - SetupHeader.OFFSET];
        image.duplicate().position(SetupHeader.OFFSET).get(setup);
        memory.write(BOOT_PARAMS + SetupHeader.OFFSET, setup, 0, setup.length);
        BootParams params = new BootParams(memory, BOOT_PARAMS);
        params.typeOfLoader(0xFF);
        params.loadFlags(header.loadFlags() | BootParams.CAN_USE_HEAP);
        params.cmdline(BootLayout.CMDLINE);
        params.vidMode(0xFFFF);
        params.acpiRsdp(rsdp);
        if (!longMode) {
            params.code32Start(load);
        }
        if (initrd != null) {
            long max = Math.min(header.initrdAddrMax(), 0xFFFF_FFFFL);
            long address = InitrdPlacement.load(memory, layout, initrd, load + footprint, max);
            params.ramdisk(address, initrd.remaining());
        }
        List<E820Entry> e820 = layout.e820();
        if (e820.size() > E820_MAX) {
            throw new BootException("the memory map has more than " + E820_MAX + " entries");
        }
        params.e820(e820);

        if (!longMode) {
            BootGdt.write(memory, CpuMode.PROTECTED);
            return new BootState(CpuMode.PROTECTED, load, BOOT_PARAMS - 0x10, BOOT_PARAMS, 0, 0, BootLayout.GDT,
                    BootLayout.GDT_LIMIT);
        }
        BootGdt.write(memory, CpuMode.LONG);
        long pml4 = IdentityPageTables.write(memory);
        return new BootState(CpuMode.LONG, load + 0x200, BOOT_PARAMS - 0x10, BOOT_PARAMS, 0, pml4,
                BootLayout.GDT, BootLayout.GDT_LIMIT);
    }
}
