/* diag.c - TCP sockets through inet_diag, filtered in the kernel (see
 * diag.h). libnl-3 core carries the netlink messages; the request and its
 * bytecode are built here, as iproute2's ss builds them. */
#include "diag.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

struct diag {
	struct nl_sock *sk;
};

const char *diag_timer_name(int timer)
{
	/* ss's names: "on" is the retransmission timer */
	static const char *const names[] = {
		[DIAG_TIMER_OFF] = "off",
		[DIAG_TIMER_RETRANS] = "on",
		[DIAG_TIMER_KEEPALIVE] = "keepalive",
		[DIAG_TIMER_TIMEWAIT] = "timewait",
		[DIAG_TIMER_PERSIST] = "persist",
	};
	return timer >= 0 && timer < (int)(sizeof(names) / sizeof(names[0])) ? names[timer]
	                                                                     : "unknown";
}

const char *diag_state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTAB",    [TCP_SYN_SENT] = "SYN-SENT",
		[TCP_SYN_RECV] = "SYN-RECV",    [TCP_FIN_WAIT1] = "FIN-WAIT-1",
		[TCP_FIN_WAIT2] = "FIN-WAIT-2", [TCP_TIME_WAIT] = "TIME-WAIT",
		[TCP_CLOSE] = "UNCONN",         [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCP_LAST_ACK] = "LAST-ACK",    [TCP_LISTEN] = "LISTEN",
		[TCP_CLOSING] = "CLOSING",
	};
	return state > 0 && state < (int)(sizeof(names) / sizeof(names[0])) && names[state]
	               ? names[state]
	               : "UNKNOWN";
}

struct diag *diag_open(struct dcd_err *err)
{
	struct diag *d = calloc(1, sizeof(*d));
	int rc;

	if (d == NULL)
		abort();
	d->sk = nl_socket_alloc();
	if (d->sk == NULL) {
		err_set(err, "inet_diag: out of memory for a netlink socket");
		free(d);
		return NULL;
	}
	if ((rc = nl_connect(d->sk, NETLINK_SOCK_DIAG)) < 0) {
		err_set(err, "inet_diag: netlink socket: %s", nl_geterror(rc));
		nl_socket_free(d->sk);
		free(d);
		return NULL;
	}
	/* A dump of thousands of sockets: a large receive buffer. */
	nl_socket_set_buffer_size(d->sk, 1 << 20, 0);
	nl_socket_set_msg_buf_size(d->sk, 1 << 16);
	return d;
}

/* The program, as ss compiles "sport = :a or dport = :a or ...": each
 * comparison is two ops (the second carries the port), a match falls
 * through to a JMP that leaves for the end (accept), a miss skips that JMP
 * to the next comparison; the last miss jumps past the end (reject). The
 * kernel's audit follows the "yes" chain, so every op must be on it. */
static int bytecode(const struct diag_filter *f, struct inet_diag_bc_op *bc)
{
	int conds = f->n_ports * (f->either_end ? 2 : 1), n = 0;
	int len = conds * 8 + (conds - 1) * 4;

	for (int i = 0; i < f->n_ports; i++)
		for (int end = 0; end < (f->either_end ? 2 : 1); end++) {
			bc[n++] = (struct inet_diag_bc_op){ end ? INET_DIAG_BC_D_EQ
				                                : INET_DIAG_BC_S_EQ,
				                            8, 12 };
			bc[n++] = (struct inet_diag_bc_op){ 0, 0, f->ports[i] };
			int at = n * 4; /* bytes so far */
			if (at < len) {
				bc[n++] = (struct inet_diag_bc_op){ INET_DIAG_BC_JMP, 4,
					                            (unsigned short)(len - at) };
			}
		}
	return len;
}

struct walk {
	int family;
	bool with_info;
	diag_cb cb;
	void *arg;
};

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct walk *w = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[INET_DIAG_MAX + 1];

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
		return NL_OK;
	const struct inet_diag_msg *r = nlmsg_data(h);
	if (r->idiag_family != w->family)
		return NL_OK;
	struct diag_sample s = {
		.family = r->idiag_family,
		.sport = ntohs(r->id.idiag_sport),
		.dport = ntohs(r->id.idiag_dport),
		.inode = r->idiag_inode,
		.uid = r->idiag_uid,
		.state = r->idiag_state,
		.timer = r->idiag_timer,
		.retrans = r->idiag_retrans,
		.expires_ms = r->idiag_expires,
		.rqueue_bytes = r->idiag_rqueue,
		.wqueue_bytes = r->idiag_wqueue,
	};
	size_t alen = r->idiag_family == AF_INET ? 4 : 16;
	memcpy(s.src, r->id.idiag_src, alen);
	memcpy(s.dst, r->id.idiag_dst, alen);
	if (w->with_info && nlmsg_parse(h, sizeof(*r), tb, INET_DIAG_MAX, NULL) == 0 &&
	    tb[INET_DIAG_INFO]) {
		struct tcp_info ti;
		size_t n = (size_t)nla_len(tb[INET_DIAG_INFO]);
		memset(&ti, 0, sizeof(ti));
		memcpy(&ti, nla_data(tb[INET_DIAG_INFO]), n < sizeof(ti) ? n : sizeof(ti));
		s.have_info = true;
		s.probes = ti.tcpi_probes;
		s.backoff = ti.tcpi_backoff;
		s.retransmits = ti.tcpi_retransmits;
		s.total_retrans = ti.tcpi_total_retrans;
		s.unacked = ti.tcpi_unacked;
		s.last_data_sent_ms = ti.tcpi_last_data_sent;
		s.last_data_recv_ms = ti.tcpi_last_data_recv;
		s.last_ack_recv_ms = ti.tcpi_last_ack_recv;
		s.rtt_us = ti.tcpi_rtt;
	}
	w->cb(&s, w->arg);
	return NL_OK;
}

int diag_dump(struct diag *d, const struct diag_filter *f, bool with_info, diag_cb cb, void *arg,
              struct dcd_err *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct inet_diag_bc_op bc[DIAG_MAX_PORTS * 6];
	int bclen = f->n_ports ? bytecode(f, bc) : 0;
	struct walk w = { .with_info = with_info, .cb = cb, .arg = arg };

	nl_socket_modify_cb(d->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &w);
	for (size_t i = 0; i < 2; i++) {
		struct inet_diag_req_v2 req = {
			.sdiag_family = (uint8_t)families[i],
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = f->states ? f->states : ~(1u << TCP_LISTEN),
			.idiag_ext = with_info ? 1 << (INET_DIAG_INFO - 1) : 0,
		};
		struct nl_msg *msg =
		        nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP);
		int rc;
		if (!msg || nlmsg_append(msg, &req, sizeof(req), NLMSG_ALIGNTO) < 0 ||
		    (bclen && nla_put(msg, INET_DIAG_REQ_BYTECODE, bclen, bc) < 0)) {
			nlmsg_free(msg);
			err_set(err, "inet_diag: out of memory for the request");
			return -1;
		}
		rc = nl_send_auto(d->sk, msg);
		nlmsg_free(msg);
		w.family = families[i];
		if (rc >= 0)
			rc = nl_recvmsgs_default(d->sk);
		if (rc < 0) {
			err_set(err, "inet_diag dump (%s): %s", i ? "IPv6" : "IPv4",
			        nl_geterror(rc));
			return -1;
		}
	}
	return 0;
}

void diag_close(struct diag *d)
{
	if (d == NULL)
		return;
	nl_socket_free(d->sk);
	free(d);
}
