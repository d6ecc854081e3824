/*
 * certificates.c: issuing, listing, showing and revoking certificates, and their QR codes.
 *
 * A certificate stores a snapshot of its micro-credential's public JSON, taken at issue, so it
 * keeps certifying what it certified when the micro-credential is edited or retired later. Its id
 * is random (100 bits) and is the only secret-free handle that verifiers get, in the QR code.
 *
 * Access: a coordinator manages every certificate. An issuer manages the certificates of
 * micro-credentials that its own organisation promotes, and gets 403 for any other.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mic.h"

#define CERT_PER_PAGE 20
#define CERT_PAGE_MAX 10000
#define CERT_HOLDER_NAME_MAX 200
#define CERT_HOLDER_EMAIL_MAX 254
#define CERT_REASON_MAX 1000
/* One clash of random 100-bit ids is unlikely already, so three mean a broken generator. */
#define CERT_ID_ATTEMPTS 3
#define CERT_QR_MODULE_PX 8
#define ER_DUP_ENTRY_CODE 1062

/* Columns of cert_select_sql and cert_select_private_sql, in order. */
enum cert_column {
	CERT_ID, CERT_SNAPSHOT, CERT_HOLDER_NAME, CERT_ISSUED_AT, CERT_VALID_UNTIL, CERT_REVOKED_AT,
	CERT_REVOCATION_REASON, CERT_ORG_ID, CERT_WITHDRAWN_AT, CERT_AWARDED_ON, CERT_HOLDER_EMAIL,
	CERT_ISSUED_BY_ID, CERT_ISSUED_BY_NAME,
};

static const char cert_select_sql[] =
    "SELECT c.id, c.snapshot, c.holder_name, c.issued_at, c.valid_until, c.revoked_at,"
    " c.revocation_reason, c.promoting_organisation_id, c.withdrawn_at, c.awarded_on"
    " FROM certificates AS c WHERE c.id = ?";
static const char cert_select_private_sql[] =
    "SELECT c.id, c.snapshot, c.holder_name, c.issued_at, c.valid_until, c.revoked_at,"
    " c.revocation_reason, c.promoting_organisation_id, c.withdrawn_at, c.awarded_on,"
    " c.holder_email, u.id, u.name"
    " FROM certificates AS c JOIN users AS u ON u.id = c.issued_by WHERE c.id = ?";

void certificate_verify_url(const char *id, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/v/%s", cfg.public_url, id);

	/* config.c caps the public URL, so CERT_VERIFY_URL_MAX always fits. */
	if (n < 0 || (size_t)n >= outlen) {
		log_event(LOG_ERROR, NULL, "event=verify_url_truncated length=%d", n);
		abort();
	}
}

const char *certificate_status(const char *valid_until, const char *revoked_at,
    const char *withdrawn_at)
{
	time_t until;

	if (withdrawn_at)
		return "withdrawn";
	if (revoked_at)
		return "revoked";
	if (valid_until && time_parse_db(valid_until, &until) == 0 && until <= time(NULL))
		return "expired";
	return "valid";
}

/* Tells whether the caller may see and change certificates of the promoting organisation org_id. */
static bool certificate_access(const struct req *r, long long org_id)
{
	if (!r->user)
		return false;
	if (r->user->role == ROLE_COORDINATOR)
		return true;
	return r->user->role == ROLE_ISSUER && r->user->organisation_id > 0 &&
	    r->user->organisation_id == org_id;
}

static void reply_forbidden(struct req *r)
{
	reply_error(r, 403, "forbidden", NULL,
	    "only a coordinator or an issuer of the promoting organisation may manage this certificate");
}

static void reply_certificate_not_found(struct req *r)
{
	reply_error(r, 404, "not_found", NULL, "no certificate has this id");
}

static json_t *certificate_json(const struct db_result *res, json_t *snapshot, bool with_private)
{
	const char *id = db_cell(res, 0, CERT_ID);
	char verify_url[CERT_VERIFY_URL_MAX];
	json_t *obj = json_object();

	certificate_verify_url(id, verify_url, sizeof verify_url);
	json_object_set_new(obj, "id", json_string(id));
	json_object_set_new(obj, "status", json_string(certificate_status(
	    db_cell(res, 0, CERT_VALID_UNTIL), db_cell(res, 0, CERT_REVOKED_AT),
	    db_cell(res, 0, CERT_WITHDRAWN_AT))));
	json_object_set_new(obj, "verify_url", json_string(verify_url));
	json_object_set_new(obj, "holder_name", json_string(db_cell(res, 0, CERT_HOLDER_NAME)));
	if (with_private)
		json_object_set_new(obj, "holder_email", json_string(db_cell(res, 0, CERT_HOLDER_EMAIL)));
	json_set_time(obj, "issued_at", "issued_on", db_cell(res, 0, CERT_ISSUED_AT));
	/* A DATE column: the calendar day as the issuer gave it, never shifted. */
	const char *awarded_on = db_cell(res, 0, CERT_AWARDED_ON);
	json_object_set_new(obj, "awarded_on", awarded_on ? json_string(awarded_on) : json_null());
	json_set_time(obj, "valid_until", "valid_until_on", db_cell(res, 0, CERT_VALID_UNTIL));
	json_set_time(obj, "revoked_at", "revoked_on", db_cell(res, 0, CERT_REVOKED_AT));
	json_set_time(obj, "withdrawn_at", "withdrawn_on", db_cell(res, 0, CERT_WITHDRAWN_AT));
	const char *reason = db_cell(res, 0, CERT_REVOCATION_REASON);
	json_object_set_new(obj, "revocation_reason", reason ? json_string(reason) : json_null());
	if (with_private)
		json_object_set_new(obj, "issued_by", json_pack("{s:I, s:s?}",
		    "id", (json_int_t)db_cell_int(res, 0, CERT_ISSUED_BY_ID),
		    "name", db_cell(res, 0, CERT_ISSUED_BY_NAME)));
	json_object_set_new(obj, "microcredential", snapshot);
	return obj;
}

