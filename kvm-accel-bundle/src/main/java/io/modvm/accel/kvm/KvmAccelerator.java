package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import io.modvm.api.accel.Accelerator;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.accel.VmOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The KVM accelerator. /dev/kvm is opened per VM rather than at activation, so that the service exists on a
 * host without KVM and the user gets a precise message when a machine is started.
 */
@Component(service = Accelerator.class, property = Accelerator.PROP_NAME + "=kvm")
public final class KvmAccelerator implements Accelerator {
    /** Overrides the device path; tests use it to show what a host without KVM looks like. */
    static final String DEVICE_PROPERTY = "modvm.kvm.device";
    static final String DEVICE_ENV = "MODVM_KVM_DEVICE";

    private final String devicePath;

    @Activate
    public KvmAccelerator() {
        this(System.getProperty(DEVICE_PROPERTY, System.getenv().getOrDefault(DEVICE_ENV, "/dev/kvm")));
    }

    KvmAccelerator(String devicePath) {
        this.devicePath = devicePath;
    }

    @Override
    public String name() {
        return "kvm";
    }

    private int openSystem() throws AcceleratorException {
        int fd;
        try {
            fd = LibC.open(devicePath, LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new AcceleratorException(switch (e.getErrorCode()) {
                case LibC.ENOENT -> devicePath + " does not exist: this host has no KVM. Enable virtualization "
                        + "in the firmware and load the module (modprobe kvm_intel or kvm_amd), or use a host "
                        + "with KVM";
                case LibC.EACCES, LibC.EPERM -> "no permission to open " + devicePath + ": add your user to the "
                        + "kvm group (sudo usermod -aG kvm $USER, then log in again) or run as root";
                default -> "cannot open " + devicePath + ": " + Errno.describe(e);
            }, e);
        }
        try {
            int version = LibC.ioctl(fd, KvmIoctl.GET_API_VERSION, 0L);
            if (version != KvmIoctl.API_VERSION) {
                throw new AcceleratorException(devicePath + " speaks KVM API " + version + ", modvm needs "
                        + KvmIoctl.API_VERSION);
            }
            for (Map.Entry<Integer, String> cap : Map.of(KvmIoctl.CAP_IRQCHIP, "in-kernel irqchip",
                    KvmIoctl.CAP_USER_MEMORY, "user memory", KvmIoctl.CAP_IOEVENTFD, "ioeventfd",
                    KvmIoctl.CAP_IRQFD, "irqfd", KvmIoctl.CAP_PIT2, "in-kernel PIT",
                    KvmIoctl.CAP_IMMEDIATE_EXIT, "immediate exit").entrySet()) {
                if (LibC.ioctl(fd, KvmIoctl.CHECK_EXTENSION, cap.getKey()) <= 0) {
                    throw new AcceleratorException("this host's KVM lacks " + cap.getValue()
                            + ", which modvm needs; use a Linux kernel of 4.12 or later");
                }
            }
            return fd;
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new AcceleratorException(devicePath + " does not answer as KVM: " + Errno.describe(e), e);
        } catch (AcceleratorException e) {
            LibC.close(fd);
            throw e;
        }
    }

    @Override
    public VirtualMachine createVm(VmOptions options) throws AcceleratorException {
        int system = openSystem();
        try {
            int max = capability(system, KvmIoctl.CAP_MAX_VCPUS, KvmIoctl.CAP_NR_VCPUS);
            if (options.vcpus() > max) {
                throw new AcceleratorException("this host's KVM allows at most " + max + " vCPUs; use -smp " + max
                        + " or fewer");
            }
            int runSize = LibC.ioctl(system, KvmIoctl.GET_VCPU_MMAP_SIZE, 0L);
            KvmCpuid cpuid = KvmCpuid.supported(system);
            java.util.Set<Integer> msrIndexes = KvmStateMsrs.indexList(system);
            int vm;
            try {
                vm = LibC.ioctl(system, KvmIoctl.CREATE_VM, 0L);
            } catch (LastErrorException e) {
                throw new AcceleratorException("KVM refused to create a VM: " + Errno.describe(e), e);
            }
            return new KvmVm(options.name(), vm, runSize, cpuid, msrIndexes);
        } finally {
            LibC.close(system);
        }
    }

    private static int capability(int fd, int preferred, int fallback) {
        int value = LibC.ioctl(fd, KvmIoctl.CHECK_EXTENSION, preferred);
        return value > 0 ? value : Math.max(1, LibC.ioctl(fd, KvmIoctl.CHECK_EXTENSION, fallback));
    }

    @Override
    public int maxVcpus() throws AcceleratorException {
        int system = openSystem();
        try {
            return capability(system, KvmIoctl.CAP_MAX_VCPUS, KvmIoctl.CAP_NR_VCPUS);
        } finally {
            LibC.close(system);
        }
    }

    @Override
    public boolean emulatesGuestKernel() {
        return Files.isDirectory(Path.of("/sys/module/kvm_pvm"));
    }

    @Override
    public List<String> hostLimitations() {
        if (emulatesGuestKernel()) {
            return List.of("this host's KVM is PVM, a software KVM: guest kernel code is emulated (about 1 us an "
                    + "instruction), so Linux boots slowly (half a minute or more) and its user space cannot run at "
                    + "all (the first SYSCALL fails); use a host with VT-x or AMD-V for a shell");
        }
        return List.of();
    }

    @Override
    public EventNotifier createNotifier() throws AcceleratorException {
        try {
            return new EventFd(self -> {
            });
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot create an eventfd: " + Errno.describe(e), e);
        }
    }
}
