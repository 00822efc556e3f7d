package io.modvm.core.chardev;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Raw mode for the terminal modvm reads its console input from, with the previous settings restored on exit.
 * Whether that is a terminal is a question about standard input alone: {@code modvm | tee log} still types on
 * a terminal and needs raw mode (Ctrl-A x without Enter, no echo of the line), while {@code modvm < file} must
 * leave the terminal that stdout or stderr may be on alone. stty runs on modvm's own standard input, so it
 * fails, and nothing changes, exactly when that is not a terminal.
 */
final class Terminal {
    private final String saved;

    private Terminal(String saved) {
        this.saved = saved;
    }

    static Terminal enterRawModeIfInteractive() {
        String settings = stty("-g");
        if (settings == null) {
            return new Terminal(null);
        }
        Terminal t = new Terminal(settings.trim());
        stty("raw", "-echo");
        Runtime.getRuntime().addShutdownHook(new Thread(t::restore, "terminal-restore"));
        return t;
    }

    synchronized void restore() {
        if (saved != null) {
            stty(saved);
        }
    }

    private static String stty(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String output = new String(p.getInputStream().readAllBytes());
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
