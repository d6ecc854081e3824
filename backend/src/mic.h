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
/*
 * JSON text decoded in place, for columns that MariaDB wrote. A decoded string never takes more
 * bytes than its escaped form, so it is written over the text as the text is read.
 */
char *json_text_space(char *s);                     /* skips white space */
/*
 * Decodes the JSON string whose opening quote is at s to *to, which is s or an address before it,
 * ends it with a NUL and advances *to past that. Returns the byte after the closing quote, or NULL
 * for a malformed string (a raw control character, a bad escape, \u0000, or no closing quote).
 */
char *json_text_string_decode(char *s, char **to);
/*
 * Returns the byte after the JSON value at s, which is not a string, or NULL when none ends there.
 * Numbers and literals are not checked: it finds where a value ends, with its strings and brackets.
 */
char *json_text_value_skip(char *s);

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
/* Appends s as a JSON string literal, quotes included; s must be valid UTF-8. */
void buf_json_string(struct buf *b, const char *s);
void buf_put_int(struct buf *b, long long n);       /* in decimal */
void buf_printf(struct buf *b, const char *fmt, ...) MIC_PRINTF(2, 3);

/* log.c: one line per event on standard error. */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_set_level(enum log_level level);
int log_parse_level(const char *name, enum log_level *out) MIC_NODISCARD;
bool log_enabled(enum log_level level);
/* request_id may be NULL; fmt continues the line with key=value pairs. */
void log_event(enum log_level level, const char *request_id, const char *fmt, ...) MIC_PRINTF(3, 4);
/* Sends the event lines to the file at path (appended) instead of standard error. */
int log_open_file(const char *path, char *err, size_t errlen) MIC_NODISCARD;
/*
 * Returns the errno of the failure of the log file that is going on (0 while writes succeed) and
 * sets *path to the file and *dropped_lines to the lines lost since the failure started.
 */
int log_file_state(const char **path, unsigned long long *dropped_lines);

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
	const char *keys_dir;         /* private signing keys, one PEM file per key id */
	const char *timezone;
	const char *cache_dir;        /* caches that are safe to delete, e.g. generated PDFs */
	int threads;
	size_t max_body;
	int session_ttl;              /* seconds */
	int scrypt_log_n;
	bool cookie_secure;
	enum log_level log_level;
	const char *log_file;         /* NULL: `serve` logs to standard error */
};
extern struct config cfg;
int config_load(char *err, size_t errlen) MIC_NODISCARD;

/* timefmt.c: database DATETIME values are UTC. */
int time_parse_db(const char *s, time_t *out) MIC_NODISCARD;   /* "YYYY-MM-DD HH:MM:SS[.ffffff]" */
void time_format_iso(time_t t, char out[32]);                    /* "2026-12-04T20:30:00Z" */
void time_format_db(time_t t, char out[32]);                     /* "2026-12-04 20:30:00" */
void time_format_local_date(time_t t, char out[16]);
/*
 * Writes calendar day "YYYY-MM-DD" as "4 December 2026", or copies it when it is malformed. The
 * day is already in the alliance's time zone, so it is only reworded, never converted.
 */
void time_format_long_date(const char *day, char *out, size_t outlen);
/* The start of calendar day "YYYY-MM-DD" in the alliance's time zone; -1 when day is malformed. */
int time_local_day_start(const char *day, time_t *out) MIC_NODISCARD;             /* calendar day in cfg.timezone */
void time_format_local_month(time_t t, char out[8]);             /* "2026-02", month in cfg.timezone */
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
/* Connects like db_connect(), waiting up to io_timeout seconds for each read or write. */
MYSQL *db_connect_waiting(char *err, size_t errlen, unsigned int io_timeout);
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
	/* The organisation is suspended or has left: the router rejects every change by this user. */
	bool organisation_inactive;
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
	bool unix_socket;             /* the listening socket is a unix socket (set before the threads start) */
	void *catalogue_scratch;      /* owned by catalogue.c */
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
	bool body_read;               /* the request body was read to its end */
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
void handle_session_get(struct req *r);
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
struct _cairo;
/* Draws the code and its quiet zone in a white square of side size at (x, y), as vectors. */
int qr_draw(struct _cairo *cr, const char *text, double x, double y, double size) MIC_NODISCARD;

/* microcredentials.c */
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
/* The end of the alliance's calendar day validity_months from today: a certificate's valid_until. */
time_t certificate_expiry_after_months(long long validity_months);
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

/* pdf.c: A4 landscape certificates drawn with cairo and pango, cached under cfg.cache_dir. */
void handle_certificate_pdf(struct req *r);
/* Writes the PDF of a certificate's JSON (as certificate_load returns it) into out. */
int pdf_render_certificate(json_t *certificate, struct buf *out) MIC_NODISCARD;
/* Deletes every cached PDF of the certificate; used when its personal data is erased. */
void pdf_cache_forget(const char *certificate_id);

/* countries.c: names of ISO 3166-1 alpha-2 codes, read from the countries table once per process. */
/* One query on the first call; false while the names could not be read (retried after a minute). */
bool country_names_load(struct worker *w);
const char *country_name(const char *code);  /* the English short name, or code until loaded */

