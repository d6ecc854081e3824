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
