/*
 * assessment.c: the online assessment of a micro-credential, as its editors write it: the rules
 * (how many questions per learning outcome, time limit, pass marks, attempts and waiting time) and
 * the question bank. Learners take it through attempts.c.
 *
 * Each question is tied to one or more learning outcomes by their 0-based position in the
 * micro-credential's list. Correct answers are stored as option positions in the order the editor
 * wrote them; attempts.c shuffles options per attempt and never sends these to learners.
 *
 * The assessment belongs to a micro-credential version (see assessment_versions.c). These paths
 * name only the micro-credential: editors act on its latest version, which they may change while it
 * is a draft or has changes requested, and each response names that version. Learners read the
 * summary of the published version's assessment.
 *
 * Editors of the promoting organisation and coordinators may read and change the bank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define PROMPT_MAX 2000
#define OPTION_MAX 500
#define OPTIONS_MIN 2
#define OPTIONS_MAX 10
#define TRANSLATIONS_MAX 24

static const char rules_sql[] =
    "SELECT questions_per_outcome, time_limit_minutes, pass_mark_percent, outcome_min_percent,"
    " max_attempts, wait_minutes, supervision FROM assessments WHERE microcredential_version_id = ?";

void assessment_rules_defaults(struct assessment_rules *rules)
{
	rules->questions_per_outcome = 2;
	rules->time_limit_minutes = 30;
	rules->pass_mark_percent = 70;
	rules->outcome_min_percent = 50;
	rules->max_attempts = 3;
	rules->wait_minutes = 1440;
	snprintf(rules->supervision, sizeof(rules->supervision), "unsupervised_no_id_check");
	rules->exists = false;
}

int assessment_rules_load(struct worker *w, long long version_id, struct assessment_rules *rules)
{
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;

	assessment_rules_defaults(rules);
	if (db_query(w, rules_sql, params, 1, &res) != 0)
		return -1;
	if (res.rows == 1) {
		rules->questions_per_outcome = (int)db_cell_int(&res, 0, 0);
		rules->time_limit_minutes = (int)db_cell_int(&res, 0, 1);
		rules->pass_mark_percent = (int)db_cell_int(&res, 0, 2);
		rules->outcome_min_percent = (int)db_cell_int(&res, 0, 3);
		rules->max_attempts = (int)db_cell_int(&res, 0, 4);
		rules->wait_minutes = db_cell_int(&res, 0, 5);
		snprintf(rules->supervision, sizeof(rules->supervision), "%s", db_cell(&res, 0, 6));
		rules->exists = true;
	}
	db_result_free(&res);
	return 0;
}

json_t *assessment_rules_json(const struct assessment_rules *rules)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:I, s:s}",
	    "questions_per_outcome", rules->questions_per_outcome,
	    "time_limit_minutes", rules->time_limit_minutes,
	    "pass_mark_percent", rules->pass_mark_percent,
	    "outcome_min_percent", rules->outcome_min_percent,
	    "max_attempts", rules->max_attempts,
	    "wait_minutes", (json_int_t)rules->wait_minutes,
	    "supervision", rules->supervision);
}

/* Number of learning outcomes of a micro-credential's JSON. */
size_t assessment_outcome_count(json_t *mc)
{
	return json_array_size(json_object_get(mc, "learning_outcomes"));
}

