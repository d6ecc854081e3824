/*
 * migrate.c: applies the numbered schema migrations in MIC_SQL_DIR ("001_initial.sql", ...) in
 * order, each once, and records them in schema_migrations.
 *
 * MariaDB commits DDL implicitly, so a migration that fails half-way cannot be rolled back: the
 * error names the file and statement, and the migration is not recorded, so it runs again after
 * the fix. Migrations are therefore written to be small. GET_LOCK keeps two processes that start
 * together from applying the same file twice.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

struct migration {
	int version;
	char name[256];
};

static int compare_migrations(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* Accepts "NNN_words.sql" with three or more digits; sets the version number. */
static bool migration_name(const char *name, int *version)
{
	size_t len = strlen(name), digits = 0;

	while (name[digits] >= '0' && name[digits] <= '9')
		digits++;
	if (digits < 3 || digits > 6 || name[digits] != '_' || len < digits + 6 ||
	    strcmp(name + len - 4, ".sql") != 0)
		return false;
	*version = atoi(name);
	return *version > 0;
}

static int list_migrations(const char *dir, struct migration **out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*count = 0;
	if (d == NULL) {
		log_event(LOG_ERROR, NULL, "event=migrate_failed error=\"cannot open MIC_SQL_DIR %s\"", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		int version;

		if (!migration_name(e->d_name, &version) || strlen(e->d_name) >= sizeof((*out)->name))
			continue;
		if (*count == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*count].version = version;
		snprintf((*out)[*count].name, sizeof((*out)[*count].name), "%s", e->d_name);
		(*count)++;
	}
	closedir(d);
	if (*count > 0)
		qsort(*out, *count, sizeof(**out), compare_migrations);
	for (size_t i = 1; i < *count; i++) {
		if ((*out)[i].version == (*out)[i - 1].version) {
			log_event(LOG_ERROR, NULL, "event=migrate_failed error=\"two migrations share number %d: %s and %s\"",
			    (*out)[i].version, (*out)[i - 1].name, (*out)[i].name);
			return -1;
		}
	}
	return 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.data == NULL)
		buf_append(&b, "", 0);
	return b.data;
}

static bool is_applied(MYSQL *conn, int version)
{
	char sql[128];
	MYSQL_RES *res;
	bool found;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM schema_migrations WHERE version = %d", version);
	if (mysql_query(conn, sql) != 0 || (res = mysql_store_result(conn)) == NULL)
		return false;
	found = mysql_num_rows(res) > 0;
	mysql_free_result(res);
	return found;
}

/* Runs a file of several statements; every result must be drained before the next query. */
static int run_script(MYSQL *conn, const char *name, const char *text)
{
	int status, statement = 1;

	if (mysql_real_query(conn, text, strlen(text)) != 0)
		goto failed;
	do {
		MYSQL_RES *res = mysql_store_result(conn);

		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(conn) != 0)
			goto failed;
		status = mysql_next_result(conn);
		if (status > 0)
			goto failed;
		statement++;
	} while (status == 0);
	return 0;
failed:
	log_event(LOG_ERROR, NULL, "event=migrate_failed migration=%s statement=%d errno=%u error=\"%s\"",
	    name, statement, mysql_errno(conn), mysql_error(conn));
	return -1;
}

static int apply_one(MYSQL *conn, const char *dir, const struct migration *m)
{
	char path[4096], record[512];
	char *text;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, m->name);
	text = read_file(path);
	if (text == NULL) {
		log_event(LOG_ERROR, NULL, "event=migrate_failed migration=%s error=\"cannot read %s\"",
		    m->name, path);
		return -1;
	}
	rc = run_script(conn, m->name, text);
	free(text);
	if (rc != 0)
		return -1;
	/* The name is a file name of digits, letters and punctuation checked by migration_name. */
	snprintf(record, sizeof(record),
	    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%s', UTC_TIMESTAMP(6))",
	    m->version, m->name);
	if (strchr(m->name, '\'') || strchr(m->name, '\\') || mysql_query(conn, record) != 0) {
		log_event(LOG_ERROR, NULL, "event=migrate_failed migration=%s error=\"cannot record it\"",
		    m->name);
		return -1;
	}
	log_event(LOG_INFO, NULL, "event=migration_applied migration=%s", m->name);
	return 0;
}

int migrate_run(MYSQL *conn, const char *sql_dir)
{
	struct migration *list;
	size_t count;
	MYSQL_RES *res;
	int rc = -1, applied = 0;

	if (mysql_query(conn, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, "
	    "applied_at DATETIME(6) NOT NULL) ENGINE=InnoDB") != 0 ||
	    mysql_query(conn, "SELECT GET_LOCK('mic_migrate', 60)") != 0 ||
	    (res = mysql_store_result(conn)) == NULL) {
		log_event(LOG_ERROR, NULL, "event=migrate_failed error=\"%s\"", mysql_error(conn));
		return -1;
	}
	mysql_free_result(res);
	if (list_migrations(sql_dir, &list, &count) != 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		if (is_applied(conn, list[i].version))
			continue;
		if (apply_one(conn, sql_dir, &list[i]) != 0)
			goto out;
		applied++;
	}
	log_event(LOG_INFO, NULL, "event=migrate_done applied=%d known=%zu", applied, count);
	rc = 0;
out:
	free(list);
	if (mysql_query(conn, "SELECT RELEASE_LOCK('mic_migrate')") == 0 &&
	    (res = mysql_store_result(conn)) != NULL)
		mysql_free_result(res);
	return rc;
}
