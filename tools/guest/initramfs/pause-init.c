/*
 * /init of initramfs-pause.cpio: the "kernel stays alive without user space" guest.
 *
 * On a software KVM such as PVM (docs/kvm-hosts.md) the first SYSCALL from guest user space
 * never reaches the guest kernel, so any normal init dies and the kernel panics ("Attempted to
 * kill init"). This init never makes a system call: _start spins on PAUSE forever at CPL3, which
 * runs natively there. The kernel then keeps running its own work (drivers probing hot-plugged
 * devices, the virtio balloon, IP autoconfig, hvc console) and tests watch what it prints.
 *
 * Built by tools/guest/build with: gcc -nostdlib -static -ffreestanding -fno-pie -no-pie -O2.
 * There is no C runtime: no stack setup is needed since nothing is called.
 */
void _start(void)
{
	for (;;)
		__asm__ volatile("pause" ::: "memory");
}
