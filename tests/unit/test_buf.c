/*
 * Tests of the JSON text writers of buf.c: buf_json_string, whose output must parse back to the
 * same string with jansson, and buf_put_int, over the whole range of long long.
 */
#include <limits.h>
#include <stdio.h>

#include "check.h"
#include "mic.h"

struct string_case {
	const char *input;
	const char *expected;
};

static const struct string_case string_cases[] = {
	{ "", "\"\"" },
	{ "plain", "\"plain\"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "back\\slash", "\"back\\\\slash\"" },
	{ "line\nbreak", "\"line\\u000abreak\"" },
	{ "\t\x01\x1f", "\"\\u0009\\u0001\\u001f\"" },
	{ "</script>", "\"</script>\"" },
	{ "Γεώργιος 🎓 عربي", "\"Γεώργιος 🎓 عربي\"" },
	{ "\"", "\"\\\"\"" },
	{ "end\\", "\"end\\\\\"" },
};

static void test_json_string_cases(void)
{
	for (size_t i = 0; i < sizeof string_cases / sizeof string_cases[0]; i++) {
		struct buf b;
		buf_init(&b);
		buf_json_string(&b, string_cases[i].input);
		CHECK_STR(b.data, string_cases[i].expected);
		CHECK(b.len == strlen(string_cases[i].expected));
		buf_free(&b);
	}
}

/* Every ASCII byte from 1 to 127 and two multi-byte characters: jansson must read back the input. */
static void test_json_string_round_trip(void)
{
	char input[256];
	struct buf b;
	json_error_t error;

	for (int c = 1; c < 128; c++)
		input[c - 1] = (char)c;
	/* "é€" in UTF-8, with the terminating NUL. */
	memcpy(input + 127, "\xc3\xa9\xe2\x82\xac", 6);
	buf_init(&b);
	buf_puts(&b, "[");
	buf_json_string(&b, input);
	buf_puts(&b, "]");
	json_t *parsed = json_loadb(b.data, b.len, 0, &error);
	CHECK(parsed != NULL);
	CHECK_STR(json_string_value(json_array_get(parsed, 0)), input);
	json_decref(parsed);
	buf_free(&b);
}

static void test_put_int(void)
{
	static const long long values[] = { 0, 7, -7, 10, 99, 100, 2147483648LL, -2147483649LL,
		LLONG_MAX, LLONG_MIN };

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char expected[32];
		struct buf b;

		snprintf(expected, sizeof expected, "%lld", values[i]);
		buf_init(&b);
		buf_puts(&b, "n=");
		buf_put_int(&b, values[i]);
		CHECK(b.len == 2 + strlen(expected));
		CHECK(strcmp(b.data + 2, expected) == 0);
		buf_free(&b);
	}
}

int main(void)
{
	test_json_string_cases();
	test_json_string_round_trip();
	test_put_int();
	return check_summary("test_buf");
}
