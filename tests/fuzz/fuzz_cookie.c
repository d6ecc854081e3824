/*
 * Fuzz target: the Cookie header parser of session.c (cookie_value). Invariants: a found value is
 * non-empty, fits the buffer, contains no ';' and occurs in the header right after "name=".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *header = xstrndup((const char *)data, size);
	static const size_t sizes[] = { 1, 2, 44, 128 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char out[128];
		char needle[160];

		memset(out, 'x', sizeof(out));
		if (!cookie_value(header, "mic_session", out, sizes[i]))
			continue;
		FUZZ_ASSERT(strlen(out) > 0);
		FUZZ_ASSERT(strlen(out) < sizes[i]);
		FUZZ_ASSERT(strchr(out, ';') == NULL);
		snprintf(needle, sizeof(needle), "mic_session=%s", out);
		FUZZ_ASSERT(strstr(header, needle) != NULL);
	}
	free(header);
	return 0;
}
