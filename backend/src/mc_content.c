/*
 * mc_content.c: the content of a micro-credential version as editors send it, checked field by
 * field and stored in microcredential_versions and microcredential_translations.
 *
 * A draft may lack any element; mc_content_missing() lists the mandatory elements of the EU
 * approach that a version still lacks, and submission is rejected while that list is not empty.
 * Everything that is present is checked on every save, so a stored draft never holds a value of
 * the wrong type or an ESCO URI that the reference data does not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define TITLE_MAX 255
#define SUMMARY_MAX 5000
#define STATEMENT_MAX 1000
#define OUTCOMES_MAX 30
#define ESCO_LINKS_MAX 30
#define LANGUAGES_MAX 24
#define TRANSLATIONS_MAX 24
#define ASSESSMENT_MAX 255
#define QUALITY_ASSURANCE_MAX 500
#define PREREQUISITES_MAX 2000
#define STACKABLE_TOWARDS_MAX 255
#define TRAINING_TITLE_MAX 255
#define TRAINING_URL_MAX 512
#define HOURS_MAX 10000
#define VALIDITY_MONTHS_MAX 600
#define ECTS_MAX 999.9

/* Replies 400 invalid_field for field (a path such as "learning_outcomes[2].statement"). */
#define reply_invalid(r, field, ...) reply_error((r), 400, "invalid_field", (field), __VA_ARGS__)

/* Reads an optional text field; stores the trimmed copy (NULL when absent or empty) in out. */
static int content_text_or_reply(struct req *r, json_t *obj, const char *key, const char *field,
    size_t max_chars, bool one_line, json_t *out, const char *out_key)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		json_object_set_new(out, out_key, json_null());
		return 0;
	}
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
		reply_invalid(r, field, "%s must be a string without NUL characters", field);
		return -1;
	}
	char *text = text_trim(json_string_value(v));
	int rc = -1;
	if (!utf8_valid(text, strlen(text)) || text_has_control(text, !one_line)) {
		reply_invalid(r, field, "%s must be %s without control characters", field,
		    one_line ? "one line of text" : "text");
	} else if (utf8_length(text) > max_chars) {
		reply_invalid(r, field, "%s has %zu characters; the maximum is %zu", field,
		    utf8_length(text), max_chars);
	} else {
		json_object_set_new(out, out_key, text[0] ? json_string(text) : json_null());
		rc = 0;
	}
	free(text);
	return rc;
}

static int enum_field_or_reply(struct req *r, json_t *body, const char *field,
    const char *const *allowed, const char *hint, json_t *out)
{
	json_t *v = json_object_get(body, field);

	if (!v || json_is_null(v)) {
		json_object_set_new(out, field, json_null());
		return 0;
	}
	for (size_t i = 0; allowed[i] && json_is_string(v); i++) {
		if (strcmp(json_string_value(v), allowed[i]) == 0) {
			json_object_set_new(out, field, json_string(allowed[i]));
			return 0;
		}
	}
	reply_invalid(r, field, "%s must be one of %s, or null", field, hint);
	return -1;
}

static int int_field_or_reply(struct req *r, json_t *body, const char *field, long long min,
    long long max, json_t *out)
{
	long long value;
	bool present;

	if (json_int_or_reply(r, body, field, false, min, max, &value, &present) != 0)
		return -1;
	json_object_set_new(out, field, present ? json_integer(value) : json_null());
	return 0;
}

static int ects_or_reply(struct req *r, json_t *body, json_t *out)
{
	json_t *v = json_object_get(body, "ects_credits");

	if (!v || json_is_null(v)) {
		json_object_set_new(out, "ects_credits", json_null());
		return 0;
	}
	double credits = json_number_value(v);
	double tenths = credits * 10.0;
	if (!json_is_number(v) || credits <= 0 || credits > ECTS_MAX ||
	    tenths - (double)(long long)(tenths + 0.5) > 1e-9 ||
	    (double)(long long)(tenths + 0.5) - tenths > 1e-9) {
		reply_invalid(r, "ects_credits",
		    "ects_credits must be a number of credits from 0.1 to 999.9 in steps of 0.1, or null");
		return -1;
	}
	json_object_set_new(out, "ects_credits", json_real((double)(long long)(tenths + 0.5) / 10.0));
	return 0;
}

