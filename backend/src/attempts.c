/*
 * attempts.c: learners taking a micro-credential's online assessment.
 *
 * An attempt takes the assessment of the version published when it starts, and keeps it. The paper
 * names that version's questions, which never change once the version is published. The rules and
 * the certificate of a pass come from that version, even when a newer one is published while the
 * attempt runs. The learner reads the questions in the language chosen at the start, with each
 * field falling back to the question's own text; positions and scoring do not depend on it.
 *
 * Starting an attempt draws the paper: for every learning outcome, questions_per_outcome questions
 * of the bank that assess it (a question that assesses several outcomes counts for each), in random
 * order, each with its options in a random order. The paper, with the permutations, stays on the
 * server; learners see option texts in the drawn order and answer by position in that order, so no
 * correct answer can be read before the attempt is scored.
 *
 * Answers are saved one by one as they are given, until the deadline, which the server's clock
 * sets. Submitting scores the saved answers, per learning outcome and overall; an attempt whose
 * deadline passed without a submission is scored the same way the next time it is read. A pass
 * issues the certificate in the same transaction. The attempt row is locked while it is scored and
 * a certificate may name an attempt only once, so two submissions at the same moment give one
 * certificate and the same result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mic.h"

#define ANSWER_MAX_BYTES 2048

struct attempt {
	char id[CERT_ID_LEN + 1];
	long long mc_id;
	long long version_id;         /* the version published at the start; 0 for attempts before 071 */
	long long assessment_version_id;  /* the version whose rules and questions the paper uses */
	long long version_number;     /* of version_id; 0 when unknown */
	char language[3];
	long long learner;
	char status[16];
	bool time_left;               /* the deadline is still ahead */
	char started_at[32];
	char deadline_at[32];
	char submitted_at[32];
	json_t *paper;
	double score;
	json_t *outcome_scores;
	char certificate_id[CERT_ID_LEN + 1];
};

/* One question of the bank, as scoring and display need it. */
struct question {
	long long id;
	char type[20];
	json_t *prompt;               /* borrowed from the bank JSON */
	json_t *options;
	json_t *shown_prompt;         /* in the reader's language, else the question's own text */
	json_t *shown_options;
	json_t *shown_explanation;
	json_t *correct;
	json_t *outcomes;
	json_t *explanation;
};

static void attempt_clear(struct attempt *a)
{
	json_decref(a->paper);
	json_decref(a->outcome_scores);
	memset(a, 0, sizeof(*a));
}

static size_t random_below(size_t n)
{
	uint32_t limit = UINT32_MAX - UINT32_MAX % (uint32_t)n, v;

	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			abort();
	} while (v >= limit);
	return v % n;
}

static void shuffle(long long *items, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = random_below(i);
		long long t = items[i - 1];

		items[i - 1] = items[j];
		items[j] = t;
	}
}

/*
 * Questions as {"<id>": {...}}, each with its texts in language (NULL: none) where translated:
 * with version_id 0 every question the micro-credential ever had, retired ones and those of other
 * versions too, so any paper resolves; else the current questions of that version. New reference.
 */
static json_t *bank_load(struct worker *w, long long mc_id, long long version_id, const char *language)
{
	static const char all_sql[] =
	    "SELECT q.id, q.type, q.prompt, q.options, q.correct, q.outcomes, q.explanation, t.prompt, t.options,"
	    " t.explanation FROM assessment_questions AS q"
	    " LEFT JOIN assessment_question_translations AS t ON t.question_id = q.id AND t.language = ?"
	    " WHERE q.microcredential_id = ?";
	static const char version_sql[] =
	    "SELECT q.id, q.type, q.prompt, q.options, q.correct, q.outcomes, q.explanation, t.prompt, t.options,"
	    " t.explanation FROM assessment_questions AS q"
	    " LEFT JOIN assessment_question_translations AS t ON t.question_id = q.id AND t.language = ?"
	    " WHERE q.microcredential_version_id = ? AND q.retired_at IS NULL";
	struct db_param params[] = { P_TEXT(language ? language : ""), P_INT(version_id ? version_id : mc_id) };
	struct db_result res;
	json_t *bank;

	if (db_query(w, version_id ? version_sql : all_sql, params, 2, &res) != 0)
		return NULL;
	bank = json_object();
	for (size_t i = 0; i < res.rows; i++) {
		const char *explanation = db_cell(&res, i, 6), *shown_explanation = db_cell(&res, i, 9);
		const char *shown_options = db_cell(&res, i, 8);
		json_t *item = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s?}",
		    "id", (json_int_t)db_cell_int(&res, i, 0), "type", db_cell(&res, i, 1),
		    "prompt", db_cell(&res, i, 2), "options", json_loads(db_cell(&res, i, 3), 0, NULL),
		    "correct", json_loads(db_cell(&res, i, 4), JSON_DECODE_ANY, NULL),
		    "outcomes", json_loads(db_cell(&res, i, 5), 0, NULL), "explanation", explanation);

		json_object_set_new(item, "shown_prompt", json_string(db_cell(&res, i, 7) ? db_cell(&res, i, 7)
		    : db_cell(&res, i, 2)));
		json_object_set_new(item, "shown_options", shown_options ? json_loads(shown_options, 0, NULL)
		    : json_incref(json_object_get(item, "options")));
		json_object_set_new(item, "shown_explanation", shown_explanation ? json_string(shown_explanation)
		    : explanation ? json_string(explanation) : json_null());
		json_object_set_new(bank, db_cell(&res, i, 0), item);
	}
	db_result_free(&res);
	return bank;
}

