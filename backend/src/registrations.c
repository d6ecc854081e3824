/*
 * registrations.c: learners who create their own account.
 *
 * POST /api/v1/registrations creates a learner account that cannot sign in until its owner opens
 * the single-use link e-mailed to the address (account_tokens, purpose "registration"). The reply
 * is the same whether or not the address already has an account, so the endpoint cannot be used
 * to find out who has one: for a known address the owner gets an e-mail instead, either a fresh
 * confirmation link (the account is still unconfirmed) or a note that the account exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mic.h"

#define LEARNER_NAME_MAX 200
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024
#define REGISTRATION_TTL (48 * 3600)
/* An address gets at most one registration e-mail in this many seconds. */
#define REGISTRATION_MAIL_INTERVAL 60

static const char registration_reply[] =
    "check your e-mail: we have sent a message with the next step to this address";

/* The account of an e-mail address, as a registration needs to know it. */
struct known_account {
	long long id;
	char *name;
	bool unconfirmed;
	bool recently_mailed;         /* a registration e-mail went out in the last interval */
};

static int known_account_load(struct worker *w, const char *email, struct known_account *out)
{
	static const char sql[] =
	    "SELECT u.id, u.name, u.registered_at IS NOT NULL AND u.email_confirmed_at IS NULL,"
	    " (SELECT COUNT(*) FROM email_outbox m WHERE m.user_id = u.id"
	    "  AND m.kind IN ('registration', 'account_exists')"
	    "  AND m.created_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND)"
	    " FROM users u WHERE u.email_key = LOWER(?) FOR UPDATE";
	struct db_param params[] = { P_INT(REGISTRATION_MAIL_INTERVAL), P_TEXT(email) };
	struct db_result res;

	memset(out, 0, sizeof *out);
	if (db_query(w, sql, params, 2, &res) != 0)
		return -1;
	if (res.rows == 1) {
		out->id = db_cell_int(&res, 0, 0);
		out->name = xstrdup(db_cell(&res, 0, 1));
		out->unconfirmed = db_cell_int(&res, 0, 2) != 0;
		out->recently_mailed = db_cell_int(&res, 0, 3) != 0;
	}
	db_result_free(&res);
	return 0;
}

/* Queues the e-mail with a new confirmation link for user_id, inside the caller's transaction. */
static int confirmation_mail_queue(struct worker *w, long long user_id, const char *email,
    const char *name)
{
	char token[ACCOUNT_TOKEN_CHARS + 1], link[ACCOUNT_LINK_MAX];
	struct buf body;
	int rc;

	if (account_token_create(w, "registration", user_id, 0, REGISTRATION_TTL, token) != 0)
		return -1;
	account_link("register/confirm", token, link, sizeof link);
	OPENSSL_cleanse(token, sizeof token);
	buf_init(&body);
	buf_printf(&body, "Hello %s,\n\nplease confirm your e-mail address to activate your learner "
	    "account at MIC, the certification centre of the %s. Open this link within 48 hours "
	    "(it works once):\n%s\n\nIf you did not register, ignore this message and the account "
	    "stays inactive.\n", name, MIC_ISSUER_NAME, link);
	struct outbox_message m = { .recipient = email, .subject = "Confirm your e-mail address for MIC",
		.body = body.data, .kind = "registration", .user_id = user_id };
	rc = outbox_add(w, &m);
	OPENSSL_cleanse(link, sizeof link);
	buf_free(&body);
	return rc;
}

/* Queues the note that the address already has an account, with where to sign in. */
static int account_exists_mail_queue(struct worker *w, const struct known_account *account,
    const char *email)
{
	struct buf body;
	int rc;

	buf_init(&body);
	buf_printf(&body, "Hello %s,\n\nsomeone tried to register at MIC with this e-mail address, "
	    "but you already have an account. Sign in at %s/sign-in. If you have forgotten your "
	    "password, you can reset it from there.\n\nIf this was not you, ignore this message; "
	    "nothing has changed.\n", account->name, cfg.public_url);
	struct outbox_message m = { .recipient = email, .subject = "You already have a MIC account",
		.body = body.data, .kind = "account_exists", .user_id = account->id };
	rc = outbox_add(w, &m);
	buf_free(&body);
	return rc;
}

/* Inserts the unconfirmed learner account; returns its id, 0 when the address is taken, -1. */
static long long learner_insert(struct worker *w, const char *email, const char *name,
    const char *password_hash)
{
	static const char sql[] =
	    "INSERT INTO users (email, name, password_hash, role, registered_at)"
	    " VALUES (?, ?, ?, 'learner', UTC_TIMESTAMP(6))";
	struct db_param params[] = { P_TEXT(email), P_TEXT(name), P_TEXT(password_hash) };
	unsigned long long id = 0;

	if (db_exec(w, sql, params, 3, NULL, &id) != 0)
		return db_errno(w) == 1062 ? 0 : -1;
	return (long long)id;
}

