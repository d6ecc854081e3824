/*
 * pdf.c: the printable certificate, an A4 landscape PDF drawn with cairo and laid out with pango.
 *
 * Text goes through pango, so every script that the installed fonts cover (DejaVu and Noto: Latin
 * with ș ț ő ł ŵ, Greek, Cyrillic) is shaped correctly, and cairo embeds subsets of the fonts
 * used. Ligatures are turned off so that text extracted from the PDF matches the stored names
 * letter for letter. The QR code is drawn as vector rectangles.
 *
 * A generated PDF is cached in cfg.cache_dir/pdf under the certificate id and a hash of
 * everything the page shows, so a revocation, an expiry or a new layout (PDF_LAYOUT_VERSION)
 * produces a new file. The cache is optional: when it cannot be written the PDF is served
 * uncached and a warning is logged.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "mic.h"

#define PDF_LAYOUT_VERSION "2"
#define PAGE_WIDTH 841.89   /* A4 landscape in points */
#define PAGE_HEIGHT 595.28
#define MARGIN 42.0
#define LEFT_WIDTH 520.0
#define QR_SIZE 170.0
#define OUTCOME_FONT_MAX 10.5
#define OUTCOME_FONT_MIN 7.0

struct page {
	cairo_t *cr;
	PangoContext *pango;
};

static const double navy[3] = { 0.05, 0.16, 0.36 };
static const double grey[3] = { 0.30, 0.33, 0.38 };
static const double red[3] = { 0.72, 0.11, 0.11 };

static void set_colour(cairo_t *cr, const double rgb[3])
{
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
}

/* A layout of text in font, wrapped at width points. Owned by the caller (g_object_unref). */
static PangoLayout *text_layout(struct page *p, const char *font, double width, const char *text)
{
	PangoLayout *layout = pango_layout_new(p->pango);
	PangoFontDescription *desc = pango_font_description_from_string(font);
	PangoAttrList *attrs = pango_attr_list_new();

	pango_attr_list_insert(attrs, pango_attr_font_features_new("liga=0, clig=0, dlig=0"));
	pango_layout_set_attributes(layout, attrs);
	pango_attr_list_unref(attrs);
	pango_layout_set_font_description(layout, desc);
	pango_font_description_free(desc);
	pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(layout, text, -1);
	return layout;
}

static double layout_height(PangoLayout *layout)
{
	int width, height;

	pango_layout_get_size(layout, &width, &height);
	return (double)height / PANGO_SCALE;
}

/* Draws text at (x, y) and returns the height it took. */
static double draw_text(struct page *p, double x, double y, double width, const char *font,
    const double rgb[3], const char *text)
{
	PangoLayout *layout = text_layout(p, font, width, text);
	double height = layout_height(layout);

	set_colour(p->cr, rgb);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, layout);
	g_object_unref(layout);
	return height;
}

