/*
 * catalogue.c: search of the public catalogue, with filters, facets, sorting and paging, and the
 * catalogue as CSV.
 *
 * The catalogue lists the published version of each micro-credential. The search turns free text
 * into a MATCH ... AGAINST query in boolean mode over title, summary and learning outcomes and
 * their translations. Only runs of letters and digits become search words, so no user input can
 * form a boolean operator. Words that the InnoDB full-text index cannot contain because they are
 * too short or too long are matched with LIKE on title and summary instead, and stopwords are
 * skipped.
 *
 * Each facet counts the published micro-credentials per value of one filter, with every other
 * filter applied, so a reader sees how many results choosing that value would give.
 *
 * Filters, facet counts, sorting and paging run in C over the in-process index of the published
 * catalogue (catalogue_index.c), which also builds the result items. MariaDB returns only the
 * versions that match the text, with their relevance. Over 10,000 generated micro-credentials
 * (bench/generate.sh), a search without text that misses the response cache took about 3 ms
 * instead of 90 to 140 ms, one at a time, because it no longer reads every published version.
 *
 * A whole JSON response is cached per process (catalogue_cache.c) under the catalogue
 * generation, read with one primary-key lookup per request, and the normalised request.
 */
#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wctype.h>

#include "mic.h"

#define MC_QUERY_MAX_CHARS 200
#define MC_PAGE_MAX 10000
#define MC_PER_PAGE_DEFAULT 20
#define MC_PER_PAGE_MAX 100
#define MC_HOURS_MAX 10000
#define ESCO_URI_MAX 255

/*
 * The InnoDB full-text token limits (innodb_ft_min_token_size and innodb_ft_max_token_size, 3 and
 * 84 by default in MariaDB 10.11). A word outside them is not in the index.
 */
#define FT_MIN_WORD_CHARS 3
#define FT_MAX_WORD_CHARS 84

/* NOTE: a query with more LIKE words than this ignores the rest, so it matches too much. */
#define MC_LIKE_WORDS_MAX 8

/* ---- Query parameters ---- */

int query_long_or_reply(struct req *r, const char *name, long long min, long long max,
    long long fallback, long long *out)
{
	char *value = req_query(r, name);
	int rc = 0;

	*out = fallback;
	if (value && parse_long(value, min, max, out) != 0) {
		reply_error(r, 400, "invalid_field", name, "%s must be a whole number from %lld to %lld",
		    name, min, max);
		rc = -1;
	}
	free(value);
	return rc;
}

/* ---- Search ---- */

struct search {
	struct buf boolean;                        /* "+word* +word* ", empty when no indexed word */
	char *like[MC_LIKE_WORDS_MAX];             /* "%word%" patterns, owned */
	size_t like_count;
};

static void search_free(struct search *s)
{
	buf_free(&s->boolean);
	for (size_t i = 0; i < s->like_count; i++)
		free(s->like[i]);
	s->like_count = 0;
}

/*
 * MariaDB's default InnoDB stopwords of three letters or more (INFORMATION_SCHEMA
 * .INNODB_FT_DEFAULT_STOPWORD, 10.11). The index omits them, and a required stopword such as
 * "+the*" makes a boolean search return no rows at all. LIKE is no help either, because
 * "the timber" would then miss every text without "the", so the search skips them.
 */
static bool ft_stopword(const char *word, size_t len)
{
	static const char *const stopwords[] = {
		"about", "are", "com", "for", "from", "how", "that", "the", "this", "und", "was", "what",
		"when", "where", "who", "will", "with", "www",
	};
	for (size_t i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++)
		if (strlen(stopwords[i]) == len && strncasecmp(stopwords[i], word, len) == 0)
			return true;
	return false;
}

static locale_t utf8_ctype;
static pthread_once_t utf8_ctype_once = PTHREAD_ONCE_INIT;

static void utf8_ctype_init(void)
{
	utf8_ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Decodes one code point of valid UTF-8 at s and sets *len to its length in bytes. */
static unsigned int utf8_decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
	}
	if (s[0] < 0xf0) {
		*len = 3;
		return (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
	}
	*len = 4;
	return (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
}

/* Combining diacritical marks, which keep a decomposed letter (e + U+0301) inside its word. */
static bool combining_mark(unsigned int cp)
{
	return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f);
}

/*
 * Tells whether cp belongs to a search word: a letter or digit of any script, or a combining
 * mark after one. Without the C.UTF-8 locale every non-ASCII code point counts as a letter,
 * which is still safe because all boolean operators are ASCII.
 */
static bool word_char(unsigned int cp, bool in_word)
{
	if (cp < 0x80)
		return isalnum((int)cp);
	if (in_word && combining_mark(cp))
		return true;
	if (utf8_ctype == (locale_t)0)
		return true;
	return iswalnum_l((wint_t)cp, utf8_ctype);
}

/*
 * Returns "%word%" with the LIKE wildcards % and _ and the escape character \ escaped, owned by
 * the caller. Search words never contain them today; the escaping keeps that safe if the word
 * rules change.
 */
static char *like_pattern(const char *word, size_t len)
{
	struct buf pattern;

	buf_init(&pattern);
	buf_putc(&pattern, '%');
	for (size_t i = 0; i < len; i++) {
		if (word[i] == '%' || word[i] == '_' || word[i] == '\\')
			buf_putc(&pattern, '\\');
		buf_putc(&pattern, word[i]);
	}
	buf_putc(&pattern, '%');
	return pattern.data;
}

static void search_add_word(struct search *s, const char *word, size_t len, size_t chars)
{
	if (ft_stopword(word, len))
		return;
	if (chars >= FT_MIN_WORD_CHARS && chars <= FT_MAX_WORD_CHARS) {
		buf_putc(&s->boolean, '+');
		buf_append(&s->boolean, word, len);
		buf_puts(&s->boolean, "* ");
		return;
	}

	char *pattern = like_pattern(word, len);
	for (size_t i = 0; i < s->like_count; i++) {
		if (strcmp(s->like[i], pattern) == 0) {
			free(pattern);
			return;
		}
	}
	if (s->like_count == MC_LIKE_WORDS_MAX) {
		free(pattern);
		return;
	}
	s->like[s->like_count++] = pattern;
}

