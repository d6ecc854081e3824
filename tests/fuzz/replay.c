/*
 * replay.c: runs one fuzz target over every file in the folders given on the command line, for
 * builds without libFuzzer. ctest runs it over tests/fuzz/corpus/TARGET, so each committed input,
 * including every input that once crashed, stays a regression test.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"
#include "fuzz.h"

/* Reads the whole file at path; returns NULL when it cannot be read. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*size = b.len;
	return b.data ? (uint8_t *)b.data : (uint8_t *)xcalloc(1, 1);
}

int main(int argc, char **argv)
{
	int inputs = 0;

	for (int i = 1; i < argc; i++) {
		DIR *dir = opendir(argv[i]);
		struct dirent *entry;

		if (dir == NULL) {
			fprintf(stderr, "replay: cannot open the corpus folder %s\n", argv[i]);
			return 1;
		}
		while ((entry = readdir(dir)) != NULL) {
			char path[4096];
			size_t size;
			uint8_t *data;

			if (entry->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], entry->d_name);
			data = read_file(path, &size);
			if (data == NULL) {
				fprintf(stderr, "replay: cannot read %s\n", path);
				closedir(dir);
				return 1;
			}
			LLVMFuzzerTestOneInput(data, size);
			free(data);
			inputs++;
		}
		closedir(dir);
	}
	if (inputs == 0) {
		fprintf(stderr, "replay: no input files in the corpus folders\n");
		return 1;
	}
	printf("replay: %d inputs passed\n", inputs);
	return 0;
}
