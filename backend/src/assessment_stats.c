/*
 * assessment_stats.c: item statistics of a micro-credential's online assessment, for the editors
 * of the promoting organisation and coordinators.
 *
 * Only scored attempts count (passed or failed). For each question that appeared on their papers:
 * - difficulty: the share of those attempts that answered it correctly (classical p value, 0 to 1;
 *   higher means easier). An unanswered question counts as answered wrongly.
 * - discrimination: the point-biserial correlation between answering the question correctly (1/0)
 *   and the attempt's total score_percent, over the attempts that had the question:
 *       r = (M1 - M0) / s * sqrt(p * (1 - p))
 *   with M1 and M0 the mean total score of attempts that answered correctly and wrongly, s the
 *   population standard deviation of the total scores and p the difficulty. The total includes
 *   the question itself (uncorrected). It is null when fewer than two attempts had the question,
 *   when all or none answered correctly, or when every total score is the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

struct item_stats {
	long long id;
	long long attempts;           /* scored attempts whose paper had the question */
	long long correct;
	double score_sum;             /* of the total scores of those attempts */
	double score_square_sum;
	double correct_score_sum;     /* of the total scores of the attempts that answered correctly */
};

struct assessment_stats {
	long long finished;
	long long passed;
	long long in_progress;
	double score_sum;
	struct db_result questions;   /* id, type, prompt, outcomes, retired */
	struct item_stats *items;     /* one per row of questions */
};

static void assessment_stats_free(struct assessment_stats *st)
{
	db_result_free(&st->questions);
	free(st->items);
	memset(st, 0, sizeof *st);
}

static struct item_stats *item_find(struct assessment_stats *st, long long id)
{
	for (size_t i = 0; i < st->questions.rows; i++) {
		if (st->items[i].id == id)
			return &st->items[i];
	}
	return NULL;
}

/* Adds one scored attempt: its paper (JSON text), total score and the questions it got right. */
static void stats_add_attempt(struct assessment_stats *st, const char *paper_text, double score,
    json_t *correct_ids)
{
	json_t *paper = json_loads(paper_text, 0, NULL), *entry;
	size_t i;

	json_array_foreach(paper, i, entry) {
		long long id = json_integer_value(json_object_get(entry, "question"));
		struct item_stats *item = item_find(st, id);
		char key[24];

		if (!item)
			continue;
		snprintf(key, sizeof key, "%lld", id);
		item->attempts++;
		item->score_sum += score;
		item->score_square_sum += score * score;
		if (json_object_get(correct_ids, key)) {
			item->correct++;
			item->correct_score_sum += score;
		}
	}
	json_decref(paper);
}

static int stats_load(struct worker *w, long long mc_id, struct assessment_stats *st)
{
	static const char questions_sql[] =
	    "SELECT id, type, prompt, outcomes, retired_at IS NOT NULL FROM assessment_questions"
	    " WHERE microcredential_id = ? ORDER BY id";
	static const char attempts_sql[] =
	    "SELECT id, status, score_percent, paper FROM assessment_attempts WHERE microcredential_id = ?";
	static const char correct_sql[] =
	    "SELECT a.attempt_id, a.question_id FROM assessment_answers a"
	    " JOIN assessment_attempts t ON t.id = a.attempt_id"
	    " WHERE t.microcredential_id = ? AND t.status <> 'in_progress' AND a.correct = 1";
	struct db_param params[] = { P_INT(mc_id) };
	struct db_result attempts = { 0 }, correct = { 0 };
	json_t *right = NULL;
	int rc = -1;

	memset(st, 0, sizeof *st);
	if (db_query(w, questions_sql, params, 1, &st->questions) != 0)
		return -1;
	st->items = xcalloc(st->questions.rows + 1, sizeof *st->items);
	for (size_t i = 0; i < st->questions.rows; i++)
		st->items[i].id = db_cell_int(&st->questions, i, 0);
	if (db_query(w, attempts_sql, params, 1, &attempts) != 0 ||
	    db_query(w, correct_sql, params, 1, &correct) != 0)
		goto out;

	/* right: attempt id -> {question id: true} */
	right = json_object();
	for (size_t i = 0; i < correct.rows; i++) {
		const char *attempt = db_cell(&correct, i, 0);
		json_t *set = json_object_get(right, attempt);

		if (!set) {
			set = json_object();
			json_object_set_new(right, attempt, set);
		}
		json_object_set_new(set, db_cell(&correct, i, 1), json_true());
	}
	for (size_t i = 0; i < attempts.rows; i++) {
		const char *status = db_cell(&attempts, i, 1);
		double score;

		if (strcmp(status, "in_progress") == 0) {
			st->in_progress++;
			continue;
		}
		score = strtod(db_cell(&attempts, i, 2) ? db_cell(&attempts, i, 2) : "0", NULL);
		st->finished++;
		st->passed += strcmp(status, "passed") == 0;
		st->score_sum += score;
		stats_add_attempt(st, db_cell(&attempts, i, 3), score, json_object_get(right, db_cell(&attempts, i, 0)));
	}
	rc = 0;
out:
	json_decref(right);
	db_result_free(&attempts);
	db_result_free(&correct);
	return rc;
}