/* Splits q (valid UTF-8) into words of letters and digits. Any other character separates words. */
static void search_parse(struct search *s, const char *q)
{
	const unsigned char *p = (const unsigned char *)q;
	const unsigned char *word = NULL;
	size_t chars = 0;

	pthread_once(&utf8_ctype_once, utf8_ctype_init);
	for (;;) {
		size_t len = 0;
		unsigned int cp = *p ? utf8_decode(p, &len) : 0;
		bool in_word = word != NULL;

		if (cp && word_char(cp, in_word)) {
			if (!in_word) {
				word = p;
				chars = 0;
			}
			chars++;
		} else if (in_word) {
			search_add_word(s, (const char *)word, (size_t)(p - word), chars);
			word = NULL;
		}
		if (!cp)
			break;
		p += len;
	}
}

/* Parses the q parameter into s. Replies 400 when q is not UTF-8 or too long. */
static int search_from_query_or_reply(struct req *r, struct search *s)
{
	char *q = req_query(r, "q");
	int rc = 0;

	if (!q)
		return 0;
	if (!utf8_valid(q, strlen(q))) {
		reply_error(r, 400, "invalid_field", "q", "q must be UTF-8 text");
		rc = -1;
	} else if (utf8_length(q) > MC_QUERY_MAX_CHARS) {
		reply_error(r, 400, "invalid_field", "q", "q has %zu characters; the maximum is %d",
		    utf8_length(q), MC_QUERY_MAX_CHARS);
		rc = -1;
	} else {
		search_parse(s, q);
	}
	free(q);
	return rc;
}


/* ---- Filters ---- */

enum sort_order { SORT_RELEVANCE, SORT_TITLE, SORT_NEWEST, SORT_WORKLOAD };

/* The filters of one catalogue request; an unset filter is 0, false or an empty string. */
struct filters {
	struct search search;
	long long eqf;
	bool eqf_none;                             /* eqf=none: only versions without an EQF level */
	long long min_hours;
	long long max_hours;
	char language[3];
	char country[3];
	char participation[8];
	char *esco;                                /* ESCO occupation URI, owned */
	long long organisation;
	enum sort_order sort;
};

static void filters_free(struct filters *f)
{
	search_free(&f->search);
	free(f->esco);
	f->esco = NULL;
}

/* Reads the text parameter name into out (outlen bytes with the NUL) when it is one of allowed. */
static int query_choice_or_reply(struct req *r, const char *name, const char *const *allowed,
    char *out, size_t outlen)
{
	char *value = req_query(r, name);
	int rc = -1;

	out[0] = '\0';
	if (!value || value[0] == '\0') {
		rc = 0;
		goto out;
	}
	for (size_t i = 0; allowed[i]; i++) {
		if (strcmp(value, allowed[i]) == 0 && strlen(value) < outlen) {
			snprintf(out, outlen, "%s", value);
			rc = 0;
			goto out;
		}
	}
	reply_error(r, 400, "invalid_field", name, "%s must be one of %s%s%s%s%s%s%s", name,
	    allowed[0], allowed[1] ? ", " : "", allowed[1] ? allowed[1] : "",
	    allowed[1] && allowed[2] ? ", " : "", allowed[1] && allowed[2] ? allowed[2] : "",
	    allowed[1] && allowed[2] && allowed[3] ? ", " : "",
	    allowed[1] && allowed[2] && allowed[3] ? allowed[3] : "");
out:
	free(value);
	return rc;
}

static int language_filter_or_reply(struct req *r, struct filters *f)
{
	char *value = req_query(r, "language");
	int rc = 0;

	if (value && value[0]) {
		if (language_code_valid(value)) {
			snprintf(f->language, sizeof f->language, "%s", value);
		} else {
			reply_error(r, 400, "invalid_field", "language",
			    "language must be an ISO 639-1 code in lower case, such as en or de");
			rc = -1;
		}
	}
	free(value);
	return rc;
}

static int country_filter_or_reply(struct req *r, struct filters *f)
{
	char *value = req_query(r, "country");
	int rc = 0;

	if (value && value[0]) {
		if (strlen(value) == 2 && isalpha((unsigned char)value[0]) &&
		    isalpha((unsigned char)value[1])) {
			f->country[0] = (char)toupper((unsigned char)value[0]);
			f->country[1] = (char)toupper((unsigned char)value[1]);
			f->country[2] = '\0';
		} else {
			reply_error(r, 400, "invalid_field", "country",
			    "country must be an ISO 3166-1 alpha-2 code such as ES or AT");
			rc = -1;
		}
	}
	free(value);
	return rc;
}

static int esco_filter_or_reply(struct req *r, struct filters *f)
{
	char *value = req_query(r, "esco");

	if (value && value[0] == '\0') {
		free(value);
		return 0;
	}
	if (value && (strlen(value) > ESCO_URI_MAX ||
	    strncmp(value, "http://data.europa.eu/esco/occupation/", 38) != 0)) {
		free(value);
		reply_error(r, 400, "invalid_field", "esco",
		    "esco must be an ESCO occupation URI such as "
		    "http://data.europa.eu/esco/occupation/2a22ff9e-de3b-408d-b312-5034896cc4f4");
		return -1;
	}
	f->esco = value;
	return 0;
}

/* Reads eqf: an EQF level from 1 to 8, or none for the versions without a level. */
static int eqf_filter_or_reply(struct req *r, struct filters *f)
{
	char *value = req_query(r, "eqf");
	int rc = 0;

	if (value && strcmp(value, "none") == 0) {
		f->eqf_none = true;
	} else if (value && parse_long(value, 1, 8, &f->eqf) != 0) {
		reply_error(r, 400, "invalid_field", "eqf",
		    "eqf must be a whole number from 1 to 8, or none for no EQF level");
		rc = -1;
	}
	free(value);
	return rc;
}

