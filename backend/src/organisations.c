/*
 * organisations.c: the member organisations of the alliance, their logos, the coordinators'
 * members list and membership status changes.
 *
 * The public endpoints show active members only. A coordinator sees every organisation and
 * changes its status with a reason that goes into the audit log. An organisation administrator
 * manages the logo of their own organisation; a coordinator manages every logo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define ORG_NAME_MAX 255
#define ORG_CITY_MAX 128
#define ORG_WEBSITE_MAX 512
#define ORG_DESCRIPTION_MAX 5000
#define ORG_REASON_MAX 1000
#define LOGO_CSP "default-src 'none'; style-src 'unsafe-inline'"

static const char *const organisation_types[] = {
	"university", "educational_authority", "vet_provider", "research_centre", "company",
	"sector_organisation", "other",
};

static const char *const organisation_statuses[] = { "applicant", "active", "suspended", "left" };

static bool name_in(const char *value, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(value, names[i]) == 0)
			return true;
	return false;
}

bool organisation_type_valid(const char *type)
{
	return name_in(type, organisation_types, sizeof organisation_types / sizeof organisation_types[0]);
}

bool organisation_status_valid(const char *status)
{
	return name_in(status, organisation_statuses,
	    sizeof organisation_statuses / sizeof organisation_statuses[0]);
}

bool caller_manages_organisation(const struct req *r, long long organisation_id)
{
	if (r->user == NULL)
		return false;
	if (r->user->role == ROLE_COORDINATOR)
		return true;
	return r->user->role == ROLE_ORG_ADMIN && r->user->organisation_id > 0 &&
	    r->user->organisation_id == organisation_id;
}

int text_field_or_reply(struct req *r, json_t *body, const char *field, bool required,
    size_t max_chars, bool multiline, char **out)
{
	const char *raw;

	*out = NULL;
	if (json_string_or_reply(r, body, field, required, SIZE_MAX, &raw) != 0)
		return -1;
	if (raw == NULL)
		return 0;
	*out = text_trim(raw);
	if (**out == '\0') {
		free(*out);
		*out = NULL;
		if (!required)
			return 0;
		reply_error(r, 400, "missing_field", field, "%s must not be empty", field);
		return -1;
	}
	if (!multiline && text_has_control(*out, false)) {
		reply_error(r, 400, "invalid_field", field, "%s must be one line of text", field);
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

int email_field_or_reply(struct req *r, json_t *body, const char *field, bool required, char **out)
{
	if (text_field_or_reply(r, body, field, required, 254, false, out) != 0)
		return -1;
	if (*out && !email_valid(*out)) {
		reply_error(r, 400, "invalid_field", field,
		    "%s must be an e-mail address such as ana@example.org", field);
		return -1;
	}
	return 0;
}

void organisation_input_free(struct organisation_input *in)
{
	free(in->name);
	free(in->type);
	free(in->country);
	free(in->city);
	free(in->website);
	free(in->description);
	memset(in, 0, sizeof *in);
}

static int country_or_reply(struct req *r, const char *country)
{
	static const char sql[] = "SELECT COUNT(*) FROM countries WHERE code = ?";
	struct db_param params[] = { P_TEXT(country) };
	struct db_result res;
	bool known;

	if (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
	    country[1] > 'Z') {
		reply_error(r, 400, "invalid_field", "country",
		    "country must be an ISO 3166-1 alpha-2 code in capitals, such as ES or PT");
		return -1;
	}
	if (db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return -1;
	}
	known = db_cell_int(&res, 0, 0) > 0;
	db_result_free(&res);
	if (!known) {
		reply_error(r, 400, "invalid_field", "country", "%s is not an ISO 3166-1 alpha-2 country code",
		    country);
		return -1;
	}
	return 0;
}

static int website_or_reply(struct req *r, const char *website)
{
	bool scheme = strncmp(website, "https://", 8) == 0 || strncmp(website, "http://", 7) == 0;
	const char *host = scheme ? strstr(website, "://") + 3 : website;

	if (!scheme || *host == '\0' || *host == '/' || strpbrk(website, " \t<>\"'\\")) {
		reply_error(r, 400, "invalid_field", "website",
		    "website must be an http or https address such as https://www.example.org");
		return -1;
	}
	return 0;
}

int organisation_input_parse_or_reply(struct req *r, json_t *body, struct organisation_input *in)
{
	if (text_field_or_reply(r, body, "name", true, ORG_NAME_MAX, false, &in->name) != 0 ||
	    text_field_or_reply(r, body, "type", true, 64, false, &in->type) != 0)
		return -1;
	if (!organisation_type_valid(in->type)) {
		reply_error(r, 400, "invalid_field", "type", "type must be one of university, "
		    "educational_authority, vet_provider, research_centre, company, sector_organisation, other");
		return -1;
	}
	if (text_field_or_reply(r, body, "country", true, 2, false, &in->country) != 0 ||
	    country_or_reply(r, in->country) != 0)
		return -1;
	if (text_field_or_reply(r, body, "city", false, ORG_CITY_MAX, false, &in->city) != 0 ||
	    text_field_or_reply(r, body, "website", false, ORG_WEBSITE_MAX, false, &in->website) != 0)
		return -1;
	if (in->website && website_or_reply(r, in->website) != 0)
		return -1;
	return text_field_or_reply(r, body, "description", false, ORG_DESCRIPTION_MAX, true,
	    &in->description);
}

/* ---- Public list and page ---- */

