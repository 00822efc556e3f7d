package io.modvm.diskboot.source;

import io.modvm.api.boot.BootFile;
import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.config.FileRef;
import java.nio.ByteBuffer;
import java.util.List;

/** A kernel or initrd an entry names, found on its partition only when the entry boots. */
final class VolumeFile implements BootFile {
    private final String diskName;
    private final List<Volume> volumes;
    private final Volume home;
    private final FileRef ref;
    private final String what;

    /**
     * @param home the volume the configuration was read from, where a path without a device lies
     * @param what for messages: {@code the kernel of entry 'Debian' in /boot/grub/grub.cfg}
     */
    VolumeFile(String diskName, List<Volume> volumes, Volume home, FileRef ref, String what) {
        this.diskName = diskName;
        this.volumes = volumes;
        this.home = home;
        this.ref = ref;
        this.what = what;
    }

    @Override
    public String path() {
        return ref.path();
    }

    @Override
    public ByteBuffer read(long maxBytes) throws BootSourceException {
        Volume v = home;
        if (ref.device() != null) {
            v = volumes.stream().filter(c -> c.isNamed(ref.device())).findFirst().orElseThrow(() ->
                    new BootSourceException(diskName + ": " + what + " is on (" + ref.device() + "), which is no "
                            + "partition of this disk with a file system modvm reads; fix the entry or choose "
                            + "another with -boot entry="));
        }
        return v.fs().read(ref.path(), maxBytes, what).orElseThrow(() -> new BootSourceException(diskName + " "
                + home.describe() + ": " + ref.path() + ", " + what + ", does not exist; fix the entry or choose "
                + "another with -boot entry="));
    }
}
