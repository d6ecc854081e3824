/* Tests of mail.c without a database: backoff, message format and piping to a mail program. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "mic.h"

static void test_backoff(void)
{
	CHECK(mail_backoff_seconds(1) == 60);
	CHECK(mail_backoff_seconds(2) == 120);
	CHECK(mail_backoff_seconds(3) == 240);
	CHECK(mail_backoff_seconds(9) == 15360);
	CHECK(mail_backoff_seconds(10) == 21600);
	CHECK(mail_backoff_seconds(1000) == 21600);
}

static void test_format(void)
{
	struct buf b;

	buf_init(&b);
	mail_format(&b, "MIC <no-reply@mic.example>", "ana@example.org", "Plain subject",
	    "Hello Ana,\nline two", 42, 0);
	CHECK(strstr(b.data, "From: MIC <no-reply@mic.example>\n") == b.data);
	CHECK(strstr(b.data, "\nTo: ana@example.org\n") != NULL);
	CHECK(strstr(b.data, "\nSubject: Plain subject\n") != NULL);
	CHECK(strstr(b.data, "\nDate: Thu, 01 Jan 1970 00:00:00 +0000\n") != NULL);
	CHECK(strstr(b.data, "\nMessage-ID: <mic-outbox-42.0@mic.example>\n") != NULL);
	CHECK(strstr(b.data, "charset=UTF-8") != NULL);
	CHECK(strstr(b.data, "\n\nHello Ana,\nline two\n") != NULL);
	buf_free(&b);

	/* A non-ASCII subject becomes an RFC 2047 encoded word; a line break cannot add a header. */
	buf_init(&b);
	mail_format(&b, "no-reply@mic.example", "ana@example.org", "Zoë\nBcc: x@example.org", "x", 1, 0);
	CHECK(strstr(b.data, "\nSubject: =?UTF-8?B?") != NULL);
	CHECK(strstr(b.data, "\nBcc:") == NULL);
	buf_free(&b);
}

static void test_program(void)
{
	char path[] = "/tmp/mic-test-mail-XXXXXX";
	int fd = mkstemp(path);
	char command[128], err[256], read_back[64] = { 0 };
	FILE *f;

	CHECK(fd >= 0);
	close(fd);
	snprintf(command, sizeof command, "cat > %s", path);
	CHECK(mail_send_with_program(command, "To: a@b.c\n\nhi\n", 14, err, sizeof err) == 0);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		CHECK(fread(read_back, 1, sizeof read_back - 1, f) == 14);
		fclose(f);
	}
	CHECK_STR(read_back, "To: a@b.c\n\nhi\n");
	unlink(path);

	CHECK(mail_send_with_program("exit 75", "x\n", 2, err, sizeof err) != 0);
	CHECK(strstr(err, "status 75") != NULL);
	CHECK(mail_send_with_program("/nonexistent/sendmail -t", "x\n", 2, err, sizeof err) != 0);
}

int main(void)
{
	/* As in mic-server: a program that exits before reading its input must not kill the writer. */
	signal(SIGPIPE, SIG_IGN);
	test_backoff();
	test_format();
	test_program();
	return check_summary("test_mail");
}
