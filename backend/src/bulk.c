/*
 * bulk.c: issuing certificates from a CSV file that a spreadsheet program wrote.
 *
 * The file has a header row. Columns are found by their header, compared without case, spaces,
 * hyphens or underscores, so "E-mail", "email" and "Holder_Email" all name the e-mail column:
 * holder name and e-mail are required, issue date, external reference and evidence URL optional.
 * bulk_columns below is the one list of the headers read for each column. The bulk issue page
 * gets it from GET /api/v1/bulk-issues/columns, so it keeps no copy.
 * Columns with any other header are ignored and listed in a warning of the report, which does not
 * stop the upload. The warnings are stored with the job, so GET /api/v1/bulk-issues/{id} repeats
 * them to a user who opens the job later. A dry run checks every row and reports each problem
 * with its line number before anything is issued.
 */
#include <ctype.h>
#include <stdarg.h>
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

#define BULK_HEADERS_MAX 11

/*
 * Columns of the file, by field. A header cell names the column when it equals one of its headers
 * once both are normalised (header_normalise), so each header is written as a person would type
 * it. The first header is the one that error messages suggest. No two columns may share a
 * normalised header.
 */
static const struct bulk_column {
	const char *field;                        /* the field's name in reports and errors */
	bool required;
	const char *headers[BULK_HEADERS_MAX];    /* NULL after the last */
} bulk_columns[F_COUNT] = {
	[F_NAME] = { "holder_name", true, { "Holder name", "Name", "Full name", "Holder", "Learner",
		"Learner name", "Participant", "Participant name", "Recipient", "Recipient name" } },
	[F_EMAIL] = { "holder_email", true, { "Holder e-mail", "E-mail", "E-mail address", "Mail",
		"Learner e-mail", "Participant e-mail", "Recipient e-mail" } },
	[F_DATE] = { "issued_on", false, { "Issued on", "Issue date", "Date of issue", "Issued", "Date",
		"Issued at" } },
	[F_REFERENCE] = { "external_reference", false, { "External reference", "Reference", "Ref",
		"External ID", "External ref", "Student ID", "Learner ID", "Participant ID" } },
	[F_EVIDENCE] = { "evidence_url", false, { "Evidence URL", "Evidence", "Evidence link", "URL",
		"Link" } },
};

