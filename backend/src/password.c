/*
 * password.c: password hashes with scrypt (RFC 7914) from OpenSSL 3.0's EVP_KDF interface.
 *
 * Stored form: "$scrypt$ln=15,r=8,p=1$<salt>$<hash>", salt and hash in standard base64. The cost
 * is stored with each hash, so raising MIC_SCRYPT_LOG_N later keeps old hashes verifiable.
 * With ln=15, r=8 one hash needs 32 MiB of memory (128 * r * N bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "mic.h"

#define SALT_LEN 16
#define HASH_LEN 32

static int scrypt_derive(const char *password, const unsigned char *salt, size_t saltlen,
    int log_n, unsigned int r, unsigned int p, unsigned char *out, size_t outlen)
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx;
	OSSL_PARAM params[7];
	uint64_t n = (uint64_t)1 << log_n;
	uint64_t maxmem = 128ULL * r * n + (1u << 20);
	int rc;

	kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	if (kdf == NULL)
		return -1;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)password,
	    strlen(password));
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
	params[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	params[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	params[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	params[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	params[6] = OSSL_PARAM_construct_end();
	rc = EVP_KDF_derive(ctx, out, outlen, params);
	EVP_KDF_CTX_free(ctx);
	return rc == 1 ? 0 : -1;
}

int password_hash(const char *password, int log_n, char *out, size_t outlen)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salt64[32], hash64[64];
	int n;

	if (log_n < 10 || log_n > 20 || RAND_bytes(salt, sizeof(salt)) != 1)
		return -1;
	if (scrypt_derive(password, salt, sizeof(salt), log_n, 8, 1, hash, sizeof(hash)) != 0)
		return -1;
	EVP_EncodeBlock((unsigned char *)salt64, salt, sizeof(salt));
	EVP_EncodeBlock((unsigned char *)hash64, hash, sizeof(hash));
	n = snprintf(out, outlen, "$scrypt$ln=%d,r=8,p=1$%s$%s", log_n, salt64, hash64);
	OPENSSL_cleanse(hash, sizeof(hash));
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

/* Decodes standard base64 into out; returns the decoded length or -1. */
static int base64_decode(const char *in, unsigned char *out, size_t outcap)
{
	size_t len = strlen(in);
	int n;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > outcap)
		return -1;
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (n < 0)
		return -1;
	if (len >= 1 && in[len - 1] == '=')
		n--;
	if (len >= 2 && in[len - 2] == '=')
		n--;
	return n;
}

bool password_verify(const char *password, const char *stored)
{
	int log_n;
	unsigned int r, p;
	char salt64[64], hash64[128];
	unsigned char salt[48], expected[96], actual[96];
	int saltlen, hashlen;
	bool ok;

	if (stored == NULL ||
	    sscanf(stored, "$scrypt$ln=%d,r=%u,p=%u$%63[^$]$%127s", &log_n, &r, &p, salt64, hash64) != 5)
		return false;
	if (log_n < 10 || log_n > 20 || r < 1 || r > 32 || p < 1 || p > 16)
		return false;
	saltlen = base64_decode(salt64, salt, sizeof(salt));
	hashlen = base64_decode(hash64, expected, sizeof(expected));
	if (saltlen <= 0 || hashlen <= 0)
		return false;
	if (scrypt_derive(password, salt, (size_t)saltlen, log_n, r, p, actual, (size_t)hashlen) != 0)
		return false;
	ok = CRYPTO_memcmp(actual, expected, (size_t)hashlen) == 0;
	OPENSSL_cleanse(actual, sizeof(actual));
	return ok;
}
