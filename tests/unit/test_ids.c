/* Tests of ids.c: certificate ids, tokens and SHA-256. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mic.h"

static int compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_certificate_id_shape(void)
{
	char id[CERT_ID_LEN + 1];

	for (int i = 0; i < 1000; i++) {
		id_certificate(id);
		CHECK(strlen(id) == CERT_ID_LEN);
		CHECK(strspn(id, "0123456789abcdefghjkmnpqrstvwxyz") == CERT_ID_LEN);
		CHECK(id_certificate_valid(id));
	}
}

static void test_certificate_ids_distinct(void)
{
	enum { COUNT = 20000 };
	char (*ids)[CERT_ID_LEN + 1] = malloc(sizeof(*ids) * COUNT);
	int duplicates = 0;

	for (int i = 0; i < COUNT; i++)
		id_certificate(ids[i]);
	qsort(ids, COUNT, sizeof(*ids), compare_ids);
	for (int i = 1; i < COUNT; i++)
		duplicates += strcmp(ids[i - 1], ids[i]) == 0;
	CHECK(duplicates == 0);
	free(ids);
}

/* Every character of the alphabet shows up at every position: the bits are spread evenly. */
static void test_certificate_id_uses_all_symbols(void)
{
	bool seen[CERT_ID_LEN][32];
	const char *alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
	char id[CERT_ID_LEN + 1];
	int missing = 0;

	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < 5000; i++) {
		id_certificate(id);
		for (int p = 0; p < CERT_ID_LEN; p++)
			seen[p][strchr(alphabet, id[p]) - alphabet] = true;
	}
	for (int p = 0; p < CERT_ID_LEN; p++)
		for (int s = 0; s < 32; s++)
			missing += !seen[p][s];
	CHECK(missing == 0);
}

static void test_certificate_id_valid_rejects(void)
{
	CHECK(!id_certificate_valid(NULL));
	CHECK(!id_certificate_valid(""));
	CHECK(!id_certificate_valid("0123456789abcdefghj"));     /* 19 characters */
	CHECK(!id_certificate_valid("0123456789abcdefghjkm"));   /* 21 characters */
	CHECK(!id_certificate_valid("0123456789ABCDEFGHJK"));    /* upper case */
	CHECK(!id_certificate_valid("0123456789abcdefghik"));    /* i is not in the alphabet */
	CHECK(!id_certificate_valid("../../../../etc/pass"));
	CHECK(id_certificate_valid("0123456789abcdefghjk"));
}

static void test_token_random(void)
{
	char a[64], b[64];

	token_random(a, sizeof(a), 32);
	token_random(b, sizeof(b), 32);
	CHECK(strlen(a) == 43);
	CHECK(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43);
	CHECK(strcmp(a, b) != 0);
}

static void test_sha256_hex(void)
{
	char out[65];

	sha256_hex("abc", 3, out);
	CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, out);
	CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
	test_certificate_id_shape();
	test_certificate_ids_distinct();
	test_certificate_id_uses_all_symbols();
	test_certificate_id_valid_rejects();
	test_token_random();
	test_sha256_hex();
	return check_summary("ids");
}
