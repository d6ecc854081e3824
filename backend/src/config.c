/*
 * config.c: settings from MIC_* environment variables, read once before the threads start.
 * DEVELOPERS.md lists every variable with its default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mic.h"

struct config cfg;

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

static int env_number(const char *name, long long fallback, long long min, long long max,
    long long *out, char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		*out = fallback;
		return 0;
	}
	if (parse_long(v, min, max, out) != 0) {
		snprintf(err, errlen, "%s=%s is invalid: expected a whole number from %lld to %lld", name,
		    v, min, max);
		return -1;
	}
	return 0;
}

int config_load(char *err, size_t errlen)
{
	long long n;
	const char *mode, *level;
	char *end;
	size_t len;
	static char public_url[512];
	char zone_path[512];

	cfg.db_socket = env_or("MIC_DB_SOCKET", "/run/mysqld/mysqld.sock");
	cfg.db_name = env_or("MIC_DB_NAME", "mic");
	cfg.db_user = env_or("MIC_DB_USER", "root");
	cfg.db_password = env_or("MIC_DB_PASSWORD", "");
	cfg.listen = env_or("MIC_LISTEN", "var/run/backend.sock");
	cfg.web_root = env_or("MIC_WEB_ROOT", "frontend/dist");
	cfg.sql_dir = env_or("MIC_SQL_DIR", "sql");
	cfg.keys_dir = env_or("MIC_KEYS_DIR", "var/keys");
	cfg.timezone = env_or("MIC_TIMEZONE", "Europe/Brussels");
	cfg.cache_dir = env_or("MIC_CACHE_DIR", "var/cache");
	cfg.log_file = env_or("MIC_LOG_FILE", NULL);

	len = strlen(env_or("MIC_PUBLIC_URL", "http://127.0.0.1:8080"));
	if (len >= sizeof(public_url)) {
		snprintf(err, errlen, "MIC_PUBLIC_URL is too long: at most %zu bytes",
		    sizeof(public_url) - 1);
		return -1;
	}
	memcpy(public_url, env_or("MIC_PUBLIC_URL", "http://127.0.0.1:8080"), len + 1);
	while (len > 0 && public_url[len - 1] == '/')
		public_url[--len] = '\0';
	if (strncmp(public_url, "http://", 7) != 0 && strncmp(public_url, "https://", 8) != 0) {
		snprintf(err, errlen, "MIC_PUBLIC_URL=%s is invalid: it must start with http:// or https://",
		    public_url);
		return -1;
	}
	cfg.public_url = public_url;
	cfg.cookie_secure = strncmp(public_url, "https://", 8) == 0;

	mode = env_or("MIC_SOCKET_MODE", "0660");
	cfg.socket_mode = (int)strtol(mode, &end, 8);
	if (*end != '\0' || cfg.socket_mode <= 0 || cfg.socket_mode > 0777) {
		snprintf(err, errlen, "MIC_SOCKET_MODE=%s is invalid: expected an octal mode such as 0660",
		    mode);
		return -1;
	}
	if (env_number("MIC_THREADS", 16, 1, 256, &n, err, errlen) != 0)
		return -1;
	cfg.threads = (int)n;
	if (env_number("MIC_MAX_BODY", 1048576, 1024, 64LL * 1024 * 1024, &n, err, errlen) != 0)
		return -1;
	cfg.max_body = (size_t)n;
	if (env_number("MIC_SESSION_TTL", 28800, 60, 30LL * 86400, &n, err, errlen) != 0)
		return -1;
	cfg.session_ttl = (int)n;
	if (env_number("MIC_SCRYPT_LOG_N", 15, 10, 20, &n, err, errlen) != 0)
		return -1;
	cfg.scrypt_log_n = (int)n;

	level = env_or("MIC_LOG_LEVEL", "info");
	if (log_parse_level(level, &cfg.log_level) != 0) {
		snprintf(err, errlen, "MIC_LOG_LEVEL=%s is invalid: use debug, info, warn or error", level);
		return -1;
	}
	log_set_level(cfg.log_level);

	snprintf(zone_path, sizeof(zone_path), "/usr/share/zoneinfo/%s", cfg.timezone);
	if (strstr(cfg.timezone, "..") != NULL || access(zone_path, R_OK) != 0) {
		snprintf(err, errlen, "MIC_TIMEZONE=%s is not a known time zone: use a name such as "
		    "Europe/Brussels from /usr/share/zoneinfo", cfg.timezone);
		return -1;
	}

	/* localtime_r() then gives calendar days in the alliance's zone in every thread. */
	if (setenv("TZ", cfg.timezone, 1) != 0) {
		snprintf(err, errlen, "cannot set TZ to MIC_TIMEZONE=%s", cfg.timezone);
		return -1;
	}
	tzset();
	return 0;
}
