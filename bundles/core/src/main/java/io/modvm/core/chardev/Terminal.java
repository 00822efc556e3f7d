package io.modvm.core.chardev;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Raw mode for an interactive terminal, with the previous settings restored on exit. */
final class Terminal {
    private final String saved;

    private Terminal(String saved) {
        this.saved = saved;
    }

    static Terminal enterRawModeIfInteractive() {
        if (System.console() == null) {
            return new Terminal(null);
        }
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
            Process p = new ProcessBuilder(command).redirectInput(new File("/dev/tty"))
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
