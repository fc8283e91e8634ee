/* test_analyze.c - the flow analyzer on crafted packet sequences: each
 * packet class, each verdict rule, and the capture artefacts (loss,
 * copies, reordering, timestamps that step back) that must not become
 * verdicts. A case is a script of segments between 192.0.2.2:40000 (the
 * client) and 198.51.100.2:1521, like a conversation in mkpcap.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../capture/analyze.h"

#define MAX_FLOWS 4
#define MAX_PKTS  64

struct conv {
	struct analyzer *a;
	uint32_t cseq, sseq; /* next sequence number of each side */
	uint16_t cid, sid;   /* IPv4 IDs */
	uint8_t sttl;        /* the server's TTL */
	uint16_t cport;
	uint32_t pkt;
	uint64_t t0_us;
	struct tcp_pkt last; /* the last segment fed, for copies of it */
	struct flow_report flows[MAX_FLOWS];
	int n_flows;
	enum pkt_class cls[MAX_PKTS + 1]; /* by packet number; 0 = none */
};

static void on_report(const struct flow_report *r, void *arg)
{
	struct conv *c = arg;
	if (c->n_flows < MAX_FLOWS)
		c->flows[c->n_flows++] = *r;
}

static void on_pkt(uint32_t pkt, enum pkt_class cls, void *arg)
{
	struct conv *c = arg;
	if (pkt <= MAX_PKTS)
		c->cls[pkt] = cls;
}

static void conv_init(struct conv *c)
{
	memset(c, 0, sizeof(*c));
	c->a = analyzer_new(on_report, on_pkt, c);
	c->cseq = 1000;
	c->sseq = 5000;
	c->cid = 100;
	c->sid = 7000;
	c->sttl = 64;
	c->cport = 40000;
	c->t0_us = 1000000000ull;
}

/* One segment at t_ms. seq/ack of (uint32_t)-1 mean "the side's next" and
 * "everything the peer sent"; returns its packet number. */
#define NEXT UINT32_MAX
static uint32_t seg(struct conv *c, uint64_t t_ms, int from_client, uint8_t flags, uint32_t len,
                    uint32_t seq, uint32_t ack, uint8_t ttl, uint16_t win)
{
	struct tcp_pkt p;
	uint32_t *mine = from_client ? &c->cseq : &c->sseq;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.flags = flags;
	p.ttl = ttl ? ttl : from_client ? 64 : c->sttl;
	p.has_ip_id = 1;
	p.ip_id = from_client ? c->cid++ : c->sid++;
	uint8_t cl[4] = { 192, 0, 2, 2 }, sv[4] = { 198, 51, 100, 2 };
	memcpy(p.src, from_client ? cl : sv, 4);
	memcpy(p.dst, from_client ? sv : cl, 4);
	p.sport = from_client ? c->cport : 1521;
	p.dport = from_client ? 1521 : c->cport;
	p.seq = seq == NEXT ? *mine : seq;
	p.ack = ack == NEXT ? (from_client ? c->sseq : c->cseq) : ack;
	p.win = win;
	p.payload_len = p.caplen_payload = len;
	if (seq == NEXT)
		*mine += len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	analyzer_packet(c->a, c->t0_us + t_ms * 1000, ++c->pkt, &p);
	c->last = p;
	return c->pkt;
}

/* The last segment seen again 20 us later, with another TTL if ttl != 0. */
static void again(struct conv *c, uint64_t t_ms, uint8_t ttl)
{
	struct tcp_pkt p = c->last;
	if (ttl)
		p.ttl = ttl;
	analyzer_packet(c->a, c->t0_us + t_ms * 1000 + 20, ++c->pkt, &p);
}

static uint32_t send_(struct conv *c, uint64_t t_ms, int from_client, uint8_t flags, uint32_t len)
{
	return seg(c, t_ms, from_client, flags, len, NEXT, NEXT, 0, 502);
}

