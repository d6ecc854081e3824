/*
 * bulk_worker.c: the thread that runs bulk issuing jobs.
 *
 * Every mic-server process runs one worker thread with two MariaDB connections. The claim
 * connection claims a job, writes its progress and renews its lease. The issue connection issues
 * all certificates of the job in one transaction, so a job issues every row or none.
 *
 * Claims and leases: a worker claims a queued job by setting claimed_by ("host:pid") and
 * lease_until (now + MIC_BULK_LEASE_SECONDS, default 30) in a short transaction that selects the
 * row with FOR UPDATE SKIP LOCKED, so two processes never claim the same job at once. Every
 * progress write renews the lease. A running job whose lease lapsed belongs to a worker that
 * died; MariaDB rolled back its issuing transaction when its connection closed, so the next
 * worker to poll runs it again from the start, and the unique key on (micro-credential, e-mail,
 * reference) keeps any row from being issued twice.
 *
 * NOTE: two jobs with the same rows that run at the same time may not both succeed. The second
 * waits on the first one's uncommitted keys for innodb_lock_wait_timeout (10 s, set in db.c), and
 * fails with a lock wait timeout when the first job takes longer than that.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mic.h"

#define BULK_POLL_SECONDS 5
#define BULK_LEASE_DEFAULT_SECONDS 30
/* Progress is written after this many rows or this much time, whichever comes first. */
#define BULK_PROGRESS_ROWS 200
#define BULK_PROGRESS_MS 500
/* Rows per set of multi-row statements; BULK_PROGRESS_ROWS is a multiple of it. */
#define BULK_BATCH_ROWS 50
#define BULK_ERROR_MAX 500

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool running;
	bool stopping;
	bool woken;
	int lease_seconds;
	char owner[100];              /* claimed_by of this process's jobs */
} bulk = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

/* A claimed job and what running it needs. */
struct job {
	long long id;
	long long mc_id;
	long long org_id;
	long long created_by;
	int attempt;
	struct db_result row;         /* the claimed row; owns the CSV bytes */
	char request_id[40];          /* "bulk-<id>-<attempt>", written into the audit records */
};

/* The reason a job failed. */
struct job_failure {
	long long line;               /* 0 when no row is at fault */
	char message[BULK_ERROR_MAX];
};

static bool stop_requested(void)
{
	pthread_mutex_lock(&bulk.lock);
	bool stopping = bulk.stopping;
	pthread_mutex_unlock(&bulk.lock);
	return stopping;
}

static long long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Claims the oldest queued job, or a running one whose lease lapsed. Sets *found. */
static int job_claim(struct worker *w, struct job *job, bool *found)
{
	static const char select_sql[] =
	    "SELECT id, microcredential_id, organisation_id, created_by, attempts, csv FROM bulk_jobs"
	    " WHERE status = 'queued' OR (status = 'running' AND lease_until < UTC_TIMESTAMP(6))"
	    " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED";
	static const char claim_sql[] =
	    "UPDATE bulk_jobs SET status = 'running', claimed_by = ?,"
	    " lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND,"
	    " started_at = COALESCE(started_at, UTC_TIMESTAMP(6)), attempts = attempts + 1,"
	    " done_rows = 0 WHERE id = ?";

	*found = false;
	memset(job, 0, sizeof *job);
	if (db_begin(w) != 0)
		return -1;
	if (db_query(w, select_sql, NULL, 0, &job->row) != 0)
		goto failed;
	if (job->row.rows == 0) {
		db_rollback(w);
		db_result_free(&job->row);
		return 0;
	}
	job->id = db_cell_int(&job->row, 0, 0);
	struct db_param params[] = { P_TEXT(bulk.owner), P_INT(bulk.lease_seconds), P_INT(job->id) };
	if (db_exec(w, claim_sql, params, 3, NULL, NULL) != 0 || db_commit(w) != 0)
		goto failed;
	job->mc_id = db_cell_int(&job->row, 0, 1);
	job->org_id = db_cell_int(&job->row, 0, 2);
	job->created_by = db_cell_int(&job->row, 0, 3);
	job->attempt = (int)db_cell_int(&job->row, 0, 4) + 1;
	snprintf(job->request_id, sizeof job->request_id, "bulk-%lld-%d", job->id, job->attempt);
	*found = true;
	return 0;

failed:
	db_rollback(w);
	db_result_free(&job->row);
	return -1;
}

