/*
 * qr.c: QR codes of verification URLs as SVG and PNG.
 *
 * libqrencode picks the smallest version that fits the text at error correction level M, which
 * survives about 15% damage to a printed code. Both renderers surround the symbol with the quiet
 * zone of 4 light modules that ISO/IEC 18004 requires, so the images need no extra margin.
 * libqrencode is thread-safe when built with pthread support, as Debian builds it.
 */
#include <stdlib.h>

#include <cairo.h>
#include <qrencode.h>

#include "mic.h"

#define QR_QUIET_ZONE 4
/* Caps the PNG at 2960 px a side: a version-40 code (177 modules) with its quiet zone. */
#define QR_PNG_MAX_MODULE_PX 16

/* Encodes text, or returns NULL for NULL or empty text and for text too long for any version. */
static QRcode *qr_encode(const char *text)
{
	if (!text || !*text)
		return NULL;
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

static bool qr_module_dark(const QRcode *code, int x, int y)
{
	return code->data[(size_t)y * (size_t)code->width + (size_t)x] & 1;
}

/* Returns the length of the run of dark modules that starts at (x, y), 0 when (x, y) is light. */
static int qr_dark_run(const QRcode *code, int x, int y)
{
	int end = x;
	while (end < code->width && qr_module_dark(code, end, y))
		end++;
	return end - x;
}

/*
 * Writes an SVG whose user unit is one module. Each horizontal run of dark modules becomes one
 * rectangle of a single path, which keeps a version-4 code near 2 KB. The image has no width or
 * height, so it fills whatever box the page gives it.
 */
int qr_svg(const char *text, struct buf *out)
{
	QRcode *code = qr_encode(text);
	if (!code)
		return -1;

	int side = code->width + 2 * QR_QUIET_ZONE;
	buf_printf(out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
	    " shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    side, side, side, side);
	for (int y = 0; y < code->width; y++) {
		int x = 0;
		while (x < code->width) {
			int run = qr_dark_run(code, x, y);
			if (run == 0) {
				x++;
				continue;
			}
			buf_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run, run);
			x += run;
		}
	}
	buf_puts(out, "\"/></svg>\n");

	QRcode_free(code);
	return 0;
}

static cairo_status_t qr_png_write(void *closure, const unsigned char *data, unsigned int length)
{
	buf_append(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* Fills the dark modules black on a white background, module_px pixels per module. */
static void qr_png_draw(cairo_t *cr, const QRcode *code, int module_px)
{
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);

	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int y = 0; y < code->width; y++) {
		int x = 0;
		while (x < code->width) {
			int run = qr_dark_run(code, x, y);
			if (run == 0) {
				x++;
				continue;
			}
			cairo_rectangle(cr, (x + QR_QUIET_ZONE) * module_px, (y + QR_QUIET_ZONE) * module_px,
			    run * module_px, module_px);
			x += run;
		}
	}
	cairo_fill(cr);
}

/* Appends a PNG with module_px (1 to 16) pixels per module. On failure out is left as it was. */
int qr_png(const char *text, int module_px, struct buf *out)
{
	QRcode *code = NULL;
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	size_t start = out->len;
	int rc = -1;

	if (module_px < 1 || module_px > QR_PNG_MAX_MODULE_PX)
		goto out;
	code = qr_encode(text);
	if (!code)
		goto out;

	int side = (code->width + 2 * QR_QUIET_ZONE) * module_px;
	surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
		goto out;
	cr = cairo_create(surface);
	qr_png_draw(cr, code, module_px);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_surface_flush(surface);

	if (cairo_surface_write_to_png_stream(surface, qr_png_write, out) != CAIRO_STATUS_SUCCESS)
		goto out;
	rc = 0;

out:
	if (rc != 0 && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	if (code)
		QRcode_free(code);
	return rc;
}

/*
 * Draws the code with its quiet zone as a white square of side `size` (user units) whose top left
 * corner is (x, y). On a PDF surface the modules stay vector rectangles.
 */
int qr_draw(cairo_t *cr, const char *text, double x, double y, double size)
{
	QRcode *code = qr_encode(text);
	double module;

	if (!code)
		return -1;
	module = size / (code->width + 2 * QR_QUIET_ZONE);
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, 0, 0, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int row = 0; row < code->width; row++) {
		int col = 0;

		while (col < code->width) {
			int run = qr_dark_run(code, col, row);

			if (run == 0) {
				col++;
				continue;
			}
			cairo_rectangle(cr, (col + QR_QUIET_ZONE) * module, (row + QR_QUIET_ZONE) * module,
			    run * module, module);
			col += run;
		}
	}
	cairo_fill(cr);
	cairo_restore(cr);
	QRcode_free(code);
	return 0;
}
