package io.modvm.core.cli;

import io.modvm.api.backend.Backend;
import io.modvm.api.boot.BootDisk;
import io.modvm.api.boot.BootEntry;
import io.modvm.api.boot.BootFile;
import io.modvm.api.boot.BootMenu;
import io.modvm.api.boot.BootSource;
import io.modvm.api.boot.BootSourceException;
import io.modvm.core.boot.BootException;
import io.modvm.core.boot.BootPlan;
import io.modvm.core.boot.KernelImages;
import io.modvm.core.boot.KernelLoader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a guest given disks but no {@code -kernel} starts, decided once the disks are open: the first disk, in boot
 * order, whose boot configuration a registered {@link BootSource} reads boots that configuration's entry (its
 * default, or {@code -boot entry=}) directly, without firmware; with none, the firmware path.
 */
final class BootChooser implements BootPlan {
    /** The largest kernel taken from a disk: Linux bzImages are tens of MiB; a 4 GiB "kernel" is refused unread. */
    static final long MAX_KERNEL = 256L << 20;
    /** The largest initrd (all of an entry's together) taken from a disk. */
    static final long MAX_INITRD = 1L << 30;
    /** How long the boot sources' bundles may take to register while the framework starts. */
    private static final long SOURCE_WAIT_NANOS = 5_000_000_000L;

    private final Supplier<List<BootSource>> sources;
    private final List<String> diskIds;
    private final Supplier<Map<String, Backend>> opened;
    private final String entryName;
    private final boolean listMenu;
    private final String hostOptions;
    private final BootPlan firmware;
    private final BootPlan defaultGuest;
    private final Consumer<String> err;
    private final boolean expectSources;

    /**
     * @param diskIds the block backends to try, in boot order
     * @param opened the open block backends by id, read when the plan runs
     * @param entryName {@code -boot entry=}, or null for each disk's default
     * @param hostOptions appended to the entry's command line because this host emulates guest kernel code (the
     *     kernel cannot boot here without them), or "" on a host that does not
     * @param firmware what boots when no disk has a configuration modvm can read but one has a boot sector or is a
     *     bootable CD: the firmware (SeaBIOS), as QEMU boots every disk
     * @param defaultGuest what boots when no disk is bootable at all (blank data disks), as before modvm read disks;
     *     null if it is not built
     * @param expectSources true if a boot source's bundle is installed and may still be starting: the plan waits
     *     a moment for its service rather than take a disk for unreadable
     */
    BootChooser(Supplier<List<BootSource>> sources, boolean expectSources, List<String> diskIds,
            Supplier<Map<String, Backend>> opened, String entryName, boolean listMenu, String hostOptions,
            BootPlan firmware, BootPlan defaultGuest, Consumer<String> err) {
        this.sources = sources;
        this.expectSources = expectSources;
        this.diskIds = List.copyOf(diskIds);
        this.opened = opened;
        this.entryName = entryName;
        this.listMenu = listMenu;
        this.hostOptions = hostOptions;
        this.firmware = firmware;
        this.defaultGuest = defaultGuest;
        this.err = err;
    }

    @Override
    public KernelLoader loader() throws BootException {
        List<BootSource> available = awaitSources();
        Map<String, Backend> disks = opened.get();
        List<String> reasons = new ArrayList<>();
        List<BootDisk> tried = new ArrayList<>();
        for (String id : diskIds) {
            Backend backend = disks.get(id);
            if (!(backend instanceof BootDisk disk)) {
                continue;
            }
            tried.add(disk);
            for (BootSource source : available) {
                Optional<BootMenu> menu;
                try {
                    menu = source.read(disk);
                } catch (BootSourceException e) {
                    reasons.add(e.getMessage());
                    continue;
                }
                if (menu.isPresent()) {
                    return boot(disk, menu.get());
                }
            }
        }
        String why = reasons.isEmpty() ? "no disk has a boot configuration modvm can read" + (available.isEmpty()
                ? " (no boot source is installed: the diskboot bundle is missing from this assembly)" : "")
                : String.join("; ", reasons);
        return firmware(why, tried);
    }