/*
 * Writes done_rows and renews the lease from outside the issuing transaction. Returns -1 when
 * the write failed or another worker has claimed the job since.
 */
static int job_progress(struct worker *w, const struct job *job, long long done)
{
	static const char sql[] =
	    "UPDATE bulk_jobs SET done_rows = ?, lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND"
	    " WHERE id = ? AND claimed_by = ? AND status = 'running'";
	struct db_param params[] = { P_INT(done), P_INT(bulk.lease_seconds), P_INT(job->id),
		P_TEXT(bulk.owner) };
	unsigned long long affected = 0;

	if (db_exec(w, sql, params, 4, &affected, NULL) != 0)
		return -1;
	if (affected != 1) {
		log_event(LOG_WARN, job->request_id, "event=bulk_job_claim_lost job=%lld", job->id);
		return -1;
	}
	return 0;
}

/* Records the outcome of a job, clears its CSV and gives up the claim. */
static void job_finish(struct worker *w, const struct job *job, const char *status, long long done,
    long long issued, long long skipped, const struct job_failure *failure, json_t *results)
{
	static const char sql[] =
	    "UPDATE bulk_jobs SET status = ?, finished_at = UTC_TIMESTAMP(6), done_rows = ?,"
	    " issued_count = ?, skipped_count = ?, failed_line = ?, error = ?, results = ?, csv = NULL,"
	    " claimed_by = NULL, lease_until = NULL WHERE id = ? AND claimed_by = ?";
	char *results_text = results ? json_dumps(results, JSON_COMPACT) : NULL;
	unsigned long long affected = 0;

	struct db_param params[] = {
		P_TEXT(status), P_INT(done), P_INT(issued), P_INT(skipped),
		failure && failure->line > 0 ? P_INT(failure->line) : P_NULL,
		P_TEXT(failure ? failure->message : NULL), P_TEXT(results_text), P_INT(job->id),
		P_TEXT(bulk.owner),
	};
	if (db_exec(w, sql, params, sizeof params / sizeof params[0], &affected, NULL) != 0 ||
	    affected != 1)
		log_event(LOG_ERROR, job->request_id, "event=bulk_job_outcome_not_recorded job=%lld "
		    "status=%s", job->id, status);
	free(results_text);
}

/* Puts a job back in the queue at shutdown, so another worker runs it without waiting for the lease. */
static void job_release(struct worker *w, const struct job *job)
{
	static const char sql[] =
	    "UPDATE bulk_jobs SET status = 'queued', done_rows = 0, claimed_by = NULL,"
	    " lease_until = NULL WHERE id = ? AND claimed_by = ?";
	struct db_param params[] = { P_INT(job->id), P_TEXT(bulk.owner) };

	if (db_exec(w, sql, params, 2, NULL, NULL) != 0)
		log_event(LOG_WARN, job->request_id, "event=bulk_job_release_failed job=%lld", job->id);
	else
		log_event(LOG_INFO, job->request_id, "event=bulk_job_released job=%lld", job->id);
}

/* The signing key that issues the whole job, or NULL with the reason in failure. */
static EVP_PKEY *job_signing_key(struct worker *w, char key_id[SIGNING_KEY_ID_MAX],
    struct job_failure *failure)
{
	char err[512];
	bool found = false;

