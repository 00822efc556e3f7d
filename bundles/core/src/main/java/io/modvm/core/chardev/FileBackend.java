package io.modvm.core.chardev;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.DeviceException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Guest output to a file, truncated at start as QEMU's {@code file:} chardev does; no input. */
public final class FileBackend implements CharBackend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileBackend.class);
    private final OutputStream out;

    public FileBackend(Path path) throws DeviceException {
        try {
            out = new FileOutputStream(path.toFile());
        } catch (IOException e) {
            throw new DeviceException("cannot open '" + path + "' for guest output: " + e.getMessage()
                    + "; check that its folder exists and this user may write there, or give another path");
        }
    }

    @Override
    public synchronized void write(byte[] data, int offset, int length) {
        try {
            out.write(data, offset, length);
            out.flush();
        } catch (IOException e) {
            LOG.warn("writing guest output failed: {}", e.getMessage());
        }
    }

    @Override
    public void attach(CharReceiver receiver) {
    }

    @Override
    public void receiverReady() {
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.debug("closing guest output failed", e);
        }
    }
}
