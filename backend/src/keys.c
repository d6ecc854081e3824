/*
 * keys.c: the alliance's Ed25519 signing keys, and their publication as a did:web DID document
 * and as a JWKS.
 *
 * Each key is a row of signing_keys (key id, public key, validity period) and a PKCS#8 PEM file
 * MIC_KEYS_DIR/<key_id>.pem of mode 0600 holding the private key, which never enters the
 * database. The row whose valid_until is NULL is the current key. Rotation closes the current
 * row and adds a new key; older public keys stay published, so every credential keeps verifying.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "mic.h"

#define ED25519_KEY_LEN 32

void issuer_did(char out[ISSUER_DID_MAX])
{
	const char *host = cfg.public_url + (strncmp(cfg.public_url, "https://", 8) == 0 ? 8 : 7);
	size_t n = 0;

	n += (size_t)snprintf(out, ISSUER_DID_MAX, "did:web:");
	/* did:web percent-encodes the port's colon and writes each path separator as a colon. */
	for (const char *p = host; *p && n + 4 < ISSUER_DID_MAX; p++) {
		if (*p == ':') {
			memcpy(out + n, "%3A", 3);
			n += 3;
		} else {
			out[n++] = *p == '/' ? ':' : *p;
		}
	}
	out[n] = '\0';
}

void issuer_verification_method(const char *key_id, char out[ISSUER_VM_MAX])
{
	char did[ISSUER_DID_MAX];

	issuer_did(did);
	snprintf(out, ISSUER_VM_MAX, "%s#%s", did, key_id);
}

/* ---- Encodings ---- */

static const char base58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

void base58btc_encode(const unsigned char *data, size_t len, struct buf *out)
{
	size_t zeros = 0;
	size_t size = len * 138 / 100 + 1;
	unsigned char *digits = xcalloc(size, 1);
	size_t used = 0;

	while (zeros < len && data[zeros] == 0)
		zeros++;
	for (size_t i = zeros; i < len; i++) {
		unsigned int carry = data[i];
		size_t j = 0;
		for (; j < used || carry; j++) {
			carry += 256u * digits[j];
			digits[j] = (unsigned char)(carry % 58);
			carry /= 58;
		}
		used = j;
	}
	for (size_t i = 0; i < zeros; i++)
		buf_putc(out, '1');
	for (size_t i = used; i > 0; i--)
		buf_putc(out, base58_alphabet[digits[i - 1]]);
	free(digits);
}

