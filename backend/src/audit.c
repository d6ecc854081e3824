/*
 * audit.c: the audit log, one row per change that a person made.
 *
 * Callers write the record inside the transaction of the change itself, so either both are stored
 * or neither is. Details hold ids and codes, never passwords, tokens or e-mail addresses.
 */
#include <stdlib.h>

#include "mic.h"

int audit_record(struct req *r, const char *action, const char *object_type, const char *object_id,
    long long organisation_id, json_t *details)
{
	static const char sql[] =
	    "INSERT INTO audit_log (request_id, actor_user_id, action, object_type, object_id,"
	    " organisation_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)";
	char *details_text = NULL;
	int rc = -1;

	if (details) {
		details_text = json_dumps(details, JSON_COMPACT);
		if (!details_text) {
			log_event(LOG_ERROR, r->request_id, "event=audit_failed action=%s reason=json_dumps",
			    action);
			goto out;
		}
	}

	struct db_param params[] = {
		P_TEXT(r->request_id),
		r->user ? P_INT(r->user->id) : P_NULL,
		P_TEXT(action),
		P_TEXT(object_type),
		P_TEXT(object_id),
		organisation_id > 0 ? P_INT(organisation_id) : P_NULL,
		P_TEXT(details_text),
	};
	if (db_exec(r->w, sql, params, sizeof params / sizeof params[0], NULL, NULL) != 0)
		goto out;
	rc = 0;

out:
	free(details_text);
	json_decref(details);
	return rc;
}

int audit_record_many(struct req *r, const char *action, const char *object_type,
    const char *const *object_ids, size_t count, long long organisation_id, json_t *details)
{
	enum { COLUMNS = 7 };
	struct buf sql;
	char *details_text = details ? json_dumps(details, JSON_COMPACT) : NULL;
	struct db_param *params = xcalloc(count * COLUMNS, sizeof *params);
	int rc = -1;

	buf_init(&sql);
	buf_puts(&sql, "INSERT INTO audit_log (request_id, actor_user_id, action, object_type, object_id,"
	    " organisation_id, details) VALUES ");
	db_values_list(&sql, count, COLUMNS);
	for (size_t i = 0; i < count; i++) {
		struct db_param *row = &params[i * COLUMNS];
		row[0] = P_TEXT(r->request_id);
		row[1] = r->user ? P_INT(r->user->id) : P_NULL;
		row[2] = P_TEXT(action);
		row[3] = P_TEXT(object_type);
		row[4] = P_TEXT(object_ids[i]);
		row[5] = organisation_id > 0 ? P_INT(organisation_id) : P_NULL;
		row[6] = P_TEXT(details_text);
	}
	if (details && !details_text)
		log_event(LOG_ERROR, r->request_id, "event=audit_failed action=%s reason=json_dumps", action);
	else if (db_exec(r->w, sql.data, params, count * COLUMNS, NULL, NULL) == 0)
		rc = 0;
	buf_free(&sql);
	free(params);
	free(details_text);
	json_decref(details);
	return rc;
}
