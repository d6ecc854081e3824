/* Tests of catalogue_cache.c: hits, misses by generation and key, the size limit, threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mic.h"

static void test_hit_returns_body(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en q=wood", "{\"total\":3}", 11);
	CHECK(catalogue_cache_get(7, "lang=en q=wood", &out));
	CHECK(out.len == 11);
	CHECK(memcmp(out.data, "{\"total\":3}", 11) == 0);
	buf_free(&out);
}

static void test_other_generation_misses(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en q=glulam", "{}", 2);
	CHECK(!catalogue_cache_get(8, "lang=en q=glulam", &out));
	CHECK(!catalogue_cache_get(6, "lang=en q=glulam", &out));
	CHECK(catalogue_cache_get(7, "lang=en q=glulam", &out));
	buf_free(&out);
}

static void test_other_key_misses(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en q=kiln", "{}", 2);
	CHECK(!catalogue_cache_get(7, "lang=de q=kiln", &out));
	CHECK(!catalogue_cache_get(7, "lang=en q=kil", &out));
	buf_free(&out);
}

static void test_large_body_not_cached(void)
{
	size_t len = 100 * 1024;
	char *body = calloc(len, 1);
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en per_page=100", body, len);
	CHECK(!catalogue_cache_get(7, "lang=en per_page=100", &out));
	free(body);
	buf_free(&out);
}

static void test_clear_empties(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(9, "lang=en", "[]", 2);
	catalogue_cache_clear();
	CHECK(!catalogue_cache_get(9, "lang=en", &out));
	buf_free(&out);
}

/* Each thread stores and reads back bodies that name their own key, over shared slots. */
static void *hammer(void *arg)
{
	long thread = (long)arg;
	long wrong = 0;
	struct buf out;
	char key[32], body[64];

	buf_init(&out);
	for (int i = 0; i < 20000; i++) {
		/* CHECK is not thread-safe, so the threads only count wrong bodies. */
		snprintf(key, sizeof key, "key %d", (int)((i * 7 + thread) % 1000));
		snprintf(body, sizeof body, "body of %s", key);
		catalogue_cache_put(1, key, body, strlen(body));
		if (catalogue_cache_get(1, key, &out) &&
		    (out.len != strlen(body) || memcmp(out.data, body, out.len) != 0))
			wrong++;
	}
	buf_free(&out);
	return (void *)wrong;
}

static void test_threads_never_mix_entries(void)
{
	pthread_t threads[4];
	long wrong = 0;

	for (long i = 0; i < 4; i++)
		CHECK(pthread_create(&threads[i], NULL, hammer, (void *)i) == 0);
	for (int i = 0; i < 4; i++) {
		void *result = NULL;
		CHECK(pthread_join(threads[i], &result) == 0);
		wrong += (long)result;
	}
	CHECK(wrong == 0);
	catalogue_cache_clear();
}

int main(void)
{
	test_hit_returns_body();
	test_other_generation_misses();
	test_other_key_misses();
	test_large_body_not_cached();
	test_clear_empties();
	test_threads_never_mix_entries();
	return check_summary("catalogue_cache");
}
