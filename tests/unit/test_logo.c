/* Tests of logo_check: recognition by content, and SVG markup that could run script or load data. */
#include <stdlib.h>

#include "check.h"
#include "mic.h"

struct svg_case {
	const char *svg;
	bool accepted;
};

static const struct svg_case svg_cases[] = {
	{ "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"#0a0\"/></svg>", true },
	{ "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- logo -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"><defs><linearGradient id=\"g\"/></defs><rect fill=\"url(#g)\" style=\"stroke: url('#g')\"/><use href=\"#g\"/></svg>", true },
	{ "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>Ștefan &amp; Zoë</text></svg>", true },
	{ "<svg><script>alert(1)</script></svg>", false },
	{ "<svg><SCRIPT>alert(1)</SCRIPT></svg>", false },
	{ "<svg><svg:script>alert(1)</svg:script></svg>", false },
	{ "<svg onload=\"alert(1)\"></svg>", false },
	{ "<svg><rect ONCLICK='x()'/></svg>", false },
	{ "<svg><a href=\"javascript:alert(1)\"><rect/></a></svg>", false },
	{ "<svg><a xlink:href=\" JaVa\tScRiPt:alert(1)\"><rect/></a></svg>", false },
	{ "<svg><a href=\"&#106;avascript:alert(1)\"><rect/></a></svg>", false },
	{ "<svg><image href=\"https://tracker.example/pixel.png\"/></svg>", false },
	{ "<svg><use xlink:href=\"other.svg#icon\"/></svg>", false },
	{ "<svg><foreignObject><div>x</div></foreignObject></svg>", false },
	{ "<svg><set attributeName=\"href\" to=\"x\"/></svg>", false },
	{ "<svg><style>@import url(https://evil.example/x.css);</style></svg>", false },
	{ "<svg><rect style=\"fill: url(https://evil.example/x)\"/></svg>", false },
	{ "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg>&x;</svg>", false },
	{ "<?xml-stylesheet href=\"x.css\"?><svg></svg>", false },
	{ "<svg><iframe src=\"https://example.org\"/></svg>", false },
	{ "<html><svg></svg></html>", false },
	{ "<svg><rect", false },
	{ "<svg><rect fill=\"red/></svg>", false },
};

static void test_svg_cases(void)
{
	for (size_t i = 0; i < sizeof svg_cases / sizeof svg_cases[0]; i++) {
		const char *problem = NULL;
		const char *type = logo_check(svg_cases[i].svg, strlen(svg_cases[i].svg), &problem);

		if (svg_cases[i].accepted) {
			CHECK_STR(type, "image/svg+xml");
			CHECK(problem == NULL);
		} else {
			CHECK(type == NULL);
			CHECK(problem != NULL);
		}
		if ((type != NULL) != svg_cases[i].accepted)
			fprintf(stderr, "  case %zu: %s (%s)\n", i, svg_cases[i].svg, problem ? problem : "accepted");
	}
}

static void test_signatures(void)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F' };
	static const unsigned char gif[] = { 'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0 };
	const char *problem;

	CHECK_STR(logo_check(png, sizeof png, &problem), "image/png");
	CHECK_STR(logo_check(jpeg, sizeof jpeg, &problem), "image/jpeg");
	CHECK(logo_check(gif, sizeof gif, &problem) == NULL);
	CHECK(problem != NULL);
	CHECK(logo_check("", 0, &problem) == NULL);
	CHECK(logo_check("plain text", 10, &problem) == NULL);
	/* The first 7 bytes of a PNG signature are not enough. */
	CHECK(logo_check(png, 7, &problem) == NULL);
}

static void test_size_limit(void)
{
	size_t len = LOGO_MAX_BYTES + 1;
	unsigned char *big = calloc(1, len);
	const char *problem;

	memcpy(big, "\x89PNG\r\n\x1a\n", 8);
	CHECK(logo_check(big, len, &problem) == NULL);
	CHECK(problem != NULL);
	CHECK_STR(logo_check(big, LOGO_MAX_BYTES, &problem), "image/png");
	free(big);
}

int main(void)
{
	test_svg_cases();
	test_signatures();
	test_size_limit();
	return check_summary("test_logo");
}
