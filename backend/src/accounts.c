/*
 * accounts.c: single-use links sent by e-mail (invitations, password resets, e-mail
 * confirmation) and the management of an organisation's users.
 *
 * A link carries 32 random bytes (base64url); account_tokens stores only their SHA-256, with a
 * purpose, an expiry and used_at, which redeeming sets in the same transaction as the change the
 * link allows. So a link works once, and a database dump holds no usable link.
 *
 * An organisation administrator invites, re-roles and removes the users of their own
 * organisation; a coordinator may do so for any organisation. A user belongs to at most one
 * organisation because an e-mail address names one account.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mic.h"

#define TOKEN_BYTES 32
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024
#define USER_NAME_MAX 200
#define INVITATION_TTL (7 * 86400)
#define PASSWORD_RESET_TTL 3600
/* A new reset link for the same account is not sent more often than this. */
#define PASSWORD_RESET_INTERVAL 60

int account_token_create(struct worker *w, const char *purpose, long long user_id,
    long long application_id, int ttl_seconds, char token[ACCOUNT_TOKEN_CHARS + 1])
{
	static const char sql[] =
	    "INSERT INTO account_tokens (token_hash, purpose, user_id, application_id, expires_at)"
	    " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND)";
	char hash[65];

	token_random(token, ACCOUNT_TOKEN_CHARS + 1, TOKEN_BYTES);
	sha256_hex(token, strlen(token), hash);
	struct db_param params[] = {
		P_TEXT(hash), P_TEXT(purpose), user_id > 0 ? P_INT(user_id) : P_NULL,
		application_id > 0 ? P_INT(application_id) : P_NULL, P_INT(ttl_seconds),
	};
	return db_exec(w, sql, params, 5, NULL, NULL);
}