/* Reads a list of language codes without duplicates. */
static int languages_or_reply(struct req *r, json_t *body, json_t *out)
{
	json_t *v = json_object_get(body, "delivery_languages");
	json_t *list = json_array();
	size_t i;
	json_t *code;

	if (v && !json_is_null(v) && (!json_is_array(v) || json_array_size(v) > LANGUAGES_MAX)) {
		reply_invalid(r, "delivery_languages",
		    "delivery_languages must be a list of at most %d ISO 639-1 codes such as [\"en\", \"es\"]",
		    LANGUAGES_MAX);
		goto failed;
	}
	json_array_foreach(v, i, code) {
		char field[48];
		snprintf(field, sizeof field, "delivery_languages[%zu]", i);
		if (!language_code_valid(json_string_value(code))) {
			reply_invalid(r, field, "%s must be an ISO 639-1 code in lower case, such as de", field);
			goto failed;
		}
		for (size_t k = 0; k < i; k++) {
			if (json_equal(json_array_get(v, k), code)) {
				reply_invalid(r, field, "%s repeats the language %s", field, json_string_value(code));
				goto failed;
			}
		}
		json_array_append(list, code);
	}
	json_object_set_new(out, "delivery_languages", list);
	return 0;

failed:
	json_decref(list);
	return -1;
}

/*
 * Reads a list of ESCO URIs from obj[key] into a new array. Replies 400 naming field_prefix[i]
 * when an entry is not a string of the expected prefix.
 */
static json_t *uri_list_or_reply(struct req *r, json_t *v, const char *field_prefix,
    const char *uri_prefix)
{
	json_t *list = json_array();
	size_t i;
	json_t *uri;

	if (v && !json_is_null(v) && (!json_is_array(v) || json_array_size(v) > ESCO_LINKS_MAX)) {
		reply_invalid(r, field_prefix, "%s must be a list of at most %d ESCO URIs", field_prefix,
		    ESCO_LINKS_MAX);
		json_decref(list);
		return NULL;
	}
	json_array_foreach(v, i, uri) {
		const char *s = json_string_value(uri);
		if (!s || strncmp(s, uri_prefix, strlen(uri_prefix)) != 0 || strlen(s) > 255) {
			char field[96];
			snprintf(field, sizeof field, "%s[%zu]", field_prefix, i);
			reply_invalid(r, field, "%s must be a URI starting with %s", field, uri_prefix);
			json_decref(list);
			return NULL;
		}
		json_array_append(list, uri);
	}
	return list;
}

static int outcomes_or_reply(struct req *r, json_t *body, json_t *out)
{
	json_t *v = json_object_get(body, "learning_outcomes");
	json_t *list = json_array();
	size_t i;
	json_t *entry;

	if (v && !json_is_null(v) && (!json_is_array(v) || json_array_size(v) > OUTCOMES_MAX)) {
		reply_invalid(r, "learning_outcomes",
		    "learning_outcomes must be a list of at most %d {statement, esco_skills} objects",
		    OUTCOMES_MAX);
		goto failed;
	}
	json_array_foreach(v, i, entry) {
		char field[64], skills_field[64];
		json_t *outcome = json_object();

		snprintf(field, sizeof field, "learning_outcomes[%zu].statement", i);
		snprintf(skills_field, sizeof skills_field, "learning_outcomes[%zu].esco_skills", i);
		json_array_append_new(list, outcome);
		if (!json_is_object(entry)) {
			reply_invalid(r, field, "learning_outcomes[%zu] must be an object with a statement", i);
			goto failed;
		}
		if (content_text_or_reply(r, entry, "statement", field, STATEMENT_MAX, false, outcome,
		    "statement") != 0)
			goto failed;
		if (json_is_null(json_object_get(outcome, "statement"))) {
			reply_invalid(r, field, "%s must not be empty", field);
			goto failed;
		}
		json_t *skills = uri_list_or_reply(r, json_object_get(entry, "esco_skills"), skills_field,
		    "http://data.europa.eu/esco/skill/");
		if (!skills)
			goto failed;
		json_object_set_new(outcome, "esco_skills", skills);
	}
	json_object_set_new(out, "learning_outcomes", list);
	return 0;

failed:
	json_decref(list);
	return -1;
}

