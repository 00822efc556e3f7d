package io.modvm.core.pci;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.Attachment;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.MsiRoute;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A function's MSI-X table and pending-bit array (PCI 3.0, 6.8.2), and the delivery of its vectors. Each vector
 * that fires gets an MSI route in the accelerator and an irqfd on it, so a device thread raises an interrupt with
 * one eventfd write and no VMM exit. A masked vector only sets its pending bit, delivered when the guest unmasks.
 *
 * <p>The guest writes the table on vCPU threads while device threads signal; one lock keeps them consistent.
 */
final class MsixTable {
    private static final Logger LOG = LoggerFactory.getLogger(MsixTable.class);
    static final int ENTRY_SIZE = 16;
    private static final int VECTOR_MASKED = 1;

    private final String owner;
    private final PciHost host;
    private final int vectors;
    private final long[] address;
    private final int[] data;
    private final int[] control;
    private final long[] pending;
    private final MsiRoute[] routes;
    private final EventNotifier[] notifiers;
    private final Attachment[] attachments;
    /** Vectors whose notifier a signaller outside the VMM holds ({@link #external}). */
    private final boolean[] external;
    private boolean enabled;
    private boolean functionMask;
    private boolean warned;
    /**
     * While the machine's interrupt controllers are being restored ({@link #hold}), signals wait here instead of
     * reaching the VM, whose local APICs are about to be overwritten with the saved ones. Not guest-visible.
     */
    private boolean holding;
    private final long[] held;

    MsixTable(String owner, PciHost host, int vectors) {
        this.owner = owner;
        this.host = host;
        this.vectors = vectors;
        this.address = new long[vectors];
        this.data = new int[vectors];
        this.control = new int[vectors];
        this.pending = new long[(vectors + 63) / 64];
        this.held = new long[(vectors + 63) / 64];
        this.routes = new MsiRoute[vectors];
        this.notifiers = new EventNotifier[vectors];
        this.attachments = new Attachment[vectors];
        this.external = new boolean[vectors];
        reset();
    }

    int vectors() {
        return vectors;
    }

    long tableSize() {
        return (long) vectors * ENTRY_SIZE;
    }

    long pbaOffset() {
        return tableSize();
    }

    synchronized boolean enabled() {
        return enabled;
    }

    synchronized boolean functionMask() {
        return functionMask;
    }

    /** Message control bits 15 (enable) and 14 (function mask), as the guest wrote them. */
    void setControl(boolean enable, boolean mask) {
        synchronized (this) {
            enabled = enable;
            functionMask = mask;
            for (int v = 0; v < vectors; v++) {
                syncExternal(v);
            }
        }
        deliverPending();
    }

    /** Reads {@code size} bytes at {@code offset} from the start of the table (the PBA follows the table). */
    synchronized long read(long offset, int size) {
        if (offset >= tableSize()) {
            long pba = offset - tableSize();
            int word = (int) (pba / 8);
            if (word >= pending.length) {
                return 0;
            }
            long shift = (pba % 8) * 8;
            return pending[word] >>> shift;
        }
        int v = (int) (offset / ENTRY_SIZE);
        int field = (int) (offset % ENTRY_SIZE);
        long value = switch (field) {
            case 0 -> size == 8 ? address[v] : address[v] & 0xFFFF_FFFFL;
            case 4 -> address[v] >>> 32;
            case 8 -> size == 8 ? (data[v] & 0xFFFF_FFFFL) | ((long) control[v] << 32) : data[v] & 0xFFFF_FFFFL;
            case 12 -> control[v] & 0xFFFF_FFFFL;
            default -> 0;
        };
        return value;
    }

    /** A guest write to the table; writes to the PBA are ignored (it is read-only). */
    void write(long offset, int size, long value) {
        if (offset >= tableSize() || (size != 4 && size != 8) || offset % 4 != 0) {
            return;
        }
        int v = (int) (offset / ENTRY_SIZE);
        int field = (int) (offset % ENTRY_SIZE);
        synchronized (this) {
            switch (field) {
                case 0 -> address[v] = size == 8 ? value : (address[v] & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL);
                case 4 -> address[v] = (address[v] & 0xFFFF_FFFFL) | (value << 32);
                case 8 -> {
                    data[v] = (int) value;
                    if (size == 8) {
                        control[v] = (int) (value >>> 32);
                    }
                }
                case 12 -> control[v] = (int) value;
                default -> {
                }
            }
            if (routes[v] != null) {
                try {
                    routes[v].update(address[v], data[v]);
                } catch (AcceleratorException e) {
                    dropRoute(v);
                }
            }
            syncExternal(v);
        }
        deliverPending();
    }

