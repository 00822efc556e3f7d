package io.modvm.devices.emulated.serial;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.IrqLine;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.AccessWidth;
import io.modvm.devices.emulated.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A National Semiconductor 16550A UART wired as on a PC: eight byte-wide ports, one ISA interrupt line gated by
 * MCR.OUT2. Transmission is instantaneous (bytes go straight to the backend), so THR and the transmitter are
 * always empty by the time the guest looks again; reception goes through a 16-byte FIFO that the backend fills
 * only as far as it has room. A break from the host becomes what a real 16550 makes of one: a 0x00 character in
 * the FIFO that carries the break indication (LSR.BI) when it reaches the top; Linux reads it as the start of a
 * magic SysRq sequence.
 *
 * <p>Bus accesses come from vCPU threads and {@link #receive} from a backend thread, so all register state is
 * guarded by one lock. Calls into the backend are made after the lock is released: a backend may hold its own
 * lock while it delivers input, and calling it with ours held could deadlock.
 *
 * <p>Its state ({@link UartState}) goes to a successor across an update of its bundle, a snapshot or a migration:
 * {@link #quiesce()} stops taking host input (the backend keeps what comes meanwhile), and the successor, built by
 * {@link IsaSerialFactory#restore}, takes the same backend again.
 */
public final class Uart16550 implements StatefulDevice, BusHandler, CharReceiver {
    static final int PORT_COUNT = 8;

    private static final Logger LOG = LoggerFactory.getLogger(Uart16550.class);

    private static final int RBR_THR_DLL = 0;
    private static final int IER_DLM = 1;
    private static final int IIR_FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    private static final int IER_RDI = 0x01;
    private static final int IER_THRI = 0x02;
    private static final int IER_RLSI = 0x04;
    private static final int IER_MSI = 0x08;

    private static final int IIR_NONE = 0x01;
    private static final int IIR_MSI = 0x00;
    private static final int IIR_THRI = 0x02;
    private static final int IIR_RDI = 0x04;
    private static final int IIR_RLSI = 0x06;
    private static final int IIR_TIMEOUT = 0x0c;
    private static final int IIR_FIFO_ENABLED = 0xc0;

    private static final int FCR_ENABLE = 0x01;
    private static final int FCR_CLEAR_RX = 0x02;
    private static final int FCR_CLEAR_TX = 0x04;
    /** FIFO enable, DMA mode and trigger level persist; the clear bits act once and read as zero. */
    private static final int FCR_STORED = 0xc9;

    private static final int LCR_BREAK = 0x40;
    private static final int LCR_DLAB = 0x80;

    private static final int MCR_OUT2 = 0x08;
    private static final int MCR_LOOP = 0x10;
    private static final int MCR_MASK = 0x1f;

    private static final int LSR_DR = 0x01;
    private static final int LSR_OE = 0x02;
    private static final int LSR_BI = 0x10;
    private static final int LSR_THRE = 0x20;
    private static final int LSR_TEMT = 0x40;
    /**
     * In FIFO mode: some character in the FIFO has an error (here, a break). The chip keeps it until an LSR read
     * finds no error left; deriving it from the FIFO differs only in when it drops, which no driver watches.
     */
    private static final int LSR_FIFO_ERROR = 0x80;

    /** DCD, DSR and CTS asserted: a terminal is always there. */
    private static final int MSR_INPUTS_PRESENT = 0xb0;
    private static final int MSR_TERI = 0x04;

    private final String id;
    private final IrqLine irq;
    private final CharBackend backend;
    private final Object lock = new Object();
    private final RxFifo rx = new RxFifo();
    private final WarnOnce badAccess = new WarnOnce(LOG);

    private int ier;
    private int fcr;
    private int lcr;
    private int mcr;
    private int scr;
    private int divisor;
    private int rbr;
    /** OE and BI as LSR reports them until it is read. */
    private int lineErrors;
    /**
     * A host break that found no room. The backend calls {@link #receiveBreak()} only when {@link #room()} is
     * positive, but if one arrives anyway it waits here, and {@link #room()} stays 0 until it is in the FIFO, so
     * that it keeps its place before the bytes that follow it.
     */
    private boolean breakPending;
    private int msrDeltas;
    private boolean thrInterruptPending;
    private boolean irqAsserted;
    /** The backend was told there is no room and waits for {@link CharBackend#receiverReady()}. */
    private boolean backendWaiting;
    private boolean closed;
    /** Host input waits in the backend: the state is being taken. */
    private boolean quiesced;

    /**
     * The caller attaches the UART to {@code backend} once the UART is plugged, so that no input reaches a
     * device the guest cannot see.
     *
     * @param backend where output goes and input comes from; null discards output and never receives
     */
    public Uart16550(String id, IrqLine irq, CharBackend backend) {
        this.id = id;
        this.irq = irq;
        this.backend = backend;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long read(long offset, int size) {
        if (size != 1 || offset < 0 || offset >= PORT_COUNT) {
            badAccess.warn("{}: ignoring a {}-byte read at offset {}", id, size, offset);
            return AccessWidth.allOnes(size);
        }
        int value;
        boolean wake;
        synchronized (lock) {
            value = readRegister((int) offset);
            admitPendingBreak();
            wake = takeBackendWakeup();
        }
        if (wake) {
            backend.receiverReady();
        }
        return value;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 1 || offset < 0 || offset >= PORT_COUNT) {
            badAccess.warn("{}: ignoring a {}-byte write at offset {}", id, size, offset);
            return;
        }
        int transmitted;
        boolean wake;
        synchronized (lock) {
            transmitted = writeRegister((int) offset, (int) value & 0xff);
            admitPendingBreak();
            wake = takeBackendWakeup();
        }
        if (transmitted >= 0 && backend != null) {
            backend.write(new byte[] {(byte) transmitted}, 0, 1);
        }
        if (wake) {
            backend.receiverReady();
        }
    }

    @Override
    public int room() {
        synchronized (lock) {
            int room = acceptsInput() && !breakPending ? rx.room() : 0;
            if (room == 0) {
                backendWaiting = true;
            }
            return room;
        }
    }

    @Override
    public void receive(byte[] data, int offset, int length) {
        synchronized (lock) {
            if (!acceptsInput()) {
                backendWaiting = true;
                return;
            }
            admitPendingBreak();
            for (int i = 0; i < length; i++) {
                receiveByte(data[offset + i] & 0xff);
            }
            if (rx.isFull()) {
                backendWaiting = true;
            }
            updateIrq();
        }
    }

    @Override
    public void receiveBreak() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (breakPending) {
                // Two breaks with nothing between them look like one long break on a real line.
                LOG.debug("{}: a break arrived while another waited for room; merged", id);
            }
            breakPending = true;
            admitPendingBreak();
            if (breakPending || rx.isFull()) {
                backendWaiting = true;
            }
        }
    }

    @Override
    public void reset() {
        boolean wake;
        synchronized (lock) {
            ier = 0;
            fcr = 0;
            lcr = 0;
            mcr = 0;
            scr = 0;
            divisor = 0;
            rbr = 0;
            lineErrors = 0;
            msrDeltas = 0;
            thrInterruptPending = false;
            rx.clear();
            rx.setLimit(1);
            irqAsserted = false;
            irq.set(false);
            // A break still waiting is host input, like the bytes the backend holds: it survives the reset.
            admitPendingBreak();
            wake = takeBackendWakeup();
        }
        if (wake) {
            backend.receiverReady();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (irqAsserted) {
                irqAsserted = false;
                irq.set(false);
            }
        }
    }

    @Override
    public void quiesce() {
        synchronized (lock) {
            quiesced = true;
        }
    }

    @Override
    public StateRecord saveState() {
        synchronized (lock) {
            return new UartState(ier, fcr, lcr, mcr, scr, divisor, rbr, lineErrors, msrDeltas, thrInterruptPending,
                    breakPending, rx.contents(), rx.breakFlags()).toRecord();
        }
    }

    @Override
    public void resume() {
        boolean wake;
        synchronized (lock) {
            quiesced = false;
            wake = takeBackendWakeup();
        }
        if (wake) {
            backend.receiverReady();
        }
    }

    /**
     * Takes over a predecessor's state, before this UART is attached to its backend: the registers, the FIFO as it
     * was, and the interrupt line driven as they say.
     *
     * @throws StateException if the record is not a readable {@code isa-serial} state
     */
    void restoreState(StateRecord record) throws StateException {
        UartState s = UartState.from(record);
        synchronized (lock) {
            ier = s.ier();
            fcr = s.fcr();
            lcr = s.lcr();
            mcr = s.mcr();
            scr = s.scr();
            divisor = s.divisor();
            rbr = s.rbr();
            lineErrors = s.lineErrors();
            msrDeltas = s.msrDeltas();
            thrInterruptPending = s.thrInterruptPending();
            breakPending = s.breakPending();
            rx.setLimit(fifoEnabled() ? RxFifo.DEPTH : 1);
            rx.load(s.rx(), s.rxBreaks());
            updateIrq();
        }
    }

    private int readRegister(int register) {
        switch (register) {
            case RBR_THR_DLL:
                return dlab() ? divisor & 0xff : readReceiveBuffer();
            case IER_DLM:
                return dlab() ? divisor >>> 8 : ier;
            case IIR_FCR:
                return readInterruptIdentification();
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR:
                return readLineStatus();
            case MSR:
                return readModemStatus();
            default:
                return scr;
        }
    }

    /** Returns the byte to transmit, or -1. */
    private int writeRegister(int register, int value) {
        switch (register) {
            case RBR_THR_DLL:
                if (dlab()) {
                    divisor = (divisor & 0xff00) | value;
                    return -1;
                }
                return transmit(value);
            case IER_DLM:
                if (dlab()) {
                    divisor = (divisor & 0x00ff) | (value << 8);
                } else {
                    writeInterruptEnable(value);
                }
                return -1;
            case IIR_FCR:
                writeFifoControl(value);
                return -1;
            case LCR:
                writeLineControl(value);
                return -1;
            case MCR:
                writeModemControl(value);
                return -1;
            case SCR:
                scr = value;
                return -1;
            default:
                // LSR and MSR are read-only; writing them is a factory test mode on real parts.
                return -1;
        }
    }

    private boolean dlab() {
        return (lcr & LCR_DLAB) != 0;
    }

    private boolean loopback() {
        return (mcr & MCR_LOOP) != 0;
    }

    private boolean fifoEnabled() {
        return (fcr & FCR_ENABLE) != 0;
    }

    /** In loopback the receiver is cut off from the serial input, so host input must wait. */
    private boolean acceptsInput() {
        return !closed && !quiesced && !loopback();
    }

    private int readReceiveBuffer() {
        if (!rx.isEmpty()) {
            rbr = rx.pop();
            noteTopCharacter();
            updateIrq();
        }
        return rbr;
    }

    private int readInterruptIdentification() {
        int identification = pendingInterrupt();
        if (identification == IIR_THRI) {
            // Reading IIR acknowledges a THR-empty interrupt when it is the one reported.
            thrInterruptPending = false;
            updateIrq();
        }
        return identification | (fifoEnabled() ? IIR_FIFO_ENABLED : 0);
    }

    private int readLineStatus() {
        int status = lineStatus();
        // Reading LSR clears OE and BI.
        if (lineErrors != 0) {
            lineErrors = 0;
            updateIrq();
        }
        return status;
    }

    private int lineStatus() {
        int fifoErrorBit = fifoEnabled() && rx.containsBreak() ? LSR_FIFO_ERROR : 0;
        return (rx.isEmpty() ? 0 : LSR_DR) | lineErrors | LSR_THRE | LSR_TEMT | fifoErrorBit;
    }

    private int readModemStatus() {
        int status = modemInputs(mcr) | msrDeltas;
        if (msrDeltas != 0) {
            msrDeltas = 0;
            updateIrq();
        }
        return status;
    }

    /** The upper MSR nibble: in loopback the modem outputs are wired back to the inputs. */
    private static int modemInputs(int modemControl) {
        if ((modemControl & MCR_LOOP) == 0) {
            return MSR_INPUTS_PRESENT;
        }
        return ((modemControl & 0x0c) << 4) | ((modemControl & 0x02) << 3) | ((modemControl & 0x01) << 5);
    }

    private int transmit(int value) {
        thrInterruptPending = false;
        int out = -1;
        if (loopback()) {
            receiveByte(value);
        } else {
            out = value;
        }
        // The byte leaves at once, so THR is empty again: that is a new THR-empty event.
        thrInterruptPending = true;
        updateIrq();
        return out;
    }

    private void receiveByte(int value) {
        receiveCharacter(value, false);
    }

    private void receiveCharacter(int value, boolean lineBreak) {
        boolean wasEmpty = rx.isEmpty();
        if (!rx.push(value, lineBreak)) {
            // A 16550 keeps the FIFO and loses the character in the shift register.
            lineErrors |= LSR_OE;
            return;
        }
        if (wasEmpty) {
            noteTopCharacter();
        }
    }

    /**
     * A 16550 reports a character's line errors when the character reaches the top of the FIFO, so that LSR
     * describes the byte RBR is about to return. Called whenever the top changes.
     */
    private void noteTopCharacter() {
        if (rx.topIsBreak()) {
            lineErrors |= LSR_BI;
        }
    }

    /** Puts a waiting host break into the FIFO once the receiver is connected and has room. */
    private void admitPendingBreak() {
        if (breakPending && acceptsInput() && rx.room() > 0) {
            breakPending = false;
            receiveCharacter(0, true);
            updateIrq();
        }
    }

    /**
     * In loopback the transmitter's output feeds the receiver, so setting the break control bit makes the
     * receiver see a break: one break character when the condition starts, as a real receiver reports it once
     * per break. Outside loopback the break would go to the host, and a backend has no way to carry one.
     */
    private void writeLineControl(int value) {
        boolean wasBreaking = loopbackBreak();
        lcr = value;
        breakLoopback(wasBreaking);
    }

    private boolean loopbackBreak() {
        return loopback() && (lcr & LCR_BREAK) != 0;
    }

    private void breakLoopback(boolean wasBreaking) {
        if (!wasBreaking && loopbackBreak()) {
            receiveCharacter(0, true);
            updateIrq();
        }
    }

    private void writeInterruptEnable(int value) {
        int changed = (ier ^ value) & 0x0f;
        ier = value & 0x0f;
        if ((changed & IER_THRI) != 0) {
            // Enabling THRI while THR is empty raises the interrupt even if an IIR read had cleared it; Linux's
            // 8250 startup test and Windows both depend on this.
            thrInterruptPending = (ier & IER_THRI) != 0;
        }
        updateIrq();
    }

    private void writeFifoControl(int value) {
        boolean modeChanged = ((fcr ^ value) & FCR_ENABLE) != 0;
        if (modeChanged || (value & FCR_CLEAR_RX) != 0) {
            rx.clear();
            lineErrors = 0;
        }
        if (modeChanged || (value & FCR_CLEAR_TX) != 0) {
            thrInterruptPending = true;
        }
        fcr = value & FCR_STORED;
        rx.setLimit(fifoEnabled() ? RxFifo.DEPTH : 1);
        updateIrq();
    }

    private void writeModemControl(int value) {
        int before = modemInputs(mcr);
        boolean wasBreaking = loopbackBreak();
        mcr = value & MCR_MASK;
        breakLoopback(wasBreaking);
        int after = modemInputs(mcr);
        int changed = (before ^ after) >>> 4;
        // Delta bits: CTS, DSR and DCD on any change, RI only on its trailing edge.
        msrDeltas |= changed & 0x0b;
        if ((before & 0x40) != 0 && (after & 0x40) == 0) {
            msrDeltas |= MSR_TERI;
        }
        updateIrq();
    }

    private int triggerLevel() {
        return switch (fcr >>> 6) {
            case 0 -> 1;
            case 1 -> 4;
            case 2 -> 8;
            default -> 14;
        };
    }

    private int pendingInterrupt() {
        if ((ier & IER_RLSI) != 0 && lineErrors != 0) {
            return IIR_RLSI;
        }
        if ((ier & IER_RDI) != 0 && !rx.isEmpty()) {
            // Data below the trigger level would raise a character timeout after four character times; a
            // virtual line has no character time, so it is reported at once.
            boolean belowTrigger = fifoEnabled() && rx.size() < triggerLevel();
            return belowTrigger ? IIR_TIMEOUT : IIR_RDI;
        }
        if ((ier & IER_THRI) != 0 && thrInterruptPending) {
            return IIR_THRI;
        }
        if ((ier & IER_MSI) != 0 && msrDeltas != 0) {
            return IIR_MSI;
        }
        return IIR_NONE;
    }

    /**
     * On a PC the UART's interrupt output reaches the ISA bus through a buffer enabled by OUT2. In loopback the
     * chip forces its modem outputs, OUT2 included, inactive, which disconnects the line as well.
     */
    private void updateIrq() {
        boolean level = !closed && pendingInterrupt() != IIR_NONE && (mcr & MCR_OUT2) != 0 && !loopback();
        if (level != irqAsserted) {
            irqAsserted = level;
            irq.set(level);
        }
    }

    private boolean takeBackendWakeup() {
        if (backend == null || !backendWaiting || !acceptsInput() || breakPending || rx.room() == 0) {
            return false;
        }
        backendWaiting = false;
        return true;
    }
}
