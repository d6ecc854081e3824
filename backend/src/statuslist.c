/*
 * statuslist.c: W3C Bitstring Status Lists of revoked certificates, at /status/{list}.
 *
 * Every certificate gets a bit in a list at issue; revoking sets the bit in the same transaction
 * as the certificate row. A verifier fetches the whole list, so the server never learns which
 * certificate is being checked. The list is served as a BitstringStatusListCredential whose
 * encodedList is "u" + base64url (no padding) of the GZIP-compressed bitstring, signed like the
 * certificates. The signed form is rebuilt on the first request after a change and stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "mic.h"

/* The specification's minimum size, 16 KiB of bits, so a list hides which entry is looked at. */
#define STATUS_LIST_SIZE 131072
#define STATUS_LIST_BYTES (STATUS_LIST_SIZE / 8)

int status_list_assign(struct worker *w, int *list, int *index)
{
	static const char open_sql[] =
	    "SELECT id, next_index FROM status_lists WHERE next_index < size ORDER BY id DESC LIMIT 1"
	    " FOR UPDATE";
	static const char create_sql[] =
	    "INSERT INTO status_lists (id, size, bits)"
	    " SELECT COALESCE(MAX(id), 0) + 1, ?, REPEAT(x'00', ?) FROM status_lists";
	static const char advance_sql[] = "UPDATE status_lists SET next_index = next_index + 1 WHERE id = ?";
	struct db_result res;
	int rc = -1;

	if (db_query(w, open_sql, NULL, 0, &res) != 0)
		return -1;
	if (res.rows == 0) {
		db_result_free(&res);
		struct db_param params[] = { P_INT(STATUS_LIST_SIZE), P_INT(STATUS_LIST_BYTES) };
		if (db_exec(w, create_sql, params, 2, NULL, NULL) != 0 ||
		    db_query(w, open_sql, NULL, 0, &res) != 0)
			return -1;
		if (res.rows == 0)
			goto out;
	}
	/* NOTE: indexes are handed out in order, so an index tells roughly when a certificate was issued. */
	*list = (int)db_cell_int(&res, 0, 0);
	*index = (int)db_cell_int(&res, 0, 1);
	struct db_param advance[] = { P_INT(*list) };
	rc = db_exec(w, advance_sql, advance, 1, NULL, NULL);
out:
	db_result_free(&res);
	return rc;
}

/*
 * NOTE: entries of a job that rolls back stay reserved and unused; their bits stay 0, which
 * verifiers read as "not revoked" for an id that no credential carries.
 */
int status_list_reserve(struct worker *w, int count, int *list, int *first_index)
{
	static const char open_sql[] =
	    "SELECT id, next_index FROM status_lists WHERE size - next_index >= ?"
	    " ORDER BY id DESC LIMIT 1 FOR UPDATE";
	static const char create_sql[] =
	    "INSERT INTO status_lists (id, size, bits)"
	    " SELECT COALESCE(MAX(id), 0) + 1, ?, REPEAT(x'00', ?) FROM status_lists";
	static const char advance_sql[] = "UPDATE status_lists SET next_index = next_index + ? WHERE id = ?";
	struct db_param open_params[] = { P_INT(count) };
	struct db_result res = { 0 };

	if (count < 1 || count > STATUS_LIST_SIZE || db_begin(w) != 0)
		return -1;
	if (db_query(w, open_sql, open_params, 1, &res) != 0)
		goto failed;
	if (res.rows == 0) {
		/* The newest list has too little room left, so the job starts a new one. */
		db_result_free(&res);
		struct db_param params[] = { P_INT(STATUS_LIST_SIZE), P_INT(STATUS_LIST_BYTES) };
		if (db_exec(w, create_sql, params, 2, NULL, NULL) != 0 ||
		    db_query(w, open_sql, open_params, 1, &res) != 0 || res.rows == 0)
			goto failed;
	}
	*list = (int)db_cell_int(&res, 0, 0);
	*first_index = (int)db_cell_int(&res, 0, 1);
	struct db_param advance[] = { P_INT(count), P_INT(*list) };
	if (db_exec(w, advance_sql, advance, 2, NULL, NULL) != 0 || db_commit(w) != 0)
		goto failed;
	db_result_free(&res);
	return 0;

failed:
	db_rollback(w);
	db_result_free(&res);
	return -1;
}

int status_list_revoke(struct worker *w, int list, int index)
{
	/* Bit 0 is the most significant bit of the first byte; SQL string positions start at 1. */
	static const char sql[] =
	    "UPDATE status_lists SET bits = INSERT(bits, ?, 1, CHAR(ORD(SUBSTRING(bits, ?, 1)) | ?)),"
	    " version = version + 1 WHERE id = ?";
	unsigned long long affected = 0;

	if (index < 0 || index >= STATUS_LIST_SIZE)
		return -1;
	struct db_param params[] = { P_INT(index / 8 + 1), P_INT(index / 8 + 1), P_INT(0x80 >> (index % 8)),
		P_INT(list) };
	if (db_exec(w, sql, params, 4, &affected, NULL) != 0)
		return -1;
	return affected == 1 ? 0 : -1;
}