static const char *field_name(enum bulk_field f)
{
	return bulk_columns[f].field;
}

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
	char name[64], known[64];

	header_normalise(cell, name, sizeof name);
	for (int f = 0; f < F_COUNT; f++) {
		for (size_t i = 0; i < BULK_HEADERS_MAX && bulk_columns[f].headers[i]; i++) {
			header_normalise(bulk_columns[f].headers[i], known, sizeof known);
			if (strcmp(name, known) == 0)
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
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field_name(field),
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
			snprintf(message, sizeof message, "%s %s", field_name(f), problem);
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
		json_object_set_new(row, field_name(f), text ? text : json_null());
	}
	row_check(value, today, errors);
	/* The issue date in ISO form, which the job records as the day the holder earned it. */
	char day[40];
	if (*value[F_DATE] && date_parse(value[F_DATE], day) && strcmp(day, today) <= 0)
		json_object_set_new(row, "awarded_on", json_string(day));

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

static void check_error_set(struct bulk_check_error *error, int status, const char *code,
    const char *field, const char *fmt, ...) MIC_PRINTF(5, 6);

static void check_error_set(struct bulk_check_error *error, int status, const char *code,
    const char *field, const char *fmt, ...)
{
	va_list ap;

	error->status = status;
	error->code = code;
	error->field = field;
	va_start(ap, fmt);
	vsnprintf(error->message, sizeof error->message, fmt, ap);
	va_end(ap);
}

/*
 * Maps header cells to fields; fails naming the missing or repeated column. Appends the trimmed
 * header of each column that names no field to unknown. A blank header cell is not appended,
 * because spreadsheet programs write empty columns after the last one in use.
 */
static int header_map(const struct csv_record *header, int column[F_COUNT], json_t *unknown,
    struct bulk_check_error *error)
{
	for (int f = 0; f < F_COUNT; f++)
		column[f] = -1;
	for (size_t i = 0; i < header->count; i++) {
		int f = field_of_header(header->fields[i]);
		if (f < 0) {
			char *name = text_trim(header->fields[i]);
			if (name[0] != '\0')
				json_array_append_new(unknown, json_string(name));
			free(name);
			continue;
		}
		if (column[f] >= 0) {
			check_error_set(error, 400, "invalid_field", field_name(f),
			    "line %zu: two columns name %s; keep one", header->line, field_name(f));
			return -1;
		}
		column[f] = (int)i;
	}
	for (int f = 0; f < F_COUNT; f++) {
		if (bulk_columns[f].required && column[f] < 0) {
			check_error_set(error, 400, "missing_field", field_name(f),
			    "the header row (line %zu) has no %s column; name it \"%s\"", header->line,
			    field_name(f), bulk_columns[f].headers[0]);
			return -1;
		}
	}
	return 0;
}

/*
 * Returns the warnings of the dry-run report: one {code, field, columns, message} of code
 * unknown_columns when the header row has columns that name no field, or an empty array.
 */
static json_t *unknown_columns_warnings(json_t *unknown)
{
	json_t *warnings = json_array();
	size_t count = json_array_size(unknown);
	struct buf message;
	size_t i;
	json_t *name;

	if (count == 0)
		return warnings;
	buf_init(&message);
	buf_puts(&message, count == 1 ? "the column " : "the columns ");
	json_array_foreach(unknown, i, name) {
		if (i > 0)
			buf_puts(&message, i + 1 == count ? " and " : ", ");
		buf_printf(&message, "\"%s\"", json_string_value(name));
	}
	buf_printf(&message, " %s not known, so %s values are not stored on any certificate; the known "
	    "columns are holder name, e-mail, issue date, external reference and evidence URL",
	    count == 1 ? "is" : "are", count == 1 ? "its" : "their");
	json_array_append_new(warnings, json_pack("{s:s, s:s, s:O, s:s%}", "code", "unknown_columns",
	    "field", "body", "columns", unknown, "message", message.data, message.len));
	buf_free(&message);
	return warnings;
}

json_t *bulk_rows_check(const char *data, size_t len, struct bulk_check_error *error)
{
	struct csv_reader reader;
	struct csv_record rec = { 0 };
	char err[256], today[16];
	int column[F_COUNT];
	json_t *rows = NULL, *seen = NULL, *unknown = NULL;
	size_t invalid = 0;
	int rc;

	time_format_local_date(time(NULL), today);
	if (csv_open(&reader, data, len, err, sizeof err) != 0 ||
	    (rc = csv_next(&reader, &rec, err, sizeof err)) < 0) {
		check_error_set(error, 400, "invalid_field", "body", "the CSV file cannot be read: %s", err);
		return NULL;
	}
	if (rc == 0) {
		check_error_set(error, 400, "invalid_field", "body", "the CSV file is empty; send a header "
		    "row and one row per certificate");
		return NULL;
	}
	unknown = json_array();
	if (header_map(&rec, column, unknown, error) != 0) {
		csv_record_free(&rec);
		json_decref(unknown);
		return NULL;
	}
	csv_record_free(&rec);

	rows = json_array();
	seen = json_object();
	while ((rc = csv_next(&reader, &rec, err, sizeof err)) > 0) {
		if (json_array_size(rows) >= BULK_MAX_ROWS) {
			check_error_set(error, 400, "invalid_field", "body", "the file has more than %d rows; "
			    "split it", BULK_MAX_ROWS);
			goto failed;
		}
		json_t *row = row_report(&rec, column, today, seen);
		if (json_array_size(json_object_get(row, "errors")) > 0)
			invalid++;
		json_array_append_new(rows, row);
		csv_record_free(&rec);
	}
	if (rc < 0) {
		check_error_set(error, 400, "invalid_field", "body", "the CSV file cannot be read: %s", err);
		goto failed;
	}
	json_decref(seen);
	json_t *warnings = unknown_columns_warnings(unknown);
	json_decref(unknown);
	return json_pack("{s:o, s:I, s:I, s:I, s:o}", "rows", rows, "total_rows",
	    (json_int_t)json_array_size(rows), "valid_rows", (json_int_t)(json_array_size(rows) - invalid),
	    "invalid_rows", (json_int_t)invalid, "warnings", warnings);

failed:
	csv_record_free(&rec);
	json_decref(rows);
	json_decref(seen);
	json_decref(unknown);
	return NULL;
}

/* Checks the request body as a CSV file; replies 400 and returns NULL when it cannot be read. */
static json_t *bulk_check_or_reply(struct req *r)
{
	struct bulk_check_error error = { 0 };
	json_t *report = bulk_rows_check(r->body, r->body_len, &error);

	if (!report)
		reply_error(r, error.status, error.code, error.field, "%s", error.message);
	return report;
}

static bool content_type_is_csv(const char *value)
{
	static const char csv[] = "text/csv";

	return value && strncasecmp(value, csv, sizeof csv - 1) == 0 &&
	    (value[sizeof csv - 1] == '\0' || value[sizeof csv - 1] == ';' || value[sizeof csv - 1] == ' ');
}

/* Loads the published micro-credential of the query and checks that the caller may issue it. */
static int microcredential_for_bulk_or_reply(struct req *r, long long *mc_id, long long *org_id)
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
	*org_id = version.organisation_id;
	return 0;
}

