/*
 * verify.c: public verification of a certificate, as JSON and as the HTML page behind the QR code.
 *
 * GET /api/v1/verify/{id} is the hottest endpoint: one primary-key lookup and the JSON built from
 * the stored snapshot. It never returns the holder's e-mail address.
 *
 * GET /v/{id} serves the SPA's index.html with the verification already rendered into it, so an
 * employer who scans the QR code sees the status before any script runs. Three places of the
 * template are replaced: <!--mic-head--> (robots and Open Graph tags), the content of <title>,
 * and <!--mic-ssr--> (the markup, styled by the SPA through the verify__* classes). The markup
 * has no inline script or style attribute, because the Content-Security-Policy forbids both.
 * Every text that came from a person goes through buf_html_escape().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mic.h"

#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

/* The micro-credential fields that a verifier sees, taken from the certificate's snapshot. */
static const char *const verify_microcredential_fields[] = {
	"title", "summary", "learning_outcomes", "eqf_level", "eqf", "workload_hours", "ects_credits",
	"assessment_type", "participation_form", "quality_assurance", "language", "esco_occupations",
};

/* The certificate fields that follow promoting_organisation in the response, copied as they are. */
static const char *const verify_certificate_fields[] = {
	"issued_at", "issued_on", "awarded_on", "valid_until", "valid_until_on", "revoked_at", "revoked_on",
	"revocation_reason", "withdrawn_at", "withdrawn_on",
};

/* Sets to[key] to from[key], or to null when from has no such key. */
static void json_copy_field(json_t *to, const json_t *from, const char *key)
{
	json_t *value = json_object_get(from, key);

	json_object_set(to, key, value ? value : json_null());
}

/* Builds the public verification JSON from a certificate's JSON (see certificate_load()). */
static json_t *verify_json(const json_t *cert)
{
	const json_t *snapshot = json_object_get(cert, "microcredential");
	const json_t *org = json_object_get(snapshot, "promoting_organisation");
	const json_t *issuer_obj = json_object_get(snapshot, "issuer");
	const char *issuer = json_string_value(json_object_get(issuer_obj, "name"));
	json_t *v = json_object();
	json_t *mc = json_object();

	for (size_t i = 0; i < COUNT_OF(verify_microcredential_fields); i++)
		json_copy_field(mc, snapshot, verify_microcredential_fields[i]);

	json_copy_field(v, cert, "status");
	json_copy_field(v, cert, "id");
	json_copy_field(v, cert, "verify_url");
	json_object_set_new(v, "holder", json_pack("{s:O}", "name", json_object_get(cert, "holder_name")));
	json_object_set_new(v, "microcredential", mc);
	json_object_set_new(v, "issuer", json_pack("{s:s}", "name", issuer ? issuer : MIC_ISSUER_NAME));
	json_t *public_org = json_object();
	json_copy_field(public_org, org, "name");
	json_copy_field(public_org, org, "country");
	json_object_set_new(v, "promoting_organisation", public_org);
	for (size_t i = 0; i < COUNT_OF(verify_certificate_fields); i++)
		json_copy_field(v, cert, verify_certificate_fields[i]);
	return v;
}

/* Returns the verification JSON, or NULL for an unknown or malformed id (or a failed lookup). */
static json_t *verify_load(struct worker *w, const char *id, bool *db_failed)
{
	json_t *cert = certificate_load(w, id, false, NULL, db_failed);

	if (!cert)
		return NULL;
	json_t *v = verify_json(cert);
	json_decref(cert);
	/* A withdrawn certificate has no holder and no credential left to check. */
	if (strcmp(json_string_value(json_object_get(v, "status")), "withdrawn") == 0)
		json_object_set_new(v, "holder", json_null());
	else
		verify_checks_add(w, id, v);
	return v;
}

/*
 * The fast path of GET /api/v1/verify/{id}: one primary-key lookup that also brings the public
 * parts of the snapshot (generated columns) and the remembered signature check, and a reply
 * assembled as text. Its reply is the same JSON that verify_load() builds.
 */