static void handshake_and_call(struct conv *c, uint64_t t_ms)
{
	send_(c, t_ms, 1, TCP_SYN, 0);
	send_(c, t_ms + 1, 0, TCP_SYN | TCP_ACK, 0);
	send_(c, t_ms + 2, 1, TCP_ACK, 0);
	send_(c, t_ms + 100, 1, TCP_ACK | TCP_PSH, 20);
	send_(c, t_ms + 101, 0, TCP_ACK | TCP_PSH, 20);
	send_(c, t_ms + 102, 1, TCP_ACK, 0);
}

static void finish(struct conv *c, struct summary *s)
{
	analyzer_finish(c->a, s);
	analyzer_free(c->a);
}

static void want_one(struct conv *c, enum verdict v)
{
	if (c->n_flows != 1)
		fail_msg("%d flows, expected 1", c->n_flows);
	if (c->flows[0].verdict != v)
		fail_msg("verdict %s, expected %s (%s)", verdict_name(c->flows[0].verdict),
		         verdict_name(v),
		         c->flows[0].n_evidence ? c->flows[0].evidence[0].what : "");
}

static void test_keepalive_and_ack(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	uint32_t k = seg(&c, 2102, 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502);
	uint32_t ka = send_(&c, 2103, 1, TCP_ACK, 0);
	uint32_t k2 = seg(&c, 4103, 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502);
	send_(&c, 4104, 1, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_ALIVE);
	assert_int_equal(c.cls[k], PKT_KEEPALIVE);
	assert_int_equal(c.cls[ka], PKT_KEEPALIVE_ACK);
	assert_int_equal(c.cls[k2], PKT_KEEPALIVE);
	assert_int_equal(c.flows[0].server.probes, 2);
	/* idle from the last packet received; then every KEEPIDLE */
	assert_true(c.flows[0].server.idle_s > 1.99 && c.flows[0].server.idle_s < 2.01);
}

static void test_zero_window_probe(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	seg(&c, 200, 1, TCP_ACK, 0, NEXT, NEXT, 0, 0); /* the client's window closes */
	uint32_t z = seg(&c, 400, 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502);
	finish(&c, &s);
	assert_int_equal(c.cls[z], PKT_ZERO_WINDOW_PROBE);
	assert_int_equal(c.flows[0].server.probes, 0);
}

static void test_dead_peer_by_keepalive(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	for (int i = 0; i < 3; i++)
		seg(&c, 2102 + i * 1000, 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502);
	seg(&c, 5102, 0, TCP_RST | TCP_ACK, 0, NEXT, NEXT, 0, 502);
	finish(&c, &s);
	want_one(&c, VERDICT_DEAD_PEER);
	assert_int_equal(c.flows[0].server.count, 3);
	assert_true(c.flows[0].detect_s > 4.99 && c.flows[0].detect_s < 5.01);
}

static void test_dead_peer_by_retransmission(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	uint32_t q = c.sseq;
	send_(&c, 300, 0, TCP_ACK | TCP_PSH, 100); /* no idle gap before it */
	seg(&c, 510, 0, TCP_ACK | TCP_PSH, 100, q, NEXT, 0, 502);
	seg(&c, 930, 0, TCP_ACK | TCP_PSH, 100, q, NEXT, 0, 502);
	finish(&c, &s);
	want_one(&c, VERDICT_DEAD_PEER);
	assert_int_equal(c.flows[0].server.retransmissions, 2);
}

static void test_firewall_drop_after_gap(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	uint32_t q = c.cseq;
	send_(&c, 400000, 1, TCP_ACK | TCP_PSH, 20);
	seg(&c, 400210, 1, TCP_ACK | TCP_PSH, 20, q, NEXT, 0, 502);
	seg(&c, 400630, 1, TCP_ACK | TCP_PSH, 20, q, NEXT, 0, 502);
	finish(&c, &s);
	want_one(&c, VERDICT_FIREWALL_DROP);
	assert_true(c.flows[0].drop_gap_s > 399 && c.flows[0].drop_gap_s < 400);
	assert_true(s.shortest_drop_gap_s > 399 && s.shortest_drop_gap_s < 400);
}

