/*
 * assessment_versions.c: the online assessment as part of a micro-credential version.
 *
 * Each version has its own rules and question bank. Editors change them only while the version is a
 * draft or has changes requested. A version under validation or published keeps its assessment as
 * it is, and a new version starts from a copy of it. Reviewers assigned to a version read its
 * assessment with the correct answers. Submission of a version whose type of assessment is an
 * online questionnaire requires an assessment from which a paper can be drawn.
 *
 * Questions may have translations of their prompt, options and explanation; each field falls back
 * to the question's own text when it has no translation.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

int assessment_version_latest(struct worker *w, long long mc_id, bool lock, struct assessment_version *v)
{
	static const char sql[] =
	    "SELECT m.promoting_organisation_id, v.id, v.version, v.status FROM microcredentials AS m"
	    " JOIN microcredential_versions AS v ON v.microcredential_id = m.id"
	    " WHERE m.id = ? ORDER BY v.version DESC LIMIT 1";
	static const char locking_sql[] =
	    "SELECT m.promoting_organisation_id, v.id, v.version, v.status FROM microcredentials AS m"
	    " JOIN microcredential_versions AS v ON v.microcredential_id = m.id"
	    " WHERE m.id = ? ORDER BY v.version DESC LIMIT 1 FOR UPDATE";
	struct db_param params[] = { P_INT(mc_id) };
	struct db_result res;
	int found;

	memset(v, 0, sizeof(*v));
	if (db_query(w, lock ? locking_sql : sql, params, 1, &res) != 0)
		return -1;
	found = res.rows == 1;
	if (found) {
		v->mc_id = mc_id;
		v->organisation_id = db_cell_int(&res, 0, 0);
		v->version_id = db_cell_int(&res, 0, 1);
		v->version = db_cell_int(&res, 0, 2);
		snprintf(v->status, sizeof(v->status), "%s", db_cell(&res, 0, 3));
	}
	db_result_free(&res);
	return found;
}

bool assessment_version_editable(const struct assessment_version *v)
{
	return strcmp(v->status, "draft") == 0 || strcmp(v->status, "changes_requested") == 0;
}

void reply_assessment_not_editable(struct req *r, const struct assessment_version *v)
{
	if (strcmp(v->status, "published") == 0 || strcmp(v->status, "superseded") == 0 ||
	    strcmp(v->status, "retired") == 0) {
		reply_error(r, 409, "version_not_editable", NULL,
		    "version %lld is %s, so its assessment cannot change; create a new version by saving a "
		    "draft of the micro-credential (it copies the assessment) and change the assessment there",
		    v->version, v->status);
		return;
	}
	reply_error(r, 409, "version_not_editable", NULL,
	    "version %lld is %s, so its assessment cannot change during validation; ask a coordinator to "
	    "request changes, or create a new version once this one is published", v->version, v->status);
}

int assessment_copy(struct worker *w, long long from_version_id, long long to_version_id)
{
	static const char rules_sql[] =
	    "INSERT INTO assessments (microcredential_id, microcredential_version_id, questions_per_outcome,"
	    " time_limit_minutes, pass_mark_percent, outcome_min_percent, max_attempts, wait_minutes,"
	    " supervision, updated_at, updated_by)"
	    " SELECT microcredential_id, ?, questions_per_outcome, time_limit_minutes, pass_mark_percent,"
	    " outcome_min_percent, max_attempts, wait_minutes, supervision, updated_at, updated_by"
	    " FROM assessments WHERE microcredential_version_id = ?";
	static const char questions_sql[] =
	    "INSERT INTO assessment_questions (microcredential_id, microcredential_version_id, type, prompt,"
	    " options, correct, outcomes, explanation, copied_from_id)"
	    " SELECT microcredential_id, ?, type, prompt, options, correct, outcomes, explanation, id"
	    " FROM assessment_questions WHERE microcredential_version_id = ? AND retired_at IS NULL ORDER BY id";
	static const char translations_sql[] =
	    "INSERT INTO assessment_question_translations (question_id, language, prompt, options, explanation)"
	    " SELECT q.id, t.language, t.prompt, t.options, t.explanation FROM assessment_questions AS q"
	    " JOIN assessment_question_translations AS t ON t.question_id = q.copied_from_id"
	    " WHERE q.microcredential_version_id = ?";
	struct db_param params[] = { P_INT(to_version_id), P_INT(from_version_id) };
	struct db_param target[] = { P_INT(to_version_id) };

	if (db_exec(w, rules_sql, params, 2, NULL, NULL) != 0 ||
	    db_exec(w, questions_sql, params, 2, NULL, NULL) != 0 ||
	    db_exec(w, translations_sql, target, 1, NULL, NULL) != 0)
		return -1;
	return 0;
}

bool assessment_type_is_online_questionnaire(const char *type)
{
	static const char needle[] = "online questionnaire";
	size_t n = sizeof(needle) - 1;

	if (!type)
		return false;
	for (const char *p = type; strlen(p) >= n; p++) {
		size_t i = 0;

		while (i < n && tolower((unsigned char)p[i]) == needle[i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* Translations of the questions of a version, as {"<question id>": [{language, ...}]}. */