int base58btc_decode(const char *text, unsigned char *out, size_t outlen, size_t *len)
{
	size_t zeros = 0;
	size_t used = 0;
	unsigned char *bytes = xcalloc(strlen(text) + 1, 1);
	int rc = -1;

	while (text[zeros] == '1')
		zeros++;
	for (const char *p = text + zeros; *p; p++) {
		const char *at = strchr(base58_alphabet, *p);
		if (!at || !*p)
			goto out;
		unsigned int carry = (unsigned int)(at - base58_alphabet);
		size_t j = 0;
		for (; j < used || carry; j++) {
			carry += 58u * bytes[j];
			bytes[j] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
		used = j;
	}
	if (zeros + used > outlen)
		goto out;
	memset(out, 0, zeros);
	for (size_t i = 0; i < used; i++)
		out[zeros + i] = bytes[used - 1 - i];
	*len = zeros + used;
	rc = 0;
out:
	free(bytes);
	return rc;
}

void base64url_encode(const unsigned char *data, size_t len, struct buf *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	for (size_t i = 0; i < len; i += 3) {
		unsigned int v = (unsigned int)data[i] << 16;
		if (i + 1 < len)
			v |= (unsigned int)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		buf_putc(out, alphabet[(v >> 18) & 63]);
		buf_putc(out, alphabet[(v >> 12) & 63]);
		if (i + 1 < len)
			buf_putc(out, alphabet[(v >> 6) & 63]);
		if (i + 2 < len)
			buf_putc(out, alphabet[v & 63]);
	}
}

/* Writes "z" + base58btc of the multicodec prefix 0xed 0x01 and the raw Ed25519 public key. */
static void public_key_multibase(const unsigned char raw[ED25519_KEY_LEN], struct buf *out)
{
	unsigned char prefixed[2 + ED25519_KEY_LEN] = { 0xed, 0x01 };

	memcpy(prefixed + 2, raw, ED25519_KEY_LEN);
	buf_putc(out, 'z');
	base58btc_encode(prefixed, sizeof prefixed, out);
}

int public_key_from_multibase(const char *multibase, unsigned char raw[ED25519_KEY_LEN])
{
	unsigned char decoded[64];
	size_t len;

	if (multibase[0] != 'z' || base58btc_decode(multibase + 1, decoded, sizeof decoded, &len) != 0)
		return -1;
	if (len != 2 + ED25519_KEY_LEN || decoded[0] != 0xed || decoded[1] != 0x01)
		return -1;
	memcpy(raw, decoded + 2, ED25519_KEY_LEN);
	return 0;
}

/* ---- Key files ---- */

static int key_path(const char *key_id, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s.pem", cfg.keys_dir, key_id);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/*
 * Checks the folder of the key files: a folder that others may write to lets them replace a key,
 * so it is rejected like a key file they may read.
 */
static int keys_dir_check(char *err, size_t errlen)
{
	struct stat st;

	if (stat(cfg.keys_dir, &st) != 0) {
		snprintf(err, errlen, "cannot open the key folder %s: %s", cfg.keys_dir, strerror(errno));
		return SIGNING_KEY_UNREADABLE;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(err, errlen, "the key folder %s has mode %04o, so other users may replace the "
		    "signing key; run `chmod 700 %s`", cfg.keys_dir, (unsigned)(st.st_mode & 07777),
		    cfg.keys_dir);
		return SIGNING_KEY_INSECURE;
	}
	return 0;
}

/*
 * Checks the mode of an open key file. The owner's read bit is checked here because root can read
 * a file of mode 0000, so open() alone would accept a key that its owner marked unreadable.
 */
static int key_file_check(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot read the key file %s: %s", path, strerror(errno));
		return SIGNING_KEY_UNREADABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "the key file %s is not a regular file; restore it from a backup or "
		    "run `mic-server rotate-key`", path);
		return SIGNING_KEY_INVALID;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "the key file %s has mode %04o, so other users may read the private "
		    "key; run `chmod 600 %s`, then rotate the key with `mic-server rotate-key` if "
		    "anyone else could have copied it", path, (unsigned)(st.st_mode & 07777), path);
		return SIGNING_KEY_INSECURE;
	}
	if ((st.st_mode & S_IRUSR) == 0) {
		snprintf(err, errlen, "the key file %s has mode %04o, which forbids reading it; run "
		    "`chmod 600 %s`", path, (unsigned)(st.st_mode & 07777), path);
		return SIGNING_KEY_UNREADABLE;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "the key file %s belongs to user id %u, not to the user id %u that "
		    "runs mic-server; run `chown %u %s`", path, (unsigned)st.st_uid, (unsigned)geteuid(),
		    (unsigned)geteuid(), path);
		return SIGNING_KEY_INSECURE;
	}
	return 0;
}

/* Checks that pkey is an Ed25519 key whose public part gives key_id ("key-" + SHA-256 prefix). */
static int key_matches_id(EVP_PKEY *pkey, const char *key_id, const char *path, char *err,
    size_t errlen)
{
	unsigned char raw[ED25519_KEY_LEN];
	size_t raw_len = sizeof raw;
	char hash[65], expected[SIGNING_KEY_ID_MAX];

	if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(pkey, raw, &raw_len) != 1 || raw_len != sizeof raw) {
		snprintf(err, errlen, "the key file %s does not contain an Ed25519 private key in PEM; "
		    "restore it from a backup or run `mic-server rotate-key`", path);
		return SIGNING_KEY_INVALID;
	}
	sha256_hex(raw, sizeof raw, hash);
	snprintf(expected, sizeof expected, "key-%.16s", hash);
	if (strcmp(expected, key_id) != 0) {
		snprintf(err, errlen, "the key file %s contains the key %s, not %s; restore the right file "
		    "from a backup or run `mic-server rotate-key`", path, expected, key_id);
		return SIGNING_KEY_INVALID;
	}
	return 0;
}

EVP_PKEY *signing_key_read(const char *key_id, enum signing_key_problem *problem, char *err,
    size_t errlen)
{
	char path[600];
	EVP_PKEY *pkey = NULL;
	FILE *f = NULL;
	int fd = -1;
	int failure;

	if (key_path(key_id, path, sizeof path) != 0) {
		snprintf(err, errlen, "MIC_KEYS_DIR is too long");
		*problem = SIGNING_KEY_UNREADABLE;
		return NULL;
	}
	failure = keys_dir_check(err, errlen);
	if (failure != 0)
		goto failed;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the key file %s: %s; %s", path, strerror(errno),
		    errno == EACCES ? "run `chmod 600` on it as its owner" :
		    "restore it from a backup or run `mic-server rotate-key`");
		failure = errno == ENOENT ? SIGNING_KEY_MISSING : SIGNING_KEY_UNREADABLE;
		goto failed;
	}
	failure = key_file_check(fd, path, err, errlen);
	if (failure != 0)
		goto failed;
	f = fdopen(fd, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read the key file %s: %s", path, strerror(errno));
		failure = SIGNING_KEY_UNREADABLE;
		goto failed;
	}
	fd = -1;
	ERR_clear_error();
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	failure = key_matches_id(pkey, key_id, path, err, errlen);
	if (failure != 0)
		goto failed;
	fclose(f);
	*problem = SIGNING_KEY_OK;
	return pkey;

