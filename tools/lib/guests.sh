# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Debian guest packages, for tools/fetch-guests and its tests: finding the machine's Debian mirror
# in its apt sources, checking the pinned packages against their SHA256SUMS, and looking inside and
# unpacking the kernel and BusyBox packages. Source this file; it defines functions only.
#
# A function that can fail for a reason the user should read returns 1 and leaves that reason, one
# line, in guests_problem.
guests_problem=""

# problem TEXT: records TEXT as the reason for a failure and returns 1.
# shellcheck disable=SC2034 # read by the scripts that source this file
problem() {
    guests_problem=$1
    return 1
}

# ---------------------------------------------------------------------------------------------
# The Debian mirror in the machine's apt sources

# is_debian_suite SUITE: true for a suite of the Debian archive itself: a codename or an alias such
# as unstable, alone or with -updates, -backports or -proposed-updates. Security suites live in
# another archive (debian-security) and do not count.
is_debian_suite() {
    local base=${1%%-*}
    case ${1#"$base"} in
        "" | -updates | -backports | -backports-sloppy | -proposed-updates) ;;
        *) return 1 ;;
    esac
    case $base in
        sid | unstable | experimental | testing | stable | oldstable | oldoldstable) return 0 ;;
        jessie | stretch | buster | bullseye | bookworm | trixie | forky | duke) return 0 ;;
    esac
    return 1
}

