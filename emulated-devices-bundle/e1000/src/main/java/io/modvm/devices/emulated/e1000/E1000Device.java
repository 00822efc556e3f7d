package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Registers.*;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.BusHandler;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.api.net.MacAddress;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.Nic;
import io.modvm.api.net.SelfAnnouncement;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.AccessWidth;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Intel 82540EM Gigabit Ethernet controller, as Linux's e1000 driver and QEMU's {@code e1000} know it: the
 * register space of BAR 0 ({@link E1000Registers}), the EEPROM, the PHY, interrupts on INTx, and the receive and
 * transmit rings, each served by a thread of its own ({@link Receiver}, {@link Transmitter}). Register accesses
 * come on vCPU threads and take the device's lock briefly; the rings' threads take it to look at the registers and
 * to commit what they did, and move frames without it.
 *
 * <p>The device is also the machine's {@link Nic}: {@code info network}, {@code set_link} (the guest sees Link
 * Status Change and STATUS.LU) and {@code query-rx-filter} reach it through that interface. It hands its state to a
 * successor across an update of its bundle ({@link StatefulDevice}).
 */
public final class E1000Device implements StatefulDevice, Nic, BusHandler {
    static final String MODEL = "e1000";
    private static final Logger LOG = LoggerFactory.getLogger(E1000Device.class);
    private static final int RXD_STAT_DD = 1;
    private static final int RXD_STAT_EOP = 1 << 1;
    /** Ignore Checksum Indication: the device checks no checksums, so the driver must. */
    private static final int RXD_STAT_IXSM = 1 << 2;
    private static final int RXD_STAT_VP = 1 << 3;
    private static final int RXD_ERR_RXE = 0x80;
    /** The registers that hold what the driver writes, beyond those with a behaviour of their own. */
    private static final int[] PLAIN = {CTRL_EXT, FLA, FCAL, FCAH, FCT, VET, FCTTV, TXCW, TCTL_EXT, TIPG, AIT, LEDCTL,
        PBA, ERT, FCRTL, FCRTH, RDFH, RDFT, RDFHS, RDFTS, RDFPC, RXDCTL, RSRPD, TXDMAC, TDFH, TDFT, TDFHS, TDFTS, TDFPC,
        TXDCTL, TSPMT, RXCSUM, WUC, WUFC, WUS, MANC, IPAV, WUPL, SWSM};
    private static final java.util.BitSet STORED = stored();

    private final String id;
    private final E1000Config config;
    private final NetworkBackend backend;
    private final Supplier<GuestMemory> memory;
    private final RegisterFile regs = new RegisterFile();
    private final Eeprom eeprom;
    private final MicrowireEeprom microwire;
    private final Phy phy = new Phy();
    private final Statistics statistics = new Statistics();
    private final GuestErrors errors;
    private final Interrupts interrupts;
    private final ScheduledExecutorService timer;
    private final Transmitter transmitter;
    private final DeviceThread transmitThread;
    private final DeviceThread receiveThread;
    private final EventNotifier transmitWake;
    private final EventNotifier receiveWake;
    private volatile PciFunction function;
    private volatile Runnable onClose = () -> { };
    private volatile boolean nicLink = true;
    private boolean statusLink;
    private int transmitEpoch;
    private int receiveEpoch;
    private boolean transmitBroken;
    private boolean receiveBroken;
    private boolean closed;

    /**
     * @param backend the network backend, or null for a NIC without one: frames sent go nowhere and none come
     * @param memory guest RAM of the current run (null before the first)
     * @param transmitWake wakes the transmit thread; the device closes it
     * @param receiveWake wakes the receive thread, also while it waits on the backend; the device closes it
     * @param timer runs the interrupt throttle's deferred raises; the device shuts it down when it is closed
     */
    E1000Device(String id, E1000Config config, NetworkBackend backend, Supplier<GuestMemory> memory,
            EventNotifier transmitWake, EventNotifier receiveWake, ScheduledExecutorService timer) {
        this.id = id;
        this.config = config;
        this.backend = backend;
        this.memory = memory;
        this.timer = timer;
        this.errors = new GuestErrors(MODEL + " " + id);
        this.eeprom = new Eeprom(config.mac(), E1000Factory.DEVICE_ID, E1000Factory.SUBSYSTEM_VENDOR_ID,
                E1000Factory.SUBSYSTEM_ID);
        this.microwire = new MicrowireEeprom(eeprom);
        this.interrupts = new Interrupts(this::setIntx, (task, nanos) -> {
            try {
                var f = timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
                return () -> { };
            }
        }, System::nanoTime);
        boolean vnetHeader = backend != null && backend.vnetHeader();
        this.transmitWake = transmitWake;
        this.receiveWake = receiveWake;
        this.transmitter = new Transmitter(this, backend == null ? null : backend.queue(0), vnetHeader, errors);
        this.transmitThread = new DeviceThread(MODEL + " " + id + " transmit", transmitWake, transmitter);
        this.receiveThread = new DeviceThread(MODEL + " " + id + " receive", receiveWake,
                new Receiver(this, backend == null ? null : backend.queue(0), vnetHeader, errors));
        powerOn();
        if (backend != null) {
            backend.onLinkChange(this::linkChanged);
        }
    }

