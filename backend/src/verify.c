/*
 * verify.c: public verification of a certificate, as JSON and as the HTML page behind the QR code.
 *
 * GET /api/v1/verify/{id} is the hottest endpoint: one query on two small tables that triggers keep
 * from the certificates row, and the JSON written as text. It never returns the holder's e-mail
 * address.
 *
 * GET /v/{id} serves the SPA's index.html with the verification already rendered into it, so an
 * employer who scans the QR code sees the status before any script runs. Three places of the
 * template are replaced: <!--mic-head--> (robots and Open Graph tags), the content of <title>,
 * and <!--mic-ssr--> (the markup, styled by the SPA through the verify__* classes). The markup
 * has no inline script or style attribute, because the Content-Security-Policy forbids both.
 * Every text that came from a person goes through buf_html_escape().
 *
 * The page is rendered from a struct verify_view of plain strings and numbers. On the fast path
 * the view points into the database row, whose two JSON columns are decoded where they lie, so
 * the page builds no JSON at all. Only the slow path fills the view from verify_load()'s JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mic.h"

#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

/* The micro-credential fields that a verifier sees, taken from the certificate's snapshot. */
static const char *const verify_microcredential_fields[] = {
	"title", "summary", "learning_outcomes", "eqf_level", "eqf", "workload_hours", "ects_credits",
	"assessment_type", "participation_form", "quality_assurance", "language", "esco_occupations",
};

/* The certificate fields that follow promoting_organisation in the response, copied as they are. */
static const char *const verify_certificate_fields[] = {
	"issued_at", "issued_on", "awarded_on", "valid_until", "valid_until_on", "revoked_at", "revoked_on",
	"revocation_reason", "withdrawn_at", "withdrawn_on",
};

/* Sets to[key] to from[key], or to null when from has no such key. */
static void json_copy_field(json_t *to, const json_t *from, const char *key)
{
	json_t *value = json_object_get(from, key);

	json_object_set(to, key, value ? value : json_null());
}

/* Builds the public verification JSON from a certificate's JSON (see certificate_load()). */
static json_t *verify_json(const json_t *cert)
{
	const json_t *snapshot = json_object_get(cert, "microcredential");
	const json_t *org = json_object_get(snapshot, "promoting_organisation");
	const json_t *issuer_obj = json_object_get(snapshot, "issuer");
	const char *issuer = json_string_value(json_object_get(issuer_obj, "name"));
	json_t *v = json_object();
	json_t *mc = json_object();

	for (size_t i = 0; i < COUNT_OF(verify_microcredential_fields); i++)
		json_copy_field(mc, snapshot, verify_microcredential_fields[i]);

	json_copy_field(v, cert, "status");
	json_copy_field(v, cert, "id");
	json_copy_field(v, cert, "verify_url");
	json_object_set_new(v, "holder", json_pack("{s:O}", "name", json_object_get(cert, "holder_name")));
	json_object_set_new(v, "microcredential", mc);
	json_object_set_new(v, "issuer", json_pack("{s:s}", "name", issuer ? issuer : MIC_ISSUER_NAME));
	json_t *public_org = json_object();
	json_copy_field(public_org, org, "name");
	json_copy_field(public_org, org, "country");
	json_object_set_new(v, "promoting_organisation", public_org);
	for (size_t i = 0; i < COUNT_OF(verify_certificate_fields); i++)
		json_copy_field(v, cert, verify_certificate_fields[i]);
	return v;
}

/*
 * Returns the verification JSON, or NULL for an unknown or malformed id (or a failed lookup).
 * Sets *sig to the signature check behind its "checks", or to zeros for a withdrawn certificate.
 */
static json_t *verify_load(struct worker *w, const char *id, bool *db_failed, struct signature_outcome *sig)
{
	json_t *cert = certificate_load(w, id, false, NULL, db_failed);

	memset(sig, 0, sizeof(*sig));
	if (!cert)
		return NULL;
	json_t *v = verify_json(cert);
	json_decref(cert);
	/* A withdrawn certificate has no holder and no credential left to check. */
	if (strcmp(json_string_value(json_object_get(v, "status")), "withdrawn") == 0)
		json_object_set_new(v, "holder", json_null());
	else
		verify_checks_add(w, id, v, sig);
	return v;
}

/*
 * The fast path of a verification: the certificate's row of certificate_verifications joined with
 * its public parts (migration 200), both kept by triggers on certificates. The first takes about
 * 180 bytes per certificate, and the certificates of one micro-credential version share one row of
 * the second. So random verifications read about 80 times fewer pages than from the certificates
 * rows, and far more certificates fit in MariaDB's buffer pool. The row carries the remembered
 * signature check (copied onto the certificate by verifychecks.c). The API writes its reply as
 * text from it, and the page fills its view from it without parsing the snapshot. Both give what
 * verify_load() gives.
 */
enum verify_fast_column {
	VF_HOLDER, VF_ISSUED_AT, VF_VALID_UNTIL, VF_REVOKED_AT, VF_REASON, VF_ORGANISATION, VF_ISSUER,
	VF_HAS_CREDENTIAL, VF_SIGNATURE_VALID, VF_SIGNATURE_DETAIL, VF_WITHDRAWN_AT, VF_AWARDED_ON,
	/* The API's query ends with the micro-credential's public elements as JSON... */
	VF_MICROCREDENTIAL,
	/* ...the page's with the ones it shows, as plain values. */
	VF_TITLE = VF_MICROCREDENTIAL, VF_LANGUAGE, VF_EQF_LEVEL, VF_WORKLOAD_HOURS, VF_ECTS_CREDITS,
	VF_OUTCOMES,
};

