package io.modvm.api.accel;

/**
 * One CPUID entry as the accelerator gives it to the vCPUs.
 *
 * @param function the leaf (EAX on input)
 * @param index the subleaf (ECX on input), 0 where the leaf has none
 * @param flags the accelerator's flags for the entry (for KVM: whether the index is significant)
 * @param eax result register
 * @param ebx result register
 * @param ecx result register
 * @param edx result register
 * @since 1.4
 */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
}
