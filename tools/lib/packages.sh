# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Debian package helpers shared by the tools/ scripts. Source this file; it defines functions only.

# Set once `apt-get update` has run in this process, so several ensure_packages calls refresh the
# package lists at most once.
_packages_lists_updated=false

# package_installed PKG: true when dpkg reports PKG as fully installed.
package_installed() {
    local status
    status=$(dpkg-query --show --showformat='${Status}\n' "$1" 2>/dev/null) || return 1
    grep --quiet --line-regexp 'install ok installed' <<<"$status"
}

# missing_packages PKG...: prints, space-separated, the packages that are not installed.
missing_packages() {
    local pkg missing=()
    for pkg in "$@"; do
        package_installed "$pkg" || missing+=("$pkg")
    done
    echo "${missing[*]}"
}

# install_packages PKG...: installs as root, refreshing the package lists first (once per process).
install_packages() {
    if [[ $_packages_lists_updated == false ]]; then
        apt-get update
        _packages_lists_updated=true
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# ensure_packages PKG...: makes sure every listed Debian package is installed. As root, installs the
# missing ones; otherwise prints the command to run and exits 1. Silent when nothing is missing.
# Without dpkg (not a Debian-based system) it cannot tell, so it trusts the caller's environment.
ensure_packages() {
    command -v dpkg-query >/dev/null || return 0
    local missing
    read -r -a missing <<<"$(missing_packages "$@")"
    ((${#missing[@]} > 0)) || return 0
    if ((EUID == 0)); then
        install_packages "${missing[@]}"
        return 0
    fi
    echo "missing Debian packages: ${missing[*]}; install them with:" >&2
    echo "sudo apt-get install -y ${missing[*]}" >&2
    exit 1
}
