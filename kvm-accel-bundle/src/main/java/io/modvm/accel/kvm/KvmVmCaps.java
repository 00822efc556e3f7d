package io.modvm.accel.kvm;

/**
 * What this VM's KVM offers for saving state, asked once when the VM is made.
 *
 * @param xsaveSize bytes of the XSAVE area KVM_GET_XSAVE(2) gives, 0 without KVM_CAP_XSAVE (the FPU area is used)
 * @param xcrs KVM_GET/SET_XCRS exist
 * @param vcpuEvents KVM_GET/SET_VCPU_EVENTS exist
 * @param debugregs KVM_GET/SET_DEBUGREGS exist
 * @param manualDirtyProtect KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2: which of its flags this KVM supports (0: none)
 */
record KvmVmCaps(int xsaveSize, boolean xcrs, boolean vcpuEvents, boolean debugregs, int manualDirtyProtect) {
    static KvmVmCaps of(int vmFd) {
        int xsave = 0;
        if (KvmCall.has(vmFd, KvmIoctl.CAP_XSAVE)) {
            xsave = Math.max(KvmIoctl.XSAVE_SIZE, KvmCall.capability(vmFd, KvmIoctl.CAP_XSAVE2));
        }
        return new KvmVmCaps(xsave, KvmCall.has(vmFd, KvmIoctl.CAP_XCRS), KvmCall.has(vmFd, KvmIoctl.CAP_VCPU_EVENTS),
                KvmCall.has(vmFd, KvmIoctl.CAP_DEBUGREGS),
                KvmCall.capability(vmFd, KvmIoctl.CAP_MANUAL_DIRTY_LOG_PROTECT2));
    }
}
