#!/bin/sh
# Measures the running local MIC stack with wrk and records the results in docs/benchmarks.md.
#
# Every run measures, one after the other:
#   (a) nginx serving bench/static/hello.txt (about 300 bytes) at /bench-static.txt,
#   (b) GET /api/v1/verify/{id}, ids drawn at random from the certificates in the database,
#   (c) GET /v/{id}, the same way,
#   (d) GET /api/v1/microcredentials, 50 searches with filters, sort orders and pages drawn at
#       random (bench/search.lua), most of them served from the backend's response cache after
#       the warm-up,
#   (e) the same searches made unique, so the cache never serves them, on one connection,
#   (f) searches drawn from random combinations of words, filters, sort orders and pages, most of
#       them distinct, so most miss the cache (bench/search.lua with BENCH_SEARCH_MIX=distinct).
# The static file is the reference: each rate is also given as a percentage of (a), measured in the
# same run on the same machine. wrk runs on the same cores as the stack, so every figure includes
# wrk's own CPU use.
#
# Run it through `./mic bench`, which exports MIC_PORT, MIC_VAR, MIC_DB_SOCKET and
# MIC_DEMO_ACCOUNTS for the running stack. When the database contains fewer than
# BENCH_MIN_CERTIFICATES certificates, it issues the missing ones through the API as the demo
# coordinator.
#
# Settings (environment):
#   BENCH_SECONDS             duration of each measured run, in seconds (10)
#   BENCH_WARMUP_SECONDS      unrecorded run before each measured one, in seconds (2; 0 skips it)
#   BENCH_THREADS             wrk threads (2)
#   BENCH_CONNECTIONS         open connections for (a), (b) and (c) (64)
#   BENCH_SEARCH_CONNECTIONS  open connections for (d) (32)
#   BENCH_MIN_CERTIFICATES    certificates the database must contain before the runs (100)
#   BENCH_OUTPUT              Markdown file the results are appended to (docs/benchmarks.md)
#   BENCH_GENERATE            yes: fill the database first with bench/generate.sh (100,000
#                             certificates and 10,000 micro-credentials by default); no (default)
#   BENCH_POST_CONNECTIONS    open connections for the sign-in and issuing runs (8)
#   BENCH_SOAK_SECONDS        mixed load between the two readings of the backend's memory (60;
#                             600 for the 10-minute soak)
#   BENCH_BULK_ROWS           certificates issued through one bulk job by bench/bulk.sh at the
#                             end (10000; 0 skips it)
#   BENCH_SEARCH_ONLY         yes: run and record only the catalogue search rows (d), (e) and
#                             (f), under a minute with the defaults; no (default)
#
# shellcheck disable=SC2016 # backquotes in single-quoted text are Markdown code spans
set -eu

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")

die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

for variable in MIC_PORT MIC_VAR MIC_DB_SOCKET MIC_DEMO_ACCOUNTS; do
	eval "value=\${$variable:-}"
	[ -n "$value" ] || die "$variable is not set; run the benchmark through ./mic bench"
done

seconds=${BENCH_SECONDS:-10}
warmup_seconds=${BENCH_WARMUP_SECONDS:-2}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-64}
search_connections=${BENCH_SEARCH_CONNECTIONS:-32}
min_certificates=${BENCH_MIN_CERTIFICATES:-100}
output=${BENCH_OUTPUT:-$ROOT/docs/benchmarks.md}
for setting in "BENCH_SECONDS=$seconds" "BENCH_WARMUP_SECONDS=$warmup_seconds" "BENCH_THREADS=$threads" \
	"BENCH_CONNECTIONS=$connections" "BENCH_SEARCH_CONNECTIONS=$search_connections" \
	"BENCH_MIN_CERTIFICATES=$min_certificates"; do
	case ${setting#*=} in
	'' | *[!0-9]*) die "$setting is not a whole number" ;;
	esac
done
[ "$seconds" -gt 0 ] || die "BENCH_SECONDS must be at least 1"
if [ "$connections" -lt "$threads" ] || [ "$search_connections" -lt "$threads" ]; then
	die "wrk needs at least as many connections as threads ($threads)"