/* Parses and checks {name, email, password}; the strings are owned by the caller. */
static int registration_parse_or_reply(struct req *r, json_t *body, char **name, char **email,
    const char **password)
{
	if (text_field_or_reply(r, body, "name", true, LEARNER_NAME_MAX, false, name) != 0 ||
	    email_field_or_reply(r, body, "email", true, email) != 0 ||
	    json_string_or_reply(r, body, "password", true, PASSWORD_MAX, password) != 0)
		return -1;
	if (utf8_length(*password) < PASSWORD_MIN) {
		reply_error(r, 400, "invalid_field", "password",
		    "password must have at least %d characters", PASSWORD_MIN);
		return -1;
	}
	return 0;
}

/* POST /api/v1/registrations {name, email, password}: always 202 once the input is valid. */
void handle_registration_create(struct req *r)
{
	json_t *body = req_json_or_reply(r);
	char *name = NULL, *email = NULL;
	const char *password;
	char hash[256];
	struct known_account account = { 0 };
	long long user_id = 0;
	const char *outcome = "mail_suppressed";

	if (!body)
		return;
	if (registration_parse_or_reply(r, body, &name, &email, &password) != 0)
		goto out;
	/* Hashing happens for known addresses too, so the reply takes as long either way. */
	if (password_hash(password, cfg.scrypt_log_n, hash, sizeof hash) != 0) {
		reply_error(r, 500, "internal", NULL, "hashing the password failed; it has been logged");
		goto out;
	}
	if (db_begin(r->w) != 0 || known_account_load(r->w, email, &account) != 0)
		goto failed;
	if (account.id == 0) {
		user_id = learner_insert(r->w, email, name, hash);
		if (user_id < 0)
			goto failed;
		/* 0: another registration of the address won the race; its owner gets that e-mail. */
		if (user_id > 0) {
			if (confirmation_mail_queue(r->w, user_id, email, name) != 0)
				goto failed;
			outcome = "created";
		}
	} else if (!account.recently_mailed) {
		user_id = account.id;
		if (account.unconfirmed) {
			if (confirmation_mail_queue(r->w, account.id, email, account.name) != 0)
				goto failed;
			outcome = "confirmation_resent";
		} else {
			if (account_exists_mail_queue(r->w, &account, email) != 0)
				goto failed;
			outcome = "account_exists";
		}
	}
	if (db_commit(r->w) != 0)
		goto failed;
	log_event(LOG_INFO, r->request_id, "event=registration outcome=%s user=%lld", outcome,
	    user_id > 0 ? user_id : account.id);
	reply_json(r, 202, json_pack("{s:s}", "message", registration_reply));
	goto out;

failed:
	db_rollback(r->w);
	reply_db_error(r);
out:
	OPENSSL_cleanse(hash, sizeof hash);
	free(account.name);
	free(name);
	free(email);
	json_decref(body);
}

/* POST /api/v1/registrations/confirm {token}: activates the account the link was sent for. */
void handle_registration_confirm(struct req *r)
{
	static const char confirm_sql[] =
	    "UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, UTC_TIMESTAMP(6))"
	    " WHERE id = ?";
	static const char email_sql[] = "SELECT email FROM users WHERE id = ? AND disabled_at IS NULL";
	json_t *body = req_json_or_reply(r);
	const char *token;
	long long user_id = 0, application_id = 0;
	struct db_result user = { 0 };
	char user_id_text[24];

	if (!body)
		return;
	if (json_string_or_reply(r, body, "token", true, 128, &token) != 0)
		goto out;
	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (account_token_redeem_or_reply(r, token, "registration", NULL, &user_id, &application_id,
	    NULL, 0) != 0)
		goto rollback;
	struct db_param params[] = { P_INT(user_id) };
	if (db_exec(r->w, confirm_sql, params, 1, NULL, NULL) != 0 ||
	    db_query(r->w, email_sql, params, 1, &user) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	if (user.rows == 0) {
		reply_error(r, 400, "invalid_field", "token", "the account of this link has been removed");
		goto rollback;
	}
	snprintf(user_id_text, sizeof user_id_text, "%lld", user_id);
	if (audit_record(r, "registration_confirmed", "user", user_id_text, 0, NULL) != 0 ||
	    db_commit(r->w) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	log_event(LOG_INFO, r->request_id, "event=registration_confirmed user=%lld", user_id);
	reply_json(r, 200, json_pack("{s:s}", "email", db_cell(&user, 0, 0)));
	goto out;

rollback:
	db_rollback(r->w);
out:
	db_result_free(&user);
	json_decref(body);
}
