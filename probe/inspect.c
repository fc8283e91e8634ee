/* inspect.c - `dcdlab inspect`: the live DCD state of every database
 * session on a host, from the kernel's own state, without a capture.
 *
 * One scan: inet_diag (filtered in the kernel: the ports, every state but
 * LISTEN, with TCP_INFO) lists the sockets; /proc/PID/fd links them to
 * their processes by inode, as ss -p does; each socket's settings are read
 * with getsockopt on a duplicate of its owner's descriptor (pidfd_getfd,
 * Linux 5.6+, CAP_SYS_PTRACE); model/sockdcd.c says what they mean.
 * Real sockets of other processes: run it as root to see them all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "../lib/clock.h"
#include "../lib/grow.h"
#include "../lib/log.h"
#include "../lib/numparse.h"
#include "../lib/sbuf.h"
#include "../lib/sockaddr.h"
#include "../model/firewall.h"
#include "../model/measure.h"
#include "../model/sockdcd.h"
#include "diag.h"
#include "probe.h"

/* `dcdlab help inspect` and `dcdlab inspect --help`. */
const char inspect_usage[] =
        "usage: dcdlab inspect [options]\n"
        "\n"
        "Every TCP session on the given ports (either end: the database host or an\n"
        "application server), with its owning process, its DCD settings as the socket\n"
        "has them (getsockopt on a duplicate of the owner's descriptor: run as root),\n"
        "what the kernel is doing now (keepalive probes out, retransmissions, idle\n"
        "time) and what it means: Oracle EXPIRE_TIME=n, a thin driver, the OS\n"
        "defaults or no DCD; sessions being probed and when they will be declared\n"
        "dead; with a firewall timeout, the sessions already past it.\n"
        "\n"
        "      --port LIST          ports, comma-separated (default 1521)\n"
        "      --netns NAME         inside the named network namespace\n"
        "      --fw-idle DUR        the middlebox's idle timeout, or\n"
        "      --firewall DEVICE    a device's default (dcdlab check lists them), or\n"
        "      --path FILE          a path as dcdlab measure --json saved it\n"
        "      --json               one JSON object: sessions and a summary\n"
        "      --watch DUR          refresh every DUR until Ctrl-C\n"
        "      --metrics ADDR:PORT  serve Prometheus text at /metrics (a scan per scrape)\n"
        "      --fail-on LIST       exit 1 when a session is no-dcd, past-fw-timeout or\n"
        "                           probing\n"
        "\n"
        "exit status: 0, 1 when --fail-on matched, 2 usage or bad input, 3 the kernel's\n"
        "view could not be read\n";

enum { FAIL_NO_DCD = 1, FAIL_PAST_FW = 2, FAIL_PROBING = 4 };

struct isock {
	struct diag_sample k;
	pid_t pid; /* 0: no process holds it (or it could not be seen) */
	int fd;
	char cmd[80];
	bool read;           /* settings read with getsockopt */
	bool inferred;       /* settings inferred from the kernel's timer */
	const char *why_not; /* why they were not read */
	bool on;
	struct keepalive ka;
	unsigned user_timeout_ms;
	enum sock_profile profile;
	int expire_min;
	int64_t idle_ms;    /* since any packet either way (TCP_INFO) */
	int64_t dead_in_ms; /* being probed: until the kernel gives up; -1 */
	enum fw_standing fw;
};

struct scan {
	struct isock *v;
	size_t n, cap;
	unsigned vanished; /* processes or sockets gone during the scan */
	unsigned not_read; /* settings not readable (inferred instead) */
	double seconds;
};

struct opts {
	struct diag_filter f;
	const char *netns, *metrics, *fw_label;
	int64_t fw_idle_ms, watch_ms;
	bool ka_counted, json;
	unsigned fail_on;
};

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

static void add(const struct diag_sample *k, void *arg)
{
	struct scan *s = arg;

	struct isock *v = grow(s->v, &s->cap, s->n, sizeof(*v), 1024);
	if (!v)
		abort();
	s->v = v;
	s->v[s->n++] = (struct isock){ .k = *k, .fd = -1, .dead_in_ms = -1 };
}