json_t *certificate_load(struct worker *w, const char *id, bool with_private, long long *org_id,
    bool *db_failed)
{
	struct db_param params[] = { P_TEXT(id) };
	struct db_result res;
	json_t *obj = NULL;

	*db_failed = false;
	if (!id_certificate_valid(id))
		return NULL;
	if (db_query(w, with_private ? cert_select_private_sql : cert_select_sql, params, 1, &res) != 0) {
		*db_failed = true;
		return NULL;
	}
	if (res.rows == 0)
		goto out;

	json_error_t error;
	/*
	 * JSON_ALLOW_NUL: MariaDB's JSON functions accept a \u0000 escape that an edit of the row may
	 * have put there, and the verification fast path serves such a snapshot as it is.
	 */
	json_t *snapshot = json_loads(db_cell(&res, 0, CERT_SNAPSHOT), JSON_ALLOW_NUL, &error);
	if (!json_is_object(snapshot)) {
		/* The column's CHECK only ensures valid JSON, so this is a broken row, not bad input. */
		log_event(LOG_ERROR, NULL, "event=certificate_snapshot_invalid certificate=%s line=%d",
		    id, error.line);
		json_decref(snapshot);
		*db_failed = true;
		goto out;
	}
	obj = certificate_json(&res, snapshot, with_private);
	if (org_id)
		*org_id = db_cell_int(&res, 0, CERT_ORG_ID);

out:
	db_result_free(&res);
	return obj;
}

/*
 * Loads the certificate named by the path for a caller who manages it. Replies 404 for an unknown
 * or malformed id, 403 when the caller may not manage it, and 500 or 503 when the lookup failed.
 */
static json_t *certificate_for_caller_or_reply(struct req *r, bool with_private)
{
	long long org_id = 0;
	bool db_failed = false;
	json_t *cert = certificate_load(r->w, r->params[0], with_private, &org_id, &db_failed);

	if (db_failed) {
		reply_db_error(r);
		return NULL;
	}
	if (!cert) {
		reply_certificate_not_found(r);
		return NULL;
	}
	if (!certificate_access(r, org_id)) {
		json_decref(cert);
		reply_forbidden(r);
		return NULL;
	}
	return cert;
}

/* ---- Issue ---- */

struct issue_request {
	long long microcredential_id;
	long long microcredential_version_id;   /* the published version at the time of issue */
	char *holder_name;          /* trimmed, owned */
	char *holder_email;         /* trimmed, owned */
	bool has_valid_until;
	time_t valid_until;
};

static void issue_request_free(struct issue_request *in)
{
	free(in->holder_name);
	free(in->holder_email);
	in->holder_name = NULL;
	in->holder_email = NULL;
}

/*
 * Reads a required string field without surrounding white space into *out (owned by the caller).
 * The limit of max_chars applies to the trimmed text; an empty result is rejected.
 */
static int trimmed_text_or_reply(struct req *r, json_t *body, const char *field, size_t max_chars,
    bool allow_newlines, char **out)
{
	const char *raw;

	if (json_string_or_reply(r, body, field, true, SIZE_MAX, &raw) != 0)
		return -1;
	*out = text_trim(raw);
	if (**out == '\0') {
		reply_error(r, 400, "invalid_field", field, "%s must not be empty", field);
		return -1;
	}
	if (!allow_newlines && text_has_control(*out, false)) {
		reply_error(r, 400, "invalid_field", field, "%s must be one line without control characters",
		    field);
		return -1;
	}
	size_t chars = utf8_length(*out);
	if (chars > max_chars) {
		reply_error(r, 400, "invalid_field", field, "%s has %zu characters; the maximum is %zu",
		    field, chars, max_chars);
		return -1;
	}
	return 0;
}

/*
 * Converts a date-only valid_until to the last second of that day in cfg.timezone, so that
 * "2027-06-30" keeps the certificate valid through 30 June. time_parse_iso() gives midnight UTC
 * for a date, and mktime() works in the zone that config.c set through TZ.
 */
static time_t end_of_local_day(time_t utc_midnight)
{
	struct tm day;

	gmtime_r(&utc_midnight, &day);
	day.tm_mday += 1;
	day.tm_hour = 0;
	day.tm_min = 0;
	day.tm_sec = 0;
	day.tm_isdst = -1;
	return mktime(&day) - 1;
}

