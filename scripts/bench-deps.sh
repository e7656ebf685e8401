#!/bin/sh
# The Debian packages that `make bench` alone needs (make test does not):
# uftrace (a peer measured), gnuplot-nox (the chart), the XRay runtimes of
# clang 14 and 19 (libclang-rt-N-dev) and dpkg-dev (apt-get source zlib for
# the compile-time table). As root it installs what is missing; otherwise
# it names the packages and goes on: scripts/bench.py skips what it lacks.
set -eu
PACKAGES="uftrace gnuplot-nox libclang-rt-14-dev libclang-rt-19-dev valgrind dpkg-dev"
missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "hotpath: make bench would use:$missing (sudo apt-get install -y$missing); going on without" >&2
    exit 0
fi
echo "hotpath: installing for make bench:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
