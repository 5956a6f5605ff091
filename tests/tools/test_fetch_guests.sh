#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests of tools/fetch-guests, tools/lib/guests.sh, tools/lib/initramfs.sh and tools/run's default
# Linux VM, without the network: the Debian mirror found in fake apt sources, the kernel package
# picked from Depends fields, the pinned packages (small fake ones built here with dpkg-deb, and the
# real ones in ../shared/guests/debian when they are there) with their checksums checked, the
# fallback from a failed download, the cache, and what the initramfs holds. A copy of tools/ in a
# scratch checkout keeps the real build/guests out of it. Prints "N passed, M failed"; exits 1 when
# anything failed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/lib/guests.sh
source "$repo_root/tools/lib/guests.sh"
# shellcheck source=tools/lib/initramfs.sh
source "$repo_root/tools/lib/initramfs.sh"

readonly real_pinned=$repo_root/../shared/guests/debian

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_fetch_guests.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT
export TMPDIR=$scratch/tmp
mkdir -p "$TMPDIR"

readonly checkout=$scratch/checkout
readonly fake_pinned=$scratch/pinned
readonly no_apt_sources=$scratch/empty-apt
readonly no_mirror=file://$scratch/no-mirror/debian

# shellcheck source=tests/tools/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# ---------------------------------------------------------------------------------------------
# Reporting

expect_stderr_lines() {
    local lines=0
    [[ -z $stderr_text ]] || lines=$(wc -l <<<"$stderr_text")
    ((lines == $1)) || flunk "stderr has $lines lines, expected $1"
}

expect_stderr_has() {
    [[ $stderr_text == *"$1"* ]] || flunk "stderr lacks: $1"
}

# expect_equal WHAT ACTUAL EXPECTED
expect_equal() {
    [[ $2 == "$3" ]] || flunk "$1 is '$2', expected '$3'"
}

# ---------------------------------------------------------------------------------------------
# Running commands

# run COMMAND...: runs COMMAND in the scratch folder, recording its outcome.
run() {
    run_in "$scratch" "$@"
}

# fetch_guests VAR=VALUE... -- ARG...: the checkout's tools/fetch-guests with these environment
# settings. No apt sources and a mirror that does not exist keep it off the network.
fetch_guests() {
    local settings=()
    while [[ $1 != -- ]]; do
        settings+=("$1")
        shift
    done
    shift
    run env -u HALYARD_DEBIAN_MIRROR HALYARD_APT_CONFIG_DIR="$no_apt_sources" \
        "${settings[@]}" "$checkout/tools/fetch-guests" "$@"
}

