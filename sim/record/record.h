/* record.h - what one scenario run observed, whichever ran it: the lab on
 * the real kernel (sim/lab/) or the simulator in virtual time
 * (sim/virtual/). record.c judges the expectations against it, report.c
 * turns it into text, JSON, JUnit and SVG. Pure data and computation: no
 * root, no kernel. Times are ms on the scenario clock: 0 is when the
 * (first) client is connected. */
#ifndef DCDLAB_RECORD_H
#define DCDLAB_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../../lib/err.h"
#include "../../model/outcome.h"
#include "../../model/scenario.h"
#include "../../report/ladder.h"

struct topo; /* the lab's namespaces (sim/lab/topo.h) */

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
/* Flows the lab's firewall follows (for RSTs at expiry): every client's,
 * or every connection dcdlab measure opens. */
#define LAB_MAX_FLOWS 1100

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
	int db_status;  /* enum db_status the database last gave it (KILLED, SNIPED) */
	int client_ka;  /* the client's socket had keepalive: 1, 0, -1 unknown */
	int verdict[2]; /* per enum scn_leg, enum verdict; -1 no flow */
};

/* What dcdlab measure found (client measure), in the lab or the model. */
struct lab_measured {
	bool ran;
	int64_t lo_ms, hi_ms; /* the bracket; hi -1: no expiry found */
	int expiry;           /* enum m_expiry, -1 unknown */
	int keepalives;       /* 1 counted, 0 ignored, -1 unknown */
	char rst_from[16];    /* path, far-end, unknown, "" */
	double elapsed_s;
	unsigned opened, max_open;
	int exit; /* its exit status, -1 unknown */
};

struct lab_run {
	const struct scenario *s;
	struct topo *topo;  /* the lab's namespaces; NULL in the simulator */
	char dir[512];      /* artifacts of this run */
	int64_t t0_wall_ms; /* the scenario clock's 0 on CLOCK_REALTIME (lab_now_ms) */
	volatile int *interrupted;

	struct lab_event *events;
	int n_events;
	struct ct_sample *samples;
	int n_samples;

	/* The flows as the firewall saw them, in order of their SYNs. */
	struct flow_track flows[LAB_MAX_FLOWS];
	int n_flows;

	/* What happened, per client (s->clients of them). */
	struct lab_session sess[SCN_MAX_CLIENTS];
	struct lab_measured measured;
	int fw_expired;        /* conntrack entries that expired (not flushed) */
	int64_t fw_expired_ms; /* the first expiry, -1 none */
	struct expect_result expect[SCN_MAX_EXPECT];
	/* Every segment on each of the firewall's legs (enum scn_leg), as its
	 * capture showed it: the ladder diagrams are drawn from them. */
	struct leg_seg *segs[2];
	size_t n_segs[2], cap_segs[2];
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

/* Keep one segment of leg `leg` (0 when there was no memory for it: the
 * drawing then lacks it, nothing else does). */
void lab_leg_seg(struct lab_run *r, int leg, const struct leg_seg *s);

/* The record's own memory (events, samples, segments). */
void lab_run_free(struct lab_run *r);

/* report.c */
void report_text(const struct lab_run *r, FILE *out);
void report_json(const struct lab_run *r, FILE *out);
void report_junit_case(const struct lab_run *r, FILE *out);
void report_svg(const struct lab_run *r, FILE *out);
/* Session k's ladder diagram (report/ladder.h): its packets on both legs,
 * the calls, the server's end, the firewall's entry, the expectations. */
int report_ladder(const struct lab_run *r, int k, FILE *out, bool standalone);
/* The scenario's part of an HTML report (report/html.h): its result, each
 * expectation against what was observed, each session's ladder; and its
 * row in the table of scenarios. */
void report_html_section(const struct lab_run *r, FILE *out);
void report_html_row(const struct lab_run *r, FILE *out);
/* Each session's ladder into DIR/BASE.svg (session 1), DIR/BASE-2.svg ... */
int report_write_ladders(const char *dir, const char *base, const struct lab_run *r);
/* One report (fn) into DIR/NAME; -1 after saying why it could not be
 * written (a full disk included). */
int report_write(const char *dir, const char *name, const struct lab_run *r,
                 void (*fn)(const struct lab_run *, FILE *));

#endif
