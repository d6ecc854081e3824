/*
 * microcredentials.c: the public catalogue of published micro-credentials.
 *
 * microcredential_version_load() builds the JSON of one version of a micro-credential. The public
 * JSON of the published version is also the snapshot that a certificate stores at issue, so it
 * carries everything a verifier needs (ESCO labels, the EQF level's description, the promoting
 * organisation, the issuer) and refers to no row that could change later.
 *
 * Title, summary and learning outcomes come in the reader's language when a translation exists,
 * else in English when one exists, else in the language they were written in.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

/* Columns of version_select_sql, in order. */
enum version_column {
	V_ID, V_MC_ID, V_NUMBER, V_STATUS, V_TITLE, V_SUMMARY, V_OUTCOMES, V_EQF_LEVEL, V_HOURS,
	V_ECTS, V_ASSESSMENT, V_PARTICIPATION, V_QUALITY_ASSURANCE, V_LANGUAGE, V_DELIVERY_LANGUAGES,
	V_PREREQUISITES, V_SUPERVISION, V_STACKABILITY, V_STACKABLE_TOWARDS, V_VALIDITY_MONTHS,
	V_TRAINING_TITLE, V_TRAINING_URL, V_CREATED_AT, V_UPDATED_AT, V_SUBMITTED_AT, V_APPROVED_AT,
	V_PUBLISHED_AT, V_RETIRED_AT, V_ORG_ID, V_ORG_NAME, V_ORG_SHORT_NAME, V_ORG_COUNTRY,
	V_ORG_TYPE, V_EQF_URI, V_EQF_SUMMARY, V_REQUESTED_TITLE, V_REQUESTED_SUMMARY,
	V_REQUESTED_OUTCOMES, V_ENGLISH_TITLE, V_ENGLISH_SUMMARY, V_ENGLISH_OUTCOMES, V_TRANSLATIONS,
};

/*
 * One version with its organisation, EQF level and the translations into the requested language
 * (first parameter) and into English. The caller appends the WHERE condition.
 */
static const char version_select_sql[] =
    "SELECT v.id, v.microcredential_id, v.version, v.status, v.title, v.summary,"
    " v.learning_outcomes, v.eqf_level, v.workload_hours, v.ects_credits, v.assessment_type,"
    " v.participation_form, v.quality_assurance, v.language, v.delivery_languages,"
    " v.prerequisites, v.supervision, v.stackability, v.stackable_towards, v.validity_months,"
    " v.related_training_title, v.related_training_url, v.created_at, v.updated_at,"
    " v.submitted_at, v.approved_at, v.published_at, v.retired_at,"
    " o.id, o.name, o.short_name, o.country, o.type, e.uri, e.summary,"
    " t1.title, t1.summary, t1.learning_outcomes, t2.title, t2.summary, t2.learning_outcomes,"
    " (SELECT GROUP_CONCAT(t.language ORDER BY t.language) FROM microcredential_translations AS t"
    "  WHERE t.version_id = v.id)"
    " FROM microcredential_versions AS v"
    " JOIN microcredentials AS m ON m.id = v.microcredential_id"
    " JOIN organisations AS o ON o.id = m.promoting_organisation_id"
    " LEFT JOIN eqf_levels AS e ON e.level = v.eqf_level"
    " LEFT JOIN microcredential_translations AS t1 ON t1.version_id = v.id AND t1.language = ?"
    " LEFT JOIN microcredential_translations AS t2 ON t2.version_id = v.id AND t2.language = 'en'"
    " WHERE v.microcredential_id = ?";
static const char where_published_sql[] = " AND v.status = 'published'";
static const char where_latest_sql[] = " ORDER BY v.version DESC LIMIT 1";
static const char where_number_sql[] = " AND v.version = ?";

/* The labels of the ESCO skills that the learning outcomes of one version name. */
static const char version_skills_sql[] =
    "SELECT DISTINCT s.uri, s.label FROM microcredential_versions AS v"
    " JOIN JSON_TABLE(v.learning_outcomes, '$[*].esco_skills[*]'"
    " COLUMNS (uri VARCHAR(255) PATH '$')) AS j"
    " JOIN esco_skills AS s ON s.uri = j.uri"
    " WHERE v.id = ?";

