/* connect.c - `dcdlab connect`: a client that behaves like an Oracle client
 * as far as DCD goes, and reports each call as the application would see it.
 *
 * Plain blocking sockets with poll() timeouts: while idle the client reads
 * nothing, so legacy NS probes wait in its socket, as in a real client. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/log.h"
#include "../lib/numparse.h"
#include "../lib/sbuf.h"
#include "../lib/tns.h"
#include "../model/descriptor.h"
#include "../model/nv.h"
#include "../model/plan.h"
#include "../model/profile.h"
#include "../model/sqlnet.h"
#include "probe.h"
#include "sockopt.h"

/* `dcdlab help connect` and `dcdlab connect --help`. */
const char connect_usage[] =
        "usage: dcdlab connect [options] CONNECT-STRING\n"
        "\n"
        "CONNECT-STRING is a (DESCRIPTION=...) descriptor, an Easy Connect string\n"
        "(host:port/service?expire_time=n) or a tnsnames.ora alias. Each call is\n"
        "reported as an Oracle client would show it (ORA-03113, ORA-03135, "
        "ORA-12514).\n"
        "\n"
        "      --plan PLAN             steps: call [DUR], idle DUR, close; N*step "
        "repeats\n"
        "                              (default \"call\"); call DUR: the server "
        "takes DUR\n"
        "      --tnsnames FILE         tnsnames.ora (default "
        "$TNS_ADMIN/tnsnames.ora)\n"
        "      --release REL           client release (default 19c): EXPIRE_TIME "
        "in a\n"
        "                              descriptor needs 19c+\n"
        "      --sqlnet FILE           client sqlnet.ora (SQLNET.RECV_TIMEOUT)\n"
        "      --keepidle S --keepintvl S --keepcnt N   lab scaling of client "
        "keepalive\n"
        "      --call-timeout DUR      a call unanswered this long fails with "
        "ORA-03135\n"
        "      --connect-timeout DUR   TCP connect + ACCEPT timeout (default 60s)\n"
        "      --json                  one JSON object per step on stdout\n"
        "\n"
        "exit status: 0 all steps ok, 1 bad configuration, 2 usage, 3 session not\n"
        "established (ORA-12xxx), 4 a call failed (ORA-03113 / ORA-03135)\n";

/* Exit codes, for scripts. */
enum {
	EXIT_OK = 0,
	EXIT_CONFIG = 1, /* bad option or file */
	EXIT_USAGE = 2,
	EXIT_CONNECT = 3, /* could not establish the session (ORA-12xxx) */
	EXIT_CALL = 4,    /* a call failed (ORA-03113, ORA-03135) */
};

/* The Oracle errors a client shows, by cause. */
static const struct ora_error {
	int code;
	const char *text;
} ora_errors[] = {
	{ 3113, "end-of-file on communication channel" },
	{ 3135, "connection lost contact" },
	{ 12170, "TNS:Connect timeout occurred" },
	{ 12505, "TNS:listener does not currently know of SID given in connect descriptor" },
	{ 12514,
	  "TNS:listener does not currently know of service requested in connect descriptor" },
	{ 12537, "TNS:connection closed" },
	{ 12541, "TNS:no listener" },
	{ 12543, "TNS:destination host unreachable" },
	{ 12545, "Connect failed because target host or object does not exist" },
	{ 12560, "TNS:protocol adapter error" },
};

static const char *ora_text(int code)
{
	for (size_t i = 0; i < sizeof(ora_errors) / sizeof(ora_errors[0]); i++)
		if (ora_errors[i].code == code)
			return ora_errors[i].text;
	return "(error reported by the listener)";
}

struct client {
	int fd;
	bool large_sdu;
	int64_t t0_ms;
	int64_t call_timeout_ms; /* 0: wait forever (Oracle's default) */
	int64_t connect_timeout_ms;
	uint64_t probes_seen; /* legacy NS probes read */
	struct sbuf in;       /* bytes read, not yet a whole packet */
	bool json;
	unsigned local_port; /* once connected: joins this client to captures */
};

/* poll()'s timeout for a deadline on the monotonic clock (0 = none): at
 * most INT_MAX ms, so a timeout of 2^31 ms or more is a long wait that the
 * caller repeats until the deadline, never an infinite one. */