int account_token_redeem_or_reply(struct req *r, const char *token, const char *purpose_a,
    const char *purpose_b, long long *user_id, long long *application_id, char *purpose_out,
    size_t purpose_len)
{
	static const char select_sql[] =
	    "SELECT purpose, user_id, application_id, used_at IS NOT NULL,"
	    " expires_at <= UTC_TIMESTAMP(6) FROM account_tokens WHERE token_hash = ? FOR UPDATE";
	static const char use_sql[] =
	    "UPDATE account_tokens SET used_at = UTC_TIMESTAMP(6) WHERE token_hash = ?";
	struct db_result res;
	char hash[65];
	int rc = -1;

	sha256_hex(token, strlen(token), hash);
	struct db_param params[] = { P_TEXT(hash) };
	if (db_query(r->w, select_sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return -1;
	}
	const char *purpose = res.rows ? db_cell(&res, 0, 0) : NULL;
	if (!purpose || (strcmp(purpose, purpose_a) != 0 && (!purpose_b || strcmp(purpose, purpose_b) != 0))) {
		reply_error(r, 400, "invalid_field", "token",
		    "this link is not valid: copy the whole link from the e-mail");
		goto out;
	}
	if (db_cell_int(&res, 0, 3)) {
		reply_error(r, 409, "conflict", "token", "this link has been used already");
		goto out;
	}
	if (db_cell_int(&res, 0, 4)) {
		reply_error(r, 409, "conflict", "token", "this link has expired: ask for a new one");
		goto out;
	}
	if (db_exec(r->w, use_sql, params, 1, NULL, NULL) != 0) {
		reply_db_error(r);
		goto out;
	}
	*user_id = db_cell_int(&res, 0, 1);
	*application_id = db_cell_int(&res, 0, 2);
	if (purpose_out)
		snprintf(purpose_out, purpose_len, "%s", purpose);
	rc = 0;

out:
	db_result_free(&res);
	return rc;
}

void account_link(const char *page, const char *token, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s?token=%s", cfg.public_url, page, token);

	if (n < 0 || (size_t)n >= outlen)
		abort();  /* config.c caps the public URL, so ACCOUNT_LINK_MAX always fits */
}

long long account_invite(struct req *r, const char *email, const char *name, enum role role,
    long long organisation_id, const char *organisation_name)
{
	static const char sql[] =
	    "INSERT INTO users (email, name, password_hash, role, organisation_id) VALUES (?, ?, NULL, ?, ?)";
	struct db_param params[] = { P_TEXT(email), P_TEXT(name), P_TEXT(role_name(role)),
		P_INT(organisation_id) };
	unsigned long long id = 0;
	char token[ACCOUNT_TOKEN_CHARS + 1], link[ACCOUNT_LINK_MAX];
	struct buf subject, body;
	int rc;

	if (db_exec(r->w, sql, params, 4, NULL, &id) != 0)
		return db_errno(r->w) == 1062 ? 0 : -1;
	if (account_token_create(r->w, "invitation", (long long)id, 0, INVITATION_TTL, token) != 0)
		return -1;
	account_link("account/password", token, link, sizeof link);
	buf_init(&subject);
	buf_init(&body);
	buf_printf(&subject, "Your invitation to MIC for %s", organisation_name);
	buf_printf(&body, "Hello %s,\n\nyou have been invited to MIC, the certification centre of the %s, "
	    "as %s of %s.\n\nSet your password within 7 days with this link (it works once):\n%s\n\n"
	    "If you did not expect this invitation, ignore this message.\n", name, MIC_ISSUER_NAME,
	    role_name(role), organisation_name, link);
	struct outbox_message m = { .recipient = email, .subject = subject.data, .body = body.data,
		.kind = "invitation", .user_id = (long long)id, .organisation_id = organisation_id };
	rc = outbox_add(r->w, &m);
	OPENSSL_cleanse(token, sizeof token);
	buf_free(&subject);
	buf_free(&body);
	if (rc != 0)
		return -1;
	return (long long)id;
}

static int password_or_reply(struct req *r, json_t *body, const char **password)
{
	if (json_string_or_reply(r, body, "password", true, PASSWORD_MAX, password) != 0)
		return -1;
	if (utf8_length(*password) < PASSWORD_MIN) {
		reply_error(r, 400, "invalid_field", "password", "password must have at least %d characters",
		    PASSWORD_MIN);
		return -1;
	}
	return 0;
}

/* POST /api/v1/account/password {token, password}: redeems an invitation or a reset link. */
void handle_account_password(struct req *r)
{
	/* The link came by e-mail, so following it also confirms a self-registered account. */
	static const char update_sql[] =
	    "UPDATE users SET password_hash = ?, email_confirmed_at = CASE WHEN registered_at IS NULL"
	    " THEN email_confirmed_at ELSE COALESCE(email_confirmed_at, UTC_TIMESTAMP(6)) END"
	    " WHERE id = ? AND disabled_at IS NULL";
	static const char sessions_sql[] = "DELETE FROM sessions WHERE user_id = ?";
	static const char others_sql[] =
	    "UPDATE account_tokens SET used_at = UTC_TIMESTAMP(6) WHERE user_id = ? AND used_at IS NULL";
	static const char email_sql[] = "SELECT email FROM users WHERE id = ?";
	json_t *body = req_json_or_reply(r);
	const char *token, *password;
	char hash[256], purpose[32];
	long long user_id = 0, application_id = 0;
	unsigned long long changed = 0;
	struct db_result user = { 0 };

	if (!body)
		return;
	if (json_string_or_reply(r, body, "token", true, 128, &token) != 0 ||
	    password_or_reply(r, body, &password) != 0)
		goto out;
	if (password_hash(password, cfg.scrypt_log_n, hash, sizeof hash) != 0) {
		reply_error(r, 500, "internal", NULL, "hashing the password failed; it has been logged");
		goto out;
	}
	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (account_token_redeem_or_reply(r, token, "invitation", "password_reset", &user_id,
	    &application_id, purpose, sizeof purpose) != 0)
		goto rollback;
	struct db_param update_params[] = { P_TEXT(hash), P_INT(user_id) };
	struct db_param user_params[] = { P_INT(user_id) };
	if (db_exec(r->w, update_sql, update_params, 2, &changed, NULL) != 0 ||
	    db_exec(r->w, sessions_sql, user_params, 1, NULL, NULL) != 0 ||
	    db_exec(r->w, others_sql, user_params, 1, NULL, NULL) != 0 ||
	    db_query(r->w, email_sql, user_params, 1, &user) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	if (user.rows == 0) {
		reply_error(r, 400, "invalid_field", "token", "the account of this link has been removed");
		goto rollback;
	}
	char user_id_text[24];
	snprintf(user_id_text, sizeof user_id_text, "%lld", user_id);
	if (audit_record(r, strcmp(purpose, "invitation") == 0 ? "invitation_accepted" :
	    "password_reset", "user", user_id_text, 0, NULL) != 0 || db_commit(r->w) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	log_event(LOG_INFO, r->request_id, "event=password_set user=%lld purpose=%s", user_id, purpose);
	reply_json(r, 200, json_pack("{s:s}", "email", db_cell(&user, 0, 0)));
	goto out;

rollback:
	db_rollback(r->w);
out:
	OPENSSL_cleanse(hash, sizeof hash);
	db_result_free(&user);
	json_decref(body);
}

/*
 * POST /api/v1/password-resets {email}: always 202, so the answer does not tell whether an account
 * exists. For an existing enabled account it queues an e-mail with a reset link.
 */
void handle_password_reset_request(struct req *r)
{
	static const char user_sql[] =
	    "SELECT u.id, u.email, u.name, (SELECT COUNT(*) FROM account_tokens t WHERE t.user_id = u.id"
	    " AND t.purpose = 'password_reset' AND t.created_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND)"
	    " FROM users u WHERE u.email_key = LOWER(?) AND u.disabled_at IS NULL";
	json_t *body = req_json_or_reply(r);
	char *email = NULL;
	struct db_result user = { 0 };
	char token[ACCOUNT_TOKEN_CHARS + 1], link[ACCOUNT_LINK_MAX];
	struct buf text;

	buf_init(&text);
	if (!body)
		return;
	if (email_field_or_reply(r, body, "email", true, &email) != 0)
		goto out;
	struct db_param params[] = { P_INT(PASSWORD_RESET_INTERVAL), P_TEXT(email) };
	if (db_begin(r->w) != 0 || db_query(r->w, user_sql, params, 2, &user) != 0)
		goto failed;
	if (user.rows == 1 && db_cell_int(&user, 0, 3) == 0) {
		long long user_id = db_cell_int(&user, 0, 0);

		if (account_token_create(r->w, "password_reset", user_id, 0, PASSWORD_RESET_TTL, token) != 0)
			goto failed;
		account_link("account/password", token, link, sizeof link);
		buf_printf(&text, "Hello %s,\n\nsomeone asked to reset the password of your MIC account. "
		    "Choose a new password within one hour with this link (it works once):\n%s\n\n"
		    "If you did not ask for this, ignore this message; your password stays as it is.\n",
		    db_cell(&user, 0, 2), link);
		struct outbox_message m = { .recipient = db_cell(&user, 0, 1),
			.subject = "Reset your MIC password", .body = text.data, .kind = "password_reset",
			.user_id = user_id };
		if (outbox_add(r->w, &m) != 0)
			goto failed;
		log_event(LOG_INFO, r->request_id, "event=password_reset_requested user=%lld", user_id);
	}
	if (db_commit(r->w) != 0)
		goto failed;
	reply_json(r, 202, json_pack("{s:s}", "message",
	    "if an account has this e-mail address, a link to reset its password is on its way"));
	goto out;

failed:
	db_rollback(r->w);
	reply_db_error(r);
out:
	OPENSSL_cleanse(token, sizeof token);
	buf_free(&text);
	db_result_free(&user);
	free(email);
	json_decref(body);
}

/* ---- Users of an organisation ---- */

/*
 * Parses the organisation id of the path, checks that the caller manages it and loads its name
 * and status into *org (columns name, status). Replies and returns -1 on failure.
 */
static int managed_organisation_or_reply(struct req *r, long long *id, struct db_result *org)
{
	static const char sql[] = "SELECT name, status FROM organisations WHERE id = ?";

	memset(org, 0, sizeof *org);
	if (parse_long(r->params[0], 1, INT64_MAX, id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no organisation has this id");
		return -1;
	}
	if (!caller_manages_organisation(r, *id)) {
		reply_error(r, 403, "forbidden", NULL,
		    "only a coordinator or an administrator of this organisation may manage its users");
		return -1;
	}
	struct db_param params[] = { P_INT(*id) };
	if (db_query(r->w, sql, params, 1, org) != 0) {
		reply_db_error(r);
		return -1;
	}
	if (org->rows == 0) {
		db_result_free(org);
		reply_error(r, 404, "not_found", NULL, "no organisation has this id");
		return -1;
	}
	return 0;
}

static int organisation_role_or_reply(struct req *r, json_t *body, enum role *role)
{
	const char *text;

	if (json_string_or_reply(r, body, "role", true, 32, &text) != 0)
		return -1;
	if (role_parse(text, role) != 0 || (*role != ROLE_ORG_ADMIN && *role != ROLE_EDITOR &&
	    *role != ROLE_ISSUER && *role != ROLE_REVIEWER)) {
		reply_error(r, 400, "invalid_field", "role",
		    "role must be one of org_admin, editor, issuer, reviewer");
		return -1;
	}
	return 0;
}

void handle_organisation_users_list(struct req *r)
{
	static const char sql[] =
	    "SELECT id, email, name, role, password_hash IS NOT NULL, created_at FROM users"
	    " WHERE organisation_id = ? AND disabled_at IS NULL ORDER BY name, id";
	struct db_result org, res = { 0 };
	long long id;

	if (managed_organisation_or_reply(r, &id, &org) != 0)
		return;
	struct db_param params[] = { P_INT(id) };
	if (db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		goto out;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)db_cell_int(&res, row, 0), "email", db_cell(&res, row, 1),
		    "name", db_cell(&res, row, 2), "role", db_cell(&res, row, 3),
		    "state", db_cell_int(&res, row, 4) ? "active" : "invited");
		json_set_time(item, "created_at", "created_on", db_cell(&res, row, 5));
		json_array_append_new(items, item);
	}
	reply_json(r, 200, json_pack("{s:o, s:{s:I, s:s, s:s}}", "items", items, "organisation",
	    "id", (json_int_t)id, "name", db_cell(&org, 0, 0), "status", db_cell(&org, 0, 1)));

out:
	db_result_free(&res);
	db_result_free(&org);
}

void handle_organisation_user_invite(struct req *r)
{
	json_t *body = NULL;
	char *email = NULL, *name = NULL;
	struct db_result org;
	enum role role;
	long long id, user_id;

	if (managed_organisation_or_reply(r, &id, &org) != 0)
		return;
	body = req_json_or_reply(r);
	if (!body)
		goto out;
	if (email_field_or_reply(r, body, "email", true, &email) != 0 ||
	    text_field_or_reply(r, body, "name", true, USER_NAME_MAX, false, &name) != 0 ||
	    organisation_role_or_reply(r, body, &role) != 0)
		goto out;
	if (strcmp(db_cell(&org, 0, 1), "active") != 0) {
		reply_error(r, 409, "conflict", NULL, "the organisation is %s, so it cannot invite users",
		    db_cell(&org, 0, 1));
		goto out;
	}
	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		goto out;
	}
	user_id = account_invite(r, email, name, role, id, db_cell(&org, 0, 0));
	if (user_id == 0) {
		db_rollback(r->w);
		reply_error(r, 409, "conflict", "email",
		    "an account with this e-mail address exists already; a person can belong to one "
		    "organisation only");
		goto out;
	}
	char user_id_text[24];
	snprintf(user_id_text, sizeof user_id_text, "%lld", user_id);
	if (user_id < 0 || audit_record(r, "user_invited", "user", user_id_text, id,
	    json_pack("{s:s}", "role", role_name(role))) != 0 || db_commit(r->w) != 0) {
		db_rollback(r->w);
		reply_db_error(r);
		goto out;
	}
	log_event(LOG_INFO, r->request_id, "event=user_invited user=%lld organisation=%lld role=%s by=%lld",
	    user_id, id, role_name(role), r->user->id);
	reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)user_id,
	    "email", email, "name", name, "role", role_name(role), "state", "invited"));

