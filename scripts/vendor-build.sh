#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vendor-build.sh - unpack and build (once) one of the outside test tools
# kept as unmodified upstream tarballs in ../shared/vendor/ (xfstests,
# fscryptctl).  Nothing of theirs is copied into this repository: the build
# lives under the cache, keyed by the tarball's sha256, which must match the
# one pinned below.
#
# Usage: vendor-build.sh xfstests|fscryptctl
# Prints the built tree: xfstests' source tree with its programs built (run
# ./check there; tree.tar beside it holds the same), or the directory
# holding the fscryptctl binary.
# The tarballs are looked for in $ICPT_VENDOR, by default ../shared/vendor
# beside the checkout.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ICPT_CACHE:-/var/cache/dm-icpt}
VENDOR=${ICPT_VENDOR:-$(cd "$here/.." && pwd)/shared/vendor}
name=${1:?usage: $0 xfstests|fscryptctl}

case "$name" in
xfstests)
	tarball=xfstests-63a29724.tar.xz
	sha=9d2791185b31d1a82236715bba6b41c6018a6f0ffbb3206b415faf9a5155f558
	target=default
	;;
fscryptctl)
	tarball=fscryptctl-1.3.0.tar.xz
	sha=0c89124b04ca0124d76da6130b7f713bb4e940fea35e04de947480a1aa738f89
	# the binary only: the default target also makes the man page (pandoc)
	target=fscryptctl
	;;
*) echo "$0: unknown tool $name" >&2; exit 2 ;;
esac

log() { echo "vendor-build[$name]: $*" >&2; }

dir=$CACHE/vendor/$name-${sha:0:12}
# xfstests' guest unpacks the built tree into its tmpfs (its tests write
# beside themselves) from one archive, tree.tar: 9p under TCG costs round
# trips per file, and the tree's 4,900 files take one to two minutes to
# copy one by one.
archive() {
	[ "$name" = xfstests ] || return 0
	tar -C "$dir/tree" -cf "$dir/tree.tar.new" .
	mv "$dir/tree.tar.new" "$dir/tree.tar"
}
ready() {
	[ -f "$dir/done" ] && { [ "$name" != xfstests ] || [ -f "$dir/tree.tar" ]; }
}
if ready; then
	echo "$dir/tree"
	exit 0
fi
mkdir -p "$CACHE/vendor"
exec 9>"$CACHE/vendor/.lock-$name"
flock 9
if [ -f "$dir/done" ]; then
	ready || archive
	echo "$dir/tree"
	exit 0
fi

[ -f "$VENDOR/$tarball" ] ||
	{ echo "$0: $VENDOR/$tarball not found (set ICPT_VENDOR to the vendor directory)" >&2; exit 1; }
echo "$sha  $VENDOR/$tarball" | sha256sum -c --quiet - ||
	{ echo "$0: $VENDOR/$tarball does not have the pinned sha256" >&2; exit 1; }

rm -rf "$dir"
mkdir -p "$dir/tree"
tar -xJf "$VENDOR/$tarball" -C "$dir/tree" --strip-components=1
log "building"
start=$(date +%s)
make -C "$dir/tree" -j"$(nproc)" "$target" >"$dir/build.log" 2>&1 ||
	{ tail -n 30 "$dir/build.log" >&2; exit 1; }
log "built in $(( $(date +%s) - start ))s"
archive
touch "$dir/done"
# earlier builds of another tarball of the same tool are not used any more
for old in "$CACHE/vendor/$name"-*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
echo "$dir/tree"
