/*
 * router.c: finds the route for a request and enforces what the route table says about it
 * (method, roles, CSRF token, content type) before the handler runs.
 *
 * Patterns are split on "/"; a segment ":name" captures one non-empty segment of the path, which
 * is percent-decoded into r->params. Literal segments compare byte for byte with the raw path.
 * Handlers must treat an empty parameter as an unknown id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mic.h"

/* Matches path against pattern; fills r->params. Both start with "/". */
static bool route_match(struct req *r, const char *pattern, const char *path)
{
	size_t nparams = 0;

	while (*pattern && *path) {
		const char *pend, *send;
		size_t plen, slen;

		if (*pattern != '/' || *path != '/')
			return false;
		pattern++;
		path++;
		pend = strchr(pattern, '/');
		send = strchr(path, '/');
		plen = pend ? (size_t)(pend - pattern) : strlen(pattern);
		slen = send ? (size_t)(send - path) : strlen(path);
		if (plen > 0 && pattern[0] == ':') {
			char *decoded;

			if (slen == 0 || nparams == REQ_MAX_PARAMS)
				return false;
			/*
			 * A segment that does not decode to UTF-8 or is too long is captured as ""
			 * so the route's own handler answers, e.g. verification's 404 page.
			 */
			decoded = url_decode(path, slen, false);
			if (decoded != NULL && strlen(decoded) < sizeof(r->param_store[0]))
				memcpy(r->param_store[nparams], decoded, strlen(decoded) + 1);
			else
				r->param_store[nparams][0] = '\0';
			free(decoded);
			r->params[nparams] = r->param_store[nparams];
			nparams++;
		} else if (plen != slen || memcmp(pattern, path, plen) != 0) {
			return false;
		}
		pattern += plen;
		path += slen;
	}
	return *pattern == '\0' && *path == '\0';
}

static bool method_matches(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	    (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

static bool content_type_is_json(const char *type)
{
	size_t n = strlen("application/json");

	if (type == NULL || strncasecmp(type, "application/json", n) != 0)
		return false;
	return type[n] == '\0' || type[n] == ';' || type[n] == ' ';
}

static void reply_method_not_allowed(struct req *r)
{
	struct buf allow;

	buf_init(&allow);
	for (size_t i = 0; i < routes_count; i++) {
		if (!route_match(r, routes[i].pattern, r->path))
			continue;
		if (allow.len)
			buf_puts(&allow, ", ");
		buf_puts(&allow, routes[i].method);
	}
	reply_header(r, "Allow", allow.data ? allow.data : "");
	reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on this path; use %s",
	    r->method, allow.data ? allow.data : "another path");
	buf_free(&allow);
}

static int authorise_or_reply(struct req *r, const struct route *route)
{
	enum role role = r->user ? r->user->role : ROLE_ANONYMOUS;
	const char *token;

	if ((route->roles & ROLE_BIT(role)) == 0) {
		if (r->user == NULL)
			reply_error(r, 401, "unauthenticated", NULL, "sign in to use this endpoint");
		else
			reply_error(r, 403, "forbidden", NULL, "the role %s may not use this endpoint",
			    role_name(role));
		return -1;
	}
	if (route->csrf && r->user != NULL) {
		token = req_header(r, "HTTP_X_CSRF_TOKEN");
		if (token == NULL || r->csrf_token == NULL || !secure_equal(token, r->csrf_token)) {
			reply_error(r, 403, "csrf_failed", NULL,
			    "the X-CSRF-Token header is missing or wrong: send the csrf_token from GET /api/v1/me");
			return -1;
		}
	}
	return 0;
}

void router_dispatch(struct req *r)
{
	const struct route *route = NULL;
	bool path_known = false;

	for (size_t i = 0; i < routes_count; i++) {
		if (!route_match(r, routes[i].pattern, r->path))
			continue;
		path_known = true;
		if (method_matches(routes[i].method, r->method)) {
			route = &routes[i];
			break;
		}
	}
	if (route == NULL) {
		memset(r->params, 0, sizeof(r->params));
		if (path_known)
			reply_method_not_allowed(r);
		else
			reply_error(r, 404, "not_found", NULL, "no endpoint at %.200s", r->path);
		return;
	}
	if (route->roles != ROLES_ANYONE && session_load(r) != 0) {
		reply_db_error(r);
		return;
	}
	if (authorise_or_reply(r, route) != 0)
		return;
	/* A suspended organisation's users keep reading, and may sign out, but change nothing. */
	if (route->csrf && r->user != NULL && r->user->organisation_inactive &&
	    route->handler != handle_session_delete) {
		reply_error(r, 403, "organisation_suspended", NULL,
		    "your organisation's membership is suspended or has ended, so you cannot make changes");
		return;
	}
	if (route->json_body && !content_type_is_json(req_header(r, "CONTENT_TYPE"))) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		    "send the body as JSON with Content-Type: application/json");
		return;
	}
	route->handler(r);
}