out:
	db_result_free(&org);
	json_decref(body);
	free(email);
	free(name);
}

/* Parses the user id of the path and checks that it is an enabled user of organisation id. */
static int organisation_user_or_reply(struct req *r, long long id, long long *user_id,
    char role_out[32])
{
	static const char sql[] =
	    "SELECT role FROM users WHERE id = ? AND organisation_id = ? AND disabled_at IS NULL";
	struct db_result res;

	if (parse_long(r->params[1], 1, INT64_MAX, user_id) != 0) {
		reply_error(r, 404, "not_found", NULL, "this organisation has no user with this id");
		return -1;
	}
	struct db_param params[] = { P_INT(*user_id), P_INT(id) };
	if (db_query(r->w, sql, params, 2, &res) != 0) {
		reply_db_error(r);
		return -1;
	}
	if (res.rows == 0) {
		db_result_free(&res);
		reply_error(r, 404, "not_found", NULL, "this organisation has no user with this id");
		return -1;
	}
	snprintf(role_out, 32, "%s", db_cell(&res, 0, 0));
	db_result_free(&res);
	if (*user_id == r->user->id) {
		reply_error(r, 409, "conflict", NULL,
		    "you cannot change or remove your own account; ask another administrator");
		return -1;
	}
	return 0;
}