static void test_injected_rst(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 400000, 1, TCP_ACK | TCP_PSH, 20);
	seg(&c, 400001, 0, TCP_RST, 0, NEXT, 0, 250, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_FIREWALL_DROP);
}

/* Copies of one RST (TTL 64 and 63: a routing host seen on both sides)
 * are one packet, not an injected RST. */
static void test_copies_are_one_packet(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 1000, 0, TCP_ACK | TCP_PSH, 20);
	again(&c, 1000, 63);
	seg(&c, 1001, 0, TCP_RST | TCP_ACK, 0, NEXT, NEXT, 64, 0);
	again(&c, 1001, 63);
	finish(&c, &s);
	want_one(&c, VERDICT_CLOSED);
	assert_int_equal(c.flows[0].duplicates, 2);
	assert_int_equal(c.flows[0].server.retransmissions, 0);
	assert_int_equal(s.duplicates, 2);
}

static void test_capture_loss_is_not_a_drop(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	c.cseq += 30; /* 30 bytes after a 400 s gap, not captured */
	uint32_t j = send_(&c, 400000, 1, TCP_ACK | TCP_PSH, 10);
	send_(&c, 400001, 0, TCP_ACK | TCP_PSH, 20); /* ACKs all 40 */
	send_(&c, 400002, 1, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_ALIVE);
	assert_int_equal(c.flows[0].not_captured, 1);
	assert_int_equal(c.flows[0].loss_pkt[0], j);
	assert_int_equal(s.not_captured, 1);
	assert_int_equal(s.flows_with_loss, 1);
	assert_true(s.longest_survived_gap_s > 399);
}

static void test_hole_after_gap_never_acked(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	uint32_t old = c.cseq;
	c.cseq += 30;
	send_(&c, 400000, 1, TCP_ACK | TCP_PSH, 10);
	seg(&c, 400001, 0, TCP_ACK, 0, NEXT, old, 0, 502); /* a duplicate ACK */
	finish(&c, &s);
	want_one(&c, VERDICT_FIREWALL_DROP);
}

static void test_reordering_is_not_retransmission(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 5000, 1, TCP_ACK | TCP_PSH, 20);
	uint32_t s0 = c.sseq;
	seg(&c, 5001, 0, TCP_ACK, 100, s0 + 100, NEXT, 0, 502);
	seg(&c, 5001, 0, TCP_ACK, 100, s0, NEXT, 0, 502);
	c.sseq = s0 + 200;
	send_(&c, 5002, 1, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_ALIVE);
	assert_int_equal(c.flows[0].reordered, 1);
	assert_int_equal(c.flows[0].not_captured, 0);
	assert_int_equal(c.flows[0].server.retransmissions, 0);
}

static void test_abort_is_closed(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	uint32_t q = c.sseq;
	send_(&c, 1000, 0, TCP_ACK | TCP_PSH, 20);
	seg(&c, 1003, 0, TCP_ACK | TCP_PSH, 20, q, NEXT, 0, 502); /* TLP */
	send_(&c, 1004, 0, TCP_RST | TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_CLOSED);
}

static void test_dies_mid_answer(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 1000, 1, TCP_ACK | TCP_PSH, 20);
	uint32_t s0 = c.sseq;
	for (int i = 0; i < 4; i++)
		send_(&c, 1001 + i, 0, TCP_ACK, 1000);
	seg(&c, 1003, 1, TCP_ACK, 0, NEXT, s0 + 2000, 0, 502); /* then nothing */
	for (int i = 0; i < 2; i++)
		send_(&c, 1006 + i, 0, TCP_ACK, 1000);
	seg(&c, 1220, 0, TCP_ACK, 1000, s0 + 2000, NEXT, 0, 502);
	seg(&c, 1640, 0, TCP_ACK, 1000, s0 + 2000, NEXT, 0, 502);
	finish(&c, &s);
	want_one(&c, VERDICT_DEAD_PEER);
}

