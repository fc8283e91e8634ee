/* cmd_analyze.c - `dcdlab analyze`: read a capture (file, stdin or live),
 * run every TCP segment through the analyzer, print a verdict per flow and
 * a summary: table for people, JSON lines for tools, exit status for CI. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "../lib/clock.h"
#include "../lib/fmtnum.h"
#include "../lib/log.h"
#include "../lib/numparse.h"
#include "../model/dbend.h"
#include "analyze_html.h"
#include "../lib/sbuf.h"
#include "../model/firewall.h"
#include "analyze.h"
#include "capture.h"
#include "decode.h"
#include "pcapfile.h"
#include "timeline.h"

/* `dcdlab help analyze` and `dcdlab analyze --help`. */
const char analyze_usage[] =
        "usage: dcdlab analyze [options] FILE|-\n"
        "       dcdlab analyze -i IFACE [-f FILTER] [-Z USER] [options]\n"
        "\n"
        "Reads a pcap or pcapng capture (or - for stdin, or a live interface) in "
        "one\n"
        "pass and tells, per TCP flow, whether DCD is working: keepalive probes "
        "and\n"
        "ACKs per side, the keepalive settings they imply and the profile they "
        "match\n"
        "(Oracle EXPIRE_TIME=n, Linux defaults, Windows, custom), legacy NS "
        "probes, idle\n"
        "gaps, and a verdict: alive, closed, dead-peer, firewall-drop or unknown, "
        "with\n"
        "the packets that show it. Across flows: the middlebox idle timeout "
        "bracket.\n"
        "\n"
        "      --json                  JSON lines: one object per flow, then a "
        "summary\n"
        "      --flow ID|ADDR:PORT     one flow's timeline\n"
        "      --svg FILE              draw that flow's ladder diagram (with --flow)\n"
        "      --html FILE             one self-contained page: summary, verdicts, the\n"
        "                              idle gaps against the timeout bracket, a sortable\n"
        "                              table of flows, the ladder of each flow not alive\n"
        "      --fw-timeout DUR        mark a firewall idle timeout in the SVG\n"
        "      --fail-on LIST          exit 1 if any flow has one of these "
        "verdicts\n"
        "                              (e.g. dead-peer,firewall-drop)\n"
        "      --packets               list each classified packet: NUMBER CLASS\n"
        "  -i, --interface IFACE       capture live (until Ctrl-C, -c or "
        "--duration)\n"
        "  -f, --filter EXPR           BPF filter for -i (default \"tcp port "
        "1521\")\n"
        "  -Z, --user USER             drop root privileges after opening IFACE\n"
        "  -c, --count N               stop after N packets\n"
        "      --duration DUR          stop after DUR of capture time\n"
        "\n"
        "exit status: 0 ok, 1 --fail-on matched, 2 usage, 3 unreadable or "
        "truncated\n"
        "input (what was read is still reported)\n";

/* Exit codes. */
enum { AN_OK = 0, AN_FAIL_ON = 1, AN_USAGE = 2, AN_INPUT = 3 };

struct an_ctx {
	bool json;
	bool list_packets;
	const char *flow_sel; /* --flow: id or ADDR:PORT */
	uint32_t flow_id;     /* resolved id of the selected flow */
	const char *svg_path;
	const char *html_path; /* --html */
	struct an_html *html;
	double fw_timeout_s;
	unsigned fail_on; /* bit per verdict */
	unsigned failed;  /* flows whose verdict is in fail_on */
	unsigned rows;
	struct timeline tl;
	struct flow_report sel_report;
	bool sel_done;
	FILE *out;
	struct analyzer *an;
	uint64_t t0_us; /* the capture's first packet */
};

static volatile sig_atomic_t stop_live;

static void on_sigint(int sig)
{
	(void)sig;
	stop_live = 1;
}

static bool selected(struct an_ctx *c, const struct flow_report *r)
{
	if (c->flow_sel == NULL)
		return true;
	if (c->flow_id)
		return r->id == c->flow_id;
	return strcmp(r->client.addr, c->flow_sel) == 0 || strcmp(r->server.addr, c->flow_sel) == 0;
}

/* ,"key":value, or ,"key":null when the value is unknown (negative). */
static void json_seconds(struct sbuf *sb, const char *key, double v)
{
	if (v >= 0)
		sbuf_printf(sb, ",\"%s\":%.3f", key, v);
	else
		sbuf_printf(sb, ",\"%s\":null", key);
}

static void json_count(struct sbuf *sb, const char *key, int v)
{
	if (v >= 0)
		sbuf_printf(sb, ",\"%s\":%d", key, v);
	else
		sbuf_printf(sb, ",\"%s\":null", key);
}

static void json_side(struct sbuf *sb, const struct side_report *s)
{
	sbuf_printf(sb, "{\"addr\":");
	sbuf_json_str(sb, s->addr);
	sbuf_printf(sb,
	            ",\"packets\":%u,\"probes\":%u,\"acks\":%u,\"zero_window_probes\":%u,"
	            "\"ns_probes\":%u,\"retransmissions\":%u",
	            s->packets, s->probes, s->probe_acks, s->zero_window_probes, s->ns_probes,
	            s->retransmissions);
	json_seconds(sb, "idle_s", s->idle_s);
	json_seconds(sb, "interval_s", s->interval_s);
	json_seconds(sb, "data_to_probe_s", s->data_to_probe_s);
	json_count(sb, "count", s->count);
	sbuf_printf(sb, ",\"profile\":\"%s\"", s->profile);
	json_count(sb, "expire_time_min", s->expire_time_min);
	sbuf_add(sb, "}", 1);
}

