#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stock-kernel.sh - fetch a Debian stock kernel (headers, and for booting the
# image and its modules) and unpack it under the cache, never into the host's
# /boot or /lib/modules.  The newest ABI the suite offers is used.
#
# Usage: stock-kernel.sh <series> [--image]
#   series: 6.1 (bookworm with its security updates, what an updated
#           Debian 12 runs) | 6.12 (bookworm-backports)
# Prints the directory; it holds `kdir` (the headers tree, for M= and DKMS
# builds), `release`, and with --image `vmlinuz` and root/lib/modules.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ICPT_CACHE:-/var/cache/dm-icpt}
series=${1:?usage: $0 <series> [--image]}
image=${2:-}

case "$series" in
6.1)
	suites="bookworm-security bookworm"
	re='linux-headers-6\.1\.[0-9]+-[0-9]+-amd64'
	kre='linux-kbuild-6\.1'
	;;
6.12)
	suites=bookworm-backports
	re='linux-headers-6\.12\.[0-9]+\+deb12-amd64'
	kre='linux-kbuild-6\.12\.[0-9]+\+deb12'
	;;
*) echo "no stock kernel known for $series" >&2; exit 2 ;;
esac

# the first suite that offers the series (the security archive may be
# missing from the host's apt configuration)
hdr=
for suite in $suites; do
	read -r hdr ver < <("$here/scripts/debian-apt.sh" newest "$suite" "$re" 2>/dev/null) || true
	[ -z "$hdr" ] || break
done
[ -n "$hdr" ] || { echo "suites $suites offer no $re" >&2; exit 1; }
rel=${hdr#linux-headers-}
common=linux-headers-${rel%-amd64}-common
kbuild=$("$here/scripts/debian-apt.sh" newest "$suite" "$kre" | awk '{print $1}')
pkgs="$hdr $common $kbuild"
[ "$image" = --image ] && pkgs="$pkgs linux-image-$rel-unsigned"

dir=$CACHE/stock/$rel-$ver
stamp=$dir/done${image:+-image}
# An unpacked image includes the headers.
if [ -f "$stamp" ] || [ -f "$dir/done-image" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
# another run may have unpacked it while this one waited for the lock
if [ -f "$stamp" ] || [ -f "$dir/done-image" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$dir/debs"
echo "stock-kernel: fetching $pkgs ($ver, $suite)" >&2
for p in $pkgs; do
	ls "$dir/debs/${p}_"*.deb >/dev/null 2>&1 ||
		(cd "$dir/debs" && "$here/scripts/debian-apt.sh" download "$suite" "$p=$ver")
done
for f in "$dir"/debs/*.deb; do
	dpkg-deb -x "$f" "$dir/root"
done

# The headers' Makefile includes the common tree by absolute path.
kdir=$dir/root/usr/src/linux-headers-$rel
sed -i "s|/usr/src/|$dir/root/usr/src/|" "$kdir/Makefile"
ln -sfn "$kdir" "$dir/kdir"
echo "$rel" >"$dir/release"
if [ "$image" = --image ]; then
	cp "$dir/root/boot/vmlinuz-$rel" "$dir/vmlinuz"
	rm -f "$dir/root/lib/modules/$rel/build" "$dir/root/lib/modules/$rel/source"
	# Keep what a guest needs, not the rest of the package.
	rm -rf "$dir/root/boot" "$dir/root/usr/share"
fi
rm -rf "$dir/debs"
touch "$dir/done" "$stamp"
echo "$dir"
