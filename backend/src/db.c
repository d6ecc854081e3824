/*
 * db.c: the MariaDB adapter. Each worker thread owns one connection and a cache of prepared
 * statements keyed by SQL text; values are always bound, never spliced into SQL.
 *
 * Results are read completely into memory as strings (NULL for SQL NULL), which suits the small
 * result sets of an API and keeps callers free of MYSQL_BIND bookkeeping.
 *
 * A lost connection (server restarted, network error) is dropped with its statements. The next
 * call reconnects; a call outside a transaction is retried once on a fresh connection, a call inside
 * one fails, because the transaction is gone with the connection.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "mic.h"

#define CELL_INITIAL 256

/*
 * One prepared statement and, once it has returned rows, its result bindings: cols columns, each
 * with a CELL_INITIAL-byte scratch buffer. They are made once per statement and connection, so a
 * query allocates only its result.
 */
/* Statements with up to this many parameters bind them from the stack. */
#define DB_STACK_PARAMS 32

struct stmt_entry {
	char *sql;
	MYSQL_STMT *stmt;
	bool has_binds;
	unsigned int cols;
	MYSQL_BIND *binds;
	unsigned long *lengths;
	my_bool *nulls;
	my_bool *errors;
	char *scratch;
	/* Parameter bindings of statements with more than DB_STACK_PARAMS parameters (bulk inserts).
	 * They live as long as the statement, because each binding points at its length. */
	MYSQL_BIND *param_binds;
	unsigned long *param_lengths;
	size_t param_cap;
};

struct stmt_cache {
	struct stmt_entry *entries;
	size_t count;
	size_t cap;
	bool in_transaction;
};

struct db_param P_TEXT(const char *s)
{
	if (s == NULL)
		return P_NULL;
	return P_TEXTN(s, strlen(s));
}

static struct stmt_cache *cache_of(struct worker *w)
{
	if (w->stmt_cache == NULL)
		w->stmt_cache = xcalloc(1, sizeof(struct stmt_cache));
	return w->stmt_cache;
}

static bool connection_lost(unsigned int err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST || err == CR_CONNECTION_ERROR ||
	    err == CR_CONN_HOST_ERROR || err == ER_CONNECTION_KILLED || err == CR_COMMANDS_OUT_OF_SYNC;
}

MYSQL *db_connect(char *err, size_t errlen)
{
	return db_connect_waiting(err, errlen, 30);
}