static void test_data_dropped_acks_pass(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	uint32_t q = c.cseq;
	send_(&c, 3000, 1, TCP_ACK | TCP_PSH, 20);
	for (int i = 1; i <= 3; i++) {
		seg(&c, 3000 + 210u * (1u << i), 1, TCP_ACK | TCP_PSH, 20, q, NEXT, 0, 502);
		seg(&c, 3001 + 210u * (1u << i), 0, TCP_ACK, 0, NEXT, q, 0, 502);
	}
	finish(&c, &s);
	want_one(&c, VERDICT_FIREWALL_DROP);
}

static void test_port_reuse_starts_a_flow(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	uint32_t q = c.cseq;
	send_(&c, 400000, 1, TCP_ACK | TCP_PSH, 20);
	seg(&c, 400210, 1, TCP_ACK | TCP_PSH, 20, q, NEXT, 0, 502);
	/* no FIN, no RST: the same 4-tuple, a new initial sequence number */
	c.cseq = 90000;
	c.sseq = 70000;
	send_(&c, 500000, 1, TCP_SYN, 0);
	seg(&c, 501000, 1, TCP_SYN, 0, 90000, 0, 0, 502); /* the SYN sent again */
	send_(&c, 501001, 0, TCP_SYN | TCP_ACK, 0);
	send_(&c, 501002, 1, TCP_ACK, 0);
	finish(&c, &s);
	assert_int_equal(c.n_flows, 2);
	assert_int_equal(c.flows[0].verdict, VERDICT_FIREWALL_DROP);
	assert_int_equal(c.flows[1].verdict, VERDICT_ALIVE);
	assert_int_equal(c.flows[1].client.packets, 3);
	assert_int_equal(s.flows, 2);
}

static void test_time_steps_back(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 2000, 1, TCP_ACK | TCP_PSH, 20);
	send_(&c, 1999, 0, TCP_ACK | TCP_PSH, 20); /* 1 ms before the call */
	send_(&c, 2001, 1, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_ALIVE);
	assert_true(c.flows[0].idle_max_s < 2.0);
	assert_true(c.flows[0].last_s >= c.flows[0].first_s);
}

/* 60 days of capture: times past 2^32 ms keep their value. */
static void test_long_capture(void **state)
{
	struct conv c;
	struct summary s;
	const uint64_t day_ms = 86400000ull;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 2 * day_ms, 1, TCP_ACK | TCP_PSH, 20); /* after 2 days idle */
	send_(&c, 2 * day_ms + 1, 0, TCP_ACK | TCP_PSH, 20);
	c.cport = 40001; /* another session, 60 days in */
	c.cseq = 90000;
	c.sseq = 70000;
	handshake_and_call(&c, 60 * day_ms);
	finish(&c, &s);
	assert_int_equal(c.n_flows, 2);
	assert_int_equal(c.flows[0].verdict, VERDICT_ALIVE);
	assert_true(c.flows[0].idle_max_s > 2 * 86400.0 - 1);
	assert_true(c.flows[1].first_s > 60 * 86400.0 - 1 && c.flows[1].first_s < 60 * 86400.0 + 1);
	assert_true(c.flows[1].idle_max_s < 1);
	assert_true(s.duration_s > 60 * 86400.0 - 1);
	assert_int_equal(s.gaps[GAP_BUCKETS - 1], 1); /* a gap of a day or more */
}

/* A client that stopped reading and then vanished: its window is 0, the
 * server's zero-window probes go unanswered, and Linux gives up without a
 * RST. The capture goes on: dead peer. */
static void test_zero_window_give_up(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 1000, 0, TCP_ACK, 1000);
	seg(&c, 1001, 1, TCP_ACK, 0, NEXT, NEXT, 0, 0); /* window 0 */
	for (int i = 0; i < 4; i++)
		seg(&c, 1200 + 400u * (1u << i), 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502);
	c.cport = 40001; /* the capture goes on: another session, later */
	handshake_and_call(&c, 20000);
	finish(&c, &s);
	assert_int_equal(c.n_flows, 2);
	assert_int_equal(c.flows[0].verdict, VERDICT_DEAD_PEER);
	assert_int_equal(c.flows[0].server.zero_window_probes, 4);
	assert_int_equal(c.flows[0].server.probes, 0);
}