fi
command -v wrk >/dev/null 2>&1 || die "wrk is not installed; ./mic up installs it"

base=http://127.0.0.1:$MIC_PORT
work=$MIC_VAR/bench
mkdir -p "$work"

mariadb_query() {
	mariadb --no-defaults --socket="$MIC_DB_SOCKET" --user=root --batch --skip-column-names \
		--execute="$1" mic
}

# curl only ever talks to the local stack, whatever proxy the environment names.
local_curl() {
	curl --noproxy '*' --silent --show-error --max-time 10 "$@"
}

# ---------------------------------------------------------------------------------------------
# Certificates to verify

json_field() {
	node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8"))[process.argv[1]];
		if (v === undefined) process.exit(1); console.log(v);' "$1"
}

# Issues certificates through POST /api/v1/certificates until the database contains $1 of them.
issue_certificates() {
	email=$(awk '$1 == "coordinator" { print $2 }' "$MIC_DEMO_ACCOUNTS")
	password=$(awk '$1 == "coordinator" { print $3 }' "$MIC_DEMO_ACCOUNTS")
	if [ -z "$email" ] || [ -z "$password" ]; then
		die "$MIC_DEMO_ACCOUNTS names no coordinator account, which is needed to issue certificates"
	fi
	microcredential=$(mariadb_query "SELECT id FROM microcredentials WHERE status = 'published' ORDER BY id LIMIT 1")
	[ -n "$microcredential" ] || die "the database has no published micro-credential to issue certificates for"

	jar=$work/cookies.txt
	rm -f "$jar"
	# Demo passwords are letters and digits, so they need no JSON escaping.
	status=$(local_curl --cookie-jar "$jar" --output "$work/session.json" --write-out '%{http_code}' \
		--header 'Content-Type: application/json' \
		--data "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session")
	[ "$status" = 200 ] || die "signing in as $email returned HTTP $status: $(cat "$work/session.json")"
	csrf_token=$(json_field csrf_token <"$work/session.json") || die "the sign-in response has no csrf_token"

	number=$(mariadb_query 'SELECT COUNT(*) FROM certificates')
	echo "Issuing $(($1 - number)) certificates of micro-credential $microcredential as $email"
	while [ "$number" -lt "$1" ]; do
		status=$(local_curl --cookie "$jar" --output "$work/issue.json" --write-out '%{http_code}' \
			--header 'Content-Type: application/json' --header "X-CSRF-Token: $csrf_token" \
			--data "{\"microcredential_id\":$microcredential,\"holder_name\":\"Benchmark Holder $number\",\"holder_email\":\"bench-holder-$number@example.org\"}" \
			"$base/api/v1/certificates")
		case $status in
		201) number=$((number + 1)) ;;
		429) sleep 1 ;;
		*) die "POST /api/v1/certificates returned HTTP $status: $(cat "$work/issue.json")" ;;
		esac
	done
	local_curl --cookie "$jar" --output /dev/null --request DELETE --header "X-CSRF-Token: $csrf_token" \
		"$base/api/v1/session" || :
	rm -f "$jar"
}

post_connections=${BENCH_POST_CONNECTIONS:-8}
soak_seconds=${BENCH_SOAK_SECONDS:-60}

certificates=$(mariadb_query 'SELECT COUNT(*) FROM certificates') ||
	die "counting the certificates failed; is MariaDB of $MIC_VAR running?"
if [ "$certificates" -lt "$min_certificates" ]; then
	issue_certificates "$min_certificates"
fi
if [ "${BENCH_GENERATE:-no}" = yes ]; then
	sh "$BENCH_DIR/generate.sh" || die "generating the benchmark data failed"
fi
ids_file=$work/certificate-ids.txt
mariadb_query 'SELECT id FROM certificates LIMIT 100000' >"$ids_file"
id_count=$(wc -l <"$ids_file" | tr -d ' ')
first_id=$(head -n 1 "$ids_file")

# The value of one of MariaDB's global status counters, such as Innodb_buffer_pool_reads.
mariadb_status() {
	mariadb_query "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$1'"
}

