/*
 * health.c: GET /api/v1/health tells a load balancer or the launcher whether this process can
 * reach the database. 200 {"status":"ok"} or 503 with Retry-After.
 */
#include "mic.h"

void handle_health(struct req *r)
{
	struct db_result res;

	if (db_query(r->w, "SELECT 1", NULL, 0, &res) != 0) {
		reply_db_error(r);
		return;
	}
	db_result_free(&res);
	reply_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "database", "ok"));
}