/*
 * GET /api/v1/bulk-issues/columns: {columns: [{field, required, headers}]}, the columns of
 * bulk_columns in the order of the report, with the headers that name each.
 */
void handle_bulk_issue_columns(struct req *r)
{
	json_t *columns = json_array();

	for (int f = 0; f < F_COUNT; f++) {
		json_t *headers = json_array();
		for (size_t i = 0; i < BULK_HEADERS_MAX && bulk_columns[f].headers[i]; i++)
			json_array_append_new(headers, json_string(bulk_columns[f].headers[i]));
		json_array_append_new(columns, json_pack("{s:s, s:b, s:o}", "field", field_name(f),
		    "required", bulk_columns[f].required, "headers", headers));
	}
	reply_json(r, 200, json_pack("{s:o}", "columns", columns));
}

/* ---- Jobs ---- */

/* Columns of job_select_sql, in order. */
enum job_column {
	JOB_ID, JOB_MC_ID, JOB_ORG_ID, JOB_STATUS, JOB_CREATED_AT, JOB_STARTED_AT, JOB_FINISHED_AT,
	JOB_TOTAL, JOB_DONE, JOB_ISSUED, JOB_SKIPPED, JOB_FAILED_LINE, JOB_ERROR, JOB_CREATED_BY,
	JOB_CREATED_BY_NAME, JOB_WARNINGS, JOB_RESULTS,
};

#define JOB_COLUMNS \
    "SELECT j.id, j.microcredential_id, j.organisation_id, j.status, j.created_at, j.started_at," \
    " j.finished_at, j.total_rows, j.done_rows, j.issued_count, j.skipped_count, j.failed_line," \
    " j.error, j.created_by, u.name, j.warnings"

static const char job_select_sql[] =
    JOB_COLUMNS ", j.results FROM bulk_jobs AS j JOIN users AS u ON u.id = j.created_by"
    " WHERE j.id = ?";

#define BULK_JOBS_PER_PAGE 20

/*
 * Returns the warnings stored with a job, as the reply that created it carried them. A job stored
 * before migration 190 has NULL in the column and gets an empty array. New reference.
 */
