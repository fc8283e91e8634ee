/* measure.h - how dcdlab measure finds the idle timeout of a path: which
 * connection to open when, when to check it, and what each answer means.
 *
 * Pure: no sockets, no clock of its own. The real command (probe/measure.c)
 * and the simulator drive the same plan, with their own connections and
 * time, so what the lab measures and what the simulator predicts come from
 * one schedule.
 *
 * The idea. A connection opened at s and checked (one call) at t tells
 * whether an idle of t - s survives the path: answered, it did (and its idle
 * starts again); unanswered, RST or FIN, it did not. No idle expiry can be
 * seen before it happens, so the answer cannot come before T; a sequential
 * bisection costs log2(range / precision) timeouts. Here a ladder of idle
 * targets (a geometric grid from --min to --max) runs in parallel, each
 * connection opened as late as lets its check finish by about 1.1 T + 10 s
 * were T just there, so that at most --connections are open at once. The
 * first death brackets T within a grid step. The connections the ladder
 * no longer needs are clocks already running: each is checked at once if
 * its idle falls inside the bracket, or retargeted to the middle of the
 * largest gap; new ones fill the gaps still wider than the precision
 * (another T at most). Two connections with TCP keepalive (their
 * keepalive idle below --min) stay idle at the application level: if they
 * survive an idle that killed the others, the path counts keepalives. */
#ifndef DCDLAB_MEASURE_H
#define DCDLAB_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/err.h"

#define MEASURE_MAX_CONNS   1024
#define MEASURE_MAX_TARGETS 1024
#define MEASURE_KA_CONNS    2
/* Refinement stops opening connections whose check would come after
 * this many times the timeout (plus the slack) since the start. */
#define MEASURE_TIME_BOUND 3.3

/* What the path does to a flow it forgot. */
enum m_expiry {
	M_EXPIRY_NONE,       /* no idle died (up to --max) */
	M_EXPIRY_SILENT,     /* the call after the idle went unanswered */
	M_EXPIRY_RST_NEXT,   /* the call after the idle got a RST */
	M_EXPIRY_RST_BOTH,   /* an idle connection got a RST without sending */
	M_EXPIRY_PEER_CLOSE, /* the far end closed (FIN): its own idle limit */
	M_EXPIRY_COUNT,
};

const char *m_expiry_name(enum m_expiry e);
/* The enum of a name; -1 when it is none of them. */
int m_expiry_parse(const char *name);
/* The same behaviour as a firewall model's expiry and back: a firewall's
 * expiry as measured; a measured one as the firewall model (-1: none, or
 * the far end closing - no firewall). */
enum m_expiry m_expiry_of_fw(int fw_expiry);
int fw_expiry_of_m(enum m_expiry e);
/* What an idle session without DCD sees, in a line. */
const char *m_expiry_consequence(enum m_expiry e);

/* How a check (or an idle connection) ended. */
enum m_outcome {
	M_ANSWERED,  /* the call was answered: the idle survived */
	M_NO_ANSWER, /* not within the check's time (or the kernel gave up) */
	M_RST,
	M_FIN,
};

struct measure_cfg {
	int64_t min_ms, max_ms;
	int64_t precision_ms; /* 0: the larger of 1 s and 1 % of T */
	int max_conns;        /* open at once, keepalive ones included */
	bool keepalive_test;  /* hold MEASURE_KA_CONNS keepalive connections */
	int64_t check_ms;     /* a check unanswered this long did not survive */
	int64_t slack_ms;     /* the time budget is 1.1 T + slack (10 s) */
};

enum m_action_kind { M_OPEN, M_CHECK, M_CLOSE };

struct m_action {
	enum m_action_kind kind;
	int conn;
	bool keepalive; /* M_OPEN: set TCP keepalive (measure_keepidle_s) */
};

enum m_conn_state { MC_FREE, MC_OPENING, MC_IDLE, MC_CHECKING };

struct m_conn {
	enum m_conn_state state;
	bool keepalive;
	int64_t target_ms;     /* the idle to check at (keepalive: when asked) */
	int64_t idle_since_ms; /* its last answered call */
};

