/*
 * html.c: escaping for HTML output.
 *
 * One escaper covers element text and attribute values in double or single quotes, because it
 * replaces all five characters that are special in any of those contexts. It is not safe for
 * unquoted attributes, URLs in href/src (scheme checks are the caller's job), script or style.
 * Every other byte, including each byte of multi-byte UTF-8, passes through unchanged.
 */
#include <string.h>

#include "mic.h"

/* Appends s to b with & < > " ' replaced by character references. A NULL s appends nothing. */
void buf_html_escape(struct buf *b, const char *s)
{
	if (!s)
		return;

	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *entity;
		switch (*p) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: continue;
		}
		buf_append(b, run, (size_t)(p - run));
		buf_puts(b, entity);
		run = p + 1;
	}
	buf_append(b, run, strlen(run));
}
