package io.modvm.virtio.net;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a NIC moved and dropped, counted by its queue threads; read by the monitor. */
final class NetStats {
    final LongAdder txPackets = new LongAdder();
    final LongAdder txBytes = new LongAdder();
    /** Frames the guest sent that were dropped: a malformed header, the link down, the host refusing them. */
    final LongAdder txDropped = new LongAdder();
    final LongAdder rxPackets = new LongAdder();
    final LongAdder rxBytes = new LongAdder();
    /** Frames for the guest that were dropped: too long for its buffers, the link down. */
    final LongAdder rxDropped = new LongAdder();
    /** Frames the guest's receive filter turned away. */
    final LongAdder rxFiltered = new LongAdder();

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tx-packets", txPackets.sum());
        m.put("tx-bytes", txBytes.sum());
        m.put("tx-dropped", txDropped.sum());
        m.put("rx-packets", rxPackets.sum());
        m.put("rx-bytes", rxBytes.sum());
        m.put("rx-dropped", rxDropped.sum());
        m.put("rx-filtered", rxFiltered.sum());
        return m;
    }
}
