/* scenario.c - read a scenario file (the format is in scenario.h). */
#include "scenario.h"

#include "measure.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/textfile.h"
#include "../lib/numparse.h"
#include "measure.h"
#include "sqlnet.h"
#include "outcome.h"
#include "plan.h"
#include "driver.h"
#include "profile.h"

#define MAX_WORDS 64

/* One line being read: its words, and where errors point. */
struct line {
	const char *file;
	int no;
	char *w[MAX_WORDS];
	int n;
	const char *rest[MAX_WORDS]; /* the line's text from word i on */
};

static int fail(struct dcd_err *err, const struct line *l, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(struct dcd_err *err, const struct line *l, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(err, "%s:%d: %s", l->file, l->no, msg);
	return -1;
}

static int duration(const struct line *l, int i, int64_t max_ms, int64_t *out, struct dcd_err *err)
{
	if (i >= l->n)
		return fail(err, l, "expected a duration after \"%s\"", l->w[i - 1]);
	if (parse_duration_ms(l->w[i], 1000, out) != 0 || *out < 0 || *out > max_ms) {
		char b[32];
		return fail(err, l, "\"%s\": expected a duration up to %s (\"3s\", \"250ms\")",
		            l->w[i], fmt_duration_ms(max_ms, b, sizeof(b)));
	}
	return 0;
}

static int number(const struct line *l, int i, long min, long max, long *out, struct dcd_err *err)
{
	if (i >= l->n)
		return fail(err, l, "expected a number after \"%s\"", l->w[i - 1]);
	if (parse_long(l->w[i], min, max, out) != 0)
		return fail(err, l, "\"%s\": expected a whole number from %ld to %ld", l->w[i], min,
		            max);
	return 0;
}

/* "2/1/3": TCP_KEEPIDLE s / TCP_KEEPINTVL s / TCP_KEEPCNT, Linux's ranges. */
static int keepalive(const struct line *l, int i, int *idle, int *intvl, int *cnt,
                     struct dcd_err *err)
{
	long v[3];
	char buf[64], *save = NULL, *tok;
	int k = 0;
	static const long max[3] = { 32767, 32767, 127 };

	if (i >= l->n || strlen(l->w[i]) >= sizeof(buf))
		return fail(err, l, "expected IDLE/INTVL/COUNT after \"keepalive\" (\"2/1/3\")");
	strcpy(buf, l->w[i]);
	for (tok = strtok_r(buf, "/", &save); tok && k < 3; tok = strtok_r(NULL, "/", &save), k++)
		if (parse_long(tok, 1, max[k], &v[k]) != 0)
			break;
	if (k != 3 || tok)
		return fail(
		        err, l,
		        "\"%s\": expected IDLE/INTVL/COUNT in seconds, seconds, probes (\"2/1/3\"; "
		        "1-32767, 1-32767, 1-127)",
		        l->w[i]);
	*idle = (int)v[0], *intvl = (int)v[1], *cnt = (int)v[2];
	return 0;
}

static int copy(char *dst, size_t size, const struct line *l, int i, const char *what,
                struct dcd_err *err)
{
	if (i >= l->n)
		return fail(err, l, "expected %s", what);
	if (strlen(l->rest[i]) >= size)
		return fail(err, l, "%s longer than %zu bytes", what, size - 1);
	strcpy(dst, l->rest[i]);
	return 0;
}

static int release_word(char *dst, const struct line *l, int i, struct dcd_err *err)
{
	if (i >= l->n || strlen(l->w[i]) >= 16 || !isdigit((unsigned char)l->w[i][0]))
		return fail(err, l, "expected an Oracle release (11.2, 12.1, 19c, 23ai)");
	strcpy(dst, l->w[i]);
	return 0;
}

static int server_line(struct scenario *s, const struct line *l, struct dcd_err *err)
{
	const char *k = l->n > 1 ? l->w[1] : "";
	long v = 0;

	if (strcmp(k, "keepalive") == 0)
		return keepalive(l, 2, &s->keepidle_s, &s->keepintvl_s, &s->keepcnt, err);
	if (strcmp(k, "expire_time") == 0) {
		if (number(l, 2, 0, SQLNET_EXPIRE_TIME_MAX_MIN, &v, err) != 0)
			return -1;
		s->expire_time_min = (int)v;
		return 0;
	}
	if (strcmp(k, "release") == 0)
		return release_word(s->release, l, 2, err);
	if (strcmp(k, "ns-probes") == 0) {
		s->ns_probes = true;
		if (l->n == 2)
			return 0;
		if (strcmp(l->w[2], "every") != 0)
			return fail(err, l, "\"%s\": expected \"every DUR\"", l->w[2]);
		return duration(l, 3, 3600000, &s->probe_interval_ms, err);
	}
	if (strcmp(k, "user_timeout") == 0)
		return duration(l, 2, 3600000, &s->user_timeout_ms, err);
	if (strcmp(k, "tcp_retries2") == 0) {
		if (number(l, 2, 1, 15, &v, err) != 0)
			return -1;
		s->tcp_retries2 = (int)v;
		return 0;
	}
	if (strcmp(k, "sqlnet") == 0)
		return copy(s->sqlnet, sizeof(s->sqlnet), l, 2, "a sqlnet.ora path", err);
	int64_t *limit = strcmp(k, "max_idle_time") == 0           ? &s->limits.max_idle_ms
	                 : strcmp(k, "max_idle_blocker_time") == 0 ? &s->limits.max_idle_blocker_ms
	                 : strcmp(k, "idle_time") == 0             ? &s->limits.idle_time_ms
	                                                           : NULL;
	if (limit) {
		/* Minutes, as the database takes them; "3s" is lab scale. */
		if (l->n != 3 || db_limit_parse_ms(l->w[2], limit) != 0 || *limit == 0)
			return fail(err, l,
			            "%s: expected minutes (a bare number) or a lab-scale duration "
			            "such as 3s",
			            k);
		return 0;
	}
	return fail(err, l,
	            "server: expected keepalive, expire_time, release, ns-probes, user_timeout, "
	            "tcp_retries2, sqlnet, max_idle_time, max_idle_blocker_time or idle_time");
}

/* client measure [min DUR] [max DUR] [precision DUR] [connections N] */
static int measure_line(struct scenario *s, const struct line *l, struct dcd_err *err)
{
	s->measure = true;
	for (int i = 2; i < l->n; i++) {
		const char *k = l->w[i];
		long v = 0;
		int rc;
		if (strcmp(k, "sequential") == 0) {
			s->measure_sequential = true;
			continue;
		}
		if (i + 1 >= l->n)
			return fail(err, l, "measure: \"%s\" needs a value", k);
		i++; /* k's value */
		if (strcmp(k, "min") == 0)
			rc = duration(l, i, 86400000, &s->measure_min_ms, err);
		else if (strcmp(k, "max") == 0)
			rc = duration(l, i, 86400000, &s->measure_max_ms, err);
		else if (strcmp(k, "precision") == 0)
			rc = duration(l, i, 3600000, &s->measure_precision_ms, err);
		else if (strcmp(k, "connections") == 0 &&
		         (rc = number(l, i, 4, 1024, &v, err)) == 0)
			s->measure_connections = (int)v;
		else if (strcmp(k, "connections") != 0)
			return fail(err, l,
			            "measure: \"%s\": expected min, max, precision, connections or "
			            "sequential",
			            k);
		if (rc != 0)
			return -1;
	}
	if (s->measure_min_ms && s->measure_max_ms && s->measure_min_ms >= s->measure_max_ms)
		return fail(err, l, "measure: min must be shorter than max");
	return 0;
}

static int client_line(struct scenario *s, const struct line *l, struct dcd_err *err)
{
	const char *k = l->n > 1 ? l->w[1] : "";

	if (isdigit((unsigned char)k[0])) { /* client N plan ... */
		long n;
		struct plan p;
		if (number(l, 1, 1, SCN_MAX_CLIENTS, &n, err) != 0)
			return -1;
		if (l->n < 3 || strcmp(l->w[2], "plan") != 0)
			return fail(err, l, "client %ld: expected \"plan ...\"", n);
		char *dst = s->client_plan[n - 1];
		if (copy(dst, sizeof(s->client_plan[0]), l, 3, "a plan (\"lock t, idle 5s, call\")",
		         err))
			return -1;
		if (plan_parse(&p, dst, err) != 0) {
			err_prefix(err, "%s:%d", l->file, l->no);
			return -1;
		}
		return 0;
	}

	if (strcmp(k, "plan") == 0) {
		struct plan p;
		if (copy(s->plan, sizeof(s->plan), l, 2, "a plan (\"call, idle 5s, call\")", err))
			return -1;
		if (plan_parse(&p, s->plan, err) != 0) {
			err_prefix(err, "%s:%d", l->file, l->no);
			return -1;
		}
		return 0;
	}
	if (strcmp(k, "keepalive") == 0)
		return keepalive(l, 2, &s->c_keepidle_s, &s->c_keepintvl_s, &s->c_keepcnt, err);
	if (strcmp(k, "release") == 0)
		return release_word(s->client_release, l, 2, err);
	if (strcmp(k, "call_timeout") == 0)
		return duration(l, 2, 3600000, &s->call_timeout_ms, err);
	if (strcmp(k, "connect") == 0)
		return copy(s->connect, sizeof(s->connect), l, 2, "a connect string", err);
	if (strcmp(k, "tcp_retries2") == 0) {
		long v = 0;
		if (number(l, 2, 1, 15, &v, err) != 0)
			return -1;
		s->c_tcp_retries2 = (int)v;
		return 0;
	}
	if (strcmp(k, "measure") == 0)
		return measure_line(s, l, err);
	if (strcmp(k, "driver") == 0) {
		if (l->n != 3 || (s->client_driver = client_driver_parse(l->w[2])) < 0)
			return fail(err, l, "driver: expected " CLIENT_DRIVERS);
		return 0;
	}
	if (strcmp(k, "jdbc_properties") == 0)
		return copy(s->jdbc_properties, sizeof(s->jdbc_properties), l, 2,
		            "a JDBC properties file", err);
	if (strcmp(k, "os_keepalive") == 0)
		return keepalive(l, 2, &s->c_os_idle_s, &s->c_os_intvl_s, &s->c_os_cnt, err);
	return fail(err, l,
	            "client: expected plan, keepalive, release, call_timeout, connect, "
	            "tcp_retries2, measure, driver, jdbc_properties or os_keepalive");
}

static int firewall_line(struct scenario *s, const struct line *l, struct dcd_err *err)
{
	const char *k = l->n > 1 ? l->w[1] : "";
	int i = 2;
	bool idle_given = false;

	if (strcmp(k, "none") == 0 && l->n == 2) {
		s->fw = SCN_FW_NONE;
		return 0;
	}
	if (strcmp(k, "preset") == 0) {
		if (l->n < 3)
			return fail(err, l, "expected a preset name (cisco-asa, f5-fastl4, ...)");
		s->preset = NULL;
		for (size_t d = 0; d < fw_device_count; d++)
			if (strcmp(l->w[2], fw_devices[d].name) == 0)
				s->preset = &fw_devices[d];
		if (!s->preset) {
			char names[400] = "";
			for (size_t d = 0; d < fw_device_count; d++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names),
				         "%s%s", d ? ", " : "", fw_devices[d].name);
			return fail(err, l, "unknown firewall preset \"%s\" (%s)", l->w[2], names);
		}
		s->expiry = s->preset->expiry;
		s->fw_idle_ms = (int64_t)s->preset->idle_timeout_s * 1000 / SCN_PRESET_SCALE;
		i = 3;
	} else if (strcmp(k, "conntrack") != 0) {
		return fail(err, l, "firewall: expected none, conntrack or preset NAME");
	}
	s->fw = SCN_FW_CONNTRACK;
	for (; i < l->n; i += 2) {
		const char *opt = l->w[i], *val = i + 1 < l->n ? l->w[i + 1] : NULL;
		if (!val)
			return fail(err, l, "\"%s\" needs a value", opt);
		if (strcmp(opt, "idle") == 0) {
			/* the lab's conntrack sysctl takes whole seconds */
			if (duration(l, i + 1, 86400000 * 5LL, &s->fw_idle_ms, err) != 0)
				return -1;
			if (s->fw_idle_ms < 1000 || s->fw_idle_ms % 1000)
				return fail(err, l,
				            "idle %s: conntrack counts whole seconds, 1s or more",
				            val);
			idle_given = true;
		} else if (strcmp(opt, "expiry") == 0) {
			int e = fw_expiry_parse(val);
			if (e < 0)
				return fail(err, l, "expiry \"%s\": expected " FW_EXPIRY_KEYWORDS,
				            val);
			s->expiry = (enum fw_expiry)e;
		} else if (strcmp(opt, "keepalives") == 0) {
			if (strcmp(val, "count") == 0)
				s->keepalives_ignored = false;
			else if (strcmp(val, "ignored") == 0)
				s->keepalives_ignored = true;
			else
				return fail(err, l, "keepalives \"%s\": expected count or ignored",
				            val);
		} else {
			return fail(err, l, "\"%s\": expected idle, expiry or keepalives", opt);
		}
	}
	if (!s->preset && !idle_given)
		return fail(err, l, "firewall conntrack needs \"idle DUR\"");
	if (s->fw_idle_ms < 1000 || s->fw_idle_ms % 1000)
		s->fw_idle_ms = s->fw_idle_ms < 1000 ? 1000 : s->fw_idle_ms / 1000 * 1000;
	return 0;
}