#define VERIFY_FAST_SELECT(microcredential_columns) \
    "SELECT v.holder_name, v.issued_at, v.valid_until, v.revoked_at, v.revocation_reason," \
    " p.organisation, p.issuer_name, v.has_credential, v.signature_valid, v.checked_detail," \
    " v.withdrawn_at, v.awarded_on, " microcredential_columns \
    " FROM certificate_verifications v" \
    " JOIN certificate_public_parts p ON p.sha256 = v.parts_sha256 AND p.copy = v.parts_copy" \
    " WHERE v.id = ?"

static const char verify_fast_sql[] = VERIFY_FAST_SELECT("p.microcredential");
static const char verify_page_sql[] = VERIFY_FAST_SELECT(
    "p.title, p.language, p.eqf_level, p.workload_hours, p.ects_credits, p.outcomes");

enum verify_fast_outcome {
	VERIFY_FAST_FAILED = -1,    /* the lookup failed */
	VERIFY_FAST_SLOW = 0,       /* never checked, or withdrawn: verify_load() builds the reply */
	VERIFY_FAST_FOUND = 1,      /* the row and what follows from it are read */
	VERIFY_FAST_NOT_FOUND = 2,  /* no certificate has this id */
};

/* The fast path's row, with its times in the two forms that the replies contain. */
struct verify_row {
	struct db_result res;
	const char *status;
	struct signature_outcome sig;
	char verify_url[CERT_VERIFY_URL_MAX];
	/* ISO times and calendar days in the alliance's zone. Each is empty for a NULL column. */
	char issued_at[32], issued_on[16], valid_until[32], valid_until_on[16], revoked_at[32], revoked_on[16];
};

/* Converts a DATETIME column into at (ISO) and on (calendar day), or empties both. */
static void time_pair(const char *db_time, char at[32], char on[16])
{
	time_t t;

	at[0] = on[0] = '\0';
	if (db_time && time_parse_db(db_time, &t) == 0) {
		time_format_iso(t, at);
		time_format_local_date(t, on);
	}
}

static enum verify_fast_outcome verify_fast(struct worker *w, const char *id, bool page, struct verify_row *row)
{
	struct db_param params[] = { P_TEXT(id) };
	struct db_result *res = &row->res;
	time_t until;

	if (db_query(w, page ? verify_page_sql : verify_fast_sql, params, 1, res) != 0)
		return VERIFY_FAST_FAILED;
	if (res->rows == 0) {
		db_result_free(res);
		return VERIFY_FAST_NOT_FOUND;
	}
	/* Never checked (verify_load() checks and remembers the result) or withdrawn: the slow path. */
	if ((db_cell_int(res, 0, VF_HAS_CREDENTIAL) && !db_cell(res, 0, VF_SIGNATURE_VALID)) ||
	    db_cell(res, 0, VF_WITHDRAWN_AT)) {
		db_result_free(res);
		return VERIFY_FAST_SLOW;
	}

	time_pair(db_cell(res, 0, VF_ISSUED_AT), row->issued_at, row->issued_on);
	time_pair(db_cell(res, 0, VF_VALID_UNTIL), row->valid_until, row->valid_until_on);
	time_pair(db_cell(res, 0, VF_REVOKED_AT), row->revoked_at, row->revoked_on);
	row->status = "valid";
	if (db_cell(res, 0, VF_REVOKED_AT))
		row->status = "revoked";
	else if (row->valid_until[0] && time_parse_db(db_cell(res, 0, VF_VALID_UNTIL), &until) == 0 &&
	    until <= time(NULL))
		row->status = "expired";
	memset(&row->sig, 0, sizeof(row->sig));
	row->sig.has_credential = db_cell_int(res, 0, VF_HAS_CREDENTIAL) != 0;
	if (row->sig.has_credential) {
		row->sig.result = db_cell_int(res, 0, VF_SIGNATURE_VALID) ? CHECK_VALID : CHECK_INVALID;
		snprintf(row->sig.detail, sizeof(row->sig.detail), "%s",
		    db_cell(res, 0, VF_SIGNATURE_DETAIL) ? db_cell(res, 0, VF_SIGNATURE_DETAIL) : "");
		utf8_trim_incomplete(row->sig.detail);
		if (row->sig.result == CHECK_INVALID)
			row->status = "invalid";
	}
	certificate_verify_url(id, row->verify_url, sizeof(row->verify_url));
	return VERIFY_FAST_FOUND;
}

static const char *empty_as_null(const char *s)
{
	return s[0] ? s : NULL;
}

/* Appends ,"key": followed by the JSON string s, or null. */
static void put_string_or_null(struct buf *out, const char *key, const char *s)
{
	buf_puts(out, ",\"");
	buf_puts(out, key);
	buf_puts(out, "\":");
	if (s)
		buf_json_string(out, s);
	else
		buf_puts(out, "null");
}