	if (signing_key_current(w, key_id, &found) != 0) {
		snprintf(failure->message, sizeof failure->message, "the database could not be read; "
		    "upload the file again later");
		return NULL;
	}
	if (!found) {
		snprintf(failure->message, sizeof failure->message, "the alliance's signing key is not set "
		    "up, so nothing was issued; an operator must run `mic-server keygen`");
		return NULL;
	}
	enum signing_key_problem problem = SIGNING_KEY_OK;
	EVP_PKEY *key = signing_key_read(key_id, &problem, err, sizeof err);
	if (!key) {
		log_event(LOG_ERROR, NULL, "event=signing_key_unusable key=%s problem=%s error=\"%s\"",
		    key_id, signing_key_problem_code(problem), err);
		snprintf(failure->message, sizeof failure->message, "the alliance's signing key cannot be "
		    "used (%s), so nothing was issued; ask an operator to fix it", signing_key_problem_code(problem));
	}
	return key;
}

/* The state of a running job, shared by all its rows. */
struct job_context {
	struct job *job;
	struct worker *issue_db;
	struct worker *claim_db;
	json_t *rows;                 /* the rows of bulk_rows_check() */
	json_t *results;              /* [{line, result, certificate_id}] */
	struct certificate_issue issue;   /* filled in per row */
	int status_list;
	int *status_indexes;          /* the reserved entry of each row of rows */
	long long issued;
	long long skipped;
	long long done;
};

/* Reads row i of the checked file into the holder fields of b. */
static void row_holder(json_t *rows, size_t i, struct bulk_certificate *b, long long *line)
{
	json_t *row = json_array_get(rows, i);
	const char *evidence = json_string_value(json_object_get(row, "evidence_url"));

	*line = (long long)json_integer_value(json_object_get(row, "line"));
	b->holder_name = json_string_value(json_object_get(row, "holder_name"));
	b->holder_email = json_string_value(json_object_get(row, "holder_email"));
	b->bulk_reference = json_string_value(json_object_get(row, "external_reference"));
	b->evidence_url = evidence && *evidence ? evidence : NULL;
	b->awarded_on = json_string_value(json_object_get(row, "awarded_on"));
}

static void result_add(struct job_context *ctx, long long line, const struct bulk_certificate *b)
{
	if (b->skipped)
		ctx->skipped++;
	else
		ctx->issued++;
	json_array_append_new(ctx->results, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line,
	    "result", b->skipped ? "skipped" : "issued", "certificate_id", b->id));
}

/* Issues rows [first, first + count) one statement set per row, so a failure names its line. */
static int issue_one_by_one(struct job_context *ctx, struct req *actor, size_t first, size_t count,
    struct job_failure *failure)
{
	char err[256];

	for (size_t i = first; i < first + count; i++) {
		struct bulk_certificate b = { 0 };
		long long line;

		row_holder(ctx->rows, i, &b, &line);
		ctx->issue.holder_name = b.holder_name;
		ctx->issue.holder_email = b.holder_email;
		ctx->issue.bulk_reference = b.bulk_reference;
		ctx->issue.evidence_url = b.evidence_url;
		ctx->issue.awarded_on = b.awarded_on;
		ctx->issue.status_index = ctx->status_indexes[i];
		int rc = certificate_issue_in_transaction(actor, &ctx->issue, b.id, err, sizeof err);
		if (rc < 0) {
			failure->line = line;
			snprintf(failure->message, sizeof failure->message, "line %lld could not be issued "
			    "(%s, database error %u), so no certificate of this file was issued; fix the cause "
			    "and upload the file again", line, err, db_errno(ctx->issue_db));
			return -1;
		}
		b.skipped = rc > 0;
		result_add(ctx, line, &b);
	}
	return 0;
}

/*
 * Issues rows [first, first + BULK_BATCH_ROWS) with multi-row statements. When one fails, rolls
 * back to the savepoint before the batch and issues its rows one by one to name the row at fault.
 */
static int issue_batch(struct job_context *ctx, struct req *actor, size_t first,
    struct job_failure *failure)
{
	struct bulk_certificate batch[BULK_BATCH_ROWS];
	long long lines[BULK_BATCH_ROWS];
	char err[256];