static int fault_line(struct scenario *s, const struct line *l, struct dcd_err *err)
{
	static const char *const kinds[] = {
		[FAULT_CLIENT_CRASH] = "client-crash", [FAULT_SERVER_CRASH] = "server-crash",
		[FAULT_LINK_CUT] = "link-cut",         [FAULT_FW_FLUSH] = "fw-flush",
		[FAULT_KILL_SESSION] = "kill-session",
	};
	const int n_kinds = (int)(sizeof(kinds) / sizeof(kinds[0]));
	struct scn_fault f = { .restore_ms = -1, .line = l->no };
	int k;

	for (k = 0; k < n_kinds; k++)
		if (l->n > 1 && strcmp(l->w[1], kinds[k]) == 0)
			break;
	if (k == n_kinds)
		return fail(err, l,
		            "fault: expected client-crash, server-crash, link-cut, fw-flush or "
		            "kill-session");
	f.kind = (enum scn_fault_kind)k;
	if (l->n < 3 || strcmp(l->w[2], "at") != 0)
		return fail(err, l, "fault %s: expected \"at DUR\"", l->w[1]);
	if (duration(l, 3, 86400000, &f.at_ms, err) != 0)
		return -1;
	if (f.kind == FAULT_KILL_SESSION && l->n > 4) {
		if (l->n != 5 || strcmp(l->w[4], "immediate") != 0)
			return fail(err, l, "\"%s\": kill-session takes only \"immediate\"",
			            l->w[4]);
		f.immediate = true;
	} else if (l->n > 4) {
		if (f.kind != FAULT_LINK_CUT || strcmp(l->w[4], "restore") != 0 || l->n != 6)
			return fail(err, l, "\"%s\": unexpected after the fault's time%s", l->w[4],
			            f.kind == FAULT_LINK_CUT ? " (link-cut takes \"restore DUR\")"
			                                     : "");
		if (duration(l, 5, 86400000, &f.restore_ms, err) != 0)
			return -1;
		if (f.restore_ms <= f.at_ms)
			return fail(err, l, "restore %s comes before the cut", l->w[5]);
	}
	if (s->n_fault == SCN_MAX_FAULTS)
		return fail(err, l, "more than %d faults", SCN_MAX_FAULTS);
	s->fault[s->n_fault++] = f;
	return 0;
}