static int by_inode(const void *a, const void *b)
{
	uint32_t x = ((const struct isock *)a)->k.inode, y = ((const struct isock *)b)->k.inode;
	return x < y ? -1 : x > y;
}

static struct isock *find_inode(struct scan *s, uint32_t inode)
{
	struct isock key = { .k = { .inode = inode } };
	return bsearch(&key, s->v, s->n, sizeof(*s->v), by_inode);
}

static void read_cmdline(pid_t pid, char *out, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	out[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0) {
		out[0] = '\0';
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		if (out[i] == '\0' || out[i] == '\n')
			out[i] = ' ';
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Read each socket's settings through a duplicate of its descriptor. */
static void read_settings(struct scan *s, struct isock *x, int pidfd)
{
	int fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, x->fd, 0);
	int on = 0;
	socklen_t len = sizeof(int);

	if (fd < 0) {
		x->why_not = pidfd < 0        ? "no pidfd (old kernel or process gone)"
		             : errno == EPERM ? "no permission (CAP_SYS_PTRACE)"
		             : errno == EBADF ? "gone"
		                              : "pidfd_getfd failed";
		if (errno == EBADF || errno == ESRCH)
			s->vanished++;
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, &len) == 0 &&
	    getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &x->ka.idle_s, &len) == 0 &&
	    getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &x->ka.intvl_s, &len) == 0 &&
	    getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &x->ka.cnt, &len) == 0 &&
	    getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &x->user_timeout_ms, &len) == 0) {
		x->read = true;
		x->on = on;
	} else {
		x->why_not = "getsockopt failed";
	}
	close(fd);
}

