/*
 * buf.c: a growable byte buffer. The data is always followed by a NUL byte, so buf->data can be
 * passed where a C string is expected as long as the content itself holds no NUL.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Makes room for extra more bytes and the NUL after them. */
void buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;

	if (extra > SIZE_MAX - b->len - 1)
		abort();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			abort();
		cap *= 2;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const void *data, size_t len)
{
	buf_reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_json_string(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	buf_putc(b, '"');
	while (*s) {
		/* Copy the run of bytes that need no escape in one piece. */
		size_t run = 0;
		unsigned char c;

		while ((c = (unsigned char)s[run]) != '\0' && c != '"' && c != '\\' && c >= 0x20)
			run++;
		buf_append(b, s, run);
		s += run;
		if (c == '\0')
			break;
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			buf_append(b, esc, sizeof(esc));
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			buf_append(b, esc, sizeof(esc));
		}
		s++;
	}
	buf_putc(b, '"');
}

void buf_put_int(struct buf *b, long long n)
{
	char digits[24];
	size_t at = sizeof(digits);
	/* Through unsigned arithmetic, so that LLONG_MIN has a magnitude too. */
	unsigned long long magnitude = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	do {
		digits[--at] = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude);
	if (n < 0)
		digits[--at] = '-';
	buf_append(b, digits + at, sizeof(digits) - at);
}
