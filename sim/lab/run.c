/* run.c - one scenario on the real kernel: where a scenario becomes a
 * verdict.
 *
 *   1. namespaces client -- fw -- server (topo.c), the firewall (fw.c)
 *   2. `dcdlab listen` in the server's namespace, `dcdlab connect` in the
 *      client's, each with the scenario's settings; libpcap on both of the
 *      firewall's legs
 *   3. a loop, bounded in time: captures, conntrack events and samples,
 *      faults at their times, until both programs are done
 *   4. the analyzer on both captures; the programs' JSON lines; every
 *      expectation checked against what was observed
 * Everything is removed at the end, on error and on a signal. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <pcap/pcap.h>

#include "../../capture/analyze.h"
#include "../../capture/decode.h"
#include "../../lib/clock.h"
#include "../../lib/numparse.h"
#include "../../lib/sockaddr.h"
#include "../../model/dbend.h"
#include "../../model/driver.h"
#include "../../model/measure.h"
#include "lab.h"
#include "netns.h"

#define SAMPLE_EVERY_MS 50
#define GRACE_MS        300  /* after both programs end: the last packets */
#define LAB_ADMIN_PORT  9101 /* dcdlab listen's HTTP, the server's loopback */

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The scenario clock. Every event time is on CLOCK_REALTIME, the clock the
 * kernel stamps captured packets with and the programs write in their
 * events: one clock, so that no two witnesses drift apart. (The run's own
 * bound and wall time are durations, measured on CLOCK_MONOTONIC.) */
int64_t lab_now_ms(const struct lab_run *r)
{
	return wall_ms() - r->t0_wall_ms;
}

/* ---- the programs: dcdlab listen and dcdlab connect ---- */

#define ARGV_MAX 48
struct argv_buf {
	char *v[ARGV_MAX];
	char s[ARGV_MAX][600];
	int n;
	bool overflow; /* an argument did not fit: spawn() refuses to run it */
};

static void arg(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	if (a->n >= ARGV_MAX - 1) {
		a->overflow = true;
		return;
	}
	va_start(ap, fmt);
	int len = vsnprintf(a->s[a->n], sizeof(a->s[0]), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(a->s[0]))
		a->overflow = true;
	a->v[a->n] = a->s[a->n];
	a->v[++a->n] = NULL;
}

