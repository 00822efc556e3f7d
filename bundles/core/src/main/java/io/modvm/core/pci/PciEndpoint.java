package io.modvm.core.pci;

/** A function on the root bus as the configuration mechanism sees it. */
interface PciEndpoint {
    /** Reads {@code size} (1, 2 or 4) bytes at {@code offset} of configuration space. */
    int readConfig(int offset, int size);

    void writeConfig(int offset, int size, int value);
}
