/*
 * mic.h: the map of the MIC application server.
 *
 * One FastCGI process serves the API and the public verification page. Worker threads each own a
 * MariaDB connection and a cache of prepared statements (struct worker); everything that outlives a
 * request lives in the database. Prototypes are grouped by the source file that defines them.
 *
 * Conventions: functions returning int return 0 on success and -1 on failure. Functions whose name
 * ends in _or_reply have already sent the error reply when they fail.
 */
#ifndef MIC_H
#define MIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <fcgiapp.h>
#include <jansson.h>
#include <mysql.h>

#define MIC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define MIC_NODISCARD __attribute__((warn_unused_result))

#define MIC_ISSUER_NAME "Habitat Sector Skills Certification Alliance"

/* util.c: allocation wrappers abort on out-of-memory, so callers never check. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
bool utf8_valid(const char *s, size_t len);
size_t utf8_length(const char *s);             /* code points; s must be valid UTF-8 */
bool text_has_control(const char *s, bool allow_newlines);
int parse_long(const char *s, long long min, long long max, long long *out) MIC_NODISCARD;
bool secure_equal(const char *a, const char *b);

/* buf.c: growable byte buffer, always NUL-terminated after the data. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_reserve(struct buf *b, size_t extra);
void buf_printf(struct buf *b, const char *fmt, ...) MIC_PRINTF(2, 3);

/* log.c: one line per event on standard error. */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_set_level(enum log_level level);
int log_parse_level(const char *name, enum log_level *out) MIC_NODISCARD;
bool log_enabled(enum log_level level);
/* request_id may be NULL; fmt continues the line with key=value pairs. */
void log_event(enum log_level level, const char *request_id, const char *fmt, ...) MIC_PRINTF(3, 4);

/* config.c: read once from the environment before threads start, read-only afterwards. */
struct config {
	const char *db_socket;
	const char *db_name;
	const char *db_user;
	const char *db_password;
	const char *listen;
	int socket_mode;
	const char *public_url;       /* no trailing slash */
	const char *web_root;
	const char *sql_dir;
	const char *timezone;
	int threads;
	size_t max_body;
	int session_ttl;              /* seconds */
	int scrypt_log_n;
	bool cookie_secure;
	enum log_level log_level;
};
extern struct config cfg;
int config_load(char *err, size_t errlen) MIC_NODISCARD;

/* timefmt.c: database DATETIME values are UTC. */
int time_parse_db(const char *s, time_t *out) MIC_NODISCARD;   /* "YYYY-MM-DD HH:MM:SS[.ffffff]" */
void time_format_iso(time_t t, char out[32]);                    /* "2026-12-04T20:30:00Z" */
void time_format_db(time_t t, char out[32]);                     /* "2026-12-04 20:30:00" */
void time_format_local_date(time_t t, char out[16]);             /* calendar day in cfg.timezone */
int time_parse_iso(const char *s, time_t *out) MIC_NODISCARD;   /* date or date-time with Z/offset */

/* ids.c */
#define CERT_ID_LEN 20
void id_certificate(char out[CERT_ID_LEN + 1]);  /* 100 random bits, Crockford base32 lower case */
bool id_certificate_valid(const char *s);
void token_random(char *out, size_t outlen, size_t nbytes);  /* base64url of nbytes random bytes */
void sha256_hex(const void *data, size_t len, char out[65]);

/* password.c: scrypt from OpenSSL, stored as "$scrypt$ln=15,r=8,p=1$salt$hash" (base64). */
int password_hash(const char *password, int log_n, char *out, size_t outlen) MIC_NODISCARD;
bool password_verify(const char *password, const char *stored);

/* db.c */
enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_DOUBLE };
struct db_param {
	enum db_type type;
	long long i;
	double d;
	const char *s;
	size_t len;
};
#define P_NULL ((struct db_param){ .type = DB_NULL })
#define P_INT(v) ((struct db_param){ .type = DB_INT, .i = (v) })
#define P_DOUBLE(v) ((struct db_param){ .type = DB_DOUBLE, .d = (v) })
#define P_TEXTN(v, n) ((struct db_param){ .type = DB_TEXT, .s = (v), .len = (n) })
/* A NULL string binds SQL NULL. */
struct db_param P_TEXT(const char *s);

/* A result read completely into memory; every cell is a string or NULL for SQL NULL. */
struct db_result {
	size_t rows;
	size_t cols;
	char **cells;             /* rows * cols, pointing into text */
	unsigned long *lengths;
	char *text;               /* every cell's bytes and NUL, owned by the result */
};
struct worker;
int db_query(struct worker *w, const char *sql, const struct db_param *params, size_t nparams,
    struct db_result *out) MIC_NODISCARD;
