package io.modvm.core.cli;

import io.modvm.core.options.OptionList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.core.backends.BackendSpec;
import io.modvm.core.devices.DeviceSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineParserTest {
    private final CommandLineParser parser = new CommandLineParser(8L << 30, new ShorthandTypes(
            List.of("i8042", "mc146818rtc"), "isa-serial", "virtio-blk-pci", "virtio-balloon-pci", "e1000"));

    private Invocation.Run run(String... args) throws UsageException {
        return (Invocation.Run) parser.parse(List.of(args));
    }

    private String error(String... args) {
        return assertThrows(UsageException.class, () -> parser.parse(List.of(args))).getMessage();
    }

    @Test
    void qemuStyleCommandLine() throws UsageException {
        Invocation.Run spec = run("-m", "1G", "-smp", "2", "-kernel", "/k", "-initrd", "/i", "-append", "a b",
                "-name", "guest=vm1,debug-threads=on", "-nographic", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0x501,iosize=2", "--device", "pc-testdev,id=t0");
        assertEquals(1L << 30, spec.spec().memoryBytes());
        assertEquals(2, spec.spec().vcpus());
        assertEquals(Path.of("/k"), spec.spec().kernel());
        assertEquals(Path.of("/i"), spec.spec().initrd());
        assertEquals("a b", spec.spec().cmdline());
        assertEquals("vm1", spec.spec().name());
        assertTrue(spec.spec().noReboot());
        assertEquals(List.of(
                new DeviceSpec("isa-serial", "serial0", Map.of("chardev", "serial0", "index", "0"), "-serial stdio"),
                new DeviceSpec("i8042", null, Map.of(),
                        "the machine's chipset device i8042 (modvm.machine.devices)"),
                new DeviceSpec("mc146818rtc", null, Map.of(),
                        "the machine's chipset device mc146818rtc (modvm.machine.devices)"),
                new DeviceSpec("isa-debug-exit", null, Map.of("iobase", "0x501", "iosize", "2")),
                new DeviceSpec("pc-testdev", "t0", Map.of())), spec.devices());
        assertEquals(List.of(new BackendSpec("chardev", "stdio", "serial0", Map.of(), "-serial stdio", false)),
                spec.backends(), "the default serial port's backend, named as QEMU names it");
    }

    @Test
    void defaultsAndSerialChoices() throws UsageException {
        Invocation.Run spec = run("-kernel", "/k");
        assertEquals(128L << 20, spec.spec().memoryBytes());
        assertEquals(1, spec.spec().vcpus());
        assertEquals(3, spec.devices().size());
        Invocation.Run file = run("-kernel", "/k", "-serial", "file:/tmp/x", "-serial", "null");
        assertEquals("serial0", file.devices().get(0).properties().get("chardev"));
        assertEquals("1", file.devices().get(1).properties().get("index"));
        assertEquals(List.of(new BackendSpec("chardev", "file", "serial0", Map.of("path", "/tmp/x"),
                "-serial file:/tmp/x", false), new BackendSpec("chardev", "null", "serial1", Map.of(),
                "-serial null", false)), file.backends());
        assertEquals(List.of("i8042", "mc146818rtc"),
                run("-kernel", "/k", "-nodefaults").devices().stream().map(DeviceSpec::type).toList(),
                "-nodefaults drops the serial port only, as in QEMU");
        assertEquals(2, run("-kernel", "/k", "-serial", "none").devices().size());
    }

    @Test
    void memorySizesFollowQemu() throws UsageException {
        assertEquals(512L << 20, run("-kernel", "/k", "-m", "512").spec().memoryBytes());
        assertEquals(512L << 20, run("-kernel", "/k", "-m", "size=512M").spec().memoryBytes());
        assertEquals(1536L << 20, run("-kernel", "/k", "-m", "1.5G").spec().memoryBytes());
        assertEquals(4L << 20, run("-kernel", "/k", "-m", "4096k").spec().memoryBytes());
    }

    @Test
    void badInputNamesTheOptionAndTheFix() {
        assertEquals("-m foo: not a number; use e.g. -m 512M or -m 2G", error("-kernel", "/k", "-m", "foo"));
        assertEquals("-m 0: a guest needs at least 2 MiB of RAM; use e.g. -m 512M", error("-kernel", "/k", "-m", "0"));
        assertTrue(error("-kernel", "/k", "-m", "64G").contains("more than this host's 8192 MiB"));
        assertTrue(error("-kernel", "/k", "-m", "64G").endsWith("; use -m 8192M or less"));
        assertEquals("-m 5Q: unknown size suffix 'Q'; use e.g. -m 512M or -m 2G", error("-kernel", "/k", "-m", "5Q"));
        assertEquals("-smp 0: a guest needs at least one CPU; use e.g. -smp 2", error("-kernel", "/k", "-smp", "0"));
        assertEquals("-smp x: not a number of CPUs; use e.g. -smp 2", error("-kernel", "/k", "-smp", "x"));
        assertEquals("-bogus: invalid option (see modvm -h)", error("-bogus"));
        assertEquals("-m requires an argument (see modvm -h)", error("-kernel", "/k", "-m"));
        assertTrue(error("-kernel", "/k", "-serial", "tcp:1").startsWith("-serial tcp:1: unknown backend"));
        assertTrue(error("-kernel", "/k", "-accel", "tcg").contains("KVM only"));
        assertTrue(error("-kernel", "/k", "-device", ",id=x").contains("no device type"));
        assertTrue(error("a.img", "stray").contains("unexpected argument"), "one bare image is -hda; a second is not");
        assertTrue(error("--").contains("unexpected argument"));
    }

    @Test
    void noKernelMeansTheDefaultGuestAndRemembersWhetherAppendWasGiven() throws UsageException {
        Invocation.Run plain = (Invocation.Run) parser.parse(List.of("-m", "256"));
        assertEquals(null, plain.spec().kernel());
        assertEquals(null, plain.userAppend());
        Invocation.Run appended = (Invocation.Run) parser.parse(List.of("-append", "quiet"));
        assertEquals("quiet", appended.userAppend());
    }

    @Test
    void helpVersionAndDeviceHelp() throws UsageException {
        assertInstanceOf(Invocation.Help.class, parser.parse(List.of("-h")));
        assertInstanceOf(Invocation.Help.class, parser.parse(List.of("--help")));
        assertInstanceOf(Invocation.Version.class, parser.parse(List.of("-version")));
        assertEquals(new Invocation.DeviceHelp(null), parser.parse(List.of("-device", "help")));
        assertEquals(new Invocation.DeviceHelp(null), parser.parse(List.of("-device", "?")));
        assertEquals(new Invocation.DeviceHelp("e1000"), parser.parse(List.of("-device", "e1000,help")));
    }

    @Test
    void doubledCommasAreLiteral() {
        OptionList o = OptionList.parse("virtio-blk-pci,id=a,,b,serial=x");
        assertEquals("virtio-blk-pci", o.implied());
        assertEquals("a,b", o.values().get("id"));
        assertEquals("x", o.values().get("serial"));
    }

    @Test
    void aRepeatedKeyKeepsItsLastValueOrAllOfThemJoined() {
        OptionList o = OptionList.parse("user,hostfwd=tcp::1-:2,id=u,hostfwd=udp::3-:4,,x,id=v");
        assertEquals("udp::3-:4,x", o.values().get("hostfwd"), "the last value, as QEMU takes a scalar");
        assertEquals("tcp::1-:2" + OptionList.REPEAT_SEPARATOR + "udp::3-:4,x", o.joinedValues().get("hostfwd"));
        assertEquals("v", o.values().get("id"));
        assertEquals("u\u0000v", o.joinedValues().get("id"));
        assertEquals(null, OptionList.parse("user,restrict").joinedValues().get("missing"));
        assertEquals("on", OptionList.parse("user,restrict").joinedValues().get("restrict"));
    }

    @Test
    void networkBackendsGetARepeatedOptionsValuesAndTheirOwnKeysTheLast() throws UsageException {
        Invocation.Run run = run("-kernel", "k",
                "-netdev", "user,id=u0,hostfwd=tcp::2222-:22,hostfwd=udp:127.0.0.1:5353-:53",
                "-nic", "user,model=virtio,hostfwd=tcp::1-:2,hostfwd=tcp::3-:4,mac=52:54:00:00:00:01,"
                        + "mac=52:54:00:00:00:02",
                "-net", "nic,model=e1000", "-net", "user,name=a,name=b,dnssearch=x,dnssearch=y");
        String sep = OptionList.REPEAT_SEPARATOR;
        assertEquals(List.of(
                new BackendSpec("netdev", "user", "u0", Map.of("hostfwd",
                        "tcp::2222-:22" + sep + "udp:127.0.0.1:5353-:53"),
                        "-netdev user,id=u0,hostfwd=tcp::2222-:22,hostfwd=udp:127.0.0.1:5353-:53", false),
                new BackendSpec("netdev", "user", "__org.qemu.nic0", Map.of("hostfwd", "tcp::1-:2" + sep
                        + "tcp::3-:4"), "-nic user,model=virtio,hostfwd=tcp::1-:2,hostfwd=tcp::3-:4,"
                        + "mac=52:54:00:00:00:01,mac=52:54:00:00:00:02", false),
                new BackendSpec("netdev", "user", "b", Map.of("dnssearch", "x" + sep + "y"),
                        "-net user,name=a,name=b,dnssearch=x,dnssearch=y", false)),
                run.backends().stream().filter(b -> b.kind().equals("netdev")).toList());
        assertEquals("52:54:00:00:00:02", device(run, "virtio-net-pci").properties().get("mac"));
        assertEquals("b", device(run, "e1000").properties().get("netdev"));
    }

    private DeviceSpec device(Invocation.Run spec, String type) {
        return spec.devices().stream().filter(d -> d.type().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void drivesBecomeBlockBackendsAndVirtioDisks() throws UsageException {
        Invocation.Run spec = run("-kernel", "k", "-drive", "file=a.img,if=virtio,format=qcow2,readonly=on",
                "-drive", "file=b.img,serial=S1", "-drive", "if=none,id=d9,file=c.img,cache=none",
                "-device", "virtio-blk-pci,drive=d9,id=disk",
                "-blockdev", "driver=file,node-name=f0,filename=d.img", "-blockdev", "driver=raw,node-name=r0,file=f0");
        List<DeviceSpec> blk = spec.devices().stream().filter(d -> d.type().equals("virtio-blk-pci")).toList();
        assertEquals(List.of(new DeviceSpec("virtio-blk-pci", null, Map.of("drive", "virtio0"),
                        "-drive file=a.img,if=virtio,format=qcow2,readonly=on"),
                new DeviceSpec("virtio-blk-pci", null, Map.of("drive", "virtio1", "serial", "S1"),
                        "-drive file=b.img,serial=S1"),
                new DeviceSpec("virtio-blk-pci", "disk", Map.of("drive", "d9"))), blk,
                "if=virtio is the default; QEMU names such drives virtio0, virtio1");
        assertEquals(List.of(
                new BackendSpec("block", "drive", "virtio0", Map.of("file", "a.img", "format", "qcow2", "readonly",
                        "on"), "-drive file=a.img,if=virtio,format=qcow2,readonly=on", true),
                new BackendSpec("block", "drive", "virtio1", Map.of("file", "b.img"), "-drive file=b.img,serial=S1",
                        true),
                new BackendSpec("block", "drive", "d9", Map.of("file", "c.img", "cache", "none"),
                        "-drive if=none,id=d9,file=c.img,cache=none", true),
                new BackendSpec("block", "file", "f0", Map.of("filename", "d.img"),
                        "-blockdev driver=file,node-name=f0,filename=d.img", false),
                new BackendSpec("block", "raw", "r0", Map.of("file", "f0"), "-blockdev driver=raw,node-name=r0,file=f0",
                        false)), spec.backends().stream().filter(b -> b.kind().equals("block")).toList(),
                "a -drive goes with its device; a -blockdev node stays");
        assertTrue(error("-drive", "file=a.img,if=scsi").contains("if=virtio"));
        assertTrue(error("-drive", "if=virtio").contains("no file given"));
        assertTrue(error("-drive", "file=a,bogus=1").contains("unknown option 'bogus'"));
        assertTrue(error("-drive", "if=none,file=a").contains("needs id="));
        assertTrue(error("-blockdev", "node-name=x").contains("Parameter 'driver' is missing"));
        assertTrue(error("-blockdev", "driver=file,filename=x").contains("node-name="));
    }

    @Test
    void chardevsBalloonAndMonitors() throws UsageException {
        Invocation.Run run = (Invocation.Run) parser.parse(List.of("-kernel", "k",
                "-chardev", "socket,id=c0,path=/tmp/s,server=on,wait=off", "-chardev", "file,id=f,path=/tmp/out",
                "-device", "virtconsole,chardev=c0", "-serial", "chardev:f", "-balloon", "virtio",
                "-qmp", "unix:/tmp/q,server,nowait", "-monitor", "unix:/tmp/m,server=on,wait=off"));
        Invocation.Run spec = run;
        assertEquals("c0", device(spec, "virtconsole").properties().get("chardev"));
        assertEquals("f", device(spec, "isa-serial").properties().get("chardev"));
        assertEquals(List.of(
                new BackendSpec("chardev", "socket", "c0", Map.of("path", "/tmp/s", "server", "on", "wait", "off"),
                        "-chardev socket,id=c0,path=/tmp/s,server=on,wait=off", false),
                new BackendSpec("chardev", "file", "f", Map.of("path", "/tmp/out"), "-chardev file,id=f,path=/tmp/out",
                        false)), run.backends(), "types and options are the backend bundles' to check");
        device(spec, "virtio-balloon-pci");
        assertEquals(List.of("unix:/tmp/q,server,nowait"), run.qmp());
        assertEquals(List.of("unix:/tmp/m,server=on,wait=off"), run.monitors());
        assertTrue(error("-qmp", "tcp:localhost:4444").contains("-qmp unix:PATH,server,nowait"));
        assertTrue(error("-qmp", "stdio").contains("unsupported"), "QMP on stdio is not offered");
        assertTrue(error("-balloon", "xen").contains("-balloon virtio"));
        assertTrue(error("-chardev", "stdio").contains("no id"));
        assertTrue(error("-chardev", "id=c").contains("no backend type"));
        assertTrue(error("-serial", "unix:").contains("unix socket chardev needs a path"));
        assertTrue(error("-monitor", "stdio", "-serial", "stdio").contains("stdio is already the serial console"));
        Invocation.Run hmpOnStdio = run("-kernel", "k", "-monitor", "stdio");
        assertTrue(hmpOnStdio.devices().stream().noneMatch(d -> d.type().equals("isa-serial")),
                "with -monitor stdio the serial console defaults to none, as in QEMU without a display");
    }

    @Test
    void gogoIsOffUnlessAskedForOnAUnixSocket() throws UsageException {
        assertEquals(List.of(), run("-kernel", "k").gogo());
        assertEquals(List.of("unix:/tmp/g,server,nowait"), run("-kernel", "k", "-gogo", "unix:/tmp/g,server,nowait")
                .gogo());
        assertTrue(error("-gogo", "stdio").contains("-gogo unix:PATH,server,nowait"), "stdio is the console's");
    }
}
