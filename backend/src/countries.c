/*
 * countries.c: English short names of ISO 3166-1 alpha-2 codes for the verification page and the
 * PDF certificate, read from the countries table once per process.
 *
 * The table only changes through a migration, and migrations run before the server starts, so the
 * copy never needs a refresh. A failed read is logged and retried at most once a minute, and until
 * then callers get the code itself.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mic.h"

#define LETTERS 26
#define COUNTRY_RETRY_SECONDS 60

/* Indexed by [first letter - 'A'][second letter - 'A'] and written only before `loaded` is set. */
static char *names[LETTERS][LETTERS];
static atomic_bool loaded;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t retry_at;

/* Returns the table slot of a two-letter upper-case code, or NULL for any other string. */
static char **name_slot(const char *code)
{
	if (!code || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' || code[2] != '\0')
		return NULL;
	return &names[code[0] - 'A'][code[1] - 'A'];
}

bool country_names_load(struct worker *w)
{
	struct db_result res;
	bool ready;

	if (atomic_load_explicit(&loaded, memory_order_acquire))
		return true;
	pthread_mutex_lock(&load_lock);
	if (atomic_load_explicit(&loaded, memory_order_relaxed) || time(NULL) < retry_at) {
		ready = atomic_load_explicit(&loaded, memory_order_relaxed);
		pthread_mutex_unlock(&load_lock);
		return ready;
	}
	if (db_query(w, "SELECT code, name FROM countries", NULL, 0, &res) != 0) {
		retry_at = time(NULL) + COUNTRY_RETRY_SECONDS;
		log_event(LOG_WARN, NULL, "event=country_names_load_failed retry_in=%ds", COUNTRY_RETRY_SECONDS);
		pthread_mutex_unlock(&load_lock);
		return false;
	}
	for (size_t row = 0; row < res.rows; row++) {
		char **slot = name_slot(db_cell(&res, row, 0));
		const char *name = db_cell(&res, row, 1);

		if (slot && name && !*slot)
			*slot = xstrdup(name);
	}
	log_event(LOG_INFO, NULL, "event=country_names_loaded count=%zu", res.rows);
	db_result_free(&res);
	atomic_store_explicit(&loaded, true, memory_order_release);
	pthread_mutex_unlock(&load_lock);
	return true;
}

const char *country_name(const char *code)
{
	char **slot;

	if (!atomic_load_explicit(&loaded, memory_order_acquire))
		return code;
	slot = name_slot(code);
	return slot && *slot ? *slot : code;
}
