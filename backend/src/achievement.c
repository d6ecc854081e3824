/*
 * achievement.c: a published micro-credential as an Open Badges 3.0 Achievement, and the
 * reference data that editors search: ESCO occupations and skills, and the EQF levels.
 *
 * The Achievement follows the data model of Open Badges 3.0 (1EdTech, imsglobal.org/spec/ob/v3p0):
 * required id, type, name, description and criteria; ESCO links become Alignment entries; the
 * ECTS credits go into creditsAvailable, and the criteria narrative states the workload in hours
 * and the credits with their units, because the model has no property for hours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define REFERENCE_QUERY_MAX 100

static json_t *alignment(const char *name, const char *url, const char *framework,
    const char *type, const char *code)
{
	json_t *entry = json_pack("{s:[s], s:s, s:s, s:s}", "type", "Alignment", "targetName", name,
	    "targetUrl", url, "targetFramework", framework);

	if (type)
		json_object_set_new(entry, "targetType", json_string(type));
	if (code)
		json_object_set_new(entry, "targetCode", json_string(code));
	return entry;
}

/* ESCO occupations, the distinct ESCO skills of the learning outcomes, and the EQF level. */
static json_t *alignments_json(json_t *mc)
{
	json_t *list = json_array();
	json_t *seen = json_object();
	size_t i, k;
	json_t *entry, *skill;

	json_array_foreach(json_object_get(mc, "esco_occupations"), i, entry) {
		const char *label = json_string_value(json_object_get(entry, "label"));
		const char *uri = json_string_value(json_object_get(entry, "uri"));
		json_array_append_new(list, alignment(label ? label : uri, uri, "ESCO", NULL,
		    json_string_value(json_object_get(entry, "isco_code"))));
	}
	json_array_foreach(json_object_get(mc, "learning_outcomes"), i, entry) {
		json_array_foreach(json_object_get(entry, "esco_skills"), k, skill) {
			const char *uri = json_string_value(json_object_get(skill, "uri"));
			const char *label = json_string_value(json_object_get(skill, "label"));
			if (!uri || json_object_get(seen, uri))
				continue;
			json_object_set_new(seen, uri, json_true());
			json_array_append_new(list, alignment(label ? label : uri, uri, "ESCO",
			    "ceasn:Competency", NULL));
		}
	}
	json_t *eqf = json_object_get(mc, "eqf");
	if (json_is_object(eqf)) {
		char name[32];
		snprintf(name, sizeof name, "EQF level %lld",
		    (long long)json_integer_value(json_object_get(eqf, "level")));
		json_array_append_new(list, alignment(name, json_string_value(json_object_get(eqf, "uri")),
		    "European Qualifications Framework", NULL, NULL));
	}
	json_decref(seen);
	return list;
}

/* The criteria narrative in Markdown: learning outcomes, assessment and workload with units. */
static char *criteria_narrative(json_t *mc)
{
	struct buf text;
	size_t i;
	json_t *outcome;

	buf_init(&text);
	buf_puts(&text, "The holder has achieved these learning outcomes:\n\n");
	json_array_foreach(json_object_get(mc, "learning_outcomes"), i, outcome)
		buf_printf(&text, "%zu. %s\n", i + 1, json_string_value(json_object_get(outcome, "statement")));
	buf_printf(&text, "\nAssessment: %s\n\nNotional workload: %lld hours",
	    json_string_value(json_object_get(mc, "assessment_type")),
	    (long long)json_integer_value(json_object_get(mc, "workload_hours")));
	json_t *ects = json_object_get(mc, "ects_credits");
	if (json_is_number(ects))
		buf_printf(&text, " (%.1f ECTS credits)", json_number_value(ects));
	buf_puts(&text, "\n");
	return text.data;
}

static json_t *creator_json(json_t *mc)
{
	json_t *org = json_object_get(mc, "promoting_organisation");
	char id[600];

	/* The catalogue filtered to the organisation is the public page that describes it. */
	snprintf(id, sizeof id, "%s/?organisation=%lld", cfg.public_url,
	    (long long)json_integer_value(json_object_get(org, "id")));
	return json_pack("{s:s, s:[s], s:s?, s:{s:[s], s:s?}}", "id", id, "type", "Profile", "name",
	    json_string_value(json_object_get(org, "name")), "address", "type", "Address",
	    "addressCountryCode", json_string_value(json_object_get(org, "country")));
}

