/* Tests of timefmt.c: database and ISO 8601 forms, and calendar days in the alliance's zone. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "mic.h"

static void test_parse_db(void)
{
	time_t t;
	char out[32];

	CHECK(time_parse_db("2026-12-04 20:30:00", &t) == 0);
	time_format_iso(t, out);
	CHECK_STR(out, "2026-12-04T20:30:00Z");
	CHECK(time_parse_db("2026-12-04 20:30:00.123456", &t) == 0);
	time_format_db(t, out);
	CHECK_STR(out, "2026-12-04 20:30:00");
	CHECK(time_parse_db("2026-02-30 00:00:00", &t) != 0);
	CHECK(time_parse_db("2026-12-04", &t) != 0);
	CHECK(time_parse_db("2026-12-04 24:00:00", &t) != 0);
	CHECK(time_parse_db(NULL, &t) != 0);
}

static void test_parse_iso(void)
{
	time_t t;
	char out[32];

	CHECK(time_parse_iso("2027-01-31", &t) == 0);
	time_format_iso(t, out);
	CHECK_STR(out, "2027-01-31T00:00:00Z");
	CHECK(time_parse_iso("2027-01-31T10:00:00+02:00", &t) == 0);
	time_format_iso(t, out);
	CHECK_STR(out, "2027-01-31T08:00:00Z");
	CHECK(time_parse_iso("2027-01-31T10:00:00.5Z", &t) == 0);
	time_format_iso(t, out);
	CHECK_STR(out, "2027-01-31T10:00:00Z");
	CHECK(time_parse_iso("2028-02-29", &t) == 0);       /* leap year */
	CHECK(time_parse_iso("2027-02-29", &t) != 0);
	CHECK(time_parse_iso("2027-01-31T10:00:00", &t) != 0);  /* no zone */
	CHECK(time_parse_iso("2027-13-01", &t) != 0);
	CHECK(time_parse_iso("2027-01-31x", &t) != 0);
	CHECK(time_parse_iso("tomorrow", &t) != 0);
}

/* Found by the fuzz target fuzz_time: an offset can move a date out of the years 1970 to 9999, and
 * the year 10000 does not fit a DATETIME column. */
static void test_parse_iso_range(void)
{
	time_t t;
	char out[32];

	CHECK(time_parse_iso("9999-12-31T23:54:00-14:00", &t) != 0);
	CHECK(time_parse_iso("9999-12-31T23:59:59Z", &t) == 0);
	time_format_iso(t, out);
	CHECK_STR(out, "9999-12-31T23:59:59Z");
	CHECK(time_parse_iso("9999-12-31T23:59:59+14:00", &t) == 0);
	CHECK(time_parse_iso("1970-01-01T00:00:00+14:00", &t) != 0);
	CHECK(time_parse_iso("1970-01-01T00:00:00Z", &t) == 0);
	CHECK(t == 0);
}

/* Europe/Brussels is UTC+1 in winter and UTC+2 in summer; the day follows the zone, not UTC. */
static void test_local_date(void)
{
	time_t t;
	char day[16];

	setenv("TZ", "Europe/Brussels", 1);
	tzset();
	CHECK(time_parse_db("2026-12-31 23:30:00", &t) == 0);
	time_format_local_date(t, day);
	CHECK_STR(day, "2027-01-01");
	CHECK(time_parse_db("2026-06-30 22:15:00", &t) == 0);
	time_format_local_date(t, day);
	CHECK_STR(day, "2026-07-01");
	CHECK(time_parse_db("2026-06-30 21:59:59", &t) == 0);
	time_format_local_date(t, day);
	CHECK_STR(day, "2026-06-30");
	/* The night the clocks go back: 2026-10-25 00:30 UTC is 02:30 summer time. */
	CHECK(time_parse_db("2026-10-24 22:30:00", &t) == 0);
	time_format_local_date(t, day);
	CHECK_STR(day, "2026-10-25");
	CHECK(time_parse_db("2026-10-24 21:30:00", &t) == 0);
	time_format_local_date(t, day);
	CHECK_STR(day, "2026-10-24");
}

/* The month of an instant in Europe/Brussels, at month and year ends and both DST changes. */
static void test_local_month(void)
{
	static const struct {
		const char *utc;
		const char *month;
	} cases[] = {
		{ "2026-01-31 22:59:59", "2026-01" },
		{ "2026-01-31 23:30:00", "2026-02" },
		{ "2026-12-31 22:59:59", "2026-12" },
		{ "2026-12-31 23:00:00", "2027-01" },
		/* Summer time (UTC+2) starts on 2026-03-29, so 2026-03-31 22:00 UTC is midnight of April 1. */
		{ "2026-03-31 21:59:59", "2026-03" },
		{ "2026-03-31 22:00:00", "2026-04" },
		/* Winter time (UTC+1) is back on 2026-10-25, so October 31 ends at 23:00 UTC. */
		{ "2026-10-31 22:59:59", "2026-10" },
		{ "2026-10-31 23:00:00", "2026-11" },
	};
	time_t t;
	char month[8];

	setenv("TZ", "Europe/Brussels", 1);
	tzset();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(time_parse_db(cases[i].utc, &t) == 0);
		time_format_local_month(t, month);
		CHECK_STR(month, cases[i].month);
	}
}

int main(void)
{
	test_parse_db();
	test_parse_iso();
	test_parse_iso_range();
	test_local_date();
	test_local_month();
	return check_summary("timefmt");
}
