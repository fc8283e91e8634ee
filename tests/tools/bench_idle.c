/* bench_idle.c - `make bench`: how a server copes with many idle sessions.
 * Opens IDLE sessions (each: connect, a TNS CONNECT, the server's answer
 * read) as fast as the server takes them - the accept rate -, holds them,
 * then SAMPLES times a new client connects, sends CONNECT, reads the
 * answer, sends a call, reads its answer and closes, 20 ms apart: the
 * latency's median and 99th percentile. dcdlab listen answers CONNECT with
 * ACCEPT; bench_echo echoes the bytes back: either is an answer.
 * usage: bench_idle PORT IDLE SAMPLES [HOLD_S]
 * prints: accepted_per_s p50_ms p99_ms; then holds the idle sessions
 * HOLD_S seconds (for dcdlab inspect to look at them). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/clock.h"
#include "../../lib/sbuf.h"
#include "../../lib/tns.h"

static struct sockaddr_in target = { .sin_family = AF_INET };
static struct sbuf connect_pkt, call_pkt;

/* One packet's worth (at least 8 bytes: a TNS header) within 10 s. */
static int answer(int fd)
{
	char buf[4096];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 10000) == 1 && read(fd, buf, sizeof(buf)) >= 8 ? 0 : -1;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* IDLE sessions, at most 256 handshakes in flight: seconds taken. */
static double open_idle(int n, int *fds)
{
	int64_t t0 = now_us();
	int done = 0, started = 0, inflight = 0;
	struct pollfd *p = calloc((size_t)n, sizeof(*p));

	while (done < n) {
		while (started < n && inflight < 256) {
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (fd < 0 ||
			    (connect(fd, (struct sockaddr *)&target, sizeof(target)) != 0 &&
			     errno != EINPROGRESS)) {
				perror("bench_idle: connect");
				exit(1);
			}
			fds[started] = fd;
			p[started] = (struct pollfd){ .fd = fd, .events = POLLOUT };
			started++;
			inflight++;
		}
		if (poll(p, (nfds_t)started, 10000) <= 0) {
			fprintf(stderr, "bench_idle: the server stopped answering after %d\n",
			        done);
			exit(1);
		}
		for (int i = 0; i < started; i++) {
			if (!p[i].revents || p[i].fd < 0)
				continue;
			if (p[i].events == POLLOUT) {
				if (write(p[i].fd, connect_pkt.buf, connect_pkt.len) !=
				    (ssize_t)connect_pkt.len) {
					perror("bench_idle: write");
					exit(1);
				}
				p[i].events = POLLIN;
			} else {
				char buf[4096];
				if (read(p[i].fd, buf, sizeof(buf)) <= 0) {
					fprintf(stderr, "bench_idle: session %d closed\n", i);
					exit(1);
				}
				p[i].fd = -1; /* answered: idle from now */
				done++;
				inflight--;
			}
		}
	}
	free(p);
	return (double)(now_us() - t0) / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: bench_idle PORT IDLE SAMPLES [HOLD_S]\n");
		return 2;
	}
	target.sin_port = htons((uint16_t)strtol(argv[1], NULL, 10));
	target.sin_addr.s_addr = htonl(0x7f000001);
	int n = (int)strtol(argv[2], NULL, 10), samples = (int)strtol(argv[3], NULL, 10);
	struct rlimit rl = { (rlim_t)n + 64, (rlim_t)n + 64 };
	bool follows;

	if (n > 0 && setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		perror("bench_idle: setrlimit");
		return 1;
	}
	tns_put_connect(
	        &connect_pkt,
	        "(DESCRIPTION=(ADDRESS=(HOST=127.0.0.1))(CONNECT_DATA=(SERVICE_NAME=orcl)))",
	        &follows);
	tns_put_data(&call_pkt, true, 0, "dcdlab:call=latency", 19);
	int *fds = calloc((size_t)n + 1, sizeof(int));
	double secs = n ? open_idle(n, fds) : 0;
	int64_t *lat = calloc((size_t)samples, sizeof(int64_t));
	for (int i = 0; i < samples; i++) {
		int64_t t = now_us();
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
		struct linger rst = { 1, 0 };
		/* A port of our own below the ephemeral range: with thousands of
		 * ephemeral ports taken, the kernel's search for a free one would
		 * be what is measured, not the server. Closed with a RST: no
		 * TIME-WAIT, so the next run can take the same ports. */
		struct sockaddr_in self = { .sin_family = AF_INET,
			                    .sin_port = htons((uint16_t)(20000 + i % 10000)),
			                    .sin_addr.s_addr = htonl(0x7f000001) };
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&self, sizeof(self)) != 0 ||
		    connect(fd, (struct sockaddr *)&target, sizeof(target)) != 0 ||
		    write(fd, connect_pkt.buf, connect_pkt.len) != (ssize_t)connect_pkt.len ||
		    answer(fd) != 0 ||
		    write(fd, call_pkt.buf, call_pkt.len) != (ssize_t)call_pkt.len ||
		    answer(fd) != 0) {
			fprintf(stderr, "bench_idle: sample %d failed\n", i);
			return 1;
		}
		lat[i] = now_us() - t;
		close(fd);
		usleep(20000);
	}
	qsort(lat, (size_t)samples, sizeof(*lat), cmp64);
	printf("%.0f %.3f %.3f\n", n ? n / secs : 0.0, lat[samples / 2] / 1000.0,
	       lat[samples * 99 / 100] / 1000.0);
	fflush(stdout);
	if (argc == 5)
		sleep((unsigned)strtol(argv[4], NULL, 10));
	return 0;
}
