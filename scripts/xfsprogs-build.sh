#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfsprogs-build.sh - an xfs_io that knows fscrypt data unit sizes.
# xfstests' generic/739 runs "xfs_io -c 'set_encpolicy -s ...'", which needs
# xfsprogs >= 6.7; Debian 12 has 6.1, and trixie's binary needs trixie's
# libc.  So xfs_io alone is built once from trixie's source package into the
# cache: only the directories it links (libfrog, libxcmd, libhandle, io), not
# libxfs nor the other tools.
# Build dependencies beyond a compiler: libinih-dev liburcu-dev libblkid-dev
# uuid-dev.
#
# Usage: xfsprogs-build.sh   -> prints the directory holding xfs_io (to put
#                               first in PATH)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ICPT_CACHE:-/var/cache/dm-icpt}

# built: the newest directory already built, if any.
built() {
	local d
	d=$(printf '%s\n' "$CACHE"/tools/xfsprogs-*/xfs_io | sort -V | tail -n1)
	[ -x "$d" ] && dirname "$d"
}

# build_io SRC: configure SRC and build xfs_io in it.  The internal libraries
# are static, so io/xfs_io is a binary and not a libtool wrapper.
build_io() {
	local d
	(cd "$1" && ./configure --enable-shared=no --enable-gettext=no \
		--enable-editline=no --enable-scrub=no --enable-libicu=no) || return
	make -C "$1" headers || return
	for d in include libfrog libxcmd libhandle io; do
		make -C "$1/$d" -j"$(nproc)" || return
	done
}

if dir=$(built); then
	echo "$dir"
	exit 0
fi
mkdir -p "$CACHE/tools"
exec 9>"$CACHE/tools/.lock-xfsprogs"
flock 9
if dir=$(built); then
	echo "$dir"
	exit 0
fi
tmp=$(mktemp -d "$CACHE/tools/xfsprogs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$here/scripts/debian-apt.sh" source xfsprogs trixie)
dsc=$(find "$tmp" -maxdepth 1 -name 'xfsprogs_*.dsc' | head -n1)
version=$(sed -n 's/^Version: //p' "$dsc")
# The checksums were checked by apt against the signed index.
dpkg-source --no-check -x "$dsc" "$tmp/src" >"$tmp/build.log" 2>&1 ||
	{ tail -n 20 "$tmp/build.log" >&2; exit 1; }
src=$tmp/src
echo "xfsprogs-build: building xfs_io of xfsprogs $version" >&2
build_io "$src" >>"$tmp/build.log" 2>&1 || { tail -n 20 "$tmp/build.log" >&2; exit 1; }
case $("$src/io/xfs_io" -c 'help set_encpolicy') in
*"-s LOG2_DUSIZE"*) ;;
*) echo "xfsprogs-build: xfs_io $version has no set_encpolicy -s" >&2; exit 1 ;;
esac
dir=$CACHE/tools/xfsprogs-$version
rm -rf "$dir"
mkdir "$tmp/out"
cp "$src/io/xfs_io" "$tmp/out/xfs_io"
mv "$tmp/out" "$dir"
echo "$dir"