static int server_end_expect(struct scn_expect *e, const struct line *l, struct dcd_err *err)
{
	const char *c = l->n > 2 ? l->w[2] : "";

	if (strcmp(c, "none") == 0)
		e->cause = SCN_END_NONE;
	else if (strcmp(c, "dead-peer") == 0)
		e->cause = SCN_END_DEAD_PEER;
	else if ((e->cause = end_cause_parse(c)) < 0)
		return fail(err, l,
		            "server-end \"%s\": expected none, dead-peer, keepalive-timeout, "
		            "retransmission-timeout, user-timeout, rst, disconnect, eof, killed, "
		            "killed-immediate, killed-then-gone, max-idle-time, "
		            "max-idle-blocker-time, sniped or sniped-then-gone",
		            c);
	for (int i = 3; i < l->n; i += 2) {
		if (strcmp(l->w[i], "within") == 0) {
			if (duration(l, i + 1, 86400000, &e->within_ms, err) != 0)
				return -1;
		} else if (strcmp(l->w[i], "at") == 0) {
			if (duration(l, i + 1, 86400000, &e->at_ms, err) != 0)
				return -1;
			e->tol_ms = e->at_ms / 20 > 200 ? e->at_ms / 20 : 200;
			if (i + 2 < l->n && strcmp(l->w[i + 2], "+-") == 0) {
				if (duration(l, i + 3, 86400000, &e->tol_ms, err) != 0)
					return -1;
				i += 2;
			}
		} else {
			return fail(err, l,
			            "\"%s\": expected \"within DUR\" or \"at DUR [+- DUR]\"",
			            l->w[i]);
		}
	}
	if (e->cause == SCN_END_NONE && (e->within_ms >= 0 || e->at_ms >= 0))
		return fail(err, l, "server-end none takes no time");
	return 0;
}

