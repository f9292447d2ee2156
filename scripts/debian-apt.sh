#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-apt.sh - apt-get with a private configuration that sees every Debian
# suite the tests need (bullseye, bookworm, bookworm-backports, trixie, sid),
# without touching the host's own sources.  The archive address is taken from
# the machine's existing apt configuration; none is written here.
#
# Usage: debian-apt.sh update
#        debian-apt.sh newest <suite> <package-regex>   -> prints "name version"
#        debian-apt.sh download <suite> <package>[=version]...  (into $PWD)
set -euo pipefail

CACHE=${ICPT_CACHE:-/var/cache/dm-icpt}
APTDIR=$CACHE/apt
SUITES="bullseye bookworm bookworm-backports trixie sid"

archive_uri() {
	local uri
	uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null |
		grep -v -e security -e '\[.*\]' |
		sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+//; s/[[:space:]].*//' |
		grep -E '/debian/?$' | head -n1)
	[ -n "$uri" ] || { echo "no Debian archive in the host's apt configuration" >&2; exit 1; }
	echo "${uri%/}"
}

apt_opts() {
	echo -o Dir::Etc::SourceList="$APTDIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$APTDIR/lists" \
		-o Dir::Cache="$APTDIR/cache" \
		-o Dir::State::status=/dev/null \
		-o APT::Get::List-Cleanup=0 \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root
}

do_update() {
	local uri s
	uri=$(archive_uri)
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	: > "$APTDIR/sources.list.new"
	for s in $SUITES; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" \
			>> "$APTDIR/sources.list.new"
	done
	mv "$APTDIR/sources.list.new" "$APTDIR/sources.list"
	# shellcheck disable=SC2046
	apt-get $(apt_opts) -q update >&2
}

ensure_lists() {
	# Refresh at most once a day: suites move, pinned versions vanish.
	if [ ! -f "$APTDIR/sources.list" ] ||
	   [ -z "$(find "$APTDIR/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
		do_update
	fi
}

# newest <suite> <regex>: the newest binary package of that suite whose name
# matches regex (anchored), printed as "name version".
do_newest() {
	local suite=$1 re=$2 f
	ensure_lists
	f=$(ls "$APTDIR"/lists/*_dists_"${suite}"_main_binary-amd64_Packages* 2>/dev/null | head -n1)
	[ -n "$f" ] || { echo "no package list for suite $suite" >&2; exit 1; }
	/usr/lib/apt/apt-helper cat-file "$f" | awk -v re="^(${re})\$" '
		/^Package: / { p = $2 }
		/^Version: / { if (p ~ re) print p, $2 }
	' | sort -k2,2V -k1,1V | tail -n1
}

do_download() {
	local suite=$1
	shift
	ensure_lists
	# shellcheck disable=SC2046
	apt-get $(apt_opts) -q -t "$suite" download "$@" >&2
}

cmd=${1:-}
shift || true
# Test kernels are prepared in parallel: one apt at a time on the private
# lists (apt's own lock would refuse the second, not wait for it).
mkdir -p "$APTDIR"
exec 8>"$APTDIR/.lock"
flock 8
case "$cmd" in
update) do_update ;;
newest) do_newest "$@" ;;
download) do_download "$@" ;;
*) echo "usage: $0 update|newest SUITE REGEX|download SUITE PKG..." >&2; exit 2 ;;
esac
