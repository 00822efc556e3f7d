package io.modvm.accel.kvm;

import com.sun.jna.Memory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Model-specific registers a firmware would have set before handing over to a kernel. */
final class KvmMsrs {
    private static final Logger LOG = LoggerFactory.getLogger(KvmMsrs.class);

    private static final int IA32_MISC_ENABLE = 0x1A0;
    private static final long MISC_ENABLE_FAST_STRING = 1;
    private static final int IA32_MTRR_DEF_TYPE = 0x2FF;
    private static final long MTRR_ENABLE_WRITE_BACK = 1 << 11 | 6;
    private static final int[] ZEROED = {0x174, 0x175, 0x176, 0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084,
        0xC0000102};

    private KvmMsrs() {
    }

    static void applyBootMsrs(int vcpuFd) {
        int n = 2 + ZEROED.length;
        try (Memory msrs = new Memory(8 + 16L * n)) {
            msrs.clear();
            msrs.setInt(0, n);
            put(msrs, 0, IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING);
            put(msrs, 1, IA32_MTRR_DEF_TYPE, MTRR_ENABLE_WRITE_BACK);
            for (int i = 0; i < ZEROED.length; i++) {
                put(msrs, 2 + i, ZEROED[i], 0);
            }
            int set = LibC.ioctl(vcpuFd, KvmIoctl.SET_MSRS, msrs);
            if (set != n) {
                LOG.debug("KVM accepted {} of {} boot MSRs; the first refused is 0x{}", set, n,
                        Integer.toHexString(msrs.getInt(8 + 16L * set)));
            }
        }
    }

    private static void put(Memory msrs, int i, int index, long value) {
        long at = 8 + 16L * i;
        msrs.setInt(at, index);
        msrs.setLong(at + 8, value);
    }
}