/* The point-biserial correlation of an item, or NAN when it is undefined (see the file header). */
static double item_discrimination(const struct item_stats *item)
{
	double n = (double)item->attempts, p, mean, variance, mean_right, mean_wrong;

	if (item->attempts < 2 || item->correct == 0 || item->correct == item->attempts)
		return NAN;
	p = (double)item->correct / n;
	mean = item->score_sum / n;
	variance = item->score_square_sum / n - mean * mean;
	if (variance <= 1e-9)
		return NAN;
	mean_right = item->correct_score_sum / (double)item->correct;
	mean_wrong = (item->score_sum - item->correct_score_sum) / (n - (double)item->correct);
	return (mean_right - mean_wrong) / sqrt(variance) * sqrt(p * (1 - p));
}

/* Rounds to 4 decimals, so the JSON and the CSV carry the same figures. */
static double round4(double x)
{
	return round(x * 10000.0) / 10000.0;
}

static json_t *number_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(round4(x));
}

static json_t *stats_json(long long mc_id, struct assessment_stats *st)
{
	json_t *questions = json_array(), *obj;

	for (size_t i = 0; i < st->questions.rows; i++) {
		const struct item_stats *item = &st->items[i];
		double difficulty = item->attempts ? (double)item->correct / (double)item->attempts : NAN;

		/* Retired questions that no scored attempt had carry no information. */
		if (item->attempts == 0 && db_cell_int(&st->questions, i, 4))
			continue;
		json_array_append_new(questions, json_pack("{s:I, s:s, s:s, s:o, s:b, s:I, s:I, s:o, s:o}",
		    "id", (json_int_t)item->id, "type", db_cell(&st->questions, i, 1),
		    "prompt", db_cell(&st->questions, i, 2),
		    "outcomes", json_loads(db_cell(&st->questions, i, 3), 0, NULL),
		    "retired", db_cell_int(&st->questions, i, 4) != 0,
		    "attempts", (json_int_t)item->attempts, "correct", (json_int_t)item->correct,
		    "difficulty", number_or_null(difficulty),
		    "discrimination", number_or_null(item_discrimination(item))));
	}
	obj = json_pack("{s:I, s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:s, s:o}",
	    "microcredential_id", (json_int_t)mc_id,
	    "attempts", "finished", (json_int_t)st->finished, "passed", (json_int_t)st->passed,
	    "failed", (json_int_t)(st->finished - st->passed), "in_progress", (json_int_t)st->in_progress,
	    "pass_rate", number_or_null(st->finished ? (double)st->passed / (double)st->finished : NAN),
	    "average_score_percent", number_or_null(st->finished ? st->score_sum / (double)st->finished : NAN),
	    "discrimination_method", "point_biserial", "questions", questions);
	return obj;
}