static int filters_parse_or_reply(struct req *r, struct filters *f)
{
	static const char *const participation[] = { "online", "onsite", "blended", NULL };
	static const char *const sorts[] = { "relevance", "title", "newest", "workload", NULL };
	char sort[16];

	if (search_from_query_or_reply(r, &f->search) != 0 ||
	    eqf_filter_or_reply(r, f) != 0 ||
	    query_long_or_reply(r, "min_hours", 1, MC_HOURS_MAX, 0, &f->min_hours) != 0 ||
	    query_long_or_reply(r, "max_hours", 1, MC_HOURS_MAX, 0, &f->max_hours) != 0 ||
	    query_long_or_reply(r, "organisation", 1, INT64_MAX, 0, &f->organisation) != 0 ||
	    language_filter_or_reply(r, f) != 0 || country_filter_or_reply(r, f) != 0 ||
	    esco_filter_or_reply(r, f) != 0 ||
	    query_choice_or_reply(r, "participation", participation, f->participation,
		sizeof f->participation) != 0 ||
	    query_choice_or_reply(r, "sort", sorts, sort, sizeof sort) != 0)
		return -1;

	if (f->min_hours && f->max_hours && f->min_hours > f->max_hours) {
		reply_error(r, 400, "invalid_field", "max_hours",
		    "max_hours (%lld) must not be below min_hours (%lld)", f->max_hours, f->min_hours);
		return -1;
	}
	bool has_text = f->search.boolean.len > 0 || f->search.like_count > 0;
	if (strcmp(sort, "title") == 0 || (sort[0] == '\0' && !has_text))
		f->sort = SORT_TITLE;
	else if (strcmp(sort, "newest") == 0)
		f->sort = SORT_NEWEST;
	else if (strcmp(sort, "workload") == 0)
		f->sort = SORT_WORKLOAD;
	else
		f->sort = f->search.boolean.len ? SORT_RELEVANCE : SORT_TITLE;
	return 0;
}

/* ---- Selection ---- */

/*
 * A search runs over the in-process index of the published catalogue (catalogue_index.c), built
 * at the catalogue generation that the request read or later. MariaDB returns only the versions
 * whose text matches, with their relevance. Filters, facet counts, sorting and paging run here.
 */

struct relevance_key {
	double relevance;
	uint32_t title_rank;
	uint32_t position;
};

/*
 * The per-entry arrays of a search, one set per worker thread, reused by its next search and grown
 * with the index, so that a search allocates nothing in proportion to the catalogue.
 */
struct catalogue_scratch {
	size_t cap;                                /* capacity of each array, in entries */
	unsigned char *text_match;
	double *relevance;
	unsigned char *failed;
	bool *base_pass;
	uint32_t *results;
	struct relevance_key *keys;
};

static void scratch_arrays_free(struct catalogue_scratch *scratch)
{
	free(scratch->text_match);
	free(scratch->relevance);
	free(scratch->failed);
	free(scratch->base_pass);
	free(scratch->results);
	free(scratch->keys);
}

void catalogue_worker_free(struct worker *w)
{
	struct catalogue_scratch *scratch = w->catalogue_scratch;

	if (!scratch)
		return;
	scratch_arrays_free(scratch);
	free(scratch);
	w->catalogue_scratch = NULL;
}

/* Returns the worker's scratch arrays with room for count entries; their contents are undefined. */
static struct catalogue_scratch *scratch_of(struct worker *w, size_t count)
{
	struct catalogue_scratch *scratch = w->catalogue_scratch;

	if (!scratch)
		scratch = w->catalogue_scratch = xcalloc(1, sizeof *scratch);
	if (count <= scratch->cap)
		return scratch;
	/* Some headroom, so that a few new publications do not grow every thread's arrays again. */
	count += count / 8 + 64;
	scratch_arrays_free(scratch);
	scratch->text_match = xmalloc(count);
	scratch->relevance = xmalloc(count * sizeof scratch->relevance[0]);
	scratch->failed = xmalloc(count);
	scratch->base_pass = xmalloc(count * sizeof scratch->base_pass[0]);
	scratch->results = xmalloc(count * sizeof scratch->results[0]);
	scratch->keys = xmalloc(count * sizeof scratch->keys[0]);
	scratch->cap = count;
	return scratch;
}

/* The versions that one request selects from the index. The arrays belong to the worker. */
struct selection {
	struct catalogue_index *index;             /* one reference held */
	struct catalogue_scratch *scratch;
	unsigned char *text_match;                 /* per entry, 1 when the text matches; NULL: no text */
	double *relevance;                         /* per entry, NULL unless q has indexed words */
	unsigned char *failed;                     /* per entry, bit d set when filter d rejects it */
	bool *base_pass;                           /* per entry: text and workload pass */
	uint32_t *results;                         /* entry positions of the results, in order */
	size_t result_count;
};

static void selection_free(struct selection *s)
{
	catalogue_index_release(s->index);
	*s = (struct selection){ 0 };
}

/*
 * Marks the versions whose own text or one of whose translations matches the indexed words, and
 * stores the relevance of their own text, which orders a search by relevance. A version that
 * matches only through a translation keeps relevance 0, as MATCH in ORDER BY gives it.
 */