static int valid_until_or_reply(struct req *r, json_t *body, struct issue_request *in)
{
	const char *text;

	if (json_string_or_reply(r, body, "valid_until", false, 64, &text) != 0)
		return -1;
	if (!text)
		return 0;
	if (time_parse_iso(text, &in->valid_until) != 0) {
		reply_error(r, 400, "invalid_field", "valid_until",
		    "valid_until must be a date such as 2027-06-30 or a date-time with a zone such as "
		    "2027-06-30T12:00:00Z");
		return -1;
	}
	if (strlen(text) == 10)
		in->valid_until = end_of_local_day(in->valid_until);
	if (in->valid_until <= time(NULL)) {
		reply_error(r, 400, "invalid_field", "valid_until", "valid_until must be in the future");
		return -1;
	}
	in->has_valid_until = true;
	return 0;
}

/*
 * Returns the time validity_months calendar months from now, as the end of that day in
 * cfg.timezone, for a certificate whose micro-credential sets a validity period.
 * NOTE: mktime() normalises an overflowing day, so 31 January plus one month ends on 3 March.
 */
time_t certificate_expiry_after_months(long long validity_months)
{
	time_t now = time(NULL);
	struct tm day;

	localtime_r(&now, &day);
	day.tm_mon += (int)validity_months;
	day.tm_mday += 1;
	day.tm_hour = 0;
	day.tm_min = 0;
	day.tm_sec = 0;
	day.tm_isdst = -1;
	return mktime(&day) - 1;
}

static int issue_request_parse_or_reply(struct req *r, json_t *body, struct issue_request *in)
{
	if (json_int_or_reply(r, body, "microcredential_id", true, 1, INT64_MAX,
	    &in->microcredential_id, NULL) != 0)
		return -1;
	if (trimmed_text_or_reply(r, body, "holder_name", CERT_HOLDER_NAME_MAX, false,
	    &in->holder_name) != 0)
		return -1;
	if (trimmed_text_or_reply(r, body, "holder_email", CERT_HOLDER_EMAIL_MAX, false,
	    &in->holder_email) != 0)
		return -1;
	if (!email_valid(in->holder_email)) {
		reply_error(r, 400, "invalid_field", "holder_email",
		    "holder_email must be an e-mail address such as ana@example.org");
		return -1;
	}
	return valid_until_or_reply(r, body, in);
}

/*
 * Returns 1 and the certificate's id when a bulk job already issued the row (micro-credential,
 * e-mail, reference), 0 when not, -1 when the query failed.
 */
static int bulk_row_exists(struct worker *w, const struct certificate_issue *in,
    char id[CERT_ID_LEN + 1])
{
	static const char sql[] =
	    "SELECT id FROM certificates WHERE microcredential_id = ? AND holder_email_key = LOWER(?)"
	    " AND bulk_reference = ?";
	struct db_param params[] = { P_INT(in->microcredential_id), P_TEXT(in->holder_email),
		P_TEXT(in->bulk_reference) };
	struct db_result res;

	if (db_query(w, sql, params, 3, &res) != 0)
		return -1;
	int exists = res.rows > 0;
	if (exists)
		snprintf(id, CERT_ID_LEN + 1, "%s", db_cell(&res, 0, 0));
	db_result_free(&res);
	return exists;
}

/*
 * Inserts the certificate under a fresh random id, drawing a new id after a duplicate key.
 * Returns 1 without inserting when the duplicate key is a bulk row that exists already.
 */
static int certificate_insert(struct req *r, const struct certificate_issue *in,
    char id[CERT_ID_LEN + 1])
{
	static const char sql[] =
	    "INSERT INTO certificates (id, microcredential_id, microcredential_version_id,"
	    " promoting_organisation_id, snapshot, holder_name, holder_email, issued_at, valid_until,"
	    " issued_by, bulk_job_id, bulk_reference, evidence_url, awarded_on)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?, ?, ?, ?, ?)";
	char valid_until[32];

	if (in->has_valid_until)
		time_format_db(in->valid_until, valid_until);
	for (int attempt = 1; attempt <= CERT_ID_ATTEMPTS; attempt++) {
		id_certificate(id);
		struct db_param params[] = {
			P_TEXT(id),
			P_INT(in->microcredential_id),
			P_INT(in->microcredential_version_id),
			P_INT(in->organisation_id),
			P_TEXT(in->snapshot_text),
			P_TEXT(in->holder_name),
			P_TEXT(in->holder_email),
			in->has_valid_until ? P_TEXT(valid_until) : P_NULL,
			P_INT(r->user->id),
			in->bulk_job_id > 0 ? P_INT(in->bulk_job_id) : P_NULL,
			P_TEXT(in->bulk_reference),
			P_TEXT(in->evidence_url),
			P_TEXT(in->awarded_on),
		};
		if (db_exec(r->w, sql, params, sizeof params / sizeof params[0], NULL, NULL) == 0)
			return 0;
		if (db_errno(r->w) != ER_DUP_ENTRY_CODE)
			return -1;
		/* A job running at the same time may have issued the same bulk row and committed. */
		if (in->bulk_reference) {
			int exists = bulk_row_exists(r->w, in, id);
			if (exists != 0)
				return exists;
		}
		log_event(LOG_WARN, r->request_id, "event=certificate_id_clash attempt=%d", attempt);
	}
	return -1;
}

