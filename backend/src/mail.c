/*
 * mail.c: the e-mail outbox and its delivery.
 *
 * Code that sends e-mail calls outbox_add() inside the transaction of the change that causes the
 * message, so the message exists exactly when the change does. Nothing is sent from a request.
 *
 * When MIC_SENDMAIL names a program (for example "/usr/sbin/sendmail -t -i"), a delivery thread
 * of mic-server claims due rows and pipes each message to that program through /bin/sh -c. A row
 * is claimed by moving its next_attempt_at MAIL_LEASE_SECONDS ahead inside a transaction that
 * selects it with FOR UPDATE SKIP LOCKED, so several backend processes never send the same row at
 * once. A row whose sender died mid-way becomes due again when the lease ends, which means a
 * message may be sent twice but is never lost. A failed attempt is retried after
 * mail_backoff_seconds(attempts). Without MIC_SENDMAIL the messages stay in the outbox, where
 * coordinators read them through GET /api/v1/outbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mic.h"

#define MAIL_BATCH 10
#define MAIL_POLL_SECONDS 5
#define MAIL_LEASE_SECONDS 600
#define MAIL_PROGRAM_TIMEOUT_SECONDS 60
#define MAIL_BACKOFF_FIRST_SECONDS 60
#define MAIL_BACKOFF_MAX_SECONDS 21600
#define MAIL_ERROR_MAX 500
#define OUTBOX_PER_PAGE 50

extern char **environ;

static struct {
	const char *sendmail;        /* NULL when delivery is off */
	char from[320];
	pthread_t thread;
	bool running;
	bool stopping;
	pthread_mutex_t lock;
	pthread_cond_t wake;
} mail = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
};

int outbox_add(struct worker *w, const struct outbox_message *m)
{
	static const char sql[] =
	    "INSERT INTO email_outbox (recipient, subject, body, kind, user_id, organisation_id,"
	    " application_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct db_param params[] = {
		P_TEXT(m->recipient),
		P_TEXT(m->subject),
		P_TEXT(m->body),
		P_TEXT(m->kind),
		m->user_id > 0 ? P_INT(m->user_id) : P_NULL,
		m->organisation_id > 0 ? P_INT(m->organisation_id) : P_NULL,
		m->application_id > 0 ? P_INT(m->application_id) : P_NULL,
	};
	unsigned long long id = 0;

	if (db_exec(w, sql, params, sizeof params / sizeof params[0], NULL, &id) != 0)
		return -1;
	log_event(LOG_INFO, NULL, "event=mail_queued outbox=%llu kind=%s user=%lld organisation=%lld "
	    "application=%lld", id, m->kind, m->user_id, m->organisation_id, m->application_id);
	return 0;
}

int outbox_add_many(struct worker *w, const struct outbox_message *messages, size_t count)
{
	enum { COLUMNS = 7 };
	struct buf sql;
	struct db_param *params = xcalloc(count * COLUMNS, sizeof *params);
	int rc;

	buf_init(&sql);
	buf_puts(&sql, "INSERT INTO email_outbox (recipient, subject, body, kind, user_id,"
	    " organisation_id, application_id) VALUES ");
	db_values_list(&sql, count, COLUMNS);
	for (size_t i = 0; i < count; i++) {
		const struct outbox_message *m = &messages[i];
		struct db_param *row = &params[i * COLUMNS];
		row[0] = P_TEXT(m->recipient);
		row[1] = P_TEXT(m->subject);
		row[2] = P_TEXT(m->body);
		row[3] = P_TEXT(m->kind);
		row[4] = m->user_id > 0 ? P_INT(m->user_id) : P_NULL;
		row[5] = m->organisation_id > 0 ? P_INT(m->organisation_id) : P_NULL;
		row[6] = m->application_id > 0 ? P_INT(m->application_id) : P_NULL;
	}
	rc = db_exec(w, sql.data, params, count * COLUMNS, NULL, NULL);
	if (rc == 0)
		log_event(LOG_INFO, NULL, "event=mail_queued_many count=%zu kind=%s", count,
		    count ? messages[0].kind : "");
	buf_free(&sql);
	free(params);
	return rc;
}

long long mail_backoff_seconds(int attempts)
{
	long long delay = MAIL_BACKOFF_FIRST_SECONDS;

	for (int i = 1; i < attempts && delay < MAIL_BACKOFF_MAX_SECONDS; i++)
		delay *= 2;
	return delay < MAIL_BACKOFF_MAX_SECONDS ? delay : MAIL_BACKOFF_MAX_SECONDS;
}

static bool text_is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Appends s with every CR and LF replaced by a space, so a value can never start a new header. */
static void buf_put_header_value(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_putc(out, (*s == '\r' || *s == '\n') ? ' ' : *s);
}