enum verify_fast_column {
	VF_HOLDER, VF_ISSUED_AT, VF_VALID_UNTIL, VF_REVOKED_AT, VF_REASON, VF_MICROCREDENTIAL,
	VF_ORGANISATION, VF_ISSUER, VF_HAS_CREDENTIAL, VF_SIGNATURE_VALID, VF_SIGNATURE_DETAIL,
	VF_WITHDRAWN_AT, VF_AWARDED_ON,
};

static const char verify_fast_sql[] =
    "SELECT c.holder_name, c.issued_at, c.valid_until, c.revoked_at, c.revocation_reason,"
    " c.verify_microcredential, c.verify_organisation, c.verify_issuer_name,"
    " c.credential IS NOT NULL, cc.signature_valid, cc.detail, c.withdrawn_at, c.awarded_on"
    " FROM certificates c LEFT JOIN credential_checks cc ON cc.content_sha256 = c.credential_sha256"
    " WHERE c.id = ?";

/* Appends ,"at_key":ISO time,"on_key":calendar day, or nulls for a NULL column. */
static void put_time_pair(struct buf *out, const char *at_key, const char *on_key, const char *db_time)
{
	char iso[32], day[16];
	time_t t;

	if (db_time && time_parse_db(db_time, &t) == 0) {
		time_format_iso(t, iso);
		time_format_local_date(t, day);
		buf_printf(out, ",\"%s\":\"%s\",\"%s\":\"%s\"", at_key, iso, on_key, day);
	} else {
		buf_printf(out, ",\"%s\":null,\"%s\":null", at_key, on_key);
	}
}

static int json_append_to_buf(const char *data, size_t size, void *b)
{
	buf_append(b, data, size);
	return 0;
}

/* Returns 1 after replying, 0 when verify_load() must reply instead, -1 when the lookup failed. */
static int verify_fast(struct req *r, const char *id)
{
	struct db_param params[] = { P_TEXT(id) };
	struct db_result res;
	struct signature_outcome sig = { 0 };
	struct buf *out = &r->w->out;
	const char *status = "valid", *issuer, *valid_until;
	char verify_url[CERT_VERIFY_URL_MAX], day[16];
	time_t until, revoked;
	json_t *checks;

	if (db_query(r->w, verify_fast_sql, params, 1, &res) != 0)
		return -1;
	/* Never checked (verify_load() checks and remembers the result) or withdrawn: the slow path. */
	if (res.rows == 1 && ((db_cell_int(&res, 0, VF_HAS_CREDENTIAL) &&
	    !db_cell(&res, 0, VF_SIGNATURE_VALID)) || db_cell(&res, 0, VF_WITHDRAWN_AT))) {
		db_result_free(&res);
		return 0;
	}
	if (res.rows == 0) {
		db_result_free(&res);
		reply_json(r, 404, json_pack("{s:s, s:{s:s, s:s}}", "status", "not_found", "error",
		    "code", "not_found", "message", "no certificate has this id; check the address"));
		return 1;
	}

	valid_until = db_cell(&res, 0, VF_VALID_UNTIL);
	if (db_cell(&res, 0, VF_REVOKED_AT))
		status = "revoked";
	else if (valid_until && time_parse_db(valid_until, &until) == 0 && until <= time(NULL))
		status = "expired";
	sig.has_credential = db_cell_int(&res, 0, VF_HAS_CREDENTIAL) != 0;
	if (sig.has_credential) {
		sig.result = db_cell_int(&res, 0, VF_SIGNATURE_VALID) ? CHECK_VALID : CHECK_INVALID;
		snprintf(sig.detail, sizeof(sig.detail), "%s",
		    db_cell(&res, 0, VF_SIGNATURE_DETAIL) ? db_cell(&res, 0, VF_SIGNATURE_DETAIL) : "");
		if (sig.result == CHECK_INVALID)
			status = "invalid";
	}

	certificate_verify_url(id, verify_url, sizeof(verify_url));
	issuer = db_cell(&res, 0, VF_ISSUER);
	buf_reset(out);
	buf_printf(out, "{\"status\":\"%s\",\"id\":\"%s\",\"verify_url\":", status, id);
	buf_json_string(out, verify_url);
	buf_puts(out, ",\"holder\":{\"name\":");
	buf_json_string(out, db_cell(&res, 0, VF_HOLDER));
	buf_puts(out, "},\"microcredential\":");
	buf_puts(out, db_cell(&res, 0, VF_MICROCREDENTIAL));
	buf_puts(out, ",\"issuer\":{\"name\":");
	buf_json_string(out, issuer ? issuer : MIC_ISSUER_NAME);
	buf_puts(out, "},\"promoting_organisation\":");
	buf_puts(out, db_cell(&res, 0, VF_ORGANISATION));
	put_time_pair(out, "issued_at", "issued_on", db_cell(&res, 0, VF_ISSUED_AT));
	buf_puts(out, ",\"awarded_on\":");
	if (db_cell(&res, 0, VF_AWARDED_ON))
		buf_json_string(out, db_cell(&res, 0, VF_AWARDED_ON));
	else
		buf_puts(out, "null");
	put_time_pair(out, "valid_until", "valid_until_on", valid_until);
	put_time_pair(out, "revoked_at", "revoked_on", db_cell(&res, 0, VF_REVOKED_AT));
	buf_puts(out, ",\"revocation_reason\":");
	if (db_cell(&res, 0, VF_REASON))
		buf_json_string(out, db_cell(&res, 0, VF_REASON));
	else
		buf_puts(out, "null");
	put_time_pair(out, "withdrawn_at", "withdrawn_on", NULL);

	/* The checks read the same dates as the slow path: calendar days in the alliance's zone. */
	char revoked_day[16] = "";
	if (db_cell(&res, 0, VF_REVOKED_AT) && time_parse_db(db_cell(&res, 0, VF_REVOKED_AT), &revoked) == 0)
		time_format_local_date(revoked, revoked_day);
	if (valid_until && time_parse_db(valid_until, &until) == 0)
		time_format_local_date(until, day);
	checks = verify_checks_build(&sig, revoked_day[0] ? revoked_day : NULL,
	    db_cell(&res, 0, VF_REASON), valid_until ? day : NULL, strcmp(status, "expired") == 0);
	buf_puts(out, ",\"checks\":");
	json_dump_callback(checks, json_append_to_buf, out, JSON_COMPACT);
	json_decref(checks);
	buf_putc(out, '}');
	db_result_free(&res);
	reply_raw(r, 200, "application/json; charset=utf-8", out->data, out->len);
	return 1;
}