# A copy of tools/ in an otherwise empty checkout, with no build/ yet.
make_checkout() {
    rm -rf -- "$checkout"
    mkdir -p "$checkout/tools/lib"
    cp "$repo_root/tools/run" "$repo_root/tools/fetch-guests" "$checkout/tools/"
    cp "$repo_root"/tools/lib/*.sh "$checkout/tools/lib/"
}

# ---------------------------------------------------------------------------------------------
# Fake packages: a "kernel" that has a RISC-V Image header and a "BusyBox" with a riscv64 ELF header

# write_hex FILE HEX...: writes the bytes given in hex to FILE.
write_hex() {
    local file=$1 byte
    shift
    for byte in "$@"; do
        printf '%b' "\\x$byte"
    done >"$file"
}

fake_kernel_image() {
    head -c 56 /dev/zero >"$1"
    write_hex "$scratch/magic" 52 53 43 05
    cat "$scratch/magic" >>"$1"
    head -c 64 /dev/zero >>"$1"
}

fake_busybox_binary() {
    write_hex "$1" 7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 02 00 f3 00
    head -c 100 /dev/zero >>"$1"
}

# build_fake_deb PACKAGE VERSION OUTPUT: builds OUTPUT from the tree in $scratch/deb-root.
build_fake_deb() {
    mkdir -p "$scratch/deb-root/DEBIAN"
    cat >"$scratch/deb-root/DEBIAN/control" <<EOF
Package: $1
Version: $2
Architecture: riscv64
Maintainer: Halyard tests <tests@localhost>
Description: a stand-in package for the tests of tools/fetch-guests
EOF
    dpkg-deb --root-owner-group -Zgzip --build "$scratch/deb-root" "$3" >/dev/null
    rm -rf -- "$scratch/deb-root"
}

readonly fake_release=9.9.9+test-riscv64
readonly fake_kernel_deb=linux-binary-${fake_release}_9.9.9-1_riscv64.deb
readonly fake_busybox_deb=busybox-static_1.0-1_riscv64.deb

make_fake_pinned() {
    mkdir -p "$fake_pinned" "$scratch/deb-root/usr/lib/modules/$fake_release"
    fake_kernel_image "$scratch/deb-root/usr/lib/modules/$fake_release/vmlinuz"
    build_fake_deb "linux-binary-$fake_release" 9.9.9-1 "$fake_pinned/$fake_kernel_deb"
    mkdir -p "$scratch/deb-root/usr/bin"
    fake_busybox_binary "$scratch/deb-root/usr/bin/busybox"
    build_fake_deb busybox-static 1:1.0-1 "$fake_pinned/$fake_busybox_deb"
    (cd "$fake_pinned" && sha256sum -- *.deb >SHA256SUMS)
    mkdir -p "$no_apt_sources"
    head -c 4096 /dev/zero >"$scratch/halyard.bin" # a dummy Halyard image for tools/run
}

# copy_pinned FROM TO: a writable copy of a folder of pinned packages.
copy_pinned() {
    rm -rf -- "$2"
    mkdir -p "$2"
    cp -- "$1"/*.deb "$1"/SHA256SUMS "$2/"
    chmod u+w -- "$2"/*
}

# corrupt FILE: changes one byte in the middle of FILE.
corrupt() {
    local size
    size=$(stat --format=%s -- "$1")
    printf 'X' | dd of="$1" bs=1 seek=$((size / 2)) conv=notrunc status=none
}

# ---------------------------------------------------------------------------------------------
# The Debian mirror in the apt sources

# mirror_of APT_DIR: what debian_mirror_from_apt_config finds ("none" when nothing).
mirror_of() {
    debian_mirror_from_apt_config "$1" || echo none
}

# write_sources APT_DIR FILE: writes standard input to APT_DIR/FILE.
write_sources() {
    mkdir -p "$(dirname "$1/$2")"
    cat >"$1/$2"
}

test_mirror_one_line_with_signed_by() {
    local dir=$scratch/apt-one-line
    write_sources "$dir" sources.list <<'EOF'
# The first entries are not Debian mirrors: a CD, another vendor's repository for Debian, the ports
# archive (other keys) and security.
deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_]/ bookworm main
deb http://ports.example.org/debian-ports unstable main
deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable
deb http://security.debian.org/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example.org/debian/ bookworm main contrib
deb http://other.example.org/debian bookworm main
EOF
    expect_equal "the mirror" "$(mirror_of "$dir")" http://mirror.example.org/debian
}

test_mirror_one_line_without_options() {
    local dir=$scratch/apt-plain
    write_sources "$dir" sources.list <<'EOF'
deb-src http://src.example.org/debian sid   # sources only, no main component
  deb   http://ftp.example.net/debian   unstable main   # a comment
EOF
    expect_equal "the mirror" "$(mirror_of "$dir")" http://ftp.example.net/debian
    write_sources "$dir" sources.list <<'EOF'
deb [ arch=amd64,arm64 trusted=no ] http://a.example.net/debian trixie-updates main
EOF
    expect_equal "the mirror with spaced options" "$(mirror_of "$dir")" http://a.example.net/debian
}

test_mirror_deb822_with_signed_by() {
    local dir=$scratch/apt-deb822
    write_sources "$dir" sources.list.d/debian.sources <<'EOF'
Types: deb
URIs: http://disabled.example.org/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.example.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.example.org/debian-security
Suites: bookworm-security
Components: main
EOF
    expect_equal "the mirror" "$(mirror_of "$dir")" http://deb.example.org/debian
}

test_mirror_deb822_without_signed_by() {
    local dir=$scratch/apt-deb822-plain
    write_sources "$dir" sources.list.d/mirrors.sources <<'EOF'
Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main

types: deb-src deb
uris:
 http://first.example.org/debian
 http://second.example.org/debian
suites: sid
components: main non-free-firmware
EOF
    expect_equal "the mirror" "$(mirror_of "$dir")" http://first.example.org/debian
}

test_mirror_file_order() {
    local dir=$scratch/apt-order
    write_sources "$dir" sources.list <<'EOF'
deb https://packages.cloud.google.com/apt cloud-sdk main
EOF
    write_sources "$dir" sources.list.d/a-docker.list <<'EOF'
deb https://download.docker.com/linux/debian bookworm stable
EOF
    write_sources "$dir" sources.list.d/b-debian.sources <<'EOF'
Types: deb
URIs: http://b.example.org/debian
Suites: trixie
Components: main
EOF
    write_sources "$dir" sources.list.d/c-debian.list <<'EOF'
deb http://c.example.org/debian trixie main
EOF
    write_sources "$dir" sources.list.d/0-disabled.list.save <<'EOF'
deb http://saved.example.org/debian trixie main
EOF
    expect_equal "the mirror" "$(mirror_of "$dir")" http://b.example.org/debian
}

test_no_mirror() {
    local dir=$scratch/apt-none
    write_sources "$dir" sources.list <<'EOF'
deb http://archive.ubuntu.com/ubuntu jammy main
EOF
    expect_equal "the mirror" "$(mirror_of "$dir")" none
    expect_equal "the mirror of a missing folder" "$(mirror_of "$scratch/no-such-folder")" none
}

# ---------------------------------------------------------------------------------------------
# The kernel package

# next_kernel DEPENDS: what kernel_dependency picks ("none" when nothing).
next_kernel() {
    kernel_dependency "$1" || echo none
}

test_kernel_dependency() {
    expect_equal "linux-image-riscv64's kernel dependency" \
        "$(next_kernel "linux-base-riscv64 (= 7.2.13-1), linux-image-7.2.13+deb14-riscv64 (= 7.2.13-1)")" \
        linux-image-7.2.13+deb14-riscv64
    expect_equal "linux-image-RELEASE's kernel dependency" \
        "$(next_kernel "dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-7.2.13+deb14-riscv64 (= 7.2.13-1), linux-binary-7.2.13+deb14-riscv64 (= 7.2.13-1), linux-modules-7.2.13+deb14-riscv64 (= 7.2.13-1)")" \
        linux-binary-7.2.13+deb14-riscv64
    expect_equal "a kernel package's dependency" \
        "$(next_kernel "kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool")" \
        none
    expect_equal "an empty Depends" "$(next_kernel "")" none
}

test_record_field() {
    local record=$'Package: busybox-static\nVersion: 1:1.38.0-3+b1\nSHA256: abc123'
    expect_equal "Version" "$(record_field "$record" Version)" 1:1.38.0-3+b1
    expect_equal "SHA256" "$(record_field "$record" SHA256)" abc123
    record_field "$record" Depends >/dev/null && flunk "a missing field was found"
    return 0
}

# ---------------------------------------------------------------------------------------------
# The pinned packages and the cache

test_pinned_packages() {
    make_checkout
    fetch_guests HALYARD_PINNED_GUESTS="$fake_pinned" -- --pinned
    expect_status 0
    expect_stdout_has "both match $fake_pinned/SHA256SUMS" "extracting the kernel and BusyBox" \
        "kernel: Linux $fake_release from linux-binary-$fake_release 9.9.9-1" \
        "BusyBox: from busybox-static 1:1.0-1" "$checkout/build/guests/Image" \
        "$checkout/build/guests/initrd.cpio.gz"
    [[ -z $stderr_text ]] || flunk "stderr is not empty"
    fake_kernel_image "$scratch/expected-image"
    cmp --quiet "$checkout/build/guests/Image" "$scratch/expected-image" ||
        flunk "build/guests/Image is not the packaged vmlinuz"
    [[ -x $checkout/build/guests/busybox ]] || flunk "build/guests/busybox is not executable"
    gzip --test "$checkout/build/guests/initrd.cpio.gz" 2>/dev/null || flunk "the initramfs is not gzipped"
}

test_pinned_cache() {
    make_checkout
    fetch_guests HALYARD_PINNED_GUESTS="$fake_pinned" -- --pinned
    expect_status 0
    local before after
    before=$(stat --format='%i %Y' -- "$checkout"/build/guests/{Image,busybox,initrd.cpio.gz})
    fetch_guests HALYARD_PINNED_GUESTS="$fake_pinned" -- --pinned
    expect_status 0
    expect_stdout_has "nothing extracted (cached)"
    expect_stdout_lacks "extracting"
    after=$(stat --format='%i %Y' -- "$checkout"/build/guests/{Image,busybox,initrd.cpio.gz})
    [[ $before == "$after" ]] || flunk "the second run replaced files in build/guests"
}

test_pinned_other_packages_redo() {
    make_checkout
    fetch_guests HALYARD_PINNED_GUESTS="$fake_pinned" -- --pinned
    local other=$scratch/pinned-other
    copy_pinned "$fake_pinned" "$other"
    rm -f -- "$other/$fake_busybox_deb"
    mkdir -p "$scratch/deb-root/usr/bin"
    fake_busybox_binary "$scratch/deb-root/usr/bin/busybox"
    echo "another build" >"$scratch/deb-root/usr/bin/README"
    build_fake_deb busybox-static 1:1.0-2 "$other/busybox-static_1.0-2_riscv64.deb"
    (cd "$other" && sha256sum -- *.deb >SHA256SUMS)
    fetch_guests HALYARD_PINNED_GUESTS="$other" -- --pinned
    expect_status 0
    expect_stdout_has "extracting the kernel and BusyBox" "busybox-static 1:1.0-2"
}

# expect_refused TEXT: fetch-guests failed with one error line (exit 1) containing TEXT and left no
# guest behind.
expect_refused() {
    expect_status 1
    expect_stderr_lines 1
    [[ $stderr_text == "tools/fetch-guests: error: "* ]] || flunk "stderr is not a tools/fetch-guests error"
    expect_stderr_has "$1"
    [[ ! -e $checkout/build/guests/Image ]] || flunk "build/guests/Image was written"
}

test_pinned_corrupted_copy_refused() {
    make_checkout
    local copy=$scratch/pinned-corrupted
    copy_pinned "$fake_pinned" "$copy"
    corrupt "$copy/$fake_kernel_deb"
    fetch_guests HALYARD_PINNED_GUESTS="$copy" -- --pinned
    expect_refused "$copy/$fake_kernel_deb does not match its SHA256SUMS entry"
}

test_real_pinned_corrupted_copy_refused() {
    if [[ ! -f $real_pinned/SHA256SUMS ]]; then
        skip "no pinned packages in $real_pinned"
        return 0
    fi
    make_checkout
    local copy=$scratch/real-pinned-corrupted busybox
    copy_pinned "$real_pinned" "$copy"
    busybox=$(cd "$copy" && compgen -G 'busybox-static_*.deb')
    corrupt "$copy/$busybox"
    fetch_guests HALYARD_PINNED_GUESTS="$copy" -- --pinned
    expect_refused "$copy/$busybox does not match its SHA256SUMS entry"
    rm -rf -- "$copy"
}

test_pinned_without_checksums_refused() {
    make_checkout
    local copy=$scratch/pinned-unlisted
    copy_pinned "$fake_pinned" "$copy"
    grep -v busybox "$fake_pinned/SHA256SUMS" >"$copy/SHA256SUMS"
    fetch_guests HALYARD_PINNED_GUESTS="$copy" -- --pinned
    expect_refused "$fake_busybox_deb is not listed in $copy/SHA256SUMS"
    rm -f -- "$copy/SHA256SUMS"
    fetch_guests HALYARD_PINNED_GUESTS="$copy" -- --pinned
    expect_refused "$copy has no SHA256SUMS"
}

test_pinned_package_without_kernel_refused() {
    make_checkout
    local copy=$scratch/pinned-no-kernel
    copy_pinned "$fake_pinned" "$copy"
    rm -f -- "$copy/$fake_kernel_deb"
    mkdir -p "$scratch/deb-root/usr/share/doc"
    echo "no kernel here" >"$scratch/deb-root/usr/share/doc/README"
    build_fake_deb "linux-binary-$fake_release" 9.9.9-1 "$copy/$fake_kernel_deb"
    (cd "$copy" && sha256sum -- *.deb >SHA256SUMS)
    fetch_guests HALYARD_PINNED_GUESTS="$copy" -- --pinned
    expect_refused "$fake_kernel_deb holds no usr/lib/modules/*/vmlinuz"
}