/* The side that probed most speaks for the flow's keepalive. */
static const struct side_report *prober(const struct flow_report *r)
{
	return r->server.probes >= r->client.probes ? &r->server : &r->client;
}

static void print_json(struct an_ctx *c, const struct flow_report *r)
{
	struct sbuf sb = { 0 };
	const struct side_report *p = prober(r);

	sbuf_printf(&sb, "{\"type\":\"flow\",\"flow\":%u,\"client\":", r->id);
	sbuf_json_str(&sb, r->client.addr);
	sbuf_printf(&sb, ",\"server\":");
	sbuf_json_str(&sb, r->server.addr);
	sbuf_printf(&sb, ",\"first_s\":%.6f,\"last_s\":%.6f,\"packets\":%u,\"verdict\":\"%s\"",
	            r->first_s, r->last_s, r->packets, verdict_name(r->verdict));
	if (r->detect_s >= 0)
		sbuf_printf(&sb, ",\"detect_s\":%.3f", r->detect_s);
	if (r->drop_gap_s >= 0)
		sbuf_printf(&sb, ",\"drop_gap_s\":%.3f", r->drop_gap_s);
	if (r->server_idle_s >= 0)
		sbuf_printf(&sb, ",\"server_idle_s\":%.3f", r->server_idle_s);
	if (r->server_ora > 0)
		sbuf_printf(&sb, ",\"server_ora\":\"ORA-%05d\"", r->server_ora);
	else if (r->server_ora < 0)
		sbuf_printf(&sb, ",\"server_ora\":\"ORA-\"");
	sbuf_printf(&sb, ",\"evidence\":[");
	for (int i = 0; i < r->n_evidence; i++) {
		if (r->evidence[i].pkt)
			sbuf_printf(&sb, "%s{\"pkt\":%u", i ? "," : "", r->evidence[i].pkt);
		else
			sbuf_printf(&sb, "%s{\"pkt\":null", i ? "," : "");
		sbuf_printf(&sb, ",\"t_s\":%.6f,\"what\":", r->evidence[i].t_s);
		sbuf_json_str(&sb, r->evidence[i].what);
		sbuf_add(&sb, "}", 1);
	}
	sbuf_printf(&sb, "],\"keepalive\":{\"probes\":%u,\"acks\":%u,\"client\":",
	            r->client.probes + r->server.probes,
	            r->client.probe_acks + r->server.probe_acks);
	json_side(&sb, &r->client);
	sbuf_printf(&sb, ",\"server\":");
	json_side(&sb, &r->server);
	sbuf_printf(&sb, ",\"prober\":\"%s\"",
	            p->probes ? (p == &r->server ? "server" : "client") : "none");
	json_seconds(&sb, "idle_s", p->idle_s);
	json_seconds(&sb, "interval_s", p->interval_s);
	json_count(&sb, "count", p->count);
	sbuf_printf(&sb, ",\"profile\":\"%s\"", p->profile);
	json_count(&sb, "expire_time_min", p->expire_time_min);
	sbuf_add(&sb, "}", 1);
	sbuf_printf(&sb, ",\"idle_max_s\":%.3f,\"ns_probes\":%u", r->idle_max_s,
	            r->client.ns_probes + r->server.ns_probes);
	sbuf_printf(&sb, ",\"capture\":{\"not_captured\":%u,\"not_captured_pkts\":[",
	            r->not_captured);
	for (int i = 0; i < r->n_loss_pkt; i++)
		sbuf_printf(&sb, "%s%u", i ? "," : "", r->loss_pkt[i]);
	sbuf_printf(&sb, "],\"duplicates\":%u,\"reordered\":%u}}\n", r->duplicates, r->reordered);
	fputs(sb.buf, c->out);
	sbuf_free(&sb);
}

/* A keepalive setting as the table shows it: "600s", or "?" unknown (< 0). */
static void fb_secs(struct fmtbuf *b, double s)
{
	if (s < 0) {
		fb_str(b, "?");
		return;
	}
	fb_fixed(b, s, 0);
	fb_str(b, "s");
}

/* One line per flow, written without printf: a capture of millions of
 * flows prints millions of these (the same text as the format in the
 * header line would give). */