static json_t *achievement_json(json_t *mc, long long id)
{
	char url[600], page[600];
	char *narrative = criteria_narrative(mc);

	snprintf(url, sizeof url, "%s/api/v1/microcredentials/%lld/achievement.json", cfg.public_url, id);
	snprintf(page, sizeof page, "%s/microcredentials/%lld", cfg.public_url, id);
	json_t *obj = json_pack("{s:[s, s], s:s, s:[s], s:s, s:O, s:O, s:{s:s, s:s}, s:o, s:o, s:O}",
	    "@context", "https://www.w3.org/ns/credentials/v2",
	    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
	    "id", url, "type", "Achievement", "achievementType", "MicroCredential",
	    "name", json_object_get(mc, "title"), "description", json_object_get(mc, "summary"),
	    "criteria", "id", page, "narrative", narrative,
	    "alignment", alignments_json(mc), "creator", creator_json(mc),
	    "inLanguage", json_object_get(mc, "language"));
	free(narrative);

	char version[24];
	snprintf(version, sizeof version, "%lld", (long long)json_integer_value(json_object_get(mc, "version")));
	json_object_set_new(obj, "version", json_string(version));
	json_t *ects = json_object_get(mc, "ects_credits");
	if (json_is_number(ects))
		json_object_set_new(obj, "creditsAvailable", json_real(json_number_value(ects)));
	return obj;
}

void handle_microcredential_achievement(struct req *r)
{
	long long id = path_id(r->params[0]);
	bool db_failed = false;
	char lang[3];

	if (request_language_or_reply(r, lang) != 0)
		return;
	json_t *mc = id ? microcredential_version_load(r->w, id, MC_VERSION_PUBLISHED, 0, lang, false,
	    NULL, &db_failed) : NULL;
	if (db_failed) {
		reply_db_error(r);
		return;
	}
	if (!mc) {
		reply_error(r, 404, "not_found", NULL, "no published micro-credential has the id %s",
		    id ? r->params[0] : "given in the path");
		return;
	}
	json_t *achievement = achievement_json(mc, id);
	json_decref(mc);
	reply_json(r, 200, achievement);
}

/* ---- Reference data ---- */

/* Replies with {items} of the rows of sql, whose columns are named by keys (NULL-terminated). */
static void reference_reply(struct req *r, const char *sql, const struct db_param *params,
    size_t nparams, const char *const *keys)
{
	struct db_result res;

	if (db_query(r->w, sql, params, nparams, &res) != 0) {
		reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *item = json_object();
		for (size_t col = 0; keys[col]; col++) {
			const char *cell = db_cell(&res, row, col);
			if (strcmp(keys[col], "level") == 0)
				json_object_set_new(item, keys[col], json_integer(strtoll(cell, NULL, 10)));
			else
				json_object_set_new(item, keys[col], cell ? json_string(cell) : json_null());
		}
		json_array_append_new(items, item);
	}
	db_result_free(&res);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Reads q as a LIKE pattern "%q%" with the wildcards escaped; "%" when q is absent. Owned. */
static char *reference_pattern_or_reply(struct req *r)
{
	char *q = req_query(r, "q");
	struct buf pattern;

	if (q && utf8_length(q) > REFERENCE_QUERY_MAX) {
		free(q);
		reply_error(r, 400, "invalid_field", "q", "q may have at most %d characters",
		    REFERENCE_QUERY_MAX);
		return NULL;
	}
	buf_init(&pattern);
	buf_putc(&pattern, '%');
	for (const char *p = q ? q : ""; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&pattern, '\\');
		buf_putc(&pattern, *p);
	}
	buf_putc(&pattern, '%');
	free(q);
	return pattern.data;
}

void handle_esco_occupations(struct req *r)
{
	static const char sql[] =
	    "SELECT uri, label, isco_code FROM esco_occupations WHERE label LIKE ?"
	    " ORDER BY label LIMIT 50";
	static const char *const keys[] = { "uri", "label", "isco_code", NULL };
	char *pattern = reference_pattern_or_reply(r);

	if (!pattern)
		return;
	struct db_param params[] = { P_TEXT(pattern) };
	reference_reply(r, sql, params, 1, keys);
	free(pattern);
}

void handle_esco_skills(struct req *r)
{
	static const char sql[] =
	    "SELECT uri, label FROM esco_skills WHERE label LIKE ? ORDER BY label LIMIT 50";
	static const char *const keys[] = { "uri", "label", NULL };
	char *pattern = reference_pattern_or_reply(r);

	if (!pattern)
		return;
	struct db_param params[] = { P_TEXT(pattern) };
	reference_reply(r, sql, params, 1, keys);
	free(pattern);
}

void handle_eqf_levels(struct req *r)
{
	static const char sql[] = "SELECT level, uri, summary FROM eqf_levels ORDER BY level";
	static const char *const keys[] = { "level", "uri", "summary", NULL };

	reference_reply(r, sql, NULL, 0, keys);
}