void handle_organisation_user_update(struct req *r)
{
	static const char sql[] = "UPDATE users SET role = ? WHERE id = ?";
	json_t *body = NULL;
	struct db_result org;
	long long id, user_id;
	enum role role;
	char previous[32];

	if (managed_organisation_or_reply(r, &id, &org) != 0)
		return;
	if (organisation_user_or_reply(r, id, &user_id, previous) != 0)
		goto out;
	body = req_json_or_reply(r);
	if (!body || organisation_role_or_reply(r, body, &role) != 0)
		goto out;
	struct db_param params[] = { P_TEXT(role_name(role)), P_INT(user_id) };
	if (db_begin(r->w) != 0 || db_exec(r->w, sql, params, 2, NULL, NULL) != 0 ||
	    audit_record(r, "user_role_changed", "user", r->params[1], id,
	    json_pack("{s:s, s:s}", "from", previous, "to", role_name(role))) != 0 ||
	    db_commit(r->w) != 0) {
		db_rollback(r->w);
		reply_db_error(r);
		goto out;
	}
	log_event(LOG_INFO, r->request_id, "event=user_role_changed user=%lld organisation=%lld "
	    "from=%s to=%s by=%lld", user_id, id, previous, role_name(role), r->user->id);
	reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)user_id, "role", role_name(role)));

