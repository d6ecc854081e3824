/* Tests of util.c and validate.c: UTF-8 checks, number parsing, trimming, e-mail shapes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mic.h"

static void test_utf8_valid(void)
{
	CHECK(utf8_valid("plain ascii", 11));
	CHECK(utf8_valid("Γεώργιος Παπαδόπουλος", strlen("Γεώργιος Παπαδόπουλος")));
	CHECK(utf8_valid("Zoë Nuñez-Ștefănescu 🙂", strlen("Zoë Nuñez-Ștefănescu 🙂")));
	CHECK(!utf8_valid("\xc3", 1));                 /* truncated sequence */
	CHECK(!utf8_valid("\xc0\xaf", 2));             /* overlong "/" */
	CHECK(!utf8_valid("\xe0\x80\xaf", 3));         /* overlong, three bytes */
	CHECK(!utf8_valid("\xed\xa0\x80", 3));         /* surrogate U+D800 */
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4));     /* above U+10FFFF */
	CHECK(!utf8_valid("\xff", 1));
	CHECK(!utf8_valid("a\0b", 3));                 /* NUL inside the length */
	CHECK(utf8_valid("\xf0\x9f\x99\x82", 4));      /* U+1F642 */
}

static void test_utf8_length(void)
{
	CHECK(utf8_length("") == 0);
	CHECK(utf8_length("abc") == 3);
	CHECK(utf8_length("Ștefănescu") == 10);
	CHECK(utf8_length("🙂🙂") == 2);
}

static void test_text_has_control(void)
{
	CHECK(!text_has_control("Zoë", false));
	CHECK(text_has_control("a\x01" "b", false));
	CHECK(text_has_control("a\nb", false));
	CHECK(!text_has_control("a\nb", true));
	CHECK(text_has_control("a\x7f", true));
	CHECK(text_has_control("a\xc2\x85", true));     /* U+0085 NEXT LINE, a C1 control */
	CHECK(!text_has_control("a\xc2\xa0" "b", true)); /* U+00A0 is not a control */
}

static void test_parse_long(void)
{
	long long v = 0;

	CHECK(parse_long("42", 1, 100, &v) == 0 && v == 42);
	CHECK(parse_long("-5", -10, 10, &v) == 0 && v == -5);
	CHECK(parse_long("0", 1, 100, &v) != 0);
	CHECK(parse_long("101", 1, 100, &v) != 0);
	CHECK(parse_long("", 1, 100, &v) != 0);
	CHECK(parse_long(" 4", 1, 100, &v) != 0);
	CHECK(parse_long("4 ", 1, 100, &v) != 0);
	CHECK(parse_long("+4", 1, 100, &v) != 0);
	CHECK(parse_long("4x", 1, 100, &v) != 0);
	CHECK(parse_long("99999999999999999999999", 1, 100, &v) != 0);
	CHECK(parse_long(NULL, 1, 100, &v) != 0);
}

static void test_text_trim(void)
{
	char *s;

	s = text_trim("  Zoë Nuñez \t\n");
	CHECK_STR(s, "Zoë Nuñez");
	free(s);
	s = text_trim("\xc2\xa0" "Ana" "\xc2\xa0");
	CHECK_STR(s, "Ana");
	free(s);
	s = text_trim("   ");
	CHECK_STR(s, "");
	free(s);
	s = text_trim("inner  spaces  kept");
	CHECK_STR(s, "inner  spaces  kept");
	free(s);
}

static void test_email_valid(void)
{
	CHECK(email_valid("ana@example.org"));
	CHECK(email_valid("Ana.Maria+mic@sub.example.eu"));
	CHECK(email_valid("γιώργος@παράδειγμα.gr"));
	CHECK(!email_valid("ana"));
	CHECK(!email_valid("ana@"));
	CHECK(!email_valid("@example.org"));
	CHECK(!email_valid("ana@example"));
	CHECK(!email_valid("ana@@example.org"));
	CHECK(!email_valid("ana maria@example.org"));
	CHECK(!email_valid("ana@example..org"));
	CHECK(!email_valid("ana@.example.org"));
	CHECK(!email_valid("ana@example.org."));
	CHECK(!email_valid("<ana@example.org>"));
}

static void test_secure_equal(void)
{
	CHECK(secure_equal("abc", "abc"));
	CHECK(!secure_equal("abc", "abd"));
	CHECK(!secure_equal("abc", "abcd"));
	CHECK(!secure_equal("", "a"));
	CHECK(secure_equal("", ""));
}

/* Checks that the parsed statements equal the result of jansson's own parser. */
static void check_same_as_jansson(const char *text)
{
	json_t *ours = json_string_array_parse(text);
	json_t *theirs = json_loads(text, JSON_DECODE_ANY, NULL);

	CHECK(ours != NULL);
	CHECK(theirs != NULL);
	CHECK(json_equal(ours, theirs));
	json_decref(ours);
	json_decref(theirs);
}

static void test_json_string_array_parse(void)
{
	json_t *a;

	check_same_as_jansson("[]");
	check_same_as_jansson("[\"one\"]");
	check_same_as_jansson(" [ \"one\" , \"two\" ] ");
	check_same_as_jansson("[\"quote \\\" backslash \\\\ slash \\/ tab \\t line \\n\"]");
	check_same_as_jansson("[\"\\u00e9t\\u00E9 \\ud83d\\ude42\", \"Γεώργιος 🙂\"]");
	check_same_as_jansson("[\"\\b\\f\\r\"]");

	a = json_string_array_parse("[\"Zoë\",\"a\\u0041\"]");
	CHECK(json_array_size(a) == 2);
	CHECK(strcmp(json_string_value(json_array_get(a, 0)), "Zoë") == 0);
	CHECK(strcmp(json_string_value(json_array_get(a, 1)), "aA") == 0);
	json_decref(a);

	/* Anything but a flat array of well-formed strings is left to the general parser. */
	CHECK(json_string_array_parse("") == NULL);
	CHECK(json_string_array_parse("null") == NULL);
	CHECK(json_string_array_parse("[1]") == NULL);
	CHECK(json_string_array_parse("[\"a\",]") == NULL);
	CHECK(json_string_array_parse("[\"a\"") == NULL);
	CHECK(json_string_array_parse("[\"a\"] x") == NULL);
	CHECK(json_string_array_parse("[\"a\" \"b\"]") == NULL);
	CHECK(json_string_array_parse("[\"unterminated]") == NULL);
	CHECK(json_string_array_parse("[\"raw\ttab\"]") == NULL);
	CHECK(json_string_array_parse("[\"bad \\x escape\"]") == NULL);
	CHECK(json_string_array_parse("[\"\\u12\"]") == NULL);
	CHECK(json_string_array_parse("[\"\\ud83d alone\"]") == NULL);
	CHECK(json_string_array_parse("[\"\\ude42 alone\"]") == NULL);
	CHECK(json_string_array_parse("[\"nul \\u0000 inside\"]") == NULL);
	CHECK(json_string_array_parse("[\"\xff\"]") == NULL);
	CHECK(json_string_array_parse("[[\"nested\"]]") == NULL);
}

int main(void)
{
	test_utf8_valid();
	test_utf8_length();
	test_text_has_control();
	test_parse_long();
	test_text_trim();
	test_email_valid();
	test_secure_equal();
	test_json_string_array_parse();
	return check_summary("util");
}