int certificate_issue_in_transaction(struct req *r, struct certificate_issue *in,
    char id[CERT_ID_LEN + 1], char *err, size_t errlen)
{
	struct timespec now;

	int inserted = certificate_insert(r, in, id);
	if (inserted != 0) {
		snprintf(err, errlen, inserted > 0 ? "issued already" : "storing the certificate failed");
		return inserted > 0 ? 1 : -1;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	struct credential_input credential = {
		.certificate_id = id, .snapshot = in->snapshot, .holder_name = in->holder_name,
		.holder_email = in->holder_email, .issued_at = now.tv_sec, .issued_usec = now.tv_nsec / 1000,
		.has_valid_until = in->has_valid_until, .valid_until = in->valid_until,
		.status_list = in->status_list, .status_index = in->status_index,
		.awarded_on = in->awarded_on, .evidence_url = in->evidence_url,
	};
	if (credential_issue(r->w, &credential, in->key, in->key_id, err, errlen) != 0) {
		log_event(LOG_ERROR, r->request_id, "event=credential_issue_failed certificate=%s error=\"%s\"",
		    id, err);
		return -1;
	}
	json_t *details = json_pack("{s:I}", "microcredential_id", (json_int_t)in->microcredential_id);
	if (in->bulk_job_id > 0)
		json_object_set_new(details, "bulk_job_id", json_integer((json_int_t)in->bulk_job_id));
	if (audit_record(r, "certificate_issued", "certificate", id, in->organisation_id, details) != 0) {
		snprintf(err, errlen, "writing the audit record failed");
		return -1;
	}
	struct holder_notice notice = {
		.certificate_id = id, .holder_name = in->holder_name, .holder_email = in->holder_email,
		.title = json_string_value(json_object_get(in->snapshot, "title")),
	};
	if (holder_notify(r->w, &notice) != 0) {
		snprintf(err, errlen, "queueing the holder's e-mail failed");
		return -1;
	}
	return 0;
}

/* ---- Batches of a bulk job ---- */

/* Sets lowered[i] (owned by res) to the e-mail of rows[i] as the database's LOWER() gives it. */
static int batch_emails_lowered(struct worker *w, const struct bulk_certificate *rows, size_t count,
    struct db_result *res, const char **lowered)
{
	struct buf sql;
	struct db_param *params = xcalloc(count, sizeof *params);
	int rc;

	buf_init(&sql);
	buf_puts(&sql, "SELECT ");
	for (size_t i = 0; i < count; i++) {
		buf_puts(&sql, i ? ", LOWER(?)" : "LOWER(?)");
		params[i] = P_TEXT(rows[i].holder_email);
	}
	rc = db_query(w, sql.data, params, count, res);
	if (rc == 0 && (res->rows != 1 || res->cols != count))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < count; i++)
		lowered[i] = db_cell(res, 0, i);
	buf_free(&sql);
	free(params);
	return rc;
}

/* Marks the rows that an earlier bulk job issued as skipped, with that certificate's id. */
static int batch_mark_issued_before(struct worker *w, long long mc_id, struct bulk_certificate *rows,
    const char *const *lowered, size_t count)
{
	struct buf sql;
	struct db_result res = { 0 };
	struct db_param *params = xcalloc(count + 1, sizeof *params);
	int rc;

	buf_init(&sql);
	buf_puts(&sql, "SELECT id, holder_email_key, bulk_reference FROM certificates"
	    " WHERE microcredential_id = ? AND bulk_reference IS NOT NULL AND holder_email_key IN (");
	params[0] = P_INT(mc_id);
	for (size_t i = 0; i < count; i++) {
		buf_puts(&sql, i ? ", ?" : "?");
		params[i + 1] = P_TEXT(lowered[i]);
	}
	buf_putc(&sql, ')');
	rc = db_query(w, sql.data, params, count + 1, &res);
	for (size_t row = 0; rc == 0 && row < res.rows; row++) {
		for (size_t i = 0; i < count; i++) {
			/* NOTE: references are compared byte for byte here. One that differs only in case
			 * meets the unique key instead, and the caller's row-by-row retry skips it. */
			if (strcmp(db_cell(&res, row, 1), lowered[i]) != 0 ||
			    strcmp(db_cell(&res, row, 2), rows[i].bulk_reference) != 0)
				continue;
			rows[i].skipped = true;
			snprintf(rows[i].id, sizeof rows[i].id, "%s", db_cell(&res, row, 0));
		}
	}
	db_result_free(&res);
	buf_free(&sql);
	free(params);
	return rc;
}

/* The rows one signing thread signs: every step-th credential from start. */
struct sign_share {
	const struct certificate_issue *common;
	json_t *snapshot;             /* this thread's own copy, because jansson counts references */
	struct credential_input *inputs;
	char **texts;
	size_t count;
	size_t start;
	size_t step;
	char err[256];
	int rc;
};

static void *sign_share_run(void *arg)
{
	struct sign_share *share = arg;

	for (size_t i = share->start; i < share->count; i += share->step) {
		share->inputs[i].snapshot = share->snapshot;
		share->texts[i] = credential_sign_text(&share->inputs[i], share->common->key,
		    share->common->key_id, share->err, sizeof share->err);
		if (!share->texts[i]) {
			share->rc = -1;
			break;
		}
	}
	return NULL;
}

