/*
 * applications.c: joining the alliance.
 *
 * 1. Anyone submits an application (POST /api/v1/applications); the contact person receives a
 *    single-use link to confirm the e-mail address, and coordinators do not see it yet.
 * 2. Confirming (POST /api/v1/applications/confirm) sets the status to submitted, creates the
 *    organisation with status applicant and e-mails every coordinator.
 * 3. A coordinator approves (the organisation becomes active and the contact person is invited
 *    as its org_admin), rejects with a reason (the applicant organisation is deleted), or asks for
 *    more information, which the contact person receives by e-mail and answers by e-mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mic.h"

#define CONTACT_NAME_MAX 200
#define MOTIVATION_MAX 5000
#define DECISION_MESSAGE_MAX 2000
#define CONFIRMATION_TTL (2 * 86400)

struct application_input {
	struct organisation_input org;
	char *contact_name;
	char *contact_email;
	char *motivation;
};

static void application_input_free(struct application_input *in)
{
	organisation_input_free(&in->org);
	free(in->contact_name);
	free(in->contact_email);
	free(in->motivation);
}

static int application_parse_or_reply(struct req *r, json_t *body, struct application_input *in)
{
	json_t *charter = json_object_get(body, "charter_accepted");

	if (organisation_input_parse_or_reply(r, body, &in->org) != 0 ||
	    text_field_or_reply(r, body, "contact_name", true, CONTACT_NAME_MAX, false,
	    &in->contact_name) != 0 ||
	    email_field_or_reply(r, body, "contact_email", true, &in->contact_email) != 0 ||
	    text_field_or_reply(r, body, "motivation", true, MOTIVATION_MAX, true, &in->motivation) != 0)
		return -1;
	if (!json_is_true(charter)) {
		reply_error(r, 400, charter ? "invalid_field" : "missing_field", "charter_accepted",
		    "charter_accepted must be true: an organisation joins by accepting the alliance's charter");
		return -1;
	}
	return 0;
}

static int name_free_or_reply(struct req *r, const char *name)
{
	static const char sql[] = "SELECT COUNT(*) FROM organisations WHERE name = ?";
	struct db_param params[] = { P_TEXT(name) };
	struct db_result res;
	bool taken;

	if (db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return -1;
	}
	taken = db_cell_int(&res, 0, 0) > 0;
	db_result_free(&res);
	if (taken) {
		reply_error(r, 409, "conflict", "name",
		    "an organisation with this name exists already; if it is yours, ask its administrator");
		return -1;
	}
	return 0;
}

static int application_insert(struct req *r, const struct application_input *in, long long *id)
{
	static const char sql[] =
	    "INSERT INTO applications (name, type, country, city, website, description, contact_name,"
	    " contact_email, motivation, charter_accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " UTC_TIMESTAMP(6))";
	struct db_param params[] = {
		P_TEXT(in->org.name), P_TEXT(in->org.type), P_TEXT(in->org.country), P_TEXT(in->org.city),
		P_TEXT(in->org.website), P_TEXT(in->org.description), P_TEXT(in->contact_name),
		P_TEXT(in->contact_email), P_TEXT(in->motivation),
	};
	unsigned long long insert_id = 0;

	if (db_exec(r->w, sql, params, sizeof params / sizeof params[0], NULL, &insert_id) != 0)
		return -1;
	*id = (long long)insert_id;
	return 0;
}

static int confirmation_mail_add(struct req *r, const struct application_input *in, long long id)
{
	char token[ACCOUNT_TOKEN_CHARS + 1], link[ACCOUNT_LINK_MAX];
	struct buf body;
	int rc;

	if (account_token_create(r->w, "email_confirmation", 0, id, CONFIRMATION_TTL, token) != 0)
		return -1;
	account_link("join/confirm", token, link, sizeof link);
	buf_init(&body);
	buf_printf(&body, "Hello %s,\n\nthank you for the application of %s to join the %s.\n\n"
	    "Confirm your e-mail address within 48 hours with this link (it works once), and the "
	    "coordinators will review the application:\n%s\n\nIf you did not apply, ignore this "
	    "message and the application will not go ahead.\n", in->contact_name, in->org.name,
	    MIC_ISSUER_NAME, link);
	struct outbox_message m = { .recipient = in->contact_email,
		.subject = "Confirm your application to the alliance", .body = body.data,
		.kind = "application_confirmation", .application_id = id };
	rc = outbox_add(r->w, &m);
	OPENSSL_cleanse(token, sizeof token);
	buf_free(&body);
	return rc;
}

void handle_application_create(struct req *r)
{
	json_t *body = req_json_or_reply(r);
	struct application_input in = { 0 };
	long long id = 0;

	if (!body)
		return;
	if (application_parse_or_reply(r, body, &in) != 0 || name_free_or_reply(r, in.org.name) != 0)
		goto out;
	if (db_begin(r->w) != 0 || application_insert(r, &in, &id) != 0 ||
	    confirmation_mail_add(r, &in, id) != 0 || db_commit(r->w) != 0) {
		db_rollback(r->w);
		reply_db_error(r);
		goto out;
	}
	log_event(LOG_INFO, r->request_id, "event=application_submitted application=%lld", id);
	reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:s}",
	    "id", (json_int_t)id, "status", "unconfirmed",
	    "message", "check your e-mail: the application goes to the coordinators once you confirm "
	    "the address with the link we sent",
	    "name", in.org.name, "type", in.org.type, "country", in.org.country, "city", in.org.city,
	    "website", in.org.website, "description", in.org.description, "contact_name", in.contact_name,
	    "contact_email", in.contact_email, "motivation", in.motivation));

out:
	application_input_free(&in);
	json_decref(body);
}

/* ---- Confirmation ---- */

