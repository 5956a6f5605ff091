#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots the Linux guest tools/run boots without --vm (Debian's kernel and a BusyBox shell in
# build/guests, from tools/fetch-guests; 2 vCPUs, 512 MiB) with more --vm keys, for tests that
# type into its shell.
# usage: linux_shell.sh KEYS [tools/run options...]   (KEYS: e.g. irqchip=aia)
# Exits 77 (CTest: skipped) when the guest cannot be had.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
keys=$1
shift
kernel=$repo_root/build/guests/Image
initrd=$repo_root/build/guests/initrd.cpio.gz
if [[ ! -f $kernel || ! -f $initrd ]]; then
    "$repo_root/tools/fetch-guests" >&2 || exit 77
fi
exec "$repo_root/tools/run" --no-build --timeout 300 "$@" \
    --vm "kernel=$kernel,initrd=$initrd,vcpus=2,mem=512M,$keys,append=console=ttyS0"
