#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-kernel.sh - build (once) and locate a test kernel made from Debian's
# linux-source package of a suite, tinyconfig plus a fragment from
# tests/kconfig/.  Results are cached outside the checkout, keyed by the
# package version and a hash of the fragment and compiler, so a second run
# builds nothing.
#
# Usage: test-kernel.sh <series> [<fragment>]
#        test-kernel.sh --source <series>
#   series: 5.10 | 6.1 | 6.12 | 7.2 (or any linux-source-X a suite offers)
#   fragment: name in tests/kconfig/ without .config (default: test); any
#             other fragment is merged on top of test.config (e.g. debug)
# Prints the kernel directory: it holds bzImage, build/ (for M= builds,
# i.e. make -C <dir>/build M=...) and info (versions used).  With --source,
# only fetches and unpacks the source (for checkpatch) and prints its path.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ICPT_CACHE:-/var/cache/dm-icpt}
source_only=0
if [ "${1:-}" = --source ]; then
	source_only=1
	shift
fi
series=${1:?usage: $0 [--source] <series> [<fragment>]}
frag=${2:-test}
fragfile=$here/tests/kconfig/$frag.config
[ -f "$fragfile" ] || { echo "no fragment $fragfile" >&2; exit 2; }
fragments=$here/tests/kconfig/test.config
[ "$frag" = test ] || fragments="$fragments $fragfile"

log() { echo "test-kernel[$series/$frag]: $*" >&2; }

suite_of() {
	case "$1" in
	5.10) echo bullseye ;;
	6.1) echo bookworm ;;
	6.12) echo trixie ;;
	*) echo sid ;;
	esac
}

suite=$(suite_of "$series")
read -r pkg ver < <("$here/scripts/debian-apt.sh" newest "$suite" "linux-source-$series") || true
[ -n "${pkg:-}" ] || { echo "suite $suite offers no linux-source-$series" >&2; exit 1; }

# The toolchain is part of the key: 7.x's module build warns when the
# compiler or pahole differs from the kernel's (CONFIG_PAHOLE_VERSION is 0
# for a kernel configured before pahole was installed).
# shellcheck disable=SC2086
key=$( (cat $fragments; gcc --version | head -n1; pahole --version 2>/dev/null || echo "no pahole"
	echo "recipe 1") | sha256sum | cut -c1-12)
kdir=$CACHE/kernels/$series-$ver-$frag-$key
srcdir=$CACHE/src/${pkg}_$ver

if [ "$source_only" = 0 ] && [ -f "$kdir/done" ]; then
	echo "$kdir"
	exit 0
fi

mkdir -p "$CACHE/kernels" "$CACHE/src" "$CACHE/debs"
exec 9>"$CACHE/kernels/.lock-$series"
flock 9
if [ "$source_only" = 0 ] && [ -f "$kdir/done" ]; then
	echo "$kdir"
	exit 0
fi

if [ ! -f "$srcdir/.extracted" ]; then
	log "fetching $pkg $ver from $suite"
	deb=$(ls "$CACHE/debs/${pkg}_${ver}_all.deb" 2>/dev/null || true)
	if [ -z "$deb" ]; then
		(cd "$CACHE/debs" && "$here/scripts/debian-apt.sh" download "$suite" "$pkg=$ver")
		deb=$CACHE/debs/${pkg}_${ver}_all.deb
	fi
	rm -rf "$srcdir" "$srcdir.tmp"
	mkdir -p "$srcdir.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards -O '*.tar.xz' |
		tar -xJ -C "$srcdir.tmp" --strip-components=1
	touch "$srcdir.tmp/.extracted"
	mv "$srcdir.tmp" "$srcdir"
	# The package is only needed to extract; keep the cache small.
	rm -f "$deb"
fi
if [ "$source_only" = 1 ]; then
	echo "$srcdir"
	exit 0
fi

rm -rf "$kdir"
mkdir -p "$kdir/build"
b=$kdir/build
# No ccache: a test kernel is built once per config and kept, so ccache
# could only hit across configs, and on a miss it costs more than it saves
# (fs/ext4, block, drivers/md of 6.1 from cold: 68 CPU-s with gcc, 110 with
# ccache, 79 in its depend mode).
mk() { make -C "$srcdir" O="$b" -j"$(nproc)" "$@"; }

log "configuring $ver"
mk tinyconfig >/dev/null
# shellcheck disable=SC2086
"$srcdir/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" $fragments >/dev/null
mk olddefconfig >/dev/null
for opt in BLK_INLINE_ENCRYPTION BLK_INLINE_ENCRYPTION_FALLBACK FS_ENCRYPTION_INLINE_CRYPT \
	   BLK_DEV_DM EXT4_FS 9P_FS MODULE_UNLOAD SERIAL_8250_CONSOLE; do
	grep -q "^CONFIG_$opt=y" "$b/.config" ||
		{ echo "CONFIG_$opt did not stick in $b/.config" >&2; exit 1; }
done

log "building $ver (a few minutes)"
start=$(date +%s)
mk all >"$kdir/build.log" 2>&1 || { tail -n 40 "$kdir/build.log" >&2; exit 1; }
log "built in $(( $(date +%s) - start ))s"
cp "$b/arch/x86/boot/bzImage" "$kdir/bzImage"

# Keep only what external module builds need.
find "$b" \( -name '*.o' -o -name '*.a' -o -name '*.o.cmd' -o -name '.tmp_*' \) -delete
rm -f "$b/vmlinux" "$b/vmlinux.o" "$b/arch/x86/boot/compressed/vmlinux"* "$b/arch/x86/boot/vmlinux.bin"

{
	echo "package=$pkg"
	echo "version=$ver"
	echo "suite=$suite"
	echo "fragment=$frag"
	echo "release=$(cat "$b/include/config/kernel.release")"
	echo "compiler=$(gcc --version | head -n1)"
} >"$kdir/info"
touch "$kdir/done"
# Older builds of this series and fragment (previous package version or
# fragment) are not used any more: keep the cache small.
for old in "$CACHE/kernels/$series"-*-"$frag"-*; do
	[ "$old" = "$kdir" ] || rm -rf "$old"
done
echo "$kdir"
