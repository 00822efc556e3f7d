package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared device properties as a user and a QMP client meet them: {@code -device T,help} and HMP
 * {@code device_add T,help} list them as QEMU 7.2 does, QMP {@code device-list-properties} answers with QEMU's
 * ObjectPropertyInfo, and a value or a name the type does not take is one line naming it and what it takes.
 */
@Timeout(180)
class DevicePropertiesIT {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final String SERIAL_HELP = """
            isa-serial options:
              chardev=<str>          - ID of a chardev to use as a backend (default: "null")
              index=<uint8>          - which PC serial port: 0 for COM1 to 3 for COM4 (default: 0)
              iobase=<uint16>        - first of its eight ports; by default the port of COM<index+1> (default: 1016)
              irq=<uint8>            - ISA interrupt line; by default that of COM<index+1> (default: 4)
            """;

    @TempDir
    Path dir;

    @Test
    void deviceHelpListsTheDeclaredPropertiesAsQemuDoes() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-device", "isa-serial,help");
        assertEquals(0, p.exitValue(), p.stderr());
        assertEquals(SERIAL_HELP, p.stdout());
        ModvmProcess none = ModvmProcess.runToEnd(RUN, "-device", "i8042,?");
        assertEquals(0, none.exitValue(), none.stderr());
        assertEquals("There are no options for i8042.\n", none.stdout());
    }

    @Test
    void aBadValueOrAnUnknownPropertyIsOneLineNamingItAndWhatItTakes() throws Exception {
        String kernel = Guests.build("hello").toString();
        assertOneLine(ModvmProcess.runToEnd(RUN, "-kernel", kernel, "-device", "isa-debug-exit,iobase=zz"),
                "modvm: -device isa-debug-exit: isa-debug-exit: iobase 'zz' is not a number; use e.g. iobase=0x501");
        assertOneLine(ModvmProcess.runToEnd(RUN, "-kernel", kernel, "-device", "virtio-rng-pci,period=0"),
                "modvm: -device virtio-rng-pci: virtio-rng-pci: period '0' is out of range; use 1..9223372036854");
        assertOneLine(ModvmProcess.runToEnd(RUN, "-kernel", kernel, "-device", "isa-serial,iobse=0x2f8"),
                "modvm: -device isa-serial: isa-serial: unknown property 'iobse' (did you mean 'iobase'?); "
                        + "accepted: chardev, index, iobase, irq");
        assertOneLine(ModvmProcess.runToEnd(RUN, "-kernel", kernel, "-device", "virtio-net-pci,mq=perhaps"),
                "modvm: -device virtio-net-pci: virtio-net-pci: mq 'perhaps' is not a switch; use mq=on or mq=off");
    }

    private static void assertOneLine(ModvmProcess p, String expected) {
        String err = p.stderr().strip();
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.lines().count(), "exactly one line:\n" + err);
        assertTrue(err.startsWith(expected), err);
    }

    @Test
    void theMonitorListsPropertiesAndRefusesBadOnesWhileTheGuestRuns() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start(ModvmProcess.home(), Map.of(), List.of(), "-kernel",
                Guests.build("pci_watch").toString(), "-m", "64", "-qmp", "unix:" + socket + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(socket, p, RUN)) {
            c.negotiate();
            p.awaitOutput("pci: watching", RUN);

            assertEquals(List.of(
                    Map.of("name", "chardev", "type", "str", "description", "ID of a chardev to use as a backend",
                            "default-value", "null"),
                    Map.of("name", "index", "type", "uint8",
                            "description", "which PC serial port: 0 for COM1 to 3 for COM4", "default-value", 0L),
                    Map.of("name", "iobase", "type", "uint16",
                            "description", "first of its eight ports; by default the port of COM<index+1>",
                            "default-value", 1016L),
                    Map.of("name", "irq", "type", "uint8",
                            "description", "ISA interrupt line; by default that of COM<index+1>", "default-value", 4L)),
                    c.returned("device-list-properties", Map.of("typename", "isa-serial")));
            Map<String, Object> unknown = c.execute("device-list-properties", Map.of("typename", "nope"));
            assertEquals(Map.of("class", "DeviceNotFound", "desc", "Device 'nope' not found"), unknown.get("error"),
                    unknown.toString());

            String pciBefore = hmp(c, "info pci");
            assertEquals(SERIAL_HELP.replace("\n", "\r\n"), hmp(c, "device_add isa-serial,help"),
                    "as -device isa-serial,help prints it, with HMP's line ends");
            // Sorted by name as QEMU's: the transport's disable-legacy and disable-modern come first.
            String rngHelp = hmp(c, "device_add virtio-rng-pci,help");
            assertTrue(rngHelp.startsWith("virtio-rng-pci options:\r\n  disable-legacy=<str>"), rngHelp);
            assertTrue(rngHelp.contains("\r\n  max-bytes=<uint64>     - bytes the guest may get per period (default: "
                    + "9223372036854775807)\r\n"), rngHelp);
            assertEquals(pciBefore, hmp(c, "info pci"), "help plugs nothing");

            Map<String, Object> bad = c.execute("device_add", Map.of("driver", "virtio-rng-pci", "id", "r1",
                    "max-bytes", "lots"));
            assertEquals(Map.of("class", "GenericError", "desc", "virtio-rng-pci: max-bytes 'lots' is not a number; "
                    + "use e.g. max-bytes=9223372036854775807"), bad.get("error"), bad.toString());
            assertEquals("Error: virtio-rng-pci: unknown property 'perid' (did you mean 'period'?); accepted: "
                    + "disable-legacy, disable-modern, max-bytes, period",
                    hmp(c, "device_add virtio-rng-pci,id=r2,perid=10").strip());
            assertEquals(pciBefore, hmp(c, "info pci"), "nothing refused was plugged");

            c.execute("quit");
            assertEquals(0, p.waitFor(RUN), p.stderr());
        }
    }

    private static String hmp(QmpTestClient c, String line) throws Exception {
        return (String) c.returned("human-monitor-command", Map.of("command-line", line));
    }
}
