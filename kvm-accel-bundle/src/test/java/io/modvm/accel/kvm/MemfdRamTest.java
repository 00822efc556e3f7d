package io.modvm.accel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.LastErrorException;
import io.modvm.api.accel.AcceleratorException;
import org.junit.jupiter.api.Test;

/**
 * Guest RAM's size cannot change under a mapping: its own memfd is sealed, and one handed over (a local live update)
 * is sealed before it is mapped, so no process holding the descriptor can shrink it and turn accesses into SIGBUS.
 */
class MemfdRamTest {
    private static final long SIZE = 1 << 20;
    private static final int F_DUPFD_CLOEXEC = 1030;

    @Test
    void guestRamCannotBeShrunkOrGrownByWhoeverHoldsItsDescriptor() throws Exception {
        MemfdRam ram = MemfdRam.allocate("seal-test", SIZE);
        try {
            int seals = LibC.fcntl(ram.fd(), LibC.F_GET_SEALS, 0);
            assertEquals(LibC.F_SEAL_SHRINK | LibC.F_SEAL_GROW | LibC.F_SEAL_SEAL, seals);
            LastErrorException e = assertThrows(LastErrorException.class, () -> LibC.ftruncate(ram.fd(), 4096));
            assertEquals(LibC.EPERM, e.getErrorCode());
            ram.discard(0, 4096);
        } finally {
            ram.close();
        }
    }

    @Test
    void memoryHandedOverUnsealedIsSealedBeforeItIsMapped() throws Exception {
        MemfdRam ram = MemfdRam.allocate("adopting", SIZE);
        try {
            int other = LibC.memfd_create("handed-over", LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING);
            LibC.ftruncate(other, SIZE);
            // adopt() closes the descriptor it is given; a duplicate lets the test look at the file afterwards
            int watcher = LibC.fcntl(other, F_DUPFD_CLOEXEC, 0);
            try {
                ram.adopt(other);
                assertTrue((LibC.fcntl(watcher, LibC.F_GET_SEALS, 0) & LibC.F_SEAL_SHRINK) != 0,
                        "the sender could still shrink the memory");
                ram.view(SIZE - 8, 8).putLong(0, 42);
            } finally {
                LibC.close(watcher);
            }
        } finally {
            ram.close();
        }
    }

    @Test
    void memoryOfAnotherSizeIsRefusedAndLeftUnmapped() throws Exception {
        MemfdRam ram = MemfdRam.allocate("adopting", SIZE);
        try {
            int other = LibC.memfd_create("smaller", LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING);
            LibC.ftruncate(other, SIZE / 2);
            AcceleratorException e = assertThrows(AcceleratorException.class, () -> ram.adopt(other));
            assertEquals("the memory handed over has " + SIZE / 2 + " bytes, guest RAM " + SIZE, e.getMessage());
            ram.view(SIZE - 8, 8).putLong(0, 7);
        } finally {
            ram.close();
        }
    }

    @Test
    void theMemfdTellsWhichPagesWereNeverWritten() throws Exception {
        MemfdRam ram = MemfdRam.allocate("holes", SIZE);
        try {
            assertEquals(SIZE, ram.dataFrom(0), "fresh RAM has no data");
            ram.view(5 * 4096, 8).putLong(0, 1);
            ram.view(6 * 4096, 8).putLong(0, 1);
            assertEquals(5 * 4096, ram.dataFrom(0));
            assertEquals(7 * 4096, ram.dataUntil(5 * 4096));
            assertEquals(SIZE, ram.dataFrom(7 * 4096));
            ram.discard(5 * 4096, 2 * 4096);
            assertEquals(SIZE, ram.dataFrom(0), "discarded pages are holes again");
            assertEquals(SIZE, ram.dataFrom(SIZE));
        } finally {
            ram.close();
        }
    }
}
