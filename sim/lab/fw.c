/* fw.c - the lab's firewall: nftables and conntrack in the firewall's
 * namespace, the way a stateful device treats an idle TCP flow.
 *
 *   forward chain    stateful, policy drop; conntrack does not pick flows
 *                    up mid-stream (nf_conntrack_tcp_loose=0), so after
 *                    expiry every non-SYN packet of the flow is INVALID
 *   idle timeout     nf_conntrack_tcp_timeout_established of the namespace
 *   silent           INVALID packets dropped
 *   rst-next         INVALID TCP packets answered with a RST
 *   rst-both         at expiry, a RST to each end with the sequence number
 *                    it expects (taken from the firewall's own capture)
 *   keepalives ignored   pure ACKs (no payload, no SYN/FIN/RST: keepalive
 *                    probes and their answers) bypass conntrack (notrack),
 *                    so they do not refresh the entry; they pass only while
 *                    the flow is in a set that data packets refresh with
 *                    the same timeout
 *
 * Expiry is seen through conntrack destroy events (libnl-nf). The kernel
 * reaps an idle entry lazily (its garbage collector may wait a minute), but
 * a table dump evicts expired entries at once: the 50 ms sampling of the
 * entry's remaining timeout is also what makes expiry punctual. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>
#include <nftables/libnftables.h>

#include "../../lib/numparse.h"
#include "../../lib/sbuf.h"
#include "lab.h"
#include "netns.h"

#define ORACLE_PORT               1521
#define TCP_CONNTRACK_ESTABLISHED 3 /* enum tcp_conntrack */

struct fw {
	struct lab_run *r;
	struct nl_sock *ev, *dump;
	int raw4, raw6;
	bool flushing;
	int last_timeout_s;
};

int lab_nft(struct lab_run *r, enum topo_role role, const char *ruleset, struct dcd_err *err)
{
	struct nft_ctx *nft;
	int rc = -1;

	if (topo_enter(r->topo, role, err) != 0)
		return -1;
	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft) {
		err_set(err, "nftables: nft_ctx_new failed");
	} else {
		nft_ctx_buffer_output(nft);
		nft_ctx_buffer_error(nft);
		if (nft_run_cmd_from_buffer(nft, ruleset) != 0) {
			const char *e = nft_ctx_get_error_buffer(nft);
			err_set(err, "nftables in %s: %.*s", r->topo->name[role],
			        (int)strcspn(e ? e : "", "\n"), e ? e : "failed");
		} else {
			rc = 0;
		}
		nft_ctx_free(nft);
	}
	if (topo_leave(r->topo, rc == 0 ? err : NULL) != 0)
		rc = -1;
	return rc;
}

/* The pure-ACK match: IP length equal to the headers' (no payload). The lab
 * sends no IP options or IPv6 extension headers; TCP options vary. */
static void pure_ack_rules(struct sbuf *b)
{
	for (int doff = 5; doff <= 15; doff++) {
		sbuf_printf(b,
		            "\t\tip hdrlength 5 ip length %d tcp doff %d tcp flags & "
		            "(syn|fin|rst) == 0 notrack\n",
		            20 + doff * 4, doff);
		sbuf_printf(b,
		            "\t\tip6 nexthdr tcp ip6 length %d tcp doff %d tcp flags & "
		            "(syn|fin|rst) == 0 notrack\n",
		            doff * 4, doff);
	}
}