/* Link sockets to processes through /proc/PID/fd (socket:[inode]). */
static void find_owners(struct scan *s)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;

	while (proc && (e = readdir(proc))) {
		char path[300], link[64];
		long pid;
		if (parse_long(e->d_name, 1, 1L << 30, &pid) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		DIR *fds = opendir(path);
		if (!fds)
			continue; /* gone, or not ours to see */
		struct dirent *f;
		int pidfd = -1;
		char cmd[80] = "";
		while ((f = readdir(fds))) {
			long fdn;
			if (parse_long(f->d_name, 0, 1L << 30, &fdn) != 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%ld/fd/%ld", pid, fdn);
			ssize_t n = readlink(path, link, sizeof(link) - 1);
			unsigned long inode;
			if (n <= 8 || strncmp(link, "socket:[", 8) != 0)
				continue;
			link[n] = '\0';
			inode = strtoul(link + 8, NULL, 10);
			struct isock *x = find_inode(s, (uint32_t)inode);
			if (!x || x->pid)
				continue;
			if (!cmd[0]) {
				read_cmdline((pid_t)pid, cmd, sizeof(cmd));
				pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
			}
			x->pid = (pid_t)pid;
			x->fd = (int)fdn;
			snprintf(x->cmd, sizeof(x->cmd), "%s", cmd);
			read_settings(s, x, pidfd);
		}
		if (pidfd >= 0)
			close(pidfd);
		closedir(fds);
	}
	if (proc)
		closedir(proc);
}

/* What the settings and the kernel's state mean. */
static void interpret(struct scan *s, struct isock *x, const struct opts *o)
{
	const struct diag_sample *k = &x->k;

	if (!x->read) {
		/* The kernel's timer says what it can: keepalive armed means
		 * SO_KEEPALIVE; with no probe out, idle = since the peer's last
		 * packet + what is left. Interval and count stay unknown. */
		s->not_read++;
		x->inferred = true;
		x->on = k->timer == DIAG_TIMER_KEEPALIVE;
		if (x->on && k->retrans == 0 && k->have_info) {
			uint32_t rx = k->last_data_recv_ms < k->last_ack_recv_ms
			                      ? k->last_data_recv_ms
			                      : k->last_ack_recv_ms;
			x->ka.idle_s = (int)((rx + k->expires_ms + 500) / 1000);
		}
	}
	x->profile = x->inferred ? (x->on ? SP_CUSTOM : SP_NONE)
	                         : sock_profile_of(x->on, &x->ka, &x->expire_min);
	if (k->have_info) {
		uint32_t a = k->last_data_recv_ms, b = k->last_ack_recv_ms,
		         c = k->last_data_sent_ms;
		uint32_t m = a < b ? a : b;
		x->idle_ms = m < c ? m : c;
	}
	if (k->timer == DIAG_TIMER_KEEPALIVE && k->retrans > 0 && x->read)
		x->dead_in_ms = keepalive_dead_in_ms(k->expires_ms, k->retrans, &x->ka);
	x->fw = fw_standing_of(x->idle_ms, o->fw_idle_ms, x->on, &x->ka, o->ka_counted);
}

static int run_scan(struct scan *s, const struct opts *o, struct diag *d, struct dcd_err *err)
{
	int64_t t0 = clock_now_ms(&clock_monotonic);

	s->n = 0;
	s->vanished = s->not_read = 0;
	if (diag_dump(d, &o->f, true, add, s, err) != 0)
		return -1;
	qsort(s->v, s->n, sizeof(*s->v), by_inode);
	find_owners(s);
	for (size_t i = 0; i < s->n; i++)
		interpret(s, &s->v[i], o);
	s->seconds = (double)(clock_now_ms(&clock_monotonic) - t0) / 1000.0;
	return 0;
}

static void endpoint(const struct diag_sample *k, bool local, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	inet_ntop(k->family, local ? k->src : k->dst, host, sizeof(host));
	snprintf(out, len, k->family == AF_INET6 ? "[%s]:%u" : "%s:%u", host,
	         local ? k->sport : k->dport);
}

static void dcd_text(const struct isock *x, char *out, size_t len)
{
	if (x->profile == SP_ORACLE)
		snprintf(out, len, "oracle EXPIRE_TIME=%d", x->expire_min);
	else if (x->profile == SP_NODE_THIN)
		snprintf(out, len, "node-thin expireTime=%d", x->expire_min);
	else
		snprintf(out, len, "%s%s", sock_profile_name(x->profile), x->inferred ? "?" : "");
}

/* What stands out about one session, in a few words. */
static void note_text(const struct isock *x, const struct opts *o, char *out, size_t len)
{
	const struct diag_sample *k = &x->k;
	char a[32], b[32];

	out[0] = '\0';
	if (x->dead_in_ms >= 0)
		snprintf(out, len, "peer silent %s, %u of %d probes unanswered: dead in %s",
		         fmt_duration_ms(x->idle_ms, a, sizeof(a)), k->retrans, x->ka.cnt,
		         fmt_duration_ms(x->dead_in_ms, b, sizeof(b)));
	else if (k->timer == DIAG_TIMER_RETRANS && k->retransmits > 0)
		snprintf(out, len, "retransmitting (%u), next in %s", k->retransmits,
		         fmt_duration_ms(k->expires_ms, a, sizeof(a)));
	else if (x->fw == FW_PAST)
		snprintf(out, len, "idle past the %s: its next call fails", o->fw_label);
	else if (x->fw == FW_KEEPALIVE_LATE)
		snprintf(out, len, "keepalive after the %s", o->fw_label);
	else if (x->inferred)
		snprintf(out, len, "settings inferred: %s", x->why_not ? x->why_not : "no process");
}

static void print_table(const struct scan *s, const struct opts *o)
{
	char l[64], p[64], dcd[48], ka[24], tm[32], idle[32], note[160], b[32];

	printf("%-22s %-22s %-10s %-28s %-22s %-10s %-16s %-8s %s\n", "LOCAL", "PEER", "STATE",
	       "PROCESS", "DCD", "KEEPALIVE", "TIMER", "IDLE", "NOTE");
	for (size_t i = 0; i < s->n; i++) {
		const struct isock *x = &s->v[i];
		char proc[40];
		endpoint(&x->k, true, l, sizeof(l));
		endpoint(&x->k, false, p, sizeof(p));
		dcd_text(x, dcd, sizeof(dcd));
		if (x->on && x->read)
			snprintf(ka, sizeof(ka), "%d/%d/%d", x->ka.idle_s, x->ka.intvl_s,
			         x->ka.cnt);
		else if (x->on && x->ka.idle_s)
			snprintf(ka, sizeof(ka), "~%d/?/?", x->ka.idle_s);
		else
			snprintf(ka, sizeof(ka), "%s", x->on ? "on" : "off");
		snprintf(tm, sizeof(tm), "%s,%s,%u", diag_timer_name(x->k.timer),
		         fmt_duration_ms(x->k.expires_ms, b, sizeof(b)), x->k.retrans);
		if (x->pid)
			snprintf(proc, sizeof(proc), "%d %.27s", (int)x->pid, x->cmd);
		else
			snprintf(proc, sizeof(proc), "-");
		note_text(x, o, note, sizeof(note));
		printf("%-22s %-22s %-10s %-28.28s %-22s %-10s %-16s %-8s %s\n", l, p,
		       diag_state_name(x->k.state), proc, dcd, ka, tm,
		       x->k.have_info ? fmt_duration_ms(x->idle_ms, idle, sizeof(idle)) : "?",
		       note);
	}
}

/* Upper bounds of the idle-time histogram, in seconds. */
static const double idle_bucket_s[] = { 10, 60, 300, 600, 1800, 3600, 7200, 14400 };
#define IDLE_BUCKETS (sizeof(idle_bucket_s) / sizeof(idle_bucket_s[0]))

struct summary {
	unsigned by_profile[SP_COUNT], probing, retransmitting, past_fw, ka_late, inferred;
	unsigned idle[IDLE_BUCKETS + 1];
	unsigned probes_out;
};

static void summarize(const struct scan *s, struct summary *u)
{
	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < s->n; i++) {
		const struct isock *x = &s->v[i];
		size_t b = 0;
		u->by_profile[x->profile]++;
		u->probing += x->dead_in_ms >= 0;
		u->probes_out += x->k.timer == DIAG_TIMER_KEEPALIVE ? x->k.retrans : 0;
		u->retransmitting += x->k.timer == DIAG_TIMER_RETRANS && x->k.retransmits > 0;
		u->past_fw += x->fw == FW_PAST;
		u->ka_late += x->fw == FW_KEEPALIVE_LATE;
		u->inferred += x->inferred;
		while (b < IDLE_BUCKETS && (double)x->idle_ms / 1000.0 >= idle_bucket_s[b])
			b++;
		u->idle[b]++;
	}
}