/* Columns of org_columns, in order. */
enum org_column {
	ORG_ID, ORG_NAME, ORG_SHORT_NAME, ORG_TYPE, ORG_COUNTRY, ORG_COUNTRY_NAME, ORG_CITY,
	ORG_WEBSITE, ORG_JOINED_AT, ORG_HAS_LOGO, ORG_STATUS, ORG_DESCRIPTION, ORG_CONTACT_EMAIL,
};
#define ORG_COLUMNS \
	"o.id, o.name, o.short_name, o.type, o.country, c.name, o.city, o.website, o.joined_at," \
	" (SELECT COUNT(*) FROM organisation_logos l WHERE l.organisation_id = o.id), o.status," \
	" o.description, o.contact_email"

static void set_text_or_null(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, value ? json_string(value) : json_null());
}

static json_t *organisation_row_json(const struct db_result *res, size_t row, bool with_status)
{
	json_t *obj = json_object();
	long long id = db_cell_int(res, row, ORG_ID);
	char logo_url[64];

	json_object_set_new(obj, "id", json_integer(id));
	json_object_set_new(obj, "name", json_string(db_cell(res, row, ORG_NAME)));
	set_text_or_null(obj, "short_name", db_cell(res, row, ORG_SHORT_NAME));
	json_object_set_new(obj, "type", json_string(db_cell(res, row, ORG_TYPE)));
	json_object_set_new(obj, "country", json_string(db_cell(res, row, ORG_COUNTRY)));
	set_text_or_null(obj, "country_name", db_cell(res, row, ORG_COUNTRY_NAME));
	set_text_or_null(obj, "city", db_cell(res, row, ORG_CITY));
	set_text_or_null(obj, "website", db_cell(res, row, ORG_WEBSITE));
	json_set_time(obj, "joined_at", "joined_on", db_cell(res, row, ORG_JOINED_AT));
	snprintf(logo_url, sizeof logo_url, "/api/v1/organisations/%lld/logo", id);
	json_object_set_new(obj, "logo_url",
	    db_cell_int(res, row, ORG_HAS_LOGO) ? json_string(logo_url) : json_null());
	if (with_status)
		json_object_set_new(obj, "status", json_string(db_cell(res, row, ORG_STATUS)));
	return obj;
}

/* Reads an optional filter; an invalid value replies 400 and returns -1. */
static int filter_or_reply(struct req *r, const char *name, bool (*valid)(const char *), char **out)
{
	*out = req_query(r, name);
	if (*out && **out == '\0') {
		free(*out);
		*out = NULL;
	}
	if (*out && !valid(*out)) {
		reply_error(r, 400, "invalid_field", name, "%s=%.40s is not a known value", name, *out);
		return -1;
	}
	return 0;
}

static bool country_shape_valid(const char *country)
{
	return strlen(country) == 2 && country[0] >= 'A' && country[0] <= 'Z' && country[1] >= 'A' &&
	    country[1] <= 'Z';
}

