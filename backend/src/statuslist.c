/*
 * statuslist.c: W3C Bitstring Status Lists of revoked certificates, at /status/{list}.
 *
 * Every certificate gets a bit at a random free index of the newest list at issue, so indexes
 * reveal nothing about issuing order or volume. Revoking sets the bit in the same transaction as
 * the certificate row. A verifier fetches the whole list, so the server never learns which
 * certificate is being checked. The list is served as a BitstringStatusListCredential whose
 * encodedList is "u" + base64url (no padding) of the GZIP-compressed bitstring, signed like the
 * certificates. The signed form is rebuilt on the first request after a change and stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include "mic.h"

#define STATUS_LIST_BYTES (STATUS_LIST_SIZE / 8)

int status_list_random_index(void)
{
	uint32_t v;

	if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
		return -1;
	/* The list size is a power of two, so the remainder is uniform. */
	return (int)(v % STATUS_LIST_SIZE);
}

bool status_list_over_threshold(long long assigned)
{
	return assigned >= STATUS_LIST_FILL_LIMIT;
}

int status_list_choose(int (*take)(void *ctx, int index), void *ctx, int max_tries, int *index)
{
	for (int i = 0; i < max_tries; i++) {
		int candidate = status_list_random_index();
		if (candidate < 0)
			return -1;
		int taken = take(ctx, candidate);
		if (taken < 0)
			return -1;
		if (taken == 1) {
			*index = candidate;
			return 0;
		}
	}
	return 1;
}

struct entry_claim {
	struct worker *w;
	const char *certificate_id;
	int list;
};

/*
 * Claims entry index of claim->list in status_list_entries, the register of taken entries. An
 * entry that a certificate or a bulk job's reservation has is rejected by its primary key. An
 * entry claimed by a transaction that has not committed yet counts as taken at once (lock wait
 * timeout 0), so an issuer does not wait for another. Returns 1 when claimed, 0 on a clash.
 * NOTE: db.c logs that lock wait timeout (errno 1205) as a db_error line although it is expected here.
 */
static int claim_entry(void *ctx, int index)
{
	static const char sql[] =
	    "SET STATEMENT innodb_lock_wait_timeout = 0 FOR"
	    " INSERT INTO status_list_entries (status_list, status_index) VALUES (?, ?)";
	struct entry_claim *claim = ctx;

	struct db_param params[] = { P_INT(claim->list), P_INT(index) };
	if (db_exec(claim->w, sql, params, 2, NULL, NULL) == 0)
		return 1;
	unsigned int err = db_errno(claim->w);
	return err == ER_DUP_ENTRY || err == ER_LOCK_WAIT_TIMEOUT ? 0 : -1;
}

/* Sets *assigned to the number of entries assigned in list, counting every worker's share. */
static int list_assigned(struct worker *w, int list, long long *assigned)
{
	static const char sql[] = "SELECT COALESCE(SUM(assigned), 0) FROM status_list_usage WHERE status_list = ?";
	struct db_result res;

	struct db_param params[] = { P_INT(list) };
	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	*assigned = res.rows ? db_cell_int(&res, 0, 0) : 0;
	db_result_free(&res);
	return 0;
}

/*
 * Creates list unless it exists; a concurrent issuer creating the same list is not an error.
 * NOTE: while another transaction that created the same list is still open, this insert waits for
 * it, up to the session's innodb_lock_wait_timeout. That happens once per new list only.
 */
static int list_open(struct worker *w, int list)
{
	static const char sql[] = "INSERT IGNORE INTO status_lists (id, size, bits) VALUES (?, ?, REPEAT(x'00', ?))";

	struct db_param params[] = { P_INT(list), P_INT(STATUS_LIST_SIZE), P_INT(STATUS_LIST_BYTES) };
	return db_exec(w, sql, params, 3, NULL, NULL);
}

