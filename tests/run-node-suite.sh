#!/bin/sh
# Runs the node:test files (*.test.mjs) under folder DIR with the TAP reporter, shows the TAP output,
# and writes the totals "PASSED FAILED SKIPPED" as one line to COUNTS_FILE. Exits with status 0 only
# when every test passed. ./mic test calls it for tests/api and tests/e2e against a running stack.
#
# Usage: tests/run-node-suite.sh DIR COUNTS_FILE
# Settings: MIC_TEST_ONLY, file names separated by spaces (./mic test FILE... sets it): only the
#           files of DIR with one of these names run, and a DIR without any of them is skipped;
#           MIC_TEST_TIMEOUT_MS (default 300000), the time limit of one test or describe block;
#           MIC_SUITE_TIMEOUT_S (default 1800), the time limit of the whole suite.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 DIR COUNTS_FILE" >&2
	exit 2
fi
suite_dir=$1
counts_file=$2
test_timeout_ms=${MIC_TEST_TIMEOUT_MS:-300000}
suite_timeout_s=${MIC_SUITE_TIMEOUT_S:-1800}

write_counts() {
	printf '%s %s %s\n' "$1" "$2" "$3" >"$counts_file"
}

# Node 20 treats a folder argument of --test differently from later versions, so the files are
# passed one by one.
set --
files=$(find "$suite_dir" -name node_modules -prune -o -type f -name '*.test.mjs' -print | LC_ALL=C sort)
if [ -n "$files" ]; then
	while IFS= read -r file; do
		set -- "$@" "$file"
	done <<LIST
$files
LIST
fi
if [ -n "${MIC_TEST_ONLY:-}" ]; then
	for file in "$@"; do
		shift
		case " $MIC_TEST_ONLY " in
		*" $(basename -- "$file") "*) set -- "$@" "$file" ;;
		esac
	done
	if [ $# -eq 0 ]; then
		write_counts 0 0 0
		exit 0
	fi
fi
if [ $# -eq 0 ]; then
	echo "FAILED: $suite_dir contains no *.test.mjs file" >&2
	write_counts 0 1 0
	exit 1
fi

output=$(mktemp)
trap 'rm -f "$output"' EXIT

# The TAP output goes to the terminal and, through a second reporter, to a file that is read for
# the counts below. timeout(1) stops a suite that hangs, for example on a request that never
# returns. It runs in the background in a process group of its own (timeout makes one), so that
# a TERM, INT or HUP to this script can stop node and the browsers and servers it started.
#
# --test-concurrency=1 runs the files one after another (node's default on a 2-core machine anyway),
# because the hostile-input tests compare whole-table checksums before and after each request.
timeout --kill-after=10 "$suite_timeout_s" \
	node --test --test-timeout="$test_timeout_ms" --test-concurrency=1 \
	--test-reporter=tap --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$output" \
	"$@" &
suite_pid=$!
trap 'kill -TERM -- "-$suite_pid" 2>/dev/null || kill -TERM "$suite_pid" 2>/dev/null; exit 143' TERM INT HUP
status=0
wait "$suite_pid" || status=$?

# The TAP reporter ends with summary comments such as "# pass 12", "# fail 1", "# skipped 2".
summary_count() {
	count=$(sed -n "s/^# $1 \\([0-9][0-9]*\\)\$/\\1/p" "$output" | tail -n 1)
	printf '%s\n' "${count:-0}"
}
if ! grep -q '^# pass [0-9]' "$output"; then
	echo "FAILED: node --test printed no summary (exit status $status)" >&2
	write_counts 0 1 0
	exit 1
fi
passed=$(summary_count pass)
failed=$(($(summary_count fail) + $(summary_count cancelled)))
skipped=$(($(summary_count skipped) + $(summary_count todo)))

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "FAILED: the suite in $suite_dir did not finish within $suite_timeout_s s" >&2
	failed=$((failed + 1))
elif [ "$status" != 0 ] && [ "$failed" = 0 ]; then
	echo "FAILED: node --test exited with status $status although no test failed" >&2
	failed=1
fi
write_counts "$passed" "$failed" "$skipped"
[ "$failed" = 0 ]
