/* Tests of csv.c against files as spreadsheet programs write them, and malformed ones. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mic.h"

/*
 * Parses input and checks it against the expected records, given as one string per record with
 * fields separated by '|' and each record's starting line before a ':' ("2:a|b").
 */
static void expect_records(const char *input, size_t len, char separator, int count, ...)
{
	struct csv_reader reader;
	struct csv_record rec;
	char err[256], actual[1024];
	va_list ap;
	int got = 0, rc;

	CHECK(csv_open(&reader, input, len, err, sizeof(err)) == 0);
	CHECK(reader.separator == separator);
	va_start(ap, count);
	while ((rc = csv_next(&reader, &rec, err, sizeof(err))) == 1) {
		const char *expected = got < count ? va_arg(ap, const char *) : "(none)";
		size_t used = (size_t)snprintf(actual, sizeof(actual), "%zu:", rec.line);

		for (size_t i = 0; i < rec.count; i++)
			used += (size_t)snprintf(actual + used, sizeof(actual) - used, "%s%s", i ? "|" : "",
			    rec.fields[i]);
		CHECK_STR(actual, expected);
		csv_record_free(&rec);
		got++;
	}
	va_end(ap);
	CHECK(rc == 0);
	CHECK(got == count);
}

static void expect_error(const char *input, size_t len, const char *expected_part)
{
	struct csv_reader reader;
	struct csv_record rec;
	char err[256] = "";
	int rc = 0;

	if (csv_open(&reader, input, len, err, sizeof(err)) == 0) {
		while ((rc = csv_next(&reader, &rec, err, sizeof(err))) == 1)
			csv_record_free(&rec);
		CHECK(rc == -1);
	}
	if (strstr(err, expected_part) == NULL)
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, expected_part);
	CHECK(strstr(err, expected_part) != NULL);
}

#define EXPECT(input, sep, n, ...) expect_records(input, sizeof(input) - 1, sep, n, __VA_ARGS__)

static void test_comma_and_lf(void)
{
	EXPECT("holder_name,email\nAna,ana@example.org\n", ',', 2, "1:holder_name|email",
	    "2:Ana|ana@example.org");
}

static void test_semicolon_crlf_bom(void)
{
	EXPECT("\xef\xbb\xbfholder_name;email;issue_date\r\nZoë Nuñez-Ștefănescu;zoe@example.org;"
	    "31/12/2026\r\n", ';', 2, "1:holder_name|email|issue_date",
	    "2:Zoë Nuñez-Ștefănescu|zoe@example.org|31/12/2026");
}

static void test_quoted_fields(void)
{
	EXPECT("name;note\n\"Papadopoulos; Georgios\";\"say \"\"hi\"\"\"\n", ';', 2, "1:name|note",
	    "2:Papadopoulos; Georgios|say \"hi\"");
	EXPECT("a,b\n\"x, y\",\"\"\n", ',', 2, "1:a|b", "2:x, y|");
}

static void test_line_break_in_field(void)
{
	EXPECT("name,address\n\"Ana\",\"Rua 1\r\n3810 Aveiro\"\nBo,x\n", ',', 3, "1:name|address",
	    "2:Ana|Rua 1\r\n3810 Aveiro", "4:Bo|x");
}

static void test_empty_lines_and_last_line(void)
{
	EXPECT("a,b\n\n\nc,d", ',', 2, "1:a|b", "4:c|d");
	EXPECT("a,b\r\rc,d\r", ',', 2, "1:a|b", "3:c|d");
	EXPECT("a,b,\n1,,\n", ',', 2, "1:a|b|", "2:1||");
}

static void test_separator_choice(void)
{
	/* A comma inside quotes does not count, so the semicolon wins. */
	EXPECT("\"Last, First\";email\nx;y\n", ';', 2, "1:Last, First|email", "2:x|y");
	/* A header without either keeps the comma. */
	EXPECT("name\nAna\n", ',', 2, "1:name", "2:Ana");
}

static void test_stray_quote_kept(void)
{
	EXPECT("a,b\nO\"Brien,x\n", ',', 2, "1:a|b", "2:O\"Brien|x");
}

static void test_malformed(void)
{
	expect_error("a,b\n\"never closed,x\n", sizeof("a,b\n\"never closed,x\n") - 1, "line 2");
	expect_error("a,b\nAna,\xff\xfe\n", sizeof("a,b\nAna,\xff\xfe\n") - 1, "line 2 is not valid UTF-8");
	expect_error("a,b\nA\0na,x\n", sizeof("a,b\nA\0na,x\n") - 1, "line 2");
	expect_error("a\n\xc3", 3, "line 2");
}

static void test_too_many_columns(void)
{
	struct buf b;

	buf_init(&b);
	for (int i = 0; i < 70; i++)
		buf_puts(&b, "x,");
	buf_puts(&b, "x\n");
	expect_error(b.data, b.len, "more than 64 columns");
	buf_free(&b);
}

static void test_empty_input(void)
{
	struct csv_reader reader;
	struct csv_record rec;
	char err[128];

	CHECK(csv_open(&reader, "", 0, err, sizeof(err)) == 0);
	CHECK(csv_next(&reader, &rec, err, sizeof(err)) == 0);
	CHECK(csv_open(&reader, "\xef\xbb\xbf", 3, err, sizeof(err)) == 0);
	CHECK(csv_next(&reader, &rec, err, sizeof(err)) == 0);
}

int main(void)
{
	test_comma_and_lf();
	test_semicolon_crlf_bom();
	test_quoted_fields();
	test_line_break_in_field();
	test_empty_lines_and_last_line();
	test_separator_choice();
	test_stray_quote_kept();
	test_malformed();
	test_too_many_columns();
	test_empty_input();
	return check_summary("csv");
}