/* csv.c: CSV as spreadsheet programs write it; see the file's header for the dialect. */
struct csv_reader {
	const char *data;             /* after the byte order mark, if any */
	size_t len;
	size_t pos;
	size_t line;                  /* 1-based physical line of pos */
	char separator;               /* ',' or ';' */
};
struct csv_record {
	char **fields;                /* count strings, owned by the record */
	size_t count;
	size_t line;                  /* the physical line the record starts on */
};
/* Checks the encoding and picks the separator; data must outlive the reader. */
int csv_open(struct csv_reader *reader, const char *data, size_t len, char *err, size_t errlen)
    MIC_NODISCARD;
/* Reads the next record: 1 when one was read, 0 at the end, -1 with err set on malformed input. */
int csv_next(struct csv_reader *reader, struct csv_record *rec, char *err, size_t errlen)
    MIC_NODISCARD;
void csv_record_free(struct csv_record *rec);

/* assessment.c: the rules and question bank of a micro-credential's online assessment. */
struct assessment_rules {
	int questions_per_outcome;
	int time_limit_minutes;
	int pass_mark_percent;
	int outcome_min_percent;
	int max_attempts;
	long long wait_minutes;
	char supervision[32];         /* unsupervised_no_id_check, supervised_no_id_check, ... */
	bool exists;                  /* false: the defaults, no assessment defined yet */
};
void assessment_rules_defaults(struct assessment_rules *rules);
/* Loads the rules of micro-credential version version_id, or the defaults when it has none. */
int assessment_rules_load(struct worker *w, long long version_id, struct assessment_rules *rules)
    MIC_NODISCARD;
json_t *assessment_rules_json(const struct assessment_rules *rules);
size_t assessment_outcome_count(json_t *mc);
void handle_assessment_get(struct req *r);
void handle_assessment_put(struct req *r);
void handle_assessment_questions_list(struct req *r);
void handle_assessment_question_create(struct req *r);
void handle_assessment_question_replace(struct req *r);
void handle_assessment_question_delete(struct req *r);

/* attempts.c: learners taking an assessment; a pass issues the certificate at once. */
/* The learner's next allowed start: {attempts_left, possible, passed, at, on}, or NULL when a query failed. */
json_t *attempt_next_json(struct worker *w, long long learner, long long mc_id, const struct assessment_rules *rules);
void handle_attempt_start(struct req *r);
void handle_attempt_get(struct req *r);
void handle_attempt_answer(struct req *r);
void handle_attempt_submit(struct req *r);
/* rdf.c: the RDF form of a JSON-LD document that uses only the contexts MIC ships. */
#define RDF_CONTEXT_CREDENTIALS_V2 "https://www.w3.org/ns/credentials/v2"
#define RDF_CONTEXT_OPEN_BADGES "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
/* Keeps the conversion and the canonicalization of uploaded documents cheap. */
#define RDF_MAX_QUADS 5000
enum rdf_kind { RDF_IRI, RDF_BLANK, RDF_LITERAL };
struct rdf_term {
	enum rdf_kind kind;
	char *value;                  /* IRI, blank node label without "_:", or literal text */
	char *datatype;               /* literals only; NULL for xsd:string */
};
struct rdf_quad {                 /* MIC's documents only use the default graph */
	struct rdf_term subject;
	char *predicate;
	struct rdf_term object;
};
struct rdf_dataset {
	struct rdf_quad *quads;       /* owned, with every string in them */
	size_t count;
	size_t cap;
	size_t blank_count;
	bool overflow;
};
int rdf_contexts_load(void) MIC_NODISCARD;   /* once, before threads start */
/* Converts document (without proof) to RDF; err names the part that MIC cannot convert. */
int rdf_from_jsonld(json_t *document, struct rdf_dataset *out, char *err, size_t errlen) MIC_NODISCARD;
void rdf_dataset_free(struct rdf_dataset *ds);

/* rdfc.c: RDFC-1.0 canonical N-Quads, appended to out. */
int rdfc_canonicalize(const struct rdf_dataset *ds, struct buf *out, char *err, size_t errlen)
    MIC_NODISCARD;
int rdfc_canonicalize_jsonld(json_t *document, struct buf *out, char *err, size_t errlen)
    MIC_NODISCARD;

/* keys.c: Ed25519 signing keys; private keys only in files under cfg.keys_dir. */
#define ISSUER_DID_MAX 600
#define SIGNING_KEY_ID_MAX 64
#define ISSUER_VM_MAX (ISSUER_DID_MAX + SIGNING_KEY_ID_MAX + 2)
struct signing_key_info {
	unsigned char public_key[32];
	time_t valid_from;
	time_t valid_until;           /* 0 while the key is current */
};
/* The issuer's did:web, from cfg.public_url: "did:web:127.0.0.1%3A8080". */
void issuer_did(char out[ISSUER_DID_MAX]);
/* The verification method id of a key: the did, "#" and the key id. */
void issuer_verification_method(const char *key_id, char out[ISSUER_VM_MAX]);
void base58btc_encode(const unsigned char *data, size_t len, struct buf *out);
int base58btc_decode(const char *text, unsigned char *out, size_t outlen, size_t *len) MIC_NODISCARD;
void base64url_encode(const unsigned char *data, size_t len, struct buf *out);
/* Decodes a Multikey publicKeyMultibase ("z" + base58btc of 0xed01 + key) to the raw key. */
int public_key_from_multibase(const char *multibase, unsigned char raw[32]) MIC_NODISCARD;
/* The reason the private key of the current signing key cannot be used. */
enum signing_key_problem {
	SIGNING_KEY_OK,
	SIGNING_KEY_MISSING,          /* no key file, or no current key in signing_keys */
	SIGNING_KEY_UNREADABLE,       /* the file or its folder cannot be read, or mode forbids it */
	SIGNING_KEY_INSECURE,         /* others may read the file or write to its folder */
	SIGNING_KEY_INVALID,          /* not an Ed25519 PEM key, or not the key its id names */
};
/*
 * The private key of key_id from its file, or NULL with *problem set and a sentence naming the
 * file and the fix in err. Owned by the caller.
 */
