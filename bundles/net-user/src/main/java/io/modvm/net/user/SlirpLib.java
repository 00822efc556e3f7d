package io.modvm.net.user;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * libslirp's functions (libslirp.so.0, 4.7 or later), bound by JNA direct mapping. libslirp is not thread-safe and
 * keeps some state in globals, so every call is made under {@link SlirpRuntime#lock()}. Load {@link SlirpRuntime}
 * first: it checks that the library is there and new enough, and says what to install if not; this class would only
 * fail to initialize.
 */
final class SlirpLib {
    /** The soname Debian's libslirp0 installs (there is no unversioned libslirp.so without libslirp-dev). */
    static final String LIBRARY = "libslirp.so.0";

    static {
        Native.register(SlirpLib.class, NativeLibrary.getInstance(LIBRARY));
    }

    private SlirpLib() {
    }

    /** SlirpConfig's version this backend fills: 4 adds timer_new_opaque and init_completed (libslirp 4.7). */
    static final int CONFIG_VERSION = 4;
    static final int POLL_IN = 1;
    static final int POLL_OUT = 2;
    static final int POLL_PRI = 4;
    static final int POLL_ERR = 8;
    static final int POLL_HUP = 16;
    static final int HOSTFWD_UDP = 1;

    static native Pointer slirp_new(Pointer config, Pointer callbacks, Pointer opaque);

    static native void slirp_cleanup(Pointer slirp);

    static native void slirp_pollfds_fill(Pointer slirp, Pointer timeout, SlirpCallbacks.AddPoll addPoll,
            Pointer opaque);

    static native void slirp_pollfds_poll(Pointer slirp, int selectError, SlirpCallbacks.GetRevents getRevents,
            Pointer opaque);

    static native void slirp_input(Pointer slirp, Pointer frame, int length);

    static native void slirp_handle_timer(Pointer slirp, int id, Pointer callbackOpaque);

    static native int slirp_add_hostxfwd(Pointer slirp, Pointer hostAddress, int hostLength, Pointer guestAddress,
            int guestLength, int flags);

    static native int slirp_remove_hostxfwd(Pointer slirp, Pointer hostAddress, int hostLength, int flags);
}
