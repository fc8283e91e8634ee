/* tunables.c - platform TCP settings from their tools' output. */
#include "tunables.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/numparse.h"
#include "../lib/textfile.h"

static const char *const names[PLAT_COUNT] = {
	[PLAT_LINUX] = "linux",     [PLAT_AIX] = "aix",         [PLAT_HPUX] = "hpux",
	[PLAT_SOLARIS] = "solaris", [PLAT_WINDOWS] = "windows", [PLAT_MACOS] = "macos",
	[PLAT_FREEBSD] = "freebsd",
};

int platform_parse(const char *s)
{
	for (int i = 0; i < PLAT_COUNT; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	if (strcasecmp(s, "hp-ux") == 0)
		return PLAT_HPUX;
	return -1;
}

const char *platform_name(enum platform p)
{
	return (unsigned)p < PLAT_COUNT ? names[p] : "?";
}

void tunables_defaults(struct platform_tcp *t, enum platform p)
{
	memset(t, 0, sizeof(*t));
	t->platform = p;
	t->retries2 = 15;
	t->retrans_limit_ms = -1;
	t->per_socket_keepalive = true;
	t->retrans_modelled = p == PLAT_LINUX;
	switch (p) {
	case PLAT_LINUX: /* 7200/75/9 s */
		t->keepidle_ms = 7200000, t->keepintvl_ms = 75000, t->keepcnt = 9;
		break;
	case PLAT_AIX: /* tcp_keepidle 14400 half-seconds = 2 h, tcp_keepintvl 150 = 75 s */
		t->keepidle_ms = 7200000, t->keepintvl_ms = 75000, t->keepcnt = 8;
		break;
	case PLAT_HPUX: /* probes every tcp_ip_notify_interval until tcp_ip_abort_interval */
		t->keepidle_ms = 7200000, t->keepintvl_ms = 10000, t->keepcnt = 60;
		t->retrans_limit_ms = 600000, t->retries2 = -1, t->retrans_modelled = true;
		break;
	case PLAT_SOLARIS: /* abort after tcp_keepalive_abort_interval; old DCD */
		t->keepidle_ms = 7200000, t->keepintvl_ms = 60000, t->keepcnt = 8;
		t->per_socket_keepalive = false;
		break;
	case PLAT_WINDOWS: /* 10 probes, fixed since Vista; TcpMaxDataRetransmissions 5 */
		t->keepidle_ms = 7200000, t->keepintvl_ms = 1000, t->keepcnt = 10;
		t->retries2 = 5;
		break;
	case PLAT_MACOS:
	case PLAT_FREEBSD: t->keepidle_ms = 7200000, t->keepintvl_ms = 75000, t->keepcnt = 8; break;
	case PLAT_COUNT: break;
	}
}

static void warn(struct platform_tcp *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void warn(struct platform_tcp *t, const char *fmt, ...)
{
	va_list ap;

	if (t->n_warn == TUN_MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(t->warn[t->n_warn++], sizeof(t->warn[0]), fmt, ap);
	va_end(ap);
}

/* What a name means on a platform: where it goes and in which unit. */
enum slot { S_IDLE, S_INTVL, S_CNT, S_RETRIES, S_ABORT, S_KA_ABORT };
struct knob {
	enum platform p;
	const char *name;
	enum slot slot;
	int unit_ms; /* 1000 s, 500 half-s, 1 ms, 0 a count */
};

static const struct knob knobs[] = {
	{ PLAT_LINUX, "net.ipv4.tcp_keepalive_time", S_IDLE, 1000 },
	{ PLAT_LINUX, "net.ipv4.tcp_keepalive_intvl", S_INTVL, 1000 },
	{ PLAT_LINUX, "net.ipv4.tcp_keepalive_probes", S_CNT, 0 },
	{ PLAT_LINUX, "net.ipv4.tcp_retries2", S_RETRIES, 0 },
	{ PLAT_AIX, "tcp_keepidle", S_IDLE, 500 },
	{ PLAT_AIX, "tcp_keepintvl", S_INTVL, 500 },
	{ PLAT_AIX, "tcp_keepcnt", S_CNT, 0 },
	{ PLAT_HPUX, "tcp_keepalive_interval", S_IDLE, 1 },
	{ PLAT_HPUX, "tcp_ip_notify_interval", S_INTVL, 1 },
	{ PLAT_HPUX, "tcp_ip_abort_interval", S_ABORT, 1 },
	{ PLAT_SOLARIS, "tcp_keepalive_interval", S_IDLE, 1 },
	{ PLAT_SOLARIS, "_keepalive_interval", S_IDLE, 1 },
	{ PLAT_SOLARIS, "tcp_keepalive_abort_interval", S_KA_ABORT, 1 },
	{ PLAT_SOLARIS, "_keepalive_abort_interval", S_KA_ABORT, 1 },
	{ PLAT_SOLARIS, "tcp_ip_abort_interval", S_ABORT, 1 },
	{ PLAT_SOLARIS, "_ip_abort_interval", S_ABORT, 1 },
	{ PLAT_WINDOWS, "KeepAliveTime", S_IDLE, 1 },
	{ PLAT_WINDOWS, "KeepAliveInterval", S_INTVL, 1 },
	{ PLAT_WINDOWS, "TcpMaxDataRetransmissions", S_RETRIES, 0 },
	{ PLAT_MACOS, "net.inet.tcp.keepidle", S_IDLE, 1 },
	{ PLAT_MACOS, "net.inet.tcp.keepintvl", S_INTVL, 1 },
	{ PLAT_MACOS, "net.inet.tcp.keepcnt", S_CNT, 0 },
	{ PLAT_FREEBSD, "net.inet.tcp.keepidle", S_IDLE, 1 },
	{ PLAT_FREEBSD, "net.inet.tcp.keepintvl", S_INTVL, 1 },
	{ PLAT_FREEBSD, "net.inet.tcp.keepcnt", S_CNT, 0 },
};

static const struct knob *find_knob(enum platform p, const char *name)
{
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (knobs[i].p == p && (p == PLAT_WINDOWS ? strcasecmp(name, knobs[i].name)
		                                          : strcmp(name, knobs[i].name)) == 0)
			return &knobs[i];
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	for (size_t n = strlen(s); n && isspace((unsigned char)s[n - 1]); n--)
		s[n - 1] = '\0';
	return s;
}

/* "name SEP value" at the first `sep`: 1 with both set, -1 without one. */
static int split_at(char *line, int sep, char **name, char **value)
{
	char *at = strchr(line, sep);

	if (!at)
		return -1;
	*at = '\0';
	*name = trim(line);
	*value = trim(at + 1);
	return **name ? 1 : -1;
}

/* Split one line into name and value as the platform's tool prints it.
 * Returns 1 with both set, 0 for a line to skip, -1 when malformed. */
static int split(enum platform p, char *line, char **name, char **value, const char **expect)
{
	char *w[8];
	int n = 0;

	switch (p) {
	case PLAT_LINUX:
	case PLAT_AIX:
		*expect = p == PLAT_LINUX ? "\"name = value\" as sysctl -a prints it"
		                          : "\"name = value\" as no -a prints it";
		return split_at(line, '=', name, value);
	case PLAT_MACOS:
	case PLAT_FREEBSD:
		*expect = "\"name: value\" as sysctl net.inet.tcp prints it";
		return split_at(line, strchr(line, ':') ? ':' : '=', name, value);
	case PLAT_WINDOWS: {
		/* "    Name With Spaces    REG_TYPE    value" */
		*expect = "\"Name REG_DWORD 0x...\" as reg query prints it";
		if (strncasecmp(trim(line), "HKEY_", 5) == 0)
			return 0; /* the key's path */
		char *type = strstr(line, "REG_");
		if (!type || type == line)
			return -1;
		type[-1] = '\0';
		*name = trim(line);
		*value = trim(type + strcspn(type, " \t"));
		return **name ? 1 : -1;
	}
	case PLAT_HPUX:
	case PLAT_SOLARIS:
		/* "name = value", "ndd -get /dev/tcp name" then the value on the
		 * next line (handled by the caller), or ipadm's table:
		 * PROTO PROPERTY PERM CURRENT PERSISTENT DEFAULT POSSIBLE */
		*expect = p == PLAT_HPUX
		                  ? "\"name = value\" or ndd -get output"
		                  : "ipadm show-prop output, \"name = value\" or ndd -get output";
		if (strchr(line, '='))
			return split_at(line, '=', name, value);
		for (char *sv = NULL, *t = strtok_r(line, " \t", &sv); t && n < 8;
		     t = strtok_r(NULL, " \t", &sv))
			w[n++] = t;
		if (n >= 4 && strcmp(w[0], "tcp") == 0) {
			*name = w[1];
			*value = w[3];
			return 1;
		}
		if (n >= 1 && strcmp(w[0], "PROTO") == 0)
			return 0; /* ipadm's header */
		return -1;
	case PLAT_COUNT: break;
	}
	return -1;
}

static int64_t value_of(enum platform p, const char *v, bool *ok)
{
	char *end;
	long long x;

	*ok = false;
	if (!*v)
		return 0;
	x = strtoll(v, &end, p == PLAT_WINDOWS && strncasecmp(v, "0x", 2) == 0 ? 16 : 10);
	if (*end || x < 0 || x > 4000000000LL)
		return 0;
	*ok = true;
	return x;
}

static void apply(struct platform_tcp *t, const struct knob *k, int64_t v, const char *file,
                  int line)
{
	char b[40];
	int64_t ms = k->unit_ms ? v * k->unit_ms : v;
	const char *unit = k->unit_ms == 1000  ? "seconds"
	                   : k->unit_ms == 500 ? "HALF-seconds"
	                                       : "milliseconds";

	/* the unit traps of DOMAIN.md §4 */
	if (k->unit_ms == 1 && (k->slot == S_IDLE || k->slot == S_INTVL) && v > 0 && v < 1000)
		warn(t, "%s:%d: %s = %lld is in milliseconds: %s, not %lld seconds or minutes",
		     file, line, k->name, (long long)v, fmt_duration_ms(ms, b, sizeof(b)),
		     (long long)v);
	else if (k->unit_ms == 1000 && k->slot == S_IDLE && v >= 100000)
		warn(t, "%s:%d: %s = %lld is in seconds: %s (a value in milliseconds?)", file, line,
		     k->name, (long long)v, fmt_duration_ms(ms, b, sizeof(b)));
	else if (k->unit_ms == 500)
		warn(t, "%s:%d: %s = %lld is in %s: %s", file, line, k->name, (long long)v, unit,
		     fmt_duration_ms(ms, b, sizeof(b)));
	switch (k->slot) {
	case S_IDLE: t->keepidle_ms = ms; break;
	case S_INTVL: t->keepintvl_ms = ms; break;
	case S_CNT: t->keepcnt = (int)v; break;
	case S_RETRIES:
		t->retries2 = (int)v;
		t->retrans_limit_ms = -1;
		break;
	case S_ABORT:
		t->retrans_limit_ms = ms;
		t->retries2 = -1;
		t->retrans_modelled = true;
		break;
	case S_KA_ABORT:
		/* Solaris probes until the abort interval: a count in effect */
		t->keepcnt = t->keepintvl_ms > 0 ? (int)(ms / t->keepintvl_ms) : 8;
		break;
	}
}

int tunables_parse(struct platform_tcp *t, enum platform p, const char *file, const char *text,
                   struct dcd_err *err)
{
	const char *s = text;
	int line = 0;
	char pending[128] = ""; /* ndd -get NAME: the value comes next */
	bool any = false;

	tunables_defaults(t, p);
	char buf[1024];
	int rc;
	while ((rc = text_line_next(&s, buf, sizeof(buf), &line, file, err))) {
		char *name, *value;
		const char *expect = "";
		if (rc < 0)
			return -1;
		char *l = trim(buf);
		if (!*l || *l == '#')
			continue;
		if ((p == PLAT_HPUX || p == PLAT_SOLARIS) && strncmp(l, "ndd ", 4) == 0) {
			char *last = strrchr(l, ' ');
			snprintf(pending, sizeof(pending), "%s", last ? last + 1 : "");
			continue;
		}
		if (pending[0]) {
			name = pending;
			value = l;
		} else {
			int r = split(p, l, &name, &value, &expect);
			if (r == 0)
				continue;
			if (r < 0) {
				err_set(err, "%s:%d: expected %s, not \"%.60s\"", file, line,
				        expect, l);
				return -1;
			}
		}
		const struct knob *k = find_knob(p, name);
		if (k) {
			bool ok;
			int64_t v = value_of(p, value, &ok);
			if (!ok) {
				err_set(err, "%s:%d: %s: \"%.40s\" is not a number", file, line,
				        name, value);
				return -1;
			}
			if ((k->slot == S_CNT || k->slot == S_RETRIES) && v > INT_MAX) {
				err_set(err, "%s:%d: %s = %lld: expected a count from 0 to %d",
				        file, line, name, (long long)v, INT_MAX);
				return -1;
			}
			apply(t, k, v, file, line);
			any = true;
		}
		pending[0] = '\0';
	}
	if (!any) {
		err_set(err, "%s: none of %s's keepalive settings in it (is it %s output?)", file,
		        platform_name(p),
		        p == PLAT_LINUX     ? "sysctl -a"
		        : p == PLAT_AIX     ? "no -a"
		        : p == PLAT_WINDOWS ? "reg query ...\\Tcpip\\Parameters"
		        : p == PLAT_HPUX    ? "ndd -get /dev/tcp"
		        : p == PLAT_SOLARIS ? "ipadm show-prop ... tcp"
		                            : "sysctl net.inet.tcp");
		return -1;
	}
	if (p == PLAT_HPUX && t->keepintvl_ms > 0 && t->retrans_limit_ms > 0)
		t->keepcnt = (int)(t->retrans_limit_ms / t->keepintvl_ms); /* probes until abort */
	if (t->keepidle_ms <= 0 || t->keepintvl_ms <= 0 || t->keepcnt <= 0) {
		err_set(err,
		        "%s: keepalive idle, interval and count must be above 0 (read %lld ms, "
		        "%lld ms, %d)",
		        file, (long long)t->keepidle_ms, (long long)t->keepintvl_ms, t->keepcnt);
		return -1;
	}
	return 0;
}
