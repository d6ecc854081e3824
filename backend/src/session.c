/*
 * session.c: sign-in, sign-out and the current user.
 *
 * The cookie "mic_session" carries 32 random bytes (base64url). The database stores only their
 * SHA-256, so reading the sessions table does not let anyone sign in. Each session has its own
 * CSRF token, returned by sign-in and GET /api/v1/me, which state-changing calls echo in the
 * X-CSRF-Token header. Sign-in always starts a new session (no fixation) and requires a JSON
 * body, which a cross-site form cannot send without a CORS preflight.
 *
 * Failed sign-ins are throttled: after THROTTLE_ACCOUNT failures for one e-mail address, or
 * THROTTLE_ADDRESS failures from one client address, within THROTTLE_WINDOW seconds, sign-in
 * replies 429 with Retry-After until the oldest failure leaves the window. The counts live in the
 * database, so every backend process sees the same ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define COOKIE_NAME "mic_session"
#define TOKEN_BYTES 32
#define TOKEN_CHARS 43
#define THROTTLE_WINDOW 900
#define THROTTLE_ACCOUNT 10
#define THROTTLE_ADDRESS 50

static const char *const role_names[] = {
	[ROLE_ANONYMOUS] = "anonymous",
	[ROLE_COORDINATOR] = "coordinator",
	[ROLE_ORG_ADMIN] = "org_admin",
	[ROLE_EDITOR] = "editor",
	[ROLE_ISSUER] = "issuer",
	[ROLE_REVIEWER] = "reviewer",
	[ROLE_LEARNER] = "learner",
};

const char *role_name(enum role role)
{
	if ((size_t)role >= sizeof(role_names) / sizeof(role_names[0]))
		return "unknown";
	return role_names[role];
}

int role_parse(const char *name, enum role *out)
{
	for (size_t i = ROLE_COORDINATOR; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
		if (strcmp(name, role_names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

void user_free(struct user *u)
{
	if (u == NULL)
		return;
	free(u->email);
	free(u->name);
	free(u->organisation_name);
	free(u);
}

json_t *user_to_json(const struct user *u)
{
	json_t *org = json_null();

	if (u->organisation_id)
		org = json_pack("{s:I, s:s?}", "id", (json_int_t)u->organisation_id, "name",
		    u->organisation_name);
	return json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)u->id, "email", u->email,
	    "name", u->name, "role", role_name(u->role), "organisation", org);
}

bool cookie_value(const char *header, const char *name, char *out, size_t outlen)
{
	size_t namelen = strlen(name);
	const char *p = header;

	while (p && *p) {
		const char *end;
		size_t len;

		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len > namelen && strncmp(p, name, namelen) == 0 && p[namelen] == '=') {
			size_t vlen = len - namelen - 1;

			if (vlen == 0 || vlen >= outlen)
				return false;
			memcpy(out, p + namelen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

static bool token_shape_valid(const char *t)
{
	if (strlen(t) != TOKEN_CHARS)
		return false;
	for (; *t; t++)
		if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') ||
		    *t == '-' || *t == '_'))
			return false;
	return true;
}

static struct user *user_from_row(const struct db_result *res, size_t row, size_t first)
{
	struct user *u = xcalloc(1, sizeof(*u));
	const char *org_name = db_cell(res, row, first + 5);

	u->id = db_cell_int(res, row, first);
	u->email = xstrdup(db_cell(res, row, first + 1));
	u->name = xstrdup(db_cell(res, row, first + 2));
	if (role_parse(db_cell(res, row, first + 3), &u->role) != 0)
		u->role = ROLE_ANONYMOUS;
	u->organisation_id = db_cell_int(res, row, first + 4);
	u->organisation_name = org_name ? xstrdup(org_name) : NULL;
	return u;
}

int session_load(struct req *r)
{
	static const char sql[] =
	    "SELECT s.csrf_token, s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 60 SECOND, "
	    "u.id, u.email, u.name, u.role, u.organisation_id, o.name, "
	    "o.status IN ('suspended', 'left') "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "LEFT JOIN organisations o ON o.id = u.organisation_id "
	    "WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP(6) AND u.disabled_at IS NULL";
	static const char touch[] =
	    "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6), "
	    "expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE token_hash = ?";
	const char *header = req_header(r, "HTTP_COOKIE");
	char token[128], hash[65];
	struct db_result res;

	if (header == NULL || !cookie_value(header, COOKIE_NAME, token, sizeof(token)) ||
	    !token_shape_valid(token))
		return 0;
	sha256_hex(token, strlen(token), hash);
	{
		struct db_param params[] = { P_TEXT(hash) };

		if (db_query(r->w, sql, params, 1, &res) != 0)
			return -1;
	}
	if (res.rows == 1) {
		r->csrf_token = xstrdup(db_cell(&res, 0, 0));
		r->session_hash = xstrdup(hash);
		r->user = user_from_row(&res, 0, 2);
		r->user->organisation_inactive = db_cell_int(&res, 0, 8) != 0;
		if (db_cell_int(&res, 0, 1)) {
			struct db_param params[] = { P_INT(cfg.session_ttl), P_TEXT(hash) };

			if (db_exec(r->w, touch, params, 2, NULL, NULL) != 0)
				log_event(LOG_WARN, r->request_id, "event=session_touch_failed user=%lld",
				    r->user->id);
		}
	}
	db_result_free(&res);
	return 0;
}

static void set_session_cookie(struct req *r, const char *token, int max_age)
{
	char cookie[256];

	snprintf(cookie, sizeof(cookie), COOKIE_NAME "=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	    token, max_age, cfg.cookie_secure ? "; Secure" : "");
	reply_header(r, "Set-Cookie", cookie);
}

/* Finds an enabled user by e-mail (case-insensitive). Returns 0 and *u NULL when there is none. */
/* *unconfirmed: a self-registered account whose e-mail address has not been confirmed yet. */
static int user_find(struct worker *w, const char *email, struct user **u, char **password_hash,
    bool *unconfirmed)
{
	static const char sql[] =
	    "SELECT u.id, u.email, u.name, u.role, u.organisation_id, o.name, u.password_hash, "
	    "u.registered_at IS NOT NULL AND u.email_confirmed_at IS NULL "
	    "FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id "
	    "WHERE u.email_key = LOWER(?) AND u.disabled_at IS NULL";
	struct db_param params[] = { P_TEXT(email) };
	struct db_result res;
	const char *hash;

	*u = NULL;
	*password_hash = NULL;
	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	if (res.rows == 1) {
		*u = user_from_row(&res, 0, 0);
		hash = db_cell(&res, 0, 6);
		*password_hash = hash ? xstrdup(hash) : NULL;
		*unconfirmed = db_cell_int(&res, 0, 7) != 0;
	}
	db_result_free(&res);
	return 0;
}

