package io.modvm.api.accel;

/**
 * The register state a vCPU starts a guest with. Segments are flat; the code segment uses selector
 * {@link #CODE_SELECTOR} and data segments {@link #DATA_SELECTOR}, matching the GDT the loader writes at
 * {@code gdtBase} (entry 2 code, entry 3 data, as the Linux boot protocol expects).
 *
 * @param mode processor mode
 * @param entry instruction pointer (a linear address; in real mode CS becomes {@code entry >> 4 & 0xF000})
 * @param stackPointer initial RSP
 * @param rsi initial RSI (the Linux boot_params pointer)
 * @param rbx initial RBX (the PVH start_info pointer)
 * @param pageTableRoot CR3 for long mode, ignored otherwise
 * @param gdtBase guest-physical address of the GDT, or 0 for none
 * @param gdtLimit GDT limit
 */
public record BootState(CpuMode mode, long entry, long stackPointer, long rsi, long rbx, long pageTableRoot,
        long gdtBase, int gdtLimit) {
    /** Selector of the flat code segment (GDT entry 2). */
    public static final int CODE_SELECTOR = 0x10;
    /** Selector of the flat data segments (GDT entry 3). */
    public static final int DATA_SELECTOR = 0x18;

    /**
     * The reset state a firmware starts from ({@link CpuMode#RESET}): the first instruction at 0xFFFFFFF0.
     *
     * @since 1.7
     */
    public static BootState reset() {
        return new BootState(CpuMode.RESET, 0xFFFF_FFF0L, 0, 0, 0, 0, 0, 0xFFFF);
    }
}
