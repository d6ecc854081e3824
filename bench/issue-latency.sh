#!/bin/sh
# Issues BENCH_ISSUE_COUNT certificates (100 by default) one at a time through
# POST /api/v1/certificates on the running local stack and prints the latency of each request as
# curl measures it, summarised as median, 90th percentile and maximum in milliseconds.
#
# Output, last line: "issue COUNT MEDIAN_MS P90_MS MAX_MS". Run it with the environment that
# `./mic bench` exports (MIC_PORT, MIC_VAR, MIC_DEMO_ACCOUNTS, MIC_DB_SOCKET), like bench/bulk.sh.
set -eu

die() {
	printf 'bench/issue-latency.sh: error: %s\n' "$*" >&2
	exit 1
}

count=${BENCH_ISSUE_COUNT:-100}
case $count in
'' | *[!0-9]*) die "BENCH_ISSUE_COUNT=$count is not a whole number" ;;
esac
[ "$count" -ge 1 ] && [ "$count" -le 10000 ] || die "BENCH_ISSUE_COUNT must be from 1 to 10000"

BENCH_NAME=issue
. "$(dirname -- "$0")/coordinator.sh"

marker=$(date +%s)-$$
: >"$work/issue-times.txt"
i=1
while [ "$i" -le "$count" ]; do
	result=$(local_curl --cookie "$jar" --output /dev/null --write-out '%{http_code} %{time_total}' \
		--header 'Content-Type: application/json' --header "X-CSRF-Token: $csrf_token" \
		--data "{\"microcredential_id\":$microcredential,\"holder_name\":\"Latency Holder $i\",\"holder_email\":\"latency-$marker-$i@example.org\"}" \
		"$base/api/v1/certificates")
	case ${result%% *} in
	201)
		echo "${result#* }" >>"$work/issue-times.txt"
		i=$((i + 1))
		;;
	429) sleep 1 ;;  # rate limited: wait, and leave this request out of the figures
	*) die "issuing certificate $i returned HTTP ${result%% *}" ;;
	esac
done
rm -f "$jar"
sort -n "$work/issue-times.txt" | awk -v count="$count" '
	{ t[NR] = $1 * 1000 }
	END {
		median = t[int((NR + 1) / 2)]
		p90 = t[int(NR * 0.9 + 0.999)]
		printf "Issued %d certificates one at a time: median %.1f ms, 90th percentile %.1f ms, maximum %.1f ms\n", NR, median, p90, t[NR]
		printf "issue %d %.1f %.1f %.1f\n", count, median, p90, t[NR]
	}'
