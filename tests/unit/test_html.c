/* Tests of buf_html_escape: the five special characters, and UTF-8 that must pass unchanged. */
#include "check.h"
#include "mic.h"

struct escape_case {
	const char *input;
	const char *expected;
};

static const struct escape_case escape_cases[] = {
	{ "", "" },
	{ "plain text", "plain text" },
	{ "&", "&amp;" },
	{ "<", "&lt;" },
	{ ">", "&gt;" },
	{ "\"", "&quot;" },
	{ "'", "&#39;" },
	{ "<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
	{ "\" onmouseover=\"x", "&quot; onmouseover=&quot;x" },
	{ "' autofocus onfocus='x", "&#39; autofocus onfocus=&#39;x" },
	{ "&amp;", "&amp;amp;" },
	{ "Tom & Jerry's <b>", "Tom &amp; Jerry&#39;s &lt;b&gt;" },
	{ "Γεώργιος Παπαδόπουλος", "Γεώργιος Παπαδόπουλος" },
	{ "Ștefănescu", "Ștefănescu" },
	{ "Ana 🎓 Silva", "Ana 🎓 Silva" },
	{ "Ștefan <Ș> & 🎓", "Ștefan &lt;Ș&gt; &amp; 🎓" },
	{ "line\nbreak\ttab", "line\nbreak\ttab" },
};

static void test_escape_cases(void)
{
	for (size_t i = 0; i < sizeof escape_cases / sizeof escape_cases[0]; i++) {
		struct buf b;
		buf_init(&b);
		buf_html_escape(&b, escape_cases[i].input);
		CHECK_STR(b.data ? b.data : "", escape_cases[i].expected);
		CHECK(b.len == strlen(escape_cases[i].expected));
		buf_free(&b);
	}
}

static void test_escape_appends(void)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "<p>");
	buf_html_escape(&b, "a<b");
	buf_puts(&b, "</p>");
	CHECK_STR(b.data, "<p>a&lt;b</p>");
	buf_free(&b);
}

static void test_escape_null(void)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "x");
	buf_html_escape(&b, NULL);
	CHECK_STR(b.data, "x");
	CHECK(b.len == 1);
	buf_free(&b);
}

int main(void)
{
	test_escape_cases();
	test_escape_appends();
	test_escape_null();
	return check_summary("test_html");
}
