package io.modvm.core.chardev;

import io.modvm.api.backend.Backend;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.DeviceException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Guest output to a file, truncated at start as QEMU's {@code file:} chardev does (unless appending); no input. */
public final class FileBackend implements CharBackend, Backend {
    private static final Logger LOG = LoggerFactory.getLogger(FileBackend.class);
    private final Path path;
    private final OutputStream out;

    public FileBackend(Path path) throws DeviceException {
        this(path, false);
    }

    /** @param append keep what the file holds and write after it (QEMU's {@code append=on}) */
    public FileBackend(Path path, boolean append) throws DeviceException {
        this.path = path;
        try {
            out = new FileOutputStream(path.toFile(), append);
        } catch (IOException e) {
            throw new DeviceException("cannot open '" + path + "' for guest output: " + e.getMessage()
                    + "; check that its folder exists and this user may write there, or give another path");
        }
    }

    @Override
    public String describe() {
        return "file:" + path;
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
