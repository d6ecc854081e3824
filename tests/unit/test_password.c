/* Tests of password.c: scrypt hashes round-trip, differ per salt and reject damage. */
#include <string.h>

#include "check.h"
#include "mic.h"

static void test_hash_and_verify(void)
{
	char hash[256], other[256];

	CHECK(password_hash("correct horse battery", 12, hash, sizeof(hash)) == 0);
	CHECK(strncmp(hash, "$scrypt$ln=12,r=8,p=1$", 22) == 0);
	CHECK(password_verify("correct horse battery", hash));
	CHECK(!password_verify("correct horse batterY", hash));
	CHECK(!password_verify("", hash));
	CHECK(password_hash("correct horse battery", 12, other, sizeof(other)) == 0);
	CHECK(strcmp(hash, other) != 0);  /* a fresh salt each time */
}

static void test_unicode_password(void)
{
	char hash[256];

	CHECK(password_hash("Παπαδόπουλος-Ștefănescu-🙂", 10, hash, sizeof(hash)) == 0);
	CHECK(password_verify("Παπαδόπουλος-Ștefănescu-🙂", hash));
	CHECK(!password_verify("Παπαδοπουλος-Ștefănescu-🙂", hash));
}

static void test_verify_rejects_malformed(void)
{
	char hash[256];

	CHECK(password_hash("a long enough password", 10, hash, sizeof(hash)) == 0);
	CHECK(!password_verify("x", NULL));
	CHECK(!password_verify("x", ""));
	CHECK(!password_verify("x", "$scrypt$"));
	CHECK(!password_verify("x", "$scrypt$ln=40,r=8,p=1$AAAA$AAAA"));
	CHECK(!password_verify("x", "$bcrypt$12$abcdefghijklmnopqrstuv"));
	CHECK(!password_verify("x", "$scrypt$ln=10,r=8,p=1$!!!!$AAAA"));
	hash[strlen(hash) - 3] ^= 1;  /* damage the stored hash */
	CHECK(!password_verify("a long enough password", hash));
}

static void test_hash_rejects_bad_cost(void)
{
	char hash[256];

	CHECK(password_hash("password", 9, hash, sizeof(hash)) != 0);
	CHECK(password_hash("password", 21, hash, sizeof(hash)) != 0);
	CHECK(password_hash("password", 10, hash, 8) != 0);
}

int main(void)
{
	test_hash_and_verify();
	test_unicode_password();
	test_verify_rejects_malformed();
	test_hash_rejects_bad_cost();
	return check_summary("password");
}