    /** Raises {@code vector}; see {@link io.modvm.api.pci.PciFunction#signalMsix}. */
    boolean signal(int vector) {
        EventNotifier target;
        long msiAddress;
        int msiData;
        synchronized (this) {
            if (vector < 0 || vector >= vectors || !enabled) {
                return false;
            }
            if (functionMask || (control[vector] & VECTOR_MASKED) != 0) {
                pending[vector / 64] |= 1L << (vector % 64);
                return true;
            }
            if (holding) {
                held[vector / 64] |= 1L << (vector % 64);
                return true;
            }
            target = irqfd(vector);
            msiAddress = address[vector];
            msiData = data[vector];
        }
        if (target != null) {
            target.signal();
            return true;
        }
        // No route could be made: inject the message directly, which costs an ioctl but still arrives.
        try {
            host.withVm(vm -> {
                vm.signalMsi(msiAddress, msiData);
                return null;
            });
            return true;
        } catch (AcceleratorException e) {
            LOG.debug("{}: MSI-X vector {} not delivered: {}", owner, vector, e.getMessage());
            return false;
        }
    }

    /**
     * Holds every signal from now until {@link #release}: a restore of the whole machine resumes the devices before
     * it puts back the vCPUs' local APICs, and a message delivered in between (a device finding work at once, such
     * as a frame that waited on its tap) would be overwritten by the saved APIC state, while the device, believing
     * it was delivered, waits for the driver to notice; under VIRTIO_F_EVENT_IDX the driver then never does.
     */
    synchronized void hold() {
        holding = true;
    }

    /** Ends {@link #hold}: delivers once each vector signalled meanwhile, as {@link #signal} would have. */
    void release() {
        long[] signalled;
        synchronized (this) {
            holding = false;
            signalled = held.clone();
            java.util.Arrays.fill(held, 0);
        }
        for (int v = 0; v < vectors; v++) {
            if ((signalled[v / 64] & (1L << (v % 64))) != 0) {
                signal(v);
            }
        }
    }

    /**
     * The notifier of {@code vector} for a signaller outside the VMM (see {@link
     * io.modvm.api.pci.PciFunction#msixNotifier}). Its signals cannot be seen on their way, so instead of setting
     * the pending bit the table keeps the irqfd attached exactly while the vector can be delivered: while it is
     * masked (or MSI-X is off) the signals wait in the eventfd, and KVM delivers what waited when the irqfd is
     * attached again at the unmask.
     */
    synchronized EventNotifier external(int vector) throws AcceleratorException {
        if (vector < 0 || vector >= vectors) {
            throw new IllegalArgumentException("vector " + vector + " of " + vectors);
        }
        if (notifiers[vector] == null) {
            notifiers[vector] = host.createNotifier();
        }
        external[vector] = true;
        syncExternal(vector);
        return notifiers[vector];
    }

    /** Attaches or detaches an external vector's irqfd to match whether the vector can be delivered now. */
    private void syncExternal(int v) {
        if (!external[v]) {
            return;
        }
        boolean deliverable = enabled && !functionMask && (control[v] & VECTOR_MASKED) == 0;
        if (deliverable && attachments[v] == null) {
            irqfd(v);
        } else if (!deliverable && attachments[v] != null) {
            dropRoute(v);
        }
    }

    /** The irqfd for {@code vector}, made on first use; null if the accelerator cannot route MSIs. */
    private EventNotifier irqfd(int vector) {
        if (notifiers[vector] != null && attachments[vector] != null) {
            return notifiers[vector];
        }
        try {
            if (notifiers[vector] == null) {
                notifiers[vector] = host.createNotifier();
            }
            EventNotifier n = notifiers[vector];
            long a = address[vector];
            int d = data[vector];
            MsiRoute route = host.withVm(vm -> vm.routeMsi(a, d));
            if (route == null) {
                return null;
            }
            routes[vector] = route;
            attachments[vector] = host.withVm(vm -> vm.attachIrq(n, route.gsi()));
            if (attachments[vector] == null) {
                dropRoute(vector);
                return null;
            }
            return n;
        } catch (AcceleratorException e) {
            if (!warned) {
                warned = true;
                LOG.info("{}: MSI-X through irqfd unavailable ({}); injecting messages directly", owner,
                        e.getMessage());
            }
            dropRoute(vector);
            return null;
        }
    }