static void print_row(struct an_ctx *c, const struct flow_report *r)
{
	const struct side_report *p = prober(r);
	char ka_buf[96] = "-", detail_buf[160] = "", line[512];
	struct fmtbuf ka = { ka_buf, sizeof(ka_buf), 1 },
	              detail = { detail_buf, sizeof(detail_buf), 0 };

	if (c->rows++ == 0)
		fprintf(c->out, "%6s  %-24s %-24s %7s  %-13s  %-30s  %s\n", "flow", "client",
		        "server", "packets", "verdict", "keepalive (prober: idle/intvl/cnt)",
		        "detail");
	if (p->probes) {
		ka.len = 0;
		fb_str(&ka, p == &r->server ? "srv " : "cli ");
		fb_u(&ka, p->probes);
		fb_str(&ka, ": ");
		fb_secs(&ka, p->idle_s);
		fb_str(&ka, "/");
		fb_secs(&ka, p->interval_s);
		fb_str(&ka, "/");
		if (p->count >= 0)
			fb_u(&ka, (uint32_t)p->count);
		else
			fb_str(&ka, "?");
		fb_str(&ka, " ");
		fb_str(&ka, p->profile);
		if (p->expire_time_min >= 0) {
			char et[16];
			snprintf(et, sizeof(et), "=%d", p->expire_time_min);
			fb_str(&ka, et);
		}
	} else if (r->client.ns_probes + r->server.ns_probes) {
		ka.len = 0;
		fb_str(&ka, "NS probes: ");
		fb_u(&ka, r->client.ns_probes + r->server.ns_probes);
	}
	if (r->verdict == VERDICT_DEAD_PEER && r->detect_s >= 0) {
		fb_str(&detail, "found ");
		fb_fixed(&detail, r->detect_s, 2);
		fb_str(&detail, " s after the peer's last packet");
	} else if (r->verdict == VERDICT_FIREWALL_DROP && r->drop_gap_s >= 0) {
		fb_str(&detail, "dropped after ");
		fb_fixed(&detail, r->drop_gap_s, 1);
		fb_str(&detail, " s idle");
	} else if (r->verdict == VERDICT_SERVER_ENDED && r->server_ora > 0) {
		snprintf(detail_buf, sizeof(detail_buf),
		         "the server answered ORA-%05d (%s), then closed", r->server_ora,
		         ora_text(r->server_ora));
		detail.len = strlen(detail_buf);
	} else if (r->verdict == VERDICT_SERVER_ENDED && r->server_idle_s >= 0) {
		fb_str(&detail, "the server closed after ");
		fb_fixed(&detail, r->server_idle_s, 1);
		fb_str(&detail, " s idle");
	} else if (r->n_evidence) {
		fb_str(&detail, r->evidence[0].what);
	} else {
		fb_str(&detail, "longest idle ");
		fb_fixed(&detail, r->idle_max_s, 1);
		fb_str(&detail, " s");
	}
	if (r->not_captured) {
		fb_str(&detail, "; ");
		fb_u(&detail, r->not_captured);
		fb_str(&detail, r->not_captured == 1 ? " segment not captured (pkt "
		                                     : " segments not captured (pkt ");
		fb_u(&detail, r->loss_pkt[0]);
		fb_str(&detail, r->not_captured > 1 ? ", ...)" : ")");
	}
	/* "%6u  %-24s %-24s %7u  %-13s  %-30s  %s\n" */
	char num[12], *w = line;
	w = fmt_right(w, num, fmt_u(num, r->id), 6);
	w = fmt_pad(w, "  ", 2, 0);
	w = fmt_pad(w, r->client.addr, strlen(r->client.addr), 24);
	*w++ = ' ';
	w = fmt_pad(w, r->server.addr, strlen(r->server.addr), 24);
	*w++ = ' ';
	w = fmt_right(w, num, fmt_u(num, r->packets), 7);
	w = fmt_pad(w, "  ", 2, 0);
	const char *v = verdict_name(r->verdict);
	w = fmt_pad(w, v, strlen(v), 13);
	w = fmt_pad(w, "  ", 2, 0);
	w = fmt_pad(w, ka_buf, ka.len, 30);
	w = fmt_pad(w, "  ", 2, 0);
	w = fmt_pad(w, detail_buf, detail.len, 0);
	*w++ = '\n';
	fwrite(line, 1, (size_t)(w - line), c->out);
}

static void on_report(const struct flow_report *r, void *arg)
{
	struct an_ctx *c = arg;

	if (c->fail_on & (1u << r->verdict))
		c->failed++;
	if (c->html)
		an_html_flow(c->html, r);
	if (!selected(c, r))
		return;
	if (c->flow_sel) {
		if (!c->sel_done) {
			c->sel_report = *r;
			c->sel_done = true;
		}
		return;
	}
	if (c->json)
		print_json(c, r);
	else
		print_row(c, r);
}

static void on_pkt(uint32_t pkt, enum pkt_class cls, void *arg)
{
	struct an_ctx *c = arg;

	if (c->list_packets)
		fprintf(c->out, "%u %s\n", pkt, pkt_class_name(cls));
	if (c->flow_sel)
		timeline_mark(&c->tl, pkt, cls);
}

/* What the capture itself missed or doubled, as Wireshark would flag it
 * ("previous segment not captured", "ACKed segment that wasn't captured"):
 * capture artefacts, not events on the path. */
static void print_capture_quality(struct an_ctx *c, const struct summary *s)
{
	if (s->kernel_drops > 0)
		fprintf(c->out, "capture: %lld packets dropped by the kernel (pcap_stats)\n",
		        (long long)s->kernel_drops);
	if (s->not_captured)
		fprintf(c->out,
		        "capture loss: %llu segments not captured in %llu flows (%.2f%% of TCP "
		        "packets)%s\n",
		        (unsigned long long)s->not_captured, (unsigned long long)s->flows_with_loss,
		        s->tcp_packets ? 100.0 * (double)s->not_captured / (double)s->tcp_packets
		                       : 0,
		        (double)s->not_captured > CAPTURE_LOSS_UNCERTAIN * (double)s->tcp_packets
		                ? "; with this much loss the verdicts are less certain"
		                : "");
	if (s->duplicates)
		fprintf(c->out, "capture: %llu packets seen twice (ignored)\n",
		        (unsigned long long)s->duplicates);
	if (s->reordered)
		fprintf(c->out, "capture: %llu segments seen out of order\n",
		        (unsigned long long)s->reordered);
}

