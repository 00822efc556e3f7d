package io.modvm.devices.emulated.ide;

/** Where a drive is in a command: what the data port and the bus master engine do next. */
enum Phase {
    /** No command in progress: the data port reads all ones and ignores writes. */
    IDLE,
    /** The guest reads the buffer through the data port (PIO data-in). */
    PIO_IN,
    /** The guest fills the buffer through the data port (PIO data-out). */
    PIO_OUT,
    /** The guest writes an ATAPI command packet through the data port. */
    PACKET,
    /** A DMA command waits for the bus master engine to move the data into guest RAM. */
    DMA_IN,
    /** A DMA command waits for the bus master engine to move the data from guest RAM. */
    DMA_OUT
}
