package io.modvm.core.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a kernel or initrd file and picks the loader that can boot it, with one-line errors for the user. */
public final class KernelImages {
    private KernelImages() {
    }

    public static ByteBuffer read(Path path, String what) throws BootException {
        if (Files.isDirectory(path)) {
            throw new BootException(what + " '" + path + "' is a directory, not a file; give the file itself"
                    + orLeaveOut(what));
        }
        try {
            return ByteBuffer.wrap(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new BootException(what + " '" + path + "' does not exist; check the path" + orLeaveOut(what));
        } catch (AccessDeniedException e) {
            throw new BootException(what + " '" + path + "' cannot be read: permission denied; make it readable "
                    + "for this user (chmod a+r)");
        } catch (IOException e) {
            throw new BootException(what + " '" + path + "' cannot be read: " + e.getMessage());
        }
    }

    /** What a user who named no file gets instead: the default guest for a kernel, nothing for an initrd. */
    private static String orLeaveOut(String what) {
        return what.equals("kernel") ? ", or leave -kernel out to boot the default guest"
                : ", or leave -" + what + " out";
    }

    /** Chooses the boot protocol from the image's own headers. */
    public static KernelLoader loaderFor(Path kernel, String cmdline, Path initrd) throws BootException {
        ByteBuffer image = read(kernel, "kernel");
        ByteBuffer initrdImage = initrd == null ? null : read(initrd, "initrd");
        return loaderFor(image, "kernel '" + kernel + "'", cmdline, initrdImage, orLeaveOut("kernel"));
    }

    /**
     * Chooses the boot protocol for a kernel already in memory (read from a disk image by a boot source).
     *
     * @param name the kernel for messages: {@code kernel '/boot/vmlinuz' on disk.img partition 1}
     * @param initrdImage the initrd, or null
     * @param advice appended to the message when the image is no kernel: what the user can do instead
     */
    public static KernelLoader loaderFor(ByteBuffer image, String name, String cmdline, ByteBuffer initrdImage,
            String advice) throws BootException {
        if (ElfImage.isElf(image)) {
            return new PvhLoader(ElfImage.parse(image, name), image, name, cmdline, initrdImage);
        }
        if (SetupHeader.isBzImage(image)) {
            return new BzImageLoader(image, name, cmdline, initrdImage);
        }
        throw new BootException(name + " is not a kernel: expected a bzImage or an ELF file with a PVH entry "
                + "note; give a Linux bzImage or vmlinux" + advice);
    }
}