/* fork, enter `role`'s namespace, exec this binary with `a`. */
static pid_t spawn(struct lab_run *r, enum topo_role role, struct argv_buf *a, const char *out,
                   const char *errf, struct dcd_err *err)
{
	pid_t pid;

	if (a->overflow) {
		err_set(err, "dcdlab %s: more than %d arguments, or one over %zu bytes", a->v[1],
		        ARGV_MAX - 1, sizeof(a->s[0]) - 1);
		return -1;
	}
	pid_t parent = getpid();
	pid = fork();
	if (pid < 0) {
		err_set(err, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* A program outlives no run: if the run's process dies however it
		 * dies, the kernel kills its listen and connect (their namespaces
		 * are about to go too). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(127);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		struct dcd_err cerr = { "" };
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		/* from here on stderr is the program's log: say what failed there */
		if (topo_enter(r->topo, role, &cerr) != 0) {
			dprintf(2, "dcdlab lab: entering %s: %s\n", r->topo->name[role], cerr.msg);
			_exit(127);
		}
		close_range(3, ~0U, 0);
		execv("/proc/self/exe", a->v);
		dprintf(2, "dcdlab lab: exec /proc/self/exe %s: %s\n", a->v[1], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Lab-scaled keepalive, as listen and connect both take it. */
static void keepalive_args(struct argv_buf *a, int idle_s, int intvl_s, int cnt)
{
	if (!idle_s)
		return;
	arg(a, "--keepidle");
	arg(a, "%d", idle_s);
	arg(a, "--keepintvl");
	arg(a, "%d", intvl_s);
	arg(a, "--keepcnt");
	arg(a, "%d", cnt);
}

static void listener_args(const struct lab_run *r, struct argv_buf *a)
{
	const struct scenario *s = r->s;
	char b[32];

	arg(a, "dcdlab");
	arg(a, "listen");
	arg(a, "-l");
	arg(a, s->family == 6 ? "[2001:db8:2::2]:1521" : "198.51.100.2:1521");
	arg(a, "--events");
	arg(a, "%s/listen.jsonl", r->dir);
	if (!s->measure) { /* measure opens many: the listener runs until stopped */
		arg(a, "--exit-after");
		arg(a, "%d", s->clients);
	}
	arg(a, "--release");
	arg(a, "%s", s->release);
	if (s->sqlnet[0]) {
		char path[300];
		scenario_path(s, s->sqlnet, path, sizeof(path));
		arg(a, "--sqlnet");
		arg(a, "%s", path);
	}
	if (s->expire_time_min >= 0) {
		arg(a, "--expire-time");
		arg(a, "%d", s->expire_time_min);
	}
	keepalive_args(a, s->keepidle_s, s->keepintvl_s, s->keepcnt);
	if (s->ns_probes)
		arg(a, "--ns-probes");
	if (s->probe_interval_ms) {
		arg(a, "--probe-interval");
		arg(a, "%s", fmt_duration_ms(s->probe_interval_ms, b, sizeof(b)));
	}
	if (s->user_timeout_ms) {
		arg(a, "--user-timeout");
		arg(a, "%s", fmt_duration_ms(s->user_timeout_ms, b, sizeof(b)));
	}
	const struct {
		const char *opt;
		int64_t ms;
	} lim[] = { { "--max-idle-time", s->limits.max_idle_ms },
		    { "--max-idle-blocker-time", s->limits.max_idle_blocker_ms },
		    { "--idle-time", s->limits.idle_time_ms } };
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		if (lim[i].ms > 0) {
			arg(a, "%s", lim[i].opt);
			arg(a, "%lldms", (long long)lim[i].ms);
		}
	/* The admin endpoints (kill-session), on the server's own loopback. */
	arg(a, "--metrics");
	arg(a, "127.0.0.1:%d", LAB_ADMIN_PORT);
}

/* POST path to dcdlab listen's HTTP server, from inside the server's
 * namespace (a child that enters it): 0 when it answered 200. */
static int admin_post(struct lab_run *r, const char *path, struct dcd_err *err)
{
	int pfd[2];

	if (pipe(pfd) != 0) {
		err_set(err, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		err_set(err, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		struct dcd_err cerr;
		struct sockaddr_in sa = { .sin_family = AF_INET,
			                  .sin_port = htons(LAB_ADMIN_PORT),
			                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		char req[256], resp[512];
		struct timeval tv = { .tv_sec = 2 };
		close(pfd[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent ||
		    topo_enter(r->topo, TOPO_SERVER, &cerr) != 0)
			_exit(2);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		int n = snprintf(req, sizeof(req),
		                 "POST %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
		                 path);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    write(fd, req, (size_t)n) != n)
			_exit(3);
		ssize_t got = read(fd, resp, sizeof(resp) - 1);
		if (got > 0 && write(pfd[1], resp, (size_t)got) < 0)
			_exit(4);
		_exit(got > 12 && memcmp(resp + 9, "200", 3) == 0 ? 0 : 1);
	}
	close(pfd[1]);
	int status = 0;
	char resp[512] = "";
	ssize_t got = 0;
	for (int i = 0; i < 300 && waitpid(pid, &status, WNOHANG) == 0; i++) /* 3 s */
		usleep(10000);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	got = read(pfd[0], resp, sizeof(resp) - 1);
	close(pfd[0]);
	resp[got > 0 ? got : 0] = '\0';
	resp[strcspn(resp, "\r\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		err_set(err, "POST %s: %s", path, resp[0] ? resp : "no answer from dcdlab listen");
		return -1;
	}
	return 0;
}

/* client measure: dcdlab measure to the lab's server, JSON on stdout. */
static void measure_args(const struct scenario *s, struct argv_buf *a)
{
	char b[32];

	arg(a, "dcdlab");
	arg(a, "measure");
	arg(a, "--json");
	arg(a, "--quiet");
	if (s->measure_min_ms) {
		arg(a, "--min");
		arg(a, "%s", fmt_duration_ms(s->measure_min_ms, b, sizeof(b)));
	}
	if (s->measure_max_ms) {
		arg(a, "--max");
		arg(a, "%s", fmt_duration_ms(s->measure_max_ms, b, sizeof(b)));
	}
	if (s->measure_precision_ms) {
		arg(a, "--precision");
		arg(a, "%lldms", (long long)s->measure_precision_ms);
	}
	if (s->measure_connections) {
		arg(a, "--connections");
		arg(a, "%d", s->measure_connections);
	}
	if (s->measure_sequential)
		arg(a, "--sequential");
	arg(a, "%s", scenario_connect_string(s));
}

static void client_args(const struct lab_run *r, int k, struct argv_buf *a)
{
	const struct scenario *s = r->s;
	char b[32];

	if (s->measure) {
		measure_args(s, a);
		return;
	}
	arg(a, "dcdlab");
	arg(a, "connect");
	arg(a, "--json");
	arg(a, "--plan");
	arg(a, "%s", scenario_plan(s, k));
	arg(a, "--release");
	arg(a, "%s", s->client_release);
	arg(a, "--connect-timeout");
	arg(a, "5s");
	keepalive_args(a, s->c_keepidle_s, s->c_keepintvl_s, s->c_keepcnt);
	if (s->client_driver >= 0) {
		arg(a, "--driver");
		arg(a, "%s", client_driver_name((enum client_driver)s->client_driver));
	}
	if (s->jdbc_properties[0]) {
		char path[300];
		scenario_path(s, s->jdbc_properties, path, sizeof(path));
		arg(a, "--jdbc-properties");
		arg(a, "%s", path);
	}
	if (s->call_timeout_ms) {
		arg(a, "--call-timeout");
		arg(a, "%s", fmt_duration_ms(s->call_timeout_ms, b, sizeof(b)));
	}
	arg(a, "%s", scenario_connect_string(s));
}

/* The listener is up when the server's namespace has a socket listening on
 * 1521 (read from /proc/self/net/tcp*, which follows our namespace). */
static int wait_listening(struct lab_run *r, pid_t listener, struct dcd_err *err)
{
	const char *file = r->s->family == 6 ? "/proc/self/net/tcp6" : "/proc/self/net/tcp";

	for (int i = 0; i < 200; i++) { /* 200 x 10 ms */
		char line[256];
		bool up = false;
		int status;
		if (topo_enter(r->topo, TOPO_SERVER, err) != 0)
			return -1;
		FILE *f = fopen(file, "r");
		if (topo_leave(r->topo, err) != 0) {
			if (f)
				fclose(f);
			return -1;
		}
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, ":05F1 ") && strstr(line, " 0A "))
				up = true;
		if (f)
			fclose(f);
		if (up)
			return 0;
		if (waitpid(listener, &status, WNOHANG) == listener) {
			err_set(err, "dcdlab listen exited at start (see %s/listen.log)", r->dir);
			return -1;
		}
		usleep(10000);
	}
	err_set(err, "dcdlab listen was not listening on 1521 after 2 s (see %s/listen.log)",
	        r->dir);
	return -1;
}

/* ---- captures on the firewall's two legs ---- */

struct leg {
	struct lab_run *r;
	enum scn_leg which;
	pcap_t *p;
	pcap_dumper_t *d;
	link_decode_fn link;
	char path[600];
	unsigned rsts;
};

static const char *const leg_ifname[2] = { [LEG_SERVER] = "fs", [LEG_CLIENT] = "fc" };
static const char *const leg_file[2] = {
	[LEG_SERVER] = "server-leg.pcap", [LEG_CLIENT] = "client-leg.pcap"
};

static int leg_open(struct lab_run *r, struct leg *l, enum scn_leg which, struct dcd_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	int rc = -1;

	memset(l, 0, sizeof(*l));
	l->r = r;
	l->which = which;
	snprintf(l->path, sizeof(l->path), "%s/%s", r->dir, leg_file[which]);
	if (topo_enter(r->topo, TOPO_FIREWALL, err) != 0)
		return -1;
	/* The packet socket belongs to the namespace it is opened in. */
	l->p = pcap_create(leg_ifname[which], ebuf);
	if (l->p && pcap_set_snaplen(l->p, 256) == 0 && pcap_set_immediate_mode(l->p, 1) == 0 &&
	    pcap_set_buffer_size(l->p, 4 << 20) == 0 && pcap_activate(l->p) >= 0)
		rc = 0;
	if (topo_leave(r->topo, err) != 0)
		rc = -1;
	if (rc != 0) {
		err_set(err, "capture on the firewall's %s: %s", leg_ifname[which],
		        l->p ? pcap_geterr(l->p) : ebuf);
		return -1;
	}
	if (pcap_compile(l->p, &prog, "tcp port 1521", 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(l->p, &prog) != 0 || pcap_setnonblock(l->p, 1, ebuf) != 0) {
		err_set(err, "capture filter: %s", pcap_geterr(l->p));
		return -1;
	}
	pcap_freecode(&prog);
	l->link = link_decoder(pcap_datalink(l->p));
	l->d = pcap_dump_open(l->p, l->path);
	if (!l->d) {
		err_set(err, "%s: %s", l->path, pcap_geterr(l->p));
		return -1;
	}
	return 0;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct leg *l = (struct leg *)user;
	struct tcp_pkt p;

	pcap_dump((u_char *)l->d, h, bytes);
	if (!l->link || decode_frame(l->link, bytes, h->caplen, &p) != DECODE_TCP)
		return;
	bool from_client = p.dport == 1521;
	uint16_t cport = from_client ? p.sport : p.dport;
	struct flow_track *t = NULL;
	struct lab_run *r = l->r;
	for (int i = 0; i < r->n_flows; i++)
		if (r->flows[i].cport == cport)
			t = &r->flows[i];
	if (!t && (p.flags & TCP_SYN) && from_client && r->n_flows < LAB_MAX_FLOWS) {
		int alen = p.family == 6 ? 16 : 4;
		t = &r->flows[r->n_flows++];
		t->valid = true;
		t->family = p.family;
		memcpy(t->caddr, p.src, (size_t)alen);
		memcpy(t->saddr, p.dst, (size_t)alen);
		t->cport = p.sport;
		t->sport = p.dport;
	}
	if (p.flags & TCP_RST) {
		int64_t at = (int64_t)h->ts.tv_sec * 1000 + h->ts.tv_usec / 1000 - r->t0_wall_ms;
		if (l->rsts++ < 4 * (unsigned)r->s->clients)
			lab_event(r, at, "wire", "RST %s -> %s on the %s leg (port %u)",
			          from_client ? "client" : "server",
			          from_client ? "server" : "client",
			          l->which == LEG_CLIENT ? "client" : "server", cport);
	}
	/* Each side's numbers where its packets enter the firewall. */
	if (!t || from_client != (l->which == LEG_CLIENT))
		return;
	uint32_t nxt = p.seq + p.payload_len + !!(p.flags & (TCP_SYN | TCP_FIN));
	if (from_client) {
		if (p.payload_len || (p.flags & (TCP_SYN | TCP_FIN)) || !t->c_acked)
			t->c_nxt = nxt;
		if (p.flags & TCP_ACK)
			t->c_ack = p.ack, t->c_acked = true;
	} else {
		if (p.payload_len || (p.flags & (TCP_SYN | TCP_FIN)) || !t->s_acked)
			t->s_nxt = nxt;
		if (p.flags & TCP_ACK)
			t->s_ack = p.ack, t->s_acked = true;
	}
}

static void leg_close(struct leg *l)
{
	if (l->p) {
		pcap_dispatch(l->p, -1, on_frame, (u_char *)l);
		if (l->d)
			pcap_dump_close(l->d);
		pcap_close(l->p);
	}
	l->p = NULL;
	l->d = NULL;
}

/* ---- after the run: the analyzer on each leg ---- */

struct analyze_ctx {
	struct lab_run *r;
	enum scn_leg which;
	struct analyzer *a;
	int64_t ts_ms;
};

/* The port of "192.0.2.2:39970" or "[2001:db8:1::2]:39970". */

static void on_report(const struct flow_report *rep, void *arg)
{
	struct analyze_ctx *c = arg;
	struct lab_session *s = lab_session_by_port(c->r, hostport_port(rep->client.addr));

	if (s)
		s->verdict[c->which] = rep->verdict;
}

static void on_class(uint32_t pkt, enum pkt_class cls, void *arg)
{
	struct analyze_ctx *c = arg;
	bool from_client;

	(void)pkt;
	if (c->r->n_segs[c->which]) /* the segment just kept (analyze_leg) */
		c->r->segs[c->which][c->r->n_segs[c->which] - 1].cls = (uint8_t)cls;
	if (c->which != LEG_SERVER)
		return; /* one leg is enough for the timeline */
	analyzer_last_flow(c->a, &from_client);
	if (c->r->s->clients > 1)
		lab_event(c->r, c->ts_ms, "wire", "%s %s (flow %u)",
		          from_client ? "client" : "server", pkt_class_name(cls),
		          analyzer_last_flow(c->a, &from_client));
	else
		lab_event(c->r, c->ts_ms, "wire", "%s %s", from_client ? "client" : "server",
		          pkt_class_name(cls));
}

static void analyze_leg(struct lab_run *r, enum scn_leg which, const char *path)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct analyze_ctx c = { r, which, NULL, 0 };
	struct pcap_pkthdr *h;
	const u_char *bytes;
	struct summary sum;
	uint32_t n = 0;
	pcap_t *p = pcap_open_offline(path, ebuf);

	if (!p)
		return;
	link_decode_fn link = link_decoder(pcap_datalink(p));
	c.a = analyzer_new(on_report, on_class, &c);
	while (link && c.a && pcap_next_ex(p, &h, &bytes) == 1) {
		struct tcp_pkt t;
		uint64_t us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		c.ts_ms = (int64_t)(us / 1000) - r->t0_wall_ms;
		enum decode_result d = decode_frame(link, bytes, h->caplen, &t);
		if (d == DECODE_TCP) {
			/* for the ladder diagram: the client is the side not on 1521 */
			struct leg_seg seg =
			        leg_seg_of(&t, (double)c.ts_ms / 1000, t.dport == 1521);
			lab_leg_seg(r, which, &seg);
			analyzer_packet(c.a, us, ++n, &t);
		} else
			analyzer_skip(c.a, d), ++n;
	}
	if (c.a) {
		analyzer_finish(c.a, &sum);
		analyzer_free(c.a);
	}
	pcap_close(p);
}

/* ---- the programs' JSON lines ---- */

/* The programs write one JSON object a line (connect --json, listen
 * --events); jansson parses them (a key search would match a key inside a
 * string value, or stop at an escaped quote). A line that does not parse
 * is skipped: the file may end in the middle of one while a program runs. */
static json_t *jparse(const char *line)
{
	json_t *o = json_loads(line, JSON_DECODE_ANY, NULL);
	if (o && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The string at `key`, or NULL. */
static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)); /* NULL if not a string */
}

/* The number at `key`, or `dflt`. */
static double jnum(const json_t *o, const char *key, double dflt)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : dflt;
}

static bool jtrue(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* "2026-11-21T12:03:14.648Z" -> ms since the epoch, or -1. */
static int64_t iso_ms(const char *s)
{
	struct tm tm = { 0 };
	int ms = 0;
	if (sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	           &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

/* "#2 " before a client's or a session's lines when there are several. */
static const char *tag(const struct lab_run *r, int i, char *buf, size_t size)
{
	if (r->s->clients == 1)
		return "";
	snprintf(buf, size, "#%d ", i + 1);
	return buf;
}

/* dcdlab measure's JSON object (client measure) into r->measured. */
static void read_measure(struct lab_run *r)
{
	char path[600], *line = NULL;
	size_t cap = 0;
	struct lab_measured *m = &r->measured;
	FILE *f;

	m->exit = r->sess[0].client_exit;
	snprintf(path, sizeof(path), "%s/client-1.jsonl", r->dir);
	if (!(f = fopen(path, "r")))
		return;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = jparse(line), *t = o ? json_object_get(o, "timeout_s") : NULL;
		const char *result = o ? jstr(o, "result") : NULL;
		if (!result) {
			json_decref(o);
			continue;
		}
		m->ran = true;
		m->lo_ms = (int64_t)(jnum(o, "survived_s", 0) * 1000 + 0.5);
		m->hi_ms = json_is_object(t) ? (int64_t)(jnum(t, "hi", 0) * 1000 + 0.5) : -1;
		m->expiry = m_expiry_parse(jstr(o, "expiry") ? jstr(o, "expiry") : "");
		const char *ka = jstr(o, "keepalives"), *rst = jstr(o, "rst_from");
		m->keepalives = !ka                          ? -1
		                : strcmp(ka, "counted") == 0 ? 1
		                : strcmp(ka, "ignored") == 0 ? 0
		                                             : -1;
		snprintf(m->rst_from, sizeof(m->rst_from), "%s", rst ? rst : "");
		m->elapsed_s = jnum(o, "elapsed_s", 0);
		json_t *c = json_object_get(o, "connections");
		m->opened = (unsigned)jnum(c, "opened", 0);
		m->max_open = (unsigned)jnum(c, "max_open", 0);
		char hi[32] = "?";
		if (m->hi_ms >= 0)
			snprintf(hi, sizeof(hi), "%.3f", (double)m->hi_ms / 1000);
		lab_event(r, (int64_t)(m->elapsed_s * 1000), "client",
		          "measure: %s; idle timeout %.3f .. %s s, expiry %s, keepalives %s, %u "
		          "connections",
		          result, (double)m->lo_ms / 1000, hi,
		          jstr(o, "expiry") ? jstr(o, "expiry") : "?", ka ? ka : "?", m->opened);
		json_decref(o);
	}
	free(line);
	fclose(f);
}

static void read_client(struct lab_run *r, int i)
{
	char path[600], tb[8], *line = NULL;
	size_t cap = 0;
	struct lab_session *se = &r->sess[i];
	FILE *f;

	snprintf(path, sizeof(path), "%s/client-%d.jsonl", r->dir, i + 1);
	if (!(f = fopen(path, "r")))
		return;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = jparse(line);
		const char *step = o ? jstr(o, "step") : NULL, *wall = o ? jstr(o, "time") : NULL;
		if (!step || !wall) {
			json_decref(o);
			continue;
		}
		int64_t t = iso_ms(wall) - r->t0_wall_ms;
		const char *msg = jstr(o, "message"), *ora = jstr(o, "ora");
		bool failed = ora != NULL;
		int k;
		if (!msg)
			msg = "";
		if (!se->cport)
			se->cport = (uint16_t)jnum(o, "local_port", 0);
		if (strcmp(step, "keepalive") == 0)
			se->client_ka = 1;
		if (sscanf(step, "call %d", &k) == 1 && k >= 1 && k <= LAB_MAX_CALLS) {
			struct call_result *c = &se->calls[k - 1];
			c->made = true;
			c->ok = !failed;
			c->ora = failed && strlen(ora) > 4 ? atoi(ora + 4) : 0;
			c->t_ms = t;
			snprintf(c->message, sizeof(c->message), "%s", msg);
			if (k > se->n_calls)
				se->n_calls = k;
		}
		if (strcmp(step, "idle") != 0)
			lab_event(r, t, "client", "%s%s: %s%s%s", tag(r, i, tb, sizeof(tb)), step,
			          failed ? ora : "", failed ? ": " : "", msg);
		json_decref(o);
	}
	free(line);
	fclose(f);
}

static void read_server(struct lab_run *r)
{
	char path[600], tb[8], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/listen.jsonl", r->dir);
	if (!(f = fopen(path, "r")))
		return;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = jparse(line);
		const char *ev = o ? jstr(o, "event") : NULL, *wall = o ? jstr(o, "time") : NULL,
		           *peer = o ? jstr(o, "peer") : NULL;
		if (!ev || !wall || !peer) {
			json_decref(o);
			continue;
		}
		int64_t t = iso_ms(wall) - r->t0_wall_ms;
		struct lab_session *se = lab_session_by_port(r, hostport_port(peer));
		const char *who = se ? tag(r, (int)(se - r->sess), tb, sizeof(tb)) : "? ";
		if (strcmp(ev, "accept") == 0) {
			const char *dcd = jstr(o, "dcd");
			if (dcd && strcmp(dcd, "keepalive") == 0)
				lab_event(r, t, "server",
				          "%saccepted; keepalive %.0f/%.0f/%.0f (dead peer noticed "
				          "after "
				          "%.0f s)",
				          who, jnum(o, "tcp_keepidle_s", 0),
				          jnum(o, "tcp_keepintvl_s", 0), jnum(o, "tcp_keepcnt", 0),
				          jnum(o, "detect_s", 0));
			else
				lab_event(r, t, "server", "%saccepted; DCD: %s", who,
				          dcd && dcd[0] ? dcd : "none");
		} else if ((strcmp(ev, "killed") == 0 || strcmp(ev, "sniped") == 0) && se) {
			const char *st = jstr(o, "status");
			se->db_status = st && strcmp(st, "KILLED") == 0   ? DB_KILLED
			                : st && strcmp(st, "SNIPED") == 0 ? DB_SNIPED
			                                                  : se->db_status;
			lab_event(r, t, "server", "%s%s", who, st ? st : ev);
		} else if ((strcmp(ev, "wait") == 0 || strcmp(ev, "lock") == 0) && se) {
			const char *lock = jstr(o, "lock");
			lab_event(r, t, "server", "%s%s lock \"%s\"", who,
			          ev[0] == 'w' ? "waits for" : "got", lock ? lock : "?");
		} else if (strcmp(ev, "ns-probe") == 0) {
			lab_event(r, t, "server", "%sNS probe sent (10-byte DATA)", who);
		} else if ((strcmp(ev, "end") == 0 || strcmp(ev, "dead-peer") == 0) && se &&
		           !se->server_ended) {
			const char *cause = jstr(o, "cause");
			if (!cause || strcmp(cause, "shutdown") == 0) {
				json_decref(o);
				continue; /* the lab stopped it: the session was still open */
			}
			se->server_ended = true;
			se->server_cause = end_cause_parse(cause);
			se->server_dead_peer = jtrue(o, "dead_peer");
			se->server_end_ms = t;
			se->server_since_last_packet_s = jnum(o, "since_last_packet_s", -1);
			lab_event(r, t, "server",
			          "%ssession ended: %s%s (%.2f s after the client's last packet)",
			          who, cause, se->server_dead_peer ? ", a dead peer" : "",
			          se->server_since_last_packet_s);
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
}

/* The wall-clock ms of the first client's "connect" line, or -1 if it
 * does not come within 5 s (it failed: the run goes on and reports it). */
static int64_t wait_connected(struct lab_run *r)
{
	char path[600], line[2048];

	snprintf(path, sizeof(path), "%s/client-1.jsonl", r->dir);
	for (int i = 0; i < 1000; i++) { /* 1000 x 5 ms */
		FILE *f = fopen(path, "r");
		json_t *o = f && fgets(line, sizeof(line), f) && strchr(line, '\n') ? jparse(line)
		                                                                    : NULL;
		const char *wall = o ? jstr(o, "time") : NULL;
		int64_t at = wall ? iso_ms(wall) : -1;
		json_decref(o);
		if (f)
			fclose(f);
		if (at >= 0)
			return at;
		if (r->sess[0].pid <= 0 || waitpid(r->sess[0].pid, NULL, WNOHANG) != 0)
			return -1;
		usleep(5000);
	}
	return -1;
}

/* ---- the run ---- */

static void stop(pid_t *pid, int sig)
{
	if (*pid > 0)
		kill(*pid, sig);
}

static void reap(pid_t *pid, int *status_out)
{
	int status;
	if (*pid <= 0)
		return;
	for (int i = 0; i < 100; i++) { /* 1 s, then SIGKILL */
		if (waitpid(*pid, &status, WNOHANG) == *pid) {
			if (status_out)
				*status_out = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			*pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, &status, 0);
	*pid = 0;
}

/* The host vanishes: nothing in, nothing out, no FIN, no RST; then its
 * programs are killed. */
static int crash_host(struct lab_run *r, enum topo_role role, struct dcd_err *err)
{
	return lab_nft(r, role,
	               "table inet dcdlab_crash {\n"
	               "\tchain in { type filter hook input priority -400; policy drop; }\n"
	               "\tchain out { type filter hook output priority -400; policy drop; }\n}\n",
	               err);
}

static void do_faults(struct lab_run *r, struct fw *fw, pid_t *listener, int64_t now, bool *done,
                      bool *restored)
{
	const struct scenario *s = r->s;

	for (int i = 0; i < s->n_fault; i++) {
		const struct scn_fault *f = &s->fault[i];
		struct dcd_err err = { "" };
		int rc = 0;
		if (!done[i] && now >= f->at_ms) {
			done[i] = true;
			switch (f->kind) {
			case FAULT_CLIENT_CRASH:
				rc = crash_host(r, TOPO_CLIENT, &err);
				for (int k = 0; k < s->clients; k++)
					stop(&r->sess[k].pid, SIGKILL);
				lab_event(r, now, "fault",
				          "the client's host crashes (no FIN, no RST)");
				break;
			case FAULT_SERVER_CRASH:
				rc = crash_host(r, TOPO_SERVER, &err);
				stop(listener, SIGKILL);
				lab_event(r, now, "fault",
				          "the server's host crashes (no FIN, no RST)");
				break;
			case FAULT_LINK_CUT:
				rc = fw_cut(fw, true, &err);
				lab_event(r, now, "fault", "the path through the firewall is cut");
				break;
			case FAULT_FW_FLUSH:
				lab_event(r, now, "fault",
				          "the firewall reboots: its state is flushed");
				rc = fw_flush(fw, &err);
				break;
			case FAULT_KILL_SESSION:
				lab_event(r, now, "fault", "ALTER SYSTEM KILL SESSION%s",
				          f->immediate ? " IMMEDIATE" : "");
				rc = admin_post(r,
				                f->immediate ? "/sessions/all/kill?immediate"
				                             : "/sessions/all/kill",
				                &err);
				break;
			}
		}
		if (f->kind == FAULT_LINK_CUT && done[i] && !restored[i] && f->restore_ms >= 0 &&
		    now >= f->restore_ms) {
			restored[i] = true;
			rc = fw_cut(fw, false, &err);
			lab_event(r, now, "fault", "the path is restored");
		}
		if (rc != 0)
			lab_event(r, now, "fault", "could not carry the fault out: %s", err.msg);
	}
}

/* net.ipv4.tcp_retries2 of one host: how long its TCP retransmits. */
static int set_retries2(struct lab_run *r, enum topo_role role, int n, struct dcd_err *err)
{
	char v[16];
	int rc;

	if (n <= 0)
		return 0;
	snprintf(v, sizeof(v), "%d", n);
	if (topo_enter(r->topo, role, err) != 0)
		return -1;
	rc = netns_sysctl("/proc/sys/net/ipv4/tcp_retries2", v, err);
	if (topo_leave(r->topo, err) != 0)
		return -1;
	return rc;
}

/* The client host's keepalive defaults (client os_keepalive). */
static int set_os_keepalive(struct lab_run *r, const struct scenario *s, struct dcd_err *err)
{
	const struct {
		const char *path;
		int v;
	} k[] = { { "/proc/sys/net/ipv4/tcp_keepalive_time", s->c_os_idle_s },
		  { "/proc/sys/net/ipv4/tcp_keepalive_intvl", s->c_os_intvl_s },
		  { "/proc/sys/net/ipv4/tcp_keepalive_probes", s->c_os_cnt } };
	int rc = 0;

	if (!s->c_os_idle_s)
		return 0;
	if (topo_enter(r->topo, TOPO_CLIENT, err) != 0)
		return -1;
	for (size_t i = 0; i < 3 && rc == 0; i++) {
		char v[16];
		snprintf(v, sizeof(v), "%d", k[i].v);
		rc = netns_sysctl(k[i].path, v, err);
	}
	if (topo_leave(r->topo, err) != 0)
		return -1;
	return rc;
}

/* What one run has going: the capture on each leg, the firewall's
 * conntrack view and the listener (the clients are in r->sess). */
struct run_procs {
	struct leg legs[2];
	struct fw *fw;
	pid_t listener;
	struct argv_buf *la, *ca;
};

/* A fresh record for scenario s; -1 when out of memory (said in r->error). */
static int run_init(struct lab_run *r, const struct scenario *s, const char *dir,
                    volatile int *interrupted)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->interrupted = interrupted;
	for (int k = 0; k < SCN_MAX_CLIENTS; k++) {
		r->sess[k].client_exit = -1;
		r->sess[k].server_cause = SCN_END_NONE;
		r->sess[k].db_status = DB_INACTIVE;
		r->sess[k].client_ka = 0; /* until its "keepalive" step says otherwise */
		r->sess[k].verdict[0] = r->sess[k].verdict[1] = -1;
	}
	r->fw_expired_ms = -1;
	r->measured =
	        (struct lab_measured){ .hi_ms = -1, .expiry = -1, .keepalives = -1, .exit = -1 };
	r->events = calloc(LAB_MAX_EVENTS, sizeof(*r->events));
	r->samples = calloc(LAB_MAX_SAMPLES, sizeof(*r->samples));
	r->topo = calloc(1, sizeof(*r->topo)); /* for this run only: freed at its end */
	for (int i = 0; r->topo && i < TOPO_ROLES; i++)
		r->topo->fd[i] = -1;
	if (r->topo)
		r->topo->host_fd = -1;
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	if (!r->events || !r->samples || !r->topo) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return -1;
	}
	return 0;
}

/* The scenario clock's 0 moves `shift_ms` later: the events so far too. */
static void shift_clock(struct lab_run *r, int64_t shift_ms)
{
	r->t0_wall_ms += shift_ms;
	for (int i = 0; i < r->n_events; i++)
		r->events[i].t_ms -= shift_ms;
}

/* The namespaces, the firewall, the captures, the listener and the
 * clients; the scenario clock starts when the (first) client is connected. */
static int run_start(struct lab_run *r, struct run_procs *pr, int64_t bound_ms, struct dcd_err *err)
{
	const struct scenario *s = r->s;
	char out[600], log[600];

	/* Until the client starts, the clock runs from here. */
	r->t0_wall_ms = wall_ms();
	if (topo_up(r->topo, 0, err) != 0 || !(pr->fw = fw_open(r, err)))
		return -1;
	if (set_retries2(r, TOPO_SERVER, s->tcp_retries2, err) != 0 ||
	    set_retries2(r, TOPO_CLIENT, s->c_tcp_retries2, err) != 0 ||
	    set_os_keepalive(r, s, err) != 0)
		return -1;
	if (leg_open(r, &pr->legs[LEG_CLIENT], LEG_CLIENT, err) != 0 ||
	    leg_open(r, &pr->legs[LEG_SERVER], LEG_SERVER, err) != 0)
		return -1;
	listener_args(r, pr->la);
	arg(pr->la, "--duration");
	arg(pr->la, "%llds", (long long)(bound_ms / 1000 + 5));
	snprintf(out, sizeof(out), "%s/listen.out", r->dir);
	snprintf(log, sizeof(log), "%s/listen.log", r->dir);
	if ((pr->listener = spawn(r, TOPO_SERVER, pr->la, out, log, err)) < 0 ||
	    wait_listening(r, pr->listener, err) != 0)
		return -1;
	shift_clock(r, lab_now_ms(r));
	for (int k = 0; k < s->clients; k++) {
		memset(pr->ca, 0, sizeof(*pr->ca));
		client_args(r, k, pr->ca);
		snprintf(out, sizeof(out), "%s/client-%d.jsonl", r->dir, k + 1);
		snprintf(log, sizeof(log), "%s/client-%d.log", r->dir, k + 1);
		if ((r->sess[k].pid = spawn(r, TOPO_CLIENT, pr->ca, out, log, err)) < 0)
			return -1;
	}
	/* As in the simulator: how long a program takes to start (an ASan
	 * build: 100 ms or more) is not part of the experiment. */
	int64_t connected = s->measure ? -1 : wait_connected(r); /* measure: from its start */
	if (connected > 0)
		shift_clock(r, connected - r->t0_wall_ms);
	return 0;
}

/* Capture, sample conntrack and inject the faults until the programs have
 * ended (and a grace period passed) or the bound is reached: 0, or -1 when
 * interrupted. */
static int run_watch(struct lab_run *r, struct run_procs *pr, int64_t bound_ms)
{
	const struct scenario *s = r->s;
	int64_t last_sample_ms = -SAMPLE_EVERY_MS, both_done_ms = -1;
	bool done[SCN_MAX_FAULTS] = { 0 }, restored[SCN_MAX_FAULTS] = { 0 };
	int status;

	for (;;) {
		struct pollfd pf[3];
		int n = 0;
		for (int i = 0; i < 2; i++)
			pf[n++] =
			        (struct pollfd){ pcap_get_selectable_fd(pr->legs[i].p), POLLIN, 0 };
		if (fw_event_fd(pr->fw) >= 0)
			pf[n++] = (struct pollfd){ fw_event_fd(pr->fw), POLLIN, 0 };
		poll(pf, (nfds_t)n, 20);
		for (int i = 0; i < 2; i++)
			pcap_dispatch(pr->legs[i].p, -1, on_frame, (u_char *)&pr->legs[i]);
		fw_read_events(pr->fw);
		int64_t now_ms = lab_now_ms(r);
		if (now_ms - last_sample_ms >= SAMPLE_EVERY_MS) {
			fw_sample(pr->fw);
			last_sample_ms = now_ms;
		}
		do_faults(r, pr->fw, &pr->listener, now_ms, done, restored);
		int clients_running = 0;
		for (int k = 0; k < s->clients; k++) {
			struct lab_session *se = &r->sess[k];
			if (se->pid > 0 && waitpid(se->pid, &status, WNOHANG) == se->pid) {
				se->client_exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
				se->pid = 0;
			}
			clients_running += se->pid > 0;
		}
		if (pr->listener > 0 && waitpid(pr->listener, &status, WNOHANG) == pr->listener)
			pr->listener = 0;
		if (s->measure && clients_running == 0 && pr->listener > 0 && both_done_ms < 0)
			stop(&pr->listener, SIGTERM); /* measure is done: so is the far end */
		if (clients_running == 0 && pr->listener == 0 && both_done_ms < 0)
			both_done_ms = now_ms;
		if (both_done_ms >= 0 && now_ms - both_done_ms >= GRACE_MS)
			return 0;
		if (now_ms >= bound_ms) {
			lab_event(r, now_ms, "lab", "the run's bound (%.1f s) is reached",
			          (double)bound_ms / 1000);
			return 0;
		}
		if (*r->interrupted) {
			snprintf(r->error, sizeof(r->error), "interrupted");
			return -1;
		}
	}
}

/* Stop what still runs, then read what the programs and captures said. */
static void run_collect(struct lab_run *r, struct run_procs *pr)
{
	const struct scenario *s = r->s;

	stop(&pr->listener, SIGTERM);
	reap(&pr->listener, NULL);
	for (int k = 0; k < s->clients; k++) {
		stop(&r->sess[k].pid, SIGKILL);
		reap(&r->sess[k].pid, &r->sess[k].client_exit);
	}
	for (int i = 0; i < 2; i++)
		leg_close(&pr->legs[i]);
	for (int k = 0; k < s->clients && !s->measure; k++)
		read_client(r, k);
	if (s->measure)
		read_measure(r);
	read_server(r);
	for (int i = 0; i < 2; i++)
		analyze_leg(r, (enum scn_leg)i, pr->legs[i].path);
	lab_sort_events(r);
	lab_evaluate(r);
}

/* Everything the run made goes, whatever happened. */
static void run_teardown(struct lab_run *r, struct run_procs *pr)
{
	stop(&pr->listener, SIGKILL);
	reap(&pr->listener, NULL);
	for (int k = 0; k < r->s->clients; k++) {
		stop(&r->sess[k].pid, SIGKILL);
		reap(&r->sess[k].pid, NULL);
	}
	for (int i = 0; i < 2; i++)
		leg_close(&pr->legs[i]);
	fw_close(pr->fw);
	if (r->topo)
		topo_down(r->topo);
	free(r->topo);
	r->topo = NULL;
	free(pr->la);
	free(pr->ca);
}

int lab_run_scenario(struct lab_run *r, const struct scenario *s, const char *dir,
                     volatile int *interrupted)
{
	struct dcd_err err = { "" };
	struct run_procs pr = { 0 };
	int64_t start_ms = clock_now_ms(&clock_monotonic), bound_ms = lab_run_bound_ms(s);
	int rc = -1;

	pr.la = calloc(1, sizeof(*pr.la));
	pr.ca = calloc(1, sizeof(*pr.ca));
	if (run_init(r, s, dir, interrupted) != 0 || !pr.la || !pr.ca) {
		snprintf(r->error, sizeof(r->error), "out of memory");
	} else if (run_start(r, &pr, bound_ms, &err) != 0) {
		snprintf(r->error, sizeof(r->error), "%s", err.msg);
	} else if (run_watch(r, &pr, bound_ms) == 0) {
		/* the experiment's time, for the expectations' words too */
		r->wall_s = (double)(clock_now_ms(&clock_monotonic) - start_ms) / 1000;
		run_collect(r, &pr);
		rc = 0;
	}
	if (rc == 0) /* the experiment's time, before the namespaces go */
		r->wall_s = (double)(clock_now_ms(&clock_monotonic) - start_ms) / 1000;
	run_teardown(r, &pr);
	if (rc != 0)
		r->wall_s = (double)(clock_now_ms(&clock_monotonic) - start_ms) / 1000;
	return rc;
}
