#!/usr/bin/env bash
# Installs, from Debian's packages, what building and testing modvm needs and this machine lacks:
# a Java 17 JDK, Maven, gcc and binutils (the test guests are compiled at test time), setpriv, QEMU
# (qemu-img for the disk-image tests, qemu-system-x86 as the reference for the QMP and bench comparisons), and
# libslirp0 (the user-mode network), and tcpdump (to see the frames the VMM sends into a tap).
# Safe to run again: it installs only what is missing.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
java_ok() {
    have javac && javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])'
}
java_ok || need+=(openjdk-17-jdk-headless)
have mvn || need+=(maven)
have gcc || need+=(gcc libc6-dev)
have as || need+=(binutils)
have setpriv || need+=(util-linux)
# script(1) gives a test modvm a terminal of its own (ConsoleTerminalIT).
have script || need+=(bsdutils)
# chattr makes a file read-only for root too (the virtio-blk read-only test runs as root on CI).
have chattr || need+=(e2fsprogs)
# qemu-img makes and checks the qcow2 images of the virtio-blk tests; QEMU itself is the reference that the
# QMP transcript test and bench/ compare modvm against.
have qemu-img || need+=(qemu-utils)
have qemu-system-x86_64 || need+=(qemu-system-x86)
# SeaBIOS is the firmware of the firmware path (-bios, FirmwareIT, bench diskboot); qemu-system-data holds the
# option ROMs QEMU gives it (linuxboot_dma.bin for -bios with -kernel).
[ -e /usr/share/seabios/bios-256k.bin ] || need+=(seabios)
[ -e /usr/share/qemu/linuxboot_dma.bin ] || need+=(qemu-system-data)
# The network tests run busybox's ping and nc inside the network namespaces they make (ip netns: iproute2).
have busybox || need+=(busybox-static)  # the default guest's build wants the static one; it serves both
have ip || need+=(iproute2)
# tcpdump shows the frames the VMM itself sends into a tap (the RARP announcements after a migration).
have tcpdump || need+=(tcpdump)
# iperf3 measures the default guest's network from its shell (LinuxNetShellIT copies the host's binary and its
# libraries into the guest's initramfs; that test runs where Linux user space can, not on a PVM host), and cpio
# packs them.
have iperf3 || need+=(iperf3)
have cpio || need+=(cpio)
# xorriso makes the El Torito ISO images the IDE CD-ROM tests boot and read (-cdrom, ide-cd).
have xorriso || need+=(xorriso)
# DPDK's testpmd is the third-party vhost-user back-end of VhostUserIT (Debian ships it in dpdk-dev).
have dpdk-testpmd || need+=(dpdk-dev)
# iasl and acpiexec check the hotplug DSDT the way ACPICA (the guest kernel's interpreter) reads it.
have iasl || need+=(acpica-tools)
# The disk-boot tests build bootable images the way users' are made, as files without root or loop devices:
# sfdisk writes the partition table, mke2fs -d an ext4 file system, mkfs.vfat and mtools an EFI system partition.
have sfdisk || need+=(fdisk)
have mke2fs || need+=(e2fsprogs)
have mkfs.vfat || need+=(dosfstools)
have mcopy || need+=(mtools)
# libslirp is -netdev user's network stack (bundles/net-user loads libslirp.so.0 at run time). ldconfig lives in
# /sbin, which a user's PATH may lack; its list is read whole, since grep -q leaving early would fail the pipe.
libs=$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)
grep -q 'libslirp\.so\.0 ' <<<"$libs" || need+=(libslirp0)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
echo "modvm: installing ${need[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if have sudo; then sudo=sudo; else
        echo "modvm: need ${need[*]}; install them as root (apt-get install ${need[*]})" >&2
        exit 1
    fi
fi
# sudo drops DEBIAN_FRONTEND from the environment (env_reset), so it is set on the command: a package that asks a
# question (iperf3 does) would otherwise wait for an answer nobody sees.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
