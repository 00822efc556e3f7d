package io.modvm.devices.emulated.ide;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;

/**
 * A bus master's Physical Region Descriptor table as the transfer walks it (PIIX datasheet, "Bus Master IDE"): 8-byte
 * entries of a 32-bit address and a 16-bit byte count (0 means 64 KiB), the last one marked by bit 31 of its second
 * dword. Each region is checked to be guest RAM before a byte moves; a table that ends before the data does, or that
 * runs on past {@value #MAX_ENTRIES} entries (64 KiB of table, more than the hardware can address), faults the
 * transfer.
 */
final class PrdTable implements GuestBuffer {
    static final int MAX_ENTRIES = 8192;
    private static final long END_OF_TABLE = 0x8000_0000L;

    private final GuestMemory memory;
    private final long table;
    private int entry;
    private long regionAddress;
    private long regionLeft;
    private boolean last;

    /** @param table the table's guest-physical address, dword aligned */
    PrdTable(GuestMemory memory, long table) {
        this.memory = memory;
        this.table = table;
    }

    @Override
    public void toGuest(byte[] source, int offset, int length) throws DmaFault {
        int done = 0;
        while (done < length) {
            int n = next(length - done);
            try {
                memory.write(regionAddress, source, offset + done, n);
            } catch (GuestMemoryException e) {
                throw new DmaFault("PRD region at 0x" + Long.toHexString(regionAddress) + " is not RAM");
            }
            consume(n);
            done += n;
        }
    }

    @Override
    public void fromGuest(byte[] destination, int offset, int length) throws DmaFault {
        int done = 0;
        while (done < length) {
            int n = next(length - done);
            try {
                memory.read(regionAddress, destination, offset + done, n);
            } catch (GuestMemoryException e) {
                throw new DmaFault("PRD region at 0x" + Long.toHexString(regionAddress) + " is not RAM");
            }
            consume(n);
            done += n;
        }
    }

    /** Bytes of the current region the next copy may take, loading the next entry when this one is used up. */
    private int next(int wanted) throws DmaFault {
        while (regionLeft == 0) {
            if (last || entry >= MAX_ENTRIES) {
                throw new DmaFault("the PRD table at 0x" + Long.toHexString(table) + " ends before the data does");
            }
            long at = table + 8L * entry++;
            long address;
            long control;
            try {
                address = memory.readInt(at) & 0xFFFF_FFFEL;
                control = memory.readInt(at + 4) & 0xFFFF_FFFFL;
            } catch (GuestMemoryException e) {
                throw new DmaFault("PRD entry at 0x" + Long.toHexString(at) + " is not in RAM");
            }
            long count = control & 0xFFFF;
            regionAddress = address;
            regionLeft = count == 0 ? 0x10000 : count;
            last = (control & END_OF_TABLE) != 0;
            if (!memory.isRam(regionAddress, regionLeft)) {
                throw new DmaFault("PRD region 0x" + Long.toHexString(regionAddress) + "+0x"
                        + Long.toHexString(regionLeft) + " is not RAM");
            }
        }
        return (int) Math.min(wanted, regionLeft);
    }

    private void consume(int n) {
        regionAddress += n;
        regionLeft -= n;
    }
}