static void print_summary(struct an_ctx *c, const struct summary *s)
{
	double lo = s->longest_survived_gap_s, hi = s->shortest_drop_gap_s;

	if (c->json) {
		struct sbuf sb = { 0 };
		sbuf_printf(&sb,
		            "{\"type\":\"summary\",\"packets\":%llu,\"tcp_packets\":%llu,\"flows\":"
		            "%llu,"
		            "\"verdicts\":{",
		            (unsigned long long)s->packets, (unsigned long long)s->tcp_packets,
		            (unsigned long long)s->flows);
		for (int v = 0; v < VERDICT_COUNT; v++)
			sbuf_printf(&sb, "%s\"%s\":%llu", v ? "," : "",
			            verdict_name((enum verdict)v),
			            (unsigned long long)s->by_verdict[v]);
		sbuf_printf(&sb, "},\"skipped\":{");
		for (int k = 1, first = 1; k < 8; k++)
			if (s->skipped[k]) {
				sbuf_printf(&sb, "%s\"%s\":%llu", first ? "" : ",",
				            decode_result_name((enum decode_result)k),
				            (unsigned long long)s->skipped[k]);
				first = 0;
			}
		sbuf_printf(&sb, "},\"idle_timeout_bracket_s\":[");
		if (lo >= 0)
			sbuf_printf(&sb, "%.3f,", lo);
		else
			sbuf_printf(&sb, "null,");
		if (hi >= 0)
			sbuf_printf(&sb, "%.3f]", hi);
		else
			sbuf_printf(&sb, "null]");
		sbuf_printf(&sb, ",\"devices_in_bracket\":[");
		for (size_t i = 0, first = 1; i < fw_device_count; i++) {
			double t = fw_devices[i].idle_timeout_s;
			if (hi >= 0 && (lo < 0 || t > lo) && t <= hi) {
				sbuf_printf(&sb, "%s\"%s\"", first ? "" : ",", fw_devices[i].name);
				first = 0;
			}
		}
		sbuf_printf(&sb, "],\"idle_gaps\":{");
		/* Buckets are named by their upper bound; the last holds the
		 * rest (a day or more). */
		for (int b = 0; b < GAP_BUCKETS; b++)
			sbuf_printf(&sb, "%s\"%s_%gs\":%llu", b ? "," : "",
			            b < GAP_BUCKETS - 1 ? "lt" : "ge",
			            gap_bucket_s[b < GAP_BUCKETS - 1 ? b : b - 1],
			            (unsigned long long)s->gaps[b]);
		sbuf_printf(&sb, "},\"max_open_flows\":%u,\"duration_s\":%.3f", s->max_open_flows,
		            s->duration_s);
		if (s->server_idle_flows)
			sbuf_printf(&sb, ",\"server_idle_limit\":{\"idle_s\":%.3f,\"flows\":%llu}",
			            s->server_idle_s, (unsigned long long)s->server_idle_flows);
		else
			sbuf_printf(&sb, ",\"server_idle_limit\":null");
		sbuf_printf(&sb,
		            ",\"capture\":{\"segments_not_captured\":%llu,\"flows_with_loss\":%llu,"
		            "\"duplicates\":%llu,\"reordered\":%llu,\"kernel_drops\":",
		            (unsigned long long)s->not_captured,
		            (unsigned long long)s->flows_with_loss,
		            (unsigned long long)s->duplicates, (unsigned long long)s->reordered);
		if (s->kernel_drops >= 0)
			sbuf_printf(&sb, "%lld}}\n", (long long)s->kernel_drops);
		else
			sbuf_printf(&sb, "null}}\n");
		fputs(sb.buf, c->out);
		sbuf_free(&sb);
		return;
	}
	fprintf(c->out,
	        "\n%llu packets (%llu TCP), %llu flows in %.1f s:", (unsigned long long)s->packets,
	        (unsigned long long)s->tcp_packets, (unsigned long long)s->flows, s->duration_s);
	for (int v = 0; v < VERDICT_COUNT; v++)
		if (s->by_verdict[v])
			fprintf(c->out, " %llu %s", (unsigned long long)s->by_verdict[v],
			        verdict_name((enum verdict)v));
	fputc('\n', c->out);
	print_capture_quality(c, s);
	if (s->server_idle_flows) {
		char b[32];
		fprintf(c->out,
		        "the server ends sessions after %s idle (%llu flows): a server idle limit "
		        "(MAX_IDLE_TIME), not a firewall\n",
		        fmt_approx_ms((int64_t)(s->server_idle_s * 1000 + 0.5), b, sizeof(b)),
		        (unsigned long long)s->server_idle_flows);
	}
	if (lo >= 0 || hi >= 0) {
		fprintf(c->out, "middlebox idle timeout: ");
		if (lo >= 0)
			fprintf(c->out, "longer than %.1f s (an idle gap that survived)", lo);
		if (lo >= 0 && hi >= 0)
			fprintf(c->out, ", ");
		if (hi >= 0)
			fprintf(c->out, "at most %.1f s (the shortest gap followed by a drop)", hi);
		else
			fprintf(c->out, "; no flow was dropped");
		fputc('\n', c->out);
		/* Devices are worth naming once a drop bounds the timeout. */
		for (size_t i = 0; hi >= 0 && i < fw_device_count; i++) {
			double t = fw_devices[i].idle_timeout_s;
			if ((lo < 0 || t > lo) && t <= hi)
				fprintf(c->out, "  fits: %s (default %u s, %s)\n",
				        fw_devices[i].label, fw_devices[i].idle_timeout_s,
				        fw_expiry_name(fw_devices[i].expiry));
		}
	}
}