test_real_pinned_packages() {
    if [[ ! -f $real_pinned/SHA256SUMS ]]; then
        skip "no pinned packages in $real_pinned"
        return 0
    fi
    make_checkout
    fetch_guests HALYARD_PINNED_GUESTS="$real_pinned" -- --pinned
    expect_status 0
    expect_stdout_has "kernel: Linux " "BusyBox: from busybox-static "
    is_riscv_linux_image "$checkout/build/guests/Image" || flunk "build/guests/Image is no RISC-V Image"
    is_riscv64_elf "$checkout/build/guests/busybox" || flunk "build/guests/busybox is no riscv64 ELF"
}

# ---------------------------------------------------------------------------------------------
# Failed downloads

test_failed_download_falls_back() {
    make_checkout
    fetch_guests HALYARD_DEBIAN_MIRROR="$no_mirror" HALYARD_PINNED_GUESTS="$fake_pinned" --
    expect_status 0
    expect_stderr_lines 1
    [[ $stderr_text == "tools/fetch-guests: download failed: apt: "* ]] ||
        flunk "stderr does not say why the download failed"
    expect_stdout_has "apt-get update" "using the pinned packages in $fake_pinned" \
        "packages: the pinned copies in $fake_pinned"
    [[ -f $checkout/build/guests/Image ]] || flunk "no build/guests/Image"
}

