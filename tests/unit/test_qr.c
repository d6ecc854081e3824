/*
 * Tests of qr.c. The PNG is decoded by zbarimg (zbar-tools), so the test proves that a real reader
 * gets the URL back, not only that an image was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "mic.h"

/* 45 characters: a version-4 symbol (33 modules) at error correction level M. */
static const char verify_url[] = "https://mic.example.eu/v/7k2m9q4x8r1t6v3w5y0z";

/*
 * Decodes the QR code in a PNG with zbarimg and returns its text without the final newline, or
 * NULL when zbarimg found none. The result is owned by the caller.
 */
static char *decode_png(const struct buf *png)
{
	char path[] = "/tmp/mic-test-qr-XXXXXX";
	char command[128];
	char decoded[512];
	char *text = NULL;

	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	ssize_t written = write(fd, png->data, png->len);
	close(fd);
	if (written != (ssize_t)png->len)
		goto out;

	/* zbarimg prints a harmless D-Bus error on standard error, hence the redirection. */
	int n = snprintf(command, sizeof command, "zbarimg --raw -q %s 2>/dev/null", path);
	if (n < 0 || (size_t)n >= sizeof command)
		goto out;
	FILE *pipe = popen(command, "r");
	if (!pipe)
		goto out;
	size_t len = fread(decoded, 1, sizeof decoded - 1, pipe);
	int status = pclose(pipe);
	if (status != 0 || len == 0)
		goto out;
	decoded[len] = '\0';
	if (decoded[len - 1] == '\n')
		decoded[len - 1] = '\0';
	text = strdup(decoded);

out:
	unlink(path);
	return text;
}

static void test_png_decodes_to_url(void)
{
	struct buf png;
	buf_init(&png);
	CHECK(qr_png(verify_url, 8, &png) == 0);
	CHECK(png.len > 8);
	if (png.len > 8)
		CHECK(memcmp(png.data, "\x89PNG\r\n\x1a\n", 8) == 0);

	char *decoded = decode_png(&png);
	CHECK_STR(decoded, verify_url);
	free(decoded);
	buf_free(&png);
}

static void test_png_small_modules(void)
{
	struct buf png;
	buf_init(&png);
	CHECK(qr_png(verify_url, 3, &png) == 0);
	char *decoded = decode_png(&png);
	CHECK_STR(decoded, verify_url);
	free(decoded);
	buf_free(&png);
}

static void test_svg_shape(void)
{
	struct buf svg;
	buf_init(&svg);
	CHECK(qr_svg(verify_url, &svg) == 0);
	CHECK(svg.len > 0);
	CHECK(strncmp(svg.data, "<svg", 4) == 0);
	CHECK(strstr(svg.data, "viewBox=\"0 0 41 41\"") != NULL);
	CHECK(strstr(svg.data, "shape-rendering=\"crispEdges\"") != NULL);
	CHECK(strstr(svg.data, " width=\"41\" height=\"41\" fill=\"#fff\"") != NULL);
	CHECK(strstr(svg.data, "<svg width") == NULL);
	CHECK(strstr(svg.data, "</svg>") != NULL);

	/* One path of dark modules, and the top-left finder pattern starts right after the quiet zone. */
	const char *path = strstr(svg.data, "<path");
	CHECK(path != NULL);
	if (path)
		CHECK(strstr(path + 1, "<path") == NULL);
	CHECK(strstr(svg.data, "d=\"M4 4h7v1h-7z") != NULL);
	buf_free(&svg);
}

static void test_empty_text_fails(void)
{
	struct buf b;
	buf_init(&b);
	CHECK(qr_svg("", &b) == -1);
	CHECK(b.len == 0);
	CHECK(qr_png("", 8, &b) == -1);
	CHECK(b.len == 0);
	CHECK(qr_svg(NULL, &b) == -1);
	CHECK(qr_png(NULL, 8, &b) == -1);
	CHECK(b.len == 0);
	buf_free(&b);
}

static void test_png_bad_module_size_fails(void)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "kept");
	CHECK(qr_png(verify_url, 0, &b) == -1);
	CHECK(qr_png(verify_url, 1000, &b) == -1);
	CHECK_STR(b.data, "kept");
	CHECK(b.len == 4);
	buf_free(&b);
}

int main(void)
{
	CHECK(strlen(verify_url) == 45);
	test_png_decodes_to_url();
	test_png_small_modules();
	test_svg_shape();
	test_empty_text_fails();
	test_png_bad_module_size_fails();
	return check_summary("test_qr");
}