static int poll_ms(int64_t deadline)
{
	if (deadline == 0)
		return -1;
	int64_t left = deadline - clock_now_ms(&clock_monotonic);
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

static double elapsed_s(const struct client *c)
{
	return (double)(clock_now_ms(&clock_monotonic) - c->t0_ms) / 1000.0;
}

static void report(const struct client *c, const char *step, int ora, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void report(const struct client *c, const char *step, int ora, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->json) {
		struct sbuf sb = { 0 };
		char wall[40];
		clock_wall_iso(wall, sizeof(wall));
		sbuf_printf(&sb, "{\"time\":\"%s\",\"t_s\":%.3f,\"step\":", wall, elapsed_s(c));
		sbuf_json_str(&sb, step);
		if (ora)
			sbuf_printf(&sb, ",\"ora\":\"ORA-%05d\"", ora);
		if (c->local_port)
			sbuf_printf(&sb, ",\"local_port\":%u", c->local_port);
		sbuf_printf(&sb, ",\"ns_probes_seen\":%llu,\"message\":",
		            (unsigned long long)c->probes_seen);
		sbuf_json_str(&sb, msg);
		sbuf_add(&sb, "}\n", 2);
		fputs(sb.buf, stdout);
		sbuf_free(&sb);
	} else if (ora) {
		printf("[%8.3f] %s: ORA-%05d: %s (%s)\n", elapsed_s(c), step, ora, ora_text(ora),
		       msg);
	} else {
		printf("[%8.3f] %s: %s\n", elapsed_s(c), step, msg);
	}
	fflush(stdout);
}

static int connect_tcp(struct client *c, const struct dcd_address *a, int *ora, char *why,
                       size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char port[8];
	int rc, saved = 0;

	snprintf(port, sizeof(port), "%u", a->port);
	rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc != 0) {
		*ora = 12545;
		snprintf(why, whylen, "%s: %s", a->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
			saved = errno;
			close(fd);
			continue;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int64_t deadline = c->connect_timeout_ms > 0
		                           ? clock_now_ms(&clock_monotonic) + c->connect_timeout_ms
		                           : 0;
		do
			rc = poll(&pfd, 1, poll_ms(deadline));
		while ((rc < 0 && errno == EINTR) ||
		       (rc == 0 && deadline && clock_now_ms(&clock_monotonic) < deadline));
		if (rc <= 0) {
			/* A failed poll is a failed connect, never a connected one. */
			saved = rc == 0 ? ETIMEDOUT : errno;
			close(fd);
			continue;
		}
		socklen_t len = sizeof(saved);
		saved = 0;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &saved, &len) != 0)
			saved = errno;
		int fl = saved ? -1 : fcntl(fd, F_GETFL);
		if (saved == 0 && (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0))
			saved = errno;
		if (saved != 0) {
			close(fd);
			continue;
		}
		c->fd = fd;
		struct sockaddr_storage local;
		socklen_t llen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
			c->local_port = ntohs(local.ss_family == AF_INET6
			                              ? ((struct sockaddr_in6 *)&local)->sin6_port
			                              : ((struct sockaddr_in *)&local)->sin_port);
		freeaddrinfo(res);
		return 0;
	}
	freeaddrinfo(res);
	*ora = saved == ECONNREFUSED                             ? 12541
	       : saved == ETIMEDOUT                              ? 12170
	       : (saved == EHOSTUNREACH || saved == ENETUNREACH) ? 12543
	                                                         : 12560;
	snprintf(why, whylen, "%s:%u: %s", a->host, a->port, strerror(saved ? saved : EIO));
	return -1;
}

