/*
 * wallet.c: certificates in their holders' hands.
 *
 * A learner's wallet lists every certificate whose holder e-mail equals the account's e-mail,
 * compared in lower case (certificates.holder_email_key), whoever issued it and however the
 * issuer spelled the address. Each certificate in it comes with the links a holder needs: the PDF,
 * the signed Open Badges 3.0 credential, the verification URL to share, and LinkedIn's "Add
 * licence or certification" form filled in.
 *
 * Every way of issuing calls holder_notify() inside its transaction, so the holder's e-mail
 * exists exactly when the certificate does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define LINKEDIN_ADD_URL "https://www.linkedin.com/profile/add"
#define WALLET_MAX_ITEMS 1000

void buf_url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool unreserved = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
		if (unreserved) {
			buf_putc(b, (char)*p);
			continue;
		}
		buf_putc(b, '%');
		buf_putc(b, hex[*p >> 4]);
		buf_putc(b, hex[*p & 0x0f]);
	}
}

/* Reads year and month from a calendar day "YYYY-MM-DD"; false for any other text. */
static bool day_year_month(const char *day, int *year, int *month)
{
	char tail;

	if (!day || strlen(day) != 10)
		return false;
	if (sscanf(day, "%4d-%2d-%*2d%c", year, month, &tail) != 2)
		return false;
	return *month >= 1 && *month <= 12;
}

static void query_param(struct buf *out, const char *name, const char *value)
{
	buf_printf(out, "&%s=", name);
	buf_url_encode(out, value);
}

void linkedin_add_url(struct buf *out, const char *title, const char *issued_on,
    const char *valid_until_on, const char *verify_url, const char *certificate_id)
{
	int year, month;
	char number[16];

	buf_puts(out, LINKEDIN_ADD_URL "?startTask=CERTIFICATION_NAME");
	query_param(out, "name", title ? title : "");
	query_param(out, "organizationName", MIC_ISSUER_NAME);
	if (day_year_month(issued_on, &year, &month)) {
		snprintf(number, sizeof number, "%d", year);
		query_param(out, "issueYear", number);
		snprintf(number, sizeof number, "%d", month);
		query_param(out, "issueMonth", number);
	}
	query_param(out, "certUrl", verify_url);
	query_param(out, "certId", certificate_id);
	if (day_year_month(valid_until_on, &year, &month)) {
		snprintf(number, sizeof number, "%d", year);
		query_param(out, "expirationYear", number);
		snprintf(number, sizeof number, "%d", month);
		query_param(out, "expirationMonth", number);
	}
}

/* ---- The e-mail to the holder ---- */

/* Sets *user_id to the active account with this e-mail (case-insensitive), or 0 when none. */
static int account_of_email(struct worker *w, const char *email, long long *user_id)
{
	static const char sql[] =
	    "SELECT id FROM users WHERE email_key = LOWER(?) AND disabled_at IS NULL";
	struct db_param params[] = { P_TEXT(email) };
	struct db_result res;

	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	*user_id = res.rows ? db_cell_int(&res, 0, 0) : 0;
	db_result_free(&res);
	return 0;
}

static void notice_body(struct buf *body, const struct holder_notice *n, bool has_account)
{
	char verify_url[CERT_VERIFY_URL_MAX];

	certificate_verify_url(n->certificate_id, verify_url, sizeof verify_url);
	buf_printf(body, "Hello %s,\n\n", n->holder_name);
	buf_printf(body, "the %s has issued you a certificate for the micro-credential \"%s\".\n\n",
	    MIC_ISSUER_NAME, n->title ? n->title : "");
	buf_printf(body, "Anyone you show it to can check it at this address:\n%s\n\n", verify_url);
	if (has_account) {
		buf_puts(body, "Your wallet lists all your certificates. There you can download each one "
		    "as a PDF and as a signed Open Badges 3.0 credential, share it and add it to your "
		    "LinkedIn profile:\n");
		buf_printf(body, "%s/wallet\n", cfg.public_url);
	} else {
		buf_puts(body, "To keep your certificates in a wallet, download them as PDF and as signed "
		    "Open Badges 3.0 credentials and add them to your LinkedIn profile, create an account "
		    "with this e-mail address:\n");
		buf_printf(body, "%s/register?email=", cfg.public_url);
		buf_url_encode(body, n->holder_email);
		buf_puts(body, "\n");
	}
}

int holder_notify(struct worker *w, const struct holder_notice *n)
{
	struct buf body;
	long long user_id = 0;
	int rc;

	if (account_of_email(w, n->holder_email, &user_id) != 0)
		return -1;
	buf_init(&body);
	notice_body(&body, n, user_id > 0);
	struct outbox_message m = {
		.recipient = n->holder_email,
		.subject = "Your new certificate from the " MIC_ISSUER_NAME,
		.body = body.data,
		.kind = "certificate_issued",
		.user_id = user_id,
	};
	rc = outbox_add(w, &m);
	buf_free(&body);
	return rc;
}

