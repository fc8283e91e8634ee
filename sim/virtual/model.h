/* model.h - one session in virtual time: what Linux's TCP timers, dcdlab
 * listen, dcdlab connect and the lab's firewall do, as a deterministic
 * event loop with no sockets (DOMAIN.md §3, net/ipv4/tcp_timer.c).
 *
 * The lab is the ground truth: tests/integration/sim_fidelity.sh runs
 * every scenario in both and holds the times to max(5%, 200 ms). The
 * numbers below were measured there (Linux 6.18, veth round trip < 0.1 ms).
 *
 * A session has a fixed handful of timers (each side's keepalive and
 * retransmission timer, the client's next step, the server's answer and NS
 * probe, the firewall entry's expiry, the next fault); the loop advances
 * to the earliest. Sessions never share state, so N sessions are N
 * independent runs: memory does not grow with N. */
#ifndef DCDLAB_MODEL_H
#define DCDLAB_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../../model/dbend.h"
#include "../../model/plan.h"
#include "../../model/scenario.h"
#include "../record/record.h"

/* Unacknowledged data: a tail loss probe SIM_PTO_MS after it was sent,
 * then retransmissions every SIM_RTO_MS, doubling (capped at TCP_RTO_MAX_MS). The
 * kernel's give-up time counts from the first of those retransmissions
 * (measured: tcp_retries2=3 gave up 6.65-6.9 s after the first send). */
#define SIM_PTO_MS 208
#define SIM_RTO_MS 210

/* One side's TCP settings. */
struct sim_tcp {
	int64_t keepidle_ms; /* 0: no keepalive */
	int64_t keepintvl_ms;
	int keepcnt;
	int64_t user_timeout_ms;  /* 0: none */
	int retries2;             /* net.ipv4.tcp_retries2 */
	int64_t retrans_limit_ms; /* instead: give up after this long (other OSes) */
};

/* A segment as a capture on one of the firewall's legs would show it. */
struct sim_packet {
	int64_t t_ms;
	uint16_t cport; /* the client's port: which session */
	bool from_client;
	uint8_t flags; /* enum tcp_flag bits (capture/decode.h) */
	uint8_t ttl;   /* 64 where it was sent from, 63 once forwarded */
	uint32_t seq, ack;
	uint16_t len;
	uint8_t head[10]; /* a TNS header for the 10-byte DATA packets */
	uint16_t ora;     /* the database's error this DATA carries (its text), 0 none */
	uint32_t order;   /* for the consumer: the order it was made in */
};

enum sim_leg { SIM_LEG_SERVER, SIM_LEG_CLIENT }; /* = enum scn_leg */

typedef void (*sim_packet_fn)(void *arg, enum sim_leg leg, const struct sim_packet *p);

/* Locks between sessions (plan steps lock / commit): who held which lock
 * when, who waited from when. Sessions run one at a time here, so a
 * scenario with locks is run again with what the others did until nothing
 * changes (cmd_sim.c); a session reads the last round's and writes its own. */
#define SIM_MAX_LOCK_USES 64
struct sim_lock_use {
	char name[PLAN_LOCK_NAME_MAX + 1];
	int session;        /* from 0 */
	int64_t want_ms;    /* the lock call reached the server */
	int64_t got_ms;     /* granted; INT64_MAX: never */
	int64_t release_ms; /* commit, the session's end or KILLED/SNIPED; INT64_MAX: held */
};

struct sim_locks {
	struct sim_lock_use use[SIM_MAX_LOCK_USES];
	int n;
};

struct sim_params {
	const struct scenario *s;       /* firewall, faults, bound */
	const struct plan *plan;        /* the client's */
	const struct scn_fault *faults; /* the scenario's, or one session's */
	int n_faults;
	struct sim_tcp client, server;
	int64_t ns_interval_ms;           /* legacy DCD on the server; 0: none */
	struct db_limits limits;          /* the database's idle limits */
	const struct sim_locks *locks_in; /* the other sessions' (may be NULL) */
	struct sim_locks *locks_out;      /* this session's are added (may be NULL) */
	int session;                      /* its number, from 0 */
	int64_t call_timeout_ms;
	int64_t bound_ms;
	bool latest_timers;      /* kernel timers as late as they may fire (worst case) */
	bool trace;              /* put the timeline into the run */
	sim_packet_fn on_packet; /* every segment on each leg, or NULL */
	uint16_t cport;          /* the client's port in those segments */
	void *packet_arg;
	bool wire; /* ... with every probe */
};

/* What one session did besides what lab_session records. */
struct sim_extra {
	bool fw_expired;
	int64_t fw_expired_ms;
	int64_t first_failure_ms; /* the client's first failed call, -1 none */
	int first_failure_ora;    /* its ORA number (also past LAB_MAX_CALLS) */
	int calls_made;           /* all of them; `out` records the first LAB_MAX_CALLS */
	int probes;               /* keepalive probes sent, both sides */
	uint64_t events;          /* timer firings processed */
	int64_t end_ms;           /* when the run ended (virtual) */
	int64_t client_dead_ms;   /* the client's kernel gave up on the connection */
};

/* Derive both sides' settings from a scenario, as the lab's programs
 * would (dcd_profile_compute + dcd_lab_scale). */
int sim_params_from_scenario(struct sim_params *p, const struct scenario *s,
                             const struct plan *plan, struct dcd_err *err);

/* Run one session; `r` (may be NULL) receives the timeline with `tag`
 * ("#2 ") when p->trace is set. */
void sim_session(const struct sim_params *p, struct lab_session *out, struct sim_extra *x,
                 struct lab_run *r, const char *tag);

#endif
