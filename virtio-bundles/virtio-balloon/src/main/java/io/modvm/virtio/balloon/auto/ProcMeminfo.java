package io.modvm.virtio.balloon.auto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads MemAvailable from Linux's {@code /proc/meminfo} (a line {@code MemAvailable:  123456 kB}). */
public final class ProcMeminfo implements HostMemory {
    /** Where Linux publishes it. */
    public static final Path DEFAULT = Path.of("/proc/meminfo");
    private static final String KEY = "MemAvailable:";

    private final Path file;

    public ProcMeminfo(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public long availableBytes() throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) {
            if (line.startsWith(KEY)) {
                return parse(line);
            }
        }
        throw new IOException(file + " has no " + KEY + " line (Linux 3.14 or later has it)");
    }

    private long parse(String line) throws IOException {
        String[] fields = line.substring(KEY.length()).trim().split("\\s+");
        try {
            long value = Long.parseLong(fields[0]);
            boolean kib = fields.length > 1 && fields[1].equalsIgnoreCase("kB");
            if (value < 0 || fields.length > 2 || fields.length == 2 && !kib) {
                throw new NumberFormatException(line);
            }
            return kib ? value << 10 : value;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": cannot read '" + line.trim() + "'");
        }
    }
}