/* The same probes, answered: the peer lives, whatever the window. */
static void test_zero_window_answered(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 1000, 0, TCP_ACK, 1000);
	seg(&c, 1001, 1, TCP_ACK, 0, NEXT, NEXT, 0, 0);
	for (int i = 0; i < 4; i++) {
		uint32_t z =
		        seg(&c, 1200 + 400u * (1u << i), 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502);
		uint32_t ack = seg(&c, 1201 + 400u * (1u << i), 1, TCP_ACK, 0, NEXT, NEXT, 0, 0);
		assert_int_equal(c.cls[z], PKT_ZERO_WINDOW_PROBE);
		assert_int_equal(c.cls[ack], 0); /* not a keepalive ACK */
	}
	c.cport = 40001;
	handshake_and_call(&c, 20000);
	finish(&c, &s);
	assert_int_equal(c.flows[0].verdict, VERDICT_ALIVE);
	assert_int_equal(c.flows[0].client.probe_acks, 0);
}

/* Keepalive probes unanswered and the prober's RST not captured: the
 * prober stopped while the capture went on, so it gave up. Not when the
 * capture ends right after the probes (it may still be probing). */
static void test_probes_stopped_without_rst(void **state)
{
	for (int goes_on = 0; goes_on < 2; goes_on++) {
		struct conv c;
		struct summary s;
		(void)state;
		conv_init(&c);
		handshake_and_call(&c, 0);
		for (int i = 0; i < 3; i++)
			seg(&c, 2102 + i * 1000, 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502);
		if (goes_on) {
			c.cport = 40001;
			handshake_and_call(&c, 20000);
		}
		finish(&c, &s);
		assert_int_equal(c.flows[0].verdict, goes_on ? VERDICT_DEAD_PEER : VERDICT_ALIVE);
	}
}

static void test_fin_both_ways_closed(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 1000, 1, TCP_ACK | TCP_FIN, 0);
	send_(&c, 1001, 0, TCP_ACK | TCP_FIN, 0);
	send_(&c, 1002, 1, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_CLOSED);
}

/* The database's own end: the server closes (FIN) an idle session. With
 * keepalives in between (they are not data) it is still idle. */
static void test_server_ends_idle_session(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	seg(&c, 10102, 0, TCP_ACK, 0, c.sseq - 1, NEXT, 0, 502); /* a keepalive */
	send_(&c, 10103, 1, TCP_ACK, 0);
	send_(&c, 30101, 0, TCP_ACK | TCP_FIN, 0); /* 30 s after the answer */
	send_(&c, 30102, 1, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_SERVER_ENDED);
	assert_true(c.flows[0].server_idle_s > 29.9 && c.flows[0].server_idle_s < 30.1);
	assert_int_equal(c.flows[0].server_ora, 0);
	assert_int_equal(s.by_verdict[VERDICT_SERVER_ENDED], 1);
	assert_int_equal(s.server_idle_flows, 0); /* one flow is no pattern */
}

/* The server's answer is an Oracle error, then it closes at once. */
static void test_server_answers_ora(void **state)
{
	struct conv c;
	struct summary s;
	static const char text[] = "ORA-00028: your session has been killed\n";
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 5000, 1, TCP_ACK | TCP_PSH, 20);
	struct tcp_pkt p;
	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.flags = TCP_ACK | TCP_PSH;
	p.ttl = 64;
	uint8_t cl[4] = { 192, 0, 2, 2 }, sv[4] = { 198, 51, 100, 2 };
	memcpy(p.src, sv, 4);
	memcpy(p.dst, cl, 4);
	p.sport = 1521;
	p.dport = c.cport;
	p.seq = c.sseq;
	p.ack = c.cseq;
	p.win = 502;
	p.payload = (const uint8_t *)text;
	p.payload_len = p.caplen_payload = sizeof(text) - 1;
	c.sseq += p.payload_len;
	analyzer_packet(c.a, c.t0_us + 5001000, ++c.pkt, &p);
	send_(&c, 5002, 0, TCP_ACK | TCP_FIN, 0);
	send_(&c, 5003, 1, TCP_ACK | TCP_FIN, 0);
	send_(&c, 5004, 0, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_SERVER_ENDED);
	assert_int_equal(c.flows[0].server_ora, 28);
	assert_non_null(
	        strstr(c.flows[0].evidence[0].what, "ORA-00028 (your session has been killed)"));
}

