package io.modvm.core.chardev;

import io.modvm.api.backend.Backend;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest console on the terminal, as QEMU's {@code -serial stdio} with {@code -nographic}: the terminal goes
 * to raw mode so every key reaches the guest (Ctrl-C included), and Ctrl-A is the escape key: Ctrl-A x quits,
 * Ctrl-A b sends a break (magic SysRq on a Linux serial console), Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h prints
 * the keys.
 */
public final class StdioBackend implements CharBackend, Backend {
    private static final Logger LOG = LoggerFactory.getLogger(StdioBackend.class);
    private static final int CTRL_A = 1;

    private final OutputStream out = new FileOutputStream(FileDescriptor.out);
    private final InputPump pump = new InputPump("stdio-input");
    private final Runnable onQuit;
    private final Runnable onClose;
    private final Terminal terminal;
    private boolean escape;

    /**
     * @param in the console input (System.in)
     * @param onQuit what Ctrl-A x does
     * @param onClose run once the terminal is given back
     */
    public StdioBackend(InputStream in, Runnable onQuit, Runnable onClose) {
        this.onQuit = onQuit;
        this.onClose = onClose;
        this.terminal = Terminal.enterRawModeIfInteractive();
        Thread reader = new Thread(() -> readLoop(in), "stdio-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                byte[] keep = new byte[n];
                int kept = 0;
                for (int i = 0; i < n; i++) {
                    int b = buffer[i] & 0xFF;
                    if (escape) {
                        escape = false;
                        if (b == 'x') {
                            write("\r\nmodvm: terminated by Ctrl-A x\r\n");
                            onQuit.run();
                            return;
                        } else if (b == 'h') {
                            write("\r\nC-a h    print this help\r\nC-a x    exit modvm\r\nC-a b    send break\r\n"
                                    + "C-a C-a  send C-a\r\n");
                        } else if (b == 'b') {
                            pump.offer(keep, 0, kept);
                            kept = 0;
                            pump.offerBreak();
                        } else if (b == CTRL_A) {
                            keep[kept++] = (byte) b;
                        }
                    } else if (b == CTRL_A) {
                        escape = true;
                    } else {
                        keep[kept++] = (byte) b;
                    }
                }
                if (kept > 0) {
                    pump.offer(keep, 0, kept);
                }
            }
        } catch (IOException e) {
            LOG.debug("console input ended", e);
        }
    }

    private void write(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        write(bytes, 0, bytes.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        try {
            out.write(data, offset, length);
        } catch (IOException e) {
            LOG.debug("console output failed", e);
        }
    }

    @Override
    public void attach(CharReceiver receiver) {
        pump.attach(receiver);
    }

    @Override
    public void receiverReady() {
        pump.receiverReady();
    }

    @Override
    public String describe() {
        return "stdio";
    }

    @Override
    public void close() {
        pump.close();
        terminal.restore();
        onClose.run();
    }
}