/* Queues a notice of the new application to every enabled coordinator. */
static int coordinators_notice_add(struct req *r, long long application_id, const char *name)
{
	static const char sql[] =
	    "SELECT id, email FROM users WHERE role = 'coordinator' AND disabled_at IS NULL";
	struct db_result res;
	struct buf subject, body;
	int rc = 0;

	if (db_query(r->w, sql, NULL, 0, &res) != 0)
		return -1;
	buf_init(&subject);
	buf_init(&body);
	buf_printf(&subject, "New application to join: %s", name);
	buf_printf(&body, "%s has applied to join the alliance and confirmed its contact address.\n\n"
	    "Review it in the coordinators' dashboard:\n%s/dashboard\n", name, cfg.public_url);
	for (size_t row = 0; row < res.rows && rc == 0; row++) {
		struct outbox_message m = { .recipient = db_cell(&res, row, 1), .subject = subject.data,
			.body = body.data, .kind = "application_waiting",
			.user_id = db_cell_int(&res, row, 0), .application_id = application_id };
		rc = outbox_add(r->w, &m);
	}
	buf_free(&subject);
	buf_free(&body);
	db_result_free(&res);
	return rc;
}

/* Creates the applicant organisation of a confirmed application. Returns 1 when its name is taken. */
static int applicant_organisation_insert(struct req *r, long long application_id, long long *org_id)
{
	static const char insert_sql[] =
	    "INSERT INTO organisations (name, type, country, city, website, description, contact_email,"
	    " status, joined_at) SELECT name, type, country, city, website, description, contact_email,"
	    " 'applicant', NULL FROM applications WHERE id = ?";
	static const char link_sql[] =
	    "UPDATE applications SET status = 'submitted', confirmed_at = UTC_TIMESTAMP(6),"
	    " organisation_id = ? WHERE id = ?";
	struct db_param params[] = { P_INT(application_id) };
	unsigned long long id = 0;

	if (db_exec(r->w, insert_sql, params, 1, NULL, &id) != 0)
		return db_errno(r->w) == 1062 ? 1 : -1;
	struct db_param link_params[] = { P_INT((long long)id), P_INT(application_id) };
	if (db_exec(r->w, link_sql, link_params, 2, NULL, NULL) != 0)
		return -1;
	*org_id = (long long)id;
	return 0;
}