/*
 * Verifies against a fixed hash when the account does not exist, so the reply takes as long for
 * an unknown e-mail address as for a wrong password.
 */
static bool password_check(const char *password, const char *stored)
{
	char decoy[160];

	if (stored == NULL) {
		snprintf(decoy, sizeof(decoy), "$scrypt$ln=%d,r=8,p=1$%s$%s", cfg.scrypt_log_n,
		    "bWljLWRlY295LXNhbHQhIQ==", "YQJ0k3m2oQ9Jb0nq1o0b3m7k2Xq3cH9Y0mGdFQp3f6Q=");
		password_verify(password, decoy);
		return false;
	}
	return password_verify(password, stored);
}

static int session_insert(struct req *r, long long user_id, char *token, char *csrf)
{
	static const char sql[] =
	    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) "
	    "VALUES (?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL ? SECOND)";
	static const char purge[] =
	    "DELETE FROM sessions WHERE user_id = ? AND expires_at < UTC_TIMESTAMP(6)";
	char hash[65];

	token_random(token, TOKEN_CHARS + 1, TOKEN_BYTES);
	token_random(csrf, TOKEN_CHARS + 1, TOKEN_BYTES);
	sha256_hex(token, strlen(token), hash);
	{
		struct db_param params[] = { P_TEXT(hash), P_INT(user_id), P_TEXT(csrf),
			P_INT(cfg.session_ttl) };

		if (db_exec(r->w, sql, params, 4, NULL, NULL) != 0)
			return -1;
	}
	{
		struct db_param params[] = { P_INT(user_id) };

		if (db_exec(r->w, purge, params, 1, NULL, NULL) != 0)
			return -1;
	}
	return 0;
}