    private static java.util.BitSet stored() {
        java.util.BitSet s = new java.util.BitSet(BAR_SIZE / 4);
        for (int r : PLAIN) {
            s.set(r / 4);
        }
        s.set(MTA / 4, MTA / 4 + MTA_ENTRIES);
        s.set(RA / 4, RA / 4 + 2 * RA_ENTRIES);
        s.set(VFTA / 4, VFTA / 4 + VFTA_ENTRIES);
        s.set(IP4AT / 4, IP4AT / 4 + 8);
        s.set(IP6AT / 4, IP6AT / 4 + 4);
        return s;
    }

    /** The PCI function the device was plugged as: its INTx, its bus mastering. */
    void attach(PciFunction pci) {
        this.function = pci;
    }

    /** Starts the ring threads; they stay idle until the driver enables receive and transmit. */
    void start() {
        transmitThread.start();
        receiveThread.start();
    }

    /** Called once the device is closed, to withdraw its {@link Nic} service. */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    /** Power-on values: the registers as SDM chapter 13 gives them, the address from the EEPROM in slot 0. */
    private synchronized void powerOn() {
        regs.clear();
        regs.set(CTRL, CTRL_FD | CTRL_SLU | CTRL_SPD_1000);
        regs.set(PBA, 0x0010_0030);
        regs.set(LEDCTL, 0x0706_8302);
        regs.set(VET, 0x8100);
        RxFilter.setAddress(regs, 0, config.mac());
        microwire.reset();
        interrupts.reset();
        statistics.clear();
        statusLink = linkUp();
        phy.reset(statusLink);
        transmitEpoch++;
        receiveEpoch++;
        transmitBroken = false;
        receiveBroken = false;
        transmitter.restoreContexts(TxContext.NONE, TxContext.NONE);
    }

    // ---- BAR 0 ----

    @Override
    public long read(long offset, int size) {
        int reg = (int) offset & ~3;
        if (size == 8) {
            return readRegister(reg) & 0xFFFF_FFFFL | (long) readRegister(reg + 4) << 32;
        }
        long value = readRegister(reg) & 0xFFFF_FFFFL;
        return value >>> (8 * ((int) offset & 3)) & AccessWidth.allOnes(size);
    }

    @Override
    public void write(long offset, int size, long value) {
        int reg = (int) offset & ~3;
        if (size == 8) {
            writeRegister(reg, (int) value);
            writeRegister(reg + 4, (int) (value >>> 32));
            return;
        }
        if (size < 4) {
            // A narrow write changes its bytes of the register as last stored.
            int shift = 8 * ((int) offset & 3);
            int mask = (int) AccessWidth.allOnes(size) << shift;
            int old;
            synchronized (this) {
                old = regs.get(reg);
            }
            writeRegister(reg, old & ~mask | (int) value << shift & mask);
            return;
        }
        writeRegister(reg, (int) value);
    }

    synchronized int readRegister(int reg) {
        switch (reg) {
            case CTRL, CTRL_DUP:
                return regs.get(CTRL);
            case STATUS:
                return STATUS_FD | (statusLink ? STATUS_LU : 0) | STATUS_SPEED_1000 | STATUS_ASDV_1000
                        | STATUS_MTXCKOK | STATUS_GIO_MASTER_ENABLE;
            case EECD:
                return microwire.read();
            case ICR:
                return interrupts.readAndClear();
            case ICS:
                return interrupts.pending();
            case IMS:
                return interrupts.mask();
            case ITR:
                return interrupts.throttle();
            case EERD, MDIC, RCTL, TCTL, RDBAL, RDBAH, RDLEN, RDH, RDT, RDTR, RADV, TDBAL, TDBAH, TDLEN, TDH, TDT,
                    TIDV, TADV:
                return regs.get(reg);
            default:
                if (reg >= STATS_FIRST && reg <= STATS_LAST) {
                    return statistics.read(reg);
                }
                return STORED.get(reg / 4) ? regs.get(reg) : 0;
        }
    }