void handle_application_confirm(struct req *r)
{
	static const char app_sql[] = "SELECT status, name FROM applications WHERE id = ? FOR UPDATE";
	json_t *body = req_json_or_reply(r);
	const char *token;
	long long user_id = 0, application_id = 0, org_id = 0;
	struct db_result app = { 0 };
	char id_text[24];

	if (!body)
		return;
	if (json_string_or_reply(r, body, "token", true, 128, &token) != 0)
		goto out;
	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (account_token_redeem_or_reply(r, token, "email_confirmation", NULL, &user_id,
	    &application_id, NULL, 0) != 0)
		goto rollback;
	struct db_param params[] = { P_INT(application_id) };
	if (db_query(r->w, app_sql, params, 1, &app) != 0 || app.rows == 0) {
		reply_db_error(r);
		goto rollback;
	}
	if (strcmp(db_cell(&app, 0, 0), "unconfirmed") != 0) {
		reply_error(r, 409, "conflict", "token", "this application has been confirmed already");
		goto rollback;
	}
	int rc = applicant_organisation_insert(r, application_id, &org_id);
	if (rc == 1) {
		reply_error(r, 409, "conflict", "name",
		    "an organisation with this name joined meanwhile; apply again under another name");
		goto rollback;
	}
	snprintf(id_text, sizeof id_text, "%lld", application_id);
	if (rc != 0 || audit_record(r, "application_confirmed", "application", id_text, org_id, NULL) != 0 ||
	    coordinators_notice_add(r, application_id, db_cell(&app, 0, 1)) != 0 ||
	    db_commit(r->w) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	log_event(LOG_INFO, r->request_id, "event=application_confirmed application=%lld organisation=%lld",
	    application_id, org_id);
	reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)application_id, "status",
	    "submitted"));
	goto out;

rollback:
	db_rollback(r->w);
out:
	db_result_free(&app);
	json_decref(body);
}

/* ---- Coordinators ---- */

enum app_column {
	APP_ID, APP_NAME, APP_TYPE, APP_COUNTRY, APP_CITY, APP_WEBSITE, APP_DESCRIPTION,
	APP_CONTACT_NAME, APP_CONTACT_EMAIL, APP_MOTIVATION, APP_STATUS, APP_CREATED_AT,
	APP_CONFIRMED_AT, APP_DECIDED_AT, APP_DECISION_MESSAGE, APP_ORG_ID, APP_WAITING_DAYS,
};
#define APP_COLUMNS \
	"id, name, type, country, city, website, description, contact_name, contact_email," \
	" motivation, status, created_at, confirmed_at, decided_at, decision_message," \
	" organisation_id, TIMESTAMPDIFF(DAY, confirmed_at, UTC_TIMESTAMP(6))"

static json_t *application_json(const struct db_result *res, size_t row)
{
	static const char *const keys[] = {
		[APP_NAME] = "name", [APP_TYPE] = "type", [APP_COUNTRY] = "country", [APP_CITY] = "city",
		[APP_WEBSITE] = "website", [APP_DESCRIPTION] = "description",
		[APP_CONTACT_NAME] = "contact_name", [APP_CONTACT_EMAIL] = "contact_email",
		[APP_MOTIVATION] = "motivation", [APP_STATUS] = "status",
	};
	json_t *obj = json_object();

	json_object_set_new(obj, "id", json_integer(db_cell_int(res, row, APP_ID)));
	for (size_t col = APP_NAME; col <= APP_STATUS; col++) {
		const char *value = db_cell(res, row, col);

		json_object_set_new(obj, keys[col], value ? json_string(value) : json_null());
	}
	json_set_time(obj, "created_at", "created_on", db_cell(res, row, APP_CREATED_AT));
	json_set_time(obj, "confirmed_at", "confirmed_on", db_cell(res, row, APP_CONFIRMED_AT));
	json_set_time(obj, "decided_at", "decided_on", db_cell(res, row, APP_DECIDED_AT));
	const char *message = db_cell(res, row, APP_DECISION_MESSAGE);
	json_object_set_new(obj, "decision_message", message ? json_string(message) : json_null());
	const char *org = db_cell(res, row, APP_ORG_ID);
	json_object_set_new(obj, "organisation_id", org ? json_integer(atoll(org)) : json_null());
	const char *waiting = db_cell(res, row, APP_WAITING_DAYS);
	json_object_set_new(obj, "waiting_days", waiting ? json_integer(atoll(waiting)) : json_null());
	return obj;
}

static bool application_status_valid(const char *status)
{
	return strcmp(status, "submitted") == 0 || strcmp(status, "info_requested") == 0 ||
	    strcmp(status, "approved") == 0 || strcmp(status, "rejected") == 0;
}

