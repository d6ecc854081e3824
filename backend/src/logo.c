/*
 * logo.c: checks an uploaded organisation logo by its content, never by a file name or a declared
 * type. PNG and JPEG are recognised by their signatures. An SVG is accepted only when a scan of
 * its markup finds nothing that could run script or load anything from elsewhere; such a file is
 * rejected rather than cleaned, so what is stored is exactly what was uploaded.
 *
 * The SVG scan rejects: DOCTYPE and other "<!" declarations (entities), processing instructions
 * other than the XML declaration, the elements script, foreignObject, iframe, embed, object,
 * handler, listener, set and animate, every attribute whose name starts with "on" (event
 * handlers), href/xlink:href/src values that are not a fragment ("#id"), any attribute value that
 * contains "javascript:" (ignoring white space and case) or a character reference, and CSS
 * "@import" or url() that does not point to a fragment.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mic.h"

static const unsigned char png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const unsigned char jpeg_signature[] = { 0xff, 0xd8, 0xff };

static const char *const forbidden_elements[] = {
	"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
};

static bool starts_with(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

static bool starts_with_nocase(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && strncasecmp(p, prefix, n) == 0;
}

static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* Copies s[0..len) lower-cased and without ASCII white space or control characters. */
static void squeeze_lower(const char *s, size_t len, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > ' ' && c != 0x7f)
			buf_putc(out, (char)tolower(c));
	}
	if (out->data == NULL)
		buf_append(out, "", 0);
}

/* Checks CSS text (a style attribute or the whole document) for imports and external url(). */
static const char *css_problem(const char *squeezed)
{
	const char *p = squeezed;

	if (strstr(squeezed, "@import"))
		return "the SVG contains a CSS @import";
	while ((p = strstr(p, "url(")) != NULL) {
		p += 4;
		if (*p == '"' || *p == '\'')
			p++;
		if (*p != '#')
			return "the SVG refers to an external resource through CSS url()";
	}
	return NULL;
}

static bool is_name_char(char c)
{
	return c != '\0' && !isspace((unsigned char)c) && c != '/' && c != '>' && c != '=';
}

static const char *attribute_problem(const char *name, size_t name_len, const char *value,
    size_t value_len, struct buf *scratch)
{
	const char *local = name;
	size_t local_len = name_len;
	const char *colon = memchr(name, ':', name_len);

	if (colon) {
		local = colon + 1;
		local_len = name_len - (size_t)(local - name);
	}
	if (name_len >= 2 && strncasecmp(name, "on", 2) == 0)
		return "the SVG has an event-handler attribute";
	if (memchr(value, '&', value_len))
		return "the SVG has a character reference in an attribute value";
	squeeze_lower(value, value_len, scratch);
	if (strstr(scratch->data, "javascript:"))
		return "the SVG has a javascript: URL";
	if ((local_len == 4 && strncasecmp(local, "href", 4) == 0) ||
	    (local_len == 3 && strncasecmp(local, "src", 3) == 0)) {
		if (scratch->data[0] != '#')
			return "the SVG refers to an external resource; only references to #fragments are allowed";
	}
	return css_problem(scratch->data);
}

/* Scans the attributes of a start tag from p (just after its name) to its '>'; sets *next. */
static const char *tag_problem(const char *p, const char *end, const char **next, struct buf *scratch)
{
	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end)
			return "the SVG ends inside a tag";
		if (*p == '>') {
			*next = p + 1;
			return NULL;
		}
		if (*p == '/') {
			p++;
			continue;
		}
		const char *name = p;
		while (p < end && is_name_char(*p))
			p++;
		size_t name_len = (size_t)(p - name);
		if (name_len == 0)
			return "the SVG has a malformed tag";
		while (p < end && isspace((unsigned char)*p))
			p++;
		const char *value = p;
		size_t value_len = 0;
		if (p < end && *p == '=') {
			p++;
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				char quote = *p++;
				value = p;
				while (p < end && *p != quote)
					p++;
				if (p >= end)
					return "the SVG has an unterminated attribute value";
				value_len = (size_t)(p - value);
				p++;
			} else {
				value = p;
				while (p < end && !isspace((unsigned char)*p) && *p != '>')
					p++;
				value_len = (size_t)(p - value);
			}
		}
		const char *problem = attribute_problem(name, name_len, value, value_len, scratch);
		if (problem)
			return problem;
	}
}