int holder_notify_many(struct worker *w, const struct holder_notice *notices,
    const char *const *emails_lowered, size_t count)
{
	struct buf sql;
	struct db_result accounts = { 0 };
	struct db_param *params = xcalloc(count, sizeof *params);
	struct outbox_message *messages = xcalloc(count, sizeof *messages);
	struct buf *bodies = xcalloc(count, sizeof *bodies);
	int rc = -1;

	buf_init(&sql);
	buf_puts(&sql, "SELECT email_key, id FROM users WHERE disabled_at IS NULL AND email_key IN (");
	for (size_t i = 0; i < count; i++) {
		buf_puts(&sql, i ? ", ?" : "?");
		params[i] = P_TEXT(emails_lowered[i]);
	}
	buf_putc(&sql, ')');
	if (db_query(w, sql.data, params, count, &accounts) != 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		long long user_id = 0;
		for (size_t row = 0; row < accounts.rows; row++) {
			if (strcmp(db_cell(&accounts, row, 0), emails_lowered[i]) == 0)
				user_id = db_cell_int(&accounts, row, 1);
		}
		buf_init(&bodies[i]);
		notice_body(&bodies[i], &notices[i], user_id > 0);
		messages[i] = (struct outbox_message){
			.recipient = notices[i].holder_email,
			.subject = "Your new certificate from the " MIC_ISSUER_NAME,
			.body = bodies[i].data,
			.kind = "certificate_issued",
			.user_id = user_id,
		};
	}
	rc = outbox_add_many(w, messages, count);

out:
	for (size_t i = 0; i < count; i++)
		buf_free(&bodies[i]);
	free(bodies);
	free(messages);
	free(params);
	db_result_free(&accounts);
	buf_free(&sql);
	return rc;
}

/* ---- The wallet ---- */

int wallet_holder_owns(struct worker *w, const char *id, const char *email, bool *owns)
{
	static const char sql[] =
	    "SELECT 1 FROM certificates WHERE id = ? AND holder_email_key = LOWER(?)"
	    " AND withdrawn_at IS NULL";
	struct db_param params[] = { P_TEXT(id), P_TEXT(email) };
	struct db_result res;

	if (db_query(w, sql, params, 2, &res) != 0)
		return -1;
	*owns = res.rows > 0;
	db_result_free(&res);
	return 0;
}

enum wallet_column {
	WALLET_ID, WALLET_HOLDER_NAME, WALLET_ISSUED_AT, WALLET_VALID_UNTIL, WALLET_REVOKED_AT,
	WALLET_MC_ID, WALLET_TITLE, WALLET_HAS_CREDENTIAL, WALLET_AWARDED_ON,
};

static json_t *wallet_item_json(const struct db_result *res, size_t row)
{
	const char *id = db_cell(res, row, WALLET_ID);
	const char *title = db_cell(res, row, WALLET_TITLE);
	char verify_url[CERT_VERIFY_URL_MAX];
	struct buf url;
	json_t *item = json_object();

	certificate_verify_url(id, verify_url, sizeof verify_url);
	json_object_set_new(item, "id", json_string(id));
	json_object_set_new(item, "status", json_string(certificate_status(
	    db_cell(res, row, WALLET_VALID_UNTIL), db_cell(res, row, WALLET_REVOKED_AT), NULL)));
	json_object_set_new(item, "holder_name", json_string(db_cell(res, row, WALLET_HOLDER_NAME)));
	json_object_set_new(item, "microcredential", json_pack("{s:I, s:o}",
	    "id", (json_int_t)db_cell_int(res, row, WALLET_MC_ID),
	    "title", title ? json_string(title) : json_null()));
	json_set_time(item, "issued_at", "issued_on", db_cell(res, row, WALLET_ISSUED_AT));
	const char *awarded_on = db_cell(res, row, WALLET_AWARDED_ON);
	json_object_set_new(item, "awarded_on", awarded_on ? json_string(awarded_on) : json_null());
	json_set_time(item, "valid_until", "valid_until_on", db_cell(res, row, WALLET_VALID_UNTIL));
	json_set_time(item, "revoked_at", "revoked_on", db_cell(res, row, WALLET_REVOKED_AT));
	json_object_set_new(item, "verify_url", json_string(verify_url));

	buf_init(&url);
	buf_printf(&url, "/api/v1/certificates/%s/certificate.pdf", id);
	json_object_set_new(item, "pdf_url", json_string(url.data));
	buf_reset(&url);
	buf_printf(&url, "/api/v1/verify/%s/credential.json", id);
	json_object_set_new(item, "credential_url", db_cell_int(res, row, WALLET_HAS_CREDENTIAL) ?
	    json_string(url.data) : json_null());
	buf_reset(&url);
	linkedin_add_url(&url, title, json_string_value(json_object_get(item, "issued_on")),
	    json_string_value(json_object_get(item, "valid_until_on")), verify_url, id);
	json_object_set_new(item, "linkedin_url", json_string(url.data));
	buf_free(&url);
	return item;
}

void handle_wallet_list(struct req *r)
{
	static const char sql[] =
	    "SELECT c.id, c.holder_name, c.issued_at, c.valid_until, c.revoked_at, c.microcredential_id,"
	    " JSON_VALUE(c.snapshot, '$.title'), c.credential IS NOT NULL, c.awarded_on"
	    " FROM certificates AS c"
	    " WHERE c.holder_email_key = LOWER(?) AND c.withdrawn_at IS NULL"
	    " ORDER BY c.issued_at DESC, c.id LIMIT ?";
	struct db_param params[] = { P_TEXT(r->user->email), P_INT(WALLET_MAX_ITEMS) };
	struct db_result res;

	if (db_query(r->w, sql, params, 2, &res) != 0) {
		reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++)
		json_array_append_new(items, wallet_item_json(&res, row));
	db_result_free(&res);
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total",
	    (json_int_t)json_array_size(items)));
}