static void print_summary(const struct scan *s, const struct opts *o)
{
	struct summary u;

	summarize(s, &u);
	printf("\n%zu sessions:", s->n);
	for (int p = 0; p < SP_COUNT; p++)
		if (u.by_profile[p])
			printf(" %s %u,", sock_profile_name(p), u.by_profile[p]);
	printf(" being probed %u, retransmitting %u", u.probing, u.retransmitting);
	if (o->fw_idle_ms)
		printf("; past the %s: %u, keepalive after it: %u", o->fw_label, u.past_fw,
		       u.ka_late);
	printf("\nidle:");
	for (size_t b = 0; b <= IDLE_BUCKETS; b++)
		if (b < IDLE_BUCKETS)
			printf(" <%.0fs %u,", idle_bucket_s[b], u.idle[b]);
		else
			printf(" more %u", u.idle[b]);
	printf("\nscan %.3f s; settings read %zu, inferred %u; vanished during the scan %u\n",
	       s->seconds, s->n - u.inferred, u.inferred, s->vanished);
}

static void json_sessions(const struct scan *s, const struct opts *o, struct sbuf *b)
{
	char l[64], p[64], note[160];
	struct summary u;

	sbuf_printf(b, "{\"sessions\":[");
	for (size_t i = 0; i < s->n; i++) {
		const struct isock *x = &s->v[i];
		endpoint(&x->k, true, l, sizeof(l));
		endpoint(&x->k, false, p, sizeof(p));
		sbuf_printf(b, "%s{\"local\":\"%s\",\"peer\":\"%s\",\"state\":\"%s\",\"pid\":",
		            i ? "," : "", l, p, diag_state_name(x->k.state));
		if (x->pid) {
			sbuf_printf(b, "%d,\"command\":", (int)x->pid);
			sbuf_json_str(b, x->cmd);
		} else {
			sbuf_printf(b, "null,\"command\":null");
		}
		sbuf_printf(b,
		            ",\"settings\":\"%s\",\"so_keepalive\":%s,\"keepidle_s\":%d,"
		            "\"keepintvl_s\":%d,\"keepcnt\":%d,\"user_timeout_ms\":%u,\"profile\":"
		            "\"%s\"",
		            x->read ? "read" : "inferred", x->on ? "true" : "false", x->ka.idle_s,
		            x->ka.intvl_s, x->ka.cnt, x->user_timeout_ms,
		            sock_profile_name(x->profile));
		if (x->expire_min)
			sbuf_printf(b, ",\"expire_time_min\":%d", x->expire_min);
		sbuf_printf(b,
		            ",\"timer\":\"%s\",\"timer_expires_ms\":%u,\"probes_out\":%u,"
		            "\"retransmits\":%u,\"rqueue\":%u,\"wqueue\":%u",
		            diag_timer_name(x->k.timer), x->k.expires_ms,
		            x->k.timer == DIAG_TIMER_KEEPALIVE ? x->k.retrans : 0, x->k.retransmits,
		            x->k.rqueue_bytes, x->k.wqueue_bytes);
		if (x->k.have_info)
			sbuf_printf(b,
			            ",\"idle_ms\":%lld,\"last_data_sent_ms\":%u,\"last_data_recv_"
			            "ms\":%u,"
			            "\"last_ack_recv_ms\":%u",
			            (long long)x->idle_ms, x->k.last_data_sent_ms,
			            x->k.last_data_recv_ms, x->k.last_ack_recv_ms);
		if (x->dead_in_ms >= 0)
			sbuf_printf(b, ",\"dead_in_ms\":%lld", (long long)x->dead_in_ms);
		sbuf_printf(b, ",\"firewall\":\"%s\"", fw_standing_name(x->fw));
		note_text(x, o, note, sizeof(note));
		if (note[0]) {
			sbuf_printf(b, ",\"note\":");
			sbuf_json_str(b, note);
		}
		sbuf_printf(b, "}");
	}
	summarize(s, &u);
	sbuf_printf(b, "],\"summary\":{\"sessions\":%zu,\"by_profile\":{", s->n);
	for (int k = 0; k < SP_COUNT; k++)
		sbuf_printf(b, "%s\"%s\":%u", k ? "," : "", sock_profile_name(k), u.by_profile[k]);
	sbuf_printf(
	        b,
	        "},\"probing\":%u,\"probes_out\":%u,\"retransmitting\":%u,\"past_fw_timeout\":%u,"
	        "\"keepalive_late\":%u,\"inferred\":%u,\"vanished\":%u,\"scan_s\":%.3f,"
	        "\"fw_idle_s\":",
	        u.probing, u.probes_out, u.retransmitting, u.past_fw, u.ka_late, u.inferred,
	        s->vanished, s->seconds);
	if (o->fw_idle_ms)
		sbuf_printf(b, "%.3f", (double)o->fw_idle_ms / 1000);
	else
		sbuf_printf(b, "null");
	sbuf_printf(b, ",\"idle_s\":{");
	for (size_t k = 0; k <= IDLE_BUCKETS; k++) {
		if (k < IDLE_BUCKETS)
			sbuf_printf(b, "%s\"lt_%.0f\":%u", k ? "," : "", idle_bucket_s[k],
			            u.idle[k]);
		else
			sbuf_printf(b, ",\"more\":%u", u.idle[k]);
	}
	sbuf_printf(b, "}}}\n");
}

