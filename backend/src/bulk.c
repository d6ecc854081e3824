/*
 * bulk.c: issuing certificates from a CSV file that a spreadsheet program wrote.
 *
 * The file has a header row. Columns are found by their header, compared without case, spaces,
 * hyphens or underscores, so "E-mail", "email" and "Holder_Email" all name the e-mail column:
 * holder name and e-mail are required, issue date, external reference and evidence URL optional.
 * A dry run checks every row and reports each problem with its line number before anything is
 * issued.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define BULK_NAME_MAX 200
#define BULK_EMAIL_MAX 254
#define BULK_REFERENCE_MAX 100
#define BULK_EVIDENCE_MAX 500
#define BULK_MAX_ROWS 20000

enum bulk_field { F_NAME, F_EMAIL, F_DATE, F_REFERENCE, F_EVIDENCE, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"holder_name", "holder_email", "issued_on", "external_reference", "evidence_url",
};

/* Header names after normalisation (lower case, letters and digits only), per field. */
static const char *const field_synonyms[F_COUNT][10] = {
	[F_NAME] = { "holdername", "name", "fullname", "holder", "learner", "learnername",
		"participant", "participantname", "recipient", "recipientname" },
	[F_EMAIL] = { "holderemail", "email", "emailaddress", "mail", "learneremail",
		"participantemail", "recipientemail" },
	[F_DATE] = { "issuedon", "issuedate", "dateofissue", "issued", "date", "issuedat" },
	[F_REFERENCE] = { "externalreference", "reference", "ref", "externalid", "externalref",
		"studentid", "learnerid", "participantid" },
	[F_EVIDENCE] = { "evidenceurl", "evidence", "evidencelink", "url", "link" },
};

/* Lower-case letters and digits of a header cell, so "E-mail address" becomes "emailaddress". */
static void header_normalise(const char *cell, char *out, size_t outlen)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)cell; *p && n + 1 < outlen; p++) {
		if (isalnum(*p))
			out[n++] = (char)tolower(*p);
	}
	out[n] = '\0';
}

static int field_of_header(const char *cell)
{
	char name[64];

	header_normalise(cell, name, sizeof name);
	for (int f = 0; f < F_COUNT; f++) {
		for (size_t i = 0; i < 10 && field_synonyms[f][i]; i++) {
			if (strcmp(name, field_synonyms[f][i]) == 0)
				return f;
		}
	}
	return -1;
}

/* Parses YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY into "YYYY-MM-DD"; false for anything else. */
static bool date_parse(const char *s, char out[40])
{
	int y, m, d;
	char tail;
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 &&
	    sscanf(s, "%2d/%2d/%4d%c", &d, &m, &y, &tail) != 3 &&
	    sscanf(s, "%2d.%2d.%4d%c", &d, &m, &y, &tail) != 3)
		return false;
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return false;
	snprintf(out, 40, "%04d-%02d-%02d", y, m, d);
	return true;
}

static void row_error(json_t *errors, enum bulk_field field, const char *message)
{
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field_names[field],
	    "message", message));
}

/* Checks one text cell: present when required, one line, at most max characters. */
static const char *text_check(const char *value, bool required, size_t max_chars)
{
	if (*value == '\0')
		return required ? "is missing" : NULL;
	if (!utf8_valid(value, strlen(value)) || text_has_control(value, false))
		return "must be one line without control characters";
	if (utf8_length(value) > max_chars)
		return "is too long";
	return NULL;
}

/*
 * Checks the cells of one row (trimmed copies in value[]) and appends {field, message} to
 * errors. today is the alliance's calendar day "YYYY-MM-DD".
 */
static void row_check(char *value[F_COUNT], const char *today, json_t *errors)
{
	const char *problem;
	char day[40];
	char message[160];

	for (int f = F_NAME; f <= F_EMAIL; f++) {
		if ((problem = text_check(value[f], true, f == F_NAME ? BULK_NAME_MAX : BULK_EMAIL_MAX))) {
			snprintf(message, sizeof message, "%s %s", field_names[f], problem);
			row_error(errors, f, message);
		}
	}
	if (*value[F_EMAIL] && !email_valid(value[F_EMAIL]))
		row_error(errors, F_EMAIL, "holder_email must be an e-mail address such as ana@example.org");
	if (*value[F_DATE]) {
		if (!date_parse(value[F_DATE], day))
			row_error(errors, F_DATE, "issued_on must be a date such as 2026-03-31, 31/03/2026 or "
			    "31.03.2026");
		else if (strcmp(day, today) > 0)
			row_error(errors, F_DATE, "issued_on must not be in the future");
	}
	if ((problem = text_check(value[F_REFERENCE], false, BULK_REFERENCE_MAX))) {
		snprintf(message, sizeof message, "external_reference %s (at most %d characters)", problem,
		    BULK_REFERENCE_MAX);
		row_error(errors, F_REFERENCE, message);
	}
	if ((problem = text_check(value[F_EVIDENCE], false, BULK_EVIDENCE_MAX))) {
		snprintf(message, sizeof message, "evidence_url %s", problem);
		row_error(errors, F_EVIDENCE, message);
	} else if (*value[F_EVIDENCE] && strncmp(value[F_EVIDENCE], "https://", 8) != 0 &&
	    strncmp(value[F_EVIDENCE], "http://", 7) != 0) {
		row_error(errors, F_EVIDENCE, "evidence_url must start with https:// or http://");
	}
}