	memset(batch, 0, sizeof batch);
	for (size_t i = 0; i < BULK_BATCH_ROWS; i++) {
		row_holder(ctx->rows, first + i, &batch[i], &lines[i]);
		batch[i].status_index = ctx->status_indexes[first + i];
	}
	if (db_exec(ctx->issue_db, "SAVEPOINT bulk_batch", NULL, 0, NULL, NULL) != 0) {
		snprintf(failure->message, sizeof failure->message, "the database failed during the job; "
		    "upload the file again");
		return -1;
	}
	if (certificates_issue_batch(actor, &ctx->issue, batch, BULK_BATCH_ROWS, err, sizeof err) == 0) {
		for (size_t i = 0; i < BULK_BATCH_ROWS; i++)
			result_add(ctx, lines[i], &batch[i]);
		return 0;
	}
	log_event(LOG_INFO, ctx->job->request_id, "event=bulk_batch_retried job=%lld first_line=%lld "
	    "error=\"%s\" errno=%u", ctx->job->id, lines[0], err, db_errno(ctx->issue_db));
	if (db_exec(ctx->issue_db, "ROLLBACK TO SAVEPOINT bulk_batch", NULL, 0, NULL, NULL) != 0) {
		snprintf(failure->message, sizeof failure->message, "the database failed during the job; "
		    "upload the file again");
		return -1;
	}
	return issue_one_by_one(ctx, actor, first, BULK_BATCH_ROWS, failure);
}

/*
 * Issues every row inside the open transaction, in batches of BULK_BATCH_ROWS and the rest one by
 * one, writing progress between them. Returns 0, 1 when stopping, -1 on failure.
 */
static int job_issue_rows(struct job_context *ctx, struct req *actor, struct job_failure *failure)
{
	struct timespec last_progress;
	size_t total = json_array_size(ctx->rows);
	size_t i = 0;

	clock_gettime(CLOCK_MONOTONIC, &last_progress);
	while (i < total) {
		size_t step = total - i >= BULK_BATCH_ROWS ? BULK_BATCH_ROWS : 1;
		int rc = step == BULK_BATCH_ROWS ? issue_batch(ctx, actor, i, failure) :
		    issue_one_by_one(ctx, actor, i, 1, failure);
		if (rc != 0)
			return -1;
		i += step;
		ctx->done = (long long)i;

		if (i % BULK_PROGRESS_ROWS != 0 && elapsed_ms(&last_progress) < BULK_PROGRESS_MS)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &last_progress);
		if (stop_requested())
			return 1;
		if (job_progress(ctx->claim_db, ctx->job, ctx->done) != 0) {
			snprintf(failure->message, sizeof failure->message, "the worker lost its claim on "
			    "the job");
			return -1;
		}
	}
	return 0;
}

/*
 * Loads what the whole job needs: the checked rows, the published micro-credential and the
 * signing key. Fills failure and returns -1 when the job cannot run.
 */
static int job_prepare(struct job_context *ctx, struct mc_version_info *info, json_t **mc,
    EVP_PKEY **key, char key_id[SIGNING_KEY_ID_MAX], struct job_failure *failure)
{
	struct bulk_check_error check = { 0 };
	const struct db_result *row = &ctx->job->row;
	bool db_failed = false;

	if (!db_cell(row, 0, 5)) {
		snprintf(failure->message, sizeof failure->message, "the uploaded file is no longer "
		    "stored; upload it again");
		return -1;
	}
	json_t *report = bulk_rows_check(db_cell(row, 0, 5), row->lengths[5], &check);
	if (!report) {
		snprintf(failure->message, sizeof failure->message, "%s", check.message);
		return -1;
	}
	ctx->rows = json_incref(json_object_get(report, "rows"));
	json_decref(report);
	for (size_t i = 0; i < json_array_size(ctx->rows); i++) {
		json_t *item = json_array_get(ctx->rows, i);
		if (json_array_size(json_object_get(item, "errors")) == 0)
			continue;
		/* Rows are checked at upload, so only a change of the rules or the date gets here. */
		failure->line = (long long)json_integer_value(json_object_get(item, "line"));
		snprintf(failure->message, sizeof failure->message, "line %lld: %s", failure->line,
		    json_string_value(json_object_get(json_array_get(json_object_get(item, "errors"), 0),
		    "message")));
		return -1;
	}
	*mc = microcredential_version_load(ctx->issue_db, ctx->job->mc_id, MC_VERSION_PUBLISHED, 0,
	    NULL, false, info, &db_failed);
	if (!*mc) {
		snprintf(failure->message, sizeof failure->message, db_failed ? "the database could not "
		    "be read; upload the file again later" : "the micro-credential is no longer "
		    "published, so nothing was issued");
		return -1;
	}
	*key = job_signing_key(ctx->issue_db, key_id, failure);
	if (!*key)
		return -1;
	size_t row_count = json_array_size(ctx->rows);
	ctx->status_indexes = calloc(row_count ? row_count : 1, sizeof *ctx->status_indexes);
	if (!ctx->status_indexes || status_list_reserve(ctx->claim_db, (int)row_count,
	    &ctx->status_list, ctx->status_indexes) != 0) {
		snprintf(failure->message, sizeof failure->message, "no status list entries could be "
		    "reserved; upload the file again later");
		return -1;
	}
	return 0;
}

