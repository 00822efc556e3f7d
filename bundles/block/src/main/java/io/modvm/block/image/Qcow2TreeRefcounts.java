package io.modvm.block.image;

import static io.modvm.block.image.Qcow2Image.COMPRESSED;
import static io.modvm.block.image.Qcow2Image.COPIED;
import static io.modvm.block.image.Qcow2Image.OFFSET_MASK;

import java.io.IOException;

/**
 * Refcounts of a whole cluster tree (an L1 table, its L2 tables, their clusters), as taking, applying and deleting a
 * snapshot change them: QEMU's qcow2_update_snapshot_refcount. A data cluster's refcount counts the L1 tables that
 * reach it, so a tree shared through an L2 table still gives each of its clusters one reference per L1 table.
 */
final class Qcow2TreeRefcounts {
    private final HostFile file;
    private final long clusterSize;
    private final Qcow2L2Tables l2Tables;
    private final Qcow2Refcounts refcounts;
    private final Qcow2Compressed compressed;

    Qcow2TreeRefcounts(HostFile file, long clusterSize, Qcow2L2Tables l2Tables, Qcow2Refcounts refcounts,
            Qcow2Compressed compressed) {
        this.file = file;
        this.clusterSize = clusterSize;
        this.l2Tables = l2Tables;
        this.refcounts = refcounts;
        this.compressed = compressed;
    }

    /**
     * Adds {@code addend} (1, 0 or -1) to the refcount of every cluster the tree under {@code l1Entries} uses, and
     * sets QCOW_OFLAG_COPIED in its L2 tables and in {@code l1Entries} where the refcount ends up one, clears it
     * elsewhere. Returns whether {@code l1Entries} changed; the caller writes it if it is the active table. A
     * refcount is raised only after the flag that allows writing in place is gone, and a flag is set only once the
     * refcount has come down, so a crash between can never let a write land in a shared cluster.
     */
    boolean update(long[] l1Entries, int addend) throws IOException {
        boolean l1Changed = false;
        for (int i = 0; i < l1Entries.length; i++) {
            long l2Offset = l1Entries[i] & OFFSET_MASK;
            if (l2Offset == 0) {
                continue;
            }
            long[] table = l2Tables.get(l2Offset);
            if (addend > 0 && clearCopied(table)) {
                l2Tables.write(l2Offset, table);
            }
            boolean changed = false;
            for (int j = 0; j < table.length; j++) {
                long entry = table[j];
                long updated = entry & ~COPIED;
                if ((entry & COMPRESSED) != 0) {
                    if (addend != 0) {
                        for (long host : compressed.hostClusters(entry)) {
                            adjust(host, addend);
                        }
                    }
                } else if ((entry & OFFSET_MASK) != 0) {
                    long host = entry & OFFSET_MASK;
                    l2Tables.checkAligned(host, "data cluster");
                    if (addend != 0) {
                        adjust(host, addend);
                    }
                    if (refcounts.get(host) == 1) {
                        updated |= COPIED;
                    }
                }
                if (updated != entry) {
                    table[j] = updated;
                    changed = true;
                }
            }
            if (changed) {
                l2Tables.write(l2Offset, table);
            }
            if (addend != 0) {
                adjust(l2Offset, addend);
            }
            long updated = refcounts.get(l2Offset) == 1 ? l2Offset | COPIED : l2Offset;
            if (updated != l1Entries[i]) {
                l1Entries[i] = updated;
                l1Changed = true;
            }
        }
        return l1Changed;
    }

    /**
     * Refuses a snapshot's tree before any refcount changes if it points at clusters that are misaligned or not in
     * use, so that a damaged table cannot leave refcounts half updated.
     */
    void check(long[] l1Entries, String snapshot) throws IOException {
        for (long l1Entry : l1Entries) {
            long l2Offset = l1Entry & OFFSET_MASK;
            if (l2Offset == 0) {
                continue;
            }
            checkInUse(l2Offset, snapshot);
            for (long entry : l2Tables.get(l2Offset)) {
                if ((entry & COMPRESSED) != 0) {
                    for (long host : compressed.hostClusters(entry)) {
                        checkInUse(host, snapshot);
                    }
                } else if ((entry & OFFSET_MASK) != 0) {
                    checkInUse(entry & OFFSET_MASK, snapshot);
                }
            }
        }
    }

    private static boolean clearCopied(long[] table) {
        boolean changed = false;
        for (int j = 0; j < table.length; j++) {
            if ((table[j] & COPIED) != 0) {
                table[j] &= ~COPIED;
                changed = true;
            }
        }
        return changed;
    }

    private void checkInUse(long host, String snapshot) throws IOException {
        if ((host & (clusterSize - 1)) != 0 || refcounts.get(host) == 0) {
            throw new ImageFormatException(file.path() + ": qcow2 snapshot '" + snapshot + "' uses the cluster at "
                    + host + ", which is misaligned or free; repair the image with qemu-img check -r all");
        }
    }

    private void adjust(long host, int addend) throws IOException {
        if (addend > 0) {
            refcounts.addRef(host);
        } else {
            refcounts.release(host);
        }
    }
}