/*
 * Signs count credentials on two threads, because canonicalising the credential for its proof is
 * most of the CPU time of a bulk job. Signs on this thread alone when no thread can be started.
 */
static int sign_credentials(const struct certificate_issue *common, struct credential_input *inputs,
    char **texts, size_t count, char *err, size_t errlen)
{
	struct sign_share mine = { .common = common, .snapshot = common->snapshot, .inputs = inputs,
		.texts = texts, .count = count, .start = 0, .step = 2 };
	struct sign_share other = mine;
	pthread_t thread;

	other.start = 1;
	other.snapshot = json_deep_copy(common->snapshot);
	bool threaded = other.snapshot && pthread_create(&thread, NULL, sign_share_run, &other) == 0;
	if (!threaded)
		mine.step = 1;
	sign_share_run(&mine);
	if (threaded)
		pthread_join(thread, NULL);
	json_decref(other.snapshot);
	for (size_t i = 0; i < count; i++)
		inputs[i].snapshot = common->snapshot;
	if (mine.rc != 0 || other.rc != 0) {
		snprintf(err, errlen, "%s", mine.rc != 0 ? mine.err : other.err);
		return -1;
	}
	return 0;
}

/* Signs the credential of every row to issue and inserts all their certificate rows at once. */
static int batch_insert_certificates(struct req *r, const struct certificate_issue *common,
    struct bulk_certificate *rows, size_t count, size_t issued, char *err, size_t errlen)
{
	enum { COLUMNS = 20 };
	struct buf sql;
	struct db_param *params = xcalloc(issued * COLUMNS, sizeof *params);
	struct credential_input *inputs = xcalloc(issued, sizeof *inputs);
	char **credentials = xcalloc(issued, sizeof *credentials);
	char (*issued_at)[48] = xcalloc(issued, sizeof *issued_at);
	char (*text_sha256)[65] = xcalloc(issued, sizeof *text_sha256);
	const struct bulk_certificate **issuing = xcalloc(issued, sizeof *issuing);
	char valid_until[32];
	size_t n = 0;
	int rc = -1;

	for (size_t i = 0; i < count; i++) {
		struct timespec now;
		if (rows[i].skipped)
			continue;
		id_certificate(rows[i].id);
		clock_gettime(CLOCK_REALTIME, &now);
		inputs[n] = (struct credential_input){
			.certificate_id = rows[i].id, .snapshot = common->snapshot,
			.holder_name = rows[i].holder_name, .holder_email = rows[i].holder_email,
			.issued_at = now.tv_sec, .issued_usec = now.tv_nsec / 1000,
			.has_valid_until = common->has_valid_until, .valid_until = common->valid_until,
			.status_list = common->status_list, .status_index = rows[i].status_index,
			.awarded_on = rows[i].awarded_on, .evidence_url = rows[i].evidence_url,
		};
		credential_issued_at_text(&inputs[n], issued_at[n]);
		issuing[n++] = &rows[i];
	}
	if (sign_credentials(common, inputs, credentials, issued, err, errlen) != 0)
		goto out;

	if (common->has_valid_until)
		time_format_db(common->valid_until, valid_until);
	buf_init(&sql);
	buf_puts(&sql, "INSERT INTO certificates (id, microcredential_id, microcredential_version_id,"
	    " promoting_organisation_id, snapshot, holder_name, holder_email, issued_at, valid_until,"
	    " issued_by, bulk_job_id, bulk_reference, evidence_url, credential, status_list,"
	    " status_index, awarded_on, checked_sha256, checked_valid, checked_detail) VALUES ");
	db_values_list(&sql, issued, COLUMNS);
	for (size_t k = 0; k < issued; k++) {
		struct db_param *row = &params[k * COLUMNS];
		row[0] = P_TEXT(issuing[k]->id);
		row[1] = P_INT(common->microcredential_id);
		row[2] = P_INT(common->microcredential_version_id);
		row[3] = P_INT(common->organisation_id);
		row[4] = P_TEXT(common->snapshot_text);
		row[5] = P_TEXT(issuing[k]->holder_name);
		row[6] = P_TEXT(issuing[k]->holder_email);
		row[7] = P_TEXT(issued_at[k]);
		row[8] = common->has_valid_until ? P_TEXT(valid_until) : P_NULL;
		row[9] = P_INT(r->user->id);
		row[10] = P_INT(common->bulk_job_id);
		row[11] = P_TEXT(issuing[k]->bulk_reference);
		row[12] = P_TEXT(issuing[k]->evidence_url);
		row[13] = P_TEXT(credentials[k]);
		row[14] = P_INT(common->status_list);
		row[15] = P_INT(issuing[k]->status_index);
		row[16] = P_TEXT(issuing[k]->awarded_on);
		/* Signed just now with a current key: the check of this exact text is valid. */
		sha256_hex(credentials[k], strlen(credentials[k]), text_sha256[k]);
		row[17] = P_TEXT(text_sha256[k]);
		row[18] = P_INT(1);
		row[19] = P_TEXT(SIGNATURE_VALID_DETAIL);
	}
	rc = db_exec(r->w, sql.data, params, issued * COLUMNS, NULL, NULL);
	if (rc != 0)
		snprintf(err, errlen, "storing the certificates failed");
	buf_free(&sql);

out:
	for (size_t k = 0; k < issued; k++)
		free(credentials[k]);
	free(credentials);
	free(inputs);
	free(issued_at);
	free(text_sha256);
	free(issuing);
	free(params);
	return rc;
}

