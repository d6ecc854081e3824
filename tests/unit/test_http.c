/* Tests of http.c's decoding: percent escapes, plus signs and hostile bytes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mic.h"

static void expect_decoded(const char *in, bool plus, const char *expected)
{
	char *out = url_decode(in, strlen(in), plus);

	CHECK_STR(out, expected);
	free(out);
}

static void expect_rejected(const char *in)
{
	char *out = url_decode(in, strlen(in), true);

	CHECK(out == NULL);
	free(out);
}

static void test_url_decode(void)
{
	expect_decoded("wood", true, "wood");
	expect_decoded("timber+frame", true, "timber frame");
	expect_decoded("timber+frame", false, "timber+frame");
	expect_decoded("%CE%93%CE%B5%CF%8E", true, "Γεώ");
	expect_decoded("a%2Fb", false, "a/b");
	expect_decoded("", true, "");
	expect_decoded("100%25", true, "100%");
}

static void test_url_decode_rejects(void)
{
	expect_rejected("%");
	expect_rejected("%4");
	expect_rejected("abc%");
	expect_rejected("%zz");
	expect_rejected("%00");        /* NUL */
	expect_rejected("%C3");        /* cut UTF-8 */
	expect_rejected("%C0%AF");     /* overlong */
	expect_rejected("%FF%FE");
}

int main(void)
{
	test_url_decode();
	test_url_decode_rejects();
	return check_summary("http");
}
