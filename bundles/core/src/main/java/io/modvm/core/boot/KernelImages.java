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
            throw new BootException(what + " '" + path + "' is a directory, not a file");
        }
        try {
            return ByteBuffer.wrap(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new BootException(what + " '" + path + "' does not exist");
        } catch (AccessDeniedException e) {
            throw new BootException(what + " '" + path + "' cannot be read: permission denied");
        } catch (IOException e) {
            throw new BootException(what + " '" + path + "' cannot be read: " + e.getMessage());
        }
    }

    /** Chooses the boot protocol from the image's own headers. */
    public static KernelLoader loaderFor(Path kernel, String cmdline, Path initrd) throws BootException {
        ByteBuffer image = read(kernel, "kernel");
        ByteBuffer initrdImage = initrd == null ? null : read(initrd, "initrd");
        String name = "kernel '" + kernel + "'";
        if (ElfImage.isElf(image)) {
            return new PvhLoader(ElfImage.parse(image, name), image, name, cmdline, initrdImage);
        }
        if (SetupHeader.isBzImage(image)) {
            return new BzImageLoader(image, name, cmdline, initrdImage);
        }
        throw new BootException(name + " is not a kernel: expected a bzImage or an ELF file with a PVH entry "
                + "note");
    }
}
