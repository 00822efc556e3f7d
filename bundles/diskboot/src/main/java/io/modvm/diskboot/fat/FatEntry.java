package io.modvm.diskboot.fat;

/** One directory entry: its (long, if it has one) name, first cluster and size. */
record FatEntry(String name, boolean directory, long cluster, long size) {
    /** The root directory, which has no entry of its own. */
    static final FatEntry ROOT = new FatEntry("/", true, 0, 0);
}