/* Ends the session named by the request's cookie, if any, so a sign-in never reuses it. */
static int session_end_current(struct req *r)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
	const char *header = req_header(r, "HTTP_COOKIE");
	char token[128], hash[65];

	if (header == NULL || !cookie_value(header, COOKIE_NAME, token, sizeof(token)))
		return 0;
	sha256_hex(token, strlen(token), hash);
	{
		struct db_param params[] = { P_TEXT(hash) };

		return db_exec(r->w, sql, params, 1, NULL, NULL);
	}
}

/*
 * Sets *retry_after to the seconds until the next attempt is allowed, or 0 when sign-in may go
 * ahead. Expired failures are deleted on the way.
 */
static int throttle_check(struct req *r, const char *email, long long *retry_after)
{
	static const char purge[] =
	    "DELETE FROM sign_in_failures WHERE at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND "
	    "AND (account_key = LOWER(?) OR address = ?)";
	static const char count[] =
	    "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), MIN(at)), 0) FROM "
	    "(SELECT at FROM sign_in_failures WHERE account_key = LOWER(?) "
	    " ORDER BY at DESC LIMIT ?) recent "
	    "UNION ALL "
	    "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), MIN(at)), 0) FROM "
	    "(SELECT at FROM sign_in_failures WHERE address = ? ORDER BY at DESC LIMIT ?) recent";
	const char *address = r->remote_addr ? r->remote_addr : "-";
	struct db_param purge_params[] = { P_INT(THROTTLE_WINDOW), P_TEXT(email), P_TEXT(address) };
	struct db_param count_params[] = { P_TEXT(email), P_INT(THROTTLE_ACCOUNT), P_TEXT(address),
		P_INT(THROTTLE_ADDRESS) };
	struct db_result res;

	*retry_after = 0;
	if (db_exec(r->w, purge, purge_params, 3, NULL, NULL) != 0 ||
	    db_query(r->w, count, count_params, 4, &res) != 0)
		return -1;
	for (size_t row = 0; row < res.rows; row++) {
		long long limit = row == 0 ? THROTTLE_ACCOUNT : THROTTLE_ADDRESS;
		/* The oldest of the last `limit` failures is this many seconds in the past (negative). */
		long long wait = THROTTLE_WINDOW + db_cell_int(&res, row, 1);

		if (db_cell_int(&res, row, 0) >= limit && wait > *retry_after)
			*retry_after = wait > 0 ? wait : 1;
	}
	db_result_free(&res);
	return 0;
}

static void throttle_record_failure(struct req *r, const char *email)
{
	static const char sql[] =
	    "INSERT INTO sign_in_failures (account_key, address, at) "
	    "VALUES (LEFT(LOWER(?), 254), ?, UTC_TIMESTAMP(6))";
	struct db_param params[] = { P_TEXT(email), P_TEXT(r->remote_addr ? r->remote_addr : "-") };

	if (db_exec(r->w, sql, params, 2, NULL, NULL) != 0)
		log_event(LOG_WARN, r->request_id, "event=sign_in_failure_not_recorded");
}

static void throttle_clear_account(struct req *r, const char *email)
{
	static const char sql[] = "DELETE FROM sign_in_failures WHERE account_key = LOWER(?)";
	struct db_param params[] = { P_TEXT(email) };

	if (db_exec(r->w, sql, params, 1, NULL, NULL) != 0)
		log_event(LOG_WARN, r->request_id, "event=sign_in_failures_not_cleared");
}