static int parse_fail_on(const char *s, unsigned *mask)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int v = verdict_parse(t);
		if (v < 0) {
			log_error("--fail-on \"%s\": expected verdicts among alive, closed, "
			          "dead-peer, firewall-drop, server-ended, unknown",
			          t);
			return -1;
		}
		*mask |= 1u << v;
	}
	return 0;
}

static int drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		log_error("-Z %s: no such user", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		log_error("-Z %s: cannot drop privileges: %s", user, strerror(errno));
		return -1;
	}
	return 0;
}

static pcap_t *open_live(const char *iface, const char *filter, const char *user, int snaplen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p = pcap_create(iface, errbuf);

	if (p == NULL) {
		log_error("-i %s: %s", iface, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, snaplen);
	pcap_set_timeout(p, 200);
	pcap_set_immediate_mode(p, 1);
	if (pcap_activate(p) < 0) {
		log_error("-i %s: %s", iface, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		log_error("filter \"%s\": %s", filter, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		log_error("filter \"%s\": %s", filter, pcap_geterr(p));
		pcap_freecode(&prog);
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(p, 1, errbuf) != 0) {
		log_error("-i %s: %s", iface, errbuf);
		pcap_close(p);
		return NULL;
	}
	/* Like tcpdump -Z: the device is open, the rest needs no root. */
	if (user && getuid() == 0 && drop_privileges(user) != 0) {
		pcap_close(p);
		return NULL;
	}
	return p;
}

static void format_endpoint(const struct tcp_pkt *tp, bool src, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	inet_ntop(tp->family == 4 ? AF_INET : AF_INET6, src ? tp->src : tp->dst, host,
	          sizeof(host));
	snprintf(buf, len, tp->family == 4 ? "%s:%u" : "[%s]:%u", host,
	         src ? tp->sport : tp->dport);
}

/* --flow: keep this packet in the timeline if it belongs to the flow. */
static void timeline_packet(struct an_ctx *c, const struct an_packet *it, bool before)
{
	const struct tcp_pkt *tp = &it->tp;

	if (before) { /* added first, so on_pkt can mark it */
		struct tl_entry e = { .pkt = it->pktno,
			              .flags = tp->flags,
			              .seq = tp->seq,
			              .ack = tp->ack,
			              .len = tp->payload_len,
			              .win = tp->win };
		e.t_s = (double)(it->ts_us - c->t0_us) / 1e6;
		timeline_add(&c->tl, &e);
		return;
	}
	if (c->tl.n == 0 || c->tl.e[c->tl.n - 1].pkt != it->pktno)
		return; /* the timeline is full */
	bool from_client;
	uint32_t fid = analyzer_last_flow(c->an, &from_client);
	bool keep = c->flow_id && fid == c->flow_id;
	if (!c->flow_id) { /* select by address: either endpoint */
		char s1[64], s2[64];
		format_endpoint(tp, true, s1, sizeof(s1));
		format_endpoint(tp, false, s2, sizeof(s2));
		if (strcmp(s1, c->flow_sel) == 0 || strcmp(s2, c->flow_sel) == 0) {
			keep = true;
			c->flow_id = fid;
		}
	}
	if (keep)
		c->tl.e[c->tl.n - 1].from_client = from_client;
	else
		c->tl.n--;
}

static void process_packet(struct an_ctx *c, const struct an_packet *pk)
{
	if (pk->dr != DECODE_TCP) {
		analyzer_skip(c->an, pk->dr);
		return;
	}
	if (c->flow_sel)
		timeline_packet(c, pk, true);
	analyzer_packet(c->an, pk->ts_us, pk->pktno, &pk->tp);
	if (c->flow_sel)
		timeline_packet(c, pk, false);
}

/* Where packets come from: a mapped classic pcap file (fast), or libpcap
 * (pcapng, stdin, live). */
struct reader {
	const char *name;
	bool mapped;
	struct pcapfile pf;
	pcap_t *p;
};

static int reader_next_pcap(struct reader *rd, const uint8_t **data, uint32_t *caplen,
                            uint64_t *ts_us, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	if (pcap_get_selectable_fd(rd->p) >= 0 && pcap_file(rd->p) == NULL) {
		/* Live: wait at most 200 ms, so Ctrl-C and --duration are
		 * honoured on a quiet link (in immediate mode libpcap's own
		 * timeout never fires). */
		struct pollfd pfd = { .fd = pcap_get_selectable_fd(rd->p), .events = POLLIN };
		if (poll(&pfd, 1, 200) <= 0)
			return 2;
	}
	int r = pcap_next_ex(rd->p, &h, &d);
	if (r == 0)
		return 2;
	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r < 0) {
		/* libpcap's words, and where: the file position after the last
		 * whole packet. */
		FILE *f = pcap_file(rd->p);
		long long off = f && f != stdin ? (long long)ftello(f) : -1;
		if (off >= 0)
			snprintf(err, errlen, "byte %lld: %s", off, pcap_geterr(rd->p));
		else
			snprintf(err, errlen, "%s", pcap_geterr(rd->p));
		return -1;
	}
	*data = d;
	*caplen = h->caplen;
	*ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	return 1;
}

/* 1 a packet, 0 the end, 2 nothing yet (live), -1 an error (in err). */
static inline int reader_next(struct reader *rd, const uint8_t **data, uint32_t *caplen,
                              uint64_t *ts_us, char *err, size_t errlen)
{
	if (rd->mapped) {
		struct pcap_rec rec;
		struct dcd_err e; /* written only on error: not cleared per packet */
		int r = pcapfile_next(&rd->pf, &rec, &e);
		if (r < 0) {
			snprintf(err, errlen, "%s", e.msg);
			return -1;
		}
		if (r == 0)
			return 0;
		*data = rec.data;
		*caplen = rec.caplen;
		*ts_us = rec.ts_us;
		return 1;
	}
	return reader_next_pcap(rd, data, caplen, ts_us, err, errlen);
}

/* The packets read so far are done with: a mapped file's pages behind
 * them can go. */
static inline void reader_consumed(struct reader *rd)
{
	if (rd->mapped)
		pcapfile_consumed(&rd->pf);
}

static long long reader_offset(struct reader *rd)
{
	if (rd->mapped)
		return (long long)rd->pf.off;
	FILE *f = pcap_file(rd->p);
	return f ? (long long)ftello(f) : 0;
}

static void reader_close(struct reader *rd)
{
	if (rd->mapped)
		pcapfile_close(&rd->pf);
	if (rd->p)
		pcap_close(rd->p);
}

enum {
	OPT_JSON = 256,
	OPT_FLOW,
	OPT_SVG,
	OPT_FAIL_ON,
	OPT_PACKETS,
	OPT_FW_TIMEOUT,
	OPT_DURATION,
	OPT_HTML,
};

static const struct option analyze_longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "flow", required_argument, NULL, OPT_FLOW },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "packets", no_argument, NULL, OPT_PACKETS },
	{ "fw-timeout", required_argument, NULL, OPT_FW_TIMEOUT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "interface", required_argument, NULL, 'i' },
	{ "filter", required_argument, NULL, 'f' },
	{ "user", required_argument, NULL, 'Z' },
	{ "count", required_argument, NULL, 'c' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What to read and for how long: from the command line. */
struct an_input {
	const char *iface, *filter, *user, *path;
	long count;          /* -c: stop after this many packets, 0 no limit */
	int64_t duration_ms; /* --duration: capture time (live: wall-clock), 0 none */
};

/* The options into c and in; AN_OK, or the exit status to end with. */
static int parse_args(int argc, char **argv, struct an_ctx *c, struct an_input *in)
{
	int64_t fw_ms = 0;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:f:Z:c:qh", analyze_longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON: c->json = true; break;
		case OPT_FLOW: c->flow_sel = optarg; break;
		case OPT_SVG: c->svg_path = optarg; break;
		case OPT_HTML: c->html_path = optarg; break;
		case OPT_PACKETS: c->list_packets = true; break;
		case OPT_FAIL_ON:
			if (parse_fail_on(optarg, &c->fail_on) != 0)
				return AN_USAGE;
			break;
		case OPT_FW_TIMEOUT:
			if (parse_duration_ms(optarg, 1000, &fw_ms) != 0) {
				log_error("--fw-timeout \"%s\": expected a duration such as 3600s",
				          optarg);
				return AN_USAGE;
			}
			c->fw_timeout_s = fw_ms / 1000.0;
			break;
		case OPT_DURATION:
			if (parse_duration_ms(optarg, 1000, &in->duration_ms) != 0) {
				log_error("--duration \"%s\": expected a duration", optarg);
				return AN_USAGE;
			}
			break;
		case 'i': in->iface = optarg; break;
		case 'f': in->filter = optarg; break;
		case 'Z': in->user = optarg; break;
		case 'c':
			if (parse_long(optarg, 1, 2000000000L, &in->count) != 0) {
				log_error("-c \"%s\": expected a number of packets", optarg);
				return AN_USAGE;
			}
			break;
		case 'q': log_set_level(LOG_WARN); break;
		case 'h': fputs(analyze_usage, stdout); return -1;
		default: return AN_USAGE;
		}
	}
	if (in->iface == NULL) {
		if (optind + 1 != argc) {
			log_error(
			        optind == argc
			                ? "missing FILE (a pcap or pcapng capture, or - for stdin)"
			                : "more than one FILE");
			return AN_USAGE;
		}
		in->path = argv[optind];
	} else if (optind != argc) {
		log_error("-i %s reads live; no FILE too", in->iface);
		return AN_USAGE;
	}
	if (c->svg_path && c->flow_sel == NULL) {
		log_error("--svg draws one flow: give --flow ID or --flow ADDR:PORT");
		return AN_USAGE;
	}
	if (c->flow_sel) {
		long id;
		if (parse_long(c->flow_sel, 1, 0xffffffffL, &id) == 0)
			c->flow_id = (uint32_t)id;
	}
	return AN_OK;
}