struct evp_pkey_st *signing_key_read(const char *key_id, enum signing_key_problem *problem,
    char *err, size_t errlen);
/* The API error code of a problem, e.g. "signing_key_insecure". */
const char *signing_key_problem_code(enum signing_key_problem problem);
/* Sets *found and key_id to the current signing key, if there is one. -1 when the query failed. */
int signing_key_current(struct worker *w, char key_id[SIGNING_KEY_ID_MAX], bool *found) MIC_NODISCARD;
int signing_key_lookup(struct worker *w, const char *key_id, struct signing_key_info *out,
    bool *found) MIC_NODISCARD;
/* mic-server keygen (rotate false: only when no current key exists) and rotate-key. */
int signing_key_command(bool rotate);
void handle_did_document(struct req *r);
void handle_jwks(struct req *r);

/* credential.c: Open Badges 3.0 credentials with an eddsa-rdfc-2022 Data Integrity proof. */
enum check_result { CHECK_VALID, CHECK_INVALID, CHECK_UNCHECKED };
/* The detail of a valid signature, from a verification or from the signer at issue. */
#define SIGNATURE_VALID_DETAIL "the signature is valid and was made by a key of the alliance valid at issue time"
struct credential_input {
	const char *certificate_id;
	const json_t *snapshot;       /* the micro-credential's JSON at issue */
	const char *holder_name;
	const char *holder_email;     /* only its salted hash enters the credential */
	time_t issued_at;
	long issued_usec;             /* microseconds, stored on the row so the issue order is kept */
	bool has_valid_until;
	time_t valid_until;
	int status_list;
	int status_index;
	const char *awarded_on;       /* "YYYY-MM-DD" in the alliance's time zone, or NULL */
	const char *evidence_url;     /* may be NULL */
};
/* The unsigned OpenBadgeCredential. New reference. */
json_t *credential_build(const struct credential_input *in);
/* Adds an eddsa-rdfc-2022 proof to document, which must not have one yet. */
int dataintegrity_sign(json_t *document, struct evp_pkey_st *key, const char *verification_method,
    time_t created, char *err, size_t errlen) MIC_NODISCARD;
/*
 * Verifies the proof of credential against the alliance's keys, including that the key was valid
 * when the proof was created. detail receives a plain-language sentence; key_id the key named.
 */
enum check_result dataintegrity_verify(struct worker *w, json_t *credential, char *detail,
    size_t detail_len, char key_id[SIGNING_KEY_ID_MAX]);
/*
 * Reserves a status list entry unless in->status_list is set already, builds and signs the
 * credential of in->certificate_id with key and stores it on the certificate row, with issued_at set to in->issued_at so that both agree.
 * The row also records the signature check of the stored text as valid, because it was signed just now.
 * Call inside the issuing transaction.
 */
int credential_issue(struct worker *w, struct credential_input *in, struct evp_pkey_st *key,
    const char *key_id, char *err, size_t errlen) MIC_NODISCARD;
/*
 * Builds and signs the credential of in, whose status list entry is set, and returns it as compact
 * JSON text owned by the caller, or NULL with err set.
 */
char *credential_sign_text(const struct credential_input *in, struct evp_pkey_st *key,
    const char *key_id, char *err, size_t errlen);
/* Writes in->issued_at with its microseconds as a DATETIME(6) value for the certificate row. */
void credential_issued_at_text(const struct credential_input *in, char out[48]);
/* The current private key, or NULL after a 503 reply (and a log line) when it cannot be read. */
struct evp_pkey_st *current_signing_key_or_reply(struct req *r, char key_id[SIGNING_KEY_ID_MAX]);

/* statuslist.c: Bitstring Status Lists of revocations. */
/* The specification's minimum size, 16 KiB of bits, so a list hides which entry is looked at. */
#define STATUS_LIST_SIZE 131072
/* A new list opens once half the entries of the newest one are assigned. Below that, each random
 * draw is free with probability above one half, so 16 draws all clash with probability below 2e-5. */
#define STATUS_LIST_FILL_LIMIT (STATUS_LIST_SIZE / 2)
#define STATUS_LIST_MAX_TRIES 16
/*
 * Reserves a random free entry of the newest list below STATUS_LIST_FILL_LIMIT for the
 * certificate row certificate_id and stores it there; call inside the issuing transaction.
 */