/* Writes the audit records and queues the holders' e-mails of the rows just issued. */
static int batch_record_and_notify(struct req *r, const struct certificate_issue *common,
    const struct bulk_certificate *rows, const char *const *lowered, size_t count, size_t issued)
{
	const char **ids = xcalloc(issued, sizeof *ids);
	const char **emails = xcalloc(issued, sizeof *emails);
	struct holder_notice *notices = xcalloc(issued, sizeof *notices);
	const char *title = json_string_value(json_object_get(common->snapshot, "title"));
	size_t n = 0;
	int rc = -1;

	for (size_t i = 0; i < count; i++) {
		if (rows[i].skipped)
			continue;
		ids[n] = rows[i].id;
		emails[n] = lowered[i];
		notices[n] = (struct holder_notice){ .certificate_id = rows[i].id,
			.holder_name = rows[i].holder_name, .holder_email = rows[i].holder_email, .title = title };
		n++;
	}
	json_t *details = json_pack("{s:I, s:I}", "microcredential_id",
	    (json_int_t)common->microcredential_id, "bulk_job_id", (json_int_t)common->bulk_job_id);
	if (audit_record_many(r, "certificate_issued", "certificate", ids, issued,
	    common->organisation_id, details) == 0 &&
	    holder_notify_many(r->w, notices, emails, issued) == 0)
		rc = 0;
	free(ids);
	free(emails);
	free(notices);
	return rc;
}

int certificates_issue_batch(struct req *r, const struct certificate_issue *common,
    struct bulk_certificate *rows, size_t count, char *err, size_t errlen)
{
	struct db_result lowered_res = { 0 };
	const char **lowered = xcalloc(count, sizeof *lowered);
	size_t issued = 0;
	int rc = -1;

	snprintf(err, errlen, "reading the batch's holders failed");
	if (batch_emails_lowered(r->w, rows, count, &lowered_res, lowered) != 0 ||
	    batch_mark_issued_before(r->w, common->microcredential_id, rows, lowered, count) != 0)
		goto out;
	for (size_t i = 0; i < count; i++)
		issued += rows[i].skipped ? 0 : 1;
	if (issued == 0) {
		rc = 0;
		goto out;
	}
	if (batch_insert_certificates(r, common, rows, count, issued, err, errlen) != 0)
		goto out;
	if (batch_record_and_notify(r, common, rows, lowered, count, issued) != 0) {
		snprintf(err, errlen, "writing the audit records or the holders' e-mails failed");
		goto out;
	}
	rc = 0;

out:
	free(lowered);
	db_result_free(&lowered_res);
	return rc;
}

/*
 * Issues the certificate in one transaction (row and audit record) and returns its JSON, or
 * replies and returns NULL. snapshot_json is the micro-credential's JSON.
 */
static json_t *certificate_issue_or_reply(struct req *r, const struct issue_request *in,
    long long org_id, json_t *snapshot_json)
{
	char id[CERT_ID_LEN + 1];
	char key_id[SIGNING_KEY_ID_MAX];
	char err[512];
	json_t *cert = NULL;
	bool db_failed = false;

	/* Without a readable signing key nothing is issued, rather than issuing unsigned. */
	EVP_PKEY *key = current_signing_key_or_reply(r, key_id);
	if (!key)
		return NULL;
	char *snapshot = json_dumps(snapshot_json, JSON_COMPACT);
	if (!snapshot || db_begin(r->w) != 0)
		goto failed;
	struct certificate_issue issue = {
		.microcredential_id = in->microcredential_id,
		.microcredential_version_id = in->microcredential_version_id,
		.organisation_id = org_id, .snapshot = snapshot_json, .snapshot_text = snapshot,
		.holder_name = in->holder_name, .holder_email = in->holder_email,
		.has_valid_until = in->has_valid_until, .valid_until = in->valid_until,
		.key = key, .key_id = key_id,
	};
	if (certificate_issue_in_transaction(r, &issue, id, err, sizeof err) != 0)
		goto failed;
	cert = certificate_load(r->w, id, true, NULL, &db_failed);
	if (!cert || db_commit(r->w) != 0)
		goto failed;

	log_event(LOG_INFO, r->request_id,
	    "event=certificate_issued certificate=%s microcredential=%lld organisation=%lld user=%lld key=%s",
	    id, in->microcredential_id, org_id, r->user->id, key_id);
	free(snapshot);
	EVP_PKEY_free(key);
	return cert;

failed:
	db_rollback(r->w);
	json_decref(cert);
	free(snapshot);
	EVP_PKEY_free(key);
	reply_db_error(r);
	return NULL;
}