    void writeRegister(int reg, int value) {
        boolean wakeTransmit = false;
        boolean wakeReceive = false;
        synchronized (this) {
            switch (reg) {
                case CTRL, CTRL_DUP -> {
                    if ((value & CTRL_RST) != 0) {
                        LOG.debug("{}: software reset", id);
                        powerOn();
                        wakeTransmit = true;
                        wakeReceive = true;
                    } else {
                        regs.set(CTRL, value);
                    }
                }
                case EECD -> microwire.write(value);
                case EERD -> regs.set(EERD, Eeprom.eerd(eeprom, value));
                case MDIC -> {
                    regs.set(MDIC, phy.mdic(value));
                    if ((value & Phy.MDIC_INTERRUPT) != 0) {
                        interrupts.cause(ICR_MDAC);
                    }
                }
                case ICR -> interrupts.clear(value);
                case ICS -> interrupts.cause(value);
                case IMS -> interrupts.unmask(value);
                case IMC -> interrupts.mask(value);
                case ITR -> interrupts.setThrottle(value);
                case RCTL -> {
                    regs.set(RCTL, value);
                    wakeReceive = true;
                }
                case TCTL -> {
                    regs.set(TCTL, value);
                    wakeTransmit = true;
                }
                case RDBAL, RDBAH, RDLEN, RDH -> {
                    regs.set(reg, ringValue(reg, value));
                    receiveEpoch++;
                    receiveBroken = false;
                    wakeReceive = true;
                }
                case RDT -> {
                    regs.set(RDT, value & 0xFFFF);
                    wakeReceive = true;
                }
                case TDBAL, TDBAH, TDLEN, TDH -> {
                    regs.set(reg, ringValue(reg, value));
                    transmitEpoch++;
                    transmitBroken = false;
                    wakeTransmit = true;
                }
                case TDT -> {
                    regs.set(TDT, value & 0xFFFF);
                    wakeTransmit = true;
                }
                case RDTR, RADV, TIDV, TADV -> regs.set(reg, value & 0xFFFF);
                default -> {
                    if (STORED.get(reg / 4)) {
                        regs.set(reg, value);
                    }
                }
            }
        }
        if (wakeTransmit) {
            transmitThread.wake();
        }
        if (wakeReceive) {
            receiveThread.wake();
        }
    }

    /** Base addresses are 16-byte aligned, lengths a multiple of 128 bytes, heads 16 bits. */
    private static int ringValue(int reg, int value) {
        return switch (reg) {
            case RDBAL, TDBAL -> value & ~0xF;
            case RDLEN, TDLEN -> value & RING_LENGTH_MASK;
            case RDH, TDH -> value & 0xFFFF;
            default -> value;
        };
    }

    private void setIntx(boolean asserted) {
        PciFunction f = function;
        if (f != null) {
            f.setIntx(asserted);
        }
    }

    // ---- what the ring threads ask ----

    GuestMemory memory() {
        return memory.get();
    }

    Statistics statistics() {
        return statistics;
    }

    private boolean busMaster() {
        PciFunction f = function;
        return f != null && f.busMaster();
    }

    /** The transmit ring if the device may transmit now (TCTL.EN, bus mastering, a sound ring), else null. */
    synchronized DescriptorRing transmitRing() {
        if ((regs.get(TCTL) & TCTL_EN) == 0 || transmitBroken || !busMaster()) {
            return null;
        }
        return ring("transmit", transmitEpoch, TDBAL, TDBAH, TDLEN, TDH, TDT);
    }

    /** The receive ring if the device may receive now (RCTL.EN, bus mastering, a sound ring), else null. */
    synchronized DescriptorRing receiveRing() {
        if ((regs.get(RCTL) & RCTL_EN) == 0 || receiveBroken || !busMaster()) {
            return null;
        }
        return ring("receive", receiveEpoch, RDBAL, RDBAH, RDLEN, RDH, RDT);
    }

    private DescriptorRing ring(String kind, int epoch, int low, int high, int length, int head, int tail) {
        long base = (long) regs.get(high) << 32 | regs.get(low) & 0xFFFF_FFFFL;
        int bytes = regs.get(length);
        String problem = DescriptorRing.problem(base, bytes, regs.get(head), regs.get(tail));
        if (problem != null) {
            errors.report(kind + " ring", problem + "; the ring is ignored until the driver fixes it");
            return null;
        }
        int count = bytes / DESCRIPTOR_SIZE;
        return count == 0 ? null : new DescriptorRing(epoch, base, count, regs.get(head), regs.get(tail));
    }

