/*
 * assessment.c: the online assessment of a micro-credential, as its editors write it: the rules
 * (how many questions per learning outcome, time limit, pass marks, attempts and waiting time) and
 * the question bank. Learners take it through attempts.c.
 *
 * Each question is tied to one or more learning outcomes by their 0-based position in the
 * micro-credential's list. Correct answers are stored as option positions in the order the editor
 * wrote them; attempts.c shuffles options per attempt and never sends these to learners.
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

static const char rules_sql[] =
    "SELECT questions_per_outcome, time_limit_minutes, pass_mark_percent, outcome_min_percent,"
    " max_attempts, wait_minutes, supervision FROM assessments WHERE microcredential_id = ?";

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

int assessment_rules_load(struct worker *w, long long mc_id, struct assessment_rules *rules)
{
	struct db_param params[] = { P_INT(mc_id) };
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

/*
 * Loads the published micro-credential of the path and checks that the caller may edit its
 * assessment. Replies and returns NULL when not. New reference.
 */
static json_t *editable_microcredential_or_reply(struct req *r, long long *mc_id)
{
	long long org_id = 0;
	bool db_failed = false;
	json_t *mc;

	if (parse_long(r->params[0], 1, INT64_MAX, mc_id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		return NULL;
	}
	mc = microcredential_load(r->w, *mc_id, false, &org_id, &db_failed);
	if (db_failed) {
		reply_db_error(r);
		return NULL;
	}
	if (!mc) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		return NULL;
	}
	if (r->user->role != ROLE_COORDINATOR &&
	    !(r->user->role == ROLE_EDITOR && r->user->organisation_id == org_id)) {
		json_decref(mc);
		reply_error(r, 403, "forbidden", NULL,
		    "only editors of the promoting organisation and coordinators may edit this assessment");
		return NULL;
	}
	return mc;
}

/*
 * Like editable_microcredential_or_reply, and also replies 409 attempts_in_progress while a learner
 * has an attempt that is still running: the rules and questions of a running attempt must not
 * change under the learner. Attempts whose deadline has passed do not count.
 * NOTE: nothing locks out an attempt that starts between this check and the change.
 */
static json_t *changeable_microcredential_or_reply(struct req *r, long long *mc_id)
{
	static const char sql[] =
	    "SELECT COUNT(*) FROM assessment_attempts WHERE microcredential_id = ?"
	    " AND status = 'in_progress' AND deadline_at > UTC_TIMESTAMP(6)";
	json_t *mc = editable_microcredential_or_reply(r, mc_id);
	struct db_result res;
	long long running;

	if (!mc)
		return NULL;
	struct db_param params[] = { P_INT(*mc_id) };
	if (db_query(r->w, sql, params, 1, &res) != 0) {
		json_decref(mc);
		reply_db_error(r);
		return NULL;
	}
	running = db_cell_int(&res, 0, 0);
	db_result_free(&res);
	if (running > 0) {
		json_decref(mc);
		log_event(LOG_INFO, r->request_id, "event=assessment_change_rejected microcredential=%lld running=%lld",
		    *mc_id, running);
		reply_error(r, 409, "attempts_in_progress", NULL,
		    "learners are taking this assessment now (%lld attempts running); change it after "
		    "their attempts end, at the latest when their time limit runs out", running);
		return NULL;
	}
	return mc;
}

/* The questions of the bank that are not retired, with their answers. New reference or NULL. */
static json_t *question_bank_json(struct worker *w, long long mc_id)
{
	static const char sql[] =
	    "SELECT id, type, prompt, options, correct, outcomes, explanation FROM assessment_questions"
	    " WHERE microcredential_id = ? AND retired_at IS NULL ORDER BY id";
	struct db_param params[] = { P_INT(mc_id) };
	struct db_result res;
	json_t *list;

	if (db_query(w, sql, params, 1, &res) != 0)
		return NULL;
	list = json_array();
	for (size_t i = 0; i < res.rows; i++) {
		const char *explanation = db_cell(&res, i, 6);

		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s?}",
		    "id", (json_int_t)db_cell_int(&res, i, 0),
		    "type", db_cell(&res, i, 1),
		    "prompt", db_cell(&res, i, 2),
		    "options", json_loads(db_cell(&res, i, 3), 0, NULL),
		    "correct", json_loads(db_cell(&res, i, 4), JSON_DECODE_ANY, NULL),
		    "outcomes", json_loads(db_cell(&res, i, 5), 0, NULL),
		    "explanation", explanation));
	}
	db_result_free(&res);
	return list;
}

