/*
 * verify.c: public verification of a certificate, as JSON and as the HTML page behind the QR code.
 *
 * GET /api/v1/verify/{id} is the hottest endpoint: one primary-key lookup and the JSON built from
 * the stored snapshot. It never returns the holder's e-mail address.
 *
 * GET /v/{id} serves the SPA's index.html with the verification already rendered into it, so an
 * employer who scans the QR code sees the status before any script runs. Three places of the
 * template are replaced: <!--mic-head--> (robots and Open Graph tags), the content of <title>,
 * and <!--mic-ssr--> (the markup, styled by the SPA through the verify__* classes). The markup
 * has no inline script or style attribute, because the Content-Security-Policy forbids both.
 * Every text that came from a person goes through buf_html_escape().
 */
#include <errno.h>
#include <fcntl.h>
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

/* Returns the verification JSON, or NULL for an unknown or malformed id (or a failed lookup). */
static json_t *verify_load(struct worker *w, const char *id, bool *db_failed)
{
	json_t *cert = certificate_load(w, id, false, NULL, db_failed);

	if (!cert)
		return NULL;
	json_t *v = verify_json(cert);
	json_decref(cert);
	/* A withdrawn certificate has no holder and no credential left to check. */
	if (strcmp(json_string_value(json_object_get(v, "status")), "withdrawn") == 0)
		json_object_set_new(v, "holder", json_null());
	else
		verify_checks_add(w, id, v);
	return v;
}

/*
 * The fast path of a verification: one primary-key lookup that also brings the public parts of
 * the snapshot (generated columns) and the remembered signature check (copied onto the row by
 * verifychecks.c). The API writes its reply as text from it; the page builds its JSON from it
 * without parsing the snapshot. Both give what verify_load() gives.
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
    "SELECT holder_name, issued_at, valid_until, revoked_at, revocation_reason, verify_organisation," \
    " verify_issuer_name, credential_sha256 IS NOT NULL," \
    " IF(checked_sha256 = credential_sha256, checked_valid, NULL), checked_detail, withdrawn_at," \
    " awarded_on, " microcredential_columns " FROM certificates WHERE id = ?"

static const char verify_fast_sql[] = VERIFY_FAST_SELECT("verify_microcredential");
static const char verify_page_sql[] = VERIFY_FAST_SELECT(
    "verify_title, verify_language, verify_eqf_level, verify_workload_hours, verify_ects_credits,"
    " verify_outcomes");

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

static json_t *json_string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Returns a number column of the page's row as a JSON number, or null when it is not one. */
static json_t *json_number_of(const char *text, bool integer)
{
	char *end;
	double d;

	if (!text || !*text)
		return json_null();
	d = strtod(text, &end);
	if (*end != '\0' || d != d)
		return json_null();
	if (integer)
		return d == (double)(json_int_t)d ? json_integer((json_int_t)d) : json_null();
	return d == (double)(json_int_t)d ? json_integer((json_int_t)d) : json_real(d);
}

