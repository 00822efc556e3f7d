package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An i386 bzImage (no 64-bit entry in its setup header) booted with {@code -kernel}: modvm must take the Linux
 * 32-bit boot protocol. The tiny guest (guests32/protected32.c) checks what the protocol fixes (protected mode,
 * paging and interrupts off, __BOOT_CS/__BOOT_DS, EBX/EBP/EDI zero, the entry at code32_start, ESI at boot_params
 * with the setup header and the command line) and exits 0x32 only if all hold. 32-bit Linux itself does not run on
 * the software KVM of the project machines (see the issue); this is the proof that runs here.
 */
@Timeout(120)
class I386BootIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    @Test
    void aTiny32BitBzImageBootsThroughThe32BitProtocol() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-m", "64", "-nographic", "-kernel",
                Guests.bzImage32("protected32").toString(), "-append", "hello from the 32-bit protocol", "-device",
                "isa-debug-exit,iobase=0x501,iosize=2");
        assertTrue(p.stdout().contains("bzimage32: running in 32-bit protected mode, paging off, cs=0x10 ds=0x18, "
                + "esi=0x7000 points at boot_params, command line 'hello from the 32-bit protocol'"), p.stdout());
        assertFalse(p.stdout().contains("FAILED"), p.stdout());
        assertTrue(p.stdout().contains("bzimage32: all checks passed"), p.stdout());
        assertEquals(Guests.status(0x32), p.exitValue(), p.stderr());
    }
}
