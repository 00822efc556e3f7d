package io.modvm.devices.emulated.i8042;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.IrqLine;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.AccessWidth;
import io.modvm.devices.emulated.support.WarnOnce;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Intel 8042 keyboard controller as on a PC/AT with a PS/2 mouse port: a data port, a status/command port,
 * one output buffer shared by the controller, the keyboard and the mouse, IRQ 1 for keyboard data and IRQ 12
 * for mouse data. The controller answers at once, so the input buffer is never full.
 *
 * <p>Its state goes to a successor across a bundle update, a snapshot or a migration: an {@value #STATE_TYPE}
 * record with the controller's RAM (the command byte is byte 0), its output buffer and status, the output port, the
 * controller's own reply queue, the command waiting for its data byte, and the keyboard's and mouse's records.
 */
public final class I8042Controller implements StatefulDevice {
    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;

    private static final Logger LOG = LoggerFactory.getLogger(I8042Controller.class);

    private static final int STATUS_OUTPUT_FULL = 0x01;
    private static final int STATUS_SYSTEM = 0x04;
    private static final int STATUS_LAST_WAS_COMMAND = 0x08;
    /** The keylock switch is open; Linux warns when it is not. */
    private static final int STATUS_UNLOCKED = 0x10;
    private static final int STATUS_AUX_DATA = 0x20;

    private static final int CTR_KBD_INT = 0x01;
    private static final int CTR_AUX_INT = 0x02;
    private static final int CTR_SYSTEM = 0x04;
    private static final int CTR_KBD_DISABLED = 0x10;
    private static final int CTR_AUX_DISABLED = 0x20;
    private static final int CTR_TRANSLATE = 0x40;
    /** QEMU's power-on value: both interrupts on, translation off, no BIOS having run. */
    private static final int CTR_POWER_ON = CTR_KBD_INT | CTR_AUX_INT;

    private static final int OUTPUT_RESET = 0x01;
    private static final int OUTPUT_A20 = 0x02;
    private static final int OUTPUT_KBD_FULL = 0x10;
    private static final int OUTPUT_AUX_FULL = 0x20;
    private static final int OUTPUT_POWER_ON = 0xcc | OUTPUT_A20 | OUTPUT_RESET;

    private static final int CMD_READ_RAM = 0x20;
    private static final int CMD_WRITE_RAM = 0x60;
    private static final int CMD_PASSWORD_INSTALLED = 0xa4;
    private static final int CMD_AUX_DISABLE = 0xa7;
    private static final int CMD_AUX_ENABLE = 0xa8;
    private static final int CMD_AUX_TEST = 0xa9;
    private static final int CMD_SELF_TEST = 0xaa;
    private static final int CMD_KBD_TEST = 0xab;
    private static final int CMD_KBD_DISABLE = 0xad;
    private static final int CMD_KBD_ENABLE = 0xae;
    private static final int CMD_READ_INPUT = 0xc0;
    private static final int CMD_READ_OUTPUT = 0xd0;
    private static final int CMD_WRITE_OUTPUT = 0xd1;
    private static final int CMD_WRITE_KBD_BUFFER = 0xd2;
    private static final int CMD_WRITE_AUX_BUFFER = 0xd3;
    private static final int CMD_WRITE_AUX = 0xd4;
    private static final int CMD_A20_OFF = 0xdd;
    private static final int CMD_A20_ON = 0xdf;
    private static final int CMD_READ_TEST_INPUTS = 0xe0;
    private static final int CMD_PULSE_FIRST = 0xf0;

    private static final int SELF_TEST_OK = 0x55;
    private static final int INTERFACE_OK = 0x00;
    private static final int NO_PASSWORD = 0xf1;
    /** Keyboard not inhibited. */
    private static final int INPUT_PORT = 0x80;
    /** Queue entries carry the source in bit 8. */
    private static final int FROM_AUX = 0x100;

    private final String id;
    private final IrqLine keyboardIrq;
    private final IrqLine auxIrq;
    private final Runnable resetRequest;
    private final Object lock = new Object();
    private final WarnOnce badAccess = new WarnOnce(LOG);
    private final WarnOnce unknownCommand = new WarnOnce(LOG);
    private final int[] ram = new int[32];
    private final ArrayDeque<Integer> controllerOutput = new ArrayDeque<>();
    private final Ps2Keyboard keyboard = new Ps2Keyboard(() -> (ram[0] & CTR_TRANSLATE) != 0);
    private final Ps2Mouse mouse = new Ps2Mouse();
    private final BusHandler dataPort = new Port(false);
    private final BusHandler commandPort = new Port(true);

    private int outputBuffer;
    private boolean outputFull;
    private boolean outputFromAux;
    private boolean lastWasCommand;
    private int outputPort;
    /** The controller command waiting for its data byte on port 0x60, or -1. */
    private int pendingCommand;
    private boolean keyboardIrqLevel;
    private boolean auxIrqLevel;

    /**
     * @param resetRequest called, outside the controller's lock, when the guest pulses the CPU reset line
     */
    public I8042Controller(String id, IrqLine keyboardIrq, IrqLine auxIrq, Runnable resetRequest) {
        this.id = id;
        this.keyboardIrq = keyboardIrq;
        this.auxIrq = auxIrq;
        this.resetRequest = resetRequest;
        powerOn();
    }

    @Override
    public String id() {
        return id;
    }

    /** Port 0x60: output buffer on read, data for the keyboard or for a pending command on write. */
    public BusHandler dataPort() {
        return dataPort;
    }

    /** Port 0x64: status on read, controller commands on write. */
    public BusHandler commandPort() {
        return commandPort;
    }

    @Override
    public void reset() {
        synchronized (lock) {
            powerOn();
            keyboardIrqLevel = false;
            auxIrqLevel = false;
            keyboardIrq.set(false);
            auxIrq.set(false);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            outputFull = false;
            controllerOutput.clear();
            keyboard.reset();
            mouse.reset();
            updateIrqs();
        }
    }

    static final String STATE_TYPE = I8042Factory.TYPE;
    static final int STATE_VERSION = 1;

    @Override
    public void quiesce() {
        // No threads and no host input: only the paused guest changes this controller.
    }

    @Override
    public StateRecord saveState() {
        synchronized (lock) {
            byte[] ramBytes = new byte[ram.length];
            for (int i = 0; i < ram.length; i++) {
                ramBytes[i] = (byte) ram[i];
            }
            byte[] replies = new byte[controllerOutput.size()];
            byte[] replyFromAux = new byte[replies.length];
            int i = 0;
            for (int entry : controllerOutput) {
                replies[i] = (byte) entry;
                replyFromAux[i++] = (byte) ((entry & FROM_AUX) != 0 ? 1 : 0);
            }
            return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("ram", ramBytes)
                    .put("outputBuffer", outputBuffer).put("outputFull", outputFull)
                    .put("outputFromAux", outputFromAux).put("lastWasCommand", lastWasCommand)
                    .put("outputPort", outputPort).put("pendingCommand", pendingCommand)
                    .put("controllerReplies", replies).put("controllerRepliesFromAux", replyFromAux)
                    .put("keyboard", keyboard.save()).put("mouse", mouse.save()).build();
        }
    }

    @Override
    public void resume() {
    }

    /** Takes over a predecessor's state, and drives IRQ 1 and 12 as it says. */
    void restoreState(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        byte[] ramBytes = r.getBytes("ram");
        byte[] replies = r.getBytes("controllerReplies");
        byte[] fromAux = r.getBytes("controllerRepliesFromAux");
        int pending = r.getInt("pendingCommand");
        if (ramBytes.length != ram.length || fromAux.length != replies.length || pending < -1 || pending > 0xff) {
            throw new StateException(STATE_TYPE + ": " + ramBytes.length + " RAM bytes (not " + ram.length + "), "
                    + replies.length + " replies with " + fromAux.length + " sources, pending command " + pending);
        }
        synchronized (lock) {
            keyboard.restore(r.getRecord("keyboard"));
            mouse.restore(r.getRecord("mouse"));
            for (int i = 0; i < ram.length; i++) {
                ram[i] = ramBytes[i] & 0xff;
            }
            controllerOutput.clear();
            for (int i = 0; i < replies.length; i++) {
                controllerOutput.add((replies[i] & 0xff) | (fromAux[i] != 0 ? FROM_AUX : 0));
            }
            outputBuffer = r.getInt("outputBuffer") & 0xff;
            outputFull = r.getBoolean("outputFull");
            outputFromAux = r.getBoolean("outputFromAux");
            lastWasCommand = r.getBoolean("lastWasCommand");
            outputPort = r.getInt("outputPort") & 0xff;
            pendingCommand = pending;
            updateIrqs();
        }
    }

    private void powerOn() {
        Arrays.fill(ram, 0);
        ram[0] = CTR_POWER_ON;
        controllerOutput.clear();
        keyboard.reset();
        mouse.reset();
        outputBuffer = 0;
        outputFull = false;
        outputFromAux = false;
        lastWasCommand = true;
        outputPort = OUTPUT_POWER_ON;
        pendingCommand = -1;
    }

    private int readData() {
        int value = outputBuffer;
        if (outputFull) {
            outputFull = false;
            // Lowering before the next byte is loaded gives the edge-triggered PIC a fresh edge.
            updateIrqs();
            refill();
        }
        return value;
    }

    private int readStatus() {
        int status = STATUS_UNLOCKED | (ram[0] & CTR_SYSTEM);
        if (outputFull) {
            status |= STATUS_OUTPUT_FULL | (outputFromAux ? STATUS_AUX_DATA : 0);
        }
        if (lastWasCommand) {
            status |= STATUS_LAST_WAS_COMMAND;
        }
        return status;
    }

    /** Returns true if the guest asked for a reset. */
    private boolean writeCommand(int command) {
        lastWasCommand = true;
        pendingCommand = -1;
        boolean reset = false;
        if (command >= CMD_READ_RAM && command < CMD_READ_RAM + ram.length) {
            queue(ram[command - CMD_READ_RAM]);
        } else if (command >= CMD_WRITE_RAM && command < CMD_WRITE_RAM + ram.length) {
            pendingCommand = command;
        } else if (command >= CMD_PULSE_FIRST) {
            // Bits 0-3 clear pulse output-port lines low for 6 µs; line 0 is the CPU reset.
            reset = (command & OUTPUT_RESET) == 0;
        } else {
            runCommand(command);
        }
        refill();
        return reset;
    }

    private void runCommand(int command) {
        switch (command) {
            case CMD_PASSWORD_INSTALLED -> queue(NO_PASSWORD);
            case CMD_AUX_DISABLE -> ram[0] |= CTR_AUX_DISABLED;
            case CMD_AUX_ENABLE -> ram[0] &= ~CTR_AUX_DISABLED;
            case CMD_AUX_TEST, CMD_KBD_TEST -> queue(INTERFACE_OK);
            case CMD_SELF_TEST -> {
                ram[0] |= CTR_SYSTEM;
                queue(SELF_TEST_OK);
            }
            case CMD_KBD_DISABLE -> ram[0] |= CTR_KBD_DISABLED;
            case CMD_KBD_ENABLE -> ram[0] &= ~CTR_KBD_DISABLED;
            case CMD_READ_INPUT -> queue(INPUT_PORT);
            case CMD_READ_OUTPUT -> queue(outputPortValue());
            case CMD_WRITE_OUTPUT, CMD_WRITE_KBD_BUFFER, CMD_WRITE_AUX_BUFFER, CMD_WRITE_AUX -> pendingCommand = command;
            // The A20 gate cannot be modelled under KVM; the guest only sees the bit change.
            case CMD_A20_OFF -> outputPort &= ~OUTPUT_A20;
            case CMD_A20_ON -> outputPort |= OUTPUT_A20;
            case CMD_READ_TEST_INPUTS -> queue(0x00);
            default -> unknownCommand.warn("{}: ignoring unknown i8042 command {}", id, Integer.toHexString(command));
        }
    }

    /** Returns true if the guest asked for a reset. */
    private boolean writeData(int value) {
        lastWasCommand = false;
        int command = pendingCommand;
        pendingCommand = -1;
        boolean reset = false;
        if (command >= CMD_WRITE_RAM && command < CMD_WRITE_RAM + ram.length) {
            ram[command - CMD_WRITE_RAM] = value;
            updateIrqs();
        } else if (command == CMD_WRITE_OUTPUT) {
            outputPort = value;
            reset = (value & OUTPUT_RESET) == 0;
        } else if (command == CMD_WRITE_KBD_BUFFER) {
            controllerOutput.add(value);
        } else if (command == CMD_WRITE_AUX_BUFFER) {
            controllerOutput.add(value | FROM_AUX);
        } else if (command == CMD_WRITE_AUX) {
            // Talking to a port re-enables it, as on real controllers and in QEMU.
            ram[0] &= ~CTR_AUX_DISABLED;
            mouse.write(value);
        } else {
            ram[0] &= ~CTR_KBD_DISABLED;
            keyboard.write(value);
        }
        refill();
        return reset;
    }

    private int outputPortValue() {
        int value = outputPort & ~(OUTPUT_KBD_FULL | OUTPUT_AUX_FULL);
        if (outputFull) {
            value |= outputFromAux ? OUTPUT_AUX_FULL : OUTPUT_KBD_FULL;
        }
        return value;
    }

    private void queue(int value) {
        controllerOutput.add(value & 0xff);
    }

    /** Loads the output buffer when it is empty: controller replies first, then keyboard, then mouse. */
    private void refill() {
        if (!outputFull) {
            if (!controllerOutput.isEmpty()) {
                int entry = controllerOutput.remove();
                load(entry & 0xff, (entry & FROM_AUX) != 0);
            } else if ((ram[0] & CTR_KBD_DISABLED) == 0 && keyboard.hasOutput()) {
                load(keyboard.takeOutput(), false);
            } else if ((ram[0] & CTR_AUX_DISABLED) == 0 && mouse.hasOutput()) {
                load(mouse.takeOutput(), true);
            }
        }
        updateIrqs();
    }

    private void load(int value, boolean fromAux) {
        outputBuffer = value;
        outputFromAux = fromAux;
        outputFull = true;
    }

    private void updateIrqs() {
        boolean keyboardLevel = outputFull && !outputFromAux && (ram[0] & CTR_KBD_INT) != 0;
        boolean auxLevel = outputFull && outputFromAux && (ram[0] & CTR_AUX_INT) != 0;
        if (keyboardLevel != keyboardIrqLevel) {
            keyboardIrqLevel = keyboardLevel;
            keyboardIrq.set(keyboardLevel);
        }
        if (auxLevel != auxIrqLevel) {
            auxIrqLevel = auxLevel;
            auxIrq.set(auxLevel);
        }
    }

    /** One of the two byte-wide ports. */
    private final class Port implements BusHandler {
        private final boolean command;

        Port(boolean command) {
            this.command = command;
        }

        @Override
        public long read(long offset, int size) {
            if (size != 1 || offset != 0) {
                badAccess.warn("{}: ignoring a {}-byte read at port offset {}", id, size, offset);
                return AccessWidth.allOnes(size);
            }
            synchronized (lock) {
                return command ? readStatus() : readData();
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size != 1 || offset != 0) {
                badAccess.warn("{}: ignoring a {}-byte write at port offset {}", id, size, offset);
                return;
            }
            boolean reset;
            synchronized (lock) {
                int data = (int) value & 0xff;
                reset = command ? writeCommand(data) : writeData(data);
            }
            if (reset) {
                LOG.info("{}: guest pulsed the reset line", id);
                resetRequest.run();
            }
        }
    }
}
