package io.modvm.monitor.gogo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A Gogo session for one client of a {@code -gogo} socket: every command the framework's Gogo knows ({@code lb},
 * {@code start}, {@code stop}, {@code modvm:info}...), one line at a time after a {@code g! } prompt, each result
 * printed as Gogo's own shell prints it. A plain line reader rather than Gogo's interactive shell, which wants a
 * terminal: a socket client sends whole lines.
 */
@Component(service = GogoShell.class)
public final class GogoShell {
    static final String PROMPT = "g! ";
    private final CommandProcessor processor;

    @Activate
    public GogoShell(@Reference CommandProcessor processor) {
        this.processor = processor;
    }

    /** Serves one client until its input ends or it types {@code exit}. */
    public void serve(InputStream in, OutputStream out) throws IOException {
        PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try (CommandSession session = processor.createSession(in, console, console)) {
            console.print(PROMPT);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.strip().equals("exit")) {
                    return;
                }
                if (!line.isBlank()) {
                    run(session, line, console);
                }
                console.print(PROMPT);
            }
        }
    }

    private static void run(CommandSession session, String line, PrintStream console) {
        try {
            Object result = session.execute(line);
            if (result != null) {
                console.println(session.format(result, Converter.INSPECT));
            }
        } catch (Exception e) {
            // Gogo's own shell prints the message of a failed command and goes on
            console.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