out:
	db_result_free(&org);
	json_decref(body);
}

/* Removes the user from the organisation: the account is disabled and its sessions and links end. */
void handle_organisation_user_remove(struct req *r)
{
	static const char disable_sql[] =
	    "UPDATE users SET disabled_at = UTC_TIMESTAMP(6) WHERE id = ?";
	static const char sessions_sql[] = "DELETE FROM sessions WHERE user_id = ?";
	static const char tokens_sql[] =
	    "UPDATE account_tokens SET used_at = UTC_TIMESTAMP(6) WHERE user_id = ? AND used_at IS NULL";
	struct db_result org;
	long long id, user_id;
	char role[32];

	if (managed_organisation_or_reply(r, &id, &org) != 0)
		return;
	if (organisation_user_or_reply(r, id, &user_id, role) != 0)
		goto out;
	struct db_param params[] = { P_INT(user_id) };
	if (db_begin(r->w) != 0 || db_exec(r->w, disable_sql, params, 1, NULL, NULL) != 0 ||
	    db_exec(r->w, sessions_sql, params, 1, NULL, NULL) != 0 ||
	    db_exec(r->w, tokens_sql, params, 1, NULL, NULL) != 0 ||
	    audit_record(r, "user_removed", "user", r->params[1], id, json_pack("{s:s}", "role", role)) != 0 ||
	    db_commit(r->w) != 0) {
		db_rollback(r->w);
		reply_db_error(r);
		goto out;
	}
	log_event(LOG_INFO, r->request_id, "event=user_removed user=%lld organisation=%lld by=%lld",
	    user_id, id, r->user->id);
	reply_no_content(r);

out:
	db_result_free(&org);
}
