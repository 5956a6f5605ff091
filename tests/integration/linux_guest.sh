#!/usr/bin/env bash
# Boots Debian's pinned riscv64 Linux kernel under Halyard with a BusyBox
# initramfs whose /init reports the online CPUs, runs a small parallel
# workload and powers off. Usage: linux_guest.sh VCPUS [tools/run options...]
# Exits 77 (CTest: skipped) when the pinned packages are not there.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
guests=${HALYARD_PINNED_GUESTS:-$repo_root/../shared/guests/debian}
vcpus=$1
shift

kernel_deb=$(compgen -G "$guests/linux-binary-*_riscv64.deb" | head -n 1 || true)
busybox_deb=$(compgen -G "$guests/busybox-static_*_riscv64.deb" | head -n 1 || true)
if [[ -z "$kernel_deb" || -z "$busybox_deb" ]]; then
    echo "linux_guest: pinned Debian packages not found in $guests; skipping" >&2
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/halyard-linux.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$kernel_deb" "$work/kernel"
dpkg-deb -x "$busybox_deb" "$work/busybox"
kernel=$(compgen -G "$work/kernel/usr/lib/modules/*/vmlinuz" | head -n 1)

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp}
cp "$work/busybox/usr/bin/busybox" "$root/bin/busybox"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "init: $(grep -c ^processor /proc/cpuinfo) CPUs online"
grep -m1 '^isa' /proc/cpuinfo
# A small parallel workload: one md5sum of 4 MiB per CPU.
for i in $(seq "$(nproc)"); do
    (dd if=/dev/zero bs=1M count=4 2>/dev/null | md5sum > /tmp/sum$i) &
done
wait
echo "init: workload sums $(cat /tmp/sum* | sort -u | wc -l) distinct, $(ls /tmp/sum* | wc -l) done"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 >"$work/initrd.cpio.gz")

exec "$repo_root/tools/run" --no-build --timeout 300 --smp "$vcpus" "$@" \
    --vm "kernel=$kernel,initrd=$work/initrd.cpio.gz,mem=256M,vcpus=$vcpus,append=console=ttyS0" </dev/null