bool status_list_bit(const unsigned char *bits, size_t len, int index)
{
	if (index < 0 || (size_t)index / 8 >= len)
		return false;
	return (bits[index / 8] & (0x80 >> (index % 8))) != 0;
}

/* Writes "u" + base64url of the GZIP form of bits. */
static int encoded_list(const unsigned char *bits, size_t len, struct buf *out)
{
	z_stream z = { 0 };
	unsigned char *gz = xmalloc(len + 1024);
	int rc = -1;

	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		goto out;
	z.next_in = (unsigned char *)bits;
	z.avail_in = (uInt)len;
	z.next_out = gz;
	z.avail_out = (uInt)(len + 1024);
	if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
		buf_putc(out, 'u');
		base64url_encode(gz, z.total_out, out);
		rc = 0;
	}
	deflateEnd(&z);
out:
	free(gz);
	return rc;
}

/* Builds and signs the status list credential of list; the caller owns the JSON text. */
static char *status_list_sign_or_reply(struct req *r, int list, const unsigned char *bits, size_t len)
{
	char did[ISSUER_DID_MAX];
	char url[CERT_VERIFY_URL_MAX + 32];
	char subject_id[CERT_VERIFY_URL_MAX + 40];
	char now_iso[32];
	char key_id[SIGNING_KEY_ID_MAX];
	char vm[ISSUER_VM_MAX];
	char err[512];
	struct buf encoded;
	char *text = NULL;
	time_t now = time(NULL);

	EVP_PKEY *key = current_signing_key_or_reply(r, key_id);
	if (!key)
		return NULL;
	buf_init(&encoded);
	issuer_did(did);
	issuer_verification_method(key_id, vm);
	snprintf(url, sizeof url, "%s/status/%d", cfg.public_url, list);
	snprintf(subject_id, sizeof subject_id, "%s#list", url);
	time_format_iso(now, now_iso);
	if (encoded_list(bits, len, &encoded) != 0) {
		reply_error(r, 500, "internal", NULL, "the status list could not be compressed");
		goto out;
	}
	json_t *c = json_pack("{s:[s], s:s, s:[s, s], s:s, s:s, s:{s:s, s:s, s:s, s:s}}",
	    "@context", RDF_CONTEXT_CREDENTIALS_V2, "id", url,
	    "type", "VerifiableCredential", "BitstringStatusListCredential",
	    "issuer", did, "validFrom", now_iso,
	    "credentialSubject", "id", subject_id, "type", "BitstringStatusList",
	    "statusPurpose", "revocation", "encodedList", encoded.data);
	if (dataintegrity_sign(c, key, vm, now, err, sizeof err) != 0) {
		log_event(LOG_ERROR, r->request_id, "event=status_list_sign_failed list=%d error=\"%s\"", list, err);
		reply_error(r, 500, "internal", NULL, "the status list could not be signed");
	} else {
		text = json_dumps(c, JSON_COMPACT);
	}
	json_decref(c);
out:
	EVP_PKEY_free(key);
	buf_free(&encoded);
	return text;
}

void handle_status_list(struct req *r)
{
	static const char select_sql[] =
	    "SELECT bits, version, signed_version, signed_credential FROM status_lists WHERE id = ?";
	static const char store_sql[] =
	    "UPDATE status_lists SET signed_credential = ?, signed_version = ? WHERE id = ? AND version = ?";
	long long list;
	struct db_result res = { 0 };
	char *signed_text = NULL;

	if (parse_long(r->params[0], 1, 1000000, &list) != 0) {
		reply_error(r, 404, "not_found", NULL, "no status list has this number");
		return;
	}
	struct db_param params[] = { P_INT(list) };
	if (db_query(r->w, select_sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return;
	}
	if (res.rows == 0) {
		reply_error(r, 404, "not_found", NULL, "no status list has this number");
		goto out;
	}
	reply_header(r, "Cache-Control", "no-cache");
	if (db_cell(&res, 0, 2) && db_cell_int(&res, 0, 1) == db_cell_int(&res, 0, 2)) {
		const char *stored = db_cell(&res, 0, 3);
		reply_raw(r, 200, "application/vc+ld+json", stored, strlen(stored));
		goto out;
	}
	signed_text = status_list_sign_or_reply(r, (int)list, (const unsigned char *)db_cell(&res, 0, 0),
	    res.lengths[0]);
	if (!signed_text)
		goto out;
	struct db_param store[] = { P_TEXT(signed_text), P_INT(db_cell_int(&res, 0, 1)), P_INT(list),
		P_INT(db_cell_int(&res, 0, 1)) };
	/* A failed store only means the next request signs again. */
	if (db_exec(r->w, store_sql, store, 4, NULL, NULL) != 0)
		log_event(LOG_WARN, r->request_id, "event=status_list_store_failed list=%lld", list);
	reply_raw(r, 200, "application/vc+ld+json", signed_text, strlen(signed_text));
out:
	free(signed_text);
	db_result_free(&res);
}
