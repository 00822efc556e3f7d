package io.modvm.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.backend.Backend;
import io.modvm.api.boot.BootDisk;
import io.modvm.api.boot.BootEntry;
import io.modvm.api.boot.BootFile;
import io.modvm.api.boot.BootMenu;
import io.modvm.api.boot.BootSource;
import io.modvm.api.boot.BootSourceException;
import io.modvm.core.boot.BootException;
import io.modvm.core.boot.BootPlan;
import io.modvm.core.boot.KernelLoader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The choice between a disk's own entries and the fallback, with sources and disks made up. */
class BootChooserTest {
    private final List<String> err = new ArrayList<>();
    private final List<Long> asked = new ArrayList<>();

    private static final class Disk implements Backend, BootDisk {
        private final boolean bootSector;

        Disk(boolean bootSector) {
            this.bootSector = bootSector;
        }

        @Override
        public String name() {
            return "disk.img";
        }

        @Override
        public long size() {
            return 1 << 20;
        }

        @Override
        public void read(ByteBuffer destination, long offset) {
            while (destination.hasRemaining()) {
                long at = offset + destination.position();
                destination.put((byte) (!bootSector ? 0 : at == 510 ? 0x55 : at == 511 ? 0xaa : at == 0 ? 0xeb : 0));
            }
        }

        @Override
        public void close() {
        }
    }

    private BootFile file(String path) {
        return new BootFile() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public ByteBuffer read(long maxBytes) {
                asked.add(maxBytes);
                return ByteBuffer.wrap("not a kernel".getBytes());
            }
        };
    }

    private BootMenu menu() {
        return new BootMenu(List.of(
                new BootEntry("First", "first-id", "partition 1 (ext4) /boot/grub/grub.cfg", file("/boot/a"),
                        List.of(), "console=ttyS0"),
                new BootEntry("Second", "Second", "partition 1 (ext4) /boot/grub/grub.cfg", file("/boot/b"),
                        List.of(file("/boot/initrd")), "")), 1);
    }

    private static BootSource source(Optional<BootMenu> menu) {
        return new BootSource() {
            @Override
            public String description() {
                return "test";
            }

            @Override
            public Optional<BootMenu> read(BootDisk disk) {
                return menu;
            }
        };
    }

    private BootChooser chooser(List<BootSource> sources, String entry, boolean menu, BootPlan firmware) {
        return chooser(sources, entry, menu, firmware, null, true);
    }

    private BootChooser chooser(List<BootSource> sources, String entry, boolean menu, BootPlan firmware,
            BootPlan defaultGuest, boolean bootSector) {
        return new BootChooser(() -> sources, false, List.of("d0", "absent"),
                () -> Map.of("d0", new Disk(bootSector)), entry, menu, "", firmware, defaultGuest, err::add);
    }

    @Test
    void theDefaultEntryIsReadWithTheKernelCapAndItsKernelJudgedByItsHeaders() {
        BootException e = assertThrows(BootException.class,
                () -> chooser(List.of(source(Optional.of(menu()))), null, false, null).loader());
        assertEquals("kernel '/boot/b' of entry 'Second' on disk.img partition 1 (ext4) /boot/grub/grub.cfg is not a "
                + "kernel: expected a bzImage or an ELF file with a PVH entry note; give a Linux bzImage or vmlinux; "
                + "choose another entry with -boot entry=, or give -kernel", e.getMessage());
        assertEquals(List.of(BootChooser.MAX_KERNEL, BootChooser.MAX_INITRD), asked);
    }

    @Test
    void bootEntryPicksByIdAndMenuListsTheEntries() {
        assertThrows(BootException.class,
                () -> chooser(List.of(source(Optional.of(menu()))), "first-id", true, null).loader());
        assertEquals(List.of("disk.img: boot entries (partition 1 (ext4) /boot/grub/grub.cfg):",
                "  0 'First' id first-id", "  1 'Second' (default)"), err);
        assertEquals(List.of(BootChooser.MAX_KERNEL), asked, "the first entry has no initrd");
    }

    @Test
    void anEntryTheDiskLacksIsOneLineNamingTheEntries() {
        BootException e = assertThrows(BootException.class,
                () -> chooser(List.of(source(Optional.of(menu()))), "rescue", false, null).loader());
        assertEquals("-boot entry=rescue: disk.img has no such boot entry; its entries are 0 'First', 1 'Second'",
                e.getMessage());
    }

    @Test
    void aDiskNothingReadsBootsThroughTheFirmwareSayingWhy() throws Exception {
        KernelLoader guest = new KernelLoader() {
            @Override
            public io.modvm.api.accel.BootState load(io.modvm.api.memory.GuestMemory memory,
                    io.modvm.core.memory.MemoryLayout layout, long rsdp) {
                return null;
            }

            @Override
            public boolean bootsLinux() {
                return true;
            }
        };
        BootSource broken = new BootSource() {
            @Override
            public String description() {
                return "broken";
            }

            @Override
            public Optional<BootMenu> read(BootDisk disk) throws BootSourceException {
                throw new BootSourceException("disk.img: corrupt superblock");
            }
        };
        assertSame(guest, chooser(List.of(broken, source(Optional.empty())), null, false, () -> guest).loader());
        assertEquals(List.of("disk.img: corrupt superblock: booting through the firmware (SeaBIOS)"), err);
    }

    @Test
    void withoutABootSourceADiskWithABootSectorGoesToTheFirmwareSayingSo() throws BootException {
        KernelLoader firmware = chooser(List.of(), null, false, () -> null).loader();
        assertNull(firmware, "the firmware plan's loader");
        assertEquals(List.of("no disk has a boot configuration modvm can read (no boot source is installed: the "
                + "diskboot bundle is missing from this assembly): booting through the firmware (SeaBIOS)"), err);
    }

    @Test
    void blankDataDisksBootTheDefaultGuestAsBefore() throws BootException {
        KernelLoader guest = chooser(List.of(), null, false, () -> {
            throw new AssertionError("no firmware for a blank disk");
        }, () -> null, false).loader();
        assertNull(guest, "the default guest plan's loader");
        assertEquals(List.of(), err, "nothing to say: this is what modvm always did with data disks");
        BootException e = assertThrows(BootException.class, () -> chooser(List.of(source(Optional.empty())), null,
                false, () -> null, null, false).loader());
        assertEquals("no disk is bootable (no disk has a boot configuration modvm can read), and without -kernel "
                + "the default guest boots, which is not built; give -kernel FILE, or build it with tools/guest/build",
                e.getMessage());
    }
}
