/*
 * timefmt.c: conversions between time_t and the text forms MIC uses. The database holds UTC
 * DATETIME values; the API speaks ISO 8601 in UTC; people read calendar days in the alliance's
 * time zone, which config_load() made the process's local zone.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mic.h"

static int parse_fixed(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Parses "YYYY-MM-DD" at s and, when time_sep is not 0, "<sep>HH:MM:SS" after it. */
static int parse_date_time(const char *s, char time_sep, struct tm *tm, const char **rest)
{
	int y, mo, d, h = 0, mi = 0, se = 0;

	memset(tm, 0, sizeof(*tm));
	if (parse_fixed(s, 4, &y) || s[4] != '-' || parse_fixed(s + 5, 2, &mo) || s[7] != '-' ||
	    parse_fixed(s + 8, 2, &d))
		return -1;
	s += 10;
	if (time_sep && *s == time_sep) {
		if (parse_fixed(s + 1, 2, &h) || s[3] != ':' || parse_fixed(s + 4, 2, &mi) ||
		    s[6] != ':' || parse_fixed(s + 7, 2, &se))
			return -1;
		s += 9;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || se > 59)
		return -1;
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = se;
	*rest = s;
	return 0;
}

static const char *skip_fraction(const char *s)
{
	if (*s != '.')
		return s;
	s++;
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

int time_parse_db(const char *s, time_t *out)
{
	struct tm tm;
	const char *rest;

	if (s == NULL || parse_date_time(s, ' ', &tm, &rest) != 0 || rest != s + 19)
		return -1;
	if (*skip_fraction(rest) != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years that parse_date_time() accepts, all
 * of which a MariaDB DATETIME can hold. */
#define TIME_MIN ((time_t)0)
#define TIME_MAX ((time_t)253402300799LL)

static int time_parse_iso_unchecked(const char *s, time_t *out);

/*
 * Accepts "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)". A
 * date-time without a zone is rejected, because it would mean a different instant to every reader.
 * So is an instant outside the years 1970 to 9999 in UTC, which "9999-12-31T23:00:00-14:00" is.
 */
int time_parse_iso(const char *s, time_t *out)
{
	time_t t;

	if (time_parse_iso_unchecked(s, &t) != 0 || t < TIME_MIN || t > TIME_MAX)
		return -1;
	*out = t;
	return 0;
}

static int time_parse_iso_unchecked(const char *s, time_t *out)
{
	struct tm tm;
	const char *rest;
	int oh, om, sign;
	time_t t;

	if (s == NULL || parse_date_time(s, 'T', &tm, &rest) != 0)
		return -1;
	t = timegm(&tm);
	if (rest == s + 10) {
		if (*rest != '\0')
			return -1;
		*out = t;
		return 0;
	}
	rest = skip_fraction(rest);
	if (strcmp(rest, "Z") == 0) {
		*out = t;
		return 0;
	}
	if ((*rest != '+' && *rest != '-') || strlen(rest) != 6 || parse_fixed(rest + 1, 2, &oh) ||
	    rest[3] != ':' || parse_fixed(rest + 4, 2, &om) || oh > 23 || om > 59)
		return -1;
	sign = *rest == '+' ? 1 : -1;
	*out = t - sign * (oh * 3600 + om * 60);
	return 0;
}

void time_format_iso(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_format_db(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

void time_format_local_date(time_t t, char out[16])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

void time_format_long_date(const char *day, char *out, size_t outlen)
{
	static const char *const months[] = { "January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December" };
	int year, month, mday;

	if (sscanf(day, "%4d-%2d-%2d", &year, &month, &mday) != 3 || month < 1 || month > 12) {
		snprintf(out, outlen, "%s", day);
		return;
	}
	snprintf(out, outlen, "%d %s %d", mday, months[month - 1], year);
}

int time_local_day_start(const char *day, time_t *out)
{
	struct tm tm = { 0 };
	char rest;

	if (sscanf(day, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &rest) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	/* mktime() works in the zone that config.c set through TZ. */
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t;
	return 0;
}

void time_format_local_month(time_t t, char out[8])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 8, "%Y-%m", &tm);
}