static json_t *translations_by_question(struct worker *w, long long version_id)
{
	static const char sql[] =
	    "SELECT t.question_id, t.language, t.prompt, t.options, t.explanation"
	    " FROM assessment_question_translations AS t JOIN assessment_questions AS q ON q.id = t.question_id"
	    " WHERE q.microcredential_version_id = ? ORDER BY t.question_id, t.language";
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;
	json_t *map;

	if (db_query(w, sql, params, 1, &res) != 0)
		return NULL;
	map = json_object();
	for (size_t i = 0; i < res.rows; i++) {
		const char *key = db_cell(&res, i, 0), *options = db_cell(&res, i, 3);
		json_t *list = json_object_get(map, key);

		if (!list) {
			list = json_array();
			json_object_set_new(map, key, list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s?, s:o, s:s?}",
		    "language", db_cell(&res, i, 1), "prompt", db_cell(&res, i, 2),
		    "options", options ? json_loads(options, 0, NULL) : json_null(),
		    "explanation", db_cell(&res, i, 4)));
	}
	db_result_free(&res);
	return map;
}

json_t *assessment_questions_json(struct worker *w, long long version_id)
{
	static const char sql[] =
	    "SELECT id, type, prompt, options, correct, outcomes, explanation, copied_from_id"
	    " FROM assessment_questions WHERE microcredential_version_id = ? AND retired_at IS NULL ORDER BY id";
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;
	json_t *list, *translations = translations_by_question(w, version_id);

	if (!translations)
		return NULL;
	if (db_query(w, sql, params, 1, &res) != 0) {
		json_decref(translations);
		return NULL;
	}
	list = json_array();
	for (size_t i = 0; i < res.rows; i++) {
		json_t *own = json_object_get(translations, db_cell(&res, i, 0));
		const char *copied = db_cell(&res, i, 7);

		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s?, s:o, s:o}",
		    "id", (json_int_t)db_cell_int(&res, i, 0),
		    "type", db_cell(&res, i, 1),
		    "prompt", db_cell(&res, i, 2),
		    "options", json_loads(db_cell(&res, i, 3), 0, NULL),
		    "correct", json_loads(db_cell(&res, i, 4), JSON_DECODE_ANY, NULL),
		    "outcomes", json_loads(db_cell(&res, i, 5), 0, NULL),
		    "explanation", db_cell(&res, i, 6),
		    "copied_from", copied ? json_integer(db_cell_int(&res, i, 7)) : json_null(),
		    "translations", own ? json_incref(own) : json_array()));
	}
	db_result_free(&res);
	json_decref(translations);
	return list;
}

