/*
 * util.c: allocation wrappers, UTF-8 checks and bounded number parsing.
 *
 * Out-of-memory is handled once, here: the wrappers abort, because a worker that cannot allocate a
 * few bytes cannot send a meaningful reply either.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

static void out_of_memory(size_t n)
{
	fprintf(stderr, "level=error event=out_of_memory bytes=%zu\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Checks UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.
 * A NUL byte inside the length counts as invalid, because C strings would silently cut there.
 */
bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t need;
		unsigned int cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Control characters are C0, DEL and C1 (U+0080 to U+009F, encoded as 0xC2 0x80-0x9F). */
bool text_has_control(const char *str, bool allow_newlines)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; *s; s++) {
		if (*s == '\n' || *s == '\t' || *s == '\r') {
			if (!allow_newlines)
				return true;
			continue;
		}
		if (*s < 0x20 || *s == 0x7f)
			return true;
		if (*s == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return true;
	}
	return false;
}

/* Parses a whole decimal integer within [min, max]; no sign tricks, spaces or trailing bytes. */
int parse_long(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Compares two strings in time that depends only on their lengths. */
bool secure_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/* ---- JSON text decoded in place ---- */

char *json_text_space(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* Reads four hex digits at s into *out; -1 when one of them is not a hex digit. */
static int json_hex4(const char *s, unsigned *out)
{
	unsigned value = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		value <<= 4;
		if (c >= '0' && c <= '9')
			value |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			value |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			value |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = value;
	return 0;
}

/* Writes code point cp as UTF-8 at *to and advances *to past it. */
static void utf8_write(char **to, unsigned cp)
{
	unsigned char *t = (unsigned char *)*to;

	if (cp < 0x80) {
		*t++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*t++ = (unsigned char)(0xc0 | (cp >> 6));
		*t++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*t++ = (unsigned char)(0xe0 | (cp >> 12));
		*t++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*t++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*t++ = (unsigned char)(0xf0 | (cp >> 18));
		*t++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		*t++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*t++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*to = (char *)t;
}

/* Decodes the escape after the backslash at *from to *to; advances both. -1 when it is invalid. */
static int json_escape_decode(char **from, char **to)
{
	char *s = *from + 1;
	unsigned cp, low;

	switch (*s) {
	case '"': case '\\': case '/': *(*to)++ = *s; break;
	case 'b': *(*to)++ = '\b'; break;
	case 'f': *(*to)++ = '\f'; break;
	case 'n': *(*to)++ = '\n'; break;
	case 'r': *(*to)++ = '\r'; break;
	case 't': *(*to)++ = '\t'; break;
	case 'u':
		if (json_hex4(s + 1, &cp) != 0)
			return -1;
		s += 4;
		/* NUL would cut the C string, and a low surrogate must follow a high one. */
		if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
			return -1;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (s[1] != '\\' || s[2] != 'u' || json_hex4(s + 3, &low) != 0 || low < 0xdc00 || low > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
			s += 6;
		}
		utf8_write(to, cp);
		break;
	default:
		return -1;
	}
	*from = s + 1;
	return 0;
}

char *json_text_string_decode(char *s, char **to)
{
	char *t = *to;

	s++;
	for (;;) {
		unsigned char c = (unsigned char)*s;

		if (c == '"')
			break;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			if (json_escape_decode(&s, &t) != 0)
				return NULL;
		} else {
			*t++ = *s++;
		}
	}
	*t++ = '\0';
	*to = t;
	return s + 1;
}

char *json_text_value_skip(char *s)
{
	int depth = 0;

	for (;;) {
		char c = *s;

		if (c == '\0')
			return NULL;
		if (c == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\0' || (*s == '\\' && *++s == '\0'))
					return NULL;
			}
		} else if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			if (depth == 0)
				return s;
			if (--depth == 0)
				return s + 1;
		} else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
			return s;
		}
		s++;
	}
}