int status_list_assign(struct worker *w, const char *certificate_id, int *list, int *index) MIC_NODISCARD;
/* A uniformly random index in [0, STATUS_LIST_SIZE), or -1 when the random generator fails. */
int status_list_random_index(void);
bool status_list_over_threshold(long long assigned);
/*
 * Draws up to max_tries random indexes and calls take(ctx, index) on each until it returns 1
 * (claimed: *index is set, returns 0). take returns 0 for a taken entry and -1 on an error.
 * Returns 1 when every draw was taken and -1 on an error.
 */
int status_list_choose(int (*take)(void *ctx, int index), void *ctx, int max_tries, int *index);
/* Sets the revocation bit of an entry; call inside the revoking transaction. */
int status_list_revoke(struct worker *w, int list, int index) MIC_NODISCARD;
bool status_list_bit(const unsigned char *bits, size_t len, int index);
void handle_status_list(struct req *r);

/* verifychecks.c: the checks of a verification, in the order a verifier reads them. */
/* The signature check of one certificate, as verify_checks_build() reports it. */
struct signature_outcome {
	enum check_result result;
	bool has_credential;
	bool db_failed;
	char detail[512];
};
/* The checks array of a verification: record, signature, revocation, expiry, as JSON text. */
/* Cuts text before a UTF-8 sequence that truncation left incomplete at its end. */
void utf8_trim_incomplete(char *text);
void verify_checks_write(struct buf *out, const struct signature_outcome *sig, const char *revoked_on,
    const char *reason, const char *valid_until_on, bool expired);
/* The same checks as a JSON array. New reference. */
json_t *verify_checks_build(const struct signature_outcome *sig, const char *revoked_on,
    const char *reason, const char *valid_until_on, bool expired);
/* The same checks as the items of the page's <ol class="verify__checks">, list tags included. */
void verify_checks_render(struct buf *out, const struct signature_outcome *sig, const char *revoked_on,
    const char *reason, const char *valid_until_on, bool expired);
/*
 * Adds "checks" to the verification JSON v of certificate id; sets status "invalid" on a bad
 * signature. Sets *sig to the signature check, so that the page can render the same checks.
 */
void verify_checks_add(struct worker *w, const char *id, json_t *v, struct signature_outcome *sig);
void handle_verify_credential_download(struct req *r);
void handle_verify_credential_upload(struct req *r);

/* health.c */
void handle_health(struct req *r);

/* openapi.c */
void handle_openapi(struct req *r);

/* mail.c: the e-mail outbox (see the file's header for delivery and retries). */
struct outbox_message {
	const char *recipient;
	const char *subject;
	const char *body;             /* plain text, UTF-8 */
	const char *kind;             /* e.g. "invitation", "password_reset" */
	long long user_id;            /* related ids; 0 when none */
	long long organisation_id;
	long long application_id;
};
/* Inserts the message; call it inside the transaction of the change that causes it. */
int outbox_add(struct worker *w, const struct outbox_message *m) MIC_NODISCARD;
long long mail_backoff_seconds(int attempts);   /* delay before the next try after `attempts` */
/* Writes an RFC 5322 message with the headers sendmail -t reads (From, To, Subject, ...). */
void mail_format(struct buf *out, const char *from, const char *to, const char *subject,
    const char *body, long long outbox_id, time_t date);
/* Pipes message to `/bin/sh -c command`; fails unless it exits with status 0. */
int mail_send_with_program(const char *command, const char *message, size_t len, char *err,
    size_t errlen) MIC_NODISCARD;
int mail_delivery_start(void) MIC_NODISCARD;    /* starts the delivery thread if MIC_SENDMAIL is set */
void mail_delivery_stop(void);
void handle_outbox_list(struct req *r);

/* logo.c */
#define LOGO_MAX_BYTES (512 * 1024)
/*
 * Returns the media type of an acceptable logo ("image/png", "image/jpeg", "image/svg+xml"), or
 * NULL with *problem set to a sentence that says why the content was rejected.
 */
const char *logo_check(const void *data, size_t len, const char **problem);

/* organisations.c */
struct organisation_input {           /* trimmed copies, owned; NULL when absent */
	char *name;
	char *type;
	char *country;
	char *city;
	char *website;
	char *description;
};
bool organisation_type_valid(const char *type);
bool organisation_status_valid(const char *status);
/* A coordinator, or an org_admin of organisation_id. */
bool caller_manages_organisation(const struct req *r, long long organisation_id);
/* Reads a string field without surrounding white space into *out (owned; NULL when absent or empty). */
int text_field_or_reply(struct req *r, json_t *body, const char *field, bool required,
    size_t max_chars, bool multiline, char **out) MIC_NODISCARD;
int email_field_or_reply(struct req *r, json_t *body, const char *field, bool required,
    char **out) MIC_NODISCARD;
int organisation_input_parse_or_reply(struct req *r, json_t *body, struct organisation_input *in)
    MIC_NODISCARD;
void organisation_input_free(struct organisation_input *in);
void handle_organisations_list(struct req *r);
void handle_organisation_get(struct req *r);
void handle_organisation_logo_get(struct req *r);
void handle_organisation_logo_put(struct req *r);
void handle_members_list(struct req *r);
void handle_organisation_status(struct req *r);