/* Open the live interface or the file (mapped when it is a classic pcap
 * file, else through libpcap); *file_size 0 when unknown. */
static int reader_open(struct reader *rd, const struct an_input *in, off_t *file_size)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";

	*file_size = 0;
	rd->name = in->path ? in->path : in->iface;
	if (in->iface) {
		rd->p = open_live(in->iface, in->filter, in->user, 256);
		return rd->p ? AN_OK : AN_INPUT;
	}
	struct dcd_err err = { "" };
	int m = strcmp(in->path, "-") == 0 ? 0 : pcapfile_open(&rd->pf, in->path, &err);
	if (m < 0) {
		log_error("%s", err.msg);
		return AN_INPUT;
	}
	if (m == 1) {
		rd->mapped = true;
		*file_size = (off_t)rd->pf.size;
		return AN_OK;
	}
	/* pcapng, stdin, or an old format: libpcap reads it. */
	rd->p = pcap_open_offline(in->path, errbuf);
	if (rd->p == NULL) {
		log_error("%s: %s", in->path, errbuf);
		return AN_INPUT;
	}
	struct stat st;
	if (strcmp(in->path, "-") != 0 && stat(in->path, &st) == 0)
		*file_size = st.st_size;
	return AN_OK;
}

/* How far ahead of the frame being decoded the next ones are prefetched
 * (1 kB was slower, 4 to 16 kB the same: README, "Where the time goes"). */
