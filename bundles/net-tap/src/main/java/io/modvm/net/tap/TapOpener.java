package io.modvm.net.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.device.DeviceException;
import java.nio.charset.StandardCharsets;

/** Opens the queues of a tap through /dev/net/tun, as QEMU does, with errors that say what to do. */
final class TapOpener {
    static final String TUN = "/dev/net/tun";

    private TapOpener() {
    }

    /**
     * Opens one queue of tap {@code ifname} (a new tap when the name is empty or free), non-blocking. Returns its
     * descriptor; {@code name} receives the name the kernel chose.
     */
    static int open(String ifname, boolean vnetHeader, boolean multiQueue, StringBuilder name)
            throws DeviceException {
        int fd;
        try {
            fd = TunLib.open(TUN, TunLib.O_RDWR | TunLib.O_CLOEXEC | TunLib.O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new DeviceException(switch (e.getErrorCode()) {
                case TunLib.ENOENT -> "could not open " + TUN + ": no such device; load the tun module (modprobe "
                        + "tun) or use -netdev user";
                case TunLib.EACCES, TunLib.EPERM -> "could not open " + TUN + ": permission denied; run as root, "
                        + "or let this user open it (chmod 0666 " + TUN + ") and create the tap for the user: ip "
                        + "tuntap add dev " + (ifname.isEmpty() ? "tap0" : ifname) + " mode tap user "
                        + System.getProperty("user.name");
                default -> "could not open " + TUN + ": " + Errno.describe(e.getErrorCode());
            });
        }
        try (Memory ifr = new Memory(TunLib.IFREQ_SIZE)) {
            ifr.clear();
            byte[] bytes = ifname.getBytes(StandardCharsets.US_ASCII);
            if (bytes.length >= TunLib.IFNAMSIZ) {
                throw new DeviceException("ifname '" + ifname + "' is longer than " + (TunLib.IFNAMSIZ - 1)
                        + " characters; give a shorter name");
            }
            ifr.write(0, bytes, 0, bytes.length);
            short flags = (short) (TunLib.IFF_TAP | TunLib.IFF_NO_PI);
            if (vnetHeader) {
                flags |= TunLib.IFF_VNET_HDR;
            }
            if (multiQueue) {
                flags |= TunLib.IFF_MULTI_QUEUE;
            }
            ifr.setShort(TunLib.IFNAMSIZ, flags);
            try {
                TunLib.ioctl(fd, TunLib.TUNSETIFF, ifr);
            } catch (LastErrorException e) {
                throw new DeviceException(setIffError(ifname, e.getErrorCode(), multiQueue));
            }
            name.setLength(0);
            name.append(ifr.getString(0, StandardCharsets.US_ASCII.name()));
            if (vnetHeader) {
                setVnetHeaderSize(fd, name.toString());
            }
            return fd;
        } catch (DeviceException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Whether the tap descriptor {@code fd} was opened with IFF_VNET_HDR, which is {@code vnet_hdr}'s default for
     * {@code fd=} as in QEMU: frames carry the header exactly when its opener asked for it. False if {@code fd} is
     * not a tap; {@link #adopt} then says so.
     */
    static boolean opensWithVnetHeader(int fd) {
        try (Memory ifr = new Memory(TunLib.IFREQ_SIZE)) {
            ifr.clear();
            TunLib.ioctl(fd, TunLib.TUNGETIFF, ifr);
            return (ifr.getShort(TunLib.IFREQ_FLAGS) & TunLib.IFF_VNET_HDR) != 0;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /** Takes a tap descriptor another process opened ({@code fd=N}, as libvirt passes it): non-blocking from now. */
    static int adopt(int fd, boolean vnetHeader, StringBuilder name) throws DeviceException {
        try (Memory ifr = new Memory(TunLib.IFREQ_SIZE)) {
            ifr.clear();
            TunLib.ioctl(fd, TunLib.TUNGETIFF, ifr);
            name.setLength(0);
            name.append(ifr.getString(0, StandardCharsets.US_ASCII.name()));
            boolean opened = (ifr.getShort(TunLib.IFREQ_FLAGS) & TunLib.IFF_VNET_HDR) != 0;
            if (vnetHeader != opened) {
                throw new DeviceException("fd=" + fd + " (" + name + ") was opened " + (opened ? "with" : "without")
                        + " IFF_VNET_HDR, so its frames " + (opened ? "carry" : "lack") + " the virtio-net header;"
                        + " give vnet_hdr=" + (opened ? "on" : "off") + " or leave vnet_hdr out");
            }
            int flags = TunLib.fcntl(fd, TunLib.F_GETFL, 0);
            TunLib.fcntl(fd, TunLib.F_SETFL, flags | TunLib.O_NONBLOCK);
            if (vnetHeader) {
                setVnetHeaderSize(fd, name.toString());
            }
            return fd;
        } catch (LastErrorException e) {
            throw new DeviceException("fd=" + fd + " is not a tap descriptor this process holds ("
                    + Errno.describe(e.getErrorCode()) + "); pass an open /dev/net/tun descriptor");
        }
    }

    /** Whether the tap driver can carry the virtio-net header (every Linux since 2.6.27 can). */
    static boolean vnetHeaderSupported() {
        int fd;
        try {
            fd = TunLib.open(TUN, TunLib.O_RDWR | TunLib.O_CLOEXEC);
        } catch (LastErrorException e) {
            return false;
        }
        try (Memory features = new Memory(4)) {
            TunLib.ioctl(fd, TunLib.TUNGETFEATURES, features);
            return (features.getInt(0) & TunLib.IFF_VNET_HDR) != 0;
        } catch (LastErrorException e) {
            return false;
        } finally {
            closeQuietly(fd);
        }
    }

    private static void setVnetHeaderSize(int fd, String ifname) throws DeviceException {
        try (Memory size = new Memory(4)) {
            size.setInt(0, io.modvm.api.net.NetworkBackend.VNET_HEADER_SIZE);
            TunLib.ioctl(fd, TunLib.TUNSETVNETHDRSZ, size);
        } catch (LastErrorException e) {
            throw new DeviceException(ifname + ": the tap takes no " + io.modvm.api.net.NetworkBackend.VNET_HEADER_SIZE
                    + "-byte virtio-net header (" + Errno.describe(e.getErrorCode()) + "); use vnet_hdr=off");
        }
    }

    private static String setIffError(String ifname, int errno, boolean multiQueue) {
        String name = ifname.isEmpty() ? "a new tap" : "tap " + ifname;
        return switch (errno) {
            case TunLib.EBUSY -> "could not configure " + TUN + " (" + ifname + "): Device or resource busy; "
                    + ifname + " is in use by another process, or was made without multi_queue: give another "
                    + "ifname, or stop its user";
            case TunLib.EPERM, TunLib.EACCES -> "could not configure " + TUN + " for " + name + ": permission "
                    + "denied; run as root, or create it for this user: ip tuntap add dev "
                    + (ifname.isEmpty() ? "tap0" : ifname) + " mode tap user " + System.getProperty("user.name")
                    + (multiQueue ? " multi_queue" : "");
            case TunLib.EINVAL -> "could not configure " + TUN + " for " + name + ": Invalid argument; "
                    + (multiQueue ? "the tap was made without multi_queue, or " : "") + "it exists as another "
                    + "kind of device: give another ifname";
            default -> "could not configure " + TUN + " for " + name + ": " + Errno.describe(errno);
        };
    }

    static void closeQuietly(int fd) {
        try {
            TunLib.close(fd);
        } catch (LastErrorException ignored) {
            // closing after a failure: the failure is what the user hears of
        }
    }
}