static int related_training_or_reply(struct req *r, json_t *body, json_t *out)
{
	json_t *v = json_object_get(body, "related_training");

	json_object_set_new(out, "related_training_title", json_null());
	json_object_set_new(out, "related_training_url", json_null());
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v)) {
		reply_invalid(r, "related_training", "related_training must be {title, url} or null");
		return -1;
	}
	if (content_text_or_reply(r, v, "title", "related_training.title", TRAINING_TITLE_MAX, true, out,
	    "related_training_title") != 0 ||
	    content_text_or_reply(r, v, "url", "related_training.url", TRAINING_URL_MAX, true, out,
	    "related_training_url") != 0)
		return -1;
	const char *url = json_string_value(json_object_get(out, "related_training_url"));
	if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) ||
	    strchr(url, ' ')) {
		reply_invalid(r, "related_training.url",
		    "related_training.url must be an http or https address such as https://example.org/course");
		return -1;
	}
	if (!json_string_value(json_object_get(out, "related_training_title"))) {
		reply_invalid(r, "related_training.title", "related_training.title must not be empty");
		return -1;
	}
	return 0;
}

static int stackability_or_reply(struct req *r, json_t *body, json_t *out)
{
	static const char *const values[] = { "stand_alone", "stackable", NULL };

	if (enum_field_or_reply(r, body, "stackability", values, "stand_alone, stackable", out) != 0 ||
	    content_text_or_reply(r, body, "stackable_towards", "stackable_towards",
	    STACKABLE_TOWARDS_MAX, true, out, "stackable_towards") != 0)
		return -1;
	const char *stackability = json_string_value(json_object_get(out, "stackability"));
	bool towards = json_string_value(json_object_get(out, "stackable_towards")) != NULL;
	if (towards && (!stackability || strcmp(stackability, "stackable") != 0)) {
		reply_invalid(r, "stackable_towards",
		    "stackable_towards names the larger credential only when stackability is stackable");
		return -1;
	}
	if (stackability && strcmp(stackability, "stackable") == 0 && !towards) {
		reply_invalid(r, "stackable_towards",
		    "stackable_towards must name the larger credential that this one stacks towards");
		return -1;
	}
	return 0;
}

static int translation_or_reply(struct req *r, json_t *entry, size_t i, const char *base_language,
    json_t *out)
{
	char field[64];
	json_t *translation = json_object();

	json_array_append_new(out, translation);
	snprintf(field, sizeof field, "translations[%zu].language", i);
	const char *language = json_string_value(json_object_get(entry, "language"));
	if (!json_is_object(entry) || !language_code_valid(language)) {
		reply_invalid(r, field, "%s must be an ISO 639-1 code in lower case", field);
		return -1;
	}
	if (strcmp(language, base_language) == 0) {
		reply_invalid(r, field, "%s is the language of the original text; translate into another",
		    field);
		return -1;
	}
	size_t k;
	json_t *earlier;
	json_array_foreach(out, k, earlier) {
		if (earlier != translation &&
		    json_equal(json_object_get(earlier, "language"), json_object_get(entry, "language"))) {
			reply_invalid(r, field, "%s repeats the language %s", field, language);
			return -1;
		}
	}
	json_object_set_new(translation, "language", json_string(language));

	char title_field[64], summary_field[64], outcomes_field[64];
	snprintf(title_field, sizeof title_field, "translations[%zu].title", i);
	snprintf(summary_field, sizeof summary_field, "translations[%zu].summary", i);
	snprintf(outcomes_field, sizeof outcomes_field, "translations[%zu].learning_outcomes", i);
	if (content_text_or_reply(r, entry, "title", title_field, TITLE_MAX, true, translation, "title") != 0 ||
	    content_text_or_reply(r, entry, "summary", summary_field, SUMMARY_MAX, false, translation,
	    "summary") != 0)
		return -1;
	if (!json_string_value(json_object_get(translation, "title")) ||
	    !json_string_value(json_object_get(translation, "summary"))) {
		reply_invalid(r, title_field, "a translation needs both a title and a summary");
		return -1;
	}

	json_t *statements = json_object_get(entry, "learning_outcomes");
	json_t *list = json_array();
	json_object_set_new(translation, "learning_outcomes", list);
	if (statements && !json_is_null(statements) &&
	    (!json_is_array(statements) || json_array_size(statements) > OUTCOMES_MAX)) {
		reply_invalid(r, outcomes_field, "%s must be a list of statements in the order of the "
		    "learning outcomes", outcomes_field);
		return -1;
	}
	json_t *statement;
	json_array_foreach(statements, k, statement) {
		const char *s = json_string_value(statement);
		if (!s || !utf8_valid(s, strlen(s)) || text_has_control(s, true) ||
		    utf8_length(s) > STATEMENT_MAX) {
			reply_invalid(r, outcomes_field, "%s[%zu] must be text of at most %d characters",
			    outcomes_field, k, STATEMENT_MAX);
			return -1;
		}
		json_array_append(list, statement);
	}
	return 0;
}

