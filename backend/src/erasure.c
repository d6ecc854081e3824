/*
 * erasure.c: erasing a holder's personal data at their request (GDPR Article 17).
 *
 * An erased certificate keeps its id, micro-credential snapshot and dates, so that a verifier who
 * scans its QR code learns that it was withdrawn at the holder's request rather than meeting an
 * unknown id. Its holder name and e-mail become empty strings, its signed credential (which
 * contains the name and a salted hash of the e-mail) is deleted, and its status list bit is set so
 * that copies of the credential held elsewhere stop verifying. Audit details and queued e-mail
 * that contain the name or the e-mail are cleared too, and the cached PDFs are deleted after the
 * commit.
 *
 * Erasing the whole account does this for every certificate of the account's e-mail and then
 * anonymises the user row: other rows (assessment attempts, certificates the learner earned in an
 * assessment) refer to it, so it stays as a disabled row without name, e-mail or password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define ERASED_AUDIT_DETAILS "{\"erased\":true}"
#define ERASURE_MAX_CERTIFICATES 1000

/*
 * Replaces the details of audit records that contain email (any case) or name as a whole JSON
 * string. audit_record() writes details with jansson, so a name appears there as json_dumps
 * writes it.
 */
static int audit_details_scrub(struct worker *w, const char *name, const char *email)
{
	static const char sql[] =
	    "UPDATE audit_log SET details = '" ERASED_AUDIT_DETAILS "' WHERE details IS NOT NULL"
	    " AND (LOCATE(LOWER(?), LOWER(details)) > 0 OR LOCATE(?, details) > 0)";
	json_t *name_json = json_string(name);
	char *quoted = name_json ? json_dumps(name_json, JSON_ENCODE_ANY) : NULL;
	int rc = -1;

	json_decref(name_json);
	if (quoted) {
		struct db_param params[] = { P_TEXT(email), P_TEXT(quoted) };
		rc = db_exec(w, sql, params, 2, NULL, NULL);
	}
	free(quoted);
	return rc;
}

int certificate_erase(struct req *r, const char *id)
{
	static const char lock_sql[] =
	    "SELECT holder_name, holder_email, status_list, status_index, revoked_at, withdrawn_at,"
	    " promoting_organisation_id FROM certificates WHERE id = ? FOR UPDATE";
	static const char outbox_sql[] =
	    "DELETE FROM email_outbox WHERE LOCATE(?, body) > 0";
	static const char update_sql[] =
	    "UPDATE certificates SET holder_name = '', holder_email = '', credential = NULL,"
	    " bulk_reference = NULL, withdrawn_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param id_param[] = { P_TEXT(id) };
	struct db_result row = { 0 };
	int rc = -1;

	if (db_query(r->w, lock_sql, id_param, 1, &row) != 0 || row.rows == 0)
		goto out;
	if (db_cell(&row, 0, 5)) {
		rc = 0;       /* erased already */
		goto out;
	}
	if (audit_details_scrub(r->w, db_cell(&row, 0, 0), db_cell(&row, 0, 1)) != 0)
		goto out;
	/* Messages about this certificate name it by its id, in the verification URL. */
	if (db_exec(r->w, outbox_sql, id_param, 1, NULL, NULL) != 0)
		goto out;
	if (db_exec(r->w, update_sql, id_param, 1, NULL, NULL) != 0)
		goto out;
	if (db_cell(&row, 0, 2) && !db_cell(&row, 0, 4) &&
	    status_list_revoke(r->w, (int)db_cell_int(&row, 0, 2), (int)db_cell_int(&row, 0, 3)) != 0)
		goto out;
	rc = audit_record(r, "certificate_withdrawn", "certificate", id, db_cell_int(&row, 0, 6), NULL);

out:
	db_result_free(&row);
	return rc;
}

/* Reads {"confirm": true}; replies 400 for anything else. */
static int confirmation_or_reply(struct req *r)
{
	json_t *body = req_json_or_reply(r);

	if (!body)
		return -1;
	bool confirmed = json_is_true(json_object_get(body, "confirm"));
	json_decref(body);
	if (!confirmed) {
		reply_error(r, 400, "missing_field", "confirm",
		    "confirm must be true: erasure cannot be undone, so the request must confirm it");
		return -1;
	}
	return 0;
}

