/*
 * Fuzz target: JSON request bodies as req_json_or_reply() reads them: the depth check, then
 * jansson with duplicate keys rejected. Invariant: a loaded document survives a dump and a reload
 * unchanged. AddressSanitizer reports a stack overflow if the depth check lets deep text through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t error;
	json_t *document;
	char *dumped;

	if (!json_depth_ok((const char *)data, size))
		return 0;
	document = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	if (document == NULL)
		return 0;
	dumped = json_dumps(document, JSON_COMPACT | JSON_ENCODE_ANY);
	if (dumped != NULL) {
		json_t *again = json_loads(dumped, JSON_DECODE_ANY, &error);

		FUZZ_ASSERT(again != NULL);
		FUZZ_ASSERT(json_equal(document, again));
		json_decref(again);
		free(dumped);
	}
	json_decref(document);
	return 0;
}
