package io.modvm.core.firmware;

import io.modvm.api.device.BusHandler;
import io.modvm.api.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's firmware configuration device on the PC's ports (docs/specs/fw_cfg.rst in QEMU): a 16-bit selector at
 * {@link #SELECTOR_PORT}, the selected item read a byte at a time from {@link #DATA_PORT}, and the DMA interface at
 * {@link #DMA_PORT}, where the guest writes the big-endian address of an access descriptor (control, length,
 * address) and the transfer is done before the write returns. Items are read-only: writes through the data port or
 * by DMA are refused as QEMU refuses them. Nothing a guest does throws.
 */
public final class FwCfg {
    private static final Logger LOG = LoggerFactory.getLogger(FwCfg.class);
    public static final int SELECTOR_PORT = 0x510;
    public static final int DATA_PORT = 0x511;
    public static final int DMA_PORT = 0x514;
    /** Selector and data share one claim; the DMA address registers another. */
    public static final int PORTS_LENGTH = 2;
    public static final int DMA_LENGTH = 8;
    /** What a 64-bit read of the DMA address register returns: "QEMU CFG", big-endian. */
    static final long DMA_SIGNATURE = 0x51454d5520434647L;

    static final int CTL_ERROR = 0x01;
    static final int CTL_READ = 0x02;
    static final int CTL_SKIP = 0x04;
    static final int CTL_SELECT = 0x08;
    static final int CTL_WRITE = 0x10;
    private static final int DESCRIPTOR_SIZE = 16;

    private Map<Integer, byte[]> items;
    private final Supplier<GuestMemory> memory;
    private int selector;
    private int offset;
    private long dmaHigh;

    /** @param memory guest RAM of the current run, for DMA */
    public FwCfg(FwCfgItems items, Supplier<GuestMemory> memory) {
        this.items = items.build();
        this.memory = memory;
    }

    /** Serves {@code next} from now on (before the guest runs: what the firmware is told for this run). */
    public synchronized void reload(FwCfgItems next) {
        items = next.build();
        selector = 0;
        offset = 0;
    }

    /** The selector (offset 0, 16 bits) and data (offset 1, 8 bits) ports. */
    public BusHandler ports() {
        return new BusHandler() {
            @Override
            public long read(long at, int size) {
                if (at != 1) {
                    return 0;
                }
                long value = 0;
                for (int i = 0; i < size; i++) {
                    value |= (long) nextByte() << (8 * i);
                }
                return value;
            }

            @Override
            public void write(long at, int size, long value) {
                if (at == 0 && size >= 2) {
                    select((int) value & 0xFFFF);
                }
            }
        };
    }

    /** The DMA address registers: high half at offset 0, low half at 4 (writing it starts the transfer). */
    public BusHandler dma() {
        return new BusHandler() {
            @Override
            public long read(long at, int size) {
                if (at == 0 && size == 8) {
                    return Long.reverseBytes(DMA_SIGNATURE);
                }
                if (at == 0 && size == 4) {
                    return Integer.reverseBytes((int) (DMA_SIGNATURE >>> 32)) & 0xFFFFFFFFL;
                }
                if (at == 4 && size == 4) {
                    return Integer.reverseBytes((int) DMA_SIGNATURE) & 0xFFFFFFFFL;
                }
                return 0;
            }

            @Override
            public void write(long at, int size, long value) {
                // The guest writes big-endian values; the bus hands them over as the little-endian bytes read.
                if (at == 0 && size == 8) {
                    transfer(Long.reverseBytes(value));
                } else if (at == 0 && size == 4) {
                    synchronized (FwCfg.this) {
                        dmaHigh = Integer.reverseBytes((int) value) & 0xFFFFFFFFL;
                    }
                } else if (at == 4 && size == 4) {
                    long high;
                    synchronized (FwCfg.this) {
                        high = dmaHigh;
                        dmaHigh = 0;
                    }
                    transfer(high << 32 | (Integer.reverseBytes((int) value) & 0xFFFFFFFFL));
                }
            }
        };
    }

    private synchronized void select(int key) {
        selector = key;
        offset = 0;
    }

    private synchronized int nextByte() {
        byte[] item = items.get(selector);
        if (item == null || offset >= item.length) {
            return 0;
        }
        return item[offset++] & 0xFF;
    }

    /** Runs the DMA access whose descriptor is at {@code descriptor} and writes its status back. */
    private synchronized void transfer(long descriptor) {
        GuestMemory ram = memory.get();
        if (ram == null) {
            return;
        }
        byte[] raw = new byte[DESCRIPTOR_SIZE];
        try {
            ram.read(descriptor, raw, 0, raw.length);
        } catch (RuntimeException e) {
            LOG.debug("fw_cfg DMA descriptor at 0x{} is not in RAM", Long.toHexString(descriptor));
            return;
        }
        ByteBuffer d = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        int control = d.getInt(0);
        int length = d.getInt(4);
        long address = d.getLong(8);
        if ((control & CTL_SELECT) != 0) {
            select(control >>> 16);
        }
        int status = 0;
        if ((control & CTL_WRITE) != 0) {
            status = CTL_ERROR;
        } else if ((control & (CTL_READ | CTL_SKIP)) != 0) {
            status = copy(ram, address, length, (control & CTL_READ) != 0);
        }
        byte[] done = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(status).array();
        try {
            ram.write(descriptor, done, 0, 4);
        } catch (RuntimeException e) {
            LOG.debug("fw_cfg DMA descriptor at 0x{} is not writable", Long.toHexString(descriptor));
        }
    }

    /** Reads (or skips) {@code length} bytes of the item; past its end a read gives zeros, as QEMU's does. */
    private int copy(GuestMemory ram, long address, int length, boolean read) {
        byte[] item = items.getOrDefault(selector, new byte[0]);
        long len = length & 0xFFFFFFFFL;
        int from = Math.min(offset, item.length);
        int available = (int) Math.min(len, item.length - from);
        offset = (int) Math.min(Integer.MAX_VALUE, offset + len);
        if (!read) {
            return 0;
        }
        try {
            if (available > 0) {
                ram.write(address, item, from, available);
            }
            if (len > available) {
                ram.write(address + available, new byte[(int) Math.min(len - available, 1 << 20)], 0,
                        (int) Math.min(len - available, 1 << 20));
            }
            return 0;
        } catch (RuntimeException e) {
            return CTL_ERROR;
        }
    }
}