/* Writes the reply of GET /api/v1/verify/{id} as text from the API's row. */
static void verify_row_write(const struct verify_row *row, const char *id, struct buf *out)
{
	const struct db_result *res = &row->res;
	const char *issuer = db_cell(res, 0, VF_ISSUER);

	buf_reset(out);
	buf_puts(out, "{\"status\":\"");
	buf_puts(out, row->status);
	buf_puts(out, "\",\"id\":\"");
	buf_puts(out, id);
	buf_puts(out, "\",\"verify_url\":");
	buf_json_string(out, row->verify_url);
	buf_puts(out, ",\"holder\":{\"name\":");
	buf_json_string(out, db_cell(res, 0, VF_HOLDER));
	buf_puts(out, "},\"microcredential\":");
	buf_puts(out, db_cell(res, 0, VF_MICROCREDENTIAL));
	buf_puts(out, ",\"issuer\":{\"name\":");
	buf_json_string(out, issuer ? issuer : MIC_ISSUER_NAME);
	buf_puts(out, "},\"promoting_organisation\":");
	buf_puts(out, db_cell(res, 0, VF_ORGANISATION));
	put_string_or_null(out, "issued_at", empty_as_null(row->issued_at));
	put_string_or_null(out, "issued_on", empty_as_null(row->issued_on));
	put_string_or_null(out, "awarded_on", db_cell(res, 0, VF_AWARDED_ON));
	put_string_or_null(out, "valid_until", empty_as_null(row->valid_until));
	put_string_or_null(out, "valid_until_on", empty_as_null(row->valid_until_on));
	put_string_or_null(out, "revoked_at", empty_as_null(row->revoked_at));
	put_string_or_null(out, "revoked_on", empty_as_null(row->revoked_on));
	put_string_or_null(out, "revocation_reason", db_cell(res, 0, VF_REASON));
	buf_puts(out, ",\"withdrawn_at\":null,\"withdrawn_on\":null,\"checks\":");
	/* The checks read the same dates as the slow path: calendar days in the alliance's zone. */
	verify_checks_write(out, &row->sig, empty_as_null(row->revoked_on), db_cell(res, 0, VF_REASON),
	    empty_as_null(row->valid_until_on), strcmp(row->status, "expired") == 0);
	buf_putc(out, '}');
}

/* ---- The page's view of a certificate ---- */

/*
 * The parts of one certificate that the page shows. The strings point into the fast path's row, or
 * into the slow path's JSON and its outcome buffer, which outlive the view. An absent text is "",
 * except revocation_reason: it is NULL for a NULL column, because the checks tell the two apart.
 */
struct verify_view {
	const char *status;            /* valid, revoked, expired, invalid or withdrawn */
	const char *id;
	const char *verify_url;
	const char *holder_name;
	const char *title;
	const char *language;
	bool has_eqf_level;
	long long eqf_level;
	long long workload_hours;      /* 0 when the snapshot has no whole number */
	bool has_ects_credits;
	double ects_credits;
	const char *outcomes;          /* outcome_count statements, each ended by a NUL byte */
	size_t outcome_count;
	const char *issuer_name;
	const char *organisation_name;
	const char *organisation_country;
	const char *awarded_on;        /* calendar days, YYYY-MM-DD */
	const char *issued_on;
	const char *valid_until_on;
	const char *revoked_on;
	const char *revocation_reason;
	const char *withdrawn_on;
	const struct signature_outcome *sig;
};

/*
 * The fast path's two JSON columns are decoded in place with util.c's json_text_* functions,
 * because the row owns its text. The text between escapes is not checked again: these utf8mb4
 * columns come from MariaDB as valid UTF-8.
 */

/*
 * Decodes the outcomes column of the public parts, a JSON array of statements, into consecutive
 * NUL-ended statements at its own start, and returns their number. A value other than a string
 * counts as an empty statement, as on the slow path, and a text that is no array counts as no
 * statement.
 */
static size_t outcomes_decode(char *text)
{
	char *s, *to = text;
	size_t count = 0;

	if (!text)
		return 0;
	s = json_text_space(text);
	if (*s != '[')
		return 0;
	s = json_text_space(s + 1);
	if (*s != ']') {
		for (;;) {
			if (*s == '"') {
				s = json_text_string_decode(s, &to);
			} else {
				s = json_text_value_skip(s);
				*to++ = '\0';
			}
			if (!s)
				return 0;
			count++;
			s = json_text_space(s);
			if (*s == ']')
				break;
			if (*s != ',')
				return 0;
			s = json_text_space(s + 1);
		}
	}
	return *json_text_space(s + 1) == '\0' ? count : 0;
}

/*
 * Decodes the members "name" and "country" of the organisation column of the public parts, a JSON
 * object, in place. A member that is missing or not a string, or a malformed object, gives "".
 */
static void organisation_decode(char *text, const char **name, const char **country)
{
	char *s = text ? json_text_space(text) : NULL;

	*name = *country = "";
	if (!s || *s != '{')
		return;
	s = json_text_space(s + 1);
	if (*s == '}')
		return;
	for (;;) {
		char *key = s, *to = s;
		const char *value = "";
		const char **member = NULL;

		if (*s != '"' || !(s = json_text_string_decode(s, &to)))
			break;
		s = json_text_space(s);
		if (*s != ':')
			break;
		s = json_text_space(s + 1);
		if (strcmp(key, "name") == 0)
			member = name;
		else if (strcmp(key, "country") == 0)
			member = country;
		if (*s == '"') {
			value = to = s;
			s = json_text_string_decode(s, &to);
		} else {
			s = json_text_value_skip(s);
		}
		if (!s)
			break;
		/* As in jansson, the last of two members with the same name counts. */
		if (member)
			*member = value;
		s = json_text_space(s);
		if (*s == '}')
			return;
		if (*s != ',')
			break;
		s = json_text_space(s + 1);
	}
	*name = *country = "";
}

