/*
 * microcredentials.c: the public catalogue of published micro-credentials.
 *
 * microcredential_load() builds the public JSON of one micro-credential. The same JSON is the
 * snapshot that a certificate stores at issue, so it carries everything a verifier needs (ESCO
 * labels, the EQF level's description, the promoting organisation, the issuer) and refers to no
 * row that could change later.
 *
 * The search turns free text into a MATCH ... AGAINST query in boolean mode. Only runs of letters
 * and digits become search words, so no user input can form a boolean operator. Words that the
 * InnoDB full-text index cannot contain because they are too short or too long are matched with
 * LIKE on title and summary instead, and stopwords are skipped.
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

/*
 * The InnoDB full-text token limits (innodb_ft_min_token_size and innodb_ft_max_token_size, 3 and
 * 84 by default in MariaDB 10.11). A word outside them is not in the index.
 */
#define FT_MIN_WORD_CHARS 3
#define FT_MAX_WORD_CHARS 84

/* NOTE: a query with more LIKE words than this ignores the rest, so it matches too much. */
#define MC_LIKE_WORDS_MAX 8

/* Columns of mc_select_sql, in order. */
enum mc_column {
	MC_ID, MC_TITLE, MC_SUMMARY, MC_LEARNING_OUTCOMES, MC_EQF_LEVEL, MC_WORKLOAD_HOURS,
	MC_ECTS_CREDITS, MC_ASSESSMENT_TYPE, MC_PARTICIPATION_FORM, MC_QUALITY_ASSURANCE, MC_LANGUAGE,
	MC_STATUS, MC_PUBLISHED_AT, MC_ORG_ID, MC_ORG_NAME, MC_ORG_SHORT_NAME, MC_ORG_COUNTRY,
	MC_ORG_TYPE, MC_EQF_URI, MC_EQF_SUMMARY,
};

static const char mc_select_sql[] =
    "SELECT m.id, m.title, m.summary, m.learning_outcomes, m.eqf_level, m.workload_hours,"
    " m.ects_credits, m.assessment_type, m.participation_form, m.quality_assurance, m.language,"
    " m.status, m.published_at, o.id, o.name, o.short_name, o.country, o.type, e.uri, e.summary"
    " FROM microcredentials AS m"
    " JOIN organisations AS o ON o.id = m.promoting_organisation_id"
    " LEFT JOIN eqf_levels AS e ON e.level = m.eqf_level"
    " WHERE m.id = ? AND (m.status = 'published' OR ? = 0)";

/* The labels of the ESCO skills that the learning outcomes of one micro-credential name. */
static const char mc_skills_sql[] =
    "SELECT DISTINCT s.uri, s.label FROM microcredentials AS m"
    " JOIN JSON_TABLE(m.learning_outcomes, '$[*].esco_skills[*]'"
    " COLUMNS (uri VARCHAR(255) PATH '$')) AS j"
    " JOIN esco_skills AS s ON s.uri = j.uri"
    " WHERE m.id = ?";

/* The ESCO occupations in stored order. A URI missing from esco_occupations gets a NULL label. */
static const char mc_occupations_sql[] =
    "SELECT j.uri, o.label, o.isco_code FROM microcredentials AS m"
    " JOIN JSON_TABLE(m.esco_occupations, '$[*]'"
    " COLUMNS (position FOR ORDINALITY, uri VARCHAR(255) PATH '$')) AS j"
    " LEFT JOIN esco_occupations AS o ON o.uri = j.uri"
    " WHERE m.id = ? ORDER BY j.position";

/* Sets obj[key] to the string s, or to null when s is NULL. */
static void json_set_text(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_string(s) : json_null());
}

static void json_set_int_or_null(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_integer(strtoll(s, NULL, 10)) : json_null());
}

static void json_set_real_or_null(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_real(strtod(s, NULL)) : json_null());
}

void json_set_time(json_t *obj, const char *at_key, const char *on_key, const char *db_time)
{
	time_t t;
	char iso[32];
	char day[16];

	if (!db_time || time_parse_db(db_time, &t) != 0) {
		json_object_set_new(obj, at_key, json_null());
		json_object_set_new(obj, on_key, json_null());
		return;
	}
	time_format_iso(t, iso);
	time_format_local_date(t, day);
	json_object_set_new(obj, at_key, json_string(iso));
	json_object_set_new(obj, on_key, json_string(day));
}