# is_debian_archive_entry URI SUITE COMPONENT...: true when an apt source entry points at a Debian
# mirror: a network or file URI (not cdrom:), not the security or ports archive, a Debian suite and
# the component main. Other vendors' repositories for Debian (e.g. ".../linux/debian bookworm
# stable") have no main component.
is_debian_archive_entry() {
    local uri=$1 suite=$2
    shift 2
    [[ $uri == *://* && $uri != *debian-security* && $uri != *debian-ports* ]] || return 1
    is_debian_suite "$suite" || return 1
    [[ " $* " == *" main "* ]]
}

# mirror_from_one_line_sources FILE: prints the URI of the first Debian mirror entry of a
# one-line-style sources file ("deb [OPTION=VALUE ...] URI SUITE COMPONENT...").
mirror_from_one_line_sources() {
    local line kind rest
    local -a words
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line%%#*}
        read -r kind rest <<<"$line"
        [[ $kind == deb || $kind == deb-src ]] || continue
        if [[ $rest == \[* ]]; then
            [[ $rest == *\]* ]] || continue
            rest=${rest#*\]}
        fi
        read -r -a words <<<"$rest"
        ((${#words[@]} >= 3)) || continue
        if is_debian_archive_entry "${words[@]}"; then
            echo "${words[0]%/}"
            return 0
        fi
    done <"$1"
    return 1
}

# is_enabled VALUE: false for a deb822 boolean that says no.
is_enabled() {
    case ${1,,} in
        no | false | off | 0) return 1 ;;
    esac
    return 0
}

# mirror_from_deb822_stanza TYPES URIS SUITES COMPONENTS ENABLED: prints the first URI of a deb822
# stanza when it is an enabled Debian mirror entry.
mirror_from_deb822_stanza() {
    local -a types uris suites components
    read -r -a types <<<"$1"
    read -r -a uris <<<"$2"
    read -r -a suites <<<"$3"
    read -r -a components <<<"$4"
    is_enabled "$5" || return 1
    [[ " ${types[*]} " == *" deb "* || " ${types[*]} " == *" deb-src "* ]] || return 1
    local uri suite
    for uri in "${uris[@]}"; do
        for suite in "${suites[@]}"; do
            if is_debian_archive_entry "$uri" "$suite" "${components[@]}"; then
                echo "${uri%/}"
                return 0
            fi
        done
    done
    return 1
}

# mirror_from_deb822_sources FILE: prints the first URI of the first enabled Debian mirror stanza of
# a deb822-style .sources file (Types:, URIs:, Suites:, Components:, Enabled:; field names in any
# case; values may go on over indented continuation lines; lines starting with # are comments).
mirror_from_deb822_sources() {
    local line last=""
    local -A fields=()
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line != \#* ]] || continue
        if [[ $line =~ ^[[:space:]]*$ ]]; then
            mirror_from_deb822_fields fields && return 0
            fields=()
            last=""
        elif [[ $line =~ ^[[:space:]] ]]; then
            [[ -z $last ]] || fields[$last]+=" $line"
        elif [[ $line =~ ^([A-Za-z0-9-]+):[[:space:]]*(.*)$ ]]; then
            last=${BASH_REMATCH[1],,}
            fields[$last]=${BASH_REMATCH[2]}
        fi
    done <"$1"
    mirror_from_deb822_fields fields
}

# mirror_from_deb822_fields NAME: mirror_from_deb822_stanza on the associative array NAME.
mirror_from_deb822_fields() {
    local -n stanza=$1
    mirror_from_deb822_stanza "${stanza[types]-}" "${stanza[uris]-}" "${stanza[suites]-}" \
        "${stanza[components]-}" "${stanza[enabled]-yes}"
}

# apt_sources_files APT_DIR: prints, in the order apt reads them, the sources files under APT_DIR
# (normally /etc/apt): sources.list, then sources.list.d/*.list and *.sources sorted by name.
apt_sources_files() {
    local dir=$1 file
    [[ ! -f $dir/sources.list ]] || echo "$dir/sources.list"
    for file in "$dir"/sources.list.d/*.list "$dir"/sources.list.d/*.sources; do
        [[ ! -f $file ]] || echo "$file"
    done | LC_ALL=C sort
}

# debian_mirror_from_apt_config APT_DIR: prints the URI of the first Debian mirror in the apt
# sources under APT_DIR, without a trailing slash; returns 1 when there is none.
debian_mirror_from_apt_config() {
    local file
    while IFS= read -r file; do
        [[ -r $file ]] || continue
        case $file in
            *.sources) mirror_from_deb822_sources "$file" && return 0 ;;
            *) mirror_from_one_line_sources "$file" && return 0 ;;
        esac
    done < <(apt_sources_files "$1")
    return 1
}

# ---------------------------------------------------------------------------------------------
# apt's package records

# record_field RECORD FIELD: prints the value of a one-line FIELD ("Version") of a package record
# (apt-cache show's output); returns 1 when the record has no such field.
record_field() {
    local line
    while IFS= read -r line; do
        if [[ $line == "$2: "* ]]; then
            echo "${line#"$2: "}"
            return 0
        fi
    done <<<"$1"
    return 1
}

# kernel_dependency DEPENDS: prints the kernel package a Depends field ("a (= 1), b | c") leads to:
# the first linux-binary-* package, else the first linux-image-* one; returns 1 when there is
# neither. Debian's linux-image-riscv64 depends on linux-image-RELEASE, which depends on
# linux-binary-RELEASE, the package that holds the vmlinuz.
kernel_dependency() {
    local item name rest image=""
    local -a items
    IFS=, read -r -a items <<<"${1//|/,}"
    for item in "${items[@]}"; do
        read -r name rest <<<"$item"
        name=${name%%:*}
        case $name in
            linux-binary-*)
                echo "$name"
                return 0
                ;;
            linux-image-*) [[ -n $image ]] || image=$name ;;
        esac
    done
    [[ -n $image ]] || return 1
    echo "$image"
}

# ---------------------------------------------------------------------------------------------
# Checksums

# sha256_of FILE: prints the SHA-256 of FILE in hexadecimal.
sha256_of() {
    local sum
    sum=$(sha256sum -- "$1") || return 1
    echo "${sum%% *}"
}

# listed_checksum SUMS NAME: prints the checksum SUMS (sha256sum's format) lists for NAME.
listed_checksum() {
    awk -v name="$2" '$2 == name || $2 == "*" name { print $1; found = 1; exit }
        END { exit !found }' "$1"
}

# verify_listed_checksums DIR NAME...: true when DIR/SHA256SUMS lists each NAME (a file in DIR)
# with the checksum the file has.
verify_listed_checksums() {
    local dir=$1 name expected actual
    shift
    [[ -f $dir/SHA256SUMS ]] || problem "$dir has no SHA256SUMS to check the packages against" || return 1
    for name in "$@"; do
        expected=$(listed_checksum "$dir/SHA256SUMS" "$name") ||
            problem "$name is not listed in $dir/SHA256SUMS" || return 1
        actual=$(sha256_of "$dir/$name") || problem "cannot read $dir/$name" || return 1
        [[ $actual == "$expected" ]] ||
            problem "$dir/$name does not match its SHA256SUMS entry (a corrupted or changed copy)" ||
            return 1
    done
}

# ---------------------------------------------------------------------------------------------
# Inside the packages

# deb_file_list DEB: prints the paths ("./usr/bin/busybox") of the files in DEB's data.
deb_file_list() {
    dpkg-deb --fsys-tarfile "$1" 2>/dev/null | tar --list 2>/dev/null
}

# deb_field DEB FIELD: prints a control field of DEB (Package, Version, ...).
deb_field() {
    dpkg-deb --field "$1" "$2"
}

# find_kernel_release DEB: sets found_kernel_release to RELEASE when DEB holds exactly one
# usr/lib/modules/RELEASE/vmlinuz.
found_kernel_release=""
find_kernel_release() {
    local deb=$1 files kernels
    found_kernel_release=""
    files=$(deb_file_list "$deb") || problem "$(basename -- "$deb") does not unpack (dpkg-deb cannot read it)" || return 1
    kernels=$(grep -E '^\./usr/lib/modules/[^/]+/vmlinuz$' <<<"$files") ||
        problem "$(basename -- "$deb") holds no usr/lib/modules/*/vmlinuz" || return 1
    [[ $kernels != *$'\n'* ]] || problem "$(basename -- "$deb") holds more than one kernel" || return 1
    kernels=${kernels#./usr/lib/modules/}
    # shellcheck disable=SC2034 # read by the scripts that source this file
    found_kernel_release=${kernels%/vmlinuz}
}

# check_busybox_deb DEB: true when DEB holds usr/bin/busybox.
check_busybox_deb() {
    local deb=$1 files
    files=$(deb_file_list "$deb") || problem "$(basename -- "$deb") does not unpack (dpkg-deb cannot read it)" || return 1
    grep --quiet --line-regexp --fixed-strings ./usr/bin/busybox <<<"$files" ||
        problem "$(basename -- "$deb") holds no usr/bin/busybox"
}

# extract_deb_file DEB PATH OUTPUT: writes the file PATH ("./usr/bin/busybox") of DEB to OUTPUT.
extract_deb_file() {
    dpkg-deb --fsys-tarfile "$1" | tar --extract --to-stdout --file=- "$2" >"$3"
}

# hex_bytes FILE OFFSET COUNT: prints COUNT bytes of FILE from OFFSET as lowercase hex digits.
hex_bytes() {
    od -A n -t x1 -j "$2" -N "$3" -- "$1" | tr -d ' \n'
}

# is_riscv_linux_image FILE: true for a RISC-V Linux Image ("RSC\x05" at offset 56 of its header).
is_riscv_linux_image() {
    [[ $(hex_bytes "$1" 56 4) == 52534305 ]]
}

# is_riscv64_elf FILE: true for a 64-bit ELF file for RISC-V (e_machine 243).
is_riscv64_elf() {
    local header
    header=$(hex_bytes "$1" 0 20)
    [[ ${header:0:10} == 7f454c4602 && ${header:36:4} == f300 ]]
}

# extract_kernel_image DEB RELEASE OUTPUT: writes the kernel of DEB (see find_kernel_release) to
# OUTPUT and checks that it is a RISC-V Image.
extract_kernel_image() {
    local deb=$1 release=$2 output=$3
    extract_deb_file "$deb" "./usr/lib/modules/$release/vmlinuz" "$output" ||
        problem "cannot extract the kernel from $(basename -- "$deb")" || return 1
    is_riscv_linux_image "$output" ||
        problem "the vmlinuz in $(basename -- "$deb") is not a RISC-V Linux Image"
}

# extract_busybox DEB OUTPUT: writes usr/bin/busybox of DEB to OUTPUT and checks that it is a
# riscv64 executable.
extract_busybox() {
    local deb=$1 output=$2
    extract_deb_file "$deb" ./usr/bin/busybox "$output" ||
        problem "cannot extract usr/bin/busybox from $(basename -- "$deb")" || return 1
    is_riscv64_elf "$output" || problem "usr/bin/busybox in $(basename -- "$deb") is not a riscv64 program" ||
        return 1
    chmod 0755 -- "$output"
}