static json_t *job_warnings(const char *text)
{
	json_t *warnings = text ? json_loads(text, 0, NULL) : NULL;

	if (!json_is_array(warnings)) {
		json_decref(warnings);
		return json_array();
	}
	return warnings;
}

/* The JSON of one job row; results only when the row has the column and with_results is set. */
static json_t *job_json(const struct db_result *res, size_t row, bool with_results)
{
	json_t *job = json_object();
	const char *failed_line = db_cell(res, row, JOB_FAILED_LINE);
	const char *error = db_cell(res, row, JOB_ERROR);
	char location[64];

	json_object_set_new(job, "id", json_integer(db_cell_int(res, row, JOB_ID)));
	snprintf(location, sizeof location, "/api/v1/bulk-issues/%lld", db_cell_int(res, row, JOB_ID));
	json_object_set_new(job, "url", json_string(location));
	json_object_set_new(job, "microcredential_id", json_integer(db_cell_int(res, row, JOB_MC_ID)));
	json_object_set_new(job, "organisation_id", json_integer(db_cell_int(res, row, JOB_ORG_ID)));
	json_object_set_new(job, "status", json_string(db_cell(res, row, JOB_STATUS)));
	json_set_time(job, "created_at", "created_on", db_cell(res, row, JOB_CREATED_AT));
	json_set_time(job, "started_at", "started_on", db_cell(res, row, JOB_STARTED_AT));
	json_set_time(job, "finished_at", "finished_on", db_cell(res, row, JOB_FINISHED_AT));
	json_object_set_new(job, "total_rows", json_integer(db_cell_int(res, row, JOB_TOTAL)));
	json_object_set_new(job, "done_rows", json_integer(db_cell_int(res, row, JOB_DONE)));
	json_object_set_new(job, "issued_count", json_integer(db_cell_int(res, row, JOB_ISSUED)));
	json_object_set_new(job, "skipped_count", json_integer(db_cell_int(res, row, JOB_SKIPPED)));
	json_object_set_new(job, "failed_line", failed_line ? json_integer(atoll(failed_line)) : json_null());
	json_object_set_new(job, "error", error ? json_string(error) : json_null());
	json_object_set_new(job, "created_by", json_pack("{s:I, s:s?}", "id",
	    (json_int_t)db_cell_int(res, row, JOB_CREATED_BY), "name", db_cell(res, row, JOB_CREATED_BY_NAME)));
	json_object_set_new(job, "warnings", job_warnings(db_cell(res, row, JOB_WARNINGS)));
	if (with_results) {
		const char *text = db_cell(res, row, JOB_RESULTS);
		json_t *results = text ? json_loads(text, 0, NULL) : NULL;
		json_object_set_new(job, "results", results ? results : json_null());
	}
	return job;
}

/* Loads job id; NULL with *db_failed false when there is none. New reference. */
static json_t *job_load(struct worker *w, long long id, long long *org_id, bool *db_failed)
{
	struct db_param params[] = { P_INT(id) };
	struct db_result res;
	json_t *job = NULL;

	*db_failed = false;
	if (db_query(w, job_select_sql, params, 1, &res) != 0) {
		*db_failed = true;
		return NULL;
	}
	if (res.rows > 0) {
		job = job_json(&res, 0, true);
		*org_id = db_cell_int(&res, 0, JOB_ORG_ID);
	}
	db_result_free(&res);
	return job;
}

/*
 * Stores the uploaded file as a queued job in one transaction, with the warnings of its check (a
 * JSON array) and its audit record. Returns the id, or -1 when the database failed.
 */