void handle_organisations_list(struct req *r)
{
	static const char sql[] =
	    "SELECT " ORG_COLUMNS " FROM organisations o LEFT JOIN countries c ON c.code = o.country"
	    " WHERE o.status = 'active' AND (? IS NULL OR o.country = ?) AND (? IS NULL OR o.type = ?)"
	    " ORDER BY c.name, o.type, o.name";
	char *country = NULL, *type = NULL;
	struct db_result res = { 0 };

	if (filter_or_reply(r, "country", country_shape_valid, &country) != 0 ||
	    filter_or_reply(r, "type", organisation_type_valid, &type) != 0)
		goto out;
	struct db_param params[] = { P_TEXT(country), P_TEXT(country), P_TEXT(type), P_TEXT(type) };
	if (db_query(r->w, sql, params, 4, &res) != 0) {
		reply_db_error(r);
		goto out;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++)
		json_array_append_new(items, organisation_row_json(&res, row, false));
	reply_header(r, "Cache-Control", "public, max-age=60");
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)res.rows));

out:
	db_result_free(&res);
	free(country);
	free(type);
}

/* Reads the organisation of the path id; replies 404 when it is unknown or when active_only is
 * set and it is not an active member. */
static int organisation_row_or_reply(struct req *r, bool active_only, long long *id,
    struct db_result *res)
{
	static const char sql[] =
	    "SELECT " ORG_COLUMNS " FROM organisations o LEFT JOIN countries c ON c.code = o.country"
	    " WHERE o.id = ?";

	memset(res, 0, sizeof *res);
	if (parse_long(r->params[0], 1, INT64_MAX, id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no organisation has this id");
		return -1;
	}
	struct db_param params[] = { P_INT(*id) };
	if (db_query(r->w, sql, params, 1, res) != 0) {
		reply_db_error(r);
		return -1;
	}
	if (res->rows == 0 || (active_only && strcmp(db_cell(res, 0, ORG_STATUS), "active") != 0)) {
		db_result_free(res);
		reply_error(r, 404, "not_found", NULL, "no member organisation has this id");
		return -1;
	}
	return 0;
}

static json_t *promoted_microcredentials_json(struct worker *w, long long id)
{
	static const char sql[] =
	    "SELECT id, title, eqf_level, workload_hours, ects_credits FROM microcredentials"
	    " WHERE promoting_organisation_id = ? AND status = 'published' ORDER BY title";
	struct db_param params[] = { P_INT(id) };
	struct db_result res;
	json_t *items;

	if (db_query(w, sql, params, 1, &res) != 0)
		return NULL;
	items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		const char *eqf = db_cell(&res, row, 2);
		const char *ects = db_cell(&res, row, 4);

		json_array_append_new(items, json_pack("{s:I, s:s, s:o, s:I, s:o}",
		    "id", (json_int_t)db_cell_int(&res, row, 0),
		    "title", db_cell(&res, row, 1),
		    "eqf_level", eqf ? json_integer(atoll(eqf)) : json_null(),
		    "workload_hours", (json_int_t)db_cell_int(&res, row, 3),
		    "ects_credits", ects ? json_real(atof(ects)) : json_null()));
	}
	db_result_free(&res);
	return items;
}

void handle_organisation_get(struct req *r)
{
	struct db_result res;
	long long id;

	if (organisation_row_or_reply(r, true, &id, &res) != 0)
		return;
	json_t *obj = organisation_row_json(&res, 0, false);
	set_text_or_null(obj, "description", db_cell(&res, 0, ORG_DESCRIPTION));
	set_text_or_null(obj, "contact_email", db_cell(&res, 0, ORG_CONTACT_EMAIL));
	db_result_free(&res);
	json_t *promoted = promoted_microcredentials_json(r->w, id);
	if (!promoted) {
		json_decref(obj);
		reply_db_error(r);
		return;
	}
	json_object_set_new(obj, "microcredentials", promoted);
	reply_json(r, 200, obj);
}

/* ---- Logo ---- */

