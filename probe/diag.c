/* diag.c - inet_diag dumps through libnl-idiag. */
#include "diag.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>
#include <netlink/netlink.h>

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

struct diag *diag_open(struct dcd_err *err)
{
	struct diag *d = calloc(1, sizeof(*d));
	int rc;

	if (d == NULL)
		abort();
	d->sk = nl_socket_alloc();
	if (d->sk == NULL) {
		err_set(err, "inet_diag: nl_socket_alloc failed");
		free(d);
		return NULL;
	}
	if ((rc = idiagnl_connect(d->sk)) < 0) {
		err_set(err, "inet_diag: idiagnl_connect: %s", nl_geterror(rc));
		nl_socket_free(d->sk);
		free(d);
		return NULL;
	}
	return d;
}

struct walk {
	int family;
	uint16_t sport;
	diag_cb cb;
	void *arg;
};

static void visit(struct nl_object *obj, void *arg)
{
	struct idiagnl_msg *m = (struct idiagnl_msg *)obj;
	struct walk *w = arg;
	struct diag_sample s = {
		.inode = idiagnl_msg_get_inode(m),
		/* libnl hands ports over in network byte order. */
		.sport = ntohs(idiagnl_msg_get_sport(m)),
		.dport = ntohs(idiagnl_msg_get_dport(m)),
		.state = idiagnl_msg_get_state(m),
		.timer = idiagnl_msg_get_timer(m),
		.retrans = idiagnl_msg_get_retrans(m),
		.expires_ms = idiagnl_msg_get_expires(m),
	};

	/* libnl 3.7 answers an AF_INET6 request with both families. */
	if (idiagnl_msg_get_family(m) != w->family)
		return;
	if (w->sport == 0 || s.sport == w->sport)
		w->cb(&s, w->arg);
}

int diag_dump(struct diag *d, uint16_t sport, diag_cb cb, void *arg, struct dcd_err *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct walk w = { .sport = sport, .cb = cb, .arg = arg };

	for (size_t i = 0; i < 2; i++) {
		struct nl_cache *cache = NULL;
		int rc = idiagnl_msg_alloc_cache(d->sk, families[i], IDIAGNL_SS_ALL, &cache);
		if (rc < 0) {
			err_set(err, "inet_diag dump (%s): %s", i ? "IPv6" : "IPv4",
			        nl_geterror(rc));
			return -1;
		}
		w.family = families[i];
		nl_cache_foreach(cache, visit, &w);
		nl_cache_free(cache);
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
