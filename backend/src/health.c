/*
 * health.c: GET /api/v1/health tells a load balancer or the launcher whether this process can
 * reach the database: 200, or 503 with Retry-After when it cannot. A 200 also reports what this
 * process needs besides the database:
 *   {"status":"ok"|"degraded", "database":"ok",
 *    "signing_key":{"status":"ok"|"unusable", "key_id" or "code"},
 *    "log":{"status":"ok"|"failing", "errno", "error", "dropped_lines"}}
 * The endpoint is public, so it names no file: the log line of an issuing request and the
 * backend's standard error name the file and the fix.
 * "degraded" means the process serves verification and reading, but issuing is refused (signing
 * key) or log lines are lost (log file). It stays a 200, because the other backend instance
 * shares the key and the log folder, so taking this one out of service would not help.
 */
#include <string.h>

#include <openssl/evp.h>

#include "mic.h"

/* Returns {"status":"ok","key_id"} or {"status":"unusable","code"}, or NULL when the query failed. */
static json_t *signing_key_health(struct req *r)
{
	char key_id[SIGNING_KEY_ID_MAX];
	char err[1024];
	bool found = false;
	enum signing_key_problem problem;
	EVP_PKEY *key;

	if (signing_key_current(r->w, key_id, &found) != 0)
		return NULL;
	if (!found)
		return json_pack("{s:s, s:s}", "status", "unusable",
		    "code", signing_key_problem_code(SIGNING_KEY_MISSING));
	key = signing_key_read(key_id, &problem, err, sizeof err);
	if (!key)
		return json_pack("{s:s, s:s}", "status", "unusable", "code",
		    signing_key_problem_code(problem));
	EVP_PKEY_free(key);
	return json_pack("{s:s, s:s}", "status", "ok", "key_id", key_id);
}

static json_t *log_health(void)
{
	const char *path;  /* not published */
	unsigned long long dropped;
	int errnum = log_file_state(&path, &dropped);

	if (errnum == 0)
		return json_pack("{s:s}", "status", "ok");
	return json_pack("{s:s, s:i, s:s, s:I}", "status", "failing", "errno", errnum, "error", strerror(errnum), "dropped_lines", (json_int_t)dropped);
}

void handle_health(struct req *r)
{
	struct db_result res;
	json_t *key_health, *log_state;
	bool degraded;

	if (db_query(r->w, "SELECT 1", NULL, 0, &res) != 0) {
		reply_db_error(r);
		return;
	}
	db_result_free(&res);
	key_health = signing_key_health(r);
	if (!key_health) {
		reply_db_error(r);
		return;
	}
	log_state = log_health();
	degraded = strcmp(json_string_value(json_object_get(key_health, "status")), "ok") != 0 ||
	    strcmp(json_string_value(json_object_get(log_state, "status")), "ok") != 0;
	reply_json(r, 200, json_pack("{s:s, s:s, s:o, s:o}", "status", degraded ? "degraded" : "ok",
	    "database", "ok", "signing_key", key_health, "log", log_state));
}
