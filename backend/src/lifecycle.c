/*
 * lifecycle.c: how a micro-credential version moves from draft to publication, and who may move it.
 *
 *   draft -> submitted -> in_review -> approved -> published -> (superseded | retired)
 *                \______________\_________\--> changes_requested -> submitted
 *
 * Editors of the promoting organisation create, edit and submit. A coordinator assigns reviewers,
 * approves, publishes, requests changes and retires. Assigned reviewers fill the quality checklist.
 * A published version is never changed: saving a draft of a published micro-credential creates the
 * next version. Each change locks the micro-credential's latest version row, runs in one
 * transaction and writes an audit_log row with the actor, the versions and the comment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define COMMENT_MAX 2000
#define REVIEWERS_MAX 10

/* The points of the alliance's quality approach, in the order of the checklist. */
static const char *const checklist_criteria[] = {
	"learning_outcomes_defined",   /* clearly defined learning outcomes */
	"assessment_transparent",      /* a transparent assessment method */
	"eqf_level_indicated",         /* the EQF level indicated where applicable */
	"workload_defined",            /* workload defined in hours and/or ECTS credits */
	"esco_linked",                 /* links to ESCO occupations and skills where relevant */
	"european_approach_aligned",   /* alignment with the European approach to micro-credentials */
};
#define CRITERIA_COUNT (sizeof checklist_criteria / sizeof checklist_criteria[0])

/* The micro-credential and its latest version, locked for the change. */
struct target {
	long long id;
	long long organisation_id;
	long long version_id;
	long long version;
	char status[24];
	char id_text[24];
};

static bool is_editor_of(const struct req *r, long long organisation_id)
{
	return r->user && r->user->role == ROLE_EDITOR && r->user->organisation_id > 0 &&
	    r->user->organisation_id == organisation_id;
}

static bool status_is(const struct target *t, const char *status)
{
	return strcmp(t->status, status) == 0;
}

/*
 * Begins the transaction and locks the latest version of the micro-credential in the path.
 * Replies 404 for an unknown id and 500 or 503 when the database fails.
 */
static int target_lock_or_reply(struct req *r, struct target *t)
{
	static const char sql[] =
	    "SELECT m.id, m.promoting_organisation_id, v.id, v.version, v.status"
	    " FROM microcredentials AS m JOIN microcredential_versions AS v ON v.microcredential_id = m.id"
	    " WHERE m.id = ? ORDER BY v.version DESC LIMIT 1 FOR UPDATE";
	struct db_result res;

	t->id = path_id(r->params[0]);
	if (t->id == 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has the id given in the path");
		return -1;
	}
	struct db_param params[] = { P_INT(t->id) };
	if (db_begin(r->w) != 0 || db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return -1;
	}
	if (res.rows == 0) {
		db_result_free(&res);
		reply_error(r, 404, "not_found", NULL, "no micro-credential has the id %lld", t->id);
		return -1;
	}
	t->organisation_id = db_cell_int(&res, 0, 1);
	t->version_id = db_cell_int(&res, 0, 2);
	t->version = db_cell_int(&res, 0, 3);
	snprintf(t->status, sizeof t->status, "%s", db_cell(&res, 0, 4));
	snprintf(t->id_text, sizeof t->id_text, "%lld", t->id);
	db_result_free(&res);
	return 0;
}

static void reply_transition_conflict(struct req *r, const struct target *t, const char *action,
    const char *allowed)
{
	reply_error(r, 409, "invalid_transition", NULL,
	    "version %lld is %s, so it cannot be %s; that needs a version that is %s", t->version,
	    t->status, action, allowed);
}

static void reply_not_editor(struct req *r)
{
	reply_error(r, 403, "not_promoting_organisation", NULL,
	    "only editors of the promoting organisation may change this micro-credential");
}