    /** The ring's descriptors are not in RAM: it stops until the driver programs it again. */
    synchronized void transmitRingBroken(DescriptorRing ring, String why) {
        if (ring.epoch() == transmitEpoch) {
            transmitBroken = true;
            errors.report("transmit ring", why + "; the ring stops until the driver programs it again");
        }
    }

    synchronized void receiveRingBroken(DescriptorRing ring, String why) {
        if (ring.epoch() == receiveEpoch) {
            receiveBroken = true;
            errors.report("receive ring", why + "; the ring stops until the driver programs it again");
        }
    }

    /**
     * Moves TDH to {@code head} and raises {@code causes}, with Transmit Queue Empty when the ring is done, unless
     * the ring was programmed anew since {@code ring} was taken. Returns false then.
     */
    synchronized boolean commitTransmit(DescriptorRing ring, int head, int causes) {
        if (ring.epoch() != transmitEpoch) {
            return false;
        }
        regs.set(TDH, head);
        int c = causes | (head == regs.get(TDT) ? ICR_TXQE : 0);
        interrupts.cause(c);
        return true;
    }

    /**
     * Hands back the {@code used} descriptors from the ring's head holding a frame of {@code total} bytes (FCS
     * included), moves RDH, and raises Receive Timer (and Receive Descriptor Minimum Threshold when the driver
     * should give more), unless the ring was programmed anew meanwhile.
     *
     * @param special the 802.1Q tag taken out of the frame, or -1
     */
    synchronized void commitReceive(DescriptorRing ring, int used, int total, int bufferSize, int special,
            int frameLength, byte[] head) {
        if (ring.epoch() != receiveEpoch) {
            return;
        }
        GuestMemory m = memory.get();
        try {
            for (int i = 0; i < used; i++) {
                boolean last = i == used - 1;
                int length = last ? total - i * bufferSize : bufferSize;
                int status = RXD_STAT_DD | RXD_STAT_IXSM | (last ? RXD_STAT_EOP : 0)
                        | (special >= 0 ? RXD_STAT_VP : 0);
                m.writeInt(ring.address(i) + 8, length);
                m.writeInt(ring.address(i) + 12, status | (special >= 0 ? special : 0) << 16);
            }
        } catch (GuestMemoryException e) {
            receiveRingBroken(ring, "descriptor write-back failed: " + e.getMessage());
            return;
        }
        statistics.received(frameLength, head);
        advanceReceive(ring, used);
    }

    /** Hands back the head descriptor empty, with an error: its buffer is not in RAM. */
    synchronized void commitReceiveError(DescriptorRing ring) {
        if (ring.epoch() != receiveEpoch) {
            return;
        }
        try {
            memory.get().writeInt(ring.address(0) + 8, 0);
            memory.get().writeInt(ring.address(0) + 12, RXD_STAT_DD | RXD_STAT_EOP | RXD_ERR_RXE << 8);
        } catch (GuestMemoryException e) {
            receiveRingBroken(ring, "descriptor write-back failed: " + e.getMessage());
            return;
        }
        advanceReceive(ring, 1);
    }

    private void advanceReceive(DescriptorRing ring, int used) {
        int head = ring.index(used);
        regs.set(RDH, head);
        int owned = Math.floorMod(regs.get(RDT) - head, ring.count());
        int threshold = ring.count() >> ((regs.get(RCTL) >>> RCTL_RDMTS_SHIFT & 3) + 1);
        interrupts.cause(ICR_RXT0 | (owned <= threshold ? ICR_RXDMT0 : 0));
    }

    /** Receive buffer size from RCTL.BSIZE and BSEX: 256 to 2048 bytes, or 4096 to 16384 with BSEX. */
    synchronized int receiveBufferSize() {
        int rctl = regs.get(RCTL);
        int size = rctl >>> RCTL_BSIZE_SHIFT & 3;
        if ((rctl & RCTL_BSEX) != 0 && size != 0) {
            return 16384 >> (size - 1);
        }
        return 2048 >> size;
    }

    synchronized boolean longPackets() {
        return (regs.get(RCTL) & RCTL_LPE) != 0;
    }

    synchronized boolean storeBadPackets() {
        return (regs.get(RCTL) & RCTL_SBP) != 0;
    }

