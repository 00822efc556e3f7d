package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The VM's memory slots as KVM has them, so that dirty logging can set them again with another flag. A slot set
 * again keeps its pages: KVM only changes how it tracks them.
 */
final class KvmSlots {
    /** One slot: {@code size} bytes of {@code ram} from {@code regionOffset}, at {@code guestAddress}. */
    record Slot(int slot, long guestAddress, MemfdRam ram, long regionOffset, long size, boolean readOnly) {
        long pages() {
            return size / 4096;
        }
    }

    private final int vmFd;
    private final Map<Integer, Slot> slots = new TreeMap<>();
    private boolean logging;

    KvmSlots(int vmFd) {
        this.vmFd = vmFd;
    }

    /** Maps (or maps again) a slot, logging its writes if a log is running and it is writable. */
    synchronized void map(Slot s) throws LastErrorException {
        set(s, logging && !s.readOnly());
        slots.put(s.slot(), s);
    }

    /** Turns write logging on or off for every writable slot, now and for slots mapped later. */
    synchronized void log(boolean on) throws LastErrorException {
        for (Slot s : slots.values()) {
            if (!s.readOnly()) {
                set(s, on);
            }
        }
        logging = on;
    }

    /** The writable slots that map part of {@code ram}. */
    synchronized List<Slot> writableOf(MemfdRam ram) {
        return slots.values().stream().filter(s -> s.ram() == ram && !s.readOnly()).toList();
    }

    private void set(Slot s, boolean log) throws LastErrorException {
        try (Memory region = new Memory(32)) {
            region.setInt(0, s.slot());
            region.setInt(4, (s.readOnly() ? KvmIoctl.MEM_READONLY : 0) | (log ? KvmIoctl.MEM_LOG_DIRTY_PAGES : 0));
            region.setLong(8, s.guestAddress());
            region.setLong(16, s.size());
            region.setLong(24, s.ram().hostAddress() + s.regionOffset());
            LibC.ioctl(vmFd, KvmIoctl.SET_USER_MEMORY_REGION, region);
        }
    }
}