/* Maps header cells to fields; replies 400 naming the missing or repeated column. */
static int header_map_or_reply(struct req *r, const struct csv_record *header, int column[F_COUNT])
{
	for (int f = 0; f < F_COUNT; f++)
		column[f] = -1;
	for (size_t i = 0; i < header->count; i++) {
		int f = field_of_header(header->fields[i]);
		if (f < 0)
			continue;
		if (column[f] >= 0) {
			reply_error(r, 400, "invalid_field", field_names[f],
			    "line %zu: two columns name %s; keep one", header->line, field_names[f]);
			return -1;
		}
		column[f] = (int)i;
	}
	for (int f = F_NAME; f <= F_EMAIL; f++) {
		if (column[f] < 0) {
			reply_error(r, 400, "missing_field", field_names[f],
			    "the header row (line %zu) has no %s column; name it \"%s\"", header->line,
			    field_names[f], f == F_NAME ? "Holder name" : "E-mail");
			return -1;
		}
	}
	return 0;
}

/* Builds the report of one data row: {line, values..., errors}. */
static json_t *row_report(const struct csv_record *rec, const int column[F_COUNT], const char *today,
    json_t *seen)
{
	char *value[F_COUNT];
	json_t *errors = json_array();
	json_t *row = json_pack("{s:I}", "line", (json_int_t)rec->line);

	for (int f = 0; f < F_COUNT; f++) {
		const char *cell = column[f] >= 0 && (size_t)column[f] < rec->count ?
		    rec->fields[column[f]] : "";
		value[f] = text_trim(cell);
		json_t *text = json_string(value[f]);   /* NULL for bytes that are not UTF-8 */
		json_object_set_new(row, field_names[f], text ? text : json_null());
	}
	row_check(value, today, errors);

	/* One (e-mail, reference) once per file, because the job would issue it once. */
	struct buf key;
	buf_init(&key);
	for (char *p = value[F_EMAIL]; *p; p++)
		buf_putc(&key, (char)tolower((unsigned char)*p));
	buf_printf(&key, "\n%s", value[F_REFERENCE]);
	json_t *first = json_object_get(seen, key.data);
	if (first) {
		char message[96];
		snprintf(message, sizeof message, "the same e-mail and external reference are on line %lld",
		    (long long)json_integer_value(first));
		row_error(errors, F_EMAIL, message);
	} else if (*value[F_EMAIL]) {
		json_object_set_new(seen, key.data, json_integer((json_int_t)rec->line));
	}
	buf_free(&key);

	for (int f = 0; f < F_COUNT; f++)
		free(value[f]);
	json_object_set_new(row, "errors", errors);
	return row;
}

/*
 * Reads the whole file and returns {rows, total_rows, valid_rows, invalid_rows}, or NULL after
 * a 400 reply for a file that cannot be read as CSV or lacks a required column.
 */
