package io.modvm.core.firmware;

import io.modvm.api.accel.BootState;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.boot.BootException;
import io.modvm.core.boot.FirmwareHost;
import io.modvm.core.boot.KernelLoader;
import io.modvm.core.memory.E820Entry;
import io.modvm.core.memory.MemoryLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Starts the guest in a PC BIOS (SeaBIOS) as QEMU's pc does: the image is mapped read-only so that it ends at
 * 4 GiB, its last 128 KiB are also placed below 1 MiB, fw_cfg tells the firmware the machine (memory map, CPUs,
 * boot order, serial console), and the boot vCPU starts from the processor's reset state.
 *
 * <p>Below 1 MiB the image goes into ordinary guest RAM rather than behind a model of the i440FX's PAM registers:
 * under KVM the BIOS area must be RAM anyway once SeaBIOS has shadowed itself (it turns PAM to read-write, copies
 * itself from the high copy, then back to read-only), and what the copy writes is what was there already. The area
 * stays writable after SeaBIOS asks for read-only, a difference no guest relies on; the PAM registers are accepted
 * and read back ({@code io.modvm.core.pci.HostBridge}).
 *
 * <p>Use: {@code new FirmwareLoader(new FirmwareSearch(firmwareDirs).bios(biosOrNull), bootOrder)}; the machine
 * calls {@link #attach} once and {@link #load} on every start. The machine's own ACPI tables (the ones a kernel
 * booted directly gets) reach the firmware through fw_cfg's table loader ({@link AcpiHandover}), so that the OS
 * sees the same machine either way.
 */
public final class FirmwareLoader implements KernelLoader {
    /** The COM1 port SeaBIOS's serial console ({@code etc/sercon-port}) writes to. */
    static final int COM1 = 0x3F8;
    /** How long SeaBIOS waits before it retries when nothing boots (QEMU's {@code -boot reboot-timeout}). */
    static final int BOOT_FAIL_WAIT_MS = 1000;
    private static final long ONE_MIB = 0x10_0000L;

    private final BiosImage bios;
    private final List<String> bootOrder;
    private FwCfg fwCfg;
    private int vcpus;

    /**
     * @param bios the image (see {@link FirmwareSearch#bios})
     * @param bootOrder the firmware's boot order, most preferred first, as Open Firmware device paths as QEMU
     *     writes them to fw_cfg {@code bootorder} (e.g. {@code /pci@i0cf8/scsi@2/disk@0,0}); empty for
     *     SeaBIOS's own order
     */
    public FirmwareLoader(BiosImage bios, List<String> bootOrder) {
        this.bios = bios;
        this.bootOrder = List.copyOf(bootOrder);
    }

    /** The image this loader boots. */
    public BiosImage bios() {
        return bios;
    }

    @Override
    public void attach(FirmwareHost host) throws BootException {
        host.mapRom("bios", bios.topAddress(), bios.bytes());
        vcpus = host.vcpus();
        fwCfg = new FwCfg(items(host.layout(), vcpus), host::memory);
        try {
            host.pio().claimShared(FwCfg.SELECTOR_PORT, FwCfg.PORTS_LENGTH, "fw_cfg", fwCfg.ports());
            host.pio().claimShared(FwCfg.DMA_PORT, FwCfg.DMA_LENGTH, "fw_cfg-dma", fwCfg.dma());
        } catch (IllegalArgumentException e) {
            throw new BootException("fw_cfg: " + e.getMessage());
        }
    }

    /** What fw_cfg tells the firmware. */
    FwCfgItems items(MemoryLayout layout, int vcpus) {
        FwCfgItems items = new FwCfgItems()
                .put(FwCfgItems.RAM_SIZE, FwCfgItems.le64(layout.ramSize()))
                .put(FwCfgItems.NB_CPUS, FwCfgItems.le16(vcpus))
                .put(FwCfgItems.MAX_CPUS, FwCfgItems.le16(vcpus))
                // modvm has no display: the firmware's screen is the serial console, as QEMU's with -nographic.
                .put(FwCfgItems.NOGRAPHIC, FwCfgItems.le16(1))
                .put(FwCfgItems.BOOT_MENU, FwCfgItems.le16(0))
                .put(FwCfgItems.E820_TABLE, FwCfgItems.le32(0))
                .file("etc/e820", e820(layout.ramRanges()))
                .file("etc/sercon-port", FwCfgItems.le16(COM1))
                .file("etc/boot-fail-wait", FwCfgItems.le32(BOOT_FAIL_WAIT_MS));
        if (!bootOrder.isEmpty()) {
            items.file("bootorder", (String.join("\n", bootOrder) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        return items;
    }

    /** QEMU's etc/e820: for each range a little-endian 64-bit address and length and a 32-bit type. */
    static byte[] e820(List<E820Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(entries.size() * 20).order(ByteOrder.LITTLE_ENDIAN);
        for (E820Entry e : entries) {
            b.putLong(e.address()).putLong(e.size()).putInt(e.type());
        }
        return b.array();
    }

    @Override
    public BootState load(GuestMemory memory, MemoryLayout layout, long rsdp) {
        if (fwCfg != null) {
            // The machine's ACPI tables, read before the BIOS image covers the area they were written to.
            FwCfgItems items = items(layout, vcpus);
            AcpiHandover.read(memory, rsdp).forEach(items::file);
            fwCfg.reload(items);
        }
        byte[] legacy = bios.legacyWindow();
        memory.write(ONE_MIB - legacy.length, legacy, 0, legacy.length);
        return BootState.reset();
    }

    @Override
    public boolean bootsLinux() {
        return false;
    }
}
