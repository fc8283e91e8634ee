/* dbend.c - the database's own ways of ending a session (dbend.h).
 *
 * Sources (../shared/seeds, DOMAIN.md §7):
 *  - KILL SESSION on an idle session: status KILLED, the server process no
 *    longer joined (PSEUDO); the client learns it at its next call:
 *    ORA-00028, then ORA-01012 (seeds 001, 002). On an active session the
 *    call is interrupted at once with ORA-00028 (seed 000: data pump
 *    workers). A killed session whose client vanished stays KILLED until
 *    DCD finds it dead; without DCD, forever (seeds 002, 004).
 *  - MAX_IDLE_TIME (12.2+, minutes): the session is ended; the client's
 *    next call gets ORA-03113 (seed 004 shows it with max_idle_time=1).
 *  - MAX_IDLE_BLOCKER_TIME (19c+, minutes): only idle sessions that block
 *    another; effective only when shorter than MAX_IDLE_TIME; the waiter
 *    proceeds, the blocker's client gets ORA-03113 (seed 004).
 *  - Profile IDLE_TIME: the session is SNIPED; its next call gets ORA-02396
 *    (DOMAIN.md §7).
 * Chosen where the sources say nothing (each in this table, one place):
 *  - IMMEDIATE on an idle session ends the process at once: the socket
 *    closes and the client's next call reads end-of-file, ORA-03113.
 *  - After the server has sent ORA-00028 or ORA-02396 it closes the
 *    connection; the client answers later calls itself with ORA-01012.
 *  - The database checks idle limits now and then (seed 004's session was
 *    still there more than a minute past max_idle_time=1); dcdlab ends a
 *    session when its limit is reached, to the timer's precision. */
#include "dbend.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/err.h"
#include "../lib/numparse.h"
#include "../lib/textfile.h"

const struct db_end_facts db_ends[DB_END_COUNT] = {
	[DB_KILL] = { "kill-session",
	              "ALTER SYSTEM KILL SESSION",
	              { 0, 0 },
	              false,
	              DB_KILLED,
	              28,
	              END_KILLED,
	              END_KILLED_GONE },
	[DB_KILL_IMMEDIATE] = { "kill-session-immediate",
	                        "ALTER SYSTEM KILL SESSION ... IMMEDIATE",
	                        { 0, 0 },
	                        true,
	                        DB_KILLED,
	                        3113,
	                        END_KILLED_IMMEDIATE,
	                        END_KILLED_IMMEDIATE },
	[DB_MAX_IDLE] = { "max-idle-time",
	                  "MAX_IDLE_TIME",
	                  { 12, 2 },
	                  true,
	                  DB_INACTIVE,
	                  3113,
	                  END_MAX_IDLE,
	                  END_MAX_IDLE },
	[DB_MAX_IDLE_BLOCKER] = { "max-idle-blocker-time",
	                          "MAX_IDLE_BLOCKER_TIME",
	                          { 19, 0 },
	                          true,
	                          DB_INACTIVE,
	                          3113,
	                          END_MAX_IDLE_BLOCKER,
	                          END_MAX_IDLE_BLOCKER },
	[DB_IDLE_TIME] = { "idle-time",
	                   "profile IDLE_TIME",
	                   { 0, 0 },
	                   false,
	                   DB_SNIPED,
	                   2396,
	                   END_SNIPED,
	                   END_SNIPED_GONE },
};

static const char *const status_names[DB_STATUS_COUNT] = {
	[DB_ACTIVE] = "ACTIVE",
	[DB_INACTIVE] = "INACTIVE",
	[DB_KILLED] = "KILLED",
	[DB_SNIPED] = "SNIPED",
};

const char *db_status_name(enum db_status s)
{
	return (unsigned)s < DB_STATUS_COUNT ? status_names[s] : "?";
}

enum db_end db_end_of_mark(enum db_status mark)
{
	return mark == DB_KILLED ? DB_KILL : DB_IDLE_TIME;
}

int db_ora_after(int ora)
{
	return ora == db_ends[DB_KILL].ora_next_call || ora == db_ends[DB_IDLE_TIME].ora_next_call
	               ? DB_ORA_NOT_LOGGED_ON
	               : DB_ORA_NOT_CONNECTED;
}

int db_limit_parse_ms(const char *text, int64_t *ms)
{
	return parse_duration_ms(text, 60000, ms) == 0 && *ms >= 0 && *ms <= 1000000LL * 60000 ? 0
	                                                                                       : -1;
}

enum db_end db_limits_unavailable(const struct db_limits *l, struct oracle_release rel)
{
	const struct {
		enum db_end e;
		int64_t ms;
	} lim[] = { { DB_MAX_IDLE, l->max_idle_ms },
		    { DB_MAX_IDLE_BLOCKER, l->max_idle_blocker_ms },
		    { DB_IDLE_TIME, l->idle_time_ms } };

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		if (lim[i].ms > 0 && !db_end_available(lim[i].e, rel))
			return lim[i].e;
	return DB_END_COUNT;
}

int db_limits_check(const struct db_limits *l, struct oracle_release rel, const char *release,
                    struct dcd_err *err)
{
	enum db_end lacking = db_limits_unavailable(l, rel);
	char since[16];

	if (lacking == DB_END_COUNT)
		return 0;
	err_set(err, "--%s: %s came with release %s; --release %s lacks it", db_ends[lacking].name,
	        db_ends[lacking].setting,
	        release_name(db_ends[lacking].since, since, sizeof(since)), release);
	return -1;
}

