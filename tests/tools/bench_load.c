/* bench_load.c - load generator for `make bench`: N connections on loopback,
 * each doing TNS DATA round trips (a 32-byte call, answered in full) for a
 * fixed time; prints round trips per second. With --tns it first does
 * CONNECT/ACCEPT, as dcdlab listen requires; the echo peer needs none.
 * usage: bench_load [--tns] PORT CONNECTIONS SECONDS */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../lib/clock.h"
#include "../../lib/sbuf.h"
#include "../../lib/tns.h"

static int read_n(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int tns = argc > 1 && strcmp(argv[1], "--tns") == 0;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[65536];

	if (argc != 4 + tns) {
		fprintf(stderr, "usage: bench_load [--tns] PORT CONNECTIONS SECONDS\n");
		return 2;
	}
	sin.sin_port = htons((uint16_t)strtol(argv[1 + tns], NULL, 10));
	sin.sin_addr.s_addr = htonl(0x7f000001);
	int n = (int)strtol(argv[2 + tns], NULL, 10);
	int64_t ms = strtol(argv[3 + tns], NULL, 10) * 1000;
	if (n < 1) {
		fprintf(stderr, "bench_load: CONNECTIONS \"%s\": at least 1\n", argv[2 + tns]);
		return 2;
	}
	int *fds = calloc((size_t)n, sizeof(int));
	struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
	struct sbuf call = { 0 };

	if (fds == NULL || pfd == NULL) {
		fprintf(stderr, "bench_load: out of memory for %d connections\n", n);
		return 1;
	}

	for (int i = 0; i < n; i++) {
		int one = 1;
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fds[i], (struct sockaddr *)&sin, sizeof(sin)) != 0) {
			perror("bench_load: connect");
			return 1;
		}
		setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (tns) {
			struct sbuf c = { 0 };
			bool follows;
			tns_put_connect(&c,
			                "(DESCRIPTION=(ADDRESS=(HOST=127.0.0.1))(CONNECT_DATA=("
			                "SERVICE_NAME=orcl)))",
			                &follows);
			if (write(fds[i], c.buf, c.len) != (ssize_t)c.len ||
			    read_n(fds[i], buf, 45) != 0 || buf[4] != TNS_ACCEPT) {
				fprintf(stderr, "bench_load: no ACCEPT\n");
				return 1;
			}
			sbuf_free(&c);
		}
	}
	/* After a 318 ACCEPT, lengths are 4 bytes; the echo peer does not care. */
	tns_put_data(&call, true, 0, "dcdlab:call=benchmark-payload-32", 32);
	for (int i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
		if (write(fds[i], call.buf, call.len) != (ssize_t)call.len)
			return 1;
	}
	uint64_t trips = 0;
	int64_t t0 = clock_now_ms(&clock_monotonic), end = t0 + ms;
	while (clock_now_ms(&clock_monotonic) < end) {
		if (poll(pfd, (nfds_t)n, 100) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (read_n(fds[i], buf, call.len) != 0) {
				fprintf(stderr, "bench_load: connection %d closed\n", i);
				return 1;
			}
			trips++;
			if (write(fds[i], call.buf, call.len) != (ssize_t)call.len)
				return 1;
		}
	}
	double secs = (double)(clock_now_ms(&clock_monotonic) - t0) / 1000.0;
	printf("%.0f\n", (double)trips / secs);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	free(pfd);
	sbuf_free(&call);
	return 0;
}