test_no_mirror_falls_back() {
    make_checkout
    fetch_guests HALYARD_PINNED_GUESTS="$fake_pinned" --
    expect_status 0
    expect_stderr_lines 1
    expect_stderr_has "download failed: no Debian mirror in the apt sources under $no_apt_sources"
    expect_stdout_lacks "apt-get update"
}

test_nothing_works() {
    make_checkout
    fetch_guests HALYARD_DEBIAN_MIRROR="$no_mirror" HALYARD_PINNED_GUESTS="$scratch/none" --
    expect_status 1
    expect_stderr_lines 2
    [[ $(tail -n 1 <<<"$stderr_text") == "tools/fetch-guests: error: no guest packages: "*"$scratch/none does not exist" ]] ||
        flunk "the last line is not the error"
}

test_bad_command_line() {
    make_checkout
    fetch_guests -- --colour
    expect_status 2
    expect_stderr_lines 1
    expect_stderr_has "unknown option '--colour'"
    fetch_guests -- --help
    expect_status 0
    expect_stdout_has --pinned --refresh HALYARD_DEBIAN_MIRROR HALYARD_PINNED_GUESTS build/guests/Image
}

# ---------------------------------------------------------------------------------------------
# The initramfs

# initramfs_list FILE: the names in a gzipped cpio archive.
initramfs_list() {
    gzip -dc -- "$1" | cpio --list --quiet
}

