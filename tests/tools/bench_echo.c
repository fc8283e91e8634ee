/* bench_echo.c - the peer for `make bench`: a bare libevent server that
 * echoes bytes back, with none of dcdlab's TNS parsing or DCD bookkeeping.
 * usage: bench_echo PORT SECONDS */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

static void readcb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static void eventcb(struct bufferevent *bev, short what, void *arg)
{
	(void)what;
	(void)arg;
	bufferevent_free(bev);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
                      void *arg)
{
	struct bufferevent *bev =
	        bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	(void)sa;
	(void)len;
	(void)arg;
	bufferevent_setcb(bev, readcb, NULL, eventcb, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct event_base *base = event_base_new();
	struct timeval tv = { 0, 0 };

	if (argc != 3) {
		fprintf(stderr, "usage: bench_echo PORT SECONDS\n");
		return 2;
	}
	sin.sin_port = htons((uint16_t)strtol(argv[1], NULL, 10));
	sin.sin_addr.s_addr = htonl(0x7f000001);
	tv.tv_sec = strtol(argv[2], NULL, 10);
	struct evconnlistener *l = evconnlistener_new_bind(
	        base, on_accept, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024,
	        (struct sockaddr *)&sin, sizeof(sin));
	if (l == NULL) {
		perror("bench_echo: bind");
		return 1;
	}
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	evconnlistener_free(l);
	event_base_free(base);
	return 0;
}
