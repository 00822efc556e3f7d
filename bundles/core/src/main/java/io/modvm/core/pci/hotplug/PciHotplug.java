package io.modvm.core.pci.hotplug;

import io.modvm.api.device.BusHandler;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.acpi.AcpiGpe;
import io.modvm.core.acpi.ByteRegisters;
import io.modvm.core.acpi.PcPlatform;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACPI hotplug of PCI bus 0, in the scheme of QEMU's PIIX4 {@code acpi-pci-hotplug}: a block of registers that
 * the DSDT's AML reads, and a general-purpose event that makes the guest read them. Adding a device: the device
 * manager plugs its function ({@code PciRootBus.plug}), then calls {@link #announceAdded}; the slot's bit goes up in
 * {@code PCIU} and GPE {@value PcPlatform#PCI_HOTPLUG_GPE} is raised; the guest's {@code \_GPE._E01} runs
 * {@code \_SB.PCI0.PCNT}, which sends {@code Notify(Sxx, 1)} (device check) and Linux's {@code acpiphp} scans the
 * slot. Removing one: {@link #announceRemovalRequest} puts the slot in {@code PCID}; {@code PCNT} sends
 * {@code Notify(Sxx, 3)} (eject request); the guest unbinds its driver and calls the slot's {@code _EJ0}, which
 * writes the slot's bit to {@code B0EJ}; only then is the {@link EjectListener} told, and it unplugs the function.
 *
 * <p>The registers, {@value PcPlatform#PCI_HOTPLUG_LENGTH} ports at {@link PcPlatform#PCI_HOTPLUG_PORT}, one
 * 32-bit slot bitmap each (bit N is slot N; slot 0, the host bridge, never hotplugs):
 * <ul>
 * <li>{@value #UP} {@code PCIU}: slots announced as added since the last read; reading it (any of its bytes)
 * clears it, as in QEMU.
 * <li>{@value #DOWN} {@code PCID}: slots with a removal request the guest has not yet ejected; it stays set until
 * the eject, so each later event repeats the request.
 * <li>{@value #EJECT} {@code B0EJ}: writing ejects the slots whose bits are set; reads 0.
 * <li>{@value #HOTPLUGGABLE} {@code PCRM}: the slots that can be hot-plugged, 1 to 31; read-only.
 * </ul>
 * Any width at any offset works ({@link ByteRegisters}), and nothing a guest does throws.
 *
 * <p>A guest can eject a slot nobody asked it to (Linux powers a slot off when told to through
 * {@code /sys/bus/pci/slots/N/power}); the listener is told the same way, as QEMU does. The guest's
 * {@code echo 1 > /sys/bus/pci/devices/.../remove} does not eject: the function stays plugged, and a rescan finds it
 * again, as on QEMU.
 */
public final class PciHotplug {
    private static final Logger LOG = LoggerFactory.getLogger(PciHotplug.class);
    public static final int UP = 0x0;
    public static final int DOWN = 0x4;
    public static final int EJECT = 0x8;
    public static final int HOTPLUGGABLE = 0xC;
    /** Slots 1 to 31. */
    public static final int HOTPLUGGABLE_SLOTS = 0xFFFF_FFFE;
    private static final int SLOTS = 32;

    /** Who holds each slot of the bus; {@code PciRootBus} answers. */
    @FunctionalInterface
    public interface Occupancy {
        /** The owner of the function in {@code slot}, or null if the slot is empty. */
        String ownerOf(int slot);
    }

    /** Told when the guest has ejected a slot. */
    @FunctionalInterface
    public interface EjectListener {
        /**
         * The guest has let go of the function in {@code slot}, which {@code owner} plugged: the listener unplugs it
         * ({@code PciRootBus.unplug(owner)}, after closing the device) and, for a {@code device_del}, emits
         * DEVICE_DELETED. Until the slot is unplugged, further ejects of it are ignored.
         *
         * <p>Called on the vCPU thread that wrote the eject register (the guest waits in {@code _EJ0} meanwhile),
         * or on the thread that resets the machine ({@link #reset}); never under this object's lock. Work that
         * blocks for long belongs on another thread.
         */
        void ejected(int slot, String owner);
    }

    private final Occupancy occupancy;
    private final BusHandler registers = new Registers();
    private volatile EjectListener listener;
    private AcpiGpe gpe;
    private int up;
    private int down;
    /** Slots ejected (or completed by a reset) whose function has not been unplugged yet. */
    private int ejected;

    public PciHotplug(Occupancy occupancy) {
        this.occupancy = occupancy;
    }

    /** The GPE block whose event {@value PcPlatform#PCI_HOTPLUG_GPE} tells the guest to look. */
    public synchronized void connect(AcpiGpe gpe) {
        this.gpe = gpe;
    }

    /** Sets the one listener for ejects (null: none; an eject is then logged and the function stays). */
    public void onEject(EjectListener listener) {
        this.listener = listener;
    }

    /** The handler for the {@value PcPlatform#PCI_HOTPLUG_LENGTH} ports at {@link PcPlatform#PCI_HOTPLUG_PORT}. */
    public BusHandler registers() {
        return registers;
    }

    /**
     * Tells the guest that a function now sits in {@code slot}: plug it first. Use it only for a device added while
     * the guest runs; a function plugged before the guest starts is simply there when it scans the bus.
     *
     * @throws IllegalArgumentException for slot 0 or a slot outside 1-31
     * @throws IllegalStateException if the slot is empty or no GPE block is connected
     */
    public void announceAdded(int slot) {
        change(slot, true);
        LOG.info("PCI slot {}: announced to the guest as added", slot);
    }

    /**
     * Asks the guest to let go of the function in {@code slot}. The function stays plugged, and the guest keeps
     * using it, until the guest ejects the slot and the {@link EjectListener} is told. A guest that never ejects
     * (no ACPI hotplug driver, or one that refuses) keeps the device; the request is completed at the next machine
     * reset ({@link #reset}).
     *
     * @throws IllegalArgumentException for slot 0 or a slot outside 1-31
     * @throws IllegalStateException if the slot is empty or no GPE block is connected
     */
    public void announceRemovalRequest(int slot) {
        change(slot, false);
        LOG.info("PCI slot {}: removal requested from the guest", slot);
    }

    private void change(int slot, boolean added) {
        if (slot < 1 || slot >= SLOTS) {
            throw new IllegalArgumentException("PCI slot " + slot + " cannot be hot-plugged (slots 1-31 can)");
        }
        synchronized (this) {
            if (gpe == null) {
                throw new IllegalStateException("PCI hotplug has no GPE block connected: the guest cannot be told");
            }
            if (occupancy.ownerOf(slot) == null) {
                throw new IllegalStateException("PCI slot " + slot + " is empty");
            }
            if (added) {
                up |= 1 << slot;
            } else {
                down |= 1 << slot;
            }
            gpe.raise(PcPlatform.PCI_HOTPLUG_GPE);
        }
    }

    /** Whether a removal of {@code slot} was requested and the guest has not ejected it yet. */
    public synchronized boolean removalPending(int slot) {
        return slot > 0 && slot < SLOTS && (down & 1 << slot) != 0;
    }

    /** Whether the guest ejected {@code slot} (or a reset completed its removal) and it is not unplugged yet. */
    public synchronized boolean ejected(int slot) {
        return slot > 0 && slot < SLOTS && (ejected & 1 << slot) != 0;
    }

    /** Forgets everything about {@code slot}; {@code PciRootBus} calls it when the slot's function is unplugged. */
    public synchronized void slotFreed(int slot) {
        if (slot > 0 && slot < SLOTS) {
            int bit = 1 << slot;
            up &= ~bit;
            down &= ~bit;
            ejected &= ~bit;
        }
    }

    /**
     * Machine reset: a removal the guest was asked for and never ejected is completed now (the listener is told,
     * before the next guest can see the device), as QEMU does; additions not yet seen are forgotten, since the next
     * guest finds those functions when it scans the bus.
     */
    public void reset() {
        int pending;
        synchronized (this) {
            pending = down & ~ejected;
            up = 0;
            down = 0;
        }
        eject(pending, "the machine reset with its removal pending");
    }

    synchronized int up() {
        return up;
    }

    /** The type of {@link #saveState()}'s record. */
    public static final String STATE_TYPE = "pci-hotplug";
    public static final int STATE_VERSION = 1;

    /**
     * The registers the guest reads, a {@value #STATE_TYPE} record: {@code PCIU} (slots announced as added and not
     * yet seen) and {@code PCID} (removals requested and not yet ejected), each a slot bitmap. An eject in progress
     * is not state: the slot is unplugged before the guest runs again.
     */
    public synchronized StateRecord saveState() {
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("pciu", up & 0xFFFF_FFFFL)
                .put("pcid", down & 0xFFFF_FFFFL).build();
    }

    /** Checks that {@code r} is a readable {@link #saveState} record, without taking it. */
    public void checkState(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        for (String name : new String[] {"pciu", "pcid"}) {
            long bits = r.getLong(name);
            if ((bits & ~(HOTPLUGGABLE_SLOTS & 0xFFFF_FFFFL)) != 0) {
                throw new StateException(STATE_TYPE + "." + name + " = 0x" + Long.toHexString(bits)
                        + " names slots that cannot hotplug");
            }
        }
    }

    /**
     * Takes the registers of {@code r}; a pending announcement goes on as it would have (the GPE status that tells
     * the guest is the GPE block's own state).
     */
    public void restoreState(StateRecord r) throws StateException {
        checkState(r);
        synchronized (this) {
            up = (int) r.getLong("pciu");
            down = (int) r.getLong("pcid");
        }
    }

    private record Ejected(int slot, String owner) {
    }

    private void eject(int bitmap, String why) {
        List<Ejected> done = new ArrayList<>();
        synchronized (this) {
            for (int slot = 1; slot < SLOTS; slot++) {
                int bit = 1 << slot;
                if ((bitmap & bit) == 0 || (ejected & bit) != 0) {
                    continue;
                }
                String owner = occupancy.ownerOf(slot);
                if (owner == null) {
                    continue;
                }
                ejected |= bit;
                up &= ~bit;
                down &= ~bit;
                done.add(new Ejected(slot, owner));
            }
        }
        EjectListener l = listener;
        for (Ejected e : done) {
            LOG.info("PCI slot {} ({}) ejected: {}", e.slot(), e.owner(), why);
            if (l == null) {
                LOG.warn("PCI slot {} ({}) was ejected but nothing handles ejects; the function stays", e.slot(),
                        e.owner());
                continue;
            }
            try {
                l.ejected(e.slot(), e.owner());
            } catch (RuntimeException ex) {
                LOG.warn("PCI slot {} ({}): the eject listener failed", e.slot(), e.owner(), ex);
            }
        }
    }

    private final class Registers extends ByteRegisters {
        /** Eject bits written by the access under way; acted on once it is complete. */
        private int ejecting;

        Registers() {
            super("PCI hotplug registers", PcPlatform.PCI_HOTPLUG_LENGTH, PciHotplug.this);
        }

        @Override
        protected int readByte(int offset) {
            int register = switch (offset & ~3) {
                case UP -> up;
                case DOWN -> down;
                case HOTPLUGGABLE -> HOTPLUGGABLE_SLOTS;
                default -> 0;
            };
            return register >>> (8 * (offset & 3));
        }

        @Override
        protected void afterRead(long offset, int size) {
            if (offset < UP + 4) {
                up = 0;
            }
        }

        @Override
        protected void writeByte(int offset, int value) {
            if ((offset & ~3) == EJECT) {
                ejecting |= value << (8 * (offset & 3));
            }
        }

        @Override
        protected void afterWrite() {
            int bitmap;
            synchronized (PciHotplug.this) {
                bitmap = ejecting;
                ejecting = 0;
            }
            if (bitmap != 0) {
                eject(bitmap, "the guest ejected it");
            }
        }
    }
}