/* Returns the label of uri among the rows (uri, label) of skills, or NULL. */
static const char *skill_label(const struct db_result *skills, const char *uri)
{
	for (size_t row = 0; row < skills->rows; row++)
		if (strcmp(db_cell(skills, row, 0), uri) == 0)
			return db_cell(skills, row, 1);
	return NULL;
}

/*
 * Builds [{statement, esco_skills: [{uri, label}]}] from the stored learning outcomes. Entries of
 * the wrong shape are skipped, because the column's CHECK only ensures valid JSON.
 */
static json_t *learning_outcomes_json(const char *stored, const struct db_result *skills)
{
	json_t *outcomes = json_array();
	json_t *parsed = json_loads(stored ? stored : "[]", 0, NULL);
	size_t i;
	json_t *entry;

	json_array_foreach(parsed, i, entry) {
		const char *statement = json_string_value(json_object_get(entry, "statement"));
		if (!statement)
			continue;

		json_t *skill_list = json_array();
		size_t k;
		json_t *uri;
		json_array_foreach(json_object_get(entry, "esco_skills"), k, uri) {
			if (!json_is_string(uri))
				continue;
			json_t *skill = json_object();
			json_set_text(skill, "uri", json_string_value(uri));
			json_set_text(skill, "label", skill_label(skills, json_string_value(uri)));
			json_array_append_new(skill_list, skill);
		}
		json_array_append_new(outcomes,
		    json_pack("{s:s, s:o}", "statement", statement, "esco_skills", skill_list));
	}
	json_decref(parsed);
	return outcomes;
}

/* Returns [{uri, label, isco_code}], or NULL when the query failed. */
static json_t *occupations_json(struct worker *w, long long id)
{
	struct db_param params[] = { P_INT(id) };
	struct db_result res;

	if (db_query(w, mc_occupations_sql, params, 1, &res) != 0)
		return NULL;

	json_t *occupations = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *occupation = json_object();
		json_set_text(occupation, "uri", db_cell(&res, row, 0));
		json_set_text(occupation, "label", db_cell(&res, row, 1));
		json_set_text(occupation, "isco_code", db_cell(&res, row, 2));
		json_array_append_new(occupations, occupation);
	}
	db_result_free(&res);
	return occupations;
}

static json_t *eqf_json(const struct db_result *mc)
{
	const char *level = db_cell(mc, 0, MC_EQF_LEVEL);
	const char *uri = db_cell(mc, 0, MC_EQF_URI);

	if (!level || !uri)
		return json_null();
	return json_pack("{s:I, s:s, s:s?}", "level", (json_int_t)strtoll(level, NULL, 10), "uri", uri,
	    "summary", db_cell(mc, 0, MC_EQF_SUMMARY));
}

static json_t *promoting_organisation_json(const struct db_result *mc)
{
	json_t *org = json_object();

	json_object_set_new(org, "id", json_integer(db_cell_int(mc, 0, MC_ORG_ID)));
	json_set_text(org, "name", db_cell(mc, 0, MC_ORG_NAME));
	json_set_text(org, "short_name", db_cell(mc, 0, MC_ORG_SHORT_NAME));
	json_set_text(org, "country", db_cell(mc, 0, MC_ORG_COUNTRY));
	json_set_text(org, "type", db_cell(mc, 0, MC_ORG_TYPE));
	return org;
}