/* The ESCO occupations in stored order. A URI missing from esco_occupations gets a NULL label. */
static const char version_occupations_sql[] =
    "SELECT j.uri, o.label, o.isco_code FROM microcredential_versions AS v"
    " JOIN JSON_TABLE(v.esco_occupations, '$[*]'"
    " COLUMNS (position FOR ORDINALITY, uri VARCHAR(255) PATH '$')) AS j"
    " LEFT JOIN esco_occupations AS o ON o.uri = j.uri"
    " WHERE v.id = ? ORDER BY j.position";

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

enum mc_text_source mc_text_source_pick(const char *base_language, const char *requested,
    bool has_requested, bool has_english)
{
	if (!requested || strcmp(base_language, requested) == 0)
		return MC_TEXT_BASE;
	if (has_requested)
		return MC_TEXT_REQUESTED;
	if (strcmp(base_language, "en") == 0 || !has_english)
		return MC_TEXT_BASE;
	return MC_TEXT_ENGLISH;
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
 * Builds [{statement, esco_skills: [{uri, label}]}] from the stored learning outcomes. A
 * translation (a JSON array of statements, may be NULL) replaces the statement of the outcome at
 * the same position. Entries of the wrong shape are skipped, because the columns' CHECK only
 * ensures valid JSON.
 */
static json_t *learning_outcomes_json(const char *stored, const char *translated,
    const struct db_result *skills)
{
	json_t *outcomes = json_array();
	json_t *parsed = json_loads(stored ? stored : "[]", 0, NULL);
	json_t *statements = translated ? json_loads(translated, 0, NULL) : NULL;
	size_t i;
	json_t *entry;

	json_array_foreach(parsed, i, entry) {
		const char *statement = json_string_value(json_array_get(statements, i));
		if (!statement)
			statement = json_string_value(json_object_get(entry, "statement"));
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
	json_decref(statements);
	return outcomes;
}

/* Returns [{uri, label, isco_code}], or NULL when the query failed. */
static json_t *occupations_json(struct worker *w, long long version_id)
{
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;

	if (db_query(w, version_occupations_sql, params, 1, &res) != 0)
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

static json_t *eqf_json(const struct db_result *v)
{
	const char *level = db_cell(v, 0, V_EQF_LEVEL);
	const char *uri = db_cell(v, 0, V_EQF_URI);

	if (!level || !uri)
		return json_null();
	return json_pack("{s:I, s:s, s:s?}", "level", (json_int_t)strtoll(level, NULL, 10), "uri", uri,
	    "summary", db_cell(v, 0, V_EQF_SUMMARY));
}

static json_t *promoting_organisation_json(const struct db_result *v)
{
	json_t *org = json_object();

	json_object_set_new(org, "id", json_integer(db_cell_int(v, 0, V_ORG_ID)));
	json_set_text(org, "name", db_cell(v, 0, V_ORG_NAME));
	json_set_text(org, "short_name", db_cell(v, 0, V_ORG_SHORT_NAME));
	json_set_text(org, "country", db_cell(v, 0, V_ORG_COUNTRY));
	json_set_text(org, "type", db_cell(v, 0, V_ORG_TYPE));
	return org;
}

/* Returns the JSON array stored in a column, or an empty array when it is not one. */
static json_t *json_array_column(const char *stored)
{
	json_t *parsed = stored ? json_loads(stored, 0, NULL) : NULL;

	if (json_is_array(parsed))
		return parsed;
	json_decref(parsed);
	return json_array();
}

/* Returns ["de", "es"] from the GROUP_CONCAT "de,es", or [] for NULL. */
static json_t *language_list_json(const char *joined)
{
	json_t *list = json_array();

	for (const char *p = joined; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		json_array_append_new(list, json_stringn(p, len));
		p = comma ? comma + 1 : NULL;
	}
	return list;
}

static json_t *related_training_json(const struct db_result *v)
{
	const char *title = db_cell(v, 0, V_TRAINING_TITLE);
	const char *url = db_cell(v, 0, V_TRAINING_URL);

	if (!title && !url)
		return json_null();
	return json_pack("{s:s?, s:s?}", "title", title, "url", url);
}

/* Sets title, summary, learning_outcomes and language from the text source chosen for lang. */
static void version_text_json(json_t *obj, const struct db_result *v, const char *lang,
    const struct db_result *skills)
{
	enum mc_text_source source = mc_text_source_pick(db_cell(v, 0, V_LANGUAGE), lang,
	    db_cell(v, 0, V_REQUESTED_TITLE) != NULL, db_cell(v, 0, V_ENGLISH_TITLE) != NULL);
	int title = V_TITLE, summary = V_SUMMARY, outcomes = -1;
	const char *language = db_cell(v, 0, V_LANGUAGE);

	if (source == MC_TEXT_REQUESTED) {
		title = V_REQUESTED_TITLE;
		summary = V_REQUESTED_SUMMARY;
		outcomes = V_REQUESTED_OUTCOMES;
		language = lang;
	} else if (source == MC_TEXT_ENGLISH) {
		title = V_ENGLISH_TITLE;
		summary = V_ENGLISH_SUMMARY;
		outcomes = V_ENGLISH_OUTCOMES;
		language = "en";
	}
	json_set_text(obj, "title", db_cell(v, 0, title));
	json_set_text(obj, "summary", db_cell(v, 0, summary));
	json_object_set_new(obj, "learning_outcomes", learning_outcomes_json(
	    db_cell(v, 0, V_OUTCOMES), outcomes >= 0 ? db_cell(v, 0, outcomes) : NULL, skills));
	json_set_text(obj, "language", language);
	json_set_text(obj, "original_language", db_cell(v, 0, V_LANGUAGE));
}

/* Builds the JSON from the row of version_select_sql, the skill labels and the occupations (stolen). */
static json_t *version_json(const struct db_result *v, const char *lang,
    const struct db_result *skills, json_t *occupations)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "id", json_integer(db_cell_int(v, 0, V_MC_ID)));
	json_object_set_new(obj, "version", json_integer(db_cell_int(v, 0, V_NUMBER)));
	version_text_json(obj, v, lang, skills);
	json_object_set_new(obj, "available_languages",
	    language_list_json(db_cell(v, 0, V_TRANSLATIONS)));
	json_set_int_or_null(obj, "eqf_level", db_cell(v, 0, V_EQF_LEVEL));
	json_object_set_new(obj, "eqf", eqf_json(v));
	json_set_int_or_null(obj, "workload_hours", db_cell(v, 0, V_HOURS));
	json_set_real_or_null(obj, "ects_credits", db_cell(v, 0, V_ECTS));
	json_set_text(obj, "assessment_type", db_cell(v, 0, V_ASSESSMENT));
	json_set_text(obj, "participation_form", db_cell(v, 0, V_PARTICIPATION));
	json_set_text(obj, "quality_assurance", db_cell(v, 0, V_QUALITY_ASSURANCE));
	json_object_set_new(obj, "delivery_languages",
	    json_array_column(db_cell(v, 0, V_DELIVERY_LANGUAGES)));
	json_set_text(obj, "prerequisites", db_cell(v, 0, V_PREREQUISITES));
	json_set_text(obj, "supervision", db_cell(v, 0, V_SUPERVISION));
	json_set_text(obj, "stackability", db_cell(v, 0, V_STACKABILITY));
	json_set_text(obj, "stackable_towards", db_cell(v, 0, V_STACKABLE_TOWARDS));
	json_set_int_or_null(obj, "validity_months", db_cell(v, 0, V_VALIDITY_MONTHS));
	json_object_set_new(obj, "related_training", related_training_json(v));
	json_object_set_new(obj, "esco_occupations", occupations);
	json_object_set_new(obj, "promoting_organisation", promoting_organisation_json(v));
	json_object_set_new(obj, "issuer", json_pack("{s:s}", "name", MIC_ISSUER_NAME));
	json_set_text(obj, "status", db_cell(v, 0, V_STATUS));
	json_set_time(obj, "published_at", "published_on", db_cell(v, 0, V_PUBLISHED_AT));
	return obj;
}

/* Adds the lifecycle times that the management views show. */
static void version_times_json(json_t *obj, const struct db_result *v)
{
	json_set_time(obj, "created_at", "created_on", db_cell(v, 0, V_CREATED_AT));
	json_set_time(obj, "updated_at", "updated_on", db_cell(v, 0, V_UPDATED_AT));
	json_set_time(obj, "submitted_at", "submitted_on", db_cell(v, 0, V_SUBMITTED_AT));
	json_set_time(obj, "approved_at", "approved_on", db_cell(v, 0, V_APPROVED_AT));
	json_set_time(obj, "retired_at", "retired_on", db_cell(v, 0, V_RETIRED_AT));
}

static int version_row_query(struct worker *w, long long id, enum mc_version_pick pick,
    long long number, const char *lang, struct db_result *out)
{
	struct buf sql;
	struct db_param params[] = { P_TEXT(lang ? lang : ""), P_INT(id), P_INT(number) };
	size_t nparams = 2;
	int rc;

	buf_init(&sql);
	buf_puts(&sql, version_select_sql);
	if (pick == MC_VERSION_PUBLISHED) {
		buf_puts(&sql, where_published_sql);
	} else if (pick == MC_VERSION_LATEST) {
		buf_puts(&sql, where_latest_sql);
	} else {
		buf_puts(&sql, where_number_sql);
		nparams = 3;
	}
	rc = db_query(w, sql.data, params, nparams, out);
	buf_free(&sql);
	return rc;
}

static void version_info_fill(const struct db_result *v, struct mc_version_info *info)
{
	info->microcredential_id = db_cell_int(v, 0, V_MC_ID);
	info->version_id = db_cell_int(v, 0, V_ID);
	info->version = db_cell_int(v, 0, V_NUMBER);
	info->organisation_id = db_cell_int(v, 0, V_ORG_ID);
	info->validity_months = db_cell_int(v, 0, V_VALIDITY_MONTHS);
	snprintf(info->status, sizeof info->status, "%s", db_cell(v, 0, V_STATUS));
}

json_t *microcredential_version_load(struct worker *w, long long id, enum mc_version_pick pick,
    long long number, const char *lang, bool with_times, struct mc_version_info *info,
    bool *db_failed)
{
	struct db_result v = { 0 };
	struct db_result skills = { 0 };
	json_t *occupations = NULL;
	json_t *obj = NULL;

	*db_failed = false;
	if (version_row_query(w, id, pick, number, lang, &v) != 0)
		goto failed;
	if (v.rows == 0)
		goto out;

	struct db_param version_param[] = { P_INT(db_cell_int(&v, 0, V_ID)) };
	if (db_query(w, version_skills_sql, version_param, 1, &skills) != 0)
		goto failed;
	occupations = occupations_json(w, db_cell_int(&v, 0, V_ID));
	if (!occupations)
		goto failed;

	obj = version_json(&v, lang, &skills, occupations);
	if (with_times)
		version_times_json(obj, &v);
	if (info)
		version_info_fill(&v, info);
	goto out;

failed:
	*db_failed = true;
out:
	db_result_free(&v);
	db_result_free(&skills);
	return obj;
}

json_t *microcredential_load(struct worker *w, long long id, bool published_only, long long *org_id,
    bool *db_failed)
{
	struct mc_version_info info = { 0 };
	json_t *obj = microcredential_version_load(w, id,
	    published_only ? MC_VERSION_PUBLISHED : MC_VERSION_LATEST, 0, NULL, false, &info, db_failed);

	if (obj && org_id)
		*org_id = info.organisation_id;
	return obj;
}

/* ---- Request helpers ---- */

long long path_id(const char *s)
{
	long long id;

	if (!s || s[0] < '1' || s[0] > '9' || parse_long(s, 1, INT64_MAX, &id) != 0)
		return 0;
	return id;
}

/* Tells whether s is two lower-case ASCII letters, the form of an ISO 639-1 code. */
bool language_code_valid(const char *s)
{
	return s && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' && s[2] == '\0';
}

int request_language_or_reply(struct req *r, char out[3])
{
	char *lang = req_query(r, "lang");
	const char *accept = req_header(r, "HTTP_ACCEPT_LANGUAGE");

	snprintf(out, 3, "en");
	if (lang) {
		bool valid = language_code_valid(lang);
		if (valid)
			snprintf(out, 3, "%s", lang);
		free(lang);
		if (!valid) {
			reply_error(r, 400, "invalid_field", "lang",
			    "lang must be an ISO 639-1 language code in lower case, such as en or de");
			return -1;
		}
		return 0;
	}
	/* The first entry of Accept-Language decides; "de-AT;q=0.9" counts as "de". */
	if (accept && isalpha((unsigned char)accept[0]) && isalpha((unsigned char)accept[1]) &&
	    !isalpha((unsigned char)accept[2])) {
		out[0] = (char)tolower((unsigned char)accept[0]);
		out[1] = (char)tolower((unsigned char)accept[1]);
		out[2] = '\0';
	}
	return 0;
}

void handle_microcredential_get(struct req *r)
{
	long long id = path_id(r->params[0]);
	bool db_failed = false;
	char lang[3];
	json_t *mc;

	if (request_language_or_reply(r, lang) != 0)
		return;
	mc = id ? microcredential_version_load(r->w, id, MC_VERSION_PUBLISHED, 0, lang, false, NULL,
	    &db_failed) : NULL;
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
