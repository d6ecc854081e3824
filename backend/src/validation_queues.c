/*
 * validation_queues.c: the micro-credential versions that wait for a coordinator, grouped into
 * the dashboard's three validation queues, the longest waiting first:
 *
 * - awaiting_reviewers: submitted, with no reviewers assigned yet. The wait starts at the last
 *   audit row that moved the version to submitted.
 * - reviews_outstanding: in review, with some assigned reviewers' checklists missing. The wait
 *   starts at the last audit row that moved the version from submitted to in review.
 * - awaiting_decision: in review, with every assigned reviewer's checklist in. The wait starts at
 *   the latest of that move, the last reviewer assignment and the last checklist.
 *
 * The audit log is the source of the times because the versions table keeps only the first
 * submission time, while a version can be submitted again after changes were requested.
 */
#include <stdio.h>
#include <string.h>

#include "mic.h"

/* One row per version in submitted or in_review, with the time it entered its current queue. */
static const char versions_sql[] =
    "SELECT q.version_id, q.microcredential_id, q.version, q.title, q.organisation_id,"
    " q.organisation_name, q.country, q.reviewers, q.reviews,"
    " CASE WHEN q.status = 'submitted' THEN 'awaiting_reviewers'"
    "  WHEN q.reviews < q.reviewers THEN 'reviews_outstanding' ELSE 'awaiting_decision' END,"
    " CASE WHEN q.status = 'submitted' THEN q.submitted_entry"
    "  WHEN q.reviews < q.reviewers THEN q.review_entry"
    "  ELSE GREATEST(q.review_entry, COALESCE(q.last_assigned, q.review_entry),"
    "   COALESCE(q.last_review, q.review_entry)) END AS entered_at"
    " FROM (SELECT v.id AS version_id, v.microcredential_id, v.version, v.status, v.title,"
    "  o.id AS organisation_id, o.name AS organisation_name, o.country,"
    "  (SELECT COUNT(*) FROM microcredential_reviewers AS ra WHERE ra.version_id = v.id) AS reviewers,"
    "  (SELECT COUNT(*) FROM microcredential_reviews AS rv WHERE rv.version_id = v.id) AS reviews,"
    "  (SELECT MAX(ra.assigned_at) FROM microcredential_reviewers AS ra WHERE ra.version_id = v.id)"
    "   AS last_assigned,"
    "  (SELECT MAX(rv.submitted_at) FROM microcredential_reviews AS rv WHERE rv.version_id = v.id)"
    "   AS last_review,"
    "  COALESCE((SELECT MAX(a.at) FROM audit_log AS a WHERE a.object_type = 'microcredential'"
    "   AND a.object_id = CAST(v.microcredential_id AS CHAR)"
    "   AND JSON_VALUE(a.details, '$.version') = v.version"
    "   AND JSON_VALUE(a.details, '$.to') = 'submitted'), v.submitted_at) AS submitted_entry,"
    "  COALESCE((SELECT MAX(a.at) FROM audit_log AS a WHERE a.object_type = 'microcredential'"
    "   AND a.object_id = CAST(v.microcredential_id AS CHAR)"
    "   AND JSON_VALUE(a.details, '$.version') = v.version"
    "   AND JSON_VALUE(a.details, '$.from') = 'submitted'"
    "   AND JSON_VALUE(a.details, '$.to') = 'in_review'), v.submitted_at) AS review_entry"
    "  FROM microcredential_versions AS v"
    "  JOIN microcredentials AS m ON m.id = v.microcredential_id"
    "  JOIN organisations AS o ON o.id = m.promoting_organisation_id"
    "  WHERE v.status IN ('submitted', 'in_review')) AS q"
    " ORDER BY entered_at, q.microcredential_id";

enum {
	COL_VERSION_ID, COL_MICROCREDENTIAL_ID, COL_VERSION, COL_TITLE, COL_ORGANISATION_ID,
	COL_ORGANISATION_NAME, COL_COUNTRY, COL_REVIEWERS, COL_REVIEWS, COL_QUEUE, COL_ENTERED_AT,
};

