/*
 * fuzz.h: the entry point that every fuzz target in this folder defines. With clang's
 * -fsanitize=fuzzer, libFuzzer calls it with generated inputs; in the ordinary build, replay.c
 * calls it once for every file of the target's corpus, so each committed input is a regression test.
 */
#ifndef MIC_FUZZ_H
#define MIC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fails the run loudly: abort() is what libFuzzer and ctest both report as a crash. */
#define FUZZ_ASSERT(cond)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

#endif
