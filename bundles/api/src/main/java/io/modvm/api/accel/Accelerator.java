package io.modvm.api.accel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A hardware virtualization backend, registered as an OSGi service. The core asks the registry for one and
 * never touches the host interface behind it.
 */
@ProviderType
public interface Accelerator {
    /** Service property naming the backend, e.g. {@code kvm}. */
    String PROP_NAME = "modvm.accelerator";

    /** Short name such as {@code kvm}. */
    String name();

    /**
     * Creates an empty virtual machine with an interrupt controller and timer.
     *
     * @throws AcceleratorException with a one-line, user-facing message when the host cannot run guests
     *     (device missing, no permission, out of resources)
     */
    VirtualMachine createVm(VmOptions options) throws AcceleratorException;

    /** The largest vCPU count a single VM may have on this host. */
    int maxVcpus() throws AcceleratorException;

    /**
     * True where guest kernel code is emulated rather than run by hardware (a software KVM such as PVM): guests
     * then need workarounds, which only the guests built for that purpose may apply.
     */
    boolean emulatesGuestKernel();

    /**
     * Facts about this host that change what guests can do, one line each (for example a software-emulated
     * virtualization layer). Empty on an ordinary host.
     */
    java.util.List<String> hostLimitations();

    /**
     * Creates a notifier that belongs to no VM, so that it outlives the VM a reset replaces: attach it with
     * {@link VirtualMachine#attachIoEvent} or {@link VirtualMachine#attachIrq} to each VM in turn.
     */
    EventNotifier createNotifier() throws AcceleratorException;
}
