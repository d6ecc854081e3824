/* Tests of catalogue_cache.c: hits, misses by generation and key, size limit, threads, waits. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "mic.h"

/* Looks key up and, on a miss, ends the computation that the lookup started. */
static bool cache_get(unsigned long long generation, const char *key, struct buf *out)
{
	bool computing = false;
	bool hit = catalogue_cache_get(generation, key, out, &computing);

	if (computing)
		catalogue_cache_computed(generation, key);
	return hit;
}

static void test_hit_returns_body(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en q=wood", "{\"total\":3}", 11);
	CHECK(cache_get(7, "lang=en q=wood", &out));
	CHECK(out.len == 11);
	CHECK(memcmp(out.data, "{\"total\":3}", 11) == 0);
	buf_free(&out);
}

static void test_other_generation_misses(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en q=glulam", "{}", 2);
	CHECK(!cache_get(8, "lang=en q=glulam", &out));
	CHECK(!cache_get(6, "lang=en q=glulam", &out));
	CHECK(cache_get(7, "lang=en q=glulam", &out));
	buf_free(&out);
}

static void test_other_key_misses(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en q=kiln", "{}", 2);
	CHECK(!cache_get(7, "lang=de q=kiln", &out));
	CHECK(!cache_get(7, "lang=en q=kil", &out));
	buf_free(&out);
}

static void test_large_body_not_cached(void)
{
	size_t len = 100 * 1024;
	char *body = calloc(len, 1);
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(7, "lang=en per_page=100", body, len);
	CHECK(!cache_get(7, "lang=en per_page=100", &out));
	free(body);
	buf_free(&out);
}

static void test_clear_empties(void)
{
	struct buf out;

	buf_init(&out);
	catalogue_cache_put(9, "lang=en", "[]", 2);
	catalogue_cache_clear();
	CHECK(!cache_get(9, "lang=en", &out));
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
		if (cache_get(1, key, &out) &&
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

struct waiter {
	bool hit;
	bool computing;
	struct buf out;
};

static void *wait_for_flight(void *arg)
{
	struct waiter *waiter = arg;

	waiter->hit = catalogue_cache_get(3, "lang=en q=flight", &waiter->out, &waiter->computing);
	return NULL;
}

/* A second thread that misses a key while the first computes it gets the first one's body. */
static void test_concurrent_miss_waits(void)
{
	struct waiter waiter = { 0 };
	struct buf out;
	bool computing = false;
	pthread_t thread;
	struct timespec pause = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };

	buf_init(&out);
	buf_init(&waiter.out);
	CHECK(!catalogue_cache_get(3, "lang=en q=flight", &out, &computing));
	CHECK(computing);
	CHECK(pthread_create(&thread, NULL, wait_for_flight, &waiter) == 0);
	nanosleep(&pause, NULL);
	catalogue_cache_put(3, "lang=en q=flight", "{\"total\":1}", 11);
	catalogue_cache_computed(3, "lang=en q=flight");
	CHECK(pthread_join(thread, NULL) == 0);
	CHECK(waiter.hit);
	CHECK(!waiter.computing);
	CHECK(waiter.out.len == 11);
	buf_free(&out);
	buf_free(&waiter.out);
}

int main(void)
{
	test_hit_returns_body();
	test_other_generation_misses();
	test_other_key_misses();
	test_large_body_not_cached();
	test_clear_empties();
	test_threads_never_mix_entries();
	test_concurrent_miss_waits();
	return check_summary("catalogue_cache");
}