/* Not the database's end: the client closes first after idle; the server
 * closes right after the client's last call (a disconnect). */
static void test_not_server_ended(void **state)
{
	struct conv c;
	struct summary s;
	(void)state;
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 30000, 1, TCP_ACK | TCP_FIN, 0);
	send_(&c, 30001, 0, TCP_ACK | TCP_FIN, 0);
	send_(&c, 30002, 1, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_CLOSED);
	conv_init(&c);
	handshake_and_call(&c, 0);
	send_(&c, 30000, 1, TCP_ACK | TCP_PSH, 10); /* DATA with EOF */
	send_(&c, 30001, 0, TCP_ACK | TCP_FIN, 0);
	send_(&c, 30002, 1, TCP_ACK | TCP_FIN, 0);
	send_(&c, 30003, 0, TCP_ACK, 0);
	finish(&c, &s);
	want_one(&c, VERDICT_CLOSED);
}

/* Many sessions closed by the server after the same idle time (within a
 * second): a server idle limit, said once across flows. */
static void test_server_idle_limit_across_flows(void **state)
{
	struct conv c;
	struct summary s;
	static const uint64_t idle_ms[] = { 1800000, 1800400, 1800900, 600000 };
	(void)state;
	conv_init(&c);
	for (int i = 0; i < 4; i++) {
		c.cport = (uint16_t)(40000 + i);
		c.cseq = 1000, c.sseq = 5000;
		uint64_t t = (uint64_t)i * 10;
		handshake_and_call(&c, t);
		send_(&c, t + 101 + idle_ms[i], 0, TCP_ACK | TCP_FIN, 0);
		send_(&c, t + 102 + idle_ms[i], 1, TCP_ACK | TCP_FIN, 0);
		send_(&c, t + 103 + idle_ms[i], 0, TCP_ACK, 0);
	}
	finish(&c, &s);
	assert_int_equal(s.by_verdict[VERDICT_SERVER_ENDED], 4);
	assert_int_equal(s.server_idle_flows, 3);
	assert_true(s.server_idle_s >= 1800 && s.server_idle_s <= 1801); /* 1 s steps past 327 s */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalive_and_ack),
		cmocka_unit_test(test_zero_window_probe),
		cmocka_unit_test(test_dead_peer_by_keepalive),
		cmocka_unit_test(test_dead_peer_by_retransmission),
		cmocka_unit_test(test_firewall_drop_after_gap),
		cmocka_unit_test(test_injected_rst),
		cmocka_unit_test(test_copies_are_one_packet),
		cmocka_unit_test(test_capture_loss_is_not_a_drop),
		cmocka_unit_test(test_hole_after_gap_never_acked),
		cmocka_unit_test(test_reordering_is_not_retransmission),
		cmocka_unit_test(test_abort_is_closed),
		cmocka_unit_test(test_dies_mid_answer),
		cmocka_unit_test(test_data_dropped_acks_pass),
		cmocka_unit_test(test_port_reuse_starts_a_flow),
		cmocka_unit_test(test_time_steps_back),
		cmocka_unit_test(test_long_capture),
		cmocka_unit_test(test_zero_window_give_up),
		cmocka_unit_test(test_zero_window_answered),
		cmocka_unit_test(test_probes_stopped_without_rst),
		cmocka_unit_test(test_fin_both_ways_closed),
		cmocka_unit_test(test_server_ends_idle_session),
		cmocka_unit_test(test_server_answers_ora),
		cmocka_unit_test(test_not_server_ended),
		cmocka_unit_test(test_server_idle_limit_across_flows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
