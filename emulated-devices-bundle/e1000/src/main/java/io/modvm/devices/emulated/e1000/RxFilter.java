package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Registers.RA;
import static io.modvm.devices.emulated.e1000.E1000Registers.RAH_AV;
import static io.modvm.devices.emulated.e1000.E1000Registers.RA_ENTRIES;
import static io.modvm.devices.emulated.e1000.E1000Registers.RCTL;
import static io.modvm.devices.emulated.e1000.E1000Registers.RCTL_BAM;
import static io.modvm.devices.emulated.e1000.E1000Registers.RCTL_MO_SHIFT;
import static io.modvm.devices.emulated.e1000.E1000Registers.RCTL_MPE;
import static io.modvm.devices.emulated.e1000.E1000Registers.RCTL_UPE;
import static io.modvm.devices.emulated.e1000.E1000Registers.RCTL_VFE;
import static io.modvm.devices.emulated.e1000.E1000Registers.MTA;
import static io.modvm.devices.emulated.e1000.E1000Registers.VET;
import static io.modvm.devices.emulated.e1000.E1000Registers.VFTA;

import io.modvm.api.net.MacAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which received frames the guest wants (SDM 3.2.1): broadcast with RCTL.BAM; unicast to an address of the
 * receive address table (RAL/RAH with Address Valid), or any with RCTL.UPE; multicast whose hash bit is set in the
 * multicast table (12 bits of the address, picked by RCTL.MO), or any with RCTL.MPE; and with RCTL.VFE, a tagged
 * frame only if its VLAN id's bit is set in the VLAN filter table.
 */
final class RxFilter {
    /** The hash's lowest address bit for RCTL.MO 0 to 3: bits 47:36, 46:35, 45:34 or 43:32 of the address. */
    private static final int[] MO_SHIFT = {4, 3, 2, 0};

    private RxFilter() {
    }

    /** Whether a frame whose first bytes are {@code head} (its 14-byte header, 16 with a VLAN tag) passes. */
    static boolean accepts(RegisterFile regs, byte[] head) {
        int rctl = regs.get(RCTL);
        if ((rctl & RCTL_VFE) != 0 && isTagged(regs, head)) {
            int vid = (head[14] & 0x0F) << 8 | head[15] & 0xFF;
            if ((regs.get(VFTA + 4 * (vid >>> 5)) >>> (vid & 31) & 1) == 0) {
                return false;
            }
        }
        if (Statistics.isBroadcast(head)) {
            return (rctl & RCTL_BAM) != 0;
        }
        boolean multicast = (head[0] & 1) != 0;
        if ((rctl & (multicast ? RCTL_MPE : RCTL_UPE)) != 0) {
            return true;
        }
        for (int i = 0; i < RA_ENTRIES; i++) {
            int high = regs.get(RA + 8 * i + 4);
            if ((high & RAH_AV) != 0 && matches(regs.get(RA + 8 * i), high, head)) {
                return true;
            }
        }
        int hash = ((head[4] & 0xFF | (head[5] & 0xFF) << 8) >>> MO_SHIFT[rctl >>> RCTL_MO_SHIFT & 3]) & 0xFFF;
        return (regs.get(MTA + 4 * (hash >>> 5)) >>> (hash & 31) & 1) != 0;
    }

    /** Whether the frame's type is the VLAN ether type VET names (0x8100 after a reset). */
    static boolean isTagged(RegisterFile regs, byte[] head) {
        int type = (head[12] & 0xFF) << 8 | head[13] & 0xFF;
        return type == (regs.get(VET) & 0xFFFF);
    }

    private static boolean matches(int low, int high, byte[] head) {
        for (int i = 0; i < 4; i++) {
            if (head[i] != (byte) (low >>> (8 * i))) {
                return false;
            }
        }
        return head[4] == (byte) high && head[5] == (byte) (high >>> 8);
    }

    /** The address in receive address slot {@code i}, or null if it is not valid. */
    static byte[] address(RegisterFile regs, int i) {
        int low = regs.get(RA + 8 * i);
        int high = regs.get(RA + 8 * i + 4);
        if ((high & RAH_AV) == 0) {
            return null;
        }
        return new byte[] {(byte) low, (byte) (low >>> 8), (byte) (low >>> 16), (byte) (low >>> 24), (byte) high,
            (byte) (high >>> 8)};
    }

    /** Sets receive address slot {@code i} to {@code mac}, valid. */
    static void setAddress(RegisterFile regs, int i, byte[] mac) {
        regs.set(RA + 8 * i, (mac[0] & 0xFF) | (mac[1] & 0xFF) << 8 | (mac[2] & 0xFF) << 16 | (mac[3] & 0xFF) << 24);
        regs.set(RA + 8 * i + 4, (mac[4] & 0xFF) | (mac[5] & 0xFF) << 8 | RAH_AV);
    }

    /**
     * QEMU's RxFilterInfo for {@code query-rx-filter}, without {@code name}: the multicast table is a hash, so its
     * entries cannot be listed; "normal" multicast means the hash decides.
     */
    static Map<String, Object> describe(RegisterFile regs, byte[] mac) {
        int rctl = regs.get(RCTL);
        boolean vlanFilter = (rctl & RCTL_VFE) != 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("promiscuous", (rctl & RCTL_UPE) != 0);
        m.put("multicast", (rctl & RCTL_MPE) != 0 ? "all" : "normal");
        m.put("unicast", (rctl & RCTL_UPE) != 0 ? "all" : "normal");
        m.put("vlan", vlanFilter ? "normal" : "all");
        m.put("broadcast-allowed", (rctl & RCTL_BAM) != 0);
        m.put("multicast-overflow", false);
        m.put("unicast-overflow", false);
        byte[] main = address(regs, 0);
        m.put("main-mac", MacAddress.format(main != null ? main : mac));
        List<Object> vlans = new ArrayList<>();
        if (vlanFilter) {
            for (int vid = 0; vid < 4096; vid++) {
                if ((regs.get(VFTA + 4 * (vid >>> 5)) >>> (vid & 31) & 1) != 0) {
                    vlans.add((long) vid);
                }
            }
        }
        m.put("vlan-table", vlans);
        List<Object> unicast = new ArrayList<>();
        for (int i = 1; i < RA_ENTRIES; i++) {
            byte[] a = address(regs, i);
            if (a != null) {
                unicast.add(MacAddress.format(a));
            }
        }
        m.put("unicast-table", unicast);
        m.put("multicast-table", List.of());
        return m;
    }
}