static int translations_or_reply(struct req *r, json_t *body, json_t *out)
{
	json_t *v = json_object_get(body, "translations");
	json_t *list = json_array();
	const char *base = json_string_value(json_object_get(out, "language"));
	size_t i;
	json_t *entry;

	json_object_set_new(out, "translations", list);
	if (v && !json_is_null(v) && (!json_is_array(v) || json_array_size(v) > TRANSLATIONS_MAX)) {
		reply_invalid(r, "translations",
		    "translations must be a list of at most %d {language, title, summary, learning_outcomes}",
		    TRANSLATIONS_MAX);
		return -1;
	}
	json_array_foreach(v, i, entry)
		if (translation_or_reply(r, entry, i, base, list) != 0)
			return -1;
	return 0;
}

static int language_or_reply(struct req *r, json_t *body, json_t *out)
{
	json_t *v = json_object_get(body, "language");

	if (!v || json_is_null(v)) {
		json_object_set_new(out, "language", json_string("en"));
		return 0;
	}
	if (!language_code_valid(json_string_value(v))) {
		reply_invalid(r, "language",
		    "language must be the ISO 639-1 code, in lower case, of the title, summary and learning outcomes");
		return -1;
	}
	json_object_set_new(out, "language", json_string(json_string_value(v)));
	return 0;
}

json_t *mc_content_parse_or_reply(struct req *r, json_t *body)
{
	static const char *const participation[] = { "online", "onsite", "blended", NULL };
	static const char *const supervision[] = {
		"unsupervised_no_id_check", "supervised_no_id_check", "supervised_with_id_check", NULL,
	};
	json_t *out = json_object();

	if (content_text_or_reply(r, body, "title", "title", TITLE_MAX, true, out, "title") != 0 ||
	    content_text_or_reply(r, body, "summary", "summary", SUMMARY_MAX, false, out, "summary") != 0 ||
	    outcomes_or_reply(r, body, out) != 0 ||
	    int_field_or_reply(r, body, "eqf_level", 1, 8, out) != 0 ||
	    int_field_or_reply(r, body, "workload_hours", 1, HOURS_MAX, out) != 0 ||
	    ects_or_reply(r, body, out) != 0 ||
	    content_text_or_reply(r, body, "assessment_type", "assessment_type", ASSESSMENT_MAX, true, out,
	    "assessment_type") != 0 ||
	    enum_field_or_reply(r, body, "participation_form", participation,
	    "online, onsite, blended", out) != 0 ||
	    content_text_or_reply(r, body, "quality_assurance", "quality_assurance",
	    QUALITY_ASSURANCE_MAX, false, out, "quality_assurance") != 0 ||
	    language_or_reply(r, body, out) != 0 || languages_or_reply(r, body, out) != 0 ||
	    content_text_or_reply(r, body, "prerequisites", "prerequisites", PREREQUISITES_MAX, false,
	    out, "prerequisites") != 0 ||
	    enum_field_or_reply(r, body, "supervision", supervision,
	    "unsupervised_no_id_check, supervised_no_id_check, supervised_with_id_check", out) != 0 ||
	    stackability_or_reply(r, body, out) != 0 ||
	    int_field_or_reply(r, body, "validity_months", 1, VALIDITY_MONTHS_MAX, out) != 0 ||
	    related_training_or_reply(r, body, out) != 0 || translations_or_reply(r, body, out) != 0)
		goto failed;

	json_t *occupations = uri_list_or_reply(r, json_object_get(body, "esco_occupations"),
	    "esco_occupations", "http://data.europa.eu/esco/occupation/");
	if (!occupations)
		goto failed;
	json_object_set_new(out, "esco_occupations", occupations);
	return out;

failed:
	json_decref(out);
	return NULL;
}