static long long job_create(struct req *r, long long mc_id, long long org_id, size_t total_rows,
    const json_t *warnings)
{
	static const char sql[] =
	    "INSERT INTO bulk_jobs (microcredential_id, organisation_id, created_by, csv, total_rows,"
	    " warnings) VALUES (?, ?, ?, ?, ?, ?)";
	unsigned long long job_id = 0;
	char id_text[24];
	char *warnings_text = json_dumps(warnings, JSON_COMPACT);

	if (!warnings_text || db_begin(r->w) != 0) {
		free(warnings_text);
		return -1;
	}
	struct db_param params[] = { P_INT(mc_id), P_INT(org_id), P_INT(r->user->id),
		P_TEXTN(r->body, r->body_len), P_INT((long long)total_rows), P_TEXT(warnings_text) };
	int rc = db_exec(r->w, sql, params, 6, NULL, &job_id);
	free(warnings_text);
	if (rc != 0)
		goto failed;
	snprintf(id_text, sizeof id_text, "%llu", job_id);
	if (audit_record(r, "bulk_issue_queued", "bulk_job", id_text, org_id, json_pack("{s:I, s:I}",
	    "microcredential_id", (json_int_t)mc_id, "total_rows", (json_int_t)total_rows)) != 0)
		goto failed;
	if (db_commit(r->w) != 0)
		goto failed;
	return (long long)job_id;

failed:
	db_rollback(r->w);
	return -1;
}

/* Replies 422 with the report of every row when any row has a problem. */
static void reply_rows_invalid(struct req *r, json_t *report)
{
	long long invalid = (long long)json_integer_value(json_object_get(report, "invalid_rows"));
	char message[160];

	snprintf(message, sizeof message, "%lld row%s of the file %s problems; fix them and upload the "
	    "file again, because nothing is issued until every row is valid", invalid,
	    invalid == 1 ? "" : "s", invalid == 1 ? "has" : "have");
	json_object_set_new(report, "error", json_pack("{s:s, s:s, s:s}", "code", "invalid_rows",
	    "message", message, "field", "body"));
	reply_json(r, 422, report);
}

/* Queues the checked file as a job and replies 202 with the job and its Location. */
static void job_queue_and_reply(struct req *r, long long mc_id, long long mc_org_id, json_t *report)
{
	size_t total = (size_t)json_integer_value(json_object_get(report, "total_rows"));
	long long org_id = 0;
	bool db_failed = false;
	char location[64];

	if (total == 0) {
		reply_error(r, 400, "invalid_field", "body", "the CSV file has a header row but no holders; "
		    "add one row per certificate");
		return;
	}
	if (json_integer_value(json_object_get(report, "invalid_rows")) > 0) {
		reply_rows_invalid(r, json_incref(report));
		return;
	}
	long long job_id = job_create(r, mc_id, mc_org_id, total, json_object_get(report, "warnings"));
	if (job_id < 0) {
		reply_db_error(r);
		return;
	}
	log_event(LOG_INFO, r->request_id, "event=bulk_job_queued job=%lld microcredential=%lld "
	    "organisation=%lld user=%lld rows=%zu", job_id, mc_id, mc_org_id, r->user->id, total);
	bulk_worker_wake();
	json_t *job = job_load(r->w, job_id, &org_id, &db_failed);
	if (!job) {
		reply_db_error(r);
		return;
	}
	snprintf(location, sizeof location, "/api/v1/bulk-issues/%lld", job_id);
	reply_header(r, "Location", location);
	reply_json(r, 202, job);
}

