/*
 * ids.c: random identifiers and tokens from OpenSSL's CSPRNG.
 *
 * Certificate ids are printed in QR codes and read aloud, so they use Crockford's base32 alphabet
 * in lower case (no i, l, o or u): 20 characters carry 100 random bits, far beyond guessing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mic.h"

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

static void random_bytes(unsigned char *out, size_t n)
{
	/* Without randomness no id or token is safe to hand out; this cannot be recovered from. */
	if (RAND_bytes(out, (int)n) != 1) {
		log_event(LOG_ERROR, NULL, "event=random_failed");
		abort();
	}
}

void id_certificate(char out[CERT_ID_LEN + 1])
{
	unsigned char raw[CERT_ID_LEN];

	random_bytes(raw, sizeof(raw));
	for (size_t i = 0; i < CERT_ID_LEN; i++)
		out[i] = crockford[raw[i] & 31];
	out[CERT_ID_LEN] = '\0';
}

bool id_certificate_valid(const char *s)
{
	if (s == NULL || strlen(s) != CERT_ID_LEN)
		return false;
	for (size_t i = 0; i < CERT_ID_LEN; i++)
		if (s[i] == '\0' || strchr(crockford, s[i]) == NULL)
			return false;
	return true;
}

/* Writes base64url without padding of nbytes random bytes; outlen must hold 4*nbytes/3 + 2. */
void token_random(char *out, size_t outlen, size_t nbytes)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[64];
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;

	if (nbytes > sizeof(raw) || outlen < (nbytes * 4 + 2) / 3 + 1)
		abort();
	random_bytes(raw, nbytes);
	for (size_t i = 0; i < nbytes; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = alphabet[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (6 - bits)) & 63];
	out[o] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		abort();
	for (size_t i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}