static void metrics_text(const struct scan *s, const struct opts *o, struct sbuf *b)
{
	struct summary u;
	unsigned cum = 0;

	summarize(s, &u);
	sbuf_printf(b, "# HELP dcdlab_inspect_sessions TCP sessions on the watched ports, by DCD "
	               "profile.\n# TYPE dcdlab_inspect_sessions gauge\n");
	for (int p = 0; p < SP_COUNT; p++)
		sbuf_printf(b, "dcdlab_inspect_sessions{profile=\"%s\"} %u\n", sock_profile_name(p),
		            u.by_profile[p]);
	sbuf_printf(b, "# HELP dcdlab_inspect_idle_seconds Time since a session's last packet.\n"
	               "# TYPE dcdlab_inspect_idle_seconds histogram\n");
	for (size_t k = 0; k < IDLE_BUCKETS; k++) {
		cum += u.idle[k];
		sbuf_printf(b, "dcdlab_inspect_idle_seconds_bucket{le=\"%.0f\"} %u\n",
		            idle_bucket_s[k], cum);
	}
	sbuf_printf(b, "dcdlab_inspect_idle_seconds_bucket{le=\"+Inf\"} %zu\n", s->n);
	sbuf_printf(b, "dcdlab_inspect_idle_seconds_count %zu\n", s->n);
	sbuf_printf(
	        b,
	        "# HELP dcdlab_inspect_probing_sessions Sessions whose peer is being probed.\n"
	        "# TYPE dcdlab_inspect_probing_sessions gauge\n"
	        "dcdlab_inspect_probing_sessions %u\n"
	        "# HELP dcdlab_inspect_probes_outstanding Keepalive probes sent and unanswered.\n"
	        "# TYPE dcdlab_inspect_probes_outstanding gauge\n"
	        "dcdlab_inspect_probes_outstanding %u\n"
	        "# HELP dcdlab_inspect_past_fw_timeout_sessions Sessions idle past the "
	        "firewall's timeout with nothing that kept them.\n"
	        "# TYPE dcdlab_inspect_past_fw_timeout_sessions gauge\n"
	        "dcdlab_inspect_past_fw_timeout_sessions %u\n"
	        "# HELP dcdlab_inspect_scan_seconds How long the last scan took.\n"
	        "# TYPE dcdlab_inspect_scan_seconds gauge\n"
	        "dcdlab_inspect_scan_seconds %.6f\n",
	        u.probing, u.probes_out, o->fw_idle_ms ? u.past_fw : 0, s->seconds);
}