/* Sets *list to the newest list below the fill threshold, opening a new list when there is none. */
static int list_current(struct worker *w, int *list)
{
	static const char newest_sql[] = "SELECT COALESCE(MAX(id), 0) FROM status_lists";
	struct db_result res;
	long long assigned = 0;

	if (db_query(w, newest_sql, NULL, 0, &res) != 0)
		return -1;
	*list = res.rows ? (int)db_cell_int(&res, 0, 0) : 0;
	db_result_free(&res);
	if (*list == 0) {
		*list = 1;
		return list_open(w, *list);
	}
	/* A list opened by a transaction that committed after this one's snapshot is invisible to the
	 * SELECT above, so the walk goes on through the ids until a list has room. */
	for (;;) {
		if (list_assigned(w, *list, &assigned) != 0)
			return -1;
		if (!status_list_over_threshold(assigned))
			return 0;
		*list += 1;
		if (list_open(w, *list) != 0)
			return -1;
	}
}

int status_list_assign(struct worker *w, const char *certificate_id, int *list, int *index)
{
	static const char count_sql[] =
	    "INSERT INTO status_list_usage (status_list, shard, assigned) VALUES (?, ?, 1)"
	    " ON DUPLICATE KEY UPDATE assigned = assigned + 1";
	struct entry_claim claim = { .w = w, .certificate_id = certificate_id };

	if (list_current(w, &claim.list) != 0)
		return -1;
	int rc = status_list_choose(claim_entry, &claim, STATUS_LIST_MAX_TRIES, index);
	if (rc == 1) {
		/* Every draw clashed, so the list is fuller than its count shows, because of counts not
		 * yet committed by other issuers. The next list has room. */
		log_event(LOG_WARN, NULL, "event=status_list_crowded list=%d tries=%d", claim.list,
		    STATUS_LIST_MAX_TRIES);
		claim.list += 1;
		if (list_open(w, claim.list) != 0)
			return -1;
		rc = status_list_choose(claim_entry, &claim, STATUS_LIST_MAX_TRIES, index);
	}
	if (rc != 0)
		return -1;
	*list = claim.list;
	struct db_param count[] = { P_INT(claim.list), P_INT(w->index) };
	return db_exec(w, count_sql, count, 2, NULL, NULL);
}

#define RESERVE_CHUNK_ROWS 64
#define RESERVE_ATTEMPTS 3

/* Sets the bit of every entry of list that is taken in bitmap (STATUS_LIST_BYTES long). */
static int taken_entries(struct worker *w, int list, unsigned char *bitmap)
{
	static const char sql[] = "SELECT status_index FROM status_list_entries WHERE status_list = ?";
	struct db_result res;

	struct db_param params[] = { P_INT(list) };
	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	for (size_t row = 0; row < res.rows; row++) {
		long long index = db_cell_int(&res, row, 0);
		if (index >= 0 && index < STATUS_LIST_SIZE)
			bitmap[index / 8] |= (unsigned char)(1u << (index % 8));
	}
	db_result_free(&res);
	return 0;
}

/* Draws count distinct random entries that bitmap does not mark, and marks them. */
static int draw_free_entries(unsigned char *bitmap, int count, int *indexes)
{
	for (int i = 0; i < count; i++) {
		int index;
		do {
			index = status_list_random_index();
			if (index < 0)
				return -1;
		} while (bitmap[index / 8] & (1u << (index % 8)));
		bitmap[index / 8] |= (unsigned char)(1u << (index % 8));
		indexes[i] = index;
	}
	return 0;
}