static bool question_get(json_t *bank, long long id, struct question *q)
{
	char key[24];
	json_t *item;

	snprintf(key, sizeof(key), "%lld", id);
	item = json_object_get(bank, key);
	if (!item)
		return false;
	q->id = id;
	snprintf(q->type, sizeof(q->type), "%s", json_string_value(json_object_get(item, "type")));
	q->prompt = json_object_get(item, "prompt");
	q->options = json_object_get(item, "options");
	q->correct = json_object_get(item, "correct");
	q->outcomes = json_object_get(item, "outcomes");
	q->explanation = json_object_get(item, "explanation");
	q->shown_prompt = json_object_get(item, "shown_prompt");
	q->shown_options = json_object_get(item, "shown_options");
	q->shown_explanation = json_object_get(item, "shown_explanation");
	return true;
}

static bool covers(json_t *outcomes, size_t outcome)
{
	size_t i;
	json_t *v;

	json_array_foreach(outcomes, i, v)
		if (json_integer_value(v) == (json_int_t)outcome)
			return true;
	return false;
}

/*
 * Draws a paper from the current bank. Returns NULL when some learning outcome has no question,
 * so the assessment cannot be taken. New reference.
 */
static json_t *paper_draw(json_t *bank, size_t outcomes, int per_outcome)
{
	size_t count = json_object_size(bank), chosen_count = 0;
	long long *ids = xcalloc(count ? count : 1, sizeof(*ids));
	bool *chosen = xcalloc(count ? count : 1, sizeof(*chosen));
	long long *order = NULL;
	json_t *paper = NULL;
	const char *key;
	json_t *item;
	size_t n = 0;

	json_object_foreach(bank, key, item)
		ids[n++] = json_integer_value(json_object_get(item, "id"));
	shuffle(ids, count);
	for (size_t o = 0; o < outcomes; o++) {
		int have = 0;

		for (size_t i = 0; i < count; i++) {
			struct question q;

			question_get(bank, ids[i], &q);
			if (chosen[i] && covers(q.outcomes, o))
				have++;
		}
		for (size_t i = 0; i < count && have < per_outcome; i++) {
			struct question q;

			question_get(bank, ids[i], &q);
			if (!chosen[i] && covers(q.outcomes, o)) {
				chosen[i] = true;
				chosen_count++;
				have++;
			}
		}
		if (have == 0)
			goto out;
	}
	order = xcalloc(chosen_count ? chosen_count : 1, sizeof(*order));
	n = 0;
	for (size_t i = 0; i < count; i++)
		if (chosen[i])
			order[n++] = ids[i];
	shuffle(order, n);
	paper = json_array();
	for (size_t i = 0; i < n; i++) {
		struct question q;
		size_t k;
		long long perm[16];
		json_t *options = json_array();

		question_get(bank, order[i], &q);
		k = json_array_size(q.options);
		for (size_t j = 0; j < k && j < 16; j++)
			perm[j] = (long long)j;
		if (strcmp(q.type, "true_false") != 0)
			shuffle(perm, k);
		for (size_t j = 0; j < k && j < 16; j++)
			json_array_append_new(options, json_integer(perm[j]));
		json_array_append_new(paper, json_pack("{s:I, s:o}", "question", (json_int_t)q.id,
		    "options", options));
	}
out:
	free(ids);
	free(chosen);
	free(order);
	return paper;
}

static void attempt_from_row(const struct db_result *res, size_t row, struct attempt *a)
{
	const char *cell;

	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", db_cell(res, row, 0));
	a->mc_id = db_cell_int(res, row, 1);
	a->learner = db_cell_int(res, row, 2);
	snprintf(a->status, sizeof(a->status), "%s", db_cell(res, row, 3));
	a->time_left = db_cell_int(res, row, 4) != 0;
	snprintf(a->started_at, sizeof(a->started_at), "%s", db_cell(res, row, 5));
	snprintf(a->deadline_at, sizeof(a->deadline_at), "%s", db_cell(res, row, 6));
	cell = db_cell(res, row, 7);
	snprintf(a->submitted_at, sizeof(a->submitted_at), "%s", cell ? cell : "");
	a->paper = json_loads(db_cell(res, row, 8), 0, NULL);
	cell = db_cell(res, row, 9);
	a->score = cell ? strtod(cell, NULL) : 0;
	cell = db_cell(res, row, 10);
	a->outcome_scores = cell ? json_loads(cell, 0, NULL) : NULL;
	cell = db_cell(res, row, 11);
	snprintf(a->certificate_id, sizeof(a->certificate_id), "%s", cell ? cell : "");
	a->version_id = db_cell(res, row, 12) ? db_cell_int(res, row, 12) : 0;
	a->assessment_version_id = db_cell(res, row, 13) ? db_cell_int(res, row, 13) : a->version_id;
	snprintf(a->language, sizeof(a->language), "%s", db_cell(res, row, 14));
	a->version_number = db_cell(res, row, 15) ? db_cell_int(res, row, 15) : 0;
}

/*
 * The version that the questions of an attempt's paper belong to. Attempts that started before
 * assessments belonged to versions may record a version whose questions moved to a later one.
 */
#define ASSESSMENT_VERSION_OF_PAPER \
	"(SELECT q.microcredential_version_id FROM assessment_questions AS q" \
	" WHERE q.id = JSON_VALUE(paper, '$[0].question'))"

/* Loads an attempt by id (locking its row when for_update); 1 found, 0 not found, -1 failed. */
static int attempt_load(struct worker *w, const char *id, bool for_update, struct attempt *a)
{
	static const char sql[] =
	    "SELECT id, microcredential_id, learner_user_id, status, deadline_at > UTC_TIMESTAMP(6),"
	    " started_at, deadline_at, submitted_at, paper, score_percent, outcome_scores, certificate_id,"
	    " microcredential_version_id, " ASSESSMENT_VERSION_OF_PAPER ", language,"
	    " (SELECT v.version FROM microcredential_versions AS v WHERE v.id = microcredential_version_id)"
	    " FROM assessment_attempts WHERE id = ?";
	static const char locking_sql[] =
	    "SELECT id, microcredential_id, learner_user_id, status, deadline_at > UTC_TIMESTAMP(6),"
	    " started_at, deadline_at, submitted_at, paper, score_percent, outcome_scores, certificate_id,"
	    " microcredential_version_id, " ASSESSMENT_VERSION_OF_PAPER ", language,"
	    " (SELECT v.version FROM microcredential_versions AS v WHERE v.id = microcredential_version_id)"
	    " FROM assessment_attempts WHERE id = ? FOR UPDATE";
	struct db_param params[] = { P_TEXT(id) };
	struct db_result res;
	int found;

	memset(a, 0, sizeof(*a));
	if (!id_certificate_valid(id))
		return 0;
	if (db_query(w, for_update ? locking_sql : sql, params, 1, &res) != 0)
		return -1;
	found = res.rows == 1;
	if (found)
		attempt_from_row(&res, 0, a);
	db_result_free(&res);
	return found;
}