#define FRAME_AHEAD_BYTES 2048

/* Every packet into the analyzer until the end, -c, --duration or Ctrl-C.
 * AN_OK, or AN_INPUT when the input broke off (what was read stands). */
static int read_packets(struct an_ctx *c, struct reader *rd, link_decode_fn link,
                        const struct an_input *in, off_t file_size)
{
	bool progress = !in->iface && isatty(2) && file_size > (64 << 20);
	int64_t live_deadline_ms = 0;
	uint32_t pktno = 0;
	uint64_t t_end_us = 0;
	char rerr[PCAP_ERRBUF_SIZE + 64] = "";
	int r = 0;

	/* Live, --duration is wall-clock time: quiet links must end too. */
	if (in->iface && in->duration_ms)
		live_deadline_ms = clock_now_ms(&clock_monotonic) + in->duration_ms;
	/* Anything to watch but the end of the input? (One test a packet when
	 * not: the usual case, a whole file.) */
	bool watch = in->iface || in->count || in->duration_ms || progress;
	/* A mapped file's packets stay where they are until consumed: they are
	 * decoded and go to the analyzer a batch at a time (analyzer_batch:
	 * the flows ahead are fetched while one is classified), in one thread.
	 * libpcap's last packet is overwritten by its next read, and --flow
	 * follows each packet: one at a time. A second thread decoding ahead
	 * was slower (README, "Where the time goes": the decoded packets
	 * crossing between CPUs cost more than the decoding). */
	unsigned batch_max = rd->mapped && !c->flow_sel ? AN_BATCH : 1;
	struct an_packet batch[AN_BATCH];
	bool last = false;
	while (!last) {
		unsigned n = 0;
		while (n < batch_max) {
			const uint8_t *data;
			uint32_t caplen;
			uint64_t ts_us;
			r = reader_next(rd, &data, &caplen, &ts_us, rerr, sizeof(rerr));
			if (r != 1) {
				if (r == 2 && !stop_live && /* live: nothing within 200 ms */
				    !(live_deadline_ms &&
				      clock_now_ms(&clock_monotonic) >= live_deadline_ms))
					continue;
				last = true;
				break;
			}
			if (watch && live_deadline_ms &&
			    clock_now_ms(&clock_monotonic) >= live_deadline_ms) {
				last = true;
				break;
			}
			struct an_packet *it = &batch[n++];
			it->pktno = ++pktno;
			it->ts_us = ts_us;
			if (pktno == 1)
				c->t0_us = it->ts_us;
			/* Out of order: clamp, as the analyzer does. */
			if (it->ts_us < c->t0_us)
				it->ts_us = c->t0_us;
			/* The frames FRAME_AHEAD_BYTES on, into the cache while this
			 * one is decoded (the hardware's own prefetch stops at each
			 * page); an address past the end is harmless to a prefetch,
			 * but not to pointer arithmetic: made as a number. */
			__builtin_prefetch((const void *)((uintptr_t)data + FRAME_AHEAD_BYTES));
			it->dr = decode_frame(link, data, caplen, &it->tp);
			if (watch) {
				if (in->duration_ms && !t_end_us && !in->iface)
					t_end_us = it->ts_us + (uint64_t)in->duration_ms * 1000u;
				if ((in->count && pktno >= (uint32_t)in->count) ||
				    (t_end_us && it->ts_us >= t_end_us) || stop_live) {
					last = true;
					break;
				}
			}
		}
		if (n == 1)
			process_packet(c, &batch[0]);
		else if (n > 1)
			analyzer_batch(c->an, batch, n);
		reader_consumed(rd);
		if (progress && (pktno >> 20) != ((pktno - n) >> 20))
			fprintf(stderr, "\rdcdlab analyze: %u packets, %.0f%%", pktno,
			        100.0 * (double)reader_offset(rd) / (double)file_size);
	}
	if (progress)
		fputs("\r\033[K", stderr);
	if (r < 0) {
		log_warn("%s: %s, after packet %u; reporting what was read", rd->name, rerr, pktno);
		return AN_INPUT;
	}
	return AN_OK;
}

/* The selected flow (--flow: its timeline, JSON or SVG) or the summary. */
static int print_results(struct an_ctx *c, const struct summary *s, const char *input_name)
{
	int rc = AN_OK;

	if (c->flow_sel == NULL) {
		print_summary(c, s);
		return AN_OK;
	}
	if (!c->sel_done) {
		log_error("--flow %s: no such flow in %s", c->flow_sel, input_name);
		return AN_USAGE;
	}
	if (c->json)
		print_json(c, &c->sel_report);
	else
		timeline_print(&c->tl, &c->sel_report, c->out);
	if (c->svg_path) {
		char err[300];
		if (timeline_svg(&c->tl, &c->sel_report, c->fw_timeout_s, c->svg_path, err,
		                 sizeof(err)) != 0) {
			log_error("%s", err);
			rc = AN_INPUT;
		}
	}
	return rc;
}

