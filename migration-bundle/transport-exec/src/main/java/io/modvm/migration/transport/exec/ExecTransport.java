package io.modvm.migration.transport.exec;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import io.modvm.api.migration.MigrationTransport;
import java.io.IOException;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * {@code exec:COMMAND}, run with {@code /bin/sh -c} as QEMU does: the source writes the stream to the command's
 * stdin ({@code exec:cat > FILE}, {@code exec:gzip -c > FILE.gz}), the destination reads its stdout
 * ({@code exec:cat FILE}). The command's stderr goes to modvm's.
 */
@Component(service = MigrationTransport.class, property = MigrationTransport.PROP_SCHEME + "=exec")
public final class ExecTransport implements MigrationTransport {
    @Override
    public String scheme() {
        return "exec";
    }

    @Override
    public MigrationChannel connect(String address) throws MigrationException {
        return new CommandChannel(start(address, true), address, true);
    }

    @Override
    public MigrationListener listen(String address) throws MigrationException {
        return new CommandListener(start(address, false), address);
    }

    static Process start(String command, boolean source) throws MigrationException {
        if (command.isBlank()) {
            throw new MigrationException("'exec:': expected exec:COMMAND");
        }
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (source) {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new MigrationException("exec:" + command + ": cannot start /bin/sh: " + e.getMessage(), e);
        }
    }
}
