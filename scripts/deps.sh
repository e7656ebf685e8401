#!/bin/sh
# Installs the Debian packages that building and testing hotpath need, if any
# is missing. As root it runs apt-get; otherwise it prints the command to run
# and fails, so that nothing half-configured follows.
set -eu

PACKAGES="gcc g++ make cmake pkg-config binutils python3 libcriterion-dev libcjson-dev libncurses-dev tmux valgrind
autoconf automake libtool dpkg-dev locales-all python3-jsonschema prometheus
gcc-12-plugin-dev
clang clang-14 llvm-14-dev libclang-14-dev
clang-19 llvm-19-dev libclang-19-dev libclang-rt-19-dev"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "hotpath: missing build dependencies:$missing" >&2
    echo "hotpath: install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "hotpath: installing build dependencies:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