static json_t *bulk_check_or_reply(struct req *r)
{
	struct csv_reader reader;
	struct csv_record rec = { 0 };
	char err[256], today[16];
	int column[F_COUNT];
	json_t *rows = NULL, *seen = NULL;
	size_t invalid = 0;
	int rc;

	time_format_local_date(time(NULL), today);
	if (csv_open(&reader, r->body, r->body_len, err, sizeof err) != 0 ||
	    (rc = csv_next(&reader, &rec, err, sizeof err)) < 0) {
		reply_error(r, 400, "invalid_field", "body", "the CSV file cannot be read: %s", err);
		return NULL;
	}
	if (rc == 0) {
		reply_error(r, 400, "invalid_field", "body", "the CSV file is empty; send a header row and "
		    "one row per certificate");
		return NULL;
	}
	if (header_map_or_reply(r, &rec, column) != 0) {
		csv_record_free(&rec);
		return NULL;
	}
	csv_record_free(&rec);

	rows = json_array();
	seen = json_object();
	while ((rc = csv_next(&reader, &rec, err, sizeof err)) > 0) {
		if (json_array_size(rows) >= BULK_MAX_ROWS) {
			reply_error(r, 400, "invalid_field", "body", "the file has more than %d rows; split it",
			    BULK_MAX_ROWS);
			goto failed;
		}
		json_t *row = row_report(&rec, column, today, seen);
		if (json_array_size(json_object_get(row, "errors")) > 0)
			invalid++;
		json_array_append_new(rows, row);
		csv_record_free(&rec);
	}
	if (rc < 0) {
		reply_error(r, 400, "invalid_field", "body", "the CSV file cannot be read: %s", err);
		goto failed;
	}
	json_decref(seen);
	return json_pack("{s:o, s:I, s:I, s:I}", "rows", rows, "total_rows",
	    (json_int_t)json_array_size(rows), "valid_rows", (json_int_t)(json_array_size(rows) - invalid),
	    "invalid_rows", (json_int_t)invalid);

failed:
	csv_record_free(&rec);
	json_decref(rows);
	json_decref(seen);
	return NULL;
}

static bool content_type_is_csv(const char *value)
{
	static const char csv[] = "text/csv";

	return value && strncasecmp(value, csv, sizeof csv - 1) == 0 &&
	    (value[sizeof csv - 1] == '\0' || value[sizeof csv - 1] == ';' || value[sizeof csv - 1] == ' ');
}

/* Loads the published micro-credential of the query and checks that the caller may issue it. */
static int microcredential_for_bulk_or_reply(struct req *r, long long *mc_id)
{
	struct mc_version_info version = { 0 };
	bool db_failed = false;

	if (query_long_or_reply(r, "microcredential_id", 1, INT64_MAX, 0, mc_id) != 0)
		return -1;
	if (*mc_id == 0) {
		reply_error(r, 400, "missing_field", "microcredential_id",
		    "microcredential_id is missing; add ?microcredential_id= with the id of a published "
		    "micro-credential");
		return -1;
	}
	json_t *mc = microcredential_version_load(r->w, *mc_id, MC_VERSION_PUBLISHED, 0, NULL, false,
	    &version, &db_failed);
	bool published = mc != NULL;
	json_decref(mc);
	if (db_failed) {
		reply_db_error(r);
		return -1;
	}
	if (!published) {
		reply_error(r, 400, "invalid_field", "microcredential_id",
		    "microcredential_id %lld is not a published micro-credential", *mc_id);
		return -1;
	}
	bool allowed = r->user->role == ROLE_COORDINATOR || (r->user->role == ROLE_ISSUER &&
	    r->user->organisation_id > 0 && r->user->organisation_id == version.organisation_id);
	if (!allowed) {
		reply_error(r, 403, "forbidden", NULL, "only a coordinator or an issuer of the promoting "
		    "organisation may issue this micro-credential");
		return -1;
	}
	return 0;
}

void handle_bulk_issue_create(struct req *r)
{
	long long mc_id = 0;
	char *dry_run = NULL;

	if (!content_type_is_csv(req_header(r, "CONTENT_TYPE"))) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		    "send the file with Content-Type: text/csv; charset=utf-8");
		return;
	}
	if (microcredential_for_bulk_or_reply(r, &mc_id) != 0)
		return;
	dry_run = req_query(r, "dry_run");
	bool is_dry_run = dry_run && strcmp(dry_run, "true") == 0;
	if (dry_run && !is_dry_run && strcmp(dry_run, "false") != 0) {
		reply_error(r, 400, "invalid_field", "dry_run", "dry_run must be true or false");
		goto out;
	}

	json_t *report = bulk_check_or_reply(r);
	if (!report)
		goto out;
	json_object_set_new(report, "microcredential_id", json_integer((json_int_t)mc_id));
	json_object_set_new(report, "dry_run", json_boolean(is_dry_run));
	log_event(LOG_INFO, r->request_id, "event=bulk_issue_checked microcredential=%lld rows=%lld "
	    "invalid=%lld dry_run=%d", mc_id, (long long)json_integer_value(json_object_get(report,
	    "total_rows")), (long long)json_integer_value(json_object_get(report, "invalid_rows")),
	    is_dry_run);
	if (is_dry_run) {
		reply_json(r, 200, report);
		goto out;
	}
	/* TODO: issuing jobs (worker thread, one transaction, progress) are not built yet. */
	json_decref(report);
	reply_error(r, 501, "not_implemented", "dry_run",
	    "only dry runs are available: add dry_run=true to check the file");

out:
	free(dry_run);
}