static void reply_erasure_failed(struct req *r, const char *what)
{
	db_rollback(r->w);
	log_event(LOG_ERROR, r->request_id, "event=erasure_failed step=%s user=%lld", what, r->user->id);
	reply_db_error(r);
}

void handle_wallet_certificate_erasure(struct req *r)
{
	const char *id = r->params[0];
	bool owns = false;

	if (!id_certificate_valid(id)) {
		reply_error(r, 404, "not_found", NULL, "no certificate in your wallet has this id");
		return;
	}
	if (confirmation_or_reply(r) != 0)
		return;
	if (db_begin(r->w) != 0 || wallet_holder_owns(r->w, id, r->user->email, &owns) != 0) {
		reply_erasure_failed(r, "lookup");
		return;
	}
	if (!owns) {
		db_rollback(r->w);
		reply_error(r, 404, "not_found", NULL, "no certificate in your wallet has this id");
		return;
	}
	if (certificate_erase(r, id) != 0 || db_commit(r->w) != 0) {
		reply_erasure_failed(r, "certificate");
		return;
	}
	pdf_cache_forget(id);
	log_event(LOG_INFO, r->request_id, "event=certificate_withdrawn certificate=%s user=%lld", id,
	    r->user->id);
	reply_no_content(r);
}

/* Erases the personal data that the account itself left behind, after its certificates. */
static int account_erase(struct req *r)
{
	static const char outbox_sql[] =
	    "DELETE FROM email_outbox WHERE user_id = ? OR LOWER(recipient) = LOWER(?)";
	static const char failures_sql[] = "DELETE FROM sign_in_failures WHERE account_key = LOWER(?)";
	static const char tokens_sql[] = "DELETE FROM account_tokens WHERE user_id = ?";
	static const char sessions_sql[] = "DELETE FROM sessions WHERE user_id = ?";
	static const char user_sql[] =
	    "UPDATE users SET email = CONCAT('erased-', id, '@erased.invalid'), name = '',"
	    " password_hash = NULL, disabled_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param user[] = { P_INT(r->user->id) };
	struct db_param email[] = { P_TEXT(r->user->email) };
	struct db_param both[] = { P_INT(r->user->id), P_TEXT(r->user->email) };

	if (audit_details_scrub(r->w, r->user->name, r->user->email) != 0 ||
	    db_exec(r->w, outbox_sql, both, 2, NULL, NULL) != 0 ||
	    db_exec(r->w, failures_sql, email, 1, NULL, NULL) != 0 ||
	    db_exec(r->w, tokens_sql, user, 1, NULL, NULL) != 0 ||
	    db_exec(r->w, sessions_sql, user, 1, NULL, NULL) != 0 ||
	    db_exec(r->w, user_sql, user, 1, NULL, NULL) != 0)
		return -1;
	char user_id[24];
	snprintf(user_id, sizeof user_id, "%lld", r->user->id);
	return audit_record(r, "account_erased", "user", user_id, 0, NULL);
}

void handle_wallet_erasure(struct req *r)
{
	static const char list_sql[] =
	    "SELECT id FROM certificates WHERE holder_email_key = LOWER(?) AND withdrawn_at IS NULL"
	    " LIMIT ? FOR UPDATE";
	struct db_param params[] = { P_TEXT(r->user->email), P_INT(ERASURE_MAX_CERTIFICATES) };
	struct db_result certs = { 0 };

	if (confirmation_or_reply(r) != 0)
		return;
	if (db_begin(r->w) != 0 || db_query(r->w, list_sql, params, 2, &certs) != 0) {
		reply_erasure_failed(r, "lookup");
		goto out;
	}
	for (size_t i = 0; i < certs.rows; i++) {
		if (certificate_erase(r, db_cell(&certs, i, 0)) != 0) {
			reply_erasure_failed(r, "certificate");
			goto out;
		}
	}
	if (account_erase(r) != 0 || db_commit(r->w) != 0) {
		reply_erasure_failed(r, "account");
		goto out;
	}

	for (size_t i = 0; i < certs.rows; i++)
		pdf_cache_forget(db_cell(&certs, i, 0));
	log_event(LOG_INFO, r->request_id, "event=account_erased user=%lld certificates=%zu",
	    r->user->id, certs.rows);
	/* The session row is gone; this expires the cookie that named it (see session.c). */
	reply_header(r, "Set-Cookie", cfg.cookie_secure ?
	    "mic_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure" :
	    "mic_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
	reply_no_content(r);

out:
	db_result_free(&certs);
}