MYSQL *db_connect_waiting(char *err, size_t errlen, unsigned int io_timeout)
{
	MYSQL *conn = mysql_init(NULL);
	unsigned int connect_timeout = 3;
	my_bool no = 0;
	static const char *const setup[] = {
		"SET time_zone = '+00:00'",
		"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
		"SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
		"SET SESSION innodb_lock_wait_timeout = 10",
	};

	if (conn == NULL) {
		snprintf(err, errlen, "mysql_init failed");
		return NULL;
	}
	mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(conn, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(conn, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(conn, MYSQL_OPT_RECONNECT, &no);
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(conn, NULL, cfg.db_user, cfg.db_password, cfg.db_name, 0, cfg.db_socket,
	    CLIENT_MULTI_STATEMENTS) == NULL) {
		snprintf(err, errlen, "cannot connect to MariaDB at %s as %s, database %s: %s",
		    cfg.db_socket, cfg.db_user, cfg.db_name, mysql_error(conn));
		mysql_close(conn);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
		if (mysql_query(conn, setup[i]) != 0) {
			snprintf(err, errlen, "connection set-up \"%s\" failed: %s", setup[i],
			    mysql_error(conn));
			mysql_close(conn);
			return NULL;
		}
	}
	return conn;
}

void db_worker_close(struct worker *w)
{
	struct stmt_cache *c = w->stmt_cache;

	if (c) {
		for (size_t i = 0; i < c->count; i++) {
			struct stmt_entry *e = &c->entries[i];

			mysql_stmt_close(e->stmt);
			free(e->sql);
			free(e->binds);
			free(e->lengths);
			free(e->nulls);
			free(e->errors);
			free(e->scratch);
			free(e->param_binds);
			free(e->param_lengths);
		}
		c->count = 0;
		c->in_transaction = false;
	}
	if (w->db)
		mysql_close(w->db);
	w->db = NULL;
}

void db_worker_free(struct worker *w)
{
	struct stmt_cache *c = w->stmt_cache;

	db_worker_close(w);
	if (c)
		free(c->entries);
	free(c);
	w->stmt_cache = NULL;
}

int db_worker_connect(struct worker *w)
{
	char err[512];

	if (w->db)
		return 0;
	w->db = db_connect(err, sizeof(err));
	if (w->db == NULL) {
		w->last_errno = CR_CONNECTION_ERROR;
		log_event(LOG_ERROR, NULL, "event=db_connect_failed worker=%d error=\"%s\"", w->index, err);
		return -1;
	}
	log_event(LOG_INFO, NULL, "event=db_connected worker=%d", w->index);
	return 0;
}

unsigned int db_errno(struct worker *w)
{
	return w->last_errno;
}

bool db_in_transaction(struct worker *w)
{
	return w->stmt_cache && ((struct stmt_cache *)w->stmt_cache)->in_transaction;
}

static void log_stmt_error(struct worker *w, const char *what, const char *sql, unsigned int err,
    const char *message)
{
	w->last_errno = err;
	if (err == ER_DUP_ENTRY)
		return;  /* callers treat a duplicate key as a result, not a failure */
	log_event(LOG_ERROR, NULL, "event=db_error worker=%d step=%s errno=%u error=\"%s\" sql=\"%.80s\"",
	    w->index, what, err, message, sql);
}

/* The cache entry of the prepared statement for sql on this worker's connection, preparing it on first use. */
static struct stmt_entry *stmt_get(struct worker *w, const char *sql)
{
	struct stmt_cache *c = cache_of(w);
	MYSQL_STMT *stmt;

	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->entries[i].sql, sql) == 0)
			return &c->entries[i];
	stmt = mysql_stmt_init(w->db);
	if (stmt == NULL) {
		log_stmt_error(w, "init", sql, mysql_errno(w->db), mysql_error(w->db));
		return NULL;
	}
	if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
		log_stmt_error(w, "prepare", sql, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
		mysql_stmt_close(stmt);
		return NULL;
	}
	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->entries = xrealloc(c->entries, c->cap * sizeof(*c->entries));
	}
	memset(&c->entries[c->count], 0, sizeof(c->entries[c->count]));
	c->entries[c->count].sql = xstrdup(sql);
	c->entries[c->count].stmt = stmt;
	return &c->entries[c->count++];
}

