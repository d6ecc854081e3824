# Shared set-up of the benchmark scripts that issue certificates (bench/bulk.sh and
# bench/issue-latency.sh), sourced after they define die(). It checks the environment that
# `./mic bench` exports, signs in as the demo coordinator and sets:
#   base             the stack's base URL
#   work             the scratch folder MIC_VAR/bench
#   microcredential  the id of the first published micro-credential
#   jar, csrf_token  the session's cookie file and CSRF token
# BENCH_NAME (bulk, issue) names the scratch files. local_curl and json_field are defined too.

for variable in MIC_PORT MIC_VAR MIC_DEMO_ACCOUNTS MIC_DB_SOCKET; do
	eval "value=\${$variable:-}"
	[ -n "$value" ] || die "$variable is not set; run the benchmark through ./mic bench"
done

base=http://127.0.0.1:$MIC_PORT
work=$MIC_VAR/bench
mkdir -p "$work"

local_curl() {
	curl --noproxy '*' --silent --show-error --max-time 30 "$@"
}

# Prints field $1 of the JSON object on standard input; fails when the field is missing.
json_field() {
	node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8"))[process.argv[1]];
		if (v === undefined) process.exit(1); console.log(v);' "$1"
}

email=$(awk '$1 == "coordinator" { print $2 }' "$MIC_DEMO_ACCOUNTS")
password=$(awk '$1 == "coordinator" { print $3 }' "$MIC_DEMO_ACCOUNTS")
[ -n "$email" ] && [ -n "$password" ] || die "$MIC_DEMO_ACCOUNTS names no coordinator account"
microcredential=$(mariadb --no-defaults --socket="$MIC_DB_SOCKET" --user=root --batch --skip-column-names \
	--execute="SELECT id FROM microcredentials WHERE status = 'published' ORDER BY id LIMIT 1" mic)
[ -n "$microcredential" ] || die "the database has no published micro-credential"

jar=$work/$BENCH_NAME-cookies.txt
rm -f "$jar"
# Demo passwords are letters and digits, so they need no JSON escaping.
status=$(local_curl --cookie-jar "$jar" --output "$work/$BENCH_NAME-session.json" --write-out '%{http_code}' \
	--header 'Content-Type: application/json' \
	--data "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session")
[ "$status" = 200 ] || die "signing in as $email returned HTTP $status"
csrf_token=$(json_field csrf_token <"$work/$BENCH_NAME-session.json") || die "the sign-in response has no csrf_token"
