package io.modvm.core.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcpiGpeTest {
    private final List<Boolean> sci = new ArrayList<>();
    private final AcpiGpe gpe = new AcpiGpe(sci::add);
    private final BusHandler regs = gpe.registers();

    @Test
    void anEventRaisesTheSciOnlyOnceEnabled() {
        gpe.raise(1);
        assertEquals(0x02, regs.read(0, 1), "GPE0_STS bit 1");
        assertTrue(sci.isEmpty(), "not enabled: no SCI");
        regs.write(2, 1, 0x02);
        assertEquals(List.of(true), sci);
        assertEquals(0x02, regs.read(2, 1), "GPE0_EN reads back");
        assertEquals(0x0002_0002L, regs.read(0, 4), "status in bytes 0-1, enable in 2-3");
    }

    @Test
    void writingOneClearsStatusAndLowersTheSci() {
        regs.write(2, 2, 0x0202);
        gpe.raise(1);
        gpe.raise(9);
        assertEquals(0x0202, regs.read(0, 2));
        regs.write(0, 1, 0x00);
        assertEquals(0x0202, regs.read(0, 2), "writing 0 clears nothing");
        regs.write(0, 1, 0x02);
        assertEquals(List.of(true), sci, "GPE 9 still pending and enabled");
        regs.write(1, 1, 0x02);
        assertEquals(0, regs.read(0, 2));
        assertEquals(List.of(true, false), sci);
    }

    @Test
    void disablingLowersTheSciAndKeepsTheStatus() {
        regs.write(2, 1, 0x02);
        gpe.raise(1);
        regs.write(2, 1, 0x00);
        assertEquals(List.of(true, false), sci);
        assertEquals(0x02, regs.read(0, 1), "still pending: enabling again raises the SCI again");
        regs.write(2, 1, 0x02);
        assertEquals(List.of(true, false, true), sci);
    }

    @Test
    void resetForgetsEverythingAndBadAccessesAreHarmless() {
        regs.write(2, 1, 0x02);
        gpe.raise(1);
        gpe.reset();
        assertEquals(List.of(true, false), sci);
        assertEquals(0, regs.read(0, 4));
        assertEquals(0xFFFF_0000L, regs.read(2, 4), "bytes past the block float high");
        assertEquals(-1L, regs.read(4, 1));
        regs.write(7, 4, -1L);
        regs.write(3, 4, -1L);
        assertEquals(0xFF00, gpe.enable(), "only the byte inside the block is written");
        assertThrows(IllegalArgumentException.class, () -> gpe.raise(16));
        assertFalse(sci.get(sci.size() - 1));
    }

    @Test
    void sharedLineIsHighWhileAnySourceIs() {
        List<Boolean> line = new ArrayList<>();
        SharedLevelLine shared = new SharedLevelLine(line::add);
        LevelLine pm = shared.newSource();
        LevelLine gpeSource = shared.newSource();
        pm.set(true);
        gpeSource.set(true);
        pm.set(false);
        assertEquals(List.of(true), line, "the GPE still holds the line");
        assertTrue(shared.level());
        gpeSource.set(false);
        assertEquals(List.of(true, false), line);
        gpeSource.set(false);
        assertEquals(2, line.size(), "no change, no call");
    }
}