static int text_match_fulltext(struct worker *w, const struct search *search, struct selection *s)
{
	static const char versions_sql[] =
	    "SELECT id, MATCH(title, summary, learning_outcomes) AGAINST (? IN BOOLEAN MODE)"
	    " FROM microcredential_versions"
	    " WHERE MATCH(title, summary, learning_outcomes) AGAINST (? IN BOOLEAN MODE)";
	static const char translations_sql[] =
	    "SELECT version_id FROM microcredential_translations"
	    " WHERE MATCH(title, summary, learning_outcomes) AGAINST (? IN BOOLEAN MODE)";
	struct db_param params[] = {
		P_TEXTN(search->boolean.data, search->boolean.len),
		P_TEXTN(search->boolean.data, search->boolean.len),
	};
	struct db_result versions = { 0 }, translations = { 0 };
	int rc = -1;

	if (db_query(w, versions_sql, params, 2, &versions) != 0 ||
	    db_query(w, translations_sql, params, 1, &translations) != 0)
		goto out;
	for (size_t row = 0; row < versions.rows; row++) {
		long position = catalogue_index_find(s->index, db_cell_int(&versions, row, 0));
		if (position < 0)
			continue;
		s->text_match[position] = 1;
		s->relevance[position] = strtod(db_cell(&versions, row, 1), NULL);
	}
	for (size_t row = 0; row < translations.rows; row++) {
		long position = catalogue_index_find(s->index, db_cell_int(&translations, row, 0));
		if (position >= 0)
			s->text_match[position] = 1;
	}
	rc = 0;
out:
	db_result_free(&versions);
	db_result_free(&translations);
	return rc;
}

/*
 * Clears the text match of the versions whose title and summary lack one of the words that the
 * full-text index cannot contain. LIKE compares in the column's collation, so MariaDB does it.
 * NOTE: this reads the title and summary of every published version, about 10 ms over 10,000.
 */
static int text_match_like(struct worker *w, const struct search *search, struct selection *s)
{
	struct buf sql;
	struct db_param params[2 * MC_LIKE_WORDS_MAX];
	struct db_result res = { 0 };
	unsigned char *like_match = xcalloc(s->index->count ? s->index->count : 1, 1);
	int rc = -1;

	buf_init(&sql);
	buf_puts(&sql, "SELECT id FROM microcredential_versions WHERE status = 'published'");
	for (size_t i = 0; i < search->like_count; i++) {
		buf_puts(&sql, " AND (title LIKE ? OR summary LIKE ?)");
		params[2 * i] = P_TEXT(search->like[i]);
		params[2 * i + 1] = P_TEXT(search->like[i]);
	}
	if (db_query(w, sql.data, params, 2 * search->like_count, &res) != 0)
		goto out;
	for (size_t row = 0; row < res.rows; row++) {
		long position = catalogue_index_find(s->index, db_cell_int(&res, row, 0));
		if (position >= 0)
			like_match[position] = 1;
	}
	for (size_t i = 0; i < s->index->count; i++)
		s->text_match[i] &= like_match[i];
	rc = 0;
out:
	buf_free(&sql);
	db_result_free(&res);
	free(like_match);
	return rc;
}

/* Writes the words of search into key, each field prefixed by its length. */
static void text_match_key(struct buf *key, const struct search *search)
{
	buf_printf(key, "%zu:", search->boolean.len);
	buf_append(key, search->boolean.len ? search->boolean.data : "", search->boolean.len);
	for (size_t i = 0; i < search->like_count; i++)
		buf_printf(key, " %zu:%s", strlen(search->like[i]), search->like[i]);
}

/*
 * Marks the versions that match the text of search, from the index's cache of text matches when
 * the same words were searched since the index was built, else from MariaDB.
 */
static int text_match(struct worker *w, const struct search *search, struct selection *s)
{
	size_t count = s->index->count ? s->index->count : 1;
	struct buf key;
	int rc = 0;

	if (!search->boolean.len && !search->like_count)
		return 0;
	s->text_match = s->scratch->text_match;
	memset(s->text_match, 0, count);
	if (search->boolean.len) {
		s->relevance = s->scratch->relevance;
		memset(s->relevance, 0, count * sizeof s->relevance[0]);
	}
	buf_init(&key);
	text_match_key(&key, search);
	if (catalogue_index_text_get(s->index, key.data, s->text_match, s->relevance))
		goto out;

	if (search->boolean.len)
		rc = text_match_fulltext(w, search, s);
	else
		memset(s->text_match, 1, count);
	if (rc == 0 && search->like_count)
		rc = text_match_like(w, search, s);
	if (rc == 0)
		catalogue_index_text_put(s->index, key.data, s->text_match, s->relevance);
out:
	buf_free(&key);
	return rc;
}

/*
 * The value that each active filter requests, as an index into the dimension's values. A value
 * that no published version has is -1 and rejects every version.
 */
struct wanted_values {
	bool active[CD_COUNT];
	int32_t value[CD_COUNT];
};

static void wanted_values_resolve(struct wanted_values *wanted, const struct filters *f,
    const struct catalogue_index *index)
{
	char number[24];
	const char *text[CD_COUNT] = { 0 };

	if (f->eqf) {
		snprintf(number, sizeof number, "%lld", f->eqf);
		text[CD_EQF] = number;
	}
	text[CD_PARTICIPATION] = f->participation[0] ? f->participation : NULL;
	text[CD_LANGUAGE] = f->language[0] ? f->language : NULL;
	text[CD_COUNTRY] = f->country[0] ? f->country : NULL;
	text[CD_ESCO] = f->esco;
	char organisation[24];
	if (f->organisation) {
		snprintf(organisation, sizeof organisation, "%lld", f->organisation);
		text[CD_ORGANISATION] = organisation;
	}
	for (size_t d = 0; d < CD_COUNT; d++) {
		wanted->active[d] = text[d] != NULL;
		wanted->value[d] = text[d] ? catalogue_values_find(&index->values[d], text[d]) : -1;
	}
	/* NULL finds the index of the missing level, or -1 when every version has a level. */
	if (f->eqf_none) {
		wanted->active[CD_EQF] = true;
		wanted->value[CD_EQF] = catalogue_values_find(&index->values[CD_EQF], NULL);
	}
}