/* Writes the audit row of a status change of version t->version. Steals extra (may be NULL). */
static int audit_transition(struct req *r, const struct target *t, const char *action,
    const char *from, const char *to, const char *comment, json_t *extra)
{
	json_t *details = extra ? extra : json_object();

	json_object_set_new(details, "version", json_integer(t->version));
	json_object_set_new(details, "from", from ? json_string(from) : json_null());
	json_object_set_new(details, "to", json_string(to));
	json_object_set_new(details, "comment", comment ? json_string(comment) : json_null());
	log_event(LOG_INFO, r->request_id, "event=%s microcredential=%lld version=%lld user=%lld",
	    action, t->id, t->version, r->user->id);
	return audit_record(r, action, "microcredential", t->id_text, t->organisation_id, details);
}

/* Sets the status of version t->version_id and the time column of that step (may be NULL). */
static int version_set_status(struct worker *w, const struct target *t, const char *status,
    const char *time_column)
{
	char sql[192];
	struct db_param params[] = { P_TEXT(status), P_INT(t->version_id) };

	snprintf(sql, sizeof sql, "UPDATE microcredential_versions SET status = ?%s%s%s WHERE id = ?",
	    time_column ? ", " : "", time_column ? time_column : "",
	    time_column ? " = UTC_TIMESTAMP(6)" : "");
	return db_exec(w, sql, params, 2, NULL, NULL);
}

/* ---- Detail of one version for the people who work on it ---- */

static const char reviewers_sql[] =
    "SELECT u.id, u.name, o.id, o.name, o.type, rv.recommendation, rv.checklist, rv.comment,"
    " rv.updated_at FROM microcredential_reviewers AS a JOIN users AS u ON u.id = a.reviewer_id"
    " LEFT JOIN organisations AS o ON o.id = u.organisation_id"
    " LEFT JOIN microcredential_reviews AS rv ON rv.version_id = a.version_id"
    " AND rv.reviewer_id = a.reviewer_id WHERE a.version_id = ? ORDER BY u.name, u.id";

static json_t *reviewers_json(struct worker *w, long long version_id)
{
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;

	if (db_query(w, reviewers_sql, params, 1, &res) != 0)
		return NULL;
	json_t *list = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *review = json_null();
		if (db_cell(&res, row, 5)) {
			json_t *checklist = json_loads(db_cell(&res, row, 6), 0, NULL);
			review = json_pack("{s:s, s:o, s:s?}", "recommendation", db_cell(&res, row, 5),
			    "checklist", checklist ? checklist : json_array(), "comment", db_cell(&res, row, 7));
			json_set_time(review, "updated_at", "updated_on", db_cell(&res, row, 8));
		}
		json_array_append_new(list, json_pack("{s:I, s:s, s:{s:I, s:s?, s:s?}, s:o}",
		    "id", (json_int_t)db_cell_int(&res, row, 0), "name", db_cell(&res, row, 1),
		    "organisation", "id", (json_int_t)db_cell_int(&res, row, 2), "name", db_cell(&res, row, 3),
		    "type", db_cell(&res, row, 4), "review", review));
	}
	db_result_free(&res);
	return list;
}

static json_t *translations_json(struct worker *w, long long version_id)
{
	static const char sql[] =
	    "SELECT language, title, summary, learning_outcomes FROM microcredential_translations"
	    " WHERE version_id = ? ORDER BY language";
	struct db_param params[] = { P_INT(version_id) };
	struct db_result res;

	if (db_query(w, sql, params, 1, &res) != 0)
		return NULL;
	json_t *list = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *statements = json_loads(db_cell(&res, row, 3), 0, NULL);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o}", "language",
		    db_cell(&res, row, 0), "title", db_cell(&res, row, 1), "summary", db_cell(&res, row, 2),
		    "learning_outcomes", statements ? statements : json_array()));
	}
	db_result_free(&res);
	return list;
}

