package io.modvm.core.machine;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceException;
import io.modvm.core.chardev.FileBackend;
import io.modvm.core.chardev.NullBackend;
import io.modvm.core.chardev.StdioBackend;
import io.modvm.core.chardev.UnixSocketBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the character backends that devices name ({@code stdio}, {@code file:PATH},
 * {@code unix:PATH,server,nowait}, {@code null}) and closes them with the machine.
 */
final class CharBackends {
    private final Runnable onQuit;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private boolean stdioTaken;

    CharBackends(Runnable onQuit) {
        this.onQuit = onQuit;
    }

    synchronized CharBackend open(String spec) throws DeviceException {
        if (spec == null) {
            return null;
        }
        if (spec.equals("stdio") || spec.equals("mon:stdio")) {
            if (stdioTaken) {
                throw new DeviceException("stdio is already the console of another device; give this one "
                        + "file:PATH or null");
            }
            stdioTaken = true;
            StdioBackend b = new StdioBackend(System.in, onQuit);
            opened.add(b);
            return b;
        }
        if (spec.startsWith("file:") && spec.length() > 5) {
            FileBackend b = new FileBackend(Path.of(spec.substring(5)));
            opened.add(b);
            return b;
        }
        if (spec.startsWith("unix:")) {
            UnixSocketBackend b = UnixSocketBackend.open(spec.substring(5));
            opened.add(b);
            return b;
        }
        if (spec.equals("null")) {
            return new NullBackend();
        }
        throw new DeviceException("unknown character backend '" + spec + "'; use stdio, file:PATH, "
                + "unix:PATH,server,nowait or null");
    }

    synchronized void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // closing on exit: nothing left to report it to
            }
        }
        opened.clear();
    }
}