/* ---- Reference data checks ---- */

/* Returns the first URI of the JSON array `uris` that table does not contain; "" when none. */
static int unknown_uri(struct worker *w, const char *table_sql, json_t *uris, char out[256])
{
	char *text = json_dumps(uris, JSON_COMPACT);
	struct db_param params[] = { P_TEXT(text) };
	struct db_result res;
	int rc;

	out[0] = '\0';
	rc = db_query(w, table_sql, params, 1, &res);
	free(text);
	if (rc != 0)
		return -1;
	if (res.rows > 0)
		snprintf(out, 256, "%s", db_cell(&res, 0, 0));
	db_result_free(&res);
	return 0;
}

int mc_content_check_references_or_reply(struct req *r, json_t *content)
{
	static const char occupations_sql[] =
	    "SELECT j.uri FROM JSON_TABLE(?, '$[*]' COLUMNS (uri VARCHAR(255) PATH '$')) AS j"
	    " LEFT JOIN esco_occupations AS o ON o.uri = j.uri WHERE o.uri IS NULL LIMIT 1";
	static const char skills_sql[] =
	    "SELECT j.uri FROM JSON_TABLE(?, '$[*]' COLUMNS (uri VARCHAR(255) PATH '$')) AS j"
	    " LEFT JOIN esco_skills AS s ON s.uri = j.uri WHERE s.uri IS NULL LIMIT 1";
	char unknown[256];
	size_t i;
	json_t *outcome;

	if (unknown_uri(r->w, occupations_sql, json_object_get(content, "esco_occupations"), unknown) != 0)
		goto db_error;
	if (unknown[0]) {
		reply_invalid(r, "esco_occupations",
		    "esco_occupations names %s, which is not an ESCO occupation of the reference data; "
		    "search GET /api/v1/esco/occupations", unknown);
		return -1;
	}
	json_array_foreach(json_object_get(content, "learning_outcomes"), i, outcome) {
		if (unknown_uri(r->w, skills_sql, json_object_get(outcome, "esco_skills"), unknown) != 0)
			goto db_error;
		if (unknown[0]) {
			char field[64];
			snprintf(field, sizeof field, "learning_outcomes[%zu].esco_skills", i);
			reply_invalid(r, field, "%s names %s, which is not an ESCO skill of the reference "
			    "data; search GET /api/v1/esco/skills", field, unknown);
			return -1;
		}
	}
	return 0;

db_error:
	reply_db_error(r);
	return -1;
}

/* ---- Storage ---- */

static struct db_param json_param_text(json_t *content, const char *key)
{
	return P_TEXT(json_string_value(json_object_get(content, key)));
}

static struct db_param json_param_int(json_t *content, const char *key)
{
	json_t *v = json_object_get(content, key);

	return json_is_integer(v) ? P_INT(json_integer_value(v)) : P_NULL;
}