json_t *mc_version_detail(struct worker *w, long long id, long long number, bool *db_failed)
{
	struct mc_version_info info = { 0 };
	json_t *obj = microcredential_version_load(w, id, MC_VERSION_NUMBER, number, NULL, true, &info,
	    db_failed);
	if (!obj)
		return NULL;

	json_t *reviewers = reviewers_json(w, info.version_id);
	json_t *translations = translations_json(w, info.version_id);
	if (!reviewers || !translations) {
		json_decref(reviewers);
		json_decref(translations);
		json_decref(obj);
		*db_failed = true;
		return NULL;
	}
	json_object_set_new(obj, "reviewers", reviewers);
	json_object_set_new(obj, "translations", translations);
	return obj;
}

/*
 * Commits and replies with the detail of version t->version (status 200, or 201 when created),
 * plus the comment of the transition when there is one.
 */
static void commit_and_reply_comment(struct req *r, const struct target *t, int status, const char *comment)
{
	bool db_failed = false;
	json_t *detail = mc_version_detail(r->w, t->id, t->version, &db_failed);

	if (detail && comment)
		json_object_set_new(detail, "comment", json_string(comment));
	if (!detail || db_commit(r->w) != 0) {
		json_decref(detail);
		db_rollback(r->w);
		reply_db_error(r);
		return;
	}
	if (status == 201) {
		char location[64];
		snprintf(location, sizeof location, "/api/v1/microcredentials/%lld", t->id);
		reply_header(r, "Location", location);
	}
	reply_json(r, status, detail);
}

static void commit_and_reply(struct req *r, const struct target *t, int status)
{
	commit_and_reply_comment(r, t, status, NULL);
}

/* ---- Create and edit ---- */

/* Parses the content and checks its ESCO references. Returns the content or NULL after a reply. */
static json_t *content_or_reply(struct req *r, json_t **body)
{
	json_t *content;

	*body = req_json_or_reply(r);
	if (!*body)
		return NULL;
	content = mc_content_parse_or_reply(r, *body);
	if (!content)
		return NULL;
	if (mc_content_check_references_or_reply(r, content) != 0) {
		json_decref(content);
		return NULL;
	}
	return content;
}

static int version_insert(struct req *r, struct target *t)
{
	static const char sql[] =
	    "INSERT INTO microcredential_versions (microcredential_id, version, status, created_by)"
	    " VALUES (?, ?, 'draft', ?)";
	struct db_param params[] = { P_INT(t->id), P_INT(t->version), P_INT(r->user->id) };
	unsigned long long version_id;

	if (db_exec(r->w, sql, params, 3, NULL, &version_id) != 0)
		return -1;
	t->version_id = (long long)version_id;
	snprintf(t->status, sizeof t->status, "draft");
	return 0;
}

void handle_microcredential_create(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO microcredentials (promoting_organisation_id, status) VALUES (?, 'draft')";
	json_t *body = NULL;
	json_t *content = NULL;
	struct target t = { 0 };
	unsigned long long id;

	if (!r->user || r->user->role != ROLE_EDITOR || r->user->organisation_id <= 0) {
		reply_error(r, 403, "forbidden", NULL,
		    "only an editor of a member organisation may create micro-credentials");
		return;
	}
	content = content_or_reply(r, &body);
	if (!content)
		goto out;

	struct db_param params[] = { P_INT(r->user->organisation_id) };
	if (db_begin(r->w) != 0 || db_exec(r->w, sql, params, 1, NULL, &id) != 0)
		goto db_error;
	t.id = (long long)id;
	t.organisation_id = r->user->organisation_id;
	t.version = 1;
	snprintf(t.id_text, sizeof t.id_text, "%lld", t.id);
	if (version_insert(r, &t) != 0 || mc_content_store(r->w, t.version_id, content) != 0 ||
	    audit_transition(r, &t, "microcredential_created", NULL, "draft", NULL, NULL) != 0)
		goto db_error;
	commit_and_reply(r, &t, 201);
	goto out;

db_error:
	db_rollback(r->w);
	reply_db_error(r);
out:
	json_decref(content);
	json_decref(body);
}

