/* cmd_lab.c - `dcdlab lab`: the real-kernel lab.
 *
 *   dcdlab lab topology [--hold DUR]   build client -- firewall -- server,
 *                                      prove a TCP connection crosses it
 *                                      (IPv4 and IPv6), time it, remove it
 *   dcdlab lab cleanup                 remove what killed runs left behind
 *
 * Scenario runs (`dcdlab lab run FILE`) build on this topology. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cli.h"
#include "../lib/clock.h"
#include "../lib/log.h"
#include "../lib/numparse.h"
#include "sim.h"
#include "topo.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Root, or CAP_NET_ADMIN and CAP_SYS_ADMIN: said up front, plainly. */
static int need_privileges(void)
{
	if (geteuid() == 0)
		return 0;
	log_error("the lab creates network namespaces: run as root (or with CAP_NET_ADMIN and "
	          "CAP_SYS_ADMIN), e.g. sudo dcdlab lab ...");
	return -1;
}

/* A TCP connection from the client's namespace to the server's, through
 * the firewall: the proof that the path is built. */
static int prove_path(struct topo *t, int family, const char *server_ip, struct dcd_err *err)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int lfd = -1, cfd = -1, afd = -1, rc = -1;

	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(1521);
		inet_pton(AF_INET, server_ip, &in->sin_addr);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(1521);
		inet_pton(AF_INET6, server_ip, &in6->sin6_addr);
		len = sizeof(*in6);
	}
	/* A socket belongs to the namespace it was created in. */
	if (topo_enter(t, TOPO_SERVER, err) != 0)
		return -1;
	lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ok = lfd >= 0 && bind(lfd, (struct sockaddr *)&ss, len) == 0 && listen(lfd, 1) == 0;
	int saved = errno;
	if (topo_leave(t, err) != 0 || !ok) {
		if (!ok)
			err_set(err, "listen on [%s]:1521 in %s: %s", server_ip,
			        t->name[TOPO_SERVER], strerror(saved));
		goto out;
	}
	if (topo_enter(t, TOPO_CLIENT, err) != 0)
		goto out;
	cfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	saved = errno;
	if (topo_leave(t, err) != 0 || cfd < 0) {
		if (cfd < 0)
			err_set(err, "socket in %s: %s", t->name[TOPO_CLIENT], strerror(saved));
		goto out;
	}
	if (connect(cfd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) {
		err_set(err, "connect to [%s]:1521: %s", server_ip, strerror(errno));
		goto out;
	}
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	if (poll(&p, 1, 2000) != 1 || (afd = accept(lfd, NULL, NULL)) < 0) {
		err_set(err,
		        "no connection from the client to [%s]:1521 through the firewall within 2 "
		        "s",
		        server_ip);
		goto out;
	}
	rc = 0;
out:
	if (afd >= 0)
		close(afd);
	if (cfd >= 0)
		close(cfd);
	if (lfd >= 0)
		close(lfd);
	return rc;
}

static int lab_topology(int argc, char **argv)
{
	int64_t hold_ms = 0, t0_ms, up_ms, down_ms;
	struct topo t;
	struct dcd_err err = { "" };
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hold") == 0 && i + 1 < argc) {
			if (parse_duration_ms(argv[++i], 1000, &hold_ms) != 0 ||
			    hold_ms > 3600000) {
				log_error("--hold \"%s\": expected a duration up to 1h", argv[i]);
				return 2;
			}
		} else {
			log_error("lab topology: unexpected \"%s\" (usage: dcdlab lab topology "
			          "[--hold DUR])",
			          argv[i]);
			return 2;
		}
	}
	if (need_privileges() != 0)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0_ms = clock_now_ms(&clock_monotonic);
	if (topo_up(&t, 0, &err) != 0) {
		log_error("building the lab: %s", err.msg);
		return 1;
	}
	up_ms = clock_now_ms(&clock_monotonic) - t0_ms;
	printf("lab up in %lld ms: %s (192.0.2.2, 2001:db8:1::2) -- %s -- %s (198.51.100.2, "
	       "2001:db8:2::2)\n",
	       (long long)up_ms, t.name[TOPO_CLIENT], t.name[TOPO_FIREWALL], t.name[TOPO_SERVER]);
	if (prove_path(&t, AF_INET, "198.51.100.2", &err) != 0 ||
	    prove_path(&t, AF_INET6, "2001:db8:2::2", &err) != 0) {
		log_error("%s", err.msg);
		rc = 1;
	} else {
		printf("path ok: TCP from the client reaches the server through the firewall (IPv4 "
		       "and IPv6)\n");
	}
	fflush(stdout);
	/* Bounded: --hold is at most an hour, and Ctrl-C ends it early. */
	for (int64_t end = clock_now_ms(&clock_monotonic) + hold_ms;
	     !interrupted && clock_now_ms(&clock_monotonic) < end;)
		usleep(50000);
	t0_ms = clock_now_ms(&clock_monotonic);
	topo_down(&t);
	down_ms = clock_now_ms(&clock_monotonic) - t0_ms;
	printf("lab down in %lld ms%s\n", (long long)down_ms, interrupted ? " (interrupted)" : "");
	return interrupted ? 130 : rc;
}

static int lab_cleanup(void)
{
	struct dcd_err err = { "" };
	int n;

	if (need_privileges() != 0)
		return 1;
	n = topo_cleanup_stale(&err);
	if (n < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	printf("removed %d network namespaces left by lab runs that are gone\n", n);
	return 0;
}

int cmd_lab(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_help_topic("lab", argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "topology") == 0)
		return lab_topology(argc - 1, argv + 1);
	if (strcmp(argv[1], "cleanup") == 0)
		return lab_cleanup();
	log_error("lab: unknown action \"%s\" (topology, cleanup)", argv[1]);
	return 2;
}
