#!/usr/bin/env bash
# Builds a test guest with the kit (same gcc flags as TestGuestBuilder, from
# src/main/resources/io/modvm/testguest/gcc.flags) and boots it under QEMU.
#
#   tools/testguest/run-in-qemu.sh GUEST.c [-append 'count=5'] [other qemu args]
#
# Environment: QEMU_MACHINE (default microvm: no BIOS, ~0.1 s to boot here;
# "pc" goes through SeaBIOS, ~4 s on a software KVM), QEMU_SMP (2), QEMU_MEM (128),
# QEMU_TIMEOUT seconds (20), QEMU_ACCEL (kvm; tcg works without /dev/kvm),
# BUILD_DIR (keeps the ELF there; default a temporary directory). Prints the guest's serial output, then
# "exit status S (guest code C)" where S = (C << 1) | 1 is QEMU's status.
set -euo pipefail

if [ $# -lt 1 ]; then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
src=$(realpath "$1")
shift
kit=$(dirname "$(realpath "$0")")/src/main/resources/io/modvm/testguest
if [ -n "${BUILD_DIR:-}" ]; then
    build=$BUILD_DIR
    mkdir -p "$build"
else
    build=$(mktemp -d)
    trap 'rm -rf "$build"' EXIT
fi
cp "$kit"/crt0.S "$kit"/kit.c "$kit"/pci.c "$kit"/virtio.c "$kit"/testguest.h "$kit"/link.ld "$build"/
cp "$src" "$build"/guest.c
name=$(basename "$src" .c)
mapfile -t flags < <(grep -v '^[[:space:]]*#' "$kit/gcc.flags" | grep -v '^[[:space:]]*$')
gcc "${flags[@]}" -I"$build" -T "$build/link.ld" -o "$build/$name.elf" \
    "$build/crt0.S" "$build/kit.c" "$build/pci.c" "$build/virtio.c" "$build/guest.c" -lgcc
[ -z "${BUILD_DIR:-}" ] || echo "built $build/$name.elf" >&2

cpu=host,-arch-capabilities,-cx16,kvm-steal-time=off
[ "${QEMU_ACCEL:-kvm}" = kvm ] || cpu=max
set +e
timeout "${QEMU_TIMEOUT:-20}" qemu-system-x86_64 -M "${QEMU_MACHINE:-microvm}" -accel "${QEMU_ACCEL:-kvm}" \
    -cpu "$cpu" -m "${QEMU_MEM:-128}" -smp "${QEMU_SMP:-2}" \
    -nographic -no-reboot -kernel "$build/$name.elf" \
    -device isa-debug-exit,iobase=0x501,iosize=2 "$@"
status=$?
set -e
if [ $status -eq 124 ]; then
    echo "timed out after ${QEMU_TIMEOUT:-20} s" >&2
elif [ $((status & 1)) -eq 1 ]; then
    echo "exit status $status (guest code $((status >> 1)))" >&2
else
    echo "exit status $status (not from the debug-exit port)" >&2
fi
exit $status