/*
 * Reads a number column of the page's row, JSON_VALUE's text of a JSON number. Returns false when
 * it is NULL or no number. Sets *whole when the number is an integer that fits a long long.
 */
static bool number_cell(const char *text, double *value, bool *whole)
{
	char *end;
	double d;

	if (!text || !*text)
		return false;
	d = strtod(text, &end);
	if (*end != '\0' || !isfinite(d))
		return false;
	*value = d;
	*whole = d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == (double)(long long)d;
	return true;
}

static const char *cell_or_empty(const struct db_result *res, enum verify_fast_column column)
{
	const char *s = db_cell(res, 0, column);

	return s ? s : "";
}

/* Fills the page's view from the page's row, decoding the row's JSON columns where they lie. */
static void verify_view_from_row(struct verify_view *view, struct verify_row *row, const char *id)
{
	struct db_result *res = &row->res;
	const char *issuer = db_cell(res, 0, VF_ISSUER);
	double number;
	bool whole;

	memset(view, 0, sizeof(*view));
	view->status = row->status;
	view->id = id;
	view->verify_url = row->verify_url;
	view->holder_name = cell_or_empty(res, VF_HOLDER);
	view->title = cell_or_empty(res, VF_TITLE);
	view->language = cell_or_empty(res, VF_LANGUAGE);
	if (number_cell(db_cell(res, 0, VF_EQF_LEVEL), &number, &whole) && whole) {
		view->has_eqf_level = true;
		view->eqf_level = (long long)number;
	}
	if (number_cell(db_cell(res, 0, VF_WORKLOAD_HOURS), &number, &whole) && whole)
		view->workload_hours = (long long)number;
	if (number_cell(db_cell(res, 0, VF_ECTS_CREDITS), &number, &whole)) {
		view->has_ects_credits = true;
		view->ects_credits = number;
	}
	/* The row owns the cells' text, so decoding may rewrite it. */
	view->outcomes = res->cells[VF_OUTCOMES];
	view->outcome_count = outcomes_decode(res->cells[VF_OUTCOMES]);
	view->issuer_name = issuer ? issuer : MIC_ISSUER_NAME;
	organisation_decode(res->cells[VF_ORGANISATION], &view->organisation_name, &view->organisation_country);
	view->awarded_on = cell_or_empty(res, VF_AWARDED_ON);
	view->issued_on = row->issued_on;
	view->valid_until_on = row->valid_until_on;
	view->revoked_on = row->revoked_on;
	view->revocation_reason = db_cell(res, 0, VF_REASON);
	view->withdrawn_on = "";
	view->sig = &row->sig;
}