    private void dropRoute(int vector) {
        if (attachments[vector] != null) {
            attachments[vector].close();
            attachments[vector] = null;
        }
        if (routes[vector] != null) {
            routes[vector].close();
            routes[vector] = null;
        }
    }

    private void deliverPending() {
        for (int v = 0; v < vectors; v++) {
            boolean fire;
            synchronized (this) {
                long bit = 1L << (v % 64);
                fire = enabled && !functionMask && (control[v] & VECTOR_MASKED) == 0 && (pending[v / 64] & bit) != 0;
                if (fire) {
                    pending[v / 64] &= ~bit;
                }
            }
            if (fire) {
                signal(v);
            }
        }
    }

    static final String STATE_TYPE = "msix";
    static final int STATE_VERSION = 1;

    /**
     * The {@value #STATE_TYPE} record: MSI-X enable and function mask, the table as the guest reads it (16 bytes a
     * vector: address low, address high, data, vector control, little-endian) and the pending-bit array.
     */
    synchronized StateRecord saveState() {
        ByteBuffer table = ByteBuffer.allocate(vectors * ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int v = 0; v < vectors; v++) {
            table.putLong(address[v]).putInt(data[v]).putInt(control[v]);
        }
        ByteBuffer pba = ByteBuffer.allocate(pending.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long word : pending) {
            pba.putLong(word);
        }
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("enabled", enabled)
                .put("functionMask", functionMask).put("table", table.array()).put("pba", pba.array()).build();
    }

    /**
     * Takes the table, pending bits and control bits of {@code r}; the routes into the VM are made again from the
     * new entries (those of a vector whose notifier a signaller outside the VMM holds at once, the others when they
     * first fire). A vector left pending stays pending until the guest unmasks it, as it would have.
     */
    void restoreState(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        byte[] tableBytes = r.getBytes("table");
        byte[] pbaBytes = r.getBytes("pba");
        if (tableBytes.length != vectors * ENTRY_SIZE || pbaBytes.length != pending.length * 8) {
            throw new StateException(owner + ": an MSI-X table of " + tableBytes.length + " bytes and a PBA of "
                    + pbaBytes.length + " for " + vectors + " vectors");
        }
        boolean enable = r.getBoolean("enabled");
        boolean mask = r.getBoolean("functionMask");
        ByteBuffer table = ByteBuffer.wrap(tableBytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer pba = ByteBuffer.wrap(pbaBytes).order(ByteOrder.LITTLE_ENDIAN);
        synchronized (this) {
            for (int v = 0; v < vectors; v++) {
                address[v] = table.getLong();
                data[v] = table.getInt();
                control[v] = table.getInt();
                dropRoute(v);
            }
            for (int w = 0; w < pending.length; w++) {
                pending[w] = pba.getLong();
            }
            if (vectors % 64 != 0) {
                pending[pending.length - 1] &= (1L << (vectors % 64)) - 1;
            }
            enabled = enable;
            functionMask = mask;
            for (int v = 0; v < vectors; v++) {
                syncExternal(v);
            }
        }
    }

    /** Power-on state: disabled, every vector masked, nothing pending, no routes into the (old) VM. */
    synchronized void reset() {
        enabled = false;
        functionMask = false;
        for (int v = 0; v < vectors; v++) {
            address[v] = 0;
            data[v] = 0;
            control[v] = VECTOR_MASKED;
            dropRoute(v);
        }
        java.util.Arrays.fill(pending, 0);
        java.util.Arrays.fill(held, 0);
    }

    /** Unplugged: also frees the notifiers. */
    synchronized void close() {
        reset();
        java.util.Arrays.fill(external, false);
        for (int v = 0; v < vectors; v++) {
            if (notifiers[v] != null) {
                notifiers[v].close();
                notifiers[v] = null;
            }
        }
    }
}