/* Loads the saved responses of an attempt as {"<question id>": response}. New reference or NULL. */
static json_t *answers_load(struct worker *w, const char *attempt_id)
{
	static const char sql[] = "SELECT question_id, answer FROM assessment_answers WHERE attempt_id = ?";
	struct db_param params[] = { P_TEXT(attempt_id) };
	struct db_result res;
	json_t *answers;

	if (db_query(w, sql, params, 1, &res) != 0)
		return NULL;
	answers = json_object();
	for (size_t i = 0; i < res.rows; i++)
		json_object_set_new(answers, db_cell(&res, i, 0),
		    json_loads(db_cell(&res, i, 1), JSON_DECODE_ANY, NULL));
	db_result_free(&res);
	return answers;
}

/* Maps a list of shown positions to the editor's positions through perm. New reference. */
static json_t *to_original(json_t *shown, json_t *perm)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;

	json_array_foreach(shown, i, v)
		json_array_append_new(out, json_integer(json_integer_value(
		    json_array_get(perm, (size_t)json_integer_value(v)))));
	return out;
}

/* Maps the editor's positions to shown positions (the inverse of perm). New reference. */
static json_t *to_shown(json_t *original, json_t *perm)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *v, *p;

	json_array_foreach(original, i, v)
		json_array_foreach(perm, j, p)
			if (json_integer_value(p) == json_integer_value(v))
				json_array_append_new(out, json_integer((json_int_t)j));
	return out;
}

