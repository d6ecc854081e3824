/*
 * Fuzz target: UTF-8 validation (utf8_valid, utf8_length, text_has_control), compared with a
 * decoder written here from RFC 3629: shortest form only, no surrogates, nothing above U+10FFFF.
 * utf8_valid() also rejects NUL, because no text the server stores may contain one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"
#include "fuzz.h"

/* Counts the code points of s, or returns -1 when s is not valid UTF-8. */
static long reference_length(const unsigned char *s, size_t len)
{
	long count = 0;

	for (size_t i = 0; i < len; count++) {
		unsigned char c = s[i];
		size_t need;
		unsigned long cp, min;

		if (c == 0)
			return -1;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return -1;
		}
		if (i + need >= len)
			return -1;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += need + 1;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	long expected = reference_length(data, size);
	bool valid;

	memcpy(text, data, size);
	text[size] = '\0';
	valid = utf8_valid(text, size);
	FUZZ_ASSERT(valid == (expected >= 0));
	if (valid) {
		FUZZ_ASSERT((long)utf8_length(text) == expected);
		(void)text_has_control(text, true);
		(void)text_has_control(text, false);
	}
	free(text);
	return 0;
}
