/*
 * main.c: the mic-server command line.
 *
 *   mic-server serve            FastCGI server on MIC_LISTEN (the default command)
 *   mic-server migrate          apply the migrations in MIC_SQL_DIR
 *   mic-server create-user EMAIL --name NAME --role ROLE [--organisation ID]
 *                               password on standard input
 *   mic-server hash-password    print the hash of the password on standard input
 *
 * The server blocks SIGTERM and SIGINT in every thread and waits for them in the main thread
 * with sigwait(), because libfcgi's own handler only sets a flag that threads blocked in
 * FCGX_Accept_r never see. On a signal it shuts the listening socket down, which makes every
 * pending accept fail, and joins the workers after their current request.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mic.h"

static int listen_fd = -1;
static volatile sig_atomic_t stopping;

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (FCGX_InitRequest(&w->fcgi, listen_fd, 0) != 0) {
		log_event(LOG_ERROR, NULL, "event=worker_failed worker=%d error=\"FCGX_InitRequest failed\"",
		    w->index);
		return NULL;
	}
	mysql_thread_init();
	while (!stopping && FCGX_Accept_r(&w->fcgi) >= 0)
		http_serve_one(w);
	db_worker_free(w);
	catalogue_worker_free(w);
	buf_free(&w->body);
	buf_free(&w->out);
	buf_free(&w->headers);
	FCGX_Free(&w->fcgi, 0);
	mysql_thread_end();
	return NULL;
}

static int open_listen_socket(void)
{
	struct stat st;

	if (stat(cfg.listen, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(cfg.listen);
	listen_fd = FCGX_OpenSocket(cfg.listen, 1024);
	if (listen_fd < 0) {
		log_event(LOG_ERROR, NULL, "event=listen_failed socket=%s error=\"%s\"", cfg.listen,
		    strerror(errno));
		return -1;
	}
	if (chmod(cfg.listen, (mode_t)cfg.socket_mode) != 0) {
		log_event(LOG_ERROR, NULL, "event=listen_failed socket=%s error=\"chmod: %s\"", cfg.listen,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static bool listen_socket_is_unix(void)
{
	struct sockaddr_storage address;
	socklen_t len = sizeof(address);

	return getsockname(listen_fd, (struct sockaddr *)&address, &len) == 0 &&
	    address.ss_family == AF_UNIX;
}

static int serve(void)
{
	struct worker *workers;
	pthread_t *threads;
	sigset_t signals;
	int sig = 0;
	char err[512];
	MYSQL *probe;

	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cfg.log_file && log_open_file(cfg.log_file, err, sizeof(err)) != 0) {
		fprintf(stderr, "mic-server: %s\n", err);
		return 1;
	}

	if (FCGX_Init() != 0 || open_listen_socket() != 0)
		return 1;
	if (rdf_contexts_load() != 0)
		return 1;
	probe = db_connect(err, sizeof(err));
	if (probe == NULL)
		log_event(LOG_WARN, NULL, "event=db_unreachable_at_start error=\"%s\"", err);
	else
		mysql_close(probe);

	workers = xcalloc((size_t)cfg.threads, sizeof(*workers));
	threads = xcalloc((size_t)cfg.threads, sizeof(*threads));
	bool unix_socket = listen_socket_is_unix();
	for (int i = 0; i < cfg.threads; i++) {
		workers[i].index = i;
		workers[i].unix_socket = unix_socket;
		if (pthread_create(&threads[i], NULL, worker_main, &workers[i]) != 0) {
			log_event(LOG_ERROR, NULL, "event=start_failed error=\"pthread_create failed\"");
			return 1;
		}
	}
	if (mail_delivery_start() != 0)
		log_event(LOG_WARN, NULL, "event=mail_delivery_not_started");
	if (bulk_worker_start() != 0)
		log_event(LOG_WARN, NULL, "event=bulk_worker_not_started");
	log_event(LOG_INFO, NULL, "event=started socket=%s threads=%d public_url=%s timezone=%s pid=%d",
	    cfg.listen, cfg.threads, cfg.public_url, cfg.timezone, (int)getpid());

	while (sigwait(&signals, &sig) == 0 && sig == SIGHUP)
		log_event(LOG_INFO, NULL, "event=sighup_ignored");
	log_event(LOG_INFO, NULL, "event=stopping signal=%d", sig);
	stopping = 1;
	shutdown(listen_fd, SHUT_RDWR);
	close(listen_fd);
	for (int i = 0; i < cfg.threads; i++)
		pthread_join(threads[i], NULL);
	mail_delivery_stop();
	bulk_worker_stop();
	unlink(cfg.listen);
	free(workers);
	free(threads);
	log_event(LOG_INFO, NULL, "event=stopped");
	return 0;
}

static int migrate(void)
{
	char err[512];
	/*
	 * A migration that fills a new table from certificates runs one statement over every row,
	 * which takes longer than the 30 s that requests may wait, so this connection waits an hour.
	 */
	MYSQL *conn = db_connect_waiting(err, sizeof(err), 3600);
	int rc;

	if (conn == NULL) {
		fprintf(stderr, "mic-server migrate: %s\n", err);
		return 1;
	}
	rc = migrate_run(conn, cfg.sql_dir);
	mysql_close(conn);
	if (rc != 0)
		fprintf(stderr, "mic-server migrate: failed; the log line above names the migration\n");
	return rc == 0 ? 0 : 1;
}

