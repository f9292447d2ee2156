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
#        debian-apt.sh source <package> [suite]   (source package, sid's by
#                                                 default, into $PWD)
#        debian-apt.sh sources-list <suite>...   -> sources.list lines for a chroot
set -euo pipefail

CACHE=${ICPT_CACHE:-/var/cache/dm-icpt}
APTDIR=$CACHE/apt
SUITES="bullseye bookworm bookworm-backports trixie sid"
# suites whose source packages tools are built from (scripts/*-build.sh)
SRC_SUITES="trixie sid"

# archive_uri [security]: the Debian archive (or its security archive) the
# host's apt configuration names.
archive_uri() {
	local uri want=/debian
	[ "${1:-}" = security ] && want=/debian-security
	uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null |
		grep -v -e '\[.*\]' |
		sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+//; s/[[:space:]].*//' |
		grep -E "$want/?\$" | head -n1)
	if [ -z "$uri" ]; then
		[ "$want" = /debian ] || return 0
		echo "no Debian archive in the host's apt configuration" >&2
		exit 1
	fi
	echo "${uri%/}"
}

# apt_opts [LISTS]: the private configuration, reading lists from LISTS.
apt_opts() {
	echo -o Dir::Etc::SourceList="$APTDIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="${1:-$APTDIR/lists}" \
		-o Dir::Cache="$APTDIR/cache" \
		-o Dir::State::status=/dev/null \
		-o APT::Get::List-Cleanup=0 \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root
}

# The lists are fetched into a new directory and swapped in whole, so a
# reader never sees a list apt is rewriting (every command also holds the
# lock below).
do_update() {
	local uri sec s key=/usr/share/keyrings/debian-archive-keyring.gpg
	uri=$(archive_uri)
	sec=$(archive_uri security)
	mkdir -p "$APTDIR/lists" "$APTDIR/cache/archives/partial"
	rm -rf "$APTDIR/lists.new"
	cp -a "$APTDIR/lists" "$APTDIR/lists.new"
	mkdir -p "$APTDIR/lists.new/partial"
	: > "$APTDIR/sources.list.new"
	for s in $SUITES; do
		echo "deb [signed-by=$key] $uri $s main" >> "$APTDIR/sources.list.new"
	done
	# tools newer than the host's, built from source (scripts/*-build.sh)
	for s in $SRC_SUITES; do
		echo "deb-src [signed-by=$key] $uri $s main" >> "$APTDIR/sources.list.new"
	done
	# what an updated Debian 12 runs: bookworm's kernel security updates
	[ -z "$sec" ] || echo "deb [signed-by=$key] $sec bookworm-security main" \
		>> "$APTDIR/sources.list.new"
	mv "$APTDIR/sources.list.new" "$APTDIR/sources.list"
	# shellcheck disable=SC2046
	apt-get $(apt_opts "$APTDIR/lists.new") -q update >&2
	rm -rf "$APTDIR/lists.old"
	mv "$APTDIR/lists" "$APTDIR/lists.old"
	mv "$APTDIR/lists.new" "$APTDIR/lists"
	rm -rf "$APTDIR/lists.old"
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
	# The regex reaches awk through the environment: "awk -v" unescapes
	# backslashes in gawk ("\+" becomes "+") but not in mawk.
	/usr/lib/apt/apt-helper cat-file "$f" | RE="^(${re})\$" awk '
		/^Package: / { p = $2 }
		/^Version: / { if (p ~ ENVIRON["RE"]) print p, $2 }
	' | sort -k2,2V -k1,1V | tail -n1
}

do_download() {
	local suite=$1
	shift
	ensure_lists
	# shellcheck disable=SC2046
	apt-get $(apt_opts) -q -t "$suite" download "$@" >&2
}

# source <package> [suite]: download the source package of that suite (sid
# by default) into $PWD.
do_source() {
	local pkg=$1 suite=${2:-sid}
	ensure_lists
	# lists fetched before this suite's deb-src line was written lack it
	ls "$APTDIR"/lists/*_dists_"${suite}"_main_source_Sources* >/dev/null 2>&1 ||
		do_update
	# shellcheck disable=SC2046
	apt-get $(apt_opts) -q --download-only source "$pkg/$suite" >&2
}

# sources-list <suite>...: one sources.list line per suite, from the host's
# archives (a *-security suite from the security archive), for a chroot.
do_sources_list() {
	local s uri key=/usr/share/keyrings/debian-archive-keyring.gpg
	for s in "$@"; do
		case "$s" in
		*-security) uri=$(archive_uri security) ;;
		*) uri=$(archive_uri) ;;
		esac
		[ -n "$uri" ] || { echo "no archive in the host's apt configuration for $s" >&2; exit 1; }
		echo "deb [signed-by=$key] $uri $s main"
	done
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
source) do_source "$@" ;;
sources-list) do_sources_list "$@" ;;
*) echo "usage: $0 update|newest SUITE REGEX|download SUITE PKG...|source PKG [SUITE]|sources-list SUITE..." >&2; exit 2 ;;
esac