/* accounts.c: single-use links and the users of an organisation. */
#define ACCOUNT_TOKEN_CHARS 43
/* Room for cfg.public_url (under 512 bytes), a page path of up to 60 bytes and the token. */
#define ACCOUNT_LINK_MAX (512 + 60 + 8 + ACCOUNT_TOKEN_CHARS + 1)
int account_token_create(struct worker *w, const char *purpose, long long user_id,
    long long application_id, int ttl_seconds, char token[ACCOUNT_TOKEN_CHARS + 1]) MIC_NODISCARD;
/*
 * Marks an unused, unexpired token of purpose_a or purpose_b (may be NULL) as used, inside the
 * caller's transaction, and returns the ids it names. Replies 400 or 409 when it cannot be used.
 */
int account_token_redeem_or_reply(struct req *r, const char *token, const char *purpose_a,
    const char *purpose_b, long long *user_id, long long *application_id, char *purpose_out,
    size_t purpose_len) MIC_NODISCARD;
/* Writes cfg.public_url + "/" + page + "?token=" + token. */
void account_link(const char *page, const char *token, char *out, size_t outlen);
/*
 * Creates a user without a password and queues the invitation e-mail, inside the caller's
 * transaction. Returns the new user's id, 0 when the e-mail address has an account, -1 on failure.
 */
long long account_invite(struct req *r, const char *email, const char *name, enum role role,
    long long organisation_id, const char *organisation_name);
void handle_account_password(struct req *r);
void handle_password_reset_request(struct req *r);
void handle_organisation_users_list(struct req *r);
void handle_organisation_user_invite(struct req *r);
void handle_organisation_user_update(struct req *r);
void handle_organisation_user_remove(struct req *r);

/* applications.c */
void handle_application_create(struct req *r);
void handle_application_confirm(struct req *r);
void handle_applications_list(struct req *r);
void handle_application_approve(struct req *r);
void handle_application_reject(struct req *r);
void handle_application_request_information(struct req *r);

/* dashboard.c */
void handle_dashboard_queues(struct req *r);
void handle_audit_list(struct req *r);
void handle_figure(struct req *r);
/* validation_queues.c: returns a new {awaiting_reviewers, reviews_outstanding,
 * awaiting_decision}, each {items, total}, or NULL when the database fails. */
json_t *validation_queues_json(struct worker *w);
/* microcredentials.c: versions and the reader's language */
enum mc_version_pick {
	MC_VERSION_PUBLISHED,         /* the version the catalogue shows */
	MC_VERSION_LATEST,            /* the highest version number, whatever its status */
	MC_VERSION_NUMBER,            /* the version with the given number */
};
/* What microcredential_version_load() found besides the JSON. */
struct mc_version_info {
	long long microcredential_id;
	long long version_id;
	long long version;
	long long organisation_id;
	long long validity_months;    /* 0 when certificates do not expire */
	char status[24];
};
/*
 * The JSON of one version of micro-credential id, or NULL when there is no such version (sets
 * *db_failed when a query failed). lang (may be NULL) picks the translation of title, summary and
 * learning outcomes. with_times adds the lifecycle times. info may be NULL. New reference.
 */
json_t *microcredential_version_load(struct worker *w, long long id, enum mc_version_pick pick,
    long long number, const char *lang, bool with_times, struct mc_version_info *info,
    bool *db_failed);
enum mc_text_source { MC_TEXT_BASE, MC_TEXT_REQUESTED, MC_TEXT_ENGLISH };
/*
 * Picks the text to show a reader of language requested (NULL: the original): the original when
 * it is in that language, else the translation into it, else the English translation, else the
 * original.
 */
enum mc_text_source mc_text_source_pick(const char *base_language, const char *requested,
    bool has_requested, bool has_english);
/* Parses a path id; returns 0 for anything but a positive decimal integer without leading zeros. */
long long path_id(const char *s);
bool language_code_valid(const char *s);   /* two lower-case ASCII letters */
/* The reader's language: the lang parameter, else the first Accept-Language entry, else "en". */
int request_language_or_reply(struct req *r, char out[3]) MIC_NODISCARD;

/* catalogue.c */
void handle_microcredentials_list(struct req *r);
/* Frees the worker's reusable search arrays; called when its thread ends. */
void catalogue_worker_free(struct worker *w);
/* Reads query parameter name as an integer in [min, max], or fallback when absent. Replies 400. */
int query_long_or_reply(struct req *r, const char *name, long long min, long long max,
    long long fallback, long long *out) MIC_NODISCARD;

/* mc_content.c: the content of a version as editors send it */
/* Checks every field of a draft body; returns the normalised content (new reference) or NULL. */
json_t *mc_content_parse_or_reply(struct req *r, json_t *body);
/* Checks that every ESCO URI of the content is in the reference data. */
int mc_content_check_references_or_reply(struct req *r, json_t *content) MIC_NODISCARD;
/* Writes the content and its translations to version version_id. */
int mc_content_store(struct worker *w, long long version_id, json_t *content) MIC_NODISCARD;
/* Lists the mandatory elements that a version's JSON lacks: [{field, message}]. New reference. */
json_t *mc_content_missing(json_t *version);