static const char *json_text(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static const char *participation_words(const char *form)
{
	if (strcmp(form, "online") == 0)
		return "Online";
	if (strcmp(form, "onsite") == 0)
		return "On site";
	if (strcmp(form, "blended") == 0)
		return "Blended (online and on site)";
	return form;
}

/* "40 hours (1.5 ECTS credits)"; ECTS credits are printed without trailing zeros. */
static void workload_text(json_t *mc, char *out, size_t outlen)
{
	json_t *ects = json_object_get(mc, "ects_credits");
	long long hours = json_integer_value(json_object_get(mc, "workload_hours"));

	if (json_is_number(ects))
		snprintf(out, outlen, "%lld hours (%g ECTS credit%s)", hours, json_number_value(ects),
		    json_number_value(ects) == 1.0 ? "" : "s");
	else
		snprintf(out, outlen, "%lld hours", hours);
}

/* Draws label/value rows and returns the height used. */
static double draw_facts(struct page *p, double x, double y, json_t *cert, json_t *mc)
{
	char eqf[32], workload[96], promoted[600], issued[32], until[32], awarded[32];
	json_t *org = json_object_get(mc, "promoting_organisation");
	json_t *level = json_object_get(mc, "eqf_level");
	const char *rows[9][2];
	size_t n = 0;
	double top = y;

	if (json_is_integer(level))
		snprintf(eqf, sizeof(eqf), "EQF level %lld", (long long)json_integer_value(level));
	else
		snprintf(eqf, sizeof(eqf), "Not applicable");
	workload_text(mc, workload, sizeof(workload));
	/* The country name needs country_names_load(), which handle_certificate_pdf() calls. */
	snprintf(promoted, sizeof(promoted), "%s%s%s", json_text(org, "name"),
	    *json_text(org, "country") ? ", " : "", country_name(json_text(org, "country")));
	rows[n][0] = "EQF level";
	rows[n++][1] = eqf;
	rows[n][0] = "Notional workload";
	rows[n++][1] = workload;
	rows[n][0] = "Type of assessment";
	rows[n++][1] = json_text(mc, "assessment_type");
	rows[n][0] = "Form of participation";
	rows[n++][1] = participation_words(json_text(mc, "participation_form"));
	if (*json_text(cert, "awarded_on")) {
		time_format_long_date(json_text(cert, "awarded_on"), awarded, sizeof(awarded));
		rows[n][0] = "Awarded on";
		rows[n++][1] = awarded;
	}
	time_format_long_date(json_text(cert, "issued_on"), issued, sizeof(issued));
	rows[n][0] = "Issued on";
	rows[n++][1] = issued;
	if (*json_text(cert, "valid_until_on")) {
		time_format_long_date(json_text(cert, "valid_until_on"), until, sizeof(until));
		rows[n][0] = "Valid until";
		rows[n++][1] = until;
	}
	rows[n][0] = "Issuer";
	rows[n++][1] = MIC_ISSUER_NAME;
	rows[n][0] = "Promoted by";
	rows[n++][1] = promoted;

	for (size_t i = 0; i < n; i++) {
		double h = draw_text(p, x + 140, y, LEFT_WIDTH - 140, "DejaVu Sans 9.5", navy, rows[i][1]);

		draw_text(p, x, y, 135, "DejaVu Sans Bold 9.5", grey, rows[i][0]);
		y += (h > 12 ? h : 12) + 3;
	}
	return y - top;
}

/* The numbered learning outcomes as one text, a paragraph each. Owned by the caller. */
static char *outcomes_text(json_t *mc)
{
	json_t *outcomes = json_object_get(mc, "learning_outcomes");
	struct buf b;
	size_t i;
	json_t *item;

	buf_init(&b);
	json_array_foreach(outcomes, i, item) {
		const char *statement = json_text(item, "statement");

		if (json_is_string(item))
			statement = json_string_value(item);
		buf_printf(&b, "%s%zu. %s", i ? "\n" : "", i + 1, statement);
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return b.data;
}

/*
 * Draws the learning outcomes into the box below y, shrinking the font down to OUTCOME_FONT_MIN.
 * Returns false when they do not fit even then, so the caller continues them on a second page.
 */
static bool draw_outcomes_fitted(struct page *p, double x, double y, double bottom, const char *text)
{
	char font[64];

	for (double size = OUTCOME_FONT_MAX; size >= OUTCOME_FONT_MIN; size -= 0.5) {
		PangoLayout *layout;

		snprintf(font, sizeof(font), "DejaVu Sans %.1f", size);
		layout = text_layout(p, font, LEFT_WIDTH, text);
		pango_layout_set_spacing(layout, (int)(size * 0.25 * PANGO_SCALE));
		if (y + layout_height(layout) <= bottom) {
			set_colour(p->cr, navy);
			cairo_move_to(p->cr, x, y);
			pango_cairo_show_layout(p->cr, layout);
			g_object_unref(layout);
			return true;
		}
		g_object_unref(layout);
	}
	return false;
}

static void draw_frame(cairo_t *cr)
{
	set_colour(cr, navy);
	cairo_set_line_width(cr, 2.5);
	cairo_rectangle(cr, 18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.75);
	cairo_rectangle(cr, 24, 24, PAGE_WIDTH - 48, PAGE_HEIGHT - 48);
	cairo_stroke(cr);
}

/* A red diagonal word across the page, so a revoked or expired printout cannot pass as valid. */
static void draw_watermark(struct page *p, const char *word)
{
	PangoLayout *layout = text_layout(p, "DejaVu Sans Bold 96", 700, word);
	int width, height;

	pango_layout_get_size(layout, &width, &height);
	cairo_save(p->cr);
	cairo_translate(p->cr, PAGE_WIDTH / 2, PAGE_HEIGHT / 2);
	cairo_rotate(p->cr, -0.45);
	cairo_set_source_rgba(p->cr, red[0], red[1], red[2], 0.22);
	pango_cairo_update_context(p->cr, p->pango);
	cairo_move_to(p->cr, -(double)width / PANGO_SCALE / 2, -(double)height / PANGO_SCALE / 2);
	pango_cairo_show_layout(p->cr, layout);
	cairo_restore(p->cr);
	pango_cairo_update_context(p->cr, p->pango);
	g_object_unref(layout);
}

static void draw_status_banner(struct page *p, json_t *cert, double x, double y)
{
	const char *status = json_text(cert, "status");
	char text[1400], day[32];

	if (strcmp(status, "revoked") == 0) {
		time_format_long_date(json_text(cert, "revoked_on"), day, sizeof(day));
		snprintf(text, sizeof(text), "Revoked on %s: %s", day, json_text(cert, "revocation_reason"));
	} else if (strcmp(status, "expired") == 0) {
		time_format_long_date(json_text(cert, "valid_until_on"), day, sizeof(day));
		snprintf(text, sizeof(text), "Expired on %s", day);
	} else {
		return;
	}
	draw_text(p, x, y, PAGE_WIDTH - 2 * MARGIN, "DejaVu Sans Bold 11", red, text);
}

static void draw_qr_column(struct page *p, json_t *cert)
{
	double x = PAGE_WIDTH - MARGIN - QR_SIZE, y = MARGIN + 40;
	const char *url = json_text(cert, "verify_url");

	if (qr_draw(p->cr, url, x, y, QR_SIZE) != 0)
		log_event(LOG_WARN, NULL, "event=pdf_qr_failed certificate=%s", json_text(cert, "id"));
	y += QR_SIZE + 6;
	y += draw_text(p, x, y, QR_SIZE, "DejaVu Sans 8", grey, "Scan the code or open this address to verify the certificate:");
	y += 2 + draw_text(p, x, y + 2, QR_SIZE, "DejaVu Sans Mono 7.5", navy, url);
	y += 8;
	y += draw_text(p, x, y, QR_SIZE, "DejaVu Sans 8", grey, "Certificate ID");
	draw_text(p, x, y + 1, QR_SIZE, "DejaVu Sans Mono 9", navy, json_text(cert, "id"));
}

static void draw_footer(struct page *p, json_t *mc)
{
	char text[700];

	snprintf(text, sizeof(text),
	    "Issued by the %s and promoted by %s. Micro-credentials of the alliance carry sectoral "
	    "recognition; they are not formal qualifications awarded by public authorities.",
	    MIC_ISSUER_NAME, json_text(json_object_get(mc, "promoting_organisation"), "name"));
	draw_text(p, MARGIN, PAGE_HEIGHT - MARGIN - 16, PAGE_WIDTH - 2 * MARGIN, "DejaVu Sans 7.5", grey,
	    text);
}

/* Draws page one and returns false when the learning outcomes need a page of their own. */
static bool draw_main_page(struct page *p, json_t *cert, json_t *mc, const char *outcomes)
{
	double x = MARGIN, y = MARGIN;
	const char *status = json_text(cert, "status");

	draw_frame(p->cr);
	y += draw_text(p, x, y, LEFT_WIDTH, "DejaVu Sans Bold 13", navy, MIC_ISSUER_NAME);
	y += draw_text(p, x, y + 2, LEFT_WIDTH, "DejaVu Sans 9.5", grey, "Micro-credential certificate") + 14;
	y += draw_text(p, x, y, LEFT_WIDTH, "DejaVu Serif Italic 11", grey, "This certifies that") + 2;
	y += draw_text(p, x, y, LEFT_WIDTH, "DejaVu Serif Bold 26", navy, json_text(cert, "holder_name")) + 4;
	y += draw_text(p, x, y, LEFT_WIDTH, "DejaVu Serif Italic 11", grey,
	    "has achieved the micro-credential") + 2;
	y += draw_text(p, x, y, LEFT_WIDTH, "DejaVu Sans Bold 17", navy, json_text(mc, "title")) + 12;
	y += draw_facts(p, x, y, cert, mc) + 10;
	y += draw_text(p, x, y, LEFT_WIDTH, "DejaVu Sans Bold 10", navy, "Learning outcomes") + 4;

	draw_qr_column(p, cert);
	draw_footer(p, mc);
	if (strcmp(status, "valid") != 0) {
		draw_status_banner(p, cert, MARGIN, PAGE_HEIGHT - MARGIN - 34);
		draw_watermark(p, strcmp(status, "revoked") == 0 ? "REVOKED" : "EXPIRED");
	}
	if (draw_outcomes_fitted(p, x, y, PAGE_HEIGHT - MARGIN - 40, outcomes))
		return true;
	draw_text(p, x, y, LEFT_WIDTH, "DejaVu Sans Italic 9.5", grey,
	    "The learning outcomes are listed on the next page.");
	return false;
}

static void draw_outcomes_page(struct page *p, json_t *cert, json_t *mc, const char *outcomes)
{
	double y = MARGIN;
	char heading[700];

	draw_frame(p->cr);
	snprintf(heading, sizeof(heading), "Learning outcomes of %s", json_text(mc, "title"));
	y += draw_text(p, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, "DejaVu Sans Bold 13", navy, heading) + 4;
	y += draw_text(p, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, "DejaVu Sans 9", grey,
	    json_text(cert, "holder_name")) + 10;
	/* NOTE: outcomes longer than this page are cut at its bottom edge. */
	if (!draw_outcomes_fitted(p, MARGIN, y, PAGE_HEIGHT - MARGIN - 20, outcomes)) {
		cairo_save(p->cr);
		cairo_rectangle(p->cr, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - MARGIN - 20 - y);
		cairo_clip(p->cr);
		draw_text(p, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, "DejaVu Sans 7", navy, outcomes);
		cairo_restore(p->cr);
	}
	draw_footer(p, mc);
}

static cairo_status_t write_to_buf(void *closure, const unsigned char *data, unsigned int length)
{
	buf_append(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

int pdf_render_certificate(json_t *cert, struct buf *out)
{
	json_t *mc = json_object_get(cert, "microcredential");
	cairo_surface_t *surface;
	struct page p;
	char *outcomes = outcomes_text(mc);
	char title[600];
	cairo_status_t status;

	surface = cairo_pdf_surface_create_for_stream(write_to_buf, out, PAGE_WIDTH, PAGE_HEIGHT);
	snprintf(title, sizeof(title), "Certificate: %s", json_text(mc, "title"));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "MIC");
	p.cr = cairo_create(surface);
	p.pango = pango_cairo_create_context(p.cr);
	pango_cairo_context_set_resolution(p.pango, 72.0);  /* one pango point = one PDF point */

	if (!draw_main_page(&p, cert, mc, outcomes)) {
		cairo_show_page(p.cr);
		draw_outcomes_page(&p, cert, mc, outcomes);
	}
	cairo_show_page(p.cr);
	status = cairo_status(p.cr);
	g_object_unref(p.pango);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	free(outcomes);
	if (status != CAIRO_STATUS_SUCCESS) {
		log_event(LOG_ERROR, NULL, "event=pdf_failed error=\"%s\"", cairo_status_to_string(status));
		return -1;
	}
	return 0;
}

/* cfg.cache_dir/pdf, created on first use; false when it cannot be made. */
static bool cache_folder(char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/pdf", cfg.cache_dir);

	if (n < 0 || (size_t)n >= outlen)
		return false;
	if (mkdir(cfg.cache_dir, 0750) != 0 && errno != EEXIST)
		return false;
	return mkdir(out, 0750) == 0 || errno == EEXIST;
}

/* The cache file for this content: "<id>-<sha256 of layout version and JSON>.pdf". */
static bool cache_path(json_t *cert, char *out, size_t outlen)
{
	char folder[1024], hash[65];
	char *text = json_dumps(cert, JSON_COMPACT | JSON_SORT_KEYS);
	struct buf key;
	int n;

	if (text == NULL || !cache_folder(folder, sizeof(folder))) {
		free(text);
		return false;
	}
	buf_init(&key);
	buf_printf(&key, "layout %s\n%s", PDF_LAYOUT_VERSION, text);
	sha256_hex(key.data, key.len, hash);
	buf_free(&key);
	free(text);
	n = snprintf(out, outlen, "%s/%s-%s.pdf", folder, json_text(cert, "id"), hash);
	return n > 0 && (size_t)n < outlen;
}

static bool cache_read(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[16384];
	size_t n;

	if (f == NULL)
		return false;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
	return out->len > 0;
}

/* Writes through a temporary file and rename(2), so readers never see half a file. */
static void cache_write(struct req *r, const char *path, const struct buf *pdf)
{
	char tmp[1600];
	FILE *f;
	int n = snprintf(tmp, sizeof(tmp), "%s.%.64s.tmp", path, r->request_id);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return;
	f = fopen(tmp, "wb");
	if (f == NULL || fwrite(pdf->data, 1, pdf->len, f) != pdf->len || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		log_event(LOG_WARN, r->request_id, "event=pdf_cache_write_failed error=\"%s\"",
		    strerror(errno));
		unlink(tmp);
	}
}

void pdf_cache_forget(const char *certificate_id)
{
	char folder[1024], path[1400];
	size_t idlen = strlen(certificate_id);
	struct dirent *e;
	DIR *d;

	if (snprintf(folder, sizeof(folder), "%s/pdf", cfg.cache_dir) >= (int)sizeof(folder) ||
	    (d = opendir(folder)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, certificate_id, idlen) != 0 || e->d_name[idlen] != '-')
			continue;
		snprintf(path, sizeof(path), "%s/%s", folder, e->d_name);
		unlink(path);
	}
	closedir(d);
}

/* Coordinators, issuers of the promoting organisation, and the holder. Sets *db_failed. */
static bool pdf_access(struct req *r, const char *id, long long org_id, bool *db_failed)
{
	bool owns = false;

	if (r->user->role == ROLE_COORDINATOR)
		return true;
	if (r->user->role == ROLE_LEARNER) {
		*db_failed = wallet_holder_owns(r->w, id, r->user->email, &owns) != 0;
		return owns;
	}
	return r->user->role == ROLE_ISSUER && r->user->organisation_id > 0 &&
	    r->user->organisation_id == org_id;
}

void handle_certificate_pdf(struct req *r)
{
	const char *id = r->params[0];
	long long org_id = 0;
	bool db_failed = false, cached;
	json_t *cert = NULL;
	char path[1400], disposition[96];
	struct buf *pdf = &r->w->out;

	if (!id_certificate_valid(id)) {
		reply_error(r, 404, "not_found", NULL, "no certificate has this id");
		return;
	}
	cert = certificate_load(r->w, id, false, &org_id, &db_failed);
	if (cert == NULL) {
		if (db_failed)
			reply_db_error(r);
		else
			reply_error(r, 404, "not_found", NULL, "no certificate has this id");
		return;
	}
	if (!pdf_access(r, id, org_id, &db_failed)) {
		if (db_failed)
			reply_db_error(r);
		else
			reply_error(r, 403, "forbidden", NULL, "only a coordinator, an issuer of the promoting "
			    "organisation or the holder may download this certificate");
		goto out;
	}
	/* An erased certificate has no holder left to print. */
	if (strcmp(json_text(cert, "status"), "withdrawn") == 0) {
		reply_error(r, 410, "withdrawn", NULL,
		    "the certificate was withdrawn at the holder's request and has no PDF");
		goto out;
	}
	buf_reset(pdf);
	cached = cache_path(cert, path, sizeof(path)) && cache_read(path, pdf);
	if (!cached) {
		bool names_ready = country_names_load(r->w);

		buf_reset(pdf);
		if (pdf_render_certificate(cert, pdf) != 0) {
			reply_error(r, 500, "internal", NULL, "the PDF could not be generated; it has been logged");
			goto out;
		}
		/* A PDF printed with country codes in place of names is not kept. */
		if (names_ready && cache_path(cert, path, sizeof(path)))
			cache_write(r, path, pdf);
	}
	snprintf(disposition, sizeof(disposition), "inline; filename=\"certificate-%s.pdf\"", id);
	reply_header(r, "Content-Disposition", disposition);
	reply_header(r, "Cache-Control", "private, no-cache");
	log_event(LOG_INFO, r->request_id, "event=certificate_pdf certificate=%s cached=%d bytes=%zu",
	    id, cached, pdf->len);
	reply_raw(r, 200, "application/pdf", pdf->data, pdf->len);
out:
	json_decref(cert);
}
