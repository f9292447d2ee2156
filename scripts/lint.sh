#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - checkpatch --strict on every C file and header of the module and
# the test engine, using checkpatch.pl from a cached Debian kernel source.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
series=${1:-7.2}
src=$("$here/scripts/test-kernel.sh" --source "$series")
cd "$here"
files=$(ls src/*.c include/*.h probes/*.c tests/engine/*.c tests/engine/*.h \
	tests/engine/probes/*.c tests/tools/*.c tests/tools/*.h 2>/dev/null)
# shellcheck disable=SC2086
out=$("$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types -f $files || true)
if echo "$out" | grep -v '^total: 0 errors, 0 warnings, 0 checks' | grep -q .; then
	echo "$out"
	echo "lint: checkpatch --strict found problems" >&2
	exit 1
fi
echo "lint: checkpatch --strict clean on $(echo $files | wc -w) files"