int db_exec(struct worker *w, const char *sql, const struct db_param *params, size_t nparams,
    unsigned long long *affected, unsigned long long *insert_id) MIC_NODISCARD;
int db_begin(struct worker *w) MIC_NODISCARD;
int db_commit(struct worker *w) MIC_NODISCARD;
void db_rollback(struct worker *w);
void db_result_free(struct db_result *r);
const char *db_cell(const struct db_result *r, size_t row, size_t col);
long long db_cell_int(const struct db_result *r, size_t row, size_t col);  /* 0 for NULL */
/* The MySQL error number of the last failed call, e.g. 1062 for a duplicate key. */
unsigned int db_errno(struct worker *w);
MYSQL *db_connect(char *err, size_t errlen);
int db_worker_connect(struct worker *w) MIC_NODISCARD;
void db_worker_close(struct worker *w);   /* keeps the emptied statement cache for reuse */
void db_worker_free(struct worker *w);    /* closes and frees the cache too */
bool db_in_transaction(struct worker *w);

/* migrate.c */
int migrate_run(MYSQL *conn, const char *sql_dir) MIC_NODISCARD;

/* http.c: one request, from FCGX_Accept_r to the reply. */
enum role {
	ROLE_ANONYMOUS = 0,
	ROLE_COORDINATOR,
	ROLE_ORG_ADMIN,
	ROLE_EDITOR,
	ROLE_ISSUER,
	ROLE_REVIEWER,
	ROLE_LEARNER,
};
#define ROLE_BIT(r) (1u << (r))
#define ROLES_ANYONE 0xffffu
#define ROLES_SIGNED_IN (ROLES_ANYONE & ~ROLE_BIT(ROLE_ANONYMOUS))

struct user {
	long long id;
	char *email;
	char *name;
	enum role role;
	long long organisation_id;    /* 0 when the user belongs to none */
	char *organisation_name;
};

#define REQ_MAX_PARAMS 4
struct worker {
	int index;
	FCGX_Request fcgi;
	MYSQL *db;
	void *stmt_cache;             /* owned by db.c */
	unsigned int last_errno;
	struct buf body;              /* reused request body buffer */
	struct buf out;               /* reused response body buffer */
	struct buf headers;           /* extra response headers */
};

struct req {
	struct worker *w;
	const char *method;
	const char *path;             /* without the query string */
	const char *query;            /* raw query string, may be empty */
	const char *request_id;
	const char *remote_addr;
	const char *params[REQ_MAX_PARAMS];   /* path segments captured by ":name" */
	char param_store[REQ_MAX_PARAMS][128];
	const char *body;             /* NUL-terminated, w->body */
	size_t body_len;
	struct user *user;            /* NULL when anonymous */
	char *session_hash;           /* sha256 hex of the session token, NULL when anonymous */
	char *csrf_token;
	int status;
	bool replied;
	struct timespec started;
};

const char *req_header(struct req *r, const char *cgi_name);   /* e.g. "HTTP_X_CSRF_TOKEN" */
/* Decoded query parameter, or NULL. The result is owned by the caller. */
char *req_query(struct req *r, const char *name);
/* Percent-decodes s[0..len); NULL when malformed, not UTF-8 or holding NUL. Owned by the caller. */
char *url_decode(const char *s, size_t len, bool plus_is_space);
int query_check_or_reply(struct req *r) MIC_NODISCARD;
/* Parses the body as one JSON object (duplicate keys and deep nesting rejected). New reference. */
json_t *req_json_or_reply(struct req *r);
void reply_header(struct req *r, const char *name, const char *value);
void reply_json(struct req *r, int status, json_t *body);           /* steals body */
void reply_raw(struct req *r, int status, const char *content_type, const void *data, size_t len);
void reply_error(struct req *r, int status, const char *code, const char *field, const char *fmt, ...)
    MIC_PRINTF(5, 6);
void reply_no_content(struct req *r);
void reply_db_error(struct req *r);   /* 503 when the database is unreachable, else 500 */
void http_serve_one(struct worker *w);

/*
 * Parsers of untrusted request text, kept free of I/O so the fuzz targets in tests/fuzz/ call
 * them directly.
 */
/* Checks that every key and value of a raw query string percent-decodes to UTF-8 without control
 * characters. Returns -1 when one does not, with the decoded key (cut to fit, "" when the key
 * itself is bad) in bad_key. */
int query_string_check(const char *query, char *bad_key, size_t bad_key_len) MIC_NODISCARD;
/* Checks that JSON text nests at most 32 arrays and objects deep, before jansson recurses into it. */
bool json_depth_ok(const char *s, size_t len);
/* Copies the value of cookie name from a Cookie header into out; false when absent, empty or
 * longer than outlen - 1 bytes. (session.c) */