struct measure {
	struct measure_cfg cfg;
	int64_t t0_ms;
	double ratio; /* the ladder's step */
	int n_grid;
	int64_t grid_ms[MEASURE_MAX_TARGETS];
	int64_t start_by_ms[MEASURE_MAX_TARGETS]; /* from t0, latest start */
	uint8_t grid_state[MEASURE_MAX_TARGETS];  /* pending, started, done */
	struct m_conn conn[MEASURE_MAX_CONNS];
	int n_open, max_open;
	int64_t lo_ms; /* longest idle answered */
	int64_t hi_ms; /* shortest idle that died; INT64_MAX none yet */
	unsigned deaths[M_EXPIRY_COUNT];
	int keepalives;   /* -1 unknown, 0 ignored, 1 counted */
	int64_t ka_hi_ms; /* the idle a keepalive connection must pass */
	unsigned checks, opens, open_failures, inconsistent;
	bool gave_up; /* opens kept failing: the far end is gone */
	/* When (since t0) the bracket first was within 3 % of hi, and within
	 * +-1 s (2 s wide); -1 not yet. For the benchmark. */
	int64_t within_3pct_ms, within_1s_ms;
	/* After a RST to a check: the connection idle the longest is kept
	 * unasked until 2 % (at least 2 s) past what died: a RST to it means
	 * the path resets idle flows by itself (rst-both), none that it
	 * answers the next sender (rst-next). -1 none. */
	int witness;
	bool witnessed; /* one was chosen (once) */
};

struct measure_result {
	int64_t lo_ms, hi_ms; /* hi INT64_MAX: no expiry up to max */
	enum m_expiry expiry; /* the kind most deaths showed */
	int keepalives;       /* -1 unknown, 0 ignored, 1 counted */
	int64_t precision_ms; /* asked for (resolved) */
	unsigned checks, opens, max_open, inconsistent;
	double ratio;
	bool done;
	int64_t within_3pct_ms, within_1s_ms; /* since the start; -1 never */
};

/* dcdlab measure's defaults: 5 s to 8 h, 64 connections, the keepalive
 * test, checks of 1 s, a slack of 10 s. The CLI and the simulator start
 * from these. */
void measure_cfg_default(struct measure_cfg *cfg);

/* A plan for cfg starting at now. -1 when cfg makes no sense (said in why). */
int measure_init(struct measure *m, const struct measure_cfg *cfg, int64_t now_ms, char *why,
                 int whylen);

/* What is due at now: up to max actions into out, their count. For each
 * M_OPEN the driver opens the connection and calls measure_opened (or
 * measure_open_failed); for each M_CHECK it sends one call and reports with
 * measure_checked; for M_CLOSE it closes the connection (the plan has
 * forgotten it already). */
int measure_actions(struct measure *m, int64_t now_ms, struct m_action *out, int max);

/* When something is next due (INT64_MAX: only the driver's answers). */
int64_t measure_wake_ms(const struct measure *m, int64_t now_ms);

void measure_opened(struct measure *m, int conn, int64_t now_ms);
void measure_open_failed(struct measure *m, int conn);
/* The check of conn, sent at sent_ms, ended so at now_ms. */
void measure_checked(struct measure *m, int conn, int64_t sent_ms, enum m_outcome o,
                     int64_t now_ms);
/* An idle connection got a RST or FIN, or its kernel gave up (M_NO_ANSWER),
 * without being checked. */
void measure_unsolicited(struct measure *m, int conn, enum m_outcome o, int64_t now_ms);

bool measure_done(const struct measure *m);
void measure_result(const struct measure *m, struct measure_result *r);

/* The keepalive idle and interval the keepalive connections use, in s. */
int measure_keepidle_s(const struct measure *m);

/* A path as dcdlab measure --json saved it, for check --path and inspect
 * --path: its longest surviving idle stands for the timeout (the
 * bracket's safe end), its expiry (enum fw_expiry), whether keepalives
 * count. Errors name the file (and line:column for bad JSON); a path with
 * no expiry, or one the far end closes itself, is refused with why. */
struct measured_path {
	int64_t idle_ms;
	int expiry; /* enum fw_expiry */
	bool keepalives_counted;
};
int measured_path_load(const char *file, struct measured_path *p, struct dcd_err *err);

#endif
