/* analyze.h - TCP flows to DCD verdicts, one streaming pass, bounded memory.
 *
 * Feed every decoded TCP segment in capture order; the analyzer keeps a
 * small state per flow (see FLOW_BYTES), classifies segments (keepalive
 * probe, keepalive ACK, zero-window probe, NS probe, retransmission), and
 * when a flow ends - or the capture does - hands a `flow_report` with its
 * verdict and evidence to the caller. Finished flows are forgotten, so
 * memory follows the number of concurrently open flows. */
#ifndef DCDLAB_ANALYZE_H
#define DCDLAB_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>

#include "../model/outcome.h"
#include "decode.h"

enum pkt_class {
	PKT_KEEPALIVE = 1,
	PKT_KEEPALIVE_ACK,
	PKT_ZERO_WINDOW_PROBE,
	PKT_NS_PROBE,
	PKT_RETRANSMISSION,
};

const char *pkt_class_name(enum pkt_class c);

#define REPORT_MAX_EVIDENCE 6

struct evidence {
	uint32_t pkt; /* packet number, from 1 */
	double t_s;   /* seconds since the capture's first packet */
	char what[120];
};

/* What one endpoint did, keepalive-wise. */
struct side_report {
	char addr[64]; /* "192.0.2.1:1521" */
	unsigned packets;
	unsigned probes;     /* keepalive probes it sent */
	unsigned probe_acks; /* keepalive ACKs it sent */
	unsigned zero_window_probes;
	unsigned ns_probes;
	unsigned retransmissions;
	bool one_byte_probes;   /* Windows */
	double idle_s;          /* inferred TCP_KEEPIDLE, < 0 unknown */
	double interval_s;      /* inferred TCP_KEEPINTVL, < 0 unknown */
	double data_to_probe_s; /* last data exchange to its first probe, < 0 unknown */
	int count;              /* unanswered probes before its RST, -1 unknown */
	const char *profile;    /* oracle-dcd, linux-default, windows, custom, none */
	int expire_time_min;    /* when profile is oracle-dcd, else -1 */
};

struct flow_report {
	uint32_t id; /* in order of first packet */
	struct side_report client, server;
	double first_s, last_s; /* since the capture's first packet */
	unsigned packets;
	enum verdict verdict;
	double detect_s;       /* dead-peer: peer's last packet to the prober giving up */
	double idle_max_s;     /* longest time without a packet, either way */
	double drop_gap_s;     /* firewall-drop: the idle gap before it, else -1 */
	double survived_gap_s; /* longest gap after which both sides spoke */
	double server_idle_s;  /* server-ended: idle before the server's FIN, else -1 */
	int server_ora;        /* the server's ORA error: its number, -1 another, 0 none */
	struct evidence evidence[REPORT_MAX_EVIDENCE];
	int n_evidence;
	/* Capture artefacts, not path events: segments the capture missed
	 * (data ACKed but never seen, or a sequence jump never filled), copies
	 * of one packet, segments seen after later ones. */
	unsigned not_captured, duplicates, reordered;
	uint32_t loss_pkt[2]; /* where the first holes showed */
	int n_loss_pkt;
};

/* Called for each finished flow; `r` lives until the callback returns. */
typedef void (*report_fn)(const struct flow_report *r, void *arg);
/* Called for each classified segment (when asked for). */
typedef void (*pkt_fn)(uint32_t pkt, enum pkt_class c, void *arg);

/* Above this share of TCP packets not captured, verdicts are less certain
 * (printed with the summary). */
#define CAPTURE_LOSS_UNCERTAIN 0.01

#define GAP_BUCKETS 10
/* Upper bounds of the idle-gap histogram buckets, in seconds. */
extern const double gap_bucket_s[GAP_BUCKETS];

struct summary {
	uint64_t packets, tcp_packets, skipped[8]; /* skipped by decode result */
	uint64_t flows;
	uint64_t by_verdict[VERDICT_COUNT];
	uint64_t gaps[GAP_BUCKETS];    /* idle gaps >= 1 s, by length */
	double longest_survived_gap_s; /* bracket low; < 0 none */
	double shortest_drop_gap_s;    /* bracket high; < 0 none */
	uint32_t max_open_flows;
	double duration_s;
	uint64_t not_captured, flows_with_loss, duplicates, reordered;
	int64_t kernel_drops; /* live capture: pcap_stats ps_drop, else -1 */
	/* Server-ended flows after the same idle time (within 1 s): the
	 * largest such group, a server idle limit rather than a firewall. */
	uint64_t server_idle_flows; /* 0: none */
	double server_idle_s;       /* its idle time (median) */
};

struct analyzer;

struct analyzer *analyzer_new(report_fn on_report, pkt_fn on_pkt, void *arg);
/* One decoded segment: `ts_us` capture time, `pkt` its number (from 1). */
void analyzer_packet(struct analyzer *a, uint64_t ts_us, uint32_t pkt, const struct tcp_pkt *p);
/* The flow of the last packet given, and whether the client sent it. */
uint32_t analyzer_last_flow(const struct analyzer *a, bool *from_client);
/* Run the general path beside the steady one (analyze.c, steady()) for
 * every segment the steady one takes, and count where they differ. */
void analyzer_check_fastpath(struct analyzer *a);
uint64_t analyzer_fastpath_differences(const struct analyzer *a, uint64_t *checked);
/* Count a frame that did not decode to TCP. */
void analyzer_skip(struct analyzer *a, enum decode_result why);

/* A decoded frame, for analyzer_batch(). */
struct an_packet {
	struct tcp_pkt tp;
	uint64_t ts_us;
	uint32_t pktno;
	enum decode_result dr; /* DECODE_TCP, or why it is skipped */
};

/* Frames looked at together (a larger batch is taken in parts). */
#define AN_BATCH 64

/* The same as analyzer_packet() or analyzer_skip() for each of `n` frames
 * in order, with the same result; but the flows of the packets ahead are
 * fetched into the cache while the one before is classified. On a busy
 * host's capture nearly every packet is of another flow than the last,
 * and waiting for its flow to come from memory was most of the time. */
void analyzer_batch(struct analyzer *a, const struct an_packet *pk, unsigned n);
/* End of input: report the flows still open, fill `s`. */
void analyzer_finish(struct analyzer *a, struct summary *s);
void analyzer_free(struct analyzer *a);

/* Bytes of state per tracked flow (the flow itself; the index adds ~8). */
extern const unsigned FLOW_BYTES;

#endif
