/*
 * verifychecks.c: the checks behind a verification, in the order a verifier reads them: the
 * record exists; the signature is valid and made by a key of the alliance valid at issue time;
 * not revoked; not expired. Each check is {check, result, message} with result "passed",
 * "failed" or "not_checked"; a check that could not run is never reported as passed.
 *
 * A signature check costs about as much as a whole verification request, so its result is
 * remembered in credential_checks under the SHA-256 of the exact stored credential text: a
 * changed text has another hash and is checked afresh. The certificate row keeps a copy of the
 * result that applies. Issuing writes that copy itself: the text it stores was signed a moment
 * before with a current key, so its check is valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

/*
 * The destination of a verification's checks: JSON text or HTML list items appended to text, or
 * the JSON array json.
 */
struct check_sink {
	enum { SINK_JSON_TEXT, SINK_HTML, SINK_JSON } kind;
	struct buf *text;
	json_t *json;
};

/* Appends one check as {"check","result","message"} to JSON text. */
static void check_write_json_text(struct buf *t, const char *check, const char *result, const char *message)
{
	if (t->len > 0 && t->data[t->len - 1] == '}')
		buf_putc(t, ',');
	buf_puts(t, "{\"check\":\"");
	buf_puts(t, check);
	buf_puts(t, "\",\"result\":\"");
	buf_puts(t, result);
	buf_puts(t, "\",\"message\":");
	buf_json_string(t, message);
	buf_putc(t, '}');
}

/* Appends one check as an item of the page's list; check and result need no escaping. */
static void check_write_html(struct buf *t, const char *check, const char *result, const char *message)
{
	const char *label = "Could not be checked";

	if (strcmp(result, "passed") == 0)
		label = "Passed";
	else if (strcmp(result, "failed") == 0)
		label = "Failed";
	buf_puts(t, "<li class=\"verify__check verify__check--");
	buf_puts(t, result);
	buf_puts(t, "\" data-check=\"");
	buf_puts(t, check);
	buf_puts(t, "\" data-result=\"");
	buf_puts(t, result);
	buf_puts(t, "\"><strong>");
	buf_puts(t, label);
	buf_puts(t, ":</strong> ");
	buf_html_escape(t, message);
	buf_puts(t, "</li>\n");
}

/* Appends one check to the sink. */
static void check_write(struct check_sink *out, const char *check, const char *result, const char *message)
{
	switch (out->kind) {
	case SINK_JSON_TEXT:
		check_write_json_text(out->text, check, result, message);
		break;
	case SINK_HTML:
		check_write_html(out->text, check, result, message);
		break;
	case SINK_JSON:
		json_array_append_new(out->json, json_pack("{s:s, s:s, s:s}", "check", check, "result", result,
		    "message", message));
		break;
	}
}

static void check_add(json_t *checks, const char *check, const char *result, const char *message)
{
	json_array_append_new(checks, json_pack("{s:s, s:s, s:s}", "check", check, "result", result,
	    "message", message));
}

static const char *result_name(enum check_result result)
{
	if (result == CHECK_VALID)
		return "passed";
	if (result == CHECK_INVALID)
		return "failed";
	return "not_checked";
}

/* Verifies the signature of credential_text, through the remembered result when there is one. */
static enum check_result signature_check_cached(struct worker *w, const char *credential_text,
    char *detail, size_t detail_len, char hash[65])
{
	static const char select_sql[] =
	    "SELECT signature_valid, detail FROM credential_checks WHERE content_sha256 = ?";
	static const char insert_sql[] =
	    "INSERT IGNORE INTO credential_checks (content_sha256, signature_valid, key_id, detail)"
	    " VALUES (?, ?, ?, ?)";
	char key_id[SIGNING_KEY_ID_MAX];
	struct db_result res;

	sha256_hex(credential_text, strlen(credential_text), hash);
	struct db_param key[] = { P_TEXT(hash) };
	if (db_query(w, select_sql, key, 1, &res) == 0) {
		if (res.rows == 1) {
			enum check_result cached = db_cell_int(&res, 0, 0) ? CHECK_VALID : CHECK_INVALID;
			snprintf(detail, detail_len, "%s", db_cell(&res, 0, 1));
			utf8_trim_incomplete(detail);
			db_result_free(&res);
			return cached;
		}
		db_result_free(&res);
	}

	json_error_t error;
	json_t *credential = json_loads(credential_text, JSON_REJECT_DUPLICATES, &error);
	enum check_result result;
	if (!json_is_object(credential)) {
		snprintf(detail, detail_len, "the stored credential is not valid JSON");
		result = CHECK_INVALID;
	} else {
		result = dataintegrity_verify(w, credential, detail, detail_len, key_id);
	}
	json_decref(credential);
	/* Only definite results are remembered, because "could not be checked" may change on the next try. */
	if (result != CHECK_UNCHECKED) {
		struct db_param row[] = { P_TEXT(hash), P_INT(result == CHECK_VALID), P_TEXT(key_id[0] ? key_id : NULL),
			P_TEXT(detail) };
		if (db_exec(w, insert_sql, row, 4, NULL, NULL) != 0)
			log_event(LOG_WARN, NULL, "event=credential_check_store_failed sha256=%s", hash);
	}
	return result;
}

