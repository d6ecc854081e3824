/*
 * versions.c: the views of the validation work: the versions of a micro-credential, one version
 * with its reviews, the history of changes from the audit log, and the queue of versions that
 * wait for someone.
 *
 * Access: coordinators see everything. Members of the promoting organisation see its versions
 * and history. A reviewer sees the versions of micro-credentials that it was assigned to review.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

/*
 * Finds the promoting organisation of the micro-credential in the path. Replies 404 when there is
 * none and 403 when the caller may not see its validation work (with_reviewers lets assigned
 * reviewers in). Returns the micro-credential id, or 0 after a reply.
 */
static long long workflow_access_or_reply(struct req *r, bool with_reviewers)
{
	static const char org_sql[] = "SELECT promoting_organisation_id FROM microcredentials WHERE id = ?";
	static const char assigned_sql[] =
	    "SELECT 1 FROM microcredential_reviewers AS a"
	    " JOIN microcredential_versions AS v ON v.id = a.version_id"
	    " WHERE v.microcredential_id = ? AND a.reviewer_id = ? LIMIT 1";
	long long id = path_id(r->params[0]);
	struct db_result res;

	if (id == 0) {
		reply_error(r, 404, "not_found", NULL, "no micro-credential has the id given in the path");
		return 0;
	}
	struct db_param params[] = { P_INT(id), P_INT(r->user->id) };
	if (db_query(r->w, org_sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return 0;
	}
	if (res.rows == 0) {
		db_result_free(&res);
		reply_error(r, 404, "not_found", NULL, "no micro-credential has the id %lld", id);
		return 0;
	}
	long long organisation_id = db_cell_int(&res, 0, 0);
	db_result_free(&res);
	if (r->user->role == ROLE_COORDINATOR || r->user->organisation_id == organisation_id)
		return id;

	if (with_reviewers && r->user->role == ROLE_REVIEWER) {
		if (db_query(r->w, assigned_sql, params, 2, &res) != 0) {
			reply_db_error(r);
			return 0;
		}
		bool assigned = res.rows > 0;
		db_result_free(&res);
		if (assigned)
			return id;
	}
	reply_error(r, 403, "forbidden", NULL,
	    "only coordinators, the promoting organisation and assigned reviewers may see this");
	return 0;
}

void handle_microcredential_versions(struct req *r)
{
	static const char sql[] =
	    "SELECT version, status, title, created_at, submitted_at, approved_at, published_at,"
	    " retired_at FROM microcredential_versions WHERE microcredential_id = ? ORDER BY version";
	long long id = workflow_access_or_reply(r, true);
	struct db_result res;

	if (id == 0)
		return;
	struct db_param params[] = { P_INT(id) };
	if (db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *item = json_pack("{s:I, s:s, s:s?}", "version", (json_int_t)db_cell_int(&res, row, 0),
		    "status", db_cell(&res, row, 1), "title", db_cell(&res, row, 2));
		json_set_time(item, "created_at", "created_on", db_cell(&res, row, 3));
		json_set_time(item, "submitted_at", "submitted_on", db_cell(&res, row, 4));
		json_set_time(item, "approved_at", "approved_on", db_cell(&res, row, 5));
		json_set_time(item, "published_at", "published_on", db_cell(&res, row, 6));
		json_set_time(item, "retired_at", "retired_on", db_cell(&res, row, 7));
		json_array_append_new(items, item);
	}
	db_result_free(&res);
	reply_json(r, 200, json_pack("{s:I, s:o}", "id", (json_int_t)id, "items", items));
}

void handle_microcredential_version_get(struct req *r)
{
	long long id = workflow_access_or_reply(r, true);
	long long number;
	bool db_failed = false;

	if (id == 0)
		return;
	if (parse_long(r->params[1], 1, INT32_MAX, &number) != 0) {
		reply_error(r, 404, "not_found", NULL, "versions are numbered 1, 2, 3 and so on");
		return;
	}
	json_t *detail = mc_version_detail(r->w, id, number, &db_failed);
	if (db_failed) {
		reply_db_error(r);
		return;
	}
	if (!detail) {
		reply_error(r, 404, "not_found", NULL, "micro-credential %lld has no version %lld", id, number);
		return;
	}
	reply_json(r, 200, detail);
}

void handle_microcredential_history(struct req *r)
{
	static const char sql[] =
	    "SELECT a.at, a.action, a.details, u.id, u.name, u.role FROM audit_log AS a"
	    " LEFT JOIN users AS u ON u.id = a.actor_user_id"
	    " WHERE a.object_type = 'microcredential' AND a.object_id = ? ORDER BY a.id";
	long long id = workflow_access_or_reply(r, false);
	struct db_result res;
	char id_text[24];

	if (id == 0)
		return;
	snprintf(id_text, sizeof id_text, "%lld", id);
	struct db_param params[] = { P_TEXT(id_text) };
	if (db_query(r->w, sql, params, 1, &res) != 0) {
		reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *details = json_loads(db_cell(&res, row, 2) ? db_cell(&res, row, 2) : "{}", 0, NULL);
		json_t *item = json_pack("{s:s, s:{s:I, s:s?, s:s?}}", "action", db_cell(&res, row, 1),
		    "actor", "id", (json_int_t)db_cell_int(&res, row, 3), "name", db_cell(&res, row, 4),
		    "role", db_cell(&res, row, 5));
		json_set_time(item, "at", "on", db_cell(&res, row, 0));
		const char *keys[] = { "version", "from", "to", "comment", "recommendation", "reviewer_ids" };
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			json_t *value = json_object_get(details, keys[k]);
			if (value)
				json_object_set(item, keys[k], value);
		}
		json_decref(details);
		json_array_append_new(items, item);
	}
	db_result_free(&res);
	reply_json(r, 200, json_pack("{s:I, s:o}", "id", (json_int_t)id, "items", items));
}