/* lifecycle.c: draft -> submitted -> in_review -> approved -> published -> superseded | retired */
void handle_microcredential_create(struct req *r);
void handle_microcredential_draft_save(struct req *r);
void handle_microcredential_submit(struct req *r);
void handle_microcredential_reviewers(struct req *r);
void handle_microcredential_review(struct req *r);
void handle_microcredential_approve(struct req *r);
void handle_microcredential_request_changes(struct req *r);
void handle_microcredential_publish(struct req *r);
void handle_microcredential_retire(struct req *r);
/* One version with lifecycle times, translations, reviewers and reviews, or NULL. New reference. */
json_t *mc_version_detail(struct worker *w, long long id, long long number, bool *db_failed);

/* versions.c */
void handle_microcredential_versions(struct req *r);
void handle_microcredential_version_get(struct req *r);
void handle_microcredential_history(struct req *r);
void handle_validation_queue(struct req *r);

/* catalogue.c: the catalogue as CSV */
void handle_microcredentials_csv(struct req *r);

/* achievement.c */
void handle_microcredential_achievement(struct req *r);
void handle_esco_occupations(struct req *r);
void handle_esco_skills(struct req *r);
void handle_eqf_levels(struct req *r);

/* wallet.c: the learner's wallet, the e-mail to a new certificate's holder, and sharing links. */
/* Returns "withdrawn", "revoked", "expired" or "valid" for DATETIME values (NULL when unset). */
const char *certificate_status(const char *valid_until, const char *revoked_at,
    const char *withdrawn_at);
/* Appends s percent-encoded: every byte but the RFC 3986 unreserved characters becomes %XX. */
void buf_url_encode(struct buf *b, const char *s);
struct holder_notice {
	const char *certificate_id;
	const char *holder_name;
	const char *holder_email;
	const char *title;            /* the micro-credential's title at issue; may be NULL */
};
/*
 * Queues the e-mail that tells a holder about a new certificate, with a link to the wallet, or to
 * registration when no account has the holder's e-mail. Call inside the issuing transaction.
 */
int holder_notify(struct worker *w, const struct holder_notice *notice) MIC_NODISCARD;
/*
 * Appends the "Add to LinkedIn profile" URL of a certificate. issued_on and valid_until_on are
 * calendar days "YYYY-MM-DD" in the alliance's time zone; valid_until_on may be NULL.
 */
void linkedin_add_url(struct buf *out, const char *title, const char *issued_on,
    const char *valid_until_on, const char *verify_url, const char *certificate_id);
/* Sets *owns when certificate id is held by the e-mail address email, compared case-insensitively. */
int wallet_holder_owns(struct worker *w, const char *id, const char *email, bool *owns)
    MIC_NODISCARD;
void handle_wallet_list(struct req *r);

/* erasure.c: erasing a holder's personal data at their request. */
/*
 * Erases the holder's name and e-mail from certificate id (row, credential, audit details,
 * outbox) and marks it withdrawn, inside the caller's transaction. The caller deletes the cached
 * PDFs after the commit.
 */
int certificate_erase(struct req *r, const char *id) MIC_NODISCARD;
void handle_wallet_erasure(struct req *r);
void handle_wallet_certificate_erasure(struct req *r);

/* bulk.c: certificates issued from a CSV file. */
void handle_bulk_issue_create(struct req *r);
void handle_bulk_issue_columns(struct req *r);
void handle_bulk_issue_get(struct req *r);
void handle_bulk_issues_list(struct req *r);
/*
 * Checks a CSV file of holders: returns {rows: [{line, holder_name, holder_email, issued_on,
 * external_reference, evidence_url, errors}], total_rows, valid_rows, invalid_rows}, or NULL with
 * *status, *code, *field and message set when the file cannot be read. New reference.
 */
struct bulk_check_error {
	int status;
	const char *code;
	const char *field;
	char message[320];
};
json_t *bulk_rows_check(const char *data, size_t len, struct bulk_check_error *error);

/* certificates.c: issuing inside the caller's transaction, shared by single and bulk issuing. */
struct certificate_issue {
	long long microcredential_id;
	long long microcredential_version_id;
	long long organisation_id;        /* the promoting organisation */
	json_t *snapshot;                 /* the micro-credential's public JSON at issue */
	const char *snapshot_text;        /* the same, as compact JSON text */
	const char *holder_name;
	const char *holder_email;
	bool has_valid_until;
	time_t valid_until;
	long long bulk_job_id;            /* 0 outside bulk jobs */
	const char *bulk_reference;       /* NULL outside bulk jobs; "" for a row without reference */
	const char *evidence_url;         /* may be NULL */
	const char *awarded_on;           /* "YYYY-MM-DD", or NULL for the day of issue */
	struct evp_pkey_st *key;
	const char *key_id;
	int status_list;                  /* a reserved status list entry, or 0 to reserve one */
	int status_index;
};
/*
 * Inserts the certificate under a fresh random id, signs its credential, and writes the audit
 * record (actor r->user) and the holder's e-mail. Returns 0, 1 when a bulk row with the same
 * micro-credential, e-mail and reference exists already (nothing written, id set to that
 * certificate), or -1 with err set.
 */