/* Reads one line from standard input without its line ending; NULL on an empty input. */
static char *read_password(void)
{
	char line[1100];
	size_t len;

	if (fgets(line, sizeof(line), stdin) == NULL)
		return NULL;
	len = strcspn(line, "\r\n");
	line[len] = '\0';
	if (len == 0)
		return NULL;
	return xstrdup(line);
}

static int usage(void)
{
	fprintf(stderr,
	    "usage: mic-server [serve]\n"
	    "       mic-server migrate\n"
	    "       mic-server create-user EMAIL --name NAME --role ROLE [--organisation ID] < password\n"
	    "       mic-server hash-password < password\n"
	    "       mic-server keygen        create the first signing key unless one exists\n"
	    "       mic-server rotate-key    add a new signing key; earlier public keys stay published\n"
	    "       mic-server canonicalize < document.json   print its RDFC-1.0 N-Quads\n"
	    "ROLE is one of coordinator, org_admin, editor, issuer, reviewer, learner.\n");
	return 2;
}

static int create_user(int argc, char **argv)
{
	const char *email = NULL, *name = NULL, *role_text = NULL;
	long long organisation_id = 0, id;
	enum role role;
	struct worker w;
	char err[512], *password;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_text = argv[++i];
		else if (strcmp(argv[i], "--organisation") == 0 && i + 1 < argc) {
			if (parse_long(argv[++i], 1, 1LL << 53, &organisation_id) != 0) {
				fprintf(stderr, "mic-server create-user: --organisation needs a numeric id\n");
				return 2;
			}
		} else if (argv[i][0] != '-' && email == NULL)
			email = argv[i];
		else
			return usage();
	}
	if (email == NULL || name == NULL || role_text == NULL)
		return usage();
	if (role_parse(role_text, &role) != 0) {
		fprintf(stderr, "mic-server create-user: unknown role %s\n", role_text);
		return usage();
	}
	password = read_password();
	if (password == NULL) {
		fprintf(stderr, "mic-server create-user: write the password on standard input\n");
		return 2;
	}
	memset(&w, 0, sizeof(w));
	w.index = -1;
	id = db_worker_connect(&w) == 0 ?
	    user_create(&w, email, name, role, organisation_id, password, err, sizeof(err)) : -1;
	if (w.db == NULL && id < 0)
		snprintf(err, sizeof(err), "cannot reach the database at %s", cfg.db_socket);
	OPENSSL_cleanse(password, strlen(password));
	free(password);
	db_worker_free(&w);
	if (id < 0) {
		fprintf(stderr, "mic-server create-user: %s\n", err);
		return 1;
	}
	printf("%lld\n", id);
	return 0;
}

static int hash_password_command(void)
{
	char *password = read_password();
	char hash[256];

	if (password == NULL || password_hash(password, cfg.scrypt_log_n, hash, sizeof(hash)) != 0) {
		fprintf(stderr, "mic-server hash-password: write a password on standard input\n");
		free(password);
		return 1;
	}
	OPENSSL_cleanse(password, strlen(password));
	free(password);
	printf("%s\n", hash);
	return 0;
}

/* Prints the RDFC-1.0 canonical N-Quads of the JSON-LD document on standard input. */
static int canonicalize_command(void)
{
	json_error_t error;
	json_t *document = json_loadf(stdin, JSON_REJECT_DUPLICATES, &error);
	struct buf out;
	char err[512];
	int rc = 1;

	if (!document) {
		fprintf(stderr, "mic-server canonicalize: invalid JSON on standard input, line %d: %s\n",
		    error.line, error.text);
		return 1;
	}
	buf_init(&out);
	if (rdf_contexts_load() != 0 || rdfc_canonicalize_jsonld(document, &out, err, sizeof err) != 0) {
		fprintf(stderr, "mic-server canonicalize: %s\n", err);
		goto out;
	}
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	rc = 0;
out:
	buf_free(&out);
	json_decref(document);
	return rc;
}

int main(int argc, char **argv)
{
	const char *command = argc > 1 ? argv[1] : "serve";
	char err[512];
	int rc;

	if (config_load(err, sizeof(err)) != 0) {
		fprintf(stderr, "mic-server: %s\n", err);
		return 2;
	}
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "mic-server: cannot initialise the MariaDB client library\n");
		return 1;
	}
	json_object_seed(0);
	if (strcmp(command, "serve") == 0)
		rc = serve();
	else if (strcmp(command, "migrate") == 0)
		rc = migrate();
	else if (strcmp(command, "create-user") == 0)
		rc = create_user(argc, argv);
	else if (strcmp(command, "hash-password") == 0)
		rc = hash_password_command();
	else if (strcmp(command, "canonicalize") == 0)
		rc = canonicalize_command();
	else if (strcmp(command, "keygen") == 0)
		rc = signing_key_command(false);
	else if (strcmp(command, "rotate-key") == 0)
		rc = signing_key_command(true);
	else
		rc = usage();
	mysql_library_end();
	return rc;
}