/* Exit status for --fail-on. */
static int failed(const struct scan *s, unsigned fail_on)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct isock *x = &s->v[i];
		if (((fail_on & FAIL_NO_DCD) && !x->on) ||
		    ((fail_on & FAIL_PAST_FW) && x->fw == FW_PAST) ||
		    ((fail_on & FAIL_PROBING) && x->dead_in_ms >= 0))
			return 1;
	}
	return 0;
}

struct exporter {
	struct scan scan;
	const struct opts *o;
	struct diag *d;
};

static void on_metrics(struct evhttp_request *req, void *arg)
{
	struct exporter *sv = arg;
	struct dcd_err err = { "" };
	struct sbuf b = { 0 };
	struct evbuffer *out = evbuffer_new();

	if (run_scan(&sv->scan, sv->o, sv->d, &err) != 0) {
		log_warn("%s", err.msg);
		evhttp_send_error(req, 500, err.msg);
	} else {
		metrics_text(&sv->scan, sv->o, &b);
		evbuffer_add(out, b.buf, b.len);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
		                  "text/plain; version=0.0.4");
		evhttp_send_reply(req, 200, "OK", out);
	}
	sbuf_free(&b);
	evbuffer_free(out);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static int serve_metrics(const struct opts *o, struct diag *d)
{
	struct exporter sv = { .o = o, .d = d };
	struct sockaddr_storage ss;
	struct dcd_err err = { "" };
	char host[INET6_ADDRSTRLEN];
	int sslen, rc = 3;

	if (parse_hostport(o->metrics, &ss, &sslen, &err) != 0) {
		log_error("--metrics: %s", err.msg);
		return 2;
	}
	uint16_t port = sockaddr_split((struct sockaddr *)&ss, host, sizeof(host));
	struct event_base *base = event_base_new();
	struct evhttp *http = base ? evhttp_new(base) : NULL;
	struct event *si = base ? evsignal_new(base, SIGINT, on_stop, base) : NULL;
	struct event *st = base ? evsignal_new(base, SIGTERM, on_stop, base) : NULL;
	if (!http || !si || !st || evhttp_bind_socket(http, host, port) != 0) {
		log_error("--metrics %s: cannot serve there", o->metrics);
	} else {
		evsignal_add(si, NULL);
		evsignal_add(st, NULL);
		evhttp_set_cb(http, "/metrics", on_metrics, &sv);
		log_info("serving /metrics on %s", o->metrics);
		event_base_dispatch(base);
		rc = 0;
	}
	if (si)
		event_free(si);
	if (st)
		event_free(st);
	if (http)
		evhttp_free(http);
	if (base)
		event_base_free(base);
	free(sv.scan.v);
	return rc;
}

