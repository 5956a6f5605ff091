# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# A private apt setup for downloading Debian packages without touching the machine's apt state:
# its own sources list, lists, status and cache under one folder, one suite and one architecture,
# signatures checked against the Debian archive keyring. Used by tools/fetch-guests (the guest
# kernel and BusyBox from unstable, riscv64) and tools/fetch-qemu (QEMU 10 and OpenSBI from
# bookworm-backports, the host's architecture). Source after guests.sh (problem, record_field,
# sha256_of, debian_mirror_from_apt_config); the caller defines note and sets these first:
#   apt_dir              the private setup's folder (sources.list, state/, cache/)
#   apt_debs_dir         where downloaded packages are kept
#   apt_suite            the Debian suite, e.g. unstable or bookworm-backports
#   apt_arch             the package architecture, e.g. riscv64 or amd64
#   apt_config_dir       where the machine's apt sources are read for the mirror (/etc/apt)
#   apt_refresh          true to run apt-get update even when the lists are fresh
#   work_dir             a scratch folder for apt's log
# A function that fails returns 1 with the reason in guests_problem (see problem).

readonly apt_keyring=/usr/share/keyrings/debian-archive-keyring.gpg
readonly apt_lists_max_age_minutes=1440 # package lists younger than a day are used as they are

# Set by find_mirror and prepare_private_apt.
apt_mirror=""
apt_opts=()

# find_mirror: sets apt_mirror from HALYARD_DEBIAN_MIRROR or the machine's apt sources.
find_mirror() {
    if [[ -n ${HALYARD_DEBIAN_MIRROR:-} ]]; then
        apt_mirror=${HALYARD_DEBIAN_MIRROR%/}
        note "Debian mirror: $apt_mirror (HALYARD_DEBIAN_MIRROR)"
        return 0
    fi
    apt_mirror=$(debian_mirror_from_apt_config "$apt_config_dir") ||
        problem "no Debian mirror in the apt sources under $apt_config_dir (a deb entry with a Debian suite and component main); set HALYARD_DEBIAN_MIRROR" ||
        return 1
    note "Debian mirror: $apt_mirror (the first one in the apt sources under $apt_config_dir)"
}

# set_apt_options: apt's options for the private setup. Everything apt reads or writes besides
# its configuration (kept for proxies and the like) is under apt_dir.
set_apt_options() {
    apt_opts=(
        -o "APT::Architecture=$apt_arch" -o "APT::Architectures=$apt_arch"
        -o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
        -o "Dir::Etc::preferences=$apt_dir/preferences"
        -o "Dir::Etc::preferencesparts=$apt_dir/preferences.d"
        -o "Dir::State=$apt_dir/state" -o "Dir::State::status=$apt_dir/state/status"
        -o "Dir::Cache=$apt_dir/cache"
        # Keep apt's binary cache of the lists (some setups, e.g. Docker's, switch it off), so
        # that each apt-cache look-up does not parse the lists again.
        -o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin
        -o Acquire::Languages=none -o Acquire::Retries=1
        -o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30
        -o Acquire::AllowInsecureRepositories=false -o APT::Get::AllowUnauthenticated=false
    )
}

# prepare_private_apt: finds the mirror and writes the private sources list.
prepare_private_apt() {
    find_mirror || return 1
    [[ -r $apt_keyring ]] ||
        problem "no Debian archive keyring $apt_keyring to check signatures with (install the Debian package debian-archive-keyring)" ||
        return 1
    mkdir -p -- "$apt_dir"/{state/lists/partial,cache/archives/partial,preferences.d} "$apt_debs_dir"
    [[ -f $apt_dir/state/status ]] || : >"$apt_dir/state/status"
    echo "deb [signed-by=$apt_keyring] $apt_mirror $apt_suite main" >"$apt_dir/sources.list"
    set_apt_options
}

