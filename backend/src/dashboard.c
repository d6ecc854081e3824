/*
 * dashboard.c: the coordinators' work queues, the audit log and the certificate figures.
 *
 * Figures count certificates by the time of issue, revoked ones included, because they count
 * what was issued. Each figure is JSON ({name, columns, rows}) or, with ?format=csv, RFC 4180
 * CSV with a header line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define AUDIT_PER_PAGE 50

void handle_dashboard_queues(struct req *r)
{
	static const char sql[] =
	    "SELECT id, name, country, type, status, confirmed_at,"
	    " TIMESTAMPDIFF(HOUR, confirmed_at, UTC_TIMESTAMP(6)) FROM applications"
	    " WHERE status IN ('submitted', 'info_requested') ORDER BY confirmed_at, id";
	struct db_result res;

	if (db_query(r->w, sql, NULL, 0, &res) != 0) {
		reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}",
		    "id", (json_int_t)db_cell_int(&res, row, 0), "name", db_cell(&res, row, 1),
		    "country", db_cell(&res, row, 2), "type", db_cell(&res, row, 3),
		    "status", db_cell(&res, row, 4), "age_hours", (json_int_t)db_cell_int(&res, row, 6));
		json_set_time(item, "waiting_since", "waiting_since_on", db_cell(&res, row, 5));
		json_array_append_new(items, item);
	}
	reply_json(r, 200, json_pack("{s:{s:o, s:I}}", "applications", "items", items, "total",
	    (json_int_t)res.rows));
	db_result_free(&res);
}

/* ---- Audit log ---- */

/* Reads an optional id filter (a positive whole number); replies 400 when it is malformed. */
static int id_filter_or_reply(struct req *r, const char *name, long long *out)
{
	return query_long_or_reply(r, name, 1, INT64_MAX, 0, out);
}

/* Reads an optional date filter YYYY-MM-DD or date-time into DB form; "" when absent. */
static int time_filter_or_reply(struct req *r, const char *name, char out[32])
{
	char *value = req_query(r, name);
	time_t t;
	int rc = 0;

	out[0] = '\0';
	if (value && *value) {
		if (time_parse_iso(value, &t) != 0) {
			reply_error(r, 400, "invalid_field", name,
			    "%s must be a date such as 2026-01-31 or a date-time such as 2026-01-31T12:00:00Z",
			    name);
			rc = -1;
		} else {
			time_format_db(t, out);
		}
	}
	free(value);
	return rc;
}

void handle_audit_list(struct req *r)
{
	static const char where[] =
	    " WHERE (? = 0 OR a.actor_user_id = ?) AND (? = 0 OR a.organisation_id = ?)"
	    " AND (? IS NULL OR a.object_type = ?) AND (? IS NULL OR a.object_id = ?)"
	    " AND (? IS NULL OR a.at >= ?) AND (? IS NULL OR a.at < ?)";
	char list_sql[1024], count_sql[512];
	long long actor, organisation, page;
	char from[32], to[32];
	char *object_type = req_query(r, "object_type");
	char *object_id = req_query(r, "object_id");
	struct db_result rows = { 0 }, count = { 0 };

	snprintf(list_sql, sizeof list_sql,
	    "SELECT a.id, a.at, a.request_id, a.actor_user_id, u.name, a.action, a.object_type,"
	    " a.object_id, a.organisation_id, o.name, a.details FROM audit_log a"
	    " LEFT JOIN users u ON u.id = a.actor_user_id LEFT JOIN organisations o ON o.id = a.organisation_id"
	    "%s ORDER BY a.id DESC LIMIT ? OFFSET ?", where);
	snprintf(count_sql, sizeof count_sql, "SELECT COUNT(*) FROM audit_log a%s", where);
	if (id_filter_or_reply(r, "actor", &actor) != 0 ||
	    id_filter_or_reply(r, "organisation", &organisation) != 0 ||
	    time_filter_or_reply(r, "from", from) != 0 || time_filter_or_reply(r, "to", to) != 0 ||
	    query_long_or_reply(r, "page", 1, 100000, 1, &page) != 0)
		goto out;
	struct db_param params[] = {
		P_INT(actor), P_INT(actor), P_INT(organisation), P_INT(organisation),
		P_TEXT(object_type), P_TEXT(object_type), P_TEXT(object_id), P_TEXT(object_id),
		P_TEXT(from[0] ? from : NULL), P_TEXT(from[0] ? from : NULL),
		P_TEXT(to[0] ? to : NULL), P_TEXT(to[0] ? to : NULL),
		P_INT(AUDIT_PER_PAGE), P_INT((page - 1) * AUDIT_PER_PAGE),
	};
	if (db_query(r->w, count_sql, params, 12, &count) != 0 ||
	    db_query(r->w, list_sql, params, 14, &rows) != 0) {
		reply_db_error(r);
		goto out;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < rows.rows; row++) {
		const char *details = db_cell(&rows, row, 10);
		json_t *item = json_pack("{s:I, s:s?, s:s, s:s, s:s}",
		    "id", (json_int_t)db_cell_int(&rows, row, 0), "request_id", db_cell(&rows, row, 2),
		    "action", db_cell(&rows, row, 5), "object_type", db_cell(&rows, row, 6),
		    "object_id", db_cell(&rows, row, 7));
		json_set_time(item, "at", "on", db_cell(&rows, row, 1));
		json_object_set_new(item, "actor", db_cell(&rows, row, 3) ?
		    json_pack("{s:I, s:s?}", "id", (json_int_t)db_cell_int(&rows, row, 3), "name",
		    db_cell(&rows, row, 4)) : json_null());
		json_object_set_new(item, "organisation", db_cell(&rows, row, 8) ?
		    json_pack("{s:I, s:s?}", "id", (json_int_t)db_cell_int(&rows, row, 8), "name",
		    db_cell(&rows, row, 9)) : json_null());
		json_object_set_new(item, "details", details ? json_loads(details, 0, NULL) : json_null());
		if (json_object_get(item, "details") == NULL)
			json_object_set_new(item, "details", json_null());
		json_array_append_new(items, item);
	}
	reply_json(r, 200, json_pack("{s:o, s:I, s:i, s:I}", "items", items, "page", (json_int_t)page,
	    "per_page", AUDIT_PER_PAGE, "total", (json_int_t)db_cell_int(&count, 0, 0)));

out:
	db_result_free(&rows);
	db_result_free(&count);
	free(object_type);
	free(object_id);
}

