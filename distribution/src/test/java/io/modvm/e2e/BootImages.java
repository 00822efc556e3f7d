package io.modvm.e2e;

import io.modvm.testkit.DiskTools;
import io.modvm.testkit.QemuTools;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Bootable disk images made at test time from the default guest's kernel and the pause initramfs (whose /init never
 * makes a system call), as users' images are made (the test kit's {@link DiskTools}), never downloaded.
 */
final class BootImages {
    static final String UUID = "5e1f1e5e-0b0e-4c1d-9a2b-3c4d5e6f7a8b";

    private BootImages() {
    }

    /**
     * A cirros-like disk: MBR, one ext4 partition, /boot/grub/grub.cfg as grub-mkconfig writes it, whose default
     * (set by --id) is the second entry; each entry's command line ends in {@code modvm.entry=first|second}.
     */
    static Path cirrosLike(Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("cirros-root"));
        copyGuest(tree, "/boot/vmlinuz-6.1", "/boot/initrd.img-6.1");
        String entry = """
                menuentry '%s' --class gnu-linux $menuentry_id_option '%s' {
                	insmod ext2
                	search --no-floppy --fs-uuid --set=root %s
                	linux	/boot/vmlinuz-6.1 root=UUID=%s ro console=ttyS0 panic=-1 modvm.entry=%s
                	initrd	/boot/initrd.img-6.1
                }
                """;
        String cfg = "if [ \"${next_entry}\" ] ; then\n   set default=\"${next_entry}\"\nelse\n"
                + "   set default=\"second-id\"\nfi\n"
                + "if [ x\"${feature_menuentry_id}\" = xy ]; then\n  menuentry_id_option=\"--id\"\nelse\n"
                + "  menuentry_id_option=\"\"\nfi\nset timeout=5\n"
                + entry.formatted("First entry", "first-id", UUID, UUID, "first")
                + entry.formatted("Second entry", "second-id", UUID, UUID, "second");
        put(tree, "/boot/grub/grub.cfg", cfg.getBytes(StandardCharsets.UTF_8));
        Path fs = ext4(dir.resolve("cirros-root.ext4"), tree, 48);
        return DiskTools.disk(dir.resolve("cirros.img"), "dos", List.of(fs), List.of("83"));
    }

    /** GPT with an EFI system partition (FAT) holding BLS entries; loader.conf makes {@code b-guest} the default. */
    static Path gptBls(Path dir) throws Exception {
        Path esp = DiskTools.vfat(dir.resolve("esp.vfat"), 48);
        Path files = Files.createDirectories(dir.resolve("esp-files"));
        copyGuest(files, "/vmlinuz", "/initrd.img");
        put(files, "/loader.conf", "default b-guest*\n".getBytes(StandardCharsets.UTF_8));
        put(files, "/a-guest.conf", "title A\nlinux /EFI/Linux/vmlinuz\ninitrd /EFI/Linux/initrd.img\n"
                .concat("options console=ttyS0 panic=-1 modvm.entry=a\n").getBytes(StandardCharsets.UTF_8));
        put(files, "/b-guest-with-a-long-name.conf", ("title B\nlinux /EFI/Linux/vmlinuz\n"
                + "initrd /EFI/Linux/initrd.img\noptions console=ttyS0 panic=-1\noptions modvm.entry=bls-b\n")
                .getBytes(StandardCharsets.UTF_8));
        DiskTools.vfatPut(esp, "/EFI/Linux/vmlinuz", files.resolve("vmlinuz"));
        DiskTools.vfatPut(esp, "/EFI/Linux/initrd.img", files.resolve("initrd.img"));
        DiskTools.vfatPut(esp, "/loader/loader.conf", files.resolve("loader.conf"));
        DiskTools.vfatPut(esp, "/loader/entries/a-guest.conf", files.resolve("a-guest.conf"));
        DiskTools.vfatPut(esp, "/loader/entries/b-guest-with-a-long-name.conf",
                files.resolve("b-guest-with-a-long-name.conf"));
        Path root = ext4(dir.resolve("gpt-root.ext4"), Files.createDirectories(dir.resolve("gpt-root")), 8);
        return DiskTools.disk(dir.resolve("gpt.img"), "gpt", List.of(esp, root),
                List.of(DiskTools.ESP_GUID, DiskTools.LINUX_GUID));
    }

    /** MBR, ext4, /boot/extlinux/extlinux.conf whose DEFAULT is its second label. */
    static Path extlinux(Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("extlinux-root"));
        copyGuest(tree, "/boot/vmlinuz", "/boot/initrd.img");
        put(tree, "/boot/extlinux/extlinux.conf", """
                DEFAULT two
                LABEL one
                  LINUX ../vmlinuz
                  APPEND console=ttyS0 modvm.entry=one
                LABEL two
                  MENU LABEL Second label
                  LINUX /boot/vmlinuz
                  INITRD /boot/initrd.img
                  APPEND console=ttyS0 panic=-1 modvm.entry=extlinux-two
                """.getBytes(StandardCharsets.UTF_8));
        Path fs = ext4(dir.resolve("extlinux-root.ext4"), tree, 48);
        return DiskTools.disk(dir.resolve("extlinux.img"), "dos", List.of(fs), List.of("83"));
    }

    /** A qcow2 image over {@code raw} as its backing file: reads fall through, and the boot must not write. */
    static Path qcow2Over(Path raw, Path out) throws Exception {
        QemuTools.require();
        QemuTools.img("create", "-q", "-f", "qcow2", "-b", raw.toString(), "-F", "raw", out.toString());
        return out;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (FileChannel c = FileChannel.open(file)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 20);
            while (c.read(b) > 0) {
                d.update(b.flip());
                b.clear();
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static void copyGuest(Path tree, String kernel, String initrd) throws IOException {
        Path k = tree.resolve(kernel.substring(1));
        Files.createDirectories(k.getParent());
        Files.copy(LinuxGuest.file("bzImage"), k);
        Files.copy(LinuxGuest.file("initramfs-pause.cpio"), tree.resolve(initrd.substring(1)));
    }

    private static void put(Path tree, String path, byte[] content) throws IOException {
        Path p = tree.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    private static Path ext4(Path out, Path tree, int megabytes) throws Exception {
        return DiskTools.ext(out, tree, "ext4", megabytes, "-U", UUID);
    }
}