void handle_certificate_create(struct req *r)
{
	struct issue_request in = { 0 };
	json_t *body = NULL;
	json_t *mc = NULL;
	json_t *cert = NULL;
	long long org_id = 0;
	struct mc_version_info version = { 0 };
	bool db_failed = false;

	body = req_json_or_reply(r);
	if (!body)
		return;
	if (issue_request_parse_or_reply(r, body, &in) != 0)
		goto out;

	mc = microcredential_version_load(r->w, in.microcredential_id, MC_VERSION_PUBLISHED, 0, NULL,
	    false, &version, &db_failed);
	org_id = version.organisation_id;
	if (db_failed) {
		reply_db_error(r);
		goto out;
	}
	if (!mc) {
		reply_error(r, 400, "invalid_field", "microcredential_id",
		    "microcredential_id %lld is not a published micro-credential", in.microcredential_id);
		goto out;
	}
	if (!certificate_access(r, org_id)) {
		reply_error(r, 403, "forbidden", NULL,
		    "only a coordinator or an issuer of the promoting organisation may issue this "
		    "micro-credential");
		goto out;
	}
	in.microcredential_version_id = version.version_id;
	if (!in.has_valid_until && version.validity_months > 0) {
		in.valid_until = certificate_expiry_after_months(version.validity_months);
		in.has_valid_until = true;
	}

	cert = certificate_issue_or_reply(r, &in, org_id, mc);
	if (!cert)
		goto out;

	char location[64 + CERT_ID_LEN];
	snprintf(location, sizeof location, "/api/v1/certificates/%s",
	    json_string_value(json_object_get(cert, "id")));
	reply_header(r, "Location", location);
	reply_json(r, 201, cert);

out:
	json_decref(mc);
	json_decref(body);
	issue_request_free(&in);
}

/* ---- List ---- */

static const char list_all_sql[] =
    "SELECT c.id, c.holder_name, c.issued_at, c.valid_until, c.revoked_at, c.microcredential_id,"
    " JSON_VALUE(c.snapshot, '$.title'), c.withdrawn_at FROM certificates AS c"
    " ORDER BY c.issued_at DESC, c.id LIMIT ? OFFSET ?";
static const char list_organisation_sql[] =
    "SELECT c.id, c.holder_name, c.issued_at, c.valid_until, c.revoked_at, c.microcredential_id,"
    " JSON_VALUE(c.snapshot, '$.title'), c.withdrawn_at FROM certificates AS c"
    " WHERE c.promoting_organisation_id = ?"
    " ORDER BY c.issued_at DESC, c.id LIMIT ? OFFSET ?";
static const char count_all_sql[] = "SELECT COUNT(*) FROM certificates";
static const char count_organisation_sql[] =
    "SELECT COUNT(*) FROM certificates WHERE promoting_organisation_id = ?";

static json_t *list_item_json(const struct db_result *res, size_t row)
{
	json_t *item = json_object();
	const char *title = db_cell(res, row, 6);

	json_object_set_new(item, "id", json_string(db_cell(res, row, 0)));
	json_object_set_new(item, "status",
	    json_string(certificate_status(db_cell(res, row, 3), db_cell(res, row, 4),
	    db_cell(res, row, 7))));
	json_object_set_new(item, "holder_name", json_string(db_cell(res, row, 1)));
	json_set_time(item, "issued_at", "issued_on", db_cell(res, row, 2));
	json_object_set_new(item, "microcredential", json_pack("{s:I, s:o}",
	    "id", (json_int_t)db_cell_int(res, row, 5),
	    "title", title ? json_string(title) : json_null()));
	return item;
}

/*
 * Runs the count and the page query of the certificates that the caller manages: all of them for
 * a coordinator, those of the caller's organisation for an issuer.
 */
static int certificate_list_query(struct req *r, long long page, struct db_result *count,
    struct db_result *rows)
{
	long long limit = CERT_PER_PAGE;
	long long offset = (page - 1) * CERT_PER_PAGE;

	if (r->user->role == ROLE_COORDINATOR) {
		struct db_param params[] = { P_INT(limit), P_INT(offset) };
		if (db_query(r->w, count_all_sql, NULL, 0, count) != 0)
			return -1;
		return db_query(r->w, list_all_sql, params, 2, rows);
	}

	struct db_param params[] = { P_INT(r->user->organisation_id), P_INT(limit), P_INT(offset) };
	if (db_query(r->w, count_organisation_sql, params, 1, count) != 0)
		return -1;
	return db_query(r->w, list_organisation_sql, params, 3, rows);
}

/* Returns {items, page, per_page, total}, or NULL when a query failed. */
static json_t *certificate_list(struct req *r, long long page)
{
	struct db_result count = { 0 };
	struct db_result rows = { 0 };
	json_t *result = NULL;

	if (certificate_list_query(r, page, &count, &rows) != 0)
		goto out;

	json_t *items = json_array();
	for (size_t row = 0; row < rows.rows; row++)
		json_array_append_new(items, list_item_json(&rows, row));
	result = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)page,
	    "per_page", (json_int_t)CERT_PER_PAGE, "total", (json_int_t)db_cell_int(&count, 0, 0));

out:
	db_result_free(&count);
	db_result_free(&rows);
	return result;
}

