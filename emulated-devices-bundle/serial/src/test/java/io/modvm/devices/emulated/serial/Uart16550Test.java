package io.modvm.devices.emulated.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.testkit.device.FakeCharBackend;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakeIrqLine;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Uart16550Test {
    private static final int COM1 = 0x3f8;
    private static final int THR = COM1;
    private static final int IER = COM1 + 1;
    private static final int IIR = COM1 + 2;
    private static final int FCR = COM1 + 2;
    private static final int LCR = COM1 + 3;
    private static final int MCR = COM1 + 4;
    private static final int LSR = COM1 + 5;
    private static final int MSR = COM1 + 6;
    private static final int SCR = COM1 + 7;

    private FakeDeviceContext context;
    private FakeCharBackend backend;
    private FakeIrqLine irq;
    private Device uart;

    @BeforeEach
    void plug() throws Exception {
        context = new FakeDeviceContext();
        uart = new IsaSerialFactory().create(context, Map.of("chardev", "stdio"));
        backend = context.charBackendNamed("stdio");
        irq = context.line(4);
    }

    @Test
    void idComesFromTheContext() {
        assertEquals("dev0", uart.id());
    }

    @Test
    void transmitsStraightToTheBackend() {
        for (char c : "hello\n".toCharArray()) {
            context.outb(THR, c);
        }
        assertEquals("hello\n", backend.output());
        assertEquals(0x60, context.inb(LSR), "THR and transmitter empty again at once");
    }

    @Test
    void powerOnState() {
        assertEquals(0x00, context.inb(IER));
        assertEquals(0x01, context.inb(IIR));
        assertEquals(0x00, context.inb(LCR));
        assertEquals(0x00, context.inb(MCR));
        assertEquals(0x60, context.inb(LSR));
        assertEquals(0xb0, context.inb(MSR));
        assertFalse(irq.level());
    }

    @Test
    void inputLargerThanTheFifoIsDeliveredCompletelyAsTheGuestReads() {
        context.outb(FCR, 0x07);
        String text = "The quick brown fox jumps over the lazy dog, twice over!";
        backend.type(text);
        assertEquals(text.length() - 16, backend.pendingInput(), "only a FIFO's worth is taken");

        StringBuilder received = new StringBuilder();
        while ((context.inb(LSR) & 0x01) != 0) {
            received.append((char) context.inb(THR));
        }
        assertEquals(text, received.toString());
        assertEquals(0, backend.pendingInput());
        assertTrue(backend.readyCalls() > 0);
        assertEquals(0, context.inb(LSR) & 0x02, "no overrun");
    }

    @Test
    void withoutFifoTheHoldingRegisterTakesOneByteAtATime() {
        backend.type("abc");
        assertEquals(2, backend.pendingInput());
        assertEquals('a', context.inb(THR));
        assertEquals('b', context.inb(THR));
        assertEquals('c', context.inb(THR));
        assertEquals(0, context.inb(LSR) & 0x01);
    }

    @Test
    void fifoResetDropsReceivedDataAndTakesMoreInput() {
        context.outb(FCR, 0x01);
        backend.type("0123456789abcdefXYZ");
        context.outb(FCR, 0x03);
        assertEquals(0, backend.pendingInput(), "the freed room is offered to the backend at once");
        assertEquals('X', context.inb(THR), "what was in the FIFO is gone");
        assertEquals('Y', context.inb(THR));
        assertEquals('Z', context.inb(THR));
        assertEquals(0, context.inb(LSR) & 0x01);
    }

    @Test
    void fifoEnabledReportsIn16550aIdentificationBits() {
        context.outb(FCR, 0xe7);
        assertEquals(0xc1, context.inb(IIR), "FIFO bits set, 64-byte bit absent: a 16550A, not a 16750");
        context.outb(FCR, 0x00);
        assertEquals(0x01, context.inb(IIR));
    }

    @Test
    void ierKeepsOnlyTheFourDefinedBits() {
        context.outb(IER, 0xff);
        assertEquals(0x0f, context.inb(IER));
    }

    @Test
    void thrEmptyInterruptIsClearedByReadingIirAndRaisedAgainByWritingThr() {
        context.outb(IER, 0x02);
        assertEquals(0x02, context.inb(IIR) & 0x0f, "enabling THRI with THR empty raises it");
        assertEquals(0x01, context.inb(IIR) & 0x0f, "reading IIR acknowledged it");
        context.outb(THR, 'x');
        assertEquals(0x02, context.inb(IIR) & 0x0f, "THR emptied again");
        context.outb(IER, 0x00);
        context.outb(IER, 0x02);
        assertEquals(0x02, context.inb(IIR) & 0x0f, "toggling IER re-raises it, as Linux's startup test expects");
    }

    @Test
    void interruptPrioritiesFollowThe16550() {
        context.outb(MCR, 0x10);
        context.outb(FCR, 0x01);
        for (int i = 0; i < 17; i++) {
            context.outb(THR, 'a' + i);
        }
        context.outb(IER, 0x0f);
        assertEquals(0x06, context.inb(IIR) & 0x0f, "line status (overrun) first");
        assertEquals(0x63, context.inb(LSR), "DR, OE, THRE, TEMT");
        assertEquals(0x00, context.inb(LSR) & 0x02, "reading LSR clears OE");
        assertEquals(0x04, context.inb(IIR) & 0x0f, "then received data at or above the trigger level");
        for (int i = 0; i < 16; i++) {
            assertEquals('a' + i, context.inb(THR));
        }
        assertEquals(0x02, context.inb(IIR) & 0x0f, "then THR empty");
        assertEquals(0x00, context.inb(IIR) & 0x0f, "then modem status (loopback changed the inputs)");
        context.inb(MSR);
        assertEquals(0x01, context.inb(IIR) & 0x0f);
    }

    @Test
    void dataBelowTheTriggerLevelIsReportedAsCharacterTimeout() {
        context.outb(FCR, 0xc1);
        context.outb(IER, 0x01);
        backend.type("ab");
        assertEquals(0x0c, context.inb(IIR) & 0x0f);
    }

    @Test
    void irqLineIsGatedByOut2() {
        context.outb(IER, 0x02);
        assertFalse(irq.level(), "interrupt pending but OUT2 off: nothing on the ISA line");
        context.outb(MCR, 0x08);
        assertTrue(irq.level());
        context.inb(IIR);
        assertFalse(irq.level(), "acknowledged");
        backend.type("z");
        context.outb(IER, 0x01);
        assertTrue(irq.level());
        context.inb(THR);
        assertFalse(irq.level());
    }

    @Test
    void loopbackWiresTransmitterToReceiverAndModemOutputsToInputs() {
        context.outb(MCR, 0x1a);
        assertEquals(0x90, context.inb(MSR) & 0xf0, "Linux's loopback probe: RTS->CTS, OUT2->DCD");
        context.outb(MCR, 0x15);
        assertEquals(0x60, context.inb(MSR) & 0xf0, "DTR->DSR, OUT1->RI");
        context.outb(THR, 'Q');
        assertEquals("", backend.output());
        assertEquals(0x61, context.inb(LSR));
        assertEquals('Q', context.inb(THR));
    }

    @Test
    void loopbackKeepsTheIrqOffTheBus() {
        context.outb(MCR, 0x18);
        context.outb(IER, 0x02);
        assertEquals(0x02, context.inb(IIR) & 0x0f);
        assertFalse(irq.level());
    }

    @Test
    void hostInputWaitsDuringLoopbackAndArrivesAfterwards() {
        context.outb(MCR, 0x10);
        backend.type("hi");
        assertEquals(2, backend.pendingInput());
        assertEquals(0, context.inb(LSR) & 0x01);
        context.outb(MCR, 0x00);
        assertEquals(1, backend.pendingInput(), "one byte taken into the holding register");
        assertEquals('h', context.inb(THR));
        assertEquals('i', context.inb(THR));
    }

    @Test
    void dlabSwitchesTheFirstTwoRegistersToTheDivisorLatch() {
        context.outb(IER, 0x05);
        context.outb(LCR, 0x83);
        context.outb(THR, 0x01);
        context.outb(IER, 0x02);
        assertEquals(0x01, context.inb(THR));
        assertEquals(0x02, context.inb(IER));
        assertEquals("", backend.output(), "a divisor write is not a transmit");
        context.outb(LCR, 0x03);
        assertEquals(0x05, context.inb(IER));
        assertEquals(0x03, context.inb(LCR));
    }

    @Test
    void scratchRegisterHoldsAByte() {
        context.outb(SCR, 0xa5);
        assertEquals(0xa5, context.inb(SCR));
    }

    @Test
    void oddWidthsAndOffsetsNeverThrow() {
        assertEquals(0xffff, context.in(COM1, 2));
        assertEquals(0xffffffffL, context.in(COM1, 4));
        context.out(COM1, 2, 0x4141);
        context.out(COM1, 4, 0x41414141);
        assertEquals("", backend.output());
        Uart16550 device = (Uart16550) uart;
        assertEquals(0xff, device.read(8, 1));
        device.write(-1, 1, 0);
    }

    @Test
    void resetRestoresPowerOnRegisters() {
        context.outb(IER, 0x0f);
        context.outb(LCR, 0x1b);
        context.outb(MCR, 0x0b);
        context.outb(FCR, 0x01);
        context.outb(SCR, 0x77);
        backend.type("x");
        uart.reset();
        assertEquals(0x00, context.inb(IER));
        assertEquals(0x01, context.inb(IIR));
        assertEquals(0x00, context.inb(LCR));
        assertEquals(0x00, context.inb(MCR));
        assertEquals(0x60, context.inb(LSR));
        assertEquals(0x00, context.inb(SCR));
        assertFalse(irq.level());
    }

    @Test
    void closedUartTakesNoInput() {
        uart.close();
        assertEquals(0, backend.receiver().room());
    }

    /** What Linux's 8250 driver sets up: FIFO on, receive and line-status interrupts, OUT2. */
    private void linuxSetup() {
        context.outb(FCR, 0xc7);
        context.outb(IER, 0x05);
        context.outb(MCR, 0x0b);
    }

    @Test
    void breakThenKeyIsABreakCharacterThenTheKey() {
        linuxSetup();
        backend.sendBreak();
        backend.type("o");
        assertEquals(0xf1, context.inb(LSR), "BI and DR for the break character (and the FIFO error bit)");
        assertEquals(0x00, context.inb(THR), "a break leaves a 0x00 character");
        assertEquals(0x61, context.inb(LSR), "the key: DR without BI");
        assertEquals('o', context.inb(THR));
        assertEquals(0x60, context.inb(LSR));
    }

    @Test
    void breakRaisesTheLineStatusInterruptFirst() {
        linuxSetup();
        backend.sendBreak();
        backend.type("o");
        assertTrue(irq.level());
        assertEquals(0xc6, context.inb(IIR), "receiver line status, the highest priority");
        assertEquals(0xf1, context.inb(LSR));
        assertEquals(0xcc, context.inb(IIR), "then the data below the trigger level");
        context.inb(THR);
        context.inb(THR);
        assertFalse(irq.level());
    }

    @Test
    void withoutElsiTheBreakIsOnlyData() {
        context.outb(FCR, 0x01);
        context.outb(IER, 0x01);
        context.outb(MCR, 0x08);
        backend.sendBreak();
        assertEquals(0x04, context.inb(IIR) & 0x0f, "received data, not line status");
        assertEquals(0x10, context.inb(LSR) & 0x10, "BI is still in LSR");
    }

    @Test
    void readingLsrClearsBiButTheCharacterStays() {
        linuxSetup();
        backend.sendBreak();
        assertEquals(0x10, context.inb(LSR) & 0x10);
        assertEquals(0x00, context.inb(LSR) & 0x10, "cleared by the read");
        assertEquals(0x01, context.inb(LSR) & 0x01, "the break character is still there");
        assertEquals(0x0c, context.inb(IIR) & 0x0f, "the line status interrupt is gone");
        assertEquals(0x00, context.inb(THR));
    }

    @Test
    void breakBehindQueuedBytesIsReportedWhenItReachesTheTop() {
        linuxSetup();
        backend.type("ab");
        backend.sendBreak();
        backend.type("o");
        assertEquals(0xe1, context.inb(LSR), "DR and the FIFO error bit, but no BI: 'a' is on top");
        assertEquals('a', context.inb(THR));
        assertEquals(0xe1, context.inb(LSR));
        assertEquals('b', context.inb(THR));
        assertEquals(0xf1, context.inb(LSR), "now the break character is on top");
        assertEquals(0x00, context.inb(THR));
        assertEquals(0x61, context.inb(LSR));
        assertEquals('o', context.inb(THR));
    }

    @Test
    void breakTakesRoomAndWaitsInOrderWithoutTheFifo() {
        backend.type("a");
        backend.sendBreak();
        backend.type("o");
        assertEquals(2, backend.pendingInput(), "the holding register is full; the break and 'o' wait");
        assertEquals(0, backend.receiver().room());
        assertEquals(0x61, context.inb(LSR));
        assertEquals('a', context.inb(THR));
        assertEquals(1, backend.pendingInput(), "the break took the freed holding register");
        assertEquals(0x71, context.inb(LSR), "BI and DR; no FIFO error bit in 16450 mode");
        assertEquals(0x00, context.inb(THR));
        assertEquals(0x61, context.inb(LSR));
        assertEquals('o', context.inb(THR));
        assertEquals(0x60, context.inb(LSR));
    }

    @Test
    void breakDeliveredWithoutRoomWaitsInsideTheUart() {
        backend.type("a");
        Uart16550 device = (Uart16550) uart;
        device.receiveBreak();
        assertEquals(0, device.room(), "nothing may overtake the waiting break");
        assertEquals(0x61, context.inb(LSR), "no overrun, no BI yet");
        assertEquals('a', context.inb(THR));
        assertEquals(0x71, context.inb(LSR));
        assertEquals(0x00, context.inb(THR));
        assertEquals(1, device.room());
    }

    @Test
    void hostBreakWaitsDuringLoopback() {
        context.outb(MCR, 0x10);
        backend.sendBreak();
        assertEquals(1, backend.pendingInput());
        assertEquals(0x60, context.inb(LSR), "the receiver is cut off from the line");
        context.outb(MCR, 0x00);
        assertEquals(0, backend.pendingInput());
        assertEquals(0x71, context.inb(LSR));
        assertEquals(0x00, context.inb(THR));
    }

    @Test
    void breakControlInLoopbackIsReceivedOnce() {
        context.outb(FCR, 0x01);
        context.outb(MCR, 0x10);
        context.outb(LCR, 0x43);
        assertEquals(0xf1, context.inb(LSR), "the transmitter's break reaches the receiver");
        context.outb(LCR, 0x43);
        assertEquals(0x00, context.inb(THR));
        assertEquals(0x60, context.inb(LSR), "one character per break, however long it lasts");
        context.outb(LCR, 0x03);
        context.outb(MCR, 0x00);
        context.outb(LCR, 0x43);
        assertEquals(0x60, context.inb(LSR), "outside loopback a break goes to the line, not the receiver");
        assertEquals("", backend.output());
    }

    @Test
    void fifoResetDropsABreakAndItsIndication() {
        linuxSetup();
        backend.sendBreak();
        context.outb(FCR, 0xc7);
        assertEquals(0x60, context.inb(LSR));
        assertEquals(0x01, context.inb(IIR) & 0x0f);
    }

    @Test
    void breakWithTheFifoFullWaitsForRoom() {
        context.outb(FCR, 0x01);
        backend.type("0123456789abcdef");
        backend.sendBreak();
        backend.type("o");
        assertEquals(2, backend.pendingInput());
        for (int i = 0; i < 16; i++) {
            assertEquals(0, context.inb(LSR) & 0x12, "no BI, no overrun while the FIFO drains");
            context.inb(THR);
        }
        assertEquals(0xf1, context.inb(LSR));
        assertEquals(0x00, context.inb(THR));
        assertEquals('o', context.inb(THR));
    }

    @Test
    void resetDropsAReceivedBreak() {
        linuxSetup();
        backend.sendBreak();
        uart.reset();
        assertEquals(0x60, context.inb(LSR));
    }

    @Test
    void closedUartIgnoresABreak() {
        uart.close();
        ((Uart16550) uart).receiveBreak();
        assertEquals(0x60, context.inb(LSR));
    }

    @Test
    void inputFromAnotherThreadIsNotLost() throws Exception {
        context.outb(FCR, 0x01);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            expected.append((char) ('a' + i % 26));
        }
        Thread typist = new Thread(() -> {
            for (int i = 0; i < expected.length(); i += 50) {
                backend.type(expected.substring(i, Math.min(expected.length(), i + 50)));
            }
        });
        typist.start();
        StringBuilder received = new StringBuilder();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (received.length() < expected.length() && System.nanoTime() < deadline) {
            if ((context.inb(LSR) & 0x01) != 0) {
                received.append((char) context.inb(THR));
            }
        }
        typist.join();
        assertEquals(expected.toString(), received.toString());
    }
}