/* The firewall's nftables ruleset, in a buffer that grows. */
static void ruleset(const struct scenario *s, struct sbuf *b)
{
	long idle_s = (long)(s->fw_idle_ms / 1000);
	const char *k4 = "ip saddr . tcp sport . ip daddr . tcp dport",
	           *r4 = "ip daddr . tcp dport . ip saddr . tcp sport",
	           *k6 = "ip6 saddr . tcp sport . ip6 daddr . tcp dport",
	           *r6 = "ip6 daddr . tcp dport . ip6 saddr . tcp sport";
	bool ign = s->keepalives_ignored;
	const char *reject = s->expiry == FW_EXPIRY_SILENT ? "drop" : "reject with tcp reset";

	sbuf_printf(b, "table inet dcdlab_fw {\n");
	if (ign) {
		sbuf_printf(
		        b,
		        "\tset live4 { type ipv4_addr . inet_service . ipv4_addr . inet_service; "
		        "flags dynamic,timeout; timeout %lds; }\n"
		        "\tset live6 { type ipv6_addr . inet_service . ipv6_addr . inet_service; "
		        "flags dynamic,timeout; timeout %lds; }\n"
		        "\tchain raw {\n\t\ttype filter hook prerouting priority raw; policy "
		        "accept;\n",
		        idle_s, idle_s);
		pure_ack_rules(b);
		sbuf_printf(b, "\t}\n");
	}
	sbuf_printf(b, "\tchain forward {\n"
	               "\t\ttype filter hook forward priority filter; policy drop;\n");
	if (ign)
		sbuf_printf(b,
		            "\t\tct state established,related,new meta nfproto ipv4 "
		            "update @live4 { %s } "
		            "update @live4 { %s }\n"
		            "\t\tct state established,related,new meta nfproto ipv6 "
		            "update @live6 { %s } "
		            "update @live6 { %s }\n"
		            "\t\tct state untracked meta nfproto ipv4 %s @live4 accept\n"
		            "\t\tct state untracked meta nfproto ipv6 %s @live6 accept\n",
		            k4, r4, k6, r6, k4, k6);
	sbuf_printf(b,
	            "\t\tct state established,related accept\n"
	            "\t\tct state new tcp flags & (syn|ack) == syn accept\n"
	            "\t\tmeta l4proto tcp %s\n"
	            "\t}\n}\n",
	            reject);
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

/* A RST|ACK from `src` to `dst` with the sequence number the receiver
 * expects (RFC 5961: anything else only earns a challenge ACK). */
static int send_rst(struct fw *f, int family, const uint8_t *src, uint16_t sport,
                    const uint8_t *dst, uint16_t dport, uint32_t seq, uint32_t ack,
                    struct dcd_err *err)
{
	int v6 = family == 6, alen = v6 ? 16 : 4, iplen = v6 ? 40 : 20;
	uint8_t pkt[60] = { 0 }, *tcp = pkt + iplen;
	uint32_t sum = 0;
	struct sockaddr_storage to = { 0 };
	socklen_t tolen;

	tcp[0] = (uint8_t)(sport >> 8), tcp[1] = (uint8_t)sport;
	tcp[2] = (uint8_t)(dport >> 8), tcp[3] = (uint8_t)dport;
	for (int i = 0; i < 4; i++) {
		tcp[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		tcp[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	tcp[12] = 5 << 4;
	tcp[13] = 0x14; /* RST|ACK */
	/* pseudo-header, then the TCP header */
	sum = csum_add(sum, src, (size_t)alen);
	sum = csum_add(sum, dst, (size_t)alen);
	sum += IPPROTO_TCP + 20;
	sum = csum_add(sum, tcp, 20);
	uint16_t c = csum_fold(sum);
	tcp[16] = (uint8_t)(c >> 8), tcp[17] = (uint8_t)c;
	if (v6) {
		pkt[0] = 0x60;
		pkt[5] = 20; /* payload length */
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64;
		memcpy(pkt + 8, src, 16);
		memcpy(pkt + 24, dst, 16);
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&to;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, dst, 16);
		tolen = sizeof(*s6);
	} else {
		pkt[0] = 0x45;
		pkt[3] = 40; /* total length */
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, src, 4);
		memcpy(pkt + 16, dst, 4);
		uint16_t ic = csum_fold(csum_add(0, pkt, 20));
		pkt[10] = (uint8_t)(ic >> 8), pkt[11] = (uint8_t)ic;
		struct sockaddr_in *s4 = (struct sockaddr_in *)&to;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, dst, 4);
		tolen = sizeof(*s4);
	}
	if (sendto(v6 ? f->raw6 : f->raw4, pkt, (size_t)(iplen + 20), 0, (struct sockaddr *)&to,
	           tolen) < 0) {
		err_set(err, "raw socket: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int send_rsts(struct fw *f, uint16_t cport, struct dcd_err *err)
{
	const struct flow_track *t = NULL;
	int64_t now = lab_now_ms(f->r);

	for (int i = 0; i < f->r->n_flows; i++)
		if (f->r->flows[i].cport == cport)
			t = &f->r->flows[i];
	if (!t || !t->c_acked || !t->s_acked) {
		err_set(err, "the firewall's capture saw no ACK from both ends of port %u", cport);
		return -1;
	}
	/* To the client, as if from the server: seq = what the client acked. */
	if (send_rst(f, t->family, t->saddr, t->sport, t->caddr, t->cport, t->c_ack, t->c_nxt,
	             err) != 0 ||
	    send_rst(f, t->family, t->caddr, t->cport, t->saddr, t->sport, t->s_ack, t->s_nxt,
	             err) != 0)
		return -1;
	lab_event(f->r, now, "fw", "RST sent to the client (seq %u) and to the server (seq %u)",
	          t->c_ack, t->s_ack);
	return 0;
}

/* libnl callback: one conntrack event. */
static int on_ct_event(struct nl_msg *msg, void *arg)
{
	struct fw *f = arg;
	struct lab_run *r = f->r;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nfnl_ct *ct = NULL;
	int type = NFNL_MSG_TYPE(h->nlmsg_type);
	char state[32] = "?";

	if (nfnlmsg_ct_parse(h, &ct) < 0)
		return NL_OK;
	if (nfnl_ct_get_proto(ct) != IPPROTO_TCP || nfnl_ct_get_dst_port(ct, 0) != ORACLE_PORT)
		goto out;
	if (nfnl_ct_test_tcp_state(ct))
		nfnl_ct_tcp_state2str(nfnl_ct_get_tcp_state(ct), state, sizeof(state));
	int64_t now = lab_now_ms(r);
	if (type == IPCTNL_MSG_CT_NEW) {
		lab_event(r, now, "fw", "conntrack entry created (%s, port %u)", state,
		          nfnl_ct_get_src_port(ct, 0));
	} else if (type == IPCTNL_MSG_CT_DELETE) {
		if (f->flushing) {
			lab_event(r, now, "fw", "conntrack entry removed by the flush (%s)", state);
		} else if (nfnl_ct_get_tcp_state(ct) == TCP_CONNTRACK_ESTABLISHED) {
			char b[32];
			if (r->fw_expired++ == 0)
				r->fw_expired_ms = now;
			lab_event(r, now, "fw", "conntrack entry expired after %s idle: %s",
			          fmt_duration_ms(r->s->fw_idle_ms, b, sizeof(b)),
			          fw_expiry_consequence(r->s->expiry));
			if (r->s->expiry == FW_EXPIRY_RST_BOTH) {
				struct dcd_err err = { "" };
				if (send_rsts(f, nfnl_ct_get_src_port(ct, 0), &err) != 0)
					lab_event(r, now, "fw", "could not send the RSTs: %s",
					          err.msg);
			}
		} else {
			lab_event(r, now, "fw", "conntrack entry removed (%s)", state);
		}
	}
out:
	nfnl_ct_put(ct);
	return NL_OK;
}

static struct nl_sock *nf_socket(struct dcd_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (!sk) {
		err_set(err, "netlink: out of memory");
		return NULL;
	}
	if ((rc = nl_connect(sk, NETLINK_NETFILTER)) < 0) {
		err_set(err, "netlink (netfilter): %s", nl_geterror(rc));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

struct fw *fw_open(struct lab_run *r, struct dcd_err *err)
{
	const struct scenario *s = r->s;
	struct fw *f = calloc(1, sizeof(*f));
	char val[32];
	int rc = -1;

	if (!f) {
		err_set(err, "out of memory");
		return NULL;
	}
	f->r = r;
	f->raw4 = f->raw6 = -1;
	f->last_timeout_s = -1;
	if (s->fw == SCN_FW_NONE)
		return f;
	struct sbuf rules = { 0 };
	ruleset(s, &rules);
	int nft_rc = lab_nft(r, TOPO_FIREWALL, rules.buf, err);
	sbuf_free(&rules);
	if (nft_rc != 0) {
		free(f);
		return NULL;
	}
	if (topo_enter(r->topo, TOPO_FIREWALL, err) != 0) {
		free(f);
		return NULL;
	}
	/* conntrack's sysctls exist once the ruleset made the namespace use it */
	snprintf(val, sizeof(val), "%lld", (long long)(s->fw_idle_ms / 1000));
	if (netns_sysctl("/proc/sys/net/netfilter/nf_conntrack_tcp_loose", "0", err) != 0 ||
	    netns_sysctl("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established", val,
	                 err) != 0)
		goto back;
	f->ev = nf_socket(err);
	f->dump = nf_socket(err);
	if (!f->ev || !f->dump)
		goto back;
	f->raw4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	f->raw6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (f->raw4 < 0 || f->raw6 < 0) {
		err_set(err, "raw socket in the firewall: %s", strerror(errno));
		goto back;
	}
	nl_socket_disable_seq_check(f->ev);
	nl_socket_modify_cb(f->ev, NL_CB_VALID, NL_CB_CUSTOM, on_ct_event, f);
	int nrc = nl_socket_add_memberships(f->ev, NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_DESTROY,
	                                    0);
	if (nrc >= 0)
		nrc = nl_socket_set_nonblocking(f->ev);
	if (nrc < 0) {
		err_set(err, "conntrack events in %s: %s", r->topo->name[TOPO_FIREWALL],
		        nl_geterror(nrc));
		goto back;
	}
	nl_socket_set_buffer_size(f->ev, 1 << 20, 0);
	rc = 0;
back:
	if (topo_leave(r->topo, rc == 0 ? err : NULL) != 0)
		rc = -1;
	if (rc != 0) {
		fw_close(f);
		return NULL;
	}
	return f;
}

int fw_event_fd(const struct fw *f)
{
	return f->ev ? nl_socket_get_fd(f->ev) : -1;
}

/* Read every conntrack event queued on the (non-blocking) socket: one
 * nl_recvmsgs reads one datagram, and a flush of several entries queues a
 * DESTROY for each (read one by one, the rest used to arrive after
 * `flushing` was cleared and count as idle expiries). Bounded: events for
 * one run's few flows, never a loop that a flood keeps going. */
void fw_read_events(struct fw *f)
{
	for (int i = 0; f->ev && i < 4096; i++)
		if (nl_recvmsgs_default(f->ev) < 0)
			break; /* -NLE_AGAIN: nothing more queued */
}

struct find_arg {
	int timeout_s;
};

static void find_entry(struct nl_object *o, void *arg)
{
	struct nfnl_ct *ct = (struct nfnl_ct *)o;
	struct find_arg *a = arg;

	if (nfnl_ct_get_proto(ct) == IPPROTO_TCP && nfnl_ct_get_dst_port(ct, 0) == ORACLE_PORT &&
	    nfnl_ct_get_tcp_state(ct) == TCP_CONNTRACK_ESTABLISHED && nfnl_ct_test_timeout(ct))
		a->timeout_s = (int)nfnl_ct_get_timeout(ct);
}

void fw_sample(struct fw *f)
{
	struct lab_run *r = f->r;
	struct nl_cache *c = NULL;
	struct find_arg a = { -1 };

	if (!f->dump || r->n_samples >= LAB_MAX_SAMPLES)
		return;
	/* The dump also makes the kernel evict expired entries: the destroy
	 * event follows at once. */
	if (nfnl_ct_alloc_cache(f->dump, &c) < 0)
		return;
	nl_cache_foreach(c, find_entry, &a);
	nl_cache_free(c);
	int64_t now = lab_now_ms(r);
	r->samples[r->n_samples++] = (struct ct_sample){ now, a.timeout_s };
	if (a.timeout_s > f->last_timeout_s && f->last_timeout_s >= 0)
		lab_event(r, now, "fw", "conntrack entry refreshed (%d s left)", a.timeout_s);
	f->last_timeout_s = a.timeout_s;
}

struct del_arg {
	struct nl_sock *sk;
	int n;
};

static void del_entry(struct nl_object *o, void *arg)
{
	struct del_arg *a = arg;
	if (nfnl_ct_del(a->sk, (struct nfnl_ct *)o, 0) >= 0)
		a->n++;
}

int fw_flush(struct fw *f, struct dcd_err *err)
{
	struct nl_cache *c = NULL;
	struct del_arg a = { f->dump, 0 };
	int rc;

	if (!f->dump) {
		err_set(err, "no stateful firewall to flush");
		return -1;
	}
	if ((rc = nfnl_ct_alloc_cache(f->dump, &c)) < 0) {
		err_set(err, "conntrack dump: %s", nl_geterror(rc));
		return -1;
	}
	f->flushing = true;
	nl_cache_foreach(c, del_entry, &a);
	nl_cache_free(c);
	fw_read_events(f);
	f->flushing = false;
	if (f->r->s->keepalives_ignored &&
	    lab_nft(f->r, TOPO_FIREWALL,
	            "flush set inet dcdlab_fw live4\nflush set inet dcdlab_fw live6\n", err) != 0)
		return -1;
	lab_event(f->r, lab_now_ms(f->r), "fw", "state flushed (a reboot): %d entries removed",
	          a.n);
	return 0;
}

int fw_cut(struct fw *f, bool cut, struct dcd_err *err)
{
	/* Before conntrack (priority -200): a cut link refreshes nothing. */
	return lab_nft(f->r, TOPO_FIREWALL,
	               cut ? "table inet dcdlab_cut {\n\tchain pre {\n\t\ttype filter hook "
	                     "prerouting priority -400; policy drop;\n\t}\n}\n"
	                   : "delete table inet dcdlab_cut\n",
	               err);
}

void fw_close(struct fw *f)
{
	if (!f)
		return;
	if (f->ev)
		nl_socket_free(f->ev);
	if (f->dump)
		nl_socket_free(f->dump);
	if (f->raw4 >= 0)
		close(f->raw4);
	if (f->raw6 >= 0)
		close(f->raw6);
	free(f);
}