    /** Boots {@code menu}'s chosen entry directly. */
    private KernelLoader boot(BootDisk disk, BootMenu menu) throws BootException {
        if (listMenu) {
            err.accept(disk.name() + ": boot entries (" + menu.defaultEntry().where() + "):");
            for (int i = 0; i < menu.entries().size(); i++) {
                BootEntry e = menu.entries().get(i);
                err.accept("  " + i + " '" + e.title() + "'" + (e.id().equals(e.title()) ? "" : " id " + e.id())
                        + (i == menu.defaultIndex() ? " (default)" : ""));
            }
        }
        BootEntry entry = chosen(disk, menu);
        try {
            ByteBuffer kernel = entry.kernel().read(MAX_KERNEL);
            ByteBuffer initrd = initrd(entry.initrds());
            String cmdline = (entry.cmdline() + " " + hostOptions).strip();
            String name = "kernel '" + entry.kernel().path() + "' of entry '" + entry.title() + "' on " + disk.name()
                    + " " + entry.where();
            KernelLoader loader = KernelImages.loaderFor(kernel, name, cmdline, initrd,
                    "; choose another entry with -boot entry=, or give -kernel");
            err.accept("booting " + disk.name() + " " + entry.where() + " entry '" + entry.title() + "' (kernel "
                    + entry.kernel().path() + (hostOptions.isEmpty() ? ")"
                            : "), with this host's kernel options appended (its KVM emulates guest kernel code)"));
            return loader;
        } catch (BootSourceException e) {
            throw new BootException(e.getMessage());
        }
    }

    private BootEntry chosen(BootDisk disk, BootMenu menu) throws BootException {
        if (entryName == null) {
            return menu.defaultEntry();
        }
        List<BootEntry> entries = menu.entries();
        for (BootEntry e : entries) {
            if (e.title().equals(entryName) || e.id().equals(entryName)) {
                return e;
            }
        }
        if (entryName.matches("\\d{1,9}") && Integer.parseInt(entryName) < entries.size()) {
            return entries.get(Integer.parseInt(entryName));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            names.add(i + " '" + entries.get(i).title() + "'");
        }
        throw new BootException("-boot entry=" + entryName + ": " + disk.name() + " has no such boot entry; its "
                + "entries are " + String.join(", ", names));
    }

    /** An entry's initrds, one after the other, as boot loaders load several. */
    private static ByteBuffer initrd(List<BootFile> files) throws BootSourceException {
        if (files.isEmpty()) {
            return null;
        }
        List<ByteBuffer> parts = new ArrayList<>();
        long left = MAX_INITRD;
        for (BootFile f : files) {
            ByteBuffer b = f.read(left);
            left -= b.remaining();
            parts.add(b);
        }
        ByteBuffer all = ByteBuffer.allocate((int) (MAX_INITRD - left));
        parts.forEach(all::put);
        return all.flip();
    }

    /**
     * For disks modvm cannot read itself: the firmware path where a disk has a boot sector or is a bootable CD, as
     * QEMU boots every disk, with one line saying why; the default guest where none is bootable (blank data disks).
     */
    private KernelLoader firmware(String why, List<BootDisk> disks) throws BootException {
        if (disks.stream().anyMatch(FirmwareBootable::test)) {
            err.accept(why + ": booting through the firmware (SeaBIOS)");
            return firmware.loader();
        }
        if (defaultGuest != null) {
            return defaultGuest.loader();
        }
        throw new BootException("no disk is bootable (" + why + "), and without -kernel the default guest boots, "
                + "which is not built; give -kernel FILE, or build it with tools/guest/build");
    }

    private List<BootSource> awaitSources() {
        long deadline = System.nanoTime() + SOURCE_WAIT_NANOS;
        List<BootSource> now = sources.get();
        while (expectSources && now.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = sources.get();
        }
        return now;
    }
}