# A server that has served verifications for a while has the pages they read in its buffer pool.
# A freshly started or freshly filled one may not, and then the first row would measure reads from
# disk. One scan of each table that the verification paths read brings their pages in.
echo "Reading the verification tables into MariaDB's buffer pool"
mariadb_query 'SELECT SUM(LENGTH(holder_name) + LENGTH(checked_detail)) FROM certificate_verifications FORCE INDEX (PRIMARY);
	SELECT SUM(LENGTH(microcredential) + LENGTH(organisation) + LENGTH(outcomes)) FROM certificate_public_parts' >/dev/null ||
	die "reading the verification tables failed"
pool_bytes=$(mariadb_query 'SELECT @@innodb_buffer_pool_size')
pool_line=$(awk -v size="$pool_bytes" -v data="$(mariadb_status Innodb_buffer_pool_pages_data)" \
	-v total="$(mariadb_status Innodb_buffer_pool_pages_total)" 'BEGIN {
	printf "MariaDB buffer pool: %.0f MiB, %.0f %% of its pages in use after the scan.", size / 1048576, 100 * data / total }')

# Each request must succeed before its rate means anything.
for path in /bench-static.txt "/api/v1/verify/$first_id" "/v/$first_id" '/api/v1/microcredentials?q=wood'; do
	status=$(local_curl --output /dev/null --write-out '%{http_code}' "$base$path") || status=000
	[ "$status" = 200 ] || die "GET $base$path returned HTTP $status instead of 200"
done

# ---------------------------------------------------------------------------------------------
# Runs

# Runs wrk with the options given after the name $1, saves its output as $work/$1.txt and prints
# it. The header X-MIC-Bench keeps these requests out of nginx's access log.
run_wrk() {
	name=$1
	shift
	if [ "$warmup_seconds" -gt 0 ]; then
		wrk --threads "$threads" --duration "${warmup_seconds}s" --timeout 5s \
			--header 'X-MIC-Bench: 1' "$@" >/dev/null
	fi
	wrk --threads "$threads" --duration "${seconds}s" --timeout 5s --latency \
		--header 'X-MIC-Bench: 1' "$@" >"$work/$name.txt"
	cat "$work/$name.txt"
	echo
	sleep 1
}

# Prints one row of the search table from the search-percentile and search-errors lines that
# bench/search.lua writes: label $1, connections $2, results of run $3.
search_row() {
	awk -v label="$1" -v connections="$2" '
	$1 == "search-percentile" { p[$2] = $3 }
	$1 == "search-errors" { errors = $2 }
	$1 == "search-distinct-share" { share = $2 }
	/^Requests\/sec:/ { rate = $2 }
	END {
		if (share != "")
			label = label sprintf(" (%.0f %% of requests distinct)", 100 * share)
		printf "| %s | %d | %.0f | %.2f | %.2f | %.2f | %d |\n", label, connections, rate, p[50], p[95], p[99], errors
	}
	' "$work/$3.txt"
}
# Runs the catalogue search rows (d), (e) and (f).
run_search_rows() {
	run_wrk search --connections "$search_connections" --script "$BENCH_DIR/search.lua" "$base"
	# One request at a time, each with a cache key never used before.
	BENCH_SEARCH_UNIQUE=yes wrk --threads 1 --connections 1 --duration "${seconds}s" --timeout 5s --latency \
		--header 'X-MIC-Bench: 1' --script "$BENCH_DIR/search.lua" "$base" >"$work/search-miss.txt"
	cat "$work/search-miss.txt"
	echo
	BENCH_SEARCH_MIX=distinct run_wrk search-distinct --connections "$search_connections" \
		--script "$BENCH_DIR/search.lua" "$base"
}