/* Appends one CSV field, quoted when needed (RFC 4180); a leading = + - @ is defused with '. */
static void csv_put(struct buf *out, const char *value)
{
	bool formula = value[0] != '\0' && strchr("=+-@", value[0]) != NULL;

	if (!formula && strpbrk(value, ",\"\r\n") == NULL) {
		buf_puts(out, value);
		return;
	}
	buf_putc(out, '"');
	if (formula)
		buf_putc(out, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			buf_putc(out, '"');
		buf_putc(out, *p);
	}
	buf_putc(out, '"');
}

static void csv_number(struct buf *out, json_t *value)
{
	if (json_is_number(value))
		buf_printf(out, "%.4f", json_number_value(value));
}

static void stats_csv_reply(struct req *r, json_t *stats)
{
	struct buf out;
	json_t *q;
	size_t i;
	char disposition[96];

	buf_init(&out);
	buf_puts(&out, "question_id,type,prompt,retired,attempts,correct,difficulty,discrimination\r\n");
	json_array_foreach(json_object_get(stats, "questions"), i, q) {
		buf_printf(&out, "%lld,%s,", (long long)json_integer_value(json_object_get(q, "id")),
		    json_string_value(json_object_get(q, "type")));
		csv_put(&out, json_string_value(json_object_get(q, "prompt")));
		buf_printf(&out, ",%s,%lld,%lld,", json_is_true(json_object_get(q, "retired")) ? "true" : "false",
		    (long long)json_integer_value(json_object_get(q, "attempts")),
		    (long long)json_integer_value(json_object_get(q, "correct")));
		csv_number(&out, json_object_get(q, "difficulty"));
		buf_putc(&out, ',');
		csv_number(&out, json_object_get(q, "discrimination"));
		buf_puts(&out, "\r\n");
	}
	snprintf(disposition, sizeof disposition,
	    "attachment; filename=\"assessment-statistics-%lld.csv\"",
	    (long long)json_integer_value(json_object_get(stats, "microcredential_id")));
	reply_header(r, "Content-Disposition", disposition);
	reply_raw(r, 200, "text/csv; charset=utf-8; header=present", out.data ? out.data : "", out.len);
	buf_free(&out);
}

/* GET /api/v1/microcredentials/{id}/assessment/statistics[?format=csv] */
void handle_assessment_statistics(struct req *r)
{
	struct assessment_stats st = { 0 };
	long long mc_id, org_id = 0;
	bool db_failed = false;
	json_t *mc = NULL, *stats;
	char *format = req_query(r, "format");

	if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
		reply_error(r, 400, "invalid_field", "format", "format must be json or csv");
		goto out;
	}
	if (parse_long(r->params[0], 1, INT64_MAX, &mc_id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		goto out;
	}
	mc = microcredential_load(r->w, mc_id, false, &org_id, &db_failed);
	if (!mc) {
		if (db_failed)
			reply_db_error(r);
		else
			reply_error(r, 404, "not_found", NULL, "no micro-credential has this id");
		goto out;
	}
	if (r->user->role != ROLE_COORDINATOR &&
	    !(r->user->role == ROLE_EDITOR && r->user->organisation_id == org_id)) {
		reply_error(r, 403, "forbidden", NULL,
		    "only editors of the promoting organisation and coordinators may read these statistics");
		goto out;
	}
	if (stats_load(r->w, mc_id, &st) != 0) {
		reply_db_error(r);
		goto out;
	}
	stats = stats_json(mc_id, &st);
	json_object_set_new(stats, "title", json_incref(json_object_get(mc, "title")));
	if (format && strcmp(format, "csv") == 0) {
		stats_csv_reply(r, stats);
		json_decref(stats);
	} else {
		reply_json(r, 200, stats);
	}
out:
	assessment_stats_free(&st);
	json_decref(mc);
	free(format);
}