/* --html, the second pass: the packets of the flows to draw (a file only:
 * stdin and a live capture cannot be read again), classified again by an
 * analyzer of their own (flow numbers repeat: the same input, the same
 * order). */
struct pass2 {
	struct an_html *h;
	uint8_t cls; /* of the packet being read, from on_pkt */
};

static void pass2_pkt(uint32_t pkt, enum pkt_class cls, void *arg)
{
	(void)pkt;
	((struct pass2 *)arg)->cls = (uint8_t)cls;
}

static int html_report(struct an_ctx *c, const struct an_input *in, link_decode_fn link,
                       const struct summary *s)
{
	struct reader rd = { 0 };
	off_t size;
	struct pass2 p2 = { c->html, 0 };
	bool again = !in->iface && strcmp(in->path, "-") != 0;

	if (again && reader_open(&rd, in, &size) == AN_OK) {
		struct analyzer *a = analyzer_new(NULL, pass2_pkt, &p2);
		const uint8_t *data;
		uint32_t caplen, pktno = 0;
		uint64_t ts_us, t0_us = 0;
		char err[PCAP_ERRBUF_SIZE + 64];
		while (a && reader_next(&rd, &data, &caplen, &ts_us, err, sizeof(err)) == 1) {
			struct tcp_pkt tp;
			if (++pktno == 1)
				t0_us = ts_us;
			if (in->count && pktno > (uint32_t)in->count)
				break;
			if (decode_frame(link, data, caplen, &tp) != DECODE_TCP) {
				analyzer_skip(a, DECODE_NOT_TCP);
				continue;
			}
			p2.cls = 0;
			analyzer_packet(a, ts_us, pktno, &tp);
			bool from_client;
			uint32_t id = analyzer_last_flow(a, &from_client);
			if (!an_html_wants(c->html, id))
				continue;
			struct leg_seg seg =
			        leg_seg_of(&tp, ts_us > t0_us ? (double)(ts_us - t0_us) / 1e6 : 0,
			                   from_client);
			seg.cls = p2.cls;
			an_html_seg(c->html, id, &seg);
			reader_consumed(&rd);
		}
		if (a) {
			struct summary ignored;
			analyzer_finish(a, &ignored);
			analyzer_free(a);
		}
		reader_close(&rd);
	}
	return an_html_write(c->html, c->html_path, in->iface ? in->iface : in->path, s);
}

int cmd_analyze(int argc, char **argv)
{
	struct an_ctx c = { .out = stdout };
	struct an_input in = { .filter = "tcp port 1521" };
	struct reader rd = { 0 };
	off_t file_size;
	int rc;

	if ((rc = parse_args(argc, argv, &c, &in)) != AN_OK)
		return rc < 0 ? AN_OK : rc; /* -1: --help */
	if ((rc = reader_open(&rd, &in, &file_size)) != AN_OK)
		return rc;
	if (in.iface) {
		signal(SIGINT, on_sigint);
		signal(SIGTERM, on_sigint);
	}
	int linktype = rd.mapped ? rd.pf.linktype : pcap_datalink(rd.p);
	link_decode_fn link = link_decoder(linktype);
	if (link == NULL) {
		const char *lname = pcap_datalink_val_to_name(linktype);
		log_error("%s: link type %s (%d) is not supported (ethernet, linux-sll, "
		          "linux-sll2, raw IP, BSD loopback are)",
		          rd.name, lname ? lname : "unknown", linktype);
		reader_close(&rd);
		return AN_INPUT;
	}

	if (c.html_path && !(c.html = an_html_new())) {
		log_error("--html: out of memory");
		reader_close(&rd);
		return AN_INPUT;
	}
	c.an = analyzer_new(on_report, (c.list_packets || c.flow_sel) ? on_pkt : NULL, &c);
	/* A self-check for tests: the steady path against the general one. */
	const char *check = getenv("DCDLAB_CHECK_FASTPATH");
	if (check && strcmp(check, "1") == 0)
		analyzer_check_fastpath(c.an);
	rc = read_packets(&c, &rd, link, &in, file_size);
	struct summary s;
	analyzer_finish(c.an, &s);
	if (check && strcmp(check, "1") == 0) {
		uint64_t checked, differed = analyzer_fastpath_differences(c.an, &checked);
		fprintf(stderr,
		        "DCDLAB_CHECK_FASTPATH: %llu segments on the steady path, %llu differ\n",
		        (unsigned long long)checked, (unsigned long long)differed);
		if (differed && rc == AN_OK)
			rc = AN_INPUT;
	}
	if (in.iface && rd.p) {
		struct pcap_stat ps;
		if (pcap_stats(rd.p, &ps) == 0)
			s.kernel_drops = (int64_t)ps.ps_drop + (int64_t)ps.ps_ifdrop;
	}
	int prc = print_results(&c, &s, rd.name);
	rc = rc ? rc : prc;
	fflush(c.out);
	if (c.html && html_report(&c, &in, link, &s) != 0 && rc == AN_OK)
		rc = AN_INPUT;
	if (rc == AN_OK && c.failed) {
		log_warn("--fail-on: %u flows matched", c.failed);
		rc = AN_FAIL_ON;
	}
	analyzer_free(c.an);
	an_html_free(c.html);
	timeline_free(&c.tl);
	reader_close(&rd);
	return rc;
}
