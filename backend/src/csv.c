/*
 * csv.c: a reader for CSV files as spreadsheet programs write them (RFC 4180 and its common
 * variants).
 *
 * - UTF-8, with or without a byte order mark; anything else is rejected with the line of the first
 *   invalid byte, because guessing a legacy encoding would corrupt names silently.
 * - Comma or semicolon as separator: spreadsheet programs in locales whose decimal mark is a comma
 *   write semicolons. The separator is the one of the two that occurs more often outside quotes in
 *   the first record (the header).
 * - Quoted fields may hold separators, doubled quotes and line breaks; records end with CRLF, LF or
 *   CR. A quote inside an unquoted field is kept as an ordinary character, as spreadsheets do.
 * - Empty lines are skipped. Each record reports the physical line it starts on, so error messages
 *   point at the line a person sees in a text editor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#define CSV_MAX_FIELDS 64

void csv_record_free(struct csv_record *rec)
{
	for (size_t i = 0; i < rec->count; i++)
		free(rec->fields[i]);
	free(rec->fields);
	memset(rec, 0, sizeof(*rec));
}

static void record_push(struct csv_record *rec, struct buf *field)
{
	rec->fields = xrealloc(rec->fields, (rec->count + 1) * sizeof(char *));
	rec->fields[rec->count++] = xstrndup(field->data ? field->data : "", field->len);
	buf_reset(field);
}

/* Counts commas and semicolons outside quotes up to the end of the first record. */
static char detect_separator(const char *s, size_t len)
{
	size_t commas = 0, semicolons = 0;
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
			break;
		else if (!quoted && s[i] == ',')
			commas++;
		else if (!quoted && s[i] == ';')
			semicolons++;
	}
	return semicolons > commas ? ';' : ',';
}

/* Returns the 1-based line number of the first invalid UTF-8 byte, or 0 when all is valid. */
static size_t invalid_utf8_line(const char *s, size_t len)
{
	size_t line = 1, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '\n') {
			if (!utf8_valid(s + start, i - start))
				return line;
			line++;
			start = i + 1;
		}
	}
	return 0;
}

int csv_open(struct csv_reader *reader, const char *data, size_t len, char *err, size_t errlen)
{
	size_t bad_line;

	memset(reader, 0, sizeof(*reader));
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	bad_line = invalid_utf8_line(data, len);
	if (bad_line) {
		snprintf(err, errlen, "line %zu is not valid UTF-8 (or holds a NUL byte): save the file "
		    "as \"CSV UTF-8\"", bad_line);
		return -1;
	}
	reader->data = data;
	reader->len = len;
	reader->line = 1;
	reader->separator = detect_separator(data, len);
	return 0;
}

/* Consumes one line break at the current position (CRLF, LF or CR); false when there is none. */
static bool take_line_break(struct csv_reader *reader)
{
	const char *s = reader->data;

	if (reader->pos < reader->len && s[reader->pos] == '\r') {
		reader->pos++;
		if (reader->pos < reader->len && s[reader->pos] == '\n')
			reader->pos++;
		reader->line++;
		return true;
	}
	if (reader->pos < reader->len && s[reader->pos] == '\n') {
		reader->pos++;
		reader->line++;
		return true;
	}
	return false;
}

/* Reads a quoted field whose opening quote is at reader->pos. */
static int read_quoted(struct csv_reader *reader, struct buf *field, char *err, size_t errlen)
{
	const char *s = reader->data;
	size_t opened_on = reader->line;

	reader->pos++;
	for (;;) {
		if (reader->pos >= reader->len) {
			snprintf(err, errlen, "line %zu: a quoted field is never closed; add the closing \"",
			    opened_on);
			return -1;
		}
		if (s[reader->pos] == '"') {
			if (reader->pos + 1 < reader->len && s[reader->pos + 1] == '"') {
				buf_putc(field, '"');
				reader->pos += 2;
				continue;
			}
			reader->pos++;
			break;
		}
		if (s[reader->pos] == '\r' || s[reader->pos] == '\n') {
			size_t from = reader->pos;

			take_line_break(reader);
			buf_append(field, s + from, reader->pos - from);
			continue;
		}
		buf_putc(field, s[reader->pos++]);
	}
	/* Text after the closing quote (`"a"b`) is kept, as spreadsheet programs do. */
	while (reader->pos < reader->len && s[reader->pos] != reader->separator &&
	    s[reader->pos] != '\r' && s[reader->pos] != '\n')
		buf_putc(field, s[reader->pos++]);
	return 0;
}

int csv_next(struct csv_reader *reader, struct csv_record *rec, char *err, size_t errlen)
{
	const char *s = reader->data;
	struct buf field;

	memset(rec, 0, sizeof(*rec));
	while (take_line_break(reader))
		;  /* empty lines */
	if (reader->pos >= reader->len)
		return 0;
	rec->line = reader->line;
	buf_init(&field);
	for (;;) {
		if (rec->count == CSV_MAX_FIELDS) {
			snprintf(err, errlen, "line %zu has more than %d columns", rec->line, CSV_MAX_FIELDS);
			goto failed;
		}
		if (reader->pos < reader->len && s[reader->pos] == '"') {
			if (read_quoted(reader, &field, err, errlen) != 0)
				goto failed;
		} else {
			while (reader->pos < reader->len && s[reader->pos] != reader->separator &&
			    s[reader->pos] != '\r' && s[reader->pos] != '\n')
				buf_putc(&field, s[reader->pos++]);
		}
		record_push(rec, &field);
		if (reader->pos < reader->len && s[reader->pos] == reader->separator) {
			reader->pos++;
			continue;
		}
		take_line_break(reader);
		break;
	}
	buf_free(&field);
	return 1;
failed:
	buf_free(&field);
	csv_record_free(rec);
	return -1;
}