int certificate_issue_in_transaction(struct req *r, struct certificate_issue *in,
    char id[CERT_ID_LEN + 1], char *err, size_t errlen) MIC_NODISCARD;

/* statuslist.c: reserving many entries at once, for a bulk job. */
/* Reserves count random free entries of one list, written to indexes, in a transaction of
 * its own; count is at most STATUS_LIST_FILL_LIMIT. */
int status_list_reserve(struct worker *w, int count, int *list, int *indexes) MIC_NODISCARD;

/* Multi-row inserts, for bulk jobs; each does what its one-row counterpart does per row. */
/* Appends count groups of "(?, ..., ?)" with columns placeholders each, separated by commas. (db.c) */
void db_values_list(struct buf *sql, size_t rows, size_t columns);
/* Writes one audit record per object id, all with the same details (stolen, may be NULL). (audit.c) */
int audit_record_many(struct req *r, const char *action, const char *object_type,
    const char *const *object_ids, size_t count, long long organisation_id, json_t *details)
    MIC_NODISCARD;
int outbox_add_many(struct worker *w, const struct outbox_message *messages, size_t count)
    MIC_NODISCARD;   /* (mail.c) */
/* holder_notify() for count holders; emails_lowered are their e-mails as LOWER() gives them. (wallet.c) */
int holder_notify_many(struct worker *w, const struct holder_notice *notices,
    const char *const *emails_lowered, size_t count) MIC_NODISCARD;
/* One row of a bulk batch: the holder, and what happened to it. (certificates.c) */
struct bulk_certificate {
	const char *holder_name;
	const char *holder_email;
	const char *bulk_reference;   /* "" for a row without reference */
	const char *evidence_url;     /* may be NULL */
	const char *awarded_on;       /* "YYYY-MM-DD", or NULL for the day of issue */
	int status_index;             /* reserved entry in common->status_list */
	char id[CERT_ID_LEN + 1];     /* set: the new certificate, or the one issued before */
	bool skipped;                 /* set: issued by an earlier job */
};
/*
 * Issues rows like certificate_issue_in_transaction() with a few multi-row statements; rows that
 * an earlier job issued are skipped. Returns -1 with err set when a statement failed, also for a
 * duplicate key; the caller then rolls back to a savepoint and issues the rows one by one, which
 * finds the row at fault.
 */
int certificates_issue_batch(struct req *r, const struct certificate_issue *common,
    struct bulk_certificate *rows, size_t count, char *err, size_t errlen) MIC_NODISCARD;

/* bulk_worker.c: the threads that run bulk jobs (see the file's header for claims and leases). */
int bulk_worker_start(void) MIC_NODISCARD;
void bulk_worker_stop(void);
/* Wakes this process's worker after a job was queued. */
void bulk_worker_wake(void);
/* registrations.c: learners who create their own account and confirm it by e-mail. */
void handle_registration_create(struct req *r);
void handle_registration_confirm(struct req *r);

/* assessment_stats.c: attempts, pass rate and item statistics of an online assessment. */
void handle_assessment_statistics(struct req *r);

/* assessment_versions.c: the online assessment of each micro-credential version. */
struct assessment_version {
	long long mc_id;
	long long organisation_id;    /* the promoting organisation */
	long long version_id;
	long long version;
	char status[24];
};
/* Loads the latest version of mc_id (locking its row when lock): 1 found, 0 not found, -1 failed. */
int assessment_version_latest(struct worker *w, long long mc_id, bool lock, struct assessment_version *v)
    MIC_NODISCARD;
/* True while editors may change the version's assessment: a draft or changes requested. */
bool assessment_version_editable(const struct assessment_version *v);
/* Replies 409 version_not_editable, saying what to do instead. */
void reply_assessment_not_editable(struct req *r, const struct assessment_version *v);
/* Copies the rules, current questions and their translations of one version to another. */
int assessment_copy(struct worker *w, long long from_version_id, long long to_version_id) MIC_NODISCARD;
/* True when an assessment_type text names an online questionnaire, in any letter case. */
bool assessment_type_is_online_questionnaire(const char *type);
/* The current questions of a version with answers, outcomes and translations. New reference or NULL. */
json_t *assessment_questions_json(struct worker *w, long long version_id);
/*
 * Lists why no paper can be drawn from a version's assessment with outcomes learning outcomes:
 * [{field, message}], empty when it can. New reference, or NULL when a query failed.
 */
json_t *assessment_drawability_problems(struct worker *w, long long version_id, size_t outcomes);
void handle_version_assessment_get(struct req *r);
/* catalogue_cache.c: per-process cache of catalogue search responses, keyed by generation. */
/*
 * Copies the cached body of key at generation into out and returns true, or returns false. While
 * another thread computes the same key, waits for it first. Sets *computing when the caller is
 * now the one computing key; the caller must then call catalogue_cache_computed, on every path.
 */
bool catalogue_cache_get(unsigned long long generation, const char *key, struct buf *out,
    bool *computing);
void catalogue_cache_computed(unsigned long long generation, const char *key);
/* Stores a copy of body under key and generation, replacing the least recently used entry. */
void catalogue_cache_put(unsigned long long generation, const char *key, const char *body,
    size_t body_len);