# Prints the search table of the runs of run_search_rows.
print_search_table() {
	echo '| catalogue search | connections | requests/s | p50 ms | p95 ms | p99 ms | errors |'
	echo '|---|--:|--:|--:|--:|--:|--:|'
	search_row '50 searches with filters and pages, mostly cached' "$search_connections" search
	search_row 'the same, each request unique (never cached), sequential' 1 search-miss
	search_row 'random words, filters, sort orders and pages' "$search_connections" search-distinct
}

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
if [ "${BENCH_SEARCH_ONLY:-no}" = yes ]; then
	echo "Benchmarking the catalogue search of $base: $seconds s per run, $threads wrk threads"
	run_search_rows
	commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) || commit='before the first commit'
	if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -n 1)" ]; then
		commit="$commit (uncommitted changes)"
	fi
	record=$(
		echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), $commit: catalogue search only"
		echo
		echo "Machine: $(nproc 2>/dev/null || echo unknown) cores (nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1). wrk $(wrk --version 2>&1 | awk 'NR == 1 { print $2 }'), $threads threads, $seconds s per row after a $warmup_seconds s warm-up, on the same machine as the stack, which other people's builds and tests share."
		echo
		print_search_table
		echo
		echo "Load average (1, 5, 15 minutes) before the runs: $load_before; after: $(cut -d ' ' -f 1-3 /proc/loadavg)."
		echo
		echo "Database: $(mariadb_query 'SELECT COUNT(*) FROM microcredentials') micro-credentials."
	)
	echo
	printf '%s\n' "$record"
	{
		echo
		printf '%s\n' "$record"
	} >>"$output"
	echo
	echo "Appended to $output"
	exit 0
fi

echo "Benchmarking $base: $seconds s per run, $threads wrk threads, ids from $id_count certificates"
echo
run_wrk static --connections "$connections" "$base/bench-static.txt"
disk_reads_before=$(mariadb_status Innodb_buffer_pool_reads)
BENCH_IDS=$ids_file BENCH_PREFIX=/api/v1/verify/ \
	run_wrk verify-api --connections "$connections" --script "$BENCH_DIR/verify.lua" "$base"
BENCH_IDS=$ids_file BENCH_PREFIX=/v/ \
	run_wrk verify-page --connections "$connections" --script "$BENCH_DIR/verify.lua" "$base"
# Pages that the two verification rows (with their warm-ups) found outside the buffer pool.
disk_reads=$(($(mariadb_status Innodb_buffer_pool_reads) - disk_reads_before))
run_search_rows

# Sign-in and issuing, as the demo coordinator. Every sign-in makes a session row, every issue a
# certificate; the rows stay in the benchmark database.
coordinator_email=$(awk '$1 == "coordinator" { print $2 }' "$MIC_DEMO_ACCOUNTS")
coordinator_password=$(awk '$1 == "coordinator" { print $3 }' "$MIC_DEMO_ACCOUNTS")
printf '{"email":"%s","password":"%s"}' "$coordinator_email" "$coordinator_password" >"$work/sign-in.json"
BENCH_BODY=$work/sign-in.json run_wrk sign-in --connections "$post_connections" --script "$BENCH_DIR/post.lua" \
	"$base/api/v1/session"
jar=$work/cookies.txt
local_curl --cookie-jar "$jar" --output "$work/session.json" --header 'Content-Type: application/json' \
	--data "@$work/sign-in.json" "$base/api/v1/session"
csrf_token=$(json_field csrf_token <"$work/session.json") || die "signing in for the issuing run failed: $(cat "$work/session.json")"
session_cookie=$(awk '$6 == "mic_session" { print "mic_session=" $7 }' "$jar")
issue_microcredential=$(mariadb_query "SELECT id FROM microcredentials WHERE status = 'published' ORDER BY id LIMIT 1")
printf '{"microcredential_id":%s,"holder_name":"Benchmark Holder {n}","holder_email":"bench-{n}@example.org"}' \
	"$issue_microcredential" >"$work/issue.json"
BENCH_BODY=$work/issue.json BENCH_COOKIE=$session_cookie BENCH_CSRF=$csrf_token \
	run_wrk issue --connections "$post_connections" --script "$BENCH_DIR/post.lua" "$base/api/v1/certificates"