static int expect_line(struct scenario *s, const struct line *l, struct dcd_err *err)
{
	struct scn_expect e = { .line = l->no, .within_ms = -1, .at_ms = -1, .tol_ms = -1 };
	const char *k = l->n > 1 ? l->w[1] : "";
	long v = 0;

	if (s->n_expect == SCN_MAX_EXPECT)
		return fail(err, l, "more than %d expectations", SCN_MAX_EXPECT);
	if (copy(e.text, sizeof(e.text), l, 1, "an expectation", err) != 0)
		return -1;
	if (strcmp(k, "client") == 0) { /* expect client N ... */
		if (number(l, 2, 1, SCN_MAX_CLIENTS, &v, err) != 0)
			return -1;
		e.client = (int)v;
		struct line rest = *l; /* the same line without "client N" */
		rest.n = l->n - 2;
		for (int i = 1; i < rest.n; i++) {
			rest.w[i] = l->w[i + 2];
			rest.rest[i] = l->rest[i + 2];
		}
		int n_before = s->n_expect;
		if (expect_line(s, &rest, err) != 0)
			return -1;
		if (s->n_expect > n_before) {
			s->expect[s->n_expect - 1].client = e.client;
			snprintf(s->expect[s->n_expect - 1].text, sizeof(e.text), "%s", e.text);
		}
		return 0;
	}
	if (strcmp(k, "session") == 0 && l->n == 3 && strcmp(l->w[2], "survives") == 0) {
		e.kind = EXPECT_SURVIVES;
	} else if (strcmp(k, "call") == 0) {
		if (number(l, 2, 1, 1000, &v, err) != 0)
			return -1;
		e.call = (int)v;
		if (l->n == 4 && strcmp(l->w[3], "ok") == 0) {
			e.kind = EXPECT_CALL_OK;
		} else if (l->n >= 4 && l->n <= 5 && strcmp(l->w[3], "fails") == 0) {
			e.kind = EXPECT_CALL_FAILS;
			if (l->n == 5 && (strncasecmp(l->w[4], "ORA-", 4) != 0 ||
			                  parse_long(l->w[4] + 4, 1, 99999, &v) != 0))
				return fail(err, l, "\"%s\": expected an ORA-nnnnn code", l->w[4]);
			e.ora = l->n == 5 ? (int)v : 0;
		} else {
			return fail(err, l,
			            "expected \"call N ok\" or \"call N fails [ORA-nnnnn]\"");
		}
	} else if (strcmp(k, "server-end") == 0) {
		e.kind = EXPECT_SERVER_END;
		if (server_end_expect(&e, l, err) != 0)
			return -1;
	} else if (strcmp(k, "server-status") == 0 && l->n == 3) {
		e.kind = EXPECT_SERVER_STATUS;
		e.cause = -1;
		for (int i = 0; i < DB_STATUS_COUNT; i++)
			if (strcasecmp(l->w[2], db_status_name((enum db_status)i)) == 0 &&
			    i != DB_ACTIVE)
				e.cause = i;
		if (e.cause < 0)
			return fail(err, l,
			            "server-status \"%s\": expected killed, sniped or inactive",
			            l->w[2]);
	} else if (strcmp(k, "client-dcd") == 0 && l->n == 3 &&
	           (strcmp(l->w[2], "keepalive") == 0 || strcmp(l->w[2], "none") == 0)) {
		e.kind = EXPECT_CLIENT_DCD;
		e.verdict = l->w[2][0] == 'k';
	} else if (strcmp(k, "capture") == 0) {
		int i = 2;
		e.kind = EXPECT_CAPTURE;
		e.leg = LEG_SERVER;
		if (i < l->n &&
		    (strcmp(l->w[i], "server-leg") == 0 || strcmp(l->w[i], "client-leg") == 0))
			e.leg = l->w[i++][0] == 'c' ? LEG_CLIENT : LEG_SERVER;
		if (i != l->n - 1 || (e.verdict = verdict_parse(l->w[i])) < 0)
			return fail(err, l,
			            "expected \"capture [server-leg|client-leg] VERDICT\" (alive, "
			            "closed, "
			            "dead-peer, firewall-drop, unknown)");
	} else if (strcmp(k, "fw-entry") == 0 && l->n == 3 &&
	           (strcmp(l->w[2], "expires") == 0 || strcmp(l->w[2], "survives") == 0)) {
		e.kind = EXPECT_FW_ENTRY;
		e.expires = l->w[2][0] == 'e';
	} else if (strcmp(k, "measured-timeout") == 0) {
		e.kind = EXPECT_MEASURED_TIMEOUT;
		if ((l->n != 3 && l->n != 5) || duration(l, 2, 86400000, &e.at_ms, err) != 0 ||
		    (l->n == 5 &&
		     (strcmp(l->w[3], "+-") != 0 || duration(l, 4, 3600000, &e.tol_ms, err) != 0)))
			return err->msg[0]
			               ? -1
			               : fail(err, l, "expected \"measured-timeout DUR [+- DUR]\"");
		if (l->n == 3) /* the precision dcdlab measure aims at */
			e.tol_ms = e.at_ms / 100 > 1000 ? e.at_ms / 100 : 1000;
	} else if (strcmp(k, "measured-expiry") == 0 && l->n == 3 &&
	           (e.cause = m_expiry_parse(l->w[2])) >= 0) {
		e.kind = EXPECT_MEASURED_EXPIRY;
	} else if (strcmp(k, "measured-keepalives") == 0 && l->n == 3 &&
	           (strcmp(l->w[2], "counted") == 0 || strcmp(l->w[2], "ignored") == 0)) {
		e.kind = EXPECT_MEASURED_KEEPALIVES;
		e.verdict = l->w[2][0] == 'c';
	} else {
		return fail(err, l,
		            "expect: expected session survives, call N ok|fails, server-end CAUSE, "
		            "server-status STATUS, client-dcd keepalive|none, "
		            "capture VERDICT, fw-entry expires|survives, measured-timeout DUR [+- "
		            "DUR], measured-expiry KIND or measured-keepalives counted|ignored");
	}
	s->expect[s->n_expect++] = e;
	return 0;
}