static bool entry_has_value(const struct catalogue_index *index, const struct catalogue_entry *e,
    enum catalogue_dimension d, int32_t value)
{
	uint32_t first = d == CD_LANGUAGE ? e->languages_first : e->occupations_first;
	uint32_t count = d == CD_LANGUAGE ? e->languages_count : e->occupations_count;

	if (value < 0)
		return false;
	if (d != CD_LANGUAGE && d != CD_ESCO)
		return e->value[d] == (uint32_t)value;
	for (uint32_t k = 0; k < count; k++)
		if (index->multi[first + k] == (uint32_t)value)
			return true;
	return false;
}

/* Sets base_pass and the failure mask of every entry. */
static void selection_filter(struct selection *s, const struct filters *f)
{
	const struct catalogue_index *index = s->index;
	struct wanted_values wanted;

	wanted_values_resolve(&wanted, f, index);
	s->base_pass = s->scratch->base_pass;
	s->failed = s->scratch->failed;

	/* The active filters, so that the loop below looks only at those. */
	enum catalogue_dimension active[CD_COUNT];
	size_t active_count = 0;
	for (size_t d = 0; d < CD_COUNT; d++)
		if (wanted.active[d])
			active[active_count++] = (enum catalogue_dimension)d;

	for (size_t i = 0; i < index->count; i++) {
		const struct catalogue_entry *e = &index->entries[i];
		bool pass = (!s->text_match || s->text_match[i]) &&
		    (!f->min_hours || e->workload_hours >= f->min_hours) &&
		    (!f->max_hours || e->workload_hours <= f->max_hours);

		unsigned char failed = 0;

		for (size_t k = 0; k < active_count && pass; k++) {
			enum catalogue_dimension d = active[k];
			if (!entry_has_value(index, e, d, wanted.value[d]))
				failed |= (unsigned char)(1u << d);
		}
		s->base_pass[i] = pass;
		s->failed[i] = failed;
	}
}

/* ORDER BY relevance DESC, title, m.id: the title rank already breaks ties by m.id. */
static int relevance_key_compare(const void *a, const void *b)
{
	const struct relevance_key *x = a, *y = b;

	if (x->relevance != y->relevance)
		return x->relevance > y->relevance ? -1 : 1;
	return (x->title_rank > y->title_rank) - (x->title_rank < y->title_rank);
}

static bool selection_passes(const struct selection *s, size_t position)
{
	return s->base_pass[position] && s->failed[position] == 0;
}

/* Lists the entries that pass every filter in the order of f->sort. */
static void selection_order(struct selection *s, const struct filters *f)
{
	const struct catalogue_index *index = s->index;
	const uint32_t *order = f->sort == SORT_NEWEST ? index->by_newest :
	    f->sort == SORT_WORKLOAD ? index->by_workload : index->by_title;

	s->results = s->scratch->results;
	s->result_count = 0;
	if (f->sort != SORT_RELEVANCE) {
		for (size_t i = 0; i < index->count; i++)
			if (selection_passes(s, order[i]))
				s->results[s->result_count++] = order[i];
		return;
	}

	struct relevance_key *keys = s->scratch->keys;
	size_t n = 0;
	for (size_t i = 0; i < index->count; i++)
		if (selection_passes(s, i))
			keys[n++] = (struct relevance_key){ s->relevance[i], index->entries[i].title_rank,
			    (uint32_t)i };
	qsort(keys, n, sizeof keys[0], relevance_key_compare);
	for (size_t i = 0; i < n; i++)
		s->results[i] = keys[i].position;
	s->result_count = n;
}

/*
 * Selects the published versions that pass every filter of f, in order, from the index of
 * generation. Returns -1 when a query failed.
 */
static int catalogue_select(struct worker *w, const struct filters *f,
    unsigned long long generation, struct selection *s)
{
	*s = (struct selection){ 0 };
	s->index = catalogue_index_acquire(w, generation);
	if (!s->index)
		return -1;
	s->scratch = scratch_of(w, s->index->count ? s->index->count : 1);
	if (text_match(w, &f->search, s) != 0)
		return -1;
	selection_filter(s, f);
	selection_order(s, f);
	return 0;
}

/* Columns of the page query, in order. */
enum item_column {
	I_ID, I_TITLE, I_SUMMARY, I_EQF, I_HOURS, I_ECTS, I_LANGUAGE, I_PARTICIPATION, I_ORG_ID,
	I_ORG_NAME, I_ORG_COUNTRY, I_DELIVERY_LANGUAGES, I_VERSION, I_PUBLISHED_AT,
	I_REQUESTED_TITLE, I_REQUESTED_SUMMARY, I_ENGLISH_TITLE, I_ENGLISH_SUMMARY,
};

static const char item_columns_sql[] =
    "SELECT m.id, v.title, v.summary, v.eqf_level, v.workload_hours, v.ects_credits, v.language,"
    " v.participation_form, o.id, o.name, o.country, v.delivery_languages, v.version,"
    " v.published_at, t1.title, t1.summary, t2.title, t2.summary";
static const char item_translations_sql[] =
    " LEFT JOIN microcredential_translations AS t1 ON t1.version_id = v.id AND t1.language = ?"
    " LEFT JOIN microcredential_translations AS t2 ON t2.version_id = v.id AND t2.language = 'en'";

static void json_set_cell(json_t *obj, const char *key, const struct db_result *res, size_t row,
    int col)
{
	const char *s = db_cell(res, row, col);

	json_object_set_new(obj, key, s ? json_string(s) : json_null());
}

/* Returns the row of index->translations of entry e in language, or -1. */
static long translation_row(const struct catalogue_index *index, const struct catalogue_entry *e,
    const char *language)
{
	for (uint32_t k = 0; k < e->translations_count; k++) {
		size_t row = e->translations_first + k;
		if (strcmp(db_cell(&index->translations, row, CT_LANGUAGE), language) == 0)
			return (long)row;
	}
	return -1;
}