/* Appends the subject, as an RFC 2047 encoded word in base64 when it is not plain ASCII. */
static void buf_put_subject(struct buf *out, const char *subject)
{
	struct buf clean;

	buf_init(&clean);
	buf_put_header_value(&clean, subject);
	if (text_is_ascii(clean.data ? clean.data : "")) {
		buf_puts(out, clean.data ? clean.data : "");
	} else {
		size_t len = clean.len;
		char *encoded = xmalloc(4 * ((len + 2) / 3) + 1);

		EVP_EncodeBlock((unsigned char *)encoded, (const unsigned char *)clean.data, (int)len);
		buf_printf(out, "=?UTF-8?B?%s?=", encoded);
		free(encoded);
	}
	buf_free(&clean);
}

void mail_format(struct buf *out, const char *from, const char *to, const char *subject,
    const char *body, long long outbox_id, time_t date)
{
	struct tm tm;
	char date_text[64];
	const char *domain = strchr(from, '@');

	gmtime_r(&date, &tm);
	strftime(date_text, sizeof date_text, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_puts(out, "From: ");
	buf_put_header_value(out, from);
	buf_puts(out, "\nTo: ");
	buf_put_header_value(out, to);
	buf_puts(out, "\nSubject: ");
	buf_put_subject(out, subject);
	buf_printf(out, "\nDate: %s\n", date_text);
	buf_printf(out, "Message-ID: <mic-outbox-%lld.%lld@", outbox_id, (long long)date);
	buf_put_header_value(out, domain ? domain + 1 : "localhost");
	/* A From of the form "Name <a@b>" leaves a '>' at the end of the domain; drop it. */
	if (out->len > 0 && out->data[out->len - 1] == '>')
		out->data[--out->len] = '\0';
	buf_puts(out, ">\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n");
	buf_puts(out, body);
	if (out->len == 0 || out->data[out->len - 1] != '\n')
		buf_putc(out, '\n');
}

/* Writes all of data to fd; fails on any error, EPIPE included. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Waits for pid up to timeout_s seconds, then kills it. Returns the wait status, or -1. */
static int wait_with_timeout(pid_t pid, int timeout_s, bool *timed_out)
{
	int status = 0;

	*timed_out = false;
	for (int tenths = 0; tenths < timeout_s * 10; tenths++) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR)
			return -1;
		usleep(100000);
	}
	*timed_out = true;
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

int mail_send_with_program(const char *command, const char *message, size_t len, char *err,
    size_t errlen)
{
	posix_spawn_file_actions_t actions;
	int fds[2];
	pid_t pid;
	bool timed_out;
	int rc, status;
	char *argv[] = { "/bin/sh", "-c", (char *)command, NULL };

	if (pipe(fds) != 0) {
		snprintf(err, errlen, "pipe failed: %s", strerror(errno));
		return -1;
	}
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&actions, fds[0]);
	posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, "/bin/sh", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		snprintf(err, errlen, "starting /bin/sh failed: %s", strerror(rc));
		return -1;
	}
	rc = write_all(fds[1], message, len);
	close(fds[1]);
	status = wait_with_timeout(pid, MAIL_PROGRAM_TIMEOUT_SECONDS, &timed_out);
	if (timed_out) {
		snprintf(err, errlen, "the mail program did not finish within %d s and was killed",
		    MAIL_PROGRAM_TIMEOUT_SECONDS);
		return -1;
	}
	if (status < 0) {
		snprintf(err, errlen, "waiting for the mail program failed: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "the mail program %s %d", WIFEXITED(status) ? "exited with status" :
		    "was killed by signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errlen, "the mail program stopped reading the message");
		return -1;
	}
	return 0;
}

/* ---- Delivery thread ---- */

/* Claims up to MAIL_BATCH due rows for this process by moving their next attempt past the lease. */
static int outbox_claim(struct worker *w, struct db_result *due)
{
	static const char select_sql[] =
	    "SELECT id, recipient, subject, body, attempts FROM email_outbox"
	    " WHERE sent_at IS NULL AND next_attempt_at <= UTC_TIMESTAMP(6)"
	    " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
	static const char lease_sql[] =
	    "UPDATE email_outbox SET next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE id = ?";
	struct db_param select_params[] = { P_INT(MAIL_BATCH) };

	memset(due, 0, sizeof *due);
	if (db_begin(w) != 0)
		return -1;
	if (db_query(w, select_sql, select_params, 1, due) != 0)
		goto failed;
	for (size_t row = 0; row < due->rows; row++) {
		struct db_param params[] = { P_INT(MAIL_LEASE_SECONDS), P_INT(db_cell_int(due, row, 0)) };

		if (db_exec(w, lease_sql, params, 2, NULL, NULL) != 0)
			goto failed;
	}
	if (db_commit(w) != 0)
		goto failed;
	return 0;

failed:
	db_rollback(w);
	db_result_free(due);
	return -1;
}