# The resident memory of both backend instances before and after a mixed load of verification
# (JSON and page) and search requests, run at the same time.
server_pids=$(cat "$MIC_VAR/run/backend-1-server.pid" "$MIC_VAR/run/backend-2-server.pid" | tr '\n' ' ')
# Prints the VmRSS of each instance in KiB, separated by spaces.
rss_kib() {
	for rk_pid in $server_pids; do
		awk '$1 == "VmRSS:" { printf "%s ", $2 }' "/proc/$rk_pid/status"
	done
}
sum_words() {
	printf '%s\n' "$1" | awk '{ for (i = 1; i <= NF; i++) total += $i } END { print total + 0 }'
}
soak_load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
rss_before=$(rss_kib | sed 's/ $//')
echo "Mixed load for $soak_seconds s; mic-server pids $server_pids, RSS before (KiB): $rss_before"
BENCH_IDS=$ids_file BENCH_PREFIX=/api/v1/verify/ wrk --threads 1 --connections 32 --duration "${soak_seconds}s" \
	--latency --timeout 5s --header 'X-MIC-Bench: 1' --script "$BENCH_DIR/verify.lua" "$base" >"$work/soak-api.txt" &
soak_api=$!
BENCH_IDS=$ids_file BENCH_PREFIX=/v/ wrk --threads 1 --connections 16 --duration "${soak_seconds}s" \
	--latency --timeout 5s --header 'X-MIC-Bench: 1' --script "$BENCH_DIR/verify.lua" "$base" >"$work/soak-page.txt" &
soak_page=$!
wrk --threads 1 --connections 8 --duration "${soak_seconds}s" --latency --timeout 5s --header 'X-MIC-Bench: 1' \
	--script "$BENCH_DIR/search.lua" "$base" >"$work/soak-search.txt"
wait "$soak_api" "$soak_page"
rss_after=$(rss_kib | sed 's/ $//')
soak_load_after=$(cut -d ' ' -f 1-3 /proc/loadavg)
[ "$(cat "$MIC_VAR/run/backend-1-server.pid" "$MIC_VAR/run/backend-2-server.pid" | tr '\n' ' ')" = "$server_pids" ] ||
	die "a mic-server instance was restarted during the soak; read $MIC_VAR/log/backend.log"
echo "RSS after (KiB): $rss_after"

# ---------------------------------------------------------------------------------------------
# Bulk issuing: BENCH_BULK_ROWS certificates through one job (bench/bulk.sh); 0 skips it.

bulk_rows=${BENCH_BULK_ROWS:-10000}
bulk_line=
if [ "$bulk_rows" != 0 ]; then
	bulk_load=$(cut -d ' ' -f 1-3 /proc/loadavg)
	bulk_result=$(BENCH_BULK_ROWS=$bulk_rows sh "$BENCH_DIR/bulk.sh" | tail -n 1)
	bulk_seconds=$(printf '%s\n' "$bulk_result" | awk '$1 == "bulk" { print $3 }')
	[ -n "$bulk_seconds" ] || die "bench/bulk.sh printed no result"
	bulk_line="Bulk issuing (\`bench/bulk.sh\`): $bulk_rows certificates in one job in $bulk_seconds s, from the upload to the end of the job; load average before it $bulk_load."
fi

# ---------------------------------------------------------------------------------------------
# Results

# Prints "requests_per_second p50_ms p99_ms http_errors socket_errors" from one wrk output.
parse_wrk() {
	awk '
	function milliseconds(value) {
		if (value ~ /us$/) { sub(/us$/, "", value); return value / 1000 }
		if (value ~ /ms$/) { sub(/ms$/, "", value); return value + 0 }
		if (value ~ /s$/) { sub(/s$/, "", value); return value * 1000 }
		return value + 0
	}
	$1 == "50%" { p50 = milliseconds($2) }
	$1 == "99%" { p99 = milliseconds($2) }
	/^Requests\/sec:/ { rate = $2 }
	/Non-2xx or 3xx responses:/ { http_errors = $NF }
	/Socket errors:/ { gsub(/,/, ""); socket_errors = $4 + $6 + $8 + $10 }
	END { printf "%.0f %.2f %.2f %d %d\n", rate, p50, p99, http_errors, socket_errors }
	' "$1"
}

static_rate=$(parse_wrk "$work/static.txt" | awk '{ print $1 }')
[ "${static_rate:-0}" -gt 0 ] || die "the static run measured no requests; read $work/static.txt"

