/*
 * dashboard.c: the coordinators' work queues, the audit log and the figures.
 *
 * Certificate figures count certificates by the time of issue, revoked ones included, because
 * they count what was issued. Pass-rate figures count finished attempts of online assessments:
 * those scored as passed or failed. Months are calendar months in cfg.timezone. Each figure is
 * JSON ({name, columns, rows}) or, with ?format=csv, RFC 4180 CSV with a header line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define AUDIT_PER_PAGE 50
/* Maximum length of actor_search in characters, the maximum length of an e-mail address. */
#define AUDIT_ACTOR_SEARCH_MAX 254

/* Returns a new {items, total} of the confirmed applications that wait, or NULL on a DB error. */
static json_t *application_queue_json(struct worker *w)
{
	static const char sql[] =
	    "SELECT id, name, country, type, status, confirmed_at,"
	    " TIMESTAMPDIFF(HOUR, confirmed_at, UTC_TIMESTAMP(6)) FROM applications"
	    " WHERE status IN ('submitted', 'info_requested') ORDER BY confirmed_at, id";
	struct db_result res;

	if (db_query(w, sql, NULL, 0, &res) != 0)
		return NULL;
	json_t *items = json_array();
	for (size_t row = 0; row < res.rows; row++) {
		json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}",
		    "id", (json_int_t)db_cell_int(&res, row, 0), "name", db_cell(&res, row, 1),
		    "country", db_cell(&res, row, 2), "type", db_cell(&res, row, 3),
		    "status", db_cell(&res, row, 4), "age_hours", (json_int_t)db_cell_int(&res, row, 6));
		json_set_time(item, "waiting_since", "waiting_since_on", db_cell(&res, row, 5));
		json_array_append_new(items, item);
	}
	json_t *queue = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)res.rows);
	db_result_free(&res);
	return queue;
}

