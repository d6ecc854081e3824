/*
 * check.h: a minimal test harness for the C unit tests. Each CHECK prints the failed condition with
 * its file and line and counts it; check_summary() prints the totals and returns the exit status
 * that ctest reads.
 */
#ifndef MIC_CHECK_H
#define MIC_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		check_count++;                                                           \
		if (!(cond)) {                                                           \
			check_failures++;                                                \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                        \
	} while (0)

#define CHECK_STR(actual, expected)                                                      \
	do {                                                                             \
		const char *check_a_ = (actual);                                         \
		const char *check_e_ = (expected);                                       \
		check_count++;                                                           \
		if (check_a_ == NULL || strcmp(check_a_, check_e_) != 0) {               \
			check_failures++;                                                \
			fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, \
			    __LINE__, #actual, check_a_ ? check_a_ : "(null)", check_e_); \
		}                                                                        \
	} while (0)

static inline int check_summary(const char *suite)
{
	printf("%s: %d checks, %d failed\n", suite, check_count, check_failures);
	return check_failures == 0 ? 0 : 1;
}

#endif
