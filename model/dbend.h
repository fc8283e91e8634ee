/* dbend.h - the database's own ways of ending a session, beside DCD and the
 * firewall (DOMAIN.md §7; sources in dbend.c). One table says, for each
 * way, what the server does at that moment, what the client's calls get
 * and which release it needs; dcdlab listen acts on it, the simulator
 * models it, check reasons with it and the analyzer names its errors. */
#ifndef DCDLAB_DBEND_H
#define DCDLAB_DBEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"
#include "profile.h"

enum db_end {
	DB_KILL,             /* ALTER SYSTEM KILL SESSION 'sid,serial#' */
	DB_KILL_IMMEDIATE,   /* ... IMMEDIATE */
	DB_MAX_IDLE,         /* MAX_IDLE_TIME (system parameter, minutes) */
	DB_MAX_IDLE_BLOCKER, /* MAX_IDLE_BLOCKER_TIME: idle sessions that block */
	DB_IDLE_TIME,        /* profile IDLE_TIME: the session is SNIPED */
	DB_END_COUNT
};

/* What a session looks like to v$session meanwhile. */
enum db_status { DB_ACTIVE, DB_INACTIVE, DB_KILLED, DB_SNIPED, DB_STATUS_COUNT };

struct db_end_facts {
	const char *name;    /* "kill-session", "max-idle-time", ... */
	const char *setting; /* as a DBA writes it */
	struct oracle_release since;
	/* The server's process ends at once: its socket closes (FIN) and the
	 * client learns it at its next call (ora_next_call). Otherwise the
	 * session lingers with `status` until the client calls (it gets
	 * ora_next_call, then the socket closes) or goes (FIN, RST, DCD). */
	bool closes_at_once;
	enum db_status status;
	int ora_next_call;
	enum end_cause cause;      /* the end listen reports when it happens */
	enum end_cause gone_cause; /* lingering, and the client went first */
};

extern const struct db_end_facts db_ends[DB_END_COUNT];

/* A call in progress when a session is killed is interrupted at once and
 * answered with this (the transaction is rolled back), with or without
 * IMMEDIATE; then the server closes. */
#define DB_ORA_CALL_KILLED 28
/* Calls after the session's end, which the client answers itself: after
 * an error the server sent (ORA-00028, ORA-02396) the session is gone
 * ("not logged on"); after the connection broke, it is not connected. */
#define DB_ORA_NOT_LOGGED_ON 1012
#define DB_ORA_NOT_CONNECTED 3114

const char *db_status_name(enum db_status s);

/* The way that left a session KILLED or SNIPED (DB_KILL, DB_IDLE_TIME). */
enum db_end db_end_of_mark(enum db_status mark);

/* What a client's later calls get once a call ended its session with
 * `ora`: ORA-01012 after the database's own error, else ORA-03114. */
int db_ora_after(int ora);
int db_end_parse(const char *s); /* -1 if unknown */

/* The release a way needs, as text ("12.2"), and whether `rel` has it. */
bool db_end_available(enum db_end e, struct oracle_release rel);

/* An Oracle error's text as the database words it ("your session has been
 * killed"); "" when unknown. */
const char *ora_text(int code);

/* The errors ora_text knows, by number from 1 (a byte in the analyzer's
 * flows): 0 when `code` is not one of them. */
int ora_known_index(int code);
int ora_known_code(int index); /* 0 when out of range */

/* Bytes of a segment's payload looked at for an Oracle error: error
 * packets are short, their text comes early. */
#define ORA_SCAN_BYTES 512

/* The first "ORA-nnnnn" in `p` (up to n bytes): its number, or 0. */
int ora_find(const uint8_t *p, size_t n);

/* The server's idle limits, in ms (0: not set). MAX_IDLE_BLOCKER_TIME acts
 * only where it is shorter than MAX_IDLE_TIME (seed 004). */
struct db_limits {
	int64_t max_idle_ms;
	int64_t max_idle_blocker_ms;
	int64_t idle_time_ms;
};

/* An idle limit as listen, check and scenarios take it: a bare number is
 * minutes (as the database takes it), "3s" a lab-scale duration; 0 to
 * 1,000,000 minutes. 0, or -1 when it is none of those. */
int db_limit_parse_ms(const char *text, int64_t *ms);

/* The first limit set in `l` that release `rel` lacks; DB_END_COUNT none.
 * Its option and setting: "--" + db_ends[e].name, db_ends[e].setting. */
enum db_end db_limits_unavailable(const struct db_limits *l, struct oracle_release rel);
/* The same as listen and check say it: -1 and in `err` "--max-idle-time:
 * MAX_IDLE_TIME came with release 12.2; --release 12.1 lacks it" (`release`
 * as the user wrote it), or 0 when `rel` has every limit set in `l`. */
int db_limits_check(const struct db_limits *l, struct oracle_release rel, const char *release,
                    struct dcd_err *err);

/* Of the limits, which ends an idle session first (after how long, into
 * *after_ms): DB_MAX_IDLE or DB_IDLE_TIME; blocking true when the session
 * holds a lock another waits for. DB_END_COUNT when none applies. */
enum db_end db_limit_first(const struct db_limits *l, bool blocking, int64_t *after_ms);

/* "max_idle_time = 30" lines of an init.ora / spfile excerpt (minutes; `#`
 * comments, `*.` and `SID.` prefixes, any case); other parameters are
 * ignored. -1 with "file:line: ..." in err. */
struct dcd_err;
int db_limits_parse_initora(struct db_limits *l, const char *file, const char *text,
                            struct dcd_err *err);

#endif
