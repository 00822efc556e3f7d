package io.modvm.testkit.device;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The checker passes a device that keeps the contract and fails, saying why, each one that breaks a point of it. */
class LifecycleCheckerTest {
    /** How a {@link RegisterFactory} breaks the contract. */
    enum Flaw { NONE, LEAKS_THREAD_ON_FAILURE, CLOSE_THROWS_TWICE, FORGETS_STATE, MULTI_LINE_ERROR, BUG_NOT_REFUSAL }

    /** A PCI device with one register in BAR 0 and a worker thread, stateful; {@code value} must be a number. */
    static final class RegisterFactory implements DeviceFactory {
        final Flaw flaw;

        RegisterFactory(Flaw flaw) {
            this.flaw = flaw;
        }

        @Override
        public String type() {
            return "reg-pci";
        }

        @Override
        public String description() {
            return "a register";
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
            return build(context, properties, 0);
        }

        @Override
        public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
                throws DeviceException {
            try {
                return build(context, properties, flaw == Flaw.FORGETS_STATE ? 0 : state.getLong("value"));
            } catch (io.modvm.api.state.StateException e) {
                throw new DeviceException("reg-pci: " + e.getMessage());
            }
        }

        private Device build(DeviceContext context, Map<String, String> properties, long initial)
                throws DeviceException {
            Register r = new Register(context.deviceId(), initial, flaw);
            context.plugPci(new PciFunctionSpec(0x1b36, 0x7e57, 1, 0xff0000, 0x1af4, 0x1100,
                    List.of(new PciBar(0, 0x1000, false, r)), List.of(), 0, 0, 0, null));
            String v = properties.getOrDefault("value", "1");
            if (!v.matches("[0-9]+")) {
                if (flaw != Flaw.LEAKS_THREAD_ON_FAILURE) {
                    r.close();
                }
                if (flaw == Flaw.BUG_NOT_REFUSAL) {
                    throw new NumberFormatException(v);
                }
                throw new DeviceException(flaw == Flaw.MULTI_LINE_ERROR ? "reg-pci: bad value\n" + v
                        : "reg-pci: value '" + v + "' is not a number");
            }
            if (initial == 0) {
                r.value = Long.parseLong(v);
            }
            return r;
        }
    }

    static final class Register implements StatefulDevice, BusHandler {
        private final String id;
        private final Flaw flaw;
        private final CountDownLatch stop = new CountDownLatch(1);
        private final Thread worker;
        private boolean closed;
        volatile long value;

        Register(String id, long value, Flaw flaw) {
            this.id = id;
            this.value = value;
            this.flaw = flaw;
            this.worker = new Thread(() -> {
                try {
                    stop.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "reg-pci-worker");
            worker.start();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long read(long offset, int size) {
            return value;
        }

        @Override
        public void write(long offset, int size, long v) {
            value = v;
        }

        @Override
        public void reset() {
            value = 0;
        }

        @Override
        public void close() {
            if (closed && flaw == Flaw.CLOSE_THROWS_TWICE) {
                throw new IllegalStateException("already closed");
            }
            closed = true;
            stop.countDown();
        }

        @Override
        public void quiesce() {
        }

        @Override
        public StateRecord saveState() {
            return StateRecord.builder("reg", 1).put("value", value).build();
        }

        @Override
        public void resume() {
        }
    }

    private static LifecycleChecker checker(Flaw flaw) {
        return LifecycleChecker.of(new RegisterFactory(flaw)).validProperties(Map.of("value", "7"))
                .badProperties(Map.of("value", "seven")).exercise((d, c) -> c.pci().barWrite(0, 0, 4, 42));
    }

    @Test
    void aDeviceThatKeepsTheContractPasses() {
        assertDoesNotThrow(() -> checker(Flaw.NONE).checkAll());
    }

    @Test
    void aThreadLeftRunningByAFailedCreateIsNamed() {
        AssertionError e = assertThrows(AssertionError.class, () -> checker(Flaw.LEAKS_THREAD_ON_FAILURE).checkAll());
        assertTrue(e.getMessage().contains("reg-pci-worker"), e.getMessage());
    }

    @Test
    void aSecondCloseThatThrowsFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> checker(Flaw.CLOSE_THROWS_TWICE).closesTwice());
        assertTrue(e.getMessage().contains("close must be idempotent"), e.getMessage());
    }

    @Test
    void aRestoreThatLosesTheStateFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> checker(Flaw.FORGETS_STATE).roundTripsItsState());
        assertTrue(e.getMessage().contains("restore must take the whole state over"), e.getMessage());
    }

    @Test
    void aRefusalOfSeveralLinesOrABugInsteadOfARefusalFails() {
        AssertionError lines = assertThrows(AssertionError.class, () -> checker(Flaw.MULTI_LINE_ERROR).checkAll());
        assertTrue(lines.getMessage().contains("must be one line"), lines.getMessage());
        AssertionError bug = assertThrows(AssertionError.class, () -> checker(Flaw.BUG_NOT_REFUSAL).checkAll());
        assertTrue(bug.getMessage().contains("must be a DeviceException"), bug.getMessage());
    }

    @Test
    void theFakeContextServesBarAccessesAndHandsTheParkedFunctionToTheSuccessor() throws Exception {
        FakeDeviceContext first = new FakeDeviceContext("r0");
        Device d = new RegisterFactory(Flaw.NONE).create(first, Map.of("value", "5"));
        FakePciFunction f = first.pci();
        assertEquals(5, f.barRead(0, 0, 4));
        f.barWrite(0, 0, 4, 9);
        StateRecord s = ((StatefulDevice) d).saveState();
        d.close();
        first.release();
        assertEquals(Map.of(), first.claims());

        FakeDeviceContext second = new FakeDeviceContext("r0").withParkedPci(f);
        Device next = new RegisterFactory(Flaw.NONE).restore(second, Map.of(), s);
        assertTrue(second.pci() == f, "the same function");
        assertEquals(9, f.barRead(0, 0, 4));
        next.close();
    }
}