void handle_microcredential_draft_save(struct req *r)
{
	json_t *body = NULL;
	json_t *content = content_or_reply(r, &body);
	struct target t = { 0 };

	if (!content)
		goto out;
	if (target_lock_or_reply(r, &t) != 0)
		goto out;
	if (!is_editor_of(r, t.organisation_id)) {
		reply_not_editor(r);
		goto rollback;
	}
	if (status_is(&t, "published")) {
		/* The published version stays as it is; the edit becomes the next version. */
		long long published_id = t.version_id;

		t.version++;
		if (version_insert(r, &t) != 0 || assessment_copy(r->w, published_id, t.version_id) != 0 ||
		    audit_transition(r, &t, "microcredential_version_created", NULL, "draft", NULL, NULL) != 0)
			goto db_error;
	} else if (!status_is(&t, "draft") && !status_is(&t, "changes_requested")) {
		reply_transition_conflict(r, &t, "edited", "a draft, has changes requested or is published");
		goto rollback;
	}
	if (mc_content_store(r->w, t.version_id, content) != 0)
		goto db_error;
	commit_and_reply(r, &t, 200);
	goto out;

db_error:
	reply_db_error(r);
rollback:
	db_rollback(r->w);
out:
	json_decref(content);
	json_decref(body);
}

/* ---- Transitions ---- */

/* Reads the optional (or, with required, mandatory) comment of a transition; NULL when absent. */
static int comment_or_reply(struct req *r, json_t **body, bool required, char **comment)
{
	const char *raw = NULL;

	*comment = NULL;
	*body = NULL;
	if (r->body_len > 0 || required) {
		*body = req_json_or_reply(r);
		if (!*body)
			return -1;
		if (json_string_or_reply(r, *body, "comment", required, COMMENT_MAX, &raw) != 0)
			return -1;
	}
	if (raw) {
		*comment = text_trim(raw);
		if (required && (*comment)[0] == '\0') {
			reply_error(r, 400, "missing_field", "comment", "comment must say what has to change");
			return -1;
		}
	}
	return 0;
}

void handle_microcredential_submit(struct req *r)
{
	struct target t = { 0 };
	json_t *version = NULL;
	json_t *missing = NULL;
	bool db_failed = false;
	char from[24];

	if (target_lock_or_reply(r, &t) != 0)
		return;
	if (!is_editor_of(r, t.organisation_id)) {
		reply_not_editor(r);
		goto rollback;
	}
	if (!status_is(&t, "draft") && !status_is(&t, "changes_requested")) {
		reply_transition_conflict(r, &t, "submitted", "a draft or has changes requested");
		goto rollback;
	}
	version = microcredential_version_load(r->w, t.id, MC_VERSION_NUMBER, t.version, NULL, false,
	    NULL, &db_failed);
	if (!version)
		goto db_error;
	missing = mc_content_missing(version);
	if (assessment_type_is_online_questionnaire(json_string_value(json_object_get(version, "assessment_type")))) {
		json_t *problems = assessment_drawability_problems(r->w, t.version_id, assessment_outcome_count(version));

		if (!problems)
			goto db_error;
		json_array_extend(missing, problems);
		json_decref(problems);
	}
	if (json_array_size(missing) > 0) {
		json_t *first = json_array_get(missing, 0);
		json_t *error = json_pack("{s:s, s:s, s:O, s:O}", "code", "missing_field", "message",
		    "the micro-credential lacks mandatory elements; complete the fields listed and submit again",
		    "field", json_object_get(first, "field"), "fields", missing);
		reply_json(r, 400, json_pack("{s:o}", "error", error));
		goto rollback;
	}
	snprintf(from, sizeof from, "%s", t.status);
	if (version_set_status(r->w, &t, "submitted", "submitted_at") != 0 ||
	    audit_transition(r, &t, "microcredential_submitted", from, "submitted", NULL, NULL) != 0)
		goto db_error;
	commit_and_reply(r, &t, 200);
	goto out;

db_error:
	reply_db_error(r);
rollback:
	db_rollback(r->w);
out:
	json_decref(version);
	json_decref(missing);
}