static int send_all(struct client *c, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one whole TNS packet into c->in (prefix), waiting up to
 * timeout_ms (0 = forever). Returns 1, 0 on timeout, -1 with errno set
 * (0 for EOF). */
static int read_packet(struct client *c, int64_t timeout_ms, struct tns_header *h)
{
	int64_t deadline = timeout_ms > 0 ? clock_now_ms(&clock_monotonic) + timeout_ms : 0;

	for (;;) {
		const char *why;
		if (c->in.len >= TNS_HEADER_LEN) {
			enum tns_decode rc =
			        tns_header_decode((const uint8_t *)c->in.buf, c->in.len,
			                          c->large_sdu, 4u << 20, h, &why);
			if (rc == TNS_BAD) {
				errno = EPROTO;
				return -1;
			}
			if (c->in.len >= h->length)
				return 1;
		}
		if (deadline && deadline - clock_now_ms(&clock_monotonic) <= 0)
			return 0;
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int rc = poll(&pfd, 1, poll_ms(deadline));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue; /* the deadline is checked above (poll waits <= INT_MAX ms) */
		char buf[16384];
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0) {
			errno = 0;
			return -1;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		sbuf_add(&c->in, buf, (size_t)r);
	}
}

static void consume(struct client *c, size_t n)
{
	memmove(c->in.buf, c->in.buf + n, c->in.len - n);
	c->in.len -= n;
}

/* The ORA error a failed read/write means mid-session. */
static int ora_for_errno(int e)
{
	return e == ETIMEDOUT ? 3135 : 3113;
}

static int do_connect(struct client *c, const struct dcd_descriptor *d, int *ora, char *why,
                      size_t whylen)
{
	struct sbuf out = { 0 };
	struct tns_header h;
	bool follows;
	int rc;

	tns_put_connect(&out, d->text, &follows);
	if (follows)
		tns_put_data(&out, false, 0, d->text, strlen(d->text));
	rc = send_all(c, out.buf, out.len);
	sbuf_free(&out);
	if (rc != 0) {
		*ora = 12537;
		snprintf(why, whylen, "sending CONNECT: %s", strerror(errno));
		return -1;
	}
	rc = read_packet(c, c->connect_timeout_ms, &h);
	if (rc <= 0) {
		*ora = rc == 0 ? 12170 : 12537;
		snprintf(why, whylen, "waiting for ACCEPT: %s",
		         rc == 0 ? "timed out"
		         : errno ? strerror(errno)
		                 : "connection closed");
		return -1;
	}
	const uint8_t *p = (const uint8_t *)c->in.buf;
	if (h.type == TNS_ACCEPT && h.length >= 10) {
		uint16_t version = (uint16_t)(p[8] << 8 | p[9]);
		c->large_sdu = version >= TNS_VERSION_LARGE_SDU;
		consume(c, h.length);
		snprintf(why, whylen, "ACCEPT, TNS version %u", version);
		return 0;
	}
	if (h.type == TNS_REFUSE) {
		/* "(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=12514)...)" after 12 bytes. */
		struct nv_error nerr;
		struct nv *nv =
		        h.length > 12 ? nv_parse((const char *)p + 12, h.length - 12, &nerr) : NULL;
		const struct nv *e = nv ? nv_path(nv, "DESCRIPTION", "ERR", NULL) : NULL;
		long code = 12564;
		if (e && e->atom)
			parse_long(e->atom, 1, 99999, &code);
		*ora = (int)code;
		snprintf(why, whylen, "listener sent REFUSE%s", nv ? "" : " without readable text");
		nv_free(nv);
		consume(c, h.length);
		return -1;
	}
	*ora = 12560;
	snprintf(why, whylen, "expected ACCEPT or REFUSE, got %s", tns_type_name(h.type));
	return -1;
}

/* One round trip. Returns 0, or the ORA code. */
static int do_call(struct client *c, int n, int64_t server_ms, char *why, size_t whylen)
{
	struct sbuf out = { 0 };
	char payload[64];
	int64_t t = clock_now_ms(&clock_monotonic);
	struct tns_header h;

	if (server_ms > 0)
		snprintf(payload, sizeof(payload), "dcdlab:sleep=%lldms call=%d",
		         (long long)server_ms, n);
	else
		snprintf(payload, sizeof(payload), "dcdlab:call=%d", n);
	tns_put_data(&out, c->large_sdu, 0, payload, strlen(payload));
	int rc = send_all(c, out.buf, out.len);
	sbuf_free(&out);
	if (rc != 0) {
		snprintf(why, whylen, "send: %s", strerror(errno));
		return ora_for_errno(errno);
	}
	for (;;) {
		int64_t left = 0;
		if (c->call_timeout_ms > 0) {
			left = c->call_timeout_ms - (clock_now_ms(&clock_monotonic) - t);
			if (left <= 0)
				left = -1;
		}
		rc = left < 0 ? 0 : read_packet(c, left, &h);
		if (rc == 0) {
			snprintf(why, whylen, "no answer within the call timeout of %.3g s",
			         (double)c->call_timeout_ms / 1000.0);
			return 3135;
		}
		if (rc < 0) {
			int e = errno;
			snprintf(why, whylen, "%s",
			         e == 0        ? "connection closed by peer (FIN)"
			         : e == EPROTO ? "bytes that are not TNS"
			                       : strerror(e));
			return ora_for_errno(e);
		}
		if (tns_is_dcd_probe((const uint8_t *)c->in.buf, h.length)) {
			c->probes_seen++;
			consume(c, h.length);
			continue;
		}
		bool answer = h.type == TNS_DATA && h.length > TNS_DATA_HEADER_LEN;
		consume(c, h.length);
		if (answer) {
			snprintf(why, whylen, "answered in %.3f s",
			         (double)(clock_now_ms(&clock_monotonic) - t) / 1000.0);
			return 0;
		}
	}
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

enum {
	OPT_PLAN = 256,
	OPT_TNSNAMES,
	OPT_RELEASE,
	OPT_KEEPIDLE,
	OPT_KEEPINTVL,
	OPT_KEEPCNT,
	OPT_CALL_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_SQLNET,
	OPT_JSON,
};

static const struct option connect_longopts[] = {
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ "tnsnames", required_argument, NULL, OPT_TNSNAMES },
	{ "release", required_argument, NULL, OPT_RELEASE },
	{ "keepidle", required_argument, NULL, OPT_KEEPIDLE },
	{ "keepintvl", required_argument, NULL, OPT_KEEPINTVL },
	{ "keepcnt", required_argument, NULL, OPT_KEEPCNT },
	{ "call-timeout", required_argument, NULL, OPT_CALL_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "sqlnet", required_argument, NULL, OPT_SQLNET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct connect_opts {
	const char *plan_text, *tnsnames, *release, *sqlnet_path, *connect_string;
	struct keepalive ka_over; /* --keepidle etc.: 0 = not given */
	int64_t call_timeout_ms;  /* -1: not given */
};

/* The command line into o and c; EXIT_OK, -1 after --help, or EXIT_USAGE. */
static int parse_connect_args(int argc, char **argv, struct connect_opts *o, struct client *c)
{
	int opt;
	long v;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "qh", connect_longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_PLAN: o->plan_text = optarg; break;
		case OPT_TNSNAMES: o->tnsnames = optarg; break;
		case OPT_RELEASE: o->release = optarg; break;
		case OPT_SQLNET: o->sqlnet_path = optarg; break;
		case OPT_JSON: c->json = true; break;
		case OPT_KEEPIDLE:
		case OPT_KEEPINTVL:
		case OPT_KEEPCNT:
			if (parse_long(optarg, 1, opt == OPT_KEEPCNT ? 127 : 32767, &v) != 0) {
				log_error("--%s \"%s\": expected %s",
				          connect_longopts[opt - OPT_PLAN].name, optarg,
				          opt == OPT_KEEPCNT ? "1 to 127" : "seconds, 1 to 32767");
				return EXIT_USAGE;
			}
			if (opt == OPT_KEEPIDLE)
				o->ka_over.idle_s = (int)v;
			else if (opt == OPT_KEEPINTVL)
				o->ka_over.intvl_s = (int)v;
			else
				o->ka_over.cnt = (int)v;
			break;
		case OPT_CALL_TIMEOUT:
		case OPT_CONNECT_TIMEOUT: {
			int64_t ms;
			if (parse_duration_ms(optarg, 1000, &ms) != 0) {
				log_error("--%s \"%s\": expected a duration such as 5s",
				          opt == OPT_CALL_TIMEOUT ? "call-timeout"
				                                  : "connect-timeout",
				          optarg);
				return EXIT_USAGE;
			}
			if (opt == OPT_CALL_TIMEOUT)
				o->call_timeout_ms = ms;
			else
				c->connect_timeout_ms = ms;
			break;
		}
		case 'q': log_set_level(LOG_WARN); break;
		case 'h': fputs(connect_usage, stdout); return -1;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		if (optind == argc)
			log_error("missing CONNECT-STRING (descriptor, Easy Connect or alias)");
		else
			log_error("unexpected argument \"%s\"", argv[optind + 1]);
		return EXIT_USAGE;
	}
	o->connect_string = argv[optind];
	return EXIT_OK;
}

/* Client-side DCD on the connected socket before its first byte, as the
 * drivers do: what the profile asks, or the lab's scaling of it. */
static int set_client_dcd(struct client *c, const struct dcd_profile *prof,
                          const struct keepalive *over)
{
	struct keepalive ka, got;
	struct dcd_err err = { "" };
	bool on = dcd_socket_keepalive(&prof->client, over, &ka);
	const char *why_ka = over->idle_s || over->intvl_s || over->cnt
	                             ? "lab-scaled by --keepidle/--keepintvl/--keepcnt"
	                             : prof->client.why;

	if (!on)
		return 0;
	if (sockopt_keepalive_apply(c->fd, &ka, &got, &err) != 0) {
		log_error("%s", err.msg);
		return -1;
	}
	report(c, "keepalive", 0, "client DCD: SO_KEEPALIVE=1 %d/%d/%d (%s)", got.idle_s,
	       got.intvl_s, got.cnt, why_ka);
	return 0;
}

/* The plan's calls, idle periods and close: EXIT_OK, or EXIT_CALL at the
 * first call that fails. */
static int run_plan(struct client *c, const struct plan *plan)
{
	char why[256];

	for (int i = 0, call = 0; i < plan->n; i++) {
		const struct plan_step *st = &plan->step[i];
		char step[32];
		if (st->op == PLAN_IDLE) {
			char dur[32];
			report(c, "idle", 0, "idle for %s",
			       fmt_duration_ms(st->duration_ms, dur, sizeof(dur)));
			sleep_ms(st->duration_ms);
		} else if (st->op == PLAN_CALL) {
			snprintf(step, sizeof(step), "call %d", ++call);
			int ora = do_call(c, call, st->duration_ms, why, sizeof(why));
			if (ora) {
				if (c->probes_seen > 0)
					report(c, step, ora, "%s; %llu NS probes had arrived", why,
					       (unsigned long long)c->probes_seen);
				else
					report(c, step, ora, "%s", why);
				return EXIT_CALL;
			}
			report(c, step, 0, "ok, %s", why);
		} else {
			struct sbuf out = { 0 };
			tns_put_data(&out, c->large_sdu, TNS_DATA_FLAG_EOF, NULL, 0);
			send_all(c, out.buf, out.len);
			sbuf_free(&out);
			report(c, "close", 0, "disconnected (DATA EOF, then FIN)");
			break;
		}
	}
	return EXIT_OK;
}

int cmd_connect(int argc, char **argv)
{
	struct connect_opts o = { .plan_text = "call", .release = "19c", .call_timeout_ms = -1 };
	struct client c = { .fd = -1, .connect_timeout_ms = 60000 };
	struct plan *plan = calloc(1, sizeof(*plan));
	struct dcd_descriptor d = { 0 };
	struct dcd_err err = { "" };
	struct oracle_release rel;
	struct dcd_profile prof;
	struct sqlnet_config sq;
	int rc, ora = 0;
	char why[256];

	if (plan == NULL)
		abort();
	sqlnet_init(&sq);
	if ((rc = parse_connect_args(argc, argv, &o, &c)) != EXIT_OK) {
		rc = rc < 0 ? EXIT_OK : rc; /* -1: --help */
		goto out;
	}
	if (plan_parse(plan, o.plan_text, &err) != 0 || release_parse(o.release, &rel, &err) != 0 ||
	    descriptor_resolve(&d, o.connect_string, o.tnsnames, &err) != 0 ||
	    (o.sqlnet_path && sqlnet_load(&sq, o.sqlnet_path, &err) != 0)) {
		log_error("%s", err.msg);
		rc = EXIT_CONFIG;
		goto out;
	}
	/* The client's own sqlnet.ora: RECV_TIMEOUT bounds calls. */
	c.call_timeout_ms = o.call_timeout_ms >= 0   ? o.call_timeout_ms
	                    : sq.recv_timeout_ms > 0 ? sq.recv_timeout_ms
	                                             : 0;
	if (d.connect_timeout_ms > 0)
		c.connect_timeout_ms = d.connect_timeout_ms;
	if (d.transport_connect_timeout_ms > 0)
		c.connect_timeout_ms = d.transport_connect_timeout_ms;
	dcd_profile_compute(&prof, NULL, &d, rel, rel, &os_tcp_linux_default);
	signal(SIGPIPE, SIG_IGN);
	c.t0_ms = clock_now_ms(&clock_monotonic);

	if (connect_tcp(&c, &d.address[0], &ora, why, sizeof(why)) != 0) {
		report(&c, "connect", ora, "%s", why);
		rc = EXIT_CONNECT;
		goto out;
	}
	if (set_client_dcd(&c, &prof, &o.ka_over) != 0) {
		rc = EXIT_CONFIG;
		goto out;
	}
	if (do_connect(&c, &d, &ora, why, sizeof(why)) != 0) {
		report(&c, "connect", ora, "%s", why);
		rc = EXIT_CONNECT;
		goto out;
	}
	report(&c, "connect", 0, "%s:%u service \"%s\": %s", d.address[0].host, d.address[0].port,
	       d.service_name[0] ? d.service_name : d.sid, why);
	rc = run_plan(&c, plan);
out:
	if (c.fd >= 0)
		close(c.fd);
	sbuf_free(&c.in);
	descriptor_free(&d);
	sqlnet_free(&sq);
	free(plan);
	return rc;
}