void handle_dashboard_queues(struct req *r)
{
	json_t *applications = application_queue_json(r->w);
	json_t *microcredentials = applications ? validation_queues_json(r->w) : NULL;

	if (!applications || !microcredentials) {
		json_decref(applications);
		reply_db_error(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "applications", applications,
	    "microcredentials", microcredentials));
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

/*
 * Reads the optional actor_search filter into a LIKE pattern that matches the text anywhere,
 * with the wildcards % and _ and the escape character \ of the text escaped. *pattern stays NULL
 * when the filter is absent or blank.
 */
static int actor_search_or_reply(struct req *r, char **pattern)
{
	char *value = req_query(r, "actor_search");
	char *text = value ? text_trim(value) : NULL;
	int rc = 0;

	*pattern = NULL;
	if (text && text[0] != '\0') {
		if (!utf8_valid(text, strlen(text)) || utf8_length(text) > AUDIT_ACTOR_SEARCH_MAX) {
			reply_error(r, 400, "invalid_field", "actor_search",
			    "actor_search must be UTF-8 text of at most %d characters: part of a name or an "
			    "e-mail address", AUDIT_ACTOR_SEARCH_MAX);
			rc = -1;
		} else {
			struct buf like;

			buf_init(&like);
			buf_putc(&like, '%');
			for (const char *p = text; *p; p++) {
				if (*p == '%' || *p == '_' || *p == '\\')
					buf_putc(&like, '\\');
				buf_putc(&like, *p);
			}
			buf_putc(&like, '%');
			*pattern = xstrndup(like.data, like.len);
			buf_free(&like);
		}
	}
	free(text);
	free(value);
	return rc;
}

/*
 * Lists the audit entries that match the filters, newest first by time and then by id, because
 * rows written by seed data or imports need not arrive in time order.
 */
void handle_audit_list(struct req *r)
{
	/* actor_search matches users.email and users.name, whose collation ignores case. */
	static const char where[] =
	    " WHERE (? = 0 OR a.actor_user_id = ?) AND (? = 0 OR a.organisation_id = ?)"
	    " AND (? IS NULL OR a.object_type = ?) AND (? IS NULL OR a.object_id = ?)"
	    " AND (? IS NULL OR a.at >= ?) AND (? IS NULL OR a.at < ?)"
	    " AND (? IS NULL OR a.actor_user_id IN (SELECT s.id FROM users s"
	    "  WHERE s.email LIKE ? ESCAPE '\\\\' OR s.name LIKE ? ESCAPE '\\\\'))";
	char list_sql[1280], count_sql[768];
	long long actor, organisation, page;
	char from[32], to[32];
	char *object_type = req_query(r, "object_type");
	char *object_id = req_query(r, "object_id");
	char *actor_pattern = NULL;
	struct db_result rows = { 0 }, count = { 0 };

	snprintf(list_sql, sizeof list_sql,
	    "SELECT a.id, a.at, a.request_id, a.actor_user_id, u.name, a.action, a.object_type,"
	    " a.object_id, a.organisation_id, o.name, a.details FROM audit_log a"
	    " LEFT JOIN users u ON u.id = a.actor_user_id LEFT JOIN organisations o ON o.id = a.organisation_id"
	    "%s ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?", where);
	snprintf(count_sql, sizeof count_sql, "SELECT COUNT(*) FROM audit_log a%s", where);
	if (id_filter_or_reply(r, "actor", &actor) != 0 ||
	    actor_search_or_reply(r, &actor_pattern) != 0 ||
	    id_filter_or_reply(r, "organisation", &organisation) != 0 ||
	    time_filter_or_reply(r, "from", from) != 0 || time_filter_or_reply(r, "to", to) != 0 ||
	    query_long_or_reply(r, "page", 1, 100000, 1, &page) != 0)
		goto out;
	struct db_param params[] = {
		P_INT(actor), P_INT(actor), P_INT(organisation), P_INT(organisation),
		P_TEXT(object_type), P_TEXT(object_type), P_TEXT(object_id), P_TEXT(object_id),
		P_TEXT(from[0] ? from : NULL), P_TEXT(from[0] ? from : NULL),
		P_TEXT(to[0] ? to : NULL), P_TEXT(to[0] ? to : NULL),
		P_TEXT(actor_pattern), P_TEXT(actor_pattern), P_TEXT(actor_pattern),
		P_INT(AUDIT_PER_PAGE), P_INT((page - 1) * AUDIT_PER_PAGE),
	};
	if (db_query(r->w, count_sql, params, 15, &count) != 0 ||
	    db_query(r->w, list_sql, params, 17, &rows) != 0) {
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
	free(actor_pattern);
}

/* ---- Figures ---- */

#define FIGURE_COLUMNS_MAX 5

/*
 * A figure is one SQL query. With by_local_month, its first column is a UTC time truncated to the
 * minute and the other columns are counts, which figure_months() sums per calendar month in
 * cfg.timezone, which MariaDB cannot do without its time zone tables. With pass_rate, the last
 * column is computed from the two before it (attempts, passed) as a percentage with one decimal.
 */
struct figure {
	const char *name;
	const char *columns[FIGURE_COLUMNS_MAX + 1];
	const char *sql;
	bool by_local_month;
	bool pass_rate;
};

/* The latest version's title: micro-credentials made through validation have no title in the
 * microcredentials row itself. */
#define LATEST_TITLE(id) \
	"(SELECT v.title FROM microcredential_versions v WHERE v.microcredential_id = " id \
	" ORDER BY v.version DESC LIMIT 1)"

/* Finished attempts are those scored as passed or failed. */
#define FINISHED_ATTEMPT "a.status IN ('passed', 'failed')"

static const struct figure figures[] = {
	{ "certificates-per-month", { "month", "certificates", NULL },
	  "SELECT DATE_FORMAT(issued_at, '%Y-%m-%d %H:%i:00'), COUNT(*) FROM certificates"
	  " GROUP BY 1 ORDER BY 1", true, false },
	{ "certificates-per-microcredential", { "microcredential_id", "title", "certificates", NULL },
	  "SELECT c.microcredential_id, " LATEST_TITLE("c.microcredential_id") ","
	  " COUNT(*) FROM certificates c GROUP BY c.microcredential_id ORDER BY 3 DESC, 2", false, false },
	{ "certificates-per-organisation", { "organisation_id", "organisation", "certificates", NULL },
	  "SELECT c.promoting_organisation_id, o.name, COUNT(*) FROM certificates c"
	  " JOIN organisations o ON o.id = c.promoting_organisation_id"
	  " GROUP BY c.promoting_organisation_id, o.name ORDER BY 3 DESC, o.name", false, false },
	{ "certificates-per-country", { "country", "country_name", "certificates", NULL },
	  "SELECT o.country, k.name, COUNT(*) FROM certificates c"
	  " JOIN organisations o ON o.id = c.promoting_organisation_id"
	  " LEFT JOIN countries k ON k.code = o.country GROUP BY o.country, k.name ORDER BY 3 DESC, 1",
	  false, false },
	{ "pass-rates-per-microcredential",
	  { "microcredential_id", "title", "attempts", "passed", "pass_rate_percent", NULL },
	  "SELECT a.microcredential_id, " LATEST_TITLE("a.microcredential_id") ","
	  " COUNT(*), SUM(a.status = 'passed') FROM assessment_attempts a WHERE " FINISHED_ATTEMPT
	  " GROUP BY a.microcredential_id ORDER BY 2, 1", false, true },
	/* An attempt counts in the month it was scored (submitted_at, which scoring sets). */
	{ "pass-rates-per-month", { "month", "attempts", "passed", "pass_rate_percent", NULL },
	  "SELECT DATE_FORMAT(COALESCE(a.submitted_at, a.deadline_at), '%Y-%m-%d %H:%i:00'), COUNT(*),"
	  " SUM(a.status = 'passed') FROM assessment_attempts a WHERE " FINISHED_ATTEMPT
	  " GROUP BY 1 ORDER BY 1", true, true },
};

/* The rows of a figure as text, each cell owned by the table (NULL for SQL NULL). */
struct figure_table {
	size_t rows;
	size_t cols;
	char **cells;
};

static void figure_table_free(struct figure_table *t)
{
	for (size_t i = 0; t->cells && i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

static const char *figure_cell(const struct figure_table *t, size_t row, size_t col)
{
	return t->cells[row * t->cols + col];
}

static void figure_table_init(struct figure_table *t, size_t rows, size_t cols)
{
	t->rows = rows;
	t->cols = cols;
	t->cells = calloc(rows * cols > 0 ? rows * cols : 1, sizeof *t->cells);
	if (!t->cells)
		abort();
}

static void figure_cell_set(struct figure_table *t, size_t row, size_t col, const char *value)
{
	char *copy = value ? strdup(value) : NULL;

	if (value && !copy)
		abort();
	free(t->cells[row * t->cols + col]);
	t->cells[row * t->cols + col] = copy;
}

static size_t figure_column_count(const struct figure *f)
{
	size_t n = 0;

	while (n < FIGURE_COLUMNS_MAX && f->columns[n])
		n++;
	return n;
}

/* Counts summed over one calendar month in cfg.timezone. */
struct month_total {
	char month[8];
	long long counts[FIGURE_COLUMNS_MAX];
};

static int month_total_compare(const void *a, const void *b)
{
	return strcmp(((const struct month_total *)a)->month, ((const struct month_total *)b)->month);
}

/*
 * Fills t, of table_cols columns, from res, whose rows are (UTC minute, count, ...), with one row
 * per local month in ascending order: (month, summed counts, then empty cells). A month boundary in any zone whose offset is a whole
 * number of minutes falls between two minutes, so summing per minute loses nothing.
 */
static int figure_months(const struct db_result *res, size_t count_cols, size_t table_cols,
    struct figure_table *t)
{
	struct month_total *months = calloc(res->rows ? res->rows : 1, sizeof *months);
	size_t used = 0;

	if (!months)
		abort();
	for (size_t row = 0; row < res->rows; row++) {
		time_t at;
		char month[8];

		if (time_parse_db(db_cell(res, row, 0), &at) != 0) {
			free(months);
			return -1;
		}
		time_format_local_month(at, month);
		/* Rows come in time order, so the month is nearly always the last one seen. */
		size_t m = used;
		while (m > 0 && strcmp(months[m - 1].month, month) != 0)
			m--;
		if (m == 0) {
			snprintf(months[used].month, sizeof months[used].month, "%s", month);
			m = ++used;
		}
		for (size_t c = 0; c < count_cols; c++)
			months[m - 1].counts[c] += db_cell_int(res, row, c + 1);
	}
	qsort(months, used, sizeof *months, month_total_compare);

	figure_table_init(t, used, table_cols);
	for (size_t row = 0; row < used; row++) {
		char number[24];

		figure_cell_set(t, row, 0, months[row].month);
		for (size_t c = 0; c < count_cols; c++) {
			snprintf(number, sizeof number, "%lld", months[row].counts[c]);
			figure_cell_set(t, row, c + 1, number);
		}
	}
	free(months);
	return 0;
}

static void figure_copy(const struct db_result *res, size_t cols, struct figure_table *t)
{
	figure_table_init(t, res->rows, cols);
	for (size_t row = 0; row < res->rows; row++)
		for (size_t c = 0; c < cols && c < res->cols; c++)
			figure_cell_set(t, row, c, db_cell(res, row, c));
}

/* Writes passed / attempts as a percentage rounded half up to one decimal, e.g. "66.7". */
static void pass_rate_format(long long attempts, long long passed, char out[48])
{
	long long tenths = attempts > 0 ? (passed * 1000 + attempts / 2) / attempts : 0;

	snprintf(out, 48, "%lld.%lld", tenths / 10, tenths % 10);
}

/* Runs the figure's query into t; -1 on a database error. */
static int figure_load(struct worker *w, const struct figure *f, struct figure_table *t)
{
	size_t cols = figure_column_count(f);
	size_t computed = f->pass_rate ? 1 : 0;
	struct db_result res;
	int rc = 0;

	if (db_query(w, f->sql, NULL, 0, &res) != 0)
		return -1;
	if (f->by_local_month)
		rc = figure_months(&res, cols - 1 - computed, cols, t);
	else
		figure_copy(&res, cols, t);
	db_result_free(&res);
	if (rc != 0 || !f->pass_rate)
		return rc;
	for (size_t row = 0; row < t->rows; row++) {
		const char *attempts = figure_cell(t, row, cols - 3);
		const char *passed = figure_cell(t, row, cols - 2);
		char rate[48];

		pass_rate_format(attempts ? atoll(attempts) : 0, passed ? atoll(passed) : 0, rate);
		figure_cell_set(t, row, cols - 1, rate);
	}
	return 0;
}

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

static void figure_csv_reply(struct req *r, const struct figure *f, const struct figure_table *t)
{
	struct buf out;
	char disposition[128];

	buf_init(&out);
	for (size_t c = 0; c < t->cols; c++) {
		if (c)
			buf_putc(&out, ',');
		csv_field(&out, f->columns[c]);
	}
	buf_puts(&out, "\r\n");
	for (size_t row = 0; row < t->rows; row++) {
		for (size_t c = 0; c < t->cols; c++) {
			if (c)
				buf_putc(&out, ',');
			csv_field(&out, figure_cell(t, row, c));
		}
		buf_puts(&out, "\r\n");
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.csv\"", f->name);
	reply_header(r, "Content-Disposition", disposition);
	reply_raw(r, 200, "text/csv; charset=utf-8; header=present", out.data ? out.data : "", out.len);
	buf_free(&out);
}

static bool column_is_integer(const char *name)
{
	static const char *const names[] = {
		"certificates", "microcredential_id", "organisation_id", "attempts", "passed",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static json_t *figure_value_json(const char *column, const char *value)
{
	if (!value)
		return json_null();
	if (column_is_integer(column))
		return json_integer(atoll(value));
	if (strcmp(column, "pass_rate_percent") == 0)
		return json_real(atof(value));
	return json_string(value);
}

static void figure_json_reply(struct req *r, const struct figure *f, const struct figure_table *t)
{
	json_t *columns = json_array();
	json_t *rows = json_array();

	for (size_t c = 0; c < t->cols; c++)
		json_array_append_new(columns, json_string(f->columns[c]));
	for (size_t row = 0; row < t->rows; row++) {
		json_t *obj = json_object();

		for (size_t c = 0; c < t->cols; c++)
			json_object_set_new(obj, f->columns[c],
			    figure_value_json(f->columns[c], figure_cell(t, row, c)));
		json_array_append_new(rows, obj);
	}
	reply_json(r, 200, json_pack("{s:s, s:o, s:o}", "name", f->name, "columns", columns, "rows", rows));
}

void handle_figure(struct req *r)
{
	const struct figure *f = NULL;
	char *format = req_query(r, "format");
	struct figure_table table = { 0 };

	for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
		if (strcmp(r->params[0], figures[i].name) == 0)
			f = &figures[i];
	if (!f) {
		reply_error(r, 404, "not_found", NULL, "no figure has this name; use certificates-per-month, "
		    "certificates-per-microcredential, certificates-per-organisation, "
		    "certificates-per-country, pass-rates-per-microcredential or pass-rates-per-month");
		goto out;
	}
	if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
		reply_error(r, 400, "invalid_field", "format", "format must be json or csv");
		goto out;
	}
	if (figure_load(r->w, f, &table) != 0) {
		reply_db_error(r);
		goto out;
	}
	if (format && strcmp(format, "csv") == 0)
		figure_csv_reply(r, f, &table);
	else
		figure_json_reply(r, f, &table);

out:
	figure_table_free(&table);
	free(format);
}