/*
 * Checks the reviewers (user ids) to be assigned in addition to those already assigned: each a
 * reviewer of a member organisation, two or more in all, at least one from a company or a sector
 * organisation. Inserts the new assignments.
 */
static int reviewers_assign_or_reply(struct req *r, const struct target *t, json_t *ids)
{
	static const char user_sql[] =
	    "SELECT u.role, u.organisation_id, o.type FROM users AS u"
	    " LEFT JOIN organisations AS o ON o.id = u.organisation_id"
	    " WHERE u.id = ? AND u.disabled_at IS NULL";
	static const char insert_sql[] =
	    "INSERT IGNORE INTO microcredential_reviewers (version_id, reviewer_id, assigned_by)"
	    " VALUES (?, ?, ?)";
	static const char summary_sql[] =
	    "SELECT COUNT(*), SUM(o.type IN ('company', 'sector_organisation'))"
	    " FROM microcredential_reviewers AS a JOIN users AS u ON u.id = a.reviewer_id"
	    " JOIN organisations AS o ON o.id = u.organisation_id WHERE a.version_id = ?";
	size_t i;
	json_t *id;

	json_array_foreach(ids, i, id) {
		char field[48];
		struct db_result res;
		snprintf(field, sizeof field, "reviewer_ids[%zu]", i);
		if (!json_is_integer(id) || json_integer_value(id) <= 0) {
			reply_error(r, 400, "invalid_field", field, "%s must be a user id", field);
			return -1;
		}
		struct db_param params[] = { P_INT(json_integer_value(id)) };
		if (db_query(r->w, user_sql, params, 1, &res) != 0)
			goto db_error;
		bool reviewer = res.rows == 1 && strcmp(db_cell(&res, 0, 0), "reviewer") == 0 &&
		    db_cell(&res, 0, 1) != NULL;
		db_result_free(&res);
		if (!reviewer) {
			reply_error(r, 400, "invalid_field", field,
			    "user %lld is not an active reviewer of a member organisation",
			    (long long)json_integer_value(id));
			return -1;
		}
		struct db_param insert[] = { P_INT(t->version_id), P_INT(json_integer_value(id)),
		    P_INT(r->user->id) };
		if (db_exec(r->w, insert_sql, insert, 3, NULL, NULL) != 0)
			goto db_error;
	}

	struct db_param version_param[] = { P_INT(t->version_id) };
	struct db_result summary;
	if (db_query(r->w, summary_sql, version_param, 1, &summary) != 0)
		goto db_error;
	long long count = db_cell_int(&summary, 0, 0);
	long long sector = db_cell_int(&summary, 0, 1);
	db_result_free(&summary);
	if (count < 2) {
		reply_error(r, 400, "invalid_field", "reviewer_ids",
		    "a micro-credential needs two or more reviewers; %lld would be assigned", count);
		return -1;
	}
	if (sector < 1) {
		reply_error(r, 400, "invalid_field", "reviewer_ids",
		    "at least one reviewer must come from a company or a sector organisation, because "
		    "validation is sector-driven");
		return -1;
	}
	return 0;

db_error:
	reply_db_error(r);
	return -1;
}

void handle_microcredential_reviewers(struct req *r)
{
	json_t *body = req_json_or_reply(r);
	struct target t = { 0 };
	json_t *ids;
	char from[24];

	if (!body)
		return;
	ids = json_object_get(body, "reviewer_ids");
	if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > REVIEWERS_MAX) {
		reply_error(r, 400, "invalid_field", "reviewer_ids",
		    "reviewer_ids must be a list of 1 to %d user ids of reviewers", REVIEWERS_MAX);
		goto out;
	}
	if (target_lock_or_reply(r, &t) != 0)
		goto out;
	if (!status_is(&t, "submitted") && !status_is(&t, "in_review")) {
		reply_transition_conflict(r, &t, "given reviewers", "submitted or in review");
		goto rollback;
	}
	if (reviewers_assign_or_reply(r, &t, ids) != 0)
		goto rollback;
	snprintf(from, sizeof from, "%s", t.status);
	if (version_set_status(r->w, &t, "in_review", NULL) != 0 ||
	    audit_transition(r, &t, "microcredential_reviewers_assigned", from, "in_review", NULL,
	    json_pack("{s:O}", "reviewer_ids", ids)) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	commit_and_reply(r, &t, 200);
	goto out;

rollback:
	db_rollback(r->w);
out:
	json_decref(body);
}