static const char *svg_problem(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	bool seen_root = false;
	const char *problem = NULL;
	struct buf scratch;

	buf_init(&scratch);
	if (!utf8_valid(data, len) || memchr(data, '\0', len)) {
		problem = "the SVG is not UTF-8 text";
		goto out;
	}
	squeeze_lower(data, len, &scratch);
	problem = css_problem(scratch.data);
	if (problem)
		goto out;

	while (p < end) {
		if (*p != '<') {
			p++;
			continue;
		}
		if (starts_with(p, end, "<!--")) {
			const char *close = find(p + 4, end, "-->");
			if (!close) {
				problem = "the SVG has an unterminated comment";
				goto out;
			}
			p = close + 3;
		} else if (starts_with(p, end, "<![CDATA[")) {
			const char *close = find(p + 9, end, "]]>");
			if (!close) {
				problem = "the SVG has an unterminated CDATA section";
				goto out;
			}
			p = close + 3;
		} else if (starts_with(p, end, "<!")) {
			problem = "the SVG has a DOCTYPE or entity declaration";
			goto out;
		} else if (starts_with(p, end, "<?")) {
			const char *close = find(p + 2, end, "?>");
			if (!close || seen_root || !starts_with(p, end, "<?xml ")) {
				problem = "the SVG has a processing instruction other than the XML declaration";
				goto out;
			}
			p = close + 2;
		} else if (starts_with(p, end, "</")) {
			const char *close = memchr(p, '>', (size_t)(end - p));
			if (!close) {
				problem = "the SVG ends inside a tag";
				goto out;
			}
			p = close + 1;
		} else {
			const char *name = ++p;
			while (p < end && is_name_char(*p))
				p++;
			size_t name_len = (size_t)(p - name);
			const char *colon = memchr(name, ':', name_len);
			const char *local = colon ? colon + 1 : name;
			size_t local_len = name_len - (size_t)(local - name);

			if (!seen_root && !(name_len == 3 && memcmp(name, "svg", 3) == 0)) {
				problem = "the file is not an SVG image: its first element must be <svg>";
				goto out;
			}
			seen_root = true;
			for (size_t i = 0; i < sizeof forbidden_elements / sizeof forbidden_elements[0]; i++) {
				if (local_len == strlen(forbidden_elements[i]) &&
				    strncasecmp(local, forbidden_elements[i], local_len) == 0) {
					problem = "the SVG contains an element that can run script or embed "
					    "content (script, foreignObject, iframe, embed, object, set, animate)";
					goto out;
				}
			}
			problem = tag_problem(p, end, &p, &scratch);
			if (problem)
				goto out;
		}
	}
	if (!seen_root)
		problem = "the file is not an SVG image: it has no <svg> element";

out:
	buf_free(&scratch);
	return problem;
}

/* Skips a UTF-8 byte order mark and leading white space. */
static const char *skip_prologue_space(const char *data, const char *end)
{
	if (starts_with(data, end, "\xef\xbb\xbf"))
		data += 3;
	while (data < end && isspace((unsigned char)*data))
		data++;
	return data;
}

const char *logo_check(const void *data, size_t len, const char **problem)
{
	const char *text = data;
	const char *start;

	*problem = NULL;
	if (len == 0) {
		*problem = "the logo is empty: send the image file as the request body";
		return NULL;
	}
	if (len > LOGO_MAX_BYTES) {
		*problem = "the logo is larger than 512 KiB";
		return NULL;
	}
	if (len > sizeof png_signature && memcmp(data, png_signature, sizeof png_signature) == 0)
		return "image/png";
	if (len > sizeof jpeg_signature && memcmp(data, jpeg_signature, sizeof jpeg_signature) == 0)
		return "image/jpeg";
	start = skip_prologue_space(text, text + len);
	if (starts_with(start, text + len, "<?xml") || starts_with(start, text + len, "<svg") ||
	    starts_with(start, text + len, "<!--") || starts_with_nocase(start, text + len, "<!doctype")) {
		*problem = svg_problem(start, len - (size_t)(start - text));
		return *problem ? NULL : "image/svg+xml";
	}
	*problem = "the logo must be a PNG, JPEG or SVG image; the content is none of these";
	return NULL;
}