/* ---- Figures ---- */

struct figure {
	const char *name;
	const char *columns[3];
	const char *sql;
};

static const struct figure figures[] = {
	{ "certificates-per-month", { "month", "certificates", NULL },
	  "SELECT DATE_FORMAT(issued_at, '%Y-%m'), COUNT(*) FROM certificates"
	  " GROUP BY 1 ORDER BY 1" },
	{ "certificates-per-microcredential", { "microcredential_id", "title", "certificates" },
	  /* The title of the latest version: micro-credentials made through validation have no
	   * title in the microcredentials row itself. */
	  "SELECT c.microcredential_id, (SELECT v.title FROM microcredential_versions v"
	  " WHERE v.microcredential_id = c.microcredential_id ORDER BY v.version DESC LIMIT 1),"
	  " COUNT(*) FROM certificates c GROUP BY c.microcredential_id ORDER BY 3 DESC, 2" },
	{ "certificates-per-organisation", { "organisation_id", "organisation", "certificates" },
	  "SELECT c.promoting_organisation_id, o.name, COUNT(*) FROM certificates c"
	  " JOIN organisations o ON o.id = c.promoting_organisation_id"
	  " GROUP BY c.promoting_organisation_id, o.name ORDER BY 3 DESC, o.name" },
	{ "certificates-per-country", { "country", "country_name", "certificates" },
	  "SELECT o.country, k.name, COUNT(*) FROM certificates c"
	  " JOIN organisations o ON o.id = c.promoting_organisation_id"
	  " LEFT JOIN countries k ON k.code = o.country GROUP BY o.country, k.name ORDER BY 3 DESC, 1" },
};

/* Appends one CSV field, quoted when it contains a comma, quote or line break (RFC 4180). */
static void csv_field(struct buf *out, const char *value)
{
	if (value == NULL)
		return;
	/* A leading = + - or @ would make a spreadsheet run the cell as a formula. */
	bool formula = strchr("=+-@", value[0]) != NULL && value[0] != '\0';
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

static size_t figure_column_count(const struct figure *f)
{
	return f->columns[2] ? 3 : 2;
}

static void figure_csv_reply(struct req *r, const struct figure *f, const struct db_result *res)
{
	struct buf out;
	size_t cols = figure_column_count(f);
	char disposition[128];

	buf_init(&out);
	for (size_t c = 0; c < cols; c++) {
		if (c)
			buf_putc(&out, ',');
		csv_field(&out, f->columns[c]);
	}
	buf_puts(&out, "\r\n");
	for (size_t row = 0; row < res->rows; row++) {
		for (size_t c = 0; c < cols; c++) {
			if (c)
				buf_putc(&out, ',');
			csv_field(&out, db_cell(res, row, c));
		}
		buf_puts(&out, "\r\n");
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.csv\"", f->name);
	reply_header(r, "Content-Disposition", disposition);
	reply_raw(r, 200, "text/csv; charset=utf-8; header=present", out.data ? out.data : "", out.len);
	buf_free(&out);
}

static void figure_json_reply(struct req *r, const struct figure *f, const struct db_result *res)
{
	size_t cols = figure_column_count(f);
	json_t *columns = json_array();
	json_t *rows = json_array();

	for (size_t c = 0; c < cols; c++)
		json_array_append_new(columns, json_string(f->columns[c]));
	for (size_t row = 0; row < res->rows; row++) {
		json_t *obj = json_object();

		for (size_t c = 0; c < cols; c++) {
			const char *value = db_cell(res, row, c);
			bool number = strcmp(f->columns[c], "certificates") == 0 ||
			    strcmp(f->columns[c], "microcredential_id") == 0 ||
			    strcmp(f->columns[c], "organisation_id") == 0;

			json_object_set_new(obj, f->columns[c], !value ? json_null() :
			    number ? json_integer(atoll(value)) : json_string(value));
		}
		json_array_append_new(rows, obj);
	}
	reply_json(r, 200, json_pack("{s:s, s:o, s:o}", "name", f->name, "columns", columns, "rows", rows));
}

void handle_figure(struct req *r)
{
	const struct figure *f = NULL;
	char *format = req_query(r, "format");
	struct db_result res;

	for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
		if (strcmp(r->params[0], figures[i].name) == 0)
			f = &figures[i];
	if (!f) {
		reply_error(r, 404, "not_found", NULL, "no figure has this name; use certificates-per-month, "
		    "certificates-per-microcredential, certificates-per-organisation or certificates-per-country");
		goto out;
	}
	if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
		reply_error(r, 400, "invalid_field", "format", "format must be json or csv");
		goto out;
	}
	if (db_query(r->w, f->sql, NULL, 0, &res) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (format && strcmp(format, "csv") == 0)
		figure_csv_reply(r, f, &res);
	else
		figure_json_reply(r, f, &res);
	db_result_free(&res);

out:
	free(format);
}