# initramfs_file FILE NAME: prints one file of a gzipped cpio archive.
initramfs_file() {
    gzip -dc -- "$1" | cpio --extract --to-stdout --quiet -- "$2"
}

test_initramfs_content() {
    local busybox=$scratch/busybox output=$scratch/initrd.cpio.gz names init inittab name
    fake_busybox_binary "$busybox"
    build_initramfs "$busybox" "$output" || flunk "build_initramfs failed"
    names=$(initramfs_list "$output")
    for name in init etc/inittab bin/busybox etc/profile dev proc sys tmp; do
        grep --quiet --line-regexp --fixed-strings "$name" <<<"$names" || flunk "no $name in the initramfs"
    done
    grep --quiet --fixed-strings etc/init.d/extra <<<"$names" && flunk "an extra script without asking"
    init=$(initramfs_file "$output" init)
    for name in "mount -t proc" "mount -t sysfs" "mount -t devtmpfs" "mount -t devpts" \
        "echo \"init: " "exec /bin/busybox init"; do
        [[ $init == *"$name"* ]] || flunk "/init lacks: $name"
    done
    inittab=$(initramfs_file "$output" etc/inittab)
    for name in "::respawn:/bin/cttyhack /bin/sh" "::shutdown:/bin/sync" "::shutdown:/bin/umount -a" \
        "::ctrlaltdel:"; do
        [[ $inittab == *"$name"* ]] || flunk "/etc/inittab lacks: $name"
    done
    local listing
    listing=$(gzip -dc -- "$output" | cpio --list --verbose --quiet 2>/dev/null)
    awk '$3 != "root" || $4 != "root" { bad = 1 } END { exit bad }' <<<"$listing" ||
        flunk "files in the initramfs are not owned by root"
    grep --quiet -E '^drwxr-xr-x .* \.$' <<<"$listing" || flunk "/ of the initramfs is not rwxr-xr-x"
    grep --quiet -E '^drwxrwxrwt .* tmp$' <<<"$listing" || flunk "/tmp of the initramfs is not rwxrwxrwt"
}