bool cookie_value(const char *header, const char *name, char *out, size_t outlen);

/* validate.c: JSON input fields. Each _or_reply sends a 400 naming the field when it fails. */
int json_string_or_reply(struct req *r, json_t *obj, const char *field, bool required, size_t max_chars,
    const char **out) MIC_NODISCARD;
int json_int_or_reply(struct req *r, json_t *obj, const char *field, bool required, long long min,
    long long max, long long *out, bool *present) MIC_NODISCARD;
bool email_valid(const char *email);
char *text_trim(const char *s);   /* copy without surrounding white space, owned by the caller */

/* router.c and routes.c */
typedef void (*handler_fn)(struct req *r);
struct route {
	const char *method;
	const char *pattern;          /* "/api/v1/certificates/:id/revoke" */
	handler_fn handler;
	unsigned int roles;           /* ROLE_BIT mask of who may call it */
	bool csrf;                    /* needs X-CSRF-Token */
	bool json_body;               /* needs Content-Type: application/json */
};
extern const struct route routes[];
extern const size_t routes_count;
void router_dispatch(struct req *r);

/* session.c */
const char *role_name(enum role role);
int role_parse(const char *name, enum role *out) MIC_NODISCARD;
int session_load(struct req *r) MIC_NODISCARD;   /* from the cookie; leaves r->user NULL if none */
void user_free(struct user *u);
json_t *user_to_json(const struct user *u);
void handle_session_create(struct req *r);
void handle_session_delete(struct req *r);
void handle_me(struct req *r);
long long user_create(struct worker *w, const char *email, const char *name, enum role role,
    long long organisation_id, const char *password, char *err, size_t errlen);

/* audit.c */
int audit_record(struct req *r, const char *action, const char *object_type, const char *object_id,
    long long organisation_id, json_t *details) MIC_NODISCARD;   /* steals details (may be NULL) */

/* html.c */
void buf_html_escape(struct buf *b, const char *s);   /* safe in text and quoted attributes */

/* qr.c: QR code of text, error correction M, quiet zone of 4 modules. */
int qr_svg(const char *text, struct buf *out) MIC_NODISCARD;
int qr_png(const char *text, int module_px, struct buf *out) MIC_NODISCARD;

/* microcredentials.c */
void handle_microcredentials_list(struct req *r);
void handle_microcredential_get(struct req *r);
/*
 * The public JSON of one micro-credential, or NULL when the id is unknown, or not published while
 * published_only is set. Sets *db_failed when a query failed. *org_id (may be NULL) receives the
 * promoting organisation's id. New reference.
 */
json_t *microcredential_load(struct worker *w, long long id, bool published_only, long long *org_id,
    bool *db_failed);
/*
 * Sets obj[at_key] to the ISO 8601 form of a DATETIME value (UTC) and obj[on_key] to its calendar
 * day in cfg.timezone. Both are null when db_time is NULL.
 */
void json_set_time(json_t *obj, const char *at_key, const char *on_key, const char *db_time);
/* Reads query parameter name as an integer in [min, max], or fallback when absent. Replies 400. */
int query_long_or_reply(struct req *r, const char *name, long long min, long long max,
    long long fallback, long long *out) MIC_NODISCARD;

/* certificates.c */
void handle_certificates_list(struct req *r);
void handle_certificate_create(struct req *r);
void handle_certificate_get(struct req *r);
void handle_certificate_qr_svg(struct req *r);
void handle_certificate_qr_png(struct req *r);
void handle_certificate_revoke(struct req *r);
/* Room for cfg.public_url (config.c keeps it under 512 bytes), "/v/", the id and the NUL. */
#define CERT_VERIFY_URL_MAX (512 + 3 + CERT_ID_LEN + 1)
/* Writes cfg.public_url + "/v/" + id; outlen must be at least CERT_VERIFY_URL_MAX. */
void certificate_verify_url(const char *id, char *out, size_t outlen);
/*
 * The JSON of one certificate with its status computed now, or NULL when the id is unknown (sets
 * *db_failed when the lookup itself failed). with_private adds the holder's e-mail and the issuing
 * user. *org_id receives the promoting organisation's id. New reference.
 */
json_t *certificate_load(struct worker *w, const char *id, bool with_private, long long *org_id,
    bool *db_failed);

/* verify.c */
void handle_verify(struct req *r);
void handle_verify_page(struct req *r);

/* health.c */
void handle_health(struct req *r);

/* openapi.c */
void handle_openapi(struct req *r);

#endif
