package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the virtio test guests (guests/virtio_*.c): each prints what it saw and exits through isa-debug-exit. */
final class VirtioGuests {
    static final String DEBUG_EXIT = "isa-debug-exit,iobase=0x501,iosize=2";
    static final Duration RUN = Duration.ofSeconds(90);

    private VirtioGuests() {
    }

    /** Boots {@code guest} with the debug-exit device and {@code args}; returns modvm once the guest exited 0. */
    static ModvmProcess runToExit(String guest, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-kernel", Guests.build(guest).toString(), "-device", DEBUG_EXIT));
        all.addAll(List.of(args));
        ModvmProcess p = ModvmProcess.runToEnd(RUN, all.toArray(String[]::new));
        assertEquals(Guests.status(0), p.exitValue(), "guest output:\n" + p.stdout() + "\nstderr:\n" + p.stderr());
        return p;
    }
}
