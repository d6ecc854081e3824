/*
 * catalogue_index.c: an in-process index of the published catalogue.
 *
 * A search that misses the response cache filters, counts facets, sorts, pages and builds its
 * result items in C over this index, and queries MariaDB only for the versions that match the
 * free text. The index contains one record per published version with the columns of the filters
 * and of a result item, and the translations of those versions. It is rebuilt from the database
 * when the catalogue generation (sql/100_catalogue_generation.sql) moves past the generation it
 * was built at. NOTE: for the 10,000 generated micro-credentials of bench/generate.sh the index is
 * an estimated 10 MiB per process (mostly titles and summaries). The JSON of the result items it
 * keeps after their first use adds an estimated 8 MiB, and a rebuild briefly doubles both.
 *
 * One index is current at a time. Readers share it read-only and hold a reference while they
 * use it, so a rebuild never frees an index under a reader: the old one goes when its last
 * reader releases it. While one thread rebuilds, the others that need the newer generation wait
 * for it instead of building their own. Losing the index costs only one rebuild.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

/* ---- Interned values ---- */

static unsigned long long value_hash(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

static void values_grow(struct catalogue_values *values)
{
	size_t slots = values->slots ? 2 * values->slots : 64;
	uint32_t *table = xmalloc(slots * sizeof table[0]);

	for (size_t i = 0; i < slots; i++)
		table[i] = UINT32_MAX;
	for (size_t i = 0; i < values->len; i++) {
		if (!values->items[i])
			continue;
		size_t slot = value_hash(values->items[i]) & (slots - 1);
		while (table[slot] != UINT32_MAX)
			slot = (slot + 1) & (slots - 1);
		table[slot] = (uint32_t)i;
	}
	free(values->table);
	values->table = table;
	values->slots = slots;
}

int32_t catalogue_values_find(const struct catalogue_values *values, const char *value)
{
	if (!value)
		return values->null_index;
	if (!values->slots)
		return -1;
	for (size_t slot = value_hash(value) & (values->slots - 1);
	    values->table[slot] != UINT32_MAX; slot = (slot + 1) & (values->slots - 1))
		if (strcmp(values->items[values->table[slot]], value) == 0)
			return (int32_t)values->table[slot];
	return -1;
}

/* Returns the index of value (NULL for SQL NULL) in values, adding it when it is new. */
static uint32_t values_intern(struct catalogue_values *values, const char *value)
{
	int32_t found = catalogue_values_find(values, value);

	if (found >= 0)
		return (uint32_t)found;
	if (value && 2 * (values->len + 1) > values->slots)
		values_grow(values);
	if (values->len == values->cap) {
		values->cap = values->cap ? 2 * values->cap : 16;
		values->items = xrealloc(values->items, values->cap * sizeof values->items[0]);
	}
	uint32_t index = (uint32_t)values->len++;
	values->items[index] = value ? xstrdup(value) : NULL;
	if (!value) {
		values->null_index = (int32_t)index;
	} else {
		size_t slot = value_hash(value) & (values->slots - 1);
		while (values->table[slot] != UINT32_MAX)
			slot = (slot + 1) & (values->slots - 1);
		values->table[slot] = index;
	}
	return index;
}

static void values_free(struct catalogue_values *values)
{
	for (size_t i = 0; i < values->len; i++)
		free(values->items[i]);
	free(values->items);
	free(values->table);
}

/* ---- Building ---- */

/*
 * Published versions in title order, with the columns of the filters and of a result item (enum
 * catalogue_index_column). STRAIGHT_JOIN keeps the versions as the first table, so MariaDB sorts
 * them with a filesort and needs no internal temporary table.
 */
static const char index_rows_sql[] =
    "SELECT STRAIGHT_JOIN v.id, m.id, v.eqf_level, v.workload_hours, v.participation_form, o.id,"
    " o.country, v.delivery_languages, v.esco_occupations, v.published_at, v.title, v.summary,"
    " v.ects_credits, v.language, o.name, v.version"
    " FROM microcredential_versions AS v"
    " JOIN microcredentials AS m ON m.id = v.microcredential_id"
    " JOIN organisations AS o ON o.id = m.promoting_organisation_id"
    " WHERE v.status = 'published'"
    " ORDER BY v.title, m.id";

/* Translations of the published versions (enum catalogue_translation_column), by primary key. */
static const char index_translations_sql[] =
    "SELECT STRAIGHT_JOIN t.version_id, t.language, t.title, t.summary"
    " FROM microcredential_translations AS t"
    " JOIN microcredential_versions AS v ON v.id = t.version_id"
    " WHERE v.status = 'published'"
    " ORDER BY t.version_id, t.language";

/* Adds the strings of the JSON array text to the multi-value list, each distinct one once. */
static void entry_add_array(struct catalogue_index *index, enum catalogue_dimension dimension,
    const char *text, uint32_t *first, uint32_t *count)
{
	json_t *array = json_loads(text ? text : "[]", 0, NULL);
	size_t i;
	json_t *item;

	*first = (uint32_t)index->multi_len;
	*count = 0;
	json_array_foreach(array, i, item) {
		const char *s = json_string_value(item);
		bool repeated = false;

		if (!s)
			continue;
		uint32_t value = values_intern(&index->values[dimension], s);
		for (uint32_t k = 0; k < *count && !repeated; k++)
			repeated = index->multi[*first + k] == value;
		if (repeated)
			continue;
		if (index->multi_len == index->multi_cap) {
			index->multi_cap = index->multi_cap ? 2 * index->multi_cap : 1024;
			index->multi = xrealloc(index->multi, index->multi_cap * sizeof index->multi[0]);
		}
		index->multi[index->multi_len++] = value;
		(*count)++;
	}
	json_decref(array);
}

static int compare_version_id(const void *a, const void *b)
{
	const struct catalogue_entry *x = a, *y = b;

	return (x->version_id > y->version_id) - (x->version_id < y->version_id);
}

/* Sort key of one entry for the newest and workload orders. */
struct order_key {
	uint32_t position;
	const char *published_at;                  /* borrowed from the build result; may be NULL */
	long long microcredential_id;
	uint32_t workload_hours;
	uint32_t title_rank;
};

/* ORDER BY published_at DESC, m.id DESC, with NULL last as MariaDB sorts it in DESC order. */
static int compare_newest(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;

	if (!x->published_at || !y->published_at) {
		if (x->published_at || y->published_at)
			return x->published_at ? -1 : 1;
	} else {
		int c = strcmp(y->published_at, x->published_at);
		if (c)
			return c;
	}
	return (y->microcredential_id > x->microcredential_id) -
	    (y->microcredential_id < x->microcredential_id);
}

/* ORDER BY workload_hours, title, m.id: the title rank already breaks ties by m.id. */
static int compare_workload(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;

	if (x->workload_hours != y->workload_hours)
		return x->workload_hours < y->workload_hours ? -1 : 1;
	return (x->title_rank > y->title_rank) - (x->title_rank < y->title_rank);
}

/* Fills index->by_newest and index->by_workload with positions of the entries in those orders. */
static void index_sort_orders(struct catalogue_index *index, const struct db_result *res)
{
	struct order_key *keys = xcalloc(index->count ? index->count : 1, sizeof keys[0]);

	for (size_t i = 0; i < index->count; i++) {
		const struct catalogue_entry *e = &index->entries[i];
		keys[i] = (struct order_key){
			.position = (uint32_t)i,
			.published_at = db_cell(res, e->title_rank, CX_PUBLISHED_AT),
			.microcredential_id = e->microcredential_id,
			.workload_hours = e->workload_hours,
			.title_rank = e->title_rank,
		};
	}
	index->by_newest = xcalloc(index->count ? index->count : 1, sizeof index->by_newest[0]);
	index->by_workload = xcalloc(index->count ? index->count : 1, sizeof index->by_workload[0]);
	qsort(keys, index->count, sizeof keys[0], compare_newest);
	for (size_t i = 0; i < index->count; i++)
		index->by_newest[i] = keys[i].position;
	qsort(keys, index->count, sizeof keys[0], compare_workload);
	for (size_t i = 0; i < index->count; i++)
		index->by_workload[i] = keys[i].position;
	free(keys);
}

/* Turns the rows of the build query into entries, sorted by version id, and the title order. */
static void index_fill(struct catalogue_index *index, const struct db_result *res)
{
	index->count = res->rows;
	index->entries = xcalloc(res->rows ? res->rows : 1, sizeof index->entries[0]);
	for (size_t row = 0; row < res->rows; row++) {
		struct catalogue_entry *e = &index->entries[row];
		long long hours = db_cell_int(res, row, CX_HOURS);

		e->version_id = db_cell_int(res, row, CX_VERSION_ID);
		e->microcredential_id = db_cell_int(res, row, CX_MC_ID);
		e->workload_hours = hours > 0 ? (uint32_t)hours : 0;
		e->title_rank = (uint32_t)row;
		e->value[CD_EQF] = values_intern(&index->values[CD_EQF], db_cell(res, row, CX_EQF));
		e->value[CD_PARTICIPATION] = values_intern(&index->values[CD_PARTICIPATION],
		    db_cell(res, row, CX_PARTICIPATION));
		e->value[CD_ORGANISATION] = values_intern(&index->values[CD_ORGANISATION],
		    db_cell(res, row, CX_ORG_ID));
		e->value[CD_COUNTRY] = values_intern(&index->values[CD_COUNTRY],
		    db_cell(res, row, CX_COUNTRY));
		entry_add_array(index, CD_LANGUAGE, db_cell(res, row, CX_DELIVERY_LANGUAGES),
		    &e->languages_first, &e->languages_count);
		entry_add_array(index, CD_ESCO, db_cell(res, row, CX_ESCO), &e->occupations_first,
		    &e->occupations_count);
	}

	index->by_title = xcalloc(res->rows ? res->rows : 1, sizeof index->by_title[0]);
	qsort(index->entries, index->count, sizeof index->entries[0], compare_version_id);
	for (size_t i = 0; i < index->count; i++)
		index->by_title[index->entries[i].title_rank] = (uint32_t)i;
	index_sort_orders(index, res);
}

/* Points each entry at its rows of index->translations; both are sorted by version id. */
static void index_link_translations(struct catalogue_index *index)
{
	const struct db_result *t = &index->translations;
	size_t row = 0;

	for (size_t i = 0; i < index->count; i++) {
		struct catalogue_entry *e = &index->entries[i];

		while (row < t->rows && db_cell_int(t, row, CT_VERSION_ID) < e->version_id)
			row++;
		e->translations_first = (uint32_t)row;
		while (row < t->rows && db_cell_int(t, row, CT_VERSION_ID) == e->version_id)
			row++;
		e->translations_count = (uint32_t)(row - e->translations_first);
	}
}

/* ---- Facet order ---- */

struct ranked_value {
	long long rank;
	const char *value;                         /* NULL: the SQL NULL */
	uint32_t index;
};

/* By rank, then NULL first, then by bytes. */
static int compare_ranked_value(const void *a, const void *b)
{
	const struct ranked_value *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (!x->value || !y->value)
		return !y->value - !x->value;
	return strcmp(x->value, y->value);
}

/* The rank of value among the (key, label) rows of ref, with its label; -1 when it is missing. */
static long long reference_rank(const struct db_result *ref, const char *value, const char **label)
{
	for (size_t row = 0; row < ref->rows; row++) {
		const char *key = db_cell(ref, row, 0);

		if (key == value || (key && value && strcmp(key, value) == 0)) {
			*label = db_cell(ref, row, 1);
			return (long long)row;
		}
	}
	return -1;
}

static long long value_rank(const struct catalogue_index *index, enum catalogue_dimension d,
    const char *value, const char **label)
{
	static const char *const participation_forms[] = { "online", "onsite", "blended" };

	*label = NULL;
	switch (d) {
	case CD_EQF:
		return value ? strtoll(value, NULL, 10) : 0;
	case CD_PARTICIPATION:
		for (size_t k = 0; value && k < 3; k++)
			if (strcmp(value, participation_forms[k]) == 0)
				return (long long)k;
		return 0;
	case CD_ORGANISATION:
		return reference_rank(&index->organisations, value, label);
	case CD_ESCO:
		return reference_rank(&index->occupations, value, label);
	default:
		return 0;
	}
}

/* Fixes the order in which each facet lists its values, and their labels. */
static void index_order_values(struct catalogue_index *index)
{
	for (size_t d = 0; d < CD_COUNT; d++) {
		const struct catalogue_values *values = &index->values[d];
		size_t n = values->len ? values->len : 1;
		struct ranked_value *ranked = xcalloc(n, sizeof ranked[0]);

		index->value_order[d] = xcalloc(n, sizeof index->value_order[d][0]);
		index->value_labels[d] = xcalloc(n, sizeof index->value_labels[d][0]);
		for (size_t i = 0; i < values->len; i++) {
			ranked[i].value = values->items[i];
			ranked[i].index = (uint32_t)i;
			ranked[i].rank = value_rank(index, (enum catalogue_dimension)d, values->items[i],
			    &index->value_labels[d][i]);
		}
		qsort(ranked, values->len, sizeof ranked[0], compare_ranked_value);
		for (size_t i = 0; i < values->len; i++)
			index->value_order[d][i] = ranked[i].index;
		free(ranked);
	}
}

static struct catalogue_text_cache *text_cache_new(void);
static void text_cache_free(struct catalogue_text_cache *cache);

static void index_free(struct catalogue_index *index)
{
	if (!index)
		return;
	for (size_t d = 0; d < CD_COUNT; d++)
		values_free(&index->values[d]);
	free(index->entries);
	free(index->multi);
	free(index->by_title);
	free(index->by_newest);
	free(index->by_workload);
	db_result_free(&index->organisations);
	db_result_free(&index->occupations);
	db_result_free(&index->rows);
	db_result_free(&index->translations);
	text_cache_free(index->text_cache);
	for (size_t d = 0; d < CD_COUNT; d++) {
		free(index->value_order[d]);
		free(index->value_labels[d]);
	}
	for (size_t i = 0; i < index->item_text_slots; i++)
		free(atomic_load_explicit(&index->item_texts[i], memory_order_relaxed));
	free(index->item_texts);
	free(index);
}

/*
 * Reads the published catalogue into a new index, or returns NULL when a query failed. All reads
 * run in one transaction, so the index is one consistent snapshot, labelled with the generation
 * read in it, which is never older than the generation that the caller read before.
 */
static struct catalogue_index *index_build(struct worker *w)
{
	struct catalogue_index *index = xcalloc(1, sizeof *index);
	struct db_result generation = { 0 };
	bool own_transaction = !db_in_transaction(w);

	for (size_t d = 0; d < CD_COUNT; d++)
		index->values[d].null_index = -1;
	index->text_cache = text_cache_new();
	if ((own_transaction && db_begin(w) != 0) ||
	    db_query(w, "SELECT generation FROM catalogue_generation WHERE id = 1", NULL, 0,
		&generation) != 0 ||
	    db_query(w, index_rows_sql, NULL, 0, &index->rows) != 0 ||
	    db_query(w, index_translations_sql, NULL, 0, &index->translations) != 0 ||
	    db_query(w, "SELECT id, name FROM organisations ORDER BY name", NULL, 0,
		&index->organisations) != 0 ||
	    db_query(w, "SELECT uri, label FROM esco_occupations ORDER BY label, uri", NULL, 0,
		&index->occupations) != 0 ||
	    (own_transaction && db_commit(w) != 0)) {
		if (own_transaction && db_in_transaction(w))
			db_rollback(w);
		db_result_free(&generation);
		index_free(index);
		return NULL;
	}
	index->generation = generation.rows == 1 ? (unsigned long long)db_cell_int(&generation, 0, 0) : 0;
	db_result_free(&generation);
	index_fill(index, &index->rows);
	index_link_translations(index);
	index_order_values(index);
	index->item_text_slots = index->count + index->translations.rows;
	index->item_texts = xmalloc((index->item_text_slots ? index->item_text_slots : 1) *
	    sizeof index->item_texts[0]);
	for (size_t i = 0; i < index->item_text_slots; i++)
		atomic_init(&index->item_texts[i], NULL);
	return index;
}

/* ---- Sharing ---- */

static struct catalogue_index *current_index;   /* holds one reference; NULL before the first build */
static bool index_building;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t index_built = PTHREAD_COND_INITIALIZER;

/*
 * Returns the current index when it was built at generation or later, with one more reference.
 * A newer index is as good: its rows were committed after generation was read.
 */
static struct catalogue_index *index_take_locked(unsigned long long generation)
{
	if (!current_index || current_index->generation < generation)
		return NULL;
	current_index->refs++;
	return current_index;
}

struct catalogue_index *catalogue_index_acquire(struct worker *w, unsigned long long generation)
{
	struct catalogue_index *index;

	/* Generation 0 means the generation row is missing: build an index for this request alone. */
	if (generation == 0) {
		index = index_build(w);
		if (index)
			index->refs = 1;
		return index;
	}

	pthread_mutex_lock(&index_lock);
	while (!(index = index_take_locked(generation)) && index_building)
		pthread_cond_wait(&index_built, &index_lock);
	if (index) {
		pthread_mutex_unlock(&index_lock);
		return index;
	}
	index_building = true;
	pthread_mutex_unlock(&index_lock);

	struct catalogue_index *built = index_build(w);
	if (built)
		log_event(LOG_INFO, NULL, "event=catalogue_index_built generation=%llu versions=%zu",
		    generation, built->count);

	pthread_mutex_lock(&index_lock);
	index_building = false;
	if (built) {
		/* One reference for being current, one for the caller. */
		built->refs = 2;
		if (current_index && --current_index->refs == 0)
			index_free(current_index);
		current_index = built;
	}
	pthread_cond_broadcast(&index_built);
	pthread_mutex_unlock(&index_lock);
	return built;
}

void catalogue_index_release(struct catalogue_index *index)
{
	bool last;

	if (!index)
		return;
	pthread_mutex_lock(&index_lock);
	last = --index->refs == 0;
	pthread_mutex_unlock(&index_lock);
	if (last)
		index_free(index);
}

long catalogue_index_find(const struct catalogue_index *index, long long version_id)
{
	size_t low = 0, high = index->count;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		if (index->entries[mid].version_id < version_id)
			low = mid + 1;
		else if (index->entries[mid].version_id > version_id)
			high = mid;
		else
			return (long)mid;
	}
	return -1;
}