/* Builds the page's verification JSON from the page's row without parsing the snapshot. */
static json_t *verify_row_page_json(const struct verify_row *row, const char *id)
{
	const struct db_result *res = &row->res;
	const char *issuer = db_cell(res, 0, VF_ISSUER);
	const char *outcomes_text = db_cell(res, 0, VF_OUTCOMES);
	json_t *v = json_object(), *mc = json_object(), *outcomes = NULL, *org;

	if (outcomes_text) {
		outcomes = json_string_array_parse(outcomes_text);
		if (!outcomes)
			outcomes = json_loads(outcomes_text, 0, NULL);
	}
	json_object_set_new(mc, "title", json_string_or_null(db_cell(res, 0, VF_TITLE)));
	json_object_set_new(mc, "language", json_string_or_null(db_cell(res, 0, VF_LANGUAGE)));
	json_object_set_new(mc, "eqf_level", json_number_of(db_cell(res, 0, VF_EQF_LEVEL), true));
	json_object_set_new(mc, "workload_hours", json_number_of(db_cell(res, 0, VF_WORKLOAD_HOURS), true));
	json_object_set_new(mc, "ects_credits", json_number_of(db_cell(res, 0, VF_ECTS_CREDITS), false));
	json_object_set_new(mc, "learning_outcomes", outcomes ? outcomes : json_array());
	org = json_loads(db_cell(res, 0, VF_ORGANISATION) ? db_cell(res, 0, VF_ORGANISATION) : "", 0, NULL);

	json_object_set_new(v, "status", json_string(row->status));
	json_object_set_new(v, "id", json_string(id));
	json_object_set_new(v, "verify_url", json_string(row->verify_url));
	json_object_set_new(v, "holder", json_pack("{s:s}", "name", db_cell(res, 0, VF_HOLDER)));
	json_object_set_new(v, "microcredential", mc);
	json_object_set_new(v, "issuer", json_pack("{s:s}", "name", issuer ? issuer : MIC_ISSUER_NAME));
	json_object_set_new(v, "promoting_organisation", json_is_object(org) ? org : json_object());
	if (org && !json_is_object(org))
		json_decref(org);
	json_object_set_new(v, "issued_at", json_string_or_null(empty_as_null(row->issued_at)));
	json_object_set_new(v, "issued_on", json_string_or_null(empty_as_null(row->issued_on)));
	json_object_set_new(v, "awarded_on", json_string_or_null(db_cell(res, 0, VF_AWARDED_ON)));
	json_object_set_new(v, "valid_until", json_string_or_null(empty_as_null(row->valid_until)));
	json_object_set_new(v, "valid_until_on", json_string_or_null(empty_as_null(row->valid_until_on)));
	json_object_set_new(v, "revoked_at", json_string_or_null(empty_as_null(row->revoked_at)));
	json_object_set_new(v, "revoked_on", json_string_or_null(empty_as_null(row->revoked_on)));
	json_object_set_new(v, "revocation_reason", json_string_or_null(db_cell(res, 0, VF_REASON)));
	json_object_set_new(v, "withdrawn_at", json_null());
	json_object_set_new(v, "withdrawn_on", json_null());
	json_object_set_new(v, "checks", verify_checks_build(&row->sig, empty_as_null(row->revoked_on),
	    db_cell(res, 0, VF_REASON), empty_as_null(row->valid_until_on), strcmp(row->status, "expired") == 0));
	return v;
}

static void reply_not_found(struct req *r)
{
	reply_json(r, 404, json_pack("{s:s, s:{s:s, s:s}}", "status", "not_found", "error",
	    "code", "not_found", "message", "no certificate has this id; check the address"));
}

