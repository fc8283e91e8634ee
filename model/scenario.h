/* scenario.h - one lab experiment, as a network engineer writes it down.
 *
 * A scenario file is read line by line; '#' starts a comment. Each line is
 * a keyword and its words:
 *
 *   name dcd-keeps-alive
 *   describe 19c keepalives every 2 s keep a 3 s firewall open
 *   server keepalive 2/1/3          TCP_KEEPIDLE/INTVL/CNT, lab-scaled
 *   server expire_time 10           SQLNET.EXPIRE_TIME (minutes)
 *   server release 11.2 | ns-probes [every DUR] | user_timeout DUR
 *   server tcp_retries2 N | sqlnet FILE
 *   server max_idle_time DUR | max_idle_blocker_time DUR | idle_time DUR
 *                                   the database's idle limits (a bare
 *                                   number is minutes; "3s" lab scale)
 *   client plan call, idle 8s, call, close
 *   client 2 plan lock t, call      client 2's own plan (the others: "plan")
 *   client keepalive 2/1/3 | release REL | call_timeout DUR | connect STRING
 *   client tcp_retries2 N
 *   client driver native|python-thin|node-thin|jdbc-thin   as that driver
 *   client jdbc_properties FILE     jdbc-thin's oracle.net.* properties
 *   client os_keepalive 2/1/3       the client host's keepalive defaults
 *                                   (tcp_keepalive_time/intvl/probes)
 *   client measure [min DUR] [max DUR] [precision DUR] [connections N]
 *                  [sequential]     dcdlab measure instead of a plan
 *                                   (sequential: its one-connection bisection)
 *   firewall none
 *   firewall conntrack idle 3s [expiry silent|rst-next|rst-both]
 *            [keepalives count|ignored]
 *   firewall preset cisco-asa [idle 3s] [expiry ...] [keepalives ...]
 *   fault client-crash at 2s | server-crash at 2s | fw-flush at 2s
 *                                   (0 is when the client is connected)
 *   fault link-cut at 2s [restore 5s]
 *   fault kill-session at 3s [immediate]   ALTER SYSTEM KILL SESSION of
 *                                   every open session
 *   expect [client N] ...           only client N's session (else every one)
 *   expect session survives
 *   expect call 2 ok | expect call 2 fails [ORA-03113]
 *   expect server-end keepalive-timeout|dead-peer|none|... [within DUR]
 *          [at DUR [+- DUR]]
 *   expect server-status killed|sniped|inactive   what the database last made of it
 *   expect client-dcd keepalive|none  what the client's driver set on its socket
 *   expect capture [server-leg|client-leg] alive|closed|dead-peer|firewall-drop
 *   expect fw-entry expires|survives
 *   expect measured-timeout DUR [+- DUR]   (client measure: the estimate)
 *   expect measured-expiry none|silent|rst-next|rst-both|peer-closes
 *   expect measured-keepalives counted|ignored
 *   clients 4                       that many clients, the same plan each
 *   duration 20s                    the run's upper bound
 *   family 4|6
 *
 * The lab runs it on the real kernel; the simulator will run the same file
 * in virtual time. Errors name file:line and what was expected. */
#ifndef DCDLAB_SCENARIO_H
#define DCDLAB_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/err.h"
#include "dbend.h"
#include "firewall.h"

enum scn_fw { SCN_FW_NONE, SCN_FW_CONNTRACK };

enum scn_fault_kind {
	FAULT_CLIENT_CRASH,
	FAULT_SERVER_CRASH,
	FAULT_LINK_CUT,
	FAULT_FW_FLUSH,
	FAULT_KILL_SESSION, /* ALTER SYSTEM KILL SESSION, every open session */
};

struct scn_fault {
	enum scn_fault_kind kind;
	int64_t at_ms;      /* on the scenario clock: 0 = the client is connected */
	int64_t restore_ms; /* link-cut: when it is restored, -1 never */
	bool immediate;     /* kill-session IMMEDIATE */
	int line;
};

enum scn_expect_kind {
	EXPECT_SURVIVES,            /* every call ok, the session ended only by the client */
	EXPECT_CALL_OK,             /* call N answered */
	EXPECT_CALL_FAILS,          /* call N failed (with ORA-n if given) */
	EXPECT_SERVER_END,          /* how the server's session ended */
	EXPECT_CAPTURE,             /* the analyzer's verdict on a firewall leg */
	EXPECT_FW_ENTRY,            /* the firewall's conntrack entry expired or not */
	EXPECT_MEASURED_TIMEOUT,    /* dcdlab measure's estimate, at_ms +- tol_ms */
	EXPECT_MEASURED_EXPIRY,     /* ... what the path does: cause = enum m_expiry */
	EXPECT_MEASURED_KEEPALIVES, /* ... counted (verdict 1) or ignored (0) */
	EXPECT_SERVER_STATUS,       /* the session's last status: cause = enum db_status */
	EXPECT_CLIENT_DCD,          /* the client's socket had keepalive (verdict 1) or not */
};