/* Counts, per learning outcome, the questions of the bank that assess it. */
static int outcome_coverage(struct worker *w, long long mc_id, size_t outcomes, long long *counts)
{
	static const char sql[] =
	    "SELECT outcomes FROM assessment_questions WHERE microcredential_id = ? AND retired_at IS NULL";
	struct db_param params[] = { P_INT(mc_id) };
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

/* GET /api/v1/microcredentials/{id}/assessment: what a learner needs to know before starting. */
void handle_assessment_get(struct req *r)
{
	struct assessment_rules rules;
	long long mc_id, *counts = NULL, available_questions = 0;
	bool db_failed = false, available = true;
	json_t *mc = NULL, *body;
	size_t outcomes;

	if (parse_long(r->params[0], 1, INT64_MAX, &mc_id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		return;
	}
	mc = microcredential_load(r->w, mc_id, true, NULL, &db_failed);
	if (!mc) {
		if (db_failed)
			reply_db_error(r);
		else
			reply_error(r, 404, "not_found", NULL, "no published micro-credential has this id");
		return;
	}
	outcomes = assessment_outcome_count(mc);
	counts = xcalloc(outcomes ? outcomes : 1, sizeof(*counts));
	if (assessment_rules_load(r->w, mc_id, &rules) != 0 ||
	    outcome_coverage(r->w, mc_id, outcomes, counts) != 0) {
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
	json_object_set_new(body, "available", json_boolean(rules.exists && available && outcomes > 0));
	/* Questions that cover several outcomes count once, so this is an upper bound. */
	json_object_set_new(body, "max_questions", json_integer(available_questions));
	reply_json(r, 200, body);
out:
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

/* PUT /api/v1/microcredentials/{id}/assessment: sets the rules; fields left out keep their value. */
void handle_assessment_put(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO assessments (microcredential_id, questions_per_outcome, time_limit_minutes,"
	    " pass_mark_percent, outcome_min_percent, max_attempts, wait_minutes, supervision,"
	    " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?)"
	    " ON DUPLICATE KEY UPDATE questions_per_outcome = VALUES(questions_per_outcome),"
	    " time_limit_minutes = VALUES(time_limit_minutes), pass_mark_percent = VALUES(pass_mark_percent),"
	    " outcome_min_percent = VALUES(outcome_min_percent), max_attempts = VALUES(max_attempts),"
	    " wait_minutes = VALUES(wait_minutes), supervision = VALUES(supervision),"
	    " updated_at = VALUES(updated_at), updated_by = VALUES(updated_by)";
	struct assessment_rules rules;
	long long mc_id, per, limit, pass, min, attempts, wait;
	const char *supervision = NULL;
	json_t *body = NULL, *mc;

	mc = changeable_microcredential_or_reply(r, &mc_id);
	if (!mc)
		return;
	body = req_json_or_reply(r);
	if (!body)
		goto out;
	if (assessment_rules_load(r->w, mc_id, &rules) != 0) {
		reply_db_error(r);
		goto out;
	}
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
		goto out;
	if (supervision && strcmp(supervision, "unsupervised_no_id_check") != 0 &&
	    strcmp(supervision, "supervised_no_id_check") != 0 &&
	    strcmp(supervision, "supervised_with_id_check") != 0) {
		reply_error(r, 400, "invalid_field", "supervision", "supervision must be "
		    "unsupervised_no_id_check, supervised_no_id_check or supervised_with_id_check");
		goto out;
	}
	{
		struct db_param params[] = { P_INT(mc_id), P_INT(per), P_INT(limit), P_INT(pass), P_INT(min),
			P_INT(attempts), P_INT(wait), P_TEXT(supervision ? supervision : rules.supervision),
			P_INT(r->user->id) };

		if (db_begin(r->w) != 0 || db_exec(r->w, sql, params, 9, NULL, NULL) != 0 ||
		    audit_record(r, "assessment_rules_changed", "microcredential", r->params[0], 0, NULL) != 0 ||
		    db_commit(r->w) != 0 || assessment_rules_load(r->w, mc_id, &rules) != 0) {
			db_rollback(r->w);
			reply_db_error(r);
			goto out;
		}
	}
	log_event(LOG_INFO, r->request_id, "event=assessment_rules_changed microcredential=%lld user=%lld",
	    mc_id, r->user->id);
	reply_json(r, 200, assessment_rules_json(&rules));
out:
	json_decref(body);
	json_decref(mc);
}

void handle_assessment_questions_list(struct req *r)
{
	long long mc_id;
	json_t *mc = editable_microcredential_or_reply(r, &mc_id), *bank;

	if (!mc)
		return;
	bank = question_bank_json(r->w, mc_id);
	json_decref(mc);
	if (!bank) {
		reply_db_error(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", bank));
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
};

static void question_input_free(struct question_input *q)
{
	free(q->options);
	free(q->correct);
	free(q->outcomes);
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
	if (!index_list_valid(links, outcomes, 1, false)) {
		reply_error(r, 400, links ? "invalid_field" : "missing_field", "outcomes",
		    "outcomes must list the positions (from 0 to %zu) of the learning outcomes the question "
		    "assesses", outcomes ? outcomes - 1 : 0);
		return -1;
	}
	q->outcomes = json_dumps(links, JSON_COMPACT);
	return 0;
}

static long long question_id_or_reply(struct req *r, long long mc_id)
{
	static const char sql[] =
	    "SELECT id FROM assessment_questions WHERE id = ? AND microcredential_id = ? AND retired_at IS NULL";
	long long qid;
	struct db_result res;

	if (parse_long(r->params[1], 1, INT64_MAX, &qid) != 0) {
		reply_error(r, 404, "not_found", NULL, "no question has this id");
		return 0;
	}
	{
		struct db_param params[] = { P_INT(qid), P_INT(mc_id) };

		if (db_query(r->w, sql, params, 2, &res) != 0) {
			reply_db_error(r);
			return 0;
		}
	}
	if (res.rows == 0) {
		db_result_free(&res);
		reply_error(r, 404, "not_found", NULL, "no question of this micro-credential has this id");
		return 0;
	}
	db_result_free(&res);
	return qid;
}

/* POST .../assessment/questions creates; PUT .../questions/{qid} replaces (a new row, the old retired). */
static void question_save(struct req *r, bool replace)
{
	static const char insert_sql[] =
	    "INSERT INTO assessment_questions (microcredential_id, type, prompt, options, correct, outcomes,"
	    " explanation) VALUES (?, ?, ?, ?, ?, ?, ?)";
	static const char retire_sql[] =
	    "UPDATE assessment_questions SET retired_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct question_input q = { 0 };
	long long mc_id, old_id = 0;
	unsigned long long new_id = 0;
	json_t *mc, *body = NULL;
	char object[32];

	mc = changeable_microcredential_or_reply(r, &mc_id);
	if (!mc)
		return;
	if (replace && (old_id = question_id_or_reply(r, mc_id)) == 0)
		goto out;
	body = req_json_or_reply(r);
	if (!body || question_parse_or_reply(r, body, mc, &q) != 0)
		goto out;
	{
		struct db_param params[] = { P_INT(mc_id), P_TEXT(q.type), P_TEXT(q.prompt), P_TEXT(q.options),
			P_TEXT(q.correct), P_TEXT(q.outcomes), P_TEXT(q.explanation) };
		struct db_param retire[] = { P_INT(old_id) };

		if (db_begin(r->w) != 0 || db_exec(r->w, insert_sql, params, 7, NULL, &new_id) != 0 ||
		    (replace && db_exec(r->w, retire_sql, retire, 1, NULL, NULL) != 0))
			goto failed;
		snprintf(object, sizeof(object), "%llu", new_id);
		if (audit_record(r, replace ? "assessment_question_replaced" : "assessment_question_added",
		    "assessment_question", object, 0, replace ? json_pack("{s:I}", "replaces", (json_int_t)old_id) : NULL) != 0 ||
		    db_commit(r->w) != 0)
			goto failed;
	}
	log_event(LOG_INFO, r->request_id, "event=assessment_question_saved microcredential=%lld question=%llu user=%lld",
	    mc_id, new_id, r->user->id);
	reply_json(r, replace ? 200 : 201, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s?}",
	    "id", (json_int_t)new_id, "type", q.type, "prompt", q.prompt,
	    "options", json_loads(q.options, 0, NULL),
	    "correct", json_loads(q.correct, JSON_DECODE_ANY, NULL),
	    "outcomes", json_loads(q.outcomes, 0, NULL), "explanation", q.explanation));
	goto out;
failed:
	db_rollback(r->w);
	reply_db_error(r);
out:
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

/* Retires a question: attempts that drew it keep it, new attempts no longer draw it. */
void handle_assessment_question_delete(struct req *r)
{
	static const char sql[] =
	    "UPDATE assessment_questions SET retired_at = UTC_TIMESTAMP(6) WHERE id = ?";
	long long mc_id, qid;
	json_t *mc = changeable_microcredential_or_reply(r, &mc_id);

	if (!mc)
		return;
	qid = question_id_or_reply(r, mc_id);
	if (qid) {
		struct db_param params[] = { P_INT(qid) };

		if (db_begin(r->w) != 0 || db_exec(r->w, sql, params, 1, NULL, NULL) != 0 ||
		    audit_record(r, "assessment_question_retired", "assessment_question", r->params[1], 0, NULL) != 0 ||
		    db_commit(r->w) != 0) {
			db_rollback(r->w);
			reply_db_error(r);
		} else {
			reply_no_content(r);
		}
	}
	json_decref(mc);
}