void handle_verify(struct req *r)
{
	struct verify_row row;
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
	v = verify_load(r->w, r->params[0], &db_failed);
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
 * The verification JSON for the HTML page: built from the page's row when the fast path applies,
 * so that the page costs one lookup like the API; verify_load() otherwise. NULL for an unknown id.
 */
static json_t *verify_page_json(struct worker *w, const char *id, bool *db_failed)
{
	struct verify_row row;
	json_t *v;

	*db_failed = false;
	if (!id_certificate_valid(id))
		return NULL;
	switch (verify_fast(w, id, true, &row)) {
	case VERIFY_FAST_FOUND:
		v = verify_row_page_json(&row, id);
		db_result_free(&row.res);
		return v;
	case VERIFY_FAST_NOT_FOUND:
		return NULL;
	case VERIFY_FAST_FAILED:
		*db_failed = true;
		return NULL;
	case VERIFY_FAST_SLOW:
		break;
	}
	return verify_load(w, id, db_failed);
}

/* ---- The HTML page ---- */

/* Returns obj[key] as a string, or "" when it is absent or not a string. */
static const char *json_text(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

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
	if (language && strlen(language) == 2 && language[0] >= 'a' && language[0] <= 'z' &&
	    language[1] >= 'a' && language[1] <= 'z')
		buf_printf(out, " lang=\"%s\"", language);
}

/* Writes "50 hours" and, when the snapshot has ECTS credits, " (2.5 ECTS credits)". */
static void render_workload(struct buf *out, const json_t *mc)
{
	json_int_t hours = json_integer_value(json_object_get(mc, "workload_hours"));
	const json_t *ects = json_object_get(mc, "ects_credits");

	buf_printf(out, "%lld %s", (long long)hours, hours == 1 ? "hour" : "hours");
	if (json_is_number(ects)) {
		double credits = json_number_value(ects);
		buf_printf(out, " (%g ECTS %s)", credits, credits == 1.0 ? "credit" : "credits");
	}
}

static void render_fact(struct buf *out, const char *term, const char *value)
{
	buf_printf(out, "<dt>%s</dt><dd>", term);
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
	buf_printf(out, "<dt>%s</dt><dd>", term);
	render_long_date(out, day);
	buf_puts(out, "</dd>\n");
}

static void render_facts(struct buf *out, const json_t *v)
{
	const json_t *mc = json_object_get(v, "microcredential");
	const json_t *org = json_object_get(v, "promoting_organisation");
	const json_t *eqf_level = json_object_get(mc, "eqf_level");
	const char *valid_until = json_text(v, "valid_until_on");
	const char *country = json_text(org, "country");

	buf_puts(out, "<dl class=\"verify__facts\">\n");
	/* The EQF row is left out when the micro-credential is not referenced to an EQF level. */
	if (json_is_integer(eqf_level))
		buf_printf(out, "<dt>EQF level</dt><dd>%lld</dd>\n", (long long)json_integer_value(eqf_level));
	buf_puts(out, "<dt>Workload</dt><dd>");
	render_workload(out, mc);
	buf_puts(out, "</dd>\n");
	render_fact(out, "Issuer", json_text(json_object_get(v, "issuer"), "name"));
	buf_puts(out, "<dt>Promoted by</dt><dd>");
	buf_html_escape(out, json_text(org, "name"));
	if (*country) {
		buf_puts(out, ", ");
		buf_html_escape(out, country_name(country));
	}
	buf_puts(out, "</dd>\n");
	if (*json_text(v, "awarded_on"))
		render_date_fact(out, "Awarded on", json_text(v, "awarded_on"));
	render_date_fact(out, "Issue date", json_text(v, "issued_on"));
	if (*valid_until)
		render_date_fact(out, "Valid until", valid_until);
	else
		render_fact(out, "Valid until", "No expiry date");
	/* The same place and class as on the SPA's page, which replaces this markup. */
	buf_puts(out, "<dt>Certificate ID</dt><dd class=\"verify__id\">");
	buf_html_escape(out, json_text(v, "id"));
	buf_puts(out, "</dd>\n");
	buf_puts(out, "</dl>\n");
}

static void render_outcomes(struct buf *out, const json_t *mc)
{
	const json_t *outcomes = json_object_get(mc, "learning_outcomes");
	size_t i;
	const json_t *outcome;

	if (json_array_size(outcomes) == 0)
		return;
	buf_puts(out, "<h2>Learning outcomes</h2>\n<ol class=\"verify__outcomes\"");
	render_lang(out, json_text(mc, "language"));
	buf_puts(out, ">\n");
	/* Outcomes are objects in the full JSON and bare statements in the page's own column. */
	json_array_foreach(outcomes, i, outcome) {
		buf_puts(out, "<li>");
		buf_html_escape(out, json_is_string(outcome) ? json_string_value(outcome) : json_text(outcome, "statement"));
		buf_puts(out, "</li>\n");
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

/* Writes the verification markup for v, or the "Not found" markup when v is NULL. */
static void render_markup(struct buf *out, const json_t *v, const char *id)
{
	if (!v) {
		render_not_found(out, id);
		return;
	}

	const char *status = json_text(v, "status");
	const json_t *mc = json_object_get(v, "microcredential");

	buf_printf(out, "<main class=\"verify verify--%s\">\n", status);
	buf_printf(out, "<p class=\"verify__status\" data-status=\"%s\">%s</p>\n", status,
	    status_label(status));
	if (strcmp(status, "revoked") == 0) {
		buf_puts(out, "<p class=\"verify__revocation\">Revoked on ");
		render_long_date(out, json_text(v, "revoked_on"));
		buf_puts(out, ". Reason: <bdi>");
		buf_html_escape(out, json_text(v, "revocation_reason"));
		buf_puts(out, "</bdi></p>\n");
	}
	if (strcmp(status, "withdrawn") == 0) {
		buf_puts(out, "<p class=\"verify__revocation\">Withdrawn on ");
		render_long_date(out, json_text(v, "withdrawn_on"));
		buf_puts(out, " at the holder's request. The holder's personal data has been erased.</p>\n");
	}
	buf_puts(out, "<h1 class=\"verify__title\"");
	render_lang(out, json_text(mc, "language"));
	buf_puts(out, ">");
	buf_html_escape(out, json_text(mc, "title"));
	buf_puts(out, "</h1>\n");
	if (strcmp(status, "withdrawn") == 0) {
		render_facts(out, v);
		buf_puts(out, "</main>\n");
		return;
	}
	buf_puts(out, "<p class=\"verify__holder\">Awarded to <bdi>");
	buf_html_escape(out, json_text(json_object_get(v, "holder"), "name"));
	buf_puts(out, "</bdi></p>\n");
	verify_checks_render(out, v);
	render_facts(out, v);
	render_outcomes(out, mc);
	buf_puts(out, "</main>\n");
}

/* Writes the text of <title>. */
static void render_title(struct buf *out, const json_t *v)
{
	if (!v) {
		buf_puts(out, "Certificate not found");
		return;
	}
	buf_printf(out, "%s certificate: ", status_label(json_text(v, "status")));
	buf_html_escape(out, json_text(json_object_get(v, "microcredential"), "title"));
}

static void render_meta(struct buf *out, const char *property, const char *content)
{
	buf_printf(out, "<meta property=\"%s\" content=\"", property);
	buf_html_escape(out, content);
	buf_puts(out, "\">\n");
}

/* Writes the robots and Open Graph tags for the head. */
static void render_head(struct buf *out, const json_t *v, const char *id)
{
	struct buf text;
	char day[48];

	buf_init(&text);
	buf_puts(out, "<meta name=\"robots\" content=\"noindex\">\n");
	if (!v) {
		render_meta(out, "og:title", "Certificate not found");
		render_meta(out, "og:description", "No certificate has this identifier.");
		if (id_certificate_valid(id)) {
			char url[CERT_VERIFY_URL_MAX];
			certificate_verify_url(id, url, sizeof url);
			render_meta(out, "og:url", url);
		}
	} else {
		const json_t *mc = json_object_get(v, "microcredential");
		buf_printf(&text, "%s: %s", status_label(json_text(v, "status")), json_text(mc, "title"));
		render_meta(out, "og:title", text.data);

		buf_reset(&text);
		if (strcmp(json_text(v, "status"), "withdrawn") == 0) {
			time_format_long_date(json_text(v, "withdrawn_on"), day, sizeof day);
			buf_printf(&text, "Withdrawn at the holder's request on %s.", day);
		} else {
			time_format_long_date(json_text(v, "issued_on"), day, sizeof day);
			buf_printf(&text, "Awarded to %s on %s. Issued by %s and promoted by %s.",
			    json_text(json_object_get(v, "holder"), "name"), day,
			    json_text(json_object_get(v, "issuer"), "name"),
			    json_text(json_object_get(v, "promoting_organisation"), "name"));
		}
		render_meta(out, "og:description", text.data);
		render_meta(out, "og:url", json_text(v, "verify_url"));
	}
	render_meta(out, "og:type", "website");
	buf_free(&text);
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

static void render_part(struct buf *out, int part, const json_t *v, const char *id)
{
	if (part == PART_HEAD)
		render_head(out, v, id);
	else if (part == PART_TITLE)
		render_title(out, v);
	else
		render_markup(out, v, id);
}

/* Writes the template with its places replaced, in document order, skipping overlapping ones. */
static void render_template(struct buf *out, const struct page_template *t, const json_t *v,
    const char *id)
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
		render_part(out, splices[i].part, v, id);
		copied = splices[i].end;
	}
	buf_append(out, t->html + copied, t->len - copied);
}

/* Writes a complete page with the same markup, for when index.html cannot be used. */
static void render_minimal_page(struct buf *out, const json_t *v, const char *id)
{
	buf_puts(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	render_title(out, v);
	buf_puts(out, "</title>\n");
	render_head(out, v, id);
	buf_puts(out, "</head>\n<body>\n<div id=\"app\">");
	render_markup(out, v, id);
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
	bool db_failed = false;
	json_t *v = verify_page_json(r->w, id, &db_failed);
	struct buf *out = &r->w->out;

	reply_header(r, "Cache-Control", "no-cache");
	if (db_failed) {
		log_event(LOG_ERROR, r->request_id, "event=verify_page_unavailable");
		reply_page_unavailable(r);
		return;
	}
	/* Reads the country names on the process's first page only, so later pages stay one query. */
	country_names_load(r->w);

	const struct page_template *t = template_get(r->request_id);
	buf_reset(out);
	if (t)
		render_template(out, t, v, id);
	else
		render_minimal_page(out, v, id);
	int status = v ? 200 : 404;
	json_decref(v);
	reply_raw(r, status, "text/html; charset=utf-8", out->data, out->len);
}