/*
 * Returns the row of index->translations whose title and summary are shown to a reader of lang
 * for entry e, or -1 when the version's own are shown.
 */
static long item_translation(const struct catalogue_index *index, const struct catalogue_entry *e,
    const char *lang)
{
	long requested = translation_row(index, e, lang);
	long english = translation_row(index, e, "en");
	enum mc_text_source source = mc_text_source_pick(db_cell(&index->rows, e->title_rank, CX_LANGUAGE),
	    lang, requested >= 0, english >= 0);

	if (source == MC_TEXT_REQUESTED)
		return requested;
	if (source == MC_TEXT_ENGLISH)
		return english;
	return -1;
}

/*
 * Returns the result item of the entry at position with the text of translation row translation
 * (-1: its own text), built from the index alone. New reference.
 */
static json_t *item_json_indexed(const struct catalogue_index *index, size_t position,
    long translation)
{
	const struct catalogue_entry *e = &index->entries[position];
	const struct db_result *res = &index->rows, *text = res;
	size_t row = e->title_rank, text_row = row;
	int title = CX_TITLE, summary = CX_SUMMARY;
	const char *language = db_cell(res, row, CX_LANGUAGE);
	const char *eqf = db_cell(res, row, CX_EQF);
	const char *ects = db_cell(res, row, CX_ECTS);

	if (translation >= 0) {
		text = &index->translations;
		text_row = (size_t)translation;
		title = CT_TITLE;
		summary = CT_SUMMARY;
		language = db_cell(text, text_row, CT_LANGUAGE);
	}

	json_t *item = json_object();
	json_object_set_new(item, "id", json_integer(e->microcredential_id));
	json_object_set_new(item, "version", json_integer(db_cell_int(res, row, CX_VERSION)));
	json_set_cell(item, "title", text, text_row, title);
	json_set_cell(item, "summary", text, text_row, summary);
	json_object_set_new(item, "eqf_level", eqf ? json_integer(strtoll(eqf, NULL, 10)) : json_null());
	json_object_set_new(item, "workload_hours", json_integer(db_cell_int(res, row, CX_HOURS)));
	json_object_set_new(item, "ects_credits", ects ? json_real(strtod(ects, NULL)) : json_null());
	json_object_set_new(item, "language", json_string(language));
	json_set_cell(item, "participation_form", res, row, CX_PARTICIPATION);
	json_t *delivery = json_loads(db_cell(res, row, CX_DELIVERY_LANGUAGES), 0, NULL);
	json_object_set_new(item, "delivery_languages", json_is_array(delivery) ? delivery : json_array());
	if (!json_is_array(delivery))
		json_decref(delivery);
	json_set_time(item, "published_at", "published_on", db_cell(res, row, CX_PUBLISHED_AT));
	json_object_set_new(item, "promoting_organisation",
	    json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_cell_int(res, row, CX_ORG_ID), "name",
		db_cell(res, row, CX_ORG_NAME), "country", db_cell(res, row, CX_COUNTRY)));
	return item;
}

/*
 * Returns the JSON text of the result item of the entry at position for a reader of lang. The
 * index keeps each item's text from its first use, so most searches copy their items. NULL when
 * the item could not be encoded.
 */
static const char *item_text(struct catalogue_index *index, size_t position, const char *lang)
{
	long translation = item_translation(index, &index->entries[position], lang);
	size_t slot = translation >= 0 ? index->count + (size_t)translation : position;
	const char *text = catalogue_index_item_text(index, slot);

	if (text)
		return text;
	json_t *item = item_json_indexed(index, position, translation);
	char *encoded = json_dumps(item, JSON_COMPACT);
	json_decref(item);
	return encoded ? catalogue_index_item_text_keep(index, slot, encoded) : NULL;
}

/*
 * Runs the CSV's query for count results of s from offset, in order, and returns its result in
 * *res. The version ids go in as a JSON array read by JSON_TABLE, the first table of the join. So
 * a plain filesort by position orders the rows, and no statement sorts rows with a TEXT column
 * through an internal temporary table. MariaDB 10.11 keeps such tables in Aria, and in the
 * benchmark it crashed (signal 11 in ha_maria::drop_table) while 32 clients ran a one-step query.
 */
