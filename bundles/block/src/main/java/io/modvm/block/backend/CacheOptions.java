package io.modvm.block.backend;

import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import io.modvm.block.CacheMode;

/** The cache mode of a block node, as {@code -drive} names it or as {@code -blockdev}'s flags give it. */
final class CacheOptions {
    private CacheOptions() {
    }

    /** QEMU's {@code cache=} of {@code -drive}: a named mode, writeback by default. */
    static CacheMode named(BackendOptions options, String type, String name) throws DeviceException {
        String text = options.has(name) ? options.get(name) : "writeback";
        CacheMode cache = CacheMode.parse(text);
        if (cache == null) {
            throw new DeviceException(type + ": cache '" + text + "' is not a cache mode; use one of "
                    + CacheMode.accepted());
        }
        return cache;
    }

    /** QEMU's {@code cache.direct} and {@code cache.no-flush} of {@code -blockdev}, prefixed by {@code prefix}. */
    static CacheMode flags(BackendOptions options, String type, String prefix) throws DeviceException {
        boolean direct = options.flag(prefix + "cache.direct", false);
        boolean noFlush = options.flag(prefix + "cache.no-flush", false);
        if (noFlush) {
            if (direct) {
                throw new DeviceException(type + ": cache.direct=on with cache.no-flush=on is not supported; "
                        + "use one of them");
            }
            return CacheMode.UNSAFE;
        }
        return direct ? CacheMode.NONE : CacheMode.WRITEBACK;
    }
}
