package io.modvm.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.core.backends.BackendSpec;
import io.modvm.core.devices.DeviceSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QEMU's disk-boot command line: a bare image, -hda..-hdd, -cdrom, -drive if=ide, -boot, -bios and -L. */
class DiskCommandLineTest {
    private final CommandLineParser parser = new CommandLineParser(8L << 30, new ShorthandTypes(
            List.of("i8042"), "isa-serial", "virtio-blk-pci", "virtio-balloon-pci", "e1000"));

    private Invocation.Run run(String... args) throws UsageException {
        return (Invocation.Run) parser.parse(List.of(args));
    }

    private String error(String... args) {
        return assertThrows(UsageException.class, () -> parser.parse(List.of(args))).getMessage();
    }

    private static List<DeviceSpec> disks(Invocation.Run run) {
        return run.devices().stream().filter(d -> d.properties().containsKey("drive")).toList();
    }

    private static List<String> order(Invocation.Run run) {
        return run.bootOrder().disks().stream().map(BootDisk::drive).toList();
    }

    @Test
    void theGuidesLineUnchangedIsAnIdeDiskAtIndexZero() throws UsageException {
        Invocation.Run run = run("-smp", "1", "-m", "1024", "-balloon", "virtio", "cirros.img", "--nographic");
        assertNull(run.spec().kernel(), "no -kernel: the disk decides how the guest boots");
        assertEquals(new BackendSpec("block", "drive", "ide0-hd0", Map.of("file", "cirros.img"), "cirros.img", true),
                run.backends().get(0));
        assertEquals(List.of(new DeviceSpec("ide-hd", null, Map.of("drive", "ide0-hd0", "bus", "ide.0", "unit", "0"),
                "cirros.img")), disks(run));
        assertEquals(List.of(new BootDisk("ide0-hd0", false, -1, "cirros.img")), run.bootOrder().disks());
        assertEquals("cad", run.bootOrder().order());
        assertNull(run.bios());
        assertEquals(List.of(), run.firmwareDirs());
        assertFalse(run.bootMenu());
        assertNull(run.bootEntry());
    }

    @Test
    void hdaToHddAndCdromTakeQemusPlacesAndNames() throws UsageException {
        Invocation.Run run = run("-hdd", "d.img", "-cdrom", "x,y.iso", "-hdb", "b.img", "-hda", "a.img");
        assertEquals(List.of(
                new DeviceSpec("ide-hd", null, Map.of("drive", "ide1-hd1", "bus", "ide.1", "unit", "1"), "-hdd d.img"),
                new DeviceSpec("ide-cd", null, Map.of("drive", "ide1-cd0", "bus", "ide.1", "unit", "0"),
                        "-cdrom x,y.iso"),
                new DeviceSpec("ide-hd", null, Map.of("drive", "ide0-hd1", "bus", "ide.0", "unit", "1"), "-hdb b.img"),
                new DeviceSpec("ide-hd", null, Map.of("drive", "ide0-hd0", "bus", "ide.0", "unit", "0"), "-hda a.img")),
                disks(run));
        assertEquals(new BackendSpec("block", "drive", "ide1-cd0", Map.of("file", "x,y.iso", "readonly", "on"),
                "-cdrom x,y.iso", true), run.backends().get(1), "a file name is taken whole; a CD is read-only");
        assertEquals(List.of("ide0-hd0", "ide0-hd1", "ide1-hd1", "ide1-cd0"), order(run),
                "order cad: the hard disks by IDE index, then the CD-ROM");
        assertTrue(error("-hdc", "c.img", "-cdrom", "x.iso").startsWith("-cdrom x.iso: IDE bus 1 unit 0 (index=2) "
                + "already has a drive (-hdc c.img)"), "QEMU's -cdrom is index 2, as -hdc");
        assertTrue(error("a.img", "-hda", "b.img").contains("already has a drive (a.img)"));
        assertEquals("-hda requires an argument (see modvm -h)", error("-hda"));
    }

    @Test
    void driveIfIdeTakesIndexBusUnitAndMedia() throws UsageException {
        Invocation.Run run = run("-drive", "file=a.img,if=ide", "-drive", "file=b.img,if=ide,bus=1",
                "-drive", "file=c.iso,if=ide,bus=1,media=cdrom,id=cd", "-drive", "file=d.img,if=ide,index=1,serial=S",
                "-drive", "if=none,id=e,file=e.iso,media=cdrom");
        assertEquals(List.of(
                new DeviceSpec("ide-hd", null, Map.of("drive", "ide0-hd0", "bus", "ide.0", "unit", "0"),
                        "-drive file=a.img,if=ide"),
                new DeviceSpec("ide-hd", null, Map.of("drive", "ide1-hd0", "bus", "ide.1", "unit", "0"),
                        "-drive file=b.img,if=ide,bus=1"),
                new DeviceSpec("ide-cd", null, Map.of("drive", "cd", "bus", "ide.1", "unit", "1"),
                        "-drive file=c.iso,if=ide,bus=1,media=cdrom,id=cd"),
                new DeviceSpec("ide-hd", null, Map.of("drive", "ide0-hd1", "bus", "ide.0", "unit", "1", "serial", "S"),
                        "-drive file=d.img,if=ide,index=1,serial=S")), disks(run),
                "without index or unit, the first free place from the bus on, as in QEMU");
        assertEquals(Map.of("file", "e.iso", "readonly", "on"), run.backends().get(4).properties());
        assertTrue(error("-drive", "file=a,if=ide,index=4").contains("index 0-3"));
        assertTrue(error("-drive", "file=a,if=ide,bus=2").contains("bus=2 does not exist"));
        assertTrue(error("-drive", "file=a,if=ide,unit=2").contains("unit=2 is too big (max is 1)"));
        assertTrue(error("-drive", "file=a,if=ide,index=1,unit=0").contains("index= cannot go with bus= or unit="));
        assertTrue(error("-drive", "file=a,if=ide,index=x").contains("index=x is not a number"));
        assertTrue(error("-drive", "file=a,media=floppy").contains("use media=disk or media=cdrom"));
        assertTrue(error("-drive", "file=a,if=virtio,media=cdrom").contains("media=cdrom needs an IDE drive"));
        assertTrue(error("-drive", "file=a,if=scsi").startsWith("-drive file=a,if=scsi: if=scsi is not supported; "
                + "use if=ide, if=virtio, or if=none"));
        assertTrue(error("-hda", "a", "-hdb", "b", "-hdc", "c", "-hdd", "d", "-drive", "file=e,if=ide")
                .contains("every IDE place from there on has a drive"));
    }