test_initramfs_extra_script() {
    local busybox=$scratch/busybox output=$scratch/initrd-extra.cpio.gz
    fake_busybox_binary "$busybox"
    echo 'echo "extra: hello"; poweroff -f' >"$scratch/extra.sh"
    build_initramfs "$busybox" "$output" "$scratch/extra.sh" || flunk "build_initramfs failed"
    expect_equal "etc/init.d/extra" "$(initramfs_file "$output" etc/init.d/extra)" \
        'echo "extra: hello"; poweroff -f'
    gzip -dc -- "$output" | cpio --list --verbose --quiet 2>/dev/null |
        grep --quiet -E '^-rwxr-xr-x .* etc/init.d/extra$' || flunk "etc/init.d/extra is not executable"
}

test_initramfs_missing_inputs() {
    local output=$scratch/initrd-none.cpio.gz
    build_initramfs "$scratch/no-busybox" "$output" 2>/dev/null && flunk "built without BusyBox"
    fake_busybox_binary "$scratch/busybox"
    build_initramfs "$scratch/busybox" "$output" "$scratch/no-script" 2>/dev/null &&
        flunk "built without the extra script"
    [[ ! -e $output ]] || flunk "left $output behind"
}

# ---------------------------------------------------------------------------------------------
# tools/run's default VM

needs_qemu() {
    command -v qemu-system-riscv64 >/dev/null && command -v dtc >/dev/null && return 0
    skip "qemu-system-riscv64 and dtc are needed (tools/run asks QEMU about the CPU)"
    return 1
}

# run_tools_run ARG...: the checkout's tools/run --no-build with a dummy Halyard image.
run_tools_run() {
    run env HALYARD_IMAGE="$scratch/halyard.bin" HALYARD_PINNED_GUESTS="$fake_pinned" \
        HALYARD_APT_CONFIG_DIR="$no_apt_sources" "$checkout/tools/run" --no-build "$@"
}

test_run_boots_linux_by_default() {
    needs_qemu || return 0
    make_checkout
    mkdir -p "$checkout/build/guests"
    head -c 8192 /dev/zero >"$checkout/build/guests/Image"
    head -c 1024 /dev/zero >"$checkout/build/guests/initrd.cpio.gz"
    run_tools_run --dry-run
    expect_status 0
    [[ -z $stderr_text ]] || flunk "stderr is not empty"
    expect_stdout_has " -smp 2 " "vcpus = <2>;" "memory-size = /bits/ 64 <0x20000000>;" \
        "kernel = /incbin/(\"$checkout/build/guests/Image\");" \
        "initrd = /incbin/(\"$checkout/build/guests/initrd.cpio.gz\");" 'bootargs = "console=ttyS0";'
    expect_stdout_lacks "vm@1"
}

test_run_fetches_missing_guest() {
    needs_qemu || return 0
    make_checkout
    run_tools_run --dry-run
    expect_status 0
    expect_stderr_has "tools/run: no Linux guest in build/guests yet: running tools/fetch-guests"
    expect_stderr_has "using the pinned packages in $fake_pinned"
    expect_stdout_has "kernel = /incbin/(\"$checkout/build/guests/Image\");"
    expect_stdout_lacks "tools/fetch-guests"
    [[ -f $checkout/build/guests/initrd.cpio.gz ]] || flunk "no build/guests/initrd.cpio.gz"
}

test_run_without_any_guest() {
    make_checkout
    run env HALYARD_IMAGE="$scratch/halyard.bin" HALYARD_PINNED_GUESTS="$scratch/none" \
        HALYARD_APT_CONFIG_DIR="$no_apt_sources" "$checkout/tools/run" --no-build --dry-run
    expect_status 2
    [[ $(tail -n 1 <<<"$stderr_text") == "tools/run: error: tools/fetch-guests could not get the Linux guest"* ]] ||
        flunk "the last line is not tools/run's error"
}

test_run_demo_option() {
    make_checkout
    run_tools_run --demo --vm kernel=x.bin
    expect_status 2
    expect_stderr_lines 1
    expect_stderr_has "--demo and --vm cannot be used together"
    needs_qemu || return 0
    head -c 512 /dev/zero >"$scratch/demo.bin"
    run env HALYARD_IMAGE="$scratch/halyard.bin" HALYARD_DEMO_GUEST="$scratch/demo.bin" \
        "$checkout/tools/run" --no-build --dry-run --demo
    expect_status 0
    expect_stdout_has "kernel = /incbin/(\"$scratch/demo.bin\");" " -smp 1 " "vcpus = <1>;"
    [[ ! -e $checkout/build/guests ]] || flunk "--demo fetched the Linux guest"
}

# ---------------------------------------------------------------------------------------------

run_all_tests make_fake_pinned
