#!/bin/sh
# Makes `apt-get source` work: adds deb-src to the machine's own Debian
# entries (deb822 .sources files or sources.list) and updates the lists,
# once. Needs root; otherwise prints what to do and fails. Also installs
# dpkg-dev, which unpacks source packages.
set -eu
if apt-cache showsrc zlib 2>/dev/null | grep -q '^Package:' && command -v dpkg-source >/dev/null; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "hotpath: apt-get source needs a deb-src entry and dpkg-dev; as root, run: sh scripts/deb-src.sh" >&2
    exit 1
fi
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
done
if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list > /etc/apt/sources.list.d/hotpath-deb-src.list
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
command -v dpkg-source >/dev/null || apt-get install -y -q --no-install-recommends dpkg-dev >/dev/null