# Prints one table row: label $1, connections $2, results of run $3.
table_row() {
	parse_wrk "$work/$3.txt" | awk -v label="$1" -v connections="$2" -v static_rate="$static_rate" '{
		printf "| %s | %d | %d | %.2f | %.2f | %d | %d | %.1f %% |\n",
			label, connections, $1, $2, $3, $4, $5, 100 * $1 / static_rate
	}'
}

table=$(
	echo '| request | connections | requests/s | p50 ms | p99 ms | HTTP errors | socket errors | of static |'
	echo '|---|--:|--:|--:|--:|--:|--:|--:|'
	table_row 'static file from nginx, `GET /bench-static.txt`' "$connections" static
	table_row '`GET /api/v1/verify/{id}`' "$connections" verify-api
	table_row '`GET /v/{id}`' "$connections" verify-page
	table_row '`GET /api/v1/microcredentials` (50 searches, bench/search.lua)' "$search_connections" search
	table_row '`POST /api/v1/session` (sign-in)' "$post_connections" sign-in
	table_row '`POST /api/v1/certificates` (issue one)' "$post_connections" issue
	table_row "soak: \`GET /api/v1/verify/{id}\` for $soak_seconds s" 32 soak-api
	table_row "soak: \`GET /v/{id}\` for $soak_seconds s" 16 soak-page
	table_row "soak: \`GET /api/v1/microcredentials\` (bench/search.lua) for $soak_seconds s" 8 soak-search
)
search_table=$(print_search_table)
rss_line=$(awk -v before="$(sum_words "$rss_before")" -v after="$(sum_words "$rss_after")" \
	-v each_before="$rss_before" -v each_after="$rss_after" -v seconds="$soak_seconds" 'BEGIN {
	printf "Backend memory (VmRSS of the two mic-server instances, summed): %d KiB before (%s) and %d KiB after (%s) %d s of mixed verification and search load (the soak rows), a change of %+.1f %%.", before, each_before, after, each_after, seconds, 100 * (after - before) / before }')
load_line="Load average of the machine (1, 5, 15 min) before the soak: $soak_load_before; after it: $soak_load_after. Other work on the machine (builds, tests) counts in it and slows every row."
microcredential_count=$(mariadb_query 'SELECT COUNT(*) FROM microcredentials')
certificate_count=$(mariadb_query 'SELECT COUNT(*) FROM certificates')

cores=$(nproc 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) || commit='before the first commit'
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -n 1)" ]; then
	commit="$commit (uncommitted changes)"
fi
record=$(
	echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), $commit"
	echo
	echo "Machine: $cores cores (nproc), ${cpu:-unknown CPU}. wrk $(wrk --version 2>&1 | awk 'NR == 1 { print $2 }'), $threads threads, $seconds s per row after a $warmup_seconds s warm-up, on the same machine as the stack. Verification ids drawn at random from $id_count certificates. \"HTTP errors\" counts responses with status 400 or above; \"of static\" is the rate as a share of the static file's."
	echo
	printf '%s\n' "$table"
	echo
	printf '%s\n' "$search_table"
	echo
	echo "Load average (1, 5, 15 minutes) before the runs: $load_before; after: $(cut -d ' ' -f 1-3 /proc/loadavg)."
	echo
	echo "Database: $certificate_count certificates, $microcredential_count micro-credentials. $pool_line Pages read from disk during the two verification rows: $disk_reads. $rss_line"
	if [ -n "$bulk_line" ]; then
		echo
		echo "$bulk_line"
	fi
	echo
	echo "$load_line"
)

echo
printf '%s\n' "$record"

mkdir -p "$(dirname -- "$output")"
if [ ! -s "$output" ]; then
	{
		echo '# Benchmarks'
		echo
		echo 'Results of `./mic bench` (bench/run.sh), oldest first. Each run measures nginx serving a'
		echo 'static file of about 300 bytes beside the API requests, so the API rates can be compared with'
		echo 'what nginx alone serves on the same machine at the same time.'
	} >"$output"
fi
{
	echo
	printf '%s\n' "$record"
} >>"$output"
echo
echo "Appended to $output"
