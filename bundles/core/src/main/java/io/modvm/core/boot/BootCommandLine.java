package io.modvm.core.boot;

import io.modvm.api.memory.GuestMemory;
import java.nio.charset.StandardCharsets;

/** The kernel command line, NUL-terminated at {@link BootLayout#CMDLINE}, for every boot protocol. */
final class BootCommandLine {
    private BootCommandLine() {
    }

    /** The command line as the kernel will read it; callers check its length against their protocol's limit. */
    static byte[] encode(String cmdline) {
        return cmdline.getBytes(StandardCharsets.UTF_8);
    }

    static void write(GuestMemory memory, byte[] command) {
        memory.write(BootLayout.CMDLINE, command, 0, command.length);
        memory.writeByte(BootLayout.CMDLINE + command.length, (byte) 0);
    }
}