/* EXPECT_SERVER_END causes beyond enum end_cause. */
#define SCN_END_NONE      (-1) /* still open when the run ends */
#define SCN_END_DEAD_PEER (-2) /* any dead-peer cause */

enum scn_leg { LEG_SERVER, LEG_CLIENT };

struct scn_expect {
	enum scn_expect_kind kind;
	int line;
	int call;              /* CALL_*: from 1 */
	int ora;               /* CALL_FAILS: 0 = any error */
	int client;            /* "expect client N ...": only its session; 0 = every one */
	int cause;             /* SERVER_END: enum end_cause or SCN_END_* */
	int64_t within_ms;     /* SERVER_END: since the peer's last packet; -1 */
	int64_t at_ms, tol_ms; /* SERVER_END: on the scenario clock; -1 */
	int verdict;           /* CAPTURE: enum verdict (capture/analyze.h) */
	enum scn_leg leg;      /* CAPTURE */
	bool expires;          /* FW_ENTRY */
	char text[160];        /* as written, for reports */
};

#define SCN_MAX_FAULTS  8
#define SCN_MAX_CLIENTS 16
#define SCN_MAX_EXPECT  16
/* Calls a run records per session (the lab, the simulator): an expectation
 * may name only these; a plan may make more. */
#define SCN_RECORDED_CALLS 64

struct scenario {
	char file[256];
	char name[64];
	char describe[256];
	int family; /* 4 or 6 */
	int64_t duration_ms;
	int clients; /* each runs the plan in a session of its own */

	/* the server: dcdlab listen */
	char release[16];
	int expire_time_min;                  /* -1: not set */
	int keepidle_s, keepintvl_s, keepcnt; /* 0: not set */
	bool ns_probes;
	int64_t probe_interval_ms; /* 0: not set */
	int64_t user_timeout_ms;   /* 0: not set */
	int tcp_retries2;          /* -1: the namespace's default */
	char sqlnet[256];          /* path, relative to the scenario's directory */
	struct db_limits limits;   /* max_idle_time ... (ms, 0: not set) */

	/* the client: dcdlab connect */
	char plan[512];
	char client_plan[SCN_MAX_CLIENTS][256]; /* "client N plan ...": its own */
	char client_release[16];
	char connect[512]; /* empty: the lab's server, service orcl */
	int c_keepidle_s, c_keepintvl_s, c_keepcnt;
	int64_t call_timeout_ms;   /* 0: connect's default */
	int c_tcp_retries2;        /* -1: the namespace's default */
	int client_driver;         /* enum client_driver; -1: dcdlab connect's native client */
	char jdbc_properties[256]; /* its file (jdbc-thin), relative to the scenario */
	int c_os_idle_s, c_os_intvl_s, c_os_cnt; /* the client host's keepalive defaults; 0 */
	/* or dcdlab measure: a path's idle timeout (0: the default) */
	bool measure, measure_sequential;
	int64_t measure_min_ms, measure_max_ms, measure_precision_ms;
	int measure_connections;

	/* the firewall */
	enum scn_fw fw;
	const struct fw_device *preset; /* NULL unless "preset" */
	int64_t fw_idle_ms;
	enum fw_expiry expiry;
	bool keepalives_ignored; /* only data refreshes the idle timer */

	struct scn_fault fault[SCN_MAX_FAULTS];
	int n_fault;
	struct scn_expect expect[SCN_MAX_EXPECT];
	int n_expect;
};

/* Lab scale for a preset without "idle": its timeout divided by this
 * (an hour becomes 3 s). */
#define SCN_PRESET_SCALE 1200

/* Parse `text` (a whole file's contents, `file` names it in errors).
 * Errors are "file:line: what was expected". */
int scenario_parse(struct scenario *s, const char *file, const char *text, struct dcd_err *err);

/* Read and parse a file. */
int scenario_load(struct scenario *s, const char *path, struct dcd_err *err);

/* What the client connects with: the scenario's connect string, or Easy
 * Connect to the lab's server over its family. */
const char *scenario_connect_string(const struct scenario *s);

/* The plan's length (calls counted at their server time), for run bounds. */
int64_t scenario_plan_ms(const struct scenario *s);

/* A path in the scenario (sqlnet FILE) relative to the scenario's file. */
void scenario_path(const struct scenario *s, const char *rel, char *out, size_t size);

/* Number of calls in the plan of client k (from 0). */
int scenario_calls(const struct scenario *s);
int scenario_client_calls(const struct scenario *s, int k);

/* Client k's plan (from 0): its own, or the scenario's. */
const char *scenario_plan(const struct scenario *s, int k);

#endif