/* GET /api/v1/applications?status=: confirmed applications, the oldest waiting first. */
void handle_applications_list(struct req *r)
{
	static const char sql[] =
	    "SELECT " APP_COLUMNS " FROM applications WHERE status <> 'unconfirmed'"
	    " AND (? IS NULL OR status = ?) ORDER BY status IN ('approved', 'rejected'), confirmed_at, id";
	char *status = req_query(r, "status");
	struct db_result res = { 0 };

	if (status && !application_status_valid(status)) {
		reply_error(r, 400, "invalid_field", "status",
		    "status must be submitted, info_requested, approved or rejected");
		goto out;
	}
	struct db_param params[] = { P_TEXT(status), P_TEXT(status) };
	if (db_query(r->w, sql, params, 2, &res) != 0) {
		reply_db_error(r);
		goto out;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++)
		json_array_append_new(items, application_json(&res, row));
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)res.rows));

out:
	db_result_free(&res);
	free(status);
}

/*
 * Locks the application of the path for a decision. Replies 404 for an unknown or unconfirmed
 * one and 409 when it has been decided already.
 */
static int open_application_or_reply(struct req *r, long long *id, struct db_result *app)
{
	static const char sql[] = "SELECT " APP_COLUMNS " FROM applications WHERE id = ? FOR UPDATE";

	memset(app, 0, sizeof *app);
	if (parse_long(r->params[0], 1, INT64_MAX, id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no application has this id");
		return -1;
	}
	struct db_param params[] = { P_INT(*id) };
	if (db_query(r->w, sql, params, 1, app) != 0) {
		reply_db_error(r);
		return -1;
	}
	const char *status = app->rows ? db_cell(app, 0, APP_STATUS) : "unconfirmed";
	if (strcmp(status, "unconfirmed") == 0) {
		reply_error(r, 404, "not_found", NULL, "no confirmed application has this id");
		return -1;
	}
	if (strcmp(status, "approved") == 0 || strcmp(status, "rejected") == 0) {
		reply_error(r, 409, "conflict", NULL, "this application has been %s already", status);
		return -1;
	}
	return 0;
}

static int decision_update(struct req *r, long long id, const char *status, const char *message)
{
	static const char sql[] =
	    "UPDATE applications SET status = ?, decided_at = IF(? IN ('approved', 'rejected'),"
	    " UTC_TIMESTAMP(6), NULL), decided_by = ?, decision_message = ? WHERE id = ?";
	struct db_param params[] = { P_TEXT(status), P_TEXT(status), P_INT(r->user->id),
		P_TEXT(message), P_INT(id) };

	return db_exec(r->w, sql, params, 5, NULL, NULL);
}

static int applicant_mail_add(struct req *r, const struct db_result *app, long long id,
    const char *kind, const char *subject, const char *text)
{
	struct buf body;
	int rc;

	buf_init(&body);
	buf_printf(&body, "Hello %s,\n\n%s\n", db_cell(app, 0, APP_CONTACT_NAME), text);
	struct outbox_message m = { .recipient = db_cell(app, 0, APP_CONTACT_EMAIL), .subject = subject,
		.body = body.data, .kind = kind, .application_id = id,
		.organisation_id = db_cell_int(app, 0, APP_ORG_ID) };
	rc = outbox_add(r->w, &m);
	buf_free(&body);
	return rc;
}

/* Commits and replies with the application as it is now; replies with an error on failure. */
static void decision_commit_and_reply(struct req *r, long long id, const char *action)
{
	static const char sql[] = "SELECT " APP_COLUMNS " FROM applications WHERE id = ?";
	struct db_param params[] = { P_INT(id) };
	struct db_result res;

	if (db_query(r->w, sql, params, 1, &res) != 0 || db_commit(r->w) != 0) {
		db_rollback(r->w);
		reply_db_error(r);
		return;
	}
	log_event(LOG_INFO, r->request_id, "event=%s application=%lld by=%lld", action, id, r->user->id);
	reply_json(r, 200, application_json(&res, 0));
	db_result_free(&res);
}

static int message_or_reply(struct req *r, const char *field, char **out)
{
	json_t *body = req_json_or_reply(r);
	int rc;

	if (!body)
		return -1;
	rc = text_field_or_reply(r, body, field, true, DECISION_MESSAGE_MAX, true, out);
	json_decref(body);
	return rc;
}

void handle_application_approve(struct req *r)
{
	static const char activate_sql[] =
	    "UPDATE organisations SET status = 'active', joined_at = UTC_TIMESTAMP(6),"
	    " status_changed_at = UTC_TIMESTAMP(6) WHERE id = ? AND status = 'applicant'";
	struct db_result app = { 0 };
	long long id, org_id, user_id;
	unsigned long long changed = 0;

	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		return;
	}
	if (open_application_or_reply(r, &id, &app) != 0)
		goto rollback;
	org_id = db_cell_int(&app, 0, APP_ORG_ID);
	struct db_param params[] = { P_INT(org_id) };
	if (db_exec(r->w, activate_sql, params, 1, &changed, NULL) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	if (changed != 1) {
		reply_error(r, 409, "conflict", NULL,
		    "the applicant organisation of this application no longer exists");
		goto rollback;
	}
	user_id = account_invite(r, db_cell(&app, 0, APP_CONTACT_EMAIL), db_cell(&app, 0, APP_CONTACT_NAME),
	    ROLE_ORG_ADMIN, org_id, db_cell(&app, 0, APP_NAME));
	if (user_id == 0) {
		reply_error(r, 409, "conflict", "contact_email",
		    "the contact e-mail address has an account already, and a person can belong to one "
		    "organisation only; ask the applicant for another contact person");
		goto rollback;
	}
	if (user_id < 0 || decision_update(r, id, "approved", NULL) != 0 ||
	    audit_record(r, "application_approved", "application", r->params[0], org_id,
	    json_pack("{s:I}", "org_admin_user_id", (json_int_t)user_id)) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	decision_commit_and_reply(r, id, "application_approved");
	goto out;

rollback:
	db_rollback(r->w);
out:
	db_result_free(&app);
}

void handle_application_reject(struct req *r)
{
	static const char delete_sql[] = "DELETE FROM organisations WHERE id = ? AND status = 'applicant'";
	struct db_result app = { 0 };
	char *reason = NULL;
	long long id;
	struct buf text;

	buf_init(&text);
	if (message_or_reply(r, "reason", &reason) != 0)
		return;
	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (open_application_or_reply(r, &id, &app) != 0)
		goto rollback;
	long long org_id = db_cell_int(&app, 0, APP_ORG_ID);
	buf_printf(&text, "the coordinators of the %s have decided not to accept the application of %s "
	    "at this time.\n\nReason: %s", MIC_ISSUER_NAME, db_cell(&app, 0, APP_NAME), reason);
	struct db_param params[] = { P_INT(org_id) };
	if (applicant_mail_add(r, &app, id, "application_rejected", "Your application to the alliance",
	    text.data) != 0 || decision_update(r, id, "rejected", reason) != 0 ||
	    db_exec(r->w, delete_sql, params, 1, NULL, NULL) != 0 ||
	    audit_record(r, "application_rejected", "application", r->params[0], 0,
	    json_pack("{s:s, s:I}", "reason", reason, "organisation_id", (json_int_t)org_id)) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	decision_commit_and_reply(r, id, "application_rejected");
	goto out;

rollback:
	db_rollback(r->w);
out:
	buf_free(&text);
	db_result_free(&app);
	free(reason);
}

void handle_application_request_information(struct req *r)
{
	struct db_result app = { 0 };
	char *message = NULL;
	long long id;
	struct buf text;

	buf_init(&text);
	if (message_or_reply(r, "message", &message) != 0)
		return;
	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (open_application_or_reply(r, &id, &app) != 0)
		goto rollback;
	buf_printf(&text, "the coordinators of the %s need more information about the application of "
	    "%s:\n\n%s\n\nPlease answer by replying to the coordinators.", MIC_ISSUER_NAME,
	    db_cell(&app, 0, APP_NAME), message);
	if (applicant_mail_add(r, &app, id, "application_information",
	    "More information needed for your application", text.data) != 0 ||
	    decision_update(r, id, "info_requested", message) != 0 ||
	    audit_record(r, "application_information_requested", "application", r->params[0],
	    db_cell_int(&app, 0, APP_ORG_ID), json_pack("{s:s}", "message", message)) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	decision_commit_and_reply(r, id, "application_information_requested");
	goto out;

rollback:
	db_rollback(r->w);
out:
	buf_free(&text);
	db_result_free(&app);
	free(message);
}