static int one_line(struct scenario *s, struct line *l, struct dcd_err *err)
{
	const char *k = l->w[0];
	long v = 0;

	if (strcmp(k, "name") == 0) {
		if (l->n != 2 || strlen(l->w[1]) >= sizeof(s->name))
			return fail(err, l,
			            "expected one word of at most %zu characters after name",
			            sizeof(s->name) - 1);
		for (const char *p = l->w[1]; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
				return fail(err, l,
				            "name \"%s\": use letters, digits, '-', '_', '.'",
				            l->w[1]);
		strcpy(s->name, l->w[1]);
		return 0;
	}
	if (strcmp(k, "describe") == 0)
		return copy(s->describe, sizeof(s->describe), l, 1, "a description", err);
	if (strcmp(k, "duration") == 0)
		return duration(l, 1, 3600000, &s->duration_ms, err);
	if (strcmp(k, "family") == 0) {
		if (number(l, 1, 4, 6, &v, err) != 0)
			return -1;
		if (v == 5)
			return fail(err, l, "family: expected 4 or 6");
		s->family = (int)v;
		return 0;
	}
	if (strcmp(k, "clients") == 0) {
		if (number(l, 1, 1, SCN_MAX_CLIENTS, &v, err) != 0)
			return -1;
		s->clients = (int)v;
		return 0;
	}
	if (strcmp(k, "server") == 0)
		return server_line(s, l, err);
	if (strcmp(k, "client") == 0)
		return client_line(s, l, err);
	if (strcmp(k, "firewall") == 0)
		return firewall_line(s, l, err);
	if (strcmp(k, "fault") == 0)
		return fault_line(s, l, err);
	if (strcmp(k, "expect") == 0)
		return expect_line(s, l, err);
	return fail(err, l,
	            "\"%s\": expected name, describe, server, client, clients, firewall, fault, "
	            "expect, duration or family",
	            k);
}

int scenario_parse(struct scenario *s, const char *file, const char *text, struct dcd_err *err)
{
	const char *p = text;
	struct line l = { .file = file };

	memset(s, 0, sizeof(*s));
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->family = 4;
	s->clients = 1;
	s->expire_time_min = -1;
	s->tcp_retries2 = -1;
	s->c_tcp_retries2 = -1;
	s->client_driver = -1;
	strcpy(s->release, "19c");
	strcpy(s->client_release, "19c");
	strcpy(s->plan, "call");
	while (*p) {
		char buf[1024];
		size_t n = strcspn(p, "\n");
		char *c;

		l.no++;
		if (n >= sizeof(buf)) {
			l.n = 0;
			return fail(err, &l, "line longer than %zu bytes", sizeof(buf) - 1);
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (p[n] == '\n');
		if ((c = strchr(buf, '#')))
			*c = '\0';
		/* Split into words, remembering where each starts in a copy. */
		char keep[1024];
		strcpy(keep, buf);
		for (size_t e = strlen(keep); e > 0 && isspace((unsigned char)keep[e - 1]); e--)
			keep[e - 1] = '\0';
		l.n = 0;
		for (char *w = buf;;) {
			while (isspace((unsigned char)*w))
				w++;
			if (!*w)
				break;
			if (l.n == MAX_WORDS)
				return fail(err, &l, "more than %d words", MAX_WORDS);
			l.rest[l.n] = keep + (w - buf);
			l.w[l.n++] = w;
			w += strcspn(w, " \t\r\v\f");
			if (*w)
				*w++ = '\0';
		}
		if (l.n == 0)
			continue;
		if (one_line(s, &l, err) != 0)
			return -1;
	}
	if (!s->name[0]) {
		/* The file's base name, without .scn. */
		const char *b = strrchr(file, '/');
		snprintf(s->name, sizeof(s->name), "%s", b ? b + 1 : file);
		char *dot = strrchr(s->name, '.');
		if (dot && dot != s->name)
			*dot = '\0';
	}
	if (s->n_expect == 0) {
		err_set(err, "%s: no \"expect\" line: a scenario says what it expects", file);
		return -1;
	}
	if (s->jdbc_properties[0] && s->client_driver != DRV_JDBC_THIN) {
		err_set(err, "%s: client jdbc_properties needs \"client driver jdbc-thin\"", file);
		return -1;
	}
	if (s->measure && s->clients != 1) {
		err_set(err, "%s: client measure runs one dcdlab measure (clients 1)", file);
		return -1;
	}
	if (s->ns_probes && s->keepidle_s) {
		err_set(err, "%s: server ns-probes and server keepalive contradict each other",
		        file);
		return -1;
	}
	for (int k = 0; k < SCN_MAX_CLIENTS; k++)
		if (s->client_plan[k][0] && k >= s->clients) {
			err_set(err, "%s: client %d has a plan but the scenario has %d client%s",
			        file, k + 1, s->clients, s->clients == 1 ? "" : "s");
			return -1;
		}
	{
		struct oracle_release rel;
		struct dcd_err rerr;
		if (release_parse(s->release, &rel, &rerr) != 0) {
			err_set(err, "%s: server release: %s", file, rerr.msg);
			return -1;
		}
		enum db_end lacking = db_limits_unavailable(&s->limits, rel);
		if (lacking != DB_END_COUNT) {
			char since[16];
			err_set(err, "%s: %s needs release %s or later; the server is %s", file,
			        db_ends[lacking].setting,
			        release_name(db_ends[lacking].since, since, sizeof(since)),
			        s->release);
			return -1;
		}
	}
	for (int i = 0; i < s->n_expect; i++) {
		const struct scn_expect *e = &s->expect[i];
		int calls = e->client ? scenario_client_calls(s, e->client - 1) : scenario_calls(s);
		for (int k = 0; !e->client && k < s->clients; k++)
			if (scenario_client_calls(s, k) < calls)
				calls = scenario_client_calls(s, k);
		if (e->client > s->clients) {
			err_set(err, "%s:%d: client %d: the scenario has %d client%s", file,
			        e->line, e->client, s->clients, s->clients == 1 ? "" : "s");
			return -1;
		}
		if ((e->kind == EXPECT_CALL_OK || e->kind == EXPECT_CALL_FAILS) &&
		    e->call > calls) {
			err_set(err, "%s:%d: call %d: the plan makes only %d call%s", file, e->line,
			        e->call, calls, calls == 1 ? "" : "s");
			return -1;
		}
		if ((e->kind == EXPECT_CALL_OK || e->kind == EXPECT_CALL_FAILS) &&
		    e->call > SCN_RECORDED_CALLS) {
			err_set(err,
			        "%s:%d: call %d: runs record the first %d calls of a session; "
			        "expect "
			        "one of those",
			        file, e->line, e->call, SCN_RECORDED_CALLS);
			return -1;
		}
		bool measured = e->kind == EXPECT_MEASURED_TIMEOUT ||
		                e->kind == EXPECT_MEASURED_EXPIRY ||
		                e->kind == EXPECT_MEASURED_KEEPALIVES;
		if (measured != s->measure && (measured || e->kind != EXPECT_FW_ENTRY)) {
			err_set(err, "%s:%d: %s", file, e->line,
			        measured ? "a measured-* expectation needs \"client measure\""
			                 : "with \"client measure\" expect measured-* or fw-entry");
			return -1;
		}
		if (e->kind == EXPECT_FW_ENTRY && s->fw == SCN_FW_NONE) {
			err_set(err, "%s:%d: fw-entry: the scenario has no stateful firewall", file,
			        e->line);
			return -1;
		}
	}
	return 0;
}

int scenario_load(struct scenario *s, const char *path, struct dcd_err *err)
{
	size_t len;
	char *text = text_file_read(path, (size_t)1 << 20, "a scenario", &len, err);
	int rc;

	if (text == NULL)
		return -1;
	if (strlen(text) != len) {
		int line = 1; /* the line holding the first NUL */
		for (const char *q = text; *q; q++)
			line += *q == '\n';
		err_set(err, "%s:%d: a NUL byte: not a text file", path, line);
		free(text);
		return -1;
	}
	rc = scenario_parse(s, path, text, err);
	free(text);
	return rc;
}

const char *scenario_plan(const struct scenario *s, int k)
{
	return k >= 0 && k < SCN_MAX_CLIENTS && s->client_plan[k][0] ? s->client_plan[k] : s->plan;
}

/* The longest of the clients' plans. */
int64_t scenario_plan_ms(const struct scenario *s)
{
	struct plan *p = malloc(sizeof(*p)); /* 40 KB: not on the stack */
	int64_t longest = 0;

	for (int k = 0; p && k < (s->clients > 0 ? s->clients : 1); k++) {
		int64_t ms = 0;
		if (plan_parse(p, scenario_plan(s, k), NULL) != 0)
			continue;
		for (int i = 0; i < p->n; i++)
			ms += p->step[i].duration_ms;
		if (ms > longest)
			longest = ms;
	}
	free(p);
	return longest;
}

int scenario_client_calls(const struct scenario *s, int k)
{
	struct plan *p = malloc(sizeof(*p));
	int n = 0;

	if (p && plan_parse(p, scenario_plan(s, k), NULL) == 0)
		for (int i = 0; i < p->n; i++)
			n += plan_is_call(p->step[i].op);
	free(p);
	return n;
}

int scenario_calls(const struct scenario *s)
{
	return scenario_client_calls(s, 0);
}

void scenario_path(const struct scenario *s, const char *rel, char *out, size_t size)
{
	const char *slash = strrchr(s->file, '/');

	if (rel[0] == '/' || !slash)
		snprintf(out, size, "%s", rel);
	else
		snprintf(out, size, "%.*s/%s", (int)(slash - s->file), s->file, rel);
}

const char *scenario_connect_string(const struct scenario *s)
{
	if (s->connect[0])
		return s->connect;
	return s->family == 6 ? "[2001:db8:2::2]:1521/orcl" : "198.51.100.2:1521/orcl";
}