static int compare_ints(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* True when two arrays of integers hold the same set. */
static bool same_set(json_t *a, json_t *b)
{
	size_t n = json_array_size(a);
	long long x[64], y[64];

	if (n != json_array_size(b) || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		x[i] = json_integer_value(json_array_get(a, i));
		y[i] = json_integer_value(json_array_get(b, i));
	}
	qsort(x, n, sizeof(*x), compare_ints);
	qsort(y, n, sizeof(*y), compare_ints);
	return memcmp(x, y, n * sizeof(*x)) == 0;
}

/* Checks a saved response, given in displayed option positions, against the correct one. */
static bool answer_correct(const struct question *q, json_t *answer, json_t *perm)
{
	bool right;
	json_t *mapped;

	if (!answer)
		return false;
	if (strcmp(q->type, "true_false") == 0)
		return json_is_boolean(answer) && json_equal(answer, q->correct);
	if (strcmp(q->type, "single_choice") == 0)
		return json_is_integer(answer) && json_integer_value(json_array_get(perm,
		    (size_t)json_integer_value(answer))) == json_integer_value(q->correct);
	mapped = to_original(answer, perm);
	right = strcmp(q->type, "multiple_choice") == 0 ? same_set(mapped, q->correct)
	    : json_equal(mapped, q->correct);
	json_decref(mapped);
	return right;
}

/* Returns the correct response in the option positions the learner saw. New reference. */
static json_t *correct_shown(const struct question *q, json_t *perm)
{
	json_t *list, *shown, *result;

	if (strcmp(q->type, "true_false") == 0)
		return json_incref(q->correct);
	if (strcmp(q->type, "single_choice") != 0)
		return to_shown(q->correct, perm);
	list = json_pack("[I]", (json_int_t)json_integer_value(q->correct));
	shown = to_shown(list, perm);
	json_decref(list);
	result = json_incref(json_array_get(shown, 0));
	json_decref(shown);
	return result;
}

/* Builds the snapshot of a certificate earned by a pass, which records an online questionnaire. */
static char *pass_snapshot(json_t *mc, const struct assessment_rules *rules, double score)
{
	json_t *copy = json_deep_copy(mc);
	char *text;

	json_object_set_new(copy, "assessment_type", json_string("Online questionnaire"));
	json_object_set_new(copy, "supervision", json_string(rules->supervision));
	json_object_set_new(copy, "assessment", json_pack("{s:s, s:f}", "kind", "online_questionnaire",
	    "score_percent", score));
	text = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return text;
}

/* Inserts the certificate of a passed attempt, inside the caller's transaction. */
static int issue_on_pass(struct req *r, const struct attempt *a, json_t *mc,
    const struct mc_version_info *version, const struct assessment_rules *rules, double score,
    char id[CERT_ID_LEN + 1])
{
	static const char sql[] =
	    "INSERT INTO certificates (id, microcredential_id, microcredential_version_id,"
	    " promoting_organisation_id, snapshot, holder_name, holder_email, issued_at, valid_until,"
	    " issued_by, issued_via, assessment_attempt_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?, 'assessment', ?)";
	char *snapshot;
	long long org_id = version->organisation_id;
	char valid_until[32], key_id[SIGNING_KEY_ID_MAX], err[512];
	EVP_PKEY *key;
	json_t *snapshot_json;
	struct timespec now;
	time_t expiry = 0;
	int rc = -1;

	/* Without a readable signing key nothing is issued (a 503 has been sent), and the attempt stays open. */
	key = current_signing_key_or_reply(r, key_id);
	if (!key)
		return -1;
	snapshot = pass_snapshot(mc, rules, score);
	if (version->validity_months > 0) {
		expiry = certificate_expiry_after_months(version->validity_months);
		time_format_db(expiry, valid_until);
	}
	for (int attempt = 0; attempt < 3 && rc != 0; attempt++) {
		id_certificate(id);  /* before P_TEXT(id) below, which takes its length */
		struct db_param params[] = { P_TEXT(id), P_INT(a->mc_id), P_INT(version->version_id),
			P_INT(org_id), P_TEXT(snapshot), P_TEXT(r->user->name), P_TEXT(r->user->email),
			version->validity_months > 0 ? P_TEXT(valid_until) : P_NULL, P_INT(r->user->id),
			P_TEXT(a->id) };

		if (db_exec(r->w, sql, params, 10, NULL, NULL) == 0)
			rc = 0;
		else if (db_errno(r->w) != 1062)
			break;
	}
	snapshot_json = json_loads(snapshot, 0, NULL);
	free(snapshot);
	if (rc == 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		struct credential_input credential = {
			.certificate_id = id, .snapshot = snapshot_json, .holder_name = r->user->name,
			.holder_email = r->user->email, .issued_at = now.tv_sec,
			.issued_usec = now.tv_nsec / 1000, .has_valid_until = expiry != 0,
			.valid_until = expiry,
		};

		rc = credential_issue(r->w, &credential, key, key_id, err, sizeof(err));
		if (rc != 0)
			log_event(LOG_ERROR, r->request_id, "event=credential_issue_failed certificate=%s error=\"%s\"",
			    id, err);
	}
	json_decref(snapshot_json);
	EVP_PKEY_free(key);
	if (rc == 0)
		rc = audit_record(r, "certificate_issued", "certificate", id, org_id,
		    json_pack("{s:I, s:s, s:s}", "microcredential_id", (json_int_t)a->mc_id, "via", "assessment",
		    "attempt", a->id));
	if (rc == 0) {
		struct holder_notice notice = {
			.certificate_id = id, .holder_name = r->user->name, .holder_email = r->user->email,
			.title = json_string_value(json_object_get(mc, "title")),
		};
		rc = holder_notify(r->w, &notice);
	}
	return rc;
}

/*
 * Loads the micro-credential version an attempt certifies: the one published when it started, or
 * for attempts older than that record the one published now. lang may be NULL. New reference.
 */
static json_t *attempt_version_load(struct worker *w, const struct attempt *a, const char *lang,
    struct mc_version_info *info, bool *db_failed)
{
	static const char sql[] = "SELECT version FROM microcredential_versions WHERE id = ?";
	struct db_param params[] = { P_INT(a->version_id) };
	struct db_result res;
	long long number = 0;

	if (a->version_id == 0)
		return microcredential_version_load(w, a->mc_id, MC_VERSION_PUBLISHED, 0, lang, false, info, db_failed);
	if (db_query(w, sql, params, 1, &res) != 0) {
		*db_failed = true;
		return NULL;
	}
	if (res.rows == 1)
		number = db_cell_int(&res, 0, 0);
	db_result_free(&res);
	return microcredential_version_load(w, a->mc_id, MC_VERSION_NUMBER, number, lang, false, info, db_failed);
}

/*
 * Scores an in-progress attempt whose row the caller has locked, records the result and, on a
 * pass, issues the certificate. Runs inside the caller's transaction.
 */
static int attempt_score(struct req *r, struct attempt *a)
{
	static const char update_sql[] =
	    "UPDATE assessment_attempts SET status = ?, submitted_at = UTC_TIMESTAMP(6),"
	    " score_percent = ?, outcome_scores = ?, certificate_id = ? WHERE id = ?";
	static const char mark_sql[] =
	    "UPDATE assessment_answers SET correct = ? WHERE attempt_id = ? AND question_id = ?";
	struct assessment_rules rules;
	struct mc_version_info version = { 0 };
	long long right_total = 0, asked = 0;
	bool db_failed = false, passed;
	json_t *mc = NULL, *bank = NULL, *answers = NULL, *scores = NULL;
	size_t outcomes, i;
	long long *right = NULL, *total = NULL;
	char cert_id[CERT_ID_LEN + 1] = "", *scores_text = NULL;
	json_t *entry;
	double score;
	int rc = -1;

	/* A pass certifies the version whose assessment the learner took, by that version's rules. */
	mc = attempt_version_load(r->w, a, NULL, &version, &db_failed);
	if (!mc || assessment_rules_load(r->w, a->assessment_version_id, &rules) != 0)
		goto out;
	bank = bank_load(r->w, a->mc_id, 0, NULL);
	answers = answers_load(r->w, a->id);
	if (!bank || !answers)
		goto out;
	outcomes = assessment_outcome_count(mc);
	right = xcalloc(outcomes + 1, sizeof(*right));
	total = xcalloc(outcomes + 1, sizeof(*total));
	json_array_foreach(a->paper, i, entry) {
		struct question q;
		long long qid = json_integer_value(json_object_get(entry, "question"));
		char key[24];
		bool ok;
		size_t k;
		json_t *o;

		if (!question_get(bank, qid, &q))
			continue;
		snprintf(key, sizeof(key), "%lld", qid);
		ok = answer_correct(&q, json_object_get(answers, key), json_object_get(entry, "options"));
		asked++;
		right_total += ok;
		json_array_foreach(q.outcomes, k, o) {
			long long at = json_integer_value(o);

			if (at >= 0 && (size_t)at < outcomes) {
				total[at]++;
				right[at] += ok;
			}
		}
		if (json_object_get(answers, key)) {
			struct db_param params[] = { P_INT(ok), P_TEXT(a->id), P_INT(qid) };

			if (db_exec(r->w, mark_sql, params, 3, NULL, NULL) != 0)
				goto out;
		}
	}
	score = asked ? 100.0 * (double)right_total / (double)asked : 0;
	passed = asked > 0 && score + 1e-9 >= rules.pass_mark_percent;
	scores = json_array();
	for (size_t o = 0; o < outcomes; o++) {
		double part = total[o] ? 100.0 * (double)right[o] / (double)total[o] : 0;
		bool ok = total[o] > 0 && part + 1e-9 >= rules.outcome_min_percent;

		passed = passed && ok;
		json_array_append_new(scores, json_pack("{s:I, s:s, s:f, s:I, s:I, s:b}",
		    "position", (json_int_t)o,
		    "statement", json_string_value(json_object_get(json_array_get(
		        json_object_get(mc, "learning_outcomes"), o), "statement")),
		    "score_percent", part, "correct", (json_int_t)right[o], "questions", (json_int_t)total[o],
		    "passed", ok));
	}
	if (passed && issue_on_pass(r, a, mc, &version, &rules, score, cert_id) != 0)
		goto out;
	scores_text = json_dumps(scores, JSON_COMPACT);
	{
		struct db_param params[] = { P_TEXT(passed ? "passed" : "failed"), P_DOUBLE(score),
			P_TEXT(scores_text), passed ? P_TEXT(cert_id) : P_NULL, P_TEXT(a->id) };

		if (db_exec(r->w, update_sql, params, 5, NULL, NULL) != 0)
			goto out;
	}
	snprintf(a->status, sizeof(a->status), "%s", passed ? "passed" : "failed");
	snprintf(a->certificate_id, sizeof(a->certificate_id), "%s", cert_id);
	a->score = score;
	json_decref(a->outcome_scores);
	a->outcome_scores = json_incref(scores);
	log_event(LOG_INFO, r->request_id,
	    "event=attempt_scored attempt=%s microcredential=%lld learner=%lld passed=%d score=%.1f certificate=%s",
	    a->id, a->mc_id, a->learner, passed, score, passed ? cert_id : "-");
	rc = 0;
out:
	free(right);
	free(total);
	free(scores_text);
	json_decref(scores);
	json_decref(mc);
	json_decref(bank);
	json_decref(answers);
	return rc;
}

/* How many attempts the learner has finished, and when the last one ended. */
struct attempt_history {
	int finished;
	bool passed;
	time_t last_end;
};

static int history_load(struct worker *w, long long learner, long long mc_id, struct attempt_history *h)
{
	static const char sql[] =
	    "SELECT status, COALESCE(submitted_at, deadline_at) FROM assessment_attempts"
	    " WHERE learner_user_id = ? AND microcredential_id = ? AND status <> 'in_progress'";
	struct db_param params[] = { P_INT(learner), P_INT(mc_id) };
	struct db_result res;

	memset(h, 0, sizeof(*h));
	if (db_query(w, sql, params, 2, &res) != 0)
		return -1;
	for (size_t i = 0; i < res.rows; i++) {
		time_t end = 0;

		h->finished++;
		h->passed = h->passed || strcmp(db_cell(&res, i, 0), "passed") == 0;
		if (time_parse_db(db_cell(&res, i, 1), &end) == 0 && end > h->last_end)
			h->last_end = end;
	}
	db_result_free(&res);
	return 0;
}

/* The rules of the published version, or those of the attempt's own when none is published now. */
static int rules_in_force_load(struct worker *w, const struct attempt *a, struct assessment_rules *rules)
{
	static const char sql[] =
	    "SELECT id FROM microcredential_versions WHERE microcredential_id = ? AND status = 'published'";
	struct db_param params[] = { P_INT(a->mc_id) };
	struct db_result res;
	long long version_id = a->assessment_version_id;

	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	if (res.rows == 1)
		version_id = db_cell_int(&res, 0, 0);
	db_result_free(&res);
	return assessment_rules_load(w, version_id, rules);
}

/*
 * When learner may start the next attempt at the assessment of micro-credential mc_id under rules:
 * {attempts_left, possible, passed, at, on}. possible is false and at null when no attempt is left
 * or the learner has passed. Otherwise at is the earliest start, or null when the learner may start
 * at once. NULL when a query failed. attempt_allowed_or_reply rejects a start by the same rule.
 */
json_t *attempt_next_json(struct worker *w, long long learner, long long mc_id, const struct assessment_rules *rules)
{
	struct attempt_history h;
	time_t next, now = time(NULL);
	int left;
	json_t *obj;
	char db_time[32];

	if (history_load(w, learner, mc_id, &h) != 0)
		return NULL;
	left = rules->max_attempts > h.finished ? rules->max_attempts - h.finished : 0;
	obj = json_pack("{s:i, s:b, s:b}", "attempts_left", left, "possible", left > 0 && !h.passed,
	    "passed", h.passed);
	next = h.last_end + (time_t)rules->wait_minutes * 60;
	if (left > 0 && !h.passed && h.finished > 0 && next > now) {
		time_format_db(next, db_time);
		json_set_time(obj, "at", "on", db_time);
	} else {
		json_set_time(obj, "at", "on", NULL);
	}
	return obj;
}

/* When the learner of a failed attempt may try again, by the rules in force now. */
static json_t *next_attempt_json(struct worker *w, const struct attempt *a)
{
	struct assessment_rules rules;

	if (rules_in_force_load(w, a, &rules) != 0)
		return NULL;
	return attempt_next_json(w, a->learner, a->mc_id, &rules);
}

/*
 * Builds the learner's view of an attempt. The correct responses and explanations are included
 * only once it is scored and the learner cannot start another attempt (passed, or no attempt
 * left), because after a failure with attempts left they would give away the next paper.
 */
static json_t *attempt_json(struct worker *w, const struct attempt *a, json_t *mc)
{
	bool finished = strcmp(a->status, "in_progress") != 0;
	bool failed = strcmp(a->status, "failed") == 0;
	json_t *next = failed ? next_attempt_json(w, a) : NULL;
	bool reveal = finished && (!failed ||
	    (next && json_integer_value(json_object_get(next, "attempts_left")) == 0));
	json_t *bank = bank_load(w, a->mc_id, 0, a->language), *answers = answers_load(w, a->id);
	json_t *questions = json_array(), *obj, *entry;
	time_t deadline = 0, now = time(NULL);
	char server_time[32];
	size_t i, answered = 0;

	if (!bank || !answers || (failed && !next)) {
		json_decref(bank);
		json_decref(answers);
		json_decref(questions);
		json_decref(next);
		return NULL;
	}
	json_array_foreach(a->paper, i, entry) {
		struct question q;
		long long qid = json_integer_value(json_object_get(entry, "question"));
		json_t *perm = json_object_get(entry, "options"), *shown = json_array(), *item, *p;
		json_t *answer;
		char key[24];
		size_t j;

		if (!question_get(bank, qid, &q))
			continue;
		json_array_foreach(perm, j, p)
			json_array_append(shown, json_array_get(q.shown_options, (size_t)json_integer_value(p)));
		snprintf(key, sizeof(key), "%lld", qid);
		answer = json_object_get(answers, key);
		answered += answer != NULL;
		item = json_pack("{s:I, s:i, s:s, s:O, s:o, s:O}", "id", (json_int_t)qid, "number", (int)i + 1,
		    "type", q.type, "prompt", q.shown_prompt, "options", shown, "answer", answer ? answer : json_null());
		if (reveal) {
			json_object_set_new(item, "correct_answer", correct_shown(&q, perm));
			json_object_set_new(item, "correct", json_boolean(answer_correct(&q, answer, perm)));
			json_object_set(item, "explanation", q.shown_explanation ? q.shown_explanation : json_null());
		}
		json_array_append_new(questions, item);
	}
	if (time_parse_db(a->deadline_at, &deadline) != 0)
		deadline = 0;
	time_format_iso(now, server_time);
	obj = json_pack("{s:s, s:s, s:{s:I, s:s}, s:o, s:I, s:I, s:s}",
	    "id", a->id, "status", a->status,
	    "microcredential", "id", (json_int_t)a->mc_id, "title", json_string_value(json_object_get(mc, "title")),
	    "questions", questions, "answered", (json_int_t)answered,
	    "total", (json_int_t)json_array_size(a->paper), "server_time", server_time);
	json_set_time(obj, "started_at", "started_on", a->started_at);
	json_set_time(obj, "deadline_at", "deadline_on", a->deadline_at);
	json_object_set_new(obj, "language", json_string(a->language));
	json_object_set_new(obj, "version", a->version_number ? json_integer(a->version_number) : json_null());
	json_object_set_new(obj, "seconds_left", json_integer(!finished && deadline > now ? deadline - now : 0));
	json_object_set_new(obj, "answers_revealed", json_boolean(reveal));
	/* The client shows next_attempt.at in this zone (MIC_TIMEZONE), not in the device's own. */
	json_object_set_new(obj, "time_zone", json_string(cfg.timezone));
	if (finished) {
		char url[CERT_VERIFY_URL_MAX];

		json_set_time(obj, "submitted_at", "submitted_on", a->submitted_at);
		json_object_set_new(obj, "score_percent", json_real(a->score));
		json_object_set(obj, "outcomes", a->outcome_scores ? a->outcome_scores : json_null());
		if (a->certificate_id[0]) {
			certificate_verify_url(a->certificate_id, url, sizeof(url));
			json_object_set_new(obj, "certificate", json_pack("{s:s, s:s}", "id", a->certificate_id,
			    "verify_url", url));
		} else {
			json_object_set_new(obj, "certificate", json_null());
		}
	}
	if (next)
		json_object_set_new(obj, "next_attempt", next);
	json_decref(bank);
	json_decref(answers);
	return obj;
}

/* The version of an attempt, with its title in the attempt's language. New reference or NULL. */
static json_t *attempt_microcredential(struct req *r, const struct attempt *a)
{
	bool db_failed = false;

	return attempt_version_load(r->w, a, a->language, NULL, &db_failed);
}

/* Sends the database error reply unless a more precise one (e.g. no signing key) went out. */
static void reply_failure(struct req *r)
{
	if (!r->replied)
		reply_db_error(r);
}

static void reply_attempt_not_found(struct req *r)
{
	reply_error(r, 404, "not_found", NULL, "you have no attempt with this id");
}

/* Replies with the attempt, freshly loaded; the caller has committed. */
static void reply_attempt(struct req *r, int status, const char *id, json_t *mc)
{
	struct attempt a;
	json_t *body = NULL;
	int found = attempt_load(r->w, id, false, &a);

	if (found == 1)
		body = attempt_json(r->w, &a, mc);
	if (found == 1)
		attempt_clear(&a);
	if (!body) {
		reply_failure(r);
		return;
	}
	reply_json(r, status, body);
}

static int insert_attempt(struct req *r, const struct mc_version_info *version,
    const struct assessment_rules *rules, json_t *paper, const char *language, char id[CERT_ID_LEN + 1])
{
	static const char sql[] =
	    "INSERT INTO assessment_attempts (id, microcredential_id, learner_user_id, started_at,"
	    " deadline_at, paper, microcredential_version_id, language) VALUES (?, ?, ?, UTC_TIMESTAMP(6),"
	    " UTC_TIMESTAMP(6) + INTERVAL ? MINUTE, ?, ?, ?)";
	char *text = json_dumps(paper, JSON_COMPACT);
	int rc;

	id_certificate(id);
	{
		struct db_param params[] = { P_TEXT(id), P_INT(version->microcredential_id), P_INT(r->user->id),
			P_INT(rules->time_limit_minutes), P_TEXT(text), P_INT(version->version_id), P_TEXT(language) };

		rc = db_exec(r->w, sql, params, 7, NULL, NULL);
	}
	free(text);
	return rc;
}

/* Replies 409 when the learner may not start another attempt now; returns 0 when they may. */
static int attempt_allowed_or_reply(struct req *r, long long mc_id, const struct assessment_rules *rules)
{
	struct attempt_history h;
	time_t next;
	char when[32], retry[24];

	if (history_load(r->w, r->user->id, mc_id, &h) != 0) {
		reply_failure(r);
		return -1;
	}
	if (h.passed) {
		reply_error(r, 409, "already_passed", NULL,
		    "you have passed this assessment already; your certificate is in your wallet");
		return -1;
	}
	if (h.finished >= rules->max_attempts) {
		reply_error(r, 409, "no_attempts_left", NULL,
		    "you have used all %d attempts at this assessment", rules->max_attempts);
		return -1;
	}
	next = h.last_end + (time_t)rules->wait_minutes * 60;
	if (h.finished > 0 && next > time(NULL)) {
		time_format_iso(next, when);
		snprintf(retry, sizeof(retry), "%lld", (long long)(next - time(NULL)));
		reply_header(r, "Retry-After", retry);
		reply_error(r, 409, "wait_required", NULL, "you can start your next attempt at %s", when);
		return -1;
	}
	return 0;
}

/*
 * POST /api/v1/microcredentials/{id}/attempts[?lang=xx]: starts an attempt on the assessment of the
 * published version, with the questions in language lang (else the first Accept-Language entry,
 * else English), or returns the attempt in progress, in its own language.
 */
void handle_attempt_start(struct req *r)
{
	static const char lock_sql[] = "SELECT id FROM users WHERE id = ? FOR UPDATE";
	static const char open_sql[] =
	    "SELECT id FROM assessment_attempts WHERE learner_user_id = ? AND microcredential_id = ?"
	    " AND status = 'in_progress'";
	struct assessment_rules rules;
	struct mc_version_info version = { 0 };
	long long mc_id;
	bool db_failed = false;
	json_t *mc = NULL, *bank = NULL, *paper = NULL;
	struct db_result res = { 0 };
	struct attempt open = { 0 };
	char id[CERT_ID_LEN + 1], language[3];

	if (parse_long(r->params[0], 1, INT64_MAX, &mc_id) != 0) {
		reply_error(r, 404, "not_found", NULL, "no published micro-credential has this id");
		return;
	}
	if (request_language_or_reply(r, language) != 0)
		return;
	mc = microcredential_version_load(r->w, mc_id, MC_VERSION_PUBLISHED, 0, language, false, &version,
	    &db_failed);
	if (!mc) {
		if (db_failed)
			reply_failure(r);
		else
			reply_error(r, 404, "not_found", NULL, "no published micro-credential has this id");
		return;
	}
	if (assessment_rules_load(r->w, version.version_id, &rules) != 0) {
		reply_failure(r);
		goto out;
	}
	if (!rules.exists) {
		reply_error(r, 409, "assessment_unavailable", NULL, "this micro-credential has no online assessment");
		goto out;
	}

	/* Locking the learner's row makes two simultaneous starts take turns. */
	{
		struct db_param user[] = { P_INT(r->user->id) };
		struct db_param both[] = { P_INT(r->user->id), P_INT(mc_id) };

		if (db_begin(r->w) != 0 || db_query(r->w, lock_sql, user, 1, &res) != 0)
			goto failed;
		db_result_free(&res);
		if (db_query(r->w, open_sql, both, 2, &res) != 0)
			goto failed;
	}
	if (res.rows == 1) {
		if (attempt_load(r->w, db_cell(&res, 0, 0), true, &open) != 1)
			goto failed;
		if (open.time_left) {
			json_t *own = attempt_microcredential(r, &open);

			if (!own || db_commit(r->w) != 0) {
				json_decref(own);
				goto failed;
			}
			reply_attempt(r, 200, open.id, own);
			json_decref(own);
			goto out;
		}
		if (attempt_score(r, &open) != 0)
			goto failed;
	}
	if (attempt_allowed_or_reply(r, mc_id, &rules) != 0) {
		/* An attempt that ran out of time was scored above; keep that. */
		if (db_commit(r->w) != 0)
			db_rollback(r->w);
		goto out;
	}
	bank = bank_load(r->w, mc_id, version.version_id, NULL);
	if (!bank)
		goto failed;
	paper = paper_draw(bank, assessment_outcome_count(mc), rules.questions_per_outcome);
	if (!paper || json_array_size(paper) == 0) {
		db_rollback(r->w);
		reply_error(r, 409, "assessment_unavailable", NULL,
		    "the question bank does not yet cover every learning outcome of this micro-credential");
		goto out;
	}
	if (insert_attempt(r, &version, &rules, paper, language, id) != 0 ||
	    audit_record(r, "attempt_started", "assessment_attempt", id, 0,
	        json_pack("{s:I}", "microcredential_id", (json_int_t)mc_id)) != 0 ||
	    db_commit(r->w) != 0)
		goto failed;
	log_event(LOG_INFO, r->request_id,
	    "event=attempt_started attempt=%s microcredential=%lld version=%lld learner=%lld questions=%zu language=%s",
	    id, mc_id, version.version, r->user->id, json_array_size(paper), language);
	reply_attempt(r, 201, id, mc);
	goto out;
failed:
	db_rollback(r->w);
	reply_failure(r);
out:
	db_result_free(&res);
	attempt_clear(&open);
	json_decref(paper);
	json_decref(bank);
	json_decref(mc);
}

/*
 * Loads the caller's attempt of the path, locked, in a transaction the caller ends. Scores it first
 * when its time ran out unsubmitted. Replies and returns -1 on failure.
 */
static int own_attempt_or_reply(struct req *r, struct attempt *a)
{
	int found;

	if (db_begin(r->w) != 0) {
		reply_failure(r);
		return -1;
	}
	found = attempt_load(r->w, r->params[0], true, a);
	if (found < 0) {
		db_rollback(r->w);
		reply_failure(r);
		return -1;
	}
	if (found == 0 || a->learner != r->user->id) {
		db_rollback(r->w);
		if (found)
			log_event(LOG_WARN, r->request_id, "event=attempt_of_other_learner attempt=%s user=%lld",
			    a->id, r->user->id);
		attempt_clear(a);
		reply_attempt_not_found(r);
		return -1;
	}
	if (strcmp(a->status, "in_progress") == 0 && !a->time_left && attempt_score(r, a) != 0) {
		db_rollback(r->w);
		attempt_clear(a);
		reply_failure(r);
		return -1;
	}
	return 0;
}

void handle_attempt_get(struct req *r)
{
	struct attempt a;
	json_t *mc;

	if (own_attempt_or_reply(r, &a) != 0)
		return;
	if (db_commit(r->w) != 0 || !(mc = attempt_microcredential(r, &a))) {
		db_rollback(r->w);
		attempt_clear(&a);
		reply_failure(r);
		return;
	}
	reply_attempt(r, 200, a.id, mc);
	json_decref(mc);
	attempt_clear(&a);
}

void handle_attempt_submit(struct req *r)
{
	struct attempt a;
	json_t *mc;

	if (own_attempt_or_reply(r, &a) != 0)
		return;
	if (strcmp(a.status, "in_progress") == 0 && attempt_score(r, &a) != 0) {
		db_rollback(r->w);
		attempt_clear(&a);
		reply_failure(r);
		return;
	}
	if (db_commit(r->w) != 0 || !(mc = attempt_microcredential(r, &a))) {
		db_rollback(r->w);
		attempt_clear(&a);
		reply_failure(r);
		return;
	}
	reply_attempt(r, 200, a.id, mc);
	json_decref(mc);
	attempt_clear(&a);
}

/* Checks an answer's shape against the question type and its k options. */
static bool answer_valid(const char *type, json_t *answer, size_t k)
{
	bool seen[16] = { false };
	size_t i;
	json_t *v;

	if (strcmp(type, "true_false") == 0)
		return json_is_boolean(answer);
	if (strcmp(type, "single_choice") == 0)
		return json_is_integer(answer) && json_integer_value(answer) >= 0 &&
		    (size_t)json_integer_value(answer) < k;
	if (!json_is_array(answer) || k > 16)
		return false;
	if (strcmp(type, "ordering") == 0 && json_array_size(answer) != k)
		return false;
	json_array_foreach(answer, i, v) {
		long long at = json_integer_value(v);

		if (!json_is_integer(v) || at < 0 || (size_t)at >= k || seen[at])
			return false;
		seen[at] = true;
	}
	return true;
}

/* PUT /api/v1/attempts/{attempt}/answers/{question} {"answer": ...}: saves one answer. */
void handle_attempt_answer(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO assessment_answers (attempt_id, question_id, answer, answered_at)"
	    " VALUES (?, ?, ?, UTC_TIMESTAMP(6))"
	    " ON DUPLICATE KEY UPDATE answer = VALUES(answer), answered_at = VALUES(answered_at)";
	struct attempt a;
	json_t *body = NULL, *answer, *entry = NULL, *bank = NULL, *item;
	long long qid;
	struct question q;
	char *text = NULL;
	size_t i;

	if (parse_long(r->params[1], 1, INT64_MAX, &qid) != 0) {
		reply_error(r, 404, "not_found", NULL, "this attempt has no such question");
		return;
	}
	body = req_json_or_reply(r);
	if (!body)
		return;
	if (r->body_len > ANSWER_MAX_BYTES) {
		reply_error(r, 400, "invalid_field", "answer", "the answer is too long");
		goto out_body;
	}
	if (own_attempt_or_reply(r, &a) != 0)
		goto out_body;
	if (strcmp(a.status, "in_progress") != 0) {
		/* Keep the scoring of an attempt whose time ran out just now. */
		if (db_commit(r->w) != 0)
			db_rollback(r->w);
		reply_error(r, 409, a.time_left ? "attempt_finished" : "time_over", NULL, a.time_left ?
		    "this attempt has been submitted; answers can no longer change" :
		    "the time limit of this attempt has passed; it has been scored with the answers saved in time");
		goto out;
	}
	json_array_foreach(a.paper, i, item)
		if (json_integer_value(json_object_get(item, "question")) == qid)
			entry = item;
	bank = bank_load(r->w, a.mc_id, 0, NULL);
	if (!bank)
		goto failed;
	if (!entry || !question_get(bank, qid, &q)) {
		db_rollback(r->w);
		reply_error(r, 404, "not_found", NULL, "this attempt has no such question");
		goto out;
	}
	answer = json_object_get(body, "answer");
	if (!answer || !answer_valid(q.type, answer, json_array_size(json_object_get(entry, "options")))) {
		db_rollback(r->w);
		reply_error(r, 400, answer ? "invalid_field" : "missing_field", "answer",
		    "answer must be, for this %s question, %s", q.type,
		    strcmp(q.type, "true_false") == 0 ? "true or false" :
		    strcmp(q.type, "single_choice") == 0 ? "the position of one option, counted from 0" :
		    strcmp(q.type, "multiple_choice") == 0 ? "a list of option positions, counted from 0" :
		    "every option position once, in your order");
		goto out;
	}
	text = json_dumps(answer, JSON_COMPACT | JSON_ENCODE_ANY);
	{
		struct db_param params[] = { P_TEXT(a.id), P_INT(qid), P_TEXT(text) };

		if (db_exec(r->w, sql, params, 3, NULL, NULL) != 0 || db_commit(r->w) != 0)
			goto failed;
	}
	reply_json(r, 200, json_pack("{s:I, s:O}", "question", (json_int_t)qid, "answer", answer));
	goto out;
failed:
	db_rollback(r->w);
	reply_failure(r);
out:
	free(text);
	json_decref(bank);
	attempt_clear(&a);
out_body:
	json_decref(body);
}