failed:
	*problem = (enum signing_key_problem)failure;
	EVP_PKEY_free(pkey);
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	return NULL;
}

const char *signing_key_problem_code(enum signing_key_problem problem)
{
	switch (problem) {
	case SIGNING_KEY_OK: return "ok";
	case SIGNING_KEY_MISSING: return "signing_key_missing";
	case SIGNING_KEY_UNREADABLE: return "signing_key_unreadable";
	case SIGNING_KEY_INSECURE: return "signing_key_insecure";
	case SIGNING_KEY_INVALID: return "signing_key_invalid";
	}
	return "signing_key_unavailable";
}

/* Writes the private key to its file, created with mode 0600 and never overwritten. */
static int signing_key_write(EVP_PKEY *pkey, const char *key_id, char *err, size_t errlen)
{
	char path[600];
	int fd;
	FILE *f;

	if (mkdir(cfg.keys_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", cfg.keys_dir, strerror(errno));
		return -1;
	}
	if (key_path(key_id, path, sizeof path) != 0) {
		snprintf(err, errlen, "MIC_KEYS_DIR is too long");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int ok = PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0 || !ok) {
		snprintf(err, errlen, "cannot write %s", path);
		unlink(path);
		return -1;
	}
	return 0;
}

/* ---- Key rows ---- */

static const char keys_select_sql[] =
    "SELECT key_id, public_key_multibase, valid_from, valid_until FROM signing_keys ORDER BY id";

int signing_key_current(struct worker *w, char key_id[SIGNING_KEY_ID_MAX], bool *found)
{
	static const char sql[] =
	    "SELECT key_id FROM signing_keys WHERE valid_until IS NULL ORDER BY id DESC LIMIT 1";
	struct db_result res;

	*found = false;
	if (db_query(w, sql, NULL, 0, &res) != 0)
		return -1;
	if (res.rows == 1) {
		snprintf(key_id, SIGNING_KEY_ID_MAX, "%s", db_cell(&res, 0, 0));
		*found = true;
	}
	db_result_free(&res);
	return 0;
}

int signing_key_lookup(struct worker *w, const char *key_id, struct signing_key_info *out,
    bool *found)
{
	static const char sql[] =
	    "SELECT public_key_multibase, valid_from, valid_until FROM signing_keys WHERE key_id = ?";
	struct db_param params[] = { P_TEXT(key_id) };
	struct db_result res;

	*found = false;
	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	if (res.rows == 1 && public_key_from_multibase(db_cell(&res, 0, 0), out->public_key) == 0 &&
	    time_parse_db(db_cell(&res, 0, 1), &out->valid_from) == 0) {
		out->valid_until = 0;
		if (db_cell(&res, 0, 2) && time_parse_db(db_cell(&res, 0, 2), &out->valid_until) != 0)
			out->valid_until = 0;
		*found = true;
	}
	db_result_free(&res);
	return 0;
}

/*
 * Creates a key pair and its file, and records it as the current key, closing the previous
 * current key in the same transaction. The key id is "key-" and 16 hex digits of the SHA-256 of
 * the public key; the unique index of signing_keys rejects the unlikely clash with an earlier key.
 */
static int signing_key_add(struct worker *w, char key_id[SIGNING_KEY_ID_MAX], char *err, size_t errlen)
{
	static const char close_sql[] =
	    "UPDATE signing_keys SET valid_until = UTC_TIMESTAMP(6) WHERE valid_until IS NULL";
	static const char insert_sql[] =
	    "INSERT INTO signing_keys (key_id, public_key_multibase, valid_from)"
	    " VALUES (?, ?, UTC_TIMESTAMP(6))";
	unsigned char raw[ED25519_KEY_LEN];
	size_t raw_len = sizeof raw;
	char hash[65];
	struct buf multibase;
	EVP_PKEY *pkey = NULL;
	int rc = -1;

	buf_init(&multibase);
	ERR_clear_error();
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!pkey || EVP_PKEY_get_raw_public_key(pkey, raw, &raw_len) != 1) {
		snprintf(err, errlen, "OpenSSL could not generate an Ed25519 key");
		goto out;
	}
	sha256_hex(raw, sizeof raw, hash);
	snprintf(key_id, SIGNING_KEY_ID_MAX, "key-%.16s", hash);
	public_key_multibase(raw, &multibase);
	if (signing_key_write(pkey, key_id, err, errlen) != 0)
		goto out;

	struct db_param params[] = { P_TEXT(key_id), P_TEXT(multibase.data) };
	if (db_begin(w) != 0 || db_exec(w, close_sql, NULL, 0, NULL, NULL) != 0 ||
	    db_exec(w, insert_sql, params, 2, NULL, NULL) != 0 || db_commit(w) != 0) {
		db_rollback(w);
		snprintf(err, errlen, "recording the key in signing_keys failed");
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pkey);
	buf_free(&multibase);
	return rc;
}