static int catalogue_rows(struct worker *w, const struct selection *s, const char *lang,
    size_t offset, size_t count, struct db_result *res)
{
	static const char page_from_sql[] =
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (position FOR ORDINALITY,"
	    " id BIGINT UNSIGNED PATH '$')) AS page"
	    " JOIN microcredential_versions AS v ON v.id = page.id"
	    " JOIN microcredentials AS m ON m.id = v.microcredential_id"
	    " JOIN organisations AS o ON o.id = m.promoting_organisation_id";
	struct buf ids, sql;
	int rc;

	buf_init(&ids);
	buf_init(&sql);
	buf_putc(&ids, '[');
	for (size_t i = offset; i < offset + count && i < s->result_count; i++)
		buf_printf(&ids, "%s%lld", i > offset ? "," : "",
		    s->index->entries[s->results[i]].version_id);
	buf_putc(&ids, ']');
	buf_puts(&sql, item_columns_sql);
	buf_puts(&sql, page_from_sql);
	buf_puts(&sql, item_translations_sql);
	buf_puts(&sql, " ORDER BY page.position");
	struct db_param params[] = { P_TEXTN(ids.data, ids.len), P_TEXT(lang) };
	rc = db_query(w, sql.data, params, 2, res);
	buf_free(&ids);
	buf_free(&sql);
	return rc;
}

/* ---- Facets ---- */

/*
 * Each facet counts the versions that pass the text and workload filters and every filter but
 * its own, as if it had its own GROUP BY query. The values come in the order that the index
 * fixed for each dimension when it was built (catalogue_index.c), with the labels it found.
 *
 * NOTE: the counts assume at most one published version per micro-credential, which publishing
 * keeps true; the SQL that this replaced counted DISTINCT micro-credential ids.
 */

/* Adds one count per value of dimension d of entry e. */
static void facet_count_entry(const struct catalogue_index *index, const struct catalogue_entry *e,
    enum catalogue_dimension d, long long *counts)
{
	if (d == CD_LANGUAGE) {
		for (uint32_t k = 0; k < e->languages_count; k++)
			counts[index->multi[e->languages_first + k]]++;
	} else if (d == CD_ESCO) {
		for (uint32_t k = 0; k < e->occupations_count; k++)
			counts[index->multi[e->occupations_first + k]]++;
	} else {
		counts[e->value[d]]++;
	}
}

/* Writes "name":[{value, label?, count}] for the values of dimension d with a count above 0. */
static void facet_write(struct buf *out, const char *name, const struct catalogue_index *index,
    enum catalogue_dimension d, const long long *counts, bool integer)
{
	const struct catalogue_values *values = &index->values[d];
	bool first = true;

	buf_putc(out, '"');
	buf_puts(out, name);
	buf_puts(out, "\":[");
	for (size_t k = 0; k < values->len; k++) {
		uint32_t i = index->value_order[d][k];
		const char *value = values->items[i];
		const char *label = index->value_labels[d][i];

		if (!counts[i])
			continue;
		buf_puts(out, first ? "{\"value\":" : ",{\"value\":");
		first = false;
		if (!value)
			buf_puts(out, "null");
		else if (integer)
			buf_put_int(out, strtoll(value, NULL, 10));
		else
			buf_json_string(out, value);
		if (label) {
			buf_puts(out, ",\"label\":");
			buf_json_string(out, label);
		}
		buf_puts(out, ",\"count\":");
		buf_put_int(out, counts[i]);
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
}

/* Writes the facets object of the selection s as JSON. */
static void catalogue_facets_write(struct buf *out, const struct selection *s)
{
	static const struct {
		const char *name;
		enum catalogue_dimension dimension;
		bool integer;
	} facets[] = {
		{ "eqf", CD_EQF, true }, { "participation", CD_PARTICIPATION, false },
		{ "language", CD_LANGUAGE, false }, { "country", CD_COUNTRY, false },
		{ "organisation", CD_ORGANISATION, true }, { "esco", CD_ESCO, false },
	};
	const struct catalogue_index *index = s->index;
	long long *counts[CD_COUNT];

	for (size_t d = 0; d < CD_COUNT; d++)
		counts[d] = xcalloc(index->values[d].len + 1, sizeof counts[d][0]);
	for (size_t i = 0; i < index->count; i++) {
		if (!s->base_pass[i])
			continue;
		for (size_t d = 0; d < CD_COUNT; d++)
			if ((s->failed[i] & ~(1u << d)) == 0)
				facet_count_entry(index, &index->entries[i], d, counts[d]);
	}
	buf_putc(out, '{');
	for (size_t f = 0; f < sizeof facets / sizeof facets[0]; f++) {
		if (f)
			buf_putc(out, ',');
		facet_write(out, facets[f].name, index, facets[f].dimension, counts[facets[f].dimension],
		    facets[f].integer);
	}
	buf_putc(out, '}');
	for (size_t d = 0; d < CD_COUNT; d++)
		free(counts[d]);
}

/* ---- Response cache ---- */

/*
 * Sets *generation to the catalogue generation, or to 0 when the row is missing, which turns the
 * cache off. Returns -1 when the query failed.
 */
static int catalogue_generation_read(struct worker *w, unsigned long long *generation)
{
	struct db_result res;

	*generation = 0;
	if (db_query(w, "SELECT generation FROM catalogue_generation WHERE id = 1", NULL, 0, &res) != 0)
		return -1;
	if (res.rows == 1)
		*generation = (unsigned long long)db_cell_int(&res, 0, 0);
	db_result_free(&res);
	return 0;
}

static void cache_key_text(struct buf *key, const char *name, const char *s, size_t len)
{
	/* The length prefix keeps any bytes in s from forming another key's fields. */
	buf_printf(key, " %s=%zu:", name, len);
	buf_append(key, s, len);
}

/* Writes the normalised request into key: the reader's language, paging and every filter. */
static void cache_key_build(struct buf *key, const struct filters *f, const char *lang,
    long long page, long long per_page)
{
	const struct search *s = &f->search;

	buf_printf(key, "lang=%s page=%lld per_page=%lld eqf=%lld eqf_none=%d hours=%lld-%lld"
	    " language=%s country=%s participation=%s organisation=%lld sort=%d", lang, page, per_page,
	    f->eqf, (int)f->eqf_none, f->min_hours, f->max_hours, f->language, f->country,
	    f->participation, f->organisation, (int)f->sort);
	cache_key_text(key, "esco", f->esco ? f->esco : "", f->esco ? strlen(f->esco) : 0);
	cache_key_text(key, "boolean", s->boolean.len ? s->boolean.data : "", s->boolean.len);
	for (size_t i = 0; i < s->like_count; i++)
		cache_key_text(key, "like", s->like[i], strlen(s->like[i]));
}

/* ---- Handlers ---- */

static double monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

void handle_microcredentials_list(struct req *r)
{
	struct filters f = { 0 };
	long long page, per_page;
	char lang[3];
	struct selection selection = { 0 };
	unsigned long long generation = 0;
	bool computing = false;
	struct buf key;
	struct buf *out = &r->w->out;

	buf_init(&key);
	buf_init(&f.search.boolean);
	if (query_long_or_reply(r, "page", 1, MC_PAGE_MAX, 1, &page) != 0 ||
	    query_long_or_reply(r, "per_page", 1, MC_PER_PAGE_MAX, MC_PER_PAGE_DEFAULT, &per_page) != 0 ||
	    request_language_or_reply(r, lang) != 0 || filters_parse_or_reply(r, &f) != 0)
		goto out;

	if (catalogue_generation_read(r->w, &generation) != 0)
		goto db_error;
	if (generation) {
		cache_key_build(&key, &f, lang, page, per_page);
		if (catalogue_cache_get(generation, key.data, out, &computing)) {
			reply_raw(r, 200, "application/json; charset=utf-8", out->data, out->len);
			goto out;
		}
	}

	/* Times of the steps of a search that missed the cache, logged at debug level. */
	double started = monotonic_ms(), selected, written;
	if (catalogue_select(r->w, &f, generation, &selection) != 0)
		goto db_error;
	selected = monotonic_ms();

	/* The reply is written as text: the items come as the index keeps them, already encoded. */
	buf_reset(out);
	buf_puts(out, "{\"items\":[");
	size_t offset = (size_t)((page - 1) * per_page);
	for (size_t i = offset; i < selection.result_count && i < offset + (size_t)per_page; i++) {
		const char *item = item_text(selection.index, selection.results[i], lang);

		if (!item) {
			reply_error(r, 500, "internal", NULL, "a result could not be encoded; it has been logged");
			goto out;
		}
		if (i > offset)
			buf_putc(out, ',');
		buf_puts(out, item);
	}
	buf_puts(out, "],\"page\":");
	buf_put_int(out, page);
	buf_puts(out, ",\"per_page\":");
	buf_put_int(out, per_page);
	buf_puts(out, ",\"total\":");
	buf_put_int(out, (long long)selection.result_count);
	buf_puts(out, ",\"facets\":");
	catalogue_facets_write(out, &selection);
	buf_putc(out, '}');
	written = monotonic_ms();
	log_event(LOG_DEBUG, r->request_id, "event=catalogue_search_timing select_ms=%.2f"
	    " write_ms=%.2f results=%zu", selected - started, written - selected,
	    selection.result_count);

	reply_raw(r, 200, "application/json; charset=utf-8", out->data, out->len);
	if (generation)
		catalogue_cache_put(generation, key.data, out->data, out->len);
	goto out;

db_error:
	reply_db_error(r);
out:
	if (computing)
		catalogue_cache_computed(generation, key.data);
	selection_free(&selection);
	filters_free(&f);
	buf_free(&key);
}

/* ---- CSV ---- */

/* Appends one RFC 4180 field: quoted, with inner quotes doubled, when it needs quoting. */
static void csv_field(struct buf *out, const char *s, bool last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		buf_putc(out, '"');
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				buf_putc(out, '"');
			buf_putc(out, *p);
		}
		buf_putc(out, '"');
	} else if (s) {
		buf_puts(out, s);
	}
	buf_puts(out, last ? "\r\n" : ",");
}