/* Builds the JSON from the row of mc_select_sql, the skill labels and the occupations (stolen). */
static json_t *microcredential_json(const struct db_result *mc, const struct db_result *skills,
    json_t *occupations)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "id", json_integer(db_cell_int(mc, 0, MC_ID)));
	json_set_text(obj, "title", db_cell(mc, 0, MC_TITLE));
	json_set_text(obj, "summary", db_cell(mc, 0, MC_SUMMARY));
	json_object_set_new(obj, "learning_outcomes",
	    learning_outcomes_json(db_cell(mc, 0, MC_LEARNING_OUTCOMES), skills));
	json_set_int_or_null(obj, "eqf_level", db_cell(mc, 0, MC_EQF_LEVEL));
	json_object_set_new(obj, "eqf", eqf_json(mc));
	json_object_set_new(obj, "workload_hours", json_integer(db_cell_int(mc, 0, MC_WORKLOAD_HOURS)));
	json_set_real_or_null(obj, "ects_credits", db_cell(mc, 0, MC_ECTS_CREDITS));
	json_set_text(obj, "assessment_type", db_cell(mc, 0, MC_ASSESSMENT_TYPE));
	json_set_text(obj, "participation_form", db_cell(mc, 0, MC_PARTICIPATION_FORM));
	json_set_text(obj, "quality_assurance", db_cell(mc, 0, MC_QUALITY_ASSURANCE));
	json_set_text(obj, "language", db_cell(mc, 0, MC_LANGUAGE));
	json_object_set_new(obj, "esco_occupations", occupations);
	json_object_set_new(obj, "promoting_organisation", promoting_organisation_json(mc));
	json_object_set_new(obj, "issuer", json_pack("{s:s}", "name", MIC_ISSUER_NAME));
	json_set_text(obj, "status", db_cell(mc, 0, MC_STATUS));
	json_set_time(obj, "published_at", "published_on", db_cell(mc, 0, MC_PUBLISHED_AT));
	return obj;
}

json_t *microcredential_load(struct worker *w, long long id, bool published_only, long long *org_id,
    bool *db_failed)
{
	struct db_param params[] = { P_INT(id), P_INT(published_only ? 1 : 0) };
	struct db_result mc = { 0 };
	struct db_result skills = { 0 };
	json_t *occupations = NULL;
	json_t *obj = NULL;

	*db_failed = false;
	if (db_query(w, mc_select_sql, params, 2, &mc) != 0)
		goto failed;
	if (mc.rows == 0)
		goto out;
	if (db_query(w, mc_skills_sql, params, 1, &skills) != 0)
		goto failed;
	occupations = occupations_json(w, id);
	if (!occupations)
		goto failed;

	obj = microcredential_json(&mc, &skills, occupations);
	if (org_id)
		*org_id = db_cell_int(&mc, 0, MC_ORG_ID);
	goto out;

failed:
	*db_failed = true;
out:
	db_result_free(&mc);
	db_result_free(&skills);
	return obj;
}

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

/* ---- Listing ---- */

static const char list_columns_sql[] =
    "SELECT m.id, m.title, m.summary, m.eqf_level, m.workload_hours, m.ects_credits, m.language,"
    " m.participation_form, o.id, o.name, o.country"
    " FROM microcredentials AS m JOIN organisations AS o ON o.id = m.promoting_organisation_id"
    " WHERE m.status = 'published'";
static const char list_count_sql[] =
    "SELECT COUNT(*) FROM microcredentials AS m WHERE m.status = 'published'";
static const char list_match_sql[] =
    " AND MATCH(m.title, m.summary, m.learning_outcomes) AGAINST (? IN BOOLEAN MODE)";
static const char list_like_sql[] = " AND (m.title LIKE ? OR m.summary LIKE ?)";
static const char list_order_relevance_sql[] =
    " ORDER BY MATCH(m.title, m.summary, m.learning_outcomes) AGAINST (? IN BOOLEAN MODE) DESC,"
    " m.title, m.id LIMIT ? OFFSET ?";
static const char list_order_title_sql[] = " ORDER BY m.title, m.id LIMIT ? OFFSET ?";

#define LIST_PARAMS_MAX (1 + 2 * MC_LIKE_WORDS_MAX + 3)

/* Appends the search conditions to sql and their values to params. */
static void list_where(const struct search *s, struct buf *sql, struct db_param *params, size_t *n)
{
	if (s->boolean.len) {
		buf_puts(sql, list_match_sql);
		params[(*n)++] = P_TEXTN(s->boolean.data, s->boolean.len);
	}
	for (size_t i = 0; i < s->like_count; i++) {
		buf_puts(sql, list_like_sql);
		params[(*n)++] = P_TEXT(s->like[i]);
		params[(*n)++] = P_TEXT(s->like[i]);
	}
}

