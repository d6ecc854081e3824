/*
 * catalogue_cache.c: a per-process cache of catalogue search responses.
 *
 * Each entry is the JSON body of one search, keyed by the catalogue generation and the
 * normalised search. The generation is a number in the database that triggers bump inside every
 * transaction that changes the catalogue (sql/100_catalogue_generation.sql). An entry of an older generation never matches, so a hit is never stale
 * once the change that made it old has committed. Losing the cache costs only speed.
 *
 * The cache is set-associative: a key's hash picks one set of CATALOGUE_CACHE_WAYS entries, and a
 * new entry replaces the least recently used one of that set. Memory stays below
 * CATALOGUE_CACHE_SETS * CATALOGUE_CACHE_WAYS * CATALOGUE_CACHE_BODY_MAX bytes (32 MiB) plus
 * keys. One mutex guards it, and a lookup copies the body out while holding it.
 *
 * When several threads miss the same key at once, as happens after every publication, the first
 * computes the response and the others wait for it (at most CATALOGUE_FLIGHT_WAIT_SECONDS), so
 * the database runs each search once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mic.h"

#define CATALOGUE_CACHE_SETS 128
#define CATALOGUE_CACHE_WAYS 4
/*
 * Larger bodies are not cached. A page of 20 results with its facets takes about 20 KiB, one of
 * 100 results about 63 KiB (measured over bench/generate.sh data).
 */
#define CATALOGUE_CACHE_BODY_MAX (64 * 1024)

struct cache_entry {
	unsigned long long generation;
	unsigned long long last_used;              /* value of cache_clock at the last hit or store */
	char *key;                                 /* owned; NULL: the entry is empty */
	char *body;                                /* owned */
	size_t body_len;
};

static struct cache_entry cache_sets[CATALOGUE_CACHE_SETS][CATALOGUE_CACHE_WAYS];
static unsigned long long cache_clock;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* A search that one thread is computing; others with the same key wait for it. */
#define CATALOGUE_FLIGHTS_MAX 32
#define CATALOGUE_FLIGHT_WAIT_SECONDS 2
struct cache_flight {
	unsigned long long generation;
	char *key;                                 /* owned; NULL: the slot is free */
};
static struct cache_flight cache_flights[CATALOGUE_FLIGHTS_MAX];
static pthread_cond_t cache_flight_done = PTHREAD_COND_INITIALIZER;

/* FNV-1a, 64 bits. */
static unsigned long long key_hash(const char *key, unsigned long long generation)
{
	unsigned long long h = 1469598103934665603ULL ^ generation;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct cache_entry *cache_set(unsigned long long generation, const char *key)
{
	return cache_sets[key_hash(key, generation) % CATALOGUE_CACHE_SETS];
}

/* Copies the body of key into out and returns true when it is cached. Needs cache_lock. */
static bool cache_lookup_locked(unsigned long long generation, const char *key, struct buf *out)
{
	struct cache_entry *set = cache_set(generation, key);

	for (size_t i = 0; i < CATALOGUE_CACHE_WAYS; i++) {
		struct cache_entry *e = &set[i];

		if (e->key && e->generation == generation && strcmp(e->key, key) == 0) {
			buf_reset(out);
			buf_append(out, e->body, e->body_len);
			e->last_used = ++cache_clock;
			return true;
		}
	}
	return false;
}

static struct cache_flight *flight_find_locked(unsigned long long generation, const char *key)
{
	for (size_t i = 0; i < CATALOGUE_FLIGHTS_MAX; i++) {
		struct cache_flight *flight = &cache_flights[i];

		if (flight->key && flight->generation == generation && strcmp(flight->key, key) == 0)
			return flight;
	}
	return NULL;
}

bool catalogue_cache_get(unsigned long long generation, const char *key, struct buf *out,
    bool *computing)
{
	struct timespec deadline;
	bool hit = false;

	*computing = false;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += CATALOGUE_FLIGHT_WAIT_SECONDS;

	pthread_mutex_lock(&cache_lock);
	for (;;) {
		hit = cache_lookup_locked(generation, key, out);
		if (hit || !flight_find_locked(generation, key))
			break;
		/* Another thread computes this search; after the wait the caller computes it too. */
		if (pthread_cond_timedwait(&cache_flight_done, &cache_lock, &deadline) != 0) {
			hit = cache_lookup_locked(generation, key, out);
			pthread_mutex_unlock(&cache_lock);
			return hit;
		}
	}
	if (!hit) {
		for (size_t i = 0; i < CATALOGUE_FLIGHTS_MAX; i++) {
			struct cache_flight *flight = &cache_flights[i];

			if (!flight->key) {
				flight->key = xstrdup(key);
				flight->generation = generation;
				*computing = true;
				break;
			}
		}
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

void catalogue_cache_computed(unsigned long long generation, const char *key)
{
	pthread_mutex_lock(&cache_lock);
	struct cache_flight *flight = flight_find_locked(generation, key);
	if (flight) {
		free(flight->key);
		*flight = (struct cache_flight){ 0 };
	}
	pthread_cond_broadcast(&cache_flight_done);
	pthread_mutex_unlock(&cache_lock);
}

/* Returns the entry of set to overwrite: an empty one, an older generation's, else the LRU one. */
static struct cache_entry *cache_victim(struct cache_entry *set, unsigned long long generation)
{
	struct cache_entry *victim = &set[0];

	for (size_t i = 0; i < CATALOGUE_CACHE_WAYS; i++) {
		if (!set[i].key || set[i].generation != generation)
			return &set[i];
		if (set[i].last_used < victim->last_used)
			victim = &set[i];
	}
	return victim;
}

void catalogue_cache_put(unsigned long long generation, const char *key, const char *body,
    size_t body_len)
{
	struct cache_entry *set = cache_set(generation, key);
	char *key_copy, *body_copy;

	if (body_len > CATALOGUE_CACHE_BODY_MAX)
		return;
	key_copy = strdup(key);
	body_copy = malloc(body_len ? body_len : 1);
	if (!key_copy || !body_copy) {
		free(key_copy);
		free(body_copy);
		return;
	}
	memcpy(body_copy, body, body_len);

	pthread_mutex_lock(&cache_lock);
	struct cache_entry *e = cache_victim(set, generation);
	/* After a timed-out wait two threads may store one key; the second replaces the first. */
	for (size_t i = 0; i < CATALOGUE_CACHE_WAYS; i++)
		if (set[i].key && set[i].generation == generation && strcmp(set[i].key, key) == 0)
			e = &set[i];
	free(e->key);
	free(e->body);
	e->generation = generation;
	e->last_used = ++cache_clock;
	e->key = key_copy;
	e->body = body_copy;
	e->body_len = body_len;
	pthread_mutex_unlock(&cache_lock);
}

void catalogue_cache_clear(void)
{
	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < CATALOGUE_CACHE_SETS; i++) {
		for (size_t j = 0; j < CATALOGUE_CACHE_WAYS; j++) {
			free(cache_sets[i][j].key);
			free(cache_sets[i][j].body);
			cache_sets[i][j] = (struct cache_entry){ 0 };
		}
	}
	pthread_mutex_unlock(&cache_lock);
}
