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

/* Reads four hex digits at s into *out; -1 when one is not a hex digit. */
static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		v = v * 16 + d;
	}
	*out = v;
	return 0;
}

static void buf_put_code_point(struct buf *b, unsigned cp)
{
	char enc[4];
	size_t n;

	if (cp < 0x80) {
		enc[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xc0 | (cp >> 6));
		enc[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xe0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_append(b, enc, n);
}

/* Decodes the JSON string whose opening quote is at *p into b; advances *p past its closing quote. */
static int json_string_decode(const char **p, struct buf *b)
{
	const char *s = *p + 1;
	unsigned cp, low;

	buf_reset(b);
	for (;;) {
		const char *run = s;

		while (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
			s++;
		buf_append(b, run, (size_t)(s - run));
		if (*s == '"')
			break;
		if (*s != '\\')
			return -1;      /* a raw control character or the end of the text */
		s++;
		switch (*s) {
		case '"': case '\\': case '/':
			buf_putc(b, *s);
			break;
		case 'b': buf_putc(b, '\b'); break;
		case 'f': buf_putc(b, '\f'); break;
		case 'n': buf_putc(b, '\n'); break;
		case 'r': buf_putc(b, '\r'); break;
		case 't': buf_putc(b, '\t'); break;
		case 'u':
			if (hex4(s + 1, &cp) != 0)
				return -1;
			s += 4;
			if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
				return -1;      /* NUL, which json_loads rejects, or a lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (s[1] != '\\' || s[2] != 'u' || hex4(s + 3, &low) != 0 || low < 0xdc00 || low > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
				s += 6;
			}
			buf_put_code_point(b, cp);
			break;
		default:
			return -1;
		}
		s++;
	}
	*p = s + 1;
	return 0;
}

static const char *skip_json_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

json_t *json_string_array_parse(const char *text)
{
	const char *s = skip_json_space(text);
	json_t *array, *item;
	struct buf b;

	if (*s != '[')
		return NULL;
	array = json_array();
	buf_init(&b);
	s = skip_json_space(s + 1);
	if (*s == ']') {
		s++;
		goto end;
	}
	for (;;) {
		if (*s != '"' || json_string_decode(&s, &b) != 0)
			goto fail;
		/* json_stringn rejects invalid UTF-8. */
		item = json_stringn(b.data ? b.data : "", b.len);
		if (!item)
			goto fail;
		json_array_append_new(array, item);
		s = skip_json_space(s);
		if (*s == ']') {
			s++;
			break;
		}
		if (*s != ',')
			goto fail;
		s = skip_json_space(s + 1);
	}
end:
	buf_free(&b);
	if (*skip_json_space(s) != '\0') {
		json_decref(array);
		return NULL;
	}
	return array;
fail:
	buf_free(&b);
	json_decref(array);
	return NULL;
}