/* The assigned reviewers of every version in review, and whether each filled the checklist. */
static const char reviewers_sql[] =
    "SELECT ra.version_id, u.id, u.name, rv.submitted_at FROM microcredential_reviewers AS ra"
    " JOIN microcredential_versions AS v ON v.id = ra.version_id"
    " JOIN users AS u ON u.id = ra.reviewer_id"
    " LEFT JOIN microcredential_reviews AS rv"
    "  ON rv.version_id = ra.version_id AND rv.reviewer_id = ra.reviewer_id"
    " WHERE v.status = 'in_review' ORDER BY ra.version_id, u.name, u.id";

static const char *const queue_names[] = {
	"awaiting_reviewers", "reviews_outstanding", "awaiting_decision",
};

/* Returns a new array of {id, name, checklist_submitted, ...} for the reviewers of version_id. */
static json_t *reviewers_of(const struct db_result *reviewers, const char *version_id)
{
	json_t *list = json_array();

	for (size_t row = 0; row < reviewers->rows; row++) {
		if (strcmp(db_cell(reviewers, row, 0), version_id) != 0)
			continue;
		const char *submitted_at = db_cell(reviewers, row, 3);
		json_t *reviewer = json_pack("{s:I, s:s?, s:b}",
		    "id", (json_int_t)db_cell_int(reviewers, row, 1), "name", db_cell(reviewers, row, 2),
		    "checklist_submitted", submitted_at != NULL);

		json_set_time(reviewer, "checklist_submitted_at", "checklist_submitted_on", submitted_at);
		json_array_append_new(list, reviewer);
	}
	return list;
}

/* Returns a new queue item for row `row` of the versions query, with its age at `now`. */
static json_t *queue_item(const struct db_result *versions, size_t row,
    const struct db_result *reviewers, time_t now)
{
	long long id = db_cell_int(versions, row, COL_MICROCREDENTIAL_ID);
	const char *entered_at = db_cell(versions, row, COL_ENTERED_AT);
	time_t since = now;
	char path[64];

	if (entered_at && time_parse_db(entered_at, &since) != 0)
		since = now;
	snprintf(path, sizeof path, "/microcredentials/%lld/validation", id);
	json_t *item = json_pack("{s:I, s:I, s:s?, s:{s:I, s:s, s:s?}, s:I, s:I, s:I, s:s}",
	    "id", (json_int_t)id, "version", (json_int_t)db_cell_int(versions, row, COL_VERSION),
	    "title", db_cell(versions, row, COL_TITLE),
	    "promoting_organisation", "id", (json_int_t)db_cell_int(versions, row, COL_ORGANISATION_ID),
	    "name", db_cell(versions, row, COL_ORGANISATION_NAME),
	    "country", db_cell(versions, row, COL_COUNTRY),
	    "reviewers_assigned", (json_int_t)db_cell_int(versions, row, COL_REVIEWERS),
	    "checklists_submitted", (json_int_t)db_cell_int(versions, row, COL_REVIEWS),
	    "age_hours", (json_int_t)(since < now ? (now - since) / 3600 : 0),
	    "validation_path", path);

	json_set_time(item, "waiting_since", "waiting_since_on", entered_at);
	json_object_set_new(item, "reviewers",
	    reviewers_of(reviewers, db_cell(versions, row, COL_VERSION_ID)));
	return item;
}

json_t *validation_queues_json(struct worker *w)
{
	struct db_result versions = { 0 }, reviewers = { 0 };
	json_t *queues = NULL;
	time_t now = time(NULL);

	if (db_query(w, versions_sql, NULL, 0, &versions) != 0 ||
	    db_query(w, reviewers_sql, NULL, 0, &reviewers) != 0)
		goto out;
	queues = json_object();
	for (size_t q = 0; q < sizeof queue_names / sizeof queue_names[0]; q++) {
		json_t *items = json_array();

		for (size_t row = 0; row < versions.rows; row++) {
			if (strcmp(db_cell(&versions, row, COL_QUEUE), queue_names[q]) == 0)
				json_array_append_new(items, queue_item(&versions, row, &reviewers, now));
		}
		json_object_set_new(queues, queue_names[q], json_pack("{s:o, s:I}", "items", items,
		    "total", (json_int_t)json_array_size(items)));
	}

out:
	db_result_free(&versions);
	db_result_free(&reviewers);
	return queues;
}