void catalogue_cache_clear(void);

/* catalogue_index.c: in-process index of the published catalogue, rebuilt per generation. */
/* Facet dimensions of the index, each with its own table of distinct values. */
enum catalogue_dimension { CD_EQF, CD_PARTICIPATION, CD_LANGUAGE, CD_COUNTRY, CD_ORGANISATION,
	CD_ESCO, CD_COUNT };
/* Distinct values of one dimension as the database returns them; NULL stands for SQL NULL. */
struct catalogue_values {
	char **items;                              /* owned */
	size_t len, cap;
	int32_t null_index;                        /* index of NULL in items, or -1 */
	uint32_t *table;                           /* open-addressing hash of items, owned */
	size_t slots;
};
/* Columns of catalogue_index.rows, one row per published version in title order. */
enum catalogue_index_column { CX_VERSION_ID, CX_MC_ID, CX_EQF, CX_HOURS, CX_PARTICIPATION,
	CX_ORG_ID, CX_COUNTRY, CX_DELIVERY_LANGUAGES, CX_ESCO, CX_PUBLISHED_AT, CX_TITLE, CX_SUMMARY,
	CX_ECTS, CX_LANGUAGE, CX_ORG_NAME, CX_VERSION };
/* Columns of catalogue_index.translations. */
enum catalogue_translation_column { CT_VERSION_ID, CT_LANGUAGE, CT_TITLE, CT_SUMMARY };
/* One published version. value[] indexes the values of the single-valued dimensions. */
struct catalogue_entry {
	long long version_id;
	long long microcredential_id;
	uint32_t workload_hours;
	uint32_t title_rank;                       /* position in ORDER BY title, m.id */
	uint32_t value[CD_COUNT];                  /* unused for CD_LANGUAGE and CD_ESCO */
	uint32_t languages_first, languages_count; /* delivery languages in multi[] */
	uint32_t occupations_first, occupations_count; /* ESCO occupations in multi[] */
	uint32_t translations_first, translations_count; /* rows of index->translations */
};
struct catalogue_index {
	unsigned long long generation;             /* the catalogue generation it was built at */
	struct catalogue_entry *entries;           /* sorted by version_id */
	size_t count;
	uint32_t *by_title;                        /* entry positions: ORDER BY title, m.id */
	uint32_t *by_newest;                       /* ORDER BY published_at DESC, m.id DESC */
	uint32_t *by_workload;                     /* ORDER BY workload_hours, title, m.id */
	uint32_t *multi;                           /* value indexes of the multi-valued dimensions */
	size_t multi_len, multi_cap;
	struct catalogue_values values[CD_COUNT];
	struct db_result organisations;            /* (id, name) ORDER BY name */
	struct db_result occupations;              /* (uri, label) ORDER BY label, uri */
	struct db_result rows;                     /* row title_rank: the columns of an entry */
	struct db_result translations;             /* translations of the entries, by version id */
	int refs;                                  /* guarded by the index's lock */
	struct catalogue_text_cache *text_cache;   /* owned, private to catalogue_index.c */
	/*
	 * The JSON text of each result item, made on first use: slot p for entry p with its own
	 * title and summary, slot count + t with those of row t of translations. Owned; NULL until made.
	 */
	char *_Atomic *item_texts;
	size_t item_text_slots;
	/*
	 * Per dimension, the value indexes in the order a facet lists them, and the label of each
	 * value (NULL when it has none): organisations by name and ESCO occupations by label as
	 * MariaDB collates them, EQF levels by number after "no level", participation forms in
	 * the order of their ENUM, other values in byte order. Owned.
	 */
	uint32_t *value_order[CD_COUNT];
	const char **value_labels[CD_COUNT];
};
/*
 * Returns the index of the published catalogue at generation or later, with a reference that
 * the caller gives back with catalogue_index_release, or NULL when a query failed.
 */
struct catalogue_index *catalogue_index_acquire(struct worker *w, unsigned long long generation);
void catalogue_index_release(struct catalogue_index *index);
/* Returns the position of version_id in index->entries, or -1. */
long catalogue_index_find(const struct catalogue_index *index, long long version_id);
/* Returns the index of value (NULL: SQL NULL) in values, or -1 when no entry has it. */
int32_t catalogue_values_find(const struct catalogue_values *values, const char *value);
/*
 * Sets match[position] (and relevance[position] when relevance is not NULL) of every entry that
 * the cached text search key matched, and returns true, or returns false when key is not cached.
 */
bool catalogue_index_text_get(struct catalogue_index *index, const char *key, unsigned char *match,
    double *relevance);
/* Caches the text matches of key: match per entry, relevance per entry or NULL. */
void catalogue_index_text_put(struct catalogue_index *index, const char *key,
    const unsigned char *match, const double *relevance);
/* Returns the item text of slot, or NULL when it is not made yet. */
const char *catalogue_index_item_text(struct catalogue_index *index, size_t slot);
/*
 * Keeps text (malloc'd, taken over) as the item text of slot unless another thread kept one
 * first, and returns the text that slot holds.
 */
const char *catalogue_index_item_text_keep(struct catalogue_index *index, size_t slot, char *text);

#endif
