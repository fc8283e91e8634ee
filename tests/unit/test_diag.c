/* test_diag.c - inet_diag with the kernel doing the filtering: only the
 * sockets on the asked ports (local, or either end), every one of them,
 * both families, the keepalive timer and TCP_INFO as set. Real loopback
 * sockets; no privilege needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "../../probe/diag.h"

#define CONNS 40

struct seen {
	int n, keepalive, with_info, v6;
	uint16_t ports[2];
	int by_port[2][2]; /* [port][local=0 / remote=1] */
};

static void count(const struct diag_sample *s, void *arg)
{
	struct seen *w = arg;
	w->n++;
	w->v6 += s->family == AF_INET6;
	w->keepalive += s->timer == DIAG_TIMER_KEEPALIVE && s->expires_ms <= 100000;
	w->with_info += s->have_info && s->rtt_us > 0;
	for (int p = 0; p < 2; p++) {
		w->by_port[p][0] += s->sport == w->ports[p];
		w->by_port[p][1] += s->dport == w->ports[p];
	}
}

static int listener(int family, uint16_t *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len =
	        family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int fd = socket(family, SOCK_STREAM, 0);

	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, 128), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void test_filtered_dump(void **state)
{
	int lfd[2], cfd[CONNS], afd[CONNS];
	struct seen w = { 0 };
	struct dcd_err err = { "" };
	struct diag *d = diag_open(&err);

	(void)state;
	if (d == NULL)
		fail_msg("%s", err.msg);
	lfd[0] = listener(AF_INET, &w.ports[0]);
	lfd[1] = listener(AF_INET6, &w.ports[1]);
	for (int i = 0; i < CONNS; i++) {
		int p = i % 2, fam = p ? AF_INET6 : AF_INET;
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		getsockname(lfd[p], (struct sockaddr *)&ss, &len);
		cfd[i] = socket(fam, SOCK_STREAM, 0);
		assert_int_equal(connect(cfd[i], (struct sockaddr *)&ss, len), 0);
		afd[i] = accept(lfd[p], NULL, NULL);
		assert_true(afd[i] >= 0);
		if (i < 10) { /* keepalive 100/5/3 on ten server sockets */
			int on = 1, idle = 100, intvl = 5, cnt = 3;
			setsockopt(afd[i], SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
			setsockopt(afd[i], IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
			setsockopt(afd[i], IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
			setsockopt(afd[i], IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
		}
	}
	/* the IPv4 listener's port, local end only: its 20 accepted sockets */
	struct diag_filter f = { .ports = { w.ports[0] }, .n_ports = 1 };
	assert_int_equal(diag_dump(d, &f, true, count, &w, &err), 0);
	assert_int_equal(w.n, CONNS / 2);
	assert_int_equal(w.by_port[0][0], CONNS / 2);
	assert_int_equal(w.keepalive, 5);
	assert_int_equal(w.with_info, CONNS / 2);
	/* either end, both ports: every connection from both sides (80) */
	memset(w.by_port, 0, sizeof(w.by_port));
	w.n = w.keepalive = w.v6 = 0;
	f = (struct diag_filter){ .ports = { w.ports[0], w.ports[1] },
		                  .n_ports = 2,
		                  .either_end = true };
	assert_int_equal(diag_dump(d, &f, false, count, &w, &err), 0);
	assert_int_equal(w.n, 2 * CONNS);
	assert_int_equal(w.v6, CONNS);
	assert_int_equal(w.by_port[0][0] + w.by_port[0][1], CONNS);
	assert_int_equal(w.by_port[1][0] + w.by_port[1][1], CONNS);
	assert_int_equal(w.keepalive, 10);
	/* a port nobody uses: nothing */
	w.n = 0;
	f = (struct diag_filter){ .ports = { 9 }, .n_ports = 1, .either_end = true };
	assert_int_equal(diag_dump(d, &f, false, count, &w, &err), 0);
	assert_int_equal(w.n, 0);
	for (int i = 0; i < CONNS; i++) {
		close(cfd[i]);
		close(afd[i]);
	}
	close(lfd[0]);
	close(lfd[1]);
	diag_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filtered_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