int db_end_parse(const char *s)
{
	for (int i = 0; i < DB_END_COUNT; i++)
		if (strcasecmp(s, db_ends[i].name) == 0)
			return i;
	return -1;
}

bool db_end_available(enum db_end e, struct oracle_release rel)
{
	return (unsigned)e < DB_END_COUNT && release_cmp(rel, db_ends[e].since) >= 0;
}

static const struct {
	int code;
	const char *text;
} ora_texts[] = {
	{ 28, "your session has been killed" },
	{ 1012, "not logged on" },
	{ 2396, "exceeded maximum idle time, please connect again" },
	{ 3113, "end-of-file on communication channel" },
	{ 3114, "not connected to ORACLE" },
	{ 3135, "connection lost contact" },
	{ 12170, "TNS:Connect timeout occurred" },
	{ 12505, "TNS:listener does not currently know of SID given in connect descriptor" },
	{ 12514, "TNS:listener does not currently know of service requested in connect "
	         "descriptor" },
	{ 12537, "TNS:connection closed" },
	{ 12541, "TNS:no listener" },
	{ 12543, "TNS:destination host unreachable" },
	{ 12545, "Connect failed because target host or object does not exist" },
	{ 12560, "TNS:protocol adapter error" },
};

const char *ora_text(int code)
{
	for (size_t i = 0; i < sizeof(ora_texts) / sizeof(ora_texts[0]); i++)
		if (ora_texts[i].code == code)
			return ora_texts[i].text;
	return "";
}

int ora_known_index(int code)
{
	for (size_t i = 0; i < sizeof(ora_texts) / sizeof(ora_texts[0]); i++)
		if (ora_texts[i].code == code)
			return (int)i + 1;
	return 0;
}

int ora_known_code(int index)
{
	return index >= 1 && (size_t)index <= sizeof(ora_texts) / sizeof(ora_texts[0])
	               ? ora_texts[index - 1].code
	               : 0;
}

int ora_find(const uint8_t *p, size_t n)
{
	/* By the dash, found with memchr: the analyzer runs this for every
	 * server data segment, and memmem's setup costs more than the scan. */
	const uint8_t *end = p + n, *q;

	if (n < 9)
		return 0;
	for (q = p + 3; (q = memchr(q, '-', (size_t)(end - q))) != NULL && end - q >= 6; q++) {
		if (q[-3] != 'O' || q[-2] != 'R' || q[-1] != 'A')
			continue;
		int code = 0, k;
		for (k = 1; k < 6 && q[k] >= '0' && q[k] <= '9'; k++)
			code = code * 10 + (q[k] - '0');
		if (k == 6 && code > 0)
			return code;
	}
	return 0;
}

enum db_end db_limit_first(const struct db_limits *l, bool blocking, int64_t *after_ms)
{
	enum db_end first = DB_END_COUNT;
	int64_t best = 0;
	const struct {
		enum db_end e;
		int64_t ms;
	} c[] = {
		{ DB_MAX_IDLE, l->max_idle_ms },
		{ DB_IDLE_TIME, l->idle_time_ms },
		{ DB_MAX_IDLE_BLOCKER, blocking ? l->max_idle_blocker_ms : 0 },
	};

	/* Ties: MAX_IDLE_TIME ends the session; a SNIPED one would linger. */
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i].ms > 0 && (first == DB_END_COUNT || c[i].ms < best)) {
			first = c[i].e;
			best = c[i].ms;
		}
	if (after_ms)
		*after_ms = first == DB_END_COUNT ? -1 : best;
	return first;
}

int db_limits_parse_initora(struct db_limits *l, const char *file, const char *text,
                            struct dcd_err *err)
{
	static const struct {
		const char *name;
		size_t off;
	} params[] = {
		{ "max_idle_time", offsetof(struct db_limits, max_idle_ms) },
		{ "max_idle_blocker_time", offsetof(struct db_limits, max_idle_blocker_ms) },
	};
	int line = 0;

	char buf[512];
	int rc;
	for (const char *p = text; (rc = text_line_next(&p, buf, sizeof(buf), &line, file, err));) {
		char *s, *eq;
		if (rc < 0)
			return -1;
		buf[strcspn(buf, "#")] = '\0';
		for (s = buf; isspace((unsigned char)*s); s++)
			;
		if (*s == '\0' || !(eq = strchr(s, '=')))
			continue;
		*eq = '\0';
		char *dot = strchr(s, '.'); /* "*.max_idle_time", "orcl.max_idle_time" */
		if (dot)
			s = dot + 1;
		for (char *e = eq; e > s && isspace((unsigned char)e[-1]); e--)
			e[-1] = '\0';
		for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
			if (strcasecmp(s, params[i].name) != 0)
				continue;
			char *v = eq + 1;
			while (isspace((unsigned char)*v) || *v == '\'' || *v == '"')
				v++;
			size_t vl = strcspn(v, " \t\r'\"");
			v[vl] = '\0';
			long min;
			if (parse_long(v, 0, 1000000, &min) != 0) {
				err_set(err, "%s:%d: %s = \"%s\": expected minutes, 0 to 1000000",
				        file, line, params[i].name, v);
				return -1;
			}
			*(int64_t *)((char *)l + params[i].off) = (int64_t)min * 60000;
		}
	}
	return 0;
}