void handle_bulk_issue_create(struct req *r)
{
	long long mc_id = 0, mc_org_id = 0;
	char *dry_run = NULL;
	json_t *report = NULL;

	if (!content_type_is_csv(req_header(r, "CONTENT_TYPE"))) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		    "send the file with Content-Type: text/csv; charset=utf-8");
		return;
	}
	if (microcredential_for_bulk_or_reply(r, &mc_id, &mc_org_id) != 0)
		return;
	dry_run = req_query(r, "dry_run");
	bool is_dry_run = dry_run && strcmp(dry_run, "true") == 0;
	if (dry_run && !is_dry_run && strcmp(dry_run, "false") != 0) {
		reply_error(r, 400, "invalid_field", "dry_run", "dry_run must be true or false");
		goto out;
	}

	report = bulk_check_or_reply(r);
	if (!report)
		goto out;
	json_object_set_new(report, "microcredential_id", json_integer((json_int_t)mc_id));
	json_object_set_new(report, "dry_run", json_boolean(is_dry_run));
	log_event(LOG_INFO, r->request_id, "event=bulk_issue_checked microcredential=%lld rows=%lld "
	    "invalid=%lld dry_run=%d", mc_id, (long long)json_integer_value(json_object_get(report,
	    "total_rows")), (long long)json_integer_value(json_object_get(report, "invalid_rows")),
	    is_dry_run);
	if (is_dry_run) {
		reply_json(r, 200, json_incref(report));
		goto out;
	}
	job_queue_and_reply(r, mc_id, mc_org_id, report);

out:
	json_decref(report);
	free(dry_run);
}

/* Tells whether the caller may see jobs of organisation org_id. */
static bool job_access(const struct req *r, long long org_id)
{
	return r->user->role == ROLE_COORDINATOR || (r->user->role == ROLE_ISSUER &&
	    r->user->organisation_id > 0 && r->user->organisation_id == org_id);
}

void handle_bulk_issue_get(struct req *r)
{
	long long id = path_id(r->params[0]);
	long long org_id = 0;
	bool db_failed = false;

	json_t *job = id > 0 ? job_load(r->w, id, &org_id, &db_failed) : NULL;
	if (db_failed) {
		reply_db_error(r);
		return;
	}
	if (!job) {
		reply_error(r, 404, "not_found", NULL, "no bulk issuing job has this id");
		return;
	}
	if (!job_access(r, org_id)) {
		json_decref(job);
		reply_error(r, 403, "forbidden", NULL, "only a coordinator or an issuer of the promoting "
		    "organisation may see this bulk issuing job");
		return;
	}
	reply_json(r, 200, job);
}

void handle_bulk_issues_list(struct req *r)
{
	static const char list_sql[] =
	    JOB_COLUMNS " FROM bulk_jobs AS j JOIN users AS u ON u.id = j.created_by"
	    " WHERE (? = 0 OR j.organisation_id = ?) ORDER BY j.id DESC LIMIT ? OFFSET ?";
	static const char count_sql[] =
	    "SELECT COUNT(*) FROM bulk_jobs WHERE (? = 0 OR organisation_id = ?)";
	struct db_result rows = { 0 }, count = { 0 };
	long long page;

	if (query_long_or_reply(r, "page", 1, 100000, 1, &page) != 0)
		return;
	/* A coordinator lists every job, and an issuer only the jobs of its own organisation. */
	long long org_id = r->user->role == ROLE_COORDINATOR ? 0 : r->user->organisation_id;
	if (org_id == 0 && r->user->role != ROLE_COORDINATOR) {
		reply_json(r, 200, json_pack("{s:[], s:I, s:i, s:i}", "items", "page", (json_int_t)page,
		    "per_page", BULK_JOBS_PER_PAGE, "total", 0));
		return;
	}
	struct db_param params[] = { P_INT(org_id), P_INT(org_id), P_INT(BULK_JOBS_PER_PAGE),
		P_INT((page - 1) * BULK_JOBS_PER_PAGE) };
	if (db_query(r->w, count_sql, params, 2, &count) != 0 ||
	    db_query(r->w, list_sql, params, 4, &rows) != 0) {
		reply_db_error(r);
		goto out;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < rows.rows; row++)
		json_array_append_new(items, job_json(&rows, row, false));
	reply_json(r, 200, json_pack("{s:o, s:I, s:i, s:I}", "items", items, "page", (json_int_t)page,
	    "per_page", BULK_JOBS_PER_PAGE, "total", (json_int_t)db_cell_int(&count, 0, 0)));

out:
	db_result_free(&rows);
	db_result_free(&count);
}
