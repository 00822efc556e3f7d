package io.modvm.devices.emulated.i8042;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import io.modvm.testkit.device.FakeDeviceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The i8042 handed to a new instance: the original and the successor, driven the same way afterwards, show the
 * guest the same bytes, status and interrupt lines.
 */
class I8042StateTest {
    private static final int DATA = 0x60;
    private static final int STATUS = 0x64;
    private final I8042Factory factory = new I8042Factory();

    /** A controller with bytes waiting in every queue and a command waiting for its data byte. */
    private static void drive(FakeDeviceContext c) {
        c.outb(STATUS, 0x60);
        c.outb(DATA, 0x47); // translation, system flag, both interrupts
        c.outb(DATA, 0xed);
        c.outb(DATA, 0x05); // keyboard LEDs
        c.outb(STATUS, 0xd4);
        c.outb(DATA, 0xf3);
        c.outb(STATUS, 0xd4);
        c.outb(DATA, 0x28); // mouse sample rate 40
        c.outb(STATUS, 0xd4);
        c.outb(DATA, 0xe9); // mouse status: ACK and three bytes queued in the mouse
        c.outb(STATUS, 0xd2);
        c.outb(DATA, 0x99); // a byte in the controller's own queue
        c.outb(STATUS, 0x61); // waits for RAM byte 1
    }

    /** Everything the guest can see from here on, in order. */
    private static List<Integer> observe(FakeDeviceContext c) {
        List<Integer> seen = new ArrayList<>();
        seen.add(c.line(1).level() ? 1 : 0);
        seen.add(c.line(12).level() ? 1 : 0);
        c.outb(DATA, 0x5a); // the pending RAM write
        for (int status = c.inb(STATUS); (status & 1) != 0; status = c.inb(STATUS)) {
            seen.add(status);
            seen.add(c.inb(DATA));
            seen.add(c.line(1).level() ? 1 : 0);
            seen.add(c.line(12).level() ? 1 : 0);
        }
        for (int command : new int[] {0x20, 0x21, 0xd0}) {
            c.outb(STATUS, command);
            seen.add(c.inb(DATA));
        }
        c.outb(DATA, 0xf0);
        c.outb(DATA, 0x00); // the keyboard's scancode set, as translated
        c.outb(STATUS, 0xd4);
        c.outb(DATA, 0xe9);
        for (int status = c.inb(STATUS); (status & 1) != 0; status = c.inb(STATUS)) {
            seen.add(c.inb(DATA));
        }
        return seen;
    }

    @Test
    void theSuccessorShowsTheGuestWhatTheOriginalWould() throws Exception {
        FakeDeviceContext original = new FakeDeviceContext();
        StatefulDevice controller = (StatefulDevice) factory.create(original, Map.of());
        drive(original);
        controller.quiesce();
        StateRecord state = StateCodec.decode(StateCodec.encode(controller.saveState()));
        controller.resume();

        FakeDeviceContext successor = new FakeDeviceContext();
        factory.restore(successor, Map.of(), state);
        List<Integer> expected = observe(original);
        assertEquals(expected, observe(successor));
        assertTrue(expected.size() > 20, "a non-trivial state: " + expected);
        assertEquals(List.of(1, 0), expected.subList(0, 2), "keyboard data waiting: IRQ 1 high");
    }

    @Test
    void aWrongTypeANewerVersionOrABadNestedRecordIsRefused() throws Exception {
        DeviceException other = assertThrows(DeviceException.class,
                () -> factory.restore(new FakeDeviceContext(), Map.of(), StateRecord.builder("acpi-pm", 1).build()));
        assertEquals("i8042: cannot take over the saved state: state of type acpi-pm given where i8042 is needed",
                other.getMessage());
        FakeDeviceContext c = new FakeDeviceContext();
        StateRecord good = ((StatefulDevice) factory.create(c, Map.of())).saveState();
        StateRecord.Builder b = StateRecord.builder("i8042", 1);
        for (String name : good.names()) {
            if (name.equals("mouse")) {
                b.put(name, StateRecord.builder("ps2-mouse", 2).build());
            } else if (good.has(name) && !name.equals("keyboard")) {
                copy(good, name, b);
            }
        }
        b.put("keyboard", good.getRecord("keyboard"));
        DeviceException newer = assertThrows(DeviceException.class,
                () -> factory.restore(new FakeDeviceContext(), Map.of(), b.build()));
        assertTrue(newer.getMessage().endsWith("ps2-mouse state version 2 is not readable here (versions 1 to 1)"),
                newer.getMessage());
    }

    private static void copy(StateRecord from, String name, StateRecord.Builder to) throws Exception {
        switch (name) {
            case "ram", "controllerReplies", "controllerRepliesFromAux" -> to.put(name, from.getBytes(name));
            case "outputFull", "outputFromAux", "lastWasCommand" -> to.put(name, from.getBoolean(name));
            default -> to.put(name, from.getLong(name));
        }
    }
}
