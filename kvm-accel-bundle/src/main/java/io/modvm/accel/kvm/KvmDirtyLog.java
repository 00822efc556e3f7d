package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.DirtyPageLog;
import io.modvm.api.accel.RamRegion;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Dirty-page logging through the slots' bitmaps (KVM_GET_DIRTY_LOG). With KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 the
 * bitmaps start full and fetching does not clear them: each fetch clears what it saw with KVM_CLEAR_DIRTY_LOG, a
 * chunk at a time, so the guest's pages are write-protected piecemeal and never all at once. Without that capability
 * KVM clears as it fetches and the first fetch is made to report every page, as the interface promises. KVM's dirty
 * ring (KVM_CAP_DIRTY_LOG_RING) is not used: the bitmap covers what migration needs.
 */
final class KvmDirtyLog implements DirtyPageLog {
    /** Pages cleared by one KVM_CLEAR_DIRTY_LOG: 64 MiB of guest RAM, a multiple of 64 as KVM requires. */
    private static final int CLEAR_CHUNK_PAGES = 16384;

    private final int vmFd;
    private final KvmSlots slots;
    private final boolean manual;
    private final Runnable onClose;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private boolean fetchedOnce;

    private KvmDirtyLog(int vmFd, KvmSlots slots, boolean manual, Runnable onClose) {
        this.vmFd = vmFd;
        this.slots = slots;
        this.manual = manual;
        this.onClose = onClose;
    }

    /** Turns logging on for every writable slot of the VM. */
    static KvmDirtyLog start(int vmFd, KvmSlots slots, KvmVmCaps caps, Runnable onClose) throws AcceleratorException {
        boolean manual = (caps.manualDirtyProtect() & KvmIoctl.DIRTY_LOG_MANUAL_PROTECT_ENABLE) != 0
                && (caps.manualDirtyProtect() & KvmIoctl.DIRTY_LOG_INITIALLY_SET) != 0;
        if (manual) {
            try (Memory cap = new Memory(104)) {
                cap.clear();
                cap.setInt(0, KvmIoctl.CAP_MANUAL_DIRTY_LOG_PROTECT2);
                cap.setLong(8, KvmIoctl.DIRTY_LOG_MANUAL_PROTECT_ENABLE | KvmIoctl.DIRTY_LOG_INITIALLY_SET);
                KvmCall.ioctl(vmFd, KvmIoctl.ENABLE_CAP, cap, "cannot start dirty-page logging",
                        "KVM_ENABLE_CAP MANUAL_DIRTY_LOG_PROTECT2");
            }
        }
        try {
            slots.log(true);
        } catch (LastErrorException e) {
            try {
                slots.log(false);
            } catch (LastErrorException ignored) {
                // the first failure is the one to report
            }
            throw new AcceleratorException("cannot start dirty-page logging (KVM_SET_USER_MEMORY_REGION): "
                    + Errno.describe(e), e);
        }
        return new KvmDirtyLog(vmFd, slots, manual, onClose);
    }

    @Override
    public synchronized long[] fetch(RamRegion region) throws AcceleratorException {
        if (!open.get()) {
            throw new AcceleratorException("dirty-page log already closed");
        }
        if (!(region instanceof MemfdRam ram)) {
            throw new AcceleratorException("RAM region was not allocated by this accelerator");
        }
        long[] out = new long[(int) ((ram.size() / PAGE_SIZE + 63) / 64)];
        for (KvmSlots.Slot s : slots.writableOf(ram)) {
            long[] bits = fetchSlot(s);
            long first = s.regionOffset() / PAGE_SIZE;
            for (int w = 0; w < bits.length; w++) {
                long word = bits[w];
                while (word != 0) {
                    long page = first + 64L * w + Long.numberOfTrailingZeros(word);
                    out[(int) (page >>> 6)] |= 1L << (page & 63);
                    word &= word - 1;
                }
            }
        }
        if (!manual && !fetchedOnce) {
            for (KvmSlots.Slot s : slots.writableOf(ram)) {
                long first = s.regionOffset() / PAGE_SIZE;
                for (long p = first; p < first + s.pages(); p++) {
                    out[(int) (p >>> 6)] |= 1L << (p & 63);
                }
            }
        }
        fetchedOnce = true;
        return out;
    }

    private long[] fetchSlot(KvmSlots.Slot s) throws AcceleratorException {
        int words = (int) ((s.pages() + 63) / 64);
        try (Memory bitmap = new Memory(8L * words); Memory log = new Memory(16)) {
            bitmap.clear();
            log.clear();
            log.setInt(0, s.slot());
            log.setPointer(8, bitmap);
            KvmCall.ioctl(vmFd, KvmIoctl.GET_DIRTY_LOG, log, "cannot fetch the dirty pages of slot " + s.slot(),
                    "KVM_GET_DIRTY_LOG");
            long[] bits = bitmap.getLongArray(0, words);
            if (manual) {
                clear(s, bitmap, bits);
            }
            return bits;
        }
    }

    /** Clears (and so write-protects again) the pages seen, one chunk of the slot at a time. */
    private void clear(KvmSlots.Slot s, Memory bitmap, long[] bits) throws AcceleratorException {
        int chunkWords = CLEAR_CHUNK_PAGES / 64;
        try (Memory clear = new Memory(24)) {
            for (int w = 0; w < bits.length; w += chunkWords) {
                int end = Math.min(bits.length, w + chunkWords);
                if (!anySet(bits, w, end)) {
                    continue;
                }
                long firstPage = 64L * w;
                long pages = Math.min(64L * end, s.pages()) - firstPage;
                clear.clear();
                clear.setInt(0, s.slot());
                clear.setInt(4, (int) pages);
                clear.setLong(8, firstPage);
                clear.setPointer(16, bitmap.share(8L * w));
                KvmCall.ioctl(vmFd, KvmIoctl.CLEAR_DIRTY_LOG, clear, "cannot clear the dirty pages of slot "
                        + s.slot(), "KVM_CLEAR_DIRTY_LOG");
            }
        }
    }

    private static boolean anySet(long[] bits, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bits[i] != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (open.getAndSet(false)) {
            onClose.run();
        }
    }
}
