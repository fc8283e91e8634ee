/* lab.h - one scenario run on the real kernel, and what it observed.
 *
 * run.c drives it (namespaces, firewall, listener, client, captures,
 * faults), fw.c is the firewall namespace, report.c turns the result into
 * text, JSON, JUnit and SVG. Times are ms on the scenario clock: 0 is when
 * the (first) client is connected. */
#ifndef DCDLAB_LAB_H
#define DCDLAB_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../lib/err.h"
#include "../model/outcome.h"
#include "../model/scenario.h"
#include "topo.h"

/* One line of the timeline. */
struct lab_event {
	int64_t t_ms;
	int seq;     /* order of arrival, for equal times */
	char who[8]; /* client, fw, server, fault, capture */
	char what[200];
};

/* The firewall's conntrack entry for the session, sampled. */
struct ct_sample {
	int64_t t_ms;
	int timeout_s; /* remaining; -1: no entry */
};

/* The session's flow as the firewall saw it: for RSTs that land. */
struct flow_track {
	bool valid;
	int family;
	uint8_t caddr[16], saddr[16];
	uint16_t cport, sport;
	uint32_t c_ack, s_ack; /* last ACK number each side sent: its rcv_nxt */
	uint32_t c_nxt, s_nxt; /* each side's next sequence number */
	bool c_acked, s_acked;
};

/* A call as the client reported it. */
struct call_result {
	bool made, ok;
	int ora; /* 0 if ok */
	int64_t t_ms;
	char message[160];
};

#define LAB_MAX_EVENTS  2000
#define LAB_MAX_SAMPLES 20000
#define LAB_MAX_CALLS   SCN_RECORDED_CALLS

struct expect_result {
	bool ok;
	char observed[200];
};

/* One client's session, joined across the three witnesses by the client's
 * port: connect's JSON lines, the listener's events, the captures. */
struct lab_session {
	uint16_t cport; /* 0 until the client reported it */
	pid_t pid;      /* its dcdlab connect while it runs */
	struct call_result calls[LAB_MAX_CALLS];
	int n_calls;
	int client_exit; /* connect's exit status, -1 killed or unknown */
	bool server_ended;
	int server_cause; /* enum end_cause, or SCN_END_NONE */
	bool server_dead_peer;
	int64_t server_end_ms;
	double server_since_last_packet_s;
	int verdict[2]; /* per enum scn_leg, enum verdict; -1 no flow */
};

struct lab_run {
	const struct scenario *s;
	struct topo topo;
	char dir[512];      /* artifacts of this run */
	int64_t t0_wall_ms; /* the scenario clock's 0 on CLOCK_REALTIME (lab_now_ms) */
	volatile int *interrupted;

	struct lab_event *events;
	int n_events;
	struct ct_sample *samples;
	int n_samples;

	/* The flows as the firewall saw them, in order of their SYNs. */
	struct flow_track flows[SCN_MAX_CLIENTS];
	int n_flows;

	/* What happened, per client (s->clients of them). */
	struct lab_session sess[SCN_MAX_CLIENTS];
	int fw_expired;        /* conntrack entries that expired (not flushed) */
	int64_t fw_expired_ms; /* the first expiry, -1 none */
	struct expect_result expect[SCN_MAX_EXPECT];
	bool simulated;  /* from dcdlab sim, not the lab */
	int passed;      /* expectations that held */
	double wall_s;   /* the run's duration */
	char error[512]; /* the run could not be carried out */
};

/* The session whose client uses `cport`, or NULL. */
struct lab_session *lab_session_by_port(struct lab_run *r, uint16_t cport);

/* Every expectation held. */
bool lab_run_passed(const struct lab_run *r);

/* record.c: hold each expectation against every session; sort the
 * timeline; how long a run may last (the scenario's duration, or the
 * plan's length plus 20 s). */
void lab_evaluate(struct lab_run *r);
void lab_sort_events(struct lab_run *r);
int64_t lab_run_bound_ms(const struct scenario *s);

void lab_event(struct lab_run *r, int64_t t_ms, const char *who, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
int64_t lab_now_ms(const struct lab_run *r);

/* Run one scenario; fills `r`. Returns 0 if it could be run (whether or
 * not its expectations held), -1 with r->error otherwise. */
int lab_run_scenario(struct lab_run *r, const struct scenario *s, const char *dir,
                     volatile int *interrupted);
void lab_run_free(struct lab_run *r);

/* fw.c: the firewall's namespace. */
struct fw;
struct fw *fw_open(struct lab_run *r, struct dcd_err *err);
int fw_event_fd(const struct fw *f);
void fw_read_events(struct fw *f);
void fw_sample(struct fw *f);
int fw_flush(struct fw *f, struct dcd_err *err);
int fw_cut(struct fw *f, bool cut, struct dcd_err *err);
void fw_close(struct fw *f);
/* nftables text in a namespace of the run, through libnftables. */
int lab_nft(struct lab_run *r, enum topo_role role, const char *ruleset, struct dcd_err *err);

/* report.c */
void report_text(const struct lab_run *r, FILE *out);
void report_json(const struct lab_run *r, FILE *out);
void report_junit_case(const struct lab_run *r, FILE *out);
void report_svg(const struct lab_run *r, FILE *out);

#endif