static int bind_params(struct worker *w, struct stmt_entry *entry, const char *sql,
    const struct db_param *params, size_t nparams)
{
	MYSQL_STMT *stmt = entry->stmt;
	MYSQL_BIND stack_binds[DB_STACK_PARAMS];
	unsigned long stack_lengths[DB_STACK_PARAMS];
	MYSQL_BIND *binds = stack_binds;
	unsigned long *lengths = stack_lengths;

	if (mysql_stmt_param_count(stmt) != nparams) {
		log_event(LOG_ERROR, NULL, "event=db_bind_mismatch params=%zu expected=%lu sql=\"%.80s\"",
		    nparams, mysql_stmt_param_count(stmt), sql);
		abort();
	}
	if (nparams > DB_STACK_PARAMS) {
		if (entry->param_cap < nparams) {
			free(entry->param_binds);
			free(entry->param_lengths);
			entry->param_binds = xcalloc(nparams, sizeof *entry->param_binds);
			entry->param_lengths = xcalloc(nparams, sizeof *entry->param_lengths);
			entry->param_cap = nparams;
		}
		binds = entry->param_binds;
		lengths = entry->param_lengths;
	}
	memset(binds, 0, nparams * sizeof *binds);
	for (size_t i = 0; i < nparams; i++) {
		switch (params[i].type) {
		case DB_NULL:
			binds[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DB_INT:
			binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
			binds[i].buffer = (void *)&params[i].i;
			break;
		case DB_DOUBLE:
			binds[i].buffer_type = MYSQL_TYPE_DOUBLE;
			binds[i].buffer = (void *)&params[i].d;
			break;
		case DB_TEXT:
			lengths[i] = (unsigned long)params[i].len;
			binds[i].buffer_type = MYSQL_TYPE_STRING;
			binds[i].buffer = (void *)params[i].s;
			binds[i].buffer_length = lengths[i];
			binds[i].length = &lengths[i];
			break;
		}
	}
	if (nparams > 0 && mysql_stmt_bind_param(stmt, binds) != 0) {
		log_stmt_error(w, "bind", sql, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
		return -1;
	}
	return 0;
}

/* Makes the result bindings of entry on its first result; false when it returns no rows. */
static bool result_binds_prepare(struct worker *w, struct stmt_entry *e, const char *sql)
{
	MYSQL_RES *meta;

	if (e->has_binds)
		return true;
	meta = mysql_stmt_result_metadata(e->stmt);
	if (meta == NULL) {
		log_stmt_error(w, "metadata", sql, mysql_stmt_errno(e->stmt), "statement returns no rows");
		return false;
	}
	e->cols = mysql_num_fields(meta);
	mysql_free_result(meta);
	e->binds = xcalloc(e->cols ? e->cols : 1, sizeof(*e->binds));
	e->lengths = xcalloc(e->cols ? e->cols : 1, sizeof(*e->lengths));
	e->nulls = xcalloc(e->cols ? e->cols : 1, sizeof(*e->nulls));
	e->errors = xcalloc(e->cols ? e->cols : 1, sizeof(*e->errors));
	e->scratch = xmalloc((size_t)(e->cols ? e->cols : 1) * CELL_INITIAL);
	for (unsigned int c = 0; c < e->cols; c++) {
		e->binds[c].buffer_type = MYSQL_TYPE_STRING;
		e->binds[c].buffer = e->scratch + (size_t)c * CELL_INITIAL;
		e->binds[c].buffer_length = CELL_INITIAL;
		e->binds[c].length = &e->lengths[c];
		e->binds[c].is_null = &e->nulls[c];
		e->binds[c].error = &e->errors[c];
	}
	e->has_binds = true;
	return true;
}

/*
 * Reads every row into out. The text of all cells goes into one growing block (out->text); while
 * it may still move, out->cells holds offsets into it (plus one, 0 for NULL), turned into pointers
 * once the last row is in.
 */
static int fetch_all(struct worker *w, struct stmt_entry *e, const char *sql, struct db_result *out)
{
	MYSQL_STMT *stmt = e->stmt;
	size_t cols, cap = 0, text_len = 0, text_cap = 0;
	int rc = -1, status;

	memset(out, 0, sizeof(*out));
	if (!result_binds_prepare(w, e, sql))
		return -1;
	cols = e->cols;
	out->cols = cols;
	if (mysql_stmt_bind_result(stmt, e->binds) != 0) {
		log_stmt_error(w, "bind_result", sql, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
		goto out;
	}
	while ((status = mysql_stmt_fetch(stmt)) == 0 || status == MYSQL_DATA_TRUNCATED) {
		size_t row_bytes = 0;

		if (out->rows == cap) {
			cap = cap ? cap * 2 : 8;
			out->cells = xrealloc(out->cells, cap * cols * sizeof(char *));
			out->lengths = xrealloc(out->lengths, cap * cols * sizeof(unsigned long));
		}
		for (size_t c = 0; c < cols; c++)
			row_bytes += e->nulls[c] ? 0 : e->lengths[c] + 1;
		if (text_len + row_bytes > text_cap) {
			text_cap = text_cap ? text_cap * 2 : 1024;
			while (text_cap < text_len + row_bytes)
				text_cap *= 2;
			out->text = xrealloc(out->text, text_cap);
		}
		for (size_t c = 0; c < cols; c++) {
			size_t at = out->rows * cols + c;
			char *cell = out->text + text_len;
			unsigned long len = e->lengths[c];

			out->lengths[at] = e->nulls[c] ? 0 : len;
			if (e->nulls[c]) {
				out->cells[at] = NULL;
				continue;
			}
			if (len <= CELL_INITIAL) {
				memcpy(cell, e->scratch + c * CELL_INITIAL, len);
			} else {
				MYSQL_BIND one;

				memset(&one, 0, sizeof(one));
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = cell;
				one.buffer_length = len;
				if (mysql_stmt_fetch_column(stmt, &one, (unsigned int)c, 0) != 0) {
					log_stmt_error(w, "fetch_column", sql, mysql_stmt_errno(stmt),
					    mysql_stmt_error(stmt));
					goto out;
				}
			}
			cell[len] = '\0';
			out->cells[at] = (char *)(uintptr_t)(text_len + 1);
			text_len += len + 1;
		}
		out->rows++;
	}
	if (status != MYSQL_NO_DATA) {
		log_stmt_error(w, "fetch", sql, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
		goto out;
	}
	for (size_t i = 0; i < out->rows * cols; i++)
		if (out->cells[i] != NULL)
			out->cells[i] = out->text + ((uintptr_t)out->cells[i] - 1);
	rc = 0;
out:
	mysql_stmt_free_result(stmt);
	if (rc != 0) {
		/* The cells still hold offsets, which db_result_free never dereferences. */
		db_result_free(out);
	}
	return rc;
}

/* Runs one statement; out is NULL for statements without a result set. */
static int run_once(struct worker *w, const char *sql, const struct db_param *params,
    size_t nparams, struct db_result *out, unsigned long long *affected,
    unsigned long long *insert_id)
{
	struct stmt_entry *entry;
	MYSQL_STMT *stmt;

	if (db_worker_connect(w) != 0)
		return -1;
	entry = stmt_get(w, sql);
	if (entry == NULL)
		return -1;
	stmt = entry->stmt;
	if (bind_params(w, entry, sql, params, nparams) != 0)
		return -1;
	if (mysql_stmt_execute(stmt) != 0) {
		log_stmt_error(w, "execute", sql, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
		return -1;
	}
	if (out)
		return fetch_all(w, entry, sql, out);
	if (affected)
		*affected = mysql_stmt_affected_rows(stmt);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(stmt);
	return 0;
}

static int run(struct worker *w, const char *sql, const struct db_param *params, size_t nparams,
    struct db_result *out, unsigned long long *affected, unsigned long long *insert_id)
{
	bool in_transaction = db_in_transaction(w);

	w->last_errno = 0;
	if (run_once(w, sql, params, nparams, out, affected, insert_id) == 0)
		return 0;
	if (!connection_lost(w->last_errno) && w->last_errno != ER_UNKNOWN_STMT_HANDLER)
		return -1;
	log_event(LOG_WARN, NULL, "event=db_connection_lost worker=%d errno=%u in_transaction=%d",
	    w->index, w->last_errno, in_transaction);
	db_worker_close(w);
	if (in_transaction)
		return -1;
	return run_once(w, sql, params, nparams, out, affected, insert_id);
}

int db_query(struct worker *w, const char *sql, const struct db_param *params, size_t nparams,
    struct db_result *out)
{
	return run(w, sql, params, nparams, out, NULL, NULL);
}

int db_exec(struct worker *w, const char *sql, const struct db_param *params, size_t nparams,
    unsigned long long *affected, unsigned long long *insert_id)
{
	return run(w, sql, params, nparams, NULL, affected, insert_id);
}

static int plain_query(struct worker *w, const char *sql)
{
	if (mysql_query(w->db, sql) != 0) {
		unsigned int err = mysql_errno(w->db);

		log_stmt_error(w, "query", sql, err, mysql_error(w->db));
		if (connection_lost(err))
			db_worker_close(w);
		return -1;
	}
	return 0;
}

int db_begin(struct worker *w)
{
	struct stmt_cache *c = cache_of(w);

	w->last_errno = 0;
	if (c->in_transaction)
		abort();  /* nested transactions are a programming error */
	if (db_worker_connect(w) != 0)
		return -1;
	if (plain_query(w, "START TRANSACTION") != 0) {
		/* A connection that died while idle gets one fresh try. */
		if (w->db != NULL || db_worker_connect(w) != 0 || plain_query(w, "START TRANSACTION") != 0)
			return -1;
	}
	c->in_transaction = true;
	return 0;
}

int db_commit(struct worker *w)
{
	struct stmt_cache *c = cache_of(w);
	int rc;

	if (!c->in_transaction || w->db == NULL) {
		c->in_transaction = false;
		return -1;
	}
	rc = plain_query(w, "COMMIT");
	c->in_transaction = false;
	if (rc != 0 && w->db != NULL)
		plain_query(w, "ROLLBACK");
	return rc;
}

void db_rollback(struct worker *w)
{
	struct stmt_cache *c = cache_of(w);

	if (!c->in_transaction)
		return;
	c->in_transaction = false;
	if (w->db != NULL && mysql_query(w->db, "ROLLBACK") != 0)
		db_worker_close(w);
}

void db_result_free(struct db_result *r)
{
	free(r->text);
	free(r->cells);
	free(r->lengths);
	memset(r, 0, sizeof(*r));
}

const char *db_cell(const struct db_result *r, size_t row, size_t col)
{
	if (row >= r->rows || col >= r->cols)
		abort();
	return r->cells[row * r->cols + col];
}

long long db_cell_int(const struct db_result *r, size_t row, size_t col)
{
	const char *s = db_cell(r, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}

void db_values_list(struct buf *sql, size_t rows, size_t columns)
{
	for (size_t row = 0; row < rows; row++) {
		buf_puts(sql, row ? ", (" : "(");
		for (size_t col = 0; col < columns; col++)
			buf_puts(sql, col ? ", ?" : "?");
		buf_putc(sql, ')');
	}
}
