#!/bin/sh
# Fills the database of a benchmark stack with generated data through SQL bulk inserts: copies of
# the published demo micro-credentials until there are BENCH_MICROCREDENTIALS (10000), and
# certificates until there are BENCH_CERTIFICATES (100000). Each generated certificate reuses the
# snapshot of one certificate issued through the API, with a random id of the same form (20
# characters of lower-case Crockford base32).
#
# Run by bench/run.sh when BENCH_GENERATE=yes, with MIC_DB_SOCKET set by ./mic bench. Use a stack
# of its own, e.g. MIC_VAR=var/bench MIC_PORT=18486 ./mic up, because the rows stay.
set -eu

microcredentials=${BENCH_MICROCREDENTIALS:-10000}
certificates=${BENCH_CERTIFICATES:-100000}

query() {
	mariadb --no-defaults --socket="$MIC_DB_SOCKET" --user=root --batch --skip-column-names \
		--execute="$1" mic
}

have=$(query "SELECT COUNT(*) FROM microcredentials")
if [ "$have" -lt "$microcredentials" ]; then
	echo "Generating $((microcredentials - have)) micro-credentials"
	# seq_1_to_N is MariaDB's Sequence engine; titles get a number so searches find many rows.
	query "INSERT INTO microcredentials (title, summary, learning_outcomes, eqf_level, workload_hours,
		ects_credits, assessment_type, participation_form, quality_assurance, language, esco_occupations,
		promoting_organisation_id, status, published_at)
	SELECT CONCAT(m.title, ' ', s.seq), m.summary, m.learning_outcomes, m.eqf_level, m.workload_hours,
		m.ects_credits, m.assessment_type, m.participation_form, m.quality_assurance, m.language,
		m.esco_occupations, m.promoting_organisation_id, 'published', UTC_TIMESTAMP(6)
	FROM seq_1_to_$((microcredentials - have)) s
	JOIN (SELECT * FROM microcredentials WHERE status = 'published' ORDER BY id LIMIT 1) m"
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
echo "The database contains $(query 'SELECT COUNT(*) FROM microcredentials') micro-credentials and $(query 'SELECT COUNT(*) FROM certificates') certificates"