static void csv_row(struct buf *out, const struct db_result *res, size_t row)
{
	char url[600], day[16] = "", languages[128] = "";
	time_t published;
	json_t *delivery = json_loads(db_cell(res, row, I_DELIVERY_LANGUAGES), 0, NULL);
	size_t i;
	json_t *code;

	json_array_foreach(delivery, i, code) {
		size_t used = strlen(languages);
		snprintf(languages + used, sizeof languages - used, "%s%s", i ? " " : "",
		    json_string_value(code) ? json_string_value(code) : "");
	}
	json_decref(delivery);
	if (db_cell(res, row, I_PUBLISHED_AT) && time_parse_db(db_cell(res, row, I_PUBLISHED_AT), &published) == 0)
		time_format_local_date(published, day);
	snprintf(url, sizeof url, "%s/microcredentials/%s", cfg.public_url, db_cell(res, row, I_ID));

	csv_field(out, db_cell(res, row, I_ID), false);
	csv_field(out, db_cell(res, row, I_VERSION), false);
	csv_field(out, db_cell(res, row, I_TITLE), false);
	csv_field(out, db_cell(res, row, I_SUMMARY), false);
	csv_field(out, db_cell(res, row, I_EQF), false);
	csv_field(out, db_cell(res, row, I_HOURS), false);
	csv_field(out, db_cell(res, row, I_ECTS), false);
	csv_field(out, db_cell(res, row, I_LANGUAGE), false);
	csv_field(out, languages, false);
	csv_field(out, db_cell(res, row, I_PARTICIPATION), false);
	csv_field(out, db_cell(res, row, I_ORG_NAME), false);
	csv_field(out, db_cell(res, row, I_ORG_COUNTRY), false);
	csv_field(out, day, false);
	csv_field(out, url, true);
}

/*
 * The catalogue as CSV (RFC 4180, UTF-8, CRLF line ends, a header row), in the original language
 * of each micro-credential, with the same filters and sort orders as the JSON list but no paging.
 */
void handle_microcredentials_csv(struct req *r)
{
	struct filters f = { 0 };
	struct db_result rows = { 0 };
	struct selection selection = { 0 };
	unsigned long long generation;
	struct buf *out = &r->w->out;

	buf_init(&f.search.boolean);
	if (filters_parse_or_reply(r, &f) != 0)
		goto out;
	if (catalogue_generation_read(r->w, &generation) != 0 ||
	    catalogue_select(r->w, &f, generation, &selection) != 0 ||
	    catalogue_rows(r->w, &selection, "", 0, selection.result_count, &rows) != 0) {
		reply_db_error(r);
		goto out;
	}
	buf_reset(out);
	buf_puts(out, "id,version,title,summary,eqf_level,workload_hours,ects_credits,language,"
	    "delivery_languages,participation_form,promoting_organisation,country,published_on,url\r\n");
	for (size_t row = 0; row < rows.rows; row++)
		csv_row(out, &rows, row);
	reply_header(r, "Content-Disposition", "attachment; filename=\"microcredentials.csv\"");
	reply_raw(r, 200, "text/csv; charset=utf-8; header=present", out->data, out->len);

out:
	db_result_free(&rows);
	selection_free(&selection);
	filters_free(&f);
}