int signing_key_command(bool rotate)
{
	struct worker w;
	char key_id[SIGNING_KEY_ID_MAX];
	char err[1024] = "";
	bool found = false;
	int rc = 1;

	memset(&w, 0, sizeof w);
	w.index = -1;
	if (db_worker_connect(&w) != 0) {
		fprintf(stderr, "mic-server: cannot reach the database at %s\n", cfg.db_socket);
		goto out;
	}
	if (signing_key_current(&w, key_id, &found) != 0) {
		fprintf(stderr, "mic-server: reading signing_keys failed; has `mic-server migrate` run?\n");
		goto out;
	}
	if (found && !rotate) {
		enum signing_key_problem problem;
		EVP_PKEY *pkey = signing_key_read(key_id, &problem, err, sizeof err);
		if (!pkey) {
			fprintf(stderr, "mic-server keygen: the current key %s has no usable private key: %s; "
			    "restore the file or run `mic-server rotate-key`\n", key_id, err);
			goto out;
		}
		EVP_PKEY_free(pkey);
		printf("%s\n", key_id);
		rc = 0;
		goto out;
	}
	if (signing_key_add(&w, key_id, err, sizeof err) != 0) {
		fprintf(stderr, "mic-server %s: %s\n", rotate ? "rotate-key" : "keygen", err);
		goto out;
	}
	log_event(LOG_INFO, NULL, "event=%s key=%s", rotate ? "signing_key_rotated" : "signing_key_created",
	    key_id);
	printf("%s\n", key_id);
	rc = 0;
out:
	db_worker_free(&w);
	return rc;
}

/* ---- Publication ---- */

void handle_did_document(struct req *r)
{
	char did[ISSUER_DID_MAX];
	struct db_result res;

	if (db_query(r->w, keys_select_sql, NULL, 0, &res) != 0) {
		reply_db_error(r);
		return;
	}
	issuer_did(did);
	json_t *methods = json_array();
	json_t *assertion = json_array();
	for (size_t i = 0; i < res.rows; i++) {
		char vm[ISSUER_VM_MAX];
		issuer_verification_method(db_cell(&res, i, 0), vm);
		json_array_append_new(methods, json_pack("{s:s, s:s, s:s, s:s}", "id", vm, "type", "Multikey",
		    "controller", did, "publicKeyMultibase", db_cell(&res, i, 1)));
		json_array_append_new(assertion, json_string(vm));
	}
	db_result_free(&res);
	json_t *doc = json_pack("{s:[s, s], s:s, s:o, s:o}",
	    "@context", "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
	    "id", did, "verificationMethod", methods, "assertionMethod", assertion);
	reply_header(r, "Cache-Control", "public, max-age=60");
	reply_json(r, 200, doc);
}

void handle_jwks(struct req *r)
{
	struct db_result res;

	if (db_query(r->w, keys_select_sql, NULL, 0, &res) != 0) {
		reply_db_error(r);
		return;
	}
	json_t *keys = json_array();
	for (size_t i = 0; i < res.rows; i++) {
		unsigned char raw[ED25519_KEY_LEN];
		char vm[ISSUER_VM_MAX];
		struct buf x;
		if (public_key_from_multibase(db_cell(&res, i, 1), raw) != 0)
			continue;
		buf_init(&x);
		base64url_encode(raw, sizeof raw, &x);
		issuer_verification_method(db_cell(&res, i, 0), vm);
		json_array_append_new(keys, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "OKP",
		    "crv", "Ed25519", "x", x.data, "kid", vm, "alg", "EdDSA", "use", "sig"));
		buf_free(&x);
	}
	db_result_free(&res);
	reply_header(r, "Cache-Control", "public, max-age=60");
	reply_json(r, 200, json_pack("{s:o}", "keys", keys));
}
