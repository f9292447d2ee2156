#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse-build.sh - a sparse that can check every kernel of the matrix.
# 7.x headers use __typeof_unqual__, which Debian 12's sparse (0.6.4) cannot
# parse: its Makefile then turns C=1 off with only a make warning.  sid's
# sparse parses it, but its binary needs sid's libc, so it is built once
# from sid's source package into the cache.
#
# Usage: sparse-build.sh   -> prints the path of the sparse binary
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ICPT_CACHE:-/var/cache/dm-icpt}
dir=$CACHE/tools/sparse

if [ -x "$dir/sparse" ]; then
	echo "$dir/sparse"
	exit 0
fi
mkdir -p "$CACHE/tools"
exec 9>"$CACHE/tools/.lock-sparse"
flock 9
if [ -x "$dir/sparse" ]; then
	echo "$dir/sparse"
	exit 0
fi
tmp=$(mktemp -d "$CACHE/tools/sparse.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$here/scripts/debian-apt.sh" source sparse)
tar -xzf "$tmp"/sparse_*.orig.tar.gz -C "$tmp"
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'sparse-*')
echo "sparse-build: building $(basename "$src")" >&2
make -C "$src" -j"$(nproc)" HAVE_LLVM=no HAVE_SQLITE=no HAVE_GTK=no sparse >"$tmp/build.log" 2>&1 ||
	{ tail -n 20 "$tmp/build.log" >&2; exit 1; }
mkdir -p "$dir"
cp "$src/sparse" "$dir/sparse.new"
mv "$dir/sparse.new" "$dir/sparse"
echo "$dir/sparse"