    @Test
    void bootOrderOnceStrictAndBootindex() throws UsageException {
        assertEquals(List.of("ide1-cd0", "ide0-hd0"), order(run("-hda", "a", "-cdrom", "c", "-boot", "d")),
                "the old form -boot d is order=d; the rest follow unless strict");
        assertEquals(List.of("ide1-cd0"), order(run("-hda", "a", "-cdrom", "c", "-boot", "order=d,strict=on")));
        assertEquals(List.of("ide1-cd0", "ide0-hd0"), order(run("-hda", "a", "-cdrom", "c", "-boot",
                "order=c,once=d")), "once= decides the first boot");
        Invocation.Run indexed = run("-drive", "file=a,if=none,id=a", "-device", "virtio-blk-pci,drive=a,bootindex=2",
                "-drive", "file=b,if=none,id=b", "-device", "virtio-blk-pci,drive=b,bootindex=1", "-hda", "h");
        assertEquals(List.of("b", "a", "ide0-hd0"), order(indexed), "bootindex first, lowest first");
        assertEquals(new BootDisk("b", false, 1, "-device virtio-blk-pci"), indexed.bootOrder().disks().get(0));
        assertEquals("2", indexed.devices().stream().filter(d -> "a".equals(d.properties().get("drive")))
                .findFirst().orElseThrow().properties().get("bootindex"), "bootindex reaches the device");
        assertTrue(error("-drive", "file=a,if=none,id=a", "-device", "virtio-blk-pci,drive=a,bootindex=1",
                "-drive", "file=b,if=none,id=b", "-device", "virtio-blk-pci,drive=b,bootindex=1")
                .contains("bootindex=1 is already used by -device virtio-blk-pci"));
        assertTrue(error("-drive", "file=a,if=none,id=a", "-device", "virtio-blk-pci,drive=a,bootindex=x")
                .contains("bootindex=x is not a number"));
        Invocation.Run all = run("-boot", "order=cdn,once=d,menu=on,strict=off,splash-time=500,reboot-timeout=-1,"
                + "splash=logo.bmp", "-boot", "entry=Debian GNU/Linux");
        assertEquals(new BootOrder("cdn", "d", false, 500, -1, List.of()), all.bootOrder());
        assertTrue(all.bootMenu());
        assertEquals("Debian GNU/Linux", all.bootEntry());
        assertTrue(error("-boot", "order=x").contains("Invalid boot device for PC: 'x'"));
        assertTrue(error("-boot", "order=cc").contains("Boot device 'c' was given twice"));
        assertTrue(error("-boot", "order=cdna").contains("Too many boot devices for PC"));
        assertTrue(error("-boot", "menu=maybe").contains("use menu=on or menu=off"));
        assertTrue(error("-boot", "splash-time=99999").contains("from 0 to 65535"));
        assertTrue(error("-boot", "bogus=1").contains("Invalid parameter 'bogus'"));
        assertTrue(error("-boot", "entry=").contains("entry= is empty"));
    }

    @Test
    void biosFirmwareDirectoriesAndDoubleDashes() throws UsageException {
        Invocation.Run run = run("--bios", "/fw/bios.bin", "-L", "/a", "--L", "/b", "--hda", "x.img",
                "--boot", "order=c", "--nographic", "--m", "64");
        assertEquals(Path.of("/fw/bios.bin"), run.bios());
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), run.firmwareDirs(), "searched in this order");
        assertEquals(64L << 20, run.spec().memoryBytes());
        assertEquals(List.of("ide0-hd0"), order(run));
        assertEquals("-bios: the argument is empty; give -bios FILE", error("-bios", ""));
        assertEquals("-L: the argument is empty; give -L DIR", error("-L", ""));
    }

    @Test
    void ideTypesComeFromTheConfiguration() throws UsageException {
        CommandLineParser own = new CommandLineParser(8L << 30, ShorthandTypes.from(Map.of(
                ShorthandTypes.IDE_DISK, "my-hd", ShorthandTypes.IDE_CDROM, "my-cd")));
        Invocation.Run run = (Invocation.Run) own.parse(List.of("-hda", "a", "-cdrom", "c"));
        assertEquals(List.of("my-hd", "my-cd"), disks(run).stream().map(DeviceSpec::type).toList());
        assertTrue(run.bootOrder().disks().get(1).cdrom());
    }
}