enum {
	OPT_PORT = 256,
	OPT_NETNS,
	OPT_FW_IDLE,
	OPT_FIREWALL,
	OPT_PATH,
	OPT_JSON,
	OPT_WATCH,
	OPT_METRICS,
	OPT_FAIL_ON,
};

static const struct option longopts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "fw-idle", required_argument, NULL, OPT_FW_IDLE },
	{ "firewall", required_argument, NULL, OPT_FIREWALL },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "watch", required_argument, NULL, OPT_WATCH },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_ports(const char *list, struct diag_filter *f)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	f->n_ports = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		long p;
		if (f->n_ports == DIAG_MAX_PORTS || parse_long(t, 1, 65535, &p) != 0) {
			log_error(
			        "--port \"%s\": expected up to %d ports (1-65535), comma-separated",
			        list, DIAG_MAX_PORTS);
			return -1;
		}
		f->ports[f->n_ports++] = (uint16_t)p;
	}
	if (f->n_ports == 0) {
		log_error("--port \"%s\": expected a port", list);
		return -1;
	}
	return 0;
}

static int parse_fail_on(const char *list, unsigned *out)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "no-dcd") == 0)
			*out |= FAIL_NO_DCD;
		else if (strcmp(t, "past-fw-timeout") == 0)
			*out |= FAIL_PAST_FW;
		else if (strcmp(t, "probing") == 0)
			*out |= FAIL_PROBING;
		else {
			log_error("--fail-on \"%s\": expected no-dcd, past-fw-timeout or probing",
			          t);
			return -1;
		}
	}
	return 0;
}

/* The options into o: 0, -1 after --help, or 2. */
static int parse_args(int argc, char **argv, struct opts *o, char *label, size_t label_len)
{
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		struct dcd_err err = { "" };
		switch (opt) {
		case OPT_PORT:
			if (parse_ports(optarg, &o->f) != 0)
				return 2;
			break;
		case OPT_NETNS: o->netns = optarg; break;
		case OPT_FW_IDLE:
			if (parse_duration_ms(optarg, 1000, &o->fw_idle_ms) != 0 ||
			    o->fw_idle_ms < 1000) {
				log_error("--fw-idle \"%s\": expected a duration of 1s or more",
				          optarg);
				return 2;
			}
			snprintf(label, label_len, "firewall's %s", optarg);
			break;
		case OPT_FIREWALL: {
			const struct fw_device *dev = NULL;
			for (size_t i = 0; i < fw_device_count; i++)
				if (strcmp(optarg, fw_devices[i].name) == 0)
					dev = &fw_devices[i];
			if (!dev) {
				log_error("--firewall \"%s\": not a known device (dcdlab help "
				          "check lists "
				          "them)",
				          optarg);
				return 2;
			}
			o->fw_idle_ms = (int64_t)dev->idle_timeout_s * 1000;
			snprintf(label, label_len, "%s's %us", dev->label, dev->idle_timeout_s);
			break;
		}
		case OPT_PATH: {
			struct measured_path p;
			if (measured_path_load(optarg, &p, &err) != 0) {
				log_error("--path: %s", err.msg);
				return 2;
			}
			o->fw_idle_ms = p.idle_ms;
			o->ka_counted = p.keepalives_counted;
			snprintf(label, label_len, "measured path's %.1fs",
			         (double)p.idle_ms / 1000);
			break;
		}
		case OPT_JSON: o->json = true; break;
		case OPT_WATCH:
			if (parse_duration_ms(optarg, 1000, &o->watch_ms) != 0 ||
			    o->watch_ms < 100) {
				log_error("--watch \"%s\": expected a duration of 100ms or more",
				          optarg);
				return 2;
			}
			break;
		case OPT_METRICS: o->metrics = optarg; break;
		case OPT_FAIL_ON:
			if (parse_fail_on(optarg, &o->fail_on) != 0)
				return 2;
			break;
		case 'h': fputs(inspect_usage, stdout); return -1;
		default: return 2;
		}
	}
	if (optind != argc) {
		log_error("unexpected argument \"%s\"", argv[optind]);
		return 2;
	}
	return 0;
}

