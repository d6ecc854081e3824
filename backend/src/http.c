/*
 * http.c: one FastCGI request from accept to reply: reading the parameters and the body, query
 * strings, JSON bodies, and writing exactly one response.
 *
 * nginx passes the raw REQUEST_URI; the path is matched undecoded by the router, and only the
 * captured segments and query values are percent-decoded, so an encoded "/" can never change
 * which route is taken.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mic.h"

#define JSON_MAX_DEPTH 32

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

const char *req_header(struct req *r, const char *cgi_name)
{
	return FCGX_GetParam(cgi_name, r->w->fcgi.envp);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes s[0..len) into a new string; plus_is_space for query strings. Returns NULL when
 * an escape is malformed or the result is not valid UTF-8 or holds a NUL byte.
 */
char *url_decode(const char *s, size_t len, bool plus_is_space)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				goto invalid;
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto invalid;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (!utf8_valid(out, o))
		goto invalid;
	return out;
invalid:
	free(out);
	return NULL;
}

/* Finds name in the query string; sets *value and *len to its raw (still encoded) value. */
static bool query_find(const char *query, const char *name, const char **value, size_t *len)
{
	size_t namelen = strlen(name);
	const char *p = query;

	while (p && *p) {
		const char *end = strchr(p, '&');
		const char *eq;
		size_t pairlen = end ? (size_t)(end - p) : strlen(p);

		eq = memchr(p, '=', pairlen);
		if (eq && (size_t)(eq - p) == namelen && memcmp(p, name, namelen) == 0) {
			*value = eq + 1;
			*len = pairlen - namelen - 1;
			return true;
		}
		if (!eq && pairlen == namelen && memcmp(p, name, namelen) == 0) {
			*value = p + pairlen;
			*len = 0;
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

char *req_query(struct req *r, const char *name)
{
	const char *value;
	size_t len;

	if (!query_find(r->query, name, &value, &len))
		return NULL;
	return url_decode(value, len, true);
}

int query_string_check(const char *query, char *bad_key, size_t bad_key_len)
{
	const char *p = query;

	if (bad_key_len > 0)
		bad_key[0] = '\0';
	while (p && *p) {
		const char *end = strchr(p, '&');
		size_t pairlen = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', pairlen);
		size_t keylen = eq ? (size_t)(eq - p) : pairlen;
		char *key = url_decode(p, keylen, true);
		char *value = eq ? url_decode(eq + 1, pairlen - keylen - 1, true) : xstrdup("");

		if (key == NULL || value == NULL || text_has_control(value, false)) {
			if (key != NULL && bad_key_len > 0)
				snprintf(bad_key, bad_key_len, "%s", key);
			free(key);
			free(value);
			return -1;
		}
		free(key);
		free(value);
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* Checks that every key and value of the query string decodes; names the first bad one. */
int query_check_or_reply(struct req *r)
{
	char field[61];

	if (query_string_check(r->query, field, sizeof(field)) == 0)
		return 0;
	reply_error(r, 400, "invalid_field", field[0] ? field : NULL,
	    "the query string is invalid: every parameter must be percent-encoded UTF-8 without control characters");
	return -1;
}

bool json_depth_ok(const char *s, size_t len)
{
	int depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

json_t *req_json_or_reply(struct req *r)
{
	json_error_t error;
	json_t *body;

	if (r->body_len == 0) {
		reply_error(r, 400, "invalid_json", NULL, "the request body is empty: send a JSON object");
		return NULL;
	}
	if (!json_depth_ok(r->body, r->body_len)) {
		reply_error(r, 400, "invalid_json", NULL,
		    "the JSON body is nested more than %d levels deep", JSON_MAX_DEPTH);
		return NULL;
	}
	body = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &error);
	if (body == NULL) {
		reply_error(r, 400, "invalid_json", NULL,
		    "the body is not valid JSON at line %d, column %d: %s", error.line, error.column,
		    error.text);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		reply_error(r, 400, "invalid_json", NULL, "the body must be a JSON object");
		return NULL;
	}
	return body;
}

void reply_header(struct req *r, const char *name, const char *value)
{
	/* A header value must never carry a line break, or it would start a new header. */
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		abort();
	buf_printf(&r->w->headers, "%s: %s\r\n", name, value);
}

void reply_raw(struct req *r, int status, const char *content_type, const void *data, size_t len)
{
	struct buf head;
	FCGX_Stream *out = r->w->fcgi.out;
	bool head_only = strcmp(r->method, "HEAD") == 0;

	if (r->replied) {
		log_event(LOG_ERROR, r->request_id, "event=double_reply status=%d", status);
		return;
	}
	r->replied = true;
	r->status = status;
	buf_init(&head);
	buf_printf(&head, "Status: %d %s\r\n", status, status_text(status));
	if (content_type)
		buf_printf(&head, "Content-Type: %s\r\n", content_type);
	buf_printf(&head, "Content-Length: %zu\r\n", len);
	if (r->w->headers.data == NULL || strstr(r->w->headers.data, "Cache-Control:") == NULL)
		buf_puts(&head, "Cache-Control: no-store\r\n");
	if (r->w->headers.len)
		buf_append(&head, r->w->headers.data, r->w->headers.len);
	buf_puts(&head, "\r\n");
	FCGX_PutStr(head.data, (int)head.len, out);
	if (!head_only && len > 0)
		FCGX_PutStr(data, (int)len, out);
	buf_free(&head);
}

static int append_to_buf(const char *data, size_t size, void *b)
{
	buf_append(b, data, size);
	return 0;
}

void reply_json(struct req *r, int status, json_t *body)
{
	struct buf *out = &r->w->out;
	int rc;

	buf_reset(out);
	rc = json_dump_callback(body, append_to_buf, out, JSON_COMPACT);
	json_decref(body);
	if (rc != 0) {
		reply_error(r, 500, "internal", NULL, "the response could not be encoded");
		return;
	}
	reply_raw(r, status, "application/json; charset=utf-8", out->data, out->len);
}

void reply_error(struct req *r, int status, const char *code, const char *field, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	json_t *error;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	error = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (error == NULL)  /* message cut inside a multi-byte character */
		error = json_pack("{s:s, s:s}", "code", code, "message", "the request failed");
	if (field)
		json_object_set_new(error, "field", json_string(field));
	if (status >= 500)
		log_event(LOG_ERROR, r->request_id, "event=error_reply status=%d code=%s", status, code);
	reply_json(r, status, json_pack("{s:o}", "error", error));
}

void reply_no_content(struct req *r)
{
	reply_raw(r, 204, NULL, NULL, 0);
}

void reply_db_error(struct req *r)
{
	/*
	 * A lock wait timeout (1205) or a deadlock (1213) is transient: typically a transaction of a
	 * backend that was killed holds the lock until MariaDB notices the lost connection. A
	 * connection lost during a query (2006, 2013) is too: the query outlasted the 30 s read
	 * timeout of db_connect() on an overloaded server, or MariaDB went away.
	 */
	if (r->w->db == NULL || r->w->last_errno == 1205 || r->w->last_errno == 1213 ||
	    r->w->last_errno == 2006 || r->w->last_errno == 2013) {
		reply_header(r, "Retry-After", "5");
		reply_error(r, 503, "unavailable", NULL,
		    "the database is unreachable or busy; try again in a few seconds");
		return;
	}
	reply_error(r, 500, "internal", NULL, "the request failed on the server; it has been logged");
}

/* Reads the body into w->body; replies 413 when it exceeds cfg.max_body. */
static int read_body_or_reply(struct req *r)
{
	const char *length = req_header(r, "CONTENT_LENGTH");
	long long declared = 0;
	char chunk[16384];
	int n;

	buf_reset(&r->w->body);
	if (length && *length && parse_long(length, 0, 1LL << 40, &declared) != 0) {
		reply_error(r, 400, "bad_request", NULL, "Content-Length is not a number");
		return -1;
	}
	if ((size_t)declared > cfg.max_body) {
		reply_error(r, 413, "payload_too_large", NULL,
		    "the request body has %lld bytes; the limit is %zu", declared, cfg.max_body);
		return -1;
	}
	while ((n = FCGX_GetStr(chunk, sizeof(chunk), r->w->fcgi.in)) > 0) {
		if (r->w->body.len + (size_t)n > cfg.max_body) {
			reply_error(r, 413, "payload_too_large", NULL,
			    "the request body exceeds the limit of %zu bytes", cfg.max_body);
			return -1;
		}
		buf_append(&r->w->body, chunk, (size_t)n);
	}
	if (r->w->body.data == NULL)
		buf_append(&r->w->body, "", 0);
	r->body_read = n == 0 && FCGX_GetError(r->w->fcgi.in) == 0;
	r->body = r->w->body.data;
	r->body_len = r->w->body.len;
	return 0;
}

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

void http_serve_one(struct worker *w)
{
	struct req r;
	const char *uri, *question;
	char *path = NULL;
	char local_id[24];

	memset(&r, 0, sizeof(r));
	r.w = w;
	clock_gettime(CLOCK_MONOTONIC, &r.started);
	buf_reset(&w->headers);
	r.method = req_header(&r, "REQUEST_METHOD");
	r.request_id = req_header(&r, "MIC_REQUEST_ID");
	if (r.request_id == NULL || *r.request_id == '\0' || strlen(r.request_id) > 64) {
		token_random(local_id, sizeof(local_id), 12);
		r.request_id = local_id;
	}
	r.remote_addr = req_header(&r, "REMOTE_ADDR");
	uri = req_header(&r, "REQUEST_URI");
	if (r.method == NULL || uri == NULL || uri[0] != '/') {
		r.method = r.method ? r.method : "GET";
		r.path = "/";
		r.query = "";
		reply_error(&r, 400, "bad_request", NULL, "the request has no method or URI");
		goto out;
	}
	question = strchr(uri, '?');
	path = question ? xstrndup(uri, (size_t)(question - uri)) : xstrdup(uri);
	r.path = path;
	r.query = question ? question + 1 : "";

	if (read_body_or_reply(&r) != 0)
		goto out;
	if (query_check_or_reply(&r) != 0)
		goto out;
	router_dispatch(&r);
out:
	if (!r.replied)
		reply_error(&r, 500, "internal", NULL, "the request was not answered; it has been logged");
	if (db_in_transaction(w)) {
		log_event(LOG_WARN, r.request_id, "event=transaction_left_open path=%.100s", r.path);
		db_rollback(w);
	}
	log_event(r.status >= 500 ? LOG_ERROR : LOG_INFO, r.request_id,
	    "event=request method=%s path=%.200s status=%d ms=%.1f user=%lld", r.method, r.path,
	    r.status, elapsed_ms(&r.started), r.user ? r.user->id : 0LL);
	if (r.user)
		user_free(r.user);
	free(r.session_hash);
	free(r.csrf_token);
	free(path);
	if (w->body.cap > 4 * cfg.max_body)
		buf_free(&w->body);
	/*
	 * libfcgi closes gracefully: it shuts down its side and waits for nginx to close first, one more
	 * wake-up per request, so that a TCP reset cannot discard the reply. On a unix socket with the
	 * request read to its end nothing is left unread, so FCGX_Detach() makes it close at once.
	 */
	if (w->unix_socket && r.body_read)
		FCGX_Detach(&w->fcgi);
	FCGX_Finish_r(&w->fcgi);
}
