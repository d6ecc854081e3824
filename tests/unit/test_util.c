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

/* Decodes the JSON string literal text in place and checks it against jansson's own decoding. */
static void check_same_as_jansson(const char *text)
{
	char *copy = xstrdup(text), *to = copy;
	json_t *theirs = json_loads(text, JSON_DECODE_ANY, NULL);
	char *after = json_text_string_decode(copy, &to);

	CHECK(after != NULL);
	CHECK(theirs != NULL);
	if (after && theirs) {
		CHECK(*after == '\0');
		CHECK(strcmp(copy, json_string_value(theirs)) == 0);
	}
	json_decref(theirs);
	free(copy);
}

/* Checks that text is rejected as a JSON string. */
static void check_string_rejected(const char *text)
{
	char *copy = xstrdup(text), *to = copy;

	CHECK(json_text_string_decode(copy, &to) == NULL);
	free(copy);
}

static void test_json_text_string_decode(void)
{
	check_same_as_jansson("\"\"");
	check_same_as_jansson("\"one\"");
	check_same_as_jansson("\"quote \\\" backslash \\\\ slash \\/ tab \\t line \\n\"");
	check_same_as_jansson("\"\\u00e9t\\u00E9 \\ud83d\\ude42\"");
	check_same_as_jansson("\"Γεώργιος 🙂\"");
	check_same_as_jansson("\"\\b\\f\\r\"");
	check_same_as_jansson("\"a\\u0041\"");

	check_string_rejected("\"unterminated");
	check_string_rejected("\"raw\ttab\"");
	check_string_rejected("\"bad \\x escape\"");
	check_string_rejected("\"\\u12\"");
	check_string_rejected("\"\\ud83d alone\"");
	check_string_rejected("\"\\ude42 alone\"");
	check_string_rejected("\"nul \\u0000 inside\"");
}

/* Two strings decoded one after the other end up side by side at the start of the text. */
static void test_json_text_decode_in_place(void)
{
	char text[] = "[\"Zo\\u00eb\", 7, \"x\"]";
	char *to = text, *s = json_text_space(text + 1);

	s = json_text_string_decode(s, &to);
	CHECK(s != NULL);
	if (!s)
		return;
	s = json_text_value_skip(json_text_space(s + 1));
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(*s == ',');
	s = json_text_string_decode(json_text_space(s + 1), &to);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(*s == ']');
	CHECK(strcmp(text, "Zoë") == 0);
	CHECK(strcmp(text + strlen("Zoë") + 1, "x") == 0);
	CHECK(*json_text_value_skip((char[]){ "[1, [2]] ," }) == ' ');
	CHECK(json_text_value_skip((char[]){ "[1, \"]" }) == NULL);
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
	test_json_text_string_decode();
	test_json_text_decode_in_place();
	return check_summary("util");
}