/* Into the named namespace (as ip netns exec does): 0, or 2 said. */
static int enter_netns(const char *name)
{
	char path[300];
	int fd;

	if (strchr(name, '/') || !name[0]) {
		log_error("--netns \"%s\": expected a name from ip netns list", name);
		return 2;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_error("--netns %s: %s (%s)", name,
		          errno == ENOENT ? "no such network namespace" : strerror(errno), path);
		return 2;
	}
	if (setns(fd, CLONE_NEWNET) != 0) {
		log_error("--netns %s: setns: %s (needs CAP_SYS_ADMIN)", name, strerror(errno));
		close(fd);
		return 2;
	}
	close(fd);
	return 0;
}

int cmd_inspect(int argc, char **argv)
{
	/* Sessions, not what is left of them: no LISTEN, no TIME-WAIT. */
	struct opts o = { .f = { .ports = { 1521 },
		                 .n_ports = 1,
		                 .either_end = true,
		                 .states = (1u << TCP_ESTABLISHED) | (1u << TCP_SYN_SENT) |
		                           (1u << TCP_SYN_RECV) | (1u << TCP_FIN_WAIT1) |
		                           (1u << TCP_FIN_WAIT2) | (1u << TCP_CLOSE_WAIT) |
		                           (1u << TCP_LAST_ACK) | (1u << TCP_CLOSING) },
		          .ka_counted = true };
	char label[96] = "firewall's timeout";
	struct dcd_err err = { "" };
	struct scan s = { 0 };
	int rc;

	if ((rc = parse_args(argc, argv, &o, label, sizeof(label))) != 0)
		return rc < 0 ? 0 : rc;
	o.f.either_end = true;
	o.fw_label = label;
	if (o.netns && enter_netns(o.netns) != 0)
		return 2;
	struct diag *d = diag_open(&err);
	if (!d) {
		log_error("%s", err.msg);
		return 3;
	}
	if (o.metrics) {
		rc = serve_metrics(&o, d);
		diag_close(d);
		return rc;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	do {
		if (run_scan(&s, &o, d, &err) != 0) {
			log_error("%s", err.msg);
			rc = 3;
			break;
		}
		struct sbuf b = { 0 };
		if (o.watch_ms && !o.json && isatty(1)) /* refresh in place on a terminal */
			printf("\033[H\033[J");
		if (o.json) {
			json_sessions(&s, &o, &b);
			fputs(b.buf, stdout);
		} else {
			print_table(&s, &o);
			print_summary(&s, &o);
		}
		sbuf_free(&b);
		fflush(stdout);
		rc = failed(&s, o.fail_on);
		for (int64_t t = 0; o.watch_ms && t < o.watch_ms && !stop_now; t += 100)
			usleep(100000);
	} while (o.watch_ms && !stop_now);
	free(s.v);
	diag_close(d);
	return rc;
}