/* Runs one claimed job to its end: succeeded, failed, or released at shutdown. */
static void job_run(struct worker *issue_db, struct worker *claim_db, struct job *job)
{
	struct job_context ctx = { .job = job, .issue_db = issue_db, .claim_db = claim_db,
		.results = json_array() };
	struct job_failure failure = { 0 };
	struct mc_version_info info = { 0 };
	struct user creator = { .id = job->created_by };
	struct req actor = { .w = issue_db, .request_id = job->request_id, .user = &creator };
	char key_id[SIGNING_KEY_ID_MAX];
	char job_id[24];
	char *snapshot_text = NULL;
	json_t *mc = NULL;
	EVP_PKEY *key = NULL;
	struct timespec started;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &started);
	log_event(LOG_INFO, job->request_id, "event=bulk_job_started job=%lld attempt=%d", job->id,
	    job->attempt);
	if (job_prepare(&ctx, &info, &mc, &key, key_id, &failure) != 0)
		goto out;
	snapshot_text = json_dumps(mc, JSON_COMPACT);
	ctx.issue = (struct certificate_issue){
		.microcredential_id = job->mc_id, .microcredential_version_id = info.version_id,
		.organisation_id = info.organisation_id, .snapshot = mc, .snapshot_text = snapshot_text,
		.bulk_job_id = job->id, .key = key, .key_id = key_id, .status_list = ctx.status_list,
	};
	/* A row's issue date becomes the certificate's awarded_on and the credential's awardedDate.
	 * issued_at stays the signing time, because a proof must not predate its signing key. */
	if (info.validity_months > 0) {
		ctx.issue.valid_until = certificate_expiry_after_months(info.validity_months);
		ctx.issue.has_valid_until = true;
	}
	if (db_begin(issue_db) != 0) {
		snprintf(failure.message, sizeof failure.message, "the database could not be reached");
		goto out;
	}
	rc = job_issue_rows(&ctx, &actor, &failure);
	snprintf(job_id, sizeof job_id, "%lld", job->id);
	if (rc == 0 && audit_record(&actor, "bulk_issue_succeeded", "bulk_job", job_id,
	    info.organisation_id, json_pack("{s:I, s:I}", "issued", (json_int_t)ctx.issued, "skipped",
	    (json_int_t)ctx.skipped)) != 0) {
		snprintf(failure.message, sizeof failure.message, "writing the audit record failed");
		rc = -1;
	}
	if (rc == 0 && db_commit(issue_db) != 0) {
		snprintf(failure.message, sizeof failure.message, "the database did not commit the "
		    "certificates, so none was issued; upload the file again");
		rc = -1;
	}
	if (rc != 0)
		db_rollback(issue_db);