static void outbox_record_result(struct worker *w, long long id, int attempts, const char *error)
{
	static const char sent_sql[] =
	    "UPDATE email_outbox SET sent_at = UTC_TIMESTAMP(6), attempts = ?, last_error = NULL"
	    " WHERE id = ?";
	static const char failed_sql[] =
	    "UPDATE email_outbox SET attempts = ?, last_error = LEFT(?, 500),"
	    " next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE id = ?";
	int rc;

	if (error == NULL) {
		struct db_param params[] = { P_INT(attempts), P_INT(id) };

		rc = db_exec(w, sent_sql, params, 2, NULL, NULL);
		log_event(LOG_INFO, NULL, "event=mail_sent outbox=%lld attempts=%d", id, attempts);
	} else {
		long long delay = mail_backoff_seconds(attempts);
		struct db_param params[] = { P_INT(attempts), P_TEXT(error), P_INT(delay), P_INT(id) };

		rc = db_exec(w, failed_sql, params, 4, NULL, NULL);
		log_event(LOG_WARN, NULL, "event=mail_failed outbox=%lld attempts=%d retry_in_s=%lld "
		    "error=\"%s\"", id, attempts, delay, error);
	}
	if (rc != 0)
		log_event(LOG_ERROR, NULL, "event=mail_result_not_recorded outbox=%lld", id);
}

/* Sends the due messages once; returns the number of rows claimed, or -1 when the database failed. */
static int mail_deliver_due(struct worker *w)
{
	struct db_result due;
	struct buf message;

	if (outbox_claim(w, &due) != 0)
		return -1;
	buf_init(&message);
	for (size_t row = 0; row < due.rows; row++) {
		long long id = db_cell_int(&due, row, 0);
		int attempts = (int)db_cell_int(&due, row, 4) + 1;
		char err[MAIL_ERROR_MAX];

		buf_reset(&message);
		mail_format(&message, mail.from, db_cell(&due, row, 1), db_cell(&due, row, 2),
		    db_cell(&due, row, 3), id, time(NULL));
		if (mail_send_with_program(mail.sendmail, message.data, message.len, err, sizeof err) == 0)
			outbox_record_result(w, id, attempts, NULL);
		else
			outbox_record_result(w, id, attempts, err);
	}
	buf_free(&message);
	int claimed = (int)due.rows;
	db_result_free(&due);
	return claimed;
}

static void *mail_thread_main(void *arg)
{
	struct worker *w = arg;

	mysql_thread_init();
	pthread_mutex_lock(&mail.lock);
	while (!mail.stopping) {
		pthread_mutex_unlock(&mail.lock);
		int claimed = mail_deliver_due(w);
		pthread_mutex_lock(&mail.lock);
		/* A full batch means more may be due, so the next round starts at once. */
		if (claimed == MAIL_BATCH || mail.stopping)
			continue;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += MAIL_POLL_SECONDS;
		pthread_cond_timedwait(&mail.wake, &mail.lock, &until);
	}
	pthread_mutex_unlock(&mail.lock);
	db_worker_free(w);
	free(w);
	mysql_thread_end();
	return NULL;
}

/* Sets mail.from from MIC_MAIL_FROM, or to "MIC <no-reply@HOST>" with the host of MIC_PUBLIC_URL. */
static void mail_from_load(void)
{
	const char *from = getenv("MIC_MAIL_FROM");
	const char *host = strstr(cfg.public_url, "://");
	size_t host_len;

	if (from && *from && strpbrk(from, "\r\n") == NULL && strlen(from) < sizeof mail.from) {
		snprintf(mail.from, sizeof mail.from, "%s", from);
		return;
	}
	host = host ? host + 3 : "localhost";
	host_len = strcspn(host, ":/");
	snprintf(mail.from, sizeof mail.from, "MIC <no-reply@%.*s>", (int)host_len, host);
}

int mail_delivery_start(void)
{
	const char *command = getenv("MIC_SENDMAIL");
	struct worker *w;

	mail_from_load();
	if (command == NULL || *command == '\0') {
		log_event(LOG_INFO, NULL, "event=mail_delivery_off reason=\"MIC_SENDMAIL is not set\"");
		return 0;
	}
	mail.sendmail = command;
	w = xcalloc(1, sizeof *w);
	w->index = -2;
	if (pthread_create(&mail.thread, NULL, mail_thread_main, w) != 0) {
		free(w);
		log_event(LOG_ERROR, NULL, "event=mail_delivery_failed error=\"pthread_create failed\"");
		return -1;
	}
	mail.running = true;
	log_event(LOG_INFO, NULL, "event=mail_delivery_started poll_s=%d", MAIL_POLL_SECONDS);
	return 0;
}