/* Checks the checklist: every criterion once, in any order, each pass or fail with a comment. */
static json_t *checklist_or_reply(struct req *r, json_t *body)
{
	json_t *items = json_object_get(body, "checklist");
	json_t *checklist = json_array();

	if (!json_is_array(items) || json_array_size(items) != CRITERIA_COUNT) {
		reply_error(r, 400, "invalid_field", "checklist",
		    "checklist must list the %zu criteria of the quality approach, each once",
		    CRITERIA_COUNT);
		goto failed;
	}
	for (size_t c = 0; c < CRITERIA_COUNT; c++) {
		json_t *found = NULL;
		size_t i;
		json_t *item;
		json_array_foreach(items, i, item) {
			const char *criterion = json_string_value(json_object_get(item, "criterion"));
			if (criterion && strcmp(criterion, checklist_criteria[c]) == 0)
				found = item;
		}
		char field[64];
		snprintf(field, sizeof field, "checklist.%s", checklist_criteria[c]);
		if (!found) {
			reply_error(r, 400, "missing_field", field, "the checklist lacks the criterion %s",
			    checklist_criteria[c]);
			goto failed;
		}
		const char *result = json_string_value(json_object_get(found, "result"));
		if (!result || (strcmp(result, "pass") != 0 && strcmp(result, "fail") != 0)) {
			reply_error(r, 400, "invalid_field", field, "the result of %s must be pass or fail",
			    checklist_criteria[c]);
			goto failed;
		}
		const char *comment = NULL;
		if (json_string_or_reply(r, found, "comment", false, COMMENT_MAX, &comment) != 0)
			goto failed;
		char *trimmed = comment ? text_trim(comment) : xstrdup("");
		if (strcmp(result, "fail") == 0 && trimmed[0] == '\0') {
			free(trimmed);
			reply_error(r, 400, "missing_field", field,
			    "a failed criterion needs a comment that says what is missing");
			goto failed;
		}
		json_array_append_new(checklist, json_pack("{s:s, s:s, s:s}", "criterion",
		    checklist_criteria[c], "result", result, "comment", trimmed));
		free(trimmed);
	}
	return checklist;

failed:
	json_decref(checklist);
	return NULL;
}

static int review_store(struct req *r, const struct target *t, json_t *checklist,
    const char *recommendation, const char *comment)
{
	static const char sql[] =
	    "INSERT INTO microcredential_reviews (version_id, reviewer_id, checklist, recommendation,"
	    " comment) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE checklist = VALUES(checklist),"
	    " recommendation = VALUES(recommendation), comment = VALUES(comment),"
	    " updated_at = UTC_TIMESTAMP(6)";
	char *text = json_dumps(checklist, JSON_COMPACT);
	struct db_param params[] = { P_INT(t->version_id), P_INT(r->user->id), P_TEXT(text),
	    P_TEXT(recommendation), P_TEXT(comment) };
	int rc = db_exec(r->w, sql, params, 5, NULL, NULL);

	free(text);
	return rc;
}

static bool is_assigned(struct req *r, const struct target *t, bool *db_failed)
{
	static const char sql[] =
	    "SELECT 1 FROM microcredential_reviewers WHERE version_id = ? AND reviewer_id = ?";
	struct db_param params[] = { P_INT(t->version_id), P_INT(r->user->id) };
	struct db_result res;

	*db_failed = db_query(r->w, sql, params, 2, &res) != 0;
	if (*db_failed)
		return false;
	bool assigned = res.rows > 0;
	db_result_free(&res);
	return assigned;
}

