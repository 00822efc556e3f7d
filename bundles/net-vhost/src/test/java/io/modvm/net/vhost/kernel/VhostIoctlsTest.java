package io.modvm.net.vhost.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The request numbers as Linux's headers make them (values from a C program printing the macros). */
class VhostIoctlsTest {
    @Test
    void requestNumbersMatchTheKernelHeaders() {
        assertEquals(0xAF01L, VhostIoctls.SET_OWNER);
        assertEquals(0x8008AF00L, VhostIoctls.GET_FEATURES);
        assertEquals(0x4008AF00L, VhostIoctls.SET_FEATURES);
        assertEquals(0x4008AF03L, VhostIoctls.SET_MEM_TABLE);
        assertEquals(0x4008AF10L, VhostIoctls.SET_VRING_NUM);
        assertEquals(0x4028AF11L, VhostIoctls.SET_VRING_ADDR);
        assertEquals(0x4008AF12L, VhostIoctls.SET_VRING_BASE);
        assertEquals(0xC008AF12L, VhostIoctls.GET_VRING_BASE);
        assertEquals(0x4008AF20L, VhostIoctls.SET_VRING_KICK);
        assertEquals(0x4008AF21L, VhostIoctls.SET_VRING_CALL);
        assertEquals(0x4008AF30L, VhostIoctls.NET_SET_BACKEND);
        assertEquals(0x4008AF04L, VhostIoctls.SET_LOG_BASE);
    }

    @Test
    void tapOffloadsAreTheBitsATapWithTheHeaderCarries() {
        long expected = (1L << 0) | (1L << 1) | (1L << 2) | (1L << 7) | (1L << 8) | (1L << 9) | (1L << 11) | (1L << 12)
                | (1L << 13);
        assertEquals(expected, VhostNetOffload.TAP_OFFLOADS);
    }
}
