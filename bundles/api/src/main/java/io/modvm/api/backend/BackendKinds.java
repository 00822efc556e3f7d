package io.modvm.api.backend;

/** The kinds of backend modvm configures, and the device property that names one of each kind, as in QEMU. */
public final class BackendKinds {
    /** Character backends ({@code -chardev}): consoles, serial ports. Devices name them with {@code chardev=}. */
    public static final String CHARDEV = "chardev";
    /** Block backends ({@code -drive}, {@code -blockdev}): disk images. Devices name them with {@code drive=}. */
    public static final String BLOCK = "block";
    /** Network backends ({@code -netdev}): tap, user-mode, vhost-user. Devices name them with {@code netdev=}. */
    public static final String NETDEV = "netdev";

    private BackendKinds() {
    }
}