/* Replies 404 unless the path names a micro-credential; loads its latest version (locked when lock). */
static int latest_version_or_reply(struct req *r, bool lock, struct assessment_version *v)
{
	long long mc_id;
	int found;

	if (parse_long(r->params[0], 1, INT64_MAX, &mc_id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		return -1;
	}
	found = assessment_version_latest(r->w, mc_id, lock, v);
	if (found < 0) {
		reply_db_error(r);
		return -1;
	}
	if (found == 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		return -1;
	}
	if (r->user->role != ROLE_COORDINATOR &&
	    !(r->user->role == ROLE_EDITOR && r->user->organisation_id == v->organisation_id)) {
		reply_error(r, 403, "forbidden", NULL,
		    "only editors of the promoting organisation and coordinators may edit this assessment");
		return -1;
	}
	return 0;
}

/* Loads the JSON of version v (learning outcomes and language). Replies and returns NULL on failure. */
static json_t *version_json_or_reply(struct req *r, const struct assessment_version *v)
{
	bool db_failed = false;
	json_t *mc = microcredential_version_load(r->w, v->mc_id, MC_VERSION_NUMBER, v->version, NULL, false,
	    NULL, &db_failed);

	if (!mc)
		reply_db_error(r);
	return mc;
}

/*
 * Begins a transaction, locks the latest version of the micro-credential of the path and checks
 * that the caller may change its assessment now. Only editors of the promoting organisation and
 * coordinators may, and only on a draft or a version with changes requested. Returns the version's JSON with
 * the transaction open, or NULL after rolling back and replying. Locking the version row makes a
 * change and a submission of the same version take turns. New reference.
 */
static json_t *changeable_version_or_reply(struct req *r, struct assessment_version *v)
{
	json_t *mc;

	if (db_begin(r->w) != 0) {
		reply_db_error(r);
		return NULL;
	}
	if (latest_version_or_reply(r, true, v) != 0) {
		db_rollback(r->w);
		return NULL;
	}
	if (!assessment_version_editable(v)) {
		db_rollback(r->w);
		log_event(LOG_INFO, r->request_id, "event=assessment_change_rejected microcredential=%lld version=%lld status=%s",
		    v->mc_id, v->version, v->status);
		reply_assessment_not_editable(r, v);
		return NULL;
	}
	mc = version_json_or_reply(r, v);
	if (!mc)
		db_rollback(r->w);
	return mc;
}

/* Adds the version that an editor's request acted on to a response body. */
static void add_version_fields(json_t *body, const struct assessment_version *v)
{
	json_object_set_new(body, "version", json_integer(v->version));
	json_object_set_new(body, "version_status", json_string(v->status));
	json_object_set_new(body, "editable", json_boolean(assessment_version_editable(v)));
}

/* Counts, per learning outcome, the questions of a version's bank that assess it. */
static int outcome_coverage(struct worker *w, long long version_id, size_t outcomes, long long *counts)
{
	static const char sql[] =
	    "SELECT outcomes FROM assessment_questions WHERE microcredential_version_id = ? AND retired_at IS NULL";
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;

	memset(counts, 0, outcomes * sizeof(*counts));
	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	for (size_t i = 0; i < res.rows; i++) {
		json_t *list = json_loads(db_cell(&res, i, 0), 0, NULL);
		size_t k;
		json_t *v;

		json_array_foreach(list, k, v) {
			long long at = json_integer_value(v);

			if (at >= 0 && (size_t)at < outcomes)
				counts[at]++;
		}
		json_decref(list);
	}
	db_result_free(&res);
	return 0;
}

/*
 * Lists the languages in which the questions of a version can be read: the version's own language
 * first, then every language that at least one question has a translation into. NULL when the query failed.
 */
static json_t *question_languages(struct worker *w, long long version_id, const char *own)
{
	static const char sql[] =
	    "SELECT DISTINCT t.language FROM assessment_question_translations AS t"
	    " JOIN assessment_questions AS q ON q.id = t.question_id"
	    " WHERE q.microcredential_version_id = ? AND q.retired_at IS NULL ORDER BY t.language";
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;
	json_t *list;

	if (db_query(w, sql, params, 1, &res) != 0)
		return NULL;
	list = json_pack("[s]", own);
	for (size_t i = 0; i < res.rows; i++)
		if (strcmp(db_cell(&res, i, 0), own) != 0)
			json_array_append_new(list, json_string(db_cell(&res, i, 0)));
	db_result_free(&res);
	return list;
}

/*
 * GET /api/v1/microcredentials/{id}/assessment: what a learner needs to know before starting, from
 * the assessment of the published version.
 */
void handle_assessment_get(struct req *r)
{
	struct assessment_rules rules;
	struct mc_version_info info = { 0 };
	long long mc_id, *counts = NULL, available_questions = 0;
	bool db_failed = false, available = true;
	json_t *mc = NULL, *body, *languages = NULL;
	const char *own_language;
	size_t outcomes;

	if (parse_long(r->params[0], 1, INT64_MAX, &mc_id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		return;
	}
	mc = microcredential_version_load(r->w, mc_id, MC_VERSION_PUBLISHED, 0, NULL, false, &info, &db_failed);
	if (!mc) {
		if (db_failed)
			reply_db_error(r);
		else
			reply_error(r, 404, "not_found", NULL, "no published micro-credential has this id");
		return;
	}
	outcomes = assessment_outcome_count(mc);
	counts = xcalloc(outcomes ? outcomes : 1, sizeof(*counts));
	own_language = json_string_value(json_object_get(mc, "language"));
	if (assessment_rules_load(r->w, info.version_id, &rules) != 0 ||
	    outcome_coverage(r->w, info.version_id, outcomes, counts) != 0 ||
	    !(languages = question_languages(r->w, info.version_id, own_language ? own_language : "en"))) {
		reply_db_error(r);
		goto out;
	}
	for (size_t i = 0; i < outcomes; i++) {
		long long used = counts[i] < rules.questions_per_outcome ? counts[i] : rules.questions_per_outcome;

		available = available && counts[i] > 0;
		available_questions += used;
	}
	body = assessment_rules_json(&rules);
	json_object_set_new(body, "microcredential_id", json_integer(mc_id));
	json_object_set_new(body, "version", json_integer(info.version));
	json_object_set_new(body, "languages", languages);
	languages = NULL;
	json_object_set_new(body, "available", json_boolean(rules.exists && available && outcomes > 0));
	/* Questions that cover several outcomes count once, so this is an upper bound. */
	json_object_set_new(body, "max_questions", json_integer(available_questions));
	/*
	 * The route is open to anyone, so the router loads no session. A signed-in learner also gets
	 * when their next attempt may start, so that the page offers the start only when it would work.
	 */
	if (session_load(r) != 0) {
		json_decref(body);
		reply_db_error(r);
		goto out;
	}
	if (r->user && r->user->role == ROLE_LEARNER) {
		json_t *next = attempt_next_json(r->w, r->user->id, mc_id, &rules);

		if (!next) {
			json_decref(body);
			reply_db_error(r);
			goto out;
		}
		json_object_set_new(body, "next_attempt", next);
		json_object_set_new(body, "time_zone", json_string(cfg.timezone));
	}
	reply_json(r, 200, body);
out:
	json_decref(languages);
	free(counts);
	json_decref(mc);
}

static int rule_or_reply(struct req *r, json_t *body, const char *field, long long min, long long max,
    long long *value)
{
	long long v;
	bool present;

	if (json_int_or_reply(r, body, field, false, min, max, &v, &present) != 0)
		return -1;
	if (present)
		*value = v;
	return 0;
}

/*
 * PUT /api/v1/microcredentials/{id}/assessment: sets the rules of the latest version while it is
 * editable; fields left out keep their value.
 */
void handle_assessment_put(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO assessments (microcredential_id, microcredential_version_id, questions_per_outcome,"
	    " time_limit_minutes, pass_mark_percent, outcome_min_percent, max_attempts, wait_minutes,"
	    " supervision, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?)"
	    " ON DUPLICATE KEY UPDATE questions_per_outcome = VALUES(questions_per_outcome),"
	    " time_limit_minutes = VALUES(time_limit_minutes), pass_mark_percent = VALUES(pass_mark_percent),"
	    " outcome_min_percent = VALUES(outcome_min_percent), max_attempts = VALUES(max_attempts),"
	    " wait_minutes = VALUES(wait_minutes), supervision = VALUES(supervision),"
	    " updated_at = VALUES(updated_at), updated_by = VALUES(updated_by)";
	struct assessment_version v;
	struct assessment_rules rules;
	long long per, limit, pass, min, attempts, wait;
	const char *supervision = NULL;
	json_t *body = NULL, *mc, *reply;

	mc = changeable_version_or_reply(r, &v);
	if (!mc)
		return;
	body = req_json_or_reply(r);
	if (!body)
		goto rollback;
	if (assessment_rules_load(r->w, v.version_id, &rules) != 0)
		goto failed;
	per = rules.questions_per_outcome;
	limit = rules.time_limit_minutes;
	pass = rules.pass_mark_percent;
	min = rules.outcome_min_percent;
	attempts = rules.max_attempts;
	wait = rules.wait_minutes;
	if (rule_or_reply(r, body, "questions_per_outcome", 1, 20, &per) != 0 ||
	    rule_or_reply(r, body, "time_limit_minutes", 1, 600, &limit) != 0 ||
	    rule_or_reply(r, body, "pass_mark_percent", 1, 100, &pass) != 0 ||
	    rule_or_reply(r, body, "outcome_min_percent", 0, 100, &min) != 0 ||
	    rule_or_reply(r, body, "max_attempts", 1, 50, &attempts) != 0 ||
	    rule_or_reply(r, body, "wait_minutes", 0, 525600, &wait) != 0 ||
	    json_string_or_reply(r, body, "supervision", false, 40, &supervision) != 0)
		goto rollback;
	if (supervision && strcmp(supervision, "unsupervised_no_id_check") != 0 &&
	    strcmp(supervision, "supervised_no_id_check") != 0 &&
	    strcmp(supervision, "supervised_with_id_check") != 0) {
		reply_error(r, 400, "invalid_field", "supervision", "supervision must be "
		    "unsupervised_no_id_check, supervised_no_id_check or supervised_with_id_check");
		goto rollback;
	}
	{
		struct db_param params[] = { P_INT(v.mc_id), P_INT(v.version_id), P_INT(per), P_INT(limit),
			P_INT(pass), P_INT(min), P_INT(attempts), P_INT(wait),
			P_TEXT(supervision ? supervision : rules.supervision), P_INT(r->user->id) };

		if (db_exec(r->w, sql, params, 10, NULL, NULL) != 0 ||
		    audit_record(r, "assessment_rules_changed", "microcredential", r->params[0], v.organisation_id,
		        json_pack("{s:I}", "version", (json_int_t)v.version)) != 0 ||
		    db_commit(r->w) != 0)
			goto failed;
	}
	if (assessment_rules_load(r->w, v.version_id, &rules) != 0) {
		reply_db_error(r);
		goto out;
	}
	log_event(LOG_INFO, r->request_id, "event=assessment_rules_changed microcredential=%lld version=%lld user=%lld",
	    v.mc_id, v.version, r->user->id);
	reply = assessment_rules_json(&rules);
	add_version_fields(reply, &v);
	reply_json(r, 200, reply);
	goto out;
failed:
	reply_db_error(r);
rollback:
	db_rollback(r->w);
out:
	json_decref(body);
	json_decref(mc);
}

/* GET .../assessment/questions: the question bank of the latest version, with the version named. */
void handle_assessment_questions_list(struct req *r)
{
	struct assessment_version v;
	json_t *bank, *reply;

	if (latest_version_or_reply(r, false, &v) != 0)
		return;
	bank = assessment_questions_json(r->w, v.version_id);
	if (!bank) {
		reply_db_error(r);
		return;
	}
	reply = json_pack("{s:o}", "items", bank);
	add_version_fields(reply, &v);
	reply_json(r, 200, reply);
}

/* Checks that v is an array of distinct integers in [0, limit), at least min_items long. */
static bool index_list_valid(json_t *v, size_t limit, size_t min_items, bool permutation)
{
	bool seen[64] = { false };
	size_t i;
	json_t *item;

	if (!json_is_array(v) || json_array_size(v) < min_items || limit > 64)
		return false;
	if (permutation && json_array_size(v) != limit)
		return false;
	json_array_foreach(v, i, item) {
		long long at = json_integer_value(item);

		if (!json_is_integer(item) || at < 0 || (size_t)at >= limit || seen[at])
			return false;
		seen[at] = true;
	}
	return true;
}

/* Validates a question body; sets the JSON texts to store (owned by the caller). */
struct question_input {
	const char *type;
	const char *prompt;
	const char *explanation;
	char *options;
	char *correct;
	char *outcomes;
	json_t *translations;         /* [{language, prompt, options, explanation}], NULL fields fall back */
};

static void question_input_free(struct question_input *q)
{
	free(q->options);
	free(q->correct);
	free(q->outcomes);
	json_decref(q->translations);
}

/* Reads an optional translated text of at most PROMPT_MAX characters into out (JSON null when absent). */
static int translated_text_or_reply(struct req *r, json_t *entry, const char *key, size_t i, json_t *out)
{
	json_t *v = json_object_get(entry, key);
	const char *text = json_string_value(v);
	char field[64];

	snprintf(field, sizeof(field), "translations[%zu].%s", i, key);
	if (!v || json_is_null(v) || (text && !*text)) {
		json_object_set_new(out, key, json_null());
		return 0;
	}
	if (!text || strlen(text) != json_string_length(v) || text_has_control(text, true) ||
	    utf8_length(text) > PROMPT_MAX) {
		reply_error(r, 400, "invalid_field", field, "%s must be text of at most %d characters",
		    field, PROMPT_MAX);
		return -1;
	}
	json_object_set_new(out, key, json_string(text));
	return 0;
}

/* Reads the translated option texts: null, or one text per option of the question, in its order. */
static int translated_options_or_reply(struct req *r, json_t *entry, size_t i, size_t count, json_t *out)
{
	json_t *v = json_object_get(entry, "options"), *item;
	char field[64];
	size_t k;

	snprintf(field, sizeof(field), "translations[%zu].options", i);
	if (!v || json_is_null(v)) {
		json_object_set_new(out, "options", json_null());
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) != count) {
		reply_error(r, 400, "invalid_field", field,
		    "%s must list %zu option texts, one per option in the order of the question", field, count);
		return -1;
	}
	json_array_foreach(v, k, item) {
		const char *text = json_string_value(item);

		if (!text || !*text || strlen(text) != json_string_length(item) ||
		    text_has_control(text, false) || utf8_length(text) > OPTION_MAX) {
			reply_error(r, 400, "invalid_field", field,
			    "option %zu of %s must be text of 1 to %d characters on one line", k + 1, field, OPTION_MAX);
			return -1;
		}
	}
	json_object_set(out, "options", v);
	return 0;
}

/*
 * Reads the optional translations of a question: [{language, prompt, options, explanation}], one
 * per language other than the version's own, each field optional.
 */
static int question_translations_or_reply(struct req *r, json_t *body, const char *base_language,
    size_t option_count, struct question_input *q)
{
	json_t *list = json_object_get(body, "translations"), *entry;
	size_t i;

	q->translations = json_array();
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list) || json_array_size(list) > TRANSLATIONS_MAX) {
		reply_error(r, 400, "invalid_field", "translations", "translations must be a list of at most %d "
		    "{language, prompt, options, explanation}", TRANSLATIONS_MAX);
		return -1;
	}
	json_array_foreach(list, i, entry) {
		const char *language = json_string_value(json_object_get(entry, "language"));
		json_t *out = json_object();
		char field[64];
		size_t k;
		json_t *earlier;

		json_array_append_new(q->translations, out);
		snprintf(field, sizeof(field), "translations[%zu].language", i);
		if (!json_is_object(entry) || !language_code_valid(language)) {
			reply_error(r, 400, "invalid_field", field,
			    "%s must be an ISO 639-1 language code in lower case, such as es", field);
			return -1;
		}
		if (strcmp(language, base_language) == 0) {
			reply_error(r, 400, "invalid_field", field,
			    "%s is %s, the language of the question itself; translate into another language",
			    field, language);
			return -1;
		}
		json_array_foreach(q->translations, k, earlier)
			if (earlier != out && json_equal(json_object_get(earlier, "language"), json_object_get(entry, "language"))) {
				reply_error(r, 400, "invalid_field", field, "%s repeats the language %s", field, language);
				return -1;
			}
		json_object_set_new(out, "language", json_string(language));
		if (translated_text_or_reply(r, entry, "prompt", i, out) != 0 ||
		    translated_options_or_reply(r, entry, i, option_count, out) != 0 ||
		    translated_text_or_reply(r, entry, "explanation", i, out) != 0)
			return -1;
	}
	return 0;
}

