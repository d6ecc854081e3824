/*
 * Fuzz target: query strings and percent-decoding (url_decode, query_string_check), with the input
 * as the raw query string. A decoded value must be valid UTF-8 without NUL and never longer than
 * its encoding. The check must leave the reported key empty on success and cut it to fit on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query = xstrndup((const char *)data, size);
	size_t len = strlen(query);
	char bad_key[61];

	for (int plus = 0; plus < 2; plus++) {
		char *decoded = url_decode(query, len, plus == 1);

		if (decoded != NULL) {
			size_t decoded_len = strlen(decoded);

			FUZZ_ASSERT(decoded_len <= len);
			FUZZ_ASSERT(utf8_valid(decoded, decoded_len));
			free(decoded);
		}
	}
	if (query_string_check(query, bad_key, sizeof(bad_key)) == 0) {
		FUZZ_ASSERT(bad_key[0] == '\0');
	} else {
		FUZZ_ASSERT(strlen(bad_key) < sizeof(bad_key));
	}
	free(query);
	return 0;
}