/* ---- Text matches ---- */

/*
 * Each index keeps the text matches of its last CATALOGUE_TEXT_MATCHES_MAX distinct searches, so
 * that paging, sorting and filtering the results of one search send no query to MariaDB. An entry
 * stores the matching positions alone, a few KiB for a search that matches hundreds of versions.
 */
struct catalogue_text_match {
	char *key;                                 /* owned; NULL: the slot is empty */
	uint32_t *positions;                       /* owned, the matching entries */
	double *relevance;                         /* owned, per position; NULL without indexed words */
	size_t count;
	unsigned long long last_used;
};

#define CATALOGUE_TEXT_MATCHES_MAX 64

struct catalogue_text_cache {
	pthread_mutex_t lock;
	struct catalogue_text_match matches[CATALOGUE_TEXT_MATCHES_MAX];
	unsigned long long clock;                  /* counts lookups and stores, for LRU */
};

static void text_match_clear(struct catalogue_text_match *m)
{
	free(m->key);
	free(m->positions);
	free(m->relevance);
	*m = (struct catalogue_text_match){ 0 };
}

static struct catalogue_text_cache *text_cache_new(void)
{
	struct catalogue_text_cache *cache = xcalloc(1, sizeof *cache);

	pthread_mutex_init(&cache->lock, NULL);
	return cache;
}