/* Stores the translations of question question_id, inside the caller's transaction. */
static int question_translations_store(struct worker *w, unsigned long long question_id, json_t *translations)
{
	static const char sql[] =
	    "INSERT INTO assessment_question_translations (question_id, language, prompt, options, explanation)"
	    " VALUES (?, ?, ?, ?, ?)";
	size_t i;
	json_t *entry;

	json_array_foreach(translations, i, entry) {
		json_t *options = json_object_get(entry, "options");
		const char *prompt = json_string_value(json_object_get(entry, "prompt"));
		const char *explanation = json_string_value(json_object_get(entry, "explanation"));
		char *options_text = json_is_array(options) ? json_dumps(options, JSON_COMPACT) : NULL;
		int rc;

		if (!prompt && !options_text && !explanation)
			continue;
		{
			struct db_param params[] = { P_INT((long long)question_id),
				P_TEXT(json_string_value(json_object_get(entry, "language"))),
				prompt ? P_TEXT(prompt) : P_NULL, options_text ? P_TEXT(options_text) : P_NULL,
				explanation ? P_TEXT(explanation) : P_NULL };

			rc = db_exec(w, sql, params, 5, NULL, NULL);
		}
		free(options_text);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int question_options_or_reply(struct req *r, json_t *body, struct question_input *q,
    size_t *count)
{
	json_t *options = json_object_get(body, "options");
	size_t i;
	json_t *item;

	if (strcmp(q->type, "true_false") == 0) {
		if (options && !json_is_null(options)) {
			reply_error(r, 400, "invalid_field", "options",
			    "a true_false question has no options; set correct to true or false");
			return -1;
		}
		q->options = xstrdup("[\"True\",\"False\"]");
		*count = 2;
		return 0;
	}
	if (!json_is_array(options) || json_array_size(options) < OPTIONS_MIN ||
	    json_array_size(options) > OPTIONS_MAX) {
		reply_error(r, 400, options ? "invalid_field" : "missing_field", "options",
		    "options must be a list of %d to %d answer texts", OPTIONS_MIN, OPTIONS_MAX);
		return -1;
	}
	json_array_foreach(options, i, item) {
		const char *text = json_string_value(item);

		if (!text || !*text || strlen(text) != json_string_length(item) ||
		    text_has_control(text, false) || utf8_length(text) > OPTION_MAX) {
			reply_error(r, 400, "invalid_field", "options",
			    "option %zu must be text of 1 to %d characters on one line", i + 1, OPTION_MAX);
			return -1;
		}
	}
	q->options = json_dumps(options, JSON_COMPACT);
	*count = json_array_size(options);
	return 0;
}

static int question_correct_or_reply(struct req *r, json_t *body, struct question_input *q,
    size_t options)
{
	json_t *correct = json_object_get(body, "correct");
	bool ok;

	if (strcmp(q->type, "true_false") == 0)
		ok = json_is_boolean(correct);
	else if (strcmp(q->type, "single_choice") == 0)
		ok = json_is_integer(correct) && json_integer_value(correct) >= 0 &&
		    (size_t)json_integer_value(correct) < options;
	else if (strcmp(q->type, "multiple_choice") == 0)
		ok = index_list_valid(correct, options, 1, false);
	else
		ok = index_list_valid(correct, options, options, true);
	if (!ok) {
		reply_error(r, 400, correct ? "invalid_field" : "missing_field", "correct",
		    "correct must be: for true_false true or false; for single_choice the position of the "
		    "right option (from 0); for multiple_choice a list of positions; for ordering every "
		    "position once, in the right order");
		return -1;
	}
	q->correct = json_dumps(correct, JSON_COMPACT | JSON_ENCODE_ANY);
	return 0;
}

static int question_parse_or_reply(struct req *r, json_t *body, json_t *mc, struct question_input *q)
{
	size_t options = 0, outcomes = assessment_outcome_count(mc);
	json_t *links = json_object_get(body, "outcomes");

	memset(q, 0, sizeof(*q));
	if (json_string_or_reply(r, body, "type", true, 20, &q->type) != 0)
		return -1;
	if (strcmp(q->type, "single_choice") != 0 && strcmp(q->type, "multiple_choice") != 0 &&
	    strcmp(q->type, "true_false") != 0 && strcmp(q->type, "ordering") != 0) {
		reply_error(r, 400, "invalid_field", "type",
		    "type must be single_choice, multiple_choice, true_false or ordering");
		return -1;
	}
	if (json_string_or_reply(r, body, "prompt", true, PROMPT_MAX, &q->prompt) != 0 ||
	    json_string_or_reply(r, body, "explanation", false, PROMPT_MAX, &q->explanation) != 0)
		return -1;
	if (!*q->prompt) {
		reply_error(r, 400, "invalid_field", "prompt", "prompt must not be empty");
		return -1;
	}
	if (question_options_or_reply(r, body, q, &options) != 0 ||
	    question_correct_or_reply(r, body, q, options) != 0)
		return -1;
	if (question_translations_or_reply(r, body, json_string_value(json_object_get(mc, "language")) ?
	    json_string_value(json_object_get(mc, "language")) : "en", options, q) != 0)
		return -1;
	if (!index_list_valid(links, outcomes, 1, false)) {
		reply_error(r, 400, links ? "invalid_field" : "missing_field", "outcomes",
		    "outcomes must list the positions (from 0 to %zu) of the learning outcomes the question "
		    "assesses", outcomes ? outcomes - 1 : 0);
		return -1;
	}
	q->outcomes = json_dumps(links, JSON_COMPACT);
	return 0;
}

/* Finds the current question of the path in version v; sets *copied_from (0 when none). */
static long long question_id_or_reply(struct req *r, const struct assessment_version *v, long long *copied_from)
{
	static const char sql[] =
	    "SELECT id, copied_from_id FROM assessment_questions WHERE id = ? AND microcredential_version_id = ?"
	    " AND retired_at IS NULL";
	long long qid;
	struct db_result res;

	if (parse_long(r->params[1], 1, INT64_MAX, &qid) != 0) {
		reply_error(r, 404, "not_found", NULL, "no question has this id");
		return 0;
	}
	{
		struct db_param params[] = { P_INT(qid), P_INT(v->version_id) };

		if (db_query(r->w, sql, params, 2, &res) != 0) {
			reply_db_error(r);
			return 0;
		}
	}
	if (res.rows == 0) {
		db_result_free(&res);
		reply_error(r, 404, "not_found", NULL,
		    "version %lld of this micro-credential has no current question with this id", v->version);
		return 0;
	}
	*copied_from = db_cell(&res, 0, 1) ? db_cell_int(&res, 0, 1) : 0;
	db_result_free(&res);
	return qid;
}

/*
 * POST .../assessment/questions creates; PUT .../questions/{qid} replaces: a new row takes the
 * place of the old one, which is retired, and keeps its link to the earlier version's question.
 */
static void question_save(struct req *r, bool replace)
{
	static const char insert_sql[] =
	    "INSERT INTO assessment_questions (microcredential_id, microcredential_version_id, type, prompt,"
	    " options, correct, outcomes, explanation, copied_from_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char retire_sql[] =
	    "UPDATE assessment_questions SET retired_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct assessment_version v;
	struct question_input q = { 0 };
	long long old_id = 0, copied_from = 0;
	unsigned long long new_id = 0;
	json_t *mc, *body = NULL, *saved = NULL, *reply, *item;
	char object[32];
	size_t i;

	mc = changeable_version_or_reply(r, &v);
	if (!mc)
		return;
	if (replace && (old_id = question_id_or_reply(r, &v, &copied_from)) == 0)
		goto rollback;
	body = req_json_or_reply(r);
	if (!body || question_parse_or_reply(r, body, mc, &q) != 0)
		goto rollback;
	{
		struct db_param params[] = { P_INT(v.mc_id), P_INT(v.version_id), P_TEXT(q.type), P_TEXT(q.prompt),
			P_TEXT(q.options), P_TEXT(q.correct), P_TEXT(q.outcomes), P_TEXT(q.explanation),
			copied_from ? P_INT(copied_from) : P_NULL };
		struct db_param retire[] = { P_INT(old_id) };

		if (db_exec(r->w, insert_sql, params, 9, NULL, &new_id) != 0 ||
		    question_translations_store(r->w, new_id, q.translations) != 0 ||
		    (replace && db_exec(r->w, retire_sql, retire, 1, NULL, NULL) != 0))
			goto failed;
		snprintf(object, sizeof(object), "%llu", new_id);
		if (audit_record(r, replace ? "assessment_question_replaced" : "assessment_question_added",
		    "assessment_question", object, v.organisation_id, replace ?
		    json_pack("{s:I, s:I}", "replaces", (json_int_t)old_id, "version", (json_int_t)v.version) :
		    json_pack("{s:I}", "version", (json_int_t)v.version)) != 0)
			goto failed;
		saved = assessment_questions_json(r->w, v.version_id);
		if (!saved || db_commit(r->w) != 0)
			goto failed;
	}
	log_event(LOG_INFO, r->request_id, "event=assessment_question_saved microcredential=%lld version=%lld question=%llu user=%lld",
	    v.mc_id, v.version, new_id, r->user->id);
	reply = NULL;
	json_array_foreach(saved, i, item)
		if (json_integer_value(json_object_get(item, "id")) == (json_int_t)new_id)
			reply = json_incref(item);
	if (!reply)
		reply = json_pack("{s:I}", "id", (json_int_t)new_id);
	add_version_fields(reply, &v);
	reply_json(r, replace ? 200 : 201, reply);
	goto out;
failed:
	reply_db_error(r);
rollback:
	db_rollback(r->w);
out:
	json_decref(saved);
	question_input_free(&q);
	json_decref(body);
	json_decref(mc);
}

void handle_assessment_question_create(struct req *r)
{
	question_save(r, false);
}

void handle_assessment_question_replace(struct req *r)
{
	question_save(r, true);
}

/* Retires a question of the editable version: it no longer belongs to that version's bank. */
void handle_assessment_question_delete(struct req *r)
{
	static const char sql[] =
	    "UPDATE assessment_questions SET retired_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct assessment_version v;
	long long qid, copied_from = 0;
	json_t *mc = changeable_version_or_reply(r, &v);

	if (!mc)
		return;
	qid = question_id_or_reply(r, &v, &copied_from);
	if (qid == 0) {
		db_rollback(r->w);
		json_decref(mc);
		return;
	}
	{
		struct db_param params[] = { P_INT(qid) };

		if (db_exec(r->w, sql, params, 1, NULL, NULL) != 0 ||
		    audit_record(r, "assessment_question_retired", "assessment_question", r->params[1],
		        v.organisation_id, json_pack("{s:I}", "version", (json_int_t)v.version)) != 0 ||
		    db_commit(r->w) != 0) {
			db_rollback(r->w);
			reply_db_error(r);
		} else {
			reply_no_content(r);
		}
	}
	json_decref(mc);
}
