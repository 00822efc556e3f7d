package io.modvm.devices.emulated.ide;

/** The guest memory a DMA transfer moves data to or from, in order: the bus master's PRD table. */
interface GuestBuffer {
    /** Copies {@code length} bytes of {@code source} to the next bytes of the buffer. */
    void toGuest(byte[] source, int offset, int length) throws DmaFault;

    /** Fills {@code length} bytes of {@code destination} from the next bytes of the buffer. */
    void fromGuest(byte[] destination, int offset, int length) throws DmaFault;
}
