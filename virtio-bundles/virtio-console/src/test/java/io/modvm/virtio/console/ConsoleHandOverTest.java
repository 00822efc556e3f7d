package io.modvm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakePciFunction;
import io.modvm.virtio.testing.HandOver;
import io.modvm.virtio.testing.PciDriver;
import io.modvm.virtio.testing.StubDeviceContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A virtconsole handed to a new instance: input it had buffered reaches the guest first, and output goes on. */
@Timeout(30)
class ConsoleHandOverTest {
    private static final long RAM = 0x10_0000;
    private static final long RX = RAM + 0x8_0000;
    private static final long TX = RAM + 0x9_0000;
    private static final Map<String, String> PROPERTIES = Map.of("chardev", "c0");

    private final HeapGuestMemory memory = new HeapGuestMemory().add(RAM, 1 << 20);
    private final FakePciFunction pci = new FakePciFunction();
    private final RecordingBackend backend = new RecordingBackend();
    private final TestDriver rx = new TestDriver(memory, RAM, 16, true, true, RAM + 0x4_0000);
    private final TestDriver tx = new TestDriver(memory, RAM + 0x2_0000, 16, true, true, RAM + 0x6_0000);
    private PciDriver driver;

    private StubDeviceContext context() {
        return new StubDeviceContext("con0").withRam(memory, 1 << 20).withPci(pci).withCharBackend(backend);
    }

    private void input(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        backend.receiver().receive(b, 0, b.length);
    }

    private void output(String text, long at) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        memory.write(at, b, 0, b.length);
        tx.add(List.of(new Buf(at, b.length)), List.of());
        driver.kick(1);
    }

    private String received(long at, int length) {
        byte[] b = new byte[length];
        memory.read(at, b, 0, length);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void bufferedInputCrossesTheSwap() throws Exception {
        StubDeviceContext first = context();
        Device old = new ConsoleFactory().create(first, PROPERTIES);
        driver = new PciDriver(first.pciSpec(), pci);
        driver.negotiate(driver.offered());
        driver.configVector(0);
        driver.queue(0, rx, 1);
        driver.queue(1, tx, 2);
        driver.driverOk();

        rx.add(List.of(), List.of(new Buf(RX, 8)));
        driver.kick(0);
        input("hello world!");
        Await.until("first buffer filled", () -> rx.usedIdx() == 1);
        assertEquals("hello wo", received(RX, (int) rx.getBuf().orElseThrow().length()));
        output("out1", TX);
        Await.until("output", () -> backend.output().equals("out1"));
        int status = driver.status();
        int generation = driver.generation();

        StatefulDevice oldConsole = (StatefulDevice) old;
        CharReceiver oldReceiver = backend.receiver();
        oldConsole.quiesce();
        assertEquals(0, backend.receiver().room(), "the backend keeps its input while the device is parked");
        StateRecord state = HandOver.takeState(oldConsole);
        assertEquals("virtio-console", state.getRecord("device").type());

        StubDeviceContext second = context();
        Device taken = new ConsoleFactory().restore(second, PROPERTIES, state);
        driver.rebind(second.pciSpec());
        assertNotSame(oldReceiver, backend.receiver(), "the backend feeds the new instance");
        assertEquals(status, driver.status(), "no reset");
        assertEquals(generation, driver.generation());

        rx.add(List.of(), List.of(new Buf(RX + 0x100, 16)));
        driver.kick(0);
        Await.until("the rest of the old input", () -> rx.usedIdx() == 2);
        assertEquals("rld!", received(RX + 0x100, (int) rx.getBuf().orElseThrow().length()));
        rx.add(List.of(), List.of(new Buf(RX + 0x200, 16)));
        driver.kick(0);
        input("more");
        Await.until("new input", () -> rx.usedIdx() == 3);
        assertEquals("more", received(RX + 0x200, (int) rx.getBuf().orElseThrow().length()));
        output("out2", TX + 0x100);
        Await.until("output after the swap", () -> backend.output().equals("out1out2"));
        // The backend gets the bytes before the buffer is pushed back: wait for the used index too.
        Await.until("the transmitq's used index went on", () -> tx.usedIdx() == 2);
        assertFalse(pci.vectors().contains(0), "no configuration interrupt");
        taken.close();
    }

    @Test
    void aNewerStateIsRefusedWithOneLine() throws Exception {
        StubDeviceContext first = context();
        Device old = new ConsoleFactory().create(first, PROPERTIES);
        StateRecord state = HandOver.takeState((StatefulDevice) old);
        StateRecord device = StateRecord.builder("virtio-console", 2).put("input", new byte[0]).build();
        DeviceException e = assertThrows(DeviceException.class,
                () -> new ConsoleFactory().restore(context(), PROPERTIES, HandOver.withDevice(state, device)));
        assertEquals("con0: saved state not taken over: virtio-console state version 2 is not readable here"
                + " (versions 1 to 1)", e.getMessage());
    }
}
