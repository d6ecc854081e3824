#!/bin/sh
# Issues BENCH_BULK_ROWS certificates (10,000 by default) through one bulk issuing job on the
# running local stack and prints the wall time from the upload to the end of the job.
#
# Output, last line: "bulk ROWS SECONDS ISSUED STATUS", which bench/run.sh reads. The job issues
# new certificates on every run (each run uses fresh e-mail addresses), so use a stack of its own.
#
# Run it through `./mic bench` (bench/run.sh calls it), or alone with MIC_PORT, MIC_VAR and
# MIC_DEMO_ACCOUNTS set as `./mic bench` sets them.
set -eu

die() {
	printf 'bench/bulk.sh: error: %s\n' "$*" >&2
	exit 1
}

rows=${BENCH_BULK_ROWS:-10000}
case $rows in
'' | *[!0-9]*) die "BENCH_BULK_ROWS=$rows is not a whole number" ;;
esac
[ "$rows" -ge 1 ] && [ "$rows" -le 20000 ] || die "BENCH_BULK_ROWS must be from 1 to 20000, the limit of one file"

BENCH_NAME=bulk
. "$(dirname -- "$0")/coordinator.sh"

now() {
	date +%s.%N
}

marker=$(date +%s)-$$
awk -v rows="$rows" -v marker="$marker" 'BEGIN {
	print "Holder name;E-mail;External reference"
	for (i = 1; i <= rows; i++)
		printf "Bench Holder %d;bench-%s-%d@example.org;B-%d\r\n", i, marker, i, i
}' >"$work/bulk.csv"

started=$(now)
status=$(local_curl --cookie "$jar" --output "$work/bulk-job.json" --write-out '%{http_code}' \
	--header 'Content-Type: text/csv; charset=utf-8' --header "X-CSRF-Token: $csrf_token" \
	--data-binary "@$work/bulk.csv" "$base/api/v1/bulk-issues?microcredential_id=$microcredential")
[ "$status" = 202 ] || die "uploading the file returned HTTP $status: $(head -c 300 "$work/bulk-job.json")"
job=$(json_field id <"$work/bulk-job.json")

job_status=queued
while [ "$job_status" = queued ] || [ "$job_status" = running ]; do
	sleep 0.2
	local_curl --cookie "$jar" --output "$work/bulk-job.json" "$base/api/v1/bulk-issues/$job"
	job_status=$(json_field status <"$work/bulk-job.json")
done
finished=$(now)
issued=$(json_field issued_count <"$work/bulk-job.json")
seconds=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.1f", b - a }')
rm -f "$jar" "$work/bulk.csv"

[ "$job_status" = succeeded ] || die "job $job ended $job_status: $(json_field error <"$work/bulk-job.json")"
echo "Bulk job $job: $issued of $rows certificates issued in $seconds s"
echo "bulk $rows $seconds $issued $job_status"