void handle_verify(struct req *r)
{
	bool db_failed = false;
	json_t *v;
	int fast;

	reply_header(r, "Cache-Control", "no-store");
	if (!id_certificate_valid(r->params[0])) {
		reply_json(r, 404, json_pack("{s:s, s:{s:s, s:s}}", "status", "not_found", "error",
		    "code", "not_found", "message", "no certificate has this id; check the address"));
		return;
	}
	fast = verify_fast(r, r->params[0]);
	if (fast == 1)
		return;
	if (fast < 0) {
		reply_db_error(r);
		return;
	}
	v = verify_load(r->w, r->params[0], &db_failed);
	if (db_failed) {
		reply_db_error(r);
		return;
	}
	if (!v) {
		reply_json(r, 404, json_pack("{s:s, s:{s:s, s:s}}", "status", "not_found", "error",
		    "code", "not_found", "message", "no certificate has this id; check the address"));
		return;
	}
	reply_json(r, 200, v);
}

/* ---- The HTML page ---- */

/* Returns obj[key] as a string, or "" when it is absent or not a string. */
static const char *json_text(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static const char *status_label(const char *status)
{
	if (strcmp(status, "valid") == 0)
		return "Valid";
	if (strcmp(status, "revoked") == 0)
		return "Revoked";
	if (strcmp(status, "expired") == 0)
		return "Expired";
	if (strcmp(status, "invalid") == 0)
		return "Signature invalid";
	if (strcmp(status, "withdrawn") == 0)
		return "Withdrawn";
	return "Not found";
}

/* Writes lang="xx" for a two-letter ISO 639-1 code, and nothing for any other value. */
static void render_lang(struct buf *out, const char *language)
{
	if (language && strlen(language) == 2 && language[0] >= 'a' && language[0] <= 'z' &&
	    language[1] >= 'a' && language[1] <= 'z')
		buf_printf(out, " lang=\"%s\"", language);
}

/* Writes "50 hours" and, when the snapshot has ECTS credits, " (2.5 ECTS credits)". */
static void render_workload(struct buf *out, const json_t *mc)
{
	json_int_t hours = json_integer_value(json_object_get(mc, "workload_hours"));
	const json_t *ects = json_object_get(mc, "ects_credits");

	buf_printf(out, "%lld %s", (long long)hours, hours == 1 ? "hour" : "hours");
	if (json_is_number(ects)) {
		double credits = json_number_value(ects);
		buf_printf(out, " (%g ECTS %s)", credits, credits == 1.0 ? "credit" : "credits");
	}
}

static void render_fact(struct buf *out, const char *term, const char *value)
{
	buf_printf(out, "<dt>%s</dt><dd>", term);
	buf_html_escape(out, value);
	buf_puts(out, "</dd>\n");
}

static void render_facts(struct buf *out, const json_t *v)
{
	const json_t *mc = json_object_get(v, "microcredential");
	const json_t *org = json_object_get(v, "promoting_organisation");
	const json_t *eqf_level = json_object_get(mc, "eqf_level");
	const char *valid_until = json_text(v, "valid_until_on");
	const char *country = json_text(org, "country");

	buf_puts(out, "<dl class=\"verify__facts\">\n");
	/* The EQF row is left out when the micro-credential is not referenced to an EQF level. */
	if (json_is_integer(eqf_level))
		buf_printf(out, "<dt>EQF level</dt><dd>%lld</dd>\n", (long long)json_integer_value(eqf_level));
	buf_puts(out, "<dt>Workload</dt><dd>");
	render_workload(out, mc);
	buf_puts(out, "</dd>\n");
	render_fact(out, "Issuer", json_text(json_object_get(v, "issuer"), "name"));
	buf_puts(out, "<dt>Promoted by</dt><dd>");
	buf_html_escape(out, json_text(org, "name"));
	if (*country) {
		buf_puts(out, " (");
		buf_html_escape(out, country);
		buf_puts(out, ")");
	}
	buf_puts(out, "</dd>\n");
	if (*json_text(v, "awarded_on"))
		render_fact(out, "Awarded on", json_text(v, "awarded_on"));
	render_fact(out, "Issue date", json_text(v, "issued_on"));
	render_fact(out, "Valid until", *valid_until ? valid_until : "No expiry date");
	buf_puts(out, "</dl>\n");
}

static void render_outcomes(struct buf *out, const json_t *mc)
{
	const json_t *outcomes = json_object_get(mc, "learning_outcomes");
	size_t i;
	const json_t *outcome;

	if (json_array_size(outcomes) == 0)
		return;
	buf_puts(out, "<h2>Learning outcomes</h2>\n<ol class=\"verify__outcomes\"");
	render_lang(out, json_text(mc, "language"));
	buf_puts(out, ">\n");
	json_array_foreach(outcomes, i, outcome) {
		buf_puts(out, "<li>");
		buf_html_escape(out, json_text(outcome, "statement"));
		buf_puts(out, "</li>\n");
	}
	buf_puts(out, "</ol>\n");
}

static void render_not_found(struct buf *out, const char *id)
{
	buf_puts(out,
	    "<main class=\"verify verify--not_found\">\n"
	    "<p class=\"verify__status\" data-status=\"not_found\">Not found</p>\n"
	    "<h1 class=\"verify__title\">Certificate not found</h1>\n");
	if (id_certificate_valid(id)) {
		buf_puts(out, "<p>No certificate has the identifier <code>");
		buf_html_escape(out, id);
		buf_puts(out, "</code>. Check that the address matches the QR code or the printed "
		    "certificate.</p>\n");
	} else {
		buf_puts(out, "<p>This address does not contain a valid certificate identifier. Check that it "
		    "matches the QR code or the printed certificate.</p>\n");
	}
	buf_puts(out, "</main>\n");
}

/* Writes the verification markup for v, or the "Not found" markup when v is NULL. */
static void render_markup(struct buf *out, const json_t *v, const char *id)
{
	if (!v) {
		render_not_found(out, id);
		return;
	}

	const char *status = json_text(v, "status");
	const json_t *mc = json_object_get(v, "microcredential");

	buf_printf(out, "<main class=\"verify verify--%s\">\n", status);
	buf_printf(out, "<p class=\"verify__status\" data-status=\"%s\">%s</p>\n", status,
	    status_label(status));
	if (strcmp(status, "revoked") == 0) {
		buf_puts(out, "<p class=\"verify__revocation\">Revoked on ");
		buf_html_escape(out, json_text(v, "revoked_on"));
		buf_puts(out, ". Reason: <bdi>");
		buf_html_escape(out, json_text(v, "revocation_reason"));
		buf_puts(out, "</bdi></p>\n");
	}
	if (strcmp(status, "withdrawn") == 0) {
		buf_puts(out, "<p class=\"verify__revocation\">Withdrawn on ");
		buf_html_escape(out, json_text(v, "withdrawn_on"));
		buf_puts(out, " at the holder's request. The holder's personal data has been erased.</p>\n");
	}
	buf_puts(out, "<h1 class=\"verify__title\"");
	render_lang(out, json_text(mc, "language"));
	buf_puts(out, ">");
	buf_html_escape(out, json_text(mc, "title"));
	buf_puts(out, "</h1>\n");
	if (strcmp(status, "withdrawn") == 0) {
		render_facts(out, v);
		buf_puts(out, "</main>\n");
		return;
	}
	buf_puts(out, "<p class=\"verify__holder\">Awarded to <bdi>");
	buf_html_escape(out, json_text(json_object_get(v, "holder"), "name"));
	buf_puts(out, "</bdi></p>\n");
	verify_checks_render(out, v);
	render_facts(out, v);
	render_outcomes(out, mc);
	buf_puts(out, "</main>\n");
}

/* Writes the text of <title>. */
static void render_title(struct buf *out, const json_t *v)
{
	if (!v) {
		buf_puts(out, "Certificate not found");
		return;
	}
	buf_printf(out, "%s certificate: ", status_label(json_text(v, "status")));
	buf_html_escape(out, json_text(json_object_get(v, "microcredential"), "title"));
}

static void render_meta(struct buf *out, const char *property, const char *content)
{
	buf_printf(out, "<meta property=\"%s\" content=\"", property);
	buf_html_escape(out, content);
	buf_puts(out, "\">\n");
}

/* Writes the robots and Open Graph tags for the head. */
static void render_head(struct buf *out, const json_t *v, const char *id)
{
	struct buf text;

	buf_init(&text);
	buf_puts(out, "<meta name=\"robots\" content=\"noindex\">\n");
	if (!v) {
		render_meta(out, "og:title", "Certificate not found");
		render_meta(out, "og:description", "No certificate has this identifier.");
		if (id_certificate_valid(id)) {
			char url[CERT_VERIFY_URL_MAX];
			certificate_verify_url(id, url, sizeof url);
			render_meta(out, "og:url", url);
		}
	} else {
		const json_t *mc = json_object_get(v, "microcredential");
		buf_printf(&text, "%s: %s", status_label(json_text(v, "status")), json_text(mc, "title"));
		render_meta(out, "og:title", text.data);

		buf_reset(&text);
		if (strcmp(json_text(v, "status"), "withdrawn") == 0) {
			buf_printf(&text, "Withdrawn at the holder's request on %s.",
			    json_text(v, "withdrawn_on"));
		} else {
			buf_printf(&text, "Awarded to %s on %s. Issued by %s and promoted by %s.",
			    json_text(json_object_get(v, "holder"), "name"), json_text(v, "issued_on"),
			    json_text(json_object_get(v, "issuer"), "name"),
			    json_text(json_object_get(v, "promoting_organisation"), "name"));
		}
		render_meta(out, "og:description", text.data);
		render_meta(out, "og:url", json_text(v, "verify_url"));
	}
	render_meta(out, "og:type", "website");
	buf_free(&text);
}

/*
 * The per-thread copy of index.html with the offsets of the three places that get replaced.
 * Each worker thread checks the file at most once a second and reloads it when its modification
 * time, size or inode changed, so a rebuilt SPA is picked up without a restart.
 */
struct page_template {
	char *html;                  /* NULL when index.html could not be used */
	size_t len;
	struct timespec mtime;
	off_t size;
	ino_t inode;
	time_t checked_at;
	bool warned;                 /* a warning for the current failure was logged */
	size_t head_start, head_end; /* <!--mic-head--> or an empty range before </head> */
	bool has_head;
	size_t title_start, title_end;
	bool has_title;
	size_t ssr_start, ssr_end;   /* <!--mic-ssr--> or an empty range after <div id="app"> */
};

/* Each thread's template, freed by a key destructor when the thread exits. */
static pthread_key_t page_template_key;
static pthread_once_t page_template_once = PTHREAD_ONCE_INIT;

#define PAGE_TEMPLATE_MAX (4u << 20)

/* Finds needle in the template and sets *at to its offset. */
static bool template_find(const struct page_template *t, const char *needle, size_t *at)
{
	const char *p = strstr(t->html, needle);

	if (!p)
		return false;
	*at = (size_t)(p - t->html);
	return true;
}

/* Locates the places to replace. Returns -1 when the template has no place for the markup. */
static int template_index(struct page_template *t)
{
	static const char head_marker[] = "<!--mic-head-->";
	static const char ssr_marker[] = "<!--mic-ssr-->";
	static const char app_div[] = "<div id=\"app\">";
	size_t at, end;

	t->has_head = true;
	if (template_find(t, head_marker, &at)) {
		t->head_start = at;
		t->head_end = at + strlen(head_marker);
	} else if (template_find(t, "</head>", &at)) {
		t->head_start = t->head_end = at;
	} else {
		t->has_head = false;
	}

	t->has_title = template_find(t, "<title>", &at) && template_find(t, "</title>", &end) &&
	    end > at;
	if (t->has_title) {
		t->title_start = at + strlen("<title>");
		t->title_end = end;
	}

	if (template_find(t, ssr_marker, &at)) {
		t->ssr_start = at;
		t->ssr_end = at + strlen(ssr_marker);
	} else if (template_find(t, app_div, &at)) {
		t->ssr_start = t->ssr_end = at + strlen(app_div);
	} else {
		return -1;
	}
	return 0;
}

static void template_drop(struct page_template *t)
{
	free(t->html);
	t->html = NULL;
	t->len = 0;
}

static void page_template_free(void *data)
{
	struct page_template *t = data;

	free(t->html);
	free(t);
}

static void page_template_key_create(void)
{
	if (pthread_key_create(&page_template_key, page_template_free) != 0)
		abort();
}

/* Returns the calling thread's template, allocated empty on first use. */
static struct page_template *page_template_of_thread(void)
{
	pthread_once(&page_template_once, page_template_key_create);
	struct page_template *t = pthread_getspecific(page_template_key);
	if (!t) {
		t = xcalloc(1, sizeof *t);
		if (pthread_setspecific(page_template_key, t) != 0)
			abort();
	}
	return t;
}

/* Reads the file at path into t. Returns -1 and sets errno when it cannot be read or used. */
static int template_read(struct page_template *t, const char *path, const struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = (size_t)st->st_size;
	char *html = NULL;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (st->st_size < 0 || len > PAGE_TEMPLATE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	html = xmalloc(len + 1);
	while (got < len) {
		ssize_t n = read(fd, html + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;  /* the file shrank while it was read */
			goto fail;
		}
		got += (size_t)n;
	}
	html[len] = '\0';
	close(fd);

	template_drop(t);
	t->html = html;
	t->len = len;
	t->mtime = st->st_mtim;
	t->size = st->st_size;
	t->inode = st->st_ino;
	if (strlen(html) != len || template_index(t) != 0) {
		template_drop(t);
		errno = EINVAL;
		return -1;
	}
	return 0;

fail:
	free(html);
	close(fd);
	return -1;
}

/* Brings the per-thread template up to date. Returns it, or NULL when index.html is unusable. */
static const struct page_template *template_get(const char *request_id)
{
	struct page_template *t = page_template_of_thread();
	time_t now = time(NULL);
	char path[4096];
	struct stat st;

	if (now == t->checked_at)
		return t->html ? t : NULL;
	t->checked_at = now;

	int n = snprintf(path, sizeof path, "%s/index.html", cfg.web_root);
	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (stat(path, &st) != 0)
		goto fail;
	if (t->html && st.st_mtim.tv_sec == t->mtime.tv_sec && st.st_mtim.tv_nsec == t->mtime.tv_nsec &&
	    st.st_size == t->size && st.st_ino == t->inode)
		return t;
	if (template_read(t, path, &st) != 0)
		goto fail;
	if (t->warned)
		log_event(LOG_INFO, request_id, "event=verify_template_loaded");
	t->warned = false;
	return t;

fail:
	if (!t->warned) {
		char reason[128];
		strerror_r(errno, reason, sizeof reason);
		log_event(LOG_WARN, request_id,
		    "event=verify_template_unusable web_root=%s error=\"%s\" fallback=minimal_page",
		    cfg.web_root, errno == EINVAL ? "no <!--mic-ssr--> marker or a NUL byte" : reason);
		t->warned = true;
	}
	template_drop(t);
	return NULL;
}

/* One replacement of template bytes [start, end) by generated content. */
struct splice {
	size_t start, end;
	int part;
};
enum { PART_HEAD, PART_TITLE, PART_MARKUP };

static void render_part(struct buf *out, int part, const json_t *v, const char *id)
{
	if (part == PART_HEAD)
		render_head(out, v, id);
	else if (part == PART_TITLE)
		render_title(out, v);
	else
		render_markup(out, v, id);
}

/* Writes the template with its places replaced, in document order, skipping overlapping ones. */
static void render_template(struct buf *out, const struct page_template *t, const json_t *v,
    const char *id)
{
	struct splice splices[3];
	size_t count = 0;

	if (t->has_head)
		splices[count++] = (struct splice){ t->head_start, t->head_end, PART_HEAD };
	if (t->has_title)
		splices[count++] = (struct splice){ t->title_start, t->title_end, PART_TITLE };
	splices[count++] = (struct splice){ t->ssr_start, t->ssr_end, PART_MARKUP };
	for (size_t i = 1; i < count; i++)
		for (size_t k = i; k > 0 && splices[k].start < splices[k - 1].start; k--) {
			struct splice swap = splices[k];
			splices[k] = splices[k - 1];
			splices[k - 1] = swap;
		}

	size_t copied = 0;
	for (size_t i = 0; i < count; i++) {
		if (splices[i].start < copied)
			continue;
		buf_append(out, t->html + copied, splices[i].start - copied);
		render_part(out, splices[i].part, v, id);
		copied = splices[i].end;
	}
	buf_append(out, t->html + copied, t->len - copied);
}

/* Writes a complete page with the same markup, for when index.html cannot be used. */
static void render_minimal_page(struct buf *out, const json_t *v, const char *id)
{
	buf_puts(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	render_title(out, v);
	buf_puts(out, "</title>\n");
	render_head(out, v, id);
	buf_puts(out, "</head>\n<body>\n<div id=\"app\">");
	render_markup(out, v, id);
	buf_puts(out, "</div>\n</body>\n</html>\n");
}

/* Replies 503 with a small page when the certificate could not be looked up. */
static void reply_page_unavailable(struct req *r)
{
	static const char page[] =
	    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n<title>Verification unavailable</title>\n"
	    "</head>\n<body>\n<main class=\"verify\">\n"
	    "<h1 class=\"verify__title\">Verification is unavailable</h1>\n"
	    "<p>The certificate could not be checked just now. Try again in a minute.</p>\n"
	    "</main>\n</body>\n</html>\n";

	reply_header(r, "Retry-After", "30");
	reply_raw(r, 503, "text/html; charset=utf-8", page, sizeof page - 1);
}

void handle_verify_page(struct req *r)
{
	const char *id = r->params[0];
	bool db_failed = false;
	json_t *v = verify_load(r->w, id, &db_failed);
	struct buf *out = &r->w->out;

	reply_header(r, "Cache-Control", "no-cache");
	if (db_failed) {
		log_event(LOG_ERROR, r->request_id, "event=verify_page_unavailable");
		reply_page_unavailable(r);
		return;
	}

	const struct page_template *t = template_get(r->request_id);
	buf_reset(out);
	if (t)
		render_template(out, t, v, id);
	else
		render_minimal_page(out, v, id);
	int status = v ? 200 : 404;
	json_decref(v);
	reply_raw(r, status, "text/html; charset=utf-8", out->data, out->len);
}