void handle_organisation_logo_get(struct req *r)
{
	static const char sql[] =
	    "SELECT content_type, data, sha256 FROM organisation_logos WHERE organisation_id = ?";
	struct db_result res;
	long long id;
	char etag[80];

	if (parse_long(r->params[0], 1, INT64_MAX, &id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no organisation has this id");
		return;
	}
	struct db_param params[] = { P_INT(id) };
	if (db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return;
	}
	if (res.rows == 0) {
		db_result_free(&res);
		reply_error(r, 404, "not_found", NULL, "this organisation has no logo");
		return;
	}
	snprintf(etag, sizeof etag, "\"%s\"", db_cell(&res, 0, 2));
	reply_header(r, "Content-Security-Policy", LOGO_CSP);
	reply_header(r, "X-Content-Type-Options", "nosniff");
	reply_header(r, "Cache-Control", "public, max-age=300");
	reply_header(r, "ETag", etag);
	const char *match = req_header(r, "HTTP_IF_NONE_MATCH");
	if (match && strcmp(match, etag) == 0)
		reply_raw(r, 304, NULL, NULL, 0);
	else
		reply_raw(r, 200, db_cell(&res, 0, 0), db_cell(&res, 0, 1), res.lengths[1]);
	db_result_free(&res);
}

void handle_organisation_logo_put(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO organisation_logos (organisation_id, content_type, data, sha256, updated_at)"
	    " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE"
	    " content_type = VALUE(content_type), data = VALUE(data), sha256 = VALUE(sha256),"
	    " updated_at = VALUE(updated_at)";
	struct db_result org;
	long long id;
	const char *problem;
	char digest[65];

	if (organisation_row_or_reply(r, false, &id, &org) != 0)
		return;
	db_result_free(&org);
	if (!caller_manages_organisation(r, id)) {
		reply_error(r, 403, "forbidden", NULL,
		    "only a coordinator or an administrator of this organisation may change its logo");
		return;
	}
	const char *type = logo_check(r->body, r->body_len, &problem);
	if (!type && r->body_len > LOGO_MAX_BYTES) {
		reply_error(r, 413, "payload_too_large", "logo", "the logo has %zu bytes; the limit is %d",
		    r->body_len, LOGO_MAX_BYTES);
		return;
	}
	if (!type) {
		reply_error(r, 400, "invalid_field", "logo", "%s", problem);
		return;
	}
	sha256_hex(r->body, r->body_len, digest);
	struct db_param params[] = { P_INT(id), P_TEXT(type), P_TEXTN(r->body, r->body_len),
		P_TEXT(digest) };
	if (db_begin(r->w) != 0 || db_exec(r->w, sql, params, 4, NULL, NULL) != 0 ||
	    audit_record(r, "organisation_logo_changed", "organisation", r->params[0], id,
	    json_pack("{s:s, s:I}", "content_type", type, "bytes", (json_int_t)r->body_len)) != 0 ||
	    db_commit(r->w) != 0) {
		db_rollback(r->w);
		reply_db_error(r);
		return;
	}
	log_event(LOG_INFO, r->request_id, "event=organisation_logo_changed organisation=%lld type=%s "
	    "bytes=%zu user=%lld", id, type, r->body_len, r->user->id);
	char logo_url[64];
	snprintf(logo_url, sizeof logo_url, "/api/v1/organisations/%lld/logo", id);
	reply_json(r, 200, json_pack("{s:s, s:s, s:I, s:s}", "logo_url", logo_url, "content_type", type,
	    "bytes", (json_int_t)r->body_len, "sha256", digest));
}

/* ---- Coordinators: members list and status ---- */

void handle_members_list(struct req *r)
{
	static const char sql[] =
	    "SELECT " ORG_COLUMNS ","
	    " (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id AND u.disabled_at IS NULL),"
	    " (SELECT COUNT(*) FROM certificates ce WHERE ce.promoting_organisation_id = o.id),"
	    " (SELECT MAX(a.at) FROM audit_log a WHERE a.organisation_id = o.id), o.status_changed_at,"
	    " (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id AND u.role = 'reviewer'"
	    "  AND u.disabled_at IS NULL AND u.password_hash IS NOT NULL)"
	    " FROM organisations o LEFT JOIN countries c ON c.code = o.country"
	    " WHERE (? IS NULL OR o.country = ?) AND (? IS NULL OR o.type = ?) AND (? IS NULL OR o.status = ?)"
	    " ORDER BY c.name, o.type, o.name";
	char *country = NULL, *type = NULL, *status = NULL;
	struct db_result res = { 0 };

	if (filter_or_reply(r, "country", country_shape_valid, &country) != 0 ||
	    filter_or_reply(r, "type", organisation_type_valid, &type) != 0 ||
	    filter_or_reply(r, "status", organisation_status_valid, &status) != 0)
		goto out;
	struct db_param params[] = { P_TEXT(country), P_TEXT(country), P_TEXT(type), P_TEXT(type),
		P_TEXT(status), P_TEXT(status) };
	if (db_query(r->w, sql, params, 6, &res) != 0) {
		reply_db_error(r);
		goto out;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *item = organisation_row_json(&res, row, true);

		set_text_or_null(item, "contact_email", db_cell(&res, row, ORG_CONTACT_EMAIL));
		json_object_set_new(item, "users", json_integer(db_cell_int(&res, row, ORG_CONTACT_EMAIL + 1)));
		json_object_set_new(item, "certificates",
		    json_integer(db_cell_int(&res, row, ORG_CONTACT_EMAIL + 2)));
		json_set_time(item, "last_activity_at", "last_activity_on",
		    db_cell(&res, row, ORG_CONTACT_EMAIL + 3));
		json_set_time(item, "status_changed_at", "status_changed_on",
		    db_cell(&res, row, ORG_CONTACT_EMAIL + 4));
		/* Reviewers who have set a password, the ones the validation page may assign. */
		json_object_set_new(item, "active_reviewers",
		    json_integer(db_cell_int(&res, row, ORG_CONTACT_EMAIL + 5)));
		json_array_append_new(items, item);
	}
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)res.rows));