void mail_delivery_stop(void)
{
	if (!mail.running)
		return;
	pthread_mutex_lock(&mail.lock);
	mail.stopping = true;
	pthread_cond_signal(&mail.wake);
	pthread_mutex_unlock(&mail.lock);
	pthread_join(mail.thread, NULL);
	mail.running = false;
}

/* ---- GET /api/v1/outbox ---- */

static json_t *outbox_item_json(const struct db_result *res, size_t row)
{
	json_t *item = json_object();
	const char *sent_at = db_cell(res, row, 11);
	const char *error = db_cell(res, row, 12);

	json_object_set_new(item, "id", json_integer(db_cell_int(res, row, 0)));
	json_object_set_new(item, "recipient", json_string(db_cell(res, row, 1)));
	json_object_set_new(item, "subject", json_string(db_cell(res, row, 2)));
	json_object_set_new(item, "body", json_string(db_cell(res, row, 3)));
	json_object_set_new(item, "kind", json_string(db_cell(res, row, 4)));
	for (size_t col = 5; col <= 7; col++) {
		static const char *const keys[] = { "user_id", "organisation_id", "application_id" };
		const char *value = db_cell(res, row, col);

		json_object_set_new(item, keys[col - 5], value ? json_integer(atoll(value)) : json_null());
	}
	json_set_time(item, "created_at", "created_on", db_cell(res, row, 8));
	json_object_set_new(item, "attempts", json_integer(db_cell_int(res, row, 9)));
	json_set_time(item, "next_attempt_at", "next_attempt_on", sent_at ? NULL : db_cell(res, row, 10));
	json_object_set_new(item, "status", json_string(sent_at ? "sent" : "pending"));
	json_set_time(item, "sent_at", "sent_on", sent_at);
	json_object_set_new(item, "last_error", error ? json_string(error) : json_null());
	return item;
}

void handle_outbox_list(struct req *r)
{
	static const char list_sql[] =
	    "SELECT id, recipient, subject, body, kind, user_id, organisation_id, application_id,"
	    " created_at, attempts, next_attempt_at, sent_at, last_error FROM email_outbox"
	    " WHERE (? IS NULL OR LOWER(recipient) = LOWER(?)) AND (? IS NULL OR kind = ?)"
	    " AND (? IS NULL OR (? = 'sent') = (sent_at IS NOT NULL))"
	    " ORDER BY id DESC LIMIT ? OFFSET ?";
	static const char count_sql[] =
	    "SELECT COUNT(*) FROM email_outbox"
	    " WHERE (? IS NULL OR LOWER(recipient) = LOWER(?)) AND (? IS NULL OR kind = ?)"
	    " AND (? IS NULL OR (? = 'sent') = (sent_at IS NOT NULL))";
	char *recipient = req_query(r, "recipient");
	char *kind = req_query(r, "kind");
	char *status = req_query(r, "status");
	struct db_result rows = { 0 }, count = { 0 };
	long long page;

	if (query_long_or_reply(r, "page", 1, 100000, 1, &page) != 0)
		goto out;
	if (status && strcmp(status, "sent") != 0 && strcmp(status, "pending") != 0) {
		reply_error(r, 400, "invalid_field", "status", "status must be sent or pending");
		goto out;
	}
	struct db_param filters[] = {
		P_TEXT(recipient), P_TEXT(recipient), P_TEXT(kind), P_TEXT(kind), P_TEXT(status),
		P_TEXT(status), P_INT(OUTBOX_PER_PAGE), P_INT((page - 1) * OUTBOX_PER_PAGE),
	};
	if (db_query(r->w, count_sql, filters, 6, &count) != 0 ||
	    db_query(r->w, list_sql, filters, 8, &rows) != 0) {
		reply_db_error(r);
		goto out;
	}
	json_t *items = json_array();
	for (size_t row = 0; row < rows.rows; row++)
		json_array_append_new(items, outbox_item_json(&rows, row));
	/* time_zone lets the dashboard show the times in the alliance's zone, not the viewer's. */
	reply_json(r, 200, json_pack("{s:o, s:I, s:i, s:I, s:b, s:s}", "items", items, "page",
	    (json_int_t)page, "per_page", OUTBOX_PER_PAGE, "total",
	    (json_int_t)db_cell_int(&count, 0, 0), "delivery_enabled", mail.sendmail != NULL,
	    "time_zone", cfg.timezone));

out:
	db_result_free(&rows);
	db_result_free(&count);
	free(recipient);
	free(kind);
	free(status);
}