# apt_failure STATUS LOG: the reason apt failed: its first error line, else its exit status.
apt_failure() {
    local line
    if line=$(grep -m 1 '^E: ' "$2"); then
        echo "apt: ${line#E: }"
    else
        echo "apt-get exited with status $1"
    fi
}

# run_apt DIR COMMAND...: runs the apt COMMAND in DIR, showing its output.
run_apt() {
    local dir=$1 log=$work_dir/apt.log status=0
    shift
    (cd -- "$dir" && "$@") 2>&1 | tee "$log" || status=$?
    ((status == 0)) || problem "$(apt_failure "$status" "$log")"
}

# The stamp apt-get update leaves; it holds the sources list the lists were read with.
apt_lists_stamp() {
    echo "$apt_dir/updated"
}

lists_are_fresh() {
    local stamp
    stamp=$(apt_lists_stamp)
    [[ -f $stamp && $(<"$stamp") == "$(<"$apt_dir/sources.list")" ]] || return 1
    [[ -n $(find "$stamp" -mmin "-$apt_lists_max_age_minutes") ]]
}

refresh_package_lists() {
    local stamp
    stamp=$(apt_lists_stamp)
    if [[ $apt_refresh == false ]] && lists_are_fresh; then
        note "the package lists are from $(date -r "$stamp" '+%F %R'), less than a day old: no apt-get update (--refresh forces one)"
        return 0
    fi
    rm -f -- "$stamp"
    note "apt-get update: the $apt_suite package lists for $apt_arch from $apt_mirror"
    run_apt "$apt_dir" apt-get "${apt_opts[@]}" update --error-on=any || return 1
    cp -- "$apt_dir/sources.list" "$stamp"
}

# load_record PACKAGE: sets record to apt's record of the candidate version of PACKAGE.
declare -A package_records=()
record=""
load_record() {
    if [[ -z ${package_records[$1]+set} ]]; then
        package_records[$1]=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$1" 2>/dev/null) ||
            problem "the $apt_suite package lists for $apt_arch have no $1" || return 1
    fi
    record=${package_records[$1]}
}

# remove_other_versions PACKAGE KEEP: deletes the downloaded versions of PACKAGE other than KEEP.
remove_other_versions() {
    local file
    for file in "$apt_debs_dir/$1_"*.deb; do
        [[ $file == "$2" || ! -f $file ]] || rm -f -- "$file"
    done
}

# download_package PACKAGE VERSION: apt-get download into apt_debs_dir. As root, apt would
# download as the user _apt, who cannot write there.
download_package() {
    local sandbox=()
    ((EUID != 0)) || sandbox=(-o APT::Sandbox::User=root)
    run_apt "$apt_debs_dir" apt-get "${apt_opts[@]}" "${sandbox[@]}" download "$1=$2"
}

# fetch_package PACKAGE: sets fetched_deb to the candidate version of PACKAGE in apt_debs_dir,
# downloading it unless it is there already with the checksum apt's lists give.
fetched_deb=""
fetch_package() {
    local package=$1 version architecture sha256 file
    load_record "$package" || return 1
    version=$(record_field "$record" Version) &&
        architecture=$(record_field "$record" Architecture) &&
        sha256=$(record_field "$record" SHA256) ||
        problem "apt's record of $package has no Version, Architecture or SHA256" || return 1
    file=$apt_debs_dir/${package}_${version//:/%3a}_$architecture.deb
    if [[ -f $file && $(sha256_of "$file") == "$sha256" ]]; then
        note "$package $version is in ${apt_debs_dir#"$repo_root/"} already: not downloading it"
    else
        note "apt-get download: $package $version"
        download_package "$package" "$version" || return 1
        [[ -f $file ]] || problem "apt-get download left no $(basename -- "$file")" || return 1
        [[ $(sha256_of "$file") == "$sha256" ]] ||
            problem "$(basename -- "$file") does not match the SHA256 in apt's package lists" || return 1
        remove_other_versions "$package" "$file"
    fi
    fetched_deb=$file
}