out:
	if (rc == 0) {
		job_finish(claim_db, job, "succeeded", ctx.done, ctx.issued, ctx.skipped, NULL, ctx.results);
		log_event(LOG_INFO, job->request_id, "event=bulk_job_succeeded job=%lld issued=%lld "
		    "skipped=%lld ms=%lld", job->id, ctx.issued, ctx.skipped, elapsed_ms(&started));
	} else if (rc > 0) {
		job_release(claim_db, job);
	} else {
		json_t *failed = json_pack("[{s:I, s:s, s:s}]", "line", (json_int_t)failure.line,
		    "result", "failed", "message", failure.message);
		job_finish(claim_db, job, "failed", ctx.done, 0, 0, &failure, failure.line > 0 ? failed : NULL);
		json_decref(failed);
		log_event(LOG_WARN, job->request_id, "event=bulk_job_failed job=%lld line=%lld "
		    "error=\"%s\"", job->id, failure.line, failure.message);
	}
	EVP_PKEY_free(key);
	free(snapshot_text);
	json_decref(mc);
	json_decref(ctx.rows);
	json_decref(ctx.results);
	free(ctx.status_indexes);
}

/* Runs claimable jobs until none is left; returns -1 when the database failed. */
static int bulk_run_due(struct worker *issue_db, struct worker *claim_db)
{
	struct job job;
	bool found = true;

	while (found && !stop_requested()) {
		if (job_claim(claim_db, &job, &found) != 0)
			return -1;
		if (!found)
			break;
		job_run(issue_db, claim_db, &job);
		db_result_free(&job.row);
	}
	return 0;
}

static void *bulk_thread_main(void *arg)
{
	struct worker *workers = arg;

	mysql_thread_init();
	pthread_mutex_lock(&bulk.lock);
	while (!bulk.stopping) {
		bulk.woken = false;
		pthread_mutex_unlock(&bulk.lock);
		if (bulk_run_due(&workers[0], &workers[1]) != 0)
			log_event(LOG_WARN, NULL, "event=bulk_poll_failed retry_in_s=%d", BULK_POLL_SECONDS);
		pthread_mutex_lock(&bulk.lock);
		if (bulk.stopping || bulk.woken)
			continue;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += BULK_POLL_SECONDS;
		pthread_cond_timedwait(&bulk.wake, &bulk.lock, &until);
	}
	pthread_mutex_unlock(&bulk.lock);
	db_worker_free(&workers[0]);
	db_worker_free(&workers[1]);
	free(workers);
	mysql_thread_end();
	return NULL;
}

int bulk_worker_start(void)
{
	const char *lease = getenv("MIC_BULK_LEASE_SECONDS");
	long long seconds = BULK_LEASE_DEFAULT_SECONDS;
	char host[64] = "localhost";

	if (lease && *lease && parse_long(lease, 2, 3600, &seconds) != 0) {
		log_event(LOG_ERROR, NULL, "event=bulk_worker_failed error=\"MIC_BULK_LEASE_SECONDS must be "
		    "a number of seconds from 2 to 3600\"");
		return -1;
	}
	bulk.lease_seconds = (int)seconds;
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(bulk.owner, sizeof bulk.owner, "%s:%d", host, (int)getpid());

	struct worker *workers = xcalloc(2, sizeof *workers);
	workers[0].index = -3;
	workers[1].index = -4;
	if (pthread_create(&bulk.thread, NULL, bulk_thread_main, workers) != 0) {
		free(workers);
		log_event(LOG_ERROR, NULL, "event=bulk_worker_failed error=\"pthread_create failed\"");
		return -1;
	}
	bulk.running = true;
	log_event(LOG_INFO, NULL, "event=bulk_worker_started lease_s=%d poll_s=%d", bulk.lease_seconds,
	    BULK_POLL_SECONDS);
	return 0;
}

void bulk_worker_stop(void)
{
	if (!bulk.running)
		return;
	pthread_mutex_lock(&bulk.lock);
	bulk.stopping = true;
	pthread_cond_signal(&bulk.wake);
	pthread_mutex_unlock(&bulk.lock);
	pthread_join(bulk.thread, NULL);
	bulk.running = false;
}

void bulk_worker_wake(void)
{
	pthread_mutex_lock(&bulk.lock);
	bulk.woken = true;
	pthread_cond_signal(&bulk.wake);
	pthread_mutex_unlock(&bulk.lock);
}
