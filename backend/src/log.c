/*
 * log.c: one line per event, in the form
 *   2026-12-04T20:30:00.123Z level=info req=ID event=... key=value ...
 * on standard error, or appended to the file that log_open_file() opened (MIC_LOG_FILE).
 * Each line is written with a single write(2), so lines of concurrent threads never interleave.
 * Control characters in the formatted text become '?', so no value can forge a second line.
 *
 * When a write to the log file fails (ENOSPC on a full disk, EIO, EDQUOT, ...), the line is
 * dropped and counted, and the first failure writes one event line naming the file and errno to
 * standard error. The next successful write reports the recovery there and in the file. Neither
 * case stops or blocks the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mic.h"

static enum log_level min_level = LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

static int log_fd = STDERR_FILENO;
static char log_path[512];
/* errno of the failed write that started the current failure, 0 while writes succeed. */
static atomic_int log_failure_errno;
/* Lines dropped since the current failure started. */
static atomic_ullong log_dropped_lines;

int log_open_file(const char *path, char *err, size_t errlen)
{
	size_t len = strlen(path);
	int fd;

	if (len >= sizeof(log_path)) {
		snprintf(err, errlen, "MIC_LOG_FILE is too long: at most %zu bytes", sizeof(log_path) - 1);
		return -1;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the log file MIC_LOG_FILE=%s: %s", path, strerror(errno));
		return -1;
	}
	memcpy(log_path, path, len + 1);
	log_fd = fd;
	return 0;
}

int log_file_state(const char **path, unsigned long long *dropped_lines)
{
	*path = log_fd == STDERR_FILENO ? "standard error" : log_path;
	*dropped_lines = atomic_load(&log_dropped_lines);
	return atomic_load(&log_failure_errno);
}

/* Formats the line prefix "TIME level=LEVEL req=ID " into line and returns its length, or -1. */
static int format_head(char *line, size_t size, enum log_level level, const char *request_id)
{
	struct timespec ts;
	struct tm tm;
	int head;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	head = snprintf(line, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s req=%s ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ts.tv_nsec / 1000000, level_names[level], request_id && *request_id ? request_id : "-");
	if (head < 0 || (size_t)head >= size)
		return -1;
	return head;
}

/* Writes one formatted event line to standard error, where the supervisor keeps it. */
static void report_on_stderr(enum log_level level, const char *fmt, ...) MIC_PRINTF(2, 3);
static void report_on_stderr(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int head, body;

	head = format_head(line, sizeof(line), level, NULL);
	if (head < 0)
		return;
	va_start(ap, fmt);
	body = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	va_end(ap);
	if (body < 0)
		return;
	size_t len = strlen(line);
	line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0) {
		/* Standard error failed too, so there is nowhere left to report it. */
	}
}

/*
 * Records a failed or short write of a line to the log file. Only the thread that moves the state
 * from working to failing reports it, so a full disk gives one line on standard error, not one
 * per request.
 */
static void log_write_failed(int errnum)
{
	int expected = 0;

	atomic_fetch_add(&log_dropped_lines, 1);
	if (!atomic_compare_exchange_strong(&log_failure_errno, &expected, errnum))
		return;
	report_on_stderr(LOG_ERROR, "event=log_write_failed file=%s errno=%d error=\"%s\" "
	    "action=\"log lines are dropped until a write succeeds; %s %s\"", log_path, errnum,
	    strerror(errnum), errnum == ENOSPC || errnum == EDQUOT ? "free space on the disk of" :
	    "check the disk and permissions of", log_path);
}

/* Ends a failure after a successful write, reporting how many lines were lost. */
static void log_write_recovered(void)
{
	int errnum = atomic_exchange(&log_failure_errno, 0);
	unsigned long long dropped;

	if (errnum == 0)
		return;
	dropped = atomic_exchange(&log_dropped_lines, 0);
	report_on_stderr(LOG_INFO, "event=log_write_recovered file=%s dropped_lines=%llu", log_path,
	    dropped);
	log_event(LOG_WARN, NULL, "event=log_write_recovered file=%s errno=%d error=\"%s\" dropped_lines=%llu",
	    log_path, errnum, strerror(errnum), dropped);
}

void log_set_level(enum log_level level)
{
	min_level = level;
}

int log_parse_level(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

bool log_enabled(enum log_level level)
{
	return level >= min_level;
}

void log_event(enum log_level level, const char *request_id, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int head, body;
	size_t len;
	ssize_t written;

	if (!log_enabled(level))
		return;
	head = format_head(line, sizeof(line), level, request_id);
	if (head < 0)
		return;
	va_start(ap, fmt);
	body = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	va_end(ap);
	if (body < 0)
		return;
	len = strlen(line);
	for (size_t i = (size_t)head; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[len++] = '\n';
	written = write(log_fd, line, len);
	if (log_fd == STDERR_FILENO)
		return;  /* standard error has no other place to report its own failures */
	if (written < 0)
		log_write_failed(errno);
	else if ((size_t)written < len)
		log_write_failed(ENOSPC);  /* a short write to a regular file means the disk filled up */
	else if (atomic_load(&log_failure_errno) != 0)
		log_write_recovered();
}