    synchronized boolean stripsCrc() {
        return (regs.get(RCTL) & RCTL_SECRC) != 0;
    }

    synchronized boolean vlanMode() {
        return (regs.get(CTRL) & CTRL_VME) != 0;
    }

    synchronized int vlanEtherType() {
        return regs.get(VET) & 0xFFFF;
    }

    synchronized boolean tagged(byte[] head) {
        return RxFilter.isTagged(regs, head);
    }

    synchronized boolean accepts(byte[] head) {
        return RxFilter.accepts(regs, head);
    }

    /** True while the transmit thread should go on waiting for a full backend. */
    boolean transmitting() {
        return transmitThread.running();
    }

    // ---- the link ----

    private void linkChanged() {
        boolean changed;
        synchronized (this) {
            boolean up = linkUp();
            changed = up != statusLink;
            statusLink = up;
            phy.setLink(up);
            if (changed) {
                interrupts.cause(ICR_LSC);
            }
        }
        if (changed) {
            LOG.info("{}: link {}", id, statusLink ? "up" : "down");
        }
        receiveThread.wake();
    }

    // ---- Device ----

    @Override
    public String id() {
        return id;
    }

    /** Power-on state, as on a machine reset: the ring threads stop first, so none touches the old RAM after. */
    @Override
    public void reset() {
        stopThreads();
        powerOn();
        if (!isClosed()) {
            start();
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void stopThreads() {
        transmitThread.stop();
        receiveThread.stop();
    }

    /**
     * Unplugged or handed over: the threads stop and the NIC leaves the registry. The backend stays open: the machine
     * holds it, for a successor or until it is removed.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stopThreads();
        timer.shutdownNow();
        if (backend != null) {
            backend.onLinkChange(null);
        }
        transmitWake.close();
        receiveWake.close();
        onClose.run();
    }

    // ---- StatefulDevice ----

    @Override
    public void quiesce() {
        stopThreads();
    }

    @Override
    public synchronized StateRecord saveState() {
        TxContext[] contexts = transmitter.contexts();
        return new E1000State(regs.nonZero(), phy.save(), microwire.save(), interrupts.pending(), interrupts.mask(),
                interrupts.throttle(), nicLink, contexts[0], contexts[1]).toRecord();
    }

    @Override
    public void resume() {
        if (!isClosed()) {
            start();
        }
    }

    /** Takes over a predecessor's state; before {@link #attach} and {@link #start}. */
    synchronized void restoreState(StateRecord record) throws StateException {
        E1000State s = E1000State.from(record);
        regs.clear();
        for (int i = 0; i + 1 < s.registers().length; i += 2) {
            regs.set(s.registers()[i], s.registers()[i + 1]);
        }
        nicLink = s.linkUp();
        statusLink = linkUp();
        phy.restore(s.phy(), statusLink);
        microwire.restore(s.eeprom());
        transmitter.restoreContexts(s.checksumContext(), s.segmentationContext());
    }

    /** Drives INTx as the restored causes and mask say; after {@link #attach}. */
    synchronized void restoreInterrupts(StateRecord record) throws StateException {
        E1000State s = E1000State.from(record);
        interrupts.restore(s.icr(), s.ims(), s.itr());
    }

    // ---- Nic ----

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public String mac() {
        return MacAddress.format(currentMac());
    }

    /** Receive address 0 as the driver set it, or the EEPROM's before it did. */
    private synchronized byte[] currentMac() {
        byte[] current = RxFilter.address(regs, 0);
        return current != null ? current : config.mac();
    }

    @Override
    public String netdev() {
        return config.netdev();
    }

    @Override
    public String backendInfo() {
        return backend == null ? "" : backend.describe() + ",datapath=" + backend.datapath();
    }

    @Override
    public boolean linkUp() {
        return nicLink && (backend == null || backend.linkUp());
    }

    @Override
    public void setLink(boolean up) {
        nicLink = up;
        linkChanged();
    }

    /** The 82540EM has no way to ask its driver to announce itself: the RARP is all. */
    @Override
    public void announce() {
        if (backend == null || !linkUp()) {
            return;
        }
        try {
            backend.announce(SelfAnnouncement.frame(currentMac()));
        } catch (IOException e) {
            errors.reportHost("announce", e.getMessage());
        }
    }

    @Override
    public synchronized Map<String, Object> rxFilter() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", id);
        m.putAll(RxFilter.describe(regs, config.mac()));
        return m;
    }

    /** How many guest errors the device has seen (for tests and the log). */
    long guestErrors() {
        return errors.count();
    }
}