json_t *assessment_drawability_problems(struct worker *w, long long version_id, size_t outcomes)
{
	struct assessment_rules rules;
	json_t *problems = json_array(), *questions = NULL;
	long long *counts = NULL;
	size_t i;
	json_t *question;

	if (assessment_rules_load(w, version_id, &rules) != 0)
		goto failed;
	if (!rules.exists) {
		json_array_append_new(problems, json_pack("{s:s, s:s}", "field", "assessment", "message",
		    "the type of assessment is an online questionnaire, so the version needs its online "
		    "assessment: set its rules and write questions for every learning outcome"));
		return problems;
	}
	questions = assessment_questions_json(w, version_id);
	if (!questions)
		goto failed;
	/* Without learning outcomes no paper can be drawn, whatever the question bank holds. */
	if (outcomes == 0)
		json_array_append_new(problems, json_pack("{s:s, s:s}", "field", "learning_outcomes",
		    "message", "the version has no learning outcomes, so no paper can be drawn; add its "
		    "learning outcomes in the editor, then write questions for each"));
	counts = xcalloc(outcomes ? outcomes : 1, sizeof(*counts));
	json_array_foreach(questions, i, question) {
		size_t k;
		json_t *at;

		json_array_foreach(json_object_get(question, "outcomes"), k, at)
			if (json_integer_value(at) >= 0 && (size_t)json_integer_value(at) < outcomes)
				counts[json_integer_value(at)]++;
	}
	for (size_t o = 0; o < outcomes; o++) {
		char message[256];

		if (counts[o] >= rules.questions_per_outcome)
			continue;
		snprintf(message, sizeof(message), "learning outcome %zu has %lld questions but the rules draw %d "
		    "per learning outcome; write more questions for it or lower questions_per_outcome",
		    o + 1, counts[o], rules.questions_per_outcome);
		json_array_append_new(problems, json_pack("{s:s, s:s, s:I}", "field", "assessment.questions",
		    "message", message, "learning_outcome", (json_int_t)o));
	}
	free(counts);
	json_decref(questions);
	return problems;
failed:
	json_decref(problems);
	return NULL;
}

/*
 * Replies 403 unless the caller is a coordinator, a member of the promoting organisation or a
 * reviewer assigned to this very version (reviewers of other versions do not count).
 */
static int version_reader_or_reply(struct req *r, long long organisation_id, long long version_id)
{
	static const char sql[] =
	    "SELECT 1 FROM microcredential_reviewers WHERE version_id = ? AND reviewer_id = ?";
	struct db_param params[] = { P_INT(version_id), P_INT(r->user->id) };
	struct db_result res;
	bool assigned;

	if (r->user->role == ROLE_COORDINATOR || r->user->organisation_id == organisation_id)
		return 0;
	if (r->user->role == ROLE_REVIEWER) {
		if (db_query(r->w, sql, params, 2, &res) != 0) {
			reply_db_error(r);
			return -1;
		}
		assigned = res.rows > 0;
		db_result_free(&res);
		if (assigned)
			return 0;
	}
	log_event(LOG_INFO, r->request_id, "event=version_assessment_forbidden version=%lld user=%lld",
	    version_id, r->user->id);
	reply_error(r, 403, "forbidden", NULL, "only coordinators, the promoting organisation and the "
	    "reviewers assigned to this version may read its assessment");
	return -1;
}

/*
 * GET /api/v1/microcredentials/{id}/versions/{number}/assessment: the rules and questions of one
 * version, with correct answers, the learning outcomes each question assesses and translations.
 */
void handle_version_assessment_get(struct req *r)
{
	struct assessment_rules rules;
	struct mc_version_info info = { 0 };
	long long id = path_id(r->params[0]), number;
	bool db_failed = false;
	json_t *version = NULL, *questions = NULL, *problems = NULL, *body;

	if (id == 0 || parse_long(r->params[1], 1, INT32_MAX, &number) != 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential version has the id and number given in the path");
		return;
	}
	version = microcredential_version_load(r->w, id, MC_VERSION_NUMBER, number, NULL, false, &info, &db_failed);
	if (!version) {
		if (db_failed)
			reply_db_error(r);
		else
			reply_error(r, 404, "not_found", NULL, "micro-credential %lld has no version %lld", id, number);
		return;
	}
	if (version_reader_or_reply(r, info.organisation_id, info.version_id) != 0)
		goto out;
	if (assessment_rules_load(r->w, info.version_id, &rules) != 0 ||
	    !(questions = assessment_questions_json(r->w, info.version_id)) ||
	    !(problems = assessment_drawability_problems(r->w, info.version_id, assessment_outcome_count(version)))) {
		reply_db_error(r);
		goto out;
	}
	body = json_pack("{s:I, s:I, s:s, s:b, s:b, s:b, s:O, s:O, s:o, s:O}",
	    "microcredential_id", (json_int_t)id, "version", (json_int_t)info.version, "status", info.status,
	    "exists", rules.exists, "editable", strcmp(info.status, "draft") == 0 ||
	        strcmp(info.status, "changes_requested") == 0,
	    "drawable", json_array_size(problems) == 0,
	    "problems", problems, "learning_outcomes", json_object_get(version, "learning_outcomes"),
	    "rules", assessment_rules_json(&rules), "questions", questions);
	reply_json(r, 200, body);
out:
	json_decref(problems);
	json_decref(questions);
	json_decref(version);
}