/*
 * The size of a revocation message: certificates.revocation_reason is VARCHAR(1000) in utf8mb4, so
 * at most 4000 bytes, and the words and date around it take less than 100.
 */
#define REVOCATION_MESSAGE_MAX (4000 + 100)

void utf8_trim_incomplete(char *text)
{
	size_t length = strlen(text), start = length;
	size_t needed = 1;

	while (start > 0 && ((unsigned char)text[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return;

	unsigned char lead = (unsigned char)text[start - 1];
	if (lead >= 0xf0)
		needed = 4;
	else if (lead >= 0xe0)
		needed = 3;
	else if (lead >= 0xc0)
		needed = 2;
	if (length - (start - 1) < needed)
		text[start - 1] = '\0';
}

/* Adds the revocation and expiry checks from the verification JSON's dates. */
static void date_checks_write(struct check_sink *out, const char *revoked_on, const char *reason,
    const char *valid_until_on, bool expired)
{
	char message[REVOCATION_MESSAGE_MAX];
	char day[40];
	int written;

	if (revoked_on) {
		time_format_long_date(revoked_on, day, sizeof day);
		written = snprintf(message, sizeof message, "Revoked on %s. Reason: %s", day,
		    reason ? reason : "none given");
		/* Only a reason longer than the column allows is cut, and never inside a character. */
		if (written < 0 || (size_t)written >= sizeof message)
			utf8_trim_incomplete(message);
		check_write(out, "revocation", "failed", message);
	} else {
		check_write(out, "revocation", "passed", "Not revoked.");
	}
	if (!valid_until_on) {
		check_write(out, "expiry", "passed", "Does not expire.");
	} else if (expired) {
		time_format_long_date(valid_until_on, day, sizeof day);
		snprintf(message, sizeof message, "Expired on %s.", day);
		check_write(out, "expiry", "failed", message);
	} else {
		time_format_long_date(valid_until_on, day, sizeof day);
		snprintf(message, sizeof message, "Not expired; expires on %s.", day);
		check_write(out, "expiry", "passed", message);
	}
}

/*
 * Copies a definite result onto the certificate's row, with the hash of the text it belongs to,
 * so that the verification fast path reads it without a join. The condition on credential_sha256
 * keeps a result from being attached to a credential text other than the one checked.
 */
static void signature_check_attach(struct worker *w, const char *id, const char *hash,
    enum check_result result, const char *detail)
{
	static const char sql[] =
	    "UPDATE certificates SET checked_sha256 = ?, checked_valid = ?, checked_detail = ?"
	    " WHERE id = ? AND credential_sha256 = ?";
	struct db_param params[] = { P_TEXT(hash), P_INT(result == CHECK_VALID), P_TEXT(detail), P_TEXT(id),
		P_TEXT(hash) };

	if (result == CHECK_UNCHECKED)
		return;
	if (db_exec(w, sql, params, 5, NULL, NULL) != 0)
		log_event(LOG_WARN, NULL, "event=credential_check_attach_failed certificate=%s", id);
}

/*
 * Checks the signature of a certificate's credential. The remembered result comes with the same
 * query, because MariaDB generates credential_sha256 from the stored text. Only when there is none
 * is the credential fetched and verified. Either way the result ends up on the certificate's row.
 */
static enum check_result signature_check(struct worker *w, const char *id, char *detail,
    size_t detail_len, bool *has_credential, bool *db_failed)
{
	static const char sql[] =
	    "SELECT c.credential_sha256, cc.signature_valid, cc.detail, c.checked_sha256 <=> c.credential_sha256"
	    " FROM certificates c LEFT JOIN credential_checks cc ON cc.content_sha256 = c.credential_sha256"
	    " WHERE c.id = ?";
	static const char text_sql[] = "SELECT credential FROM certificates WHERE id = ?";
	struct db_param params[] = { P_TEXT(id) };
	struct db_result res = { 0 };
	enum check_result result = CHECK_UNCHECKED;
	char hash[65];

	*has_credential = false;
	*db_failed = false;
	if (db_query(w, sql, params, 1, &res) != 0) {
		*db_failed = true;
		return CHECK_UNCHECKED;
	}
	if (res.rows == 1 && db_cell(&res, 0, 0)) {
		*has_credential = true;
		if (db_cell(&res, 0, 1)) {
			result = db_cell_int(&res, 0, 1) ? CHECK_VALID : CHECK_INVALID;
			snprintf(detail, detail_len, "%s", db_cell(&res, 0, 2) ? db_cell(&res, 0, 2) : "");
			utf8_trim_incomplete(detail);
			if (!db_cell_int(&res, 0, 3))
				signature_check_attach(w, id, db_cell(&res, 0, 0), result, detail);
			db_result_free(&res);
			return result;
		}
	}
	db_result_free(&res);
	if (!*has_credential)
		return CHECK_UNCHECKED;
	if (db_query(w, text_sql, params, 1, &res) != 0) {
		*db_failed = true;
		return CHECK_UNCHECKED;
	}
	if (res.rows == 1 && db_cell(&res, 0, 0)) {
		result = signature_check_cached(w, db_cell(&res, 0, 0), detail, detail_len, hash);
		signature_check_attach(w, id, hash, result, detail);
	} else {
		*has_credential = false;
	}
	db_result_free(&res);
	return result;
}

/* The four checks of a verification: record, signature, revocation, expiry. */
static void checks_emit(struct check_sink *out, const struct signature_outcome *sig, const char *revoked_on,
    const char *reason, const char *valid_until_on, bool expired)
{
	/* The outcome's text and a full stop. */
	char detail[sizeof(sig->detail) + 1];

	check_write(out, "record", "passed", "The certificate is in the alliance's register.");
	if (sig->db_failed) {
		check_write(out, "signature", "not_checked",
		    "The signature could not be checked because the register could not be read.");
	} else if (!sig->has_credential) {
		check_write(out, "signature", "not_checked",
		    "This certificate has no signed credential, so its signature could not be checked.");
	} else {
		snprintf(detail, sizeof detail, "%s", sig->detail);
		detail[0] = (char)(detail[0] >= 'a' && detail[0] <= 'z' ? detail[0] - 32 : detail[0]);
		strncat(detail, ".", sizeof detail - strlen(detail) - 1);
		check_write(out, "signature", result_name(sig->result), detail);
	}
	date_checks_write(out, revoked_on, reason, valid_until_on, expired);
}

void verify_checks_write(struct buf *out, const struct signature_outcome *sig, const char *revoked_on,
    const char *reason, const char *valid_until_on, bool expired)
{
	struct check_sink sink = { .kind = SINK_JSON_TEXT, .text = out };

	buf_putc(out, '[');
	checks_emit(&sink, sig, revoked_on, reason, valid_until_on, expired);
	buf_putc(out, ']');
}

json_t *verify_checks_build(const struct signature_outcome *sig, const char *revoked_on,
    const char *reason, const char *valid_until_on, bool expired)
{
	struct check_sink sink = { .kind = SINK_JSON, .json = json_array() };

	checks_emit(&sink, sig, revoked_on, reason, valid_until_on, expired);
	return sink.json;
}

void verify_checks_render(struct buf *out, const struct signature_outcome *sig, const char *revoked_on,
    const char *reason, const char *valid_until_on, bool expired)
{
	struct check_sink sink = { .kind = SINK_HTML, .text = out };

	buf_puts(out, "<ol class=\"verify__checks\">\n");
	checks_emit(&sink, sig, revoked_on, reason, valid_until_on, expired);
	buf_puts(out, "</ol>\n");
}

void verify_checks_add(struct worker *w, const char *id, json_t *v, struct signature_outcome *sig)
{
	const char *status;

	memset(sig, 0, sizeof(*sig));
	sig->result = signature_check(w, id, sig->detail, sizeof sig->detail, &sig->has_credential,
	    &sig->db_failed);
	if (!sig->db_failed && sig->has_credential && sig->result == CHECK_INVALID)
		json_object_set_new(v, "status", json_string("invalid"));
	status = json_string_value(json_object_get(v, "status"));
	json_object_set_new(v, "checks", verify_checks_build(sig,
	    json_string_value(json_object_get(v, "revoked_on")),
	    json_string_value(json_object_get(v, "revocation_reason")),
	    json_string_value(json_object_get(v, "valid_until_on")),
	    status && strcmp(status, "expired") == 0));
}

/* ---- Downloading and uploading credentials ---- */

void handle_verify_credential_download(struct req *r)
{
	static const char sql[] = "SELECT credential, withdrawn_at FROM certificates WHERE id = ?";
	struct db_param params[] = { P_TEXT(r->params[0]) };
	struct db_result res;

	if (!id_certificate_valid(r->params[0])) {
		reply_error(r, 404, "not_found", NULL, "no certificate has this id; check the address");
		return;
	}
	if (db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return;
	}
	if (res.rows > 0 && db_cell(&res, 0, 1)) {
		reply_error(r, 410, "withdrawn", NULL,
		    "the certificate was withdrawn at the holder's request and its credential was deleted");
	} else if (res.rows == 0 || !db_cell(&res, 0, 0)) {
		reply_error(r, 404, "not_found", NULL, res.rows == 0 ? "no certificate has this id; check the address" :
		    "this certificate was issued before signed credentials existed and has none");
	} else {
		char disposition[80];
		snprintf(disposition, sizeof disposition, "attachment; filename=\"certificate-%s.json\"", r->params[0]);
		reply_header(r, "Content-Disposition", disposition);
		reply_header(r, "Cache-Control", "no-store");
		reply_raw(r, 200, "application/vc+ld+json", db_cell(&res, 0, 0), strlen(db_cell(&res, 0, 0)));
	}
	db_result_free(&res);
}

/* The certificate id when url is MIC_PUBLIC_URL + "/v/" + a well-formed id, else NULL. */
static const char *certificate_id_of_url(const char *url)
{
	size_t base = strlen(cfg.public_url);

	if (!url || strncmp(url, cfg.public_url, base) != 0 || strncmp(url + base, "/v/", 3) != 0)
		return NULL;
	return id_certificate_valid(url + base + 3) ? url + base + 3 : NULL;
}

/*
 * Checks the credential's status list entry against the alliance's own lists, read from the
 * database. No list is ever fetched over the network, so an entry pointing anywhere else, even to
 * a list that a verifier elsewhere could reach, is reported as not checked.
 */
static void status_check_add(struct worker *w, json_t *checks, const json_t *status)
{
	static const char sql[] = "SELECT bits FROM status_lists WHERE id = ?";
	const char *list_url = json_string_value(json_object_get(status, "statusListCredential"));
	const char *index_text = json_string_value(json_object_get(status, "statusListIndex"));
	size_t base = strlen(cfg.public_url);
	long long list, index;
	struct db_result res = { 0 };

	if (!list_url || !index_text || strncmp(list_url, cfg.public_url, base) != 0 ||
	    strncmp(list_url + base, "/status/", 8) != 0 || parse_long(list_url + base + 8, 1, 1000000, &list) != 0 ||
	    parse_long(index_text, 0, 1 << 30, &index) != 0) {
		check_add(checks, "revocation", "not_checked",
		    "The credential's status list is not one of the alliance's, and this service does not fetch status "
		    "lists from other servers, so revocation could not be checked.");
		return;
	}
	struct db_param params[] = { P_INT(list) };
	if (db_query(w, sql, params, 1, &res) != 0 || res.rows == 0) {
		db_result_free(&res);
		check_add(checks, "revocation", "not_checked",
		    "The alliance has no status list at the credential's status list URL, or the list could not be read, "
		    "so revocation could not be checked.");
		return;
	}
	if (res.lengths[0] != STATUS_LIST_SIZE / 8 || index >= STATUS_LIST_SIZE) {
		db_result_free(&res);
		check_add(checks, "revocation", "not_checked",
		    "The status list is damaged or has no entry at the credential's status list index, so revocation "
		    "could not be checked.");
		return;
	}
	if (status_list_bit((const unsigned char *)db_cell(&res, 0, 0), res.lengths[0], (int)index))
		check_add(checks, "revocation", "failed", "Revoked: the alliance's status list marks this credential as revoked.");
	else
		check_add(checks, "revocation", "passed", "Not revoked.");
	db_result_free(&res);
}

void handle_verify_credential_upload(struct req *r)
{
	json_t *credential = req_json_or_reply(r);
	char detail[512];
	char key_id[SIGNING_KEY_ID_MAX];

	if (!credential)
		return;
	if (!json_is_object(json_object_get(credential, "proof"))) {
		reply_error(r, 400, "invalid_field", "proof",
		    "proof is missing; upload the credential file exactly as downloaded from a certificate page");
		json_decref(credential);
		return;
	}
	json_t *checks = json_array();
	const char *cert_id = certificate_id_of_url(json_string_value(json_object_get(credential, "id")));
	bool db_failed = false;
	json_t *cert = cert_id ? certificate_load(r->w, cert_id, false, NULL, &db_failed) : NULL;
	if (cert)
		check_add(checks, "record", "passed", "The certificate is in the alliance's register.");
	else if (db_failed)
		check_add(checks, "record", "not_checked", "The register could not be read.");
	else
		check_add(checks, "record", "failed", "The alliance's register has no certificate with this credential's id.");

	enum check_result sig = dataintegrity_verify(r->w, credential, detail, sizeof detail, key_id);
	detail[0] = (char)(detail[0] >= 'a' && detail[0] <= 'z' ? detail[0] - 32 : detail[0]);
	strncat(detail, ".", sizeof detail - strlen(detail) - 1);
	check_add(checks, "signature", result_name(sig), detail);
	status_check_add(r->w, checks, json_object_get(credential, "credentialStatus"));

	const char *until = json_string_value(json_object_get(credential, "validUntil"));
	time_t until_t;
	if (!until) {
		check_add(checks, "expiry", "passed", "Does not expire.");
	} else if (time_parse_iso(until, &until_t) != 0) {
		check_add(checks, "expiry", "failed", "The credential's validUntil is not a valid date-time.");
	} else {
		char iso_day[16], day[40], message[96];
		time_format_local_date(until_t, iso_day);
		time_format_long_date(iso_day, day, sizeof day);
		snprintf(message, sizeof message, until_t <= time(NULL) ? "Expired on %s." : "Not expired; expires on %s.", day);
		check_add(checks, "expiry", until_t <= time(NULL) ? "failed" : "passed", message);
	}

	const char *status = "valid";
	size_t i;
	json_t *check;
	json_array_foreach(checks, i, check) {
		const char *name = json_string_value(json_object_get(check, "check"));
		const char *result = json_string_value(json_object_get(check, "result"));
		if (strcmp(result, "failed") == 0) {
			status = strcmp(name, "revocation") == 0 ? "revoked" : strcmp(name, "expiry") == 0 ? "expired" : "invalid";
			break;
		}
		if (strcmp(result, "not_checked") == 0)
			status = "unknown";
	}
	json_t *achievement = json_object_get(json_object_get(credential, "credentialSubject"), "achievement");
	json_t *holder_name = NULL;
	json_array_foreach(json_object_get(json_object_get(credential, "credentialSubject"), "identifier"), i, check) {
		const char *type = json_string_value(json_object_get(check, "identityType"));
		if (type && strcmp(type, "name") == 0 && !json_is_true(json_object_get(check, "hashed")))
			holder_name = json_object_get(check, "identityHash");
	}
	json_t *reply = json_pack("{s:s, s:o, s:{s:O*}, s:{s:O*}, s:{s:O*}, s:O*, s:o*}",
	    "status", status, "checks", checks,
	    "holder", "name", holder_name,
	    "achievement", "name", json_object_get(achievement, "name"),
	    "issuer", "name", json_object_get(json_object_get(credential, "issuer"), "name"),
	    "valid_from", json_object_get(credential, "validFrom"),
	    "certificate_id", cert_id ? json_string(cert_id) : NULL);
	json_decref(cert);
	json_decref(credential);
	reply_json(r, 200, reply);
}
