/*
 * Fuzz target: time parsing (time_parse_iso for API input, time_parse_db for stored values).
 * Invariant: a parsed time, formatted and parsed again, gives the same instant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char formatted[32];
	time_t parsed, again;

	if (time_parse_iso(text, &parsed) == 0) {
		time_format_iso(parsed, formatted);
		FUZZ_ASSERT(time_parse_iso(formatted, &again) == 0);
		FUZZ_ASSERT(again == parsed);
	}
	if (time_parse_db(text, &parsed) == 0) {
		time_format_db(parsed, formatted);
		FUZZ_ASSERT(time_parse_db(formatted, &again) == 0);
		FUZZ_ASSERT(again == parsed);
	}
	free(text);
	return 0;
}