void handle_session_create(struct req *r)
{
	json_t *body = req_json_or_reply(r);
	const char *email, *password;
	struct user *u = NULL;
	char *stored = NULL;
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1], retry_text[24];
	long long retry_after;
	bool unconfirmed = false;

	if (body == NULL)
		return;
	if (json_string_or_reply(r, body, "email", true, 254, &email) != 0 ||
	    json_string_or_reply(r, body, "password", true, 1024, &password) != 0)
		goto out;
	if (throttle_check(r, email, &retry_after) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (retry_after > 0) {
		snprintf(retry_text, sizeof(retry_text), "%lld", retry_after);
		reply_header(r, "Retry-After", retry_text);
		log_event(LOG_WARN, r->request_id, "event=sign_in_throttled addr=%s retry_after=%lld",
		    r->remote_addr ? r->remote_addr : "-", retry_after);
		reply_error(r, 429, "too_many_requests", NULL,
		    "too many failed sign-ins; try again in %lld seconds", retry_after);
		goto out;
	}
	if (user_find(r->w, email, &u, &stored, &unconfirmed) != 0 || session_end_current(r) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (!password_check(password, stored) || u == NULL || u->role == ROLE_ANONYMOUS) {
		throttle_record_failure(r, email);
		log_event(LOG_INFO, r->request_id, "event=sign_in_failed user=%lld addr=%s",
		    u ? u->id : 0LL, r->remote_addr ? r->remote_addr : "-");
		reply_error(r, 401, "invalid_credentials", NULL, "the e-mail address or password is wrong");
		goto out;
	}
	throttle_clear_account(r, email);
	/* Told only to someone who knows the password, so it reveals nothing to others. */
	if (unconfirmed) {
		log_event(LOG_INFO, r->request_id, "event=sign_in_unconfirmed user=%lld", u->id);
		reply_error(r, 403, "email_unconfirmed", NULL,
		    "confirm your e-mail address with the link we sent you before you sign in; "
		    "registering again with the same address sends a new link");
		goto out;
	}
	if (session_insert(r, u->id, token, csrf) != 0) {
		reply_db_error(r);
		goto out;
	}
	set_session_cookie(r, token, cfg.session_ttl);
	log_event(LOG_INFO, r->request_id, "event=sign_in user=%lld", u->id);
	reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_to_json(u), "csrf_token", csrf));
out:
	user_free(u);
	free(stored);
	json_decref(body);
}

void handle_session_delete(struct req *r)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
	struct db_param params[] = { P_TEXT(r->session_hash) };

	if (db_exec(r->w, sql, params, 1, NULL, NULL) != 0) {
		reply_db_error(r);
		return;
	}
	set_session_cookie(r, "", 0);
	log_event(LOG_INFO, r->request_id, "event=sign_out user=%lld", r->user->id);
	reply_no_content(r);
}

void handle_me(struct req *r)
{
	reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_to_json(r->user), "csrf_token",
	    r->csrf_token));
}

/*
 * GET /api/v1/session: the body of GET /api/v1/me while signed in, else 200 with user and
 * csrf_token null, so that a signed-out page load gets no 401. The route is open to anyone, so
 * the router has not loaded the session.
 */
void handle_session_get(struct req *r)
{
	if (session_load(r) != 0) {
		reply_db_error(r);
		return;
	}
	if (r->user == NULL) {
		reply_json(r, 200, json_pack("{s:n, s:n}", "user", "csrf_token"));
		return;
	}
	handle_me(r);
}

long long user_create(struct worker *w, const char *email, const char *name, enum role role,
    long long organisation_id, const char *password, char *err, size_t errlen)
{
	static const char sql[] =
	    "INSERT INTO users (email, name, password_hash, role, organisation_id) VALUES (?, ?, ?, ?, ?)";
	char hash[256];
	unsigned long long id = 0;

	if (!email_valid(email)) {
		snprintf(err, errlen, "%s is not an e-mail address", email);
		return -1;
	}
	if (!utf8_valid(name, strlen(name)) || utf8_length(name) == 0 || utf8_length(name) > 200 ||
	    text_has_control(name, false)) {
		snprintf(err, errlen, "the name must be 1 to 200 characters of UTF-8 text");
		return -1;
	}
	if (strlen(password) < 10) {
		snprintf(err, errlen, "the password must have at least 10 characters");
		return -1;
	}
	if ((role == ROLE_COORDINATOR) != (organisation_id == 0) && role != ROLE_LEARNER) {
		snprintf(err, errlen, role == ROLE_COORDINATOR ?
		    "a coordinator belongs to the whole alliance: omit --organisation" :
		    "this role needs --organisation with the id of the user's organisation");
		return -1;
	}
	if (password_hash(password, cfg.scrypt_log_n, hash, sizeof(hash)) != 0) {
		snprintf(err, errlen, "hashing the password failed");
		return -1;
	}
	{
		struct db_param params[] = { P_TEXT(email), P_TEXT(name), P_TEXT(hash),
			P_TEXT(role_name(role)), organisation_id ? P_INT(organisation_id) : P_NULL };

		if (db_exec(w, sql, params, 5, NULL, &id) != 0) {
			if (db_errno(w) == 1062)
				snprintf(err, errlen, "a user with the e-mail address %s already exists", email);
			else if (db_errno(w) == 1452)
				snprintf(err, errlen, "there is no organisation with id %lld", organisation_id);
			else
				snprintf(err, errlen, "the database rejected the user (error %u)", db_errno(w));
			return -1;
		}
	}
	return (long long)id;
}
