/*
 * validate.c: checks of JSON input fields. Each _or_reply function sends a 400 that names the
 * field and says what a valid value looks like, so clients can show the message beside the field.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

int json_string_or_reply(struct req *r, json_t *obj, const char *field, bool required,
    size_t max_chars, const char **out)
{
	json_t *v = json_object_get(obj, field);
	const char *s;
	size_t chars;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		reply_error(r, 400, "missing_field", field, "%s is required", field);
		return -1;
	}
	if (!json_is_string(v)) {
		reply_error(r, 400, "invalid_field", field, "%s must be a string", field);
		return -1;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v)) {
		reply_error(r, 400, "invalid_field", field, "%s must not contain NUL characters", field);
		return -1;
	}
	if (text_has_control(s, true)) {
		reply_error(r, 400, "invalid_field", field, "%s must not contain control characters", field);
		return -1;
	}
	chars = utf8_length(s);
	if (chars > max_chars) {
		reply_error(r, 400, "invalid_field", field,
		    "%s has %zu characters; the maximum is %zu", field, chars, max_chars);
		return -1;
	}
	*out = s;
	return 0;
}

int json_int_or_reply(struct req *r, json_t *obj, const char *field, bool required, long long min,
    long long max, long long *out, bool *present)
{
	json_t *v = json_object_get(obj, field);

	if (present)
		*present = false;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		reply_error(r, 400, "missing_field", field, "%s is required", field);
		return -1;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		reply_error(r, 400, "invalid_field", field, "%s must be a whole number from %lld to %lld",
		    field, min, max);
		return -1;
	}
	*out = json_integer_value(v);
	if (present)
		*present = true;
	return 0;
}

/*
 * A practical address check, not RFC 5322: one "@", a non-empty local part without white space,
 * and a domain of dot-separated labels. Non-ASCII letters are allowed (RFC 6531).
 */
bool email_valid(const char *email)
{
	const char *at = strchr(email, '@');
	const char *domain, *dot;
	size_t len = strlen(email);

	if (len < 3 || len > 254 || at == NULL || at == email || strchr(at + 1, '@'))
		return false;
	if ((size_t)(at - email) > 64)
		return false;
	for (const char *p = email; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '(' || *p == ')' ||
		    *p == ',' || *p == ';' || *p == '"' || *p == '\\')
			return false;
	domain = at + 1;
	dot = strrchr(domain, '.');
	if (dot == NULL || dot == domain || dot[1] == '\0' || domain[0] == '.' || strstr(domain, ".."))
		return false;
	if (domain[0] == '-' || domain[strlen(domain) - 1] == '-')
		return false;
	return true;
}

/* Removes ASCII white space and U+00A0 NO-BREAK SPACE at both ends. */
char *text_trim(const char *s)
{
	size_t start = 0, end = strlen(s);

	for (;;) {
		if (start < end && isspace((unsigned char)s[start]))
			start++;
		else if (end - start >= 2 && (unsigned char)s[start] == 0xc2 &&
		    (unsigned char)s[start + 1] == 0xa0)
			start += 2;
		else
			break;
	}
	for (;;) {
		if (end > start && isspace((unsigned char)s[end - 1]))
			end--;
		else if (end - start >= 2 && (unsigned char)s[end - 2] == 0xc2 &&
		    (unsigned char)s[end - 1] == 0xa0)
			end -= 2;
		else
			break;
	}
	return xstrndup(s + start, end - start);
}