/*
 * The latest version of each micro-credential that waits for the caller: for a coordinator those
 * submitted, in review or approved; for a reviewer those in review that it is assigned to; for an
 * editor every unpublished latest version of its organisation.
 */
void handle_validation_queue(struct req *r)
{
	static const char base_sql[] =
	    "SELECT v.microcredential_id, v.version, v.status, v.title, v.submitted_at, o.id, o.name,"
	    " (SELECT COUNT(*) FROM microcredential_reviewers AS a WHERE a.version_id = v.id),"
	    " (SELECT COUNT(*) FROM microcredential_reviews AS rv WHERE rv.version_id = v.id)"
	    " FROM microcredential_versions AS v"
	    " JOIN microcredentials AS m ON m.id = v.microcredential_id"
	    " JOIN organisations AS o ON o.id = m.promoting_organisation_id"
	    " WHERE v.version = (SELECT MAX(x.version) FROM microcredential_versions AS x"
	    "  WHERE x.microcredential_id = v.microcredential_id)";
	static const char coordinator_sql[] =
	    " AND v.status IN ('submitted', 'in_review', 'approved') AND ? > 0";
	static const char reviewer_sql[] =
	    " AND v.status = 'in_review' AND EXISTS (SELECT 1 FROM microcredential_reviewers AS a"
	    "  WHERE a.version_id = v.id AND a.reviewer_id = ?)";
	static const char editor_sql[] =
	    " AND v.status NOT IN ('published', 'superseded', 'retired') AND m.promoting_organisation_id = ?";
	struct buf sql;
	struct db_result res;
	long long param = r->user->id;

	buf_init(&sql);
	buf_puts(&sql, base_sql);
	if (r->user->role == ROLE_COORDINATOR) {
		buf_puts(&sql, coordinator_sql);
	} else if (r->user->role == ROLE_REVIEWER) {
		buf_puts(&sql, reviewer_sql);
	} else {
		buf_puts(&sql, editor_sql);
		param = r->user->organisation_id;
	}
	buf_puts(&sql, " ORDER BY v.submitted_at IS NULL, v.submitted_at, v.microcredential_id");
	struct db_param params[] = { P_INT(param) };
	int rc = db_query(r->w, sql.data, params, 1, &res);
	buf_free(&sql);
	if (rc != 0) {
		reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *item = json_pack("{s:I, s:I, s:s, s:s?, s:{s:I, s:s}, s:I, s:I}",
		    "id", (json_int_t)db_cell_int(&res, row, 0), "version", (json_int_t)db_cell_int(&res, row, 1),
		    "status", db_cell(&res, row, 2), "title", db_cell(&res, row, 3),
		    "promoting_organisation", "id", (json_int_t)db_cell_int(&res, row, 5),
		    "name", db_cell(&res, row, 6), "reviewers", (json_int_t)db_cell_int(&res, row, 7),
		    "reviews", (json_int_t)db_cell_int(&res, row, 8));
		json_set_time(item, "submitted_at", "submitted_on", db_cell(&res, row, 4));
		json_array_append_new(items, item);
	}
	db_result_free(&res);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}