static int list_count(struct worker *w, const struct search *s, long long *total)
{
	struct buf sql;
	struct db_param params[LIST_PARAMS_MAX];
	size_t n = 0;
	struct db_result res;
	int rc;

	buf_init(&sql);
	buf_puts(&sql, list_count_sql);
	list_where(s, &sql, params, &n);
	rc = db_query(w, sql.data, params, n, &res);
	buf_free(&sql);
	if (rc != 0)
		return -1;
	*total = db_cell_int(&res, 0, 0);
	db_result_free(&res);
	return 0;
}

static json_t *list_item_json(const struct db_result *res, size_t row)
{
	json_t *item = json_object();

	json_object_set_new(item, "id", json_integer(db_cell_int(res, row, 0)));
	json_set_text(item, "title", db_cell(res, row, 1));
	json_set_text(item, "summary", db_cell(res, row, 2));
	json_set_int_or_null(item, "eqf_level", db_cell(res, row, 3));
	json_object_set_new(item, "workload_hours", json_integer(db_cell_int(res, row, 4)));
	json_set_real_or_null(item, "ects_credits", db_cell(res, row, 5));
	json_set_text(item, "language", db_cell(res, row, 6));
	json_set_text(item, "participation_form", db_cell(res, row, 7));
	json_object_set_new(item, "promoting_organisation",
	    json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_cell_int(res, row, 8), "name",
		db_cell(res, row, 9), "country", db_cell(res, row, 10)));
	return item;
}

/* Returns the items of one page, or NULL when the query failed. */
static json_t *list_page(struct worker *w, const struct search *s, long long page,
    long long per_page)
{
	struct buf sql;
	struct db_param params[LIST_PARAMS_MAX];
	size_t n = 0;
	struct db_result res;
	int rc;

	buf_init(&sql);
	buf_puts(&sql, list_columns_sql);
	list_where(s, &sql, params, &n);
	if (s->boolean.len) {
		buf_puts(&sql, list_order_relevance_sql);
		params[n++] = P_TEXTN(s->boolean.data, s->boolean.len);
	} else {
		buf_puts(&sql, list_order_title_sql);
	}
	params[n++] = P_INT(per_page);
	params[n++] = P_INT((page - 1) * per_page);
	rc = db_query(w, sql.data, params, n, &res);
	buf_free(&sql);
	if (rc != 0)
		return NULL;

	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++)
		json_array_append_new(items, list_item_json(&res, row));
	db_result_free(&res);
	return items;
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

void handle_microcredentials_list(struct req *r)
{
	struct search s = { 0 };
	long long page, per_page, total = 0;
	json_t *items = NULL;

	buf_init(&s.boolean);
	if (query_long_or_reply(r, "page", 1, MC_PAGE_MAX, 1, &page) != 0 ||
	    query_long_or_reply(r, "per_page", 1, MC_PER_PAGE_MAX, MC_PER_PAGE_DEFAULT, &per_page) != 0 ||
	    search_from_query_or_reply(r, &s) != 0)
		goto out;

	if (list_count(r->w, &s, &total) != 0) {
		reply_db_error(r);
		goto out;
	}
	if ((page - 1) * per_page < total) {
		items = list_page(r->w, &s, page, per_page);
		if (!items) {
			reply_db_error(r);
			goto out;
		}
	} else {
		items = json_array();
	}
	reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)page,
	    "per_page", (json_int_t)per_page, "total", (json_int_t)total));

out:
	search_free(&s);
}

/* Parses a path id; returns 0 for anything but a positive decimal integer without leading zeros. */
static long long path_id(const char *s)
{
	long long id;

	if (!s || s[0] < '1' || s[0] > '9' || parse_long(s, 1, INT64_MAX, &id) != 0)
		return 0;
	return id;
}

void handle_microcredential_get(struct req *r)
{
	long long id = path_id(r->params[0]);
	bool db_failed = false;
	json_t *mc = id ? microcredential_load(r->w, id, true, NULL, &db_failed) : NULL;

	if (db_failed) {
		reply_db_error(r);
		return;
	}
	if (!mc) {
		reply_error(r, 404, "not_found", NULL, "no published micro-credential has the id %s",
		    id ? r->params[0] : "given in the path");
		return;
	}
	reply_json(r, 200, mc);
}
