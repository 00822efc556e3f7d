package io.modvm.accel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.accel.DirtyPageLog;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.accel.VmOptions;
import io.modvm.testguest.TestGuestBuilder;
import io.modvm.testguest.TestGuestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest writes known pages of two slots between reports; at each report (on the vCPU thread, the guest stopped in
 * its port exit) the log is fetched: it holds those pages, a second fetch is empty, and later writes show in the
 * next.
 */
@Timeout(60)
class KvmDirtyLogTest {
    private static final long RAM = 16 << 20;
    private static final long HALF = RAM / 2;
    private static final long HIGH_SLOT = 0xC000_0000L;
    private static final int PAGES = (int) (RAM / DirtyPageLog.PAGE_SIZE);
    /** The windows the guest writes in, as region pages: 4 MiB to 8 MiB, and the second slot (the second half). */
    private static final int LOW_WINDOW = 1024;
    private static final int IMAGE_PAGE = (int) (TestGuestBuilder.IMAGE_ADDRESS / DirtyPageLog.PAGE_SIZE);
    private static final int HIGH_WINDOW = (int) (HALF / DirtyPageLog.PAGE_SIZE);

    @TempDir
    Path work;

    @Test
    void theLogHoldsExactlyThePagesTheGuestWrote() throws Exception {
        Path elf = TestGuestBuilder.build(work, "guests/dirty.c");
        List<Set<Integer>> fetched = new ArrayList<>();
        List<Set<Integer>> refetched = new ArrayList<>();
        try (VirtualMachine vm = new KvmAccelerator().createVm(new VmOptions("dirty", 1))) {
            RamRegion ram = vm.allocateRam("ram", RAM);
            vm.mapRam(0, 0, ram, 0, HALF, false);
            TestGuestImage image = TestGuestImage.read(elf);
            image.loadInto(ram.view(0, (int) HALF));
            try (DirtyPageLog log = vm.startDirtyLog()) {
                // Mapped after the start: a slot mapped while logging runs is logged too.
                vm.mapRam(1, HIGH_SLOT, ram, HALF, HALF, false);
                BootState boot = new BootState(CpuMode.PROTECTED, image.entry(), 0, 0, 0, 0, 0, 0);
                try (VcpuRunner runner = new VcpuRunner(vm, v -> {
                    v.setBootState(boot);
                    return null;
                }, (port, value, v) -> {
                    if (port == 0xF2) {
                        fetched.add(pages(log.fetch(ram)));
                        refetched.add(pages(log.fetch(ram)));
                    } else if (port == 0xF0) {
                        v.kick();
                    }
                })) {
                    assertEquals(VcpuStop.Reason.REQUESTED, runner.awaitStop().reason());
                }
                assertThrows(AcceleratorException.class, vm::startDirtyLog, "one log at a time");
            }
            try (DirtyPageLog again = vm.startDirtyLog()) {
                assertEquals(PAGES, pages(again.fetch(ram)).size(), "a log started after the last one closed");
            }
        }
        assertEquals(3, fetched.size());
        assertEquals(PAGES, fetched.get(0).size(), "the first fetch reports every page, so that all are sent once");
        assertEquals(Set.of(), refetched.get(0), "nothing was written between two fetches");
        assertEquals(Set.of(), refetched.get(1));
        assertEquals(Set.of(), refetched.get(2));
        assertEquals(pagesOf(LOW_WINDOW, 0, 3, 7, 64, 65, 200, HIGH_WINDOW - LOW_WINDOW + 5,
                HIGH_WINDOW - LOW_WINDOW + 1023), inWindows(fetched.get(1)), "the pages written after the first fetch");
        assertEquals(pagesOf(LOW_WINDOW, 1, 3, 300), inWindows(fetched.get(2)), "only the later writes");
        for (int i = 1; i < 3; i++) {
            Set<Integer> noise = new TreeSet<>(fetched.get(i));
            noise.removeAll(inWindows(fetched.get(i)));
            // The kit's own pages in its image from 1 MiB: its stack and data, and its page tables, where the CPU
            // sets accessed and dirty bits as it walks them (measured: five or fewer pages here).
            assertTrue(noise.size() <= 8 && noise.stream().allMatch(p -> p >= IMAGE_PAGE && p < LOW_WINDOW),
                    "outside the windows: " + noise);
        }
    }

    private static Set<Integer> pagesOf(int base, int... offsets) {
        Set<Integer> pages = new TreeSet<>();
        for (int o : offsets) {
            pages.add(base + o);
        }
        return pages;
    }

    private static Set<Integer> inWindows(Set<Integer> pages) {
        Set<Integer> in = new TreeSet<>();
        for (int p : pages) {
            if (p >= LOW_WINDOW && p < HIGH_WINDOW + HIGH_WINDOW) {
                in.add(p);
            }
        }
        return in;
    }

    private static Set<Integer> pages(long[] bitmap) {
        assertEquals(PAGES / 64, bitmap.length);
        Set<Integer> pages = new TreeSet<>();
        for (int w = 0; w < bitmap.length; w++) {
            for (int b = 0; b < 64; b++) {
                if ((bitmap[w] >>> b & 1) != 0) {
                    pages.add(w * 64 + b);
                }
            }
        }
        return pages;
    }
}
