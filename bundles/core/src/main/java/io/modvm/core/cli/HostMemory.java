package io.modvm.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's physical memory, read from /proc/meminfo. */
final class HostMemory {
    private HostMemory() {
    }

    static long total() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: without the figure, only the JVM's view is left
        }
        return Runtime.getRuntime().maxMemory();
    }
}