/* Inserts the entries into status_list_entries, RESERVE_CHUNK_ROWS rows per statement. */
static int insert_entries(struct worker *w, int list, const int *indexes, int count)
{
	static const char one_sql[] =
	    "INSERT INTO status_list_entries (status_list, status_index) VALUES (?, ?)";
	struct db_param params[RESERVE_CHUNK_ROWS * 2];
	struct buf chunk_sql;
	int done = 0;
	int rc = -1;

	buf_init(&chunk_sql);
	buf_puts(&chunk_sql, "INSERT INTO status_list_entries (status_list, status_index) VALUES ");
	db_values_list(&chunk_sql, RESERVE_CHUNK_ROWS, 2);
	for (; done + RESERVE_CHUNK_ROWS <= count; done += RESERVE_CHUNK_ROWS) {
		for (int i = 0; i < RESERVE_CHUNK_ROWS; i++) {
			params[2 * i] = P_INT(list);
			params[2 * i + 1] = P_INT(indexes[done + i]);
		}
		if (db_exec(w, chunk_sql.data, params, RESERVE_CHUNK_ROWS * 2, NULL, NULL) != 0)
			goto out;
	}
	/* The rest row by row, so that only two statement texts are ever prepared. */
	for (; done < count; done++) {
		struct db_param one[] = { P_INT(list), P_INT(indexes[done]) };
		if (db_exec(w, one_sql, one, 2, NULL, NULL) != 0)
			goto out;
	}
	rc = 0;
out:
	buf_free(&chunk_sql);
	return rc;
}

/* One attempt of status_list_reserve(); returns 1 when a concurrent claim got in the way. */
static int reserve_once(struct worker *w, int count, int *list, int *indexes, unsigned char *bitmap)
{
	static const char count_sql[] =
	    "INSERT INTO status_list_usage (status_list, shard, assigned) VALUES (?, ?, ?)"
	    " ON DUPLICATE KEY UPDATE assigned = assigned + VALUES(assigned)";
	long long assigned = 0;

	if (db_begin(w) != 0)
		return -1;
	if (list_current(w, list) != 0 || list_assigned(w, *list, &assigned) != 0)
		goto failed;
	/* A job that would take the list far past its fill limit goes to a new list instead, so
	 * single issues keep finding free entries quickly. */
	if (status_list_over_threshold(assigned + count)) {
		*list += 1;
		if (list_open(w, *list) != 0)
			goto failed;
	}
	memset(bitmap, 0, STATUS_LIST_BYTES);
	if (taken_entries(w, *list, bitmap) != 0 || draw_free_entries(bitmap, count, indexes) != 0)
		goto failed;
	if (insert_entries(w, *list, indexes, count) != 0) {
		unsigned int err = db_errno(w);
		db_rollback(w);
		return err == ER_DUP_ENTRY || err == ER_LOCK_WAIT_TIMEOUT ? 1 : -1;
	}
	struct db_param usage[] = { P_INT(*list), P_INT(w->index), P_INT(count) };
	if (db_exec(w, count_sql, usage, 3, NULL, NULL) != 0 || db_commit(w) != 0)
		goto failed;
	return 0;

failed:
	db_rollback(w);
	return -1;
}

/*
 * Reserves count random free entries of one list for a bulk job, in a transaction of its own
 * that commits before the job's issuing starts, so single issues never draw them meanwhile.
 * NOTE: entries of a job that rolls back, and of rows it skips, stay taken and unused. Their
 * bits stay 0, which verifiers read as "not revoked" for an index that no credential carries.
 */
int status_list_reserve(struct worker *w, int count, int *list, int *indexes)
{
	unsigned char *bitmap = NULL;
	int rc = -1;

	if (count < 1 || count > STATUS_LIST_FILL_LIMIT)
		return -1;
	bitmap = malloc(STATUS_LIST_BYTES);
	if (!bitmap)
		return -1;
	for (int attempt = 1; attempt <= RESERVE_ATTEMPTS; attempt++) {
		rc = reserve_once(w, count, list, indexes, bitmap);
		if (rc <= 0)
			break;
		log_event(LOG_WARN, NULL, "event=status_list_reserve_clash list=%d attempt=%d", *list,
		    attempt);
		rc = -1;
	}
	free(bitmap);
	return rc;
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
