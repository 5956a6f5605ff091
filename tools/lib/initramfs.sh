# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# A BusyBox initramfs for Linux guests. Source this file; it defines functions only. Needs cpio and
# gzip.
#
#   build_initramfs BUSYBOX_BINARY OUTPUT [EXTRA_INIT_SCRIPT]
#
# writes OUTPUT, a gzipped cpio archive (newc format, every file owned by root) holding a static
# BusyBox as /bin/busybox and an /init that:
#   - links every BusyBox applet into /bin and mounts proc, sysfs, devtmpfs and devpts;
#   - prints one greeting line;
#   - runs EXTRA_INIT_SCRIPT, when given (stored as /etc/init.d/extra, run with sh as a child so
#     that an `exit` in it cannot end PID 1), e.g. a test that reports and then `poweroff -f`;
#   - execs BusyBox init, whose /etc/inittab runs a login shell on the console through cttyhack,
#     which gives it the console's real tty as its controlling terminal, so job control works.
# `poweroff` at that shell makes init run the ::shutdown: actions (sync, unmount) and power off
# (reboot(2) with POWER_OFF, which Linux turns into an SBI system reset); Ctrl-Alt-Del reboots.

# initramfs_init_script: the /init of the initramfs.
initramfs_init_script() {
    cat <<'EOF'
#!/bin/busybox sh
# /init of a Halyard guest initramfs (tools/lib/initramfs.sh).
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
echo "init: Linux $(uname -r) is up; BusyBox shell on the console, 'poweroff' turns the machine off"
if [ -f /etc/init.d/extra ]; then
    sh /etc/init.d/extra
fi
exec /bin/busybox init
EOF
}

# initramfs_inittab: BusyBox init's /etc/inittab ("id:runlevels:action:process"; an empty id is the
# console).
initramfs_inittab() {
    cat <<'EOF'
# /etc/inittab of a Halyard guest initramfs (tools/lib/initramfs.sh), read by BusyBox init.
::sysinit:/bin/hostname -F /etc/hostname
::respawn:/bin/cttyhack /bin/sh -l
::ctrlaltdel:/bin/reboot
::shutdown:/bin/echo "init: syncing and unmounting file systems"
::shutdown:/bin/sync
# devtmpfs holds the console, which init keeps open: it cannot be unmounted and needs no syncing.
::shutdown:/bin/umount -a -r -t nodevtmpfs
EOF
}

# initramfs_profile: /etc/profile, read by the login shell.
initramfs_profile() {
    cat <<'EOF'
# /etc/profile of a Halyard guest initramfs (tools/lib/initramfs.sh).
export PATH=/bin
export HOME=/root
export PS1='\u@\h:\w\$ '
EOF
}

# write_file PATH MODE: writes its standard input to PATH with permissions MODE.
write_file() {
    cat >"$1" && chmod "$2" -- "$1"
}

# initramfs_fill_tree ROOT BUSYBOX EXTRA_INIT_SCRIPT: lays out the initramfs's files under ROOT.
initramfs_fill_tree() {
    local root=$1 busybox=$2 extra=$3
    mkdir -p -- "$root"/{bin,dev,etc/init.d,proc,root,sys,tmp} || return 1
    # ROOT comes from mktemp (0700); it becomes the guest's /.
    chmod 0755 -- "$root" || return 1
    chmod 1777 -- "$root/tmp" || return 1
    install -m 0755 -- "$busybox" "$root/bin/busybox" || return 1
    initramfs_init_script | write_file "$root/init" 0755 || return 1
    initramfs_inittab | write_file "$root/etc/inittab" 0644 || return 1
    initramfs_profile | write_file "$root/etc/profile" 0644 || return 1
    echo "root:x:0:0:root:/root:/bin/sh" | write_file "$root/etc/passwd" 0644 || return 1
    echo "root:x:0:" | write_file "$root/etc/group" 0644 || return 1
    echo "halyard-vm" | write_file "$root/etc/hostname" 0644 || return 1
    [[ -z $extra ]] || install -m 0755 -- "$extra" "$root/etc/init.d/extra"
}

# initramfs_pack ROOT OUTPUT: archives ROOT (cpio newc, sorted names, owner root) gzipped to OUTPUT.
initramfs_pack() {
    local root=$1 output=$2
    (cd -- "$root" && find . -print0 | LC_ALL=C sort --zero-terminated |
        cpio --create --null --format=newc --owner=0:0 --reproducible --quiet) |
        gzip -9 --no-name >"$output.partial" || return 1
    mv -f -- "$output.partial" "$output"
}

# build_initramfs BUSYBOX_BINARY OUTPUT [EXTRA_INIT_SCRIPT]: see the top of this file. Returns 1,
# with a message on stderr, when it cannot.
build_initramfs() {
    local busybox=$1 output=$2 extra=${3:-} root status=0
    if [[ ! -f $busybox ]]; then
        echo "build_initramfs: BusyBox binary '$busybox' does not exist" >&2
        return 1
    fi
    if [[ -n $extra && ! -f $extra ]]; then
        echo "build_initramfs: extra init script '$extra' does not exist" >&2
        return 1
    fi
    root=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX") || return 1
    if ! initramfs_fill_tree "$root" "$busybox" "$extra" || ! initramfs_pack "$root" "$output"; then
        status=1
    fi
    rm -rf -- "$root" "$output.partial"
    if ((status != 0)); then
        echo "build_initramfs: cannot build $output" >&2
        return 1
    fi
}
