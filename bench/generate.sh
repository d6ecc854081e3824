#!/bin/sh
# Fills the database of a benchmark stack with generated data through SQL bulk inserts:
#   - BENCH_ORGANISATIONS (60) member organisations spread over 15 countries,
#   - published micro-credentials until there are BENCH_MICROCREDENTIALS (10000), each a row of
#     microcredentials with its versions in microcredential_versions (one in ten has a superseded
#     version 1 and a published version 2) and, for about one in three, a translation,
#   - certificates until there are BENCH_CERTIFICATES (100000). Each generated certificate reuses
#     the snapshot of one certificate issued through the API, with a random id of the same form
#     (20 characters of lower-case Crockford base32).
#
# The micro-credentials combine sector vocabularies (construction, wood, furniture, ceramics,
# sustainable building) into titles, summaries and learning outcomes, so one subject word such as
# "glulam" matches about 150 of them (142 with the default seed). EQF levels 2-7,
# workloads, ECTS credits, delivery languages, participation forms, ESCO occupations and
# organisations vary with a fixed random seed (BENCH_SEED, 42), so runs compare.
#
# Run by bench/run.sh when BENCH_GENERATE=yes, with MIC_DB_SOCKET set by ./mic bench. Use a stack
# of its own, e.g. MIC_VAR=var/bench MIC_PORT=18126 ./mic up, because the rows stay.
set -eu

microcredentials=${BENCH_MICROCREDENTIALS:-10000}
certificates=${BENCH_CERTIFICATES:-100000}
organisations=${BENCH_ORGANISATIONS:-60}
seed=${BENCH_SEED:-42}
BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)

query() {
	mariadb --no-defaults --socket="$MIC_DB_SOCKET" --user=root --batch --skip-column-names \
		--execute="$1" mic
}

load_sql() {
	mariadb --no-defaults --socket="$MIC_DB_SOCKET" --user=root --batch mic
}

# The generated SQL goes through a file, so a failing awk stops the script under set -e.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have=$(query "SELECT COUNT(*) FROM organisations WHERE name LIKE 'Bench %'")
if [ "$have" -lt "$organisations" ]; then
	echo "Generating $((organisations - have)) organisations"
	awk -v from="$have" -v to="$organisations" -f "$BENCH_DIR/generate-organisations.awk" \
		>"$work/organisations.sql"
	load_sql <"$work/organisations.sql"
fi

have=$(query "SELECT COUNT(*) FROM microcredentials")
if [ "$have" -lt "$microcredentials" ]; then
	echo "Generating $((microcredentials - have)) micro-credentials"
	query "SELECT id FROM organisations WHERE status = 'active' ORDER BY id" >"$work/organisations"
	query "SELECT uri FROM esco_occupations ORDER BY uri" >"$work/occupations"
	first_id=$(query "SELECT COALESCE(MAX(id), 0) + 1 FROM microcredentials")
	awk -v count="$((microcredentials - have))" -v first_id="$first_id" -v seed="$seed" \
		-v organisations_file="$work/organisations" -v occupations_file="$work/occupations" \
		-f "$BENCH_DIR/generate-microcredentials.awk" >"$work/microcredentials.sql"
	load_sql <"$work/microcredentials.sql"
fi

have=$(query "SELECT COUNT(*) FROM certificates")
if [ "$have" -lt "$certificates" ]; then
	[ "$have" -gt 0 ] || { echo "bench: the database needs one certificate issued through the API first" >&2; exit 1; }
	missing=$((certificates - have))
	echo "Generating $missing certificates"
	# 20 base32 characters from 100 random bits; a duplicate id (chance about 2^-70) fails the
	# insert and the run, rather than passing silently.
	alphabet=0123456789abcdefghjkmnpqrstvwxyz
	done_rows=0
	while [ "$done_rows" -lt "$missing" ]; do
		batch=$((missing - done_rows))
		[ "$batch" -le 20000 ] || batch=20000
		query "INSERT INTO certificates (id, microcredential_id, promoting_organisation_id, snapshot,
			holder_name, holder_email, issued_at, valid_until, issued_by)
		SELECT (SELECT GROUP_CONCAT(SUBSTRING('$alphabet', 1 + FLOOR(RAND() * 32), 1) SEPARATOR '')
				FROM seq_1_to_20 WHERE s.seq > 0),
			c.microcredential_id, c.promoting_organisation_id, c.snapshot,
			CONCAT('Bench Holder ', s.seq + $done_rows + $have), CONCAT('bench-', s.seq + $done_rows + $have, '@example.org'),
			UTC_TIMESTAMP(6) - INTERVAL s.seq MINUTE, NULL, c.issued_by
		FROM seq_1_to_$batch s
		JOIN (SELECT * FROM certificates ORDER BY issued_at LIMIT 1) c"
		done_rows=$((done_rows + batch))
	done
fi
echo "The database contains $(query "SELECT COUNT(*) FROM microcredentials") micro-credentials" \
	"($(query "SELECT COUNT(*) FROM microcredential_versions WHERE status = 'published'") published)" \
	"and $(query 'SELECT COUNT(*) FROM certificates') certificates"