int mc_content_store(struct worker *w, long long version_id, json_t *content)
{
	static const char update_sql[] =
	    "UPDATE microcredential_versions SET title = ?, summary = ?, learning_outcomes = ?,"
	    " eqf_level = ?, workload_hours = ?, ects_credits = ?, assessment_type = ?,"
	    " participation_form = ?, quality_assurance = ?, language = ?, delivery_languages = ?,"
	    " esco_occupations = ?, prerequisites = ?, supervision = ?, stackability = ?,"
	    " stackable_towards = ?, validity_months = ?, related_training_title = ?,"
	    " related_training_url = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	static const char delete_sql[] = "DELETE FROM microcredential_translations WHERE version_id = ?";
	static const char insert_sql[] =
	    "INSERT INTO microcredential_translations (version_id, language, title, summary,"
	    " learning_outcomes) VALUES (?, ?, ?, ?, ?)";
	char *outcomes = json_dumps(json_object_get(content, "learning_outcomes"), JSON_COMPACT);
	char *languages = json_dumps(json_object_get(content, "delivery_languages"), JSON_COMPACT);
	char *occupations = json_dumps(json_object_get(content, "esco_occupations"), JSON_COMPACT);
	json_t *ects = json_object_get(content, "ects_credits");
	int rc = -1;

	struct db_param params[] = {
		json_param_text(content, "title"), json_param_text(content, "summary"), P_TEXT(outcomes),
		json_param_int(content, "eqf_level"), json_param_int(content, "workload_hours"),
		json_is_real(ects) ? P_DOUBLE(json_real_value(ects)) : P_NULL,
		json_param_text(content, "assessment_type"), json_param_text(content, "participation_form"),
		json_param_text(content, "quality_assurance"), json_param_text(content, "language"),
		P_TEXT(languages), P_TEXT(occupations), json_param_text(content, "prerequisites"),
		json_param_text(content, "supervision"), json_param_text(content, "stackability"),
		json_param_text(content, "stackable_towards"), json_param_int(content, "validity_months"),
		json_param_text(content, "related_training_title"),
		json_param_text(content, "related_training_url"), P_INT(version_id),
	};
	struct db_param version_param[] = { P_INT(version_id) };
	if (db_exec(w, update_sql, params, sizeof params / sizeof params[0], NULL, NULL) != 0 ||
	    db_exec(w, delete_sql, version_param, 1, NULL, NULL) != 0)
		goto out;

	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(content, "translations"), i, t) {
		char *statements = json_dumps(json_object_get(t, "learning_outcomes"), JSON_COMPACT);
		struct db_param tparams[] = {
			P_INT(version_id), json_param_text(t, "language"), json_param_text(t, "title"),
			json_param_text(t, "summary"), P_TEXT(statements),
		};
		int trc = db_exec(w, insert_sql, tparams, 5, NULL, NULL);
		free(statements);
		if (trc != 0)
			goto out;
	}
	rc = 0;

out:
	free(outcomes);
	free(languages);
	free(occupations);
	return rc;
}

/* ---- Submission check ---- */

static void missing(json_t *fields, const char *field, const char *message)
{
	json_array_append_new(fields, json_pack("{s:s, s:s}", "field", field, "message", message));
}

json_t *mc_content_missing(json_t *version)
{
	json_t *fields = json_array();

	if (!json_string_value(json_object_get(version, "title")))
		missing(fields, "title", "title is required: name the micro-credential");
	if (!json_string_value(json_object_get(version, "summary")))
		missing(fields, "summary", "summary is required: describe what the learner learns and how");
	if (json_array_size(json_object_get(version, "learning_outcomes")) == 0)
		missing(fields, "learning_outcomes",
		    "learning_outcomes needs at least one statement of what the learner knows, understands or can do");
	if (!json_is_integer(json_object_get(version, "workload_hours")))
		missing(fields, "workload_hours", "workload_hours is required: the notional workload in hours");
	if (!json_string_value(json_object_get(version, "assessment_type")))
		missing(fields, "assessment_type", "assessment_type is required: how the learning outcomes are assessed");
	if (!json_string_value(json_object_get(version, "participation_form")))
		missing(fields, "participation_form",
		    "participation_form is required: online, onsite or blended");
	if (!json_string_value(json_object_get(version, "quality_assurance")))
		missing(fields, "quality_assurance",
		    "quality_assurance is required: the quality assurance that underpins the micro-credential");
	if (json_array_size(json_object_get(version, "delivery_languages")) == 0)
		missing(fields, "delivery_languages",
		    "delivery_languages needs at least one language in which the learning is offered");
	return fields;
}