out:
	db_result_free(&res);
	free(country);
	free(type);
	free(status);
}

/* Queues a notice of the new status to the organisation's contact address, when it has one. */
static int status_notice_add(struct req *r, const struct db_result *org, long long id,
    const char *status, const char *reason)
{
	const char *contact = db_cell(org, 0, ORG_CONTACT_EMAIL);
	struct buf subject, body;
	int rc;

	if (!contact)
		return 0;
	buf_init(&subject);
	buf_init(&body);
	buf_printf(&subject, "%s: membership status %s", db_cell(org, 0, ORG_NAME), status);
	buf_printf(&body, "The coordinators of the %s changed the membership status of %s from %s to "
	    "%s.\n\nReason: %s\n", MIC_ISSUER_NAME, db_cell(org, 0, ORG_NAME),
	    db_cell(org, 0, ORG_STATUS), status, reason);
	struct outbox_message m = { .recipient = contact, .subject = subject.data, .body = body.data,
		.kind = "organisation_status", .organisation_id = id };
	rc = outbox_add(r->w, &m);
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

void handle_organisation_status(struct req *r)
{
	static const char sql[] =
	    "UPDATE organisations SET status = ?, status_changed_at = UTC_TIMESTAMP(6),"
	    " joined_at = IF(? = 'active' AND joined_at IS NULL, UTC_TIMESTAMP(6), joined_at)"
	    " WHERE id = ?";
	json_t *body = NULL;
	char *status = NULL, *reason = NULL;
	struct db_result org = { 0 };
	long long id;

	if (organisation_row_or_reply(r, false, &id, &org) != 0)
		return;
	body = req_json_or_reply(r);
	if (!body)
		goto out;
	if (text_field_or_reply(r, body, "status", true, 16, false, &status) != 0 ||
	    text_field_or_reply(r, body, "reason", true, ORG_REASON_MAX, true, &reason) != 0)
		goto out;
	if (!organisation_status_valid(status) || strcmp(status, "applicant") == 0) {
		reply_error(r, 400, "invalid_field", "status", "status must be active, suspended or left");
		goto out;
	}
	const char *previous = db_cell(&org, 0, ORG_STATUS);
	if (strcmp(previous, status) == 0) {
		reply_error(r, 409, "conflict", "status", "the organisation's status is %s already", status);
		goto out;
	}
	if (strcmp(previous, "applicant") == 0) {
		reply_error(r, 409, "conflict", "status",
		    "the organisation is an applicant: approve or reject its application instead");
		goto out;
	}
	struct db_param params[] = { P_TEXT(status), P_TEXT(status), P_INT(id) };
	if (db_begin(r->w) != 0 || db_exec(r->w, sql, params, 3, NULL, NULL) != 0 ||
	    audit_record(r, "organisation_status_changed", "organisation", r->params[0], id,
	    json_pack("{s:s, s:s, s:s}", "from", previous, "to", status, "reason", reason)) != 0 ||
	    status_notice_add(r, &org, id, status, reason) != 0 || db_commit(r->w) != 0) {
		db_rollback(r->w);
		reply_db_error(r);
		goto out;
	}
	log_event(LOG_INFO, r->request_id, "event=organisation_status_changed organisation=%lld "
	    "from=%s to=%s user=%lld", id, previous, status, r->user->id);
	reply_json(r, 200, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "status", status,
	    "previous_status", previous, "reason", reason));

out:
	db_result_free(&org);
	json_decref(body);
	free(status);
	free(reason);
}