static void text_cache_free(struct catalogue_text_cache *cache)
{
	if (!cache)
		return;
	for (size_t i = 0; i < CATALOGUE_TEXT_MATCHES_MAX; i++)
		text_match_clear(&cache->matches[i]);
	pthread_mutex_destroy(&cache->lock);
	free(cache);
}

bool catalogue_index_text_get(struct catalogue_index *index, const char *key, unsigned char *match,
    double *relevance)
{
	bool found = false;

	pthread_mutex_lock(&index->text_cache->lock);
	for (size_t i = 0; i < CATALOGUE_TEXT_MATCHES_MAX && !found; i++) {
		struct catalogue_text_match *m = &index->text_cache->matches[i];

		if (!m->key || strcmp(m->key, key) != 0)
			continue;
		m->last_used = ++index->text_cache->clock;
		for (size_t k = 0; k < m->count; k++) {
			match[m->positions[k]] = 1;
			if (relevance && m->relevance)
				relevance[m->positions[k]] = m->relevance[k];
		}
		found = true;
	}
	pthread_mutex_unlock(&index->text_cache->lock);
	return found;
}

void catalogue_index_text_put(struct catalogue_index *index, const char *key,
    const unsigned char *match, const double *relevance)
{
	struct catalogue_text_match fresh = { .key = xstrdup(key) };
	size_t count = 0;

	for (size_t i = 0; i < index->count; i++)
		count += match[i] != 0;
	fresh.positions = xcalloc(count ? count : 1, sizeof fresh.positions[0]);
	if (relevance)
		fresh.relevance = xcalloc(count ? count : 1, sizeof fresh.relevance[0]);
	for (size_t i = 0; i < index->count; i++) {
		if (!match[i])
			continue;
		if (relevance)
			fresh.relevance[fresh.count] = relevance[i];
		fresh.positions[fresh.count++] = (uint32_t)i;
	}

	pthread_mutex_lock(&index->text_cache->lock);
	struct catalogue_text_match *oldest = &index->text_cache->matches[0];
	for (size_t i = 0; i < CATALOGUE_TEXT_MATCHES_MAX; i++) {
		struct catalogue_text_match *m = &index->text_cache->matches[i];
		if (m->key && strcmp(m->key, key) == 0) {
			oldest = m;                        /* another thread stored it first */
			break;
		}
		if (!m->key || m->last_used < oldest->last_used)
			oldest = m;
		if (!m->key)
			break;
	}
	text_match_clear(oldest);
	*oldest = fresh;
	oldest->last_used = ++index->text_cache->clock;
	pthread_mutex_unlock(&index->text_cache->lock);
}

/* ---- Result items ---- */

const char *catalogue_index_item_text(struct catalogue_index *index, size_t slot)
{
	return atomic_load_explicit(&index->item_texts[slot], memory_order_acquire);
}

const char *catalogue_index_item_text_keep(struct catalogue_index *index, size_t slot, char *text)
{
	char *stored = NULL;

	if (atomic_compare_exchange_strong_explicit(&index->item_texts[slot], &stored, text,
	    memory_order_acq_rel, memory_order_acquire))
		return text;
	free(text);
	return stored;
}