void handle_microcredential_review(struct req *r)
{
	json_t *body = req_json_or_reply(r);
	json_t *checklist = NULL;
	char *comment = NULL;
	const char *recommendation;
	const char *raw_comment = NULL;
	struct target t = { 0 };
	bool db_failed = false;

	if (!body)
		return;
	checklist = checklist_or_reply(r, body);
	if (!checklist)
		goto out;
	recommendation = json_string_value(json_object_get(body, "recommendation"));
	if (!recommendation || (strcmp(recommendation, "approve") != 0 &&
	    strcmp(recommendation, "request_changes") != 0)) {
		reply_error(r, 400, "invalid_field", "recommendation",
		    "recommendation must be approve or request_changes");
		goto out;
	}
	if (json_string_or_reply(r, body, "comment", false, COMMENT_MAX, &raw_comment) != 0)
		goto out;
	comment = raw_comment ? text_trim(raw_comment) : NULL;

	if (target_lock_or_reply(r, &t) != 0)
		goto out;
	if (!is_assigned(r, &t, &db_failed)) {
		if (db_failed)
			reply_db_error(r);
		else
			reply_error(r, 403, "not_assigned", NULL,
			    "only a reviewer assigned to version %lld may review it", t.version);
		goto rollback;
	}
	if (!status_is(&t, "in_review")) {
		reply_transition_conflict(r, &t, "reviewed", "in review");
		goto rollback;
	}
	if (review_store(r, &t, checklist, recommendation, comment) != 0 ||
	    audit_transition(r, &t, "microcredential_reviewed", "in_review", "in_review", comment,
	    json_pack("{s:s}", "recommendation", recommendation)) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	commit_and_reply(r, &t, 200);
	goto out;

rollback:
	db_rollback(r->w);
out:
	free(comment);
	json_decref(checklist);
	json_decref(body);
}

/* Counts the assigned reviewers of the version who have not reviewed it yet, or -1. */
static long long reviews_missing(struct worker *w, const struct target *t)
{
	static const char sql[] =
	    "SELECT COUNT(*) FROM microcredential_reviewers AS a LEFT JOIN microcredential_reviews AS rv"
	    " ON rv.version_id = a.version_id AND rv.reviewer_id = a.reviewer_id"
	    " WHERE a.version_id = ? AND rv.version_id IS NULL";
	struct db_param params[] = { P_INT(t->version_id) };
	struct db_result res;

	if (db_query(w, sql, params, 1, &res) != 0)
		return -1;
	long long count = db_cell_int(&res, 0, 0);
	db_result_free(&res);
	return count;
}

void handle_microcredential_approve(struct req *r)
{
	json_t *body = NULL;
	char *comment = NULL;
	struct target t = { 0 };

	if (comment_or_reply(r, &body, false, &comment) != 0 || target_lock_or_reply(r, &t) != 0)
		goto out;
	if (!status_is(&t, "in_review")) {
		reply_transition_conflict(r, &t, "approved", "in review");
		goto rollback;
	}
	long long missing = reviews_missing(r->w, &t);
	if (missing < 0)
		goto db_error;
	if (missing > 0) {
		reply_error(r, 409, "reviews_missing", NULL,
		    "%lld assigned reviewer(s) have not filled the checklist yet; approve after every review",
		    missing);
		goto rollback;
	}
	if (version_set_status(r->w, &t, "approved", "approved_at") != 0 ||
	    audit_transition(r, &t, "microcredential_approved", "in_review", "approved", comment, NULL) != 0)
		goto db_error;
	commit_and_reply(r, &t, 200);
	goto out;

db_error:
	reply_db_error(r);
rollback:
	db_rollback(r->w);
out:
	free(comment);
	json_decref(body);
}

void handle_microcredential_request_changes(struct req *r)
{
	json_t *body = NULL;
	char *comment = NULL;
	struct target t = { 0 };
	char from[24];

	if (comment_or_reply(r, &body, true, &comment) != 0 || target_lock_or_reply(r, &t) != 0)
		goto out;
	if (!status_is(&t, "submitted") && !status_is(&t, "in_review") && !status_is(&t, "approved")) {
		reply_transition_conflict(r, &t, "returned with changes requested",
		    "submitted, in review or approved");
		goto rollback;
	}
	snprintf(from, sizeof from, "%s", t.status);
	if (version_set_status(r->w, &t, "changes_requested", NULL) != 0 ||
	    audit_transition(r, &t, "microcredential_changes_requested", from, "changes_requested",
	    comment, NULL) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	commit_and_reply_comment(r, &t, 200, comment);
	goto out;

rollback:
	db_rollback(r->w);
out:
	free(comment);
	json_decref(body);
}

void handle_microcredential_publish(struct req *r)
{
	static const char supersede_sql[] =
	    "UPDATE microcredential_versions SET status = 'superseded'"
	    " WHERE microcredential_id = ? AND status = 'published'";
	static const char identity_sql[] =
	    "UPDATE microcredentials SET status = 'published', published_at = UTC_TIMESTAMP(6),"
	    " updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	json_t *body = NULL;
	char *comment = NULL;
	struct target t = { 0 };

	if (comment_or_reply(r, &body, false, &comment) != 0 || target_lock_or_reply(r, &t) != 0)
		goto out;
	if (!status_is(&t, "approved")) {
		reply_error(r, 409, "not_approved", NULL,
		    "version %lld is %s; only an approved version can be published", t.version, t.status);
		goto rollback;
	}
	struct db_param params[] = { P_INT(t.id) };
	if (db_exec(r->w, supersede_sql, params, 1, NULL, NULL) != 0 ||
	    version_set_status(r->w, &t, "published", "published_at") != 0 ||
	    db_exec(r->w, identity_sql, params, 1, NULL, NULL) != 0 ||
	    audit_transition(r, &t, "microcredential_published", "approved", "published", comment, NULL) != 0) {
		reply_db_error(r);
		goto rollback;
	}
	commit_and_reply(r, &t, 200);
	goto out;

rollback:
	db_rollback(r->w);
out:
	free(comment);
	json_decref(body);
}

void handle_microcredential_retire(struct req *r)
{
	static const char find_sql[] =
	    "SELECT id, version FROM microcredential_versions"
	    " WHERE microcredential_id = ? AND status = 'published'";
	static const char identity_sql[] =
	    "UPDATE microcredentials SET status = 'retired', updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	json_t *body = NULL;
	char *comment = NULL;
	struct target t = { 0 };
	struct db_result res = { 0 };

	if (comment_or_reply(r, &body, false, &comment) != 0 || target_lock_or_reply(r, &t) != 0)
		goto out;
	struct db_param params[] = { P_INT(t.id) };
	if (db_query(r->w, find_sql, params, 1, &res) != 0)
		goto db_error;
	if (res.rows == 0) {
		reply_error(r, 409, "invalid_transition", NULL,
		    "micro-credential %lld has no published version, so there is nothing to retire", t.id);
		goto rollback;
	}
	/* Retiring acts on the published version, which may be older than a draft in progress. */
	t.version_id = db_cell_int(&res, 0, 0);
	t.version = db_cell_int(&res, 0, 1);
	if (version_set_status(r->w, &t, "retired", "retired_at") != 0 ||
	    db_exec(r->w, identity_sql, params, 1, NULL, NULL) != 0 ||
	    audit_transition(r, &t, "microcredential_retired", "published", "retired", comment, NULL) != 0)
		goto db_error;
	commit_and_reply(r, &t, 200);
	goto out;

db_error:
	reply_db_error(r);
rollback:
	db_rollback(r->w);
out:
	db_result_free(&res);
	free(comment);
	json_decref(body);
}