/* Returns obj[key] as a string, or "" when it is absent or not a string. */
static const char *json_text(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/*
 * Fills the page's view from verify_load()'s JSON v and its signature check sig. The statements of
 * the learning outcomes are copied to outcomes, which must outlive the view as v does.
 */
static void verify_view_from_json(struct verify_view *view, const json_t *v,
    const struct signature_outcome *sig, struct buf *outcomes)
{
	const json_t *mc = json_object_get(v, "microcredential");
	const json_t *org = json_object_get(v, "promoting_organisation");
	const json_t *eqf_level = json_object_get(mc, "eqf_level");
	const json_t *ects = json_object_get(mc, "ects_credits");
	const json_t *outcome;
	size_t i;

	memset(view, 0, sizeof(*view));
	view->status = json_text(v, "status");
	view->id = json_text(v, "id");
	view->verify_url = json_text(v, "verify_url");
	view->holder_name = json_text(json_object_get(v, "holder"), "name");
	view->title = json_text(mc, "title");
	view->language = json_text(mc, "language");
	view->has_eqf_level = json_is_integer(eqf_level);
	view->eqf_level = (long long)json_integer_value(eqf_level);
	view->workload_hours = (long long)json_integer_value(json_object_get(mc, "workload_hours"));
	view->has_ects_credits = json_is_number(ects);
	view->ects_credits = json_number_value(ects);
	/* Outcomes are objects here, and a string is taken as the statement itself. */
	buf_reset(outcomes);
	json_array_foreach(json_object_get(mc, "learning_outcomes"), i, outcome) {
		buf_puts(outcomes, json_is_string(outcome) ? json_string_value(outcome) : json_text(outcome, "statement"));
		buf_putc(outcomes, '\0');
	}
	view->outcomes = outcomes->data;
	view->outcome_count = json_array_size(json_object_get(mc, "learning_outcomes"));
	view->issuer_name = json_text(json_object_get(v, "issuer"), "name");
	view->organisation_name = json_text(org, "name");
	view->organisation_country = json_text(org, "country");
	view->awarded_on = json_text(v, "awarded_on");
	view->issued_on = json_text(v, "issued_on");
	view->valid_until_on = json_text(v, "valid_until_on");
	view->revoked_on = json_text(v, "revoked_on");
	view->revocation_reason = json_string_value(json_object_get(v, "revocation_reason"));
	view->withdrawn_on = json_text(v, "withdrawn_on");
	view->sig = sig;
}

static void reply_not_found(struct req *r)
{
	reply_json(r, 404, json_pack("{s:s, s:{s:s, s:s}}", "status", "not_found", "error",
	    "code", "not_found", "message", "no certificate has this id; check the address"));
}

void handle_verify(struct req *r)
{
	struct verify_row row;
	struct signature_outcome sig;
	bool db_failed = false;
	json_t *v;

	reply_header(r, "Cache-Control", "no-store");
	if (!id_certificate_valid(r->params[0])) {
		reply_not_found(r);
		return;
	}
	switch (verify_fast(r->w, r->params[0], false, &row)) {
	case VERIFY_FAST_FOUND:
		verify_row_write(&row, r->params[0], &r->w->out);
		db_result_free(&row.res);
		reply_raw(r, 200, "application/json; charset=utf-8", r->w->out.data, r->w->out.len);
		return;
	case VERIFY_FAST_NOT_FOUND:
		reply_not_found(r);
		return;
	case VERIFY_FAST_FAILED:
		reply_db_error(r);
		return;
	case VERIFY_FAST_SLOW:
		break;
	}
	v = verify_load(r->w, r->params[0], &db_failed, &sig);
	if (db_failed) {
		reply_db_error(r);
		return;
	}
	if (!v) {
		reply_not_found(r);
		return;
	}
	reply_json(r, 200, v);
}

/*
 * The inputs of one page: the view, and the storage that its strings point into. That is the
 * page's row on the fast path, and the verification JSON with a copy of its outcomes otherwise.
 */
struct verify_page {
	struct verify_view view;
	struct verify_row row;
	bool has_row;
	json_t *json;
	struct signature_outcome sig;
	struct buf outcomes;
};

/*
 * Fills page->view for certificate id: from the page's row when the fast path applies, so that
 * the page costs one query like the API, and from verify_load() otherwise. Returns 1 when the
 * certificate was found, 0 for an unknown or malformed id and -1 when the lookup failed. Release
 * the page with verify_page_release() whatever the result.
 */
static int verify_page_load(struct worker *w, const char *id, struct verify_page *page)
{
	bool db_failed = false;

	page->has_row = false;
	page->json = NULL;
	buf_init(&page->outcomes);
	if (!id_certificate_valid(id))
		return 0;
	switch (verify_fast(w, id, true, &page->row)) {
	case VERIFY_FAST_FOUND:
		page->has_row = true;
		verify_view_from_row(&page->view, &page->row, id);
		return 1;
	case VERIFY_FAST_NOT_FOUND:
		return 0;
	case VERIFY_FAST_FAILED:
		return -1;
	case VERIFY_FAST_SLOW:
		break;
	}
	page->json = verify_load(w, id, &db_failed, &page->sig);
	if (db_failed)
		return -1;
	if (!page->json)
		return 0;
	verify_view_from_json(&page->view, page->json, &page->sig, &page->outcomes);
	return 1;
}

static void verify_page_release(struct verify_page *page)
{
	if (page->has_row)
		db_result_free(&page->row.res);
	page->has_row = false;
	json_decref(page->json);
	page->json = NULL;
	buf_free(&page->outcomes);
}

/* ---- The HTML page ---- */

static const char *status_label(const char *status)
{
	if (strcmp(status, "valid") == 0)
		return "Valid";
	if (strcmp(status, "revoked") == 0)
		return "Revoked";
	if (strcmp(status, "expired") == 0)
		return "Expired";
	if (strcmp(status, "invalid") == 0)
		return "Signature invalid";
	if (strcmp(status, "withdrawn") == 0)
		return "Withdrawn";
	return "Not found";
}

/* Writes lang="xx" for a two-letter ISO 639-1 code, and nothing for any other value. */
static void render_lang(struct buf *out, const char *language)
{
	if (strlen(language) == 2 && language[0] >= 'a' && language[0] <= 'z' &&
	    language[1] >= 'a' && language[1] <= 'z') {
		buf_puts(out, " lang=\"");
		buf_append(out, language, 2);
		buf_putc(out, '"');
	}
}

/* Writes "50 hours" and, when the snapshot has ECTS credits, " (2.5 ECTS credits)". */
static void render_workload(struct buf *out, const struct verify_view *view)
{
	buf_put_int(out, view->workload_hours);
	buf_puts(out, view->workload_hours == 1 ? " hour" : " hours");
	if (view->has_ects_credits) {
		/* %g: at most six significant digits, without trailing zeros. */
		char credits[32];
		snprintf(credits, sizeof credits, "%g", view->ects_credits);
		buf_puts(out, " (");
		buf_puts(out, credits);
		buf_puts(out, view->ects_credits == 1.0 ? " ECTS credit)" : " ECTS credits)");
	}
}

/* Writes <dt>term</dt><dd>, for a term that needs no escaping. */
static void render_term(struct buf *out, const char *term)
{
	buf_puts(out, "<dt>");
	buf_puts(out, term);
	buf_puts(out, "</dt><dd>");
}

static void render_fact(struct buf *out, const char *term, const char *value)
{
	render_term(out, term);
	buf_html_escape(out, value);
	buf_puts(out, "</dd>\n");
}

/* Writes calendar day "YYYY-MM-DD" as "5 December 2026", the form the checks use. */
static void render_long_date(struct buf *out, const char *day)
{
	char text[48];

	time_format_long_date(day, text, sizeof text);
	buf_html_escape(out, text);
}

static void render_date_fact(struct buf *out, const char *term, const char *day)
{
	render_term(out, term);
	render_long_date(out, day);
	buf_puts(out, "</dd>\n");
}

static void render_facts(struct buf *out, const struct verify_view *view)
{
	buf_puts(out, "<dl class=\"verify__facts\">\n");
	/* The EQF row is left out when the micro-credential is not referenced to an EQF level. */
	if (view->has_eqf_level) {
		render_term(out, "EQF level");
		buf_put_int(out, view->eqf_level);
		buf_puts(out, "</dd>\n");
	}
	render_term(out, "Workload");
	render_workload(out, view);
	buf_puts(out, "</dd>\n");
	render_fact(out, "Issuer", view->issuer_name);
	render_term(out, "Promoted by");
	buf_html_escape(out, view->organisation_name);
	if (*view->organisation_country) {
		buf_puts(out, ", ");
		buf_html_escape(out, country_name(view->organisation_country));
	}
	buf_puts(out, "</dd>\n");
	if (*view->awarded_on)
		render_date_fact(out, "Awarded on", view->awarded_on);
	render_date_fact(out, "Issue date", view->issued_on);
	if (*view->valid_until_on)
		render_date_fact(out, "Valid until", view->valid_until_on);
	else
		render_fact(out, "Valid until", "No expiry date");
	/* The same place and class as on the SPA's page, which replaces this markup. */
	buf_puts(out, "<dt>Certificate ID</dt><dd class=\"verify__id\">");
	buf_html_escape(out, view->id);
	buf_puts(out, "</dd>\n");
	buf_puts(out, "</dl>\n");
}

static void render_outcomes(struct buf *out, const struct verify_view *view)
{
	const char *statement = view->outcomes;

	if (view->outcome_count == 0)
		return;
	buf_puts(out, "<h2>Learning outcomes</h2>\n<ol class=\"verify__outcomes\"");
	render_lang(out, view->language);
	buf_puts(out, ">\n");
	for (size_t i = 0; i < view->outcome_count; i++) {
		buf_puts(out, "<li>");
		buf_html_escape(out, statement);
		buf_puts(out, "</li>\n");
		statement += strlen(statement) + 1;
	}
	buf_puts(out, "</ol>\n");
}

static void render_not_found(struct buf *out, const char *id)
{
	buf_puts(out,
	    "<main class=\"verify verify--not_found\">\n"
	    "<p class=\"verify__status\" data-status=\"not_found\">Not found</p>\n"
	    "<h1 class=\"verify__title\">Certificate not found</h1>\n");
	if (id_certificate_valid(id)) {
		buf_puts(out, "<p>No certificate has the identifier <code>");
		buf_html_escape(out, id);
		buf_puts(out, "</code>. Check that the address matches the QR code or the printed "
		    "certificate.</p>\n");
	} else {
		buf_puts(out, "<p>This address does not contain a valid certificate identifier. Check that it "
		    "matches the QR code or the printed certificate.</p>\n");
	}
	buf_puts(out, "</main>\n");
}

/* Writes the checks from the same inputs as the API's "checks", as verify_checks_add() does. */
static void render_checks(struct buf *out, const struct verify_view *view)
{
	verify_checks_render(out, view->sig, *view->revoked_on ? view->revoked_on : NULL,
	    view->revocation_reason, *view->valid_until_on ? view->valid_until_on : NULL,
	    strcmp(view->status, "expired") == 0);
}

/* Writes the verification markup of view, or the "Not found" markup when view is NULL. */
static void render_markup(struct buf *out, const struct verify_view *view, const char *id)
{
	if (!view) {
		render_not_found(out, id);
		return;
	}

	const char *status = view->status;
	bool withdrawn = strcmp(status, "withdrawn") == 0;

	buf_puts(out, "<main class=\"verify verify--");
	buf_puts(out, status);
	buf_puts(out, "\">\n<p class=\"verify__status\" data-status=\"");
	buf_puts(out, status);
	buf_puts(out, "\">");
	buf_puts(out, status_label(status));
	buf_puts(out, "</p>\n");
	if (strcmp(status, "revoked") == 0) {
		buf_puts(out, "<p class=\"verify__revocation\">Revoked on ");
		render_long_date(out, view->revoked_on);
		buf_puts(out, ". Reason: <bdi>");
		buf_html_escape(out, view->revocation_reason);
		buf_puts(out, "</bdi></p>\n");
	}
	if (withdrawn) {
		buf_puts(out, "<p class=\"verify__revocation\">Withdrawn on ");
		render_long_date(out, view->withdrawn_on);
		buf_puts(out, " at the holder's request. The holder's personal data has been erased.</p>\n");
	}
	buf_puts(out, "<h1 class=\"verify__title\"");
	render_lang(out, view->language);
	buf_puts(out, ">");
	buf_html_escape(out, view->title);
	buf_puts(out, "</h1>\n");
	if (withdrawn) {
		render_facts(out, view);
		buf_puts(out, "</main>\n");
		return;
	}
	buf_puts(out, "<p class=\"verify__holder\">Awarded to <bdi>");
	buf_html_escape(out, view->holder_name);
	buf_puts(out, "</bdi></p>\n");
	render_checks(out, view);
	render_facts(out, view);
	render_outcomes(out, view);
	buf_puts(out, "</main>\n");
}

/* Writes the text of <title>. */
static void render_title(struct buf *out, const struct verify_view *view)
{
	if (!view) {
		buf_puts(out, "Certificate not found");
		return;
	}
	buf_puts(out, status_label(view->status));
	buf_puts(out, " certificate: ");
	buf_html_escape(out, view->title);
}

/* Writes <meta property="property" content=", for a property that needs no escaping. */
static void render_meta_start(struct buf *out, const char *property)
{
	buf_puts(out, "<meta property=\"");
	buf_puts(out, property);
	buf_puts(out, "\" content=\"");
}

static void render_meta(struct buf *out, const char *property, const char *content)
{
	render_meta_start(out, property);
	buf_html_escape(out, content);
	buf_puts(out, "\">\n");
}

/*
 * Writes the Open Graph description. Its parts are escaped one by one, which gives the same text
 * as escaping the whole, and the fixed words are written escaped already.
 */
static void render_description(struct buf *out, const struct verify_view *view)
{
	char day[48];

	render_meta_start(out, "og:description");
	if (strcmp(view->status, "withdrawn") == 0) {
		time_format_long_date(view->withdrawn_on, day, sizeof day);
		buf_puts(out, "Withdrawn at the holder&#39;s request on ");
		buf_html_escape(out, day);
	} else {
		time_format_long_date(view->issued_on, day, sizeof day);
		buf_puts(out, "Awarded to ");
		buf_html_escape(out, view->holder_name);
		buf_puts(out, " on ");
		buf_html_escape(out, day);
		buf_puts(out, ". Issued by ");
		buf_html_escape(out, view->issuer_name);
		buf_puts(out, " and promoted by ");
		buf_html_escape(out, view->organisation_name);
	}
	buf_puts(out, ".\">\n");
}

/* Writes the robots and Open Graph tags for the head. */
static void render_head(struct buf *out, const struct verify_view *view, const char *id)
{
	buf_puts(out, "<meta name=\"robots\" content=\"noindex\">\n");
	if (!view) {
		render_meta(out, "og:title", "Certificate not found");
		render_meta(out, "og:description", "No certificate has this identifier.");
		if (id_certificate_valid(id)) {
			char url[CERT_VERIFY_URL_MAX];
			certificate_verify_url(id, url, sizeof url);
			render_meta(out, "og:url", url);
		}
	} else {
		render_meta_start(out, "og:title");
		buf_puts(out, status_label(view->status));
		buf_puts(out, ": ");
		buf_html_escape(out, view->title);
		buf_puts(out, "\">\n");
		render_description(out, view);
		render_meta(out, "og:url", view->verify_url);
	}
	render_meta(out, "og:type", "website");
}

/*
 * The per-thread copy of index.html with the offsets of the three places that get replaced.
 * Each worker thread checks the file at most once a second and reloads it when its modification
 * time, size or inode changed, so a rebuilt SPA is picked up without a restart.
 */
struct page_template {
	char *html;                  /* NULL when index.html could not be used */
	size_t len;
	struct timespec mtime;
	off_t size;
	ino_t inode;
	time_t checked_at;
	bool warned;                 /* a warning for the current failure was logged */
	size_t head_start, head_end; /* <!--mic-head--> or an empty range before </head> */
	bool has_head;
	size_t title_start, title_end;
	bool has_title;
	size_t ssr_start, ssr_end;   /* <!--mic-ssr--> or an empty range after <div id="app"> */
};

/* Each thread's template, freed by a key destructor when the thread exits. */
static pthread_key_t page_template_key;
static pthread_once_t page_template_once = PTHREAD_ONCE_INIT;

#define PAGE_TEMPLATE_MAX (4u << 20)

/* Finds needle in the template and sets *at to its offset. */
static bool template_find(const struct page_template *t, const char *needle, size_t *at)
{
	const char *p = strstr(t->html, needle);

	if (!p)
		return false;
	*at = (size_t)(p - t->html);
	return true;
}

/* Locates the places to replace. Returns -1 when the template has no place for the markup. */
static int template_index(struct page_template *t)
{
	static const char head_marker[] = "<!--mic-head-->";
	static const char ssr_marker[] = "<!--mic-ssr-->";
	static const char app_div[] = "<div id=\"app\">";
	size_t at, end;

	t->has_head = true;
	if (template_find(t, head_marker, &at)) {
		t->head_start = at;
		t->head_end = at + strlen(head_marker);
	} else if (template_find(t, "</head>", &at)) {
		t->head_start = t->head_end = at;
	} else {
		t->has_head = false;
	}

	t->has_title = template_find(t, "<title>", &at) && template_find(t, "</title>", &end) &&
	    end > at;
	if (t->has_title) {
		t->title_start = at + strlen("<title>");
		t->title_end = end;
	}

	if (template_find(t, ssr_marker, &at)) {
		t->ssr_start = at;
		t->ssr_end = at + strlen(ssr_marker);
	} else if (template_find(t, app_div, &at)) {
		t->ssr_start = t->ssr_end = at + strlen(app_div);
	} else {
		return -1;
	}
	return 0;
}

static void template_drop(struct page_template *t)
{
	free(t->html);
	t->html = NULL;
	t->len = 0;
}

static void page_template_free(void *data)
{
	struct page_template *t = data;

	free(t->html);
	free(t);
}

static void page_template_key_create(void)
{
	if (pthread_key_create(&page_template_key, page_template_free) != 0)
		abort();
}

/* Returns the calling thread's template, allocated empty on first use. */
static struct page_template *page_template_of_thread(void)
{
	pthread_once(&page_template_once, page_template_key_create);
	struct page_template *t = pthread_getspecific(page_template_key);
	if (!t) {
		t = xcalloc(1, sizeof *t);
		if (pthread_setspecific(page_template_key, t) != 0)
			abort();
	}
	return t;
}

/* Reads the file at path into t. Returns -1 and sets errno when it cannot be read or used. */
static int template_read(struct page_template *t, const char *path, const struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = (size_t)st->st_size;
	char *html = NULL;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (st->st_size < 0 || len > PAGE_TEMPLATE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	html = xmalloc(len + 1);
	while (got < len) {
		ssize_t n = read(fd, html + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;  /* the file shrank while it was read */
			goto fail;
		}
		got += (size_t)n;
	}
	html[len] = '\0';
	close(fd);

	template_drop(t);
	t->html = html;
	t->len = len;
	t->mtime = st->st_mtim;
	t->size = st->st_size;
	t->inode = st->st_ino;
	if (strlen(html) != len || template_index(t) != 0) {
		template_drop(t);
		errno = EINVAL;
		return -1;
	}
	return 0;

fail:
	free(html);
	close(fd);
	return -1;
}

/* Brings the per-thread template up to date. Returns it, or NULL when index.html is unusable. */
static const struct page_template *template_get(const char *request_id)
{
	struct page_template *t = page_template_of_thread();
	time_t now = time(NULL);
	char path[4096];
	struct stat st;

	if (now == t->checked_at)
		return t->html ? t : NULL;
	t->checked_at = now;

	int n = snprintf(path, sizeof path, "%s/index.html", cfg.web_root);
	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (stat(path, &st) != 0)
		goto fail;
	if (t->html && st.st_mtim.tv_sec == t->mtime.tv_sec && st.st_mtim.tv_nsec == t->mtime.tv_nsec &&
	    st.st_size == t->size && st.st_ino == t->inode)
		return t;
	if (template_read(t, path, &st) != 0)
		goto fail;
	if (t->warned)
		log_event(LOG_INFO, request_id, "event=verify_template_loaded");
	t->warned = false;
	return t;

fail:
	if (!t->warned) {
		char reason[128];
		strerror_r(errno, reason, sizeof reason);
		log_event(LOG_WARN, request_id,
		    "event=verify_template_unusable web_root=%s error=\"%s\" fallback=minimal_page",
		    cfg.web_root, errno == EINVAL ? "no <!--mic-ssr--> marker or a NUL byte" : reason);
		t->warned = true;
	}
	template_drop(t);
	return NULL;
}

/* One replacement of template bytes [start, end) by generated content. */
struct splice {
	size_t start, end;
	int part;
};
enum { PART_HEAD, PART_TITLE, PART_MARKUP };

static void render_part(struct buf *out, int part, const struct verify_view *view, const char *id)
{
	if (part == PART_HEAD)
		render_head(out, view, id);
	else if (part == PART_TITLE)
		render_title(out, view);
	else
		render_markup(out, view, id);
}

/* Writes the template with its places replaced, in document order, skipping overlapping ones. */
static void render_template(struct buf *out, const struct page_template *t,
    const struct verify_view *view, const char *id)
{
	struct splice splices[3];
	size_t count = 0;

	if (t->has_head)
		splices[count++] = (struct splice){ t->head_start, t->head_end, PART_HEAD };
	if (t->has_title)
		splices[count++] = (struct splice){ t->title_start, t->title_end, PART_TITLE };
	splices[count++] = (struct splice){ t->ssr_start, t->ssr_end, PART_MARKUP };
	for (size_t i = 1; i < count; i++)
		for (size_t k = i; k > 0 && splices[k].start < splices[k - 1].start; k--) {
			struct splice swap = splices[k];
			splices[k] = splices[k - 1];
			splices[k - 1] = swap;
		}

	size_t copied = 0;
	for (size_t i = 0; i < count; i++) {
		if (splices[i].start < copied)
			continue;
		buf_append(out, t->html + copied, splices[i].start - copied);
		render_part(out, splices[i].part, view, id);
		copied = splices[i].end;
	}
	buf_append(out, t->html + copied, t->len - copied);
}

/* Writes a complete page with the same markup, for when index.html cannot be used. */
static void render_minimal_page(struct buf *out, const struct verify_view *view, const char *id)
{
	buf_puts(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	render_title(out, view);
	buf_puts(out, "</title>\n");
	render_head(out, view, id);
	buf_puts(out, "</head>\n<body>\n<div id=\"app\">");
	render_markup(out, view, id);
	buf_puts(out, "</div>\n</body>\n</html>\n");
}

/* Replies 503 with a small page when the certificate could not be looked up. */
static void reply_page_unavailable(struct req *r)
{
	static const char page[] =
	    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n<title>Verification unavailable</title>\n"
	    "</head>\n<body>\n<main class=\"verify\">\n"
	    "<h1 class=\"verify__title\">Verification is unavailable</h1>\n"
	    "<p>The certificate could not be checked just now. Try again in a minute.</p>\n"
	    "</main>\n</body>\n</html>\n";

	reply_header(r, "Retry-After", "30");
	reply_raw(r, 503, "text/html; charset=utf-8", page, sizeof page - 1);
}

void handle_verify_page(struct req *r)
{
	const char *id = r->params[0];
	struct verify_page page;
	int found = verify_page_load(r->w, id, &page);
	struct buf *out = &r->w->out;

	reply_header(r, "Cache-Control", "no-cache");
	if (found < 0) {
		verify_page_release(&page);
		log_event(LOG_ERROR, r->request_id, "event=verify_page_unavailable");
		reply_page_unavailable(r);
		return;
	}
	/* Reads the country names on the process's first page only, so later pages stay one query. */
	country_names_load(r->w);

	const struct verify_view *view = found ? &page.view : NULL;
	const struct page_template *t = template_get(r->request_id);
	buf_reset(out);
	if (t)
		render_template(out, t, view, id);
	else
		render_minimal_page(out, view, id);
	verify_page_release(&page);
	reply_raw(r, found ? 200 : 404, "text/html; charset=utf-8", out->data, out->len);
}
