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
 * The versions that match the text come from a derived table, the union of two full-text index
 * searches (versions and translations), joined by primary key. Written as MATCH ... OR IN
 * (subquery) in the WHERE clause, the same condition made MariaDB 10.11 evaluate MATCH on every
 * published version: about 100 ms per statement over 10,000 generated ones (bench/generate.sh)
 * on a shared 2-core machine.
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

/* The filters of one catalogue request; an unset filter is 0 or an empty string. */
struct filters {
	struct search search;
	long long eqf;
	long long min_hours;
	long long max_hours;
	char language[3];
	char country[3];
	char participation[8];
	char *esco;                                /* ESCO occupation URI, owned */
	long long organisation;
	enum sort_order sort;
};

/*
 * Filters that a facet can leave out of its own count. FACET_ALL leaves out all of them, for the
 * query that the facets are counted from.
 */
enum facet { FACET_NONE, FACET_EQF, FACET_LANGUAGE, FACET_ESCO, FACET_ORGANISATION,
	FACET_COUNTRY, FACET_PARTICIPATION, FACET_ALL };

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

static int filters_parse_or_reply(struct req *r, struct filters *f)
{
	static const char *const participation[] = { "online", "onsite", "blended", NULL };
	static const char *const sorts[] = { "relevance", "title", "newest", "workload", NULL };
	char sort[16];

	if (search_from_query_or_reply(r, &f->search) != 0 ||
	    query_long_or_reply(r, "eqf", 1, 8, 0, &f->eqf) != 0 ||
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

/* ---- SQL ---- */

/* Published versions only: a retired micro-credential has none. */
static const char catalogue_from_sql[] =
    " FROM microcredentials AS m"
    " JOIN microcredential_versions AS v ON v.microcredential_id = m.id AND v.status = 'published'"
    " JOIN organisations AS o ON o.id = m.promoting_organisation_id";
/* Versions whose own text or one of whose translations matches; UNION removes duplicates. */
static const char text_match_join_sql[] =
    " JOIN (SELECT x.id FROM microcredential_versions AS x"
    " WHERE MATCH(x.title, x.summary, x.learning_outcomes) AGAINST (? IN BOOLEAN MODE)"
    " UNION SELECT t.version_id FROM microcredential_translations AS t"
    " WHERE MATCH(t.title, t.summary, t.learning_outcomes) AGAINST (? IN BOOLEAN MODE))"
    " AS text_match ON text_match.id = v.id";
static const char text_like_sql[] = " AND (v.title LIKE ? OR v.summary LIKE ?)";

#define CATALOGUE_PARAMS_MAX (2 + 2 * MC_LIKE_WORDS_MAX + 16)

struct query {
	struct buf sql;
	struct db_param params[CATALOGUE_PARAMS_MAX];
	size_t n;
};

static void query_param(struct query *q, struct db_param p)
{
	if (q->n == CATALOGUE_PARAMS_MAX) {
		log_event(LOG_ERROR, NULL, "event=catalogue_params_overflow");
		abort();
	}
	q->params[q->n++] = p;
}

/* Appends the FROM clause of published versions, joined to the text matches when q has any. */
static void query_from(struct query *q, const struct filters *f)
{
	const struct search *s = &f->search;

	buf_puts(&q->sql, catalogue_from_sql);
	if (s->boolean.len) {
		buf_puts(&q->sql, text_match_join_sql);
		query_param(q, P_TEXTN(s->boolean.data, s->boolean.len));
		query_param(q, P_TEXTN(s->boolean.data, s->boolean.len));
	}
}

/* Tells whether the filter of facet `filter` applies when facet `except` is left out. */
static bool filter_applies(enum facet filter, enum facet except)
{
	return except != FACET_ALL && filter != except;
}

/* Appends " WHERE ..." with every filter except the one of facet `except`. */
static void query_where(struct query *q, const struct filters *f, enum facet except)
{
	const struct search *s = &f->search;

	buf_puts(&q->sql, " WHERE 1 = 1");
	for (size_t i = 0; i < s->like_count; i++) {
		buf_puts(&q->sql, text_like_sql);
		query_param(q, P_TEXT(s->like[i]));
		query_param(q, P_TEXT(s->like[i]));
	}
	if (f->eqf && filter_applies(FACET_EQF, except)) {
		buf_puts(&q->sql, " AND v.eqf_level = ?");
		query_param(q, P_INT(f->eqf));
	}
	if (f->min_hours) {
		buf_puts(&q->sql, " AND v.workload_hours >= ?");
		query_param(q, P_INT(f->min_hours));
	}
	if (f->max_hours) {
		buf_puts(&q->sql, " AND v.workload_hours <= ?");
		query_param(q, P_INT(f->max_hours));
	}
	if (f->language[0] && filter_applies(FACET_LANGUAGE, except)) {
		buf_puts(&q->sql, " AND JSON_CONTAINS(v.delivery_languages, JSON_QUOTE(?))");
		query_param(q, P_TEXT(f->language));
	}
	if (f->esco && filter_applies(FACET_ESCO, except)) {
		buf_puts(&q->sql, " AND JSON_CONTAINS(v.esco_occupations, JSON_QUOTE(?))");
		query_param(q, P_TEXT(f->esco));
	}
	if (f->organisation && filter_applies(FACET_ORGANISATION, except)) {
		buf_puts(&q->sql, " AND m.promoting_organisation_id = ?");
		query_param(q, P_INT(f->organisation));
	}
	if (f->country[0] && filter_applies(FACET_COUNTRY, except)) {
		buf_puts(&q->sql, " AND o.country = ?");
		query_param(q, P_TEXT(f->country));
	}
	if (f->participation[0] && filter_applies(FACET_PARTICIPATION, except)) {
		buf_puts(&q->sql, " AND v.participation_form = ?");
		query_param(q, P_TEXT(f->participation));
	}
}

static void query_order(struct query *q, const struct filters *f)
{
	switch (f->sort) {
	case SORT_RELEVANCE:
		buf_puts(&q->sql, " ORDER BY MATCH(v.title, v.summary, v.learning_outcomes)"
		    " AGAINST (? IN BOOLEAN MODE) DESC, v.title, m.id");
		query_param(q, P_TEXTN(f->search.boolean.data, f->search.boolean.len));
		break;
	case SORT_NEWEST:
		buf_puts(&q->sql, " ORDER BY v.published_at DESC, m.id DESC");
		break;
	case SORT_WORKLOAD:
		buf_puts(&q->sql, " ORDER BY v.workload_hours, v.title, m.id");
		break;
	case SORT_TITLE:
		buf_puts(&q->sql, " ORDER BY v.title, m.id");
		break;
	}
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

static json_t *item_json(const struct db_result *res, size_t row, const char *lang)
{
	json_t *item = json_object();
	const char *eqf = db_cell(res, row, I_EQF);
	const char *ects = db_cell(res, row, I_ECTS);
	enum mc_text_source source = mc_text_source_pick(db_cell(res, row, I_LANGUAGE), lang,
	    db_cell(res, row, I_REQUESTED_TITLE) != NULL, db_cell(res, row, I_ENGLISH_TITLE) != NULL);
	int title = I_TITLE, summary = I_SUMMARY;
	const char *language = db_cell(res, row, I_LANGUAGE);

	if (source == MC_TEXT_REQUESTED) {
		title = I_REQUESTED_TITLE;
		summary = I_REQUESTED_SUMMARY;
		language = lang;
	} else if (source == MC_TEXT_ENGLISH) {
		title = I_ENGLISH_TITLE;
		summary = I_ENGLISH_SUMMARY;
		language = "en";
	}
	json_object_set_new(item, "id", json_integer(db_cell_int(res, row, I_ID)));
	json_object_set_new(item, "version", json_integer(db_cell_int(res, row, I_VERSION)));
	json_set_cell(item, "title", res, row, title);
	json_set_cell(item, "summary", res, row, summary);
	json_object_set_new(item, "eqf_level", eqf ? json_integer(strtoll(eqf, NULL, 10)) : json_null());
	json_object_set_new(item, "workload_hours", json_integer(db_cell_int(res, row, I_HOURS)));
	json_object_set_new(item, "ects_credits", ects ? json_real(strtod(ects, NULL)) : json_null());
	json_object_set_new(item, "language", json_string(language));
	json_set_cell(item, "participation_form", res, row, I_PARTICIPATION);
	json_t *delivery = json_loads(db_cell(res, row, I_DELIVERY_LANGUAGES), 0, NULL);
	json_object_set_new(item, "delivery_languages", json_is_array(delivery) ? delivery : json_array());
	if (!json_is_array(delivery))
		json_decref(delivery);
	json_set_time(item, "published_at", "published_on", db_cell(res, row, I_PUBLISHED_AT));
	json_object_set_new(item, "promoting_organisation",
	    json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_cell_int(res, row, I_ORG_ID), "name",
		db_cell(res, row, I_ORG_NAME), "country", db_cell(res, row, I_ORG_COUNTRY)));
	return item;
}

/*
 * Writes the ids of the versions on the page (limit rows from offset, or every row when limit is
 * 0), in order, as a JSON array into ids.
 */
static int catalogue_page_ids(struct worker *w, const struct filters *f, long long limit,
    long long offset, struct buf *ids)
{
	struct query q = { 0 };
	struct db_result res;
	int rc;

	buf_init(&q.sql);
	buf_puts(&q.sql, "SELECT v.id");
	query_from(&q, f);
	query_where(&q, f, FACET_NONE);
	query_order(&q, f);
	if (limit > 0) {
		buf_puts(&q.sql, " LIMIT ? OFFSET ?");
		query_param(&q, P_INT(limit));
		query_param(&q, P_INT(offset));
	}
	rc = db_query(w, q.sql.data, q.params, q.n, &res);
	buf_free(&q.sql);
	if (rc != 0)
		return -1;
	buf_putc(ids, '[');
	for (size_t row = 0; row < res.rows; row++)
		buf_printf(ids, "%s%s", row ? "," : "", db_cell(&res, row, 0));
	buf_putc(ids, ']');
	db_result_free(&res);
	return 0;
}

/*
 * Runs the page query (limit rows from offset, or every row when limit is 0) and returns its
 * result in *res.
 *
 * It takes two steps, so that no statement sorts rows with a TEXT column through an internal
 * temporary table. MariaDB 10.11 keeps such tables in Aria, and in the benchmark it crashed
 * (signal 11 in ha_maria::drop_table) while 32 clients ran the one-step query. The first step
 * sorts and pages the version ids alone. The second fetches the columns of those versions,
 * reading the ids from JSON_TABLE as the first table of the join, so a plain filesort orders them.
 *
 * NOTE: the first step's temporary table stays in memory only up to tmp_table_size (16 MiB by
 * default), an estimated 15,000 published versions when sorted by title (1 KiB a row); beyond
 * that MariaDB moves it to Aria.
 */
static int catalogue_rows(struct worker *w, const struct filters *f, const char *lang,
    long long limit, long long offset, struct db_result *res)
{
	static const char page_from_sql[] =
	    " FROM JSON_TABLE(?, '$[*]' COLUMNS (position FOR ORDINALITY,"
	    " id BIGINT UNSIGNED PATH '$')) AS page"
	    " JOIN microcredential_versions AS v ON v.id = page.id"
	    " JOIN microcredentials AS m ON m.id = v.microcredential_id"
	    " JOIN organisations AS o ON o.id = m.promoting_organisation_id";
	struct buf ids, sql;
	int rc = -1;

	buf_init(&ids);
	buf_init(&sql);
	if (catalogue_page_ids(w, f, limit, offset, &ids) != 0)
		goto out;
	buf_puts(&sql, item_columns_sql);
	buf_puts(&sql, page_from_sql);
	buf_puts(&sql, item_translations_sql);
	buf_puts(&sql, " ORDER BY page.position");
	struct db_param params[] = { P_TEXTN(ids.data, ids.len), P_TEXT(lang) };
	rc = db_query(w, sql.data, params, 2, res);
out:
	buf_free(&ids);
	buf_free(&sql);
	return rc;
}

/* ---- Facets ---- */

/*
 * The count and all facets come from one pass over the published micro-credentials that match
 * the text and workload filters, fetched once with the columns the facets need. Each facet then
 * counts the rows that pass every other filter, as if it had its own GROUP BY query. Facet values
 * come in the order that ORDER BY gave them in SQL. EQF levels come with "no level" first,
 * participation forms in ENUM order and codes in byte order. Organisations come by name and ESCO
 * occupations by label (unknown URIs first, by URI), both ranked by MariaDB in their collation.
 *
 * NOTE: the counts assume at most one published version per micro-credential, which publishing
 * keeps true; the SQL it replaced counted DISTINCT micro-credential ids.
 */

/* Columns of the facet query, in order. */
enum facet_column { F_EQF, F_PARTICIPATION, F_DELIVERY_LANGUAGES, F_ESCO, F_ORG_ID, F_COUNTRY };

static const char facet_columns_sql[] =
    "SELECT v.eqf_level, v.participation_form, v.delivery_languages, v.esco_occupations, o.id,"
    " o.country";

static const char *const participation_forms[] = { "online", "onsite", "blended" };

/* One row of the facet query as the filters see it; strings borrowed from the result. */
struct facet_row {
	const char *eqf;                           /* NULL: no EQF level */
	const char *participation;
	const char *organisation;                  /* id, decimal */
	const char *country;
	json_t *languages;                         /* delivery languages, owned */
	json_t *occupations;                       /* ESCO occupation URIs, owned */
};

/* One value of a facet with its count and its position in the facet's order. */
struct facet_value {
	char *value;                               /* owned; NULL: the SQL NULL */
	const char *label;                         /* borrowed, may be NULL */
	long long rank;
	long long count;
};

struct facet_values {
	struct facet_value *items;                 /* owned */
	size_t len, cap;
};

static bool same_value(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void facet_values_add(struct facet_values *values, const char *value)
{
	for (size_t i = 0; i < values->len; i++) {
		if (same_value(values->items[i].value, value)) {
			values->items[i].count++;
			return;
		}
	}
	if (values->len == values->cap) {
		values->cap = values->cap ? 2 * values->cap : 16;
		values->items = xrealloc(values->items, values->cap * sizeof values->items[0]);
	}
	values->items[values->len++] = (struct facet_value){
		.value = value ? xstrdup(value) : NULL,
		.count = 1,
	};
}

static void facet_values_free(struct facet_values *values)
{
	for (size_t i = 0; i < values->len; i++)
		free(values->items[i].value);
	free(values->items);
	*values = (struct facet_values){ 0 };
}

static bool json_array_has_string(const json_t *array, const char *s)
{
	size_t i;
	json_t *item;

	json_array_foreach(array, i, item)
		if (json_string_value(item) && strcmp(json_string_value(item), s) == 0)
			return true;
	return false;
}

/* Counts each distinct string of array once, as COUNT(DISTINCT id) over JSON_TABLE rows did. */
static void facet_values_add_array(struct facet_values *values, const json_t *array)
{
	size_t i, j;
	json_t *item, *earlier;

	json_array_foreach(array, i, item) {
		const char *s = json_string_value(item);
		bool repeated = false;

		if (!s)
			continue;
		for (j = 0; j < i && !repeated; j++) {
			earlier = json_array_get(array, j);
			repeated = json_string_value(earlier) && strcmp(json_string_value(earlier), s) == 0;
		}
		if (!repeated)
			facet_values_add(values, s);
	}
}

/* Tells whether row passes every facet filter of f except the one of facet `except`. */
static bool facet_row_passes(const struct facet_row *row, const struct filters *f, enum facet except)
{
	if (f->eqf && filter_applies(FACET_EQF, except) &&
	    (!row->eqf || strtoll(row->eqf, NULL, 10) != f->eqf))
		return false;
	if (f->language[0] && filter_applies(FACET_LANGUAGE, except) &&
	    !json_array_has_string(row->languages, f->language))
		return false;
	if (f->esco && filter_applies(FACET_ESCO, except) &&
	    !json_array_has_string(row->occupations, f->esco))
		return false;
	if (f->organisation && filter_applies(FACET_ORGANISATION, except) &&
	    strtoll(row->organisation, NULL, 10) != f->organisation)
		return false;
	if (f->country[0] && filter_applies(FACET_COUNTRY, except) &&
	    !same_value(row->country, f->country))
		return false;
	if (f->participation[0] && filter_applies(FACET_PARTICIPATION, except) &&
	    !same_value(row->participation, f->participation))
		return false;
	return true;
}

static int facet_value_compare(const void *a, const void *b)
{
	const struct facet_value *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (!x->value || !y->value)
		return !y->value - !x->value;
	return strcmp(x->value, y->value);
}

/*
 * Sets each value's rank and label from ref, a result of (key, label) rows in the wanted order.
 * A value missing from ref keeps rank -1, so it sorts first, by value.
 */
static void facet_values_rank(struct facet_values *values, const struct db_result *ref)
{
	for (size_t i = 0; i < values->len; i++) {
		values->items[i].rank = -1;
		for (size_t row = 0; row < ref->rows; row++) {
			if (same_value(db_cell(ref, row, 0), values->items[i].value)) {
				values->items[i].rank = (long long)row;
				values->items[i].label = db_cell(ref, row, 1);
				break;
			}
		}
	}
}

/* Returns [{value, label?, count}] in rank order, freeing values. New reference. */
static json_t *facet_values_json(struct facet_values *values, bool integer)
{
	json_t *out = json_array();

	if (values->len > 0)
		qsort(values->items, values->len, sizeof values->items[0], facet_value_compare);
	for (size_t i = 0; i < values->len; i++) {
		const struct facet_value *v = &values->items[i];
		json_t *entry = json_object();

		if (!v->value)
			json_object_set_new(entry, "value", json_null());
		else if (integer)
			json_object_set_new(entry, "value", json_integer(strtoll(v->value, NULL, 10)));
		else
			json_object_set_new(entry, "value", json_string(v->value));
		if (v->label)
			json_object_set_new(entry, "label", json_string(v->label));
		json_object_set_new(entry, "count", json_integer(v->count));
		json_array_append_new(out, entry);
	}
	facet_values_free(values);
	return out;
}

/*
 * Counts the values of every facet over the rows of res; values[] is indexed by enum facet. Each
 * row's JSON arrays are parsed and freed in turn, so memory stays at the size of res.
 */
static void facet_rows_count(const struct db_result *res, const struct filters *f,
    struct facet_values *values, long long *total)
{
	*total = 0;
	for (size_t i = 0; i < res->rows; i++) {
		struct facet_row parsed = {
			.eqf = db_cell(res, i, F_EQF),
			.participation = db_cell(res, i, F_PARTICIPATION),
			.organisation = db_cell(res, i, F_ORG_ID),
			.country = db_cell(res, i, F_COUNTRY),
			.languages = json_loads(db_cell(res, i, F_DELIVERY_LANGUAGES), 0, NULL),
			.occupations = json_loads(db_cell(res, i, F_ESCO), 0, NULL),
		};
		const struct facet_row *row = &parsed;

		if (facet_row_passes(row, f, FACET_NONE))
			(*total)++;
		if (facet_row_passes(row, f, FACET_EQF))
			facet_values_add(&values[FACET_EQF], row->eqf);
		if (facet_row_passes(row, f, FACET_PARTICIPATION))
			facet_values_add(&values[FACET_PARTICIPATION], row->participation);
		if (facet_row_passes(row, f, FACET_LANGUAGE))
			facet_values_add_array(&values[FACET_LANGUAGE], row->languages);
		if (facet_row_passes(row, f, FACET_COUNTRY))
			facet_values_add(&values[FACET_COUNTRY], row->country);
		if (facet_row_passes(row, f, FACET_ORGANISATION))
			facet_values_add(&values[FACET_ORGANISATION], row->organisation);
		if (facet_row_passes(row, f, FACET_ESCO))
			facet_values_add_array(&values[FACET_ESCO], row->occupations);
		json_decref(parsed.languages);
		json_decref(parsed.occupations);
	}
}

static void facet_values_rank_fixed(struct facet_values *values, enum facet facet)
{
	for (size_t i = 0; i < values->len; i++) {
		struct facet_value *v = &values->items[i];

		v->rank = 0;
		if (facet == FACET_EQF && v->value)
			v->rank = strtoll(v->value, NULL, 10);
		for (size_t k = 0; facet == FACET_PARTICIPATION && k < 3; k++)
			if (same_value(v->value, participation_forms[k]))
				v->rank = (long long)k;
	}
}

/*
 * Runs the facet query and builds the facets object in *facets and the number of results in
 * *total. Returns -1 when a query failed.
 */
static int catalogue_facets(struct worker *w, const struct filters *f, long long *total,
    json_t **facets)
{
	static const char organisations_sql[] = "SELECT id, name FROM organisations ORDER BY name";
	static const char occupations_sql[] =
	    "SELECT uri, label FROM esco_occupations ORDER BY label, uri";
	struct query q = { 0 };
	struct db_result res = { 0 }, organisations = { 0 }, occupations = { 0 };
	struct facet_values values[FACET_PARTICIPATION + 1] = { { 0 } };
	int rc = -1;

	*facets = NULL;
	buf_init(&q.sql);
	buf_puts(&q.sql, facet_columns_sql);
	query_from(&q, f);
	query_where(&q, f, FACET_ALL);
	if (db_query(w, q.sql.data, q.params, q.n, &res) != 0 ||
	    db_query(w, organisations_sql, NULL, 0, &organisations) != 0 ||
	    db_query(w, occupations_sql, NULL, 0, &occupations) != 0)
		goto out;

	facet_rows_count(&res, f, values, total);
	facet_values_rank_fixed(&values[FACET_EQF], FACET_EQF);
	facet_values_rank_fixed(&values[FACET_PARTICIPATION], FACET_PARTICIPATION);
	facet_values_rank_fixed(&values[FACET_LANGUAGE], FACET_LANGUAGE);
	facet_values_rank_fixed(&values[FACET_COUNTRY], FACET_COUNTRY);
	facet_values_rank(&values[FACET_ORGANISATION], &organisations);
	facet_values_rank(&values[FACET_ESCO], &occupations);

	*facets = json_object();
	json_object_set_new(*facets, "eqf", facet_values_json(&values[FACET_EQF], true));
	json_object_set_new(*facets, "participation",
	    facet_values_json(&values[FACET_PARTICIPATION], false));
	json_object_set_new(*facets, "language", facet_values_json(&values[FACET_LANGUAGE], false));
	json_object_set_new(*facets, "country", facet_values_json(&values[FACET_COUNTRY], false));
	json_object_set_new(*facets, "organisation",
	    facet_values_json(&values[FACET_ORGANISATION], true));
	json_object_set_new(*facets, "esco", facet_values_json(&values[FACET_ESCO], false));
	rc = 0;

out:
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		facet_values_free(&values[i]);
	buf_free(&q.sql);
	db_result_free(&res);
	db_result_free(&organisations);
	db_result_free(&occupations);
	return rc;
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

	buf_printf(key, "lang=%s page=%lld per_page=%lld eqf=%lld hours=%lld-%lld language=%s"
	    " country=%s participation=%s organisation=%lld sort=%d", lang, page, per_page, f->eqf,
	    f->min_hours, f->max_hours, f->language, f->country, f->participation, f->organisation,
	    (int)f->sort);
	cache_key_text(key, "esco", f->esco ? f->esco : "", f->esco ? strlen(f->esco) : 0);
	cache_key_text(key, "boolean", s->boolean.len ? s->boolean.data : "", s->boolean.len);
	for (size_t i = 0; i < s->like_count; i++)
		cache_key_text(key, "like", s->like[i], strlen(s->like[i]));
}

/* ---- Handlers ---- */

void handle_microcredentials_list(struct req *r)
{
	struct filters f = { 0 };
	long long page, per_page, total = 0;
	char lang[3];
	struct db_result rows = { 0 };
	json_t *items = json_array();
	json_t *facets = NULL;
	unsigned long long generation = 0;
	bool computing = false;
	struct buf key;

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
		if (catalogue_cache_get(generation, key.data, &r->w->out, &computing)) {
			reply_raw(r, 200, "application/json; charset=utf-8", r->w->out.data, r->w->out.len);
			goto out;
		}
	}

	if (catalogue_facets(r->w, &f, &total, &facets) != 0)
		goto db_error;
	if ((page - 1) * per_page < total) {
		if (catalogue_rows(r->w, &f, lang, per_page, (page - 1) * per_page, &rows) != 0)
			goto db_error;
		for (size_t row = 0; row < rows.rows; row++)
			json_array_append_new(items, item_json(&rows, row, lang));
	}

	reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:I, s:o}", "items", items, "page",
	    (json_int_t)page, "per_page", (json_int_t)per_page, "total", (json_int_t)total,
	    "facets", facets));
	items = NULL;
	facets = NULL;
	/* reply_json leaves the encoded body in the worker's output buffer. */
	if (generation && r->status == 200)
		catalogue_cache_put(generation, key.data, r->w->out.data, r->w->out.len);
	goto out;

db_error:
	reply_db_error(r);
out:
	if (computing)
		catalogue_cache_computed(generation, key.data);
	json_decref(items);
	json_decref(facets);
	db_result_free(&rows);
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
	struct buf *out = &r->w->out;

	buf_init(&f.search.boolean);
	if (filters_parse_or_reply(r, &f) != 0)
		goto out;
	if (catalogue_rows(r->w, &f, "", 0, 0, &rows) != 0) {
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
	filters_free(&f);
}