void handle_certificates_list(struct req *r)
{
	long long page;

	if (!r->user || (r->user->role != ROLE_COORDINATOR && r->user->role != ROLE_ISSUER)) {
		reply_error(r, 403, "forbidden", NULL, "only coordinators and issuers may list certificates");
		return;
	}
	if (query_long_or_reply(r, "page", 1, CERT_PAGE_MAX, 1, &page) != 0)
		return;

	json_t *result = certificate_list(r, page);
	if (!result) {
		reply_db_error(r);
		return;
	}
	reply_json(r, 200, result);
}

/* ---- Show and QR codes ---- */

void handle_certificate_get(struct req *r)
{
	json_t *cert = certificate_for_caller_or_reply(r, true);

	if (cert)
		reply_json(r, 200, cert);
}

/* Replies with the QR code of the certificate's verification URL as SVG or PNG. */
static void certificate_qr_reply(struct req *r, bool png)
{
	json_t *cert = certificate_for_caller_or_reply(r, false);
	struct buf *out = &r->w->out;
	int rc;

	if (!cert)
		return;
	buf_reset(out);
	const char *url = json_string_value(json_object_get(cert, "verify_url"));
	rc = png ? qr_png(url, CERT_QR_MODULE_PX, out) : qr_svg(url, out);
	json_decref(cert);
	if (rc != 0) {
		log_event(LOG_ERROR, r->request_id, "event=qr_failed certificate=%s format=%s",
		    r->params[0], png ? "png" : "svg");
		reply_error(r, 500, "internal", NULL, "the QR code could not be drawn");
		return;
	}
	reply_raw(r, 200, png ? "image/png" : "image/svg+xml", out->data, out->len);
}

void handle_certificate_qr_svg(struct req *r)
{
	certificate_qr_reply(r, false);
}

void handle_certificate_qr_png(struct req *r)
{
	certificate_qr_reply(r, true);
}

/* ---- Revoke ---- */

/*
 * Revokes the certificate in one transaction: locks the row, checks access and state, updates it
 * and writes the audit record. Returns the revoked certificate's JSON, or replies and returns NULL.
 */
static json_t *certificate_revoke_or_reply(struct req *r, const char *id, const char *reason)
{
	static const char lock_sql[] =
	    "SELECT promoting_organisation_id, revoked_at, status_list, status_index, withdrawn_at"
	    " FROM certificates WHERE id = ? FOR UPDATE";
	static const char update_sql[] =
	    "UPDATE certificates SET revoked_at = UTC_TIMESTAMP(6), revocation_reason = ?,"
	    " revoked_by = ? WHERE id = ?";
	struct db_param lock_params[] = { P_TEXT(id) };
	struct db_param update_params[] = { P_TEXT(reason), P_INT(r->user->id), P_TEXT(id) };
	struct db_result row = { 0 };
	json_t *cert = NULL;
	bool db_failed = false;

	if (db_begin(r->w) != 0 || db_query(r->w, lock_sql, lock_params, 1, &row) != 0)
		goto db_error;
	if (row.rows == 0) {
		reply_certificate_not_found(r);
		goto out;
	}
	long long org_id = db_cell_int(&row, 0, 0);
	if (!certificate_access(r, org_id)) {
		reply_forbidden(r);
		goto out;
	}
	if (db_cell(&row, 0, 1)) {
		reply_error(r, 409, "already_revoked", NULL, "the certificate was already revoked");
		goto out;
	}
	if (db_cell(&row, 0, 4)) {
		reply_error(r, 409, "conflict", NULL,
		    "the certificate was withdrawn at the holder's request and cannot be revoked");
		goto out;
	}

	if (db_exec(r->w, update_sql, update_params, 3, NULL, NULL) != 0)
		goto db_error;
	/* Certificates issued before signed credentials existed have no status list entry. */
	if (db_cell(&row, 0, 2) && status_list_revoke(r->w, (int)db_cell_int(&row, 0, 2),
	    (int)db_cell_int(&row, 0, 3)) != 0)
		goto db_error;
	if (audit_record(r, "certificate_revoked", "certificate", id, org_id, NULL) != 0)
		goto db_error;
	cert = certificate_load(r->w, id, true, NULL, &db_failed);
	if (!cert || db_commit(r->w) != 0)
		goto db_error;
	log_event(LOG_INFO, r->request_id,
	    "event=certificate_revoked certificate=%s organisation=%lld user=%lld", id, org_id,
	    r->user->id);
	goto out;

db_error:
	json_decref(cert);
	cert = NULL;
	reply_db_error(r);
out:
	if (!cert)
		db_rollback(r->w);
	db_result_free(&row);
	return cert;
}

void handle_certificate_revoke(struct req *r)
{
	json_t *body = NULL;
	char *reason = NULL;
	json_t *cert = NULL;

	if (!id_certificate_valid(r->params[0])) {
		reply_certificate_not_found(r);
		return;
	}
	body = req_json_or_reply(r);
	if (!body)
		return;
	if (trimmed_text_or_reply(r, body, "reason", CERT_REASON_MAX, true, &reason) != 0)
		goto out;

	cert = certificate_revoke_or_reply(r, r->params[0], reason);
	if (cert)
		reply_json(r, 200, cert);

out:
	free(reason);
	json_decref(body);
}
