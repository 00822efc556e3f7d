package io.modvm.devices.emulated.ide;

/** A DMA transfer the bus master engine could not complete: its PRD table ended first, or named memory not in RAM. */
final class DmaFault extends Exception {
    private static final long serialVersionUID = 1L;

    DmaFault(String message) {
        super(message);
    }
}
